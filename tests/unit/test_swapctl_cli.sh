#!/bin/bash
# Unit tests of swapctl's command line without the module: `swapctl
# COMMAND --help` and `swapctl help COMMAND` for every command of `swapctl
# help`, the bash completion (completion/swapctl) for commands, options,
# target names (a fake configfs tree), URL schemes and files; `swapctl
# generate` (the systemd generator) on netswaptabs with late, early-boot
# and fstab-managed entries, checked with systemd-analyze when it can load
# them; `apply NAME...` selection and its errors.
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
mapfile -t cmds < <("$swapctl" help | sed -n 's/^  \([a-z-]\+\) .*/\1/p; s/^  \([a-z-]\+\)$/\1/p')
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
	elif ! printf '%s\n' "$out" | awk '/^$/ { blank = 1; next } blank { d = 1 } END { exit !d }'; then
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
check discover_url "iscsi:// nfs://" swapctl discover ''
check all_commands "--help --version add apply discover down enable generate help hotplug initiator-name monitor reserve rm save status up watch" swapctl ''
check up_option "--priority" swapctl up --p
check targets "--all --help a0 n0" swapctl down ''
check rm_one "--help a0 n0" swapctl rm ''
check rm_done "" swapctl rm a0 ''
check url "iscsi:// nfs://" swapctl add x ''
check add_option "--seal --secret-file" swapctl add x iscsi://h/t/1 --se
check seal_value "aead" swapctl add x iscsi://h/t/1 --seal a
check file "$tmp/files/tab1 $tmp/files/tab2" swapctl apply -c "$tmp/files/tab"
check secret_file "$tmp/files/tab1" swapctl add x iscsi://h/t/1 --secret-file "$tmp/files/tab1"
check help_command "save" swapctl help sa
check no_value "" swapctl up a0 --priority ''
check status_json "--json" swapctl status --j
check apply_check "--check --config" swapctl apply --c
check status_columns "SIZE STATE SWAP" swapctl status -o S
check status_columns_list "name,READS name,RECOVERY name,RESERVE" swapctl status -o name,RE
check status_options "--noheadings" swapctl status --no

# ---- swapctl generate (netswap-generator) ----
# gen CASE: run the generator on $tmp/gen/tab into $tmp/gen/CASE.
gen() {
	rm -rf "$tmp/gen/$1"
	mkdir -p "$tmp/gen/$1"
	shift_case=$1
	shift
	NETSWAP_FSTAB=$tmp/gen/fstab NETSWAP_RUN_DIR=$tmp/gen/run \
		"$swapctl" generate -c "$tmp/gen/tab" "$@" "$tmp/gen/$shift_case" \
		"$tmp/gen/$shift_case" "$tmp/gen/$shift_case" 2>"$tmp/gen/$shift_case.err"
}
# has CASE FILE LINE: FILE of the case's output has exactly LINE.
has() { grep -qxF -- "$3" "$tmp/gen/$1/$2"; }
mkdir -p "$tmp/gen/run"
cat >"$tmp/gen/tab" <<'TAB'
s0 iscsi://192.0.2.10/iqn.2003-01.org.example:swap/1 format,priority=3,discard=pages
blade-7 nfs://192.0.2.11/srv/swap/b7.swap auto
fs1 iscsi://192.0.2.10/iqn.2003-01.org.example:swap/2
TAB
chmod 600 "$tmp/gen/tab"
printf '/dev/netswap/fs1 none swap nofail,x-systemd.requires=netswap@fs1.service 0 0\n' >"$tmp/gen/fstab"
# No swap is on here: the first run records no early-boot target.
if ! gen late; then
	fail generate.late "exit $?: $(cat "$tmp/gen/late.err")"
elif [ ! -f "$tmp/gen/run/generator-early" ] || [ -s "$tmp/gen/run/generator-early" ]; then
	fail generate.late "the first run did not record an empty early-boot list"
