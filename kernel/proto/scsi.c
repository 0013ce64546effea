// SPDX-License-Identifier: GPL-2.0
/*
 * SCSI commands for a swap disk (SBC-3, SPC-4): CDBs, READ CAPACITY(16)
 * and INQUIRY data, sense data and the retry decision.
 */
#include "nsp_types.h"
#include "scsi.h"

#define OP_TEST_UNIT_READY	0x00
#define OP_INQUIRY		0x12
#define OP_READ_16		0x88
#define OP_WRITE_16		0x8a
#define OP_SYNC_CACHE_16	0x91
#define OP_UNMAP		0x42
#define OP_SERVICE_ACTION_IN_16	0x9e
#define SAI_READ_CAPACITY_16	0x10
#define WRITE16_FUA		0x08

int scsi_build_tur(u8 cdb[SCSI_CDB_LEN])
{
	memset(cdb, 0, SCSI_CDB_LEN);
	cdb[0] = OP_TEST_UNIT_READY;
	return 6;
}

/* INQUIRY is a 6-byte CDB; the iSCSI CDB field pads it to 16 with zeros. */
int scsi_build_inquiry(u8 cdb[SCSI_CDB_LEN], u16 alloc_len)
{
	memset(cdb, 0, SCSI_CDB_LEN);
	cdb[0] = OP_INQUIRY;
	nsp_put_be16(cdb + 3, alloc_len);
	return 6;
}

int scsi_build_inquiry_vpd(u8 cdb[SCSI_CDB_LEN], u8 page, u16 alloc_len)
{
	scsi_build_inquiry(cdb, alloc_len);
	cdb[1] = 0x01;		/* EVPD */
	cdb[2] = page;
	return 6;
}

int scsi_build_read_capacity16(u8 cdb[SCSI_CDB_LEN], u32 alloc_len)
{
	memset(cdb, 0, SCSI_CDB_LEN);
	cdb[0] = OP_SERVICE_ACTION_IN_16;
	cdb[1] = SAI_READ_CAPACITY_16;
	nsp_put_be32(cdb + 10, alloc_len);
	return 16;
}

int scsi_build_report_luns(u8 cdb[SCSI_CDB_LEN], u32 alloc_len)
{
	memset(cdb, 0, SCSI_CDB_LEN);
	cdb[0] = 0xa0;			/* REPORT LUNS */
	cdb[2] = 0x00;			/* SELECT REPORT: every LUN */
	nsp_put_be32(cdb + 6, alloc_len);
	return 12;
}

int scsi_parse_report_luns(const u8 *buf, size_t len, u32 *luns, size_t max,
			   size_t *total)
{
	size_t list, off, n = 0;

	if (len < 8)
		return -EPROTO;
	list = nsp_get_be32(buf);
	*total = list / 8;
	for (off = 8; off + 8 <= len && off < 8 + list; off += 8) {
		const u8 *l = buf + off;
		u32 lun;

		/* Single level only: a second level is another unit. */
		if (l[2] | l[3] | l[4] | l[5] | l[6] | l[7])
			continue;
		if ((l[0] >> 6) == 0 && l[0] == 0)	/* peripheral, bus 0 */
			lun = l[1];
		else if ((l[0] >> 6) == 1)		/* flat space */
			lun = (u32)(l[0] & 0x3f) << 8 | l[1];
		else
			continue;
		if (n < max)
			luns[n++] = lun;
	}
	return (int)n;
}

static int build_rw16(u8 cdb[SCSI_CDB_LEN], u8 op, u64 lba, u32 blocks)
{
	memset(cdb, 0, SCSI_CDB_LEN);
	cdb[0] = op;
	nsp_put_be64(cdb + 2, lba);
	nsp_put_be32(cdb + 10, blocks);
	return 16;
}

int scsi_build_read16(u8 cdb[SCSI_CDB_LEN], u64 lba, u32 blocks)
{
	return build_rw16(cdb, OP_READ_16, lba, blocks);
}

