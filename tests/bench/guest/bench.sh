#!/bin/bash
# Guest side of tests/bench/run.sh: one peer, one timed run, in a fresh
# guest. Args: PEER MB PASSES
#   PEER    netswap | open-iscsi   (swap device on the host's tgt LUN)
#   MB      memhog size (the host passes 2 x guest RAM)
#   PASSES  memhog passes
# Environment (from run.sh via boot.sh): NETSWAP_TGT_IQN, NETSWAP_TGT_PORT,
# NETSWAP_BENCH_DIGEST (none|crc32c), NETSWAP_BENCH_QD (optional queue
# depth for both peers), NETSWAP_BENCH_QUEUE (optional "attr=value ..." for
# the swap disk's /sys/block/X/queue/, both peers), NETSWAP_BENCH_SAMPLE
# (sampling period in s, 0: off).
#
# vm.min_free_kbytes is raised by netswap's reserve_kb for every peer, so
# each runs with the same reserve: the open-iscsi guest loads netswap.ko,
# reads reserve_kb of an unconfigured item with the same queue depth
# (reserve_kb does not depend on the connection) and unloads it again.
#
# Output in /share: result.txt (key=value), memhog.txt, pre.* / post.*
# (snapshots of /proc/vmstat, /proc/stat, the disk's stat, netswap stats),
# samples.txt (one line per NETSWAP_BENCH_SAMPLE s: uptime epoch-time pswpin
# pswpout in-flight-reads in-flight-writes), session.txt (negotiated parameters), markers
# memhog-start / memhog-end for the host.
# shellcheck source=SCRIPTDIR/../../vm/guest-lib.sh
. "$NETSWAP_REPO/tests/vm/guest-lib.sh"
# shellcheck source=SCRIPTDIR/../../vm/guest/nslib.sh
. "$NETSWAP_REPO/tests/vm/guest/nslib.sh"

peer=${1:?peer} mb=${2:?MB} passes=${3:?passes}
digest=${NETSWAP_BENCH_DIGEST:-none}
qd=${NETSWAP_BENCH_QD:-}
period=${NETSWAP_BENCH_SAMPLE:-5}
iqn=${NETSWAP_TGT_IQN:?NETSWAP_TGT_IQN not set}
portal=$NETSWAP_HOST_IP:$NETSWAP_TGT_PORT
res=/share/result.txt
: >"$res"

put() { printf '%s=%s\n' "$1" "$2" >>"$res"; }
die() {
	put error "$*"
	nsvm_die "$*"
}

# snap TAG FILE...: copy files into /share/TAG.NAME without forking.
snap() {
	local tag=$1 f v
	shift
	for f in "$@"; do
		v=
		IFS= read -r -d "" v <"$f"
		printf '%s' "$v" >"/share/$tag.${f//\//_}"
	done
}

# netswap.ko's reserve_kb for queue depth $qd (or the default).
reserve_probe() {
	local r
	ns_load
	mkdir "$NS_CFG/probe" || die "mkdir $NS_CFG/probe"
	[ -z "$qd" ] || ns_set probe queue_depth "$qd" || die "queue_depth $qd"
	read -r r <"$NS_CFG/probe/reserve_kb"
	rmdir "$NS_CFG/probe" || die "rmdir probe"
	rmmod netswap || die "rmmod netswap"
	echo "$r"
}

nsvm_log "kernel $(uname -r), nproc $(nproc), $(grep MemTotal /proc/meminfo)"
put peer "$peer"
put kernel "$(uname -r)"
put mem_total_kb "$(awk '/MemTotal/ { print $2 }' /proc/meminfo)"
put nproc "$(nproc)"
put memhog_mb "$mb"
put passes "$passes"

case $peer in
netswap)
	ns_load
	ns_create b0 "$NETSWAP_HOST_IP" "$NETSWAP_TGT_PORT" "$iqn" 1
	if [ "$digest" = crc32c ]; then
		{ ns_set b0 header_digest crc32c && ns_set b0 data_digest crc32c; } ||
			die "digest settings refused"
	fi
	[ -z "$qd" ] || ns_set b0 queue_depth "$qd" || die "queue_depth $qd"
	ns_enable b0 || die "enable: $(ns_get b0 last_error)"
	dev=/dev/$(ns_get b0 disk)
	reserve=$(ns_get b0 reserve_kb)
	for a in transport address port target_name lun header_digest \
		data_digest queue_depth io_timeout_ms state disk capacity_bytes \
		reserve_kb; do
		printf '%s %s\n' "$a" "$(ns_get b0 "$a")"
	done >/share/session.txt
	put queue_depth "$(ns_get b0 queue_depth)"
	;;