elif ! has late dev-netswap-s0.swap "What=/dev/netswap/s0" ||
	! has late dev-netswap-s0.swap "Priority=3" ||
	! has late dev-netswap-s0.swap "Options=discard=pages" ||
	! has late dev-netswap-s0.swap "Requires=netswap@s0.service" ||
	! has late dev-netswap-s0.swap "After=netswap@s0.service network-online.target" ||
	! has late dev-netswap-s0.swap "DefaultDependencies=no" ||
	! has late dev-netswap-s0.swap "Before=umount.target"; then
	fail generate.late "dev-netswap-s0.swap: $(tr '\n' '|' <"$tmp/gen/late/dev-netswap-s0.swap")"
elif ! has late 'dev-netswap-blade\x2d7.swap' 'Requires=netswap@blade\x2d7.service' ||
	! has late 'dev-netswap-blade\x2d7.swap' "What=/dev/netswap/blade-7" ||
	grep -q '^Priority=' "$tmp/gen/late/dev-netswap-blade\x2d7.swap"; then
	fail generate.late "blade-7's unit name or content is not escaped as systemd wants"
elif [ -e "$tmp/gen/late/dev-netswap-fs1.swap" ]; then
	fail generate.late "fs1 has an fstab line: its swap unit is systemd-fstab-generator's"
elif ! has late dev-netswap-fs1.swap.d/50-netswap-generator.conf "Requires=netswap@fs1.service" ||
	! has late dev-netswap-fs1.swap.d/50-netswap-generator.conf "After=netswap@fs1.service" ||
	! has late dev-netswap-fs1.swap.d/50-netswap-generator.conf "TimeoutSec=15min"; then
	fail generate.late "no drop-in tying fs1's fstab swap unit to netswap@fs1.service"
elif [ -e "$tmp/gen/late/swap.target.wants" ] || grep -rq 'swap.target' "$tmp/gen/late"; then
	fail generate.late "a late target is ordered before swap.target"
elif ! has late netswap.service.d/50-netswap-generator.conf 'Wants=dev-netswap-s0.swap dev-netswap-blade\x2d7.swap' ||
	! has late netswap.service.d/50-netswap-generator.conf 'After=dev-netswap-s0.swap dev-netswap-blade\x2d7.swap dev-netswap-fs1.swap' ||
	! has late netswap.service.d/50-netswap-generator.conf "ExecStart=$(readlink -f "$swapctl") reserve --apply" ||
	! has late netswap.service.d/50-netswap-generator.conf "ExecStop="; then
	fail generate.late "netswap.service drop-in: $(tr '\n' '|' <"$tmp/gen/late/netswap.service.d/50-netswap-generator.conf")"
else
	pass generate.late
fi
# Early-boot targets (as if s0's swap had been on at the first run).
echo s0 >"$tmp/gen/run/generator-early"
if ! gen early; then
	fail generate.early "exit $?: $(cat "$tmp/gen/early.err")"
elif ! has early dev-netswap-s0.swap "Before=umount.target swap.target" ||
	! has early dev-netswap-s0.swap "After=netswap@s0.service" ||
	[ "$(readlink "$tmp/gen/early/swap.target.wants/dev-netswap-s0.swap")" != ../dev-netswap-s0.swap ]; then
	fail generate.early "s0 is not before and wanted by swap.target"
elif ! has early netswap@s0.service "DefaultDependencies=no" ||
	! has early netswap@s0.service "Before=swap.target shutdown.target" ||
	grep -q network "$tmp/gen/early/netswap@s0.service" ||
	! has early netswap@s0.service "ExecStart=$(readlink -f "$swapctl") apply --no-swap -c $tmp/gen/tab s0"; then
	fail generate.early "netswap@s0.service: $(tr '\n' '|' <"$tmp/gen/early/netswap@s0.service")"
elif [ -e "$tmp/gen/early/netswap@blade\x2d7.service" ] ||
	grep -q swap.target "$tmp/gen/early/dev-netswap-blade\x2d7.swap"; then
	fail generate.early "blade-7 became early-boot"
elif grep -q 'Wants=.*dev-netswap-s0' "$tmp/gen/early/netswap.service.d/50-netswap-generator.conf"; then
	fail generate.early "netswap.service also wants the early-boot swap"
else
	pass generate.early
fi
# systemd itself loads what was generated, with the units as installed
# (their swapctl path made this one's): no unknown setting, no cycle.
mkdir -p "$tmp/gen/units"
for u in netswap.service netswap@.service; do
	sed "s|/usr/sbin/swapctl|$(readlink -f "$swapctl")|g" "$here/../../systemd/$u" >"$tmp/gen/units/$u"
