# shellcheck shell=bash
# Guest: configfs alone sets up a target on the host's tgt (or a file on
# the host's ganesha), the disk has the LUN's (file's) size, and a workload
# of twice the RAM swaps through it with every page verified.
# Args: PASSES [expected capacity bytes [iscsi|nfs [NFS port [MOUNT port]]]]
# (NFS ports empty: ask the host's portmapper)
. "$NETSWAP_REPO/tests/vm/guest/nslib.sh"
passes=${1:-3}
ns_load
if [ "${3:-iscsi}" = nfs ]; then
	ns_create_nfs t0 "" "" "" "${4-}" "${5-}"
else
	ns_create t0
fi
ns_enable t0 || ns_die "enable"
dev=$(ns_dev t0)
ns_monitor t0
cap=$(ns_get t0 capacity_bytes)
size=$(($(blockdev --getsize64 "$dev")))
[ "$cap" = "$size" ] || ns_fail "capacity_bytes $cap != device size $size"
[ -z "${2:-}" ] || [ "$cap" = "$2" ] || ns_fail "capacity $cap != LUN size $2"
ns_ok "$dev: $size bytes, reserve_kb $(ns_get t0 reserve_kb)"
# The attribute udev's rule names /dev/netswap/<name> by (t-32 checks the
# rule on the newest kernel only).
name=$(cat "/sys/block/${dev#/dev/}/netswap/name" 2>/dev/null) ||
	ns_fail "no /sys/block/${dev#/dev/}/netswap/name"
[ "$name" = t0 ] || ns_fail "/sys/block/${dev#/dev/}/netswap/name is '$name', not t0"
ns_reserve t0
ns_swap_workload "$dev" "$passes" /share/ready
ns_get t0 stats
[ "$(ns_get t0 state)" = up ] || ns_fail "state $(ns_get t0 state) at the end"
ns_monitor_stop
ns_teardown t0
ns_unload
ns_finish
