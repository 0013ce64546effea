// SPDX-License-Identifier: GPL-2.0
/*
 * netswap iSCSI transport: full feature phase.
 *
 * One session per target, or two with reads on the second. queue_rq only
 * builds the CDB in the request's PDU and links it on a send list; each
 * session's worker (core/sock.c, on a WQ_MEM_RECLAIM workqueue, under
 * PF_MEMALLOC) sends and receives in a bounded loop with non-blocking
 * socket calls, asking this file for the next PDU to send and where
 * received bytes go. Socket callbacks only schedule the worker (or
 * recovery). Data-In is copied from the socket's queue straight into the
 * bio's pages; write data is sent from them.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>
#include <linux/crc32c.h>
#include <linux/highmem.h>
#include <linux/random.h>
#include <linux/sched/mm.h>
#include <linux/slab.h>
#include <linux/utsname.h>
#include <net/sock.h>
#include <net/tcp.h>
#include "iscsi.h"
#include "../compat.h"

#define NS_TX_BUDGET		32	/* PDUs per io_work round */
#define NS_RX_BUDGET		64
#define NS_PING_ITT_BASE	(NS_ITT_INTERNAL | 0x70000000u)
#define NS_BUSY_DELAY_MS	100

static inline struct ns_iscsi_conn *ns_conn(struct netswap_dev *nd)
{
	return nd->tp;
}

static inline bool ns_sn_advance(u32 *cur, u32 val)
{
	if (nsp_sn_lt(*cur, val)) {
		*cur = val;
		return true;
	}
	return false;
}

/* Apply StatSN, ExpCmdSN and MaxCmdSN from a received PDU. */
void ns_iscsi_update_sn(struct ns_iscsi_conn *conn,
			const struct iscsi_hdr_info *h)
{
	bool has_status;

	switch (h->opcode) {
	case ISCSI_OP_SCSI_RSP:
	case ISCSI_OP_LOGOUT_RSP:
	case ISCSI_OP_TMF_RSP:
	case ISCSI_OP_TEXT_RSP:
		has_status = true;
		break;
	case ISCSI_OP_DATA_IN:
		has_status = h->flags & ISCSI_DATAIN_STATUS;
		break;
	case ISCSI_OP_NOP_IN:
		has_status = h->itt != ISCSI_RSVD_TAG;
		break;
	default:
		has_status = false;
		break;
	}
	if (has_status && nsp_sn_le(conn->exp_stat_sn, h->stat_sn))
		conn->exp_stat_sn = h->stat_sn + 1;

	/* MaxCmdSN < ExpCmdSN - 1 means "ignore both" (RFC 7143 4.2.2.1). */
	if (nsp_sn_lt(h->max_cmd_sn, h->exp_cmd_sn - 1))
		return;
	ns_sn_advance(&conn->exp_cmd_sn, h->exp_cmd_sn);
	ns_sn_advance(&conn->max_cmd_sn, h->max_cmd_sn);
}

static void ns_kick(struct ns_iscsi_conn *conn)
{
	netswap_io_kick(&conn->io);
}

/* ---------------- request data helpers ---------------- */

static u32 ns_rq_crc(struct request *rq, u32 off, u32 len, u32 crc)
{
	struct netswap_rq_pos pos = { };
	struct bio_vec bv;

	while (len && netswap_rq_pos_at(&pos, rq, off, &bv)) {
		u32 n = min(len, bv.bv_len);
		void *p = kmap_local_page(bv.bv_page);

		crc = crc32c(crc, p + bv.bv_offset, n);
		kunmap_local(p);
		off += n;
		len -= n;
	}
	return crc;
}

/* Does @cmd send data to the target: a write, or an UNMAP's parameters? */
static bool ns_cmd_is_out(const struct ns_iscsi_cmd *cmd)
{
	return req_op(cmd->rq) == REQ_OP_WRITE ||
	       req_op(cmd->rq) == REQ_OP_DISCARD;
}

/* The PDU's data is @cmd's bytes from @off: its own buffer or the bio's. */
static void ns_tx_set_data(struct ns_iscsi_tx *tx, struct ns_iscsi_cmd *cmd,
			   u32 off, u32 len)
{
	tx->cmd = cmd;
	tx->data_off = off;
	tx->data_len = len;
	tx->ctl_data = cmd->kdata ? cmd->kdata + off : NULL;
}

/* ---------------- transmit ---------------- */

static void ns_tx_finish_hdr(struct ns_iscsi_conn *conn)
{
	struct ns_iscsi_tx *tx = &conn->tx;

	tx->hdr_len = ISCSI_BHS_LEN;
	if (conn->hd_on) {
		nsp_put_le32(tx->hdr + ISCSI_BHS_LEN,
			     ns_iscsi_digest(tx->hdr, ISCSI_BHS_LEN));
		tx->hdr_len += ISCSI_DIGEST_LEN;
	}
	tx->hdr_sent = 0;
	tx->data_sent = 0;
	tx->trailer_sent = 0;
	tx->trailer_len = 0;
	if (tx->data_len) {
		u32 pad = ISCSI_PAD(tx->data_len);

		memset(tx->trailer, 0, sizeof(tx->trailer));
		tx->trailer_len = pad;
		if (conn->dd_on) {
			u32 crc;

			if (tx->ctl_data)
				crc = crc32c(~0u, tx->ctl_data, tx->data_len);
			else
				crc = ns_rq_crc(tx->cmd->rq, tx->data_off,
						tx->data_len, ~0u);
			crc = ~crc32c(crc, tx->trailer, pad);
			nsp_put_le32(tx->trailer + pad, crc);
			tx->trailer_len += ISCSI_DIGEST_LEN;
		}
	}
	tx->busy = true;
}

