// SPDX-License-Identifier: GPL-2.0
/* Unit tests for kernel/proto/iscsi_pdu.c */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>

#include "iscsi_pdu.h"

static const u8 cdb_read16[16] = {
	0x88, 0, 0, 0, 0, 0, 0, 0, 0x12, 0x34, 0, 0, 0, 8, 0, 0,
};

/* Every builder must write all 48 bytes: start from garbage. */
static void dirty(u8 *bhs)
{
	memset(bhs, 0xa5, ISCSI_BHS_LEN);
}

static void test_build_login_req(void **state)
{
	static const u8 expect[ISCSI_BHS_LEN] = {
		0x43, 0x87, 0x00, 0x00, 0x00, 0x00, 0x01, 0x23,
		0x80, 0x12, 0x34, 0x56, 0x78, 0x9a, 0x00, 0x07,
		0xde, 0xad, 0xbe, 0xef, 0x00, 0x05, 0x00, 0x00,
		0x00, 0x00, 0x00, 0x2a, 0x11, 0x22, 0x33, 0x44,
		0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	};
	struct iscsi_login_req r = {
		.isid = { 0x80, 0x12, 0x34, 0x56, 0x78, 0x9a },
		.tsih = 7, .itt = 0xdeadbeef, .cid = 5, .cmd_sn = 42,
		.exp_stat_sn = 0x11223344, .csg = ISCSI_STAGE_OPERATIONAL,
		.nsg = ISCSI_STAGE_FFP, .transit = true, .data_len = 0x123,
	};
	u8 bhs[ISCSI_BHS_LEN];

	(void)state;
	dirty(bhs);
	iscsi_build_login_req(bhs, &r);
	assert_memory_equal(bhs, expect, ISCSI_BHS_LEN);
}

static void test_build_login_req_no_transit(void **state)
{
	struct iscsi_login_req r = {
		.csg = ISCSI_STAGE_SECURITY, .nsg = ISCSI_STAGE_FFP,
		.transit = false,
	};
	u8 bhs[ISCSI_BHS_LEN];

	(void)state;
	dirty(bhs);
	iscsi_build_login_req(bhs, &r);
	assert_int_equal(bhs[0], 0x43);
	/* T clear: NSG is reserved and must be zero; CSG 0. */
	assert_int_equal(bhs[1], 0x00);
	r.csg = ISCSI_STAGE_OPERATIONAL;
	iscsi_build_login_req(bhs, &r);
	assert_int_equal(bhs[1], 0x04);
	/* Security -> operational with T */
	r.csg = ISCSI_STAGE_SECURITY;
	r.nsg = ISCSI_STAGE_OPERATIONAL;
	r.transit = true;
	iscsi_build_login_req(bhs, &r);
	assert_int_equal(bhs[1], 0x81);
}

static void test_build_scsi_cmd_read(void **state)
{
	static const u8 expect[ISCSI_BHS_LEN] = {
		0x01, 0xc1, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
		0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
		0x00, 0x00, 0x00, 0x09, 0x00, 0x00, 0x10, 0x00,
		0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x02, 0x00,
		0x88, 0, 0, 0, 0, 0, 0, 0, 0x12, 0x34, 0, 0, 0, 8, 0, 0,
	};
	struct iscsi_scsi_cmd c = {
		.lun = iscsi_encode_lun(1), .itt = 9, .edtl = 4096,
		.cmd_sn = 256, .exp_stat_sn = 512, .read = true,
		.cdb = cdb_read16, .cdb_len = 16,
	};
	u8 bhs[ISCSI_BHS_LEN];

	(void)state;
	dirty(bhs);
	iscsi_build_scsi_cmd(bhs, &c);
	assert_memory_equal(bhs, expect, ISCSI_BHS_LEN);
}

static void test_build_scsi_cmd_write_short_cdb(void **state)
{
	static const u8 tur[6] = { 0 };
	static const u8 inq[6] = { 0x12, 0, 0, 0, 0x60, 0 };
	struct iscsi_scsi_cmd c = {
		.lun = 0, .itt = 0x01020304, .edtl = 8192, .cmd_sn = 1,
		.exp_stat_sn = 2, .write = true, .data_len = 8192,
		.cdb = tur, .cdb_len = 6,
	};
	u8 bhs[ISCSI_BHS_LEN];
	size_t i;

	(void)state;
	dirty(bhs);
	iscsi_build_scsi_cmd(bhs, &c);
	assert_int_equal(bhs[0], 0x01);
	assert_int_equal(bhs[1], 0xa1);		/* F | W | SIMPLE */
	assert_int_equal(bhs[4], 0);
	assert_int_equal(nsp_get_be24(bhs + 5), 8192);
	assert_int_equal(nsp_get_be32(bhs + 16), 0x01020304);
	assert_int_equal(nsp_get_be32(bhs + 20), 8192);
	/* The unused tail of the CDB field is zero, not garbage. */
	for (i = 32; i < 48; i++)
		assert_int_equal(bhs[i], 0);

	c.cdb = inq;
	c.read = true;
	c.write = false;
	c.data_len = 0;
	iscsi_build_scsi_cmd(bhs, &c);
	assert_int_equal(bhs[1], 0xc1);
	assert_memory_equal(bhs + 32, inq, 6);
	for (i = 38; i < 48; i++)
		assert_int_equal(bhs[i], 0);
}

