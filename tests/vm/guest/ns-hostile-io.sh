# shellcheck shell=bash
# Guest (t-28-hostile-io.sh): netswap's iSCSI I/O path against
# fakeiscsi.py's I/O modes, a target in this guest on 127.0.0.1 that logs
# in validly, serves a 16 MiB LUN from memory (every write asked for by
# R2T) and misbehaves in one way per run while an 8 MB O_DIRECT pattern is
# written and read back:
#   io            no misbehaviour: no recovery, no protocol error
#   io-bad-r2t    twice, an R2T whose offset is past the end of the write:
#                 "protocol error: bad R2T", a recovery each, data intact
#   io-big-nop    twice, a NOP-In with 16 KiB of data (the control buffer
#                 is 8 KiB): "control PDU's data segment longer than its
#                 buffer", a recovery each, data intact
#   io-nop-storm  a 4 KiB ping before every command: every echo carries
#                 its own ping's data whole (the probe's synchronous path
#                 answers with none, which RFC 7143 allows), none torn,
#                 none for a ping never sent
#   io-datain-*   a READ's Data-In with a gap, an overlap, DataSN out of
#                 order, its status after half the data, an underflow
#                 residual, a segment over MaxRecvDataSegmentLength
#   io-unknown-itt, io-reject, io-async-logout, io-cut
#                 a response for no task, a Reject, an Async logout
#                 request, a connection closed in the middle of a PDU
#   io-sense-overrun  CHECK CONDITION whose SenseLength runs past its
#                 data segment (a malformed PDU)
#   io-write-early-good, io-write-residual
#                 a WRITE answered GOOD before any of its data was asked
#                 for; a WRITE whose last 512 bytes the target kept, then
#                 GOOD with an underflow residual: "write completed
#                 before all of its data was sent" / "... with an
#                 underflow residual", never a completed write
# each twice, each a recovery with the request issued again and the data
# intact;
#   io-sense-garbage  twice a READ answered CHECK CONDITION without usable
#                 sense (unknown format; SenseLength 0): retried as the
#                 SCSI midlayer would, no recovery, no I/O error;
#   io-cross-itt  reads through one session while a write waits for its
#                 data on the other: twice a GOOD response for that write
#                 on the read's session: "response for no command", a
#                 recovery each, never the write's completion (every byte
#                 written reads back);
# 3 x nr_requests single-block reads and writes under mq-deadline, where
# requests change tags: no ITT used twice on a connection (run_itt);
# and READ CAPACITY(16) with a last LBA of 2^64-1 (0 blocks once
# counted) or 2^64-2, 3-byte blocks, or a single block fails enable
# (rc-*). The target runs with its default of two sessions, and the fake
# must have served two at once. A fault counts only if it hit: the
# fake's "injected" counter and the target's recoveries must both show it.
. "$NETSWAP_REPO/tests/vm/guest/nslib.sh"
. "$NETSWAP_REPO/tests/vm/guest-lib.sh"

FAKE=$NETSWAP_REPO/tests/vm/fakeiscsi.py
port=3262
ns_load
ip link set lo up 2>/dev/null

# fake_start MODE ARG...: the fake in MODE on $port, its PID in pid.
fake_start() {
	local mode=$1
	shift
	rm -f /tmp/fake-ready "/share/fake-$mode.log"
	python3 "$FAKE" --port "$port" --mode "$mode" --ready /tmp/fake-ready "$@" \
		--log "/share/fake-$mode.log" </dev/null >"/share/fake-$mode.out" 2>&1 &
	pid=$!
	nsvm_wait_file /tmp/fake-ready 60 || ns_die "$mode: fakeiscsi.py did not start: $(tail -n 3 "/share/fake-$mode.out")"
}

