// SPDX-License-Identifier: GPL-2.0
/*
 * netswap core: sealed swap (seal = aead).
 *
 * Every 4 KiB block the disk writes is encrypted and authenticated with
 * AES-256-GCM under a key drawn at enable, which never leaves the kernel
 * and is gone at disable. The nonce of a block is its number and its write
 * generation; the generation and the tag stay in this machine's memory, in
 * a table of NETSWAP_SEAL_ENTRY bytes per block. The target only ever
 * holds ciphertext, and a block it returns altered, moved to another
 * block or older than the last write fails to verify: the read is tried
 * once more (the wire may have flipped a bit), then fails. Altered data is
 * never handed to the page it was read for.
 *
 * A write is encrypted once, the first time queue_rq sees it, into 4 KiB
 * bounce buffers of a pool the size of the in-flight budget; the
 * transports send them in place of the request's own pages
 * (netswap_rq_pos_at() hands them out). The request keeps them, and so the
 * same ciphertext under the same generation, until it completes: a write
 * sent again after a recovery, or only its COMMIT, or a late copy of it
 * that the target executes after the new one, all carry the bytes the
 * table expects. A read lands in the request's pages, and is verified and
 * decrypted in place when the transport completes it. The transform is
 * synchronous and each request's crypto state is in its blk-mq PDU:
 * nothing on the I/O path allocates.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <crypto/aead.h>
#include <linux/kmod.h>
#include <linux/random.h>
#include <linux/scatterlist.h>
#include <linux/slab.h>
#include <linux/vmalloc.h>
#include "netswap.h"

#define NETSWAP_SEAL_KEY	32		/* AES-256 */
#define NETSWAP_SEAL_IV		12		/* GCM's 96-bit nonce */
#define NETSWAP_SEAL_MAX_BLOCKS	(NETSWAP_MAX_IO_BYTES / NETSWAP_SEAL_BLOCK)
/* A block's data in a request: at most this many pieces (512 bytes each). */
#define NETSWAP_SEAL_SEGS	(NETSWAP_SEAL_BLOCK / SECTOR_SIZE)

/*
 * What this machine keeps of one block: 20 bytes. The generation counts
 * the block's writes under this key (0: never written, which reads as
 * zeros); NETSWAP_SEAL_ZERO marks a block discarded since its last write,
 * which reads as zeros too, without the count going back.
 */
struct netswap_seal_blk {
	u8		tag[NETSWAP_SEAL_TAG];
	u32		gen;
};

#define NETSWAP_SEAL_ZERO	BIT(31)
#define NETSWAP_SEAL_GEN	(NETSWAP_SEAL_ZERO - 1)

/* Per request, in its blk-mq PDU behind the transport's state. */
struct netswap_seal_rq {
	void		**bounce;	/* a write's ciphertext, block by block */
	unsigned int	nr_bounce;	/* 0: not encrypted (yet) */
	bool		reread;		/* a read that failed once */
	/* blocks of a read that failed to verify */
	DECLARE_BITMAP(bad, NETSWAP_SEAL_MAX_BLOCKS);
	u8		iv[NETSWAP_SEAL_IV];
	u8		tag[NETSWAP_SEAL_TAG];
	/* then the bounce array, then the aead_request and its context */
};

/**
 * struct netswap_seal - a sealed target's key, table and bounce pages
 * @tfm:	AES-256-GCM, synchronous, keyed at enable
 * @table:	one entry per block of the disk
 * @nr_blocks:	blocks of NETSWAP_SEAL_BLOCK on the disk
 * @lock:	guards @free and @nr_free
 * @free:	4 KiB bounce buffers not in use
 * @nr_free:	how many
 * @nr_bufs:	bounce buffers in all: the in-flight budget's worth
 * @pages:	the pages they are cut from
 * @nr_pages:	how many
 * @rq_off:	offset of struct netswap_seal_rq in the PDU
 * @areq_off:	offset of the aead_request in the PDU
 */
