/*
 * profile.c - the dq-profile engine: per-field state, classifying each
 * value, the batch, and merging two profiles.
 *
 * Algorithm.  Each record's text is copied into a batch and each of its
 * members queued on its field (found by the member's position when records
 * repeat their key order, else by an open-addressing table of names).  A
 * full batch is profiled field by field: every value updates exact
 * counters (present, nulls, empty, types, zeros, negatives, kinds, ISO
 * forms), streaming moments of numbers, the least and greatest string and
 * date, and bounded sketches: HyperLogLog distinct counts (sketch/hll.c),
 * KLL quantiles (sketch/quantile.c), Misra-Gries top values and top shapes
 * (sketch/topk.c); per row, a duplicate-row sketch and a reservoir sample.
 * A string is classified by one pass over its bytes (profile/classify.h)
 * and then, most specific first: integer, number, boolean, date or
 * date-time (norm/date.c's parser), e-mail, phone, string.
 *
 * Memory layout.  Per field: the sketches (some 60 KB when full), up to
 * DQ_PROFILE_EXAMPLES examples per type of at most DQ_PROFILE_EXAMPLE_MAX
 * bytes, a direct-mapped cache of VCACHE_N recent string values (about
 * 24 KB, allocated on the first repeat) and the queue of the batch.  Per
 * profile: the batch, at most DQ_PROFILE_BATCH_ROWS rows or about
 * DQ_PROFILE_BATCH_BYTES of text.
 *
 * Exactness.  Counters, moments and bounds are exact; the sketches' error
 * bounds are in their own files and in docs/profile.md.  Merging adds
 * counters and merges sketches, so a merge of partial profiles equals one
 * pass over the concatenated input for every exact figure
 * (tests/unit/test_profile.c checks it).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>
/* Inline XXH3: most values are short, and the call into the shared
 * library cost more than the hashing. */
#define XXH_INLINE_ALL
#include <xxhash.h>

#include "norm/date.h"
#include "norm/value.h"
#include "profile/profile.h"
#include "contract/types.h"
#include "stream/walk.h"

/* A string value seen before and what it added (see add_value). */
#define VCACHE_N 256
#define VCACHE_LEN 40
struct dq_profile_vcache {
	uint64_t shash;          /* hash of the shape */
	double x;                /* the number, if a numeric string */
	uint32_t cp;             /* code points */
	uint8_t len;             /* bytes of val; 0 for a free entry */
	uint8_t type, iso, shlen; /* type, iso[] counter + 1 or 0 */
	char val[VCACHE_LEN];    /* raw JSON text */
	char shape[DQ_CLASSIFY_SHAPE_MAX + 2];
};

/* A value waiting in the batch: its text at off in the batch buffer,
 * its hash (taken while the text is in the cache). */
struct dq_profile_pending {
	uint64_t hash;
	size_t off, len;
	uint8_t type, flags;
};

#define PREFETCH 16 /* values ahead */

/* ---- state ---------------------------------------------------------- */

static uint64_t
hash_bytes(const void *p, size_t n)
{
	return XXH3_64bits(p, n);
}

void
dq_profile_init(struct dq_profile *p, const struct dq_profile_caps *caps)
{
	static const struct dq_profile_caps dflt = DQ_PROFILE_CAPS_INIT;
	memset(p, 0, sizeof(*p));
	p->caps = caps ? *caps : dflt;
	dq_buf_init(&p->batch, 0);
	dq_buf_init(&p->text, 0);
	dq_buf_init(&p->iso, 0);
	dq_buf_init(&p->num, 0);
	dq_buf_init(&p->path, 0);
	p->nslot = 2 * DQ_PROFILE_MAX_FIELDS;
	p->slot = dq_xcalloc(p->nslot, sizeof(*p->slot));
	dq_dupsketch_init(&p->dups);
	dq_reservoir_init(&p->sample, (size_t)p->caps.sample,
			  (uint64_t)p->caps.seed);
}

