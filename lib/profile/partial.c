/*
 * partial.c - the partial state of a profile as JSON (dq-profile
 * --partial) and back (--merge).
 *
 * Format.  One object, version 2: {"dqProfilePartial": 2, "rows",
 * "rejected", "overflow", "rowDups" (the duplicate-row sketch as text),
 * "sample": {"seen", "rows": [row text...]}, "fields": [...]}; each field
 * holds its counters, "types" (enum dq_vtype order), "num" and "len" as
 * [n, mean, m2, m3, sum, min, max], the least and greatest string and
 * date when there are any, the sketches ("hll" as text, "quantile",
 * "top", "shapes"), "examples" per type, "kinds", "iso" and "tmax".
 * docs/profile.md describes it for readers; this file is its definition.
 *
 * Loading is strict: anything that is not a state dq_partial_save could
 * have written (a missing or mistyped member, a count that is not a
 * non-negative integer, an infinity) is refused, so
 * that a merge of what loads always saves and loads again
 * (tests/fuzz/fuzz_profile.c checks that).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#define XXH_INLINE_ALL
#include <xxhash.h>

#include "profile/partial.h"
#include "contract/pii.h"
#include "base/sha256.h"

static uint64_t
hash_bytes(const void *p, size_t n)
{
	return XXH3_64bits(p, n);
}

static cJSON *
moments_save(const struct dq_moments *m)
{
	double v[7] = { (double)m->n, m->mean, m->m2, m->m3, m->sum, m->min,
			m->max };
	return cJSON_CreateDoubleArray(v, 7);
}

static int
moments_load(struct dq_moments *m, const cJSON *j)
{
	double v[7];
	int i = 0;
	const cJSON *x;
	if (!cJSON_IsArray(j) || cJSON_GetArraySize(j) != 7)
		return -1;
	/* Infinities come back as null from cJSON: a state that held one
	 * could not be loaded again, so none is taken. */
	cJSON_ArrayForEach(x, j) {
		if (!cJSON_IsNumber(x) || !isfinite(x->valuedouble))
			return -1;
		v[i++] = x->valuedouble;
	}
	if (dq_double_to_u64(v[0], &m->n))
		return -1;
	m->mean = v[1];
	m->m2 = v[2];
	m->m3 = v[3];
	m->sum = v[4];
	m->min = v[5];
	m->max = v[6];
	return 0;
}

static void
add_opt_string(cJSON *o, const char *key, const char *s)
{
	if (s)
		cJSON_AddStringToObject(o, key, s);
}

/* A top value in a shown state: its token, a space, its shown form. */
#define TOKEN_HEX 32

/*
 * The shown form of field f's saved values (shown state): each top value
 * becomes its token and its shown form, each example its shown form; a
 * sensitive field's least and greatest strings and dates become the
 * masked form, its numbers keep only their count (the document leaves
 * the rest out).
 */
static void
field_show(const struct dq_profile_field *f, cJSON *o, const void *key,
	   size_t keylen)
{
	const cJSON *top = cJSON_GetObjectItemCaseSensitive(o, "top");
	cJSON *x, *ex = cJSON_GetObjectItemCaseSensitive(o, "examples"), *e;
	struct dq_buf b = DQ_BUF_INIT, t = DQ_BUF_INIT;
	int hidden = dq_pii_hides(dq_pii_policy(dq_pii_active(), f->name,
						f->namelen));

	cJSON_ArrayForEach(x, cJSON_GetObjectItemCaseSensitive(top, "items")) {
		cJSON *v = cJSON_GetArrayItem(x, 0);
		size_t n = strlen(v->valuestring);
		const char *sh = dq_pii_show_json(f->name, v->valuestring, &n,
						  &b);
		dq_buf_reset(&t);
		dq_hmac_hex(key, keylen, v->valuestring,
			    strlen(v->valuestring), TOKEN_HEX, &t);
		dq_buf_addch(&t, ' ');
		dq_buf_add(&t, sh, n);
		cJSON_SetValuestring(v, t.buf);
	}
	cJSON_ArrayForEach(x, ex) {
		cJSON_ArrayForEach(e, x) {
			size_t n = strlen(e->valuestring);
			const char *sh = dq_pii_show_json(f->name,
							  e->valuestring, &n,
							  &b);
			dq_buf_reset(&t);
			dq_buf_add(&t, sh, n);
			cJSON_SetValuestring(e, t.buf);
		}
	}
	if (hidden) {
		static const char *const keys[] = { "smin", "smax", "dmin",
						    "dmax" };
		struct dq_moments m;
		struct dq_quantile q;
		for (int k = 0; k < 4; k++)
			if (cJSON_GetObjectItemCaseSensitive(o, keys[k]))
				cJSON_ReplaceItemInObjectCaseSensitive(o,
					keys[k],
					cJSON_CreateString(DQ_PII_MASKED));
		memset(&m, 0, sizeof(m));
		m.n = f->num.n;
		cJSON_ReplaceItemInObjectCaseSensitive(o, "num",
						       moments_save(&m));
		dq_quantile_init(&q, DQ_QUANTILE_K);
		cJSON_ReplaceItemInObjectCaseSensitive(o, "quantile",
						       dq_quantile_save(&q));
		dq_quantile_release(&q);
		cJSON_AddTrueToObject(o, "pii");
	}
	dq_buf_release(&b);
	dq_buf_release(&t);
}

