#!/bin/bash
# t-23-nfs-badinput.sh KVER: NFS attributes refuse bad values; enabling
# against a file with holes, a directory, a missing path, a wrong export, a
# ganesha that refuses MOUNT (clients restricted to 10.9.9.9) and a port
# where nothing listens fails with one line in last_error and stays
# re-enableable; a file removed on the server fails the target with a
# stale handle (guest/ns-nfs-badinput.sh).
# One kernel only (NFS setup errors are protocol code): what depends on the
# kernel is in kernel/compat.h, and t-00, t-16, t-18 and
# t-26 run it on every kernel. The protocol cases are spread over both:
# vm-kernels: newest
# vm-time: 100
set -euo pipefail
. "$(dirname "$0")/lib.sh"

if [ "${1:-}" = --host-side ]; then
	vm_wait_file "$NETSWAP_SHARE/remove-file" 300 "$NETSWAP_QEMU_PID" ||
		vm_fail "the guest never asked to remove the file"
	# shellcheck disable=SC2153 # exported by vm_nfs_file
	rm -f "$NETSWAP_NFS_EXPORT/$NETSWAP_NFS_FILE"
	# ganesha keeps a removed file open until it restarts.
	NETSWAP_NFS_PORT=$NETSWAP_NFS_PORT "$VM_HERE/ganesha.sh" restart >/dev/null ||
		vm_fail "ganesha restart"
	: >"$NETSWAP_SHARE/file-removed"
	exit 0
fi

kver=${1:?usage: $0 KVER}
vm_need_module "$kver"
vm_nfs_file t-23-nfs-badinput 16
"$VM_HERE/ganesha.sh" holes holes.img 16 >/dev/null || vm_fail "holes file"
"$VM_HERE/ganesha.sh" dir adir >/dev/null || vm_fail "directory"
vm_on_exit "$(printf 'rm -rf %q %q' "$NETSWAP_NFS_EXPORT/holes.img" "$NETSWAP_NFS_EXPORT/adir")"

# A ganesha that refuses every MOUNT from the guest, on its own ports.
deny_port=$((NETSWAP_NFS_PORT + 10))
export NETSWAP_NFS_DENY_PORT=$deny_port NETSWAP_MNT_DENY_PORT=$((deny_port + 1))
# Starting or stopping it takes the portmapper entries of the main one (one
# rpcbind for all): restart the main one after it, whatever happens, so
# later drivers find it there.
vm_on_exit "$(printf 'NETSWAP_NFS_PORT=%q %q stop >/dev/null 2>&1; ! %q status >/dev/null 2>&1 || %q restart >/dev/null 2>&1' \
	"$deny_port" "$VM_HERE/ganesha.sh" "$VM_HERE/ganesha.sh" "$VM_HERE/ganesha.sh")"
NETSWAP_NFS_PORT=$deny_port NETSWAP_MNT_PORT=$NETSWAP_MNT_DENY_PORT NETSWAP_NFS_CLIENTS=10.9.9.9 \
	NETSWAP_NFS_EXPORT_DIR='' "$VM_HERE/ganesha.sh" start >/dev/null ||
	vm_fail "refusing ganesha did not start"
NETSWAP_NFS_DENY_EXPORT=$(NETSWAP_NFS_PORT=$deny_port "$VM_HERE/ganesha.sh" export)
export NETSWAP_NFS_DENY_EXPORT

"$VM_HERE/boot.sh" --name "t-23-nfs-badinput-$kver" --mem 256 --timeout 600 \
	--host "$(printf '%q --host-side' "$0")" \
	"$kver" "$VM_HERE/guest/ns-nfs-badinput.sh"
