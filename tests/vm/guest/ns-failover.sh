# shellcheck shell=bash
# Guest: the target stops answering (host SIGSTOPs tgtd): NOP-Out pings go
# unanswered, the target recovers once tgtd runs again, and the held I/O
# completes with the right data. Then with recovery_timeout_s set, a dead
# target fails outstanding I/O with an error after that long, the state is
# "failed", and the target comes back up when tgtd returns.
. "$NETSWAP_REPO/tests/vm/guest/nslib.sh"
. "$NETSWAP_REPO/tests/vm/guest-lib.sh"

state_is() {
	local i
	for ((i = 0; i < 600; i++)); do
		[ "$(ns_get t0 state)" = "$1" ] && return 0
		nsvm_sleep 0.1
	done
	return 1
}

ns_load
ns_create t0
ns_set t0 io_timeout_ms 3000
ns_set t0 reconnect_delay_ms 500
ns_enable t0 || ns_die "enable"
dev=$(ns_dev t0)
ns_pattern_check "$dev" 4

# 1. tgtd frozen for ~12 s: I/O is held, not failed.
nsvm_mark freeze
nsvm_wait_file /share/frozen 60 || ns_die "host did not freeze tgtd"
start=$SECONDS
if dd if="$dev" of=/tmp/held bs=1M count=4 iflag=direct status=none; then
	cmp -s /tmp/held /tmp/ns-pat && ns_ok "I/O held across a frozen target, data intact ($((SECONDS - start)) s)" ||
		ns_fail "data read across the freeze differs"
else
	ns_fail "I/O failed while the target was frozen (recovery_timeout_s=0 must hold it)"
fi
state_is up || ns_fail "state $(ns_get t0 state) after the freeze"
to=$(awk '$1 == "timeouts" { print $2 }' "$NS_CFG/t0/stats")
[ "${to:-0}" -ge 1 ] && ns_ok "timeouts counted: $to" || ns_fail "no timeout counted"
dmesg | grep -q "t0: up -> recovering (target stopped answering" ||
	dmesg | grep -q "t0: up -> recovering (I/O timeout" ||
	ns_fail "no recovery for an unresponsive target in dmesg"

# 2. recovery_timeout_s=4 and a dead target: I/O fails after the limit.
echo 0 >"$NS_CFG/t0/enable" || ns_fail "disable"
ns_set t0 recovery_timeout_s 4
ns_enable t0 || ns_die "re-enable"
dev=$(ns_dev t0)
nsvm_mark kill
nsvm_wait_file /share/killed 60 || ns_die "host did not kill tgtd"
start=$SECONDS
if dd if="$dev" of=/tmp/failed bs=4k count=1 skip=100 iflag=direct status=none 2>/tmp/dd.err; then
	ns_fail "I/O to a dead target succeeded with recovery_timeout_s=4"
else
	took=$((SECONDS - start))
	ns_ok "I/O failed after $took s: $(cat /tmp/dd.err)"
	[ "$took" -le 60 ] || ns_fail "failing took $took s"
fi
state_is failed || ns_fail "state $(ns_get t0 state), expected failed"
ns_ok "state failed: $(ns_get t0 last_error)"
nsvm_mark revive
state_is up || ns_fail "state $(ns_get t0 state) after tgtd returned"
dd if="$dev" of=/tmp/again bs=1M count=4 iflag=direct status=none &&
	cmp -s /tmp/again /tmp/ns-pat && ns_ok "back up after the target returned" ||
	ns_fail "I/O after the target returned"
ns_teardown t0
ns_unload
ns_finish
