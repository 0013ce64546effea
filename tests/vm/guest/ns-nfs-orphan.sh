# shellcheck shell=bash
# Guest (t-26-nfs-orphan.sh): an old connection must die at once.
# fakenfs.py (in this guest, 127.0.0.1) stops reading the connection
# after a few WRITEs, with the client's window closed and calls still
# queued in the client's socket. netswap times out, reconnects and issues
# those calls again; the write of pattern A completes, then pattern B
# overwrites the same blocks. Then the server reads the old connection
# again: whatever arrives there now came from the client's old socket
# after it had given the connection up, and the server applies it, as a
# real server would. With a graceful close, the orphaned socket sends its
# queue (old WRITEs over newer data: B is corrupted); aborted with a RST,
# nothing arrives. Checked: late_writes = 0, B reads back intact, only
# the target's two established sockets to the server at the end, and the fault really hit
# (a timeout, a recovery and a reconnect while A was being written).
. "$NETSWAP_REPO/tests/vm/guest/nslib.sh"
. "$NETSWAP_REPO/tests/vm/guest-lib.sh"

FAKENFS=$NETSWAP_REPO/tests/vm/fakenfs.py
port=20049 mport=20050 mb=16
stats=/tmp/fakenfs-stats
python3 "$FAKENFS" --port "$port" --mnt-port "$mport" --export /fakenfs \
	--file swap.img:32M --stall-after 24 --stats "$stats" \
	--ready /tmp/fakenfs-ready --log /share/fakenfs.log \
	</dev/null >/share/fakenfs.out 2>&1 &
srv_pid=$!
nsvm_wait_file /tmp/fakenfs-ready 90 || ns_die "fakenfs.py did not start: $(tail -n 3 /share/fakenfs.out)"
. "$NETSWAP_REPO/tests/vm/guest/fakenfs-lib.sh"


ns_load
ns_create_nfs o0 swap.img /fakenfs 127.0.0.1 "$port" "$mport"
ns_set o0 io_timeout_ms 2000
ns_set o0 reconnect_delay_ms 200
ns_enable o0 || ns_die "enable against fakenfs.py"
dev=$(ns_dev o0)

dd if=/dev/urandom of=/tmp/pat-a bs=1M count="$mb" status=none
dd if=/dev/urandom of=/tmp/pat-b bs=1M count="$mb" status=none
ns_log "writing pattern A ($mb MB); the server stalls after 24 WRITEs"
timeout 120 dd if=/tmp/pat-a of="$dev" bs=1M oflag=direct status=none ||
	ns_die "write of pattern A failed: $(ns_get o0 last_error)"
ns_get o0 stats | tr '\n' ' '
echo
for k in timeouts recoveries reconnects; do
	v=$(ns_stat o0 "$k")
	if [ "${v:-0}" -ge 1 ]; then
		ns_ok "the stall hit while A was written: $k = $v"
	else
		ns_fail "$k = ${v:-0}: the stall did not hit while pages were moving"
	fi
done
[ "$(ns_stat o0 errors)" = 0 ] || ns_fail "errors = $(ns_stat o0 errors)"

ns_log "writing pattern B over the same blocks"
timeout 120 dd if=/tmp/pat-b of="$dev" bs=1M oflag=direct status=none ||
	ns_die "write of pattern B failed: $(ns_get o0 last_error)"

# The server reads the old connection again; give an orphan time to send.
kill -USR2 "$srv_pid"
nsvm_sleep 4
srv_snapshot
cp "$stats" /share/fakenfs-stats.txt
echo "server: $(tr '\n' ' ' <"$stats")"
srv_expect stall_dropped_calls ge 0
srv_expect late_writes eq 0
srv_expect late_bytes eq 0

timeout 60 dd if="$dev" of=/tmp/back bs=1M count="$mb" iflag=direct status=none ||
	ns_fail "read back failed"
if cmp -s /tmp/back /tmp/pat-b; then
	ns_ok "pattern B intact: no old WRITE landed after it"
else
	ns_fail "pattern B corrupted: $(cmp /tmp/back /tmp/pat-b | head -n 1)"
fi

# Two client sockets to the server, both established (by default writes
# and reads each have a connection): the old ones are gone, not orphaned.
ss -tan >/share/ss.txt
n=$(ss -Htan "dport = :$port" | wc -l)
est=$(ss -Htan state established "dport = :$port" | wc -l)
if [ "$n" = 2 ] && [ "$est" = 2 ]; then
	ns_ok "two established client sockets to the server, no other"
else
	ns_fail "$n client sockets to the server: $(ss -Htan "dport = :$port" | awk '{ print $1 }' | tr '\n' ' ')"
fi

ns_teardown o0
ns_unload
kill "$srv_pid"
wait "$srv_pid"
ns_finish
