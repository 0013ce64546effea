/* SPDX-License-Identifier: GPL-2.0 */
/*
 * iSCSI PDU codec (RFC 7143): building and parsing the 48-byte Basic Header
 * Segment. Pure functions over caller-provided buffers; no allocation.
 */
#ifndef NSP_ISCSI_PDU_H
#define NSP_ISCSI_PDU_H

#include "nsp_types.h"

#define ISCSI_BHS_LEN		48
#define ISCSI_DIGEST_LEN	4
#define ISCSI_PAD(len)		((4 - ((len) & 3)) & 3)
#define ISCSI_RSVD_TAG		0xffffffffu
/* Largest data segment length the 24-bit DataSegmentLength field holds. */
#define ISCSI_MAX_DSL		0xffffffu

/* Opcodes (byte 0, low 6 bits). */
enum iscsi_op {
	ISCSI_OP_NOP_OUT	= 0x00,
	ISCSI_OP_SCSI_CMD	= 0x01,
	ISCSI_OP_TMF_REQ	= 0x02,
	ISCSI_OP_LOGIN_REQ	= 0x03,
	ISCSI_OP_TEXT_REQ	= 0x04,
	ISCSI_OP_DATA_OUT	= 0x05,
	ISCSI_OP_LOGOUT_REQ	= 0x06,
	ISCSI_OP_SNACK		= 0x10,
	ISCSI_OP_NOP_IN		= 0x20,
	ISCSI_OP_SCSI_RSP	= 0x21,
	ISCSI_OP_TMF_RSP	= 0x22,
	ISCSI_OP_LOGIN_RSP	= 0x23,
	ISCSI_OP_TEXT_RSP	= 0x24,
	ISCSI_OP_DATA_IN	= 0x25,
	ISCSI_OP_LOGOUT_RSP	= 0x26,
	ISCSI_OP_R2T		= 0x31,
	ISCSI_OP_ASYNC		= 0x32,
	ISCSI_OP_REJECT		= 0x3f,
};

#define ISCSI_OP_IMMEDIATE	0x40	/* I bit in byte 0 */
#define ISCSI_FLAG_FINAL	0x80	/* F bit in byte 1 */

/* SCSI Command flags (byte 1). */
#define ISCSI_CMD_READ		0x40
#define ISCSI_CMD_WRITE		0x20
#define ISCSI_CMD_ATTR_SIMPLE	0x01

/* Data-In flags (byte 1). */
#define ISCSI_DATAIN_ACK	0x40
#define ISCSI_DATAIN_OVERFLOW	0x04
#define ISCSI_DATAIN_UNDERFLOW	0x02
#define ISCSI_DATAIN_STATUS	0x01

/* SCSI Response flags (byte 1). */
#define ISCSI_RSP_BIDI_OVERFLOW	0x10
#define ISCSI_RSP_BIDI_UNDERFLOW 0x08
#define ISCSI_RSP_OVERFLOW	0x04
#define ISCSI_RSP_UNDERFLOW	0x02

/* Login flags (byte 1): Transit, Continue, CSG, NSG. */
#define ISCSI_LOGIN_T		0x80
#define ISCSI_LOGIN_C		0x40
enum iscsi_login_stage {
	ISCSI_STAGE_SECURITY	= 0,
	ISCSI_STAGE_OPERATIONAL	= 1,
	ISCSI_STAGE_FFP		= 3,
};

/* Login status classes (byte 36). */
#define ISCSI_LOGIN_CLASS_SUCCESS	0x00
#define ISCSI_LOGIN_CLASS_REDIRECT	0x01
#define ISCSI_LOGIN_CLASS_INITIATOR_ERR	0x02
#define ISCSI_LOGIN_CLASS_TARGET_ERR	0x03
/* Detail for class 2, byte 37. */
#define ISCSI_LOGIN_DETAIL_AUTH_FAILED	0x01
#define ISCSI_LOGIN_DETAIL_FORBIDDEN	0x02
#define ISCSI_LOGIN_DETAIL_NOT_FOUND	0x03

/* Logout reasons (byte 1, low 7 bits). */
#define ISCSI_LOGOUT_CLOSE_SESSION	0
#define ISCSI_LOGOUT_CLOSE_CONN		1

/* Async event codes (byte 36). */
#define ISCSI_ASYNC_SCSI_EVENT		0
#define ISCSI_ASYNC_LOGOUT_REQUEST	1
#define ISCSI_ASYNC_DROP_CONN		2
#define ISCSI_ASYNC_DROP_ALL		3
#define ISCSI_ASYNC_PARAM_NEGOTIATE	4

