// SPDX-License-Identifier: GPL-2.0
/* Unit tests for kernel/proto/chap.c */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "chap.h"

/* ---- a small MD5 (RFC 1321), only to check a complete CHAP exchange ---- */

struct md5 {
	uint32_t	h[4];
	uint64_t	len;
	uint8_t		buf[64];
};

static uint32_t rol(uint32_t x, int c)
{
	return x << c | x >> (32 - c);
}

static void md5_block(struct md5 *m, const uint8_t *p)
{
	static const uint32_t k[64] = {
		0xd76aa478, 0xe8c7b756, 0x242070db, 0xc1bdceee, 0xf57c0faf,
		0x4787c62a, 0xa8304613, 0xfd469501, 0x698098d8, 0x8b44f7af,
		0xffff5bb1, 0x895cd7be, 0x6b901122, 0xfd987193, 0xa679438e,
		0x49b40821, 0xf61e2562, 0xc040b340, 0x265e5a51, 0xe9b6c7aa,
		0xd62f105d, 0x02441453, 0xd8a1e681, 0xe7d3fbc8, 0x21e1cde6,
		0xc33707d6, 0xf4d50d87, 0x455a14ed, 0xa9e3e905, 0xfcefa3f8,
		0x676f02d9, 0x8d2a4c8a, 0xfffa3942, 0x8771f681, 0x6d9d6122,
		0xfde5380c, 0xa4beea44, 0x4bdecfa9, 0xf6bb4b60, 0xbebfbc70,
		0x289b7ec6, 0xeaa127fa, 0xd4ef3085, 0x04881d05, 0xd9d4d039,
		0xe6db99e5, 0x1fa27cf8, 0xc4ac5665, 0xf4292244, 0x432aff97,
		0xab9423a7, 0xfc93a039, 0x655b59c3, 0x8f0ccc92, 0xffeff47d,
		0x85845dd1, 0x6fa87e4f, 0xfe2ce6e0, 0xa3014314, 0x4e0811a1,
		0xf7537e82, 0xbd3af235, 0x2ad7d2bb, 0xeb86d391,
	};
	static const int r[64] = {
		7, 12, 17, 22, 7, 12, 17, 22, 7, 12, 17, 22, 7, 12, 17, 22,
		5, 9, 14, 20, 5, 9, 14, 20, 5, 9, 14, 20, 5, 9, 14, 20,
		4, 11, 16, 23, 4, 11, 16, 23, 4, 11, 16, 23, 4, 11, 16, 23,
		6, 10, 15, 21, 6, 10, 15, 21, 6, 10, 15, 21, 6, 10, 15, 21,
	};
	uint32_t w[16], a = m->h[0], b = m->h[1], c = m->h[2], d = m->h[3];
	int i;

	for (i = 0; i < 16; i++)
		w[i] = nsp_get_le32(p + 4 * i);
	for (i = 0; i < 64; i++) {
		uint32_t f, t;
		int g;

		if (i < 16) {
			f = (b & c) | (~b & d);
			g = i;
		} else if (i < 32) {
			f = (d & b) | (~d & c);
			g = (5 * i + 1) % 16;
		} else if (i < 48) {
			f = b ^ c ^ d;
			g = (3 * i + 5) % 16;
		} else {
			f = c ^ (b | ~d);
			g = (7 * i) % 16;
		}
		t = d;
		d = c;
		c = b;
		b = b + rol(a + f + k[i] + w[g], r[i]);
		a = t;
	}
	m->h[0] += a;
	m->h[1] += b;
	m->h[2] += c;
	m->h[3] += d;
}

static void md5_init(struct md5 *m)
{
	m->h[0] = 0x67452301;
	m->h[1] = 0xefcdab89;
	m->h[2] = 0x98badcfe;
	m->h[3] = 0x10325476;
	m->len = 0;
}

static void md5_update(struct md5 *m, const void *data, size_t n)
{
	const uint8_t *p = data;

	while (n--) {
		m->buf[m->len++ % 64] = *p++;
		if (m->len % 64 == 0)
			md5_block(m, m->buf);
	}
}

