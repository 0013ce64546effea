// SPDX-License-Identifier: GPL-2.0
/*
 * NFSv3, MOUNT v3 and portmapper GETPORT codecs.
 */
#include "nfs3.h"

void pmap_encode_getport(struct xdr_enc *x, u32 prog, u32 vers)
{
	xdr_put_u32(x, prog);
	xdr_put_u32(x, vers);
	xdr_put_u32(x, PMAP_IPPROTO_TCP);
	xdr_put_u32(x, 0);
}

void mnt3_encode_mnt(struct xdr_enc *x, const char *path, size_t len)
{
	if (len > MNT3_PATH_MAX) {
		x->overflow = true;
		return;
	}
	xdr_put_opaque(x, path, len);
}

void nfs3_encode_fh(struct xdr_enc *x, const struct nfs3_fh *fh)
{
	if (fh->len > NFS3_FHSIZE) {
		x->overflow = true;
		return;
	}
	xdr_put_opaque(x, fh->data, fh->len);
}

void nfs3_encode_lookup(struct xdr_enc *x, const struct nfs3_fh *dir,
			const char *name, size_t len)
{
	nfs3_encode_fh(x, dir);
	if (len > NFS3_NAME_MAX) {
		x->overflow = true;
		return;
	}
	xdr_put_opaque(x, name, len);
}

void nfs3_encode_read(struct xdr_enc *x, const struct nfs3_fh *fh, u64 off,
		      u32 count)
{
	nfs3_encode_fh(x, fh);
	xdr_put_u64(x, off);
	xdr_put_u32(x, count);
}

void nfs3_encode_write(struct xdr_enc *x, const struct nfs3_fh *fh, u64 off,
		       u32 count, u32 stable)
{
	nfs3_encode_fh(x, fh);
	xdr_put_u64(x, off);
	xdr_put_u32(x, count);
	xdr_put_u32(x, stable);
	xdr_put_u32(x, count);		/* data<> length */
}

void nfs3_encode_commit(struct xdr_enc *x, const struct nfs3_fh *fh, u64 off,
			u32 count)
{
	nfs3_encode_fh(x, fh);
	xdr_put_u64(x, off);
	xdr_put_u32(x, count);
}

int pmap_decode_getport(struct xdr_dec *d, u32 *port)
{
	*port = xdr_get_u32(d);
	if (!d->err && *port > 65535)
		xdr_dec_fail(d, -EBADMSG);
	return d->err;
}

static void nfs3_decode_fh(struct xdr_dec *d, struct nfs3_fh *fh)
{
	const u8 *p;
	u32 n;

	p = xdr_get_opaque(d, NFS3_FHSIZE, &n);
	fh->len = 0;
	if (p && n) {
		memcpy(fh->data, p, n);
		fh->len = n;
	} else if (p) {
		xdr_dec_fail(d, -EBADMSG);	/* empty handle */
	}
}

int mnt3_decode_mnt(struct xdr_dec *d, struct mnt3_res *res)
{
	u32 i, n, flavor;

	memset(res, 0, sizeof(*res));
	res->status = xdr_get_u32(d);
	if (d->err || res->status != MNT3_OK)
		return d->err;
	nfs3_decode_fh(d, &res->fh);
	n = xdr_get_u32(d);
	if (!d->err && n > 64)
		xdr_dec_fail(d, -EBADMSG);
	if (!n)
		res->auth_none = res->auth_sys = true;
	for (i = 0; i < n && !d->err; i++) {
		flavor = xdr_get_u32(d);
		if (flavor == 0)
			res->auth_none = true;
		else if (flavor == 1)
			res->auth_sys = true;
	}
	return d->err;
}

int mnt3_decode_export_next(struct xdr_dec *d, const u8 **dir, u32 *dlen,
			    const u8 **groups, u32 *glen, u32 gmax,
			    u32 *ngroups)
{
	const u8 *g;
	u32 n;

	*ngroups = 0;
	if (!xdr_get_bool(d))
		return d->err;
	*dir = xdr_get_opaque(d, MNT3_PATH_MAX, dlen);
	while (!d->err && xdr_get_bool(d)) {
		g = xdr_get_opaque(d, MNT3_NAME_MAX, &n);
		if (d->err)
			break;
		if (*ngroups < gmax) {
			groups[*ngroups] = g;
			glen[*ngroups] = n;
		}
		if (++*ngroups > 4096)
			xdr_dec_fail(d, -EBADMSG);
	}
	return d->err ? d->err : 1;
}

