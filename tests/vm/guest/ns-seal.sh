# shellcheck shell=bash
# Guest of t-40-seal: sealed swap (seal = aead) on an iSCSI LUN (host tgt)
# and an NFS file (host ganesha). The host answers requests through the
# share (seal_host): it greps, flips, saves, restores and copies blocks of
# the backing file, and kills and restarts both servers.
. "$NETSWAP_REPO/tests/vm/guest/nslib.sh"
SP=$NETSWAP_REPO/tests/vm/guest/sealpages.py
seal_n=0

# seal_host OP KIND [ARGS]: have the host do OP on KIND's (iscsi, nfs)
# backing file or server; its answer in $seal_ans. Not in a subshell:
# the requests are numbered in seal_n.
seal_host() {
	local i
	seal_n=$((seal_n + 1))
	echo "$*" >"/share/cmd-$seal_n.tmp"
	mv "/share/cmd-$seal_n.tmp" "/share/cmd-$seal_n"
	for ((i = 0; i < 3000; i++)); do
		[ -e "/share/done-$seal_n" ] && break
		sleep 0.1
	done
	[ -e "/share/done-$seal_n" ] || ns_die "the host did not answer '$*'"
	seal_ans=$(<"/share/done-$seal_n")
}

# blk_write DEV OFFSET TEXT: one 4 KiB block of TEXT repeated, O_DIRECT.
blk_write() {
	yes "$3" | head -c 4096 >/tmp/blk
	dd if=/tmp/blk of="$1" bs=4096 seek=$(($2 / 4096)) count=1 oflag=direct \
		status=none || ns_fail "write of the block at $2"
}

# blk_read DEV OFFSET: print the block (O_DIRECT); fails when the read does.
blk_read() {
	dd if="$1" bs=4096 skip=$(($2 / 4096)) count=1 iflag=direct status=none
}

# blk_is DEV OFFSET TEXT: the block reads back as blk_write wrote it.
blk_is() {
	cmp -s <(blk_read "$1" "$2") <(yes "$3" | head -c 4096)
}

# blk_refused NAME DEV OFFSET WHAT: reading the block fails with EIO, and
# one more integrity error is counted.
blk_refused() {
	local e0 e1
	e0=$(ns_stat "$1" integrity_errors)
	if blk_read "$2" "$3" >/tmp/blk.out 2>/tmp/blk.err; then
		ns_fail "$4: the block at $3 was read ($(head -c 24 /tmp/blk.out))"
		return
	fi
	e1=$(ns_stat "$1" integrity_errors)
	if ! grep -q 'Input/output error' /tmp/blk.err; then
		ns_fail "$4: read failed, but not with EIO: $(cat /tmp/blk.err)"
	elif [ "$e1" != $((e0 + 1)) ]; then
		ns_fail "$4: integrity_errors $e0 -> $e1, not one more"
	else
		ns_ok "$4: the read of the block at $3 failed (EIO), integrity_errors $e0 -> $e1"
	fi
}

# writeback_done: the swap-outs started have reached the disk (bounded).
writeback_done() {
	local i
	for ((i = 0; i < 300; i++)); do
		[ "$(awk '$1 == "nr_writeback" { print $2 }' /proc/vmstat)" = 0 ] && return 0
		sleep 0.1
	done
	ns_fail "swap writeback did not finish in 30 s"
}

# sealpages_start MARKER: sealpages.py in the background over 2048 pages,
# in memory cgroup sp; waits for their swap offsets.
sealpages_start() {
	local i
	rm -rf /tmp/sp
	mkdir /tmp/sp
	ns_memcg sp
	(
		echo "$BASHPID" >/sys/fs/cgroup/sp/cgroup.procs
		exec python3 "$SP" /tmp/sp 2048 "$1"
	) 2>/tmp/sp.err &
	sp_pid=$!
	for ((i = 0; i < 1200; i++)); do
		[ -e /tmp/sp/offsets ] && break
		kill -0 "$sp_pid" 2>/dev/null || break
		sleep 0.1
	done
	[ -e /tmp/sp/offsets ] || ns_die "sealpages.py gave no offsets: $(cat /tmp/sp.err)"
	writeback_done
	ns_log "$(wc -l </tmp/sp/offsets) of 2048 pages swapped out"
}

