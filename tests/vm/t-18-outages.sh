#!/bin/bash
# t-18-outages.sh KVER: two outages while a workload swaps to four
# targets at equal priority, two iSCSI LUNs (host tgt) and two NFS files
# (host ganesha), every recovery of a server's targets running at once:
#  1. each server frozen in turn (SIGSTOP: its kernel still ACKs, nothing
#     answers) for 3 x io_timeout_ms, then continued: timeouts, recovery,
#     up again, 0 corrupt pages, no I/O error;
#  2. both servers killed together; swapoff of all four disks starts
#     while they are down and waits; the servers come back, all four
#     targets recover and swapoff completes with every page read back;
#     the workload then verifies every page in RAM;
#  3. recovery_timeout_s 4 set with swap on, both servers killed again:
#     every target fails after it, reads fail, the workload's page-in ends
#     in SIGBUS (never wrong data), swapoff works; the servers return and
#     the targets go back to up by themselves and take swap again.
# guest/ns-outages.sh.
# vm-time: 200
set -euo pipefail
. "$(dirname "$0")/lib.sh"

if [ "${1:-}" = --host-side ]; then
	vm_wait_file "$NETSWAP_SHARE/freeze" 600 "$NETSWAP_QEMU_PID" ||
		vm_fail "the guest never started swapping"
	# One after the other: a single workload blocks on the first frozen
	# target's page-in and would send the other nothing while it waits.
	tpid=$("$VM_HERE/tgt.sh" status) || vm_fail "no tgtd"
	gpid=$("$VM_HERE/ganesha.sh" status) || vm_fail "no ganesha"
	for pid in "$tpid" "$gpid"; do
		kill -STOP "$pid"
		vm_log "$(cat "/proc/$pid/comm") $pid frozen"
		sleep 9
		kill -CONT "$pid"
		vm_log "continued"
		sleep 4
	done
	: >"$NETSWAP_SHARE/thawed"
	vm_wait_file "$NETSWAP_SHARE/kill" 600 "$NETSWAP_QEMU_PID" ||
		vm_fail "no kill marker"
	"$VM_HERE/tgt.sh" kill9 || vm_fail "tgtd kill"
	"$VM_HERE/ganesha.sh" kill9 || vm_fail "ganesha kill"
	vm_log "servers killed"
	: >"$NETSWAP_SHARE/killed"
	vm_wait_file "$NETSWAP_SHARE/revive" 600 "$NETSWAP_QEMU_PID" ||
		vm_fail "no revive marker"
	"$VM_HERE/tgt.sh" restart >/dev/null || vm_fail "tgtd restart"
	"$VM_HERE/ganesha.sh" restart >/dev/null || vm_fail "ganesha restart"
	vm_log "servers back"
	: >"$NETSWAP_SHARE/revived"
	vm_wait_file "$NETSWAP_SHARE/kill2" 600 "$NETSWAP_QEMU_PID" ||
		vm_fail "no second kill marker"
	"$VM_HERE/tgt.sh" kill9 || vm_fail "tgtd kill 2"
	"$VM_HERE/ganesha.sh" kill9 || vm_fail "ganesha kill 2"
	: >"$NETSWAP_SHARE/killed2"
	vm_wait_file "$NETSWAP_SHARE/revive2" 600 "$NETSWAP_QEMU_PID" ||
		vm_fail "no second revive marker"
	"$VM_HERE/tgt.sh" restart >/dev/null || vm_fail "tgtd restart 2"
	"$VM_HERE/ganesha.sh" restart >/dev/null || vm_fail "ganesha restart 2"
	: >"$NETSWAP_SHARE/revived2"
	exit 0
fi

kver=${1:?usage: $0 KVER}
vm_need_module "$kver"
NETSWAP_TGT_LUNS=2 vm_tgt_lun t-18-outages 256
vm_nfs_file t-18-outages 256
NETSWAP_NFS_FILE2=t-18-outages-2.img
f2=$("$VM_HERE/ganesha.sh" file "$NETSWAP_NFS_FILE2" 256) || vm_fail "second NFS file"
vm_on_exit "$(printf 'rm -f %q' "$f2")"
export NETSWAP_NFS_FILE2
"$VM_HERE/boot.sh" --name "t-18-outages-$kver" --mem 256 --timeout 900 \
	--host "$(printf '%q --host-side' "$0")" \
	"$kver" "$VM_HERE/guest/ns-outages.sh"
