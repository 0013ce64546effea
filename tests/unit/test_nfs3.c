// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests for kernel/proto/nfs3.c: NFSv3, MOUNT v3 and GETPORT codecs.
 *
 * Expected bytes are written out by hand from RFC 1813 (NFSv3 section 3,
 * MOUNT v3 appendix I) and RFC 1833 (portmapper v2), never produced by
 * the encoder under test.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "rpc.h"
#include "nfs3.h"

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))
#define BE32(v) (u8)((u32)(v) >> 24), (u8)((u32)(v) >> 16), \
		(u8)((u32)(v) >> 8), (u8)(v)
#define BE64(v) BE32((u64)(v) >> 32), BE32((u64)(v) & 0xffffffff)

/*
 * fattr3 (84 bytes): type, mode, nlink, uid, gid, size, used,
 * rdev (specdata3), fsid, fileid, atime, mtime, ctime (nfstime3 each)
 */
#define FATTR(type, size, used, fileid)					\
	BE32(type), BE32(0600), BE32(1), BE32(1000), BE32(100),		\
	BE64(size), BE64(used), BE32(0), BE32(0), BE64(0x77),		\
	BE64(fileid), BE32(1), BE32(2), BE32(3), BE32(4),		\
	BE32(5), BE32(6)
#define FATTR_LEN	84
/* wcc_attr (24 bytes): size, mtime, ctime */
#define WCC_ATTR(size)	BE64(size), BE32(7), BE32(8), BE32(9), BE32(10)

/* Type-checked adapters from each decoder to one signature. */
#define ADAPT(fn, type)							\
	static int a_##fn(struct xdr_dec *d, void *res)			\
	{								\
		return fn(d, (type *)res);				\
	}
ADAPT(pmap_decode_getport, u32)
ADAPT(mnt3_decode_mnt, struct mnt3_res)
ADAPT(nfs3_decode_getattr, struct nfs3_attr_res)
ADAPT(nfs3_decode_lookup, struct nfs3_attr_res)
ADAPT(nfs3_decode_fsinfo, struct nfs3_fsinfo_res)
ADAPT(nfs3_decode_read, struct nfs3_read_res)
ADAPT(nfs3_decode_write, struct nfs3_write_res)
ADAPT(nfs3_decode_commit, struct nfs3_write_res)

typedef int (*decode_fn)(struct xdr_dec *d, void *res);

/* Decode from an exact-size heap copy, so ASan catches any overread. */
static int decode(decode_fn fn, const u8 *p, size_t n, void *res,
		  size_t *pos, size_t *need)
{
	u8 *b = malloc(n ? n : 1);
	struct xdr_dec d;
	int ret;

	assert_non_null(b);
	memcpy(b, p, n);
	xdr_dec_init(&d, b, n);
	ret = fn(&d, res);
	assert_int_equal(ret, d.err);
	assert_true(d.pos <= n);
	if (pos)
		*pos = d.pos;
	if (need)
		*need = d.need;
	free(b);
	return ret;
}

/*
 * A valid reply of @n bytes decodes to its end; every strict prefix asks
 * for more than it has, and never for more than the whole reply.
 */
static void every_prefix(decode_fn fn, const u8 *p, size_t n)
{
	union {
		u32 port;
		struct mnt3_res mnt;
		struct nfs3_attr_res attr;
		struct nfs3_fsinfo_res fsinfo;
		struct nfs3_read_res read;
		struct nfs3_write_res write;
	} res;
	size_t need, pos;

	assert_int_equal(decode(fn, p, n, &res, &pos, NULL), 0);
	assert_int_equal(pos, n);
	for (size_t k = 0; k < n; k++) {
		need = 0;
		assert_int_equal(decode(fn, p, k, &res, NULL, &need), -EAGAIN);
		assert_true(need > k);
		assert_true(need <= n);
	}
}

/* A hand-written byte string, for expectations too long to spell out. */
struct wire {
	u8	b[2048];
	size_t	n;
};

static void w32(struct wire *w, u32 v)
{
	const u8 be[4] = { BE32(v) };

	assert_true(w->n + 4 <= sizeof(w->b));
	memcpy(w->b + w->n, be, 4);
	w->n += 4;
}

static void wbytes(struct wire *w, const void *p, size_t n)
{
	assert_true(w->n + n <= sizeof(w->b));
	memcpy(w->b + w->n, p, n);
	w->n += n;
}

static void wzero(struct wire *w, size_t n)
{
	assert_true(w->n + n <= sizeof(w->b));
	memset(w->b + w->n, 0, n);
	w->n += n;
}

static const struct nfs3_fh fh3 = { .len = 3, .data = { 0xaa, 0xbb, 0xcc } };

static void fh64_init(struct nfs3_fh *fh)
{
	fh->len = NFS3_FHSIZE;
	for (int i = 0; i < NFS3_FHSIZE; i++)
		fh->data[i] = (u8)(0x40 + i);
}

/* Encode with @enc into a buffer of 0xee, compare with @want exactly. */
#define CHECK_ENC(want, len, call)					\
	do {								\
		u8 buf_[2048];						\
		struct xdr_enc x_;					\
		struct xdr_enc *x = &x_;				\
									\
		memset(buf_, 0xee, sizeof(buf_));			\
		xdr_enc_init(x, buf_, sizeof(buf_));			\
		call;							\
		assert_int_equal(xdr_enc_result(x), (len));		\
		assert_memory_equal(buf_, (want), (len));		\
		assert_int_equal(buf_[(len)], 0xee);			\
		for (size_t n_ = 0; n_ < (len); n_++) {			\
			u8 *b_ = malloc(n_ ? n_ : 1);			\
									\
			assert_non_null(b_);				\
			xdr_enc_init(x, b_, n_);			\
			call;						\
			assert_int_equal(xdr_enc_result(x), -ENOSPC);	\
			free(b_);					\
		}							\
	} while (0)

/*
 * Encoders
 */

static void test_encode_getport(void **state)
{
	/* mapping: prog, vers, prot (IPPROTO_TCP), port (ignored: 0) */
	static const u8 nfs[] = { BE32(100003), BE32(3), BE32(6), BE32(0) };
	static const u8 mnt[] = { BE32(100005), BE32(3), BE32(6), BE32(0) };

	(void)state;
	CHECK_ENC(nfs, sizeof(nfs),
		  pmap_encode_getport(x, NFS_PROGRAM, NFS_V3));
	CHECK_ENC(mnt, sizeof(mnt),
		  pmap_encode_getport(x, MOUNT_PROGRAM, MOUNT_V3));
}

/* A whole GETPORT call on the wire: marker, call header, mapping. */
static void test_encode_getport_call(void **state)
{
	static const u8 want[] = {
		0x80, 0x00, 0x00, 0x38,			/* last, 56 bytes */
		BE32(0x01020304), BE32(0), BE32(2),	/* xid, CALL, v2 */
		BE32(100000), BE32(2), BE32(3),		/* PMAP v2 GETPORT */
		BE32(0), BE32(0), BE32(0), BE32(0),	/* AUTH_NONE x2 */
		BE32(100005), BE32(3), BE32(6), BE32(0),
	};
	static const struct rpc_cred none = { .flavor = RPC_AUTH_NONE };
	u8 buf[sizeof(want)];
	struct xdr_enc x;
	int len;

	(void)state;
	xdr_enc_init(&x, buf, sizeof(buf));
	xdr_enc_reserve(&x, RPC_MARKER_LEN);
	assert_int_equal(rpc_encode_call(&x, 0x01020304, PMAP_PROGRAM,
					 PMAP_VERSION, PMAPPROC_GETPORT,
					 &none), 0);
	pmap_encode_getport(&x, MOUNT_PROGRAM, MOUNT_V3);
	len = xdr_enc_result(&x);
	assert_int_equal(len, sizeof(want));
	rpc_put_marker(buf, (u32)(len - RPC_MARKER_LEN), true);
	assert_memory_equal(buf, want, sizeof(want));
}

