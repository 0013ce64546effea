// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer harness: sense data (raw and as an iSCSI sense segment),
 * READ CAPACITY(16) and INQUIRY parameter data, and the VPD pages that
 * identify a LU (0x83, 0x80) or describe its thin provisioning (0xb0,
 * 0xb2).
 */
#include <stdlib.h>
#include <string.h>
#include "scsi.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct scsi_inquiry_info inq;
	struct scsi_sense s;
	enum scsi_disposition d;
	char id[SCSI_ID_MAX + 1];
	size_t idlen = size ? data[size - 1] % (SCSI_ID_MAX + 1) : 0;
	int i;
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

	{
		u32 luns[16];
		size_t total;
		int n = scsi_parse_report_luns(data, size, luns, 16, &total);

		if (n > 16 || (n > 0 && (size_t)n > (size - 8) / 8))
			abort();
		while (n-- > 0)
			if (luns[n] > 16383)
				abort();
	}
	if (scsi_parse_read_capacity16(data, size, &nr, &bl) == 0 &&
	    (!nr || bl < 512 || bl > 65536 || (bl & (bl - 1)) ||
	     nr > ~(u64)0 / bl))
		abort();

	/* Identity text: NUL-terminated inside idlen, empty when refused. */
	for (i = 0; i < 2; i++) {
		int r;

		memset(id, 0x5a, sizeof(id));
		r = i ? scsi_parse_vpd_serial(data, size, id, idlen) :
			scsi_parse_vpd_devid(data, size, id, idlen);
		if (!idlen)
			continue;
		if (!memchr(id, '\0', idlen))
			abort();
		if (id[idlen] != 0x5a)
			abort();
		if (r && id[0])
			abort();
		if (!r && !id[0])
			abort();
	}

	{
		struct scsi_unmap_info u = { .lbpme = scsi_rc16_lbpme(data, size) };
		u32 cap = size ? (u32)data[0] << 8 : 0;
		int rb = scsi_parse_vpd_block_limits(data, size, &u);
		int rl = scsi_parse_vpd_lbp(data, size, &u);
		u32 m = scsi_unmap_max_blocks(&u, cap);

		/* Refused pages leave nothing behind. */
		if (rb && (u.max_lba || u.max_desc || u.granularity ||
			   u.ugavalid || u.alignment))
			abort();
		if (rl && u.lbpu)
			abort();
		if (m > cap || m > u.max_lba || (m && (!u.lbpu || !u.max_desc)))
			abort();
		if (u.alignment > 0x7fffffff)
			abort();
	}

	if (scsi_parse_inquiry(data, size, &inq) == 0 &&
	    (strlen(inq.vendor) > 8 || strlen(inq.product) > 16))
		abort();
	return 0;
}
