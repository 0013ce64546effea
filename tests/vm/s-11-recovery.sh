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
	vm_host_restarts ready tgt.sh tgtd
	exit 0
fi

kver=${1:?usage: $0 KVER}
vm_need_module "$kver"
vm_tgt_lun s-11-recovery 1024
"$VM_HERE/boot.sh" --name "s-11-recovery-$kver" --mem 256 --timeout 1500 \
	--host "$(printf '%q --host-side' "$0")" \
	"$kver" "$VM_HERE/guest/ns-recovery.sh"