# fake_stop MODE INJECTIONS: stop it; its counters in F. It must have
# injected INJECTIONS faults, served two sessions at once, and seen no
# command reuse an ITT of its connection (probe commands included).
declare -A F
fake_stop() {
	local mode=$1 k v
	kill "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	F=()
	while read -r k v; do F[$k]=$v; done <"/share/fake-$mode.log"
	ns_log "$mode: fake $(tr '\n' ' ' <"/share/fake-$mode.log")"
	[ "${F[injected]:-0}" = "$2" ] || ns_fail "$mode: the fake injected ${F[injected]:-0} faults, $2 expected"
	[ "${F[sessions_at_once]:-0}" = 2 ] ||
		ns_fail "$mode: the fake served ${F[sessions_at_once]:-0} sessions at once, not 2"
	[ "${F[itt_reused]:-x}" = 0 ] ||
		ns_fail "$mode: ${F[itt_reused]:-?} commands reused an ITT of their connection"
}

# run_io MODE INJECTIONS RECOVERIES KLOG [AFTER [EVERY]]: the pattern
# through the fake in MODE, injecting from command AFTER (10: among the
# writes; the reads start near command 45) every EVERY (10) commands. A
# recovery's reconnect of both sessions takes about 10 commands of
# probes: a fault that any command can carry is spaced further, so the
# second hits I/O again and not the probe; the fake must have
# injected INJECTIONS faults, the target counted at least RECOVERIES
# recoveries, and the kernel log must say KLOG (an extended regex) that
# many times ("" for none expected: then no protocol error may be logged).
run_io() {
	local mode=$1 inj=$2 rec=$3 klog=$4 after=${5:-10} every=${6:-10} t=io0
	dmesg -C
	fake_start "$mode" --lun-mb 16 --inject-after "$after" --inject-every "$every" \
		--inject-count "$inj" --max-seconds 240
	ns_create "$t" 127.0.0.1 "$port" iqn.2026-12.org.netswap.test:hostile-io 0
	ns_set "$t" io_timeout_ms 5000
	ns_set "$t" reconnect_delay_ms 200
	if ! ns_enable "$t"; then
		ns_fail "$mode: enable: $(ns_get "$t" last_error)"
	else
		ns_pattern_check "$(ns_dev "$t")" 8 || ns_fail "$mode: data"
		declare -A S=()
		while read -r k v; do S[$k]=$v; done <"$NS_CFG/$t/stats"
		ns_log "$mode: stats recoveries ${S[recoveries]} reconnects ${S[reconnects]} errors ${S[errors]} writes ${S[writes]} reads ${S[reads]}"
		[ "${S[errors]}" = 0 ] || ns_fail "$mode: ${S[errors]} I/O errors"
		if [ "$rec" = 0 ]; then
			[ "${S[recoveries]}" = 0 ] || ns_fail "$mode: ${S[recoveries]} recoveries, none expected"
			# A fault that hit without a recovery was retried.
			if [ "$inj" -gt 0 ]; then
				[ "${S[retries]}" -ge "$inj" ] &&
					ns_ok "$mode: ${S[retries]} commands retried, no recovery" ||
					ns_fail "$mode: ${S[retries]} retries, at least $inj expected"
			fi
		elif [ "${S[recoveries]}" -lt "$rec" ]; then
			ns_fail "$mode: ${S[recoveries]} recoveries, at least $rec expected"
		else
			ns_ok "$mode: ${S[recoveries]} recoveries while data moved"
		fi
		ns_teardown "$t"
	fi
	fake_stop "$mode" "$inj"
	if [ -n "$klog" ]; then
		[ "$(dmesg | grep -cE "$t: .*$klog")" -ge "$inj" ] &&
			ns_ok "$mode: kernel log: $klog" ||
			ns_fail "$mode: kernel log lacks $inj x '$klog'"
	elif dmesg | grep "$t: protocol error"; then
		ns_fail "$mode: protocol errors logged"
	fi
	if [ "$mode" = io-nop-storm ]; then
		[ "${F[echo_ok]:-0}" -gt 0 ] && [ "${F[echo_torn]:-x}" = 0 ] && [ "${F[echo_unknown]:-x}" = 0 ] &&
			ns_ok "$mode: ${F[echo_ok]} echoes whole (${F[echo_empty]} empty), none torn or unknown" ||
			ns_fail "$mode: echoes ok ${F[echo_ok]:-?} empty ${F[echo_empty]:-?} torn ${F[echo_torn]:-?} unknown ${F[echo_unknown]:-?}"
	fi
}

