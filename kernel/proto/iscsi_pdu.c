// SPDX-License-Identifier: GPL-2.0
/*
 * iSCSI Basic Header Segment codec (RFC 7143 section 11).
 *
 * Builders write every one of the 48 bytes; the parser decodes only the
 * fields the opcode defines and leaves the rest of struct iscsi_hdr_info
 * zero. Nothing here allocates or keeps state.
 */
#include "nsp_types.h"
#include "iscsi_pdu.h"

/* BHS field offsets shared by several PDUs. */
#define BHS_LUN		8
#define BHS_ITT		16
#define BHS_TTT		20
#define BHS_STATSN	24
#define BHS_EXPCMDSN	28
#define BHS_MAXCMDSN	32

static void parse_sn_window(const u8 bhs[ISCSI_BHS_LEN],
			    struct iscsi_hdr_info *h)
{
	h->stat_sn = nsp_get_be32(bhs + BHS_STATSN);
	h->exp_cmd_sn = nsp_get_be32(bhs + BHS_EXPCMDSN);
	h->max_cmd_sn = nsp_get_be32(bhs + BHS_MAXCMDSN);
}

/*
 * Overflow and Underflow are mutually exclusive (RFC 7143 11.4.5.1), and so
 * are their bidirectional counterparts.
 */
static bool residual_flags_ok(u8 flags)
{
	if ((flags & ISCSI_RSP_OVERFLOW) && (flags & ISCSI_RSP_UNDERFLOW))
		return false;
	if ((flags & ISCSI_RSP_BIDI_OVERFLOW) &&
	    (flags & ISCSI_RSP_BIDI_UNDERFLOW))
		return false;
	return true;
}

/**
 * iscsi_parse_bhs() - decode a BHS received by an initiator
 * @bhs:	the 48 header bytes
 * @h:		decoded fields; zeroed first, then filled per opcode
 *
 * Besides unknown or initiator-only opcodes, a few headers that no
 * conforming target sends are refused with -EPROTO, because acting on them
 * would corrupt the caller's state: Overflow together with Underflow, a
 * Data-In with the S bit but without the F bit, an R2T asking for zero
 * bytes, a data segment on PDUs that never carry one (R2T, Logout and Task
 * Management responses), and a Reject too short to hold the rejected BHS.
 *
 * Return: 0 or -EPROTO.
 */
