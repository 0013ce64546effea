// SPDX-License-Identifier: GPL-2.0
/* Unit tests for kernel/proto/xdr.h and kernel/proto/rpc.c */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "rpc.h"

/* Exact-size heap copy so that ASan sees any read past the end. */
static u8 *heapdup(const void *p, size_t n)
{
	u8 *b = malloc(n ? n : 1);

	assert_non_null(b);
	memcpy(b, p, n);
	return b;
}

#define BE32(v) (u8)((v) >> 24), (u8)((v) >> 16), (u8)((v) >> 8), (u8)(v)

static void test_call_auth_none(void **state)
{
	static const u8 want[] = {
		BE32(0x11223344), BE32(0), BE32(2), BE32(100003), BE32(3),
		BE32(6), BE32(0), BE32(0), BE32(0), BE32(0),
	};
	struct rpc_cred cred = { .flavor = RPC_AUTH_NONE };
	u8 buf[64];
	struct xdr_enc x;

	(void)state;
	xdr_enc_init(&x, buf, sizeof(buf));
	assert_int_equal(rpc_encode_call(&x, 0x11223344, 100003, 3, 6, &cred), 0);
	assert_int_equal(xdr_enc_result(&x), sizeof(want));
	assert_memory_equal(buf, want, sizeof(want));
	assert_int_equal(rpc_call_size(&cred), sizeof(want));
}

