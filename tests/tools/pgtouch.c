// SPDX-License-Identifier: GPL-2.0
/*
 * pgtouch: page-in latency of a swap device, every page verified.
 *
 *   pgtouch -m MB [-n TOUCHES] [-t SECONDS] [-s SEED] [-r READY_FILE]
 *           [-o LATENCY_FILE] [-Z]
 *
 * Maps MB of anonymous memory, writes every page once (the pattern of
 * pattern.h) and then touches random pages, one at a time: each touch
 * reads and checks the whole page and is timed from the first access to
 * the end of the check, which with MB larger than what memory leaves it
 * is one page fault served from swap (or a hit, for a page still
 * resident). Touches stop after TOUCHES (default 20000) or SECONDS
 * (default 300), whichever comes first. Prints the count, the share of
 * touches slower than 50 us (taken as faults), p50/p90/p99/p99.9 and max
 * in microseconds; -o writes every latency (us, one a line, in touch
 * order) for plots. READY_FILE is created once every page is written.
 * -Z: compressible pages, as memhog -Z.
 *
 * -f DEV: the pages are the first MB of a block device (or file) instead
 * of anonymous memory: written with O_DIRECT, then each touch is one
 * O_DIRECT read of a random page, timed and checked: the read latency of
 * the device itself, without swap. -N skips the writing (an earlier run
 * with the same seed wrote them).
 * Exit: 0, 1 if a page was corrupt, 2 on usage, mapping or I/O errors.
 */
#define _GNU_SOURCE	/* O_DIRECT */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "pattern.h"

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* Nearest-rank percentile of n sorted values. */
static double pct(const double *v, size_t n, double q)
{
	size_t k = (size_t)(q / 100.0 * n + 0.999999);

	if (k < 1)
		k = 1;
	if (k > n)
		k = n;
	return v[k - 1];
}

/* xorshift64*: the page sequence depends on the seed alone. */
static uint64_t next_rand(uint64_t *s)
{
	*s ^= *s >> 12;
	*s ^= *s << 25;
	*s ^= *s >> 27;
	return *s * 0x2545f4914f6cdd1dull;
}

static void usage(void)
{
	fprintf(stderr, "usage: pgtouch -m MB [-n TOUCHES] [-t SECONDS] [-s SEED] [-r READY_FILE] [-o LATENCY_FILE] [-Z] [-f DEV [-N]]\n");
}

#define DEV_CHUNK	(1024 * 1024)	/* bytes written per pwrite() */

