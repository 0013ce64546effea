// SPDX-License-Identifier: GPL-2.0
/* Unit tests for kernel/proto/nfs3.c: NFSv3, MOUNT v3 and GETPORT codecs */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "nfs3.h"

#define BE32(v) (u8)((v) >> 24), (u8)((v) >> 16), (u8)((v) >> 8), (u8)(v)
#define BE64(v) BE32((u64)(v) >> 32), BE32((u64)(v) & 0xffffffff)

/* fattr3 (84 bytes): type, mode, nlink, uid, gid, size, used, rdev,
 * fsid, fileid, atime, mtime, ctime */
#define FATTR(type, size, used)						\
	BE32(type), BE32(0600), BE32(1), BE32(0), BE32(0),		\
	BE64(size), BE64(used), BE64(0), BE64(0x77), BE64(4242),	\
	BE64(0), BE64(0), BE64(0)

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
	if (pos)
		*pos = d.pos;
	if (need)
		*need = d.need;
	free(b);
	return ret;
}

/* Every strict prefix of a valid reply asks for more, never too much. */
static void every_prefix(decode_fn fn, const u8 *p, size_t n, void *res)
{
	size_t need;

	for (size_t k = 0; k < n; k++) {
		assert_int_equal(decode(fn, p, k, res, NULL, &need), -EAGAIN);
		assert_true(need > k);
		assert_true(need <= n);
	}
}

#define DEC(fn) ((decode_fn)(fn))

static const struct nfs3_fh fh3 = { .len = 3, .data = { 0xaa, 0xbb, 0xcc } };

static void test_encoders(void **state)
{
	static const u8 getport[] = { BE32(100003), BE32(3), BE32(6), BE32(0) };
	static const u8 mnt[] = { BE32(5), '/', 's', 'r', 'v', '1', 0, 0, 0 };
	static const u8 lookup[] = {
		BE32(3), 0xaa, 0xbb, 0xcc, 0, BE32(2), 'a', 'b', 0, 0,
	};
	static const u8 read[] = {
		BE32(3), 0xaa, 0xbb, 0xcc, 0, BE64(0x100000000ULL), BE32(4096),
	};
	static const u8 write[] = {
		BE32(3), 0xaa, 0xbb, 0xcc, 0, BE64(8192), BE32(4096), BE32(2),
		BE32(4096),
	};
	static const u8 commit[] = {
		BE32(3), 0xaa, 0xbb, 0xcc, 0, BE64(0), BE32(0),
	};
	u8 buf[1200];
	struct xdr_enc x;

	(void)state;
	xdr_enc_init(&x, buf, sizeof(buf));
	pmap_encode_getport(&x, NFS_PROGRAM, NFS_V3);
	assert_int_equal(xdr_enc_result(&x), sizeof(getport));
	assert_memory_equal(buf, getport, sizeof(getport));

	xdr_enc_init(&x, buf, sizeof(buf));
	mnt3_encode_mnt(&x, "/srv1", 5);
	assert_int_equal(xdr_enc_result(&x), sizeof(mnt));
	assert_memory_equal(buf, mnt, sizeof(mnt));

	xdr_enc_init(&x, buf, sizeof(buf));
	nfs3_encode_lookup(&x, &fh3, "ab", 2);
	assert_int_equal(xdr_enc_result(&x), sizeof(lookup));
	assert_memory_equal(buf, lookup, sizeof(lookup));

	xdr_enc_init(&x, buf, sizeof(buf));
	nfs3_encode_read(&x, &fh3, 0x100000000ULL, 4096);
	assert_int_equal(xdr_enc_result(&x), sizeof(read));
	assert_memory_equal(buf, read, sizeof(read));

	xdr_enc_init(&x, buf, sizeof(buf));
	nfs3_encode_write(&x, &fh3, 8192, 4096, NFS3_FILE_SYNC);
	assert_int_equal(xdr_enc_result(&x), sizeof(write));
	assert_memory_equal(buf, write, sizeof(write));

	xdr_enc_init(&x, buf, sizeof(buf));
	nfs3_encode_commit(&x, &fh3, 0, 0);
	assert_int_equal(xdr_enc_result(&x), sizeof(commit));
	assert_memory_equal(buf, commit, sizeof(commit));
}

