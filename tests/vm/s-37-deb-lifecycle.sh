#!/bin/bash
# s-37-deb-lifecycle.sh KVER (make stress): the packages' whole life in a
# guest of the newest kernel (guest/ns-deb.sh lifecycle): the other test
# kernel's packages taken out, apt install (DKMS builds, the module loads
# and a target swaps on it), an upgrade to the same tree built as
# VERSION.1 with swap on, the other kernel's image and headers installed
# later (DKMS builds for it before its initramfs is made), apt purge.
# Three DKMS builds under TCG: about 22 minutes in all.
# vm-kernels: newest
# vm-time: 1350
set -euo pipefail
. "$(dirname "$0")/lib.sh"

kver=${1:?usage: $0 KVER}
vm_debs "$kver"
vm_tgt_lun s-37-deb 64
"$VM_HERE/boot.sh" --name "s-37-deb-lifecycle-$kver" --mem 2048 --timeout 2400 \
	"$kver" "$VM_HERE/guest/ns-deb.sh" lifecycle