struct netswap_seal {
	struct crypto_aead	*tfm;
	struct netswap_seal_blk	*table;
	u64			nr_blocks;
	spinlock_t		lock;
	void			**free;
	unsigned int		nr_free;
	unsigned int		nr_bufs;
	struct page		**pages;
	unsigned int		nr_pages;
	unsigned int		rq_off;
	unsigned int		areq_off;
};

static struct netswap_seal_rq *netswap_seal_rq(const struct netswap_seal *s,
					       struct request *rq)
{
	return blk_mq_rq_to_pdu(rq) + s->rq_off;
}

static struct aead_request *netswap_seal_areq(const struct netswap_seal *s,
					      struct request *rq)
{
	return blk_mq_rq_to_pdu(rq) + s->areq_off;
}

const char *netswap_seal_name(enum netswap_seal_mode m)
{
	return m == NETSWAP_SEAL_AEAD ? "aead" : "none";
}

/**
 * netswap_seal_kb() - memory a sealed target holds
 * @nd: target
 *
 * Return: KiB of the tag table and the bounce pages; 0 when the target
 * is not sealed or not enabled.
 */
u32 netswap_seal_kb(const struct netswap_dev *nd)
{
	return READ_ONCE(nd->seal_kb);
}

/* The bytes of blk-mq PDU the seal adds behind the transport's @cmd_size. */
unsigned int netswap_seal_pdu_size(const struct netswap_dev *nd,
				   unsigned int cmd_size)
{
	const struct netswap_seal *s = nd->seal;

	return s ? s->areq_off + sizeof(struct aead_request) +
		   crypto_aead_reqsize(s->tfm) - cmd_size : 0;
}

/* Per-tag setup of the seal's part of a PDU. */
void netswap_seal_init_request(struct netswap_dev *nd, struct request *rq)
{
	struct netswap_seal *s = nd->seal;
	struct netswap_seal_rq *sr;

	if (!s)
		return;
	sr = netswap_seal_rq(s, rq);
	memset(sr, 0, sizeof(*sr));
	sr->bounce = (void **)(sr + 1);
	aead_request_set_tfm(netswap_seal_areq(s, rq), s->tfm);
}

static void netswap_seal_free_pages(struct netswap_seal *s)
{
	unsigned int i;

	for (i = 0; i < s->nr_pages; i++)
		__free_page(s->pages[i]);
	kvfree(s->pages);
	kvfree(s->free);
}

/* The bounce buffers: 4 KiB pieces of whole pages, whatever PAGE_SIZE is. */
static int netswap_seal_alloc_pages(struct netswap_seal *s, u32 budget)
{
	unsigned int per = PAGE_SIZE / NETSWAP_SEAL_BLOCK, i, j;

	s->nr_bufs = DIV_ROUND_UP(budget, NETSWAP_SEAL_BLOCK);
	s->free = kvcalloc(s->nr_bufs, sizeof(*s->free), GFP_KERNEL);
	s->pages = kvcalloc(DIV_ROUND_UP(s->nr_bufs, per), sizeof(*s->pages),
			    GFP_KERNEL);
	if (!s->free || !s->pages)
		return -ENOMEM;
	while (s->nr_free < s->nr_bufs) {
		struct page *page = alloc_page(GFP_KERNEL);

		if (!page)
			return -ENOMEM;
		s->pages[s->nr_pages++] = page;
		for (j = 0, i = s->nr_free; j < per && i < s->nr_bufs; j++, i++)
			s->free[i] = page_address(page) + j * NETSWAP_SEAL_BLOCK;
		s->nr_free = i;
	}
	return 0;
}

/**
 * netswap_seal_alloc() - transform, key and bounce pages for a sealed target
 * @nd: target, not yet connected
 *
 * Before the connection: a kernel without AES-GCM, or a machine without
 * the memory, fails the enable before anything goes on the wire, and no
 * session sits logged in while crypto modules load. The tag table needs
 * the capacity: netswap_seal_size(), once connected.
 *
 * Return: 0 (also when the target is not sealed), or -errno with
 * last_error set.
 */
