// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer harness: an RPC record off the wire (one fragment: its marker,
 * then the reply; fuzz_rpc_rx covers fragments), its reply header, then
 * the NFSv3 / MOUNT / portmapper results decoder that the first input byte
 * selects, the way the client reads a reply.
 *
 * Input: byte 0 selects the decoder (bits 0-2); the rest is the TCP
 * stream.
 *
 * Checked besides memory safety (the record is decoded from an exact-size
 * heap copy, so ASan sees any read past its end):
 *  - the cursor's error is the one returned, pos never passes len, and
 *    -EAGAIN asks for more bytes than there are;
 *  - a reply that decodes is also asked for, never overread, when cut
 *    short: every prefix returns -EAGAIN with prefix < need <= length
 *    used (what a stream reader relies on to read exactly the header);
 *  - the decoded results respect their documented limits.
 */
#include <stdlib.h>
#include "rpc.h"
#include "nfs3.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define NR_DECODERS	8

static void check(const struct xdr_dec *d, int ret)
{
	if (ret != d->err || d->pos > d->len)
		abort();
	if (ret == -EAGAIN && d->need <= d->len)
		abort();
	if (ret && ret != -EAGAIN && ret != -EBADMSG)
		abort();
}

/* Reply header, then (if the call succeeded) the selected results. */
static int decode(const u8 *buf, size_t len, unsigned int sel,
		  size_t *pos, size_t *need)
{
	struct nfs3_fsinfo_res fs;
	struct nfs3_attr_res ar;
	struct nfs3_write_res wr;
	struct nfs3_read_res rr;
	struct mnt3_res mr;
	struct rpc_reply r;
	struct xdr_dec d;
	char text[64];
	u32 port, status = 0;
	int ret;

	xdr_dec_init(&d, buf, len);
	ret = rpc_decode_reply(&d, &r);
	check(&d, ret);
	*pos = d.pos;
	*need = d.need;
	if (ret)
		return ret;
	/* a short buffer truncates the text, never overruns it */
	rpc_reply_str(&r, text, 1 + sel * 4);
	if (!memchr(text, '\0', 1 + sel * 4))
		abort();
	rpc_reply_str(&r, text, sizeof(text));
	if (!memchr(text, '\0', sizeof(text)))
		abort();
	ret = rpc_reply_errno(&r);
	if (ret > 0 || (ret == 0 && (r.reply_stat != RPC_MSG_ACCEPTED ||
				     r.stat != RPC_SUCCESS)))
		abort();
	if (ret)
		return 0;	/* no results follow an unsuccessful call */

	switch (sel) {
	case 0:
		ret = pmap_decode_getport(&d, &port);
		if (!ret && port > 65535)
			abort();
		break;
	case 1:
		ret = mnt3_decode_mnt(&d, &mr);
		if (!ret && !mr.status &&
		    (mr.fh.len == 0 || mr.fh.len > NFS3_FHSIZE))
			abort();
		if (!mnt3_stat_str(mr.status))
			abort();
		status = mr.status;
		break;
	case 2:
		ret = nfs3_decode_getattr(&d, &ar);
		if (!ret && !ar.status &&
		    (!ar.attr_valid || ar.attr.type < 1 || ar.attr.type > 7))
			abort();
		status = ar.status;
		break;
	case 3:
		ret = nfs3_decode_lookup(&d, &ar);
		if (!ret && !ar.status &&
		    (ar.fh.len == 0 || ar.fh.len > NFS3_FHSIZE))
			abort();
		status = ar.status;
		break;
	case 4:
		ret = nfs3_decode_fsinfo(&d, &fs);
		status = fs.status;
		break;
	case 5:
		ret = nfs3_decode_read(&d, &rr);
		if (!ret && !rr.status &&
		    (rr.count != rr.data_len || rr.data_len > 0x7fffffff))
			abort();
		status = rr.status;
		break;
	case 6:
		ret = nfs3_decode_write(&d, &wr);
		if (!ret && !wr.status && wr.committed > NFS3_FILE_SYNC)
			abort();
		status = wr.status;
		break;
	default:
		ret = nfs3_decode_commit(&d, &wr);
		if (!ret && !wr.status && wr.committed != NFS3_FILE_SYNC)
			abort();
		status = wr.status;
		break;
	}
	check(&d, ret);
	*pos = d.pos;
	*need = d.need;
	/* every status has a text and an errno */
	if (!ret && (!nfs3_stat_str(status) || nfs3_stat_errno(status) > 0 ||
		     (nfs3_stat_errno(status) == 0) != (status == NFS3_OK)))
		abort();
	return ret;
}

