#!/usr/bin/python3
"""fakenfs.py: a small in-memory NFSv3 + MOUNT v3 server over TCP (record
marking, AUTH_SYS or AUTH_NONE) whose quirks exercise NFS client paths that
real servers (knfsd, ganesha) never take. Standard library only; one thread.
t-24-nfs-quirks runs it inside the guest on 127.0.0.1.
Procedures: NFSv3 NULL, GETATTR, LOOKUP, READ, WRITE, FSINFO, COMMIT;
MOUNT v3 NULL, MNT (flavors [AUTH_SYS]), DUMP, UMNT, UMNTALL, EXPORT; others
PROC_UNAVAIL. Files keep their size: a WRITE past the end is NFS3ERR_NOSPC.

  fakenfs.py [options]          serve until SIGTERM/SIGINT
  fakenfs.py --selftest         check the server against a strict client of
                                its own and nfs3probe.py on 127.0.0.1 (no VM)

Service:
  --host ADDR            listen address (127.0.0.1)
  --port N               NFS port (2049; 0 = any free port)
  --mnt-port N           MOUNT port (port + 1; 0 = any free port). Both
                         ports answer both programs.
  --export PATH          the one export (/fakenfs); MNT of anything else
                         answers MNT3ERR_NOENT
  --file NAME:SIZE       a regular file in the export, zero-filled, fully
                         allocated (SIZE in bytes or with K/M/G); repeatable
  --holes NAME:SIZE      a file whose GETATTR reports used = 0 < size
  --rtmax N, --wtmax N   FSINFO transfer sizes (65536); READ is clamped to
                         rtmax, a WRITE beyond wtmax is refused (INVAL)
Quirks (counters: see --stats):
  --unstable             every WRITE answers committed = UNSTABLE, even to a
                         FILE_SYNC request (deliberately less than RFC 1813
                         lets a server answer) so the client must COMMIT.
                         Unstable data is held apart from the "stable" copy
                         until a COMMIT covers it.
  --unstable-every N     only every Nth WRITE does so
  --idle-close S         close every connection (NFS and MOUNT) that has
                         received nothing for S seconds, as knfsd does
                         after 6 to 12 minutes (counted idle_closes)
  --data-sync            every WRITE answers committed = DATA_SYNC: the data
                         is on stable storage (kept as such), only the
                         file's times may not be; a client needs no COMMIT
  --verf-change-every N  every Nth COMMIT first simulates a server reboot:
                         the write verifier changes and every uncommitted
                         page is lost (reverts to its stable content); the
                         COMMIT then answers the new verifier
  --jukebox-every N      every Nth READ and every Nth WRITE (counted apart)
                         answers NFS3ERR_JUKEBOX
  --jukebox-commit-every N  every Nth COMMIT answers NFS3ERR_JUKEBOX
  --serverfault-every N  every Nth READ and WRITE (of those not answered
                         JUKEBOX) answers NFS3ERR_SERVERFAULT
  --syserr-every N       every Nth READ and WRITE (of those left) gets an
                         RPC-level SYSTEM_ERR reply (accepted, no results)
  --short-every N        every Nth READ and WRITE (of those left) is short:
                         an odd byte count of about half (READ data then
                         needs XDR padding; a short WRITE stores only that)
  --fragment             every reply is sent as 2-3 record fragments cut at
                         odd offsets: one cut inside the reply header, and
                         for READ data one inside the data
  --empty-fragments      (with --fragment) every 3rd reply also gets a
                         zero-length fragment, sometimes as the last one
  --trickle-every N      every Nth reply goes out in 6-9 pieces (cut inside
                         the record markers too), 2 ms apart
  --bogus-xid-every N    before every Nth READ/WRITE/COMMIT reply, a copy
                         of it with an XID the client never used (bit 31
                         flipped; netswap's I/O XIDs never have it)
  --bogus-setup          the same before every MNT/LOOKUP/GETATTR/FSINFO
                         reply (XID bit 30 flipped)
  --vary-attrs           post_op_attr/pre_op_attr alternate present/absent
Hostile setup (each fails the client's setup; counted in --stats):
  --setup-drip           every setup reply (MNT, LOOKUP, GETATTR, FSINFO,
                         NULL) goes out one byte every 0.25 s: each receive
                         is quick, the whole takes longer than any setup
                         deadline (drip_bytes)
  --setup-fragments N    every setup reply comes after N empty fragments
                         that are not the last (setup_empty_fragments)
Hostile I/O (counted in --stats; "every Nth" counts on each connection):
  --read-too-much-every N  every Nth READ answers 4 KiB more data than the
                         call asked for, count and data (too_much_reads)
  --trailing-garbage-every N  every Nth READ/WRITE/COMMIT reply carries 100
                         bytes of garbage after its results, inside its
                         record (trailing_garbage)
  --stale-after N        after N WRITEs, every READ, WRITE and COMMIT
                         answers NFS3ERR_STALE (stale_replies): a storm
                         of stale handles
  --huge-marker-every N  every Nth READ/WRITE/COMMIT reply goes out as a
                         fragment whose marker claims 2^31-1 bytes
                         (huge_markers)
  --empty-storm-every N  every Nth READ/WRITE/COMMIT reply comes after
                         10000 empty fragments that are not the last
                         (empty_storms)
  --merge-trap OFF       a request the client must not change while it is
                         requeued: the WRITE at byte OFF is answered
                         UNSTABLE and its COMMIT is held (never answered);
                         the next READ is answered NFS3ERR_JUKEBOX (the
                         client's retry timer runs its requeue list a
                         moment later), then every connection is closed
                         and new ones are closed at once for 3 s, so the
                         client recovers with that COMMIT requeued
                         (trap_writes, trap_held_commits, trap_jukebox,
                         trap_closes, trap_refused)
  --seed N               for the fragment cuts (1)
  --stall-after N        after the Nth WRITE, stop reading that connection
                         (its receive buffer is 32 KiB, so the client's
                         window closes): a server that hangs while the
                         client still has calls queued. The client times
                         out and reconnects; SIGUSR2 then makes the server
                         read the stalled connection again. What was in
                         the server's buffer when the client reconnected
                         is dropped unapplied (counted stall_dropped_*);
                         every call that arrives after that came from the
                         client's old socket after it gave the connection
                         up: it is applied as a server would, and counted
                         (late_calls, late_writes, late_bytes)
Output:
  --stats FILE           "name value" lines, rewritten atomically on
                         SIGUSR1 and at exit
  --dump FILE            the stable content of --dump-name (default: the
                         first --file), first --dump-len bytes (all), on
                         SIGUSR1 and at exit, written before --stats
  --ready FILE           written once listening: "nfs_port N", "mnt_port N",
                         "pid N" lines
  --log FILE             event log (stderr)
  --log-calls            also log each READ and WRITE (offset, count)
Stats include: calls_<proc>, writes, reads, commits, unstable_replies,
verf_changes, pages_lost, verf_rewrites (WRITEs of a request whose unstable
data a verifier change lost), verf_mismatches (COMMITs answered with another
verifier than the last WRITE of that offset/count got), lost_pending
(requests a verifier change lost, never written again), dirty_pages
(uncommitted now), rewrites (WRITEs of an offset/count seen before),
jukebox_read/_write/_commit, serverfaults, syserrs, short_reads,
short_writes, retry_waits (replies after which a client waits and
retries: JUKEBOX, SERVERFAULT, SYSTEM_ERR, short READ),
retry_back (requests of those that came back: same offset and count; a
JUKEBOX'd COMMIT comes back as its WRITE) and retry_delay_min_ms/_max_ms,
fragments (in split replies), split_replies, empty_fragments, trickled,
bogus_xids, auth_sys, auth_none, bad_calls.
"""
import argparse
import collections
import fcntl
import os
import random
import selectors
import signal
import socket
import struct
import sys
import termios
import time

