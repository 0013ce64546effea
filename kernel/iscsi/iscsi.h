/* SPDX-License-Identifier: GPL-2.0 */
/*
 * netswap in-kernel iSCSI initiator (RFC 7143, ErrorRecoveryLevel 0):
 * two sessions of one connection each per target, to the same LUN: the
 * first carries writes and flushes, the second only reads, so a page-in
 * never waits behind page-outs in one socket (connections=1: one session
 * carries everything).
 */
#ifndef NETSWAP_ISCSI_H
#define NETSWAP_ISCSI_H

#include <linux/blk-mq.h>
#include <linux/net.h>
#include <linux/workqueue.h>
#include <crypto/hash.h>
#include "../core/netswap.h"
#include "../proto/iscsi_pdu.h"
#include "../proto/iscsi_rx.h"
#include "../proto/iscsi_text.h"
#include "../proto/scsi.h"

#define NS_ISCSI_PORT		3260
/* What we declare as MaxRecvDataSegmentLength: Data-In PDUs up to this. */
#define NS_ISCSI_MAX_RECV_DSL	(256 * 1024)
#define NS_ISCSI_MAX_BURST	(256 * 1024)
#define NS_ISCSI_FIRST_BURST	(64 * 1024)
/*
 * The most one UNMAP covers, whatever the target allows: a discard of a
 * whole swap device at swapon comes as many, at most NETSWAP_MAX_DISCARDS
 * of them in flight, each done well within the I/O timeout even by a
 * target that writes zeros where it cannot unmap (64 MiB at 100 MB/s).
 */
#define NS_ISCSI_MAX_UNMAP_BYTES	(64 * 1024 * 1024)
/* Login and control PDUs' data segments land here. */
#define NS_ISCSI_CTL_BUF	8192
#define NS_ISCSI_SCSI_RETRIES	8
/* ITTs with this bit are ours, not blk-mq tags (pings, internal cmds). */
#define NS_ITT_INTERNAL		0x80000000u

/* Receive cursor: one PDU in progress (framing in proto/iscsi_rx.c). */
struct ns_iscsi_rx {
	struct iscsi_rx		fr;
	struct ns_iscsi_cmd	*cmd;		/* Data-In target, or NULL */
	u32			data_off;	/* Data-In: offset in request */
};

/* Transmit cursor: one PDU (header, data, padding, digest) in flight. */
struct ns_iscsi_tx {
	bool			busy;
	bool			more;		/* PDUs queued behind this one */
	struct ns_iscsi_cmd	*cmd;		/* its command, NULL for control */
	u8			hdr[ISCSI_BHS_LEN + ISCSI_DIGEST_LEN];
	u32			hdr_len, hdr_sent;
	u32			data_off;	/* offset in request */
	u32			data_len, data_sent;
	/*
	 * Data from this kernel buffer (a NOP echo, an UNMAP's parameter
	 * list) when set, else from @cmd's bio pages.
	 */
	const u8		*ctl_data;
	u8			trailer[3 + ISCSI_DIGEST_LEN];
	u32			trailer_len, trailer_sent;
};

/* Per-request state, in the blk-mq PDU. */
struct ns_iscsi_conn;

struct ns_iscsi_cmd {
	struct list_head	entry;		/* on conn->send_list */
	struct request		*rq;
	struct ns_iscsi_conn	*conn;		/* the session it goes on */
	u32			itt;
	u8			retries;
	bool			queued;		/* on send_list */
	bool			cmd_sent;	/* command PDU built */
	bool			done_pending;	/* response seen while sending */
	blk_status_t		done_status;
	u32			len;		/* EDTL */
	u32			imm_len;
	u32			unsol_end;	/* end of unsolicited data */
	u32			tx_off;		/* next unsolicited/R2T offset */
	u32			tx_end;		/* end of the current sequence */
	u32			data_sent;	/* writes: sent from 0, no gap */
	u32			ttt;		/* current R2T's tag */
	u32			data_sn;
	struct iscsi_datain_seq	din;		/* reads: what Data-In brought */
	struct netswap_rq_pos	tx_pos;		/* writes: data being sent */
	struct netswap_rq_pos	rx_pos;		/* reads: Data-In received */
	u8			cdb[SCSI_CDB_LEN];
	u8			cdb_len;
	/*
	 * Data-Out from here instead of the request's pages (an UNMAP's
	 * parameter list, in @param), or NULL.
	 */
	const u8		*kdata;
	u8			param[SCSI_UNMAP_PARAM_LEN];
};

