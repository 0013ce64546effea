#!/usr/bin/python3
"""fakeiscsi.py: a hostile iSCSI target that misbehaves during login (for
t-27-hostile-login) or during I/O (t-28-hostile-io). Standard library
only. The login modes serve one connection at a time and never serve I/O:
after a login they close the connection at the first SCSI command. The
I/O modes serve every connection at once (a thread each, one PDU at a time
under one lock), each a session of its own on the same LUN, as a target
serves an initiator's sessions with sibling ISIDs.

  fakeiscsi.py --port N --mode MODE [--ready FILE] [--log FILE]

Modes (what the target sends in answer to the initiator's Login Requests):
  continue-empty  every answer has the Continue bit and no text, forever
                  (a login that never ends unless the initiator stops it)
  c-and-t         Continue and Transit set together on the first answer
  huge            a 64 KiB text segment (past any login buffer)
  unterminated    "AuthMethod=None" without its terminating NUL, Transit
  no-digest       a complete, valid login whose operational answer leaves
                  HeaderDigest and DataDigest out (the initiator asked for
                  CRC32C: left out means None)
  drip            a valid answer with an 8000-byte TargetAlias, sent one
                  byte every 0.25 s: every single receive is quick, the
                  whole takes half an hour (a peer that holds the setup)
  split           a valid login whose security answer comes in two PDUs
                  (Continue, then the rest), digests None: the initiator
                  must reach full feature phase (and its first command)
  auth-none       a valid login that answers AuthMethod=None to an
                  initiator that offered CHAP (a downgrade)
  auth-skip       leaves the security stage at once without answering
                  AuthMethod at all
  chap-mutual     CHAP: checks the initiator's CHAP_R with --chap-secret
                  (a wrong one is refused with "authentication failure"),
                  and answers the initiator's own challenge, if any, as
                  --target-user with --target-secret: a valid login
  chap-wrong-r    as chap-mutual, but answers the challenge with a CHAP_R
                  that proves nothing (16 random bytes)
  chap-no-answer  as chap-mutual, but leaves the security stage without
                  answering the initiator's challenge (no CHAP_N/CHAP_R)
  chap-wrong-name as chap-mutual, but answers as "impostor"
  redirect        answers every first Login Request with a redirection
                  (class 1, "moved temporarily") to --redirect-to
                  (a TargetAddress value; none at all if empty)
  redirect-perm   the same with "moved permanently"

I/O modes: a valid login (InitialR2T=Yes, ImmediateData=No: every write
is asked for by R2T), then a LUN of --lun-mb MiB (512-byte blocks, kept in
memory across connections, so recovery finds its data) served for TEST
UNIT READY, INQUIRY (VPD 0x80 serial; 0x83 refused), READ CAPACITY(16),
READ(16), WRITE(16) and SYNCHRONIZE CACHE(16), answering the initiator's
pings. The fault is injected into the first command it applies to (a READ
for a Data-In fault, a WRITE for an R2T fault) once --inject-after
commands have been seen, then into the first one at least --inject-every
commands after the last injection and, for a fault that ends in a
recovery, on a connection opened after that injection, --inject-count
times in all; never on a fixed command number, which the order of a
run's reads, writes and probes would decide:
  io              no misbehaviour (the baseline)
  io-bad-r2t      an R2T whose offset lies past the end of the write
  io-big-nop      a NOP-In ping whose data segment is 16 KiB, twice the
                  initiator's control buffer
  io-nop-storm    a NOP-In ping with 4 KiB of data of its own before every
                  command: each echo the initiator sends must carry its
                  ping's data whole or none of it (echo_ok, echo_empty,
                  echo_torn, echo_unknown)
  io-datain-gap, io-datain-overlap, io-datain-datasn
                  a READ's data in two Data-In PDUs, the second 512 bytes
                  past where the first ended, 512 bytes before it, or with
                  DataSN 5
  io-datain-short the READ's status after half its data
  io-datain-residual  all the data, then GOOD status with an underflow
                  residual of 512
  io-datain-big   a Data-In header announcing 300000 bytes (past the
                  initiator's MaxRecvDataSegmentLength), then silence
  io-unknown-itt  a SCSI Response for a task never started, before the
                  command's own answer
  io-cross-itt    on a READ, while another session has a WRITE waiting
                  for its data: a GOOD SCSI Response for that WRITE's ITT
                  on the READ's session, before the READ's answer, and the
                  WRITE forgotten (its data, if it comes, dropped): an
                  initiator that completes the WRITE on that response has
                  lost its data
  io-write-early-good  a WRITE answered GOOD at once, no R2T, its data
                  never asked for nor stored: an initiator that completes
                  it on that status has lost the data
  io-write-residual  a WRITE's data all taken, all but its last 512 bytes
                  stored, then GOOD with an underflow residual of 512
  io-reject       a Reject of the command (reason 0x04), instead of its answer
  io-async-logout an Async Message asking for logout, instead of the answer
  io-cut          half of a READ's Data-In PDU, then the connection closed
  io-sense-overrun  a READ answered CHECK CONDITION whose SenseLength (200)
                  runs past its data segment (18 bytes of sense)
  io-sense-garbage  a READ answered CHECK CONDITION without usable sense:
                  sense in no known format (response code 0x7f), or a
                  data segment of SenseLength 0 (alternately)
  rc-all-ones, rc-huge, rc-block3, rc-one-block
                  READ CAPACITY(16) reports a last LBA of 2^64-1 (0 blocks
                  once counted), one of 2^64-2 (more bytes than 64 bits
                  hold), 3-byte blocks, or a last LBA of 0 (one block)

It stops by itself after --max-pdus Login Responses on a connection
(100000) or --max-seconds (120), so a client that never gives up cannot
keep it running. Counters go to --log as "key value" lines when it ends:
connections, login_pdus, continuations, scsi_cmds, in the I/O modes
itt_reused (commands whose ITT an earlier command of the same connection
had already used), and for the CHAP modes
chap_ok (initiator responses that verified), challenges (initiator
challenges received) and distinct_challenges.
"""
import hashlib
import os
import argparse
import collections
import signal
import socket
import struct
import sys
import threading
import time