int scsi_build_write16(u8 cdb[SCSI_CDB_LEN], u64 lba, u32 blocks, bool fua)
{
	int ret = build_rw16(cdb, OP_WRITE_16, lba, blocks);

	if (fua)
		cdb[1] |= WRITE16_FUA;
	return ret;
}

int scsi_build_sync_cache16(u8 cdb[SCSI_CDB_LEN], u64 lba, u32 blocks)
{
	return build_rw16(cdb, OP_SYNC_CACHE_16, lba, blocks);
}

int scsi_build_unmap(u8 cdb[SCSI_CDB_LEN], u16 param_len)
{
	memset(cdb, 0, SCSI_CDB_LEN);
	cdb[0] = OP_UNMAP;		/* ANCHOR 0, GROUP NUMBER 0 */
	nsp_put_be16(cdb + 7, param_len);
	return 10;
}

int scsi_build_unmap_params(u8 *buf, size_t len, u64 lba, u32 blocks)
{
	if (len < SCSI_UNMAP_PARAM_LEN || !blocks)
		return -EINVAL;
	memset(buf, 0, SCSI_UNMAP_PARAM_LEN);
	/* UNMAP DATA LENGTH: what follows it; BLOCK DESCRIPTOR DATA LENGTH */
	nsp_put_be16(buf, SCSI_UNMAP_PARAM_LEN - 2);
	nsp_put_be16(buf + 2, 16);
	nsp_put_be64(buf + 8, lba);
	nsp_put_be32(buf + 16, blocks);
	return SCSI_UNMAP_PARAM_LEN;
}

int scsi_parse_read_capacity16(const u8 *buf, size_t len, u64 *nr_blocks,
			       u32 *block_len)
{
	u64 last_lba;
	u32 bl;

	if (len < 12)
		return -EPROTO;
	last_lba = nsp_get_be64(buf);
	bl = nsp_get_be32(buf + 8);
	/* Reported even when refused, for the caller's message. */
	*nr_blocks = last_lba + 1;
	*block_len = bl;
	if (bl < 512 || bl > 65536 || (bl & (bl - 1)))
		return -EPROTO;
	/* last_lba + 1 blocks; all-ones would wrap to zero. */
	if (last_lba == ~(u64)0)
		return -EPROTO;
	/* The size in bytes must fit in 64 bits. */
	if (last_lba + 1 > ~(u64)0 / bl)
		return -EPROTO;
	return 0;
}

bool scsi_rc16_lbpme(const u8 *buf, size_t len)
{
	return len > 14 && (buf[14] & 0x80);
}

/*
 * A VPD page's bytes that count: its header says how long it is, the
 * answer may be shorter (allocation length) or padded. Returns the page
 * length with its 4-byte header, or 0 for another page or a short answer.
 */
static size_t vpd_page_len(const u8 *buf, size_t len, u8 page)
{
	size_t plen;

	if (len < 4 || buf[1] != page)
		return 0;
	plen = 4 + (size_t)nsp_get_be16(buf + 2);
	return plen < len ? plen : len;
}

int scsi_parse_vpd_block_limits(const u8 *buf, size_t len,
				struct scsi_unmap_info *u)
{
	size_t plen = vpd_page_len(buf, len, SCSI_VPD_BLOCK_LIMITS);

	u->max_lba = 0;
	u->max_desc = 0;
	u->granularity = 0;
	u->ugavalid = false;
	u->alignment = 0;
	if (!plen)
		return -EPROTO;
	if (plen >= 28) {
		u->max_lba = nsp_get_be32(buf + 20);
		u->max_desc = nsp_get_be32(buf + 24);
	}
	if (plen >= 32)
		u->granularity = nsp_get_be32(buf + 28);
	if (plen >= 36) {
		u->ugavalid = buf[32] & 0x80;
		u->alignment = nsp_get_be32(buf + 32) & 0x7fffffff;
	}
	return 0;
}

