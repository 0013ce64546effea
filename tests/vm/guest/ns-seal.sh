# shellcheck shell=bash
# Guest of t-40-seal: sealed swap (seal = aead) on an iSCSI LUN (host tgt)
# and an NFS file (host ganesha). The host answers requests through the
# share (seal_host): it greps, flips, saves, restores and copies blocks of
# the backing file, and kills and restarts the server.
# Args: RECOVERY (iscsi | nfs): the transport whose server is restarted
# under a sealed workload.
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

# sealpages_start MARKER: sealpages.py in the background over 2048 pages;
# waits for their swap offsets.
sealpages_start() {
	local i
	rm -rf /tmp/sp
	mkdir /tmp/sp
	python3 "$SP" /tmp/sp 2048 "$1" 2>/tmp/sp.err &
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
	# (sealpages.py checks that the altered ones were).
	"$NS_MEMHOG" -m "$(ns_mem_mb)" -p 1 >/tmp/sp-hog.out 2>&1 ||
		ns_fail "$kind: memhog to push the swap cache out failed: $(tail -n 2 /tmp/sp-hog.out)"
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

	# Recovery keeps the key: the server killed and restarted twice
	# while a workload of 1.5 x RAM swaps, every page verified.
	[ "$kind" = "$recovery" ] && seal_recovery "$kind" "$dev" "$e1"

	# The control: unsealed, the same pages' text is on the storage, so
	# the check above can see it.
	seal_control "$kind"
	ns_teardown t0
	echo "$mf" >/proc/sys/vm/min_free_kbytes
}

# seal_recovery KIND DEV INTEGRITY_ERRORS: the recovery workload.
seal_recovery() {
	local kind=$1 dev=$2 r0 r1 hog mrc
	mkswap "$dev" >/dev/null || ns_fail "mkswap $dev"
	swapon "$dev" || ns_die "swapon $dev"
	r0=$(ns_stat t0 recoveries)
	rm -f "/share/ready-$kind"
	"$NS_MEMHOG" -m $(($(ns_mem_mb) * 3 / 2)) -p 1 -r "/share/ready-$kind" >/tmp/hog.out 2>&1 &
	hog=$!
	seal_host restarts "$kind" "ready-$kind"
	wait "$hog"
	mrc=$?
	r1=$(ns_stat t0 recoveries)
	if [ "$mrc" = 0 ] && [ "$r1" -ge $((r0 + 2)) ]; then
		ns_ok "$kind: $(tail -n 1 /tmp/hog.out); recoveries $r0 -> $r1, all pages verified"
	else
		ns_fail "$kind: memhog exit $mrc across two restarts, recoveries $r0 -> $r1: $(tail -n 2 /tmp/hog.out)"
	fi
	[ "$(ns_stat t0 integrity_errors)" = "$3" ] ||
		ns_fail "$kind: integrity errors during the recovery workload"
	swapoff "$dev" || ns_fail "swapoff $dev"
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

recovery=${1:?usage: ns-seal.sh iscsi|nfs}
ns_load
echo 60 >/proc/sys/kernel/hung_task_timeout_secs 2>/dev/null
seal_run iscsi
seal_run nfs
seal_host end -
ns_unload
ns_finish
