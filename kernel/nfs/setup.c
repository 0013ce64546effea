// SPDX-License-Identifier: GPL-2.0
/*
 * netswap NFS: finding the swap file. Synchronous RPCs on blocking sockets
 * with timeouts: portmapper GETPORT, MOUNT v3 MNT of the export, LOOKUP of
 * each component of the file's path, GETATTR, FSINFO. Runs at enable; a
 * reconnect only checks the kept file handle with GETATTR.
 *
 * Every buffer was allocated with the connection: recovery runs this under
 * PF_MEMALLOC and must not allocate.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt
#include <linux/kernel.h>
#include <linux/net.h>
#include "nfs.h"

#define NS_NFS_SETUP_TIMEOUT_MS	15000
#define NS_NFS_MAX_STALE_REPLIES 8
#define NS_NFS_MAX_FRAGMENTS	64	/* record fragments of one setup reply */

void ns_nfs_fill_addr(struct sockaddr_storage *dst,
		      const struct sockaddr_storage *src, u16 port)
{
	*dst = *src;
	if (dst->ss_family == AF_INET6)
		((struct sockaddr_in6 *)dst)->sin6_port = htons(port);
	else
		((struct sockaddr_in *)dst)->sin_port = htons(port);
}

unsigned int ns_nfs_setup_timeout(struct netswap_dev *nd)
{
	return min_t(u32, nd->cfg.io_timeout_ms, NS_NFS_SETUP_TIMEOUT_MS);
}

static const struct rpc_cred ns_auth_none = { .flavor = RPC_AUTH_NONE };

/* Start a call in ctl_buf: room for the marker, then the RPC header. */
static void ns_nfs_call_begin(struct ns_nfs_conn *conn, struct xdr_enc *x,
			      u32 prog, u32 vers, u32 proc,
			      const struct rpc_cred *cred)
{
	conn->ctl_xid = NS_XID_CTL | ((conn->ctl_xid + 1) & ~NS_XID_CTL);
	xdr_enc_init(x, conn->ctl_buf, NS_NFS_CTL_BUF);
	xdr_enc_reserve(x, RPC_MARKER_LEN);
	if (rpc_encode_call(x, conn->ctl_xid, prog, vers, proc, cred))
		x->overflow = true;
}

static const char *ns_nfs_sock_err(int err)
{
	switch (err) {
	case -ETIMEDOUT:
	case -EAGAIN:
		return "timed out";
	case -ETIME:
		return "setup deadline passed";
	case -ECONNRESET:
	case -EPIPE:
		return "connection closed by the server";
	default:
		return "network error";
	}
}

/*
 * Send the call in @x on @sock and wait for its reply. Returns 0 with @d
 * at the procedure's results (in ctl_buf), or -errno with last_error set
 * to "@what: why".
 */
static int ns_nfs_call(struct ns_nfs_conn *conn, struct socket *sock,
		       struct xdr_enc *x, const char *what, struct xdr_dec *d)
{
	struct netswap_dev *nd = conn->nd;
	struct rpc_reply r;
	char why[64];
	int len = xdr_enc_result(x), i, ret;

	if (len < 0) {
		netswap_set_error(nd, "%s: request too large", what);
		return -ENAMETOOLONG;
	}
	rpc_put_marker(conn->ctl_buf, len - RPC_MARKER_LEN, true);
	ret = netswap_sock_send_all(nd, sock, conn->ctl_buf, len);
	if (ret)
		goto sock_err;

	for (i = 0; i < NS_NFS_MAX_STALE_REPLIES; i++) {
		u32 got = 0, mark, n, frags = 0;
		u8 m[RPC_MARKER_LEN];

		do {	/* reassemble the record's fragments in ctl_buf */
			if (++frags > NS_NFS_MAX_FRAGMENTS) {
				netswap_set_error(nd, "%s: reply in more than %u record fragments",
						  what, NS_NFS_MAX_FRAGMENTS);
				return -EPROTO;
			}
			ret = netswap_sock_recv_all(nd, sock, m, sizeof(m));
			if (ret)
				goto sock_err;
			mark = nsp_get_be32(m);
			n = rpc_marker_len(mark);
			if (n > NS_NFS_CTL_BUF - got) {
				netswap_set_error(nd, "%s: reply too large (%u bytes)",
						  what, got + n);
				return -EMSGSIZE;
			}
			ret = netswap_sock_recv_all(nd, sock, conn->ctl_buf + got, n);
			if (ret)
				goto sock_err;
			got += n;
		} while (!rpc_marker_last(mark));

		xdr_dec_init(d, conn->ctl_buf, got);
		ret = rpc_decode_reply(d, &r);
		if (ret) {
			netswap_set_error(nd, "%s: malformed RPC reply", what);
			return -EPROTO;
		}
		if (r.xid != conn->ctl_xid)
			continue;	/* a late reply to an earlier call */
		ret = rpc_reply_errno(&r);
		if (ret) {
			rpc_reply_str(&r, why, sizeof(why));
			netswap_set_error(nd, "%s: %s", what, why);
		}
		return ret;
	}
	netswap_set_error(nd, "%s: no reply with our XID", what);
	return -EPROTO;

sock_err:
	netswap_set_error(nd, "%s: %s", what, ns_nfs_sock_err(ret));
	return ret == -EAGAIN ? -ETIMEDOUT : ret;
}

