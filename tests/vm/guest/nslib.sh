# shellcheck shell=bash
# Guest-side helpers for netswap VM tests. Source from a guest script:
#   . "$NETSWAP_REPO/tests/vm/guest/nslib.sh"
# Environment from boot.sh: NETSWAP_KO, NETSWAP_HOST_IP, NETSWAP_TGT_PORT,
# NETSWAP_TGT_IQN (the host tgt's target), NETSWAP_REPO.

NS_CFG=/sys/kernel/config/netswap
NS_MEMHOG=${NETSWAP_MEMHOG:-$NETSWAP_REPO/build/memhog}
ns_failed=0

ns_log() { echo "[$(cut -d' ' -f1 /proc/uptime)] $*"; }

# ns_fail MSG: record a failure (the script goes on; ns_finish exits 1).
ns_fail() {
	echo "FAIL: $*"
	ns_failed=1
	# The first failure is the run's reason (boot.sh, run.sh's FAIL line).
	[ -s /share/reason ] || echo "$*" >/share/reason 2>/dev/null
}

ns_ok() { echo "ok: $*"; }

ns_finish() {
	if [ "$ns_failed" -ne 0 ]; then
		echo "RESULT: FAIL"
		exit 1
	fi
	echo "RESULT: PASS"
	exit 0
}

# ns_die MSG: a failure after which nothing else makes sense.
ns_die() {
	ns_fail "$*"
	ns_finish
}

ns_load() {
	modprobe libcrc32c || ns_die "modprobe libcrc32c"
	insmod "$NETSWAP_KO" || ns_die "insmod $NETSWAP_KO"
	[ -d "$NS_CFG" ] || ns_die "$NS_CFG missing after insmod"
}

# ns_set NAME ATTR VALUE: write an attribute that must be accepted.
ns_set() {
	if ! printf '%s\n' "$3" >"$NS_CFG/$1/$2" 2>/dev/null; then
		ns_fail "$1/$2 refused '$3': $(cat "$NS_CFG/$1/last_error")"
		return 1
	fi
}

# ns_get NAME ATTR: print an attribute as cat would, with builtins.
ns_get() {
	local v f=$NS_CFG/$1/$2
	[ -f "$f" ] || { cat "$f"; return; } # cat's own error
	IFS= read -r -d '' v <"$f"
	printf '%s' "$v"
}

# ns_create NAME [ADDRESS [PORT [IQN [LUN]]]]: a target pointing at the
# host's tgt unless told otherwise.
ns_create() {
	local n=$1
	mkdir "$NS_CFG/$n" || ns_die "mkdir $NS_CFG/$n"
	ns_set "$n" transport iscsi
	ns_set "$n" address "${2:-$NETSWAP_HOST_IP}"
	ns_set "$n" port "${3:-${NETSWAP_TGT_PORT:-3260}}"
	ns_set "$n" target_name "${4:-$NETSWAP_TGT_IQN}"
	ns_set "$n" lun "${5:-1}"
}

# ns_enable NAME: enable; on failure print last_error and return 1.
ns_enable() {
	if ! echo 1 >"$NS_CFG/$1/enable" 2>/dev/null; then
		echo "enable $1 failed: $(ns_get "$1" last_error)"
		return 1
	fi
	[ "$(ns_get "$1" state)" = up ] || {
		echo "enable $1: state $(ns_get "$1" state)"
		return 1
	}
}

# ns_dev NAME: /dev node of an enabled target, checked to be a block device.
ns_dev() {
	local d
	d=/dev/$(ns_get "$1" disk)
	for _ in $(seq 1 50); do
		[ -b "$d" ] && break
		sleep 0.1
	done
	[ -b "$d" ] || ns_die "$d is not a block device"
	echo "$d"
}

# ns_teardown NAME: disable, rmdir; each step must succeed.
ns_teardown() {
	echo 0 >"$NS_CFG/$1/enable" || ns_fail "disable $1: $(ns_get "$1" last_error)"
	rmdir "$NS_CFG/$1" || ns_fail "rmdir $1"
}