NFS_PROG, MNT_PROG = 100003, 100005
PAGE = 4096
# accept_stat, reject_stat, auth_stat
SUCCESS, PROG_UNAVAIL, PROG_MISMATCH, PROC_UNAVAIL, GARBAGE_ARGS = 0, 1, 2, 3, 4
SYSTEM_ERR = 5
RPC_MISMATCH, AUTH_ERROR, AUTH_BADCRED = 0, 1, 1
# nfsstat3 / mountstat3
NFS3_OK, NFS3ERR_NOENT, NFS3ERR_NOSPC, NFS3ERR_NOTDIR = 0, 2, 28, 20
NFS3ERR_ISDIR, NFS3ERR_INVAL, NFS3ERR_STALE = 21, 22, 70
NFS3ERR_SERVERFAULT, NFS3ERR_JUKEBOX = 10006, 10008
MNT3ERR_NOENT = 2
NF3REG, NF3DIR = 1, 2
UNSTABLE, DATA_SYNC, FILE_SYNC = 0, 1, 2
NFS_PROCS = {0: "null", 1: "getattr", 3: "lookup", 6: "read", 7: "write",
             19: "fsinfo", 21: "commit"}
MNT_PROCS = {0: "mnt_null", 1: "mnt", 2: "mnt_dump", 3: "umnt",
             4: "umntall", 5: "export"}


class XdrError(Exception):
    pass


class SysErr(Exception):
    """Answer the call with accept_stat SYSTEM_ERR."""


class Hold(Exception):
    """Never answer the call (--merge-trap's COMMIT)."""


class Dec:
    def __init__(self, buf, pos=0):
        self.buf, self.pos = buf, pos

    def take(self, n):
        if n < 0 or self.pos + n > len(self.buf):
            raise XdrError("short")
        v = self.buf[self.pos:self.pos + n]
        self.pos += n
        return v

    def u32(self):
        return struct.unpack(">I", self.take(4))[0]

    def u64(self):
        return struct.unpack(">Q", self.take(8))[0]

    def opaque(self, maxlen):
        n = self.u32()
        if n > maxlen:
            raise XdrError("opaque too long")
        v = self.take(n)
        if any(self.take((4 - n % 4) % 4)):
            raise XdrError("non-zero padding")
        return v

    def left(self):
        return len(self.buf) - self.pos


def p32(v):
    return struct.pack(">I", v)


def p64(v):
    return struct.pack(">Q", v)


def popaque(b):
    return p32(len(b)) + bytes(b) + b"\0" * ((4 - len(b) % 4) % 4)


def parse_size(s):
    mult = {"K": 1 << 10, "M": 1 << 20, "G": 1 << 30}
    if s and s[-1].upper() in mult:
        return int(s[:-1]) * mult[s[-1].upper()]
    return int(s)


class FsObj:
    def __init__(self, name, fh, fileid, size=0, used=None, isdir=False):
        self.name, self.fh, self.fileid, self.isdir = name, fh, fileid, isdir
        self.data = bytearray(size)
        self.stable = None          # made at the first UNSTABLE write
        self.used = used            # None: fully allocated
        self.dirty = set()          # pages written UNSTABLE, not committed
        self.mtime = self.ctime = time.time()

    def size(self):
        return 4096 if self.isdir else len(self.data)

    def stable_bytes(self):
        return self.data if self.stable is None else self.stable


def nfstime(t):
    return p32(int(t)) + p32(int((t % 1) * 1e9))


