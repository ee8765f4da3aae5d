/*
 * dq-profile - one profile document for a stream of records.
 *
 * The story: parse options, read every record into per-field state
 * (exact counters and moments, and bounded sketches: HyperLogLog,
 * KLL quantiles, Misra-Gries top values and shapes, a reservoir of rows),
 * then print the document, or with --partial the state itself, which
 * --merge turns back into state and combines.  Nothing is kept per row, so
 * memory depends on the number of fields and the caps, not on the input.
 * docs/profile.md describes the document.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <xxhash.h>

#include "date.h"
#include "hll.h"
#include "json.h"
#include "moments.h"
#include "quantile.h"
#include "reservoir.h"
#include "run.h"
#include "topk.h"
#include "value.h"

static const char synopsis[] =
	"usage: dq-profile [-c CONTRACT]... [OPTIONS] [FILE...]\n"
	"       dq-profile --merge [OPTIONS] PARTIAL...\n"
	"\n"
	"Profile NDJSON or CSV records: per field counts, nulls, types,\n"
	"distinct values, min/max/mean/stddev/skewness, quantiles, top\n"
	"values, histogram, lengths, shapes, format issues and outliers; per\n"
	"file rows, rejected lines, duplicate rows and sample rows.  Writes one\n"
	"JSON document (see dq-profile(1) and docs/profile.md).\n";

static const char help[] =
	"\n"
	"Profile options:\n"
	"      --format F        json (default) or text (a table)\n"
	"      --partial         write the mergeable sketch state instead\n"
	"      --merge           the operands are partial states: merge them\n"
	"      --top N           top values per field (1-25, default 10)\n"
	"      --buckets N       histogram buckets (1-25, default 20)\n"
	"      --sample N        sample rows (0-50, default 25)\n"
	"      --examples N      examples per issue (1-25, default 5)\n"
	"      --shapes N        value shapes per field (1-25, default 10)\n"
	"      --seed N          seed of the sample (default 1)\n";

enum {
	O_BUCKETS = DQ_OPT_TOOL,
	O_EXAMPLES,
	O_FORMAT,
	O_MERGE,
	O_PARTIAL,
	O_SAMPLE,
	O_SEED,
	O_SHAPES,
	O_TOP
};

static const struct option longopts[] = {
	{ "buckets", required_argument, NULL, O_BUCKETS },
	{ "examples", required_argument, NULL, O_EXAMPLES },
	{ "format", required_argument, NULL, O_FORMAT },
	{ "merge", no_argument, NULL, O_MERGE },
	{ "partial", no_argument, NULL, O_PARTIAL },
	{ "sample", required_argument, NULL, O_SAMPLE },
	{ "seed", required_argument, NULL, O_SEED },
	{ "shapes", required_argument, NULL, O_SHAPES },
	{ "top", required_argument, NULL, O_TOP },
	{ NULL, 0, NULL, 0 }
};

/* The value types dq-profile tells apart (strings are classified by their
 * content, so CSV input gets types too). */
enum vtype {
	T_INTEGER,
	T_NUMBER,
	T_BOOLEAN,
	T_STRING,
	T_DATE,
	T_DATETIME,
	T_EMAIL,
	T_PHONE,
	T_OBJECT,
	T_ARRAY,
	NTYPES
};

static const char *const type_names[NTYPES] = {
	"integer", "number", "boolean", "string", "date",
	"datetime", "email", "phone", "object", "array"
};

/* Memory guards: fields past this are counted, not profiled. */
#define MAX_FIELDS 1024
#define TOPK_CAP 256
#define SHAPE_CAP 64
#define SHAPE_MAX 32
#define EXAMPLE_MAX 200

struct field {
	char *name;
	size_t namelen;
	uint64_t present, nulls, empty;
	uint64_t types[NTYPES];
	uint64_t zeros, negatives;
	struct dq_moments num;   /* numeric values */
	struct dq_moments len;   /* string lengths in code points */
	char *smin, *smax;       /* least and greatest string (bytes) */
	char *dmin, *dmax;       /* earliest and latest date (ISO text) */
	size_t lens[4];          /* strlen of smin, smax, dmin, dmax */
	struct dq_hll hll;
	struct dq_quantile q;
	struct dq_topk top;
	struct dq_topk shapes;
	/* The first examples of each type, raw JSON, for format issues. */
	char *ex[NTYPES][25];
	unsigned nex[NTYPES];
};

struct profile {
	uint64_t rows, rejected;
	uint64_t overflow;       /* members of fields past MAX_FIELDS */
	struct field **f;
	size_t nf;
	uint32_t *slot;          /* field hash table: index + 1 */
	size_t nslot;
	struct dq_hll rowhll;    /* distinct rows, for duplicates */
	struct dq_reservoir sample;
};

static struct {
	int text, partial, merge;
	long long top, buckets, sample, examples, shapes, seed;
	int set_top, set_buckets, set_sample, set_examples, set_shapes;
} O = { 0, 0, 0, 10, 20, 25, 5, 10, 1, 0, 0, 0, 0, 0 };

static int
range_opt(const char *name, const char *arg, long long lo, long long hi,
	  long long *out)
{
	if (dq_parse_ll(arg, lo, hi, out)) {
		fprintf(stderr, "%s: option '--%s': '%s' is not an integer in "
			"%lld..%lld\n", dq_progname, name, arg, lo, hi);
		return -1;
	}
	return 0;
}