/* The decoders on @len bytes of @rec, from an exact-size copy. */
static int decode_copy(const u8 *rec, size_t len, unsigned int sel,
		       size_t *pos, size_t *need)
{
	u8 *b = malloc(len ? len : 1);
	int ret;

	if (!b)
		abort();
	if (len)
		memcpy(b, rec, len);
	ret = decode(b, len, sel, pos, need);
	free(b);
	return ret;
}

/* The path walker on the record read as a string. */
static void walk(const u8 *rec, size_t len)
{
	char *s = malloc(len + 1);
	size_t pos = 0, start, slen;
	int n, steps = 0;

	if (!s)
		abort();
	memcpy(s, rec, len);
	s[len] = '\0';
	slen = strlen(s);
	for (;;) {
		n = nfs3_path_next(s, &pos, &start);
		if (pos > slen || ++steps > 65536)
			abort();
		if (n <= 0) {
			if (n && n != -EINVAL && n != -ENAMETOOLONG)
				abort();
			break;
		}
		if (n > NFS3_NAME_MAX || start + n != pos ||
		    memchr(s + start, '/', n) || (start && s[start - 1] != '/'))
			abort();
	}
	free(s);
}

/* A MOUNT EXPORT list (swapctl discover): every name inside the record. */
static void exports(const u8 *rec, size_t len)
{
	const u8 *dir, *g[4];
	u32 dlen, glen[4], ng, i;
	struct xdr_dec d;
	int k = 0;

	xdr_dec_init(&d, rec, len);
	while (mnt3_decode_export_next(&d, &dir, &dlen, g, glen, 4, &ng) == 1) {
		if (dlen > MNT3_PATH_MAX || (dlen && (dir < rec || dir + dlen > rec + len)) ||
		    ++k > 100000)
			abort();
		for (i = 0; i < ng && i < 4; i++)
			if (glen[i] > MNT3_NAME_MAX || (glen[i] && (g[i] < rec || g[i] + glen[i] > rec + len)))
				abort();
	}
	if (d.pos > len)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static u8 rec[65536];
	unsigned int sel;
	size_t len, pos, need, p2, n2, cut;
	int n, ret;

	if (size < 1)
		return 0;
	sel = data[0] % NR_DECODERS;
	/* The marker's length, cut to what is there. */
	if (size < 1 + RPC_MARKER_LEN)
		return 0;
	len = rpc_marker_len(nsp_get_be32(data + 1));
	if (len > size - 1 - RPC_MARKER_LEN)
		len = size - 1 - RPC_MARKER_LEN;
	if (len > sizeof(rec))
		len = sizeof(rec);
	memcpy(rec, data + 1 + RPC_MARKER_LEN, len);
	n = (int)len;

	walk(rec, n);
	exports(rec, len);

	ret = decode_copy(rec, n, sel, &pos, &need);
	if (ret)
		return 0;
	/*
	 * It decoded using @pos bytes: any shorter input is cut short, and
	 * asks for no more than those @pos bytes.
	 */
	if (!pos)
		abort();
	cut = size > 2 ? ((size_t)data[size - 1] << 8 | data[size - 2]) % pos
		       : pos - 1;
	for (int i = 0; i < 2; i++, cut = pos - 1) {
		if (decode_copy(rec, cut, sel, &p2, &n2) != -EAGAIN ||
		    n2 <= cut || n2 > pos)
			abort();
		/* ...and with @need bytes, it gets further or succeeds */
		ret = decode_copy(rec, n2, sel, &p2, &need);
		if (ret == -EBADMSG || (ret == -EAGAIN && need <= n2) ||
		    (ret == 0 && (n2 != pos || p2 != pos)))
			abort();
	}
	return 0;
}
