// SPDX-License-Identifier: GPL-2.0
/*
 * ONC RPC version 2 (RFC 5531): call headers, reply headers, records.
 */
#include "rpc.h"

static size_t rpc_cred_body_size(const struct rpc_cred *cred)
{
	if (cred->flavor != RPC_AUTH_SYS)
		return 0;
	/* stamp, machinename<255>, uid, gid, gids<16> (always empty) */
	return 4 + 4 + XDR_QUAD(strlen(cred->machine)) + 4 + 4 + 4;
}

size_t rpc_call_size(const struct rpc_cred *cred)
{
	/* xid, CALL, rpcvers, prog, vers, proc, cred, verf (AUTH_NONE) */
	return 6 * 4 + 8 + rpc_cred_body_size(cred) + 8;
}

int rpc_encode_call(struct xdr_enc *x, u32 xid, u32 prog, u32 vers, u32 proc,
		    const struct rpc_cred *cred)
{
	size_t mlen = 0;

	if (cred->flavor == RPC_AUTH_SYS) {
		if (!cred->machine)
			return -EINVAL;
		mlen = strlen(cred->machine);
		if (mlen > RPC_MACHINE_MAX)
			return -EINVAL;
	} else if (cred->flavor != RPC_AUTH_NONE) {
		return -EINVAL;
	}

	xdr_put_u32(x, xid);
	xdr_put_u32(x, RPC_CALL);
	xdr_put_u32(x, RPC_VERSION);
	xdr_put_u32(x, prog);
	xdr_put_u32(x, vers);
	xdr_put_u32(x, proc);
	xdr_put_u32(x, cred->flavor);
	xdr_put_u32(x, (u32)rpc_cred_body_size(cred));
	if (cred->flavor == RPC_AUTH_SYS) {
		xdr_put_u32(x, cred->stamp);
		xdr_put_opaque(x, cred->machine, mlen);
		xdr_put_u32(x, cred->uid);
		xdr_put_u32(x, cred->gid);
		xdr_put_u32(x, 0);	/* no supplementary groups */
	}
	xdr_put_u32(x, RPC_AUTH_NONE);	/* verifier */
	xdr_put_u32(x, 0);
	return 0;
}

int rpc_decode_reply(struct xdr_dec *d, struct rpc_reply *r)
{
	u32 n;

	memset(r, 0, sizeof(*r));
	r->xid = xdr_get_u32(d);
	if (xdr_get_u32(d) != RPC_REPLY && !d->err)
		xdr_dec_fail(d, -EBADMSG);
	r->reply_stat = xdr_get_u32(d);
	if (d->err)
		return d->err;

	switch (r->reply_stat) {
	case RPC_MSG_ACCEPTED:
		xdr_get_u32(d);			/* verifier flavor */
		xdr_get_opaque(d, RPC_AUTH_BODY_MAX, &n);
		r->stat = xdr_get_u32(d);
		if (!d->err && r->stat == RPC_PROG_MISMATCH) {
			r->low = xdr_get_u32(d);
			r->high = xdr_get_u32(d);
		}
		break;
	case RPC_MSG_DENIED:
		r->stat = xdr_get_u32(d);
		if (d->err)
			break;
		if (r->stat == RPC_MISMATCH) {
			r->low = xdr_get_u32(d);
			r->high = xdr_get_u32(d);
		} else if (r->stat == RPC_AUTH_ERROR) {
			r->auth_stat = xdr_get_u32(d);
		} else {
			xdr_dec_fail(d, -EBADMSG);
		}
		break;
	default:
		xdr_dec_fail(d, -EBADMSG);
		break;
	}
	return d->err;
}

