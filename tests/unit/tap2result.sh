#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# tap2result.sh BINARY NAME RESULTFILE
#
# Run a cmocka test program with TAP output, echo the output, and append
# one "PASS <program>.<case>" / "FAIL <program>.<case>" line per test case
# to RESULTFILE. A program that dies (e.g. a sanitizer abort) before
# reporting is recorded as "FAIL <program> (exit N)". Exits 1 on any failure.
bin=$1
name=$2
res=$3

out=$(CMOCKA_MESSAGE_OUTPUT=TAP "$bin" 2>&1)
rc=$?
printf '%s\n' "$out"

printf '%s\n' "$out" | sed -n \
	-e "s/^ok [0-9][0-9]* - \(.*\)$/PASS $name.\1/p" \
	-e "s/^not ok [0-9][0-9]* - \(.*\)$/FAIL $name.\1/p" >> "$res"

planned=$(printf '%s\n' "$out" | sed -n 's/^1\.\.\([0-9][0-9]*\)$/\1/p' | head -n1)
reported=$(printf '%s\n' "$out" | grep -c '^\(not \)\{0,1\}ok [0-9]')
if [ "$rc" -ne 0 ] && ! printf '%s\n' "$out" | grep -q '^not ok'; then
	echo "FAIL $name (exit $rc)" >> "$res"
elif [ -n "$planned" ] && [ "$planned" -ne "$reported" ]; then
	echo "FAIL $name (ran $reported of $planned)" >> "$res"
	rc=1
elif [ -z "$planned" ]; then
	echo "FAIL $name (no TAP output)" >> "$res"
	rc=1
fi
[ "$rc" -eq 0 ]
