# shellcheck shell=bash
# Guest, run by nstest.service under systemd (see systemd-init.sh), after
# netswap.service started. The netswaptab has s0 and f1:
#  - netswap-generator made dev-netswap-s0.swap, requiring the template's
#    netswap@s0.service (after network-online.target, brings s0 up and
#    formats it), not ordered before swap.target; netswap.service wants
#    it and only raised vm.min_free_kbytes by the reserve. s0 is "auto":
#    the udev rule left its swap to systemd (a kernel log line says so).
#  - f1 has an fstab line (nofail,_netdev,x-systemd.requires=netswap@f1
#    .service,pri=2): systemd-fstab-generator's unit (systemd 252 ignores
#    x-systemd.requires= on swap lines; netswap-generator's drop-in ties
#    it to netswap@f1.service), swap on with priority 2, and no ordering
#    cycle anywhere in the boot.
#  - e0 came up with swap on before systemd (systemd-init.sh): the
#    generator recorded it early-boot (/run/netswap/generator-early), its
#    generated netswap@e0.service waits for no network, dev-netswap-e0.swap
#    is wanted by and ordered before swap.target, and systemd took the
#    swap as it was (no swapon of its own, the same disk, priority 4).
# All show in `systemctl list-units --type=swap`. Then netswap@s0.service
# is stopped (its swap unit goes first: swap off, s0 disabled) and
# dev-netswap-s0.swap started again (it pulls netswap@s0.service back).
# Writes /share/dmesg.txt and /share/rc, then powers off: the host checks
# the shutdown order.
. "$NETSWAP_REPO/tests/vm/guest/nslib.sh"
NS_SWAPCTL=/usr/sbin/swapctl

# prio_on NAME PRIO: swap on NAME's disk with priority PRIO.
prio_on() {
	local dev
	dev=/dev/$(ns_get "$1" disk)
	awk -v d="$dev" -v p="$2" '$1 == d && $5 == p { f = 1 } END { exit !f }' /proc/swaps
}
# prop UNIT PROPERTY
prop() { systemctl show -p "$2" --value "$1"; }

[ "$(systemctl is-enabled netswap.service)" = enabled ] || ns_fail "netswap.service is not enabled"
[ "$(systemctl is-active netswap.service)" = active ] ||
	ns_fail "netswap.service is $(systemctl is-active netswap.service): $(systemctl status --no-pager netswap.service | tail -n 5)"
journalctl -b -u netswap.service -u 'netswap@*' -u 'dev-netswap-*' --no-pager -o cat 2>/dev/null |
	sed 's/^/  journal| /'
cycles=$(journalctl -b --no-pager -o cat 2>/dev/null | grep -i 'ordering cycle' || true)
[ -z "$cycles" ] || ns_fail "ordering cycle at boot: $cycles"

# ---- s0: the generator's units ----
for u in netswap@s0.service dev-netswap-s0.swap; do
	[ "$(systemctl is-active "$u")" = active ] ||
		ns_fail "$u is $(systemctl is-active "$u"): $(systemctl status --no-pager "$u" 2>&1 | tail -n 5)"
done
[ "$(prop dev-netswap-s0.swap FragmentPath)" = /run/systemd/generator/dev-netswap-s0.swap ] ||
	ns_fail "dev-netswap-s0.swap is not the generator's: $(prop dev-netswap-s0.swap FragmentPath)"
[ "$(prop dev-netswap-s0.swap SourcePath)" = /etc/netswap/netswaptab ] ||
	ns_fail "dev-netswap-s0.swap: SourcePath $(prop dev-netswap-s0.swap SourcePath)"
[[ " $(prop dev-netswap-s0.swap Requires) " == *" netswap@s0.service "* ]] ||
	ns_fail "dev-netswap-s0.swap does not require netswap@s0.service"
[[ " $(prop dev-netswap-s0.swap Before) " != *" swap.target "* ]] ||
	ns_fail "dev-netswap-s0.swap is ordered before swap.target (it comes after the network)"
