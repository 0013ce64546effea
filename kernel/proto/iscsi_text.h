/* SPDX-License-Identifier: GPL-2.0 */
/*
 * iSCSI login and text key negotiation (RFC 7143 section 6 and 13).
 *
 * Text data segments are sequences of "key=value\0". The builders write the
 * initiator's offers; iscsi_text_parse() applies the target's answers (and
 * target-initiated offers) to the negotiated result and writes any reply the
 * initiator owes into a reply buffer. Pure functions, no allocation.
 */
#ifndef NSP_ISCSI_TEXT_H
#define NSP_ISCSI_TEXT_H

#include "nsp_types.h"

#define ISCSI_NAME_MAX		223	/* RFC 7143 section 4.2.7.1 */
#define ISCSI_TEXT_VALUE_MAX	255	/* except CHAP binary values */

/* RFC 7143 limits and defaults. */
#define ISCSI_MIN_DSL		512
#define ISCSI_MAX_DSL_NEG	16777215u
#define ISCSI_DEF_DSL		8192
#define ISCSI_DEF_MAX_BURST	262144
#define ISCSI_DEF_FIRST_BURST	65536

/* What the initiator offers. Caller fills this before building. */
struct iscsi_login_cfg {
	const char	*initiator_name;
	const char	*target_name;
	bool		chap;		/* offer AuthMethod=CHAP only, else None */
	bool		header_digest;	/* offer CRC32C,None, else None */
	bool		data_digest;
	u32		max_recv_dsl;	/* our MaxRecvDataSegmentLength (declarative) */
	u32		max_burst;
	u32		first_burst;	/* <= max_burst */
	bool		immediate_data;	/* offer Yes */
	bool		initial_r2t;	/* offer Yes (we prefer No) */
	bool		discovery;	/* SessionType=Discovery, no TargetName */
};

/* The outcome, valid after the operational stage completes. */
struct iscsi_session_params {
	bool	header_digest;
	bool	data_digest;
	u32	max_xmit_dsl;	/* target's MaxRecvDataSegmentLength, default 8192 */
	u32	max_recv_dsl;	/* ours, as declared */
	u32	max_burst;
	u32	first_burst;
	bool	initial_r2t;
	bool	immediate_data;
	u32	max_outstanding_r2t;
	u32	max_connections;
	u32	erl;
	u32	default_time2wait;
	u32	default_time2retain;
	bool	data_pdu_in_order;
	bool	data_seq_in_order;
	u32	tpgt;
	bool	tpgt_seen;
	/* security stage */
	bool	auth_chap;	/* target chose AuthMethod=CHAP */
	bool	auth_seen;
};

/* Set params to the RFC 7143 defaults and record cfg's declarations. */
void iscsi_params_init(struct iscsi_session_params *p,
		       const struct iscsi_login_cfg *cfg);

/*
 * Security-stage offer: InitiatorName, SessionType=Normal, TargetName,
 * AuthMethod. Returns bytes written (each pair NUL-terminated) or -ENOSPC.
 * -EINVAL if a name is empty, too long, or holds characters outside
 * the iSCSI name alphabet.
 */
int iscsi_text_build_security(char *buf, size_t len,
			      const struct iscsi_login_cfg *cfg);

/*
 * Operational-stage offer. Returns bytes written or -ENOSPC; -EINVAL if a
 * length in @cfg is outside 512..2^24-1 or first_burst > max_burst.
 */
int iscsi_text_build_operational(char *buf, size_t len,
				 const struct iscsi_login_cfg *cfg);

/*
 * iscsi_text_parse() - apply a target's text segment.
 * @buf, @len:	received data segment; every pair ends with a NUL (a final
 *		pair without one is an error: the text was cut)
 * @cfg:	what we offered, to check that answers are among the offers
 * @p:		negotiated values, updated in place
 * @reply, @reply_len, @reply_used: where answers to target-initiated
 *		offers are appended at offset *@reply_used, which is advanced
 *		(may be NULL when none are expected)
 * @err, @errlen: one-line reason on failure, e.g.
 *		"target chose HeaderDigest=MD5, which was not offered"
 *
 * CHAP_* keys are ignored here (see chap.h). Unknown keys are answered with
 * "key=NotUnderstood". Returns 0, -EPROTO on a protocol violation or a value
 * out of range, -ENOSPC if the reply does not fit.
 */
int iscsi_text_parse(const char *buf, size_t len,
		     const struct iscsi_login_cfg *cfg,
		     struct iscsi_session_params *p,
		     char *reply, size_t reply_len, size_t *reply_used,
		     char *err, size_t errlen);

/*
 * iscsi_text_check_digests() - after the operational stage: every digest
 * @cfg asked for was accepted. A target that leaves HeaderDigest or
 * DataDigest out of its answers has chosen None, which the operator did
 * not allow. Returns 0, or -EPROTO with @err naming the digest.
 */
int iscsi_text_check_digests(const struct iscsi_login_cfg *cfg,
			     const struct iscsi_session_params *p,
			     char *err, size_t errlen);

/*
 * Find the value of @key in a text segment. Returns a pointer into @buf and
 * sets *vlen, or NULL. Values are not NUL-terminated if the segment was not.
 */
const char *iscsi_text_find(const char *buf, size_t len, const char *key,
			    size_t *vlen);

#define ISCSI_DEFAULT_PORT	3260

/*
 * iscsi_sendtargets_next() - the next target of a SendTargets answer (RFC
 * 7143 appendix C): from *@pos in the text @buf of @len bytes, a
 * TargetName and the first TargetAddress after it (NULL, 0 if none), not
 * NUL-terminated. *@pos moves past the record. Returns 1 for a record, 0
 * at the end, -EPROTO for an address before any name, an empty name or a
 * pair without '='.
 */
int iscsi_sendtargets_next(const char *buf, size_t len, size_t *pos,
			   const char **name, size_t *nlen,
			   const char **addr, size_t *alen);

/*
 * iscsi_split_target_address() - a TargetAddress value (RFC 7143 section
 * 13.8: domainname[:port][,portal-group-tag]) of @vlen characters, as a
 * login redirect carries it. The host (an IPv6 literal without its
 * brackets) goes to @host as a NUL-terminated string, the port (3260 when
 * absent) to *@port. Returns 0, or -EINVAL for an empty or over-long host,
 * an IPv6 literal without brackets, a host with a character that is not
 * printable or a blank, a port or tag that is not a number in range, or
 * anything after them.
 */
int iscsi_split_target_address(const char *v, size_t vlen, char *host,
			       size_t hlen, u16 *port);

/*
 * Parse a numerical value (RFC 7143 section 6.1): decimal, or hex after
 * "0x"/"0X", of @vlen characters (no NUL needed). Returns 0 or -EPROTO for
 * an empty value, a character that is not a digit, or a value >= 2^64.
 */
int iscsi_text_parse_number(const char *val, size_t vlen, u64 *out);

/* True if @name is a valid iqn./eui./naa. name of legal length. */
bool iscsi_name_valid(const char *name);

#endif /* NSP_ISCSI_TEXT_H */
