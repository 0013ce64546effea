// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer harness: chap_parse_challenge(), chap_parse_response() and
 * chap_decode_binary() with several output sizes, and what decodes sent
 * back out as our own challenge (chap_build_challenge(), mutual CHAP)
 * decodes to the same bytes.
 */
#include <stdlib.h>
#include "chap.h"
#include "iscsi_text.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct chap_challenge c;
	static u8 out[CHAP_CHALLENGE_MAX], again[CHAP_CHALLENGE_MAX];
	static char txt[2 * CHAP_CHALLENGE_MAX + 32];
	static const size_t outlens[] = { 0, 1, 16, CHAP_CHALLENGE_MAX };
	const char *s = (const char *)data;
	char name[CHAP_NAME_MAX + 1];
	u8 digest[CHAP_MD5_LEN];
	size_t i, vlen;
	const char *v;
	int n, m;

	if (chap_parse_challenge(s, size, &c) == 0 &&
	    (!c.challenge_len || c.challenge_len > CHAP_CHALLENGE_MAX))
		abort();
	if (chap_parse_response(s, size, name, sizeof(name), digest) == 0 &&
	    (!name[0] || strlen(name) > CHAP_NAME_MAX))
		abort();

	for (i = 0; i < sizeof(outlens) / sizeof(outlens[0]); i++) {
		n = chap_decode_binary(s, size, out, outlens[i]);
		if (n > (int)outlens[i] || (n <= 0 && n != -EPROTO &&
					    n != -ENOSPC))
			abort();
	}
	n = chap_decode_binary(s, size, out, sizeof(out));
	if (n > 0) {
		m = chap_build_challenge(txt, sizeof(txt), data[0], out,
					 (size_t)n);
		if (m <= 0)
			abort();
		v = iscsi_text_find(txt, (size_t)m, "CHAP_C", &vlen);
		if (!v || chap_decode_binary(v, vlen, again,
					     sizeof(again)) != n ||
		    memcmp(out, again, (size_t)n))
			abort();
	}
	return 0;
}
