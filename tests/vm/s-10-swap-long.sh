#!/bin/bash
# s-10-swap-long.sh KVER (make stress): t-10's workload for 6 passes of
# twice the guest's RAM through one iSCSI target, every page verified.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
kver=${1:?usage: $0 KVER}
vm_need_module "$kver"
vm_tgt_lun s-10-swap-long 1024
"$VM_HERE/boot.sh" --name "s-10-swap-long-$kver" --mem 256 --timeout 3000 \
	"$kver" "$VM_HERE/guest/ns-swap.sh" 6 "$NETSWAP_TGT_LUN_BYTES"
