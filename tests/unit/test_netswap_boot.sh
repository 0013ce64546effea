#!/bin/bash
# Unit tests of boot/netswap-boot, the early-boot script of the dracut
# module and the initramfs-tools hook, under dash and busybox sh (the
# shells of those images): the kernel command line, rd.netswap=0, bad
# entries, the network check, the netswaptab fallback, the log lines. A
# fake root (NETSWAP_BOOT_ROOT) holds /proc/cmdline, /proc/net/*,
# /proc/swaps and /dev/kmsg; stand-ins for swapctl and modprobe record
# their calls. Prints PASS/FAIL lines; exit 1 if any failed.
set -u
here=$(cd "$(dirname "$0")" && pwd)
script=$here/../../boot/netswap-boot
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
failed=0

# The stand-ins: every call goes to $R/calls; swapctl fails for a table
# whose target is named in $R/fail, and prints a line either way.
cat >"$tmp/swapctl" <<'FAKE'
#!/bin/sh
echo "swapctl $*" >>"$NETSWAP_BOOT_ROOT/calls"
echo "NETSWAP_INITIATOR_CREATE=${NETSWAP_INITIATOR_CREATE-unset}" >>"$NETSWAP_BOOT_ROOT/env"
if [ "$1" = apply ]; then
	read -r name _ <"$3"
	if grep -qx "$name" "$NETSWAP_BOOT_ROOT/fail" 2>/dev/null; then
		echo "swapctl: apply: $name: cannot connect: connection refused" >&2
		exit 4
	fi
	echo "$name: swap on /dev/netswap0"
fi
exit 0
FAKE
cat >"$tmp/modprobe" <<'FAKE'
#!/bin/sh
echo "modprobe $*" >>"$NETSWAP_BOOT_ROOT/calls"
# $R/modprobe-fail: fail with its text, as modprobe prints it.
if [ -f "$NETSWAP_BOOT_ROOT/modprobe-fail" ]; then
	cat "$NETSWAP_BOOT_ROOT/modprobe-fail" >&2
	exit 1
fi
FAKE
chmod +x "$tmp/swapctl" "$tmp/modprobe"

ipv4_default='Iface	Destination	Gateway	Flags	RefCnt	Use	Metric	Mask	MTU	Window	IRTT
eth0	00000000	0202000A	0003	0	0	0	00000000	0	0	0
eth0	0002000A	00000000	0001	0	0	0	00FFFFFF	0	0	0'
ipv4_none='Iface	Destination	Gateway	Flags	RefCnt	Use	Metric	Mask	MTU	Window	IRTT'
ipv6_reject='00000000000000000000000000000000 00 00000000000000000000000000000000 00 00000000000000000000000000000000 ffffffff 00000001 00000000 00200200       lo'
ipv6_default='00000000000000000000000000000000 00 00000000000000000000000000000000 00 fe800000000000000000000000000002 00000400 00000001 00000000 00000003     eth0'

# setup CMDLINE [ROUTE [IPV6_ROUTE [SWAPS]]]: a fresh fake root in $R.
setup() {
	R=$tmp/root.$((++n))
	mkdir -p "$R/proc/net" "$R/dev" "$R/sys/kernel/config/netswap" "$R/etc/netswap"
	echo "$1" >"$R/proc/cmdline"
	printf '%s\n' "${2:-$ipv4_default}" >"$R/proc/net/route"
	printf '%s\n' "${3:-$ipv6_reject}" >"$R/proc/net/ipv6_route"
	printf 'Filename\tType\tSize\tUsed\tPriority\n%s' "${4:-}" >"$R/proc/swaps"
	: >"$R/dev/kmsg"
	: >"$R/calls"
}

# boot SHELL [ARGS]: run the script in the fake root.
boot() {
	local sh=$1
	shift
	NETSWAP_BOOT_ROOT=$R NETSWAP_SWAPCTL=$tmp/swapctl NETSWAP_MODPROBE=$tmp/modprobe \
		$sh "$script" "$@"
}

