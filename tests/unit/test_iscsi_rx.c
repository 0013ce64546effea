// SPDX-License-Identifier: GPL-2.0
/* Unit tests for kernel/proto/iscsi_rx.c, the module's receive framing. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>

#include "iscsi_rx.h"
#include "../lib/crc32c.h"

#define MAX_DSL	65536
#define MAX_CTL	8192

static u32 digest(const void *p, size_t len)
{
	return ~test_crc32c(~0u, p, len);
}

/*
 * Append one PDU to @out: a BHS with @opcode, @ahs bytes of AHS and
 * @len bytes of data (each byte i is i * 7), padding, and the digests
 * asked for. Returns the new length.
 */
static size_t put_pdu(u8 *out, size_t at, u8 opcode, u32 ahs, u32 len,
		      bool hd, bool dd)
{
	u8 *bhs = out + at;
	size_t n = at;
	u32 i, pad = ISCSI_PAD(len);

	memset(bhs, 0, ISCSI_BHS_LEN);
	bhs[0] = opcode;
	bhs[1] = 0x80;
	bhs[4] = (u8)(ahs / 4);
	bhs[5] = (u8)(len >> 16);
	bhs[6] = (u8)(len >> 8);
	bhs[7] = (u8)len;
	memset(bhs + 16, 0xff, 4);	/* ITT */
	memset(bhs + 20, 0xff, 4);	/* TTT */
	n += ISCSI_BHS_LEN;
	if (hd) {
		nsp_put_le32(out + n, digest(bhs, ISCSI_BHS_LEN));
		n += 4;
	}
	memset(out + n, 0xab, ahs);
	n += ahs;
	for (i = 0; i < len; i++)
		out[n + i] = (u8)(i * 7);
	memset(out + n + len, 0, pad);
	if (dd && len) {
		nsp_put_le32(out + n + len + pad, digest(out + n, len + pad));
		n += 4;
	}
	return n + len + pad;
}

struct feed {
	u8	data[MAX_DSL];	/* where the segment is placed */
	int	headers, pdus;
	int	err;
	const char *why;
	size_t	used;		/* stream bytes consumed */
};

/* Feed @len stream bytes in chunks of at most @chunk, as the module reads. */
static void feed(struct iscsi_rx *rx, const u8 *s, size_t len, u32 chunk,
		 struct feed *f)
{
	memset(f, 0, sizeof(*f));
	while (f->used < len) {
		u8 *buf;
		u32 want = iscsi_rx_want(rx, &buf);
		u32 n;
		int ret;

		assert_true(want > 0);
		n = want < chunk ? want : chunk;
		if (n > len - f->used)
			n = (u32)(len - f->used);
		if (!buf)
			buf = f->data + rx->got;
		memcpy(buf, s + f->used, n);
		f->used += n;
		ret = iscsi_rx_advance(rx, buf, n, &f->why);
		if (ret < 0) {
			f->err = ret;
			return;
		}
		f->headers += !!(ret & ISCSI_RX_HEADER);
		f->pdus += !!(ret & ISCSI_RX_PDU);
	}
}

static void check_data(const struct feed *f, u32 len)
{
	u32 i;

	for (i = 0; i < len; i++)
		assert_int_equal(f->data[i], (u8)(i * 7));
}

static void test_digests_any_chunking(void **state)
{
	static const u32 chunks[] = { 1, 2, 3, 5, 7, 48, 52, 4096, 1u << 20 };
	static u8 s[2 * MAX_DSL];
	struct iscsi_rx rx;
	struct feed f;
	size_t len, i;

	(void)state;
	len = put_pdu(s, 0, ISCSI_OP_NOP_IN, 0, 5, true, true);
	assert_int_equal(len, 48 + 4 + 8 + 4);
	len = put_pdu(s, len, ISCSI_OP_SCSI_RSP, 0, 0, true, true);
	len = put_pdu(s, len, ISCSI_OP_DATA_IN, 8, 4099, true, true);
	for (i = 0; i < sizeof(chunks) / sizeof(chunks[0]); i++) {
		iscsi_rx_init(&rx, true, true, MAX_DSL, MAX_CTL, test_crc32c);
		feed(&rx, s, len, chunks[i], &f);
		assert_int_equal(f.err, 0);
		assert_int_equal(f.headers, 3);
		assert_int_equal(f.pdus, 3);
		assert_int_equal(rx.state, ISCSI_RX_BHS);
		assert_int_equal(rx.got, 0);
		assert_int_equal(rx.h.opcode, ISCSI_OP_DATA_IN);
		assert_int_equal(rx.h.ahs_len, 8);
		check_data(&f, 4099);
	}
}

