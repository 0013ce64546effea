#!/bin/bash
# s-28-hostile-io.sh KVER: make stress runs the fake targets' cases in
# full on every kernel: t-28-hostile-io's I/O faults (guest/ns-hostile-io.sh)
# and t-27-hostile-login's login faults (guest/ns-hostile-login.sh), which
# make test runs on the newest kernel only, and t-24-nfs-quirks's NFS
# server quirks and hostile setups and I/O (guest/ns-nfs-quirks.sh), which
# it runs on the oldest.
# vm-time: 360
set -euo pipefail
. "$(dirname "$0")/lib.sh"
kver=${1:?usage: $0 KVER}
vm_need_module "$kver"
"$VM_HERE/boot.sh" --name "s-28-hostile-io-$kver" --mem 384 --timeout 900 \
	"$kver" "$VM_HERE/guest/ns-hostile-io.sh"
"$VM_HERE/boot.sh" --name "s-28-hostile-login-$kver" --mem 256 --timeout 600 \
	"$kver" "$VM_HERE/guest/ns-hostile-login.sh"
"$VM_HERE/boot.sh" --name "s-28-nfs-quirks-$kver" --mem 384 --timeout 900 \
	"$kver" "$VM_HERE/guest/ns-nfs-quirks.sh"