static void
field_free(struct dq_profile_field *f)
{
	free(f->name);
	free(f->smin);
	free(f->smax);
	free(f->dmin);
	free(f->dmax);
	dq_hll_release(&f->hll);
	dq_quantile_release(&f->q);
	dq_topk_release(&f->top);
	dq_topk_release(&f->shapes);
	free(f->vc);
	free(f->pend);
	for (int t = 0; t < DQ_VT_COUNT; t++)
		for (unsigned i = 0; i < f->nex[t]; i++)
			free(f->ex[t][i]);
	free(f);
}

void
dq_profile_release(struct dq_profile *p)
{
	for (size_t i = 0; i < p->nf; i++)
		field_free(p->f[i]);
	free(p->f);
	free(p->slot);
	dq_buf_release(&p->batch);
	dq_buf_release(&p->text);
	dq_buf_release(&p->iso);
	dq_buf_release(&p->num);
	dq_buf_release(&p->path);
	dq_dupsketch_release(&p->dups);
	dq_reservoir_release(&p->sample);
	free(p->shown);
	p->shown = NULL;
}

struct dq_profile_field *
dq_profile_field(struct dq_profile *p, const char *name, size_t namelen)
{
	size_t i = (size_t)(hash_bytes(name, namelen) % p->nslot);
	while (p->slot[i]) {
		struct dq_profile_field *f = p->f[p->slot[i] - 1];
		if (f->namelen == namelen && !memcmp(f->name, name, namelen))
			return f;
		i = i + 1 == p->nslot ? 0 : i + 1;
	}
	if (p->nf == DQ_PROFILE_MAX_FIELDS)
		return NULL;
	struct dq_profile_field *f = dq_xcalloc(1, sizeof(*f));
	f->name = dq_xstrndup(name, namelen);
	f->namelen = namelen;
	dq_hll_init(&f->hll);
	dq_quantile_init(&f->q, DQ_QUANTILE_K);
	dq_topk_init(&f->top, DQ_PROFILE_TOPK_CAP);
	dq_topk_init(&f->shapes, DQ_PROFILE_SHAPE_CAP);
	p->f = dq_xrealloc(p->f, (p->nf + 1) * sizeof(*p->f));
	p->f[p->nf++] = f;
	p->slot[i] = (uint32_t)p->nf;
	return f;
}

/* String lengths need only count, sum, min and max (the document shows
 * min, mean, max): cheaper than the full moments, and exact, since sums
 * of lengths are integers.  The mean is sum / n where it is shown. */
static void
len_add(struct dq_moments *m, double x)
{
	if (!m->n || x < m->min)
		m->min = x;
	if (!m->n || x > m->max)
		m->max = x;
	m->n++;
	m->sum += x;
}

/* Byte order of s (n bytes) against t (tn bytes). */
static inline int
cmp_text(const char *s, size_t n, const char *t, size_t tn)
{
	int c;
	/* Most comparisons with the least and greatest string are decided
	 * by the first byte: no call for those. */
	if (n && tn && s[0] != t[0])
		return (unsigned char)s[0] - (unsigned char)t[0];
	c = memcmp(s, t, n < tn ? n : tn);
	if (c)
		return c;
	return (n > tn) - (n < tn);
}

/* Keep *lo and *hi the least and greatest text; len[0], len[1] are
 * their lengths. */
static void
set_min_max(char **lo, char **hi, size_t *len, const char *s, size_t n)
{
	if (!*lo || cmp_text(s, n, *lo, len[0]) < 0) {
		free(*lo);
		*lo = dq_xstrndup(s, n);
		len[0] = n;
	}
	if (!*hi || cmp_text(s, n, *hi, len[1]) > 0) {
		free(*hi);
		*hi = dq_xstrndup(s, n);
		len[1] = n;
	}
}