seal_run() {
	local kind=$1 dev q lbs kb blocks want cnt e0 e1 rc victims off slot r idx mf
	mf=$(cat /proc/sys/vm/min_free_kbytes)
	if [ "$kind" = nfs ]; then
		ns_create_nfs t0
	else
		ns_create t0
	fi
	[ "$(ns_get t0 seal)" = none ] || ns_fail "seal is '$(ns_get t0 seal)' by default, not none"
	expect_refused seal bogus "Invalid argument" "seal: must be none or aead"
	ns_set_check t0 seal aead
	[ "$(ns_get t0 seal_kb)" = 0 ] || ns_fail "seal_kb $(ns_get t0 seal_kb) while disabled"
	ns_enable t0 || ns_die "enable of the sealed $kind target"
	dev=$(ns_dev t0)
	expect_refused seal none "busy" "seal: cannot change while enabled"
	q=/sys/block/${dev#/dev/}/queue
	lbs=$(<"$q/logical_block_size")
	[ "$lbs" = 4096 ] || ns_fail "$kind: logical block size $lbs when sealed, not 4096"
	# 20 bytes of tag and generation per 4 KiB block, and a bounce page
	# for each 4 KiB of the in-flight budget (queue_depth x 128 KiB).
	kb=$(ns_get t0 seal_kb)
	blocks=$(($(ns_get t0 capacity_bytes) / 4096))
	want=$(((blocks * 20 + 1023) / 1024 + $(ns_get t0 queue_depth) * 128))
	[ "$kb" = "$want" ] || ns_fail "$kind: seal_kb $kb, not $want"
	ns_ok "$kind: sealed $dev, $lbs-byte blocks, seal_kb $kb"
	ns_reserve t0
	grep -q "sealed (AES-256-GCM)" <(dmesg) || ns_fail "no 'sealed (AES-256-GCM)' in the kernel log"
	ns_log "$(dmesg | grep -o 'sealing with .*' | tail -n 1)"

	# Blocks written since this enable read back; one never written
	# reads as zeros, whatever the target holds there.
	ns_pattern_check "$dev" 8
	cmp -s <(blk_read "$dev" $((100 << 20))) <(head -c 4096 /dev/zero) ||
		ns_fail "$kind: a block never written does not read as zeros"

	# Replay: an older copy of a block put back by the storage.
	off=$((64 << 20))
	blk_write "$dev" $off REPLAY-OLD
	seal_host save "$kind" $off
	blk_write "$dev" $off REPLAY-NEW
	blk_is "$dev" $off REPLAY-NEW || ns_fail "$kind: the rewritten block does not read back"
	seal_host restore "$kind" $off
	blk_refused t0 "$dev" $off "$kind replay"
	# Misplaced: another block's ciphertext at this one's place.
	blk_write "$dev" $((65 << 20)) MOVED-FROM
	blk_write "$dev" $((66 << 20)) MOVED-TO
	seal_host copy "$kind" $((65 << 20)) $((66 << 20))
	blk_refused t0 "$dev" $((66 << 20)) "$kind misplaced block"
	blk_is "$dev" $((65 << 20)) MOVED-FROM || ns_fail "$kind: the block copied from no longer reads back"
	# Altered: one byte flipped.
	blk_write "$dev" $((67 << 20)) ALTERED
	seal_host flip "$kind" $(((67 << 20) + 1000))
	blk_refused t0 "$dev" $((67 << 20)) "$kind flipped byte"
	grep -q "failed to verify twice" <(dmesg) || ns_fail "no 'failed to verify twice' line in the kernel log"

	# swapctl up formats a sealed disk unasked (blank at every enable);
	# block 0 holds the random pattern here, no signature.
	if ns_sc_ok up t0 && grep -q "^$dev " /proc/swaps; then
		ns_ok "$kind: swapctl up without --format put swap on the sealed $dev"
	else
		ns_fail "$kind: swapctl up did not format the sealed $dev: $ns_errout"
	fi
	swapoff "$dev" || ns_fail "swapoff $dev"

	# Swap: a process's pages go out; the storage holds none of their
	# text; three of them altered on the storage end the process with
	# SIGBUS when touched, after every other page came back intact.
	mkswap "$dev" >/dev/null || ns_fail "mkswap $dev"
	swapon "$dev" || ns_die "swapon $dev"
	sealpages_start "NETSWAP-SEAL-MARK-$kind"
	seal_host grep "$kind" "NETSWAP-SEAL-MARK-$kind"
	cnt=$seal_ans
	if [ "$cnt" = 0 ]; then
		ns_ok "$kind: the storage holds none of the swapped pages' text"
	else
		ns_fail "$kind: the storage holds the swapped pages' text ($cnt times)"
	fi
	victims=
	for r in 100 1000 1900; do
		read -r idx slot < <(sed -n "${r}p" /tmp/sp/offsets)
		[ -n "$slot" ] || { ns_fail "$kind: fewer than $r pages swapped out"; continue; }
		seal_host flip "$kind" $((slot * 4096 + 2000))
		victims="$victims $idx"
	done
	e0=$(ns_stat t0 integrity_errors)
	# The swap cache is pushed out, so the pages are read from the disk
	# (sealpages.py checks that the altered ones were): the process's
	# cgroup reclaimed, all it can give (fails with EAGAIN for what it
	# cannot: fine). A memhog over RAM would do it too, in a minute and
	# more of churn through the sealed swap.
	echo 256M >/sys/fs/cgroup/sp/memory.reclaim 2>/dev/null
	writeback_done
	echo "$victims" >/tmp/sp/go
	wait "$sp_pid"
	rc=$?
	e1=$(ns_stat t0 integrity_errors)
	if [ "$rc" = $((128 + 7)) ] && [ "$e1" -gt "$e0" ] && [ -s /tmp/sp/verified ]; then
		ns_ok "$kind: $(cat /tmp/sp/verified) pages intact, then SIGBUS at an altered page (integrity_errors $e0 -> $e1)"
	else
		ns_fail "$kind: sealpages exit $rc (want SIGBUS, 135), $(cat /tmp/sp/verified 2>/dev/null || echo 'nothing verified'), integrity_errors $e0 -> $e1: $(tail -n 3 /tmp/sp.err)"
	fi
	swapoff "$dev" || ns_fail "swapoff $dev"

	# The control: unsealed, the same pages' text is on the storage, so
	# the check above can see it.
	seal_control "$kind"
	ns_teardown t0
	echo "$mf" >/proc/sys/vm/min_free_kbytes
}

# seal_recovery: recovery keeps the key. A sealed iSCSI LUN (ri) and a
# sealed NFS file (rn) are swap devices of one priority, so the kernel
# spreads pages over both; a workload of 1.25 x RAM swaps while the host
# kills tgtd and ganesha together and restarts them, twice. Every page
# verifies, each target recovered twice while pages moved, and no block
# failed to verify.
seal_recovery() {
	local t dev hog mrc r mf io1 io2 i
	local -A r0 devs
	mf=$(cat /proc/sys/vm/min_free_kbytes)
	ns_create ri
	ns_create_nfs rn
	for t in ri rn; do
		ns_set_check "$t" seal aead
		ns_set "$t" reconnect_delay_ms 500
		ns_enable "$t" || ns_die "enable of the sealed target $t"
		ns_reserve "$t"
		dev=$(ns_dev "$t")
		devs[$t]=$dev
		mkswap "$dev" >/dev/null || ns_fail "mkswap $dev"
		swapon -p 7 "$dev" || ns_die "swapon $dev"
		r0[$t]=$(ns_stat "$t" recoveries)
	done
	rm -f /share/ready-both /share/restarted-1 /tmp/io-at-restart
	"$NS_MEMHOG" -m $(($(ns_mem_mb) * 5 / 4)) -p 1 -r /share/ready-both >/tmp/hog.out 2>&1 &
	hog=$!
	# Each target's I/O count when the servers are back the first time.
	(
		for ((i = 0; i < 1500; i++)); do
			[ -e /share/restarted-1 ] && break
			sleep 0.2
		done
		for t in ri rn; do
			echo "$t $(($(ns_stat "$t" reads) + $(ns_stat "$t" writes)))"
		done >/tmp/io-at-restart
	) &
	seal_host restarts both ready-both
	# The host answers 8 s after the second restart: both outages fell
	# inside the workload only if it still runs.
	kill -0 "$hog" 2>/dev/null ||
		ns_fail "recovery workload: memhog ended before both restarts were over"
	wait "$hog"
	mrc=$?
	wait
	[ "$mrc" = 0 ] || ns_fail "recovery workload: memhog exit $mrc across two restarts of both servers: $(tail -n 2 /tmp/hog.out)"
	for t in ri rn; do
		r=$(ns_stat "$t" recoveries)
		io1=$(awk -v t="$t" '$1 == t { print $2 }' /tmp/io-at-restart)
		io2=$(($(ns_stat "$t" reads) + $(ns_stat "$t" writes)))
		if [ "$r" -ge $((r0[$t] + 2)) ] && [ "$io2" -gt "${io1:-$io2}" ] && [ "$mrc" = 0 ]; then
			ns_ok "$t ($(ns_get "$t" transport)): recoveries ${r0[$t]} -> $r, $((io2 - io1)) requests after the first restart, all pages verified: $(tail -n 1 /tmp/hog.out)"
		else
			ns_fail "$t ($(ns_get "$t" transport)): recoveries ${r0[$t]} -> $r, requests ${io1:-?} at the first restart -> $io2 at the end"
		fi
		[ "$(ns_stat "$t" integrity_errors)" = 0 ] ||
			ns_fail "$t: $(ns_stat "$t" integrity_errors) integrity errors in the recovery workload"
		swapoff "${devs[$t]}" || ns_fail "swapoff ${devs[$t]}"
		ns_teardown "$t"
	done
	echo "$mf" >/proc/sys/vm/min_free_kbytes
}

# seal_control KIND: t0 unsealed, the pages' text is on the storage.
seal_control() {
	local kind=$1 dev cnt
	echo 0 >"$NS_CFG/t0/enable" || ns_fail "disable: $(ns_get t0 last_error)"
	[ "$(ns_get t0 seal_kb)" = 0 ] || ns_fail "seal_kb $(ns_get t0 seal_kb) after disable"
	ns_set_check t0 seal none
	ns_enable t0 || ns_die "enable of the unsealed $kind target"
	dev=$(ns_dev t0)
	mkswap "$dev" >/dev/null || ns_fail "mkswap $dev"
	swapon "$dev" || ns_die "swapon $dev"
	sealpages_start "NETSWAP-SEAL-CTRL-$kind"
	seal_host grep "$kind" "NETSWAP-SEAL-CTRL-$kind"
	cnt=$seal_ans
	if [ "$cnt" -gt 0 ]; then
		ns_ok "$kind control: unsealed, the storage holds the pages' text ($cnt times)"
	else
		ns_fail "$kind control: unsealed, yet the storage holds none of the pages' text"
	fi
	: >/tmp/sp/go
	wait "$sp_pid" || ns_fail "$kind control: sealpages exit $? ($(tail -n 2 /tmp/sp.err))"
	swapoff "$dev" || ns_fail "swapoff $dev"
}

ns_load
echo 60 >/proc/sys/kernel/hung_task_timeout_secs 2>/dev/null
seal_run iscsi
seal_run nfs
seal_recovery
seal_host end -
ns_unload
ns_finish