ns_unload() {
	rmmod netswap || ns_fail "rmmod netswap"
	[ ! -d "$NS_CFG" ] || ns_fail "$NS_CFG still present after rmmod"
}

# ns_stat NAME KEY: the value of KEY in target NAME's stats.
ns_stat() { awk -v k="$2" '$1 == k { print $2 }' "$NS_CFG/$1/stats"; }

# ns_pattern_check DEV MB: write MB of random data with O_DIRECT at the
# start of DEV, read it back with O_DIRECT, compare.
ns_pattern_check() {
	local dev=$1 mb=$2
	[ -b "$dev" ] || { ns_fail "$dev is not a block device"; return 1; }
	dd if=/dev/urandom of=/tmp/ns-pat bs=1M count="$mb" status=none
	dd if=/tmp/ns-pat of="$dev" bs=1M oflag=direct status=none ||
		{ ns_fail "write $dev"; return 1; }
	dd if="$dev" of=/tmp/ns-back bs=1M count="$mb" iflag=direct status=none ||
		{ ns_fail "read $dev"; return 1; }
	if cmp -s /tmp/ns-pat /tmp/ns-back; then
		ns_ok "$mb MB pattern written and read back on $dev"
	else
		ns_fail "pattern mismatch on $dev"
		return 1
	fi
}

# ns_discard_check NAME ALLOC_CMD: target NAME's disk unmaps what
# blkdiscard frees. 24 MiB of random data go to 8..32 MiB (O_DIRECT),
# blkdiscard frees 12..28 MiB; ALLOC_CMD (prints the bytes the LUN's
# backing file has allocated, wherever it lives) must see at least 15 MiB
# go, the discards must be counted in stats, the kept ends must read back
# as written and the discarded middle as zeros (a hole reads as zeros on
# both tgt and LIO's fileio).
ns_discard_check() {
	local n=$1 alloc=$2 dev a1 a2 d0 d1
	dev=$(ns_dev "$n")
	d0=$(ns_stat "$n" discards)
	dd if=/dev/urandom of=/tmp/ns-dpat bs=1M count=24 status=none
	dd if=/tmp/ns-dpat of="$dev" bs=1M seek=8 oflag=direct status=none ||
		{ ns_fail "write $dev"; return 1; }
	a1=$($alloc) || { ns_fail "cannot measure the LUN's allocation"; return 1; }
	blkdiscard -o $((12 << 20)) -l $((16 << 20)) "$dev" ||
		{ ns_fail "blkdiscard $dev"; return 1; }
	a2=$($alloc) || { ns_fail "cannot measure the LUN's allocation"; return 1; }
	d1=$(ns_stat "$n" discards)
	ns_log "allocated $a1 -> $a2 bytes, discards $d0 -> $d1 ($(ns_stat "$n" discard_bytes) bytes)"
	if [ $((a1 - a2)) -lt $((15 << 20)) ]; then
		ns_fail "blkdiscard of 16 MiB freed $((a1 - a2)) bytes on the LUN"
	elif [ "$d1" -le "$d0" ]; then
		ns_fail "no discard counted in stats"
	elif ! cmp -s <(dd if="$dev" bs=1M skip=8 count=4 iflag=direct status=none) \
		<(head -c 4M /tmp/ns-dpat) ||
		! cmp -s <(dd if="$dev" bs=1M skip=28 count=4 iflag=direct status=none) \
			<(tail -c 4M /tmp/ns-dpat); then
		ns_fail "data next to the discarded range changed"
	elif ! cmp -s <(dd if="$dev" bs=1M skip=12 count=16 iflag=direct status=none) \
		<(head -c 16M /dev/zero); then
		ns_fail "the discarded range does not read as zeros"
	else
		ns_ok "blkdiscard of 16 MiB: $((a1 - a2)) bytes freed on the LUN, the rest intact"
	fi
}

