// SPDX-License-Identifier: GPL-2.0
/*
 * swapctl - manage netswap network swap targets
 *
 * Turns URLs into configfs writes, turns swap on and off, shows status and
 * follows events over the netswap generic netlink family, applies
 * /etc/netswap/netswaptab and sizes vm.min_free_kbytes. swapctl(8) is the
 * manual; the exit codes are listed there and below.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <netdb.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <dirent.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/swap.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <libsmartcols.h>
#include "cfs.h"
#include "netswap.h"
#include "nl.h"
#include "parse.h"
#include "swapctl.h"
#include "swapdev.h"

/* From the top-level VERSION file, as the module's MODULE_VERSION. */
#ifndef SWAPCTL_VERSION
#error "SWAPCTL_VERSION is not set: build with userspace/Makefile"
#endif

#define NS_TAB_DEFAULT		"/etc/netswap/netswaptab"

/* The version of swapctl's JSON (docs/json/): a field changes, it goes up. */
#define NS_JSON_VERSION		1
#define NS_MAX_COLS		32

/* status: the table's shape (-o, -n, --raw). */
struct ns_table_view {
	const char	*output;
	int		noheadings;
	int		raw;
	int		cols[NS_MAX_COLS];
	int		ncols;
};

const char *cmd_name = "swapctl";
static const char *info_prefix = "";

/* One line in one write: on /dev/kmsg (hotplug --kmsg) a write is a record. */
static void ns_vline(FILE *f, const char *prefix, const char *fmt, va_list ap)
{
	char line[1024];

	vsnprintf(line, sizeof(line), fmt, ap);
	fprintf(f, "%s%s\n", prefix, line);
}

void ns_errmsg(const char *fmt, ...)
{
	char prefix[64];
	va_list ap;

	snprintf(prefix, sizeof(prefix), "swapctl: %s: ", cmd_name);
	va_start(ap, fmt);
	ns_vline(stderr, prefix, fmt, ap);
	va_end(ap);
}

void ns_info(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	ns_vline(stdout, info_prefix, fmt, ap);
	va_end(ap);
}

/* -------- helpers -------- */

/*
 * monitor and watch run on machines that swap, to show what swap does:
 * their own pages stay out of swap, or they would stall on the very target
 * they report on. Best effort: without the privilege or the limit they run
 * unlocked; pages are locked as they are touched (MCL_ONFAULT), so only
 * what they use is pinned.
 */
void ns_lock_memory(void)
{
	if (mlockall(MCL_CURRENT | MCL_FUTURE | MCL_ONFAULT) != 0 &&
	    errno == EINVAL)
		mlockall(MCL_CURRENT | MCL_FUTURE);
}

/* After getopt: anything left over is a mistake worth naming. */
static int ns_extra_args(int argc, char **argv)
{
	if (optind == argc)
		return 0;
	ns_errmsg("unexpected argument '%s'", argv[optind]);
	return -1;
}

/* @load: the command creates targets, so the module is loaded for it. */
static int ns_need_cfs(bool load)
{
	char err[NS_ERR_MAX];

	if (ns_cfs_check(load, err, sizeof(err))) {
		ns_errmsg("%s", err);
		return EX_SYS;
	}
	return EX_OK;
}

static struct ns_nl *ns_need_nl(void)
{
	char err[NS_ERR_MAX];
	struct ns_nl *nl = ns_nl_open(err, sizeof(err));

	if (!nl)
		ns_errmsg("%s", err);
	return nl;
}

void ns_human(uint64_t bytes, char *buf, size_t len)
{
	static const char *const unit[] = { "B", "KiB", "MiB", "GiB", "TiB" };
	double v = (double)bytes;
	unsigned int i = 0;

	while (v >= 1024 && i < 4) {
		v /= 1024;
		i++;
	}
	if (i == 0)
		snprintf(buf, len, "%llu B", (unsigned long long)bytes);
	else
		snprintf(buf, len, "%.1f %s", v, unit[i]);
}

/* Resolve the URL's host here, never in the kernel: a numeric literal. */
static int ns_resolve(const struct ns_target *t, char *out, size_t len)
{
	struct addrinfo hints = { .ai_socktype = SOCK_STREAM };
	struct addrinfo *res;
	int ret;

	hints.ai_family = t->host_v6 ? AF_INET6 : AF_UNSPEC;
	ret = getaddrinfo(t->host, NULL, &hints, &res);
	if (ret) {
		ns_errmsg("%s: cannot resolve host '%s': %s", t->name, t->host,
			  gai_strerror(ret));
		return EX_CONN;
	}
	ret = getnameinfo(res->ai_addr, res->ai_addrlen, out, len, NULL, 0,
			  NI_NUMERICHOST);
	freeaddrinfo(res);
	if (ret) {
		ns_errmsg("%s: cannot print the address of '%s': %s", t->name,
			  t->host, gai_strerror(ret));
		return EX_CONN;
	}
	return EX_OK;
}

/* Same address, whatever the spelling ("::1" and "0:0::1"). */
static int ns_same_addr(const char *a, const char *b)
{
	unsigned char x[16], y[16];

	if (inet_pton(AF_INET, a, x) == 1)
		return inet_pton(AF_INET, b, y) == 1 && !memcmp(x, y, 4);
	if (inet_pton(AF_INET6, a, x) == 1)
		return inet_pton(AF_INET6, b, y) == 1 && !memcmp(x, y, 16);
	return 0;
}

/*
 * A file that holds a secret, or that names one, must be root's (or the
 * caller's) and closed to others, the way ssh treats its keys: @mask is
 * the mode bits nobody else may have (077 for a secret, 022 for
 * netswaptab). Checked on the open file, so a swap of the path after the
 * check changes nothing.
 */
static int ns_check_owner_mode(FILE *f, const char *what, const char *path,
			       mode_t mask)
{
	struct stat st;

	if (fstat(fileno(f), &st)) {
		ns_errmsg("%s %s: %s", what, path, strerror(errno));
		return EX_SYS;
	}
	if (st.st_uid != 0 && st.st_uid != geteuid()) {
		ns_errmsg("%s %s: owned by uid %u, not root: chown root %s",
			  what, path, (unsigned int)st.st_uid, path);
		return EX_USAGE;
	}
	if (st.st_mode & mask) {
		ns_errmsg("%s %s: mode %04o lets others %s it: chmod %s %s",
			  what, path, (unsigned int)(st.st_mode & 07777),
			  mask & 044 && st.st_mode & 044 ? "read" : "change",
			  mask & 044 ? "600" : "go-w", path);
		return EX_USAGE;
	}
	return EX_OK;
}

/*
 * A CHAP secret (@key: secret_file or target_secret_file): from a file or
 * standard input, never the command line.
 */
static int ns_read_secret(const char *name, const char *key, const char *path,
			  char *buf, size_t len)
{
	FILE *f = stdin;
	size_t n;
	int ret;

	buf[0] = '\0';
	if (!path[0])
		return EX_OK;
	if (strcmp(path, "-") != 0) {
		f = fopen(path, "re");
		if (!f) {
			ns_errmsg("%s: %s %s: %s", name, key, path,
				  strerror(errno));
			return EX_USAGE;
		}
		ret = ns_check_owner_mode(f, key, path, 077);
		if (ret) {
			fclose(f);
			return ret;
		}
	}
	if (!fgets(buf, len, f))
		buf[0] = '\0';
	if (f != stdin)
		fclose(f);
	n = strcspn(buf, "\r\n");
	buf[n] = '\0';
	if (!n) {
		ns_errmsg("%s: %s %s: no secret in it", name, key, path);
		return EX_USAGE;
	}
	return EX_OK;
}

/* -------- settings: a target description as configfs values -------- */

#define NS_MAX_SETTINGS	24

/* The kernel's defaults (configfs/ABI.md) for settings a file leaves out. */
#define NS_DEF_QUEUE_DEPTH		64
#define NS_DEF_IO_TIMEOUT_MS		30000
#define NS_DEF_RECONNECT_DELAY_MS	1000

struct ns_setting {
	const char	*attr;
	char		value[NS_PATH_MAX];
	int		flags;
};

#define NS_S_ADDR	1	/* compare as an address */
#define NS_S_SECRET	2	/* write-only: never compared */
#define NS_S_LOOSE	4	/* the kernel may fill it in: "" = any */

struct ns_settings {
	struct ns_setting	s[NS_MAX_SETTINGS];
	int			n;
};

