#!/bin/bash
# t-34-systemd.sh KVER: netswap.service under systemd as PID 1 in a guest
# (guest/systemd-init.sh): after `make install` and `systemctl enable`,
# `systemd-analyze verify` finds nothing to say about the installed unit;
# the unit applies the netswaptab at boot once the network is online
# (guest/ns-systemd.sh checks the swap, the link and the reserve), and at
# shutdown it turns swap off and disables the target before a stand-in
# network unit ordered before network.target goes down: on the console,
# "netswap.service stopped; netswap swaps left: 0" comes before "network
# going down".
# vm-kernels: newest
# vm-time: 120
set -euo pipefail
. "$(dirname "$0")/lib.sh"

kver=${1:?usage: $0 KVER}
vm_need_module "$kver"
[ -x "$VM_REPO/build/swapctl" ] || vm_fail "build/swapctl not built (make swapctl)"
vm_tgt_lun t-34-systemd 128
name=t-34-systemd-$kver
"$VM_HERE/boot.sh" --name "$name" --mem 512 --timeout 600 \
	--append "nsvm.init=$VM_HERE/guest/systemd-init.sh" \
	"$kver" "$VM_HERE/guest/ns-systemd.sh" || exit $?

verify=$VM_DIR/$name/share/verify.log
[ -f "$verify" ] || vm_fail "systemd-analyze verify did not run"
[ ! -s "$verify" ] || vm_fail "systemd-analyze verify netswap.service: $(head -n 3 "$verify" | tr '\n' ' ')"
console=$VM_DIR/$name/console.log
stopped=$(grep -an 'nstest: netswap.service stopped; netswap swaps left:' "$console" | head -n 1)
net=$(grep -an 'nstest: network going down' "$console" | head -n 1)
[ -n "$stopped" ] || vm_fail "netswap.service never stopped at shutdown (no line on the console)"
[ -n "$net" ] || vm_fail "the stand-in network never went down at shutdown"
[[ $stopped == *"swaps left: 0"* ]] || vm_fail "swap still on when netswap.service stopped: ${stopped#*]}"
[ "${stopped%%:*}" -lt "${net%%:*}" ] || vm_fail "the network went down before netswap.service stopped"
grep -aq 'nstest: netswap.service stopped' "$VM_DIR/$name/share/dmesg.txt" &&
	vm_fail "netswap.service stopped before the test had finished"
echo "t-34-systemd: swap off and target down before the network at shutdown"
