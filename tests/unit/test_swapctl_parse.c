// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests for userspace/parse.c: swapctl's URLs, options and
 * netswaptab lines, including hostile input. Every input is an exact-size
 * heap copy, so ASan sees any read past its end.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "parse.h"

static char err[NS_ERR_MAX];

static char *dup_n(const char *s, size_t n)
{
	char *b = malloc(n ? n : 1);

	assert_non_null(b);
	memcpy(b, s, n);
	return b;
}

/* Parse @s (exactly @n bytes) as a URL into a fresh target. */
static int url_n(const char *s, size_t n, struct ns_target *t)
{
	char *b = dup_n(s, n);
	int ret;

	ns_target_init(t);
	err[0] = '\0';
	ret = ns_parse_url(b, n, t, err, sizeof(err));
	free(b);
	return ret;
}

static int url(const char *s, struct ns_target *t)
{
	return url_n(s, strlen(s), t);
}

static int opts(const char *s, struct ns_target *t)
{
	char *b = dup_n(s, strlen(s));
	int ret;

	err[0] = '\0';
	ret = ns_parse_opts(b, strlen(s), t, err, sizeof(err));
	free(b);
	return ret;
}

static int tab_n(const char *s, size_t n, struct ns_target *t)
{
	char *b = dup_n(s, n);
	int ret;

	err[0] = '\0';
	ret = ns_parse_tab_line(b, n, t, err, sizeof(err));
	free(b);
	return ret;
}

static int tab(const char *s, struct ns_target *t)
{
	return tab_n(s, strlen(s), t);
}

static char *repeat(char c, size_t n)
{
	char *s = malloc(n + 1);

	assert_non_null(s);
	memset(s, c, n);
	s[n] = '\0';
	return s;
}

#define assert_err(sub) do {						\
	assert_non_null(strstr(err, (sub)));				\
} while (0)

/* -------- URLs -------- */

static void iscsi_ipv4_port(void **state)
{
	struct ns_target t;

	(void)state;
	assert_int_equal(url("iscsi://192.0.2.10:3261/iqn.2003-01.org.example:swap/7", &t), 0);
	assert_int_equal(t.transport, NS_T_ISCSI);
	assert_string_equal(t.host, "192.0.2.10");
	assert_false(t.host_v6);
	assert_int_equal(t.port, 3261);
	assert_string_equal(t.target, "iqn.2003-01.org.example:swap");
	assert_int_equal(t.lun, 7);
	assert_string_equal(t.user, "");
}

static void iscsi_user_hostname_default_port(void **state)
{
	struct ns_target t;

	(void)state;
	assert_int_equal(url("iscsi://blade7@san.example.org/iqn.x:y/0", &t), 0);
	assert_string_equal(t.user, "blade7");
	assert_string_equal(t.host, "san.example.org");
	assert_int_equal(t.port, -1);
	assert_int_equal(t.lun, 0);
}

static void iscsi_ipv6(void **state)
{
	struct ns_target t;

	(void)state;
	assert_int_equal(url("iscsi://[2001:db8::1]:3260/iqn.x:y/1", &t), 0);
	assert_string_equal(t.host, "2001:db8::1");
	assert_true(t.host_v6);
	assert_int_equal(t.port, 3260);
	assert_int_equal(url("iscsi://[::1]/iqn.x:y/1", &t), 0);
	assert_string_equal(t.host, "::1");
	assert_int_equal(t.port, -1);
}

static void scheme_case_insensitive(void **state)
{
	struct ns_target t;

	(void)state;
	assert_int_equal(url("ISCSI://h/iqn.x:y/1", &t), 0);
	assert_int_equal(url("NFS://h/srv/f", &t), 0);
	assert_int_equal(t.transport, NS_T_NFS);
}

static void nfs_default_split(void **state)
{
	struct ns_target t;

	(void)state;
	assert_int_equal(url("nfs://nas:2050/srv/swap/blade7.swap", &t), 0);
	assert_int_equal(t.transport, NS_T_NFS);
	assert_int_equal(t.port, 2050);
	assert_string_equal(t.export, "/srv/swap");
	assert_string_equal(t.file, "blade7.swap");
	assert_int_equal(url("nfs://nas/srv/f", &t), 0);
	assert_string_equal(t.export, "/srv");
	assert_string_equal(t.file, "f");
}

