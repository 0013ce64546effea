#!/bin/bash
# boot.sh [options] KVER SCRIPT [ARGS...]
# Boot a QEMU/TCG guest on Debian kernel KVER with the host's root as its
# root (read-only 9p + tmpfs overlay) and run SCRIPT (a guest-side bash
# script, absolute or relative path on the host) with ARGS inside it.
#
# Options:
#   --mem MB       guest memory (default 512)
#   --smp N        guest CPUs (default 2)
#   --timeout S    kill QEMU (by PID) after S seconds (default 600)
#   --name NAME    run dir build/vm/NAME (default: SCRIPT basename-KVER)
#   --host CMD     run CMD (bash -c) on the host while the guest runs, with
#                  NETSWAP_SHARE and NETSWAP_QEMU_PID exported; its non-zero
#                  exit fails the run. It is waited for after the guest ends
#                  (bounded: 60 s, then SIGTERM by PID).
#   --append STR   extra kernel command line
#   --interactive  the guest's serial console on this terminal as well as
#                  in console.log (make demo-shell); Ctrl-C goes to the guest
#   --initrd FILE  boot this initramfs instead of the harness's own (the
#                  early-boot tests: dracut's or mkinitramfs' image, with
#                  root= and init=guest/early-root.sh in --append)
#   --monitor      QEMU's human monitor on the unix socket
#                  build/vm/NAME/monitor.sock (instead of none), exported to
#                  the --host command as NETSWAP_QEMU_MONITOR: lib.sh's
#                  vm_link off|on cuts and restores the guest's link (netdev
#                  net0) from outside the guest
#   --ipv6         IPv6 on QEMU's user network as well: prefix
#                  fd6e:7377:1::/64 (router advertisements), the host is
#                  fd6e:7377:1::2 and QEMU connects the guest's connections
#                  to it to the host's [::1]:PORT; exported to the guest as
#                  NETSWAP_HOST_IP6 (NETSWAP_GUEST_IP6 fd6e:7377:1::15 is
#                  for the guest to configure: nsvm_ipv6 in guest-lib.sh)
#
# Run dir build/vm/NAME: console.log (ttyS0), qemu.log, share/ (the guest's
# /share: rc, dmesg.txt, output.log = the script's stdout+stderr, and any
# marker files). The guest gets NETSWAP_REPO, NETSWAP_KVER, NETSWAP_KO_DIR,
# NETSWAP_KO (= $NETSWAP_KO_DIR/netswap.ko; NETSWAP_KO_DIR defaults to
# <repo>/build/KVER), NETSWAP_HOST_IP=10.0.2.2, NETSWAP_GUEST_IP, and every
# other NETSWAP_* variable of this environment; NETSWAP_SHARE is /share.
#
# Exit status: the guest script's rc; 124 timeout; 125 no rc (crash/panic);
# 126 script passed but the kernel log has a bad line (WARNING:, BUG:,
# Oops, Call Trace, hung task, OOM, panic...; NETSWAP_VM_ALLOW=ERE exempts
# matching lines); 2 usage/setup error. Failures print "REASON: ..." lines
# (run.sh reports the last one); a guest script may put a one-line reason
# in /share/reason, a --host command may print "REASON: ..." lines.
set -uo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/../.." && pwd)

mem=512 smp=2 timeout=600 name="" host_cmd="" append="" initrd_file="" interactive=0 monitor=0 ipv6=off
usage() { awk 'NR > 1 && !/^#/ { exit } NR > 1' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//' >&2; exit 2; }
while [ $# -gt 0 ]; do
	case $1 in
	--mem) mem=$2; shift 2 ;;
	--smp) smp=$2; shift 2 ;;
	--timeout) timeout=$2; shift 2 ;;
	--name) name=$2; shift 2 ;;
	--host) host_cmd=$2; shift 2 ;;
	--append) append=$2; shift 2 ;;
	--initrd) initrd_file=$2; shift 2 ;;
	--interactive) interactive=1; shift ;;
	--monitor) monitor=1; shift ;;
	--ipv6) ipv6=on; shift ;;
	-h | --help) usage ;;
	--) shift; break ;;
	-*) echo "boot.sh: unknown option $1" >&2; usage ;;
	*) break ;;
	esac
