#!/bin/bash
# t-40-seal.sh KVER: sealed swap (seal = aead), on an iSCSI LUN of the
# host's tgt and on an NFS file of the host's ganesha, on every kernel:
#  - seal is none by default, refuses an unknown value and a change while
#    enabled (last_error says why); sealed, the disk has 4096-byte blocks
#    and seal_kb is the tag table (20 bytes a block) and the bounce pages
#    (the in-flight budget), 0 again after disable;
#  - what is written since enable reads back, a block never written reads
#    as zeros;
#  - the host puts back an older copy of a block (replay), copies another
#    block's ciphertext over one (misplaced), flips a byte (altered): each
#    read fails with EIO and one integrity error, never with data;
#  - a process's pages swapped out: the backing file holds none of their
#    text; the host flips a byte in three of them (their swap slots from
#    pagemap); every other page comes back intact, and touching an altered
#    one ends the process with SIGBUS, integrity_errors counted;
#  - a workload of 1.25 x RAM swaps on a sealed iSCSI LUN and a sealed NFS
#    file at once (two swap devices of one priority, so pages move on
#    both) while tgtd and ganesha are killed and restarted together,
#    twice: two recoveries on each, every page verified (the key is kept);
#  - the control: with seal = none the same pages' text is in the file.
# guest/ns-seal.sh; the host side answers its requests (--host-side).
# vm-time: 330
set -euo pipefail
. "$(dirname "$0")/lib.sh"

# The backing file of KIND (iscsi, nfs).
seal_file() {
	case $1 in
	iscsi) echo "$NETSWAP_SEAL_LUN" ;;
	nfs) echo "$NETSWAP_SEAL_NFS" ;;
	*) vm_fail "unknown kind '$1'" ;;
	esac
}

# seal_op OP KIND [A [B]]: one request of the guest; prints the answer.
seal_op() {
	local f=
	[ "$1" = restarts ] || f=$(seal_file "$2")
	case $1 in
	grep)
		LC_ALL=C grep -a -c -F -- "$3" "$f" || true
		;;
	flip)
		python3 -c 'import sys
f = open(sys.argv[1], "r+b")
o = int(sys.argv[2])
f.seek(o)
b = f.read(1)
f.seek(o)
f.write(bytes([b[0] ^ 0xff]))
f.close()' "$f" "$3"
		echo flipped
		;;
	save)
		dd if="$f" of="$NETSWAP_SHARE/saved-$2" bs=4096 skip=$(($3 / 4096)) count=1 status=none
		echo saved
		;;
	restore)
		dd if="$NETSWAP_SHARE/saved-$2" of="$f" bs=4096 seek=$(($3 / 4096)) count=1 \
			conv=notrunc,fsync status=none
		echo restored
		;;
	copy)
		dd if="$f" of="$f" bs=4096 skip=$(($3 / 4096)) seek=$(($4 / 4096)) count=1 \
			conv=notrunc,fsync status=none
		echo copied
		;;
	restarts)
		vm_host_restarts "$3" tgt.sh tgtd ganesha.sh ganesha
		echo restarted
		;;
	*)
		vm_fail "unknown request '$*'"
		;;
	esac
}

if [ "${1:-}" = --host-side ]; then
	for ((n = 1; n <= 40; n++)); do
		vm_wait_file "$NETSWAP_SHARE/cmd-$n" 900 "$NETSWAP_QEMU_PID" || exit 0
		read -r -a req <"$NETSWAP_SHARE/cmd-$n"
		vm_log "guest asks: ${req[*]}"
		if [ "${req[0]}" = end ]; then
			echo bye >"$NETSWAP_SHARE/done-$n"
			exit 0
		fi
		seal_op "${req[@]}" >"$NETSWAP_SHARE/done-$n.tmp"
		mv "$NETSWAP_SHARE/done-$n.tmp" "$NETSWAP_SHARE/done-$n"
	done
	vm_fail "more than 40 requests"
fi

kver=${1:?usage: $0 KVER}
vm_need_module "$kver"
vm_tgt_lun t-40-seal 512
vm_nfs_file t-40-seal 512
export NETSWAP_SEAL_LUN=$VM_LUN NETSWAP_SEAL_NFS=$VM_NFS_FILE
"$VM_HERE/boot.sh" --name "t-40-seal-$kver" --mem 256 --timeout 1200 \
	--host "$(printf '%q --host-side' "$0")" \
	"$kver" "$VM_HERE/guest/ns-seal.sh"
