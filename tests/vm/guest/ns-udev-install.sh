# shellcheck shell=bash
# Guest: make install (module with depmod, swapctl, man pages, udev rules,
# systemd unit, boot integration; t-34 runs the unit), then with systemd-udevd running: `swapctl enable` of an
# iSCSI target marked "auto,format,priority=7" in netswaptab creates
# /dev/netswap/a0 and swap comes on with no other command; an NFS target
# marked auto without format gets its link, no swap, and the reason in the
# kernel log; unmarked it gets the link and nothing else; down removes the
# links; `up` of an auto target agrees with the rule that raced it; make
# uninstall removes every installed file.
. "$NETSWAP_REPO/tests/vm/guest/nslib.sh"
. "$NETSWAP_REPO/tests/vm/guest-lib.sh"

kver=$(uname -r)
NS_SWAPCTL=/usr/sbin/swapctl
tab=/etc/netswap/netswaptab
iurl=iscsi://$NETSWAP_HOST_IP:$NETSWAP_TGT_PORT/$NETSWAP_TGT_IQN/1
nurl=nfs://$NETSWAP_HOST_IP$NETSWAP_NFS_EXPORT/$NETSWAP_NFS_FILE

files=(
	"/lib/modules/$kver/updates/netswap.ko"
	/usr/sbin/swapctl
	/usr/share/man/man8/swapctl.8
	/usr/share/man/man5/netswaptab.5
	/usr/share/man/man7/netswap-boot.7
	/usr/share/bash-completion/completions/swapctl
	/lib/udev/rules.d/60-netswap.rules
	/lib/systemd/system/netswap.service
	/usr/lib/netswap/netswap-boot
	/usr/lib/dracut/modules.d/90netswap/module-setup.sh
	/usr/lib/dracut/modules.d/90netswap/parse-netswap.sh
	/usr/share/initramfs-tools/hooks/netswap
	/usr/share/initramfs-tools/scripts/init-premount/netswap
	/usr/share/initramfs-tools/conf-hooks.d/netswap
)

# wait_for TEST_ARGS...: up to 20 s for `test ARGS` to hold.
wait_for() {
	local i
	for i in $(seq 1 100); do
		test "$@" && return 0
		sleep 0.2
	done
	return 1
}

# swap_prio DEV: its priority in /proc/swaps, empty if not swap.
swap_prio() { awk -v d="$1" '$1 == d { print $5 }' /proc/swaps; }

# netswap.ko's dependencies; install and uninstall each run depmod.
nsvm_small_modtree libcrc32c configfs || ns_die "no modules tree for depmod"
ns_log "make install"
make -s -C "$NETSWAP_REPO" install >/tmp/install.log 2>&1 || {
	cat /tmp/install.log
	ns_die "make install failed"
}
for f in "${files[@]}"; do
	[ -f "$f" ] || ns_fail "make install did not install $f"
done
[ -d /etc/netswap ] || ns_fail "make install did not create /etc/netswap"
modprobe netswap || ns_die "modprobe netswap after make install (depmod)"
[ -d "$NS_CFG" ] || ns_die "$NS_CFG missing after modprobe"
ns_ok "installed; modprobe netswap works"
# One version, from VERSION: the module's and swapctl's.
want=$(cat "$NETSWAP_REPO/VERSION")
[ "$(cat /sys/module/netswap/version 2>/dev/null)" = "$want" ] ||
	ns_fail "the loaded module's version is '$(cat /sys/module/netswap/version 2>/dev/null)', not VERSION's $want"
[ "$(modinfo -F version netswap)" = "$want" ] || ns_fail "modinfo -F version netswap: '$(modinfo -F version netswap)', not $want"
ver=$("$NS_SWAPCTL" --version)
[ "$ver" = "swapctl $want"$'\n'"netswap.ko $want loaded" ] || ns_fail "swapctl --version said '$ver'"
ns_ok "module and swapctl are both version $want"
man -w swapctl >/dev/null 2>&1 || ns_fail "man swapctl does not find the installed page"


ns_log "starting systemd-udevd"
mkdir -p /run/udev
/lib/systemd/systemd-udevd --daemon || ns_die "systemd-udevd did not start"
udevadm settle -t 20

cat >"$tab" <<TAB
# t-32
a0 $iurl io_timeout_ms=10000,auto,format,priority=7
n0 $nurl auto
TAB
ns_sc_ok add a0 "$iurl" -o io_timeout_ms=10000
ns_sc_ok add n0 "$nurl"

dmesg -C
ns_sc_ok enable a0
[[ $ns_out == "a0: enabled, disk /dev/netswap"* ]] || ns_fail "enable a0 said '$ns_out'"
dev=/dev/$(ns_get a0 disk)
wait_for -L /dev/netswap/a0 || ns_die "no /dev/netswap/a0 after enable"
[ "$(readlink -f /dev/netswap/a0)" = "$dev" ] || ns_fail "/dev/netswap/a0 -> $(readlink -f /dev/netswap/a0), not $dev"
for i in $(seq 1 100); do
	[ -n "$(swap_prio "$dev")" ] && break
	sleep 0.2
done
[ "$(swap_prio "$dev")" = 7 ] || ns_fail "auto target a0: swap not on $dev with priority 7 ($(tail -n +2 /proc/swaps))"
dmesg | grep -q "swapctl: hotplug: a0: swap on $dev" || ns_fail "no hotplug line for a0 in the kernel log"
ns_ok "a0: /dev/netswap/a0 and swap on (priority $(swap_prio "$dev")) with no command but enable"