static void test_encode_mnt(void **state)
{
	static const u8 srv1[] = { BE32(5), '/', 's', 'r', 'v', '1', 0, 0, 0 };
	static const u8 exp[] = {
		BE32(7), '/', 'e', 'x', 'p', 'o', 'r', 't', 0,
	};
	static const u8 abc[] = { BE32(4), '/', 'a', 'b', 'c' };
	static const u8 root[] = { BE32(1), '/', 0, 0, 0 };
	static const u8 empty[] = { BE32(0) };
	char path[MNT3_PATH_MAX + 1];
	struct wire w = { .n = 0 };
	u8 buf[2048];
	struct xdr_enc enc;

	(void)state;
	CHECK_ENC(srv1, sizeof(srv1), mnt3_encode_mnt(x, "/srv1", 5));
	CHECK_ENC(exp, sizeof(exp), mnt3_encode_mnt(x, "/export", 7));
	CHECK_ENC(abc, sizeof(abc), mnt3_encode_mnt(x, "/abc", 4));
	CHECK_ENC(root, sizeof(root), mnt3_encode_mnt(x, "/", 1));
	CHECK_ENC(empty, sizeof(empty), mnt3_encode_mnt(x, "", 0));

	/* MNTPATHLEN (1024) fits, one more does not */
	memset(path, 'p', sizeof(path));
	w32(&w, 1024);
	wbytes(&w, path, 1024);
	CHECK_ENC(w.b, w.n, mnt3_encode_mnt(x, path, MNT3_PATH_MAX));
	xdr_enc_init(&enc, buf, sizeof(buf));
	mnt3_encode_mnt(&enc, path, MNT3_PATH_MAX + 1);
	assert_int_equal(xdr_enc_result(&enc), -ENOSPC);
}

/* GETATTR3args and FSINFO3args are just the nfs_fh3. */
static void test_encode_fh(void **state)
{
	static const u8 three[] = { BE32(3), 0xaa, 0xbb, 0xcc, 0 };
	static const u8 one[] = { BE32(1), 0x11, 0, 0, 0 };
	static const u8 eight[] = { BE32(8), 1, 2, 3, 4, 5, 6, 7, 8 };
	const struct nfs3_fh fh1 = { .len = 1, .data = { 0x11 } };
	const struct nfs3_fh fh8 = {
		.len = 8, .data = { 1, 2, 3, 4, 5, 6, 7, 8 },
	};
	struct nfs3_fh fh64, bad = { .len = NFS3_FHSIZE + 1 };
	struct wire w = { .n = 0 };
	u8 buf[256];
	struct xdr_enc enc;

	(void)state;
	CHECK_ENC(three, sizeof(three), nfs3_encode_fh(x, &fh3));
	CHECK_ENC(one, sizeof(one), nfs3_encode_fh(x, &fh1));
	CHECK_ENC(eight, sizeof(eight), nfs3_encode_fh(x, &fh8));
	fh64_init(&fh64);
	w32(&w, 64);
	wbytes(&w, fh64.data, 64);
	CHECK_ENC(w.b, w.n, nfs3_encode_fh(x, &fh64));

	xdr_enc_init(&enc, buf, sizeof(buf));
	nfs3_encode_fh(&enc, &bad);
	assert_int_equal(xdr_enc_result(&enc), -ENOSPC);
}

static void test_encode_lookup(void **state)
{
	/* diropargs3: dir handle, filename3 with its padding */
	static const u8 ab[] = {
		BE32(3), 0xaa, 0xbb, 0xcc, 0, BE32(2), 'a', 'b', 0, 0,
	};
	static const u8 a[] = {
		BE32(3), 0xaa, 0xbb, 0xcc, 0, BE32(1), 'a', 0, 0, 0,
	};
	static const u8 abc[] = {
		BE32(3), 0xaa, 0xbb, 0xcc, 0, BE32(3), 'a', 'b', 'c', 0,
	};
	static const u8 swap[] = {
		BE32(3), 0xaa, 0xbb, 0xcc, 0, BE32(4), 's', 'w', 'a', 'p',
	};
	static const u8 swapf[] = {
		BE32(3), 0xaa, 0xbb, 0xcc, 0, BE32(5), 's', 'w', 'a', 'p',
		'f', 0, 0, 0,
	};
	char name[NFS3_NAME_MAX + 2];
	struct nfs3_fh fh64;
	struct wire w = { .n = 0 };
	u8 buf[1024];
	struct xdr_enc enc;

	(void)state;
	CHECK_ENC(ab, sizeof(ab), nfs3_encode_lookup(x, &fh3, "ab", 2));
	CHECK_ENC(a, sizeof(a), nfs3_encode_lookup(x, &fh3, "a", 1));
	CHECK_ENC(abc, sizeof(abc), nfs3_encode_lookup(x, &fh3, "abc", 3));
	CHECK_ENC(swap, sizeof(swap), nfs3_encode_lookup(x, &fh3, "swap", 4));
	CHECK_ENC(swapf, sizeof(swapf),
		  nfs3_encode_lookup(x, &fh3, "swapfile", 5));

	/* a 64-byte handle and a 255-byte name (1 byte of padding) */
	memset(name, 'n', sizeof(name));
	fh64_init(&fh64);
	w32(&w, 64);
	wbytes(&w, fh64.data, 64);
	w32(&w, 255);
	wbytes(&w, name, 255);
	wzero(&w, 1);
	CHECK_ENC(w.b, w.n, nfs3_encode_lookup(x, &fh64, name, NFS3_NAME_MAX));

	/* 256 bytes: overflow */
	xdr_enc_init(&enc, buf, sizeof(buf));
	nfs3_encode_lookup(&enc, &fh3, name, NFS3_NAME_MAX + 1);
	assert_int_equal(xdr_enc_result(&enc), -ENOSPC);
	/* a bad handle: the name is not appended after it either */
	xdr_enc_init(&enc, buf, sizeof(buf));
	{
		struct nfs3_fh bad = { .len = NFS3_FHSIZE + 1 };

		nfs3_encode_lookup(&enc, &bad, "a", 1);
	}
	assert_int_equal(xdr_enc_result(&enc), -ENOSPC);
	assert_int_equal(enc.used, 0);
}

static void test_encode_read(void **state)
{
	/* READ3args: file, offset3 (64 bit), count3 */
	static const u8 read[] = {
		BE32(3), 0xaa, 0xbb, 0xcc, 0, BE64(0x100000000ULL), BE32(4096),
	};
	static const u8 high[] = {
		BE32(3), 0xaa, 0xbb, 0xcc, 0,
		0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xf0, 0x00,
		0x00, 0x10, 0x00, 0x00,
	};

	(void)state;
	CHECK_ENC(read, sizeof(read),
		  nfs3_encode_read(x, &fh3, 0x100000000ULL, 4096));
	CHECK_ENC(high, sizeof(high),
		  nfs3_encode_read(x, &fh3, 0xfffffffffffff000ULL, 1 << 20));
}

