/*
 * meta.c - record identity and "_dq" members (see meta.h).
 *
 * Only the top level of "_dq" is walked: the walk skips nested values
 * whole, which is what keeps "_dq.orig.row" from answering for
 * "_dq.row".  The record was validated by the scanner, so the walk is
 * the light one of stream/walk.h.
 */
#include "stream/meta.h"

#include <string.h>

#include "stream/walk.h"

/* The record's "_dq" object member, or NULL. */
static const struct dq_member *
dq_of(const struct dq_record *r)
{
	const struct dq_member *d;

	if (r->dq < 0)
		return NULL;
	d = &r->m[r->dq];
	if (d->type != DQ_JSON_OBJECT || (d->flags & DQ_M_DROPPED))
		return NULL;
	return d;
}

int
dq_meta_find(const struct dq_record *r, const char *key, size_t keylen,
	     struct dq_member *m)
{
	const struct dq_member *d = dq_of(r);

	return d && dq_walk_find(d->val, d->vallen, key, keylen, m);
}

unsigned
dq_meta_find_keys(const struct dq_record *r, const char *const *keys,
		  size_t nkeys, struct dq_member *m)
{
	const struct dq_member *d = dq_of(r);

	return d ? dq_walk_find_keys(d->val, d->vallen, keys, nkeys, m) : 0;
}

/*
 * 1 when the text s[0..n) may hold a member "_dq" at some depth: it
 * has the bytes "_dq" in quotes, or a backslash (a key could spell the
 * name with an escape).  Two memchr scans, the second for the rare 'q':
 * the sides of slim pairs carry no "_dq", and this costs a fraction of
 * the walk that would prove it (or of memmem).
 */
static int
may_hold_dq(const char *s, size_t n)
{
	const char *e = s + n, *q = s;

	if (memchr(s, '\\', n))
		return 1;
	while ((q = memchr(q, 'q', (size_t)(e - q)))) {
		if (q - s >= 3 && e - q >= 2 && q[1] == '"' && q[-1] == 'd' &&
		    q[-2] == '_' && q[-3] == '"')
			return 1;
		q++;
	}
	return 0;
}

/*
 * The "_dq" member of the record text s[0..n).  dq writes it last, so
 * it is looked for from the end first: the common case does not walk the
 * whole record (a pair's two sides in dq-merge, say).  Only absence is
 * decided from the bytes (may_hold_dq): a member is always found by the
 * walk.
 */
static int
find_dq(const char *s, size_t n, struct dq_member *d)
{
	if (!may_hold_dq(s, n))
		return 0;
	return (dq_walk_last(s, n, d) && dq_member_key_is(d, "_dq", 3)) ||
	       dq_walk_find(s, n, "_dq", 3, d);
}

int
dq_meta_find_text(const char *s, size_t n, const char *key, size_t keylen,
		  struct dq_member *m)
{
	struct dq_member d;

	return find_dq(s, n, &d) &&
	       d.type == DQ_JSON_OBJECT &&
	       dq_walk_find(d.val, d.vallen, key, keylen, m);
}

int
dq_meta_id_value(const struct dq_member *m, struct dq_buf *out)
{
	switch (m->type) {
	case DQ_JSON_STRING:
		if (out)
			dq_json_unescape(m->val, m->vallen, out);
		return DQ_META_ID_STRING;
	case DQ_JSON_NUMBER:
		if (out)
			dq_buf_add(out, m->val, m->vallen);
		return DQ_META_ID_NUMBER;
	default:
		return DQ_META_ID_NONE;
	}
}

int
dq_meta_ident(const struct dq_member *idm, const struct dq_member *srcm,
	      const struct dq_member *dq, const struct dq_ident *how,
	      struct dq_buf *out)
{
	struct dq_member row, file;
	int is_row = 0;
	int has_file = dq && dq->type == DQ_JSON_OBJECT &&
		       dq_walk_find(dq->val, dq->vallen, "file", 4, &file) &&
		       file.type == DQ_JSON_STRING;