static void ns_add_setting(struct ns_settings *ss, const char *attr,
			   int flags, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static void ns_add_setting(struct ns_settings *ss, const char *attr,
			   int flags, const char *fmt, ...)
{
	struct ns_setting *s = &ss->s[ss->n++];
	va_list ap;

	s->attr = attr;
	s->flags = flags;
	va_start(ap, fmt);
	vsnprintf(s->value, sizeof(s->value), fmt, ap);
	va_end(ap);
}

/* A number setting: the operator's value, or the kernel's default. */
static void ns_add_num(struct ns_settings *ss, const char *attr, long long v,
		       long long def)
{
	ns_add_setting(ss, attr, 0, "%lld", v < 0 ? def : v);
}

/*
 * Every configfs setting the target should have: what it names, or the
 * kernel's default where it names nothing, so that removing an option from
 * netswaptab puts the default back.
 */
static void ns_settings_build(const struct ns_target *t, const char *addr,
			      const char *secret, const char *target_secret,
			      const char *initiator, struct ns_settings *ss)
{
	ss->n = 0;
	ns_add_setting(ss, "transport", 0, "%s",
		       ns_transport_name(t->transport));
	ns_add_setting(ss, "address", NS_S_ADDR, "%s", addr);
	ns_add_num(ss, "port", t->port, 0);
	if (t->transport == NS_T_ISCSI) {
		ns_add_setting(ss, "target_name", 0, "%s", t->target);
		ns_add_num(ss, "lun", t->lun, 0);
		ns_add_setting(ss, "initiator_name", NS_S_LOOSE, "%s",
			       initiator);
		ns_add_setting(ss, "auth_user", 0, "%s", t->user);
		if (secret[0])
			ns_add_setting(ss, "auth_secret", NS_S_SECRET, "%s",
				       secret);
		ns_add_setting(ss, "auth_target_user", 0, "%s",
			       t->target_user);
		if (target_secret[0])
			ns_add_setting(ss, "auth_target_secret", NS_S_SECRET,
				       "%s", target_secret);
		ns_add_setting(ss, "header_digest", 0, "%s",
			       t->header_digest == 1 ? "crc32c" : "none");
		ns_add_setting(ss, "data_digest", 0, "%s",
			       t->data_digest == 1 ? "crc32c" : "none");
	} else {
		ns_add_setting(ss, "export", 0, "%s", t->export);
		ns_add_setting(ss, "file", 0, "%s", t->file);
		ns_add_num(ss, "mount_port", t->mount_port, 0);
		ns_add_setting(ss, "auth_flavor", 0, "%s",
			       t->auth_none == 1 ? "none" : "sys");
		ns_add_num(ss, "auth_uid", t->auth_uid, 0);
		ns_add_num(ss, "auth_gid", t->auth_gid, 0);
	}
	ns_add_num(ss, "connections", t->connections, 0);
	ns_add_num(ss, "queue_depth", t->queue_depth, NS_DEF_QUEUE_DEPTH);
	ns_add_num(ss, "io_timeout_ms", t->io_timeout_ms, NS_DEF_IO_TIMEOUT_MS);
	ns_add_num(ss, "reconnect_delay_ms", t->reconnect_delay_ms,
		   NS_DEF_RECONNECT_DELAY_MS);
	ns_add_num(ss, "recovery_timeout_s", t->recovery_timeout_s, 0);
	ns_add_setting(ss, "seal", 0, "%s", t->seal == 1 ? "aead" : "none");
}

static int ns_setting_differs(const char *name, const struct ns_setting *s)
{
	char cur[NS_PATH_MAX];

	if (s->flags & NS_S_SECRET)
		return 0;
	if (ns_cfs_read(name, s->attr, cur, sizeof(cur)))
		return 1;
	if ((s->flags & NS_S_LOOSE) && !s->value[0])
		return 0;
	if (s->flags & NS_S_ADDR)
		return !ns_same_addr(cur, s->value);
	return strcmp(cur, s->value) != 0;
}

/*
 * Write the settings (all of them, or only those that differ). Return the
 * number written, or -1 after saying which one the kernel refused and why.
 */
static int ns_settings_write(const char *name, const struct ns_settings *ss,
			     int only_changed)
{
	char err[NS_ERR_MAX];
	int i, written = 0;

	for (i = 0; i < ss->n; i++) {
		const struct ns_setting *s = &ss->s[i];

		if (only_changed && !(s->flags & NS_S_SECRET) &&
		    !ns_setting_differs(name, s))
			continue;
		if (ns_cfs_write(name, s->attr, s->value, err, sizeof(err))) {
			ns_errmsg("%s: %s", name, err);
			return -1;
		}
		if (!(s->flags & NS_S_SECRET))
			written++;
	}
	return written;
}

static int ns_settings_differ(const char *name, const struct ns_settings *ss)
{
	int i;

	for (i = 0; i < ss->n; i++)
		if (ns_setting_differs(name, &ss->s[i]))
			return 1;
	return 0;
}

/* Resolve, read the secret, build the settings. */
static int ns_prepare(const struct ns_target *t, struct ns_settings *ss)
{
	char addr[NI_MAXHOST], secret[257], target_secret[257];
	char initiator[NS_STR_MAX] = "";
	int ret;

	ret = ns_resolve(t, addr, sizeof(addr));
	if (ret)
		return ret;
	/* initiator=, else the host's own name (generated on first need). */
	if (t->transport == NS_T_ISCSI && t->initiator[0])
		snprintf(initiator, sizeof(initiator), "%s", t->initiator);
	else if (t->transport == NS_T_ISCSI)
		ret = ns_host_initiator(initiator, sizeof(initiator), 1, NULL);
	if (ret)
		return ret;
	ret = ns_read_secret(t->name, "secret_file", t->secret_file, secret,
			     sizeof(secret));
	if (!ret)
		ret = ns_read_secret(t->name, "target_secret_file",
				     t->target_secret_file, target_secret,
				     sizeof(target_secret));
	if (!ret)
		ns_settings_build(t, addr, secret, target_secret, initiator,
				  ss);
	explicit_bzero(secret, sizeof(secret));
	explicit_bzero(target_secret, sizeof(target_secret));
	return ret;
}

/* Create the target with every setting, or leave nothing behind. */
static int ns_create(const struct ns_target *t, const struct ns_settings *ss)
{
	char err[NS_ERR_MAX];
	int ret;

	ret = ns_cfs_mkdir(t->name, err, sizeof(err));
	if (ret) {
		ns_errmsg("%s", err);
		return ret == -EEXIST ? EX_BUSY : EX_SYS;
	}
	if (ns_settings_write(t->name, ss, 0) < 0) {
		ns_cfs_rmdir(t->name, err, sizeof(err));
		return EX_USAGE;
	}
	return EX_OK;
}

/* -------- up / down -------- */

static int ns_disable(const char *name)
{
	char err[NS_ERR_MAX];

	if (ns_cfs_write(name, "enable", "0", err, sizeof(err))) {
		ns_errmsg("%s: disable: %s", name, err);
		return -1;
	}
	return 0;
}

/*
 * Enable (if needed) and wait for the disk; then, unless @a->noswap, check
 * or make the signature and turn swap on.
 */
struct ns_up_arg {
	int		prio;		/* < 0: the kernel's default */
	int		discard;	/* enum ns_discard */
	int		format;		/* mkswap a disk without a signature */
	int		noswap;		/* enable only; 2: and a swap signature */
	const char	*hint;		/* how to ask for format */
};

static int ns_up_one(struct ns_nl *nl, const char *name,
		     const struct ns_up_arg *a)
{
	char err[NS_ERR_MAX], dev[64];
	struct ns_status st;
	int enabled_here = 0, ret;

	ret = ns_nl_get(nl, name, &st, err, sizeof(err));
	if (ret) {
		ns_errmsg("%s: %s", name, err);
		return ret == -ENOENT ? EX_NOENT : EX_SYS;
	}
	if (!st.enabled) {
		if (ns_cfs_write(name, "enable", "1", err, sizeof(err))) {
			ns_errmsg("%s: %s", name, err);
			return EX_CONN;
		}
		enabled_here = 1;
		if (ns_nl_get(nl, name, &st, err, sizeof(err))) {
			ns_errmsg("%s: %s", name, err);
			ret = EX_SYS;
			goto undo;
		}
	}
	if (!st.disk[0] || ns_wait_dev(st.disk, dev, sizeof(dev))) {
		ns_errmsg("%s: no block device appeared for the target", name);
		ret = EX_SYS;
		goto undo;
	}
	if (a->noswap) {
		ret = a->noswap == 2 ?
		      ns_swap_prepare(name, dev, a->format, a->hint) : EX_OK;
		if (ret)
			goto undo;
		ns_info("%s: enabled, disk %s", name, dev);
		return EX_OK;
	}
	ret = ns_swap_start(name, dev, a->prio, a->discard, a->format,
			    a->hint);
	if (!ret)
		return EX_OK;
undo:
	/* A failed up leaves the target as it found it. */
	if (enabled_here)
		ns_disable(name);
	return ret;
}

static int ns_down_one(struct ns_nl *nl, const char *name)
{
	char err[NS_ERR_MAX], dev[64];
	struct ns_status st;
	int ret;

	ret = ns_nl_get(nl, name, &st, err, sizeof(err));
	if (ret) {
		ns_errmsg("%s: %s", name, err);
		return ret == -ENOENT ? EX_NOENT : EX_SYS;
	}
	if (st.disk[0]) {
		snprintf(dev, sizeof(dev), "/dev/%s", st.disk);
		if (ns_swap_active(dev, NULL, NULL) && swapoff(dev) != 0) {
			ns_errmsg("%s: swapoff %s: %s", name, dev,
				  errno == ENOMEM ?
				  "not enough memory to take its pages back" :
				  strerror(errno));
			return EX_SYS;
		}
	}
	if (st.enabled && ns_disable(name))
		return EX_BUSY;
	printf("%s: down\n", name);
	return EX_OK;
}

/* Every target's name, from the kernel. */
static int ns_all_names(struct ns_nl *nl, struct ns_status **v, int *n)
{
	char err[NS_ERR_MAX];

	if (ns_nl_dump(nl, v, n, err, sizeof(err))) {
		ns_errmsg("%s", err);
		return EX_SYS;
	}
	return EX_OK;
}

/* -------- commands -------- */

static void ns_usage(FILE *f);

static int cmd_add(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "option", required_argument, NULL, 'o' },
		{ "secret-file", required_argument, NULL, 's' },
		{ "target-secret-file", required_argument, NULL, 'T' },
		{ "seal", required_argument, NULL, 'S' },
		{ NULL, 0, NULL, 0 },
	};
	char err[NS_ERR_MAX], opt[32];
	struct ns_settings ss;
	struct ns_target t;
	int c, ret;

	ns_target_init(&t);
	optind = 1;
	while ((c = getopt_long(argc, argv, "o:", lo, NULL)) != -1) {
		switch (c) {
		case 'o':
			if (ns_parse_opts(optarg, strlen(optarg), &t, err,
					  sizeof(err))) {
				ns_errmsg("%s", err);
				return EX_USAGE;
			}
			break;
		case 's':
			if (strlen(optarg) >= sizeof(t.secret_file)) {
				ns_errmsg("--secret-file: path too long");
				return EX_USAGE;
			}
			snprintf(t.secret_file, sizeof(t.secret_file), "%s",
				 optarg);
			break;
		case 'T':
			if (strlen(optarg) >= sizeof(t.target_secret_file)) {
				ns_errmsg("--target-secret-file: path too long");
				return EX_USAGE;
			}
			snprintf(t.target_secret_file,
				 sizeof(t.target_secret_file), "%s", optarg);
			break;
		case 'S':
			/* --seal MODE is -o seal=MODE */
			if (snprintf(opt, sizeof(opt), "seal=%s", optarg) >=
			    (int)sizeof(opt))
				opt[5] = '\0';	/* too long: refused below */
			if (ns_parse_opt(opt, strlen(opt), &t, err,
					 sizeof(err))) {
				ns_errmsg("%s", err);
				return EX_USAGE;
			}
			break;
		default:
			return EX_USAGE;
		}
	}
	if (argc - optind != 2) {
		ns_errmsg("expected NAME URL (swapctl help)");
		return EX_USAGE;
	}
	if (ns_parse_name(argv[optind], strlen(argv[optind]), t.name, err,
			  sizeof(err)) ||
	    ns_parse_url(argv[optind + 1], strlen(argv[optind + 1]), &t, err,
			 sizeof(err)) ||
	    ns_target_finish(&t, err, sizeof(err))) {
		ns_errmsg("%s", err);
		return EX_USAGE;
	}
	if (t.priority != INT32_MIN || t.auto_up || t.format || t.discard) {
		ns_errmsg("priority, auto, format and discard are netswaptab options (or: swapctl up --priority P --format --discard)");
		return EX_USAGE;
	}
	ret = ns_need_cfs(true);
	if (ret)
		return ret;
	if (ns_cfs_exists(t.name)) {
		ns_errmsg("target %s exists (swapctl rm %s first)", t.name,
			  t.name);
		return EX_BUSY;
	}
	ret = ns_prepare(&t, &ss);
	if (!ret)
		ret = ns_create(&t, &ss);
	memset(&ss, 0, sizeof(ss));
	if (!ret)
		printf("%s: added\n", t.name);
	return ret;
}

/* NAME or --all, for up and down. */
static int ns_for_targets(int argc, char **argv, int all,
			  int (*fn)(struct ns_nl *nl, const char *name,
				    void *arg),
			  void *arg)
{
	struct ns_status *v = NULL;
	struct ns_nl *nl;
	int i, n = 0, ret = EX_OK, r;

	if ((all && argc != 0) || (!all && argc != 1)) {
		ns_errmsg("expected NAME or --all");
		return EX_USAGE;
	}
	r = ns_need_cfs(false);
	if (r)
		return r;
	nl = ns_need_nl();
	if (!nl)
		return EX_SYS;
	if (!all) {
		ret = fn(nl, argv[0], arg);
		goto out;
	}
	ret = ns_all_names(nl, &v, &n);
	if (ret)
		goto out;
	/* Every target gets its turn; the first failure sets the status. */
	for (i = 0; i < n; i++) {
		r = fn(nl, v[i].name, arg);
		if (r && !ret)
			ret = r;
	}
	free(v);
out:
	ns_nl_close(nl);
	return ret;
}

static int ns_up_cb(struct ns_nl *nl, const char *name, void *arg)
{
	return ns_up_one(nl, name, arg);
}

static int ns_down_cb(struct ns_nl *nl, const char *name, void *arg)
{
	(void)arg;
	return ns_down_one(nl, name);
}

static int ns_parse_prio(const char *s, int *out)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || end == s || *end || v < -1 || v > 32767) {
		ns_errmsg("--priority: %s: a number from -1 to 32767", s);
		return EX_USAGE;
	}
	*out = (int)v;
	return EX_OK;
}