static int
option(void *ctx, int code, const char *arg)
{
	switch (code) {
	case O_BUCKETS:
		O.set_buckets = 1;
		return range_opt("buckets", arg, 1, 25, &O.buckets);
	case O_EXAMPLES:
		O.set_examples = 1;
		return range_opt("examples", arg, 1, 25, &O.examples);
	case O_FORMAT:
		if (!strcmp(arg, "text"))
			O.text = 1;
		else if (strcmp(arg, "json")) {
			fprintf(stderr, "%s: option '--format': '%s' is not "
				"json or text\n", dq_progname, arg);
			return -1;
		}
		return 0;
	case O_MERGE:
		O.merge = 1;
		return 0;
	case O_PARTIAL:
		O.partial = 1;
		return 0;
	case O_SAMPLE:
		O.set_sample = 1;
		return range_opt("sample", arg, 0, 50, &O.sample);
	case O_SEED:
		return range_opt("seed", arg, 1, (long long)1 << 62, &O.seed);
	case O_SHAPES:
		O.set_shapes = 1;
		return range_opt("shapes", arg, 1, 25, &O.shapes);
	case O_TOP:
		O.set_top = 1;
		return range_opt("top", arg, 1, 25, &O.top);
	}
	return -1;
}

/* Caps from the contract's profile section; flags win. */
static int
load_caps(const struct dq_contract *c)
{
	static const struct {
		const char *key;
		long long lo, hi, *v;
		int *set;
	} caps[] = {
		{ "top", 1, 25, &O.top, &O.set_top },
		{ "buckets", 1, 25, &O.buckets, &O.set_buckets },
		{ "sample", 0, 50, &O.sample, &O.set_sample },
		{ "examples", 1, 25, &O.examples, &O.set_examples },
		{ "shapes", 1, 25, &O.shapes, &O.set_shapes },
	};
	const cJSON *p = dq_contract_get(c, "profile");
	if (!p)
		return 0;
	for (size_t i = 0; i < sizeof(caps) / sizeof(*caps); i++) {
		const cJSON *v = cJSON_GetObjectItemCaseSensitive(p,
								  caps[i].key);
		if (!v || *caps[i].set)
			continue;
		if (!cJSON_IsNumber(v) || v->valuedouble != floor(v->valuedouble)
		    || v->valuedouble < caps[i].lo ||
		    v->valuedouble > caps[i].hi) {
			fprintf(stderr, "%s: contract: profile.%s: not an "
				"integer in %lld..%lld\n", dq_progname,
				caps[i].key, caps[i].lo, caps[i].hi);
			return -1;
		}
		*caps[i].v = (long long)v->valuedouble;
	}
	return 0;
}

/* ---- state ---------------------------------------------------------- */

static uint64_t
hash_bytes(const void *p, size_t n)
{
	return XXH3_64bits(p, n);
}

static void
profile_init(struct profile *p)
{
	memset(p, 0, sizeof(*p));
	p->nslot = 2 * MAX_FIELDS;
	p->slot = dq_xcalloc(p->nslot, sizeof(*p->slot));
	dq_hll_init(&p->rowhll);
	dq_reservoir_init(&p->sample, (size_t)O.sample, (uint64_t)O.seed);
}

static void
field_free(struct field *f)
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
	for (int t = 0; t < NTYPES; t++)
		for (unsigned i = 0; i < f->nex[t]; i++)
			free(f->ex[t][i]);
	free(f);
}

static void
profile_release(struct profile *p)
{
	for (size_t i = 0; i < p->nf; i++)
		field_free(p->f[i]);
	free(p->f);
	free(p->slot);
	dq_hll_release(&p->rowhll);
	dq_reservoir_release(&p->sample);
}

/* The field named name (namelen bytes, unescaped), created on first
 * sight; NULL past MAX_FIELDS. */
static struct field *
field_get(struct profile *p, const char *name, size_t namelen)
{
	size_t i = (size_t)(hash_bytes(name, namelen) % p->nslot);
	while (p->slot[i]) {
		struct field *f = p->f[p->slot[i] - 1];
		if (f->namelen == namelen && !memcmp(f->name, name, namelen))
			return f;
		i = i + 1 == p->nslot ? 0 : i + 1;
	}
	if (p->nf == MAX_FIELDS)
		return NULL;
	struct field *f = dq_xcalloc(1, sizeof(*f));
	f->name = dq_xstrndup(name, namelen);
	f->namelen = namelen;
	dq_hll_init(&f->hll);
	dq_quantile_init(&f->q, DQ_QUANTILE_K);
	dq_topk_init(&f->top, TOPK_CAP);
	dq_topk_init(&f->shapes, SHAPE_CAP);
	p->f = dq_xrealloc(p->f, (p->nf + 1) * sizeof(*p->f));
	p->f[p->nf++] = f;
	p->slot[i] = (uint32_t)p->nf;
	return f;
}

/* ---- classifying one value ------------------------------------------ */

static int
is_integer_text(const char *s, size_t n)
{
	size_t i = 0;
	if (n && (s[0] == '-' || s[0] == '+'))
		i++;
	if (i == n || n - i > 19)
		return 0;
	for (; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return 0;
	return 1;
}

/* A decimal number as text: sign, digits, optional fraction and exponent;
 * no hex, inf or nan (strtod would take them). */
static int
is_number_text(const char *s, size_t n)
{
	size_t i = 0, d = 0;
	if (i < n && (s[i] == '-' || s[i] == '+'))
		i++;
	while (i < n && s[i] >= '0' && s[i] <= '9')
		i++, d++;
	if (i < n && s[i] == '.') {
		i++;
		while (i < n && s[i] >= '0' && s[i] <= '9')
			i++, d++;
	}
	if (!d)
		return 0;
	if (i < n && (s[i] == 'e' || s[i] == 'E')) {
		i++;
		if (i < n && (s[i] == '-' || s[i] == '+'))
			i++;
		if (i == n || s[i] < '0' || s[i] > '9')
			return 0;
		while (i < n && s[i] >= '0' && s[i] <= '9')
			i++;
	}
	return i == n;
}

/* A phone number by its look: digits with + ( ) - . and spaces, 7 to 15
 * digits, starting with a digit, + or (.  (Validating against numbering
 * plans is dq-normalize's job; a profile only needs the kind.) */
static int
looks_phone(const char *s, size_t n)
{
	size_t d = 0;
	if (!n || !(s[0] == '+' || s[0] == '(' || (s[0] >= '0' && s[0] <= '9')))
		return 0;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		if (c >= '0' && c <= '9')
			d++;
		else if (!strchr("+()-. ", c))
			return 0;
	}
	return d >= 7 && d <= 15;
}

