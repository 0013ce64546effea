/* SPDX-License-Identifier: GPL-2.0 */
/* swapctl: a netswap disk as a swap device (signature, mkswap, swapon). */
#ifndef SWAPCTL_SWAPDEV_H
#define SWAPCTL_SWAPDEV_H

#include <stddef.h>

/* Is @dev an active swap area? Its priority in *@prio, used KiB in *@used. */
int ns_swap_active(const char *dev, int *prio, long long *used);

/* /dev/@disk in @dev; 0 once it is a block device, -1 after 10 s. */
int ns_wait_dev(const char *disk, char *dev, size_t len);

/*
 * Turn swap on on @dev for target @name: a disk with no signature gets
 * mkswap only if @format, one with a foreign signature is never touched;
 * @prio < 0 leaves the priority to the kernel; @discard (enum ns_discard)
 * asks swapon to discard, which a disk without discard ignores (said so
 * in the line printed). @no_sig_hint ends the
 * message for a blank disk without @format. Swap that is already on (a
 * udev rule may have been quicker) is success. Returns an EX_* code, and
 * prints one line saying what happened.
 */
/*
 * The part of ns_swap_start before swapon: @dev carries a swap signature
 * afterwards (mkswap'ed if blank and @format, or sealed: a sealed disk is
 * blank at every enable), or the one-line reason why
 * not is printed. Swap already on counts as prepared.
 */
int ns_swap_prepare(const char *name, const char *dev, int format,
		    const char *no_sig_hint);

int ns_swap_start(const char *name, const char *dev, int prio, int discard,
		  int format, const char *no_sig_hint);

#endif /* SWAPCTL_SWAPDEV_H */