void
dq_profile_add_example(struct dq_profile_field *f, int t, const char *raw,
		       size_t n)
{
	if (f->nex[t] >= DQ_PROFILE_EXAMPLES)
		return;
	/* Cut inside a value: examples are text. */
	if (n > DQ_PROFILE_EXAMPLE_MAX)
		n = DQ_PROFILE_EXAMPLE_MAX;
	f->ex[t][f->nex[t]++] = dq_xstrndup(raw, n);
}

static void
add_number(struct dq_profile_field *f, double x)
{
	if (!isfinite(x))
		return;
	dq_moments_add(&f->num, x);
	dq_quantile_add(&f->q, x);
	if (x == 0)
		f->zeros++;
	else if (x < 0)
		f->negatives++;
}

/* Count ISO 8601 dates and RFC 3339 date-times (the forms dq-validate's
 * date and datetime types accept) and keep the newest time. */
static void
add_time(struct dq_profile_field *f, const struct dq_datetime *dt,
	 const char *s, size_t n)
{
	double t = (double)dq_date_days(dt->year, dt->month, dt->day) *
		   86400.0 + dt->hour * 3600 + dt->min * 60 + dt->sec;
	if (dt->has_tz)
		t -= dt->tz_offset_min * 60.0;
	if (!f->has_tmax || t > f->tmax) {
		f->tmax = t;
		f->has_tmax = 1;
	}
	/* dq-validate's date and datetime: the one ISO grammar, asked only
	 * of text with its dashes where "YYYY-MM-DD" has them (it refuses
	 * anything else at once; "05/27/1950" need not ask). */
	int k = n >= 10 && s[4] == '-' && s[7] == '-' ?
		dq_iso_parse(s, n, NULL, NULL) : -1;
	if (k >= 0)
		f->iso[k]++;
}

/* The day YYYYMMDD of ISO text "YYYY-MM-DD...". */
static long
ymd_of(const char *s)
{
	long v = 0;
	for (int i = 0; i < 10; i++)
		if (i != 4 && i != 7)
			v = v * 10 + (s[i] - '0');
	return v;
}

/* The type of string s (n > 0 bytes, unescaped) with its figures, into
 * f; e is filled for the value cache. */
static int
add_string(struct dq_profile *p, struct dq_profile_field *f, const char *s,
	   size_t n, struct dq_profile_vcache *e)
{
	struct dq_datetime dt;
	uint64_t iso0 = f->iso[0], iso1 = f->iso[1], iso2 = f->iso[2];
	int t, b;

	size_t cp, sl;
	unsigned acc = dq_classify_scan(s, n, &cp, e->shape, &sl);

	e->cp = (uint32_t)cp;
	e->shlen = (uint8_t)sl;
	len_add(&f->len, (double)cp);
	set_min_max(&f->smin, &f->smax, f->lens, s, n);
	e->shash = hash_bytes(e->shape, sl);
	dq_topk_add(&f->shapes, e->shape, sl, e->shash);
	e->x = NAN;
	/* "+14155550046" is a phone number (dq-validate's E.164), not an
	 * integer with a mean. */
	if (s[0] == '+' && dq_e164_valid(s, n)) {
		t = DQ_VT_PHONE;
		f->iso[2]++;
	} else if (!(acc & DQ_CLASSIFY_NONNUM) && dq_classify_integer(s, n)) {
		t = DQ_VT_INTEGER;
		add_number(f, e->x = dq_classify_to_double(s, n, &p->num));
	} else if (!(acc & DQ_CLASSIFY_NONNUM) && dq_classify_number(s, n)) {
		t = DQ_VT_NUMBER;
		add_number(f, e->x = dq_classify_to_double(s, n, &p->num));
	} else if ((n == 4 || n == 5) && !dq_bool_parse(s, n, &b)) {
		t = DQ_VT_BOOLEAN;
	} else if (n >= 6 && n <= 40 && dq_classify_may_be_date(s, n, acc) &&
		   !dq_date_parse(s, n, NULL, &dt)) {
		long ymd = dt.year * 10000L + dt.month * 100 + dt.day;
		t = dt.has_time ? DQ_VT_DATETIME : DQ_VT_DATE;
		add_time(f, &dt, s, n);
		/* ISO text begins with the zero-padded YYYY-MM-DD, so a day
		 * strictly between the first and the last day cannot change
		 * them: most dates need not be written out. */
		if (!f->dmin || ymd <= f->ymd[0] || ymd >= f->ymd[1]) {
			dq_buf_reset(&p->iso);
			dq_date_format(&dt, 1, &p->iso);
			set_min_max(&f->dmin, &f->dmax, f->lens + 2,
				    p->iso.buf, p->iso.len);
			f->ymd[0] = ymd_of(f->dmin);
			f->ymd[1] = ymd_of(f->dmax);
		}
	} else if ((acc & DQ_CLASSIFY_AT) && dq_email_valid_exact(s, n)) {
		/* dq-validate's email: an address, not "Ann <ann@x.org>"
		 * (which dq-normalize --email would clean). */
		t = DQ_VT_EMAIL;
	} else if (!(acc & DQ_CLASSIFY_NOPHONE) && dq_classify_phone(s, n)) {
		t = DQ_VT_PHONE;
	} else {
		t = DQ_VT_STRING;
	}
	e->iso = f->iso[0] != iso0 ? 1 : f->iso[1] != iso1 ? 2 :
		 f->iso[2] != iso2 ? 3 : 0;
	e->type = (uint8_t)t;
	return t;
}

