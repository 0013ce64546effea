// SPDX-License-Identifier: GPL-2.0
/*
 * tcg-cx16: does this QEMU's x86 TCG corrupt EFLAGS at CMPXCHG16B?
 *
 *   cc -O1 -o tcg-cx16 tests/tools/tcg-cx16.c && qemu-x86_64 -cpu max ./tcg-cx16
 *
 * QEMU 7.2 (Debian 12's) calls its CMPXCHG16B helper without first storing
 * the translator's pending condition-code state, so the helper rebuilds
 * EFLAGS from a stale operation and the previous instruction's operand:
 * after "cmp %rbx,%rcx; cmpxchg16b" the flags hold %rbx's low bits.
 * A guest kernel does exactly this in SLUB's per-CPU fast path; the
 * garbage then reaches popf (local_irq_restore) and sets TF, DF, IF or
 * NT at random: the guests die of double faults and lock-ups. The VM
 * harness therefore boots its guests with "-cpu max,-cx16".
 *
 * Prints the flags seen and exits 1 if any reserved or system bit was set
 * (affected), 0 if not (real hardware prints 0x203 and 0 of 1000).
 */
#include <stdio.h>

static __int128 slot __attribute__((aligned(16)));

int main(void)
{
	/* CF PF AF ZF SF OF, the fixed bit 1, and IF (user mode) */
	const unsigned long ok = 0x8d5UL | 0x2UL | 0x200UL;
	unsigned long flags = 0, first = 0, bad = 0;
	int i;

	for (i = 0; i < 1000; i++) {
		unsigned long a = 1, d = 2, c = 4, start = 0x202;
		unsigned long b = 0xffff0000ff3e0000UL + i;

		__asm__ volatile("push %[start]\n\t"
				 "popfq\n\t"
				 "cmp %%rbx, %%rcx\n\t"
				 "cmpxchg16b (%[slot])\n\t"
				 "pushfq\n\t"
				 "pop %[flags]\n\t"
				 : [flags] "=r"(flags), "+a"(a), "+d"(d),
				   "+b"(b), "+c"(c)
				 : [slot] "r"(&slot), [start] "r"(start)
				 : "memory", "cc");
		if (!i)
			first = flags;
		if (flags & ~ok)
			bad++;
	}
	printf("flags after cmp; cmpxchg16b: %#lx; %lu of 1000 with bits no CPU sets\n",
	       first, bad);
	return bad ? 1 : 0;
}
