// SPDX-License-Identifier: GPL-2.0
/*
 * netswap core: memalloc sockets. Every transport socket is created and
 * used through these helpers, which own the reserve discipline:
 * SOCK_MEMALLOC, GFP_NOIO | __GFP_MEMALLOC socket allocations, no task frag,
 * and PF_MEMALLOC around every send and receive.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/net.h>
#include <linux/tcp.h>
#include <linux/sched/mm.h>
#include <net/sock.h>
#include <net/tcp.h>
#include "netswap.h"
#include "../compat.h"

static void netswap_sock_set_memalloc(struct socket *sock)
{
	struct sock *sk = sock->sk;

	sk_set_memalloc(sk);
	sk->sk_allocation = GFP_NOIO | __GFP_MEMALLOC;
	ns_sk_no_task_frag(sk);
	tcp_sock_set_nodelay(sk);
}

void netswap_sock_set_timeouts(struct socket *sock, unsigned int ms)
{
	struct sock *sk = sock->sk;
	long t = ms ? msecs_to_jiffies(ms) : MAX_SCHEDULE_TIMEOUT;

	lock_sock(sk);
	sk->sk_sndtimeo = t;
	sk->sk_rcvtimeo = t;
	release_sock(sk);
}

/**
 * netswap_sock_connect() - open a memalloc TCP connection
 * @nd:		target, for last_error
 * @sockp:	the connected socket on success
 * @addr:	IPv4 or IPv6 address with port
 * @timeout_ms:	connect, send and receive timeout
 *
 * Return: 0 or -errno with last_error set.
 */
int netswap_sock_connect(struct netswap_dev *nd, struct socket **sockp,
			 const struct sockaddr_storage *addr,
			 unsigned int timeout_ms)
{
	int len = addr->ss_family == AF_INET6 ? sizeof(struct sockaddr_in6) :
						sizeof(struct sockaddr_in);
	unsigned int noreclaim = memalloc_noreclaim_save();
	char astr[64];
	struct socket *sock;
	int ret;

	ret = sock_create_kern(&init_net, addr->ss_family, SOCK_STREAM,
			       IPPROTO_TCP, &sock);
	if (ret) {
		netswap_set_error(nd, "cannot create socket (%d)", ret);
		goto out;
	}
	netswap_sock_set_memalloc(sock);
	netswap_sock_set_timeouts(sock, timeout_ms);
	nd->setup_op_timeo = sock->sk->sk_rcvtimeo;
	/* Detect a dead peer even when idle; keepalive is cheap. */
	sock_set_keepalive(sock->sk);

	ret = kernel_connect(sock, (struct sockaddr *)addr, len, 0);
	if (ret == -EAGAIN || ret == -EINPROGRESS)
		ret = -ETIMEDOUT;
	if (ret) {
		netswap_format_addr(addr, astr, sizeof(astr));
		netswap_set_error(nd, "cannot connect to %s: %s", astr,
				  ret == -ECONNREFUSED ? "connection refused" :
				  ret == -ETIMEDOUT ? "timed out" :
				  ret == -ENETUNREACH || ret == -EHOSTUNREACH ?
				  "unreachable" : "error");
		sock_release(sock);
		goto out;
	}
	*sockp = sock;
out:
	memalloc_noreclaim_restore(noreclaim);
	return ret;
}

/**
 * netswap_sock_release() - abort a connection and free its socket
 * @sock:	socket from netswap_sock_connect(), or NULL
 *
 * Never a graceful close. An orphaned socket would go on retransmitting
 * its write queue (requests that recovery is about to issue again on a
 * new connection: an old WRITE landing after a newer one to the same
 * block) and would hold references to the bio pages it sent, from the
 * memalloc reserve, for as long as TCP keeps trying. With SO_LINGER 0,
 * close sends a RST and purges both queues at once.
 */
void netswap_sock_release(struct socket *sock)
{
	if (!sock)
		return;
	sock_no_linger(sock->sk);
	sock_release(sock);
}

/**
 * netswap_sock_send() - sendmsg under PF_MEMALLOC
 * @sock:	connected socket
 * @msg:	message with its iterator set up
 * @len:	bytes in the iterator
 *
 * Return: bytes sent (may be short with MSG_DONTWAIT) or -errno.
 */
