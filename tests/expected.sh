#!/usr/bin/env bash
# expected.sh: the results `make test` must produce, one name a line, as
# the suites write them after "PASS " / "FAIL " (tests/summary.sh compares).
# Derived from the sources, so a test added or removed changes the list:
#   build W=1 KVER, sparse KVER     each kernel of tests/vm/kernels.sh
#   build swapctl, cppcheck swapctl the Makefile's userspace target
#   man docs/man/PAGE               each man page
#   PROGRAM.CASE                    each cmocka case of each program in
#                                   tests/unit/Makefile's TESTS
#   netlink_spec.*, netswap_boot.*, at least one result of each (their checks
#   swapctl_cli.*                   are data-driven); NAME.* also matches NAME
#   fuzz_NAME                       tests/fuzz/Makefile's FUZZERS
#   t-NN-name/KVER                  each tests/vm/t-*.sh on each kernel (the
#                                   newest only for "# vm-kernels: newest",
#                                   the oldest only for "oldest")
# A line "FAIL ..." is a failure found while making the list: an expected
# kernel series (kernels.sh --series) that has no installed kernel.
# Filters (NETSWAP_KVERS, NETSWAP_VM_TESTS, NETSWAP_VM_PREFIX) are ignored
# on purpose: what a filter leaves out is missing.
set -uo pipefail

top=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$top" || exit 1
rc=0

# Kernels, unfiltered.
mapfile -t kvers < <(NETSWAP_KVERS='' tests/vm/kernels.sh 2>/dev/null)
mapfile -t series < <(tests/vm/kernels.sh --series)
[ ${#series[@]} -gt 0 ] || { echo "expected.sh: kernels.sh --series printed nothing" >&2; rc=1; }
for s in "${series[@]}"; do
	found=
	for v in "${kvers[@]}"; do
		[[ $v == "$s".* ]] && found=$v
	done
	[ -n "$found" ] || echo "FAIL kernels: no $s kernel (install linux-image and linux-headers of $s, make deps)"
done

for v in "${kvers[@]}"; do
	echo "build W=1 $v"
	echo "sparse $v"
done

# The Makefile's userspace target.
echo "build swapctl"
echo "cppcheck swapctl"
for m in docs/man/*.[0-9]; do
	[ -f "$m" ] && echo "man $m"
done

# Unit tests: tap2result.sh writes PROGRAM.CASE per cmocka case.
progs=$(make -s --no-print-directory -C tests/unit list) || {
	echo "expected.sh: make -C tests/unit list failed" >&2
	rc=1
}
for p in $progs; do
	cases=()
	[ -f "tests/unit/$p.c" ] &&
		mapfile -t cases < <(sed -n 's/.*cmocka_unit_test[a-z_]*( *\([A-Za-z_][A-Za-z0-9_]*\).*/\1/p' "tests/unit/$p.c")
	if [ ${#cases[@]} -eq 0 ]; then
		echo "$p.*" # cases not found in the source: at least one result
	else
		for c in "${cases[@]}"; do echo "$p.$c"; done
	fi
done
echo "netlink_spec.*"
echo "netswap_boot.*"
echo "swapctl_cli.*"

make -s --no-print-directory -C tests/fuzz list || {
	echo "expected.sh: make -C tests/fuzz list failed" >&2
	rc=1
}

# VM drivers, as tests/vm/run.sh runs them with the default prefix.
if [ ${#kvers[@]} -gt 0 ]; then
	newest=$(printf '%s\n' "${kvers[@]}" | sort -V | tail -n 1)
	oldest=$(printf '%s\n' "${kvers[@]}" | sort -V | head -n 1)
	for v in "${kvers[@]}"; do
		for t in tests/vm/t-*.sh; do
			[ -f "$t" ] || continue
			case $(sed -n 's/^# vm-kernels: \(newest\|oldest\)$/\1/p' "$t" | head -n 1) in
			newest) [ "$v" = "$newest" ] || continue ;;
			oldest) [ "$v" = "$oldest" ] || continue ;;
			esac
			echo "$(basename "$t" .sh)/$v"
		done
	done
fi
exit $rc
