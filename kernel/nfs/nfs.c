// SPDX-License-Identifier: GPL-2.0
/*
 * netswap NFS transport: the I/O path.
 *
 * Each request is one RPC on a TCP connection to the NFS service: READ
 * into the request's pages, WRITE from them with stable = FILE_SYNC. With
 * two connections (the default) WRITEs and COMMITs go over the first and
 * READs over the second: a page-in's call is never queued in a socket
 * behind megabytes of page-outs, nor its reply behind their replies. A
 * request completes only when its data is on the server's stable storage:
 * a WRITE the server answers UNSTABLE is followed by a COMMIT, and
 * completes only if the COMMIT's write verifier matches the WRITE's; a
 * different verifier means the server restarted and may have lost the
 * data, so the WRITE is sent again. DATA_SYNC needs no COMMIT: the data,
 * and what the server needs to find it, are on stable storage (RFC 1813;
 * only the file's times may not be). A FLUSH therefore has nothing left
 * to do. Each connection sends a NULL call every few seconds (see struct
 * ns_nfs_lane): a server that closes idle connections keeps these, and
 * one that stops answering is found while nothing else is in flight.
 *
 * All socket work runs in each connection's worker (core/sock.c, on
 * netswap_wq, WQ_MEM_RECLAIM, under PF_MEMALLOC), which asks this file
 * for the next call to send and where received bytes go. Each request's
 * call header is built in its PDU; replies are parsed in a buffer of the
 * connection, READ data is copied from the socket's queue straight into
 * the request's pages. After a reconnect, the core
 * requeues every started request and each is sent again with its original
 * XID, so the server's duplicate request cache sees a retransmission.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/sched/mm.h>
#include <linux/timekeeping.h>
#include <linux/random.h>
#include <net/sock.h>
#include <net/tcp.h>
#include "nfs.h"

#define NS_NFS_TX_BUDGET	16
#define NS_NFS_RX_BUDGET	64
#define NS_NFS_SCRATCH		4096
#define NS_NFS_JUKEBOX_MS	500

static const u8 ns_nfs_zero_pad[XDR_UNIT];

static inline struct ns_nfs_conn *ns_conn(struct netswap_dev *nd)
{
	return nd->tp;
}

static void ns_kick(struct ns_nfs_lane *lane)
{
	netswap_io_kick(&lane->io);
}

/* ---------------- calls ---------------- */

/*
 * A new XID: from a per-target counter that starts at a random value, so
 * that a server's duplicate request cache never takes a call of this
 * enable for one of an earlier one. Never 0 and never NS_XID_CTL.
 */
static void ns_cmd_new_xid(struct ns_nfs_conn *conn, struct ns_nfs_cmd *cmd)
{
	u32 xid;

	do {
		xid = (u32)atomic_inc_return(&conn->next_xid) & ~NS_XID_CTL;
	} while (!xid);
	cmd->xid = xid;
}

/* Build the record marker, RPC header and arguments in the PDU. */
static void ns_cmd_build(struct ns_nfs_conn *conn, struct ns_nfs_cmd *cmd)
{
	struct request *rq = cmd->rq;
	u64 off = 0;
	u32 len = 0, frag;
	bool write = false;
	struct xdr_enc x;
	u32 proc;

	if (cmd->stage == NS_NFS_PING) {
		proc = NFS3PROC_NULL;
	} else {
		off = (u64)blk_rq_pos(rq) << SECTOR_SHIFT;
		len = blk_rq_bytes(rq);
		if (cmd->stage == NS_NFS_COMMIT)
			proc = NFS3PROC_COMMIT;
		else if (req_op(rq) == REQ_OP_WRITE)
			proc = NFS3PROC_WRITE;
		else
			proc = NFS3PROC_READ;
	}

	xdr_enc_init(&x, cmd->hdr, sizeof(cmd->hdr));
	xdr_enc_reserve(&x, RPC_MARKER_LEN);
	rpc_encode_call(&x, cmd->xid, NFS_PROGRAM, NFS_V3, proc, &conn->cred);
	switch (proc) {
	case NFS3PROC_NULL:
		break;
	case NFS3PROC_READ:
		nfs3_encode_read(&x, &conn->fh, off, len);
		break;
	case NFS3PROC_WRITE:
		nfs3_encode_write(&x, &conn->fh, off, len, NFS3_FILE_SYNC);
		write = true;
		break;
	default:
		nfs3_encode_commit(&x, &conn->fh, off, len);
		break;
	}
	/* NS_NFS_CALL_HDR_MAX covers the largest header: cannot overflow. */
	WARN_ON_ONCE(x.overflow);
	cmd->hdr_len = x.used;
	frag = cmd->hdr_len - RPC_MARKER_LEN;
	if (write)
		frag += len + XDR_PAD(len);
	rpc_put_marker(cmd->hdr, frag, true);
}