int netswap_seal_alloc(struct netswap_dev *nd)
{
	u8 key[NETSWAP_SEAL_KEY];
	struct netswap_seal *s;
	int ret;

	if (nd->cfg.seal != NETSWAP_SEAL_AEAD)
		return 0;
	s = kzalloc(sizeof(*s), GFP_KERNEL);
	if (!s) {
		netswap_set_error(nd, "seal: out of memory");
		return -ENOMEM;
	}
	spin_lock_init(&s->lock);
	/*
	 * The CPU's AES instructions where a module has them (aesni-intel):
	 * the generic cipher is built in, so the crypto API alone would not
	 * look further.
	 */
	request_module("crypto-aes");
	/* Synchronous only: queue_rq and the completion cannot wait. */
	s->tfm = crypto_alloc_aead("gcm(aes)", 0, CRYPTO_ALG_ASYNC);
	if (IS_ERR(s->tfm)) {
		ret = PTR_ERR(s->tfm);
		s->tfm = NULL;
		netswap_set_error(nd, "seal: AES-GCM (gcm(aes)) is not available in this kernel (%d)",
				  ret);
		goto out;
	}
	/* At early boot too: a key only once the generator is seeded. */
	ret = get_random_bytes_wait(key, sizeof(key));
	if (ret) {
		netswap_set_error(nd, "seal: interrupted while waiting for the random number generator");
		goto out;
	}
	ret = crypto_aead_setkey(s->tfm, key, sizeof(key));
	memzero_explicit(key, sizeof(key));
	if (!ret)
		ret = crypto_aead_setauthsize(s->tfm, NETSWAP_SEAL_TAG);
	if (ret) {
		netswap_set_error(nd, "seal: cannot key AES-GCM (%d)", ret);
		goto out;
	}

	/* The budget bounds the payload in flight, and with it the writes. */
	if (netswap_seal_alloc_pages(s, netswap_io_budget(nd))) {
		netswap_set_error(nd, "seal: out of memory for the bounce pages (%u KiB)",
				  netswap_io_budget(nd) / 1024);
		ret = -ENOMEM;
		goto out;
	}

	/*
	 * The PDU follows struct request, which blk-mq aligns to a cache
	 * line: the aead_request gets CRYPTO_MINALIGN as an address.
	 */
	s->rq_off = ALIGN(nd->ops->cmd_size, __alignof__(struct netswap_seal_rq));
	s->areq_off = ALIGN(sizeof(struct request) + s->rq_off +
			    sizeof(struct netswap_seal_rq) +
			    NETSWAP_SEAL_MAX_BLOCKS * sizeof(void *),
			    CRYPTO_MINALIGN) - sizeof(struct request);
	nd->seal = s;
	return 0;

out:
	netswap_seal_free_pages(s);
	crypto_free_aead(s->tfm);
	kfree(s);
	return ret;
}

/**
 * netswap_seal_size() - the tag table of a sealed target, for its capacity
 * @nd: target, connected: capacity known, tag set not yet allocated
 *
 * Return: 0 (also when the target is not sealed), or -ENOMEM with
 * last_error set; netswap_seal_free() undoes netswap_seal_alloc() either
 * way.
 */