static void md5_final(struct md5 *m, uint8_t out[16])
{
	uint64_t bits = m->len * 8;
	uint8_t lenb[8];
	int i;

	md5_update(m, "\x80", 1);
	while (m->len % 64 != 56)
		md5_update(m, "", 1);
	for (i = 0; i < 8; i++)
		lenb[i] = (uint8_t)(bits >> (8 * i));
	md5_update(m, lenb, 8);
	for (i = 0; i < 4; i++)
		nsp_put_le32(out + 4 * i, m->h[i]);
}

static void hex16(const uint8_t *d, char *out)
{
	int i;

	for (i = 0; i < 16; i++) {
		out[2 * i] = "0123456789abcdef"[d[i] >> 4];
		out[2 * i + 1] = "0123456789abcdef"[d[i] & 15];
	}
	out[32] = '\0';
}

/* ---- helpers ----------------------------------------------------------- */

/* Exact-size heap copy ('|' -> NUL) so ASan sees reads past the end. */
static char *seg(const char *s, size_t *len)
{
	size_t n = strlen(s), i;
	char *b = malloc(n ? n : 1);

	assert_non_null(b);
	for (i = 0; i < n; i++)
		b[i] = s[i] == '|' ? '\0' : s[i];
	*len = n;
	return b;
}

static int decode(const char *s, uint8_t *out, size_t outlen)
{
	size_t len;
	char *b = seg(s, &len);
	int ret = chap_decode_binary(b, len, out, outlen);

	free(b);
	return ret;
}

static int parse_chal(const char *s, struct chap_challenge *c)
{
	size_t len;
	char *b = seg(s, &len);
	int ret = chap_parse_challenge(b, len, c);

	free(b);
	return ret;
}

/* ---- tests ------------------------------------------------------------- */

static void test_md5_self_check(void **state)
{
	struct md5 m;
	uint8_t d[16];
	char h[33];
	int i;

	(void)state;
	md5_init(&m);
	md5_final(&m, d);
	hex16(d, h);
	assert_string_equal(h, "d41d8cd98f00b204e9800998ecf8427e");
	md5_init(&m);
	md5_update(&m, "abc", 3);
	md5_final(&m, d);
	hex16(d, h);
	assert_string_equal(h, "900150983cd24fb0d6963f7d28e17f72");
	md5_init(&m);
	for (i = 0; i < 1000; i++)
		md5_update(&m, "a", 1);
	md5_final(&m, d);
	hex16(d, h);
	assert_string_equal(h, "cabe45dcc9ae5b66ba86600cca6b8ba8");
}

static void test_build_algorithms(void **state)
{
	char buf[16];
	size_t i;

	(void)state;
	assert_int_equal(chap_build_algorithms(buf, sizeof(buf)), 9);
	assert_memory_equal(buf, "CHAP_A=5\0", 9);
	for (i = 0; i < 9; i++)
		assert_int_equal(chap_build_algorithms(buf, i), -ENOSPC);
	assert_int_equal(chap_build_algorithms(NULL, 0), -ENOSPC);
}

static void test_decode_hex(void **state)
{
	uint8_t out[8];

	(void)state;
	assert_int_equal(decode("0x0102ff", out, sizeof(out)), 3);
	assert_memory_equal(out, "\x01\x02\xff", 3);
	assert_int_equal(decode("0XaBcD", out, sizeof(out)), 2);
	assert_memory_equal(out, "\xab\xcd", 2);
	/* Odd digit count: an implied leading zero. */
	assert_int_equal(decode("0x123", out, sizeof(out)), 2);
	assert_memory_equal(out, "\x01\x23", 2);
	assert_int_equal(decode("0xf", out, sizeof(out)), 1);
	assert_int_equal(out[0], 0x0f);
	assert_int_equal(decode("0x0001020304050607", out, 8), 8);
	assert_int_equal(decode("0x000102030405060708", out, 8), -ENOSPC);
	assert_int_equal(decode("0x", out, sizeof(out)), -EPROTO);
	assert_int_equal(decode("0xzz", out, sizeof(out)), -EPROTO);
	assert_int_equal(decode("0x12 ", out, sizeof(out)), -EPROTO);
	assert_int_equal(decode("0102", out, sizeof(out)), -EPROTO);
	assert_int_equal(decode("0c12", out, sizeof(out)), -EPROTO);
	assert_int_equal(decode("x12", out, sizeof(out)), -EPROTO);
	assert_int_equal(decode("", out, sizeof(out)), -EPROTO);
	assert_int_equal(decode("0", out, sizeof(out)), -EPROTO);
}

