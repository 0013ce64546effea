#!/bin/bash
# Guest side of tests/bench/run.sh: one stack, one workload, one timed run,
# in a fresh guest. Args: PEER WORKLOAD
#   PEER      netswap-iscsi | open-iscsi   the host's tgt LUN
#             netswap-iscsi-sealed         the same, with seal = aead
#             netswap-nfs | nfs-swapfile   the host's ganesha file (the
#                                          kernel NFS client mounts the
#                                          export; swap on the file)
#             nbd                          the host's nbd-server export
#                                          (nbd-client -swap)
#             zram                         in memory (lz4), the reference
#             link                         no swap: the raw TCP stream to
#                                          the host, both ways
#   WORKLOAD  throughput  memhog -m 2 x RAM -p 2: every page written and
#                         verified on each pass
#             seeds       8 x NCPU memhogs totalling 4 x RAM, one write and
#                         one verify sweep each, all at once
#             latency     pgtouch over 1.25 x RAM (random single-page
#                         touches, each timed and verified) while two
#                         memhogs of RAM / 4 rewrite their pages in a loop
#             readlat     no swap: the device's own read latency, idle and
#                         behind writes: pgtouch -f writes 256 MB of pages
#                         at its start and reads random ones back (O_DIRECT,
#                         each timed and verified), first alone, then while
#                         two writers stream 512 KiB O_DIRECT writes to
#                         other parts of it (as swap-out does)
#             stream      (link only) NETSWAP_BENCH_LINK_MB each way
# Every page holds 512 bytes of its pattern and zeros after (-Z): anonymous
# memory compresses like that, which zram needs to hold 4 x RAM; the
# network stacks move whole pages either way. Every page is verified.
# Environment (from run.sh via boot.sh): NETSWAP_TGT_IQN, NETSWAP_TGT_PORT,
# NETSWAP_NFS_* (vm_nfs_file), NETSWAP_NBD_PORT, NETSWAP_BENCH_DIGEST
# (none|crc32c, iSCSI stacks), NETSWAP_BENCH_QD (queue depth, optional),
# NETSWAP_BENCH_CONNECTIONS (netswap's connections, optional),
# NETSWAP_BENCH_ROTATIONAL (0|1: the swap disk's queue/rotational before
# swapon, optional; it steers the kernel's swap slot allocation and
# readahead),
# NETSWAP_BENCH_TOUCHES / NETSWAP_BENCH_TOUCH_S (latency workload),
# NETSWAP_BENCH_LINK_PORT, NETSWAP_BENCH_LINK_MB.
#
# vm.min_free_kbytes is raised by netswap's reserve_kb for every stack, so
# each runs with the same reserve: the other stacks load netswap.ko, read
# reserve_kb of an unconfigured target of the same transport and unload it
# (reserve_kb does not depend on the connection).
#
# Output in /share: result.txt (key=value), workload output (memhog*.txt,
# pgtouch.txt, latency.txt: one touch latency in us per line), pre.* /
# post.* snapshots (/proc/vmstat, /proc/stat, the disk's stat, netswap
# stats), session.txt; markers work-start / work-end for the host.
# shellcheck source=SCRIPTDIR/../../vm/guest-lib.sh
. "$NETSWAP_REPO/tests/vm/guest-lib.sh"
# shellcheck source=SCRIPTDIR/../../vm/guest/nslib.sh
. "$NETSWAP_REPO/tests/vm/guest/nslib.sh"

peer=${1:?peer} workload=${2:?workload}
digest=${NETSWAP_BENCH_DIGEST:-none}
qd=${NETSWAP_BENCH_QD:-}
conns=${NETSWAP_BENCH_CONNECTIONS:-}
host=$NETSWAP_HOST_IP
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

