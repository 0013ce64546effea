// SPDX-License-Identifier: GPL-2.0
/*
 * netswap core: target lifecycle, the state machine and connection recovery.
 *
 * Recovery runs entirely in the kernel, on WQ_MEM_RECLAIM workers under
 * PF_MEMALLOC: quiesce the queue, drop the connection, put every started
 * request back on the requeue list, reconnect with backoff, unquiesce.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>
#include <linux/slab.h>
#include <linux/sched/mm.h>
#include <linux/inet.h>
#include "netswap.h"

struct workqueue_struct *netswap_wq;

/* Every target, for netlink; held across a dump so none is freed under it. */
LIST_HEAD(netswap_devs);
DEFINE_MUTEX(netswap_devs_lock);

static const char * const netswap_state_names[NETSWAP_NR_STATES] = {
	[NETSWAP_DISABLED]	= "disabled",
	[NETSWAP_CONNECTING]	= "connecting",
	[NETSWAP_UP]		= "up",
	[NETSWAP_RECOVERING]	= "recovering",
	[NETSWAP_FAILED]	= "failed",
};

/* Legal transitions: allowed[old] is a mask of new states. */
static const u8 netswap_transitions[NETSWAP_NR_STATES] = {
	[NETSWAP_DISABLED]	= BIT(NETSWAP_CONNECTING),
	[NETSWAP_CONNECTING]	= BIT(NETSWAP_UP) | BIT(NETSWAP_DISABLED),
	[NETSWAP_UP]		= BIT(NETSWAP_RECOVERING) | BIT(NETSWAP_DISABLED),
	[NETSWAP_RECOVERING]	= BIT(NETSWAP_UP) | BIT(NETSWAP_FAILED) |
				  BIT(NETSWAP_DISABLED),
	[NETSWAP_FAILED]	= BIT(NETSWAP_UP) | BIT(NETSWAP_DISABLED),
};

const char *netswap_state_name(enum netswap_state s)
{
	if (s >= NETSWAP_NR_STATES)
		return "unknown";
	return netswap_state_names[s];
}

enum netswap_state netswap_get_state(struct netswap_dev *nd)
{
	return READ_ONCE(nd->state);
}

/**
 * netswap_change_state_err() - move the target to @new if the table allows it
 * @nd:		target
 * @new:	wanted state
 * @err:	0 or -errno that caused the change
 * @reason:	short text for the log and the netlink event
 *
 * Safe from any context; the event is sent best effort (GFP_ATOMIC).
 *
 * Return: true if the state changed.
 */
bool netswap_change_state_err(struct netswap_dev *nd, enum netswap_state new,
			      int err, const char *reason)
{
	enum netswap_state old;
	unsigned long flags;
	bool ok;

	spin_lock_irqsave(&nd->state_lock, flags);
	old = nd->state;
	ok = netswap_transitions[old] & BIT(new);
	if (ok)
		WRITE_ONCE(nd->state, new);
	spin_unlock_irqrestore(&nd->state_lock, flags);

	if (ok) {
		if (__ratelimit(&nd->state_rs))
			pr_info("%s: %s -> %s (%s)\n", nd->name,
				netswap_state_name(old),
				netswap_state_name(new), reason);
		netswap_nl_notify(nd, old, new, err, reason);
	}
	return ok;
}

bool netswap_change_state(struct netswap_dev *nd, enum netswap_state new,
			  const char *reason)
{
	return netswap_change_state_err(nd, new, 0, reason);
}

void netswap_set_error(struct netswap_dev *nd, const char *fmt, ...)
{
	unsigned long flags;
	va_list args;

	spin_lock_irqsave(&nd->state_lock, flags);
	va_start(args, fmt);
	vsnprintf(nd->last_error, sizeof(nd->last_error), fmt, args);
	va_end(args);
	spin_unlock_irqrestore(&nd->state_lock, flags);
}

void netswap_clear_error(struct netswap_dev *nd)
{
	unsigned long flags;

	spin_lock_irqsave(&nd->state_lock, flags);
	nd->last_error[0] = '\0';
	spin_unlock_irqrestore(&nd->state_lock, flags);
}

void netswap_set_storage_id(struct netswap_dev *nd, const char *id)
{
	unsigned long flags;

	spin_lock_irqsave(&nd->state_lock, flags);
	strscpy(nd->storage_id, id, sizeof(nd->storage_id));
	spin_unlock_irqrestore(&nd->state_lock, flags);
}

