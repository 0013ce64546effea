#!/usr/bin/env python3
"""Guest-side observer for t-16-linkcut (guest/ns-linkcut.sh).

  linkmon.py watch OUT NAME=ADDR:PORT...   (background; stop: touch OUT.stop)
  linkmon.py check OUT LONG_S FLAPS FLAP_S IO_TIMEOUT_MS

While swap is unreachable the guest's userspace stalls: a shell loop that
was swapped out runs again only after the target is back. watch therefore
locks itself in memory (mlockall) and execs nothing: every 0.1 s it reads
each target's state, stats and last_error from configfs, eth0's carrier,
the ARP entry of the targets' address, and /proc/net/tcp (every TCP socket
of the guest in any state, orphans and TIME-WAIT included, as `ss -tan`
lists them), and notes the host's markers in /share (ready, cut-K,
restored-K, flap-done) when they appear. At each cut-K it starts one
O_DIRECT 4 KiB read of each target's disk (a request in flight that must
time out: NFS has no ping, and the swap workload may be blocked on the
other target). It writes one JSON line per event to OUT (and keeps
/share/state-NAME current for the host).

check reads OUT and prints "ok: ..." / "FAIL: ..." lines (exit 1 if any
failed): the guest saw as many carrier losses as the host made cuts; per
target, I/O moved up to the long cut, which was detected while the link
was down (timeouts and recoveries rose between cut-1 and restored-1) and
recovered (up -> recovering -> up before cut-2); each cut that hit the
target up with a request in flight long enough to time out (or, iSCSI,
long enough for an unanswered NOP-Out ping) was detected; every probe
read completed without error; and the sockets: once both targets are up
after flap-done, exactly as many TCP sockets to each target's
address:port as it has connections (two, one for reads, unless
connections=1), and from cut-1 until 10 s after that never more at
once and never an old connection left closing (FIN-WAIT-*, TIME-WAIT,
LAST-ACK, ...).
"""
import ctypes
import json
import mmap
import os
import sys
import threading
import time

CFG = "/sys/kernel/config/netswap"
TCP_STATES = {
    1: "ESTAB", 2: "SYN-SENT", 3: "SYN-RECV", 4: "FIN-WAIT-1",
    5: "FIN-WAIT-2", 6: "TIME-WAIT", 7: "CLOSE", 8: "CLOSE-WAIT",
    9: "LAST-ACK", 10: "LISTEN", 11: "CLOSING",
}


def uptime():
    with open("/proc/uptime") as f:
        return float(f.read().split()[0])


def read(path, default=""):
    try:
        with open(path) as f:
            return f.read().strip()
    except OSError:
        return default


def stats(name):
    out = {}
    for line in read(f"{CFG}/{name}/stats").splitlines():
        k, _, v = line.partition(" ")
        try:
            out[k] = int(v)
        except ValueError:
            pass
    return out


def hexaddr(addr, port):
    """10.0.2.2, 3260 -> '0202000A:0CBC' as /proc/net/tcp shows it."""
    a = [int(x) for x in addr.split(".")]
    return "%02X%02X%02X%02X:%04X" % (a[3], a[2], a[1], a[0], int(port))


def sockets(peers):
    """{name: sorted list of state names of sockets to that peer}"""
    want = {hexaddr(*p.rsplit(":", 1)): n for n, p in peers.items()}
    out = {n: [] for n in peers}
    seen = set()
    try:
        with open("/proc/net/tcp") as f:
            next(f)
            for line in f:
                fld = line.split()
                n = want.get(fld[2])
                # /proc/net/tcp is read in chunks while sockets come and
                # go: a socket can be listed twice. Count each (local,
                # remote) pair once.
                if n and (fld[1], fld[2]) not in seen:
                    seen.add((fld[1], fld[2]))
                    out[n].append(TCP_STATES.get(int(fld[3], 16), fld[3]))
    except OSError:
        pass
    return {n: sorted(v) for n, v in out.items()}


def arp(addr):
    for line in read("/proc/net/arp").splitlines()[1:]:
        f = line.split()
        if f and f[0] == addr:
            return f"{f[2]} {f[3]}"   # flags, MAC
    return "none"