static int cmd_up(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "all", no_argument, NULL, 'a' },
		{ "priority", required_argument, NULL, 'p' },
		{ "format", no_argument, NULL, 'f' },
		{ "discard", optional_argument, NULL, 'd' },
		{ NULL, 0, NULL, 0 },
	};
	struct ns_up_arg a = {
		.prio = -1,
		.hint = "use --format to run mkswap on it",
	};
	int c, all = 0;

	optind = 1;
	while ((c = getopt_long(argc, argv, "ap:f", lo, NULL)) != -1) {
		switch (c) {
		case 'a':
			all = 1;
			break;
		case 'p':
			if (ns_parse_prio(optarg, &a.prio))
				return EX_USAGE;
			break;
		case 'f':
			a.format = 1;
			break;
		case 'd':
			if (!optarg)
				a.discard = NS_DISCARD_BOTH;
			else if (!strcmp(optarg, "once"))
				a.discard = NS_DISCARD_ONCE;
			else if (!strcmp(optarg, "pages"))
				a.discard = NS_DISCARD_PAGES;
			else {
				ns_errmsg("--discard=%s: once or pages (or no value: both)",
					  optarg);
				return EX_USAGE;
			}
			break;
		default:
			return EX_USAGE;
		}
	}
	return ns_for_targets(argc - optind, argv + optind, all, ns_up_cb, &a);
}