static struct dq_buf text = DQ_BUF_INIT, shape = DQ_BUF_INIT,
		     iso = DQ_BUF_INIT, num = DQ_BUF_INIT;

static double
to_double(const char *s, size_t n)
{
	dq_buf_reset(&num);
	dq_buf_add(&num, s, n);
	return strtod(num.buf, NULL);
}

/* The shape of a string: ASCII letters become A or a, digits 9, other
 * non-ASCII code points *, the rest stays ("Main St 12" -> "Aaaa Aa 99").
 * Shapes longer than SHAPE_MAX bytes end in "~". */
static void
shape_of(const char *s, size_t n, struct dq_buf *out)
{
	dq_buf_reset(out);
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (out->len >= SHAPE_MAX) {
			dq_buf_addch(out, '~');
			return;
		}
		if (c >= 'A' && c <= 'Z')
			c = 'A';
		else if (c >= 'a' && c <= 'z')
			c = 'a';
		else if (c >= '0' && c <= '9')
			c = '9';
		else if (c >= 0x80) {
			/* One code point of another script: "*". */
			while (i + 1 < n && ((unsigned char)s[i + 1] & 0xc0) ==
						    0x80)
				i++;
			c = '*';
		}
		dq_buf_addch(out, c);
	}
}

/* Byte order of s (n bytes) against t (tn bytes). */
static int
cmp_text(const char *s, size_t n, const char *t, size_t tn)
{
	int c = memcmp(s, t, n < tn ? n : tn);
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

static void
add_example(struct field *f, int t, const char *raw, size_t n)
{
	if (f->nex[t] >= 25)
		return;
	if (n > EXAMPLE_MAX)
		n = EXAMPLE_MAX; /* cut inside a value: examples are text */
	f->ex[t][f->nex[t]++] = dq_xstrndup(raw, n);
}

static void
add_number(struct field *f, double x)
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

static void
add_value(struct field *f, const struct dq_member *m)
{
	uint64_t h = hash_bytes(m->val, m->vallen);
	int t = -1;

	f->present++;
	switch (m->type) {
	case DQ_JSON_NULL:
		f->nulls++;
		return;
	case DQ_JSON_TRUE:
	case DQ_JSON_FALSE:
		t = T_BOOLEAN;
		break;
	case DQ_JSON_NUMBER:
		t = is_integer_text(m->val, m->vallen) ? T_INTEGER : T_NUMBER;
		add_number(f, to_double(m->val, m->vallen));
		break;
	case DQ_JSON_OBJECT:
		t = T_OBJECT;
		break;
	case DQ_JSON_ARRAY:
		t = T_ARRAY;
		break;
	case DQ_JSON_STRING: {
		const char *s = m->val + 1;
		size_t n = m->vallen - 2, cp = 0;
		struct dq_datetime dt;
		int b;
		if (m->flags & DQ_M_VAL_ESC) {
			dq_buf_reset(&text);
			dq_json_unescape(m->val, m->vallen, &text);
			s = text.buf;
			n = text.len;
		}
		if (!n) {
			f->empty++;
			return;
		}
		for (size_t i = 0; i < n; i++)
			cp += ((unsigned char)s[i] & 0xc0) != 0x80;
		dq_moments_add(&f->len, (double)cp);
		set_min_max(&f->smin, &f->smax, f->lens, s, n);
		shape_of(s, n, &shape);
		dq_topk_add(&f->shapes, shape.buf, shape.len,
			    hash_bytes(shape.buf, shape.len));
		if (is_integer_text(s, n)) {
			t = T_INTEGER;
			add_number(f, to_double(s, n));
		} else if (is_number_text(s, n)) {
			t = T_NUMBER;
			add_number(f, to_double(s, n));
		} else if ((n == 4 || n == 5) && !dq_bool_parse(s, n, &b)) {
			t = T_BOOLEAN;
		} else if (n >= 6 && n <= 40 &&
			   !dq_date_parse(s, n, NULL, &dt)) {
			t = dt.has_time ? T_DATETIME : T_DATE;
			dq_buf_reset(&iso);
			dq_date_format(&dt, 1, &iso);
			set_min_max(&f->dmin, &f->dmax, f->lens + 2, iso.buf, iso.len);
		} else if (memchr(s, '@', n) && dq_email_valid(s, n)) {
			t = T_EMAIL;
		} else if (looks_phone(s, n)) {
			t = T_PHONE;
		} else {
			t = T_STRING;
		}
		break;
	}
	}
	f->types[t]++;
	add_example(f, t, m->val, m->vallen);
	dq_hll_add(&f->hll, h);
	dq_topk_add(&f->top, m->val, m->vallen, h);
}

static void
profile_record(struct profile *p, const struct dq_record *r)
{
	p->rows++;
	dq_hll_add(&p->rowhll, hash_bytes(r->text, r->len));
	dq_reservoir_add(&p->sample, r->text, r->len);
	for (size_t i = 0; i < r->n; i++) {
		const struct dq_member *m = &r->m[i];
		const char *k = m->key;
		size_t kn = m->keylen;
		struct field *f;
		if ((long)i == r->dq)
			continue;
		if (m->flags & DQ_M_KEY_ESC) {
			dq_buf_reset(&text);
			/* Unescape needs the quotes around the key. */
			dq_json_unescape(k - 1, kn + 2, &text);
			f = field_get(p, text.buf, text.len);
		} else {
			f = field_get(p, k, kn);
		}
		if (!f) {
			p->overflow++;
			continue;
		}
		add_value(f, m);
	}
}

/* ---- merging state -------------------------------------------------- */

static void
field_merge(struct field *d, struct field *s)
{
	d->present += s->present;
	d->nulls += s->nulls;
	d->empty += s->empty;
	for (int t = 0; t < NTYPES; t++) {
		d->types[t] += s->types[t];
		for (unsigned i = 0; i < s->nex[t]; i++)
			add_example(d, t, s->ex[t][i], strlen(s->ex[t][i]));
	}
	d->zeros += s->zeros;
	d->negatives += s->negatives;
	dq_moments_merge(&d->num, &s->num);
	dq_moments_merge(&d->len, &s->len);
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

static void
profile_merge(struct profile *d, struct profile *s)
{
	d->rows += s->rows;
	d->rejected += s->rejected;
	d->overflow += s->overflow;
	dq_hll_merge(&d->rowhll, &s->rowhll);
	dq_reservoir_merge(&d->sample, &s->sample);
	for (size_t i = 0; i < s->nf; i++) {
		struct field *f = field_get(d, s->f[i]->name,
					    s->f[i]->namelen);
		if (!f) {
			d->overflow += s->f[i]->present;
			continue;
		}
		field_merge(f, s->f[i]);
	}
}

/* ---- the partial state as JSON -------------------------------------- */

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
	cJSON_ArrayForEach(x, j) {
		if (!cJSON_IsNumber(x))
			return -1;
		v[i++] = x->valuedouble;
	}
	if (v[0] < 0)
		return -1;
	m->n = (uint64_t)v[0];
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

static cJSON *
profile_save(const struct profile *p)
{
	cJSON *doc = cJSON_CreateObject(), *fields = cJSON_CreateArray();
	cJSON *sample = cJSON_CreateObject(), *rows = cJSON_CreateArray();
	struct dq_buf b = DQ_BUF_INIT;

	cJSON_AddNumberToObject(doc, "dqProfilePartial", 1);
	cJSON_AddNumberToObject(doc, "rows", (double)p->rows);
	cJSON_AddNumberToObject(doc, "rejected", (double)p->rejected);
	cJSON_AddNumberToObject(doc, "overflow", (double)p->overflow);
	dq_hll_save(&p->rowhll, &b);
	cJSON_AddStringToObject(doc, "rowHll", b.buf);
	cJSON_AddNumberToObject(sample, "seen", (double)p->sample.seen);
	for (size_t i = 0; i < p->sample.n; i++)
		cJSON_AddItemToArray(rows,
				     cJSON_CreateString(p->sample.item[i]));
	cJSON_AddItemToObject(sample, "rows", rows);
	cJSON_AddItemToObject(doc, "sample", sample);
	for (size_t i = 0; i < p->nf; i++) {
		const struct field *f = p->f[i];
		cJSON *o = cJSON_CreateObject(), *ex = cJSON_CreateArray();
		double types[NTYPES];
		cJSON_AddStringToObject(o, "name", f->name);
		cJSON_AddNumberToObject(o, "present", (double)f->present);
		cJSON_AddNumberToObject(o, "nulls", (double)f->nulls);
		cJSON_AddNumberToObject(o, "empty", (double)f->empty);
		for (int t = 0; t < NTYPES; t++)
			types[t] = (double)f->types[t];
		cJSON_AddItemToObject(o, "types",
				      cJSON_CreateDoubleArray(types, NTYPES));
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
		for (int t = 0; t < NTYPES; t++)
			cJSON_AddItemToArray(ex, cJSON_CreateStringArray(
				(const char *const *)f->ex[t], (int)f->nex[t]));
		cJSON_AddItemToObject(o, "examples", ex);
		cJSON_AddItemToArray(fields, o);
	}
	cJSON_AddItemToObject(doc, "fields", fields);
	dq_buf_release(&b);
	return doc;
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

static int
field_load(struct field *f, const cJSON *o)
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
	    !cJSON_IsArray(types) || cJSON_GetArraySize(types) != NTYPES ||
	    moments_load(&f->num, cJSON_GetObjectItemCaseSensitive(o, "num")) ||
	    moments_load(&f->len, cJSON_GetObjectItemCaseSensitive(o, "len")) ||
	    get_opt_string(o, "smin", &f->smin) ||
	    get_opt_string(o, "smax", &f->smax) ||
	    get_opt_string(o, "dmin", &f->dmin) ||
	    get_opt_string(o, "dmax", &f->dmax) || !f->smin != !f->smax ||
	    !f->dmin != !f->dmax || !cJSON_IsString(hll) ||
	    !cJSON_IsArray(ex) || cJSON_GetArraySize(ex) != NTYPES)
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
			add_example(f, t, e->valuestring,
				    strlen(e->valuestring));
		}
		t++;
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
		dq_topk_init(&f->top, TOPK_CAP);
		dq_topk_init(&f->shapes, SHAPE_CAP);
		return -1;
	}
	if (dq_topk_load(&f->shapes, cJSON_GetObjectItemCaseSensitive(o,
					"shapes"), hash_bytes)) {
		dq_topk_init(&f->shapes, SHAPE_CAP);
		return -1;
	}
	return 0;
}

