#!/bin/bash
# t-17-replaced.sh KVER: storage replaced behind netswap's back. One guest
# swaps to an iSCSI LUN (host tgt) and an NFS file (host ganesha); while
# both servers are down the host puts a blank LUN file and a blank NFS
# file of the same size in their place (a new LU identity on tgt, a new
# inode on the NFS server) and brings the servers back. Expect: both
# targets end in `failed` with a last_error that names what changed (the
# two LU identities; the stale NFS handle), not one byte written to the
# new storage, and reads of the disks (page-ins) failing instead of
# returning the blank storage's zeros. Then the operator re-enables both
# on the new storage and the servers restart once more: that enable
# started clean, so the outage is recovered (up again, data intact).
# One kernel only (storage identity checks are protocol code): what depends on the
# kernel is in kernel/compat.h, and t-00, t-16, t-18 and
# t-26 run it on every kernel. The protocol cases are spread over both:
# vm-kernels: newest
# vm-time: 80
set -euo pipefail
. "$(dirname "$0")/lib.sh"

if [ "${1:-}" = --host-side ]; then
	vm_wait_file "$NETSWAP_SHARE/ready" 600 "$NETSWAP_QEMU_PID" ||
		vm_fail "the guest never started swapping"
	vm_log "kill -9 tgtd and ganesha"
	"$VM_HERE/tgt.sh" kill9 || vm_fail "tgtd kill"
	"$VM_HERE/ganesha.sh" kill9 || vm_fail "ganesha kill"
	# Blank storage of the same size: a new file renamed over the old one,
	# as an admin restoring or re-provisioning would leave it.
	truncate -s "$NETSWAP_TGT_LUN_BYTES" "$VM_LUN.new"
	mv -f "$VM_LUN.new" "$VM_LUN"
	new=$("$VM_HERE/ganesha.sh" file "$NETSWAP_NFS_FILE.new" \
		$((NETSWAP_NFS_FILE_BYTES / 1048576))) || vm_fail "blank NFS file"
	mv -f "$new" "$VM_NFS_FILE"
	NETSWAP_TGT_SCSI_ID=5eed0002 "$VM_HERE/tgt.sh" restart >/dev/null ||
		vm_fail "tgtd restart"
	"$VM_HERE/ganesha.sh" restart >/dev/null || vm_fail "ganesha restart"
	vm_log "servers back with blank storage"
	: >"$NETSWAP_SHARE/replaced"
	# The guest re-enables on the new storage; then an ordinary outage.
	vm_wait_file "$NETSWAP_SHARE/re-enabled" 300 "$NETSWAP_QEMU_PID" ||
		vm_fail "the guest did not re-enable"
	"$VM_HERE/tgt.sh" kill9 || vm_fail "tgtd kill 2"
	"$VM_HERE/ganesha.sh" kill9 || vm_fail "ganesha kill 2"
	sleep 2
	NETSWAP_TGT_SCSI_ID=5eed0002 "$VM_HERE/tgt.sh" restart >/dev/null ||
		vm_fail "tgtd restart 2"
	"$VM_HERE/ganesha.sh" restart >/dev/null || vm_fail "ganesha restart 2"
	vm_log "servers restarted (same storage)"
	: >"$NETSWAP_SHARE/restarted"
	exit 0
fi

kver=${1:?usage: $0 KVER}
vm_need_module "$kver"
export NETSWAP_TGT_SCSI_ID=5eed0001
vm_tgt_lun t-17-replaced 256
vm_nfs_file t-17-replaced 256
export VM_LUN VM_NFS_FILE
"$VM_HERE/boot.sh" --name "t-17-replaced-$kver" --mem 256 --timeout 900 \
	--host "$(printf '%q --host-side' "$0")" \
	"$kver" "$VM_HERE/guest/ns-replaced.sh"

# Nothing reached the new storage before the re-enable: past the 4 MB the
# guest wrote on purpose, both blank files are still all zeros.
skip=$((4 * 1048576))
cmp -s -i "$skip" -n $((NETSWAP_TGT_LUN_BYTES - skip)) "$VM_LUN" /dev/zero ||
	vm_fail "the replaced LUN was written to: $(cmp -i "$skip" "$VM_LUN" /dev/zero 2>&1 | head -n 1)"
cmp -s -i "$skip" -n $((NETSWAP_NFS_FILE_BYTES - skip)) "$VM_NFS_FILE" /dev/zero ||
	vm_fail "the replaced NFS file was written to"
vm_log "ok: the blank LUN and NFS file hold only zeros"
