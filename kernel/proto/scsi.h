/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The few SCSI commands a swap disk needs: CDB builders, READ CAPACITY(16)
 * and INQUIRY parsing, sense decoding and the retry decision.
 */
#ifndef NSP_SCSI_H
#define NSP_SCSI_H

#include "nsp_types.h"

#define SCSI_CDB_LEN		16

#define SCSI_STATUS_GOOD		0x00
#define SCSI_STATUS_CHECK_CONDITION	0x02
#define SCSI_STATUS_BUSY		0x08
#define SCSI_STATUS_RESERVATION_CONFLICT 0x18
#define SCSI_STATUS_TASK_SET_FULL	0x28

#define SCSI_SENSE_NO_SENSE		0x0
#define SCSI_SENSE_RECOVERED_ERROR	0x1
#define SCSI_SENSE_NOT_READY		0x2
#define SCSI_SENSE_MEDIUM_ERROR		0x3
#define SCSI_SENSE_HARDWARE_ERROR	0x4
#define SCSI_SENSE_ILLEGAL_REQUEST	0x5
#define SCSI_SENSE_UNIT_ATTENTION	0x6
#define SCSI_SENSE_DATA_PROTECT		0x7
#define SCSI_SENSE_ABORTED_COMMAND	0xb

#define SCSI_RC16_LEN		32
#define SCSI_INQUIRY_LEN	96

/* Each builder fills a zeroed 16-byte CDB and returns the CDB length. */
int scsi_build_tur(u8 cdb[SCSI_CDB_LEN]);
int scsi_build_inquiry(u8 cdb[SCSI_CDB_LEN], u16 alloc_len);
int scsi_build_inquiry_vpd(u8 cdb[SCSI_CDB_LEN], u8 page, u16 alloc_len);
int scsi_build_read_capacity16(u8 cdb[SCSI_CDB_LEN], u32 alloc_len);
int scsi_build_report_luns(u8 cdb[SCSI_CDB_LEN], u32 alloc_len);
int scsi_build_read16(u8 cdb[SCSI_CDB_LEN], u64 lba, u32 blocks);
int scsi_build_write16(u8 cdb[SCSI_CDB_LEN], u64 lba, u32 blocks, bool fua);
int scsi_build_sync_cache16(u8 cdb[SCSI_CDB_LEN], u64 lba, u32 blocks);
/* UNMAP (SBC-3 5.28), a 10-byte CDB, with a @param_len-byte parameter list. */
int scsi_build_unmap(u8 cdb[SCSI_CDB_LEN], u16 param_len);

/* An UNMAP parameter list of one block descriptor. */
#define SCSI_UNMAP_PARAM_LEN	24
/*
 * Fill @buf (@len bytes) with the parameter list that unmaps @blocks
 * logical blocks from @lba. Returns SCSI_UNMAP_PARAM_LEN, or -EINVAL when @len is
 * too small or @blocks is 0.
 */
int scsi_build_unmap_params(u8 *buf, size_t len, u64 lba, u32 blocks);

/*
 * Parse READ CAPACITY(16) parameter data. Returns 0; -EPROTO if shorter
 * than 12 bytes, the block length is not a power of two in 512..65536, or
 * the capacity in bytes does not fit in 64 bits. The block count and
 * length are stored even when refused (for the caller's message).
 */
int scsi_parse_read_capacity16(const u8 *buf, size_t len, u64 *nr_blocks,
			       u32 *block_len);

/*
 * LBPME: the logical unit is thin provisioned (READ CAPACITY(16) byte
 * 14). False for an answer too short to say.
 */
bool scsi_rc16_lbpme(const u8 *buf, size_t len);

/* VPD pages that identify the logical unit (SPC-4 7.8). */
#define SCSI_VPD_SERIAL		0x80
#define SCSI_VPD_DEVID		0x83
/* VPD pages that describe thin provisioning (SBC-3 6.6.4, 6.6.6). */
#define SCSI_VPD_BLOCK_LIMITS	0xb0
#define SCSI_VPD_LBP		0xb2

/*
 * What a thin-provisioned logical unit says about UNMAP: the Logical
 * Block Provisioning page's LBPU bit and the Block Limits page's UNMAP
 * fields. All counts are in logical blocks; 0 where the page is absent
 * or too short to carry the field.
 */