/* Load a partial document into p (initialized, empty): 0 or -1. */
static int
profile_load(struct profile *p, const cJSON *doc)
{
	const cJSON *fields = cJSON_GetObjectItemCaseSensitive(doc, "fields");
	const cJSON *rowhll = cJSON_GetObjectItemCaseSensitive(doc, "rowHll");
	const cJSON *sample = cJSON_GetObjectItemCaseSensitive(doc, "sample");
	const cJSON *rows = cJSON_GetObjectItemCaseSensitive(sample, "rows");
	const cJSON *x;
	uint64_t version, seen;

	if (get_count(doc, "dqProfilePartial", &version) || version != 1 ||
	    get_count(doc, "rows", &p->rows) ||
	    get_count(doc, "rejected", &p->rejected) ||
	    get_count(doc, "overflow", &p->overflow) ||
	    !cJSON_IsString(rowhll) || get_count(sample, "seen", &seen) ||
	    !cJSON_IsArray(rows) || !cJSON_IsArray(fields))
		return -1;
	if (dq_hll_load(&p->rowhll, rowhll->valuestring,
			strlen(rowhll->valuestring)))
		return -1;
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
		struct field *f;
		if (!cJSON_IsString(name))
			return -1;
		f = field_get(p, name->valuestring, strlen(name->valuestring));
		if (!f || f->present || field_load(f, x))
			return -1;
	}
	return 0;
}

