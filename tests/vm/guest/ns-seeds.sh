# shellcheck shell=bash
# Guest of s-19-seeds.sh. Arg: PASSES per process (2: one write sweep and
# one verify-and-rewrite sweep; every pass after the first verifies).
. "$NETSWAP_REPO/tests/vm/guest/nslib.sh"
passes=${1:-2}
ns_load
ns_create t0
ns_create_nfs n0
for n in t0 n0; do
	ns_enable "$n" || ns_die "enable $n"
	ns_reserve "$n"
done
for n in t0 n0; do
	d=$(ns_dev "$n")
	mkswap "$d" >/dev/null || ns_die "mkswap $d"
	swapon -p 5 "$d" || ns_die "swapon $d"
done
echo 60 >/proc/sys/kernel/hung_task_timeout_secs 2>/dev/null
nproc=$(nproc)
procs=$((8 * nproc))
mb=$(($(ns_mem_mb) * 4 / procs))
ns_log "$procs processes x $mb MB ($((procs * mb)) MB over $(ns_mem_mb) MB RAM), $passes passes"
pids=()
for ((i = 0; i < procs; i++)); do
	"$NS_MEMHOG" -m "$mb" -p "$passes" -s $((i + 1)) >"/tmp/hog-$i.out" 2>&1 &
	pids+=($!)
done
bad=0
for ((i = 0; i < procs; i++)); do
	wait "${pids[$i]}"
	rc=$?
	if [ "$rc" -ne 0 ]; then
		bad=$((bad + 1))
		ns_fail "memhog $i exited $rc: $(tail -n 1 "/tmp/hog-$i.out")"
	fi
done
corrupt=$(cat /tmp/hog-*.out | awk '/^memhog: [0-9]+ MB/ { s += $6 } END { print s + 0 }')
[ "$bad" = 0 ] && ns_ok "$procs processes: every page verified, $corrupt corrupt"
[ "$corrupt" = 0 ] || ns_fail "$corrupt corrupt pages"
grep -E 'pswpin|pswpout' /proc/vmstat
for n in t0 n0; do
	echo "$n: $(ns_get "$n" stats | tr '\n' ' ')"
	[ "$(awk '$1 == "errors" { print $2 }' "$NS_CFG/$n/stats")" = 0 ] || ns_fail "$n: I/O errors"
	[ "$(awk '$1 == "writes" { print $2 }' "$NS_CFG/$n/stats")" -gt 1000 ] || ns_fail "$n: hardly used"
done
for n in t0 n0; do
	swapoff "$(ns_dev "$n")" || ns_fail "swapoff $n"
	ns_teardown "$n"
done
ns_unload
ns_finish
