/* SPDX-License-Identifier: GPL-2.0 */
/*
 * CHAP for iSCSI login (RFC 7143 section 12.1, RFC 1994): key parsing and
 * formatting. The MD5 itself is computed by the caller (the kernel crypto API
 * in netswap.ko): response = MD5(CHAP_I byte || secret || challenge).
 */
#ifndef NSP_CHAP_H
#define NSP_CHAP_H

#include "nsp_types.h"

#define CHAP_ALG_MD5		5
#define CHAP_MD5_LEN		16
#define CHAP_CHALLENGE_MAX	1024
#define CHAP_NAME_MAX		255
#define CHAP_SECRET_MAX		255
#define CHAP_SECRET_MIN		12	/* RFC 7143 12.1.3: at least 96 bits */

struct chap_challenge {
	u8	id;			/* CHAP_I */
	u8	challenge[CHAP_CHALLENGE_MAX];
	u32	challenge_len;
};

/* Offer "CHAP_A=5\0". Returns bytes written or -ENOSPC. */
int chap_build_algorithms(char *buf, size_t len);

/*
 * Parse the target's CHAP_A, CHAP_I and CHAP_C from a login text segment.
 * Returns 0; -EPROTO if a key is missing, CHAP_A is not 5, CHAP_I is not
 * 0..255, or CHAP_C is not valid hex (0x/0X) or base64 (0b/0B) or empty or
 * longer than CHAP_CHALLENGE_MAX.
 */
int chap_parse_challenge(const char *buf, size_t len, struct chap_challenge *c);

/*
 * Write "CHAP_N=<user>\0CHAP_R=0x<32 hex>\0". Returns bytes written,
 * -EINVAL for an empty or over-long user name, -ENOSPC.
 */
int chap_build_response(char *buf, size_t len, const char *user,
			const u8 digest[CHAP_MD5_LEN]);

/*
 * Decode a CHAP binary value ("0x..." hex or "0b..." base64) of @vlen bytes
 * into @out. Returns the decoded length or -EPROTO / -ENOSPC.
 */
int chap_decode_binary(const char *val, size_t vlen, u8 *out, size_t outlen);

/*
 * Mutual CHAP, initiator side: write our challenge to the target,
 * "CHAP_I=<id>\0CHAP_C=0x<hex>\0". Returns bytes written, -EINVAL if
 * @clen is 0 or above CHAP_CHALLENGE_MAX, -ENOSPC.
 */
int chap_build_challenge(char *buf, size_t len, u8 id, const u8 *challenge,
			 size_t clen);

/*
 * Mutual CHAP: parse the target's CHAP_N and CHAP_R. @name receives the
 * NUL-terminated CHAP_N. Returns 0; -EPROTO if a key is missing, CHAP_N is
 * empty or does not fit @namelen (or CHAP_NAME_MAX), or CHAP_R does not
 * decode to exactly CHAP_MD5_LEN bytes.
 */
int chap_parse_response(const char *buf, size_t len, char *name,
			size_t namelen, u8 digest[CHAP_MD5_LEN]);

#endif /* NSP_CHAP_H */
