// SPDX-License-Identifier: GPL-2.0
/*
 * swapctl: target URLs, options and netswaptab lines.
 *
 * Everything here works on (pointer, length) pairs so that an embedded NUL
 * is seen and refused rather than silently ending a string. Ranges are the
 * kernel's (configfs/ABI.md): a value refused here would be refused there.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "parse.h"

#define NS_COMPONENT_MAX	255
#define NS_TAB_LINE_MAX		4096

static int __attribute__((format(printf, 3, 4)))
ns_fail(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	if (errlen) {
		va_start(ap, fmt);
		vsnprintf(err, errlen, fmt, ap);
		va_end(ap);
	}
	return -1;
}

/* Printable ASCII, no space: what a URL or an option may contain. */
static int ns_check_bytes(const char *what, const char *s, size_t len,
			  char *err, size_t errlen)
{
	size_t i;

	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c == '\0')
			return ns_fail(err, errlen, "%s: embedded NUL", what);
		if (c == '\n' || c == '\r')
			return ns_fail(err, errlen, "%s: embedded newline",
				       what);
		if (c <= 0x20 || c > 0x7e)
			return ns_fail(err, errlen,
				       "%s: only printable ASCII without spaces is allowed",
				       what);
	}
	return 0;
}

static int ns_copy(const char *what, const char *s, size_t len, char *out,
		   size_t size, char *err, size_t errlen)
{
	if (len >= size)
		return ns_fail(err, errlen,
			       "%s: too long (at most %zu characters)", what,
			       size - 1);
	memcpy(out, s, len);
	out[len] = '\0';
	return 0;
}

/* Decimal in [min, max]: no sign unless min < 0, no junk, no overflow. */
static int ns_number(const char *what, const char *s, size_t len,
		     long long min, long long max, long long *out, char *err,
		     size_t errlen)
{
	long long v = 0;
	size_t i = 0;
	int neg = 0;

	if (len && s[0] == '-' && min < 0) {
		neg = 1;
		i = 1;
	}
	if (i == len)
		goto bad;
	for (; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			goto bad;
		v = v * 10 + (s[i] - '0');
		if (v > 4294967295LL * 10)	/* far beyond any range */
			goto range;
	}
	if (neg)
		v = -v;
	if (v < min || v > max)
		goto range;
	*out = v;
	return 0;
bad:
	return ns_fail(err, errlen, "%s: '%.*s' is not a number", what,
		       (int)(len > 40 ? 40 : len), s);
range:
	return ns_fail(err, errlen, "%s: must be %lld-%lld", what, min, max);
}

void ns_target_init(struct ns_target *t)
{
	memset(t, 0, sizeof(*t));
	t->transport = NS_T_NONE;
	t->port = -1;
	t->lun = -1;
	t->header_digest = -1;
	t->data_digest = -1;
	t->seal = -1;
	t->mount_port = -1;
	t->auth_none = -1;
	t->auth_uid = -1;
	t->auth_gid = -1;
	t->queue_depth = -1;
	t->connections = -1;
	t->io_timeout_ms = -1;
	t->reconnect_delay_ms = -1;
	t->recovery_timeout_s = -1;
	t->priority = INT32_MIN;
}

const char *ns_transport_name(enum ns_transport t)
{
	switch (t) {
	case NS_T_ISCSI:
		return "iscsi";
	case NS_T_NFS:
		return "nfs";
	default:
		return "";
	}
}

int ns_parse_name(const char *s, size_t len, char *out, char *err,
		  size_t errlen)
{
	size_t i;

	if (!len || len >= NS_NAME_MAX)
		return ns_fail(err, errlen, "name: must be 1-%d characters",
			       NS_NAME_MAX - 1);
	for (i = 0; i < len; i++) {
		char c = s[i];

		if (!(c >= 'a' && c <= 'z') && !(c >= 'A' && c <= 'Z') &&
		    !(c >= '0' && c <= '9') && c != '_' && c != '.' &&
		    c != '-')
			return ns_fail(err, errlen,
				       "name: only letters, digits, '_', '.' and '-' are allowed");
	}
	if (s[0] == '.' || s[0] == '-')
		return ns_fail(err, errlen,
			       "name: must not start with '.' or '-'");
	memcpy(out, s, len);
	out[len] = '\0';
	return 0;
}