/* -f: write the pattern of @pages pages at the start of @fd. */
static int dev_fill(int fd, const char *dev, uint64_t pages, size_t psz,
		    size_t dense, uint64_t seed)
{
	size_t per = DEV_CHUNK / psz, words = psz / 8, i;
	uint64_t p;
	uint8_t *buf;

	if (posix_memalign((void **)&buf, psz, DEV_CHUNK)) {
		fprintf(stderr, "pgtouch: cannot allocate a %d-byte buffer\n", DEV_CHUNK);
		return -1;
	}
	for (p = 0; p < pages; p += per) {
		size_t n = pages - p < per ? pages - p : per;

		for (i = 0; i < n; i++)
			fill((uint64_t *)(buf + i * psz), words, dense, p + i,
			     page_key(seed, p + i, 0));
		if (pwrite(fd, buf, n * psz, (off_t)(p * psz)) != (ssize_t)(n * psz)) {
			fprintf(stderr, "pgtouch: write %s at page %" PRIu64 ": %s\n",
				dev, p, strerror(errno));
			free(buf);
			return -1;
		}
	}
	free(buf);
	if (fdatasync(fd)) {
		fprintf(stderr, "pgtouch: fdatasync %s: %s\n", dev, strerror(errno));
		return -1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	unsigned long mb = 0, touches = 20000;
	uint64_t seed = 0x7067746f756368ull, rnd, pages, p, bad = 0;
	double limit = 300, t0, t, *lat, *sorted;
	const char *ready = NULL, *out = NULL, *dev = NULL;
	size_t psz = (size_t)sysconf(_SC_PAGESIZE), words = psz / 8, dense, n,
	       faults = 0;
	uint8_t *mem;
	int c, zeros = 0, nofill = 0, fd = -1;

	while ((c = getopt(argc, argv, "m:n:t:s:r:o:Zf:N")) != -1) {
		switch (c) {
		case 'm': mb = strtoul(optarg, NULL, 0); break;
		case 'n': touches = strtoul(optarg, NULL, 0); break;
		case 't': limit = strtod(optarg, NULL); break;
		case 's': seed = strtoull(optarg, NULL, 0); break;
		case 'r': ready = optarg; break;
		case 'o': out = optarg; break;
		case 'Z': zeros = 1; break;
		case 'f': dev = optarg; break;
		case 'N': nofill = 1; break;
		default:
			usage();
			return 2;
		}
	}
	if (!mb || !touches || !(limit > 0) || (nofill && !dev)) {
		usage();
		return 2;
	}
	dense = zeros ? 64 : words;
	pages = (uint64_t)mb * 1024 * 1024 / psz;
	if (dev) {
		/* One page: what each touch reads into. */
		fd = open(dev, O_RDWR | O_DIRECT);
		if (fd < 0) {
			fprintf(stderr, "pgtouch: %s: %s\n", dev, strerror(errno));
			return 2;
		}
		if (posix_memalign((void **)&mem, psz, psz)) {
			fprintf(stderr, "pgtouch: cannot allocate a page\n");
			return 2;
		}
	} else {
		mem = mmap(NULL, pages * psz, PROT_READ | PROT_WRITE,
			   MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	}
	lat = calloc(touches, sizeof(*lat));
	sorted = calloc(touches, sizeof(*sorted));
	if (mem == MAP_FAILED || !lat || !sorted) {
		fprintf(stderr, "pgtouch: cannot map %lu MB or %lu latencies: %s\n",
			mb, touches, strerror(errno));
		return 2;
	}

	t0 = now();
	if (dev && !nofill) {
		if (dev_fill(fd, dev, pages, psz, dense, seed))
			return 2;
	} else if (!dev) {
		for (p = 0; p < pages; p++)
			fill((uint64_t *)(mem + p * psz), words, dense, p, page_key(seed, p, 0));
	}
	printf("pgtouch: %" PRIu64 " pages %s, %.1f s\n", pages,
	       nofill ? "already written" : "written", now() - t0);
	fflush(stdout);
	if (ready) {
		FILE *f = fopen(ready, "w");

		if (f)
			fclose(f);
	}

	rnd = seed | 1;
	t0 = now();
	for (n = 0; n < touches; n++) {
		const uint8_t *pg;

		p = next_rand(&rnd) % pages;
		t = now();
		pg = mem + (dev ? 0 : p * psz);
		if (dev) {
			ssize_t r = pread(fd, mem, psz, (off_t)(p * psz));

			if (r != (ssize_t)psz) {
				fprintf(stderr, "pgtouch: read %s at page %" PRIu64 ": %s\n",
					dev, p, r < 0 ? strerror(errno) : "short read");
				return 2;
			}
		}
		if (!check((const uint64_t *)pg, words, dense, p,
			   page_key(seed, p, 0))) {
			if (bad < 5)
				fprintf(stderr, "pgtouch: page %" PRIu64 " corrupt (first word %#" PRIx64 ")\n",
					p, *(const uint64_t *)pg);
			bad++;
		}
		lat[n] = (now() - t) * 1e6;
		if (lat[n] > 50)
			faults++;
		if ((n & 63) == 63 && now() - t0 > limit) {
			n++;
			break;
		}
	}
	t = now() - t0;

	if (out) {
		FILE *f = fopen(out, "w");

		if (!f) {
			fprintf(stderr, "pgtouch: %s: %s\n", out, strerror(errno));
			return 2;
		}
		for (size_t i = 0; i < n; i++)
			fprintf(f, "%.1f\n", lat[i]);
		fclose(f);
	}
	memcpy(sorted, lat, n * sizeof(*sorted));
	qsort(sorted, n, sizeof(*sorted), cmp_double);
	printf("pgtouch: %zu touches in %.1f s, %zu faults (> 50 us), latency us: p50 %.0f p90 %.0f p99 %.0f p99.9 %.0f max %.0f, %" PRIu64 " corrupt\n",
	       n, t, faults, pct(sorted, n, 50), pct(sorted, n, 90),
	       pct(sorted, n, 99), pct(sorted, n, 99.9), sorted[n - 1], bad);
	return bad ? 1 : 0;
}
