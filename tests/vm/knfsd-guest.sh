# shellcheck shell=bash
# INSIDE a guest: the kernel NFS server (knfsd), NFSv3 over TCP on the
# guest's loopback (a kernel target: it can only run in a guest). See
# TESTING.md. Source it, or run it:
#   . "$NETSWAP_REPO/tests/vm/knfsd-guest.sh"
#   knfsd_setup [SIZE_MB [NAME]]   -> NFSv3 on 127.0.0.1:$KNFSD_PORT, MOUNT
#                                     on 127.0.0.1:$KNFSD_MNT_PORT, export
#                                     $KNFSD_EXPORT (a tmpfs) holding the
#                                     fully allocated file $KNFSD_FILE
#   knfsd_teardown
#   bash knfsd-guest.sh [SIZE_MB [NAME]]   setup, print the KNFSD_* lines
# Sets and exports: KNFSD_EXPORT (what a client names in MNT), KNFSD_FILE
# (file name relative to the export, default swapfile), KNFSD_FILE_BYTES,
# KNFSD_PORT, KNFSD_MNT_PORT, KNFSD_HOST (127.0.0.1). A client mounts it as
#   mount -t nfs -o vers=3,proto=tcp,mountproto=tcp,nolock,port=$KNFSD_PORT,mountport=$KNFSD_MNT_PORT \
#         127.0.0.1:$KNFSD_EXPORT /mnt
# Env (defaults): KNFSD_PORT (2049), KNFSD_MNT_PORT (20048), KNFSD_EXPORT
# (/srv/knfsd), KNFSD_THREADS (4), KNFSD_OPTS (extra exports options).
# The export is a tmpfs of SIZE_MB + 8 MB (default SIZE_MB 32): it costs
# guest RAM (a ~256 MB guest has little to spare), so this is for
# interoperability checks, not memory pressure. tmpfs has no UUID, so the
# exports line carries fsid=. Export options: rw,no_root_squash,insecure,
# no_subtree_check,sync. NFSv4 is switched off (-N 4: no nfsdcld, no v4
# grace); knfsd's NFSv3 READ/WRITE never wait for a grace period.
# Everything comes from the host root (modules via modprobe, rpcbind and
# nfs-utils binaries), nothing from the initramfs.

knfsd_log() { echo "knfsd: $*" >&2; }

# knfsd_wait_rpc PORT PROG: bounded wait (10 s) for an RPC NULL reply on
# 127.0.0.1:PORT over TCP, without the portmapper.
knfsd_wait_rpc() {
	local ua i end=$((SECONDS + 10))
	ua=127.0.0.1.$(($1 >> 8)).$(($1 & 255))
	for ((i = 0; i < 50 && SECONDS <= end; i++)); do
		timeout 5 rpcinfo -a "$ua" -T tcp "$2" 3 >/dev/null 2>&1 && return 0
		sleep 0.2
	done
	return 1
}

