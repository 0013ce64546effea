#!/bin/bash
# t-22-knfsd.sh KVER: netswap's NFS transport against knfsd, the kernel's
# NFS server, running in the same guest on 127.0.0.1 (guest/ns-knfsd.sh):
# an O_DIRECT pattern written and read back. Interoperability only: a
# server in the swapping guest competes for its memory.
# One kernel only (a second NFS server implementation): what depends on the
# kernel is in kernel/compat.h, and t-00, t-16, t-18 and
# t-26 run it on every kernel. The protocol cases are spread over both:
# vm-kernels: newest
# vm-time: 60
set -euo pipefail
. "$(dirname "$0")/lib.sh"
kver=${1:?usage: $0 KVER}
vm_need_module "$kver"
"$VM_HERE/boot.sh" --name "t-22-knfsd-$kver" --mem 384 --timeout 600 \
	"$kver" "$VM_HERE/guest/ns-knfsd.sh"