/* A PDU with nothing after its header completes with the header. */
static void test_header_only(void **state)
{
	u8 s[ISCSI_BHS_LEN + 4];
	struct iscsi_rx rx;
	u8 *buf;
	const char *why;
	int ret;

	(void)state;
	put_pdu(s, 0, ISCSI_OP_NOP_IN, 0, 0, false, true);
	iscsi_rx_init(&rx, false, true, MAX_DSL, MAX_CTL, test_crc32c);
	assert_int_equal(iscsi_rx_want(&rx, &buf), ISCSI_BHS_LEN);
	assert_ptr_equal(buf, rx.hdr);
	memcpy(buf, s, 47);
	assert_int_equal(iscsi_rx_advance(&rx, buf, 47, &why), 0);
	assert_int_equal(iscsi_rx_want(&rx, &buf), 1);
	buf[0] = s[47];
	ret = iscsi_rx_advance(&rx, buf, 1, &why);
	assert_int_equal(ret, ISCSI_RX_HEADER | ISCSI_RX_PDU);
	assert_int_equal(iscsi_rx_want(&rx, &buf), ISCSI_BHS_LEN);
}

static void test_digest_mismatch(void **state)
{
	static u8 s[256];
	struct iscsi_rx rx;
	struct feed f;
	size_t len;

	(void)state;
	len = put_pdu(s, 0, ISCSI_OP_NOP_IN, 0, 100, true, true);
	s[50] ^= 1;			/* header digest */
	iscsi_rx_init(&rx, true, true, MAX_DSL, MAX_CTL, test_crc32c);
	feed(&rx, s, len, 1u << 20, &f);
	assert_int_equal(f.err, -EBADMSG);
	assert_string_equal(f.why, "header digest mismatch");
	assert_int_equal(f.headers, 0);
	/* Failed for good: nothing more is asked for or taken. */
	{
		const char *why;
		u8 *buf;

		assert_int_equal(iscsi_rx_want(&rx, &buf), 0);
		assert_int_equal(iscsi_rx_advance(&rx, s, 1, &why), -EPROTO);
		assert_int_equal(iscsi_rx_want(&rx, &buf), 0);
	}

	len = put_pdu(s, 0, ISCSI_OP_NOP_IN, 0, 100, true, true);
	s[100] ^= 0x80;			/* data */
	iscsi_rx_init(&rx, true, true, MAX_DSL, MAX_CTL, test_crc32c);
	feed(&rx, s, len, 7, &f);
	assert_int_equal(f.err, -EBADMSG);
	assert_string_equal(f.why, "data digest mismatch");
	assert_int_equal(rx.state, ISCSI_RX_FAILED);
	assert_int_equal(f.headers, 1);
	assert_int_equal(f.pdus, 0);
	assert_int_equal(f.used, len);	/* found at the digest's last byte */

	/* The padding counts in the data digest. */
	len = put_pdu(s, 0, ISCSI_OP_NOP_IN, 0, 99, false, true);
	s[48 + 99] = 1;
	iscsi_rx_init(&rx, false, true, MAX_DSL, MAX_CTL, test_crc32c);
	feed(&rx, s, len, 3, &f);
	assert_int_equal(f.err, -EBADMSG);

	/* Digests off: nothing is checked, nothing is read for them. */
	len = put_pdu(s, 0, ISCSI_OP_NOP_IN, 0, 99, false, false);
	iscsi_rx_init(&rx, false, false, MAX_DSL, MAX_CTL, test_crc32c);
	feed(&rx, s, len, 3, &f);
	assert_int_equal(f.err, 0);
	assert_int_equal(f.pdus, 1);
}