/* A results decoder failed: truncated or impossible. */
static int ns_nfs_bad_reply(struct netswap_dev *nd, const char *what)
{
	netswap_set_error(nd, "%s: malformed reply", what);
	return -EPROTO;
}

static int ns_nfs_getport(struct ns_nfs_conn *conn, struct socket *sock,
			  u32 prog, const char *what, u16 *port)
{
	struct netswap_dev *nd = conn->nd;
	struct xdr_enc x;
	struct xdr_dec d;
	u32 p;
	int ret;

	ns_nfs_call_begin(conn, &x, PMAP_PROGRAM, PMAP_VERSION,
			  PMAPPROC_GETPORT, &ns_auth_none);
	pmap_encode_getport(&x, prog, prog == NFS_PROGRAM ? NFS_V3 : MOUNT_V3);
	ret = ns_nfs_call(conn, sock, &x, "portmapper", &d);
	if (ret)
		return ret;
	if (pmap_decode_getport(&d, &p))
		return ns_nfs_bad_reply(nd, "portmapper");
	if (!p) {
		netswap_set_error(nd, "portmapper: no %s v3 over TCP registered on the server",
				  what);
		return -EPROTONOSUPPORT;
	}
	*port = p;
	return 0;
}

/* Ask the portmapper for the ports the operator did not set. */
static int ns_nfs_map_ports(struct ns_nfs_conn *conn, u16 *nfs_port,
			    u16 *mnt_port)
{
	struct netswap_dev *nd = conn->nd;
	struct sockaddr_storage pa;
	struct socket *sock;
	int ret = 0;

	if (*nfs_port && (!mnt_port || *mnt_port))
		return 0;
	ns_nfs_fill_addr(&pa, &nd->cfg.addr, PMAP_PORT);
	ret = netswap_sock_connect(nd, &sock, &pa, ns_nfs_setup_timeout(nd));
	if (ret)
		return ret;
	if (!*nfs_port) {
		ret = ns_nfs_getport(conn, sock, NFS_PROGRAM, "NFS", nfs_port);
		if (!ret)
			conn->nfs_port_mapped = true;
	}
	if (!ret && mnt_port && !*mnt_port)
		ret = ns_nfs_getport(conn, sock, MOUNT_PROGRAM, "MOUNT",
				     mnt_port);
	netswap_sock_release(sock);
	return ret;
}

/* MOUNT v3 MNT of the export: its root handle into conn->fh. */
static int ns_nfs_mount(struct ns_nfs_conn *conn, u16 mnt_port)
{
	struct netswap_dev *nd = conn->nd;
	const char *export = nd->cfg.export;
	struct sockaddr_storage ma;
	struct socket *sock;
	struct mnt3_res res;
	struct xdr_enc x;
	struct xdr_dec d;
	int ret;

	ns_nfs_fill_addr(&ma, &nd->cfg.addr, mnt_port);
	ret = netswap_sock_connect(nd, &sock, &ma, ns_nfs_setup_timeout(nd));
	if (ret)
		return ret;
	ns_nfs_call_begin(conn, &x, MOUNT_PROGRAM, MOUNT_V3, MOUNTPROC3_MNT,
			  &conn->cred);
	mnt3_encode_mnt(&x, export, strlen(export));
	ret = ns_nfs_call(conn, sock, &x, "MOUNT", &d);
	netswap_sock_release(sock);
	if (ret)
		return ret;
	if (mnt3_decode_mnt(&d, &res))
		return ns_nfs_bad_reply(nd, "MOUNT");
	if (res.status != MNT3_OK) {
		netswap_set_error(nd, "MOUNT of %s refused: %s", export,
				  mnt3_stat_str(res.status));
		return res.status == MNT3ERR_ACCES || res.status == MNT3ERR_PERM ?
			-EACCES : -ENOENT;
	}
	if (conn->cred.flavor == RPC_AUTH_SYS ? !res.auth_sys : !res.auth_none) {
		netswap_set_error(nd, "MOUNT of %s: the export does not accept %s",
				  export, conn->cred.flavor == RPC_AUTH_SYS ?
				  "AUTH_SYS" : "AUTH_NONE");
		return -EACCES;
	}
	conn->fh = res.fh;
	return 0;
}

