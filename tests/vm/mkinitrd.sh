#!/bin/bash
# mkinitrd.sh KVER [OUT]
# Build a tiny busybox-static initramfs that mounts the host's root (9p,
# read-only, tag "hostroot") under a tmpfs overlay, mounts the per-test
# share (9p, read-write, tag "share") at /share and switch_roots into the
# guest init given on the kernel command line (nsvm.init=PATH).
# Cached: rebuilt only when its inputs change (this script, busybox, the
# module files). Default OUT: <repo>/build/vm/initrd-KVER.cpio.gz
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/../.." && pwd)

if [ $# -lt 1 ] || [ $# -gt 2 ]; then
	echo "usage: $0 KVER [OUT]" >&2
	exit 2
fi
kver=$1
out=${2:-$repo/build/vm/initrd-$kver.cpio.gz}
busybox=${NETSWAP_BUSYBOX:-/bin/busybox}
moddir=/lib/modules/$kver

[ -f "$moddir/modules.dep" ] || { echo "mkinitrd: no $moddir/modules.dep" >&2; exit 1; }
file "$busybox" 2>/dev/null | grep -q 'statically linked' ||
	ldd "$busybox" 2>&1 | grep -q 'not a dynamic' ||
	{ echo "mkinitrd: $busybox is not static (install busybox-static)" >&2; exit 1; }

# Modules for a 9p root + overlay, configfs and virtio_net, in load order,
# deduplicated. On 6.1 virtio/virtio_ring/virtio_pci(+helpers) and fscache
# are modules; on 6.12 virtio_pci is built in ("builtin" lines are skipped).
# Loading them here from the initramfs is much faster than modprobe over 9p
# under TCG (every first exec of a host binary costs ~0.2-0.5 s).
mods=()
declare -A seen=()
for m in virtio_pci 9pnet_virtio 9p overlay configfs virtio_net; do
	while read -r verb path _; do
		[ "$verb" = insmod ] || continue
		[ -n "${seen[$path]:-}" ] && continue
		seen[$path]=1
		mods+=("$path")
	done < <(modprobe -S "$kver" --show-depends "$m")
done
[ ${#mods[@]} -gt 0 ] || [ "$(modprobe -S "$kver" --show-depends 9p | head -c 7)" = builtin ] ||
	{ echo "mkinitrd: no modules found for $kver" >&2; exit 1; }

# Cache key: script + busybox + module identities.
key=$({
	sha256sum "${BASH_SOURCE[0]}" "$busybox"
	for p in "${mods[@]}"; do stat -c '%n %s %Y' "$p"; done
} | sha256sum | cut -d' ' -f1)
stamp=$out.key
if [ -s "$out" ] && [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$key" ]; then
	exit 0
fi

mkdir -p "$(dirname "$out")"
tmp=$(mktemp -d "$(dirname "$out")/.initrd-$kver.XXXXXX")
trap 'rm -rf -- "$tmp"' EXIT
root=$tmp/root
mkdir -p "$root"/{bin,dev,proc,sys,mods,lower,rw,newroot}
cp "$busybox" "$root/bin/busybox"
ln -s busybox "$root/bin/sh"

: >"$root/mods/order"
for p in "${mods[@]}"; do
	b=$(basename "$p")
	case $b in
	*.ko.xz) xz -dc "$p" >"$root/mods/${b%.xz}"; b=${b%.xz} ;;
	*.ko.zst) zstd -qdc "$p" >"$root/mods/${b%.zst}"; b=${b%.zst} ;;
	*.ko.gz) gzip -dc "$p" >"$root/mods/${b%.gz}"; b=${b%.gz} ;;
	*.ko) cp "$p" "$root/mods/$b" ;;
	*) echo "mkinitrd: unknown module format $p" >&2; exit 1 ;;
	esac
	echo "$b" >>"$root/mods/order"
done

cat >"$root/init" <<'INIT'
#!/bin/sh
# netswap VM initramfs: 9p host root under a tmpfs overlay, then switch_root.
export PATH=/bin
/bin/busybox --install -s /bin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
klog() { { [ -e /dev/kmsg ] && echo "nsvm-initrd: $*" >/dev/kmsg; } || echo "nsvm-initrd: $*" >/newroot/dev/kmsg; }
fail() {
	echo "nsvm-initrd: FATAL: $*" >/dev/console
	echo o >/proc/sysrq-trigger
	sleep 30
}
while read -r m; do
	insmod "/mods/$m" || fail "insmod $m"
done </mods/order

init=/sbin/init
msize=262144
rootcache=loose
for a in $(cat /proc/cmdline); do
	case $a in
	nsvm.init=*) init=${a#nsvm.init=} ;;
	nsvm.msize=*) msize=${a#nsvm.msize=} ;;
	nsvm.rootcache=*) rootcache=${a#nsvm.rootcache=} ;;
	esac
done

klog "modules loaded"
mount -t 9p -o ro,trans=virtio,version=9p2000.L,msize=$msize,cache=$rootcache hostroot /lower ||
	fail "mount 9p hostroot"
klog "hostroot mounted"
mount -t tmpfs -o mode=0755 rwroot /rw || fail "mount tmpfs"
mkdir -p /rw/upper /rw/work
mount -t overlay -o lowerdir=/lower,upperdir=/rw/upper,workdir=/rw/work overlay /newroot ||
	fail "mount overlay"
mkdir -p /newroot/share
mount -t 9p -o rw,trans=virtio,version=9p2000.L,msize=$msize,cache=none share /newroot/share ||
	fail "mount 9p share"
klog "share mounted"
for d in proc sys dev; do
	mount --move /$d /newroot/$d || fail "move /$d"
done
# The lower root is the host's: give the guest its own /run (no host pid
# files), ptys and shm. /tmp stays on the overlay: host files under /tmp
# stay visible, writes go to the guest's tmpfs.
mount -t tmpfs -o mode=0755,nosuid,nodev tmpfs /newroot/run
mkdir -p /newroot/run/lock /newroot/run/dbus /newroot/dev/pts /newroot/dev/shm
: >/newroot/run/nsvm-initrd
mount -t devpts -o gid=5,mode=620,ptmxmode=000 devpts /newroot/dev/pts
mount -t tmpfs -o nosuid,nodev tmpfs /newroot/dev/shm
mount -t configfs configfs /newroot/sys/kernel/config || echo "nsvm-initrd: no configfs" >/dev/console
mount -t debugfs debugfs /newroot/sys/kernel/debug 2>/dev/null
[ -e /newroot/dev/fd ] || ln -s /proc/self/fd /newroot/dev/fd
hostname netswap-vm

# QEMU user networking: guest 10.0.2.15/24, host reachable as 10.0.2.2.
klog "mounts done"
ip link set lo up
i=0
while [ ! -e /newroot/sys/class/net/eth0 ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
{ ip link set eth0 up && ip addr add 10.0.2.15/24 dev eth0 &&
	ip route add default via 10.0.2.2 dev eth0 && : >/newroot/run/nsvm-net-ok; } || echo "nsvm-initrd: network setup failed" >/dev/console

klog "network done"
[ -e "/newroot$init" ] || fail "no init $init in the host root"
exec switch_root /newroot /bin/bash "$init"
INIT
chmod 755 "$root/init"

(cd "$root" && find . -print0 | LC_ALL=C sort -z |
	cpio --null -o -H newc --quiet) | gzip -1 >"$tmp/initrd.gz"
mv -f "$tmp/initrd.gz" "$out"
echo "$key" >"$stamp"