static void test_call_auth_sys(void **state)
{
	/* machine "blade" (5 bytes, 3 of padding), uid 1000, gid 100 */
	static const u8 want[] = {
		BE32(7), BE32(0), BE32(2), BE32(100005), BE32(3), BE32(1),
		BE32(1), BE32(28),			/* AUTH_SYS, body length */
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
	xdr_enc_init(&x, buf, sizeof(buf));
	assert_int_equal(rpc_encode_call(&x, 7, 100005, 3, 1, &cred), 0);
	assert_int_equal(xdr_enc_result(&x), sizeof(want));
	assert_memory_equal(buf, want, sizeof(want));
	assert_int_equal(rpc_call_size(&cred), sizeof(want));

	/* Every buffer one byte short overflows: -ENOSPC, nothing past it. */
	for (size_t n = 0; n < sizeof(want); n++) {
		u8 *b = malloc(n ? n : 1);

		xdr_enc_init(&x, b, n);
		rpc_encode_call(&x, 7, 100005, 3, 1, &cred);
		assert_int_equal(xdr_enc_result(&x), -ENOSPC);
		free(b);
	}
}

static void test_call_bad_cred(void **state)
{
	char name[300];
	struct rpc_cred cred = { .flavor = RPC_AUTH_SYS, .machine = name };
	struct rpc_cred odd = { .flavor = 6 };
	u8 buf[512];
	struct xdr_enc x;

	(void)state;
	memset(name, 'm', sizeof(name) - 1);
	name[sizeof(name) - 1] = '\0';
	xdr_enc_init(&x, buf, sizeof(buf));
	assert_int_equal(rpc_encode_call(&x, 1, 1, 1, 1, &cred), -EINVAL);
	assert_int_equal(rpc_encode_call(&x, 1, 1, 1, 1, &odd), -EINVAL);
	cred.machine = NULL;
	assert_int_equal(rpc_encode_call(&x, 1, 1, 1, 1, &cred), -EINVAL);
}

static void test_record_roundtrip(void **state)
{
	u8 rec[37], out[37 * 5 + 64], back[64];
	size_t used;
	int n, m;

	(void)state;
	for (size_t i = 0; i < sizeof(rec); i++)
		rec[i] = (u8)(i * 7 + 1);
	for (size_t frag = 1; frag <= sizeof(rec) + 1; frag++) {
		n = rpc_record_encode(out, sizeof(out), rec, sizeof(rec), frag);
		assert_true(n > 0);
		assert_int_equal(n, sizeof(rec) + 4 * ((sizeof(rec) + frag - 1) / frag));
		/* only the last fragment has the last bit */
		assert_int_equal(out[0] & 0x80, frag >= sizeof(rec) ? 0x80 : 0);
		m = rpc_record_decode(out, n, back, sizeof(back), &used);
		assert_int_equal(m, sizeof(rec));
		assert_int_equal(used, n);
		assert_memory_equal(back, rec, sizeof(rec));
		/* every truncation of the stream waits for more */
		for (int cut = 0; cut < n; cut++)
			assert_int_equal(rpc_record_decode(out, cut, back,
							   sizeof(back), &used),
					 -EAGAIN);
		/* a record that does not fit */
		assert_int_equal(rpc_record_decode(out, n, back, sizeof(rec) - 1,
						   &used), -EMSGSIZE);
	}
	assert_int_equal(rpc_record_encode(out, sizeof(out), rec, sizeof(rec), 0),
			 -EINVAL);
	assert_int_equal(rpc_record_encode(out, 10, rec, sizeof(rec), 8),
			 -ENOSPC);
}

static void test_record_zero_fragments(void **state)
{
	/* empty, 2 bytes, empty, then 2 bytes marked last; then a 2nd record */
	static const u8 in[] = {
		BE32(0), BE32(2), 'a', 'b', BE32(0), BE32(0x80000002), 'c', 'd',
		BE32(0x80000001), 'z',
	};
	u8 back[8];
	size_t used;

	(void)state;
	assert_int_equal(rpc_record_decode(in, sizeof(in), back, sizeof(back),
					   &used), 4);
	assert_memory_equal(back, "abcd", 4);
	assert_int_equal(used, sizeof(in) - 5);
	assert_int_equal(rpc_record_decode(in + used, sizeof(in) - used, back,
					   sizeof(back), &used), 1);
	assert_int_equal(back[0], 'z');
	assert_int_equal(rpc_marker_len(0x80000010), 16);
	assert_true(rpc_marker_last(0x80000010));
	assert_false(rpc_marker_last(0x10));
}

static int reply(const u8 *p, size_t n, struct rpc_reply *r, size_t *need,
		 size_t *pos)
{
	u8 *b = heapdup(p, n);
	struct xdr_dec d;
	int ret;

	xdr_dec_init(&d, b, n);
	ret = rpc_decode_reply(&d, r);
	if (need)
		*need = d.need;
	if (pos)
		*pos = d.pos;
	free(b);
	return ret;
}

static void test_reply_success(void **state)
{
	/* accepted, verifier AUTH_SYS with 6 bytes of body, SUCCESS, result */
	static const u8 in[] = {
		BE32(0xabcdef01), BE32(1), BE32(0), BE32(1), BE32(6),
		1, 2, 3, 4, 5, 6, 0, 0, BE32(0), BE32(0x42),
	};
	static const u8 plain[] = {
		BE32(9), BE32(1), BE32(0), BE32(0), BE32(0), BE32(0),
	};
	struct rpc_reply r;
	char text[64];
	size_t pos, need;

	(void)state;
	assert_int_equal(reply(in, sizeof(in), &r, NULL, &pos), 0);
	assert_int_equal(r.xid, 0xabcdef01);
	assert_int_equal(rpc_reply_errno(&r), 0);
	assert_int_equal(pos, sizeof(in) - 4);	/* at the results */
	rpc_reply_str(&r, text, sizeof(text));
	assert_string_equal(text, "success");
	assert_int_equal(reply(plain, sizeof(plain), &r, NULL, &pos), 0);
	assert_int_equal(pos, sizeof(plain));

	/* Every prefix: -EAGAIN and a need beyond what is there. */
	for (size_t n = 0; n < sizeof(in) - 4; n++) {
		assert_int_equal(reply(in, n, &r, &need, NULL), -EAGAIN);
		assert_true(need > n);
		assert_true(need <= sizeof(in) - 4);
	}
}

static void test_reply_wrong_xid(void **state)
{
	static const u8 in[] = {
		BE32(0x0badf00d), BE32(1), BE32(0), BE32(0), BE32(0), BE32(0),
	};
	struct rpc_reply r;

	(void)state;
	/* The decoder reports the XID; the caller matches it. */
	assert_int_equal(reply(in, sizeof(in), &r, NULL, NULL), 0);
	assert_int_equal(r.xid, 0x0badf00d);
	assert_int_not_equal(r.xid, 0x0badf00e);
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
		{ RPC_GARBAGE_ARGS, -EINVAL, "server could not decode the arguments" },
		{ RPC_SYSTEM_ERR, -EREMOTEIO, "server system error" },
		{ 77, -EPROTO, "unknown RPC accept status" },
	};
	u8 in[24] = { BE32(1), BE32(1), BE32(0), BE32(0), BE32(0), BE32(0) };
	static const u8 mism[] = {
		BE32(1), BE32(1), BE32(0), BE32(0), BE32(0), BE32(2),
		BE32(2), BE32(4),
	};
	struct rpc_reply r;
	char text[80];

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		nsp_put_be32(in + 20, cases[i].stat);
		assert_int_equal(reply(in, sizeof(in), &r, NULL, NULL), 0);
		assert_int_equal(rpc_reply_errno(&r), cases[i].err);
		rpc_reply_str(&r, text, sizeof(text));
		assert_string_equal(text, cases[i].text);
	}
	assert_int_equal(reply(mism, sizeof(mism), &r, NULL, NULL), 0);
	assert_int_equal(rpc_reply_errno(&r), -EPROTONOSUPPORT);
	assert_int_equal(r.low, 2);
	assert_int_equal(r.high, 4);
	rpc_reply_str(&r, text, sizeof(text));
	assert_string_equal(text, "program version mismatch (server 2-4)");
	/* the versions are part of the reply: cut short, wait for them */
	assert_int_equal(reply(mism, sizeof(mism) - 4, &r, NULL, NULL), -EAGAIN);
	/* a short text buffer truncates, never overflows */
	rpc_reply_str(&r, text, 8);
	assert_string_equal(text, "program");
}

