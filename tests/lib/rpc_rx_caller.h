/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A caller of kernel/proto/rpc_rx.c for the unit tests and the fuzzer,
 * shaped like netswap.ko's NFS receive loop: it reads what the cursor asks
 * for, decodes a toy reply header (XID, then a count and a kind: 1 = READ
 * data of that count follows, else skip the rest), refuses a count over
 * the request (RX_READ_MAX) as the module does, and puts READ data into
 * "pages" of that size.
 */
#ifndef NS_TEST_RPC_RX_CALLER_H
#define NS_TEST_RPC_RX_CALLER_H

#include <stdlib.h>
#include "rpc_rx.h"

#define RX_READ_MAX	65536
/* As the module: the largest reply, and 4 KiB for what follows it. */
#define RX_REC_MAX	(64 + RX_READ_MAX + 4096)

struct rx_caller {
	struct rpc_rx	rx;
	u8		hdr[64];
	u8		pages[RX_READ_MAX];
	u8		scratch[512];
	int		records, reads, skips;
	u32		last_count;
	const char	*why;
};

static inline void rx_caller_init(struct rx_caller *c)
{
	memset(c, 0, sizeof(*c));
	rpc_rx_init(&c->rx, c->hdr, sizeof(c->hdr), RX_REC_MAX);
}

/* Consume up to @chunk bytes of @s at a time; returns bytes used, or -1. */
static inline long rx_caller_feed(struct rx_caller *c, const u8 *s, size_t len,
				  u32 chunk)
{
	size_t off = 0;

	while (off < len) {
		enum rpc_rx_sink sink;
		u8 *buf;
		int want, ret;
		u32 n;

		want = rpc_rx_want(&c->rx, &buf, &sink, &c->why);
		if (want < 0)
			return -1;
		if (!want)
			abort();
		n = (u32)want < chunk ? (u32)want : chunk;
		if (n > len - off)
			n = (u32)(len - off);
		if (sink == RPC_RX_TO_DATA) {
			if (c->rx.data_got + n > RX_READ_MAX)
				abort();
			buf = c->pages + c->rx.data_got;
		} else if (sink == RPC_RX_DISCARD) {
			if (n > sizeof(c->scratch))
				n = sizeof(c->scratch);
			buf = c->scratch;
		}
		memcpy(buf, s + off, n);
		off += n;
		ret = rpc_rx_advance(&c->rx, n);
		c->records += !!(ret & RPC_RX_RECORD);
		if (ret & RPC_RX_HEADER) {
			if (c->rx.got == 4) {
				if (rpc_rx_more(&c->rx, 12, &c->why))
					return -1;
			} else {
				u32 count = nsp_get_be32(c->hdr + 4);

				if (nsp_get_be32(c->hdr + 8) != 1) {
					rpc_rx_skip(&c->rx);
					c->skips++;
				} else if (count > RX_READ_MAX) {
					c->why = "READ returned more than asked";
					return -1;
				} else {
					c->last_count = count;
					if (rpc_rx_data(&c->rx, count))
						c->reads++;
				}
			}
		}
		c->reads += !!(ret & RPC_RX_DATA_DONE);
	}
	return (long)off;
}

#endif /* NS_TEST_RPC_RX_CALLER_H */