int netswap_sock_send(struct socket *sock, struct msghdr *msg, size_t len)
{
	unsigned int noreclaim = memalloc_noreclaim_save();
	int ret;

	msg->msg_flags |= MSG_NOSIGNAL;
	ret = sock_sendmsg(sock, msg);
	memalloc_noreclaim_restore(noreclaim);
	return ret;
}

/**
 * netswap_sock_send_page() - send part of a page without copying it
 * @sock:	connected socket
 * @bv:		the page, offset and length
 * @flags:	MSG_DONTWAIT, MSG_MORE
 *
 * The skb takes a page reference, as nvme-tcp and iscsi_tcp do; pages that
 * cannot be referenced (slab) are copied.
 * Return: bytes sent (may be short) or -errno.
 */
int netswap_sock_send_page(struct socket *sock, struct bio_vec *bv, int flags)
{
	unsigned int noreclaim = memalloc_noreclaim_save();
	int ret;

	ret = ns_sendpage(sock, bv, flags | MSG_NOSIGNAL);
	memalloc_noreclaim_restore(noreclaim);
	return ret;
}

/**
 * netswap_sock_recv() - recvmsg into a kernel buffer under PF_MEMALLOC
 * @sock:	connected socket
 * @buf:	destination
 * @len:	its size
 * @flags:	MSG_DONTWAIT, MSG_WAITALL, ...
 *
 * Return: bytes received, 0 at EOF, or -errno (-EAGAIN with MSG_DONTWAIT).
 */
static int netswap_sock_recv(struct socket *sock, void *buf, size_t len,
			     int flags)
{
	unsigned int noreclaim = memalloc_noreclaim_save();
	struct msghdr msg = { .msg_flags = flags | MSG_NOSIGNAL };
	struct kvec iov = { .iov_base = buf, .iov_len = len };
	int ret;

	ret = kernel_recvmsg(sock, &msg, &iov, 1, len, msg.msg_flags);
	memalloc_noreclaim_restore(noreclaim);
	return ret;
}

/*
 * Before each blocking call of a setup: -ETIME once its deadline has
 * passed, else the socket's timeouts cut to the time left. A peer that
 * drip-feeds bytes keeps every single call short of its timeout, but not
 * the setup past its deadline.
 */
static int netswap_sock_bound(struct netswap_dev *nd, struct socket *sock)
{
	unsigned long dl = READ_ONCE(nd->setup_deadline);
	long left, t;

	if (!dl)
		return 0;
	left = (long)(dl - jiffies);
	if (left <= 0)
		return -ETIME;
	t = min(nd->setup_op_timeo, left);
	lock_sock(sock->sk);
	sock->sk->sk_sndtimeo = t;
	sock->sk->sk_rcvtimeo = t;
	release_sock(sock->sk);
	return 0;
}

/* A blocking call timed out: was it the setup's deadline (-ETIME)? */
static int netswap_sock_timed_out(struct netswap_dev *nd)
{
	unsigned long dl = READ_ONCE(nd->setup_deadline);

	return dl && time_after_eq(jiffies, dl) ? -ETIME : -ETIMEDOUT;
}

/* Blocking send of a whole kernel buffer (login, control). */
int netswap_sock_send_all(struct netswap_dev *nd, struct socket *sock,
			  const void *buf, size_t len)
{
	while (len) {
		struct kvec iov = { .iov_base = (void *)buf, .iov_len = len };
		struct msghdr msg = { };
		int ret;

		ret = netswap_sock_bound(nd, sock);
		if (ret)
			return ret;
		iov_iter_kvec(&msg.msg_iter, ITER_SOURCE, &iov, 1, len);
		ret = netswap_sock_send(sock, &msg, len);
		if (ret == -EAGAIN)
			return netswap_sock_timed_out(nd);
		if (ret < 0)
			return ret;
		if (ret == 0)
			return -EPIPE;
		buf += ret;
		len -= ret;
	}
	return 0;
}

/* Blocking receive of exactly @len bytes (login, control). */
int netswap_sock_recv_all(struct netswap_dev *nd, struct socket *sock,
			  void *buf, size_t len)
{
	while (len) {
		int ret = netswap_sock_bound(nd, sock);

		if (ret)
			return ret;
		ret = netswap_sock_recv(sock, buf, len, MSG_WAITALL);
		if (ret == -EAGAIN)
			return netswap_sock_timed_out(nd);
		if (ret < 0)
			return ret;
		if (ret == 0)
			return -ECONNRESET;
		buf += ret;
		len -= ret;
	}
	return 0;
}