/* Lengths are refused at the header, before any of their bytes is read. */
static void test_lengths(void **state)
{
	static u8 s[2 * MAX_DSL];
	struct iscsi_rx rx;
	struct feed f;
	size_t len;

	(void)state;
	len = put_pdu(s, 0, ISCSI_OP_NOP_IN, 0, MAX_CTL + 1, false, false);
	iscsi_rx_init(&rx, false, false, MAX_DSL, MAX_CTL, test_crc32c);
	feed(&rx, s, len, 1u << 20, &f);
	assert_int_equal(f.err, -EPROTO);
	assert_string_equal(f.why,
			    "control PDU's data segment longer than its buffer");
	assert_int_equal(f.used, ISCSI_BHS_LEN);

	len = put_pdu(s, 0, ISCSI_OP_NOP_IN, 0, MAX_CTL, false, false);
	iscsi_rx_init(&rx, false, false, MAX_DSL, MAX_CTL, test_crc32c);
	feed(&rx, s, len, 1u << 20, &f);
	assert_int_equal(f.err, 0);
	assert_int_equal(f.pdus, 1);

	len = put_pdu(s, 0, ISCSI_OP_DATA_IN, 0, MAX_DSL, false, false);
	iscsi_rx_init(&rx, false, false, MAX_DSL, MAX_CTL, test_crc32c);
	feed(&rx, s, len, 1u << 20, &f);
	assert_int_equal(f.err, 0);
	check_data(&f, MAX_DSL);

	len = put_pdu(s, 0, ISCSI_OP_DATA_IN, 0, MAX_DSL + 1, false, false);
	iscsi_rx_init(&rx, false, false, MAX_DSL, MAX_CTL, test_crc32c);
	feed(&rx, s, len, 1u << 20, &f);
	assert_int_equal(f.err, -EPROTO);
	assert_string_equal(f.why, "data segment too long");

	/* More than was asked for is a caller's bug, refused. */
	{
		const char *why;
		u8 *buf;

		iscsi_rx_init(&rx, false, false, MAX_DSL, MAX_CTL,
			      test_crc32c);
		assert_int_equal(iscsi_rx_want(&rx, &buf), ISCSI_BHS_LEN);
		assert_int_equal(iscsi_rx_advance(&rx, buf, ISCSI_BHS_LEN + 1,
						  &why), -EPROTO);
		assert_int_equal(iscsi_rx_advance(&rx, buf, 0, &why), -EPROTO);
	}
}

/*
 * The caller refuses a Data-In header (a gap, say): however often it is
 * called afterwards, not one byte of the segment is asked for.
 */
static void test_caller_refuses(void **state)
{
	static u8 s[8192];
	struct iscsi_rx rx;
	const char *why;
	u8 *buf;

	(void)state;
	put_pdu(s, 0, ISCSI_OP_DATA_IN, 0, 4096, false, false);
	iscsi_rx_init(&rx, false, false, MAX_DSL, MAX_CTL, test_crc32c);
	assert_int_equal(iscsi_rx_want(&rx, &buf), ISCSI_BHS_LEN);
	memcpy(buf, s, ISCSI_BHS_LEN);
	assert_int_equal(iscsi_rx_advance(&rx, buf, ISCSI_BHS_LEN, &why),
			 ISCSI_RX_HEADER);
	assert_int_equal(iscsi_rx_want(&rx, &buf), 4096);
	iscsi_rx_fail(&rx);
	assert_int_equal(iscsi_rx_want(&rx, &buf), 0);
	assert_int_equal(iscsi_rx_want(&rx, &buf), 0);
}

/* The AHS is read in small pieces through the trailer and dropped. */
static void test_ahs_skipped(void **state)
{
	static u8 s[4096];
	struct iscsi_rx rx;
	struct feed f;
	size_t len;

	(void)state;
	len = put_pdu(s, 0, ISCSI_OP_SCSI_RSP, 1020, 10, true, true);
	iscsi_rx_init(&rx, true, true, MAX_DSL, MAX_CTL, test_crc32c);
	feed(&rx, s, len, 1u << 20, &f);
	assert_int_equal(f.err, 0);
	assert_int_equal(f.pdus, 1);
	check_data(&f, 10);
}

static void test_crc_self_check(void **state)
{
	(void)state;
	/* The CRC32C check value (RFC 3720 B.4 lists more). */
	assert_int_equal(digest("123456789", 9), 0xe3069283);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_crc_self_check),
		cmocka_unit_test(test_digests_any_chunking),
		cmocka_unit_test(test_header_only),
		cmocka_unit_test(test_digest_mismatch),
		cmocka_unit_test(test_lengths),
		cmocka_unit_test(test_ahs_skipped),
		cmocka_unit_test(test_caller_refuses),
	};

	return cmocka_run_group_tests_name("iscsi_rx", tests, NULL, NULL);
}
