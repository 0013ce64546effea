/* SPDX-License-Identifier: GPL-2.0 */
/*
 * XDR (RFC 4506) cursors for the RPC, NFSv3, MOUNT and portmapper codecs.
 *
 * Encoding: appends never write past the buffer; one that does not fit
 * marks the cursor overflowed and later appends are dropped, so a caller
 * checks xdr_enc_result() once at the end.
 *
 * Decoding: a read past the end of the bytes at hand fails the cursor
 * with -EAGAIN and records in @need how many bytes from the start the
 * read wanted. A caller holding a whole record treats -EAGAIN as a
 * truncated message; one reading a reply header off a stream reads up to
 * @need bytes and decodes again, which never reads past the header
 * because every field's size is known from the fields before it. Values
 * that are well framed but impossible (an opaque longer than its limit, a
 * boolean other than 0/1) fail the cursor with -EBADMSG. Once failed,
 * every further read returns zeroes and the first error is kept.
 */
#ifndef NSP_XDR_H
#define NSP_XDR_H

#include "nsp_types.h"

#define XDR_UNIT	4
#define XDR_PAD(n)	((XDR_UNIT - ((n) & 3)) & 3)
#define XDR_QUAD(n)	((n) + XDR_PAD(n))

struct xdr_enc {
	u8	*buf;
	size_t	size;
	size_t	used;
	bool	overflow;
};

static inline void xdr_enc_init(struct xdr_enc *x, u8 *buf, size_t size)
{
	x->buf = buf;
	x->size = buf ? size : 0;
	x->used = 0;
	x->overflow = false;
}

/* Reserve @n bytes; NULL (and overflowed) if they do not fit. */
static inline u8 *xdr_enc_reserve(struct xdr_enc *x, size_t n)
{
	u8 *p;

	if (x->overflow || n > x->size - x->used) {
		x->overflow = true;
		return NULL;
	}
	p = x->buf + x->used;
	x->used += n;
	return p;
}

static inline void xdr_put_u32(struct xdr_enc *x, u32 v)
{
	u8 *p = xdr_enc_reserve(x, 4);

	if (p)
		nsp_put_be32(p, v);
}

static inline void xdr_put_u64(struct xdr_enc *x, u64 v)
{
	u8 *p = xdr_enc_reserve(x, 8);

	if (p)
		nsp_put_be64(p, v);
}

/* Fixed-length opaque: the bytes and zero padding to a multiple of 4. */
static inline void xdr_put_fixed(struct xdr_enc *x, const void *data, size_t n)
{
	u8 *p = xdr_enc_reserve(x, XDR_QUAD(n));

	if (p) {
		if (n)
			memcpy(p, data, n);
		memset(p + n, 0, XDR_PAD(n));
	}
}

/* Variable-length opaque or string: length, bytes, padding. */
static inline void xdr_put_opaque(struct xdr_enc *x, const void *data, size_t n)
{
	if (n > 0xffffffffu) {
		x->overflow = true;
		return;
	}
	xdr_put_u32(x, (u32)n);
	xdr_put_fixed(x, data, n);
}

/* Bytes encoded, or -ENOSPC if anything did not fit. */
static inline int xdr_enc_result(const struct xdr_enc *x)
{
	if (x->overflow || x->used > 0x7fffffff)
		return -ENOSPC;
	return (int)x->used;
}

struct xdr_dec {
	const u8	*buf;
	size_t		len;
	size_t		pos;
	size_t		need;	/* on -EAGAIN: bytes from buf the read wanted */
	int		err;	/* 0, -EAGAIN or -EBADMSG; the first one sticks */
};

static inline void xdr_dec_init(struct xdr_dec *d, const u8 *buf, size_t len)
{
	d->buf = buf;
	d->len = buf ? len : 0;
	d->pos = 0;
	d->need = 0;
	d->err = 0;
}

static inline void xdr_dec_fail(struct xdr_dec *d, int err)
{
	if (!d->err)
		d->err = err;
}

/* Consume @n bytes; NULL (cursor failed) if they are not all there. */
static inline const u8 *xdr_dec_take(struct xdr_dec *d, size_t n)
{
	const u8 *p;

	if (d->err)
		return NULL;
	if (n > d->len - d->pos) {
		d->need = n > (size_t)-1 - d->pos ? (size_t)-1 : d->pos + n;
		d->err = -EAGAIN;
		return NULL;
	}
	p = d->buf + d->pos;
	d->pos += n;
	return p;
}

static inline u32 xdr_get_u32(struct xdr_dec *d)
{
	const u8 *p = xdr_dec_take(d, 4);

	return p ? nsp_get_be32(p) : 0;
}

static inline u64 xdr_get_u64(struct xdr_dec *d)
{
	const u8 *p = xdr_dec_take(d, 8);

	return p ? nsp_get_be64(p) : 0;
}

static inline bool xdr_get_bool(struct xdr_dec *d)
{
	u32 v = xdr_get_u32(d);

	if (v > 1)
		xdr_dec_fail(d, -EBADMSG);
	return v == 1;
}

/* Skip @n bytes plus their padding. */
static inline void xdr_skip(struct xdr_dec *d, size_t n)
{
	if (n > 0x7fffffff) {
		xdr_dec_fail(d, -EBADMSG);
		return;
	}
	xdr_dec_take(d, XDR_QUAD(n));
}

/*
 * Variable-length opaque of at most @max bytes. Returns a pointer to the
 * bytes (length in *@n) inside the buffer, or NULL with the cursor failed.
 */
static inline const u8 *xdr_get_opaque(struct xdr_dec *d, size_t max, u32 *n)
{
	u32 len = xdr_get_u32(d);
	const u8 *p;

	*n = 0;
	if (d->err)
		return NULL;
	if (len > max) {
		xdr_dec_fail(d, -EBADMSG);
		return NULL;
	}
	p = xdr_dec_take(d, XDR_QUAD((size_t)len));
	if (p)
		*n = len;
	return p;
}

#endif /* NSP_XDR_H */
