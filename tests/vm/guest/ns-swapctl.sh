# shellcheck shell=bash
# Guest: the operator's path, with swapctl alone. add (iSCSI to the host's
# tgt, NFS to the host's ganesha), up --format, status and status --json
# show both up with their disks, a workload swaps through both, the host
# restarts tgtd and `swapctl monitor` receives the events, reserve
# --apply raises vm.min_free_kbytes by the targets' reserve, down, rm;
# then apply from a netswaptab twice (the second run changes nothing),
# save and apply of what it printed (the same configuration again, also
# from nothing), and apply --prune.
. "$NETSWAP_REPO/tests/vm/guest/nslib.sh"
. "$NETSWAP_REPO/tests/vm/guest-lib.sh"
ns_load

iurl=iscsi://$NETSWAP_HOST_IP:$NETSWAP_TGT_PORT/$NETSWAP_TGT_IQN/1
nurl=nfs://$NETSWAP_HOST_IP$NETSWAP_NFS_EXPORT/$NETSWAP_NFS_FILE

ns_sc_ok status
[ "$(printf '%s\n' "$ns_out" | wc -l)" -eq 1 ] || ns_fail "status with no targets: not just the header"

# Events from here on, as JSON lines, until killed by PID.
"$NS_SWAPCTL" monitor --json >/tmp/events.json 2>/tmp/monitor.err &
mon=$!
nsvm_sleep 1

# discover: the URL to add, found from the portal alone (the target
# advertises 127.0.0.1, its own address: the LUN is reached through the
# portal asked, as seen from here), with the LUN's size.
ns_sc_ok discover -n --raw -b "iscsi://$NETSWAP_HOST_IP:$NETSWAP_TGT_PORT"
disc_size=$(awk -v u="$iurl" '$1 == u { print $2 }' <<<"$ns_out")
[[ $disc_size =~ ^[1-9][0-9]*$ ]] || ns_fail "discover did not list $iurl with a size: '$ns_out'"
[[ $ns_out == *" 127.0.0.1:$NETSWAP_TGT_PORT,1"* ]] || ns_fail "discover: tgt's advertised portal not shown: '$ns_out'"
ns_sc discover "iscsi://$NETSWAP_HOST_IP:1"
[ "$ns_rc" = 4 ] && [[ $ns_errout == *"cannot connect"* ]] || ns_fail "discover of a closed port: exit $ns_rc: $ns_errout"
# discover nfs://: ganesha's exports, through the host's portmapper; the
# file's URL is an export's plus the file.
ns_sc_ok discover -n --raw "nfs://$NETSWAP_HOST_IP"
ok=0
while read -r u _; do [[ $nurl == "$u"* ]] && ok=1; done <<<"$ns_out"
[ $ok = 1 ] || ns_fail "discover nfs:// did not list the export of $nurl: '$ns_out'"
ns_sc_ok add i0 "$iurl" -o io_timeout_ms=10000,reconnect_delay_ms=500
ns_sc_ok add n0 "$nurl" -o queue_depth=32
[ "$(ns_get i0 target_name)" = "$NETSWAP_TGT_IQN" ] || ns_fail "i0 target_name"
[ "$(ns_get i0 io_timeout_ms)" = 10000 ] || ns_fail "i0 io_timeout_ms"
[ "$(ns_get n0 export)" = "$NETSWAP_NFS_EXPORT" ] || ns_fail "n0 export"
[ "$(ns_get n0 file)" = "$NETSWAP_NFS_FILE" ] || ns_fail "n0 file"
[ "$(ns_get n0 queue_depth)" = 32 ] || ns_fail "n0 queue_depth"

ns_sc_ok up i0 --format --priority 5
[ "$(ns_get i0 capacity_bytes)" = "$disc_size" ] || ns_fail "discover said $disc_size bytes, i0 has $(ns_get i0 capacity_bytes)"
ns_sc_ok up n0 --format --priority 5
ns_sc_ok up i0
[[ $ns_out == *"already on"* ]] || ns_fail "second up i0 did not say the swap is already on"