int rpc_reply_errno(const struct rpc_reply *r)
{
	if (r->reply_stat == RPC_MSG_DENIED)
		return r->stat == RPC_AUTH_ERROR ? -EACCES : -EPROTONOSUPPORT;
	switch (r->stat) {
	case RPC_SUCCESS:
		return 0;
	case RPC_PROG_UNAVAIL:
	case RPC_PROG_MISMATCH:
		return -EPROTONOSUPPORT;
	case RPC_PROC_UNAVAIL:
		return -EOPNOTSUPP;
	case RPC_GARBAGE_ARGS:
		return -EINVAL;
	case RPC_SYSTEM_ERR:
		return -EREMOTEIO;
	default:
		return -EPROTO;
	}
}

static const char *rpc_auth_stat_str(u32 s)
{
	switch (s) {
	case RPC_AUTH_BADCRED:		return "bad credential";
	case RPC_AUTH_REJECTEDCRED:	return "credential rejected";
	case RPC_AUTH_BADVERF:		return "bad verifier";
	case RPC_AUTH_REJECTEDVERF:	return "verifier rejected";
	case RPC_AUTH_TOOWEAK:		return "credential too weak";
	default:			return "authentication error";
	}
}

static void rpc_str_copy(char *buf, size_t len, const char *s)
{
	snprintf(buf, len, "%s", s);
}

void rpc_reply_str(const struct rpc_reply *r, char *buf, size_t len)
{
	if (r->reply_stat == RPC_MSG_DENIED) {
		if (r->stat == RPC_AUTH_ERROR)
			rpc_str_copy(buf, len, rpc_auth_stat_str(r->auth_stat));
		else
			snprintf(buf, len, "RPC version mismatch (server %u-%u)",
				 r->low, r->high);
		return;
	}
	switch (r->stat) {
	case RPC_SUCCESS:
		rpc_str_copy(buf, len, "success");
		break;
	case RPC_PROG_UNAVAIL:
		rpc_str_copy(buf, len, "program unavailable");
		break;
	case RPC_PROG_MISMATCH:
		snprintf(buf, len, "program version mismatch (server %u-%u)",
			 r->low, r->high);
		break;
	case RPC_PROC_UNAVAIL:
		rpc_str_copy(buf, len, "procedure unavailable");
		break;
	case RPC_GARBAGE_ARGS:
		rpc_str_copy(buf, len, "server could not decode the arguments");
		break;
	case RPC_SYSTEM_ERR:
		rpc_str_copy(buf, len, "server system error");
		break;
	default:
		rpc_str_copy(buf, len, "unknown RPC accept status");
		break;
	}
}

int rpc_record_encode(u8 *out, size_t out_len, const u8 *rec, size_t rec_len,
		      size_t max_frag)
{
	size_t used = 0, off = 0;

	if (!max_frag || max_frag > RPC_FRAG_MAX)
		return -EINVAL;
	do {
		size_t n = rec_len - off < max_frag ? rec_len - off : max_frag;
		bool last = off + n == rec_len;

		if (out_len - used < RPC_MARKER_LEN + n)
			return -ENOSPC;
		rpc_put_marker(out + used, (u32)n, last);
		if (n)
			memcpy(out + used + RPC_MARKER_LEN, rec + off, n);
		used += RPC_MARKER_LEN + n;
		off += n;
	} while (off < rec_len);
	if (used > 0x7fffffff)
		return -ENOSPC;
	return (int)used;
}

int rpc_record_decode(const u8 *in, size_t in_len, u8 *out, size_t out_len,
		      size_t *consumed)
{
	size_t pos = 0, got = 0;
	u32 m, n;

	*consumed = 0;
	for (;;) {
		if (in_len - pos < RPC_MARKER_LEN)
			return -EAGAIN;
		m = nsp_get_be32(in + pos);
		n = rpc_marker_len(m);
		pos += RPC_MARKER_LEN;
		/* Too big is known from the marker: no need to wait for it. */
		if (out_len - got < n || got + n > 0x7fffffff)
			return -EMSGSIZE;
		if (in_len - pos < n)
			return -EAGAIN;
		if (n)
			memcpy(out + got, in + pos, n);
		got += n;
		pos += n;
		if (rpc_marker_last(m))
			break;
	}
	*consumed = pos;
	return (int)got;
}