static void nfs_export_option_split(void **state)
{
	struct ns_target t;

	(void)state;
	assert_int_equal(url("nfs://nas/srv/swap/sub/f.img", &t), 0);
	strcpy(t.name, "n");
	assert_int_equal(opts("export=/srv", &t), 0);
	assert_int_equal(ns_target_finish(&t, err, sizeof(err)), 0);
	assert_string_equal(t.export, "/srv");
	assert_string_equal(t.file, "swap/sub/f.img");

	/* An export that does not start the path, or leaves no file. */
	assert_int_equal(url("nfs://nas/srv/swap/f.img", &t), 0);
	strcpy(t.name, "n");
	assert_int_equal(opts("export=/sr", &t), 0);
	assert_int_equal(ns_target_finish(&t, err, sizeof(err)), -1);
	assert_err("export");
	assert_int_equal(url("nfs://nas/srv/swap/f.img", &t), 0);
	strcpy(t.name, "n");
	assert_int_equal(opts("export=/srv/swap/f.img", &t), 0);
	assert_int_equal(ns_target_finish(&t, err, sizeof(err)), -1);
	assert_err("no file");
	/* The root export is allowed. */
	assert_int_equal(url("nfs://nas/srv/f", &t), 0);
	strcpy(t.name, "n");
	assert_int_equal(opts("export=/", &t), 0);
	assert_int_equal(ns_target_finish(&t, err, sizeof(err)), 0);
	assert_string_equal(t.export, "/");
	assert_string_equal(t.file, "srv/f");
}

static void bad_schemes(void **state)
{
	struct ns_target t;

	(void)state;
	assert_int_equal(url("http://h/iqn.x:y/1", &t), -1);
	assert_err("scheme");
	assert_int_equal(url("iscsi:/h/iqn.x:y/1", &t), -1);
	assert_int_equal(url("", &t), -1);
	assert_int_equal(url("iscsi://", &t), -1);
}

static void bad_ports(void **state)
{
	static const char *const bad[] = {
		"iscsi://h:0/iqn.x:y/1", "iscsi://h:65536/iqn.x:y/1",
		"iscsi://h:99999999999/iqn.x:y/1", "iscsi://h:-1/iqn.x:y/1",
		"iscsi://h:+80/iqn.x:y/1", "iscsi://h:/iqn.x:y/1",
		"iscsi://h:80a/iqn.x:y/1", "iscsi://[::1]:/iqn.x:y/1",
		"nfs://h:184467440737095516170/srv/f",
	};
	struct ns_target t;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(url(bad[i], &t), -1);
		assert_err("port");
	}
	assert_int_equal(url("iscsi://h:65535/iqn.x:y/1", &t), 0);
	assert_int_equal(t.port, 65535);
	assert_int_equal(url("iscsi://h:1/iqn.x:y/1", &t), 0);
}

static void broken_ipv6_brackets(void **state)
{
	struct ns_target t;

	(void)state;
	assert_int_equal(url("iscsi://[::1/iqn.x:y/1", &t), -1);
	assert_err("]");
	assert_int_equal(url("iscsi://::1]/iqn.x:y/1", &t), -1);
	assert_int_equal(url("iscsi://[]/iqn.x:y/1", &t), -1);
	assert_int_equal(url("iscsi://[::1]x/iqn.x:y/1", &t), -1);
	assert_int_equal(url("iscsi://::1/iqn.x:y/1", &t), -1);
	assert_err("brackets");
	assert_int_equal(url("iscsi://[fe80::1%eth0]/iqn.x:y/1", &t), -1);
	assert_int_equal(url("iscsi://[1.2.3.4]/iqn.x:y/1", &t), -1);
	assert_int_equal(url("iscsi://[[::1]]/iqn.x:y/1", &t), -1);
}

