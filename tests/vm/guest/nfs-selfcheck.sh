#!/bin/bash
# shellcheck source-path=SCRIPTDIR
# Guest side of h-nfs-selfcheck.sh: proves the NFS test harness with the
# kernel's own NFSv3 client (no netswap.ko).
# 1. mount the host ganesha (10.0.2.2:$NETSWAP_NFS_PORT, MOUNT on
#    $NETSWAP_MNT_PORT, export $NETSWAP_NFS_EXPORT), check the file the
#    host made ($NETSWAP_NFS_FILE, $NETSWAP_NFS_FILE_BYTES), O_DIRECT
#    pattern write + read back, leave the pattern in /share for the host;
# 2. ask the host to kill -9 + restart ganesha (markers kill-ganesha /
#    ganesha-restarted), read the pattern again through the same mount
#    (same file handles) and time it;
# 3. the raw MNT status and a kernel mount against the refusing ganesha
#    ($NETSWAP_NFS_DENY_PORT/$NETSWAP_MNT_DENY_PORT): both must be refused;
# 4. knfsd in this guest (knfsd-guest.sh): mount 127.0.0.1 the same way,
#    O_DIRECT pattern, nfs3probe I/O, teardown.
set -euo pipefail
# shellcheck source=../guest-lib.sh
. "$NETSWAP_REPO/tests/vm/guest-lib.sh"
# shellcheck source=../knfsd-guest.sh
. "$NETSWAP_REPO/tests/vm/knfsd-guest.sh"

probe=$NETSWAP_REPO/tests/vm/nfs3probe.py
host=$NETSWAP_HOST_IP
: "${NETSWAP_NFS_EXPORT:?}" "${NETSWAP_NFS_FILE:?}" "${NETSWAP_NFS_FILE_BYTES:?}"
: "${NETSWAP_NFS_PORT:?}" "${NETSWAP_MNT_PORT:?}"
: "${NETSWAP_NFS_DENY_PORT:?}" "${NETSWAP_MNT_DENY_PORT:?}" "${NETSWAP_NFS_DENY_EXPORT:?}"
off_mb=1 pat_mb=4

nsvm_log "kernel $(uname -r), $(grep MemTotal /proc/meminfo)"

# pattern_check FILE: O_DIRECT write of /tmp/pat at $off_mb MB into FILE
# (no truncation), O_DIRECT read back, compare.
pattern_check() {
	dd if=/tmp/pat of="$1" bs=1M seek=$off_mb oflag=direct conv=notrunc,fsync status=none ||
		nsvm_die "O_DIRECT write to $1 failed"
	dd if="$1" of=/tmp/rb bs=1M skip=$off_mb count=$pat_mb iflag=direct status=none ||
		nsvm_die "O_DIRECT read of $1 failed"
	cmp -s /tmp/pat /tmp/rb || nsvm_die "pattern mismatch on $1"
}

dd if=/dev/urandom of=/tmp/pat bs=1M count=$pat_mb status=none

# ---- 1. host ganesha ----
nsvm_nfs_mount "$host" "$NETSWAP_NFS_EXPORT" "$NETSWAP_NFS_PORT" "$NETSWAP_MNT_PORT" /mnt/ganesha ||
	nsvm_die "mount $host:$NETSWAP_NFS_EXPORT (ports $NETSWAP_NFS_PORT/$NETSWAP_MNT_PORT) failed"
grep ' /mnt/ganesha ' /proc/mounts
f=/mnt/ganesha/$NETSWAP_NFS_FILE
[ -f "$f" ] || nsvm_die "$f missing"
[ "$(stat -c %s "$f")" = "$NETSWAP_NFS_FILE_BYTES" ] ||
	nsvm_die "$f is $(stat -c %s "$f") bytes, want $NETSWAP_NFS_FILE_BYTES"
[ $(($(stat -c %b "$f") * 512)) -ge "$NETSWAP_NFS_FILE_BYTES" ] ||
	nsvm_die "$f has holes as seen over NFS ($(stat -c %b "$f") blocks)"
