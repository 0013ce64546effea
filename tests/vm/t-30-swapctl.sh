#!/bin/bash
# t-30-swapctl.sh KVER: swapctl end to end in a guest (guest/ns-swapctl.sh):
# add, up --format, status (table and JSON), monitor across a tgtd restart,
# reserve --apply, down, rm, apply twice (idempotent) and apply --prune,
# against the host's tgt and ganesha. Its subject is swapctl and the
# module's configfs and netlink code, which do not depend on the kernel
# (kernel/compat.h holds what does); swapctl runs on the oldest kernel in
# t-19-ipv6 (add, up, status --json over netlink):
# vm-kernels: newest
# vm-time: 90
set -euo pipefail
. "$(dirname "$0")/lib.sh"

if [ "${1:-}" = --host-side ]; then
	vm_wait_file "$NETSWAP_SHARE/ready" 600 "$NETSWAP_QEMU_PID" ||
		vm_fail "the guest never started swapping"
	sleep 3
	vm_log "restart tgtd (kill -9, start, same LUN)"
	"$VM_HERE/tgt.sh" restart >/dev/null || vm_fail "tgt restart"
	: >"$NETSWAP_SHARE/restarted"
	exit 0
fi

kver=${1:?usage: $0 KVER}
vm_need_module "$kver"
[ -x "$VM_REPO/build/swapctl" ] || vm_fail "build/swapctl not built (make swapctl)"
vm_tgt_lun t-30-swapctl 512
vm_nfs_file t-30-swapctl 512
"$VM_HERE/boot.sh" --name "t-30-swapctl-$kver" --mem 256 --timeout 1200 \
	--host "$(printf '%q --host-side' "$0")" \
	"$kver" "$VM_HERE/guest/ns-swapctl.sh"