static void bad_hosts(void **state)
{
	struct ns_target t;
	char u[600];
	char *label = repeat('a', 64), *name;

	(void)state;
	snprintf(u, sizeof(u), "iscsi://%s.example/iqn.x:y/1", label);
	assert_int_equal(url(u, &t), -1);
	assert_err("host");
	label[63] = '\0';
	snprintf(u, sizeof(u), "iscsi://%s.example/iqn.x:y/1", label);
	assert_int_equal(url(u, &t), 0);
	/* 253 characters in all pass, 254 fail. */
	name = repeat('b', 254);
	for (size_t i = 50; i < 254; i += 51)
		name[i] = '.';
	snprintf(u, sizeof(u), "iscsi://%s/iqn.x:y/1", name);
	assert_int_equal(url(u, &t), -1);
	name[253] = '\0';
	snprintf(u, sizeof(u), "iscsi://%s/iqn.x:y/1", name);
	assert_int_equal(url(u, &t), 0);
	assert_int_equal(url("iscsi://a..b/iqn.x:y/1", &t), -1);
	assert_int_equal(url("iscsi://h_x/iqn.x:y/1", &t), -1);
	assert_int_equal(url("iscsi:///iqn.x:y/1", &t), -1);
	free(label);
	free(name);
}

static void secrets_never_in_urls(void **state)
{
	struct ns_target t;

	(void)state;
	assert_int_equal(url("iscsi://u:pw@h/iqn.x:y/1", &t), -1);
	assert_err("secret_file");
	assert_int_equal(url("iscsi://@h/iqn.x:y/1", &t), -1);
	assert_int_equal(url("nfs://u@h/srv/f", &t), -1);
}

static void iscsi_paths(void **state)
{
	struct ns_target t;
	char u[600];
	char *iqn = repeat('q', 223);

	(void)state;
	assert_int_equal(url("iscsi://h/iqn.x:y", &t), -1);
	assert_err("lun");
	assert_int_equal(url("iscsi://h/iqn.x:y/", &t), -1);
	assert_int_equal(url("iscsi://h/iqn.x:y/16384", &t), -1);
	assert_int_equal(url("iscsi://h/iqn.x:y/1/2", &t), -1);
	assert_int_equal(url("iscsi://h//1", &t), -1);
	assert_int_equal(url("iscsi://h/iqn.x:y/16383", &t), 0);
	assert_int_equal(t.lun, 16383);
	snprintf(u, sizeof(u), "iscsi://h/%s/1", iqn);
	assert_int_equal(url(u, &t), 0);
	snprintf(u, sizeof(u), "iscsi://h/%sq/1", iqn);
	assert_int_equal(url(u, &t), -1);
	assert_err("too long");
	free(iqn);
}

static void nfs_paths(void **state)
{
	struct ns_target t;
	char *u = malloc(NS_PATH_MAX * 2 + 64), *comp = repeat('c', 256);

	(void)state;
	assert_int_equal(url("nfs://h/f", &t), -1);
	assert_err("export and a file");
	assert_int_equal(url("nfs://h/srv//f", &t), -1);
	assert_int_equal(url("nfs://h/srv/../f", &t), -1);
	assert_int_equal(url("nfs://h/srv/./f", &t), -1);
	assert_int_equal(url("nfs://h/srv/f/", &t), -1);
	assert_int_equal(url("nfs://h", &t), -1);
	/* A 255-character component passes, 256 fails. */
	sprintf(u, "nfs://h/srv/%s", comp);
	assert_int_equal(url(u, &t), -1);
	assert_err("255");
	comp[255] = '\0';
	sprintf(u, "nfs://h/srv/%s", comp);
	assert_int_equal(url(u, &t), 0);
	/* An export of more than NS_PATH_MAX - 1 characters. */
	strcpy(u, "nfs://h");
	for (int i = 0; i < 5; i++)
		sprintf(u + strlen(u), "/%s", comp);
	strcat(u, "/f");
	assert_int_equal(url(u, &t), -1);
	assert_err("too long");
	free(u);
	free(comp);
}

