// SPDX-License-Identifier: GPL-2.0
/*
 * iSCSI login key negotiation (RFC 7143 sections 6 and 13).
 *
 * The initiator offers every negotiable key it implements in its first
 * operational-stage PDU, so a known negotiable key coming back from the
 * target is an answer to our offer and is checked against the key's result
 * function: an answer the function could not have produced (a digest we did
 * not offer, a minimum above our value, "No" to an OR of "Yes") is a
 * protocol violation, because both sides would otherwise run with different
 * parameters. Keys we do not know are answered "NotUnderstood".
 */
#include "nsp_types.h"
#include "iscsi_text.h"
#include "nsp_buf.h"

#define KEY_NAME_MAX	63	/* RFC 7143 6.1 */
#define ERR_VALUE_MAX	64	/* longest bad value an error quotes */

/* ---- bounded string building ------------------------------------------ */

static void sb_putu(struct nsp_buf *sb, u64 v)
{
	char tmp[20];
	size_t i = sizeof(tmp);

	do {
		tmp[--i] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	nsp_buf_putn(sb, tmp + i, sizeof(tmp) - i);
}

/* "key=value\0" */
static void sb_pair(struct nsp_buf *sb, const char *key, const char *val)
{
	nsp_buf_puts(sb, key);
	nsp_buf_putc(sb, '=');
	nsp_buf_puts(sb, val);
	nsp_buf_putc(sb, '\0');
}

static void sb_pair_u(struct nsp_buf *sb, const char *key, u64 val)
{
	nsp_buf_puts(sb, key);
	nsp_buf_putc(sb, '=');
	sb_putu(sb, val);
	nsp_buf_putc(sb, '\0');
}

/* ---- error messages ----------------------------------------------------- */

struct errmsg {
	char	*buf;
	size_t	size;
	size_t	used;
};

static void em_putn(struct errmsg *e, const char *s, size_t n, bool sanitize)
{
	size_t i;

	if (!e->size)
		return;
	for (i = 0; i < n && e->used + 1 < e->size; i++) {
		char c = s[i];

		/* Target-supplied text goes to logs: keep it printable. */
		if (sanitize && (c < 0x20 || c > 0x7e))
			c = '?';
		e->buf[e->used++] = c;
	}
	e->buf[e->used] = '\0';
}

static void em_puts(struct errmsg *e, const char *s)
{
	em_putn(e, s, strlen(s), false);
}

static void em_quote(struct errmsg *e, const char *s, size_t n)
{
	if (n > ERR_VALUE_MAX) {
		em_putn(e, s, ERR_VALUE_MAX, true);
		em_puts(e, "...");
	} else {
		em_putn(e, s, n, true);
	}
}

static void em_start(struct errmsg *e, char *buf, size_t size)
{
	e->buf = buf;
	e->size = buf ? size : 0;
	e->used = 0;
	if (e->size)
		buf[0] = '\0';
}

/* ---- value parsing ------------------------------------------------------ */

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int iscsi_text_parse_number(const char *val, size_t vlen, u64 *out)
{
	u64 v = 0;
	size_t i;

	if (!vlen)
		return -EPROTO;
	if (vlen > 2 && val[0] == '0' && (val[1] == 'x' || val[1] == 'X')) {
		for (i = 2; i < vlen; i++) {
			int d = hexval(val[i]);

			if (d < 0 || v >> 60)
				return -EPROTO;
			v = v << 4 | (u64)d;
		}
	} else {
		for (i = 0; i < vlen; i++) {
			u64 d;

			if (val[i] < '0' || val[i] > '9')
				return -EPROTO;
			d = (u64)(val[i] - '0');
			if (v > (~(u64)0 - d) / 10)
				return -EPROTO;
			v = v * 10 + d;
		}
	}
	*out = v;
	return 0;
}

static bool val_is(const char *val, size_t vlen, const char *s)
{
	size_t n = strlen(s);

	return vlen == n && !memcmp(val, s, n);
}

/* "Reject", "Irrelevant", "NotUnderstood": the key keeps its default. */
static bool val_is_refusal(const char *val, size_t vlen)
{
	return val_is(val, vlen, "Reject") || val_is(val, vlen, "Irrelevant") ||
	       val_is(val, vlen, "NotUnderstood");
}

/* RFC 7143 6.1: key names are made of a-z A-Z 0-9 . - + @ _ */
static bool key_name_ok(const char *key, size_t klen)
{
	size_t i;

	if (!klen || klen > KEY_NAME_MAX)
		return false;
	for (i = 0; i < klen; i++) {
		char c = key[i];

		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9') || c == '.' || c == '-' ||
		    c == '+' || c == '@' || c == '_')
			continue;
		return false;
	}
	return true;
}

