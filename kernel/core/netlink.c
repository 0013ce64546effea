// SPDX-License-Identifier: GPL-2.0
/*
 * netswap generic netlink family: GET (one target by name, or a dump of
 * all) and the "events" multicast group, which carries every state change.
 * The numbers are in uapi/netswap.h; docs/netlink/netswap.yaml describes
 * the family for generic netlink tooling.
 *
 * Nothing here takes a target's configuration mutex, which enable holds
 * while it connects: a GET answers at once, whatever the target is doing.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>
#include <linux/inet.h>
#include <net/genetlink.h>
#include "netswap.h"
#include "../uapi/netswap.h"

enum netswap_nl_mcgrp {
	NETSWAP_NLGRP_EVENTS,
};

static const struct genl_multicast_group netswap_nl_mcgrps[] = {
	[NETSWAP_NLGRP_EVENTS] = { .name = NETSWAP_MCGRP_EVENTS, },
};

/* Requests carry a name at most; everything else is output only. */
static const struct nla_policy netswap_nl_policy[NETSWAP_A_MAX + 1] = {
	[NETSWAP_A_NAME] = { .type = NLA_NUL_STRING,
			     .len = NETSWAP_UAPI_NAME_MAX },
};

static struct genl_family netswap_nl_family;

static u8 netswap_nl_transport(enum netswap_transport_type t)
{
	switch (t) {
	case NETSWAP_TRANSPORT_ISCSI:
		return NETSWAP_TRANSPORT_TYPE_ISCSI;
	case NETSWAP_TRANSPORT_NFS:
		return NETSWAP_TRANSPORT_TYPE_NFS;
	default:
		return NETSWAP_TRANSPORT_TYPE_UNSET;
	}
}

/*
 * A configuration string may be rewritten through configfs while it is
 * read here: never trust its terminator, put at most @size - 1 bytes.
 */
static int netswap_nl_put_str(struct sk_buff *skb, int type, const char *s,
			      size_t size)
{
	size_t len = strnlen(s, size - 1);
	struct nlattr *nla;

	nla = nla_reserve(skb, type, len + 1);
	if (!nla)
		return -EMSGSIZE;
	memcpy(nla_data(nla), s, len);
	((char *)nla_data(nla))[len] = '\0';
	return 0;
}

static int netswap_nl_put_addr(struct sk_buff *skb,
			       const struct netswap_cfg *cfg)
{
	struct sockaddr_storage ss;
	char buf[INET6_ADDRSTRLEN + 1];
	const struct netswap_transport_ops *ops;
	u16 port = READ_ONCE(cfg->port);

	if (!READ_ONCE(cfg->addr_set))
		return 0;
	memcpy(&ss, &cfg->addr, sizeof(ss));
	if (ss.ss_family == AF_INET6)
		snprintf(buf, sizeof(buf), "%pI6c",
			 &((struct sockaddr_in6 *)&ss)->sin6_addr);
	else
		snprintf(buf, sizeof(buf), "%pI4",
			 &((struct sockaddr_in *)&ss)->sin_addr);
	if (nla_put_string(skb, NETSWAP_A_ADDRESS, buf))
		return -EMSGSIZE;
	ops = netswap_transport_ops(READ_ONCE(cfg->transport));
	if (!port && ops)
		port = ops->default_port;
	return nla_put_u16(skb, NETSWAP_A_PORT, port);
}

static int netswap_nl_put_u64(struct sk_buff *skb, int type,
			      const atomic64_t *v)
{
	return nla_put_u64_64bit(skb, type, atomic64_read(v),
				 NETSWAP_A_STATS_PAD);
}