/**
 * netswap_check_storage_id() - a reconnect found storage with identity @id
 * @nd:		target, recovering
 * @id:		what the target reports now ("" for nothing)
 *
 * Every page swapped out lives on the storage recorded at enable; reading
 * it from any other would hand processes another disk's data. A mismatch
 * fails the target for good: no retry can bring the old storage back.
 *
 * Return: 0 when it is the same storage, else -ENODEV (netswap_fatal done).
 */
int netswap_check_storage_id(struct netswap_dev *nd, const char *id)
{
	char was[NETSWAP_ID_MAX], msg[NETSWAP_ERR_MAX];
	unsigned long flags;

	spin_lock_irqsave(&nd->state_lock, flags);
	memcpy(was, nd->storage_id, sizeof(was));
	spin_unlock_irqrestore(&nd->state_lock, flags);
	if (!strcmp(was, id))
		return 0;
	snprintf(msg, sizeof(msg),
		 "other storage after reconnect: was %s, now %s (no I/O sent to it; disable and enable to use it)",
		 was[0] ? was : "(no identifier)", id[0] ? id : "(no identifier)");
	/* netswap_give_up() logs it, once. */
	netswap_fatal(nd, -ENODEV, msg);
	return -ENODEV;
}

/**
 * netswap_error() - a transport lost its connection or a request timed out
 * @nd:		target
 * @err:	-errno: what it amounts to (-ETIMEDOUT, -ECONNRESET, ...)
 * @reason:	what happened, for the log, last_error and the event
 *
 * Safe from any context. Starts recovery once; later calls while recovery
 * runs are ignored.
 */
void netswap_error(struct netswap_dev *nd, int err, const char *reason)
{
	enum netswap_state s;

	if (!netswap_change_state_err(nd, NETSWAP_RECOVERING, err, reason)) {
		/*
		 * A new connection failed before it was declared up: keep
		 * that in mind and start recovery again once it is.
		 */
		s = netswap_get_state(nd);
		if (s == NETSWAP_CONNECTING || s == NETSWAP_RECOVERING ||
		    s == NETSWAP_FAILED) {
			/* The replay logs this reason, not a generic one. */
			WRITE_ONCE(nd->latched_why, reason);
			/* before the bit: the replay's test_and_clear pairs */
			smp_mb__before_atomic();
			set_bit(NETSWAP_ERR_LATCHED, &nd->flags);
		}
		return;
	}
	netswap_set_error(nd, "connection lost: %s", reason);
	queue_work(nd->rec_wq, &nd->err_work);
}

/* After a state change to up: replay an error the new connection had. */
static void netswap_replay_error(struct netswap_dev *nd)
{
	if (test_and_clear_bit(NETSWAP_ERR_LATCHED, &nd->flags))
		netswap_error(nd, -ECONNRESET, READ_ONCE(nd->latched_why) ?:
			      "connection failed while logging in");
}

static void netswap_quiesce(struct netswap_dev *nd)
{
	if (!nd->quiesced) {
		blk_mq_quiesce_queue(nd->disk->queue);
		nd->quiesced = true;
	}
}

static void netswap_unquiesce(struct netswap_dev *nd)
{
	if (nd->quiesced) {
		nd->quiesced = false;
		blk_mq_unquiesce_queue(nd->disk->queue);
	}
	blk_mq_kick_requeue_list(nd->disk->queue);
}

/**
 * netswap_fatal() - the target cannot be used any more (NFS: stale handle)
 * @nd:		target
 * @err:	-errno for the event (-ESTALE, ...)
 * @reason:	what happened; becomes last_error
 *
 * Safe from any context. Recovery drops the connection, fails every
 * request and leaves the target in the failed state without reconnecting:
 * only disable and enable (which resolves everything anew) bring it back.
 */
void netswap_fatal(struct netswap_dev *nd, int err, const char *reason)
{
	netswap_set_error(nd, "%s", reason);
	WRITE_ONCE(nd->fatal_err, err);
	set_bit(NETSWAP_ERR_FATAL, &nd->flags);
	if (netswap_change_state_err(nd, NETSWAP_RECOVERING, err, reason))
		queue_work(nd->rec_wq, &nd->err_work);
	/* Already recovering: the reconnect worker sees the flag. */
}

/**
 * netswap_recovery_ms() - how long the recovery in progress has run
 * @nd:		target
 *
 * Return: milliseconds since the connection was lost, 0 when no recovery
 * runs (up, disabled, or failed for good).
 */