class Server:
    def __init__(self, o):
        self.o = o
        self.rng = random.Random(o.seed)
        self.st = collections.Counter()
        self.delays = []
        self.verf = struct.pack(">Q", time.time_ns() & ((1 << 64) - 1))
        self.root = FsObj("", b"fakenfs\0root\0\0\0\0", 1, isdir=True)
        self.files = {}
        self.by_fh = {self.root.fh: self.root}
        for spec, holes in [(s, False) for s in o.file] + [(s, True) for s in o.holes]:
            name, _, size = spec.rpartition(":")
            if not name or "/" in name:
                raise SystemExit("fakenfs: bad file spec %r" % spec)
            fid = len(self.by_fh) + 1
            f = FsObj(name, b"fakenfs\0file" + p32(fid), fid,
                      parse_size(size), 0 if holes else None)
            self.files[name] = f
            self.by_fh[f.fh] = f
        self.uncommitted = {}       # (fh, off, count) of UNSTABLE writes
        self.lost = set()           # such writes a verifier change lost
        self.written = set()        # (fh, off, count) ever written
        self.write_verf = {}        # (fh, off, count) -> verifier of its
                                    # last WRITE reply below FILE_SYNC
        self.waiting = {}           # (op, fh, off, count) -> time
        self.attr_toggle = 0
        self.stalled = None         # (socket, conn) stopped by --stall-after
        self.trap = None            # --merge-trap: write, held, close, done
        self.refuse_until = 0.0     # --merge-trap: close new connections
        self.logf = open(o.log, "a", buffering=1) if o.log else sys.stderr

    def log(self, msg):
        self.logf.write("[%.3f] %s\n" % (time.monotonic(), msg))

    # ---- attributes ----
    def fattr(self, f):
        used = f.size() if f.used is None else f.used
        return (p32(NF3DIR if f.isdir else NF3REG) +
                p32(0o755 if f.isdir else 0o600) + p32(2 if f.isdir else 1) +
                p32(0) + p32(0) + p64(f.size()) + p64(used) + p32(0) + p32(0) +
                p64(0x7311) + p64(f.fileid) + nfstime(f.mtime) +
                nfstime(f.mtime) + nfstime(f.ctime))

    def attrs_off(self):
        if not self.o.vary_attrs:
            return False
        self.attr_toggle += 1
        return self.attr_toggle % 2 == 0

    def post_op(self, f):
        if f is None or self.attrs_off():
            return p32(0)
        return p32(1) + self.fattr(f)

    def pre_op(self, f):
        if f is None or self.attrs_off():
            return p32(0)
        return p32(1) + p64(f.size()) + nfstime(f.mtime) + nfstime(f.ctime)

    # ---- unstable data ----
    def commit_pages(self, f, lo, hi):
        if f.stable is None:
            return
        for pg in [p for p in f.dirty if p * PAGE < hi and (p + 1) * PAGE > lo]:
            f.stable[pg * PAGE:(pg + 1) * PAGE] = f.data[pg * PAGE:(pg + 1) * PAGE]
            f.dirty.discard(pg)
        for k in [k for k in self.uncommitted
                  if k[0] == f.fh and k[1] >= lo and k[1] + k[2] <= hi]:
            del self.uncommitted[k]

    def change_verifier(self):
        self.verf = p64((struct.unpack(">Q", self.verf)[0] + 1) & ((1 << 64) - 1))
        lost = 0
        for f in self.files.values():
            for pg in f.dirty:
                f.data[pg * PAGE:(pg + 1) * PAGE] = f.stable[pg * PAGE:(pg + 1) * PAGE]
            lost += len(f.dirty)
            f.dirty.clear()
        self.lost.update(self.uncommitted)
        self.uncommitted.clear()
        self.st["verf_changes"] += 1
        self.st["pages_lost"] += lost
        self.log("verifier changed to %s: %d uncommitted pages lost" %
                 (self.verf.hex(), lost))

    def every(self, n, counter):
        return n > 0 and self.st[counter] % n == 0

    def nth(self, n, counter):
        """Count an eligible call in the hidden counter; is it the Nth?"""
        if n <= 0:
            return False
        self.st[counter] += 1
        return self.st[counter] % n == 0

    def wait_retry(self, op, key):
        """A reply after which the client should wait and retry."""
        self.waiting[(op,) + key] = time.monotonic()
        self.st["retry_waits"] += 1

    def came_back(self, op, key):
        t = self.waiting.pop((op,) + key, None)
        if t is not None:
            self.st["retry_back"] += 1
            self.delays.append(time.monotonic() - t)

    def io_quirk(self, op, key):
        """JUKEBOX / SERVERFAULT status, SysErr raised, "short", or None."""
        o = self.o
        if self.nth(o.jukebox_every, "_jb_" + op):
            self.st["jukebox_" + op] += 1
            self.wait_retry(op, key)
            return NFS3ERR_JUKEBOX
        if self.nth(o.serverfault_every, "_sf_" + op):
            self.st["serverfaults"] += 1
            self.wait_retry(op, key)
            return NFS3ERR_SERVERFAULT
        if self.nth(o.syserr_every, "_se_" + op):
            self.st["syserrs"] += 1
            self.wait_retry(op, key)
            raise SysErr()
        if self.nth(o.short_every, "_sh_" + op):
            return "short"
        return None

    # ---- procedures: (status-and-results bytes, READ data offset or 0) ----
    def nfs_proc(self, proc, a):
        if proc == 0:
            return b"", 0
        if proc not in NFS_PROCS:
            return None, 0
        f = self.by_fh.get(bytes(a.opaque(64)))
        if proc == 1:                                   # GETATTR
            if f is None:
                return p32(NFS3ERR_STALE), 0
            return p32(NFS3_OK) + self.fattr(f), 0
        if proc == 3:                                   # LOOKUP
            name = bytes(a.opaque(255)).decode("latin-1")
            if f is None:
                return p32(NFS3ERR_STALE) + p32(0), 0
            if not f.isdir:
                return p32(NFS3ERR_NOTDIR) + self.post_op(f), 0
            obj = self.files.get(name)
            if obj is None:
                return p32(NFS3ERR_NOENT) + self.post_op(f), 0
            return (p32(NFS3_OK) + popaque(obj.fh) + self.post_op(obj) +
                    self.post_op(f)), 0
        if proc == 19:                                  # FSINFO
            if f is None:
                return p32(NFS3ERR_STALE) + p32(0), 0
            o = self.o
            return (p32(NFS3_OK) + self.post_op(f) + p32(o.rtmax) +
                    p32(o.rtmax) + p32(PAGE) + p32(o.wtmax) + p32(o.wtmax) +
                    p32(PAGE) + p32(PAGE) + p64((1 << 63) - 1) + p32(0) +
                    p32(1) + p32(0x1b)), 0
        off, count = a.u64(), a.u32()
        if proc == 6:                                   # READ
            return self.read(f, off, count)
        if proc == 7:                                   # WRITE
            stable = a.u32()
            data = a.opaque(1 << 30)
            if stable > FILE_SYNC:
                raise XdrError("bad stable_how")
            return self.write(f, off, count, stable, data), 0
        return self.commit(f, off, count), 0            # COMMIT

    def read(self, f, off, count):
        if f is None:
            return p32(NFS3ERR_STALE) + p32(0), 0
        if f.isdir:
            return p32(NFS3ERR_ISDIR) + self.post_op(f), 0
        self.st["reads"] += 1
        if self.o.log_calls:
            self.log("READ %d %d" % (off, count))
        if self.stale():
            return p32(NFS3ERR_STALE) + self.post_op(f), 0
        key = (f.fh, off, count)
        if self.trap == "held":
            self.trap = "close"
            self.st["trap_jukebox"] += 1
            self.log("merge trap: READ at %d answered JUKEBOX, closing" % off)
            return p32(NFS3ERR_JUKEBOX) + self.post_op(f), 0
        self.came_back("read", key)
        q = self.io_quirk("read", key)
        if q not in (None, "short"):
            return p32(q) + self.post_op(f), 0
        n = max(0, min(count, self.o.rtmax, f.size() - off))
        if self.nth(self.o.read_too_much_every, "_tm_read"):
            n = count + 4096
            self.st["too_much_reads"] += 1
        if q == "short" and n > 1:
            n = (n // 2) | 1
            self.st["short_reads"] += 1
            self.wait_retry("read", key)
        data = bytes(f.data[off:off + n]).ljust(n, b"\0")
        self.st["read_bytes"] += n
        hdr = (p32(NFS3_OK) + self.post_op(f) + p32(n) +
               p32(1 if off + n >= f.size() else 0) + p32(n))
        return hdr + data + b"\0" * ((4 - n % 4) % 4), len(hdr)

    def write(self, f, off, count, stable, data):
        if f is None:
            return p32(NFS3ERR_STALE) + p32(0) + p32(0)
        pre = self.pre_op(f)
        if f.isdir:
            return p32(NFS3ERR_ISDIR) + pre + self.post_op(f)
        self.st["writes"] += 1
        if self.o.log_calls:
            self.log("WRITE %d %d" % (off, count))
        if self.stale():
            return p32(NFS3ERR_STALE) + pre + self.post_op(f)
        key = (f.fh, off, count)
        self.came_back("write", key)
        q = self.io_quirk("write", key)
        if q not in (None, "short"):
            return p32(q) + pre + self.post_op(f)
        if len(data) != count or count > self.o.wtmax:
            self.st["bad_writes"] += 1
            self.log("WRITE at %d: count %d, %d bytes of data" % (off, count, len(data)))
            return p32(NFS3ERR_INVAL) + pre + self.post_op(f)
        if off + count > f.size():
            return p32(NFS3ERR_NOSPC) + pre + self.post_op(f)
        if key in self.written:
            self.st["rewrites"] += 1
        self.written.add(key)
        if key in self.lost:
            self.lost.discard(key)
            self.st["verf_rewrites"] += 1
        if q == "short" and count > 1:
            count = (count // 2) | 1
            data = data[:count]
            self.st["short_writes"] += 1
        committed = stable
        if self.o.data_sync:
            committed = DATA_SYNC
            self.st["data_sync_replies"] += 1
        if self.o.unstable or self.every(self.o.unstable_every, "writes"):
            committed = UNSTABLE
        if self.trap is None and self.o.merge_trap == off:
            committed = UNSTABLE
            self.trap = "write"
            self.st["trap_writes"] += 1
            self.log("merge trap: WRITE %d %d answered UNSTABLE" % (off, count))
        if committed == UNSTABLE and f.stable is None:
            f.stable = bytearray(f.data)
        f.data[off:off + count] = data
        f.mtime = f.ctime = time.time()
        self.st["write_bytes"] += count
        if committed == UNSTABLE:
            self.st["unstable_replies"] += 1
            f.dirty.update(range(off // PAGE, (off + count + PAGE - 1) // PAGE))
            self.uncommitted[key] = True
        else:
            self.commit_pages(f, off, off + count)
            if f.stable is not None:
                f.stable[off:off + count] = data
        if committed != FILE_SYNC:
            self.write_verf[key] = self.verf
        return (p32(NFS3_OK) + pre + self.post_op(f) + p32(count) +
                p32(committed) + self.verf)

    def stale(self):
        """--stale-after: the file handle is gone for good."""
        if not self.o.stale_after or self.st["writes"] <= self.o.stale_after:
            return False
        self.st["stale_replies"] += 1
        return True

    def commit(self, f, off, count):
        if f is None or self.stale():
            return p32(NFS3ERR_STALE) + p32(0) + p32(0)
        self.st["commits"] += 1
        end = f.size() if count == 0 else off + count
        if self.trap == "write" and off <= self.o.merge_trap < end:
            self.trap = "held"
            self.st["trap_held_commits"] += 1
            self.log("merge trap: COMMIT %d %d held" % (off, count))
            raise Hold()
        if self.every(self.o.jukebox_commit_every, "commits"):
            self.st["jukebox_commit"] += 1
            # the client writes it again: that is the retry
            self.wait_retry("write", (f.fh, off, count))
            return p32(NFS3ERR_JUKEBOX) + self.pre_op(f) + self.post_op(f)
        if self.every(self.o.verf_change_every, "commits"):
            self.change_verifier()
        pre = self.pre_op(f)
        self.commit_pages(f, off, f.size() if count == 0 else off + count)
        v = self.write_verf.pop((f.fh, off, count), None)
        if v is not None and v != self.verf:
            self.st["verf_mismatches"] += 1
        return p32(NFS3_OK) + pre + self.post_op(f) + self.verf

    def mnt_proc(self, proc, a):
        if proc in (0, 4):
            return b""
        if proc == 1:
            path = bytes(a.opaque(1024)).decode("latin-1")
            if path.rstrip("/") != self.o.export.rstrip("/"):
                self.log("MNT %r refused" % path)
                return p32(MNT3ERR_NOENT)
            return p32(0) + popaque(self.root.fh) + p32(1) + p32(1)
        if proc == 2:
            return p32(0)
        if proc == 3:
            a.opaque(1024)
            return b""
        if proc == 5:
            return p32(1) + popaque(self.o.export.encode()) + p32(0) + p32(0)
        return None

    # ---- RPC ----
    def handle(self, rec):
        """One call record -> (reply body or None, kind, data offset)."""
        a = Dec(rec)
        try:
            xid, mtype = a.u32(), a.u32()
        except XdrError:
            self.st["bad_calls"] += 1
            return None, None, 0
        if mtype != 0:
            self.st["bad_calls"] += 1
            return None, None, 0
        hdr = p32(xid) + p32(1)
        try:
            rpcvers, prog, vers, proc = a.u32(), a.u32(), a.u32(), a.u32()
            flavor, cred = a.u32(), a.opaque(400)
            a.u32()
            a.opaque(400)
        except XdrError:
            self.st["bad_calls"] += 1
            return hdr + p32(0) + p32(0) + p32(0) + p32(GARBAGE_ARGS), "err", 0
        if rpcvers != 2:
            self.st["bad_calls"] += 1
            return hdr + p32(1) + p32(RPC_MISMATCH) + p32(2) + p32(2), "err", 0
        if flavor == 1:
            try:
                c = Dec(cred)
                c.u32()
                c.opaque(255)
                c.u32()
                c.u32()
                n = c.u32()
                if n > 16:
                    raise XdrError("too many gids")
                for _ in range(n):
                    c.u32()
                if c.left():
                    raise XdrError("trailing bytes")
            except XdrError:
                flavor = -1
            else:
                self.st["auth_sys"] += 1
        elif flavor == 0:
            self.st["auth_none"] += 1
        if flavor not in (0, 1):
            self.st["bad_calls"] += 1
            return hdr + p32(1) + p32(AUTH_ERROR) + p32(AUTH_BADCRED), "err", 0
        acc = hdr + p32(0) + p32(0) + p32(0)
        if prog not in (NFS_PROG, MNT_PROG):
            return acc + p32(PROG_UNAVAIL), "err", 0
        if vers != 3:
            return acc + p32(PROG_MISMATCH) + p32(3) + p32(3), "err", 0
        names = NFS_PROCS if prog == NFS_PROG else MNT_PROCS
        if proc not in names:
            self.st["bad_calls"] += 1
            return acc + p32(PROC_UNAVAIL), "err", 0
        self.st["calls_" + names[proc]] += 1
        try:
            if prog == NFS_PROG:
                res, doff = self.nfs_proc(proc, a)
            else:
                res, doff = self.mnt_proc(proc, a), 0
            if a.left():
                self.st["trailing_args"] += 1
        except XdrError as e:
            self.st["bad_calls"] += 1
            self.log("%s: garbage arguments (%s)" % (names[proc], e))
            return acc + p32(GARBAGE_ARGS), "err", 0
        except SysErr:
            return acc + p32(SYSTEM_ERR), "io", 0
        except Hold:
            return None, None, 0
        if res is None:
            return acc + p32(PROC_UNAVAIL), "err", 0
        kind = "io" if prog == NFS_PROG and proc in (6, 7, 21) else "setup"
        return acc + p32(SUCCESS) + res, kind, (len(acc) + 4 + doff) if doff else 0

    # ---- framing quirks ----
    def odd_cut(self, lo, hi):
        """A cut in [lo, hi), odd when possible."""
        c = self.rng.randrange(lo, hi)
        if c % 2 == 0 and c + 1 < hi:
            c += 1
        return c

    def frame(self, body, doff):
        """Record-marked bytes of one reply, as a list of fragments."""
        n = len(body)
        cuts = set()
        if self.o.fragment and n >= 2:
            hdr_end = doff if doff else n
            cuts.add(self.odd_cut(1, max(2, hdr_end)))
            if doff and n - doff >= 2:
                cuts.add(self.odd_cut(doff + 1, n) if self.rng.random() < 0.8 else doff)
            elif self.rng.random() < 0.5:
                cuts.add(self.odd_cut(1, n))
        cuts = sorted(c for c in cuts if 0 < c < n)
        pieces = [body[a:b] for a, b in zip([0] + cuts, cuts + [n])]
        if self.o.fragment and self.o.empty_fragments:
            self.st["replies_framed"] += 1
            if self.st["replies_framed"] % 3 == 0:
                pieces.insert(self.rng.randrange(0, len(pieces) + 1), b"")
                self.st["empty_fragments"] += 1
        if len(pieces) > 1:
            self.st["split_replies"] += 1
            self.st["fragments"] += len(pieces)
        out = []
        for i, p in enumerate(pieces):
            last = 0x80000000 if i == len(pieces) - 1 else 0
            out.append(p32(last | len(p)) + p)
        return out

    def reply_chunks(self, body, kind, doff):
        """[(bytes, delay_s)] to send for one reply."""
        chunks = []
        if (kind == "io" and self.every(self.o.bogus_xid_every, "io_replies_b")) or \
           (kind == "setup" and self.o.bogus_setup):
            flip = 0x80000000 if kind == "io" else 0x40000000
            xid = struct.unpack(">I", body[:4])[0] ^ flip
            chunks += [(f, 0) for f in self.frame(p32(xid) + body[4:], doff)]
            self.st["bogus_xids"] += 1
        if kind == "io":
            self.st["io_replies_b"] += 1
            if self.nth(self.o.trailing_garbage_every, "_tg_io"):
                body += b"\xde\xad\xbe\xef" * 25
                self.st["trailing_garbage"] += 1
        frags = self.frame(body, doff)
        self.st["replies"] += 1
        if kind == "io" and self.nth(self.o.huge_marker_every, "_hm_io"):
            frags = [p32(0x7fffffff) + body]
            self.st["huge_markers"] += 1
        if kind == "io" and self.nth(self.o.empty_storm_every, "_es_io"):
            frags = [p32(0) * 10000] + frags
            self.st["empty_storms"] += 1
        if kind == "setup" and self.o.setup_fragments:
            frags = [p32(0)] * self.o.setup_fragments + frags
            self.st["setup_empty_fragments"] += self.o.setup_fragments
        if kind == "setup" and self.o.setup_drip:
            stream = b"".join(frags)
            chunks += [(stream[i:i + 1], 0.25) for i in range(len(stream))]
            self.st["drip_replies"] += 1
        elif self.every(self.o.trickle_every, "replies"):
            self.st["trickled"] += 1
            stream = b"".join(frags)
            cuts = sorted(set([self.rng.randrange(1, 4)] +
                              [self.rng.randrange(1, len(stream))
                               for _ in range(self.rng.randrange(5, 9))]))
            cuts = [c for c in cuts if c < len(stream)]
            for a, b in zip([0] + cuts, cuts + [len(stream)]):
                chunks.append((stream[a:b], 0.002))
        else:
            chunks += [(f, 0) for f in frags]
        return chunks

    # ---- output ----
    def write_stats(self):
        o = self.o
        if o.dump:
            name = o.dump_name or (o.file[0].rpartition(":")[0] if o.file else "")
            f = self.files.get(name)
            if f is not None:
                data = f.stable_bytes()
                n = len(data) if o.dump_len is None else min(o.dump_len, len(data))
                with open(o.dump + ".tmp", "wb") as fp:
                    fp.write(data[:n])
                os.replace(o.dump + ".tmp", o.dump)
        if not o.stats:
            return
        st = dict(self.st)
        for k in [k for k in st if k.startswith("_")] + ["io_replies_b", "replies_framed"]:
            st.pop(k, None)
        st["dirty_pages"] = sum(len(f.dirty) for f in self.files.values())
        st["lost_pending"] = len(self.lost)
        if self.delays:
            st["retry_delay_min_ms"] = int(min(self.delays) * 1000)
            st["retry_delay_max_ms"] = int(max(self.delays) * 1000)
        for k in ("writes", "reads", "commits", "unstable_replies",
                  "data_sync_replies", "idle_closes",
                  "verf_changes", "pages_lost", "verf_rewrites", "verf_mismatches",
                  "lost_pending", "rewrites", "jukebox_read", "jukebox_write",
                  "jukebox_commit", "serverfaults", "syserrs", "short_reads",
                  "short_writes", "retry_waits", "retry_back", "fragments",
                  "split_replies", "empty_fragments", "trickled",
                  "bogus_xids", "bad_calls", "dirty_pages"):
            st.setdefault(k, 0)
        st["stats_seq"] = self.st["stats_seq"] = self.st["stats_seq"] + 1
        with open(o.stats + ".tmp", "w") as fp:
            for k in sorted(st):
                fp.write("%s %d\n" % (k, st[k]))
        os.replace(o.stats + ".tmp", o.stats)

    # ---- event loop ----
    def serve(self):
        o = self.o
        sel = selectors.DefaultSelector()
        listeners = []
        for port in (o.port, o.mnt_port):
            ls = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            if o.stall_after:
                ls.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 32768)
            ls.bind((o.host, port))
            ls.listen(16)
            ls.setblocking(False)
            sel.register(ls, selectors.EVENT_READ, "listen")
            listeners.append(ls)
        rfd, wfd = socket.socketpair()
        rfd.setblocking(False)
        wfd.setblocking(False)
        signal.set_wakeup_fd(wfd.fileno(), warn_on_full_buffer=False)
        for s in (signal.SIGTERM, signal.SIGINT, signal.SIGUSR1,
                  signal.SIGUSR2):
            signal.signal(s, lambda *_: None)
        sel.register(rfd, selectors.EVENT_READ, "signal")
        ports = [ls.getsockname()[1] for ls in listeners]
        self.log("NFS on %s:%d, MOUNT on %d, export %s, files %s" %
                 (o.host, ports[0], ports[1], o.export,
                  ", ".join("%s (%d)" % (f.name, f.size()) for f in self.files.values())))
        if o.ready:
            with open(o.ready + ".tmp", "w") as fp:
                fp.write("nfs_port %d\nmnt_port %d\npid %d\n" %
                         (ports[0], ports[1], os.getpid()))
            os.replace(o.ready + ".tmp", o.ready)
        conns = {}
        tick = min(5.0, o.idle_close / 4) if o.idle_close else 5.0
        while True:
            if o.idle_close:
                self.close_idle(sel, conns)
            for key, ev in sel.select(timeout=tick):
                if key.data == "signal":
                    sigs = rfd.recv(64)
                    if signal.SIGUSR2 in sigs and self.stalled:
                        self.resume(sel)
                    if signal.SIGUSR1 in sigs:
                        self.write_stats()
                    if signal.SIGTERM in sigs or signal.SIGINT in sigs:
                        self.log("exiting: %s" % dict(self.st))
                        self.write_stats()
                        return 0
                elif key.data == "listen":
                    try:
                        s, peer = key.fileobj.accept()
                    except BlockingIOError:
                        continue
                    if time.monotonic() < self.refuse_until:
                        s.close()
                        self.st["trap_refused"] += 1
                        continue
                    s.setblocking(False)
                    s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
                    conns[s] = {"in": bytearray(), "out": collections.deque(),
                                "sock": s, "last_rx": time.monotonic()}
                    sel.register(s, selectors.EVENT_READ, "conn")
                    self.st["connections"] += 1
                    # Hostile I/O counts per connection: its first N-1
                    # replies are good, so a client that reconnects after
                    # the Nth makes progress. Counted over all connections,
                    # the Nth could be the first reply of every new one
                    # once exactly N calls are outstanding: no progress
                    # ever, a livelock any client would share.
                    for k in ("_tm_read", "_hm_io", "_es_io"):
                        self.st[k] = 0
                    self.snapshot_stalled()
                    self.log("connection from %s:%d on port %d" %
                             (peer[0], peer[1], s.getsockname()[1]))
                else:
                    s = key.fileobj
                    c = conns[s]
                    ok = True
                    if ev & selectors.EVENT_READ:
                        ok = self.on_read(s, c)
                    if ok:
                        ok = self.flush(s, c)
                    if not ok:
                        sel.unregister(s)
                        s.close()
                        del conns[s]
                        continue
                    ev = 0 if c.get("stalled") else selectors.EVENT_READ
                    if c["out"]:
                        ev |= selectors.EVENT_WRITE
                    if ev:
                        sel.modify(s, ev, "conn")
                    else:
                        sel.unregister(s)   # stalled: SIGUSR2 resumes it
            if self.trap == "close":
                self.spring_trap(sel, conns)

    def spring_trap(self, sel, conns):
        """--merge-trap: the JUKEBOX is out; drop every connection (what is
        queued to send still goes before the FIN) and refuse for 3 s."""
        for s in list(conns):
            self.drop(sel, conns, s)
        self.trap = "done"
        self.refuse_until = time.monotonic() + 3.0
        self.st["trap_closes"] += 1
        self.log("merge trap: every connection closed, refusing for 3 s")

    def close_idle(self, sel, conns):
        """--idle-close: close what has received nothing for that long."""
        now = time.monotonic()
        for s, c in list(conns.items()):
            if c.get("stalled") or now - c["last_rx"] < self.o.idle_close:
                continue
            self.log("closing a connection idle for %.1f s" % (now - c["last_rx"]))
            self.st["idle_closes"] += 1
            self.drop(sel, conns, s)

    @staticmethod
    def drop(sel, conns, s):
        """Close connection s and forget it."""
        try:
            sel.unregister(s)
        except (KeyError, ValueError):
            pass
        s.close()
        del conns[s]

    def kernel_queued(self, s):
        """Bytes waiting in the socket's receive queue (FIONREAD)."""
        try:
            buf = fcntl.ioctl(s.fileno(), termios.FIONREAD, b"\0\0\0\0")
            return struct.unpack("i", buf)[0]
        except OSError as e:
            self.log("FIONREAD on the stalled connection: %s" % e)
            return 0

    def snapshot_stalled(self):
        """Once the client has connected again, what the stalled connection
        holds is what the client sent before it gave up on it."""
        if not self.stalled or "kq0" in self.stalled[1]:
            return
        s, c = self.stalled
        c["kq0"] = self.kernel_queued(s)
        c["drop_left"] = len(c["in"]) + c["kq0"]
        self.st["stall_dropped_bytes"] = c["drop_left"]
        self.log("client reconnected: %d bytes were queued on the stalled "
                 "connection (%d in the kernel)" % (c["drop_left"], c["kq0"]))

    def resume(self, sel):
        s, c = self.stalled
        if c.get("resumed"):
            return
        self.snapshot_stalled()
        c["resumed"] = True
        c["stalled"] = False
        c["rx_after"] = 0
        self.log("resuming the stalled connection")
        try:
            sel.register(s, selectors.EVENT_READ, "conn")
        except (KeyError, ValueError):
            sel.modify(s, selectors.EVENT_READ, "conn")
        except OSError as e:
            self.log("stalled connection gone: %s" % e)
            return
        self.parse(c)

    def on_read(self, s, c):
        try:
            data = s.recv(1 << 18)
        except BlockingIOError:
            return True
        except OSError as e:
            self.log("connection lost: %s" % e)
            return False
        if not data:
            self.log("connection closed by the client")
            return False
        c["last_rx"] = time.monotonic()
        if c.get("resumed"):
            c["rx_after"] += len(data)
            self.st["late_bytes"] = max(0, c["rx_after"] - c["kq0"])
        c["in"] += data
        return self.parse(c)

    def parse(self, c):
        """Handle every complete call record in c["in"]."""
        buf = c["in"]
        while not c.get("stalled"):
            frags, pos = [], 0
            while True:
                if len(buf) - pos < 4:
                    return True
                mark = struct.unpack_from(">I", buf, pos)[0]
                n = mark & 0x7fffffff
                if n > (4 << 20):
                    self.log("call fragment of %d bytes: closing" % n)
                    return False
                if len(buf) - pos - 4 < n:
                    return True
                frags.append(bytes(buf[pos + 4:pos + 4 + n]))
                pos += 4 + n
                if mark & 0x80000000:
                    break
            del buf[:pos]
            late = c.get("resumed", False)
            if c.get("drop_left", 0) >= pos:
                # Queued before the client reconnected: not applied.
                c["drop_left"] -= pos
                self.st["stall_dropped_calls"] += 1
                continue
            if "drop_left" in c:
                c["drop_left"] = 0
            writes = self.st["calls_write"]
            body, kind, doff = self.handle(b"".join(frags))
            if late:
                self.st["late_calls"] += 1
                if self.st["calls_write"] > writes:
                    self.st["late_writes"] += 1
                    self.log("late WRITE from the client's old connection, applied")
            if body is not None:
                c["out"].extend(self.reply_chunks(body, kind, doff))
            if (self.o.stall_after and self.stalled is None and
                    self.st["calls_write"] >= self.o.stall_after):
                c["stalled"] = True
                self.stalled = (c["sock"], c)
                self.log("stalling the connection after %d WRITEs" %
                         self.st["calls_write"])
        return True

    def flush(self, s, c):
        out = c["out"]
        while out:
            chunk, delay = out[0]
            if delay:
                time.sleep(delay)
                out[0] = (chunk, 0)
                if delay >= 0.25:
                    self.st["drip_bytes"] += 1
            try:
                n = s.send(chunk)
            except BlockingIOError:
                return True
            except OSError as e:
                self.log("send failed: %s" % e)
                return False
            if n < len(chunk):
                out[0] = (chunk[n:], 0)
                return True
            out.popleft()
        return True


# ---------------- self-check (host, no VM) ----------------

class CheckError(Exception):
    pass


def expect(cond, what):
    if not cond:
        raise CheckError(what)


class Client:
    """Strict client: every reply decoded to its last byte."""

    def __init__(self, port, prog):
        self.s = socket.create_connection(("127.0.0.1", port), timeout=10)
        self.prog = prog
        self.xid = 0x1234
        self.seen = collections.Counter()

    def recv(self, n):
        out = b""
        while len(out) < n:
            c = self.s.recv(n - len(out))
            if not c:
                raise CheckError("connection closed")
            out += c
        return out

    def record(self):
        data = b""
        for _ in range(64):
            mark = struct.unpack(">I", self.recv(4))[0]
            data += self.recv(mark & 0x7fffffff)
            self.seen["fragments"] += 1
            if mark & 0x80000000:
                return data
        raise CheckError("too many fragments")

    def call(self, proc, args=b"", flavor=1):
        self.xid += 1
        cred = p32(7) + popaque(b"selftest") + p32(0) + p32(0) + p32(1) + p32(0)
        msg = (p32(self.xid) + p32(0) + p32(2) + p32(self.prog) + p32(3) +
               p32(proc) + p32(flavor) + popaque(cred if flavor == 1 else b"") +
               p32(0) + p32(0) + args)
        self.s.sendall(p32(0x80000000 | len(msg)) + msg)
        for _ in range(8):
            d = Dec(self.record())
            xid = d.u32()
            expect(d.u32() == 1, "not a REPLY")
            if xid != self.xid:
                self.seen["bogus"] += 1
                continue
            expect(d.u32() == 0, "call denied")
            expect(d.u32() == 0 and d.opaque(400) == b"", "verifier")
            st = d.u32()
            if st == SYSTEM_ERR:
                self.done(d, "SYSTEM_ERR")
                self.seen["syserr"] += 1
                return None
            if st != SUCCESS:
                raise CheckError("accept_stat %d" % st)
            return d
        raise CheckError("no reply with our XID")

    @staticmethod
    def fattr(d):
        v = struct.unpack(">5I2Q", d.take(36))
        d.take(48)
        return {"type": v[0], "size": v[5], "used": v[6]}

    def post_op(self, d):
        b = d.u32()
        expect(b in (0, 1), "post_op_attr bool %d" % b)
        return self.fattr(d) if b else None

    def wcc(self, d):
        b = d.u32()
        expect(b in (0, 1), "pre_op_attr bool")
        if b:
            d.take(24)
        self.post_op(d)

    def done(self, d, what):
        expect(d.left() == 0, "%s: %d bytes left over" % (what, d.left()))


def st_file(path):
    out = {}
    with open(path) as fp:
        for line in fp:
            k, v = line.split()
            out[k] = int(v)
    return out


def selftest_server(extra, tmp):
    import subprocess  # pylint: disable=import-outside-toplevel
    ready = os.path.join(tmp, "ready")
    if os.path.exists(ready):
        os.unlink(ready)
    args = [sys.executable, os.path.abspath(__file__), "--port", "0",
            "--mnt-port", "0", "--file", "swap.img:1M", "--holes",
            "holes.img:64K", "--ready", ready, "--stats",
            os.path.join(tmp, "stats"), "--dump", os.path.join(tmp, "dump"),
            "--log", os.path.join(tmp, "log")] + extra
    p = subprocess.Popen(args)
    for _ in range(100):
        if os.path.exists(ready):
            break
        time.sleep(0.05)
    else:
        p.kill()
        raise CheckError("server did not start")
    info = st_file(ready)
    return p, info["nfs_port"], info["mnt_port"]


def selftest_io(port, mport, check_stats):
    m = Client(mport, MNT_PROG)
    d = m.call(1, popaque(b"/nope"))
    expect(d.u32() == MNT3ERR_NOENT, "MNT of a wrong export")
    m.done(d, "MNT error")
    d = m.call(1, popaque(b"/fakenfs"))
    expect(d.u32() == 0, "MNT status")
    root = d.opaque(64)
    expect(d.u32() == 1 and d.u32() == 1, "auth flavors [AUTH_SYS]")
    m.done(d, "MNT")
    m.s.close()

    c = Client(port, NFS_PROG)
    c.done(c.call(0, flavor=0), "NULL")
    d = c.call(3, popaque(root) + popaque(b"missing"))
    expect(d.u32() == NFS3ERR_NOENT, "LOOKUP missing")
    c.post_op(d)
    c.done(d, "LOOKUP error")
    fhs = {}
    for name in ("swap.img", "holes.img"):
        d = c.call(3, popaque(root) + popaque(name.encode()))
        expect(d.u32() == NFS3_OK, "LOOKUP %s" % name)
        fhs[name] = d.opaque(64)
        c.post_op(d)
        c.post_op(d)
        c.done(d, "LOOKUP")
    for name, size, used in (("swap.img", 1 << 20, 1 << 20), ("holes.img", 65536, 0)):
        d = c.call(1, popaque(fhs[name]))
        expect(d.u32() == NFS3_OK, "GETATTR")
        a = c.fattr(d)
        c.done(d, "GETATTR")
        expect(a == {"type": NF3REG, "size": size, "used": used},
               "GETATTR %s: %s" % (name, a))
    fh = fhs["swap.img"]
    d = c.call(19, popaque(fh))
    expect(d.u32() == NFS3_OK, "FSINFO")
    c.post_op(d)
    rtmax, _, _, wtmax = d.u32(), d.u32(), d.u32(), d.u32()
    d.take(4 * 3 + 8 + 8 + 4)
    c.done(d, "FSINFO")
    expect(rtmax == 65536 and wtmax == 65536, "FSINFO sizes")

    rng = random.Random(5)
    pat = bytes(rng.getrandbits(8) for _ in range(1 << 20))
    stats = collections.Counter()
    for off in range(0, 1 << 20, 65536):
        data = pat[off:off + 65536]
        for _ in range(20):
            d = c.call(7, popaque(fh) + p64(off) + p32(65536) + p32(FILE_SYNC) +
                       popaque(data))
            if d is None:
                continue
            st = d.u32()
            c.wcc(d)
            if st in (NFS3ERR_JUKEBOX, NFS3ERR_SERVERFAULT):
                c.done(d, "WRITE JUKEBOX/SERVERFAULT")
                stats["jukebox"] += 1
                time.sleep(0.01)
                continue
            expect(st == NFS3_OK, "WRITE status %d" % st)
            n = d.u32()
            committed, verf = d.u32(), d.take(8)
            c.done(d, "WRITE")
            if n != 65536:
                expect(n % 2 == 1 and n < 65536, "short WRITE count %d" % n)
                stats["short"] += 1
                continue
            if committed == FILE_SYNC:
                break
            stats["unstable"] += 1
            d = c.call(21, popaque(fh) + p64(off) + p32(65536))
            st = d.u32()
            c.wcc(d)
            if st == NFS3ERR_JUKEBOX:
                c.done(d, "COMMIT JUKEBOX")
                stats["jukebox"] += 1
                continue
            expect(st == NFS3_OK, "COMMIT status %d" % st)
            v2 = d.take(8)
            c.done(d, "COMMIT")
            if v2 == verf:
                break
            stats["verf_changed"] += 1
        else:
            raise CheckError("WRITE at %d never completed" % off)
    back = b""
    for off in range(0, 1 << 20, 65536):
        for _ in range(20):
            d = c.call(6, popaque(fh) + p64(off) + p32(65536))
            if d is None:
                continue
            st = d.u32()
            c.post_op(d)
            if st in (NFS3ERR_JUKEBOX, NFS3ERR_SERVERFAULT):
                c.done(d, "READ JUKEBOX/SERVERFAULT")
                stats["jukebox"] += 1
                continue
            expect(st == NFS3_OK, "READ status %d" % st)
            n, eof = d.u32(), d.u32()
            data = d.opaque(65536)
            c.done(d, "READ")
            expect(n == len(data), "READ count %d, %d bytes" % (n, len(data)))
            if n != 65536:
                expect(n % 2 == 1 and data == pat[off:off + n], "short READ")
                stats["short"] += 1
                continue
            expect(eof == (off + n == 1 << 20), "READ eof")
            back += data
            break
    expect(back == pat, "data read back differs")
    for _ in range(20):
        d = c.call(6, popaque(fh) + p64(1 << 20) + p32(100))
        if d is None:
            continue
        st = d.u32()
        c.post_op(d)
        if st == NFS3_OK:
            break
        expect(st in (NFS3ERR_JUKEBOX, NFS3ERR_SERVERFAULT), "READ at EOF: %d" % st)
        c.done(d, "READ at EOF")
    expect(d.u32() == 0 and d.u32() == 1 and d.opaque(0) == b"", "READ at EOF: 0 bytes, eof")
    c.done(d, "READ at EOF")
    d = c.call(7, popaque(b"bogus-handle") + p64(0) + p32(4) + p32(2) + popaque(b"abcd"))
    expect(d.u32() == NFS3ERR_STALE, "WRITE to an unknown handle")
    c.wcc(d)
    c.done(d, "WRITE STALE")
    c.s.close()
    check_stats(stats, c.seen, pat)


def selftest():
    # Imported here: under TCG every module costs the guest time.
    import subprocess  # pylint: disable=import-outside-toplevel
    import tempfile  # pylint: disable=import-outside-toplevel
    here = os.path.dirname(os.path.abspath(__file__))
    quirks = ["--unstable", "--verf-change-every", "3", "--jukebox-every", "4",
              "--jukebox-commit-every", "5", "--fragment", "--empty-fragments",
              "--bogus-xid-every", "2", "--bogus-setup", "--vary-attrs",
              "--trickle-every", "3", "--serverfault-every", "6",
              "--syserr-every", "7", "--short-every", "5"]
    rc = 0
    with tempfile.TemporaryDirectory() as tmp:
        framing = ["--fragment", "--empty-fragments", "--trickle-every", "2",
                   "--vary-attrs", "--seed", "7"]
        for name, extra in (("plain", []), ("framing", framing),
                            ("quirks", quirks)):
            p, port, mport = selftest_server(extra, tmp)
            try:
                def check(stats, seen, pat):
                    os.kill(p.pid, signal.SIGUSR1)
                    time.sleep(0.5)
                    with open(os.path.join(tmp, "dump"), "rb") as fp:
                        expect(fp.read() == pat, "dumped stable content differs")
                    if "--unstable" in extra:
                        expect(stats["unstable"] and stats["jukebox"] and
                               stats["verf_changed"] and stats["short"] and
                               seen["syserr"], "quirks not seen: %s %s" % (stats, seen))
                    if extra:
                        expect(seen["fragments"] > 100 and
                               bool(seen["bogus"]) == ("--bogus-setup" in extra),
                               "framing quirks not seen: %s" % seen)
                selftest_io(port, mport, check)
                # nfs3probe.py: an independent client (fragments, no XID skip)
                if not extra or "--bogus-xid-every" not in extra:
                    out = subprocess.run(
                        [sys.executable, os.path.join(here, "nfs3probe.py"),
                         "--port", str(port), "--mnt-port", str(mport),
                         "io", "/fakenfs", "swap.img", "8192"],
                        capture_output=True, text=True, timeout=30)
                    expect(out.returncode == 0, "nfs3probe: %s %s" % (out.stdout, out.stderr))
                p.send_signal(signal.SIGTERM)
                expect(p.wait(timeout=10) == 0, "server exit status")
                st = st_file(os.path.join(tmp, "stats"))
                expect(st["bad_calls"] == 0, "bad calls")
                expect(st["retry_waits"] == st["retry_back"], "retries missing")
                expect(st["dirty_pages"] == 0 and st["lost_pending"] == 0,
                       "uncommitted data left: %s" % st)
                print("selftest %s: ok (%s)" % (name, " ".join(
                    "%s=%d" % kv for kv in sorted(st.items()) if kv[1])))
            except (CheckError, XdrError, OSError, subprocess.SubprocessError) as e:
                print("selftest %s: FAILED: %s" % (name, e))
                with open(os.path.join(tmp, "log")) as fp:
                    sys.stdout.write(fp.read()[-3000:])
                rc = 1
            finally:
                if p.poll() is None:
                    p.kill()
                    p.wait()
    return rc


def main(argv):
    ap = argparse.ArgumentParser(usage=__doc__)
    ap.add_argument("--selftest", action="store_true")
    ap.add_argument("--host", default="127.0.0.1")
    ap.add_argument("--port", type=int, default=2049)
    ap.add_argument("--mnt-port", type=int)
    ap.add_argument("--export", default="/fakenfs")
    ap.add_argument("--file", action="append", default=[])
    ap.add_argument("--holes", action="append", default=[])
    ap.add_argument("--rtmax", type=int, default=65536)
    ap.add_argument("--wtmax", type=int, default=65536)
    ap.add_argument("--unstable", action="store_true")
    ap.add_argument("--unstable-every", type=int, default=0)
    ap.add_argument("--data-sync", action="store_true")
    ap.add_argument("--idle-close", type=float, default=0)
    ap.add_argument("--verf-change-every", type=int, default=0)
    ap.add_argument("--jukebox-every", type=int, default=0)
    ap.add_argument("--jukebox-commit-every", type=int, default=0)
    ap.add_argument("--serverfault-every", type=int, default=0)
    ap.add_argument("--syserr-every", type=int, default=0)
    ap.add_argument("--short-every", type=int, default=0)
    ap.add_argument("--fragment", action="store_true")
    ap.add_argument("--empty-fragments", action="store_true")
    ap.add_argument("--trickle-every", type=int, default=0)
    ap.add_argument("--bogus-xid-every", type=int, default=0)
    ap.add_argument("--bogus-setup", action="store_true")
    ap.add_argument("--vary-attrs", action="store_true")
    ap.add_argument("--setup-drip", action="store_true")
    ap.add_argument("--read-too-much-every", type=int, default=0)
    ap.add_argument("--trailing-garbage-every", type=int, default=0)
    ap.add_argument("--stale-after", type=int, default=0)
    ap.add_argument("--setup-fragments", type=int, default=0)
    ap.add_argument("--huge-marker-every", type=int, default=0)
    ap.add_argument("--empty-storm-every", type=int, default=0)
    ap.add_argument("--merge-trap", type=parse_size)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--stall-after", type=int, default=0)
    ap.add_argument("--stats")
    ap.add_argument("--dump")
    ap.add_argument("--dump-name")
    ap.add_argument("--dump-len", type=parse_size)
    ap.add_argument("--ready")
    ap.add_argument("--log")
    ap.add_argument("--log-calls", action="store_true")
    o = ap.parse_args(argv)
    if o.selftest:
        return selftest()
    if o.mnt_port is None:
        o.mnt_port = o.port + 1 if o.port else 0
    for n in ("unstable_every", "verf_change_every", "jukebox_every",
              "jukebox_commit_every", "serverfault_every", "syserr_every",
              "short_every", "trickle_every", "bogus_xid_every", "stall_after",
              "setup_fragments", "read_too_much_every", "trailing_garbage_every",
              "stale_after", "huge_marker_every", "empty_storm_every"):
        if getattr(o, n) < 0:
            ap.error("--%s: must be >= 0" % n.replace("_", "-"))
    if o.rtmax < PAGE or o.wtmax < PAGE:
        ap.error("--rtmax/--wtmax: at least 4096")
    return Server(o).serve()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