int scsi_parse_vpd_lbp(const u8 *buf, size_t len, struct scsi_unmap_info *u)
{
	size_t plen = vpd_page_len(buf, len, SCSI_VPD_LBP);

	u->lbpu = false;
	if (!plen)
		return -EPROTO;
	if (plen >= 6)
		u->lbpu = buf[5] & 0x80;
	return 0;
}

u32 scsi_unmap_max_blocks(const struct scsi_unmap_info *u, u32 cap)
{
	if (!u->lbpme || !u->lbpu || !u->max_lba || !u->max_desc)
		return 0;
	return u->max_lba < cap ? u->max_lba : cap;
}

/* Append @n bytes as lower-case hex; false when @id is too small. */
static bool id_put_hex(char *id, size_t idlen, size_t *pos, const u8 *p,
		       size_t n)
{
	static const char hex[] = "0123456789abcdef";
	size_t i;

	if (*pos + 2 * n >= idlen)
		return false;
	for (i = 0; i < n; i++) {
		id[(*pos)++] = hex[p[i] >> 4];
		id[(*pos)++] = hex[p[i] & 15];
	}
	id[*pos] = '\0';
	return true;
}

/*
 * Append printable ASCII, trailing blanks and NULs cut, inner runs of
 * blanks folded to one, anything unprintable as '?'.
 */
static bool id_put_ascii(char *id, size_t idlen, size_t *pos, const u8 *p,
			 size_t n)
{
	size_t i;

	while (n && (p[n - 1] == ' ' || p[n - 1] == '\0'))
		n--;
	while (n && p[0] == ' ') {
		p++;
		n--;
	}
	if (!n)
		return false;
	for (i = 0; i < n; i++) {
		if (p[i] == ' ' && i && p[i - 1] == ' ')
			continue;
		if (*pos + 1 >= idlen)
			return false;
		id[(*pos)++] = p[i] >= 0x20 && p[i] <= 0x7e ? (char)p[i] : '?';
	}
	id[*pos] = '\0';
	return true;
}

static bool id_put_str(char *id, size_t idlen, size_t *pos, const char *s)
{
	size_t n = strlen(s);

	if (*pos + n >= idlen)
		return false;
	memcpy(id + *pos, s, n + 1);
	*pos += n;
	return true;
}

/* Designator types (SPC-4 7.8.6.1). */
#define DESIG_T10	0x1
#define DESIG_EUI64	0x2
#define DESIG_NAA	0x3
#define DESIG_NAME	0x8

/*
 * How well a designator tells logical units apart: NAA first, and among
 * NAAs the registered ones (6, 5, 2) before a locally assigned one (3),
 * which targets often derive from nothing but the target and LUN
 * numbers; then EUI-64, SCSI name string, T10 vendor ID. 0: not used.
 */
static unsigned int desig_rank(const u8 *d)
{
	static const u8 naa_rank[16] = { [6] = 4, [5] = 3, [2] = 2, [3] = 1 };

	switch (d[1] & 0x0f) {
	case DESIG_NAA:
		return 40 + naa_rank[d[4] >> 4];
	case DESIG_EUI64:
		return 30;
	case DESIG_NAME:
		return 20;
	case DESIG_T10:
		return 10;
	default:
		return 0;
	}
}

/**
 * scsi_parse_vpd_devid() - the logical unit's identity from VPD page 0x83
 * @buf:	the page as received
 * @len:	bytes received
 * @id:		result, NUL-terminated: "naa.<hex>", "eui.<hex>",
 *		"name.<text>" or "t10.<text>"
 * @idlen:	size of @id
 *
 * Of the designators associated with the logical unit (not its port or
 * target), the best kind is taken (see desig_rank()); the first of equal
 * rank. Descriptors are walked only inside both @len and the page length.
 *
 * Return: 0, -ENOENT when the page names no usable LU designator, or
 * -EPROTO when it is not page 0x83.
 */
