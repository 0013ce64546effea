#!/bin/bash
# t-33-early-boot.sh KVER: network swap before the root file system, from
# the kernel command line, through an initramfs built by Debian's dracut
# and one built by Debian's mkinitramfs (initramfs-tools). Both images are
# made in a throwaway copy of the host root (sandbox.sh) after `make
# install`, with a test hook that logs the swaps before the root is
# mounted. Each guest boots with ip=dhcp, rd.netswap= entries for an
# iSCSI LUN on the host's tgt and a file on its ganesha, one for a port
# where nothing listens and one that is not a URL, and root= the host's
# root over 9p; guest/ns-early-boot.sh then checks, after switch_root,
# that both swaps were on before the root was mounted and still are, that
# the bad entries cost only themselves with their reasons in the kernel
# log, and that both disks still answer I/O.
# The images are lean: dracut without its storage and kernel-modules
# modules (the network drivers and the ones named stay), mkinitramfs with
# MODULES=list (the hooks' modules, netswap's among them, and the three
# named). The test is of netswap's boot modules, which add netswap.ko and
# what it needs themselves; images with every driver took 150 s to build
# and boot 35 s slower (systemd's switch_root frees the initramfs).
# vm-kernels: newest
# vm-time: 250
set -euo pipefail
. "$(dirname "$0")/lib.sh"

kver=${1:?usage: $0 KVER}
vm_need_module "$kver"
[ -x "$VM_REPO/build/swapctl" ] || vm_fail "build/swapctl not built (make swapctl)"
vm_tgt_lun t-33-early-boot 256
vm_nfs_file t-33-early-boot 256

img=$VM_DIR/early-$kver
rm -rf "$img"
mkdir -p "$img"
vm_log "building the dracut and initramfs-tools images in a sandbox"
"$VM_HERE/sandbox.sh" "$img" "$(cat <<SCRIPT
make -s -C '$VM_REPO' install KVER='$kver' >'$img/install.log'
t='$VM_HERE/initrd'
mkdir -p /usr/lib/dracut/modules.d/99netswap-test /usr/lib/netswap-test
cp "\$t"/99netswap-test/* "\$t/nstest-report" /usr/lib/dracut/modules.d/99netswap-test/
cp "\$t/nstest-report" /usr/lib/netswap-test/
# The two images are built at once: dracut reads nothing of
# initramfs-tools' configuration.
dracut --force --no-hostonly --no-early-microcode --kver '$kver' \
	--add 'netswap virtfs netswap-test' --add-drivers 'virtio_net 9p 9pnet_virtio' \
	--omit 'kernel-modules kernel-modules-extra iscsi nfs crypt dm lunmask nvdimm resume qemu qemu-net' \
	'$img/dracut.img' >'$img/dracut.log' 2>&1 &
dracut_pid=\$!
printf '%s\n' 9p 9pnet_virtio virtio_net >>/etc/initramfs-tools/modules
echo MODULES=list >/etc/initramfs-tools/conf.d/nstest
mkdir -p /etc/initramfs-tools/scripts/local-premount
cp "\$t/local-premount-nstest" /etc/initramfs-tools/scripts/local-premount/nstest
printf '%s\n' '#!/bin/sh' 'case \$1 in prereqs) exit 0 ;; esac' \
	'. /usr/share/initramfs-tools/hook-functions' \
	'copy_file script /usr/lib/netswap-test/nstest-report' >/etc/initramfs-tools/hooks/nstest
chmod 755 /etc/initramfs-tools/hooks/nstest
rc=0
mkinitramfs -o '$img/initramfs-tools.img' '$kver' >'$img/mkinitramfs.log' 2>&1 ||
	{ tail -n 20 '$img/mkinitramfs.log'; rc=1; }
wait \$dracut_pid || { tail -n 20 '$img/dracut.log'; rc=1; }
exit \$rc
SCRIPT
)" || vm_fail "building the initramfs images failed"
vm_log "images: $(du -m "$img"/*.img | tr "\n\t" "  ")"

host_ip=10.0.2.2 # the host, seen from a QEMU user-network guest
iurl=iscsi://$host_ip:$NETSWAP_TGT_PORT/$NETSWAP_TGT_IQN/1
nurl=nfs://$host_ip$NETSWAP_NFS_EXPORT/$NETSWAP_NFS_FILE
# watchdog_thresh=60: a 50 MB systemd initramfs under TCG on a busy host
# once stalled a vCPU for 23 s in clear_page (a soft lockup report, in
# modprobe reading 9p); lockups past 120 s are still reported.
args="ip=dhcp rd.shell=0 rd.emergency=poweroff watchdog_thresh=60 init=$VM_HERE/guest/early-root.sh"
args+=" rd.netswap=i0,$iurl,format,priority=5,io_timeout_ms=10000"
args+=" rd.netswap=n0,$nurl,format,priority=5"
args+=" rd.netswap=bad,iscsi://$host_ip:1/iqn.2026-11.org.netswap.test:none/1"
args+=" rd.netswap=junk,notaurl"

rc=0
"$VM_HERE/boot.sh" --name "t-33-dracut-$kver" --mem 512 --timeout 900 \
	--initrd "$img/dracut.img" --append "root=hostroot rootfstype=9p rootflags=trans=virtio,version=9p2000.L,msize=262144 $args" \
	"$kver" "$VM_HERE/guest/ns-early-boot.sh" dracut || rc=$?
"$VM_HERE/boot.sh" --name "t-33-initramfs-tools-$kver" --mem 512 --timeout 900 \
	--initrd "$img/initramfs-tools.img" \
	--append "root=hostroot rootfstype=9p rootflags=trans=virtio,version=9p2000.L,msize=262144 fastboot $args" \
	"$kver" "$VM_HERE/guest/ns-early-boot.sh" initramfs-tools || rc=$?
[ "$rc" != 0 ] || rm -f "$img"/*.img # kept when a boot failed, to look into
exit $rc
