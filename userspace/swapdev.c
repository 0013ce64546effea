// SPDX-License-Identifier: GPL-2.0
/*
 * swapctl: a netswap disk as a swap device. Shared by `up`, `apply` and
 * the udev helper `hotplug`.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/swap.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <unistd.h>
#include <linux/fs.h>
#include <blkid/blkid.h>
#include "swapctl.h"
#include "cfs.h"
#include "parse.h"
#include "swapdev.h"

#define NS_DISK_WAIT_MS		10000

/* Older C libraries define only SWAP_FLAG_DISCARD (Linux 3.11 added these). */
#ifndef SWAP_FLAG_DISCARD_ONCE
#define SWAP_FLAG_DISCARD_ONCE	0x20000
#endif
#ifndef SWAP_FLAG_DISCARD_PAGES
#define SWAP_FLAG_DISCARD_PAGES	0x40000
#endif

int ns_swap_active(const char *dev, int *prio, long long *used)
{
	char path[4096], type[64];
	long long size, u;
	struct stat a, b;
	int p, found = 0;
	FILE *f;

	if (stat(dev, &a) != 0)
		return 0;
	f = fopen("/proc/swaps", "re");
	if (!f)
		return 0;
	/* "Filename Type Size Used Priority" after a header line. */
	if (fscanf(f, "%*[^\n]\n") < 0) {
		fclose(f);
		return 0;
	}
	while (fscanf(f, "%4095s %63s %lld %lld %d", path, type, &size, &u,
		      &p) == 5) {
		if (stat(path, &b) == 0 && S_ISBLK(b.st_mode) &&
		    b.st_rdev == a.st_rdev) {
			if (prio)
				*prio = p;
			if (used)
				*used = u;
			found = 1;
			break;
		}
	}
	fclose(f);
	return found;
}

/* The node appears through devtmpfs, or udev where devtmpfs is not used. */
int ns_wait_dev(const char *disk, char *dev, size_t len)
{
	struct stat st;
	int waited;

	snprintf(dev, len, "/dev/%s", disk);
	for (waited = 0; waited < NS_DISK_WAIT_MS; waited += 50) {
		if (stat(dev, &st) == 0 && S_ISBLK(st.st_mode))
			return 0;
		usleep(50 * 1000);
	}
	return -1;
}

/* The signature on @dev: "" for none, else its type ("swap", "ext4"). */
static int ns_probe_sig(const char *dev, char *type, size_t len)
{
	const char *v = NULL;
	blkid_probe pr;
	int ret;

	type[0] = '\0';
	pr = blkid_new_probe_from_filename(dev);
	if (!pr)
		return -1;
	blkid_probe_enable_superblocks(pr, 1);
	blkid_probe_set_superblocks_flags(pr, BLKID_SUBLKS_TYPE);
	blkid_probe_enable_partitions(pr, 1);
	ret = blkid_do_safeprobe(pr);
	if (ret == 0) {
		if (blkid_probe_lookup_value(pr, "TYPE", &v, NULL) &&
		    blkid_probe_lookup_value(pr, "PTTYPE", &v, NULL))
			v = "unknown";
		snprintf(type, len, "%s", v);
	} else if (ret == -2) {
		snprintf(type, len, "ambivalent (several)");
	}
	blkid_free_probe(pr);
	return ret == -1 ? -1 : 0;
}

static int ns_mkswap(const char *dev)
{
	pid_t pid;
	int status;

	pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		/* udev runs its RUN programs with no PATH at all. */
		setenv("PATH", "/usr/sbin:/usr/bin:/sbin:/bin", 0);
		execlp("mkswap", "mkswap", dev, (char *)NULL);
		fprintf(stderr, "swapctl: mkswap: %s\n", strerror(errno));
		_exit(127);
	}
	if (waitpid(pid, &status, 0) < 0)
		return -1;
	return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : -1;
}