/* A DNS name: labels of letters, digits and '-', 1-63 each, 253 in all. */
static int ns_host_name_ok(const char *s, size_t len)
{
	size_t i, label = 0;

	if (!len || len > 253)
		return 0;
	for (i = 0; i < len; i++) {
		char c = s[i];

		if (c == '.') {
			if (!label)
				return 0;
			label = 0;
			continue;
		}
		if (!(c >= 'a' && c <= 'z') && !(c >= 'A' && c <= 'Z') &&
		    !(c >= '0' && c <= '9') && c != '-')
			return 0;
		if (++label > 63)
			return 0;
	}
	return 1;
}

/* host[:port] or [v6][:port], @len bytes; fills host, host_v6, port. */
static int ns_parse_authority(const char *s, size_t len, struct ns_target *t,
			      char *err, size_t errlen)
{
	const char *host = s, *colon = NULL, *close;
	size_t hlen;
	long long port;
	char buf[INET6_ADDRSTRLEN + 1];
	unsigned char a6[16];

	if (len && s[0] == '[') {
		close = memchr(s, ']', len);
		if (!close)
			return ns_fail(err, errlen,
				       "host: '[' without a closing ']'");
		host = s + 1;
		hlen = close - host;
		if (!hlen)
			return ns_fail(err, errlen, "host: empty [ ]");
		if (close + 1 < s + len) {
			if (close[1] != ':')
				return ns_fail(err, errlen,
					       "host: only ':port' may follow ']'");
			colon = close + 1;
		}
		if (hlen >= sizeof(buf) || (memcpy(buf, host, hlen),
		    buf[hlen] = '\0', inet_pton(AF_INET6, buf, a6) != 1))
			return ns_fail(err, errlen,
				       "host: '%.*s' is not an IPv6 address",
				       (int)(hlen > 60 ? 60 : hlen), host);
		t->host_v6 = true;
	} else {
		if (memchr(s, ']', len))
			return ns_fail(err, errlen,
				       "host: ']' without an opening '['");
		colon = memchr(s, ':', len);
		if (colon && memchr(colon + 1, ':', s + len - colon - 1))
			return ns_fail(err, errlen,
				       "host: an IPv6 address must be in [brackets]");
		hlen = colon ? (size_t)(colon - s) : len;
		if (!hlen)
			return ns_fail(err, errlen, "host: missing");
		if (!ns_host_name_ok(host, hlen))
			return ns_fail(err, errlen,
				       "host: '%.*s' is not a host name or IPv4 address",
				       (int)(hlen > 60 ? 60 : hlen), host);
		t->host_v6 = false;
	}
	if (ns_copy("host", host, hlen, t->host, sizeof(t->host), err,
		    errlen))
		return -1;
	if (colon) {
		if (ns_number("port", colon + 1, s + len - colon - 1, 1, 65535,
			      &port, err, errlen))
			return -1;
		t->port = (int32_t)port;
	}
	return 0;
}

/*
 * Check a path of '/'-separated components: none empty, none "." or "..",
 * none longer than 255. @s starts after a '/'.
 */
static int ns_check_path(const char *what, const char *s, size_t len,
			 int *ncomp, char *err, size_t errlen)
{
	size_t start = 0, i;
	int n = 0;

	for (i = 0; i <= len; i++) {
		size_t clen;

		if (i < len && s[i] != '/')
			continue;
		clen = i - start;
		if (!clen)
			return ns_fail(err, errlen, "%s: empty path component",
				       what);
		if ((clen == 1 && s[start] == '.') ||
		    (clen == 2 && s[start] == '.' && s[start + 1] == '.'))
			return ns_fail(err, errlen,
				       "%s: '.' and '..' are not allowed", what);
		if (clen > NS_COMPONENT_MAX)
			return ns_fail(err, errlen,
				       "%s: a component is longer than %d characters",
				       what, NS_COMPONENT_MAX);
		n++;
		start = i + 1;
	}
	*ncomp = n;
	return 0;
}

static int ns_parse_iscsi_path(const char *s, size_t len,
			       struct ns_target *t, char *err, size_t errlen)
{
	const char *slash = len ? memchr(s, '/', len) : NULL;
	long long lun;

