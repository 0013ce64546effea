// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests for kernel/proto/xdr.h and kernel/proto/rpc.c.
 *
 * Expected bytes are written out by hand from RFC 5531 (call and reply
 * headers, section 9; AUTH_SYS, section 8.2 / appendix A; record marking,
 * section 11), never produced by the encoder under test.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "rpc.h"

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))
#define BE32(v) (u8)((u32)(v) >> 24), (u8)((u32)(v) >> 16), \
		(u8)((u32)(v) >> 8), (u8)(v)

/* Exact-size heap copy so that ASan sees any read past the end. */
static u8 *heapdup(const void *p, size_t n)
{
	u8 *b = malloc(n ? n : 1);

	assert_non_null(b);
	memcpy(b, p, n);
	return b;
}

/* A hand-written byte string, for expectations too long to spell out. */
struct wire {
	u8	b[1024];
	size_t	n;
};

static void w32(struct wire *w, u32 v)
{
	const u8 be[4] = { BE32(v) };

	assert_true(w->n + 4 <= sizeof(w->b));
	memcpy(w->b + w->n, be, 4);
	w->n += 4;
}

static void wbytes(struct wire *w, const void *p, size_t n)
{
	assert_true(w->n + n <= sizeof(w->b));
	memcpy(w->b + w->n, p, n);
	w->n += n;
}

static void wzero(struct wire *w, size_t n)
{
	assert_true(w->n + n <= sizeof(w->b));
	memset(w->b + w->n, 0, n);
	w->n += n;
}

/*
 * Call header
 */

static void test_call_auth_none(void **state)
{
	static const u8 want[] = {
		BE32(0x11223344),	/* xid */
		BE32(0),		/* mtype CALL */
		BE32(2),		/* rpcvers */
		BE32(100003), BE32(3), BE32(6),	/* NFS v3 READ */
		BE32(0), BE32(0),	/* cred AUTH_NONE, empty body */
		BE32(0), BE32(0),	/* verf AUTH_NONE, empty body */
	};
	struct rpc_cred cred = { .flavor = RPC_AUTH_NONE };
	u8 buf[64];
	struct xdr_enc x;

	(void)state;
	memset(buf, 0xee, sizeof(buf));
	xdr_enc_init(&x, buf, sizeof(buf));
	assert_int_equal(rpc_encode_call(&x, 0x11223344, 100003, 3, 6, &cred),
			 0);
	assert_int_equal(xdr_enc_result(&x), sizeof(want));
	assert_memory_equal(buf, want, sizeof(want));
	assert_int_equal(buf[sizeof(want)], 0xee);	/* nothing past it */
}

static void test_call_auth_sys(void **state)
{
	/* machine "blade" (5 bytes, 3 of padding), uid 1000, gid 100 */
	static const u8 want[] = {
		BE32(7), BE32(0), BE32(2), BE32(100005), BE32(3), BE32(1),
		BE32(1), BE32(28),		/* AUTH_SYS, body size */
		BE32(0x5eed),				/* stamp */
		BE32(5), 'b', 'l', 'a', 'd', 'e', 0, 0, 0,
		BE32(1000), BE32(100), BE32(0),		/* uid, gid, no gids */
		BE32(0), BE32(0),			/* verifier */
	};
	struct rpc_cred cred = {
		.flavor = RPC_AUTH_SYS, .stamp = 0x5eed, .machine = "blade",
		.uid = 1000, .gid = 100,
	};
	u8 buf[128];
	struct xdr_enc x;

	(void)state;
	memset(buf, 0xee, sizeof(buf));	/* padding must be written as 0 */
	xdr_enc_init(&x, buf, sizeof(buf));
	assert_int_equal(rpc_encode_call(&x, 7, 100005, 3, 1, &cred), 0);
	assert_int_equal(xdr_enc_result(&x), sizeof(want));
	assert_memory_equal(buf, want, sizeof(want));

	/* Every buffer too short overflows: -ENOSPC, nothing past it. */
	for (size_t n = 0; n < sizeof(want); n++) {
		u8 *b = malloc(n ? n : 1);

		assert_non_null(b);
		xdr_enc_init(&x, b, n);
		assert_int_equal(rpc_encode_call(&x, 7, 100005, 3, 1, &cred),
				 0);
		assert_int_equal(xdr_enc_result(&x), -ENOSPC);
		free(b);
	}
	/* the exact size fits */
	{
		u8 *b = malloc(sizeof(want));

		assert_non_null(b);
		xdr_enc_init(&x, b, sizeof(want));
		rpc_encode_call(&x, 7, 100005, 3, 1, &cred);
		assert_int_equal(xdr_enc_result(&x), sizeof(want));
		assert_memory_equal(b, want, sizeof(want));
		free(b);
	}
}