static void hostile_bytes_in_urls(void **state)
{
	static const char nul[] = "iscsi://h/iqn.x\0y/1";
	struct ns_target t;

	(void)state;
	assert_int_equal(url_n(nul, sizeof(nul) - 1, &t), -1);
	assert_err("NUL");
	assert_int_equal(url("iscsi://h/iqn\n.x:y/1", &t), -1);
	assert_err("newline");
	assert_int_equal(url("iscsi://h/iqn.x:y/1\r", &t), -1);
	assert_int_equal(url("iscsi://h/iqn x:y/1", &t), -1);
	assert_int_equal(url("iscsi://h/iqn\tx:y/1", &t), -1);
	assert_int_equal(url("nfs://h/srv/caf\xc3\xa9", &t), -1);
	assert_int_equal(url("nfs://h/srv/\x7f", &t), -1);
}

/* -------- names and options -------- */

static void names(void **state)
{
	char out[NS_NAME_MAX], *n31 = repeat('n', 31);

	(void)state;
	assert_int_equal(ns_parse_name("blade7-swap.1_a", 15, out, err, sizeof(err)), 0);
	assert_string_equal(out, "blade7-swap.1_a");
	assert_int_equal(ns_parse_name(n31, 31, out, err, sizeof(err)), 0);
	assert_int_equal(ns_parse_name(n31, 32, out, err, sizeof(err)), -1);
	assert_int_equal(ns_parse_name("", 0, out, err, sizeof(err)), -1);
	assert_int_equal(ns_parse_name("a/b", 3, out, err, sizeof(err)), -1);
	assert_int_equal(ns_parse_name(".a", 2, out, err, sizeof(err)), -1);
	assert_int_equal(ns_parse_name("-a", 2, out, err, sizeof(err)), -1);
	assert_int_equal(ns_parse_name("a\0b", 3, out, err, sizeof(err)), -1);
	assert_int_equal(ns_parse_name("a b", 3, out, err, sizeof(err)), -1);
	free(n31);
}

static void every_option_good(void **state)
{
	struct ns_target t;

	(void)state;
	ns_target_init(&t);
	assert_int_equal(opts("initiator=iqn.2026-11.org.example:b7,user=b7,"
			      "secret_file=/etc/netswap/b7.secret,"
			      "header_digest=crc32c,data_digest=none,"
			      "queue_depth=1024,io_timeout_ms=1000,"
			      "reconnect_delay_ms=60000,recovery_timeout_s=86400,"
			      "priority=-1,auto,format,discard", &t), 0);
	assert_string_equal(t.initiator, "iqn.2026-11.org.example:b7");
	assert_string_equal(t.user, "b7");
	assert_string_equal(t.secret_file, "/etc/netswap/b7.secret");
	assert_int_equal(t.header_digest, 1);
	assert_int_equal(t.data_digest, 0);
	assert_int_equal(t.queue_depth, 1024);
	assert_int_equal(t.io_timeout_ms, 1000);
	assert_int_equal(t.reconnect_delay_ms, 60000);
	assert_int_equal(t.recovery_timeout_s, 86400);
	assert_int_equal(t.priority, -1);
	assert_true(t.auto_up);
	assert_true(t.format);
	assert_int_equal(t.discard, NS_DISCARD_BOTH);
	assert_int_equal(opts("discard=once", &t), 0);
	assert_int_equal(t.discard, NS_DISCARD_ONCE);
	assert_string_equal(ns_discard_opt(t.discard), "discard=once");
	assert_int_equal(opts("discard=pages", &t), 0);
	assert_int_equal(t.discard, NS_DISCARD_PAGES);
	assert_string_equal(ns_discard_opt(t.discard), "discard=pages");
	assert_string_equal(ns_discard_opt(NS_DISCARD_BOTH), "discard");
	assert_string_equal(ns_discard_opt(NS_DISCARD_OFF), "");

	ns_target_init(&t);
	assert_int_equal(opts("export=/srv/swap,mount_port=0,auth_flavor=none,"
			      "auth_uid=4294967294,auth_gid=0,connections=1,"
			      "priority=32767", &t), 0);
	assert_string_equal(t.export_opt, "/srv/swap");
	assert_int_equal(t.mount_port, 0);
	assert_int_equal(t.auth_none, 1);
	assert_int_equal(t.auth_uid, 4294967294LL);
	assert_int_equal(t.auth_gid, 0);
	assert_int_equal(t.connections, 1);
	assert_int_equal(t.priority, 32767);
	assert_int_equal(opts("auth_flavor=sys,secret_file=-", &t), 0);
	assert_int_equal(t.auth_none, 0);
	assert_string_equal(t.secret_file, "-");

	/* seal: both transports; unset until named. */
	ns_target_init(&t);
	assert_int_equal(t.seal, -1);
	assert_int_equal(opts("seal=aead", &t), 0);
	assert_int_equal(t.seal, 1);
	assert_int_equal(opts("seal=none", &t), 0);
	assert_int_equal(t.seal, 0);
}