ns_sc_ok status
for n in i0 n0; do
	printf '%s\n' "$ns_out" | grep -Eq "^$n +up +netswap[0-9]+ .*on,prio=5" ||
		ns_fail "status: $n not up with a disk and swap on"
done
# The Prometheus text format: HELP and TYPE before each metric's samples,
# every sample labelled by target, both targets up.
ns_sc_ok status --prometheus
printf '%s\n' "$ns_out" >/tmp/prom.txt
python3 - /tmp/prom.txt <<'PY' || ns_fail "status --prometheus: not the text format, or values wrong"
import re, sys
seen, typed, samples = set(), {}, {}
for l in open(sys.argv[1]).read().splitlines():
    m = re.fullmatch(r"# (HELP|TYPE) (netswap_[a-z_]+) (.+)", l)
    if m:
        if m.group(1) == "TYPE":
            assert m.group(3) in ("counter", "gauge"), l
            typed[m.group(2)] = m.group(3)
        continue
    m = re.fullmatch(r'(netswap_[a-z_]+)\{target="([A-Za-z0-9_.-]+)"(?:,state="([a-z]+)")?\} ([0-9]+(?:\.[0-9]+)?)', l)
    assert m, "bad line: " + l
    assert m.group(1) in typed, "sample before TYPE: " + l
    samples[(m.group(1), m.group(2), m.group(3))] = float(m.group(4))
for t in ("i0", "n0"):
    assert samples[("netswap_state", t, "up")] == 1, t
    assert samples[("netswap_state", t, "failed")] == 0, t
    assert samples[("netswap_capacity_bytes", t, None)] > 0, t
    assert ("netswap_reconnect_attempts_failed_total", t, None) in samples, t
    assert samples[("netswap_reads_total", t, None)] > 0, t
print("prometheus: %d samples of %d metrics" % (len(samples), len(typed)))
PY
ns_sc_ok status --json
[[ $(ns_json_valid status) == "valid 1" ]] || ns_fail "status --json against docs/json/status.schema.json: $(ns_json_valid status)"
[ "$(ns_json 'len(j)')" = 2 ] || ns_fail "status --json: not 2 targets"
for i in 0 1; do
	[ "$(ns_json "j[$i]['state']")" = up ] || ns_fail "json[$i] state"
	[ "$(ns_json "j[$i]['swap']")" = True ] || ns_fail "json[$i] swap"
	[[ $(ns_json "j[$i]['disk']") == netswap* ]] || ns_fail "json[$i] disk"
	[ "$(ns_json "j[$i]['capacity_bytes'] > 0")" = True ] || ns_fail "json[$i] capacity"
done
[ "$(ns_json "j[0]['transport'] + ' ' + j[1]['transport']")" = "iscsi nfs" ] ||
	ns_fail "json transports"

# reserve: needed = the kernel default + the sum of reserve_kb.
sum=$(ns_json "sum(t['reserve_kb'] for t in j)")
echo 1024 >/proc/sys/vm/min_free_kbytes
ns_sc_ok reserve
base=$(printf '%s\n' "$ns_out" | awk '/^kernel default/ { print $3 }')
need=$(printf '%s\n' "$ns_out" | awk '/^needed/ { print $2 }')
[ "$need" = $((base + sum)) ] || ns_fail "reserve: needed $need != $base + $sum"
[ "$(cat /proc/sys/vm/min_free_kbytes)" = 1024 ] || ns_fail "reserve without --apply changed the setting"
ns_sc_ok reserve --apply
[ "$(cat /proc/sys/vm/min_free_kbytes)" = "$need" ] || ns_fail "reserve --apply: min_free_kbytes $(cat /proc/sys/vm/min_free_kbytes) != $need"
# It stays: sysctl --system (boot, packages, an admin) reads the file
# reserve --apply left in /run/sysctl.d after every other one.
grep -qx "vm.min_free_kbytes = $need" /run/sysctl.d/zz-netswap.conf ||
	ns_fail "reserve --apply left no /run/sysctl.d/zz-netswap.conf with $need: $(cat /run/sysctl.d/zz-netswap.conf 2>&1)"
