// SPDX-License-Identifier: GPL-2.0
/*
 * The host's iSCSI initiator name: the one a target's ACL names, so the
 * same at early boot and after switch_root, and never shared by two hosts.
 * In order:
 *   /etc/iscsi/initiatorname.iscsi   open-iscsi's, when the host has one
 *   /etc/netswap/initiatorname       netswap's own, generated once per host
 *                                    (as iscsi-iname does) on first need
 * Both hold "InitiatorName=IQN". NETSWAP_ISCSI_INITIATOR_FILE and
 * NETSWAP_INITIATOR_FILE name others (the unit tests);
 * NETSWAP_INITIATOR_CREATE=0 forbids generating one (netswap-boot: in the
 * initramfs a new name would differ from the real root's).
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>
#include "swapctl.h"

#define NS_ISCSI_INITIATOR_FILE		"/etc/iscsi/initiatorname.iscsi"
#define NS_OWN_INITIATOR_FILE		"/etc/netswap/initiatorname"
#define NS_IQN_PREFIX			"iqn.2026-11.org.netswap:"

int ns_initiator_no_create;

static const char *ns_env_path(const char *var, const char *def)
{
	const char *v = getenv(var);

	return v && *v ? v : def;
}

const char *ns_own_initiator_file(void)
{
	return ns_env_path("NETSWAP_INITIATOR_FILE", NS_OWN_INITIATOR_FILE);
}

/* InitiatorName= of @path in @buf ("" if the file or the line is absent). */
static void ns_read_initiator(const char *path, char *buf, size_t len)
{
	char line[512];
	FILE *f;

	buf[0] = '\0';
	f = fopen(path, "re");
	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		char *v = line + strspn(line, " \t");

		if (strncmp(v, "InitiatorName=", 14) != 0)
			continue;
		v += 14;
		v[strcspn(v, " \t\r\n")] = '\0';
		if (strlen(v) < len)
			snprintf(buf, len, "%s", v);
		break;
	}
	fclose(f);
}

/*
 * A new name in @path, written whole or not at all, and on disk before it
 * is used: 0, -EEXIST if another swapctl stored one first, or -errno.
 */
static int ns_store_initiator(const char *path, const char *iqn)
{
	char tmp[PATH_MAX], dir[PATH_MAX], *slash;
	int fd, dfd, ret = 0;
	FILE *f;

	snprintf(dir, sizeof(dir), "%s", path);
	slash = strrchr(dir, '/');
	if (slash && slash != dir)
		*slash = '\0';
	else
		snprintf(dir, sizeof(dir), "%s", slash ? "/" : ".");
	if (mkdir(dir, 0755) && errno != EEXIST)
		return -errno;
	snprintf(tmp, sizeof(tmp), "%s.XXXXXX", path);
	fd = mkostemp(tmp, O_CLOEXEC);
	if (fd < 0)
		return errno == EEXIST ? -EIO : -errno;
	if (fchmod(fd, 0644)) {
		ret = -errno;
		close(fd);
		unlink(tmp);
		return ret;
	}
	f = fdopen(fd, "w");
	if (!f) {
		ret = -errno;
		close(fd);
		unlink(tmp);
		return ret;
	}
	fprintf(f, "## This host's iSCSI initiator name for netswap, generated once by\n"
		"## swapctl; the targets' ACLs name it. Used when there is no\n"
		"## /etc/iscsi/initiatorname.iscsi. Keep it: a new name is a new host\n"
		"## to every target.\n"
		"InitiatorName=%s\n", iqn);
	if (fflush(f) || fsync(fd))
		ret = -errno;
	if (fclose(f) && !ret)
		ret = -errno;
	/* link(): a name another swapctl stored meanwhile wins. */
	if (!ret && link(tmp, path))
		ret = -errno;
	unlink(tmp);
	if (!ret) {
		dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (dfd < 0 || fsync(dfd))
			ret = -errno;
		if (dfd >= 0)
			close(dfd);
	}
	return ret;
}

int ns_host_initiator(char *buf, size_t len, int create, const char **src)
{
	const char *own = ns_own_initiator_file();
	const char *iscsi = ns_env_path("NETSWAP_ISCSI_INITIATOR_FILE",
					NS_ISCSI_INITIATOR_FILE);
	const char *env = getenv("NETSWAP_INITIATOR_CREATE");
	unsigned char r[6];
	char iqn[64];
	int i, err;

	if (src)
		*src = "";
	ns_read_initiator(iscsi, buf, len);
	if (buf[0]) {
		if (src)
			*src = iscsi;
		return EX_OK;
	}
	ns_read_initiator(own, buf, len);
	if (buf[0]) {
		if (src)
			*src = own;
		return EX_OK;
	}
	if (!create || ns_initiator_no_create || (env && !strcmp(env, "0")))
		return EX_OK;
	if (getrandom(r, sizeof(r), 0) != sizeof(r)) {
		ns_errmsg("cannot generate an initiator name: %s",
			  strerror(errno));
		return EX_SYS;
	}
	i = snprintf(iqn, sizeof(iqn), "%s", NS_IQN_PREFIX);
	for (err = 0; err < (int)sizeof(r); err++)
		i += snprintf(iqn + i, sizeof(iqn) - i, "%02x", r[err]);
	err = ns_store_initiator(own, iqn);
	if (err && err != -EEXIST) {
		ns_errmsg("cannot store a new initiator name in %s: %s (set initiator= in netswaptab, or write InitiatorName=IQN there)",
			  own, strerror(-err));
		return EX_SYS;
	}
	ns_read_initiator(own, buf, len);
	if (!buf[0]) {
		ns_errmsg("%s: no InitiatorName= line", own);
		return EX_SYS;
	}
	if (!err)
		fprintf(stderr, "swapctl: this host's iSCSI initiator name is now %s (in %s): targets with an ACL must allow it\n",
			buf, own);
	if (src)
		*src = own;
	return EX_OK;
}

/*
 * swapctl initiator-name [--no-create]: the name this host logs in with,
 * generated now if it has none (unless --no-create: exit 2 then).
 */
int cmd_initiator_name(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "no-create", no_argument, NULL, 'n' },
		{ NULL, 0, NULL, 0 },
	};
	char iqn[256];
	int c, create = 1, ret;

	optind = 1;
	while ((c = getopt_long(argc, argv, "", lo, NULL)) != -1) {
		switch (c) {
		case 'n':
			create = 0;
			break;
		default:
			return EX_USAGE;
		}
	}
	if (optind < argc) {
		ns_errmsg("unexpected argument '%s'", argv[optind]);
		return EX_USAGE;
	}
	ret = ns_host_initiator(iqn, sizeof(iqn), create, NULL);
	if (ret)
		return ret;
	if (!iqn[0]) {
		ns_errmsg("this host has no initiator name yet (%s or %s)",
			  ns_env_path("NETSWAP_ISCSI_INITIATOR_FILE",
				      NS_ISCSI_INITIATOR_FILE),
			  ns_own_initiator_file());
		return EX_NOENT;
	}
	printf("%s\n", iqn);
	return EX_OK;
}