/*
 * A decoded BHS. Only the fields that the opcode defines are filled; the
 * others are zero. Field names follow RFC 7143.
 */
struct iscsi_hdr_info {
	u8	opcode;		/* enum iscsi_op, without the I bit */
	bool	immediate;
	u8	flags;		/* byte 1 */
	u32	ahs_len;	/* TotalAHSLength in bytes (byte 4 * 4) */
	u32	data_len;	/* DataSegmentLength */
	u64	lun;		/* bytes 8..15, raw big-endian value */
	u32	itt;		/* Initiator Task Tag */
	u32	ttt;		/* Target Transfer Tag / SNACK tag */
	u32	stat_sn;
	u32	exp_cmd_sn;
	u32	max_cmd_sn;
	u32	data_sn;	/* DataSN (Data-In), R2TSN (R2T) */
	u32	buffer_offset;	/* Data-In, R2T */
	u32	desired_len;	/* R2T: Desired Data Transfer Length */
	u32	residual;	/* Data-In with S, SCSI Response */
	u8	response;	/* SCSI Response byte 2; Logout Response byte 2 */
	u8	status;		/* SCSI status byte 3 (Data-In with S, SCSI Rsp) */
	/* Login Response */
	u8	version_max, version_active;
	u8	status_class, status_detail;
	u8	isid[6];
	u16	tsih;
	/* Async Message */
	u8	async_event, async_vcode;
	u16	param1, param2, param3;	/* Logout: Time2Wait in param2, Time2Retain in param3 */
	/* Reject */
	u8	reject_reason;
};

/*
 * iscsi_parse_bhs() - decode a received BHS.
 * Returns 0, or -EPROTO when the opcode is not one an initiator may receive
 * or a length field is impossible (TotalAHSLength non-zero is accepted and
 * reported in ahs_len; the caller skips the AHS).
 */
int iscsi_parse_bhs(const u8 bhs[ISCSI_BHS_LEN], struct iscsi_hdr_info *h);

/* Common fields written by every builder below: opcode, flags, DSL, ITT. */

struct iscsi_login_req {
	u8	isid[6];
	u16	tsih;
	u32	itt;
	u16	cid;
	u32	cmd_sn;
	u32	exp_stat_sn;
	u8	csg, nsg;	/* enum iscsi_login_stage */
	bool	transit;
	u32	data_len;	/* length of the text data segment that follows */
};
void iscsi_build_login_req(u8 bhs[ISCSI_BHS_LEN], const struct iscsi_login_req *r);

struct iscsi_scsi_cmd {
	u64	lun;		/* already encoded as the 8-byte LUN field */
	u32	itt;
	u32	edtl;		/* Expected Data Transfer Length */
	u32	cmd_sn;
	u32	exp_stat_sn;
	bool	read, write;
	bool	unsol_follows;	/* clear F: unsolicited Data-Out follows */
	u32	data_len;	/* immediate data in this PDU */
	const u8 *cdb;
	u8	cdb_len;	/* 1..16; longer CDBs need an AHS and are unsupported */
};
void iscsi_build_scsi_cmd(u8 bhs[ISCSI_BHS_LEN], const struct iscsi_scsi_cmd *c);

struct iscsi_data_out {
	u64	lun;
	u32	itt;
	u32	ttt;		/* ISCSI_RSVD_TAG for unsolicited data */
	u32	exp_stat_sn;
	u32	data_sn;
	u32	buffer_offset;
	u32	data_len;
	bool	final;
};
void iscsi_build_data_out(u8 bhs[ISCSI_BHS_LEN], const struct iscsi_data_out *d);

struct iscsi_nop_out {
	u64	lun;
	u32	itt;		/* ISCSI_RSVD_TAG when answering a NOP-In */
	u32	ttt;		/* copied from the NOP-In being answered, else RSVD */
	u32	cmd_sn;
	u32	exp_stat_sn;
	bool	immediate;
	u32	data_len;
};
void iscsi_build_nop_out(u8 bhs[ISCSI_BHS_LEN], const struct iscsi_nop_out *n);

/* Text Request (RFC 7143 11.10): SendTargets, one PDU at a time (F set). */
struct iscsi_text_req {
	u32	itt;
	u32	ttt;		/* ISCSI_RSVD_TAG, or the response's to continue */
	u32	cmd_sn;
	u32	exp_stat_sn;
	u32	data_len;
};
void iscsi_build_text_req(u8 bhs[ISCSI_BHS_LEN], const struct iscsi_text_req *t);

struct iscsi_logout_req {
	u32	itt;
	u16	cid;
	u32	cmd_sn;
	u32	exp_stat_sn;
	u8	reason;		/* ISCSI_LOGOUT_* */
	bool	immediate;
};
void iscsi_build_logout_req(u8 bhs[ISCSI_BHS_LEN], const struct iscsi_logout_req *l);

