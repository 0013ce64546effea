// SPDX-License-Identifier: GPL-2.0
/* Unit tests for kernel/proto/scsi.c */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "scsi.h"

/* Exact-size heap copy so that ASan sees any read past the end. */
static u8 *heapdup(const void *p, size_t n)
{
	u8 *b = malloc(n ? n : 1);

	assert_non_null(b);
	memcpy(b, p, n);
	return b;
}

static int sense(const void *p, size_t n, struct scsi_sense *s)
{
	u8 *b = heapdup(p, n);
	int ret = scsi_parse_sense(b, n, s);

	free(b);
	return ret;
}

static void test_cdb_builders(void **state)
{
	static const u8 read16[16] = {
		0x88, 0x00, 0x01, 0x23, 0x45, 0x67, 0x89, 0xab, 0xcd, 0xef,
		0x00, 0x00, 0x01, 0x00, 0x00, 0x00,
	};
	static const u8 write16_fua[16] = {
		0x8a, 0x08, 0, 0, 0, 0, 0, 0, 0x10, 0x00,
		0xff, 0xff, 0xff, 0xff, 0x00, 0x00,
	};
	static const u8 sync16[16] = {
		0x91, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	};
	static const u8 rc16[16] = {
		0x9e, 0x10, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x20, 0, 0,
	};
	static const u8 inquiry[16] = { 0x12, 0, 0, 0x00, 0x60, 0 };
	static const u8 tur[16] = { 0 };
	u8 cdb[16];

	(void)state;
	memset(cdb, 0xa5, sizeof(cdb));
	assert_int_equal(scsi_build_read16(cdb, 0x0123456789abcdefull, 256),
			 16);
	assert_memory_equal(cdb, read16, 16);

	memset(cdb, 0xa5, sizeof(cdb));
	assert_int_equal(scsi_build_write16(cdb, 0x1000, 0xffffffff, true), 16);
	assert_memory_equal(cdb, write16_fua, 16);
	assert_int_equal(scsi_build_write16(cdb, 0x1000, 0xffffffff, false),
			 16);
	assert_int_equal(cdb[0], 0x8a);
	assert_int_equal(cdb[1], 0x00);

	memset(cdb, 0xa5, sizeof(cdb));
	assert_int_equal(scsi_build_sync_cache16(cdb, 0, 0), 16);
	assert_memory_equal(cdb, sync16, 16);

	memset(cdb, 0xa5, sizeof(cdb));
	assert_int_equal(scsi_build_read_capacity16(cdb, SCSI_RC16_LEN), 16);
	assert_memory_equal(cdb, rc16, 16);

	memset(cdb, 0xa5, sizeof(cdb));
	assert_int_equal(scsi_build_inquiry(cdb, SCSI_INQUIRY_LEN), 6);
	assert_memory_equal(cdb, inquiry, 16);

	memset(cdb, 0xa5, sizeof(cdb));
	assert_int_equal(scsi_build_tur(cdb), 6);
	assert_memory_equal(cdb, tur, 16);
}

