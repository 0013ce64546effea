// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer harness: sense data (raw and as an iSCSI sense segment),
 * READ CAPACITY(16) and INQUIRY parameter data.
 */
#include <stdlib.h>
#include "scsi.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct scsi_inquiry_info inq;
	struct scsi_sense s;
	enum scsi_disposition d;
	u64 nr;
	u32 bl;

	if (scsi_parse_sense(data, size, &s) == 0) {
		if (!s.valid || s.key > 0xf)
			abort();
	} else if (s.valid) {
		abort();
	}
	d = scsi_classify(size ? data[0] : 0, &s);
	if (d != SCSI_DISP_OK && d != SCSI_DISP_RETRY && d != SCSI_DISP_FAIL)
		abort();
	if (!scsi_sense_key_str(s.key))
		abort();

	if (iscsi_parse_sense_segment(data, size, &s) == 0 && !s.valid)
		abort();

	if (scsi_parse_read_capacity16(data, size, &nr, &bl) == 0 &&
	    (!nr || bl < 512 || bl > 65536 || (bl & (bl - 1))))
		abort();

	if (scsi_parse_inquiry(data, size, &inq) == 0 &&
	    (strlen(inq.vendor) > 8 || strlen(inq.product) > 16))
		abort();
	return 0;
}
