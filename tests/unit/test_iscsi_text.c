// SPDX-License-Identifier: GPL-2.0
/* Unit tests for kernel/proto/iscsi_text.c */
#define _GNU_SOURCE	/* memmem */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "iscsi_text.h"

#define INAME	"iqn.2024-01.org.example:host1"
#define TNAME	"iqn.2003-01.org.linux-iscsi.tgt:swap"

static struct iscsi_login_cfg base_cfg(void)
{
	struct iscsi_login_cfg cfg = {
		.initiator_name = INAME,
		.target_name = TNAME,
		.chap = true,
		.header_digest = true,
		.data_digest = false,
		.max_recv_dsl = 262144,
		.max_burst = 1048576,
		.first_burst = 262144,
		.immediate_data = true,
		.initial_r2t = false,
	};

	return cfg;
}

/*
 * Build a text segment from a string where '|' stands for NUL, in a heap
 * buffer of exactly that length so ASan catches any read past its end.
 */
static char *seg(const char *s, size_t *len)
{
	size_t n = strlen(s), i;
	char *b = malloc(n ? n : 1);

	assert_non_null(b);
	for (i = 0; i < n; i++)
		b[i] = s[i] == '|' ? '\0' : s[i];
	*len = n;
	return b;
}

struct result {
	int	ret;
	char	err[128];
	char	reply[256];
	size_t	reply_used;
};

/* Parse @text exactly as given ('|' for NUL). */
static int parse_raw(const char *text, const struct iscsi_login_cfg *cfg,
		     struct iscsi_session_params *p, struct result *r)
{
	size_t len;
	char *b = seg(text, &len);

	memset(r, 0, sizeof(*r));
	r->ret = iscsi_text_parse(b, len, cfg, p, r->reply, sizeof(r->reply),
				  &r->reply_used, r->err, sizeof(r->err));
	free(b);
	return r->ret;
}

/* Parse @text with its last pair NUL-terminated, as a target sends it. */
static int parse_with(const char *text, const struct iscsi_login_cfg *cfg,
		      struct iscsi_session_params *p, struct result *r)
{
	char t[512];
	size_t n = strlen(text);

	assert_true(n + 2 <= sizeof(t));
	memcpy(t, text, n + 1);
	if (n && text[n - 1] != '|')
		memcpy(t + n, "|", 2);
	return parse_raw(t, cfg, p, r);
}

/* Parse @text against base_cfg() and fresh params. */
static int parse1(const char *text, struct iscsi_session_params *p,
		  struct result *r)
{
	struct iscsi_login_cfg cfg = base_cfg();

	iscsi_params_init(p, &cfg);
	return parse_with(text, &cfg, p, r);
}

static void test_build_security(void **state)
{
	static const char expect[] =
		"InitiatorName=" INAME "\0SessionType=Normal\0"
		"TargetName=" TNAME "\0AuthMethod=CHAP\0";
	static const char expect_none[] =
		"InitiatorName=" INAME "\0SessionType=Normal\0"
		"TargetName=" TNAME "\0AuthMethod=None\0";
	struct iscsi_login_cfg cfg = base_cfg();
	char buf[512];
	int n;

	(void)state;
	n = iscsi_text_build_security(buf, sizeof(buf), &cfg);
	assert_int_equal(n, sizeof(expect) - 1);
	assert_memory_equal(buf, expect, sizeof(expect) - 1);

	cfg.chap = false;
	n = iscsi_text_build_security(buf, sizeof(buf), &cfg);
	assert_int_equal(n, sizeof(expect_none) - 1);
	assert_memory_equal(buf, expect_none, sizeof(expect_none) - 1);
}

static void test_build_security_discovery(void **state)
{
	static const char expect[] =
		"InitiatorName=" INAME "\0SessionType=Discovery\0AuthMethod=None\0";
	struct iscsi_login_cfg cfg = base_cfg();
	char buf[512];
	int n;

	(void)state;
	cfg.chap = false;
	cfg.discovery = true;
	cfg.target_name = NULL;		/* not needed, not read */
	n = iscsi_text_build_security(buf, sizeof(buf), &cfg);
	assert_int_equal(n, sizeof(expect) - 1);
	assert_memory_equal(buf, expect, sizeof(expect) - 1);
	cfg.initiator_name = "not an iqn";
	assert_int_equal(iscsi_text_build_security(buf, sizeof(buf), &cfg),
			 -EINVAL);
}