static int ns_nfs_status_err(struct netswap_dev *nd, const char *what,
			     u32 status)
{
	netswap_set_error(nd, "%s: %s", what, nfs3_stat_str(status));
	return nfs3_stat_errno(status);
}

static int ns_nfs_getattr(struct ns_nfs_conn *conn, struct nfs3_fattr *attr)
{
	struct netswap_dev *nd = conn->nd;
	struct nfs3_attr_res res;
	struct xdr_enc x;
	struct xdr_dec d;
	int ret;

	ns_nfs_call_begin(conn, &x, NFS_PROGRAM, NFS_V3, NFS3PROC_GETATTR,
			  &conn->cred);
	nfs3_encode_fh(&x, &conn->fh);
	ret = ns_nfs_call(conn, conn->sock, &x, "GETATTR", &d);
	if (ret)
		return ret;
	if (nfs3_decode_getattr(&d, &res))
		return ns_nfs_bad_reply(nd, "GETATTR");
	if (res.status != NFS3_OK)
		return ns_nfs_status_err(nd, "GETATTR", res.status);
	*attr = res.attr;
	return 0;
}

/* LOOKUP each component of cfg.file from the export's root. */
static int ns_nfs_walk(struct ns_nfs_conn *conn)
{
	struct netswap_dev *nd = conn->nd;
	const char *path = nd->cfg.file;
	struct nfs3_attr_res res;
	size_t pos = 0, start;
	int n, ret, depth = 0;
	struct xdr_enc x;
	struct xdr_dec d;

	for (;;) {
		n = nfs3_path_next(path, &pos, &start);
		if (n < 0) {
			netswap_set_error(nd, "file: %s", n == -EINVAL ?
					  "'.' and '..' are not allowed" :
					  "a component is too long");
			return n;
		}
		if (!n)
			break;
		ns_nfs_call_begin(conn, &x, NFS_PROGRAM, NFS_V3,
				  NFS3PROC_LOOKUP, &conn->cred);
		nfs3_encode_lookup(&x, &conn->fh, path + start, n);
		ret = ns_nfs_call(conn, conn->sock, &x, "LOOKUP", &d);
		if (ret)
			return ret;
		if (nfs3_decode_lookup(&d, &res))
			return ns_nfs_bad_reply(nd, "LOOKUP");
		if (res.status != NFS3_OK) {
			netswap_set_error(nd, "file: %.*s%s in export %.200s: %s",
					  (int)min_t(size_t, start + n, 300),
					  path, start + n > 300 ? "..." : "",
					  nd->cfg.export,
					  nfs3_stat_str(res.status));
			return nfs3_stat_errno(res.status);
		}
		conn->fh = res.fh;
		depth++;
	}
	if (!depth) {
		netswap_set_error(nd, "file: names the export itself, not a file in it");
		return -EISDIR;
	}
	return 0;
}

static int ns_nfs_fsinfo(struct ns_nfs_conn *conn)
{
	struct netswap_dev *nd = conn->nd;
	struct nfs3_fsinfo_res res;
	struct xdr_enc x;
	struct xdr_dec d;
	int ret;

	ns_nfs_call_begin(conn, &x, NFS_PROGRAM, NFS_V3, NFS3PROC_FSINFO,
			  &conn->cred);
	nfs3_encode_fh(&x, &conn->fh);
	ret = ns_nfs_call(conn, conn->sock, &x, "FSINFO", &d);
	if (ret)
		return ret;
	if (nfs3_decode_fsinfo(&d, &res))
		return ns_nfs_bad_reply(nd, "FSINFO");
	if (res.status != NFS3_OK)
		return ns_nfs_status_err(nd, "FSINFO", res.status);
	conn->rtmax = res.rtmax;
	conn->wtmax = res.wtmax;
	if (min(res.rtmax, res.wtmax) < PAGE_SIZE) {
		netswap_set_error(nd, "FSINFO: server transfers too small (rtmax %u, wtmax %u)",
				  res.rtmax, res.wtmax);
		return -EINVAL;
	}
	return 0;
}