	if (!len)
		return ns_fail(err, errlen, "target: missing (iscsi://host/IQN/LUN)");
	if (!slash)
		return ns_fail(err, errlen, "lun: missing (iscsi://host/IQN/LUN)");
	if (slash == s)
		return ns_fail(err, errlen, "target: missing (iscsi://host/IQN/LUN)");
	if (ns_copy("target", s, slash - s, t->target, sizeof(t->target),
		    err, errlen))
		return -1;
	if (memchr(slash + 1, '/', s + len - slash - 1))
		return ns_fail(err, errlen,
			       "lun: one number after the IQN (iscsi://host/IQN/LUN)");
	if (ns_number("lun", slash + 1, s + len - slash - 1, 0, 16383, &lun,
		      err, errlen))
		return -1;
	t->lun = (int32_t)lun;
	return 0;
}

static int ns_parse_nfs_path(const char *s, size_t len, struct ns_target *t,
			     char *err, size_t errlen)
{
	const char *last;
	int n;

	if (ns_check_path("path", s, len, &n, err, errlen))
		return -1;
	if (n < 2)
		return ns_fail(err, errlen,
			       "path: needs an export and a file (nfs://host/export/file)");
	last = s + len;
	while (last[-1] != '/')
		last--;
	/* The export keeps its leading '/': it starts one byte before @s. */
	if (ns_copy("export", s - 1, last - s, t->export, sizeof(t->export),
		    err, errlen) ||
	    ns_copy("file", last, s + len - last, t->file, sizeof(t->file),
		    err, errlen))
		return -1;
	return 0;
}

int ns_parse_url(const char *s, size_t len, struct ns_target *t, char *err,
		 size_t errlen)
{
	const char *p, *end = s + len, *slash, *at;
	size_t plen;

	if (ns_check_bytes("url", s, len, err, errlen))
		return -1;
	if (len > 7 && !strncasecmp(s, "iscsi://", 8)) {
		t->transport = NS_T_ISCSI;
		p = s + 8;
	} else if (len > 5 && !strncasecmp(s, "nfs://", 6)) {
		t->transport = NS_T_NFS;
		p = s + 6;
	} else {
		return ns_fail(err, errlen,
			       "url: unknown scheme (iscsi://... or nfs://...)");
	}
	slash = memchr(p, '/', end - p);
	if (!slash)
		slash = end;
	at = memchr(p, '@', slash - p);
	if (at) {
		if (t->transport != NS_T_ISCSI)
			return ns_fail(err, errlen,
				       "url: user@ is only for iscsi (CHAP user)");
		if (memchr(p, ':', at - p))
			return ns_fail(err, errlen,
				       "url: no password in URLs: secrets are never taken from the command line; use secret_file=");
		if (at == p)
			return ns_fail(err, errlen, "user: empty before '@'");
		if (ns_copy("user", p, at - p, t->user, sizeof(t->user), err,
			    errlen))
			return -1;
		p = at + 1;
	}
	if (ns_parse_authority(p, slash - p, t, err, errlen))
		return -1;
	if (slash == end)
		return ns_fail(err, errlen, "url: no path after the host");
	plen = end - slash - 1;
	if (t->transport == NS_T_ISCSI)
		return ns_parse_iscsi_path(slash + 1, plen, t, err, errlen);
	return ns_parse_nfs_path(slash + 1, plen, t, err, errlen);
}

/* -------- options -------- */

enum ns_opt_kind { NS_O_STR, NS_O_NUM, NS_O_FLAG, NS_O_CHOICE, NS_O_DISCARD };

struct ns_opt_desc {
	const char	*key;
	enum ns_opt_kind kind;
	long long	min, max;
	enum ns_transport only;		/* NS_T_NONE: both */
};

