// SPDX-License-Identifier: GPL-2.0
/*
 * swapctl: the netswap generic netlink family (GET and the events group)
 * through libnl-genl-3. The attribute numbers are the kernel's, from
 * kernel/uapi/netswap.h.
 */
#include <errno.h>
#include <poll.h>
#include <sys/socket.h>
#include <linux/netlink.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <netlink/genl/ctrl.h>
#include <netlink/genl/genl.h>
#include <netlink/msg.h>
#include <netlink/netlink.h>
#include "netswap.h"
#include "nl.h"

struct ns_nl {
	struct nl_sock	*sk;
	int		family;
};

static const char *const ns_state_names[] = {
	[NETSWAP_STATE_DISABLED]	= "disabled",
	[NETSWAP_STATE_CONNECTING]	= "connecting",
	[NETSWAP_STATE_UP]		= "up",
	[NETSWAP_STATE_RECOVERING]	= "recovering",
	[NETSWAP_STATE_FAILED]		= "failed",
	[NETSWAP_STATE_REMOVED]		= "removed",
};

const char *ns_state_name(int state)
{
	if (state < 0 || state > NETSWAP_STATE_REMOVED)
		return "unknown";
	return ns_state_names[state];
}

/* What is read back is checked: the kernel is trusted, but not blindly. */
static struct nla_policy ns_attr_policy[NETSWAP_A_MAX + 1] = {
	[NETSWAP_A_NAME]	= { .type = NLA_STRING },
	[NETSWAP_A_TRANSPORT]	= { .type = NLA_U8 },
	[NETSWAP_A_ADDRESS]	= { .type = NLA_STRING },
	[NETSWAP_A_PORT]	= { .type = NLA_U16 },
	[NETSWAP_A_TARGET]	= { .type = NLA_STRING },
	[NETSWAP_A_LUN]		= { .type = NLA_U32 },
	[NETSWAP_A_EXPORT]	= { .type = NLA_STRING },
	[NETSWAP_A_FILE]	= { .type = NLA_STRING },
	[NETSWAP_A_ENABLED]	= { .type = NLA_U8 },
	[NETSWAP_A_STATE]	= { .type = NLA_U8 },
	[NETSWAP_A_DISK]	= { .type = NLA_STRING },
	[NETSWAP_A_CAPACITY]	= { .type = NLA_U64 },
	[NETSWAP_A_RESERVE_KB]	= { .type = NLA_U32 },
	[NETSWAP_A_QUEUE_DEPTH]	= { .type = NLA_U32 },
	[NETSWAP_A_LAST_ERROR]	= { .type = NLA_STRING },
	[NETSWAP_A_STATS]	= { .type = NLA_NESTED },
	[NETSWAP_A_OLD_STATE]	= { .type = NLA_U8 },
	[NETSWAP_A_ERRNO]	= { .type = NLA_U32 },
	[NETSWAP_A_REASON]	= { .type = NLA_STRING },
	[NETSWAP_A_RECOVERY_MS]	= { .type = NLA_U64 },
	[NETSWAP_A_RECOVERY_ATTEMPTS] = { .type = NLA_U32 },
	[NETSWAP_A_DISCARD_MAX_BYTES] = { .type = NLA_U32 },
	[NETSWAP_A_DISCARD_GRANULARITY] = { .type = NLA_U32 },
	[NETSWAP_A_SEAL]	= { .type = NLA_U8 },
	[NETSWAP_A_SEAL_KB]	= { .type = NLA_U32 },
};

static void ns_copy_str(char *dst, size_t size, const struct nlattr *a)
{
	size_t len;

	dst[0] = '\0';
	if (!a)
		return;
	len = strnlen(nla_data(a), nla_len(a));
	if (len >= size)
		len = size - 1;
	memcpy(dst, nla_data(a), len);
	dst[len] = '\0';
}

static uint64_t ns_u64(struct nlattr **tb, int type)
{
	return tb[type] ? nla_get_u64(tb[type]) : 0;
}