# ns_no_discard NAME: the storage cannot unmap (NFSv3, a thick LUN): the
# disk says so in configfs and sysfs, and blkdiscard is refused.
ns_no_discard() {
	local dev q
	dev=$(ns_dev "$1")
	q=/sys/block/${dev#/dev/}/queue
	[ "$(ns_get "$1" discard_max_bytes)" = 0 ] && [ "$(<"$q/discard_max_bytes")" = 0 ] ||
		ns_fail "discard advertised: $(ns_get "$1" discard_max_bytes) / $(<"$q/discard_max_bytes")"
	if blkdiscard -l 1M "$dev" 2>/dev/null; then
		ns_fail "blkdiscard accepted by a disk without discard"
	else
		ns_ok "no discard on $dev, and blkdiscard refused"
	fi
}

# ns_reserve NAME: raise vm.min_free_kbytes by the target's reserve_kb, as
# `swapctl reserve --apply` does: the emergency reserve must cover what
# the target can have in flight.
ns_reserve() {
	local base r
	base=$(cat /proc/sys/vm/min_free_kbytes)
	r=$(ns_get "$1" reserve_kb)
	echo $((base + r)) >/proc/sys/vm/min_free_kbytes
	ns_log "vm.min_free_kbytes $base -> $((base + r))"
}

# ns_monitor NAME: in the background, append the target's state and
# counters to /share/monitor.log every 2 s (the host can read it while the
# guest runs; builtins only). ns_monitor_stop ends it.
ns_monitor() {
	(
		exec {fd}<> <(:)
		while :; do
			read -r up _ </proc/uptime
			read -r st <"$NS_CFG/$1/state" || break
			mapfile -t lines <"$NS_CFG/$1/stats"
			echo "$up $st ${lines[*]}" >>/share/monitor.log
			read -r -t 2 -u "$fd" _
		done
	) &
	ns_monitor_pid=$!
}

ns_monitor_stop() {
	[ -z "${ns_monitor_pid:-}" ] || kill "$ns_monitor_pid" 2>/dev/null
	ns_monitor_pid=
}

# ns_mem_mb: guest RAM in MB.
ns_mem_mb() { awk '/MemTotal/ { print int($2 / 1024) }' /proc/meminfo; }

# ns_swap_workload DEV PASSES [READY]: swap on DEV, run memhog over twice
# the guest's RAM, check zero corrupt pages and swap really used.
ns_swap_workload() {
	local dev=$1 passes=$2 ready=${3:-} mb out rc
	mb=$(($(ns_mem_mb) * 2))
	mkswap "$dev" >/dev/null || { ns_fail "mkswap $dev"; return 1; }
	swapon "$dev" || { ns_fail "swapon $dev"; return 1; }
	# Hung tasks show up in the log (and fail the test) within 60 s.
	echo 60 >/proc/sys/kernel/hung_task_timeout_secs 2>/dev/null
	ns_log "memhog: $mb MB over $(ns_mem_mb) MB RAM, $passes passes"
	"$NS_MEMHOG" -m "$mb" -p "$passes" ${ready:+-r "$ready"}
	rc=$?
	out=$(awk -v d="$dev" '$1 == d { print $4 }' /proc/swaps)
	ns_log "swap used at the end: ${out:-?} KiB"
	grep -E 'pswpin|pswpout' /proc/vmstat
	if [ "$rc" -eq 0 ]; then
		ns_ok "memhog $mb MB: zero corrupt pages"
	else
		ns_fail "memhog exited $rc"
	fi
	if [ "$(awk '/pswpout/ { print $2 }' /proc/vmstat)" -lt 1000 ]; then
		ns_fail "hardly any swapping happened"
	fi
	swapoff "$dev" || ns_fail "swapoff $dev"
}

# ns_create_nfs NAME [FILE [EXPORT [ADDRESS [PORT [MOUNT_PORT]]]]]: an NFS
# target on the host's ganesha (NETSWAP_NFS_* from vm_nfs_file) unless told
# otherwise. An empty PORT / MOUNT_PORT leaves it 0: ask the portmapper.
ns_create_nfs() {
	local n=$1 port=${5-${NETSWAP_NFS_PORT:-2049}} mport=${6-${NETSWAP_MNT_PORT:-0}}
	mkdir "$NS_CFG/$n" || ns_die "mkdir $NS_CFG/$n"
	ns_set "$n" transport nfs
	ns_set "$n" address "${4:-$NETSWAP_HOST_IP}"
	ns_set "$n" export "${3:-$NETSWAP_NFS_EXPORT}"
	ns_set "$n" file "${2:-$NETSWAP_NFS_FILE}"
	ns_set "$n" port "${port:-0}"
	ns_set "$n" mount_port "${mport:-0}"
}

# expect_refused ATTR VALUE ERRNO-TEXT LAST_ERROR-SUBSTRING: writing VALUE
# to t0's ATTR fails with that errno text, last_error says why, and the
# attribute keeps its value (read back before and after: ATTR must be
# readable). "ok" only when all of that holds.
expect_refused() {
	local attr=$1 val=$2 errtxt=$3 want=$4 before after msg bad=0
	if ! before=$(cat "$NS_CFG/t0/$attr" 2>/dev/null); then
		ns_fail "$attr cannot be read before the write"
		return
	fi
	if printf '%s\n' "$val" 2>/tmp/err >"$NS_CFG/t0/$attr"; then
		ns_fail "$attr accepted '${val:0:40}'"
		return
	fi
	if ! grep -q "$errtxt" /tmp/err; then
		ns_fail "$attr '${val:0:40}': wanted '$errtxt', got '$(cat /tmp/err)'"
		bad=1
	fi
	msg=$(cat "$NS_CFG/t0/last_error")
	case $msg in
	*"$want"*) ;;
	*)
		ns_fail "$attr '${val:0:40}': last_error '$msg' lacks '$want'"
		bad=1
		;;
	esac
	if ! after=$(cat "$NS_CFG/t0/$attr" 2>/dev/null); then
		ns_fail "$attr cannot be read after the refused write"
		bad=1
	elif [ "$before" != "$after" ]; then
		ns_fail "$attr changed from '$before' to '$after' although refused"
		bad=1
	fi
	[ "$bad" = 1 ] || ns_ok "$attr '${val:0:20}' refused, still '${after:0:20}': $msg"
}