static void mutual_chap_options(void **state)
{
	struct ns_target t;

	(void)state;
	assert_int_equal(tab("m0 iscsi://u@h/iqn.x:y/1 secret_file=/s,"
			     "target_user=tgt,target_secret_file=/ts\n", &t), 1);
	assert_string_equal(t.target_user, "tgt");
	assert_string_equal(t.target_secret_file, "/ts");
	/* Pairs, and the initiator's CHAP under the target's. */
	assert_int_equal(tab("m0 iscsi://u@h/iqn.x:y/1 secret_file=/s,"
			     "target_user=tgt\n", &t), -1);
	assert_err("mutual CHAP needs both target_user= and target_secret_file=");
	assert_int_equal(tab("m0 iscsi://u@h/iqn.x:y/1 secret_file=/s,"
			     "target_secret_file=/ts\n", &t), -1);
	assert_err("mutual CHAP needs both");
	assert_int_equal(tab("m0 iscsi://h/iqn.x:y/1 target_user=tgt,"
			     "target_secret_file=/ts\n", &t), -1);
	assert_err("mutual CHAP needs user= and secret_file= too");
	assert_int_equal(tab("m0 iscsi://u@h/iqn.x:y/1 secret_file=-,"
			     "target_user=tgt,target_secret_file=-\n", &t), -1);
	assert_err("cannot both be standard input");
	assert_int_equal(tab("m0 iscsi://u@h/iqn.x:y/1 secret_file=/s,"
			     "target_user=t:pw,target_secret_file=/ts\n", &t), -1);
	assert_err("target_user: no ':' (secrets go in target_secret_file=)");
	assert_int_equal(tab("m0 nfs://h/srv/f target_user=tgt\n", &t), -1);
	assert_err("target_user: only for iscsi");
}

static void option_last_wins(void **state)
{
	struct ns_target t;

	(void)state;
	ns_target_init(&t);
	assert_int_equal(opts("queue_depth=8,queue_depth=16", &t), 0);
	assert_int_equal(t.queue_depth, 16);
}

static void every_option_bad(void **state)
{
	static const char *const bad[][2] = {
		{ "queue_depth=0", "queue_depth" },
		{ "queue_depth=1025", "queue_depth" },
		{ "io_timeout_ms=999", "io_timeout_ms" },
		{ "io_timeout_ms=600001", "io_timeout_ms" },
		{ "reconnect_delay_ms=99", "reconnect_delay_ms" },
		{ "recovery_timeout_s=86401", "recovery_timeout_s" },
		{ "recovery_timeout_s=-1", "recovery_timeout_s" },
		{ "mount_port=65536", "mount_port" },
		{ "auth_uid=4294967295", "auth_uid" },
		{ "auth_gid=x", "auth_gid" },
		{ "connections=0", "connections" },
		{ "connections=3", "connections" },
		{ "priority=-2", "priority" },
		{ "priority=32768", "priority" },
		{ "priority=1e3", "priority" },
		{ "header_digest=CRC32C", "header_digest" },
		{ "data_digest=", "data_digest" },
		{ "auth_flavor=krb5", "auth_flavor" },
		{ "seal=AEAD", "seal: must be none or aead" },
		{ "seal=", "seal: needs a value" },
		{ "seal=aes-gcm", "seal" },
		{ "seal", "seal" },
		{ "export=srv", "export" },
		{ "export=/srv/../x", "export" },
		{ "user=a:b", "user" },
		{ "auto=1", "auto" },
		{ "format=yes", "format" },
		{ "discard=", "discard" },
		{ "discard=both", "discard" },
		{ "discard=ONCE", "discard" },
		{ "frob=1", "frob" },
		{ "queue_depth", "queue_depth" },
		{ "=1", "empty" },
		{ "queue_depth= 8", "option" },
		{ "queue_depth=8,", "empty" },
		{ ",queue_depth=8", "empty" },
		{ "queue_depth=8,,auto", "empty" },
		{ "queue_depth=99999999999999999999999", "queue_depth" },
	};
	struct ns_target t;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		ns_target_init(&t);
		if (opts(bad[i][0], &t) != -1)
			fail_msg("'%s' was accepted", bad[i][0]);
		if (!strstr(err, bad[i][1]))
			fail_msg("'%s': error '%s' lacks '%s'", bad[i][0], err,
				 bad[i][1]);
	}
	ns_target_init(&t);
	assert_int_equal(opts("", &t), 0);
}

