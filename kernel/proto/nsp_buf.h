/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Bounded string building for the codecs: appends never write past the
 * buffer; an append that does not fit marks the buffer overflowed and
 * every later append is dropped, so callers check once at the end.
 */
#ifndef NSP_BUF_H
#define NSP_BUF_H

#include "nsp_types.h"

struct nsp_buf {
	char	*buf;
	size_t	size;
	size_t	used;
	bool	overflow;
};

/* @used bytes of @buf (which may be NULL with @size 0) are already taken. */
static inline void nsp_buf_init(struct nsp_buf *b, char *buf, size_t size,
				size_t used)
{
	b->buf = buf;
	b->size = buf ? size : 0;
	b->used = used;
	b->overflow = used > b->size;
}

static inline void nsp_buf_putn(struct nsp_buf *b, const char *s, size_t n)
{
	if (b->overflow || n > b->size - b->used) {
		b->overflow = true;
		return;
	}
	memcpy(b->buf + b->used, s, n);
	b->used += n;
}

static inline void nsp_buf_puts(struct nsp_buf *b, const char *s)
{
	nsp_buf_putn(b, s, strlen(s));
}

static inline void nsp_buf_putc(struct nsp_buf *b, char c)
{
	nsp_buf_putn(b, &c, 1);
}

/* Bytes written, or -ENOSPC if anything did not fit. */
static inline int nsp_buf_result(const struct nsp_buf *b)
{
	if (b->overflow || b->used > 0x7fffffff)
		return -ENOSPC;
	return (int)b->used;
}

#endif /* NSP_BUF_H */
