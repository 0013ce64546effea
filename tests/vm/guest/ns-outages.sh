# shellcheck shell=bash
# Guest of t-18-outages.sh: a frozen target, then swapoff during recovery.
. "$NETSWAP_REPO/tests/vm/guest/nslib.sh"
. "$NETSWAP_REPO/tests/vm/guest-lib.sh"

stat_of() { awk -v k="$2" '$1 == k { print $2 }' "$NS_CFG/$1/stats"; }
# both_state STATE TIMEOUT_S: wait (bounded) until t0 and n0 are in STATE.
both_state() {
	local i
	for ((i = 0; i < $2 * 10; i++)); do
		[ "$(ns_get t0 state)" = "$1" ] && [ "$(ns_get n0 state)" = "$1" ] && return 0
		nsvm_sleep 0.1
	done
	return 1
}
# wait_gone PID TIMEOUT_S: bounded wait for a child to end.
wait_gone() {
	local i
	for ((i = 0; i < $2 * 10; i++)); do
		kill -0 "$1" 2>/dev/null || return 0
		nsvm_sleep 0.1
	done
	return 1
}
# passes: completed memhog passes so far.
passes() { grep -c ' pages .*corrupt, ' /tmp/memhog.out; }

ns_load
ns_create t0
ns_create_nfs n0
for n in t0 n0; do
	ns_set "$n" io_timeout_ms 3000
	ns_set "$n" reconnect_delay_ms 500
	ns_enable "$n" || ns_die "enable $n"
done
devs=("$(ns_dev t0)" "$(ns_dev n0)")
for d in "${devs[@]}"; do
	mkswap "$d" >/dev/null || ns_die "mkswap $d"
	swapon -p 5 "$d" || ns_die "swapon $d"
done
ns_hog_start 120 40 -p 1000
ns_hog_swapping 300 t0 n0

# ---- 1. frozen servers ----
r0=$(($(stat_of t0 reads) + $(stat_of n0 reads)))
: >/share/freeze
nsvm_wait_file /share/thawed 120 || ns_die "the host did not freeze the servers"
both_state up 120 || ns_fail "not up again after the freeze: t0 $(ns_get t0 state), n0 $(ns_get n0 state)"
for n in t0 n0; do
	echo "$n after the freeze: $(ns_get "$n" stats | tr '\n' ' ')"
	[ "$(stat_of "$n" recoveries)" -ge 1 ] || ns_fail "$n: the freeze caused no recovery"
	[ "$(stat_of "$n" timeouts)" -ge 1 ] || ns_fail "$n: the freeze caused no timeout"
	[ "$(stat_of "$n" reconnects)" -ge 1 ] || ns_fail "$n: no reconnect after the freeze"
done
# Pages kept moving across it.
r1=$(($(stat_of t0 reads) + $(stat_of n0 reads)))
[ "$r1" -gt "$r0" ] || ns_fail "no page-ins across the freeze"
ns_ok "frozen servers: recovered, $((r1 - r0)) page-ins across it"

# ---- 2. swapoff while the servers are down ----
kill -STOP "$ns_hog"
echo max >/sys/fs/cgroup/hog/memory.max
used=$(awk 'NR > 1 { s += $4 } END { print s }' /proc/swaps)
echo "swap in use before swapoff: $used KiB"
[ "$used" -gt 10000 ] || ns_fail "only $used KiB in swap"
: >/share/kill
nsvm_wait_file /share/killed 120 || ns_die "the host did not kill the servers"
both_state recovering 60 || ns_fail "not recovering: t0 $(ns_get t0 state), n0 $(ns_get n0 state)"
pids=()
for d in "${devs[@]}"; do
	swapoff "$d" 2>/tmp/swapoff-"${d##*/}".err &
	pids+=($!)
done
nsvm_sleep 3
for p in "${pids[@]}"; do
	kill -0 "$p" 2>/dev/null || ns_fail "swapoff finished while the servers were down"
done
ns_log "swapoff waits while the servers are down; reviving them"
: >/share/revive
for p in "${pids[@]}"; do
	if ! wait_gone "$p" 180; then
		ns_fail "swapoff still running 180 s after the servers came back"
	elif wait "$p"; then
		ns_ok "swapoff completed"
	else
		ns_fail "swapoff failed: $(cat /tmp/swapoff-*.err)"
	fi
done
grep -q netswap /proc/swaps && ns_fail "netswap still in /proc/swaps"
for n in t0 n0; do
	[ "$(stat_of "$n" errors)" = 0 ] || ns_fail "$n: errors = $(stat_of "$n" errors)"
	[ "$(stat_of "$n" reconnects)" -ge 2 ] || ns_fail "$n: reconnects $(stat_of "$n" reconnects) < 2"
done

# Every page is in RAM now: one more full pass verifies them all.
before=$(passes)
kill -CONT "$ns_hog"
for ((i = 0; i < 1800; i++)); do
	[ "$(passes)" -gt "$before" ] && break
	kill -0 "$ns_hog" 2>/dev/null || break
	nsvm_sleep 0.1
done
[ "$(passes)" -gt "$before" ] || ns_fail "the workload did not verify a pass after swapoff"
kill "$ns_hog"
wait "$ns_hog" 2>/dev/null
tail -n 3 /tmp/memhog.out
if grep -q 'corrupt after pass' /tmp/memhog.out || grep -Eq ' [1-9][0-9]* corrupt' /tmp/memhog.out; then
	ns_fail "memhog saw corrupt pages"
else
	ns_ok "every page verified across the freeze and the swapoff: 0 corrupt"
fi

for n in t0 n0; do
	ns_teardown "$n"
done
ns_unload
ns_finish