/* ---- iSCSI names -------------------------------------------------------- */

static bool all_hex(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (hexval(s[i]) < 0)
			return false;
	return true;
}

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static bool iqn_char_ok(char c)
{
	return (c >= 'a' && c <= 'z') || is_digit(c) || c == '-' ||
	       c == '.' || c == ':';
}

/**
 * iscsi_name_valid() - check an iSCSI name (RFC 7143 4.2.7)
 * @name:	NUL-terminated name
 *
 * Accepts "iqn.yyyy-mm.<reversed domain>[:<anything>]" in lowercase
 * a-z 0-9 - . :, "eui." + 16 hex digits and "naa." + 16 or 32 hex digits,
 * at most ISCSI_NAME_MAX bytes. Stringprep is not applied: names must
 * already be in their normalized (lowercase ASCII) form.
 */
bool iscsi_name_valid(const char *name)
{
	size_t n, i;

	if (!name)
		return false;
	for (n = 0; n <= ISCSI_NAME_MAX && name[n]; n++)
		;
	if (n > ISCSI_NAME_MAX || n < 4)
		return false;

	if (!memcmp(name, "eui.", 4))
		return n == 4 + 16 && all_hex(name + 4, 16);
	if (!memcmp(name, "naa.", 4))
		return (n == 4 + 16 || n == 4 + 32) && all_hex(name + 4, n - 4);
	if (memcmp(name, "iqn.", 4))
		return false;

	/* iqn.yyyy-mm.x */
	if (n < 13)
		return false;
	for (i = 4; i < 8; i++)
		if (!is_digit(name[i]))
			return false;
	if (name[8] != '-' || !is_digit(name[9]) || !is_digit(name[10]) ||
	    name[11] != '.')
		return false;
	i = (size_t)(name[9] - '0') * 10 + (size_t)(name[10] - '0');
	if (i < 1 || i > 12)
		return false;
	/* The naming authority starts with a letter or digit. */
	if (!((name[12] >= 'a' && name[12] <= 'z') || is_digit(name[12])))
		return false;
	for (i = 12; i < n; i++)
		if (!iqn_char_ok(name[i]))
			return false;
	return true;
}

/* ---- builders ----------------------------------------------------------- */

int iscsi_text_build_security(char *buf, size_t len,
			      const struct iscsi_login_cfg *cfg)
{
	struct nsp_buf sb;

	if (!iscsi_name_valid(cfg->initiator_name) ||
	    (!cfg->discovery && !iscsi_name_valid(cfg->target_name)))
		return -EINVAL;
	nsp_buf_init(&sb, buf, len, 0);
	sb_pair(&sb, "InitiatorName", cfg->initiator_name);
	if (cfg->discovery) {
		sb_pair(&sb, "SessionType", "Discovery");
	} else {
		sb_pair(&sb, "SessionType", "Normal");
		sb_pair(&sb, "TargetName", cfg->target_name);
	}
	/* With a secret set, None is never offered: it would be a downgrade. */
	sb_pair(&sb, "AuthMethod", cfg->chap ? "CHAP" : "None");
	return nsp_buf_result(&sb);
}

static bool dsl_ok(u32 v)
{
	return v >= ISCSI_MIN_DSL && v <= ISCSI_MAX_DSL_NEG;
}

static const char *yes_no(bool b)
{
	return b ? "Yes" : "No";
}

/*
 * An operator who asked for CRC32C gets it or no session: offering
 * "CRC32C,None" would let a target silently drop the integrity check.
 */
static const char *digest_offer(bool crc)
{
	return crc ? "CRC32C" : "None";
}

/* Values we offer for the keys that do not come from the configuration. */
#define OUR_MAX_OUTSTANDING_R2T	1
#define OUR_MAX_CONNECTIONS	1
#define OUR_ERL			0
#define OUR_TIME2WAIT		2
#define OUR_TIME2RETAIN		0