u64 netswap_recovery_ms(const struct netswap_dev *nd)
{
	unsigned long since = READ_ONCE(nd->recovery_since);

	return since ? jiffies_to_msecs(jiffies - since) : 0;
}

/* A recovery ended (reconnected, gave up, disabled): count its time. */
static void netswap_recovery_end(struct netswap_dev *nd)
{
	unsigned long since = xchg(&nd->recovery_since, 0);

	if (since)
		atomic64_add(jiffies_to_msecs(jiffies - since),
			     &nd->stats.recovery_ms);
}

/*
 * Recovery worker: a fatal error was raised. Fail everything started or
 * waiting, let queue_rq fail the rest, and schedule nothing.
 */
static void netswap_give_up(struct netswap_dev *nd)
{
	char reason[NETSWAP_ERR_MAX];
	unsigned long flags;

	spin_lock_irqsave(&nd->state_lock, flags);
	memcpy(reason, nd->last_error, sizeof(reason));
	spin_unlock_irqrestore(&nd->state_lock, flags);
	if (!netswap_change_state_err(nd, NETSWAP_FAILED,
				      READ_ONCE(nd->fatal_err), reason))
		return;
	netswap_recovery_end(nd);
	nd_err(nd, "giving up: %s\n", reason);
	netswap_blk_fail_all(nd);
	netswap_unquiesce(nd);
}

static void netswap_err_work(struct work_struct *work)
{
	struct netswap_dev *nd = container_of(work, struct netswap_dev,
					      err_work);
	unsigned int noreclaim = memalloc_noreclaim_save();

	atomic64_inc(&nd->stats.recoveries);
	nd->recovery_start = jiffies;
	WRITE_ONCE(nd->rec_attempts, 0);
	WRITE_ONCE(nd->recovery_since, nd->recovery_start ?: 1);
	netswap_quiesce(nd);
	nd->ops->disconnect(nd);
	if (test_bit(NETSWAP_ERR_FATAL, &nd->flags)) {
		netswap_give_up(nd);
		goto out;
	}
	netswap_blk_requeue_all(nd);
	nd->reconnect_delay = READ_ONCE(nd->cfg.reconnect_delay_ms);
	queue_delayed_work(nd->rec_wq, &nd->reconnect_work,
			   msecs_to_jiffies(nd->reconnect_delay));
out:
	memalloc_noreclaim_restore(noreclaim);
}

/*
 * netswap_setup_budget_ms() - how long one connect, login and probe may
 * take in all: twice io_timeout_ms, at least 10 s. Each blocking socket
 * call also keeps its own timeout.
 */
unsigned int netswap_setup_budget_ms(const struct netswap_dev *nd)
{
	return max_t(u32, 2 * READ_ONCE(nd->cfg.io_timeout_ms), 10000);
}

/* ops->connect within the setup deadline. */
static int netswap_connect_bounded(struct netswap_dev *nd)
{
	int ret;

	WRITE_ONCE(nd->setup_deadline,
		   jiffies + msecs_to_jiffies(netswap_setup_budget_ms(nd)) ?: 1);
	ret = nd->ops->connect(nd);
	WRITE_ONCE(nd->setup_deadline, 0);
	if (ret == -ETIME) {
		nd_warn_rl(nd, "setup did not finish within %u ms\n",
			   netswap_setup_budget_ms(nd));
		ret = -ETIMEDOUT;
	}
	return ret;
}

/* One line in the log per failed attempt (rate-limited), and the counts. */
static void netswap_reconnect_failed(struct netswap_dev *nd, int ret)
{
	char reason[NETSWAP_ERR_MAX];
	unsigned int attempt = READ_ONCE(nd->rec_attempts) + 1;
	unsigned long flags;

	WRITE_ONCE(nd->rec_attempts, attempt);
	atomic64_inc(&nd->stats.reconnect_attempts);
	spin_lock_irqsave(&nd->state_lock, flags);
	memcpy(reason, nd->last_error, sizeof(reason));
	spin_unlock_irqrestore(&nd->state_lock, flags);
	nd_warn_rl(nd, "reconnect attempt %u failed (%d): %s; next in %u ms\n",
		   attempt, ret, reason[0] ? reason : "no reason given",
		   nd->reconnect_delay);
}