static cJSON *
save(const struct dq_profile *p, const void *key, size_t keylen)
{
	cJSON *doc = cJSON_CreateObject(), *fields = cJSON_CreateArray();
	cJSON *sample = cJSON_CreateObject(), *rows = cJSON_CreateArray();
	struct dq_buf b = DQ_BUF_INIT;

	cJSON_AddNumberToObject(doc, "dqProfilePartial", 2);
	cJSON_AddNumberToObject(doc, "rows", (double)p->rows);
	cJSON_AddNumberToObject(doc, "rejected", (double)p->rejected);
	cJSON_AddNumberToObject(doc, "overflow", (double)p->overflow);
	dq_dupsketch_save(&p->dups, &b);
	cJSON_AddStringToObject(doc, "rowDups", b.buf);
	cJSON_AddNumberToObject(sample, "seen", (double)p->sample.seen);
	for (size_t i = 0; i < p->sample.n; i++) {
		if (key && !p->shown) {
			/* The row as people may read it (its sensitive
			 * members in their shown form). */
			dq_buf_reset(&b);
			dq_pii_mask_object(p->sample.item[i],
					   p->sample.len[i], &b);
			cJSON_AddItemToArray(rows, cJSON_CreateString(b.buf));
			continue;
		}
		cJSON_AddItemToArray(rows,
				     cJSON_CreateString(p->sample.item[i]));
	}
	cJSON_AddItemToObject(sample, "rows", rows);
	cJSON_AddItemToObject(doc, "sample", sample);
	for (size_t i = 0; i < p->nf; i++) {
		const struct dq_profile_field *f = p->f[i];
		cJSON *o = cJSON_CreateObject(), *ex = cJSON_CreateArray();
		double types[DQ_VT_COUNT];
		cJSON_AddStringToObject(o, "name", f->name);
		cJSON_AddNumberToObject(o, "present", (double)f->present);
		cJSON_AddNumberToObject(o, "nulls", (double)f->nulls);
		cJSON_AddNumberToObject(o, "empty", (double)f->empty);
		for (int t = 0; t < DQ_VT_COUNT; t++)
			types[t] = (double)f->types[t];
		cJSON_AddItemToObject(o, "types",
				      cJSON_CreateDoubleArray(types,
							      DQ_VT_COUNT));
		cJSON_AddNumberToObject(o, "zeros", (double)f->zeros);
		cJSON_AddNumberToObject(o, "negatives", (double)f->negatives);
		cJSON_AddItemToObject(o, "num", moments_save(&f->num));
		cJSON_AddItemToObject(o, "len", moments_save(&f->len));
		add_opt_string(o, "smin", f->smin);
		add_opt_string(o, "smax", f->smax);
		add_opt_string(o, "dmin", f->dmin);
		add_opt_string(o, "dmax", f->dmax);
		dq_buf_reset(&b);
		dq_hll_save(&f->hll, &b);
		cJSON_AddStringToObject(o, "hll", b.buf);
		cJSON_AddItemToObject(o, "quantile", dq_quantile_save(&f->q));
		cJSON_AddItemToObject(o, "top", dq_topk_save(&f->top));
		cJSON_AddItemToObject(o, "shapes", dq_topk_save(&f->shapes));
		for (int t = 0; t < DQ_VT_COUNT; t++)
			cJSON_AddItemToArray(ex, cJSON_CreateStringArray(
				(const char *const *)f->ex[t], (int)f->nex[t]));
		cJSON_AddItemToObject(o, "examples", ex);
		for (int k = 0; k < 4; k++)
			types[k] = (double)f->kinds[k];
		cJSON_AddItemToObject(o, "kinds",
				      cJSON_CreateDoubleArray(types, 4));
		for (int k = 0; k < 3; k++)
			types[k] = (double)f->iso[k];
		cJSON_AddItemToObject(o, "iso",
				      cJSON_CreateDoubleArray(types, 3));
		if (f->has_tmax)
			cJSON_AddNumberToObject(o, "tmax", f->tmax);
		if (f->nobj)
			cJSON_AddNumberToObject(o, "objects", (double)f->nobj);
		if (f->alen_max || f->alen[0]) {
			double a[DQ_PROFILE_ALEN];
			for (int k = 0; k < DQ_PROFILE_ALEN; k++)
				a[k] = (double)f->alen[k];
			cJSON_AddItemToObject(o, "arrayLengths",
				cJSON_CreateDoubleArray(a, DQ_PROFILE_ALEN));
			cJSON_AddNumberToObject(o, "arrayMin",
						(double)f->alen_min);
			cJSON_AddNumberToObject(o, "arrayMax",
						(double)f->alen_max);
			cJSON_AddNumberToObject(o, "arraySum",
						(double)f->alen_sum);
		}
		if (p->shown && (f->pii & DQ_PROFILE_HIDDEN))
			cJSON_AddTrueToObject(o, "pii");
		else if (key && !p->shown)
			field_show(f, o, key, keylen);
		cJSON_AddItemToArray(fields, o);
	}
	cJSON_AddItemToObject(doc, "fields", fields);
	if (p->shown) {
		/* Merged from shown states (a tree of merges): shown
		 * already, tokens and all. */
		cJSON_AddStringToObject(doc, "shown", p->shown);
	} else if (key) {
		static const char what[] = "dq-profile partial state";
		dq_buf_reset(&b);
		dq_hmac_hex(key, keylen, what, sizeof(what) - 1, 16, &b);
		cJSON_AddStringToObject(doc, "shown", b.buf);
	}
	dq_buf_release(&b);
	return doc;
}

