#!/usr/bin/python3
"""nfs3probe.py: a minimal NFSv3/MOUNTv3 client over TCP (AUTH_SYS, uid 0)
for checking NFS targets from the host, where there is no kernel NFS client.
Used by ganesha.sh's self-checks; usable by test drivers.

  nfs3probe.py [--host H] [--port P] [--mnt-port M] [--timeout S] CMD ...
    mnt EXPORT                 MNT: print "MNT3_OK FH" (exit 0) or the
                               MNT3 status name and number (exit 3)
    io EXPORT NAME [OFFSET]    MNT + LOOKUP NAME + WRITE 4 KiB (FILE_SYNC)
                               at OFFSET + READ back + compare; prints
                               "ok FH" (exit 0), the NFS3 status (exit 3)
    read FH OFFSET COUNT       READ by file handle (hex) without MNT/LOOKUP;
                               prints "ok N SHA256" or the status (exit 3)
    write FH OFFSET COUNT      WRITE COUNT bytes of pattern (FILE_SYNC)
    setattr-size FH SIZE       SETATTR size (NFS3ERR_JUKEBOX in ganesha's grace)
    wait-io EXPORT NAME SECS   repeat `io` every 0.1 s until it succeeds or SECS
                               pass; prints "ok after X.XXs FH" (exit 0/1)
Defaults: --host 127.0.0.1, --port $NETSWAP_NFS_PORT or 2049, --mnt-port
$NETSWAP_MNT_PORT or port+1, --timeout 5 (per RPC). Exit 1: RPC/connection
failure, 2: usage, 3: NFS/MNT error status.
"""
import hashlib
import os
import socket
import struct
import sys
import time

NFS_PROG, NFS_VERS = 100003, 3
MNT_PROG, MNT_VERS = 100005, 3
MNT_STATUS = {0: "MNT3_OK", 1: "MNT3ERR_PERM", 2: "MNT3ERR_NOENT",
              5: "MNT3ERR_IO", 13: "MNT3ERR_ACCES", 20: "MNT3ERR_NOTDIR",
              22: "MNT3ERR_INVAL", 63: "MNT3ERR_NAMETOOLONG",
              10004: "MNT3ERR_NOTSUPP", 10006: "MNT3ERR_SERVERFAULT"}
NFS_STATUS = {0: "NFS3_OK", 1: "NFS3ERR_PERM", 2: "NFS3ERR_NOENT",
              5: "NFS3ERR_IO", 13: "NFS3ERR_ACCES", 22: "NFS3ERR_INVAL",
              27: "NFS3ERR_FBIG", 28: "NFS3ERR_NOSPC", 30: "NFS3ERR_ROFS",
              70: "NFS3ERR_STALE", 10001: "NFS3ERR_BADHANDLE",
              10006: "NFS3ERR_SERVERFAULT", 10008: "NFS3ERR_JUKEBOX"}


class RpcError(Exception):
    pass


class NfsStatus(Exception):
    def __init__(self, names, code):
        super().__init__("%s (%d)" % (names.get(code, "status"), code))
        self.code = code


class Xdr:
    def __init__(self, data=b""):
        self.buf, self.pos = data, 0

    def u32(self):
        v, = struct.unpack_from(">I", self.buf, self.pos)
        self.pos += 4
        return v

    def u64(self):
        v, = struct.unpack_from(">Q", self.buf, self.pos)
        self.pos += 8
        return v

    def opaque(self):
        n = self.u32()
        v = self.buf[self.pos:self.pos + n]
        self.pos += (n + 3) & ~3
        return v

    def skip(self, n):
        self.pos += n

    def post_op_attr(self):
        if self.u32():
            self.skip(84)  # fattr3

    def pre_op_attr(self):
        if self.u32():
            self.skip(24)  # wcc_attr


def p32(v):
    return struct.pack(">I", v)


def p64(v):
    return struct.pack(">Q", v)


def popaque(b):
    return p32(len(b)) + b + b"\0" * ((4 - len(b) % 4) % 4)


class Rpc:
    def __init__(self, host, port, prog, vers, timeout):
        self.prog, self.vers = prog, vers
        self.sock = socket.create_connection((host, port), timeout=timeout)
        self.sock.settimeout(timeout)
        self.xid = (os.getpid() << 12) ^ int(time.time() * 1000) & 0xffffffff

    def close(self):
        self.sock.close()

    def _recv(self, n):
        out = b""
        while len(out) < n:
            c = self.sock.recv(n - len(out))
            if not c:
                raise RpcError("connection closed by server")
            out += c
        return out

    def call(self, proc, args=b""):
        self.xid = (self.xid + 1) & 0xffffffff
        host = b"nfs3probe"
        cred = p32(0) + popaque(host) + p32(0) + p32(0) + p32(0)
        msg = (p32(self.xid) + p32(0) + p32(2) + p32(self.prog) +
               p32(self.vers) + p32(proc) + p32(1) + popaque(cred) +
               p32(0) + p32(0) + args)
        self.sock.sendall(p32(0x80000000 | len(msg)) + msg)
        data = b""
        for _ in range(1024):  # fragments
            hdr, = struct.unpack(">I", self._recv(4))
            data += self._recv(hdr & 0x7fffffff)
            if hdr & 0x80000000:
                break
        x = Xdr(data)
        if x.u32() != self.xid or x.u32() != 1:
            raise RpcError("bad reply header")
        if x.u32() != 0:
            raise RpcError("RPC call denied")
        x.u32()
        x.opaque()  # verifier
        st = x.u32()
        if st != 0:
            raise RpcError("RPC accept_stat %d" % st)
        return x


