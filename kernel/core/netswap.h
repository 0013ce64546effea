/* SPDX-License-Identifier: GPL-2.0 */
/*
 * netswap core: the swap target object shared by configfs, the block layer
 * glue and the transports.
 */
#ifndef NETSWAP_H
#define NETSWAP_H

#include <linux/blk-mq.h>
#include <linux/configfs.h>
#include <linux/mutex.h>
#include <linux/ratelimit.h>
#include <linux/socket.h>
#include <linux/spinlock.h>
#include <linux/workqueue.h>
#include <linux/in.h>
#include <linux/in6.h>

#define NETSWAP_NAME_MAX	32
#define NETSWAP_ERR_MAX		256
#define NETSWAP_ID_MAX		128	/* storage identity text, + NUL */
#define NETSWAP_STR_MAX		224	/* iSCSI names: 223 + NUL */
#define NETSWAP_SECRET_MAX	256
#define NETSWAP_PATH_MAX	1024	/* NFS export and file paths, + NUL */

#define NETSWAP_QD_DEFAULT	64
#define NETSWAP_QD_MAX		1024
#define NETSWAP_IO_TIMEOUT_DEFAULT	30000	/* ms */
#define NETSWAP_RECONNECT_DEFAULT	1000	/* ms */
#define NETSWAP_RECONNECT_MAX_DELAY	30000	/* ms, backoff ceiling */
#define NETSWAP_TX_RETRY_MS	20	/* send again after a full socket */
/* Largest request the disk accepts (a transport may lower it). */
#define NETSWAP_MAX_IO_BYTES	(512 * 1024)
/*
 * Discards in flight at once. They carry no payload, so the byte budget
 * does not bound them; a target works through them one after another,
 * and a queue's worth of large ones could outlast io_timeout_ms.
 */
#define NETSWAP_MAX_DISCARDS	2
/*
 * Payload in flight per tag of queue_depth: the in-flight budget, and so
 * the reserve, is queue_depth times this whatever the size of a request.
 */
#define NETSWAP_BUDGET_PER_TAG	(128 * 1024)

enum netswap_transport_type {
	NETSWAP_TRANSPORT_NONE,
	NETSWAP_TRANSPORT_ISCSI,
	NETSWAP_TRANSPORT_NFS,
};

/* seal: what protects the blocks on the target (core/seal.c) */
enum netswap_seal_mode {
	NETSWAP_SEAL_NONE,
	NETSWAP_SEAL_AEAD,	/* AES-256-GCM, key per enable, tags in RAM */
};

#define NETSWAP_SEAL_SHIFT	12
#define NETSWAP_SEAL_BLOCK	(1U << NETSWAP_SEAL_SHIFT)
#define NETSWAP_SEAL_TAG	16

enum netswap_state {
	NETSWAP_DISABLED,
	NETSWAP_CONNECTING,
	NETSWAP_UP,
	NETSWAP_RECOVERING,
	NETSWAP_FAILED,
	NETSWAP_NR_STATES,
};

/* Operator settings. Written only while disabled, under nd->lock. */
struct netswap_cfg {
	enum netswap_transport_type transport;
	struct sockaddr_storage	addr;		/* port filled at enable */
	bool			addr_set;
	u16			port;		/* 0: transport default */
	char			target_name[NETSWAP_STR_MAX];
	u32			lun;
	char			initiator_name[NETSWAP_STR_MAX];
	char			auth_user[NETSWAP_SECRET_MAX];
	char			auth_secret[NETSWAP_SECRET_MAX];
	char			auth_target_user[NETSWAP_SECRET_MAX];	/* mutual CHAP */
	char			auth_target_secret[NETSWAP_SECRET_MAX];
	bool			header_digest;
	bool			data_digest;
	char			export[NETSWAP_PATH_MAX];
	char			file[NETSWAP_PATH_MAX];
	u16			mount_port;	/* 0: ask the portmapper */
	bool			auth_none;	/* NFS: AUTH_NONE, not AUTH_SYS */
	u32			auth_uid;
	u32			auth_gid;
	u32			queue_depth;
	u32			connections;	/* 0 or 2: reads on their own; 1 */
	u32			io_timeout_ms;
	u32			reconnect_delay_ms;
	u32			recovery_timeout_s;
	enum netswap_seal_mode	seal;
};