/* Send @cmd's current call (again): from io_work, request started. */
static void ns_cmd_queue(struct ns_nfs_cmd *cmd)
{
	struct ns_nfs_lane *lane = cmd->lane;

	spin_lock_bh(&lane->lock);
	if (!lane->dead) {
		list_add_tail(&cmd->entry, &lane->send_hi);
		cmd->queued = true;
	}
	/* Dead: still started, so the core's requeue finds it. */
	spin_unlock_bh(&lane->lock);
}

static void ns_cmd_done(struct ns_nfs_conn *conn, struct ns_nfs_cmd *cmd,
			blk_status_t status)
{
	cmd->sent = false;
	netswap_complete_rq(conn->nd, cmd->rq, status);
}

/* Try the request again later as a new call (JUKEBOX and the like). */
static void ns_cmd_retry(struct ns_nfs_conn *conn, struct ns_nfs_cmd *cmd,
			 unsigned int delay_ms)
{
	struct netswap_dev *nd = conn->nd;

	if (++cmd->retries > NS_NFS_RETRIES) {
		nd_err_rl(nd, "request at %llu: gave up after %u retries\n",
			  (unsigned long long)blk_rq_pos(cmd->rq) << SECTOR_SHIFT,
			  NS_NFS_RETRIES);
		ns_cmd_done(conn, cmd, BLK_STS_IOERR);
		return;
	}
	cmd->sent = false;
	cmd->xid = 0;
	netswap_requeue_rq(nd, cmd->rq, delay_ms);
}

/* Send the request again at once as a new call, at @stage. */
static void ns_cmd_resend(struct ns_nfs_conn *conn, struct ns_nfs_cmd *cmd,
			  enum ns_nfs_stage stage)
{
	struct netswap_dev *nd = conn->nd;

	if (stage == NS_NFS_IO && ++cmd->retries > NS_NFS_RETRIES) {
		nd_err_rl(nd, "write at %llu: gave up after %u retries\n",
			  (unsigned long long)blk_rq_pos(cmd->rq) << SECTOR_SHIFT,
			  NS_NFS_RETRIES);
		ns_cmd_done(conn, cmd, BLK_STS_IOERR);
		return;
	}
	if (stage == NS_NFS_IO)
		atomic64_inc(&nd->stats.retries);
	cmd->stage = stage;
	cmd->sent = false;
	ns_cmd_new_xid(conn, cmd);
	ns_cmd_build(conn, cmd);
	ns_cmd_queue(cmd);
}

/* ---------------- transmit ---------------- */

static bool ns_tx_next(struct ns_nfs_lane *lane)
{
	struct ns_nfs_tx *tx = &lane->tx;
	struct ns_nfs_cmd *cmd = NULL;
	bool more;

	spin_lock_bh(&lane->lock);
	if (!list_empty(&lane->send_hi))
		cmd = list_first_entry(&lane->send_hi, struct ns_nfs_cmd,
				       entry);
	else if (!list_empty(&lane->send_lo))
		cmd = list_first_entry(&lane->send_lo, struct ns_nfs_cmd,
				       entry);
	if (cmd) {
		list_del_init(&cmd->entry);
		cmd->queued = false;
	}
	more = !list_empty(&lane->send_hi) || !list_empty(&lane->send_lo);
	spin_unlock_bh(&lane->lock);
	if (!cmd)
		return false;

	memset(tx, 0, sizeof(*tx));
	tx->cmd = cmd;
	tx->more = more;
	if (cmd->stage == NS_NFS_IO && req_op(cmd->rq) == REQ_OP_WRITE) {
		tx->data_len = blk_rq_bytes(cmd->rq);
		tx->pad_len = XDR_PAD(tx->data_len);
	}
	return true;
}