int scsi_parse_vpd_devid(const u8 *buf, size_t len, char *id, size_t idlen)
{
	const u8 *best = NULL;
	size_t end, off, pos = 0;
	bool ok;

	if (idlen)
		id[0] = '\0';
	if (len < 4 || buf[1] != 0x83)
		return -EPROTO;
	end = 4 + (size_t)nsp_get_be16(buf + 2);
	if (end > len)
		end = len;
	for (off = 4; off + 4 <= end; off += 4 + (size_t)buf[off + 3]) {
		const u8 *d = buf + off;
		u8 assoc = (d[1] >> 4) & 3;

		if (off + 4 + d[3] > end)
			break;
		if (assoc != 0 || !d[3] || !desig_rank(d))
			continue;
		if (!best || desig_rank(d) > desig_rank(best))
			best = d;
	}
	if (!best)
		return -ENOENT;

	switch (best[1] & 0x0f) {
	case DESIG_NAA:
		ok = id_put_str(id, idlen, &pos, "naa.") &&
		     id_put_hex(id, idlen, &pos, best + 4, best[3]);
		break;
	case DESIG_EUI64:
		ok = id_put_str(id, idlen, &pos, "eui.") &&
		     id_put_hex(id, idlen, &pos, best + 4, best[3]);
		break;
	case DESIG_NAME:
		ok = id_put_str(id, idlen, &pos, "name.") &&
		     id_put_ascii(id, idlen, &pos, best + 4, best[3]);
		break;
	default:
		ok = id_put_str(id, idlen, &pos, "t10.") &&
		     ((best[0] & 0x0f) == 1 ?
		      id_put_hex(id, idlen, &pos, best + 4, best[3]) :
		      id_put_ascii(id, idlen, &pos, best + 4, best[3]));
		break;
	}
	if (!ok) {
		if (idlen)
			id[0] = '\0';
		return -ENOENT;
	}
	return 0;
}

/**
 * scsi_parse_vpd_serial() - "serial.<text>" from VPD page 0x80
 * @buf:	the page as received
 * @len:	bytes received
 * @id:		result, NUL-terminated
 * @idlen:	size of @id
 *
 * Return: 0, -ENOENT for an empty (all blank) serial number, -EPROTO
 * when it is not page 0x80.
 */
int scsi_parse_vpd_serial(const u8 *buf, size_t len, char *id, size_t idlen)
{
	size_t n, pos = 0;

	if (idlen)
		id[0] = '\0';
	if (len < 4 || buf[1] != 0x80)
		return -EPROTO;
	n = nsp_get_be16(buf + 2);
	if (n > len - 4)
		n = len - 4;
	if (!id_put_str(id, idlen, &pos, "serial.") ||
	    !id_put_ascii(id, idlen, &pos, buf + 4, n)) {
		if (idlen)
			id[0] = '\0';
		return -ENOENT;
	}
	return 0;
}

/* Copy an ASCII field, cutting trailing blanks/NULs; unprintables -> '?'. */
static void copy_ascii(char *dst, const u8 *src, size_t n)
{
	size_t i;

	while (n && (src[n - 1] == ' ' || src[n - 1] == '\0'))
		n--;
	for (i = 0; i < n; i++)
		dst[i] = src[i] >= 0x20 && src[i] <= 0x7e ? (char)src[i] : '?';
	dst[n] = '\0';
}

int scsi_parse_inquiry(const u8 *buf, size_t len, struct scsi_inquiry_info *inq)
{
	memset(inq, 0, sizeof(*inq));
	if (len < 36)
		return -EPROTO;
	inq->peripheral_qualifier = buf[0] >> 5;
	inq->device_type = buf[0] & 0x1f;
	copy_ascii(inq->vendor, buf + 8, 8);
	copy_ascii(inq->product, buf + 16, 16);
	return 0;
}

