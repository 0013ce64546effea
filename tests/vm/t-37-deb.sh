#!/bin/bash
# t-37-deb.sh KVER: installing netswap the ways an operator does, each in a
# throwaway overlay of the host root (sandbox.sh), natively: under TCG a
# DKMS build takes about 2.5 minutes and an initramfs over a minute, so
# the whole life of the packages in a guest is s-37 (make stress).
#   1. make dkms-install and dkms-uninstall (dkms-sandbox.sh);
#   2. make deb (lintian clean, and the same tree as VERSION.1), then the
#      packages' life (guest/ns-deb.sh sandbox): install, upgrade, the
#      other kernel installed later, purge;
#   3. a guest of KVER loads the module DKMS built in 2 for KVER, moves a
#      pattern through it and swaps on it with the package's swapctl
#      (guest/ns-deb-load.sh).
# vm-kernels: newest
# vm-time: 250
set -euo pipefail
. "$(dirname "$0")/lib.sh"

kver=${1:?usage: $0 KVER}
sb=$VM_DIR/dkms-sandbox
rm -rf "$sb" && mkdir -p "$sb"
"$VM_HERE/sandbox.sh" "$sb" "bash $VM_HERE/dkms-sandbox.sh $sb" ||
	vm_fail "dkms-sandbox.sh did not run: $(tail -n 3 "$sb/log" 2>/dev/null | tr '\n' ' ')"
[ -f "$sb/fail" ] && [ ! -s "$sb/fail" ] && grep -qx done "$sb/log" ||
	vm_fail "make dkms-install: $(head -n 1 "$sb/fail" 2>/dev/null) (log: $sb/log)"
vm_log "make dkms-install, dkms-uninstall: ok"

vm_debs "$kver"
sb=$VM_DIR/deb-sandbox
rm -rf "$sb" && mkdir -p "$sb/ko"
export NETSWAP_REPO=$VM_REPO NETSWAP_DEB_KVER=$kver NETSWAP_DEB_SAVE=$sb/ko
"$VM_HERE/sandbox.sh" "$sb" "mkdir -p /share; bash $VM_HERE/guest/ns-deb.sh sandbox >$sb/log 2>&1" ||
	vm_fail "the packages' life: $(grep -m1 '^FAIL' "$sb/log" || tail -n 1 "$sb/log") (log: $sb/log)"
grep -qx 'RESULT: PASS' "$sb/log" || vm_fail "the packages' life did not finish (log: $sb/log)"
vm_log "the packages' life, natively: ok"

ko=$(ls "$sb"/ko/netswap.ko*)
mkdir -p "$sb/tools"
dpkg-deb -x "$NETSWAP_DEB_DIR"/v1/netswap-tools_*.deb "$sb/tools"
export NETSWAP_DEB_KO=$ko NETSWAP_SWAPCTL=$sb/tools/usr/sbin/swapctl
vm_tgt_lun t-37-deb 64
"$VM_HERE/boot.sh" --name "t-37-deb-$kver" --mem 256 --timeout 600 \
	"$kver" "$VM_HERE/guest/ns-deb-load.sh"
