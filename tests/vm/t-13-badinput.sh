#!/bin/bash
# t-13-badinput.sh KVER: bad values for every configfs attribute, failed
# enables (missing settings, nothing listening, unknown target, missing
# LUN) that stay retryable, and refusals while in use; the target works
# afterwards (guest/ns-badinput.sh).
# One kernel only (configfs input checks are the module's own code): what depends on the
# kernel is in kernel/compat.h, and t-00, t-16, t-18 and
# t-26 run it on every kernel. The protocol cases are spread over both:
# vm-kernels: oldest
# vm-time: 180
set -euo pipefail
. "$(dirname "$0")/lib.sh"
kver=${1:?usage: $0 KVER}
vm_need_module "$kver"
vm_tgt_lun t-13-badinput 64
"$VM_HERE/boot.sh" --name "t-13-badinput-$kver" --mem 384 --timeout 600 \
	"$kver" "$VM_HERE/guest/ns-badinput.sh"