static void test_build_scsi_cmd_unsolicited(void **state)
{
	struct iscsi_scsi_cmd c = {
		.itt = 1, .edtl = 65536, .write = true, .data_len = 8192,
		.unsol_follows = true, .cdb = cdb_read16, .cdb_len = 16,
	};
	u8 bhs[ISCSI_BHS_LEN];

	(void)state;
	dirty(bhs);
	iscsi_build_scsi_cmd(bhs, &c);
	/* Unsolicited Data-Out follows: F clear, W and SIMPLE set. */
	assert_int_equal(bhs[1], 0x21);
	assert_int_equal(nsp_get_be24(bhs + 5), 8192);
	assert_int_equal(nsp_get_be32(bhs + 20), 65536);
	c.unsol_follows = false;
	iscsi_build_scsi_cmd(bhs, &c);
	assert_int_equal(bhs[1], 0xa1);
}

static void test_build_scsi_cmd_dsl_masked(void **state)
{
	struct iscsi_scsi_cmd c = {
		.data_len = 0x1fffffff, .cdb = cdb_read16, .cdb_len = 200,
	};
	u8 bhs[ISCSI_BHS_LEN];

	(void)state;
	dirty(bhs);
	iscsi_build_scsi_cmd(bhs, &c);
	/* The 24-bit field must not spill into byte 4 (TotalAHSLength). */
	assert_int_equal(bhs[4], 0);
	assert_int_equal(nsp_get_be24(bhs + 5), 0xffffff);
	/* Over-long cdb_len is clamped to the 16-byte field. */
	assert_memory_equal(bhs + 32, cdb_read16, 16);
}

static void test_build_data_out(void **state)
{
	static const u8 expect[ISCSI_BHS_LEN] = {
		0x05, 0x80, 0x00, 0x00, 0x00, 0x00, 0x20, 0x00,
		0x00, 0x02, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
		0x00, 0x00, 0x00, 0x63, 0xab, 0xcd, 0x00, 0x01,
		0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x05,
		0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x03,
		0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	};
	struct iscsi_data_out d = {
		.lun = iscsi_encode_lun(2), .itt = 99, .ttt = 0xabcd0001,
		.exp_stat_sn = 5, .data_sn = 3, .buffer_offset = 65536,
		.data_len = 8192, .final = true,
	};
	u8 bhs[ISCSI_BHS_LEN];

	(void)state;
	dirty(bhs);
	iscsi_build_data_out(bhs, &d);
	assert_memory_equal(bhs, expect, ISCSI_BHS_LEN);
	d.final = false;
	iscsi_build_data_out(bhs, &d);
	assert_int_equal(bhs[1], 0x00);
}

static void test_build_nop_out(void **state)
{
	static const u8 expect[ISCSI_BHS_LEN] = {
		0x40, 0x80, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
		0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
		0xff, 0xff, 0xff, 0xff, 0x00, 0x00, 0x00, 0x77,
		0x00, 0x00, 0x00, 0x10, 0x00, 0x00, 0x00, 0x20,
		0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	};
	struct iscsi_nop_out n = {
		.itt = ISCSI_RSVD_TAG, .ttt = 0x77, .cmd_sn = 0x10,
		.exp_stat_sn = 0x20, .immediate = true,
	};
	u8 bhs[ISCSI_BHS_LEN];

	(void)state;
	dirty(bhs);
	iscsi_build_nop_out(bhs, &n);
	assert_memory_equal(bhs, expect, ISCSI_BHS_LEN);
	n.immediate = false;
	iscsi_build_nop_out(bhs, &n);
	assert_int_equal(bhs[0], 0x00);
	assert_int_equal(bhs[1], 0x80);		/* F always set */
}

static void test_build_logout_req(void **state)
{
	static const u8 expect[ISCSI_BHS_LEN] = {
		0x46, 0x81, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
		0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
		0x00, 0x00, 0x00, 0x11, 0x00, 0x03, 0x00, 0x00,
		0x00, 0x00, 0x00, 0x22, 0x00, 0x00, 0x00, 0x33,
		0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	};
	struct iscsi_logout_req l = {
		.itt = 0x11, .cid = 3, .cmd_sn = 0x22, .exp_stat_sn = 0x33,
		.reason = ISCSI_LOGOUT_CLOSE_CONN, .immediate = true,
	};
	u8 bhs[ISCSI_BHS_LEN];

	(void)state;
	dirty(bhs);
	iscsi_build_logout_req(bhs, &l);
	assert_memory_equal(bhs, expect, ISCSI_BHS_LEN);

	l.reason = ISCSI_LOGOUT_CLOSE_SESSION;
	l.immediate = false;
	iscsi_build_logout_req(bhs, &l);
	assert_int_equal(bhs[0], 0x06);
	assert_int_equal(bhs[1], 0x80);
	/* CID is reserved for "close the session". */
	assert_int_equal(nsp_get_be16(bhs + 20), 0);
}

static void test_build_text_req(void **state)
{
	static const u8 expect[ISCSI_BHS_LEN] = {
		0x04, 0x80, 0x00, 0x00, 0x00, 0x00, 0x00, 0x10,
		0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
		0x00, 0x00, 0x00, 0x11, 0xff, 0xff, 0xff, 0xff,
		0x00, 0x00, 0x00, 0x22, 0x00, 0x00, 0x00, 0x33,
		0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	};
	struct iscsi_text_req t = {
		.itt = 0x11, .ttt = ISCSI_RSVD_TAG, .cmd_sn = 0x22,
		.exp_stat_sn = 0x33, .data_len = 16,
	};
	u8 bhs[ISCSI_BHS_LEN];

	(void)state;
	dirty(bhs);
	iscsi_build_text_req(bhs, &t);
	assert_memory_equal(bhs, expect, ISCSI_BHS_LEN);
	/* Continuing a response: its TTT back, no data. */
	t.ttt = 0x1234;
	t.data_len = 0;
	iscsi_build_text_req(bhs, &t);
	assert_int_equal(nsp_get_be32(bhs + 20), 0x1234);
	assert_int_equal(nsp_get_be24(bhs + 5), 0);
}

