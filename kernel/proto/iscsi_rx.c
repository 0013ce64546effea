// SPDX-License-Identifier: GPL-2.0
/*
 * iSCSI receive framing: see iscsi_rx.h.
 */
#include "iscsi_rx.h"

void iscsi_rx_init(struct iscsi_rx *rx, bool hd_on, bool dd_on, u32 max_dsl,
		   u32 max_ctl, iscsi_crc_fn crc32c)
{
	memset(rx, 0, sizeof(*rx));
	rx->hd_on = hd_on;
	rx->dd_on = dd_on;
	rx->max_dsl = max_dsl;
	rx->max_ctl = max_ctl < max_dsl ? max_ctl : max_dsl;
	rx->crc32c = crc32c;
	rx->state = ISCSI_RX_BHS;
	rx->need = ISCSI_BHS_LEN + (hd_on ? ISCSI_DIGEST_LEN : 0);
}

u32 iscsi_rx_want(struct iscsi_rx *rx, u8 **buf)
{
	u32 left = rx->need - rx->got;

	switch (rx->state) {
	case ISCSI_RX_BHS:
		*buf = rx->hdr + rx->got;
		return left;
	case ISCSI_RX_AHS:	/* skipped through the trailer */
		*buf = rx->trailer;
		return left < sizeof(rx->trailer) ? left : sizeof(rx->trailer);
	case ISCSI_RX_DATA:
		*buf = NULL;
		return left;
	case ISCSI_RX_FAILED:
		*buf = NULL;
		return 0;
	default:		/* padding, data digest */
		*buf = rx->trailer + rx->got;
		return left;
	}
}

static u32 rx_digest(const struct iscsi_rx *rx, const void *p, size_t len)
{
	return ~rx->crc32c(~0u, p, len);
}

/* Enter @state with @need bytes to read (0: passed over by the caller). */
static void rx_enter(struct iscsi_rx *rx, enum iscsi_rx_state state, u32 need)
{
	rx->state = state;
	rx->need = need;
	rx->got = 0;
}

/* The BHS (and its digest) is in: check it and size the parts after it. */
static int rx_header(struct iscsi_rx *rx, const char **why)
{
	struct iscsi_hdr_info *h = &rx->h;

	if (rx->hd_on && nsp_get_le32(rx->hdr + ISCSI_BHS_LEN) !=
	    rx_digest(rx, rx->hdr, ISCSI_BHS_LEN)) {
		*why = "header digest mismatch";
		return -EBADMSG;
	}
	if (iscsi_parse_bhs(rx->hdr, h)) {
		*why = "malformed header";
		return -EPROTO;
	}
	if (h->data_len > rx->max_dsl) {
		*why = "data segment too long";
		return -EPROTO;
	}
	if (h->opcode != ISCSI_OP_DATA_IN && h->data_len > rx->max_ctl) {
		*why = "control PDU's data segment longer than its buffer";
		return -EPROTO;
	}
	rx->crc = ~0u;
	rx_enter(rx, ISCSI_RX_AHS, h->ahs_len);
	return 0;
}

int iscsi_rx_advance(struct iscsi_rx *rx, const u8 *p, u32 n,
		     const char **why)
{
	int done = 0, ret;

	if (rx->state == ISCSI_RX_FAILED) {
		*why = "the receive cursor has failed";
		return -EPROTO;
	}
	if (!n || n > rx->need - rx->got) {
		*why = "receive beyond the part asked for";
		iscsi_rx_fail(rx);
		return -EPROTO;
	}
	if (rx->state == ISCSI_RX_DATA && rx->dd_on)
		rx->crc = rx->crc32c(rx->crc, p, n);
	rx->got += n;

	/* Move on through every part now complete, empty ones included. */
	while (rx->got == rx->need) {
		switch (rx->state) {
		case ISCSI_RX_BHS:
			ret = rx_header(rx, why);
			if (ret) {
				iscsi_rx_fail(rx);
				return ret;
			}
			done |= ISCSI_RX_HEADER;
			break;
		case ISCSI_RX_AHS:
			rx_enter(rx, ISCSI_RX_DATA, rx->h.data_len);
			break;
		case ISCSI_RX_DATA:
			rx_enter(rx, ISCSI_RX_PAD, ISCSI_PAD(rx->h.data_len));
			break;
		case ISCSI_RX_PAD:
			if (rx->dd_on && rx->need)
				rx->crc = rx->crc32c(rx->crc, rx->trailer,
						     rx->need);
			rx_enter(rx, ISCSI_RX_DDIGEST,
				 rx->dd_on && rx->h.data_len ?
				 ISCSI_DIGEST_LEN : 0);
			break;
		case ISCSI_RX_DDIGEST:
			if (rx->need && nsp_get_le32(rx->trailer) != ~rx->crc) {
				*why = "data digest mismatch";
				iscsi_rx_fail(rx);
				return -EBADMSG;
			}
			rx_enter(rx, ISCSI_RX_BHS, ISCSI_BHS_LEN +
				 (rx->hd_on ? ISCSI_DIGEST_LEN : 0));
			return done | ISCSI_RX_PDU;
		case ISCSI_RX_FAILED:
			return done;
		}
	}
	return done;
}