static void ns_parse_stats(struct nlattr *nest, struct ns_status *st)
{
	struct nlattr *tb[NETSWAP_A_STATS_MAX + 1];

	if (!nest || nla_parse_nested(tb, NETSWAP_A_STATS_MAX, nest, NULL))
		return;
	st->reads = ns_u64(tb, NETSWAP_A_STATS_READS);
	st->writes = ns_u64(tb, NETSWAP_A_STATS_WRITES);
	st->flushes = ns_u64(tb, NETSWAP_A_STATS_FLUSHES);
	st->read_bytes = ns_u64(tb, NETSWAP_A_STATS_READ_BYTES);
	st->write_bytes = ns_u64(tb, NETSWAP_A_STATS_WRITE_BYTES);
	if (tb[NETSWAP_A_STATS_INFLIGHT])
		st->inflight = nla_get_u32(tb[NETSWAP_A_STATS_INFLIGHT]);
	st->errors = ns_u64(tb, NETSWAP_A_STATS_ERRORS);
	st->retries = ns_u64(tb, NETSWAP_A_STATS_RETRIES);
	st->timeouts = ns_u64(tb, NETSWAP_A_STATS_TIMEOUTS);
	st->recoveries = ns_u64(tb, NETSWAP_A_STATS_RECOVERIES);
	st->reconnects = ns_u64(tb, NETSWAP_A_STATS_RECONNECTS);
	st->read_lat_sum_us = ns_u64(tb, NETSWAP_A_STATS_READ_LAT_SUM_US);
	st->read_lat_max_us = ns_u64(tb, NETSWAP_A_STATS_READ_LAT_MAX_US);
	st->write_lat_sum_us = ns_u64(tb, NETSWAP_A_STATS_WRITE_LAT_SUM_US);
	st->write_lat_max_us = ns_u64(tb, NETSWAP_A_STATS_WRITE_LAT_MAX_US);
	st->reconnect_attempts = ns_u64(tb, NETSWAP_A_STATS_RECONNECT_ATTEMPTS);
	st->recovery_total_ms = ns_u64(tb, NETSWAP_A_STATS_RECOVERY_MS);
	st->discards = ns_u64(tb, NETSWAP_A_STATS_DISCARDS);
	st->discard_bytes = ns_u64(tb, NETSWAP_A_STATS_DISCARD_BYTES);
	st->integrity_errors = ns_u64(tb, NETSWAP_A_STATS_INTEGRITY_ERRORS);
}

static int ns_parse_status(struct nl_msg *msg, struct ns_status *st)
{
	struct nlattr *tb[NETSWAP_A_MAX + 1];
	int ret;

	ret = genlmsg_parse(nlmsg_hdr(msg), 0, tb, NETSWAP_A_MAX,
			    ns_attr_policy);
	if (ret < 0 || !tb[NETSWAP_A_NAME])
		return -EBADMSG;
	memset(st, 0, sizeof(*st));
	ns_copy_str(st->name, sizeof(st->name), tb[NETSWAP_A_NAME]);
	if (tb[NETSWAP_A_TRANSPORT])
		st->transport = nla_get_u8(tb[NETSWAP_A_TRANSPORT]);
	ns_copy_str(st->address, sizeof(st->address), tb[NETSWAP_A_ADDRESS]);
	if (tb[NETSWAP_A_PORT])
		st->port = nla_get_u16(tb[NETSWAP_A_PORT]);
	ns_copy_str(st->target, sizeof(st->target), tb[NETSWAP_A_TARGET]);
	if (tb[NETSWAP_A_LUN])
		st->lun = nla_get_u32(tb[NETSWAP_A_LUN]);
	ns_copy_str(st->export, sizeof(st->export), tb[NETSWAP_A_EXPORT]);
	ns_copy_str(st->file, sizeof(st->file), tb[NETSWAP_A_FILE]);
	if (tb[NETSWAP_A_ENABLED])
		st->enabled = nla_get_u8(tb[NETSWAP_A_ENABLED]);
	if (tb[NETSWAP_A_STATE])
		st->state = nla_get_u8(tb[NETSWAP_A_STATE]);
	ns_copy_str(st->disk, sizeof(st->disk), tb[NETSWAP_A_DISK]);
	st->capacity = ns_u64(tb, NETSWAP_A_CAPACITY);
	if (tb[NETSWAP_A_RESERVE_KB])
		st->reserve_kb = nla_get_u32(tb[NETSWAP_A_RESERVE_KB]);
	if (tb[NETSWAP_A_QUEUE_DEPTH])
		st->queue_depth = nla_get_u32(tb[NETSWAP_A_QUEUE_DEPTH]);
	ns_copy_str(st->last_error, sizeof(st->last_error),
		    tb[NETSWAP_A_LAST_ERROR]);
	st->recovery_ms = ns_u64(tb, NETSWAP_A_RECOVERY_MS);
	if (tb[NETSWAP_A_RECOVERY_ATTEMPTS])
		st->recovery_attempts = nla_get_u32(tb[NETSWAP_A_RECOVERY_ATTEMPTS]);
	if (tb[NETSWAP_A_DISCARD_MAX_BYTES])
		st->discard_max_bytes = nla_get_u32(tb[NETSWAP_A_DISCARD_MAX_BYTES]);
	if (tb[NETSWAP_A_DISCARD_GRANULARITY])
		st->discard_granularity =
			nla_get_u32(tb[NETSWAP_A_DISCARD_GRANULARITY]);
	if (tb[NETSWAP_A_SEAL])
		st->seal = nla_get_u8(tb[NETSWAP_A_SEAL]);
	if (tb[NETSWAP_A_SEAL_KB])
		st->seal_kb = nla_get_u32(tb[NETSWAP_A_SEAL_KB]);
	ns_parse_stats(tb[NETSWAP_A_STATS], st);
	return 0;
}