int netswap_format_addr(const struct sockaddr_storage *ss, char *buf,
			size_t len)
{
	if (ss->ss_family == AF_INET6) {
		const struct sockaddr_in6 *s6 = (const void *)ss;

		return snprintf(buf, len, "[%pI6c]:%u", &s6->sin6_addr,
				ntohs(s6->sin6_port));
	}
	return snprintf(buf, len, "%pI4:%u",
			&((const struct sockaddr_in *)ss)->sin_addr,
			ntohs(((const struct sockaddr_in *)ss)->sin_port));
}

/* ---------------- the I/O worker and its socket hooks ---------------- */

void netswap_io_kick(struct netswap_io *io)
{
	queue_work(netswap_wq, &io->work);
}

/**
 * netswap_io_queued() - a request is on the connection's send list
 * @io:		the connection's worker
 * @last:	blk-mq's bd->last: no more requests follow at once
 *
 * The worker is woken once for a batch of requests, not for each: it then
 * sends them back to back, in as few segments as they fit.
 */
void netswap_io_queued(struct netswap_io *io, bool last)
{
	if (last) {
		clear_bit(0, &io->kick_owed);
		netswap_io_kick(io);
	} else {
		set_bit(0, &io->kick_owed);
	}
}

/*
 * blk-mq ends a batch without its last request, or the batch's next
 * request will not reach queue_rq (its queue was stopped): wake the
 * worker now. Never for a connection that is stopped.
 */
void netswap_io_commit(struct netswap_io *io)
{
	if (test_and_clear_bit(0, &io->kick_owed) && !READ_ONCE(*io->dead))
		netswap_io_kick(io);
}

/* Send what MSG_MORE held back for a PDU that did not come. */
static void netswap_sock_push(struct socket *sock)
{
	unsigned int noreclaim = memalloc_noreclaim_save();

	tcp_sock_set_cork(sock->sk, false);
	memalloc_noreclaim_restore(noreclaim);
}

/*
 * Up to tx_budget PDUs. Each PDU's last bytes wait in the socket when the
 * transport has another queued behind it; whatever waits is pushed before
 * the worker turns to receiving.
 */
static int netswap_io_tx(struct netswap_io *io)
{
	const struct netswap_io_ops *ops = io->ops;
	bool held = false;
	unsigned int sent = 0;
	int ret;

	while (sent < ops->tx_budget) {
		if (!ops->tx_next(io->arg))
			break;
		ret = ops->tx_push(io->arg);
		if (ret < 0)
			return ret;
		if (ret == 0) {
			netswap_io_tx_full(io);
			break;
		}
		held = ret == NETSWAP_TX_MORE;
		sent++;
	}
	if (held)
		netswap_sock_push(io->sock);
	return sent;
}

static const char *netswap_io_err(int err, bool tx)
{
	if (err == -ECONNRESET || (tx && err == -EPIPE))
		return "connection closed by target";
	if (err == -EPROTO)
		return "protocol error";
	return tx ? "send failed" : "receive failed";
}

/* tcp_read_sock()'s actor: from @skb to where the transport wants it. */
static int netswap_io_recv_skb(read_descriptor_t *desc, struct sk_buff *skb,
			       unsigned int off, size_t len)
{
	struct netswap_io *io = desc->arg.data;
	const struct netswap_io_ops *ops = io->ops;
	size_t done = 0;
	int ret;

	while (done < len && !io->rx_err && io->rx_pdus < ops->rx_budget) {
		struct netswap_rx_buf to;
		void *p;
		u32 n;

		ret = ops->rx_next(io->arg, &to);
		if (ret < 0)
			goto fail;
		n = min_t(size_t, to.len, len - done);
		p = to.buf ?: kmap_local_page(to.bv.bv_page) + to.bv.bv_offset;
		ret = skb_copy_bits(skb, off + done, p, n);
		if (!ret)
			ret = ops->rx_got(io->arg, p, n);
		if (!to.buf)
			kunmap_local(p);
		if (ret < 0)
			goto fail;
		done += n;
		io->rx_pdus += ret;
	}
	if (io->rx_pdus >= ops->rx_budget)
		desc->count = 0;
	return done;
fail:
	io->rx_err = ret;
	desc->count = 0;
	return done;
}

