# shellcheck shell=bash
# Guest: every attribute refuses malformed, out-of-range and oversized
# values with the right errno and a last_error that says what was wrong;
# enabling with missing settings, an address where nothing listens, a
# wrong target name or LUN fails cleanly and can be retried; rmdir and
# rmmod are refused while in use; afterwards the target still works.
. "$NETSWAP_REPO/tests/vm/guest/nslib.sh"

long=$(printf 'x%.0s' $(seq 1 300))
huge=$(printf 'y%.0s' $(seq 1 5000))

EINVAL="Invalid argument"
ERANGE="out of range"
EBUSY="busy"

ns_load

# Directory names.
for bad in "bad name" ".hidden" "-dash" "$(printf 'n%.0s' $(seq 1 40))" "$(printf 'caf\xe9')"; do
	if mkdir "$NS_CFG/$bad" 2>/dev/null; then
		ns_fail "mkdir '$bad' accepted"
		rmdir "$NS_CFG/$bad"
	else
		ns_ok "mkdir '${bad:0:20}' refused"
	fi
done

mkdir "$NS_CFG/t0" || ns_die "mkdir t0"

# Enabling with nothing set says what is missing, step by step.
expect_enable_fails "transport is not set"
ns_set t0 transport iscsi
expect_enable_fails "address is not set"
ns_set t0 address "$NETSWAP_HOST_IP"
expect_enable_fails "target_name is not set"

# Every attribute, bad values.
expect_refused transport "" "$EINVAL" "must be iscsi or nfs"
expect_refused transport "iscsi2" "$EINVAL" "must be iscsi or nfs"
expect_refused address "" "$EINVAL" "not an IPv4 or IPv6"
expect_refused address "10.0.2" "$EINVAL" "not an IPv4 or IPv6"
expect_refused address "300.1.1.1" "$EINVAL" "not an IPv4 or IPv6"
expect_refused address "nas.example" "$EINVAL" "swapctl resolves names"
expect_refused address "fe80::g" "$EINVAL" "not an IPv4 or IPv6"
expect_refused address "$huge" "$EINVAL" "too long"
expect_refused address "10.0.2.2 x" "$EINVAL" "not an IPv4 or IPv6"
expect_refused port "65536" "$ERANGE" "out of range"
expect_refused port "-1" "$EINVAL" "not a number"
expect_refused port "abc" "$EINVAL" "not a number"
expect_refused port "99999999999999999999" "$ERANGE" "out of range"
expect_refused lun "16384" "$ERANGE" "out of range"
expect_refused lun "1x" "$EINVAL" "not a number"
expect_refused target_name "foo" "$EINVAL" "not a valid iSCSI name"
expect_refused target_name "iqn.bad" "$EINVAL" "not a valid iSCSI name"
expect_refused target_name "iqn.2026-11.$long" "$EINVAL" "too long"
expect_refused initiator_name "eui.123" "$EINVAL" "not a valid iSCSI name"
expect_refused initiator_name "$huge" "$EINVAL" "too long"
expect_refused auth_user "$long" "$EINVAL" "too long"
expect_refused auth_user "$(printf 'a\tb')" "$EINVAL" "printable ASCII"
expect_refused auth_user "$(printf 'caf\xe9')" "$EINVAL" "printable ASCII"
expect_refused header_digest "md5" "$EINVAL" "none or crc32c"
expect_refused data_digest "" "$EINVAL" "none or crc32c"
expect_refused queue_depth "0" "$ERANGE" "out of range"
expect_refused queue_depth "1025" "$ERANGE" "out of range"
expect_refused queue_depth "many" "$EINVAL" "not a number"
expect_refused io_timeout_ms "999" "$ERANGE" "out of range"
expect_refused io_timeout_ms "600001" "$ERANGE" "out of range"
expect_refused reconnect_delay_ms "99" "$ERANGE" "out of range"
expect_refused reconnect_delay_ms "60001" "$ERANGE" "out of range"
expect_refused recovery_timeout_s "86401" "$ERANGE" "out of range"
expect_refused recovery_timeout_s "-5" "$EINVAL" "not a number"
expect_refused enable "2" "$EINVAL" "must be 0 or 1"
expect_refused enable "maybe" "$EINVAL" "must be 0 or 1"