static void test_read_capacity16(void **state)
{
	u8 buf[SCSI_RC16_LEN] = { 0 };
	u64 nr = 0;
	u32 bl = 0;
	u8 *b;

	(void)state;
	nsp_put_be64(buf, 0x00000000001fffffull);	/* last LBA */
	nsp_put_be32(buf + 8, 512);
	assert_int_equal(scsi_parse_read_capacity16(buf, sizeof(buf), &nr, &bl),
			 0);
	assert_int_equal(nr, 0x200000);
	assert_int_equal(bl, 512);

	/* 12 bytes suffice; the tail of the response is optional. */
	b = heapdup(buf, 12);
	nsp_put_be32(b + 8, 4096);
	assert_int_equal(scsi_parse_read_capacity16(b, 12, &nr, &bl), 0);
	assert_int_equal(bl, 4096);
	assert_int_equal(scsi_parse_read_capacity16(b, 11, &nr, &bl), -EPROTO);
	assert_int_equal(scsi_parse_read_capacity16(b, 0, &nr, &bl), -EPROTO);
	free(b);

	nsp_put_be32(buf + 8, 65536);
	assert_int_equal(scsi_parse_read_capacity16(buf, 32, &nr, &bl), 0);
	nsp_put_be32(buf + 8, 131072);
	assert_int_equal(scsi_parse_read_capacity16(buf, 32, &nr, &bl),
			 -EPROTO);
	nsp_put_be32(buf + 8, 256);
	assert_int_equal(scsi_parse_read_capacity16(buf, 32, &nr, &bl),
			 -EPROTO);
	nsp_put_be32(buf + 8, 520);		/* not a power of 2 */
	assert_int_equal(scsi_parse_read_capacity16(buf, 32, &nr, &bl),
			 -EPROTO);
	nsp_put_be32(buf + 8, 0);
	assert_int_equal(scsi_parse_read_capacity16(buf, 32, &nr, &bl),
			 -EPROTO);
	/* A last LBA of all ones would wrap nr_blocks to 0. */
	nsp_put_be32(buf + 8, 512);
	nsp_put_be64(buf, ~0ull);
	assert_int_equal(scsi_parse_read_capacity16(buf, 32, &nr, &bl),
			 -EPROTO);
	/* Blocks times block length must fit in 64 bits. */
	nsp_put_be64(buf, ~0ull - 1);
	assert_int_equal(scsi_parse_read_capacity16(buf, 32, &nr, &bl),
			 -EPROTO);
	assert_true(nr == ~0ull);		/* reported for the message */
	nsp_put_be64(buf, ~0ull / 512 - 1);	/* the largest that fits */
	assert_int_equal(scsi_parse_read_capacity16(buf, 32, &nr, &bl), 0);
	assert_true(nr * 512 / 512 == nr);
	nsp_put_be64(buf, ~0ull / 512);
	assert_int_equal(scsi_parse_read_capacity16(buf, 32, &nr, &bl),
			 -EPROTO);
	nsp_put_be32(buf + 8, 65536);
	nsp_put_be64(buf, 1ull << 48);		/* 2^48 + 1 blocks of 64 KiB */
	assert_int_equal(scsi_parse_read_capacity16(buf, 32, &nr, &bl),
			 -EPROTO);
}

static void test_inquiry_vpd_cdb(void **state)
{
	static const u8 expect[16] = { 0x12, 0x01, 0x83, 0x00, 0xfc, 0 };
	u8 cdb[SCSI_CDB_LEN];

	(void)state;
	memset(cdb, 0xa5, sizeof(cdb));
	assert_int_equal(scsi_build_inquiry_vpd(cdb, SCSI_VPD_DEVID,
						SCSI_VPD_LEN), 6);
	assert_memory_equal(cdb, expect, 16);
}

/* Page 0x83 as LIO sends it: NAA, T10 vendor ID, then port designators. */
static void test_vpd_devid(void **state)
{
	static const u8 page[] = {
		0x00, 0x83, 0x00, 0x38,
		/* NAA IEEE Registered Extended, binary, LU */
		0x01, 0x03, 0x00, 0x10,
		0x60, 0x01, 0x40, 0x5a, 0xbc, 0xde, 0xf0, 0x12,
		0x34, 0x56, 0x78, 0x9a, 0xbc, 0xde, 0xf0, 0x12,
		/* T10 vendor ID, ASCII, LU */
		0x02, 0x01, 0x00, 0x10,
		'L', 'I', 'O', '-', 'O', 'R', 'G', ' ',
		'd', 'i', 's', 'k', '0', ' ', ' ', ' ',
		/* Relative target port, binary, port association */
		0x61, 0x94, 0x00, 0x04, 0x00, 0x00, 0x00, 0x01,
	};
	char id[SCSI_ID_MAX];
	u8 *b;

	(void)state;
	assert_int_equal(scsi_parse_vpd_devid(page, sizeof(page), id,
					      sizeof(id)), 0);
	assert_string_equal(id, "naa.6001405abcdef0123456789abcdef012");

	/* Without the NAA: the T10 vendor ID, blanks folded and cut. */
	b = heapdup(page, sizeof(page));
	b[5] = 0x13;		/* NAA now associated with the port */
	assert_int_equal(scsi_parse_vpd_devid(b, sizeof(page), id,
					      sizeof(id)), 0);
	assert_string_equal(id, "t10.LIO-ORG disk0");
	/* Nothing for the LU at all. */
	b[25] = 0x21;
	assert_int_equal(scsi_parse_vpd_devid(b, sizeof(page), id,
					      sizeof(id)), -ENOENT);
	assert_string_equal(id, "");
	free(b);

	/* Truncated inside a descriptor: only whole ones count. */
	b = heapdup(page, 20);
	assert_int_equal(scsi_parse_vpd_devid(b, 20, id, sizeof(id)),
			 -ENOENT);
	free(b);
	/* A page length past what arrived is cut to it. */
	b = heapdup(page, 24);
	assert_int_equal(scsi_parse_vpd_devid(b, 24, id, sizeof(id)), 0);
	assert_string_equal(id, "naa.6001405abcdef0123456789abcdef012");
	free(b);
	/* Not page 0x83. */
	b = heapdup(page, sizeof(page));
	b[1] = 0x80;
	assert_int_equal(scsi_parse_vpd_devid(b, sizeof(page), id,
					      sizeof(id)), -EPROTO);
	assert_int_equal(scsi_parse_vpd_devid(b, 3, id, sizeof(id)), -EPROTO);
	free(b);
	/* Too small a result buffer: no half identity. */
	assert_int_equal(scsi_parse_vpd_devid(page, sizeof(page), id, 10),
			 -ENOENT);
	assert_string_equal(id, "");
}