static uint64_t ns_dev_bytes(const char *dev)
{
	uint64_t bytes = 0;
	int fd = open(dev, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return 0;
	if (ioctl(fd, BLKGETSIZE64, &bytes) != 0)
		bytes = 0;
	close(fd);
	return bytes;
}

/* Swap on @dev already (maybe turned on by someone else just now)? */
static int ns_swap_already_on(const char *name, const char *dev)
{
	int p;

	if (!ns_swap_active(dev, &p, NULL))
		return 0;
	ns_info("%s: swap already on %s (priority %d)", name, dev, p);
	return 1;
}

int ns_swap_prepare(const char *name, const char *dev, int format,
		    const char *no_sig_hint)
{
	char sig[64], seal[16];

	if (ns_swap_active(dev, NULL, NULL))
		return EX_OK;
	/*
	 * A sealed disk is blank at every enable: its key is new, and a
	 * block not written since reads as zeros. There is nothing on it to
	 * keep, so it always gets a fresh signature.
	 */
	if (!ns_cfs_read(name, "seal", seal, sizeof(seal)) &&
	    !strcmp(seal, "aead"))
		format = 1;
	if (ns_probe_sig(dev, sig, sizeof(sig))) {
		ns_errmsg("%s: cannot read %s: %s", name, dev, strerror(errno));
		return EX_SYS;
	}
	if (sig[0] && strcmp(sig, "swap") != 0) {
		ns_errmsg("%s: %s carries a %s signature: not touching it (wipefs it first if it is really unused)",
			  name, dev, sig);
		return EX_BUSY;
	}
	if (format) {
		if (ns_mkswap(dev)) {
			/* Busy: the udev rule or swapctl up was quicker. */
			if (ns_swap_already_on(name, dev))
				return EX_OK;
			ns_errmsg("%s: mkswap %s failed", name, dev);
			return EX_SYS;
		}
	} else if (!sig[0]) {
		ns_errmsg("%s: %s has no swap signature (%s)", name, dev,
			  no_sig_hint);
		return EX_BUSY;
	}
	return EX_OK;
}

/* swapon(2) flags for a discard policy, as swapon(8) sets them. */
static int ns_discard_flags(int discard)
{
	switch (discard) {
	case NS_DISCARD_BOTH:
		return SWAP_FLAG_DISCARD;
	case NS_DISCARD_ONCE:
		return SWAP_FLAG_DISCARD | SWAP_FLAG_DISCARD_ONCE;
	case NS_DISCARD_PAGES:
		return SWAP_FLAG_DISCARD | SWAP_FLAG_DISCARD_PAGES;
	default:
		return 0;
	}
}

/* The disk's discard_max_bytes in sysfs: 0 when it cannot discard. */
static unsigned long long ns_dev_discard_max(const char *dev)
{
	unsigned long long v = 0;
	char path[128];
	struct stat st;
	FILE *f;

	if (stat(dev, &st) != 0 || !S_ISBLK(st.st_mode))
		return 0;
	snprintf(path, sizeof(path), "/sys/dev/block/%u:%u/queue/discard_max_bytes",
		 major(st.st_rdev), minor(st.st_rdev));
	f = fopen(path, "re");
	if (!f)
		return 0;
	if (fscanf(f, "%llu", &v) != 1)
		v = 0;
	fclose(f);
	return v;
}

int ns_swap_start(const char *name, const char *dev, int prio, int discard,
		  int format, const char *no_sig_hint)
{
	char size[32], how[96] = "";
	int flags = 0, p, ret;

	if (ns_swap_already_on(name, dev))
		return EX_OK;
	ret = ns_swap_prepare(name, dev, format, no_sig_hint);
	if (ret)
		return ret;
	if (prio >= 0)
		flags = SWAP_FLAG_PREFER |
			((prio << SWAP_FLAG_PRIO_SHIFT) & SWAP_FLAG_PRIO_MASK);
	flags |= ns_discard_flags(discard);
	if (discard)
		snprintf(how, sizeof(how), ns_dev_discard_max(dev) ?
			 ", %s" : ", no discard: the storage cannot unmap",
			 ns_discard_opt(discard));
	if (swapon(dev, flags) != 0) {
		/* EBUSY: someone else (the udev rule) turned it on first. */
		if (errno == EBUSY && ns_swap_already_on(name, dev))
			return EX_OK;
		ns_errmsg("%s: swapon %s: %s", name, dev, strerror(errno));
		return EX_SYS;
	}
	ns_human(ns_dev_bytes(dev), size, sizeof(size));
	ns_swap_active(dev, &p, NULL);
	ns_info("%s: swap on %s (%s, priority %d%s)", name, dev, size, p, how);
	return EX_OK;
}
