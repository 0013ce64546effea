// SPDX-License-Identifier: GPL-2.0
/*
 * netswap iSCSI: synchronous phases of a connection — login (security and
 * operational negotiation, CHAP), the probe that reads the capacity, and
 * logout. These run at enable and in the recovery worker, with blocking
 * socket I/O bounded by the socket timeouts, before io_work takes over.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/crc32c.h>
#include <linux/delay.h>
#include <linux/inet.h>
#include <linux/random.h>
#include <crypto/algapi.h>
#include <crypto/hash.h>
#include "iscsi.h"
#include "../proto/chap.h"

#define NS_LOGIN_ITT		(NS_ITT_INTERNAL | 0x4c00)
#define NS_PROBE_ITT		(NS_ITT_INTERNAL | 0x5000)
#define NS_LOGOUT_ITT		(NS_ITT_INTERNAL | 0x4f00)
#define NS_LOGIN_MAX_PDUS	16
#define NS_CHAP_CHALLENGE_LEN	16	/* our challenge to the target */

u32 ns_iscsi_digest(const void *buf, size_t len)
{
	return ~crc32c(~0u, buf, len);
}

/* Send one PDU with blocking I/O; digests as negotiated. */
int ns_iscsi_send_pdu_sync(struct ns_iscsi_conn *conn, u8 *bhs,
			   const void *data, u32 len)
{
	static const u8 zero[4];
	u8 digest[ISCSI_DIGEST_LEN];
	u32 hlen = ISCSI_BHS_LEN;
	int ret;

	if (conn->hd_on) {
		nsp_put_le32(bhs + ISCSI_BHS_LEN,
			     ns_iscsi_digest(bhs, ISCSI_BHS_LEN));
		hlen += ISCSI_DIGEST_LEN;
	}
	ret = netswap_sock_send_all(conn->nd, conn->sock, bhs, hlen);
	if (ret || !len)
		return ret;
	ret = netswap_sock_send_all(conn->nd, conn->sock, data, len);
	if (!ret && ISCSI_PAD(len))
		ret = netswap_sock_send_all(conn->nd, conn->sock, zero, ISCSI_PAD(len));
	if (!ret && conn->dd_on) {
		u32 crc = crc32c(~0u, data, len);

		crc = ~crc32c(crc, zero, ISCSI_PAD(len));
		nsp_put_le32(digest, crc);
		ret = netswap_sock_send_all(conn->nd, conn->sock, digest,
					    ISCSI_DIGEST_LEN);
	}
	return ret;
}

/*
 * Receive one PDU with blocking I/O; its data segment goes to @buf. A
 * segment longer than @buflen is refused (-EMSGSIZE) before any of it is
 * read: no synchronous exchange has a use for one.
 */
int ns_iscsi_recv_pdu_sync(struct ns_iscsi_conn *conn,
			   struct iscsi_hdr_info *h, void *buf, u32 buflen)
{
	u8 hdr[ISCSI_BHS_LEN + ISCSI_DIGEST_LEN];
	u8 trailer[ISCSI_DIGEST_LEN];
	u32 hlen = ISCSI_BHS_LEN + (conn->hd_on ? ISCSI_DIGEST_LEN : 0);
	u32 left, crc = ~0u;
	int ret;

	ret = netswap_sock_recv_all(conn->nd, conn->sock, hdr, hlen);
	if (ret)
		return ret;
	if (conn->hd_on &&
	    nsp_get_le32(hdr + ISCSI_BHS_LEN) !=
	    ns_iscsi_digest(hdr, ISCSI_BHS_LEN))
		return -EBADMSG;
	ret = iscsi_parse_bhs(hdr, h);
	if (ret)
		return ret;
	if (h->data_len > buflen)
		return -EMSGSIZE;
	/* AHS (skipped), data and padding. */
	left = h->ahs_len;
	while (left) {
		u32 n = min_t(u32, left, sizeof(trailer));

		ret = netswap_sock_recv_all(conn->nd, conn->sock, trailer, n);
		if (ret)
			return ret;
		left -= n;
	}
	if (h->data_len) {
		ret = netswap_sock_recv_all(conn->nd, conn->sock, buf, h->data_len);
		if (ret)
			return ret;
		if (conn->dd_on)
			crc = crc32c(crc, buf, h->data_len);
	}
	left = ISCSI_PAD(h->data_len);
	if (left) {
		ret = netswap_sock_recv_all(conn->nd, conn->sock, trailer, left);
		if (ret)
			return ret;
		if (conn->dd_on)
			crc = crc32c(crc, trailer, left);
	}
	if (conn->dd_on && h->data_len) {
		ret = netswap_sock_recv_all(conn->nd, conn->sock, trailer,
					    ISCSI_DIGEST_LEN);
		if (ret)
			return ret;
		if (nsp_get_le32(trailer) != ~crc)
			return -EBADMSG;
	}
	return 0;
}

