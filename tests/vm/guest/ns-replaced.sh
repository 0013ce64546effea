# shellcheck shell=bash
# Guest of t-17-replaced.sh: swap to an iSCSI and an NFS target, freeze
# the workload, let the host replace both storages, and check that netswap
# refuses them: `failed`, last_error naming the change, reads failing.
. "$NETSWAP_REPO/tests/vm/guest/nslib.sh"
. "$NETSWAP_REPO/tests/vm/guest-lib.sh"
ns_load
ns_create t0
ns_create_nfs n0
for n in t0 n0; do
	ns_set "$n" io_timeout_ms 5000
	ns_set "$n" reconnect_delay_ms 500
	ns_enable "$n" || ns_die "enable $n"
done
id_t0=$(ns_get t0 storage_id)
id_n0=$(ns_get n0 storage_id)
echo "storage_id t0: $id_t0"
echo "storage_id n0: $id_n0"
[ -n "$id_t0" ] || ns_fail "t0 recorded no storage identity"
[[ $id_n0 == nfs.fsid=*.fileid=* ]] || ns_fail "n0 storage_id '$id_n0'"
dt0=$(ns_dev t0)
dn0=$(ns_dev n0)
for d in "$dt0" "$dn0"; do
	mkswap "$d" >/dev/null || ns_die "mkswap $d"
	swapon -p 5 "$d" || ns_die "swapon $d"
done

# Only the workload swaps (a memory cgroup of 48 MB): the shells of this
# test never have a page on the storage that goes away.
ns_hog_start 160 48 -p 1000
hog=$ns_hog
ns_hog_swapping 300 t0 n0
kill -STOP "$hog"
writes() { awk '$1 == "writes" { print $2 }' "$NS_CFG/$1/stats"; }
ns_log "swapping on both: writes t0 $(writes t0), n0 $(writes n0); workload frozen"
grep -E '^/dev/netswap' /proc/swaps
: >/share/ready

nsvm_wait_file /share/replaced 300 || ns_die "the host did not replace the storage"
for _ in $(seq 1 1200); do
	[ "$(ns_get t0 state)" = failed ] && [ "$(ns_get n0 state)" = failed ] && break
	nsvm_sleep 0.1
done
for n in t0 n0; do
	echo "$n: state $(ns_get "$n" state), last_error: $(ns_get "$n" last_error)"
	[ "$(ns_get "$n" state)" = failed ] || ns_fail "$n is $(ns_get "$n" state), not failed"
done
err=$(ns_get t0 last_error)
case $err in
*"other storage after reconnect: was $id_t0, now "*) ns_ok "t0 names both identities" ;;
*) ns_fail "t0 last_error does not name the identity change: $err" ;;
esac
new=${err##*now }
new=${new%% *}
echo "t0 identity now: $new"
if [ -z "$new" ] || [ "$new" = "$id_t0" ]; then
	ns_fail "t0: no new identity, or equal to the old one"
fi
err=$(ns_get n0 last_error)
case $err in
*stale* | *"other storage after reconnect"*) ns_ok "n0 refused the replaced file: $err" ;;
*) ns_fail "n0 last_error: $err" ;;
esac
dmesg | grep -E 'netswap: (t0|n0): (giving up|other storage)' ||
	ns_fail "no kernel log line says why the targets gave up"

# A page-in is a read of the disk: it must fail, never return the zeros.
for d in "$dt0" "$dn0"; do
	if dd if="$d" of=/dev/null bs=4k count=1 skip=100 iflag=direct status=none 2>/dev/null; then
		ns_fail "a read of $d succeeded on replaced storage"
	else
		ns_ok "a read of $d fails"
	fi
done

# The frozen workload comes back to pages it can no longer have: it must
# die of SIGBUS, never see a corrupt page. Lift the cgroup limit first so
# it is not reclaim (writes to the failed disks) that stops it.
echo max >/sys/fs/cgroup/hog/memory.max
kill -CONT "$hog"
for _ in $(seq 1 600); do
	kill -0 "$hog" 2>/dev/null || break
	nsvm_sleep 0.1
done
if kill -0 "$hog" 2>/dev/null; then
	kill -KILL "$hog"
	ns_fail "the workload still ran 60 s after its storage was gone"
fi
wait "$hog"
rc=$?
tail -n 3 /tmp/memhog.out
grep -q 'corrupt after pass' /tmp/memhog.out && ns_fail "memhog saw a corrupt page"
if [ "$rc" -eq $((128 + 7)) ]; then
	ns_ok "the workload's page-in failed: SIGBUS"
else
	ns_fail "memhog ended with status $rc, not SIGBUS"
fi

for d in "$dt0" "$dn0"; do
	swapoff "$d" || ns_fail "swapoff $d"
done

# The operator accepts the new storage: disable, enable. That enable
# starts clean: the next ordinary outage is recovered, not given up on
# because of the fatal error of the previous enable.
for n in t0 n0; do
	echo 0 >"$NS_CFG/$n/enable" || ns_fail "disable failed $n: $(ns_get "$n" last_error)"
	ns_enable "$n" || ns_die "re-enable $n"
	echo "$n re-enabled: storage_id $(ns_get "$n" storage_id)"
done
[ "$(ns_get t0 storage_id)" = "$new" ] || ns_fail "t0 storage_id $(ns_get t0 storage_id), not $new"
[ "$(ns_get n0 storage_id)" != "$id_n0" ] || ns_fail "n0 storage_id unchanged for a new file"
dt0=$(ns_dev t0)
dn0=$(ns_dev n0)
ns_pattern_check "$dt0" 4
cp /tmp/ns-pat /tmp/pat-t0
ns_pattern_check "$dn0" 4
cp /tmp/ns-pat /tmp/pat-n0
: >/share/re-enabled
nsvm_wait_file /share/restarted 120 || ns_die "the host did not restart the servers"
for _ in $(seq 1 600); do
	[ "$(ns_get t0 state)" = up ] && [ "$(ns_get n0 state)" = up ] &&
		[ "$(awk '$1 == "reconnects" { print $2 }' "$NS_CFG/t0/stats")" -ge 1 ] &&
		[ "$(awk '$1 == "reconnects" { print $2 }' "$NS_CFG/n0/stats")" -ge 1 ] && break
	[ "$(ns_get t0 state)" = failed ] || [ "$(ns_get n0 state)" = failed ] && break
	nsvm_sleep 0.1
done
for n in t0 n0; do
	st=$(ns_get "$n" state)
	rec=$(awk '$1 == "reconnects" { print $2 }' "$NS_CFG/$n/stats")
	if [ "$st" = up ] && [ "$rec" -ge 1 ]; then
		ns_ok "$n: after a fatal error and a re-enable, an outage is recovered ($rec reconnects)"
	else
		ns_fail "$n: state $st, reconnects $rec after the outage: $(ns_get "$n" last_error)"
	fi
done
if ! { dd if="$dt0" of=/tmp/back bs=1M count=4 iflag=direct status=none &&
	cmp -s /tmp/back /tmp/pat-t0; }; then
	ns_fail "t0 pattern lost across the outage"
fi
if ! { dd if="$dn0" of=/tmp/back bs=1M count=4 iflag=direct status=none &&
	cmp -s /tmp/back /tmp/pat-n0; }; then
	ns_fail "n0 pattern lost across the outage"
fi

for n in t0 n0; do
	ns_teardown "$n"
done
ns_unload
ns_finish