/* The one option of enable and down: --all. */
static int ns_parse_all(int argc, char **argv, int *all)
{
	static const struct option lo[] = {
		{ "all", no_argument, NULL, 'a' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	*all = 0;
	optind = 1;
	while ((c = getopt_long(argc, argv, "a", lo, NULL)) != -1) {
		if (c != 'a')
			return -1;
		*all = 1;
	}
	return 0;
}

/* enable: up without swap; the udev rules turn it on for "auto" targets. */
static int cmd_enable(int argc, char **argv)
{
	struct ns_up_arg a = { .prio = -1, .noswap = 1 };
	int all;

	if (ns_parse_all(argc, argv, &all))
		return EX_USAGE;
	return ns_for_targets(argc - optind, argv + optind, all, ns_up_cb, &a);
}

static int cmd_down(int argc, char **argv)
{
	int all;

	if (ns_parse_all(argc, argv, &all))
		return EX_USAGE;
	return ns_for_targets(argc - optind, argv + optind, all, ns_down_cb,
			      NULL);
}

static int cmd_rm(int argc, char **argv)
{
	char err[NS_ERR_MAX], en[8];
	int ret;

	if (argc != 2) {
		ns_errmsg("expected NAME");
		return EX_USAGE;
	}
	ret = ns_need_cfs(false);
	if (ret)
		return ret;
	if (!ns_cfs_exists(argv[1])) {
		ns_errmsg("%s: no such target", argv[1]);
		return EX_NOENT;
	}
	if (!ns_cfs_read(argv[1], "enable", en, sizeof(en)) &&
	    strcmp(en, "1") == 0) {
		ns_errmsg("%s is up: swapctl down %s first", argv[1], argv[1]);
		return EX_BUSY;
	}
	ret = ns_cfs_rmdir(argv[1], err, sizeof(err));
	if (ret) {
		ns_errmsg("%s", err);
		return ret == -EBUSY ? EX_BUSY : EX_SYS;
	}
	printf("%s: removed\n", argv[1]);
	return EX_OK;
}

/* -------- status -------- */

static void ns_json_str(const char *key, const char *s, int comma)
{
	printf("\"%s\":\"", key);
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\')
			printf("\\%c", c);
		else if (c < 0x20 || c > 0x7e)
			printf("\\u%04x", c);
		else
			putchar(c);
	}
	printf("\"%s", comma ? "," : "");
}

static void ns_json_num(const char *key, unsigned long long v, int comma)
{
	printf("\"%s\":%llu%s", key, v, comma ? "," : "");
}

static const char *ns_transport_str(int t)
{
	return t == NETSWAP_TRANSPORT_TYPE_ISCSI ? "iscsi" :
	       t == NETSWAP_TRANSPORT_TYPE_NFS ? "nfs" : "";
}

/* "iscsi 10.0.2.2:3260 iqn.../1", "nfs 10.0.2.2:2049 /srv:swap" */
static void ns_where(const struct ns_status *st, char *buf, size_t len)
{
	int v6 = strchr(st->address, ':') != NULL;

	if (st->transport == NETSWAP_TRANSPORT_TYPE_ISCSI)
		snprintf(buf, len, "iscsi://%s%s%s:%u/%s/%u", v6 ? "[" : "",
			 st->address, v6 ? "]" : "", st->port, st->target,
			 st->lun);
	else if (st->transport == NETSWAP_TRANSPORT_TYPE_NFS)
		snprintf(buf, len, "nfs://%s%s%s:%u%s/%s", v6 ? "[" : "",
			 st->address, v6 ? "]" : "", st->port, st->export,
			 st->file);
	else
		snprintf(buf, len, "-");
}

static uint64_t ns_avg(uint64_t sum, uint64_t n)
{
	return n ? sum / n : 0;
}

static void ns_status_json(const struct ns_status *st)
{
	char dev[64], where[2400];
	long long used = 0;
	int prio = 0, on = 0;

	if (st->disk[0]) {
		snprintf(dev, sizeof(dev), "/dev/%s", st->disk);
		on = ns_swap_active(dev, &prio, &used);
	}
	ns_where(st, where, sizeof(where));
	printf("{");
	ns_json_str("name", st->name, 1);
	ns_json_str("transport", ns_transport_str(st->transport), 1);
	ns_json_str("url", where, 1);
	ns_json_str("address", st->address, 1);
	ns_json_num("port", st->port, 1);
	ns_json_str("state", ns_state_name(st->state), 1);
	printf("\"enabled\":%s,", st->enabled ? "true" : "false");
	ns_json_str("disk", st->disk, 1);
	ns_json_num("capacity_bytes", st->capacity, 1);
	printf("\"swap\":%s,", on ? "true" : "false");
	printf("\"swap_priority\":%d,", on ? prio : 0);
	ns_json_num("swap_used_kb", on ? used : 0, 1);
	ns_json_num("reserve_kb", st->reserve_kb, 1);
	ns_json_num("queue_depth", st->queue_depth, 1);
	ns_json_str("last_error", st->last_error, 1);
	ns_json_num("recovery_ms", st->recovery_ms, 1);
	ns_json_num("recovery_attempts", st->recovery_attempts, 1);
	ns_json_num("discard_max_bytes", st->discard_max_bytes, 1);
	ns_json_num("discard_granularity", st->discard_granularity, 1);
	ns_json_str("seal", st->seal == NETSWAP_SEAL_TYPE_AEAD ? "aead" :
		    "none", 1);
	ns_json_num("seal_kb", st->seal_kb, 1);
	printf("\"stats\":{");
	ns_json_num("reads", st->reads, 1);
	ns_json_num("writes", st->writes, 1);
	ns_json_num("flushes", st->flushes, 1);
	ns_json_num("read_bytes", st->read_bytes, 1);
	ns_json_num("write_bytes", st->write_bytes, 1);
	ns_json_num("inflight", st->inflight, 1);
	ns_json_num("errors", st->errors, 1);
	ns_json_num("retries", st->retries, 1);
	ns_json_num("timeouts", st->timeouts, 1);
	ns_json_num("recoveries", st->recoveries, 1);
	ns_json_num("reconnects", st->reconnects, 1);
	ns_json_num("reconnect_attempts", st->reconnect_attempts, 1);
	ns_json_num("recovery_ms", st->recovery_total_ms, 1);
	ns_json_num("discards", st->discards, 1);
	ns_json_num("discard_bytes", st->discard_bytes, 1);
	ns_json_num("integrity_errors", st->integrity_errors, 1);
	ns_json_num("read_lat_avg_us",
		    ns_avg(st->read_lat_sum_us, st->reads), 1);
	ns_json_num("read_lat_max_us", st->read_lat_max_us, 1);
	ns_json_num("write_lat_avg_us",
		    ns_avg(st->write_lat_sum_us, st->writes), 1);
	ns_json_num("write_lat_max_us", st->write_lat_max_us, 0);
	printf("}}");
}

/*
 * The status table, through libsmartcols (as lsblk and swapon print
 * theirs): -o COLUMNS (+COLUMNS adds to the default ones), -n, --raw.
 */
enum {
	NS_COL_NAME, NS_COL_STATE, NS_COL_DISK, NS_COL_SIZE, NS_COL_SWAP,
	NS_COL_READS, NS_COL_WRITES, NS_COL_INFL, NS_COL_RCON, NS_COL_TARGET,
	NS_COL_TRANSPORT, NS_COL_PRIO, NS_COL_USED, NS_COL_RESERVE,
	NS_COL_ERRORS, NS_COL_TIMEOUTS, NS_COL_RECOVERY, NS_COL_ATTEMPTS,
	NS_COL_LASTERR, NS_COL_DISCMAX, NS_COL_DISCGRAN, NS_COL_DISCARDS,
	NS_NCOLS
};

static const struct {
	const char	*name;
	double		whint;
	int		flags;
	const char	*help;
} ns_cols[NS_NCOLS] = {
	[NS_COL_NAME]	  = { "NAME", 0.1, 0, "target name" },
	[NS_COL_STATE]	  = { "STATE", 0.08, 0, "disabled, connecting, up, recovering, failed" },
	[NS_COL_DISK]	  = { "DISK", 0.08, 0, "its disk (netswapN)" },
	[NS_COL_SIZE]	  = { "SIZE", 0.08, SCOLS_FL_RIGHT, "disk size" },
	[NS_COL_SWAP]	  = { "SWAP", 0.1, 0, "swap on it: on,prio=P, off, -" },
	[NS_COL_READS]	  = { "READS", 0.06, SCOLS_FL_RIGHT, "reads completed" },
	[NS_COL_WRITES]	  = { "WRITES", 0.06, SCOLS_FL_RIGHT, "writes completed" },
	[NS_COL_INFL]	  = { "INFL", 0.04, SCOLS_FL_RIGHT, "requests in flight" },
	[NS_COL_RCON]	  = { "RCON", 0.04, SCOLS_FL_RIGHT, "reconnects" },
	[NS_COL_TARGET]	  = { "TARGET", 0.3, SCOLS_FL_NOEXTREMES, "where: the target's URL" },
	[NS_COL_TRANSPORT] = { "TRANSPORT", 0.05, 0, "iscsi or nfs" },
	[NS_COL_PRIO]	  = { "PRIO", 0.04, SCOLS_FL_RIGHT, "swap priority (- when off)" },
	[NS_COL_USED]	  = { "USED", 0.08, SCOLS_FL_RIGHT, "swap in use" },
	[NS_COL_RESERVE]  = { "RESERVE", 0.08, SCOLS_FL_RIGHT, "emergency memory it can need" },
	[NS_COL_ERRORS]	  = { "ERRORS", 0.05, SCOLS_FL_RIGHT, "requests failed" },
	[NS_COL_TIMEOUTS] = { "TIMEOUTS", 0.05, SCOLS_FL_RIGHT, "request and ping timeouts" },
	[NS_COL_RECOVERY] = { "RECOVERY", 0.06, SCOLS_FL_RIGHT, "seconds the recovery in progress has run" },
	[NS_COL_ATTEMPTS] = { "ATTEMPTS", 0.05, SCOLS_FL_RIGHT, "its failed reconnect attempts" },
	[NS_COL_LASTERR]  = { "LAST-ERROR", 0.2, SCOLS_FL_TRUNC, "the last error" },
	[NS_COL_DISCMAX]  = { "DISC-MAX", 0.06, SCOLS_FL_RIGHT, "the most one discard covers (0: the storage cannot unmap)" },
	[NS_COL_DISCGRAN] = { "DISC-GRAN", 0.06, SCOLS_FL_RIGHT, "discard granularity" },
	[NS_COL_DISCARDS] = { "DISCARDS", 0.06, SCOLS_FL_RIGHT, "discards completed" },
};

static const int ns_default_cols[] = {
	NS_COL_NAME, NS_COL_STATE, NS_COL_DISK, NS_COL_SIZE, NS_COL_SWAP,
	NS_COL_READS, NS_COL_WRITES, NS_COL_INFL, NS_COL_RCON, NS_COL_TARGET,
};

static int ns_col_lookup(const char *name, size_t len)
{
	int i;

	for (i = 0; i < NS_NCOLS; i++)
		if (strlen(ns_cols[i].name) == len &&
		    !strncasecmp(ns_cols[i].name, name, len))
			return i;
	return -1;
}

/* tv->cols from tv->output (default columns without it). */
static int ns_table_columns(struct ns_table_view *tv)
{
	const char *p = tv->output, *e;
	int c;

	tv->ncols = 0;
	if (!p || *p == '+') {
		for (c = 0; c < (int)(sizeof(ns_default_cols) / sizeof(int)); c++)
			tv->cols[tv->ncols++] = ns_default_cols[c];
		if (!p)
			return 0;
		p++;
	}
	while (*p) {
		e = strchrnul(p, ',');
		c = ns_col_lookup(p, (size_t)(e - p));
		if (c < 0) {
			ns_errmsg("unknown column '%.*s' (swapctl status --help lists them)",
				  (int)(e - p), p);
			return -1;
		}
		if (tv->ncols == NS_MAX_COLS) {
			ns_errmsg("too many columns");
			return -1;
		}
		tv->cols[tv->ncols++] = c;
		p = *e ? e + 1 : e;
	}
	if (!tv->ncols) {
		ns_errmsg("no column in --output");
		return -1;
	}
	return 0;
}

/* The counter a numeric column shows. */
static unsigned long long ns_cell_count(const struct ns_status *st, int col)
{
	switch (col) {
	case NS_COL_READS:
		return st->reads;
	case NS_COL_WRITES:
		return st->writes;
	case NS_COL_INFL:
		return st->inflight;
	case NS_COL_RCON:
		return st->reconnects;
	case NS_COL_ERRORS:
		return st->errors;
	case NS_COL_TIMEOUTS:
		return st->timeouts;
	case NS_COL_DISCARDS:
		return st->discards;
	default:
		return st->recovery_attempts;
	}
}

static void ns_cell(const struct ns_status *st, int col, char *buf, size_t len)
{
	char dev[64];
	long long used = 0;
	int prio = 0, on = 0;

	if (st->disk[0] && (col == NS_COL_SWAP || col == NS_COL_PRIO ||
			    col == NS_COL_USED)) {
		snprintf(dev, sizeof(dev), "/dev/%s", st->disk);
		on = ns_swap_active(dev, &prio, &used);
	}
	switch (col) {
	case NS_COL_NAME:
		snprintf(buf, len, "%s", st->name);
		break;
	case NS_COL_STATE:
		snprintf(buf, len, "%s", ns_state_name(st->state));
		break;
	case NS_COL_DISK:
		snprintf(buf, len, "%s", st->disk[0] ? st->disk : "-");
		break;
	case NS_COL_SIZE:
		if (st->capacity)
			ns_human(st->capacity, buf, len);
		else
			snprintf(buf, len, "-");
		break;
	case NS_COL_SWAP:
		if (!st->disk[0])
			snprintf(buf, len, "-");
		else if (on)
			snprintf(buf, len, "on,prio=%d", prio);
		else
			snprintf(buf, len, "off");
		break;
	case NS_COL_READS:
	case NS_COL_WRITES:
	case NS_COL_INFL:
	case NS_COL_RCON:
	case NS_COL_ERRORS:
	case NS_COL_TIMEOUTS:
	case NS_COL_ATTEMPTS:
	case NS_COL_DISCARDS:
		snprintf(buf, len, "%llu", ns_cell_count(st, col));
		break;
	case NS_COL_DISCMAX:
	case NS_COL_DISCGRAN:
		if (!st->disk[0])
			snprintf(buf, len, "-");
		else
			ns_human(col == NS_COL_DISCMAX ? st->discard_max_bytes :
				 st->discard_granularity, buf, len);
		break;
	case NS_COL_TARGET:
		ns_where(st, buf, len);
		break;
	case NS_COL_TRANSPORT:
		snprintf(buf, len, "%s", ns_transport_str(st->transport));
		break;
	case NS_COL_PRIO:
		if (on)
			snprintf(buf, len, "%d", prio);
		else
			snprintf(buf, len, "-");
		break;
	case NS_COL_USED:
		if (on)
			ns_human((uint64_t)used * 1024, buf, len);
		else
			snprintf(buf, len, "-");
		break;
	case NS_COL_RESERVE:
		ns_human((uint64_t)st->reserve_kb * 1024, buf, len);
		break;
	case NS_COL_RECOVERY:
		snprintf(buf, len, "%.1f", st->recovery_ms / 1000.0);
		break;
	case NS_COL_LASTERR:
		snprintf(buf, len, "%s", st->last_error[0] ? st->last_error : "-");
		break;
	default:
		buf[0] = '\0';
	}
}

/*
 * One line a target. In the default view (no -o, -n or --raw), a line for
 * each recovery in progress and each last error follows the table.
 */
static int ns_status_table(const struct ns_status *v, int n,
			   const struct ns_table_view *tv)
{
	int notes = !tv->output && !tv->noheadings && !tv->raw;
	char cell[2400];
	struct libscols_table *tb;
	struct libscols_line *ln;
	int i, c;

	tb = scols_new_table();
	if (!tb) {
		ns_errmsg("out of memory");
		return EX_SYS;
	}
	scols_table_enable_noheadings(tb, tv->noheadings);
	scols_table_enable_raw(tb, tv->raw);
	/* Whole lines on any terminal: a URL is no use cut or wrapped. */
	scols_table_set_termforce(tb, SCOLS_TERMFORCE_NEVER);
	for (c = 0; c < tv->ncols; c++) {
		const int k = tv->cols[c];

		if (!scols_table_new_column(tb, ns_cols[k].name,
					    ns_cols[k].whint, ns_cols[k].flags))
			goto oom;
	}
	for (i = 0; i < n; i++) {
		ln = scols_table_new_line(tb, NULL);
		if (!ln)
			goto oom;
		for (c = 0; c < tv->ncols; c++) {
			ns_cell(&v[i], tv->cols[c], cell, sizeof(cell));
			if (scols_line_set_data(ln, c, cell))
				goto oom;
		}
	}
	scols_print_table(tb);
	scols_unref_table(tb);
	for (i = 0; notes && i < n; i++) {
		if (v[i].recovery_ms)
			printf("%s: recovering for %.1f s, %u failed reconnect attempt%s\n",
			       v[i].name, v[i].recovery_ms / 1000.0,
			       v[i].recovery_attempts,
			       v[i].recovery_attempts == 1 ? "" : "s");
		if (v[i].last_error[0])
			printf("%s: last error: %s\n", v[i].name,
			       v[i].last_error);
	}
	return EX_OK;
oom:
	scols_unref_table(tb);
	ns_errmsg("out of memory");
	return EX_SYS;
}

static void ns_status_detail(const struct ns_status *st)
{
	char size[32], rb[32], wb[32], where[2400];

	ns_human(st->capacity, size, sizeof(size));
	ns_human(st->read_bytes, rb, sizeof(rb));
	ns_human(st->write_bytes, wb, sizeof(wb));
	ns_where(st, where, sizeof(where));
	printf("  %s, queue depth %u, reserve %u KiB\n", where,
	       st->queue_depth, st->reserve_kb);
	printf("  reads %llu (%s, avg %llu us, max %llu us)\n",
	       (unsigned long long)st->reads, rb,
	       (unsigned long long)ns_avg(st->read_lat_sum_us, st->reads),
	       (unsigned long long)st->read_lat_max_us);
	printf("  writes %llu (%s, avg %llu us, max %llu us)\n",
	       (unsigned long long)st->writes, wb,
	       (unsigned long long)ns_avg(st->write_lat_sum_us, st->writes),
	       (unsigned long long)st->write_lat_max_us);
	printf("  in flight %u, errors %llu, retries %llu, timeouts %llu, recoveries %llu, reconnects %llu\n",
	       st->inflight, (unsigned long long)st->errors,
	       (unsigned long long)st->retries,
	       (unsigned long long)st->timeouts,
	       (unsigned long long)st->recoveries,
	       (unsigned long long)st->reconnects);
	printf("  in recovery %.1f s in all, %llu failed reconnect attempts\n",
	       st->recovery_total_ms / 1000.0,
	       (unsigned long long)st->reconnect_attempts);
	if (st->seal == NETSWAP_SEAL_TYPE_AEAD)
		printf("  sealed (AES-256-GCM): %u KiB of tags and bounce pages, %llu integrity errors\n",
		       st->seal_kb, (unsigned long long)st->integrity_errors);
	if (!st->disk[0])
		return;
	if (st->discard_max_bytes) {
		char mx[32], gr[32], db[32];

		ns_human(st->discard_max_bytes, mx, sizeof(mx));
		ns_human(st->discard_granularity, gr, sizeof(gr));
		ns_human(st->discard_bytes, db, sizeof(db));
		printf("  discard: up to %s at %s granularity; %llu discards (%s)\n",
		       mx, gr, (unsigned long long)st->discards, db);
	} else {
		printf("  discard: none (%s)\n",
		       st->transport == NETSWAP_TRANSPORT_TYPE_NFS ?
		       "NFSv3 cannot free a file's blocks" :
		       "the LUN cannot unmap: not thin provisioned, or no UNMAP");
	}
}

static int ns_status_one(struct ns_nl *nl, const char *name, int json,
			 const struct ns_table_view *tv)
{
	char err[NS_ERR_MAX];
	struct ns_status st;
	int ret;

	ret = ns_nl_get(nl, name, &st, err, sizeof(err));
	if (ret) {
		ns_errmsg("%s: %s", name, err);
		return ret == -ENOENT ? EX_NOENT : EX_SYS;
	}
	if (json) {
		printf("{\"version\":%d,\"targets\":[", NS_JSON_VERSION);
		ns_status_json(&st);
		printf("]}\n");
	} else if (tv->output || tv->noheadings || tv->raw) {
		return ns_status_table(&st, 1, tv);
	} else {
		ns_status_table(&st, 1, tv);
		ns_status_detail(&st);
	}
	return EX_OK;
}

/*
 * status --prometheus: the Prometheus text format (0.0.4), for node
 * exporter's textfile collector: every target's state, counters, in-flight
 * requests, latency and the recovery in progress, labelled by target.
 * Target names are [A-Za-z0-9_.-], so labels need no escaping.
 */
struct ns_prom {
	const char	*metric;	/* netswap_ + this */
	const char	*type;		/* counter, gauge */
	const char	*help;
	size_t		off;		/* in struct ns_status */
	bool		u32;		/* unsigned int, else uint64_t */
	double		scale;		/* 0: print the integer as is */
};

#define NS_PROM(m, t, h, field, sc)					\
	{ m, t, h, offsetof(struct ns_status, field),			\
	  sizeof(((struct ns_status *)0)->field) == sizeof(unsigned int), sc }

static const struct ns_prom ns_proms[] = {
	NS_PROM("capacity_bytes", "gauge", "Disk size in bytes.", capacity, 0),
	NS_PROM("reserve_kb", "gauge",
		"Emergency memory the target can need, KiB.", reserve_kb, 0),
	NS_PROM("inflight", "gauge", "Requests started and not completed.",
		inflight, 0),
	NS_PROM("reads_total", "counter", "Read requests completed.", reads, 0),
	NS_PROM("writes_total", "counter", "Write requests completed.",
		writes, 0),
	NS_PROM("read_bytes_total", "counter", "Bytes read.", read_bytes, 0),
	NS_PROM("write_bytes_total", "counter", "Bytes written.",
		write_bytes, 0),
	NS_PROM("errors_total", "counter",
		"Requests completed with an error.", errors, 0),
	NS_PROM("retries_total", "counter", "Requests issued again.",
		retries, 0),
	NS_PROM("timeouts_total", "counter", "Request and ping timeouts.",
		timeouts, 0),
	NS_PROM("recoveries_total", "counter", "Connections lost.",
		recoveries, 0),
	NS_PROM("reconnects_total", "counter", "Connections re-established.",
		reconnects, 0),
	NS_PROM("reconnect_attempts_failed_total", "counter",
		"Reconnect attempts that failed.", reconnect_attempts, 0),
	NS_PROM("recovery_seconds_total", "counter",
		"Time spent recovering, the recovery in progress too.",
		recovery_total_ms, 1e-3),
	NS_PROM("recovery_seconds", "gauge",
		"How long the recovery in progress has run; 0 if none.",
		recovery_ms, 1e-3),
	NS_PROM("discards_total", "counter",
		"Discard requests completed (freed swap unmapped).",
		discards, 0),
	NS_PROM("discard_bytes_total", "counter", "Bytes discarded.",
		discard_bytes, 0),
	NS_PROM("seal_kb", "gauge",
		"Memory of a sealed target's tags and bounce pages, KiB.",
		seal_kb, 0),
	NS_PROM("integrity_errors_total", "counter",
		"Sealed blocks that failed to verify twice (reads failed).",
		integrity_errors, 0),
	NS_PROM("read_latency_seconds_sum", "counter",
		"Sum of the latencies of completed reads.", read_lat_sum_us,
		1e-6),
	NS_PROM("write_latency_seconds_sum", "counter",
		"Sum of the latencies of completed writes.", write_lat_sum_us,
		1e-6),
	NS_PROM("read_latency_seconds_max", "gauge", "Worst read latency.",
		read_lat_max_us, 1e-6),
	NS_PROM("write_latency_seconds_max", "gauge", "Worst write latency.",
		write_lat_max_us, 1e-6),
};

static void ns_status_prometheus(const struct ns_status *v, int n)
{
	static const int states[] = {
		NETSWAP_STATE_DISABLED, NETSWAP_STATE_CONNECTING,
		NETSWAP_STATE_UP, NETSWAP_STATE_RECOVERING,
		NETSWAP_STATE_FAILED,
	};
	size_t s, m;
	int i;

	printf("# HELP netswap_state 1 for the state the target is in, 0 for the others.\n"
	       "# TYPE netswap_state gauge\n");
	for (i = 0; i < n; i++)
		for (s = 0; s < sizeof(states) / sizeof(states[0]); s++)
			printf("netswap_state{target=\"%s\",state=\"%s\"} %d\n",
			       v[i].name, ns_state_name(states[s]),
			       v[i].state == states[s]);
	for (m = 0; m < sizeof(ns_proms) / sizeof(ns_proms[0]); m++) {
		const struct ns_prom *p = &ns_proms[m];

		printf("# HELP netswap_%s %s\n# TYPE netswap_%s %s\n",
		       p->metric, p->help, p->metric, p->type);
		for (i = 0; i < n; i++) {
			const char *f = (const char *)&v[i] + p->off;
			uint64_t x;

			if (p->u32) {
				unsigned int u;

				memcpy(&u, f, sizeof(u));
				x = u;
			} else {
				memcpy(&x, f, sizeof(x));
			}
			printf("netswap_%s{target=\"%s\"} ", p->metric,
			       v[i].name);
			if (p->scale)
				printf("%.6f\n", x * p->scale);
			else
				printf("%llu\n", (unsigned long long)x);
		}
	}
}

static int cmd_status(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "prometheus", no_argument, NULL, 'P' },
		{ "output", required_argument, NULL, 'o' },
		{ "noheadings", no_argument, NULL, 'n' },
		{ "raw", no_argument, NULL, 'r' },
		{ NULL, 0, NULL, 0 },
	};
	struct ns_table_view tv = { 0 };
	struct ns_status *v = NULL;
	struct ns_nl *nl;
	int c, i, n = 0, json = 0, prom = 0, ret;

	optind = 1;
	while ((c = getopt_long(argc, argv, "jo:nr", lo, NULL)) != -1) {
		if (c == 'j') {
			json = 1;
		} else if (c == 'P') {
			prom = 1;
		} else if (c == 'o') {
			tv.output = optarg;
		} else if (c == 'n') {
			tv.noheadings = 1;
		} else if (c == 'r') {
			tv.raw = 1;
		} else {
			return EX_USAGE;
		}
	}
	if (json && prom) {
		ns_errmsg("--json and --prometheus exclude each other");
		return EX_USAGE;
	}
	if ((json || prom) && (tv.output || tv.noheadings || tv.raw)) {
		ns_errmsg("--output, --noheadings and --raw shape the table: not with --%s",
			  json ? "json" : "prometheus");
		return EX_USAGE;
	}
	if (ns_table_columns(&tv))
		return EX_USAGE;
	if (prom && argc - optind) {
		ns_errmsg("--prometheus covers every target: no NAME");
		return EX_USAGE;
	}
	if (argc - optind > 1) {
		ns_errmsg("expected at most one NAME");
		return EX_USAGE;
	}
	nl = ns_need_nl();
	if (!nl)
		return EX_SYS;
	if (argc - optind == 1) {
		ret = ns_status_one(nl, argv[optind], json, &tv);
		ns_nl_close(nl);
		return ret;
	}
	ret = ns_all_names(nl, &v, &n);
	ns_nl_close(nl);
	if (ret)
		return ret;
	if (prom) {
		ns_status_prometheus(v, n);
	} else if (json) {
		printf("{\"version\":%d,\"targets\":[", NS_JSON_VERSION);
		for (i = 0; i < n; i++) {
			ns_status_json(&v[i]);
			printf("%s", i + 1 < n ? "," : "");
		}
		printf("]}\n");
	} else {
		ret = ns_status_table(v, n, &tv);
	}
	free(v);
	return ret;
}