int iscsi_parse_bhs(const u8 bhs[ISCSI_BHS_LEN], struct iscsi_hdr_info *h)
{
	memset(h, 0, sizeof(*h));
	h->opcode = bhs[0] & 0x3f;
	h->immediate = !!(bhs[0] & ISCSI_OP_IMMEDIATE);
	h->flags = bhs[1];
	h->ahs_len = (u32)bhs[4] * 4;
	h->data_len = nsp_get_be24(bhs + 5);
	h->itt = nsp_get_be32(bhs + BHS_ITT);

	switch (h->opcode) {
	case ISCSI_OP_NOP_IN:
		h->lun = nsp_get_be64(bhs + BHS_LUN);
		h->ttt = nsp_get_be32(bhs + BHS_TTT);
		parse_sn_window(bhs, h);
		break;
	case ISCSI_OP_SCSI_RSP:
		if (!residual_flags_ok(h->flags))
			return -EPROTO;
		h->response = bhs[2];
		h->status = bhs[3];
		h->ttt = nsp_get_be32(bhs + BHS_TTT);	/* SNACK Tag */
		parse_sn_window(bhs, h);
		h->data_sn = nsp_get_be32(bhs + 36);	/* ExpDataSN */
		h->residual = nsp_get_be32(bhs + 44);
		break;
	case ISCSI_OP_TMF_RSP:
		if (h->data_len)
			return -EPROTO;
		h->response = bhs[2];
		parse_sn_window(bhs, h);
		break;
	case ISCSI_OP_LOGIN_RSP:
		h->version_max = bhs[2];
		h->version_active = bhs[3];
		memcpy(h->isid, bhs + 8, sizeof(h->isid));
		h->tsih = nsp_get_be16(bhs + 14);
		parse_sn_window(bhs, h);
		h->status_class = bhs[36];
		h->status_detail = bhs[37];
		break;
	case ISCSI_OP_TEXT_RSP:
		h->ttt = nsp_get_be32(bhs + BHS_TTT);
		parse_sn_window(bhs, h);
		break;
	case ISCSI_OP_DATA_IN:
		h->lun = nsp_get_be64(bhs + BHS_LUN);
		h->ttt = nsp_get_be32(bhs + BHS_TTT);
		h->exp_cmd_sn = nsp_get_be32(bhs + BHS_EXPCMDSN);
		h->max_cmd_sn = nsp_get_be32(bhs + BHS_MAXCMDSN);
		h->data_sn = nsp_get_be32(bhs + 36);
		h->buffer_offset = nsp_get_be32(bhs + 40);
		if (h->flags & ISCSI_DATAIN_STATUS) {
			if (!(h->flags & ISCSI_FLAG_FINAL) ||
			    !residual_flags_ok(h->flags))
				return -EPROTO;
			h->status = bhs[3];
			h->stat_sn = nsp_get_be32(bhs + BHS_STATSN);
			h->residual = nsp_get_be32(bhs + 44);
		}
		break;
	case ISCSI_OP_LOGOUT_RSP:
		if (h->data_len)
			return -EPROTO;
		h->response = bhs[2];
		parse_sn_window(bhs, h);
		h->param2 = nsp_get_be16(bhs + 40);	/* Time2Wait */
		h->param3 = nsp_get_be16(bhs + 42);	/* Time2Retain */
		break;
	case ISCSI_OP_R2T:
		h->lun = nsp_get_be64(bhs + BHS_LUN);
		h->ttt = nsp_get_be32(bhs + BHS_TTT);
		parse_sn_window(bhs, h);
		h->data_sn = nsp_get_be32(bhs + 36);	/* R2TSN */
		h->buffer_offset = nsp_get_be32(bhs + 40);
		h->desired_len = nsp_get_be32(bhs + 44);
		if (h->data_len || !h->desired_len)
			return -EPROTO;
		break;
	case ISCSI_OP_ASYNC:
		h->lun = nsp_get_be64(bhs + BHS_LUN);
		parse_sn_window(bhs, h);
		h->async_event = bhs[36];
		h->async_vcode = bhs[37];
		h->param1 = nsp_get_be16(bhs + 38);
		h->param2 = nsp_get_be16(bhs + 40);
		h->param3 = nsp_get_be16(bhs + 42);
		break;
	case ISCSI_OP_REJECT:
		if (h->data_len < ISCSI_BHS_LEN)
			return -EPROTO;
		h->reject_reason = bhs[2];
		parse_sn_window(bhs, h);
		h->data_sn = nsp_get_be32(bhs + 36);	/* DataSN/R2TSN */
		break;
	default:
		return -EPROTO;
	}
	return 0;
}

void iscsi_build_login_req(u8 bhs[ISCSI_BHS_LEN],
			   const struct iscsi_login_req *r)
{
	memset(bhs, 0, ISCSI_BHS_LEN);
	bhs[0] = ISCSI_OP_IMMEDIATE | ISCSI_OP_LOGIN_REQ;
	bhs[1] = (u8)((r->csg & 3) << 2);
	/* NSG is reserved unless the T bit is set. */
	if (r->transit)
		bhs[1] |= ISCSI_LOGIN_T | (r->nsg & 3);
	/* bytes 2, 3: Version-max and Version-min are both 0x00 */
	nsp_put_be24(bhs + 5, r->data_len & ISCSI_MAX_DSL);
	memcpy(bhs + 8, r->isid, sizeof(r->isid));
	nsp_put_be16(bhs + 14, r->tsih);
	nsp_put_be32(bhs + BHS_ITT, r->itt);
	nsp_put_be16(bhs + 20, r->cid);
	nsp_put_be32(bhs + 24, r->cmd_sn);
	nsp_put_be32(bhs + 28, r->exp_stat_sn);
}

void iscsi_build_scsi_cmd(u8 bhs[ISCSI_BHS_LEN],
			  const struct iscsi_scsi_cmd *c)
{
	u8 cdb_len = c->cdb_len > 16 ? 16 : c->cdb_len;

	memset(bhs, 0, ISCSI_BHS_LEN);
	bhs[0] = ISCSI_OP_SCSI_CMD;
	/* F unless unsolicited Data-Out PDUs follow (RFC 7143 11.3.1). */
	bhs[1] = ISCSI_CMD_ATTR_SIMPLE;
	if (!c->unsol_follows)
		bhs[1] |= ISCSI_FLAG_FINAL;
	if (c->read)
		bhs[1] |= ISCSI_CMD_READ;
	if (c->write)
		bhs[1] |= ISCSI_CMD_WRITE;
	nsp_put_be24(bhs + 5, c->data_len & ISCSI_MAX_DSL);
	nsp_put_be64(bhs + BHS_LUN, c->lun);
	nsp_put_be32(bhs + BHS_ITT, c->itt);
	nsp_put_be32(bhs + 20, c->edtl);
	nsp_put_be32(bhs + 24, c->cmd_sn);
	nsp_put_be32(bhs + 28, c->exp_stat_sn);
	if (c->cdb && cdb_len)
		memcpy(bhs + 32, c->cdb, cdb_len);
}

