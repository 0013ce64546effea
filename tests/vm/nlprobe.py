#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Raw generic netlink requests to the netswap family, for the tests:
what swapctl never sends. Each case prints "ok: ..." or "FAIL: ...";
exit status 1 if any failed.

  nlprobe.py strict     unknown attribute, over-long or missing name,
                        unknown name: each refused with the right errno
                        and an extended-ACK message
"""
import errno
import os
import socket
import struct
import sys

NETLINK_GENERIC = 16
GENL_ID_CTRL = 0x10
CTRL_CMD_GETFAMILY = 3
CTRL_ATTR_FAMILY_ID = 1
CTRL_ATTR_FAMILY_NAME = 2
NLM_F_REQUEST = 1
NLM_F_ACK = 4
NLMSG_ERROR = 2
NLMSGERR_ATTR_MSG = 1
NETLINK_EXT_ACK = 11
SOL_NETLINK = 270
NETSWAP_CMD_GET = 1
NETSWAP_A_NAME = 1

failed = 0


def attr(t, payload):
    a = struct.pack("HH", 4 + len(payload), t) + payload
    return a + b"\0" * (-len(a) % 4)


def parse_attrs(b):
    out = {}
    while len(b) >= 4:
        ln, t = struct.unpack("HH", b[:4])
        if ln < 4:
            break
        out[t & 0x3fff] = b[4:ln]
        b = b[(ln + 3) & ~3:]
    return out


class Genl:
    def __init__(self):
        self.s = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, NETLINK_GENERIC)
        self.s.bind((0, 0))
        self.s.setsockopt(SOL_NETLINK, NETLINK_EXT_ACK, 1)
        self.seq = 1

    def request(self, family, cmd, attrs, flags=NLM_F_REQUEST | NLM_F_ACK):
        body = struct.pack("BBH", cmd, 1, 0) + attrs
        self.seq += 1
        msg = struct.pack("IHHII", 16 + len(body), family, flags, self.seq, 0) + body
        self.s.send(msg)
        replies = []
        while True:
            data = self.s.recv(65536)
            off = 0
            while off < len(data):
                ln, typ, fl, seq, pid = struct.unpack("IHHII", data[off:off + 16])
                payload = data[off + 16:off + ln]
                off += (ln + 3) & ~3
                if typ == NLMSG_ERROR:
                    err = -struct.unpack("i", payload[:4])[0]
                    msg = ""
                    if fl & 0x200:  # NLM_F_ACK_TLVS
                        orig_len = 16 if fl & 0x100 else struct.unpack("I", payload[4:8])[0]
                        tlv = parse_attrs(payload[4 + orig_len:])
                        msg = tlv.get(NLMSGERR_ATTR_MSG, b"").rstrip(b"\0").decode()
                    return err, msg, replies
                replies.append(payload)

    def family(self, name):
        err, _, rep = self.request(GENL_ID_CTRL, CTRL_CMD_GETFAMILY,
                                   attr(CTRL_ATTR_FAMILY_NAME, name.encode() + b"\0"))
        if err or not rep:
            sys.exit(f"FAIL: family {name} not found ({os.strerror(err)})")
        return struct.unpack("H", parse_attrs(rep[0][4:])[CTRL_ATTR_FAMILY_ID][:2])[0]


def expect(what, got, want_err, want_msg):
    global failed
    err, msg, _ = got
    if err == want_err and want_msg in msg:
        print(f"ok: {what}: {errno.errorcode.get(err, err)} '{msg}'")
    else:
        print(f"FAIL: {what}: errno {err} '{msg}', expected "
              f"{errno.errorcode[want_err]} with '{want_msg}'")
        failed = 1


def strict():
    g = Genl()
    fam = g.family("netswap")
    name = lambda n: attr(NETSWAP_A_NAME, n + b"\0")
    expect("unknown name", g.request(fam, NETSWAP_CMD_GET, name(b"nosuch")),
           errno.ENOENT, "no such target")
    expect("no name", g.request(fam, NETSWAP_CMD_GET, b""),
           errno.EINVAL, "target name missing")
    expect("name of 32 characters", g.request(fam, NETSWAP_CMD_GET, name(b"n" * 32)),
           errno.EINVAL, "")
    expect("attribute the GET does not take (STATE)",
           g.request(fam, NETSWAP_CMD_GET, name(b"x") + attr(10, b"\1\0\0\0")),
           errno.EINVAL, "")
    expect("attribute past the family's last (99)",
           g.request(fam, NETSWAP_CMD_GET, name(b"x") + attr(99, b"\0\0\0\0")),
           errno.EINVAL, "")
    expect("unknown command (7)", g.request(fam, 7, b""), errno.EOPNOTSUPP, "")


if __name__ == "__main__":
    if sys.argv[1:] != ["strict"]:
        sys.exit(__doc__)
    strict()
    sys.exit(failed)