static void hostile_bytes_in_options(void **state)
{
	static const char nul[] = "queue_depth=8\0,auto";
	struct ns_target t;
	char *b = dup_n(nul, sizeof(nul) - 1);

	(void)state;
	ns_target_init(&t);
	assert_int_equal(ns_parse_opts(b, sizeof(nul) - 1, &t, err, sizeof(err)), -1);
	assert_err("NUL");
	free(b);
	assert_int_equal(opts("initiator=iqn.x\ny", &t), -1);
	assert_err("newline");
	/* 223 characters of value pass, 224 fail. */
	b = repeat('i', 233);
	memcpy(b, "initiator=", 10);
	assert_int_equal(opts(b, &t), 0);
	free(b);
	b = repeat('i', 234);
	memcpy(b, "initiator=", 10);
	assert_int_equal(opts(b, &t), -1);
	assert_err("too long");
	free(b);
}

static void options_fit_the_transport(void **state)
{
	static const char *const iscsi_only[] = {
		"initiator=iqn.x:y", "user=u", "secret_file=/s",
		"header_digest=crc32c", "data_digest=crc32c",
	};
	static const char *const nfs_only[] = {
		"export=/srv", "mount_port=635", "auth_flavor=none",
		"auth_uid=1", "auth_gid=1",
	};
	struct ns_target t;
	size_t i;

	(void)state;
	for (i = 0; i < 5; i++) {
		assert_int_equal(url("nfs://h/srv/f", &t), 0);
		strcpy(t.name, "n");
		assert_int_equal(opts(iscsi_only[i], &t), 0);
		assert_int_equal(ns_target_finish(&t, err, sizeof(err)), -1);
		assert_err("only for iscsi");
		assert_int_equal(url("iscsi://h/iqn.x:y/1", &t), 0);
		strcpy(t.name, "n");
		assert_int_equal(opts(nfs_only[i], &t), 0);
		assert_int_equal(ns_target_finish(&t, err, sizeof(err)), -1);
		assert_err("only for nfs");
	}
	/* NFSv3 cannot unmap: discard is refused, saying why. */
	assert_int_equal(url("nfs://h/srv/f", &t), 0);
	strcpy(t.name, "n");
	assert_int_equal(opts("discard=once", &t), 0);
	assert_int_equal(ns_target_finish(&t, err, sizeof(err)), -1);
	assert_err("discard: only for iscsi targets (NFSv3");
	/* Both transports take connections. */
	assert_int_equal(url("iscsi://h/iqn.x:y/1", &t), 0);
	strcpy(t.name, "n");
	assert_int_equal(opts("connections=1", &t), 0);
	assert_int_equal(ns_target_finish(&t, err, sizeof(err)), 0);
	ns_target_init(&t);
	assert_int_equal(ns_target_finish(&t, err, sizeof(err)), -1);
}

/* -------- netswaptab -------- */

