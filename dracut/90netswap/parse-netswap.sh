#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# cmdline hook of the netswap dracut module: if there is network swap to
# bring up (rd.netswap= entries, or a netswaptab in the image, and no
# rd.netswap=0), ask for the network and queue netswap-boot, which the
# initqueue runs on every pass until the network has a default route (any
# network handler: network-legacy, systemd-networkd, NetworkManager). The
# initqueue waits for it before the root is mounted; if the network never
# comes up, the timeout job lets the boot go on without it.

type getargs > /dev/null 2>&1 || . /lib/dracut-lib.sh

netswap_wanted() {
	for v in $(getargs rd.netswap=); do
		case $v in
			0 | off | no) return 1 ;;
		esac
	done
	[ -n "$(getargs rd.netswap=)" ] || [ -f /etc/netswap/netswaptab ]
}

if netswap_wanted; then
	echo "rd.neednet=1" > /etc/cmdline.d/90netswap.conf
	/sbin/initqueue --unique --name netswap /sbin/netswap-boot --if-online
	/sbin/initqueue --onetime --unique --timeout --name netswap-timeout /sbin/netswap-boot --no-network
	# shellcheck disable=SC2154  # set by dracut-lib.sh
	echo '[ -e /run/netswap/done ]' > "$hookdir"/initqueue/finished/netswap.sh
elif getargs rd.netswap= > /dev/null; then
	/sbin/netswap-boot
fi