static void test_encoders_overlong(void **state)
{
	char name[NFS3_NAME_MAX + 2], path[MNT3_PATH_MAX + 2];
	struct nfs3_fh bad = { .len = NFS3_FHSIZE + 1 };
	u8 buf[2048];
	struct xdr_enc x;

	(void)state;
	memset(name, 'n', sizeof(name));
	memset(path, 'p', sizeof(path));
	xdr_enc_init(&x, buf, sizeof(buf));
	nfs3_encode_lookup(&x, &fh3, name, NFS3_NAME_MAX + 1);
	assert_int_equal(xdr_enc_result(&x), -ENOSPC);
	xdr_enc_init(&x, buf, sizeof(buf));
	nfs3_encode_lookup(&x, &fh3, name, NFS3_NAME_MAX);
	assert_true(xdr_enc_result(&x) > 0);
	xdr_enc_init(&x, buf, sizeof(buf));
	mnt3_encode_mnt(&x, path, MNT3_PATH_MAX + 1);
	assert_int_equal(xdr_enc_result(&x), -ENOSPC);
	xdr_enc_init(&x, buf, sizeof(buf));
	nfs3_encode_fh(&x, &bad);
	assert_int_equal(xdr_enc_result(&x), -ENOSPC);
	/* a buffer too small for a WRITE header */
	xdr_enc_init(&x, buf, 20);
	nfs3_encode_write(&x, &fh3, 0, 4096, NFS3_FILE_SYNC);
	assert_int_equal(xdr_enc_result(&x), -ENOSPC);
}

static void test_getport(void **state)
{
	static const u8 ok[] = { BE32(2049) };
	static const u8 big[] = { BE32(70000) };
	u32 port;

	(void)state;
	assert_int_equal(decode(DEC(pmap_decode_getport), ok, 4, &port, NULL, NULL), 0);
	assert_int_equal(port, 2049);
	assert_int_equal(decode(DEC(pmap_decode_getport), big, 4, &port, NULL, NULL),
			 -EBADMSG);
	assert_int_equal(decode(DEC(pmap_decode_getport), ok, 3, &port, NULL, NULL),
			 -EAGAIN);
}

static void test_mnt(void **state)
{
	static const u8 ok[] = {
		BE32(0), BE32(4), 1, 2, 3, 4, BE32(2), BE32(390003), BE32(1),
	};
	static const u8 nolist[] = { BE32(0), BE32(1), 9, 0, 0, 0, BE32(0) };
	static const u8 none_only[] = {
		BE32(0), BE32(1), 9, 0, 0, 0, BE32(1), BE32(0),
	};
	static const u8 acces[] = { BE32(13) };
	static const u8 emptyfh[] = { BE32(0), BE32(0), BE32(0) };
	static const u8 longfh[] = { BE32(0), BE32(65) };
	u8 many[12 + 65 * 4] = { BE32(0), BE32(1), 9, 0, 0, 0, BE32(65) };
	struct mnt3_res r;

	(void)state;
	assert_int_equal(decode(DEC(mnt3_decode_mnt), ok, sizeof(ok), &r, NULL, NULL), 0);
	assert_int_equal(r.status, MNT3_OK);
	assert_int_equal(r.fh.len, 4);
	assert_memory_equal(r.fh.data, "\x01\x02\x03\x04", 4);
	assert_true(r.auth_sys);
	assert_false(r.auth_none);
	every_prefix(DEC(mnt3_decode_mnt), ok, sizeof(ok), &r);

	assert_int_equal(decode(DEC(mnt3_decode_mnt), nolist, sizeof(nolist), &r,
				NULL, NULL), 0);
	assert_true(r.auth_sys && r.auth_none);
	assert_int_equal(decode(DEC(mnt3_decode_mnt), none_only, sizeof(none_only),
				&r, NULL, NULL), 0);
	assert_true(r.auth_none);
	assert_false(r.auth_sys);

	assert_int_equal(decode(DEC(mnt3_decode_mnt), acces, sizeof(acces), &r,
				NULL, NULL), 0);
	assert_int_equal(r.status, MNT3ERR_ACCES);
	assert_string_equal(mnt3_stat_str(r.status), "access denied by the server");
	assert_int_equal(decode(DEC(mnt3_decode_mnt), emptyfh, sizeof(emptyfh), &r,
				NULL, NULL), -EBADMSG);
	assert_int_equal(decode(DEC(mnt3_decode_mnt), longfh, sizeof(longfh), &r,
				NULL, NULL), -EBADMSG);
	assert_int_equal(decode(DEC(mnt3_decode_mnt), many, sizeof(many), &r,
				NULL, NULL), -EBADMSG);
}