/*
 * A Login Response of class "redirection" (RFC 7143 11.13.5): the target
 * is at its TargetAddress for now (0x01) or for good (0x02). Only address
 * literals are followed: the kernel resolves no names.
 */
static int ns_login_redirect(struct ns_iscsi_conn *conn,
			     const struct iscsi_hdr_info *h, const char *text)
{
	struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)&conn->redirect;
	struct sockaddr_in *sin = (struct sockaddr_in *)&conn->redirect;
	struct netswap_dev *nd = conn->nd;
	char host[256];
	const char *v;
	size_t vlen;
	u16 port;

	v = iscsi_text_find(text, h->data_len, "TargetAddress", &vlen);
	if (!v) {
		netswap_set_error(nd, "login: target redirects without a TargetAddress");
		return -EPROTO;
	}
	if (iscsi_split_target_address(v, vlen, host, sizeof(host), &port)) {
		netswap_set_error(nd, "login: target redirects to a malformed TargetAddress");
		return -EPROTO;
	}
	memset(&conn->redirect, 0, sizeof(conn->redirect));
	if (in4_pton(host, -1, (u8 *)&sin->sin_addr.s_addr, '\0', NULL)) {
		sin->sin_family = AF_INET;
		sin->sin_port = htons(port);
	} else if (in6_pton(host, -1, sin6->sin6_addr.s6_addr, '\0', NULL)) {
		sin6->sin6_family = AF_INET6;
		sin6->sin6_port = htons(port);
	} else if (strchr(host, ':')) {
		/* fe80::1%eth0: a link-local address needs its interface. */
		netswap_set_error(nd, "login: target redirects to %s, an IPv6 address this kernel cannot parse (scoped addresses are not followed)",
				  host);
		return -EPROTO;
	} else {
		netswap_set_error(nd, "login: target redirects to %s, a host name: only addresses are followed",
				  host);
		return -EPROTO;
	}
	if (h->status_detail == 0x02)
		nd_warn_rl(nd, "target moved permanently to %s:%u: set its address to that\n",
			   host, port);
	return NS_LOGIN_REDIRECTED;
}

static int ns_login_pdu(struct ns_iscsi_conn *conn, u8 csg, u8 nsg,
			bool transit, u32 text_len, struct iscsi_hdr_info *h,
			u32 *rsp_len)
{
	struct netswap_dev *nd = conn->nd;
	struct iscsi_login_req req = {
		.tsih		= 0,
		.itt		= NS_LOGIN_ITT,
		.cid		= 0,
		.cmd_sn		= conn->cmd_sn,
		.exp_stat_sn	= conn->exp_stat_sn,
		.csg		= csg,
		.nsg		= nsg,
		.transit	= transit,
		.data_len	= text_len,
	};
	u8 bhs[ISCSI_BHS_LEN + ISCSI_DIGEST_LEN];
	struct iscsi_login_seq seq;
	const char *why;
	int ret;

	memcpy(req.isid, conn->isid, sizeof(req.isid));
	iscsi_build_login_req(bhs, &req);
	ret = ns_iscsi_send_pdu_sync(conn, bhs, conn->text_buf, text_len);
	if (ret)
		goto io_err;

	/*
	 * A response may span PDUs (C bit); ask for the rest with empty PDUs.
	 * Each must bring text, and the whole must fit the buffer.
	 */
	iscsi_login_start(&seq, NS_ISCSI_CTL_BUF);
	for (;;) {
		ret = ns_iscsi_recv_pdu_sync(conn, h, conn->text_rsp + seq.text,
					     seq.max_text - seq.text);
		if (ret == -EMSGSIZE) {
			netswap_set_error(nd, "login: target's text is longer than %u bytes",
					  seq.max_text);
			return -EPROTO;
		}
		if (ret)
			goto io_err;
		if (h->opcode != ISCSI_OP_LOGIN_RSP || h->itt != NS_LOGIN_ITT) {
			netswap_set_error(nd, "login: unexpected PDU 0x%02x from target",
					  h->opcode);
			return -EPROTO;
		}
		if (h->status_class == ISCSI_LOGIN_CLASS_REDIRECT &&
		    (h->status_detail == 0x01 || h->status_detail == 0x02))
			return ns_login_redirect(conn, h,
						 conn->text_rsp + seq.text);
		if (h->status_class != ISCSI_LOGIN_CLASS_SUCCESS) {
			const char *st = iscsi_login_status_str(h->status_class,
								h->status_detail);

			/*
			 * Targets answer an initiator their ACL does not list
			 * as if the target did not exist (tgt, LIO): name the
			 * initiator, the usual cause.
			 */
			if (h->status_class == ISCSI_LOGIN_CLASS_INITIATOR_ERR &&
			    (h->status_detail == ISCSI_LOGIN_DETAIL_NOT_FOUND ||
			     h->status_detail == ISCSI_LOGIN_DETAIL_FORBIDDEN))
				netswap_set_error(nd, "login: %s (or the target's ACL does not allow initiator %s)",
						  st, nd->cfg.initiator_name);
			else
				netswap_set_error(nd, "login: %s", st);
			return h->status_class == ISCSI_LOGIN_CLASS_INITIATOR_ERR &&
			       h->status_detail == ISCSI_LOGIN_DETAIL_AUTH_FAILED ?
			       -EACCES : -ECONNREFUSED;
		}
		if (iscsi_login_check(&seq, h, &why)) {
			netswap_set_error(nd, "login: target's response: %s", why);
			return -EPROTO;
		}
		iscsi_login_accept(&seq, h);
		conn->exp_stat_sn = h->stat_sn + 1;
		conn->exp_cmd_sn = h->exp_cmd_sn;
		conn->max_cmd_sn = h->max_cmd_sn;
		if (!(h->flags & ISCSI_LOGIN_C))
			break;
		req.data_len = 0;
		req.transit = false;
		req.exp_stat_sn = conn->exp_stat_sn;
		iscsi_build_login_req(bhs, &req);
		ret = ns_iscsi_send_pdu_sync(conn, bhs, NULL, 0);
		if (ret)
			goto io_err;
	}
	if (iscsi_login_text_check(&seq, conn->text_rsp, &why)) {
		netswap_set_error(nd, "login: target's response: %s", why);
		return -EPROTO;
	}
	*rsp_len = seq.text;
	return 0;

io_err:
	netswap_set_error(nd, "login: %s",
			  ret == -ETIMEDOUT ? "target did not answer" :
			  ret == -ETIME ? "setup deadline passed" :
			  ret == -EBADMSG ? "digest error" :
			  ret == -EPROTO ? "malformed PDU from target" :
			  "connection closed by target");
	return ret;
}

