#!/bin/bash
# t-15-failover.sh KVER: an unresponsive target (tgtd SIGSTOPped) is
# detected by NOP-Out pings and recovered without losing the held I/O;
# with recovery_timeout_s set, a dead target fails I/O after that long
# and the target returns to up when tgtd comes back (guest/ns-failover.sh).
# One kernel only (pings and recovery_timeout_s are the module's own timers): what depends on the
# kernel is in kernel/compat.h, and t-00, t-16, t-18 and
# t-26 run it on every kernel. The protocol cases are spread over both:
# vm-kernels: oldest
# vm-time: 90
set -euo pipefail
. "$(dirname "$0")/lib.sh"

if [ "${1:-}" = --host-side ]; then
	pid=$("$VM_HERE/tgt.sh" status)
	vm_wait_file "$NETSWAP_SHARE/freeze" 300 "$NETSWAP_QEMU_PID" || vm_fail "no freeze marker"
	kill -STOP "$pid"
	: >"$NETSWAP_SHARE/frozen"
	sleep 12
	kill -CONT "$pid"
	vm_log "tgtd $pid frozen for 12 s"
	vm_wait_file "$NETSWAP_SHARE/kill" 300 "$NETSWAP_QEMU_PID" || vm_fail "no kill marker"
	"$VM_HERE/tgt.sh" kill9
	: >"$NETSWAP_SHARE/killed"
	vm_wait_file "$NETSWAP_SHARE/revive" 300 "$NETSWAP_QEMU_PID" || vm_fail "no revive marker"
	"$VM_HERE/tgt.sh" restart >/dev/null || vm_fail "tgtd restart"
	exit 0
fi

kver=${1:?usage: $0 KVER}
vm_need_module "$kver"
vm_tgt_lun t-15-failover 64
"$VM_HERE/boot.sh" --name "t-15-failover-$kver" --mem 384 --timeout 900 \
	--host "$(printf '%q --host-side' "$0")" \
	"$kver" "$VM_HERE/guest/ns-failover.sh"
