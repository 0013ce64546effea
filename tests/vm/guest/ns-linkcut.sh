# shellcheck shell=bash
# Guest of t-16-linkcut.sh / s-16-linkcut.sh: one iSCSI target (host tgt)
# and one NFS target (host ganesha), swap on both at equal priority, a
# verifying workload running, while the host cuts the guest's link from
# outside (QEMU monitor set_link): one long silent cut, then a flapping
# link. Args: LONG_S FLAPS FLAP_S GAP_S [IO_TIMEOUT_MS [PASSES]] (the
# host side gets the same numbers).
#
# Host markers in /share: ready (memhog's, after its writing pass), then
# cut-K and restored-K for K = 1 (the long cut) .. FLAPS + 1, then
# flap-done. While swap is cut off the guest's shell stalls, so
# guest/linkmon.py (locked in memory, no exec) records states, counters,
# last_error, carrier, ARP and the TCP sockets in /share/linkmon.jsonl,
# keeps /share/state-NAME current for the host, and checks the timeline
# at the end. Checks: every memhog run exits 0 (every page verified), the
# workload outlasts flap-done, per target errors 0, recoveries and
# reconnects >= 1, state up at the end; linkmon.py check: the long cut
# detected while the link was down and recovered, flaps that hit an up
# target detected, and after the flapping, once both are up, exactly one
# TCP socket (any state) to each target's address:port (ss -tan is in
# /share/ss-after-flap.txt for the record).
. "$NETSWAP_REPO/tests/vm/guest/nslib.sh"
. "$NETSWAP_REPO/tests/vm/guest-lib.sh"

long_s=${1:?LONG_S} flaps=${2:?FLAPS} flap_s=${3:?FLAP_S} gap_s=${4:?GAP_S}
io_timeout_ms=${5:-2000} passes=${6:-1}
cuts=$((flaps + 1))
targets=(i0 n0)
declare -A peer=([i0]="$NETSWAP_HOST_IP:${NETSWAP_TGT_PORT:-3260}" [n0]="$NETSWAP_HOST_IP:${NETSWAP_NFS_PORT:-2049}")

ns_load
ns_create i0
ns_create_nfs n0
for t in "${targets[@]}"; do
	ns_set "$t" io_timeout_ms "$io_timeout_ms"
	ns_set "$t" reconnect_delay_ms 500
	ns_set "$t" recovery_timeout_s 0
	ns_enable "$t" || ns_die "enable $t: $(ns_get "$t" last_error)"
	ns_reserve "$t"
done
declare -A dev
for t in "${targets[@]}"; do dev[$t]=$(ns_dev "$t"); done
ns_log "i0: iSCSI ${peer[i0]} on ${dev[i0]}; n0: NFS ${peer[n0]} on ${dev[n0]}; io_timeout_ms $io_timeout_ms"
ns_log "the host: a cut of $long_s s, then $flaps cuts of $flap_s s, $gap_s s apart"

# The observer: locked in memory, it sees states, counters, sockets and
# the host's markers in real time while the shell stalls with swap cut off.
mon=/share/linkmon.jsonl
python3 "$NETSWAP_REPO/tests/vm/guest/linkmon.py" watch "$mon" \
	i0="${peer[i0]}" n0="${peer[n0]}" 2>/share/linkmon.err &
mon_pid=$!

# ss -tan lines (every state: ESTAB, FIN-WAIT-*, LAST-ACK, CLOSE-WAIT,
# TIME-WAIT, SYN-SENT, orphans too) whose peer is ADDR:PORT.
socks_to() { ss -Htan 2>/dev/null | awk -v p="$1" '$5 == p'; }

# both_up TIMEOUT_S: wait (bounded) until both targets are up.
both_up() {
	local a b j
	for ((j = 0; j < $1 * 10; j++)); do
		read -r a <"$NS_CFG/i0/state"
		read -r b <"$NS_CFG/n0/state"
		[ "$a$b" = upup ] && return 0
		nsvm_sleep 0.1
	done
	return 1
}

# After the flapping, once both targets are up: ss -tan, for the record
# (the shell may have been stalled until then; linkmon.py has the exact
# moment).
(
	nsvm_wait_file /share/flap-done 1200 || exit 0
	both_up 300
	{
		read -r up _ </proc/uptime
		echo "uptime $up"
		for t in "${targets[@]}"; do
			echo "$t ${peer[$t]} state $(<"$NS_CFG/$t/state"):"
			socks_to "${peer[$t]}"
		done
	} >/share/ss-after-flap.txt 2>&1
) &
ss_pid=$!