/* ---- the profile document ------------------------------------------- */

/* Floating figures are rounded to 12 significant digits, so that a merge
 * of partials and a single run print the same (they differ by rounding
 * in the last bits only). */
static double
r12(double x)
{
	char b[40];
	if (!isfinite(x))
		return 0;
	snprintf(b, sizeof(b), "%.12g", x);
	return strtod(b, NULL);
}

/* Skewness is a ratio of moments: its rounding noise is absolute, so it is
 * rounded to 10 decimal places (a symmetric input gives 0, not 1e-19). */
static double
rskew(double x)
{
	return r12(round(x * 1e10) / 1e10);
}

/* Values that count for type t: integers are numbers too, so a field with
 * any non-integer number counts its integers as numbers. */
static uint64_t
type_count(const struct field *f, int t)
{
	if (t == T_NUMBER)
		return f->types[T_NUMBER] ?
			       f->types[T_NUMBER] + f->types[T_INTEGER] : 0;
	if (t == T_INTEGER && f->types[T_NUMBER])
		return 0;
	return f->types[t];
}

/* The most frequent type (ties: the first in type_names), or -1. */
static int
dominant(const struct field *f)
{
	int best = -1;
	for (int t = 0; t < NTYPES; t++)
		if (type_count(f, t) &&
		    (best < 0 || type_count(f, t) > type_count(f, best)))
			best = t;
	return best;
}

static uint64_t
valid_count(const struct field *f)
{
	return f->present - f->nulls - f->empty;
}

static double
count_estimate(const struct dq_hll *h)
{
	return floor(dq_hll_count(h) + 0.5);
}

static const double phis[] = { 0.01, 0.05, 0.25, 0.5, 0.75, 0.95, 0.99 };
static const char *const pnames[] = { "p1", "p5", "p25", "p50",
				      "p75", "p95", "p99" };

static cJSON *
stat_summary(const struct field *f)
{
	cJSON *o = cJSON_CreateObject();
	int d = dominant(f);
	cJSON_AddItemToObject(o, "type", d < 0 ? cJSON_CreateNull() :
				  cJSON_CreateString(type_names[d]));
	cJSON_AddNumberToObject(o, "count", (double)valid_count(f));
	if (f->num.n) {
		cJSON *q = cJSON_CreateObject();
		cJSON_AddNumberToObject(o, "numbers", (double)f->num.n);
		cJSON_AddNumberToObject(o, "min", f->num.min);
		cJSON_AddNumberToObject(o, "max", f->num.max);
		cJSON_AddNumberToObject(o, "mean", r12(f->num.mean));
		cJSON_AddNumberToObject(o, "stddev",
					r12(dq_moments_stddev(&f->num)));
		cJSON_AddNumberToObject(o, "skewness",
					rskew(dq_moments_skewness(&f->num)));
		cJSON_AddNumberToObject(o, "sum", r12(f->num.sum));
		cJSON_AddNumberToObject(o, "zeros", (double)f->zeros);
		cJSON_AddNumberToObject(o, "negatives", (double)f->negatives);
		for (size_t i = 0; i < sizeof(phis) / sizeof(*phis); i++)
			cJSON_AddNumberToObject(q, pnames[i],
						dq_quantile_get(&f->q, phis[i]));
		cJSON_AddItemToObject(o, "quantiles", q);
		cJSON_AddBoolToObject(o, "quantilesExact",
				      dq_quantile_exact(&f->q));
		cJSON_AddNumberToObject(o, "quantileRankError",
					dq_quantile_exact(&f->q) ? 0 :
					DQ_QUANTILE_RANK_ERROR);
	}
	if (f->len.n) {
		cJSON *l = cJSON_CreateObject();
		cJSON_AddNumberToObject(l, "min", f->len.min);
		cJSON_AddNumberToObject(l, "mean", r12(f->len.mean));
		cJSON_AddNumberToObject(l, "max", f->len.max);
		cJSON_AddItemToObject(o, "length", l);
	}
	return o;
}

static cJSON *
completeness(const struct field *f, uint64_t rows)
{
	cJSON *o = cJSON_CreateObject();
	cJSON_AddNumberToObject(o, "count", (double)rows);
	cJSON_AddNumberToObject(o, "present", (double)f->present);
	cJSON_AddNumberToObject(o, "missing", (double)(rows - f->present));
	cJSON_AddNumberToObject(o, "null", (double)f->nulls);
	cJSON_AddNumberToObject(o, "empty", (double)f->empty);
	cJSON_AddNumberToObject(o, "completeness",
				rows ? r12((double)valid_count(f) /
					   (double)rows) : 0);
	return o;
}

