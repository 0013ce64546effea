#!/usr/bin/env bash
# Install everything netswap's build and tests need from Debian's packages.
# Idempotent: apt runs only when something is missing.
set -eu

pkgs=(
	build-essential kmod cpio xz-utils zstd pkg-config
	linux-image-amd64 linux-headers-amd64
	linux-image-6.12-amd64 linux-headers-6.12-amd64
	sparse cppcheck clang libclang-rt-14-dev libcmocka-dev
	libnl-3-dev libnl-genl-3-dev libblkid-dev libsmartcols-dev python3-jsonschema
	qemu-system-x86 busybox-static iproute2 util-linux
	initramfs-tools dracut-core dracut-network udev
	tgt open-iscsi targetcli-fb dbus
	nfs-ganesha nfs-ganesha-vfs rpcbind nfs-kernel-server nfs-common systemd python3 python3-yaml man-db groff-base
	dkms dh-dkms debhelper dpkg-dev lintian
)

# `deps.sh bench` (make bench): also the peers' servers and clients and
# the plotting tool, which make test does not need.
if [ "${1:-}" = bench ]; then
	pkgs+=(nbd-server nbd-client gnuplot-nox)
fi

missing=()
for p in "${pkgs[@]}"; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
		missing+=("$p")
	fi
done
if [ ${#missing[@]} -eq 0 ]; then
	echo "deps: all ${#pkgs[@]} packages present"
	exit 0
fi
echo "deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -q
apt-get install -y -q --no-install-recommends "${missing[@]}"
