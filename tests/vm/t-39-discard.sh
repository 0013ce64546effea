#!/bin/bash
# t-39-discard.sh KVER: thin storage. A tgt LUN with thin_provisioning=1
# (a sparse file on the host): the disk advertises discard with the
# LUN's limits (UNMAP, at most 64 MiB a request, 4 KiB granularity) and
# is non-rotational (the swap allocator's clusters, which page discard
# needs); blkdiscard frees what it covers on the host's file and leaves
# the rest intact; swap written without discard stays allocated on the
# host, `swapon --discard=once` gives it all back, and with
# `swapctl up --discard=pages` the pages a workload freed are given back
# as it exits; sealed (seal = aead), a discarded range reads as zeros,
# its neighbours and a rewrite of it read back, no block fails to
# verify. The host measures the file's allocation on the guest's
# request (guest/ns-discard.sh). Block limits and the rotational flag
# are set differently on each kernel (compat.h): every kernel.
# vm-time: 60
set -euo pipefail
. "$(dirname "$0")/lib.sh"

if [ "${1:-}" = --host-side ]; then
	# Answer each /share/measure.K with /share/alloc.K: the bytes the LUN
	# file has allocated. Bounded: until QEMU exits, at most 15 minutes.
	end=$((SECONDS + 900))
	while kill -0 "$NETSWAP_QEMU_PID" 2>/dev/null && [ $SECONDS -lt $end ]; do
		for m in "$NETSWAP_SHARE"/measure.*; do
			[ -e "$m" ] || continue
			a=$NETSWAP_SHARE/alloc.${m##*.}
			[ -e "$a" ] && continue
			echo $(($(stat -c '%b * %B' "$NETSWAP_T39_LUN"))) >"$a.tmp"
			mv "$a.tmp" "$a"
		done
		sleep 0.2
	done
	exit 0
fi

kver=${1:?usage: $0 KVER}
vm_need_module "$kver"
[ -x "$VM_REPO/build/swapctl" ] || vm_fail "build/swapctl not built (make swapctl)"
NETSWAP_TGT_THIN=1 vm_tgt_lun t-39-discard 256
export NETSWAP_T39_LUN=$VM_LUN
"$VM_HERE/boot.sh" --name "t-39-discard-$kver" --mem 256 --timeout 900 \
	--host "$(printf '%q --host-side' "$0")" \
	"$kver" "$VM_HERE/guest/ns-discard.sh"
