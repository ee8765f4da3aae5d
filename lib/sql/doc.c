/*
 * doc.c - dq-sql's input documents, read whole and checked strictly (see
 * doc.h).
 */
#include "sql/doc.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "stream/json.h"

void
dq_sql_doc_init(struct dq_sql_doc *d)
{
	d->path = NULL;
	d->line = 0;
	dq_buf_init(&d->text, 0);
}

void
dq_sql_doc_release(struct dq_sql_doc *d)
{
	dq_buf_release(&d->text);
	d->path = NULL;
	d->line = 0;
}

int
dq_sql_doc_read(struct dq_sql_doc *d, const char *path)
{
	char chunk[65536];
	ssize_t n;
	int fd, rc = 0;

	d->path = path;
	d->line = 0;
	dq_buf_reset(&d->text);
	fd = strcmp(path, "-") == 0 ? 0 : open(path, O_RDONLY);
	if (fd < 0)
		return dq_error("%s: %s", path, strerror(errno));
	while ((n = read(fd, chunk, sizeof(chunk))) != 0) {
		if (n < 0) {
			if (errno == EINTR)
				continue;
			rc = dq_error("%s: read error: %s", path,
			              strerror(errno));
			break;
		}
		dq_buf_add(&d->text, chunk, (size_t)n);
	}
	if (fd)
		close(fd);
	return rc;
}

size_t
dq_sql_count_nul(const char *s, size_t n)
{
	size_t i, k = 0;
	int in_str = 0;

	for (i = 0; i < n; i++) {
		if (s[i] == '"') {
			in_str = !in_str;
		} else if (in_str && s[i] == '\\' && i + 1 < n) {
			if (s[i + 1] == 'u' && i + 5 < n &&
			    memcmp(s + i + 2, "0000", 4) == 0)
				k++;
			i++;
		}
	}
	return k;
}

/* Check one JSON text of d (a whole document or one NDJSON line) into
 * *v, white space around it trimmed. */
static int
parse_json(const struct dq_sql_doc *d, const char *s, size_t n,
           struct dq_sql_jv *v)
{
	struct dq_json_error err;
	size_t nul;

	v->type = dq_json_validate(s, n, &err);
	if (v->type < 0)
		return dq_error("%s:%lu: not valid JSON: %s at byte %zu",
		                d->path, d->line, err.reason, err.offset);
	if (v->type != DQ_JSON_OBJECT)
		return dq_error("%s:%lu: not a JSON object", d->path, d->line);
	nul = dq_sql_count_nul(s, n);
	if (nul)
		dq_warn("%s:%lu: %zu NUL character%s (\\u0000) stored as "
		        "U+FFFD: SQL text cannot hold NUL",
		        d->path, d->line, nul, nul == 1 ? "" : "s");
	while (n && strchr(" \t\r\n", *s)) {
		s++;
		n--;
	}
	while (n && strchr(" \t\r\n", s[n - 1]))
		n--;
	v->s = s;
	v->n = n;
	return 0;
}

int
dq_sql_doc_json(struct dq_sql_doc *d, const char *path, struct dq_sql_jv *v)
{
	if (dq_sql_doc_read(d, path))
		return -1;
	d->line = 1;
	return parse_json(d, d->text.buf, d->text.len, v);
}

int
dq_sql_doc_next(struct dq_sql_doc *d, size_t *pos, struct dq_sql_jv *v)
{
	const char *s = d->text.buf, *nl;
	size_t start, len;

	while (*pos < d->text.len) {
		start = *pos;
		nl = memchr(s + start, '\n', d->text.len - start);
		len = nl ? (size_t)(nl - (s + start)) : d->text.len - start;
		*pos = start + len + (nl != NULL);
		d->line++;
		if (len && s[start + len - 1] == '\r')
			len--;
		if (strspn(s + start, " \t") >= len)
			continue;
		return parse_json(d, s + start, len, v) ? -1 : 1;
	}
	*v = dq_sql_jv_none;
	return 0;
}