static int ns_login_parse(struct ns_iscsi_conn *conn, u32 len, u32 *reply)
{
	char err[NETSWAP_ERR_MAX - 8];
	size_t used = 0;
	int ret;

	ret = iscsi_text_parse(conn->text_rsp, len, &conn->login_cfg,
			       &conn->params, conn->text_buf, NS_ISCSI_CTL_BUF,
			       &used, err, sizeof(err));
	if (ret) {
		netswap_set_error(conn->nd, "login: %s", err);
		return ret;
	}
	*reply = used;
	return 0;
}

/* CHAP response (RFC 1994): MD5(id || secret || challenge). */
static int ns_chap_digest(struct ns_iscsi_conn *conn, u8 id,
			  const char *secret, const u8 *challenge, u32 clen,
			  u8 *out)
{
	SHASH_DESC_ON_STACK(desc, conn->md5);
	int ret;

	desc->tfm = conn->md5;
	ret = crypto_shash_init(desc);
	if (!ret)
		ret = crypto_shash_update(desc, &id, 1);
	if (!ret)
		ret = crypto_shash_update(desc, secret, strlen(secret));
	if (!ret)
		ret = crypto_shash_update(desc, challenge, clen);
	if (!ret)
		ret = crypto_shash_final(desc, out);
	shash_desc_zero(desc);
	return ret;
}

/*
 * Mutual CHAP: the target's answer to our challenge must name
 * auth_target_user and prove auth_target_secret.
 */
static int ns_chap_check_target(struct ns_iscsi_conn *conn, u32 len, u8 id,
				 const u8 *chal)
{
	struct netswap_dev *nd = conn->nd;
	u8 got[CHAP_MD5_LEN], want[CHAP_MD5_LEN];
	char *name = conn->rx_buf;	/* free during login */
	int ret;

	BUILD_BUG_ON(NS_ISCSI_CTL_BUF < CHAP_NAME_MAX + 1);
	if (chap_parse_response(conn->text_rsp, len, name, CHAP_NAME_MAX + 1,
				got)) {
		netswap_set_error(nd, "login: target did not answer our CHAP challenge (mutual CHAP)");
		return -EACCES;
	}
	if (strcmp(name, nd->cfg.auth_target_user)) {
		netswap_set_error(nd, "login: target calls itself \"%*pE\" in CHAP_N, not auth_target_user",
				  (int)min_t(size_t, strlen(name), 64), name);
		return -EACCES;
	}
	ret = ns_chap_digest(conn, id, nd->cfg.auth_target_secret, chal,
			     NS_CHAP_CHALLENGE_LEN, want);
	if (ret) {
		netswap_set_error(nd, "login: MD5 failed (%d)", ret);
		goto out;
	}
	if (crypto_memneq(got, want, CHAP_MD5_LEN)) {
		netswap_set_error(nd, "login: target failed mutual CHAP: its CHAP_R does not match auth_target_secret");
		ret = -EACCES;
	}
out:
	memzero_explicit(want, sizeof(want));
	return ret;
}