static void nfs3_decode_fattr(struct xdr_dec *d, struct nfs3_fattr *a)
{
	const u8 *p = xdr_dec_take(d, NFS3_FATTR_SIZE);

	memset(a, 0, sizeof(*a));
	if (!p)
		return;
	a->type = nsp_get_be32(p);
	a->mode = nsp_get_be32(p + 4);
	/* nlink, uid, gid */
	a->size = nsp_get_be64(p + 20);
	a->used = nsp_get_be64(p + 28);
	/* rdev (8) */
	a->fsid = nsp_get_be64(p + 44);
	a->fileid = nsp_get_be64(p + 52);
	/* atime, mtime, ctime */
	if (a->type < 1 || a->type > 7)
		xdr_dec_fail(d, -EBADMSG);
}

/* post_op_attr: returns whether attributes were present. */
static bool nfs3_decode_post_op(struct xdr_dec *d, struct nfs3_fattr *a)
{
	struct nfs3_fattr dummy;

	if (!xdr_get_bool(d))
		return false;
	nfs3_decode_fattr(d, a ? a : &dummy);
	return !d->err;
}

/* wcc_data: pre_op_attr (size, mtime, ctime) then post_op_attr. */
static void nfs3_decode_wcc(struct xdr_dec *d)
{
	if (xdr_get_bool(d))
		xdr_dec_take(d, 24);
	nfs3_decode_post_op(d, NULL);
}

/*
 * The status and the attributes every result starts with (post_op_attr,
 * or wcc_data for WRITE and COMMIT). True when the results proper follow.
 */
static bool nfs3_decode_head(struct xdr_dec *d, u32 *status, bool wcc)
{
	*status = xdr_get_u32(d);
	if (d->err)
		return false;
	if (wcc)
		nfs3_decode_wcc(d);
	else
		nfs3_decode_post_op(d, NULL);
	return !d->err && *status == NFS3_OK;
}

int nfs3_decode_getattr(struct xdr_dec *d, struct nfs3_attr_res *res)
{
	memset(res, 0, sizeof(*res));
	res->status = xdr_get_u32(d);
	if (d->err || res->status != NFS3_OK)
		return d->err;
	nfs3_decode_fattr(d, &res->attr);
	res->attr_valid = !d->err;
	return d->err;
}

int nfs3_decode_lookup(struct xdr_dec *d, struct nfs3_attr_res *res)
{
	memset(res, 0, sizeof(*res));
	res->status = xdr_get_u32(d);
	if (d->err)
		return d->err;
	if (res->status != NFS3_OK) {
		nfs3_decode_post_op(d, NULL);	/* dir_attributes */
		return d->err;
	}
	nfs3_decode_fh(d, &res->fh);
	res->attr_valid = nfs3_decode_post_op(d, &res->attr);
	nfs3_decode_post_op(d, NULL);
	return d->err;
}

int nfs3_decode_fsinfo(struct xdr_dec *d, struct nfs3_fsinfo_res *res)
{
	memset(res, 0, sizeof(*res));
	if (!nfs3_decode_head(d, &res->status, false))
		return d->err;
	res->rtmax = xdr_get_u32(d);
	res->rtpref = xdr_get_u32(d);
	res->rtmult = xdr_get_u32(d);
	res->wtmax = xdr_get_u32(d);
	res->wtpref = xdr_get_u32(d);
	res->wtmult = xdr_get_u32(d);
	xdr_get_u32(d);			/* dtpref */
	res->maxfilesize = xdr_get_u64(d);
	xdr_get_u64(d);			/* time_delta */
	res->properties = xdr_get_u32(d);
	return d->err;
}

int nfs3_decode_read(struct xdr_dec *d, struct nfs3_read_res *res)
{
	memset(res, 0, sizeof(*res));
	if (!nfs3_decode_head(d, &res->status, false))
		return d->err;
	res->count = xdr_get_u32(d);
	res->eof = xdr_get_bool(d);
	res->data_len = xdr_get_u32(d);
	if (!d->err && (res->data_len != res->count ||
			res->data_len > 0x7fffffff))
		xdr_dec_fail(d, -EBADMSG);
	return d->err;
}

int nfs3_decode_write(struct xdr_dec *d, struct nfs3_write_res *res)
{
	const u8 *v;

	memset(res, 0, sizeof(*res));
	if (!nfs3_decode_head(d, &res->status, true))
		return d->err;
	res->count = xdr_get_u32(d);
	res->committed = xdr_get_u32(d);
	v = xdr_dec_take(d, NFS3_WRITEVERFSIZE);
	if (v)
		memcpy(res->verf, v, NFS3_WRITEVERFSIZE);
	if (!d->err && res->committed > NFS3_FILE_SYNC)
		xdr_dec_fail(d, -EBADMSG);
	return d->err;
}

int nfs3_decode_commit(struct xdr_dec *d, struct nfs3_write_res *res)
{
	const u8 *v;

	memset(res, 0, sizeof(*res));
	if (!nfs3_decode_head(d, &res->status, true))
		return d->err;
	v = xdr_dec_take(d, NFS3_WRITEVERFSIZE);
	if (v)
		memcpy(res->verf, v, NFS3_WRITEVERFSIZE);
	res->committed = NFS3_FILE_SYNC;
	return d->err;
}

