#!/bin/bash
# t-32-udev-install.sh KVER: `make install` in a guest, then the udev rules
# with systemd-udevd running (guest/ns-udev-install.sh): /dev/netswap/<name>
# for every enabled target, swap on by itself for a netswaptab "auto"
# target, the hotplug helper's refusal in the kernel log, the systemd unit
# checked by systemd-analyze, and `make uninstall` removing every file.
# Install, udev and systemd do not depend on the kernel; the disk's
# netswap/name attribute the rule reads is checked on every kernel by
# t-10-swap:
# vm-kernels: newest
# vm-time: 190
set -euo pipefail
. "$(dirname "$0")/lib.sh"

kver=${1:?usage: $0 KVER}
vm_need_module "$kver"
[ -x "$VM_REPO/build/swapctl" ] || vm_fail "build/swapctl not built (make swapctl)"
vm_tgt_lun t-32-udev 128
vm_nfs_file t-32-udev 64
"$VM_HERE/boot.sh" --name "t-32-udev-install-$kver" --mem 512 --timeout 900 \
	"$kver" "$VM_HERE/guest/ns-udev-install.sh"
