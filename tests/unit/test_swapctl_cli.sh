#!/bin/bash
# Unit tests of swapctl's command line without the module: `swapctl
# COMMAND --help` and `swapctl help COMMAND` for every command of `swapctl
# help`, and the bash completion (completion/swapctl) for commands,
# options, target names (a fake configfs tree), URL schemes and files.
# Needs build/swapctl (make swapctl). Prints PASS/FAIL lines; exit 1 if
# any failed.
set -u
here=$(cd "$(dirname "$0")" && pwd)
swapctl=${NETSWAP_SWAPCTL:-$here/../../build/swapctl}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
failed=0

pass() { echo "PASS swapctl_cli.$1"; }
fail() { echo "FAIL swapctl_cli.$1: $2"; failed=1; }

if [ ! -x "$swapctl" ]; then
	fail build "$swapctl is not built (make swapctl)"
	exit 1
fi

# Every command the overview lists has its own help, both ways.
mapfile -t cmds < <("$swapctl" help | sed -n 's/^  \([a-z]\+\) .*/\1/p; s/^  \([a-z]\+\)$/\1/p')
[ ${#cmds[@]} -ge 12 ] || fail help.list "swapctl help lists ${#cmds[@]} commands: ${cmds[*]}"
for c in "${cmds[@]}"; do
	[ "$c" = help ] && continue
	out=$("$swapctl" "$c" --help 2>&1)
	rc=$?
	out2=$("$swapctl" help "$c" 2>&1)
	if [ $rc -ne 0 ]; then
		fail "help.$c" "swapctl $c --help exited $rc"
	elif [[ $out != "Usage: swapctl $c"* ]]; then
		fail "help.$c" "swapctl $c --help said: ${out%%$'\n'*}"
	elif [ "$out" != "$out2" ]; then
		fail "help.$c" "swapctl help $c differs from swapctl $c --help"
	elif [ "$(printf '%s\n' "$out" | sed -n 3p)" = "" ]; then
		fail "help.$c" "no description"
	else
		pass "help.$c"
	fi
done
"$swapctl" help nosuch >/dev/null 2>"$tmp/err"
rc=$?
[ $rc -eq 1 ] && grep -q "unknown command 'nosuch'" "$tmp/err" && pass help.unknown ||
	fail help.unknown "exit $rc: $(cat "$tmp/err")"

# Completion: comp WORDS...: COMPREPLY for the last word, one a line.
# shellcheck source=/dev/null
. "$here/../../completion/swapctl"
comp() {
	COMP_WORDS=("$@")
	COMP_CWORD=$(($# - 1))
	COMPREPLY=()
	_swapctl
	printf '%s\n' "${COMPREPLY[@]}"
}
# check NAME EXPECTED WORDS...: the completions are exactly EXPECTED
# (space-separated, sorted).
check() {
	local name=$1 want=$2 got
	shift 2
	got=$(comp "$@" | sort | tr '\n' ' ')
	got=${got% }
	if [ "$got" = "$want" ]; then
		pass "completion.$name"
	else
		fail "completion.$name" "'$*': got '$got', want '$want'"
	fi
}
mkdir -p "$tmp/cfs/a0" "$tmp/cfs/n0" "$tmp/files"
: >"$tmp/files/tab1"
: >"$tmp/files/tab2"
export NETSWAP_CFS_ROOT=$tmp/cfs
check command "save status" swapctl s
check all_commands "--help --version add apply down enable help hotplug monitor reserve rm save status up watch" swapctl ''
check up_option "--priority" swapctl up --p
check targets "--all --help a0 n0" swapctl down ''
check rm_one "--help a0 n0" swapctl rm ''
check rm_done "" swapctl rm a0 ''
check url "iscsi:// nfs://" swapctl add x ''
check add_option "--secret-file" swapctl add x iscsi://h/t/1 --se
check file "$tmp/files/tab1 $tmp/files/tab2" swapctl apply -c "$tmp/files/tab"
check secret_file "$tmp/files/tab1" swapctl add x iscsi://h/t/1 --secret-file "$tmp/files/tab1"
check help_command "save" swapctl help sa
check no_value "" swapctl up a0 --priority ''
check status_json "--json" swapctl status --j
check apply_check "--check --config" swapctl apply --c
exit $failed