/* -------- monitor -------- */

static volatile int ns_stop;

static void ns_on_signal(int sig)
{
	(void)sig;
	ns_stop = 1;
}

struct ns_mon_arg {
	int	json;
	long	left;		/* events still to print; <0: unlimited */
};

static int ns_print_event(const struct ns_event *ev, void *arg)
{
	struct ns_mon_arg *a = arg;
	struct timespec ts;
	char when[64];
	struct tm tm;

	clock_gettime(CLOCK_REALTIME, &ts);
	localtime_r(&ts.tv_sec, &tm);
	strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%S", &tm);
	if (a->json) {
		printf("{\"version\":%d,", NS_JSON_VERSION);
		ns_json_str("time", when, 1);
		ns_json_str("name", ev->name, 1);
		ns_json_str("old_state", ns_state_name(ev->old_state), 1);
		ns_json_str("state", ns_state_name(ev->state), 1);
		ns_json_num("errno", ev->err, 1);
		ns_json_str("error", ev->err ? strerror(ev->err) : "", 1);
		ns_json_str("reason", ev->reason, 0);
		printf("}\n");
	} else {
		printf("%s.%03ld %s: %s -> %s (%s%s%s)\n", when,
		       ts.tv_nsec / 1000000, ev->name,
		       ns_state_name(ev->old_state), ns_state_name(ev->state),
		       ev->reason, ev->err ? ": " : "",
		       ev->err ? strerror(ev->err) : "");
	}
	fflush(stdout);
	return a->left > 0 && --a->left == 0;
}

static int cmd_monitor(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "count", required_argument, NULL, 'n' },
		{ NULL, 0, NULL, 0 },
	};
	struct ns_mon_arg a = { .left = -1 };
	struct sigaction sa = { .sa_handler = ns_on_signal };
	char err[NS_ERR_MAX], *end;
	struct ns_nl *nl;
	int c, ret;

	optind = 1;
	while ((c = getopt_long(argc, argv, "jn:", lo, NULL)) != -1) {
		switch (c) {
		case 'j':
			a.json = 1;
			break;
		case 'n':
			errno = 0;
			a.left = strtol(optarg, &end, 10);
			if (errno || end == optarg || *end || a.left < 1) {
				ns_errmsg("--count: %s: a positive number",
					  optarg);
				return EX_USAGE;
			}
			break;
		default:
			return EX_USAGE;
		}
	}
	if (ns_extra_args(argc, argv))
		return EX_USAGE;
	nl = ns_need_nl();
	if (!nl)
		return EX_SYS;
	ns_lock_memory();
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	ret = ns_nl_monitor(nl, ns_print_event, &a, &ns_stop, err,
			    sizeof(err));
	ns_nl_close(nl);
	if (ret) {
		ns_errmsg("%s", err);
		return EX_SYS;
	}
	return EX_OK;
}

/* -------- apply -------- */

/* Wipe (secret file paths, user names) and free what ns_tab_load read. */
void ns_tab_free(struct ns_tab *tab)
{
	int i;

	for (i = 0; i < tab->n; i++)
		memset(&tab->t[i], 0, sizeof(tab->t[i]));
	free(tab->t);
	tab->t = NULL;
	tab->n = 0;
}

/* Read and check the whole file first: a bad line changes nothing. */
int ns_tab_load(const char *path, struct ns_tab *tab)
{
	char *line = NULL, err[NS_ERR_MAX];
	struct ns_target t, *v;
	int lineno = 0, i, ret = EX_OK;
	size_t cap = 0;
	ssize_t len;
	FILE *f;

	tab->t = NULL;
	tab->n = 0;
	f = fopen(path, "re");
	if (!f) {
		ns_errmsg("%s: %s", path, strerror(errno));
		return errno == ENOENT ? EX_NOENT : EX_SYS;
	}
	/* It names the secret files and the targets: root's alone to change. */
	ret = ns_check_owner_mode(f, "netswaptab", path, 022);
	if (ret) {
		fclose(f);
		return ret;
	}
	/* getline: the length counts embedded NULs, which the parser refuses. */
	while ((len = getline(&line, &cap, f)) >= 0) {
		lineno++;
		switch (ns_parse_tab_line(line, len, &t, err, sizeof(err))) {
		case 0:
			continue;
		case 1:
			break;
		default:
			ns_errmsg("%s:%d: %s", path, lineno, err);
			ret = EX_USAGE;
			goto out;
		}
		for (i = 0; i < tab->n; i++) {
			if (strcmp(tab->t[i].name, t.name) == 0) {
				ns_errmsg("%s:%d: %s is listed twice", path,
					  lineno, t.name);
				ret = EX_USAGE;
				goto out;
			}
		}
		v = realloc(tab->t, (tab->n + 1) * sizeof(*v));
		if (!v) {
			ns_errmsg("out of memory");
			ret = EX_SYS;
			goto out;
		}
		tab->t = v;
		tab->t[tab->n++] = t;
	}
out:
	free(line);
	fclose(f);
	if (ret) {
		free(tab->t);
		tab->t = NULL;
		tab->n = 0;
	}
	return ret;
}

/*
 * Keep only the entries named in @names (all when @n is 0), in the file's
 * order; a name the file does not list is an error.
 */
static int ns_tab_select(struct ns_tab *tab, const char *path, int n,
			 char **names)
{
	int i, j, k = 0;

	for (j = 0; j < n; j++) {
		for (i = 0; i < tab->n; i++)
			if (!strcmp(tab->t[i].name, names[j]))
				break;
		if (i == tab->n) {
			ns_errmsg("%s: not in %s", names[j], path);
			return EX_NOENT;
		}
	}
	if (!n)
		return EX_OK;
	for (i = 0; i < tab->n; i++) {
		for (j = 0; j < n; j++)
			if (!strcmp(tab->t[i].name, names[j]))
				break;
		if (j < n)
			tab->t[k++] = tab->t[i];
	}
	for (i = k; i < tab->n; i++)
		memset(&tab->t[i], 0, sizeof(tab->t[i]));
	tab->n = k;
	return EX_OK;
}

struct ns_apply_count {
	int	added, updated, up, removed, unchanged, failed;
};