# ns_set_check NAME ATTR VALUE [READBACK]: write VALUE (must be accepted)
# and read it back: READBACK (default VALUE) or a failure.
ns_set_check() {
	local got
	ns_set "$1" "$2" "$3" || return 1
	got=$(ns_get "$1" "$2")
	if [ "$got" != "${4-$3}" ]; then
		ns_fail "$1/$2: wrote '${3:0:40}', reads back '${got:0:40}', expected '${4-$3}'"
		return 1
	fi
}

# expect_enable_fails LAST_ERROR-SUBSTRING: enable of t0 fails, says why in
# one line, and leaves the target disabled (ready for another try). "ok"
# only when all of that holds.
expect_enable_fails() {
	local msg bad=0
	if echo 1 2>/dev/null >"$NS_CFG/t0/enable"; then
		ns_fail "enable succeeded; expected '$1'"
		echo 0 >"$NS_CFG/t0/enable"
		return
	fi
	msg=$(cat "$NS_CFG/t0/last_error")
	[ "$(wc -l <"$NS_CFG/t0/last_error")" = 1 ] || { ns_fail "last_error is not one line"; bad=1; }
	case $msg in
	*"$1"*) ;;
	*) ns_fail "enable: last_error '$msg' lacks '$1'"; bad=1 ;;
	esac
	[ "$(cat "$NS_CFG/t0/state")" = disabled ] ||
		{ ns_fail "state $(cat "$NS_CFG/t0/state") after failed enable"; bad=1; }
	[ "$(cat "$NS_CFG/t0/enable")" = 0 ] || { ns_fail "enable reads 1 after a failed enable"; bad=1; }
	[ "$bad" = 1 ] || ns_ok "enable refused: $msg"
}

