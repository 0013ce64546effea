# shellcheck shell=bash
# Guest: CHAP against the host's tgt (which has an incoming account): a
# wrong secret fails with a last_error that says authentication failed and
# can be retried; the right one logs in. Then CRC32C header and data
# digests: negotiated, and data written with R2T/Data-Out and read with
# Data-In under both digests reads back intact.
# Mutual CHAP (tgt's outgoing account): a wrong target secret, a wrong
# target name and a target secret equal to the initiator's are refused with
# a last_error that says which; the right pair logs in and I/O works.
# Args: CHAP_USER CHAP_SECRET TARGET_USER TARGET_SECRET
. "$NETSWAP_REPO/tests/vm/guest/nslib.sh"
user=$1 secret=$2 tuser=$3 tsecret=$4

# enable_fails TARGET EXPECT WHAT: enable must fail with EXPECT in last_error.
enable_fails() {
	local err
	if echo 1 2>/dev/null >"$NS_CFG/$1/enable"; then
		ns_fail "$3: enable succeeded"
		echo 0 >"$NS_CFG/$1/enable"
		return
	fi
	err=$(ns_get "$1" last_error)
	case $err in
	*"$2"*) ns_ok "$3: $err" ;;
	*) ns_fail "$3: last_error '$err' lacks '$2'" ;;
	esac
}

ns_load
ns_create t0
ns_set t0 auth_user "$user"
ns_set t0 auth_secret "wrong-$secret"
if echo 1 2>/dev/null >"$NS_CFG/t0/enable"; then
	ns_fail "login with a wrong CHAP secret succeeded"
	echo 0 >"$NS_CFG/t0/enable"
else
	err=$(ns_get t0 last_error)
	case $err in
	*"uthentication failed"*) ns_ok "wrong secret: $err" ;;
	*) ns_fail "wrong secret: last_error '$err' does not say authentication failed" ;;
	esac
fi
if dmesg | grep -q -- "$secret"; then
	ns_fail "the CHAP secret appears in the kernel log"
fi

# No CHAP at all against a target that requires it.
ns_set t0 auth_user ""
ns_set t0 auth_secret ""
if echo 1 2>/dev/null >"$NS_CFG/t0/enable"; then
	ns_fail "login without CHAP to a CHAP target succeeded"
	echo 0 >"$NS_CFG/t0/enable"
else
	ns_ok "no credentials: $(ns_get t0 last_error)"
fi

ns_set t0 auth_user "$user"
ns_set t0 auth_secret "$secret"
ns_enable t0 || ns_die "enable with the right CHAP secret"
ns_ok "CHAP login with the right secret"
dev=$(ns_dev t0)
ns_pattern_check "$dev" 8
echo 0 >"$NS_CFG/t0/enable" || ns_fail "disable"

# Mutual CHAP: the target must prove its own secret.
ns_set t0 auth_target_user "$tuser"
ns_set t0 auth_target_secret "wrong-$tsecret"
enable_fails t0 "target failed mutual CHAP: its CHAP_R does not match auth_target_secret" "wrong target secret"
ns_set t0 auth_target_user "not-$tuser"
ns_set t0 auth_target_secret "$tsecret"
enable_fails t0 "target calls itself \"$tuser\" in CHAP_N, not auth_target_user" "wrong target name"
ns_set t0 auth_target_user "$tuser"
ns_set t0 auth_target_secret "$secret"
enable_fails t0 "auth_target_secret must differ from auth_secret" "one secret for both directions"
ns_set t0 auth_target_secret "$tsecret"
ns_enable t0 || ns_die "enable with mutual CHAP: $(ns_get t0 last_error)"
if dmesg | grep -q "t0: logged in .*auth mutual CHAP"; then
	ns_ok "mutual CHAP login"
else
	ns_fail "no mutual CHAP in: $(dmesg | grep 't0: logged in' | tail -1)"
fi
ns_pattern_check "$(ns_dev t0)" 8
echo 0 >"$NS_CFG/t0/enable" || ns_fail "disable"
if dmesg | grep -q -e "$secret" -e "$tsecret"; then
	ns_fail "a CHAP secret appears in the kernel log"
fi
ns_set t0 auth_target_user ""
ns_set t0 auth_target_secret ""

ns_set t0 header_digest crc32c
ns_set t0 data_digest crc32c
ns_enable t0 || ns_die "enable with CRC32C digests"
if dmesg | grep -q "t0: logged in .*digests crc32c/crc32c"; then
	ns_ok "CRC32C header and data digests negotiated"
else
	ns_fail "digests not negotiated: $(dmesg | grep 't0: logged in' | tail -1)"
fi
dev=$(ns_dev t0)
# 1 MiB writes: immediate data, then R2T + Data-Out; reads in Data-In.
ns_pattern_check "$dev" 32
# Small writes and reads too.
dd if=/dev/urandom of=/tmp/small bs=4k count=256 status=none
dd if=/tmp/small of="$dev" bs=4k seek=8192 oflag=direct status=none || ns_fail "4k writes"
dd if="$dev" of=/tmp/small.back bs=4k skip=8192 count=256 iflag=direct status=none || ns_fail "4k reads"
cmp -s /tmp/small /tmp/small.back && ns_ok "4 KiB I/O with digests" || ns_fail "4 KiB pattern mismatch"
st=$(ns_get t0 stats)
echo "$st"
[ "$(echo "$st" | awk '$1 == "errors" { print $2 }')" = 0 ] || ns_fail "I/O errors with digests"
ns_teardown t0
ns_unload
ns_finish