struct netswap_stats {
	atomic64_t	reads;
	atomic64_t	writes;
	atomic64_t	flushes;
	atomic64_t	read_bytes;
	atomic64_t	write_bytes;
	atomic64_t	discards;	/* completed discard requests */
	atomic64_t	discard_bytes;
	atomic64_t	errors;		/* requests completed with an error */
	atomic64_t	retries;	/* commands re-issued (sense, requeue) */
	atomic64_t	timeouts;
	atomic64_t	recoveries;	/* connection losses */
	atomic64_t	reconnects;	/* successful re-logins */
	atomic64_t	reconnect_attempts; /* failed reconnect attempts */
	atomic64_t	recovery_ms;	/* time in recoveries that ended */
	atomic_t	inflight;	/* started, not completed or requeued */
	atomic64_t	read_lat_ns;	/* sum over reads, submit to complete */
	atomic64_t	read_lat_max_ns;
	atomic64_t	write_lat_ns;
	atomic64_t	write_lat_max_ns;
	atomic64_t	integrity_errors; /* sealed blocks that failed twice */
};

struct netswap_dev;
struct netswap_seal;

/* What a transport's @tx_push returns once its PDU is all in the socket. */
#define NETSWAP_TX_SENT		1	/* and pushed to the wire */
#define NETSWAP_TX_MORE		2	/* held (MSG_MORE) for the next PDU */

/**
 * struct netswap_rx_buf - where a connection's next received bytes go
 * @buf:	a kernel buffer, or NULL: then @bv
 * @bv:		part of one page of a request
 * @len:	at most this many bytes
 */
struct netswap_rx_buf {
	void		*buf;
	struct bio_vec	bv;
	u32		len;
};

/**
 * struct netswap_io_ops - what a transport's connection does for its worker
 * @tx_next:	is there a PDU to send: one under way, or the next one built
 *		now (control PDUs first). The transport notes whether more
 *		are queued behind it, for @tx_push.
 * @tx_push:	send what is left of that PDU without blocking. Its last
 *		bytes go with MSG_MORE when more PDUs are queued: the next
 *		one shares its segments. Returns NETSWAP_TX_SENT or
 *		NETSWAP_TX_MORE when it is all in the socket, 0 when the
 *		socket is full, -errno to start recovery (-EPIPE/-ECONNRESET:
 *		closed by the peer)
 * @rx_next:	where the next bytes of the stream go: 0, or -errno to
 *		start recovery (-EPROTO: protocol error)
 * @rx_got:	@n bytes of the stream are at @p, where @rx_next said: 1 when
 *		a PDU is complete (and acted on), 0 when more are needed,
 *		-errno to start recovery
 * @tx_budget:	PDUs per turn of sending
 * @rx_budget:	PDUs per turn of receiving
 *
 * The core copies from the socket's queue straight to where @rx_next
 * says, under one socket lock for all that has arrived.
 */
struct netswap_io_ops {
	bool		(*tx_next)(void *arg);
	int		(*tx_push)(void *arg);
	int		(*rx_next)(void *arg, struct netswap_rx_buf *to);
	int		(*rx_got)(void *arg, const void *p, u32 n);
	unsigned int	tx_budget;
	unsigned int	rx_budget;
};