/*
 * The Data-In sequence of one read command (ErrorRecoveryLevel 0).
 *
 * A read completes only when every byte of it came from the target, once
 * and in order: each Data-In must start where the previous one ended
 * (BufferOffset equals the bytes received so far), carry the next DataSN,
 * and stay inside the Expected Data Transfer Length; the status that
 * ends the command must find the whole length received and report no
 * residual. Anything else is a protocol error: the caller drops the
 * connection and issues the read again, it never completes it.
 */
struct iscsi_datain_seq {
	u32	edtl;		/* Expected Data Transfer Length */
	u32	received;	/* bytes accepted, all below this offset */
	u32	next_sn;	/* DataSN the next Data-In must carry */
};

static inline void iscsi_datain_start(struct iscsi_datain_seq *s, u32 edtl)
{
	s->edtl = edtl;
	s->received = 0;
	s->next_sn = 0;
}

/*
 * iscsi_datain_check() - may this Data-In header be received into the read?
 * Call when the header arrives, before any of its data is placed. Returns
 * 0, or -EPROTO with *why set to a short text.
 */
int iscsi_datain_check(const struct iscsi_datain_seq *s,
		       const struct iscsi_hdr_info *h, const char **why);

/* The Data-In checked above arrived whole (and its digest matched). */
static inline void iscsi_datain_accept(struct iscsi_datain_seq *s,
				       const struct iscsi_hdr_info *h)
{
	s->received += h->data_len;
	s->next_sn++;
}

/*
 * iscsi_datain_status_check() - GOOD status for the read (a Data-In with
 * the S bit, or a SCSI Response): is its data complete? Returns 0, or
 * -EPROTO with *why set when bytes are missing or a residual is reported.
 */
int iscsi_datain_status_check(const struct iscsi_datain_seq *s,
			      const struct iscsi_hdr_info *h, const char **why);

/*
 * iscsi_write_status_check() - GOOD status for a write: had the target
 * all of its data? @sent is how far the initiator's data reached, without
 * a gap, from offset 0 (immediate data and every Data-Out fully handed to
 * the socket); @edtl the command's length. A target can answer only after
 * the last byte reached it, so a status before that, or one reporting a
 * residual, means some of the data was not stored. Returns 0, or -EPROTO
 * with *why set.
 */
int iscsi_write_status_check(u32 sent, u32 edtl,
			     const struct iscsi_hdr_info *h, const char **why);

/*
 * Login Response sequence (RFC 7143 11.13). A target's text may span PDUs
 * (the C bit), each answered by an empty Login Request; it must make
 * progress: every continuation carries text, C and T are never set
 * together, the text fits the initiator's buffer and spans at most
 * ISCSI_LOGIN_MAX_CONT PDUs, and the whole text ends with a NUL. A
 * violation fails the login; nothing is truncated and parsed.
 */
#define ISCSI_LOGIN_MAX_CONT	16

struct iscsi_login_seq {
	u32	max_text;	/* the buffer the text is gathered in */
	u32	text;		/* bytes gathered */
	u32	pdus;		/* Login Responses of this exchange */
};

static inline void iscsi_login_start(struct iscsi_login_seq *s, u32 max_text)
{
	s->max_text = max_text;
	s->text = 0;
	s->pdus = 0;
}

/*
 * iscsi_login_check() - may this Login Response be taken into the text?
 * Call when its header arrives (status class SUCCESS), before its data.
 * Returns 0, or -EPROTO with *why set to a short text.
 */
int iscsi_login_check(const struct iscsi_login_seq *s,
		      const struct iscsi_hdr_info *h, const char **why);

/* The Login Response checked above arrived whole. */
static inline void iscsi_login_accept(struct iscsi_login_seq *s,
				      const struct iscsi_hdr_info *h)
{
	s->text += h->data_len;
	s->pdus++;
}

/*
 * iscsi_login_text_check() - the last Login Response of an exchange has
 * arrived (no C bit): is the gathered text whole? Returns 0, or -EPROTO
 * with *why set when it does not end with a NUL.
 */
int iscsi_login_text_check(const struct iscsi_login_seq *s, const char *text,
			   const char **why);

/* Encode a LUN number (0..16383) in the 8-byte field, SAM flat/peripheral. */
u64 iscsi_encode_lun(u32 lun);

/* Human-readable text for a login status class/detail; never NULL. */
const char *iscsi_login_status_str(u8 status_class, u8 status_detail);

#endif /* NSP_ISCSI_PDU_H */
