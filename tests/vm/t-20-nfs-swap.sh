#!/bin/bash
# t-20-nfs-swap.sh KVER: configfs alone sets up an NFS target on a file of
# the host's ganesha, with both ports found through the host's portmapper;
# /dev/netswapN has the file's size; mkswap + swapon; a workload of twice
# the guest's RAM writes and verifies every page: zero corrupt pages, no
# OOM kill, a clean kernel log; then swapoff, enable=0, rmdir, rmmod.
# One kernel (the newest): t-18 swaps through two ganesha files on every
# kernel, and make stress runs NFS swap on each (s-19-seeds,
# s-21-nfs-recovery).
# vm-kernels: newest
# vm-time: 160
set -euo pipefail
. "$(dirname "$0")/lib.sh"
kver=${1:?usage: $0 KVER}
vm_need_module "$kver"
vm_nfs_file t-20-nfs-swap 1024
"$VM_HERE/boot.sh" --name "t-20-nfs-swap-$kver" --mem 256 --timeout 1200 \
	"$kver" "$VM_HERE/guest/ns-swap.sh" 1 "$NETSWAP_NFS_FILE_BYTES" nfs "" ""
