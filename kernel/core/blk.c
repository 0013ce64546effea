// SPDX-License-Identifier: GPL-2.0
/*
 * netswap core: the blk-mq swap disk.
 *
 * queue_rq never sleeps and never allocates: the request and its transport
 * state (the PDU, cmd_size bytes) were preallocated with the tag set, and
 * the queue depth bounds what can be in flight.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>
#include <linux/idr.h>
#include "netswap.h"
#include "../compat.h"

static int netswap_major;
static DEFINE_IDA(netswap_index_ida);

static const struct block_device_operations netswap_fops = {
	.owner	= THIS_MODULE,
};

/*
 * The bytes @rq moves over the network: a discard carries only its
 * range, however large (the transport's few bytes of parameters live in
 * its PDU).
 */
static u32 netswap_rq_payload(struct request *rq)
{
	return req_op(rq) == REQ_OP_DISCARD ? 0 : blk_rq_bytes(rq);
}

static void netswap_commit_rqs(struct blk_mq_hw_ctx *hctx)
{
	struct netswap_dev *nd = hctx->queue->queuedata;

	if (nd->ops->commit_rqs)
		nd->ops->commit_rqs(nd);
}

/*
 * Take @rq's payload from the in-flight budget (a discard: one of the
 * NETSWAP_MAX_DISCARDS). A request that does not fit while others are in
 * flight stops its hardware queue; the release that frees budget starts
 * every stopped queue again (the stop is seen under io_lock, so no
 * release can miss it). Alone, any request fits.
 */
static bool netswap_io_get(struct netswap_dev *nd, struct blk_mq_hw_ctx *hctx,
			   struct request *rq)
{
	bool discard = req_op(rq) == REQ_OP_DISCARD;
	u32 bytes = netswap_rq_payload(rq);
	bool ok;

	spin_lock_bh(&nd->io_lock);
	if (discard)
		ok = nd->io_discards < NETSWAP_MAX_DISCARDS;
	else
		ok = !nd->io_bytes || nd->io_bytes + bytes <= nd->io_budget;
	if (ok) {
		nd->io_bytes += bytes;
		nd->io_discards += discard;
	} else {
		blk_mq_stop_hw_queue(hctx);
		nd->io_stopped = true;
	}
	spin_unlock_bh(&nd->io_lock);
	if (!ok) {
		/*
		 * Another CPU's batch may have requests queued without a
		 * kick whose last one blk-mq now puts on the stopped queue
		 * without calling queue_rq or commit_rqs: kick for them.
		 * Pairs with the barrier in netswap_queue_rq().
		 */
		smp_mb();
		netswap_commit_rqs(hctx);
	}
	return ok;
}

/*
 * @rq, started by netswap_queue_rq, is no longer in flight: completed, or
 * given back to blk-mq.
 */
static void netswap_rq_release(struct netswap_dev *nd, struct request *rq)
{
	bool start;

	atomic_dec(&nd->stats.inflight);
	spin_lock_bh(&nd->io_lock);
	nd->io_bytes -= netswap_rq_payload(rq);
	nd->io_discards -= req_op(rq) == REQ_OP_DISCARD;
	start = nd->io_stopped;
	nd->io_stopped = false;
	spin_unlock_bh(&nd->io_lock);
	if (start)
		blk_mq_start_stopped_hw_queues(rq->q, true);
}