/* A target PDU header with the common fields filled in. */
static void mk(u8 *bhs, u8 op, u8 flags, u32 dsl)
{
	memset(bhs, 0, ISCSI_BHS_LEN);
	bhs[0] = op;
	bhs[1] = flags;
	nsp_put_be24(bhs + 5, dsl);
	nsp_put_be32(bhs + 16, 0x1000 + op);
	nsp_put_be32(bhs + 24, 0xa0a0a0a0);
	nsp_put_be32(bhs + 28, 0xb0b0b0b0);
	nsp_put_be32(bhs + 32, 0xc0c0c0c0);
}

static void assert_sn(const struct iscsi_hdr_info *h)
{
	assert_int_equal(h->stat_sn, 0xa0a0a0a0);
	assert_int_equal(h->exp_cmd_sn, 0xb0b0b0b0);
	assert_int_equal(h->max_cmd_sn, 0xc0c0c0c0);
}

static void test_parse_nop_in(void **state)
{
	struct iscsi_hdr_info h;
	u8 bhs[ISCSI_BHS_LEN];

	(void)state;
	mk(bhs, ISCSI_OP_NOP_IN, 0x80, 0);
	nsp_put_be64(bhs + 8, 0x0001000000000000ull);
	nsp_put_be32(bhs + 16, ISCSI_RSVD_TAG);
	nsp_put_be32(bhs + 20, 0x12345678);
	assert_int_equal(iscsi_parse_bhs(bhs, &h), 0);
	assert_int_equal(h.opcode, ISCSI_OP_NOP_IN);
	assert_false(h.immediate);
	assert_int_equal(h.flags, 0x80);
	assert_int_equal(h.lun, 0x0001000000000000ull);
	assert_int_equal(h.itt, ISCSI_RSVD_TAG);
	assert_int_equal(h.ttt, 0x12345678);
	assert_sn(&h);
	assert_int_equal(h.data_len, 0);
	assert_int_equal(h.residual, 0);
}

static void test_parse_scsi_rsp(void **state)
{
	struct iscsi_hdr_info h;
	u8 bhs[ISCSI_BHS_LEN];

	(void)state;
	mk(bhs, ISCSI_OP_SCSI_RSP, 0x80 | ISCSI_RSP_UNDERFLOW, 20);
	bhs[2] = 0x00;
	bhs[3] = 0x02;
	nsp_put_be64(bhs + 8, 0xffffffffffffffffull);	/* reserved */
	nsp_put_be32(bhs + 36, 7);
	nsp_put_be32(bhs + 44, 512);
	assert_int_equal(iscsi_parse_bhs(bhs, &h), 0);
	assert_int_equal(h.opcode, ISCSI_OP_SCSI_RSP);
	assert_int_equal(h.flags, 0x82);
	assert_int_equal(h.response, 0);
	assert_int_equal(h.status, 2);
	assert_int_equal(h.itt, 0x1021);
	assert_sn(&h);
	assert_int_equal(h.data_sn, 7);
	assert_int_equal(h.residual, 512);
	assert_int_equal(h.data_len, 20);
	/* bytes 8..15 are reserved in a SCSI Response: not decoded */
	assert_int_equal(h.lun, 0);
}

static void test_parse_scsi_rsp_over_and_underflow(void **state)
{
	struct iscsi_hdr_info h;
	u8 bhs[ISCSI_BHS_LEN];

	(void)state;
	mk(bhs, ISCSI_OP_SCSI_RSP,
	   0x80 | ISCSI_RSP_UNDERFLOW | ISCSI_RSP_OVERFLOW, 0);
	assert_int_equal(iscsi_parse_bhs(bhs, &h), -EPROTO);
	mk(bhs, ISCSI_OP_SCSI_RSP,
	   0x80 | ISCSI_RSP_BIDI_UNDERFLOW | ISCSI_RSP_BIDI_OVERFLOW, 0);
	assert_int_equal(iscsi_parse_bhs(bhs, &h), -EPROTO);
}

static void test_parse_data_in(void **state)
{
	struct iscsi_hdr_info h;
	u8 bhs[ISCSI_BHS_LEN];

	(void)state;
	/* Without S: status, StatSN and residual are not defined. */
	mk(bhs, ISCSI_OP_DATA_IN, 0x00, 8192);
	bhs[3] = 0x02;
	nsp_put_be64(bhs + 8, 0x4001000000000000ull);
	nsp_put_be32(bhs + 20, ISCSI_RSVD_TAG);
	nsp_put_be32(bhs + 36, 4);
	nsp_put_be32(bhs + 40, 32768);
	nsp_put_be32(bhs + 44, 99);
	assert_int_equal(iscsi_parse_bhs(bhs, &h), 0);
	assert_int_equal(h.opcode, ISCSI_OP_DATA_IN);
	assert_int_equal(h.lun, 0x4001000000000000ull);
	assert_int_equal(h.itt, 0x1025);
	assert_int_equal(h.ttt, ISCSI_RSVD_TAG);
	assert_int_equal(h.stat_sn, 0);
	assert_int_equal(h.exp_cmd_sn, 0xb0b0b0b0);
	assert_int_equal(h.max_cmd_sn, 0xc0c0c0c0);
	assert_int_equal(h.data_sn, 4);
	assert_int_equal(h.buffer_offset, 32768);
	assert_int_equal(h.status, 0);
	assert_int_equal(h.residual, 0);
	assert_int_equal(h.data_len, 8192);

	/* With S (and F): status, StatSN, residual. */
	bhs[1] = ISCSI_FLAG_FINAL | ISCSI_DATAIN_STATUS |
		 ISCSI_DATAIN_UNDERFLOW;
	assert_int_equal(iscsi_parse_bhs(bhs, &h), 0);
	assert_int_equal(h.status, 2);
	assert_sn(&h);
	assert_int_equal(h.residual, 99);
}