# reserve_probe iscsi|nfs: netswap.ko's reserve_kb for that transport at
# queue depth $qd (or the default).
reserve_probe() {
	local r
	ns_load
	mkdir "$NS_CFG/probe" || die "mkdir $NS_CFG/probe"
	ns_set probe transport "$1" || die "transport $1"
	[ -z "$qd" ] || ns_set probe queue_depth "$qd" || die "queue_depth $qd"
	read -r r <"$NS_CFG/probe/reserve_kb"
	rmdir "$NS_CFG/probe" || die "rmdir probe"
	rmmod netswap || die "rmmod netswap"
	echo "$r"
}

mem_kb=$(awk '/MemTotal/ { print $2 }' /proc/meminfo)
mem_mb=$((mem_kb / 1024))
nproc=$(nproc)
nsvm_log "kernel $(uname -r), nproc $nproc, MemTotal $mem_kb kB; $peer, $workload"
put peer "$peer"
put workload "$workload"
put kernel "$(uname -r)"
put mem_total_kb "$mem_kb"
put nproc "$nproc"

# ---- the raw link: no swap, a TCP stream each way ----
if [ "$peer" = link ]; then
	lmb=${NETSWAP_BENCH_LINK_MB:-256}
	lport=${NETSWAP_BENCH_LINK_PORT:?}
	nsvm_mark work-start
	t0=$EPOCHREALTIME
	dd if=/dev/zero bs=1M count="$lmb" status=none >"/dev/tcp/$host/$lport" ||
		die "stream to the host failed"
	t1=$EPOCHREALTIME
	got=$(cat <"/dev/tcp/$host/$((lport + 1))" | wc -c)
	t2=$EPOCHREALTIME
	nsvm_mark work-end
	[ "$got" -eq $((lmb * 1048576)) ] || die "stream from the host: $got bytes, not $((lmb * 1048576))"
	put link_mb "$lmb"
	put link_out_s "$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", b - a }')"
	put link_in_s "$(awk -v a="$t1" -v b="$t2" 'BEGIN { printf "%.3f", b - a }')"
	put t_start "$t0"
	put t_end "$t2"
	put result ok
	exit 0
fi

# ---- the swap device (or file) ----
swapdev="" b="" reserve=0
case $peer in
netswap-iscsi | netswap-iscsi-sealed)
	ns_load
	ns_create b0 "$host" "$NETSWAP_TGT_PORT" "$NETSWAP_TGT_IQN" 1
	if [ "$peer" = netswap-iscsi-sealed ]; then
		ns_set b0 seal aead || die "seal refused"
	fi
	if [ "$digest" = crc32c ]; then
		{ ns_set b0 header_digest crc32c && ns_set b0 data_digest crc32c; } ||
			die "digest settings refused"
	fi
	;;
netswap-nfs)
	ns_load
	ns_create_nfs b0
	;;
open-iscsi)
	reserve=$(reserve_probe iscsi) || die "reserve_kb probe failed"
	portal=$host:$NETSWAP_TGT_PORT
	nsvm_iscsid_start || die "iscsid did not start"
	nsvm_iscsi_node "$NETSWAP_TGT_IQN" "$portal" || die "iscsiadm -o new failed"
	if [ "$digest" = crc32c ]; then
		{ nsvm_iscsi_set "$NETSWAP_TGT_IQN" "$portal" 'node.conn[0].iscsi.HeaderDigest' CRC32C &&
			nsvm_iscsi_set "$NETSWAP_TGT_IQN" "$portal" 'node.conn[0].iscsi.DataDigest' CRC32C; } ||
			die "digest settings refused"
	fi
	[ -z "$qd" ] || nsvm_iscsi_set "$NETSWAP_TGT_IQN" "$portal" node.session.queue_depth "$qd" ||
		die "queue_depth $qd"
	swapdev=$(nsvm_iscsi_login "$NETSWAP_TGT_IQN" "$portal") || die "login to $portal failed"
	iscsiadm -m session -P 3 >/share/session.txt 2>&1
	;;