static blk_status_t __netswap_queue_rq(struct blk_mq_hw_ctx *hctx,
				       const struct blk_mq_queue_data *bd)
{
	struct netswap_dev *nd = hctx->queue->queuedata;
	struct request *rq = bd->rq;
	blk_status_t ret;

	switch (netswap_get_state(nd)) {
	case NETSWAP_UP:
		break;
	case NETSWAP_CONNECTING:
	case NETSWAP_RECOVERING:
		/* The queue is being quiesced; it reruns after recovery. */
		return BLK_STS_RESOURCE;
	default:
		atomic64_inc(&nd->stats.errors);
		return BLK_STS_IOERR;
	}

	switch (req_op(rq)) {
	case REQ_OP_READ:
	case REQ_OP_WRITE:
	case REQ_OP_FLUSH:
		break;
	case REQ_OP_DISCARD:
		/* Only a disk that advertised discard gets one. */
		if (nd->discard_max_bytes)
			break;
		fallthrough;
	default:
		return BLK_STS_NOTSUPP;
	}

	/*
	 * BLK_STS_RESOURCE, not DEV_RESOURCE: the release that starts this
	 * queue can come before blk-mq has put @rq back on the queue's
	 * dispatch list, and then finds nothing to run. blk-mq reruns a
	 * queue in that state when a request of the same queue completes
	 * (SCHED_RESTART), but the budget is shared by both queues: the
	 * requests in flight can all be writes while the read queue waits
	 * with none of its own. RESOURCE makes blk-mq run it again after a
	 * short delay, once @rq is back on the list (a run of a queue
	 * still stopped does nothing).
	 */
	if (!netswap_io_get(nd, hctx, rq))
		return BLK_STS_RESOURCE;
	/*
	 * A requeued request must come back as it left: an NFS request
	 * keeps its XID and its stage (a COMMIT still to send), an iSCSI
	 * one its place in the retry count. Without DONTPREP, blk-mq puts
	 * it back through the scheduler (or the software queue with none),
	 * where new bios merge into it, and a COMMIT of the grown range
	 * would complete pages that were never written.
	 */
	rq->rq_flags |= RQF_DONTPREP;
	/* Counted before: a transport may complete @rq before it returns. */
	atomic_inc(&nd->stats.inflight);
	/* Sealed the first time it gets here; kept until it completes. */
	if (unlikely(nd->seal) && req_op(rq) == REQ_OP_WRITE) {
		ret = netswap_seal_write(nd, rq);
		if (ret != BLK_STS_OK) {
			atomic64_add(ret != BLK_STS_RESOURCE, &nd->stats.errors);
			netswap_rq_release(nd, rq);
			return ret;
		}
	}
	ret = nd->ops->queue_rq(nd, rq, bd->last);
	if (ret != BLK_STS_OK) {
		netswap_rq_release(nd, rq);
	} else if (!bd->last) {
		/*
		 * The kick waits for the batch's last request, but blk-mq
		 * inserts that one without a call when the queue is stopped
		 * meanwhile: then no commit_rqs comes either. Pairs with the
		 * barrier in netswap_io_get().
		 */
		smp_mb();
		if (test_bit(BLK_MQ_S_STOPPED, &hctx->state))
			netswap_commit_rqs(hctx);
	}
	return ret;
}

static blk_status_t netswap_queue_rq(struct blk_mq_hw_ctx *hctx,
				     const struct blk_mq_queue_data *bd)
{
	blk_status_t ret = __netswap_queue_rq(hctx, bd);

	/* blk-mq ends @rq with this error: its ciphertext goes. */
	if (ret != BLK_STS_OK && ret != BLK_STS_RESOURCE &&
	    ret != BLK_STS_DEV_RESOURCE)
		netswap_seal_release(hctx->queue->queuedata, bd->rq);
	return ret;
}

static enum blk_eh_timer_return netswap_timeout(struct request *rq)
{
	struct netswap_dev *nd = rq->q->queuedata;

	atomic64_inc(&nd->stats.timeouts);
	if (netswap_get_state(nd) == NETSWAP_UP) {
		nd_warn_rl(nd, "request tag %d timed out after %u ms\n",
			   rq->tag, nd->cfg.io_timeout_ms);
		netswap_error(nd, -ETIMEDOUT, "I/O timeout");
	}
	/* Recovery requeues or fails it. */
	return BLK_EH_RESET_TIMER;
}

static int netswap_init_request(struct blk_mq_tag_set *set, struct request *rq,
				unsigned int hctx_idx, unsigned int numa_node)
{
	struct netswap_dev *nd = set->driver_data;

	netswap_seal_init_request(nd, rq);
	return nd->ops->init_request ? nd->ops->init_request(nd, rq) : 0;
}

/*
 * With reads on a connection of their own, they have a hardware queue of
 * their own too (HCTX_TYPE_READ): a write that waits for budget stops
 * only the queue of writes and flushes, and page-ins keep flowing. The
 * two queues share one tag space, so a tag names one request whichever
 * queue it came through.
 */
static void netswap_map_queues(struct blk_mq_tag_set *set)
{
	unsigned int i;

	for (i = 0; i < set->nr_maps; i++) {
		set->map[i].nr_queues = 1;
		set->map[i].queue_offset = i;
		blk_mq_map_queues(&set->map[i]);
	}
}

