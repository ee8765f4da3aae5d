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
#include <fcntl.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
/* Inline XXH3: most values are short, and the call into the shared
 * library cost more than the hashing. */
#define XXH_INLINE_ALL
#include <xxhash.h>

#include "norm/date.h"
#include "sketch/dupsketch.h"
#include "sketch/hll.h"
#include "stream/json.h"
#include "sketch/moments.h"
#include "sketch/quantile.h"
#include "sketch/reservoir.h"
#include "cli/run.h"
#include "sketch/topk.h"
#include "norm/value.h"

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
	"      --seed N          seed of the sample (default 1)\n"
	"      --jobs N          processes over a regular NDJSON file (1-16,\n"
	"                        default: the online CPUs, at most 4)\n"
	"\n"
	"Drift and contracts:\n"
	"      --baseline PROFILE  compare with an earlier profile document\n"
	"      --history FILE    earlier --summary documents, one per line:\n"
	"                        3-sigma guard on rows and null rates\n"
	"      --freshness FIELD=AGE  the newest date of FIELD is at most AGE\n"
	"                        old (AGE: a number and s, m, h, d or w)\n"
	"      --fail-on-drift   exit 1 when an anomaly is found\n"
	"      --suggest         write a starter contract instead\n";

enum {
	O_BASELINE = DQ_OPT_TOOL,
	O_BUCKETS,
	O_EXAMPLES,
	O_FAIL_ON_DRIFT,
	O_FORMAT,
	O_FRESHNESS,
	O_HISTORY,
	O_JOBS,
	O_MERGE,
	O_PARTIAL,
	O_SAMPLE,
	O_SEED,
	O_SHAPES,
	O_SUGGEST,
	O_TOP
};

static const struct option longopts[] = {
	{ "baseline", required_argument, NULL, O_BASELINE },
	{ "buckets", required_argument, NULL, O_BUCKETS },
	{ "examples", required_argument, NULL, O_EXAMPLES },
	{ "fail-on-drift", no_argument, NULL, O_FAIL_ON_DRIFT },
	{ "format", required_argument, NULL, O_FORMAT },
	{ "freshness", required_argument, NULL, O_FRESHNESS },
	{ "history", required_argument, NULL, O_HISTORY },
	{ "jobs", required_argument, NULL, O_JOBS },
	{ "merge", no_argument, NULL, O_MERGE },
	{ "partial", no_argument, NULL, O_PARTIAL },
	{ "sample", required_argument, NULL, O_SAMPLE },
	{ "seed", required_argument, NULL, O_SEED },
	{ "shapes", required_argument, NULL, O_SHAPES },
	{ "suggest", no_argument, NULL, O_SUGGEST },
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
	long ymd[2];             /* their days as YYYYMMDD, while adding */
	size_t lens[4];          /* strlen of smin, smax, dmin, dmax */
	struct dq_hll hll;
	struct dq_quantile q;
	struct dq_topk top;
	struct dq_topk shapes;
	/* The first examples of each type, raw JSON, for format issues. */
	char *ex[NTYPES][25];
	unsigned nex[NTYPES];
	/* For --suggest: non-empty JSON strings, integer-written numbers,
	 * other numbers, true/false; strings that are ISO dates, ISO
	 * date-times and E.164 phone numbers. */
	uint64_t kinds[4];
	uint64_t iso[3];
	/* For --freshness: the newest date or date-time, in seconds since
	 * 1970 (UTC; a time without zone is taken as UTC). */
	double tmax;
	int has_tmax;
	struct vcache *vc;       /* VCACHE_N entries, or NULL */
	/* Values of the current batch not yet profiled (see struct batch). */
	struct pending *pend;
	size_t npend, pendcap;
};

/* A string value seen before and what it added (see add_value). */
#define VCACHE_N 256
#define VCACHE_LEN 40
struct vcache {
	uint64_t shash;          /* hash of the shape */
	double x;                /* the number, if a numeric string */
	uint32_t cp;             /* code points */
	uint8_t len;             /* bytes of val; 0 for a free entry */
	uint8_t type, iso, shlen; /* type, iso[] counter + 1 or 0 */
	char val[VCACHE_LEN];    /* raw JSON text */
	char shape[SHAPE_MAX + 2];
};

/* A value waiting in the batch: its text at off in the batch buffer,
 * its hash (taken while the text is in the cache). */
struct pending {
	uint64_t hash;
	size_t off, len;
	uint8_t type, flags;
};

enum { K_STRING, K_INT, K_DEC, K_BOOL };

#define BATCH_ROWS 256
#define BATCH_BYTES (256 * 1024)
#define PREFETCH 16 /* values ahead */

struct profile {
	uint64_t rows, rejected;
	uint64_t overflow;       /* members of fields past MAX_FIELDS */
	struct field **f;
	size_t nf;
	uint32_t *slot;          /* field hash table: index + 1 */
	size_t nslot;
	struct dq_dupsketch dups; /* repeated rows */
	/* The field last seen at each member position: records usually
	 * repeat their key order, so one compare replaces a lookup. */
	struct field *pos[64];
	struct dq_reservoir sample;
	/*
	 * The batch: records are read row by row but profiled column by
	 * column.  Each field's sketches (top values, shapes, distinct
	 * hashes: some 60 KB) are then touched for many values in a row
	 * while they are in the cache, instead of all fields' (about 1 MB for
	 * 16 fields, more than a core's L2 cache) for every record, and the
	 * classification of one column branches alike value after value.
	 * The values of a field are still profiled in input order, so every
	 * figure is the same as record by record.  The buffer holds the
	 * rows' text, at most BATCH_ROWS rows or about BATCH_BYTES.
	 */
	struct dq_buf batch;
	size_t batch_rows;
	uint64_t rowhash[BATCH_ROWS]; /* for the duplicate-row sketch */
};


static struct {
	int text, partial, merge;
	long long top, buckets, sample, examples, shapes, seed;
	int set_top, set_buckets, set_sample, set_examples, set_shapes;
	const char *baseline, *history;
	int fail_on_drift, suggest;
	long long jobs;
	char *fresh_field[16];
	double fresh_age[16];
	int nfresh;
} O = { 0, 0, 0, 10, 20, 25, 5, 10, 1, 0, 0, 0, 0, 0, NULL, NULL, 0, 0,
	0, { NULL }, { 0 }, 0 };

