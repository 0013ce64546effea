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

# ---- netswap drivers ----

# vm_need_module KVER: the module and memhog must have been built.
vm_need_module() {
	local ko=${NETSWAP_KO_DIR:-$VM_REPO/build/$1}/netswap.ko
	[ -f "$ko" ] || vm_fail "$ko not built (make modules)"
	[ -x "$VM_REPO/build/memhog" ] || vm_fail "build/memhog not built (make tools)"
}

# vm_tgt_lun NAME SIZE_MB [CHAP_USER CHAP_SECRET]: (re)start the host tgtd
# with one fresh LUN for test NAME (NETSWAP_TGT_LUNS=N: LUNs 1..N, each
# SIZE_MB); exports NETSWAP_TGT_IQN for the guest. tgtd is stopped and the
# LUN files removed when the driver exits.
vm_tgt_lun() {
	local name=$1 mb=$2
	export NETSWAP_TGT_IQN=iqn.2026-11.org.netswap.test:${name,,}
	export NETSWAP_TGT_LUN_BYTES=$((mb * 1024 * 1024))
	# The driver's PID in the name: the same test on another kernel, run
	# at the same time by another run.sh worker, has its own files (its
	# exit removes them, and a tgtd restart recreates a missing one blank).
	VM_LUN=$VM_DIR/luns/$name.$$.img
	mkdir -p "$VM_DIR/luns"
	rm -f "$VM_LUN" "$VM_LUN".[0-9]
	"$VM_HERE/tgt.sh" stop >/dev/null 2>&1 || true
	"$VM_HERE/tgt.sh" start >/dev/null || vm_fail "tgtd did not start"
	trap '"$VM_HERE/tgt.sh" stop >/dev/null 2>&1; rm -f "$VM_LUN" "$VM_LUN".[0-9]' EXIT
	"$VM_HERE/tgt.sh" setup "$NETSWAP_TGT_IQN" "$VM_LUN" "$mb" "${@:3}" >/dev/null ||
		vm_fail "tgt setup failed"
}