/* Add the figures of a string seen before, from its cache entry e: the
 * same as add_string but for what a repeat cannot change (least and
 * greatest string and date, newest time). */
static int
add_cached(struct dq_profile_field *f, const struct dq_profile_vcache *e)
{
	len_add(&f->len, (double)e->cp);
	dq_topk_add(&f->shapes, e->shape, e->shlen, e->shash);
	if (e->type == DQ_VT_INTEGER || e->type == DQ_VT_NUMBER)
		add_number(f, e->x);
	if (e->iso)
		f->iso[e->iso - 1]++;
	return e->type;
}

/* An array value's length into f's buckets. */
static void
add_length(struct dq_profile_field *f, const struct dq_member *m)
{
	struct dq_walk w;
	struct dq_member el;
	uint64_t n = 0;

	dq_walk_begin(&w, m->val, m->vallen);
	while (dq_walk_element(&w, &el))
		n++;
	if (!f->alen_max && !f->alen[0] && !f->alen[1])
		f->alen_min = n; /* the first array (all buckets empty) */
	else if (n < f->alen_min)
		f->alen_min = n;
	f->alen[n < DQ_PROFILE_ALEN - 1 ? n : DQ_PROFILE_ALEN - 1]++;
	f->alen_sum += n;
	if (n > f->alen_max)
		f->alen_max = n;
}

