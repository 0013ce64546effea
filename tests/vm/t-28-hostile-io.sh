#!/bin/bash
# t-28-hostile-io.sh KVER: netswap's iSCSI I/O path against a target that
# misbehaves while data moves (tests/vm/fakeiscsi.py's I/O modes in the
# guest, guest/ns-hostile-io.sh): bad R2Ts, a NOP-In twice the control
# buffer, Data-In with gaps, overlaps, DataSN out of order, missing bytes,
# residuals or an oversized segment, responses for no task, Rejects, Async
# logout requests and connections cut mid-PDU each stop reception at once
# and recover, with the data intact; a response on the read session for a
# write of the other session is refused (a recovery, never the write's
# completion: every byte written reads back); a write answered GOOD
# before its data was asked for, or with an underflow residual, is never
# completed (a recovery, the write sent again); a storm of target pings
# never tears an echo; nonsense capacities fail enable. The target runs
# its default two sessions; the fake serves both at once. Nothing on the
# host. make
# stress runs it on every kernel (s-28-hostile-io). One kernel only (the receive path is protocol code): what
# depends on the kernel is in kernel/compat.h, and t-00, t-10, t-16,
# t-18, t-20 and t-26 run it on every kernel. The protocol cases are
# spread over both:
# vm-kernels: newest
# vm-time: 170
set -euo pipefail
. "$(dirname "$0")/lib.sh"
kver=${1:?usage: $0 KVER}
vm_need_module "$kver"
"$VM_HERE/boot.sh" --name "t-28-hostile-io-$kver" --mem 384 --timeout 600 \
	"$kver" "$VM_HERE/guest/ns-hostile-io.sh"
