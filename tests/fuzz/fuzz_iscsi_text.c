// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer harness: iscsi_text_parse() with a fixed configuration, plus
 * iscsi_text_find(), iscsi_text_parse_number(), iscsi_split_target_address()
 * and iscsi_name_valid().
 * The first input byte picks the reply buffer size, the rest is the text
 * segment (a heap buffer of exactly that size, so overreads are caught).
 */
#include <stdlib.h>
#include "iscsi_text.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const struct iscsi_login_cfg cfg = {
	.initiator_name = "iqn.2024-01.org.example:fuzz",
	.target_name = "iqn.2024-01.org.example:target",
	.chap = true,
	.header_digest = true,
	.data_digest = false,
	.max_recv_dsl = 65536,
	.max_burst = 262144,
	.first_burst = 65536,
	.immediate_data = true,
	.initial_r2t = false,
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct iscsi_session_params p;
	char reply[256], err[96];
	size_t reply_len, used = 0, vlen;
	const char *text, *v;
	char *name;
	u64 num;
	int ret;

	if (size < 1)
		return 0;
	reply_len = data[0];
	text = (const char *)data + 1;
	size--;

	iscsi_params_init(&p, &cfg);
	memset(err, 'X', sizeof(err));
	ret = iscsi_text_parse(text, size, &cfg, &p, reply, reply_len, &used,
			       err, sizeof(err));
	/* -EACCES: an AuthMethod other than the CHAP offered (a downgrade). */
	if (ret != 0 && ret != -EPROTO && ret != -ENOSPC && ret != -EACCES)
		abort();
	if (used > reply_len || !memchr(err, '\0', sizeof(err)))
		abort();
	if (ret == 0) {
		if (p.max_xmit_dsl < ISCSI_MIN_DSL ||
		    p.max_xmit_dsl > ISCSI_MAX_DSL_NEG)
			abort();
		if (p.first_burst > p.max_burst || p.max_burst > cfg.max_burst)
			abort();
		if (p.erl || p.max_outstanding_r2t != 1 ||
		    p.max_connections != 1)
			abort();
		if (p.data_digest || !p.data_pdu_in_order)
			abort();
	}

	v = iscsi_text_find(text, size, "CHAP_C", &vlen);
	if (v && (v < text || v + vlen > text + size))
		abort();
	iscsi_text_parse_number(text, size, &num);
	{
		/* A SendTargets answer: every record inside the text. */
		const char *n, *a;
		size_t pos = 0, nl, al;
		int r, k = 0;

		while ((r = iscsi_sendtargets_next(text, size, &pos, &n, &nl,
						   &a, &al)) == 1 && k++ < 100000) {
			if (n < text || n + nl > text + size || !nl ||
			    (a && (a < text || a + al > text + size)) ||
			    pos > size)
				abort();
		}
	}
	{
		/* A redirect's TargetAddress: the host fits and is a string. */
		char host[40];
		u16 port;

		memset(host, 'x', sizeof(host));
		if (!iscsi_split_target_address(text, size, host, sizeof(host),
						&port) &&
		    (!memchr(host, '\0', sizeof(host)) || !host[0] || !port))
			abort();
	}

	name = malloc(size + 1);
	if (!name)
		return 0;
	memcpy(name, text, size);
	name[size] = '\0';
	iscsi_name_valid(name);
	free(name);
	return 0;
}