static const struct ns_opt_desc ns_opts[] = {
	{ "initiator",		NS_O_STR,    0, NS_STR_MAX - 1, NS_T_ISCSI },
	{ "user",		NS_O_STR,    0, NS_STR_MAX - 1, NS_T_ISCSI },
	{ "secret_file",	NS_O_STR,    0, NS_PATH_MAX - 1, NS_T_ISCSI },
	{ "target_user",	NS_O_STR,    0, NS_STR_MAX - 1, NS_T_ISCSI },
	{ "target_secret_file",	NS_O_STR,    0, NS_PATH_MAX - 1, NS_T_ISCSI },
	{ "header_digest",	NS_O_CHOICE, 0, 0, NS_T_ISCSI },
	{ "data_digest",	NS_O_CHOICE, 0, 0, NS_T_ISCSI },
	{ "export",		NS_O_STR,    0, NS_PATH_MAX - 1, NS_T_NFS },
	{ "mount_port",		NS_O_NUM,    0, 65535, NS_T_NFS },
	{ "auth_flavor",	NS_O_CHOICE, 0, 0, NS_T_NFS },
	{ "auth_uid",		NS_O_NUM,    0, 4294967294LL, NS_T_NFS },
	{ "auth_gid",		NS_O_NUM,    0, 4294967294LL, NS_T_NFS },
	{ "connections",	NS_O_NUM,    1, 2, NS_T_NONE },
	{ "queue_depth",	NS_O_NUM,    1, 1024, NS_T_NONE },
	{ "io_timeout_ms",	NS_O_NUM,    1000, 600000, NS_T_NONE },
	{ "reconnect_delay_ms",	NS_O_NUM,    100, 60000, NS_T_NONE },
	{ "recovery_timeout_s",	NS_O_NUM,    0, 86400, NS_T_NONE },
	{ "seal",		NS_O_CHOICE, 0, 0, NS_T_NONE },
	{ "priority",		NS_O_NUM,    -1, 32767, NS_T_NONE },
	{ "auto",		NS_O_FLAG,   0, 0, NS_T_NONE },
	{ "format",		NS_O_FLAG,   0, 0, NS_T_NONE },
	/* NFSv3 has no way to deallocate: refused there, not ignored. */
	{ "discard",		NS_O_DISCARD, 0, 0, NS_T_ISCSI },
};

const char *ns_discard_opt(int discard)
{
	switch (discard) {
	case NS_DISCARD_BOTH:
		return "discard";
	case NS_DISCARD_ONCE:
		return "discard=once";
	case NS_DISCARD_PAGES:
		return "discard=pages";
	default:
		return "";
	}
}

/* "discard", "discard=once" or "discard=pages", as swapon(8) takes them. */
static int ns_set_discard(const char *v, size_t vlen, bool has_value,
			  struct ns_target *t, char *err, size_t errlen)
{
	if (!has_value)
		t->discard = NS_DISCARD_BOTH;
	else if (vlen == 4 && !memcmp(v, "once", 4))
		t->discard = NS_DISCARD_ONCE;
	else if (vlen == 5 && !memcmp(v, "pages", 5))
		t->discard = NS_DISCARD_PAGES;
	else
		return ns_fail(err, errlen,
			       "discard: must be discard, discard=once or discard=pages");
	return 0;
}

#define NS_NOPTS	(sizeof(ns_opts) / sizeof(ns_opts[0]))

static int ns_choice(const struct ns_opt_desc *d, const char *v, size_t vlen,
		     struct ns_target *t, char *err, size_t errlen)
{
	int on;

	if (d->key[0] == 'a') {		/* auth_flavor */
		if (vlen == 3 && !memcmp(v, "sys", 3))
			on = 0;
		else if (vlen == 4 && !memcmp(v, "none", 4))
			on = 1;
		else
			return ns_fail(err, errlen,
				       "auth_flavor: must be sys or none");
		t->auth_none = on;
		return 0;
	}
	if (d->key[0] == 's') {		/* seal */
		if (vlen == 4 && !memcmp(v, "none", 4))
			t->seal = 0;
		else if (vlen == 4 && !memcmp(v, "aead", 4))
			t->seal = 1;
		else
			return ns_fail(err, errlen, "seal: must be none or aead");
		return 0;
	}
	if (vlen == 4 && !memcmp(v, "none", 4))
		on = 0;
	else if (vlen == 6 && !memcmp(v, "crc32c", 6))
		on = 1;
	else
		return ns_fail(err, errlen, "%s: must be none or crc32c",
			       d->key);
	if (d->key[0] == 'h')
		t->header_digest = on;
	else
		t->data_digest = on;
	return 0;
}

static int ns_set_str(const struct ns_opt_desc *d, const char *v, size_t vlen,
		      struct ns_target *t, char *err, size_t errlen)
{
	int n;