struct ns_iscsi_conn {
	struct netswap_dev	*nd;
	struct socket		*sock;
	struct netswap_io	io;		/* io.work: all socket I/O */
	struct netswap_pinger	pinger;		/* NOP-Out */

	spinlock_t		lock;		/* send_list, ctl flags */
	struct list_head	send_hi;	/* reads, flushes, R2T data */
	struct list_head	send_lo;	/* writes */
	bool			dead;

	/* Session, set by login, then owned by io_work. */
	struct iscsi_login_cfg	login_cfg;
	struct iscsi_session_params params;
	u8			isid[6];
	u16			tsih;
	u32			cmd_sn;
	u32			exp_cmd_sn;
	u32			max_cmd_sn;
	u32			exp_stat_sn;
	u8			probe_seq;	/* low byte of the next probe's ITT */
	u64			lun;
	bool			hd_on;		/* digests active (after login) */
	bool			dd_on;

	/* Control PDUs owed, under lock. */
	bool			nop_reply_pending;
	u32			nop_reply_ttt;
	u64			nop_reply_lun;
	u32			nop_reply_len;
	u8			*nop_reply_buf;	/* a half of nop_buf */
	bool			ping_pending;	/* ping to send */
	u32			ping_itt;

	struct ns_iscsi_rx	rx;
	struct ns_iscsi_tx	tx;
	u8			*rx_buf;	/* NS_ISCSI_CTL_BUF */
	u8			*nop_buf;	/* NOP-Out echo data: 2 halves */
	char			*text_buf;	/* login text, NS_ISCSI_CTL_BUF */
	char			*text_rsp;	/* login response text */
	struct sockaddr_storage	redirect;	/* where a login redirect sends us */
	struct crypto_shash	*md5;
	bool			first_connect_done;
	/*
	 * The first session's: a second session of its own, to the same
	 * LUN, for the reads (connections=2), or NULL. Both are recovered
	 * together.
	 */
	struct ns_iscsi_conn	*reads;
	/*
	 * The first session's: per driver tag, the generation of the ITT
	 * last sent with it. A tag's ITT never repeats until its
	 * generation wraps (32768 commands with that tag), whatever
	 * request holds it: with an I/O scheduler, requests change tags.
	 */
	u16			*itt_gen;
};

/* login.c */
/* ns_iscsi_login(): the target redirected the login to conn->redirect. */
#define NS_LOGIN_REDIRECTED	1
/* Redirects one connect follows before it gives up. */
#define NS_LOGIN_MAX_REDIRECTS	3

int ns_iscsi_login(struct ns_iscsi_conn *conn);
int ns_iscsi_probe(struct ns_iscsi_conn *conn);
int ns_iscsi_logout_sync(struct ns_iscsi_conn *conn);

/* iscsi.c */
void ns_iscsi_update_sn(struct ns_iscsi_conn *conn,
			const struct iscsi_hdr_info *h);
u32 ns_iscsi_digest(const void *buf, size_t len);
int ns_iscsi_send_pdu_sync(struct ns_iscsi_conn *conn, u8 *bhs,
			   const void *data, u32 len);
int ns_iscsi_recv_pdu_sync(struct ns_iscsi_conn *conn,
			   struct iscsi_hdr_info *h, void *buf, u32 buflen);

#endif /* NETSWAP_ISCSI_H */
