#!/bin/bash
# t-16-linkcut.sh KVER [short|stress]: a silent link cut and a flapping
# link while the guest swaps through netswap on both transports at once:
# one iSCSI target on the host's tgt and one NFS target on the host's
# ganesha, swap on both at equal priority, memhog verifying every page.
# The host cuts the guest's link from outside through QEMU's monitor
# (set_link net0 off/on: every packet lost, no RST, no FIN): once for
# LONG_S, then FLAPS cuts of FLAP_S, GAP_S apart (short, make test: 15 s,
# then 3 x 3 s; stress, s-16-linkcut.sh: 60 s, then 10 x 3 s).
# guest/ns-linkcut.sh checks: zero corrupt pages and memhog exit 0, the
# workload outlasting the faults, per target errors 0, the long cut
# detected (timeouts, recoveries) and recovered (up -> recovering -> up,
# reconnects), I/O before and after, and exactly the TCP sockets of each
# target (two: writes, reads) after the flapping (an old connection closed
# gracefully lingers as an orphan retransmitting into the cut link).
# The link cut's short form runs on the newest kernel; make stress runs the
# long form (s-16-linkcut) on every kernel, the oldest among them (make
# test has to stay well under 45 minutes on 2 cores):
# vm-kernels: newest
# vm-time: 140
set -euo pipefail
. "$(dirname "$0")/lib.sh"

# 2000 ms: with NOP-Out pings every 1000 ms and a request in flight at
# every cut (linkmon.py's probe read), each 3 s cut is noticed while the
# link is still down. It is short for TCG: requests queued behind a full
# queue of 128 KiB writes time out now and then without any fault
# (harmless recoveries, counted before the first cut).
io_timeout_ms=2000
form_args() { # FORM -> LONG_S FLAPS FLAP_S GAP_S
	case $1 in
	short) echo "15 3 3 5" ;;
	stress) echo "60 10 3 5" ;;
	*) vm_fail "form must be short or stress, not '$1'" ;;
	esac
}

if [ "${1:-}" = --host-side ]; then
	read -r long_s flaps flap_s gap_s <<<"$(form_args "$2")"
	share=$NETSWAP_SHARE
	# Whatever happens, the link is on again when this ends.
	trap 'vm_link on >/dev/null 2>&1 || true' EXIT
	# both_up TIMEOUT_S MARKER: the guest's state files say up for both
	# targets, and guest/linkmon.py, which writes them, has run since
	# MARKER (its heartbeat is newer: it can stall while swap is cut off).
	both_up() {
		local i a b
		for ((i = 0; i < $1 * 10; i++)); do
			a=$(cat "$share/state-i0" 2>/dev/null) b=$(cat "$share/state-n0" 2>/dev/null)
			[ "$a$b" = upup ] && [ "$share/linkmon-beat" -nt "$2" ] && return 0
			kill -0 "$NETSWAP_QEMU_PID" 2>/dev/null || return 1
			sleep 0.1
		done
		return 1
	}
	vm_wait_file "$share/ready" 600 "$NETSWAP_QEMU_PID" ||
		vm_fail "the guest never started swapping"
	# The first cut must find pages moving on both targets: give the
	# verifying pass 2 s to complete requests on each (linkmon.py checks
	# that it did; cut 0.1 s after ready, the NFS target once had none).
	sleep 2
	cuts=$((flaps + 1))
	for ((k = 1; k <= cuts; k++)); do
		len=$flap_s
		[ "$k" = 1 ] && len=$long_s
		kill -0 "$NETSWAP_QEMU_PID" 2>/dev/null || vm_fail "the guest ended before cut $k"
		vm_link off || vm_fail "set_link net0 off ($k)"
		: >"$share/cut-$k"
		vm_log "link cut $k of $cuts, for $len s"
		sleep "$len"
		vm_link on || vm_fail "set_link net0 on ($k)"
		: >"$share/restored-$k"
		vm_log "link restored ($k)"
		if [ "$k" = 1 ]; then
			t0=$SECONDS
			both_up 180 "$share/restored-1" || vm_fail "the targets were not both up 180 s after the long cut"
			vm_log "both targets up again $((SECONDS - t0)) s after the restore"
		fi
		[ "$k" = "$cuts" ] || sleep "$gap_s"
	done
	: >"$share/flap-done"
	vm_log "flapping done"
	exit 0
fi

kver=${1:?usage: $0 KVER [short|stress]}
form=${2:-short}
args=$(form_args "$form")
name=t-16-linkcut
timeout=900
if [ "$form" = stress ]; then
	name=s-16-linkcut timeout=1500
fi
vm_need_module "$kver"
vm_tgt_lun "$name" 512
vm_nfs_file "$name" 512
# shellcheck disable=SC2086  # args: four numbers
"$VM_HERE/boot.sh" --monitor --name "$name-$kver" --mem 256 --timeout "$timeout" \
	--host "$(printf '%q --host-side %q' "$0" "$form")" \
	"$kver" "$VM_HERE/guest/ns-linkcut.sh" $args "$io_timeout_ms"