static void test_decode_base64(void **state)
{
	uint8_t out[16];

	(void)state;
	/* RFC 4648 section 10 vectors */
	assert_int_equal(decode("0bZg==", out, sizeof(out)), 1);
	assert_memory_equal(out, "f", 1);
	assert_int_equal(decode("0bZm8=", out, sizeof(out)), 2);
	assert_memory_equal(out, "fo", 2);
	assert_int_equal(decode("0bZm9v", out, sizeof(out)), 3);
	assert_memory_equal(out, "foo", 3);
	assert_int_equal(decode("0BZm9vYg==", out, sizeof(out)), 4);
	assert_memory_equal(out, "foob", 4);
	assert_int_equal(decode("0bZm9vYmE=", out, sizeof(out)), 5);
	assert_memory_equal(out, "fooba", 5);
	assert_int_equal(decode("0bZm9vYmFy", out, sizeof(out)), 6);
	assert_memory_equal(out, "foobar", 6);
	/* All of the alphabet, including + and / */
	assert_int_equal(decode("0b+/+/", out, sizeof(out)), 3);
	assert_memory_equal(out, "\xfb\xff\xbf", 3);
	assert_int_equal(decode("0bEBESExQVFhcYGRobHB0eHw==", out, 16), 16);
	assert_memory_equal(out, "\x10\x11\x12\x13\x14\x15\x16\x17"
				 "\x18\x19\x1a\x1b\x1c\x1d\x1e\x1f", 16);
	/* Missing padding is tolerated when unambiguous. */
	assert_int_equal(decode("0bZm8", out, sizeof(out)), 2);
	assert_memory_equal(out, "fo", 2);
	/* Malformed */
	assert_int_equal(decode("0b", out, sizeof(out)), -EPROTO);
	assert_int_equal(decode("0b==", out, sizeof(out)), -EPROTO);
	assert_int_equal(decode("0bZ", out, sizeof(out)), -EPROTO);
	assert_int_equal(decode("0bZ===", out, sizeof(out)), -EPROTO);
	assert_int_equal(decode("0bZg=", out, sizeof(out)), -EPROTO);
	assert_int_equal(decode("0bZ=g=", out, sizeof(out)), -EPROTO);
	assert_int_equal(decode("0bZm9v\n", out, sizeof(out)), -EPROTO);
	assert_int_equal(decode("0bZm-v", out, sizeof(out)), -EPROTO);
	/* Too long for the output */
	assert_int_equal(decode("0bZm9vYmFy", out, 5), -ENOSPC);
}

static void test_parse_challenge(void **state)
{
	struct chap_challenge c;

	(void)state;
	assert_int_equal(parse_chal("CHAP_A=5|CHAP_I=42|CHAP_C=0x0102030405",
				    &c), 0);
	assert_int_equal(c.id, 42);
	assert_int_equal(c.challenge_len, 5);
	assert_memory_equal(c.challenge, "\x01\x02\x03\x04\x05", 5);
	/* Any order, other keys around, hex id, base64 challenge */
	assert_int_equal(parse_chal("TargetPortalGroupTag=1|CHAP_C=0bZm9v|"
				    "CHAP_I=0xff|AuthMethod=CHAP|CHAP_A=5|",
				    &c), 0);
	assert_int_equal(c.id, 255);
	assert_int_equal(c.challenge_len, 3);
	assert_memory_equal(c.challenge, "foo", 3);
	assert_int_equal(parse_chal("CHAP_A=5|CHAP_I=0|CHAP_C=0x01", &c), 0);
	assert_int_equal(c.id, 0);
}