/* Parse "FIELD=AGE" (AGE a positive number and s, m, h, d or w). */
static int
freshness_opt(const char *arg)
{
	const char *eq = strrchr(arg, '=');
	char *end;
	double v;
	if (O.nfresh == 16) {
		fprintf(stderr, "%s: option '--freshness': at most 16\n",
			dq_progname);
		return -1;
	}
	if (!eq || eq == arg)
		goto bad;
	errno = 0;
	v = strtod(eq + 1, &end);
	if (errno || end == eq + 1 || !(v > 0) || !isfinite(v) || !*end ||
	    end[1])
		goto bad;
	switch (*end) {
	case 'w': v *= 7; /* fall through */
	case 'd': v *= 24; /* fall through */
	case 'h': v *= 60; /* fall through */
	case 'm': v *= 60; /* fall through */
	case 's': break;
	default: goto bad;
	}
	O.fresh_field[O.nfresh] = dq_xstrndup(arg, (size_t)(eq - arg));
	O.fresh_age[O.nfresh++] = v;
	return 0;
bad:
	fprintf(stderr, "%s: option '--freshness': '%s' is not FIELD=AGE "
		"(AGE like 12h, 30m, 7d)\n", dq_progname, arg);
	return -1;
}

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
	case O_BASELINE:
		O.baseline = arg;
		return 0;
	case O_FAIL_ON_DRIFT:
		O.fail_on_drift = 1;
		return 0;
	case O_FRESHNESS:
		return freshness_opt(arg);
	case O_HISTORY:
		O.history = arg;
		return 0;
	case O_JOBS:
		return range_opt("jobs", arg, 1, 16, &O.jobs);
	case O_SUGGEST:
		O.suggest = 1;
		return 0;
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
	dq_dupsketch_init(&p->dups);
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
	free(f->vc);
	free(f->pend);
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
	dq_buf_release(&p->batch);
	dq_dupsketch_release(&p->dups);
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

static struct dq_buf text = DQ_BUF_INIT, iso = DQ_BUF_INIT,
		     num = DQ_BUF_INIT;

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

static double
to_double(const char *s, size_t n)
{
	/* Fast path: at most 15 digits with an optional sign and point.
	 * The digits make an integer m < 2^53 and 10^k is exact for k <= 15,
	 * so m / 10^k is the correctly rounded value, as strtod gives. */
	static const double p10[] = { 1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7,
				      1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14,
				      1e15 };
	size_t i = 0, nd = 0;
	int neg = 0, frac = -1;
	uint64_t m = 0;
	if (n && (s[0] == '-' || s[0] == '+'))
		neg = s[i++] == '-';
	for (; i < n; i++) {
		if (s[i] >= '0' && s[i] <= '9') {
			m = m * 10 + (uint64_t)(s[i] - '0');
			nd++;
		} else if (s[i] == '.' && frac < 0) {
			frac = (int)i;
		} else {
			break;
		}
	}
	if (i == n && nd && (nd <= 15 || (frac < 0 && nd <= 19))) {
		/* An integer of up to 19 digits is below 2^64, and its
		 * conversion to double rounds once, to nearest, as strtod
		 * does (ids and account numbers are often that long). */
		double x = (double)m;
		if (frac >= 0)
			x /= p10[n - 1 - (size_t)frac];
		return neg ? -x : x;
	}
	dq_buf_reset(&num);
	dq_buf_add(&num, s, n);
	return strtod(num.buf, NULL);
}

/* What one pass over a string learns of each byte (see scan_text). */
enum {
	P_DIGIT = 1,
	P_ALPHA = 2,    /* an ASCII letter */
	P_NODATE = 4,   /* a byte dq_date_parse never reads (may_be_date) */
	P_AT = 8,       /* "@" */
	P_NOPHONE = 16, /* not a digit or one of "+()-. " */
	P_NONNUM = 32,  /* not a digit or one of "+-.eE" */
	P_CONT = 64     /* a UTF-8 continuation byte, 10xxxxxx */
};

static unsigned char props[256];
static char shape_map[256];

static void
props_init(void)
{
	for (int c = 0; c < 256; c++) {
		int digit = c >= '0' && c <= '9';
		int alpha = (c | 0x20) >= 'a' && (c | 0x20) <= 'z';
		int sep = c && strchr(" +,-./:\t\n\v\f\r", c);
		int nbsp = c == 0x80 || c == 0xa0 || c == 0xaf || c == 0xc2 ||
			   c == 0xe2;
		props[c] = (unsigned char)(
			(digit ? P_DIGIT : 0) | (alpha ? P_ALPHA : 0) |
			(digit || alpha || sep || nbsp ? 0 : P_NODATE) |
			(c == '@' ? P_AT : 0) |
			(digit || (c && strchr("+()-. ", c)) ? 0 : P_NOPHONE) |
			(digit || (c && strchr("+-.eE", c)) ? 0 : P_NONNUM) |
			((c & 0xc0) == 0x80 ? P_CONT : 0));
		shape_map[c] = c >= 'A' && c <= 'Z' ? 'A' :
			    c >= 'a' && c <= 'z' ? 'a' :
			    c >= '0' && c <= '9' ? '9' : c >= 0x80 ? 0 : (char)c;
	}
}

/*
 * One pass over string s (n bytes) for what classifying it needs: the
 * P_* properties of its bytes, or-ed (returned), its code points (*cp)
 * and its shape (out, *shlen): ASCII letters become A or a, digits 9,
 * other non-ASCII code points *, the rest stays ("Main St 12" ->
 * "Aaaa Aa 99"); shapes longer than SHAPE_MAX bytes end in "~".  One
 * table lookup per byte: mixed text ("Aaaa 9999") defeats the branch
 * predictor of a chain of range tests, and one pass reads the bytes
 * once where a pass per test read them six times.
 */