struct scsi_unmap_info {
	bool	lbpme;		/* READ CAPACITY(16): thin provisioned */
	bool	lbpu;		/* 0xb2: UNMAP supported */
	u32	max_lba;	/* 0xb0: MAXIMUM UNMAP LBA COUNT (0: none) */
	u32	max_desc;	/* MAXIMUM UNMAP BLOCK DESCRIPTOR COUNT */
	u32	granularity;	/* OPTIMAL UNMAP GRANULARITY */
	bool	ugavalid;	/* @alignment is given */
	u32	alignment;	/* UNMAP GRANULARITY ALIGNMENT */
};

/*
 * Parse VPD page 0xb0 / 0xb2 of @len bytes into @u. Returns 0, or -EPROTO
 * when the answer is shorter than its header or is another page; a page
 * shorter than a field leaves that field 0 (an SBC-2 era Block Limits
 * page has no UNMAP fields).
 */
int scsi_parse_vpd_block_limits(const u8 *buf, size_t len,
				struct scsi_unmap_info *u);
int scsi_parse_vpd_lbp(const u8 *buf, size_t len, struct scsi_unmap_info *u);

/*
 * scsi_unmap_max_blocks() - how many blocks one UNMAP of one descriptor
 * may cover: the target's MAXIMUM UNMAP LBA COUNT, at most @cap; 0 when
 * the unit cannot take UNMAP (not thin provisioned, LBPU clear, or a
 * maximum LBA or descriptor count of 0: SBC-3 says "not implemented").
 */
u32 scsi_unmap_max_blocks(const struct scsi_unmap_info *u, u32 cap);
#define SCSI_VPD_LEN		252	/* what we ask for; fits any ID we use */
#define SCSI_ID_MAX		128	/* identity text, with its NUL */

/*
 * scsi_parse_report_luns() - the LUN list of a REPORT LUNS answer (SPC-4
 * 6.33) of @len bytes: up to @max single-level LUNs in peripheral or flat
 * addressing (0..16383) into @luns, in the order given; others (another
 * method, a second level) are skipped. *@total is
 * the number of entries the target says it has (more than it sent if the
 * allocation length was too small). Returns the number stored, or -EPROTO
 * for an answer shorter than its header.
 */
int scsi_parse_report_luns(const u8 *buf, size_t len, u32 *luns, size_t max,
			   size_t *total);
int scsi_parse_vpd_devid(const u8 *buf, size_t len, char *id, size_t idlen);
int scsi_parse_vpd_serial(const u8 *buf, size_t len, char *id, size_t idlen);

struct scsi_inquiry_info {
	u8	peripheral_qualifier;
	u8	device_type;		/* 0 = direct access block device */
	char	vendor[9];		/* NUL-terminated, trailing blanks cut */
	char	product[17];
};
/* Returns 0 or -EPROTO if shorter than 36 bytes. */
int scsi_parse_inquiry(const u8 *buf, size_t len, struct scsi_inquiry_info *inq);

struct scsi_sense {
	bool	valid;
	u8	key;
	u8	asc;
	u8	ascq;
};

/*
 * Decode sense data in fixed (0x70/0x71) or descriptor (0x72/0x73) format.
 * Returns 0 (s->valid set) or -EPROTO for a short or unknown response code.
 */
int scsi_parse_sense(const u8 *buf, size_t len, struct scsi_sense *s);

/*
 * The iSCSI SCSI Response data segment starts with a 2-byte SenseLength;
 * decode the sense that follows. Returns 0; -ENODATA when there is no
 * segment, no sense (SenseLength 0) or sense in no known format (the PDU
 * is well formed: a CHECK CONDITION without usable sense); -EPROTO when
 * the segment is one byte or SenseLength runs past it (a malformed PDU).
 */
int iscsi_parse_sense_segment(const u8 *seg, size_t len, struct scsi_sense *s);

enum scsi_disposition {
	SCSI_DISP_OK,		/* GOOD, or RECOVERED ERROR */
	SCSI_DISP_RETRY,	/* BUSY, TASK SET FULL, UNIT ATTENTION,
				 * NOT READY (becoming ready), ABORTED COMMAND,
				 * CHECK CONDITION without usable sense */
	SCSI_DISP_FAIL,		/* everything else */
};
enum scsi_disposition scsi_classify(u8 status, const struct scsi_sense *s);

/* One-line description of a status + sense, for logs; never NULL. */
const char *scsi_sense_key_str(u8 key);

#endif /* NSP_SCSI_H */