static cJSON *
type_issues(const struct field *f)
{
	cJSON *o = cJSON_CreateObject(), *types = cJSON_CreateObject();
	cJSON *ex = cJSON_CreateArray();
	int d = dominant(f);
	uint64_t v = valid_count(f), issues = 0;
	long long shown = 0;

	for (int t = 0; t < NTYPES; t++)
		if (f->types[t])
			cJSON_AddNumberToObject(types, type_names[t],
						(double)f->types[t]);
	cJSON_AddItemToObject(o, "types", types);
	cJSON_AddItemToObject(o, "dominantType", d < 0 ? cJSON_CreateNull() :
				  cJSON_CreateString(type_names[d]));
	if (d >= 0)
		issues = v - type_count(f, d);
	cJSON_AddNumberToObject(o, "issues", (double)issues);
	cJSON_AddNumberToObject(o, "issueRate",
				v ? r12((double)issues / (double)v) : 0);
	for (int t = 0; t < NTYPES && shown < O.examples; t++) {
		if (t == d || (d == T_NUMBER && t == T_INTEGER))
			continue;
		for (unsigned i = 0; i < f->nex[t] && shown < O.examples;
		     i++, shown++) {
			cJSON *e = cJSON_CreateObject();
			cJSON_AddItemToObject(e, "value",
					      cJSON_CreateRaw(f->ex[t][i]));
			cJSON_AddStringToObject(e, "type", type_names[t]);
			cJSON_AddItemToArray(ex, e);
		}
	}
	cJSON_AddItemToObject(o, "examples", ex);
	return o;
}

static cJSON *
uniqueness(const struct field *f)
{
	cJSON *o = cJSON_CreateObject();
	double d = count_estimate(&f->hll);
	uint64_t v = valid_count(f);
	if (d > (double)v)
		d = (double)v; /* an estimate never above the values seen */
	cJSON_AddNumberToObject(o, "distinct", d);
	cJSON_AddBoolToObject(o, "distinctExact", dq_hll_exact(&f->hll));
	cJSON_AddNumberToObject(o, "distinctRelativeError",
				dq_hll_exact(&f->hll) ? 0 : DQ_HLL_STDERR);
	cJSON_AddNumberToObject(o, "uniqueness",
				v ? r12(d / (double)v) : 0);
	return o;
}

static cJSON *
distributions(struct field *f)
{
	cJSON *o = cJSON_CreateObject(), *top = cJSON_CreateArray();
	cJSON *shapes = cJSON_CreateArray();
	const struct dq_topk_item *it;
	size_t n = dq_topk_sorted(&f->top, &it);
	uint64_t v = valid_count(f);

	for (size_t i = 0; i < n && (long long)i < O.top; i++) {
		cJSON *e = cJSON_CreateObject();
		cJSON_AddItemToObject(e, "value", cJSON_CreateRaw(it[i].val));
		cJSON_AddNumberToObject(e, "count", (double)it[i].count);
		cJSON_AddNumberToObject(e, "share",
					r12((double)it[i].count / (double)v));
		cJSON_AddItemToArray(top, e);
	}
	cJSON_AddItemToObject(o, "topValues", top);
	cJSON_AddBoolToObject(o, "topExact", dq_topk_exact(&f->top));
	cJSON_AddNumberToObject(o, "topMaxUndercount", (double)f->top.err);
	if (f->num.n) {
		cJSON *h = cJSON_CreateArray();
		int b = f->num.min == f->num.max ? 1 : (int)O.buckets;
		double lo = f->num.min, w = (f->num.max - lo) / b;
		double nn = (double)f->q.n;
		uint64_t prev = 0;
		for (int i = 0; i < b; i++) {
			double hi = i == b - 1 ? f->num.max : lo + w * (i + 1);
			uint64_t cum = i == b - 1 ? f->q.n : (uint64_t)floor(
				nn * dq_quantile_cdf(&f->q, hi) + 0.5);
			cJSON *e = cJSON_CreateObject();
			if (cum < prev)
				cum = prev;
			cJSON_AddNumberToObject(e, "from",
						r12(i ? lo + w * i : lo));
			cJSON_AddNumberToObject(e, "to", r12(hi));
			cJSON_AddNumberToObject(e, "count",
						(double)(cum - prev));
			cJSON_AddItemToArray(h, e);
			prev = cum;
		}
		cJSON_AddItemToObject(o, "histogram", h);
		cJSON_AddBoolToObject(o, "histogramExact",
				      dq_quantile_exact(&f->q));
	}
	n = dq_topk_sorted(&f->shapes, &it);
	for (size_t i = 0; i < n && (long long)i < O.shapes; i++) {
		cJSON *e = cJSON_CreateObject();
		cJSON_AddStringToObject(e, "shape", it[i].val);
		cJSON_AddNumberToObject(e, "count", (double)it[i].count);
		cJSON_AddItemToArray(shapes, e);
	}
	cJSON_AddItemToObject(o, "shapes", shapes);
	return o;
}

static cJSON *
bounds(const struct field *f)
{
	cJSON *o = cJSON_CreateObject();
	if (f->num.n) {
		double q1 = dq_quantile_get(&f->q, 0.25);
		double q3 = dq_quantile_get(&f->q, 0.75);
		double lof = q1 - 1.5 * (q3 - q1), hif = q3 + 1.5 * (q3 - q1);
		double nn = (double)f->q.n;
		double below = floor(nn * dq_quantile_cdf(&f->q,
				     nextafter(lof, -INFINITY)) + 0.5);
		double above = nn - floor(nn * dq_quantile_cdf(&f->q, hif) +
					  0.5);
		cJSON *iqr = cJSON_CreateObject(), *ex = cJSON_CreateArray();
		cJSON_AddNumberToObject(o, "min", f->num.min);
		cJSON_AddNumberToObject(o, "max", f->num.max);
		cJSON_AddNumberToObject(iqr, "q1", q1);
		cJSON_AddNumberToObject(iqr, "q3", q3);
		cJSON_AddNumberToObject(iqr, "lowerFence", r12(lof));
		cJSON_AddNumberToObject(iqr, "upperFence", r12(hif));
		cJSON_AddItemToObject(o, "iqr", iqr);
		cJSON_AddNumberToObject(o, "outliers", below + above);
		if (below > 0)
			cJSON_AddItemToArray(ex, cJSON_CreateNumber(f->num.min));
		if (above > 0)
			cJSON_AddItemToArray(ex, cJSON_CreateNumber(f->num.max));
		cJSON_AddItemToObject(o, "outlierExamples", ex);
		cJSON_AddNumberToObject(o, "zeros", (double)f->zeros);
		cJSON_AddNumberToObject(o, "negatives", (double)f->negatives);
	}
	add_opt_string(o, "minString", f->smin);
	add_opt_string(o, "maxString", f->smax);
	add_opt_string(o, "minDate", f->dmin);
	add_opt_string(o, "maxDate", f->dmax);
	return o;
}