static void test_getattr(void **state)
{
	static const u8 ok[] = { BE32(0), FATTR(NF3REG, 1 << 20, 1 << 20) };
	static const u8 stale[] = { BE32(NFS3ERR_STALE) };
	static const u8 badtype[] = { BE32(0), FATTR(9, 0, 0) };
	struct nfs3_attr_res r;
	size_t pos;

	(void)state;
	assert_int_equal(decode(DEC(nfs3_decode_getattr), ok, sizeof(ok), &r,
				&pos, NULL), 0);
	assert_int_equal(pos, sizeof(ok));
	assert_int_equal(r.attr.type, NF3REG);
	assert_int_equal(r.attr.mode, 0600);
	assert_int_equal(r.attr.size, 1 << 20);
	assert_int_equal(r.attr.used, 1 << 20);
	assert_int_equal(r.attr.fileid, 4242);
	every_prefix(DEC(nfs3_decode_getattr), ok, sizeof(ok), &r);
	assert_int_equal(decode(DEC(nfs3_decode_getattr), stale, sizeof(stale), &r,
				NULL, NULL), 0);
	assert_int_equal(r.status, NFS3ERR_STALE);
	assert_int_equal(decode(DEC(nfs3_decode_getattr), badtype, sizeof(badtype),
				&r, NULL, NULL), -EBADMSG);
}

static void test_lookup(void **state)
{
	static const u8 ok[] = {
		BE32(0), BE32(8), 1, 2, 3, 4, 5, 6, 7, 8,
		BE32(1), FATTR(NF3REG, 65536, 0),	/* object attributes */
		BE32(1), FATTR(NF3DIR, 4096, 4096),	/* directory's */
	};
	static const u8 noattr[] = {
		BE32(0), BE32(2), 1, 2, 0, 0, BE32(0), BE32(0),
	};
	static const u8 noent[] = { BE32(NFS3ERR_NOENT), BE32(1), FATTR(NF3DIR, 0, 0) };
	static const u8 longfh[] = { BE32(0), BE32(65) };
	static const u8 badbool[] = {
		BE32(0), BE32(2), 1, 2, 0, 0, BE32(2), BE32(0),
	};
	struct nfs3_attr_res r;
	size_t pos;

	(void)state;
	assert_int_equal(decode(DEC(nfs3_decode_lookup), ok, sizeof(ok), &r, &pos,
				NULL), 0);
	assert_int_equal(pos, sizeof(ok));
	assert_int_equal(r.fh.len, 8);
	assert_true(r.attr_valid);
	assert_int_equal(r.attr.size, 65536);
	assert_int_equal(r.attr.used, 0);
	every_prefix(DEC(nfs3_decode_lookup), ok, sizeof(ok), &r);
	assert_int_equal(decode(DEC(nfs3_decode_lookup), noattr, sizeof(noattr), &r,
				NULL, NULL), 0);
	assert_false(r.attr_valid);
	assert_int_equal(decode(DEC(nfs3_decode_lookup), noent, sizeof(noent), &r,
				&pos, NULL), 0);
	assert_int_equal(r.status, NFS3ERR_NOENT);
	assert_int_equal(pos, sizeof(noent));
	assert_int_equal(decode(DEC(nfs3_decode_lookup), longfh, sizeof(longfh), &r,
				NULL, NULL), -EBADMSG);
	assert_int_equal(decode(DEC(nfs3_decode_lookup), badbool, sizeof(badbool),
				&r, NULL, NULL), -EBADMSG);
}