check() {
	local name=$1
	shift
	if "$@"; then
		echo "PASS netswap_boot.$name"
	else
		echo "FAIL netswap_boot.$name"
		echo "  kmsg:"; sed 's/^/    /' "$R/dev/kmsg"
		echo "  calls:"; sed 's/^/    /' "$R/calls"
		failed=1
	fi
}

has_log() { grep -qF -- "$1" "$R/dev/kmsg"; }
no_calls() { [ ! -s "$R/calls" ]; }
done_set() { [ -e "$R/run/netswap/done" ]; }
n=0

for sh in dash "busybox sh"; do
	tag=${sh%% *}

	# No entries and no netswaptab: nothing at all, and the boot goes on.
	setup "root=/dev/vda ro quiet"
	boot "$sh"
	check "$tag.nothing" eval 'no_calls && [ ! -s "$R/dev/kmsg" ] && done_set'

	# rd.netswap=0 wins over entries and a netswaptab.
	setup "rd.netswap=a,iscsi://10.0.2.2/iqn.2026-11.org.x:a/1 rd.netswap=0"
	echo "t iscsi://10.0.2.2/iqn.2026-11.org.x:t/1" >"$R/etc/netswap/netswaptab"
	boot "$sh"
	check "$tag.disabled" eval 'no_calls && has_log "<5>netswap-boot: disabled by rd.netswap=0" && done_set'

	# Entries: one table each, in order, the options after the URL; a
	# malformed one is skipped with a warning; a failing one is named and
	# costs only itself; the reserve follows; the summary lists the swaps.
	setup "ip=dhcp rd.netswap=a,iscsi://10.0.2.2/iqn.2026-11.org.x:a/1,format,priority=5 rd.netswap=justaname rd.netswap=b,nfs://10.0.2.2/srv/b.swap rd.netswap=c,iscsi://10.0.2.2:1/iqn.2026-11.org.x:c/1" \
		"" "" "/dev/netswap0	partition	1048572	0	5
"
	echo c >"$R/fail"
	boot "$sh" --if-online
	check "$tag.entries.tables" eval '
		[ "$(cat "$R/run/netswap/cmdline-1.tab")" = "a iscsi://10.0.2.2/iqn.2026-11.org.x:a/1 format,priority=5" ] &&
		[ "$(cat "$R/run/netswap/cmdline-2.tab")" = "b nfs://10.0.2.2/srv/b.swap " ] &&
		[ "$(cat "$R/run/netswap/cmdline-3.tab")" = "c iscsi://10.0.2.2:1/iqn.2026-11.org.x:c/1 " ] &&
		[ ! -e "$R/run/netswap/cmdline-4.tab" ]'
	check "$tag.entries.calls" eval '[ "$(cat "$R/calls")" = "modprobe netswap