static void netswap_reconnect_work(struct work_struct *work)
{
	struct netswap_dev *nd = container_of(to_delayed_work(work),
					      struct netswap_dev,
					      reconnect_work);
	unsigned int noreclaim = memalloc_noreclaim_save();
	enum netswap_state state = netswap_get_state(nd);
	u32 limit_s = READ_ONCE(nd->cfg.recovery_timeout_s);
	int ret;

	if (state != NETSWAP_RECOVERING && state != NETSWAP_FAILED)
		goto out;

	if (test_bit(NETSWAP_ERR_FATAL, &nd->flags))
		goto fatal;
	clear_bit(NETSWAP_ERR_LATCHED, &nd->flags);
	ret = netswap_connect_bounded(nd);
	if (test_bit(NETSWAP_ERR_FATAL, &nd->flags)) {
		if (!ret)
			nd->ops->disconnect(nd);
		goto fatal;
	}
	if (!ret) {
		if (!netswap_change_state(nd, NETSWAP_UP, "reconnected")) {
			nd->ops->disconnect(nd);
			goto out;
		}
		atomic64_inc(&nd->stats.reconnects);
		netswap_recovery_end(nd);
		netswap_unquiesce(nd);
		nd_info(nd, "connection re-established after %u ms, %u failed attempt%s\n",
			jiffies_to_msecs(jiffies - nd->recovery_start),
			READ_ONCE(nd->rec_attempts),
			READ_ONCE(nd->rec_attempts) == 1 ? "" : "s");
		netswap_replay_error(nd);
		goto out;
	}

	if (state == NETSWAP_RECOVERING && limit_s &&
	    time_after(jiffies, nd->recovery_start + limit_s * HZ)) {
		if (netswap_change_state_err(nd, NETSWAP_FAILED, -ETIMEDOUT,
					     "recovery timeout expired")) {
			nd_err(nd, "no connection for %u s, failing I/O\n",
			       limit_s);
			netswap_set_error(nd, "no connection for %u s (recovery_timeout_s): I/O fails until the target is back",
					  limit_s);
			/* queue_rq now fails everything that reaches it */
			netswap_unquiesce(nd);
		}
	}

	nd->reconnect_delay = min_t(unsigned int, nd->reconnect_delay * 2,
				    max_t(unsigned int,
					  READ_ONCE(nd->cfg.reconnect_delay_ms),
					  NETSWAP_RECONNECT_MAX_DELAY));
	netswap_reconnect_failed(nd, ret);
	queue_delayed_work(nd->rec_wq, &nd->reconnect_work,
			   msecs_to_jiffies(nd->reconnect_delay));
	goto out;
fatal:
	netswap_give_up(nd);
out:
	memalloc_noreclaim_restore(noreclaim);
}

const struct netswap_transport_ops *
netswap_transport_ops(enum netswap_transport_type t)
{
	switch (t) {
	case NETSWAP_TRANSPORT_ISCSI:
		return &netswap_iscsi_ops;
	case NETSWAP_TRANSPORT_NFS:
		return &netswap_nfs_ops;
	default:
		return NULL;
	}
}

/**
 * netswap_io_budget() - bytes of request payload that may be in flight
 * @nd: target
 *
 * queue_depth requests of NETSWAP_BUDGET_PER_TAG, or one of the largest
 * request any transport makes, whichever is more: request size and
 * reserve are independent, and both are known before enabling.
 */
u32 netswap_io_budget(const struct netswap_dev *nd)
{
	return max_t(u32, nd->cfg.queue_depth * NETSWAP_BUDGET_PER_TAG,
		     NETSWAP_MAX_IO_BYTES);
}

/*
 * Memory the I/O path can need from the emergency reserve with the whole
 * budget in flight: its payload once in socket buffers (sent data waiting
 * for its ACK, or received data waiting to be copied), plus per-PDU skb
 * overhead for every tag, plus a fixed amount for control traffic.
 */
u32 netswap_reserve_kb(const struct netswap_dev *nd)
{
	return netswap_io_budget(nd) / 1024 + nd->cfg.queue_depth * 4 + 256;
}

struct netswap_dev *netswap_dev_create(const char *name)
{
	struct netswap_dev *nd;