static void test_sendtargets(void **state)
{
	const char *name, *addr;
	size_t len, pos = 0, nlen, alen;
	char *b = seg("TargetName=iqn.a:1|TargetAddress=10.0.0.1:3260,1|"
		      "TargetAddress=[2001:db8::1]:3260,1|"
		      "TargetName=iqn.a:2|TargetName=iqn.a:3|"
		      "TargetAddress=10.0.0.3,2", &len);

	(void)state;
	assert_int_equal(iscsi_sendtargets_next(b, len, &pos, &name, &nlen,
						&addr, &alen), 1);
	assert_int_equal(nlen, 7);
	assert_memory_equal(name, "iqn.a:1", 7);
	assert_int_equal(alen, 15);
	assert_memory_equal(addr, "10.0.0.1:3260,1", 15);
	/* A target with no address. */
	assert_int_equal(iscsi_sendtargets_next(b, len, &pos, &name, &nlen,
						&addr, &alen), 1);
	assert_memory_equal(name, "iqn.a:2", 7);
	assert_null(addr);
	/* The last one, its value not NUL-terminated. */
	assert_int_equal(iscsi_sendtargets_next(b, len, &pos, &name, &nlen,
						&addr, &alen), 1);
	assert_memory_equal(name, "iqn.a:3", 7);
	assert_int_equal(alen, 10);
	assert_memory_equal(addr, "10.0.0.3,2", 10);
	assert_int_equal(iscsi_sendtargets_next(b, len, &pos, &name, &nlen,
						&addr, &alen), 0);
	free(b);

	/* An empty answer: no target. */
	pos = 0;
	assert_int_equal(iscsi_sendtargets_next("", 0, &pos, &name, &nlen,
						&addr, &alen), 0);
	/* An address first, an empty name, a pair without '='. */
	b = seg("TargetAddress=10.0.0.1|TargetName=iqn.a:1", &len);
	pos = 0;
	assert_int_equal(iscsi_sendtargets_next(b, len, &pos, &name, &nlen,
						&addr, &alen), -EPROTO);
	free(b);
	b = seg("TargetName=|TargetAddress=10.0.0.1", &len);
	pos = 0;
	assert_int_equal(iscsi_sendtargets_next(b, len, &pos, &name, &nlen,
						&addr, &alen), -EPROTO);
	free(b);
	b = seg("TargetName=iqn.a:1|garbage", &len);
	pos = 0;
	assert_int_equal(iscsi_sendtargets_next(b, len, &pos, &name, &nlen,
						&addr, &alen), -EPROTO);
	free(b);
}

static void test_build_security_nospace(void **state)
{
	struct iscsi_login_cfg cfg = base_cfg();
	char buf[512];
	int need, i;

	(void)state;
	need = iscsi_text_build_security(buf, sizeof(buf), &cfg);
	assert_true(need > 0);
	for (i = 0; i < need; i++) {
		char *b = malloc(i ? (size_t)i : 1);

		assert_int_equal(iscsi_text_build_security(b, (size_t)i, &cfg),
				 -ENOSPC);
		free(b);
	}
	assert_int_equal(iscsi_text_build_security(buf, (size_t)need, &cfg),
			 need);
}

static void test_build_security_bad_names(void **state)
{
	struct iscsi_login_cfg cfg = base_cfg();
	char buf[512];

	(void)state;
	cfg.initiator_name = "";
	assert_int_equal(iscsi_text_build_security(buf, sizeof(buf), &cfg),
			 -EINVAL);
	cfg = base_cfg();
	cfg.target_name = "iqn.2003-01.org.Example";	/* uppercase */
	assert_int_equal(iscsi_text_build_security(buf, sizeof(buf), &cfg),
			 -EINVAL);
	cfg = base_cfg();
	cfg.target_name = NULL;
	assert_int_equal(iscsi_text_build_security(buf, sizeof(buf), &cfg),
			 -EINVAL);
}

static void test_build_operational(void **state)
{
	static const char expect[] =
		"HeaderDigest=CRC32C\0DataDigest=None\0"
		"MaxRecvDataSegmentLength=262144\0MaxBurstLength=1048576\0"
		"FirstBurstLength=262144\0InitialR2T=No\0ImmediateData=Yes\0"
		"MaxOutstandingR2T=1\0MaxConnections=1\0ErrorRecoveryLevel=0\0"
		"DataPDUInOrder=Yes\0DataSequenceInOrder=Yes\0"
		"DefaultTime2Wait=2\0DefaultTime2Retain=0\0"
		"IFMarker=No\0OFMarker=No\0";
	struct iscsi_login_cfg cfg = base_cfg();
	char buf[1024];
	int n, i;

	(void)state;
	n = iscsi_text_build_operational(buf, sizeof(buf), &cfg);
	assert_int_equal(n, sizeof(expect) - 1);
	assert_memory_equal(buf, expect, sizeof(expect) - 1);

	for (i = 0; i < n; i++)
		assert_int_equal(iscsi_text_build_operational(buf, (size_t)i,
							      &cfg), -ENOSPC);

	cfg.header_digest = false;
	cfg.data_digest = true;
	cfg.initial_r2t = true;
	cfg.immediate_data = false;
	n = iscsi_text_build_operational(buf, sizeof(buf), &cfg);
	assert_true(n > 0);
	assert_non_null(memmem(buf, (size_t)n, "HeaderDigest=None\0", 18));
	assert_non_null(memmem(buf, (size_t)n, "DataDigest=CRC32C\0", 18));
	assert_non_null(memmem(buf, (size_t)n, "InitialR2T=Yes\0", 15));
	assert_non_null(memmem(buf, (size_t)n, "ImmediateData=No\0", 17));
}

static void test_build_operational_bad_cfg(void **state)
{
	struct iscsi_login_cfg cfg = base_cfg();
	char buf[1024];

	(void)state;
	cfg.max_recv_dsl = 511;
	assert_int_equal(iscsi_text_build_operational(buf, sizeof(buf), &cfg),
			 -EINVAL);
	cfg = base_cfg();
	cfg.max_burst = 16777216;
	assert_int_equal(iscsi_text_build_operational(buf, sizeof(buf), &cfg),
			 -EINVAL);
	cfg = base_cfg();
	cfg.first_burst = cfg.max_burst + 1;
	assert_int_equal(iscsi_text_build_operational(buf, sizeof(buf), &cfg),
			 -EINVAL);
}

