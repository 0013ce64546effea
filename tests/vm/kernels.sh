#!/bin/bash
# Print the installed Debian kernels the VM tests run on, one per line:
# the newest 6.1 and the newest 6.12 "-amd64" flavour found in
# /boot/vmlinuz-*, that also have /lib/modules/<version>/modules.dep.
# Versions are resolved at run time, never hard-coded.
#
# NETSWAP_KVERS (optional): space/comma separated filter. Each entry is a
# version ("6.12.117+deb12-amd64"), a series ("6.1", "6.12": matches
# "6.1.x" but not "6.12.x") or a shell glob ("6.12*").
#
# kernels.sh --series: the series the tests expect, one per line (used by
# tests/expected.sh: a series with no installed kernel is a failure).
set -euo pipefail

series_list=(6.1 6.12)
if [ "${1:-}" = --series ]; then
	printf '%s\n' "${series_list[@]}"
	exit 0
fi

boot_dir=${NETSWAP_BOOT_DIR:-/boot}
mod_root=${NETSWAP_MODULES_ROOT:-/lib/modules}

# Newest installed version of one series (e.g. 6.1), generic amd64 only.
newest_of() {
	local series=$1 f v
	for f in "$boot_dir"/vmlinuz-"$series".*; do
		[ -e "$f" ] || continue
		v=${f##*/vmlinuz-}
		case $v in
		*-rt-amd64 | *-cloud-amd64) continue ;;
		*-amd64) ;;
		*) continue ;;
		esac
		[ -f "$mod_root/$v/modules.dep" ] || continue
		printf '%s\n' "$v"
	done | sort -V | tail -n 1
}

matches_filter() {
	local v=$1 e
	[ -n "${NETSWAP_KVERS:-}" ] || return 0
	for e in ${NETSWAP_KVERS//,/ }; do
		# shellcheck disable=SC2053  # $e may be a glob on purpose
		if [[ $v == "$e" || $v == "$e".* || $v == "$e"-* || $v == $e ]]; then
			return 0
		fi
	done
	return 1
}

found=0
for series in "${series_list[@]}"; do
	v=$(newest_of "$series")
	if [ -z "$v" ]; then
		echo "kernels.sh: no installed $series amd64 kernel in $boot_dir" >&2
		continue
	fi
	if matches_filter "$v"; then
		printf '%s\n' "$v"
		found=$((found + 1))
	fi
done
[ "$found" -gt 0 ] || { echo "kernels.sh: no kernel selected" >&2; exit 1; }