static int ns_send_kvec(struct ns_nfs_lane *lane, const void *buf, size_t len,
			bool more)
{
	struct kvec iov = { .iov_base = (void *)buf, .iov_len = len };
	struct msghdr msg = { .msg_flags = MSG_DONTWAIT | (more ? MSG_MORE : 0) };

	iov_iter_kvec(&msg.msg_iter, ITER_SOURCE, &iov, 1, len);
	return netswap_sock_send(lane->sock, &msg, len);
}

/* A call to send: the one under way, or the next. */
static bool ns_tx_ready(void *arg)
{
	struct ns_nfs_lane *lane = arg;

	return lane->tx.cmd || ns_tx_next(lane);
}

/*
 * netswap_io_ops.tx_push: the current call. Its last bytes go with
 * MSG_MORE when another call is queued behind it.
 */
static int ns_tx_push(void *arg)
{
	struct ns_nfs_lane *lane = arg;
	struct ns_nfs_tx *tx = &lane->tx;
	struct ns_nfs_cmd *cmd = tx->cmd;
	bool next = tx->more;
	int ret;

	while (tx->hdr_sent < cmd->hdr_len) {
		ret = ns_send_kvec(lane, cmd->hdr + tx->hdr_sent,
				   cmd->hdr_len - tx->hdr_sent,
				   tx->data_len || next);
		if (ret <= 0)
			return ret == -EAGAIN ? 0 : ret ? ret : -EPIPE;
		tx->hdr_sent += ret;
	}
	while (tx->data_sent < tx->data_len) {
		struct bio_vec bv;
		int flags = MSG_DONTWAIT | MSG_MORE;

		if (!netswap_rq_pos_at(&cmd->pos, cmd->rq, tx->data_sent, &bv))
			return -EIO;
		bv.bv_len = min(bv.bv_len, tx->data_len - tx->data_sent);
		if (tx->data_sent + bv.bv_len == tx->data_len &&
		    !tx->pad_len && !next)
			flags &= ~MSG_MORE;
		ret = netswap_sock_send_page(lane->sock, &bv, flags);
		if (ret <= 0)
			return ret == -EAGAIN ? 0 : ret ? ret : -EPIPE;
		tx->data_sent += ret;
	}
	while (tx->pad_sent < tx->pad_len) {
		ret = ns_send_kvec(lane, ns_nfs_zero_pad,
				   tx->pad_len - tx->pad_sent, next);
		if (ret <= 0)
			return ret == -EAGAIN ? 0 : ret ? ret : -EPIPE;
		tx->pad_sent += ret;
	}
	cmd->sent = true;
	hash_add(lane->calls, &cmd->hnode, cmd->xid);
	tx->cmd = NULL;
	return next ? NETSWAP_TX_MORE : NETSWAP_TX_SENT;
}

/* ---------------- receive ---------------- */

/* The call a reply answers, taken off the table: a duplicate is unknown. */
static struct ns_nfs_cmd *ns_take_cmd(struct ns_nfs_lane *lane, u32 xid)
{
	struct ns_nfs_cmd *cmd;

	hash_for_each_possible(lane->calls, cmd, hnode, xid) {
		if (cmd->xid == xid && cmd->sent) {
			hash_del(&cmd->hnode);
			return cmd;
		}
	}
	return NULL;
}

static int ns_rx_proto_err(struct ns_nfs_lane *lane, const char *what)
{
	nd_err_rl(lane->conn->nd, "protocol error: %s\n", what);
	return -EPROTO;
}

/* Between records. */
static void ns_rx_reset(struct ns_nfs_lane *lane)
{
	rpc_rx_init(&lane->rx.fr, lane->rx.hdr, sizeof(lane->rx.hdr),
		    NS_NFS_RX_REC_MAX);
	lane->rx.cmd = NULL;
}

static const char *ns_rq_what(struct ns_nfs_cmd *cmd)
{
	if (cmd->stage == NS_NFS_COMMIT)
		return "COMMIT";
	return req_op(cmd->rq) == REQ_OP_WRITE ? "WRITE" : "READ";
}

