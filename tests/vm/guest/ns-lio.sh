# shellcheck shell=bash
# Guest: interoperability with LIO. A LIO target (targetcli) in this guest
# on 127.0.0.1:3260; netswap logs in over the guest's loopback, plain, with
# CRC32C digests and with mutual CHAP (a wrong target secret refused); an
# O_DIRECT pattern is written and read back each time. swapctl discover
# lists LIO's LUN with its size; with CHAP on, it says a target that wants
# CHAP closes the connection as LIO just did. The LUN is thin provisioned
# (emulate_tpu=1): the disk takes discards with LIO's UNMAP limits, and
# blkdiscard punches a hole in the backing file.
. "$NETSWAP_REPO/tests/vm/guest/nslib.sh"
. "$NETSWAP_REPO/tests/vm/lio-guest.sh"
iqn=iqn.2026-11.org.netswap.test:lio
lio_file=/var/lib/netswap-lio/$iqn.img
LIO_TPU=1 lio_setup "$iqn" 64 "$lio_file" || ns_die "lio_setup failed"
ns_load

# swapctl discover: SendTargets, then the LUN and its size, through LIO.
ns_sc_ok discover -n --raw -b iscsi://127.0.0.1
url=$(awk '{ print $1 }' <<<"$ns_out")
size=$(awk '{ print $2 }' <<<"$ns_out")
[ "$url" = "iscsi://127.0.0.1/$iqn/0" ] && [ "$size" = $((64 * 1024 * 1024)) ] &&
	[ "$(wc -l <<<"$ns_out")" = 1 ] || ns_fail "discover against LIO: '$ns_out'"
[[ $ns_out == *" 127.0.0.1:3260,1" ]] || ns_fail "discover: LIO's portal not shown: '$ns_out'"
ns_create t0 127.0.0.1 3260 "$iqn" 0
ns_enable t0 || ns_die "enable against LIO"
dev=$(ns_dev t0)
[ "$(ns_get t0 capacity_bytes)" = $((64 * 1024 * 1024)) ] ||
	ns_fail "capacity $(ns_get t0 capacity_bytes), LIO LUN is 64 MiB"
ns_pattern_check "$dev" 16
dmax=$(ns_get t0 discard_max_bytes)
ns_log "LIO: discard up to $dmax bytes at $(ns_get t0 discard_granularity)"
[ "$dmax" -gt 0 ] && [ $((dmax % 4096)) = 0 ] ||
	ns_fail "LIO with emulate_tpu=1: discard_max_bytes $dmax"
lio_alloc() { echo $(($(stat -c '%b * %B' "$lio_file"))); }
ns_discard_check t0 lio_alloc
echo 0 >"$NS_CFG/t0/enable" || ns_fail "disable (logout from LIO)"

ns_set t0 header_digest crc32c
ns_set t0 data_digest crc32c
ns_enable t0 || ns_die "enable against LIO with digests"
dmesg | grep -q "t0: logged in .*digests crc32c/crc32c" ||
	ns_fail "LIO did not negotiate CRC32C digests"
ns_pattern_check "$(ns_dev t0)" 16
ns_get t0 stats
echo 0 >"$NS_CFG/t0/enable" || ns_fail "disable (digests)"

# Mutual CHAP: LIO's demo-mode (generated ACL) credentials, both ways
# (printf: LIO keeps a trailing newline as part of the name).
tpg=/sys/kernel/config/target/iscsi/$iqn/tpgt_1
printf %s swapper >"$tpg/auth/userid"
printf %s lio-initiator-secret >"$tpg/auth/password"
printf %s lio-target >"$tpg/auth/userid_mutual"
printf %s lio-target-secret >"$tpg/auth/password_mutual"
echo 1 >"$tpg/attrib/authentication" || ns_die "LIO: authentication=1"
ns_sc discover iscsi://127.0.0.1
# LIO closes the connection of a login without CHAP; tgt answers.
[ "$ns_rc" = 4 ] && [[ $ns_errout == *"a target that wants CHAP does that"* ]] ||
	ns_fail "discover of a target that wants CHAP: exit $ns_rc: $ns_errout"
ns_set t0 header_digest none
ns_set t0 data_digest none
if echo 1 2>/dev/null >"$NS_CFG/t0/enable"; then
	ns_fail "LIO with CHAP accepted a login without credentials"
	echo 0 >"$NS_CFG/t0/enable"
else
	ns_ok "LIO CHAP, none set: $(ns_get t0 last_error)"
fi
ns_set t0 auth_user swapper
ns_set t0 auth_secret lio-initiator-secret
ns_set t0 auth_target_user lio-target
ns_set t0 auth_target_secret wrong-target-secret
if echo 1 2>/dev/null >"$NS_CFG/t0/enable"; then
	ns_fail "LIO: a wrong auth_target_secret logged in"
	echo 0 >"$NS_CFG/t0/enable"
else
	err=$(ns_get t0 last_error)
	[[ $err == *"target failed mutual CHAP"* ]] && ns_ok "LIO, wrong target secret: $err" ||
		ns_fail "LIO, wrong target secret: last_error '$err'"
fi
ns_set t0 auth_target_secret lio-target-secret
ns_enable t0 || ns_die "enable against LIO with mutual CHAP: $(ns_get t0 last_error)"
dmesg | grep -q "t0: logged in .*auth mutual CHAP" || ns_fail "LIO: no mutual CHAP login"
ns_pattern_check "$(ns_dev t0)" 16
ns_teardown t0
ns_unload
lio_teardown || ns_fail "lio_teardown"
ns_finish
