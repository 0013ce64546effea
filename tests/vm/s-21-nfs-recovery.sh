#!/bin/bash
# s-21-nfs-recovery.sh KVER: the NFS swap workload while the host's
# ganesha is killed with SIGKILL and restarted twice. The workload
# completes with zero corrupt pages; the target goes up -> recovering -> up
# each time, reconnecting with the file handle it resolved at enable and
# sending the outstanding calls again with their XIDs.
# make stress: make test kills and restarts both servers while a workload
# swaps, on both kernels, in t-18-outages (four targets) and t-19-ipv6.
# vm-time: 220
set -euo pipefail
. "$(dirname "$0")/lib.sh"

if [ "${1:-}" = --host-side ]; then
	vm_host_restarts ready ganesha.sh ganesha
	exit 0
fi

kver=${1:?usage: $0 KVER}
vm_need_module "$kver"
vm_nfs_file s-21-nfs-recovery 1024
"$VM_HERE/boot.sh" --name "s-21-nfs-recovery-$kver" --mem 256 --timeout 1500 \
	--host "$(printf '%q --host-side' "$0")" \
	"$kver" "$VM_HERE/guest/ns-recovery.sh" nfs 1