static void test_fsinfo(void **state)
{
	static const u8 ok[] = {
		BE32(0), BE32(0),			/* no attributes */
		BE32(1048576), BE32(65536), BE32(4096),
		BE32(524288), BE32(65536), BE32(4096),
		BE32(4096), BE64(~0ULL), BE32(0), BE32(1), BE32(0x1b),
	};
	static const u8 err[] = { BE32(NFS3ERR_SERVERFAULT), BE32(0) };
	struct nfs3_fsinfo_res r;

	(void)state;
	assert_int_equal(decode(DEC(nfs3_decode_fsinfo), ok, sizeof(ok), &r, NULL,
				NULL), 0);
	assert_int_equal(r.rtmax, 1048576);
	assert_int_equal(r.wtmax, 524288);
	assert_int_equal(r.properties, 0x1b);
	every_prefix(DEC(nfs3_decode_fsinfo), ok, sizeof(ok), &r);
	assert_int_equal(decode(DEC(nfs3_decode_fsinfo), err, sizeof(err), &r, NULL,
				NULL), 0);
	assert_int_equal(r.status, NFS3ERR_SERVERFAULT);
	assert_true(nfs3_stat_transient(r.status));
}

static void test_read(void **state)
{
	static const u8 ok[] = {
		BE32(0), BE32(1), FATTR(NF3REG, 8192, 8192),
		BE32(5), BE32(0), BE32(5), 'h', 'e', 'l', 'l', 'o', 0, 0, 0,
	};
	static const u8 mismatch[] = {
		BE32(0), BE32(0), BE32(5), BE32(0), BE32(6),
	};
	static const u8 badeof[] = {
		BE32(0), BE32(0), BE32(5), BE32(3), BE32(5),
	};
	static const u8 jukebox[] = { BE32(NFS3ERR_JUKEBOX), BE32(0) };
	struct nfs3_read_res r;
	size_t pos, hdr = sizeof(ok) - 8;

	(void)state;
	assert_int_equal(decode(DEC(nfs3_decode_read), ok, sizeof(ok), &r, &pos,
				NULL), 0);
	assert_int_equal(r.count, 5);
	assert_false(r.eof);
	assert_int_equal(r.data_len, 5);
	assert_int_equal(pos, hdr);		/* at the data */
	/* the header only: the data is read by the caller */
	every_prefix(DEC(nfs3_decode_read), ok, hdr, &r);
	assert_int_equal(decode(DEC(nfs3_decode_read), mismatch, sizeof(mismatch),
				&r, NULL, NULL), -EBADMSG);
	assert_int_equal(decode(DEC(nfs3_decode_read), badeof, sizeof(badeof), &r,
				NULL, NULL), -EBADMSG);
	assert_int_equal(decode(DEC(nfs3_decode_read), jukebox, sizeof(jukebox), &r,
				NULL, NULL), 0);
	assert_int_equal(r.status, NFS3ERR_JUKEBOX);
}

static void test_write_commit(void **state)
{
	static const u8 ok[] = {
		BE32(0),
		BE32(1), BE64(8192), BE64(1), BE64(2),	/* pre_op_attr */
		BE32(1), FATTR(NF3REG, 8192, 8192),	/* post_op_attr */
		BE32(4096), BE32(NFS3_UNSTABLE), 1, 2, 3, 4, 5, 6, 7, 8,
	};
	static const u8 nowcc[] = {
		BE32(0), BE32(0), BE32(0), BE32(4096), BE32(NFS3_FILE_SYNC),
		8, 7, 6, 5, 4, 3, 2, 1,
	};
	static const u8 badstable[] = {
		BE32(0), BE32(0), BE32(0), BE32(4096), BE32(3), 0, 0, 0, 0, 0, 0, 0, 0,
	};
	static const u8 nospc[] = { BE32(NFS3ERR_NOSPC), BE32(0), BE32(0) };
	static const u8 commit[] = {
		BE32(0), BE32(0), BE32(1), FATTR(NF3REG, 8192, 8192),
		9, 9, 9, 9, 9, 9, 9, 9,
	};
	struct nfs3_write_res r;
	size_t pos;

	(void)state;
	assert_int_equal(decode(DEC(nfs3_decode_write), ok, sizeof(ok), &r, &pos,
				NULL), 0);
	assert_int_equal(pos, sizeof(ok));
	assert_int_equal(r.count, 4096);
	assert_int_equal(r.committed, NFS3_UNSTABLE);
	assert_memory_equal(r.verf, "\x01\x02\x03\x04\x05\x06\x07\x08", 8);
	every_prefix(DEC(nfs3_decode_write), ok, sizeof(ok), &r);
	assert_int_equal(decode(DEC(nfs3_decode_write), nowcc, sizeof(nowcc), &r,
				NULL, NULL), 0);
	assert_int_equal(r.committed, NFS3_FILE_SYNC);
	assert_int_equal(decode(DEC(nfs3_decode_write), badstable,
				sizeof(badstable), &r, NULL, NULL), -EBADMSG);
	assert_int_equal(decode(DEC(nfs3_decode_write), nospc, sizeof(nospc), &r,
				NULL, NULL), 0);
	assert_int_equal(r.status, NFS3ERR_NOSPC);
	assert_int_equal(nfs3_stat_errno(r.status), -ENOSPC);

	assert_int_equal(decode(DEC(nfs3_decode_commit), commit, sizeof(commit), &r,
				&pos, NULL), 0);
	assert_int_equal(pos, sizeof(commit));
	assert_memory_equal(r.verf, "\x09\x09\x09\x09\x09\x09\x09\x09", 8);
	every_prefix(DEC(nfs3_decode_commit), commit, sizeof(commit), &r);
}

