// SPDX-License-Identifier: GPL-2.0
/*
 * swapctl discover iscsi://HOST[:PORT] | nfs://HOST[:PORT]: what an iSCSI
 * portal offers, as ready-to-use URLs with their sizes, or what an NFS
 * server exports (its MOUNT service's EXPORT list). A discovery session asks for
 * SendTargets=All; then each target is logged in to through the same
 * portal (the addresses a target advertises may not be reachable from
 * here: NAT, a portal bound to a private address) and asked REPORT LUNS
 * and READ CAPACITY(16) for each LUN.
 *
 * Discovery is not on the swap path: it runs over an ordinary socket from
 * userspace, with the codecs the module uses (kernel/proto: PDUs, login
 * keys, SCSI), written once. Each login offers no authentication and no
 * digests, and the defaults serve a few small reads. Every socket call
 * has a 10 s timeout.
 */
#include <errno.h>
#include <getopt.h>
#include <netdb.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>
#include <libsmartcols.h>
#include "nsp_types.h"
#include "iscsi_pdu.h"
#include "iscsi_text.h"
#include "scsi.h"
#include "xdr.h"
#include "rpc.h"
#include "nfs3.h"
#include "swapctl.h"

#define NS_DISC_TIMEOUT_S	10
#define NS_DISC_DATA_MAX	65536	/* a PDU's data, a SendTargets answer */
#define NS_DISC_MAX_LUNS	256
#define NS_DISC_MAX_PDUS	64	/* login or text answers per exchange */

struct ns_isess {
	int		fd;
	u32		cmd_sn;
	u32		exp_stat_sn;
	u32		itt;
	u8		isid[6];
	const char	*portal;	/* "host:port", for messages */
	char		err[512];
	u8		data[NS_DISC_DATA_MAX];
};