done
cp -r "$tmp/gen/early/." "$tmp/gen/units/"
if ! command -v systemd-analyze >/dev/null; then
	fail generate.verify "systemd-analyze is not installed (systemd)"
elif (cd "$tmp/gen/units" && SYSTEMD_UNIT_PATH=$tmp/gen/units: systemd-analyze verify --man=no \
	netswap.service 'netswap@blade\x2d7.service' 'dev-netswap-blade\x2d7.swap' \
	netswap@s0.service dev-netswap-s0.swap >"$tmp/gen/verify" 2>&1) &&
	! grep -qiE 'unknown|ignoring|invalid|cycle|not executable' "$tmp/gen/verify"; then
	pass generate.verify
else
	fail generate.verify "$(head -n 5 "$tmp/gen/verify" | tr '\n' '|')"
fi
# In the initramfs netswap-boot brings the targets up: nothing generated.
rm -rf "$tmp/gen/initrd"
mkdir -p "$tmp/gen/initrd"
if SYSTEMD_IN_INITRD=1 "$swapctl" generate -c "$tmp/gen/tab" "$tmp/gen/initrd" &&
	[ -z "$(ls -A "$tmp/gen/initrd")" ]; then
	pass generate.initrd
else
	fail generate.initrd "units generated in the initramfs: $(ls -A "$tmp/gen/initrd")"
fi
# No netswaptab: nothing, and no error. A bad one: an error, nothing.
rm -rf "$tmp/gen/none"
mkdir -p "$tmp/gen/none"
if "$swapctl" generate -c "$tmp/gen/nosuch" "$tmp/gen/none" && [ -z "$(ls -A "$tmp/gen/none")" ]; then
	pass generate.no_tab
else
	fail generate.no_tab "exit or output without a netswaptab"
fi
printf 'bad name!\n' >"$tmp/gen/badtab"
chmod 600 "$tmp/gen/badtab"
rm -rf "$tmp/gen/bad"
mkdir -p "$tmp/gen/bad"
"$swapctl" generate -c "$tmp/gen/badtab" "$tmp/gen/bad" 2>"$tmp/gen/bad.err"
rc=$?
if [ $rc -ne 0 ] && [ -z "$(ls -A "$tmp/gen/bad")" ] && grep -q "badtab:1:" "$tmp/gen/bad.err" &&
	grep -q "no units generated" "$tmp/gen/bad.err"; then
	pass generate.bad_tab
else
	fail generate.bad_tab "exit $rc, output '$(ls -A "$tmp/gen/bad")', said: $(cat "$tmp/gen/bad.err")"
fi
"$swapctl" generate >/dev/null 2>&1
[ $? -eq 1 ] && pass generate.usage || fail generate.usage "no output directory was not a usage error"

# ---- apply NAME... (what netswap@NAME.service runs), without the module ----
# NETSWAP_MODPROBE=false: apply must not load a module on this machine.
export NETSWAP_MODPROBE=false
"$swapctl" apply -c "$tmp/gen/tab" --no-swap nosuch >"$tmp/out" 2>&1
rc=$?
[ $rc -eq 2 ] && grep -q "nosuch: not in $tmp/gen/tab" "$tmp/out" && pass apply.name_unknown ||
	fail apply.name_unknown "exit $rc: $(cat "$tmp/out")"
"$swapctl" apply -c "$tmp/gen/tab" --prune s0 >"$tmp/out" 2>&1
rc=$?
[ $rc -eq 1 ] && grep -q "no NAME with it" "$tmp/out" && pass apply.prune_name ||
	fail apply.prune_name "exit $rc: $(cat "$tmp/out")"
if [ -d /sys/kernel/config/netswap ]; then
	pass apply.check_name_skipped_module_loaded
else
	"$swapctl" apply -c "$tmp/gen/tab" --check 'blade-7' >"$tmp/out" 2>&1
	rc=$?
	[ $rc -eq 0 ] && grep -q "^blade-7: would be added" "$tmp/out" && ! grep -q "^s0:" "$tmp/out" &&
		grep -q "1 to add" "$tmp/out" && pass apply.check_name ||
		fail apply.check_name "exit $rc: $(cat "$tmp/out")"