OP_LOGIN_REQ = 0x03
OP_LOGIN_RSP = 0x23
OP_SCSI_CMD = 0x01
F_T = 0x80
F_C = 0x40
BHS = 48


def recv_exact(conn, n):
    buf = b""
    while len(buf) < n:
        chunk = conn.recv(n - len(buf))
        if not chunk:
            raise EOFError
        buf += chunk
    return buf


def recv_pdu(conn):
    hdr = recv_exact(conn, BHS)
    ahs = hdr[4] * 4
    dsl = int.from_bytes(hdr[5:8], "big")
    body = recv_exact(conn, ahs + dsl + (-dsl % 4))
    return hdr, body[ahs:ahs + dsl]


OP_NOP_OUT, OP_DATA_OUT, OP_LOGOUT_REQ = 0x00, 0x05, 0x06
OP_NOP_IN, OP_SCSI_RSP, OP_DATA_IN, OP_R2T, OP_LOGOUT_RSP = 0x20, 0x21, 0x25, 0x31, 0x26
RSVD = 0xFFFFFFFF
# Fixed-format sense: UNIT ATTENTION, POWER ON OR RESET (29/00).
SENSE_UA = bytes([0x70, 0, 6, 0, 0, 0, 0, 10, 0, 0, 0, 0, 0x29, 0, 0, 0, 0, 0])
BLOCK = 512


class Cut(Exception):
    """Send these bytes, then close the connection."""


# Faults the initiator answers without a recovery (a retry).
NO_RECOVERY = {"io-sense-garbage"}


class Lun:
    """What the I/O modes' sessions share: the LUN, the counters, the
    schedule of injections, the lock every PDU is handled under."""

    def __init__(self, mode, lun_mb, inject_after, inject_every, inject_count):
        self.mode = mode
        self.disk = bytearray(lun_mb << 20)
        self.inject_next = inject_after
        self.inject_every = max(1, inject_every)
        self.inject_left = inject_count
        # Connections opened when the last fault was injected: a fault
        # that ends in a recovery hits again only on a connection opened
        # after it, never on one still on its way down (where the
        # initiator, already recovering, would not see it as a new fault).
        self.inject_conns = 0
        self.counts = collections.Counter(connections=0, scsi_cmds=0, reads=0, writes=0,
                                          injected=0, echo_ok=0, echo_empty=0, echo_torn=0,
                                          echo_unknown=0, pings_answered=0, itt_reused=0)
        self.counts["sessions_at_once"] = 0
        self.notes = None
        self.lock = threading.Lock()
        self.sessions = set()


