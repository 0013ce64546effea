# shellcheck shell=bash
# The Debian packages' whole life as an operator meets it, with apt and no
# network: ns-deb.sh lifecycle|sandbox.
#   0. the other test kernel's packages are taken out, to come back in 3;
#   1. apt install ./netswap-dkms ./netswap-tools: DKMS builds the module
#      (signed with DKMS's key) into updates/dkms, swapctl and the module
#      agree on the version, the unit is enabled, initramfs-tools' trigger
#      puts the module into the kernel's image;
#   2. upgrade to a newer build of the same tree (VERSION.1): the module
#      is rebuilt under the new version, the old one is gone from DKMS and
#      /usr/src;
#   3. apt install of the other kernel's image and headers: DKMS builds
#      the module for it before its initramfs is made, and the image has it;
#   4. apt purge: no file of either package, no DKMS state, no module for
#      any kernel, no enablement link; the admin's netswaptab stays.
# lifecycle (s-37, a guest of the newest kernel): the module is loaded
# after 1 and a target swaps through it; swap stays on through the
# upgrade, swapctl then says the loaded module is older, and reloaded it
# is the new one. Each DKMS build takes about 2.5 minutes under TCG.
# sandbox (t-37, tests/vm/sandbox.sh on the host, natively): no kernel of
# these runs, so nothing is loaded, and DKMS, finding the running kernel
# not installed, builds at the first install for every kernel in
# /lib/modules (on a real machine: the running one and the newest).
# Environment (the drivers, lib.sh's vm_debs): NETSWAP_DEB_DIR (v1/, v2/
# .debs, kernel/), NETSWAP_DEB_KVER (sandbox: the kernel that stands for
# the running one), NETSWAP_DEB_OTHER (the other kernel's version),
# NETSWAP_DEB_KPKGS (its package names), NETSWAP_DEB_SAVE (sandbox: where
# the module DKMS built at the install is copied).
. "$NETSWAP_REPO/tests/vm/guest/nslib.sh"
. "$NETSWAP_REPO/tests/vm/guest-lib.sh"

mode=${1:?usage: ns-deb.sh lifecycle|sandbox}
case $mode in
lifecycle) kver=$(uname -r) live=1 ;;
sandbox) kver=${NETSWAP_DEB_KVER:?} live=0 ;;
*) ns_die "unknown mode $mode" ;;
esac
other=${NETSWAP_DEB_OTHER:?}
read -r -a kpkgs <<<"${NETSWAP_DEB_KPKGS:?}"
v1=$(cat "$NETSWAP_REPO/VERSION")
v2=$v1.1
# The versions as regular expressions (dots literal: 0.4 is not 0.4.1).
r1=${v1//./\\.} r2=${v2//./\\.}
NS_SWAPCTL=/usr/sbin/swapctl
export DEBIAN_FRONTEND=noninteractive

# apt_local LOG DEB...: apt install of local packages, with no package
# source to download anything from (a guest's user network could).
mkdir -p /tmp/no-sources
apt_local() {
	local log=$1
	shift
	apt-get install -y -q --no-install-recommends -o Dir::Etc::SourceList=/dev/null \
		-o Dir::Etc::SourceParts=/tmp/no-sources "$@" >"$log" 2>&1 || {
		tail -n 40 "$log"
		return 1
	}
}

# dkms_has RE: a line of `dkms status -m netswap` matches RE (the status
# is read whole first: grep -q leaving early must not fail dkms).
dkms_has() {
	local st
	st=$(dkms status -m netswap 2>/dev/null)
	grep -q "$1" <<<"$st"
}
dkms_lines() { dkms status -m netswap 2>/dev/null; }

# initrd_has KVER: the image of KVER holds netswap.ko (any compression).
initrd_has() {
	local l
	l=$(lsinitramfs "/boot/initrd.img-$1" 2>/dev/null)
	grep -Eq '/netswap\.ko(\.[a-z]+)?$' <<<"$l"
}

# ko_version KVER: the version of the netswap.ko modprobe finds for KVER.
ko_version() { modinfo -k "$1" -F version netswap 2>/dev/null; }

# Speed, not behaviour: images of the hooks' modules and the listed ones
# (MODULES=list) rather than most of the tree, without the hooks of other
# packages (open-iscsi's adds every network driver: 9 minutes an image
# under TCG, 70 s without). netswap's hook stays, and with it the udev,
# kmod, klibc and busybox hooks it needs. In a guest, a small module tree
# for the running kernel's depmod (nsvm_small_modtree).
echo MODULES=list >/etc/initramfs-tools/conf.d/nstest
for h in /usr/share/initramfs-tools/hooks/*; do
	case ${h##*/} in udev | kmod | klibc-utils | zz-busybox) ;; *) rm -f "$h" ;; esac
