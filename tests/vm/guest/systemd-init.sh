#!/bin/bash
# PID 1 for t-34-systemd (nsvm.init=): `make install`, a netswaptab and an
# fstab line, the test's units, then exec systemd with --unit=nstest.target
# (its generators run then, netswap-generator among them). The units:
#   nstest.target        wants netswap.service, nstest-net.service and
#                        nstest.service
#   nstest-net.service   stands for the network: ordered before
#                        network.target; at shutdown it logs
#                        "nstest: network going down" and flushes eth0
#   nstest.service       after netswap.service: runs guest/ns-systemd.sh
#                        (its output to /share/output.log), which writes
#                        /share/rc and powers off; if it fails instead (the
#                        script missing, killed), its ExecStopPost writes
#                        /share/rc and /share/reason and powers off at once
#   netswap@.service.d/  an ExecStopPost= that logs the swaps left once
#                        each netswap@NAME.service has stopped
# The netswaptab has s0 (netswap-generator's units), f1 (an fstab swap
# line that requires netswap@f1.service) and e0, on three LUNs. e0 is
# brought up with swap on before systemd starts, as the initramfs leaves an
# early-boot target after switch_root, and before any udev ran (no
# /dev/netswap/e0): netswap-generator must find it early-boot all the same.
# The host driver reads the order of those lines on the console.
# systemd-tmpfiles empties /tmp at boot (tmp.conf: "D /tmp") and a tmp.mount
# would cover it: either hides a checkout under /tmp. Both are kept off.
export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
say() { echo "systemd-init: $*" >/dev/console; }
# die [RC] MSG: rc (default 1) and reason for boot.sh, power off at once.
die() {
	local rc=1
	[ $# -lt 2 ] || { rc=$1; shift; }
	say "FATAL: $*"
	echo "systemd-init: $*" >/share/reason
	echo "$rc" >/share/rc.tmp && mv /share/rc.tmp /share/rc
	sync
	echo o >/proc/sysrq-trigger
	while :; do sleep 30; done # PID 1 never exits
}
# shellcheck disable=SC1091
. /share/.vm/env.sh || die "no /share/.vm/env.sh"
repo=$NETSWAP_REPO
guest=$repo/tests/vm/guest
for f in "$guest/ns-systemd.sh" "$guest/nslib.sh"; do
	[ -f "$f" ] || die 127 "test script $f not found in the guest"
done

# shellcheck source=../guest-lib.sh
. "$repo/tests/vm/guest-lib.sh" || die "no guest-lib.sh"
# The modules systemd and udev would load are not needed here: depmod at
# install reads only what runs and what netswap.ko needs.
nsvm_small_modtree libcrc32c configfs >/share/modtree.log 2>&1 || die "no modules tree for depmod"
make -s -C "$repo" install >/share/install.log 2>&1 || die "make install failed"
# s0 through netswap-generator's units (auto: the udev rule hands its
# swap to systemd); f1 through an fstab line, as the README shows.
cat >/etc/netswap/netswaptab <<TAB
# t-34-systemd
s0 iscsi://$NETSWAP_HOST_IP:$NETSWAP_TGT_PORT/$NETSWAP_TGT_IQN/1 format,priority=3,io_timeout_ms=10000,auto
f1 iscsi://$NETSWAP_HOST_IP:$NETSWAP_TGT_PORT/$NETSWAP_TGT_IQN/2 format,io_timeout_ms=10000
e0 iscsi://$NETSWAP_HOST_IP:$NETSWAP_TGT_PORT/$NETSWAP_TGT_IQN/3 format,priority=4,io_timeout_ms=10000
TAB
echo '/dev/netswap/f1 none swap nofail,_netdev,x-systemd.requires=netswap@f1.service,pri=2 0 0' >>/etc/fstab
systemctl enable netswap.service >/share/enable.log 2>&1 || die "systemctl enable netswap.service failed"
# The units as installed, against the installed swapctl and man pages; the
# host driver wants this empty. (The generated ones: guest/ns-systemd.sh.)
systemd-analyze verify /lib/systemd/system/netswap.service netswap@s0.service >/share/verify.log 2>&1 ||
	echo "systemd-analyze verify exited $?" >>/share/verify.log

# The host root may be a Docker container's, whose /.dockerenv makes
# systemd believe it runs in one, and then it has no swap units at all
# ("Starting of ... unsupported", fstab swap lines ignored). The guest's
# root is a tmpfs overlay over the read-only host root: the file goes from
# the overlay only.
if [ -e /.dockerenv ]; then
	[ "$(stat -f -c %T /)" = overlayfs ] || die "/ is not the guest's overlay: not touching /.dockerenv"
	rm -f /.dockerenv || die "cannot hide /.dockerenv from systemd"
fi

# Keep /tmp as the host has it (see above).
mkdir -p /etc/tmpfiles.d
echo 'd /tmp 1777 root root -' >/etc/tmpfiles.d/tmp.conf
systemctl mask tmp.mount >>/share/enable.log 2>&1 || die "systemctl mask tmp.mount failed"

# nstest.service failed (script missing or unreadable, killed, timed out):
# the reason and an rc for boot.sh now, not at the guest's timeout.
mkdir -p /usr/local/sbin
cat >/usr/local/sbin/nstest-failed <<'SH'
#!/bin/bash
[ "${SERVICE_RESULT:-success}" != success ] || exit 0
[ ! -e /share/rc ] || exit 0
rc=${EXIT_STATUS:-1}
[[ $rc =~ ^[0-9]+$ ]] && [ "$rc" != 0 ] || rc=1
echo "nstest.service failed ($SERVICE_RESULT, ${EXIT_CODE:-?} ${EXIT_STATUS:-?}): $(tail -n 1 /share/output.log 2>/dev/null)" >/share/reason
dmesg >/share/dmesg.txt 2>&1
echo "$rc" >/share/rc.tmp && mv /share/rc.tmp /share/rc
sync
systemctl --no-block poweroff
SH
chmod 755 /usr/local/sbin/nstest-failed

u=/etc/systemd/system
cat >$u/nstest.target <<'UNIT'
[Unit]
Description=netswap test: netswap.service under systemd
Wants=netswap.service nstest-net.service nstest.service
After=nstest.service
AllowIsolate=yes
UNIT
cat >$u/nstest-net.service <<'UNIT'
[Unit]
Description=netswap test: the network (stops after network.target)
DefaultDependencies=no
Before=network.target network-online.target
Wants=network.target
Conflicts=shutdown.target
Before=shutdown.target

[Service]
Type=oneshot
RemainAfterExit=yes
ExecStart=/bin/true
ExecStop=/bin/sh -c 'echo "nstest: network going down" >/dev/kmsg; ip addr flush dev eth0'
UNIT
cat >$u/nstest.service <<UNIT
[Unit]
Description=netswap test: checks while netswap.service is up
After=netswap.service network-online.target
# Wants, not Requires: a netswap.service that failed is for the test to
# report (at once), not a reason for this unit never to run.
Wants=netswap.service

[Service]
Type=oneshot
RemainAfterExit=yes
Environment=NETSWAP_REPO=$repo
StandardOutput=append:/share/output.log
StandardError=append:/share/output.log
ExecStart=/bin/bash $guest/ns-systemd.sh
ExecStopPost=/usr/local/sbin/nstest-failed
UNIT
mkdir -p $u/netswap@.service.d
cat >$u/netswap@.service.d/nstest.conf <<'UNIT'
[Service]
ExecStopPost=/bin/sh -c 'echo "nstest: netswap@%i.service stopped; netswap swaps left: $$(grep -c ^/dev/netswap /proc/swaps)" >/dev/kmsg'
UNIT
# Nothing else of the host's may run: no time sync or other traffic to
# outside addresses, no iSCSI or RPC daemons of the host's configuration,
# no prompts, no unpacking of the host's initramfs at shutdown.
systemctl mask systemd-timesyncd.service open-iscsi.service iscsid.service \
	iscsid.socket rpcbind.service rpcbind.socket dracut-shutdown.service \
	systemd-firstboot.service >>/share/enable.log 2>&1 || die "systemctl mask failed"
# e0: up, formatted and swapping before systemd, as netswap-boot leaves it.
/usr/sbin/swapctl apply e0 >/share/early.log 2>&1 || die "swapctl apply e0 (early boot): $(tail -n 1 /share/early.log)"
[ ! -e /dev/netswap/e0 ] || die "/dev/netswap/e0 exists before any udev ran"
e0disk=$(cat /sys/kernel/config/netswap/e0/disk)
grep -q "^/dev/$e0disk " /proc/swaps || die "no swap on e0's disk $e0disk before systemd"
echo "$e0disk" >/share/early-disk
say "exec systemd --unit=nstest.target"
exec /lib/systemd/systemd --unit=nstest.target
