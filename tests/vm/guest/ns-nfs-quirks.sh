# shellcheck shell=bash
# Guest (t-24-nfs-quirks.sh): netswap's NFS client against fakenfs.py, an
# in-memory NFSv3 server in this guest on 127.0.0.1 whose quirks take the
# client paths knfsd and ganesha never take:
#  (a) every WRITE answers UNSTABLE: the client must COMMIT; every Nth
#      COMMIT simulates a server reboot (new write verifier, uncommitted
#      pages lost): the client must send those WRITEs again;
#  (b) NFS3ERR_JUKEBOX on every Nth READ, WRITE and COMMIT, also
#      NFS3ERR_SERVERFAULT, RPC SYSTEM_ERR and short READs (odd counts:
#      XDR padding): retried after ~500 ms (the server measures the
#      delay); short WRITEs: sent again;
#  (c) every reply split into 2-3 record fragments at odd offsets (inside
#      the reply header and inside READ data), some with a zero-length
#      fragment, some sent in pieces 2 ms apart (inside the markers too);
#  (d) before every Nth I/O reply, and before every setup reply (MNT,
#      LOOKUP, GETATTR, FSINFO), a copy with an XID the client never used:
#      ignored ("reply with unknown XID ... ignored");
#  (e) a file whose GETATTR reports used < size: enable fails "has holes";
#  (f) hostile setups (a server of their own each): every setup reply
#      dripped a byte every 0.25 s fails enable at the 10 s setup
#      deadline; 100 empty record fragments before each reply fail it at
#      once; 63 are still accepted;
#  (g) hostile I/O (a server of their own each): READs that answer more
#      than asked are a protocol error and a recovery, the data intact;
#      garbage after a reply inside its record is skipped; a record
#      marker of 2^31-1 bytes and a storm of 10000 empty fragments before
#      a reply are protocol errors and recoveries, the data intact; a
#      storm of stale file handles fails the target with a last_error
#      that says so; every WRITE answered DATA_SYNC: no COMMIT is sent;
#  (h) a server that stops answering (SIGSTOP: its kernel still ACKs)
#      while nothing is in flight: the NULL ping finds it within
#      io_timeout_ms and more (timeouts, recovery, "server stopped
#      answering NULL pings"), and before that the server saw the pings
#      on both connections; when it answers again the target is back up
#      and the data reads back;
#  (i) a server that closes connections idle for 5 s (knfsd does after 6
#      to 12 minutes): with a NULL ping every 2 s both connections outlive
#      15 s without I/O, no recovery; a raw connection opened beside them
#      is closed by the server, so the closing did happen.
#  (j) a recovery while a WRITE waits for its COMMIT, with the scheduler
#      none and the requeue list run mid-recovery: a 4 KiB write right
#      behind it is not merged into the requeued request; both pages
#      read back.
# An O_DIRECT 8 MB pattern is written and read back; the server's stable
# content (what survived the simulated reboots) must equal the pattern;
# after disable/enable it reads back again. The server's counters
# (/share/fakenfs-stats.txt) must show every quirk taken, every JUKEBOX
# retried no sooner than 400 ms, no uncommitted or lost data left; the
# target's stats show retries and no errors; the kernel log has the
# client's line for each quirk ("write verifier changed", "unknown XID",
# "jukebox", "short READ", ...) and no protocol error.
# NETSWAP_FAKENFS_QUIRKS (fakenfs.py switches, words) replaces the quirk
# set, e.g. to find the smallest one that reproduces a failure; only the
# counters and log lines of the quirks given are checked.
. "$NETSWAP_REPO/tests/vm/guest/nslib.sh"
. "$NETSWAP_REPO/tests/vm/guest-lib.sh"

FAKENFS=$NETSWAP_REPO/tests/vm/fakenfs.py
port=20049 mport=20050 export_path=/fakenfs mb=8
stats=/tmp/fakenfs-stats dump=/tmp/fakenfs-dump
if [ -n "${NETSWAP_FAKENFS_QUIRKS:-}" ]; then
	read -r -a quirks <<<"$NETSWAP_FAKENFS_QUIRKS"
