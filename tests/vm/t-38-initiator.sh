#!/bin/bash
# t-38-initiator.sh KVER: the host's iSCSI initiator name, against a tgt
# target whose ACL allows one name only (NETSWAP_TGT_ACL). In a guest
# without open-iscsi's /etc/iscsi/initiatorname.iscsi (hidden in its
# overlay), swapctl add generates the host's name once, stores it in
# /etc/netswap/initiatorname and gives it to the target; the target
# refuses that unknown name at login (exit 4, the reason, target down);
# with the allowed name in /etc/netswap/initiatorname (the operator's
# host identity) the same URL logs in, swaps, and `swapctl save` and
# `apply --check` treat the name as the host's default, not an option.
# guest/ns-initiator.sh. Login is kernel-independent here:
# vm-kernels: newest
# vm-time: 60
set -euo pipefail
. "$(dirname "$0")/lib.sh"

kver=${1:?usage: $0 KVER}
vm_need_module "$kver"
[ -x "$VM_REPO/build/swapctl" ] || vm_fail "build/swapctl not built (make swapctl)"
allowed=iqn.2026-11.org.netswap:7e57acc1a11d
NETSWAP_TGT_ACL=$allowed vm_tgt_lun t-38-initiator 64
"$VM_HERE/boot.sh" --name "t-38-initiator-$kver" --mem 256 --timeout 600 \
	"$kver" "$VM_HERE/guest/ns-initiator.sh" "$allowed"