int iscsi_text_build_operational(char *buf, size_t len,
				 const struct iscsi_login_cfg *cfg)
{
	struct nsp_buf sb;

	if (!dsl_ok(cfg->max_recv_dsl) || !dsl_ok(cfg->max_burst) ||
	    !dsl_ok(cfg->first_burst) || cfg->first_burst > cfg->max_burst)
		return -EINVAL;
	nsp_buf_init(&sb, buf, len, 0);
	sb_pair(&sb, "HeaderDigest", digest_offer(cfg->header_digest));
	sb_pair(&sb, "DataDigest", digest_offer(cfg->data_digest));
	sb_pair_u(&sb, "MaxRecvDataSegmentLength", cfg->max_recv_dsl);
	sb_pair_u(&sb, "MaxBurstLength", cfg->max_burst);
	sb_pair_u(&sb, "FirstBurstLength", cfg->first_burst);
	sb_pair(&sb, "InitialR2T", yes_no(cfg->initial_r2t));
	sb_pair(&sb, "ImmediateData", yes_no(cfg->immediate_data));
	sb_pair_u(&sb, "MaxOutstandingR2T", OUR_MAX_OUTSTANDING_R2T);
	sb_pair_u(&sb, "MaxConnections", OUR_MAX_CONNECTIONS);
	sb_pair_u(&sb, "ErrorRecoveryLevel", OUR_ERL);
	sb_pair(&sb, "DataPDUInOrder", "Yes");
	sb_pair(&sb, "DataSequenceInOrder", "Yes");
	sb_pair_u(&sb, "DefaultTime2Wait", OUR_TIME2WAIT);
	sb_pair_u(&sb, "DefaultTime2Retain", OUR_TIME2RETAIN);
	/* Obsolete since RFC 7143, but RFC 3720 targets expect them. */
	sb_pair(&sb, "IFMarker", "No");
	sb_pair(&sb, "OFMarker", "No");
	return nsp_buf_result(&sb);
}

void iscsi_params_init(struct iscsi_session_params *p,
		       const struct iscsi_login_cfg *cfg)
{
	memset(p, 0, sizeof(*p));
	p->max_xmit_dsl = ISCSI_DEF_DSL;
	p->max_recv_dsl = cfg ? cfg->max_recv_dsl : ISCSI_DEF_DSL;
	p->max_burst = ISCSI_DEF_MAX_BURST;
	p->first_burst = ISCSI_DEF_FIRST_BURST;
	p->initial_r2t = true;
	p->immediate_data = true;
	p->max_outstanding_r2t = 1;
	p->max_connections = 1;
	p->erl = 0;
	p->default_time2wait = 2;
	p->default_time2retain = 20;
	p->data_pdu_in_order = true;
	p->data_seq_in_order = true;
}

/* ---- parsing ------------------------------------------------------------ */

int iscsi_sendtargets_next(const char *buf, size_t len, size_t *pos,
			   const char **name, size_t *nlen,
			   const char **addr, size_t *alen)
{
	bool have = false;

	*addr = NULL;
	*alen = 0;
	while (*pos < len) {
		const char *pair = buf + *pos;
		const char *nul = memchr(pair, '\0', len - *pos);
		size_t plen = nul ? (size_t)(nul - pair) : len - *pos;
		const char *eq = memchr(pair, '=', plen);

		if (!plen) {		/* padding, or an empty pair */
			*pos += 1;
			continue;
		}
		if (!eq)
			return -EPROTO;
		if ((size_t)(eq - pair) == 10 && !memcmp(pair, "TargetName", 10)) {
			if (have)
				return 1;	/* the next record starts here */
			*name = eq + 1;
			*nlen = plen - 11;
			if (!*nlen)
				return -EPROTO;
			have = true;
		} else if ((size_t)(eq - pair) == 13 &&
			   !memcmp(pair, "TargetAddress", 13)) {
			if (!have)
				return -EPROTO;
			if (!*addr) {
				*addr = eq + 1;
				*alen = plen - 14;
			}
		}
		*pos += plen + (nul ? 1 : 0);
	}
	return have ? 1 : 0;
}

/* 0..@max in decimal, all of @n characters; -EINVAL otherwise. */
static int dec_in_range(const char *s, size_t n, u32 max, u32 *out)
{
	u32 v = 0;
	size_t i;

	if (!n || n > 10)
		return -EINVAL;
	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -EINVAL;
		v = v * 10 + (u32)(s[i] - '0');
		if (v > max)
			return -EINVAL;
	}
	*out = v;
	return 0;
}