else
	quirks=(--unstable --verf-change-every 40 --jukebox-every 7
		--jukebox-commit-every 29 --serverfault-every 23 --syserr-every 31
		--short-every 17 --fragment --empty-fragments --trickle-every 13
		--bogus-xid-every 5 --bogus-setup --vary-attrs)
fi
ns_log "fakenfs quirks: ${quirks[*]}"

python3 "$FAKENFS" --port "$port" --mnt-port "$mport" --export "$export_path" \
	--file swap.img:32M --holes holes.img:1M --stats "$stats" \
	--dump "$dump" --dump-len "${mb}M" --ready /tmp/fakenfs-ready \
	--log /share/fakenfs.log "${quirks[@]}" </dev/null >/share/fakenfs.out 2>&1 &
srv_pid=$!
nsvm_wait_file /tmp/fakenfs-ready 90 || ns_die "fakenfs.py did not start: $(tail -n 3 /share/fakenfs.out)"
ns_log "fakenfs.py is up (pid $srv_pid)"

. "$NETSWAP_REPO/tests/vm/guest/fakenfs-lib.sh"

# has SWITCH: the server runs with that quirk.
has() {
	local q
	for q in "${quirks[@]}"; do [ "$q" = "$1" ] && return 0; done
	return 1
}

ns_load

# (e) used < size
ns_create_nfs t0 holes.img "$export_path" 127.0.0.1 "$port" "$mport"
expect_enable_fails "has holes"
rmdir "$NS_CFG/t0" || ns_fail "rmdir t0"

# (a)-(d) under an O_DIRECT pattern
ns_create_nfs q0 swap.img "$export_path" 127.0.0.1 "$port" "$mport"
ns_enable q0 || ns_die "enable against fakenfs.py"
dev=$(ns_dev q0)
[ "$(blockdev --getsize64 "$dev")" = $((32 << 20)) ] ||
	ns_fail "$dev is $(blockdev --getsize64 "$dev") bytes, the file 32 MB"
t0=$SECONDS
ns_pattern_check "$dev" "$mb"
ns_log "pattern check took $((SECONDS - t0)) s"
cat "$NS_CFG/q0/stats"
declare -A NS
while read -r k v; do NS[$k]=$v; done <"$NS_CFG/q0/stats"
[ "${NS[errors]:-x}" = 0 ] || ns_fail "target errors: ${NS[errors]:-?}"
[ "${NS[writes]:-0}" -ge $((mb * 16)) ] || ns_fail "target writes: ${NS[writes]:-?}"

srv_snapshot
if cmp -s "$dump" /tmp/ns-pat; then
	ns_ok "the server's stable data equals the pattern"
else
	ns_fail "the server's stable data differs from the pattern: $(cmp "$dump" /tmp/ns-pat 2>&1 | head -n 1)"
fi
srv_expect bad_calls eq 0
srv_expect auth_sys gt 0
srv_expect dirty_pages eq 0
srv_expect lost_pending eq 0
if has --unstable; then
	srv_expect unstable_replies gt 0
	# one COMMIT per UNSTABLE reply, but a short WRITE is sent again first
	srv_expect commits eq $((SRV[unstable_replies] - SRV[short_writes]))
fi
if has --verf-change-every; then
	srv_expect verf_changes gt 0
	srv_expect pages_lost gt 0
	srv_expect verf_rewrites gt 0
	srv_expect verf_mismatches gt 0
	srv_expect rewrites ge "${SRV[verf_rewrites]:-1}"
fi
if has --jukebox-every; then
	srv_expect jukebox_read gt 0
	srv_expect jukebox_write gt 0