/**
 * struct netswap_io - a transport connection's I/O worker and socket hooks
 * @nd:		target, for recovery
 * @work:	sends and receives in turns on netswap_wq under PF_MEMALLOC
 * @dead:	the transport's "connection stopped" flag: nothing is kicked
 *		while it is set
 * @ops:	the transport's send and receive steps
 * @arg:	the transport's connection, passed to @ops
 * @sock:	the socket, between netswap_io_attach() and _detach()
 * @kick_owed:	bit 0: a request was queued with more to follow
 *		(netswap_io_queued()); netswap_io_commit() kicks
 *
 * Socket data and write space kick @work; a connection closing starts
 * recovery. netswap_io_attach() installs the hooks on a connected socket,
 * netswap_io_detach() puts the socket's own back.
 */
struct netswap_io {
	struct netswap_dev	*nd;
	struct work_struct	work;
	/* Backstop when the socket is full and no ACK will call write_space. */
	struct delayed_work	tx_retry;
	const bool		*dead;
	bool			failed;		/* tx or rx returned an error */
	const struct netswap_io_ops *ops;
	void			*arg;
	struct socket		*sock;
	unsigned long		kick_owed;
	/* this turn of receiving: PDUs complete, and the error that ended it */
	unsigned int		rx_pdus;
	int			rx_err;
	void			(*old_data_ready)(struct sock *sk);
	void			(*old_write_space)(struct sock *sk);
	void			(*old_state_change)(struct sock *sk);
};

/**
 * struct netswap_pinger - liveness of one up connection
 * @work:	runs every netswap_ping_interval_ms() while the connection is up
 * @io:		the connection's worker: kicked to send a ping, and its
 *		->dead stops the pinger
 * @lock:	the connection's lock; guards @outstanding and @sent
 * @queue:	called under @lock to put a ping on the connection's send list
 * @why:	last_error when a ping goes unanswered for io_timeout_ms
 *
 * A ping (iSCSI NOP-Out, NFS NULL) is sent when the last one was
 * answered; the receive path calls netswap_pinger_answered() under @lock.
 * It keeps an idle connection from being closed by the server and finds a
 * silent peer before a request has to wait for it.
 */
struct netswap_pinger {
	struct delayed_work	work;
	struct netswap_io	*io;
	spinlock_t		*lock;
	bool			outstanding;
	unsigned long		sent;		/* jiffies */
	void			(*queue)(void *arg);
	void			*arg;
	const char		*why;
};

/**
 * struct netswap_transport_ops - what a transport provides to the core
 * @name:	"iscsi", "nfs"
 * @cmd_size:	bytes of per-request state in the blk-mq PDU
 * @default_port: used when the operator set none
 * @validate:	check the configuration at enable; set last_error and
 *		return -EINVAL when something is missing
 * @alloc:	allocate the transport's long-lived state (process context,
 *		GFP_KERNEL allowed); everything the I/O and recovery paths
 *		need is allocated here
 * @free:	undo @alloc
 * @init_request: per-tag setup of the PDU, at tag set allocation
 * @connect:	connect and log in; on the first call also report the
 *		capacity. Called at enable and from the recovery worker
 *		(PF_MEMALLOC, no GFP_KERNEL). Returns 0 or -errno with
 *		last_error set.
 * @queue_rq:	take a request: call blk_mq_start_request() under the same
 *		lock that @disconnect uses to stop the connection, so every
 *		started request is one the core's requeue will find; never
 *		sleeps. @last is blk-mq's: when false more requests follow at
 *		once, and the connection's worker waits for them
 *		(netswap_io_queued()) or for @commit_rqs
 * @commit_rqs:	blk-mq will not send the requests it announced: kick every
 *		connection that holds some (netswap_io_commit())
 * @disconnect:	stop all transport work and release the connection. After
 *		it returns nothing of the transport touches any request; the
 *		core then requeues or fails every started request.
 * @logout:	graceful goodbye before @disconnect at disable (may fail)
 * @end_request: optional; @rq is being completed (by the transport or by
 *		the core failing it), its PDU is free for the next request
 */
