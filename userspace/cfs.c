// SPDX-License-Identifier: GPL-2.0
/*
 * swapctl: configfs primitives. Every write that the kernel refuses is
 * explained by the target's last_error, which is what the operator sees.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include "cfs.h"

/*
 * modprobe netswap, its messages in @out. Under Secure Boot a module the
 * firmware's keys do not vouch for is refused: "Key was rejected by
 * service". NETSWAP_MODPROBE names another modprobe (tests; netswap-boot
 * reads the same variable).
 */
static int ns_modprobe(char *out, size_t outlen)
{
	const char *prog = getenv("NETSWAP_MODPROBE");
	size_t used = 0;
	int pfd[2], status;
	char sink[256];
	ssize_t n;
	pid_t pid;

	out[0] = '\0';
	if (!prog || !*prog)
		prog = "modprobe";
	if (pipe2(pfd, O_CLOEXEC))
		return -errno;
	pid = fork();
	if (pid < 0) {
		close(pfd[0]);
		close(pfd[1]);
		return -errno;
	}
	if (pid == 0) {
		if (dup2(pfd[1], STDOUT_FILENO) < 0 ||
		    dup2(pfd[1], STDERR_FILENO) < 0)
			_exit(126);
		execlp(prog, prog, "netswap", (char *)NULL);
		dprintf(STDERR_FILENO, "%s: %s", prog, strerror(errno));
		_exit(127);
	}
	close(pfd[1]);
	for (;;) {
		if (used + 1 < outlen)
			n = read(pfd[0], out + used, outlen - 1 - used);
		else
			n = read(pfd[0], sink, sizeof(sink));
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		if (used + 1 < outlen)
			used += n;
	}
	out[used] = '\0';
	close(pfd[0]);
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return -errno;
	/* One line for the message: the first. */
	out[strcspn(out, "\n")] = '\0';
	return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : -ENOENT;
}

static bool ns_root_present(void)
{
	struct stat st;

	return stat(NS_CFS_ROOT, &st) == 0 && S_ISDIR(st.st_mode);
}

int ns_cfs_check(bool load, char *err, size_t errlen)
{
	char msg[NS_MODPROBE_MSG];
	struct stat st;

	if (ns_root_present())
		return 0;
	if (stat("/sys/kernel/config", &st) != 0 ||
	    stat("/sys/kernel/config/.", &st) != 0) {
		snprintf(err, errlen,
			 "configfs is not available (mount -t configfs none /sys/kernel/config)");
		return -ENOENT;
	}
	if (!load) {
		snprintf(err, errlen,
			 "netswap module not loaded (modprobe netswap): %s missing",
			 NS_CFS_ROOT);
		return -ENOENT;
	}
	if (ns_modprobe(msg, sizeof(msg)) == 0 && ns_root_present())
		return 0;
	if (strstr(msg, "Key was rejected"))
		snprintf(err, errlen,
			 "cannot load netswap.ko: Secure Boot refuses its signature; enrol DKMS's key once (mokutil --import /var/lib/dkms/mok.pub, reboot, Enroll MOK) and try again");
	else
		snprintf(err, errlen, "cannot load the netswap module: %s",
			 msg[0] ? msg : "modprobe netswap failed");
	return -ENOENT;
}

static int ns_path(char *buf, size_t len, const char *name, const char *attr)
{
	int n;

	if (attr)
		n = snprintf(buf, len, "%s/%s/%s", NS_CFS_ROOT, name, attr);
	else
		n = snprintf(buf, len, "%s/%s", NS_CFS_ROOT, name);
	return n < 0 || (size_t)n >= len ? -ENAMETOOLONG : 0;
}

bool ns_cfs_exists(const char *name)
{
	char path[256];
	struct stat st;

	return !ns_path(path, sizeof(path), name, NULL) &&
	       stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

int ns_cfs_mkdir(const char *name, char *err, size_t errlen)
{
	char path[256];

	if (ns_path(path, sizeof(path), name, NULL) ||
	    mkdir(path, 0755) != 0) {
		int e = errno;

		snprintf(err, errlen, "cannot create %s: %s", path,
			 e == EEXIST ? "a target of that name exists" :
			 strerror(e));
		return -e;
	}
	return 0;
}

int ns_cfs_rmdir(const char *name, char *err, size_t errlen)
{
	char path[256];

	if (ns_path(path, sizeof(path), name, NULL) || rmdir(path) != 0) {
		int e = errno;

		snprintf(err, errlen, "cannot remove %s: %s", path,
			 e == EBUSY ? "target is enabled" : strerror(e));
		return -e;
	}
	return 0;
}

int ns_cfs_read(const char *name, const char *attr, char *buf, size_t len)
{
	char path[256];
	ssize_t n;
	int fd, e;

	buf[0] = '\0';
	if (ns_path(path, sizeof(path), name, attr))
		return -ENAMETOOLONG;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = read(fd, buf, len - 1);
	e = errno;
	close(fd);
	if (n < 0)
		return -e;
	buf[n] = '\0';
	if (n && buf[n - 1] == '\n')
		buf[n - 1] = '\0';
	return 0;
}

int ns_cfs_write(const char *name, const char *attr, const char *value,
		 char *err, size_t errlen)
{
	char path[256], why[256];
	size_t len = strlen(value);
	ssize_t n;
	int fd, e;

	if (ns_path(path, sizeof(path), name, attr)) {
		snprintf(err, errlen, "%s: path too long", attr);
		return -ENAMETOOLONG;
	}
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0) {
		e = errno;
		snprintf(err, errlen, "%s: %s", path, strerror(e));
		return -e;
	}
	/* One write, as configfs takes it; an empty value is a lone "\n". */
	n = len ? write(fd, value, len) : write(fd, "\n", 1);
	e = errno;
	close(fd);
	if (n >= 0)
		return 0;
	if (ns_cfs_read(name, "last_error", why, sizeof(why)) || !why[0])
		snprintf(why, sizeof(why), "%s", strerror(e));
	snprintf(err, errlen, "%s", why);
	return -e;
}
