# shellcheck shell=bash
# Guest (t-37): the netswap.ko that DKMS built from the netswap-dkms
# package for this kernel (in the host sandbox; NETSWAP_DEB_KO) loads, has
# VERSION's version and DKMS's signature, and a target moves data through
# it (an O_DIRECT pattern written and read back) and swaps on it, driven
# by the swapctl of the netswap-tools package (NETSWAP_SWAPCTL). The
# workloads of the other tests run the same sources.
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
dev=/dev/$(ns_get a0 disk)
dd if=/dev/urandom of=/tmp/pat bs=1M count=16 status=none
dd if=/tmp/pat of="$dev" bs=1M oflag=direct conv=fsync status=none || ns_fail "O_DIRECT write to $dev"
dd if="$dev" of=/tmp/rb bs=1M count=16 iflag=direct status=none || ns_fail "O_DIRECT read from $dev"
cmp -s /tmp/pat /tmp/rb || ns_fail "16 MiB read back from $dev differ from what was written"
mkswap "$dev" >/dev/null && swapon "$dev" || ns_fail "swapon $dev"
grep -q "^$dev " /proc/swaps && swapoff "$dev" || ns_fail "swap on $dev"
ns_sc_ok down a0
ns_ok "DKMS's build of the package ($(basename "$ko")) loads, is signed, moves 16 MiB intact, and swaps"
ns_finish