/* Add the value of m, whose hash is h. */
static void
add_value(struct dq_profile *p, struct dq_profile_field *f,
	  const struct dq_member *m, uint64_t h)
{
	int t = -1, held;

	f->present++;
	switch (m->type) {
	case DQ_JSON_NULL:
		f->nulls++;
		return;
	case DQ_JSON_TRUE:
	case DQ_JSON_FALSE:
		t = DQ_VT_BOOLEAN;
		f->kinds[DQ_PROFILE_K_BOOL]++;
		break;
	case DQ_JSON_NUMBER:
		t = dq_classify_integer(m->val, m->vallen) ? DQ_VT_INTEGER :
							     DQ_VT_NUMBER;
		f->kinds[t == DQ_VT_INTEGER ? DQ_PROFILE_K_INT :
					      DQ_PROFILE_K_DEC]++;
		add_number(f, dq_classify_to_double(m->val, m->vallen,
						&p->num));
		break;
	case DQ_JSON_OBJECT:
	case DQ_JSON_ARRAY:
		if (m->type == DQ_JSON_OBJECT)
			f->nobj++;
		else
			add_length(f, m);
		/* {} and [] are empty: missing, as for dq-validate's
		 * required (contract/types.h). */
		if (dq_value_missing(m)) {
			f->empty++;
			return;
		}
		t = m->type == DQ_JSON_OBJECT ? DQ_VT_OBJECT : DQ_VT_ARRAY;
		break;
	case DQ_JSON_STRING: {
		struct dq_profile_vcache *e, tmp;
		/* "", and a string of white space only, are empty: the one
		 * meaning of missing (contract/types.h). */
		if (dq_value_missing(m)) {
			f->empty++;
			return;
		}
		f->kinds[DQ_PROFILE_K_STRING]++;
		held = dq_topk_add(&f->top, m->val, m->vallen, h);
		if (!held)
			dq_hll_add(&f->hll, h);
		/*
		 * A value the top-value summary holds was seen before, and
		 * frequent values (names, cities, codes) are most of some
		 * columns: they are classified once and their figures kept
		 * in a small direct-mapped cache, compared byte for byte.
		 */
		e = &tmp;
		if (held && m->vallen <= VCACHE_LEN) {
			if (!f->vc)
				f->vc = dq_xcalloc(VCACHE_N, sizeof(*f->vc));
			e = &f->vc[h >> 56 & (VCACHE_N - 1)];
			if (e->len == m->vallen &&
			    !memcmp(e->val, m->val, m->vallen)) {
				t = add_cached(f, e);
				dq_profile_add_example(f, t, m->val, m->vallen);
				f->types[t]++;
				return;
			}
			e->len = 0;
		}
		if (m->flags & DQ_M_VAL_ESC) {
			dq_buf_reset(&p->text);
			dq_json_unescape(m->val, m->vallen, &p->text);
			t = add_string(p, f, p->text.buf, p->text.len, e);
		} else {
			t = add_string(p, f, m->val + 1, m->vallen - 2, e);
		}
		if (e != &tmp) {
			memcpy(e->val, m->val, m->vallen);
			e->len = (uint8_t)m->vallen;
		}
		f->types[t]++;
		dq_profile_add_example(f, t, m->val, m->vallen);
		return;
	}
	}
	f->types[t]++;
	dq_profile_add_example(f, t, m->val, m->vallen);
	/* A value the top-value summary holds was seen before, so the
	 * distinct count already has it: most repeated values skip it. */
	if (!dq_topk_add(&f->top, m->val, m->vallen, h))
		dq_hll_add(&f->hll, h);
}

/* Queue the value of m (a member of r, whose text starts at base in the
 * batch) for f.  Always inlined: it runs for every value, and as a call
 * of its own it cost dq-profile more than its body. */
static inline __attribute__((always_inline)) void
pend(struct dq_profile *p, struct dq_profile_field *f,
     const struct dq_record *r,
     size_t base, const struct dq_member *m)
{
	struct dq_profile_pending *q;
	if (f->npend == f->pendcap) {
		f->pendcap = f->pendcap ? 2 * f->pendcap : 64;
		f->pend = dq_xrealloc(f->pend, f->pendcap * sizeof(*f->pend));
	}
	q = &f->pend[f->npend++];
	if (m->val >= r->text && m->vallen <= r->len &&
	    (size_t)(m->val - r->text) <= r->len - m->vallen) {
		q->off = base + (size_t)(m->val - r->text);
	} else {
		/* Not in the record's text (a reader may build values
		 * elsewhere): a copy of its own. */
		q->off = p->batch.len;
		dq_buf_add(&p->batch, m->val, m->vallen);
	}
	q->len = m->vallen;
	q->type = m->type;
	q->flags = m->flags;
	/* Nulls and "" are counted, not hashed. */
	q->hash = m->type == DQ_JSON_NULL || (m->type == DQ_JSON_STRING &&
					       m->vallen == 2) ?
		  0 : hash_bytes(m->val, m->vallen);
}