fi
has --jukebox-commit-every && srv_expect jukebox_commit gt 0
has --serverfault-every && srv_expect serverfaults gt 0
has --syserr-every && srv_expect syserrs gt 0
if has --short-every; then
	srv_expect short_reads gt 0
	srv_expect short_writes gt 0
fi
if [ "${SRV[retry_waits]:-0}" -gt 0 ]; then
	srv_expect retry_back eq "${SRV[retry_waits]}"
	srv_expect retry_delay_min_ms ge 400
	ns_log "server: retry delays $((SRV[retry_delay_min_ms]))-$((SRV[retry_delay_max_ms])) ms"
fi
if has --fragment; then
	srv_expect split_replies gt 0
	srv_expect fragments gt $((2 * SRV[split_replies]))
fi
has --empty-fragments && srv_expect empty_fragments gt 0
has --trickle-every && srv_expect trickled gt 0
if has --bogus-xid-every || has --bogus-setup; then
	srv_expect bogus_xids gt 0
fi

# the client's side of it, in the kernel log
dmesg >/tmp/dmesg.txt
log_has() {
	local n
	n=$(grep -c "q0: .*$1" /tmp/dmesg.txt)
	if [ "$n" -gt 0 ]; then
		ns_ok "kernel log: $n x '$1'"
	else
		ns_fail "kernel log lacks '$1'"
	fi
}
has --verf-change-every && log_has "write verifier changed (server restarted)"
has --bogus-xid-every && log_has "reply with unknown XID .* ignored"
has --jukebox-every && log_has "server busy, try later (jukebox), retrying"
has --serverfault-every && log_has "server fault, retrying"
has --syserr-every && log_has "RPC: server system error"
has --short-every && log_has "short READ at"
if grep -E 'q0: .*(malformed|protocol error|gave up|connection lost)' /tmp/dmesg.txt; then
	ns_fail "protocol errors or a lost connection in the kernel log"
fi
# Every reply that asks for a retry is one: waits (JUKEBOX, SERVERFAULT,
# SYSTEM_ERR, short READ), short WRITEs, COMMITs with another verifier.
want=$((SRV[retry_waits] + SRV[short_writes] + SRV[verf_mismatches]))
if [ "${NS[retries]:-x}" = "$want" ]; then
	ns_ok "target retries: ${NS[retries]} (= $want retries the server asked for)"
else
	ns_fail "target retries: ${NS[retries]:-?}, the server asked for $want (waits ${SRV[retry_waits]}, short writes ${SRV[short_writes]}, verifier mismatches ${SRV[verf_mismatches]})"
fi
if [ "$want" -gt 0 ] && [ "${NS[retries]:-0}" -eq 0 ]; then
	ns_fail "no retries"
fi

# Enable again (setup replies fragmented, bogus XIDs before them); the
# pattern reads back from the server.
echo 0 >"$NS_CFG/q0/enable" || ns_fail "disable: $(ns_get q0 last_error)"
ns_enable q0 || ns_die "re-enable against fakenfs.py"
dev=$(ns_dev q0)
dd if="$dev" of=/tmp/ns-back2 bs=1M count="$mb" iflag=direct status=none || ns_fail "read $dev"
if cmp -s /tmp/ns-pat /tmp/ns-back2; then
	ns_ok "pattern read back after re-enable"
else
	ns_fail "pattern differs after re-enable"
fi
grep -E '^(reads|writes|errors|retries) ' "$NS_CFG/q0/stats"
[ "$(ns_get q0 state)" = up ] || ns_fail "state $(ns_get q0 state)"
ns_teardown q0
ns_unload

kill "$srv_pid" 2>/dev/null
for ((i = 0; i < 100; i++)); do
	kill -0 "$srv_pid" 2>/dev/null || break
	nsvm_sleep 0.1
done
if kill -0 "$srv_pid" 2>/dev/null; then
	ns_fail "fakenfs.py ignored SIGTERM"
	kill -9 "$srv_pid"
