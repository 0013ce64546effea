#!/usr/bin/env bash
# Summarise every suite's PASS/FAIL lines: the one closing line of make test.
set -u
dir=${1:-build/results}
pass=0 fail=0
shopt -s nullglob
for f in "$dir"/*.txt; do
	p=$(grep -c '^PASS ' "$f")
	x=$(grep -c '^FAIL ' "$f")
	pass=$((pass + p))
	fail=$((fail + x))
	if [ "$x" -gt 0 ]; then
		grep '^FAIL ' "$f" | sed "s|^|  $(basename "$f" .txt): |"
	fi
done
if [ $((pass + fail)) -eq 0 ]; then
	echo "no test results in $dir" >&2
	fail=1
fi
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
