#!/bin/bash
# PID 1 of a netswap test guest (the host's root, read-only 9p under a tmpfs
# overlay; see mkinitrd.sh). Finishes the basic system, brings up the
# network, runs the test script named by nsvm.test= on the kernel command
# line with the environment and arguments boot.sh left in /share/.vm/,
# then writes /share/dmesg.txt and /share/rc (in that order) and powers off.
# The test's stdout+stderr go to /share/output.log.
# Never exits: PID 1 exiting would panic the kernel.
export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
export HOME=/root LANG=C.UTF-8 TERM=dumb
umask 022

# Builtins only where cheap matters: every first exec of a host binary
# costs 0.2-0.5 s under TCG.
log() {
	local up _
	read -r up _ </proc/uptime
	echo "nsvm-init[$up]: $*" >/dev/console
}

poweroff_now() {
	sync
	echo o >/proc/sysrq-trigger
	# sysrq poweroff is asynchronous; never return (PID 1).
	for _ in $(seq 1 600); do sleep 1; done
	echo b >/proc/sysrq-trigger
}

log "started"
# mkinitrd's /init already mounted /run, /dev/pts, /dev/shm, configfs,
# debugfs, loaded configfs + virtio_net and configured lo and eth0
# (10.0.2.15/24, default route via 10.0.2.2): doing that here with host
# binaries over 9p costs seconds under TCG. Fall back if it did not.
if [ ! -e /run/nsvm-initrd ]; then
	mount -t tmpfs -o mode=0755,nosuid,nodev tmpfs /run
	mkdir -p /run/lock /run/dbus
fi
if [ ! -e /run/nsvm-net-ok ]; then
	log "configuring network late"
	modprobe virtio_net
	ip link set lo up
	for _ in $(seq 1 50); do [ -e /sys/class/net/eth0 ] && break; sleep 0.1; done
	if ! { ip link set eth0 up && ip addr add 10.0.2.15/24 dev eth0 &&
		ip route add default via 10.0.2.2 dev eth0; }; then
		log "network setup failed"
	fi
fi
test=
for a in $(</proc/cmdline); do
	case $a in
	nsvm.test=*) test=${a#nsvm.test=} ;;
	esac
done

rc=125
nsvm_args=()
if [ -f /share/.vm/env.sh ]; then
	# shellcheck disable=SC1091
	. /share/.vm/env.sh # sets exported NETSWAP_* vars and the array nsvm_args
else
	log "no /share/.vm/env.sh"
fi
[ -n "$test" ] || test=${NETSWAP_VM_TEST:-}

if [ -z "$test" ] || [ ! -f "$test" ]; then
	# Fail at once, with the reason boot.sh reports.
	log "no test script (nsvm.test=$test)"
	echo "test script ${test:-(none)} not found in the guest" >/share/reason
	rc=127
else
	log "running $test ${nsvm_args[*]}"
	cd /share || true
	bash "$test" "${nsvm_args[@]}" </dev/null >/share/output.log 2>&1
	rc=$?
	cd / || true
	log "test exited with rc=$rc"
fi

dmesg >/share/dmesg.txt 2>&1
sync
echo "$rc" >/share/rc.tmp && mv /share/rc.tmp /share/rc
poweroff_now
