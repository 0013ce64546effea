# shellcheck shell=bash
# Guest: every attribute refuses malformed, out-of-range and oversized
# values with the right errno and a last_error that says what was wrong;
# enabling with missing settings, an address where nothing listens, a
# wrong target name or LUN fails cleanly and can be retried; rmdir and
# rmmod are refused while in use; afterwards the target still works.
. "$NETSWAP_REPO/tests/vm/guest/nslib.sh"
. "$NETSWAP_REPO/tests/vm/guest-lib.sh"

long=$(printf 'x%.0s' $(seq 1 300))
secret=good-secret-$RANDOM$RANDOM
huge=$(printf 'y%.0s' $(seq 1 5000))

EINVAL="Invalid argument"
ERANGE="out of range"
EBUSY="busy"

ns_load

# Directory names.
for bad in "bad name" ".hidden" "-dash" "$(printf 'n%.0s' $(seq 1 40))" "$(printf 'caf\xe9')"; do
	if mkdir "$NS_CFG/$bad" 2>/tmp/err; then
		ns_fail "mkdir '$bad' accepted"
		rmdir "$NS_CFG/$bad"
	elif ! grep -q "$EINVAL" /tmp/err; then
		ns_fail "mkdir '${bad:0:20}': wanted '$EINVAL', got '$(cat /tmp/err)'"
	elif [ -e "$NS_CFG/$bad" ]; then
		ns_fail "mkdir '${bad:0:20}' refused but the directory exists"
	else
		ns_ok "mkdir '${bad:0:20}' refused"
	fi
done

mkdir "$NS_CFG/t0" || ns_die "mkdir t0"

# Enabling with nothing set says what is missing, step by step.
expect_enable_fails "transport is not set"
ns_set_check t0 transport iscsi
expect_enable_fails "address is not set"
ns_set_check t0 address "$NETSWAP_HOST_IP"
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

# The CHAP secret: length limits, write-only, never shown or logged. A
# good one is stored first: the refused ones must not replace it (the
# CHAP check below sees it).
ns_set t0 auth_secret "$secret" && ns_ok "auth_secret of ${#secret} characters accepted"
# expect_refused_secret ATTR SECRET EXPECT
expect_refused_secret() {
	local msg
	if printf '%s\n' "$2" 2>/tmp/err >"$NS_CFG/t0/$1"; then
		ns_fail "$1 accepted a ${#2}-character secret"
		return
	fi
	msg=$(cat "$NS_CFG/t0/last_error")
	if ! grep -q "$EINVAL" /tmp/err; then
		ns_fail "$1 of ${#2} characters: wanted '$EINVAL', got '$(cat /tmp/err)'"
	elif [[ $msg != *"$3"* ]]; then
		ns_fail "$1 of ${#2} characters: last_error '$msg' lacks '$3'"
	elif [[ $msg == *"$2"* ]]; then
		ns_fail "$1 of ${#2} characters: last_error shows the secret"
	else
		ns_ok "$1 of ${#2} characters refused: $msg"
	fi
}
for attr in auth_secret auth_target_secret; do
	expect_refused_secret $attr "q7Zk2" "$attr: too short"
	expect_refused_secret $attr "$long" "$attr: too long"
	if cat "$NS_CFG/t0/$attr" >/dev/null 2>/tmp/err; then
		ns_fail "$attr is readable"
	elif ! grep -q "Permission denied" /tmp/err; then
		ns_fail "reading $attr: wanted 'Permission denied', got '$(cat /tmp/err)'"
	else
		ns_ok "$attr is write-only"
	fi
done
# Read-only attributes: EACCES, value and last_error untouched.
ro_bad=0
for ro in state disk capacity_bytes reserve_kb last_error stats; do
	if [ ! -f "$NS_CFG/t0/$ro" ]; then
		ns_fail "no attribute $ro"
		ro_bad=1
		continue
	fi
	before=$(cat "$NS_CFG/t0/$ro")
	err_before=$(cat "$NS_CFG/t0/last_error")
	if echo 1 2>/tmp/err >"$NS_CFG/t0/$ro"; then
		ns_fail "read-only $ro accepted a write"
		ro_bad=1
	elif ! grep -q "Permission denied" /tmp/err; then
		ns_fail "read-only $ro: wanted 'Permission denied', got '$(cat /tmp/err)'"
		ro_bad=1
	fi
	if [ "$(cat "$NS_CFG/t0/$ro")" != "$before" ]; then
		ns_fail "read-only $ro changed by a refused write"
		ro_bad=1
	fi
	if [ "$(cat "$NS_CFG/t0/last_error")" != "$err_before" ]; then
		ns_fail "a write to read-only $ro changed last_error"
		ro_bad=1
	fi
done
[ "$ro_bad" = 1 ] || ns_ok "read-only attributes refuse writes (EACCES), unchanged"

