#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# dracut module netswap: network swap (netswap.ko, swapctl) up in the
# initramfs once the network is online, before the root file system is
# mounted; it stays on across switch_root. Kernel command line:
# rd.netswap=NAME,URL[,OPT=VAL...] (repeatable) or rd.netswap=0; without
# rd.netswap= entries, the host's /etc/netswap/netswaptab copied into the
# image is applied. See netswap-boot and swapctl(8).

# The secret files that a netswaptab names (secret_file=,
# target_secret_file=), one a line.
netswap_secret_files() {
	local name opts o
	while read -r name _ opts; do
		case $name in '' | '#'*) continue ;; esac
		local IFS=,
		for o in $opts; do
			case $o in secret_file=* | target_secret_file=*) echo "${o#*secret_file=}" ;; esac
		done
	done < /etc/netswap/netswaptab
}

# called by dracut
check() {
	require_binaries /usr/sbin/swapctl mkswap || return 1
	# In every image of a host that has targets; elsewhere on request
	# (--add netswap), e.g. for rd.netswap= on the kernel command line.
	[[ -f /etc/netswap/netswaptab ]] && return 0
	return 255
}

# called by dracut
depends() {
	echo network
	return 0
}

# called by dracut
installkernel() {
	# seal=aead asks the crypto API for gcm(aes) at enable: its template
	# and its parts (accelerated where the CPU allows) are loaded by name.
	hostonly='' instmods netswap gcm ctr ghash-generic aesni-intel \
		ghash-clmulni-intel
}

# called by dracut; it sets moddir
# shellcheck disable=SC2154
install() {
	local f

	# swapctl at the path it has here: netswap-boot and the udev rule name it.
	inst_multiple /usr/sbin/swapctl mkswap modprobe
	inst_script /usr/lib/netswap/netswap-boot /sbin/netswap-boot
	inst_rules 60-netswap.rules
	# The host's iSCSI initiator name: the same one at early boot as after
	# it (the targets' ACLs name it); generated once if the host has none.
	/usr/sbin/swapctl initiator-name >/dev/null 2>&1 || true
	for f in /etc/iscsi/initiatorname.iscsi /etc/netswap/initiatorname; do
		[[ -f $f ]] && inst_simple "$f"
	done
	if [[ -f /etc/netswap/netswaptab ]]; then
		inst_simple /etc/netswap/netswaptab
		# dracut writes the image with umask 077: only root reads it.
		while read -r f; do
			[[ -f $f ]] && inst_simple "$f"
		done < <(netswap_secret_files)
	fi
	inst_hook cmdline 90 "$moddir/parse-netswap.sh"
	dracut_need_initqueue
}