/* An NFS error status for @cmd. */
static void ns_rx_nfs_status(struct ns_nfs_conn *conn, struct ns_nfs_cmd *cmd,
			     u32 status)
{
	struct netswap_dev *nd = conn->nd;

	if (status == NFS3ERR_STALE || status == NFS3ERR_BADHANDLE) {
		/* Retrying cannot help: fail the target, visibly. */
		netswap_fatal(nd, -ESTALE, "file handle is stale (file removed or export changed on the server): disable and enable again");
		return;
	}
	if (nfs3_stat_transient(status)) {
		nd_warn_rl(nd, "%s at %llu: %s, retrying\n", ns_rq_what(cmd),
			   (unsigned long long)blk_rq_pos(cmd->rq) << SECTOR_SHIFT,
			   nfs3_stat_str(status));
		ns_cmd_retry(conn, cmd, NS_NFS_JUKEBOX_MS);
		return;
	}
	nd_err_rl(nd, "%s at %llu: %s\n", ns_rq_what(cmd),
		  (unsigned long long)blk_rq_pos(cmd->rq) << SECTOR_SHIFT,
		  nfs3_stat_str(status));
	ns_cmd_done(conn, cmd, BLK_STS_IOERR);
}

/* An RPC-level error for @cmd (the reply header said so). */
static void ns_rx_rpc_error(struct ns_nfs_conn *conn, struct ns_nfs_cmd *cmd,
			    const struct rpc_reply *r)
{
	char why[64];

	rpc_reply_str(r, why, sizeof(why));
	nd_err_rl(conn->nd, "%s at %llu: RPC: %s\n", ns_rq_what(cmd),
		  (unsigned long long)blk_rq_pos(cmd->rq) << SECTOR_SHIFT, why);
	if (r->reply_stat == RPC_MSG_ACCEPTED && r->stat == RPC_SYSTEM_ERR)
		ns_cmd_retry(conn, cmd, NS_NFS_JUKEBOX_MS);
	else
		ns_cmd_done(conn, cmd, BLK_STS_IOERR);
}

static void ns_rx_write_reply(struct ns_nfs_conn *conn, struct ns_nfs_cmd *cmd,
			      const struct nfs3_write_res *res)
{
	if (res->count < blk_rq_bytes(cmd->rq)) {
		/* Short write: simplest and safe to send it all again. */
		ns_cmd_resend(conn, cmd, NS_NFS_IO);
		return;
	}
	/* The decoder refused anything above FILE_SYNC. */
	if (res->committed != NFS3_UNSTABLE) {
		ns_cmd_done(conn, cmd, BLK_STS_OK);
		return;
	}
	/* Not on stable storage yet: COMMIT, then compare verifiers. */
	memcpy(cmd->verf, res->verf, sizeof(cmd->verf));
	ns_cmd_resend(conn, cmd, NS_NFS_COMMIT);
}

static void ns_rx_commit_reply(struct ns_nfs_conn *conn,
			       struct ns_nfs_cmd *cmd,
			       const struct nfs3_write_res *res)
{
	if (!memcmp(cmd->verf, res->verf, sizeof(cmd->verf))) {
		ns_cmd_done(conn, cmd, BLK_STS_OK);
		return;
	}
	nd_warn_rl(conn->nd, "write verifier changed (server restarted): writing %llu again\n",
		   (unsigned long long)blk_rq_pos(cmd->rq) << SECTOR_SHIFT);
	ns_cmd_resend(conn, cmd, NS_NFS_IO);
}

/*
 * Any answer to the NULL call shows the server alive: even an RPC error
 * (a server that refuses NULL would refuse the I/O too, and say so there).
 */
static void ns_rx_ping_reply(struct ns_nfs_lane *lane,
			     const struct rpc_reply *r)
{
	char why[64];

	if (rpc_reply_errno(r)) {
		rpc_reply_str(r, why, sizeof(why));
		nd_warn_rl(lane->conn->nd, "NULL ping answered: RPC: %s\n",
			   why);
	}
	spin_lock_bh(&lane->lock);
	netswap_pinger_answered(&lane->pinger);
	spin_unlock_bh(&lane->lock);
}

static int ns_rx_want(struct ns_nfs_lane *lane, size_t need)
{
	const char *why;

	if (rpc_rx_more(&lane->rx.fr, need, &why))
		return ns_rx_proto_err(lane, why);
	return 1;
}

static void ns_rx_read_done(struct ns_nfs_lane *lane);

