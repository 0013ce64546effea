// SPDX-License-Identifier: GPL-2.0
/* libFuzzer harness: iscsi_parse_bhs() on arbitrary 48-byte headers. */
#include <stdlib.h>
#include "iscsi_pdu.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

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
	return 0;
}