/*
 * CHAP exchange in the security stage (RFC 7143 12.1.3). With a target
 * secret, our own challenge (fresh random bytes for every login, never the
 * target's) goes with our response, and the target's answer is checked
 * before the login goes on.
 */
static int ns_login_chap(struct ns_iscsi_conn *conn, struct iscsi_hdr_info *h)
{
	struct netswap_dev *nd = conn->nd;
	bool mutual = nd->cfg.auth_target_secret[0];
	u8 chal[NS_CHAP_CHALLENGE_LEN];
	u8 digest[CHAP_MD5_LEN];
	struct chap_challenge *c;
	u32 len;
	int ret, n;
	u8 id;

	ret = chap_build_algorithms(conn->text_buf, NS_ISCSI_CTL_BUF);
	if (ret < 0)
		return ret;
	ret = ns_login_pdu(conn, ISCSI_STAGE_SECURITY, ISCSI_STAGE_OPERATIONAL,
			   false, ret, h, &len);
	if (ret)
		return ret;

	/* The challenge does not fit the stack; borrow the rx buffer. */
	BUILD_BUG_ON(sizeof(*c) > NS_ISCSI_CTL_BUF);
	c = (struct chap_challenge *)conn->rx_buf;
	if (chap_parse_challenge(conn->text_rsp, len, c)) {
		netswap_set_error(nd, "login: target sent no valid CHAP MD5 challenge");
		return -EPROTO;
	}
	ret = ns_chap_digest(conn, c->id, nd->cfg.auth_secret, c->challenge,
			     c->challenge_len, digest);
	get_random_bytes(&id, sizeof(id));
	/* Never answer the target with its own challenge (a reflection). */
	do {
		get_random_bytes(chal, sizeof(chal));
	} while (c->challenge_len == sizeof(chal) &&
		 !memcmp(chal, c->challenge, sizeof(chal)));
	memzero_explicit(c, sizeof(*c));
	if (ret) {
		netswap_set_error(nd, "login: MD5 failed (%d)", ret);
		return ret;
	}
	n = chap_build_response(conn->text_buf, NS_ISCSI_CTL_BUF,
				nd->cfg.auth_user, digest);
	memzero_explicit(digest, sizeof(digest));
	if (n < 0)
		return n;
	if (mutual) {
		ret = chap_build_challenge(conn->text_buf + n,
					   NS_ISCSI_CTL_BUF - n, id, chal,
					   sizeof(chal));
		if (ret < 0)
			return ret;
		n += ret;
	}
	ret = ns_login_pdu(conn, ISCSI_STAGE_SECURITY, ISCSI_STAGE_OPERATIONAL,
			   true, n, h, &len);
	memzero_explicit(conn->text_buf, NS_ISCSI_CTL_BUF);
	if (ret)
		return ret;
	if (!(h->flags & ISCSI_LOGIN_T)) {
		netswap_set_error(nd, "login: target did not accept the CHAP response");
		return -EACCES;
	}
	return mutual ? ns_chap_check_target(conn, len, id, chal) : 0;
}

/**
 * ns_iscsi_login() - log in on conn->sock and enter full feature phase
 * @conn: connection whose socket is connected
 *
 * Reuses the ISID so that a re-login reinstates the session (ERL 0).
 * Return: 0 or -errno with last_error set.
 */