static void ns_build_cmd_pdu(struct ns_iscsi_conn *conn,
			     struct ns_iscsi_cmd *cmd)
{
	struct ns_iscsi_tx *tx = &conn->tx;
	bool write = ns_cmd_is_out(cmd);
	struct iscsi_scsi_cmd c = {
		.lun		= conn->lun,
		.itt		= cmd->itt,
		.edtl		= cmd->len,
		.cmd_sn		= conn->cmd_sn++,
		.exp_stat_sn	= conn->exp_stat_sn,
		.read		= req_op(cmd->rq) == REQ_OP_READ,
		.write		= write,
		.unsol_follows	= write && cmd->unsol_end > cmd->imm_len,
		.data_len	= write ? cmd->imm_len : 0,
		.cdb		= cmd->cdb,
		.cdb_len	= cmd->cdb_len,
	};

	iscsi_build_scsi_cmd(tx->hdr, &c);
	ns_tx_set_data(tx, cmd, 0, c.data_len);
	cmd->cmd_sent = true;
}

static void ns_build_data_out(struct ns_iscsi_conn *conn,
			      struct ns_iscsi_cmd *cmd)
{
	struct ns_iscsi_tx *tx = &conn->tx;
	u32 len = min(cmd->tx_end - cmd->tx_off, conn->params.max_xmit_dsl);
	struct iscsi_data_out d = {
		.lun		= conn->lun,
		.itt		= cmd->itt,
		.ttt		= cmd->ttt,
		.exp_stat_sn	= conn->exp_stat_sn,
		.data_sn	= cmd->data_sn++,
		.buffer_offset	= cmd->tx_off,
		.data_len	= len,
		.final		= cmd->tx_off + len == cmd->tx_end,
	};

	iscsi_build_data_out(tx->hdr, &d);
	ns_tx_set_data(tx, cmd, cmd->tx_off, len);
	cmd->tx_off += len;
}

/* Does @cmd still have PDUs to send after the one just built? */
static bool ns_cmd_has_tx(struct ns_iscsi_cmd *cmd)
{
	return cmd->tx_off < cmd->tx_end;
}

/* Choose the next PDU and build it in conn->tx. Control PDUs first. */
static bool ns_tx_next(struct ns_iscsi_conn *conn)
{
	struct ns_iscsi_tx *tx = &conn->tx;
	struct list_head *lists[] = { &conn->send_hi, &conn->send_lo };
	struct ns_iscsi_cmd *cmd;
	bool found = false;
	unsigned int i;

	tx->cmd = NULL;
	tx->ctl_data = NULL;
	tx->data_len = 0;

	spin_lock_bh(&conn->lock);
	if (conn->nop_reply_pending) {
		struct iscsi_nop_out n = {
			.lun = conn->nop_reply_lun, .itt = ISCSI_RSVD_TAG,
			.ttt = conn->nop_reply_ttt, .cmd_sn = conn->cmd_sn,
			.exp_stat_sn = conn->exp_stat_sn, .immediate = true,
			.data_len = conn->nop_reply_len,
		};

		iscsi_build_nop_out(tx->hdr, &n);
		tx->ctl_data = conn->nop_reply_buf;
		tx->data_len = n.data_len;
		conn->nop_reply_pending = false;
		found = true;
		goto out;
	}
	if (conn->ping_pending) {
		struct iscsi_nop_out n = {
			.lun = conn->lun, .itt = conn->ping_itt,
			.ttt = ISCSI_RSVD_TAG, .cmd_sn = conn->cmd_sn,
			.exp_stat_sn = conn->exp_stat_sn, .immediate = true,
		};

		iscsi_build_nop_out(tx->hdr, &n);
		conn->ping_pending = false;
		found = true;
		goto out;
	}
	for (i = 0; i < ARRAY_SIZE(lists) && !found; i++) {
		list_for_each_entry(cmd, lists[i], entry) {
			if (!cmd->cmd_sent) {
				/* CmdSN window closed: only data may go. */
				if (!nsp_sn_le(conn->cmd_sn, conn->max_cmd_sn))
					continue;
				ns_build_cmd_pdu(conn, cmd);
			} else {
				ns_build_data_out(conn, cmd);
			}
			if (!ns_cmd_has_tx(cmd)) {
				list_del_init(&cmd->entry);
				cmd->queued = false;
			}
			found = true;
			break;
		}
	}
out:
	tx->more = conn->nop_reply_pending || conn->ping_pending ||
		   !list_empty(&conn->send_hi) || !list_empty(&conn->send_lo);
	spin_unlock_bh(&conn->lock);
	if (found)
		ns_tx_finish_hdr(conn);
	return found;
}

/* A PDU to send: the one under way, or the next. */
static bool ns_tx_ready(void *arg)
{
	struct ns_iscsi_conn *conn = arg;

	return conn->tx.busy || ns_tx_next(conn);
}

static int ns_send_kvec(struct ns_iscsi_conn *conn, const void *buf,
			size_t len, bool more)
{
	struct kvec iov = { .iov_base = (void *)buf, .iov_len = len };
	struct msghdr msg = { .msg_flags = MSG_DONTWAIT | (more ? MSG_MORE : 0) };

	iov_iter_kvec(&msg.msg_iter, ITER_SOURCE, &iov, 1, len);
	return netswap_sock_send(conn->sock, &msg, len);
}

static int ns_send_page(struct ns_iscsi_conn *conn, struct bio_vec *bv,
			bool more)
{
	return netswap_sock_send_page(conn->sock, bv,
				      MSG_DONTWAIT | (more ? MSG_MORE : 0));
}

static void ns_cmd_done(struct ns_iscsi_conn *conn, struct ns_iscsi_cmd *cmd,
			blk_status_t status);
static void ns_cmd_retry(struct ns_iscsi_conn *conn, struct ns_iscsi_cmd *cmd,
			 unsigned int delay_ms);

