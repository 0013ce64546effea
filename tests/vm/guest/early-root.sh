#!/bin/sh
# PID 1 after a dracut or mkinitramfs image switched to the host's root
# (read-only 9p, init=this script): the early-boot test's bridge back to the
# harness. It gives the read-only root a tmpfs overlay and /share the way
# mkinitrd.sh's /init does, then runs guest-init.sh (and through it the
# test script of nsvm.test=) chrooted in it. /run, /dev, /proc and /sys are
# the ones the initramfs moved over, so what it left there (udev's
# /dev/netswap links, /run/netswap) stays visible.
# What cannot start fails at once: once /share is mounted, fail() writes
# /share/reason and /share/rc (127 for a missing script, else 1) before
# it powers off, so boot.sh reports why instead of "no rc".
export PATH=/usr/sbin:/usr/bin:/sbin:/bin
share=
fail() {
	echo "early-root: FATAL: $*" >/dev/console
	if [ -n "$share" ]; then
		echo "early-root: $*" >"$share/reason"
		echo "${rc:-1}" >"$share/rc.tmp" && mv "$share/rc.tmp" "$share/rc"
		sync
	fi
	echo o >/proc/sysrq-trigger
	# PID 1 must not exit (a panic): wait for the asynchronous poweroff.
	while :; do sleep 30; done
}
# On the root's own /tmp, outside the /run that is bound into the overlay.
r=/tmp
mount -t tmpfs -o mode=0755 nsvm-root $r || fail "tmpfs on $r"
mkdir -p $r/upper $r/work $r/new
mount -t overlay -o lowerdir=/,upperdir=$r/upper,workdir=$r/work overlay $r/new || fail "overlay"
mkdir -p $r/new/share
mount -t 9p -o rw,trans=virtio,version=9p2000.L,msize=262144,cache=none share $r/new/share ||
	fail "mount 9p share"
share=$r/new/share
for d in proc sys dev run; do
	mount --rbind /$d $r/new/$d || fail "bind /$d"
done
mount -t configfs configfs $r/new/sys/kernel/config 2>/dev/null
# For guest-init.sh: /run is set up, and the initramfs configured eth0.
: >/run/nsvm-initrd
: >/run/nsvm-net-ok
init=
read -r cmdline </proc/cmdline
for a in $cmdline; do
	case $a in nsvm.init=*) init=${a#nsvm.init=} ;; esac
done
[ -n "$init" ] || fail "no nsvm.init= on the command line"
# guest-init.sh itself fails at once (rc 127) if the test script is missing.
[ -f "$r/new$init" ] || rc=127 fail "guest init $init not found in the root"
exec chroot $r/new /bin/bash "$init"
