# shellcheck shell=bash
# Guest helpers for tests that run fakenfs.py in the guest. Set srv_pid
# (the server's PID) and stats (its --stats file) before calling them.

declare -A SRV
# srv_snapshot: SIGUSR1 makes the server rewrite its stats (and dump);
# wait for the new stats_seq, load the counters into SRV.
srv_snapshot() {
	local prev=${SRV[stats_seq]:-0} seq=0 k v i end=$((SECONDS + 30))
	kill -USR1 "$srv_pid" || { ns_fail "fakenfs.py is gone"; return 1; }
	for ((i = 0; i < 300 && SECONDS <= end; i++)); do
		if [ -f "$stats" ]; then
			while read -r k v; do [ "$k" = stats_seq ] && seq=$v; done <"$stats"
		fi
		[ "$seq" -gt "$prev" ] && break
		nsvm_sleep 0.1
	done
	[ "$seq" -gt "$prev" ] || { ns_fail "fakenfs.py did not write its stats"; return 1; }
	SRV=()
	while read -r k v; do SRV[$k]=$v; done <"$stats"
	cp "$stats" "/share/${stats##*/}.txt"
}

# srv_expect NAME OP VALUE: the server counter NAME compares with VALUE.
srv_expect() {
	local v=${SRV[$1]:-0} ok=0
	case $2 in
	gt) ((v > $3)) && ok=1 ;;
	ge) ((v >= $3)) && ok=1 ;;
	eq) ((v == $3)) && ok=1 ;;
	esac
	if [ "$ok" = 1 ]; then
		ns_ok "server: $1 = $v (-$2 $3)"
	else
		ns_fail "server: $1 = $v, expected -$2 $3"
	fi
}
