#!/bin/bash
# s-16-linkcut.sh KVER (make stress): t-16-linkcut's full form, a 60 s
# silent link cut and then 10 cuts of 3 s, 5 s apart, on iSCSI and NFS at
# once (the same driver and guest script; see t-16-linkcut.sh).
# vm-time: 420
set -euo pipefail
exec "$(dirname "$0")/t-16-linkcut.sh" "${1:?usage: $0 KVER}" stress