	if (!strcmp(d->key, "initiator"))
		return ns_copy(d->key, v, vlen, t->initiator,
			       sizeof(t->initiator), err, errlen);
	if (!strcmp(d->key, "user") || !strcmp(d->key, "target_user")) {
		if (memchr(v, ':', vlen))
			return ns_fail(err, errlen,
				       "%s: no ':' (secrets go in %ssecret_file=)",
				       d->key, d->key[0] == 't' ? "target_" : "");
		if (d->key[0] == 't')
			return ns_copy(d->key, v, vlen, t->target_user,
				       sizeof(t->target_user), err, errlen);
		return ns_copy(d->key, v, vlen, t->user, sizeof(t->user), err,
			       errlen);
	}
	if (!strcmp(d->key, "secret_file"))
		return ns_copy(d->key, v, vlen, t->secret_file,
			       sizeof(t->secret_file), err, errlen);
	if (!strcmp(d->key, "target_secret_file"))
		return ns_copy(d->key, v, vlen, t->target_secret_file,
			       sizeof(t->target_secret_file), err, errlen);
	/* export */
	if (v[0] != '/')
		return ns_fail(err, errlen, "export: must be an absolute path");
	if (vlen > 1 && ns_check_path("export", v + 1, vlen - 1, &n, err,
				      errlen))
		return -1;
	return ns_copy(d->key, v, vlen, t->export_opt,
		       sizeof(t->export_opt), err, errlen);
}

static int ns_set_num(const struct ns_opt_desc *d, long long v,
		      struct ns_target *t)
{
	if (!strcmp(d->key, "mount_port"))
		t->mount_port = (int32_t)v;
	else if (!strcmp(d->key, "auth_uid"))
		t->auth_uid = v;
	else if (!strcmp(d->key, "auth_gid"))
		t->auth_gid = v;
	else if (!strcmp(d->key, "connections"))
		t->connections = v;
	else if (!strcmp(d->key, "queue_depth"))
		t->queue_depth = v;
	else if (!strcmp(d->key, "io_timeout_ms"))
		t->io_timeout_ms = v;
	else if (!strcmp(d->key, "reconnect_delay_ms"))
		t->reconnect_delay_ms = v;
	else if (!strcmp(d->key, "recovery_timeout_s"))
		t->recovery_timeout_s = v;
	else
		t->priority = (int32_t)v;
	return 0;
}

/* A key given twice: the last one wins, as with mount options. */
int ns_parse_opt(const char *s, size_t len, struct ns_target *t, char *err,
		 size_t errlen)
{
	const char *eq = memchr(s, '=', len), *v;
	size_t klen = eq ? (size_t)(eq - s) : len, vlen, i;
	const struct ns_opt_desc *d = NULL;
	long long n;

	if (ns_check_bytes("option", s, len, err, errlen))
		return -1;
	if (!klen)
		return ns_fail(err, errlen, "option: empty");
	for (i = 0; i < NS_NOPTS; i++) {
		if (strlen(ns_opts[i].key) == klen &&
		    !memcmp(ns_opts[i].key, s, klen)) {
			d = &ns_opts[i];
			break;
		}
	}
	if (!d)
		return ns_fail(err, errlen, "option '%.*s': unknown",
			       (int)(klen > 40 ? 40 : klen), s);
	t->opts_given |= 1u << i;
	if (d->kind == NS_O_DISCARD)
		return ns_set_discard(eq ? eq + 1 : s, eq ? s + len - eq - 1 : 0,
				      eq, t, err, errlen);
	if (d->kind == NS_O_FLAG) {
		if (eq)
			return ns_fail(err, errlen, "%s: takes no value",
				       d->key);
		if (d->key[0] == 'a')
			t->auto_up = true;
		else
			t->format = true;
		return 0;
	}
	if (!eq || eq + 1 == s + len)
		return ns_fail(err, errlen, "%s: needs a value (%s=...)",
			       d->key, d->key);
	v = eq + 1;
	vlen = s + len - v;
	switch (d->kind) {
	case NS_O_CHOICE:
		return ns_choice(d, v, vlen, t, err, errlen);
	case NS_O_STR:
		return ns_set_str(d, v, vlen, t, err, errlen);
	default:
		if (ns_number(d->key, v, vlen, d->min, d->max, &n, err,
			      errlen))
			return -1;
		return ns_set_num(d, n, t);
	}
}

int ns_parse_opts(const char *s, size_t len, struct ns_target *t, char *err,
		  size_t errlen)
{
	size_t start = 0, i;

	if (!len)
		return 0;
	for (i = 0; i <= len; i++) {
		if (i < len && s[i] != ',')
			continue;
		if (i == start)
			return ns_fail(err, errlen,
				       "options: empty element (',,' or a ',' at an end)");
		if (ns_parse_opt(s + start, i - start, t, err, errlen))
			return -1;
		start = i + 1;
	}
	return 0;
}