/*
 * Push the current PDU: netswap_io_ops.tx_push. Its last bytes go with
 * MSG_MORE when another PDU is queued behind it.
 */
static int ns_tx_push(void *arg)
{
	struct ns_iscsi_conn *conn = arg;
	struct ns_iscsi_tx *tx = &conn->tx;
	bool next = tx->more;
	int ret;

	while (tx->hdr_sent < tx->hdr_len) {
		ret = ns_send_kvec(conn, tx->hdr + tx->hdr_sent,
				   tx->hdr_len - tx->hdr_sent,
				   tx->data_len || next);
		if (ret <= 0)
			return ret == -EAGAIN ? 0 : ret ? ret : -EPIPE;
		tx->hdr_sent += ret;
	}
	while (tx->data_sent < tx->data_len) {
		bool more = true;

		if (!tx->ctl_data) {
			struct bio_vec bv;

			if (!netswap_rq_pos_at(&tx->cmd->tx_pos, tx->cmd->rq,
					       tx->data_off + tx->data_sent, &bv))
				return -EIO;
			bv.bv_len = min(bv.bv_len, tx->data_len - tx->data_sent);
			if (tx->data_sent + bv.bv_len == tx->data_len)
				more = tx->trailer_len || next;
			ret = ns_send_page(conn, &bv, more);
		} else {
			ret = ns_send_kvec(conn, tx->ctl_data + tx->data_sent,
					   tx->data_len - tx->data_sent,
					   tx->trailer_len || next);
		}
		if (ret <= 0)
			return ret == -EAGAIN ? 0 : ret ? ret : -EPIPE;
		tx->data_sent += ret;
	}
	while (tx->trailer_sent < tx->trailer_len) {
		ret = ns_send_kvec(conn, tx->trailer + tx->trailer_sent,
				   tx->trailer_len - tx->trailer_sent, next);
		if (ret <= 0)
			return ret == -EAGAIN ? 0 : ret ? ret : -EPIPE;
		tx->trailer_sent += ret;
	}
	tx->busy = false;
	/* R2Ts come in offset order (DataSequenceInOrder): no gap to fill. */
	if (tx->cmd && tx->data_off <= tx->cmd->data_sent)
		tx->cmd->data_sent = max(tx->cmd->data_sent,
					 tx->data_off + tx->data_len);
	if (tx->cmd && tx->cmd->done_pending) {
		struct ns_iscsi_cmd *cmd = tx->cmd;

		tx->cmd = NULL;
		cmd->done_pending = false;
		if (cmd->done_status == BLK_STS_RESOURCE)
			ns_cmd_retry(conn, cmd, NS_BUSY_DELAY_MS);
		else
			ns_cmd_done(conn, cmd, cmd->done_status);
	}
	tx->cmd = NULL;
	return next ? NETSWAP_TX_MORE : NETSWAP_TX_SENT;
}

/* ---------------- completion ---------------- */

static struct ns_iscsi_cmd *ns_find_cmd(struct ns_iscsi_conn *conn, u32 itt)
{
	struct netswap_dev *nd = conn->nd;
	struct ns_iscsi_cmd *cmd;
	struct request *rq;
	u32 tag = itt & 0xffff;

	if (itt & NS_ITT_INTERNAL || !READ_ONCE(nd->disk) ||
	    tag >= nd->tag_set.queue_depth)
		return NULL;
	rq = blk_mq_tag_to_rq(nd->tag_set.tags[0], tag);
	if (!rq || !blk_mq_request_started(rq))
		return NULL;
	cmd = blk_mq_rq_to_pdu(rq);
	/* A command of the other session is none of this one's. */
	return cmd->itt == itt && cmd->conn == conn ? cmd : NULL;
}

static void ns_cmd_unlink(struct ns_iscsi_conn *conn, struct ns_iscsi_cmd *cmd)
{
	spin_lock_bh(&conn->lock);
	if (cmd->queued) {
		list_del_init(&cmd->entry);
		cmd->queued = false;
	}
	spin_unlock_bh(&conn->lock);
}

static void ns_cmd_done(struct ns_iscsi_conn *conn, struct ns_iscsi_cmd *cmd,
			blk_status_t status)
{
	ns_cmd_unlink(conn, cmd);
	/* Its PDU is half on the wire: finish sending it first. */
	if (conn->tx.busy && conn->tx.cmd == cmd) {
		cmd->done_pending = true;
		cmd->done_status = status;
		return;
	}
	cmd->retries = 0;
	netswap_complete_rq(conn->nd, cmd->rq, status);
}

static void ns_cmd_retry(struct ns_iscsi_conn *conn, struct ns_iscsi_cmd *cmd,
			 unsigned int delay_ms)
{
	ns_cmd_unlink(conn, cmd);
	if (conn->tx.busy && conn->tx.cmd == cmd) {
		/* Rare: finish the PDU first; RESOURCE marks a retry. */
		cmd->done_pending = true;
		cmd->done_status = BLK_STS_RESOURCE;
		return;
	}
	netswap_requeue_rq(conn->nd, cmd->rq, delay_ms);
}

static int ns_rx_proto_err(struct ns_iscsi_conn *conn, const char *what);

/*
 * The command's status arrived (@h: the Data-In with S or the SCSI
 * Response). Returns -EPROTO when a read reports GOOD without all of its
 * data: the connection is dropped and the read issued again.
 */
