#!/bin/bash
# t-19-ipv6.sh KVER: swap over IPv6. The host's tgt and a ganesha listen
# on [::1] only (NETSWAP_TGT_ADDR, NETSWAP_NFS_ADDR), the guest reaches
# them through QEMU's user network with IPv6 on (boot.sh --ipv6) as
# [fd6e:7377:1::2]. swapctl adds one iSCSI and one NFS target by
# bracketed URL; status shows the addresses; the guest's connections are
# IPv6 ones; a workload swaps through both; both servers are killed and
# restarted while pages move: both targets recover over IPv6, 0 corrupt
# pages, no I/O error. guest/ns-ipv6.sh.
# One kernel only (IPv6 sockets take the same calls as IPv4 ones): what
# depends on the kernel is in kernel/compat.h, and t-00, t-10, t-16, t-18,
# t-20 and t-26 run it on every kernel. The protocol cases are spread over
# both. swapctl's netlink use runs here on the oldest kernel and in t-30
# and t-31 on the newest:
# vm-kernels: oldest
# vm-time: 90
set -euo pipefail
. "$(dirname "$0")/lib.sh"

if [ "${1:-}" = --host-side ]; then
	vm_wait_file "$NETSWAP_SHARE/kill" 600 "$NETSWAP_QEMU_PID" ||
		vm_fail "the guest never started swapping"
	"$VM_HERE/tgt.sh" kill9 || vm_fail "tgtd kill"
	"$VM_HERE/ganesha.sh" kill9 || vm_fail "ganesha kill"
	vm_log "servers killed"
	sleep 3
	"$VM_HERE/tgt.sh" restart >/dev/null || vm_fail "tgtd restart"
	"$VM_HERE/ganesha.sh" restart >/dev/null || vm_fail "ganesha restart"
	vm_log "servers back"
	: >"$NETSWAP_SHARE/revived"
	exit 0
fi

kver=${1:?usage: $0 KVER}
vm_need_module "$kver"
[ -x "$VM_REPO/build/swapctl" ] || vm_fail "build/swapctl not built (make swapctl)"
[ -n "$(ip -6 addr show dev lo 2>/dev/null)" ] || vm_fail "the host has no ::1 (IPv6 disabled?)"
export NETSWAP_TGT_ADDR=::1 NETSWAP_NFS_ADDR=::1
# A ganesha of its own: not the IPv4 one other drivers share.
export NETSWAP_NFS_PORT=2079
vm_tgt_lun t-19-ipv6 128
vm_nfs_file t-19-ipv6 128
vm_on_exit "$(printf 'NETSWAP_NFS_PORT=%q NETSWAP_NFS_ADDR=::1 %q stop >/dev/null 2>&1' \
	"$NETSWAP_NFS_PORT" "$VM_HERE/ganesha.sh")"
"$VM_HERE/boot.sh" --name "t-19-ipv6-$kver" --mem 256 --timeout 600 --ipv6 \
	--host "$(printf '%q --host-side' "$0")" \
	"$kver" "$VM_HERE/guest/ns-ipv6.sh"
