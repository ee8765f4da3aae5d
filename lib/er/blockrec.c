/*
 * blockrec.c - records as dq-block's pairs embed them, and their store
 * (see blockrec.h).
 */
#include "er/blockrec.h"

#include <stdlib.h>
#include <string.h>

#include "stream/meta.h"

void
dq_blockrec_init(struct dq_blockrec *e, const char *id_field,
		 const struct dq_fs_model *slim)
{
	e->id_field = id_field;
	e->idlen = strlen(id_field);
	e->cmp = slim;
}

int
dq_blockrec_has_id(const struct dq_blockrec *e, const struct dq_record *rec)
{
	long i = dq_record_find(rec, e->id_field, e->idlen);
	return i >= 0 && dq_meta_id_value(&rec->m[i], NULL) >= 0;
}

/* 1 when the projection carries member i of rec (named: rec has an id). */
static int
carried(const struct dq_blockrec *e, const struct dq_record *rec, size_t i,
	int named)
{
	const struct dq_member *m = &rec->m[i];
	const struct dq_fs_model *cmp = e->cmp;
	size_t nf = cmp ? cmp->n : 0;

	if ((long)i == rec->dq)
		return !named;
	if (m->flags & DQ_M_KEY_ESC) {
		if (dq_member_key_is(m, e->id_field, e->idlen))
			return 1;
		for (size_t f = 0; f < nf; f++)
			if (dq_member_key_is(m, cmp->f[f].name,
					     cmp->f[f].namelen))
				return 1;
		return 0;
	}
	/* The common case, a key without escapes: bytes compared, the
	 * length first. */
	if (m->keylen == e->idlen && !memcmp(m->key, e->id_field, e->idlen))
		return 1;
	for (size_t f = 0; f < nf; f++)
		if (m->keylen == cmp->f[f].namelen &&
		    !memcmp(m->key, cmp->f[f].name, m->keylen))
			return 1;
	return 0;
}

void
dq_blockrec_slim(const struct dq_blockrec *e, const struct dq_record *rec,
		 struct dq_buf *out)
{
	int named = dq_blockrec_has_id(e, rec);
	int first = 1;

	dq_buf_addch(out, '{');
	for (size_t i = 0; i < rec->n; i++) {
		if (!carried(e, rec, i, named))
			continue;
		if (!first)
			dq_buf_addch(out, ',');
		first = 0;
		dq_buf_addch(out, '"');
		dq_buf_add(out, rec->m[i].key, rec->m[i].keylen);
		dq_buf_add(out, "\":", 2);
		dq_buf_add(out, rec->m[i].val, rec->m[i].vallen);
	}
	dq_buf_addch(out, '}');
}

void
dq_blockrec_text(const struct dq_blockrec *e, struct dq_record *rec,
		 long line, const char *file, struct dq_buf *out)
{
	struct dq_buf meta = DQ_BUF_INIT, t = DQ_BUF_INIT;
	struct dq_member row;
	struct dq_record full;
	struct dq_json_error err;

	if (dq_blockrec_has_id(e, rec) || dq_meta_find(rec, "row", 3, &row)) {
		if (e->cmp)
			dq_blockrec_slim(e, rec, out);
		else
			dq_buf_add(out, rec->text, rec->len);
		return;
	}
	dq_meta_add_row(&meta, line, file);
	if (!e->cmp) {
		dq_record_write(rec, meta.buf, meta.len, out);
		dq_buf_release(&meta);
		return;
	}
	/* Rare: the row is added first, then the projection keeps it (the
	 * record has no id, so its _dq is carried). */
	dq_record_write(rec, meta.buf, meta.len, &t);
	dq_record_init(&full);
	if (dq_json_scan(&full, t.buf, t.len, &err))
		dq_die("internal error: %s", err.reason);
	dq_blockrec_slim(e, &full, out);
	dq_record_release(&full);
	dq_buf_release(&t);
	dq_buf_release(&meta);
}

void
dq_blockrec_store_init(struct dq_blockrec_store *s, size_t nrules)
{
	memset(s, 0, sizeof(*s));
	dq_buf_init(&s->text, 0);
	s->nrules = nrules;
}

void
dq_blockrec_store_release(struct dq_blockrec_store *s)
{
	dq_buf_release(&s->text);
	free(s->off);
	free(s->len);
	free(s->src);
	free(s->key);
	memset(s, 0, sizeof(*s));
}

uint64_t *
dq_blockrec_store_begin(struct dq_blockrec_store *s)
{
	if (s->n == s->cap) {
		size_t nc = s->cap ? s->cap * 2 : 4096;
		s->key = dq_xrealloc(s->key,
				     nc * (s->nrules ? s->nrules : 1) *
					     sizeof(*s->key));
		s->off = dq_xrealloc(s->off, nc * sizeof(*s->off));
		s->len = dq_xrealloc(s->len, nc * sizeof(*s->len));
		s->src = dq_xrealloc(s->src, nc);
		s->cap = nc;
	}
	s->off[s->n] = s->text.len;
	return s->key + s->n * s->nrules;
}

int
dq_blockrec_store_end(struct dq_blockrec_store *s, unsigned src)
{
	if (s->text.len - s->off[s->n] > UINT32_MAX) {
		s->text.len = s->off[s->n];
		s->text.buf[s->text.len] = '\0';
		return -1;
	}
	s->len[s->n] = (uint32_t)(s->text.len - s->off[s->n]);
	s->src[s->n] = (unsigned char)src;
	s->nsrc[src]++;
	if (src >= s->nsources)
		s->nsources = src + 1;
	s->n++;
	return 0;
}

/* An entry's head; its hashes and text follow. */
struct head {
	uint32_t len;
	unsigned char src;
};

int
dq_blockrec_pack(struct dq_buf *out, unsigned src, const uint64_t *h,
		 size_t nrules, const char *text, size_t len)
{
	struct head hd = { (uint32_t)len, (unsigned char)src };

	if (len > UINT32_MAX)
		return -1;
	dq_buf_add(out, (const char *)&hd, sizeof(hd));
	dq_buf_add(out, (const char *)h, nrules * sizeof(*h));
	dq_buf_add(out, text, len);
	return 0;
}

void
dq_blockrec_pack_text(struct dq_buf *out, const char *t, size_t n)
{
	uint32_t len = (uint32_t)n;

	dq_buf_add(out, (const char *)&len, sizeof(len));
	dq_buf_add(out, t, n);
}

void
dq_blockrec_store_unpack(struct dq_blockrec_store *s, const char **p)
{
	struct head hd;
	uint64_t *h = dq_blockrec_store_begin(s);
	size_t hl = s->nrules * sizeof(*h);

	memcpy(&hd, *p, sizeof(hd));
	memcpy(h, *p + sizeof(hd), hl);
	dq_buf_add(&s->text, *p + sizeof(hd) + hl, hd.len);
	/* Under 4 GB, as dq_blockrec_pack checked. */
	(void)dq_blockrec_store_end(s, hd.src);
	*p += sizeof(hd) + hl + hd.len;
}

void
dq_blockrec_unpack_text(const char **p, const char **t, size_t *n)
{
	uint32_t len;

	memcpy(&len, *p, sizeof(len));
	*t = *p + sizeof(len);
	*n = len;
	*p += sizeof(len) + len;
}