int iscsi_split_target_address(const char *v, size_t vlen, char *host,
			       size_t hlen, u16 *port)
{
	const char *comma = NULL, *h = v, *hend, *rest;
	size_t i, n = vlen;
	u32 num;

	/* ",tag" ends the value: a 16-bit portal group tag. */
	for (i = 0; i < vlen; i++)
		if (v[i] == ',')
			comma = v + i;
	if (comma) {
		if (dec_in_range(comma + 1, vlen - (size_t)(comma + 1 - v),
				 65535, &num))
			return -EINVAL;
		n = (size_t)(comma - v);
	}
	if (n && v[0] == '[') {
		hend = memchr(v, ']', n);
		if (!hend)
			return -EINVAL;
		h = v + 1;
		rest = hend + 1;
	} else {
		hend = memchr(v, ':', n);
		if (!hend)
			hend = v + n;
		rest = hend;
		/* A second ':' is an IPv6 literal without its brackets. */
		if (rest < v + n && memchr(rest + 1, ':', (size_t)(v + n - rest - 1)))
			return -EINVAL;
	}
	if (hend == h || (size_t)(hend - h) >= hlen)
		return -EINVAL;
	for (i = 0; h + i < hend; i++)
		if (h[i] <= ' ' || h[i] > '~' || h[i] == '[' || h[i] == ']' ||
		    h[i] == ',')
			return -EINVAL;
	*port = ISCSI_DEFAULT_PORT;
	if (rest < v + n) {
		if (*rest != ':' ||
		    dec_in_range(rest + 1, (size_t)(v + n - rest - 1), 65535,
				 &num) || !num)
			return -EINVAL;
		*port = (u16)num;
	}
	memcpy(host, h, (size_t)(hend - h));
	host[hend - h] = '\0';
	return 0;
}

const char *iscsi_text_find(const char *buf, size_t len, const char *key,
			    size_t *vlen)
{
	size_t klen = strlen(key);
	size_t pos = 0;

	while (pos < len) {
		const char *pair = buf + pos;
		const char *nul = memchr(pair, '\0', len - pos);
		size_t plen = nul ? (size_t)(nul - pair) : len - pos;

		if (plen > klen && pair[klen] == '=' &&
		    !memcmp(pair, key, klen)) {
			*vlen = plen - klen - 1;
			return pair + klen + 1;
		}
		pos += plen + 1;
	}
	return NULL;
}

enum key_rule {
	R_HDIGEST,	/* list: one of our offers */
	R_DDIGEST,
	R_DECLARE_DSL,	/* target's MaxRecvDataSegmentLength */
	R_MIN,		/* numerical, result = minimum */
	R_MAX,		/* numerical, result = maximum */
	R_OR,		/* boolean, result = OR */
	R_AND,		/* boolean, result = AND */
	R_AUTH,
	R_TPGT,
	R_IGNORE,	/* informational, or handled elsewhere */
	R_REPLY_REJECT,	/* obsolete keys a target may offer: "Reject" */
};

enum key_id {
	K_HDIGEST, K_DDIGEST, K_MRDSL, K_MAX_BURST, K_FIRST_BURST,
	K_INITIAL_R2T, K_IMMEDIATE_DATA, K_MAX_R2T, K_MAX_CONN, K_ERL,
	K_PDU_ORDER, K_SEQ_ORDER, K_T2WAIT, K_T2RETAIN, K_IFMARKER,
	K_OFMARKER, K_AUTH, K_TPGT, K_OTHER,
};

struct key_def {
	const char	*name;
	u8		id;
	u8		rule;
	u32		lo, hi;		/* numerical range */
};