swapctl apply -c $R/run/netswap/cmdline-1.tab
swapctl apply -c $R/run/netswap/cmdline-2.tab
swapctl apply -c $R/run/netswap/cmdline-3.tab
swapctl reserve --apply" ]'
	check "$tag.entries.malformed" has_log "<4>netswap-boot: rd.netswap=justaname: expected NAME,URL[,OPT=VAL...]; ignored"
	check "$tag.entries.failed" eval 'has_log "<4>netswap-boot: rd.netswap=c,iscsi://10.0.2.2:1/iqn.2026-11.org.x:c/1: swapctl: apply: c: cannot connect: connection refused" &&
		has_log "<4>netswap-boot: rd.netswap=c,iscsi://10.0.2.2:1/iqn.2026-11.org.x:c/1: failed (above): booting without it"'
	check "$tag.entries.ok" has_log "<5>netswap-boot: rd.netswap=a,iscsi://10.0.2.2/iqn.2026-11.org.x:a/1,format,priority=5: a: swap on /dev/netswap0"
	check "$tag.entries.summary" eval 'has_log "<5>netswap-boot: swap on before the root file system: netswap0" && done_set'

	# A second call does nothing (the initqueue keeps calling it).
	: >"$R/calls"
	boot "$sh" --if-online
	check "$tag.once" no_calls

	# --if-online waits for a default route: none, or only IPv6's reject
	# route on lo, is not online; an IPv6 default route on eth0 is.
	setup "rd.netswap=a,iscsi://10.0.2.2/iqn.2026-11.org.x:a/1" "$ipv4_none" "$ipv6_reject"
	boot "$sh" --if-online
	check "$tag.offline" eval 'no_calls && ! done_set'
	printf '%s\n' "$ipv6_default" >"$R/proc/net/ipv6_route"
	boot "$sh" --if-online
	check "$tag.online.ipv6" eval 'grep -q "^swapctl apply" "$R/calls" && done_set'

	# The network never came up: one warning, and the boot goes on.
	setup "rd.netswap=a,iscsi://10.0.2.2/iqn.2026-11.org.x:a/1" "$ipv4_none"
	boot "$sh" --no-network
	check "$tag.no_network" eval 'no_calls && has_log "<4>netswap-boot: the network did not come online: booting without network swap" && done_set'

	# No entries: the image's netswaptab, as a whole; no swap came up.
	# Secure Boot refuses the module: modprobe's line, the advice, and
	# the boot goes on without network swap; swapctl is never run.
	setup "ip=dhcp rd.netswap=a,iscsi://10.0.2.2/iqn.2026-11.org.x:a/1"
	echo "modprobe: ERROR: could not insert 'netswap': Key was rejected by service" >"$R/modprobe-fail"
	boot "$sh"
	check "$tag.secure_boot" eval '[ "$(cat "$R/calls")" = "modprobe netswap" ] &&
		has_log "<4>netswap-boot: modprobe: ERROR: could not insert '"'"'netswap'"'"': Key was rejected by service" &&
		has_log "<4>netswap-boot: Secure Boot refuses netswap.ko: enrol DKMS'"'"'s key once (mokutil --import /var/lib/dkms/mok.pub, reboot, Enroll MOK)" &&
		has_log "<4>netswap-boot: cannot load the netswap module: booting without network swap" && done_set'
	# Any other modprobe failure: its line and the same end, no advice.
	setup "ip=dhcp rd.netswap=a,iscsi://10.0.2.2/iqn.2026-11.org.x:a/1"
	echo "modprobe: FATAL: Module netswap not found in directory /lib/modules/6.12.0" >"$R/modprobe-fail"
	boot "$sh"
	check "$tag.no_module" eval 'has_log "Module netswap not found" && ! has_log "Secure Boot" &&
		has_log "<4>netswap-boot: cannot load the netswap module: booting without network swap"'

	setup "ip=dhcp"
	echo "t iscsi://10.0.2.2/iqn.2026-11.org.x:t/1 auto" >"$R/etc/netswap/netswaptab"
	boot "$sh"
	check "$tag.netswaptab" eval '[ "$(cat "$R/calls")" = "modprobe netswap
swapctl apply -c $R/etc/netswap/netswaptab" ] && has_log "<4>netswap-boot: no network swap came up"'

	# The initiator name comes with the image: swapctl may not make one up
	# here, and an iSCSI entry without one in the image is a warning.
	nameless="<4>netswap-boot: no iSCSI initiator name in the image"
	check "$tag.initiator.missing" eval 'has_log "$nameless" &&
		[ "$(sort -u "$R/env")" = "NETSWAP_INITIATOR_CREATE=0" ]'
	setup "ip=dhcp rd.netswap=a,iscsi://10.0.2.2/iqn.2026-11.org.x:a/1"
	echo "InitiatorName=iqn.2026-11.org.netswap:0123456789ab" >"$R/etc/netswap/initiatorname"
	boot "$sh"
	check "$tag.initiator.image" eval '! has_log "$nameless" && [ -s "$R/env" ]'
	setup "ip=dhcp rd.netswap=b,nfs://10.0.2.2/srv/b.swap"
	boot "$sh"
	check "$tag.initiator.nfs_only" eval '! has_log "$nameless" && [ -s "$R/env" ]'
done
exit $failed
