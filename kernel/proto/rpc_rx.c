// SPDX-License-Identifier: GPL-2.0
/*
 * ONC RPC reply reception over TCP: see rpc_rx.h.
 */
#include "rpc_rx.h"

void rpc_rx_init(struct rpc_rx *rx, u8 *hdr, u32 hdr_max, u32 rec_max)
{
	memset(rx, 0, sizeof(*rx));
	rx->hdr = hdr;
	rx->hdr_max = hdr_max;
	rx->rec_max = rec_max;
	rx->state = RPC_RX_SKIP;
}

static u32 rx_min(u32 a, u32 b)
{
	return a < b ? a : b;
}

int rpc_rx_want(struct rpc_rx *rx, u8 **buf, enum rpc_rx_sink *sink,
		const char **why)
{
	if (rx->err) {
		*why = rx->err;
		return -EPROTO;
	}
	if (!rx->frag_left && rx->in_record && rx->last_frag) {
		/* The last fragment is in: the record is complete. */
		if (rx->state != RPC_RX_SKIP) {
			*why = "reply ends inside its header or data";
			return -EPROTO;
		}
		rx->in_record = false;
	}
	if (!rx->frag_left) {
		/* A record marker: the first of a record or the next one. */
		*sink = RPC_RX_TO_BUF;
		*buf = rx->mark + rx->mark_got;
		return RPC_MARKER_LEN - rx->mark_got;
	}
	switch (rx->state) {
	case RPC_RX_HDR:
		*sink = RPC_RX_TO_BUF;
		*buf = rx->hdr + rx->got;
		return rx_min(rx->want - rx->got, rx->frag_left);
	case RPC_RX_DATA:
		*sink = RPC_RX_TO_DATA;
		*buf = NULL;
		return rx_min(rx->data_len - rx->data_got, rx->frag_left);
	case RPC_RX_PAD:
		*sink = RPC_RX_DISCARD;
		*buf = NULL;
		return rx_min(rx->pad_left, rx->frag_left);
	default:
		*sink = RPC_RX_DISCARD;
		*buf = NULL;
		return rx->frag_left;
	}
}

int rpc_rx_advance(struct rpc_rx *rx, u32 n)
{
	u32 mark;

	if (!rx->frag_left) {
		rx->mark_got += n;
		if (rx->mark_got < RPC_MARKER_LEN)
			return 0;
		rx->mark_got = 0;
		mark = nsp_get_be32(rx->mark);
		rx->frag_left = rpc_marker_len(mark);
		rx->last_frag = rpc_marker_last(mark);
		if (!rx->in_record) {
			rx->rec_len = 0;
			rx->empty = 0;
		}
		if (rx->frag_left > rx->rec_max - rx->rec_len)
			rx->err = "record longer than any reply";
		else if (!rx->frag_left && ++rx->empty > RPC_RX_MAX_EMPTY)
			rx->err = "more than 64 empty record fragments in one reply";
		if (rx->err) {
			rx->frag_left = 0;
			return 0;
		}
		rx->rec_len += rx->frag_left;
		if (rx->in_record)
			return 0;
		rx->in_record = true;
		rx->state = RPC_RX_HDR;
		rx->got = 0;
		rx->want = 4;		/* the XID, to begin with */
		return RPC_RX_RECORD;
	}
	rx->frag_left -= n;
	switch (rx->state) {
	case RPC_RX_HDR:
		rx->got += n;
		return rx->got == rx->want ? RPC_RX_HEADER : 0;
	case RPC_RX_DATA:
		rx->data_got += n;
		if (rx->data_got < rx->data_len)
			return 0;
		if (rx->pad_left) {
			rx->state = RPC_RX_PAD;
			return 0;
		}
		rx->state = RPC_RX_SKIP;
		return RPC_RX_DATA_DONE;
	case RPC_RX_PAD:
		rx->pad_left -= n;
		if (rx->pad_left)
			return 0;
		rx->state = RPC_RX_SKIP;
		return RPC_RX_DATA_DONE;
	default:
		return 0;
	}
}

int rpc_rx_more(struct rpc_rx *rx, u32 need, const char **why)
{
	if (need > rx->hdr_max || need <= rx->got) {
		*why = "reply header too large";
		return -EPROTO;
	}
	rx->want = need;
	return 0;
}

bool rpc_rx_data(struct rpc_rx *rx, u32 count)
{
	rx->data_len = count;
	rx->data_got = 0;
	rx->pad_left = XDR_PAD(count);
	if (!count) {
		rx->state = RPC_RX_SKIP;
		return true;
	}
	rx->state = RPC_RX_DATA;
	return false;
}
