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

