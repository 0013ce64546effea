/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Portable base for the pure protocol codecs in kernel/proto.
 *
 * The codecs are compiled into netswap.ko and into userspace unit tests and
 * fuzzers, so they include nothing but this header: fixed-width types, the
 * errno values they return, and unaligned big/little-endian accessors.
 */
#ifndef NSP_TYPES_H
#define NSP_TYPES_H

#ifdef __KERNEL__
#include <linux/types.h>
#include <linux/string.h>
#include <linux/errno.h>
#include <linux/kernel.h>	/* snprintf */
#else
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <errno.h>
#include <stdio.h>
typedef uint8_t u8;
typedef uint16_t u16;
typedef uint32_t u32;
typedef uint64_t u64;
typedef int32_t s32;
#endif

static inline u16 nsp_get_be16(const u8 *p)
{
	return (u16)((u16)p[0] << 8 | p[1]);
}

static inline u32 nsp_get_be24(const u8 *p)
{
	return (u32)p[0] << 16 | (u32)p[1] << 8 | p[2];
}

static inline u32 nsp_get_be32(const u8 *p)
{
	return (u32)p[0] << 24 | (u32)p[1] << 16 | (u32)p[2] << 8 | p[3];
}

static inline u64 nsp_get_be64(const u8 *p)
{
	return (u64)nsp_get_be32(p) << 32 | nsp_get_be32(p + 4);
}

static inline void nsp_put_be16(u8 *p, u16 v)
{
	p[0] = (u8)(v >> 8);
	p[1] = (u8)v;
}

static inline void nsp_put_be24(u8 *p, u32 v)
{
	p[0] = (u8)(v >> 16);
	p[1] = (u8)(v >> 8);
	p[2] = (u8)v;
}

static inline void nsp_put_be32(u8 *p, u32 v)
{
	p[0] = (u8)(v >> 24);
	p[1] = (u8)(v >> 16);
	p[2] = (u8)(v >> 8);
	p[3] = (u8)v;
}

static inline void nsp_put_be64(u8 *p, u64 v)
{
	nsp_put_be32(p, (u32)(v >> 32));
	nsp_put_be32(p + 4, (u32)v);
}

static inline void nsp_put_le32(u8 *p, u32 v)
{
	p[0] = (u8)v;
	p[1] = (u8)(v >> 8);
	p[2] = (u8)(v >> 16);
	p[3] = (u8)(v >> 24);
}

static inline u32 nsp_get_le32(const u8 *p)
{
	return (u32)p[3] << 24 | (u32)p[2] << 16 | (u32)p[1] << 8 | p[0];
}

/* Serial number arithmetic (RFC 1982, 32 bit) for CmdSN/StatSN windows. */
static inline bool nsp_sn_lt(u32 a, u32 b)
{
	return a != b && (s32)(a - b) < 0;
}

static inline bool nsp_sn_le(u32 a, u32 b)
{
	return a == b || (s32)(a - b) < 0;
}

#endif /* NSP_TYPES_H */