int ns_iscsi_login(struct ns_iscsi_conn *conn)
{
	struct netswap_dev *nd = conn->nd;
	struct iscsi_login_cfg *cfg = &conn->login_cfg;
	char err[NETSWAP_ERR_MAX - 8];
	struct iscsi_hdr_info h;
	u32 len, reply;
	int ret, i;
	u8 csg;

	conn->hd_on = false;
	conn->dd_on = false;
	conn->exp_stat_sn = 0;
	get_random_bytes(&conn->cmd_sn, sizeof(conn->cmd_sn));

	cfg->initiator_name = nd->cfg.initiator_name;
	cfg->target_name = nd->cfg.target_name;
	cfg->chap = nd->cfg.auth_user[0] && nd->cfg.auth_secret[0];
	cfg->header_digest = nd->cfg.header_digest;
	cfg->data_digest = nd->cfg.data_digest;
	cfg->max_recv_dsl = NS_ISCSI_MAX_RECV_DSL;
	cfg->max_burst = NS_ISCSI_MAX_BURST;
	cfg->first_burst = NS_ISCSI_FIRST_BURST;
	cfg->immediate_data = true;
	cfg->initial_r2t = false;
	cfg->discovery = false;
	iscsi_params_init(&conn->params, cfg);

	/* Security stage. */
	ret = iscsi_text_build_security(conn->text_buf, NS_ISCSI_CTL_BUF, cfg);
	if (ret < 0) {
		netswap_set_error(nd, "login: initiator or target name is invalid");
		return -EINVAL;
	}
	ret = ns_login_pdu(conn, ISCSI_STAGE_SECURITY, ISCSI_STAGE_OPERATIONAL,
			   !cfg->chap, ret, &h, &len);
	if (ret)
		return ret;
	ret = ns_login_parse(conn, len, &reply);
	if (ret)
		return ret;
	if (cfg->chap) {
		/* Only CHAP was offered: the target must take it. */
		if (!conn->params.auth_chap) {
			netswap_set_error(nd, "login: target skipped authentication; CHAP is set, so the login stops");
			return -EACCES;
		}
		ret = ns_login_chap(conn, &h);
		if (ret)
			return ret;
	} else if (!(h.flags & ISCSI_LOGIN_T)) {
		netswap_set_error(nd, conn->params.auth_seen ?
				  "login: target wants authentication; set auth_user and auth_secret" :
				  "login: target did not leave the security stage");
		return -EACCES;
	}

	/* Operational stage: offer, then answer until the target transits. */
	csg = ISCSI_STAGE_OPERATIONAL;
	ret = iscsi_text_build_operational(conn->text_buf, NS_ISCSI_CTL_BUF,
					   cfg);
	if (ret < 0)
		return ret;
	len = ret;
	for (i = 0; i < NS_LOGIN_MAX_PDUS; i++) {
		ret = ns_login_pdu(conn, csg, ISCSI_STAGE_FFP, true, len, &h,
				   &len);
		if (ret)
			return ret;
		ret = ns_login_parse(conn, len, &reply);
		if (ret)
			return ret;
		if ((h.flags & ISCSI_LOGIN_T) && (h.flags & 3) == ISCSI_STAGE_FFP)
			break;
		len = reply;
	}
	if (i == NS_LOGIN_MAX_PDUS) {
		netswap_set_error(nd, "login: operational negotiation did not finish");
		return -EPROTO;
	}
	if (iscsi_text_check_digests(cfg, &conn->params, err, sizeof(err))) {
		netswap_set_error(nd, "login: %s", err);
		return -EPROTO;
	}
	if (conn->params.erl != 0 || conn->params.max_connections < 1) {
		netswap_set_error(nd, "login: target negotiated ErrorRecoveryLevel %u",
				  conn->params.erl);
		return -EPROTO;
	}

	conn->tsih = h.tsih;
	conn->hd_on = conn->params.header_digest;
	conn->dd_on = conn->params.data_digest;
	return 0;
}

/* One SCSI command without data-out, synchronously (probe only). */
static int ns_probe_cmd(struct ns_iscsi_conn *conn, const u8 *cdb, u8 cdb_len,
			u8 *buf, u32 buflen, struct scsi_sense *sense,
			u8 *status)
{
	/* Each probe command its own ITT: no late answer passes for the next. */
	u32 itt = NS_PROBE_ITT | conn->probe_seq++;
	struct iscsi_scsi_cmd c = {
		.lun		= conn->lun,
		.itt		= itt,
		.edtl		= buflen,
		.cmd_sn		= conn->cmd_sn++,
		.exp_stat_sn	= conn->exp_stat_sn,
		.read		= buflen != 0,
		.cdb		= cdb,
		.cdb_len	= cdb_len,
	};
	u8 bhs[ISCSI_BHS_LEN + ISCSI_DIGEST_LEN];
	struct iscsi_datain_seq din;
	struct iscsi_hdr_info h;
	const char *why;
	int ret, i;

	iscsi_datain_start(&din, buflen);
	memset(sense, 0, sizeof(*sense));
	iscsi_build_scsi_cmd(bhs, &c);
	ret = ns_iscsi_send_pdu_sync(conn, bhs, NULL, 0);
	if (ret)
		return ret;
	for (i = 0; i < 64; i++) {
		ret = ns_iscsi_recv_pdu_sync(conn, &h, conn->rx_buf,
					     NS_ISCSI_CTL_BUF);
		if (ret)
			return ret;
		ns_iscsi_update_sn(conn, &h);
		switch (h.opcode) {
		case ISCSI_OP_DATA_IN:
			if (h.itt != itt ||
			    h.data_len > NS_ISCSI_CTL_BUF ||
			    iscsi_datain_check(&din, &h, &why))
				return -EPROTO;
			memcpy(buf + h.buffer_offset, conn->rx_buf, h.data_len);
			iscsi_datain_accept(&din, &h);
			if (h.flags & ISCSI_DATAIN_STATUS) {
				*status = h.status;
				return 0;
			}
			break;
		case ISCSI_OP_SCSI_RSP:
			if (h.itt != itt)
				return -EPROTO;
			if (h.response)
				return -EIO;
			*status = h.status;
			if (h.status == SCSI_STATUS_CHECK_CONDITION &&
			    iscsi_parse_sense_segment(conn->rx_buf,
						      min_t(u32, h.data_len,
							    NS_ISCSI_CTL_BUF),
						      sense) == -EPROTO)
				return -EPROTO;
			return 0;
		case ISCSI_OP_NOP_IN:
			if (h.ttt != ISCSI_RSVD_TAG) {
				struct iscsi_nop_out n = {
					.lun = h.lun, .itt = ISCSI_RSVD_TAG,
					.ttt = h.ttt, .cmd_sn = conn->cmd_sn,
					.exp_stat_sn = conn->exp_stat_sn,
					.immediate = true,
				};

				iscsi_build_nop_out(bhs, &n);
				ret = ns_iscsi_send_pdu_sync(conn, bhs, NULL, 0);
				if (ret)
					return ret;
			}
			break;
		case ISCSI_OP_ASYNC:
			break;
		default:
			return -EPROTO;
		}
	}
	return -EPROTO;
}

