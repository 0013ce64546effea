// SPDX-License-Identifier: GPL-2.0
/*
 * memhog: swap workload with page-exact verification.
 *
 *   memhog -m MB [-p PASSES] [-s SEED] [-r READY_FILE] [-P SECONDS] [-Z]
 *
 * Maps MB of anonymous memory and, on every pass, checks that each page
 * still holds what the previous pass wrote there and then writes a new
 * pattern unique to (page, pass). With MB larger than RAM every page goes
 * through swap and back. Prints one progress line per pass and a summary;
 * exits 1 if any page was corrupt, 2 on usage or mapping errors. -P adds a
 * line at most every SECONDS inside a pass, for people watching it. -Z
 * makes the pages compressible (the pattern in the first 512 bytes, zeros
 * after, all verified), as zram needs to hold more than RAM.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "pattern.h"

int main(int argc, char **argv)
{
	unsigned long mb = 0, passes = 3;
	uint64_t seed = 0x6e657473776170ull, bad = 0, pages, p;
	const char *ready = NULL;
	size_t psz = (size_t)sysconf(_SC_PAGESIZE), words = psz / 8, dense;
	double t0, every = 0, next;
	uint8_t *mem;
	unsigned int pass;
	int c, zeros = 0;

	while ((c = getopt(argc, argv, "m:p:s:r:P:Z")) != -1) {
		switch (c) {
		case 'm': mb = strtoul(optarg, NULL, 0); break;
		case 'p': passes = strtoul(optarg, NULL, 0); break;
		case 's': seed = strtoull(optarg, NULL, 0); break;
		case 'r': ready = optarg; break;
		case 'P': every = strtod(optarg, NULL); break;
		case 'Z': zeros = 1; break;
		default:
			fprintf(stderr, "usage: memhog -m MB [-p PASSES] [-s SEED] [-r READY_FILE] [-P SECONDS] [-Z]\n");
			return 2;
		}
	}
	if (!mb || !passes) {
		fprintf(stderr, "memhog: -m MB and PASSES must be positive\n");
		return 2;
	}
	dense = zeros ? 64 : words;
	pages = (uint64_t)mb * 1024 * 1024 / psz;
	mem = mmap(NULL, pages * psz, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (mem == MAP_FAILED) {
		fprintf(stderr, "memhog: mmap %lu MB: %s\n", mb, strerror(errno));
		return 2;
	}
	t0 = now();
	for (pass = 0; pass <= passes; pass++) {
		uint64_t pass_bad = 0;
		double t = now();

		next = t + every;
		for (p = 0; p < pages; p++) {
			uint64_t *w = (uint64_t *)(mem + p * psz);

			if (every > 0 && (p & 1023) == 0 && now() >= next) {
				printf("memhog: pass %u/%lu: %3.0f%% (%" PRIu64 " of %" PRIu64 " pages), %" PRIu64 " corrupt\n",
				       pass, passes, 100.0 * p / pages, p, pages,
				       bad + pass_bad);
				fflush(stdout);
				next = now() + every;
			}

			if (pass > 0 &&
			    !check(w, words, dense, p, page_key(seed, p, pass - 1))) {
				if (pass_bad < 5)
					fprintf(stderr, "memhog: page %" PRIu64 " corrupt after pass %u (first word %#" PRIx64 ")\n",
						p, pass - 1, w[0]);
				pass_bad++;
			}
			if (pass < passes)
				fill(w, words, dense, p, page_key(seed, p, pass));
		}
		bad += pass_bad;
		printf("memhog: pass %u/%lu: %" PRIu64 " pages %s, %" PRIu64 " corrupt, %.1f s\n",
		       pass, passes, pages, pass == passes ? "verified" :
		       pass ? "verified+rewritten" : "written", pass_bad,
		       now() - t);
		fflush(stdout);
		if (pass == 0 && ready) {
			FILE *f = fopen(ready, "w");

			if (f)
				fclose(f);
		}
	}
	printf("memhog: %lu MB, %lu passes, %" PRIu64 " corrupt pages, %.1f s\n",
	       mb, passes, bad, now() - t0);
	return bad ? 1 : 0;
}