cJSON *
dq_partial_save(const struct dq_profile *p)
{
	return save(p, NULL, 0);
}

cJSON *
dq_partial_save_shown(const struct dq_profile *p, const void *key,
		      size_t keylen)
{
	return save(p, key, keylen);
}

/* Is s "TOKEN shown": 32 lower-case hex digits and a space? */
static int
is_token(const char *s)
{
	for (int i = 0; i < TOKEN_HEX; i++)
		if (!((s[i] >= '0' && s[i] <= '9') ||
		      (s[i] >= 'a' && s[i] <= 'f')))
			return 0;
	return s[TOKEN_HEX] == ' ';
}

int
dq_partial_check(const struct dq_profile *d, const struct dq_profile *s)
{
	if (!d->shown != !s->shown ||
	    (d->shown && strcmp(d->shown, s->shown)))
		return -1;
	for (size_t i = 0; i < s->nf; i++) {
		size_t k;
		for (k = 0; k < d->nf; k++)
			if (d->f[k]->namelen == s->f[i]->namelen &&
			    !memcmp(d->f[k]->name, s->f[i]->name,
				    s->f[i]->namelen))
				break;
		if (k < d->nf && d->f[k]->pii != s->f[i]->pii)
			return -1;
	}
	return 0;
}

void
dq_partial_finish(struct dq_profile *p)
{
	if (!p->shown)
		return;
	for (size_t i = 0; i < p->nf; i++) {
		struct dq_topk *t = &p->f[i]->top;
		for (size_t k = 0; k < t->n; k++) {
			t->item[k].val += TOKEN_HEX + 1;
			t->item[k].len -= TOKEN_HEX + 1;
		}
	}
}

