#!/bin/bash
# t-12-chap-digest.sh KVER: CHAP (wrong secret refused with a clear
# last_error, right one logs in), mutual CHAP (tgt's outgoing account:
# a wrong target secret or name refused, the right one logs in) and CRC32C
# header + data digests against
# the host's tgt (guest/ns-chap-digest.sh).
# One kernel only (CHAP and digests are protocol code): what depends on the
# kernel is in kernel/compat.h, and t-00, t-16, t-18 and
# t-26 run it on every kernel. The protocol cases are spread over both:
# vm-kernels: oldest
# vm-time: 60
set -euo pipefail
. "$(dirname "$0")/lib.sh"
kver=${1:?usage: $0 KVER}
vm_need_module "$kver"
user=swapuser
secret=netswap-chap-secret-1
tuser=swaptarget
tsecret=netswap-target-secret-2
vm_tgt_lun t-12-chap 128 "$user" "$secret" "$tuser" "$tsecret"
"$VM_HERE/boot.sh" --name "t-12-chap-digest-$kver" --mem 384 --timeout 600 \
	"$kver" "$VM_HERE/guest/ns-chap-digest.sh" "$user" "$secret" "$tuser" "$tsecret"