void iscsi_build_data_out(u8 bhs[ISCSI_BHS_LEN],
			  const struct iscsi_data_out *d)
{
	memset(bhs, 0, ISCSI_BHS_LEN);
	bhs[0] = ISCSI_OP_DATA_OUT;
	bhs[1] = d->final ? ISCSI_FLAG_FINAL : 0;
	nsp_put_be24(bhs + 5, d->data_len & ISCSI_MAX_DSL);
	nsp_put_be64(bhs + BHS_LUN, d->lun);
	nsp_put_be32(bhs + BHS_ITT, d->itt);
	nsp_put_be32(bhs + BHS_TTT, d->ttt);
	nsp_put_be32(bhs + 28, d->exp_stat_sn);
	nsp_put_be32(bhs + 36, d->data_sn);
	nsp_put_be32(bhs + 40, d->buffer_offset);
}

void iscsi_build_nop_out(u8 bhs[ISCSI_BHS_LEN],
			 const struct iscsi_nop_out *n)
{
	memset(bhs, 0, ISCSI_BHS_LEN);
	bhs[0] = ISCSI_OP_NOP_OUT;
	if (n->immediate)
		bhs[0] |= ISCSI_OP_IMMEDIATE;
	bhs[1] = ISCSI_FLAG_FINAL;
	nsp_put_be24(bhs + 5, n->data_len & ISCSI_MAX_DSL);
	nsp_put_be64(bhs + BHS_LUN, n->lun);
	nsp_put_be32(bhs + BHS_ITT, n->itt);
	nsp_put_be32(bhs + BHS_TTT, n->ttt);
	nsp_put_be32(bhs + 24, n->cmd_sn);
	nsp_put_be32(bhs + 28, n->exp_stat_sn);
}

void iscsi_build_text_req(u8 bhs[ISCSI_BHS_LEN],
			  const struct iscsi_text_req *t)
{
	memset(bhs, 0, ISCSI_BHS_LEN);
	bhs[0] = ISCSI_OP_TEXT_REQ;
	bhs[1] = ISCSI_FLAG_FINAL;
	nsp_put_be24(bhs + 5, t->data_len & ISCSI_MAX_DSL);
	nsp_put_be32(bhs + BHS_ITT, t->itt);
	nsp_put_be32(bhs + BHS_TTT, t->ttt);
	nsp_put_be32(bhs + 24, t->cmd_sn);
	nsp_put_be32(bhs + 28, t->exp_stat_sn);
}

void iscsi_build_logout_req(u8 bhs[ISCSI_BHS_LEN],
			    const struct iscsi_logout_req *l)
{
	memset(bhs, 0, ISCSI_BHS_LEN);
	bhs[0] = ISCSI_OP_LOGOUT_REQ;
	if (l->immediate)
		bhs[0] |= ISCSI_OP_IMMEDIATE;
	bhs[1] = ISCSI_FLAG_FINAL | (l->reason & 0x7f);
	nsp_put_be32(bhs + BHS_ITT, l->itt);
	/* The CID is reserved when the whole session is closed. */
	if (l->reason != ISCSI_LOGOUT_CLOSE_SESSION)
		nsp_put_be16(bhs + 20, l->cid);
	nsp_put_be32(bhs + 24, l->cmd_sn);
	nsp_put_be32(bhs + 28, l->exp_stat_sn);
}

/**
 * iscsi_encode_lun() - encode a LUN number as the 8-byte SAM LUN field
 * @lun:	0..16383; higher bits are ignored
 *
 * LUNs below 256 use peripheral device addressing (byte 0 is zero), the
 * others flat space addressing (method 01b in the top two bits), which is
 * what Linux targets and int_to_scsilun() produce and expect.
 */
u64 iscsi_encode_lun(u32 lun)
{
	u64 hi;

	lun &= 0x3fff;
	if (lun < 256)
		hi = lun;
	else
		hi = 0x4000 | lun;
	return hi << 48;
}