static void test_reply_denied(void **state)
{
	static const u8 rpcmis[] = {
		BE32(5), BE32(1), BE32(1), BE32(0), BE32(2), BE32(2),
	};
	static const struct {
		u32 auth;
		const char *text;
	} auths[] = {
		{ RPC_AUTH_BADCRED, "bad credential" },
		{ RPC_AUTH_REJECTEDCRED, "credential rejected" },
		{ RPC_AUTH_BADVERF, "bad verifier" },
		{ RPC_AUTH_REJECTEDVERF, "verifier rejected" },
		{ RPC_AUTH_TOOWEAK, "credential too weak" },
		{ 99, "authentication error" },
	};
	u8 autherr[] = { BE32(5), BE32(1), BE32(1), BE32(1), BE32(0) };
	static const u8 badrej[] = { BE32(5), BE32(1), BE32(1), BE32(7) };
	struct rpc_reply r;
	char text[80];

	(void)state;
	assert_int_equal(reply(rpcmis, sizeof(rpcmis), &r, NULL, NULL), 0);
	assert_int_equal(rpc_reply_errno(&r), -EPROTONOSUPPORT);
	rpc_reply_str(&r, text, sizeof(text));
	assert_string_equal(text, "RPC version mismatch (server 2-2)");
	for (size_t i = 0; i < sizeof(auths) / sizeof(auths[0]); i++) {
		nsp_put_be32(autherr + 16, auths[i].auth);
		assert_int_equal(reply(autherr, sizeof(autherr), &r, NULL, NULL), 0);
		assert_int_equal(rpc_reply_errno(&r), -EACCES);
		assert_int_equal(r.auth_stat, auths[i].auth);
		rpc_reply_str(&r, text, sizeof(text));
		assert_string_equal(text, auths[i].text);
	}
	assert_int_equal(reply(badrej, sizeof(badrej), &r, NULL, NULL), -EBADMSG);
}

static void test_reply_malformed(void **state)
{
	static const u8 call[] = { BE32(1), BE32(0), BE32(0), BE32(0) };
	static const u8 badstat[] = { BE32(1), BE32(1), BE32(2), BE32(0) };
	/* verifier length 200: past the end of 24 bytes */
	static const u8 longverf[] = {
		BE32(1), BE32(1), BE32(0), BE32(1), BE32(200), BE32(0),
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
	assert_int_equal(reply(badstat, sizeof(badstat), &r, NULL, NULL), -EBADMSG);
	assert_int_equal(reply(longverf, sizeof(longverf), &r, &need, NULL), -EAGAIN);
	assert_int_equal(need, 20 + 200);
	assert_int_equal(reply(hugeverf, sizeof(hugeverf), &r, NULL, NULL), -EBADMSG);
	assert_int_equal(reply(maxverf, sizeof(maxverf), &r, NULL, NULL), -EBADMSG);
}

static void test_xdr_cursor(void **state)
{
	static const u8 in[] = { BE32(3), 'a', 'b', 'c', 0, BE32(2) };
	static const u8 want2[] = { BE32(2), 'x', 'y', 0, 0 };
	u8 out[8], *b = heapdup(in, sizeof(in));
	struct xdr_dec d;
	struct xdr_enc x;
	const u8 *p;
	u32 n;

	(void)state;
	xdr_dec_init(&d, b, sizeof(in));
	p = xdr_get_opaque(&d, 8, &n);
	assert_non_null(p);
	assert_int_equal(n, 3);
	assert_memory_equal(p, "abc", 3);
	assert_false(xdr_get_bool(&d));		/* 2 is not a boolean */
	assert_int_equal(d.err, -EBADMSG);
	/* the first error sticks; reads return zeroes */
	assert_int_equal(xdr_get_u32(&d), 0);
	assert_int_equal(d.err, -EBADMSG);
	xdr_dec_init(&d, b, sizeof(in));
	assert_null(xdr_get_opaque(&d, 2, &n));	/* longer than its limit */
	assert_int_equal(d.err, -EBADMSG);
	free(b);

	xdr_enc_init(&x, out, sizeof(out));
	xdr_put_opaque(&x, "xy", 2);
	assert_int_equal(xdr_enc_result(&x), 8);
	assert_memory_equal(out, want2, 8);
	xdr_put_u32(&x, 1);
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
		cmocka_unit_test(test_call_bad_cred),
		cmocka_unit_test(test_record_roundtrip),
		cmocka_unit_test(test_record_zero_fragments),
		cmocka_unit_test(test_reply_success),
		cmocka_unit_test(test_reply_wrong_xid),
		cmocka_unit_test(test_reply_accept_errors),
		cmocka_unit_test(test_reply_denied),
		cmocka_unit_test(test_reply_malformed),
		cmocka_unit_test(test_xdr_cursor),
	};

	return cmocka_run_group_tests_name("rpc", tests, NULL, NULL);
}
