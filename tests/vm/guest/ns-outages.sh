# shellcheck shell=bash
# Guest of t-18-outages.sh: a frozen target, then swapoff during recovery.
. "$NETSWAP_REPO/tests/vm/guest/nslib.sh"
. "$NETSWAP_REPO/tests/vm/guest-lib.sh"

targets=(t0 t1 n0 n1)
# all_state STATE TIMEOUT_S: wait (bounded) until every target is in STATE.
all_state() {
	local i n ok
	for ((i = 0; i < $2 * 10; i++)); do
		ok=1
		for n in "${targets[@]}"; do
			[ "$(ns_get "$n" state)" = "$1" ] || ok=0
		done
		[ "$ok" = 1 ] && return 0
		nsvm_sleep 0.1
	done
	return 1
}
states() {
	local n
	for n in "${targets[@]}"; do printf '%s %s, ' "$n" "$(ns_get "$n" state)"; done
}
# sum_stat KEY: KEY summed over the targets.
sum_stat() {
	local n s=0
	for n in "${targets[@]}"; do s=$((s + $(ns_stat "$n" "$1"))); done
	echo "$s"
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

ns_load
ns_create t0
ns_create t1 "" "" "" 2
ns_create_nfs n0
ns_create_nfs n1 "$NETSWAP_NFS_FILE2"
devs=()
for n in "${targets[@]}"; do
	ns_set "$n" io_timeout_ms 3000
	ns_set "$n" reconnect_delay_ms 500
	ns_enable "$n" || ns_die "enable $n"
	devs+=("$(ns_dev "$n")")
done
for d in "${devs[@]}"; do
	mkswap "$d" >/dev/null || ns_die "mkswap $d"
	swapon -p 5 "$d" || ns_die "swapon $d"
done
ns_hog_start 120 40 -p 1000
ns_hog_swapping 300 "${targets[@]}"

# ---- 1. frozen servers ----
r0=$(sum_stat reads)
: >/share/freeze
nsvm_wait_file /share/thawed 120 || ns_die "the host did not freeze the servers"
all_state up 120 || ns_fail "not up again after the freeze: $(states)"
for n in "${targets[@]}"; do
	echo "$n after the freeze: $(ns_get "$n" stats | tr '\n' ' ')"
done
# A frozen server's targets wait together; a target with nothing in flight
# while its server was frozen may not notice (its ping can still be due).
# Each server's freeze must have hit at least one of its targets.
for pair in "t0 t1" "n0 n1"; do
	read -r a b <<<"$pair"
	[ $(($(ns_stat "$a" timeouts) + $(ns_stat "$b" timeouts))) -ge 1 ] ||
		ns_fail "$pair: the freeze caused no timeout"
	[ $(($(ns_stat "$a" reconnects) + $(ns_stat "$b" reconnects))) -ge 1 ] ||
		ns_fail "$pair: no reconnect after the freeze"
done
# Pages kept moving across it.
r1=$(sum_stat reads)
[ "$r1" -gt "$r0" ] || ns_fail "no page-ins across the freeze"
ns_ok "frozen servers: recovered, $((r1 - r0)) page-ins across it"

# ---- 2. swapoff while the servers are down ----
kill -STOP "$ns_hog"
echo max >/sys/fs/cgroup/hog/memory.max
used=$(awk 'NR > 1 { s += $4 } END { print s }' /proc/swaps)
echo "swap in use before swapoff: $used KiB"
[ "$used" -gt 10000 ] || ns_fail "only $used KiB in swap"
declare -A rec0
for n in "${targets[@]}"; do rec0[$n]=$(ns_stat "$n" reconnects); done
: >/share/kill
nsvm_wait_file /share/killed 120 || ns_die "the host did not kill the servers"
all_state recovering 60 || ns_fail "not all recovering: $(states)"
pids=()
for d in "${devs[@]}"; do
	swapoff "$d" 2>/tmp/swapoff-"${d##*/}".err &
	pids+=($!)
done
nsvm_sleep 3
for p in "${pids[@]}"; do
	kill -0 "$p" 2>/dev/null || ns_fail "swapoff finished while the servers were down"
done
# Recovery is visible while it runs: time and failed attempts in stats
# and in swapctl status (each attempt meets a closed port).
for n in "${targets[@]}"; do
	[ "$(ns_stat "$n" recovery_ms)" -ge 3000 ] || ns_fail "$n: recovery_ms $(ns_stat "$n" recovery_ms) after 3 s down"
	[ "$(ns_stat "$n" reconnect_attempts)" -ge 1 ] || ns_fail "$n: no failed reconnect attempt counted while down"
done
ns_sc status
[[ $ns_out == *"recovering for "*" failed reconnect attempt"* ]] || ns_fail "swapctl status does not show the recovery: $ns_out"
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
all_state up 60 || ns_fail "not all up after the servers came back: $(states)"
for n in "${targets[@]}"; do
	echo "$n: $(ns_get "$n" stats | tr '\n' ' ')"
	[ "$(ns_stat "$n" errors)" = 0 ] || ns_fail "$n: errors = $(ns_stat "$n" errors)"
	[ "$(ns_stat "$n" reconnects)" -gt "${rec0[$n]}" ] || ns_fail "$n: no reconnect after the kill"
done
ns_ok "four targets recovered together: $(states)"
# One kernel line per failed attempt (rate-limited: the first of each
# target at least), and the attempts in the line that ends the recovery.
for n in "${targets[@]}"; do
	dmesg | grep -q "$n: reconnect attempt 1 failed (-[0-9]*): .*; next in [0-9]* ms" ||
		ns_fail "$n: no kernel line for its first failed reconnect attempt"
	dmesg | grep -q "$n: connection re-established after [0-9]* ms, [1-9][0-9]* failed attempts\{0,1\}" ||
		ns_fail "$n: no re-established line counting its failed attempts"
	a=$(ns_stat "$n" recovery_ms)
	nsvm_sleep 1
	[ "$(ns_stat "$n" recovery_ms)" = "$a" ] || ns_fail "$n: recovery_ms still grows while up"
done
# Up again: the recovery in progress (netlink) is none, its attempts 0.
ns_sc status --json
[ "$(ns_json "sorted(set((t['recovery_ms'], t['recovery_attempts']) for t in j))")" = "[(0, 0)]" ] ||
	ns_fail "status --json still shows a recovery once up: $(ns_json "[(t['name'], t['recovery_ms'], t['recovery_attempts']) for t in j]")"
ns_ok "recovery in the log and the counters: attempts, time"

# Every page is in RAM now: one more full pass verifies them all.
before=$(ns_hog_passes)
kill -CONT "$ns_hog"
ns_hog_next_pass "$before" 180 || ns_fail "the workload did not verify a pass after swapoff"
ns_hog_stop_check "every page verified across the freeze and the swapoff: 0 corrupt"

# ---- 3. recovery_timeout_s with swap on ----
# Settable while enabled. Once the servers are gone that long, I/O fails:
# the workload's page-ins end in SIGBUS (never wrong data), the kernel
# carries on; when the servers are back the targets return to up by
# themselves and take swap again.
for d in "${devs[@]}"; do
	swapon -p 5 "$d" || ns_fail "swapon $d again"
done
rm -f /tmp/hog-pass1
echo 40M >/sys/fs/cgroup/hog/memory.max
ns_hog_start 120 40 -p 1000
ns_hog_swapping 300 "${targets[@]}"
kill -STOP "$ns_hog"
for n in "${targets[@]}"; do
	ns_set "$n" recovery_timeout_s 4
done
: >/share/kill2
nsvm_wait_file /share/killed2 120 || ns_die "the host did not kill the servers again"
all_state failed 90 || ns_fail "not all failed after recovery_timeout_s: $(states)"
for n in "${targets[@]}"; do
	case $(ns_get "$n" last_error) in
	*"no connection for 4 s (recovery_timeout_s)"*) ;;
	*) ns_fail "$n last_error: $(ns_get "$n" last_error)" ;;
	esac
