/* SPDX-License-Identifier: GPL-2.0 */
/*
 * netswap in-kernel NFSv3 client for one swap file: ONC RPC over TCP,
 * READ and WRITE straight between bio pages and the socket. Writes go over
 * one connection and, unless the operator asked for one, reads over a
 * second one, so that a page-in never waits behind page-outs in a socket.
 */
#ifndef NETSWAP_NFS_H
#define NETSWAP_NFS_H

#include <linux/blk-mq.h>
#include <linux/net.h>
#include <linux/workqueue.h>
#include <linux/utsname.h>
#include <linux/hashtable.h>
#include "../core/netswap.h"
#include "../proto/rpc.h"
#include "../proto/rpc_rx.h"
#include "../proto/nfs3.h"

/* Largest READ/WRITE we issue, whatever the server's rtmax/wtmax. */
#define NS_NFS_MAX_IO		NETSWAP_MAX_IO_BYTES
/*
 * Marker, call header with an AUTH_SYS credential carrying a host name of
 * up to 64 bytes, and the largest argument header (WRITE: fh, offset,
 * count, stable, data length).
 */
#define NS_NFS_CALL_HDR_MAX	(RPC_MARKER_LEN + 6 * 4 + 8 + 20 + \
				 __NEW_UTS_LEN + 8 + 4 + NFS3_FHSIZE + 20)
/* A reply header up to READ data, or a whole WRITE/COMMIT reply. */
#define NS_NFS_RX_HDR_MAX	(24 + RPC_AUTH_BODY_MAX + 8 + 2 * \
				 (4 + NFS3_FATTR_SIZE) + 4 + 24 + 32)
/*
 * The longest reply record accepted during I/O: a READ reply of the largest
 * request, and room for what a server may append inside the record.
 */
#define NS_NFS_RX_REC_MAX	(NS_NFS_RX_HDR_MAX + NS_NFS_MAX_IO + 4096)
/* Setup calls (portmapper, MOUNT, LOOKUP, ...): call and reply buffers. */
#define NS_NFS_CTL_BUF		4096
/* XIDs with this bit belong to setup calls, not to requests. */
#define NS_XID_CTL		0x80000000u
#define NS_NFS_RETRIES		16	/* per request: JUKEBOX, short writes */

enum ns_nfs_stage {
	NS_NFS_IO,		/* READ or WRITE */
	NS_NFS_COMMIT,		/* WRITE came back UNSTABLE: COMMIT it */
	NS_NFS_PING,		/* a connection's NULL call: no request */
};

/* Connections of a target: writes (and COMMITs) on 0, reads on the last. */
#define NS_NFS_LANES		2

struct ns_nfs_lane;

/* Per-request state, in the blk-mq PDU. */
struct ns_nfs_cmd {
	struct list_head	entry;		/* on lane->send_hi/lo */
	struct hlist_node	hnode;		/* in lane->calls while sent */
	struct request		*rq;
	struct ns_nfs_lane	*lane;		/* the connection it goes on */
	u32			xid;		/* 0: not sent yet */
	u8			stage;
	u8			retries;
	bool			queued;
	bool			sent;		/* whole call on the wire */
	u8			verf[NFS3_WRITEVERFSIZE]; /* of an UNSTABLE WRITE */
	struct netswap_rq_pos	pos;		/* WRITE data sent, READ data received */
	u32			hdr_len;
	u8			hdr[NS_NFS_CALL_HDR_MAX];
};

/* Receive cursor: one reply in progress (framing in proto/rpc_rx.c). */
struct ns_nfs_rx {
	struct rpc_rx		fr;
	u8			hdr[NS_NFS_RX_HDR_MAX];
	struct ns_nfs_cmd	*cmd;
};

struct ns_nfs_tx {
	struct ns_nfs_cmd	*cmd;		/* NULL: idle */
	u32			hdr_sent;
	u32			data_len, data_sent;
	u32			pad_len, pad_sent;
	bool			more;		/* calls queued behind this one */
};

/*
 * One TCP connection to the NFS service and its I/O worker. Each has its
 * own send lists, call table and receive cursor; they share the XID
 * counter, credential and file handle of the target (struct ns_nfs_conn).
 * Any connection failing recovers the target: both are closed and opened
 * again together.
 */
struct ns_nfs_lane {
	struct ns_nfs_conn	*conn;
	struct socket		*sock;
	struct netswap_io	io;		/* io.work: all socket I/O */

	spinlock_t		lock;		/* send lists, dead */
	struct list_head	send_hi;	/* reads, commits */
	struct list_head	send_lo;	/* writes */
	bool			dead;

	/*
	 * Calls on the wire, by XID. A request's XID is not derived from
	 * its tag: with an I/O scheduler a requeued request can come back
	 * with another driver tag, and it must keep its XID. io_work owns
	 * the table; disconnect empties it with io_work stopped.
	 */
	DECLARE_HASHTABLE(calls, 8);

	struct ns_nfs_rx	rx;
	struct ns_nfs_tx	tx;
	u8			*scratch;	/* discarded bytes */

	/*
	 * Liveness, as iSCSI's NOP-Out: a NULL call every
	 * netswap_ping_interval_ms() while up. A server may close a
	 * connection that carries nothing (knfsd after 6 to 12 minutes), and
	 * the read connection of a machine that is only paging out carries
	 * nothing for as long; an unanswered ping finds a silent server
	 * before a page-in waits for it. @ping is a call without a request,
	 * sent and answered like the others.
	 */
	struct netswap_pinger	pinger;
	struct ns_nfs_cmd	ping;
};

struct ns_nfs_conn {
	struct netswap_dev	*nd;
	struct socket		*sock;		/* setup calls, then lane 0's */
	struct ns_nfs_lane	lane[NS_NFS_LANES];
	unsigned int		nr_lanes;	/* 1, or 2: reads on lane 1 */
	atomic_t		next_xid;	/* random start per enable */

	struct rpc_cred		cred;
	char			machine[__NEW_UTS_LEN + 1];
	struct sockaddr_storage	nfs_addr;	/* port resolved */
	bool			nfs_port_mapped; /* from the portmapper */
	struct nfs3_fh		fh;		/* the swap file, from enable */
	bool			resolved;
	u64			size;
	u32			rtmax, wtmax;
	u32			ctl_xid;
	u8			*ctl_buf;	/* setup call, then its reply */
};

/* setup.c */
unsigned int ns_nfs_setup_timeout(struct netswap_dev *nd);
int ns_nfs_resolve(struct ns_nfs_conn *conn);
int ns_nfs_probe(struct ns_nfs_conn *conn);
void ns_nfs_fill_addr(struct sockaddr_storage *dst,
		      const struct sockaddr_storage *src, u16 port);

#endif /* NETSWAP_NFS_H */