[[ " $(prop netswap@s0.service After) " == *" network-online.target "* ]] ||
	ns_fail "netswap@s0.service is not after network-online.target: $(prop netswap@s0.service After)"
[[ " $(prop netswap.service Wants) " == *" dev-netswap-s0.swap "* ]] ||
	ns_fail "netswap.service does not want dev-netswap-s0.swap: $(prop netswap.service Wants)"
systemd-analyze verify /run/systemd/generator/dev-netswap-s0.swap >/tmp/verify-gen.log 2>&1 ||
	echo "exit $?" >>/tmp/verify-gen.log
[ ! -s /tmp/verify-gen.log ] || ns_fail "systemd-analyze verify (generated): $(head -n 3 /tmp/verify-gen.log | tr '\n' ' ')"
[ "$(ns_get s0 state)" = up ] || ns_fail "s0 is $(ns_get s0 state)"
prio_on s0 3 || ns_fail "no swap with priority 3 on s0's disk: $(tail -n +2 /proc/swaps)"
for _ in $(seq 1 50); do
	[ -L /dev/netswap/s0 ] && break
	sleep 0.2
done
[ "$(readlink -f /dev/netswap/s0)" = "/dev/$(ns_get s0 disk)" ] || ns_fail "/dev/netswap/s0 does not lead to s0's disk"
dmesg | grep -q "swapctl: hotplug: s0: swap left to systemd: started dev-netswap-s0.swap" ||
	ns_fail "the udev rule did not hand s0's swap (auto) to systemd"

# ---- f1: an fstab line ----
[ "$(systemctl is-active dev-netswap-f1.swap)" = active ] ||
	ns_fail "dev-netswap-f1.swap is $(systemctl is-active dev-netswap-f1.swap): $(systemctl status --no-pager dev-netswap-f1.swap 2>&1 | tail -n 5)"
[ "$(prop dev-netswap-f1.swap SourcePath)" = /etc/fstab ] ||
	ns_fail "dev-netswap-f1.swap is not fstab's: $(prop dev-netswap-f1.swap SourcePath)"
[[ " $(prop dev-netswap-f1.swap Requires) " == *" netswap@f1.service "* ]] ||
	ns_fail "dev-netswap-f1.swap does not require netswap@f1.service"
[[ " $(prop dev-netswap-f1.swap DropInPaths) " == *"/run/systemd/generator/dev-netswap-f1.swap.d/50-netswap-generator.conf"* ]] ||
	ns_fail "dev-netswap-f1.swap has not netswap-generator's drop-in: $(prop dev-netswap-f1.swap DropInPaths)"
[ "$(ns_get f1 state)" = up ] || ns_fail "f1 is $(ns_get f1 state)"
prio_on f1 2 || ns_fail "no swap with priority 2 on f1's disk: $(tail -n +2 /proc/swaps)"

# ---- e0: up since before systemd, an early-boot target ----
early=$(cat /run/netswap/generator-early 2>/dev/null)
[ "$early" = e0 ] || ns_fail "/run/netswap/generator-early: '$early', not e0"
for u in netswap@e0.service dev-netswap-e0.swap; do
	[ "$(systemctl is-active "$u")" = active ] ||
		ns_fail "$u is $(systemctl is-active "$u"): $(systemctl status --no-pager "$u" 2>&1 | tail -n 5)"
done
[ "$(prop netswap@e0.service FragmentPath)" = "/run/systemd/generator/netswap@e0.service" ] ||
	ns_fail "netswap@e0.service is not the generator's early one: $(prop netswap@e0.service FragmentPath)"
[[ " $(prop netswap@e0.service After) " != *" network-online.target "* ]] ||
	ns_fail "netswap@e0.service waits for the network: $(prop netswap@e0.service After)"