fi
wait "$srv_pid" || ns_fail "fakenfs.py exited $?"
cp "$stats" /share/fakenfs-stats.txt 2>/dev/null
ns_log "server at exit: $(tr '\n' ' ' <"$stats")"

# hostile_server NAME SIZE SWITCH...: a fakenfs.py of its own on ports
# 20051/20052 with a file swap.img of SIZE and only SWITCH; its PID in pid.
hostile_server() {
	local name=$1 size=$2
	shift 2
	rm -f /tmp/hostile-ready "/tmp/hostile-$name.stats"
	python3 "$FAKENFS" --port 20051 --mnt-port 20052 --export "$export_path" \
		--file "swap.img:$size" --stats "/tmp/hostile-$name.stats" --ready /tmp/hostile-ready \
		--log "/share/fakenfs-$name.log" "$@" </dev/null >"/share/fakenfs-$name.out" 2>&1 &
	pid=$!
	nsvm_wait_file /tmp/hostile-ready 90 || ns_die "$name: fakenfs.py did not start"
}

# hostile_server_stop NAME COUNTER: stop it; its COUNTER must show that
# the hostile replies went out.
hostile_server_stop() {
	kill "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	ns_log "$1 server: $(tr '\n' ' ' <"/tmp/hostile-$1.stats")"
	grep -q "^$2 [1-9]" "/tmp/hostile-$1.stats" ||
		ns_fail "$1: the server sent no hostile reply ($2)"
}

# (f) a hostile server's setup: fails enable within the setup deadline.
# hostile NAME EXPECT COUNTER SWITCH...: a fakenfs.py of its own with only
# SWITCH; enable (io_timeout_ms 2000: the deadline is 10 s) must fail in
# at most 30 s with EXPECT in last_error, and the server's COUNTER must
# show that the hostile replies went out. EXPECT "!": enable must succeed.
hostile() {
	local name=$1 expect=$2 counter=$3 pid rc dt err
	shift 3
	hostile_server "$name" 4M "$@"
	ns_create_nfs h0 swap.img "$export_path" 127.0.0.1 20051 20052
	ns_set h0 io_timeout_ms 2000
	SECONDS=0
	echo 1 2>/dev/null >"$NS_CFG/h0/enable"
	rc=$?
	dt=$SECONDS
	err=$(ns_get h0 last_error)
	ns_log "$name: enable exit $rc after $dt s: '$err'"
	if [ "$expect" = "!" ]; then
		if [ "$rc" = 0 ]; then
			ns_ok "$name: enabled"
			echo 0 >"$NS_CFG/h0/enable" || ns_fail "$name: disable"
		else
			ns_fail "$name: enable failed: '$err'"
		fi
	elif [ "$rc" = 0 ]; then
		ns_fail "$name: enable succeeded against a hostile server"
		echo 0 >"$NS_CFG/h0/enable"
	elif [ "$dt" -gt 30 ]; then
		ns_fail "$name: enable took $dt s to fail"
	elif [[ $err != *"$expect"* ]]; then
		ns_fail "$name: last_error '$err' lacks '$expect'"
	else
		ns_ok "$name: refused in $dt s: $err"
	fi
	[ "$(ns_get h0 state)" = disabled ] || ns_fail "$name: state $(ns_get h0 state)"
	rmdir "$NS_CFG/h0" || ns_fail "$name: rmdir h0"
	hostile_server_stop "$name" "$counter"
}
ns_load
hostile drip "setup deadline passed" drip_bytes --setup-drip
hostile fragments "reply in more than 64 record fragments" setup_empty_fragments --setup-fragments 100
# 64 empty fragments and the reply: still within the limit.
hostile fragments-ok "!" setup_empty_fragments --setup-fragments 63