static void test_encode_write(void **state)
{
	/*
	 * WRITE3args: file, offset, count, stable_how, then data<>: the
	 * encoder stops after the data's length word.
	 */
	static const u8 write[] = {
		BE32(3), 0xaa, 0xbb, 0xcc, 0, BE64(8192), BE32(4096), BE32(2),
		BE32(4096),
	};
	static const u8 unstable[] = {
		BE32(3), 0xaa, 0xbb, 0xcc, 0, BE64(0x123456789ULL), BE32(5),
		BE32(0), BE32(5),
	};
	static const u8 dsync[] = {
		BE32(3), 0xaa, 0xbb, 0xcc, 0, BE64(0), BE32(0), BE32(1),
		BE32(0),
	};
	struct nfs3_fh fh64;
	struct wire w = { .n = 0 };

	(void)state;
	CHECK_ENC(write, sizeof(write),
		  nfs3_encode_write(x, &fh3, 8192, 4096, NFS3_FILE_SYNC));
	CHECK_ENC(unstable, sizeof(unstable),
		  nfs3_encode_write(x, &fh3, 0x123456789ULL, 5, NFS3_UNSTABLE));
	CHECK_ENC(dsync, sizeof(dsync),
		  nfs3_encode_write(x, &fh3, 0, 0, NFS3_DATA_SYNC));
	fh64_init(&fh64);
	w32(&w, 64);
	wbytes(&w, fh64.data, 64);
	w32(&w, 0);
	w32(&w, 0x10000);
	w32(&w, 65536);
	w32(&w, 2);
	w32(&w, 65536);
	CHECK_ENC(w.b, w.n,
		  nfs3_encode_write(x, &fh64, 0x10000, 65536, NFS3_FILE_SYNC));
}

static void test_encode_commit(void **state)
{
	/* COMMIT3args: file, offset, count (0, 0: the whole file) */
	static const u8 all[] = {
		BE32(3), 0xaa, 0xbb, 0xcc, 0, BE64(0), BE32(0),
	};
	static const u8 range[] = {
		BE32(3), 0xaa, 0xbb, 0xcc, 0, BE64(0x200000000ULL), BE32(8192),
	};

	(void)state;
	CHECK_ENC(all, sizeof(all), nfs3_encode_commit(x, &fh3, 0, 0));
	CHECK_ENC(range, sizeof(range),
		  nfs3_encode_commit(x, &fh3, 0x200000000ULL, 8192));
}

/*
 * Decoders
 */

static void test_getport(void **state)
{
	static const u8 ok[] = { BE32(2049) };
	static const u8 unreg[] = { BE32(0) };
	static const u8 top[] = { BE32(65535) };
	static const u8 big[] = { BE32(65536) };
	u32 port;
	size_t need;

	(void)state;
	assert_int_equal(decode(a_pmap_decode_getport, ok, 4, &port, NULL,
				NULL), 0);
	assert_int_equal(port, 2049);
	every_prefix(a_pmap_decode_getport, ok, sizeof(ok));
	/* port 0: the program is not registered; the caller decides */
	assert_int_equal(decode(a_pmap_decode_getport, unreg, 4, &port, NULL,
				NULL), 0);
	assert_int_equal(port, 0);
	assert_int_equal(decode(a_pmap_decode_getport, top, 4, &port, NULL,
				NULL), 0);
	assert_int_equal(port, 65535);
	assert_int_equal(decode(a_pmap_decode_getport, big, 4, &port, NULL,
				NULL), -EBADMSG);
	assert_int_equal(decode(a_pmap_decode_getport, ok, 3, &port, NULL,
				&need), -EAGAIN);
	assert_int_equal(need, 4);
}

static void test_mnt_export(void **state)
{
	/* /srv/swap for "*" and "10.0.0.0/8"; /tmp for nobody listed */
	static const u8 ok[] = {
		BE32(1), BE32(9), '/', 's', 'r', 'v', '/', 's', 'w', 'a',
		'p', 0, 0, 0,
		BE32(1), BE32(1), '*', 0, 0, 0,
		BE32(1), BE32(10), '1', '0', '.', '0', '.', '0', '.', '0',
		'/', '8', 0, 0,
		BE32(0),
		BE32(1), BE32(4), '/', 't', 'm', 'p', BE32(0),
		BE32(0),
	};
	static const u8 bad_bool[] = { BE32(2) };
	static const u8 cut[] = { BE32(1), BE32(9), '/', 's' };
	const u8 *dir, *g[1];
	u32 dlen, glen[1], ng;
	struct xdr_dec d;
	u8 *b = malloc(sizeof(ok));

	(void)state;
	assert_non_null(b);
	memcpy(b, ok, sizeof(ok));
	xdr_dec_init(&d, b, sizeof(ok));
	assert_int_equal(mnt3_decode_export_next(&d, &dir, &dlen, g, glen, 1,
						 &ng), 1);
	assert_int_equal(dlen, 9);
	assert_memory_equal(dir, "/srv/swap", 9);
	assert_int_equal(ng, 2);		/* both counted, one kept */
	assert_int_equal(glen[0], 1);
	assert_memory_equal(g[0], "*", 1);
	assert_int_equal(mnt3_decode_export_next(&d, &dir, &dlen, g, glen, 1,
						 &ng), 1);
	assert_memory_equal(dir, "/tmp", 4);
	assert_int_equal(ng, 0);
	assert_int_equal(mnt3_decode_export_next(&d, &dir, &dlen, g, glen, 1,
						 &ng), 0);
	assert_int_equal(d.pos, sizeof(ok));
	free(b);

	xdr_dec_init(&d, bad_bool, sizeof(bad_bool));
	assert_int_equal(mnt3_decode_export_next(&d, &dir, &dlen, g, glen, 1,
						 &ng), -EBADMSG);
	xdr_dec_init(&d, cut, sizeof(cut));
	assert_true(mnt3_decode_export_next(&d, &dir, &dlen, g, glen, 1,
					    &ng) < 0);
}

static void test_mnt(void **state)
{
	/* mountres3_ok: fhandle3, auth_flavors<> (RPCSEC_GSS 390003, SYS) */
	static const u8 ok[] = {
		BE32(0), BE32(4), 1, 2, 3, 4, BE32(2), BE32(390003), BE32(1),
	};
	static const u8 sys_only[] = {
		BE32(0), BE32(6), 1, 2, 3, 4, 5, 6, 0, 0, BE32(1), BE32(1),
	};
	static const u8 nolist[] = { BE32(0), BE32(1), 9, 0, 0, 0, BE32(0) };
	static const u8 none_only[] = {
		BE32(0), BE32(1), 9, 0, 0, 0, BE32(1), BE32(0),
	};
	static const u8 gss_only[] = {
		BE32(0), BE32(1), 9, 0, 0, 0, BE32(1), BE32(390004),
	};
	struct mnt3_res r;
	size_t pos;

	(void)state;
	assert_int_equal(decode(a_mnt3_decode_mnt, ok, sizeof(ok), &r, &pos,
				NULL), 0);
	assert_int_equal(pos, sizeof(ok));
	assert_int_equal(r.status, MNT3_OK);
	assert_int_equal(r.fh.len, 4);
	assert_memory_equal(r.fh.data, "\x01\x02\x03\x04", 4);
	assert_true(r.auth_sys);
	assert_false(r.auth_none);
	every_prefix(a_mnt3_decode_mnt, ok, sizeof(ok));

	/* AUTH_SYS only */
	assert_int_equal(decode(a_mnt3_decode_mnt, sys_only, sizeof(sys_only),
				&r, NULL, NULL), 0);
	assert_int_equal(r.fh.len, 6);
	assert_memory_equal(r.fh.data, "\x01\x02\x03\x04\x05\x06", 6);
	assert_true(r.auth_sys);
	assert_false(r.auth_none);
	every_prefix(a_mnt3_decode_mnt, sys_only, sizeof(sys_only));

	/* an empty list: no restriction stated, both will do */
	assert_int_equal(decode(a_mnt3_decode_mnt, nolist, sizeof(nolist), &r,
				NULL, NULL), 0);
	assert_int_equal(r.fh.len, 1);
	assert_true(r.auth_sys);
	assert_true(r.auth_none);
	every_prefix(a_mnt3_decode_mnt, nolist, sizeof(nolist));

	assert_int_equal(decode(a_mnt3_decode_mnt, none_only, sizeof(none_only),
				&r, NULL, NULL), 0);
	assert_true(r.auth_none);
	assert_false(r.auth_sys);

	assert_int_equal(decode(a_mnt3_decode_mnt, gss_only, sizeof(gss_only),
				&r, NULL, NULL), 0);
	assert_false(r.auth_none);
	assert_false(r.auth_sys);
}