static void test_params_init(void **state)
{
	struct iscsi_login_cfg cfg = base_cfg();
	struct iscsi_session_params p;

	(void)state;
	memset(&p, 0xff, sizeof(p));
	iscsi_params_init(&p, &cfg);
	assert_false(p.header_digest);
	assert_false(p.data_digest);
	assert_int_equal(p.max_xmit_dsl, 8192);
	assert_int_equal(p.max_recv_dsl, 262144);
	assert_int_equal(p.max_burst, 262144);
	assert_int_equal(p.first_burst, 65536);
	assert_true(p.initial_r2t);
	assert_true(p.immediate_data);
	assert_int_equal(p.max_outstanding_r2t, 1);
	assert_int_equal(p.max_connections, 1);
	assert_int_equal(p.erl, 0);
	assert_int_equal(p.default_time2wait, 2);
	assert_int_equal(p.default_time2retain, 20);
	assert_true(p.data_pdu_in_order);
	assert_true(p.data_seq_in_order);
	assert_false(p.tpgt_seen);
	assert_false(p.auth_seen);
	assert_false(p.auth_chap);
}

/* A complete, typical LIO answer to our operational offer. */
static void test_parse_full_answer(void **state)
{
	struct iscsi_session_params p;
	struct result r;

	(void)state;
	assert_int_equal(parse1(
		"HeaderDigest=CRC32C|DataDigest=None|"
		"MaxRecvDataSegmentLength=65536|MaxBurstLength=524288|"
		"FirstBurstLength=65536|InitialR2T=No|ImmediateData=Yes|"
		"MaxOutstandingR2T=1|MaxConnections=1|ErrorRecoveryLevel=0|"
		"DataPDUInOrder=Yes|DataSequenceInOrder=Yes|"
		"DefaultTime2Wait=2|DefaultTime2Retain=0|"
		"IFMarker=No|OFMarker=No|", &p, &r), 0);
	assert_string_equal(r.err, "");
	assert_int_equal(r.reply_used, 0);
	assert_true(p.header_digest);
	assert_false(p.data_digest);
	assert_int_equal(p.max_xmit_dsl, 65536);
	assert_int_equal(p.max_recv_dsl, 262144);
	assert_int_equal(p.max_burst, 524288);
	assert_int_equal(p.first_burst, 65536);
	assert_false(p.initial_r2t);
	assert_true(p.immediate_data);
	assert_int_equal(p.max_outstanding_r2t, 1);
	assert_int_equal(p.max_connections, 1);
	assert_int_equal(p.erl, 0);
	assert_int_equal(p.default_time2wait, 2);
	assert_int_equal(p.default_time2retain, 0);
	assert_true(p.data_pdu_in_order);
	assert_true(p.data_seq_in_order);
}

static void test_parse_header_digest(void **state)
{
	struct iscsi_login_cfg cfg = base_cfg();
	struct iscsi_session_params p;
	struct result r;

	(void)state;
	assert_int_equal(parse1("HeaderDigest=CRC32C", &p, &r), 0);
	assert_true(p.header_digest);
	/* CRC32C was asked for: a target that declines fails the login. */
	assert_int_equal(parse1("HeaderDigest=None", &p, &r), -EPROTO);
	assert_string_equal(r.err,
		"target chose HeaderDigest=None, which was not offered");
	assert_int_equal(parse1("HeaderDigest=Reject", &p, &r), -EPROTO);
	assert_int_equal(parse1("HeaderDigest=NotUnderstood", &p, &r), -EPROTO);
	/* Something we never offered. */
	assert_int_equal(parse1("HeaderDigest=MD5", &p, &r), -EPROTO);
	assert_string_equal(r.err,
		"target chose HeaderDigest=MD5, which was not offered");
	/* An answer is one value, not a list. */
	assert_int_equal(parse1("HeaderDigest=CRC32C,None", &p, &r), -EPROTO);
	/* CRC32C when we offered only None. */
	cfg.header_digest = false;
	iscsi_params_init(&p, &cfg);
	assert_int_equal(parse_with("HeaderDigest=CRC32C", &cfg, &p, &r),
			 -EPROTO);
	assert_string_equal(r.err,
		"target chose HeaderDigest=CRC32C, which was not offered");
	assert_false(p.header_digest);
	/* Offering None only, refusals keep None. */
	iscsi_params_init(&p, &cfg);
	assert_int_equal(parse_with("HeaderDigest=Reject", &cfg, &p, &r), 0);
	assert_false(p.header_digest);
	assert_int_equal(parse_with("HeaderDigest=None", &cfg, &p, &r), 0);
	assert_false(p.header_digest);
}

static void test_parse_data_digest(void **state)
{
	struct iscsi_login_cfg cfg = base_cfg();
	struct iscsi_session_params p;
	struct result r;

	(void)state;
	/* base_cfg offers DataDigest=None only. */
	assert_int_equal(parse1("DataDigest=CRC32C", &p, &r), -EPROTO);
	assert_string_equal(r.err,
		"target chose DataDigest=CRC32C, which was not offered");
	cfg.data_digest = true;
	iscsi_params_init(&p, &cfg);
	assert_int_equal(parse_with("DataDigest=CRC32C", &cfg, &p, &r), 0);
	assert_true(p.data_digest);
	iscsi_params_init(&p, &cfg);
	/* Asked for CRC32C: a refusal fails the login. */
	assert_int_equal(parse_with("DataDigest=Irrelevant", &cfg, &p, &r),
			 -EPROTO);
	assert_false(p.data_digest);
	/* Digest names are case sensitive. */
	assert_int_equal(parse_with("DataDigest=crc32c", &cfg, &p, &r),
			 -EPROTO);
}

