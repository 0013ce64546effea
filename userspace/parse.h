/* SPDX-License-Identifier: GPL-2.0 */
/*
 * swapctl: parsing of target URLs, options and netswaptab lines.
 *
 * Pure functions over bytes: no I/O, no name resolution, no allocation.
 * Every failure fills an error text of the form "what: why" that swapctl
 * prints after its own prefix, and leaves the output unspecified.
 */
#ifndef SWAPCTL_PARSE_H
#define SWAPCTL_PARSE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define NS_NAME_MAX	32	/* configfs directory name, with NUL */
#define NS_HOST_MAX	256	/* DNS name or address literal, with NUL */
#define NS_STR_MAX	224	/* iSCSI names and CHAP user, with NUL */
#define NS_PATH_MAX	1024	/* NFS export and file, with NUL */
#define NS_ERR_MAX	256

enum ns_transport {
	NS_T_NONE,
	NS_T_ISCSI,
	NS_T_NFS,
};

/*
 * One target as the operator described it. Numbers are -1 (or "" for
 * strings) when not given, so the kernel default applies and `apply` can
 * tell "not set" from "set to the default".
 */
struct ns_target {
	char		name[NS_NAME_MAX];
	enum ns_transport transport;
	char		host[NS_HOST_MAX];	/* brackets of [IPv6] removed */
	bool		host_v6;		/* the URL used [brackets] */
	int32_t		port;			/* -1: transport default */

	/* iSCSI */
	char		user[NS_STR_MAX];	/* CHAP user: URL user@ or user= */
	char		target[NS_STR_MAX];	/* IQN / EUI / NAA name */
	int32_t		lun;			/* 0..16383 */
	char		initiator[NS_STR_MAX];
	char		secret_file[NS_PATH_MAX]; /* "-": standard input */
	char		target_user[NS_STR_MAX]; /* mutual CHAP: the target's name */
	char		target_secret_file[NS_PATH_MAX]; /* "-": standard input */
	int		header_digest;		/* -1 unset, 0 none, 1 crc32c */
	int		data_digest;
	int		seal;			/* -1 unset, 0 none, 1 aead */

	/* NFS */
	char		export[NS_PATH_MAX];	/* absolute */
	char		file[NS_PATH_MAX];	/* relative to the export */
	char		export_opt[NS_PATH_MAX]; /* export=, split at finish */
	int32_t		mount_port;
	int		auth_none;		/* -1 unset, 0 sys, 1 none */
	int64_t		auth_uid;
	int64_t		auth_gid;
	int64_t		connections;		/* -1 unset: the kernel's choice */

	/* both */
	int64_t		queue_depth;
	int64_t		io_timeout_ms;
	int64_t		reconnect_delay_ms;
	int64_t		recovery_timeout_s;

	/* not kernel settings: used by swapctl up / apply / udev */
	int32_t		priority;		/* -1..32767; INT32_MIN: unset */
	bool		auto_up;		/* "auto": udev turns swap on */
	bool		format;			/* "format": mkswap if blank */
	int		discard;		/* enum ns_discard */

	unsigned int	opts_given;		/* bit per option key seen */
};

/* swapon's discard policy, as swapon(8) and fstab name it. */
enum ns_discard {
	NS_DISCARD_OFF,		/* not asked for */
	NS_DISCARD_BOTH,	/* "discard": once at swapon, and freed pages */
	NS_DISCARD_ONCE,	/* "discard=once": the whole area at swapon */
	NS_DISCARD_PAGES,	/* "discard=pages": freed clusters as they go */
};

/* The option as netswaptab, fstab and swapon write it; "" for OFF. */
const char *ns_discard_opt(int discard);

/* Fill @t with "not set" everywhere. */
void ns_target_init(struct ns_target *t);

/* 1-31 of [A-Za-z0-9_.-], not starting with '.' or '-'. */
int ns_parse_name(const char *s, size_t len, char *out, char *err,
		  size_t errlen);

/*
 * iscsi://[user@]host[:port]/IQN/LUN
 * nfs://host[:port]/export/path/to/file
 *
 * host is a DNS name, an IPv4 literal or an [IPv6] literal. For NFS the
 * export is every path component but the last unless an export= option
 * (applied after the URL, see ns_target_finish) says where it ends.
 * @len bytes of @s are parsed; NULs, control characters and spaces fail.
 */
int ns_parse_url(const char *s, size_t len, struct ns_target *t, char *err,
		 size_t errlen);

/*
 * One "key=value" or flag ("auto", "format"); @len bytes, NULs fail.
 * Keys: initiator user secret_file header_digest data_digest export
 * mount_port auth_flavor auth_uid auth_gid connections queue_depth io_timeout_ms
 * reconnect_delay_ms recovery_timeout_s seal priority auto format, and
 * discard (a flag, or discard=once|pages).
 */
int ns_parse_opt(const char *s, size_t len, struct ns_target *t, char *err,
		 size_t errlen);

/* "k=v,k=v,flag": every element through ns_parse_opt. */
int ns_parse_opts(const char *s, size_t len, struct ns_target *t, char *err,
		  size_t errlen);

/*
 * After URL and options: split an NFS path at export= if it was given,
 * check that every option fits the transport (no lun= for NFS, ...).
 */
int ns_target_finish(struct ns_target *t, char *err, size_t errlen);

/*
 * One netswaptab line (without or with its trailing '\n'):
 *   NAME URL [opt=value,...]
 * Return: 1 with @t filled for a target, 0 for a blank or comment line,
 * -1 with @err on a bad line.
 */
int ns_parse_tab_line(const char *line, size_t len, struct ns_target *t,
		      char *err, size_t errlen);

/* A name for a transport: "iscsi", "nfs", "" */
const char *ns_transport_name(enum ns_transport t);

#endif /* SWAPCTL_PARSE_H */