# run_rc MODE [EXPECT]: READ CAPACITY(16) answers nonsense: enable fails,
# last_error starts with EXPECT.
run_rc() {
	local mode=$1 expect=${2:-"READ CAPACITY(16): invalid capacity"} t=rc0 err
	fake_start "$mode" --max-seconds 60
	ns_create "$t" 127.0.0.1 "$port" iqn.2026-12.org.netswap.test:hostile-io 0
	if echo 1 2>/dev/null >"$NS_CFG/$t/enable"; then
		ns_fail "$mode: enable succeeded"
		echo 0 >"$NS_CFG/$t/enable"
	else
		err=$(ns_get "$t" last_error)
		[[ $err == "$expect"* ]] && ns_ok "$mode: $err" ||
			ns_fail "$mode: last_error '$err'"
	fi
	rmdir "$NS_CFG/$t" || ns_fail "$mode: rmdir"
	kill "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
}

run_io io 0 0 ""
run_io io-bad-r2t 2 2 "protocol error: bad R2T"
run_io io-big-nop 2 2 "protocol error: control PDU's data segment longer than its buffer" 10 25
run_io io-nop-storm 0 0 ""
run_io io-datain-gap 2 2 "protocol error: Data-In leaves a gap in the read" 45
run_io io-datain-overlap 2 2 "protocol error: Data-In overlaps data already received" 45
run_io io-datain-datasn 2 2 "protocol error: Data-In out of DataSN order" 45
run_io io-datain-short 2 2 "protocol error: read completed with bytes missing" 45
run_io io-datain-residual 2 2 "protocol error: read completed with an underflow residual" 45
run_io io-datain-big 2 2 "protocol error: data segment too long" 45
run_io io-unknown-itt 2 2 "protocol error: response for no command" 45
run_io io-write-early-good 2 2 "protocol error: write completed before all of its data was sent"
run_io io-write-residual 2 2 "protocol error: write completed with an underflow residual"
run_io io-reject 2 2 "target rejected a PDU" 45
run_io io-async-logout 2 2 "target requested logout" 45
run_io io-cut 2 2 "" 45
run_io io-sense-overrun 2 2 "protocol error: sense length past the data segment" 45
run_io io-sense-garbage 2 0 "" 45