static void test_parse_data_in_bad_flags(void **state)
{
	struct iscsi_hdr_info h;
	u8 bhs[ISCSI_BHS_LEN];

	(void)state;
	/* S without F */
	mk(bhs, ISCSI_OP_DATA_IN, ISCSI_DATAIN_STATUS, 0);
	assert_int_equal(iscsi_parse_bhs(bhs, &h), -EPROTO);
	mk(bhs, ISCSI_OP_DATA_IN, 0x80 | ISCSI_DATAIN_STATUS |
	   ISCSI_DATAIN_OVERFLOW | ISCSI_DATAIN_UNDERFLOW, 0);
	assert_int_equal(iscsi_parse_bhs(bhs, &h), -EPROTO);
}

static void test_parse_r2t(void **state)
{
	struct iscsi_hdr_info h;
	u8 bhs[ISCSI_BHS_LEN];

	(void)state;
	mk(bhs, ISCSI_OP_R2T, 0x80, 0);
	nsp_put_be64(bhs + 8, 0x0003000000000000ull);
	nsp_put_be32(bhs + 20, 0x55aa55aa);
	nsp_put_be32(bhs + 36, 1);
	nsp_put_be32(bhs + 40, 65536);
	nsp_put_be32(bhs + 44, 262144);
	assert_int_equal(iscsi_parse_bhs(bhs, &h), 0);
	assert_int_equal(h.opcode, ISCSI_OP_R2T);
	assert_int_equal(h.lun, 0x0003000000000000ull);
	assert_int_equal(h.itt, 0x1031);
	assert_int_equal(h.ttt, 0x55aa55aa);
	assert_sn(&h);
	assert_int_equal(h.data_sn, 1);
	assert_int_equal(h.buffer_offset, 65536);
	assert_int_equal(h.desired_len, 262144);

	nsp_put_be32(bhs + 44, 0);		/* zero-length R2T */
	assert_int_equal(iscsi_parse_bhs(bhs, &h), -EPROTO);
	nsp_put_be32(bhs + 44, 512);
	nsp_put_be24(bhs + 5, 4);		/* R2T has no data segment */
	assert_int_equal(iscsi_parse_bhs(bhs, &h), -EPROTO);
}

static void test_parse_login_rsp(void **state)
{
	static const u8 isid[6] = { 0x80, 1, 2, 3, 4, 5 };
	struct iscsi_hdr_info h;
	u8 bhs[ISCSI_BHS_LEN];

	(void)state;
	mk(bhs, ISCSI_OP_LOGIN_RSP, 0x87, 300);
	bhs[2] = 0x00;
	bhs[3] = 0x00;
	memcpy(bhs + 8, isid, 6);
	nsp_put_be16(bhs + 14, 0x1234);
	bhs[36] = ISCSI_LOGIN_CLASS_INITIATOR_ERR;
	bhs[37] = ISCSI_LOGIN_DETAIL_AUTH_FAILED;
	assert_int_equal(iscsi_parse_bhs(bhs, &h), 0);
	assert_int_equal(h.opcode, ISCSI_OP_LOGIN_RSP);
	assert_int_equal(h.flags, 0x87);
	assert_true(h.flags & ISCSI_LOGIN_T);
	assert_int_equal((h.flags >> 2) & 3, ISCSI_STAGE_OPERATIONAL);
	assert_int_equal(h.flags & 3, ISCSI_STAGE_FFP);
	assert_int_equal(h.version_max, 0);
	assert_int_equal(h.version_active, 0);
	assert_memory_equal(h.isid, isid, 6);
	assert_int_equal(h.tsih, 0x1234);
	assert_int_equal(h.itt, 0x1023);
	assert_sn(&h);
	assert_int_equal(h.status_class, 2);
	assert_int_equal(h.status_detail, 1);
	assert_int_equal(h.data_len, 300);
	assert_int_equal(h.lun, 0);
}

static void test_parse_logout_rsp(void **state)
{
	struct iscsi_hdr_info h;
	u8 bhs[ISCSI_BHS_LEN];

	(void)state;
	mk(bhs, ISCSI_OP_LOGOUT_RSP, 0x80, 0);
	bhs[2] = 1;
	nsp_put_be16(bhs + 40, 2);
	nsp_put_be16(bhs + 42, 20);
	assert_int_equal(iscsi_parse_bhs(bhs, &h), 0);
	assert_int_equal(h.response, 1);
	assert_int_equal(h.itt, 0x1026);
	assert_sn(&h);
	assert_int_equal(h.param2, 2);
	assert_int_equal(h.param3, 20);
	nsp_put_be24(bhs + 5, 1);
	assert_int_equal(iscsi_parse_bhs(bhs, &h), -EPROTO);
}

static void test_parse_async(void **state)
{
	struct iscsi_hdr_info h;
	u8 bhs[ISCSI_BHS_LEN];

	(void)state;
	mk(bhs, ISCSI_OP_ASYNC, 0x80, 0);
	nsp_put_be64(bhs + 8, 0x0002000000000000ull);
	nsp_put_be32(bhs + 16, ISCSI_RSVD_TAG);
	bhs[36] = ISCSI_ASYNC_LOGOUT_REQUEST;
	bhs[37] = 0x9;
	nsp_put_be16(bhs + 38, 0x1111);
	nsp_put_be16(bhs + 40, 10);
	nsp_put_be16(bhs + 42, 30);
	assert_int_equal(iscsi_parse_bhs(bhs, &h), 0);
	assert_int_equal(h.opcode, ISCSI_OP_ASYNC);
	assert_int_equal(h.lun, 0x0002000000000000ull);
	assert_sn(&h);
	assert_int_equal(h.async_event, ISCSI_ASYNC_LOGOUT_REQUEST);
	assert_int_equal(h.async_vcode, 9);
	assert_int_equal(h.param1, 0x1111);
	assert_int_equal(h.param2, 10);
	assert_int_equal(h.param3, 30);
}

