# shellcheck shell=bash
# The demo's guest side (demo.sh boots it): swapctl adds and brings up one
# iSCSI LUN (the host's tgt) and one NFS swap file (the host's ganesha),
# then a workload well above RAM checks every page it gets back while
# `swapctl watch` shows the traffic per target and `swapctl monitor` the
# state changes; the host restarts tgtd midway. Ends with a summary
# table. Argument: run (the workload) or shell (stop after bringing the
# targets up; demo.sh then gives the operator a shell).
# Everything it prints reaches the operator's terminal (demo.sh follows
# /share/output.log).
mode=${1:-run}
repo=$NETSWAP_REPO
export PATH=$repo/build:$PATH
# demo-shell: everything on the console, which is the operator's terminal.
if [ "$mode" = shell ]; then
	exec >/dev/ttyS0 2>&1
	dmesg -n 1
fi

say() { printf '\n== %s\n' "$*"; }
run() {
	printf '$ %s\n' "$*"
	"$@"
}
die() {
	echo "demo: $*"
	echo "$*" >/share/reason
	exit 1
}

{ modprobe libcrc32c && insmod "$NETSWAP_KO"; } || die "cannot load netswap.ko"
mem=$(awk '/MemTotal/ { print int($2 / 1024) }' /proc/meminfo)
say "netswap demo: a guest with $mem MiB of RAM and no disk; swap on an iSCSI LUN and an NFS file on the host"
iurl=iscsi://$NETSWAP_HOST_IP:$NETSWAP_TGT_PORT/$NETSWAP_TGT_IQN/1
nurl=nfs://$NETSWAP_HOST_IP:$NETSWAP_NFS_PORT$NETSWAP_NFS_EXPORT/$NETSWAP_NFS_FILE
run swapctl add demo-iscsi "$iurl" -o io_timeout_ms=10000,reconnect_delay_ms=500 || die "swapctl add demo-iscsi failed"
run swapctl add demo-nfs "$nurl" -o "mount_port=$NETSWAP_MNT_PORT" || die "swapctl add demo-nfs failed"
run swapctl up demo-iscsi --format --priority 5 || die "swapctl up demo-iscsi failed"
run swapctl up demo-nfs --format --priority 5 || die "swapctl up demo-nfs failed"
run swapctl reserve --apply || die "swapctl reserve --apply failed"
run swapctl status
: >/share/targets-up

if [ "$mode" = shell ]; then
	say "a shell in the guest: try swapctl status, swapctl status demo-iscsi, swapctl watch, swapctl monitor, swapctl down demo-nfs; exit (or Ctrl-D) ends the demo"
	echo "   (build/memhog -m 400 -p 1 puts the guest under memory pressure)"
	cd /root 2>/dev/null || cd /
	PS1='netswap-demo# ' setsid -c -w bash --norc -i <>/dev/ttyS0 >&0 2>&0
	exit 0
fi

mb=${NETSWAP_DEMO_MB:-$((mem * 5 / 2))}
passes=${NETSWAP_DEMO_PASSES:-2}
say "workload: $mb MiB ($((mb * 100 / mem))% of RAM), $passes passes, every page checked; the host restarts the iSCSI target (tgtd) midway"
echo "   watch: pages (4 KiB) in and out per second, requests in flight, average read/write latency"
echo "   event: state changes, as they arrive from the kernel"
# Each writer to its own file (its PID is the one to stop), followed on
# the terminal by a tail that ends with it.
follow() { tail -n +1 -f "$1" --pid="$2" | sed -u "s/^/   $3/"; }
swapctl monitor >/tmp/events.log &
mon=$!
follow /tmp/events.log $mon "event: " &
swapctl watch -i 3 >/tmp/watch.log &
wat=$!
follow /tmp/watch.log $wat "watch: " &
echo 60 >/proc/sys/kernel/hung_task_timeout_secs
t0=$(date +%s.%N)
"$repo/build/memhog" -m "$mb" -p "$passes" -r /share/ready -P 3 >/tmp/memhog.log 2>&1 &
hog=$!
follow /tmp/memhog.log $hog ""
wait $hog
hog_rc=$?
t1=$(date +%s.%N)
# The restart may come late in a short run: let the target come back.
for _ in $(seq 1 60); do
	[ -e /share/restarted ] && [ "$(swapctl status --json | grep -o '"state":"up"' | wc -l)" = 2 ] && break
	sleep 1
done
sleep 1
kill "$wat" "$mon" 2>/dev/null
wait 2>/dev/null

say "summary"
swapctl status --json >/tmp/status.json
corrupt=$(awk '/ corrupt pages, / { print $(NF - 4) }' /tmp/memhog.log | tail -n 1)
dmesg >/tmp/kernel.log
python3 - "$t0" "$t1" "${corrupt:-?}" "$hog_rc" /tmp/status.json /tmp/events.log /tmp/kernel.log <<'PY'
import json, sys
t0, t1, corrupt, rc, path, events, klog = float(sys.argv[1]), float(sys.argv[2]), sys.argv[3], sys.argv[4], sys.argv[5], sys.argv[6], sys.argv[7]
secs = max(t1 - t0, 0.001)
print("%-12s %-6s %12s %12s %8s %15s %10s %7s" % ("TARGET", "", "PAGES IN", "PAGES OUT", "MiB/s", "WORST PAGE-IN", "RECOVERIES", "ERRORS"))
for t in json.load(open(path))["targets"]:  # status --json, version 1
    st = t["stats"]
    pin, pout = st["read_bytes"] // 4096, st["write_bytes"] // 4096
    mibs = (st["read_bytes"] + st["write_bytes"]) / secs / 1048576
    print("%-12s %-6s %12d %12d %8.2f %12.1f ms %10d %7d" % (t["name"], t["transport"], pin, pout, mibs,
          st["read_lat_max_us"] / 1000.0, st["recoveries"], st["errors"]))
print("workload: %.0f s; corrupt pages: %s; memhog exit status %s" % (secs, corrupt, rc))
# The restart: the events (as swapctl monitor received them) saw it; the
# kernel log's timestamps say how long the target was away.
seen = False
for line in open(events):
    f = line.split()
    if len(f) >= 5 and f[1] == "demo-iscsi:" and f[2] == "recovering" and f[4] == "up":
        seen = True
down = away = None
for line in open(klog):
    if "] netswap: demo-iscsi: up -> recovering" in line:
        down = float(line[1:line.index("]")])
    elif "] netswap: demo-iscsi: recovering -> up" in line and down is not None:
        away = float(line[1:line.index("]")]) - down
        break
if seen and away is not None:
    print("iSCSI target restart: demo-iscsi up -> recovering -> up, back in %.1f s" % away)
else:
    print("iSCSI target restart: no recovering -> up seen for demo-iscsi")
PY
exit "$hog_rc"
