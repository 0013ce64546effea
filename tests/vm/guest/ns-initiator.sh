# shellcheck shell=bash
# Guest of t-38-initiator.sh (argument: the one initiator name the target's
# ACL allows): the host's own initiator name, generated once, refused by
# the ACL; the allowed name in /etc/netswap/initiatorname logs in.
. "$NETSWAP_REPO/tests/vm/guest/nslib.sh"
allowed=${1:?allowed IQN}
own=/etc/netswap/initiatorname
url=iscsi://$NETSWAP_HOST_IP:$NETSWAP_TGT_PORT/$NETSWAP_TGT_IQN/1

# The guest's root is a tmpfs overlay over the host's: hiding open-iscsi's
# name touches only the overlay.
[ "$(stat -f -c %T /)" = overlayfs ] || ns_die "/ is not the guest's overlay"
rm -f /etc/iscsi/initiatorname.iscsi "$own"
ns_load

# 1. No name yet: add makes one, once, and the target gets it.
ns_sc initiator-name --no-create
[ "$ns_rc" = 2 ] || ns_fail "initiator-name --no-create on a host without a name: exit $ns_rc"
ns_sc_ok add a0 "$url" -o io_timeout_ms=5000 || ns_die "swapctl add a0"
gen=$(sed -n 's/^InitiatorName=//p' "$own" 2>/dev/null)
[[ $gen =~ ^iqn\.2026-11\.org\.netswap:[0-9a-f]{12}$ ]] || ns_die "add stored no generated name in $own: '$gen'"
[[ $ns_errout == *"initiator name is now $gen"* ]] || ns_fail "add did not say it made the host's name: $ns_errout"
[ "$(ns_get a0 initiator_name)" = "$gen" ] || ns_fail "a0's initiator_name is '$(ns_get a0 initiator_name)', not $gen"
ns_sc_ok initiator-name
[ "$ns_out" = "$gen" ] || ns_fail "initiator-name printed '$ns_out', not $gen"
ns_ok "a host without a name got one ($gen), stored once, given to the target"

# 2. The ACL does not know it: the login is refused, the target stays down.
ns_sc enable a0
[ "$ns_rc" = 4 ] || ns_fail "enable with a name the ACL refuses: exit $ns_rc"
echo "last_error: $(ns_get a0 last_error)"
[ "$(ns_get a0 enable)" = 0 ] || ns_fail "a0 enabled after a refused login"
[[ $(ns_get a0 last_error) == *"the target's ACL does not allow initiator $gen"* ]] ||
	ns_fail "last_error does not name the initiator the ACL refused: $(ns_get a0 last_error)"
ns_sc_ok rm a0

# 3. The operator gives the host the name the ACL allows.
printf 'InitiatorName=%s\n' "$allowed" >"$own"
ns_sc_ok add a0 "$url" -o io_timeout_ms=5000 || ns_die "swapctl add a0 (allowed name)"
[ "$(ns_get a0 initiator_name)" = "$allowed" ] || ns_fail "a0's initiator_name is '$(ns_get a0 initiator_name)'"
ns_sc_ok up a0 --format || ns_die "swapctl up a0 with the allowed name: $(ns_get a0 last_error)"
grep -q "^/dev/$(ns_get a0 disk) " /proc/swaps || ns_fail "no swap on a0"
ns_sc_ok save
[[ $ns_out == *"a0 $url"* ]] || ns_fail "save has no a0 line: $ns_out"
[[ $ns_out != *initiator=* ]] || ns_fail "save wrote the host's default name as an option: $ns_out"
printf '%s\n' "$ns_out" >/tmp/tab
chmod 600 /tmp/tab
ns_sc_ok apply -c /tmp/tab --check
[[ $ns_out == *"1 already up"* ]] || ns_fail "apply --check of save's output: $ns_out"
ns_sc_ok down a0
ns_ok "with the allowed name in $own: login, swap, and save/apply --check see it as the host's"
ns_finish