static int netswap_nl_put_stats(struct sk_buff *skb,
				const struct netswap_dev *nd)
{
	const struct netswap_stats *s = &nd->stats;
	struct nlattr *nest;
	int inflight = atomic_read(&s->inflight);

	nest = nla_nest_start(skb, NETSWAP_A_STATS);
	if (!nest)
		return -EMSGSIZE;
	if (netswap_nl_put_u64(skb, NETSWAP_A_STATS_READS, &s->reads) ||
	    netswap_nl_put_u64(skb, NETSWAP_A_STATS_WRITES, &s->writes) ||
	    netswap_nl_put_u64(skb, NETSWAP_A_STATS_FLUSHES, &s->flushes) ||
	    netswap_nl_put_u64(skb, NETSWAP_A_STATS_READ_BYTES,
			       &s->read_bytes) ||
	    netswap_nl_put_u64(skb, NETSWAP_A_STATS_WRITE_BYTES,
			       &s->write_bytes) ||
	    nla_put_u32(skb, NETSWAP_A_STATS_INFLIGHT, max(inflight, 0)) ||
	    netswap_nl_put_u64(skb, NETSWAP_A_STATS_ERRORS, &s->errors) ||
	    netswap_nl_put_u64(skb, NETSWAP_A_STATS_RETRIES, &s->retries) ||
	    netswap_nl_put_u64(skb, NETSWAP_A_STATS_TIMEOUTS, &s->timeouts) ||
	    netswap_nl_put_u64(skb, NETSWAP_A_STATS_RECOVERIES,
			       &s->recoveries) ||
	    netswap_nl_put_u64(skb, NETSWAP_A_STATS_RECONNECTS,
			       &s->reconnects) ||
	    nla_put_u64_64bit(skb, NETSWAP_A_STATS_READ_LAT_SUM_US,
			      atomic64_read(&s->read_lat_ns) / NSEC_PER_USEC,
			      NETSWAP_A_STATS_PAD) ||
	    nla_put_u64_64bit(skb, NETSWAP_A_STATS_READ_LAT_MAX_US,
			      atomic64_read(&s->read_lat_max_ns) /
			      NSEC_PER_USEC, NETSWAP_A_STATS_PAD) ||
	    nla_put_u64_64bit(skb, NETSWAP_A_STATS_WRITE_LAT_SUM_US,
			      atomic64_read(&s->write_lat_ns) / NSEC_PER_USEC,
			      NETSWAP_A_STATS_PAD) ||
	    nla_put_u64_64bit(skb, NETSWAP_A_STATS_WRITE_LAT_MAX_US,
			      atomic64_read(&s->write_lat_max_ns) /
			      NSEC_PER_USEC, NETSWAP_A_STATS_PAD) ||
	    netswap_nl_put_u64(skb, NETSWAP_A_STATS_RECONNECT_ATTEMPTS,
			       &s->reconnect_attempts) ||
	    netswap_nl_put_u64(skb, NETSWAP_A_STATS_DISCARDS, &s->discards) ||
	    netswap_nl_put_u64(skb, NETSWAP_A_STATS_DISCARD_BYTES,
			       &s->discard_bytes) ||
	    netswap_nl_put_u64(skb, NETSWAP_A_STATS_INTEGRITY_ERRORS,
			       &s->integrity_errors) ||
	    nla_put_u64_64bit(skb, NETSWAP_A_STATS_RECOVERY_MS,
			      atomic64_read(&s->recovery_ms) +
			      netswap_recovery_ms(nd), NETSWAP_A_STATS_PAD)) {
		nla_nest_cancel(skb, nest);
		return -EMSGSIZE;
	}
	nla_nest_end(skb, nest);
	return 0;
}

static int netswap_nl_put_target(struct sk_buff *skb,
				 const struct netswap_cfg *cfg)
{
	switch (READ_ONCE(cfg->transport)) {
	case NETSWAP_TRANSPORT_ISCSI:
		if (netswap_nl_put_str(skb, NETSWAP_A_TARGET, cfg->target_name,
				       sizeof(cfg->target_name)) ||
		    nla_put_u32(skb, NETSWAP_A_LUN, READ_ONCE(cfg->lun)))
			return -EMSGSIZE;
		return 0;
	case NETSWAP_TRANSPORT_NFS:
		if (netswap_nl_put_str(skb, NETSWAP_A_EXPORT, cfg->export,
				       sizeof(cfg->export)) ||
		    netswap_nl_put_str(skb, NETSWAP_A_FILE, cfg->file,
				       sizeof(cfg->file)))
			return -EMSGSIZE;
		return 0;
	default:
		return 0;
	}
}

