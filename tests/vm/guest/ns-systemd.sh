# shellcheck shell=bash
# Guest, run by nstest.service under systemd (see systemd-init.sh), after
# netswap.service started: the unit is enabled and active, ordered after
# network-online.target; it applied the netswaptab (s0 up, swap on with
# priority 3, /dev/netswap/s0 from the udev rules under systemd-udevd) and
# raised vm.min_free_kbytes by the reserve. Writes /share/dmesg.txt and
# /share/rc, then powers off: the host checks the shutdown order.
. "$NETSWAP_REPO/tests/vm/guest/nslib.sh"
NS_SWAPCTL=/usr/sbin/swapctl

[ "$(systemctl is-enabled netswap.service)" = enabled ] || ns_fail "netswap.service is not enabled"
[ "$(systemctl is-active netswap.service)" = active ] ||
	ns_fail "netswap.service is $(systemctl is-active netswap.service): $(systemctl status --no-pager netswap.service | tail -n 5)"
after=$(systemctl show -p After --value netswap.service)
[[ " $after " == *" network-online.target "* ]] || ns_fail "netswap.service is not after network-online.target: $after"
journalctl -b -u netswap.service --no-pager -o cat 2>/dev/null | sed 's/^/  journal| /'

if [ -d "$NS_CFG/s0" ]; then
	[ "$(ns_get s0 state)" = up ] || ns_fail "s0 is $(ns_get s0 state)"
	dev=/dev/$(ns_get s0 disk)
	awk -v d="$dev" '$1 == d && $5 == 3 { f = 1 } END { exit !f }' /proc/swaps ||
		ns_fail "no swap with priority 3 on $dev: $(tail -n +2 /proc/swaps)"
	for _ in $(seq 1 50); do
		[ -L /dev/netswap/s0 ] && break
		sleep 0.2
	done
	[ "$(readlink -f /dev/netswap/s0)" = "$dev" ] || ns_fail "/dev/netswap/s0 does not lead to $dev"
	[ "$(cat /proc/sys/vm/min_free_kbytes)" -ge "$(ns_get s0 reserve_kb)" ] ||
		ns_fail "vm.min_free_kbytes $(cat /proc/sys/vm/min_free_kbytes) is below s0's reserve"
	[ "$ns_failed" = 0 ] && ns_ok "netswap.service: s0 up, swap on $dev (priority 3), /dev/netswap/s0, reserve applied"
else
	ns_fail "netswap.service did not add s0"
fi
ns_sc_ok status

rc=0
[ "$ns_failed" = 0 ] || rc=1
echo "RESULT: $([ $rc = 0 ] && echo PASS || echo FAIL)"
dmesg >/share/dmesg.txt 2>&1
sync
echo $rc >/share/rc.tmp && mv /share/rc.tmp /share/rc
systemctl --no-block poweroff
exit 0