/*
 * Page 0x83 as tgt builds it: T10 vendor ID from scsi_id, a locally
 * assigned NAA from the target and LUN numbers, and an IEEE Registered
 * Extended NAA from scsi_id's hex digits. The registered one identifies
 * the storage; the local one would be equal for any LU at that LUN.
 */
static void test_vpd_devid_tgt(void **state)
{
	static const u8 page[] = {
		0x00, 0x83, 0x00, 0x3c,
		0x02, 0x01, 0x00, 0x18,
		'I', 'E', 'T', ' ', ' ', ' ', ' ', ' ',
		'0', '0', '0', '1', '0', '0', '0', '1', 0, 0, 0, 0, 0, 0, 0, 0,
		0x01, 0x03, 0x00, 0x08, 0x30, 0, 0, 0, 0, 0x01, 0, 0x01,
		0x01, 0x03, 0x00, 0x10, 0x60, 0, 0, 0, 0, 0, 0, 0,
		0, 0, 0, 0, 0xab, 0xcd, 0x12, 0x34,
	};
	char id[SCSI_ID_MAX];

	(void)state;
	assert_int_equal(scsi_parse_vpd_devid(page, sizeof(page), id,
					      sizeof(id)), 0);
	assert_string_equal(id, "naa.600000000000000000000000abcd1234");
}

static void test_vpd_devid_eui_rank(void **state)
{
	static const u8 page[] = {
		0x00, 0x83, 0x00, 0x18,
		0x02, 0x01, 0x00, 0x08, 'V', 'E', 'N', 'D', 'O', 'R', ' ', ' ',
		0x01, 0x02, 0x00, 0x08, 1, 2, 3, 4, 5, 6, 7, 8,
	};
	char id[SCSI_ID_MAX];

	(void)state;
	assert_int_equal(scsi_parse_vpd_devid(page, sizeof(page), id,
					      sizeof(id)), 0);
	assert_string_equal(id, "eui.0102030405060708");
}

static void test_vpd_serial(void **state)
{
	static const u8 page[] = {
		0x00, 0x80, 0x00, 0x0a,
		' ', 'b', 'e', 'a', 'f', '1', '1', '0', ' ', ' ',
	};
	char id[SCSI_ID_MAX];
	u8 *b;

	(void)state;
	assert_int_equal(scsi_parse_vpd_serial(page, sizeof(page), id,
					       sizeof(id)), 0);
	assert_string_equal(id, "serial.beaf110");
	b = heapdup(page, sizeof(page));
	memset(b + 4, ' ', 10);
	assert_int_equal(scsi_parse_vpd_serial(b, sizeof(page), id,
					       sizeof(id)), -ENOENT);
	b[3] = 0xff;		/* length past the buffer: cut to it */
	b[5] = 'x';
	assert_int_equal(scsi_parse_vpd_serial(b, sizeof(page), id,
					       sizeof(id)), 0);
	assert_string_equal(id, "serial.x");
	b[1] = 0x83;
	assert_int_equal(scsi_parse_vpd_serial(b, sizeof(page), id,
					       sizeof(id)), -EPROTO);
	free(b);
}