int netswap_seal_size(struct netswap_dev *nd)
{
	struct netswap_seal *s = nd->seal;

	if (!s)
		return 0;
	s->nr_blocks = nd->capacity / NETSWAP_SEAL_BLOCK;
	s->table = kvcalloc(s->nr_blocks, sizeof(*s->table),
			    GFP_KERNEL | __GFP_NOWARN);
	if (!s->table) {
		netswap_set_error(nd, "seal: cannot allocate the tag table (%llu KiB for %llu MiB of swap)",
				  DIV_ROUND_UP_ULL(s->nr_blocks *
						   sizeof(*s->table), 1024),
				  nd->capacity >> 20);
		return -ENOMEM;
	}
	WRITE_ONCE(nd->seal_kb,
		   DIV_ROUND_UP_ULL(s->nr_blocks * sizeof(*s->table), 1024) +
		   s->nr_pages * (PAGE_SIZE / 1024));
	nd_info(nd, "sealing with %s, %u KiB of tags and bounce buffers\n",
		crypto_tfm_alg_driver_name(crypto_aead_tfm(s->tfm)),
		nd->seal_kb);
	return 0;
}

/* Undo netswap_seal_alloc(): the key is wiped with the transform. */
void netswap_seal_free(struct netswap_dev *nd)
{
	struct netswap_seal *s = nd->seal;

	if (!s)
		return;
	nd->seal = NULL;
	WRITE_ONCE(nd->seal_kb, 0);
	WARN_ON_ONCE(s->nr_free != s->nr_bufs);
	netswap_seal_free_pages(s);
	kvfree(s->table);
	/* kfree_sensitive() of its context: the key schedule goes too. */
	crypto_free_aead(s->tfm);
	kfree(s);
}

/*
 * The pieces of the request's own data that hold its block @i, in @sg;
 * the walk goes on from @pos. Returns how many, 0 when the request's
 * segments are cut finer than NETSWAP_SEAL_SEGS pieces a block.
 */
static int netswap_seal_data_sg(struct netswap_rq_pos *pos, struct request *rq,
				unsigned int i, struct scatterlist *sg)
{
	u32 off = i * NETSWAP_SEAL_BLOCK, end = off + NETSWAP_SEAL_BLOCK;
	struct bio_vec bv;
	int n = 0;

	while (off < end) {
		if (n == NETSWAP_SEAL_SEGS ||
		    !__netswap_rq_pos_at(pos, rq, off, &bv))
			return 0;
		bv.bv_len = min(bv.bv_len, end - off);
		sg_set_page(&sg[n++], bv.bv_page, bv.bv_len, bv.bv_offset);
		off += bv.bv_len;
	}
	return n;
}

/* The nonce: the block number and its generation, little-endian. */
static void netswap_seal_iv(u8 *iv, u64 blk, u32 gen)
{
	__le64 b = cpu_to_le64(blk);
	__le32 g = cpu_to_le32(gen);

	memcpy(iv, &b, sizeof(b));
	memcpy(iv + sizeof(b), &g, sizeof(g));
}

/*
 * A fresh generation for @b, never one used before under this key; the
 * block is no longer discarded.
 */
static bool netswap_seal_next_gen(struct netswap_seal_blk *b, u32 *gen)
{
	u32 old = READ_ONCE(b->gen);

	do {
		/* 2^31 - 1 writes of one block: a nonce would repeat. */
		if ((old & NETSWAP_SEAL_GEN) == NETSWAP_SEAL_GEN)
			return false;
	} while (!try_cmpxchg(&b->gen, &old, (old & NETSWAP_SEAL_GEN) + 1));
	*gen = (old & NETSWAP_SEAL_GEN) + 1;
	return true;
}

/**
 * netswap_seal_write() - encrypt a write into bounce buffers, once
 * @nd:	sealed target
 * @rq:	write, holding budget for its payload
 *
 * A write queued again (a retry, a recovery's requeue) keeps the
 * ciphertext it got the first time.
 *
 * Return: BLK_STS_OK; BLK_STS_RESOURCE when the pool is short (writes
 * requeued by a recovery hold buffers without budget: try again once some
 * complete); BLK_STS_IOERR when the request cannot be sealed.
 */
