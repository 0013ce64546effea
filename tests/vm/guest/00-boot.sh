#!/bin/bash
# Guest side of t-00-boot.sh: proves the harness. Args: IQN.
# 1. /share/ready for the host; 2. open-iscsi login to tgt on 10.0.2.2,
# O_DIRECT pattern write + read back; 3. ask the host to kill -9 and
# restart tgtd (markers kill-tgt / tgt-restarted), read the pattern again
# through the recovered session; 4. swap on the LUN (mkswap/swapon/
# swapoff); 5. log in again with CRC32C header+data digests, check they
# were negotiated and the data is intact; logout.
set -euo pipefail
# shellcheck source=../guest-lib.sh
. "$NETSWAP_REPO/tests/vm/guest-lib.sh"

iqn=$1
portal=$NETSWAP_HOST_IP:$NETSWAP_TGT_PORT
pat_off_mb=16 pat_mb=4

nsvm_log "kernel $(uname -r), nproc $(nproc), $(grep MemTotal /proc/meminfo)"
# The harness hides CX16: QEMU 7.2's TCG corrupts EFLAGS at CMPXCHG16B
# (tests/vm/README.md).
if [ -z "${NETSWAP_VM_CPU:-}" ] && grep -qw cx16 /proc/cpuinfo; then
	nsvm_die "the guest's CPU has cx16: boot.sh must pass -cpu max,-cx16"
fi
nsvm_mark ready

nsvm_iscsid_start || nsvm_die "iscsid did not start"
nsvm_iscsi_node "$iqn" "$portal" || nsvm_die "iscsiadm -o new failed"
dev=$(nsvm_iscsi_login "$iqn" "$portal") || nsvm_die "login to $iqn at $portal failed"
[ -b "$dev" ] || nsvm_die "$dev is not a block device"
nsvm_log "logged in: $dev, $(blockdev --getsize64 "$dev") bytes"

dd if=/dev/urandom of=/tmp/pat bs=1M count=$pat_mb status=none
dd if=/tmp/pat of="$dev" bs=1M seek=$pat_off_mb oflag=direct conv=fsync status=none ||
	nsvm_die "O_DIRECT write failed"
dd if="$dev" of=/tmp/rb bs=1M skip=$pat_off_mb count=$pat_mb iflag=direct status=none ||
	nsvm_die "O_DIRECT read failed"
cmp /tmp/pat /tmp/rb || nsvm_die "pattern mismatch"
cp /tmp/pat /share/pattern.bin
nsvm_log "pattern ok"

# Target crash + restart by the host, session recovery by iscsid.
nsvm_mark kill-tgt
nsvm_wait_file /share/tgt-restarted 60 || nsvm_die "host did not restart tgtd"
rm -f /tmp/rb
timeout 90 dd if="$dev" of=/tmp/rb bs=1M skip=$pat_off_mb count=$pat_mb iflag=direct status=none ||
	nsvm_die "read after tgtd restart failed"
cmp /tmp/pat /tmp/rb || nsvm_die "pattern mismatch after tgtd restart"
nsvm_log "pattern ok after tgtd kill -9 + restart"

# Swap works in the guest (the LUN is 64 MiB, the pattern lies past 16 MiB:
# mkswap only writes the first page).
mkswap -L nsvm "$dev" >/dev/null || nsvm_die "mkswap failed"
swapon "$dev" || nsvm_die "swapon failed"
grep -q "^$dev " /proc/swaps || nsvm_die "$dev not in /proc/swaps"
nsvm_log "swap on: $(grep "^$dev " /proc/swaps | tr -s ' ')"
swapoff "$dev" || nsvm_die "swapoff failed"

nsvm_iscsi_logout "$iqn" "$portal" || nsvm_die "logout failed"
for _ in $(seq 1 100); do [ -b "$dev" ] || break; nsvm_sleep 0.1; done

# Digests: tgt negotiates CRC32C when asked.
nsvm_iscsi_set "$iqn" "$portal" 'node.conn[0].iscsi.HeaderDigest' CRC32C
nsvm_iscsi_set "$iqn" "$portal" 'node.conn[0].iscsi.DataDigest' CRC32C
dev=$(nsvm_iscsi_login "$iqn" "$portal") || nsvm_die "login with digests failed"
iscsiadm -m session -P 2 >/tmp/sess || true
grep -q 'HeaderDigest: CRC32C' /tmp/sess || { cat /tmp/sess; nsvm_die "HeaderDigest not CRC32C"; }
grep -q 'DataDigest: CRC32C' /tmp/sess || { cat /tmp/sess; nsvm_die "DataDigest not CRC32C"; }
dd if="$dev" of=/tmp/rb bs=1M skip=$pat_off_mb count=$pat_mb iflag=direct status=none ||
	nsvm_die "read with digests failed"
cmp /tmp/pat /tmp/rb || nsvm_die "pattern mismatch with digests"
nsvm_log "digests CRC32C negotiated, pattern ok"
nsvm_iscsi_logout "$iqn" "$portal" || nsvm_die "logout failed"
nsvm_mark "done"
nsvm_log "all ok"
