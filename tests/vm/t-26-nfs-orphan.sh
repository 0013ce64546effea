#!/bin/bash
# t-26-nfs-orphan.sh KVER: recovery aborts the old connection (RST, queues
# purged) before it issues the connection's requests again: an old WRITE
# never lands after a newer one (guest/ns-nfs-orphan.sh, fakenfs.py
# --stall-after in the guest). Output: build/vm/t-26-nfs-orphan-KVER/share/
# {output.log,fakenfs.log,fakenfs-stats.txt,ss.txt,dmesg.txt}.
# vm-time: 50
set -euo pipefail
. "$(dirname "$0")/lib.sh"
kver=${1:?usage: $0 KVER}
vm_need_module "$kver"
"$VM_HERE/boot.sh" --name "t-26-nfs-orphan-$kver" --mem 256 --timeout 600 \
	"$kver" "$VM_HERE/guest/ns-nfs-orphan.sh"