static void test_call_auth_sys_uid_gid(void **state)
{
	/* root, no machine name, large stamp, uid/gid with the top bit set */
	static const u8 want[] = {
		BE32(0xfffffffe), BE32(0), BE32(2),
		BE32(100000), BE32(2), BE32(3),
		BE32(1), BE32(20),
		BE32(0xdeadbeef),
		BE32(0),				/* machinename "" */
		BE32(0xfffffffe), BE32(0x80000000),	/* uid, gid */
		BE32(0),
		BE32(0), BE32(0),
	};
	struct rpc_cred cred = {
		.flavor = RPC_AUTH_SYS, .stamp = 0xdeadbeef, .machine = "",
		.uid = 0xfffffffe, .gid = 0x80000000,
	};
	u8 buf[128];
	struct xdr_enc x;

	(void)state;
	xdr_enc_init(&x, buf, sizeof(buf));
	assert_int_equal(rpc_encode_call(&x, 0xfffffffe, 100000, 2, 3, &cred),
			 0);
	assert_int_equal(xdr_enc_result(&x), sizeof(want));
	assert_memory_equal(buf, want, sizeof(want));
}

/* Machine names of every padding class, up to RPC_MACHINE_MAX. */
static void test_call_machine_padding(void **state)
{
	static const struct {
		size_t len;
		size_t pad;	/* by hand: zero bytes to the next 4 */
	} cases[] = {
		{ 1, 3 }, { 2, 2 }, { 3, 1 }, { 4, 0 }, { 6, 2 }, { 8, 0 },
		{ 253, 3 }, { 254, 2 }, { 255, 1 },
	};
	char name[RPC_MACHINE_MAX + 1];
	struct rpc_cred cred = {
		.flavor = RPC_AUTH_SYS, .stamp = 1, .machine = name,
		.uid = 2, .gid = 3,
	};
	u8 buf[512];
	struct xdr_enc x;
	struct wire w;

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		size_t len = cases[i].len;

		for (size_t k = 0; k < len; k++)
			name[k] = (char)('a' + k % 26);
		name[len] = '\0';

		w.n = 0;
		w32(&w, 0x0a0b0c0d);
		w32(&w, 0);
		w32(&w, 2);
		w32(&w, 100003);
		w32(&w, 3);
		w32(&w, 0);
		w32(&w, 1);
		w32(&w, (u32)(20 + len + cases[i].pad));
		w32(&w, 1);
		w32(&w, (u32)len);
		wbytes(&w, name, len);
		wzero(&w, cases[i].pad);
		w32(&w, 2);
		w32(&w, 3);
		w32(&w, 0);
		w32(&w, 0);
		w32(&w, 0);

		memset(buf, 0xee, sizeof(buf));
		xdr_enc_init(&x, buf, sizeof(buf));
		assert_int_equal(rpc_encode_call(&x, 0x0a0b0c0d, 100003, 3, 0,
						 &cred), 0);
		assert_int_equal(xdr_enc_result(&x), w.n);
		assert_memory_equal(buf, w.b, w.n);
		assert_int_equal(w.n % 4, 0);
	}
}

static void test_call_bad_cred(void **state)
{
	char name[RPC_MACHINE_MAX + 2];
	struct rpc_cred cred = { .flavor = RPC_AUTH_SYS, .machine = name };
	struct rpc_cred odd = { .flavor = 6 };	/* RPCSEC_GSS: not ours */
	u8 buf[512];
	struct xdr_enc x;

	(void)state;
	memset(name, 'm', sizeof(name) - 1);
	name[sizeof(name) - 1] = '\0';		/* 256 characters */
	xdr_enc_init(&x, buf, sizeof(buf));
	assert_int_equal(rpc_encode_call(&x, 1, 1, 1, 1, &cred), -EINVAL);
	assert_int_equal(rpc_encode_call(&x, 1, 1, 1, 1, &odd), -EINVAL);
	cred.machine = NULL;
	assert_int_equal(rpc_encode_call(&x, 1, 1, 1, 1, &cred), -EINVAL);
	/* nothing was written by the failed calls */
	assert_int_equal(xdr_enc_result(&x), 0);
}

