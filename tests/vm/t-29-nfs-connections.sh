#!/bin/bash
# t-29-nfs-connections.sh KVER: an NFS target's reads have a connection of
# their own (connections, default 2): two sockets to the server, reads
# verified while the read connection is killed (ss -K) and writes verified
# while the write connection is killed, each kill counted as a recovery
# that really hit while pages moved; connections=1 uses one socket; bad
# values and connections=2 on an iSCSI target are refused
# (guest/ns-nfs-connections.sh).
# One kernel (the oldest): t-18 and t-16 run the two connections on every
# kernel (the default), t-20 on the newest.
# vm-kernels: oldest
# vm-time: 70
set -euo pipefail
. "$(dirname "$0")/lib.sh"
kver=${1:?usage: $0 KVER}
vm_need_module "$kver"
vm_nfs_file t-29-nfs-connections 256
"$VM_HERE/boot.sh" --name "t-29-nfs-connections-$kver" --mem 256 --timeout 600 \
	"$kver" "$VM_HERE/guest/ns-nfs-connections.sh"
