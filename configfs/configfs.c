// SPDX-License-Identifier: GPL-2.0
/*
 * netswap configfs tree: /sys/kernel/config/netswap/<name>/
 *
 * Every store validates its input and says what was wrong in last_error.
 * Connection settings are refused while the target is enabled; `enable` is
 * the one attribute that triggers work. configfs/ABI.md documents the ABI.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>
#include <linux/configfs.h>
#include <linux/ctype.h>
#include <linux/inet.h>
#include <linux/kernel.h>
#include <linux/slab.h>
#include "../kernel/core/netswap.h"
#include "../kernel/proto/iscsi_text.h"
#include "../kernel/proto/chap.h"
#include "../kernel/proto/nfs3.h"

static struct configfs_subsystem netswap_subsys;

/* Strip one trailing newline; refuse control characters. */
static int ns_parse_str(struct netswap_dev *nd, const char *attr,
			const char *page, size_t count, char *out,
			size_t outlen)
{
	size_t len = count, i;

	if (len && page[len - 1] == '\n')
		len--;
	if (len >= outlen) {
		netswap_set_error(nd, "%s: too long (at most %zu characters)",
				  attr, outlen - 1);
		return -EINVAL;
	}
	for (i = 0; i < len; i++) {
		/* Printable ASCII only: the kernel's ctype is Latin-1. */
		if (page[i] < 0x20 || page[i] > 0x7e) {
			netswap_set_error(nd, "%s: only printable ASCII is allowed",
					  attr);
			return -EINVAL;
		}
	}
	memcpy(out, page, len);
	out[len] = '\0';
	return 0;
}

/* Lock the target for a configuration change; refuse while enabled. */
static int ns_cfg_begin(struct netswap_dev *nd, const char *attr)
{
	mutex_lock(&nd->lock);
	if (nd->enabled) {
		netswap_set_error(nd, "%s: cannot change while enabled", attr);
		mutex_unlock(&nd->lock);
		return -EBUSY;
	}
	return 0;
}

static int ns_parse_u32(struct netswap_dev *nd, const char *attr,
			const char *page, u32 min, u32 max, u32 *out)
{
	u32 v;
	int ret;

	ret = kstrtou32(page, 0, &v);
	if (ret == -ERANGE || (!ret && (v < min || v > max))) {
		netswap_set_error(nd, "%s: out of range (%u..%u)", attr, min,
				  max);
		return -ERANGE;
	}
	if (ret) {
		netswap_set_error(nd, "%s: not a number", attr);
		return -EINVAL;
	}
	*out = v;
	return 0;
}

/* -------- common attributes -------- */

static ssize_t netswap_transport_show(struct config_item *item, char *page)
{
	struct netswap_dev *nd = to_netswap_dev(item);
	const struct netswap_transport_ops *ops;

	ops = netswap_transport_ops(nd->cfg.transport);
	return sysfs_emit(page, "%s\n", ops ? ops->name : "");
}

/*
 * Which of two words @page is: 0 for @w0, 1 for @w1; else -EINVAL with
 * last_error "<attr>: must be <w0> or <w1>".
 */
static int ns_one_of(struct netswap_dev *nd, const char *attr,
		     const char *page, const char *w0, const char *w1)
{
	if (sysfs_streq(page, w0))
		return 0;
	if (sysfs_streq(page, w1))
		return 1;
	netswap_set_error(nd, "%s: must be %s or %s", attr, w0, w1);
	return -EINVAL;
}

static ssize_t netswap_transport_store(struct config_item *item,
				       const char *page, size_t count)
{
	struct netswap_dev *nd = to_netswap_dev(item);
	int nfs, ret;

	nfs = ns_one_of(nd, "transport", page, "iscsi", "nfs");
	if (nfs < 0)
		return nfs;
	ret = ns_cfg_begin(nd, "transport");
	if (ret)
		return ret;
	nd->cfg.transport = nfs ? NETSWAP_TRANSPORT_NFS : NETSWAP_TRANSPORT_ISCSI;
	mutex_unlock(&nd->lock);
	return count;
}

static ssize_t netswap_address_show(struct config_item *item, char *page)
{
	struct netswap_dev *nd = to_netswap_dev(item);
	const struct sockaddr_storage *ss = &nd->cfg.addr;

	if (!nd->cfg.addr_set)
		return sysfs_emit(page, "\n");
	if (ss->ss_family == AF_INET6)
		return sysfs_emit(page, "%pI6c\n",
				  &((const struct sockaddr_in6 *)ss)->sin6_addr);
	return sysfs_emit(page, "%pI4\n",
			  &((const struct sockaddr_in *)ss)->sin_addr);
}