static void test_mnt_flavor_count(void **state)
{
	u8 in[16 + 65 * 4];
	struct mnt3_res r;
	size_t pos;

	(void)state;
	memset(in, 0, sizeof(in));
	nsp_put_be32(in + 4, 1);		/* fh of 1 byte, padded */
	in[8] = 9;
	for (int i = 0; i < 65; i++)
		nsp_put_be32(in + 16 + 4 * i, i == 63 ? 1 : 390003);

	/* 64 flavors: the most accepted */
	nsp_put_be32(in + 12, 64);
	assert_int_equal(decode(a_mnt3_decode_mnt, in, 16 + 64 * 4, &r, &pos,
				NULL), 0);
	assert_int_equal(pos, 16 + 64 * 4);
	assert_true(r.auth_sys);
	assert_false(r.auth_none);
	every_prefix(a_mnt3_decode_mnt, in, 16 + 64 * 4);

	/* 65: -EBADMSG, with or without the flavors there */
	nsp_put_be32(in + 12, 65);
	assert_int_equal(decode(a_mnt3_decode_mnt, in, sizeof(in), &r, NULL,
				NULL), -EBADMSG);
	assert_int_equal(decode(a_mnt3_decode_mnt, in, 16, &r, NULL, NULL),
			 -EBADMSG);
	nsp_put_be32(in + 12, 0xffffffff);
	assert_int_equal(decode(a_mnt3_decode_mnt, in, sizeof(in), &r, NULL,
				NULL), -EBADMSG);
}

static void test_mnt_errors(void **state)
{
	static const u8 acces[] = { BE32(MNT3ERR_ACCES) };
	static const u8 noent[] = { BE32(MNT3ERR_NOENT) };
	static const u8 emptyfh[] = { BE32(0), BE32(0), BE32(0) };
	static const u8 longfh[] = { BE32(0), BE32(65) };
	u8 fh64[4 + 4 + 64 + 4 + 4] = { BE32(0), BE32(64) };
	u8 fh65[4 + 68 + 4] = { BE32(0), BE32(65) };
	struct mnt3_res r;
	size_t pos;

	(void)state;
	/* a failed MNT has nothing after the status */
	assert_int_equal(decode(a_mnt3_decode_mnt, acces, sizeof(acces), &r,
				&pos, NULL), 0);
	assert_int_equal(pos, 4);
	assert_int_equal(r.status, MNT3ERR_ACCES);
	assert_int_equal(r.fh.len, 0);
	assert_string_equal(mnt3_stat_str(r.status),
			    "access denied by the server");
	assert_int_equal(decode(a_mnt3_decode_mnt, noent, sizeof(noent), &r,
				NULL, NULL), 0);
	assert_int_equal(r.status, MNT3ERR_NOENT);
	assert_string_equal(mnt3_stat_str(r.status), "no such export");
	every_prefix(a_mnt3_decode_mnt, noent, sizeof(noent));

	assert_int_equal(decode(a_mnt3_decode_mnt, emptyfh, sizeof(emptyfh), &r,
				NULL, NULL), -EBADMSG);
	assert_int_equal(decode(a_mnt3_decode_mnt, longfh, sizeof(longfh), &r,
				NULL, NULL), -EBADMSG);
	/* 64 bytes is FHSIZE3: fine; 65 is not, bytes there or not */
	for (int i = 0; i < 64; i++)
		fh64[8 + i] = (u8)i;
	nsp_put_be32(fh64 + 72, 1);		/* one flavor: AUTH_SYS */
	nsp_put_be32(fh64 + 76, 1);
	assert_int_equal(decode(a_mnt3_decode_mnt, fh64, sizeof(fh64), &r, &pos,
				NULL), 0);
	assert_int_equal(pos, sizeof(fh64));
	assert_int_equal(r.fh.len, 64);
	assert_int_equal(r.fh.data[63], 63);
	assert_int_equal(decode(a_mnt3_decode_mnt, fh65, sizeof(fh65), &r, NULL,
				NULL), -EBADMSG);
}

static void test_getattr(void **state)
{
	static const u8 ok[] = {
		BE32(0), FATTR(NF3REG, 1 << 20, 1 << 19, 4242),
	};
	static const u8 big[] = {
		BE32(0), FATTR(NF3REG, 0x123456789aULL, 0xfedcba987654ULL,
			       0x1122334455667788ULL),
	};
	static const u8 stale[] = { BE32(NFS3ERR_STALE) };
	static const u8 type0[] = { BE32(0), FATTR(0, 0, 0, 0) };
	static const u8 type8[] = { BE32(0), FATTR(8, 0, 0, 0) };
	static const u8 fifo[] = { BE32(0), FATTR(7, 0, 0, 0) };
	struct nfs3_attr_res r;
	size_t pos;

	(void)state;
	assert_int_equal(decode(a_nfs3_decode_getattr, ok, sizeof(ok), &r,
				&pos, NULL), 0);
	assert_int_equal(pos, sizeof(ok));
	assert_int_equal(r.status, NFS3_OK);
	assert_true(r.attr_valid);
	assert_int_equal(r.attr.type, NF3REG);
	assert_int_equal(r.attr.mode, 0600);
	assert_int_equal(r.attr.size, 1 << 20);
	assert_int_equal(r.attr.used, 1 << 19);
	assert_int_equal(r.attr.fileid, 4242);
	assert_int_equal(r.attr.fsid, 0x77);
	every_prefix(a_nfs3_decode_getattr, ok, sizeof(ok));

	assert_int_equal(decode(a_nfs3_decode_getattr, big, sizeof(big), &r,
				NULL, NULL), 0);
	assert_true(r.attr.size == 0x123456789aULL);
	assert_true(r.attr.used == 0xfedcba987654ULL);
	assert_true(r.attr.fileid == 0x1122334455667788ULL);

	/* GETATTR3resfail is void */
	assert_int_equal(decode(a_nfs3_decode_getattr, stale, sizeof(stale), &r,
				&pos, NULL), 0);
	assert_int_equal(pos, 4);
	assert_int_equal(r.status, NFS3ERR_STALE);
	assert_false(r.attr_valid);

	assert_int_equal(decode(a_nfs3_decode_getattr, type0, sizeof(type0), &r,
				NULL, NULL), -EBADMSG);
	assert_int_equal(decode(a_nfs3_decode_getattr, type8, sizeof(type8), &r,
				NULL, NULL), -EBADMSG);
	assert_int_equal(decode(a_nfs3_decode_getattr, fifo, sizeof(fifo), &r,
				NULL, NULL), 0);
}

