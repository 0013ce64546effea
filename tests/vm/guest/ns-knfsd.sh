# shellcheck shell=bash
# Guest (t-22-knfsd.sh): netswap's NFS client against the kernel's own NFS
# server in this guest, over 127.0.0.1 (knfsd-guest.sh): the disk has the
# file's size, an O_DIRECT pattern is written and read back, once with
# the ports given and once found through the guest's portmapper; swapctl
# discover lists the export both ways.
. "$NETSWAP_REPO/tests/vm/guest/nslib.sh"
. "$NETSWAP_REPO/tests/vm/knfsd-guest.sh"

knfsd_setup 32 || ns_die "knfsd setup"
ns_load

# swapctl discover: knfsd's export list through the portmapper, with the
# client it is exported to.
ns_sc_ok discover -n --raw "nfs://$KNFSD_HOST"
[[ $'\n'"$ns_out" == *$'\n'"nfs://$KNFSD_HOST$KNFSD_EXPORT/ "* ]] ||
	ns_fail "discover did not list $KNFSD_EXPORT: '$ns_out'"
ns_sc_ok discover -n --raw --mount-port "$KNFSD_MNT_PORT" "nfs://$KNFSD_HOST:$KNFSD_PORT"
[[ $'\n'"$ns_out" == *$'\n'"nfs://$KNFSD_HOST:$KNFSD_PORT$KNFSD_EXPORT/ "* ]] ||
	ns_fail "discover --mount-port did not list $KNFSD_EXPORT: '$ns_out'"
ns_create_nfs k0 "$KNFSD_FILE" "$KNFSD_EXPORT" "$KNFSD_HOST" "$KNFSD_PORT" "$KNFSD_MNT_PORT"
ns_enable k0 || ns_die "enable against knfsd"
dev=$(ns_dev k0)
[ "$(blockdev --getsize64 "$dev")" = "$KNFSD_FILE_BYTES" ] ||
	ns_fail "$dev is $(blockdev --getsize64 "$dev") bytes, file $KNFSD_FILE_BYTES"
ns_pattern_check "$dev" 16
echo 0 >"$NS_CFG/k0/enable" || ns_fail "disable"
ns_set k0 port 0
ns_set k0 mount_port 0
ns_enable k0 || ns_fail "enable through the portmapper"
dev=$(ns_dev k0)
# The first pattern must still be there: read it back only.
dd if="$dev" of=/tmp/ns-back2 bs=1M count=16 iflag=direct status=none || ns_fail "read $dev"
cmp -s /tmp/ns-pat /tmp/ns-back2 && ns_ok "pattern intact after re-enable" ||
	ns_fail "pattern changed across disable/enable"
grep -E '^(reads|writes|errors) ' "$NS_CFG/k0/stats"
ns_teardown k0
ns_unload
knfsd_teardown
ns_finish