static void test_inquiry(void **state)
{
	u8 buf[SCSI_INQUIRY_LEN];
	struct scsi_inquiry_info inq;
	u8 *b;

	(void)state;
	memset(buf, 0, sizeof(buf));
	buf[0] = 0x00;
	memcpy(buf + 8, "LIO-ORG ", 8);
	memcpy(buf + 16, "swapdisk        ", 16);
	b = heapdup(buf, 36);
	assert_int_equal(scsi_parse_inquiry(b, 36, &inq), 0);
	assert_int_equal(inq.peripheral_qualifier, 0);
	assert_int_equal(inq.device_type, 0);
	assert_string_equal(inq.vendor, "LIO-ORG");
	assert_string_equal(inq.product, "swapdisk");
	assert_int_equal(scsi_parse_inquiry(b, 35, &inq), -EPROTO);
	free(b);

	/* Qualifier 3, type 0x1f: no LUN here. Full-width, odd bytes. */
	buf[0] = 0x7f;
	memcpy(buf + 8, "ABCDEFGH", 8);
	memcpy(buf + 16, "0123456789\x01\xff" "cdef", 16);
	assert_int_equal(scsi_parse_inquiry(buf, sizeof(buf), &inq), 0);
	assert_int_equal(inq.peripheral_qualifier, 3);
	assert_int_equal(inq.device_type, 0x1f);
	assert_string_equal(inq.vendor, "ABCDEFGH");
	assert_string_equal(inq.product, "0123456789??cdef");

	/* All blanks */
	memset(buf + 8, ' ', 24);
	assert_int_equal(scsi_parse_inquiry(buf, sizeof(buf), &inq), 0);
	assert_string_equal(inq.vendor, "");
	assert_string_equal(inq.product, "");
}

static void test_sense_fixed(void **state)
{
	/* UNIT ATTENTION, POWER ON OR RESET (29h/00h), 18 bytes */
	static const u8 ua[18] = {
		0x70, 0, 0x06, 0, 0, 0, 0, 10, 0, 0, 0, 0, 0x29, 0x00,
	};
	u8 buf[18];
	struct scsi_sense s;

	(void)state;
	assert_int_equal(sense(ua, sizeof(ua), &s), 0);
	assert_true(s.valid);
	assert_int_equal(s.key, SCSI_SENSE_UNIT_ATTENTION);
	assert_int_equal(s.asc, 0x29);
	assert_int_equal(s.ascq, 0x00);

	/* 0xf0: VALID bit set, deferred 0x71; other bits in byte 2 masked */
	memcpy(buf, ua, sizeof(buf));
	buf[0] = 0xf1;
	buf[2] = 0xe2;
	buf[12] = 0x04;
	buf[13] = 0x01;
	assert_int_equal(sense(buf, sizeof(buf), &s), 0);
	assert_int_equal(s.key, SCSI_SENSE_NOT_READY);
	assert_int_equal(s.asc, 0x04);
	assert_int_equal(s.ascq, 0x01);
}

static void test_sense_fixed_short(void **state)
{
	u8 buf[18] = { 0x70, 0, 0x03, 0, 0, 0, 0, 10, 0, 0, 0, 0, 0x11, 0x02 };
	struct scsi_sense s;

	(void)state;
	/* Only the key */
	assert_int_equal(sense(buf, 3, &s), 0);
	assert_true(s.valid);
	assert_int_equal(s.key, SCSI_SENSE_MEDIUM_ERROR);
	assert_int_equal(s.asc, 0);
	/* ASC present, ASCQ cut off */
	assert_int_equal(sense(buf, 13, &s), 0);
	assert_int_equal(s.asc, 0);
	assert_int_equal(sense(buf, 14, &s), 0);
	assert_int_equal(s.asc, 0x11);
	assert_int_equal(s.ascq, 0x02);
	/* Additional sense length says ASC/ASCQ are not there. */
	buf[7] = 4;
	assert_int_equal(sense(buf, sizeof(buf), &s), 0);
	assert_int_equal(s.key, SCSI_SENSE_MEDIUM_ERROR);
	assert_int_equal(s.asc, 0);
	assert_int_equal(s.ascq, 0);
	buf[7] = 6;
	assert_int_equal(sense(buf, sizeof(buf), &s), 0);
	assert_int_equal(s.asc, 0x11);
	/* Too short for the key */
	assert_int_equal(sense(buf, 2, &s), -EPROTO);
	assert_false(s.valid);
	assert_int_equal(sense(buf, 0, &s), -EPROTO);
}

