// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer harness: swapctl's netswaptab lines, URLs and options
 * (userspace/parse.c). Each newline-separated line goes through
 * ns_parse_tab_line, the whole input through ns_parse_url and
 * ns_parse_opts, each on an exact-size copy. A parsed target must hold
 * only what the parser promises: a valid name, terminated strings,
 * numbers in range.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "parse.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_str(const char *s, size_t size)
{
	if (!memchr(s, '\0', size))
		abort();
}

static void check_target(const struct ns_target *t)
{
	char name[NS_NAME_MAX], err[NS_ERR_MAX];

	check_str(t->name, sizeof(t->name));
	check_str(t->host, sizeof(t->host));
	check_str(t->target, sizeof(t->target));
	check_str(t->export, sizeof(t->export));
	check_str(t->file, sizeof(t->file));
	if (ns_parse_name(t->name, strlen(t->name), name, err, sizeof(err)))
		abort();
	if (t->transport != NS_T_ISCSI && t->transport != NS_T_NFS)
		abort();
	if (!t->host[0] || (t->port != -1 && (t->port < 1 || t->port > 65535)))
		abort();
	if (t->transport == NS_T_ISCSI &&
	    (!t->target[0] || t->lun < 0 || t->lun > 16383))
		abort();
	if (t->transport == NS_T_NFS &&
	    (t->export[0] != '/' || !t->file[0] || t->file[0] == '/'))
		abort();
	if (t->queue_depth != -1 && (t->queue_depth < 1 || t->queue_depth > 1024))
		abort();
	if (t->priority != INT32_MIN && (t->priority < -1 || t->priority > 32767))
		abort();
}

static char *copy(const uint8_t *p, size_t n)
{
	char *b = malloc(n ? n : 1);

	if (!b)
		abort();
	memcpy(b, p, n);
	return b;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char err[NS_ERR_MAX];
	struct ns_target t;
	size_t start = 0, i;
	char *b;

	for (i = 0; i <= size; i++) {
		if (i < size && data[i] != '\n')
			continue;
		b = copy(data + start, i - start);
		err[0] = '\0';
		switch (ns_parse_tab_line(b, i - start, &t, err, sizeof(err))) {
		case 1:
			check_target(&t);
			break;
		case 0:
			break;
		default:
			if (!err[0] || !memchr(err, '\0', sizeof(err)))
				abort();
		}
		free(b);
		start = i + 1;
	}

	b = copy(data, size);
	ns_target_init(&t);
	if (ns_parse_url(b, size, &t, err, sizeof(err)) == 0) {
		strcpy(t.name, "fuzz");
		if (ns_target_finish(&t, err, sizeof(err)) == 0)
			check_target(&t);
	}
	ns_target_init(&t);
	ns_parse_opts(b, size, &t, err, sizeof(err));
	free(b);
	return 0;
}
