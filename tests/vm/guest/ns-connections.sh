# shellcheck shell=bash
# Guest (t-29-connections.sh): reads on a connection of their own, on an
# NFS target (the host's ganesha) and an iSCSI target (the host's tgt).
# - connections refuses 3, "x" and -1;
# then for each transport:
# - default: two established sockets to the server, and the kernel log
#   says reads have a connection (NFS) or session (iSCSI) of their own;
# - a pattern is read back over and over (O_DIRECT) while the read
#   connection (the socket that received the most) is killed with ss -K:
#   every read-back matches, recoveries and reconnects rose, no error,
#   two sockets again;
# - a second pattern is written while the write connection (the socket
#   that sent the most) is killed:
#   it reads back intact, a recovery counted;
# - the disk has two hardware queues, the second (HCTX_TYPE_READ) for
#   reads (debugfs: hctxN/type);
# - connections=1: one socket, one hardware queue, and the pattern still
#   reads back.
. "$NETSWAP_REPO/tests/vm/guest/nslib.sh"
. "$NETSWAP_REPO/tests/vm/guest-lib.sh"

mb=32 port=
nsocks() { ss -Htan state established "dport = :$port" | wc -l; }

# Hardware queues of the disk $dev.
nqueues() { find "/sys/block/$(basename "$(readlink -f "$dev")")/mq" -mindepth 1 -maxdepth 1 | wc -l; }
# hqtypes: the type of each hardware queue (debugfs hctxN/type), in order.
hqtypes() {
	local d
	d=/sys/kernel/debug/block/$(basename "$(readlink -f "$dev")")
	for h in "$d"/hctx*; do
		cat "$h/type" 2>/dev/null || echo "no-type($(ls "$h" | tr '\n' ','))"
	done | tr '\n' ' '
}

# The local port of the established socket to the server with the most
# bytes of COUNTER (ss -i: bytes_received for reads, bytes_acked for
# writes).
lport_by() {
	ss -Htni state established "dport = :$port" | awk -v key="$1:" '
		!/^[ \t]/ { n = split($3, a, ":"); lp = a[n] }
		/bytes_/ {
			v = 0
			if (match($0, key "[0-9]+"))
				v = substr($0, RSTART + length(key), RLENGTH - length(key)) + 0
			if (best == "" || v > bv) { best = lp; bv = v }
		}
		END { print best }'
}

# kill_during WHAT COUNTER: kill the socket lport_by COUNTER names once
# the I/O running in the background has moved pages for a second; wait
# for the recovery.
kill_during() {
	local what=$1 lp r0
	r0=$(ns_stat c0 recoveries)
	nsvm_sleep 1
	lp=$(lport_by "$2")
	[ -n "$lp" ] || { ns_fail "$what: no socket to kill"; return; }
	ss -Htni state established "dport = :$port" >"/share/ss-before-$tr-$what.txt"
	ss -K state established "dport = :$port" "sport = :$lp" >/dev/null 2>&1 ||
		ns_fail "$what: ss -K failed"
	ns_log "$tr: killed the $what connection (local port $lp)"
	for _ in $(seq 1 60); do
		[ "$(ns_stat c0 recoveries)" -gt "$r0" ] && [ "$(ns_get c0 state)" = up ] && break
		nsvm_sleep 0.5
	done
	if [ "$(ns_stat c0 recoveries)" -gt "$r0" ]; then
		ns_ok "$tr: $what connection killed: recoveries $r0 -> $(ns_stat c0 recoveries), state $(ns_get c0 state)"
	else
		ns_fail "$tr: $what connection killed, but no recovery counted"
	fi
}

ns_load
mountpoint -q /sys/kernel/debug || mount -t debugfs debugfs /sys/kernel/debug ||
	ns_die "cannot mount debugfs"

# ---- bad input ----
ns_create_nfs c0
for v in 3 x -1; do
	if printf '%s\n' "$v" >"$NS_CFG/c0/connections" 2>/dev/null; then
		ns_fail "connections accepted '$v'"
	else
		ns_ok "connections '$v' refused: $(ns_get c0 last_error)"
	fi
done
[ "$(ns_get c0 connections)" = 0 ] || ns_fail "connections is $(ns_get c0 connections), not the default 0"
rmdir "$NS_CFG/c0"