static void test_sense_descriptor(void **state)
{
	/* ILLEGAL REQUEST, LBA OUT OF RANGE (21h/00h), with an info desc. */
	static const u8 d[20] = {
		0x72, 0x05, 0x21, 0x00, 0, 0, 0, 12,
		0x00, 0x0a, 0x80, 0, 0, 0, 0, 0, 0, 0, 0x10, 0x00,
	};
	struct scsi_sense s;
	u8 buf[4] = { 0x73, 0x0b, 0x47, 0x03 };

	(void)state;
	assert_int_equal(sense(d, sizeof(d), &s), 0);
	assert_true(s.valid);
	assert_int_equal(s.key, SCSI_SENSE_ILLEGAL_REQUEST);
	assert_int_equal(s.asc, 0x21);
	assert_int_equal(s.ascq, 0x00);
	assert_int_equal(sense(buf, 4, &s), 0);
	assert_int_equal(s.key, SCSI_SENSE_ABORTED_COMMAND);
	assert_int_equal(s.asc, 0x47);
	assert_int_equal(s.ascq, 0x03);
	assert_int_equal(sense(buf, 3, &s), -EPROTO);
	assert_false(s.valid);
}

static void test_sense_unknown_format(void **state)
{
	static const u8 codes[] = { 0x00, 0x6f, 0x74, 0x7f, 0xff };
	u8 buf[18] = { 0 };
	struct scsi_sense s;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(codes); i++) {
		buf[0] = codes[i];
		assert_int_equal(sense(buf, sizeof(buf), &s), -EPROTO);
		assert_false(s.valid);
	}
}

static void test_sense_segment(void **state)
{
	u8 seg[2 + 18 + 4] = {
		0x00, 18, 0x70, 0, 0x06, 0, 0, 0, 0, 10, 0, 0, 0, 0, 0x2a, 0x09,
	};
	struct scsi_sense s;
	u8 *b;

	(void)state;
	/* Response data may follow the sense: a longer segment is fine. */
	b = heapdup(seg, sizeof(seg));
	assert_int_equal(iscsi_parse_sense_segment(b, sizeof(seg), &s), 0);
	assert_true(s.valid);
	assert_int_equal(s.key, SCSI_SENSE_UNIT_ATTENTION);
	assert_int_equal(s.asc, 0x2a);
	assert_int_equal(s.ascq, 0x09);
	free(b);
	/* Exactly the sense */
	b = heapdup(seg, 20);
	assert_int_equal(iscsi_parse_sense_segment(b, 20, &s), 0);
	/* SenseLength past the end of the segment */
	assert_int_equal(iscsi_parse_sense_segment(b, 19, &s), -EPROTO);
	assert_false(s.valid);
	free(b);
	seg[0] = 0xff;
	b = heapdup(seg, sizeof(seg));
	assert_int_equal(iscsi_parse_sense_segment(b, sizeof(seg), &s),
			 -EPROTO);
	free(b);
	/* Well framed, but no usable sense: none, or in no known format */
	seg[0] = 0;
	seg[1] = 0;
	b = heapdup(seg, 2);
	assert_int_equal(iscsi_parse_sense_segment(b, 2, &s), -ENODATA);
	assert_int_equal(iscsi_parse_sense_segment(b, 0, &s), -ENODATA);
	/* A segment too short for SenseLength is malformed */
	assert_int_equal(iscsi_parse_sense_segment(b, 1, &s), -EPROTO);
	free(b);
	seg[1] = 18;
	seg[2] = 0x7f;		/* no such response code */
	b = heapdup(seg, sizeof(seg));
	assert_int_equal(iscsi_parse_sense_segment(b, sizeof(seg), &s),
			 -ENODATA);
	assert_false(s.valid);
	free(b);
	seg[2] = 0x70;
	seg[1] = 2;		/* fixed format cut before its sense key */
	b = heapdup(seg, sizeof(seg));
	assert_int_equal(iscsi_parse_sense_segment(b, sizeof(seg), &s),
			 -ENODATA);
	free(b);
	seg[0] = 0x80;		/* SenseLength 32770 in a 24-byte segment */
	b = heapdup(seg, sizeof(seg));
	assert_int_equal(iscsi_parse_sense_segment(b, sizeof(seg), &s),
			 -EPROTO);
	free(b);
}

static struct scsi_sense mks(u8 key, u8 asc, u8 ascq)
{
	struct scsi_sense s = { .valid = true, .key = key, .asc = asc,
				.ascq = ascq };

	return s;
}