static int ns_cmd_status(struct ns_iscsi_conn *conn, struct ns_iscsi_cmd *cmd,
			 const struct iscsi_hdr_info *h, const u8 *sense_seg,
			 u32 sense_len)
{
	struct netswap_dev *nd = conn->nd;
	struct scsi_sense sense = { };
	u8 status = h->status;
	const char *why;

	if (h->opcode == ISCSI_OP_SCSI_RSP && h->response) {
		/* Target failure: retry like BUSY. */
		status = SCSI_STATUS_BUSY;
	}
	if (status == SCSI_STATUS_CHECK_CONDITION && sense_seg &&
	    iscsi_parse_sense_segment(sense_seg, sense_len, &sense) == -EPROTO) {
		/* Malformed: the connection goes, the command is issued again. */
		nd_err_rl(nd, "sector %llu: SCSI Response with SenseLength past its %u-byte data segment\n",
			  (unsigned long long)blk_rq_pos(cmd->rq), sense_len);
		return ns_rx_proto_err(conn, "sense length past the data segment");
	}

	switch (scsi_classify(status, &sense)) {
	case SCSI_DISP_OK:
		if (req_op(cmd->rq) == REQ_OP_READ &&
		    iscsi_datain_status_check(&cmd->din, h, &why)) {
			nd_err_rl(nd, "read at sector %llu: %s (%u of %u bytes, residual %u)\n",
				  (unsigned long long)blk_rq_pos(cmd->rq), why,
				  cmd->din.received, cmd->din.edtl, h->residual);
			return ns_rx_proto_err(conn, why);
		}
		/*
		 * An UNMAP's residual says nothing about the blocks: tgt
		 * reports its whole parameter list as an underflow. That the
		 * list was sent in full is what counts.
		 */
		if (req_op(cmd->rq) == REQ_OP_DISCARD &&
		    cmd->data_sent < cmd->len) {
			nd_err_rl(nd, "discard at sector %llu: UNMAP done before its parameters were sent\n",
				  (unsigned long long)blk_rq_pos(cmd->rq));
			return ns_rx_proto_err(conn, "UNMAP completed early");
		}
		if (req_op(cmd->rq) == REQ_OP_WRITE &&
		    iscsi_write_status_check(cmd->data_sent, cmd->len, h, &why)) {
			nd_err_rl(nd, "write at sector %llu: %s (%u of %u bytes sent, residual %u)\n",
				  (unsigned long long)blk_rq_pos(cmd->rq), why,
				  cmd->data_sent, cmd->len, h->residual);
			return ns_rx_proto_err(conn, why);
		}
		ns_cmd_done(conn, cmd, BLK_STS_OK);
		return 0;
	case SCSI_DISP_RETRY:
		if (++cmd->retries <= NS_ISCSI_SCSI_RETRIES) {
			ns_cmd_retry(conn, cmd,
				     sense.key == SCSI_SENSE_UNIT_ATTENTION ?
				     0 : NS_BUSY_DELAY_MS);
			return 0;
		}
		fallthrough;
	default:
		if (status == SCSI_STATUS_CHECK_CONDITION && !sense.valid)
			nd_err_rl(nd, "I/O error at sector %llu: CHECK CONDITION without usable sense data\n",
				  (unsigned long long)blk_rq_pos(cmd->rq));
		else
			nd_err_rl(nd, "I/O error at sector %llu: status 0x%02x, %s (%02x/%02x)\n",
				  (unsigned long long)blk_rq_pos(cmd->rq), status,
				  scsi_sense_key_str(sense.key), sense.asc,
				  sense.ascq);
		ns_cmd_done(conn, cmd, BLK_STS_IOERR);
	}
	return 0;
}

/* ---------------- receive ---------------- */

static int ns_rx_proto_err(struct ns_iscsi_conn *conn, const char *what)
{
	nd_err_rl(conn->nd, "protocol error: %s (opcode 0x%02x, itt 0x%08x)\n",
		  what, conn->rx.fr.h.opcode, conn->rx.fr.h.itt);
	return -EPROTO;
}

static u32 ns_crc32c(u32 crc, const void *p, size_t len)
{
	return crc32c(crc, p, len);
}

/* At a PDU boundary, for the digests negotiated. */
static void ns_rx_reset(struct ns_iscsi_conn *conn)
{
	iscsi_rx_init(&conn->rx.fr, conn->hd_on, conn->dd_on,
		      NS_ISCSI_MAX_RECV_DSL, NS_ISCSI_CTL_BUF, ns_crc32c);
	conn->rx.cmd = NULL;
	conn->rx.data_off = 0;
}

/* Header complete and checked by the framing: route its data segment. */
static int ns_rx_header(struct ns_iscsi_conn *conn)
{
	struct ns_iscsi_rx *rx = &conn->rx;
	struct iscsi_hdr_info *h = &rx->fr.h;
	struct ns_iscsi_cmd *cmd;
	const char *why;

	ns_iscsi_update_sn(conn, h);
	rx->cmd = NULL;
	if (h->opcode == ISCSI_OP_DATA_IN) {
		cmd = ns_find_cmd(conn, h->itt);
		if (!cmd || req_op(cmd->rq) != REQ_OP_READ)
			return ns_rx_proto_err(conn, "Data-In for no read");
		if (iscsi_datain_check(&cmd->din, h, &why))
			return ns_rx_proto_err(conn, why);
		rx->cmd = cmd;
		rx->data_off = h->buffer_offset;
	}
	return 0;
}

/* An R2T: queue the data it asks for. -EPROTO stops reception. */
static int ns_rx_r2t(struct ns_iscsi_conn *conn)
{
	struct iscsi_hdr_info *h = &conn->rx.fr.h;
	struct ns_iscsi_cmd *cmd = ns_find_cmd(conn, h->itt);

	if (!cmd || !ns_cmd_is_out(cmd) ||
	    h->buffer_offset >= cmd->len || !h->desired_len ||
	    h->desired_len > cmd->len - h->buffer_offset)
		return ns_rx_proto_err(conn, "bad R2T");
	spin_lock_bh(&conn->lock);
	cmd->ttt = h->ttt;
	cmd->tx_off = h->buffer_offset;
	cmd->tx_end = h->buffer_offset + h->desired_len;
	cmd->data_sn = 0;
	if (!cmd->queued) {
		list_add_tail(&cmd->entry, &conn->send_hi);
		cmd->queued = true;
	}
	spin_unlock_bh(&conn->lock);
	return 0;
}