/* A call header appended after other bytes (the record marker space). */
static void test_call_after_marker(void **state)
{
	static const u8 want[] = {
		0, 0, 0, 0,
		BE32(1), BE32(0), BE32(2), BE32(100003), BE32(3), BE32(0),
		BE32(0), BE32(0), BE32(0), BE32(0),
	};
	struct rpc_cred cred = { .flavor = RPC_AUTH_NONE };
	u8 buf[44];
	struct xdr_enc x;

	(void)state;
	memset(buf, 0, sizeof(buf));
	xdr_enc_init(&x, buf, sizeof(buf));
	assert_non_null(xdr_enc_reserve(&x, RPC_MARKER_LEN));
	rpc_encode_call(&x, 1, 100003, 3, 0, &cred);
	assert_int_equal(xdr_enc_result(&x), sizeof(want));
	assert_memory_equal(buf, want, sizeof(want));
	/* one more byte does not fit: -ENOSPC from then on */
	xdr_put_u32(&x, 0);
	assert_int_equal(xdr_enc_result(&x), -ENOSPC);
	xdr_enc_init(&x, buf, sizeof(buf) - 1);
	xdr_enc_reserve(&x, RPC_MARKER_LEN);
	rpc_encode_call(&x, 1, 100003, 3, 0, &cred);
	assert_int_equal(xdr_enc_result(&x), -ENOSPC);
}

/*
 * Record marking
 */

/* Split by the encoder with every fragment size, joined by the decoder. */
/*
 * Reply header
 */

static int reply(const u8 *p, size_t n, struct rpc_reply *r, size_t *need,
		 size_t *pos)
{
	u8 *b = heapdup(p, n);
	struct xdr_dec d;
	int ret;

	xdr_dec_init(&d, b, n);
	ret = rpc_decode_reply(&d, r);
	assert_int_equal(ret, d.err);
	assert_true(d.pos <= n);
	if (need)
		*need = d.need;
	if (pos)
		*pos = d.pos;
	free(b);
	return ret;
}

/*
 * Every strict prefix of the @hdr bytes of a valid reply header: -EAGAIN,
 * and the bytes wanted are more than there are, never more than the whole
 * header (a stream reader must not read into what follows).
 */
static void every_prefix(const u8 *p, size_t hdr)
{
	struct rpc_reply r;
	size_t need, pos;

	assert_int_equal(reply(p, hdr, &r, NULL, &pos), 0);
	assert_int_equal(pos, hdr);
	for (size_t k = 0; k < hdr; k++) {
		need = 0;
		assert_int_equal(reply(p, k, &r, &need, NULL), -EAGAIN);
		assert_true(need > k);
		assert_true(need <= hdr);
	}
}

static void test_reply_success(void **state)
{
	/* accepted, verifier AUTH_SYS with 6 bytes of body, SUCCESS, result */
	static const u8 in[] = {
		BE32(0xabcdef01), BE32(1), BE32(0), BE32(1), BE32(6),
		1, 2, 3, 4, 5, 6, 0, 0, BE32(0), BE32(0x42),
	};
	/* accepted, AUTH_NONE verifier with an empty body, SUCCESS */
	static const u8 plain[] = {
		BE32(9), BE32(1), BE32(0), BE32(0), BE32(0), BE32(0),
	};
	struct rpc_reply r;
	char text[64];
	size_t pos;

	(void)state;
	assert_int_equal(reply(in, sizeof(in), &r, NULL, &pos), 0);
	assert_int_equal(r.xid, 0xabcdef01);
	assert_int_equal(r.reply_stat, RPC_MSG_ACCEPTED);
	assert_int_equal(r.stat, RPC_SUCCESS);
	assert_int_equal(rpc_reply_errno(&r), 0);
	assert_int_equal(pos, sizeof(in) - 4);	/* at the results */
	rpc_reply_str(&r, text, sizeof(text));
	assert_string_equal(text, "success");
	every_prefix(in, sizeof(in) - 4);

	assert_int_equal(reply(plain, sizeof(plain), &r, NULL, &pos), 0);
	assert_int_equal(r.xid, 9);
	assert_int_equal(rpc_reply_errno(&r), 0);
	assert_int_equal(pos, sizeof(plain));
	every_prefix(plain, sizeof(plain));
}