static cJSON *
sample_data(const struct profile *p)
{
	cJSON *o = cJSON_CreateObject(), *cols = cJSON_CreateArray();
	cJSON *rows = cJSON_CreateArray();
	struct dq_record r;
	struct dq_json_error err;

	for (size_t i = 0; i < p->nf; i++)
		cJSON_AddItemToArray(cols, cJSON_CreateString(p->f[i]->name));
	dq_record_init(&r);
	for (size_t s = 0; s < p->sample.n && (long long)s < O.sample; s++) {
		cJSON *row;
		/* A partial state given to --merge may hold anything. */
		if (dq_json_scan(&r, p->sample.item[s], p->sample.len[s], &err))
			continue;
		row = cJSON_CreateArray();
		for (size_t i = 0; i < p->nf; i++) {
			long m = dq_record_find(&r, p->f[i]->name,
						p->f[i]->namelen);
			if (m < 0) {
				cJSON_AddItemToArray(row, cJSON_CreateNull());
				continue;
			}
			/* cJSON_CreateRaw copies its NUL-terminated text. */
			dq_buf_reset(&text);
			dq_buf_add(&text, r.m[m].val, r.m[m].vallen);
			cJSON_AddItemToArray(row, cJSON_CreateRaw(text.buf));
		}
		cJSON_AddItemToArray(rows, row);
	}
	dq_record_release(&r);
	cJSON_AddItemToObject(o, "columns", cols);
	cJSON_AddItemToObject(o, "rows", rows);
	return o;
}

static cJSON *
profile_document(struct profile *p)
{
	cJSON *doc = cJSON_CreateObject(), *dup = cJSON_CreateObject();
	cJSON *sec[6];
	static const char *const secname[6] = {
		"statisticalSummary", "completenessOverview",
		"typeFormatIssues", "uniquenessOverview",
		"valueDistributions", "boundsAnomalies"
	};
	double distinct = count_estimate(&p->rowhll);

	cJSON_AddStringToObject(doc, "tool", "dq-profile");
	cJSON_AddStringToObject(doc, "version", DQ_VERSION);
	cJSON_AddNumberToObject(doc, "rows", (double)p->rows);
	cJSON_AddNumberToObject(doc, "fields", (double)p->nf);
	cJSON_AddNumberToObject(doc, "rejected", (double)p->rejected);
	cJSON_AddNumberToObject(doc, "unprofiledValues", (double)p->overflow);
	if (distinct > (double)p->rows)
		distinct = (double)p->rows;
	cJSON_AddNumberToObject(dup, "count", (double)p->rows - distinct);
	cJSON_AddBoolToObject(dup, "exact", dq_hll_exact(&p->rowhll));
	cJSON_AddNumberToObject(dup, "distinctRowsRelativeError",
				dq_hll_exact(&p->rowhll) ? 0 : DQ_HLL_STDERR);
	cJSON_AddItemToObject(doc, "duplicateRows", dup);
	for (int s = 0; s < 6; s++)
		sec[s] = cJSON_AddObjectToObject(doc, secname[s]);
	for (size_t i = 0; i < p->nf; i++) {
		struct field *f = p->f[i];
		cJSON_AddItemToObject(sec[0], f->name, stat_summary(f));
		cJSON_AddItemToObject(sec[1], f->name,
				      completeness(f, p->rows));
		cJSON_AddItemToObject(sec[2], f->name, type_issues(f));
		cJSON_AddItemToObject(sec[3], f->name, uniqueness(f));
		cJSON_AddItemToObject(sec[4], f->name, distributions(f));
		cJSON_AddItemToObject(sec[5], f->name, bounds(f));
	}
	cJSON_AddItemToObject(doc, "sampleData", sample_data(p));
	return doc;
}

/* ---- the text table ------------------------------------------------- */

static void
cell(struct dq_buf *b, const char *s, int width)
{
	int n = (int)strlen(s), cp = 0, i;
	/* Count code points so UTF-8 names line up. */
	for (i = 0; i < n && cp < width; i++)
		cp += ((unsigned char)s[i] & 0xc0) != 0x80;
	while (i < n && ((unsigned char)s[i] & 0xc0) == 0x80)
		i++;
	size_t start = b->len;
	if (i < n) {
		/* Cut: drop the last code point, mark with "~". */
		int j = i - 1;
		while (j > 0 && ((unsigned char)s[j] & 0xc0) == 0x80)
			j--;
		dq_buf_add(b, s, (size_t)j);
		dq_buf_addch(b, '~');
	} else {
		dq_buf_add(b, s, (size_t)n);
		for (; cp < width; cp++)
			dq_buf_addch(b, ' ');
	}
	/* Control characters (a tab at the start of a value) would break
	 * the columns: show them as "?". */
	for (size_t k = start; k < b->len; k++)
		if ((unsigned char)b->buf[k] < 0x20 || b->buf[k] == 0x7f)
			b->buf[k] = '?';
	dq_buf_addch(b, ' ');
}