static int
get_count(const cJSON *o, const char *key, uint64_t *out)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
	if (!cJSON_IsNumber(v))
		return -1;
	return dq_double_to_u64(v->valuedouble, out);
}

static int
get_opt_string(const cJSON *o, const char *key, char **out)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
	if (!v)
		return 0;
	if (!cJSON_IsString(v))
		return -1;
	*out = dq_xstrdup(v->valuestring);
	return 0;
}

/* An array of n counts under key into v: 0 or -1. */
static int
load_counts(const cJSON *o, const char *key, uint64_t *v, int n)
{
	const cJSON *a = cJSON_GetObjectItemCaseSensitive(o, key), *x;
	int i = 0;
	if (!cJSON_IsArray(a) || cJSON_GetArraySize(a) != n)
		return -1;
	cJSON_ArrayForEach(x, a) {
		if (!cJSON_IsNumber(x) ||
		    dq_double_to_u64(x->valuedouble, &v[i++]))
			return -1;
	}
	return 0;
}

static int
field_load(struct dq_profile_field *f, const cJSON *o, int shown)
{
	const cJSON *types = cJSON_GetObjectItemCaseSensitive(o, "types");
	const cJSON *hll = cJSON_GetObjectItemCaseSensitive(o, "hll");
	const cJSON *ex = cJSON_GetObjectItemCaseSensitive(o, "examples");
	const cJSON *x;
	int t = 0;

	if (get_count(o, "present", &f->present) ||
	    get_count(o, "nulls", &f->nulls) ||
	    get_count(o, "empty", &f->empty) ||
	    get_count(o, "zeros", &f->zeros) ||
	    get_count(o, "negatives", &f->negatives) ||
	    !cJSON_IsArray(types) || cJSON_GetArraySize(types) != DQ_VT_COUNT ||
	    moments_load(&f->num, cJSON_GetObjectItemCaseSensitive(o, "num")) ||
	    moments_load(&f->len, cJSON_GetObjectItemCaseSensitive(o, "len")) ||
	    get_opt_string(o, "smin", &f->smin) ||
	    get_opt_string(o, "smax", &f->smax) ||
	    get_opt_string(o, "dmin", &f->dmin) ||
	    get_opt_string(o, "dmax", &f->dmax) || !f->smin != !f->smax ||
	    !f->dmin != !f->dmax || !cJSON_IsString(hll) ||
	    !cJSON_IsArray(ex) || cJSON_GetArraySize(ex) != DQ_VT_COUNT)
		return -1;
	f->lens[0] = f->smin ? strlen(f->smin) : 0;
	f->lens[1] = f->smax ? strlen(f->smax) : 0;
	f->lens[2] = f->dmin ? strlen(f->dmin) : 0;
	f->lens[3] = f->dmax ? strlen(f->dmax) : 0;
	cJSON_ArrayForEach(x, types) {
		if (!cJSON_IsNumber(x) ||
		    dq_double_to_u64(x->valuedouble, &f->types[t++]))
			return -1;
	}
	t = 0;
	cJSON_ArrayForEach(x, ex) {
		const cJSON *e;
		if (!cJSON_IsArray(x))
			return -1;
		cJSON_ArrayForEach(e, x) {
			if (!cJSON_IsString(e))
				return -1;
			dq_profile_add_example(f, t, e->valuestring,
				    strlen(e->valuestring));
		}
		t++;
	}
	if (load_counts(o, "kinds", f->kinds, 4) ||
	    load_counts(o, "iso", f->iso, 3))
		return -1;
	if (cJSON_GetObjectItemCaseSensitive(o, "objects") &&
	    get_count(o, "objects", &f->nobj))
		return -1;
	if (cJSON_GetObjectItemCaseSensitive(o, "arrayLengths") &&
	    (load_counts(o, "arrayLengths", f->alen, DQ_PROFILE_ALEN) ||
	     get_count(o, "arrayMin", &f->alen_min) ||
	     get_count(o, "arrayMax", &f->alen_max) ||
	     get_count(o, "arraySum", &f->alen_sum)))
		return -1;
	x = cJSON_GetObjectItemCaseSensitive(o, "pii");
	if (x && !cJSON_IsTrue(x))
		return -1;
	if (shown)
		f->pii = DQ_PROFILE_SHOWN | (x ? DQ_PROFILE_HIDDEN : 0);
	else if (x)
		return -1;
	x = cJSON_GetObjectItemCaseSensitive(o, "tmax");
	if (x) {
		if (!cJSON_IsNumber(x) || !isfinite(x->valuedouble))
			return -1;
		f->tmax = x->valuedouble;
		f->has_tmax = 1;
	}
	dq_hll_release(&f->hll);
	dq_quantile_release(&f->q);
	dq_topk_release(&f->top);
	dq_topk_release(&f->shapes);
	if (dq_hll_load(&f->hll, hll->valuestring, strlen(hll->valuestring)))
		return -1;
	if (dq_quantile_load(&f->q, cJSON_GetObjectItemCaseSensitive(o,
					"quantile"))) {
		dq_quantile_init(&f->q, DQ_QUANTILE_K);
		return -1;
	}
	if (dq_topk_load(&f->top, cJSON_GetObjectItemCaseSensitive(o, "top"),
			 hash_bytes)) {
		dq_topk_init(&f->top, DQ_PROFILE_TOPK_CAP);
		dq_topk_init(&f->shapes, DQ_PROFILE_SHAPE_CAP);
		return -1;
	}
	if (dq_topk_load(&f->shapes, cJSON_GetObjectItemCaseSensitive(o,
					"shapes"), hash_bytes)) {
		dq_topk_init(&f->shapes, DQ_PROFILE_SHAPE_CAP);
		return -1;
	}
	/* A shown state's top values are tokens and shown forms. */
	for (size_t i = 0; shown && i < f->top.n; i++)
		if (f->top.item[i].len <= TOKEN_HEX ||
		    !is_token(f->top.item[i].val))
			return -1;
	return 0;
}