# vm_on_exit CMD: run CMD (bash code) when the driver exits, after whatever
# EXIT trap is already set (vm_tgt_lun sets its own trap with `trap`:
# call it before this, not after).
vm_on_exit() {
	local prev
	prev=$(trap -p EXIT)
	prev=${prev#"trap -- '"}
	prev=${prev%"' EXIT"}
	prev=${prev//"'\\''"/"'"}
	# shellcheck disable=SC2064  # expand now, on purpose
	trap "${prev:+$prev; }$1" EXIT
}

# vm_nfs_file NAME SIZE_MB: a fresh, fully allocated (no holes) file
# NAME.img of SIZE_MB in the export of the host ganesha on
# $NETSWAP_NFS_PORT (default 2049, MOUNT on $NETSWAP_MNT_PORT, default
# port + 1; see ganesha.sh). ganesha is started lazily (ganesha.sh ensure:
# a running one with the default config is reused) and left running for
# the next driver: run.sh stops it, and the rpcbind ganesha.sh started, at
# the end of the suite; a driver run on its own (NETSWAP_VM_SUITE unset)
# stops what it started when it exits. The file is removed at exit.
# Exports for the guest (boot.sh passes every NETSWAP_* variable on):
#   NETSWAP_NFS_EXPORT      the export path, as the guest names it in MNT
#   NETSWAP_NFS_FILE        the file, relative to the export (NAME.img)
#   NETSWAP_NFS_FILE_BYTES  its size in bytes
#   NETSWAP_NFS_PORT, NETSWAP_MNT_PORT   the ports on 10.0.2.2
vm_nfs_file() {
	local name=$1 mb=$2 started=0 env
	export NETSWAP_NFS_PORT=${NETSWAP_NFS_PORT:-2049}
	"$VM_HERE/ganesha.sh" status >/dev/null 2>&1 || started=1
	"$VM_HERE/ganesha.sh" ensure >/dev/null || vm_fail "ganesha did not start"
	env=$("$VM_HERE/ganesha.sh" env) || vm_fail "ganesha.sh env failed"
	eval "$env"
	export NETSWAP_NFS_FILE=$name.img
	export NETSWAP_NFS_FILE_BYTES=$((mb * 1024 * 1024))
	VM_NFS_FILE=$("$VM_HERE/ganesha.sh" file "$NETSWAP_NFS_FILE" "$mb") ||
		vm_fail "ganesha.sh file $NETSWAP_NFS_FILE $mb failed"
	vm_on_exit "$(printf 'rm -f %q' "$VM_NFS_FILE")"
	if [ "$started" = 1 ] && [ -z "${NETSWAP_VM_SUITE:-}" ]; then
		vm_on_exit "$(printf 'NETSWAP_NFS_PORT=%q %q stop >/dev/null 2>&1; %q stop-rpcbind >/dev/null 2>&1' \
			"$NETSWAP_NFS_PORT" "$VM_HERE/ganesha.sh" "$VM_HERE/ganesha.sh")"
	fi
}

# vm_demo_prepare: before a demo, the namespace as a new user's machine
# has it, without the ganesha an earlier NFS driver of this worker left for
# the next one (on $NETSWAP_NFS_PORT, started again on demand) and without
# the rpcbind ganesha.sh started for it, so that vm_demo_clean can check
# the demo stops the rpcbind it starts. Outside the suite nothing is
# stopped. Sets VM_DEMO_RPCBIND to the PID of ganesha.sh's rpcbind that
# runs before the demo, or "".
vm_demo_prepare() {
	if [ -n "${NETSWAP_VM_SUITE:-}" ]; then
		"$VM_HERE/ganesha.sh" stop >/dev/null 2>&1 || true
		"$VM_HERE/ganesha.sh" stop-rpcbind >/dev/null || true
	fi
	VM_DEMO_RPCBIND=$("$VM_HERE/ganesha.sh" rpcbind-status 2>/dev/null) || VM_DEMO_RPCBIND=""
	echo "before the demo: ganesha.sh's rpcbind ${VM_DEMO_RPCBIND:-not running}"
}

# vm_demo_clean OUTPUT: after make demo (or demo-shell) printed OUTPUT,
# its temporary directory is gone, it said so, no process it started runs
# (none has the directory in its command line), nothing listens on its
# ports (demo.sh's defaults) and, if vm_demo_prepare found no rpcbind of
# ganesha.sh's, none runs now (the demo started one and must stop it).
vm_demo_clean() {
	local out=$1 tmp left port pid
	tmp=$(tr -d '\r' <"$out" | sed -n 's/^demo: temporary directory //p' | head -n 1)
	[ -n "$tmp" ] || vm_fail "the demo did not name its temporary directory"
	[ ! -e "$tmp" ] || vm_fail "the demo left $tmp behind"
	tr -d '\r' <"$out" | grep -q "^demo: stopped what it started and removed $tmp\$" ||
		vm_fail "no cleanup line from the demo"
	left=$(pgrep -a -f -- "$tmp" || true)
	[ -z "$left" ] || vm_fail "still running after the demo: $left"
	for port in 3300 2100 2101; do
		[ -z "$(ss -Hltn "sport = :$port")" ] || vm_fail "something still listens on port $port"
	done
	if [ -n "${VM_DEMO_RPCBIND+set}" ] && [ -z "$VM_DEMO_RPCBIND" ]; then
		if pid=$("$VM_HERE/ganesha.sh" rpcbind-status 2>/dev/null); then
			vm_fail "the demo left the rpcbind it started running (pid $pid: $(tr '\0' ' ' </proc/"$pid"/cmdline 2>/dev/null))"
		fi
		echo "after the demo: no rpcbind of its own left"
	fi
}

# ---- QEMU monitor (boot.sh --monitor) ----

# vm_monitor CMD...: send one human-monitor command to the guest's QEMU
# (NETSWAP_QEMU_MONITOR, a unix socket) and print its reply without the
# banner, the echoed command and the prompts. Bounded: 10 s. Returns 1 if
# the monitor cannot be reached or did not answer.
vm_monitor() {
	local sock=${NETSWAP_QEMU_MONITOR:-}
	if [ -z "$sock" ] || [ ! -S "$sock" ]; then
		echo "vm_monitor: no QEMU monitor socket (boot.sh --monitor)" >&2
		return 1
	fi
	timeout 15 python3 - "$sock" "$*" <<'PY'
import re, socket, sys, time
path, cmd = sys.argv[1], sys.argv[2]
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.settimeout(10)
s.connect(path)
end = time.monotonic() + 10
buf = b""
def until_prompt():
    global buf
    while b"(qemu) " not in buf:
        if time.monotonic() > end:
            sys.exit("vm_monitor: no prompt from the QEMU monitor")
        d = s.recv(4096)
        if not d:
            sys.exit("vm_monitor: the QEMU monitor closed the connection")
        buf += d
    out, _, buf = buf.partition(b"(qemu) ")
    return out
until_prompt()                      # banner
s.sendall(cmd.encode() + b"\n")
out = until_prompt().decode(errors="replace")
s.close()
# The monitor echoes what was typed, redrawing the line as it goes, up to
# the first newline: the reply is what follows it.
out = out.replace("\r", "").partition("\n")[2]
out = re.sub(r"\x1b\[[0-9;]*[A-Za-z]|\x1b.", "", out)
print("\n".join(l for l in out.split("\n") if l.strip()))
PY
}

# vm_link off|on: cut or restore the guest's network link (netdev net0)
# from outside the guest. QEMU drops every packet in both directions
# while the link is off: no RST or FIN reaches either side, and QEMU's user
# network keeps its own connections to the host's servers open. QEMU also
# tells the guest's virtio NIC that the carrier is off (the guest logs
# nothing about it). Returns 1 with QEMU's reply on stderr if QEMU answers
# anything but an empty line (set_link prints nothing on success; QEMU
# has no query for a link's state).
vm_link() {
	local want=${1:-} out
	case $want in on | off) ;; *) echo "vm_link: on or off, not '$want'" >&2; return 1 ;; esac
	out=$(vm_monitor set_link net0 "$want") || return 1
	if [ -n "$out" ]; then
		echo "vm_link $want: QEMU said: $out" >&2
		return 1
	fi
}