/* Make one target match its line; bring it up. */
static int ns_apply_one(struct ns_nl *nl, const struct ns_target *t,
			int noswap, struct ns_apply_count *cnt)
{
	const struct ns_up_arg a = {
		.prio = t->priority == INT32_MIN ? -1 : t->priority,
		.discard = t->discard,
		.format = t->format,
		.noswap = noswap ? 2 : 0,
		.hint = "add format to its options in netswaptab",
	};
	struct ns_settings ss;
	struct ns_status st;
	char err[NS_ERR_MAX];
	int ret, n, was_on = 0, was_up = 0;

	ret = ns_prepare(t, &ss);
	if (ret)
		return ret;
	if (!ns_cfs_exists(t->name)) {
		ret = ns_create(t, &ss);
		if (ret)
			goto out;
		printf("%s: added\n", t->name);
		cnt->added++;
	} else if (ns_nl_get(nl, t->name, &st, err, sizeof(err)) == 0 &&
		   st.enabled) {
		if (ns_settings_differ(t->name, &ss)) {
			ns_errmsg("%s: is up with other settings than netswaptab lists; not changed (swapctl down %s, then apply again)",
				  t->name, t->name);
			ret = EX_BUSY;
			goto out;
		}
	} else {
		n = ns_settings_write(t->name, &ss, 1);
		if (n < 0) {
			ret = EX_USAGE;
			goto out;
		}
		if (n) {
			printf("%s: updated (%d setting%s)\n", t->name, n,
			       n == 1 ? "" : "s");
			cnt->updated++;
		}
	}
	if (ns_nl_get(nl, t->name, &st, err, sizeof(err)) == 0 &&
	    st.disk[0]) {
		char dev[64];

		snprintf(dev, sizeof(dev), "/dev/%s", st.disk);
		was_on = ns_swap_active(dev, NULL, NULL);
		was_up = st.enabled;
	}
	if (was_on || (noswap && was_up)) {
		/* Up already: without swap, only its signature to check. */
		cnt->unchanged++;
		if (!was_on)
			ret = ns_up_one(nl, t->name, &a);
		goto out;
	}
	ret = ns_up_one(nl, t->name, &a);
	if (!ret)
		cnt->up++;
out:
	memset(&ss, 0, sizeof(ss));
	return ret;
}

/*
 * apply --check: say what apply would do to one target, changing nothing.
 * The names are resolved and the secret files read, as apply would, so
 * what would make apply fail fails here too. @nl is NULL when the module
 * is not loaded: every target would be added.
 */
static int ns_check_one(struct ns_nl *nl, const struct ns_target *t,
			struct ns_apply_count *cnt)
{
	char err[NS_ERR_MAX], cur[NS_PATH_MAX], dev[64];
	struct ns_settings ss;
	struct ns_status st;
	int ret, i, n = 0;

	ret = ns_prepare(t, &ss);
	if (ret)
		return ret;
	if (!nl || !ns_cfs_exists(t->name)) {
		printf("%s: would be added and brought up\n", t->name);
		cnt->added++;
		cnt->up++;
		goto out;
	}
	for (i = 0; i < ss.n; i++) {
		const struct ns_setting *s = &ss.s[i];

		if (!ns_setting_differs(t->name, s))
			continue;
		if (ns_cfs_read(t->name, s->attr, cur, sizeof(cur)))
			cur[0] = '\0';
		printf("%s: %s would change from '%s' to '%s'\n", t->name,
		       s->attr, cur, s->value);
		n++;
	}
	if (ns_nl_get(nl, t->name, &st, err, sizeof(err)) == 0 && st.enabled) {
		if (n) {
			ns_errmsg("%s: is up with other settings than the file lists; apply would leave it (swapctl down %s first)",
				  t->name, t->name);
			ret = EX_BUSY;
			goto out;
		}
		snprintf(dev, sizeof(dev), "/dev/%s", st.disk);
		if (st.disk[0] && ns_swap_active(dev, NULL, NULL)) {
			cnt->unchanged++;
			goto out;
		}
		printf("%s: swap would be turned on\n", t->name);
		cnt->up++;
		goto out;
	}
	if (n) {
		printf("%s: would be updated (%d setting%s)\n", t->name, n,
		       n == 1 ? "" : "s");
		cnt->updated++;
	}
	printf("%s: would be brought up\n", t->name);
	cnt->up++;
out:
	memset(&ss, 0, sizeof(ss));
	return ret;
}

static int ns_apply_check(const struct ns_tab *tab, int prune)
{
	struct ns_apply_count cnt = { 0 };
	struct ns_status *v = NULL;
	struct ns_nl *nl = NULL;
	char err[NS_ERR_MAX];
	int i, j, n = 0, r, ret = EX_OK;

	if (!ns_cfs_check(false, err, sizeof(err))) {
		nl = ns_need_nl();
		if (!nl)
			return EX_SYS;
	}
	for (i = 0; i < tab->n; i++) {
		char iqn[NS_STR_MAX];

		if (tab->t[i].transport != NS_T_ISCSI || tab->t[i].initiator[0])
			continue;
		ns_host_initiator(iqn, sizeof(iqn), 0, NULL);
		if (!iqn[0])
			printf("this host has no iSCSI initiator name: apply would generate one in %s\n",
			       ns_own_initiator_file());
		break;
	}
	for (i = 0; i < tab->n; i++) {
		r = ns_check_one(nl, &tab->t[i], &cnt);
		if (r) {
			cnt.failed++;
			if (!ret)
				ret = r;
		}
	}
	if (nl && prune && !ns_all_names(nl, &v, &n)) {
		for (j = 0; j < n; j++) {
			for (i = 0; i < tab->n; i++)
				if (!strcmp(tab->t[i].name, v[j].name))
					break;
			if (i < tab->n)
				continue;
			printf("%s: would be taken down and removed\n", v[j].name);
			cnt.removed++;
		}
		free(v);
	}
	if (nl)
		ns_nl_close(nl);
	printf("apply --check: %d to add, %d to update, %d to bring up, %d to remove, %d already up, %d would fail\n",
	       cnt.added, cnt.updated, cnt.up, cnt.removed, cnt.unchanged,
	       cnt.failed);
	return ret;
}

static int cmd_apply(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "prune", no_argument, NULL, 'P' },
		{ "check", no_argument, NULL, 'C' },
		{ "no-swap", no_argument, NULL, 'S' },
		{ NULL, 0, NULL, 0 },
	};
	struct ns_apply_count cnt = { 0 };
	const char *path = NS_TAB_DEFAULT;
	int check = 0, noswap = 0;
	struct ns_status *v = NULL;
	struct ns_tab tab;
	struct ns_nl *nl;
	int c, i, j, n = 0, prune = 0, ret = EX_OK, r;

	optind = 1;
	while ((c = getopt_long(argc, argv, "c:", lo, NULL)) != -1) {
		switch (c) {
		case 'c':
			path = optarg;
			break;
		case 'P':
			prune = 1;
			break;
		case 'C':
			check = 1;
			break;
		case 'S':
			noswap = 1;
			break;
		default:
			return EX_USAGE;
		}
	}
	if (optind < argc && prune) {
		ns_errmsg("--prune applies the whole file: no NAME with it");
		return EX_USAGE;
	}
	r = ns_tab_load(path, &tab);
	if (r)
		return r;
	/* NAME...: only those entries, each of which the file must list. */
	r = ns_tab_select(&tab, path, argc - optind, argv + optind);
	if (r)
		goto out_tab;
	if (check) {
		/* Changing nothing: not even a host identity. */
		ns_initiator_no_create = 1;
		r = ns_apply_check(&tab, prune);
		goto out_tab;
	}
	r = ns_need_cfs(true);
	if (r)
		goto out_tab;
	nl = ns_need_nl();
	if (!nl) {
		r = EX_SYS;
		goto out_tab;
	}
	for (i = 0; i < tab.n; i++) {
		r = ns_apply_one(nl, &tab.t[i], noswap, &cnt);
		if (r) {
			cnt.failed++;
			if (!ret)
				ret = r;
		}
	}
	if (prune && !ns_all_names(nl, &v, &n)) {
		for (j = 0; j < n; j++) {
			char err[NS_ERR_MAX];

			for (i = 0; i < tab.n; i++)
				if (!strcmp(tab.t[i].name, v[j].name))
					break;
			if (i < tab.n)
				continue;
			r = ns_down_one(nl, v[j].name);
			if (!r && ns_cfs_rmdir(v[j].name, err, sizeof(err))) {
				ns_errmsg("%s", err);
				r = EX_SYS;
			}
			if (r) {
				cnt.failed++;
				if (!ret)
					ret = r;
				continue;
			}
			printf("%s: removed\n", v[j].name);
			cnt.removed++;
		}
		free(v);
	}
	ns_nl_close(nl);
	printf("apply: %d added, %d updated, %d brought up, %d removed, %d already up, %d failed\n",
	       cnt.added, cnt.updated, cnt.up, cnt.removed, cnt.unchanged,
	       cnt.failed);
	r = ret;
out_tab:
	ns_tab_free(&tab);
	return r;
}

/* -------- hotplug (the udev rules) -------- */

/* netswapN, from the kernel: nothing else is looked up in sysfs. */
static int ns_kernel_name_ok(const char *k)
{
	size_t i, n = strlen(k);

	if (n < 8 || n > 16 || strncmp(k, "netswap", 7) != 0)
		return 0;
	for (i = 7; i < n; i++)
		if (k[i] < '0' || k[i] > '9')
			return 0;
	return 1;
}

/* 1 if the generator wrote a swap unit for @name (systemd runs it). */
static int ns_swap_unit_generated(const char *name)
{
	const char *dir = getenv("NETSWAP_GENERATOR_DIR");
	char esc[4 * NS_NAME_MAX], path[NS_PATH_MAX];

	ns_unit_escape(name, esc, sizeof(esc));
	snprintf(path, sizeof(path), "%s/dev-netswap-%s.swap",
		 dir && *dir ? dir : "/run/systemd/generator", esc);
	return access(path, F_OK) == 0;
}

/*
 * Under systemd with the generator's units, swap is the .swap unit's to
 * turn on: queue its start (it runs after netswap@NAME.service, which
 * formats the disk) rather than race it with a swapon of our own.
 */
static int ns_systemd_start_swap(const char *name)
{
	const char *systemctl = getenv("NETSWAP_SYSTEMCTL");
	char esc[4 * NS_NAME_MAX], unit[8 * NS_NAME_MAX];
	int status;
	pid_t pid;

	ns_unit_escape(name, esc, sizeof(esc));
	snprintf(unit, sizeof(unit), "dev-netswap-%s.swap", esc);
	if (!systemctl || !*systemctl)
		systemctl = "systemctl";
	pid = fork();
	if (pid < 0) {
		ns_errmsg("%s: fork: %s", name, strerror(errno));
		return EX_SYS;
	}
	if (pid == 0) {
		setenv("PATH", "/usr/sbin:/usr/bin:/sbin:/bin", 0);
		execlp(systemctl, systemctl, "--no-block", "start", unit,
		       (char *)NULL);
		fprintf(stderr, "swapctl: %s: %s\n", systemctl, strerror(errno));
		_exit(127);
	}
	if (waitpid(pid, &status, 0) < 0 || !WIFEXITED(status) ||
	    WEXITSTATUS(status) != 0) {
		ns_errmsg("%s: systemctl --no-block start %s failed", name,
			  unit);
		return EX_SYS;
	}
	ns_info("%s: swap left to systemd: started %s", name, unit);
	return EX_OK;
}

/*
 * swapctl hotplug [--kmsg] [-c FILE] netswapN: run by the udev rules when
 * a netswap disk appears. If netswaptab marks its target "auto", turn swap
 * on (mkswap first with "format"); otherwise do nothing. A udev RUN program
 * must be short: no network, no waiting but for the device node. With
 * --kmsg every line goes to the kernel log, where udev would lose it.
 */
