#!/bin/bash
# t-01-lio.sh KVER: LIO (kernel target, in the guest) + open-iscsi over the
# guest's loopback works: proves tests/vm/lio-guest.sh.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

kver=${1:?usage: $0 KVER}
name=t-01-lio-$kver
"$VM_HERE/boot.sh" --name "$name" --mem 512 --timeout 600 \
	"$kver" "$VM_HERE/guest/01-lio.sh" || exit $?
[ -e "$(vm_share_dir "$name")/done" ] || vm_fail "guest did not finish"
echo "t-01-lio: ok ($(cat "$VM_DIR/$name/elapsed")s in QEMU)"