class Prober(threading.Thread):
    """One 4 KiB O_DIRECT read of a target's disk, started as the link is
    cut: a request in flight that cannot complete, so both transports must
    notice the cut (NFS has no ping) however the swap workload is blocked.
    It completes once the target is back; its latency is what a process
    faulting a page in at the cut waits. The thread, its buffer and the
    open disk exist before any cut: under mlockall a new thread's stack
    would have to be populated while swap is unreachable."""

    def __init__(self, emit, name, disk):
        super().__init__(daemon=True)
        self.emit, self.name_, self.cuts = emit, name, []
        self.buf = mmap.mmap(-1, 4096)          # page-aligned, as O_DIRECT needs
        self.fd = os.open(f"/dev/{disk}", os.O_RDONLY | os.O_DIRECT)
        self.cv = threading.Condition()
        self.start()

    def kick(self, cut):
        with self.cv:
            self.cuts.append(cut)
            self.cv.notify()

    def run(self):
        while True:
            with self.cv:
                while not self.cuts:
                    self.cv.wait()
                cut = self.cuts.pop(0)
            t0 = uptime()
            try:
                n = os.preadv(self.fd, [self.buf], 0)
                self.emit("probe", target=self.name_, cut=cut, value=n, started=round(t0, 3))
            except OSError as e:
                self.emit("probe", target=self.name_, cut=cut, value=-e.errno,
                          error=str(e), started=round(t0, 3))


def watch(out, specs):
    peers = dict(s.split("=", 1) for s in specs)
    names = list(peers)
    try:
        libc = ctypes.CDLL("libc.so.6", use_errno=True)
        if libc.mlockall(1 | 2) != 0:   # MCL_CURRENT | MCL_FUTURE
            print(f"linkmon: mlockall: {os.strerror(ctypes.get_errno())}", file=sys.stderr)
    except OSError as e:
        print(f"linkmon: mlockall: {e}", file=sys.stderr)
    addr = next(iter(peers.values())).rsplit(":", 1)[0]
    markers = ["ready"]
    k = 1
    f = open(out, "a", buffering=1)

    lock = threading.Lock()

    def emit(ev, t=None, **kw):
        kw.update(t=t if t is not None else round(uptime(), 3), ev=ev)
        with lock:
            f.write(json.dumps(kw) + "\n")

    disk = {n: read(f"{CFG}/{n}/disk") for n in names}
    threading.stack_size(256 * 1024)
    probers = {n: Prober(emit, n, disk[n]) for n in names}
    beat = 0.0
    busy = {}        # target -> cut number already reported busy
    cut = 0          # the cut in progress (0: link on)
    last = {}
    stop = out + ".stop"
    end = time.monotonic() + 3 * 3600
    while time.monotonic() < end and not os.path.exists(stop):
        now = round(uptime(), 3)     # one time for every change of this poll
        cur = {}
        for n in names:
            st = read(f"{CFG}/{n}/state", "gone")
            cur["state", n] = st
            cur["last_error", n] = read(f"{CFG}/{n}/last_error")
            if st != last.get(("state", n)):
                with open(f"/share/state-{n}", "w") as sf:
                    sf.write(st + "\n")
            # Requests in flight on the disk while the link is cut: they
            # cannot complete, so they must time out (NFS has no ping).
            if cut and busy.get(n) != cut:
                inflight = sum(int(x) for x in read(f"/sys/block/{disk[n]}/inflight", "0 0").split())
                if inflight:
                    busy[n] = cut
                    emit("busy", target=n, cut=cut, value=inflight, state=st)
        cur["carrier"] = read("/sys/class/net/eth0/carrier", "?")
        cur["arp"] = arp(addr)
        cur["sockets"] = sockets(peers)
        for key, val in cur.items():
            if last.get(key) != val:
                what = key if isinstance(key, str) else key[0]
                extra = {} if isinstance(key, str) else {"target": key[1]}
                if what == "state":
                    extra["stats"] = stats(key[1])
                emit(what, t=now, value=val, **extra)
        last = cur
        # The host's markers, in the order it writes them: ready, then
        # cut-K and restored-K for K = 1.., then flap-done.
        for _ in range(8):
            m = next((x for x in markers if os.path.exists("/share/" + x)), None)
            if not m:
                break
            emit("marker", value=m, stats={n: stats(n) for n in names},
                 states={n: cur["state", n] for n in names},
                 sockets=cur["sockets"])
            if m == "flap-done":
                markers = []
            elif m.startswith("cut-"):
                markers = [f"restored-{m[4:]}"]
                cut = int(m[4:])
                for n in names:
                    probers[n].kick(cut)
            else:
                cut = 0
                markers = [f"cut-{k}", "flap-done"]
                k += 1
        # A heartbeat: the host trusts /share/state-NAME only when this
        # is newer than its own last marker (this process may stall too).
        if time.monotonic() - beat >= 0.5:
            with open("/share/linkmon-beat", "w") as bf:
                bf.write(f"{uptime():.1f}\n")
            beat = time.monotonic()
        time.sleep(0.1)
    emit("stop", stats={n: stats(n) for n in names})