static int cmd_hotplug(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "kmsg", no_argument, NULL, 'k' },
		{ NULL, 0, NULL, 0 },
	};
	const char *path = NS_TAB_DEFAULT, *kname;
	char sysattr[128], name[NS_NAME_MAX], dev[64];
	const struct ns_target *t = NULL;
	struct ns_tab tab;
	int c, i, fd, ret, kmsg = 0;
	FILE *f;

	optind = 1;
	while ((c = getopt_long(argc, argv, "c:", lo, NULL)) != -1) {
		switch (c) {
		case 'c':
			path = optarg;
			break;
		case 'k':
			kmsg = 1;
			break;
		default:
			return EX_USAGE;
		}
	}
	if (kmsg) {
		fd = open("/dev/kmsg", O_WRONLY | O_CLOEXEC);
		if (fd >= 0) {
			dup2(fd, STDOUT_FILENO);
			dup2(fd, STDERR_FILENO);
			close(fd);
			setvbuf(stdout, NULL, _IOLBF, 0);
			info_prefix = "swapctl: hotplug: ";
		}
	}
	if (argc - optind != 1 || !ns_kernel_name_ok(argv[optind])) {
		ns_errmsg("expected a netswap disk name (netswapN)");
		return EX_USAGE;
	}
	kname = argv[optind];
	snprintf(sysattr, sizeof(sysattr), "/sys/class/block/%s/netswap/name",
		 kname);
	f = fopen(sysattr, "re");
	if (!f || !fgets(name, sizeof(name), f)) {
		ns_errmsg("%s: not a netswap disk (no %s)", kname, sysattr);
		if (f)
			fclose(f);
		return EX_NOENT;
	}
	fclose(f);
	name[strcspn(name, "\n")] = '\0';

	/* No netswaptab: nothing is marked auto. */
	if (access(path, F_OK) != 0 && errno == ENOENT)
		return EX_OK;
	ret = ns_tab_load(path, &tab);
	if (ret)
		return ret;
	for (i = 0; i < tab.n; i++)
		if (!strcmp(tab.t[i].name, name))
			t = &tab.t[i];
	if (t && t->auto_up && ns_swap_unit_generated(name)) {
		ret = ns_systemd_start_swap(name);
	} else if (t && t->auto_up) {
		if (ns_wait_dev(kname, dev, sizeof(dev))) {
			ns_errmsg("%s: no device node /dev/%s", name, kname);
			ret = EX_SYS;
		} else {
			ret = ns_swap_start(name, dev,
				t->priority == INT32_MIN ? -1 : t->priority,
				t->discard, t->format,
				"add format to its options in netswaptab");
		}
	}
	ns_tab_free(&tab);
	return ret;
}

/* -------- reserve -------- */

static long long ns_read_ll(const char *path, const char *key)
{
	char line[256];
	long long v = -1;
	FILE *f = fopen(path, "re");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		if (!key) {
			v = strtoll(line, NULL, 10);
			break;
		}
		if (!strncmp(line, key, strlen(key))) {
			v = strtoll(line + strlen(key), NULL, 10);
			break;
		}
	}
	fclose(f);
	return v;
}

/*
 * The kernel's own min_free_kbytes: sqrt(16 * lowmem KiB) clamped to
 * 128..262144 (mm/page_alloc.c). MemTotal stands in for lowmem, which on
 * 64-bit is all memory less the watermarks: a slight over-estimate.
 */
static long long ns_kernel_min_free(void)
{
	long long mem = ns_read_ll("/proc/meminfo", "MemTotal:");
	unsigned long long x, r = 0, bit = 1ULL << 62;

	if (mem <= 0)
		return 128;
	x = (unsigned long long)mem * 16;
	while (bit > x)
		bit >>= 2;
	while (bit) {
		if (x >= r + bit) {
			x -= r + bit;
			r = (r >> 1) + bit;
		} else {
			r >>= 1;
		}
		bit >>= 2;
	}
	if (r < 128)
		r = 128;
	if (r > 262144)
		r = 262144;
	return (long long)r;
}

/*
 * What reserve --apply set stays set: `sysctl --system` (systemd-sysctl at
 * boot, procps' postinst, an admin) reads /run/sysctl.d too, and a file
 * named after every usual one (99-sysctl.conf is /etc/sysctl.conf) is
 * applied last. In /run: gone at reboot, where netswap.service writes it
 * again. NETSWAP_SYSCTL_DIR names another directory (tests).
 */
static int ns_reserve_persist(long long kb)
{
	const char *dir = getenv("NETSWAP_SYSCTL_DIR");
	char path[PATH_MAX], tmp[PATH_MAX + 8];
	FILE *f;

	if (!dir || !*dir)
		dir = "/run/sysctl.d";
	if (mkdir(dir, 0755) && errno != EEXIST)
		goto fail;
	snprintf(path, sizeof(path), "%s/zz-netswap.conf", dir);
	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	f = fopen(tmp, "we");
	if (!f)
		goto fail;
	if (fprintf(f, "# swapctl reserve --apply: the network swap targets' emergency reserve\n"
		    "vm.min_free_kbytes = %lld\n", kb) < 0 || fclose(f) != 0) {
		unlink(tmp);
		goto fail;
	}
	if (rename(tmp, path))
		goto fail;
	printf("kept in %s\n", path);
	return EX_OK;
fail:
	ns_errmsg("%s: %s", dir, strerror(errno));
	return EX_SYS;
}

/* reserve --apply refuses a reserve above RAM / this. */
#define NS_RESERVE_MAX_FRACTION	4

static int cmd_reserve(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "apply", no_argument, NULL, 'a' },
		{ NULL, 0, NULL, 0 },
	};
	const char *knob = "/proc/sys/vm/min_free_kbytes";
	long long base, cur, need, ram, sum = 0;
	struct ns_status *v = NULL;
	struct ns_nl *nl;
	int c, i, n = 0, apply = 0, ret;
	FILE *f;

	optind = 1;
	while ((c = getopt_long(argc, argv, "a", lo, NULL)) != -1) {
		if (c != 'a')
			return EX_USAGE;
		apply = 1;
	}
	if (ns_extra_args(argc, argv))
		return EX_USAGE;
	nl = ns_need_nl();
	if (!nl)
		return EX_SYS;
	ret = ns_all_names(nl, &v, &n);
	ns_nl_close(nl);
	if (ret)
		return ret;
	for (i = 0; i < n; i++) {
		if (!v[i].enabled)
			continue;
		printf("%-16s %8u KiB\n", v[i].name, v[i].reserve_kb);
		sum += v[i].reserve_kb;
	}
	free(v);
	base = ns_kernel_min_free();
	cur = ns_read_ll(knob, NULL);
	need = base + sum;
	printf("%-16s %8lld KiB\n", "kernel default", base);
	printf("%-16s %8lld KiB\n", "needed", need);
	printf("%-16s %8lld KiB\n", "current", cur);
	/*
	 * More than a quarter of RAM held back is a configuration mistake
	 * (queue depths far above what the machine can carry), not a reserve:
	 * ordinary allocations would start failing. Say so; do not apply it.
	 */
	ram = ns_read_ll("/proc/meminfo", "MemTotal:");
	if (ram > 0 && need > ram / NS_RESERVE_MAX_FRACTION) {
		ns_errmsg("the targets need %lld KiB, more than 1/%d of RAM (%lld KiB): lower their queue_depth%s",
			  need, NS_RESERVE_MAX_FRACTION, ram,
			  apply ? "; vm.min_free_kbytes not changed" : "");
		return apply ? EX_USAGE : EX_OK;
	}
	if (!apply)
		return EX_OK;
	if (cur >= need) {
		printf("vm.min_free_kbytes stays %lld (not lowered)\n", cur);
		return ns_reserve_persist(cur);
	}
	f = fopen(knob, "we");
	if (!f || fprintf(f, "%lld\n", need) < 0 || fclose(f) != 0) {
		ns_errmsg("%s: %s", knob, strerror(errno));
		return EX_SYS;
	}
	printf("vm.min_free_kbytes raised from %lld to %lld\n", cur, need);
	return ns_reserve_persist(need);
}

/* -------- save -------- */

/* One netswaptab line in the making: "opt=value" elements, comma-separated. */
struct ns_line {
	char	opts[4096];
	size_t	len;
	bool	bad;		/* a value that netswaptab cannot carry */
};

