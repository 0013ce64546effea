#!/bin/bash
# Guest side of t-01-lio.sh: LIO target in the guest (lio-guest.sh), an
# open-iscsi login over the guest's loopback, O_DIRECT pattern check.
set -euo pipefail
# shellcheck source=../guest-lib.sh
. "$NETSWAP_REPO/tests/vm/guest-lib.sh"
# shellcheck source=../lio-guest.sh
. "$NETSWAP_REPO/tests/vm/lio-guest.sh"

iqn=iqn.2024-01.org.netswap.test:lio
portal=127.0.0.1:3260
lio_setup "$iqn" 32 || nsvm_die "lio_setup failed"
nsvm_log "LIO target up"
nsvm_iscsid_start || nsvm_die "iscsid did not start"
nsvm_iscsi_node "$iqn" "$portal" || nsvm_die "iscsiadm -o new failed"
dev=$(nsvm_iscsi_login "$iqn" "$portal") || nsvm_die "login to LIO failed"
[ -b "$dev" ] || nsvm_die "$dev is not a block device"
nsvm_log "logged in: $dev, $(blockdev --getsize64 "$dev") bytes"
dd if=/dev/urandom of=/tmp/pat bs=1M count=4 status=none
dd if=/tmp/pat of="$dev" bs=1M oflag=direct conv=fsync status=none || nsvm_die "write failed"
dd if="$dev" of=/tmp/rb bs=1M count=4 iflag=direct status=none || nsvm_die "read failed"
cmp /tmp/pat /tmp/rb || nsvm_die "pattern mismatch"
nsvm_log "pattern ok"
nsvm_iscsi_logout "$iqn" "$portal" || nsvm_die "logout failed"
lio_teardown || nsvm_die "lio_teardown failed"
nsvm_mark "done"
nsvm_log "all ok"