struct ns_nl *ns_nl_open(char *err, size_t errlen)
{
	struct ns_nl *nl = calloc(1, sizeof(*nl));
	int ret, one = 1;

	if (!nl) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	nl->sk = nl_socket_alloc();
	if (!nl->sk) {
		snprintf(err, errlen, "out of memory");
		goto fail;
	}
	ret = genl_connect(nl->sk);
	if (ret < 0) {
		snprintf(err, errlen, "netlink: %s", nl_geterror(ret));
		goto fail;
	}
	/*
	 * No ACK after a reply: a GET is answered by its reply (or an
	 * error), and an unread ACK would be taken for the next request's.
	 */
	nl_socket_disable_auto_ack(nl->sk);
	/* Ask for the kernel's error texts ("no such target"). */
	setsockopt(nl_socket_get_fd(nl->sk), SOL_NETLINK, NETLINK_EXT_ACK,
		   &one, sizeof(one));
	nl->family = genl_ctrl_resolve(nl->sk, NETSWAP_GENL_NAME);
	if (nl->family < 0) {
		snprintf(err, errlen,
			 "generic netlink family '%s' not found (is the netswap module loaded?)",
			 NETSWAP_GENL_NAME);
		errno = ENOENT;
		goto fail;
	}
	return nl;
fail:
	ns_nl_close(nl);
	return NULL;
}

void ns_nl_close(struct ns_nl *nl)
{
	if (!nl)
		return;
	if (nl->sk)
		nl_socket_free(nl->sk);
	free(nl);
}

struct ns_collect {
	struct ns_status	*v;
	int			n, cap;
	int			err;
};

static int ns_collect_cb(struct nl_msg *msg, void *arg)
{
	struct ns_collect *c = arg;
	struct ns_status *v;

	if (c->n == c->cap) {
		int cap = c->cap ? c->cap * 2 : 8;

		v = realloc(c->v, cap * sizeof(*v));
		if (!v) {
			c->err = -ENOMEM;
			return NL_STOP;
		}
		c->v = v;
		c->cap = cap;
	}
	if (ns_parse_status(msg, &c->v[c->n]))
		c->err = -EBADMSG;
	else
		c->n++;
	return NL_OK;
}

/* The kernel's extended ACK text, if it sent one, else strerror. */
struct ns_errctx {
	int	err;
	char	msg[160];
};

