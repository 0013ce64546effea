#!/bin/bash
# t-36-demo-shell.sh KVER: make demo-shell at a terminal (a pseudo-terminal
# driven by demo_pty.py): the guest's shell comes up with both targets up,
# `swapctl status` typed into it shows them, `exit` ends the demo, and it
# cleans up. Then make demo interrupted with Ctrl-C once the workload runs:
# it says so and cleans up the same way.
# vm-kernels: newest
# vm-time: 55
set -euo pipefail
. "$(dirname "$0")/lib.sh"

mkdir -p "$VM_DIR"
vm_demo_prepare
shell_log=$VM_DIR/t-36-demo-shell.out
"$VM_HERE/demo_pty.py" shell "$shell_log" || vm_fail "make demo-shell did not run to its end"
tr -d '\r' <"$shell_log" | tail -n 40
for t in demo-iscsi demo-nfs; do
	tr -d '\r' <"$shell_log" | grep -Eq "^$t +up +netswap[0-9]+ .*on,prio=5" ||
		vm_fail "swapctl status in the shell does not show $t up with swap on"
done
vm_demo_clean "$shell_log"
echo "t-36: demo-shell ok"

int_log=$VM_DIR/t-36-demo-ctrl-c.out
NETSWAP_DEMO_MB=400 NETSWAP_DEMO_PASSES=1 "$VM_HERE/demo_pty.py" ctrl-c "$int_log" ||
	vm_fail "make demo did not end after Ctrl-C"
tr -d '\r' <"$int_log" | tail -n 8
tr -d '\r' <"$int_log" | grep -q 'demo: interrupted$' || vm_fail "the demo did not say it was interrupted"
vm_demo_clean "$int_log"
echo "t-36: Ctrl-C ok"
