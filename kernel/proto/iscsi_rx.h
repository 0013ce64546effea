/* SPDX-License-Identifier: GPL-2.0 */
/*
 * iSCSI receive framing (RFC 7143 11.1): the cursor that turns a TCP byte
 * stream into PDUs, as netswap.ko's receive loop runs it. BHS and header
 * digest, AHS (skipped), data segment, padding, data digest; each length
 * is checked before a byte of the part it announces is asked for.
 *
 * Pure: the caller reads from its socket into the place iscsi_rx_want()
 * names and reports what arrived with iscsi_rx_advance(). Data segment
 * bytes go where the caller chooses (its control buffer, or a read's
 * pages), so the unit tests and the fuzzer drive exactly the module's code.
 */
#ifndef NSP_ISCSI_RX_H
#define NSP_ISCSI_RX_H

#include "iscsi_pdu.h"

/* CRC32C update, no inversion (the kernel's crc32c()). */
typedef u32 (*iscsi_crc_fn)(u32 crc, const void *p, size_t len);

enum iscsi_rx_state {
	ISCSI_RX_BHS,
	ISCSI_RX_AHS,
	ISCSI_RX_DATA,
	ISCSI_RX_PAD,
	ISCSI_RX_DDIGEST,
	ISCSI_RX_FAILED,	/* refused: nothing more is taken */
};

struct iscsi_rx {
	enum iscsi_rx_state	state;
	bool			hd_on, dd_on;	/* negotiated digests */
	u32			max_dsl;	/* longest data segment taken */
	u32			max_ctl;	/* longest one that is not Data-In */
	u32			got;		/* bytes of the current part */
	u32			need;		/* size of the current part */
	u32			crc;		/* running data digest */
	iscsi_crc_fn		crc32c;
	struct iscsi_hdr_info	h;		/* the header, once parsed */
	u8			hdr[ISCSI_BHS_LEN + ISCSI_DIGEST_LEN];
	u8			trailer[ISCSI_DIGEST_LEN];
};

/* What iscsi_rx_advance() completed: either or both bits, or 0. */
#define ISCSI_RX_HEADER		1	/* rx->h is valid: place the data */
#define ISCSI_RX_PDU		2	/* the PDU is whole, digests checked */

/*
 * Start at a PDU boundary. A Data-In's segment may be up to @max_dsl bytes
 * (our MaxRecvDataSegmentLength), any other PDU's up to @max_ctl (the
 * control buffer it is received into whole, at most @max_dsl).
 */
void iscsi_rx_init(struct iscsi_rx *rx, bool hd_on, bool dd_on, u32 max_dsl,
		   u32 max_ctl, iscsi_crc_fn crc32c);

/*
 * How many bytes to read next and where: *@buf is a place in @rx, or NULL
 * in the data segment, whose bytes the caller places at offset rx->got of
 * the segment (in a buffer of at least max_ctl bytes for a PDU that is not
 * Data-In). 0 once the cursor has failed: the connection must go, and no
 * byte more may be read for it, even if the caller is called again before
 * the connection is gone.
 */
u32 iscsi_rx_want(struct iscsi_rx *rx, u8 **buf);

/* The caller refused the header (after ISCSI_RX_HEADER): fail the cursor. */
static inline void iscsi_rx_fail(struct iscsi_rx *rx)
{
	rx->state = ISCSI_RX_FAILED;
	rx->need = rx->got = 0;
}

/*
 * @n (1 .. what iscsi_rx_want() asked) bytes arrived at @p. Returns 0, a
 * mask of ISCSI_RX_HEADER and ISCSI_RX_PDU, or -EPROTO (malformed header,
 * too long a segment) or -EBADMSG (digest mismatch) with @why set; the
 * cursor has then failed (see iscsi_rx_want()).
 */
int iscsi_rx_advance(struct iscsi_rx *rx, const u8 *p, u32 n,
		     const char **why);

#endif /* NSP_ISCSI_RX_H */
