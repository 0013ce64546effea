#!/usr/bin/python3
# Guest: pages of a process pushed out to swap, where they went, and what
# happens when they come back (t-40-seal).
#
#   sealpages.py DIR PAGES MARKER
#
# Fills PAGES anonymous pages, each starting with MARKER and its index and
# filled with bytes derived from the index, pushes them to swap
# (MADV_PAGEOUT) and writes DIR/offsets: "INDEX SWAP_OFFSET" for each page
# that went (from /proc/self/pagemap; the byte offset on the swap device is
# SWAP_OFFSET x 4096). Then waits (at most 600 s) for DIR/go, which lists
# victim indexes, one per line (the caller has pushed the swap cache out
# meanwhile: a victim still in RAM would not be read from the disk, and
# is exit code 4). It reads back every other page and checks it, writes
# "verified N" (N pages) to DIR/verified, and then touches the victims in
# order: a victim whose block the host altered must end the process with
# SIGBUS. Exit codes: 0 every victim read (the caller decides whether that
# is wrong), 1 a page came back wrong (never allowed), 2 setup failed,
# 3 no go within the time, 4 a victim was still in RAM.
import ctypes
import mmap
import os
import struct
import sys
import time

PAGE = 4096
MADV_PAGEOUT = getattr(mmap, "MADV_PAGEOUT", 21)


def page_bytes(marker, i):
    head = b"%s %08d " % (marker, i)
    body = bytes(((i * 131 + k * 7) & 0xFF) for k in range(256)) * (PAGE // 256)
    return head + body[len(head):]


def main():
    out, pages, marker = sys.argv[1], int(sys.argv[2]), sys.argv[3].encode()
    mm = mmap.mmap(-1, pages * PAGE, flags=mmap.MAP_PRIVATE | mmap.MAP_ANONYMOUS)
    for i in range(pages):
        mm[i * PAGE:(i + 1) * PAGE] = page_bytes(marker, i)
    addr = ctypes.addressof(ctypes.c_char.from_buffer(mm))
    for _ in range(3):
        mm.madvise(MADV_PAGEOUT)
        time.sleep(0.5)
    lines = []
    with open("/proc/self/pagemap", "rb") as f:
        f.seek(addr // PAGE * 8)
        data = f.read(pages * 8)
    for i in range(pages):
        (e,) = struct.unpack_from("<Q", data, i * 8)
        if e >> 62 & 1:  # swapped: type in bits 0-4, offset in 5-54
            lines.append("%d %d\n" % (i, (e >> 5) & ((1 << 50) - 1)))
    tmp = os.path.join(out, "offsets.tmp")
    with open(tmp, "w") as f:
        f.writelines(lines)
    os.rename(tmp, os.path.join(out, "offsets"))
    go = os.path.join(out, "go")
    for _ in range(6000):
        if os.path.exists(go):
            break
        time.sleep(0.1)
    else:
        return 3
    with open(go) as f:
        victims = [int(x) for x in f.read().split()]
    # mincore(2) says whether a swapped-out page is still in the swap cache.
    libc = ctypes.CDLL(None, use_errno=True)
    vec = (ctypes.c_ubyte * pages)()
    if libc.mincore(ctypes.c_void_p(addr), ctypes.c_size_t(pages * PAGE), vec):
        print("sealpages: mincore: errno %d" % ctypes.get_errno(), file=sys.stderr)
        return 2
    resident = [i for i in victims if vec[i] & 1]
    if resident:
        print("sealpages: victims %s still in RAM" % resident, file=sys.stderr)
        return 4
    n = 0
    for i in range(pages):
        if i in victims:
            continue
        if mm[i * PAGE:(i + 1) * PAGE] != page_bytes(marker, i):
            print("sealpages: page %d came back wrong" % i, file=sys.stderr)
            return 1
        n += 1
    with open(os.path.join(out, "verified"), "w") as f:
        f.write("verified %d\n" % n)
    for i in victims:
        if mm[i * PAGE:(i + 1) * PAGE] != page_bytes(marker, i):
            print("sealpages: victim %d came back wrong" % i, file=sys.stderr)
            return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
