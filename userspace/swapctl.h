/* SPDX-License-Identifier: GPL-2.0 */
/* swapctl: exit codes and error reporting shared by its source files. */
#ifndef SWAPCTL_SWAPCTL_H
#define SWAPCTL_SWAPCTL_H

#include <stddef.h>
#include <stdint.h>

/* Exit codes: documented in swapctl(8). */
enum {
	EX_OK		= 0,
	EX_USAGE	= 1,	/* bad command line, URL, option or value */
	EX_NOENT	= 2,	/* no such target */
	EX_BUSY		= 3,	/* exists, in use, or a foreign signature */
	EX_CONN		= 4,	/* name lookup, connect, login or mount failed */
	EX_SYS		= 5,	/* module, netlink, swapon/swapoff, mkswap */
};

/* The command being run, for "swapctl: CMD: ..." messages. */
extern const char *cmd_name;

/* One line on stderr: "swapctl: CMD: " and the message. */
void ns_errmsg(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* One line on stdout: what a command did. */
void ns_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* "4.0 GiB": @bytes for people, in @buf. */
void ns_human(uint64_t bytes, char *buf, size_t len);

/* Keep this process's pages out of swap (monitor, watch); best effort. */
void ns_lock_memory(void);

struct ns_target;

/* A netswaptab, read whole and checked (swapctl.c). */
struct ns_tab {
	struct ns_target	*t;
	int			n;
};
int ns_tab_load(const char *path, struct ns_tab *tab);
void ns_tab_free(struct ns_tab *tab);

/* swapctl generate: the systemd generator (generator.c). */
int cmd_generate(int argc, char **argv);

/* NAME as systemd escapes it in a unit name ('-' is \x2d). */
void ns_unit_escape(const char *name, char *out, size_t len);

/*
 * The host's iSCSI initiator name (initiator.c) in @buf: open-iscsi's, else
 * netswap's own, else, with @create (and unless ns_initiator_no_create or
 * NETSWAP_INITIATOR_CREATE=0), a new one stored in netswap's file; "" when
 * there is none. *@src (if given) names the file. EX_SYS if storing failed.
 */
int ns_host_initiator(char *buf, size_t len, int create, const char **src);
const char *ns_own_initiator_file(void);
extern int ns_initiator_no_create;
int cmd_initiator_name(int argc, char **argv);

/* swapctl discover (discover.c). */
int cmd_discover(int argc, char **argv);

/* swapctl watch (watch.c). */
int cmd_watch(int argc, char **argv);

#endif /* SWAPCTL_SWAPCTL_H */