# Missing halves of CHAP: the secret alone (still the good one, after the
# refused writes), then the user alone (the secret cleared).
ns_set_check t0 target_name "$NETSWAP_TGT_IQN"
ns_set_check t0 lun 1
ns_set_check t0 auth_user ""
expect_enable_fails "CHAP needs both"
ns_set t0 auth_secret ""
ns_set_check t0 auth_user someone
expect_enable_fails "CHAP needs both"
ns_set_check t0 auth_user ""
# Mutual CHAP: both halves, and the initiator's pair with them.
ns_set t0 auth_target_secret "target-$secret"
expect_enable_fails "mutual CHAP needs both auth_target_user and auth_target_secret"
ns_set_check t0 auth_target_user swaptarget
expect_enable_fails "mutual CHAP needs auth_user and auth_secret too"
ns_set t0 auth_target_secret ""
ns_set_check t0 auth_target_user ""

# Nothing listening: refused, retryable.
ns_set_check t0 port 1
expect_enable_fails "connection refused"
expect_enable_fails "connection refused"
ns_set_check t0 port "$NETSWAP_TGT_PORT"

# A target name the target does not have.
ns_set_check t0 target_name "iqn.2026-11.org.netswap.test:nosuchtarget"
expect_enable_fails "login:"
ns_set_check t0 target_name "$NETSWAP_TGT_IQN"

# A LUN that does not exist.
ns_set_check t0 lun 7
expect_enable_fails "LUN"
ns_set_check t0 lun 1

# Now it works.
ns_enable t0 || ns_die "enable after all the refusals"
dev=$(ns_dev t0)
ns_pattern_check "$dev" 8

# Changing connection settings while enabled is refused.
expect_refused port 3261 "$EBUSY" "cannot change while enabled"
expect_refused address 10.0.2.3 "$EBUSY" "cannot change while enabled"
expect_refused queue_depth 8 "$EBUSY" "cannot change while enabled"
# The recovery policy may change while enabled (the way out of a dead target).
for a in recovery_timeout_s:600:0 reconnect_delay_ms:2000:1000; do
	IFS=: read -r attr val orig <<<"$a"
	ns_set_check t0 "$attr" "$val" && ns_set_check t0 "$attr" "$orig" &&
		ns_ok "$attr changes while enabled ($orig -> $val -> $orig, read back)"
done
expect_refused enable "yes" "$EINVAL" "must be 0 or 1"

# rmdir and rmmod while enabled; enable=0 while swapped on.
if rmdir "$NS_CFG/t0" 2>/dev/null; then ns_die "rmdir of an enabled target succeeded"; fi
if [ "$(ns_get t0 state)" = up ]; then
	ns_ok "rmdir of an enabled target refused"
else
	ns_fail "state $(ns_get t0 state) after a refused rmdir"
fi
if rmmod netswap 2>/dev/null; then ns_die "rmmod with an enabled target succeeded"; fi
ns_ok "rmmod with an enabled target refused"
{ mkswap "$dev" >/dev/null && swapon "$dev"; } || ns_die "swapon"
expect_refused enable 0 "$EBUSY" "in use"
[ "$(cat "$NS_CFG/t0/state")" = up ] || ns_fail "state changed by a refused disable"
swapoff "$dev" || ns_fail "swapoff"

# Still works after all of that.
ns_pattern_check "$dev" 8
# The secret never reached the kernel log or last_error.
if dmesg | grep -qF -- "$secret" || grep -qF -- "$secret" "$NS_CFG/t0/last_error"; then
	ns_fail "the CHAP secret shows in the kernel log or last_error"
else
	ns_ok "the CHAP secret is in neither the kernel log nor last_error"
fi
ns_teardown t0

# rmdir racing enable (bounded: 20 rounds): the directory is removed at a
# different moment of each enable (before the connect, during login, after
# up). Each round ends either with rmdir refused (EBUSY: the enable won
# and pinned the directory; then disable and rmdir) or with the enable
# failed and the directory gone; never with a disk left behind or a
# target that lives on without its directory.
# Even rounds start the enable first, odd ones the rmdir, with a delay
# of 0 to 0.9 s between them.
races=0 busy=0
for ((r = 0; r < 20; r++)); do
	ns_create race
	if ((r % 2 == 0)); then
		( echo 1 >"$NS_CFG/race/enable" ) 2>/dev/null &
		nsvm_sleep "0.$((r / 2 % 10))"
		rmdir "$NS_CFG/race" 2>/dev/null &
	else
		rmdir "$NS_CFG/race" 2>/dev/null &
		nsvm_sleep "0.$((r / 2 % 10))"
		( echo 1 >"$NS_CFG/race/enable" ) 2>/dev/null &
	fi
	wait
	if [ -d "$NS_CFG/race" ]; then
		busy=$((busy + 1))
		[ "$(ns_get race enable)" = 1 ] ||
			ns_fail "race $r: rmdir refused, but the target is not enabled"
		echo 0 >"$NS_CFG/race/enable" 2>/dev/null
		rmdir "$NS_CFG/race" || ns_fail "race $r: rmdir after disable"
	else
		races=$((races + 1))
	fi
done
left=$(ls -d /sys/block/netswap* 2>/dev/null | wc -l)
if [ "$left" = 0 ]; then
	ns_ok "rmdir racing enable: $races rmdirs went first, $busy were refused as busy; no disk left"
else
	ns_fail "rmdir racing enable: $left disk(s) left after the targets were removed"
fi
if rmmod netswap; then
	[ ! -d "$NS_CFG" ] || ns_fail "configfs dir left after rmmod"
	ns_ok "rmmod clean"
else
	ns_fail "rmmod after teardown"
fi
ns_finish