struct netswap_transport_ops {
	const char	*name;
	unsigned int	cmd_size;
	u16		default_port;
	int		(*validate)(struct netswap_dev *nd);
	int		(*alloc)(struct netswap_dev *nd);
	void		(*free)(struct netswap_dev *nd);
	int		(*init_request)(struct netswap_dev *nd, struct request *rq);
	int		(*connect)(struct netswap_dev *nd);
	blk_status_t	(*queue_rq)(struct netswap_dev *nd, struct request *rq,
				    bool last);
	void		(*commit_rqs)(struct netswap_dev *nd);
	void		(*disconnect)(struct netswap_dev *nd);
	void		(*logout)(struct netswap_dev *nd);
	void		(*end_request)(struct netswap_dev *nd,
				       struct request *rq);
};

struct netswap_dev {
	struct config_item	item;
	char			name[NETSWAP_NAME_MAX];
	struct list_head	node;		/* on netswap_devs */

	/* Serialises configuration writes, enable and disable. */
	struct mutex		lock;
	struct netswap_cfg	cfg;
	bool			enabled;
	bool			depend_taken;

	const struct netswap_transport_ops *ops;
	void			*tp;		/* transport private */

	/*
	 * A connect, login and probe (enable, each reconnect attempt) ends
	 * by this time (jiffies; 0 outside one): the blocking socket calls
	 * of the setup wait at most until then (netswap_sock_*_all).
	 */
	unsigned long		setup_deadline;
	long			setup_op_timeo;	/* per call, jiffies */

	spinlock_t		state_lock;
	enum netswap_state	state;
	char			last_error[NETSWAP_ERR_MAX];
	char			disk_name[DISK_NAME_LEN]; /* under state_lock */
	int			fatal_err;	/* -errno of netswap_fatal */
	/*
	 * The storage found at enable ("naa.…", "serial.…", NFS fsid and
	 * fileid): every reconnect must find the same. Under state_lock.
	 */
	char			storage_id[NETSWAP_ID_MAX];

	/* Block device, present while enabled. */
	int			index;
	struct blk_mq_tag_set	tag_set;
	struct gendisk		*disk;
	u64			capacity;	/* bytes */
	u32			block_size;	/* logical */
	u32			max_io_bytes;
	/*
	 * Discard, as the transport found it at enable: the largest one
	 * request may cover (0: the storage cannot unmap), and the
	 * granularity and alignment the storage unmaps at.
	 */
	u32			discard_max_bytes;
	u32			discard_granularity;
	u32			discard_alignment;
	/*
	 * Payload of the started requests, at most io_budget (one request
	 * alone may exceed it): what reserve_kb is sized for. The queue is
	 * stopped while a request waits for budget. Under io_lock.
	 */
	spinlock_t		io_lock;
	u32			io_bytes;
	u32			io_budget;
	u32			io_discards;	/* at most NETSWAP_MAX_DISCARDS */
	bool			io_stopped;

	/* seal = aead: key, tag table and bounce pages, while enabled */
	struct netswap_seal	*seal;
	u32			seal_kb;	/* its memory: READ_ONCE */

	/* Recovery: err_work and reconnect_work run one at a time on rec_wq. */
	struct workqueue_struct	*rec_wq;
	unsigned long		flags;
	/* why the error of NETSWAP_ERR_LATCHED: a literal, READ_ONCE */
	const char		*latched_why;
	/* state changes' log lines: one flapping target hides no other's */
	struct ratelimit_state	state_rs;
	struct work_struct	err_work;
	struct delayed_work	reconnect_work;
	unsigned long		recovery_start;	/* jiffies */
	/* jiffies (never 0) while a recovery runs, else 0: READ_ONCE */
	unsigned long		recovery_since;
	unsigned int		rec_attempts;	/* failed, this recovery */
	unsigned int		reconnect_delay; /* current backoff, ms */
	bool			quiesced;

	struct netswap_stats	stats;
};

/* nd->flags */
#define NETSWAP_ERR_LATCHED	0	/* error while connecting: replay at up */
#define NETSWAP_ERR_FATAL	1	/* give up: fail, do not reconnect */