static int ns_rx_async(struct ns_iscsi_conn *conn)
{
	struct iscsi_hdr_info *h = &conn->rx.fr.h;

	switch (h->async_event) {
	case ISCSI_ASYNC_LOGOUT_REQUEST:
		netswap_error(conn->nd, -ECONNABORTED,
			      "target requested logout");
		return -ECONNRESET;
	case ISCSI_ASYNC_DROP_CONN:
	case ISCSI_ASYNC_DROP_ALL:
		netswap_error(conn->nd, -ECONNABORTED,
			      "target is dropping the connection");
		return -ECONNRESET;
	default:
		return 0;
	}
}

/* PDU complete (data and digest checked): act on it. */
static int ns_rx_dispatch(struct ns_iscsi_conn *conn)
{
	struct ns_iscsi_rx *rx = &conn->rx;
	struct iscsi_hdr_info *h = &rx->fr.h;
	u32 keep = min_t(u32, h->data_len, NS_ISCSI_CTL_BUF);
	struct ns_iscsi_cmd *cmd;

	switch (h->opcode) {
	case ISCSI_OP_DATA_IN:
		cmd = rx->cmd;
		iscsi_datain_accept(&cmd->din, h);
		if (h->flags & ISCSI_DATAIN_STATUS)
			return ns_cmd_status(conn, cmd, h, NULL, 0);
		break;
	case ISCSI_OP_SCSI_RSP:
		cmd = ns_find_cmd(conn, h->itt);
		if (!cmd)
			return ns_rx_proto_err(conn, "response for no command");
		return ns_cmd_status(conn, cmd, h, conn->rx_buf, keep);
	case ISCSI_OP_R2T:
		return ns_rx_r2t(conn);
	case ISCSI_OP_NOP_IN:
		spin_lock_bh(&conn->lock);
		if (h->itt == conn->ping_itt)
			netswap_pinger_answered(&conn->pinger);
		if (h->ttt != ISCSI_RSVD_TAG) {
			/*
			 * The echo goes to the half of nop_buf that tx is not
			 * sending (tx runs in this same work item), so an
			 * echo being sent is never overwritten; a pending
			 * one not yet picked may be, by the newer ping.
			 */
			u8 *dst = conn->nop_buf;

			if (conn->tx.busy && conn->tx.ctl_data == dst)
				dst += NS_ISCSI_CTL_BUF;
			memcpy(dst, conn->rx_buf, keep);
			conn->nop_reply_buf = dst;
			conn->nop_reply_len = keep;
			conn->nop_reply_ttt = h->ttt;
			conn->nop_reply_lun = h->lun;
			conn->nop_reply_pending = true;
		}
		spin_unlock_bh(&conn->lock);
		break;
	case ISCSI_OP_ASYNC:
		return ns_rx_async(conn);
	case ISCSI_OP_REJECT:
		nd_err_rl(conn->nd, "target rejected a PDU (reason 0x%02x)\n",
			  h->reject_reason);
		return -EPROTO;
	default:
		/* Logout/Text/TMF responses: we never asked in this phase. */
		break;
	}
	return 0;
}

/*
 * netswap_io_ops.rx_next: where the stream's next bytes go. A Data-In's
 * data straight into its read's pages; everything else into the framing's
 * own buffers or rx_buf (control data: the framing keeps it to rx_buf's
 * size).
 */
static int ns_rx_next(void *arg, struct netswap_rx_buf *to)
{
	struct ns_iscsi_conn *conn = arg;
	struct ns_iscsi_rx *rx = &conn->rx;
	u8 *buf;
	u32 want = iscsi_rx_want(&rx->fr, &buf);

	/*
	 * Failed: the connection is on its way down, but the worker can run
	 * once more before it is; not a byte more for it.
	 */
	if (!want)
		return -EPROTO;
	if (buf) {
		to->buf = buf;
	} else if (rx->cmd) {
		to->buf = NULL;
		if (!netswap_rq_pos_at(&rx->cmd->rx_pos, rx->cmd->rq,
				       rx->data_off + rx->fr.got, &to->bv))
			return -EIO;
		want = min(want, to->bv.bv_len);
	} else {
		to->buf = conn->rx_buf + rx->fr.got;
	}
	to->len = want;
	return 0;
}

/* netswap_io_ops.rx_got: @n bytes are at @p; act on a PDU once it is whole. */
static int ns_rx_got(void *arg, const void *p, u32 n)
{
	struct ns_iscsi_conn *conn = arg;
	struct ns_iscsi_rx *rx = &conn->rx;
	const char *why = NULL;
	int ret, err;

	ret = iscsi_rx_advance(&rx->fr, p, n, &why);
	if (ret < 0)	/* the framing refused the stream */
		return why ? ns_rx_proto_err(conn, why) : ret;
	if (ret & ISCSI_RX_HEADER) {
		err = ns_rx_header(conn);
		if (err < 0) {
			iscsi_rx_fail(&rx->fr);
			return err;
		}
	}
	if (ret & ISCSI_RX_PDU)
		return ns_rx_dispatch(conn) ?: 1;
	return 0;
}

/* ---------------- liveness ---------------- */

/* The pinger, under conn->lock: a NOP-Out with a new ITT for tx to send. */
static void ns_ping_queue(void *arg)
{
	struct ns_iscsi_conn *conn = arg;

	conn->ping_itt = NS_PING_ITT_BASE | ((conn->ping_itt + 1) & 0xffff);
	conn->ping_pending = true;
}

/* ---------------- transport ops ---------------- */