static void test_parse_max_recv_dsl(void **state)
{
	struct iscsi_session_params p;
	struct result r;

	(void)state;
	assert_int_equal(parse1("MaxRecvDataSegmentLength=512", &p, &r), 0);
	assert_int_equal(p.max_xmit_dsl, 512);
	/* Declarative: the target's value, even above ours; no reply. */
	assert_int_equal(parse1("MaxRecvDataSegmentLength=16777215", &p, &r),
			 0);
	assert_int_equal(p.max_xmit_dsl, 16777215);
	assert_int_equal(p.max_recv_dsl, 262144);
	assert_int_equal(r.reply_used, 0);
	assert_int_equal(parse1("MaxRecvDataSegmentLength=0x2000", &p, &r), 0);
	assert_int_equal(p.max_xmit_dsl, 8192);
	assert_int_equal(parse1("MaxRecvDataSegmentLength=511", &p, &r),
			 -EPROTO);
	assert_string_equal(r.err,
		"target sent MaxRecvDataSegmentLength=511: out of range");
	assert_int_equal(p.max_xmit_dsl, 8192);
	assert_int_equal(parse1("MaxRecvDataSegmentLength=16777216", &p, &r),
			 -EPROTO);
	assert_int_equal(parse1("MaxRecvDataSegmentLength=4294967808", &p, &r),
			 -EPROTO);
	assert_int_equal(parse1("MaxRecvDataSegmentLength=", &p, &r), -EPROTO);
	assert_string_equal(r.err,
		"target sent MaxRecvDataSegmentLength=: not a number");
	assert_int_equal(parse1("MaxRecvDataSegmentLength=8k", &p, &r),
			 -EPROTO);
}

static void test_parse_min_functions(void **state)
{
	struct iscsi_session_params p;
	struct result r;

	(void)state;
	/* MaxBurstLength: we offered 1048576 */
	assert_int_equal(parse1("MaxBurstLength=1048576", &p, &r), 0);
	assert_int_equal(p.max_burst, 1048576);
	assert_int_equal(parse1("MaxBurstLength=512", &p, &r), 0);
	assert_int_equal(p.max_burst, 512);
	assert_int_equal(parse1("MaxBurstLength=1048577", &p, &r), -EPROTO);
	assert_string_equal(r.err,
		"target chose MaxBurstLength=1048577, which was not offered");
	assert_int_equal(parse1("MaxBurstLength=511", &p, &r), -EPROTO);
	assert_int_equal(parse1("MaxBurstLength=Irrelevant", &p, &r), 0);
	assert_int_equal(p.max_burst, 262144);
	/* FirstBurstLength: we offered 262144 */
	assert_int_equal(parse1("FirstBurstLength=262144", &p, &r), 0);
	assert_int_equal(p.first_burst, 262144);
	assert_int_equal(parse1("FirstBurstLength=262145", &p, &r), -EPROTO);
	/* MaxOutstandingR2T, MaxConnections: we offered 1 */
	assert_int_equal(parse1("MaxOutstandingR2T=1", &p, &r), 0);
	assert_int_equal(parse1("MaxOutstandingR2T=2", &p, &r), -EPROTO);
	assert_int_equal(parse1("MaxOutstandingR2T=0", &p, &r), -EPROTO);
	assert_string_equal(r.err,
		"target sent MaxOutstandingR2T=0: out of range");
	assert_int_equal(parse1("MaxConnections=1", &p, &r), 0);
	assert_int_equal(parse1("MaxConnections=4", &p, &r), -EPROTO);
	/* ErrorRecoveryLevel: we offered 0 */
	assert_int_equal(parse1("ErrorRecoveryLevel=0", &p, &r), 0);
	assert_int_equal(parse1("ErrorRecoveryLevel=1", &p, &r), -EPROTO);
	assert_int_equal(parse1("ErrorRecoveryLevel=3", &p, &r), -EPROTO);
	/* DefaultTime2Retain: we offered 0 */
	assert_int_equal(parse1("DefaultTime2Retain=0", &p, &r), 0);
	assert_int_equal(p.default_time2retain, 0);
	assert_int_equal(parse1("DefaultTime2Retain=20", &p, &r), -EPROTO);
	assert_int_equal(parse1("DefaultTime2Retain=Reject", &p, &r), 0);
	assert_int_equal(p.default_time2retain, 20);
}

static void test_parse_max_function(void **state)
{
	struct iscsi_session_params p;
	struct result r;

	(void)state;
	/* DefaultTime2Wait: we offered 2, result = max */
	assert_int_equal(parse1("DefaultTime2Wait=2", &p, &r), 0);
	assert_int_equal(p.default_time2wait, 2);
	assert_int_equal(parse1("DefaultTime2Wait=3600", &p, &r), 0);
	assert_int_equal(p.default_time2wait, 3600);
	assert_int_equal(parse1("DefaultTime2Wait=1", &p, &r), -EPROTO);
	assert_string_equal(r.err,
		"target chose DefaultTime2Wait=1, which was not offered");
	assert_int_equal(parse1("DefaultTime2Wait=3601", &p, &r), -EPROTO);
}

static void test_parse_first_burst_clamped(void **state)
{
	struct iscsi_session_params p;
	struct result r;

	(void)state;
	/* A target that lowered MaxBurstLength below our FirstBurstLength. */
	assert_int_equal(parse1("MaxBurstLength=65536|FirstBurstLength=262144",
				&p, &r), 0);
	assert_int_equal(p.max_burst, 65536);
	assert_int_equal(p.first_burst, 65536);
}

