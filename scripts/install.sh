#!/bin/bash
# install.sh install|uninstall [--no-module]: put netswap's files in
# their standard places, or take them away again. Run by `make install` /
# `make uninstall`; nothing is built here. --no-module leaves the module
# alone: DKMS builds it (make dkms-install, the netswap-dkms package, whose
# companion netswap-tools is staged with this and DESTDIR).
#
#   DESTDIR   staging root (default: none). With a DESTDIR, depmod and
#             udevadm are not run.
#   PREFIX    /usr: where swapctl (PREFIX/sbin), netswap-boot
#             (PREFIX/lib/netswap) and the man pages go. The files that
#             name them (udev rule, systemd units and generator, dracut module,
#             initramfs-tools hook, netswap-boot) are installed with the
#             paths rewritten to match; they themselves go where udev,
#             systemd, dracut, initramfs-tools and bash-completion look
#             (pkg-config's udevdir, systemdsystemunitdir,
#             systemdsystemgeneratordir, dracutmodulesdir, completionsdir,
#             else under PREFIX; initramfs-tools reads only
#             /usr/share and /etc).
#   KVER      kernel to install the module for (default: uname -r); the
#             module is build/KVER/netswap.ko (make modules) or
#             build/default/netswap.ko (make) if that one was built for KVER
#
# One list of files serves both directions, so uninstall removes exactly
# what install put there. /etc/netswap/netswaptab is the admin's and is
# never written or removed.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/.." && pwd)
build=$repo/build
action=${1:-}
with_module=yes
[ "${2:-}" = --no-module ] && with_module=no
DESTDIR=${DESTDIR:-}
PREFIX=${PREFIX:-/usr}
KVER=${KVER:-$(uname -r)}

die() { echo "install.sh: $*" >&2; exit 1; }

pc_var() {
	pkg-config "$1" --variable="$2" 2>/dev/null || true
}
udevdir=$(pc_var udev udevdir)
udevdir=${udevdir:-$PREFIX/lib/udev}
unitdir=$(pc_var systemd systemdsystemunitdir)
unitdir=${unitdir:-$PREFIX/lib/systemd/system}
gendir=$(pc_var systemd systemdsystemgeneratordir)
gendir=${gendir:-$PREFIX/lib/systemd/system-generators}
mandir=$PREFIX/share/man
libdir=$PREFIX/lib/netswap
dracutdir=$(pc_var dracut dracutmodulesdir)
dracutdir=${dracutdir:-$PREFIX/lib/dracut/modules.d}
itdir=/usr/share/initramfs-tools
compdir=$(pc_var bash-completion completionsdir)
compdir=${compdir:-$PREFIX/share/bash-completion/completions}
moddir=/lib/modules/$KVER/updates

module_src() {
	local ko
	for ko in "$build/$KVER/netswap.ko" "$build/default/netswap.ko"; do
		[ -f "$ko" ] || continue
		[ "$(modinfo -F vermagic "$ko" | cut -d' ' -f1)" = "$KVER" ] && { echo "$ko"; return 0; }
	done
	return 1
}

# SRC DEST MODE HOW, one file a line (SRC relative to the repository).
# HOW: copy, or paths (copied with render_paths).
manifest() {
	cat <<-LIST
	build/swapctl $PREFIX/sbin/swapctl 0755 copy
	docs/man/swapctl.8 $mandir/man8/swapctl.8 0644 copy
	docs/man/netswaptab.5 $mandir/man5/netswaptab.5 0644 copy
	docs/man/netswap-boot.7 $mandir/man7/netswap-boot.7 0644 paths
	completion/swapctl $compdir/swapctl 0644 copy
	udev/60-netswap.rules $udevdir/rules.d/60-netswap.rules 0644 paths
	systemd/netswap.service $unitdir/netswap.service 0644 paths
	systemd/netswap@.service $unitdir/netswap@.service 0644 paths
	systemd/netswap-generator $gendir/netswap-generator 0755 paths
	docs/man/netswap-generator.8 $mandir/man8/netswap-generator.8 0644 copy
	boot/netswap-boot $libdir/netswap-boot 0755 paths
	dracut/90netswap/module-setup.sh $dracutdir/90netswap/module-setup.sh 0755 paths
	dracut/90netswap/parse-netswap.sh $dracutdir/90netswap/parse-netswap.sh 0755 copy
	initramfs-tools/hooks/netswap $itdir/hooks/netswap 0755 paths
	initramfs-tools/scripts/init-premount/netswap $itdir/scripts/init-premount/netswap 0755 copy
	initramfs-tools/conf-hooks.d/netswap $itdir/conf-hooks.d/netswap 0644 copy
	LIST
}

# render_paths SRC: SRC with the installed paths of swapctl, netswap-boot
# and the udev rule in place of the defaults it is written with (the
# same text when PREFIX is /usr and udev's directory is /lib/udev).
render_paths() {
	sed -e "s|/usr/sbin/swapctl|$PREFIX/sbin/swapctl|g" \
	    -e "s|/usr/lib/netswap/|$libdir/|g" \
	    -e "s|/lib/udev/rules.d/60-netswap.rules|$udevdir/rules.d/60-netswap.rules|g" "$1"
}

case $action in
install)
	if [ $with_module = yes ]; then
		ko=$(module_src) || die "no netswap.ko built for $KVER (make modules, or make on that kernel)"
	fi
	[ -x "$build/swapctl" ] || die "build/swapctl is not built (make swapctl)"
	if [ $with_module = yes ]; then
		install -D -m 0644 "$ko" "$DESTDIR$moddir/netswap.ko"
		echo "installed $DESTDIR$moddir/netswap.ko"
	fi
	while read -r src dst mode how; do
		[ -e "$repo/$src" ] || die "$src is missing"
		if [ "$how" = paths ]; then
			install -D -m "$mode" <(render_paths "$repo/$src") "$DESTDIR$dst"
		else
			install -D -m "$mode" "$repo/$src" "$DESTDIR$dst"
		fi
		echo "installed $DESTDIR$dst"
	done < <(manifest)
	install -d -m 0755 "$DESTDIR/etc/netswap"
	if [ -z "$DESTDIR" ]; then
		[ $with_module = yes ] && depmod -a "$KVER"
		udevadm control --reload 2>/dev/null || true
	fi
	;;
uninstall)
	if [ $with_module = yes ]; then
		rm -f -- "$DESTDIR$moddir/netswap.ko"
		echo "removed $DESTDIR$moddir/netswap.ko"
	fi
	while read -r _ dst _ _; do
		rm -f -- "$DESTDIR$dst"
		echo "removed $DESTDIR$dst"
		# Directories install made (90netswap, /usr/lib/netswap), if empty.
		rmdir -p --ignore-fail-on-non-empty "$(dirname "$DESTDIR$dst")" 2>/dev/null || true
	done < <(manifest)
	# Only if empty: a netswaptab or secret in it stays.
	rmdir "$DESTDIR/etc/netswap" 2>/dev/null || true
	if [ -z "$DESTDIR" ]; then
		[ $with_module = yes ] && [ -d "/lib/modules/$KVER" ] && depmod -a "$KVER"
		udevadm control --reload 2>/dev/null || true
	fi
	;;
*)
	echo "usage: install.sh install|uninstall [--no-module]" >&2
	exit 2
	;;
esac