open-iscsi)
	reserve=$(reserve_probe) || die "reserve_kb probe failed"
	nsvm_iscsid_start || die "iscsid did not start"
	nsvm_iscsi_node "$iqn" "$portal" || die "iscsiadm -o new failed"
	if [ "$digest" = crc32c ]; then
		{ nsvm_iscsi_set "$iqn" "$portal" 'node.conn[0].iscsi.HeaderDigest' CRC32C &&
			nsvm_iscsi_set "$iqn" "$portal" 'node.conn[0].iscsi.DataDigest' CRC32C; } ||
			die "digest settings refused"
	fi
	[ -z "$qd" ] || nsvm_iscsi_set "$iqn" "$portal" node.session.queue_depth "$qd" ||
		die "queue_depth $qd"
	dev=$(nsvm_iscsi_login "$iqn" "$portal") || die "login to $iqn at $portal failed"
	iscsiadm -m session -P 3 >/share/session.txt 2>&1
	put queue_depth "$(cat "/sys/block/${dev#/dev/}/device/queue_depth" 2>/dev/null)"
	;;
*) die "unknown peer '$peer'" ;;
esac
# [ -b ] first: writing to a missing node would create a regular file.
[ -b "$dev" ] || die "$dev is not a block device"
b=${dev#/dev/}
put dev "$dev"
# NETSWAP_BENCH_QUEUE="attr=value ...": the same queue settings for every
# peer (e.g. "rotational=1 max_sectors_kb=128"), before swapon.
for kvp in ${NETSWAP_BENCH_QUEUE:-}; do
	echo "${kvp#*=}" >"/sys/block/$b/queue/${kvp%%=*}" ||
		die "queue/${kvp%%=*} = ${kvp#*=} refused"
done
put queue_set "${NETSWAP_BENCH_QUEUE:-}"
put capacity_bytes "$(blockdev --getsize64 "$dev")"
for q in scheduler nr_requests max_sectors_kb max_hw_sectors_kb rotational; do
	put "q_$q" "$(cat "/sys/block/$b/queue/$q" 2>/dev/null)"
done
put digest_requested "$digest"
put digests_negotiated "$(grep -E '^[[:space:]]*(header_digest|data_digest|HeaderDigest|DataDigest)' /share/session.txt | tr -s ' \t:' ' ' | paste -sd, -)"

base=$(cat /proc/sys/vm/min_free_kbytes)
echo $((base + reserve)) >/proc/sys/vm/min_free_kbytes
put reserve_kb "$reserve"
put min_free_kbytes_base "$base"
put min_free_kbytes "$(cat /proc/sys/vm/min_free_kbytes)"
put page_cluster "$(cat /proc/sys/vm/page-cluster)"
put swappiness "$(cat /proc/sys/vm/swappiness)"
nsvm_log "$peer on $dev, vm.min_free_kbytes $base -> $((base + reserve))"

mkswap "$dev" >/dev/null || die "mkswap $dev"
swapon "$dev" || die "swapon $dev"
grep -q "^$dev " /proc/swaps || die "$dev not in /proc/swaps"
put swapon_line "$(dmesg | grep "swap on $dev" | tail -n 1 | sed 's/^\[[^]]*\] *//')"

# Background sampler, builtins only (one line every $period s).
sampler() {
	local i up k v pin pout inflight end=$((SECONDS + 3600))
	for ((i = 0; i < 100000 && SECONDS <= end; i++)); do
		[ -e /tmp/bench-stop ] && break
		read -r up _ </proc/uptime
		while read -r k v; do
			case $k in
			pswpin) pin=$v ;;
			pswpout) pout=$v; break ;;
			esac
		done </proc/vmstat
		read -r inflight </sys/block/"$b"/inflight
		echo "$up $EPOCHREALTIME $pin $pout $inflight" >>/share/samples.txt
		nsvm_sleep "$period"
	done
}
NS_MEMHOG=${NETSWAP_MEMHOG:-$NETSWAP_REPO/build/memhog}
"$NS_MEMHOG" -m 1 -p 1 >/dev/null || die "memhog does not run" # warm its exec
sync
echo 3 >/proc/sys/vm/drop_caches
spid=
if [ "$period" != 0 ]; then
	sampler &
	spid=$!
fi
stats_files=(/proc/vmstat /proc/stat "/sys/block/$b/stat")
[ "$peer" = netswap ] && stats_files+=("$NS_CFG/b0/stats")
nsvm_mark memhog-start
snap pre "${stats_files[@]}"
t0=$EPOCHREALTIME
"$NS_MEMHOG" -m "$mb" -p "$passes" >/share/memhog.txt 2>&1
rc=$?
t1=$EPOCHREALTIME
snap post "${stats_files[@]}"
nsvm_mark memhog-end
: >/tmp/bench-stop
[ -n "$spid" ] && wait "$spid"
put memhog_rc "$rc"
put t_start "$t0"
put t_end "$t1"
put swap_used_end_kb "$(awk -v d="$dev" '$1 == d { print $4 }' /proc/swaps)"
nsvm_log "memhog rc $rc: $(tail -n 1 /share/memhog.txt)"

swapoff "$dev" || put teardown_error "swapoff $dev"
case $peer in
netswap)
	put state_end "$(ns_get b0 state)"
	ns_teardown b0
	ns_unload
	# shellcheck disable=SC2154  # set by nslib.sh
	[ "$ns_failed" = 0 ] || put teardown_error "netswap teardown"
	;;
open-iscsi)
	nsvm_iscsi_logout "$iqn" "$portal" || put teardown_error "iscsi logout"
	;;
esac
[ "$rc" = 0 ] || die "memhog exited $rc (corrupt pages or mapping error)"
put result ok
nsvm_log "done"