done
if [ $live = 1 ]; then
	nsvm_small_modtree libcrc32c configfs || ns_die "no small modules tree"
fi

for p in netswap-dkms netswap-tools; do
	dpkg-query -W -f '${Status}' "$p" 2>/dev/null | grep -q ' installed' && ns_die "$p is installed before the test"
done
modinfo -k "$kver" netswap >/dev/null 2>&1 && ns_die "a netswap module is installed before the test: $(modinfo -k "$kver" -n netswap)"

# 0. The other kernel out, with what depends on it (the linux-image-amd64
# metapackage), so that apt finds nothing broken.
mapfile -t rdeps < <(apt-cache rdepends --installed --no-recommends --no-suggests \
	--no-enhances --no-conflicts --no-breaks --no-replaces "${kpkgs[@]}" |
	sed -n 's/^ *|\{0,1\}\([a-z0-9][^ ]*\)$/\1/p' | sort -u | grep -vxF -f <(printf '%s\n' "${kpkgs[@]}"))
ns_log "removing the other kernel's packages: ${kpkgs[*]} ${rdeps[*]}"
dpkg --purge "${kpkgs[@]}" "${rdeps[@]}" >/tmp/kpurge.log 2>&1 || {
	tail -n 20 /tmp/kpurge.log
	ns_die "dpkg --purge ${kpkgs[*]} ${rdeps[*]} failed"
}
[ ! -e "/lib/modules/$other/build" ] || ns_die "$other's headers are still there"

# 1. Install.
ns_log "apt install netswap $v1"
apt_local /tmp/install-v1.log "$NETSWAP_DEB_DIR/v1/netswap-dkms_${v1}_all.deb" \
	"$NETSWAP_DEB_DIR"/v1/netswap-tools_"${v1}"_*.deb || ns_die "apt install of the $v1 packages failed"
for p in netswap-dkms netswap-tools; do
	[ "$(dpkg-query -W -f '${Version} ${Status}' "$p")" = "$v1 install ok installed" ] ||
		ns_fail "$p: $(dpkg-query -W -f '${Version} ${Status}' "$p")"
done
dkms_has "^netswap/$r1, $kver, .*: installed" || ns_fail "dkms status: $(dkms_lines)"
ko=$(modinfo -k "$kver" -n netswap 2>/dev/null)
[[ $ko == "/lib/modules/$kver/updates/dkms/netswap.ko"* ]] || ns_fail "modprobe finds '$ko', not DKMS's"
[ "$(ko_version "$kver")" = "$v1" ] || ns_fail "the module on disk is '$(ko_version "$kver")'"
# DKMS signs what it builds with its machine owner key (made on the first
# build), the one README's Secure Boot section has the operator enrol.
if [ -f /var/lib/dkms/mok.pub ]; then
	[ -n "$(modinfo -k "$kver" -F signer netswap 2>/dev/null)" ] ||
		ns_fail "DKMS made /var/lib/dkms/mok.pub but the module is not signed"