static void test_parse_reject(void **state)
{
	struct iscsi_hdr_info h;
	u8 bhs[ISCSI_BHS_LEN];

	(void)state;
	mk(bhs, ISCSI_OP_REJECT, 0x80, 48);
	bhs[2] = 0x09;		/* Invalid PDU field */
	nsp_put_be32(bhs + 16, ISCSI_RSVD_TAG);
	assert_int_equal(iscsi_parse_bhs(bhs, &h), 0);
	assert_int_equal(h.opcode, ISCSI_OP_REJECT);
	assert_int_equal(h.reject_reason, 9);
	assert_sn(&h);
	assert_int_equal(h.data_len, 48);
	/* The data segment must hold the rejected BHS. */
	nsp_put_be24(bhs + 5, 47);
	assert_int_equal(iscsi_parse_bhs(bhs, &h), -EPROTO);
}

static void test_parse_text_and_tmf_rsp(void **state)
{
	struct iscsi_hdr_info h;
	u8 bhs[ISCSI_BHS_LEN];

	(void)state;
	mk(bhs, ISCSI_OP_TEXT_RSP, 0xc0, 100);
	nsp_put_be32(bhs + 20, 0x77);
	assert_int_equal(iscsi_parse_bhs(bhs, &h), 0);
	assert_int_equal(h.flags, 0xc0);
	assert_int_equal(h.itt, 0x1024);
	assert_int_equal(h.ttt, 0x77);
	assert_sn(&h);

	mk(bhs, ISCSI_OP_TMF_RSP, 0x80, 0);
	bhs[2] = 5;
	assert_int_equal(iscsi_parse_bhs(bhs, &h), 0);
	assert_int_equal(h.response, 5);
	assert_int_equal(h.itt, 0x1022);
	assert_sn(&h);
	nsp_put_be24(bhs + 5, 8);
	assert_int_equal(iscsi_parse_bhs(bhs, &h), -EPROTO);
}

static void test_parse_opcodes(void **state)
{
	static const u8 ok_ops[] = {
		0x20, 0x21, 0x22, 0x23, 0x24, 0x25, 0x26, 0x31, 0x32, 0x3f,
	};
	struct iscsi_hdr_info h;
	u8 bhs[ISCSI_BHS_LEN];
	unsigned int op, i;

	(void)state;
	for (op = 0; op < 64; op++) {
		bool expect_ok = false;

		for (i = 0; i < sizeof(ok_ops); i++)
			if (ok_ops[i] == op)
				expect_ok = true;
		/* A header every target opcode accepts. */
		mk(bhs, (u8)op, 0x80, op == 0x3f ? 48 : 0);
		nsp_put_be32(bhs + 44, 1);
		assert_int_equal(iscsi_parse_bhs(bhs, &h),
				 expect_ok ? 0 : -EPROTO);
		/* The I bit never changes the verdict. */
		bhs[0] |= 0x40;
		assert_int_equal(iscsi_parse_bhs(bhs, &h),
				 expect_ok ? 0 : -EPROTO);
		if (expect_ok) {
			assert_true(h.immediate);
			assert_int_equal(h.opcode, op);
		}
	}
}

static void test_parse_lengths(void **state)
{
	struct iscsi_hdr_info h;
	u8 bhs[ISCSI_BHS_LEN];

	(void)state;
	mk(bhs, ISCSI_OP_NOP_IN, 0x80, ISCSI_MAX_DSL);
	bhs[4] = 0xff;
	assert_int_equal(iscsi_parse_bhs(bhs, &h), 0);
	assert_int_equal(h.ahs_len, 255 * 4);
	assert_int_equal(h.data_len, 0xffffff);
}

static void test_encode_lun(void **state)
{
	(void)state;
	assert_int_equal(iscsi_encode_lun(0), 0);
	assert_int_equal(iscsi_encode_lun(1), 0x0001000000000000ull);
	assert_int_equal(iscsi_encode_lun(255), 0x00ff000000000000ull);
	assert_int_equal(iscsi_encode_lun(256), 0x4100000000000000ull);
	assert_int_equal(iscsi_encode_lun(16383), 0x7fff000000000000ull);
}

static void test_login_round_trip(void **state)
{
	struct iscsi_login_req r = {
		.isid = { 0x80, 0xaa, 0xbb, 0xcc, 0xdd, 0xee },
		.tsih = 0xbeef, .itt = 0x01020304, .csg = 1, .nsg = 3,
		.transit = true, .data_len = 77,
	};
	struct iscsi_hdr_info h;
	u8 bhs[ISCSI_BHS_LEN];

	(void)state;
	iscsi_build_login_req(bhs, &r);
	/* The Login Response mirrors these fields in the same places. */
	bhs[0] = ISCSI_OP_LOGIN_RSP;
	assert_int_equal(iscsi_parse_bhs(bhs, &h), 0);
	assert_memory_equal(h.isid, r.isid, 6);
	assert_int_equal(h.tsih, r.tsih);
	assert_int_equal(h.itt, r.itt);
	assert_int_equal(h.flags, 0x87);
	assert_int_equal(h.data_len, 77);
}

