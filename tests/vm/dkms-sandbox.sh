#!/bin/bash
# dkms-sandbox.sh OUTDIR: make dkms-install and make dkms-uninstall, run by
# t-37 in a throwaway overlay of the host root (sandbox.sh), where DKMS
# builds natively for every kernel with headers. Before: `make install`
# for one kernel, whose module dkms-install must replace. Checks the
# sources under /usr/src, dkms status, a module per kernel with the
# version of VERSION, swapctl installed; then that dkms-uninstall leaves
# none of it. One line per failure in OUTDIR/fail, the log in OUTDIR/log.
set -uo pipefail

out=${1:?usage: dkms-sandbox.sh OUTDIR}
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
v=$(cat "$repo/VERSION")
exec >"$out/log" 2>&1
: >"$out/fail"
fail() { echo "FAIL: $*"; echo "$*" >>"$out/fail"; }

mapfile -t kvers < <("$repo/tests/vm/kernels.sh")
[ ${#kvers[@]} -ge 2 ] || fail "fewer than two test kernels: ${kvers[*]}"
first=${kvers[0]}

KVER=$first make -s -C "$repo" install >/dev/null || fail "make install KVER=$first"
[ -f "/lib/modules/$first/updates/netswap.ko" ] || fail "make install put no module for $first"

make -s -C "$repo" dkms-install || fail "make dkms-install"
[ -f "/usr/src/netswap-$v/dkms.conf" ] || fail "no /usr/src/netswap-$v/dkms.conf"
grep -q "^PACKAGE_VERSION=\"$v\"" "/usr/src/netswap-$v/dkms.conf" || fail "dkms.conf does not say version $v"
[ ! -e "/lib/modules/$first/updates/netswap.ko" ] || fail "make install's module for $first is still there"
st=$(dkms status -m netswap)
for k in "${kvers[@]}"; do
	grep -q "^netswap/$v, $k, .*: installed" <<<"$st" || fail "dkms status has no netswap/$v for $k: $st"
	[ "$(modinfo -k "$k" -F version netswap 2>/dev/null)" = "$v" ] || fail "modinfo -k $k: '$(modinfo -k "$k" -F version netswap 2>&1)'"
	[[ $(modinfo -k "$k" -n netswap 2>/dev/null) == "/lib/modules/$k/updates/dkms/netswap.ko"* ]] || fail "modprobe for $k finds $(modinfo -k "$k" -n netswap 2>&1)"
done
[ -x /usr/sbin/swapctl ] || fail "dkms-install did not install swapctl"

make -s -C "$repo" dkms-uninstall || fail "make dkms-uninstall"
[ -z "$(dkms status -m netswap)" ] || fail "dkms status after uninstall: $(dkms status -m netswap)"
[ ! -e "/usr/src/netswap-$v" ] || fail "/usr/src/netswap-$v left"
[ ! -e /var/lib/dkms/netswap ] || fail "/var/lib/dkms/netswap left"
left=$(find /lib/modules/ -name 'netswap.ko*')
[ -z "$left" ] || fail "modules left: $left"
[ ! -e /usr/sbin/swapctl ] || fail "swapctl left"
echo "done"