static int ns_iscsi_validate(struct netswap_dev *nd)
{
	struct netswap_cfg *cfg = &nd->cfg;

	if (!cfg->target_name[0]) {
		netswap_set_error(nd, "target_name is not set");
		return -EINVAL;
	}
	if (!!cfg->auth_user[0] != !!cfg->auth_secret[0]) {
		netswap_set_error(nd, "CHAP needs both auth_user and auth_secret");
		return -EINVAL;
	}
	if (!!cfg->auth_target_user[0] != !!cfg->auth_target_secret[0]) {
		netswap_set_error(nd, "mutual CHAP needs both auth_target_user and auth_target_secret");
		return -EINVAL;
	}
	if (cfg->auth_target_secret[0] && !cfg->auth_secret[0]) {
		netswap_set_error(nd, "mutual CHAP needs auth_user and auth_secret too");
		return -EINVAL;
	}
	/* RFC 7143 12.1.3: each direction has its own secret. */
	if (cfg->auth_target_secret[0] &&
	    !strcmp(cfg->auth_target_secret, cfg->auth_secret)) {
		netswap_set_error(nd, "auth_target_secret must differ from auth_secret");
		return -EINVAL;
	}
	if (!cfg->initiator_name[0]) {
		/* A stable default so session reinstatement matches. */
		char *c;

		snprintf(cfg->initiator_name, sizeof(cfg->initiator_name),
			 "iqn.2026-11.org.netswap:%s", nd->name);
		/* iSCSI names are lowercase and have no '_'. */
		for (c = cfg->initiator_name; *c; c++)
			*c = *c == '_' ? '-' : tolower(*c);
		if (!iscsi_name_valid(cfg->initiator_name)) {
			cfg->initiator_name[0] = '\0';
			netswap_set_error(nd, "initiator_name is not set");
			return -EINVAL;
		}
	}
	return 0;
}

static void ns_iscsi_conn_free(struct ns_iscsi_conn *conn)
{
	if (!conn)
		return;
	crypto_free_shash(conn->md5);
	kfree(conn->itt_gen);
	kfree(conn->rx_buf);
	kfree(conn->nop_buf);
	kfree_sensitive(conn->text_buf);
	kfree(conn->text_rsp);
	kfree(conn);
}

static const struct netswap_io_ops ns_iscsi_io_ops = {
	.tx_next	= ns_tx_ready,
	.tx_push	= ns_tx_push,
	.rx_next	= ns_rx_next,
	.rx_got		= ns_rx_got,
	.tx_budget	= NS_TX_BUDGET,
	.rx_budget	= NS_RX_BUDGET,
};

/* One session's state; its own ISID, so the target sees another I_T nexus. */
static struct ns_iscsi_conn *ns_iscsi_conn_new(struct netswap_dev *nd)
{
	struct ns_iscsi_conn *conn;

	conn = kzalloc(sizeof(*conn), GFP_KERNEL);
	if (!conn)
		return NULL;
	conn->nd = nd;
	spin_lock_init(&conn->lock);
	INIT_LIST_HEAD(&conn->send_hi);
	INIT_LIST_HEAD(&conn->send_lo);
	netswap_io_init(&conn->io, nd, &conn->dead, &ns_iscsi_io_ops, conn);
	netswap_pinger_init(&conn->pinger, &conn->io, &conn->lock,
			    ns_ping_queue, conn,
			    "target stopped answering NOP-Out pings");
	conn->dead = true;
	conn->rx_buf = kmalloc(NS_ISCSI_CTL_BUF, GFP_KERNEL);
	conn->nop_buf = kmalloc(2 * NS_ISCSI_CTL_BUF, GFP_KERNEL);
	conn->text_buf = kmalloc(NS_ISCSI_CTL_BUF, GFP_KERNEL);
	conn->text_rsp = kmalloc(NS_ISCSI_CTL_BUF, GFP_KERNEL);
	if (!conn->rx_buf || !conn->nop_buf || !conn->text_buf ||
	    !conn->text_rsp)
		goto err;
	if (nd->cfg.auth_user[0]) {
		conn->md5 = crypto_alloc_shash("md5", 0, 0);
		if (IS_ERR(conn->md5)) {
			conn->md5 = NULL;
			netswap_set_error(nd, "CHAP needs MD5, which this kernel lacks");
			goto err;
		}
	}
	/* ISID type "random" (T=10b); kept for the target's lifetime. */
	get_random_bytes(conn->isid, sizeof(conn->isid));
	conn->isid[0] = 0x80 | (conn->isid[0] & 0x3f);
	conn->lun = iscsi_encode_lun(nd->cfg.lun);
	return conn;
err:
	ns_iscsi_conn_free(conn);
	return NULL;
}

static int ns_iscsi_alloc(struct netswap_dev *nd)
{
	struct ns_iscsi_conn *conn;

	conn = ns_iscsi_conn_new(nd);
	if (!conn)
		return -ENOMEM;
	conn->itt_gen = kcalloc(NETSWAP_QD_MAX, sizeof(*conn->itt_gen),
				GFP_KERNEL);
	if (!conn->itt_gen) {
		ns_iscsi_conn_free(conn);
		return -ENOMEM;
	}
	if (nd->cfg.connections != 1) {
		conn->reads = ns_iscsi_conn_new(nd);
		if (!conn->reads) {
			ns_iscsi_conn_free(conn);
			return -ENOMEM;
		}
		/* A sibling ISID: the first session's, qualifier's low bit flipped. */
		memcpy(conn->reads->isid, conn->isid, sizeof(conn->isid));
		conn->reads->isid[5] ^= 1;
	}
	nd->tp = conn;
	return 0;
}

static void ns_iscsi_free(struct netswap_dev *nd)
{
	struct ns_iscsi_conn *conn = ns_conn(nd);

	if (!conn)
		return;
	ns_iscsi_conn_free(conn->reads);
	ns_iscsi_conn_free(conn);
	nd->tp = NULL;
}

