# shellcheck shell=bash
# Guest-side helpers for scripts under tests/vm/guest/ (they run inside a
# VM started by boot.sh, as root, with /share = the host's run dir share).
# Source it: . "$NETSWAP_REPO/tests/vm/guest-lib.sh"
# Functions are prefixed nsvm_ so this can be sourced next to other libs.
# All waits are bounded, by time (not only by count: under TCG every
# exec of a host binary costs 0.1-0.5 s, so helpers poll with builtins).

: "${NETSWAP_HOST_IP:=10.0.2.2}" "${NETSWAP_TGT_PORT:=3260}"

# nsvm_sleep SECONDS: sleep without forking (read -t on a pipe nobody writes).
nsvm_sleep() {
	[ -n "${nsvm_sleep_fd:-}" ] || exec {nsvm_sleep_fd}<> <(:)
	read -r -t "$1" -u "$nsvm_sleep_fd" _ || true
}

nsvm_log() {
	local up _
	read -r up _ </proc/uptime
	echo "[$up] $*"
}

nsvm_die() {
	nsvm_log "FAIL: $*"
	echo "$*" >/share/reason
	exit 1
}

# Marker files the host can watch (NETSWAP_SHARE on the host side).
nsvm_mark() { : >"/share/$1"; sync; }

# nsvm_wait_file PATH TIMEOUT_S: bounded wait for a file (e.g. one the host
# writes into /share to answer a marker).
nsvm_wait_file() {
	local f=$1 end=$((SECONDS + $2)) i
	for ((i = 0; i < 100000 && SECONDS <= end; i++)); do
		[ -e "$f" ] && return 0
		nsvm_sleep 0.1
	done
	return 1
}

# nsvm_stall_watch DISK SECONDS [end]: in the background, watch the
# block device DISK (a name under /sys/block) while a workload swaps on
# it. If for SECONDS none of its reads or writes completes (a swapping
# workload always has I/O to do), write what the stall looks like from
# inside into /share/stall.txt once: the disk's blk-mq state from debugfs
# (each hardware queue's state, dispatch list, tags; the scheduler's
# lists), its in-flight counts, netswap's configfs state and stats, the
# blocked tasks (sysrq w) and the kernel log. Then, with "end", the guest
# ends as a failed run (reason "stall: ...", rc 1, powered off: a stalled
# workload would otherwise hold it until the host's timeout); without,
# the watcher stops. Its PID in nsvm_stall_pid; a watcher without work
# ends by itself after 24 hours. Polls with builtins: no fork until it
# fires.
nsvm_stall_watch() {
	local disk=$1 limit=$2 end=${3:-} last='' same=0 line i f
	local stat=/sys/block/$disk/stat
	[ -e "$stat" ] || return 0
	(
		for ((i = 0; i < 86400; i++)); do
			nsvm_sleep 1
			IFS= read -r line <"$stat" || exit 0
			read -r -a f <<<"$line"
			# fields: 0 reads done, 4 writes done
			if [ "${f[0]} ${f[4]}" != "$last" ]; then
				last="${f[0]} ${f[4]}" same=0
				continue
			fi
			((++same < limit)) && continue
			nsvm_stall_dump "$disk" "$limit" >/share/stall.txt 2>&1
			[ "$end" = end ] || exit 0
			echo "stall: no I/O of $disk completed for $limit s (stall.txt)" >/share/reason
			dmesg >/share/dmesg.txt 2>&1
			echo 1 >/share/rc.tmp && mv /share/rc.tmp /share/rc
			sync
			echo o >/proc/sysrq-trigger
			exit 0
		done
	) &
	# shellcheck disable=SC2034  # for the caller
	nsvm_stall_pid=$!
}