/* Profile the values of the batch, field by field, and empty it. */
void
dq_profile_flush(struct dq_profile *p)
{
	for (size_t i = 0; i < p->nf; i++) {
		struct dq_profile_field *f = p->f[i];
		for (size_t j = 0; j < f->npend; j++) {
			const struct dq_profile_pending *q = &f->pend[j];
			struct dq_member m;
			/* The top-value and distinct-count tables are
			 * random reads: ask for those of a later value
			 * now, so they are in the cache when it comes. */
			if (j + PREFETCH < f->npend) {
				uint64_t h = f->pend[j + PREFETCH].hash;
				dq_topk_prefetch(&f->top, h);
				dq_hll_prefetch(&f->hll, h);
			}
			m.key = NULL;
			m.keylen = 0;
			m.val = p->batch.buf + q->off;
			m.vallen = q->len;
			m.type = q->type;
			m.flags = q->flags;
			add_value(p, f, &m, q->hash);
		}
		f->npend = 0;
	}
	for (size_t j = 0; j < p->batch_rows; j++) {
		if (j + PREFETCH < p->batch_rows)
			dq_dupsketch_prefetch(&p->dups,
					      p->rowhash[j + PREFETCH]);
		dq_dupsketch_add(&p->dups, p->rowhash[j]);
	}
	dq_buf_reset(&p->batch);
	p->batch_rows = 0;
}

/* Append key k (raw, kn bytes; esc: it holds escapes) to name as a path
 * step: unescaped, with '.', '[', ']' and '\\' escaped for the path. */
static void
add_key(struct dq_profile *p, struct dq_buf *name, const char *k, size_t kn,
	int esc)
{
	if (esc) {
		dq_buf_reset(&p->text);
		dq_json_unescape(k - 1, kn + 2, &p->text);
		k = p->text.buf;
		kn = p->text.len;
	}
	for (size_t i = 0; i < kn; i++) {
		if (k[i] == '.' || k[i] == '[' || k[i] == ']' || k[i] == '\\')
			dq_buf_addch(name, '\\');
		dq_buf_addch(name, k[i]);
	}
}

/* The values inside m (an object or array value named name), each
 * queued for the field of its path, depth first. */
static void
add_nested(struct dq_profile *p, const struct dq_record *r, size_t base,
	   const struct dq_member *m, struct dq_buf *name, int depth)
{
	struct dq_walk w;
	struct dq_member c;
	struct dq_profile_field *f;
	size_t at = name->len;

	if (depth > DQ_PROFILE_MAX_DEPTH)
		return;
	if (dq_walk_begin(&w, m->val, m->vallen) == DQ_JSON_ARRAY) {
		dq_buf_add(name, "[]", 2);
		f = dq_profile_field(p, name->buf, name->len);
		while (dq_walk_element(&w, &c)) {
			if (!f) {
				p->overflow++;
				continue;
			}
			pend(p, f, r, base, &c);
			if ((c.type == DQ_JSON_OBJECT ||
			     c.type == DQ_JSON_ARRAY) && c.vallen > 2)
				add_nested(p, r, base, &c, name, depth + 1);
		}
		name->len = at;
		return;
	}
	while (dq_walk_member(&w, &c)) {
		name->len = at;
		dq_buf_addch(name, '.');
		add_key(p, name, c.key, c.keylen, c.flags & DQ_M_KEY_ESC);
		f = dq_profile_field(p, name->buf, name->len);
		if (!f) {
			p->overflow++;
			continue;
		}
		pend(p, f, r, base, &c);
		if ((c.type == DQ_JSON_OBJECT || c.type == DQ_JSON_ARRAY) &&
		    c.vallen > 2)
			add_nested(p, r, base, &c, name, depth + 1);
	}
	name->len = at;
}

