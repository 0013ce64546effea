// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer harness: the module's NFS reply reception (rpc_rx.c) driven
 * the way ns_rx_next() and ns_rx_got() drive it
 * (tests/lib/rpc_rx_caller.h): record markers and fragments of any size,
 * the header gathered as its decoder asks, READ data into a request's
 * pages, the rest skipped. The first
 * input byte picks the largest read; the rest is the stream. The cursor
 * must always ask for at least one byte and never place data past the
 * request (the caller aborts, ASan sees every byte).
 */
#include "../lib/rpc_rx_caller.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct rx_caller c;
	long used;

	if (!size)
		return 0;
	rx_caller_init(&c);
	used = rx_caller_feed(&c, data + 1, size - 1, data[0] ? data[0] : 1u << 20);
	if (used >= 0 && (size_t)used != size - 1)
		abort();
	if (used < 0 && !c.why)
		abort();
	return 0;
}
