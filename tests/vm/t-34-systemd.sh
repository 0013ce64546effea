#!/bin/bash
# t-34-systemd.sh KVER: netswap under systemd as PID 1 in a guest
# (guest/systemd-init.sh): after `make install` and `systemctl enable
# netswap.service`, `systemd-analyze verify` finds nothing to say about the
# installed units; at boot netswap-generator turns the netswaptab entry s0
# into dev-netswap-s0.swap requiring netswap@s0.service, and an fstab line
# brings f1 up through netswap@f1.service (guest/ns-systemd.sh checks the
# units, the swaps, the reserve, no ordering cycle, and a stop/start of
# one target); e0, up with swap on before systemd started (as the
# initramfs leaves an early-boot target) and before udev ran, is taken for
# an early-boot target: its units come before swap.target and wait for no
# network, and its swap is never turned off and on again; at shutdown each
# netswap@NAME.service stops, its swap off
# first, before a stand-in network unit ordered before network.target goes
# down: on the console, both "netswap@NAME.service stopped" lines come
# before "network going down", the last with no netswap swap left.
# vm-kernels: newest
# vm-time: 90
set -euo pipefail
. "$(dirname "$0")/lib.sh"

kver=${1:?usage: $0 KVER}
vm_need_module "$kver"
[ -x "$VM_REPO/build/swapctl" ] || vm_fail "build/swapctl not built (make swapctl)"
NETSWAP_TGT_LUNS=3 vm_tgt_lun t-34-systemd 128
name=t-34-systemd-$kver
"$VM_HERE/boot.sh" --name "$name" --mem 512 --timeout 600 \
	--append "nsvm.init=$VM_HERE/guest/systemd-init.sh" \
	"$kver" "$VM_HERE/guest/ns-systemd.sh" || exit $?

verify=$VM_DIR/$name/share/verify.log
[ -f "$verify" ] || vm_fail "systemd-analyze verify did not run"
[ ! -s "$verify" ] || vm_fail "systemd-analyze verify netswap.service netswap@s0.service: $(head -n 3 "$verify" | tr '\n' ' ')"
console=$VM_DIR/$name/console.log
net=$(grep -an 'nstest: network going down' "$console" | head -n 1)
[ -n "$net" ] || vm_fail "the stand-in network never went down at shutdown"
# s0 stops twice: in the test (systemctl stop) and at shutdown; f1 once.
[ "$(grep -ac 'nstest: netswap@s0.service stopped' "$console")" = 2 ] ||
	vm_fail "netswap@s0.service did not stop once in the test and once at shutdown"
grep -aq 'nstest: netswap@f1.service stopped' "$VM_DIR/$name/share/dmesg.txt" &&
	vm_fail "netswap@f1.service stopped before the test had finished"
last=0 last_line=""
for t in s0 f1 e0; do
	stopped=$(grep -an "nstest: netswap@$t.service stopped; netswap swaps left:" "$console" | tail -n 1)
	[ -n "$stopped" ] || vm_fail "netswap@$t.service never stopped at shutdown (no line on the console)"
	[ "${stopped%%:*}" -lt "${net%%:*}" ] || vm_fail "the network went down before netswap@$t.service stopped"
	if [ "${stopped%%:*}" -gt "$last" ]; then
		last=${stopped%%:*}
		last_line=$stopped
	fi
done
[[ $last_line == *"swaps left: 0"* ]] || vm_fail "swap still on when the last netswap@ unit stopped: ${last_line#*]}"
echo "t-34-systemd: generator and fstab swap units up after the network; swap off and targets down before it at shutdown"