/* One target's configuration, state and counters as a GET reply. */
static int netswap_nl_fill(struct sk_buff *skb, struct netswap_dev *nd,
			   u32 portid, u32 seq, int flags)
{
	char err[NETSWAP_ERR_MAX], disk[DISK_NAME_LEN];
	const struct netswap_cfg *cfg = &nd->cfg;
	u64 rec_ms = netswap_recovery_ms(nd);
	enum netswap_state state;
	unsigned long irqflags;
	void *hdr;

	hdr = genlmsg_put(skb, portid, seq, &netswap_nl_family, flags,
			  NETSWAP_CMD_GET);
	if (!hdr)
		return -EMSGSIZE;

	spin_lock_irqsave(&nd->state_lock, irqflags);
	state = nd->state;
	memcpy(err, nd->last_error, sizeof(err));
	memcpy(disk, nd->disk_name, sizeof(disk));
	spin_unlock_irqrestore(&nd->state_lock, irqflags);

	if (nla_put_string(skb, NETSWAP_A_NAME, nd->name) ||
	    nla_put_u8(skb, NETSWAP_A_TRANSPORT,
		       netswap_nl_transport(READ_ONCE(cfg->transport))) ||
	    netswap_nl_put_addr(skb, cfg) ||
	    netswap_nl_put_target(skb, cfg) ||
	    nla_put_u8(skb, NETSWAP_A_ENABLED, READ_ONCE(nd->enabled)) ||
	    nla_put_u8(skb, NETSWAP_A_STATE, state) ||
	    (disk[0] && nla_put_string(skb, NETSWAP_A_DISK, disk)) ||
	    nla_put_u64_64bit(skb, NETSWAP_A_CAPACITY,
			      disk[0] ? READ_ONCE(nd->capacity) : 0,
			      NETSWAP_A_PAD) ||
	    nla_put_u32(skb, NETSWAP_A_RESERVE_KB, netswap_reserve_kb(nd)) ||
	    nla_put_u32(skb, NETSWAP_A_QUEUE_DEPTH,
			READ_ONCE(cfg->queue_depth)) ||
	    nla_put_string(skb, NETSWAP_A_LAST_ERROR, err) ||
	    nla_put_u64_64bit(skb, NETSWAP_A_RECOVERY_MS, rec_ms,
			      NETSWAP_A_PAD) ||
	    nla_put_u32(skb, NETSWAP_A_RECOVERY_ATTEMPTS,
			rec_ms ? READ_ONCE(nd->rec_attempts) : 0) ||
	    nla_put_u32(skb, NETSWAP_A_DISCARD_MAX_BYTES,
			disk[0] ? READ_ONCE(nd->discard_max_bytes) : 0) ||
	    nla_put_u32(skb, NETSWAP_A_DISCARD_GRANULARITY,
			disk[0] ? READ_ONCE(nd->discard_granularity) : 0) ||
	    nla_put_u8(skb, NETSWAP_A_SEAL,
		       READ_ONCE(cfg->seal) == NETSWAP_SEAL_AEAD ?
		       NETSWAP_SEAL_TYPE_AEAD : NETSWAP_SEAL_TYPE_NONE) ||
	    nla_put_u32(skb, NETSWAP_A_SEAL_KB, netswap_seal_kb(nd)) ||
	    netswap_nl_put_stats(skb, nd)) {
		genlmsg_cancel(skb, hdr);
		return -EMSGSIZE;
	}
	genlmsg_end(skb, hdr);
	return 0;
}

static int netswap_nl_get_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr *name = info->attrs[NETSWAP_A_NAME];
	struct netswap_dev *nd;
	struct sk_buff *msg;
	int ret = -ENOENT;

	if (!name) {
		NL_SET_ERR_MSG(info->extack,
			       "target name missing (dump for all targets)");
		return -EINVAL;
	}
	msg = nlmsg_new(NLMSG_DEFAULT_SIZE, GFP_KERNEL);
	if (!msg)
		return -ENOMEM;

	mutex_lock(&netswap_devs_lock);
	list_for_each_entry(nd, &netswap_devs, node) {
		if (nla_strcmp(name, nd->name))
			continue;
		ret = netswap_nl_fill(msg, nd, info->snd_portid, info->snd_seq,
				      0);
		break;
	}
	mutex_unlock(&netswap_devs_lock);

	if (ret == -ENOENT)
		NL_SET_ERR_MSG_ATTR(info->extack, name, "no such target");
	if (ret) {
		nlmsg_free(msg);
		return ret;
	}
	return genlmsg_reply(msg, info);
}

static int netswap_nl_get_dumpit(struct sk_buff *skb,
				 struct netlink_callback *cb)
{
	long idx = 0, start = cb->args[0];
	struct netswap_dev *nd;
	int ret = 0;

	mutex_lock(&netswap_devs_lock);
	list_for_each_entry(nd, &netswap_devs, node) {
		if (idx++ < start)
			continue;
		ret = netswap_nl_fill(skb, nd, NETLINK_CB(cb->skb).portid,
				      cb->nlh->nlmsg_seq, NLM_F_MULTI);
		if (ret) {
			idx--;
			break;
		}
	}
	mutex_unlock(&netswap_devs_lock);
	cb->args[0] = idx;
	/* A full skb ends this part of the dump; the next one resumes. */
	return ret == -EMSGSIZE && idx > start ? skb->len : ret ?: skb->len;
}

static const struct genl_ops netswap_nl_ops[] = {
	{
		.cmd	= NETSWAP_CMD_GET,
		.doit	= netswap_nl_get_doit,
		.dumpit	= netswap_nl_get_dumpit,
	},
};