fi
[ -L /etc/systemd/system/multi-user.target.wants/netswap.service ] ||
	ns_fail "netswap.service is not enabled"
man -w swapctl >/dev/null 2>&1 || ns_fail "man swapctl does not find the page"
initrd_has "$kver" || ns_fail "the initramfs of $kver has no netswap.ko after the install"
# The host's initiator name (open-iscsi's, else netswap's, which the hook
# generated) goes into the image, so the targets see one name at early
# boot and after it.
iname=/etc/iscsi/initiatorname.iscsi
[ -f "$iname" ] || iname=/etc/netswap/initiatorname
[ -f "$iname" ] || ns_fail "no initiator name after the install (the initramfs hook makes one)"
lsinitramfs "/boot/initrd.img-$kver" 2>/dev/null | grep -qx "${iname#/}" ||
	ns_fail "the initramfs of $kver has no $iname"
if [ $live = 1 ]; then
	modprobe netswap || ns_die "modprobe netswap (DKMS's build)"
	ver=$("$NS_SWAPCTL" --version)
	[ "$ver" = "swapctl $v1"$'\n'"netswap.ko $v1 loaded" ] || ns_fail "swapctl --version said '$ver'"
	ns_sc_ok add a0 "iscsi://$NETSWAP_HOST_IP:$NETSWAP_TGT_PORT/$NETSWAP_TGT_IQN/1"
	ns_sc_ok enable a0
	dev=/dev/$(ns_get a0 disk)
	udevadm settle -t 10 2>/dev/null
	[ -b "$dev" ] || ns_die "no disk $dev after enable"
	mkswap "$dev" >/dev/null && swapon "$dev" || ns_die "swapon $dev"
	ns_ok "a0 swaps through the packaged module ($dev)"
else
	ver=$("$NS_SWAPCTL" --version)
	[ "$ver" = "swapctl $v1"$'\n'"netswap.ko not loaded" ] || ns_fail "swapctl --version said '$ver'"
	# For t-37's guest, which loads this build of DKMS's and swaps on it.
	[ -z "${NETSWAP_DEB_SAVE:-}" ] || cp "$ko" "$NETSWAP_DEB_SAVE/" || ns_fail "cannot save $ko"
fi
ns_ok "installed $v1: built by DKMS for $kver, unit enabled, in the initramfs"

# 2. Upgrade (with swap on, in a guest).
ns_log "apt install netswap $v2 (upgrade)"
apt_local /tmp/install-v2.log "$NETSWAP_DEB_DIR/v2/netswap-dkms_${v2}_all.deb" \
	"$NETSWAP_DEB_DIR"/v2/netswap-tools_"${v2}"_*.deb || ns_die "upgrade to $v2 failed"
for p in netswap-dkms netswap-tools; do
	[ "$(dpkg-query -W -f '${Version}' "$p")" = "$v2" ] || ns_fail "$p is at $(dpkg-query -W -f '${Version}' "$p") after the upgrade"
done
dkms_has "^netswap/$r2, $kver, .*: installed" || ns_fail "dkms status after the upgrade: $(dkms_lines)"
dkms_has "^netswap/$r1[,:]" && ns_fail "DKMS still has $v1: $(dkms_lines)"
[ ! -e "/usr/src/netswap-$v1" ] || ns_fail "/usr/src/netswap-$v1 is left after the upgrade"
[ "$(ko_version "$kver")" = "$v2" ] || ns_fail "the module on disk is '$(ko_version "$kver")' after the upgrade"
if [ $live = 1 ]; then
	grep -q "^$dev " /proc/swaps || ns_fail "swap on $dev went off during the upgrade"
	ver=$("$NS_SWAPCTL" --version 2>&1)
	[[ $ver == *"swapctl $v2"*"netswap.ko $v1 loaded"* ]] || ns_fail "swapctl --version after the upgrade said '$ver'"
	swapoff "$dev" || ns_fail "swapoff $dev"
	ns_sc_ok down a0
	ns_sc_ok rm a0
	rmmod netswap && modprobe netswap || ns_fail "reloading the upgraded module"
	[ "$(cat /sys/module/netswap/version 2>/dev/null)" = "$v2" ] ||
		ns_fail "the reloaded module is '$(cat /sys/module/netswap/version 2>/dev/null)'"
	rmmod netswap
	ns_ok "swap stayed on through the upgrade; the reloaded module is $v2"