# auto without format, on a blank file: link, no swap, the reason logged.
ns_sc_ok enable n0
ndev=/dev/$(ns_get n0 disk)
wait_for -L /dev/netswap/n0 || ns_fail "no /dev/netswap/n0 after enable"
udevadm settle -t 20
for i in $(seq 1 50); do
	dmesg | grep -q "hotplug: n0" && break
	sleep 0.2
done
dmesg | grep -q "swapctl: hotplug: n0: $ndev has no swap signature (add format to its options in netswaptab)" ||
	ns_fail "no refusal for the blank auto target n0 in the kernel log: $(dmesg | grep hotplug)"
[ -z "$(swap_prio "$ndev")" ] || ns_fail "n0 became swap without format"

# Not marked auto: the link, nothing else.
ns_sc_ok down n0
wait_for ! -e /dev/netswap/n0 || ns_fail "/dev/netswap/n0 still there after down"
sed -i 's/^n0 .*/n0 '"${nurl//\//\\/}"'/' "$tab"
dmesg -C
ns_sc_ok enable n0
ndev=/dev/$(ns_get n0 disk)
wait_for -L /dev/netswap/n0 || ns_fail "no /dev/netswap/n0 after the second enable"
udevadm settle -t 20
[ -z "$(swap_prio "$ndev")" ] || ns_fail "n0 (not auto) became swap"
! dmesg | grep -q "hotplug: n0" || ns_fail "hotplug acted on n0, which is not auto: $(dmesg | grep hotplug)"
ns_ok "n0: link only when not auto"

# A bad name for the helper is refused, and touches nothing.
ns_sc hotplug "../../netswap0"
[ "$ns_rc" = 1 ] || ns_fail "hotplug ../../netswap0 exited $ns_rc"

ns_log "down and up"
# down: swapoff, disable, links gone. up again: the rule and up race for
# swapon, and both must agree it is on.
ns_sc_ok down a0
wait_for ! -e /dev/netswap/a0 || ns_fail "/dev/netswap/a0 still there after down"
[ -z "$(swap_prio "$dev")" ] || ns_fail "swap still on $dev after down"
ns_sc_ok up a0 --priority 7
[[ $ns_out == *"swap on"* || $ns_out == *"swap already on"* ]] || ns_fail "up a0 said '$ns_out'"
dev=/dev/$(ns_get a0 disk)
[ "$(swap_prio "$dev")" = 7 ] || ns_fail "up a0: not swap with priority 7"
udevadm settle -t 20
ns_sc_ok down --all
ns_sc_ok rm a0
ns_sc_ok rm n0
udevadm control --exit

rm -f "$tab"
rmmod netswap || ns_fail "rmmod netswap"
ns_log "make uninstall"
make -s -C "$NETSWAP_REPO" uninstall >/tmp/uninstall.log 2>&1 || {
	cat /tmp/uninstall.log
	ns_fail "make uninstall failed"
}
for f in "${files[@]}"; do
	[ ! -e "$f" ] || ns_fail "make uninstall left $f"
done
[ ! -e /etc/netswap ] || ns_fail "make uninstall left an empty /etc/netswap"
[ ! -e /usr/lib/netswap ] || ns_fail "make uninstall left /usr/lib/netswap"
[ ! -e /usr/lib/dracut/modules.d/90netswap ] || ns_fail "make uninstall left the dracut module's directory"
modprobe -n netswap 2>/dev/null && ns_fail "modprobe still finds netswap after uninstall"

# PREFIX moves swapctl, netswap-boot and the man pages, and every file
# that names them says where they went.
stage=/tmp/stage
ns_log "make install PREFIX=/usr/local DESTDIR=$stage"
make -s -C "$NETSWAP_REPO" install PREFIX=/usr/local DESTDIR=$stage >/tmp/install-prefix.log 2>&1 || {
	cat /tmp/install-prefix.log
	ns_die "make install PREFIX=/usr/local DESTDIR=$stage failed"
}
for f in /usr/local/sbin/swapctl /usr/local/lib/netswap/netswap-boot \
	/usr/local/share/man/man8/swapctl.8 /usr/local/share/man/man5/netswaptab.5 \
	/usr/local/share/man/man7/netswap-boot.7; do
	[ -f "$stage$f" ] || ns_fail "PREFIX=/usr/local: no $f"
done
left=$(grep -rlI -e /usr/sbin/swapctl -e /usr/lib/netswap "$stage" || true)
[ -z "$left" ] || ns_fail "PREFIX=/usr/local: still naming /usr/sbin/swapctl or /usr/lib/netswap: $left"
for f in 60-netswap.rules netswap.service netswap-boot module-setup.sh hooks/netswap; do
	p=$(find "$stage" -path "*/$f" -type f)
	[ -n "$p" ] || ns_fail "PREFIX=/usr/local: no $f installed"
	grep -q /usr/local/sbin/swapctl $p || ns_fail "PREFIX=/usr/local: $p does not name /usr/local/sbin/swapctl"
done
grep -q "/usr/local/lib/netswap/netswap-boot" "$stage/usr/share/initramfs-tools/hooks/netswap" ||
	ns_fail "PREFIX=/usr/local: the initramfs-tools hook does not copy /usr/local/lib/netswap/netswap-boot"
make -s -C "$NETSWAP_REPO" uninstall PREFIX=/usr/local DESTDIR=$stage >/tmp/uninstall-prefix.log 2>&1 ||
	ns_fail "make uninstall PREFIX=/usr/local DESTDIR=$stage failed"
left=$(find "$stage" -type f)
[ -z "$left" ] || ns_fail "make uninstall PREFIX=/usr/local left: $left"
ns_ok "PREFIX=/usr/local: swapctl, netswap-boot and the man pages under it, every reference rewritten, uninstall removes them"
ns_finish