static void test_parse_challenge_bad(void **state)
{
	static const char *const bad[] = {
		"CHAP_I=1|CHAP_C=0x01",			/* no CHAP_A */
		"CHAP_A=5|CHAP_C=0x01",			/* no CHAP_I */
		"CHAP_A=5|CHAP_I=1",			/* no CHAP_C */
		"CHAP_A=7|CHAP_I=1|CHAP_C=0x01",	/* not MD5 */
		"CHAP_A=5,7|CHAP_I=1|CHAP_C=0x01",
		"CHAP_A=05|CHAP_I=1|CHAP_C=0x01",
		"CHAP_A=|CHAP_I=1|CHAP_C=0x01",
		"CHAP_A=5|CHAP_I=256|CHAP_C=0x01",
		"CHAP_A=5|CHAP_I=-1|CHAP_C=0x01",
		"CHAP_A=5|CHAP_I=|CHAP_C=0x01",
		"CHAP_A=5|CHAP_I=99999999999999999999999|CHAP_C=0x01",
		"CHAP_A=5|CHAP_I=1|CHAP_C=",
		"CHAP_A=5|CHAP_I=1|CHAP_C=0x",
		"CHAP_A=5|CHAP_I=1|CHAP_C=0b",
		"CHAP_A=5|CHAP_I=1|CHAP_C=1234",
		"CHAP_A=5|CHAP_I=1|CHAP_C=0xg1",
		"CHAP_A=5|CHAP_I=1|CHAP_C", /* cut before '=' */
		"",
	};
	struct chap_challenge c;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		memset(&c, 0xee, sizeof(c));
		assert_int_equal(parse_chal(bad[i], &c), -EPROTO);
	}
}

static void test_parse_challenge_limits(void **state)
{
	static char text[64 + 2 * (CHAP_CHALLENGE_MAX + 1)];
	struct chap_challenge c;
	size_t n, len;
	int i;

	(void)state;
	strcpy(text, "CHAP_A=5|CHAP_I=7|CHAP_C=0x");
	n = strlen(text);
	for (i = 0; i < CHAP_CHALLENGE_MAX; i++) {
		text[n++] = 'a';
		text[n++] = 'b';
	}
	text[n] = '\0';
	assert_int_equal(parse_chal(text, &c), 0);
	assert_int_equal(c.challenge_len, CHAP_CHALLENGE_MAX);
	assert_int_equal(c.challenge[CHAP_CHALLENGE_MAX - 1], 0xab);
	/* One byte more does not fit. */
	strcat(text, "cd");
	assert_int_equal(parse_chal(text, &c), -EPROTO);
	/* One nibble more: odd digit count makes 1025 bytes too. */
	len = strlen(text);
	text[len - 1] = '\0';
	assert_int_equal(parse_chal(text, &c), -EPROTO);
}

static void test_build_response(void **state)
{
	static const uint8_t d[CHAP_MD5_LEN] = {
		0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77,
		0x88, 0x99, 0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff,
	};
	static const char expect[] =
		"CHAP_N=user1\0CHAP_R=0x00112233445566778899aabbccddeeff\0";
	char buf[600], user[300];
	size_t i;

	(void)state;
	assert_int_equal(chap_build_response(buf, sizeof(buf), "user1", d),
			 sizeof(expect) - 1);
	assert_memory_equal(buf, expect, sizeof(expect) - 1);
	for (i = 0; i < sizeof(expect) - 1; i++)
		assert_int_equal(chap_build_response(buf, i, "user1", d),
				 -ENOSPC);
	assert_int_equal(chap_build_response(buf, sizeof(buf), "", d), -EINVAL);
	assert_int_equal(chap_build_response(buf, sizeof(buf), NULL, d),
			 -EINVAL);
	memset(user, 'u', CHAP_NAME_MAX);
	user[CHAP_NAME_MAX] = '\0';
	assert_int_equal(chap_build_response(buf, sizeof(buf), user, d),
			 7 + CHAP_NAME_MAX + 1 + 7 + 34 + 1);
	user[CHAP_NAME_MAX] = 'u';
	user[CHAP_NAME_MAX + 1] = '\0';
	assert_int_equal(chap_build_response(buf, sizeof(buf), user, d),
			 -EINVAL);
}

