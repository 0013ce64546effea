# shellcheck shell=bash
# Host-side helpers for VM test drivers (tests/vm/t-*.sh). Source it:
#   . "$(dirname "$0")/lib.sh"
# Provides VM_HERE, VM_REPO, VM_DIR and the functions below.

VM_HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
VM_REPO=$(cd "$VM_HERE/../.." && pwd)
VM_DIR=${NETSWAP_VM_DIR:-$VM_REPO/build/vm}
export NETSWAP_TGT_PORT=${NETSWAP_TGT_PORT:-3260}

# Print a failure reason the way run.sh picks it up, and exit 1.
vm_fail() {
	echo "REASON: $*" >&2
	exit 1
}

vm_log() { echo "[$(date +%T)] $*" >&2; }

# vm_wait_file FILE TIMEOUT_S [PID]: wait (bounded) until FILE exists.
# Returns 1 on timeout, 2 if PID (e.g. $NETSWAP_QEMU_PID) died first.
vm_wait_file() {
	local f=$1 t=$2 pid=${3:-} i n
	n=$((t * 10))
	for ((i = 0; i < n; i++)); do
		[ -e "$f" ] && return 0
		if [ -n "$pid" ] && ! kill -0 "$pid" 2>/dev/null; then
			[ -e "$f" ] && return 0
			return 2
		fi
		sleep 0.1
	done
	return 1
}

# Where boot.sh --name NAME keeps the share dir (host side).
vm_share_dir() { echo "$VM_DIR/$1/share"; }