knfsd_setup() {
	local mb=${1:-32} name=${2:-swapfile} i
	KNFSD_PORT=${KNFSD_PORT:-2049} KNFSD_MNT_PORT=${KNFSD_MNT_PORT:-20048}
	KNFSD_EXPORT=${KNFSD_EXPORT:-/srv/knfsd} KNFSD_HOST=127.0.0.1
	if ! [[ $mb =~ ^[0-9]+$ ]] || [ "$mb" -lt 1 ] || [[ $name == */* ]] || [ -z "$name" ]; then
		knfsd_log "usage: knfsd_setup [SIZE_MB [NAME]]"
		return 2
	fi
	modprobe nfsd || { knfsd_log "modprobe nfsd failed"; return 1; }
	if ! grep -q ' /proc/fs/nfsd nfsd' /proc/mounts; then
		mount -t nfsd nfsd /proc/fs/nfsd || { knfsd_log "mount nfsd"; return 1; }
	fi
	mkdir -p "$KNFSD_EXPORT" /var/lib/nfs /run/rpcbind
	if ! grep -q " $KNFSD_EXPORT tmpfs" /proc/mounts; then
		mount -t tmpfs -o "size=$((mb + 8))m,mode=0755" knfsd "$KNFSD_EXPORT" ||
			{ knfsd_log "mount tmpfs on $KNFSD_EXPORT"; return 1; }
	fi
	KNFSD_FILE=$name
	KNFSD_FILE_BYTES=$((mb * 1048576))
	rm -f "$KNFSD_EXPORT/$name"
	(umask 077 && dd if=/dev/zero of="$KNFSD_EXPORT/$name" bs=1M count="$mb" status=none) ||
		{ knfsd_log "writing $KNFSD_EXPORT/$name"; return 1; }
	[ $(($(stat -c %b "$KNFSD_EXPORT/$name") * 512)) -ge "$KNFSD_FILE_BYTES" ] ||
		{ knfsd_log "$KNFSD_EXPORT/$name has holes"; return 1; }
	echo "$KNFSD_EXPORT 127.0.0.1(rw,no_root_squash,insecure,no_subtree_check,sync,fsid=7311${KNFSD_OPTS:+,$KNFSD_OPTS})" >/etc/exports
	# rpcbind first: mountd and knfsd register with it. Guest-only network.
	if ! timeout 5 rpcinfo -p 127.0.0.1 >/dev/null 2>&1; then
		rpcbind -f </dev/null >>/run/knfsd-rpcbind.log 2>&1 &
		KNFSD_RPCBIND_PID=$!
		for ((i = 0; i < 50; i++)); do
			timeout 5 rpcinfo -p 127.0.0.1 >/dev/null 2>&1 && break
			sleep 0.2
		done
	fi
	exportfs -ra || { knfsd_log "exportfs -ra failed"; return 1; }
	rpc.mountd -F -p "$KNFSD_MNT_PORT" -N 4 -u </dev/null >>/run/knfsd-mountd.log 2>&1 &
	KNFSD_MOUNTD_PID=$!
	rpc.nfsd -H 127.0.0.1 -p "$KNFSD_PORT" -N 4 -U -t "${KNFSD_THREADS:-4}" ||
		{ knfsd_log "rpc.nfsd failed"; return 1; }
	knfsd_wait_rpc "$KNFSD_MNT_PORT" 100005 ||
		{ knfsd_log "mountd does not answer on $KNFSD_MNT_PORT: $(tail -n 3 /run/knfsd-mountd.log)"; return 1; }
	knfsd_wait_rpc "$KNFSD_PORT" 100003 ||
		{ knfsd_log "nfsd does not answer on $KNFSD_PORT"; return 1; }
	export KNFSD_EXPORT KNFSD_FILE KNFSD_FILE_BYTES KNFSD_PORT KNFSD_MNT_PORT KNFSD_HOST
	knfsd_log "NFSv3 on 127.0.0.1:$KNFSD_PORT, MOUNT on $KNFSD_MNT_PORT, export $KNFSD_EXPORT, file $KNFSD_FILE ($mb MB)"
}

# knfsd_teardown: stop knfsd (0 threads), mountd, the rpcbind we started;
# unexport and unmount the tmpfs. Clients must have unmounted first.
knfsd_teardown() {
	local rc=0 p
	rpc.nfsd 0 || rc=1
	exportfs -ua || rc=1
	for p in "${KNFSD_MOUNTD_PID:-}" "${KNFSD_RPCBIND_PID:-}"; do
		[ -n "$p" ] || continue
		kill "$p" 2>/dev/null
		for _ in $(seq 1 50); do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done
	done
	KNFSD_MOUNTD_PID="" KNFSD_RPCBIND_PID=""
	if [ -n "${KNFSD_EXPORT:-}" ] && grep -q " $KNFSD_EXPORT tmpfs" /proc/mounts; then
		umount "$KNFSD_EXPORT" || rc=1
	fi
	return $rc
}

# Run as a script: set up and print the variables.
if [ "${BASH_SOURCE[0]}" = "$0" ]; then
	knfsd_setup "$@" || exit 1
	for v in KNFSD_HOST KNFSD_PORT KNFSD_MNT_PORT KNFSD_EXPORT KNFSD_FILE KNFSD_FILE_BYTES; do
		echo "$v=${!v}"
	done
fi