/* The reply header so far is in rx.hdr: decode, or ask for more. */
static int ns_rx_parse(struct ns_nfs_lane *lane)
{
	struct ns_nfs_conn *conn = lane->conn;
	struct ns_nfs_rx *rx = &lane->rx;
	struct ns_nfs_cmd *cmd;
	struct nfs3_write_res wres;
	struct nfs3_read_res rres;
	struct rpc_reply r;
	struct xdr_dec d;
	int ret;

	xdr_dec_init(&d, rx->hdr, rx->fr.got);
	ret = rpc_decode_reply(&d, &r);
	if (ret == -EAGAIN)
		return ns_rx_want(lane, d.need);
	if (ret)
		return ns_rx_proto_err(lane, "malformed RPC reply");
	if (!rx->cmd) {
		rx->cmd = ns_take_cmd(lane, r.xid);
		if (!rx->cmd) {
			/* Late reply to a call we gave up on: drop it. */
			nd_warn_rl(conn->nd, "reply with unknown XID 0x%08x ignored\n",
				   r.xid);
			rpc_rx_skip(&rx->fr);
			return 1;
		}
	}
	cmd = rx->cmd;
	if (cmd->stage == NS_NFS_PING) {
		rpc_rx_skip(&rx->fr);
		ns_rx_ping_reply(lane, &r);
		return 1;
	}
	if (rpc_reply_errno(&r)) {
		rpc_rx_skip(&rx->fr);
		ns_rx_rpc_error(conn, cmd, &r);
		return 1;
	}

	if (cmd->stage == NS_NFS_COMMIT) {
		ret = nfs3_decode_commit(&d, &wres);
	} else if (req_op(cmd->rq) == REQ_OP_WRITE) {
		ret = nfs3_decode_write(&d, &wres);
	} else {
		ret = nfs3_decode_read(&d, &rres);
		wres.status = rres.status;
	}
	if (ret == -EAGAIN)
		return ns_rx_want(lane, d.need);
	if (ret)
		return ns_rx_proto_err(lane, "malformed NFS reply");

	rpc_rx_skip(&rx->fr);
	if (wres.status != NFS3_OK) {
		ns_rx_nfs_status(conn, cmd, wres.status);
		return 1;
	}
	if (cmd->stage == NS_NFS_COMMIT) {
		ns_rx_commit_reply(conn, cmd, &wres);
	} else if (req_op(cmd->rq) == REQ_OP_WRITE) {
		ns_rx_write_reply(conn, cmd, &wres);
	} else {
		if (rres.count > blk_rq_bytes(cmd->rq))
			return ns_rx_proto_err(lane, "READ returned more than asked");
		/* The data goes straight into the request's pages. */
		if (rpc_rx_data(&rx->fr, rres.count))
			ns_rx_read_done(lane);
	}
	return 1;
}

/* A READ's data and padding are in. */
static void ns_rx_read_done(struct ns_nfs_lane *lane)
{
	struct ns_nfs_conn *conn = lane->conn;
	struct ns_nfs_cmd *cmd = lane->rx.cmd;
	u32 len = lane->rx.fr.data_len;

	rpc_rx_skip(&lane->rx.fr);
	if (len == blk_rq_bytes(cmd->rq)) {
		ns_cmd_done(conn, cmd, BLK_STS_OK);
		return;
	}
	/* The file is as large as the disk: a short read is the server's. */
	nd_warn_rl(conn->nd, "short READ at %llu (%u of %u bytes), retrying\n",
		   (unsigned long long)blk_rq_pos(cmd->rq) << SECTOR_SHIFT,
		   len, blk_rq_bytes(cmd->rq));
	ns_cmd_retry(conn, cmd, NS_NFS_JUKEBOX_MS);
}

/*
 * netswap_io_ops.rx_next: where the stream's next bytes go. A READ's data
 * straight into its request's pages, what is skipped into the scratch
 * buffer, the rest into the framing's header buffer.
 */
static int ns_rx_next(void *arg, struct netswap_rx_buf *to)
{
	struct ns_nfs_lane *lane = arg;
	struct ns_nfs_rx *rx = &lane->rx;
	enum rpc_rx_sink sink;
	const char *why;
	u8 *buf;
	int ret;

	ret = rpc_rx_want(&rx->fr, &buf, &sink, &why);
	if (ret < 0)
		return ns_rx_proto_err(lane, why);
	if (!ret)	/* the header was refused: the connection is going */
		return -EPROTO;
	switch (sink) {
	case RPC_RX_TO_DATA:
		to->buf = NULL;
		if (!netswap_rq_pos_at(&rx->cmd->pos, rx->cmd->rq,
				       rx->fr.data_got, &to->bv))
			return ns_rx_proto_err(lane, "READ data past the request");
		to->len = min_t(u32, to->bv.bv_len, ret);
		break;
	case RPC_RX_DISCARD:
		to->buf = lane->scratch;
		to->len = min_t(u32, ret, NS_NFS_SCRATCH);
		break;
	default:
		to->buf = buf;
		to->len = ret;
		break;
	}
	return 0;
}