static const struct blk_mq_ops netswap_mq_ops = {
	.queue_rq	= netswap_queue_rq,
	.commit_rqs	= netswap_commit_rqs,
	.map_queues	= netswap_map_queues,
	.timeout	= netswap_timeout,
	.init_request	= netswap_init_request,
};

/*
 * Latency as the task saw it: from the block layer's allocation of the
 * request (stamped while I/O accounting or a scheduler is on, the default)
 * to its completion, including time spent requeued during recovery.
 */
static void netswap_account_lat(struct request *rq, atomic64_t *sum,
				atomic64_t *max)
{
	u64 start = rq->start_time_ns, now, lat, old;

	if (!start)
		return;
	now = ktime_get_ns();
	lat = now > start ? now - start : 0;
	atomic64_add(lat, sum);
	old = atomic64_read(max);
	while (lat > old) {
		u64 cur = atomic64_cmpxchg(max, old, lat);

		if (cur == old)
			break;
		old = cur;
	}
}

/**
 * netswap_requeue_rq() - give a started request back to blk-mq for later
 * @nd:		target
 * @rq:		request, started, no longer known to the transport
 * @delay_ms:	when to run the requeue list
 */
void netswap_requeue_rq(struct netswap_dev *nd, struct request *rq,
			unsigned long delay_ms)
{
	atomic64_inc(&nd->stats.retries);
	netswap_rq_release(nd, rq);
	blk_mq_requeue_request(rq, false);
	blk_mq_delay_kick_requeue_list(rq->q, delay_ms);
}

/**
 * netswap_complete_rq() - account and end a request
 * @nd:		target
 * @rq:		request, started
 * @status:	result
 */
void netswap_complete_rq(struct netswap_dev *nd, struct request *rq,
			 blk_status_t status)
{
	unsigned int bytes = blk_rq_bytes(rq);

	if (unlikely(nd->seal) && req_op(rq) == REQ_OP_READ) {
		status = netswap_seal_read(nd, rq, status);
		if (status == BLK_STS_AGAIN) {
			/* Read it again, as a new command or call. */
			if (nd->ops->end_request)
				nd->ops->end_request(nd, rq);
			netswap_requeue_rq(nd, rq, 0);
			return;
		}
	}
	netswap_rq_release(nd, rq);
	netswap_seal_release(nd, rq);
	if (status) {
		atomic64_inc(&nd->stats.errors);
	} else if (req_op(rq) == REQ_OP_READ) {
		atomic64_inc(&nd->stats.reads);
		atomic64_add(bytes, &nd->stats.read_bytes);
		netswap_account_lat(rq, &nd->stats.read_lat_ns,
				    &nd->stats.read_lat_max_ns);
	} else if (req_op(rq) == REQ_OP_WRITE) {
		atomic64_inc(&nd->stats.writes);
		atomic64_add(bytes, &nd->stats.write_bytes);
		netswap_account_lat(rq, &nd->stats.write_lat_ns,
				    &nd->stats.write_lat_max_ns);
	} else if (req_op(rq) == REQ_OP_DISCARD) {
		if (unlikely(nd->seal))
			netswap_seal_discarded(nd, rq);
		atomic64_inc(&nd->stats.discards);
		atomic64_add(bytes, &nd->stats.discard_bytes);
	} else {
		atomic64_inc(&nd->stats.flushes);
	}
	if (nd->ops->end_request)
		nd->ops->end_request(nd, rq);
	/* Sealed blocks that failed fail their own pages, not all. */
	if (unlikely(nd->seal) && req_op(rq) == REQ_OP_READ && status &&
	    netswap_seal_end_bios(nd, rq))
		return;
	blk_mq_end_request(rq, status);
}

/**
 * __netswap_rq_pos_at() - the segment of a request's pages holding @off
 * @pos:	where the last call left off (reset: the start)
 * @rq:		request with data
 * @off:	byte offset in the request
 * @out:	that segment, trimmed to start at @off
 *
 * Walking forward costs one step per segment in all; @off behind @pos
 * starts over from the first bio.
 *
 * Return: false if @off is past the request's data.
 */