def mnt(o, export):
    r = Rpc(o["host"], o["mnt_port"], MNT_PROG, MNT_VERS, o["timeout"])
    try:
        x = r.call(1, popaque(export.encode()))
        st = x.u32()
        if st != 0:
            raise NfsStatus(MNT_STATUS, st)
        return x.opaque()
    finally:
        r.close()


def nfs(o):
    return Rpc(o["host"], o["port"], NFS_PROG, NFS_VERS, o["timeout"])


def check(x):
    st = x.u32()
    if st != 0:
        raise NfsStatus(NFS_STATUS, st)


def lookup(r, dirfh, name):
    x = r.call(3, popaque(dirfh) + popaque(name.encode()))
    check(x)
    return x.opaque()


def pattern(off, n):
    seed = hashlib.sha256(b"nfs3probe %d %d" % (off, time.time_ns())).digest()
    return (seed * (n // len(seed) + 1))[:n]


def write(r, fh, off, data):
    x = r.call(7, popaque(fh) + p64(off) + p32(len(data)) + p32(2) +
               popaque(data))
    check(x)
    x.pre_op_attr()
    x.post_op_attr()
    n = x.u32()
    if n != len(data):
        raise RpcError("short write %d/%d" % (n, len(data)))


def read(r, fh, off, count):
    x = r.call(6, popaque(fh) + p64(off) + p32(count))
    check(x)
    x.post_op_attr()
    x.u32()
    x.u32()  # eof
    return x.opaque()


def io(o, export, name, off):
    root = mnt(o, export)
    r = nfs(o)
    try:
        fh = lookup(r, root, name)
        data = pattern(off, 4096)
        write(r, fh, off, data)
        back = read(r, fh, off, 4096)
        if back != data:
            raise RpcError("read back differs from what was written")
        return fh
    finally:
        r.close()


def main(argv):
    o = {"host": "127.0.0.1", "port": int(os.environ.get("NETSWAP_NFS_PORT", 2049)),
         "mnt_port": None, "timeout": 5.0}
    a = list(argv)
    while a and a[0].startswith("--"):
        k = a.pop(0)[2:].replace("-", "_")
        if k not in o or not a:
            print(__doc__, file=sys.stderr)
            return 2
        v = a.pop(0)
        o[k] = v if k == "host" else float(v) if k == "timeout" else int(v)
    if o["mnt_port"] is None:
        o["mnt_port"] = int(os.environ.get("NETSWAP_MNT_PORT", o["port"] + 1))
    if not a:
        print(__doc__, file=sys.stderr)
        return 2
    cmd, args = a[0], a[1:]
    try:
        if cmd == "mnt" and len(args) == 1:
            print("MNT3_OK", mnt(o, args[0]).hex())
        elif cmd == "io" and len(args) in (2, 3):
            off = int(args[2]) if len(args) == 3 else 0
            print("ok", io(o, args[0], args[1], off).hex())
        elif cmd in ("read", "write") and len(args) == 3:
            fh, off, n = bytes.fromhex(args[0]), int(args[1]), int(args[2])
            r = nfs(o)
            try:
                if cmd == "read":
                    d = read(r, fh, off, n)
                    print("ok", len(d), hashlib.sha256(d).hexdigest())
                else:
                    write(r, fh, off, pattern(off, n))
                    print("ok", n)
            finally:
                r.close()
        elif cmd == "setattr-size" and len(args) == 2:
            fh, size = bytes.fromhex(args[0]), int(args[1])
            # sattr3: mode, uid, gid unset; size set; atime, mtime DONT_CHANGE
            sattr = p32(0) * 3 + p32(1) + p64(size) + p32(0) * 2
            r = nfs(o)
            try:
                check(r.call(2, popaque(fh) + sattr + p32(0)))
                print("ok")
            finally:
                r.close()
        elif cmd == "wait-io" and len(args) == 3:
            t0, end, last = time.monotonic(), time.monotonic() + float(args[2]), ""
            o["timeout"] = min(o["timeout"], 2.0)
            for _ in range(100000):
                try:
                    fh = io(o, args[0], args[1], 0)
                    print("ok after %.2fs %s" % (time.monotonic() - t0, fh.hex()))
                    return 0
                except (OSError, RpcError, NfsStatus, struct.error) as e:
                    last = str(e)
                if time.monotonic() >= end:
                    break
                time.sleep(0.1)
            print("no I/O within %ss: %s" % (args[2], last))
            return 1
        else:
            print(__doc__, file=sys.stderr)
            return 2
    except NfsStatus as e:
        print(e)
        return 3
    except (OSError, RpcError, struct.error) as e:
        print("error:", e)
        return 1
    except ValueError as e:
        print("usage error:", e, file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