/* The whole one-way exchange, checked against an independent MD5. */
static void test_chap_md5_exchange(void **state)
{
	static const char secret[] = "secretsecret1234";
	struct chap_challenge c;
	struct md5 m;
	uint8_t digest[16];
	char buf[128];
	int n;

	(void)state;
	assert_int_equal(parse_chal("CHAP_A=5|CHAP_I=42|"
		"CHAP_C=0bEBESExQVFhcYGRobHB0eHw==", &c), 0);
	md5_init(&m);
	md5_update(&m, &c.id, 1);
	md5_update(&m, secret, strlen(secret));
	md5_update(&m, c.challenge, c.challenge_len);
	md5_final(&m, digest);
	n = chap_build_response(buf, sizeof(buf), "initiator", digest);
	assert_true(n > 0);
	/* Reference: python3 hashlib.md5(b'\x2a' + secret + bytes(16..31)) */
	assert_memory_equal(buf,
		"CHAP_N=initiator\0"
		"CHAP_R=0x08693a05279094983f75e7ad9c9b619d\0", (size_t)n);
}

static void test_mutual_chap(void **state)
{
	static const uint8_t chal[4] = { 0xde, 0xad, 0xbe, 0xef };
	uint8_t d[CHAP_MD5_LEN];
	char buf[128], name[CHAP_NAME_MAX + 1];
	size_t len, i;
	char *b;
	int n;

	(void)state;
	n = chap_build_challenge(buf, sizeof(buf), 200, chal, sizeof(chal));
	assert_int_equal(n, (int)sizeof("CHAP_I=200\0CHAP_C=0xdeadbeef"));
	assert_memory_equal(buf, "CHAP_I=200\0CHAP_C=0xdeadbeef\0", (size_t)n);
	for (i = 0; i < (size_t)n; i++)
		assert_int_equal(chap_build_challenge(buf, i, 200, chal, 4),
				 -ENOSPC);
	assert_int_equal(chap_build_challenge(buf, sizeof(buf), 0, chal, 0),
			 -EINVAL);
	assert_int_equal(chap_build_challenge(buf, sizeof(buf), 0, chal, 1),
			 21);
	assert_memory_equal(buf, "CHAP_I=0\0CHAP_C=0xde\0", 21);

	b = seg("CHAP_N=target|CHAP_R=0x000102030405060708090a0b0c0d0e0f",
		&len);
	assert_int_equal(chap_parse_response(b, len, name, sizeof(name), d), 0);
	assert_string_equal(name, "target");
	assert_int_equal(d[15], 0x0f);
	/* The name must fit the caller's buffer with its NUL. */
	assert_int_equal(chap_parse_response(b, len, name, 6, d), -EPROTO);
	assert_int_equal(chap_parse_response(b, len, name, 7, d), 0);
	free(b);

	b = seg("CHAP_N=t|CHAP_R=0x000102030405060708090a0b0c0d0e", &len);
	assert_int_equal(chap_parse_response(b, len, name, sizeof(name), d),
			 -EPROTO);
	free(b);
	b = seg("CHAP_N=t|CHAP_R=0x000102030405060708090a0b0c0d0e0f10", &len);
	assert_int_equal(chap_parse_response(b, len, name, sizeof(name), d),
			 -EPROTO);
	free(b);
	b = seg("CHAP_N=|CHAP_R=0x000102030405060708090a0b0c0d0e0f", &len);
	assert_int_equal(chap_parse_response(b, len, name, sizeof(name), d),
			 -EPROTO);
	free(b);
	b = seg("CHAP_R=0x000102030405060708090a0b0c0d0e0f", &len);
	assert_int_equal(chap_parse_response(b, len, name, sizeof(name), d),
			 -EPROTO);
	free(b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_md5_self_check),
		cmocka_unit_test(test_build_algorithms),
		cmocka_unit_test(test_decode_hex),
		cmocka_unit_test(test_decode_base64),
		cmocka_unit_test(test_parse_challenge),
		cmocka_unit_test(test_parse_challenge_bad),
		cmocka_unit_test(test_parse_challenge_limits),
		cmocka_unit_test(test_build_response),
		cmocka_unit_test(test_chap_md5_exchange),
		cmocka_unit_test(test_mutual_chap),
	};

	return cmocka_run_group_tests_name("chap", tests, NULL, NULL);
}
