# shellcheck shell=bash
# Guest (t-37): the netswap.ko that DKMS built from the netswap-dkms
# package for this kernel (in the host sandbox; NETSWAP_DEB_KO) loads, has
# VERSION's version and DKMS's signature, and a target swaps through it,
# driven by the swapctl of the netswap-tools package (NETSWAP_SWAPCTL).
. "$NETSWAP_REPO/tests/vm/guest/nslib.sh"
. "$NETSWAP_REPO/tests/vm/guest-lib.sh"

v=$(cat "$NETSWAP_REPO/VERSION")
ko=${NETSWAP_DEB_KO:?}
modprobe libcrc32c || ns_die "modprobe libcrc32c"
insmod "$ko" || ns_die "insmod $ko"
[ "$(cat /sys/module/netswap/version)" = "$v" ] || ns_fail "the loaded module is '$(cat /sys/module/netswap/version)', not $v"
[ -n "$(modinfo -F signer "$ko")" ] || ns_fail "$ko is not signed"
ver=$("$NS_SWAPCTL" --version)
[ "$ver" = "swapctl $v"$'\n'"netswap.ko $v loaded" ] || ns_fail "swapctl --version said '$ver'"
ns_sc_ok add a0 "iscsi://$NETSWAP_HOST_IP:$NETSWAP_TGT_PORT/$NETSWAP_TGT_IQN/1"
ns_sc_ok enable a0
ns_swap_workload "/dev/$(ns_get a0 disk)" 1
ns_sc_ok down a0
ns_ok "DKMS's build of the package ($(basename "$ko")) loads, is signed, and swaps"
ns_finish