/* With export=: the URL path must be the export, '/', then the file. */
static int ns_split_export(struct ns_target *t, char *err, size_t errlen)
{
	char path[2 * NS_PATH_MAX + 1];
	const char *e = t->export_opt, *rest;
	size_t elen = strlen(e);

	snprintf(path, sizeof(path), "%s/%s", t->export, t->file);
	while (elen > 1 && e[elen - 1] == '/')
		elen--;
	if (!strncmp(path, e, elen) && !path[elen])
		return ns_fail(err, errlen,
			       "export: leaves no file in the URL's path");
	if (strncmp(path, e, elen) != 0 || (elen > 1 && path[elen] != '/'))
		return ns_fail(err, errlen,
			       "export: %.*s is not where the URL's path %.200s starts",
			       (int)(elen > 200 ? 200 : elen), e, path);
	rest = path + elen + (elen > 1);
	if (!*rest)
		return ns_fail(err, errlen,
			       "export: leaves no file in the URL's path");
	if (ns_copy("file", rest, strlen(rest), t->file, sizeof(t->file), err,
		    errlen))
		return -1;
	memcpy(t->export, e, elen);
	t->export[elen] = '\0';
	return 0;
}

int ns_target_finish(struct ns_target *t, char *err, size_t errlen)
{
	size_t i;

	if (!t->name[0])
		return ns_fail(err, errlen, "name: missing");
	if (t->transport == NS_T_NONE || !t->host[0])
		return ns_fail(err, errlen, "url: missing");
	for (i = 0; i < NS_NOPTS; i++) {
		if (!(t->opts_given & (1u << i)) ||
		    ns_opts[i].only == NS_T_NONE ||
		    ns_opts[i].only == t->transport)
			continue;
		return ns_fail(err, errlen, "%s: only for %s targets%s",
			       ns_opts[i].key,
			       ns_transport_name(ns_opts[i].only),
			       ns_opts[i].kind == NS_O_DISCARD ?
			       " (NFSv3 has no way to free a file's blocks)" : "");
	}
	if (t->transport == NS_T_NFS && t->export_opt[0])
		return ns_split_export(t, err, errlen);
	/* Mutual CHAP: both halves, on top of the initiator's own CHAP. */
	if (!!t->target_user[0] != !!t->target_secret_file[0])
		return ns_fail(err, errlen,
			       "mutual CHAP needs both target_user= and target_secret_file=");
	if (t->target_user[0] && (!t->user[0] || !t->secret_file[0]))
		return ns_fail(err, errlen,
			       "mutual CHAP needs user= and secret_file= too");
	if (!strcmp(t->secret_file, "-") &&
	    !strcmp(t->target_secret_file, "-"))
		return ns_fail(err, errlen,
			       "secret_file and target_secret_file cannot both be standard input");
	return 0;
}

int ns_parse_tab_line(const char *line, size_t len, struct ns_target *t,
		      char *err, size_t errlen)
{
	const char *f[4];
	size_t flen[4], i = 0;
	int n = 0;

	if (len > NS_TAB_LINE_MAX)
		return ns_fail(err, errlen, "line: longer than %d bytes",
			       NS_TAB_LINE_MAX);
	if (len && line[len - 1] == '\n')
		len--;
	if (len && line[len - 1] == '\r')
		len--;
	if (memchr(line, '\0', len))
		return ns_fail(err, errlen, "line: embedded NUL");
	if (memchr(line, '\n', len) || memchr(line, '\r', len))
		return ns_fail(err, errlen, "line: embedded newline");
	while (i < len) {
		size_t start;

		while (i < len && (line[i] == ' ' || line[i] == '\t'))
			i++;
		if (i == len || line[i] == '#')
			break;
		start = i;
		while (i < len && line[i] != ' ' && line[i] != '\t')
			i++;
		if (n == 3)
			return ns_fail(err, errlen,
				       "line: more than NAME URL OPTIONS (options are one comma-separated field)");
		f[n] = line + start;
		flen[n++] = i - start;
	}
	if (!n)
		return 0;
	if (n < 2)
		return ns_fail(err, errlen, "line: NAME without a URL");
	ns_target_init(t);
	if (ns_parse_name(f[0], flen[0], t->name, err, errlen) ||
	    ns_parse_url(f[1], flen[1], t, err, errlen) ||
	    (n == 3 && ns_parse_opts(f[2], flen[2], t, err, errlen)) ||
	    ns_target_finish(t, err, errlen))
		return -1;
	return 1;
}