/* A top-level member holding an object or array: its name as a path. */
static void __attribute__((noinline))
add_member_nested(struct dq_profile *p, const struct dq_record *r,
		  size_t base, const struct dq_member *m)
{
	dq_buf_reset(&p->path);
	add_key(p, &p->path, m->key, m->keylen, m->flags & DQ_M_KEY_ESC);
	add_nested(p, r, base, m, &p->path, 1);
}

void
dq_profile_add(struct dq_profile *p, const struct dq_record *r)
{
	size_t base = p->batch.len;
	p->rows++;
	p->rowhash[p->batch_rows] = hash_bytes(r->text, r->len);
	dq_reservoir_add(&p->sample, r->text, r->len);
	dq_buf_add(&p->batch, r->text, r->len);
	for (size_t i = 0; i < r->n; i++) {
		const struct dq_member *m = &r->m[i];
		const char *k = m->key;
		size_t kn = m->keylen;
		struct dq_profile_field *f;
		if ((long)i == r->dq)
			continue;
		if (m->flags & DQ_M_KEY_ESC) {
			dq_buf_reset(&p->text);
			/* Unescape needs the quotes around the key. */
			dq_json_unescape(k - 1, kn + 2, &p->text);
			f = dq_profile_field(p, p->text.buf, p->text.len);
		} else if (i < 64 && p->pos[i] && p->pos[i]->namelen == kn &&
			   !memcmp(p->pos[i]->name, k, kn)) {
			f = p->pos[i];
		} else {
			f = dq_profile_field(p, k, kn);
			if (i < 64)
				p->pos[i] = f;
		}
		if (!f) {
			p->overflow++;
			continue;
		}
		pend(p, f, r, base, m);
		if ((m->type == DQ_JSON_OBJECT || m->type == DQ_JSON_ARRAY) &&
		    m->vallen > 2)
			add_member_nested(p, r, base, m);
	}
	if (++p->batch_rows == DQ_PROFILE_BATCH_ROWS ||
	    p->batch.len >= DQ_PROFILE_BATCH_BYTES)
		dq_profile_flush(p);
}
/* ---- merging state -------------------------------------------------- */

static void
field_merge(struct dq_profile_field *d, struct dq_profile_field *s)
{
	d->present += s->present;
	d->nulls += s->nulls;
	d->empty += s->empty;
	for (int t = 0; t < DQ_VT_COUNT; t++) {
		d->types[t] += s->types[t];
		for (unsigned i = 0; i < s->nex[t]; i++)
			dq_profile_add_example(d, t, s->ex[t][i],
					       strlen(s->ex[t][i]));
	}
	d->zeros += s->zeros;
	d->negatives += s->negatives;
	d->pii |= s->pii;
	d->nobj += s->nobj;
	for (int k = 0; k < DQ_PROFILE_ALEN; k++)
		d->alen[k] += s->alen[k];
	if (s->alen_max || s->alen[0]) {
		if ((!d->alen_max && !d->alen[0]) || s->alen_min < d->alen_min)
			d->alen_min = s->alen_min;
	}
	d->alen_sum += s->alen_sum;
	if (s->alen_max > d->alen_max)
		d->alen_max = s->alen_max;
	for (int k = 0; k < 4; k++)
		d->kinds[k] += s->kinds[k];
	for (int k = 0; k < 3; k++)
		d->iso[k] += s->iso[k];
	if (s->has_tmax && (!d->has_tmax || s->tmax > d->tmax)) {
		d->tmax = s->tmax;
		d->has_tmax = 1;
	}
	dq_moments_merge(&d->num, &s->num);
	if (s->len.n) {
		if (!d->len.n || s->len.min < d->len.min)
			d->len.min = s->len.min;
		if (!d->len.n || s->len.max > d->len.max)
			d->len.max = s->len.max;
		d->len.n += s->len.n;
		d->len.sum += s->len.sum;
		d->len.mean = d->len.sum / (double)d->len.n;
	}
	if (s->smin) {
		set_min_max(&d->smin, &d->smax, d->lens, s->smin, s->lens[0]);
		set_min_max(&d->smin, &d->smax, d->lens, s->smax, s->lens[1]);
	}
	if (s->dmin) {
		set_min_max(&d->dmin, &d->dmax, d->lens + 2, s->dmin,
			    s->lens[2]);
		set_min_max(&d->dmin, &d->dmax, d->lens + 2, s->dmax,
			    s->lens[3]);
	}
	dq_hll_merge(&d->hll, &s->hll);
	dq_quantile_merge(&d->q, &s->q);
	dq_topk_merge(&d->top, &s->top);
	dq_topk_merge(&d->shapes, &s->shapes);
}

