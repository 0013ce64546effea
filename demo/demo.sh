#!/bin/bash
# demo.sh [--shell]: netswap carrying a small diskless guest through memory
# pressure, with one command (make demo / make demo-shell).
#
# Starts, on the host's 127.0.0.1 only and with storage in a temporary
# directory: tgt with one LUN and nfs-ganesha with one swap file (and the
# rpcbind ganesha needs, unless one runs already). Boots a QEMU guest on
# Debian's newest kernel with 256 MiB of RAM (demo/guest-demo.sh), where
# swapctl adds and brings up both targets. Then:
#   (default)  a workload well above RAM checks every page it gets back,
#              with live traffic per target and state changes on this
#              terminal; tgtd is restarted midway; a summary table ends it
#   --shell    a shell in the guest with the targets up, to try swapctl by
#              hand; exiting the shell ends the demo
# Whatever happens (the end, an error, Ctrl-C), every process the demo
# started is stopped by PID and the temporary directory is removed.
#
#   NETSWAP_DEMO_MB, NETSWAP_DEMO_PASSES   workload size (default 2.5 x RAM)
#                                          and passes (2); tests shorten it
#   NETSWAP_DEMO_MEM                       guest RAM in MiB (256)
#   NETSWAP_DEMO_TGT_PORT, NETSWAP_DEMO_NFS_PORT   ports (3300, 2100 and
#                                          2101 for MOUNT)
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/.." && pwd)
vm=$repo/tests/vm
mode=run
case ${1:-} in
"") ;;
--shell) mode=shell ;;
*) echo "usage: demo.sh [--shell]" >&2; exit 2 ;;
esac

kver=$("$vm/kernels.sh" | sort -V | tail -n 1)
[ -n "$kver" ] || { echo "demo: no Debian kernel installed (make deps)" >&2; exit 1; }
for f in "build/$kver/netswap.ko" build/swapctl build/memhog; do
	[ -e "$repo/$f" ] || { echo "demo: $f is not built (make demo builds it)" >&2; exit 1; }
done

tmp=$(mktemp -d /tmp/netswap-demo.XXXXXX)
export NETSWAP_VM_DIR=$tmp/vm
export NETSWAP_TGT_PORT=${NETSWAP_DEMO_TGT_PORT:-3300} NETSWAP_TGT_STATE=$tmp/tgt
export NETSWAP_NFS_PORT=${NETSWAP_DEMO_NFS_PORT:-2100}
export NETSWAP_MNT_PORT=$((NETSWAP_NFS_PORT + 1)) NETSWAP_NFS_STATE=$tmp/ganesha
export NETSWAP_TGT_IQN=iqn.2026-12.org.netswap.demo:swap
export NETSWAP_NFS_FILE=demo.swap
for v in NETSWAP_DEMO_MB NETSWAP_DEMO_PASSES; do
	[ -n "${!v:-}" ] && export "${v?}"
done
mem=${NETSWAP_DEMO_MEM:-256}
boot_pid="" tail_pid="" rpcbind_before=""

say() { echo "demo: $*"; }

cleanup() {
	local rc=$? kept
	set +e
	trap - EXIT INT TERM HUP
	if [ -n "$boot_pid" ]; then
		kill -TERM "$boot_pid" 2>/dev/null
		wait "$boot_pid" 2>/dev/null
	fi
	if [ -n "$tail_pid" ]; then
		kill "$tail_pid" 2>/dev/null
		wait "$tail_pid" 2>/dev/null
	fi
	"$vm/tgt.sh" stop >/dev/null 2>&1 || true
	"$vm/ganesha.sh" stop >/dev/null 2>&1 || true
	# ganesha.sh stop waits for ganesha to be gone, so the rpcbind started
	# for it goes too; it stays only while another ganesha needs it.
	if [ -z "$rpcbind_before" ]; then
		kept=$("$vm/ganesha.sh" stop-rpcbind 2>&1) || kept="stop-rpcbind failed: $kept"
		[ -z "$kept" ] || say "${kept#ganesha.sh: }"
	fi
	rm -rf --one-file-system -- "$tmp"
	say "stopped what it started and removed $tmp"
	exit "$rc"
}
trap cleanup EXIT
trap 'say "interrupted"; exit 130' INT TERM HUP

say "temporary directory $tmp"
rpcbind_before=$("$vm/ganesha.sh" rpcbind-status 2>/dev/null) || rpcbind_before=""
say "starting tgt on 127.0.0.1:$NETSWAP_TGT_PORT with a 512 MiB LUN"
"$vm/tgt.sh" start >/dev/null
"$vm/tgt.sh" setup "$NETSWAP_TGT_IQN" "$tmp/lun.img" 512 >/dev/null
say "starting nfs-ganesha on 127.0.0.1:$NETSWAP_NFS_PORT (MOUNT $NETSWAP_MNT_PORT) with a 512 MiB swap file"
mkdir -p "$tmp/export"
export NETSWAP_NFS_EXPORT_DIR=$tmp/export
"$vm/ganesha.sh" start >/dev/null
"$vm/ganesha.sh" file "$NETSWAP_NFS_FILE" 512 >/dev/null
eval "$("$vm/ganesha.sh" env)"
say "booting a $mem MiB guest on Debian's $kver under QEMU (software emulation: it is slow)"

name=demo
share=$NETSWAP_VM_DIR/$name/share
if [ "$mode" = run ]; then
	# The host side of the restart: midway through the workload.
	host="vm_wait_file() { for _ in \$(seq 1 \$((\$2 * 10))); do [ -e \"\$1\" ] && return 0; kill -0 \"\$NETSWAP_QEMU_PID\" 2>/dev/null || return 1; sleep 0.1; done; return 1; }
vm_wait_file \"\$NETSWAP_SHARE/ready\" 1800 || exit 0
sleep 5
echo '   host: restarting tgtd (kill -9, start again with the same LUN)'
$(printf '%q' "$vm/tgt.sh") restart >/dev/null 2>&1
: >\"\$NETSWAP_SHARE/restarted\""
	"$vm/boot.sh" --name "$name" --mem "$mem" --timeout 3600 --host "$host" \
		"$kver" "$here/guest-demo.sh" run >"$tmp/boot.log" 2>&1 &
	boot_pid=$!
	# The guest's output as it writes it, and what the host side does.
	for _ in $(seq 1 600); do
		[ -e "$share/output.log" ] && break
		kill -0 "$boot_pid" 2>/dev/null || break
		sleep 0.2
	done
	tail -q -n +1 -F "$share/output.log" "$NETSWAP_VM_DIR/$name/host.log" 2>/dev/null &
	tail_pid=$!
	rc=0
	wait "$boot_pid" || rc=$?
	boot_pid=""
	sleep 0.5
	kill "$tail_pid" 2>/dev/null || true
	wait "$tail_pid" 2>/dev/null || true
	tail_pid=""
	if [ "$rc" != 0 ]; then
		grep '^REASON: ' "$tmp/boot.log" | sed 's/^REASON: /demo: failed: /' >&2
		exit "$rc"
	fi
	say "done: the guest swapped through both targets and shut down"
else
	say "a shell in the guest comes up once both targets are up; exit it to end the demo"
	"$vm/boot.sh" --name "$name" --mem "$mem" --timeout 86400 --interactive \
		--append quiet "$kver" "$here/guest-demo.sh" shell 2>"$tmp/boot.log" || true
fi