	nd = kzalloc(sizeof(*nd), GFP_KERNEL);
	if (!nd)
		return NULL;
	strscpy(nd->name, name, sizeof(nd->name));
	mutex_init(&nd->lock);
	spin_lock_init(&nd->state_lock);
	/*
	 * A recovery is three lines (up, connecting, up again): ten
	 * recoveries in 5 s are logged whole, a flapping target's are cut.
	 */
	ratelimit_state_init(&nd->state_rs, 5 * HZ, 30);
	spin_lock_init(&nd->io_lock);
	nd->state = NETSWAP_DISABLED;
	nd->index = -1;
	nd->cfg.queue_depth = NETSWAP_QD_DEFAULT;
	nd->cfg.io_timeout_ms = NETSWAP_IO_TIMEOUT_DEFAULT;
	nd->cfg.reconnect_delay_ms = NETSWAP_RECONNECT_DEFAULT;
	INIT_WORK(&nd->err_work, netswap_err_work);
	INIT_DELAYED_WORK(&nd->reconnect_work, netswap_reconnect_work);
	mutex_lock(&netswap_devs_lock);
	list_add_tail(&nd->node, &netswap_devs);
	mutex_unlock(&netswap_devs_lock);
	return nd;
}

void netswap_dev_destroy(struct netswap_dev *nd)
{
	mutex_lock(&netswap_devs_lock);
	list_del(&nd->node);
	mutex_unlock(&netswap_devs_lock);
	memzero_explicit(nd->cfg.auth_secret, sizeof(nd->cfg.auth_secret));
	memzero_explicit(nd->cfg.auth_target_secret,
			 sizeof(nd->cfg.auth_target_secret));
	kfree(nd);
}

static void netswap_set_port(struct netswap_dev *nd)
{
	u16 port = nd->cfg.port ? nd->cfg.port : nd->ops->default_port;

	if (nd->cfg.addr.ss_family == AF_INET6)
		((struct sockaddr_in6 *)&nd->cfg.addr)->sin6_port = htons(port);
	else
		((struct sockaddr_in *)&nd->cfg.addr)->sin_port = htons(port);
}

/* Back to disabled; the event carries why, as last_error says it. */
static void netswap_enable_failed(struct netswap_dev *nd, int err)
{
	char reason[NETSWAP_ERR_MAX];
	unsigned long flags;

	spin_lock_irqsave(&nd->state_lock, flags);
	memcpy(reason, nd->last_error, sizeof(reason));
	spin_unlock_irqrestore(&nd->state_lock, flags);
	netswap_change_state_err(nd, NETSWAP_DISABLED, err,
				 reason[0] ? reason : "enable failed");
}

/**
 * netswap_enable() - connect, log in and add the disk
 * @nd: target, nd->lock held
 *
 * Return: 0, or -errno with last_error saying why. On failure nothing is
 * left behind and enable can be retried.
 */
int netswap_enable(struct netswap_dev *nd)
{
	const struct netswap_transport_ops *ops;
	int ret;

	lockdep_assert_held(&nd->lock);
	if (nd->enabled)
		return 0;

	ops = netswap_transport_ops(nd->cfg.transport);
	if (!ops) {
		netswap_set_error(nd, "transport is not set (iscsi or nfs)");
		return -EINVAL;
	}
	if (!nd->cfg.addr_set) {
		netswap_set_error(nd, "address is not set");
		return -EINVAL;
	}
	nd->ops = ops;
	ret = ops->validate(nd);
	if (ret)
		return ret;
	netswap_set_port(nd);

	netswap_clear_error(nd);
	nd->rec_wq = alloc_ordered_workqueue("netswap-rec-%s",
					     WQ_MEM_RECLAIM | WQ_HIGHPRI,
					     nd->name);
	if (!nd->rec_wq) {
		netswap_set_error(nd, "out of memory allocating the transport");
		return -ENOMEM;
	}
	ret = ops->alloc(nd);
	if (ret) {
		if (!nd->last_error[0])
			netswap_set_error(nd, "out of memory allocating the transport");
		goto out_wq;
	}
	if (!netswap_change_state(nd, NETSWAP_CONNECTING, "enabled")) {
		ret = -EBUSY;
		goto out_free;
	}
	netswap_clear_error(nd);
	memset(&nd->stats, 0, sizeof(nd->stats));
	/*
	 * Every enable starts clean: a fatal error of the previous enable
	 * (a stale NFS handle, other storage) must not make this one give
	 * up at its first ordinary connection loss.
	 */
	clear_bit(NETSWAP_ERR_LATCHED, &nd->flags);
	clear_bit(NETSWAP_ERR_FATAL, &nd->flags);
	WRITE_ONCE(nd->fatal_err, 0);
	netswap_set_storage_id(nd, "");
	/* Only a transport that finds the storage can unmap sets these. */
	nd->discard_max_bytes = 0;
	nd->discard_granularity = 0;
	nd->discard_alignment = 0;

	ret = netswap_seal_alloc(nd);
	if (ret)
		goto out_state;
	ret = netswap_connect_bounded(nd);
	if (ret)
		goto out_seal_keys;

	ret = netswap_seal_size(nd);
	if (ret)
		goto out_disconnect;
	ret = netswap_blk_add(nd);
	if (ret) {
		netswap_set_error(nd, "cannot add the block device (%d)", ret);
		goto out_disconnect;
	}
	if (!netswap_change_state(nd, NETSWAP_UP, "logged in")) {
		ret = -EIO;
		goto out_blk;
	}
	nd->enabled = true;
	netswap_replay_error(nd);
	nd_info(nd, "%s is up: %llu bytes, %u-byte blocks, queue depth %u%s\n",
		nd->disk->disk_name, nd->capacity, nd->block_size,
		nd->cfg.queue_depth,
		nd->seal ? ", sealed (AES-256-GCM)" : "");
	return 0;

out_blk:
	netswap_blk_remove(nd);
out_disconnect:
	ops->logout(nd);
	ops->disconnect(nd);
out_seal_keys:
	netswap_seal_free(nd);
out_state:
	netswap_enable_failed(nd, ret);
out_free:
	ops->free(nd);
out_wq:
	destroy_workqueue(nd->rec_wq);
	nd->rec_wq = NULL;
	return ret;
}