/* netswap_io_ops.rx_got: @n bytes landed where ns_rx_next() said. */
static int ns_rx_got(void *arg, const void *p, u32 n)
{
	struct ns_nfs_lane *lane = arg;
	struct ns_nfs_rx *rx = &lane->rx;
	int ret, err = 0;

	ret = rpc_rx_advance(&rx->fr, n);
	if (ret & RPC_RX_RECORD)
		rx->cmd = NULL;
	if (ret & RPC_RX_HEADER)
		err = ns_rx_parse(lane);
	else if (ret & RPC_RX_DATA_DONE)
		ns_rx_read_done(lane);
	if (err < 0)
		return err;
	return ret & RPC_RX_RECORD ? 1 : 0;
}

/* ---------------- liveness ---------------- */

/*
 * The pinger, under lane->lock: the NULL call again with a new XID. The
 * last one was answered (or the connection is new), so io_work is done
 * with it.
 */
static void ns_ping_queue(void *arg)
{
	struct ns_nfs_lane *lane = arg;
	struct ns_nfs_cmd *ping = &lane->ping;

	ns_cmd_new_xid(lane->conn, ping);
	ns_cmd_build(lane->conn, ping);
	ping->sent = false;
	list_add_tail(&ping->entry, &lane->send_hi);
	ping->queued = true;
}

/* ---------------- transport ops ---------------- */

static int ns_nfs_validate(struct netswap_dev *nd)
{
	struct netswap_cfg *cfg = &nd->cfg;

	if (!cfg->export[0]) {
		netswap_set_error(nd, "export is not set");
		return -EINVAL;
	}
	if (!cfg->file[0]) {
		netswap_set_error(nd, "file is not set");
		return -EINVAL;
	}
	return 0;
}

static void ns_nfs_free_lanes(struct ns_nfs_conn *conn)
{
	unsigned int i;

	for (i = 0; i < NS_NFS_LANES; i++)
		kfree(conn->lane[i].scratch);
}

static const struct netswap_io_ops ns_nfs_io_ops = {
	.tx_next	= ns_tx_ready,
	.tx_push	= ns_tx_push,
	.rx_next	= ns_rx_next,
	.rx_got		= ns_rx_got,
	.tx_budget	= NS_NFS_TX_BUDGET,
	.rx_budget	= NS_NFS_RX_BUDGET,
};

static int ns_nfs_alloc(struct netswap_dev *nd)
{
	struct ns_nfs_conn *conn;
	struct ns_nfs_lane *lane;
	unsigned int i;

	conn = kzalloc(sizeof(*conn), GFP_KERNEL);
	if (!conn)
		return -ENOMEM;
	conn->nd = nd;
	conn->nr_lanes = nd->cfg.connections == 1 ? 1 : NS_NFS_LANES;
	for (i = 0; i < NS_NFS_LANES; i++) {
		lane = &conn->lane[i];
		lane->conn = conn;
		spin_lock_init(&lane->lock);
		INIT_LIST_HEAD(&lane->send_hi);
		INIT_LIST_HEAD(&lane->send_lo);
		netswap_io_init(&lane->io, nd, &lane->dead, &ns_nfs_io_ops, lane);
		netswap_pinger_init(&lane->pinger, &lane->io, &lane->lock,
				    ns_ping_queue, lane,
				    "server stopped answering NULL pings");
		INIT_LIST_HEAD(&lane->ping.entry);
		INIT_HLIST_NODE(&lane->ping.hnode);
		lane->ping.lane = lane;
		lane->ping.stage = NS_NFS_PING;
		lane->dead = true;
		hash_init(lane->calls);
		if (i < conn->nr_lanes)
			lane->scratch = kmalloc(NS_NFS_SCRATCH, GFP_KERNEL);
		if (i < conn->nr_lanes && !lane->scratch)
			goto nomem;
	}
	atomic_set(&conn->next_xid, get_random_u32());
	conn->ctl_xid = get_random_u32();
	conn->ctl_buf = kmalloc(NS_NFS_CTL_BUF, GFP_KERNEL);
	if (!conn->ctl_buf)
		goto nomem;
	/* AUTH_SYS names this host; the server may log or check it. */
	strscpy(conn->machine, utsname()->nodename, sizeof(conn->machine));
	conn->cred.flavor = nd->cfg.auth_none ? RPC_AUTH_NONE : RPC_AUTH_SYS;
	conn->cred.stamp = (u32)ktime_get_real_seconds();
	conn->cred.machine = conn->machine;
	conn->cred.uid = nd->cfg.auth_uid;
	conn->cred.gid = nd->cfg.auth_gid;
	nd->tp = conn;
	return 0;

nomem:
	ns_nfs_free_lanes(conn);
	kfree(conn);
	return -ENOMEM;
}