static const struct key_def keys[] = {
	{ "HeaderDigest", K_HDIGEST, R_HDIGEST, 0, 0 },
	{ "DataDigest", K_DDIGEST, R_DDIGEST, 0, 0 },
	{ "MaxRecvDataSegmentLength", K_MRDSL, R_DECLARE_DSL,
	  ISCSI_MIN_DSL, ISCSI_MAX_DSL_NEG },
	{ "MaxBurstLength", K_MAX_BURST, R_MIN, 512, 16777215 },
	{ "FirstBurstLength", K_FIRST_BURST, R_MIN, 512, 16777215 },
	{ "InitialR2T", K_INITIAL_R2T, R_OR, 0, 0 },
	{ "ImmediateData", K_IMMEDIATE_DATA, R_AND, 0, 0 },
	{ "MaxOutstandingR2T", K_MAX_R2T, R_MIN, 1, 65535 },
	{ "MaxConnections", K_MAX_CONN, R_MIN, 1, 65535 },
	{ "ErrorRecoveryLevel", K_ERL, R_MIN, 0, 2 },
	{ "DataPDUInOrder", K_PDU_ORDER, R_OR, 0, 0 },
	{ "DataSequenceInOrder", K_SEQ_ORDER, R_OR, 0, 0 },
	{ "DefaultTime2Wait", K_T2WAIT, R_MAX, 0, 3600 },
	{ "DefaultTime2Retain", K_T2RETAIN, R_MIN, 0, 3600 },
	{ "IFMarker", K_IFMARKER, R_AND, 0, 0 },
	{ "OFMarker", K_OFMARKER, R_AND, 0, 0 },
	{ "AuthMethod", K_AUTH, R_AUTH, 0, 0 },
	{ "TargetPortalGroupTag", K_TPGT, R_TPGT, 0, 65535 },
	{ "TargetAlias", K_OTHER, R_IGNORE, 0, 0 },
	{ "TargetAddress", K_OTHER, R_IGNORE, 0, 0 },
	{ "TargetName", K_OTHER, R_IGNORE, 0, 0 },
	{ "IFMarkInt", K_OTHER, R_REPLY_REJECT, 0, 0 },
	{ "OFMarkInt", K_OTHER, R_REPLY_REJECT, 0, 0 },
};

/* What we offered for a numerical or boolean key (booleans as 0/1). */
static u32 our_value(const struct iscsi_login_cfg *cfg, u8 id)
{
	switch (id) {
	case K_MAX_BURST:	return cfg->max_burst;
	case K_FIRST_BURST:	return cfg->first_burst;
	case K_INITIAL_R2T:	return cfg->initial_r2t;
	case K_IMMEDIATE_DATA:	return cfg->immediate_data;
	case K_MAX_R2T:		return OUR_MAX_OUTSTANDING_R2T;
	case K_MAX_CONN:	return OUR_MAX_CONNECTIONS;
	case K_ERL:		return OUR_ERL;
	case K_PDU_ORDER:	return 1;
	case K_SEQ_ORDER:	return 1;
	case K_T2WAIT:		return OUR_TIME2WAIT;
	case K_T2RETAIN:	return OUR_TIME2RETAIN;
	default:		return 0;	/* IFMarker, OFMarker: No */
	}
}

static u32 *num_field(struct iscsi_session_params *p, u8 id)
{
	switch (id) {
	case K_MAX_BURST:	return &p->max_burst;
	case K_FIRST_BURST:	return &p->first_burst;
	case K_MAX_R2T:		return &p->max_outstanding_r2t;
	case K_MAX_CONN:	return &p->max_connections;
	case K_ERL:		return &p->erl;
	case K_T2WAIT:		return &p->default_time2wait;
	case K_T2RETAIN:	return &p->default_time2retain;
	default:		return NULL;
	}
}

static bool *bool_field(struct iscsi_session_params *p, u8 id)
{
	switch (id) {
	case K_INITIAL_R2T:	return &p->initial_r2t;
	case K_IMMEDIATE_DATA:	return &p->immediate_data;
	case K_PDU_ORDER:	return &p->data_pdu_in_order;
	case K_SEQ_ORDER:	return &p->data_seq_in_order;
	default:		return NULL;	/* markers: not kept */
	}
}

struct parse_ctx {
	const struct iscsi_login_cfg	*cfg;
	struct iscsi_session_params	*p;
	struct nsp_buf			reply;
	struct errmsg			err;
	const char			*key, *val;
	size_t				klen, vlen;
};

static int fail_value(struct parse_ctx *c, const char *why)
{
	em_puts(&c->err, "target sent ");
	em_putn(&c->err, c->key, c->klen, true);
	em_puts(&c->err, "=");
	em_quote(&c->err, c->val, c->vlen);
	em_puts(&c->err, ": ");
	em_puts(&c->err, why);
	return -EPROTO;
}

