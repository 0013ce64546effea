// SPDX-License-Identifier: GPL-2.0
/*
 * swapctl watch: live swap traffic per target, like iostat. Every interval
 * one line a target: pages (4 KiB) swapped in and out per second, requests
 * in flight, the average read and write latency over the interval, and the
 * totals, all from the kernel's counters over netlink.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "nl.h"
#include "parse.h"
#include "swapctl.h"

#define NS_PAGE		4096ULL

static int ns_watch_num(const char *opt, const char *s, long lo, long hi,
			long *out)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || end == s || *end || v < lo || v > hi) {
		ns_errmsg("%s: %s: a number from %ld to %ld", opt, s, lo, hi);
		return -1;
	}
	*out = v;
	return 0;
}

static int ns_watch_sample(struct ns_nl *nl, const char *name,
			   struct ns_status **v, int *n)
{
	char err[NS_ERR_MAX];
	int ret;

	if (!name) {
		ret = ns_nl_dump(nl, v, n, err, sizeof(err));
	} else {
		*v = malloc(sizeof(**v));
		*n = 1;
		ret = *v ? ns_nl_get(nl, name, *v, err, sizeof(err)) : -ENOMEM;
		if (ret == -ENOENT)
			snprintf(err, sizeof(err), "%s: no such target", name);
		else if (ret == -ENOMEM)
			snprintf(err, sizeof(err), "out of memory");
	}
	if (ret) {
		ns_errmsg("%s", err);
		free(*v);
		*v = NULL;
		return ret == -ENOENT ? EX_NOENT : EX_SYS;
	}
	return EX_OK;
}

/* Average latency over the interval, in ms, or "-" without requests. */
static void ns_watch_lat(uint64_t sum1, uint64_t sum0, uint64_t n1,
			 uint64_t n0, char *buf, size_t len)
{
	if (n1 <= n0 || sum1 < sum0)
		snprintf(buf, len, "-");
	else
		snprintf(buf, len, "%.1f",
			 (double)(sum1 - sum0) / (double)(n1 - n0) / 1000.0);
}

static void ns_watch_rows(const struct ns_status *cur, int n,
			  const struct ns_status *prev, int np, double secs)
{
	char when[16], rl[16], wl[16];
	const struct ns_status *p;
	time_t now = time(NULL);
	struct tm tm;
	int i, j;

	localtime_r(&now, &tm);
	strftime(when, sizeof(when), "%H:%M:%S", &tm);
	for (i = 0; i < n; i++) {
		const struct ns_status *c = &cur[i];
		uint64_t in = c->read_bytes / NS_PAGE, out = c->write_bytes / NS_PAGE;
		uint64_t in0 = in, out0 = out;

		p = c;
		for (j = 0; j < np; j++)
			if (!strcmp(prev[j].name, c->name))
				p = &prev[j];
		if (p != c) {
			in0 = p->read_bytes / NS_PAGE;
			out0 = p->write_bytes / NS_PAGE;
		}
		ns_watch_lat(c->read_lat_sum_us, p->read_lat_sum_us, c->reads,
			     p->reads, rl, sizeof(rl));
		ns_watch_lat(c->write_lat_sum_us, p->write_lat_sum_us,
			     c->writes, p->writes, wl, sizeof(wl));
		printf("%-8s  %-16s %-10s %8.0f %8.0f %5u %7s %7s %10llu %10llu\n",
		       when, c->name, ns_state_name(c->state),
		       in >= in0 ? (double)(in - in0) / secs : 0.0,
		       out >= out0 ? (double)(out - out0) / secs : 0.0,
		       c->inflight, rl, wl, (unsigned long long)in,
		       (unsigned long long)out);
	}
	fflush(stdout);
}

int cmd_watch(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "interval", required_argument, NULL, 'i' },
		{ "count", required_argument, NULL, 'n' },
		{ NULL, 0, NULL, 0 },
	};
	struct ns_status *prev = NULL, *cur = NULL;
	long interval = 2, count = 0, k;
	const char *name = NULL;
	struct timespec ts;
	int c, np = 0, n = 0, ret;
	struct ns_nl *nl;
	char err[NS_ERR_MAX];

	optind = 1;
	while ((c = getopt_long(argc, argv, "i:n:", lo, NULL)) != -1) {
		switch (c) {
		case 'i':
			if (ns_watch_num("--interval", optarg, 1, 3600,
					 &interval))
				return EX_USAGE;
			break;
		case 'n':
			if (ns_watch_num("--count", optarg, 0, 1000000, &count))
				return EX_USAGE;
			break;
		default:
			return EX_USAGE;
		}
	}
	if (argc - optind > 1) {
		ns_errmsg("expected at most one NAME");
		return EX_USAGE;
	}
	if (argc - optind == 1)
		name = argv[optind];
	nl = ns_nl_open(err, sizeof(err));
	if (!nl) {
		ns_errmsg("%s", err);
		return EX_SYS;
	}
	ns_lock_memory();
	ret = ns_watch_sample(nl, name, &prev, &np);
	if (ret)
		goto out;
	printf("%-8s  %-16s %-10s %8s %8s %5s %7s %7s %10s %10s\n", "TIME",
	       "NAME", "STATE", "PGIN/s", "PGOUT/s", "INFL", "RD-ms",
	       "WR-ms", "PGIN", "PGOUT");
	for (k = 0; !count || k < count; k++) {
		ts.tv_sec = interval;
		ts.tv_nsec = 0;
		while (nanosleep(&ts, &ts) && errno == EINTR)
			;
		ret = ns_watch_sample(nl, name, &cur, &n);
		if (ret)
			break;
		ns_watch_rows(cur, n, prev, np, (double)interval);
		free(prev);
		prev = cur;
		np = n;
		cur = NULL;
	}
out:
	free(prev);
	ns_nl_close(nl);
	return ret;
}