	if (idm && (idm->type == DQ_JSON_STRING ||
		    idm->type == DQ_JSON_NUMBER)) {
		/* The record's own id. */
	} else if (dq && dq->type == DQ_JSON_OBJECT &&
		   dq_walk_find(dq->val, dq->vallen, "row", 3, &row) &&
		   row.type == DQ_JSON_NUMBER) {
		/* Only a number "_dq.row" names a record. */
		idm = &row;
		is_row = 1;
	} else {
		return DQ_META_ID_NONE;
	}
	if (!is_row && srcm && dq_meta_id_value(srcm, NULL) >= 0) {
		/* The source system the record names. */
		if (out) {
			dq_meta_id_value(srcm, out);
			dq_buf_addch(out, ':');
			dq_meta_id_value(idm, out);
		}
		return DQ_META_ID_STRING;
	}
	if (!has_file || (how->global && !is_row))
		return dq_meta_id_value(idm, out);
	if (out) {
		dq_json_unescape(file.val, file.vallen, out);
		dq_buf_addch(out, ':');
		dq_meta_id_value(idm, out);
	}
	return DQ_META_ID_STRING;
}

int
dq_meta_id(const struct dq_record *r, const struct dq_ident *how,
	   struct dq_buf *out)
{
	long i = dq_record_find(r, how->field, strlen(how->field));
	long s = how->source ? dq_record_find(r, how->source,
					      strlen(how->source))
			     : -1;
	const struct dq_member *dq = NULL;

	if (r->dq >= 0 && !(r->m[r->dq].flags & DQ_M_DROPPED))
		dq = &r->m[r->dq];
	return dq_meta_ident(i >= 0 ? &r->m[i] : NULL,
			     s >= 0 ? &r->m[s] : NULL, dq, how, out);
}

int
dq_meta_id_text(const char *s, size_t n, const struct dq_ident *how,
		struct dq_buf *out)
{
	struct dq_member m, src, d;
	int has_id = dq_walk_find(s, n, how->field, strlen(how->field), &m);
	int has_src = how->source &&
		      dq_walk_find(s, n, how->source, strlen(how->source),
				   &src);
	int has_dq = find_dq(s, n, &d);

	return dq_meta_ident(has_id ? &m : NULL, has_src ? &src : NULL,
			     has_dq ? &d : NULL, how, out);
}

void
dq_meta_add_row(struct dq_buf *meta, long line, const char *file)
{
	if (meta->len)
		dq_buf_addch(meta, ',');
	dq_buf_add(meta, "\"row\":", 6);
	dq_buf_add_int(meta, line);
	if (file) {
		dq_buf_addstr(meta, ",\"file\":");
		dq_buf_add_json_string(meta, file, strlen(file));
	}
}

static void
skip_space(const char **p, const char *e)
{
	while (*p < e && (**p == ' ' || **p == '\t' || **p == '\n' ||
			  **p == '\r'))
		(*p)++;
}

/* A number from 1 to DQ_META_MAX_SOURCES at *p (white space first),
 * *p moved past the digits read; 0 when there is none. */
static unsigned
source_number(const char **p, const char *e)
{
	unsigned v = 0;

	skip_space(p, e);
	while (*p < e && **p >= '0' && **p <= '9' && v <= DQ_META_MAX_SOURCES)
		v = v * 10 + (unsigned)(*(*p)++ - '0');
	return v <= DQ_META_MAX_SOURCES ? v : 0;
}

int
dq_meta_sources(const struct dq_record *pr, unsigned char src[2])
{
	struct dq_member mb;
	const char *p, *e;
	unsigned a, b;

	src[0] = src[1] = 0;
	if (!dq_meta_find(pr, "sources", 7, &mb))
		return 0;
	if (mb.type != DQ_JSON_ARRAY)
		return -1;
	p = mb.val + 1;
	e = mb.val + mb.vallen - 1; /* the ']' */
	a = source_number(&p, e);
	skip_space(&p, e);
	if (p >= e || *p++ != ',')
		return -1;
	b = source_number(&p, e);
	skip_space(&p, e);
	if (!a || !b || a == b || p != e)
		return -1;
	src[0] = (unsigned char)a;
	src[1] = (unsigned char)b;
	return 0;
}
