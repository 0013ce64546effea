#!/bin/bash
# s-19-seeds.sh KVER (make stress): the seeds' workload on both transports
# at once: 8 x NCPU memhog processes whose anonymous mappings total 4 x
# the guest's RAM, each writing and verifying every page of its own, swap
# on an iSCSI LUN (host tgt) and an NFS file (host ganesha) at equal
# priority. 0 corrupt pages, no OOM kill, every process exits 0
# (guest/ns-seeds.sh).
# vm-time: 1100
set -euo pipefail
. "$(dirname "$0")/lib.sh"
kver=${1:?usage: $0 KVER}
vm_need_module "$kver"
vm_tgt_lun s-19-seeds 1024
vm_nfs_file s-19-seeds 1024
"$VM_HERE/boot.sh" --name "s-19-seeds-$kver" --mem 256 --timeout 3600 \
	"$kver" "$VM_HERE/guest/ns-seeds.sh" "${NETSWAP_SEEDS_PASSES:-2}"
