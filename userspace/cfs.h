/* SPDX-License-Identifier: GPL-2.0 */
/* swapctl: the netswap configfs tree, /sys/kernel/config/netswap. */
#ifndef SWAPCTL_CFS_H
#define SWAPCTL_CFS_H

#include <stdbool.h>
#include <stddef.h>

#define NS_CFS_ROOT	"/sys/kernel/config/netswap"

/* modprobe's first line of output, kept for the message. */
#define NS_MODPROBE_MSG	200

/*
 * 0 when the tree is there, or -errno with @err filled ("netswap module
 * not loaded", ...). @load: modprobe netswap first if it is missing; a
 * Secure Boot refusal becomes the advice to enrol DKMS's key.
 */
int ns_cfs_check(bool load, char *err, size_t errlen);
bool ns_cfs_exists(const char *name);
int ns_cfs_mkdir(const char *name, char *err, size_t errlen);
int ns_cfs_rmdir(const char *name, char *err, size_t errlen);

/*
 * Write @value to NAME/ATTR. On refusal @err gets "ATTR: " and the
 * target's last_error (the kernel's reason), and -errno is returned.
 */
int ns_cfs_write(const char *name, const char *attr, const char *value,
		 char *err, size_t errlen);

/* Read NAME/ATTR without its newline; 0 or -errno. */
int ns_cfs_read(const char *name, const char *attr, char *buf, size_t len);

#endif /* SWAPCTL_CFS_H */