# ---- swapctl ----
NS_SWAPCTL=${NETSWAP_SWAPCTL:-$NETSWAP_REPO/build/swapctl}

# ns_sc ARGS...: run swapctl; its stdout in $ns_out, stderr in $ns_errout,
# exit code in $ns_rc (never fails the script by itself).
ns_sc() {
	local e=/tmp/ns_sc.$$.err l
	ns_out=$("$NS_SWAPCTL" "$@" 2>"$e")
	ns_rc=$?
	ns_errout=$(<"$e")
	echo "\$ swapctl $* -> $ns_rc"
	# Builtins only: every exec costs a fraction of a second under TCG.
	[ -z "$ns_out" ] || while IFS= read -r l; do echo "  | $l"; done <<<"$ns_out"
	[ -z "$ns_errout" ] || while IFS= read -r l; do echo "  ! $l"; done <<<"$ns_errout"
}

# ns_sc_ok ARGS...: swapctl must succeed.
ns_sc_ok() {
	ns_sc "$@"
	[ "$ns_rc" -eq 0 ] || ns_fail "swapctl $* exited $ns_rc: $ns_errout"
	[ "$ns_rc" -eq 0 ]
}

# ns_sc_fails RC TEXT ARGS...: swapctl must exit RC, print one error line
# on stderr containing TEXT, and leave the configfs tree as it was.
ns_sc_fails() {
	local rc=$1 text=$2 before after
	shift 2
	before=$(ns_cfs_snapshot)
	ns_sc "$@"
	after=$(ns_cfs_snapshot)
	if [ "$ns_rc" -ne "$rc" ]; then
		ns_fail "swapctl $*: exit $ns_rc, expected $rc"
	elif [[ $ns_errout != *"$text"* ]]; then
		ns_fail "swapctl $*: message '$ns_errout' lacks '$text'"
	elif [[ $ns_errout == *$'\n'* ]]; then
		ns_fail "swapctl $*: more than one error line"
	elif [ "$before" != "$after" ]; then
		ns_fail "swapctl $*: changed the configuration"
		diff <(echo "$before") <(echo "$after") | head -20
	else
		ns_ok "swapctl $* -> $rc: $ns_errout"
	fi
}

# ns_cfs_snapshot: every target with every readable setting and state,
# and the netswap swaps with their priorities (builtins only).
ns_cfs_snapshot() {
	local d f v dev prio
	for d in "$NS_CFG"/*/; do
		[ -d "$d" ] || continue
		for f in "$d"*; do
			case ${f##*/} in
			auth_secret | auth_target_secret | stats | last_error) continue ;;
			esac
			v=
			[ -f "$f" ] && { IFS= read -r -d '' v <"$f"; } 2>/dev/null
			printf '%s=%s\n' "${f#"$NS_CFG"/}" "${v%$'\n'}"
		done
	done
	while read -r dev _ _ _ prio; do
		[[ $dev == /dev/netswap* ]] && echo "$dev $prio"
	done </proc/swaps
}

# ns_json EXPR: evaluate a Python expression over the targets of the
# `status --json` output in $ns_out (version 1: {"version": 1, "targets":
# [...]}; the list bound to j) and print it. Another version or shape
# prints a line that no test expects.
ns_json() {
	python3 -c 'import json,sys
d = json.loads(sys.stdin.read())
if not isinstance(d, dict) or d.get("version") != 1 or not isinstance(d.get("targets"), list):
    print("not swapctl status JSON version 1: %.80r" % (d,))
    sys.exit(0)
j = d["targets"]
print(eval(sys.argv[1]))' "$1" <<<"$ns_out"
}

