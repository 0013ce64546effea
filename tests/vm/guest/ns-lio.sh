# shellcheck shell=bash
# Guest: interoperability with LIO. A LIO target (targetcli) in this guest
# on 127.0.0.1:3260; netswap logs in over the guest's loopback, plain and
# with CRC32C digests; an O_DIRECT pattern is written and read back.
. "$NETSWAP_REPO/tests/vm/guest/nslib.sh"
. "$NETSWAP_REPO/tests/vm/lio-guest.sh"
iqn=iqn.2026-11.org.netswap.test:lio
lio_setup "$iqn" 64 || ns_die "lio_setup failed"
ns_load
ns_create t0 127.0.0.1 3260 "$iqn" 0
ns_enable t0 || ns_die "enable against LIO"
dev=$(ns_dev t0)
[ "$(ns_get t0 capacity_bytes)" = $((64 * 1024 * 1024)) ] ||
	ns_fail "capacity $(ns_get t0 capacity_bytes), LIO LUN is 64 MiB"
ns_pattern_check "$dev" 16
echo 0 >"$NS_CFG/t0/enable" || ns_fail "disable (logout from LIO)"

ns_set t0 header_digest crc32c
ns_set t0 data_digest crc32c
ns_enable t0 || ns_die "enable against LIO with digests"
dmesg | grep -q "t0: logged in .*digests crc32c/crc32c" ||
	ns_fail "LIO did not negotiate CRC32C digests"
ns_pattern_check "$(ns_dev t0)" 16
ns_get t0 stats
ns_teardown t0
ns_unload
lio_teardown || ns_fail "lio_teardown"
ns_finish
