#!/usr/bin/python3
"""fakeiscsi.py: a hostile iSCSI target that misbehaves during login, for
t-27-hostile-login. Standard library only; one connection at a time; it
never serves I/O: after a login it closes the connection at the first
SCSI command.

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

It stops by itself after --max-pdus Login Responses on a connection
(100000) or --max-seconds (120), so a client that never gives up cannot
keep it running. Counters go to --log as "key value" lines when it ends:
connections, login_pdus, continuations, scsi_cmds, and for the CHAP modes
chap_ok (initiator responses that verified), challenges (initiator
challenges received) and distinct_challenges.
"""
import hashlib
import os
import argparse
import signal
import socket
import struct
import sys
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


class Target:
    def __init__(self, mode, chap_secret="", target_user="", target_secret=""):
        self.mode = mode
        self.stat_sn = 1
        self.counts = {"connections": 0, "login_pdus": 0, "continuations": 0, "scsi_cmds": 0}
        self.chap_secret = chap_secret.encode()
        self.target_user = target_user.encode()
        self.target_secret = target_secret.encode()
        self.challenge = None
        self.seen = set()
        if mode.startswith("chap"):
            self.counts.update({"chap_ok": 0, "challenges": 0, "distinct_challenges": 0})

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


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--host", default="127.0.0.1")
    ap.add_argument("--port", type=int, default=3261)
    ap.add_argument("--mode", required=True,
                    choices=["continue-empty", "c-and-t", "huge", "unterminated", "no-digest", "drip",
                             "split", "auth-none", "auth-skip", "chap-mutual", "chap-wrong-r",
                             "chap-no-answer", "chap-wrong-name"])
    ap.add_argument("--chap-secret", default="")
    ap.add_argument("--target-user", default="")
    ap.add_argument("--target-secret", default="")
    ap.add_argument("--ready")
    ap.add_argument("--log")
    ap.add_argument("--max-pdus", type=int, default=100000)
    ap.add_argument("--max-seconds", type=float, default=120)
    a = ap.parse_args()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    t = Target(a.mode, a.chap_secret, a.target_user, a.target_secret)
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
            try:
                t.serve(conn, a.max_pdus, deadline)
            except (EOFError, OSError):
                pass
            finally:
                conn.close()
    finally:
        if a.log:
            with open(a.log, "w") as f:
                for k, v in t.counts.items():
                    f.write(f"{k} {v}\n")


if __name__ == "__main__":
    main()