mkdir -p /etc/sysctl.d
echo 'vm.min_free_kbytes = 1024' >/etc/sysctl.d/99-low.conf
sysctl --system >/tmp/sysctl.out 2>&1
rm -f /etc/sysctl.d/99-low.conf
[ "$(cat /proc/sys/vm/min_free_kbytes)" = "$need" ] ||
	ns_fail "sysctl --system lowered the reserve to $(cat /proc/sys/vm/min_free_kbytes)"
echo $((need + 1000)) >/proc/sys/vm/min_free_kbytes
ns_sc_ok reserve --apply
[ "$(cat /proc/sys/vm/min_free_kbytes)" = $((need + 1000)) ] || ns_fail "reserve --apply lowered an admin's higher setting"
echo "$need" >/proc/sys/vm/min_free_kbytes

# Swap through both (same priority: pages go to both) while the host
# restarts tgtd once.
echo 60 >/proc/sys/kernel/hung_task_timeout_secs
mb=$(($(ns_mem_mb) * 6 / 5))
ns_log "memhog $mb MB, 1 pass"
"$NS_MEMHOG" -m "$mb" -p 1 -r /share/ready || ns_fail "memhog: corrupt pages or failure"
# The restart may come after this short workload: swap is on all the same.
for i in $(seq 1 60); do
	[ -e /share/restarted ] && break
	nsvm_sleep 1
done
[ -e /share/restarted ] || ns_fail "the host never restarted tgtd"
for i in $(seq 1 60); do
	[ "$(ns_get i0 state)" = up ] && break
	nsvm_sleep 0.5
done
ns_sc_ok status --json
for i in 0 1; do
	[ "$(ns_json "j[$i]['stats']['writes'] > 0 and j[$i]['stats']['reads'] > 0")" = True ] ||
		ns_fail "json[$i]: no reads or writes counted"
	[ "$(ns_json "j[$i]['stats']['errors']")" = 0 ] || ns_fail "json[$i]: errors"
	[ "$(ns_json "j[$i]['stats']['read_lat_max_us'] > 0")" = True ] || ns_fail "json[$i]: no read latency"
done
[ "$(ns_json "j[0]['stats']['reconnects']")" -ge 1 ] || ns_fail "i0 did not reconnect"
ns_sc_ok status i0
# One target: the same shape as all of them.
ns_sc_ok status i0 --json
[[ $(ns_json_valid status) == "valid 1" ]] || ns_fail "status i0 --json against the schema: $(ns_json_valid status)"
[ "$(ns_json "len(j), j[0]['name']")" = "(1, 'i0')" ] || ns_fail "status i0 --json: $(ns_json 'j')"
# The table (libsmartcols): columns picked, no heading, raw.
ns_sc_ok status -o name,state,transport,prio -n --raw
[ "$ns_out" = "i0 up iscsi 5"$'\n'"n0 up nfs 5" ] || ns_fail "status -o name,state,transport,prio -n --raw: '$ns_out'"
ns_sc_ok status -o +errors
[[ $(head -n 1 <<<"$ns_out") == NAME*STATE*TARGET*ERRORS ]] || ns_fail "status -o +errors heading: $(head -n 1 <<<"$ns_out")"
ns_sc_ok status i0 -o NAME,RESERVE -n
[[ $ns_out =~ ^i0\ +[0-9.]+\ [KM]iB$ ]] || ns_fail "status i0 -o NAME,RESERVE -n: '$ns_out'"
ns_sc_fails 1 "unknown column 'bogus'" status -o name,bogus