static void test_reply_verifier_sizes(void **state)
{
	static const u8 lens[] = { 1, 2, 3, 4, 5, 7, 8 };
	u8 in[24 + 400];
	struct rpc_reply r;
	size_t pos;

	(void)state;
	/* 400 bytes is the most an opaque_auth body may hold */
	memset(in, 0x5a, sizeof(in));
	nsp_put_be32(in, 77);
	nsp_put_be32(in + 4, 1);
	nsp_put_be32(in + 8, 0);
	nsp_put_be32(in + 12, 1);
	nsp_put_be32(in + 16, 400);
	nsp_put_be32(in + 20 + 400, 0);
	assert_int_equal(reply(in, sizeof(in), &r, NULL, &pos), 0);
	assert_int_equal(pos, sizeof(in));
	assert_int_equal(rpc_reply_errno(&r), 0);
	every_prefix(in, sizeof(in));
	/* 401: -EBADMSG, even with the bytes all there */
	nsp_put_be32(in + 16, 401);
	assert_int_equal(reply(in, sizeof(in), &r, NULL, NULL), -EBADMSG);
	/* and before they are: the length alone is impossible */
	assert_int_equal(reply(in, 20, &r, NULL, NULL), -EBADMSG);

	/* each padding class: body, zero padding, accept_stat after it */
	for (size_t i = 0; i < sizeof(lens); i++) {
		size_t quad = (lens[i] + 3u) & ~3u;
		u8 b[40];

		memset(b, 0, sizeof(b));
		nsp_put_be32(b, 1);
		nsp_put_be32(b + 4, 1);
		nsp_put_be32(b + 16, lens[i]);
		memset(b + 20, 0xab, lens[i]);
		nsp_put_be32(b + 20 + quad, RPC_GARBAGE_ARGS);
		assert_int_equal(reply(b, 24 + quad, &r, NULL, &pos), 0);
		assert_int_equal(pos, 24 + quad);
		assert_int_equal(r.stat, RPC_GARBAGE_ARGS);
		every_prefix(b, 24 + quad);
	}
}

static void test_reply_wrong_xid(void **state)
{
	/* a reply for XID 0x0badf00d while the caller waits for 0x0badf00e */
	static const u8 in[] = {
		BE32(0x0badf00d), BE32(1), BE32(0), BE32(0), BE32(0), BE32(0),
		BE32(2049),
	};
	const u32 expected = 0x0badf00e;
	struct rpc_reply r;
	size_t pos;

	(void)state;
	/* The decoder reports the XID; matching it is the caller's job. */
	assert_int_equal(reply(in, sizeof(in), &r, NULL, &pos), 0);
	assert_int_equal(r.xid, 0x0badf00d);
	assert_true(r.xid != expected);
	assert_int_equal(pos, 24);
	/* even a reply cut short reports the XID once it has it */
	assert_int_equal(reply(in, 4, &r, NULL, NULL), -EAGAIN);
	assert_int_equal(r.xid, 0x0badf00d);
}

static void test_reply_accept_errors(void **state)
{
	static const struct {
		u32 stat;
		int err;
		const char *text;
	} cases[] = {
		{ RPC_PROG_UNAVAIL, -EPROTONOSUPPORT, "program unavailable" },
		{ RPC_PROC_UNAVAIL, -EOPNOTSUPP, "procedure unavailable" },
		{ RPC_GARBAGE_ARGS, -EINVAL,
		  "server could not decode the arguments" },
		{ RPC_SYSTEM_ERR, -EREMOTEIO, "server system error" },
		{ 77, -EPROTO, "unknown RPC accept status" },
	};
	u8 in[24] = { BE32(1), BE32(1), BE32(0), BE32(0), BE32(0), BE32(0) };
	struct rpc_reply r;
	char text[80];
	size_t pos;

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		nsp_put_be32(in + 20, cases[i].stat);
		assert_int_equal(reply(in, sizeof(in), &r, NULL, &pos), 0);
		assert_int_equal(pos, sizeof(in));	/* nothing follows */
		assert_int_equal(r.reply_stat, RPC_MSG_ACCEPTED);
		assert_int_equal(r.stat, cases[i].stat);
		assert_int_equal(rpc_reply_errno(&r), cases[i].err);
		rpc_reply_str(&r, text, sizeof(text));
		assert_string_equal(text, cases[i].text);
		every_prefix(in, sizeof(in));
	}
}