static int ns_fail(struct ns_isess *s, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static int ns_fail(struct ns_isess *s, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(s->err, sizeof(s->err), fmt, ap);
	va_end(ap);
	return -1;
}

static int ns_xfer(struct ns_isess *s, void *buf, size_t n, int wr)
{
	u8 *p = buf;
	ssize_t r;

	while (n) {
		r = wr ? send(s->fd, p, n, MSG_NOSIGNAL) : recv(s->fd, p, n, 0);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return ns_fail(s, "%s: %s", s->portal,
				       errno == EAGAIN ? "no answer within 10 s" :
				       strerror(errno));
		if (r == 0)
			return ns_fail(s, "%s: connection closed by the target",
				       s->portal);
		p += r;
		n -= (size_t)r;
	}
	return 0;
}

static int ns_send_pdu(struct ns_isess *s, const u8 *bhs, const void *data,
		       u32 len)
{
	static const u8 pad[4];

	if (ns_xfer(s, (void *)bhs, ISCSI_BHS_LEN, 1) ||
	    (len && ns_xfer(s, (void *)data, len, 1)) ||
	    (ISCSI_PAD(len) && ns_xfer(s, (void *)pad, ISCSI_PAD(len), 1)))
		return -1;
	return 0;
}

/* One PDU: its header in @h, its data (up to NS_DISC_DATA_MAX) in s->data. */
static int ns_recv_pdu(struct ns_isess *s, struct iscsi_hdr_info *h)
{
	u8 bhs[ISCSI_BHS_LEN], skip[4];
	u32 ahs;

	if (ns_xfer(s, bhs, sizeof(bhs), 0))
		return -1;
	if (iscsi_parse_bhs(bhs, h))
		return ns_fail(s, "%s: malformed PDU from the target", s->portal);
	for (ahs = h->ahs_len; ahs; ahs -= 4)
		if (ns_xfer(s, skip, 4, 0))
			return -1;
	if (h->data_len > NS_DISC_DATA_MAX)
		return ns_fail(s, "%s: the target sent %u bytes in one PDU",
			       s->portal, h->data_len);
	if (ns_xfer(s, s->data, h->data_len, 0) ||
	    (ISCSI_PAD(h->data_len) &&
	     ns_xfer(s, skip, ISCSI_PAD(h->data_len), 0)))
		return -1;
	/* StatSN is valid in responses, and in a Data-In with status. */
	if (h->opcode == ISCSI_OP_SCSI_RSP || h->opcode == ISCSI_OP_TEXT_RSP ||
	    h->opcode == ISCSI_OP_LOGOUT_RSP ||
	    (h->opcode == ISCSI_OP_DATA_IN && (h->flags & ISCSI_DATAIN_STATUS)))
		s->exp_stat_sn = h->stat_sn + 1;
	return 0;
}

static int ns_iconnect(struct ns_isess *s, const char *host, u16 port)
{
	struct timeval tv = { .tv_sec = NS_DISC_TIMEOUT_S };
	struct addrinfo hints = { .ai_socktype = SOCK_STREAM }, *res, *ai;
	char svc[8];
	int r;

	snprintf(svc, sizeof(svc), "%u", port);
	r = getaddrinfo(host, svc, &hints, &res);
	if (r)
		return ns_fail(s, "%s: %s", host, gai_strerror(r));
	s->fd = -1;
	for (ai = res; ai; ai = ai->ai_next) {
		s->fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC,
			       ai->ai_protocol);
		if (s->fd < 0)
			continue;
		setsockopt(s->fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
		setsockopt(s->fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
		if (!connect(s->fd, ai->ai_addr, ai->ai_addrlen))
			break;
		r = errno;
		close(s->fd);
		s->fd = -1;
		errno = r;
	}
	freeaddrinfo(res);
	if (s->fd < 0)
		return ns_fail(s, "%s: cannot connect: %s", s->portal,
			       errno == EINPROGRESS || errno == EAGAIN ?
			       "timed out" : strerror(errno));
	return 0;
}

/*
 * Log in, security stage straight to full feature phase (through the
 * operational stage if the target insists on it), no authentication.
 * @target NULL: a discovery session.
 */
static int ns_ilogin(struct ns_isess *s, const char *initiator,
		     const char *target)
{
	struct iscsi_login_cfg cfg = {
		.initiator_name = initiator,
		.target_name = target,
		.discovery = !target,
		.max_recv_dsl = ISCSI_DEF_DSL,
		.max_burst = ISCSI_DEF_MAX_BURST,
		.first_burst = ISCSI_DEF_FIRST_BURST,
		.initial_r2t = true,
	};
	struct iscsi_session_params p;
	struct iscsi_login_req req = { .csg = ISCSI_STAGE_SECURITY,
				       .nsg = ISCSI_STAGE_OPERATIONAL,
				       .transit = true };
	char text[1024], reply[1024], why[256];
	struct iscsi_hdr_info h;
	size_t used;
	int n, i;

	iscsi_params_init(&p, &cfg);
	n = iscsi_text_build_security(text, sizeof(text), &cfg);
	if (n < 0)
		return ns_fail(s, "initiator name %s or target name is not a valid iSCSI name",
			       initiator);
	if (getrandom(s->isid + 1, sizeof(s->isid) - 1, 0) !=
	    (ssize_t)sizeof(s->isid) - 1)
		return ns_fail(s, "getrandom: %s", strerror(errno));
	s->isid[0] = 0x80;		/* random qualifier (RFC 7143 11.12.5) */
	for (i = 0; i < NS_DISC_MAX_PDUS; i++) {
		u8 bhs[ISCSI_BHS_LEN];

		memcpy(req.isid, s->isid, sizeof(req.isid));
		req.cmd_sn = s->cmd_sn;
		req.exp_stat_sn = s->exp_stat_sn;
		req.data_len = (u32)n;
		iscsi_build_login_req(bhs, &req);
		if (ns_send_pdu(s, bhs, text, (u32)n) || ns_recv_pdu(s, &h)) {
			/* LIO hangs up on a login without the CHAP it wants. */
			if (req.csg == ISCSI_STAGE_SECURITY &&
			    strstr(s->err, "connection closed"))
				strncat(s->err, " at login (a target that wants CHAP does that: swapctl discover logs in without authentication)",
					sizeof(s->err) - strlen(s->err) - 1);
			return -1;
		}
		if (h.opcode != ISCSI_OP_LOGIN_RSP)
			return ns_fail(s, "%s: login: unexpected PDU 0x%02x",
				       s->portal, h.opcode);
		if (h.status_class)
			return ns_fail(s, "%s: login%s%s: %s", s->portal,
				       target ? " to " : "", target ? target : "",
				       iscsi_login_status_str(h.status_class,
							      h.status_detail));
		s->exp_stat_sn = h.stat_sn + 1;
		if (h.flags & ISCSI_LOGIN_C)
			return ns_fail(s, "%s: login: a response over several PDUs (not followed here)",
				       s->portal);
		used = 0;
		if (iscsi_text_parse((const char *)s->data, h.data_len, &cfg,
				     &p, reply, sizeof(reply), &used, why,
				     sizeof(why)))
			return ns_fail(s, "%s: login: %s", s->portal, why);
		if (p.auth_chap || (!(h.flags & ISCSI_LOGIN_T) && p.auth_seen))
			return ns_fail(s, "%s: the target wants CHAP: swapctl discover logs in without authentication",
				       s->portal);
		if ((h.flags & ISCSI_LOGIN_T) && (h.flags & 3) == ISCSI_STAGE_FFP)
			return 0;
		if ((h.flags & ISCSI_LOGIN_T) && req.csg == ISCSI_STAGE_SECURITY) {
			/* Operational stage: digests None, the defaults. */
			req.csg = ISCSI_STAGE_OPERATIONAL;
			req.nsg = ISCSI_STAGE_FFP;
			n = iscsi_text_build_operational(text, sizeof(text),
							 &cfg);
			if (n < 0)
				return ns_fail(s, "login: no room for the offer");
			continue;
		}
		/* The target stays in the stage: what it is owed. */
		memcpy(text, reply, used);
		n = (int)used;
	}
	return ns_fail(s, "%s: login did not end", s->portal);
}

/* SendTargets=All: the answer's text in s->data (NUL-padded), its length. */
static int ns_sendtargets(struct ns_isess *s, char *out, size_t max,
			  size_t *len)
{
	static const char ask[] = "SendTargets=All";
	struct iscsi_text_req t = { .itt = ++s->itt, .ttt = ISCSI_RSVD_TAG };
	struct iscsi_hdr_info h;
	u8 bhs[ISCSI_BHS_LEN];
	u32 dlen = sizeof(ask);
	const void *data = ask;
	int i;

	*len = 0;
	for (i = 0; i < NS_DISC_MAX_PDUS; i++) {
		t.cmd_sn = s->cmd_sn++;
		t.exp_stat_sn = s->exp_stat_sn;
		t.data_len = dlen;
		iscsi_build_text_req(bhs, &t);
		if (ns_send_pdu(s, bhs, data, dlen) || ns_recv_pdu(s, &h))
			return -1;
		if (h.opcode != ISCSI_OP_TEXT_RSP || h.itt != t.itt)
			return ns_fail(s, "%s: SendTargets: unexpected PDU 0x%02x",
				       s->portal, h.opcode);
		if (*len + h.data_len > max)
			return ns_fail(s, "%s: SendTargets: more than %zu bytes of answer",
				       s->portal, max);
		memcpy(out + *len, s->data, h.data_len);
		*len += h.data_len;
		if (h.flags & ISCSI_FLAG_FINAL)
			return 0;
		/* Continued (C bit): an empty request with its tag asks for more. */
		t.ttt = h.ttt;
		dlen = 0;
		data = NULL;
	}
	return ns_fail(s, "%s: SendTargets did not end", s->portal);
}

/* A NOP-In ping from the target: echo it. */
static int ns_pong(struct ns_isess *s, const struct iscsi_hdr_info *h)
{
	struct iscsi_nop_out n = {
		.lun = h->lun, .itt = ISCSI_RSVD_TAG, .ttt = h->ttt,
		.cmd_sn = s->cmd_sn, .exp_stat_sn = s->exp_stat_sn,
		.immediate = true, .data_len = h->data_len,
	};
	u8 bhs[ISCSI_BHS_LEN];

	iscsi_build_nop_out(bhs, &n);
	return ns_send_pdu(s, bhs, s->data, h->data_len);
}

/*
 * One SCSI read command of @alloc bytes into @buf: 0 with the bytes that
 * came in *@got, 1 for UNIT ATTENTION (ask again), -2 for another SCSI
 * status (the session is still good), -1 when the session is not.
 */
static int ns_scsi_in(struct ns_isess *s, u32 lun, const u8 *cdb, u8 cdb_len,
		      u8 *buf, u32 alloc, u32 *got)
{
	struct iscsi_scsi_cmd c = {
		.lun = iscsi_encode_lun(lun), .itt = ++s->itt, .edtl = alloc,
		.read = true, .cdb = cdb, .cdb_len = cdb_len,
	};
	struct scsi_sense sense = { 0 };
	struct iscsi_hdr_info h;
	u8 bhs[ISCSI_BHS_LEN];
	int i, status = -1;

	c.cmd_sn = s->cmd_sn++;
	c.exp_stat_sn = s->exp_stat_sn;
	iscsi_build_scsi_cmd(bhs, &c);
	if (ns_send_pdu(s, bhs, NULL, 0))
		return -1;
	*got = 0;
	for (i = 0; i < NS_DISC_MAX_PDUS && status < 0; i++) {
		if (ns_recv_pdu(s, &h))
			return -1;
		if (h.opcode == ISCSI_OP_NOP_IN && h.itt == ISCSI_RSVD_TAG) {
			if (ns_pong(s, &h))
				return -1;
			continue;
		}
		if (h.itt != c.itt ||
		    (h.opcode != ISCSI_OP_DATA_IN && h.opcode != ISCSI_OP_SCSI_RSP))
			return ns_fail(s, "%s: unexpected PDU 0x%02x", s->portal,
				       h.opcode);
		if (h.opcode == ISCSI_OP_DATA_IN) {
			/* In order and whole (ErrorRecoveryLevel 0): no gap
			 * is ever parsed as data. */
			if (h.buffer_offset != *got ||
			    h.data_len > alloc - h.buffer_offset)
				return ns_fail(s, "%s: Data-In out of order or past the command's length",
					       s->portal);
			memcpy(buf + h.buffer_offset, s->data, h.data_len);
			*got += h.data_len;
			if (h.flags & ISCSI_DATAIN_STATUS)
				status = h.status;
		} else {
			status = h.status;
			if (status == SCSI_STATUS_CHECK_CONDITION)
				iscsi_parse_sense_segment(s->data, h.data_len,
							  &sense);
		}
	}
	if (status == SCSI_STATUS_GOOD)
		return 0;
	if (status == SCSI_STATUS_CHECK_CONDITION && sense.valid &&
	    sense.key == SCSI_SENSE_UNIT_ATTENTION)
		return 1;
	if (status < 0)
		return ns_fail(s, "%s: no status for the command", s->portal);
	ns_fail(s, "%s: LUN %u: SCSI status 0x%02x%s%s", s->portal, lun, status,
		sense.valid ? ", " : "",
		sense.valid ? scsi_sense_key_str(sense.key) : "");
	return -2;
}

/* ns_scsi_in, asked again once after a UNIT ATTENTION (a new session's). */
static int ns_scsi_read(struct ns_isess *s, u32 lun, const u8 *cdb,
			u8 cdb_len, u8 *buf, u32 alloc, u32 *got)
{
	int r = ns_scsi_in(s, lun, cdb, cdb_len, buf, alloc, got);

	if (r == 1)
		r = ns_scsi_in(s, lun, cdb, cdb_len, buf, alloc, got);
	if (r == 1) {
		ns_fail(s, "%s: LUN %u: UNIT ATTENTION twice", s->portal, lun);
		r = -2;
	}
	return r;
}

static void ns_logout(struct ns_isess *s)
{
	struct iscsi_logout_req l = {
		.itt = ++s->itt, .cmd_sn = s->cmd_sn++,
		.exp_stat_sn = s->exp_stat_sn,
		.reason = ISCSI_LOGOUT_CLOSE_SESSION, .immediate = true,
	};
	struct iscsi_hdr_info h;
	u8 bhs[ISCSI_BHS_LEN];

	iscsi_build_logout_req(bhs, &l);
	if (!ns_send_pdu(s, bhs, NULL, 0))
		ns_recv_pdu(s, &h);
}

/* ---- NFS: the MOUNT service's export list ---- */

#define NS_RPC_REPLY_MAX	(1024 * 1024)

/*
 * One RPC call over TCP on s->fd (RFC 5531 record marking), AUTH_NONE:
 * the reply record (up to NS_RPC_REPLY_MAX) in @rep, and @d at its
 * results once the header says the call succeeded.
 */
static int ns_rpc_call(struct ns_isess *s, u32 prog, u32 vers, u32 proc,
		       const u8 *args, size_t alen, u8 *rep,
		       struct xdr_dec *d, const char *what)
{
	static const struct rpc_cred none = { .flavor = RPC_AUTH_NONE };
	struct rpc_reply r;
	struct xdr_enc x;
	u8 call[512], mk[4];
	size_t total = 0;
	u32 xid, marker, n;
	char why[128];
	int len, frags = 0;

	if (getrandom(&xid, sizeof(xid), 0) != (ssize_t)sizeof(xid))
		return ns_fail(s, "getrandom: %s", strerror(errno));
	xdr_enc_init(&x, call + RPC_MARKER_LEN, sizeof(call) - RPC_MARKER_LEN);
	if (rpc_encode_call(&x, xid, prog, vers, proc, &none))
		return ns_fail(s, "%s: cannot encode the call", what);
	xdr_put_fixed(&x, args, alen);
	len = xdr_enc_result(&x);
	if (len < 0)
		return ns_fail(s, "%s: cannot encode the call", what);
	rpc_put_marker(call, (u32)len, true);
	if (ns_xfer(s, call, RPC_MARKER_LEN + (size_t)len, 1))
		return -1;
	do {
		if (ns_xfer(s, mk, sizeof(mk), 0))
			return -1;
		marker = nsp_get_be32(mk);
		n = rpc_marker_len(marker);
		if (++frags > 64 || (!n && !rpc_marker_last(marker)))
			return ns_fail(s, "%s: %s: a reply in more than 64 or empty fragments",
				       s->portal, what);
		if (n > NS_RPC_REPLY_MAX - total)
			return ns_fail(s, "%s: %s: a reply over %d bytes", s->portal,
				       what, NS_RPC_REPLY_MAX);
		if (ns_xfer(s, rep + total, n, 0))
			return -1;
		total += n;
	} while (!rpc_marker_last(marker));
	xdr_dec_init(d, rep, total);
	if (rpc_decode_reply(d, &r) || r.xid != xid)
		return ns_fail(s, "%s: %s: a malformed reply", s->portal, what);
	if (rpc_reply_errno(&r)) {
		rpc_reply_str(&r, why, sizeof(why));
		return ns_fail(s, "%s: %s: %s", s->portal, what, why);
	}
	return 0;
}

/*
 * The MOUNT port: @mount_port if given, else the portmapper's answer for
 * MOUNT v3 over TCP.
 */
static int ns_mount_port(struct ns_isess *s, const char *host, u32 *port)
{
	struct xdr_enc x;
	struct xdr_dec d;
	u8 args[64], *rep;
	int len, ret = -1;

	rep = malloc(NS_RPC_REPLY_MAX);
	if (!rep)
		return ns_fail(s, "out of memory");
	xdr_enc_init(&x, args, sizeof(args));
	pmap_encode_getport(&x, MOUNT_PROGRAM, MOUNT_V3);
	len = xdr_enc_result(&x);
	if (ns_iconnect(s, host, PMAP_PORT))
		goto out;
	if (ns_rpc_call(s, PMAP_PROGRAM, PMAP_VERSION, PMAPPROC_GETPORT, args,
			(size_t)len, rep, &d, "portmapper"))
		goto out;
	if (pmap_decode_getport(&d, port) || !*port || *port > 65535) {
		ns_fail(s, "%s: the portmapper knows no MOUNT v3 over TCP",
			s->portal);
		goto out;
	}
	ret = 0;
out:
	if (s->fd >= 0)
		close(s->fd);
	s->fd = -1;
	free(rep);
	return ret;
}

static int ns_disc_nfs(const char *url, const char *host, const char *shown,
		       u16 nfs_port, int port_given, u32 mount_port,
		       int noheadings, int raw)
{
	struct libscols_table *tb = NULL;
	struct libscols_line *ln;
	const u8 *dir, *g[8];
	u32 dlen, glen[8], ng, i;
	char portal[300], line[1400], clients[600];
	struct ns_isess *s = calloc(1, sizeof(*s));
	u8 *rep = malloc(NS_RPC_REPLY_MAX);
	struct xdr_dec d;
	int r, n = 0, ret = EX_CONN;

	if (!s || !rep) {
		ns_errmsg("out of memory");
		ret = EX_SYS;
		goto out;
	}
	s->fd = -1;
	snprintf(portal, sizeof(portal), "%s", shown);
	s->portal = portal;
	if (!mount_port && ns_mount_port(s, host, &mount_port))
		goto fail;
	snprintf(portal, sizeof(portal), "%s:%u", shown, mount_port);
	if (ns_iconnect(s, host, (u16)mount_port) ||
	    ns_rpc_call(s, MOUNT_PROGRAM, MOUNT_V3, MOUNTPROC3_EXPORT, NULL, 0,
			rep, &d, "MOUNT EXPORT"))
		goto fail;
	tb = scols_new_table();
	if (!tb || !scols_table_new_column(tb, "URL", 0.6, 0) ||
	    !scols_table_new_column(tb, "CLIENTS", 0.4, 0)) {
		ns_errmsg("out of memory");
		ret = EX_SYS;
		goto out;
	}
	scols_table_enable_noheadings(tb, noheadings);
	scols_table_enable_raw(tb, raw);
	/* Whole lines on any terminal: a URL is no use cut or wrapped. */
	scols_table_set_termforce(tb, SCOLS_TERMFORCE_NEVER);
	while ((r = mnt3_decode_export_next(&d, &dir, &dlen, g, glen, 8,
					     &ng)) == 1) {
		size_t o = 0;

		if (!dlen || dir[0] != '/' || memchr(dir, '\0', dlen))
			continue;
		clients[0] = '\0';
		for (i = 0; i < ng && i < 8 && o < sizeof(clients) - 1; i++) {
			o += (size_t)snprintf(clients + o, sizeof(clients) - o,
					      "%s%.*s", i ? "," : "",
					      (int)glen[i], (const char *)g[i]);
			if (o > sizeof(clients) - 1)
				o = sizeof(clients) - 1;	/* cut */
		}
		if (ng > 8 && o < sizeof(clients) - 1)
			snprintf(clients + o, sizeof(clients) - o, ",...");
		if (port_given)
			snprintf(line, sizeof(line), "nfs://%s:%u%.*s%s", shown,
				 nfs_port, (int)dlen, (const char *)dir,
				 dir[dlen - 1] == '/' ? "" : "/");
		else
			snprintf(line, sizeof(line), "nfs://%s%.*s%s", shown,
				 (int)dlen, (const char *)dir,
				 dir[dlen - 1] == '/' ? "" : "/");
		ln = scols_table_new_line(tb, NULL);
		if (!ln || scols_line_set_data(ln, 0, line) ||
		    scols_line_set_data(ln, 1, ng ? clients : "(any)")) {
			ns_errmsg("out of memory");
			ret = EX_SYS;
			goto out;
		}
		n++;
	}
	if (r < 0) {
		ns_fail(s, "%s: MOUNT EXPORT: a malformed export list", portal);
		goto fail;
	}
	if (n)
		scols_print_table(tb);
	else
		fprintf(stderr, "swapctl: discover: %s exports nothing\n", url);
	ret = EX_OK;
	goto out;
fail:
	ns_errmsg("%s", s->err);
out:
	if (tb)
		scols_unref_table(tb);
	if (s && s->fd >= 0)
		close(s->fd);
	free(s);
	free(rep);
	return ret;
}

struct ns_disc_row {
	char	url[1024];
	char	size[32];
	char	product[32];
	char	portals[512];
};

struct ns_disc {
	const char		*host;		/* as given, [IPv6] bracketed */
	u16			port;
	int			port_given;
	const char		*initiator;
	int			bytes;		/* SIZE in bytes */
	struct ns_disc_row	*rows;
	int			n, cap;
	int			targets, failed;
};

static struct ns_disc_row *ns_disc_add(struct ns_disc *d)
{
	struct ns_disc_row *v;

	if (d->n == d->cap) {
		v = realloc(d->rows, (size_t)(d->cap * 2 + 8) * sizeof(*v));
		if (!v)
			return NULL;
		d->rows = v;
		d->cap = d->cap * 2 + 8;
	}
	memset(&d->rows[d->n], 0, sizeof(d->rows[0]));
	return &d->rows[d->n++];
}

/* Log in to @target through the portal: its LUNs and their sizes. */
static int ns_disc_target(struct ns_disc *d, const char *connect_host,
			  const char *portal, const char *target,
			  const char *portals)
{
	struct ns_isess *s = calloc(1, sizeof(*s));
	u32 luns[NS_DISC_MAX_LUNS], got, bl;
	u8 cdb[SCSI_CDB_LEN], *buf;
	struct ns_disc_row *row;
	size_t total;
	int i, n, len, ret = -1;
	u64 blocks;

	buf = calloc(1, 8 + 8 * NS_DISC_MAX_LUNS);
	if (!s || !buf) {
		ns_errmsg("out of memory");
		goto out;
	}
	s->portal = portal;
	s->fd = -1;
	if (ns_iconnect(s, connect_host, d->port) ||
	    ns_ilogin(s, d->initiator, target))
		goto fail;
	len = scsi_build_report_luns(cdb, 8 + 8 * NS_DISC_MAX_LUNS);
	if (ns_scsi_read(s, 0, cdb, (u8)len, buf, 8 + 8 * NS_DISC_MAX_LUNS,
			 &got))
		goto fail;
	n = scsi_parse_report_luns(buf, got, luns, NS_DISC_MAX_LUNS, &total);
	if (n < 0) {
		ns_fail(s, "%s: %s: REPORT LUNS answer too short", portal,
			target);
		goto fail;
	}
	if (8 + 8 * total > got)
		fprintf(stderr, "swapctl: discover: %s: %zu LUNs, only the first %u asked about\n",
			target, total, (got - 8) / 8);
	for (i = 0; i < n; i++) {
		struct scsi_inquiry_info inq;
		int rc;

		/* Disks only: tgt's LUN 0 is its controller, for one. */
		len = scsi_build_inquiry(cdb, 96);
		rc = ns_scsi_read(s, luns[i], cdb, (u8)len, buf, 96, &got);
		if (rc == -1)
			goto fail;
		if (rc) {
			ns_errmsg("%s", s->err);	/* this LUN only */
			continue;
		}
		if (scsi_parse_inquiry(buf, got, &inq) ||
		    inq.peripheral_qualifier || inq.device_type)
			continue;
		len = scsi_build_read_capacity16(cdb, 32);
		rc = ns_scsi_read(s, luns[i], cdb, (u8)len, buf, 32, &got);
		if (rc == -1)
			goto fail;
		if (rc) {
			ns_errmsg("%s", s->err);
			got = 0;		/* its size shows as "?" */
		}
		row = ns_disc_add(d);
		if (!row) {
			ns_errmsg("out of memory");
			goto out;
		}
		if (d->port_given)
			snprintf(row->url, sizeof(row->url), "iscsi://%s:%u/%s/%u",
				 d->host, d->port, target, luns[i]);
		else
			snprintf(row->url, sizeof(row->url), "iscsi://%s/%s/%u",
				 d->host, target, luns[i]);
		if (scsi_parse_read_capacity16(buf, got, &blocks, &bl))
			snprintf(row->size, sizeof(row->size), "?");
		else if (d->bytes)
			snprintf(row->size, sizeof(row->size), "%llu",
				 (unsigned long long)(blocks * bl));
		else
			ns_human(blocks * bl, row->size, sizeof(row->size));
		snprintf(row->portals, sizeof(row->portals), "%s",
			 portals[0] ? portals : "-");
		snprintf(row->product, sizeof(row->product), "%s%s%s",
			 inq.vendor, inq.vendor[0] ? " " : "", inq.product);
	}
	ns_logout(s);
	ret = 0;
	goto out;
fail:
	ns_errmsg("%s", s->err);
out:
	if (s && s->fd >= 0)
		close(s->fd);
	free(s);
	free(buf);
	return ret;
}

static int ns_disc_print(const struct ns_disc *d, int noheadings, int raw)
{
	struct libscols_table *tb = scols_new_table();
	struct libscols_line *ln;
	int i;

	if (!tb)
		return -1;
	scols_table_enable_noheadings(tb, noheadings);
	scols_table_enable_raw(tb, raw);
	/* Whole lines on any terminal: a URL is no use cut or wrapped. */
	scols_table_set_termforce(tb, SCOLS_TERMFORCE_NEVER);
	if (!scols_table_new_column(tb, "URL", 0.6, 0) ||
	    !scols_table_new_column(tb, "SIZE", 0.1, SCOLS_FL_RIGHT) ||
	    !scols_table_new_column(tb, "PRODUCT", 0.15, 0) ||
	    !scols_table_new_column(tb, "PORTAL", 0.2, 0))
		goto oom;
	for (i = 0; i < d->n; i++) {
		ln = scols_table_new_line(tb, NULL);
		if (!ln || scols_line_set_data(ln, 0, d->rows[i].url) ||
		    scols_line_set_data(ln, 1, d->rows[i].size) ||
		    scols_line_set_data(ln, 2, d->rows[i].product) ||
		    scols_line_set_data(ln, 3, d->rows[i].portals))
			goto oom;
	}
	scols_print_table(tb);
	scols_unref_table(tb);
	return 0;
oom:
	scols_unref_table(tb);
	return -1;
}

/* A port number, 1..65535. */
static int ns_port_arg(const char *v, u32 *port)
{
	char *end;
	unsigned long p;

	errno = 0;
	p = strtoul(v, &end, 10);
	if (errno || *end || !*v || !p || p > 65535) {
		ns_errmsg("--mount-port: '%s' is not a port (1-65535)", v);
		return -1;
	}
	*port = (u32)p;
	return 0;
}

/*
 * swapctl discover [--initiator IQN] [-n] [--raw] [-b] iscsi://HOST[:PORT]
 * swapctl discover [--mount-port N] [-n] [--raw] nfs://HOST[:PORT]
 */
int cmd_discover(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "initiator", required_argument, NULL, 'I' },
		{ "noheadings", no_argument, NULL, 'n' },
		{ "raw", no_argument, NULL, 'r' },
		{ "bytes", no_argument, NULL, 'b' },
		{ "mount-port", required_argument, NULL, 'M' },
		{ NULL, 0, NULL, 0 },
	};
	char host[256], portal[300], iqn[256], conn_host[256];
	struct ns_disc d = { 0 };
	int c, noheadings = 0, raw = 0, ret = EX_OK;
	const char *url, *rest;
	size_t alen = 0, tlen, pos = 0, nlen;
	const char *name, *addr;
	struct ns_isess *s = NULL;
	char *text = NULL;
	int nfs;
	u32 mount_port = 0;

	optind = 1;
	while ((c = getopt_long(argc, argv, "nrb", lo, NULL)) != -1) {
		switch (c) {
		case 'b':
			d.bytes = 1;
			break;
		case 'M':
			if (ns_port_arg(optarg, &mount_port))
				return EX_USAGE;
			break;
		case 'I':
			d.initiator = optarg;
			break;
		case 'n':
			noheadings = 1;
			break;
		case 'r':
			raw = 1;
			break;
		default:
			return EX_USAGE;
		}
	}
	if (argc - optind != 1) {
		ns_errmsg("expected one portal: iscsi://HOST[:PORT]");
		return EX_USAGE;
	}
	url = argv[optind];
	nfs = !strncmp(url, "nfs://", 6);
	if (!nfs && strncmp(url, "iscsi://", 8)) {
		ns_errmsg("%s: expected iscsi://HOST[:PORT] or nfs://HOST[:PORT]", url);
		return EX_USAGE;
	}
	if (mount_port && !nfs) {
		ns_errmsg("--mount-port is for nfs://");
		return EX_USAGE;
	}
	rest = url + (nfs ? 6 : 8);
	tlen = strlen(rest);
	if (tlen && rest[tlen - 1] == '/')
		tlen--;
	/* The portal's syntax is a TargetAddress's: HOST[:PORT], [v6]. */
	if (memchr(rest, '/', tlen) || memchr(rest, '@', tlen) ||
	    iscsi_split_target_address(rest, tlen, host, sizeof(host),
				       &d.port) ||
	    memchr(rest, ',', tlen)) {
		ns_errmsg("%s: expected %s://HOST[:PORT] (the server alone, no %s)",
			  url, nfs ? "nfs" : "iscsi",
			  nfs ? "export or file" : "target or LUN");
		return EX_USAGE;
	}
	if (rest[0] == '[')
		d.port_given = memmem(rest, tlen, "]:", 2) != NULL;
	else
		d.port_given = memchr(rest, ':', tlen) != NULL;
	/* URLs keep the host as given: an IPv6 literal in brackets. */
	snprintf(conn_host, sizeof(conn_host), "%s", host);
	snprintf(portal, sizeof(portal), strchr(host, ':') ? "[%s]" : "%s",
		 host);
	d.host = strdup(portal);
	if (!d.host)
		return EX_SYS;
	if (nfs) {
		ret = ns_disc_nfs(url, conn_host, d.host,
				  d.port_given ? d.port : NFS_PORT,
				  d.port_given, mount_port, noheadings, raw);
		goto out;
	}
	snprintf(portal + strlen(portal), sizeof(portal) - strlen(portal),
		 ":%u", d.port);
	if (!d.initiator) {
		ret = ns_host_initiator(iqn, sizeof(iqn), 1, NULL);
		if (ret)
			goto out;
		d.initiator = iqn;
	}

	s = calloc(1, sizeof(*s));
	text = malloc(NS_DISC_DATA_MAX + 1);
	if (!s || !text) {
		ns_errmsg("out of memory");
		ret = EX_SYS;
		goto out;
	}
	s->portal = portal;
	s->fd = -1;
	if (ns_iconnect(s, conn_host, d.port) ||
	    ns_ilogin(s, d.initiator, NULL) ||
	    ns_sendtargets(s, text, NS_DISC_DATA_MAX, &alen)) {
		ns_errmsg("%s", s->err);
		ret = EX_CONN;
		goto out;
	}
	ns_logout(s);
	close(s->fd);
	s->fd = -1;
	text[alen] = '\0';
	for (;;) {
		char tname[ISCSI_NAME_MAX + 1], portals[512];

		c = iscsi_sendtargets_next(text, alen, &pos, &name, &nlen,
					   &addr, &tlen);
		if (c < 0) {
			ns_errmsg("%s: a malformed SendTargets answer", portal);
			ret = EX_CONN;
			goto out;
		}
		if (!c)
			break;
		if (nlen > ISCSI_NAME_MAX) {
			ns_errmsg("%s: a target name longer than %d bytes", portal,
				  ISCSI_NAME_MAX);
			d.failed++;
			continue;
		}
		memcpy(tname, name, nlen);
		tname[nlen] = '\0';
		snprintf(portals, sizeof(portals), "%.*s",
			 addr ? (int)(tlen < sizeof(portals) ? tlen : 0) : 0,
			 addr ? addr : "");
		d.targets++;
		if (ns_disc_target(&d, conn_host, portal, tname, portals))
			d.failed++;
	}
	if (!d.n && !d.failed)
		fprintf(stderr, "swapctl: discover: %s offers %s\n", portal,
			d.targets ? "no disk LUN" : "no target");
	if (d.n && ns_disc_print(&d, noheadings, raw)) {
		ns_errmsg("out of memory");
		ret = EX_SYS;
	}
	if (!ret && d.failed)
		ret = EX_CONN;
out:
	if (s && s->fd >= 0)
		close(s->fd);
	free(s);
	free(text);
	free(d.rows);
	free((void *)d.host);
	return ret;
}