static void test_lookup(void **state)
{
	static const u8 ok[] = {
		BE32(0), BE32(8), 1, 2, 3, 4, 5, 6, 7, 8,
		BE32(1), FATTR(NF3REG, 65536, 0, 99),	/* object attributes */
		BE32(1), FATTR(NF3DIR, 4096, 4096, 2),	/* directory's */
	};
	static const u8 noattr[] = {
		BE32(0), BE32(2), 1, 2, 0, 0, BE32(0), BE32(0),
	};
	static const u8 dironly[] = {
		BE32(0), BE32(5), 1, 2, 3, 4, 5, 0, 0, 0, BE32(0),
		BE32(1), FATTR(NF3DIR, 4096, 4096, 2),
	};
	struct nfs3_attr_res r;
	size_t pos;

	(void)state;
	assert_int_equal(decode(a_nfs3_decode_lookup, ok, sizeof(ok), &r, &pos,
				NULL), 0);
	assert_int_equal(pos, sizeof(ok));
	assert_int_equal(r.status, NFS3_OK);
	assert_int_equal(r.fh.len, 8);
	assert_memory_equal(r.fh.data, "\x01\x02\x03\x04\x05\x06\x07\x08", 8);
	assert_true(r.attr_valid);
	assert_int_equal(r.attr.type, NF3REG);	/* the object's */
	assert_int_equal(r.attr.size, 65536);
	assert_int_equal(r.attr.used, 0);
	assert_int_equal(r.attr.fileid, 99);
	every_prefix(a_nfs3_decode_lookup, ok, sizeof(ok));

	assert_int_equal(decode(a_nfs3_decode_lookup, noattr, sizeof(noattr),
				&r, &pos, NULL), 0);
	assert_int_equal(pos, sizeof(noattr));
	assert_int_equal(r.fh.len, 2);
	assert_false(r.attr_valid);
	every_prefix(a_nfs3_decode_lookup, noattr, sizeof(noattr));

	assert_int_equal(decode(a_nfs3_decode_lookup, dironly, sizeof(dironly),
				&r, &pos, NULL), 0);
	assert_int_equal(pos, sizeof(dironly));
	assert_int_equal(r.fh.len, 5);
	assert_false(r.attr_valid);
	assert_int_equal(r.attr.type, 0);
	every_prefix(a_nfs3_decode_lookup, dironly, sizeof(dironly));
}

static void test_lookup_errors(void **state)
{
	/* LOOKUP3resfail: dir_attributes only */
	static const u8 noent[] = {
		BE32(NFS3ERR_NOENT), BE32(1), FATTR(NF3DIR, 0, 0, 2),
	};
	static const u8 noent_bare[] = { BE32(NFS3ERR_NOENT), BE32(0) };
	static const u8 notdir_bad[] = { BE32(NFS3ERR_NOTDIR), BE32(2) };
	struct nfs3_attr_res r;
	size_t pos;

	(void)state;
	assert_int_equal(decode(a_nfs3_decode_lookup, noent, sizeof(noent), &r,
				&pos, NULL), 0);
	assert_int_equal(r.status, NFS3ERR_NOENT);
	assert_int_equal(pos, sizeof(noent));
	assert_int_equal(r.fh.len, 0);
	assert_false(r.attr_valid);
	every_prefix(a_nfs3_decode_lookup, noent, sizeof(noent));
	assert_int_equal(decode(a_nfs3_decode_lookup, noent_bare,
				sizeof(noent_bare), &r, &pos, NULL), 0);
	assert_int_equal(r.status, NFS3ERR_NOENT);
	assert_int_equal(pos, sizeof(noent_bare));
	every_prefix(a_nfs3_decode_lookup, noent_bare, sizeof(noent_bare));
	assert_int_equal(decode(a_nfs3_decode_lookup, notdir_bad,
				sizeof(notdir_bad), &r, NULL, NULL), -EBADMSG);
}

static void test_lookup_bad_fh(void **state)
{
	static const u8 longfh[] = { BE32(0), BE32(65) };
	static const u8 hugefh[] = { BE32(0), BE32(0xffffffff), BE32(0) };
	static const u8 emptyfh[] = { BE32(0), BE32(0), BE32(0), BE32(0) };
	u8 fh64[4 + 4 + 64 + 8];
	u8 fh65[4 + 4 + 68 + 8];
	struct nfs3_attr_res r;
	size_t pos;

	(void)state;
	memset(fh64, 0x33, sizeof(fh64));
	nsp_put_be32(fh64, 0);
	nsp_put_be32(fh64 + 4, 64);
	nsp_put_be32(fh64 + 72, 0);
	nsp_put_be32(fh64 + 76, 0);
	assert_int_equal(decode(a_nfs3_decode_lookup, fh64, sizeof(fh64), &r,
				&pos, NULL), 0);
	assert_int_equal(pos, sizeof(fh64));
	assert_int_equal(r.fh.len, 64);
	every_prefix(a_nfs3_decode_lookup, fh64, sizeof(fh64));

	memset(fh65, 0x33, sizeof(fh65));
	nsp_put_be32(fh65, 0);
	nsp_put_be32(fh65 + 4, 65);
	nsp_put_be32(fh65 + 76, 0);
	nsp_put_be32(fh65 + 80, 0);
	assert_int_equal(decode(a_nfs3_decode_lookup, fh65, sizeof(fh65), &r,
				NULL, NULL), -EBADMSG);
	assert_int_equal(r.fh.len, 0);
	/* known from the length alone */
	assert_int_equal(decode(a_nfs3_decode_lookup, longfh, sizeof(longfh),
				&r, NULL, NULL), -EBADMSG);
	assert_int_equal(decode(a_nfs3_decode_lookup, hugefh, sizeof(hugefh),
				&r, NULL, NULL), -EBADMSG);
	assert_int_equal(decode(a_nfs3_decode_lookup, emptyfh, sizeof(emptyfh),
				&r, NULL, NULL), -EBADMSG);
}

static void test_lookup_bad_bool(void **state)
{
	/* obj_attributes follows "2", then dir attributes "0xffffffff" */
	static const u8 obj2[] = {
		BE32(0), BE32(2), 1, 2, 0, 0, BE32(2), BE32(0),
	};
	static const u8 dirmax[] = {
		BE32(0), BE32(2), 1, 2, 0, 0, BE32(0), BE32(0xffffffff),
	};
	static const u8 badtype[] = {
		BE32(0), BE32(2), 1, 2, 0, 0, BE32(1), FATTR(0, 0, 0, 0),
		BE32(0),
	};
	struct nfs3_attr_res r;

	(void)state;
	assert_int_equal(decode(a_nfs3_decode_lookup, obj2, sizeof(obj2), &r,
				NULL, NULL), -EBADMSG);
	assert_int_equal(decode(a_nfs3_decode_lookup, dirmax, sizeof(dirmax),
				&r, NULL, NULL), -EBADMSG);
	assert_int_equal(decode(a_nfs3_decode_lookup, badtype, sizeof(badtype),
				&r, NULL, NULL), -EBADMSG);
}

