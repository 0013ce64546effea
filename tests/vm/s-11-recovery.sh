#!/bin/bash
# s-11-recovery.sh KVER: the swap workload of t-10 while the host's tgtd
# is killed with SIGKILL and restarted twice, a few seconds apart. The
# workload completes with zero corrupt pages and the target goes
# up -> recovering -> up each time, with no userspace involved.
# make stress: make test kills and restarts both servers while a workload
# swaps, on both kernels, in t-18-outages (four targets) and t-19-ipv6.
# vm-time: 150
set -euo pipefail
. "$(dirname "$0")/lib.sh"

if [ "${1:-}" = --host-side ]; then
	vm_wait_file "$NETSWAP_SHARE/ready" 600 "$NETSWAP_QEMU_PID" ||
		vm_fail "the guest never started swapping"
	for i in 1 2; do
		sleep 3
		vm_log "kill -9 tgtd ($i)"
		"$VM_HERE/tgt.sh" kill9
		sleep 4
		"$VM_HERE/tgt.sh" restart >/dev/null || vm_fail "tgtd restart $i"
		vm_log "tgtd restarted ($i)"
		: >"$NETSWAP_SHARE/restarted-$i"
		sleep 8
	done
	exit 0
fi

kver=${1:?usage: $0 KVER}
vm_need_module "$kver"
vm_tgt_lun s-11-recovery 1024
"$VM_HERE/boot.sh" --name "s-11-recovery-$kver" --mem 256 --timeout 1500 \
	--host "$(printf '%q --host-side' "$0")" \
	"$kver" "$VM_HERE/guest/ns-recovery.sh"
