/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ONC RPC reply reception over TCP (RFC 5531 11, record marking): the
 * cursor that takes netswap.ko's NFS replies off the byte stream, as the
 * module runs it. Record markers, fragments of any size (empty ones too),
 * the reply header gathered in pieces as its decoder asks for them, READ
 * data and its XDR padding, and the rest of a record skipped.
 *
 * A hostile peer cannot keep it busy without progress: a record longer
 * than the caller's @rec_max (the largest reply it can be sent, plus
 * slack) or with more than RPC_RX_MAX_EMPTY empty fragments is a protocol
 * error as soon as its marker arrives.
 *
 * Pure: the caller reads from its socket into the place rpc_rx_want()
 * names and reports the count with rpc_rx_advance(); READ data goes to
 * the caller's pages, discarded bytes to its scratch buffer. The header
 * is decoded by the caller, which then asks for more of it, starts the
 * READ data, or skips the rest of the record.
 */
#ifndef NSP_RPC_RX_H
#define NSP_RPC_RX_H

#include "rpc.h"

enum rpc_rx_state {
	RPC_RX_HDR,		/* reply header, up to READ data */
	RPC_RX_DATA,		/* READ data into the caller's pages */
	RPC_RX_PAD,
	RPC_RX_SKIP,		/* the rest of the record */
};

/* Where the bytes rpc_rx_want() asks for go. */
enum rpc_rx_sink {
	RPC_RX_TO_BUF,		/* *buf, inside the cursor */
	RPC_RX_TO_DATA,		/* the READ's pages, at data_got */
	RPC_RX_DISCARD,		/* anywhere: they are dropped */
};

struct rpc_rx {
	enum rpc_rx_state	state;
	bool			in_record;
	bool			last_frag;
	u32			frag_left;	/* bytes left in this fragment */
	u8			mark[RPC_MARKER_LEN];
	u32			mark_got;
	u8			*hdr;		/* the caller's header buffer */
	u32			hdr_max;
	u32			got, want;	/* header bytes */
	u32			data_len, data_got, pad_left;
	u32			rec_max;	/* longest record accepted */
	u32			rec_len;	/* this record's fragments so far */
	u32			empty;		/* its empty fragments */
	const char		*err;		/* why the stream is refused */
};

/* Empty fragments one record may have (RFC 5531 does not bound them). */
#define RPC_RX_MAX_EMPTY	64

/* rpc_rx_advance() results, a mask. */
#define RPC_RX_RECORD		1	/* a new record (reply) begins */
#define RPC_RX_HEADER		2	/* hdr holds the @want bytes asked */
#define RPC_RX_DATA_DONE	4	/* READ data and padding are in */

/*
 * Start between records; replies' headers go to @hdr (@hdr_max bytes), and
 * no record is longer than @rec_max bytes.
 */
void rpc_rx_init(struct rpc_rx *rx, u8 *hdr, u32 hdr_max, u32 rec_max);

/*
 * How many bytes to read next (> 0) and where (@sink; *@buf for
 * RPC_RX_TO_BUF). -EPROTO with @why if the record just read ended inside
 * its header or READ data, or a marker broke a limit; from then on every
 * call fails.
 */
int rpc_rx_want(struct rpc_rx *rx, u8 **buf, enum rpc_rx_sink *sink,
		const char **why);

/* @n (1 .. what rpc_rx_want() asked) bytes arrived. Returns a mask. */
int rpc_rx_advance(struct rpc_rx *rx, u32 n);

/*
 * After RPC_RX_HEADER: the decoder needs @need header bytes in all.
 * -EPROTO with @why if that is no more than it has or over hdr_max.
 */
int rpc_rx_more(struct rpc_rx *rx, u32 need, const char **why);

/*
 * After RPC_RX_HEADER: @count bytes of READ data (and their padding)
 * follow. Returns true if there are none: the data is done already.
 */
bool rpc_rx_data(struct rpc_rx *rx, u32 count);

/* Drop the rest of the record. */
static inline void rpc_rx_skip(struct rpc_rx *rx)
{
	rx->state = RPC_RX_SKIP;
}

#endif /* NSP_RPC_RX_H */