/*
 * Receive what has arrived, up to rx_budget PDUs, under one socket lock.
 * Returns >0 when something moved, 0 when nothing waits, -errno.
 */
static int netswap_io_rx(struct netswap_io *io)
{
	read_descriptor_t desc = { .arg.data = io, .count = 1 };
	struct socket *sock = io->sock;
	struct sock *sk = sock->sk;
	int ret, err;

	io->rx_pdus = 0;
	io->rx_err = 0;
	lock_sock(sk);
	ret = sock->ops->read_sock(sk, &desc, netswap_io_recv_skb);
	release_sock(sk);
	if (io->rx_err)
		return io->rx_err;
	if (ret > 0)
		return ret;
	/*
	 * Nothing read: a socket error (a reset, a keepalive that timed
	 * out), the peer's FIN, or just nothing yet; as recvmsg tells them.
	 */
	err = READ_ONCE(sk->sk_err);
	if (err)
		return -err;
	if (READ_ONCE(sk->sk_shutdown) & RCV_SHUTDOWN)
		return -ECONNRESET;
	return ret < 0 ? ret : 0;
}

/* Send and receive in turns for up to 2 ms, then yield the worker. */
static void netswap_io_work(struct work_struct *work)
{
	struct netswap_io *io = container_of(work, struct netswap_io, work);
	unsigned int noreclaim = memalloc_noreclaim_save();
	unsigned long deadline = jiffies + msecs_to_jiffies(2);
	int tx, rx;

	/*
	 * After an error the connection is going, but *dead is set only by
	 * the recovery work: until then a socket callback can queue us again.
	 * One error per connection is reported; its cursors are not touched
	 * again (a second report would also start a needless recovery once
	 * the new connection is up).
	 */
	if (READ_ONCE(*io->dead) || io->failed)
		goto out;
	do {
		tx = netswap_io_tx(io);
		if (tx < 0) {
			io->failed = true;
			netswap_error(io->nd, tx, netswap_io_err(tx, true));
			goto out;
		}
		rx = netswap_io_rx(io);
		if (rx < 0) {
			io->failed = true;
			netswap_error(io->nd, rx, netswap_io_err(rx, false));
			goto out;
		}
	} while ((tx > 0 || rx > 0) && time_before(jiffies, deadline));
	if (tx > 0 || rx > 0)
		netswap_io_kick(io);
out:
	memalloc_noreclaim_restore(noreclaim);
}

static void netswap_io_tx_retry(struct work_struct *work)
{
	struct netswap_io *io = container_of(to_delayed_work(work),
					     struct netswap_io, tx_retry);

	if (!READ_ONCE(*io->dead))
		netswap_io_kick(io);
}

/*
 * From tx: the socket took nothing more. Socket full, or an skb allocation
 * failed with nothing in flight: then no ACK will ever call write_space,
 * so try again on a timer as well.
 */
void netswap_io_tx_full(struct netswap_io *io)
{
	mod_delayed_work(netswap_wq, &io->tx_retry,
			 msecs_to_jiffies(NETSWAP_TX_RETRY_MS));
}

/*
 * With *dead set and the socket detached: the worker and its timer are
 * idle when this returns, and neither is queued again. Each can queue the
 * other; the worker sees *dead and queues nothing.
 */
void netswap_io_stop(struct netswap_io *io)
{
	cancel_work_sync(&io->work);
	cancel_delayed_work_sync(&io->tx_retry);
	cancel_work_sync(&io->work);
}

void netswap_io_init(struct netswap_io *io, struct netswap_dev *nd,
		     const bool *dead, const struct netswap_io_ops *ops,
		     void *arg)
{
	io->nd = nd;
	io->dead = dead;
	io->ops = ops;
	io->arg = arg;
	INIT_WORK(&io->work, netswap_io_work);
	INIT_DELAYED_WORK(&io->tx_retry, netswap_io_tx_retry);
}

static void netswap_io_data_ready(struct sock *sk)
{
	struct netswap_io *io;

	read_lock_bh(&sk->sk_callback_lock);
	io = sk->sk_user_data;
	if (io && !READ_ONCE(*io->dead))
		netswap_io_kick(io);
	read_unlock_bh(&sk->sk_callback_lock);
}