static void tab_lines(void **state)
{
	struct ns_target t;

	(void)state;
	assert_int_equal(tab("", &t), 0);
	assert_int_equal(tab("\n", &t), 0);
	assert_int_equal(tab("   \t \n", &t), 0);
	assert_int_equal(tab("# a comment\n", &t), 0);
	assert_int_equal(tab("  # indented comment", &t), 0);
	assert_int_equal(tab("b7 iscsi://h/iqn.x:y/1\n", &t), 1);
	assert_string_equal(t.name, "b7");
	assert_int_equal(t.priority, INT32_MIN);
	assert_int_equal(tab("b7\tnfs://h/srv/f\tpriority=3,format # why\r\n", &t), 1);
	assert_int_equal(t.transport, NS_T_NFS);
	assert_int_equal(t.priority, 3);
	assert_true(t.format);
	/* '#' inside a field is not a comment. */
	assert_int_equal(tab("b7 nfs://h/srv/f#1", &t), 1);
	assert_string_equal(t.file, "f#1");
	assert_int_equal(tab("n2 nfs://h/srv/swap/f export=/srv", &t), 1);
	assert_string_equal(t.export, "/srv");
	assert_string_equal(t.file, "swap/f");
}

static void tab_bad_lines(void **state)
{
	static const char nul[] = "b7 iscsi://h/iqn.x:y/1\0junk\n";
	struct ns_target t;
	char *big;

	(void)state;
	assert_int_equal(tab("b7\n", &t), -1);
	assert_err("URL");
	assert_int_equal(tab("b7 iscsi://h/iqn.x:y/1 auto extra", &t), -1);
	assert_err("more than");
	assert_int_equal(tab("b/7 iscsi://h/iqn.x:y/1", &t), -1);
	assert_int_equal(tab("b7 iscsi://h:70000/iqn.x:y/1", &t), -1);
	assert_err("port");
	assert_int_equal(tab("b7 iscsi://h/iqn.x:y/1 mount_port=1", &t), -1);
	assert_int_equal(tab_n(nul, sizeof(nul) - 1, &t), -1);
	assert_err("NUL");
	assert_int_equal(tab("b7 iscsi://h/iqn.x:y/1\nb8 x\n", &t), -1);
	assert_err("newline");
	assert_int_equal(tab("b7 iscsi://h/iqn.x:y/1\r\r\n", &t), -1);
	big = repeat(' ', 4097);
	memcpy(big, "b7 iscsi://h/iqn.x:y/1", 22);
	assert_int_equal(tab(big, &t), -1);
	assert_err("4096");
	free(big);
}

static void errors_bounded(void **state)
{
	struct ns_target t;
	char small[8];

	(void)state;
	memset(small, 'x', sizeof(small));
	ns_target_init(&t);
	assert_int_equal(ns_parse_url("http://x", 8, &t, small, sizeof(small)), -1);
	assert_int_equal(strlen(small), sizeof(small) - 1);
	/* errlen 0: nothing written, no crash. */
	assert_int_equal(ns_parse_url("http://x", 8, &t, NULL, 0), -1);
	assert_int_equal(ns_parse_opts("frob", 4, &t, NULL, 0), -1);
	assert_string_equal(ns_transport_name(NS_T_ISCSI), "iscsi");
	assert_string_equal(ns_transport_name(NS_T_NONE), "");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(iscsi_ipv4_port),
		cmocka_unit_test(iscsi_user_hostname_default_port),
		cmocka_unit_test(iscsi_ipv6),
		cmocka_unit_test(scheme_case_insensitive),
		cmocka_unit_test(nfs_default_split),
		cmocka_unit_test(nfs_export_option_split),
		cmocka_unit_test(bad_schemes),
		cmocka_unit_test(bad_ports),
		cmocka_unit_test(broken_ipv6_brackets),
		cmocka_unit_test(bad_hosts),
		cmocka_unit_test(secrets_never_in_urls),
		cmocka_unit_test(iscsi_paths),
		cmocka_unit_test(nfs_paths),
		cmocka_unit_test(hostile_bytes_in_urls),
		cmocka_unit_test(names),
		cmocka_unit_test(every_option_good),
		cmocka_unit_test(mutual_chap_options),
		cmocka_unit_test(option_last_wins),
		cmocka_unit_test(every_option_bad),
		cmocka_unit_test(hostile_bytes_in_options),
		cmocka_unit_test(options_fit_the_transport),
		cmocka_unit_test(tab_lines),
		cmocka_unit_test(tab_bad_lines),
		cmocka_unit_test(errors_bounded),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