[[ " $(prop dev-netswap-e0.swap Before) " == *" swap.target "* ]] ||
	ns_fail "dev-netswap-e0.swap is not before swap.target: $(prop dev-netswap-e0.swap Before)"
[[ " $(prop swap.target Wants) " == *" dev-netswap-e0.swap "* ]] ||
	ns_fail "swap.target does not want dev-netswap-e0.swap: $(prop swap.target Wants)"
[ "$(ns_get e0 disk)" = "$(cat /share/early-disk)" ] ||
	ns_fail "e0's disk is $(ns_get e0 disk), not $(cat /share/early-disk) of before systemd"
prio_on e0 4 || ns_fail "no swap with priority 4 on e0's disk: $(tail -n +2 /proc/swaps)"
# systemd may run a swapon of its own when the device unit appears, before
# it has matched the swap already on to the unit: that fails (busy) and
# the unit is active. It must never have turned the swap off.
off=$(journalctl -b --no-pager -o cat 2>/dev/null | grep -iE 'deactivat.*(netswap-e0|netswap0)' || true)
[ -z "$off" ] || ns_fail "systemd turned e0's swap off: $off"
journalctl -b -u dev-netswap-e0.swap --no-pager -o cat 2>/dev/null | grep -q 'swapon failed: Device or resource busy' &&
	ns_log "systemd's own swapon of e0 found the swap already on (busy), as expected"
[ "$ns_failed" = 0 ] && ns_ok "e0 (up since before systemd) taken as early-boot: before swap.target, no network wait, its swap never off"

# Like any other swap.
list=$(systemctl list-units --type=swap --no-legend --plain --all)
echo "$list" | sed 's/^/  swap units| /'
for u in dev-netswap-s0.swap dev-netswap-f1.swap dev-netswap-e0.swap; do
	grep -q "^$u .* active " <<<"$list" || ns_fail "systemctl list-units --type=swap does not show $u active"
done
need=$(($(ns_get s0 reserve_kb) + $(ns_get f1 reserve_kb) + $(ns_get e0 reserve_kb)))
[ "$(cat /proc/sys/vm/min_free_kbytes)" -ge "$need" ] ||
	ns_fail "vm.min_free_kbytes $(cat /proc/sys/vm/min_free_kbytes) is below the reserve ($need)"
[ "$ns_failed" = 0 ] && ns_ok "s0 (generator) and f1 (fstab) up with swap on, reserve applied, no ordering cycle"

# ---- stop and start one target the systemd way ----
systemctl stop netswap@s0.service || ns_fail "systemctl stop netswap@s0.service failed"
[ "$(systemctl is-active dev-netswap-s0.swap)" != active ] || ns_fail "dev-netswap-s0.swap still active"
[ "$(ns_get s0 enable)" = 0 ] || ns_fail "s0 still enabled after netswap@s0.service stopped"
grep -q '^/dev/netswap' /proc/swaps && ! prio_on f1 2 && ns_fail "f1's swap went too"
systemctl start dev-netswap-s0.swap || ns_fail "systemctl start dev-netswap-s0.swap failed: $(systemctl status --no-pager dev-netswap-s0.swap 2>&1 | tail -n 5)"
[ "$(systemctl is-active netswap@s0.service)" = active ] || ns_fail "dev-netswap-s0.swap did not pull netswap@s0.service in"
prio_on s0 3 || ns_fail "s0's swap is not back with priority 3: $(tail -n +2 /proc/swaps)"
[ "$ns_failed" = 0 ] && ns_ok "netswap@s0.service stopped (swap off first, target disabled) and dev-netswap-s0.swap brought both back"
ns_sc_ok status

rc=0
[ "$ns_failed" = 0 ] || rc=1
echo "RESULT: $([ $rc = 0 ] && echo PASS || echo FAIL)"
dmesg >/share/dmesg.txt 2>&1
sync
echo $rc >/share/rc.tmp && mv /share/rc.tmp /share/rc
systemctl --no-block poweroff
exit 0