static ssize_t netswap_address_store(struct config_item *item,
				     const char *page, size_t count)
{
	struct netswap_dev *nd = to_netswap_dev(item);
	struct sockaddr_storage ss = { };
	char buf[INET6_ADDRSTRLEN + 2], *p = buf;
	const char *end;
	size_t len;
	int ret;

	ret = ns_parse_str(nd, "address", page, count, buf, sizeof(buf));
	if (ret)
		return ret;
	len = strlen(p);
	if (len > 2 && p[0] == '[' && p[len - 1] == ']') {
		p[len - 1] = '\0';
		p++;
		len -= 2;
	}
	/* The whole string must be the address: check where parsing ended. */
	if (in4_pton(p, len, (u8 *)&((struct sockaddr_in *)&ss)->sin_addr,
		     -1, &end) && end == p + len) {
		ss.ss_family = AF_INET;
	} else if (in6_pton(p, len,
			    (u8 *)&((struct sockaddr_in6 *)&ss)->sin6_addr,
			    -1, &end) && end == p + len) {
		ss.ss_family = AF_INET6;
	} else {
		netswap_set_error(nd, "address: not an IPv4 or IPv6 literal (swapctl resolves names)");
		return -EINVAL;
	}
	ret = ns_cfg_begin(nd, "address");
	if (ret)
		return ret;
	nd->cfg.addr = ss;
	nd->cfg.addr_set = true;
	mutex_unlock(&nd->lock);
	return count;
}

/*
 * _live: may change while enabled (recovery policy, read by the recovery
 * worker each time); everything else is a connection setting.
 */