static void test_parse_boolean_or(void **state)
{
	struct iscsi_login_cfg cfg = base_cfg();
	struct iscsi_session_params p;
	struct result r;

	(void)state;
	/* InitialR2T: we offered No; OR lets the target pick either. */
	assert_int_equal(parse1("InitialR2T=Yes", &p, &r), 0);
	assert_true(p.initial_r2t);
	assert_int_equal(parse1("InitialR2T=No", &p, &r), 0);
	assert_false(p.initial_r2t);
	/* We offered Yes: the result can only be Yes. */
	cfg.initial_r2t = true;
	iscsi_params_init(&p, &cfg);
	assert_int_equal(parse_with("InitialR2T=No", &cfg, &p, &r), -EPROTO);
	assert_string_equal(r.err,
		"target chose InitialR2T=No, which was not offered");
	/* DataPDUInOrder, DataSequenceInOrder: we offered Yes */
	assert_int_equal(parse1("DataPDUInOrder=Yes", &p, &r), 0);
	assert_int_equal(parse1("DataPDUInOrder=No", &p, &r), -EPROTO);
	assert_int_equal(parse1("DataSequenceInOrder=No", &p, &r), -EPROTO);
	assert_int_equal(parse1("DataSequenceInOrder=yes", &p, &r), -EPROTO);
	assert_string_equal(r.err,
		"target sent DataSequenceInOrder=yes: not Yes or No");
}

static void test_parse_boolean_and(void **state)
{
	struct iscsi_login_cfg cfg = base_cfg();
	struct iscsi_session_params p;
	struct result r;

	(void)state;
	/* ImmediateData: we offered Yes; AND lets the target pick either. */
	assert_int_equal(parse1("ImmediateData=No", &p, &r), 0);
	assert_false(p.immediate_data);
	assert_int_equal(parse1("ImmediateData=Yes", &p, &r), 0);
	assert_true(p.immediate_data);
	cfg.immediate_data = false;
	iscsi_params_init(&p, &cfg);
	assert_int_equal(parse_with("ImmediateData=Yes", &cfg, &p, &r),
			 -EPROTO);
	assert_int_equal(parse_with("ImmediateData=No", &cfg, &p, &r), 0);
	assert_false(p.immediate_data);
	/* Markers: we offered No */
	assert_int_equal(parse1("IFMarker=No|OFMarker=Reject", &p, &r), 0);
	assert_int_equal(parse1("OFMarker=Yes", &p, &r), -EPROTO);
}

static void test_parse_target_offers(void **state)
{
	struct iscsi_session_params p;
	struct result r;
	static const char expect[] =
		"TargetRecvDataSegmentLength=NotUnderstood\0"
		"X-com.example.Foo=NotUnderstood\0"
		"OFMarkInt=Reject\0IFMarkInt=Reject\0";

	(void)state;
	assert_int_equal(parse1("TargetRecvDataSegmentLength=8192|"
				"X-com.example.Foo=bar|"
				"OFMarkInt=2048~8192|IFMarkInt=2048~8192|"
				"MaxRecvDataSegmentLength=8192",
				&p, &r), 0);
	assert_int_equal(r.reply_used, sizeof(expect) - 1);
	assert_memory_equal(r.reply, expect, sizeof(expect) - 1);
}

static void test_parse_reply_appends(void **state)
{
	struct iscsi_login_cfg cfg = base_cfg();
	struct iscsi_session_params p;
	char reply[64];
	size_t used = 4, len;
	char *b = seg("Foo=1|", &len);

	(void)state;
	memcpy(reply, "A=B", 4);
	iscsi_params_init(&p, &cfg);
	assert_int_equal(iscsi_text_parse(b, len, &cfg, &p, reply,
					  sizeof(reply), &used, NULL, 0), 0);
	assert_int_equal(used, 4 + sizeof("Foo=NotUnderstood"));
	assert_memory_equal(reply, "A=B\0Foo=NotUnderstood\0", used);
	free(b);
}

static void test_parse_reply_nospace(void **state)
{
	struct iscsi_login_cfg cfg = base_cfg();
	struct iscsi_session_params p;
	char reply[17], err[80];
	size_t used = 0, len;
	char *b = seg("Foo=1|", &len);

	(void)state;
	iscsi_params_init(&p, &cfg);
	/* "Foo=NotUnderstood\0" is 18 bytes */
	assert_int_equal(iscsi_text_parse(b, len, &cfg, &p, reply,
					  sizeof(reply), &used, err,
					  sizeof(err)), -ENOSPC);
	assert_int_equal(used, 0);
	assert_string_equal(err, "no room to answer target key Foo");
	/* No reply buffer at all. */
	assert_int_equal(iscsi_text_parse(b, len, &cfg, &p, NULL, 0, NULL,
					  err, sizeof(err)), -ENOSPC);
	free(b);
}

static void test_parse_auth_method(void **state)
{
	struct iscsi_login_cfg cfg = base_cfg();
	struct iscsi_session_params p;
	struct result r;

	(void)state;
	assert_int_equal(parse1("AuthMethod=CHAP", &p, &r), 0);
	assert_true(p.auth_seen);
	assert_true(p.auth_chap);
	/* With a secret set only CHAP is offered: anything else stops. */
	assert_int_equal(parse1("AuthMethod=None", &p, &r), -EACCES);
	assert_string_equal(r.err,
		"target answered AuthMethod=None to CHAP: authentication is set, so the login stops");
	assert_false(p.auth_chap);
	assert_int_equal(parse1("AuthMethod=KRB5", &p, &r), -EACCES);
	assert_int_equal(parse1("AuthMethod=Reject", &p, &r), -EACCES);
	assert_int_equal(parse1("AuthMethod=CHAP,None", &p, &r), -EACCES);
	cfg.chap = false;
	iscsi_params_init(&p, &cfg);
	assert_int_equal(parse_with("AuthMethod=None", &cfg, &p, &r), 0);
	assert_true(p.auth_seen);
	assert_false(p.auth_chap);
	assert_int_equal(parse_with("AuthMethod=CHAP", &cfg, &p, &r), -EPROTO);
	assert_false(p.auth_chap);
	assert_int_equal(parse_with("AuthMethod=KRB5", &cfg, &p, &r), -EPROTO);
	assert_string_equal(r.err,
		"target chose AuthMethod=KRB5, which was not offered");
}