[ "$(stat -c %a "$f")" = 600 ] || nsvm_die "$f mode $(stat -c %a "$f"), want 600"
pattern_check "$f"
cp /tmp/pat /share/pattern.bin
echo "written by the guest" >/mnt/ganesha/guest-new.txt || nsvm_die "create a file on ganesha"
nsvm_log "ganesha: mount, file checks, O_DIRECT pattern ok"

# ---- 2. ganesha crash + restart under the mount ----
nsvm_mark kill-ganesha
nsvm_wait_file /share/ganesha-restarted 60 || nsvm_die "host did not restart ganesha"
t0=$SECONDS
rm -f /tmp/rb
timeout 120 dd if="$f" of=/tmp/rb bs=1M skip=$off_mb count=$pat_mb iflag=direct status=none ||
	nsvm_die "O_DIRECT read after the ganesha restart failed"
cmp -s /tmp/pat /tmp/rb || nsvm_die "pattern changed across the ganesha restart"
dd if=/tmp/pat of="$f" bs=1M seek=$((off_mb + pat_mb)) oflag=direct conv=notrunc status=none ||
	nsvm_die "O_DIRECT write after the ganesha restart failed"
nsvm_log "ganesha restart: same mount read and wrote again after $((SECONDS - t0)) s"
echo $((SECONDS - t0)) >/share/restart-io-seconds
umount /mnt/ganesha || nsvm_die "umount /mnt/ganesha"

# ---- 3. a ganesha that refuses MOUNT ----
out=$(timeout 60 python3 "$probe" --host "$host" --port "$NETSWAP_NFS_DENY_PORT" \
	--mnt-port "$NETSWAP_MNT_DENY_PORT" mnt "$NETSWAP_NFS_DENY_EXPORT") && rc=0 || rc=$?
nsvm_log "raw MNT to the refusing ganesha: rc=$rc $out"
{ [ "$rc" = 3 ] && [[ $out == "MNT3ERR_ACCES (13)"* ]]; } || nsvm_die "refusing ganesha answered '$out' (rc $rc)"
echo "$out" >/share/deny-mnt-status
if out=$(nsvm_nfs_mount "$host" "$NETSWAP_NFS_DENY_EXPORT" "$NETSWAP_NFS_DENY_PORT" \
	"$NETSWAP_MNT_DENY_PORT" /mnt/deny 2>&1); then
	umount /mnt/deny
	nsvm_die "the refusing ganesha let the kernel client mount"
fi
nsvm_log "kernel mount refused: $out"
[[ $out == *"access denied"* ]] || nsvm_die "unexpected mount error: $out"

# ---- 4. knfsd in this guest ----
knfsd_setup 32 || nsvm_die "knfsd_setup failed"
nsvm_nfs_mount 127.0.0.1 "$KNFSD_EXPORT" "$KNFSD_PORT" "$KNFSD_MNT_PORT" /mnt/knfsd ||
	nsvm_die "mount 127.0.0.1:$KNFSD_EXPORT (ports $KNFSD_PORT/$KNFSD_MNT_PORT) failed"
f=/mnt/knfsd/$KNFSD_FILE
[ "$(stat -c %s "$f")" = "$KNFSD_FILE_BYTES" ] || nsvm_die "$f size $(stat -c %s "$f")"
pattern_check "$f"
umount /mnt/knfsd || nsvm_die "umount /mnt/knfsd"
out=$(timeout 60 python3 "$probe" --port "$KNFSD_PORT" --mnt-port "$KNFSD_MNT_PORT" \
	io "$KNFSD_EXPORT" "$KNFSD_FILE") || nsvm_die "nfs3probe io against knfsd: $out"
nsvm_log "knfsd: mount, O_DIRECT pattern, nfs3probe ok ($out)"
knfsd_teardown || nsvm_die "knfsd_teardown"

nsvm_mark all-done
nsvm_log "all ok"