blk_status_t netswap_seal_write(struct netswap_dev *nd, struct request *rq)
{
	struct netswap_seal *s = nd->seal;
	struct netswap_seal_rq *sr = netswap_seal_rq(s, rq);
	struct aead_request *req = netswap_seal_areq(s, rq);
	unsigned int i, n = blk_rq_bytes(rq) / NETSWAP_SEAL_BLOCK;
	u64 blk = blk_rq_pos(rq) >> (NETSWAP_SEAL_SHIFT - SECTOR_SHIFT);
	struct scatterlist src[NETSWAP_SEAL_SEGS], dst[2];
	struct netswap_rq_pos pos = { };
	int nsrc, ret;
	u32 gen;

	if (sr->nr_bounce)
		return BLK_STS_OK;
	if (WARN_ON_ONCE(!n || n > NETSWAP_SEAL_MAX_BLOCKS ||
			 blk + n > s->nr_blocks))
		return BLK_STS_IOERR;
	spin_lock_bh(&s->lock);
	if (s->nr_free < n) {
		spin_unlock_bh(&s->lock);
		return BLK_STS_RESOURCE;
	}
	s->nr_free -= n;
	memcpy(sr->bounce, s->free + s->nr_free, n * sizeof(*sr->bounce));
	spin_unlock_bh(&s->lock);
	sr->nr_bounce = n;

	aead_request_set_callback(req, 0, NULL, NULL);
	aead_request_set_ad(req, 0);
	for (i = 0; i < n; i++) {
		struct netswap_seal_blk *b = &s->table[blk + i];

		sg_init_table(src, NETSWAP_SEAL_SEGS);
		nsrc = netswap_seal_data_sg(&pos, rq, i, src);
		if (!nsrc) {
			nd_err_rl(nd, "seal: write at block %llu is cut in pieces smaller than 512 bytes\n",
				  blk + i);
			return BLK_STS_IOERR;
		}
		sg_mark_end(&src[nsrc - 1]);
		if (!netswap_seal_next_gen(b, &gen)) {
			nd_err_rl(nd, "seal: block %llu was written 2^31 times under this key: disable and enable again\n",
				  blk + i);
			return BLK_STS_IOERR;
		}
		netswap_seal_iv(sr->iv, blk + i, gen);
		sg_init_table(dst, 2);
		sg_set_buf(&dst[0], sr->bounce[i], NETSWAP_SEAL_BLOCK);
		sg_set_buf(&dst[1], sr->tag, NETSWAP_SEAL_TAG);
		aead_request_set_crypt(req, src, dst, NETSWAP_SEAL_BLOCK,
				       sr->iv);
		ret = crypto_aead_encrypt(req);
		if (WARN_ON_ONCE(ret))
			return BLK_STS_IOERR;
		memcpy(b->tag, sr->tag, NETSWAP_SEAL_TAG);
	}
	return BLK_STS_OK;
}

/*
 * @rq is done with its ciphertext: completed, or ended by queue_rq with an
 * error. Not when it is requeued: it is sent again as it was.
 */
void netswap_seal_release(struct netswap_dev *nd, struct request *rq)
{
	struct netswap_seal *s = nd->seal;
	struct netswap_seal_rq *sr;

	if (!s || req_op(rq) != REQ_OP_WRITE)
		return;
	sr = netswap_seal_rq(s, rq);
	if (!sr->nr_bounce)
		return;
	spin_lock_bh(&s->lock);
	memcpy(s->free + s->nr_free, sr->bounce,
	       sr->nr_bounce * sizeof(*sr->bounce));
	s->nr_free += sr->nr_bounce;
	spin_unlock_bh(&s->lock);
	sr->nr_bounce = 0;
}

/**
 * netswap_seal_discarded() - a discard of a sealed disk completed
 * @nd:	sealed target
 * @rq:	the discard
 *
 * The whole blocks it covered read as zeros until written again, as the
 * storage may now return anything for them; their generation goes on.
 */