/* What a failed probe command's error means, for last_error. */
static const char *ns_probe_err_str(int ret)
{
	switch (ret) {
	case -ETIMEDOUT:
		return "target did not answer";
	case -ETIME:
		return "setup deadline passed";
	case -EBADMSG:
		return "digest error";
	case -EPROTO:
		return "protocol error";
	default:
		return "transport error";
	}
}

/*
 * Run a probe command, again while the target is busy (BUSY, UNIT
 * ATTENTION, becoming ready, ...: up to NS_ISCSI_SCSI_RETRIES times, 100 ms
 * apart). Returns 0 for GOOD; 1 when the target refused it or stayed busy
 * (*@status and @sense say how); -errno when the command could not be
 * carried (last_error set).
 */
static int ns_probe_try(struct ns_iscsi_conn *conn, const u8 *cdb, u8 len,
			u8 *buf, u32 buflen, const char *what,
			struct scsi_sense *sense, u8 *status)
{
	int ret, i;

	*status = 0;
	for (i = 0; i < NS_ISCSI_SCSI_RETRIES; i++) {
		ret = ns_probe_cmd(conn, cdb, len, buf, buflen, sense, status);
		if (ret) {
			netswap_set_error(conn->nd, "%s: %s", what,
					  ns_probe_err_str(ret));
			return ret;
		}
		switch (scsi_classify(*status, sense)) {
		case SCSI_DISP_OK:
			return 0;
		case SCSI_DISP_RETRY:
			msleep(100);
			continue;
		default:
			return 1;
		}
	}
	return 1;
}

/* A probe command that must succeed; last_error says why it did not. */
static int ns_probe_retry(struct ns_iscsi_conn *conn, const u8 *cdb, u8 len,
			  u8 *buf, u32 buflen, const char *what)
{
	struct netswap_dev *nd = conn->nd;
	struct scsi_sense sense;
	u8 status;
	int ret;

	ret = ns_probe_try(conn, cdb, len, buf, buflen, what, &sense, &status);
	if (ret <= 0)
		return ret;
	if (scsi_classify(status, &sense) != SCSI_DISP_RETRY) {
		if (sense.key == SCSI_SENSE_ILLEGAL_REQUEST &&
		    sense.asc == 0x25) {
			netswap_set_error(nd, "LUN %u does not exist on the target",
					  nd->cfg.lun);
			return -ENODEV;
		}
		netswap_set_error(nd, "%s failed: status 0x%02x, sense %s (%02x/%02x)",
				  what, status, scsi_sense_key_str(sense.key),
				  sense.asc, sense.ascq);
		return -EIO;
	}
	if (status == SCSI_STATUS_CHECK_CONDITION && !sense.valid)
		netswap_set_error(nd, "%s failed: CHECK CONDITION without usable sense data",
				  what);
	else
		netswap_set_error(nd, "%s: target stayed busy", what);
	return -EBUSY;
}

/*
 * One VPD page, asked again while the target is busy, as the other probe
 * commands are: 0 with @buf filled, 1 when the target refuses the page,
 * -errno when the command could not be carried (last_error set).
 */
static int ns_probe_vpd(struct ns_iscsi_conn *conn, u8 page, u8 *buf,
			u16 len)
{
	struct scsi_sense sense;
	u8 cdb[SCSI_CDB_LEN], status;
	char what[24];
	int n;

	memset(buf, 0, len);
	n = scsi_build_inquiry_vpd(cdb, page, len);
	snprintf(what, sizeof(what), "INQUIRY (VPD 0x%02x)", page);
	return ns_probe_try(conn, cdb, n, buf, len, what, &sense, &status);
}