static struct genl_family netswap_nl_family __ro_after_init = {
	.name		= NETSWAP_GENL_NAME,
	.version	= NETSWAP_GENL_VERSION,
	.maxattr	= NETSWAP_A_MAX,
	.policy		= netswap_nl_policy,
	.module		= THIS_MODULE,
	.ops		= netswap_nl_ops,
	.n_ops		= ARRAY_SIZE(netswap_nl_ops),
	.resv_start_op	= NETSWAP_CMD_MAX + 1,	/* strict for every command */
	.mcgrps		= netswap_nl_mcgrps,
	.n_mcgrps	= ARRAY_SIZE(netswap_nl_mcgrps),
};

/* An event: name, two states, errno and a reason of at most a line. */
static size_t netswap_nl_event_size(void)
{
	return nla_total_size(NETSWAP_NAME_MAX) +	/* NAME */
	       2 * nla_total_size(sizeof(u8)) +		/* OLD_STATE, STATE */
	       nla_total_size(sizeof(s32)) +		/* ERRNO */
	       nla_total_size(NETSWAP_ERR_MAX);		/* REASON */
}

/*
 * Best effort, from any context: no sleeping, and never the PF_MEMALLOC
 * emergency reserve that the swap I/O itself depends on (a few hundred
 * bytes from the atomic reserve at most, once per state change). A GET
 * always tells the current state if an event is lost.
 */
static void netswap_nl_event(struct netswap_dev *nd, u8 old, u8 new, int err,
			     const char *reason)
{
	const gfp_t gfp = GFP_ATOMIC | __GFP_NOWARN | __GFP_NOMEMALLOC;
	struct sk_buff *skb;
	void *hdr;

	if (!genl_has_listeners(&netswap_nl_family, &init_net,
				NETSWAP_NLGRP_EVENTS))
		return;
	skb = genlmsg_new(netswap_nl_event_size(), gfp);
	if (!skb) {
		nd_warn_rl(nd, "event %s -> %s lost: no memory\n",
			   netswap_state_name(old), netswap_state_name(new));
		return;
	}
	hdr = genlmsg_put(skb, 0, 0, &netswap_nl_family, 0, NETSWAP_CMD_EVENT);
	if (!hdr)
		goto fail;
	if (nla_put_string(skb, NETSWAP_A_NAME, nd->name) ||
	    nla_put_u8(skb, NETSWAP_A_OLD_STATE, old) ||
	    nla_put_u8(skb, NETSWAP_A_STATE, new) ||
	    nla_put_s32(skb, NETSWAP_A_ERRNO, err < 0 ? -err : err) ||
	    netswap_nl_put_str(skb, NETSWAP_A_REASON, reason ?: "",
			       NETSWAP_ERR_MAX))
		goto fail;
	genlmsg_end(skb, hdr);
	genlmsg_multicast(&netswap_nl_family, skb, 0, NETSWAP_NLGRP_EVENTS,
			  gfp);
	return;
fail:
	nlmsg_free(skb);
}

void netswap_nl_notify(struct netswap_dev *nd, enum netswap_state old,
		       enum netswap_state new, int err, const char *reason)
{
	netswap_nl_event(nd, old, new, err, reason);
}

/* The configfs directory is being removed (rmdir; the target is disabled). */
void netswap_nl_removed(struct netswap_dev *nd)
{
	netswap_nl_event(nd, netswap_get_state(nd), NETSWAP_STATE_REMOVED, 0,
			 "removed");
}

int __init netswap_nl_init(void)
{
	/* The kernel's states are the ABI's. */
	BUILD_BUG_ON((int)NETSWAP_DISABLED != (int)NETSWAP_STATE_DISABLED);
	BUILD_BUG_ON((int)NETSWAP_CONNECTING != (int)NETSWAP_STATE_CONNECTING);
	BUILD_BUG_ON((int)NETSWAP_UP != (int)NETSWAP_STATE_UP);
	BUILD_BUG_ON((int)NETSWAP_RECOVERING != (int)NETSWAP_STATE_RECOVERING);
	BUILD_BUG_ON((int)NETSWAP_FAILED != (int)NETSWAP_STATE_FAILED);
	BUILD_BUG_ON((int)NETSWAP_NR_STATES != (int)NETSWAP_STATE_REMOVED);
	BUILD_BUG_ON(NETSWAP_NAME_MAX != NETSWAP_UAPI_NAME_MAX + 1);
	return genl_register_family(&netswap_nl_family);
}

void netswap_nl_exit(void)
{
	genl_unregister_family(&netswap_nl_family);
}
