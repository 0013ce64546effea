#!/bin/bash
# t-10-swap.sh KVER: configfs alone sets up a netswap target on the host's
# tgt; /dev/netswapN has the LUN's size; mkswap + swapon; a workload of
# twice the guest's RAM writes and verifies every page (one pass; the
# long run is s-10-swap-long in make stress):
# zero corrupt pages, no OOM kill, a clean kernel log; then swapoff,
# enable=0, rmdir, rmmod.
# One kernel (the oldest): t-18 swaps through two tgt LUNs on every
# kernel, and make stress runs the long form (s-10-swap-long) on each.
# vm-kernels: oldest
# vm-time: 80
set -euo pipefail
. "$(dirname "$0")/lib.sh"
kver=${1:?usage: $0 KVER}
vm_need_module "$kver"
vm_tgt_lun t-10-swap 1024
"$VM_HERE/boot.sh" --name "t-10-swap-$kver" --mem 256 --timeout 1200 \
	"$kver" "$VM_HERE/guest/ns-swap.sh" 1 "$NETSWAP_TGT_LUN_BYTES"