# (g) a hostile server during I/O. hostile_io NAME OUTCOME COUNTER
# SWITCH...: a fakenfs.py of its own; a 4 MB O_DIRECT pattern through it.
# OUTCOME "recover:KLOG": the pattern reads back, the target recovered at
# least once and the kernel log says KLOG; "clean": the pattern reads
# back, no recovery, no protocol error; "fail:LAST_ERROR": the write fails
# within 60 s and the target is failed with LAST_ERROR. The server's
# COUNTER shows the fault was served.
# hostile_target T NAME IO_TIMEOUT_MS: target T on the hostile server,
# enabled with a fresh kernel log; its disk in dev.
hostile_target() {
	ns_create_nfs "$1" swap.img "$export_path" 127.0.0.1 20051 20052
	ns_set "$1" io_timeout_ms "$3"
	ns_set "$1" reconnect_delay_ms 200
	dmesg -C
	ns_enable "$1" || ns_die "$2: enable: $(ns_get "$1" last_error)"
	dev=$(ns_dev "$1")
}

hostile_io() {
	local name=$1 outcome=$2 counter=$3 pid dev rec
	shift 3
	hostile_server "$name" 8M "$@"
	hostile_target h1 "$name" 5000
	case $outcome in
	fail:*)
		dd if=/dev/urandom of=/tmp/h1.pat bs=1M count=4 status=none
		if timeout 60 dd if=/tmp/h1.pat of="$dev" bs=1M oflag=direct status=none 2>/dev/null; then
			ns_fail "$name: the write succeeded"
		elif [ "$(ns_get h1 state)" != failed ]; then
			ns_fail "$name: state $(ns_get h1 state), failed expected"
		elif [[ $(ns_get h1 last_error) != *"${outcome#fail:}"* ]]; then
			ns_fail "$name: last_error '$(ns_get h1 last_error)'"
		else
			ns_ok "$name: failed: $(ns_get h1 last_error)"
		fi
		;;
	*)
		ns_pattern_check "$dev" 4 || ns_fail "$name: data"
		rec=$(awk '$1 == "recoveries" { print $2 }' "$NS_CFG/h1/stats")
		if [ "$outcome" = clean ]; then
			[ "$rec" = 0 ] || ns_fail "$name: $rec recoveries"
			dmesg | grep "h1: protocol error" && ns_fail "$name: protocol error logged"
		elif [ "${rec:-0}" -lt 1 ]; then
			ns_fail "$name: no recovery"
		elif ! dmesg | grep -q "h1: .*${outcome#recover:}"; then
			ns_fail "$name: kernel log lacks '${outcome#recover:}'"
		else
			ns_ok "$name: $rec recoveries, data intact"
		fi
		;;
	esac
	echo 0 >"$NS_CFG/h1/enable" || ns_fail "$name: disable"
	rmdir "$NS_CFG/h1" || ns_fail "$name: rmdir h1"
	hostile_server_stop "$name" "$counter"
}
hostile_io too-much "recover:protocol error: READ returned more than asked" too_much_reads --read-too-much-every 10
hostile_io trailing-garbage clean trailing_garbage --trailing-garbage-every 3
hostile_io huge-marker "recover:protocol error: record longer than any reply" huge_markers --huge-marker-every 10
hostile_io empty-storm "recover:protocol error: more than 64 empty record fragments in one reply" empty_storms --empty-storm-every 10
hostile_io stale "fail:file handle is stale" stale_replies --stale-after 8
hostile_io data-sync clean data_sync_replies --data-sync
if grep -q '^commits 0$' /tmp/hostile-data-sync.stats; then
	ns_ok "data-sync: no COMMIT after WRITEs answered DATA_SYNC"
else
	ns_fail "data-sync: COMMITs sent: $(grep '^commits ' /tmp/hostile-data-sync.stats)"
fi

# (h) a silent server while idle: only the NULL ping can find it.
hostile_server frozen 8M
srv_pid=$pid stats=/tmp/hostile-frozen.stats
SRV=()
hostile_target h2 frozen 3000
ns_pattern_check "$dev" 4 || ns_fail "frozen: data"
srv_snapshot
n0=${SRV[calls_null]:-0}
nsvm_sleep 4
srv_snapshot
# io_timeout_ms 3000: a ping a second on each of the two connections.
if [ "$((${SRV[calls_null]:-0} - n0))" -ge 4 ]; then
	ns_ok "frozen: $((${SRV[calls_null]:-0} - n0)) NULL pings in 4 s while idle"