void netswap_seal_discarded(struct netswap_dev *nd, struct request *rq)
{
	struct netswap_seal *s = nd->seal;
	u64 first = DIV_ROUND_UP_ULL(blk_rq_pos(rq) << SECTOR_SHIFT,
				     NETSWAP_SEAL_BLOCK);
	u64 end = ((blk_rq_pos(rq) << SECTOR_SHIFT) + blk_rq_bytes(rq)) /
		  NETSWAP_SEAL_BLOCK;
	u32 old;

	for (; first < min(end, s->nr_blocks); first++) {
		old = READ_ONCE(s->table[first].gen);
		while (old && !try_cmpxchg(&s->table[first].gen, &old,
					   old | NETSWAP_SEAL_ZERO))
			;
	}
}

/**
 * netswap_seal_bounce() - the bounce buffer holding byte @off of a write
 * @nd:		target
 * @rq:		request
 * @off:	byte offset in the request
 * @out:	the rest of that buffer, from @off
 *
 * Return: false when @rq sends its own pages (not a sealed write).
 */
bool netswap_seal_bounce(const struct netswap_dev *nd, struct request *rq,
			 u32 off, struct bio_vec *out)
{
	const struct netswap_seal *s = nd->seal;
	struct netswap_seal_rq *sr;
	u32 i = off / NETSWAP_SEAL_BLOCK;
	void *p;

	if (!s || req_op(rq) != REQ_OP_WRITE)
		return false;
	sr = netswap_seal_rq(s, rq);
	if (i >= sr->nr_bounce) {
		out->bv_len = 0;
		return true;
	}
	p = sr->bounce[i] + off % NETSWAP_SEAL_BLOCK;
	out->bv_page = virt_to_page(p);
	out->bv_offset = offset_in_page(p);
	out->bv_len = NETSWAP_SEAL_BLOCK - off % NETSWAP_SEAL_BLOCK;
	return true;
}

/**
 * netswap_seal_read() - verify and decrypt a read in place
 * @nd:		sealed target
 * @rq:		read, completing
 * @status:	how the transport completed it
 *
 * A block never written under this key reads as zeros, whatever the
 * target sent. Every block is tried, so that a failed one fails only the
 * pages it holds (netswap_seal_end_bios()).
 *
 * Return: @status when it is an error; else BLK_STS_OK, BLK_STS_AGAIN when
 * a block failed to verify for the first time (read the request again),
 * or BLK_STS_IOERR when blocks failed again: integrity_errors counted,
 * their data zeroed, and which they are kept for netswap_seal_end_bios().
 */
