// SPDX-License-Identifier: GPL-2.0
/* Unit tests for kernel/proto/rpc_rx.c, the module's NFS reply reception. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>

#include "../lib/rpc_rx_caller.h"

/* A toy reply: XID, count, kind, then @count data bytes (i * 3) and pad. */
static size_t reply(u8 *out, u32 count, u32 kind, u32 extra)
{
	size_t n = 12, i;

	nsp_put_be32(out, 0x1234);
	nsp_put_be32(out + 4, count);
	nsp_put_be32(out + 8, kind);
	if (kind == 1) {
		for (i = 0; i < count; i++)
			out[n + i] = (u8)(i * 3);
		n += count;
		memset(out + n, 0, XDR_PAD(count));
		n += XDR_PAD(count);
	}
	memset(out + n, 0xee, extra);
	return n + extra;
}

/* Frame @body as a record in fragments of @frag bytes (0: one), with an
 * empty fragment before each of the first @empties. */
static size_t record(u8 *out, const u8 *body, size_t len, size_t frag,
		     u32 empties)
{
	size_t n = 0, off = 0;

	do {
		size_t k = frag && len - off > frag ? frag : len - off;
		bool last = off + k == len;

		if (empties) {
			nsp_put_be32(out + n, 0);
			n += 4;
			empties--;
		}
		nsp_put_be32(out + n, (last ? 0x80000000u : 0) | (u32)k);
		memcpy(out + n + 4, body + off, k);
		n += 4 + k;
		off += k;
	} while (off < len);
	return n;
}

static void test_any_framing(void **state)
{
	static const size_t frags[] = { 0, 1, 3, 4, 5, 13, 4096 };
	static const u32 chunks[] = { 1, 2, 7, 4096, 1u << 20 };
	static u8 body[3][70000], s[1 << 20];
	static struct rx_caller c;
	size_t blen[3], len, f, k, i;

	(void)state;
	blen[0] = reply(body[0], 4099, 1, 0);
	blen[1] = reply(body[1], 0, 2, 40);	/* a WRITE reply, say */
	blen[2] = reply(body[2], 65536, 1, 9);	/* trailing bytes skipped */
	for (f = 0; f < sizeof(frags) / sizeof(frags[0]); f++) {
		len = 0;
		for (i = 0; i < 3; i++)
			len += record(s + len, body[i], blen[i], frags[f],
				      f & 1 ? RPC_RX_MAX_EMPTY : 0);
		for (k = 0; k < sizeof(chunks) / sizeof(chunks[0]); k++) {
			rx_caller_init(&c);
			assert_int_equal(rx_caller_feed(&c, s, len, chunks[k]),
					 (long)len);
			assert_int_equal(c.records, 3);
			assert_int_equal(c.reads, 2);
			assert_int_equal(c.skips, 1);
			assert_int_equal(c.last_count, 65536);
			for (i = 0; i < 65536; i++)
				assert_int_equal(c.pages[i], (u8)(i * 3));
			/* Between records again: the next marker is asked. */
			{
				enum rpc_rx_sink sink;
				u8 *buf;

				assert_int_equal(rpc_rx_want(&c.rx, &buf, &sink,
							     &c.why), 4);
				assert_int_equal(sink, RPC_RX_TO_BUF);
			}
		}
	}
}

static void test_record_ends_early(void **state)
{
	static u8 body[64], s[128];
	static struct rx_caller c;
	size_t len;

	(void)state;
	/* A record that stops inside its header. */
	reply(body, 8, 1, 0);
	len = record(s, body, 10, 0, 0);
	rx_caller_init(&c);
	assert_int_equal(rx_caller_feed(&c, s, len + 4, 1u << 20), -1);
	assert_string_equal(c.why, "reply ends inside its header or data");
	/* ... or inside its READ data. */
	len = record(s, body, 15, 0, 0);
	rx_caller_init(&c);
	assert_int_equal(rx_caller_feed(&c, s, len + 4, 3), -1);
	assert_string_equal(c.why, "reply ends inside its header or data");
	/* An empty last fragment as a whole record. */
	nsp_put_be32(s, 0x80000000u);
	rx_caller_init(&c);
	assert_int_equal(rx_caller_feed(&c, s, 8, 1u << 20), -1);
}

