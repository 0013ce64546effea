/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Page patterns shared by the swap workloads (memhog, pgtouch): a page
 * holds its own index in its first word and multiples of a key unique to
 * (seed, page, generation) in the others, so a page that comes back from
 * swap with another page's contents, an older generation's or zeros fails
 * check().
 */
#ifndef NETSWAP_TOOLS_PATTERN_H
#define NETSWAP_TOOLS_PATTERN_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

static inline uint64_t page_key(uint64_t seed, uint64_t page, unsigned int gen)
{
	uint64_t x = seed ^ (page * 0x9e3779b97f4a7c15ull) ^
		     ((uint64_t)gen << 56);

	x ^= x >> 31;
	x *= 0xbf58476d1ce4e5b9ull;
	x ^= x >> 29;
	return x | 1;
}

/*
 * With dense words (words per page) every word carries the pattern; a
 * smaller dense (the workloads' -Z: 64, 512 bytes) leaves the rest of the
 * page zero, which compresses as real anonymous memory does, and check()
 * verifies those zeros too.
 */
static inline void fill(uint64_t *w, size_t words, size_t dense, uint64_t page,
			uint64_t key)
{
	size_t i;

	w[0] = page;
	for (i = 1; i < words; i++)
		w[i] = i < dense ? key * i : 0;
}

static inline int check(const uint64_t *w, size_t words, size_t dense,
			uint64_t page, uint64_t key)
{
	size_t i;

	if (w[0] != page)
		return 0;
	for (i = 1; i < words; i++)
		if (w[i] != (i < dense ? key * i : 0))
			return 0;
	return 1;
}

static inline double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

#endif