const char *nfs3_stat_str(u32 status)
{
	switch (status) {
	case NFS3_OK:			return "ok";
	case NFS3ERR_PERM:		return "not owner";
	case NFS3ERR_NOENT:		return "no such file or directory";
	case NFS3ERR_IO:		return "I/O error on the server";
	case NFS3ERR_NXIO:		return "no such device or address";
	case NFS3ERR_ACCES:		return "permission denied";
	case NFS3ERR_EXIST:		return "file exists";
	case NFS3ERR_XDEV:		return "cross-device link";
	case NFS3ERR_NODEV:		return "no such device";
	case NFS3ERR_NOTDIR:		return "not a directory";
	case NFS3ERR_ISDIR:		return "is a directory";
	case NFS3ERR_INVAL:		return "invalid argument";
	case NFS3ERR_FBIG:		return "file too large";
	case NFS3ERR_NOSPC:		return "no space left on the server";
	case NFS3ERR_ROFS:		return "read-only file system";
	case NFS3ERR_MLINK:		return "too many links";
	case NFS3ERR_NAMETOOLONG:	return "name too long";
	case NFS3ERR_NOTEMPTY:		return "directory not empty";
	case NFS3ERR_DQUOT:		return "quota exceeded";
	case NFS3ERR_STALE:		return "stale file handle";
	case NFS3ERR_REMOTE:		return "too many levels of remote path";
	case NFS3ERR_BADHANDLE:		return "bad file handle";
	case NFS3ERR_NOT_SYNC:		return "update synchronization mismatch";
	case NFS3ERR_BAD_COOKIE:	return "bad cookie";
	case NFS3ERR_NOTSUPP:		return "operation not supported";
	case NFS3ERR_TOOSMALL:		return "buffer too small";
	case NFS3ERR_SERVERFAULT:	return "server fault";
	case NFS3ERR_BADTYPE:		return "bad object type";
	case NFS3ERR_JUKEBOX:		return "server busy, try later (jukebox)";
	default:			return "unknown NFS error";
	}
}

int nfs3_stat_errno(u32 status)
{
	switch (status) {
	case NFS3_OK:			return 0;
	case NFS3ERR_PERM:		return -EPERM;
	case NFS3ERR_NOENT:		return -ENOENT;
	case NFS3ERR_NXIO:		return -ENXIO;
	case NFS3ERR_ACCES:		return -EACCES;
	case NFS3ERR_NOTDIR:		return -ENOTDIR;
	case NFS3ERR_ISDIR:		return -EISDIR;
	case NFS3ERR_INVAL:		return -EINVAL;
	case NFS3ERR_FBIG:		return -EFBIG;
	case NFS3ERR_NOSPC:		return -ENOSPC;
	case NFS3ERR_ROFS:		return -EROFS;
	case NFS3ERR_NAMETOOLONG:	return -ENAMETOOLONG;
	case NFS3ERR_DQUOT:		return -EDQUOT;
	case NFS3ERR_STALE:
	case NFS3ERR_BADHANDLE:		return -ESTALE;
	case NFS3ERR_NOTSUPP:		return -EOPNOTSUPP;
	case NFS3ERR_JUKEBOX:		return -EAGAIN;
	default:			return -EIO;
	}
}

bool nfs3_stat_transient(u32 status)
{
	return status == NFS3ERR_JUKEBOX || status == NFS3ERR_SERVERFAULT;
}

const char *mnt3_stat_str(u32 status)
{
	switch (status) {
	case MNT3_OK:			return "ok";
	case MNT3ERR_PERM:		return "not owner";
	case MNT3ERR_NOENT:		return "no such export";
	case MNT3ERR_IO:		return "I/O error on the server";
	case MNT3ERR_ACCES:		return "access denied by the server";
	case MNT3ERR_NOTDIR:		return "export is not a directory";
	case MNT3ERR_INVAL:		return "invalid export path";
	case MNT3ERR_NAMETOOLONG:	return "export path too long";
	case MNT3ERR_NOTSUPP:		return "operation not supported";
	case MNT3ERR_SERVERFAULT:	return "server fault";
	default:			return "unknown MOUNT error";
	}
}

int nfs3_path_next(const char *path, size_t *pos, size_t *start)
{
	size_t p = *pos, n;

	while (path[p] == '/')
		p++;
	*start = p;
	for (n = 0; path[p + n] && path[p + n] != '/'; n++)
		;
	*pos = p + n;
	if (!n)
		return 0;
	if ((n == 1 && path[p] == '.') ||
	    (n == 2 && path[p] == '.' && path[p + 1] == '.'))
		return -EINVAL;
	if (n > NFS3_NAME_MAX)
		return -ENAMETOOLONG;
	return (int)n;
}