static int ns_iscsi_init_request(struct netswap_dev *nd, struct request *rq)
{
	struct ns_iscsi_cmd *cmd = blk_mq_rq_to_pdu(rq);

	INIT_LIST_HEAD(&cmd->entry);
	cmd->rq = rq;
	return 0;
}

static void ns_release_sock(struct ns_iscsi_conn *conn)
{
	netswap_sock_release(conn->sock);
	conn->sock = NULL;
}

/*
 * Log in on a new connection, and probe the LUN through it. Each connect
 * starts at the configured portal and follows up to NS_LOGIN_MAX_REDIRECTS
 * login redirects (a target's way of balancing its portals).
 */
static int ns_iscsi_session_up(struct ns_iscsi_conn *conn)
{
	const struct sockaddr_storage *addr = &conn->nd->cfg.addr;
	struct netswap_dev *nd = conn->nd;
	char astr[64];
	int ret, hops;

	for (hops = 0; ; hops++) {
		ret = netswap_sock_connect(nd, &conn->sock, addr,
					   min_t(u32, nd->cfg.io_timeout_ms,
						 15000));
		if (ret)
			return ret;
		ret = ns_iscsi_login(conn);
		if (ret != NS_LOGIN_REDIRECTED)
			break;
		ns_release_sock(conn);
		netswap_format_addr(&conn->redirect, astr, sizeof(astr));
		if (hops == NS_LOGIN_MAX_REDIRECTS) {
			netswap_set_error(nd, "login: redirected more than %d times (last to %s)",
					  NS_LOGIN_MAX_REDIRECTS, astr);
			return -ECONNREFUSED;
		}
		nd_info(nd, "login redirected to %s\n", astr);
		addr = &conn->redirect;
	}
	if (!ret)
		ret = ns_iscsi_probe(conn);
	if (ret) {
		ns_release_sock(conn);
		return ret;
	}
	conn->first_connect_done = true;
	return 0;
}

static void ns_iscsi_start_io(struct ns_iscsi_conn *conn)
{
	ns_rx_reset(conn);
	memset(&conn->tx, 0, sizeof(conn->tx));
	conn->nop_reply_pending = false;
	conn->ping_pending = false;
	/* The worker's socket is set before anything may kick it. */
	netswap_io_attach(&conn->io, conn->sock);
	WRITE_ONCE(conn->dead, false);
	netswap_pinger_start(&conn->pinger);
	ns_kick(conn);
}

static int ns_iscsi_connect(struct netswap_dev *nd)
{
	struct ns_iscsi_conn *conn = ns_conn(nd);
	int ret;

	ret = ns_iscsi_session_up(conn);
	if (ret)
		return ret;
	if (conn->reads) {
		/*
		 * The reads' session probes the LUN as a reconnect does: the
		 * same storage identity and capacity, or it fails.
		 */
		conn->reads->first_connect_done = true;
		ret = ns_iscsi_session_up(conn->reads);
		if (ret) {
			ns_release_sock(conn);
			return ret;
		}
		ns_iscsi_start_io(conn->reads);
	}
	ns_iscsi_start_io(conn);
	nd_info(nd, "logged in to %s (auth %s, digests %s/%s, burst %u/%u, R2T %s, immediate %s, %s)\n",
		nd->cfg.target_name,
		nd->cfg.auth_target_secret[0] ? "mutual CHAP" :
		nd->cfg.auth_user[0] ? "CHAP" : "none",
		conn->hd_on ? "crc32c" : "none",
		conn->dd_on ? "crc32c" : "none",
		conn->params.first_burst, conn->params.max_burst,
		conn->params.initial_r2t ? "yes" : "no",
		conn->params.immediate_data ? "yes" : "no",
		conn->reads ? "reads on a session of their own" :
		"one connection");
	return 0;
}

/*
 * @cmd sends @cmd->len bytes: as immediate data where the session allows
 * it, never as unsolicited Data-Out: with F set the target solicits the
 * rest with R2T, which keeps one data sequence per command whatever
 * InitialR2T says.
 */
static void ns_cmd_out_start(struct ns_iscsi_cmd *cmd,
			     const struct iscsi_session_params *p)
{
	if (p->immediate_data)
		cmd->imm_len = min3(cmd->len, p->first_burst, p->max_xmit_dsl);
	cmd->unsol_end = cmd->imm_len;
	cmd->tx_off = cmd->imm_len;
	cmd->tx_end = cmd->unsol_end;
}

static blk_status_t ns_iscsi_queue_rq(struct netswap_dev *nd,
				      struct request *rq, bool last)
{
	struct ns_iscsi_conn *conn = ns_conn(nd);
	struct ns_iscsi_cmd *cmd = blk_mq_rq_to_pdu(rq);
	u32 shift = ilog2(nd->block_size) - SECTOR_SHIFT;
	u64 lba = blk_rq_pos(rq) >> shift;
	u32 blocks = blk_rq_bytes(rq) >> ilog2(nd->block_size);
	struct iscsi_session_params *p;
	struct list_head *list;
	u16 gen;

	/*
	 * Unique per tag, not per request: a late or duplicated answer to a
	 * finished command must never match the next one on its tag.
	 */
	gen = ++conn->itt_gen[rq->tag] & 0x7fff;
	cmd->itt = (u32)gen << 16 | rq->tag;
	/* Writes and flushes on the first session, reads on their own. */
	if (req_op(rq) == REQ_OP_READ && conn->reads)
		conn = conn->reads;
	p = &conn->params;
	list = &conn->send_hi;
	cmd->conn = conn;
	cmd->cmd_sent = false;
	cmd->done_pending = false;
	cmd->data_sn = 0;
	cmd->ttt = ISCSI_RSVD_TAG;
	cmd->len = blk_rq_bytes(rq);
	iscsi_datain_start(&cmd->din, cmd->len);
	netswap_rq_pos_reset(&cmd->tx_pos);
	netswap_rq_pos_reset(&cmd->rx_pos);
	cmd->imm_len = 0;
	cmd->unsol_end = 0;
	cmd->tx_off = 0;
	cmd->tx_end = 0;
	cmd->data_sent = 0;
	cmd->kdata = NULL;