static int fail_not_offered(struct parse_ctx *c)
{
	em_puts(&c->err, "target chose ");
	em_putn(&c->err, c->key, c->klen, true);
	em_puts(&c->err, "=");
	em_quote(&c->err, c->val, c->vlen);
	em_puts(&c->err, ", which was not offered");
	return -EPROTO;
}

static int reply_pair(struct parse_ctx *c, const char *val)
{
	nsp_buf_putn(&c->reply, c->key, c->klen);
	nsp_buf_putc(&c->reply, '=');
	nsp_buf_puts(&c->reply, val);
	nsp_buf_putc(&c->reply, '\0');
	if (c->reply.overflow) {
		em_puts(&c->err, "no room to answer target key ");
		em_putn(&c->err, c->key, c->klen, true);
		return -ENOSPC;
	}
	return 0;
}

/* We offer exactly one digest, so the answer must be that one. */
static int apply_digest(struct parse_ctx *c, bool offered_crc, bool *res)
{
	if (offered_crc) {
		if (!val_is(c->val, c->vlen, "CRC32C"))
			return fail_not_offered(c);
		*res = true;
		return 0;
	}
	if (val_is(c->val, c->vlen, "None") ||
	    val_is_refusal(c->val, c->vlen)) {
		*res = false;
		return 0;
	}
	return fail_not_offered(c);
}

static int parse_num(struct parse_ctx *c, const struct key_def *k, u32 *out)
{
	u64 v;

	if (iscsi_text_parse_number(c->val, c->vlen, &v))
		return fail_value(c, "not a number");
	if (v < k->lo || v > k->hi)
		return fail_value(c, "out of range");
	*out = (u32)v;
	return 0;
}

static int apply_bool(struct parse_ctx *c, const struct key_def *k)
{
	bool ours = our_value(c->cfg, k->id);
	bool *field = bool_field(c->p, k->id);
	bool v;

	if (val_is(c->val, c->vlen, "Yes"))
		v = true;
	else if (val_is(c->val, c->vlen, "No"))
		v = false;
	else
		return fail_value(c, "not Yes or No");
	/* OR with our Yes can only be Yes; AND with our No only No. */
	if ((k->rule == R_OR && ours && !v) ||
	    (k->rule == R_AND && !ours && v))
		return fail_not_offered(c);
	if (field)
		*field = v;
	return 0;
}

static int apply_key(struct parse_ctx *c, const struct key_def *k)
{
	u32 v;
	int ret;

	if (k->rule == R_IGNORE)
		return 0;
	if (k->rule == R_REPLY_REJECT)
		return reply_pair(c, "Reject");
	if (k->rule == R_AUTH) {
		c->p->auth_seen = true;
		c->p->auth_chap = false;
		if (c->cfg->chap && !val_is(c->val, c->vlen, "CHAP")) {
			em_puts(&c->err, "target answered AuthMethod=");
			em_quote(&c->err, c->val, c->vlen);
			em_puts(&c->err, " to CHAP: authentication is set, so the login stops");
			return -EACCES;
		}
		if (val_is(c->val, c->vlen, "None"))
			return 0;
		if (c->cfg->chap) {
			c->p->auth_chap = true;
			return 0;
		}
		return fail_not_offered(c);
	}
	if (k->rule == R_TPGT) {
		ret = parse_num(c, k, &v);
		if (ret)
			return ret;
		c->p->tpgt = v;
		c->p->tpgt_seen = true;
		return 0;
	}

	if (val_is_refusal(c->val, c->vlen)) {
		/* A declined digest that was asked for fails the login. */
		if ((k->id == K_HDIGEST && c->cfg->header_digest) ||
		    (k->id == K_DDIGEST && c->cfg->data_digest))
			return fail_not_offered(c);
		/* The key keeps its default, which init already set. */
		if (k->id == K_HDIGEST)
			c->p->header_digest = false;
		else if (k->id == K_DDIGEST)
			c->p->data_digest = false;
		return 0;
	}

	switch (k->rule) {
	case R_HDIGEST:
		return apply_digest(c, c->cfg->header_digest,
				    &c->p->header_digest);
	case R_DDIGEST:
		return apply_digest(c, c->cfg->data_digest,
				    &c->p->data_digest);
	case R_DECLARE_DSL:
		ret = parse_num(c, k, &v);
		if (!ret)
			c->p->max_xmit_dsl = v;
		return ret;
	case R_MIN:
	case R_MAX:
		ret = parse_num(c, k, &v);
		if (ret)
			return ret;
		if (k->rule == R_MIN ? v > our_value(c->cfg, k->id) :
				       v < our_value(c->cfg, k->id))
			return fail_not_offered(c);
		*num_field(c->p, k->id) = v;
		return 0;
	default:
		return apply_bool(c, k);
	}
}