nbd)
	reserve=$(reserve_probe iscsi) || die "reserve_kb probe failed"
	modprobe nbd nbds_max=1 || die "modprobe nbd"
	timeout 60 nbd-client -N bench "$host" "$NETSWAP_NBD_PORT" /dev/nbd0 -b 4096 -swap \
		>/share/session.txt 2>&1 || die "nbd-client: $(tail -n 1 /share/session.txt)"
	swapdev=/dev/nbd0
	;;
nfs-swapfile)
	reserve=$(reserve_probe nfs) || die "reserve_kb probe failed"
	nsvm_nfs_mount "$host" "$NETSWAP_NFS_EXPORT" "$NETSWAP_NFS_PORT" "$NETSWAP_MNT_PORT" /mnt/nfs ||
		die "mount of the export failed"
	swapdev=/mnt/nfs/$NETSWAP_NFS_FILE
	grep ' /mnt/nfs ' /proc/mounts >/share/session.txt
	;;
zram)
	modprobe zram num_devices=1 || die "modprobe zram"
	echo lz4 >/sys/block/zram0/comp_algorithm 2>/dev/null || true
	echo "$((mem_mb * 4))M" >/sys/block/zram0/disksize || die "zram disksize"
	swapdev=/dev/zram0
	put zram_comp "$(cat /sys/block/zram0/comp_algorithm)"
	;;
*) die "unknown peer '$peer'" ;;
esac
if [ -d "$NS_CFG/b0" ]; then
	[ -z "$qd" ] || ns_set b0 queue_depth "$qd" || die "queue_depth $qd"
	[ -z "$conns" ] || ns_set b0 connections "$conns" || die "connections $conns"
	ns_enable b0 || die "enable: $(ns_get b0 last_error)"
	swapdev=/dev/$(ns_get b0 disk)
	reserve=$(ns_get b0 reserve_kb)
	put seal_kb "$(ns_get b0 seal_kb)"
	for a in transport address port target_name lun export file queue_depth connections \
		io_timeout_ms state disk capacity_bytes reserve_kb storage_id seal seal_kb; do
		[ -e "$NS_CFG/b0/$a" ] && printf '%s %s\n' "$a" "$(ns_get b0 "$a")"
	done >/share/session.txt
