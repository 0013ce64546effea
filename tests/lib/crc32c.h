/* SPDX-License-Identifier: GPL-2.0 */
/*
 * CRC32C (Castagnoli, reflected polynomial 0x82f63b78) for the userspace
 * unit tests and fuzzers: the update step of the kernel's crc32c(), with
 * no inversion, bit by bit (speed does not matter here).
 */
#ifndef NS_TEST_CRC32C_H
#define NS_TEST_CRC32C_H

#include <stddef.h>
#include <stdint.h>

static inline uint32_t test_crc32c(uint32_t crc, const void *p, size_t len)
{
	const uint8_t *b = p;
	int k;

	while (len--) {
		crc ^= *b++;
		for (k = 0; k < 8; k++)
			crc = (crc >> 1) ^ (0x82f63b78u & -(crc & 1));
	}
	return crc;
}

#endif /* NS_TEST_CRC32C_H */