static void ns_nfs_free(struct netswap_dev *nd)
{
	struct ns_nfs_conn *conn = ns_conn(nd);

	if (!conn)
		return;
	kfree(conn->ctl_buf);
	ns_nfs_free_lanes(conn);
	kfree(conn);
	nd->tp = NULL;
}

static int ns_nfs_init_request(struct netswap_dev *nd, struct request *rq)
{
	struct ns_nfs_cmd *cmd = blk_mq_rq_to_pdu(rq);

	INIT_LIST_HEAD(&cmd->entry);
	INIT_HLIST_NODE(&cmd->hnode);
	cmd->rq = rq;
	return 0;
}

static void ns_nfs_end_request(struct netswap_dev *nd, struct request *rq)
{
	struct ns_nfs_cmd *cmd = blk_mq_rq_to_pdu(rq);

	/* The next request on this tag is a new call, not a retransmission. */
	cmd->xid = 0;
	cmd->sent = false;
	cmd->retries = 0;
}

static void ns_lane_close(struct ns_nfs_lane *lane)
{
	struct ns_nfs_cmd *cmd, *tmp;
	struct hlist_node *htmp;
	int bkt;

	if (!lane->sock)
		return;
	netswap_io_detach(&lane->io, lane->sock);
	netswap_pinger_stop(&lane->pinger);
	netswap_io_stop(&lane->io);
	netswap_sock_release(lane->sock);
	lane->sock = NULL;

	/* The core requeues or fails every started request. */
	hash_for_each_safe(lane->calls, bkt, htmp, cmd, hnode)
		hash_del(&cmd->hnode);
	spin_lock_bh(&lane->lock);
	list_for_each_entry_safe(cmd, tmp, &lane->send_hi, entry) {
		list_del_init(&cmd->entry);
		cmd->queued = false;
	}
	list_for_each_entry_safe(cmd, tmp, &lane->send_lo, entry) {
		list_del_init(&cmd->entry);
		cmd->queued = false;
	}
	spin_unlock_bh(&lane->lock);
	ns_rx_reset(lane);
	memset(&lane->tx, 0, sizeof(lane->tx));
}

static int ns_nfs_connect(struct netswap_dev *nd)
{
	struct ns_nfs_conn *conn = ns_conn(nd);
	struct ns_nfs_lane *lane;
	unsigned int i;
	char astr[64];
	int ret;

	ret = conn->resolved ? ns_nfs_probe(conn) : ns_nfs_resolve(conn);
	if (ret)
		return ret;
	/* Setup ran on the first connection; the others carry only I/O. */
	conn->lane[0].sock = conn->sock;
	conn->sock = NULL;
	for (i = 1; i < conn->nr_lanes; i++) {
		ret = netswap_sock_connect(nd, &conn->lane[i].sock,
					   &conn->nfs_addr,
					   ns_nfs_setup_timeout(nd));
		if (ret) {
			while (i--) {
				netswap_sock_release(conn->lane[i].sock);
				conn->lane[i].sock = NULL;
			}
			return ret;
		}
	}
	if (!nd->disk) {
		nd->capacity = conn->size & PAGE_MASK;
		nd->block_size = SECTOR_SIZE;
		nd->max_io_bytes = rounddown(min3(conn->rtmax, conn->wtmax,
						  (u32)NS_NFS_MAX_IO),
					     PAGE_SIZE);
	}
	for (i = 0; i < conn->nr_lanes; i++) {
		lane = &conn->lane[i];
		ns_rx_reset(lane);
		memset(&lane->tx, 0, sizeof(lane->tx));
		/* The worker's socket is set before anything may kick it. */
		netswap_io_attach(&lane->io, lane->sock);
		WRITE_ONCE(lane->dead, false);
		netswap_pinger_start(&lane->pinger);
		ns_kick(lane);
	}
	netswap_format_addr(&conn->nfs_addr, astr, sizeof(astr));
	nd_info(nd, "NFSv3 %s:%s, file %s: %llu bytes, %u-byte transfers, AUTH_%s, %s\n",
		astr, nd->cfg.export, nd->cfg.file, conn->size,
		nd->max_io_bytes,
		conn->cred.flavor == RPC_AUTH_SYS ? "SYS" : "NONE",
		conn->nr_lanes > 1 ? "reads on a connection of their own" :
		"one connection");
	return 0;
}

