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
# Requests past 128 KiB from the reserve of 128 KiB per tag (both were
# 128 KiB per request before, NFS's reserve 260 KiB per tag).
qd=$(ns_get t0 queue_depth)
rk=$(ns_get t0 reserve_kb)
[ "$rk" = $((qd * 132 + 256)) ] || ns_fail "reserve_kb $rk, not queue_depth $qd x 132 + 256"
mhs=$(cat "/sys/block/${dev#/dev/}/queue/max_hw_sectors_kb")
[ "$mhs" -gt 128 ] && [ "$mhs" -le 512 ] || ns_fail "largest request $mhs KiB, not in 132..512"
ns_ok "reserve_kb $rk at queue_depth $qd, requests up to $mhs KiB"
# The attribute udev's rule names /dev/netswap/<name> by (t-32 checks the
# rule on the newest kernel only).
name=$(cat "/sys/block/${dev#/dev/}/netswap/name" 2>/dev/null) ||
	ns_fail "no /sys/block/${dev#/dev/}/netswap/name"
[ "$name" = t0 ] || ns_fail "/sys/block/${dev#/dev/}/netswap/name is '$name', not t0"
# Neither tgt's LUN (thin_provisioning off) nor an NFSv3 file can unmap.
ns_no_discard t0
ns_reserve t0
ns_swap_workload "$dev" "$passes" /share/ready
ns_get t0 stats
[ "$(ns_get t0 state)" = up ] || ns_fail "state $(ns_get t0 state) at the end"
ns_monitor_stop
ns_teardown t0
ns_unload
ns_finish
