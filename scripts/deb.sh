#!/bin/bash
# deb.sh [--version V] [--out DIR]: the Debian packages netswap-dkms and
# netswap-tools (make deb), built with dpkg-buildpackage from a copy of the
# tree, then checked with lintian: an error or a warning fails the build;
# the tags that remain are overridden in debian/*.lintian-overrides, each
# with its reason.
#
#   --version V  build as version V (VERSION and a changelog entry in the
#                copy only): the VM test's upgrade target
#   --out DIR    where the .debs go (default build/deb)
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/.." && pwd)
version=$(cat "$repo/VERSION")
out=$repo/build/deb
want=

die() { echo "deb.sh: $*" >&2; exit 1; }

while [ $# -gt 0 ]; do
	case $1 in
	--version) want=${2:?}; shift 2 ;;
	--out) out=${2:?}; shift 2 ;;
	*) die "unknown argument $1" ;;
	esac
done

for t in dpkg-buildpackage dh dh_dkms lintian; do
	command -v "$t" >/dev/null || die "$t is missing (make deps installs debhelper, dh-dkms, lintian)"
done
cl=$(dpkg-parsechangelog -l "$repo/debian/changelog" -S Version)
[ "$cl" = "$version" ] ||
	die "debian/changelog is at $cl but VERSION says $version: add a changelog entry"

v=${want:-$version}
rm -rf -- "$out"
tree=$out/src/netswap-$v
mkdir -p "$tree"
tar -C "$repo" --exclude=./build --exclude=./.git -cf - . | tar -C "$tree" -xf -
if [ -n "$want" ]; then
	echo "$want" >"$tree/VERSION"
	{
		echo "netswap ($want) unstable; urgency=medium"
		echo
		echo "  * Built as $want by deb.sh --version."
		echo
		echo " -- $(dpkg-parsechangelog -l "$repo/debian/changelog" -S Maintainer)  $(date -R)"
		echo
		cat "$repo/debian/changelog"
	} >"$tree/debian/changelog"
fi

echo "deb.sh: building netswap $v in $tree (log: $out/build.log)"
if ! (cd "$tree" && dpkg-buildpackage -us -uc -b) >"$out/build.log" 2>&1; then
	tail -n 30 "$out/build.log" >&2
	die "dpkg-buildpackage failed"
fi
mv "$out"/src/*.deb "$out"/src/*.changes "$out"/src/*.buildinfo "$out"/
rm -rf -- "$out/src"

changes=$(ls "$out"/*.changes)
if ! lintian --allow-root --fail-on error,warning --info "$changes" >"$out/lintian.log" 2>&1; then
	cat "$out/lintian.log" >&2
	die "lintian: errors or warnings (see above)"
fi
sed 's/^/lintian: /' "$out/lintian.log"
ls -1 "$out"/*.deb
