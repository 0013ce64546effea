// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer harness: an RPC record off the wire (record marking), its reply
 * header, then the NFSv3 / MOUNT / portmapper results decoder that the
 * first input byte selects, the way the client reads a reply.
 */
#include <stdlib.h>
#include "rpc.h"
#include "nfs3.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(const struct xdr_dec *d, int ret)
{
	if (ret != d->err || d->pos > d->len)
		abort();
	if (ret == -EAGAIN && d->need <= d->pos)
		abort();
	if (ret && ret != -EAGAIN && ret != -EBADMSG)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static u8 rec[65536];
	struct nfs3_fsinfo_res fs;
	struct nfs3_attr_res ar;
	struct nfs3_write_res wr;
	struct nfs3_read_res rr;
	struct mnt3_res mr;
	struct rpc_reply r;
	struct xdr_dec d;
	char text[64];
	size_t used;
	u32 port;
	int n, ret;

	if (size < 1)
		return 0;
	n = rpc_record_decode(data + 1, size - 1, rec, sizeof(rec), &used);
	if (n < 0) {
		if (n != -EAGAIN && n != -EMSGSIZE)
			abort();
		return 0;
	}
	if (used > size - 1 || (size_t)n > used)
		abort();
	xdr_dec_init(&d, rec, n);
	ret = rpc_decode_reply(&d, &r);
	check(&d, ret);
	if (ret)
		return 0;
	rpc_reply_str(&r, text, sizeof(text));
	if (!memchr(text, '\0', sizeof(text)))
		abort();
	if (rpc_reply_errno(&r))
		return 0;
	switch (data[0] % 8) {
	case 0: ret = pmap_decode_getport(&d, &port); break;
	case 1: ret = mnt3_decode_mnt(&d, &mr); break;
	case 2: ret = nfs3_decode_getattr(&d, &ar); break;
	case 3: ret = nfs3_decode_lookup(&d, &ar);
		if (!ret && !ar.status && (ar.fh.len == 0 || ar.fh.len > NFS3_FHSIZE))
			abort();
		break;
	case 4: ret = nfs3_decode_fsinfo(&d, &fs); break;
	case 5: ret = nfs3_decode_read(&d, &rr);
		if (!ret && !rr.status && rr.count != rr.data_len)
			abort();
		break;
	case 6: ret = nfs3_decode_write(&d, &wr);
		if (!ret && !wr.status && wr.committed > NFS3_FILE_SYNC)
			abort();
		break;
	default: ret = nfs3_decode_commit(&d, &wr); break;
	}
	check(&d, ret);
	return 0;
}
