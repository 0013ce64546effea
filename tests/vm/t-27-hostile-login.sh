#!/bin/bash
# t-27-hostile-login.sh KVER: netswap's iSCSI login against a hostile
# target (tests/vm/fakeiscsi.py in the guest, guest/ns-hostile-login.sh):
# a Continue bit with no text forever, Continue and Transit together, a
# 64 KiB text, a text without its last NUL, digests asked for and left
# out of the answer, and an answer dripped a byte every 0.25 s (the setup
# deadline) each fail enable within seconds with a last_error that says
# so; a valid login split over two PDUs still goes through. Nothing on
# the host. One kernel only (login is protocol code): what depends on the
# kernel is in kernel/compat.h, and t-00, t-16, t-18 and t-26
# run it on every kernel. The protocol cases are spread over both:
# vm-kernels: newest
# vm-time: 60
set -euo pipefail
. "$(dirname "$0")/lib.sh"
kver=${1:?usage: $0 KVER}
vm_need_module "$kver"
"$VM_HERE/boot.sh" --name "t-27-hostile-login-$kver" --mem 256 --timeout 600 \
	"$kver" "$VM_HERE/guest/ns-hostile-login.sh"