# run_itt: under mq-deadline, requests change driver tags, and an ITT
# built per request came back on a tag while its connection was up: a
# late or duplicated answer to the earlier command would then complete
# the new one with its data. 3 x nr_requests single-block reads, then as
# many writes: the fake must have seen no ITT twice on a connection.
run_itt() {
	local mode=io t=io0 dev q nr n
	fake_start "$mode" --lun-mb 16 --max-seconds 240
	ns_create "$t" 127.0.0.1 "$port" iqn.2026-12.org.netswap.test:hostile-io 0
	ns_enable "$t" || ns_die "itt: enable: $(ns_get "$t" last_error)"
	dev=$(ns_dev "$t")
	q=/sys/block/${dev##*/}/queue
	echo mq-deadline >"$q/scheduler" || ns_fail "itt: no mq-deadline ($(cat "$q/scheduler"))"
	nr=$(cat "$q/nr_requests")
	n=$((3 * nr))
	dd if="$dev" of=/dev/null bs=4k count="$n" iflag=direct status=none ||
		ns_fail "itt: reads"
	dd if=/dev/zero of="$dev" bs=4k count="$n" seek=1024 oflag=direct status=none ||
		ns_fail "itt: writes"
	ns_log "itt: scheduler $(cat "$q/scheduler"), nr_requests $nr"
	ns_teardown "$t"
	fake_stop "$mode" 0
	if [ "${F[scsi_cmds]:-0}" -lt $((2 * n)) ]; then
		ns_fail "itt: ${F[scsi_cmds]:-0} commands, $((2 * n)) expected"
	elif [ "${F[itt_reused]:-x}" = 0 ]; then
		ns_ok "itt: ${F[scsi_cmds]} commands under mq-deadline (nr_requests $nr), no ITT used twice on a connection"
	fi
}
run_itt
# run_cross: io-cross-itt. 8 MB read back over and over from the end of
# a 32 MiB LUN while 24 MB are written once at its start: a write acked
# by the other session's response would leave blocks unwritten, which the
# single pass could not cover up.
run_cross() {
	local mode=io-cross-itt t=io0 dev rc
	rm -f /tmp/cross-stop /tmp/cross-bad
	dmesg -C
	fake_start "$mode" --lun-mb 32 --inject-after 10 --inject-every 1 --inject-count 2 \
		--max-seconds 240
	ns_create "$t" 127.0.0.1 "$port" iqn.2026-12.org.netswap.test:hostile-io 0
	ns_set "$t" io_timeout_ms 5000
	ns_set "$t" reconnect_delay_ms 200
	ns_enable "$t" || ns_die "$mode: enable: $(ns_get "$t" last_error)"
	dev=$(ns_dev "$t")
	dd if=/dev/urandom of=/tmp/cross-r bs=1M count=8 status=none
	dd if=/dev/urandom of=/tmp/cross-w bs=1M count=24 status=none
	dd if=/tmp/cross-r of="$dev" bs=1M seek=24 oflag=direct status=none ||
		ns_fail "$mode: write of the read pattern"
	(
		for ((k = 1; k <= 300; k++)); do
			[ -e /tmp/cross-stop ] && break
			if ! timeout 60 dd if="$dev" of=/tmp/cross-back bs=64k skip=384 count=128 \
				iflag=direct status=none || ! cmp -s /tmp/cross-back /tmp/cross-r; then
				echo "round $k" >>/tmp/cross-bad
			fi
		done
	) &
	local readers=$!
	nsvm_sleep 1
	timeout 120 dd if=/tmp/cross-w of="$dev" bs=1M oflag=direct status=none
	rc=$?
	touch /tmp/cross-stop
	wait "$readers"
	[ "$rc" = 0 ] || ns_fail "$mode: the write failed ($rc): $(ns_get "$t" last_error)"
	[ -s /tmp/cross-bad ] && ns_fail "$mode: read-backs wrong: $(tr '\n' ' ' </tmp/cross-bad)"
	if timeout 60 dd if="$dev" of=/tmp/cross-back bs=1M count=24 iflag=direct status=none &&
		cmp -s /tmp/cross-back /tmp/cross-w; then
		ns_ok "$mode: all 24 MB written during the cross-session responses read back"
	else
		ns_fail "$mode: the write does not read back: $(cmp /tmp/cross-back /tmp/cross-w 2>&1 | head -n 1)"
	fi
	declare -A S=()
	while read -r k v; do S[$k]=$v; done <"$NS_CFG/$t/stats"
	ns_log "$mode: stats recoveries ${S[recoveries]} errors ${S[errors]} writes ${S[writes]} reads ${S[reads]}"
	[ "${S[errors]}" = 0 ] || ns_fail "$mode: ${S[errors]} I/O errors"
	[ "${S[recoveries]}" -ge 2 ] && ns_ok "$mode: ${S[recoveries]} recoveries" ||
		ns_fail "$mode: ${S[recoveries]} recoveries, 2 expected"
	ns_teardown "$t"
	fake_stop "$mode" 2
	[ "$(dmesg | grep -c "$t: protocol error: response for no command")" -ge 2 ] &&
		ns_ok "$mode: kernel log: response for no command" ||
		ns_fail "$mode: kernel log lacks 2 x 'response for no command'"
}

run_cross
run_rc rc-all-ones
run_rc rc-huge
run_rc rc-block3
run_rc rc-one-block "LUN is too small"

ns_unload
ns_finish
