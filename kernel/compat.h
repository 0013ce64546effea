/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Differences between the kernels netswap supports (Debian 12's 6.1 and
 * 6.12 LTS). Everything version-dependent lives here.
 */
#ifndef NETSWAP_COMPAT_H
#define NETSWAP_COMPAT_H

#include <linux/version.h>
#include <linux/blkdev.h>
#include <linux/blk-mq.h>
#include <net/sock.h>

/* sk_use_task_frag: 6.2, backported to Debian's 6.1 (Kbuild probes it). */
static inline void ns_sk_no_task_frag(struct sock *sk)
{
#ifdef NS_HAVE_SK_USE_TASK_FRAG
	sk->sk_use_task_frag = false;
#endif
}

/*
 * Send a page by reference. 6.5 turned sendpage into
 * sendmsg(MSG_SPLICE_PAGES); before that, kernel_sendpage. Pages that
 * cannot be referenced (slab) are copied.
 */
static inline int ns_sendpage(struct socket *sock, struct bio_vec *bv,
			      int flags)
{
	struct msghdr msg = { .msg_flags = flags };

#if LINUX_VERSION_CODE < KERNEL_VERSION(6, 5, 0)
	if (sendpage_ok(bv->bv_page))
		return kernel_sendpage(sock, bv->bv_page, bv->bv_offset,
				       bv->bv_len, flags & MSG_MORE ?
				       flags | MSG_SENDPAGE_NOTLAST : flags);
#else
	if (sendpage_ok(bv->bv_page))
		msg.msg_flags |= MSG_SPLICE_PAGES;
#endif
	iov_iter_bvec(&msg.msg_iter, ITER_SOURCE, bv, 1, bv->bv_len);
	return sock_sendmsg(sock, &msg);
}

struct ns_disk_limits {
	unsigned int	logical_block_size;
	unsigned int	physical_block_size;
	unsigned int	max_hw_sectors;
	unsigned short	max_segments;
	unsigned int	max_segment_size;
	bool		stable_writes;
	bool		write_cache;
	/* 0: no discard */
	unsigned int	max_discard_sectors;
	unsigned int	discard_granularity;	/* bytes */
	unsigned int	discard_alignment;	/* bytes */
};

/* 6.9 (and 6.11 for features) moved queue settings into queue_limits. */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 11, 0)
static inline struct gendisk *ns_alloc_disk(struct blk_mq_tag_set *set,
					    const struct ns_disk_limits *l,
					    void *queuedata)
{
	struct queue_limits lim = {
		.logical_block_size	= l->logical_block_size,
		.physical_block_size	= l->physical_block_size,
		.io_min			= l->physical_block_size,
		.max_hw_sectors		= l->max_hw_sectors,
		.max_segments		= l->max_segments,
		.max_segment_size	= l->max_segment_size,
		.max_hw_discard_sectors	= l->max_discard_sectors,
		.max_discard_segments	= 1,
		.discard_granularity	= l->discard_granularity,
		.discard_alignment	= l->discard_alignment,
	};

	if (l->stable_writes)
		lim.features |= BLK_FEAT_STABLE_WRITES;
	if (l->write_cache)
		lim.features |= BLK_FEAT_WRITE_CACHE;
	return blk_mq_alloc_disk(set, &lim, queuedata);
}
#else
static inline struct gendisk *ns_alloc_disk(struct blk_mq_tag_set *set,
					    const struct ns_disk_limits *l,
					    void *queuedata)
{
	struct gendisk *disk = blk_mq_alloc_disk(set, queuedata);
	struct request_queue *q;

	if (IS_ERR(disk))
		return disk;
	q = disk->queue;
	blk_queue_logical_block_size(q, l->logical_block_size);
	blk_queue_physical_block_size(q, l->physical_block_size);
	blk_queue_io_min(q, l->physical_block_size);
	blk_queue_max_hw_sectors(q, l->max_hw_sectors);
	blk_queue_max_segments(q, l->max_segments);
	blk_queue_max_segment_size(q, l->max_segment_size);
	if (l->stable_writes)
		blk_queue_flag_set(QUEUE_FLAG_STABLE_WRITES, q);
	blk_queue_write_cache(q, l->write_cache, false);
	/*
	 * Not rotational, as 6.11+ has it by default: swap then allocates
	 * in clusters, and only a freed cluster is discarded (swapon
	 * --discard=pages).
	 */
	blk_queue_flag_set(QUEUE_FLAG_NONROT, q);
	if (l->max_discard_sectors) {
		blk_queue_max_discard_sectors(q, l->max_discard_sectors);
		blk_queue_max_discard_segments(q, 1);
		q->limits.discard_granularity = l->discard_granularity;
		q->limits.discard_alignment = l->discard_alignment;
	}
	return disk;
}
#endif

#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 5, 0)
#define NS_BDEV_OPEN_ARGS	struct gendisk *disk, blk_mode_t mode
#define NS_BDEV_RELEASE_ARGS	struct gendisk *disk
#define NS_BDEV_OPEN_DISK	(disk)
#else
#define NS_BDEV_OPEN_ARGS	struct block_device *bdev, fmode_t mode
#define NS_BDEV_RELEASE_ARGS	struct gendisk *disk, fmode_t mode
#define NS_BDEV_OPEN_DISK	(bdev->bd_disk)
#endif

#endif /* NETSWAP_COMPAT_H */
