#!/bin/bash
# t-29-connections.sh KVER: reads have a connection of their own
# (connections, default 2), on an NFS target (ganesha) and an iSCSI target
# (tgt: a second session): two sockets to the server each; data read back
# over and over while the read connection is killed (ss -K) and written
# while the write connection is killed, each kill a recovery counted while
# pages moved and every byte intact; connections=1 uses one socket; bad
# values are refused (guest/ns-connections.sh).
# One kernel (the oldest): t-16, t-18 and t-19 run two connections a
# target on every kernel (the default), t-20 on the newest.
# vm-kernels: oldest
# vm-time: 110
set -euo pipefail
. "$(dirname "$0")/lib.sh"
kver=${1:?usage: $0 KVER}
vm_need_module "$kver"
vm_nfs_file t-29-connections 256
vm_tgt_lun t-29-connections 256
"$VM_HERE/boot.sh" --name "t-29-connections-$kver" --mem 256 --timeout 600 \
	"$kver" "$VM_HERE/guest/ns-connections.sh"
