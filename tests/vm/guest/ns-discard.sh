# shellcheck shell=bash
# Guest of t-39-discard: swap on a thin tgt LUN gives its space back.
. "$NETSWAP_REPO/tests/vm/guest/nslib.sh"
# shellcheck source=../guest-lib.sh
. "$NETSWAP_REPO/tests/vm/guest-lib.sh"

# host_alloc: the bytes the LUN's file has allocated on the host, as the
# host side measures it now (bounded wait). Called in $(...): the request
# number lives in a file.
host_alloc() {
	local i nreq=0
	[ ! -s /tmp/nreq ] || nreq=$(</tmp/nreq)
	nreq=$((nreq + 1))
	echo "$nreq" >/tmp/nreq
	: >"/share/measure.$nreq"
	for ((i = 0; i < 300; i++)); do
		if [ -s "/share/alloc.$nreq" ]; then
			cat "/share/alloc.$nreq"
			return 0
		fi
		nsvm_sleep 0.1
	done
	return 1
}

# hog MB LIMIT_MB: memhog writes and verifies MB in a cgroup held to
# LIMIT_MB (so the rest swaps), one pass, and exits.
hog() {
	ns_hog_start "$1" "$2" -p 1
	wait "$ns_hog" || ns_fail "memhog exited $?: $(tail -n 2 /tmp/memhog.out)"
	tail -n 1 /tmp/memhog.out
}

ns_load
ns_create t0
ns_enable t0 || ns_die "enable"
dev=$(ns_dev t0)
q=/sys/block/${dev#/dev/}/queue
dmax=$(ns_get t0 discard_max_bytes)
dgran=$(ns_get t0 discard_granularity)
ns_log "discard: configfs $dmax/$dgran, sysfs $(<"$q/discard_max_bytes")/$(<"$q/discard_granularity"), rotational $(<"$q/rotational")"
[ "$dmax" = $((64 << 20)) ] && [ "$dgran" = 4096 ] ||
	ns_fail "discard_max_bytes $dmax, granularity $dgran: not tgt's UNMAP capped at 64 MiB, in pages"
[ "$(<"$q/discard_max_bytes")" = "$dmax" ] && [ "$(<"$q/discard_granularity")" = 4096 ] ||
	ns_fail "the disk's queue limits differ from what the target allows"
[ "$(<"$q/rotational")" = 0 ] || ns_fail "the disk says it is rotational"
dmesg | grep -q "t0: LUN 1 is thin provisioned: discard by UNMAP, up to 65536 KiB" ||
	ns_fail "no kernel line saying discard was found"
ns_sc_ok status t0 -n --raw -o NAME,DISC-MAX,DISC-GRAN
[ "$ns_out" = 't0 64.0\x20MiB 4.0\x20KiB' ] || ns_fail "status -o DISC-MAX,DISC-GRAN: '$ns_out'"
ns_sc_ok status t0
[[ $ns_out == *"discard: up to 64.0 MiB at 4.0 KiB granularity; "* ]] ||
	ns_fail "status does not say what discard the disk has"

ns_discard_check t0 host_alloc

# 1. Swap without discard: what the workload wrote stays on the LUN.
mkswap "$dev" >/dev/null || ns_die "mkswap"
swapon "$dev" || ns_die "swapon"
echo 60 >/proc/sys/kernel/hung_task_timeout_secs
hog 128 32
kept=$(host_alloc) || ns_die "no measurement"
swapoff "$dev" || ns_fail "swapoff"
ns_log "swap without discard: $kept bytes allocated after the workload"
[ "$kept" -ge $((64 << 20)) ] ||
	ns_fail "only $kept bytes allocated after swapping out about 96 MiB"

# 2. swapon --discard=once unmaps the whole area (all but its header).
d0=$(ns_stat t0 discards)
swapon --discard=once "$dev" || ns_die "swapon --discard=once"
once=$(host_alloc) || ns_die "no measurement"
swapoff "$dev" || ns_fail "swapoff"
ns_log "swapon --discard=once: $kept -> $once bytes, discards $d0 -> $(ns_stat t0 discards)"
if [ "$once" -le $((1 << 20)) ]; then
	ns_ok "swapon --discard=once: $kept -> $once bytes on the LUN"
else
	ns_fail "swapon --discard=once left $once bytes allocated"
fi

# 3. swapctl up --discard=pages: freed clusters go as the workload ends.
ns_sc_ok up t0 --discard=pages
[[ $ns_errout$ns_out == *"discard=pages"* ]] ||
	ns_fail "swapctl up --discard=pages did not say so"
d0=$(ns_stat t0 discards)
hog 128 32
for ((i = 0; i < 60; i++)); do
	freed=$(host_alloc) || ns_die "no measurement"
	[ "$freed" -le $((kept / 4)) ] && break
	nsvm_sleep 0.5
done
ns_log "swap with discard=pages: $freed bytes allocated after the workload, discards $d0 -> $(ns_stat t0 discards)"
if [ "$freed" -gt $((kept / 4)) ]; then
	ns_fail "discard=pages: $freed bytes still allocated (without discard: $kept)"
elif [ "$(ns_stat t0 discards)" -le "$d0" ]; then
	ns_fail "no discard counted"
else
	ns_ok "discard=pages: the workload's swap freed on the LUN ($kept -> $freed bytes)"
fi
[ "$(ns_stat t0 errors)" = 0 ] || ns_fail "$(ns_stat t0 errors) requests failed"
# The same figures through netlink: JSON (valid against its schema) and
# the Prometheus text.
nd=$(ns_stat t0 discards)
ns_sc_ok status t0 --json
[[ $(ns_json_valid status) == "valid 1" ]] || ns_fail "status --json against the schema: $(ns_json_valid status)"
got=$(ns_json 'str(j[0]["discard_max_bytes"]) + " " + str(j[0]["discard_granularity"]) + " " + str(j[0]["stats"]["discards"])')
[ "$got" = "$dmax 4096 $nd" ] || ns_fail "status --json: discard fields '$got', not '$dmax 4096 $nd'"
ns_sc_ok status --prometheus
grep -qx "netswap_discards_total{target=\"t0\"} $nd" <<<"$ns_out" ||
	ns_fail "status --prometheus: no netswap_discards_total of $nd for t0"
swapoff "$dev" || ns_fail "swapoff"
ns_get t0 stats

# 4. Sealed (seal = aead), discard works the same: what is discarded
# reads as zeros (it is marked blank, not checked against its old tag),
# what is next to it is intact, a discarded block written again reads
# back, and no block fails to verify.
echo 0 >"$NS_CFG/t0/enable" || ns_fail "disable: $(ns_get t0 last_error)"
ns_set_check t0 seal aead
ns_enable t0 || ns_die "enable, sealed"
dev=$(ns_dev t0)
ns_discard_check t0 host_alloc
dd if=/dev/urandom of=/tmp/ns-dre bs=4096 count=3 status=none
dd if=/tmp/ns-dre of="$dev" bs=4096 seek=$(((14 << 20) / 4096)) oflag=direct status=none ||
	ns_fail "sealed: write over the discarded range"
if ! cmp -s <(dd if="$dev" bs=4096 skip=$(((14 << 20) / 4096)) count=3 iflag=direct status=none) /tmp/ns-dre; then
	ns_fail "sealed: blocks written again after a discard do not read back"
elif [ "$(ns_stat t0 integrity_errors)" != 0 ]; then
	ns_fail "sealed: $(ns_stat t0 integrity_errors) integrity errors after discard"
else
	ns_ok "sealed: discarded blocks written again read back, 0 integrity errors"
fi
ns_teardown t0
ns_unload
ns_finish
