#!/bin/bash
# t-00-boot.sh KVER: smoke test of the VM harness on kernel KVER.
# Host tgtd with a 64 MiB LUN; the guest (guest/00-boot.sh) signals
# /share/ready, logs in with open-iscsi via 10.0.2.2, checks an O_DIRECT
# pattern, asks the host to kill -9 + restart tgtd mid-session (marker
# files), swaps on the LUN, and re-logs in with CRC32C digests. The host
# then checks the pattern landed in the LUN file.
#
# Skeleton for other drivers: the same script runs twice, as the driver
# (boot.sh --host "$0 --host-side ...") and as the host-side hook that
# boot.sh runs while the guest is up, with NETSWAP_SHARE and
# NETSWAP_QEMU_PID exported.
# vm-time: 40
set -euo pipefail
. "$(dirname "$0")/lib.sh"

iqn=iqn.2024-01.org.netswap.test:boot

if [ "${1:-}" = --host-side ]; then
	# Runs while the guest runs. Watch markers, bounded, abort if QEMU died.
	vm_wait_file "$NETSWAP_SHARE/ready" 120 "$NETSWAP_QEMU_PID" || vm_fail "no /share/ready from the guest"
	vm_log "host saw /share/ready"
	vm_wait_file "$NETSWAP_SHARE/kill-tgt" 300 "$NETSWAP_QEMU_PID" || vm_fail "guest never asked for the tgtd restart"
	"$VM_HERE/tgt.sh" kill9
	sleep 2 # let the initiator notice a dead target
	"$VM_HERE/tgt.sh" restart
	: >"$NETSWAP_SHARE/tgt-restarted"
	vm_log "tgtd killed and restarted"
	exit 0
fi

kver=${1:?usage: $0 KVER}
name=t-00-boot-$kver
lun=$VM_DIR/luns/$name.img

rm -f "$lun"
"$VM_HERE/tgt.sh" stop
"$VM_HERE/tgt.sh" start
trap '"$VM_HERE/tgt.sh" stop' EXIT
"$VM_HERE/tgt.sh" setup "$iqn" "$lun" 64

"$VM_HERE/boot.sh" --name "$name" --mem 512 --timeout 600 \
	--host "$(printf '%q --host-side' "$0")" \
	"$kver" "$VM_HERE/guest/00-boot.sh" "$iqn" || exit $?

share=$(vm_share_dir "$name")
[ -e "$share/done" ] || vm_fail "guest did not finish"
# The pattern the guest wrote through iSCSI is in the LUN file at 16 MiB.
cmp <(dd if="$lun" bs=1M skip=16 count=4 status=none) "$share/pattern.bin" ||
	vm_fail "LUN file does not hold the guest's pattern"
echo "t-00-boot: ok ($(cat "$VM_DIR/$name/elapsed")s in QEMU)"
