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
#   NETSWAP_VM_JOBS    cases run at once (default: one per 2 host CPUs, at
#                      least 1: a guest keeps 2 CPUs busy under TCG, and on
#                      a 2-CPU host two cases at once took twice as long
#                      each, no gain). With more than one, each worker
#                      runs its cases in a network and mount namespace of
#                      its own (own loopback, own /run): its tgtd, ganesha
#                      and rpcbind use the default ports without meeting
#                      another worker's, and its daemons keep their state
#                      in build/vm/wN (NETSWAP_VM_STATE_DIR)
#   NETSWAP_NFS_PORT   host ganesha port for NFS drivers (2049); a ganesha
#                      they start is stopped at the end (see ganesha.sh)
#   NETSWAP_VM_CASE_TIMEOUT  last-resort bound per case, seconds (3600)
# Per-case output: build/vm/logs/NAME-KVER.log. Cases start longest first
# (a driver's header line "# vm-time: SECONDS" estimates its run time on
# one kernel; 60 if absent), each worker taking the next one when free.
set -uo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/../.." && pwd)
results=${RESULTS:-$repo/build/results}
case $results in /*) ;; *) results=$repo/$results ;; esac
vm_dir=${NETSWAP_VM_DIR:-$repo/build/vm}
logs=$vm_dir/logs
case_timeout=${NETSWAP_VM_CASE_TIMEOUT:-3600}

# run_case DRIVER KVER: run one case, print and record its result line.
run_case() {
	local t=$1 kver=$2 n log start rc dur line reason crash
	n=$(basename "$t" .sh)
	log=$logs/$n-$kver.log
	start=$SECONDS
	timeout --foreground -k 60 "$case_timeout" "$t" "$kver" >"$log" 2>&1
	rc=$?
	dur=$((SECONDS - start))
	if [ $rc -eq 0 ]; then
		line="PASS $n/$kver"
	else
		reason=$(grep -a '^REASON: ' "$log" | tail -n 1 | cut -c9-200)
		[ $rc -eq 124 ] && [ -z "$reason" ] && reason="case timeout ${case_timeout}s"
		[ -n "$reason" ] || reason="exit $rc"
		line="FAIL $n/$kver ($reason)"
	fi
	# One write each: lines of concurrent workers do not mix.
	# A crash report goes with the result line: in CI the logs are gone.
	crash=$(sed -n '/^--- crash report$/,/^--- end of crash report$/s/^/    | /p' "$log" 2>/dev/null)
	printf '%s\n    %ss%s, log %s\n%s' "$line" "$dur" "${NETSWAP_VM_WORKER:+, worker $NETSWAP_VM_WORKER}" "$log" "${crash:+$crash
}"
	echo "$line" >>"$results/vm.txt"
	[ $rc -eq 0 ]
}

# The daemons a worker's drivers left running (a ganesha kept for the
# next NFS driver, the rpcbind it needed) are stopped when it ends,
# unless they ran before it.
run_cases() { # reads "DRIVER KVER" lines from the queue file $1
	local queue=$1 failed=0 gan_before rpcb_before t kver
	export NETSWAP_VM_SUITE=1
	gan_before=$("$here/ganesha.sh" status 2>/dev/null) || gan_before=""
	rpcb_before=$("$here/ganesha.sh" rpcbind-status 2>/dev/null) || rpcb_before=""
	while read -r t kver < <(next_case "$queue") && [ -n "$t" ]; do
		run_case "$t" "$kver" || failed=$((failed + 1))
	done
	[ -n "$gan_before" ] || "$here/ganesha.sh" stop >/dev/null 2>&1
	[ -n "$rpcb_before" ] || "$here/ganesha.sh" stop-rpcbind >/dev/null 2>&1
	[ $failed -eq 0 ]
}

# next_case QUEUE: print and remove the first line of QUEUE (under a lock).
next_case() {
	local q=$1
	(
		flock 9 || exit 1
		head -n 1 "$q"
		sed -i 1d "$q"
	) 9>>"$q.lock"
}

if [ "${1:-}" = --worker ]; then
	# Inside the worker's namespaces (see below): loopback up, a /run of
	# its own (rpcbind's and tgtd's unix sockets live there). ganesha
	# resolves its Bind_addr 127.0.0.1 as IPv6 with AI_ADDRCONFIG, which
	# finds nothing unless some interface has a non-loopback IPv6
	# address: a veth pair inside the namespace, joined to nothing, has
	# a unique local one (no route leaves the namespace).
	queue=$2
	{ ip link set lo up &&
		ip link add nsw0 type veth peer name nsw1 &&
		ip -6 addr add fd6e:7377:7770::1/128 dev nsw0 nodad &&
		ip link set nsw0 up && ip link set nsw1 up; } ||
		{ echo "run.sh: worker $NETSWAP_VM_WORKER: network namespace setup failed" >&2; exit 1; }
	mount -t tmpfs -o mode=0755 "netswap-w$NETSWAP_VM_WORKER" /run &&
		mkdir -p /run/lock /run/tgtd || { echo "run.sh: worker $NETSWAP_VM_WORKER: no /run" >&2; exit 1; }
	run_cases "$queue"
	exit
fi

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

# A driver whose subject does not depend on the kernel says
# "# vm-kernels: newest" or "# vm-kernels: oldest" in its header and runs
# on that kernel only; it has no result line for the others.
newest=$(printf '%s\n' "${kvers[@]}" | sort -V | tail -n 1)
oldest=$(printf '%s\n' "${kvers[@]}" | sort -V | head -n 1)
on_kernel() {
	case $(sed -n 's/^# vm-kernels: \(newest\|oldest\)$/\1/p' "$1" | head -n 1) in
	newest) [ "$2" = "$newest" ] ;;
	oldest) [ "$2" = "$oldest" ] ;;
	*) return 0 ;;
	esac
}
est_time() {
	local s
	s=$(sed -n 's/^# vm-time: \([0-9]\+\)$/\1/p' "$1" | head -n 1)
	echo "${s:-60}"
}

# The queue: longest first, in file order among equals. One per run:
# another run.sh at the same time has its own.
queue=$(mktemp "$vm_dir/queue.XXXXXX") || exit 1
trap 'rm -f "$queue" "$queue.lock"' EXIT
i=0
for t in "${tests[@]}"; do
	for kver in "${kvers[@]}"; do
		on_kernel "$t" "$kver" || continue
		printf '%s %06d %s %s\n' "$(est_time "$t")" $((i++)) "$t" "$kver"
	done
done | sort -k1,1nr -k2,2n | cut -d' ' -f3- >"$queue"

ncases=$(wc -l <"$queue")
jobs=${NETSWAP_VM_JOBS:-}
if [ -z "$jobs" ]; then
	# Each guest has 2 vCPUs, all of them busy under TCG: one case per 2
	# host CPUs. On a 2-CPU host two at once took twice as long each.
	jobs=$(($(nproc) / 2))
	[ "$jobs" -ge 1 ] || jobs=1
fi
[[ $jobs =~ ^[1-9][0-9]*$ ]] || { echo "run.sh: bad NETSWAP_VM_JOBS '$jobs'" >&2; exit 1; }
[ "$jobs" -le "$ncases" ] || jobs=$ncases

if [ "$jobs" -eq 1 ]; then
	run_cases "$queue"
	exit
fi

# Parallel: every kernel's initramfs exists before two guests want it.
for kver in "${kvers[@]}"; do
	"$here/mkinitrd.sh" "$kver" "$vm_dir/initrd-$kver.cpio.gz" >/dev/null ||
		{ echo "run.sh: mkinitrd $kver failed" >&2; exit 1; }
done
case $repo/ in
/run/*) echo "run.sh: NETSWAP_VM_JOBS>1 hides /run; the checkout is under it" >&2; exit 1 ;;
esac
echo "run.sh: $ncases cases, $jobs at once"
pids=()
for ((w = 1; w <= jobs; w++)); do
	NETSWAP_VM_WORKER=$w NETSWAP_VM_STATE_DIR=$vm_dir/w$w \
		unshare --net --mount --propagation private -- "$0" --worker "$queue" &
	pids+=($!)
done
rc=0
for p in "${pids[@]}"; do
	wait "$p" || rc=1
done
exit $rc