static void test_parse_informational(void **state)
{
	struct iscsi_session_params p;
	struct result r;

	(void)state;
	assert_int_equal(parse1("TargetAlias=swap disk|"
				"TargetAddress=192.0.2.1:3260,1|"
				"TargetPortalGroupTag=0x10|"
				"CHAP_A=5|CHAP_I=1|CHAP_C=0x0102", &p, &r), 0);
	assert_true(p.tpgt_seen);
	assert_int_equal(p.tpgt, 16);
	assert_int_equal(r.reply_used, 0);
	assert_int_equal(parse1("TargetPortalGroupTag=65535", &p, &r), 0);
	assert_int_equal(p.tpgt, 65535);
	assert_int_equal(parse1("TargetPortalGroupTag=65536", &p, &r), -EPROTO);
	assert_int_equal(parse1("TargetPortalGroupTag=one", &p, &r), -EPROTO);
}

static void test_parse_malformed(void **state)
{
	struct iscsi_session_params p;
	struct result r;
	char longkey[100];

	(void)state;
	assert_int_equal(parse1("HeaderDigest", &p, &r), -EPROTO);
	assert_string_equal(r.err,
		"malformed key=value pair \"HeaderDigest\"");
	assert_int_equal(parse1("=None", &p, &r), -EPROTO);
	assert_int_equal(parse1("Header Digest=None", &p, &r), -EPROTO);
	/* Control characters are not echoed into the message. */
	assert_int_equal(parse1("Bad\x01Key=x", &p, &r), -EPROTO);
	assert_string_equal(r.err, "malformed key=value pair \"Bad?Key=x\"");
	memset(longkey, 'K', 64);
	strcpy(longkey + 64, "=1");
	assert_int_equal(parse1(longkey, &p, &r), -EPROTO);
	longkey[63] = '=';
	longkey[64] = '1';
	longkey[65] = '\0';
	assert_int_equal(parse1(longkey, &p, &r), 0);	/* 63 chars: ok */
	assert_int_equal(parse1("MaxBurstLength=512|MaxBurstLength=512",
				&p, &r), -EPROTO);
	assert_string_equal(r.err, "target sent MaxBurstLength twice");
}

static void test_parse_framing(void **state)
{
	struct iscsi_session_params p;
	struct result r;

	(void)state;
	/* Empty pairs and padding are fine. */
	assert_int_equal(parse1("||HeaderDigest=CRC32C||MaxBurstLength=4096",
				&p, &r), 0);
	assert_true(p.header_digest);
	assert_int_equal(p.max_burst, 4096);
	assert_int_equal(parse1("MaxBurstLength=4096|||", &p, &r), 0);
	assert_int_equal(parse1("", &p, &r), 0);
	/* A segment cut inside a value: only what is there is seen. */
	assert_int_equal(parse1("MaxBurstLength=40", &p, &r), -EPROTO);
	assert_int_equal(parse1("MaxBurst", &p, &r), -EPROTO);
}

/* A last pair without its NUL is a cut text: refused, never parsed. */
static void test_parse_unterminated(void **state)
{
	struct iscsi_login_cfg cfg = base_cfg();
	struct iscsi_session_params p;
	struct result r;

	(void)state;
	iscsi_params_init(&p, &cfg);
	assert_int_equal(parse_raw("HeaderDigest=CRC32C|MaxBurstLength=4096",
				   &cfg, &p, &r), -EPROTO);
	assert_string_equal(r.err,
		"key=value pair \"MaxBurstLength=4096\" without its terminating NUL");
	iscsi_params_init(&p, &cfg);
	assert_int_equal(parse_raw("MaxBurstLength=4096|", &cfg, &p, &r), 0);
	assert_int_equal(p.max_burst, 4096);
}

/* Digests asked for and left unanswered: the session would run without. */
static void test_digest_left_out(void **state)
{
	struct iscsi_login_cfg cfg = base_cfg();
	struct iscsi_session_params p;
	struct result r;
	char err[128];

	(void)state;
	/* base_cfg asks for HeaderDigest=CRC32C. */
	assert_int_equal(parse1("MaxBurstLength=4096", &p, &r), 0);
	assert_false(p.header_digest);
	assert_int_equal(iscsi_text_check_digests(&cfg, &p, err, sizeof(err)),
			 -EPROTO);
	assert_string_equal(err,
		"target did not accept HeaderDigest=CRC32C (no answer to the offer)");
	assert_int_equal(parse1("HeaderDigest=CRC32C", &p, &r), 0);
	assert_int_equal(iscsi_text_check_digests(&cfg, &p, err, sizeof(err)), 0);
	cfg.data_digest = true;
	assert_int_equal(iscsi_text_check_digests(&cfg, &p, err, sizeof(err)),
			 -EPROTO);
	assert_string_equal(err,
		"target did not accept DataDigest=CRC32C (no answer to the offer)");
	/* Nothing asked for: nothing to check. */
	cfg.header_digest = cfg.data_digest = false;
	iscsi_params_init(&p, &cfg);
	assert_int_equal(iscsi_text_check_digests(&cfg, &p, err, sizeof(err)), 0);
}

