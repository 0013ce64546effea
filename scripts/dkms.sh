#!/bin/bash
# dkms.sh source|install|uninstall: netswap.ko under DKMS, so that every
# installed kernel, and every kernel installed later, gets a module built
# for it (Debian's DKMS hooks build it before the initramfs is made).
#
#   source     the module's sources and dkms.conf into
#              $DESTDIR/usr/src/netswap-VERSION (what netswap-dkms ships)
#   install    source, then dkms add, build and install for every kernel
#              whose headers are installed (make dkms-install); an older
#              netswap under DKMS is removed first, and so is a module that
#              `make install` put into updates/ (it would shadow DKMS's)
#   uninstall  dkms remove of every netswap version, and its sources
#              (make dkms-uninstall)
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/.." && pwd)
version=$(cat "$repo/VERSION")
DESTDIR=${DESTDIR:-}
src=$DESTDIR/usr/src/netswap-$version

die() { echo "dkms.sh: $*" >&2; exit 1; }

# Versions of netswap that DKMS knows, one a line.
dkms_versions() {
	dkms status -m netswap 2>/dev/null |
		sed -n 's|^netswap[/,] *\([^,:]*\)[,:].*|\1|p' | sort -u
}

# Kernels with headers (a build directory) under /lib/modules.
kernels_with_headers() {
	local d
	for d in /lib/modules/*/; do
		[ -e "$d/build/Makefile" ] && basename "$d"
	done
	return 0
}

do_source() {
	local f
	rm -rf -- "$src"
	install -d -m 0755 "$src"
	# Only what kbuild reads: no tests, no documents.
	(cd "$repo" && find Kbuild VERSION kernel configfs -type f \
		\( -name Kbuild -o -name VERSION -o -name '*.[ch]' \) -print) |
		while read -r f; do
			install -D -m 0644 "$repo/$f" "$src/$f"
		done
	sed "s/#MODULE_VERSION#/$version/" "$repo/dkms.conf" >"$src/dkms.conf"
	chmod 0644 "$src/dkms.conf"
	echo "installed $src"
}

do_install() {
	local v k built=0

	[ -z "$DESTDIR" ] || die "install needs the real root (DESTDIR is for 'source')"
	command -v dkms >/dev/null || die "dkms is not installed (apt install dkms)"
	for v in $(dkms_versions); do
		echo "dkms.sh: removing netswap $v from DKMS"
		dkms remove "netswap/$v" --all
	done
	do_source
	dkms add "netswap/$version"
	for k in $(kernels_with_headers); do
		if [ -f "/lib/modules/$k/updates/netswap.ko" ]; then
			echo "dkms.sh: removing /lib/modules/$k/updates/netswap.ko (make install's)"
			rm -f "/lib/modules/$k/updates/netswap.ko"
		fi
		dkms install "netswap/$version" -k "$k" || die "DKMS build for $k failed: /var/lib/dkms/netswap/$version/build/make.log"
		built=$((built + 1))
	done
	[ $built -gt 0 ] || echo "dkms.sh: no kernel headers installed: netswap is added to DKMS, and is built when a kernel's headers are (apt install linux-headers-$(uname -r))"
	if [ -f /etc/netswap/netswaptab ]; then
		echo "dkms.sh: /etc/netswap/netswaptab exists: update-initramfs -u -k all (or dracut -f --regenerate-all) puts the module into the early-boot images"
	fi
}

do_uninstall() {
	local v

	command -v dkms >/dev/null || die "dkms is not installed"
	for v in $(dkms_versions); do
		dkms remove "netswap/$v" --all
		rm -rf -- "/usr/src/netswap-$v"
		echo "removed netswap $v from DKMS and /usr/src/netswap-$v"
	done
	rm -rf -- "$src"
}

case ${1:-} in
source) do_source ;;
install) do_install ;;
uninstall) do_uninstall ;;
*)
	echo "usage: dkms.sh source|install|uninstall" >&2
	exit 2
	;;
esac