# vm_host_restarts READY SERVER_SCRIPT NAME [SERVER_SCRIPT NAME...]: the
# host side of s-11, s-21 and t-40. Once the guest swaps (it creates
# READY in the share), every server named (tgt.sh tgtd, ganesha.sh
# ganesha) is killed with SIGKILL and restarted, all at once, twice, a
# few seconds apart; each restart is marked in the share as restarted-N.
vm_host_restarts() {
	local ready=$1 i j
	shift
	[ $# -ge 2 ] && [ $(($# % 2)) = 0 ] || vm_fail "vm_host_restarts: READY then SCRIPT NAME pairs"
	vm_wait_file "$NETSWAP_SHARE/$ready" 600 "$NETSWAP_QEMU_PID" ||
		vm_fail "the guest never started swapping"
	for i in 1 2; do
		sleep 3
		for ((j = 1; j < $#; j += 2)); do
			vm_log "kill -9 ${*:j+1:1} ($i)"
			"$VM_HERE/${*:j:1}" kill9 || vm_fail "${*:j+1:1} kill $i"
		done
		sleep 4
		for ((j = 1; j < $#; j += 2)); do
			"$VM_HERE/${*:j:1}" restart >/dev/null || vm_fail "${*:j+1:1} restart $i"
			vm_log "${*:j+1:1} restarted ($i)"
		done
		: >"$NETSWAP_SHARE/restarted-$i"
		sleep 8
	done
}

# vm_debs KVER: the packages guest/ns-deb.sh installs, under
# $VM_DIR/deb: make deb's (scripts/deb.sh, lintian included) in v1/, the
# same tree built as VERSION.1 in v2/ (the upgrade), and in kernel/ the
# image and headers packages of the other test kernel, those apt installed
# on the host (its archive cache, else `apt-get download`), with the
# kernel's own packages they depend on (common headers, kbuild; not the
# compiler). Exports NETSWAP_DEB_DIR, NETSWAP_DEB_OTHER, NETSWAP_DEB_KPKGS.
vm_debs() {
	local kver=$1 out=$VM_DIR/deb v other img hdr p pv pa f
	local -a pkgs
	v=$(cat "$VM_REPO/VERSION")
	rm -rf "$out"
	mkdir -p "$out/kernel"
	"$VM_REPO/scripts/deb.sh" --out "$out/v1" >"$out/deb-v1.log" 2>&1 ||
		vm_fail "make deb: $(tail -n 3 "$out/deb-v1.log" | tr '\n' ' ')"
	"$VM_REPO/scripts/deb.sh" --version "$v.1" --out "$out/v2" >"$out/deb-v2.log" 2>&1 ||
		vm_fail "deb.sh --version $v.1: $(tail -n 3 "$out/deb-v2.log" | tr '\n' ' ')"
	other=$("$VM_HERE/kernels.sh" | grep -vxF "$kver" | head -n 1)
	[ -n "$other" ] || vm_fail "no second test kernel installed besides $kver"
	img=$(dpkg-query -S "/boot/vmlinuz-$other" | cut -d: -f1)
	hdr=$(dpkg-query -S "/lib/modules/$other/build" 2>/dev/null | cut -d: -f1)
	[ -n "$img" ] && [ -n "$hdr" ] || vm_fail "no image or headers package owns kernel $other"
	pkgs=("$img" "$hdr")
	for p in $(dpkg-query -W -f '${Depends}' "$hdr" | tr ',' '\n' | sed -n 's/^ *\(linux-[^ ]*\) (.*/\1/p'); do
		pkgs+=("$p")
	done
	for p in "${pkgs[@]}"; do
		pv=$(dpkg-query -W -f '${Version}' "$p") || vm_fail "$p is not installed on the host"
		pa=$(dpkg-query -W -f '${Architecture}' "$p")
		f=/var/cache/apt/archives/${p}_${pv//:/%3a}_$pa.deb
		if [ -f "$f" ]; then
			cp "$f" "$out/kernel/"
		else
			(cd "$out/kernel" && apt-get download -q "$p=$pv" >/dev/null 2>&1) ||
				vm_fail "$p $pv: not in /var/cache/apt/archives and apt-get download failed"
		fi
	done
	export NETSWAP_DEB_DIR=$out NETSWAP_DEB_OTHER=$other NETSWAP_DEB_KPKGS="${pkgs[*]}"
}
