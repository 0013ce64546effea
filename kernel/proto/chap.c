// SPDX-License-Identifier: GPL-2.0
/*
 * CHAP key handling for iSCSI login (RFC 7143 12.1.3, RFC 1994).
 *
 * Binary values are "0x"/"0X" + hex or "0b"/"0B" + base64 (RFC 7143 6.1,
 * RFC 4648). The MD5 is computed by the caller.
 */
#include "nsp_types.h"
#include "iscsi_text.h"
#include "chap.h"
#include "nsp_buf.h"

static const char hexdig[] = "0123456789abcdef";

/* Append-only writer over a caller buffer; a miss sets ->overflow. */
static void cb_puthex(struct nsp_buf *b, const u8 *data, size_t len)
{
	size_t i;

	nsp_buf_puts(b, "0x");
	for (i = 0; i < len; i++) {
		nsp_buf_putc(b, hexdig[data[i] >> 4]);
		nsp_buf_putc(b, hexdig[data[i] & 15]);
	}
}

int chap_build_algorithms(char *buf, size_t len)
{
	struct nsp_buf b;

	nsp_buf_init(&b, buf, len, 0);
	nsp_buf_putn(&b, "CHAP_A=5", 9);	/* with its NUL */
	return nsp_buf_result(&b);
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

static int b64val(char c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '+')
		return 62;
	if (c == '/')
		return 63;
	return -1;
}

/* An odd number of digits is read as if a leading 0 were present. */
static int decode_hex(const char *s, size_t n, u8 *out, size_t outlen)
{
	size_t olen = n / 2 + (n & 1);
	size_t i = 0, o = 0;
	int hi, lo;

	if (!n)
		return -EPROTO;
	if (olen > outlen)
		return -ENOSPC;
	if (n & 1) {
		lo = hexval(s[i++]);
		if (lo < 0)
			return -EPROTO;
		out[o++] = (u8)lo;
	}
	for (; i < n; i += 2) {
		hi = hexval(s[i]);
		lo = hexval(s[i + 1]);
		if (hi < 0 || lo < 0)
			return -EPROTO;
		out[o++] = (u8)(hi << 4 | lo);
	}
	return (int)olen;
}

static int decode_b64(const char *s, size_t n, u8 *out, size_t outlen)
{
	size_t pad = 0, olen, i, o = 0;
	u32 acc = 0;
	unsigned int bits = 0;

	while (n && s[n - 1] == '=' && pad < 2) {
		n--;
		pad++;
	}
	/* Padding, when present, must complete the last quantum. */
	if (pad && (n + pad) % 4)
		return -EPROTO;
	if (!n || n % 4 == 1)
		return -EPROTO;
	olen = n / 4 * 3 + (n % 4 ? n % 4 - 1 : 0);
	if (olen > outlen)
		return -ENOSPC;
	for (i = 0; i < n; i++) {
		int d = b64val(s[i]);

		if (d < 0)
			return -EPROTO;
		acc = (acc << 6 | (u32)d) & 0xffffff;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			out[o++] = (u8)(acc >> bits);
		}
	}
	return (int)olen;
}

/**
 * chap_decode_binary() - decode a CHAP binary value
 * @val:	the value, not NUL-terminated
 * @vlen:	its length
 * @out:	where the bytes go
 * @outlen:	room at @out
 *
 * Return: the number of bytes, -EPROTO for a missing or unknown prefix, no
 * digits, or a bad digit, -ENOSPC if the result would not fit @outlen.
 */
int chap_decode_binary(const char *val, size_t vlen, u8 *out, size_t outlen)
{
	if (vlen < 3 || val[0] != '0')
		return -EPROTO;
	if (val[1] == 'x' || val[1] == 'X')
		return decode_hex(val + 2, vlen - 2, out, outlen);
	if (val[1] == 'b' || val[1] == 'B')
		return decode_b64(val + 2, vlen - 2, out, outlen);
	return -EPROTO;
}

int chap_parse_challenge(const char *buf, size_t len, struct chap_challenge *c)
{
	const char *v;
	size_t vlen;
	u64 id;
	int n;

	memset(c, 0, sizeof(*c));
	v = iscsi_text_find(buf, len, "CHAP_A", &vlen);
	if (!v || vlen != 1 || v[0] != '0' + CHAP_ALG_MD5)
		return -EPROTO;
	v = iscsi_text_find(buf, len, "CHAP_I", &vlen);
	if (!v || iscsi_text_parse_number(v, vlen, &id) || id > 255)
		return -EPROTO;
	c->id = (u8)id;
	v = iscsi_text_find(buf, len, "CHAP_C", &vlen);
	if (!v)
		return -EPROTO;
	n = chap_decode_binary(v, vlen, c->challenge, sizeof(c->challenge));
	if (n <= 0)
		return -EPROTO;
	c->challenge_len = (u32)n;
	return 0;
}

static size_t bounded_len(const char *s, size_t max)
{
	size_t n;

	for (n = 0; n <= max && s[n]; n++)
		;
	return n;
}

int chap_build_response(char *buf, size_t len, const char *user,
			const u8 digest[CHAP_MD5_LEN])
{
	struct nsp_buf b;
	size_t ulen;

	nsp_buf_init(&b, buf, len, 0);
	if (!user)
		return -EINVAL;
	ulen = bounded_len(user, CHAP_NAME_MAX);
	if (!ulen || ulen > CHAP_NAME_MAX)
		return -EINVAL;
	nsp_buf_puts(&b, "CHAP_N=");
	nsp_buf_putn(&b, user, ulen);
	nsp_buf_putc(&b, '\0');
	nsp_buf_puts(&b, "CHAP_R=");
	cb_puthex(&b, digest, CHAP_MD5_LEN);
	nsp_buf_putc(&b, '\0');
	return nsp_buf_result(&b);
}

int chap_build_challenge(char *buf, size_t len, u8 id, const u8 *challenge,
			 size_t clen)
{
	struct nsp_buf b;
	char num[3];
	size_t i = sizeof(num);

	nsp_buf_init(&b, buf, len, 0);
	if (!clen || clen > CHAP_CHALLENGE_MAX)
		return -EINVAL;
	do {
		num[--i] = (char)('0' + id % 10);
		id /= 10;
	} while (id);
	nsp_buf_puts(&b, "CHAP_I=");
	nsp_buf_putn(&b, num + i, sizeof(num) - i);
	nsp_buf_putc(&b, '\0');
	nsp_buf_puts(&b, "CHAP_C=");
	cb_puthex(&b, challenge, clen);
	nsp_buf_putc(&b, '\0');
	return nsp_buf_result(&b);
}

int chap_parse_response(const char *buf, size_t len, char *name,
			size_t namelen, u8 digest[CHAP_MD5_LEN])
{
	u8 tmp[CHAP_MD5_LEN];
	const char *v;
	size_t vlen;

	v = iscsi_text_find(buf, len, "CHAP_N", &vlen);
	if (!v || !vlen || vlen > CHAP_NAME_MAX || vlen >= namelen)
		return -EPROTO;
	memcpy(name, v, vlen);
	name[vlen] = '\0';
	v = iscsi_text_find(buf, len, "CHAP_R", &vlen);
	if (!v || chap_decode_binary(v, vlen, tmp, sizeof(tmp)) != CHAP_MD5_LEN)
		return -EPROTO;
	memcpy(digest, tmp, CHAP_MD5_LEN);
	return 0;
}