fi
ns_ok "upgraded to $v2: rebuilt, $v1 gone from DKMS and /usr/src"

# 3. A kernel installed later.
ns_log "apt install ${kpkgs[*]} (kernel $other)"
apt_local /tmp/install-kernel.log "$NETSWAP_DEB_DIR"/kernel/*.deb || ns_die "installing kernel $other failed"
dkms_has "^netswap/$r2, $other, .*: installed" || ns_fail "DKMS did not build for $other: $(dkms_lines)"
[ "$(ko_version "$other")" = "$v2" ] || ns_fail "modinfo -k $other: '$(ko_version "$other")'"
vm=$(modinfo -k "$other" -F vermagic netswap 2>/dev/null)
[ "${vm%% *}" = "$other" ] || ns_fail "the module for $other has vermagic '$vm'"
initrd_has "$other" || ns_fail "the initramfs of $other has no netswap.ko"
ns_ok "kernel $other installed later: module $v2 built for it, in its initramfs"

# 4. Purge. The admin's netswaptab is not the package's. The initramfs
# trigger's run is not checked: out of it, for speed.
printf '# admin\n' >/etc/netswap/netswaptab
dpkg -L netswap-dkms netswap-tools >/tmp/pkgfiles
sed -i 's/^update_initramfs=.*/update_initramfs=no/' /etc/initramfs-tools/update-initramfs.conf
if [ $live = 1 ]; then
	# depmod of the other kernel's whole tree, as dkms remove runs it,
	# takes minutes under TCG: a small tree for it too.
	NSVM_MODTREE_KVER=$other nsvm_small_modtree libcrc32c configfs || ns_fail "no small modules tree for $other"
fi
ns_log "apt purge"
apt-get purge -y -q netswap-dkms netswap-tools >/tmp/purge.log 2>&1 || {
	tail -n 30 /tmp/purge.log
	ns_die "apt purge failed"
}
for p in netswap-dkms netswap-tools; do
	s=$(dpkg-query -W -f '${Status}' "$p" 2>/dev/null)
	[ -z "$s" ] || [ "$s" = "unknown ok not-installed" ] || ns_fail "$p after purge: $s"
done
while read -r f; do
	[ -d "$f" ] && continue
	[ -e "$f" ] || [ -L "$f" ] && ns_fail "purge left $f"
done </tmp/pkgfiles
for d in /usr/src/netswap-"$v1" /usr/src/netswap-"$v2" /var/lib/dkms/netswap /usr/lib/netswap \
	/usr/lib/dracut/modules.d/90netswap /etc/systemd/system/multi-user.target.wants/netswap.service; do
	[ -e "$d" ] && ns_fail "purge left $d"
done
left=$(find /lib/modules/ -name 'netswap.ko*' 2>/dev/null)
[ -z "$left" ] || ns_fail "purge left $left"
for k in "$kver" "$other"; do
	modinfo -k "$k" netswap >/dev/null 2>&1 && ns_fail "modprobe still finds netswap for $k"
done
[ -f /etc/netswap/netswaptab ] || ns_fail "purge removed the admin's netswaptab"
[ -e /etc/netswap/initiatorname ] && ns_fail "purge left the generated /etc/netswap/initiatorname"
ns_ok "purged: no file, DKMS state, module, unit link or generated initiator name left; the netswaptab stays"
ns_finish