static void test_login_status_str(void **state)
{
	(void)state;
	assert_string_equal(iscsi_login_status_str(0, 0), "success");
	assert_string_equal(iscsi_login_status_str(2, 1),
			    "authentication failed");
	assert_string_equal(iscsi_login_status_str(2, 3), "target not found");
	assert_string_equal(iscsi_login_status_str(3, 1),
			    "service unavailable");
	assert_non_null(iscsi_login_status_str(2, 0xee));
	assert_non_null(iscsi_login_status_str(0xff, 0xff));
}

/* A Data-In BHS as a target sends it, parsed as the initiator does. */
static struct iscsi_hdr_info data_in(u32 sn, u32 off, u32 len, u8 flags,
				     u32 residual)
{
	struct iscsi_hdr_info h;
	u8 bhs[ISCSI_BHS_LEN] = { 0 };

	bhs[0] = ISCSI_OP_DATA_IN;
	bhs[1] = flags;
	nsp_put_be24(bhs + 5, len);
	nsp_put_be32(bhs + 16, 0x10001);	/* ITT */
	nsp_put_be32(bhs + 20, ISCSI_RSVD_TAG);
	nsp_put_be32(bhs + 36, sn);
	nsp_put_be32(bhs + 40, off);
	nsp_put_be32(bhs + 44, residual);
	assert_int_equal(iscsi_parse_bhs(bhs, &h), 0);
	return h;
}

/* Feed one Data-In: 0 if accepted (and accounted), else -EPROTO. */
static int feed(struct iscsi_datain_seq *s, const struct iscsi_hdr_info *h,
		const char **why)
{
	int ret = iscsi_datain_check(s, h, why);

	if (!ret)
		iscsi_datain_accept(s, h);
	return ret;
}

#define F_S	(ISCSI_FLAG_FINAL | ISCSI_DATAIN_STATUS)

static void test_datain_in_order(void **state)
{
	struct iscsi_datain_seq s;
	struct iscsi_hdr_info h;
	const char *why = NULL;

	(void)state;
	iscsi_datain_start(&s, 8192);
	h = data_in(0, 0, 4096, 0, 0);
	assert_int_equal(feed(&s, &h, &why), 0);
	h = data_in(1, 4096, 4096, F_S, 0);
	assert_int_equal(feed(&s, &h, &why), 0);
	assert_int_equal(iscsi_datain_status_check(&s, &h, &why), 0);
	assert_int_equal(s.received, 8192);
	assert_null(why);

	/* One PDU with everything and the status. */
	iscsi_datain_start(&s, 4096);
	h = data_in(0, 0, 4096, F_S, 0);
	assert_int_equal(feed(&s, &h, &why), 0);
	assert_int_equal(iscsi_datain_status_check(&s, &h, &why), 0);

	/* Data, then a SCSI Response carrying the status. */
	iscsi_datain_start(&s, 4096);
	h = data_in(0, 0, 4096, ISCSI_FLAG_FINAL, 0);
	assert_int_equal(feed(&s, &h, &why), 0);
	memset(&h, 0, sizeof(h));
	h.opcode = ISCSI_OP_SCSI_RSP;
	assert_int_equal(iscsi_datain_status_check(&s, &h, &why), 0);
}

/*
 * Two PDUs covering the same half: each lies inside the buffer and the
 * lengths add up to the request, which per-PDU bounds and a byte count
 * accepted; the other half of the page was never written.
 */
static void test_datain_same_half_twice(void **state)
{
	struct iscsi_datain_seq s;
	struct iscsi_hdr_info h;
	const char *why = NULL;

	(void)state;
	iscsi_datain_start(&s, 8192);
	h = data_in(0, 0, 4096, 0, 0);
	assert_int_equal(feed(&s, &h, &why), 0);
	h = data_in(1, 0, 4096, F_S, 0);
	assert_int_equal(feed(&s, &h, &why), -EPROTO);
	assert_string_equal(why, "Data-In overlaps data already received");
}

static void test_datain_gap(void **state)
{
	struct iscsi_datain_seq s;
	struct iscsi_hdr_info h;
	const char *why = NULL;

	(void)state;
	iscsi_datain_start(&s, 12288);
	h = data_in(0, 0, 4096, 0, 0);
	assert_int_equal(feed(&s, &h, &why), 0);
	/* Skips 4096..8191. */
	h = data_in(1, 8192, 4096, 0, 0);
	assert_int_equal(feed(&s, &h, &why), -EPROTO);
	assert_string_equal(why, "Data-In leaves a gap in the read");
	/* Out of order: the later half first. */
	iscsi_datain_start(&s, 8192);
	h = data_in(0, 4096, 4096, 0, 0);
	assert_int_equal(feed(&s, &h, &why), -EPROTO);
}

static void test_datain_sn(void **state)
{
	struct iscsi_datain_seq s;
	struct iscsi_hdr_info h;
	const char *why = NULL;

	(void)state;
	iscsi_datain_start(&s, 8192);
	h = data_in(1, 0, 4096, 0, 0);	/* must start at 0 */
	assert_int_equal(feed(&s, &h, &why), -EPROTO);
	assert_string_equal(why, "Data-In out of DataSN order");
	h = data_in(0, 0, 4096, 0, 0);
	assert_int_equal(feed(&s, &h, &why), 0);
	h = data_in(0, 4096, 4096, F_S, 0);	/* repeated DataSN */
	assert_int_equal(feed(&s, &h, &why), -EPROTO);
	h = data_in(2, 4096, 4096, F_S, 0);	/* skipped DataSN */
	assert_int_equal(feed(&s, &h, &why), -EPROTO);
	h = data_in(1, 4096, 4096, F_S, 0);
	assert_int_equal(feed(&s, &h, &why), 0);
	assert_int_equal(iscsi_datain_status_check(&s, &h, &why), 0);
}

