#!/bin/bash
# shellcheck source-path=SCRIPTDIR
# h-nfs-selfcheck.sh KVER: self-check of the NFS test harness (no netswap.ko;
# prefix h: run with NETSWAP_VM_PREFIX=h run.sh, or directly).
# Host: ganesha on $NETSWAP_NFS_PORT (lib.sh vm_nfs_file, a 64 MiB file)
# and a second ganesha that refuses MOUNT (NETSWAP_NFS_CLIENTS=10.9.9.9)
# on $NETSWAP_NFS_PORT + 10. Guest (guest/nfs-selfcheck.sh): the kernel
# NFSv3 client mounts the host export, checks the file, writes and reads
# an O_DIRECT pattern, survives a ganesha kill -9 + restart under the
# mount; MNT to the refusing ganesha gets MNT3ERR_ACCES and the kernel
# mount is refused; knfsd in the guest is mounted over 127.0.0.1. The host
# then checks the pattern landed in the exported file.
set -euo pipefail
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"

if [ "${1:-}" = --host-side ]; then
	vm_wait_file "$NETSWAP_SHARE/kill-ganesha" 300 "$NETSWAP_QEMU_PID" ||
		vm_fail "guest never asked for the ganesha restart"
	"$VM_HERE/ganesha.sh" kill9
	sleep 2 # the client sees a dead server (connection reset)
	t0=$(date +%s.%N)
	"$VM_HERE/ganesha.sh" restart
	vm_log "ganesha restarted in $(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN { printf "%.2f", b - a }') s"
	: >"$NETSWAP_SHARE/ganesha-restarted"
	exit 0
fi

kver=${1:?usage: $0 KVER}
name=h-nfs-selfcheck-$kver
vm_nfs_file "$name" 64

# The refusing ganesha: its own port pair, state dir and export dir.
deny_port=$((NETSWAP_NFS_PORT + 10))
export NETSWAP_NFS_DENY_PORT=$deny_port NETSWAP_MNT_DENY_PORT=$((deny_port + 1))
NETSWAP_NFS_PORT=$deny_port NETSWAP_MNT_PORT=$NETSWAP_MNT_DENY_PORT \
	"$VM_HERE/ganesha.sh" stop >/dev/null
vm_on_exit "$(printf 'NETSWAP_NFS_PORT=%q %q stop' "$deny_port" "$VM_HERE/ganesha.sh")"
NETSWAP_NFS_PORT=$deny_port NETSWAP_MNT_PORT=$NETSWAP_MNT_DENY_PORT NETSWAP_NFS_CLIENTS=10.9.9.9 \
	NETSWAP_NFS_EXPORT_DIR='' "$VM_HERE/ganesha.sh" start || vm_fail "refusing ganesha did not start"
NETSWAP_NFS_DENY_EXPORT=$(NETSWAP_NFS_PORT=$deny_port "$VM_HERE/ganesha.sh" export)
export NETSWAP_NFS_DENY_EXPORT

"$VM_HERE/boot.sh" --name "$name" --mem 512 --timeout 900 \
	--host "$(printf '%q --host-side' "$0")" \
	"$kver" "$VM_HERE/guest/nfs-selfcheck.sh" || exit $?

share=$(vm_share_dir "$name")
[ -e "$share/all-done" ] || vm_fail "guest did not finish"
cmp <(dd if="$VM_NFS_FILE" bs=1M skip=1 count=4 status=none) "$share/pattern.bin" ||
	vm_fail "the exported file does not hold the guest's pattern"
cmp <(dd if="$VM_NFS_FILE" bs=1M skip=5 count=4 status=none) "$share/pattern.bin" ||
	vm_fail "the exported file does not hold the pattern written after the restart"
new=${NETSWAP_NFS_EXPORT:?}/guest-new.txt # exported by vm_nfs_file
[ "$(cat "$new")" = "written by the guest" ] || vm_fail "guest-new.txt not on the host"
rm -f "$new"
echo "h-nfs-selfcheck: ok ($(cat "$VM_DIR/$name/elapsed")s in QEMU," \
	"I/O $(cat "$share/restart-io-seconds")s after the ganesha restart," \
	"refusing MNT: $(cat "$share/deny-mnt-status"))"
