/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The NFSv3 (RFC 1813), MOUNT v3 (RFC 1813 appendix I) and portmapper v2
 * (RFC 1833) procedures a swap file needs: arguments after the RPC call
 * header, results after the RPC reply header.
 *
 * Decoders take a cursor positioned at the results and return 0 (the
 * procedure's status in the result struct: check it), or the cursor's
 * error: -EAGAIN for results cut short, -EBADMSG for impossible values.
 */
#ifndef NSP_NFS3_H
#define NSP_NFS3_H

#include "xdr.h"

#define PMAP_PROGRAM		100000
#define PMAP_VERSION		2
#define PMAP_PORT		111
#define PMAPPROC_GETPORT	3
#define PMAP_IPPROTO_TCP	6

#define MOUNT_PROGRAM		100005
#define MOUNT_V3		3
#define MOUNTPROC3_MNT		1
#define MOUNTPROC3_UMNT		3
#define MOUNTPROC3_EXPORT	5
#define MNT3_NAME_MAX		255	/* a group (client) name */
#define MNT3_PATH_MAX		1024

#define NFS_PROGRAM		100003
#define NFS_V3			3
#define NFS_PORT		2049
#define NFS3PROC_NULL		0
#define NFS3PROC_GETATTR	1
#define NFS3PROC_LOOKUP		3
#define NFS3PROC_READ		6
#define NFS3PROC_WRITE		7
#define NFS3PROC_FSINFO		19
#define NFS3PROC_COMMIT		21

#define NFS3_FHSIZE		64
#define NFS3_WRITEVERFSIZE	8
#define NFS3_NAME_MAX		255
#define NFS3_FATTR_SIZE		84

/* ftype3 */
#define NF3REG			1
#define NF3DIR			2
#define NF3LNK			5

/* stable_how */
#define NFS3_UNSTABLE		0
#define NFS3_DATA_SYNC		1
#define NFS3_FILE_SYNC		2

/* nfsstat3 */
#define NFS3_OK			0
#define NFS3ERR_PERM		1
#define NFS3ERR_NOENT		2
#define NFS3ERR_IO		5
#define NFS3ERR_NXIO		6
#define NFS3ERR_ACCES		13
#define NFS3ERR_EXIST		17
#define NFS3ERR_XDEV		18
#define NFS3ERR_NODEV		19
#define NFS3ERR_NOTDIR		20
#define NFS3ERR_ISDIR		21
#define NFS3ERR_INVAL		22
#define NFS3ERR_FBIG		27
#define NFS3ERR_NOSPC		28
#define NFS3ERR_ROFS		30
#define NFS3ERR_MLINK		31
#define NFS3ERR_NAMETOOLONG	63
#define NFS3ERR_NOTEMPTY	66
#define NFS3ERR_DQUOT		69
#define NFS3ERR_STALE		70
#define NFS3ERR_REMOTE		71
#define NFS3ERR_BADHANDLE	10001
#define NFS3ERR_NOT_SYNC	10002
#define NFS3ERR_BAD_COOKIE	10003
#define NFS3ERR_NOTSUPP		10004
#define NFS3ERR_TOOSMALL	10005
#define NFS3ERR_SERVERFAULT	10006
#define NFS3ERR_BADTYPE		10007
#define NFS3ERR_JUKEBOX		10008

/* mountstat3 */
#define MNT3_OK			0
#define MNT3ERR_PERM		1
#define MNT3ERR_NOENT		2
#define MNT3ERR_IO		5
#define MNT3ERR_ACCES		13
#define MNT3ERR_NOTDIR		20
#define MNT3ERR_INVAL		22
#define MNT3ERR_NAMETOOLONG	63
#define MNT3ERR_NOTSUPP		10004
#define MNT3ERR_SERVERFAULT	10006

struct nfs3_fh {
	u32	len;
	u8	data[NFS3_FHSIZE];
};

struct nfs3_fattr {
	u32	type;
	u32	mode;
	u64	size;
	u64	used;		/* bytes of disk space the file uses */
	u64	fsid;		/* file system: with fileid, the file's identity */
	u64	fileid;
};

/* What the procedures return; @status first, the rest valid if NFS3_OK. */
struct nfs3_attr_res {		/* GETATTR, LOOKUP */
	u32			status;
	struct nfs3_fh		fh;		/* LOOKUP */
	bool			attr_valid;	/* LOOKUP: attributes returned */
	struct nfs3_fattr	attr;
};

struct nfs3_fsinfo_res {
	u32	status;
	u32	rtmax, rtpref, rtmult;
	u32	wtmax, wtpref, wtmult;
	u64	maxfilesize;
	u32	properties;
};

struct nfs3_read_res {
	u32	status;
	u32	count;
	bool	eof;
	u32	data_len;	/* the opaque's length; data follows the cursor */
};

struct nfs3_write_res {		/* WRITE and COMMIT */
	u32	status;
	u32	count;		/* WRITE */
	u32	committed;	/* WRITE */
	u8	verf[NFS3_WRITEVERFSIZE];
};

struct mnt3_res {
	u32		status;
	struct nfs3_fh	fh;
	bool		auth_sys;	/* AUTH_SYS among the flavors offered */
	bool		auth_none;	/* AUTH_NONE offered, or no list */
};

/* Arguments. Each appends to @x; overflow shows in xdr_enc_result(). */
void pmap_encode_getport(struct xdr_enc *x, u32 prog, u32 vers);
void mnt3_encode_mnt(struct xdr_enc *x, const char *path, size_t len);
void nfs3_encode_fh(struct xdr_enc *x, const struct nfs3_fh *fh);
void nfs3_encode_lookup(struct xdr_enc *x, const struct nfs3_fh *dir,
			const char *name, size_t len);
void nfs3_encode_read(struct xdr_enc *x, const struct nfs3_fh *fh, u64 off,
		      u32 count);
/* WRITE up to the data's length; the @count data bytes and their XDR
 * padding (XDR_PAD(count) zero bytes) follow. */
void nfs3_encode_write(struct xdr_enc *x, const struct nfs3_fh *fh, u64 off,
		       u32 count, u32 stable);
void nfs3_encode_commit(struct xdr_enc *x, const struct nfs3_fh *fh, u64 off,
			u32 count);
/* GETATTR and FSINFO take just the handle: nfs3_encode_fh(). */

/* Results. */
int pmap_decode_getport(struct xdr_dec *d, u32 *port);
int mnt3_decode_mnt(struct xdr_dec *d, struct mnt3_res *res);

/*
 * mnt3_decode_export_next() - the next export of a MOUNTPROC3_EXPORT reply
 * (RFC 1813 5.2.5: a list of exportnodes, each a dirpath and a list of
 * groups). Returns 1 with the directory in *@dir, *@dlen and its first
 * @gmax groups in @groups, @glen (*@ngroups of them, all counted), 0 at
 * the end of the list, or the decoder's error (-EBADMSG for a path over
 * MNT3_PATH_MAX, a name over MNT3_NAME_MAX or more than 4096 groups).
 */
int mnt3_decode_export_next(struct xdr_dec *d, const u8 **dir, u32 *dlen,
			    const u8 **groups, u32 *glen, u32 gmax,
			    u32 *ngroups);
int nfs3_decode_getattr(struct xdr_dec *d, struct nfs3_attr_res *res);
int nfs3_decode_lookup(struct xdr_dec *d, struct nfs3_attr_res *res);
int nfs3_decode_fsinfo(struct xdr_dec *d, struct nfs3_fsinfo_res *res);
/* READ: decodes up to the data; @d is left at the first data byte. */
int nfs3_decode_read(struct xdr_dec *d, struct nfs3_read_res *res);
int nfs3_decode_write(struct xdr_dec *d, struct nfs3_write_res *res);
int nfs3_decode_commit(struct xdr_dec *d, struct nfs3_write_res *res);

/* Text and errno for an nfsstat3 / mountstat3; never NULL. */
const char *nfs3_stat_str(u32 status);
int nfs3_stat_errno(u32 status);
const char *mnt3_stat_str(u32 status);
/* Transient server condition worth retrying (JUKEBOX, SERVERFAULT...). */
bool nfs3_stat_transient(u32 status);

/*
 * Walk the '/'-separated components of @path: returns the length of the
 * next component starting at or after *@pos and sets *@start to it (0 at
 * the end), skipping empty components; -EINVAL for "." or "..",
 * -ENAMETOOLONG above NFS3_NAME_MAX.
 */
int nfs3_path_next(const char *path, size_t *pos, size_t *start);

#endif /* NSP_NFS3_H */