class IoTarget:
    """One session of a target that logs in validly and serves LUN (a Lun)
    from memory."""

    def __init__(self, lun):
        self.lun = lun
        self.mode = lun.mode
        self.disk = lun.disk
        self.counts = lun.counts
        self.notes = lun.notes
        self.stat_sn = 1
        self.pings = {}
        self.writes = {}
        self.next_ttt = 1
        self.serial = 0
        self.itts = set()

    # -- PDUs --
    def pdu(self, op, flags, hdr_fields, data=b""):
        h = bytearray(BHS)
        h[0] = op
        h[1] = flags
        h[5:8] = len(data).to_bytes(3, "big")
        for off, val in hdr_fields:
            h[off:off + len(val)] = val
        return bytes(h) + data + b"\0" * (-len(data) % 4)

    def sns(self, advance):
        """StatSN, ExpCmdSN, MaxCmdSN fields at 24..36."""
        f = struct.pack(">III", self.stat_sn, self.exp_cmd_sn, self.exp_cmd_sn + 127)
        if advance:
            self.stat_sn += 1
        return (24, f)

    def scsi_rsp(self, c, status, sense=b"", exp_data_sn=0, sense_len=None, underflow=0):
        data = b""
        if sense or sense_len is not None:
            n = len(sense) if sense_len is None else sense_len
            data = n.to_bytes(2, "big") + sense
        return self.pdu(OP_SCSI_RSP, 0x82 if underflow else 0x80,
                        [(3, bytes([status])), (16, c["itt"]), self.sns(True),
                         (36, struct.pack(">III", exp_data_sn, 0, underflow))], data)

    def data_in(self, c, payload, read=False):
        """Data-In PDUs for PAYLOAD, the last with GOOD status. For a READ,
        one of the Data-In modes may spoil them (see the module doc)."""
        m = self.mode
        bad = read and m.startswith("io-datain") and self.inject(m)
        size = self.mrdsl
        if bad and m in ("io-datain-gap", "io-datain-overlap", "io-datain-datasn",
                         "io-datain-short"):
            size = len(payload) // 2
        if bad and m == "io-datain-big":
            h = bytearray(self.pdu(OP_DATA_IN, 0, [(8, c["lun"]), (16, c["itt"]),
                                                   (20, struct.pack(">I", RSVD)), self.sns(False)]))
            h[5:8] = (300000).to_bytes(3, "big")
            return bytes(h)
        out, off, sn = [], 0, 0
        while True:
            n = min(size, len(payload) - off)
            last = off + n >= len(payload) or (bad and m == "io-datain-short")
            flags, resid = (0x81 if last else 0), 0
            at, dsn = off, sn
            if bad and sn == 1:
                at += {"io-datain-gap": 512, "io-datain-overlap": -512}.get(m, 0)
                dsn = 5 if m == "io-datain-datasn" else sn
            if bad and last and m == "io-datain-residual":
                flags, resid = flags | 0x02, 512
            out.append(self.pdu(OP_DATA_IN, flags,
                                [(3, b"\0"), (8, c["lun"]), (16, c["itt"]),
                                 (20, struct.pack(">I", RSVD)), self.sns(last),
                                 (36, struct.pack(">III", dsn, at, resid))],
                                payload[off:off + n]))
            off += n
            sn += 1
            if last:
                return b"".join(out)

    def r2t(self, c):
        off = c["r2t_off"]
        n = min(262144, c["len"] - off)
        c["r2t_end"] = off + n
        if self.inject("io-bad-r2t"):
            off = c["len"]              # past the end of the write
        pdu = self.pdu(OP_R2T, 0x80, [(8, c["lun"]), (16, c["itt"]),
                                      (20, struct.pack(">I", c["ttt"])), self.sns(False),
                                      (36, struct.pack(">III", c["r2t_sn"], off, n))])
        c["r2t_sn"] += 1
        return pdu

    def ping(self, size):
        ttt = self.next_ttt
        self.next_ttt += 1
        data = bytes((ttt * 7 + i) & 0xFF for i in range(size))
        self.pings[ttt] = data
        return self.pdu(OP_NOP_IN, 0x80, [(16, struct.pack(">I", RSVD)),
                                          (20, struct.pack(">I", ttt)), self.sns(False)], data)

    def inject(self, mode):
        """True when this call is one of the injections of MODE."""
        lun = self.lun
        if self.mode != mode or lun.inject_left <= 0:
            return False
        n = self.counts["scsi_cmds"]
        if n < lun.inject_next:
            return False
        if mode not in NO_RECOVERY and self.serial <= lun.inject_conns:
            return False
        lun.inject_next = n + lun.inject_every
        lun.inject_conns = self.counts["connections"]
        lun.inject_left -= 1
        self.counts["injected"] += 1
        return True

    def waiting_write(self):
        """(session, WRITE) of another session that still waits for data,
        or None."""
        for s in self.lun.sessions:
            if s is not self and s.writes:
                return s, next(iter(s.writes.values()))
        return None

    # -- SCSI --
    def command(self, hdr):
        cdb = hdr[32:48]
        c = {"itt": hdr[16:20], "lun": hdr[8:16], "edtl": struct.unpack(">I", hdr[20:24])[0]}
        self.counts["scsi_cmds"] += 1
        # Legal once the earlier command is done, but then a late or
        # duplicated answer to it would pass for the new one's.
        if c["itt"] in self.itts:
            self.counts["itt_reused"] += 1
        self.itts.add(c["itt"])
        out = b""
        if self.mode == "io-nop-storm":
            out += self.ping(4096)
        if self.inject("io-big-nop"):
            out += self.ping(16384)
        op = cdb[0]
        if op == 0x00 or op == 0x91:                    # TUR, SYNC CACHE(16)
            return out + self.scsi_rsp(c, 0)
        if op == 0x12:                                  # INQUIRY
            if cdb[1] & 1 and cdb[2] == 0x80:
                serial = b"FAKE0001"
                page = bytes([0, 0x80, 0, len(serial)]) + serial
            elif cdb[1] & 1:
                sense = bytes([0x70, 0, 5, 0, 0, 0, 0, 10, 0, 0, 0, 0, 0x24, 0, 0, 0, 0, 0])
                return out + self.scsi_rsp(c, 2, sense)
            else:
                page = bytes([0, 0, 5, 2, 31, 0, 0, 0]) + b"NETSWAP " + b"fakeiscsi io    " + b"0001"
            return out + self.data_in(c, (page + bytes(c["edtl"]))[:c["edtl"]])
        if op == 0x9E:                                  # READ CAPACITY(16)
            rc = struct.pack(">QI", len(self.disk) // BLOCK - 1, BLOCK)
            if self.mode == "rc-all-ones":
                rc = struct.pack(">QI", (1 << 64) - 1, BLOCK)
            elif self.mode == "rc-huge":
                rc = struct.pack(">QI", (1 << 64) - 2, BLOCK)
            elif self.mode == "rc-block3":
                rc = struct.pack(">QI", 1000, 3)
            elif self.mode == "rc-one-block":
                rc = struct.pack(">QI", 0, BLOCK)
            return out + self.data_in(c, (rc + bytes(c["edtl"]))[:c["edtl"]])
        lba, blocks = struct.unpack(">QI", cdb[2:14])
        a, b = lba * BLOCK, (lba + blocks) * BLOCK
        if op == 0x88:                                  # READ(16)
            self.counts["reads"] += 1
            if self.inject("io-unknown-itt"):
                out += self.scsi_rsp(dict(c, itt=b"\x00\x00\x77\x77"), 0)
            sw = self.waiting_write() if self.mode == "io-cross-itt" else None
            if sw is not None and self.inject("io-cross-itt"):
                owner, w = sw
                self.note("cross-session response for the WRITE with ITT %s at byte %d" %
                          (w["itt"].hex(), w["at"]))
                # The target forgets that WRITE: data still to come for it
                # is dropped, so an initiator that took this response as
                # its completion has lost it for good.
                del owner.writes[w["ttt"]]
                out += self.scsi_rsp(dict(c, itt=w["itt"]), 0)
            if self.inject("io-reject"):
                return out + self.pdu(0x3F, 0x80, [(2, b"\x04"), (16, struct.pack(">I", RSVD)),
                                                   self.sns(True)], bytes(BHS))
            if self.inject("io-async-logout"):
                return out + self.pdu(0x32, 0x80, [(8, c["lun"]), (16, struct.pack(">I", RSVD)),
                                                   self.sns(True), (36, b"\x01\x00\x00\x00\x00\x02")])
            if self.inject("io-sense-overrun"):
                return out + self.scsi_rsp(c, 2, SENSE_UA, sense_len=200)
            if self.inject("io-sense-garbage"):
                if self.counts["injected"] % 2:
                    return out + self.scsi_rsp(c, 2, b"\x7f" + bytes(17))
                return out + self.scsi_rsp(c, 2, b"", sense_len=0)
            data = self.data_in(c, bytes(self.disk[a:b]), read=True)
            if self.inject("io-cut"):
                raise Cut(out + data[:len(data) // 2])
            return out + data
        if op == 0x8A:                                  # WRITE(16)
            self.counts["writes"] += 1
            if self.inject("io-write-early-good"):
                self.note("GOOD at once for the WRITE at byte %d, its data never asked for" % a)
                return out + self.scsi_rsp(c, 0)
            c.update(len=b - a, at=a, buf=bytearray(b - a), r2t_off=0, r2t_sn=0,
                     ttt=self.next_ttt, short=self.inject("io-write-residual"))
            self.next_ttt += 1
            self.writes[c["ttt"]] = c
            return out + self.r2t(c)
        sense = bytes([0x70, 0, 5, 0, 0, 0, 0, 10, 0, 0, 0, 0, 0x20, 0, 0, 0, 0, 0])
        return out + self.scsi_rsp(c, 2, sense)

    def data_out(self, hdr, data):
        ttt = struct.unpack(">I", hdr[20:24])[0]
        c = self.writes.get(ttt)
        if c is None:
            return b""
        off = struct.unpack(">I", hdr[40:44])[0]
        c["buf"][off:off + len(data)] = data
        if not hdr[1] & 0x80:
            return b""
        c["r2t_off"] = c["r2t_end"]
        if c["r2t_off"] < c["len"]:
            return self.r2t(c)
        del self.writes[ttt]
        if c["short"]:
            n = c["len"] - 512
            self.note("GOOD with residual 512 for the WRITE at byte %d" % c["at"])
            self.disk[c["at"]:c["at"] + n] = c["buf"][:n]
            return self.scsi_rsp(c, 0, exp_data_sn=c["r2t_sn"], underflow=512)
        self.disk[c["at"]:c["at"] + c["len"]] = c["buf"]
        return self.scsi_rsp(c, 0, exp_data_sn=c["r2t_sn"])

    def nop_out(self, hdr, data):
        itt, ttt = struct.unpack(">II", hdr[16:24])
        if itt != RSVD:                                 # the initiator's ping
            self.counts["pings_answered"] += 1
            return self.pdu(OP_NOP_IN, 0x80, [(8, hdr[8:16]), (16, hdr[16:20]),
                                              (20, struct.pack(">I", RSVD)), self.sns(True)], data)
        want = self.pings.pop(ttt, None)                # an echo of ours
        if want is None:
            self.counts["echo_unknown"] += 1
        elif data == want:
            self.counts["echo_ok"] += 1
        elif not data:
            self.counts["echo_empty"] += 1      # allowed: a reply without the data
        else:
            self.counts["echo_torn"] += 1
            first = next((i for i in range(min(len(data), len(want))) if data[i] != want[i]), -1)
            self.note("torn echo of ping %d: %d bytes (ping %d), first difference at %d: %s vs %s" %
                      (ttt, len(data), len(want), first, data[max(0, first - 4):first + 8].hex(),
                       want[max(0, first - 4):first + 8].hex()))
        return b""

    def note(self, line):
        if self.notes is not None:
            self.notes.write(line + "\n")
            self.notes.flush()

    # -- connection --
    def login(self, conn):
        """A valid login; False if the initiator went away."""
        t = Target("split")
        t.stat_sn = self.stat_sn
        step = 0
        while True:
            hdr, data = recv_pdu(conn)
            if hdr[0] & 0x3F != OP_LOGIN_REQ:
                return False
            for kv in data.split(b"\0"):
                if kv.startswith(b"MaxRecvDataSegmentLength="):
                    self.mrdsl = int(kv.split(b"=")[1])
            csg = (hdr[1] >> 2) & 3
            if csg == 0:
                out = t.login_rsp(hdr, F_T, b"AuthMethod=None\0")
            else:
                out = t.login_rsp(hdr, F_T, b"HeaderDigest=None\0DataDigest=None\0"
                                  b"InitialR2T=Yes\0ImmediateData=No\0MaxBurstLength=262144\0"
                                  b"FirstBurstLength=65536\0MaxRecvDataSegmentLength=65536\0"
                                  b"ErrorRecoveryLevel=0\0MaxOutstandingR2T=1\0")
            conn.sendall(out)
            self.exp_cmd_sn = struct.unpack(">I", hdr[24:28])[0]
            self.stat_sn = t.stat_sn
            step += 1
            if csg == 1 and (hdr[1] & 0x80):
                return True
            if step > 8:
                return False

    def serve(self, conn, max_pdus, deadline):
        lun = self.lun
        with lun.lock:
            self.counts["connections"] += 1
            self.serial = self.counts["connections"]
            self.mrdsl = 8192
            lun.sessions.add(self)
            self.counts["sessions_at_once"] = max(self.counts["sessions_at_once"],
                                                  len(lun.sessions))
        try:
            if not self.login(conn):
                return
            while time.monotonic() < deadline:
                hdr, data = recv_pdu(conn)
                with lun.lock:
                    if not self.pdu_in(conn, hdr, data):
                        return
        finally:
            with lun.lock:
                lun.sessions.discard(self)

    def pdu_in(self, conn, hdr, data):
        """Handle one PDU of the full feature phase; False: session over."""
        op = hdr[0] & 0x3F
        if not hdr[0] & 0x40 and op in (OP_SCSI_CMD, OP_LOGOUT_REQ):
            cmd_sn = struct.unpack(">I", hdr[24:28])[0]
            self.exp_cmd_sn = max(self.exp_cmd_sn, cmd_sn + 1)
        if op == OP_SCSI_CMD:
            try:
                out = self.command(hdr)
            except Cut as cut:
                conn.sendall(cut.args[0])
                return False
        elif op == OP_DATA_OUT:
            out = self.data_out(hdr, data)
        elif op == OP_NOP_OUT:
            out = self.nop_out(hdr, data)
        elif op == OP_LOGOUT_REQ:
            conn.sendall(self.pdu(OP_LOGOUT_RSP, 0x80, [(16, hdr[16:20]), self.sns(True)]))
            return False
        else:
            out = b""
        if out:
            conn.sendall(out)
        return True


class Target:
    def __init__(self, mode, chap_secret="", target_user="", target_secret="", redirect_to=""):
        self.mode = mode
        self.redirect_to = redirect_to
        self.stat_sn = 1
        self.counts = {"connections": 0, "login_pdus": 0, "continuations": 0, "scsi_cmds": 0}
        self.chap_secret = chap_secret.encode()
        self.target_user = target_user.encode()
        self.target_secret = target_secret.encode()
        self.challenge = None
        self.seen = set()
        if mode.startswith("chap"):
            self.counts.update({"chap_ok": 0, "challenges": 0, "distinct_challenges": 0})
        if mode.startswith("redirect"):
            self.counts["redirects"] = 0

    def redirect(self, req):
        """A Login Response of class 1 (redirection) to --redirect-to, for
        now (redirect) or for good (redirect-perm); without the key if
        --redirect-to is empty."""
        text = b"TargetAddress=%s\0" % self.redirect_to.encode() if self.redirect_to else b""
        h = bytearray(self.login_rsp(req, 0, text))
        h[36], h[37] = 1, 2 if self.mode == "redirect-perm" else 1
        self.counts["redirects"] += 1
        return bytes(h)

    def login_reject(self, req, cls, detail):
        """A Login Response with a failure status."""
        h = bytearray(self.login_rsp(req, 0, b""))
        h[36], h[37] = cls, detail
        return bytes(h)

    def chap(self, req, keys, step):
        """The security stage of the CHAP modes."""
        m = self.mode
        if step == 0:
            return self.login_rsp(req, 0, b"AuthMethod=CHAP\0")
        if step == 1:
            self.chap_id = os.urandom(1)[0]
            self.challenge = os.urandom(16)
            return self.login_rsp(req, 0, b"CHAP_A=5\0CHAP_I=%d\0CHAP_C=0x%s\0" %
                                  (self.chap_id, self.challenge.hex().encode()))
        want = hashlib.md5(bytes([self.chap_id]) + self.chap_secret + self.challenge).digest()
        if keys.get(b"CHAP_R", b"").lower() != b"0x" + want.hex().encode():
            return self.login_reject(req, 2, 1)
        self.counts["chap_ok"] += 1
        out = b""
        if b"CHAP_C" in keys:
            chal = bytes.fromhex(keys[b"CHAP_C"][2:].decode())
            self.counts["challenges"] += 1
            self.seen.add(chal)
            self.counts["distinct_challenges"] = len(self.seen)
            r = hashlib.md5(bytes([int(keys[b"CHAP_I"])]) + self.target_secret + chal).digest()
            if m == "chap-wrong-r":
                r = os.urandom(16)
            name = b"impostor" if m == "chap-wrong-name" else self.target_user
            if m != "chap-no-answer":
                out = b"CHAP_N=%s\0CHAP_R=0x%s\0" % (name, r.hex().encode())
        return self.login_rsp(req, F_T, out)

    def login_rsp(self, req, flags, text, dsl=None):
        """A successful Login Response to REQ's header."""
        csg = (req[1] >> 2) & 3
        h = bytearray(BHS)
        h[0] = OP_LOGIN_RSP
        h[1] = flags | (csg << 2) | (req[1] & 3 if flags & F_T else 0)
        n = len(text) if dsl is None else dsl
        h[5:8] = n.to_bytes(3, "big")
        h[8:14] = req[8:14]                 # ISID
        h[14:16] = b"\x00\x01" if flags & F_T and (req[1] & 3) == 3 else b"\x00\x00"
        h[16:20] = req[16:20]               # ITT
        cmd_sn = struct.unpack(">I", req[24:28])[0]
        struct.pack_into(">III", h, 24, self.stat_sn, cmd_sn, cmd_sn + 8)
        self.stat_sn += 1
        self.counts["login_pdus"] += 1
        if flags & F_C:
            self.counts["continuations"] += 1
        return bytes(h) + text + b"\0" * (-len(text) % 4)

    def answer(self, req, data, step):
        """The bytes to send for the STEP-th Login Request of a connection."""
        csg = (req[1] >> 2) & 3
        m = self.mode
        if m.startswith("redirect"):
            return self.redirect(req)
        if m == "continue-empty":
            return self.login_rsp(req, F_C, b"")
        if m == "c-and-t":
            return self.login_rsp(req, F_C | F_T, b"AuthMethod=None\0")
        if m == "huge":
            return self.login_rsp(req, F_T, b"TargetAlias=" + b"x" * (65536 - 13) + b"\0")
        if m == "unterminated":
            return self.login_rsp(req, F_T, b"AuthMethod=None")
        if m == "drip":
            return self.login_rsp(req, F_T, b"TargetAlias=" + b"d" * 7988 + b"\0")
        if csg == 0:
            if m.startswith("chap"):
                keys = dict(kv.split(b"=", 1) for kv in data.split(b"\0") if b"=" in kv)
                return self.chap(req, keys, step)
            if m == "auth-skip":
                return self.login_rsp(req, F_T, b"TargetAlias=skip\0")
            if m == "split" and step == 0:
                return self.login_rsp(req, F_C, b"AuthMeth")
            if m == "split":
                return self.login_rsp(req, F_T, b"od=None\0")
            return self.login_rsp(req, F_T, b"AuthMethod=None\0")
        # Operational stage: a complete, valid answer.
        keys = b"MaxRecvDataSegmentLength=65536\0ErrorRecoveryLevel=0\0"
        if m in ("split", "auth-none", "auth-skip") or m.startswith("chap"):
            keys = b"HeaderDigest=None\0DataDigest=None\0" + keys
        return self.login_rsp(req, F_T, keys)

    def serve(self, conn, max_pdus, deadline):
        self.counts["connections"] += 1
        step = 0
        while time.monotonic() < deadline:
            hdr, data = recv_pdu(conn)
            op = hdr[0] & 0x3F
            if op == OP_SCSI_CMD:
                self.counts["scsi_cmds"] += 1
                return
            if op != OP_LOGIN_REQ:
                return
            out = self.answer(hdr, data, step)
            if self.mode == "drip":
                for i in range(len(out)):
                    if time.monotonic() >= deadline:
                        return
                    conn.sendall(out[i:i + 1])
                    self.counts["drip_bytes"] = i + 1
                    time.sleep(0.25)
            else:
                conn.sendall(out)
            step += 1
            if step >= max_pdus:
                return


def serve_one(t, conn, max_pdus, deadline):
    try:
        t.serve(conn, max_pdus, deadline)
    except (EOFError, OSError):
        pass
    finally:
        conn.close()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--host", default="127.0.0.1")
    ap.add_argument("--port", type=int, default=3261)
    ap.add_argument("--mode", required=True,
                    choices=["continue-empty", "c-and-t", "huge", "unterminated", "no-digest", "drip",
                             "split", "auth-none", "auth-skip", "chap-mutual", "chap-wrong-r",
                             "chap-no-answer", "chap-wrong-name", "redirect", "redirect-perm",
                             "io", "io-bad-r2t", "io-big-nop", "io-nop-storm",
                             "io-datain-gap", "io-datain-overlap", "io-datain-datasn",
                             "io-datain-short", "io-datain-residual", "io-datain-big",
                             "io-unknown-itt", "io-cross-itt", "io-reject",
                             "io-write-early-good", "io-write-residual",
                             "io-async-logout", "io-cut",
                             "io-sense-overrun", "io-sense-garbage",
                             "rc-all-ones", "rc-huge", "rc-block3", "rc-one-block"])
    ap.add_argument("--lun-mb", type=int, default=16)
    ap.add_argument("--inject-after", type=int, default=50)
    ap.add_argument("--inject-every", type=int, default=100)
    ap.add_argument("--inject-count", type=int, default=1)
    ap.add_argument("--chap-secret", default="")
    ap.add_argument("--target-user", default="")
    ap.add_argument("--target-secret", default="")
    ap.add_argument("--redirect-to", default="")
    ap.add_argument("--ready")
    ap.add_argument("--log")
    ap.add_argument("--max-pdus", type=int, default=100000)
    ap.add_argument("--max-seconds", type=float, default=120)
    a = ap.parse_args()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    lun = None
    if a.mode.startswith("io") or a.mode.startswith("rc-"):
        lun = Lun(a.mode, a.lun_mb, a.inject_after, a.inject_every, a.inject_count)
        if a.log:
            lun.notes = open(a.log + ".notes", "w")
        counts = lun.counts
    else:
        t = Target(a.mode, a.chap_secret, a.target_user, a.target_secret, a.redirect_to)
        counts = t.counts
    deadline = time.monotonic() + a.max_seconds
    srv = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    srv.bind((a.host, a.port))
    srv.listen(4)
    srv.settimeout(1.0)
    if a.ready:
        open(a.ready, "w").close()
    try:
        while time.monotonic() < deadline:
            try:
                conn, _ = srv.accept()
            except socket.timeout:
                continue
            conn.settimeout(max(1.0, deadline - time.monotonic()))
            if lun:
                threading.Thread(target=serve_one, daemon=True,
                                 args=(IoTarget(lun), conn, a.max_pdus, deadline)).start()
            else:
                serve_one(t, conn, a.max_pdus, deadline)
    finally:
        if a.log:
            if lun:
                lun.lock.acquire(timeout=5)
            with open(a.log, "w") as f:
                for k, v in counts.items():
                    f.write(f"{k} {v}\n")


if __name__ == "__main__":
    main()