static void test_fsinfo(void **state)
{
	static const u8 ok[] = {
		BE32(0), BE32(0),			/* no attributes */
		BE32(1048576), BE32(65536), BE32(4096),	/* rtmax/pref/mult */
		BE32(524288), BE32(32768), BE32(512),	/* wtmax/pref/mult */
		BE32(8192),				/* dtpref */
		BE64(~0ULL),				/* maxfilesize */
		BE32(0), BE32(1),			/* time_delta */
		BE32(0x1b),				/* properties */
	};
	static const u8 attrs[] = {
		BE32(0), BE32(1), FATTR(NF3DIR, 4096, 4096, 2),
		BE32(65536), BE32(65536), BE32(1), BE32(65536), BE32(65536),
		BE32(1), BE32(4096), BE64(0x7fffffffffffffffULL),
		BE32(1), BE32(0), BE32(0x18),
	};
	struct nfs3_fsinfo_res r;
	size_t pos;

	(void)state;
	assert_int_equal(decode(a_nfs3_decode_fsinfo, ok, sizeof(ok), &r, &pos,
				NULL), 0);
	assert_int_equal(pos, sizeof(ok));
	assert_int_equal(r.status, NFS3_OK);
	assert_int_equal(r.rtmax, 1048576);
	assert_int_equal(r.rtpref, 65536);
	assert_int_equal(r.rtmult, 4096);
	assert_int_equal(r.wtmax, 524288);
	assert_int_equal(r.wtpref, 32768);
	assert_int_equal(r.wtmult, 512);
	assert_true(r.maxfilesize == ~0ULL);
	assert_int_equal(r.properties, 0x1b);
	every_prefix(a_nfs3_decode_fsinfo, ok, sizeof(ok));

	assert_int_equal(decode(a_nfs3_decode_fsinfo, attrs, sizeof(attrs), &r,
				&pos, NULL), 0);
	assert_int_equal(pos, sizeof(attrs));
	assert_int_equal(r.rtmax, 65536);
	assert_int_equal(r.wtmult, 1);
	assert_true(r.maxfilesize == 0x7fffffffffffffffULL);
	assert_int_equal(r.properties, 0x18);
	every_prefix(a_nfs3_decode_fsinfo, attrs, sizeof(attrs));
}

static void test_fsinfo_errors(void **state)
{
	/* FSINFO3resfail: obj_attributes only */
	static const u8 fault[] = { BE32(NFS3ERR_SERVERFAULT), BE32(0) };
	static const u8 stale[] = {
		BE32(NFS3ERR_STALE), BE32(1), FATTR(NF3DIR, 0, 0, 2),
	};
	static const u8 badbool[] = { BE32(0), BE32(2) };
	struct nfs3_fsinfo_res r;
	size_t pos;

	(void)state;
	assert_int_equal(decode(a_nfs3_decode_fsinfo, fault, sizeof(fault), &r,
				&pos, NULL), 0);
	assert_int_equal(pos, sizeof(fault));
	assert_int_equal(r.status, NFS3ERR_SERVERFAULT);
	assert_int_equal(r.rtmax, 0);
	assert_true(nfs3_stat_transient(r.status));
	every_prefix(a_nfs3_decode_fsinfo, fault, sizeof(fault));

	assert_int_equal(decode(a_nfs3_decode_fsinfo, stale, sizeof(stale), &r,
				&pos, NULL), 0);
	assert_int_equal(pos, sizeof(stale));
	assert_int_equal(r.status, NFS3ERR_STALE);
	every_prefix(a_nfs3_decode_fsinfo, stale, sizeof(stale));

	assert_int_equal(decode(a_nfs3_decode_fsinfo, badbool, sizeof(badbool),
				&r, NULL, NULL), -EBADMSG);
}

static void test_read(void **state)
{
	static const u8 ok[] = {
		BE32(0), BE32(1), FATTR(NF3REG, 8192, 8192, 7),
		BE32(5), BE32(0), BE32(5), 'h', 'e', 'l', 'l', 'o', 0, 0, 0,
	};
	/* a read at the end of the file: no attributes, 0 bytes, eof */
	static const u8 eof[] = {
		BE32(0), BE32(0), BE32(0), BE32(1), BE32(0),
	};
	static const u8 full[] = {
		BE32(0), BE32(0), BE32(4096), BE32(0), BE32(4096),
	};
	struct nfs3_read_res r;
	size_t pos, hdr = sizeof(ok) - 8;

	(void)state;
	assert_int_equal(decode(a_nfs3_decode_read, ok, sizeof(ok), &r, &pos,
				NULL), 0);
	assert_int_equal(r.status, NFS3_OK);
	assert_int_equal(r.count, 5);
	assert_false(r.eof);
	assert_int_equal(r.data_len, 5);
	assert_int_equal(pos, hdr);		/* at the data */
	/* the header only: the data is read by the caller */
	every_prefix(a_nfs3_decode_read, ok, hdr);

	assert_int_equal(decode(a_nfs3_decode_read, eof, sizeof(eof), &r, &pos,
				NULL), 0);
	assert_int_equal(pos, sizeof(eof));
	assert_int_equal(r.count, 0);
	assert_true(r.eof);
	every_prefix(a_nfs3_decode_read, eof, sizeof(eof));

	/* the data need not be there at all */
	assert_int_equal(decode(a_nfs3_decode_read, full, sizeof(full), &r,
				&pos, NULL), 0);
	assert_int_equal(pos, sizeof(full));
	assert_int_equal(r.count, 4096);
	assert_int_equal(r.data_len, 4096);
}

static void test_read_errors(void **state)
{
	static const u8 jukebox[] = { BE32(NFS3ERR_JUKEBOX), BE32(0) };
	static const u8 io[] = {
		BE32(NFS3ERR_IO), BE32(1), FATTR(NF3REG, 8192, 8192, 7),
	};
	/* data_len != count */
	static const u8 mismatch[] = {
		BE32(0), BE32(0), BE32(5), BE32(0), BE32(6),
	};
	static const u8 mismatch2[] = {
		BE32(0), BE32(0), BE32(4096), BE32(1), BE32(0),
	};
	/* eof neither TRUE nor FALSE */
	static const u8 badeof[] = {
		BE32(0), BE32(0), BE32(5), BE32(3), BE32(5),
	};
	static const u8 badattr[] = {
		BE32(0), BE32(0xffffffff), BE32(5), BE32(0), BE32(5),
	};
	/* above 2 GiB: not a length this client can hold */
	static const u8 huge[] = {
		BE32(0), BE32(0), BE32(0x80000000), BE32(0), BE32(0x80000000),
	};
	struct nfs3_read_res r;
	size_t pos;

	(void)state;
	assert_int_equal(decode(a_nfs3_decode_read, jukebox, sizeof(jukebox),
				&r, &pos, NULL), 0);
	assert_int_equal(pos, sizeof(jukebox));
	assert_int_equal(r.status, NFS3ERR_JUKEBOX);
	assert_true(nfs3_stat_transient(r.status));
	every_prefix(a_nfs3_decode_read, jukebox, sizeof(jukebox));

	assert_int_equal(decode(a_nfs3_decode_read, io, sizeof(io), &r, &pos,
				NULL), 0);
	assert_int_equal(pos, sizeof(io));
	assert_int_equal(r.status, NFS3ERR_IO);
	assert_int_equal(r.count, 0);
	every_prefix(a_nfs3_decode_read, io, sizeof(io));

	assert_int_equal(decode(a_nfs3_decode_read, mismatch, sizeof(mismatch),
				&r, NULL, NULL), -EBADMSG);
	assert_int_equal(decode(a_nfs3_decode_read, mismatch2,
				sizeof(mismatch2), &r, NULL, NULL), -EBADMSG);
	assert_int_equal(decode(a_nfs3_decode_read, badeof, sizeof(badeof), &r,
				NULL, NULL), -EBADMSG);
	assert_int_equal(decode(a_nfs3_decode_read, badattr, sizeof(badattr),
				&r, NULL, NULL), -EBADMSG);
	assert_int_equal(decode(a_nfs3_decode_read, huge, sizeof(huge), &r,
				NULL, NULL), -EBADMSG);
}