static void ns_line_opt(struct ns_line *l, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void ns_line_opt(struct ns_line *l, const char *fmt, ...)
{
	size_t room = sizeof(l->opts) - l->len;
	va_list ap;
	int n;

	if (l->len && room > 1) {
		l->opts[l->len++] = ',';
		room--;
	}
	va_start(ap, fmt);
	n = vsnprintf(l->opts + l->len, room, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= room) {
		l->bad = true;
		return;
	}
	/* Fields are split at blanks and options at commas. */
	if (strpbrk(l->opts + l->len, " \t\n,"))
		l->bad = true;
	l->len += n;
}

/* NAME/ATTR as a number; @def when unreadable. */
static long long ns_cfs_num(const char *name, const char *attr, long long def)
{
	char v[64], *end;
	long long n;

	if (ns_cfs_read(name, attr, v, sizeof(v)))
		return def;
	errno = 0;
	n = strtoll(v, &end, 10);
	return errno || end == v || *end ? def : n;
}

/* The option ATTR=value (named as its configfs attribute) unless default. */
static void ns_line_num(struct ns_line *l, const char *name, const char *attr,
			long long def)
{
	long long v = ns_cfs_num(name, attr, def);

	if (v != def)
		ns_line_opt(l, "%s=%lld", attr, v);
}

/*
 * One target as a netswaptab line that `apply` turns back into the same
 * configuration: the options that differ from the defaults, the swap
 * priority if swap is on with one given, and a secret_file= reference
 * (never the secret) for each CHAP secret.
 */
static int ns_save_one(const char *name)
{
	char tr[16], addr[NI_MAXHOST], host[NI_MAXHOST + 2], user[NS_STR_MAX];
	char a[NS_PATH_MAX], b[NS_PATH_MAX], disk[64], dev[80];
	char url[3 * NS_PATH_MAX];
	struct ns_line l = { .len = 0 };
	long long port;
	int prio, n;

	if (ns_cfs_read(name, "transport", tr, sizeof(tr)) ||
	    ns_cfs_read(name, "address", addr, sizeof(addr))) {
		ns_errmsg("%s: cannot read its settings", name);
		return EX_SYS;
	}
	snprintf(host, sizeof(host), strchr(addr, ':') ? "[%s]" : "%s", addr);
	port = ns_cfs_num(name, "port", 0);
	if (!strcmp(tr, "iscsi")) {
		char def[NS_STR_MAX];

		if (ns_cfs_read(name, "auth_user", user, sizeof(user)))
			user[0] = '\0';
		if (ns_cfs_read(name, "target_name", a, sizeof(a)))
			a[0] = '\0';
		n = snprintf(url, sizeof(url), "iscsi://%s%s%s", user,
			     user[0] ? "@" : "", host);
		if (port > 0)
			n += snprintf(url + n, sizeof(url) - n, ":%lld", port);
		snprintf(url + n, sizeof(url) - n, "/%s/%lld", a,
			 ns_cfs_num(name, "lun", 0));
		ns_host_initiator(def, sizeof(def), 0, NULL);
		if (!ns_cfs_read(name, "initiator_name", a, sizeof(a)) &&
		    a[0] && strcmp(a, def))
			ns_line_opt(&l, "initiator=%s", a);
		/* A CHAP user has a secret: the kernel never gives it back. */
		if (user[0])
			ns_line_opt(&l, "secret_file=/etc/netswap/%s.secret",
				    name);
		if (!ns_cfs_read(name, "auth_target_user", a, sizeof(a)) &&
		    a[0]) {
			ns_line_opt(&l, "target_user=%s", a);
			ns_line_opt(&l, "target_secret_file=/etc/netswap/%s.target.secret",
				    name);
		}
		if (!ns_cfs_read(name, "header_digest", a, sizeof(a)) &&
		    strcmp(a, "none"))
			ns_line_opt(&l, "header_digest=%s", a);
		if (!ns_cfs_read(name, "data_digest", a, sizeof(a)) &&
		    strcmp(a, "none"))
			ns_line_opt(&l, "data_digest=%s", a);
	} else if (!strcmp(tr, "nfs")) {
		if (ns_cfs_read(name, "export", a, sizeof(a)) ||
		    ns_cfs_read(name, "file", b, sizeof(b))) {
			ns_errmsg("%s: cannot read its export and file", name);
			return EX_SYS;
		}
		n = snprintf(url, sizeof(url), "nfs://%s", host);
		if (port > 0)
			n += snprintf(url + n, sizeof(url) - n, ":%lld", port);
		snprintf(url + n, sizeof(url) - n, "%s%s%s", a,
			 a[strlen(a) ? strlen(a) - 1 : 0] == '/' ? "" : "/", b);
		/* The URL's export ends at its last '/' unless export= says. */
		if (strchr(b, '/'))
			ns_line_opt(&l, "export=%s", a);
		ns_line_num(&l, name, "mount_port", 0);
		if (!ns_cfs_read(name, "auth_flavor", a, sizeof(a)) &&
		    !strcmp(a, "none"))
			ns_line_opt(&l, "auth_flavor=none");
		ns_line_num(&l, name, "auth_uid", 0);
		ns_line_num(&l, name, "auth_gid", 0);
	} else {
		printf("# %s: no transport set, not saved\n", name);
		return EX_OK;
	}
	ns_line_num(&l, name, "connections", 0);
	ns_line_num(&l, name, "queue_depth", NS_DEF_QUEUE_DEPTH);
	ns_line_num(&l, name, "io_timeout_ms", NS_DEF_IO_TIMEOUT_MS);
	ns_line_num(&l, name, "reconnect_delay_ms", NS_DEF_RECONNECT_DELAY_MS);
	ns_line_num(&l, name, "recovery_timeout_s", 0);
	if (!ns_cfs_read(name, "seal", a, sizeof(a)) && strcmp(a, "none"))
		ns_line_opt(&l, "seal=%s", a);
	if (!ns_cfs_read(name, "disk", disk, sizeof(disk)) && disk[0]) {
		snprintf(dev, sizeof(dev), "/dev/%s", disk);
		/* A negative priority is one swapon chose: leave it to it. */
		if (ns_swap_active(dev, &prio, NULL) && prio >= 0)
			ns_line_opt(&l, "priority=%d", prio);
	}
	if (l.bad || strpbrk(url, " \t\n")) {
		ns_errmsg("%s: a setting has a blank or a comma, which netswaptab cannot hold",
			  name);
		return EX_USAGE;
	}
	if (strstr(l.opts, "secret_file=/etc/netswap/"))
		printf("# %s: its CHAP secret goes in /etc/netswap/%s.secret (mode 0600)\n",
		       name, name);
	if (strstr(l.opts, "target_secret_file="))
		printf("# %s: the target's CHAP secret goes in /etc/netswap/%s.target.secret (mode 0600)\n",
		       name, name);
	printf("%s %s%s%s\n", name, url, l.len ? " " : "", l.opts);
	return EX_OK;
}

static int ns_save_filter(const struct dirent *d)
{
	return d->d_name[0] != '.';
}

static int cmd_save(int argc, char **argv)
{
	struct dirent **names;
	int i, n, r, ret = EX_OK;

	if (ns_extra_args(argc, argv))
		return EX_USAGE;
	r = ns_need_cfs(false);
	if (r)
		return r;
	n = scandir(NS_CFS_ROOT, &names, ns_save_filter, alphasort);
	if (n < 0) {
		ns_errmsg("%s: %s", NS_CFS_ROOT, strerror(errno));
		return EX_SYS;
	}
	printf("# netswaptab from swapctl save: the targets configured now.\n"
	       "# Secrets are never saved: each secret_file= names where to put one.\n");
	for (i = 0; i < n; i++) {
		r = ns_save_one(names[i]->d_name);
		if (r && !ret)
			ret = r;
		free(names[i]);
	}
	free(names);
	return ret;
}

/* -------- main -------- */

/* Each command, its synopsis (swapctl help) and what it does (CMD --help). */
static const struct {
	const char	*name;
	int		(*fn)(int argc, char **argv);
	const char	*synopsis;
	const char	*about;
} ns_cmds[] = {
	{ "add", cmd_add,
	  "add NAME URL [-o OPT=VAL,...] [--secret-file FILE|-]\n"
	  "        [--target-secret-file FILE|-]   (mutual CHAP, with -o target_user=)\n"
	  "        [--seal none|aead]\n"
	  "        iscsi://[user@]host[:port]/IQN/LUN\n"
	  "        nfs://host[:port]/export/path/to/file",
	  "Create a target from a URL and options (netswaptab(5) lists them),\n"
	  "loading the module if needed. Nothing connects until up or enable.\n"
	  "--seal aead encrypts and authenticates its swap in the kernel." },
	{ "up", cmd_up,
	  "up NAME|--all [--priority P] [--format] [--discard[=once|pages]]",
	  "Enable the target and turn swap on its disk; --format runs mkswap on a\n"
	  "blank disk only; --discard frees swap space on a thin LUN (swapon(8))." },
	{ "enable", cmd_enable,
	  "enable NAME|--all",
	  "Connect and create the disk (/dev/netswap/NAME), without swap." },
	{ "down", cmd_down,
	  "down NAME|--all",
	  "Turn swap off (reading every page back) and disconnect." },
	{ "rm", cmd_rm,
	  "rm NAME",
	  "Remove a target that is down." },
	{ "status", cmd_status,
	  "status [NAME] [--json | -o COLUMNS [-n] [--raw]] | status --prometheus",
	  "One line a target (details with NAME): state, disk, swap, I/O counts,\n"
	  "reconnects, the recovery in progress and the last error. -o picks\n"
	  "the columns (+COLUMNS adds to the default ones), -n drops the\n"
	  "heading, --raw prints unaligned; --json is versioned (swapctl(8))." },
	{ "monitor", cmd_monitor,
	  "monitor [--json] [--count N]",
	  "Print state changes as they happen." },
	{ "watch", cmd_watch,
	  "watch [NAME] [-i SECONDS] [-n COUNT]",
	  "Status every few seconds, with rates." },
	{ "apply", cmd_apply,
	  "apply [-c FILE] [--prune] [--check] [--no-swap] [NAME...]",
	  "Make the targets match /etc/netswap/netswaptab (or FILE) and bring\n"
	  "them up with swap on; NAME... only those entries; --prune removes\n"
	  "targets it does not list; --check validates the file and prints what\n"
	  "would change, changing nothing; --no-swap brings them up with a swap\n"
	  "signature (mkswap with format) but leaves swapon to systemd's .swap\n"
	  "unit (netswap@.service)." },
	{ "discover", cmd_discover,
	  "discover [--initiator IQN] [-n] [--raw] [-b] iscsi://HOST[:PORT]\n"
	  "        discover [--mount-port N] [-n] [--raw] nfs://HOST[:PORT]",
	  "What an iSCSI portal offers: SendTargets discovery, then REPORT LUNS\n"
	  "and READ CAPACITY on each target, through that portal, printed as\n"
	  "ready-to-use URLs with their sizes and the portals each target\n"
	  "advertises (as the host's initiator name, without CHAP); or what an\n"
	  "NFS server exports (MOUNT EXPORT), each export's URL and clients." },
	{ "save", cmd_save,
	  "save",
	  "Print the targets configured now as netswaptab lines (secrets as\n"
	  "secret_file= references, never their values)." },
	{ "initiator-name", cmd_initiator_name,
	  "initiator-name [--no-create]",
	  "Print this host's iSCSI initiator name, the one targets' ACLs must\n"
	  "allow: open-iscsi's /etc/iscsi/initiatorname.iscsi, else netswap's\n"
	  "/etc/netswap/initiatorname, generated now if there is none (not with\n"
	  "--no-create: exit status 2)." },
	{ "reserve", cmd_reserve,
	  "reserve [--apply]",
	  "The emergency memory the targets need; --apply raises\n"
	  "vm.min_free_kbytes to it." },
	{ "generate", cmd_generate,
	  "generate [-c FILE] NORMAL-DIR [EARLY-DIR LATE-DIR]   (netswap-generator)",
	  "Write systemd units for the netswaptab entries: netswap@NAME.service\n"
	  "and dev-netswap-NAME.swap (netswap-generator(8))." },
	{ "hotplug", cmd_hotplug,
	  "hotplug [--kmsg] [-c FILE] netswapN   (run by the udev rules)",
	  "Turn swap on for a disk whose netswaptab line says auto." },
};

static void ns_usage(FILE *f)
{
	size_t i;

	fprintf(f, "Usage: swapctl COMMAND [ARGS]\n");
	for (i = 0; i < sizeof(ns_cmds) / sizeof(ns_cmds[0]); i++)
		fprintf(f, "  %s\n", ns_cmds[i].synopsis);
	fprintf(f, "  help [COMMAND] | COMMAND --help | --version\n"
		"See swapctl(8) and netswaptab(5).\n");
}

/* swapctl help COMMAND, swapctl COMMAND --help. */
static int ns_cmd_help(const char *name)
{
	size_t i;

	for (i = 0; i < sizeof(ns_cmds) / sizeof(ns_cmds[0]); i++) {
		if (strcmp(name, ns_cmds[i].name) != 0)
			continue;
		printf("Usage: swapctl %s\n\n%s\n", ns_cmds[i].synopsis,
		       ns_cmds[i].about);
		if (!strcmp(name, "status")) {
			int c;

			printf("\nColumns (-o):\n");
			for (c = 0; c < NS_NCOLS; c++)
				printf("  %-11s %s\n", ns_cols[c].name,
				       ns_cols[c].help);
		}
		printf("\nSee swapctl(8).\n");
		return EX_OK;
	}
	fprintf(stderr, "swapctl: unknown command '%s' (swapctl help)\n", name);
	return EX_USAGE;
}

#define NS_MODULE_VERSION	"/sys/module/netswap/version"

/*
 * swapctl --version: its own version and, when netswap.ko is loaded, the
 * module's (MODULE_VERSION, from the same VERSION file). A module of
 * another version still works if the generic netlink family and configfs
 * agree; the line says so that an operator sees it after an upgrade that
 * did not reload the module.
 */
static int ns_version(void)
{
	char kv[64] = "";
	FILE *f;

	printf("swapctl %s\n", SWAPCTL_VERSION);
	f = fopen(NS_MODULE_VERSION, "re");
	if (!f) {
		printf("netswap.ko not loaded\n");
		return EX_OK;
	}
	if (!fgets(kv, sizeof(kv), f))
		kv[0] = '\0';
	fclose(f);
	kv[strcspn(kv, "\r\n")] = '\0';
	if (!strcmp(kv, SWAPCTL_VERSION))
		printf("netswap.ko %s loaded\n", kv);
	else
		printf("netswap.ko %s loaded (not swapctl's %s: reload it after the upgrade)\n",
		       kv[0] ? kv : "?", SWAPCTL_VERSION);
	return EX_OK;
}

int main(int argc, char **argv)
{
	size_t i;

	if (argc < 2) {
		ns_usage(stderr);
		return EX_USAGE;
	}
	if (!strcmp(argv[1], "help") || !strcmp(argv[1], "--help") ||
	    !strcmp(argv[1], "-h")) {
		if (argc > 2 && !strcmp(argv[1], "help"))
			return ns_cmd_help(argv[2]);
		ns_usage(stdout);
		return EX_OK;
	}
	if (!strcmp(argv[1], "--version"))
		return ns_version();
	for (i = 0; i < sizeof(ns_cmds) / sizeof(ns_cmds[0]); i++) {
		if (strcmp(argv[1], ns_cmds[i].name) != 0)
			continue;
		if (argc > 2 && (!strcmp(argv[2], "--help") ||
				 !strcmp(argv[2], "-h")))
			return ns_cmd_help(argv[1]);
		cmd_name = ns_cmds[i].name;
		return ns_cmds[i].fn(argc - 1, argv + 1);
	}
	fprintf(stderr, "swapctl: unknown command '%s' (swapctl help)\n",
		argv[1]);
	return EX_USAGE;
}
