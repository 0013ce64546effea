#!/bin/bash
# PID 1 for t-34-systemd (nsvm.init=): `make install`, a netswaptab, the
# test's units, then exec systemd with --unit=nstest.target. The units:
#   nstest.target        wants netswap.service, nstest-net.service and
#                        nstest.service
#   nstest-net.service   stands for the network: ordered before
#                        network.target; at shutdown it logs
#                        "nstest: network going down" and flushes eth0
#   nstest.service       after netswap.service: runs guest/ns-systemd.sh
#                        (its output to /share/output.log), which writes
#                        /share/rc and powers off
#   netswap.service.d/   an ExecStopPost= that logs the swaps left once
#                        netswap.service has stopped
# The host driver reads the order of those lines on the console.
export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
say() { echo "systemd-init: $*" >/dev/console; }
die() {
	say "FATAL: $*"
	echo 1 >/share/rc
	echo o >/proc/sysrq-trigger
	sleep 30
}
# shellcheck disable=SC1091
. /share/.vm/env.sh || die "no /share/.vm/env.sh"
repo=$NETSWAP_REPO
guest=$repo/tests/vm/guest

make -s -C "$repo" install >/share/install.log 2>&1 || die "make install failed"
cat >/etc/netswap/netswaptab <<TAB
# t-34-systemd
s0 iscsi://$NETSWAP_HOST_IP:$NETSWAP_TGT_PORT/$NETSWAP_TGT_IQN/1 format,priority=3,io_timeout_ms=10000
TAB
systemctl enable netswap.service >/share/enable.log 2>&1 || die "systemctl enable netswap.service failed"
# The unit as installed, against the installed swapctl and man pages; the
# host driver wants this empty.
systemd-analyze verify /lib/systemd/system/netswap.service >/share/verify.log 2>&1 ||
	echo "systemd-analyze verify exited $?" >>/share/verify.log

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
Requires=netswap.service

[Service]
Type=oneshot
RemainAfterExit=yes
Environment=NETSWAP_REPO=$repo
StandardOutput=append:/share/output.log
StandardError=append:/share/output.log
ExecStart=/bin/bash $guest/ns-systemd.sh
UNIT
mkdir -p $u/netswap.service.d
cat >$u/netswap.service.d/nstest.conf <<'UNIT'
[Service]
ExecStopPost=/bin/sh -c 'echo "nstest: netswap.service stopped; netswap swaps left: $$(grep -c ^/dev/netswap /proc/swaps)" >/dev/kmsg'
UNIT
# Nothing else of the host's may run: no time sync or other traffic to
# outside addresses, no iSCSI or RPC daemons of the host's configuration,
# no prompts, no unpacking of the host's initramfs at shutdown.
systemctl mask systemd-timesyncd.service open-iscsi.service iscsid.service \
	iscsid.socket rpcbind.service rpcbind.socket dracut-shutdown.service \
	systemd-firstboot.service >>/share/enable.log 2>&1 || die "systemctl mask failed"
say "exec systemd --unit=nstest.target"
exec /lib/systemd/systemd --unit=nstest.target