# The CHAP secret: length limits, write-only, never shown or logged.
expect_refused_secret() {
	if printf '%s\n' "$1" 2>/tmp/err >"$NS_CFG/t0/auth_secret"; then
		ns_fail "auth_secret accepted a ${#1}-character secret"
	else
		ns_ok "auth_secret of ${#1} characters refused: $(cat "$NS_CFG/t0/last_error")"
	fi
}
expect_refused_secret "short"
expect_refused_secret "$long"
if cat "$NS_CFG/t0/auth_secret" >/dev/null 2>&1; then
	ns_fail "auth_secret is readable"
else
	ns_ok "auth_secret is write-only"
fi
for ro in state disk capacity_bytes reserve_kb last_error stats; do
	if echo 1 2>/dev/null >"$NS_CFG/t0/$ro"; then
		ns_fail "read-only $ro accepted a write"
	fi
done
ns_ok "read-only attributes refuse writes"

# Missing halves of CHAP.
ns_set t0 target_name "$NETSWAP_TGT_IQN"
ns_set t0 lun 1
ns_set t0 auth_user someone
expect_enable_fails "CHAP needs both"
ns_set t0 auth_user ""

# Nothing listening: refused, retryable.
ns_set t0 port 1
expect_enable_fails "connection refused"
expect_enable_fails "connection refused"
ns_set t0 port "$NETSWAP_TGT_PORT"

# A target name the target does not have.
ns_set t0 target_name "iqn.2026-11.org.netswap.test:nosuchtarget"
expect_enable_fails "login:"
ns_set t0 target_name "$NETSWAP_TGT_IQN"

# A LUN that does not exist.
ns_set t0 lun 7
expect_enable_fails "LUN"
ns_set t0 lun 1

# Now it works.
ns_enable t0 || ns_die "enable after all the refusals"
dev=$(ns_dev t0)
ns_pattern_check "$dev" 8

# Changing connection settings while enabled is refused.
expect_refused port 3261 "$EBUSY" "cannot change while enabled"
expect_refused address 10.0.2.3 "$EBUSY" "cannot change while enabled"
expect_refused queue_depth 8 "$EBUSY" "cannot change while enabled"
# The recovery policy may change while enabled (the way out of a dead target).
ns_set t0 recovery_timeout_s 600 && [ "$(ns_get t0 recovery_timeout_s)" = 600 ] &&
	ns_ok "recovery_timeout_s changes while enabled"
ns_set t0 recovery_timeout_s 0
expect_refused enable "yes" "$EINVAL" "must be 0 or 1"

# rmdir and rmmod while enabled; enable=0 while swapped on.
if rmdir "$NS_CFG/t0" 2>/dev/null; then ns_die "rmdir of an enabled target succeeded"; fi
ns_ok "rmdir of an enabled target refused"
if rmmod netswap 2>/dev/null; then ns_die "rmmod with an enabled target succeeded"; fi
ns_ok "rmmod with an enabled target refused"
mkswap "$dev" >/dev/null && swapon "$dev" || ns_die "swapon"
expect_refused enable 0 "$EBUSY" "in use"
[ "$(cat "$NS_CFG/t0/state")" = up ] || ns_fail "state changed by a refused disable"
swapoff "$dev" || ns_fail "swapoff"

# Still works after all of that.
ns_pattern_check "$dev" 8
ns_teardown t0
if rmmod netswap; then
	[ ! -d "$NS_CFG" ] || ns_fail "configfs dir left after rmmod"
	ns_ok "rmmod clean"
else
	ns_fail "rmmod after teardown"
fi
ns_finish