fi
# ---- status: its options are checked before the module is needed ----
"$swapctl" status -o name,bogus >/dev/null 2>"$tmp/err"
rc=$?
[ $rc -eq 1 ] && grep -q "unknown column 'bogus'" "$tmp/err" && pass status.bad_column ||
	fail status.bad_column "exit $rc: $(cat "$tmp/err")"
"$swapctl" status --json -n >/dev/null 2>"$tmp/err"
rc=$?
[ $rc -eq 1 ] && grep -q "not with --json" "$tmp/err" && pass status.json_table_opts ||
	fail status.json_table_opts "exit $rc: $(cat "$tmp/err")"
"$swapctl" status --help | grep -q '^  LAST-ERROR ' && pass status.help_columns ||
	fail status.help_columns "status --help does not list the columns"
# The JSON schemas are valid JSON Schema (draft 2020-12).
for sch in status event; do
	if python3 -c 'import json,sys,jsonschema; jsonschema.Draft202012Validator.check_schema(json.load(open(sys.argv[1])))' \
		"$here/../../docs/json/$sch.schema.json" 2>"$tmp/err"; then
		pass "json_schema.$sch"
	else
		fail "json_schema.$sch" "$(tail -n 1 "$tmp/err")"
	fi
done

# ---- discover: the portal is checked before anything connects ----
for bad in "iscsi://h/iqn.x/1" "iscsi://u@h" "iscsi://h:0" "iscsi://[::1" "http://h" "iscsi://" "iscsi://h,1" \
	"nfs://h/srv/swap" "nfs://h:99999"; do
	"$swapctl" discover "$bad" >/dev/null 2>"$tmp/err"
	rc=$?
	[ $rc -eq 1 ] && grep -Eq "expected (iscsi|nfs)://HOST\[:PORT\]" "$tmp/err" && pass "discover.bad_url.$bad" ||
		fail "discover.bad_url.$bad" "exit $rc: $(cat "$tmp/err")"
done
"$swapctl" discover --mount-port 0 nfs://h >/dev/null 2>"$tmp/err"
[ $? -eq 1 ] && grep -q "is not a port" "$tmp/err" && pass discover.mount_port ||
	fail discover.mount_port "$(cat "$tmp/err")"
"$swapctl" discover --mount-port 20048 iscsi://h >/dev/null 2>"$tmp/err"
[ $? -eq 1 ] && grep -q "is for nfs://" "$tmp/err" && pass discover.mount_port_iscsi ||
	fail discover.mount_port_iscsi "$(cat "$tmp/err")"
"$swapctl" discover --initiator iqn.2026-12.org.netswap.test:x iscsi://127.0.0.1:1 >/dev/null 2>"$tmp/err"
rc=$?
[ $rc -eq 4 ] && grep -q "127.0.0.1:1: cannot connect" "$tmp/err" && pass discover.refused ||
	fail discover.refused "exit $rc: $(cat "$tmp/err")"

# ---- the host's initiator name ----
# iname CASE ARGS...: swapctl initiator-name with open-iscsi's file at
# $tmp/in/CASE.iscsi and netswap's at $tmp/in/CASE; stdout, stderr, rc.
mkdir -p "$tmp/in"
iname() {
	local c=$1
	shift
	NETSWAP_ISCSI_INITIATOR_FILE=$tmp/in/$c.iscsi NETSWAP_INITIATOR_FILE=$tmp/in/$c \
		"$swapctl" initiator-name "$@" >"$tmp/in/out" 2>"$tmp/in/err"
	rc=$?
	out=$(cat "$tmp/in/out")
}
iname gen --no-create
[ $rc -eq 2 ] && [ ! -e "$tmp/in/gen" ] && grep -q "no initiator name yet" "$tmp/in/err" &&
	pass initiator.no_create || fail initiator.no_create "exit $rc, said: $(cat "$tmp/in/err")"
iname gen
first=$out
if [ $rc -ne 0 ] || ! [[ $out =~ ^iqn\.2026-11\.org\.netswap:[0-9a-f]{12}$ ]]; then
	fail initiator.generate "exit $rc, printed '$out'"