static int ns_error_cb(struct sockaddr_nl *nla, struct nlmsgerr *e,
		       void *arg)
{
	struct nlmsghdr *nlh = (struct nlmsghdr *)e - 1;
	struct ns_errctx *ctx = arg;
	struct nlattr *tb[NLMSGERR_ATTR_MAX + 1];
	int ack_len = sizeof(*nlh) + sizeof(int) + sizeof(*nlh);

	(void)nla;
	ctx->err = e->error;
	if (!(nlh->nlmsg_flags & NLM_F_ACK_TLVS))
		return NL_STOP;
	if (!(nlh->nlmsg_flags & NLM_F_CAPPED))
		ack_len += e->msg.nlmsg_len - sizeof(*nlh);
	if ((int)nlh->nlmsg_len <= ack_len)
		return NL_STOP;
	if (nla_parse(tb, NLMSGERR_ATTR_MAX,
		      (struct nlattr *)((char *)nlh + ack_len),
		      nlh->nlmsg_len - ack_len, NULL) == 0 &&
	    tb[NLMSGERR_ATTR_MSG])
		ns_copy_str(ctx->msg, sizeof(ctx->msg), tb[NLMSGERR_ATTR_MSG]);
	return NL_STOP;
}

static int ns_request(struct ns_nl *nl, const char *name, int flags,
		      struct ns_collect *c, char *err, size_t errlen)
{
	struct ns_errctx ectx = { 0 };
	struct nl_msg *msg;
	struct nl_cb *cb;
	int ret;

	msg = nlmsg_alloc();
	cb = nl_cb_alloc(NL_CB_DEFAULT);
	if (!msg || !cb) {
		ret = -ENOMEM;
		snprintf(err, errlen, "out of memory");
		goto out;
	}
	if (!genlmsg_put(msg, NL_AUTO_PORT, NL_AUTO_SEQ, nl->family, 0, flags,
			 NETSWAP_CMD_GET, NETSWAP_GENL_VERSION) ||
	    (name && nla_put_string(msg, NETSWAP_A_NAME, name) < 0)) {
		ret = -EMSGSIZE;
		snprintf(err, errlen, "cannot build the request");
		goto out;
	}
	nl_cb_set(cb, NL_CB_VALID, NL_CB_CUSTOM, ns_collect_cb, c);
	nl_cb_err(cb, NL_CB_CUSTOM, ns_error_cb, &ectx);
	ret = nl_send_auto(nl->sk, msg);
	if (ret < 0) {
		snprintf(err, errlen, "netlink send: %s", nl_geterror(ret));
		ret = -EIO;
		goto out;
	}
	ret = nl_recvmsgs(nl->sk, cb);
	if (ectx.err) {
		ret = ectx.err;
		snprintf(err, errlen, "%s", ectx.msg[0] ? ectx.msg :
			 strerror(-ret));
	} else if (ret < 0) {
		snprintf(err, errlen, "netlink receive: %s", nl_geterror(ret));
		ret = -EIO;
	} else if (c->err) {
		ret = c->err;
		snprintf(err, errlen, "bad reply from the kernel: %s",
			 strerror(-ret));
	} else {
		ret = 0;
	}
out:
	nl_cb_put(cb);
	nlmsg_free(msg);
	return ret;
}

int ns_nl_get(struct ns_nl *nl, const char *name, struct ns_status *st,
	      char *err, size_t errlen)
{
	struct ns_collect c = { 0 };
	int ret;

	/* A name the kernel could never have is not worth asking about. */
	if (strlen(name) > NETSWAP_UAPI_NAME_MAX) {
		snprintf(err, errlen, "no such target");
		return -ENOENT;
	}
	ret = ns_request(nl, name, 0, &c, err, errlen);
	if (!ret && c.n != 1) {
		snprintf(err, errlen, "bad reply from the kernel");
		ret = -EBADMSG;
	}
	if (!ret)
		*st = c.v[0];
	free(c.v);
	return ret;
}