# nsvm_stall_dump DISK SECONDS: the report nsvm_stall_watch writes.
nsvm_stall_dump() {
	local disk=$1 d t
	echo "stall: no I/O of $disk completed for $2 s"
	echo "stat: $(cat "/sys/block/$disk/stat")"
	echo "inflight: $(cat "/sys/block/$disk/inflight")"
	[ -d /sys/kernel/debug/block ] || mount -t debugfs none /sys/kernel/debug
	d=/sys/kernel/debug/block/$disk
	echo "--- blk-mq debugfs ($d)"
	grep -r . "$d" 2>/dev/null | sed "s|^$d/||"
	for t in /sys/kernel/config/netswap/*/; do
		[ -e "$t/state" ] || continue
		echo "--- netswap target $t: state $(cat "$t/state"), last_error $(cat "$t/last_error" 2>/dev/null)"
		cat "$t/stats"
	done
	echo "--- blocked tasks and the kernel log"
	echo w >/proc/sysrq-trigger
	dmesg | tail -n 400
}

# nsvm_ipv6 PORT: give eth0 NETSWAP_GUEST_IP6/64 (boot.sh --ipv6) and wait
# (bounded, 20 s) until a TCP connection to [NETSWAP_HOST_IP6]:PORT opens
# (the guest has no ping). Returns 1 if it never does.
nsvm_ipv6() {
	local i end=$((SECONDS + 20))
	[ -n "${NETSWAP_GUEST_IP6:-}" ] || return 1
	echo 0 >/proc/sys/net/ipv6/conf/eth0/disable_ipv6 || return 1
	ip -6 addr replace "$NETSWAP_GUEST_IP6/64" dev eth0 nodad || return 1
	for ((i = 0; i < 200 && SECONDS <= end; i++)); do
		(exec 3<>"/dev/tcp/$NETSWAP_HOST_IP6/$1") 2>/dev/null && return 0
		nsvm_sleep 0.1
	done
	return 1
}

# nsvm_iscsid_start: start open-iscsi's iscsid (daemon) once.
nsvm_iscsid_start() {
	[ -s /run/iscsid.pid ] && kill -0 "$(cat /run/iscsid.pid)" 2>/dev/null && return 0
	# No udev in the guest: nothing autoloads drivers by modalias, so load
	# sd_mod (disks) explicitly or the LUN never becomes a /dev/sdX.
	modprobe -a iscsi_tcp sd_mod || return 1
	mkdir -p /run/lock/iscsi /etc/iscsi
	iscsid || return 1
	local i end=$((SECONDS + 20))
	for ((i = 0; i < 200 && SECONDS <= end; i++)); do
		iscsiadm -m session >/dev/null 2>&1
		case $? in 0 | 21) return 0 ;; esac # 21: no sessions
		nsvm_sleep 0.1
	done
	return 1
}

# nsvm_iscsi_node IQN [PORTAL [CHAP_USER CHAP_SECRET]]: create the node
# record (no discovery: tgt's SendTargets reports 127.0.0.1, the guest must
# use 10.0.2.2). Further settings: nsvm_iscsi_set IQN PORTAL NAME VALUE.
nsvm_iscsi_node() {
	local iqn=$1 portal=${2:-$NETSWAP_HOST_IP:$NETSWAP_TGT_PORT}
	iscsiadm -m node -o new -T "$iqn" -p "$portal" >/dev/null || return 1
	if [ -n "${3:-}" ]; then
		nsvm_iscsi_set "$iqn" "$portal" node.session.auth.authmethod CHAP &&
			nsvm_iscsi_set "$iqn" "$portal" node.session.auth.username "$3" &&
			nsvm_iscsi_set "$iqn" "$portal" node.session.auth.password "$4" || return 1
	fi
}

nsvm_iscsi_set() {
	iscsiadm -m node -T "$1" -p "$2" -o update -n "$3" -v "$4" >/dev/null
}

# nsvm_iscsi_login IQN [PORTAL]: log in (bounded by timeout) and print the
# /dev/sdX of the session's first disk once it is a block device.
nsvm_iscsi_login() {
	local iqn=$1 portal=${2:-$NETSWAP_HOST_IP:$NETSWAP_TGT_PORT} i s d tn
	local end=$((SECONDS + 30))
	timeout 60 iscsiadm -m node -T "$iqn" -p "$portal" --login >&2 || return 1
	for ((i = 0; i < 1000 && SECONDS <= end; i++)); do
		for s in /sys/class/iscsi_session/session*; do
			tn=
			read -r tn <"$s/targetname" 2>/dev/null || true
			[ "$tn" = "$iqn" ] || continue
			for d in "$s"/device/target*/*/block/*; do
				[ -e "$d" ] || continue
				d=/dev/${d##*/}
				# [ -b ] first: writing to a missing node makes a file.
				if [ -b "$d" ]; then
					echo "$d"
					return 0
				fi
			done
		done
		nsvm_sleep 0.1
	done
	return 1
}

nsvm_iscsi_logout() {
	local iqn=$1 portal=${2:-$NETSWAP_HOST_IP:$NETSWAP_TGT_PORT}
	timeout 60 iscsiadm -m node -T "$iqn" -p "$portal" --logout >&2
}

# nsvm_nfs_mount SERVER EXPORT PORT MNT_PORT DIR [OPTS]: the kernel's NFSv3
# client over TCP with both ports given (no portmapper lookup), nolock (no
# statd/lockd), bounded by timeout. OPTS are appended to the -o list.
nsvm_nfs_mount() {
	modprobe nfsv3 || return 1
	mkdir -p "$5"
	timeout 90 mount -t nfs \
		-o "vers=3,proto=tcp,mountproto=tcp,nolock,port=$3,mountport=$4${6:+,$6}" \
		"$1:$2" "$5"
}

# nsvm_small_modtree [MODULE...]: put a modules tree of this kernel's own
# metadata files and only the modules loaded now, the MODULEs and their
# dependencies over /lib/modules/$(uname -r) (a bind mount of a copy in
# /tmp), for a test that runs depmod. The headers' links (build, source)
# and updates/ come along, for DKMS. depmod reads every module of the
# tree, and Debian's 6.12 has 4230 of them xz-compressed: under TCG one
# full run took about two minutes. What depmod does with the tree it finds
# is the same. NSVM_MODTREE_KVER: another installed kernel's tree.
nsvm_small_modtree() {
	local kver src dst m verb path rel
	kver=${NSVM_MODTREE_KVER:-$(uname -r)}
	src=/lib/modules/$kver
	dst=/tmp/nsvm-modtree-$kver
	rm -rf "$dst" && mkdir -p "$dst" || return 1
	cp -a "$src"/modules.builtin* "$src"/modules.order "$dst"/ || return 1
	for m in build source updates; do
		[ -e "$src/$m" ] || [ -L "$src/$m" ] || continue
		cp -a "$src/$m" "$dst/" || return 1
	done
	for m in $(cut -d' ' -f1 /proc/modules) "$@"; do
		while read -r verb path _; do
			[ "$verb" = insmod ] || continue
			rel=${path#"$src"/}
			[ -e "$dst/$rel" ] && continue
			mkdir -p "$dst/${rel%/*}" && cp "$path" "$dst/$rel" || return 1
		done < <(modprobe -S "$kver" --show-depends "$m" 2>/dev/null)
	done
	mount --bind "$dst" "$src" && depmod -a "$kver"
}
