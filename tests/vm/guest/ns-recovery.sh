# shellcheck shell=bash
# Guest: swap through netswap while the host kills and restarts the target
# twice (tgtd for s-11-recovery.sh, ganesha for s-21-nfs-recovery.sh).
# Every page verified; each outage is seen as up -> recovering -> up and
# counted in stats. Args: [iscsi|nfs [PASSES (default 2)]]
. "$NETSWAP_REPO/tests/vm/guest/nslib.sh"
. "$NETSWAP_REPO/tests/vm/guest-lib.sh"
ns_load
if [ "${1:-iscsi}" = nfs ]; then
	ns_create_nfs t0
else
	ns_create t0
fi
ns_set t0 io_timeout_ms 10000
ns_set t0 reconnect_delay_ms 500
ns_enable t0 || ns_die "enable"
dev=$(ns_dev t0)
ns_monitor t0
ns_reserve t0

# Record every state the target passes through (builtins only: cheap).
(
	last=
	while :; do
		read -r s <"$NS_CFG/t0/state" || break
		if [ "$s" != "$last" ]; then
			echo "$s" >>/tmp/states
			last=$s
		fi
		nsvm_sleep 0.05
	done
) &
mon=$!

# Both outages must fall inside the workload (the verify pass takes a minute or more).
ns_swap_workload "$dev" "${2:-2}" /share/ready
[ -e /share/restarted-2 ] || ns_fail "the workload ended before both target restarts"
nsvm_sleep 1
kill "$mon"
echo "states seen: $(tr '\n' ' ' </tmp/states)"
ns_get t0 stats
seq=$(tr '\n' ' ' </tmp/states)
case $seq in
*"up recovering up recovering up"*) ns_ok "state went up -> recovering -> up twice" ;;
*) ns_fail "state sequence '$seq' lacks two up -> recovering -> up" ;;
esac
rec=$(awk '$1 == "reconnects" { print $2 }' "$NS_CFG/t0/stats")
[ "${rec:-0}" -ge 2 ] || ns_fail "reconnects $rec < 2"

ns_monitor_stop
ns_teardown t0
ns_unload
ns_finish