int ns_nl_dump(struct ns_nl *nl, struct ns_status **out, int *n, char *err,
	       size_t errlen)
{
	struct ns_collect c = { 0 };
	int ret;

	ret = ns_request(nl, NULL, NLM_F_DUMP, &c, err, errlen);
	if (ret) {
		free(c.v);
		return ret;
	}
	*out = c.v;
	*n = c.n;
	return 0;
}

struct ns_mon {
	int	(*cb)(const struct ns_event *ev, void *arg);
	void	*arg;
	int	stop;
};

static int ns_event_cb(struct nl_msg *msg, void *arg)
{
	struct genlmsghdr *gh = nlmsg_data(nlmsg_hdr(msg));
	struct nlattr *tb[NETSWAP_A_MAX + 1];
	struct ns_mon *mon = arg;
	struct ns_event ev = { 0 };

	if (gh->cmd != NETSWAP_CMD_EVENT ||
	    genlmsg_parse(nlmsg_hdr(msg), 0, tb, NETSWAP_A_MAX,
			  ns_attr_policy) < 0 ||
	    !tb[NETSWAP_A_NAME] || !tb[NETSWAP_A_STATE])
		return NL_SKIP;
	ns_copy_str(ev.name, sizeof(ev.name), tb[NETSWAP_A_NAME]);
	ev.state = nla_get_u8(tb[NETSWAP_A_STATE]);
	ev.old_state = tb[NETSWAP_A_OLD_STATE] ?
		       nla_get_u8(tb[NETSWAP_A_OLD_STATE]) : -1;
	ev.err = tb[NETSWAP_A_ERRNO] ? (int)nla_get_u32(tb[NETSWAP_A_ERRNO]) : 0;
	ns_copy_str(ev.reason, sizeof(ev.reason), tb[NETSWAP_A_REASON]);
	if (mon->cb(&ev, mon->arg))
		mon->stop = 1;
	return NL_OK;
}

int ns_nl_monitor(struct ns_nl *nl, int (*cb)(const struct ns_event *ev,
					     void *arg),
		  void *arg, const volatile int *stop, char *err, size_t errlen)
{
	struct ns_mon mon = { .cb = cb, .arg = arg };
	struct pollfd pfd;
	int grp, ret;

	grp = genl_ctrl_resolve_grp(nl->sk, NETSWAP_GENL_NAME,
				    NETSWAP_MCGRP_EVENTS);
	if (grp < 0) {
		snprintf(err, errlen, "events group not found: %s",
			 nl_geterror(grp));
		return -ENOENT;
	}
	ret = nl_socket_add_membership(nl->sk, grp);
	if (ret < 0) {
		snprintf(err, errlen, "cannot join the events group: %s",
			 nl_geterror(ret));
		return -EIO;
	}
	nl_socket_disable_seq_check(nl->sk);
	nl_socket_modify_cb(nl->sk, NL_CB_VALID, NL_CB_CUSTOM, ns_event_cb,
			    &mon);
	pfd.fd = nl_socket_get_fd(nl->sk);
	pfd.events = POLLIN;
	while (!*stop && !mon.stop) {
		ret = poll(&pfd, 1, -1);
		if (ret < 0 && errno == EINTR)
			continue;
		if (ret < 0) {
			snprintf(err, errlen, "poll: %s", strerror(errno));
			return -errno;
		}
		ret = nl_recvmsgs_default(nl->sk);
		if (ret < 0 && ret != -NLE_INTR && ret != -NLE_AGAIN) {
			/* Events lost to a full socket buffer are not fatal. */
			if (ret == -NLE_NOMEM) {
				fprintf(stderr,
					"swapctl: monitor: events lost (socket buffer full)\n");
				continue;
			}
			snprintf(err, errlen, "netlink receive: %s",
				 nl_geterror(ret));
			return -EIO;
		}
	}
	/* Interrupted: print what already arrived before leaving. */
	if (*stop && !mon.stop && nl_socket_set_nonblocking(nl->sk) == 0) {
		do {
			ret = nl_recvmsgs_default(nl->sk);
			/* ns_event_cb sets mon.stop, unseen by cppcheck. */
			// cppcheck-suppress knownConditionTrueFalse
		} while (ret >= 0 && !mon.stop);
	}
	return 0;
}