static void ns_nfs_commit_rqs(struct netswap_dev *nd);

static blk_status_t ns_nfs_queue_rq(struct netswap_dev *nd, struct request *rq,
				    bool last)
{
	struct ns_nfs_conn *conn = ns_conn(nd);
	struct ns_nfs_cmd *cmd = blk_mq_rq_to_pdu(rq);
	struct ns_nfs_lane *lane;
	struct list_head *list;

	if (req_op(rq) == REQ_OP_FLUSH) {
		/* Every completed write is on stable storage already. */
		blk_mq_start_request(rq);
		netswap_complete_rq(nd, rq, BLK_STS_OK);
		/* The batch ends here: what it queued before goes now. */
		if (last)
			ns_nfs_commit_rqs(nd);
		return BLK_STS_OK;
	}
	/* A requeued request keeps its XID and stage: a retransmission. */
	if (!cmd->xid) {
		cmd->stage = NS_NFS_IO;
		ns_cmd_new_xid(conn, cmd);
	}
	cmd->sent = false;
	netswap_rq_pos_reset(&cmd->pos);
	ns_cmd_build(conn, cmd);
	if (req_op(rq) == REQ_OP_WRITE) {
		/* A COMMIT follows its WRITE on the same connection. */
		lane = &conn->lane[0];
		list = cmd->stage == NS_NFS_IO ? &lane->send_lo : &lane->send_hi;
	} else {
		lane = &conn->lane[conn->nr_lanes - 1];
		list = &lane->send_hi;
	}
	cmd->lane = lane;

	spin_lock_bh(&lane->lock);
	if (lane->dead) {
		spin_unlock_bh(&lane->lock);
		return BLK_STS_RESOURCE;
	}
	/* Started only once it is on a list the recovery path sees. */
	blk_mq_start_request(rq);
	list_add_tail(&cmd->entry, list);
	cmd->queued = true;
	spin_unlock_bh(&lane->lock);
	netswap_io_queued(&lane->io, last);
	return BLK_STS_OK;
}

static void ns_nfs_commit_rqs(struct netswap_dev *nd)
{
	struct ns_nfs_conn *conn = ns_conn(nd);
	unsigned int i;

	for (i = 0; i < conn->nr_lanes; i++)
		netswap_io_commit(&conn->lane[i].io);
}

static void ns_nfs_disconnect(struct netswap_dev *nd)
{
	struct ns_nfs_conn *conn = ns_conn(nd);
	unsigned int i;

	if (!conn)
		return;
	/* Stop every connection before closing any: no new call anywhere. */
	for (i = 0; i < conn->nr_lanes; i++) {
		spin_lock_bh(&conn->lane[i].lock);
		WRITE_ONCE(conn->lane[i].dead, true);
		spin_unlock_bh(&conn->lane[i].lock);
	}
	for (i = 0; i < conn->nr_lanes; i++)
		ns_lane_close(&conn->lane[i]);
}

/* NFSv3 has no session to end: the handle stays valid on the server. */
static void ns_nfs_logout(struct netswap_dev *nd)
{
}

const struct netswap_transport_ops netswap_nfs_ops = {
	.name		= "nfs",
	.cmd_size	= sizeof(struct ns_nfs_cmd),
	.default_port	= NFS_PORT,
	.validate	= ns_nfs_validate,
	.alloc		= ns_nfs_alloc,
	.free		= ns_nfs_free,
	.init_request	= ns_nfs_init_request,
	.connect	= ns_nfs_connect,
	.queue_rq	= ns_nfs_queue_rq,
	.commit_rqs	= ns_nfs_commit_rqs,
	.disconnect	= ns_nfs_disconnect,
	.logout		= ns_nfs_logout,
	.end_request	= ns_nfs_end_request,
};