done
[ $# -ge 2 ] || usage
kver=$1 script=$2
shift 2
for v in "$mem" "$smp" "$timeout"; do
	[[ $v =~ ^[0-9]+$ ]] || { echo "REASON: bad number '$v'" >&2; exit 2; }
done

kernel=/boot/vmlinuz-$kver
[ -r "$kernel" ] || { echo "REASON: no kernel $kernel" >&2; exit 2; }
script=$(realpath -e -- "$script") || { echo "REASON: no script $2" >&2; exit 2; }
[[ $script$repo != *[[:space:]]* ]] || { echo "REASON: paths must not contain spaces" >&2; exit 2; }
[ -n "$name" ] || name=$(basename "$script" .sh)-$kver
[[ $name =~ ^[A-Za-z0-9._+-]+$ ]] || { echo "REASON: bad --name '$name'" >&2; exit 2; }

vm_dir=${NETSWAP_VM_DIR:-$repo/build/vm}
run_dir=$vm_dir/$name
share=$run_dir/share
console=$run_dir/console.log
initrd=$vm_dir/initrd-$kver.cpio.gz

if [ -n "$initrd_file" ]; then
	[ -r "$initrd_file" ] || { echo "REASON: no initramfs $initrd_file" >&2; exit 2; }
	initrd=$initrd_file
else
	"$here/mkinitrd.sh" "$kver" "$initrd" || { echo "REASON: mkinitrd failed" >&2; exit 2; }
fi

# Fresh run dir (only ever below build/vm/NAME).
rm -rf -- "${run_dir:?}"
mkdir -p "$share/.vm"

export NETSWAP_REPO=$repo NETSWAP_KVER=$kver
export NETSWAP_KO_DIR=${NETSWAP_KO_DIR:-$repo/build/$kver}
export NETSWAP_KO=${NETSWAP_KO:-$NETSWAP_KO_DIR/netswap.ko}
export NETSWAP_HOST_IP=10.0.2.2 NETSWAP_GUEST_IP=10.0.2.15
netdev=user,id=net0,ipv6=off
unset NETSWAP_HOST_IP6 NETSWAP_GUEST_IP6
if [ "$ipv6" = on ]; then
	export NETSWAP_HOST_IP6=fd6e:7377:1::2 NETSWAP_GUEST_IP6=fd6e:7377:1::15
	netdev=user,id=net0,ipv6=on,ipv6-net=fd6e:7377:1::/64,ipv6-host=$NETSWAP_HOST_IP6
fi
export NETSWAP_TGT_PORT=${NETSWAP_TGT_PORT:-3260}
export NETSWAP_VM_TEST=$script NETSWAP_VM_NAME=$name
# Environment for the guest: every NETSWAP_* (with the guest's view of the
# share), and the script arguments as a bash array.
{
	while IFS= read -r v; do
		[ "$v" = NETSWAP_SHARE ] && continue
		declare -p "$v"
	done < <(compgen -e | grep '^NETSWAP_')
	echo 'export NETSWAP_SHARE=/share'
	nsvm_args=("$@")
	declare -p nsvm_args
} >"$share/.vm/env.sh"
export NETSWAP_SHARE=$share

cmdline="console=ttyS0 loglevel=5 panic=1 mitigations=off"
# A CPU stuck for good ends the guest at once with every CPU's trace
# (the lock's holder too), instead of at the case's timeout with one.
cmdline+=" softlockup_panic=1 softlockup_all_cpu_backtrace=1"
cmdline+=" nsvm.init=$here/guest-init.sh nsvm.test=$script"
cmdline+=" ${NETSWAP_VM_APPEND:-} $append"

# QEMU's monitor: none, or (--monitor) a unix socket for the --host command.
monitor_arg=none
if [ "$monitor" = 1 ]; then
	# sun_path holds 107 characters.
	[ ${#run_dir} -le 90 ] || { echo "REASON: --monitor: run dir path too long for a unix socket: $run_dir" >&2; exit 2; }
	monitor_arg=unix:$run_dir/monitor.sock,server,nowait
	export NETSWAP_QEMU_MONITOR=$run_dir/monitor.sock
fi

# No CX16: QEMU 7.2's TCG corrupts EFLAGS at CMPXCHG16B, which the
# guest kernels' SLUB runs all the time (tests/vm/README.md,
# tests/tools/tcg-cx16.c).
# shellcheck disable=SC2054  # commas are QEMU option syntax
qemu=(qemu-system-x86_64
	-accel tcg,thread=multi -cpu "${NETSWAP_VM_CPU:-max,-cx16}" -m "$mem" -smp "$smp"
	-nodefaults -nographic -no-reboot -monitor "$monitor_arg"
	-kernel "$kernel" -initrd "$initrd" -append "$cmdline"
	-fsdev "local,id=hostroot,path=/,security_model=none,readonly=on,multidevs=remap"
	-device virtio-9p-pci,fsdev=hostroot,mount_tag=hostroot
	-fsdev "local,id=share,path=$share,security_model=none,multidevs=remap"
	-device virtio-9p-pci,fsdev=share,mount_tag=share
	-netdev "$netdev"
	-device virtio-net-pci,netdev=net0)
if [ "$interactive" = 1 ]; then
	qemu+=(-chardev "stdio,id=con,signal=off,logfile=$console" -serial chardev:con)
else
	qemu+=(-serial "file:$console")
fi
# Extra QEMU arguments (word-split on purpose).
# shellcheck disable=SC2206
[ -n "${NETSWAP_QEMU_EXTRA:-}" ] && qemu+=($NETSWAP_QEMU_EXTRA)
printf '%q ' "${qemu[@]}" >"$run_dir/qemu.cmd"

qpid="" hpid="" tail_pid="" elapsed=0 timed_out=0 host_rc=0 attempt=1
# If we are told to stop, stop what we started (by PID) first.
# shellcheck disable=SC2317  # invoked by the trap
on_signal() {
	local p
	for p in "$hpid" "$tail_pid" "$qpid"; do
		[ -n "$p" ] && kill -TERM "$p" 2>/dev/null
	done
	echo "REASON: boot.sh interrupted" >&2
	exit 130
}
trap on_signal INT TERM HUP

# One boot of the guest, with the host command beside it. Sets elapsed,
# timed_out and host_rc.
boot_once() {
	local t0 t1 now deadline rc_deadline=
	t0=$(date +%s.%N)
	if [ "$interactive" = 1 ]; then
		# An explicit <&0: bash gives a background job /dev/null otherwise.
		"${qemu[@]}" <&0 2>"$run_dir/qemu.log" &
	else
		"${qemu[@]}" </dev/null >"$run_dir/qemu.log" 2>&1 &
	fi
	qpid=$!
	echo "$qpid" >"$run_dir/qemu.pid"
	export NETSWAP_QEMU_PID=$qpid

	hpid=""
	if [ -n "$host_cmd" ]; then
		bash -c "$host_cmd" >"$run_dir/host.log" 2>&1 &
		hpid=$!
	fi
	if [ "${NETSWAP_VM_VERBOSE:-0}" = 1 ]; then
		tail -n +1 -F "$console" 2>/dev/null &
		tail_pid=$!
	fi

	# Wait for QEMU, bounded. Once the guest wrote rc it powers off at
	# once; allow it 30 s before killing.
	timed_out=0
	deadline=$(($(date +%s) + timeout))
	while kill -0 "$qpid" 2>/dev/null; do
		now=$(date +%s)
		if [ "$now" -ge "$deadline" ]; then
			timed_out=1
			break
		fi
		if [ -z "$rc_deadline" ] && [ -e "$share/rc" ]; then
			rc_deadline=$((now + 30))
		fi
		[ -n "$rc_deadline" ] && [ "$now" -ge "$rc_deadline" ] && break
		sleep 0.2
	done
	if kill -0 "$qpid" 2>/dev/null; then
		kill -TERM "$qpid" 2>/dev/null
		for _ in $(seq 1 50); do kill -0 "$qpid" 2>/dev/null || break; sleep 0.1; done
		kill -KILL "$qpid" 2>/dev/null
	fi
	wait "$qpid" 2>/dev/null
	t1=$(date +%s.%N)
	elapsed=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", b - a }')
	if [ -n "$tail_pid" ]; then
		kill "$tail_pid" 2>/dev/null && wait "$tail_pid" 2>/dev/null
		tail_pid=""
	fi

	host_rc=0
	if [ -n "$hpid" ]; then
		for _ in $(seq 1 600); do kill -0 "$hpid" 2>/dev/null || break; sleep 0.1; done
		if kill -0 "$hpid" 2>/dev/null; then
			kill -TERM "$hpid" 2>/dev/null
			echo "REASON: host command still running after the guest ended; killed" >&2
		fi
		wait "$hpid"
		host_rc=$?
	fi
}

# QEMU's multi-threaded TCG now and then runs a stale translation of kernel
# text that another vCPU is live-patching (jump labels, static calls while
# the initramfs loads modules): the guest dies with "Oops: int3" before
# anything of netswap ran. That boot says nothing about the test, so it is
# booted again, at most four times (CI's 2-core machine, with two guests
# of two vCPUs each, failed t-37 on it once, after the retries that then were allowed). An int3 fault once
# the test script has started is a failure like any other.
early_tcg_fault() {
	tr -d '\r' <"$console" 2>/dev/null |
		awk '/nsvm-init\[[0-9.]+\]: running /{ exit 1 }
		     /(Oops: )?int3: [0-9a-f]+ \[#[0-9]+\]/{ found = 1; exit 0 }
		     END { exit !found }'
}

attempt=1
while :; do
	boot_once
	if [ "$attempt" -ge 5 ] || ! early_tcg_fault; then
		break
	fi
	echo "boot.sh: $name: the guest kernel hit an int3 fault while booting, before the test started (QEMU TCG); booting again" >&2
	mv -f "$console" "$run_dir/console-boot$attempt.log"
	find "$share" -mindepth 1 -maxdepth 1 ! -name .vm -exec rm -rf -- {} +
	attempt=$((attempt + 1))
done

status=0
reasons=()
if [ "$timed_out" = 1 ]; then
	status=124
	reasons+=("timeout after ${timeout}s")
elif [ ! -s "$share/rc" ]; then
	status=125
	reasons+=("guest ended without an rc (crash/panic?)")
else
	status=$(tr -dc 0-9 <"$share/rc")
	[ -n "$status" ] || status=125
	[ "$status" = 0 ] || reasons+=("guest script exited $status")
fi
if [ "$status" != 0 ] && [ -s "$share/reason" ]; then
	reasons+=("guest: $(head -n 1 "$share/reason" | cut -c1-160)")
fi
if [ "$host_rc" != 0 ]; then
	reasons+=("host command exited $host_rc")
	if [ -s "$run_dir/host.log" ] && grep -q '^REASON: ' "$run_dir/host.log"; then
		reasons+=("host: $(grep '^REASON: ' "$run_dir/host.log" | tail -n 1 | cut -c9-160)")
	fi
	[ "$status" = 0 ] && status=1
fi

# The console up to the kernel's "reboot: Power down": the guest's verdict
# is written by then, and what follows is the power-off racing PID 1. Its
# bash (the guest's init, run from the host's root over 9p) keeps running
# after `echo o`, and a page of its text that reclaim dropped can no longer
# be read once the 9p device is shut down: SIGBUS, "Attempted to kill
# init!", a panic that says nothing about the test (seen once in a
# bench's nbd run, after result=ok).
console_until_poweroff() {
	tr -d '\r' <"$console" 2>/dev/null | awk '{ print } / reboot: Power down$/ { exit }'
}

bad='WARNING:|BUG:|Oops|hung task|blocked for more than|Call Trace|Out of memory|oom-kill|Killed process|Kernel panic|general protection fault|UBSAN:|rcu_.*(stall|self-detected)'
bad_lines=$({ console_until_poweroff; cat "$share/dmesg.txt" 2>/dev/null; } | tr -d '\r' |
	grep -E -- "$bad" | { if [ -n "${NETSWAP_VM_ALLOW:-}" ]; then grep -Ev -- "$NETSWAP_VM_ALLOW"; else cat; fi } |
	awk '!seen[$0]++' | head -n 20)
if [ -n "$bad_lines" ]; then
	while IFS= read -r l; do echo "boot.sh: bad kernel log line: $l" >&2; done <<<"$bad_lines"
	again=""
	[ "$attempt" -gt 1 ] && again=" (boot $attempt: the $((attempt - 1)) before it hit TCG's int3 early)"
	reasons+=("kernel log: $(head -n 1 <<<"$bad_lines" | cut -c1-120)$again")
	[ "$status" = 0 ] && status=126
fi

echo "boot.sh: $name rc=$status time=${elapsed}s dir=$run_dir" >&2
echo "$elapsed" >"$run_dir/elapsed"
if [ "$status" != 0 ]; then
	for r in "${reasons[@]}"; do echo "REASON: $r" >&2; done
	if [ -s "$share/output.log" ]; then
		echo "--- last lines of $share/output.log" >&2
		tail -n 25 "$share/output.log" >&2
	fi
	echo "--- last lines of $console" >&2
	tail -n 25 "$console" | tr -d '\r' >&2
	# A crash's or a stall's report: run.sh copies it into the suite's
	# output, the only part of a CI run that is kept, where it is cut to a
	# few dozen lines. So only what names the place: the headline, the
	# task and workqueue, RIP, and the reliable frames of each trace (every
	# CPU's, with softlockup_all_cpu_backtrace); no registers, no code
	# bytes, no timestamps.
	crash=$(tr -d '\r' <"$console" | awk '
		!on && /Oops|BUG:|Kernel panic|general protection fault|double fault|stack guard page|rcu: INFO|soft lockup|hung task|blocked for more than/ { on = 1 }
		!on { next }
		{ sub(/^\[ *[0-9.]+\] /, "") }
		/^ *\? / || /^ *(RAX|RBX|RCX|RDX|RSI|RDI|RBP|RSP|R[0-9]+|FS|CS|CR2|DR[0-9]|PKRU|Code|Modules linked in|Hardware name):/ { next }
		n < 60 { print; n++ }')
	if [ -n "$crash" ]; then
		echo "--- crash report" >&2
		printf '%s\n' "$crash" >&2
		echo "--- end of crash report" >&2
	fi
fi
exit "$status"