static inline struct netswap_dev *to_netswap_dev(struct config_item *item)
{
	return container_of(item, struct netswap_dev, item);
}

/* core/dev.c */
extern struct workqueue_struct *netswap_wq;
extern struct list_head netswap_devs;
extern struct mutex netswap_devs_lock;
struct netswap_dev *netswap_dev_create(const char *name);
void netswap_dev_destroy(struct netswap_dev *nd);
int netswap_enable(struct netswap_dev *nd);
int netswap_disable(struct netswap_dev *nd);
enum netswap_state netswap_get_state(struct netswap_dev *nd);
const char *netswap_state_name(enum netswap_state s);
bool netswap_change_state(struct netswap_dev *nd, enum netswap_state new,
			  const char *reason);
bool netswap_change_state_err(struct netswap_dev *nd, enum netswap_state new,
			      int err, const char *reason);
void netswap_error(struct netswap_dev *nd, int err, const char *reason);
void netswap_fatal(struct netswap_dev *nd, int err, const char *reason);
u64 netswap_recovery_ms(const struct netswap_dev *nd);
__printf(2, 3) void netswap_set_error(struct netswap_dev *nd,
				      const char *fmt, ...);
void netswap_clear_error(struct netswap_dev *nd);
void netswap_set_storage_id(struct netswap_dev *nd, const char *id);
int netswap_check_storage_id(struct netswap_dev *nd, const char *id);
u32 netswap_io_budget(const struct netswap_dev *nd);
u32 netswap_reserve_kb(const struct netswap_dev *nd);
const struct netswap_transport_ops *
netswap_transport_ops(enum netswap_transport_type t);

/* core/blk.c */
int netswap_blk_add(struct netswap_dev *nd);
void netswap_blk_remove(struct netswap_dev *nd);
bool netswap_blk_busy(struct netswap_dev *nd);
void netswap_blk_requeue_all(struct netswap_dev *nd);
void netswap_blk_fail_all(struct netswap_dev *nd);
void netswap_complete_rq(struct netswap_dev *nd, struct request *rq,
			 blk_status_t status);
void netswap_requeue_rq(struct netswap_dev *nd, struct request *rq,
			unsigned long delay_ms);
/*
 * A place in a request's data, for walking it front to back in pieces (a
 * PDU's data sent page by page, a reply received into the bio pages)
 * without counting from the first segment each time. Reset (rq NULL)
 * whenever the request is (re)queued; an offset behind it starts over.
 */
struct netswap_rq_pos {
	struct request		*rq;
	struct bio		*bio;
	struct bvec_iter	iter;
	u32			off;	/* request offset of iter */
};

/*
 * How often a transport proves an up connection alive when nothing else
 * does (iSCSI NOP-Out, NFS NULL): three tries within io_timeout_ms.
 */
static inline unsigned int netswap_ping_interval_ms(struct netswap_dev *nd)
{
	return clamp_t(unsigned int, READ_ONCE(nd->cfg.io_timeout_ms) / 3,
		       1000, 10000);
}

static inline void netswap_rq_pos_reset(struct netswap_rq_pos *pos)
{
	pos->rq = NULL;
}

bool __netswap_rq_pos_at(struct netswap_rq_pos *pos, struct request *rq,
			 u32 off, struct bio_vec *out);
bool netswap_rq_pos_at(struct netswap_rq_pos *pos, struct request *rq,
		       u32 off, struct bio_vec *out);
int netswap_blk_init(void);
void netswap_blk_exit(void);

/* core/sock.c */
int netswap_sock_connect(struct netswap_dev *nd, struct socket **sockp,
			 const struct sockaddr_storage *addr,
			 unsigned int timeout_ms);
void netswap_sock_release(struct socket *sock);
int netswap_sock_send(struct socket *sock, struct msghdr *msg, size_t len);
int netswap_sock_send_page(struct socket *sock, struct bio_vec *bv, int flags);
int netswap_sock_recv_all(struct netswap_dev *nd, struct socket *sock,
			  void *buf, size_t len);