fi
if [ -b "$swapdev" ]; then
	b=${swapdev#/dev/}
	if [ -n "${NETSWAP_BENCH_ROTATIONAL:-}" ]; then
		echo "$NETSWAP_BENCH_ROTATIONAL" >"/sys/block/$b/queue/rotational" ||
			die "queue/rotational $NETSWAP_BENCH_ROTATIONAL"
	fi
	for q in scheduler nr_requests max_sectors_kb max_hw_sectors_kb rotational; do
		put "q_$q" "$(cat "/sys/block/$b/queue/$q" 2>/dev/null)"
	done
	put queue_depth "$(cat "/sys/block/$b/device/queue_depth" 2>/dev/null || cat "/sys/block/$b/queue/nr_requests")"
fi
put dev "$swapdev"
put digest "$digest"

base=$(cat /proc/sys/vm/min_free_kbytes)
echo $((base + reserve)) >/proc/sys/vm/min_free_kbytes
put reserve_kb "$reserve"
put min_free_kbytes "$(cat /proc/sys/vm/min_free_kbytes)"
nsvm_log "$peer on $swapdev, vm.min_free_kbytes $base -> $((base + reserve))"

if [ "$workload" != readlat ]; then
	mkswap "$swapdev" >/dev/null || die "mkswap $swapdev"
	swapon "$swapdev" || die "swapon $swapdev"
	grep -q "^$swapdev " /proc/swaps || die "$swapdev not in /proc/swaps"
fi

# rl_writer N SPAN_MB: 512 KiB O_DIRECT writes, 64 MB at a time, into
# writer N's SPAN_MB after the first 256 MB (pgtouch's), round and round
# until /tmp/rl-stop appears (at most 1000 rounds).
rl_writer() {
	local k
	for ((k = 0; k < 1000; k++)); do
		[ -e /tmp/rl-stop ] && return 0
		dd if=/dev/zero of="$swapdev" bs=512k count=128 \
			seek=$(((256 + $1 * $2 + (k % ($2 / 64)) * 64) * 2)) \
			oflag=direct conv=notrunc status=none || return 1
		echo $((k + 1)) >"/tmp/rl-$1.rounds"
	done
}

# ---- the workload ----
NS_MEMHOG=${NETSWAP_MEMHOG:-$NETSWAP_REPO/build/memhog}
PGTOUCH=${NETSWAP_PGTOUCH:-$NETSWAP_REPO/build/pgtouch}
"$NS_MEMHOG" -m 1 -p 1 >/dev/null || die "memhog does not run" # warm its exec
"$PGTOUCH" -m 1 -n 1 >/dev/null || die "pgtouch does not run"
sync
echo 3 >/proc/sys/vm/drop_caches
stats_files=(/proc/vmstat /proc/stat)
[ -n "$b" ] && stats_files+=("/sys/block/$b/stat")
[ -d "$NS_CFG/b0" ] && stats_files+=("$NS_CFG/b0/stats")

nsvm_mark work-start
snap pre "${stats_files[@]}"
# A stall (no I/O completing) leaves its diagnosis in /share/stall.txt
# and ends the run as failed.
nsvm_stall_pid=
[ -n "$b" ] && nsvm_stall_watch "$b" "${NETSWAP_BENCH_STALL_S:-120}" end
# NETSWAP_BENCH_PERF=1: where the guest's CPU goes, sampled over the
# workload (perf from the host's root; its own cost is the same for
# every stack).
perf_pid=
if [ "${NETSWAP_BENCH_PERF:-0}" = 1 ]; then
	perf record -q -e cpu-clock -F 250 -a -g -o /share/perf.data >/share/perf-record.txt 2>&1 &
	perf_pid=$!
fi
t0=$EPOCHREALTIME
rc=0
case $workload in
throughput)
	put work "memhog -m $((2 * mem_mb)) -p 2 -Z"
	"$NS_MEMHOG" -m $((2 * mem_mb)) -p 2 -Z >/share/memhog.txt 2>&1 || rc=$?
	;;
seeds)
	procs=$((8 * nproc)) each=$((4 * mem_mb / (8 * nproc)))
	put work "$procs x memhog -m $each -p 1 -Z"
	pids=()
	for ((i = 0; i < procs; i++)); do
		"$NS_MEMHOG" -m "$each" -p 1 -Z -s $((i + 1)) >"/share/memhog-$i.txt" 2>&1 &
		pids+=($!)
	done
	for p in "${pids[@]}"; do
		wait "$p" || rc=$?
	done
	;;
latency)
	ws=$((mem_mb * 5 / 4)) wmb=$((mem_mb / 4))
	put work "pgtouch -m $ws -Z while 2 x memhog -m $wmb -Z rewrite"
	# The writers start once pgtouch has written its set, and stop with it.
	rm -f /tmp/touch-ready
	"$PGTOUCH" -m "$ws" -Z -n "${NETSWAP_BENCH_TOUCHES:-20000}" -t "${NETSWAP_BENCH_TOUCH_S:-120}" \
		-r /tmp/touch-ready -o /share/latency.txt >/share/pgtouch.txt 2>&1 &
	tp=$!
	nsvm_wait_file /tmp/touch-ready 900 || die "pgtouch did not write its set"
	wpids=()
	for i in 1 2; do
		"$NS_MEMHOG" -m "$wmb" -p 1000000 -Z -s $((100 + i)) >"/share/memhog-w$i.txt" 2>&1 &
		wpids+=($!)
	done
	wait "$tp" || rc=$?
	kill "${wpids[@]}" 2>/dev/null
	for p in "${wpids[@]}"; do
		wait "$p"
		w=$?
		# Killed by SIGTERM (143) is how they end; anything else is an error.
		[ "$w" = 143 ] || { rc=$w; put writer_rc "$w"; }
	done
	grep -h 'corrupt after pass' /share/memhog-w*.txt && rc=1
	;;