static void test_write(void **state)
{
	static const u8 ok[] = {
		BE32(0),
		BE32(1), WCC_ATTR(4096),		/* pre_op_attr */
		BE32(1), FATTR(NF3REG, 8192, 8192, 7),	/* post_op_attr */
		BE32(4096), BE32(NFS3_UNSTABLE), 1, 2, 3, 4, 5, 6, 7, 8,
	};
	static const u8 nowcc[] = {
		BE32(0), BE32(0), BE32(0), BE32(4096), BE32(NFS3_FILE_SYNC),
		8, 7, 6, 5, 4, 3, 2, 1,
	};
	static const u8 preonly[] = {
		BE32(0), BE32(1), WCC_ATTR(0), BE32(0),
		BE32(512), BE32(NFS3_DATA_SYNC), 0, 0, 0, 0, 0, 0, 0, 1,
	};
	struct nfs3_write_res r;
	size_t pos;

	(void)state;
	assert_int_equal(decode(a_nfs3_decode_write, ok, sizeof(ok), &r, &pos,
				NULL), 0);
	assert_int_equal(pos, sizeof(ok));
	assert_int_equal(r.status, NFS3_OK);
	assert_int_equal(r.count, 4096);
	assert_int_equal(r.committed, NFS3_UNSTABLE);
	assert_memory_equal(r.verf, "\x01\x02\x03\x04\x05\x06\x07\x08", 8);
	every_prefix(a_nfs3_decode_write, ok, sizeof(ok));

	assert_int_equal(decode(a_nfs3_decode_write, nowcc, sizeof(nowcc), &r,
				&pos, NULL), 0);
	assert_int_equal(pos, sizeof(nowcc));
	assert_int_equal(r.count, 4096);
	assert_int_equal(r.committed, NFS3_FILE_SYNC);
	assert_memory_equal(r.verf, "\x08\x07\x06\x05\x04\x03\x02\x01", 8);
	every_prefix(a_nfs3_decode_write, nowcc, sizeof(nowcc));

	assert_int_equal(decode(a_nfs3_decode_write, preonly, sizeof(preonly),
				&r, &pos, NULL), 0);
	assert_int_equal(pos, sizeof(preonly));
	assert_int_equal(r.count, 512);
	assert_int_equal(r.committed, NFS3_DATA_SYNC);
	every_prefix(a_nfs3_decode_write, preonly, sizeof(preonly));
}

static void test_write_errors(void **state)
{
	static const u8 nospc[] = { BE32(NFS3ERR_NOSPC), BE32(0), BE32(0) };
	/* WRITE3resfail: file_wcc, both halves present */
	static const u8 nospc_wcc[] = {
		BE32(NFS3ERR_NOSPC),
		BE32(1), WCC_ATTR(1 << 20),
		BE32(1), FATTR(NF3REG, 1 << 20, 1 << 20, 7),
	};
	static const u8 committed3[] = {
		BE32(0), BE32(0), BE32(0), BE32(4096), BE32(3),
		0, 0, 0, 0, 0, 0, 0, 0,
	};
	static const u8 committedmax[] = {
		BE32(0), BE32(0), BE32(0), BE32(4096), BE32(0xffffffff),
		0, 0, 0, 0, 0, 0, 0, 0,
	};
	static const u8 badpre[] = { BE32(0), BE32(2), BE32(0) };
	static const u8 badpost[] = {
		BE32(NFS3ERR_IO), BE32(1), WCC_ATTR(0), BE32(7),
	};
	struct nfs3_write_res r;
	size_t pos;

	(void)state;
	assert_int_equal(decode(a_nfs3_decode_write, nospc, sizeof(nospc), &r,
				&pos, NULL), 0);
	assert_int_equal(pos, sizeof(nospc));
	assert_int_equal(r.status, NFS3ERR_NOSPC);
	assert_int_equal(nfs3_stat_errno(r.status), -ENOSPC);
	every_prefix(a_nfs3_decode_write, nospc, sizeof(nospc));

	assert_int_equal(decode(a_nfs3_decode_write, nospc_wcc,
				sizeof(nospc_wcc), &r, &pos, NULL), 0);
	assert_int_equal(pos, sizeof(nospc_wcc));
	assert_int_equal(r.status, NFS3ERR_NOSPC);
	assert_int_equal(r.count, 0);
	every_prefix(a_nfs3_decode_write, nospc_wcc, sizeof(nospc_wcc));

	/* stable_how above FILE_SYNC */
	assert_int_equal(decode(a_nfs3_decode_write, committed3,
				sizeof(committed3), &r, NULL, NULL), -EBADMSG);
	assert_int_equal(decode(a_nfs3_decode_write, committedmax,
				sizeof(committedmax), &r, NULL, NULL),
			 -EBADMSG);
	assert_int_equal(decode(a_nfs3_decode_write, badpre, sizeof(badpre), &r,
				NULL, NULL), -EBADMSG);
	assert_int_equal(decode(a_nfs3_decode_write, badpost, sizeof(badpost),
				&r, NULL, NULL), -EBADMSG);
}

static void test_commit(void **state)
{
	static const u8 ok[] = {
		BE32(0), BE32(0), BE32(1), FATTR(NF3REG, 8192, 8192, 7),
		9, 9, 9, 9, 9, 9, 9, 9,
	};
	static const u8 wcc[] = {
		BE32(0), BE32(1), WCC_ATTR(8192),
		BE32(1), FATTR(NF3REG, 8192, 8192, 7),
		0xca, 0xfe, 0xba, 0xbe, 0xde, 0xad, 0xbe, 0xef,
	};
	static const u8 bare[] = {
		BE32(0), BE32(0), BE32(0), 1, 1, 1, 1, 2, 2, 2, 2,
	};
	static const u8 io[] = {
		BE32(NFS3ERR_IO), BE32(1), WCC_ATTR(8192), BE32(0),
	};
	static const u8 badpre[] = { BE32(0), BE32(0x100), BE32(0) };
	struct nfs3_write_res r;
	size_t pos;

	(void)state;
	assert_int_equal(decode(a_nfs3_decode_commit, ok, sizeof(ok), &r, &pos,
				NULL), 0);
	assert_int_equal(pos, sizeof(ok));
	assert_int_equal(r.status, NFS3_OK);
	assert_int_equal(r.committed, NFS3_FILE_SYNC);
	assert_memory_equal(r.verf, "\x09\x09\x09\x09\x09\x09\x09\x09", 8);
	every_prefix(a_nfs3_decode_commit, ok, sizeof(ok));

	assert_int_equal(decode(a_nfs3_decode_commit, wcc, sizeof(wcc), &r,
				&pos, NULL), 0);
	assert_int_equal(pos, sizeof(wcc));
	assert_memory_equal(r.verf, "\xca\xfe\xba\xbe\xde\xad\xbe\xef", 8);
	every_prefix(a_nfs3_decode_commit, wcc, sizeof(wcc));

	assert_int_equal(decode(a_nfs3_decode_commit, bare, sizeof(bare), &r,
				&pos, NULL), 0);
	assert_int_equal(pos, sizeof(bare));
	assert_memory_equal(r.verf, "\x01\x01\x01\x01\x02\x02\x02\x02", 8);
	every_prefix(a_nfs3_decode_commit, bare, sizeof(bare));

	assert_int_equal(decode(a_nfs3_decode_commit, io, sizeof(io), &r, &pos,
				NULL), 0);
	assert_int_equal(pos, sizeof(io));
	assert_int_equal(r.status, NFS3ERR_IO);
	every_prefix(a_nfs3_decode_commit, io, sizeof(io));

	assert_int_equal(decode(a_nfs3_decode_commit, badpre, sizeof(badpre),
				&r, NULL, NULL), -EBADMSG);
}

/*
 * Status codes and the path walker
 */

