/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * netswap generic netlink family: commands, attributes and enums shared by
 * netswap.ko and swapctl. docs/netlink/netswap.yaml describes the same
 * family for generic netlink tooling; keep the two in step.
 *
 * Numbers are ABI: append, never renumber.
 */
#ifndef _UAPI_LINUX_NETSWAP_H
#define _UAPI_LINUX_NETSWAP_H

#define NETSWAP_GENL_NAME		"netswap"
#define NETSWAP_GENL_VERSION		1
#define NETSWAP_MCGRP_EVENTS		"events"

/* Longest target name, without the NUL (configfs directory name). */
#define NETSWAP_UAPI_NAME_MAX		31

enum netswap_cmd {
	NETSWAP_CMD_UNSPEC,
	NETSWAP_CMD_GET,	/* doit: NETSWAP_A_NAME; dumpit: every target */
	NETSWAP_CMD_EVENT,	/* notification on the "events" group */

	__NETSWAP_CMD_MAX,
	NETSWAP_CMD_MAX = __NETSWAP_CMD_MAX - 1
};

enum netswap_state_uapi {
	NETSWAP_STATE_DISABLED,
	NETSWAP_STATE_CONNECTING,
	NETSWAP_STATE_UP,
	NETSWAP_STATE_RECOVERING,
	NETSWAP_STATE_FAILED,
	NETSWAP_STATE_REMOVED,	/* events only: the configfs item is gone */
};

enum netswap_transport_uapi {
	NETSWAP_TRANSPORT_TYPE_UNSET,
	NETSWAP_TRANSPORT_TYPE_ISCSI,
	NETSWAP_TRANSPORT_TYPE_NFS,
};

enum netswap_seal_uapi {
	NETSWAP_SEAL_TYPE_NONE,
	NETSWAP_SEAL_TYPE_AEAD,		/* AES-256-GCM, tags in the host's RAM */
};

enum netswap_attr {
	NETSWAP_A_UNSPEC,
	NETSWAP_A_NAME,			/* string */
	NETSWAP_A_TRANSPORT,		/* u8, enum netswap_transport_uapi */
	NETSWAP_A_ADDRESS,		/* string: IPv4 or IPv6 literal */
	NETSWAP_A_PORT,			/* u16: the port used (default filled) */
	NETSWAP_A_TARGET,		/* string: iSCSI target name */
	NETSWAP_A_LUN,			/* u32 */
	NETSWAP_A_EXPORT,		/* string: NFS export */
	NETSWAP_A_FILE,			/* string: NFS file in the export */
	NETSWAP_A_ENABLED,		/* u8 */
	NETSWAP_A_STATE,		/* u8, enum netswap_state_uapi */
	NETSWAP_A_DISK,			/* string: "netswap0"; absent if none */
	NETSWAP_A_CAPACITY,		/* u64: bytes, 0 while disabled */
	NETSWAP_A_RESERVE_KB,		/* u32 */
	NETSWAP_A_QUEUE_DEPTH,		/* u32 */
	NETSWAP_A_LAST_ERROR,		/* string, may be empty */
	NETSWAP_A_STATS,		/* nest: NETSWAP_A_STATS_* */
	NETSWAP_A_OLD_STATE,		/* u8: events */
	NETSWAP_A_ERRNO,		/* s32: events, 0 or a positive errno */
	NETSWAP_A_REASON,		/* string: events */
	NETSWAP_A_PAD,
	/* The recovery in progress; 0 when none runs. */
	NETSWAP_A_RECOVERY_MS,		/* u64: time since the connection was lost */
	NETSWAP_A_RECOVERY_ATTEMPTS,	/* u32: reconnect attempts that failed */
	/* Discard as the storage allows it; 0 when it cannot unmap. */
	NETSWAP_A_DISCARD_MAX_BYTES,	/* u32: the most one request covers */
	NETSWAP_A_DISCARD_GRANULARITY,	/* u32: bytes */
	NETSWAP_A_SEAL,			/* u8, enum netswap_seal_uapi */
	NETSWAP_A_SEAL_KB,		/* u32: tag table and bounce pages */

	__NETSWAP_A_MAX,
	NETSWAP_A_MAX = __NETSWAP_A_MAX - 1
};

enum netswap_stats_attr {
	NETSWAP_A_STATS_UNSPEC,
	NETSWAP_A_STATS_READS,		/* u64: completed read requests */
	NETSWAP_A_STATS_WRITES,		/* u64 */
	NETSWAP_A_STATS_FLUSHES,	/* u64 */
	NETSWAP_A_STATS_READ_BYTES,	/* u64 */
	NETSWAP_A_STATS_WRITE_BYTES,	/* u64 */
	NETSWAP_A_STATS_INFLIGHT,	/* u32: started, not completed */
	NETSWAP_A_STATS_ERRORS,		/* u64: requests failed */
	NETSWAP_A_STATS_RETRIES,	/* u64: requests re-issued */
	NETSWAP_A_STATS_TIMEOUTS,	/* u64 */
	NETSWAP_A_STATS_RECOVERIES,	/* u64: connection losses */
	NETSWAP_A_STATS_RECONNECTS,	/* u64: successful reconnects */
	/* Latency: block-layer submission to completion, microseconds. */
	NETSWAP_A_STATS_READ_LAT_SUM_US,	/* u64: over STATS_READS */
	NETSWAP_A_STATS_READ_LAT_MAX_US,	/* u64 */
	NETSWAP_A_STATS_WRITE_LAT_SUM_US,	/* u64: over STATS_WRITES */
	NETSWAP_A_STATS_WRITE_LAT_MAX_US,	/* u64 */
	NETSWAP_A_STATS_PAD,
	NETSWAP_A_STATS_RECONNECT_ATTEMPTS,	/* u64: failed, all recoveries */
	NETSWAP_A_STATS_RECOVERY_MS,	/* u64: time in recovery, the current one too */
	NETSWAP_A_STATS_DISCARDS,	/* u64: completed discard requests */
	NETSWAP_A_STATS_DISCARD_BYTES,	/* u64 */
	NETSWAP_A_STATS_INTEGRITY_ERRORS, /* u64: sealed blocks that failed twice */

	__NETSWAP_A_STATS_MAX,
	NETSWAP_A_STATS_MAX = __NETSWAP_A_STATS_MAX - 1
};

#endif /* _UAPI_LINUX_NETSWAP_H */
