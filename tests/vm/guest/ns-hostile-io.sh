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
# A fault counts only if it hit: the fake's "injected" counter and the
# target's recoveries must both show it.
. "$NETSWAP_REPO/tests/vm/guest/nslib.sh"
. "$NETSWAP_REPO/tests/vm/guest-lib.sh"

FAKE=$NETSWAP_REPO/tests/vm/fakeiscsi.py
port=3262
ns_load
ip link set lo up 2>/dev/null

# run_io MODE INJECTIONS RECOVERIES KLOG: the pattern through the fake in
# MODE; the fake must have injected INJECTIONS faults, the target counted
# at least RECOVERIES recoveries, and the kernel log must say KLOG ("" for
# none expected: then no protocol error may be logged at all).
run_io() {
	local mode=$1 inj=$2 rec=$3 klog=$4 t=io0 pid
	rm -f /tmp/fake-ready "/share/fake-$mode.log"
	dmesg -C
	python3 "$FAKE" --port "$port" --mode "$mode" --ready /tmp/fake-ready \
		--lun-mb 16 --inject-after 10 --inject-every 10 --inject-count "$inj" \
		--log "/share/fake-$mode.log" --max-seconds 240 </dev/null >"/share/fake-$mode.out" 2>&1 &
	pid=$!
	nsvm_wait_file /tmp/fake-ready 60 || ns_die "$mode: fakeiscsi.py did not start: $(tail -n 3 "/share/fake-$mode.out")"
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
		elif [ "${S[recoveries]}" -lt "$rec" ]; then
			ns_fail "$mode: ${S[recoveries]} recoveries, at least $rec expected"
		else
			ns_ok "$mode: ${S[recoveries]} recoveries while data moved"
		fi
		ns_teardown "$t"
	fi
	kill "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	declare -A F=()
	while read -r k v; do F[$k]=$v; done <"/share/fake-$mode.log"
	ns_log "$mode: fake $(tr '\n' ' ' <"/share/fake-$mode.log")"
	[ "${F[injected]:-0}" = "$inj" ] || ns_fail "$mode: the fake injected ${F[injected]:-0} faults, $inj expected"
	if [ -n "$klog" ]; then
		[ "$(dmesg | grep -c "$t: protocol error: $klog")" -ge "$inj" ] &&
			ns_ok "$mode: kernel log: $klog" ||
			ns_fail "$mode: kernel log lacks $inj x 'protocol error: $klog'"
	elif dmesg | grep "$t: protocol error"; then
		ns_fail "$mode: protocol errors logged"
	fi
	if [ "$mode" = io-nop-storm ]; then
		[ "${F[echo_ok]:-0}" -gt 0 ] && [ "${F[echo_torn]:-x}" = 0 ] && [ "${F[echo_unknown]:-x}" = 0 ] &&
			ns_ok "$mode: ${F[echo_ok]} echoes whole (${F[echo_empty]} empty), none torn or unknown" ||
			ns_fail "$mode: echoes ok ${F[echo_ok]:-?} empty ${F[echo_empty]:-?} torn ${F[echo_torn]:-?} unknown ${F[echo_unknown]:-?}"
	fi
}

run_io io 0 0 ""
run_io io-bad-r2t 2 2 "bad R2T"
run_io io-big-nop 2 2 "control PDU's data segment longer than its buffer"
run_io io-nop-storm 0 0 ""

ns_unload
ns_finish
