# shellcheck shell=bash
# Guest (t-23-nfs-badinput.sh): the NFS attributes refuse malformed values
# with an errno and a last_error that says what was wrong; enabling against
# a file with holes, a directory, a missing path, a wrong export, a server
# that refuses MOUNT, and a port where nothing listens each fail with one
# line in last_error and leave the target re-enableable; a file removed on
# the server (stale handle after a restart) fails the target visibly.
# Host files (vm_nfs_file + t-23): $NETSWAP_NFS_FILE (good), holes.img,
# adir/, and a refusing ganesha on $NETSWAP_NFS_DENY_PORT/_MNT_DENY_PORT.
. "$NETSWAP_REPO/tests/vm/guest/nslib.sh"
. "$NETSWAP_REPO/tests/vm/guest-lib.sh"

EINVAL="Invalid argument"
ERANGE="out of range"
long=$(printf 'x%.0s' $(seq 1 300))
huge=$(printf '/y%.0s' $(seq 1 600))

ns_load
ns_create_nfs t0

# ---- attribute values ----
expect_refused export "relative/path" "$EINVAL" "must be an absolute path"
expect_refused export "/a/../b" "$EINVAL" "'..' components are not allowed"
expect_refused export "/$long" "File name too long" "longer than 255"
expect_refused export "$huge" "$EINVAL" "too long"
expect_refused export "$(printf '/caf\xe9')" "$EINVAL" "printable ASCII"
expect_refused file "a/./b" "$EINVAL" "'..' components are not allowed"
expect_refused file "$(printf 'a\tb')" "$EINVAL" "printable ASCII"
expect_refused mount_port "65536" "$ERANGE" "out of range"
expect_refused mount_port "-1" "$EINVAL" "not a number"
expect_refused auth_uid "4294967295" "$ERANGE" "out of range"
expect_refused auth_uid "abc" "$EINVAL" "not a number"
expect_refused auth_gid "99999999999" "$ERANGE" "out of range"
expect_refused auth_flavor "krb5" "$EINVAL" "must be sys or none"
[ "$(ns_get t0 auth_flavor)" = sys ] || ns_fail "auth_flavor default $(ns_get t0 auth_flavor)"
[ "$(ns_get t0 auth_uid)/$(ns_get t0 auth_gid)" = 0/0 ] || ns_fail "auth_uid/gid default not 0/0"

# Accepted values read back as written (then the defaults again).
ns_set_check t0 auth_uid 4294967294 && ns_set_check t0 auth_uid 0 &&
	ns_set_check t0 auth_gid 0x10 16 && ns_set_check t0 auth_gid 0 &&
	ns_set_check t0 auth_flavor none && ns_set_check t0 auth_flavor sys &&
	ns_ok "auth_uid 4294967294, auth_gid 0x10, auth_flavor none accepted and read back"

# ---- missing settings ----
good_export=$(ns_get t0 export)
good_file=$(ns_get t0 file)
ns_set_check t0 export ""
expect_enable_fails "export is not set"
ns_set_check t0 export "$good_export"
ns_set_check t0 file ""
expect_enable_fails "file is not set"

# works: proves the target is re-enableable after each failure below
works() {
	if ns_enable t0; then
		echo 0 >"$NS_CFG/t0/enable" || ns_fail "disable after $1"
		ns_ok "re-enabled after $1"
	else
		ns_fail "not re-enableable after $1"
	fi
}

# ---- enable against bad server-side things ----
ns_set_check t0 file holes.img
expect_enable_fails "has holes"
ns_set_check t0 file "$good_file"; works "holes"
ns_set_check t0 file adir
expect_enable_fails "is a directory, not a regular file"
ns_set_check t0 file "$good_file"; works "directory"
ns_set_check t0 file adir/nothere.img
expect_enable_fails "no such file or directory"
ns_set_check t0 file "$good_file"; works "missing path"
ns_set_check t0 file nothere/swap.img
expect_enable_fails "no such file or directory"
ns_set_check t0 file "$good_file"; works "missing directory"
ns_set_check t0 file /
expect_enable_fails "names the export itself"
ns_set_check t0 file "$good_file"; works "empty path"
ns_set_check t0 export /no/such/export
expect_enable_fails "MOUNT of /no/such/export refused: access denied"
ns_set_check t0 export "$good_export"; works "wrong export"
ns_set_check t0 port "$NETSWAP_NFS_DENY_PORT"
ns_set_check t0 mount_port "$NETSWAP_MNT_DENY_PORT"
ns_set_check t0 export "$NETSWAP_NFS_DENY_EXPORT"
expect_enable_fails "refused: access denied by the server"
ns_set_check t0 export "$good_export"
ns_set_check t0 port "$NETSWAP_NFS_PORT"
ns_set_check t0 mount_port "$NETSWAP_MNT_PORT"
works "refused MOUNT"
ns_set_check t0 mount_port 9
expect_enable_fails "cannot connect to $NETSWAP_HOST_IP:9: connection refused"
ns_set_check t0 mount_port "$NETSWAP_MNT_PORT"
ns_set_check t0 port 9
expect_enable_fails "cannot connect to $NETSWAP_HOST_IP:9: connection refused"
ns_set_check t0 port "$NETSWAP_NFS_PORT"; works "nothing listening"
# The export offers AUTH_SYS only (SecType = sys): AUTH_NONE is refused
# at MOUNT, before any I/O; other credentials work.
ns_set_check t0 auth_flavor none
expect_enable_fails "the export does not accept AUTH_NONE"
ns_set_check t0 auth_flavor sys; works "AUTH_NONE refused"

# ---- EBUSY while enabled ----
ns_enable t0 || ns_die "enable"
for a in export file mount_port auth_uid auth_gid auth_flavor; do
	expect_refused "$a" "$(ns_get t0 "$a")" "busy" "cannot change while enabled"
done
dev=$(ns_dev t0)
ns_pattern_check "$dev" 4

# ---- the file disappears on the server: stale handle ----
nsvm_mark remove-file
nsvm_wait_file /share/file-removed 120 || ns_die "host did not remove the file"
if dd if="$dev" of=/dev/null bs=4k count=1 skip=777 iflag=direct 2>/dev/null; then
	ns_fail "read after the file was removed succeeded"
fi
[ "$(ns_get t0 state)" = failed ] || ns_fail "state $(ns_get t0 state) with a stale handle"
case $(ns_get t0 last_error) in
*stale*) ns_ok "stale handle: $(ns_get t0 last_error)" ;;
*) ns_fail "stale handle: last_error '$(ns_get t0 last_error)'" ;;
esac
dmesg | grep -q 'giving up: file handle is stale' || ns_fail "no kernel log line for the stale handle"
nsvm_sleep 3
[ "$(ns_get t0 state)" = failed ] || ns_fail "state left failed by itself: $(ns_get t0 state)"
echo 0 >"$NS_CFG/t0/enable" || ns_fail "disable a failed target"
expect_enable_fails "no such file or directory"

ns_teardown t0
ns_unload
ns_finish