# ns_json_valid SCHEMA [FILE]: $ns_out (or each line of FILE) validates
# against docs/json/SCHEMA.schema.json; prints the first error.
ns_json_valid() {
	python3 -c 'import json,sys,jsonschema
schema = json.load(open(sys.argv[1]))
jsonschema.Draft202012Validator.check_schema(schema)
docs = [json.loads(l) for l in open(sys.argv[2])] if len(sys.argv) > 2 else [json.loads(sys.stdin.read())]
for d in docs:
    jsonschema.validate(d, schema, cls=jsonschema.Draft202012Validator)
print("valid", len(docs))' "$NETSWAP_REPO/docs/json/$1.schema.json" ${2:+"$2"} <<<"$ns_out" 2>&1 | tail -n 1
}

# ns_memcg NAME: the memory cgroup /sys/fs/cgroup/NAME (cgroup2 mounted
# there if needed, the memory controller on for its children).
ns_memcg() {
	mkdir -p /sys/fs/cgroup
	mountpoint -q /sys/fs/cgroup || mount -t cgroup2 none /sys/fs/cgroup ||
		ns_die "mount cgroup2"
	echo +memory >/sys/fs/cgroup/cgroup.subtree_control || ns_die "memory controller"
	mkdir -p "/sys/fs/cgroup/$1"
}

# ns_hog_start MB LIMIT_MB [MEMHOG-ARGS...]: memhog over MB in a memory
# cgroup held to LIMIT_MB (cgroup2 on /sys/fs/cgroup, mounted if needed),
# in the background: only its pages go to swap, so the test's own shells
# never wait for (or lose) a page on a target the test takes away. Sets
# ns_hog (its PID); output in /tmp/memhog.out, /tmp/hog-pass1 once it has
# written every page.
ns_hog_start() {
	local mb=$1 limit=$2
	shift 2
	ns_memcg hog
	echo "${limit}M" >/sys/fs/cgroup/hog/memory.max || ns_die "memory.max"
	(
		echo "$BASHPID" >/sys/fs/cgroup/hog/cgroup.procs
		exec "$NS_MEMHOG" -m "$mb" -r /tmp/hog-pass1 "$@"
	) >/tmp/memhog.out 2>&1 &
	ns_hog=$!
}

# ns_hog_swapping TIMEOUT_S NAME...: wait (bounded) until memhog wrote
# every page once and each target NAME completed over 50 writes.
ns_hog_swapping() {
	local t=$1 n ok i
	shift
	for ((i = 0; i < t * 2; i++)); do
		ok=1
		[ -e /tmp/hog-pass1 ] || ok=0
		for n in "$@"; do
			[ "$(awk '$1 == "writes" { print $2 }' "$NS_CFG/$n/stats")" -gt 50 ] || ok=0
		done
		[ "$ok" = 1 ] && return 0
		kill -0 "$ns_hog" 2>/dev/null || break
		nsvm_sleep 0.5
	done
	ns_die "memhog is not swapping to $*: $(tail -n 2 /tmp/memhog.out)"
}

# ns_hog_passes: memhog passes completed so far (ns_hog_start's output).
ns_hog_passes() { grep -c ' pages .*corrupt, ' /tmp/memhog.out; }

# ns_hog_next_pass BEFORE TIMEOUT_S: wait (bounded) until the workload
# has completed more than BEFORE passes; 1 if it did not (or died).
ns_hog_next_pass() {
	local i
	for ((i = 0; i < $2 * 10; i++)); do
		[ "$(ns_hog_passes)" -gt "$1" ] && return 0
		kill -0 "$ns_hog" 2>/dev/null || break
		nsvm_sleep 0.1
	done
	[ "$(ns_hog_passes)" -gt "$1" ]
}

# ns_hog_stop_check WHAT: stop the workload and fail unless it never saw a
# corrupt page; "ok: WHAT" if so.
ns_hog_stop_check() {
	kill "$ns_hog" 2>/dev/null
	wait "$ns_hog" 2>/dev/null
	tail -n 3 /tmp/memhog.out
	if grep -q 'corrupt after pass' /tmp/memhog.out || grep -Eq ' [1-9][0-9]* corrupt' /tmp/memhog.out; then
		ns_fail "memhog saw corrupt pages"
	else
		ns_ok "$1"
	fi
}
