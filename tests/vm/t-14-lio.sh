#!/bin/bash
# t-14-lio.sh KVER: netswap against LIO (targetcli) inside the guest:
# login plain and with CRC32C digests, O_DIRECT pattern written and read
# back (guest/ns-lio.sh).
# One kernel only (a second iSCSI target implementation): what depends on the
# kernel is in kernel/compat.h, and t-00, t-16, t-18 and
# t-26 run it on every kernel. The protocol cases are spread over both:
# vm-kernels: newest
# vm-time: 60
set -euo pipefail
. "$(dirname "$0")/lib.sh"
kver=${1:?usage: $0 KVER}
vm_need_module "$kver"
"$VM_HERE/boot.sh" --name "t-14-lio-$kver" --mem 512 --timeout 600 \
	"$kver" "$VM_HERE/guest/ns-lio.sh"