blk_status_t netswap_seal_read(struct netswap_dev *nd, struct request *rq,
			       blk_status_t status)
{
	struct netswap_seal *s = nd->seal;
	struct netswap_seal_rq *sr = netswap_seal_rq(s, rq);
	struct aead_request *req = netswap_seal_areq(s, rq);
	unsigned int i, bad, n = blk_rq_bytes(rq) / NETSWAP_SEAL_BLOCK;
	u64 blk = blk_rq_pos(rq) >> (NETSWAP_SEAL_SHIFT - SECTOR_SHIFT);
	struct scatterlist sg[NETSWAP_SEAL_SEGS + 1];
	struct netswap_rq_pos pos = { };
	int nsg;

	bitmap_zero(sr->bad, NETSWAP_SEAL_MAX_BLOCKS);
	if (status) {
		sr->reread = false;
		return status;
	}
	if (WARN_ON_ONCE(n > NETSWAP_SEAL_MAX_BLOCKS || blk + n > s->nr_blocks)) {
		sr->reread = false;
		return BLK_STS_IOERR;
	}
	aead_request_set_callback(req, 0, NULL, NULL);
	aead_request_set_ad(req, 0);
	for (i = 0; i < n; i++) {
		const struct netswap_seal_blk *b = &s->table[blk + i];
		u32 gen = READ_ONCE(b->gen);

		sg_init_table(sg, NETSWAP_SEAL_SEGS + 1);
		nsg = netswap_seal_data_sg(&pos, rq, i, sg);
		if (!nsg) {
			nd_err_rl(nd, "seal: read at block %llu is cut in pieces smaller than 512 bytes\n",
				  blk + i);
			sr->reread = false;
			return BLK_STS_IOERR;
		}
		/* Never written, or discarded since: nothing to verify. */
		if (!gen || gen & NETSWAP_SEAL_ZERO) {
			sg_mark_end(&sg[nsg - 1]);
			sg_zero_buffer(sg, nsg, NETSWAP_SEAL_BLOCK, 0);
			continue;
		}
		memcpy(sr->tag, b->tag, NETSWAP_SEAL_TAG);
		sg_set_buf(&sg[nsg], sr->tag, NETSWAP_SEAL_TAG);
		sg_mark_end(&sg[nsg]);
		netswap_seal_iv(sr->iv, blk + i, gen);
		aead_request_set_crypt(req, sg, sg,
				       NETSWAP_SEAL_BLOCK + NETSWAP_SEAL_TAG,
				       sr->iv);
		if (crypto_aead_decrypt(req)) {
			/* What the decryption left there is no page's data. */
			sg_zero_buffer(sg, nsg, NETSWAP_SEAL_BLOCK, 0);
			__set_bit(i, sr->bad);
		}
	}
	bad = bitmap_weight(sr->bad, NETSWAP_SEAL_MAX_BLOCKS);
	if (!bad) {
		sr->reread = false;
		return BLK_STS_OK;
	}
	i = find_first_bit(sr->bad, NETSWAP_SEAL_MAX_BLOCKS);
	if (!sr->reread) {
		sr->reread = true;
		bitmap_zero(sr->bad, NETSWAP_SEAL_MAX_BLOCKS);
		nd_warn_rl(nd, "seal: block %llu failed to verify (%u of %u in the request), reading again\n",
			   blk + i, bad, n);
		return BLK_STS_AGAIN;
	}
	sr->reread = false;
	atomic64_add(bad, &nd->stats.integrity_errors);
	nd_err_rl(nd, "seal: block %llu failed to verify twice (%u of %u in the request): altered, replayed or misplaced by the target or the network; its pages fail\n",
		  blk + i, bad, n);
	return BLK_STS_IOERR;
}

/**
 * netswap_seal_end_bios() - end a read whose blocks failed to verify
 * @nd:	sealed target
 * @rq:	read, netswap_seal_read() said BLK_STS_IOERR
 *
 * Ends each bio on its own: those holding a failed block with an error,
 * the others with their data, so that a swap readahead merged with a
 * tampered page does not fail the pages beside it.
 *
 * Return: false when there is nothing block by block to end (the caller
 * ends @rq as a whole).
 */
bool netswap_seal_end_bios(struct netswap_dev *nd, struct request *rq)
{
	struct netswap_seal_rq *sr = netswap_seal_rq(nd->seal, rq);
	unsigned int first, last;
	struct bio *bio, *next;
	blk_status_t st;
	u32 off = 0;

	if (bitmap_empty(sr->bad, NETSWAP_SEAL_MAX_BLOCKS))
		return false;
	for (bio = rq->bio; bio; bio = next, off += last) {
		/* The bio goes when it is ended. */
		next = bio->bi_next;
		last = bio->bi_iter.bi_size;
		first = off / NETSWAP_SEAL_BLOCK;
		st = find_next_bit(sr->bad, NETSWAP_SEAL_MAX_BLOCKS, first) <
		     DIV_ROUND_UP(off + last, NETSWAP_SEAL_BLOCK) ?
		     BLK_STS_IOERR : BLK_STS_OK;
		if (!blk_update_request(rq, st, last))
			break;
	}
	bitmap_zero(sr->bad, NETSWAP_SEAL_MAX_BLOCKS);
	__blk_mq_end_request(rq, BLK_STS_IOERR);
	return true;
}