static void test_report_luns(void **state)
{
	static const u8 ans[] = {
		0, 0, 0, 40, 0, 0, 0, 0,		/* 5 entries */
		0x00, 0x00, 0, 0, 0, 0, 0, 0,		/* LUN 0, peripheral */
		0x00, 0x07, 0, 0, 0, 0, 0, 0,		/* LUN 7 */
		0x41, 0x02, 0, 0, 0, 0, 0, 0,		/* LUN 258, flat */
		0x80, 0x01, 0, 0, 0, 0, 0, 0,		/* logical unit addressing: skipped */
		0x00, 0x05, 0x00, 0x01, 0, 0, 0, 0,	/* two levels: skipped */
	};
	u8 cdb[SCSI_CDB_LEN];
	u32 luns[8];
	size_t total;

	(void)state;
	assert_int_equal(scsi_build_report_luns(cdb, 4096), 12);
	assert_int_equal(cdb[0], 0xa0);
	assert_int_equal(nsp_get_be32(cdb + 6), 4096);
	assert_int_equal(scsi_parse_report_luns(ans, sizeof(ans), luns, 8, &total), 3);
	assert_int_equal(total, 5);
	assert_int_equal(luns[0], 0);
	assert_int_equal(luns[1], 7);
	assert_int_equal(luns[2], 258);
	/* Room for one: one stored, the total still five. */
	assert_int_equal(scsi_parse_report_luns(ans, sizeof(ans), luns, 1, &total), 1);
	assert_int_equal(total, 5);
	/* Cut short by the allocation length: what arrived. */
	assert_int_equal(scsi_parse_report_luns(ans, 24, luns, 8, &total), 2);
	assert_int_equal(total, 5);
	/* A list length past the data never reads past it. */
	assert_int_equal(scsi_parse_report_luns(ans, 12, luns, 8, &total), 0);
	assert_int_equal(scsi_parse_report_luns(ans, 7, luns, 8, &total), -EPROTO);
}

static void test_unmap(void **state)
{
	u8 cdb[SCSI_CDB_LEN], p[SCSI_UNMAP_PARAM_LEN + 4];

	(void)state;
	assert_int_equal(scsi_build_unmap(cdb, SCSI_UNMAP_PARAM_LEN), 10);
	assert_int_equal(cdb[0], 0x42);
	assert_int_equal(cdb[1], 0);			/* no ANCHOR */
	assert_int_equal(nsp_get_be16(cdb + 7), 24);
	assert_int_equal(cdb[9], 0);

	memset(p, 0xee, sizeof(p));
	assert_int_equal(scsi_build_unmap_params(p, sizeof(p),
						 0x123456789aULL, 2048), 24);
	assert_int_equal(nsp_get_be16(p), 22);		/* UNMAP DATA LENGTH */
	assert_int_equal(nsp_get_be16(p + 2), 16);	/* one descriptor */
	assert_int_equal(nsp_get_be32(p + 4), 0);
	assert_true(nsp_get_be64(p + 8) == 0x123456789aULL);
	assert_int_equal(nsp_get_be32(p + 16), 2048);
	assert_int_equal(nsp_get_be32(p + 20), 0);
	assert_int_equal(p[24], 0xee);			/* nothing past it */
	assert_int_equal(scsi_build_unmap_params(p, 23, 0, 1), -EINVAL);
	assert_int_equal(scsi_build_unmap_params(p, sizeof(p), 0, 0), -EINVAL);
}