else
	ns_fail "frozen: $((${SRV[calls_null]:-0} - n0)) NULL pings in 4 s while idle"
fi
t0=$(ns_stat h2 timeouts) r0=$(ns_stat h2 recoveries) w0=$(ns_stat h2 writes) d0=$(ns_stat h2 reads)
kill -STOP "$pid"
ns_log "frozen: server stopped (pid $pid)"
SECONDS=0
while [ "$(ns_get h2 state)" = up ] && [ "$SECONDS" -lt 20 ]; do nsvm_sleep 0.2; done
dt=$SECONDS
if [ "$(ns_get h2 state)" = up ]; then
	ns_fail "frozen: still up after $dt s of a silent server"
elif [[ $(ns_get h2 last_error) != *"NULL pings"* ]]; then
	ns_fail "frozen: last_error '$(ns_get h2 last_error)'"
else
	ns_ok "frozen: $(ns_get h2 state) after $dt s: $(ns_get h2 last_error)"
fi
[ "$(ns_stat h2 timeouts)" -gt "$t0" ] || ns_fail "frozen: timeouts stayed $t0"
[ "$(ns_stat h2 writes)" = "$w0" ] && [ "$(ns_stat h2 reads)" = "$d0" ] ||
	ns_fail "frozen: I/O ran while idle (writes $w0 -> $(ns_stat h2 writes), reads $d0 -> $(ns_stat h2 reads))"
kill -CONT "$pid"
SECONDS=0
while [ "$(ns_get h2 state)" != up ] && [ "$SECONDS" -lt 30 ]; do nsvm_sleep 0.2; done
if [ "$(ns_get h2 state)" != up ]; then
	ns_fail "frozen: $(ns_get h2 state) 30 s after the server answered again"
elif ! dd if="$dev" of=/tmp/ns-back bs=1M count=4 iflag=direct status=none ||
	! cmp -s /tmp/ns-pat /tmp/ns-back; then
	ns_fail "frozen: the pattern did not read back"
else
	ns_ok "frozen: up again after $SECONDS s (recoveries $r0 -> $(ns_stat h2 recoveries)), the pattern reads back"
fi
[ "$(ns_stat h2 errors)" = 0 ] || ns_fail "frozen: errors $(ns_stat h2 errors)"
echo 0 >"$NS_CFG/h2/enable" || ns_fail "frozen: disable"
rmdir "$NS_CFG/h2" || ns_fail "frozen: rmdir h2"
hostile_server_stop frozen calls_null

# (i) a server that closes idle connections.
csocks() { ss -Htn state established "dport = :20051" | awk '{ print $3 }' | sort | tr '\n' ' '; }
hostile_server idle 8M --idle-close 5
hostile_target h3 idle 6000
ns_pattern_check "$dev" 4 || ns_fail "idle: data"
socks0=$(csocks) r0=$(ns_stat h3 recoveries)
exec 5<>/dev/tcp/127.0.0.1/20051
nsvm_sleep 15
timeout 2 cat <&5 >/dev/null
rc=$?
exec 5<&-
[ "$rc" = 0 ] && ns_ok "idle: the server closed a raw connection idle for 15 s" ||
	ns_fail "idle: the server kept a raw connection idle for 15 s (cat exit $rc)"
socks1=$(csocks)
if [ "$socks1" = "$socks0" ] && [ "$(ns_stat h3 recoveries)" = "$r0" ] && [ -n "$socks0" ]; then
	ns_ok "idle: both connections outlived 15 s without I/O (${socks0% }), no recovery"