	switch (req_op(rq)) {
	case REQ_OP_READ:
		cmd->cdb_len = scsi_build_read16(cmd->cdb, lba, blocks);
		break;
	case REQ_OP_WRITE:
		cmd->cdb_len = scsi_build_write16(cmd->cdb, lba, blocks,
						  rq->cmd_flags & REQ_FUA);
		ns_cmd_out_start(cmd, p);
		list = &conn->send_lo;
		break;
	case REQ_OP_DISCARD:
		/*
		 * One descriptor: the disk takes one range per request, and
		 * at most what the target's Block Limits allow.
		 */
		cmd->len = scsi_build_unmap_params(cmd->param,
						   sizeof(cmd->param), lba,
						   blocks);
		if (WARN_ON_ONCE((int)cmd->len < 0))
			return BLK_STS_IOERR;
		cmd->kdata = cmd->param;
		cmd->cdb_len = scsi_build_unmap(cmd->cdb, cmd->len);
		ns_cmd_out_start(cmd, p);
		list = &conn->send_lo;
		break;
	default:
		cmd->cdb_len = scsi_build_sync_cache16(cmd->cdb, 0, 0);
		cmd->len = 0;
		break;
	}

	spin_lock_bh(&conn->lock);
	if (conn->dead) {
		spin_unlock_bh(&conn->lock);
		return BLK_STS_RESOURCE;
	}
	/* Started only once it is on a list the recovery path sees. */
	blk_mq_start_request(rq);
	list_add_tail(&cmd->entry, list);
	cmd->queued = true;
	spin_unlock_bh(&conn->lock);
	netswap_io_queued(&conn->io, last);
	return BLK_STS_OK;
}

static void ns_iscsi_commit_rqs(struct netswap_dev *nd)
{
	struct ns_iscsi_conn *conn = ns_conn(nd);

	netswap_io_commit(&conn->io);
	if (conn->reads)
		netswap_io_commit(&conn->reads->io);
}

/* Stop io_work and the pinger; the socket stays open. */
static void ns_stop_io(struct ns_iscsi_conn *conn)
{
	spin_lock_bh(&conn->lock);
	WRITE_ONCE(conn->dead, true);
	spin_unlock_bh(&conn->lock);
	netswap_io_detach(&conn->io, conn->sock);
	netswap_pinger_stop(&conn->pinger);
	netswap_io_stop(&conn->io);
}

static void ns_iscsi_session_close(struct ns_iscsi_conn *conn)
{
	struct ns_iscsi_cmd *cmd, *tmp;

	if (!conn->sock)
		return;
	ns_stop_io(conn);
	ns_release_sock(conn);

	/* The core requeues or fails every started request. */
	spin_lock_bh(&conn->lock);
	list_for_each_entry_safe(cmd, tmp, &conn->send_hi, entry) {
		list_del_init(&cmd->entry);
		cmd->queued = false;
	}
	list_for_each_entry_safe(cmd, tmp, &conn->send_lo, entry) {
		list_del_init(&cmd->entry);
		cmd->queued = false;
	}
	spin_unlock_bh(&conn->lock);
	ns_rx_reset(conn);
	memset(&conn->tx, 0, sizeof(conn->tx));
}

static void ns_iscsi_disconnect(struct netswap_dev *nd)
{
	struct ns_iscsi_conn *conn = ns_conn(nd);

	if (!conn)
		return;
	/* Stop both sessions before closing either: no new PDU anywhere. */
	if (conn->reads && conn->reads->sock)
		ns_stop_io(conn->reads);
	if (conn->sock)
		ns_stop_io(conn);
	if (conn->reads)
		ns_iscsi_session_close(conn->reads);
	ns_iscsi_session_close(conn);
}

static void ns_iscsi_session_logout(struct ns_iscsi_conn *conn)
{
	int ret;

	if (!conn->sock)
		return;
	ns_stop_io(conn);
	/* Only between PDUs: a half-received PDU would confuse the exchange. */
	if (conn->rx.fr.state != ISCSI_RX_BHS || conn->rx.fr.got ||
	    conn->tx.busy)
		return;
	netswap_sock_set_timeouts(conn->sock, 5000);
	ret = ns_iscsi_logout_sync(conn);
	if (ret)
		nd_warn(conn->nd, "logout failed (%d); closing the connection\n",
			ret);
}

static void ns_iscsi_logout(struct netswap_dev *nd)
{
	struct ns_iscsi_conn *conn = ns_conn(nd);

	if (!conn)
		return;
	if (conn->reads)
		ns_iscsi_session_logout(conn->reads);
	ns_iscsi_session_logout(conn);
}

const struct netswap_transport_ops netswap_iscsi_ops = {
	.name		= "iscsi",
	.cmd_size	= sizeof(struct ns_iscsi_cmd),
	.default_port	= NS_ISCSI_PORT,
	.validate	= ns_iscsi_validate,
	.alloc		= ns_iscsi_alloc,
	.free		= ns_iscsi_free,
	.init_request	= ns_iscsi_init_request,
	.connect	= ns_iscsi_connect,
	.queue_rq	= ns_iscsi_queue_rq,
	.commit_rqs	= ns_iscsi_commit_rqs,
	.disconnect	= ns_iscsi_disconnect,
	.logout		= ns_iscsi_logout,
};

MODULE_SOFTDEP("pre: md5 crc32c");
