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

int
dq_meta_find(const struct dq_record *r, const char *key, size_t keylen,
	     struct dq_member *m)
{
	const struct dq_member *d;

	if (r->dq < 0)
		return 0;
	d = &r->m[r->dq];
	if (d->type != DQ_JSON_OBJECT || (d->flags & DQ_M_DROPPED))
		return 0;
	return dq_walk_find(d->val, d->vallen, key, keylen, m);
}

int
dq_meta_find_text(const char *s, size_t n, const char *key, size_t keylen,
		  struct dq_member *m)
{
	struct dq_member d;

	return dq_walk_find(s, n, "_dq", 3, &d) &&
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

/* The id from "_dq.row": only a number names a record. */
static int
row_id(const struct dq_member *row, struct dq_buf *out)
{
	if (row->type != DQ_JSON_NUMBER)
		return DQ_META_ID_NONE;
	return dq_meta_id_value(row, out);
}

int
dq_meta_id(const struct dq_record *r, const char *id_field,
	   struct dq_buf *out)
{
	long i = dq_record_find(r, id_field, strlen(id_field));
	struct dq_member row;

	if (i >= 0 && (r->m[i].type == DQ_JSON_STRING ||
		       r->m[i].type == DQ_JSON_NUMBER))
		return dq_meta_id_value(&r->m[i], out);
	if (!dq_meta_find(r, "row", 3, &row))
		return DQ_META_ID_NONE;
	return row_id(&row, out);
}

int
dq_meta_id_text(const char *s, size_t n, const char *id_field,
		struct dq_buf *out)
{
	struct dq_member m;

	if (dq_walk_find(s, n, id_field, strlen(id_field), &m) &&
	    (m.type == DQ_JSON_STRING || m.type == DQ_JSON_NUMBER))
		return dq_meta_id_value(&m, out);
	if (!dq_meta_find_text(s, n, "row", 3, &m))
		return DQ_META_ID_NONE;
	return row_id(&m, out);
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