static void test_datain_past_end(void **state)
{
	struct iscsi_datain_seq s;
	struct iscsi_hdr_info h;
	const char *why = NULL;

	(void)state;
	iscsi_datain_start(&s, 4096);
	h = data_in(0, 0, 8192, F_S, 0);
	assert_int_equal(feed(&s, &h, &why), -EPROTO);
	assert_string_equal(why, "Data-In past the end of the read");
	/* Offset near 2^32: no wrap-around into the buffer. */
	iscsi_datain_start(&s, 4096);
	h = data_in(0, 0, 4096, 0, 0);
	assert_int_equal(feed(&s, &h, &why), 0);
	h = data_in(1, 4096, 1, 0, 0);
	assert_int_equal(feed(&s, &h, &why), -EPROTO);
	/* An empty Data-In without status makes no progress. */
	iscsi_datain_start(&s, 4096);
	h = data_in(0, 0, 0, 0, 0);
	assert_int_equal(feed(&s, &h, &why), -EPROTO);
	assert_string_equal(why, "empty Data-In without status");
}

static void test_write_status(void **state)
{
	struct iscsi_hdr_info h;
	const char *why = NULL;

	(void)state;
	memset(&h, 0, sizeof(h));
	h.opcode = ISCSI_OP_SCSI_RSP;
	/* Every byte sent, no residual: done. */
	assert_int_equal(iscsi_write_status_check(8192, 8192, &h, &why), 0);
	/* GOOD while data is still to be sent (or never asked for). */
	assert_int_equal(iscsi_write_status_check(4096, 8192, &h, &why), -EPROTO);
	assert_string_equal(why, "write completed before all of its data was sent");
	assert_int_equal(iscsi_write_status_check(0, 4096, &h, &why), -EPROTO);
	/* All sent, but the target says it took less. */
	h.flags = ISCSI_RSP_UNDERFLOW;
	h.residual = 512;
	assert_int_equal(iscsi_write_status_check(4096, 4096, &h, &why), -EPROTO);
	assert_string_equal(why, "write completed with an underflow residual");
	h.flags = ISCSI_RSP_OVERFLOW;
	assert_int_equal(iscsi_write_status_check(4096, 4096, &h, &why), -EPROTO);
	assert_string_equal(why, "write completed with an overflow residual");
	/* A flag with a zero count is no residual. */
	h.residual = 0;
	assert_int_equal(iscsi_write_status_check(4096, 4096, &h, &why), 0);
}

static void test_datain_status_incomplete(void **state)
{
	struct iscsi_datain_seq s;
	struct iscsi_hdr_info h;
	const char *why = NULL;

	(void)state;
	/* GOOD status after half the data. */
	iscsi_datain_start(&s, 8192);
	h = data_in(0, 0, 4096, F_S, 0);
	assert_int_equal(feed(&s, &h, &why), 0);
	assert_int_equal(iscsi_datain_status_check(&s, &h, &why), -EPROTO);
	assert_string_equal(why, "read completed with bytes missing");
	/* GOOD status with no data at all (SCSI Response only). */
	iscsi_datain_start(&s, 4096);
	memset(&h, 0, sizeof(h));
	h.opcode = ISCSI_OP_SCSI_RSP;
	assert_int_equal(iscsi_datain_status_check(&s, &h, &why), -EPROTO);
	/* All bytes, but the target says some were residual. */
	iscsi_datain_start(&s, 4096);
	h = data_in(0, 0, 4096, F_S | ISCSI_DATAIN_UNDERFLOW, 512);
	assert_int_equal(feed(&s, &h, &why), 0);
	assert_int_equal(iscsi_datain_status_check(&s, &h, &why), -EPROTO);
	assert_string_equal(why, "read completed with an underflow residual");
	iscsi_datain_start(&s, 4096);
	h = data_in(0, 0, 4096, F_S | ISCSI_DATAIN_OVERFLOW, 4096);
	assert_int_equal(feed(&s, &h, &why), 0);
	assert_int_equal(iscsi_datain_status_check(&s, &h, &why), -EPROTO);
	/* An underflow flag with a zero count is no residual. */
	iscsi_datain_start(&s, 4096);
	h = data_in(0, 0, 4096, F_S | ISCSI_DATAIN_UNDERFLOW, 0);
	assert_int_equal(feed(&s, &h, &why), 0);
	assert_int_equal(iscsi_datain_status_check(&s, &h, &why), 0);
}

/* A successful Login Response header with these flags and text length. */
static struct iscsi_hdr_info login_rsp(u8 flags, u32 len)
{
	struct iscsi_hdr_info h;
	u8 bhs[ISCSI_BHS_LEN] = { 0 };

	bhs[0] = ISCSI_OP_LOGIN_RSP;
	bhs[1] = flags | (ISCSI_STAGE_OPERATIONAL << 2) |
		 ((flags & ISCSI_LOGIN_T) ? ISCSI_STAGE_FFP : 0);
	nsp_put_be24(bhs + 5, len);
	assert_int_equal(iscsi_parse_bhs(bhs, &h), 0);
	return h;
}

static int login_feed(struct iscsi_login_seq *s, const struct iscsi_hdr_info *h,
		      const char **why)
{
	int ret = iscsi_login_check(s, h, why);

	if (!ret)
		iscsi_login_accept(s, h);
	return ret;
}