bool __netswap_rq_pos_at(struct netswap_rq_pos *pos, struct request *rq,
			 u32 off, struct bio_vec *out)
{
	struct bio_vec bv;

	if (pos->rq != rq || off < pos->off) {
		pos->rq = rq;
		pos->bio = rq->bio;
		pos->off = 0;
		if (pos->bio)
			pos->iter = pos->bio->bi_iter;
	}
	while (pos->bio) {
		if (!pos->iter.bi_size) {
			pos->bio = pos->bio->bi_next;
			if (pos->bio)
				pos->iter = pos->bio->bi_iter;
			continue;
		}
		bv = bio_iter_iovec(pos->bio, pos->iter);
		if (off - pos->off < bv.bv_len) {
			u32 skip = off - pos->off;

			out->bv_page = bv.bv_page;
			out->bv_offset = bv.bv_offset + skip;
			out->bv_len = bv.bv_len - skip;
			return true;
		}
		bio_advance_iter_single(pos->bio, &pos->iter, bv.bv_len);
		pos->off += bv.bv_len;
	}
	return false;
}

/**
 * netswap_rq_pos_at() - where byte @off of a request's data is
 * @pos:	where the last call left off (reset: the start)
 * @rq:		request with data
 * @off:	byte offset in the request
 * @out:	that piece of memory, from @off
 *
 * What a transport sends or receives: the request's pages, or for a
 * sealed write the bounce pages holding its ciphertext.
 *
 * Return: false if @off is past the request's data.
 */
bool netswap_rq_pos_at(struct netswap_rq_pos *pos, struct request *rq,
		       u32 off, struct bio_vec *out)
{
	struct netswap_dev *nd = rq->q->queuedata;

	if (unlikely(nd->seal) && netswap_seal_bounce(nd, rq, off, out))
		return out->bv_len;
	return __netswap_rq_pos_at(pos, rq, off, out);
}

static bool netswap_requeue_one(struct request *rq, void *data)
{
	struct netswap_dev *nd = data;

	atomic64_inc(&nd->stats.retries);
	netswap_rq_release(nd, rq);
	blk_mq_requeue_request(rq, false);
	return true;
}

/* Put every started request back on the requeue list (queue quiesced). */
void netswap_blk_requeue_all(struct netswap_dev *nd)
{
	blk_mq_tagset_busy_iter(&nd->tag_set, netswap_requeue_one, nd);
}

static bool netswap_fail_one(struct request *rq, void *data)
{
	struct netswap_dev *nd = data;

	netswap_complete_rq(nd, rq, BLK_STS_IOERR);
	return true;
}

void netswap_blk_fail_all(struct netswap_dev *nd)
{
	blk_mq_tagset_busy_iter(&nd->tag_set, netswap_fail_one, nd);
}

bool netswap_blk_busy(struct netswap_dev *nd)
{
	return nd->disk && disk_openers(nd->disk) > 0;
}

/* The disk's name for netlink, which must not look at nd->disk. */
static void netswap_publish_disk(struct netswap_dev *nd, const char *name)
{
	unsigned long flags;

	spin_lock_irqsave(&nd->state_lock, flags);
	strscpy(nd->disk_name, name, sizeof(nd->disk_name));
	spin_unlock_irqrestore(&nd->state_lock, flags);
}

/*
 * /sys/block/netswapN/netswap/name: the target's configfs name, for udev's
 * /dev/netswap/<name> link and for swapctl to find its target's disk. It
 * is created before the disk's "add" uevent, and the name never changes.
 */
static ssize_t name_show(struct device *dev, struct device_attribute *attr,
			 char *buf)
{
	struct netswap_dev *nd = dev_to_disk(dev)->private_data;

	return sysfs_emit(buf, "%s\n", nd->name);
}
static DEVICE_ATTR_RO(name);

static struct attribute *netswap_disk_attrs[] = {
	&dev_attr_name.attr,
	NULL,
};

static const struct attribute_group netswap_disk_group = {
	.name	= "netswap",
	.attrs	= netswap_disk_attrs,
};

static const struct attribute_group *netswap_disk_groups[] = {
	&netswap_disk_group,
	NULL,
};

/**
 * netswap_blk_add() - allocate the tag set and add /dev/netswapN
 * @nd: target whose transport reported capacity and block size
 */