readlat)
	n=${NETSWAP_BENCH_READS:-2000}
	put work "pgtouch -f $swapdev -m 256: $n reads alone, then $n behind 2 O_DIRECT writers"
	"$PGTOUCH" -f "$swapdev" -m 256 -Z -n "$n" -t 120 -o /share/latency-idle.txt \
		>/share/pgtouch-idle.txt 2>&1 || rc=$?
	if [ -b "$swapdev" ]; then
		dev_mb=$(($(blockdev --getsize64 "$swapdev") / 1048576))
	else
		dev_mb=$(($(stat -c %s "$swapdev") / 1048576))
	fi
	span=$(((dev_mb - 256) / 2 / 64 * 64))
	[ "$span" -ge 64 ] || die "$swapdev: $dev_mb MB, too small for readlat"
	rm -f /tmp/rl-stop /tmp/rl-*.rounds
	wpids=()
	tw=$EPOCHREALTIME
	for i in 0 1; do
		rl_writer "$i" "$span" &
		wpids+=($!)
	done
	sleep 2
	"$PGTOUCH" -f "$swapdev" -m 256 -Z -N -n "$n" -t 120 -o /share/latency.txt \
		>/share/pgtouch.txt 2>&1 || rc=$?
	touch /tmp/rl-stop
	rounds=$(cat /tmp/rl-*.rounds 2>/dev/null | awk '{ n += $1 } END { print n + 0 }')
	put busy_wr_mb $((rounds * 64))
	put busy_s "$(awk -v a="$tw" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.2f", b - a }')"
	for p in "${wpids[@]}"; do
		wait "$p" || { rc=1; put writer_rc 1; }
	done
	;;
*) die "unknown workload '$workload'" ;;
esac
t1=$EPOCHREALTIME
[ -z "$nsvm_stall_pid" ] || kill "$nsvm_stall_pid" 2>/dev/null
if [ -n "$perf_pid" ]; then
	kill -INT "$perf_pid"
	wait "$perf_pid"
	# The guest's symbols (the module's too, KASLR's offsets) are only
	# readable here.
	echo 0 >/proc/sys/kernel/kptr_restrict
	cp /proc/kallsyms /share/kallsyms
	pr=(perf report -i /share/perf.data --kallsyms /share/kallsyms --stdio -g none)
	"${pr[@]}" --no-children --sort sym --percent-limit 0.3 >/share/perf-sym.txt 2>/share/perf-report.txt
	"${pr[@]}" --no-children --sort dso >/share/perf-dso.txt 2>>/share/perf-report.txt
	"${pr[@]}" --children --sort sym --percent-limit 2 >/share/perf-children.txt 2>>/share/perf-report.txt
fi
snap post "${stats_files[@]}"
nsvm_mark work-end
put work_rc "$rc"
put t_start "$t0"
put t_end "$t1"
nsvm_log "$workload rc $rc"

[ "$workload" = readlat ] || swapoff "$swapdev" || put teardown_error "swapoff $swapdev"
case $peer in
netswap-*)
	put state_end "$(ns_get b0 state)"
	ns_teardown b0
	ns_unload
	# shellcheck disable=SC2154  # set by nslib.sh
	[ "$ns_failed" = 0 ] || put teardown_error "netswap teardown"
	;;
open-iscsi) nsvm_iscsi_logout "$NETSWAP_TGT_IQN" "$host:$NETSWAP_TGT_PORT" || put teardown_error "iscsi logout" ;;
nbd) nbd-client -d /dev/nbd0 >/dev/null 2>&1 || put teardown_error "nbd-client -d" ;;
nfs-swapfile) umount /mnt/nfs || put teardown_error "umount" ;;
esac
[ "$rc" = 0 ] || die "$workload exited $rc (a corrupt page, or it could not run)"
put result ok
nsvm_log "done"
