#!/bin/bash
# t-35-demo.sh KVER: `make demo` run the way a newcomer would, with a
# shorter workload and no terminal: its summary names both targets with
# pages swapped, 0 corrupt pages, and the iSCSI target restart seen as
# up -> recovering -> up; the events came live from swapctl monitor and
# the traffic from swapctl watch. Afterwards nothing the demo started
# runs, the rpcbind it started included, and its temporary directory is
# gone.
# vm-kernels: newest
# vm-time: 135
set -euo pipefail
. "$(dirname "$0")/lib.sh"

out=$VM_DIR/t-35-demo.out
vm_demo_prepare
mkdir -p "$VM_DIR"
rc=0
NETSWAP_DEMO_MB=400 NETSWAP_DEMO_PASSES=1 timeout -k 30 1500 \
	make -s -C "$VM_REPO" demo </dev/null >"$out" 2>&1 || rc=$?
cat "$out"
[ "$rc" = 0 ] || vm_fail "make demo exited $rc"

vm_demo_clean "$out"

for t in demo-iscsi demo-nfs; do
	row=$(grep -E "^$t +(iscsi|nfs) +[0-9]+ +[0-9]+ " "$out" | tail -n 1) ||
		vm_fail "no summary row for $t"
	read -r _ _ pin pout _ <<<"$row"
	if [ "$pin" -le 0 ] || [ "$pout" -le 0 ]; then
		vm_fail "$t: nothing swapped ($row)"
	fi
	[ "$(awk '{ print $NF }' <<<"$row")" = 0 ] || vm_fail "$t: I/O errors ($row)"
done
grep -q "corrupt pages: 0;" "$out" || vm_fail "the summary does not report 0 corrupt pages"
grep -q "^iSCSI target restart: demo-iscsi up -> recovering -> up, back in " "$out" ||
	vm_fail "the summary does not show the restart ridden through"
grep -q "event: .* demo-iscsi: up -> recovering" "$out" || vm_fail "no live event for the restart"
grep -q "event: .* demo-iscsi: recovering -> up" "$out" || vm_fail "no live event for the reconnect"
grep -Eq "watch: .* demo-nfs +up +[0-9]+ +[0-9]+ " "$out" || vm_fail "no live traffic lines"
grep -Eq "memhog: pass [0-9]+/[0-9]+: +[0-9]+% " "$out" || vm_fail "no workload progress lines"
echo "t-35-demo: ok"
