// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer harness: the module's receive framing (iscsi_rx.c) driven the
 * way ns_rx_next() and ns_rx_got() drive it. The first input byte picks
 * the digests and how the stream is cut into reads; the rest is the stream. Data-In goes
 * into a read's "pages" after iscsi_datain_check() (one read of 256 KiB),
 * anything else into an 8 KiB control buffer, as in netswap.ko; ASan sees
 * every byte placed. The cursor must always ask for at least one byte,
 * never more than its part holds, and stop at the first error.
 */
#include <stdlib.h>
#include "iscsi_rx.h"
#include "../lib/crc32c.h"

#define MAX_DSL		(256 * 1024)	/* NS_ISCSI_MAX_RECV_DSL */
#define MAX_CTL		8192		/* NS_ISCSI_CTL_BUF */
#define READ_LEN	(256 * 1024)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static u32 crc_fn(u32 crc, const void *p, size_t len)
{
	return test_crc32c(crc, p, len);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static u8 pages[READ_LEN], ctl[MAX_CTL];
	struct iscsi_datain_seq seq;
	struct iscsi_rx rx;
	bool datain = false;
	u32 cut, rnd;
	size_t off = 1;

	if (!size)
		return 0;
	iscsi_rx_init(&rx, data[0] & 1, data[0] & 2, MAX_DSL, MAX_CTL, crc_fn);
	iscsi_datain_start(&seq, READ_LEN);
	cut = data[0] >> 2;		/* 0: reads as large as asked */
	rnd = data[0];
	while (off < size) {
		const char *why = NULL;
		u32 want, n;
		u8 *buf;
		int ret;

		want = iscsi_rx_want(&rx, &buf);
		if (!want || want > rx.need - rx.got)
			abort();
		n = want;
		if (cut) {
			rnd = rnd * 1103515245u + 12345u;
			n = 1 + (rnd >> 16) % (cut < want ? cut : want);
		}
		if (n > size - off)
			n = (u32)(size - off);
		if (!buf) {
			if (rx.state != ISCSI_RX_DATA)
				abort();
			if (datain) {
				if (rx.h.buffer_offset + rx.got + n > READ_LEN)
					abort();
				buf = pages + rx.h.buffer_offset + rx.got;
			} else {
				if (rx.got + n > MAX_CTL)
					abort();
				buf = ctl + rx.got;
			}
		}
		memcpy(buf, data + off, n);
		off += n;
		ret = iscsi_rx_advance(&rx, buf, n, &why);
		if (ret < 0) {
			if (!why)
				abort();
			break;		/* the module drops the connection */
		}
		if (ret & ISCSI_RX_HEADER) {
			datain = rx.h.opcode == ISCSI_OP_DATA_IN;
			if (datain && iscsi_datain_check(&seq, &rx.h, &why))
				break;	/* protocol error in ns_rx_header() */
			if (!datain && rx.h.data_len > MAX_CTL)
				abort();
		}
		if (ret & ISCSI_RX_PDU) {
			if (rx.state != ISCSI_RX_BHS || rx.got)
				abort();
			if (datain)
				iscsi_datain_accept(&seq, &rx.h);
			if (seq.received > READ_LEN)
				abort();
			datain = false;
		}
	}
	return 0;
}