int
dq_partial_load(struct dq_profile *p, const cJSON *doc)
{
	const cJSON *fields = cJSON_GetObjectItemCaseSensitive(doc, "fields");
	const cJSON *rowdups = cJSON_GetObjectItemCaseSensitive(doc,
								"rowDups");
	const cJSON *sample = cJSON_GetObjectItemCaseSensitive(doc, "sample");
	const cJSON *shown = cJSON_GetObjectItemCaseSensitive(doc, "shown");
	const cJSON *rows = cJSON_GetObjectItemCaseSensitive(sample, "rows");
	const cJSON *x;
	uint64_t version, seen;

	if (get_count(doc, "dqProfilePartial", &version) || version != 2 ||
	    get_count(doc, "rows", &p->rows) ||
	    get_count(doc, "rejected", &p->rejected) ||
	    get_count(doc, "overflow", &p->overflow) ||
	    !cJSON_IsString(rowdups) || get_count(sample, "seen", &seen) ||
	    !cJSON_IsArray(rows) || !cJSON_IsArray(fields))
		return -1;
	if (dq_dupsketch_load(&p->dups, rowdups->valuestring))
		return -1;
	if (shown && !cJSON_IsString(shown))
		return -1;
	if (shown)
		p->shown = dq_xstrdup(shown->valuestring);
	/* The sample: its rows as they were kept, then the stream size. */
	if ((uint64_t)cJSON_GetArraySize(rows) > seen)
		return -1;
	cJSON_ArrayForEach(x, rows) {
		if (!cJSON_IsString(x))
			return -1;
		if (p->sample.n < p->sample.cap)
			dq_reservoir_add(&p->sample, x->valuestring,
					 strlen(x->valuestring));
	}
	p->sample.seen = seen;
	cJSON_ArrayForEach(x, fields) {
		const cJSON *name = cJSON_GetObjectItemCaseSensitive(x, "name");
		struct dq_profile_field *f;
		if (!cJSON_IsString(name))
			return -1;
		/* A name met twice is refused, whatever its counts say (a
		 * second load would overwrite the first's strings). */
		size_t nf = p->nf;
		f = dq_profile_field(p, name->valuestring,
				     strlen(name->valuestring));
		if (!f || p->nf == nf || field_load(f, x, shown != NULL))
			return -1;
	}
	return 0;
}
