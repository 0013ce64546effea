#!/bin/bash
# run.sh: run every VM test driver tests/vm/t-*.sh on every kernel from
# kernels.sh (driver gets KVER as $1). Prints "PASS name/KVER" or
# "FAIL name/KVER (reason)" per case and appends the same lines to
# ${RESULTS:-build/results}/vm.txt. Exit 1 if any case failed.
#   NETSWAP_VM_TESTS   space-separated globs on the driver name without .sh
#                      (e.g. "t-00-boot" or "t-1*"); default all
#   NETSWAP_KVERS      kernel filter, see kernels.sh
#   NETSWAP_VM_PREFIX  driver prefix: t (default, make test), s (make stress)
#                      or h (harness self-checks, e.g. h-nfs-selfcheck)
#   NETSWAP_NFS_PORT   host ganesha port for NFS drivers (2049); a ganesha
#                      they start is stopped at the end (see ganesha.sh)
#   NETSWAP_VM_CASE_TIMEOUT  last-resort bound per case, seconds (3600)
# Per-case output: build/vm/logs/NAME-KVER.log
set -uo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/../.." && pwd)
results=${RESULTS:-$repo/build/results}
case $results in /*) ;; *) results=$repo/$results ;; esac
logs=${NETSWAP_VM_DIR:-$repo/build/vm}/logs
case_timeout=${NETSWAP_VM_CASE_TIMEOUT:-3600}
mkdir -p "$results" "$logs"

mapfile -t kvers < <("$here/kernels.sh") || true
[ ${#kvers[@]} -gt 0 ] || { echo "run.sh: no kernels" >&2; exit 1; }

selected() {
	local n=$1 p
	[ -n "${NETSWAP_VM_TESTS:-}" ] || return 0
	for p in $NETSWAP_VM_TESTS; do
		# shellcheck disable=SC2053  # glob on purpose
		[[ $n == $p || $n.sh == $p ]] && return 0
	done
	return 1
}

tests=()
for t in "$here"/"${NETSWAP_VM_PREFIX:-t}"-*.sh; do
	[ -f "$t" ] || continue
	n=$(basename "$t" .sh)
	selected "$n" && tests+=("$t")
done
[ ${#tests[@]} -gt 0 ] || { echo "run.sh: no test selected" >&2; exit 1; }

# NFS: drivers start the host ganesha on $NETSWAP_NFS_PORT lazily (lib.sh
# vm_nfs_file) and leave it to the next one. Stop it, and the rpcbind
# ganesha.sh started, when the suite ends, unless they ran before it.
# (tgt needs nothing here: each driver starts and stops its own tgtd.)
export NETSWAP_VM_SUITE=1
gan_before=$("$here/ganesha.sh" status 2>/dev/null) || gan_before=""
rpcb_before=$("$here/ganesha.sh" rpcbind-status 2>/dev/null) || rpcb_before=""
suite_cleanup() {
	[ -n "$gan_before" ] || "$here/ganesha.sh" stop >/dev/null 2>&1
	[ -n "$rpcb_before" ] || "$here/ganesha.sh" stop-rpcbind >/dev/null 2>&1
}
trap suite_cleanup EXIT

# A driver whose subject does not depend on the kernel (swapctl's input
# handling) says "# vm-kernels: newest" in its header and runs on the
# newest kernel only; it has no result line for the others.
newest=$(printf '%s\n' "${kvers[@]}" | sort -V | tail -n 1)
on_kernel() {
	grep -q '^# vm-kernels: newest$' "$1" || return 0
	[ "$2" = "$newest" ]
}

failed=0
for kver in "${kvers[@]}"; do
	for t in "${tests[@]}"; do
		on_kernel "$t" "$kver" || continue
		n=$(basename "$t" .sh)
		log=$logs/$n-$kver.log
		start=$SECONDS
		timeout --foreground -k 60 "$case_timeout" "$t" "$kver" >"$log" 2>&1
		rc=$?
		dur=$((SECONDS - start))
		if [ $rc -eq 0 ]; then
			line="PASS $n/$kver"
		else
			failed=$((failed + 1))
			reason=$(grep -a '^REASON: ' "$log" | tail -n 1 | cut -c9-200)
			[ $rc -eq 124 ] && [ -z "$reason" ] && reason="case timeout ${case_timeout}s"
			[ -n "$reason" ] || reason="exit $rc"
			line="FAIL $n/$kver ($reason)"
		fi
		echo "$line"
		echo "    ${dur}s, log $log"
		echo "$line" >>"$results/vm.txt"
	done
done
[ $failed -eq 0 ]