ns_sc_ok down i0
[ "$(ns_get i0 state)" = disabled ] || ns_fail "down i0: state $(ns_get i0 state)"
grep -q '^/dev/netswap' /proc/swaps && ns_sc_ok down --all
grep -q '^/dev/netswap' /proc/swaps && ns_fail "swap still on after down --all"
ns_sc_ok rm i0
ns_sc_ok rm n0
[ -z "$(ls "$NS_CFG")" ] || ns_fail "targets left after rm"

nsvm_sleep 1
kill -0 "$mon" 2>/dev/null || ns_fail "swapctl monitor exited by itself"
kill "$mon"
wait "$mon"
echo "monitor exit status $? (143: SIGTERM before the handler; 0: clean)"
echo "monitor stderr: $(cat /tmp/monitor.err)"
echo "events:"
cat /tmp/events.json
[[ $(ns_json_valid event /tmp/events.json) == "valid "* ]] ||
	ns_fail "monitor --json against docs/json/event.schema.json: $(ns_json_valid event /tmp/events.json)"
dmesg | grep -i 'lost' || true
ev() { python3 -c 'import json,sys
n=0
for l in open("/tmp/events.json"):
    e=json.loads(l)
    if e["name"]==sys.argv[1] and e["old_state"]==sys.argv[2] and e["state"]==sys.argv[3]: n+=1
print(n)' "$@"; }
[ "$(ev i0 disabled connecting)" -ge 1 ] || ns_fail "no i0 connecting event"
[ "$(ev i0 connecting up)" -ge 1 ] || ns_fail "no i0 up event"
[ "$(ev i0 up recovering)" -ge 1 ] || ns_fail "no i0 recovering event (target restart)"
[ "$(ev i0 recovering up)" -ge 1 ] || ns_fail "no i0 recovering -> up event"
[ "$(ev i0 up disabled)" -ge 1 ] || ns_fail "no i0 disabled event"
[ "$(ev i0 disabled removed)" = 1 ] || ns_fail "no i0 removed event"
[ "$(ev n0 connecting up)" -ge 1 ] || ns_fail "no n0 up event"
[ "$(ev n0 disabled removed)" = 1 ] || ns_fail "no n0 removed event"
python3 -c 'import json
for l in open("/tmp/events.json"):
    e=json.loads(l)
    if e["state"]=="recovering": assert e["errno"]>0 and e["reason"], e' ||
	ns_fail "a recovering event without errno and reason"

# apply: a netswaptab, applied twice; the second run changes nothing.
cat >/tmp/netswaptab <<TAB
# netswap targets for this test
i1	$iurl	io_timeout_ms=10000,reconnect_delay_ms=700,recovery_timeout_s=600,queue_depth=16,priority=3,format
n1 $nurl	format,priority=3,queue_depth=32,io_timeout_ms=20000 # same priority: pages go to both
TAB
# --check first: what apply would do, and nothing done.
snap0=$(ns_cfs_snapshot)
ns_sc_ok apply -c /tmp/netswaptab --check
[[ $ns_out == *"i1: would be added and brought up"*"n1: would be added and brought up"*"apply --check: 2 to add, 0 to update, 2 to bring up, 0 to remove, 0 already up, 0 would fail"* ]] ||
	ns_fail "apply --check before the first apply: $ns_out"
[ "$snap0" = "$(ns_cfs_snapshot)" ] || ns_fail "apply --check changed the configuration"
ns_sc_ok apply -c /tmp/netswaptab
[[ $ns_out == *"2 added, 0 updated, 2 brought up"* ]] || ns_fail "first apply: $ns_out"
snap1=$(ns_cfs_snapshot)
ns_sc_ok apply -c /tmp/netswaptab --check
[[ $ns_out == *"apply --check: 0 to add, 0 to update, 0 to bring up, 0 to remove, 2 already up, 0 would fail"* ]] ||
	ns_fail "apply --check after apply: $ns_out"
# A setting changed in the file of a target that is up: apply would
# refuse, and --check says which setting and why, changing nothing.
sed 's/io_timeout_ms=10000,/io_timeout_ms=12000,/' /tmp/netswaptab >/tmp/netswaptab.changed
sed '/^i1/d' /tmp/netswaptab >/tmp/netswaptab.short
ns_sc_fails 3 "i1: is up with other settings than the file lists; apply would leave it (swapctl down i1 first)" \
	apply -c /tmp/netswaptab.changed --check
[[ $ns_out == *"i1: io_timeout_ms would change from '10000' to '12000'"*"1 would fail"* ]] ||
	ns_fail "apply --check of a changed setting: $ns_out"
ns_sc_ok apply -c /tmp/netswaptab.short --check --prune
[[ $ns_out == *"i1: would be taken down and removed"*"0 to bring up, 1 to remove, 1 already up"* ]] ||
	ns_fail "apply --check --prune: $ns_out"
[ "$snap1" = "$(ns_cfs_snapshot)" ] || ns_fail "apply --check changed the configuration" 
ns_sc_ok apply -c /tmp/netswaptab
[[ $ns_out == *"0 added, 0 updated, 0 brought up, 0 removed, 2 already up, 0 failed"* ]] ||
	ns_fail "second apply changed something: $ns_out"
[ "$snap1" = "$(ns_cfs_snapshot)" ] || ns_fail "second apply changed the configuration"
grep -c '^/dev/netswap' /proc/swaps | grep -qx 2 || ns_fail "apply: not 2 swap areas"
awk '$1 ~ /^\/dev\/netswap/ && $5 != 3 { bad = 1 } END { exit bad }' /proc/swaps ||
	ns_fail "apply: priority not 3"
# save: the running targets as netswaptab lines that apply turns back
# into the same configuration, from nothing.
ns_sc_ok save
saved=$ns_out
printf '%s\n' "$saved" >/tmp/saved.tab
grep -q "^i1 iscsi://.* queue_depth=16,io_timeout_ms=10000,reconnect_delay_ms=700,recovery_timeout_s=600,priority=3$" /tmp/saved.tab ||
	ns_fail "save: the i1 line is not as configured"
grep -q "^n1 nfs://.* queue_depth=32,io_timeout_ms=20000,priority=3$" /tmp/saved.tab ||
	ns_fail "save: the n1 line is not as configured"
ns_sc_ok apply -c /tmp/saved.tab
[[ $ns_out == *"0 added, 0 updated, 0 brought up, 0 removed, 2 already up, 0 failed"* ]] ||
	ns_fail "apply of the saved netswaptab changed something: $ns_out"
ns_sc_ok down --all
ns_sc_ok rm i1
ns_sc_ok rm n1
ns_sc_ok apply -c /tmp/saved.tab
[[ $ns_out == *"2 added, 0 updated, 2 brought up"* ]] || ns_fail "apply of the saved netswaptab from nothing: $ns_out"
ns_sc_ok save
[ "$ns_out" = "$saved" ] || ns_fail "save after the round trip differs: $ns_out"
ns_ok "save -> apply: the same targets, settings and swap priorities"
# A target taken down is brought up again; one left out is pruned.
ns_sc_ok down n1
sed -i '/^i1/d' /tmp/netswaptab
ns_sc_ok apply -c /tmp/netswaptab --prune
[[ $ns_out == *"0 added, 0 updated, 1 brought up, 1 removed"* ]] || ns_fail "apply --prune: $ns_out"
[ ! -d "$NS_CFG/i1" ] || ns_fail "apply --prune left i1"
[ "$(ns_get n1 state)" = up ] || ns_fail "n1 not brought up again"
ns_sc_ok down --all
ns_sc_ok rm n1

ns_unload
ns_finish