static void test_status(void **state)
{
	(void)state;
	assert_int_equal(nfs3_stat_errno(NFS3ERR_STALE), -ESTALE);
	assert_int_equal(nfs3_stat_errno(NFS3ERR_BADHANDLE), -ESTALE);
	assert_string_equal(nfs3_stat_str(NFS3ERR_STALE), "stale file handle");
	assert_int_equal(nfs3_stat_errno(NFS3ERR_JUKEBOX), -EAGAIN);
	assert_true(nfs3_stat_transient(NFS3ERR_JUKEBOX));
	assert_false(nfs3_stat_transient(NFS3ERR_STALE));
	assert_false(nfs3_stat_transient(NFS3ERR_NOSPC));
	assert_string_equal(nfs3_stat_str(NFS3ERR_NOSPC), "no space left on the server");
	assert_string_equal(nfs3_stat_str(123456), "unknown NFS error");
	assert_int_equal(nfs3_stat_errno(123456), -EIO);
	assert_string_equal(mnt3_stat_str(123456), "unknown MOUNT error");
}

static void test_path_walk(void **state)
{
	char big[300];
	size_t pos = 0, start;
	int n;

	(void)state;
	n = nfs3_path_next("a/b//c/", &pos, &start);
	assert_int_equal(n, 1);
	assert_int_equal(start, 0);
	n = nfs3_path_next("a/b//c/", &pos, &start);
	assert_int_equal(n, 1);
	assert_int_equal(start, 2);
	n = nfs3_path_next("a/b//c/", &pos, &start);
	assert_int_equal(n, 1);
	assert_int_equal(start, 5);
	assert_int_equal(nfs3_path_next("a/b//c/", &pos, &start), 0);
	pos = 0;
	assert_int_equal(nfs3_path_next("/", &pos, &start), 0);
	pos = 0;
	assert_int_equal(nfs3_path_next("", &pos, &start), 0);
	pos = 0;
	assert_int_equal(nfs3_path_next(".", &pos, &start), -EINVAL);
	pos = 0;
	assert_int_equal(nfs3_path_next("..", &pos, &start), -EINVAL);
	pos = 0;
	assert_int_equal(nfs3_path_next("a/../b", &pos, &start), 1);
	assert_int_equal(nfs3_path_next("a/../b", &pos, &start), -EINVAL);
	pos = 0;
	assert_int_equal(nfs3_path_next(".hidden", &pos, &start), 7);
	memset(big, 'x', 256);
	big[256] = '\0';
	pos = 0;
	assert_int_equal(nfs3_path_next(big, &pos, &start), -ENAMETOOLONG);
	big[255] = '\0';
	pos = 0;
	assert_int_equal(nfs3_path_next(big, &pos, &start), 255);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_encoders),
		cmocka_unit_test(test_encoders_overlong),
		cmocka_unit_test(test_getport),
		cmocka_unit_test(test_mnt),
		cmocka_unit_test(test_getattr),
		cmocka_unit_test(test_lookup),
		cmocka_unit_test(test_fsinfo),
		cmocka_unit_test(test_read),
		cmocka_unit_test(test_write_commit),
		cmocka_unit_test(test_status),
		cmocka_unit_test(test_path_walk),
	};

	return cmocka_run_group_tests_name("nfs3", tests, NULL, NULL);
}