static void
profile_text(struct profile *p, struct dq_buf *b)
{
	char v[64];
	double dr = count_estimate(&p->rowhll);
	if (dr > (double)p->rows)
		dr = (double)p->rows;
	dq_buf_addf(b, "rows %llu  fields %zu  rejected %llu  duplicate rows "
		    "%s%.0f\n", (unsigned long long)p->rows, p->nf,
		    (unsigned long long)p->rejected,
		    dq_hll_exact(&p->rowhll) ? "" : "~",
		    (double)p->rows - dr);
	cell(b, "field", 16);
	cell(b, "type", 8);
	cell(b, "complete", 8);
	cell(b, "null", 7);
	cell(b, "distinct", 9);
	cell(b, "min", 12);
	cell(b, "max", 12);
	cell(b, "mean", 10);
	dq_buf_addstr(b, "top value\n");
	for (size_t i = 0; i < p->nf; i++) {
		struct field *f = p->f[i];
		const struct dq_topk_item *it;
		int d = dominant(f);
		size_t nt = dq_topk_sorted(&f->top, &it);
		cell(b, f->name, 16);
		cell(b, d < 0 ? "-" : type_names[d], 8);
		snprintf(v, sizeof(v), "%.1f%%", p->rows ? 100.0 *
			 (double)valid_count(f) / (double)p->rows : 0.0);
		cell(b, v, 8);
		snprintf(v, sizeof(v), "%llu", (unsigned long long)f->nulls);
		cell(b, v, 7);
		snprintf(v, sizeof(v), "%s%.0f", dq_hll_exact(&f->hll) ? "" :
			 "~", count_estimate(&f->hll));
		cell(b, v, 9);
		/* Numeric bounds for numeric fields; dates for date fields;
		 * else strings (a dob column of "19340301" strings also has
		 * numbers, but its bounds are dates). */
		if (f->num.n && (d == T_INTEGER || d == T_NUMBER ||
				 d == T_BOOLEAN)) {
			snprintf(v, sizeof(v), "%.6g", f->num.min);
			cell(b, v, 12);
			snprintf(v, sizeof(v), "%.6g", f->num.max);
			cell(b, v, 12);
			snprintf(v, sizeof(v), "%.6g", f->num.mean);
			cell(b, v, 10);
		} else {
			int dt = (d == T_DATE || d == T_DATETIME) && f->dmin;
			const char *lo = dt ? f->dmin : f->smin;
			const char *hi = dt ? f->dmax : f->smax;
			cell(b, lo ? lo : "-", 12);
			cell(b, hi ? hi : "-", 12);
			cell(b, "-", 10);
		}
		if (nt) {
			snprintf(v, sizeof(v), " (%llu)",
				 (unsigned long long)it[0].count);
			size_t l = b->len;
			cell(b, it[0].val, 24);
			while (b->len > l && b->buf[b->len - 1] == ' ')
				b->len--;
			b->buf[b->len] = '\0';
			dq_buf_addstr(b, v);
		}
		dq_buf_addch(b, '\n');
	}
}

/* ---- main ----------------------------------------------------------- */

static int
merge_files(struct dq_run *run, struct profile *p)
{
	for (size_t i = 0; i < run->in.nfiles; i++) {
		size_t len;
		const char *end;
		char *s = dq_read_file(run->in.files[i], &len);
		cJSON *doc;
		struct profile part;
		if (!s)
			return -1;
		doc = cJSON_ParseWithOpts(s, &end, 1);
		profile_init(&part);
		if (!doc || profile_load(&part, doc)) {
			fprintf(stderr, "%s: %s: not a dq-profile partial "
				"state (made with --partial)\n", dq_progname,
				run->in.files[i]);
			cJSON_Delete(doc);
			free(s);
			profile_release(&part);
			return -1;
		}
		profile_merge(p, &part);
		cJSON_Delete(doc);
		free(s);
		profile_release(&part);
	}
	return 0;
}

int
main(int argc, char **argv)
{
	static const struct dq_tool tool = {
		.name = "dq-profile",
		.synopsis = synopsis,
		.help = help,
		.longopts = longopts,
		.option = option,
	};
	static struct dq_run run;
	static struct dq_record rec;
	static struct profile prof;
	cJSON *doc, *extra;
	char *s;

	dq_run_init(&run, &tool, argc, argv);
	if (load_caps(&run.contract))
		return 2;
	if (O.merge && !run.in.nfiles) {
		fprintf(stderr, "%s: --merge needs partial files\n",
			dq_progname);
		return 2;
	}
	profile_init(&prof);
	if (O.merge) {
		if (merge_files(&run, &prof))
			return 2;
	} else {
		dq_record_init(&rec);
		while (dq_run_next(&run, &rec) > 0)
			profile_record(&prof, &rec);
		dq_record_release(&rec);
		prof.rejected = run.n_rejected;
	}

	if (O.text && !O.partial) {
		profile_text(&prof, &run.out.b);
	} else {
		doc = O.partial ? profile_save(&prof) :
				  profile_document(&prof);
		s = cJSON_PrintUnformatted(doc);
		if (!s)
			dq_die("out of memory");
		dq_buf_addstr(&run.out.b, s);
		dq_buf_addch(&run.out.b, '\n');
		cJSON_free(s);
		cJSON_Delete(doc);
	}
	extra = cJSON_CreateObject();
	cJSON_AddNumberToObject(extra, "rows", (double)prof.rows);
	cJSON_AddNumberToObject(extra, "fields", (double)prof.nf);
	profile_release(&prof);
	dq_buf_release(&text);
	dq_buf_release(&shape);
	dq_buf_release(&iso);
	dq_buf_release(&num);
	return dq_run_finish(&run, extra, 0);
}
