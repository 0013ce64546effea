# shellcheck shell=bash
# Guest, after a dracut or initramfs-tools image (argument: which) brought
# up network swap from rd.netswap= and switched to the root: both targets'
# swap was on before the root was mounted (the test hook's kernel log
# line) and is on now, with /dev/netswap/<name> links from udev in the
# initramfs and the reserve applied; the entry for a port where nothing
# listens and the one that is not a URL failed alone, each with its reason
# in the kernel log; i0 logged in with the host's initiator name, which
# the image carried; both disks still answer I/O.
. "$NETSWAP_REPO/tests/vm/guest/nslib.sh"
. "$NETSWAP_REPO/tests/vm/guest-lib.sh"
gen=${1:?generator}

ns_log "booted through the $gen image; now after switch_root"
klog=$(dmesg)
printf '%s\n' "$klog" | grep -E 'netswap-boot|nstest' || true

line=$(printf '%s\n' "$klog" | grep 'nstest: before root:' | tail -n 1)
[ -n "$line" ] || ns_die "$gen: no report from the pre-mount hook"
[[ $line == *"root not mounted"* ]] || ns_fail "$gen: the hook ran with the root mounted: $line"
swaps_before=${line#*swaps:}
for n in i0 n0; do
	[ -d "$NS_CFG/$n" ] || ns_die "$gen: target $n was not created"
	[ "$(ns_get "$n" state)" = up ] || ns_fail "$gen: $n is $(ns_get "$n" state)"
	d=$(ns_get "$n" disk)
	[[ " $swaps_before " == *" $d "* ]] || ns_fail "$gen: $n ($d) was not swap before the root was mounted: '$swaps_before'"
	awk -v d="/dev/$d" '$1 == d && $5 == 5 { f = 1 } END { exit !f }' /proc/swaps ||
		ns_fail "$gen: $n (/dev/$d) is not swap with priority 5 after switch_root"
	[ "$(readlink -f "/dev/netswap/$n")" = "/dev/$d" ] ||
		ns_fail "$gen: /dev/netswap/$n does not lead to /dev/$d"
done
[ "$ns_failed" = 0 ] &&
	ns_ok "$gen: i0 and n0 swap before the root was mounted ($swaps_before), and after switch_root"
# The image carried the host's initiator name: i0 logged in with the name
# the real root has, and netswap-boot did not warn of a missing one.
host_iqn=$("$NS_SWAPCTL" initiator-name --no-create 2>&1)
[ "$(ns_get i0 initiator_name)" = "$host_iqn" ] ||
	ns_fail "$gen: i0 logged in as '$(ns_get i0 initiator_name)' at early boot, the host's name is '$host_iqn'"
printf '%s\n' "$klog" | grep -q "no iSCSI initiator name in the image" &&
	ns_fail "$gen: netswap-boot found no initiator name in the image"
[ "$ns_failed" = 0 ] && ns_ok "$gen: i0 logged in at early boot as this host ($host_iqn)"

# The two bad entries: their own lines, and nothing else lost.
printf '%s\n' "$klog" | grep -q "netswap-boot: rd.netswap=bad,[^ ]*: swapctl: apply: bad: .*connection refused" ||
	ns_fail "$gen: no 'connection refused' reason for rd.netswap=bad in the kernel log"
printf '%s\n' "$klog" | grep -q "netswap-boot: rd.netswap=junk,notaurl: swapctl: apply: .*url: unknown scheme" ||
	ns_fail "$gen: no reason for rd.netswap=junk in the kernel log"
for n in bad junk; do
	printf '%s\n' "$klog" | grep -q "netswap-boot: rd.netswap=$n,[^ ]*: failed (above): booting without it" ||
		ns_fail "$gen: no line saying the boot goes on without $n"
done
[ "$(cat "$NS_CFG/bad/state" 2>/dev/null || echo none)" != up ] || ns_fail "$gen: bad is up?"
printf '%s\n' "$klog" | grep -q "netswap-boot: swap on before the root file system:" ||
	ns_fail "$gen: no summary line from netswap-boot"

# The reserve for both was applied in the initramfs.
sum=0
for n in i0 n0; do
	sum=$((sum + $(ns_get "$n" reserve_kb)))
done
[ "$(cat /proc/sys/vm/min_free_kbytes)" -ge "$sum" ] ||
	ns_fail "$gen: vm.min_free_kbytes $(cat /proc/sys/vm/min_free_kbytes) is below the reserve $sum"

ns_sc_ok status
# The connections survived the initramfs's cleanup and switch_root: both
# disks answer I/O now (direct reads; make demo and t-10/t-20 swap hard).
for n in i0 n0; do
	dev=/dev/$(ns_get "$n" disk)
	before=$(ns_stat "$n" read_bytes)
	dd if="$dev" of=/dev/null bs=1M count=8 iflag=direct status=none ||
		ns_fail "$gen: $n: reading $dev after switch_root failed"
	[ "$(ns_stat "$n" read_bytes)" -ge $((before + 8388608)) ] ||
		ns_fail "$gen: $n: the 8 MiB read did not go through the target"
	[ "$(ns_stat "$n" errors)" = 0 ] || ns_fail "$gen: $n: $(ns_stat "$n" errors) I/O errors"
done
[ "$ns_failed" = 0 ] && ns_ok "$gen: both disks answer I/O after switch_root"
ns_finish