/**
 * scsi_parse_sense() - decode fixed or descriptor format sense data
 * @buf:	sense data as received
 * @len:	its length
 * @s:		result; zeroed first
 *
 * Truncated sense is accepted as long as the sense key is present, the
 * way scsi_normalize_sense() does it: fixed format needs 3 bytes, and its
 * ASC/ASCQ are taken only when both @len and the additional sense length
 * cover them; descriptor format needs its 4-byte key/ASC/ASCQ header.
 *
 * Return: 0 or -EPROTO.
 */
int scsi_parse_sense(const u8 *buf, size_t len, struct scsi_sense *s)
{
	size_t avail;

	memset(s, 0, sizeof(*s));
	if (len < 1)
		return -EPROTO;
	switch (buf[0] & 0x7f) {
	case 0x70:
	case 0x71:
		if (len < 3)
			return -EPROTO;
		s->key = buf[2] & 0x0f;
		avail = len;
		if (len >= 8 && (size_t)buf[7] + 8 < avail)
			avail = (size_t)buf[7] + 8;
		if (avail >= 14) {
			s->asc = buf[12];
			s->ascq = buf[13];
		}
		break;
	case 0x72:
	case 0x73:
		if (len < 4)
			return -EPROTO;
		s->key = buf[1] & 0x0f;
		s->asc = buf[2];
		s->ascq = buf[3];
		break;
	default:
		return -EPROTO;
	}
	s->valid = true;
	return 0;
}

int iscsi_parse_sense_segment(const u8 *seg, size_t len, struct scsi_sense *s)
{
	size_t slen;

	memset(s, 0, sizeof(*s));
	if (!len)
		return -ENODATA;
	if (len < 2)
		return -EPROTO;
	slen = nsp_get_be16(seg);
	if (slen > len - 2)
		return -EPROTO;
	if (!slen || scsi_parse_sense(seg + 2, slen, s))
		return -ENODATA;
	return 0;
}

enum scsi_disposition scsi_classify(u8 status, const struct scsi_sense *s)
{
	switch (status) {
	case SCSI_STATUS_GOOD:
		return SCSI_DISP_OK;
	case SCSI_STATUS_BUSY:
	case SCSI_STATUS_TASK_SET_FULL:
		return SCSI_DISP_RETRY;
	case SCSI_STATUS_CHECK_CONDITION:
		break;
	default:
		return SCSI_DISP_FAIL;
	}
	if (!s || !s->valid)
		return SCSI_DISP_RETRY;	/* as the SCSI midlayer's error handling */
	switch (s->key) {
	case SCSI_SENSE_RECOVERED_ERROR:
		return SCSI_DISP_OK;
	case SCSI_SENSE_UNIT_ATTENTION:
	case SCSI_SENSE_ABORTED_COMMAND:
		return SCSI_DISP_RETRY;
	case SCSI_SENSE_NOT_READY:
		/* LOGICAL UNIT IS IN PROCESS OF BECOMING READY */
		if (s->asc == 0x04 && s->ascq == 0x01)
			return SCSI_DISP_RETRY;
		return SCSI_DISP_FAIL;
	default:
		return SCSI_DISP_FAIL;
	}
}

const char *scsi_sense_key_str(u8 key)
{
	static const char * const names[16] = {
		"NO SENSE", "RECOVERED ERROR", "NOT READY", "MEDIUM ERROR",
		"HARDWARE ERROR", "ILLEGAL REQUEST", "UNIT ATTENTION",
		"DATA PROTECT", "BLANK CHECK", "VENDOR SPECIFIC",
		"COPY ABORTED", "ABORTED COMMAND", "RESERVED (0xc)",
		"VOLUME OVERFLOW", "MISCOMPARE", "COMPLETED",
	};

	return names[key & 0x0f];
}