static void netswap_io_write_space(struct sock *sk)
{
	struct netswap_io *io;

	read_lock_bh(&sk->sk_callback_lock);
	io = sk->sk_user_data;
	if (io && sk_stream_is_writeable(sk)) {
		clear_bit(SOCK_NOSPACE, &sk->sk_socket->flags);
		if (!READ_ONCE(*io->dead))
			netswap_io_kick(io);
	}
	read_unlock_bh(&sk->sk_callback_lock);
}

static void netswap_io_state_change(struct sock *sk)
{
	struct netswap_io *io;

	read_lock_bh(&sk->sk_callback_lock);
	io = sk->sk_user_data;
	if (io && !READ_ONCE(*io->dead)) {
		switch (sk->sk_state) {
		case TCP_CLOSE:
		case TCP_CLOSE_WAIT:
		case TCP_LAST_ACK:
		case TCP_FIN_WAIT1:
		case TCP_FIN_WAIT2:
			netswap_error(io->nd, -ECONNRESET,
				      "connection closed by target");
			break;
		default:
			break;
		}
	}
	read_unlock_bh(&sk->sk_callback_lock);
}

void netswap_io_attach(struct netswap_io *io, struct socket *sock)
{
	struct sock *sk = sock->sk;

	io->failed = false;	/* a new connection; the worker is not queued */
	io->sock = sock;
	write_lock_bh(&sk->sk_callback_lock);
	sk->sk_user_data = io;
	io->old_data_ready = sk->sk_data_ready;
	io->old_write_space = sk->sk_write_space;
	io->old_state_change = sk->sk_state_change;
	sk->sk_data_ready = netswap_io_data_ready;
	sk->sk_write_space = netswap_io_write_space;
	sk->sk_state_change = netswap_io_state_change;
	write_unlock_bh(&sk->sk_callback_lock);
}

void netswap_io_detach(struct netswap_io *io, struct socket *sock)
{
	struct sock *sk = sock->sk;

	write_lock_bh(&sk->sk_callback_lock);
	if (sk->sk_user_data == io) {
		sk->sk_user_data = NULL;
		sk->sk_data_ready = io->old_data_ready;
		sk->sk_write_space = io->old_write_space;
		sk->sk_state_change = io->old_state_change;
	}
	write_unlock_bh(&sk->sk_callback_lock);
}

/* ---------------- liveness ---------------- */

static void netswap_pinger_work(struct work_struct *work)
{
	struct netswap_pinger *p = container_of(to_delayed_work(work),
						struct netswap_pinger, work);
	struct netswap_dev *nd = p->io->nd;
	bool send = false, lost = false;

	spin_lock_bh(p->lock);
	if (READ_ONCE(*p->io->dead)) {
		spin_unlock_bh(p->lock);
		return;
	}
	if (!p->outstanding) {
		p->queue(p->arg);
		p->outstanding = true;
		p->sent = jiffies;
		send = true;
	} else if (time_after(jiffies, p->sent +
			      msecs_to_jiffies(READ_ONCE(nd->cfg.io_timeout_ms)))) {
		/* Recovery stops us; if it could not start yet, keep watching. */
		p->sent = jiffies;
		lost = true;
	}
	spin_unlock_bh(p->lock);
	if (lost) {
		atomic64_inc(&nd->stats.timeouts);
		netswap_error(nd, -ETIMEDOUT, p->why);
	} else if (send) {
		netswap_io_kick(p->io);
	}
	queue_delayed_work(netswap_wq, &p->work,
			   msecs_to_jiffies(netswap_ping_interval_ms(nd)));
}

void netswap_pinger_init(struct netswap_pinger *p, struct netswap_io *io,
			 spinlock_t *lock, void (*queue)(void *arg), void *arg,
			 const char *why)
{
	INIT_DELAYED_WORK(&p->work, netswap_pinger_work);
	p->io = io;
	p->lock = lock;
	p->queue = queue;
	p->arg = arg;
	p->why = why;
}

/* The connection is up (its worker attached): the first ping in a while. */
void netswap_pinger_start(struct netswap_pinger *p)
{
	p->outstanding = false;
	queue_delayed_work(netswap_wq, &p->work,
			   msecs_to_jiffies(netswap_ping_interval_ms(p->io->nd)));
}

/* With the connection marked dead: no ping runs or is queued after this. */
void netswap_pinger_stop(struct netswap_pinger *p)
{
	cancel_delayed_work_sync(&p->work);
}