def check(out, long_s, flaps, flap_s, io_timeout_ms):
    evs = [json.loads(x) for x in open(out) if x.strip()]
    failed = []

    def ok(msg):
        print("ok: " + msg)

    def fail(msg):
        print("FAIL: " + msg)
        failed.append(msg)

    marks = {e["value"]: e for e in evs if e["ev"] == "marker"}
    cuts = flaps + 1
    need = ["ready"] + [x for k in range(1, cuts + 1) for x in (f"cut-{k}", f"restored-{k}")] + ["flap-done"]
    missing = [m for m in need if m not in marks]
    if missing:
        fail("host markers not seen: " + " ".join(missing))
        return 1
    names = list(marks["ready"]["stats"])
    transport = {n: read(f"{CFG}/{n}/transport") for n in names}
    T = {m: marks[m]["t"] for m in need}
    print("markers (guest uptime): " + " ".join(f"{m}={T[m]:.1f}" for m in need))
    # The cuts as the guest saw them: eth0's carrier off -> on.
    car = [(e["t"], e["value"]) for e in evs if e["ev"] == "carrier"]
    offs = [t for t, v in car if v == "0"]
    ons = [t for t, v in car if v == "1"]
    seen = []
    for t0 in offs:
        t1 = next((t for t in ons if t > t0), None)
        seen.append(f"{t1 - t0:.1f}" if t1 else "open")
    print(f"carrier off for (s): {' '.join(seen)} ({len(offs)} cuts, {cuts} made)")
    if len(offs) != cuts:
        fail(f"the guest saw {len(offs)} carrier losses, the host made {cuts} cuts")

    def states(n, a, b):
        return [(e["t"], e["value"], e.get("stats", {})) for e in evs
                if e["ev"] == "state" and e.get("target") == n and a <= e["t"] < b]

    def io(s):
        return s.get("reads", 0) + s.get("writes", 0)

    ping_ms = min(max(io_timeout_ms // 3, 1000), 10000)

    def must_detect(n, k, length_s):
        """Why cut k had to be noticed by target n, or None: it was up at
        the cut, and either requests were in flight on its disk early
        enough to time out before the link came back, or (iSCSI) a NOP-Out
        ping had to go unanswered for io_timeout within the cut."""
        if marks[f"cut-{k}"]["states"][n] != "up":
            return None
        end = T[f"restored-{k}"]
        for e in evs:
            if e["ev"] == "busy" and e["target"] == n and e["cut"] == k and \
                    e["state"] == "up" and e["t"] + io_timeout_ms / 1000 + 0.5 < end:
                return f"{e['value']} request(s) in flight {e['t'] - T[f'cut-{k}']:.1f} s into the cut"
        if transport[n] == "iscsi" and length_s * 1000 >= io_timeout_ms + ping_ms + 500:
            return f"NOP-Out ping every {ping_ms} ms"
        return None

    def detected(n, k):
        a = T[f"cut-{k}"]
        b = T[f"restored-{k}"] + 1
        return [t for t, v, _ in states(n, a, b) if v == "recovering"]

    for n in names:
        # Long cut: detected while the link was down, recovered before cut-2.
        s0, s1 = marks["cut-1"]["stats"][n], marks["restored-1"]["stats"][n]
        if io(s0) > io(marks["ready"]["stats"][n]):
            ok(f"{n}: {io(s0) - io(marks['ready']['stats'][n])} requests completed between ready and the cut")
        else:
            fail(f"{n}: no I/O completed between ready and the cut")
        why = must_detect(n, 1, long_s)
        seq = states(n, T["cut-1"], T["cut-2"] if cuts > 1 else T["flap-done"])
        rec = [t for t, v, _ in seq if v == "recovering"]
        up = [t for t, v, _ in seq if v == "up" and rec and t > rec[0]]
        delta = {c: (s0.get(c, 0), s1.get(c, 0)) for c in ("timeouts", "recoveries", "retries")}
        dtxt = ", ".join(f"{c} {a} -> {b}" for c, (a, b) in delta.items())
        if rec and up:
            ok(f"{n}: long cut ({long_s} s): up -> recovering after {rec[0] - T['cut-1']:.1f} s, up again "
               f"{up[0] - T['restored-1']:.1f} s after the link came back "
               f"({up[0] - rec[0]:.1f} s after the loss); {dtxt}")
            for c in ("timeouts", "recoveries"):
                if delta[c][1] <= delta[c][0]:
                    fail(f"{n}: {c} did not rise during the long cut ({dtxt})")
        elif why:
            fail(f"{n}: long cut ({long_s} s): states {[v for _, v, _ in seq]} lack up -> recovering -> up, "
                 f"although it had to notice ({why}); {dtxt}")
        else:
            print(f"{n}: long cut ({long_s} s) not noticed: no request in flight during it"
                  f" and no ping ({transport[n]}); states {[v for _, v, _ in seq]}; {dtxt}")
        # Flaps: each one that the target had to notice was noticed.
        hit = det = 0
        per = []
        for k in range(2, cuts + 1):
            st = marks[f"cut-{k}"]["states"][n]
            got = detected(n, k)
            b = T[f"cut-{k + 1}"] if k < cuts else T["flap-done"] + 60
            back = [t for t, v, _ in states(n, T[f"cut-{k}"], b) if v == "up" and got and t > got[0]]
            why = must_detect(n, k, flap_s)
            per.append(f"cut-{k}: {st}" + (f", recovering +{got[0] - T[f'cut-{k}']:.1f} s, up "
                                          f"{back[0] - T[f'restored-{k}']:+.1f} s after the link" if got and back
                                          else ", recovering" if got else ", not noticed")
                       + (f" [{why}]" if why else ""))
            if st == "up":
                hit += 1
                det += bool(got)
                if why and not got:
                    fail(f"{n}: cut-{k} ({flap_s} s) not noticed although {why}")
        print(f"{n}: flaps: " + "; ".join(per))
        ok(f"{n}: {hit} of {flaps} flaps hit the target up, {det} of those noticed")

    # The probe reads started at each cut: completed, and how long they waited.
    for n in names:
        lat = []
        for k in range(1, cuts + 1):
            pr = [e for e in evs if e["ev"] == "probe" and e["target"] == n and e["cut"] == k]
            if not pr:
                fail(f"{n}: the read started at cut-{k} never completed")
                lat.append("-")
            elif pr[0]["value"] != 4096:
                fail(f"{n}: the read started at cut-{k} failed: {pr[0].get('error', pr[0]['value'])}")
                lat.append("err")
            else:
                lat.append(f"{pr[0]['t'] - pr[0]['started']:.1f}")
        print(f"{n}: a 4 KiB read started at each cut waited (s): {' '.join(lat)}")

    # Sockets after the flapping: at the first moment both are up again.
    tfd = T["flap-done"]
    cur_state = {}
    snap = None
    for e in evs:
        if e["ev"] == "state":
            cur_state[e["target"]] = e["value"]
        if e["t"] < tfd:
            if e["ev"] == "sockets":
                snap = e
            continue
        if e["ev"] == "sockets":
            snap = e
        if all(cur_state.get(n) == "up" for n in names):
            break
    else:
        fail("the targets were not both up after flap-done")
        return 1
    when = e["t"]
    # The socket table as of that poll: its change, if any, is written
    # after the state's, with the same time.
    i = evs.index(e)
    nxt = next((x for x in evs[i + 1:] if x["ev"] == "sockets"), None)
    if nxt and nxt["t"] <= when + 0.3:
        snap = nxt
    socks = snap["value"] if snap else {}
    # From the first cut to 10 s after that moment: never a second socket,
    # never an old connection left closing (FIN-WAIT-*, TIME-WAIT, ...):
    # a recovery must abort the connection it gives up, and a failed
    # connect leaves nothing behind.
    window = [x for x in evs if x["ev"] == "sockets" and x["t"] <= when + 10]
    before = [x for x in window if x["t"] < T["cut-1"]]
    window = before[-1:] + [x for x in window if x["t"] >= T["cut-1"]]
    # Two connections a target unless told one: reads have their own.
    want = {n: 1 if read(f"{CFG}/{n}/connections") == "1" else 2
            for n in names}
    for n in names:
        s = socks.get(n, [])
        desc = ", ".join(f"{st} {s.count(st)}" for st in sorted(set(s))) or "none"
        most = max((len(x["value"].get(n, [])) for x in window), default=0)
        old = sorted({st for x in window for st in x["value"].get(n, []) if st not in ("ESTAB", "SYN-SENT")})
        first = next((x for x in window if len(x["value"].get(n, [])) > want[n] or
                      set(x["value"].get(n, [])) - {"ESTAB", "SYN-SENT"}), None)
        msg = (f"{n}: {len(s)} TCP socket(s) to its target {when - tfd:.1f} s after flap-done, "
               f"both up ({desc}); from cut-1 on at most {most} at once"
               + (f", old connections seen: {' '.join(old)}" if old else "")
               + f", {len(window[-1]['value'].get(n, [])) if window else '?'} 10 s later")
        if len(s) == want[n] and most <= want[n] and not old:
            ok(msg)
        else:
            fail(msg + f"; want exactly {want[n]} and never an old one"
                 + (f" (first at {first['t']:.1f}: {' '.join(first['value'][n])})" if first else ""))
    return 1 if failed else 0


def main():
    if len(sys.argv) >= 3 and sys.argv[1] == "watch":
        watch(sys.argv[2], sys.argv[3:])
        return 0
    if len(sys.argv) == 7 and sys.argv[1] == "check":
        return check(sys.argv[2], *map(int, sys.argv[3:]))
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main())