static void test_reply_prog_mismatch(void **state)
{
	static const u8 mism[] = {
		BE32(1), BE32(1), BE32(0), BE32(0), BE32(0), BE32(2),
		BE32(2), BE32(4),			/* low, high */
	};
	static const u8 big[] = {
		BE32(1), BE32(1), BE32(0), BE32(0), BE32(0), BE32(2),
		BE32(0), BE32(0xffffffff),
	};
	struct rpc_reply r;
	char text[80];
	size_t pos;

	(void)state;
	assert_int_equal(reply(mism, sizeof(mism), &r, NULL, &pos), 0);
	assert_int_equal(pos, sizeof(mism));
	assert_int_equal(r.stat, RPC_PROG_MISMATCH);
	assert_int_equal(rpc_reply_errno(&r), -EPROTONOSUPPORT);
	assert_int_equal(r.low, 2);
	assert_int_equal(r.high, 4);
	rpc_reply_str(&r, text, sizeof(text));
	assert_string_equal(text, "program version mismatch (server 2-4)");
	/* the versions are part of the reply: cut short, wait for them */
	every_prefix(mism, sizeof(mism));
	/* a short text buffer truncates, never overflows */
	assert_int_equal(reply(mism, sizeof(mism), &r, NULL, NULL), 0);
	rpc_reply_str(&r, text, 8);
	assert_string_equal(text, "program");
	assert_int_equal(reply(big, sizeof(big), &r, NULL, NULL), 0);
	rpc_reply_str(&r, text, sizeof(text));
	assert_string_equal(text,
			    "program version mismatch (server 0-4294967295)");
}

static void test_reply_rpc_mismatch(void **state)
{
	static const u8 rpcmis[] = {
		BE32(5), BE32(1), BE32(1),	/* xid, REPLY, MSG_DENIED */
		BE32(0), BE32(3), BE32(4),	/* RPC_MISMATCH, low, high */
	};
	struct rpc_reply r;
	char text[80];
	size_t pos;

	(void)state;
	assert_int_equal(reply(rpcmis, sizeof(rpcmis), &r, NULL, &pos), 0);
	assert_int_equal(pos, sizeof(rpcmis));
	assert_int_equal(r.xid, 5);
	assert_int_equal(r.reply_stat, RPC_MSG_DENIED);
	assert_int_equal(r.stat, RPC_MISMATCH);
	assert_int_equal(r.low, 3);
	assert_int_equal(r.high, 4);
	assert_int_equal(rpc_reply_errno(&r), -EPROTONOSUPPORT);
	rpc_reply_str(&r, text, sizeof(text));
	assert_string_equal(text, "RPC version mismatch (server 3-4)");
	every_prefix(rpcmis, sizeof(rpcmis));
}

static void test_reply_auth_error(void **state)
{
	static const struct {
		u32 auth;
		const char *text;
	} auths[] = {
		{ RPC_AUTH_OK, "authentication error" },
		{ RPC_AUTH_BADCRED, "bad credential" },
		{ RPC_AUTH_REJECTEDCRED, "credential rejected" },
		{ RPC_AUTH_BADVERF, "bad verifier" },
		{ RPC_AUTH_REJECTEDVERF, "verifier rejected" },
		{ RPC_AUTH_TOOWEAK, "credential too weak" },
		{ 6, "authentication error" },	/* AUTH_INVALIDRESP */
		{ 99, "authentication error" },
	};
	/* xid, REPLY, MSG_DENIED, AUTH_ERROR, auth_stat */
	u8 autherr[] = { BE32(5), BE32(1), BE32(1), BE32(1), BE32(0) };
	struct rpc_reply r;
	char text[80];
	size_t pos;

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(auths); i++) {
		nsp_put_be32(autherr + 16, auths[i].auth);
		assert_int_equal(reply(autherr, sizeof(autherr), &r, NULL,
				       &pos), 0);
		assert_int_equal(pos, sizeof(autherr));
		assert_int_equal(r.reply_stat, RPC_MSG_DENIED);
		assert_int_equal(r.stat, RPC_AUTH_ERROR);
		assert_int_equal(r.auth_stat, auths[i].auth);
		assert_int_equal(rpc_reply_errno(&r), -EACCES);
		rpc_reply_str(&r, text, sizeof(text));
		assert_string_equal(text, auths[i].text);
		every_prefix(autherr, sizeof(autherr));
	}
}