static unsigned
scan_text(const char *s, size_t n, size_t *cp, char out[SHAPE_MAX + 2],
	  size_t *shlen)
{
	unsigned acc = 0;
	size_t len = 0, cont = 0, i = 0;
	int seq = 0; /* inside a non-ASCII code point */
	if (!shape_map['a'])
		props_init();
	for (; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		unsigned p = props[c];
		acc |= p;
		if (c < 0x80) {
			seq = 0;
		} else if (p & P_CONT) {
			cont++;
			if (seq)
				continue;
		}
		if (len >= SHAPE_MAX) {
			out[len++] = '~';
			i++;
			break;
		}
		if (c >= 0x80) {
			/* One code point of another script: "*". */
			seq = 1;
			out[len++] = '*';
		} else {
			out[len++] = shape_map[c];
		}
	}
	for (; i < n; i++) {
		unsigned p = props[(unsigned char)s[i]];
		acc |= p;
		cont += (p & P_CONT) != 0;
	}
	out[len] = '\0';
	*shlen = len;
	*cp = n - cont;
	return acc;
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

/*
 * The words lib/norm/date.c reads (its grammar comment): month and weekday
 * names, full or of three letters, and the other abbreviations; zone
 * names; ordinal suffixes; "of" and "at"; and the single letters it
 * reads one at a time ("T", "W", "Z", "a.m.", "p.m.").
 */
static const char *const date_names[] = {
	"january", "february", "march", "april", "may", "june", "july",
	"august", "september", "october", "november", "december", "sept",
	"monday", "tuesday", "wednesday", "thursday", "friday", "saturday",
	"sunday", "tues", "thur", "thurs"
};
#define NDATE_NAMES (sizeof(date_names) / sizeof(*date_names))

static const char *const date_words[] = {
	"a", "m", "p", "t", "w", "z", "am", "pm", "ut", "utc", "gmt",
	"est", "edt", "cst", "cdt", "mst", "mdt", "pst", "pdt", "st", "nd",
	"rd", "th", "of", "at"
};
#define NDATE_WORDS (sizeof(date_words) / sizeof(*date_words))

/* n <= 9 lowercase letters as a number, 5 bits each (non-zero, and
 * different for different words). */
static uint64_t
pack(const char *w, size_t n)
{
	uint64_t x = 0;
	for (size_t i = 0; i < n; i++)
		x = x << 5 | (uint64_t)(w[i] - 'a' + 1);
	return x;
}

/* Is w (n lowercase letters) a word of a date?  A date that starts
 * with a letter starts with a month or weekday name (first). */
static int
date_word(const char *w, size_t n, int first)
{
	/* An open-addressing table of the packed words (0 free); the low
	 * bit of the entry marks a name a date may start with. */
	static uint64_t tab[128];
	static int ready;
	uint64_t x = pack(w, n);
	size_t i;
	if (!ready) {
		ready = 1;
		for (size_t k = 0; k < 2 * NDATE_NAMES + NDATE_WORDS; k++) {
			const char *t = k < 2 * NDATE_NAMES ?
				date_names[k % NDATE_NAMES] :
				date_words[k - 2 * NDATE_NAMES];
			uint64_t y = pack(t, k >= NDATE_NAMES &&
					  k < 2 * NDATE_NAMES ? 3 : strlen(t));
			i = (size_t)(y * 0x9e3779b97f4a7c15u >> 57);
			while (tab[i] && tab[i] >> 1 != y)
				i = (i + 1) & 127;
			if (!tab[i])
				tab[i] = y << 1 | (k < 2 * NDATE_NAMES);
		}
	}
	i = (size_t)(x * 0x9e3779b97f4a7c15u >> 57);
	for (; tab[i]; i = (i + 1) & 127)
		if (tab[i] >> 1 == x)
			return !first || (tab[i] & 1);
	return 0;
}

/*
 * Could s be a date for dq_date_parse?  Text it surely refuses is most
 * non-dates with a digit (street addresses, ids, e-mail addresses), and
 * refusing costs the parser more than these checks: it reads only ASCII
 * letters and digits, the separators " +,-./:", the controls \t to \r
 * and the bytes of U+00A0 and U+202F (acc, the properties of the bytes
 * of s, has no P_NODATE); every date form has a digit; and every run of
 * letters is one of its words.  A yes is only a maybe.
 */
static int
may_be_date(const char *s, size_t n, unsigned acc)
{
	if ((acc & P_NODATE) || !(acc & P_DIGIT))
		return 0;
	if (!(acc & P_ALPHA))
		return 1;
	for (size_t i = 0; i < n; i++) {
		char w[9];
		size_t j = i;
		if (!(props[(unsigned char)s[i]] & P_ALPHA))
			continue;
		for (; j < n && (props[(unsigned char)s[j]] & P_ALPHA); j++)
			if (j - i < sizeof(w))
				w[j - i] = (char)(s[j] | 0x20);
		if (j - i > sizeof(w) || !date_word(w, j - i, i == 0))
			return 0;
		i = j;
	}
	return 1;
}

/* "+", a non-zero digit, 7 to 15 digits in all: dq-validate's phone. */
static int
is_e164(const char *s, size_t n)
{
	if (n < 8 || n > 16 || s[0] != '+' || s[1] < '1' || s[1] > '9')
		return 0;
	for (size_t i = 2; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return 0;
	return 1;
}

static int
digits_at(const char *s, const char *pat)
{
	for (; *pat; s++, pat++)
		if (*pat == '9' ? *s < '0' || *s > '9' : *s != *pat)
			return 0;
	return 1;
}

/* Count ISO 8601 dates and RFC 3339 date-times (the forms dq-validate's
 * date and datetime types accept) and keep the newest time. */
static void
add_time(struct field *f, const struct dq_datetime *dt, const char *s,
	 size_t n)
{
	double t = (double)dq_date_days(dt->year, dt->month, dt->day) *
		   86400.0 + dt->hour * 3600 + dt->min * 60 + dt->sec;
	if (dt->has_tz)
		t -= dt->tz_offset_min * 60.0;
	if (!f->has_tmax || t > f->tmax) {
		f->tmax = t;
		f->has_tmax = 1;
	}
	if (n < 10 || !digits_at(s, "9999-99-99"))
		return;
	if (n == 10) {
		f->iso[0]++;
		return;
	}
	if (n >= 16 && s[10] == 'T' && digits_at(s + 11, "99:99")) {
		size_t i = 16;
		if (i + 3 <= n && digits_at(s + i, ":99")) {
			i += 3;
			if (i < n && s[i] == '.') {
				i++;
				while (i < n && s[i] >= '0' && s[i] <= '9')
					i++;
			}
		}
		if (i == n || (i + 1 == n && s[i] == 'Z') ||
		    (i + 6 == n && (s[i] == '+' || s[i] == '-') &&
		     digits_at(s + i + 1, "99:99")))
			f->iso[1]++;
	}
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
add_string(struct field *f, const char *s, size_t n, struct vcache *e)
{
	struct dq_datetime dt;
	uint64_t iso0 = f->iso[0], iso1 = f->iso[1], iso2 = f->iso[2];
	int t, b;

	size_t cp, sl;
	unsigned acc = scan_text(s, n, &cp, e->shape, &sl);

	e->cp = (uint32_t)cp;
	e->shlen = (uint8_t)sl;
	len_add(&f->len, (double)cp);
	set_min_max(&f->smin, &f->smax, f->lens, s, n);
	e->shash = hash_bytes(e->shape, sl);
	dq_topk_add(&f->shapes, e->shape, sl, e->shash);
	e->x = NAN;
	if (!(acc & P_NONNUM) && is_integer_text(s, n)) {
		t = T_INTEGER;
		add_number(f, e->x = to_double(s, n));
	} else if (!(acc & P_NONNUM) && is_number_text(s, n)) {
		t = T_NUMBER;
		add_number(f, e->x = to_double(s, n));
	} else if ((n == 4 || n == 5) && !dq_bool_parse(s, n, &b)) {
		t = T_BOOLEAN;
	} else if (n >= 6 && n <= 40 && may_be_date(s, n, acc) &&
		   !dq_date_parse(s, n, NULL, &dt)) {
		long ymd = dt.year * 10000L + dt.month * 100 + dt.day;
		t = dt.has_time ? T_DATETIME : T_DATE;
		add_time(f, &dt, s, n);
		/* ISO text begins with the zero-padded YYYY-MM-DD, so a day
		 * strictly between the first and the last day cannot change
		 * them: most dates need not be written out. */
		if (!f->dmin || ymd <= f->ymd[0] || ymd >= f->ymd[1]) {
			dq_buf_reset(&iso);
			dq_date_format(&dt, 1, &iso);
			set_min_max(&f->dmin, &f->dmax, f->lens + 2, iso.buf,
				    iso.len);
			f->ymd[0] = ymd_of(f->dmin);
			f->ymd[1] = ymd_of(f->dmax);
		}
	} else if ((acc & P_AT) && dq_email_valid(s, n)) {
		t = T_EMAIL;
	} else if (!(acc & P_NOPHONE) && looks_phone(s, n)) {
		t = T_PHONE;
		f->iso[2] += is_e164(s, n);
	} else {
		t = T_STRING;
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
add_cached(struct field *f, const struct vcache *e)
{
	len_add(&f->len, (double)e->cp);
	dq_topk_add(&f->shapes, e->shape, e->shlen, e->shash);
	if (e->type == T_INTEGER || e->type == T_NUMBER)
		add_number(f, e->x);
	if (e->iso)
		f->iso[e->iso - 1]++;
	return e->type;
}

/* Add the value of m, whose hash is h. */
static void
add_value(struct field *f, const struct dq_member *m, uint64_t h)
{
	int t = -1, held;

	f->present++;
	switch (m->type) {
	case DQ_JSON_NULL:
		f->nulls++;
		return;
	case DQ_JSON_TRUE:
	case DQ_JSON_FALSE:
		t = T_BOOLEAN;
		f->kinds[K_BOOL]++;
		break;
	case DQ_JSON_NUMBER:
		t = is_integer_text(m->val, m->vallen) ? T_INTEGER : T_NUMBER;
		f->kinds[t == T_INTEGER ? K_INT : K_DEC]++;
		add_number(f, to_double(m->val, m->vallen));
		break;
	case DQ_JSON_OBJECT:
		t = T_OBJECT;
		break;
	case DQ_JSON_ARRAY:
		t = T_ARRAY;
		break;
	case DQ_JSON_STRING: {
		struct vcache *e, tmp;
		/* Only "" is empty: an escape always gives a byte. */
		if (m->vallen == 2) {
			f->empty++;
			return;
		}
		f->kinds[K_STRING]++;
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
				add_example(f, t, m->val, m->vallen);
				f->types[t]++;
				return;
			}
			e->len = 0;
		}
		if (m->flags & DQ_M_VAL_ESC) {
			dq_buf_reset(&text);
			dq_json_unescape(m->val, m->vallen, &text);
			t = add_string(f, text.buf, text.len, e);
		} else {
			t = add_string(f, m->val + 1, m->vallen - 2, e);
		}
		if (e != &tmp) {
			memcpy(e->val, m->val, m->vallen);
			e->len = (uint8_t)m->vallen;
		}
		f->types[t]++;
		add_example(f, t, m->val, m->vallen);
		return;
	}
	}
	f->types[t]++;
	add_example(f, t, m->val, m->vallen);
	/* A value the top-value summary holds was seen before, so the
	 * distinct count already has it: most repeated values skip it. */
	if (!dq_topk_add(&f->top, m->val, m->vallen, h))
		dq_hll_add(&f->hll, h);
}

/* Queue the value of m (a member of r, whose text starts at base in the
 * batch) for f. */
static void
pend(struct profile *p, struct field *f, const struct dq_record *r,
     size_t base, const struct dq_member *m)
{
	struct pending *q;
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
static void
batch_flush(struct profile *p)
{
	for (size_t i = 0; i < p->nf; i++) {
		struct field *f = p->f[i];
		for (size_t j = 0; j < f->npend; j++) {
			const struct pending *q = &f->pend[j];
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
			add_value(f, &m, q->hash);
		}
		f->npend = 0;
	}
	for (size_t j = 0; j < p->batch_rows; j++) {
		if (j + PREFETCH < p->batch_rows)
			dq_dupsketch_prefetch(&p->dups, p->rowhash[j + PREFETCH]);
		dq_dupsketch_add(&p->dups, p->rowhash[j]);
	}
	dq_buf_reset(&p->batch);
	p->batch_rows = 0;
}

static void
profile_record(struct profile *p, const struct dq_record *r)
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
		struct field *f;
		if ((long)i == r->dq)
			continue;
		if (m->flags & DQ_M_KEY_ESC) {
			dq_buf_reset(&text);
			/* Unescape needs the quotes around the key. */
			dq_json_unescape(k - 1, kn + 2, &text);
			f = field_get(p, text.buf, text.len);
		} else if (i < 64 && p->pos[i] && p->pos[i]->namelen == kn &&
			   !memcmp(p->pos[i]->name, k, kn)) {
			f = p->pos[i];
		} else {
			f = field_get(p, k, kn);
			if (i < 64)
				p->pos[i] = f;
		}
		if (!f) {
			p->overflow++;
			continue;
		}
		pend(p, f, r, base, m);
	}
	if (++p->batch_rows == BATCH_ROWS || p->batch.len >= BATCH_BYTES)
		batch_flush(p);
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

static void
profile_merge(struct profile *d, struct profile *s)
{
	d->rows += s->rows;
	d->rejected += s->rejected;
	d->overflow += s->overflow;
	dq_dupsketch_merge(&d->dups, &s->dups);
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

static cJSON *
profile_save(const struct profile *p)
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
	if (load_counts(o, "kinds", f->kinds, 4) ||
	    load_counts(o, "iso", f->iso, 3))
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
	const cJSON *rowdups = cJSON_GetObjectItemCaseSensitive(doc,
								"rowDups");
	const cJSON *sample = cJSON_GetObjectItemCaseSensitive(doc, "sample");
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
		double qv[sizeof(phis) / sizeof(*phis)];
		dq_quantile_getv(&f->q, phis, sizeof(phis) / sizeof(*phis), qv);
		for (size_t i = 0; i < sizeof(phis) / sizeof(*phis); i++)
			cJSON_AddNumberToObject(q, pnames[i], qv[i]);
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
		cJSON_AddNumberToObject(l, "mean",
					r12(f->len.sum / (double)f->len.n));
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
		static const double quart[2] = { 0.25, 0.75 };
		double qv[2];
		dq_quantile_getv(&f->q, quart, 2, qv);
		double q1 = qv[0], q3 = qv[1];
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

	cJSON_AddStringToObject(doc, "tool", "dq-profile");
	cJSON_AddStringToObject(doc, "version", DQ_VERSION);
	cJSON_AddNumberToObject(doc, "rows", (double)p->rows);
	cJSON_AddNumberToObject(doc, "fields", (double)p->nf);
	cJSON_AddNumberToObject(doc, "rejected", (double)p->rejected);
	cJSON_AddNumberToObject(doc, "unprofiledValues", (double)p->overflow);
	cJSON_AddNumberToObject(dup, "count",
				floor(dq_dupsketch_count(&p->dups) + 0.5));
	cJSON_AddBoolToObject(dup, "exact", dq_dupsketch_exact(&p->dups));
	cJSON_AddNumberToObject(dup, "standardError",
				r12(dq_dupsketch_stderr(&p->dups)));
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

/* ---- drift ---------------------------------------------------------- */

/* Tolerances of the drift checks (contract: profile.drift_*). */
static struct {
	double null_ratio, null_floor, psi, mean_shift, rows, sigma;
} tol = { 2, 0.01, 0.2, 0.5, 0.2, 3 };

/* Shares below this count as this in the population stability index,
 * so that a category absent on one side gives a large finite term. */
#define PSI_FLOOR 1e-4
/* History figures needed before the 3-sigma guard applies. */
#define HISTORY_MIN 3

static cJSON *anomalies;

static void
anomaly(const char *kind, const char *field, double base, double cur,
	double threshold, const char *fmt, ...)
{
	cJSON *a = cJSON_CreateObject();
	char msg[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	cJSON_AddStringToObject(a, "kind", kind);
	if (field)
		cJSON_AddStringToObject(a, "field", field);
	if (isfinite(base))
		cJSON_AddNumberToObject(a, "baseline", r12(base));
	if (isfinite(cur))
		cJSON_AddNumberToObject(a, "current", r12(cur));
	cJSON_AddNumberToObject(a, "threshold", r12(threshold));
	cJSON_AddStringToObject(a, "message", msg);
	cJSON_AddItemToArray(anomalies, a);
}

/* Null rate: rows where the field is absent, null or "". */
static double
null_rate(const struct field *f, uint64_t rows)
{
	return rows ? (double)(rows - valid_count(f)) / (double)rows : 0;
}

static double
num_of(const cJSON *o, const char *key, double dflt)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
	return cJSON_IsNumber(v) ? v->valuedouble : dflt;
}

static const cJSON *
sec_field(const cJSON *doc, const char *sec, const char *name)
{
	return cJSON_GetObjectItemCaseSensitive(
		cJSON_GetObjectItemCaseSensitive(doc, sec), name);
}

static double
psi_term(double e, double a)
{
	if (e < PSI_FLOOR)
		e = PSI_FLOOR;
	if (a < PSI_FLOOR)
		a = PSI_FLOOR;
	return (a - e) * log(a / e);
}

/* PSI of the current numbers over the baseline's histogram buckets (the
 * outer buckets take everything below or above them); -1 if there is no
 * histogram. */
static double
psi_histogram(const struct field *f, const cJSON *hist)
{
	double total = 0, psi = 0, prev = 0;
	int n = cJSON_GetArraySize(hist), i = 0;
	const cJSON *b;
	if (!cJSON_IsArray(hist) || !n || !f->q.n)
		return -1;
	cJSON_ArrayForEach(b, hist)
		total += num_of(b, "count", 0);
	if (total <= 0)
		return -1;
	cJSON_ArrayForEach(b, hist) {
		double cum = i == n - 1 ? 1 : dq_quantile_cdf(&f->q,
						num_of(b, "to", 0));
		if (cum < prev)
			cum = prev;
		psi += psi_term(num_of(b, "count", 0) / total, cum - prev);
		prev = cum;
		i++;
	}
	return psi;
}

/* PSI over the baseline's top values and "all other values". */
static double
psi_top(struct field *f, const cJSON *top)
{
	const struct dq_topk_item *it;
	size_t n = dq_topk_sorted(&f->top, &it);
	double v = (double)valid_count(f), se = 0, sa = 0, psi = 0;
	cJSON **cur;
	const cJSON *t;
	if (!cJSON_IsArray(top) || !cJSON_GetArraySize(top) || v <= 0)
		return -1;
	cur = dq_xcalloc(n + 1, sizeof(*cur));
	for (size_t i = 0; i < n; i++)
		cur[i] = cJSON_Parse(it[i].val);
	cJSON_ArrayForEach(t, top) {
		const cJSON *val = cJSON_GetObjectItemCaseSensitive(t, "value");
		double e = num_of(t, "share", 0), a = 0;
		for (size_t i = 0; i < n; i++)
			if (cur[i] && val && cJSON_Compare(cur[i], val, 1)) {
				a = (double)it[i].count / v;
				break;
			}
		se += e;
		sa += a;
		psi += psi_term(e, a);
	}
	psi += psi_term(1 - se, 1 - sa);
	for (size_t i = 0; i < n; i++)
		cJSON_Delete(cur[i]);
	free(cur);
	return psi;
}

static int
numeric_type(int t)
{
	return t == T_INTEGER || t == T_NUMBER;
}

static int
type_index(const char *name)
{
	for (int t = 0; t < NTYPES; t++)
		if (name && !strcmp(name, type_names[t]))
			return t;
	return -1;
}

static void
drift_baseline(struct profile *p, const cJSON *base)
{
	double rows0 = num_of(base, "rows", 0);
	const cJSON *sum0 = cJSON_GetObjectItemCaseSensitive(base,
						"statisticalSummary");
	const cJSON *x;

	if (fabs((double)p->rows - rows0) > tol.rows * rows0)
		anomaly("rowCount", NULL, rows0, (double)p->rows, tol.rows,
			"rows changed from %.0f to %llu (tolerance %g)",
			rows0, (unsigned long long)p->rows, tol.rows);
	for (size_t i = 0; i < p->nf; i++)
		if (!cJSON_GetObjectItemCaseSensitive(sum0, p->f[i]->name))
			anomaly("fieldAdded", p->f[i]->name, NAN, NAN, 0,
				"field '%s' is new", p->f[i]->name);
	cJSON_ArrayForEach(x, sum0) {
		struct field *f = NULL;
		for (size_t i = 0; i < p->nf && !f; i++)
			if (!strcmp(p->f[i]->name, x->string))
				f = p->f[i];
		if (!f) {
			anomaly("fieldGone", x->string, NAN, NAN, 0,
				"field '%s' is gone", x->string);
			continue;
		}
		const char *name = f->name;
		const cJSON *c0 = sec_field(base, "completenessOverview", name);
		const cJSON *d0 = sec_field(base, "valueDistributions", name);
		const cJSON *ty = sec_field(base, "typeFormatIssues", name);
		int t0 = type_index(cJSON_GetStringValue(
			cJSON_GetObjectItemCaseSensitive(ty, "dominantType")));
		int t = dominant(f);
		double n0 = num_of(c0, "count", 0), nr0, nr, psi;

		if (t0 >= 0 && t >= 0 && t != t0)
			anomaly("typeChanged", name, NAN, NAN, 0,
				"field '%s': dominant type %s, was %s", name,
				type_names[t], type_names[t0]);
		/* From the counts: 1 - completeness is not exact. */
		nr0 = n0 > 0 ? (n0 - (num_of(c0, "present", 0) -
				      num_of(c0, "null", 0) -
				      num_of(c0, "empty", 0))) / n0 : 0;
		nr = null_rate(f, p->rows);
		if (nr > tol.null_ratio * nr0 && nr > tol.null_floor)
			anomaly("nullRate", name, nr0, nr, tol.null_ratio,
				"field '%s': null rate %.4g, was %.4g", name,
				nr, nr0);
		psi = numeric_type(t0) && numeric_type(t) ?
			      psi_histogram(f, cJSON_GetObjectItemCaseSensitive(
						       d0, "histogram")) :
			      psi_top(f, cJSON_GetObjectItemCaseSensitive(
						 d0, "topValues"));
		if (psi > tol.psi)
			anomaly("distribution", name, NAN, r12(psi), tol.psi,
				"field '%s': population stability index %.4g",
				name, psi);
		if (numeric_type(t0) && numeric_type(t) && f->num.n &&
		    cJSON_IsNumber(cJSON_GetObjectItemCaseSensitive(x,
								    "mean"))) {
			double m0 = num_of(x, "mean", 0);
			double s0 = num_of(x, "stddev", 0);
			double m = r12(f->num.mean);
			if (fabs(m - m0) > tol.mean_shift * s0)
				anomaly("meanShift", name, m0, m,
					tol.mean_shift, "field '%s': mean "
					"%.6g, was %.6g (stddev %.6g)", name,
					m, m0, s0);
		}
	}
}

/* Mean and sample standard deviation of v[0..n-1]. */
static void
mean_sd(const double *v, size_t n, double *mean, double *sd)
{
	double s = 0, q = 0;
	for (size_t i = 0; i < n; i++)
		s += v[i];
	*mean = s / (double)n;
	for (size_t i = 0; i < n; i++)
		q += (v[i] - *mean) * (v[i] - *mean);
	*sd = n > 1 ? sqrt(q / (double)(n - 1)) : 0;
}

/* A history line's null rate of name: from nullRates (a summary) or from
 * completenessOverview (a profile document); -1 when absent. */
static double
history_null_rate(const cJSON *h, const char *name)
{
	const cJSON *r = sec_field(h, "nullRates", name);
	const cJSON *c = sec_field(h, "completenessOverview", name);
	if (cJSON_IsNumber(r))
		return r->valuedouble;
	if (c)
		return 1 - num_of(c, "completeness", 1);
	return -1;
}

static int
drift_history(struct profile *p, const char *path)
{
	size_t len, nh = 0, n;
	char *s = dq_read_file(path, &len), *line, *save = NULL;
	cJSON **h = NULL;
	double *v, m, sd;
	long lineno = 0;
	int rc = 0;

	if (!s)
		return -1;
	for (line = s; line && *line; line = save) {
		const char *end;
		cJSON *j;
		char *nl = strchr(line, '\n');
		save = nl ? nl + 1 : NULL;
		if (nl)
			*nl = '\0';
		lineno++;
		if (!*line)
			continue;
		j = cJSON_ParseWithOpts(line, &end, 1);
		if (!cJSON_IsObject(j) || !cJSON_IsNumber(
			    cJSON_GetObjectItemCaseSensitive(j, "rows"))) {
			fprintf(stderr, "%s: %s:%ld: not a dq-profile summary "
				"or profile (no rows)\n", dq_progname, path,
				lineno);
			cJSON_Delete(j);
			rc = -1;
			break;
		}
		h = dq_xrealloc(h, (nh + 1) * sizeof(*h));
		h[nh++] = j;
	}
	v = dq_xcalloc(nh + 1, sizeof(*v));
	if (!rc && nh >= HISTORY_MIN) {
		for (size_t i = 0; i < nh; i++)
			v[i] = num_of(h[i], "rows", 0);
		mean_sd(v, nh, &m, &sd);
		if (fabs((double)p->rows - m) > tol.sigma * sd)
			anomaly("rowCountHistory", NULL, m, (double)p->rows,
				tol.sigma, "rows %llu outside %g sigma of "
				"history (mean %.6g, sd %.4g, %zu runs)",
				(unsigned long long)p->rows, tol.sigma, m, sd,
				nh);
	}
	for (size_t i = 0; !rc && i < p->nf; i++) {
		const char *name = p->f[i]->name;
		double nr = null_rate(p->f[i], p->rows);
		n = 0;
		for (size_t k = 0; k < nh; k++) {
			double r = history_null_rate(h[k], name);
			if (r >= 0)
				v[n++] = r;
		}
		if (n < HISTORY_MIN)
			continue;
		mean_sd(v, n, &m, &sd);
		if (fabs(nr - m) > tol.sigma * sd &&
		    fabs(nr - m) > tol.null_floor)
			anomaly("nullRateHistory", name, m, nr, tol.sigma,
				"field '%s': null rate %.4g outside %g sigma "
				"of history (mean %.4g, sd %.4g, %zu runs)",
				name, nr, tol.sigma, m, sd, n);
	}
	for (size_t i = 0; i < nh; i++)
		cJSON_Delete(h[i]);
	free(h);
	free(v);
	free(s);
	return rc;
}

static double
now_seconds(void)
{
	/* DQ_TODAY (YYYY-MM-DD, for tests) fixes "now" at its midnight. */
	if (getenv("DQ_TODAY"))
		return (double)dq_date_today_days() * 86400.0;
	return (double)time(NULL);
}

static void
drift_freshness(struct profile *p)
{
	double now = now_seconds();
	for (int k = 0; k < O.nfresh; k++) {
		const char *name = O.fresh_field[k];
		struct field *f = NULL;
		for (size_t i = 0; i < p->nf && !f; i++)
			if (!strcmp(p->f[i]->name, name))
				f = p->f[i];
		if (!f || !f->has_tmax) {
			anomaly("stale", name, NAN, NAN, O.fresh_age[k],
				"field '%s': no dates", name);
			continue;
		}
		if (now - f->tmax > O.fresh_age[k])
			anomaly("stale", name, NAN, f->tmax, O.fresh_age[k],
				"field '%s': newest %.0f s old, more than "
				"%.0f s", name, now - f->tmax, O.fresh_age[k]);
	}
}

static int
drift_wanted(void)
{
	return O.baseline || O.history || O.nfresh;
}

/* Tolerances and freshness from the contract's profile section. */
static int
load_drift(const struct dq_contract *c)
{
	static const struct {
		const char *key;
		double *v;
	} keys[] = {
		{ "null_ratio", &tol.null_ratio },
		{ "null_floor", &tol.null_floor },
		{ "psi", &tol.psi },
		{ "mean_shift", &tol.mean_shift },
		{ "row_tolerance", &tol.rows },
		{ "sigma", &tol.sigma },
	};
	const cJSON *p = dq_contract_get(c, "profile"), *x;
	if (!p)
		return 0;
	for (size_t i = 0; i < sizeof(keys) / sizeof(*keys); i++) {
		const cJSON *v = cJSON_GetObjectItemCaseSensitive(p,
								  keys[i].key);
		if (!v)
			continue;
		if (!cJSON_IsNumber(v) || !(v->valuedouble >= 0)) {
			fprintf(stderr, "%s: contract: profile.%s: not a "
				"number >= 0\n", dq_progname, keys[i].key);
			return -1;
		}
		*keys[i].v = v->valuedouble;
	}
	cJSON_ArrayForEach(x, cJSON_GetObjectItemCaseSensitive(p,
							       "freshness")) {
		char arg[512];
		if (!cJSON_IsString(x)) {
			fprintf(stderr, "%s: contract: profile.freshness.%s: "
				"not a string like \"12h\"\n", dq_progname,
				x->string);
			return -1;
		}
		snprintf(arg, sizeof(arg), "%s=%s", x->string, x->valuestring);
		if (freshness_opt(arg))
			return -1;
	}
	return 0;
}

static cJSON *
load_baseline(const char *path)
{
	size_t len;
	const char *end;
	char *s = dq_read_file(path, &len);
	cJSON *doc;
	if (!s)
		return NULL;
	doc = cJSON_ParseWithOpts(s, &end, 1);
	free(s);
	if (!cJSON_IsObject(doc) ||
	    !cJSON_IsObject(cJSON_GetObjectItemCaseSensitive(doc,
						"statisticalSummary")) ||
	    !cJSON_IsNumber(cJSON_GetObjectItemCaseSensitive(doc, "rows"))) {
		fprintf(stderr, "%s: %s: not a dq-profile document\n",
			dq_progname, path);
		cJSON_Delete(doc);
		return NULL;
	}
	return doc;
}

/* ---- a suggested contract ------------------------------------------- */

/* A POSIX ERE for one shape: runs of A, a, 9 become classes with counts,
 * other bytes are escaped. */
static void
shape_regex(const char *sh, struct dq_buf *b)
{
	for (const char *s = sh; *s;) {
		const char *cls = NULL;
		size_t n = 1;
		if (*s == 'A' || *s == 'a' || *s == '9') {
			cls = *s == 'A' ? "[A-Z]" : *s == 'a' ? "[a-z]" :
							 "[0-9]";
			while (s[n] == *s)
				n++;
			dq_buf_addstr(b, cls);
			if (n > 1)
				dq_buf_addf(b, "{%zu}", n);
		} else {
			if (strchr(".[]()*+?{}|^$\\", *s))
				dq_buf_addch(b, '\\');
			dq_buf_addch(b, *s);
		}
		s += n;
	}
}

static void
suggest_field(cJSON *fields, struct field *f, uint64_t rows)
{
	cJSON *o = cJSON_AddObjectToObject(fields, f->name);
	uint64_t v = valid_count(f), nint = f->kinds[K_INT];
	uint64_t nnum = nint + f->kinds[K_DEC];
	const struct dq_topk_item *it;
	size_t n;
	const char *type = NULL;
	int strings = v && f->kinds[K_STRING] == v;

	if (!v)
		return;
	if (strings) {
		type = f->types[T_EMAIL] == v	     ? "email" :
		       f->iso[0] == v		     ? "date" :
		       f->iso[0] + f->iso[1] == v ? "datetime" :
		       f->iso[2] == v		     ? "phone" : "string";
	} else if (nnum == v) {
		type = f->kinds[K_DEC] ? "number" : "integer";
	} else if (f->kinds[K_BOOL] == v) {
		type = "boolean";
	} else if (f->types[T_OBJECT] == v) {
		type = "object";
	} else if (f->types[T_ARRAY] == v) {
		type = "array";
	}
	if (type)
		cJSON_AddStringToObject(o, "type", type);
	if (rows && f->present == rows && !f->nulls && !f->empty)
		cJSON_AddBoolToObject(o, "required", 1);
	/* Exact numeric bounds only where a double holds the values. */
	if (nnum == v && f->num.n == v && fabs(f->num.min) < 9007199254740992.0
	    && fabs(f->num.max) < 9007199254740992.0) {
		cJSON_AddNumberToObject(o, "min", f->num.min);
		cJSON_AddNumberToObject(o, "max", f->num.max);
	}
	if (type && !strcmp(type, "date") && f->dmin) {
		char d[11];
		snprintf(d, sizeof(d), "%s", f->dmin);
		cJSON_AddStringToObject(o, "min", d);
		snprintf(d, sizeof(d), "%s", f->dmax);
		cJSON_AddStringToObject(o, "max", d);
	}
	n = dq_topk_sorted(&f->top, &it);
	/* A small closed set: few values, each seen twice on average. */
	if (strings && dq_topk_exact(&f->top) && n <= 12 && v >= 2 * n &&
	    strcmp(type, "date") && strcmp(type, "datetime")) {
		cJSON *e = cJSON_AddArrayToObject(o, "enum");
		for (size_t i = 0; i < n; i++)
			cJSON_AddItemToArray(e, cJSON_Parse(it[i].val));
		return;
	}
	if (dq_hll_exact(&f->hll) && v >= 2 &&
	    count_estimate(&f->hll) == (double)v && (strings || nnum == v))
		cJSON_AddBoolToObject(o, "unique", 1);
	/* A pattern when at most three exact shapes cover every string. */
	n = dq_topk_sorted(&f->shapes, &it);
	if (strings && (!strcmp(type, "string") || !strcmp(type, "phone")) &&
	    dq_topk_exact(&f->shapes) && n && n <= 3 && f->shapes.total == v) {
		struct dq_buf b = DQ_BUF_INIT;
		for (size_t i = 0; i < n; i++)
			if (strpbrk(it[i].val, "~*")) {
				dq_buf_release(&b);
				return;
			}
		dq_buf_addstr(&b, n > 1 ? "^(" : "^");
		for (size_t i = 0; i < n; i++) {
			if (i)
				dq_buf_addch(&b, '|');
			shape_regex(it[i].val, &b);
		}
		dq_buf_addstr(&b, n > 1 ? ")$" : "$");
		cJSON_AddStringToObject(o, "pattern", b.buf);
		dq_buf_release(&b);
	}
}

static cJSON *
suggest(struct profile *p)
{
	cJSON *c = cJSON_CreateObject(), *fields;
	char d[96];
	snprintf(d, sizeof(d), "suggested by dq-profile from %llu rows",
		 (unsigned long long)p->rows);
	cJSON_AddStringToObject(c, "description", d);
	fields = cJSON_AddObjectToObject(c, "fields");
	for (size_t i = 0; i < p->nf; i++)
		suggest_field(fields, p->f[i], p->rows);
	return c;
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
	dq_buf_addf(b, "rows %llu  fields %zu  rejected %llu  duplicate rows "
		    "%s%.0f\n", (unsigned long long)p->rows, p->nf,
		    (unsigned long long)p->rejected,
		    dq_dupsketch_exact(&p->dups) ? "" : "~",
		    floor(dq_dupsketch_count(&p->dups) + 0.5));
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
	if (anomalies) {
		const cJSON *a;
		dq_buf_addf(b, "anomalies %d\n", cJSON_GetArraySize(anomalies));
		cJSON_ArrayForEach(a, anomalies) {
			const cJSON *k = cJSON_GetObjectItemCaseSensitive(a,
									  "kind");
			const cJSON *m = cJSON_GetObjectItemCaseSensitive(a,
								"message");
			dq_buf_addf(b, "  %s: %s\n", cJSON_GetStringValue(k),
				    cJSON_GetStringValue(m));
		}
	}
}

/* ---- several processes over one file -------------------------------- */

/*
 * Why processes: the partial state and --merge already combine profiles
 * exactly, so a worker is this same program over a byte range of the
 * file that hands its partial state to the first process through a pipe.
 * No shared memory, no locks, and the merge is the code --merge tests.
 */

#define PAR_MIN_BYTES (16u << 20)

/* Offset just past the first "\n" at or after off (size if none). */
static uint64_t
line_start_after(int fd, uint64_t off, uint64_t size)
{
	char b[65536];
	while (off < size) {
		ssize_t r = pread(fd, b, sizeof(b), (off_t)off);
		if (r <= 0)
			return size;
		char *nl = memchr(b, '\n', (size_t)r);
		if (nl)
			return off + (uint64_t)(nl - b) + 1;
		off += (uint64_t)r;
	}
	return size;
}

/* Lines ("\n") in the first n bytes of fd. */
static long
count_lines(int fd, uint64_t n)
{
	char *b = dq_xmalloc(1 << 20);
	uint64_t off = 0;
	long lines = 0;
	while (off < n) {
		size_t want = n - off < (1 << 20) ? (size_t)(n - off) : 1 << 20;
		ssize_t r = pread(fd, b, want, (off_t)off);
		if (r <= 0)
			break;
		for (char *p = b, *e = b + r;
		     (p = memchr(p, '\n', (size_t)(e - p))); p++)
			lines++;
		off += (uint64_t)r;
	}
	free(b);
	return lines;
}

/* 1 if the file's first non-blank byte starts a JSON object or array. */
static int
starts_ndjson(int fd)
{
	unsigned char b[4096];
	ssize_t r = pread(fd, b, sizeof(b), 0);
	ssize_t i = r >= 3 && !memcmp(b, "\xEF\xBB\xBF", 3) ? 3 : 0;
	for (; i < r; i++)
		if (!strchr(" \t\r\n", b[i]))
			return b[i] == '{' || b[i] == '[';
	return 0;
}

static void
profile_range(struct dq_run *run, struct profile *p)
{
	struct dq_record rec;
	dq_record_init(&rec);
	while (dq_run_next(run, &rec) > 0)
		profile_record(p, &rec);
	batch_flush(p);
	dq_record_release(&rec);
	p->rejected = run->n_rejected;
}

/* Worker: profile [start, stop), write "in blank bytes\n" and the
 * partial state to fd, exit. */
static void
worker(struct dq_run *run, struct profile *p, int fd)
{
	cJSON *doc;
	char *s;
	struct dq_buf b = DQ_BUF_INIT;
	size_t off = 0;

	profile_range(run, p);
	doc = profile_save(p);
	s = cJSON_PrintUnformatted(doc);
	if (!s)
		_exit(2);
	dq_buf_addf(&b, "%llu %llu %llu\n", (unsigned long long)run->n_in,
		    (unsigned long long)run->in.blank,
		    (unsigned long long)run->in.bytes);
	dq_buf_addstr(&b, s);
	while (off < b.len) {
		ssize_t w = write(fd, b.buf + off, b.len - off);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			_exit(2);
		off += (size_t)w;
	}
	_exit(0);
}

/* Read a worker's output and merge it into p: 0 or -1. */
static int
collect(struct dq_run *run, struct profile *p, int fd)
{
	struct dq_buf b = DQ_BUF_INIT;
	char tmp[65536], *nl;
	unsigned long long in, blank, bytes;
	cJSON *doc;
	struct profile part;
	int rc = -1;
	ssize_t r;

	while ((r = read(fd, tmp, sizeof(tmp))) != 0) {
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			break;
		dq_buf_add(&b, tmp, (size_t)r);
	}
	nl = b.len ? memchr(b.buf, '\n', b.len) : NULL;
	if (!nl || sscanf(b.buf, "%llu %llu %llu", &in, &blank, &bytes) != 3) {
		dq_buf_release(&b);
		return -1;
	}
	doc = cJSON_Parse(nl + 1);
	profile_init(&part);
	if (doc && !profile_load(&part, doc)) {
		profile_merge(p, &part);
		run->n_in += in;
		run->n_rejected += part.rejected;
		run->in.blank += blank;
		run->in.bytes += bytes;
		rc = 0;
	}
	profile_release(&part);
	cJSON_Delete(doc);
	dq_buf_release(&b);
	return rc;
}

/* Profile the one input file with up to jobs processes: 1 done (p holds
 * the profile), 0 not applicable (read it the usual way), -1 trouble. */
static long long
default_jobs(void)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);
	return n < 1 ? 1 : n > 4 ? 4 : n;
}

static int
profile_parallel(struct dq_run *run, struct profile *p, long long jobs,
		 int forced)
{
	struct stat st;
	uint64_t cut[17];
	pid_t pid[16];
	int pfd[16], n = 0, fd, rc = 1;

	if (jobs < 2 || run->in.nfiles != 1 || !strcmp(run->in.files[0], "-")
	    || run->rejects_path || run->in.format == DQ_FMT_CSV)
		return 0;
	fd = open(run->in.files[0], O_RDONLY);
	if (fd < 0)
		return 0;
	if (fstat(fd, &st) || !S_ISREG(st.st_mode) || !starts_ndjson(fd) ||
	    (!forced && (uint64_t)st.st_size < PAR_MIN_BYTES)) {
		close(fd);
		return 0;
	}
	/* Cut at line starts near equal shares; empty shares are dropped. */
	cut[0] = 0;
	for (long long k = 1; k < jobs; k++) {
		uint64_t c = line_start_after(fd, (uint64_t)st.st_size *
					      (uint64_t)k / (uint64_t)jobs - 1,
					      (uint64_t)st.st_size);
		if (c > cut[n] && c < (uint64_t)st.st_size)
			cut[++n] = c;
	}
	cut[++n] = (uint64_t)st.st_size;
	/* n ranges: this process takes the first. */
	fflush(NULL);
	for (int k = 1; k < n; k++) {
		int pp[2];
		if (pipe(pp))
			dq_die("pipe: %s", strerror(errno));
		pid[k] = fork();
		if (pid[k] < 0)
			dq_die("fork: %s", strerror(errno));
		if (pid[k] == 0) {
			close(pp[0]);
			for (int j = 1; j < k; j++)
				close(pfd[j]);
			run->progress = 0;
			run->in.start = cut[k];
			run->in.stop = cut[k + 1];
			run->in.start_line = count_lines(fd, cut[k]);
			close(fd);
			worker(run, p, pp[1]);
		}
		close(pp[1]);
		pfd[k] = pp[0];
	}
	close(fd);
	run->in.start = 0;
	run->in.stop = cut[1];
	profile_range(run, p);
	for (int k = 1; k < n; k++) {
		int status;
		if (collect(run, p, pfd[k]))
			rc = -1;
		close(pfd[k]);
		while (waitpid(pid[k], &status, 0) < 0 && errno == EINTR)
			;
		if (!WIFEXITED(status) || WEXITSTATUS(status))
			rc = -1;
	}
	p->rejected = run->n_rejected;
	return rc;
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
	static struct profile prof;
	cJSON *doc, *extra, *base = NULL, *rates;
	char *s;
	int gate = 0;

	dq_run_init(&run, &tool, argc, argv);
	if (load_caps(&run.contract) || load_drift(&run.contract))
		return 2;
	if (O.baseline && !(base = load_baseline(O.baseline)))
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
		int rc = profile_parallel(&run, &prof, O.jobs ? O.jobs :
					  default_jobs(), O.jobs != 0);
		if (rc < 0) {
			fprintf(stderr, "%s: a worker process failed\n",
				dq_progname);
			return 2;
		}
		if (rc == 0)
			profile_range(&run, &prof);
	}

	if (drift_wanted() && !O.partial) {
		anomalies = cJSON_CreateArray();
		if (base)
			drift_baseline(&prof, base);
		if (O.history && drift_history(&prof, O.history))
			return 2;
		drift_freshness(&prof);
		gate = O.fail_on_drift && cJSON_GetArraySize(anomalies) > 0;
	}
	cJSON_Delete(base);

	if (O.suggest && !O.partial) {
		doc = suggest(&prof);
		s = cJSON_Print(doc);
		if (!s)
			dq_die("out of memory");
		dq_buf_addstr(&run.out.b, s);
		dq_buf_addch(&run.out.b, '\n');
		cJSON_free(s);
		cJSON_Delete(doc);
	} else if (O.text && !O.partial) {
		profile_text(&prof, &run.out.b);
	} else {
		doc = O.partial ? profile_save(&prof) :
				  profile_document(&prof);
		if (anomalies)
			cJSON_AddItemToObject(doc, "anomalies",
					      cJSON_Duplicate(anomalies, 1));
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
	rates = cJSON_AddObjectToObject(extra, "nullRates");
	for (size_t i = 0; i < prof.nf; i++)
		cJSON_AddNumberToObject(rates, prof.f[i]->name,
					r12(null_rate(prof.f[i], prof.rows)));
	if (anomalies)
		cJSON_AddItemToObject(extra, "anomalies", anomalies);
	profile_release(&prof);
	dq_buf_release(&text);
	dq_buf_release(&iso);
	dq_buf_release(&num);
	for (int k = 0; k < O.nfresh; k++)
		free(O.fresh_field[k]);
	return dq_run_finish(&run, extra, gate);
}