#define NS_U32_ATTR(_name, _field, _min, _max, _live)			\
static ssize_t netswap_##_name##_show(struct config_item *item, char *page) \
{									\
	return sysfs_emit(page, "%u\n", to_netswap_dev(item)->cfg._field); \
}									\
static ssize_t netswap_##_name##_store(struct config_item *item,	\
				       const char *page, size_t count)	\
{									\
	struct netswap_dev *nd = to_netswap_dev(item);			\
	u32 v;								\
	int ret;							\
									\
	ret = ns_parse_u32(nd, #_name, page, _min, _max, &v);		\
	if (ret)							\
		return ret;						\
	if (_live) {							\
		mutex_lock(&nd->lock);					\
	} else {							\
		ret = ns_cfg_begin(nd, #_name);				\
		if (ret)						\
			return ret;					\
	}								\
	WRITE_ONCE(nd->cfg._field, v);					\
	mutex_unlock(&nd->lock);					\
	return count;							\
}

NS_U32_ATTR(port, port, 0, 65535, false);
NS_U32_ATTR(lun, lun, 0, 16383, false);
NS_U32_ATTR(mount_port, mount_port, 0, 65535, false);
NS_U32_ATTR(auth_uid, auth_uid, 0, 4294967294U, false);
NS_U32_ATTR(auth_gid, auth_gid, 0, 4294967294U, false);
NS_U32_ATTR(queue_depth, queue_depth, 1, NETSWAP_QD_MAX, false);
NS_U32_ATTR(connections, connections, 0, 2, false);
NS_U32_ATTR(io_timeout_ms, io_timeout_ms, 1000, 600000, false);
NS_U32_ATTR(reconnect_delay_ms, reconnect_delay_ms, 100, 60000, true);
NS_U32_ATTR(recovery_timeout_s, recovery_timeout_s, 0, 86400, true);

static ssize_t ns_store_iscsi_name(struct netswap_dev *nd, const char *attr,
				   const char *page, size_t count, char *field)
{
	char buf[NETSWAP_STR_MAX];
	int ret;

	ret = ns_parse_str(nd, attr, page, count, buf, sizeof(buf));
	if (ret)
		return ret;
	if (buf[0] && !iscsi_name_valid(buf)) {
		netswap_set_error(nd, "%s: not a valid iSCSI name (iqn.YYYY-MM.domain[:id], eui.<16 hex>, naa.<hex>)",
				  attr);
		return -EINVAL;
	}
	ret = ns_cfg_begin(nd, attr);
	if (ret)
		return ret;
	strscpy(field, buf, NETSWAP_STR_MAX);
	mutex_unlock(&nd->lock);
	return count;
}

static ssize_t netswap_target_name_show(struct config_item *item, char *page)
{
	return sysfs_emit(page, "%s\n", to_netswap_dev(item)->cfg.target_name);
}

static ssize_t netswap_target_name_store(struct config_item *item,
					 const char *page, size_t count)
{
	struct netswap_dev *nd = to_netswap_dev(item);

	return ns_store_iscsi_name(nd, "target_name", page, count,
				   nd->cfg.target_name);
}

static ssize_t netswap_initiator_name_show(struct config_item *item,
					   char *page)
{
	return sysfs_emit(page, "%s\n",
			  to_netswap_dev(item)->cfg.initiator_name);
}

static ssize_t netswap_initiator_name_store(struct config_item *item,
					    const char *page, size_t count)
{
	struct netswap_dev *nd = to_netswap_dev(item);

	return ns_store_iscsi_name(nd, "initiator_name", page, count,
				   nd->cfg.initiator_name);
}

/* CHAP user names (ours, and the one the target must answer with). */
static ssize_t ns_store_chap_user(struct netswap_dev *nd, const char *attr,
				  const char *page, size_t count, char *dst)
{
	char buf[CHAP_NAME_MAX + 1];
	int ret;

	ret = ns_parse_str(nd, attr, page, count, buf, sizeof(buf));
	if (ret)
		return ret;
	ret = ns_cfg_begin(nd, attr);
	if (ret)
		return ret;
	strscpy(dst, buf, NETSWAP_SECRET_MAX);
	mutex_unlock(&nd->lock);
	return count;
}

/* Write-only: a secret is never shown, logged or put in last_error. */
static ssize_t ns_store_chap_secret(struct netswap_dev *nd, const char *attr,
				    const char *page, size_t count, char *dst)
{
	char buf[CHAP_SECRET_MAX + 1];
	size_t len;
	int ret;

	ret = ns_parse_str(nd, attr, page, count, buf, sizeof(buf));
	if (ret)
		goto out;
	len = strlen(buf);
	if (len && len < CHAP_SECRET_MIN) {
		netswap_set_error(nd, "%s: too short (at least %d characters)",
				  attr, CHAP_SECRET_MIN);
		ret = -EINVAL;
		goto out;
	}
	ret = ns_cfg_begin(nd, attr);
	if (ret)
		goto out;
	memzero_explicit(dst, NETSWAP_SECRET_MAX);
	memcpy(dst, buf, len + 1);
	mutex_unlock(&nd->lock);
	ret = count;
out:
	memzero_explicit(buf, sizeof(buf));
	return ret;
}

static ssize_t netswap_auth_user_show(struct config_item *item, char *page)
{
	return sysfs_emit(page, "%s\n", to_netswap_dev(item)->cfg.auth_user);
}

static ssize_t netswap_auth_user_store(struct config_item *item,
				       const char *page, size_t count)
{
	struct netswap_dev *nd = to_netswap_dev(item);

	return ns_store_chap_user(nd, "auth_user", page, count,
				  nd->cfg.auth_user);
}

static ssize_t netswap_auth_secret_store(struct config_item *item,
					 const char *page, size_t count)
{
	struct netswap_dev *nd = to_netswap_dev(item);

	return ns_store_chap_secret(nd, "auth_secret", page, count,
				    nd->cfg.auth_secret);
}

static ssize_t netswap_auth_target_user_show(struct config_item *item,
					     char *page)
{
	return sysfs_emit(page, "%s\n",
			  to_netswap_dev(item)->cfg.auth_target_user);
}

static ssize_t netswap_auth_target_user_store(struct config_item *item,
					      const char *page, size_t count)
{
	struct netswap_dev *nd = to_netswap_dev(item);

	return ns_store_chap_user(nd, "auth_target_user", page, count,
				  nd->cfg.auth_target_user);
}

static ssize_t netswap_auth_target_secret_store(struct config_item *item,
						const char *page, size_t count)
{
	struct netswap_dev *nd = to_netswap_dev(item);

	return ns_store_chap_secret(nd, "auth_target_secret", page, count,
				    nd->cfg.auth_target_secret);
}

static ssize_t ns_show_digest(char *page, bool on)
{
	return sysfs_emit(page, "%s\n", on ? "crc32c" : "none");
}

static ssize_t ns_store_digest(struct netswap_dev *nd, const char *attr,
			       const char *page, size_t count, bool *field)
{
	bool v;
	int ret;

	if (sysfs_streq(page, "crc32c") || sysfs_streq(page, "CRC32C")) {
		v = true;
	} else if (sysfs_streq(page, "none") || sysfs_streq(page, "None")) {
		v = false;
	} else {
		netswap_set_error(nd, "%s: must be none or crc32c", attr);
		return -EINVAL;
	}
	ret = ns_cfg_begin(nd, attr);
	if (ret)
		return ret;
	*field = v;
	mutex_unlock(&nd->lock);
	return count;
}

static ssize_t netswap_header_digest_show(struct config_item *item, char *page)
{
	return ns_show_digest(page, to_netswap_dev(item)->cfg.header_digest);
}

static ssize_t netswap_header_digest_store(struct config_item *item,
					   const char *page, size_t count)
{
	struct netswap_dev *nd = to_netswap_dev(item);

	return ns_store_digest(nd, "header_digest", page, count,
			       &nd->cfg.header_digest);
}

static ssize_t netswap_data_digest_show(struct config_item *item, char *page)
{
	return ns_show_digest(page, to_netswap_dev(item)->cfg.data_digest);
}

static ssize_t netswap_data_digest_store(struct config_item *item,
					 const char *page, size_t count)
{
	struct netswap_dev *nd = to_netswap_dev(item);

	return ns_store_digest(nd, "data_digest", page, count,
			       &nd->cfg.data_digest);
}

static ssize_t netswap_seal_show(struct config_item *item, char *page)
{
	return sysfs_emit(page, "%s\n",
			  netswap_seal_name(to_netswap_dev(item)->cfg.seal));
}

static ssize_t netswap_seal_store(struct config_item *item, const char *page,
				  size_t count)
{
	struct netswap_dev *nd = to_netswap_dev(item);
	int aead, ret;

	aead = ns_one_of(nd, "seal", page, "none", "aead");
	if (aead < 0)
		return aead;
	ret = ns_cfg_begin(nd, "seal");
	if (ret)
		return ret;
	nd->cfg.seal = aead ? NETSWAP_SEAL_AEAD : NETSWAP_SEAL_NONE;
	mutex_unlock(&nd->lock);
	return count;
}

static ssize_t netswap_enable_show(struct config_item *item, char *page)
{
	return sysfs_emit(page, "%d\n", to_netswap_dev(item)->enabled);
}

static ssize_t netswap_enable_store(struct config_item *item,
				    const char *page, size_t count)
{
	struct netswap_dev *nd = to_netswap_dev(item);
	int on, ret;

	on = ns_one_of(nd, "enable", page, "0", "1");
	if (on < 0)
		return on;
	mutex_lock(&nd->lock);
	if (on) {
		/*
		 * Pin the directory before the target goes live: rmdir of an
		 * enabled target is EBUSY, and an enable that loses the race
		 * with an rmdir already under way fails here, before any
		 * connection, disk or event exists.
		 */
		ret = 0;
		if (!nd->depend_taken) {
			ret = configfs_depend_item_unlocked(&netswap_subsys,
							    &nd->item);
			if (ret)
				netswap_set_error(nd, "enable: the target is being removed");
			else
				nd->depend_taken = true;
		}
		if (!ret) {
			ret = netswap_enable(nd);
			if (ret && !nd->enabled) {
				configfs_undepend_item_unlocked(&nd->item);
				nd->depend_taken = false;
			}
		}
	} else {
		ret = netswap_disable(nd);
		if (!ret && nd->depend_taken) {
			configfs_undepend_item_unlocked(&nd->item);
			nd->depend_taken = false;
		}
	}
	mutex_unlock(&nd->lock);
	return ret ? ret : count;
}

/* -------- NFS -------- */

/*
 * An absolute path of printable ASCII without "." or ".." components
 * (export), or a relative one inside the export (file: a leading '/' is
 * allowed and means the same).
 */
static ssize_t ns_store_path(struct netswap_dev *nd, const char *attr,
			     const char *page, size_t count, char *field,
			     bool absolute)
{
	char *buf;
	size_t pos = 0, start;
	int n, ret;

	buf = kmalloc(NETSWAP_PATH_MAX, GFP_KERNEL);
	if (!buf)
		return -ENOMEM;
	ret = ns_parse_str(nd, attr, page, count, buf, NETSWAP_PATH_MAX);
	if (ret)
		goto out;
	if (buf[0] && absolute && buf[0] != '/') {
		netswap_set_error(nd, "%s: must be an absolute path", attr);
		ret = -EINVAL;
		goto out;
	}
	do {
		n = nfs3_path_next(buf, &pos, &start);
	} while (n > 0);
	if (n < 0) {
		netswap_set_error(nd, "%s: %s", attr, n == -EINVAL ?
				  "'.' and '..' components are not allowed" :
				  "a component is longer than 255 characters");
		ret = n == -EINVAL ? -EINVAL : -ENAMETOOLONG;
		goto out;
	}
	ret = ns_cfg_begin(nd, attr);
	if (ret)
		goto out;
	strscpy(field, buf, NETSWAP_PATH_MAX);
	mutex_unlock(&nd->lock);
	ret = count;
out:
	kfree(buf);
	return ret;
}

static ssize_t netswap_export_show(struct config_item *item, char *page)
{
	return sysfs_emit(page, "%s\n", to_netswap_dev(item)->cfg.export);
}

static ssize_t netswap_export_store(struct config_item *item,
				    const char *page, size_t count)
{
	struct netswap_dev *nd = to_netswap_dev(item);

	return ns_store_path(nd, "export", page, count, nd->cfg.export, true);
}

static ssize_t netswap_file_show(struct config_item *item, char *page)
{
	return sysfs_emit(page, "%s\n", to_netswap_dev(item)->cfg.file);
}

static ssize_t netswap_file_store(struct config_item *item, const char *page,
				  size_t count)
{
	struct netswap_dev *nd = to_netswap_dev(item);

	return ns_store_path(nd, "file", page, count, nd->cfg.file, false);
}

static ssize_t netswap_auth_flavor_show(struct config_item *item, char *page)
{
	return sysfs_emit(page, "%s\n",
			  to_netswap_dev(item)->cfg.auth_none ? "none" : "sys");
}

static ssize_t netswap_auth_flavor_store(struct config_item *item,
					 const char *page, size_t count)
{
	struct netswap_dev *nd = to_netswap_dev(item);
	int none, ret;

	none = ns_one_of(nd, "auth_flavor", page, "sys", "none");
	if (none < 0)
		return none;
	ret = ns_cfg_begin(nd, "auth_flavor");
	if (ret)
		return ret;
	nd->cfg.auth_none = none;
	mutex_unlock(&nd->lock);
	return count;
}

/* -------- read-only status -------- */

static ssize_t netswap_state_show(struct config_item *item, char *page)
{
	return sysfs_emit(page, "%s\n",
		netswap_state_name(netswap_get_state(to_netswap_dev(item))));
}

static ssize_t netswap_disk_show(struct config_item *item, char *page)
{
	struct netswap_dev *nd = to_netswap_dev(item);
	ssize_t ret;

	mutex_lock(&nd->lock);
	ret = sysfs_emit(page, "%s\n", nd->disk ? nd->disk->disk_name : "");
	mutex_unlock(&nd->lock);
	return ret;
}

static ssize_t netswap_capacity_bytes_show(struct config_item *item,
					   char *page)
{
	struct netswap_dev *nd = to_netswap_dev(item);

	return sysfs_emit(page, "%llu\n", nd->enabled ? nd->capacity : 0);
}

static ssize_t netswap_reserve_kb_show(struct config_item *item, char *page)
{
	return sysfs_emit(page, "%u\n",
			  netswap_reserve_kb(to_netswap_dev(item)));
}

/* The sealed target's tag table and bounce pages; 0 unsealed or disabled. */
static ssize_t netswap_seal_kb_show(struct config_item *item, char *page)
{
	return sysfs_emit(page, "%u\n", netswap_seal_kb(to_netswap_dev(item)));
}

/* A text field the state machine writes under state_lock, and a newline. */
static ssize_t netswap_show_text(struct netswap_dev *nd, char *page,
				 const char *field, size_t size)
{
	char buf[NETSWAP_ERR_MAX];
	unsigned long flags;

	size = min(size, sizeof(buf));
	spin_lock_irqsave(&nd->state_lock, flags);
	memcpy(buf, field, size);
	spin_unlock_irqrestore(&nd->state_lock, flags);
	buf[size - 1] = '\0';
	return sysfs_emit(page, "%s\n", buf);
}

static ssize_t netswap_last_error_show(struct config_item *item, char *page)
{
	struct netswap_dev *nd = to_netswap_dev(item);

	return netswap_show_text(nd, page, nd->last_error,
				 sizeof(nd->last_error));
}

static ssize_t netswap_storage_id_show(struct config_item *item, char *page)
{
	struct netswap_dev *nd = to_netswap_dev(item);

	return netswap_show_text(nd, page, nd->storage_id,
				 sizeof(nd->storage_id));
}

static ssize_t netswap_stats_show(struct config_item *item, char *page)
{
	struct netswap_dev *nd = to_netswap_dev(item);
	struct netswap_stats *s = &nd->stats;

	return sysfs_emit(page,
			  "reads %lld\nwrites %lld\nflushes %lld\n"
			  "read_bytes %lld\nwrite_bytes %lld\nerrors %lld\n"
			  "retries %lld\ntimeouts %lld\nrecoveries %lld\n"
			  "reconnects %lld\nreconnect_attempts %lld\n"
			  "recovery_ms %llu\ndiscards %lld\ndiscard_bytes %lld\n"
			  "integrity_errors %lld\n",
			  atomic64_read(&s->reads), atomic64_read(&s->writes),
			  atomic64_read(&s->flushes),
			  atomic64_read(&s->read_bytes),
			  atomic64_read(&s->write_bytes),
			  atomic64_read(&s->errors),
			  atomic64_read(&s->retries),
			  atomic64_read(&s->timeouts),
			  atomic64_read(&s->recoveries),
			  atomic64_read(&s->reconnects),
			  atomic64_read(&s->reconnect_attempts),
			  atomic64_read(&s->recovery_ms) +
			  netswap_recovery_ms(nd),
			  atomic64_read(&s->discards),
			  atomic64_read(&s->discard_bytes),
			  atomic64_read(&s->integrity_errors));
}

/* What the storage allows, found at enable: 0 while disabled or without. */
static ssize_t netswap_discard_max_bytes_show(struct config_item *item,
					      char *page)
{
	struct netswap_dev *nd = to_netswap_dev(item);

	return sysfs_emit(page, "%u\n",
			  nd->enabled ? READ_ONCE(nd->discard_max_bytes) : 0);
}

static ssize_t netswap_discard_granularity_show(struct config_item *item,
						char *page)
{
	struct netswap_dev *nd = to_netswap_dev(item);

	return sysfs_emit(page, "%u\n",
			  nd->enabled ? READ_ONCE(nd->discard_granularity) : 0);
}

CONFIGFS_ATTR(netswap_, transport);
CONFIGFS_ATTR(netswap_, address);
CONFIGFS_ATTR(netswap_, port);
CONFIGFS_ATTR(netswap_, target_name);
CONFIGFS_ATTR(netswap_, lun);
CONFIGFS_ATTR(netswap_, initiator_name);
CONFIGFS_ATTR(netswap_, auth_user);
CONFIGFS_ATTR_WO(netswap_, auth_secret);
CONFIGFS_ATTR(netswap_, auth_target_user);
CONFIGFS_ATTR_WO(netswap_, auth_target_secret);
CONFIGFS_ATTR(netswap_, header_digest);
CONFIGFS_ATTR(netswap_, data_digest);
CONFIGFS_ATTR(netswap_, seal);
CONFIGFS_ATTR(netswap_, export);
CONFIGFS_ATTR(netswap_, file);
CONFIGFS_ATTR(netswap_, mount_port);
CONFIGFS_ATTR(netswap_, auth_flavor);
CONFIGFS_ATTR(netswap_, auth_uid);
CONFIGFS_ATTR(netswap_, auth_gid);
CONFIGFS_ATTR(netswap_, queue_depth);
CONFIGFS_ATTR(netswap_, connections);
CONFIGFS_ATTR(netswap_, io_timeout_ms);
CONFIGFS_ATTR(netswap_, reconnect_delay_ms);
CONFIGFS_ATTR(netswap_, recovery_timeout_s);
CONFIGFS_ATTR(netswap_, enable);
CONFIGFS_ATTR_RO(netswap_, state);
CONFIGFS_ATTR_RO(netswap_, disk);
CONFIGFS_ATTR_RO(netswap_, capacity_bytes);
CONFIGFS_ATTR_RO(netswap_, reserve_kb);
CONFIGFS_ATTR_RO(netswap_, seal_kb);
CONFIGFS_ATTR_RO(netswap_, last_error);
CONFIGFS_ATTR_RO(netswap_, storage_id);
CONFIGFS_ATTR_RO(netswap_, stats);
CONFIGFS_ATTR_RO(netswap_, discard_max_bytes);
CONFIGFS_ATTR_RO(netswap_, discard_granularity);

static struct configfs_attribute *netswap_attrs[] = {
	&netswap_attr_transport,
	&netswap_attr_address,
	&netswap_attr_port,
	&netswap_attr_target_name,
	&netswap_attr_lun,
	&netswap_attr_initiator_name,
	&netswap_attr_auth_user,
	&netswap_attr_auth_secret,
	&netswap_attr_auth_target_user,
	&netswap_attr_auth_target_secret,
	&netswap_attr_header_digest,
	&netswap_attr_data_digest,
	&netswap_attr_seal,
	&netswap_attr_export,
	&netswap_attr_file,
	&netswap_attr_mount_port,
	&netswap_attr_auth_flavor,
	&netswap_attr_auth_uid,
	&netswap_attr_auth_gid,
	&netswap_attr_queue_depth,
	&netswap_attr_connections,
	&netswap_attr_io_timeout_ms,
	&netswap_attr_reconnect_delay_ms,
	&netswap_attr_recovery_timeout_s,
	&netswap_attr_enable,
	&netswap_attr_state,
	&netswap_attr_disk,
	&netswap_attr_capacity_bytes,
	&netswap_attr_reserve_kb,
	&netswap_attr_seal_kb,
	&netswap_attr_last_error,
	&netswap_attr_storage_id,
	&netswap_attr_stats,
	&netswap_attr_discard_max_bytes,
	&netswap_attr_discard_granularity,
	NULL,
};

static void netswap_item_release(struct config_item *item)
{
	netswap_dev_destroy(to_netswap_dev(item));
}

static struct configfs_item_operations netswap_item_ops = {
	.release	= netswap_item_release,
};

static const struct config_item_type netswap_item_type = {
	.ct_item_ops	= &netswap_item_ops,
	.ct_attrs	= netswap_attrs,
	.ct_owner	= THIS_MODULE,
};

static bool netswap_name_valid(const char *name)
{
	size_t len = strlen(name), i;

	if (!len || len >= NETSWAP_NAME_MAX)
		return false;
	for (i = 0; i < len; i++) {
		char c = name[i];

		if (!(c >= 'a' && c <= 'z') && !(c >= 'A' && c <= 'Z') &&
		    !(c >= '0' && c <= '9') && c != '_' && c != '.' && c != '-')
			return false;
	}
	return name[0] != '.' && name[0] != '-';
}

static struct config_item *netswap_make_item(struct config_group *group,
					     const char *name)
{
	struct netswap_dev *nd;

	if (!netswap_name_valid(name)) {
		pr_warn_ratelimited("invalid target name '%.40s': use 1-%d of [A-Za-z0-9_.-]\n",
				    name, NETSWAP_NAME_MAX - 1);
		return ERR_PTR(-EINVAL);
	}
	nd = netswap_dev_create(name);
	if (!nd)
		return ERR_PTR(-ENOMEM);
	config_item_init_type_name(&nd->item, name, &netswap_item_type);
	return &nd->item;
}

/* rmdir: an enabled target is pinned (EBUSY), so this one is disabled. */
static void netswap_drop_item(struct config_group *group,
			      struct config_item *item)
{
	netswap_nl_removed(to_netswap_dev(item));
	config_item_put(item);
}

static struct configfs_group_operations netswap_group_ops = {
	.make_item	= netswap_make_item,
	.drop_item	= netswap_drop_item,
};

static const struct config_item_type netswap_root_type = {
	.ct_group_ops	= &netswap_group_ops,
	.ct_owner	= THIS_MODULE,
};

static struct configfs_subsystem netswap_subsys = {
	.su_group = {
		.cg_item = {
			.ci_namebuf	= "netswap",
			.ci_type	= &netswap_root_type,
		},
	},
};

int netswap_configfs_init(void)
{
	config_group_init(&netswap_subsys.su_group);
	mutex_init(&netswap_subsys.su_mutex);
	return configfs_register_subsystem(&netswap_subsys);
}

void netswap_configfs_exit(void)
{
	configfs_unregister_subsystem(&netswap_subsys);
}
