/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ONC RPC version 2 (RFC 5531) over TCP: record marking, call headers with
 * AUTH_NONE or AUTH_SYS credentials, and reply header decoding with every
 * reply state turned into an errno and a line of text.
 */
#ifndef NSP_RPC_H
#define NSP_RPC_H

#include "xdr.h"

#define RPC_VERSION		2
#define RPC_CALL		0
#define RPC_REPLY		1

/* Record marking (RFC 5531 section 11). */
#define RPC_MARKER_LEN		4
#define RPC_LAST_FRAG		0x80000000u
#define RPC_FRAG_MAX		0x7fffffffu

/* reply_stat */
#define RPC_MSG_ACCEPTED	0
#define RPC_MSG_DENIED		1
/* accept_stat */
#define RPC_SUCCESS		0
#define RPC_PROG_UNAVAIL	1
#define RPC_PROG_MISMATCH	2
#define RPC_PROC_UNAVAIL	3
#define RPC_GARBAGE_ARGS	4
#define RPC_SYSTEM_ERR		5
/* reject_stat */
#define RPC_MISMATCH		0
#define RPC_AUTH_ERROR		1
/* auth_stat (RFC 5531 section 9, the ones a client can meet) */
#define RPC_AUTH_OK		0
#define RPC_AUTH_BADCRED	1
#define RPC_AUTH_REJECTEDCRED	2
#define RPC_AUTH_BADVERF	3
#define RPC_AUTH_REJECTEDVERF	4
#define RPC_AUTH_TOOWEAK	5

/* auth_flavor */
#define RPC_AUTH_NONE		0
#define RPC_AUTH_SYS		1

#define RPC_AUTH_BODY_MAX	400
#define RPC_MACHINE_MAX		255

struct rpc_cred {
	u32		flavor;		/* RPC_AUTH_NONE or RPC_AUTH_SYS */
	u32		stamp;
	const char	*machine;	/* AUTH_SYS machinename, may be "" */
	u32		uid;
	u32		gid;
};

/* Record marker for a fragment of @len bytes. */
static inline void rpc_put_marker(u8 *p, u32 len, bool last)
{
	nsp_put_be32(p, (len & RPC_FRAG_MAX) | (last ? RPC_LAST_FRAG : 0));
}

static inline u32 rpc_marker_len(u32 marker)
{
	return marker & RPC_FRAG_MAX;
}

static inline bool rpc_marker_last(u32 marker)
{
	return marker & RPC_LAST_FRAG;
}

/*
 * Append the call header (xid through the AUTH_NONE verifier) to @x.
 * The procedure's arguments follow. Returns 0 or -EINVAL for an unknown
 * flavor or an overlong machine name; overflow shows in xdr_enc_result().
 */
int rpc_encode_call(struct xdr_enc *x, u32 xid, u32 prog, u32 vers, u32 proc,
		    const struct rpc_cred *cred);

struct rpc_reply {
	u32	xid;
	u32	reply_stat;	/* RPC_MSG_* */
	u32	stat;		/* accept_stat or reject_stat */
	u32	auth_stat;	/* MSG_DENIED + AUTH_ERROR */
	u32	low, high;	/* PROG_MISMATCH / RPC_MISMATCH versions */
};

/*
 * Decode a reply header up to the procedure's results. Returns 0 with @r
 * filled (check rpc_reply_errno() for the outcome) and @d at the results;
 * -EAGAIN if the bytes end first (d->need says how many are wanted),
 * -EBADMSG for a message that is not a well-formed reply.
 */
int rpc_decode_reply(struct xdr_dec *d, struct rpc_reply *r);

/*
 * 0 for an accepted, successful call; otherwise an errno:
 * PROG_UNAVAIL, PROG_MISMATCH, RPC_MISMATCH -EPROTONOSUPPORT;
 * PROC_UNAVAIL -EOPNOTSUPP; GARBAGE_ARGS -EINVAL; SYSTEM_ERR -EREMOTEIO;
 * AUTH_ERROR -EACCES; anything unknown -EPROTO.
 */
int rpc_reply_errno(const struct rpc_reply *r);

/* The outcome as a short phrase ("program version mismatch (server 2-2)"). */
void rpc_reply_str(const struct rpc_reply *r, char *buf, size_t len);

#endif /* NSP_RPC_H */
