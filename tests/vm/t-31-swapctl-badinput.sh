#!/bin/bash
# t-31-swapctl-badinput.sh KVER: swapctl on bad input in a guest
# (guest/ns-swapctl-badinput.sh): bad command lines, names, URLs and
# options, unknown and duplicate names, rm while up, host names that do not
# resolve, addresses that refuse, a wrong CHAP secret, a disk with another
# file system, bad netswaptab lines; and raw netlink requests swapctl never
# sends (tests/vm/nlprobe.py strict). Each gives its documented exit code
# and message and changes nothing. swapctl's checks do not depend on the
# kernel, and t-19 covers its netlink use on the oldest kernel:
# vm-kernels: newest
# vm-time: 270
set -euo pipefail
. "$(dirname "$0")/lib.sh"
kver=${1:?usage: $0 KVER}
vm_need_module "$kver"
[ -x "$VM_REPO/build/swapctl" ] || vm_fail "build/swapctl not built (make swapctl)"
user=swapctl-user secret=t31-secret-$RANDOM$RANDOM
tuser=swapctl-target tsecret=t31-target-$RANDOM$RANDOM
vm_tgt_lun t-31-swapctl-badinput 64 "$user" "$secret" "$tuser" "$tsecret"
"$VM_HERE/boot.sh" --name "t-31-swapctl-badinput-$kver" --mem 256 --timeout 900 \
	"$kver" "$VM_HERE/guest/ns-swapctl-badinput.sh" "$user" "$secret" "$tuser" "$tsecret"