static void test_thin_provisioning(void **state)
{
	/* tgt with thin_provisioning=1: both counts all ones, no granularity */
	u8 bl[64] = { 0x00, 0xb0, 0x00, 0x3c };
	/* LBPU LBPWS LBPWS10 LBPRZ, provisioning type thin */
	u8 lbp[8] = { 0x00, 0xb2, 0x00, 0x04, 0x00, 0xe4, 0x02, 0x00 };
	u8 rc16[SCSI_RC16_LEN] = { 0 };
	struct scsi_unmap_info u = { 0 };

	(void)state;
	assert_false(scsi_rc16_lbpme(rc16, sizeof(rc16)));
	rc16[14] = 0xc0;				/* LBPME LBPRZ */
	assert_true(scsi_rc16_lbpme(rc16, sizeof(rc16)));
	assert_false(scsi_rc16_lbpme(rc16, 14));
	u.lbpme = true;

	nsp_put_be32(bl + 20, 0xffffffff);
	nsp_put_be32(bl + 24, 0xffffffff);
	assert_int_equal(scsi_parse_vpd_block_limits(bl, sizeof(bl), &u), 0);
	assert_int_equal(scsi_parse_vpd_lbp(lbp, sizeof(lbp), &u), 0);
	assert_true(u.lbpu);
	assert_int_equal(u.max_lba, 0xffffffff);
	assert_int_equal(u.granularity, 0);
	assert_false(u.ugavalid);
	assert_int_equal(scsi_unmap_max_blocks(&u, 131072), 131072);

	/* LIO (emulate_tpu=1, fileio): 8192 blocks, one descriptor,
	 * granularity 1 at alignment 0 */
	nsp_put_be32(bl + 20, 8192);
	nsp_put_be32(bl + 24, 1);
	nsp_put_be32(bl + 28, 1);
	nsp_put_be32(bl + 32, 0x80000000);
	assert_int_equal(scsi_parse_vpd_block_limits(bl, sizeof(bl), &u), 0);
	assert_int_equal(u.granularity, 1);
	assert_true(u.ugavalid);
	assert_int_equal(u.alignment, 0);
	assert_int_equal(scsi_unmap_max_blocks(&u, 131072), 8192);
	nsp_put_be32(bl + 32, 0x80000008);
	assert_int_equal(scsi_parse_vpd_block_limits(bl, sizeof(bl), &u), 0);
	assert_int_equal(u.alignment, 8);

	/* Each of these means no UNMAP. */
	u.lbpme = false;
	assert_int_equal(scsi_unmap_max_blocks(&u, 131072), 0);
	u.lbpme = true;
	nsp_put_be32(bl + 24, 0);			/* no descriptors */
	assert_int_equal(scsi_parse_vpd_block_limits(bl, sizeof(bl), &u), 0);
	assert_int_equal(scsi_unmap_max_blocks(&u, 131072), 0);
	nsp_put_be32(bl + 24, 1);
	nsp_put_be32(bl + 20, 0);			/* no LBAs */
	assert_int_equal(scsi_parse_vpd_block_limits(bl, sizeof(bl), &u), 0);
	assert_int_equal(scsi_unmap_max_blocks(&u, 131072), 0);
	nsp_put_be32(bl + 20, 8192);
	lbp[5] = 0x40;					/* WRITE SAME only */
	assert_int_equal(scsi_parse_vpd_lbp(lbp, sizeof(lbp), &u), 0);
	assert_int_equal(scsi_unmap_max_blocks(&u, 131072), 0);
	lbp[5] = 0x80;

	/* The page length rules, not what the allocation length brought. */
	bl[3] = 0x0c;				/* SBC-2: no UNMAP fields */
	assert_int_equal(scsi_parse_vpd_block_limits(bl, sizeof(bl), &u), 0);
	assert_int_equal(u.max_lba, 0);
	assert_int_equal(u.max_desc, 0);
	bl[3] = 0x3c;
	assert_int_equal(scsi_parse_vpd_block_limits(bl, 30, &u), 0);
	assert_int_equal(u.max_lba, 8192);
	assert_int_equal(u.granularity, 0);	/* cut off */
	lbp[3] = 1;
	assert_int_equal(scsi_parse_vpd_lbp(lbp, sizeof(lbp), &u), 0);
	assert_false(u.lbpu);
	lbp[3] = 4;

	/* Another page, or no header: refused, and nothing kept. */
	assert_int_equal(scsi_parse_vpd_block_limits(lbp, sizeof(lbp), &u),
			 -EPROTO);
	assert_int_equal(u.max_lba, 0);
	assert_int_equal(scsi_parse_vpd_lbp(bl, sizeof(bl), &u), -EPROTO);
	assert_false(u.lbpu);
	assert_int_equal(scsi_parse_vpd_lbp(lbp, 3, &u), -EPROTO);
}

