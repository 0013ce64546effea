/* SPDX-License-Identifier: GPL-2.0 */
/* swapctl: the netswap generic netlink family, from libnl-genl-3. */
#ifndef SWAPCTL_NL_H
#define SWAPCTL_NL_H

#include <stdbool.h>
#include <stdint.h>

/* One target as GET reports it; absent strings are "". */
struct ns_status {
	char		name[32];
	int		transport;		/* NETSWAP_TRANSPORT_*_UAPI */
	char		address[64];
	unsigned int	port;
	char		target[224];
	unsigned int	lun;
	char		export[1024];
	char		file[1024];
	bool		enabled;
	int		state;			/* NETSWAP_STATE_* */
	char		disk[32];
	uint64_t	capacity;
	unsigned int	reserve_kb;
	unsigned int	queue_depth;
	char		last_error[256];
	uint64_t	reads, writes, flushes, read_bytes, write_bytes;
	unsigned int	inflight;
	uint64_t	errors, retries, timeouts, recoveries, reconnects;
	uint64_t	read_lat_sum_us, read_lat_max_us;
	uint64_t	write_lat_sum_us, write_lat_max_us;
	uint64_t	reconnect_attempts;	/* failed, all recoveries */
	uint64_t	recovery_total_ms;	/* in recovery, the current one too */
	uint64_t	recovery_ms;		/* the current recovery, 0 if none */
	unsigned int	recovery_attempts;	/* its failed attempts */
	unsigned int	discard_max_bytes;	/* 0: the storage cannot unmap */
	unsigned int	discard_granularity;
	uint64_t	discards, discard_bytes;
	int		seal;			/* NETSWAP_SEAL_TYPE_* */
	unsigned int	seal_kb;		/* tag table and bounce pages */
	uint64_t	integrity_errors;	/* sealed blocks that failed twice */
};

/* A state change from the events group. */
struct ns_event {
	char		name[32];
	int		old_state;
	int		state;
	int		err;			/* positive errno or 0 */
	char		reason[160];
};

struct ns_nl;

/* NULL with errno set and @err filled (module not loaded, ...). */
struct ns_nl *ns_nl_open(char *err, size_t errlen);
void ns_nl_close(struct ns_nl *nl);

/* 0, or -ENOENT for an unknown name, or -errno with @err filled. */
int ns_nl_get(struct ns_nl *nl, const char *name, struct ns_status *st,
	      char *err, size_t errlen);

/*
 * Every target, in creation order: *@out is malloc()ed, *@n entries.
 * Return 0 or -errno with @err filled.
 */
int ns_nl_dump(struct ns_nl *nl, struct ns_status **out, int *n, char *err,
	       size_t errlen);

/*
 * Join the events group and call @cb for each event until it returns
 * non-zero or *@stop becomes true (checked between messages; a signal
 * interrupts the wait). Return 0 or -errno with @err filled.
 */
int ns_nl_monitor(struct ns_nl *nl, int (*cb)(const struct ns_event *ev,
					     void *arg),
		  void *arg, const volatile int *stop, char *err, size_t errlen);

const char *ns_state_name(int state);

#endif /* SWAPCTL_NL_H */