static void test_login_seq_continued(void **state)
{
	static const char text[] = "A=1\0B=2\0";
	struct iscsi_login_seq s;
	struct iscsi_hdr_info h;
	const char *why = NULL;

	(void)state;
	iscsi_login_start(&s, 8192);
	h = login_rsp(ISCSI_LOGIN_C, 4);
	assert_int_equal(login_feed(&s, &h, &why), 0);
	h = login_rsp(ISCSI_LOGIN_T, 4);
	assert_int_equal(login_feed(&s, &h, &why), 0);
	assert_int_equal(s.text, 8);
	assert_int_equal(iscsi_login_text_check(&s, text, &why), 0);
	assert_null(why);
	/* An empty final response (T only) is fine too. */
	iscsi_login_start(&s, 8192);
	h = login_rsp(ISCSI_LOGIN_T, 0);
	assert_int_equal(login_feed(&s, &h, &why), 0);
	assert_int_equal(iscsi_login_text_check(&s, text, &why), 0);
}

/* A target that answers every continuation with an empty one never ends. */
static void test_login_seq_no_progress(void **state)
{
	struct iscsi_login_seq s;
	struct iscsi_hdr_info h;
	const char *why = NULL;

	(void)state;
	iscsi_login_start(&s, 8192);
	h = login_rsp(ISCSI_LOGIN_C, 0);
	assert_int_equal(login_feed(&s, &h, &why), -EPROTO);
	assert_string_equal(why, "a continued response without text");
}

static void test_login_seq_bounds(void **state)
{
	struct iscsi_login_seq s;
	struct iscsi_hdr_info h;
	const char *why = NULL;
	int i;

	(void)state;
	/* C and T together. */
	iscsi_login_start(&s, 8192);
	h = login_rsp(ISCSI_LOGIN_C | ISCSI_LOGIN_T, 4);
	assert_int_equal(login_feed(&s, &h, &why), -EPROTO);
	assert_string_equal(why, "Continue and Transit bits set together");
	/* Past the buffer, in one PDU or over several: refused, not cut. */
	iscsi_login_start(&s, 8192);
	h = login_rsp(ISCSI_LOGIN_T, 8193);
	assert_int_equal(login_feed(&s, &h, &why), -EPROTO);
	assert_string_equal(why, "text longer than the login buffer");
	iscsi_login_start(&s, 8192);
	h = login_rsp(ISCSI_LOGIN_C, 8000);
	assert_int_equal(login_feed(&s, &h, &why), 0);
	h = login_rsp(0, 193);
	assert_int_equal(login_feed(&s, &h, &why), -EPROTO);
	h = login_rsp(0, 192);
	assert_int_equal(login_feed(&s, &h, &why), 0);
	/* Progress of one byte a PDU: capped in count. */
	iscsi_login_start(&s, 8192);
	h = login_rsp(ISCSI_LOGIN_C, 1);
	for (i = 0; i < ISCSI_LOGIN_MAX_CONT - 1; i++)
		assert_int_equal(login_feed(&s, &h, &why), 0);
	assert_int_equal(login_feed(&s, &h, &why), -EPROTO);
	assert_string_equal(why, "text continued over too many PDUs");
	/* The last of the allowed PDUs may still end the text. */
	h = login_rsp(ISCSI_LOGIN_T, 1);
	assert_int_equal(login_feed(&s, &h, &why), 0);
}

static void test_login_text_unterminated(void **state)
{
	static const char text[] = "TargetAlias=x";
	struct iscsi_login_seq s;
	struct iscsi_hdr_info h;
	const char *why = NULL;

	(void)state;
	iscsi_login_start(&s, 8192);
	h = login_rsp(ISCSI_LOGIN_T, sizeof(text) - 1);
	assert_int_equal(login_feed(&s, &h, &why), 0);
	assert_int_equal(iscsi_login_text_check(&s, text, &why), -EPROTO);
	assert_string_equal(why, "text does not end with a NUL");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_build_login_req),
		cmocka_unit_test(test_build_login_req_no_transit),
		cmocka_unit_test(test_build_scsi_cmd_read),
		cmocka_unit_test(test_build_scsi_cmd_write_short_cdb),
		cmocka_unit_test(test_build_scsi_cmd_unsolicited),
		cmocka_unit_test(test_build_scsi_cmd_dsl_masked),
		cmocka_unit_test(test_build_data_out),
		cmocka_unit_test(test_build_nop_out),
		cmocka_unit_test(test_build_logout_req),
		cmocka_unit_test(test_build_text_req),
		cmocka_unit_test(test_parse_nop_in),
		cmocka_unit_test(test_parse_scsi_rsp),
		cmocka_unit_test(test_parse_scsi_rsp_over_and_underflow),
		cmocka_unit_test(test_parse_data_in),
		cmocka_unit_test(test_parse_data_in_bad_flags),
		cmocka_unit_test(test_parse_r2t),
		cmocka_unit_test(test_parse_login_rsp),
		cmocka_unit_test(test_parse_logout_rsp),
		cmocka_unit_test(test_parse_async),
		cmocka_unit_test(test_parse_reject),
		cmocka_unit_test(test_parse_text_and_tmf_rsp),
		cmocka_unit_test(test_parse_opcodes),
		cmocka_unit_test(test_parse_lengths),
		cmocka_unit_test(test_encode_lun),
		cmocka_unit_test(test_login_round_trip),
		cmocka_unit_test(test_login_status_str),
		cmocka_unit_test(test_datain_in_order),
		cmocka_unit_test(test_datain_same_half_twice),
		cmocka_unit_test(test_datain_gap),
		cmocka_unit_test(test_datain_sn),
		cmocka_unit_test(test_datain_past_end),
		cmocka_unit_test(test_datain_status_incomplete),
		cmocka_unit_test(test_write_status),
		cmocka_unit_test(test_login_seq_continued),
		cmocka_unit_test(test_login_seq_no_progress),
		cmocka_unit_test(test_login_seq_bounds),
		cmocka_unit_test(test_login_text_unterminated),
	};

	return cmocka_run_group_tests_name("iscsi_pdu", tests, NULL, NULL);
}