static void test_status(void **state)
{
	static const struct {
		u32 stat;
		int err;
		bool transient;
		const char *text;
	} cases[] = {
		{ NFS3_OK, 0, false, "ok" },
		{ NFS3ERR_STALE, -ESTALE, false, "stale file handle" },
		{ NFS3ERR_BADHANDLE, -ESTALE, false, "bad file handle" },
		{ NFS3ERR_JUKEBOX, -EAGAIN, true,
		  "server busy, try later (jukebox)" },
		{ NFS3ERR_NOSPC, -ENOSPC, false,
		  "no space left on the server" },
		{ NFS3ERR_SERVERFAULT, -EIO, true, "server fault" },
		{ NFS3ERR_ACCES, -EACCES, false, "permission denied" },
		{ NFS3ERR_ROFS, -EROFS, false, "read-only file system" },
		{ NFS3ERR_DQUOT, -EDQUOT, false, "quota exceeded" },
		{ NFS3ERR_FBIG, -EFBIG, false, "file too large" },
		{ NFS3ERR_NOENT, -ENOENT, false, "no such file or directory" },
		{ NFS3ERR_IO, -EIO, false, "I/O error on the server" },
		{ NFS3ERR_NXIO, -ENXIO, false, "no such device or address" },
		{ NFS3ERR_NODEV, -EIO, false, "no such device" },
		{ NFS3ERR_NOTSUPP, -EOPNOTSUPP, false,
		  "operation not supported" },
		{ 123456, -EIO, false, "unknown NFS error" },
		{ 0xffffffff, -EIO, false, "unknown NFS error" },
	};

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		assert_int_equal(nfs3_stat_errno(cases[i].stat), cases[i].err);
		assert_int_equal(nfs3_stat_transient(cases[i].stat),
				 cases[i].transient);
		assert_string_equal(nfs3_stat_str(cases[i].stat),
				    cases[i].text);
	}
	/* never NULL, for any value */
	for (u32 s = 0; s < 10100; s++) {
		assert_non_null(nfs3_stat_str(s));
		assert_non_null(mnt3_stat_str(s));
		assert_true(nfs3_stat_errno(s) <= 0);
	}
	assert_string_equal(mnt3_stat_str(MNT3_OK), "ok");
	assert_string_equal(mnt3_stat_str(MNT3ERR_NOTDIR),
			    "export is not a directory");
	assert_string_equal(mnt3_stat_str(MNT3ERR_NAMETOOLONG),
			    "export path too long");
	assert_string_equal(mnt3_stat_str(123456), "unknown MOUNT error");
}

struct walk {
	int	ret;
	size_t	start;
};

static void check_walk(const char *path, const struct walk *want, size_t n)
{
	size_t pos = 0, start;

	for (size_t i = 0; i < n; i++) {
		start = 9999;
		assert_int_equal(nfs3_path_next(path, &pos, &start),
				 want[i].ret);
		if (want[i].ret >= 0)
			assert_int_equal(start, want[i].start);
		if (want[i].ret <= 0)
			return;
		assert_int_equal(pos, want[i].start + want[i].ret);
	}
}

static void test_path_walk(void **state)
{
	static const struct walk abc[] = {
		{ 1, 0 }, { 1, 2 }, { 1, 5 }, { 0, 6 },
	};
	static const struct walk abc_trail[] = {
		{ 1, 0 }, { 1, 2 }, { 1, 5 }, { 0, 7 },
	};
	static const struct walk slash[] = { { 0, 1 } };
	static const struct walk empty[] = { { 0, 0 } };
	static const struct walk dot[] = { { -EINVAL, 0 } };
	static const struct walk dotdot_mid[] = { { 1, 0 }, { -EINVAL, 0 } };
	static const struct walk dotdir[] = { { -EINVAL, 0 } };
	static const struct walk swap[] = {
		{ 4, 1 }, { 4, 6 }, { 8, 11 }, { 0, 19 },
	};
	static const struct walk dots[] = {
		{ 7, 0 }, { 3, 8 }, { 3, 12 }, { 0, 15 },
	};

	(void)state;
	check_walk("a/b//c", abc, ARRAY_SIZE(abc));
	check_walk("a/b//c/", abc_trail, ARRAY_SIZE(abc_trail));
	check_walk("/", slash, ARRAY_SIZE(slash));
	check_walk("///", (const struct walk[]){ { 0, 3 } }, 1);
	check_walk("", empty, ARRAY_SIZE(empty));
	check_walk(".", dot, ARRAY_SIZE(dot));
	check_walk("..", dot, ARRAY_SIZE(dot));
	check_walk("/..", dot, ARRAY_SIZE(dot));
	check_walk("a/../b", dotdot_mid, ARRAY_SIZE(dotdot_mid));
	check_walk("a/./b", dotdot_mid, ARRAY_SIZE(dotdot_mid));
	check_walk("./a", dotdir, ARRAY_SIZE(dotdir));
	check_walk("/swap/file/swapfile", swap, ARRAY_SIZE(swap));
	/* dots that are names: ".hidden", "...", "a.." */
	check_walk(".hidden/.../a..", dots, ARRAY_SIZE(dots));
}

static void test_path_long(void **state)
{
	char big[300];
	size_t pos, start;

	(void)state;
	/* 256 characters: one more than NFS3_NAME_MAX */
	memset(big, 'x', 256);
	big[256] = '\0';
	pos = 0;
	assert_int_equal(nfs3_path_next(big, &pos, &start), -ENAMETOOLONG);
	/* 255: fine */
	big[255] = '\0';
	pos = 0;
	assert_int_equal(nfs3_path_next(big, &pos, &start), 255);
	assert_int_equal(start, 0);
	assert_int_equal(pos, 255);
	assert_int_equal(nfs3_path_next(big, &pos, &start), 0);

	/* a 256-character second component, after a good first one */
	big[0] = 'd';
	big[1] = '/';
	memset(big + 2, 'y', 256);
	big[258] = '\0';
	pos = 0;
	assert_int_equal(nfs3_path_next(big, &pos, &start), 1);
	assert_int_equal(nfs3_path_next(big, &pos, &start), -ENAMETOOLONG);
	/* ...and with a slash after it */
	big[258] = '/';
	big[259] = 'z';
	big[260] = '\0';
	pos = 2;
	assert_int_equal(nfs3_path_next(big, &pos, &start), -ENAMETOOLONG);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_encode_getport),
		cmocka_unit_test(test_encode_getport_call),
		cmocka_unit_test(test_encode_mnt),
		cmocka_unit_test(test_encode_fh),
		cmocka_unit_test(test_encode_lookup),
		cmocka_unit_test(test_encode_read),
		cmocka_unit_test(test_encode_write),
		cmocka_unit_test(test_encode_commit),
		cmocka_unit_test(test_getport),
		cmocka_unit_test(test_mnt),
		cmocka_unit_test(test_mnt_flavor_count),
		cmocka_unit_test(test_mnt_errors),
		cmocka_unit_test(test_getattr),
		cmocka_unit_test(test_lookup),
		cmocka_unit_test(test_lookup_errors),
		cmocka_unit_test(test_lookup_bad_fh),
		cmocka_unit_test(test_lookup_bad_bool),
		cmocka_unit_test(test_fsinfo),
		cmocka_unit_test(test_fsinfo_errors),
		cmocka_unit_test(test_read),
		cmocka_unit_test(test_read_errors),
		cmocka_unit_test(test_write),
		cmocka_unit_test(test_write_errors),
		cmocka_unit_test(test_commit),
		cmocka_unit_test(test_status),
		cmocka_unit_test(test_path_walk),
		cmocka_unit_test(test_mnt_export),
		cmocka_unit_test(test_path_long),
	};

	return cmocka_run_group_tests_name("nfs3", tests, NULL, NULL);
}