# run_transport nfs|iscsi
run_transport() {
local tr=$1 lane
if [ "$tr" = nfs ]; then
	ns_create_nfs c0
	port=$NETSWAP_NFS_PORT lane=connection
else
	ns_create c0
	port=${NETSWAP_TGT_PORT:-3260} lane=session
fi
ns_log "---- $tr: two connections ----"
ns_enable c0 || ns_die "$tr: enable"
dev=$(ns_dev c0)
n=$(nsocks)
[ "$n" = 2 ] && ns_ok "$tr: two established sockets to the server" ||
	ns_fail "$tr: $n established sockets to the server, not 2"
dmesg | tail -n 20 | grep -q "c0: .*reads on a $lane of their own" &&
	ns_ok "$tr: the kernel log says reads have a $lane of their own" ||
	ns_fail "$tr: no 'reads on a $lane of their own' in the kernel log"

q="$(nqueues): $(hqtypes)"
[ "$q" = "2: default read " ] && ns_ok "$tr: two hardware queues, the second for reads" ||
	ns_fail "$tr: hardware queues $q, not 2: default read"

dd if=/dev/urandom of=/tmp/pat-a bs=1M count="$mb" status=none
dd if=/dev/urandom of=/tmp/pat-b bs=1M count="$mb" status=none
timeout 120 dd if=/tmp/pat-a of="$dev" bs=1M oflag=direct status=none ||
	ns_die "$tr: write of pattern A failed: $(ns_get c0 last_error)"

# Reads, round after round, while the read connection is killed.
rm -f /tmp/stop /tmp/rounds /tmp/bad
(
	for ((k = 1; k <= 200; k++)); do
		[ -e /tmp/stop ] && break
		if ! timeout 120 dd if="$dev" of=/tmp/back bs=64k count=$((mb * 16)) iflag=direct status=none ||
			! cmp -s /tmp/back /tmp/pat-a; then
			echo "round $k" >>/tmp/bad
		fi
		echo "$k" >/tmp/rounds
	done
) &
loop=$!
kill_during read bytes_received
# The round the kill hit, and one whole round after the recovery.
r_at=$(cat /tmp/rounds 2>/dev/null || echo 0)
for _ in $(seq 1 120); do
	[ "$(cat /tmp/rounds 2>/dev/null || echo 0)" -ge $((r_at + 2)) ] && break
	nsvm_sleep 0.5
done
touch /tmp/stop
wait "$loop"
rounds=$(cat /tmp/rounds 2>/dev/null || echo 0)
if [ -s /tmp/bad ]; then
	ns_fail "$tr: read-back failed while the read connection was killed: $(tr '\n' ' ' </tmp/bad)"
elif [ "$rounds" -ge $((r_at + 2)) ]; then
	ns_ok "$tr: $rounds read-backs of pattern A, all intact, one whole round after the recovery"
else
	ns_fail "$tr: $rounds read-back rounds in 60 s, $r_at of them when the recovery was over"
fi

# Writes while the write connection is killed.
# Three times over the same blocks: writes are still moving at the kill.
(
	rc=0
	for _ in 1 2 3; do
		timeout 180 dd if=/tmp/pat-b of="$dev" bs=1M oflag=direct status=none || rc=$?
	done
	echo "$rc" >/tmp/wrc
) &
loop=$!
kill_during write bytes_acked
wait "$loop"
[ "$(cat /tmp/wrc)" = 0 ] || ns_fail "$tr: write of pattern B failed: $(ns_get c0 last_error)"
timeout 60 dd if="$dev" of=/tmp/back bs=1M count="$mb" iflag=direct status=none ||
	ns_fail "$tr: read back of B failed"
cmp -s /tmp/back /tmp/pat-b && ns_ok "$tr: pattern B intact after the write connection was killed" ||
	ns_fail "$tr: pattern B corrupted: $(cmp /tmp/back /tmp/pat-b | head -n 1)"
[ "$(ns_stat c0 errors)" = 0 ] || ns_fail "$tr: errors = $(ns_stat c0 errors)"
[ "$(ns_stat c0 reconnects)" -ge 2 ] && ns_ok "$tr: reconnects = $(ns_stat c0 reconnects)" ||
	ns_fail "$tr: reconnects = $(ns_stat c0 reconnects), not 2 or more"
n=$(nsocks)
[ "$n" = 2 ] && ns_ok "$tr: two sockets again after recovery" || ns_fail "$tr: $n sockets after recovery, not 2"
ns_get c0 stats | tr '\n' ' '
echo

# ---- one connection ----
echo 0 >"$NS_CFG/c0/enable" || ns_fail "disable"
ns_set c0 connections 1
ns_enable c0 || ns_die "$tr: enable with connections=1: $(ns_get c0 last_error)"
dev=$(ns_dev c0)
n=$(nsocks)
[ "$n" = 1 ] && ns_ok "$tr: connections=1: one socket to the server" ||
	ns_fail "$tr: connections=1: $n sockets to the server"
dmesg | tail -n 20 | grep -q "c0: .*one connection" || ns_fail "$tr: no 'one connection' in the kernel log"
q=$(nqueues)
[ "$q" = 1 ] && ns_ok "$tr: connections=1: one hardware queue" || ns_fail "$tr: connections=1: $q hardware queues"
timeout 60 dd if="$dev" of=/tmp/back bs=1M count="$mb" iflag=direct status=none ||
	ns_fail "$tr: read back over one connection failed"
cmp -s /tmp/back /tmp/pat-b && ns_ok "$tr: pattern B reads back over one connection" ||
	ns_fail "$tr: pattern B over one connection: $(cmp /tmp/back /tmp/pat-b | head -n 1)"
ns_teardown c0
}

run_transport nfs
run_transport iscsi
ns_unload
ns_finish