/*
 * The LUN's identity: the best designator of VPD page 0x83, else the unit
 * serial number (0x80), else "" when the target reports neither. Pages a
 * target does not support are not an error.
 */
static int ns_iscsi_identity(struct ns_iscsi_conn *conn, char *id, size_t len)
{
	static const u8 pages[] = { SCSI_VPD_DEVID, SCSI_VPD_SERIAL };
	u8 data[SCSI_VPD_LEN];
	int ret, i;

	id[0] = '\0';
	for (i = 0; i < ARRAY_SIZE(pages); i++) {
		ret = ns_probe_vpd(conn, pages[i], data, sizeof(data));
		if (ret < 0)
			return ret;
		if (ret)
			continue;
		if (pages[i] == SCSI_VPD_DEVID ?
		    !scsi_parse_vpd_devid(data, sizeof(data), id, len) :
		    !scsi_parse_vpd_serial(data, sizeof(data), id, len))
			return 0;
	}
	return 0;
}

/*
 * First connect: record the identity. Reconnect: the target must present
 * the same storage, or every page read from it would be another disk's:
 * a mismatch is fatal (no retry can bring the old storage back).
 */
static int ns_iscsi_check_identity(struct ns_iscsi_conn *conn)
{
	struct netswap_dev *nd = conn->nd;
	char id[NETSWAP_ID_MAX];
	int ret;

	ret = ns_iscsi_identity(conn, id, sizeof(id));
	if (ret)
		return ret;
	if (!conn->first_connect_done) {
		netswap_set_storage_id(nd, id);
		if (!id[0])
			nd_warn(nd, "LUN %u reports no device identifier (VPD 0x83/0x80): a replaced LUN cannot be told apart on reconnect\n",
				nd->cfg.lun);
		return 0;
	}
	return netswap_check_storage_id(nd, id);
}

/*
 * The largest write one R2T covers: its immediate data and one burst.
 * Each further burst would cost another round trip to the target before
 * its data may go (with tgt's defaults, 8 KiB immediate and 256 KiB
 * bursts: 264 KiB). Reads have no such cost, but one limit serves both.
 */
static u32 ns_iscsi_max_io(const struct iscsi_session_params *p)
{
	u32 imm = p->immediate_data ? min(p->first_burst, p->max_xmit_dsl) : 0;

	return clamp_t(u32, rounddown(imm + p->max_burst, PAGE_SIZE), PAGE_SIZE,
		       NETSWAP_MAX_IO_BYTES);
}

/*
 * Thin provisioning, read once at the first connect: a logical unit that
 * sets LBPME in READ CAPACITY(16) and LBPU in its Logical Block
 * Provisioning page, with UNMAP counts in its Block Limits page, gets a
 * disk that takes discards, each sent as one UNMAP of one descriptor.
 * A page the target refuses means no discard, not a failed enable; a
 * transport error fails the probe as any other command's does.
 */
static int ns_iscsi_probe_unmap(struct ns_iscsi_conn *conn, bool lbpme)
{
	static const u8 pages[] = { SCSI_VPD_LBP, SCSI_VPD_BLOCK_LIMITS };
	struct netswap_dev *nd = conn->nd;
	struct scsi_unmap_info u = { .lbpme = lbpme };
	u32 bs = nd->block_size, phys = max_t(u32, bs, 4096);
	u64 gran, max_bytes;
	u32 max_blocks;
	u8 data[64];
	int ret, i;

	nd->discard_max_bytes = 0;
	nd->discard_granularity = 0;
	nd->discard_alignment = 0;
	if (!lbpme)
		return 0;
	for (i = 0; i < ARRAY_SIZE(pages); i++) {
		ret = ns_probe_vpd(conn, pages[i], data, sizeof(data));
		if (ret < 0)
			return ret;
		if (ret ||
		    (pages[i] == SCSI_VPD_LBP ?
		     scsi_parse_vpd_lbp(data, sizeof(data), &u) :
		     scsi_parse_vpd_block_limits(data, sizeof(data), &u))) {
			nd_info(nd, "LUN %u is thin provisioned but has no usable VPD page 0x%02x: no discard\n",
				nd->cfg.lun, pages[i]);
			return 0;
		}
	}
	max_blocks = scsi_unmap_max_blocks(&u, NS_ISCSI_MAX_UNMAP_BYTES / bs);
	/* As sd does: never finer than a physical block. */
	gran = max_t(u64, (u64)u.granularity * bs, phys);
	max_bytes = rounddown((u64)max_blocks * bs, gran);
	if (!max_bytes) {
		nd_info(nd, "LUN %u is thin provisioned but takes no UNMAP (LBPU %d, at most %u blocks in %u descriptors, granularity %u): no discard\n",
			nd->cfg.lun, u.lbpu, u.max_lba, u.max_desc,
			u.granularity);
		return 0;
	}
	nd->discard_max_bytes = max_bytes;
	nd->discard_granularity = gran;
	if (u.ugavalid)
		nd->discard_alignment = ((u64)u.alignment * bs) % gran;
	nd_info(nd, "LUN %u is thin provisioned: discard by UNMAP, up to %llu KiB at %llu-byte granularity\n",
		nd->cfg.lun, max_bytes >> 10, gran);
	return 0;
}