int netswap_blk_add(struct netswap_dev *nd)
{
	/* Sealed, the disk's blocks are those the seal works in. */
	u32 lbs = nd->seal ? max(nd->block_size, NETSWAP_SEAL_BLOCK) :
		  nd->block_size;
	struct ns_disk_limits lim = {
		.logical_block_size	= lbs,
		.physical_block_size	= max_t(u32, lbs, 4096),
		.max_hw_sectors		= nd->max_io_bytes >> SECTOR_SHIFT,
		.max_segments		= nd->max_io_bytes / PAGE_SIZE + 1,
		.max_segment_size	= UINT_MAX,
		.stable_writes		= nd->cfg.data_digest,
		.write_cache		= true,
		.max_discard_sectors	= nd->discard_max_bytes >> SECTOR_SHIFT,
		.discard_granularity	= nd->discard_granularity,
		.discard_alignment	= nd->discard_alignment,
	};
	struct blk_mq_tag_set *set = &nd->tag_set;
	struct gendisk *disk;
	int ret;

	ret = ida_alloc(&netswap_index_ida, GFP_KERNEL);
	if (ret < 0)
		return ret;
	nd->index = ret;

	memset(set, 0, sizeof(*set));
	set->ops = &netswap_mq_ops;
	set->nr_maps = nd->cfg.connections == 1 ? 1 : 2;
	set->nr_hw_queues = set->nr_maps;
	set->queue_depth = nd->cfg.queue_depth;
	set->numa_node = NUMA_NO_NODE;
	set->cmd_size = nd->ops->cmd_size +
			netswap_seal_pdu_size(nd, nd->ops->cmd_size);
	set->flags = BLK_MQ_F_SHOULD_MERGE | BLK_MQ_F_TAG_HCTX_SHARED;
	set->driver_data = nd;
	set->timeout = msecs_to_jiffies(nd->cfg.io_timeout_ms);
	nd->io_bytes = 0;
	nd->io_budget = netswap_io_budget(nd);
	nd->io_discards = 0;
	nd->io_stopped = false;
	ret = blk_mq_alloc_tag_set(set);
	if (ret)
		goto out_ida;

	disk = ns_alloc_disk(set, &lim, nd);
	if (IS_ERR(disk)) {
		ret = PTR_ERR(disk);
		goto out_tags;
	}
	disk->major = netswap_major;
	disk->first_minor = nd->index;
	disk->minors = 1;
	disk->flags |= GENHD_FL_NO_PART;
	disk->fops = &netswap_fops;
	disk->private_data = nd;
	snprintf(disk->disk_name, DISK_NAME_LEN, "netswap%d", nd->index);
	set_capacity(disk, round_down(nd->capacity, lbs) >> SECTOR_SHIFT);
	nd->disk = disk;
	nd->quiesced = false;

	ret = device_add_disk(NULL, disk, netswap_disk_groups);
	if (ret)
		goto out_disk;
	netswap_publish_disk(nd, disk->disk_name);
	return 0;

out_disk:
	nd->disk = NULL;
	put_disk(disk);
out_tags:
	blk_mq_free_tag_set(set);
out_ida:
	ida_free(&netswap_index_ida, nd->index);
	nd->index = -1;
	return ret;
}

/*
 * Remove the disk. The state is DISABLED and the transport disconnected:
 * fail whatever is still started, let requeued requests drain through
 * queue_rq (which fails them), then delete.
 */
void netswap_blk_remove(struct netswap_dev *nd)
{
	struct gendisk *disk = nd->disk;

	if (!disk)
		return;
	netswap_publish_disk(nd, "");
	netswap_blk_fail_all(nd);
	if (nd->quiesced) {
		nd->quiesced = false;
		blk_mq_unquiesce_queue(disk->queue);
	}
	blk_mq_kick_requeue_list(disk->queue);
	del_gendisk(disk);
	put_disk(disk);
	blk_mq_free_tag_set(&nd->tag_set);
	ida_free(&netswap_index_ida, nd->index);
	nd->index = -1;
	nd->disk = NULL;
}

int netswap_blk_init(void)
{
	netswap_major = register_blkdev(0, "netswap");
	return netswap_major < 0 ? netswap_major : 0;
}

void netswap_blk_exit(void)
{
	unregister_blkdev(netswap_major, "netswap");
	ida_destroy(&netswap_index_ida);
}