void
dq_profile_merge(struct dq_profile *d, struct dq_profile *s)
{
	d->rows += s->rows;
	d->rejected += s->rejected;
	d->overflow += s->overflow;
	dq_dupsketch_merge(&d->dups, &s->dups);
	dq_reservoir_merge(&d->sample, &s->sample);
	if (!d->shown && s->shown)
		d->shown = dq_xstrdup(s->shown);
	for (size_t i = 0; i < s->nf; i++) {
		struct dq_profile_field *f = dq_profile_field(d, s->f[i]->name,
					    s->f[i]->namelen);
		if (!f) {
			d->overflow += s->f[i]->present;
			continue;
		}
		field_merge(f, s->f[i]);
	}
}

uint64_t
dq_profile_type_count(const struct dq_profile_field *f, int t)
{
	if (t == DQ_VT_NUMBER)
		return f->types[DQ_VT_NUMBER] ?
			f->types[DQ_VT_NUMBER] + f->types[DQ_VT_INTEGER] : 0;
	if (t == DQ_VT_INTEGER && f->types[DQ_VT_NUMBER])
		return 0;
	return f->types[t];
}

/* The order in which types win a tie: docs/profile.md's list, a string
 * last of the typed strings (a column half dates, half other text is
 * dates with format issues, not text). */
static const int tie_order[DQ_VT_COUNT] = {
	DQ_VT_INTEGER, DQ_VT_NUMBER, DQ_VT_BOOLEAN, DQ_VT_DATE,
	DQ_VT_DATETIME, DQ_VT_EMAIL, DQ_VT_PHONE, DQ_VT_STRING,
	DQ_VT_OBJECT, DQ_VT_ARRAY
};

int
dq_profile_dominant(const struct dq_profile_field *f)
{
	int best = -1;
	for (int k = 0; k < DQ_VT_COUNT; k++) {
		int t = tie_order[k];
		if (dq_profile_type_count(f, t) &&
		    (best < 0 || dq_profile_type_count(f, t) >
				 dq_profile_type_count(f, best)))
			best = t;
	}
	return best;
}

double
dq_profile_distinct(const struct dq_profile_field *f)
{
	return floor(dq_hll_count(&f->hll) + 0.5);
}
uint64_t
dq_profile_slots(const struct dq_profile *p, const struct dq_profile_field *f)
{
	const char *s = f->name, *last = NULL;
	size_t n = f->namelen;

	/* The last unescaped '.' or a final "[]": a nested field. */
	if (n >= 2 && s[n - 1] == ']' && s[n - 2] == '[' &&
	    (n < 3 || s[n - 3] != '\\'))
		return f->present;
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '\\')
			i++;
		else if (s[i] == '.')
			last = s + i;
	}
	if (!last)
		return p->rows;
	/* The parent's objects (dq_profile_field is not const: search). */
	for (size_t i = 0; i < p->nf; i++)
		if (p->f[i]->namelen == (size_t)(last - s) &&
		    !memcmp(p->f[i]->name, s, (size_t)(last - s)))
			return p->f[i]->nobj;
	return f->present;
}

double
dq_profile_null_rate(const struct dq_profile_field *f, uint64_t rows)
{
	return rows ? (double)(rows - dq_profile_valid(f)) / (double)rows : 0;
}