elif [ "$(stat -c %a "$tmp/in/gen")" != 644 ] || ! grep -qx "InitiatorName=$out" "$tmp/in/gen"; then
	fail initiator.generate "$tmp/in/gen: mode $(stat -c %a "$tmp/in/gen"), $(grep -v '^#' "$tmp/in/gen")"
elif ! grep -q "initiator name is now $out" "$tmp/in/err"; then
	fail initiator.generate "no word that a name was made: $(cat "$tmp/in/err")"
else
	pass initiator.generate
fi
iname gen
[ $rc -eq 0 ] && [ "$out" = "$first" ] && [ ! -s "$tmp/in/err" ] && pass initiator.stable ||
	fail initiator.stable "second run: exit $rc, '$out' (first '$first'), said $(cat "$tmp/in/err")"
# Another host (another file) gets another name.
iname other
[ $rc -eq 0 ] && [ "$out" != "$first" ] && pass initiator.per_host ||
	fail initiator.per_host "two hosts both '$out'"
# open-iscsi's name, when the host has one, is the one used.
echo "InitiatorName=iqn.1993-08.org.debian:01:abcdef012345" >"$tmp/in/gen.iscsi"
iname gen
[ $rc -eq 0 ] && [ "$out" = iqn.1993-08.org.debian:01:abcdef012345 ] && pass initiator.open_iscsi ||
	fail initiator.open_iscsi "exit $rc, '$out'"
# Several at once on a host without a name: one name for all.
for i in 1 2 3 4 5; do
	NETSWAP_ISCSI_INITIATOR_FILE=$tmp/in/race.iscsi NETSWAP_INITIATOR_FILE=$tmp/in/race \
		"$swapctl" initiator-name >"$tmp/in/race.$i" 2>/dev/null &
done
wait
[ "$(sort -u "$tmp/in"/race.[1-5] | wc -l)" = 1 ] && [ -s "$tmp/in/race.1" ] &&
	[ "$(ls "$tmp/in" | grep -Ec '^race\.[A-Za-z0-9]{6}$')" = 0 ] && pass initiator.race ||
	fail initiator.race "names: $(sort -u "$tmp/in"/race.[1-5] | tr '\n' ' ')"
# Where it cannot be stored: an error that says what to do.
: >"$tmp/in/notadir"
NETSWAP_ISCSI_INITIATOR_FILE=$tmp/in/x.iscsi NETSWAP_INITIATOR_FILE=$tmp/in/notadir/initiatorname \
	"$swapctl" initiator-name >/dev/null 2>"$tmp/in/err"
rc=$?
[ $rc -eq 5 ] && grep -q "cannot store a new initiator name in $tmp/in/notadir/initiatorname: .*set initiator= in netswaptab" "$tmp/in/err" &&
	pass initiator.unwritable || fail initiator.unwritable "exit $rc: $(cat "$tmp/in/err")"
# netswap-boot's rule (NETSWAP_INITIATOR_CREATE=0) and apply --check make
# no name.
NETSWAP_INITIATOR_CREATE=0 NETSWAP_ISCSI_INITIATOR_FILE=$tmp/in/y.iscsi NETSWAP_INITIATOR_FILE=$tmp/in/y \
	"$swapctl" initiator-name >/dev/null 2>&1
rc=$?
[ $rc -eq 2 ] && [ ! -e "$tmp/in/y" ] && pass initiator.create_env || fail initiator.create_env "exit $rc"
if [ ! -d /sys/kernel/config/netswap ]; then
	NETSWAP_ISCSI_INITIATOR_FILE=$tmp/in/z.iscsi NETSWAP_INITIATOR_FILE=$tmp/in/z \
		"$swapctl" apply -c "$tmp/gen/tab" --check >"$tmp/out" 2>&1
	rc=$?
	[ $rc -eq 0 ] && [ ! -e "$tmp/in/z" ] &&
		grep -q "^this host has no iSCSI initiator name: apply would generate one in $tmp/in/z" "$tmp/out" &&
		pass initiator.check_makes_none ||
		fail initiator.check_makes_none "exit $rc, file made: $(ls "$tmp/in/z" 2>&1); $(cat "$tmp/out")"
fi
exit $failed