/**
 * ns_iscsi_probe() - check the LUN, its identity and its capacity
 * @conn: logged-in connection, before io_work starts
 *
 * On the first connect the identity, capacity and block size are
 * recorded; on a reconnect the identity must be the same (else the target
 * fails for good) and the capacity and block size unchanged.
 */
int ns_iscsi_probe(struct ns_iscsi_conn *conn)
{
	struct netswap_dev *nd = conn->nd;
	struct scsi_inquiry_info inq;
	u8 cdb[SCSI_CDB_LEN], data[SCSI_INQUIRY_LEN];
	u32 block_len = 0;
	u64 blocks = 0;
	int ret, len;

	len = scsi_build_tur(cdb);
	ret = ns_probe_retry(conn, cdb, len, NULL, 0, "TEST UNIT READY");
	if (ret)
		return ret;

	if (!conn->first_connect_done) {
		memset(data, 0, sizeof(data));
		len = scsi_build_inquiry(cdb, sizeof(data));
		ret = ns_probe_retry(conn, cdb, len, data, sizeof(data),
				     "INQUIRY");
		if (ret)
			return ret;
		if (scsi_parse_inquiry(data, sizeof(data), &inq) ||
		    inq.peripheral_qualifier != 0 || inq.device_type != 0) {
			netswap_set_error(nd, "LUN %u is not a disk (type 0x%02x)",
					  nd->cfg.lun, inq.device_type);
			return -ENODEV;
		}
	}

	ret = ns_iscsi_check_identity(conn);
	if (ret)
		return ret;

	memset(data, 0, SCSI_RC16_LEN);
	len = scsi_build_read_capacity16(cdb, SCSI_RC16_LEN);
	ret = ns_probe_retry(conn, cdb, len, data, SCSI_RC16_LEN,
			     "READ CAPACITY(16)");
	if (ret)
		return ret;
	if (scsi_parse_read_capacity16(data, SCSI_RC16_LEN, &blocks,
				       &block_len)) {
		netswap_set_error(nd, "READ CAPACITY(16): invalid capacity (%llu blocks of %u bytes)",
				  blocks, block_len);
		return -EPROTO;
	}
	if (block_len > PAGE_SIZE) {
		netswap_set_error(nd, "LUN block size %u is larger than a page",
				  block_len);
		return -EINVAL;
	}
	if (!conn->first_connect_done) {
		nd->capacity = blocks * block_len;
		nd->block_size = block_len;
		nd->max_io_bytes = ns_iscsi_max_io(&conn->params);
		if (nd->capacity < PAGE_SIZE * 2) {
			netswap_set_error(nd, "LUN is too small (%llu bytes)",
					  nd->capacity);
			return -EINVAL;
		}
		return ns_iscsi_probe_unmap(conn,
					    scsi_rc16_lbpme(data, SCSI_RC16_LEN));
	} else if (blocks * block_len < nd->capacity ||
		   block_len != nd->block_size) {
		netswap_fatal(nd, -EIO, "LUN shrank or changed block size across reconnect: disable and enable again");
		return -EIO;
	}
	return 0;
}

/* Close the session; best effort, bounded by the socket timeout. */
int ns_iscsi_logout_sync(struct ns_iscsi_conn *conn)
{
	struct iscsi_logout_req l = {
		.itt		= NS_LOGOUT_ITT,
		.cid		= 0,
		.cmd_sn		= conn->cmd_sn,
		.exp_stat_sn	= conn->exp_stat_sn,
		.reason		= ISCSI_LOGOUT_CLOSE_SESSION,
		.immediate	= true,
	};
	u8 bhs[ISCSI_BHS_LEN + ISCSI_DIGEST_LEN];
	struct iscsi_hdr_info h;
	int ret, i;

	iscsi_build_logout_req(bhs, &l);
	ret = ns_iscsi_send_pdu_sync(conn, bhs, NULL, 0);
	for (i = 0; !ret && i < 64; i++) {
		ret = ns_iscsi_recv_pdu_sync(conn, &h, conn->rx_buf,
					     NS_ISCSI_CTL_BUF);
		if (!ret && h.opcode == ISCSI_OP_LOGOUT_RSP)
			return h.response ? -EIO : 0;
	}
	return ret ? ret : -EPROTO;
}