static void test_parse_no_err_buffer(void **state)
{
	struct iscsi_login_cfg cfg = base_cfg();
	struct iscsi_session_params p;
	char err[16];
	size_t len;
	char *b = seg("HeaderDigest=MD5|", &len);

	(void)state;
	iscsi_params_init(&p, &cfg);
	assert_int_equal(iscsi_text_parse(b, len, &cfg, &p, NULL, 0, NULL,
					  NULL, 0), -EPROTO);
	/* A short err buffer gets a truncated, terminated message. */
	assert_int_equal(iscsi_text_parse(b, len, &cfg, &p, NULL, 0, NULL,
					  err, sizeof(err)), -EPROTO);
	assert_string_equal(err, "target chose He");
	free(b);
}

static void test_parse_number(void **state)
{
	u64 v;

	(void)state;
	assert_int_equal(iscsi_text_parse_number("0", 1, &v), 0);
	assert_int_equal(v, 0);
	assert_int_equal(iscsi_text_parse_number("262144", 6, &v), 0);
	assert_int_equal(v, 262144);
	assert_int_equal(iscsi_text_parse_number("007", 3, &v), 0);
	assert_int_equal(v, 7);
	assert_int_equal(iscsi_text_parse_number("0x1F", 4, &v), 0);
	assert_int_equal(v, 31);
	assert_int_equal(iscsi_text_parse_number("0XfF", 4, &v), 0);
	assert_int_equal(v, 255);
	assert_int_equal(iscsi_text_parse_number("18446744073709551615",
						 20, &v), 0);
	assert_true(v == UINT64_MAX);
	assert_int_equal(iscsi_text_parse_number("18446744073709551616",
						 20, &v), -EPROTO);
	assert_int_equal(iscsi_text_parse_number("99999999999999999999",
						 20, &v), -EPROTO);
	assert_int_equal(iscsi_text_parse_number("0xffffffffffffffff",
						 18, &v), 0);
	assert_true(v == UINT64_MAX);
	assert_int_equal(iscsi_text_parse_number("0x10000000000000000",
						 19, &v), -EPROTO);
	assert_int_equal(iscsi_text_parse_number("0x00000000000000000001",
						 22, &v), 0);
	assert_int_equal(v, 1);
	assert_int_equal(iscsi_text_parse_number("", 0, &v), -EPROTO);
	assert_int_equal(iscsi_text_parse_number("0x", 2, &v), -EPROTO);
	assert_int_equal(iscsi_text_parse_number("0xg", 3, &v), -EPROTO);
	assert_int_equal(iscsi_text_parse_number("-1", 2, &v), -EPROTO);
	assert_int_equal(iscsi_text_parse_number("+1", 2, &v), -EPROTO);
	assert_int_equal(iscsi_text_parse_number(" 1", 2, &v), -EPROTO);
	assert_int_equal(iscsi_text_parse_number("1 ", 2, &v), -EPROTO);
	/* vlen bounds the parse: "12" of "123" */
	assert_int_equal(iscsi_text_parse_number("123", 2, &v), 0);
	assert_int_equal(v, 12);
}

/* split_ok VALUE HOST PORT: the value splits into HOST and PORT. */
static void split_ok(const char *v, const char *host, unsigned int port)
{
	char h[64];
	u16 p = 0;

	assert_int_equal(iscsi_split_target_address(v, strlen(v), h,
						    sizeof(h), &p), 0);
	assert_string_equal(h, host);
	assert_int_equal(p, port);
}

static void split_bad(const char *v, size_t hlen)
{
	char h[64];
	u16 p = 0;

	assert_true(hlen <= sizeof(h));
	assert_int_equal(iscsi_split_target_address(v, strlen(v), h, hlen, &p),
			 -EINVAL);
}

static void test_split_target_address(void **state)
{
	char h[8];
	u16 p;

	(void)state;
	split_ok("192.0.2.10", "192.0.2.10", 3260);
	split_ok("192.0.2.10:3261", "192.0.2.10", 3261);
	split_ok("192.0.2.10:3261,1", "192.0.2.10", 3261);
	split_ok("192.0.2.10,65535", "192.0.2.10", 3260);
	split_ok("[2001:db8::1]", "2001:db8::1", 3260);
	split_ok("[2001:db8::1]:860,2", "2001:db8::1", 860);
	split_ok("san.example.org:3260,1", "san.example.org", 3260);
	split_ok("192.0.2.10:65535", "192.0.2.10", 65535);
	split_bad("", 64);
	split_bad(",1", 64);
	split_bad(":3260", 64);
	split_bad("[]:3260", 64);
	split_bad("2001:db8::1", 64);		/* IPv6 without brackets */
	split_bad("[2001:db8::1", 64);
	split_bad("[2001:db8::1]x", 64);
	split_bad("[2001:db8::1]:", 64);
	split_bad("192.0.2.10:", 64);
	split_bad("192.0.2.10:0", 64);
	split_bad("192.0.2.10:65536", 64);
	split_bad("192.0.2.10:32a", 64);
	split_bad("192.0.2.10:99999999999", 64);
	split_bad("192.0.2.10,", 64);
	split_bad("192.0.2.10,65536", 64);
	split_bad("192.0.2.10,1,2", 64);
	split_bad("a b:3260", 64);
	split_bad("a\tb", 64);
	split_bad("host\x7f", 64);
	split_bad("12345678", 8);		/* no room for the NUL */
	/* vlen bounds the value: "1.2.3.4:32" of a longer buffer. */
	assert_int_equal(iscsi_split_target_address("1.2.3.4:3260", 10, h,
						    sizeof(h), &p), 0);
	assert_string_equal(h, "1.2.3.4");
	assert_int_equal(p, 32);
}

