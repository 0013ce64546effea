#!/bin/bash
# t-24-nfs-quirks.sh KVER: netswap's NFS client against fakenfs.py, an
# in-memory NFSv3 server in the same guest on 127.0.0.1 that takes the
# paths real servers never do (guest/ns-nfs-quirks.sh): WRITEs answered
# UNSTABLE (COMMIT), write verifier changes that lose uncommitted data
# (the WRITEs are sent again), NFS3ERR_JUKEBOX on READ/WRITE/COMMIT
# (retried after ~500 ms), replies split into several record fragments
# (inside headers and READ data, zero-length ones, sent in pieces),
# replies with unknown XIDs before real ones, a file with holes, WRITEs
# answered DATA_SYNC (no COMMIT), a server frozen while the target is idle
# (found by the NULL ping), a server that closes idle connections (the
# pings keep them), a recovery with a COMMIT requeued and the scheduler
# none (no bio merged into it). An O_DIRECT
# pattern is written and read back and must equal what the server kept.
# Nothing on the host: no ganesha, no tgt.
#   NETSWAP_FAKENFS_QUIRKS="--jukebox-every 5 ..."  other fakenfs.py
#   switches (see fakenfs.py --help); the checks expect the default set.
# Output: build/vm/t-24-nfs-quirks-KVER/share/{output.log,fakenfs.log,fakenfs.out,
# fakenfs-stats.txt,dmesg.txt}.
# One kernel only (NFS protocol paths are the module's own code): what depends on the
# kernel is in kernel/compat.h, and t-00, t-16, t-18 and
# t-26 run it on every kernel. The protocol cases are spread over both:
# vm-kernels: oldest
# vm-time: 240
set -euo pipefail
. "$(dirname "$0")/lib.sh"
kver=${1:?usage: $0 KVER}
vm_need_module "$kver"
"$VM_HERE/boot.sh" --name "t-24-nfs-quirks-$kver" --mem 384 --timeout 600 \
	"$kver" "$VM_HERE/guest/ns-nfs-quirks.sh"