static void test_classify(void **state)
{
	struct scsi_sense s, invalid = { 0 };

	(void)state;
	assert_int_equal(scsi_classify(SCSI_STATUS_GOOD, NULL), SCSI_DISP_OK);
	assert_int_equal(scsi_classify(SCSI_STATUS_BUSY, NULL),
			 SCSI_DISP_RETRY);
	assert_int_equal(scsi_classify(SCSI_STATUS_TASK_SET_FULL, NULL),
			 SCSI_DISP_RETRY);
	assert_int_equal(scsi_classify(SCSI_STATUS_RESERVATION_CONFLICT, NULL),
			 SCSI_DISP_FAIL);
	assert_int_equal(scsi_classify(0x04, NULL), SCSI_DISP_FAIL);
	assert_int_equal(scsi_classify(0x40, NULL), SCSI_DISP_FAIL);

	/* CHECK CONDITION without usable sense: retried, a bounded number
	 * of times by the caller */
	assert_int_equal(scsi_classify(SCSI_STATUS_CHECK_CONDITION, NULL),
			 SCSI_DISP_RETRY);
	assert_int_equal(scsi_classify(SCSI_STATUS_CHECK_CONDITION, &invalid),
			 SCSI_DISP_RETRY);

	s = mks(SCSI_SENSE_RECOVERED_ERROR, 0x17, 0x01);
	assert_int_equal(scsi_classify(SCSI_STATUS_CHECK_CONDITION, &s),
			 SCSI_DISP_OK);
	s = mks(SCSI_SENSE_UNIT_ATTENTION, 0x29, 0x00);
	assert_int_equal(scsi_classify(SCSI_STATUS_CHECK_CONDITION, &s),
			 SCSI_DISP_RETRY);
	s = mks(SCSI_SENSE_ABORTED_COMMAND, 0x47, 0x03);
	assert_int_equal(scsi_classify(SCSI_STATUS_CHECK_CONDITION, &s),
			 SCSI_DISP_RETRY);
	s = mks(SCSI_SENSE_NOT_READY, 0x04, 0x01);
	assert_int_equal(scsi_classify(SCSI_STATUS_CHECK_CONDITION, &s),
			 SCSI_DISP_RETRY);
	s = mks(SCSI_SENSE_NOT_READY, 0x04, 0x02);	/* needs START UNIT */
	assert_int_equal(scsi_classify(SCSI_STATUS_CHECK_CONDITION, &s),
			 SCSI_DISP_FAIL);
	s = mks(SCSI_SENSE_NOT_READY, 0x3a, 0x00);	/* no medium */
	assert_int_equal(scsi_classify(SCSI_STATUS_CHECK_CONDITION, &s),
			 SCSI_DISP_FAIL);
	s = mks(SCSI_SENSE_MEDIUM_ERROR, 0x11, 0x00);
	assert_int_equal(scsi_classify(SCSI_STATUS_CHECK_CONDITION, &s),
			 SCSI_DISP_FAIL);
	s = mks(SCSI_SENSE_ILLEGAL_REQUEST, 0x21, 0x00);
	assert_int_equal(scsi_classify(SCSI_STATUS_CHECK_CONDITION, &s),
			 SCSI_DISP_FAIL);
	s = mks(SCSI_SENSE_DATA_PROTECT, 0x27, 0x00);
	assert_int_equal(scsi_classify(SCSI_STATUS_CHECK_CONDITION, &s),
			 SCSI_DISP_FAIL);
	s = mks(SCSI_SENSE_NO_SENSE, 0, 0);
	assert_int_equal(scsi_classify(SCSI_STATUS_CHECK_CONDITION, &s),
			 SCSI_DISP_FAIL);
	/* A sense that came with GOOD status does not matter. */
	assert_int_equal(scsi_classify(SCSI_STATUS_GOOD, &s), SCSI_DISP_OK);
}

static void test_sense_key_str(void **state)
{
	unsigned int k;

	(void)state;
	assert_string_equal(scsi_sense_key_str(SCSI_SENSE_UNIT_ATTENTION),
			    "UNIT ATTENTION");
	assert_string_equal(scsi_sense_key_str(SCSI_SENSE_ABORTED_COMMAND),
			    "ABORTED COMMAND");
	for (k = 0; k < 256; k++)
		assert_non_null(scsi_sense_key_str((u8)k));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cdb_builders),
		cmocka_unit_test(test_read_capacity16),
		cmocka_unit_test(test_inquiry_vpd_cdb),
		cmocka_unit_test(test_vpd_devid),
		cmocka_unit_test(test_vpd_devid_tgt),
		cmocka_unit_test(test_vpd_devid_eui_rank),
		cmocka_unit_test(test_vpd_serial),
		cmocka_unit_test(test_inquiry),
		cmocka_unit_test(test_sense_fixed),
		cmocka_unit_test(test_sense_fixed_short),
		cmocka_unit_test(test_sense_descriptor),
		cmocka_unit_test(test_sense_unknown_format),
		cmocka_unit_test(test_sense_segment),
		cmocka_unit_test(test_report_luns),
		cmocka_unit_test(test_unmap),
		cmocka_unit_test(test_thin_provisioning),
		cmocka_unit_test(test_classify),
		cmocka_unit_test(test_sense_key_str),
	};

	return cmocka_run_group_tests_name("scsi", tests, NULL, NULL);
}
