#!/bin/bash
# sandbox.sh OUTDIR SCRIPT: run SCRIPT (bash code) as root in a throwaway
# copy of the host's root file system: an overlay of / whose writes go to
# a tmpfs, in a private mount namespace, with fresh /run and /tmp and the
# host's /proc, /sys and /dev. OUTDIR, a host directory, is mounted at the
# same path and is the one place whose writes stay. The checkout this
# script is in is there at its own path wherever it lives (under /tmp or
# /run, which the fresh ones would hide, or on another file system, which
# the overlay of / does not show), as an overlay of its own whose writes
# vanish like the rest. The early-boot test
# uses it to `make install` netswap and build initramfs images with
# Debian's dracut and mkinitramfs without changing the host.
set -euo pipefail

[ $# -eq 2 ] || { echo "usage: sandbox.sh OUTDIR SCRIPT" >&2; exit 2; }
out=$(realpath -m -- "$1")
mkdir -p "$out"
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd -P)
case $repo in
*,* | *:*) echo "sandbox.sh: cannot overlay a checkout whose path has ',' or ':': $repo" >&2; exit 2 ;;
esac
tmp=$(mktemp -d /tmp/netswap-sandbox.XXXXXX)
trap 'rmdir "$tmp" 2>/dev/null || rm -rf --one-file-system -- "$tmp"' EXIT

# The mounts live in the namespace alone and vanish with it.
# shellcheck disable=SC2016  # expanded by the inner bash
unshare --mount --propagation private bash -euc '
	tmp=$1 out=$2 script=$3 repo=$4
	mount -t tmpfs -o mode=0755 netswap-sandbox "$tmp"
	mkdir "$tmp/upper" "$tmp/work" "$tmp/root" "$tmp/repo-upper" "$tmp/repo-work"
	mount -t overlay overlay -o "lowerdir=/,upperdir=$tmp/upper,workdir=$tmp/work" "$tmp/root"
	for d in proc sys dev; do
		mount --rbind "/$d" "$tmp/root/$d"
	done
	mount -t tmpfs -o mode=0755 tmpfs "$tmp/root/run"
	mount -t tmpfs -o mode=1777 tmpfs "$tmp/root/tmp"
	mkdir -p "$tmp/root$repo"
	mount -t overlay overlay \
		-o "lowerdir=$repo,upperdir=$tmp/repo-upper,workdir=$tmp/repo-work" "$tmp/root$repo"
	mkdir -p "$tmp/root$out"
	mount --bind "$out" "$tmp/root$out"
	exec chroot "$tmp/root" /bin/bash -euc "$script"
' sandbox "$tmp" "$out" "$2" "$repo"