static void test_text_find(void **state)
{
	size_t len, vlen;
	char *b = seg("CHAP_A=5|CHAP_I=17|CHAP_IX=1|CHAP_C=0xabcd", &len);
	const char *v;

	(void)state;
	v = iscsi_text_find(b, len, "CHAP_I", &vlen);
	assert_non_null(v);
	assert_int_equal(vlen, 2);
	assert_memory_equal(v, "17", 2);
	/* Last value, not NUL-terminated. */
	v = iscsi_text_find(b, len, "CHAP_C", &vlen);
	assert_non_null(v);
	assert_int_equal(vlen, 6);
	assert_memory_equal(v, "0xabcd", 6);
	assert_null(iscsi_text_find(b, len, "CHAP", &vlen));
	assert_null(iscsi_text_find(b, len, "CHAP_N", &vlen));
	assert_null(iscsi_text_find(b, len, "A", &vlen));
	/* A truncated segment hides the key that was cut. */
	assert_null(iscsi_text_find(b, 6, "CHAP_A", &vlen));
	v = iscsi_text_find(b, 7, "CHAP_A", &vlen);
	assert_non_null(v);
	assert_int_equal(vlen, 0);
	v = iscsi_text_find(b, 8, "CHAP_A", &vlen);
	assert_non_null(v);
	assert_int_equal(vlen, 1);
	assert_null(iscsi_text_find(b, 0, "CHAP_A", &vlen));
	free(b);
}

static void test_name_valid(void **state)
{
	static const char *const good[] = {
		"iqn.2024-01.org.example",
		"iqn.2003-01.org.linux-iscsi.host:sn.1234abcd",
		"iqn.1991-05.com.microsoft:host-1.example.com",
		"iqn.2001-04.com.example:storage:diskarrays-sn-a8675309",
		"eui.02004567A425678D",
		"eui.0123456789abcdef",
		"naa.52004567BA64678D",
		"naa.62004567BA64678D0123456789ABCDEF",
	};
	static const char *const bad[] = {
		"", "iqn.", "iqn.2024-01", "iqn.2024-01.", "iqn.2024-1.org.x",
		"iqn.2024-13.org.x", "iqn.2024-00.org.x", "iqn.20a4-01.org.x",
		"iqn.2024-01.Org.x", "iqn.2024-01.org.x y", "iqn.2024-01.-org",
		"iqn.2024-01.org_x", "IQN.2024-01.org.x", "eui.0123",
		"eui.0123456789abcdeg", "eui.0123456789abcdef0",
		"naa.0123456789abcdef01", "naa.", "foo.bar", "iqn",
	};
	char longname[300];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++)
		assert_true(iscsi_name_valid(good[i]));
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_false(iscsi_name_valid(bad[i]));
	assert_false(iscsi_name_valid(NULL));

	strcpy(longname, "iqn.2024-01.org.example:");
	i = strlen(longname);
	memset(longname + i, 'a', ISCSI_NAME_MAX - i);
	longname[ISCSI_NAME_MAX] = '\0';
	assert_true(iscsi_name_valid(longname));
	longname[ISCSI_NAME_MAX] = 'a';
	longname[ISCSI_NAME_MAX + 1] = '\0';
	assert_false(iscsi_name_valid(longname));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_build_security),
		cmocka_unit_test(test_build_security_nospace),
		cmocka_unit_test(test_build_security_bad_names),
		cmocka_unit_test(test_build_operational),
		cmocka_unit_test(test_build_operational_bad_cfg),
		cmocka_unit_test(test_params_init),
		cmocka_unit_test(test_parse_full_answer),
		cmocka_unit_test(test_parse_header_digest),
		cmocka_unit_test(test_parse_data_digest),
		cmocka_unit_test(test_parse_max_recv_dsl),
		cmocka_unit_test(test_parse_min_functions),
		cmocka_unit_test(test_parse_max_function),
		cmocka_unit_test(test_parse_first_burst_clamped),
		cmocka_unit_test(test_parse_boolean_or),
		cmocka_unit_test(test_parse_boolean_and),
		cmocka_unit_test(test_parse_target_offers),
		cmocka_unit_test(test_parse_reply_appends),
		cmocka_unit_test(test_parse_reply_nospace),
		cmocka_unit_test(test_parse_auth_method),
		cmocka_unit_test(test_parse_informational),
		cmocka_unit_test(test_parse_malformed),
		cmocka_unit_test(test_parse_framing),
		cmocka_unit_test(test_parse_unterminated),
		cmocka_unit_test(test_digest_left_out),
		cmocka_unit_test(test_parse_no_err_buffer),
		cmocka_unit_test(test_parse_number),
		cmocka_unit_test(test_text_find),
		cmocka_unit_test(test_split_target_address),
		cmocka_unit_test(test_build_security_discovery),
		cmocka_unit_test(test_sendtargets),
		cmocka_unit_test(test_name_valid),
	};

	return cmocka_run_group_tests_name("iscsi_text", tests, NULL, NULL);
}
