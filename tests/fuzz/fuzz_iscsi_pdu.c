// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer harness: iscsi_parse_bhs() on arbitrary 48-byte headers, and
 * the input as a stream of headers fed to one read's Data-In sequence
 * check: whatever is accepted continues the read exactly, never past it.
 */
#include <stdlib.h>
#include "iscsi_pdu.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void datain_stream(const uint8_t *data, size_t size)
{
	struct iscsi_datain_seq s;
	struct iscsi_hdr_info h;
	u8 bhs[ISCSI_BHS_LEN];
	const char *why;
	size_t off;

	iscsi_datain_start(&s, (u32)size * 512);
	for (off = 0; off + ISCSI_BHS_LEN <= size; off += ISCSI_BHS_LEN) {
		u32 before = s.received, sn = s.next_sn;

		memcpy(bhs, data + off, ISCSI_BHS_LEN);
		if (iscsi_parse_bhs(bhs, &h) || h.opcode != ISCSI_OP_DATA_IN)
			continue;
		why = NULL;
		if (iscsi_datain_check(&s, &h, &why)) {
			if (!why || s.received != before || s.next_sn != sn)
				abort();
			continue;
		}
		if (h.buffer_offset != before || h.data_sn != sn ||
		    h.data_len > s.edtl - before)
			abort();
		iscsi_datain_accept(&s, &h);
		if (s.received > s.edtl || s.received < before)
			abort();
		if ((h.flags & ISCSI_DATAIN_STATUS) &&
		    !iscsi_datain_status_check(&s, &h, &why) &&
		    s.received != s.edtl)
			abort();
	}
}

/*
 * Login Responses in a stream: whatever the target sends, the exchange
 * ends (no more than ISCSI_LOGIN_MAX_CONT PDUs, each continuation with
 * text) and the text never passes its buffer.
 */
static void login_stream(const uint8_t *data, size_t size)
{
	struct iscsi_login_seq s;
	struct iscsi_hdr_info h;
	u8 bhs[ISCSI_BHS_LEN];
	const char *why;
	size_t off;

	iscsi_login_start(&s, 8192);
	for (off = 0; off + ISCSI_BHS_LEN <= size; off += ISCSI_BHS_LEN) {
		u32 before = s.text;

		memcpy(bhs, data + off, ISCSI_BHS_LEN);
		if (iscsi_parse_bhs(bhs, &h) || h.opcode != ISCSI_OP_LOGIN_RSP)
			continue;
		why = NULL;
		if (iscsi_login_check(&s, &h, &why)) {
			if (!why || s.text != before)
				abort();
			return;
		}
		iscsi_login_accept(&s, &h);
		if (s.text > s.max_text || s.pdus > ISCSI_LOGIN_MAX_CONT ||
		    ((h.flags & ISCSI_LOGIN_C) &&
		     ((h.flags & ISCSI_LOGIN_T) || s.text == before)))
			abort();
		if (!(h.flags & ISCSI_LOGIN_C))
			return;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct iscsi_hdr_info h;
	u8 bhs[ISCSI_BHS_LEN];

	if (size < ISCSI_BHS_LEN)
		return 0;
	memcpy(bhs, data, ISCSI_BHS_LEN);
	if (iscsi_parse_bhs(bhs, &h) == 0) {
		if (h.opcode < 0x20 || h.opcode > 0x3f)
			abort();
		if (h.data_len > ISCSI_MAX_DSL || h.ahs_len > 255 * 4)
			abort();
		if (h.opcode == ISCSI_OP_R2T && !h.desired_len)
			abort();
		if (h.opcode == ISCSI_OP_REJECT && h.data_len < ISCSI_BHS_LEN)
			abort();
		if (!iscsi_login_status_str(h.status_class, h.status_detail))
			abort();
	}
	datain_stream(data, size);
	login_stream(data, size);
	return 0;
}