static const struct key_def *find_key(const char *key, size_t klen)
{
	size_t i;

	for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
		if (strlen(keys[i].name) == klen &&
		    !memcmp(keys[i].name, key, klen))
			return &keys[i];
	return NULL;
}

/*
 * iscsi_text_parse() - apply a target's login text segment; the parameters
 * are described in iscsi_text.h. Empty pairs (runs of NULs, e.g. padding)
 * are skipped.
 * A key the target sends twice in one segment is a protocol error. After
 * the segment, FirstBurstLength is clamped to MaxBurstLength: sending less
 * unsolicited data than allowed is always safe.
 */
int iscsi_text_parse(const char *buf, size_t len,
		     const struct iscsi_login_cfg *cfg,
		     struct iscsi_session_params *p,
		     char *reply, size_t reply_len, size_t *reply_used,
		     char *err, size_t errlen)
{
	struct parse_ctx c;
	u32 seen = 0;
	size_t pos = 0;
	int ret = 0;

	c.cfg = cfg;
	c.p = p;
	em_start(&c.err, err, errlen);
	if (reply && reply_used)
		nsp_buf_init(&c.reply, reply, reply_len, *reply_used);
	else
		nsp_buf_init(&c.reply, NULL, 0, 0);

	while (pos < len) {
		const char *pair = buf + pos;
		const char *nul = memchr(pair, '\0', len - pos);
		size_t plen = nul ? (size_t)(nul - pair) : len - pos;
		const char *eq = memchr(pair, '=', plen);
		const struct key_def *k;

		pos += plen + 1;
		if (!nul) {
			em_puts(&c.err, "key=value pair \"");
			em_quote(&c.err, pair, plen);
			em_puts(&c.err, "\" without its terminating NUL");
			ret = -EPROTO;
			break;
		}
		if (!plen)
			continue;
		c.key = pair;
		c.klen = eq ? (size_t)(eq - pair) : plen;
		if (!eq || !key_name_ok(pair, c.klen)) {
			em_puts(&c.err, "malformed key=value pair \"");
			em_quote(&c.err, pair, plen);
			em_puts(&c.err, "\"");
			ret = -EPROTO;
			break;
		}
		c.val = eq + 1;
		c.vlen = plen - c.klen - 1;

		/* CHAP_* keys belong to chap.c. */
		if (c.klen > 5 && !memcmp(pair, "CHAP_", 5))
			continue;
		k = find_key(pair, c.klen);
		if (!k) {
			ret = reply_pair(&c, "NotUnderstood");
			if (ret)
				break;
			continue;
		}
		if (k->id != K_OTHER) {
			if (seen & (1u << k->id)) {
				em_puts(&c.err, "target sent ");
				em_putn(&c.err, c.key, c.klen, true);
				em_puts(&c.err, " twice");
				ret = -EPROTO;
				break;
			}
			seen |= 1u << k->id;
		}
		ret = apply_key(&c, k);
		if (ret)
			break;
	}

	if (p->first_burst > p->max_burst)
		p->first_burst = p->max_burst;
	if (reply && reply_used && !c.reply.overflow)
		*reply_used = c.reply.used;
	return ret;
}


/*
 * A digest asked for must have been answered: a target that leaves the key
 * out of every response leaves it at its default, None (RFC 7143 13.1).
 */
int iscsi_text_check_digests(const struct iscsi_login_cfg *cfg,
			     const struct iscsi_session_params *p,
			     char *err, size_t errlen)
{
	struct errmsg em;

	em_start(&em, err, errlen);
	if (cfg->header_digest && !p->header_digest) {
		em_puts(&em, "target did not accept HeaderDigest=CRC32C (no answer to the offer)");
		return -EPROTO;
	}
	if (cfg->data_digest && !p->data_digest) {
		em_puts(&em, "target did not accept DataDigest=CRC32C (no answer to the offer)");
		return -EPROTO;
	}
	return 0;
}