# The workload: swap on both disks at the same priority, memhog over 1.5
# times the guest's RAM (every page verified on every pass; half of it
# lives in swap, and the verifying pass outlasts the faults by minutes).
# The first run marks ready after its writing pass; further runs (write +
# verify) follow until the host says flap-done, bounded in count and time.
mb=$(($(ns_mem_mb) * 3 / 2))
for t in "${targets[@]}"; do
	mkswap "${dev[$t]}" >/dev/null || ns_die "mkswap ${dev[$t]}"
	swapon -p 10 "${dev[$t]}" || ns_die "swapon ${dev[$t]}"
done
cat /proc/swaps
# Hung tasks fail the test (boot.sh), but a task waiting out the long cut
# plus one reconnect backoff (at most 30 s) is not hung.
echo $((long_s + 90 > 60 ? long_s + 90 : 60)) >/proc/sys/kernel/hung_task_timeout_secs
max_runs=$((4 + cuts)) end=$((SECONDS + 1800)) runs=0 wl_rc=0
while [ "$runs" -lt "$max_runs" ] && [ "$SECONDS" -lt "$end" ]; do
	runs=$((runs + 1))
	if [ "$runs" = 1 ]; then
		ns_log "memhog run 1: $mb MB over $(ns_mem_mb) MB RAM, $passes passes"
		"$NS_MEMHOG" -m "$mb" -p "$passes" -r /share/ready
	else
		ns_log "memhog run $runs: $mb MB, 1 pass (the host is not done yet)"
		"$NS_MEMHOG" -m "$mb" -p 1
	fi
	rc=$?
	[ "$rc" = 0 ] || { ns_fail "memhog run $runs exited $rc"; wl_rc=$rc; break; }
	[ -e /share/flap-done ] && break
done
wl_done=0
[ -e /share/flap-done ] && wl_done=1
ns_log "workload: $runs memhog runs, exit status $wl_rc, host done before its end: $wl_done"
[ "$wl_rc" = 0 ] && ns_ok "memhog: $runs runs of $mb MB, zero corrupt pages"
[ "$wl_done" = 1 ] || ns_fail "the workload ended before the host's flap-done marker ($runs runs)"
grep -E 'pswpin|pswpout' /proc/vmstat
[ "$(awk '/pswpout/ { print $2 }' /proc/vmstat)" -ge 1000 ] || ns_fail "hardly any swapping happened"

nsvm_wait_file /share/ss-after-flap.txt 120 || ns_fail "no ss -tan after the flapping"
# linkmon.py reports the sockets 10 s after both were up again.
[ -z "$(find /share/ss-after-flap.txt -newermt '-12 seconds' 2>/dev/null)" ] || nsvm_sleep 12
: >"$mon.stop"
for ((i = 0; i < 50; i++)); do kill -0 "$mon_pid" 2>/dev/null || break; nsvm_sleep 0.1; done
kill "$mon_pid" "$ss_pid" 2>/dev/null
[ -s /share/linkmon.err ] && { echo "--- linkmon.py stderr"; cat /share/linkmon.err; }

echo "--- ss -tan after the flapping, both targets up"
cat /share/ss-after-flap.txt
echo "--- linkmon.py check"
if python3 "$NETSWAP_REPO/tests/vm/guest/linkmon.py" check "$mon" \
	"$long_s" "$flaps" "$flap_s" "$io_timeout_ms" >/tmp/check.txt 2>&1; then
	cat /tmp/check.txt
else
	cat /tmp/check.txt
	ns_fail "linkmon.py check: $(grep -m 1 '^FAIL: ' /tmp/check.txt | cut -c7-) ($(grep -c '^FAIL: ' /tmp/check.txt) failed)"
fi

for t in "${targets[@]}"; do
	echo "--- $t: final stats, state $(ns_get "$t" state), last_error '$(ns_get "$t" last_error)'"
	ns_get "$t" stats
	declare -A st=()
	while read -r k v; do st[$k]=$v; done <"$NS_CFG/$t/stats"
	if [ "${st[errors]}" = 0 ]; then ns_ok "$t: errors 0"; else ns_fail "$t: errors ${st[errors]}"; fi
	[ "${st[recoveries]}" -ge 1 ] || ns_fail "$t: recoveries ${st[recoveries]} < 1"
	[ "${st[reconnects]}" -ge 1 ] || ns_fail "$t: reconnects ${st[reconnects]} < 1"
	[ "$(ns_get "$t" state)" = up ] || ns_fail "$t: state $(ns_get "$t" state) at the end"
	n=$(grep -c " ${peer[$t]}\$" /share/ss-after-flap.txt)
	ns_log "$t: ss -tan after the flapping: $n socket(s) to ${peer[$t]}"
done

for t in "${targets[@]}"; do swapoff "${dev[$t]}" || ns_fail "swapoff ${dev[$t]}"; done
for t in "${targets[@]}"; do ns_teardown "$t"; done
ns_unload
ns_finish