int netswap_sock_send_all(struct netswap_dev *nd, struct socket *sock,
			  const void *buf, size_t len);
unsigned int netswap_setup_budget_ms(const struct netswap_dev *nd);
void netswap_sock_set_timeouts(struct socket *sock, unsigned int ms);
int netswap_format_addr(const struct sockaddr_storage *ss, char *buf,
			size_t len);
void netswap_io_init(struct netswap_io *io, struct netswap_dev *nd,
		     const bool *dead, const struct netswap_io_ops *ops,
		     void *arg);
void netswap_io_kick(struct netswap_io *io);
void netswap_io_queued(struct netswap_io *io, bool last);
void netswap_io_commit(struct netswap_io *io);
void netswap_io_attach(struct netswap_io *io, struct socket *sock);
void netswap_io_detach(struct netswap_io *io, struct socket *sock);
void netswap_io_tx_full(struct netswap_io *io);
void netswap_io_stop(struct netswap_io *io);
void netswap_pinger_init(struct netswap_pinger *p, struct netswap_io *io,
			 spinlock_t *lock, void (*queue)(void *arg), void *arg,
			 const char *why);
void netswap_pinger_start(struct netswap_pinger *p);
void netswap_pinger_stop(struct netswap_pinger *p);

/* Under the connection's lock: the ping in flight was answered. */
static inline void netswap_pinger_answered(struct netswap_pinger *p)
{
	p->outstanding = false;
}

/* core/seal.c */
const char *netswap_seal_name(enum netswap_seal_mode m);
u32 netswap_seal_kb(const struct netswap_dev *nd);
int netswap_seal_alloc(struct netswap_dev *nd);
int netswap_seal_size(struct netswap_dev *nd);
void netswap_seal_free(struct netswap_dev *nd);
unsigned int netswap_seal_pdu_size(const struct netswap_dev *nd,
				   unsigned int cmd_size);
void netswap_seal_init_request(struct netswap_dev *nd, struct request *rq);
blk_status_t netswap_seal_write(struct netswap_dev *nd, struct request *rq);
void netswap_seal_release(struct netswap_dev *nd, struct request *rq);
void netswap_seal_discarded(struct netswap_dev *nd, struct request *rq);
bool netswap_seal_bounce(const struct netswap_dev *nd, struct request *rq,
			 u32 off, struct bio_vec *out);
blk_status_t netswap_seal_read(struct netswap_dev *nd, struct request *rq,
			       blk_status_t status);
bool netswap_seal_end_bios(struct netswap_dev *nd, struct request *rq);

/* core/netlink.c */
int netswap_nl_init(void);
void netswap_nl_exit(void);
void netswap_nl_notify(struct netswap_dev *nd, enum netswap_state old,
		       enum netswap_state new, int err, const char *reason);
void netswap_nl_removed(struct netswap_dev *nd);

/* configfs/configfs.c */
int netswap_configfs_init(void);
void netswap_configfs_exit(void);

/* iscsi/iscsi.c */
extern const struct netswap_transport_ops netswap_iscsi_ops;

/* nfs/nfs.c */
extern const struct netswap_transport_ops netswap_nfs_ops;

#define nd_err(nd, fmt, ...) \
	pr_err("%s: " fmt, (nd)->name, ##__VA_ARGS__)
#define nd_warn(nd, fmt, ...) \
	pr_warn("%s: " fmt, (nd)->name, ##__VA_ARGS__)
#define nd_info(nd, fmt, ...) \
	pr_info("%s: " fmt, (nd)->name, ##__VA_ARGS__)
#define nd_err_rl(nd, fmt, ...) \
	pr_err_ratelimited("%s: " fmt, (nd)->name, ##__VA_ARGS__)
#define nd_warn_rl(nd, fmt, ...) \
	pr_warn_ratelimited("%s: " fmt, (nd)->name, ##__VA_ARGS__)

#endif /* NETSWAP_H */