static void test_reply_malformed(void **state)
{
	/* a CALL where a REPLY belongs */
	static const u8 call[] = {
		BE32(1), BE32(0), BE32(2), BE32(100003), BE32(3), BE32(0),
		BE32(0), BE32(0), BE32(0), BE32(0),
	};
	static const u8 mtype2[] = { BE32(1), BE32(2), BE32(0) };
	static const u8 badstat[] = { BE32(1), BE32(1), BE32(2), BE32(0) };
	static const u8 badrej[] = { BE32(5), BE32(1), BE32(1), BE32(7) };
	/* verifier length 200: past the end of 24 bytes */
	static const u8 longverf[] = {
		BE32(1), BE32(1), BE32(0), BE32(1), BE32(200), BE32(0),
	};
	/* verifier length 201: its padding is wanted too */
	static const u8 oddverf[] = {
		BE32(1), BE32(1), BE32(0), BE32(1), BE32(201), BE32(0),
	};
	/* verifier length 404: above RPC_AUTH_BODY_MAX */
	static const u8 hugeverf[] = {
		BE32(1), BE32(1), BE32(0), BE32(1), BE32(404), BE32(0),
	};
	/* verifier length 0xffffffff */
	static const u8 maxverf[] = {
		BE32(1), BE32(1), BE32(0), BE32(1), BE32(0xffffffff), BE32(0),
	};
	struct rpc_reply r;
	size_t need;

	(void)state;
	assert_int_equal(reply(call, sizeof(call), &r, NULL, NULL), -EBADMSG);
	/* known from the first 8 bytes */
	assert_int_equal(reply(call, 8, &r, NULL, NULL), -EBADMSG);
	assert_int_equal(reply(mtype2, sizeof(mtype2), &r, NULL, NULL),
			 -EBADMSG);
	assert_int_equal(reply(badstat, sizeof(badstat), &r, NULL, NULL),
			 -EBADMSG);
	assert_int_equal(reply(badstat, 12, &r, NULL, NULL), -EBADMSG);
	assert_int_equal(reply(badrej, sizeof(badrej), &r, NULL, NULL),
			 -EBADMSG);
	assert_int_equal(reply(longverf, sizeof(longverf), &r, &need, NULL),
			 -EAGAIN);
	assert_int_equal(need, 20 + 200);
	assert_int_equal(reply(oddverf, sizeof(oddverf), &r, &need, NULL),
			 -EAGAIN);
	assert_int_equal(need, 20 + 204);
	assert_int_equal(reply(hugeverf, sizeof(hugeverf), &r, NULL, NULL),
			 -EBADMSG);
	assert_int_equal(reply(maxverf, sizeof(maxverf), &r, NULL, NULL),
			 -EBADMSG);
}

/*
 * XDR cursors
 */

