# shellcheck shell=bash
# Guest of t-19-ipv6.sh: an iSCSI and an NFS target over IPv6, one
# recovery of each while a workload swaps through both.
. "$NETSWAP_REPO/tests/vm/guest/nslib.sh"
. "$NETSWAP_REPO/tests/vm/guest-lib.sh"

targets=(i0 n0)

nsvm_ipv6 "$NETSWAP_TGT_PORT" || ns_die "no IPv6 path to [$NETSWAP_HOST_IP6]:$NETSWAP_TGT_PORT"
ns_load
h=$NETSWAP_HOST_IP6
opts=io_timeout_ms=3000,reconnect_delay_ms=500
ns_sc_ok add i0 "iscsi://[$h]:$NETSWAP_TGT_PORT/$NETSWAP_TGT_IQN/1" -o "$opts" ||
	ns_die "swapctl add i0"
ns_sc_ok add n0 "nfs://[$h]:$NETSWAP_NFS_PORT$NETSWAP_NFS_EXPORT/$NETSWAP_NFS_FILE" \
	-o "$opts,mount_port=$NETSWAP_MNT_PORT" || ns_die "swapctl add n0"
for n in "${targets[@]}"; do
	[ "$(ns_get "$n" address)" = "$h" ] || ns_fail "$n address reads '$(ns_get "$n" address)'"
	ns_sc_ok up "$n" --format --priority 5 || ns_die "swapctl up $n: $(ns_get "$n" last_error)"
	[ -n "$(ns_get "$n" storage_id)" ] || ns_fail "$n: no storage_id"
done
ns_sc_ok status --json
[ "$(ns_json "j[0]['address'] + ' ' + j[1]['address']")" = "$h $h" ] ||
	ns_fail "status --json addresses: $(ns_json "[t['address'] for t in j]")"
ns_sc_ok status
for n in "${targets[@]}"; do
	printf '%s\n' "$ns_out" | grep -Eq "^$n +up " || ns_fail "status: $n not up"
done

# The targets' connections are IPv6 ones, to the host's address: two a
# target (writes, reads).
socks() { ss -Htn state established "( dport = :$NETSWAP_TGT_PORT or dport = :$NETSWAP_NFS_PORT )"; }
check_socks() {
	local s n4 n6
	s=$(socks)
	printf '%s\n' "$s" | sed 's/^/  tcp: /'
	n6=$(printf '%s\n' "$s" | grep -c "\[$h\]:" || true)
	n4=$(printf '%s\n' "$s" | grep -c "$NETSWAP_HOST_IP:" || true)
	[ "$n6" -eq 4 ] && [ "$n4" -eq 0 ] ||
		ns_fail "$1: $n6 IPv6 and $n4 IPv4 connections to the servers (want 4 and 0)"
}
check_socks "after up"

ns_hog_start 96 40 -p 1000
ns_hog_swapping 300 "${targets[@]}"
declare -A rec0
for n in "${targets[@]}"; do rec0[$n]=$(ns_stat "$n" reconnects); done
r0=$(($(ns_stat i0 reads) + $(ns_stat n0 reads)))
: >/share/kill
nsvm_wait_file /share/revived 120 || ns_die "the host did not restart the servers"
for ((i = 0; i < 1200; i++)); do
	ok=1
	for n in "${targets[@]}"; do
		[ "$(ns_get "$n" state)" = up ] && [ "$(ns_stat "$n" reconnects)" -gt "${rec0[$n]}" ] || ok=0
	done
	[ "$ok" = 1 ] && break
	nsvm_sleep 0.1
done
for n in "${targets[@]}"; do
	echo "$n: $(ns_get "$n" state), $(ns_get "$n" stats | tr '\n' ' ')"
	[ "$(ns_get "$n" state)" = up ] || ns_fail "$n not up after the servers returned"
	[ "$(ns_stat "$n" reconnects)" -gt "${rec0[$n]}" ] || ns_fail "$n: no reconnect"
done
check_socks "after the recovery"

# Pages moved across the outage and the workload verifies a full pass
# after it.
before=$(ns_hog_passes)
ns_hog_next_pass "$before" 300 || ns_fail "the workload did not verify a pass after the recovery"
r1=$(($(ns_stat i0 reads) + $(ns_stat n0 reads)))
[ "$r1" -gt "$r0" ] || ns_fail "no page-ins after the outage"
ns_hog_stop_check "IPv6: both targets recovered, $((r1 - r0)) page-ins since, 0 corrupt"
for n in "${targets[@]}"; do
	[ "$(ns_stat "$n" errors)" = 0 ] || ns_fail "$n: errors = $(ns_stat "$n" errors)"
	ns_sc_ok down "$n" || ns_fail "swapctl down $n"
	ns_sc_ok rm "$n" || ns_fail "swapctl rm $n"
done
ns_finish