/**
 * netswap_disable() - log out, remove the disk, free the transport
 * @nd: target, nd->lock held
 *
 * Return: 0, or -EBUSY while the disk is open (swapon, mounted, ...).
 */
int netswap_disable(struct netswap_dev *nd)
{
	enum netswap_state prev;

	lockdep_assert_held(&nd->lock);
	if (!nd->enabled)
		return 0;
	if (netswap_blk_busy(nd)) {
		netswap_set_error(nd, "%s is in use (swapoff first)",
				  nd->disk->disk_name);
		return -EBUSY;
	}

	prev = netswap_get_state(nd);
	netswap_change_state(nd, NETSWAP_DISABLED, "disabled");
	cancel_work_sync(&nd->err_work);
	cancel_delayed_work_sync(&nd->reconnect_work);
	netswap_recovery_end(nd);
	/* Wait out queue_rq calls in progress before failing requests. */
	netswap_quiesce(nd);
	if (prev == NETSWAP_UP)
		nd->ops->logout(nd);
	nd->ops->disconnect(nd);
	netswap_blk_remove(nd);
	/* The key goes with the disk: what was swapped is unreadable now. */
	netswap_seal_free(nd);
	nd->ops->free(nd);
	destroy_workqueue(nd->rec_wq);
	nd->rec_wq = NULL;
	nd->enabled = false;
	return 0;
}

static int __init netswap_init(void)
{
	int ret;

	netswap_wq = alloc_workqueue("netswap", WQ_MEM_RECLAIM | WQ_HIGHPRI |
				     WQ_UNBOUND, 0);
	if (!netswap_wq)
		return -ENOMEM;
	ret = netswap_blk_init();
	if (ret)
		goto out_wq;
	ret = netswap_nl_init();
	if (ret)
		goto out_blk;
	ret = netswap_configfs_init();
	if (ret)
		goto out_nl;
	pr_info("loaded\n");
	return 0;

out_nl:
	netswap_nl_exit();
out_blk:
	netswap_blk_exit();
out_wq:
	destroy_workqueue(netswap_wq);
	return ret;
}

static void __exit netswap_exit(void)
{
	netswap_configfs_exit();
	netswap_nl_exit();
	netswap_blk_exit();
	destroy_workqueue(netswap_wq);
	pr_info("unloaded\n");
}

module_init(netswap_init);
module_exit(netswap_exit);
MODULE_LICENSE("GPL");
/* seal=aead: the crypto API asks for gcm(aes) by name at enable. */
MODULE_SOFTDEP("pre: gcm");
MODULE_DESCRIPTION("Deadlock-free swap over iSCSI and NFS");
MODULE_AUTHOR("netswap developers");
#ifndef NETSWAP_VERSION
#error "NETSWAP_VERSION is not set: build with the Kbuild file (it reads VERSION)"
#endif
MODULE_VERSION(NETSWAP_VERSION);