done
for d in "${devs[@]}"; do
	if dd if="$d" of=/dev/null bs=4k count=1 iflag=direct status=none 2>/dev/null; then
		ns_fail "a read of $d succeeded while failed"
	fi
done
echo max >/sys/fs/cgroup/hog/memory.max
kill -CONT "$ns_hog"
wait_gone "$ns_hog" 60 || { kill -KILL "$ns_hog"; ns_fail "the workload ran on with its swap failed"; }
wait "$ns_hog"
rc=$?
grep -q 'corrupt after pass' /tmp/memhog.out && ns_fail "memhog saw a corrupt page"
if [ "$rc" -eq $((128 + 7)) ]; then
	ns_ok "failed swap: the workload's page-in ended in SIGBUS"
else
	ns_fail "memhog ended with status $rc, not SIGBUS"
fi
for d in "${devs[@]}"; do
	swapoff "$d" || ns_fail "swapoff $d of a failed target"
done
: >/share/revive2
nsvm_wait_file /share/revived2 120 || ns_die "the host did not restart the servers"
all_state up 90 || ns_fail "not all up again after the servers returned: $(states)"
for ((k = 0; k < ${#devs[@]}; k++)); do
	ns_pattern_check "${devs[$k]}" 2
done
for d in "${devs[@]}"; do
	mkswap "$d" >/dev/null || ns_fail "mkswap $d after the return"
	swapon -p 5 "$d" || ns_fail "swapon $d after the return"
	swapoff "$d" || ns_fail "swapoff $d after the return"
done

for n in "${targets[@]}"; do
	ns_teardown "$n"
done
ns_unload
ns_finish