const char *iscsi_login_status_str(u8 status_class, u8 status_detail)
{
	switch (status_class) {
	case ISCSI_LOGIN_CLASS_SUCCESS:
		return "success";
	case ISCSI_LOGIN_CLASS_REDIRECT:
		switch (status_detail) {
		case 0x01:
			return "target moved temporarily";
		case 0x02:
			return "target moved permanently";
		default:
			return "redirection";
		}
	case ISCSI_LOGIN_CLASS_INITIATOR_ERR:
		switch (status_detail) {
		case 0x00:
			return "initiator error";
		case ISCSI_LOGIN_DETAIL_AUTH_FAILED:
			return "authentication failed";
		case ISCSI_LOGIN_DETAIL_FORBIDDEN:
			return "authorization failure";
		case ISCSI_LOGIN_DETAIL_NOT_FOUND:
			return "target not found";
		case 0x04:
			return "target removed";
		case 0x05:
			return "unsupported version";
		case 0x06:
			return "too many connections";
		case 0x07:
			return "missing parameter";
		case 0x08:
			return "cannot include in session";
		case 0x09:
			return "session type not supported";
		case 0x0a:
			return "session does not exist";
		case 0x0b:
			return "invalid request during login";
		default:
			return "initiator error (unknown detail)";
		}
	case ISCSI_LOGIN_CLASS_TARGET_ERR:
		switch (status_detail) {
		case 0x00:
			return "target error";
		case 0x01:
			return "service unavailable";
		case 0x02:
			return "out of resources";
		default:
			return "target error (unknown detail)";
		}
	default:
		return "unknown login status class";
	}
}

int iscsi_datain_check(const struct iscsi_datain_seq *s,
		       const struct iscsi_hdr_info *h, const char **why)
{
	if (h->data_sn != s->next_sn) {
		*why = "Data-In out of DataSN order";
		return -EPROTO;
	}
	if (h->buffer_offset != s->received) {
		*why = h->buffer_offset < s->received ?
		       "Data-In overlaps data already received" :
		       "Data-In leaves a gap in the read";
		return -EPROTO;
	}
	if (h->data_len > s->edtl - s->received) {
		*why = "Data-In past the end of the read";
		return -EPROTO;
	}
	if (!h->data_len && !(h->flags & ISCSI_DATAIN_STATUS)) {
		*why = "empty Data-In without status";
		return -EPROTO;
	}
	return 0;
}

/*
 * GOOD status for a data transfer of @edtl bytes of which @moved went
 * across: complete, and no residual reported. @why: [0] bytes missing,
 * [1] underflow, [2] overflow.
 */
static int iscsi_status_check(u32 moved, u32 edtl,
			      const struct iscsi_hdr_info *h,
			      const char *const why[3], const char **out)
{
	if (moved != edtl) {
		*out = why[0];
		return -EPROTO;
	}
	if ((h->flags & (ISCSI_RSP_OVERFLOW | ISCSI_RSP_UNDERFLOW)) &&
	    h->residual) {
		*out = why[h->flags & ISCSI_RSP_UNDERFLOW ? 1 : 2];
		return -EPROTO;
	}
	return 0;
}

int iscsi_datain_status_check(const struct iscsi_datain_seq *s,
			      const struct iscsi_hdr_info *h, const char **why)
{
	static const char *const read_why[3] = {
		"read completed with bytes missing",
		"read completed with an underflow residual",
		"read completed with an overflow residual",
	};

	return iscsi_status_check(s->received, s->edtl, h, read_why, why);
}

int iscsi_write_status_check(u32 sent, u32 edtl,
			     const struct iscsi_hdr_info *h, const char **why)
{
	static const char *const write_why[3] = {
		"write completed before all of its data was sent",
		"write completed with an underflow residual",
		"write completed with an overflow residual",
	};

	return iscsi_status_check(sent, edtl, h, write_why, why);
}

int iscsi_login_check(const struct iscsi_login_seq *s,
		      const struct iscsi_hdr_info *h, const char **why)
{
	bool cont = h->flags & ISCSI_LOGIN_C;

	if (cont && (h->flags & ISCSI_LOGIN_T)) {
		*why = "Continue and Transit bits set together";
		return -EPROTO;
	}
	if (h->data_len > s->max_text - s->text) {
		*why = "text longer than the login buffer";
		return -EPROTO;
	}
	if (cont && !h->data_len) {
		*why = "a continued response without text";
		return -EPROTO;
	}
	if (cont && s->pdus + 1 >= ISCSI_LOGIN_MAX_CONT) {
		*why = "text continued over too many PDUs";
		return -EPROTO;
	}
	return 0;
}

int iscsi_login_text_check(const struct iscsi_login_seq *s, const char *text,
			   const char **why)
{
	if (s->text && text[s->text - 1] != '\0') {
		*why = "text does not end with a NUL";
		return -EPROTO;
	}
	return 0;
}