/* The file must be regular, at least a page, and without holes. */
static int ns_nfs_check_file(struct ns_nfs_conn *conn,
			     const struct nfs3_fattr *a)
{
	struct netswap_dev *nd = conn->nd;

	if (a->type != NF3REG) {
		netswap_set_error(nd, "file: %.300s is %s, not a regular file",
				  nd->cfg.file, a->type == NF3DIR ? "a directory" :
				  a->type == NF3LNK ? "a symbolic link" :
				  "a special file");
		return a->type == NF3DIR ? -EISDIR : -EINVAL;
	}
	if (a->size < PAGE_SIZE) {
		netswap_set_error(nd, "file: %.300s is %llu bytes, at least %lu needed",
				  nd->cfg.file, a->size, PAGE_SIZE);
		return -EINVAL;
	}
	/*
	 * A write into a hole allocates on the server and can fail with
	 * NOSPC: a page swapped out would be lost. Refuse a sparse file.
	 */
	if (a->used < a->size) {
		netswap_set_error(nd, "file: %.300s has holes (%llu of %llu bytes allocated): write it in full, e.g. with dd",
				  nd->cfg.file, a->used, a->size);
		return -EINVAL;
	}
	return 0;
}

/* The file's identity: the server's file system and file number. */
static void ns_nfs_storage_id(const struct nfs3_fattr *a, char *id,
			      size_t len)
{
	snprintf(id, len, "nfs.fsid=%llx.fileid=%llu",
		 (unsigned long long)a->fsid, (unsigned long long)a->fileid);
}

/**
 * ns_nfs_resolve() - first connect: ports, MOUNT, LOOKUP, GETATTR, FSINFO
 * @conn: connection, no socket yet
 *
 * Leaves conn->sock connected to the NFS service with the file's handle,
 * size and transfer sizes known. Return: 0 or -errno with last_error set.
 */
int ns_nfs_resolve(struct ns_nfs_conn *conn)
{
	struct netswap_dev *nd = conn->nd;
	u16 nfs_port = nd->cfg.port, mnt_port = nd->cfg.mount_port;
	char id[NETSWAP_ID_MAX];
	struct nfs3_fattr attr;
	int ret;

	ret = ns_nfs_map_ports(conn, &nfs_port, &mnt_port);
	if (ret)
		return ret;
	ret = ns_nfs_mount(conn, mnt_port);
	if (ret)
		return ret;
	ns_nfs_fill_addr(&conn->nfs_addr, &nd->cfg.addr, nfs_port);
	ret = netswap_sock_connect(nd, &conn->sock, &conn->nfs_addr,
				   ns_nfs_setup_timeout(nd));
	if (ret)
		return ret;
	ret = ns_nfs_walk(conn);
	if (!ret)
		ret = ns_nfs_getattr(conn, &attr);
	if (!ret)
		ret = ns_nfs_check_file(conn, &attr);
	if (!ret)
		ret = ns_nfs_fsinfo(conn);
	if (ret) {
		netswap_sock_release(conn->sock);
		conn->sock = NULL;
		return ret;
	}
	conn->size = attr.size;
	conn->resolved = true;
	ns_nfs_storage_id(&attr, id, sizeof(id));
	netswap_set_storage_id(nd, id);
	return 0;
}

/**
 * ns_nfs_probe() - reconnect: a new connection to the NFS service, and a
 * GETATTR of the kept handle
 * @conn: connection, no socket
 *
 * A stale handle, another file behind the handle (its fsid or fileid
 * changed), or a file that shrank below the disk, fails the target:
 * retrying cannot help. Return: 0 or -errno with last_error set.
 */
int ns_nfs_probe(struct ns_nfs_conn *conn)
{
	struct netswap_dev *nd = conn->nd;
	char id[NETSWAP_ID_MAX];
	struct nfs3_fattr attr;
	u16 port;
	int ret;

	ret = netswap_sock_connect(nd, &conn->sock, &conn->nfs_addr,
				   ns_nfs_setup_timeout(nd));
	if (ret == -ECONNREFUSED && conn->nfs_port_mapped) {
		/* The server may have come back on another port. */
		port = 0;
		if (ns_nfs_map_ports(conn, &port, NULL))
			return ret;
		ns_nfs_fill_addr(&conn->nfs_addr, &nd->cfg.addr, port);
		ret = netswap_sock_connect(nd, &conn->sock, &conn->nfs_addr,
					   ns_nfs_setup_timeout(nd));
	}
	if (ret)
		return ret;
	ret = ns_nfs_getattr(conn, &attr);
	if (ret == -ESTALE) {
		netswap_fatal(nd, -ESTALE, "file handle is stale (file removed or export changed on the server): disable and enable again");
	} else if (!ret) {
		ns_nfs_storage_id(&attr, id, sizeof(id));
		ret = netswap_check_storage_id(nd, id);
		if (!ret && attr.size < nd->capacity) {
			netswap_fatal(nd, -EIO, "file shrank on the server below the disk's size");
			ret = -EIO;
		}
	}
	if (ret) {
		netswap_sock_release(conn->sock);
		conn->sock = NULL;
	}
	return ret;
}
