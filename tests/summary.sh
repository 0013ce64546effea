#!/usr/bin/env bash
# summary.sh [RESULTS-DIR [EXPECTED-FILE]]: the closing lines of make test.
# Counts every suite's PASS/FAIL lines in RESULTS-DIR/*.txt (default
# build/results), prints each FAIL, then compares the results with the
# list of expected ones (tests/expected.sh, or EXPECTED-FILE): each expected
# result that is not there is printed as "  missing: NAME" and counted as
# failed, as is each "FAIL ..." line of that list (e.g. a kernel that is
# not installed). Environment overrides that can change a verdict are
# printed before the last line, which is always "N passed, N failed".
# Exit 1 if anything failed or is missing.
set -uo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
dir=${1:-build/results}
pass=0 fail=0
declare -A seen=()
shopt -s nullglob

# The name of a result: the line without PASS/FAIL and without a trailing
# " (reason)".
for f in "$dir"/*.txt; do
	suite=${f##*/}
	suite=${suite%.txt}
	while IFS= read -r line; do
		case $line in
		'PASS '*) pass=$((pass + 1)) ;;
		'FAIL '*)
			fail=$((fail + 1))
			echo "  $suite: $line"
			;;
		*) continue ;;
		esac
		rest=${line#* }
		seen[${rest%% (*}]=1
	done <"$f"
done
if [ $((pass + fail)) -eq 0 ]; then
	echo "no test results in $dir" >&2
fi

# have PATTERN: a result of that name; "NAME.*" is NAME or any NAME.<...>.
have() {
	local p=$1 n
	[ -n "${seen[$p]+x}" ] && return 0
	case $p in
	*'.*')
		p=${p%.\*}
		[ -n "${seen[$p]+x}" ] && return 0
		for n in "${!seen[@]}"; do
			[[ $n == "$p".* ]] && return 0
		done
		;;
	esac
	return 1
}

if [ -n "${2:-}" ]; then
	expected=$(<"$2")
	erc=$?
else
	expected=$("$here/expected.sh")
	erc=$?
fi
if [ $erc -ne 0 ] || [ -z "$expected" ]; then
	echo "  FAIL expected results: no list (${2:-tests/expected.sh}: exit $erc${expected:+, incomplete}${expected:-, empty})"
	fail=$((fail + 1))
fi
missing=0
while IFS= read -r e; do
	[ -n "$e" ] || continue
	case $e in
	'FAIL '*)
		echo "  $e"
		fail=$((fail + 1))
		;;
	*)
		have "$e" && continue
		echo "  missing: $e"
		missing=$((missing + 1))
		;;
	esac
done <<<"$expected"
fail=$((fail + missing))
[ $missing -eq 0 ] || echo "$missing expected results missing (not run, filtered out, or their suite died)"

# Overrides: every NETSWAP_* variable (test filters, substitute binaries
# and modules, allowed kernel log lines, QEMU and kernel arguments, ports)
# and the make/suite knobs that change what runs or how strictly.
overrides=()
for v in $(compgen -e | sort); do
	case $v in
	NETSWAP_* | FUZZ_SECONDS | KVERS | KDIR | CC | CFLAGS | LDLIBS) ;;
	*) continue ;;
	esac
	overrides+=("$v=${!v@Q}")
done
[ ${#overrides[@]} -eq 0 ] || echo "overrides in effect: ${overrides[*]}"

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