static void test_xdr_decode(void **state)
{
	static const u8 in[] = {
		BE32(3), 'a', 'b', 'c', 0, BE32(2),
		0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08,
	};
	u8 *b = heapdup(in, sizeof(in));
	struct xdr_dec d;
	const u8 *p;
	u32 n;

	(void)state;
	xdr_dec_init(&d, b, sizeof(in));
	p = xdr_get_opaque(&d, 8, &n);
	assert_non_null(p);
	assert_int_equal(n, 3);
	assert_memory_equal(p, "abc", 3);
	assert_int_equal(d.pos, 8);
	assert_false(xdr_get_bool(&d));		/* 2 is not a boolean */
	assert_int_equal(d.err, -EBADMSG);
	/* the first error sticks; reads return zeroes */
	assert_int_equal(xdr_get_u32(&d), 0);
	assert_int_equal(xdr_get_u64(&d), 0);
	assert_int_equal(d.err, -EBADMSG);

	xdr_dec_init(&d, b, sizeof(in));
	assert_null(xdr_get_opaque(&d, 2, &n));	/* longer than its limit */
	assert_int_equal(n, 0);
	assert_int_equal(d.err, -EBADMSG);

	xdr_dec_init(&d, b, sizeof(in));
	xdr_skip(&d, 3);			/* 3 bytes + 1 of padding */
	assert_int_equal(d.pos, 4);
	xdr_skip(&d, 8);
	assert_int_equal(d.pos, 12);
	assert_int_equal(xdr_get_u64(&d), 0x0102030405060708ULL);
	assert_int_equal(d.err, 0);
	assert_int_equal(xdr_get_u32(&d), 0);	/* past the end */
	assert_int_equal(d.err, -EAGAIN);
	assert_int_equal(d.need, sizeof(in) + 4);
	/* a later -EBADMSG does not replace the first error */
	xdr_dec_fail(&d, -EBADMSG);
	assert_int_equal(d.err, -EAGAIN);

	xdr_dec_init(&d, b, sizeof(in));
	xdr_skip(&d, 0x80000000u);
	assert_int_equal(d.err, -EBADMSG);

	/* a NULL buffer is an empty one */
	xdr_dec_init(&d, NULL, 100);
	assert_int_equal(xdr_get_u32(&d), 0);
	assert_int_equal(d.err, -EAGAIN);
	assert_int_equal(d.need, 4);
	free(b);
}

static void test_xdr_encode(void **state)
{
	static const u8 want[] = {
		BE32(2), 'x', 'y', 0, 0,
		BE32(0), BE32(0xffffffff),
		0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08,
		'p', 'q', 'r', 's', 't', 0, 0, 0,
		BE32(0),				/* empty opaque */
	};
	u8 out[sizeof(want)];
	struct xdr_enc x;

	(void)state;
	memset(out, 0xee, sizeof(out));
	xdr_enc_init(&x, out, sizeof(out));
	xdr_put_opaque(&x, "xy", 2);
	xdr_put_u32(&x, 0);
	xdr_put_u32(&x, 0xffffffff);
	xdr_put_u64(&x, 0x0102030405060708ULL);
	xdr_put_fixed(&x, "pqrst", 5);
	xdr_put_opaque(&x, NULL, 0);
	assert_int_equal(xdr_enc_result(&x), sizeof(want));
	assert_memory_equal(out, want, sizeof(want));
	/* full: the next append overflows and is dropped */
	xdr_put_u32(&x, 1);
	assert_int_equal(xdr_enc_result(&x), -ENOSPC);
	assert_int_equal(x.used, sizeof(want));

	/* an append that does not fit drops later ones that would */
	xdr_enc_init(&x, out, 6);
	xdr_put_u64(&x, 1);
	xdr_put_u32(&x, 1);
	assert_true(x.overflow);
	assert_int_equal(x.used, 0);
	assert_int_equal(xdr_enc_result(&x), -ENOSPC);

	xdr_enc_init(&x, NULL, 100);
	xdr_put_u32(&x, 1);
	assert_int_equal(xdr_enc_result(&x), -ENOSPC);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_call_auth_none),
		cmocka_unit_test(test_call_auth_sys),
		cmocka_unit_test(test_call_auth_sys_uid_gid),
		cmocka_unit_test(test_call_machine_padding),
		cmocka_unit_test(test_call_bad_cred),
		cmocka_unit_test(test_call_after_marker),
		cmocka_unit_test(test_reply_success),
		cmocka_unit_test(test_reply_verifier_sizes),
		cmocka_unit_test(test_reply_wrong_xid),
		cmocka_unit_test(test_reply_accept_errors),
		cmocka_unit_test(test_reply_prog_mismatch),
		cmocka_unit_test(test_reply_rpc_mismatch),
		cmocka_unit_test(test_reply_auth_error),
		cmocka_unit_test(test_reply_malformed),
		cmocka_unit_test(test_xdr_decode),
		cmocka_unit_test(test_xdr_encode),
	};

	return cmocka_run_group_tests_name("rpc", tests, NULL, NULL);
}