/* @n empty fragments, none the last. */
static size_t empties(u8 *out, u32 n)
{
	u32 i;

	for (i = 0; i < n; i++)
		nsp_put_be32(out + 4 * i, 0);
	return 4 * n;
}

/* A hostile server: huge markers, records over the limit, empty storms. */
static void test_limits(void **state)
{
	static u8 body[RX_REC_MAX + 8], s[RX_REC_MAX + 8 * 70];
	static struct rx_caller c;
	size_t blen, len;

	(void)state;
	/* The longest record accepted, then one byte more. */
	blen = reply(body, 0, 2, RX_REC_MAX - 12);
	len = record(s, body, blen, 0, 0);
	rx_caller_init(&c);
	assert_int_equal(rx_caller_feed(&c, s, len, 1u << 20), (long)len);
	assert_int_equal(c.skips, 1);
	blen = reply(body, 0, 2, RX_REC_MAX - 11);
	len = record(s, body, blen, 0, 0);
	rx_caller_init(&c);
	assert_int_equal(rx_caller_feed(&c, s, len, 1u << 20), -1);
	assert_string_equal(c.why, "record longer than any reply");
	/* ... also when the fragments only add up to more. */
	len = record(s, body, blen, 4096, 0);
	rx_caller_init(&c);
	assert_int_equal(rx_caller_feed(&c, s, len, 1u << 20), -1);
	assert_string_equal(c.why, "record longer than any reply");
	/* A marker of 2^31 - 1: refused before a byte of it is read. */
	nsp_put_be32(s, 0x7fffffffu);
	rx_caller_init(&c);
	assert_int_equal(rx_caller_feed(&c, s, 5, 1u << 20), -1);
	assert_string_equal(c.why, "record longer than any reply");
	/* ... and every later call fails too. */
	{
		enum rpc_rx_sink sink;
		const char *why = NULL;
		u8 *buf;

		assert_int_equal(rpc_rx_want(&c.rx, &buf, &sink, &why),
				 -EPROTO);
		assert_string_equal(why, "record longer than any reply");
	}
	/* 64 empty fragments in a reply are fine; 65 are not. */
	blen = reply(body, 0, 2, 0);
	len = empties(s, RPC_RX_MAX_EMPTY);
	len += record(s + len, body, blen, 0, 0);
	rx_caller_init(&c);
	assert_int_equal(rx_caller_feed(&c, s, len, 1u << 20), (long)len);
	assert_int_equal(c.records, 1);
	len = empties(s, RPC_RX_MAX_EMPTY + 1);
	len += record(s + len, body, blen, 0, 0);
	rx_caller_init(&c);
	assert_int_equal(rx_caller_feed(&c, s, len, 1u << 20), -1);
	assert_string_equal(c.why,
			    "more than 64 empty record fragments in one reply");
	/* The count starts again with each record. */
	len = empties(s, RPC_RX_MAX_EMPTY);
	len += record(s + len, body, blen, 0, 0);
	len += empties(s + len, RPC_RX_MAX_EMPTY - 1);
	len += record(s + len, body, blen, 0, 1);
	rx_caller_init(&c);
	assert_int_equal(rx_caller_feed(&c, s, len, 7), (long)len);
	assert_int_equal(c.records, 2);
}

static void test_more_and_data(void **state)
{
	static struct rx_caller c;
	const char *why;

	(void)state;
	rx_caller_init(&c);
	c.rx.got = 12;
	assert_int_equal(rpc_rx_more(&c.rx, 12, &why), -EPROTO);
	assert_string_equal(why, "reply header too large");
	assert_int_equal(rpc_rx_more(&c.rx, 65, &why), -EPROTO);
	assert_int_equal(rpc_rx_more(&c.rx, 64, &why), 0);
	assert_true(rpc_rx_data(&c.rx, 0));	/* nothing to read */
	assert_int_equal(c.rx.state, RPC_RX_SKIP);
	assert_false(rpc_rx_data(&c.rx, 5));
	assert_int_equal(c.rx.pad_left, 3);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_any_framing),
		cmocka_unit_test(test_record_ends_early),
		cmocka_unit_test(test_limits),
		cmocka_unit_test(test_more_and_data),
	};

	return cmocka_run_group_tests_name("rpc_rx", tests, NULL, NULL);
}