else
	ns_fail "idle: sockets '${socks0% }' -> '${socks1% }', recoveries $r0 -> $(ns_stat h3 recoveries)"
fi
dd if="$dev" of=/tmp/ns-back bs=1M count=4 iflag=direct status=none && cmp -s /tmp/ns-pat /tmp/ns-back ||
	ns_fail "idle: the pattern does not read back"
echo 0 >"$NS_CFG/h3/enable" || ns_fail "idle: disable"
rmdir "$NS_CFG/h3" || ns_fail "idle: rmdir h3"
hostile_server_stop idle idle_closes

# (j) a request requeued by a recovery comes back as it left. With the
# scheduler none, blk-mq would put it back on the software queue, where a
# new bio can merge into it; a WRITE waiting for its COMMIT keeps its XID
# and stage, so the COMMIT of the grown range would complete a page that
# was never written. fakenfs.py --merge-trap holds the COMMIT of the 4 KiB
# WRITE at 1 MiB, answers the next READ JUKEBOX (the retry timer runs the
# requeue list 500 ms later, while the target is still recovering) and
# refuses connections for 3 s; in that window the next 4 KiB is written
# from the same CPU, right behind the held one.
hostile_server merge-trap 8M --merge-trap 1M
srv_pid=$pid stats=/tmp/hostile-merge-trap.stats
SRV=()
hostile_target h4 merge-trap 5000
echo none >"/sys/block/${dev#/dev/}/queue/scheduler" ||
	ns_fail "merge-trap: no scheduler none"
dd if=/dev/urandom of=/tmp/mt.pat bs=4k count=2 status=none
r0=$(ns_stat h4 recoveries)
timeout 60 taskset -c 0 dd if=/tmp/mt.pat of="$dev" bs=4k count=1 seek=256 \
	oflag=direct status=none &
pa=$!
for ((i = 0; i < 50; i++)); do
	srv_snapshot
	[ "${SRV[trap_held_commits]:-0}" -ge 1 ] && break
	nsvm_sleep 0.2
done
[ "${SRV[trap_held_commits]:-0}" -ge 1 ] || ns_fail "merge-trap: no COMMIT was held"
timeout 60 dd if="$dev" of=/dev/null bs=4k count=1 skip=1024 iflag=direct status=none &
pr=$!
SECONDS=0
while [ "$(ns_get h4 state)" = up ] && [ "$SECONDS" -lt 10 ]; do nsvm_sleep 0.1; done
nsvm_sleep 1
mid=$(ns_get h4 state)
timeout 60 taskset -c 0 dd if=/tmp/mt.pat of="$dev" bs=4k count=1 skip=1 seek=257 \
	oflag=direct status=none &
pb=$!
wait "$pa" || ns_fail "merge-trap: the held write failed"
wait "$pr" || ns_fail "merge-trap: the read failed"
wait "$pb" || ns_fail "merge-trap: the write behind it failed"
[ "$mid" != up ] || ns_fail "merge-trap: the target was up again before the second write"
srv_snapshot
srv_expect trap_jukebox eq 1
srv_expect trap_closes eq 1
srv_expect trap_refused ge 1
[ "$(ns_stat h4 recoveries)" -gt "$r0" ] || ns_fail "merge-trap: no recovery"
if dd if="$dev" of=/tmp/mt.back bs=4k count=2 skip=256 iflag=direct status=none &&
	cmp -s /tmp/mt.pat /tmp/mt.back; then
	ns_ok "merge-trap: both pages read back after a recovery with a COMMIT requeued (state $mid during the second write)"
else
	ns_fail "merge-trap: the pages do not read back: $(cmp /tmp/mt.pat /tmp/mt.back 2>&1 | head -n 1)"
fi
echo 0 >"$NS_CFG/h4/enable" || ns_fail "merge-trap: disable"
rmdir "$NS_CFG/h4" || ns_fail "merge-trap: rmdir h4"
hostile_server_stop merge-trap trap_held_commits
ns_unload
ns_finish
