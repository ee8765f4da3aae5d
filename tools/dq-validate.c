/*
 * dq-validate - check records against the contract's rules, route the bad
 * ones, score the stream and answer as a gate.
 *
 * The contract's "fields" and "rules" sections (and the quick flags) are
 * compiled into one flat list of checks; a check is one rule applied to
 * one field (or one compound key), which is also the unit of the score.
 * Each record is read once.  One pass over its members matches them to
 * the fields the rules read (a hash table from name to slot); every
 * per-record check runs on the raw value bytes the scanner found, and a
 * value is decoded (unescaped, converted to a number with Clinger's fast
 * path, parsed as an ISO date) only when a check needs it, once per
 * record whatever the number of checks on the field.  Violation text is
 * made when the rules are loaded, so a failure costs a few copies.
 * Uniqueness checks are decided after the record's other checks, with
 * the key set's slot prefetched, so that the cache miss of a set of
 * millions of keys overlaps that work.  The record leaves unchanged when
 * nothing failed, or with "_dq.violations" appended (in check order), on
 * stdout or in the quarantine.
 *
 * Uniqueness and reference checks keep an exact set of XXH3-128 hashes
 * (lib/base/keyset.h: 21-43 bytes per distinct key).  Set-level rules (null,
 * invalid and duplicate rates, row count) keep counters.  Grouped rules
 * keep, per group, two counters (rates, counts) or one entry per record
 * of the group (runs, which must be sorted by their order field at the
 * end).  Everything else is per record, so memory is bounded by the
 * longest line.
 *
 * The score is DESIGN.md's: 100 minus, per category, its weight times
 * (failed checks / checks); a check fails when its failure rate (failures
 * over the records it applied to) exceeds its tolerance.  See
 * docs/validate.md.
 */
#include <errno.h>
#include <math.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define XXH_INLINE_ALL
#include <xxhash.h>

#include "norm/date.h"
#include "base/ere.h"
#include "base/keyset.h"
#include "cli/run.h"
#include "contract/types.h"
#include "norm/value.h"
#include "stream/sidefile.h"

static const char synopsis[] =
	"usage: dq-validate [-c CONTRACT]... [OPTIONS] [FILE...]\n"
	"\n"
	"Check NDJSON or CSV records against the contract's 'fields' and\n"
	"'rules' sections (or the quick flags), append _dq.violations to the\n"
	"records that break a rule, score the stream 0-100 and exit 1 when a\n"
	"gate fails.\n";

static const char help[] =
	"\n"
	"Quick rules (repeatable; codes REQ:F, TYPE:F, ENUM:F, ...):\n"
	"      --require F       F is present, not null, not blank, [] or {}\n"
	"      --require-any F,G at least one of F, G is present\n"
	"      --unique F[,G]    F (or the compound key F,G) is unique\n"
	"      --type F=TYPE     string, integer, number, boolean, date,\n"
	"                        datetime, email, phone, us_state, zip, enum,\n"
	"                        object, array\n"
	"      --enum F=a,b      F is one of a, b (case-sensitive)\n"
	"      --range F=MIN..MAX  numbers, ISO dates, today[+-Nd|w|m|y],\n"
	"                        year[+-N]; either side may be empty\n"
	"      --pattern F=RE    F matches the POSIX extended regular\n"
	"                        expression RE (unanchored: use ^...$)\n"
	"\n"
	"Routing and gate:\n"
	"      --quarantine FILE records with a violation at or above\n"
	"                        --quarantine-on go there instead of stdout\n"
	"      --quarantine-on SEV  error (default), warn or info\n"
	"      --violations FILE one NDJSON line per violation\n"
	"      --mode MODE       enforce (default) or warn: report only;\n"
	"                        nothing is quarantined, rules fail no gate\n"
	"      --fail-on SEV     exit 1 when a check of this severity or\n"
	"                        above fails: error (default), warn, info, none\n"
	"      --pass-mark N     exit 1 when the score is below N (default 80,\n"
	"                        or score.pass_mark)\n"
	"      --examples N      examples kept per rule in the summary\n"
	"                        (default 10)\n"
	"      --max-keys N      distinct keys a uniqueness rule may hold\n"
	"                        (default 50000000; about 43 bytes each)\n"
	"\n"
	"Chunks of one stream (dq-parallel validate):\n"
	"      --partial         check a chunk: the summary (--summary) keeps\n"
	"                        the tallies for --merge; set-level rules are\n"
	"                        not decided and no gate is applied.  Unique,\n"
	"                        duplicate_rate and grouped rules need the\n"
	"                        whole stream and are refused\n"
	"      --merge           the operands are --partial summaries of the\n"
	"                        chunks of one stream, in order: write the\n"
	"                        summary a single run would have written,\n"
	"                        decide the set-level rules (their lines go\n"
	"                        to --violations) and exit as its gate\n";

enum check {
	C_REQUIRED,
	C_ANY_OF,
	C_TYPE,
	C_FORMAT,
	C_PATTERN,
	C_ENUM,
	C_RANGE,
	C_LENGTH,
	C_ORDER,
	C_UNIQUE,
	C_REFERENCE,
	C_NULL_RATE,
	C_INVALID_RATE,
	C_DUP_RATE,
	C_ROW_COUNT,
	C_GROUP_RATE,
	C_GROUP_COUNT,
	C_GROUP_RUN,
	NCHECK
};

static const char *const check_names[NCHECK] = {
	"required", "any_of",	    "type",	      "format",
	"pattern",  "enum",	    "range",	      "length",
	"order",    "unique",	    "reference",      "null_rate",
	"invalid_rate", "duplicate_rate", "row_count", "group_rate",
	"group_count",	"group_run"
};

static const char *const check_prefix[NCHECK] = {
	"REQ",	 "REQ",	 "TYPE",    "FMT",  "PAT",  "ENUM",
	"RANGE", "LEN",	 "ORDER",   "UNIQ", "REF",  "NULL",
	"INVALID", "DUP", "ROWS",   "GROUP", "GROUP", "RUN"
};

enum cat { CAT_SCHEMA, CAT_FORMAT, CAT_COMPLETENESS, CAT_BOUNDS,
	   CAT_UNIQUENESS, NCAT };

static const char *const cat_names[NCAT] = { "schema", "format",
					     "completeness", "bounds",
					     "uniqueness" };
static const char *const metric_names[NCAT] = {
	"schemaValidation", "formatParsing", "completeness", "boundsRange",
	"uniqueness"
};

static const enum cat check_cat[NCHECK] = {
	CAT_COMPLETENESS, CAT_COMPLETENESS, CAT_SCHEMA,	    CAT_FORMAT,
	CAT_FORMAT,	  CAT_BOUNDS,	    CAT_BOUNDS,	    CAT_BOUNDS,
	CAT_BOUNDS,	  CAT_UNIQUENESS,   CAT_BOUNDS,	    CAT_COMPLETENESS,
	CAT_FORMAT,	  CAT_UNIQUENESS,   CAT_COMPLETENESS, CAT_BOUNDS,
	CAT_BOUNDS,	  CAT_BOUNDS
};

enum sev { SEV_INFO, SEV_WARN, SEV_ERROR, SEV_NONE };
static const char *const sev_names[] = { "info", "warn", "error", "none" };

enum vtype {
	T_STRING,
	T_INTEGER,
	T_NUMBER,
	T_BOOLEAN,
	T_DATE,
	T_DATETIME,
	T_EMAIL,
	T_PHONE,
	T_US_STATE,
	T_ZIP,
	T_ENUM,
	T_OBJECT,
	T_ARRAY,
	NTYPE
};

static const char *const type_names[NTYPE] = {
	"string", "integer", "number",	 "boolean", "date",   "datetime", "email",
	"phone",  "us_state", "zip",	 "enum",    "object", "array"
};

enum { COND_EQ, COND_NE, COND_IN, COND_PRESENT, COND_ABSENT };

struct cond {
	int slot;
	int op;
	cJSON *vals; /* owned: the value (EQ, NE) or the list (IN) */
};

struct enumv {
	int json; /* DQ_JSON_STRING, _NUMBER, _TRUE, _FALSE */
	char *s;
	size_t n;
	double d;
};

struct example {
	long line;
	char *id;    /* raw JSON */
	char *value; /* raw JSON, NULL when too long */
};

struct runent {
	double num;
	char *s; /* order value text, NULL for a number */
	size_t slen;
	uint64_t seq;
	int hit;
};

struct group {
	char *key; /* the key bytes */
	size_t keylen;
	char *label; /* JSON array of the group values */
	uint64_t total, hits;
	struct runent *ents;
	size_t n, cap;
};

/* Which of a rule's messages a failure uses: the main one; for type
 * checks the JSON type found (0-6); for format checks MSG_UNPARSED too;
 * for range and length checks MSG_MIN or MSG_MAX. */
enum msg { MSG_MAIN = 0, MSG_MIN = 0, MSG_MAX = 1, MSG_UNPARSED = 1,
	   NMSG = 7 };

struct rule {
	char *code;
	enum check kind;
	enum cat cat;
	enum sev sev;
	char *hint;
	char *message;
	double tolerance;
	char *label; /* the field, "a,b" or "a|b", for output */
	int *slots;
	size_t nslots;
	int has_if;
	struct cond cond;

	enum vtype type; /* type, format */
	regex_t re;
	int has_re;
	struct dq_ere *ere; /* the same pattern, matched faster; or NULL */
	char *pattern;
	struct enumv *ev;
	size_t nev;
	int enum_ci;
	uint32_t *etab; /* string values by hash: index in ev + 1, 0 empty */
	size_t emask;
	char *enum_msg;
	int date_bounds, has_min, has_max;
	double min, max; /* numbers, or day counts */
	char *min_msg, *max_msg;
	int allow_equal;
	char *ref_file, *ref_key;
	struct dq_keyset set;
	/* A uniqueness check decided after the record's other checks: its
	 * key's hash, and where in vbuf its violation goes (after dnv
	 * violations). */
	struct dq_keyhash kh;
	size_t dpos;
	int dnv;

	/* Grouped rules. */
	int order_slot;
	struct cond when;
	struct group *groups;
	size_t ngroups;
	size_t *gtab;
	size_t gcap;

	/* Precomputed output text, so that a violation costs copies, not
	 * formatting: a _dq.violations entry up to its value
	 * ({"code":..,"field":..,"severity":..,"message":..,"value":) and
	 * the messages as JSON strings, both indexed by enum msg, and the
	 * JSON of the code, field label and hint for the violations file. */
	char *ventry[NMSG];
	size_t ventrylen[NMSG];
	char *jmsg[NMSG];
	size_t jmsglen[NMSG];
	char *jcode, *jlabel, *jhint;

	/* Tallies. */
	uint64_t checked, failures;
	double measured;
	int has_measured;
	struct example *ex;
	size_t nex;
	int failed;
};

/*
 * A field some rule reads.  Each record's members are matched to slots in
 * one pass (a hash table from name to slot), and a slot caches what its
 * value decodes to -- unescaped text, number, ISO date -- so that several
 * checks on one field decode it once.
 */
enum { SV_TEXT = 1, SV_NUM = 2, SV_ISO = 4 };

struct slot {
	char *name;
	size_t len;
	long mi; /* member index in the current record, or -1 */
	unsigned have; /* SV_* computed for this record */
	const char *txt;
	size_t tlen;
	struct dq_buf ubuf; /* unescaped text of a string with escapes */
	double num;
	int iso; /* iso_parse's result */
	long long days;
	double secs;
	enum dq_cell cell; /* how a CSV cell of the field is typed */
	int cell_from;     /* CELL_* */
};

/* Where a slot's cell type came from: a declared type wins over what the
 * other rules imply (a numeric range, an enum of numbers, a condition
 * comparing with true); implications that disagree leave the text. */
enum { CELL_NONE, CELL_IMPLIED, CELL_DECLARED, CELL_CONFLICT };

static struct {
	struct rule *rules;
	size_t nrules;
	struct slot *slots;
	size_t nslots;
	int *stab; /* open addressing: slot index + 1, 0 empty */
	int has_invalid_rate;
	size_t smask;
	int id_slot;

	double weights[NCAT];
	double pass_mark;
	int pass_mark_set;
	enum sev fail_on, quarantine_on;
	int warn_mode;
	int partial, merge;
	const char *quarantine_path, *violations_path;
	long long examples, max_keys;
	cJSON *quick; /* {"fields": {...}, "rules": {...}} from the flags */
	long long today, year;
} O;

static struct dq_run run;
static struct dq_record rec, dqrec;
static struct dq_out quar, vfile;

/* Per-record scratch. */
static struct dq_buf vbuf = DQ_BUF_INIT,
		     tbuf = DQ_BUF_INIT, kbuf = DQ_BUF_INIT,
		     mbuf = DQ_BUF_INIT, unparsed = DQ_BUF_INIT,
		     idbuf = DQ_BUF_INIT, rowbuf = DQ_BUF_INIT;
static enum sev rec_max;
static int rec_nviol;
static int *rec_vslots;
static size_t rec_nv, rec_vcap;
static struct rule **deferred; /* uniqueness checks to decide */
static size_t ndeferred;
static struct dq_buf dbuf = DQ_BUF_INIT;
static uint64_t n_viol[3], n_records_viol;
static char *jrunid; /* the run id as a JSON string */

/* ---- setup helpers ---- */

static int
slot_get(const char *name)
{
	size_t n = strlen(name);
	for (size_t i = 0; i < O.nslots; i++)
		if (O.slots[i].len == n && !memcmp(O.slots[i].name, name, n))
			return (int)i;
	O.slots = dq_xrealloc(O.slots, (O.nslots + 1) * sizeof(*O.slots));
	struct slot *s = &O.slots[O.nslots];
	memset(s, 0, sizeof(*s));
	s->name = dq_xstrdup(name);
	s->len = n;
	s->mi = -1;
	s->ubuf = (struct dq_buf)DQ_BUF_INIT;
	return (int)O.nslots++;
}

static void
slot_cell(int slot, enum dq_cell c, int declared)
{
	struct slot *s = &O.slots[slot];
	if (s->cell_from == CELL_DECLARED)
		return;
	if (declared) {
		s->cell = c;
		s->cell_from = CELL_DECLARED;
	} else if (s->cell_from == CELL_NONE) {
		s->cell = c;
		s->cell_from = CELL_IMPLIED;
	} else if (s->cell_from == CELL_IMPLIED && s->cell != c) {
		s->cell = DQ_CELL_TEXT;
		s->cell_from = CELL_CONFLICT;
	}
}

/* The cell type a literal (or a list of them) implies: numbers a number,
 * booleans a boolean; -1 for text or a mixture. */
static int
literal_cell(const cJSON *v)
{
	if (cJSON_IsArray(v)) {
		const cJSON *it;
		int c = -1, first = 1;
		cJSON_ArrayForEach(it, v)
		{
			int k = literal_cell(it);
			if (k < 0 || (!first && k != c))
				return -1;
			c = k;
			first = 0;
		}
		return c;
	}
	if (cJSON_IsNumber(v))
		return DQ_CELL_NUMBER;
	if (cJSON_IsBool(v))
		return DQ_CELL_BOOLEAN;
	return -1;
}

static void
slot_cell_literal(int slot, const cJSON *v)
{
	int c = literal_cell(v);
	if (c >= 0)
		slot_cell(slot, (enum dq_cell)c, 0);
}

/* The cell type a declared type means. */
static enum dq_cell
type_cell(enum vtype t)
{
	return t == T_INTEGER || t == T_NUMBER ? DQ_CELL_NUMBER
	       : t == T_BOOLEAN		       ? DQ_CELL_BOOLEAN
						       : DQ_CELL_TEXT;
}

static struct rule *
rule_new(const char *code, enum check kind, const char *label)
{
	O.rules = dq_xrealloc(O.rules, (O.nrules + 1) * sizeof(*O.rules));
	struct rule *r = &O.rules[O.nrules++];
	memset(r, 0, sizeof(*r));
	r->kind = kind;
	r->cat = check_cat[kind];
	r->sev = SEV_ERROR;
	r->order_slot = -1;
	r->label = dq_xstrdup(label);
	if (code) {
		r->code = dq_xstrdup(code);
	} else {
		struct dq_buf b = DQ_BUF_INIT;
		dq_buf_addf(&b, "%s:%s", check_prefix[kind], label);
		r->code = dq_buf_detach(&b, NULL);
	}
	return r;
}

static void
rule_add_slot(struct rule *r, const char *field)
{
	r->slots = dq_xrealloc(r->slots, (r->nslots + 1) * sizeof(int));
	r->slots[r->nslots++] = slot_get(field);
}

static int
parse_sev(const char *s, enum sev *out)
{
	for (int i = 0; i <= SEV_NONE; i++)
		if (!strcmp(s, sev_names[i])) {
			*out = (enum sev)i;
			return 0;
		}
	if (!strcmp(s, "warning")) {
		*out = SEV_WARN;
		return 0;
	}
	return -1;
}

static int
parse_type(const char *s)
{
	for (int i = 0; i < NTYPE; i++)
		if (!strcmp(s, type_names[i]))
			return i;
	if (!strcmp(s, "bool"))
		return T_BOOLEAN;
	if (!strcmp(s, "state"))
		return T_US_STATE;
	return -1;
}

/* Is the type one whose text dq-normalize parses (so a FORMAT check
 * exists for it)? */
static int
type_parsed(enum vtype t)
{
	return t != T_STRING && t != T_ENUM && t != T_OBJECT && t != T_ARRAY;
}

/* ---- dates ---- */

static int
digits(const char *s, int n, int *v)
{
	*v = 0;
	for (int i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		*v = *v * 10 + (s[i] - '0');
	}
	return 0;
}

/*
 * Parse an ISO 8601 calendar date "YYYY-MM-DD", optionally followed by
 * "THH:MM", ":SS", ".fraction" and "Z" or "+HH:MM" (RFC 3339's profile,
 * with seconds and zone optional).  Sets *days (since 1970-01-01) and
 * *secs (seconds since that midnight, minus the zone offset: may leave
 * [0, 86400)).  Returns 0 for a date, 1 for a date-time, -1 otherwise.
 */
static int
iso_parse(const char *s, size_t n, long long *days, double *secs)
{
	int y, mo, d, h, mi, sec = 0;
	if (n < 10 || digits(s, 4, &y) || s[4] != '-' || digits(s + 5, 2, &mo) ||
	    s[7] != '-' || digits(s + 8, 2, &d) || !dq_date_valid(y, mo, d))
		return -1;
	*days = dq_date_days(y, mo, d);
	*secs = 0;
	if (n == 10)
		return 0;
	const char *p = s + 10, *e = s + n;
	if (e - p < 6 || *p != 'T' || digits(p + 1, 2, &h) || p[3] != ':' ||
	    digits(p + 4, 2, &mi) || h > 23 || mi > 59)
		return -1;
	p += 6;
	double frac = 0;
	if (p < e && *p == ':') {
		if (e - p < 3 || digits(p + 1, 2, &sec) || sec > 60)
			return -1;
		p += 3;
		if (p < e && *p == '.') {
			double scale = 0.1;
			p++;
			if (p == e || *p < '0' || *p > '9')
				return -1;
			while (p < e && *p >= '0' && *p <= '9') {
				frac += (*p - '0') * scale;
				scale /= 10;
				p++;
			}
		}
	}
	int off = 0;
	if (p < e && *p == 'Z') {
		p++;
	} else if (p < e && (*p == '+' || *p == '-')) {
		int oh, om;
		if (e - p < 6 || digits(p + 1, 2, &oh) || p[3] != ':' ||
		    digits(p + 4, 2, &om) || oh > 23 || om > 59)
			return -1;
		off = (oh * 60 + om) * (*p == '-' ? -1 : 1);
		p += 6;
	}
	if (p != e)
		return -1;
	*secs = h * 3600 + mi * 60 + sec + frac - off * 60;
	return 1;
}

static void
add_months(long long days, long long nmonths, long long *out)
{
	int y, m, d;
	dq_date_from_days(days, &y, &m, &d);
	long long mm = (long long)y * 12 + (m - 1) + nmonths;
	y = (int)(mm >= 0 ? mm / 12 : -((-mm + 11) / 12));
	m = (int)(mm - (long long)y * 12) + 1;
	while (d > 28 && !dq_date_valid(y, m, d))
		d--;
	*out = dq_date_days(y, m, d);
}

/*
 * A bound from the contract: a number, an ISO date, "today" with an
 * optional "+Nd", "-Nw", "+Nm", "-Ny", or "year" with an optional "+N"
 * (a number, or for date fields January 1 / December 31 of that year).
 * Sets *is_date and *v (a number or a day count) and the text for
 * messages.  -1 with a message on error.
 */
static int
parse_bound(const cJSON *b, int is_max, int date_field, int *is_date,
	    double *v, struct dq_buf *text, const char *where)
{
	long long d;
	double secs;

	dq_buf_reset(text);
	if (cJSON_IsNumber(b)) {
		*is_date = 0;
		*v = b->valuedouble;
		char *p = cJSON_PrintUnformatted(b);
		dq_buf_addstr(text, p);
		cJSON_free(p);
		return 0;
	}
	if (!cJSON_IsString(b))
		return dq_error("%s: a bound is a number or a string", where);
	const char *s = b->valuestring;
	size_t n = strlen(s);
	dq_buf_addstr(text, s);
	if (!strncmp(s, "today", 5)) {
		long long num = 0;
		char unit = 'd';
		const char *p = s + 5;
		if (*p) {
			char *end;
			if (*p != '+' && *p != '-')
				goto bad;
			errno = 0;
			num = strtoll(p, &end, 10);
			if (errno || end == p + 1 || llabs(num) > 100000)
				goto bad;
			unit = *end;
			if (!unit || end[1])
				goto bad;
		}
		switch (unit) {
		case 'd': d = O.today + num; break;
		case 'w': d = O.today + 7 * num; break;
		case 'm': add_months(O.today, num, &d); break;
		case 'y': add_months(O.today, 12 * num, &d); break;
		default: goto bad;
		}
		*is_date = 1;
		*v = (double)d;
	} else if (!strncmp(s, "year", 4)) {
		long long num = 0;
		if (s[4]) {
			char *end;
			if (s[4] != '+' && s[4] != '-')
				goto bad;
			errno = 0;
			num = strtoll(s + 4, &end, 10);
			if (errno || *end || end == s + 5 || llabs(num) > 5000)
				goto bad;
		}
		long long y = O.year + num;
		if (!date_field) {
			*is_date = 0;
			*v = (double)y;
			dq_buf_addf(text, " (%lld)", y);
			return 0;
		}
		if (y < 1 || y > 9999)
			goto bad;
		*is_date = 1;
		*v = (double)(is_max ? dq_date_days((int)y, 12, 31)
				     : dq_date_days((int)y, 1, 1));
	} else if (iso_parse(s, n, &d, &secs) == 0) {
		*is_date = 1;
		*v = (double)d;
		return 0;
	} else {
		goto bad;
	}
	int y, m, dd;
	dq_date_from_days((long long)*v, &y, &m, &dd);
	dq_buf_addf(text, " (%04d-%02d-%02d)", y, m, dd);
	return 0;
bad:
	return dq_error("%s: bad bound \"%s\" (expected a number, an ISO "
			"date, today[+-N(d|w|m|y)] or year[+-N])",
			where, s);
}

/* ---- loading rules ---- */

static int
load_cond(const cJSON *c, struct cond *out, const char *where)
{
	const cJSON *f = cJSON_GetObjectItemCaseSensitive(c, "field");
	const cJSON *it;
	int nops = 0;

	if (!cJSON_IsString(f))
		return dq_error("%s: a condition needs \"field\"", where);
	out->slot = slot_get(f->valuestring);
	cJSON_ArrayForEach(it, c)
	{
		if (!strcmp(it->string, "field"))
			continue;
		nops++;
		if (!strcmp(it->string, "equals"))
			out->op = COND_EQ;
		else if (!strcmp(it->string, "not_equals"))
			out->op = COND_NE;
		else if (!strcmp(it->string, "in")) {
			if (!cJSON_IsArray(it))
				return dq_error("%s: \"in\" takes a list",
						where);
			out->op = COND_IN;
		} else if (!strcmp(it->string, "present") ||
			   !strcmp(it->string, "absent")) {
			if (!cJSON_IsBool(it))
				return dq_error("%s: \"%s\" takes true or "
						"false",
						where, it->string);
			int present = !strcmp(it->string, "present") ==
				      !!cJSON_IsTrue(it);
			out->op = present ? COND_PRESENT : COND_ABSENT;
			continue;
		}
		out->vals = cJSON_Duplicate(it, 1);
		slot_cell_literal(out->slot, it);
	}
	if (nops != 1)
		return dq_error("%s: a condition has exactly one of equals, "
				"not_equals, in, present, absent",
				where);
	return 0;
}

/* Hash of an enum string, ASCII case folded when the enum ignores case
 * (the same folding as strncasecmp in the C locale). */
static uint64_t
enum_hash(const struct rule *r, const char *s, size_t n)
{
	char low[64];
	if (!r->enum_ci)
		return XXH3_64bits(s, n);
	XXH3_state_t st;
	XXH3_64bits_reset(&st);
	for (size_t i = 0; i < n;) {
		size_t k = 0;
		for (; k < sizeof(low) && i < n; k++, i++)
			low[k] = s[i] >= 'A' && s[i] <= 'Z' ? s[i] + 32 : s[i];
		XXH3_64bits_update(&st, low, k);
	}
	return XXH3_64bits_digest(&st);
}

/* The string values of an enum in a hash table, so that a check costs
 * one probe rather than a comparison per value. */
static void
enum_table(struct rule *r)
{
	size_t cap = 16;
	while (cap < 4 * r->nev)
		cap *= 2;
	r->etab = dq_xcalloc(cap, sizeof(uint32_t));
	r->emask = cap - 1;
	for (size_t k = 0; k < r->nev; k++) {
		if (r->ev[k].json != DQ_JSON_STRING)
			continue;
		size_t h = enum_hash(r, r->ev[k].s, r->ev[k].n) & r->emask;
		while (r->etab[h])
			h = (h + 1) & r->emask;
		r->etab[h] = (uint32_t)k + 1;
	}
}

/* Is the text one of the enum's strings? */
static int
enum_has(const struct rule *r, const char *s, size_t n)
{
	size_t h = enum_hash(r, s, n) & r->emask;
	for (uint32_t j; (j = r->etab[h]); h = (h + 1) & r->emask) {
		const struct enumv *e = &r->ev[j - 1];
		if (e->n == n && !(r->enum_ci ? strncasecmp(e->s, s, n)
					      : memcmp(e->s, s, n)))
			return 1;
	}
	return 0;
}

static int
load_enum(struct rule *r, const cJSON *vals, const cJSON *ci,
	  const char *where)
{
	const cJSON *v;
	struct dq_buf b = DQ_BUF_INIT;

	if (!cJSON_IsArray(vals) || !cJSON_GetArraySize(vals))
		return dq_error("%s: enum values must be a non-empty list",
				where);
	if (ci) {
		if (!cJSON_IsString(ci) ||
		    (strcmp(ci->valuestring, "sensitive") &&
		     strcmp(ci->valuestring, "insensitive")))
			return dq_error("%s: case is \"sensitive\" or "
					"\"insensitive\"",
					where);
		r->enum_ci = !strcmp(ci->valuestring, "insensitive");
	}
	dq_buf_addstr(&b, "not one of the allowed values (");
	cJSON_ArrayForEach(v, vals)
	{
		struct enumv e = { 0 };
		if (cJSON_IsString(v)) {
			e.json = DQ_JSON_STRING;
			e.s = dq_xstrdup(v->valuestring);
			e.n = strlen(e.s);
		} else if (cJSON_IsNumber(v)) {
			e.json = DQ_JSON_NUMBER;
			e.d = v->valuedouble;
		} else if (cJSON_IsBool(v)) {
			e.json = cJSON_IsTrue(v) ? DQ_JSON_TRUE : DQ_JSON_FALSE;
		} else {
			dq_buf_release(&b);
			return dq_error("%s: enum values are strings, numbers "
					"or booleans",
					where);
		}
		r->ev = dq_xrealloc(r->ev, (r->nev + 1) * sizeof(e));
		r->ev[r->nev++] = e;
		if (b.len < 120) {
			char *p = cJSON_PrintUnformatted(v);
			dq_buf_addf(&b, "%s%s", r->nev > 1 ? ", " : "", p);
			cJSON_free(p);
		} else if (b.buf[b.len - 1] != '.') {
			dq_buf_addstr(&b, ", ...");
		}
	}
	dq_buf_addch(&b, ')');
	r->enum_msg = dq_buf_detach(&b, NULL);
	enum_table(r);
	return 0;
}

static int
load_range(struct rule *r, const cJSON *min, const cJSON *max, int date_field,
	   const char *where)
{
	struct dq_buf t = DQ_BUF_INIT;
	int dmin = -1, dmax = -1;

	if (min) {
		if (parse_bound(min, 0, date_field, &dmin, &r->min, &t, where))
			goto fail;
		r->has_min = 1;
		struct dq_buf b = DQ_BUF_INIT;
		dq_buf_addf(&b, "%s the minimum %s", dmin ? "before" : "below",
			    t.buf);
		r->min_msg = dq_buf_detach(&b, NULL);
	}
	if (max) {
		if (parse_bound(max, 1, date_field, &dmax, &r->max, &t, where))
			goto fail;
		r->has_max = 1;
		struct dq_buf b = DQ_BUF_INIT;
		dq_buf_addf(&b, "%s the maximum %s", dmax ? "after" : "above",
			    t.buf);
		r->max_msg = dq_buf_detach(&b, NULL);
	}
	if (dmin >= 0 && dmax >= 0 && dmin != dmax) {
		dq_error("%s: min and max must both be dates or both numbers",
			 where);
		goto fail;
	}
	r->date_bounds = dmin > 0 || dmax > 0;
	dq_buf_release(&t);
	return 0;
fail:
	dq_buf_release(&t);
	return -1;
}

static int
load_length(struct rule *r, const cJSON *min, const cJSON *max,
	    const char *where)
{
	struct dq_buf b = DQ_BUF_INIT;
	if ((min && (!cJSON_IsNumber(min) || min->valuedouble < 0)) ||
	    (max && (!cJSON_IsNumber(max) || max->valuedouble < 0)))
		return dq_error("%s: lengths are whole numbers >= 0", where);
	if (min) {
		r->has_min = 1;
		r->min = min->valuedouble;
		dq_buf_addf(&b, "shorter than %g characters", r->min);
		r->min_msg = dq_buf_detach(&b, NULL);
	}
	if (max) {
		r->has_max = 1;
		r->max = max->valuedouble;
		dq_buf_addf(&b, "longer than %g characters", r->max);
		r->max_msg = dq_buf_detach(&b, NULL);
	}
	return 0;
}

static int
load_pattern(struct rule *r, const cJSON *p, const char *where)
{
	if (!cJSON_IsString(p))
		return dq_error("%s: pattern must be a string", where);
	int rc = regcomp(&r->re, p->valuestring, REG_EXTENDED | REG_NOSUB);
	if (rc) {
		char msg[200];
		regerror(rc, &r->re, msg, sizeof(msg));
		return dq_error("%s: bad pattern \"%s\": %s", where,
				p->valuestring, msg);
	}
	r->has_re = 1;
	r->pattern = dq_xstrdup(p->valuestring);
	r->ere = dq_xmalloc(sizeof(*r->ere));
	if (dq_ere_compile(r->ere, p->valuestring)) {
		free(r->ere);
		r->ere = NULL;
	}
	return 0;
}

/* Key-set loading for a reference rule: the key column of a file, read
 * strictly (a bad line is an error: a set with a hole answers wrongly). */
static int
load_reference(struct rule *r, const char *file, const char *key,
	       const char *where)
{
	struct dq_sidefile sf;
	int rc;

	dq_sidefile_init(&sf);
	if (dq_sidefile_open(&sf, file)) {
		dq_sidefile_release(&sf);
		return dq_error("%s: cannot read the reference file", where);
	}
	r->ref_file = dq_xstrdup(file);
	r->ref_key = dq_xstrdup(key);
	while ((rc = dq_sidefile_next(&sf)) > 0) {
		long i = dq_record_find(&sf.rec, key, strlen(key));
		if (i < 0)
			continue;
		const struct dq_member *m = &sf.rec.m[i];
		if (m->type == DQ_JSON_STRING) {
			dq_buf_reset(&tbuf);
			dq_json_unescape(m->val, m->vallen, &tbuf);
			dq_keyset_add(&r->set, tbuf.buf, tbuf.len);
		} else if (m->type == DQ_JSON_NUMBER) {
			dq_keyset_add(&r->set, m->val, m->vallen);
		}
	}
	int bad = sf.bad > 0;
	dq_sidefile_release(&sf);
	if (rc < 0 && !bad)
		return dq_error("%s: error reading %s", where, file);
	return rc < 0 ? -1 : 0;
}

/* A field-level option that is either one value for all the field's
 * checks or an object keyed by check name. */
static const cJSON *
per_check(const cJSON *f, const char *key, enum check kind)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(f, key);
	if (cJSON_IsObject(v))
		return cJSON_GetObjectItemCaseSensitive(v, check_names[kind]);
	return v;
}

/* Severity, hint, tolerance, category, message of a rule from obj (a
 * field entry when by_check, a rules entry otherwise). */
static int
load_common(struct rule *r, const cJSON *obj, int by_check, const char *where)
{
	const cJSON *v;

	v = by_check ? per_check(obj, "severity", r->kind)
		     : cJSON_GetObjectItemCaseSensitive(obj, "severity");
	if (v && (!cJSON_IsString(v) || parse_sev(v->valuestring, &r->sev) ||
		  r->sev == SEV_NONE))
		return dq_error("%s: severity is error, warn or info", where);
	v = by_check ? per_check(obj, "hint", r->kind)
		     : cJSON_GetObjectItemCaseSensitive(obj, "hint");
	if (v) {
		if (!cJSON_IsString(v))
			return dq_error("%s: hint must be a string", where);
		r->hint = dq_xstrdup(v->valuestring);
	}
	v = by_check ? per_check(obj, "tolerance", r->kind)
		     : cJSON_GetObjectItemCaseSensitive(obj, "tolerance");
	if (v) {
		if (!cJSON_IsNumber(v) || v->valuedouble < 0 ||
		    v->valuedouble > 1)
			return dq_error("%s: tolerance is a rate in [0, 1]",
					where);
		r->tolerance = v->valuedouble;
	}
	if (by_check)
		return 0;
	v = cJSON_GetObjectItemCaseSensitive(obj, "category");
	if (v) {
		int ok = 0;
		for (int i = 0; i < NCAT && cJSON_IsString(v); i++)
			if (!strcmp(v->valuestring, cat_names[i])) {
				r->cat = (enum cat)i;
				ok = 1;
			}
		if (!ok)
			return dq_error("%s: category is schema, format, "
					"completeness, bounds or uniqueness",
					where);
	}
	v = cJSON_GetObjectItemCaseSensitive(obj, "message");
	if (v) {
		if (!cJSON_IsString(v))
			return dq_error("%s: message must be a string", where);
		r->message = dq_xstrdup(v->valuestring);
	}
	v = cJSON_GetObjectItemCaseSensitive(obj, "if");
	if (v) {
		if (r->kind >= C_UNIQUE)
			return dq_error("%s: \"if\" applies to per-record "
					"checks only",
					where);
		if (load_cond(v, &r->cond, where))
			return -1;
		r->has_if = 1;
	}
	return 0;
}

/* The checks of one "fields" entry. */
static int
load_field(const char *name, const cJSON *f, const char *src)
{
	char where[300];
	const cJSON *codes = cJSON_GetObjectItemCaseSensitive(f, "codes");
	const cJSON *type = cJSON_GetObjectItemCaseSensitive(f, "type");
	const cJSON *fmt = cJSON_GetObjectItemCaseSensitive(f, "format");
	const cJSON *v;
	int t = -1, ft = -1;

	snprintf(where, sizeof(where), "%s: fields.%s", src, name);
	if (codes && !cJSON_IsObject(codes))
		return dq_error("%s.codes: must be an object", where);
	if (type) {
		if (!cJSON_IsString(type) || (t = parse_type(type->valuestring)) < 0)
			return dq_error("%s.type: unknown type", where);
	}
	if (fmt) {
		if (!cJSON_IsString(fmt) || (ft = parse_type(fmt->valuestring)) < 0 ||
		    !type_parsed((enum vtype)ft))
			return dq_error("%s.format: unknown format (email, "
					"phone, date, datetime, us_state, zip)",
					where);
	} else if (t >= 0 && type_parsed((enum vtype)t)) {
		ft = t;
	}

#define NEW(kind)                                                            \
	do {                                                                 \
		const cJSON *c_ = cJSON_GetObjectItemCaseSensitive(          \
			codes, check_names[kind]);                           \
		if (c_ && !cJSON_IsString(c_))                               \
			return dq_error("%s.codes: codes are strings", where); \
		r = rule_new(c_ ? c_->valuestring : NULL, kind, name);       \
		rule_add_slot(r, name);                                      \
		if (load_common(r, f, 1, where))                             \
			return -1;                                           \
	} while (0)

	struct rule *r;
	v = cJSON_GetObjectItemCaseSensitive(f, "required");
	if (v && !cJSON_IsBool(v))
		return dq_error("%s.required: true or false", where);
	if (cJSON_IsTrue(v))
		NEW(C_REQUIRED);
	if (t >= 0) {
		NEW(C_TYPE);
		r->type = (enum vtype)t;
		slot_cell(r->slots[0], type_cell(r->type), 1);
		if (t == T_US_STATE || t == T_ZIP || t == T_DATE ||
		    t == T_DATETIME || t == T_EMAIL || t == T_PHONE)
			r->cat = CAT_SCHEMA;
	}
	if (ft >= 0) {
		NEW(C_FORMAT);
		r->type = (enum vtype)ft;
	}
	if ((v = cJSON_GetObjectItemCaseSensitive(f, "pattern"))) {
		NEW(C_PATTERN);
		if (load_pattern(r, v, where))
			return -1;
	}
	if ((v = cJSON_GetObjectItemCaseSensitive(f, "enum"))) {
		NEW(C_ENUM);
		if (load_enum(r, v, cJSON_GetObjectItemCaseSensitive(f, "enum_case"),
			      where))
			return -1;
		slot_cell_literal(r->slots[0], v);
	} else if (t == T_ENUM) {
		return dq_error("%s: type enum needs \"enum\"", where);
	}
	const cJSON *mn = cJSON_GetObjectItemCaseSensitive(f, "min");
	const cJSON *mx = cJSON_GetObjectItemCaseSensitive(f, "max");
	if (mn || mx) {
		NEW(C_RANGE);
		if (load_range(r, mn, mx, t == T_DATE || t == T_DATETIME,
			       where))
			return -1;
		if (!r->date_bounds)
			slot_cell(r->slots[0], DQ_CELL_NUMBER, 0);
	}
	mn = cJSON_GetObjectItemCaseSensitive(f, "min_length");
	mx = cJSON_GetObjectItemCaseSensitive(f, "max_length");
	if (mn || mx) {
		NEW(C_LENGTH);
		if (load_length(r, mn, mx, where))
			return -1;
	}
	v = cJSON_GetObjectItemCaseSensitive(f, "unique");
	if (v && !cJSON_IsBool(v))
		return dq_error("%s.unique: true or false", where);
	if (cJSON_IsTrue(v))
		NEW(C_UNIQUE);
	if ((v = cJSON_GetObjectItemCaseSensitive(f, "reference"))) {
		const cJSON *file = cJSON_GetObjectItemCaseSensitive(v, "file");
		const cJSON *key = cJSON_GetObjectItemCaseSensitive(v, "key");
		if (!cJSON_IsString(file))
			return dq_error("%s.reference: needs \"file\"", where);
		NEW(C_REFERENCE);
		if (load_reference(r, file->valuestring,
				   cJSON_IsString(key) ? key->valuestring : name,
				   where))
			return -1;
	}
#undef NEW
	return 0;
}

static int
check_kind(const char *s)
{
	for (int i = 0; i < NCHECK; i++)
		if (!strcmp(s, check_names[i]))
			return i;
	if (!strcmp(s, "require_any_of"))
		return C_ANY_OF;
	return -1;
}

/* The field names of a rules entry: "field" (one) or "fields" (list). */
static int
rule_fields(const cJSON *o, const char *key, const char ***names, size_t *n,
	    const char *where)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key), *it;
	*n = 0;
	*names = NULL;
	if (!v)
		return 0;
	if (cJSON_IsString(v)) {
		*names = dq_xmalloc(sizeof(char *));
		(*names)[(*n)++] = v->valuestring;
		return 0;
	}
	if (!cJSON_IsArray(v))
		return dq_error("%s.%s: a field name or a list of them", where,
				key);
	cJSON_ArrayForEach(it, v)
	{
		if (!cJSON_IsString(it)) {
			free(*names);
			return dq_error("%s.%s: field names are strings",
					where, key);
		}
		*names = dq_xrealloc(*names, (*n + 1) * sizeof(char *));
		(*names)[(*n)++] = it->valuestring;
	}
	return 0;
}

/* The numeric "min" / "max" of a set-level or grouped rule; at least one
 * must be given.  Returns 0, or -1 after a message naming the rule. */
static int
set_rate_bounds(struct rule *r, const cJSON *mn, const cJSON *mx,
		const char *where)
{
	if ((mn && !cJSON_IsNumber(mn)) || (mx && !cJSON_IsNumber(mx)) ||
	    (!mn && !mx))
		return dq_error("%s: needs a numeric \"min\" or \"max\"",
				where);
	r->has_min = !!mn;
	r->has_max = !!mx;
	r->min = mn ? mn->valuedouble : 0;
	r->max = mx ? mx->valuedouble : 0;
	return 0;
}

static int
load_rule(const char *code, const cJSON *o, const char *src)
{
	char where[300];
	const char **fields = NULL, **f2 = NULL, **gb = NULL;
	size_t nf = 0, nf2 = 0, ngb = 0;
	const cJSON *ck = cJSON_GetObjectItemCaseSensitive(o, "check");
	const cJSON *v;
	int kind, rc = -1;
	struct dq_buf label = DQ_BUF_INIT;

	snprintf(where, sizeof(where), "%s: rules.%s", src, code);
	if (!cJSON_IsString(ck) || (kind = check_kind(ck->valuestring)) < 0)
		return dq_error("%s.check: unknown or missing check", where);
	if (rule_fields(o, "field", &fields, &nf, where) ||
	    rule_fields(o, "fields", &f2, &nf2, where))
		goto out;
	fields = dq_xrealloc(fields, (nf + nf2 + 1) * sizeof(char *));
	for (size_t i = 0; i < nf2; i++)
		fields[nf++] = f2[i];
	if (!nf && kind != C_ROW_COUNT && kind < C_GROUP_RATE) {
		dq_error("%s: needs \"field\" or \"fields\"", where);
		goto out;
	}
	const cJSON *mn = cJSON_GetObjectItemCaseSensitive(o, "min");
	const cJSON *mx = cJSON_GetObjectItemCaseSensitive(o, "max");

	/* Checks over several fields at once, or none. */
	if (kind == C_ANY_OF || kind == C_UNIQUE || kind == C_DUP_RATE ||
	    kind == C_ORDER || kind == C_ROW_COUNT || kind >= C_GROUP_RATE) {
		const char *sep = kind == C_ANY_OF ? "|" : ",";
		if (kind == C_ORDER) {
			v = cJSON_GetObjectItemCaseSensitive(o, "before");
			if (nf != 1 || !cJSON_IsString(v)) {
				dq_error("%s: order needs one \"field\" and "
					 "\"before\"",
					 where);
				goto out;
			}
			fields = dq_xrealloc(fields, 2 * sizeof(char *));
			fields[nf++] = v->valuestring;
			sep = "<";
		}
		if (kind >= C_GROUP_RATE) {
			if (rule_fields(o, "group_by", &gb, &ngb, where))
				goto out;
			if (!ngb) {
				dq_error("%s: needs \"group_by\"", where);
				goto out;
			}
			for (size_t i = 0; i < ngb; i++)
				dq_buf_addf(&label, "%s%s", i ? "," : "", gb[i]);
		} else {
			for (size_t i = 0; i < nf; i++)
				dq_buf_addf(&label, "%s%s", i ? sep : "",
					    fields[i]);
		}
		struct rule *r = rule_new(code, (enum check)kind, label.buf);
		for (size_t i = 0; i < nf && kind < C_GROUP_RATE; i++)
			rule_add_slot(r, fields[i]);
		for (size_t i = 0; i < ngb; i++)
			rule_add_slot(r, gb[i]);
		if (load_common(r, o, 0, where))
			goto out;
		if (kind == C_ORDER) {
			v = cJSON_GetObjectItemCaseSensitive(o, "allow_equal");
			r->allow_equal = v ? cJSON_IsTrue(v) : 1;
		}
		if (kind == C_DUP_RATE || kind == C_ROW_COUNT ||
		    kind >= C_GROUP_RATE) {
			if (set_rate_bounds(r, mn, mx, where))
				goto out;
		}
		if (kind >= C_GROUP_RATE) {
			v = cJSON_GetObjectItemCaseSensitive(o, "when");
			if (!v) {
				dq_error("%s: needs \"when\"", where);
				goto out;
			}
			if (load_cond(v, &r->when, where))
				goto out;
			v = cJSON_GetObjectItemCaseSensitive(o, "order_by");
			if (kind == C_GROUP_RUN) {
				if (!cJSON_IsString(v)) {
					dq_error("%s: group_run needs "
						 "\"order_by\"",
						 where);
					goto out;
				}
				r->order_slot = slot_get(v->valuestring);
			}
		}
		rc = 0;
		goto out;
	}

	/* One check per field. */
	for (size_t i = 0; i < nf; i++) {
		struct rule *r = rule_new(code, (enum check)kind, fields[i]);
		rule_add_slot(r, fields[i]);
		if (load_common(r, o, 0, where))
			goto out;
		switch (kind) {
		case C_TYPE:
		case C_FORMAT:
			v = cJSON_GetObjectItemCaseSensitive(
				o, kind == C_TYPE ? "type" : "format");
			if (!cJSON_IsString(v) ||
			    parse_type(v->valuestring) < 0) {
				dq_error("%s: needs a known \"%s\"", where,
					 kind == C_TYPE ? "type" : "format");
				goto out;
			}
			r->type = (enum vtype)parse_type(v->valuestring);
			if (kind == C_TYPE)
				slot_cell(r->slots[0], type_cell(r->type), 1);
			break;
		case C_PATTERN:
			if (load_pattern(r, cJSON_GetObjectItemCaseSensitive(
						    o, "pattern"),
					 where))
				goto out;
			break;
		case C_ENUM:
			v = cJSON_GetObjectItemCaseSensitive(o, "values");
			if (load_enum(r, v,
				      cJSON_GetObjectItemCaseSensitive(o, "case"),
				      where))
				goto out;
			slot_cell_literal(r->slots[0], v);
			break;
		case C_RANGE: {
			v = cJSON_GetObjectItemCaseSensitive(o, "type");
			int df = cJSON_IsString(v) &&
				 (!strcmp(v->valuestring, "date") ||
				  !strcmp(v->valuestring, "datetime"));
			if ((!mn && !mx) || load_range(r, mn, mx, df, where)) {
				if (!mn && !mx)
					dq_error("%s: needs min or max", where);
				goto out;
			}
			if (!r->date_bounds)
				slot_cell(r->slots[0], DQ_CELL_NUMBER, 0);
			break;
		}
		case C_LENGTH:
			if (load_length(r, cJSON_GetObjectItemCaseSensitive(
						   o, "min_length"),
					cJSON_GetObjectItemCaseSensitive(
						o, "max_length"),
					where))
				goto out;
			break;
		case C_REFERENCE: {
			const cJSON *file =
				cJSON_GetObjectItemCaseSensitive(o, "file");
			const cJSON *key =
				cJSON_GetObjectItemCaseSensitive(o, "key");
			if (!cJSON_IsString(file)) {
				dq_error("%s: needs \"file\"", where);
				goto out;
			}
			if (load_reference(r, file->valuestring,
					   cJSON_IsString(key) ? key->valuestring
							       : fields[i],
					   where))
				goto out;
			break;
		}
		case C_NULL_RATE:
		case C_INVALID_RATE:
			if (set_rate_bounds(r, mn, mx, where))
				goto out;
			break;
		default:
			break;
		}
	}
	rc = 0;
out:
	free(fields);
	free(f2);
	free(gb);
	dq_buf_release(&label);
	return rc;
}

static int
load_score(const cJSON *s)
{
	const cJSON *w = cJSON_GetObjectItemCaseSensitive(s, "weights"), *it;
	cJSON_ArrayForEach(it, w)
	{
		for (int i = 0; i < NCAT; i++)
			if (!strcmp(it->string, cat_names[i])) {
				if (!cJSON_IsNumber(it) || it->valuedouble < 0)
					return dq_error("contract: score."
							"weights.%s: a number "
							">= 0",
							it->string);
				O.weights[i] = it->valuedouble;
			}
	}
	const cJSON *pm = cJSON_GetObjectItemCaseSensitive(s, "pass_mark");
	if (pm && !O.pass_mark_set) {
		if (!cJSON_IsNumber(pm) || pm->valuedouble < 0 ||
		    pm->valuedouble > 100)
			return dq_error("contract: score.pass_mark: a number "
					"in [0, 100]");
		O.pass_mark = pm->valuedouble;
	}
	return 0;
}

static int
load_all(const struct dq_contract *c)
{
	const cJSON *it;
	cJSON_ArrayForEach(it, dq_contract_get(c, "fields"))
	if (load_field(it->string, it, "contract"))
		return -1;
	cJSON_ArrayForEach(it, dq_contract_get(c, "rules"))
	if (load_rule(it->string, it, "contract"))
		return -1;
	cJSON_ArrayForEach(it, cJSON_GetObjectItemCaseSensitive(O.quick,
								"fields"))
	if (load_field(it->string, it, "command line"))
		return -1;
	cJSON_ArrayForEach(it, cJSON_GetObjectItemCaseSensitive(O.quick,
								"rules"))
	if (load_rule(it->string, it, "command line"))
		return -1;
	return load_score(dq_contract_get(c, "score"));
}

/* ---- options ---- */

enum {
	O_REQUIRE = DQ_OPT_TOOL,
	O_REQUIRE_ANY,
	O_UNIQUE,
	O_TYPE,
	O_ENUM,
	O_RANGE,
	O_PATTERN,
	O_QUARANTINE,
	O_QUARANTINE_ON,
	O_VIOLATIONS,
	O_MODE,
	O_FAIL_ON,
	O_PASS_MARK,
	O_EXAMPLES,
	O_MAX_KEYS,
	O_MERGE,
	O_PARTIAL
};

static const struct option longopts[] = {
	{ "enum", required_argument, NULL, O_ENUM },
	{ "examples", required_argument, NULL, O_EXAMPLES },
	{ "fail-on", required_argument, NULL, O_FAIL_ON },
	{ "max-keys", required_argument, NULL, O_MAX_KEYS },
	{ "merge", no_argument, NULL, O_MERGE },
	{ "mode", required_argument, NULL, O_MODE },
	{ "partial", no_argument, NULL, O_PARTIAL },
	{ "pass-mark", required_argument, NULL, O_PASS_MARK },
	{ "pattern", required_argument, NULL, O_PATTERN },
	{ "quarantine", required_argument, NULL, O_QUARANTINE },
	{ "quarantine-on", required_argument, NULL, O_QUARANTINE_ON },
	{ "range", required_argument, NULL, O_RANGE },
	{ "require", required_argument, NULL, O_REQUIRE },
	{ "require-any", required_argument, NULL, O_REQUIRE_ANY },
	{ "type", required_argument, NULL, O_TYPE },
	{ "unique", required_argument, NULL, O_UNIQUE },
	{ "violations", required_argument, NULL, O_VIOLATIONS },
	{ NULL, 0, NULL, 0 }
};

/* The quick flags' own "fields" entry for F, created on first use. */
static cJSON *
quick_field(const char *name, size_t n)
{
	char *k = dq_xstrndup(name, n);
	cJSON *fields = cJSON_GetObjectItemCaseSensitive(O.quick, "fields");
	cJSON *f = cJSON_GetObjectItemCaseSensitive(fields, k);
	if (!f)
		f = cJSON_AddObjectToObject(fields, k);
	free(k);
	return f;
}

static cJSON *
split_json(const char *s)
{
	cJSON *a = cJSON_CreateArray();
	for (;;) {
		const char *c = strchr(s, ',');
		size_t n = c ? (size_t)(c - s) : strlen(s);
		char *v = dq_xstrndup(s, n);
		cJSON_AddItemToArray(a, cJSON_CreateString(v));
		free(v);
		if (!c)
			return a;
		s = c + 1;
	}
}

/* A bound from --range: a number if it reads as one, else a string. */
static cJSON *
bound_json(const char *s, size_t n)
{
	char *t = dq_xstrndup(s, n), *end;
	errno = 0;
	double d = strtod(t, &end);
	cJSON *j = (*t && !*end && !errno) ? cJSON_CreateNumber(d)
					   : cJSON_CreateString(t);
	free(t);
	return j;
}

/* Replace key in obj (the flags may repeat). */
static void
put(cJSON *obj, const char *key, cJSON *v)
{
	if (cJSON_HasObjectItem(obj, key))
		cJSON_ReplaceItemInObjectCaseSensitive(obj, key, v);
	else
		cJSON_AddItemToObject(obj, key, v);
}

static int
field_eq(const char *arg, const char *opt, const char **eq)
{
	*eq = strchr(arg, '=');
	if (!*eq || *eq == arg)
		return dq_error("%s '%s': expected FIELD=VALUE", opt, arg);
	return 0;
}

static int
option(void *ctx, int c, const char *arg)
{
	const char *eq;
	long long n;
	(void)ctx;

	switch (c) {
	case O_REQUIRE: {
		cJSON *a = split_json(arg), *it;
		cJSON_ArrayForEach(it, a)
		put(quick_field(it->valuestring, strlen(it->valuestring)),
		    "required", cJSON_CreateTrue());
		cJSON_Delete(a);
		return 0;
	}
	case O_REQUIRE_ANY:
	case O_UNIQUE: {
		cJSON *rules = cJSON_GetObjectItemCaseSensitive(O.quick, "rules");
		int any = c == O_REQUIRE_ANY;
		if (!any && !strchr(arg, ',')) {
			put(quick_field(arg, strlen(arg)), "unique",
			    cJSON_CreateTrue());
			return 0;
		}
		struct dq_buf code = DQ_BUF_INIT;
		dq_buf_addf(&code, "%s:", any ? "REQ" : "UNIQ");
		for (const char *p = arg; *p; p++)
			dq_buf_addch(&code, any && *p == ',' ? '|' : *p);
		cJSON *r = cJSON_CreateObject();
		cJSON_AddStringToObject(r, "check", any ? "any_of" : "unique");
		cJSON_AddItemToObject(r, "fields", split_json(arg));
		put(rules, code.buf, r);
		dq_buf_release(&code);
		return 0;
	}
	case O_TYPE:
		if (field_eq(arg, "--type", &eq))
			return -1;
		if (parse_type(eq + 1) < 0)
			return dq_error("--type '%s': unknown type", arg);
		put(quick_field(arg, (size_t)(eq - arg)), "type",
		    cJSON_CreateString(eq + 1));
		return 0;
	case O_ENUM:
		if (field_eq(arg, "--enum", &eq))
			return -1;
		put(quick_field(arg, (size_t)(eq - arg)), "enum",
		    split_json(eq + 1));
		return 0;
	case O_PATTERN:
		if (field_eq(arg, "--pattern", &eq))
			return -1;
		put(quick_field(arg, (size_t)(eq - arg)), "pattern",
		    cJSON_CreateString(eq + 1));
		return 0;
	case O_RANGE: {
		if (field_eq(arg, "--range", &eq))
			return -1;
		const char *dots = strstr(eq + 1, "..");
		if (!dots || (dots == eq + 1 && !dots[2]))
			return dq_error("--range '%s': expected "
					"FIELD=MIN..MAX",
					arg);
		cJSON *f = quick_field(arg, (size_t)(eq - arg));
		if (dots > eq + 1)
			put(f, "min", bound_json(eq + 1,
						 (size_t)(dots - eq - 1)));
		if (dots[2])
			put(f, "max", bound_json(dots + 2, strlen(dots + 2)));
		return 0;
	}
	case O_QUARANTINE:
		O.quarantine_path = arg;
		return 0;
	case O_VIOLATIONS:
		O.violations_path = arg;
		return 0;
	case O_QUARANTINE_ON:
		if (parse_sev(arg, &O.quarantine_on) ||
		    O.quarantine_on == SEV_NONE)
			return dq_error("--quarantine-on: error, warn or info");
		return 0;
	case O_FAIL_ON:
		if (parse_sev(arg, &O.fail_on))
			return dq_error("--fail-on: error, warn, info or none");
		return 0;
	case O_MODE:
		if (strcmp(arg, "warn") && strcmp(arg, "enforce"))
			return dq_error("--mode: enforce or warn");
		O.warn_mode = !strcmp(arg, "warn");
		return 0;
	case O_PASS_MARK:
		if (dq_parse_ll(arg, 0, 100, &n))
			return dq_error("--pass-mark: a whole number 0-100");
		O.pass_mark = (double)n;
		O.pass_mark_set = 1;
		return 0;
	case O_EXAMPLES:
		if (dq_parse_ll(arg, 0, 1000, &O.examples))
			return dq_error("--examples: a whole number 0-1000");
		return 0;
	case O_MAX_KEYS:
		if (dq_parse_ll(arg, 1, INT64_MAX / 64, &O.max_keys))
			return dq_error("--max-keys: a whole number >= 1");
		return 0;
	case O_MERGE:
		O.merge = 1;
		return 0;
	case O_PARTIAL:
		O.partial = 1;
		return 0;
	}
	return -1;
}

/* ---- per record ---- */

static inline const struct dq_member *
val(int slot)
{
	long i = O.slots[slot].mi;
	return i < 0 ? NULL : &rec.m[i];
}

/* The text of the slot's value (present): a string unescaped if needed,
 * or the raw text of another value.  Valid for the current record. */
static const char *
slot_text(int slot, size_t *n)
{
	struct slot *s = &O.slots[slot];
	if (!(s->have & SV_TEXT)) {
		const struct dq_member *m = &rec.m[s->mi];
		s->have |= SV_TEXT;
		if (m->type != DQ_JSON_STRING) {
			s->txt = m->val;
			s->tlen = m->vallen;
		} else if (!(m->flags & DQ_M_VAL_ESC)) {
			s->txt = m->val + 1;
			s->tlen = m->vallen - 2;
		} else {
			dq_buf_reset(&s->ubuf);
			dq_json_unescape(m->val, m->vallen, &s->ubuf);
			s->txt = s->ubuf.buf;
			s->tlen = s->ubuf.len;
		}
	}
	*n = s->tlen;
	return s->txt;
}

/*
 * The double nearest a JSON number (validated, n bytes).  Clinger's fast
 * path (W. D. Clinger, "How to Read Floating Point Numbers Accurately",
 * PLDI 1990): with at most 15 digits and no exponent, the digits are an
 * exact integer below 2^53 and 10^k (k <= 15) is exact, so one IEEE
 * division rounds correctly.  Anything else goes to strtod.
 */
static double
json_number(const char *s, size_t n)
{
	static const double pow10[] = { 1e0, 1e1, 1e2, 1e3, 1e4, 1e5,
					1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
					1e12, 1e13, 1e14, 1e15 };
	const char *p = s, *e = s + n;
	int neg = *p == '-', nd = 0, frac = -1;
	uint64_t m = 0;
	p += neg;
	for (; p < e; p++) {
		if (*p >= '0' && *p <= '9') {
			m = m * 10 + (uint64_t)(*p - '0');
			if (++nd > 15)
				return strtod(s, NULL);
			if (frac >= 0)
				frac++;
		} else if (*p == '.' && frac < 0) {
			frac = 0;
		} else {
			return strtod(s, NULL); /* an exponent */
		}
	}
	double d = (double)m;
	if (frac > 0)
		d /= pow10[frac];
	return neg ? -d : d;
}

/* The value of the slot's number (present, a JSON number). */
static double
slot_num(int slot)
{
	struct slot *s = &O.slots[slot];
	if (!(s->have & SV_NUM)) {
		const struct dq_member *m = &rec.m[s->mi];
		s->have |= SV_NUM;
		s->num = json_number(m->val, m->vallen);
	}
	return s->num;
}

/* iso_parse of the slot's text (present): 0 date, 1 date-time, -1. */
static int
slot_iso(int slot, long long *days, double *secs)
{
	struct slot *s = &O.slots[slot];
	if (!(s->have & SV_ISO)) {
		size_t n;
		const char *t = slot_text(slot, &n);
		s->have |= SV_ISO;
		s->iso = iso_parse(t, n, &s->days, &s->secs);
	}
	*days = s->days;
	*secs = s->secs;
	return s->iso;
}

/* FNV-1a (G. Fowler, L. C. Noll, K.-P. Vo): field names are short, and
 * this costs less on them than a wide hash. */
static size_t
name_hash(const char *k, size_t n)
{
	uint32_t h = 2166136261u;
	for (size_t i = 0; i < n; i++)
		h = (h ^ (unsigned char)k[i]) * 16777619u;
	return h;
}

/* The slot table: built once all slots are known. */
static void
slot_table(void)
{
	size_t cap = 16;
	while (cap < 4 * O.nslots)
		cap *= 2;
	O.stab = dq_xcalloc(cap, sizeof(int));
	O.smask = cap - 1;
	for (size_t i = 0; i < O.nslots; i++) {
		size_t h = name_hash(O.slots[i].name, O.slots[i].len) & O.smask;
		while (O.stab[h])
			h = (h + 1) & O.smask;
		O.stab[h] = (int)i + 1;
	}
}

/*
 * Records of one stream mostly repeat their keys in the same order, so the
 * slot found at each member position is remembered with the key's bytes
 * (POS_KEY of them; longer keys are looked up each time) and confirmed by
 * one compare next time instead of a hash and a probe.
 */
#define POS_CACHE 64
#define POS_KEY 30
static struct {
	int slot;          /* slot index, -1 none, -2 nothing cached */
	unsigned char len;
	char key[POS_KEY];
} poscache[POS_CACHE];

/* Are the n bytes at a and b equal?  Inline, as words: for keys a few
 * bytes long a call to memcmp costs more than the compare. */
static inline int
key_eq(const char *a, const char *b, size_t n)
{
	uint64_t x, y;
	uint32_t u, v;
	if (n >= 8) {
		size_t i;
		for (i = 0; i + 8 < n; i += 8) {
			memcpy(&x, a + i, 8);
			memcpy(&y, b + i, 8);
			if (x != y)
				return 0;
		}
		/* The last 8 bytes, overlapping what was compared. */
		memcpy(&x, a + n - 8, 8);
		memcpy(&y, b + n - 8, 8);
		return x == y;
	}
	if (n >= 4) {
		memcpy(&u, a, 4);
		memcpy(&v, b, 4);
		if (u != v)
			return 0;
		memcpy(&u, a + n - 4, 4);
		memcpy(&v, b + n - 4, 4);
		return u == v;
	}
	for (size_t i = 0; i < n; i++)
		if (a[i] != b[i])
			return 0;
	return 1;
}

static int
slot_lookup(const char *k, size_t n)
{
	size_t h = name_hash(k, n) & O.smask;
	for (int j; (j = O.stab[h]); h = (h + 1) & O.smask) {
		struct slot *s = &O.slots[j - 1];
		if (s->len == n && !memcmp(s->name, k, n))
			return j - 1;
	}
	return -1;
}

/* Match the record's members to slots in one pass over them.  The
 * scanner rejects repeated keys, so a slot gets at most one member. */
static void
find_slots(void)
{
	static int cache_ready;

	if (!cache_ready) {
		for (size_t i = 0; i < POS_CACHE; i++)
			poscache[i].slot = -2;
		cache_ready = 1;
	}
	for (size_t i = 0; i < O.nslots; i++) {
		O.slots[i].mi = -1;
		O.slots[i].have = 0;
	}
	for (size_t i = 0; i < rec.n; i++) {
		const struct dq_member *m = &rec.m[i];
		const char *k = m->key;
		size_t n = m->keylen;
		int j;
		if (m->flags & DQ_M_KEY_ESC) {
			dq_buf_reset(&tbuf);
			dq_json_unescape(k - 1, n + 2, &tbuf);
			j = slot_lookup(tbuf.buf, tbuf.len);
		} else if (i < POS_CACHE && poscache[i].slot > -2 &&
			   poscache[i].len == n &&
			   key_eq(poscache[i].key, k, n)) {
			j = poscache[i].slot;
		} else {
			j = slot_lookup(k, n);
			if (i < POS_CACHE && n <= POS_KEY) {
				poscache[i].slot = j;
				poscache[i].len = (unsigned char)n;
				memcpy(poscache[i].key, k, n);
			}
		}
		if (j >= 0)
			O.slots[j].mi = (long)i;
	}
}

static int
is_unparsed(int slot)
{
	const struct slot *s = &O.slots[slot];
	for (size_t i = 0; i < unparsed.len;) {
		size_t n = strlen(unparsed.buf + i);
		if (n == s->len && !memcmp(unparsed.buf + i, s->name, n))
			return 1;
		i += n + 1;
	}
	return 0;
}

/* Read _dq.unparsed (as NUL-separated names) and _dq.row. */
static void
read_lineage(void)
{
	struct dq_json_error err;
	dq_buf_reset(&unparsed);
	dq_buf_reset(&rowbuf);
	if (rec.dq < 0 || rec.m[rec.dq].type != DQ_JSON_OBJECT)
		return;
	const struct dq_member *d = &rec.m[rec.dq];
	if (dq_json_scan(&dqrec, d->val, d->vallen, &err))
		return;
	long i = dq_record_find(&dqrec, "row", 3);
	if (i >= 0 && dqrec.m[i].type == DQ_JSON_NUMBER)
		dq_buf_add(&rowbuf, dqrec.m[i].val, dqrec.m[i].vallen);
	i = dq_record_find(&dqrec, "unparsed", 8);
	if (i < 0 || dqrec.m[i].type != DQ_JSON_ARRAY)
		return;
	/* The array was validated: walk its strings. */
	const char *p = dqrec.m[i].val, *e = p + dqrec.m[i].vallen;
	while (p < e) {
		if (*p != '"') {
			p++;
			continue;
		}
		const char *q = p + 1;
		while (*q != '"')
			q += *q == '\\' ? 2 : 1;
		dq_json_unescape(p, (size_t)(q - p + 1), &unparsed);
		dq_buf_addch(&unparsed, '\0');
		p = q + 1;
	}
}

static void
record_id(void)
{
	const struct dq_member *m = val(O.id_slot);
	dq_buf_reset(&idbuf);
	if (!dq_value_missing(m))
		dq_buf_add(&idbuf, m->val, m->vallen);
	else if (rowbuf.len)
		dq_buf_add(&idbuf, rowbuf.buf, rowbuf.len);
	else
		dq_buf_add_int(&idbuf, run.item.line);
}

static int
value_equals(int slot, const cJSON *v)
{
	const struct dq_member *m = val(slot);
	size_t n;
	const char *s;
	if (!m || m->type == DQ_JSON_NULL)
		return cJSON_IsNull(v);
	switch (m->type) {
	case DQ_JSON_STRING:
		if (!cJSON_IsString(v))
			return 0;
		s = slot_text(slot, &n);
		return strlen(v->valuestring) == n &&
		       !memcmp(s, v->valuestring, n);
	case DQ_JSON_NUMBER:
		return cJSON_IsNumber(v) && slot_num(slot) == v->valuedouble;
	case DQ_JSON_TRUE:
		return cJSON_IsTrue(v);
	case DQ_JSON_FALSE:
		return cJSON_IsFalse(v);
	}
	return 0;
}

static int
cond_holds(const struct cond *c)
{
	const struct dq_member *m = val(c->slot);
	const cJSON *it;
	switch (c->op) {
	case COND_PRESENT:
		return !dq_value_missing(m);
	case COND_ABSENT:
		return dq_value_missing(m);
	case COND_EQ:
		return value_equals(c->slot, c->vals);
	case COND_NE:
		return !value_equals(c->slot, c->vals);
	case COND_IN:
		cJSON_ArrayForEach(it, c->vals)
		if (value_equals(c->slot, it))
			return 1;
		return 0;
	}
	return 0;
}

static void
keep_example(struct rule *r, const char *v, size_t vn)
{
	if (r->nex >= (size_t)O.examples)
		return;
	if (!r->ex)
		r->ex = dq_xcalloc((size_t)O.examples, sizeof(*r->ex));
	struct example *e = &r->ex[r->nex++];
	e->line = run.item.line;
	e->id = dq_xstrndup(idbuf.buf, idbuf.len);
	e->value = vn <= 200 ? dq_xstrndup(v, vn) : NULL;
}

/* One line of the --violations file; jm is the message as a JSON
 * string. */
static void
write_violation(const struct rule *r, const char *id, long line,
		const char *v, size_t vn, const char *jm, size_t jmn)
{
	struct dq_buf *b = &vfile.b;
	dq_buf_addstr(b, "{\"run_id\":");
	dq_buf_addstr(b, jrunid);
	dq_buf_addstr(b, ",\"record_id\":");
	dq_buf_addstr(b, id ? id : "null");
	dq_buf_addstr(b, ",\"line\":");
	if (line > 0)
		dq_buf_add_int(b, line);
	else
		dq_buf_addstr(b, "null");
	dq_buf_addstr(b, ",\"code\":");
	dq_buf_addstr(b, r->jcode);
	dq_buf_addstr(b, ",\"severity\":\"");
	dq_buf_addstr(b, sev_names[r->sev]);
	dq_buf_addstr(b, "\",\"category\":\"");
	dq_buf_addstr(b, cat_names[r->cat]);
	dq_buf_addstr(b, "\",\"field\":");
	dq_buf_addstr(b, r->jlabel);
	dq_buf_addstr(b, ",\"value\":");
	dq_buf_add(b, v, vn);
	dq_buf_addstr(b, ",\"message\":");
	dq_buf_add(b, jm, jmn);
	dq_buf_addstr(b, ",\"hint\":");
	dq_buf_addstr(b, r->jhint);
	dq_buf_add(b, "}\n", 2);
	dq_out_commit(&vfile);
}

/* A _dq.violations entry. */
static void
add_entry(struct dq_buf *b, const struct rule *r, const char *v, size_t vn,
	  enum msg k)
{
	dq_buf_add(b, r->ventry[k], r->ventrylen[k]);
	dq_buf_add(b, v, vn);
	dq_buf_addch(b, '}');
}

/* Record a failure of rule r on the current record; v is the offending
 * value's raw JSON (NULL: null), k which of the rule's messages.  A
 * deferred check's entry goes where it would have been, so the order of
 * _dq.violations is the order of the checks. */
static void
fail(struct rule *r, const char *v, size_t vn, enum msg k)
{
	if (!v) {
		v = "null";
		vn = 4;
	}
	r->failures++;
	if (!rec_nviol)
		record_id();
	keep_example(r, v, vn);
	if (r->dnv >= 0) {
		size_t at = r->dpos;
		dq_buf_reset(&dbuf);
		if (r->dnv)
			dq_buf_addch(&dbuf, ',');
		add_entry(&dbuf, r, v, vn, k);
		if (!r->dnv && vbuf.len > at)
			dq_buf_addch(&dbuf, ',');
		dq_buf_grow(&vbuf, dbuf.len);
		memmove(vbuf.buf + at + dbuf.len, vbuf.buf + at,
			vbuf.len - at + 1);
		memcpy(vbuf.buf + at, dbuf.buf, dbuf.len);
		vbuf.len += dbuf.len;
		rec_nviol++;
	} else {
		if (rec_nviol++)
			dq_buf_addch(&vbuf, ',');
		add_entry(&vbuf, r, v, vn, k);
	}
	if (rec_nviol == 1 || r->sev > rec_max)
		rec_max = r->sev;
	n_viol[r->sev]++;
	if (rec_nv == rec_vcap) {
		rec_vcap = rec_vcap ? 2 * rec_vcap : 16;
		rec_vslots = dq_xrealloc(rec_vslots, rec_vcap * sizeof(int));
	}
	rec_vslots[rec_nv++] = r->nslots ? r->slots[0] : -1;
	if (vfile.fd >= 0)
		write_violation(r, idbuf.buf, run.item.line, v, vn, r->jmsg[k],
				r->jmsglen[k]);
}

static int
type_ok(const struct dq_member *m, enum vtype t)
{
	switch (t) {
	case T_INTEGER:
		return m->type == DQ_JSON_NUMBER &&
		       !memchr(m->val, '.', m->vallen) &&
		       !memchr(m->val, 'e', m->vallen) &&
		       !memchr(m->val, 'E', m->vallen);
	case T_NUMBER:
		return m->type == DQ_JSON_NUMBER;
	case T_BOOLEAN:
		return m->type == DQ_JSON_TRUE || m->type == DQ_JSON_FALSE;
	case T_OBJECT:
		return m->type == DQ_JSON_OBJECT;
	case T_ARRAY:
		return m->type == DQ_JSON_ARRAY;
	case T_ENUM:
		return m->type == DQ_JSON_STRING || m->type == DQ_JSON_NUMBER ||
		       m->type == DQ_JSON_TRUE || m->type == DQ_JSON_FALSE;
	default:
		return m->type == DQ_JSON_STRING;
	}
}

static const char *const json_type_names[] = { "null",	 "boolean",
						"boolean", "number",
						"string", "array",
						"object" };

static int
is_digits(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return 0;
	return n > 0;
}

/* The first ";ext=" in a phone number, or NULL.  A loop, not memmem:
 * the numbers are short and memmem's set-up costs more than the search. */
static const char *
find_ext(const char *s, size_t n)
{
	for (size_t i = 0; i + 5 <= n; i++)
		if (s[i] == ';' && !memcmp(s + i + 1, "ext=", 4))
			return s + i;
	return NULL;
}

/* The message of a failed format check. */
static const char *
format_what(enum vtype t)
{
	switch (t) {
	case T_EMAIL: return "not a valid email address";
	case T_DATE: return "not an ISO 8601 date (YYYY-MM-DD)";
	case T_DATETIME: return "not an ISO 8601 date or date-time";
	case T_PHONE: return "not an E.164 phone number (+ and 7-15 digits)";
	case T_US_STATE: return "not a US state code";
	case T_ZIP: return "not a US ZIP code (12345 or 12345-6789)";
	default: return "";
	}
}

/* Is the slot's string value a valid value of the format? */
static int
format_ok(enum vtype t, int slot)
{
	long long d;
	double secs;
	size_t n;
	const char *s = slot_text(slot, &n);
	switch (t) {
	case T_EMAIL:
		return dq_email_valid_exact(s, n);
	case T_DATE:
		return slot_iso(slot, &d, &secs) == 0;
	case T_DATETIME:
		return slot_iso(slot, &d, &secs) >= 0;
	case T_PHONE: {
		const char *ext = find_ext(s, n);
		size_t main = ext ? (size_t)(ext - s) : n;
		if (ext && !is_digits(ext + 5, n - main - 5))
			return 0;
		return main >= 8 && main <= 16 && s[0] == '+' && s[1] != '0' &&
		       is_digits(s + 1, main - 1);
	}
	case T_US_STATE:
		return dq_us_state_valid(s, n);
	case T_ZIP:
		return dq_zip_valid(s, n);
	default:
		return 1;
	}
}

static size_t
utf8_len(const char *s, size_t n)
{
	size_t k = 0;
	for (size_t i = 0; i < n; i++)
		k += ((unsigned char)s[i] & 0xc0) != 0x80;
	return k;
}

/* Numeric or time value for ordering: 1 number, 2 time, 0 neither. */
static int
ordinal(int slot, double *out)
{
	const struct dq_member *m = val(slot);
	if (m->type == DQ_JSON_NUMBER) {
		*out = slot_num(slot);
		return 1;
	}
	if (m->type == DQ_JSON_STRING) {
		long long d;
		double secs;
		if (slot_iso(slot, &d, &secs) < 0)
			return 0;
		*out = (double)d * 86400 + secs;
		return 2;
	}
	return 0;
}

/* The key bytes of a compound key into kbuf; 0 if a part is missing. */
static int
build_key(const int *slots, size_t n)
{
	dq_buf_reset(&kbuf);
	for (size_t i = 0; i < n; i++) {
		const struct dq_member *m = val(slots[i]);
		if (dq_value_missing(m))
			return 0;
		size_t len;
		const char *s = slot_text(slots[i], &len);
		uint32_t l32 = (uint32_t)len;
		if (n > 1)
			dq_buf_add(&kbuf, &l32, sizeof(l32));
		dq_buf_add(&kbuf, s, len);
	}
	return 1;
}

/* The raw values of a compound key as a JSON array, into mbuf. */
static void
key_values(const int *slots, size_t n)
{
	dq_buf_reset(&mbuf);
	dq_buf_addch(&mbuf, '[');
	for (size_t i = 0; i < n; i++) {
		const struct dq_member *m = val(slots[i]);
		if (i)
			dq_buf_addch(&mbuf, ',');
		if (m)
			dq_buf_add(&mbuf, m->val, m->vallen);
		else
			dq_buf_addstr(&mbuf, "null");
	}
	dq_buf_addch(&mbuf, ']');
}

static struct group *
group_get(struct rule *r)
{
	uint64_t h = XXH3_64bits(kbuf.buf, kbuf.len);
	if ((r->ngroups + 1) * 2 > r->gcap) {
		r->gcap = r->gcap ? r->gcap * 2 : 1024;
		free(r->gtab);
		r->gtab = dq_xcalloc(r->gcap, sizeof(size_t));
		for (size_t i = 0; i < r->ngroups; i++) {
			size_t j = XXH3_64bits(r->groups[i].key,
					       r->groups[i].keylen) &
				   (r->gcap - 1);
			while (r->gtab[j])
				j = (j + 1) & (r->gcap - 1);
			r->gtab[j] = i + 1;
		}
	}
	size_t j = h & (r->gcap - 1);
	while (r->gtab[j]) {
		struct group *g = &r->groups[r->gtab[j] - 1];
		if (g->keylen == kbuf.len && !memcmp(g->key, kbuf.buf, kbuf.len))
			return g;
		j = (j + 1) & (r->gcap - 1);
	}
	r->groups = dq_xrealloc(r->groups, (r->ngroups + 1) * sizeof(*r->groups));
	struct group *g = &r->groups[r->ngroups];
	memset(g, 0, sizeof(*g));
	g->key = dq_xstrndup(kbuf.buf, kbuf.len);
	g->keylen = kbuf.len;
	key_values(r->slots, r->nslots);
	g->label = dq_xstrndup(mbuf.buf, mbuf.len);
	r->gtab[j] = ++r->ngroups;
	return g;
}

static void
group_add(struct rule *r)
{
	if (!build_key(r->slots, r->nslots))
		return;
	struct group *g = group_get(r);
	int hit = cond_holds(&r->when);
	g->total++;
	g->hits += hit;
	if (r->kind != C_GROUP_RUN)
		return;
	const struct dq_member *m = val(r->order_slot);
	if (dq_value_missing(m))
		return;
	if (g->n == g->cap) {
		g->cap = g->cap ? 2 * g->cap : 8;
		g->ents = dq_xrealloc(g->ents, g->cap * sizeof(*g->ents));
	}
	struct runent *e = &g->ents[g->n++];
	memset(e, 0, sizeof(*e));
	e->seq = run.n_in;
	e->hit = hit;
	if (m->type == DQ_JSON_NUMBER) {
		e->num = slot_num(r->order_slot);
	} else {
		size_t n;
		const char *s = slot_text(r->order_slot, &n);
		e->s = dq_xstrndup(s, n);
		e->slen = n;
	}
}

/* The uniqueness check of r on the current record, its hash made. */
static void
unique_decide(struct rule *r)
{
	if (!dq_keyset_add_hash(&r->set, &r->kh)) {
		if (r->nslots > 1) {
			key_values(r->slots, r->nslots);
			fail(r, mbuf.buf, mbuf.len, MSG_MAIN);
		} else {
			const struct dq_member *m = val(r->slots[0]);
			fail(r, m->val, m->vallen, MSG_MAIN);
		}
	} else if (r->set.n > (size_t)O.max_keys) {
		dq_die("rule %s: more than %lld distinct keys (--max-keys); "
		       "see dq-validate(1), UNIQUENESS",
		       r->code, O.max_keys);
	}
	r->dnv = -1;
}

/* Type the CSV cells of the fields the contract types (contract/types.h):
 * the rules then see what they would see in the NDJSON of the data. */
static void
type_cells(void)
{
	for (size_t i = 0; i < O.nslots; i++)
		if (O.slots[i].cell != DQ_CELL_TEXT && O.slots[i].mi >= 0)
			dq_value_type_cell(&rec, (size_t)O.slots[i].mi,
					   O.slots[i].cell);
}

static void
check_record(void)
{
	find_slots();
	if (run.item.csv)
		type_cells();
	read_lineage();
	rec_nviol = 0;
	rec_nv = 0;
	/* The _dq member text being built: "violations":[...]. */
	dq_buf_reset(&vbuf);
	dq_buf_add(&vbuf, "\"violations\":[", 14);

	for (size_t ri = 0; ri < O.nrules; ri++) {
		struct rule *r = &O.rules[ri];
		if (r->has_if && !cond_holds(&r->cond))
			continue;
		int sl = r->nslots ? r->slots[0] : -1;
		const struct dq_member *m = sl >= 0 ? val(sl) : NULL;
		const char *s = NULL;
		size_t n = 0;

		if (r->kind <= C_REFERENCE && r->kind != C_REQUIRED &&
		    r->kind != C_ANY_OF && r->kind != C_UNIQUE &&
		    r->kind != C_ORDER && dq_value_missing(m))
			continue;
		switch (r->kind) {
		case C_REQUIRED:
			r->checked++;
			if (dq_value_missing(m))
				fail(r, m ? m->val : NULL, m ? m->vallen : 0,
				     MSG_MAIN);
			break;
		case C_ANY_OF: {
			r->checked++;
			size_t k;
			for (k = 0; k < r->nslots; k++)
				if (!dq_value_missing(val(r->slots[k])))
					break;
			if (k == r->nslots)
				fail(r, NULL, 0, MSG_MAIN);
			break;
		}
		case C_TYPE:
			if (unparsed.len && is_unparsed(sl))
				break; /* a format failure, counted there */
			r->checked++;
			if (!type_ok(m, r->type))
				fail(r, m->val, m->vallen, (enum msg)m->type);
			break;
		case C_FORMAT:
			if (unparsed.len && is_unparsed(sl)) {
				r->checked++;
				fail(r, m->val, m->vallen, MSG_UNPARSED);
				break;
			}
			/* Numbers and booleans only fail by not parsing;
			 * other JSON types are the type check's business. */
			if (m->type != DQ_JSON_STRING || r->type <= T_BOOLEAN)
				break;
			r->checked++;
			if (!format_ok(r->type, sl))
				fail(r, m->val, m->vallen, MSG_MAIN);
			break;
		case C_PATTERN:
			if (m->type != DQ_JSON_STRING &&
			    m->type != DQ_JSON_NUMBER)
				break;
			r->checked++;
			s = slot_text(sl, &n);
			if (r->ere) {
				if (!dq_ere_match(r->ere, s, n))
					fail(r, m->val, m->vallen, MSG_MAIN);
				break;
			}
			/* regexec wants a NUL-terminated string. */
			dq_buf_reset(&tbuf);
			dq_buf_add(&tbuf, s, n);
			if (regexec(&r->re, tbuf.buf, 0, NULL, 0))
				fail(r, m->val, m->vallen, MSG_MAIN);
			break;
		case C_ENUM: {
			r->checked++;
			int ok = 0;
			double d = 0;
			if (m->type == DQ_JSON_STRING) {
				s = slot_text(sl, &n);
				ok = enum_has(r, s, n);
			} else if (m->type == DQ_JSON_NUMBER) {
				d = slot_num(sl);
			}
			for (size_t k = 0; k < r->nev && !ok &&
					   m->type != DQ_JSON_STRING;
			     k++) {
				const struct enumv *e = &r->ev[k];
				if (e->json != m->type)
					continue;
				if (e->json == DQ_JSON_NUMBER)
					ok = e->d == d;
				else
					ok = 1;
			}
			if (!ok)
				fail(r, m->val, m->vallen, MSG_MAIN);
			break;
		}
		case C_RANGE: {
			double x;
			if (r->date_bounds) {
				long long d;
				double secs;
				if (m->type != DQ_JSON_STRING ||
				    slot_iso(sl, &d, &secs) < 0)
					break;
				x = (double)d;
			} else {
				if (m->type != DQ_JSON_NUMBER)
					break;
				x = slot_num(sl);
			}
			r->checked++;
			if (r->has_min && x < r->min)
				fail(r, m->val, m->vallen, MSG_MIN);
			else if (r->has_max && x > r->max)
				fail(r, m->val, m->vallen, MSG_MAX);
			break;
		}
		case C_LENGTH: {
			if (m->type != DQ_JSON_STRING)
				break;
			r->checked++;
			s = slot_text(sl, &n);
			double len = (double)utf8_len(s, n);
			if (r->has_min && len < r->min)
				fail(r, m->val, m->vallen, MSG_MIN);
			else if (r->has_max && len > r->max)
				fail(r, m->val, m->vallen, MSG_MAX);
			break;
		}
		case C_ORDER: {
			const struct dq_member *b = val(r->slots[1]);
			double x, y;
			if (dq_value_missing(m) || dq_value_missing(b))
				break;
			int kx = ordinal(sl, &x), ky = ordinal(r->slots[1], &y);
			if (!kx || kx != ky)
				break;
			r->checked++;
			if (x > y || (x == y && !r->allow_equal)) {
				key_values(r->slots, 2);
				fail(r, mbuf.buf, mbuf.len, MSG_MAIN);
			}
			break;
		}
		case C_UNIQUE:
			if (!build_key(r->slots, r->nslots))
				break;
			r->checked++;
			dq_keyset_hash(kbuf.buf, kbuf.len, &r->kh);
			if (vfile.fd < 0) {
				/* Decided after the other checks, so that the
				 * set's cache miss overlaps their work.  (With
				 * --violations the lines would come out of
				 * order: decide now.) */
				dq_keyset_prefetch(&r->set, &r->kh);
				r->dpos = vbuf.len;
				r->dnv = rec_nviol;
				deferred[ndeferred++] = r;
				break;
			}
			unique_decide(r);
			break;
		case C_REFERENCE:
			if (m->type != DQ_JSON_STRING &&
			    m->type != DQ_JSON_NUMBER)
				break;
			r->checked++;
			s = slot_text(sl, &n);
			if (!dq_keyset_has(&r->set, s, n))
				fail(r, m->val, m->vallen, MSG_MAIN);
			break;
		case C_NULL_RATE:
			r->checked++;
			r->failures += dq_value_missing(m);
			break;
		case C_DUP_RATE:
			if (!build_key(r->slots, r->nslots))
				break;
			r->checked++;
			r->failures += !dq_keyset_add(&r->set, kbuf.buf,
						      kbuf.len);
			break;
		case C_GROUP_RATE:
		case C_GROUP_COUNT:
		case C_GROUP_RUN:
			group_add(r);
			break;
		default:
			break;
		}
	}
	/* Deferred uniqueness checks, the last first: an entry inserted
	 * at a later position leaves the earlier positions in place. */
	while (ndeferred)
		unique_decide(deferred[--ndeferred]);
	/* Invalid rates look at this record's violations. */
	for (size_t ri = 0; O.has_invalid_rate && ri < O.nrules; ri++) {
		struct rule *r = &O.rules[ri];
		if (r->kind != C_INVALID_RATE)
			continue;
		r->checked++;
		for (size_t k = 0; k < rec_nv; k++)
			if (rec_vslots[k] == r->slots[0]) {
				r->failures++;
				break;
			}
	}
}

/* ---- the end: set-level and grouped rules, score, summary ---- */

static int
cmp_ent(const void *a, const void *b)
{
	const struct runent *x = a, *y = b;
	int c;
	if (!x->s && !y->s)
		c = (x->num > y->num) - (x->num < y->num);
	else if (!x->s || !y->s)
		c = x->s ? 1 : -1; /* numbers first */
	else {
		size_t n = x->slen < y->slen ? x->slen : y->slen;
		c = memcmp(x->s, y->s, n);
		if (!c)
			c = (x->slen > y->slen) - (x->slen < y->slen);
	}
	if (!c)
		c = (x->seq > y->seq) - (x->seq < y->seq);
	return c;
}

/* A violations-file line for a set-level or grouped rule, whose message
 * is made at the end: r->message, else msg. */
static void
write_violation_text(const struct rule *r, const char *id, long line,
		     const char *v, size_t vn, const char *msg)
{
	if (r->message)
		msg = r->message;
	dq_buf_reset(&mbuf);
	dq_buf_add_json_string(&mbuf, msg, strlen(msg));
	write_violation(r, id, line, v, vn, mbuf.buf, mbuf.len);
}

static int
out_of_limits(const struct rule *r, double x)
{
	return (r->has_min && x < r->min) || (r->has_max && x > r->max);
}

static void
finish_groups(struct rule *r)
{
	char msg[200];
	for (size_t i = 0; i < r->ngroups; i++) {
		struct group *g = &r->groups[i];
		double x;
		const char *what;
		if (r->kind == C_GROUP_RATE) {
			x = g->total ? (double)g->hits / (double)g->total : 0;
			what = "rate";
		} else if (r->kind == C_GROUP_COUNT) {
			x = (double)g->hits;
			what = "count";
		} else {
			qsort(g->ents, g->n, sizeof(*g->ents), cmp_ent);
			size_t best = 0, cur = 0;
			for (size_t k = 0; k < g->n; k++) {
				cur = g->ents[k].hit ? cur + 1 : 0;
				if (cur > best)
					best = cur;
			}
			x = (double)best;
			what = "longest run";
		}
		r->checked++;
		if (!out_of_limits(r, x))
			continue;
		snprintf(msg, sizeof(msg), "%s %.4g is %s the limit %.4g", what,
			 x, r->has_min && x < r->min ? "below" : "above",
			 r->has_min && x < r->min ? r->min : r->max);
		r->failures++;
		n_viol[r->sev]++;
		if (r->nex < (size_t)O.examples) {
			if (!r->ex)
				r->ex = dq_xcalloc((size_t)O.examples,
						   sizeof(*r->ex));
			struct example *e = &r->ex[r->nex++];
			e->id = dq_xstrdup(g->label);
			e->value = dq_xstrdup(g->label);
		}
		if (vfile.fd >= 0)
			write_violation_text(r, g->label, 0, g->label,
					     strlen(g->label), msg);
	}
}

static void
finish_rules(uint64_t valid)
{
	char msg[200];
	for (size_t ri = 0; ri < O.nrules; ri++) {
		struct rule *r = &O.rules[ri];
		switch (r->kind) {
		case C_NULL_RATE:
		case C_INVALID_RATE:
		case C_DUP_RATE:
		case C_ROW_COUNT:
			/* A chunk's rates are not the stream's: --merge
			 * decides them from the added tallies. */
			if (O.partial)
				break;
			if (r->kind == C_ROW_COUNT)
				r->measured = (double)valid;
			else
				r->measured = r->checked
						      ? (double)r->failures /
								(double)r->checked
						      : 0;
			r->has_measured = 1;
			r->failed = out_of_limits(r, r->measured);
			if (r->failed) {
				n_viol[r->sev]++;
				snprintf(msg, sizeof(msg),
					 "%s %.6g is outside the limits",
					 check_names[r->kind], r->measured);
				if (vfile.fd >= 0) {
					char v[64];
					int vn = snprintf(v, sizeof(v), "%.6g",
							  r->measured);
					write_violation_text(r, NULL, 0, v,
							     (size_t)vn, msg);
				}
			}
			break;
		case C_GROUP_RATE:
		case C_GROUP_COUNT:
		case C_GROUP_RUN:
			finish_groups(r);
			/* fall through */
		default:
			r->failed = r->checked &&
				    (double)r->failures / (double)r->checked >
					    r->tolerance;
		}
	}
}

static cJSON *
raw_or_null(const char *s)
{
	return s ? cJSON_CreateRaw(s) : cJSON_CreateNull();
}

static double
round2(double x)
{
	return floor(x * 100 + 0.5) / 100;
}

/* Build the summary figures; returns whether the gate failed. */
static int
summary(cJSON *s, uint64_t valid)
{
	int checks[NCAT] = { 0 }, failed[NCAT] = { 0 }, gate = 0;
	int parse_failed = run.n_in > 0 && valid == 0;
	double ded[NCAT] = { 0 }, score = 100;

	cJSON *rules = cJSON_AddArrayToObject(s, "rules");
	for (size_t ri = 0; ri < O.nrules; ri++) {
		struct rule *r = &O.rules[ri];
		checks[r->cat]++;
		failed[r->cat] += r->failed;
		if (r->failed && r->sev >= O.fail_on && !O.warn_mode &&
		    !O.partial)
			gate = 1;
		cJSON *o = cJSON_CreateObject();
		cJSON_AddStringToObject(o, "code", r->code);
		cJSON_AddStringToObject(o, "check", check_names[r->kind]);
		cJSON_AddStringToObject(o, "field", r->label);
		cJSON_AddStringToObject(o, "severity", sev_names[r->sev]);
		cJSON_AddStringToObject(o, "category", cat_names[r->cat]);
		cJSON_AddNumberToObject(o, "checked", (double)r->checked);
		cJSON_AddNumberToObject(o, "failures", (double)r->failures);
		cJSON_AddNumberToObject(
			o, "rate",
			r->checked ? (double)r->failures / (double)r->checked
				   : 0);
		cJSON_AddNumberToObject(o, "tolerance", r->tolerance);
		if (r->has_measured)
			cJSON_AddNumberToObject(o, "measured", r->measured);
		cJSON_AddBoolToObject(o, "passed", !r->failed);
		if (r->hint)
			cJSON_AddStringToObject(o, "hint", r->hint);
		cJSON *ex = cJSON_AddArrayToObject(o, "examples");
		for (size_t k = 0; k < r->nex; k++) {
			cJSON *e = cJSON_CreateObject();
			if (r->ex[k].line)
				cJSON_AddNumberToObject(e, "line",
							(double)r->ex[k].line);
			cJSON_AddItemToObject(e, "id", raw_or_null(r->ex[k].id));
			cJSON_AddItemToObject(e, "value",
					      raw_or_null(r->ex[k].value));
			/* cJSON would reread a number as a double: the
			 * merge takes the bytes from these strings. */
			if (O.partial) {
				cJSON_AddStringToObject(e, "id_raw",
							r->ex[k].id);
				if (r->ex[k].value)
					cJSON_AddStringToObject(
						e, "value_raw", r->ex[k].value);
			}
			cJSON_AddItemToArray(ex, e);
		}
		cJSON_AddItemToArray(rules, o);
	}

	if (parse_failed) {
		/* Nothing parsed: formatParsing fails, checking stops. */
		memset(failed, 0, sizeof(failed));
		ded[CAT_FORMAT] = O.weights[CAT_FORMAT];
		score -= ded[CAT_FORMAT];
	} else {
		for (int c = 0; c < NCAT; c++) {
			if (checks[c])
				ded[c] = O.weights[c] * failed[c] / checks[c];
			score -= ded[c];
		}
	}
	if (score < 0)
		score = 0;
	if (score > 100)
		score = 100;
	int iscore = (int)floor(score + 0.5);
	int passed = iscore >= O.pass_mark;
	if (!passed && !O.partial)
		gate = 1;
	if (O.partial)
		cJSON_AddTrueToObject(s, "partial");

	cJSON_AddNumberToObject(s, "score", iscore);
	cJSON_AddBoolToObject(s, "passed", passed);
	cJSON_AddNumberToObject(s, "pass_mark", O.pass_mark);
	cJSON *d = cJSON_AddObjectToObject(s, "deductions");
	cJSON *mt = cJSON_AddObjectToObject(s, "metrics");
	for (int c = 0; c < NCAT; c++) {
		char det[200];
		cJSON_AddNumberToObject(d, cat_names[c], round2(ded[c]));
		cJSON *m = cJSON_AddObjectToObject(mt, metric_names[c]);
		int ok = !failed[c] && !(c == CAT_FORMAT && parse_failed);
		cJSON_AddBoolToObject(m, "passed", ok);
		if (c == CAT_FORMAT && parse_failed)
			snprintf(det, sizeof(det),
				 "no input record could be parsed (%llu "
				 "rejected)",
				 (unsigned long long)run.n_rejected);
		else
			snprintf(det, sizeof(det), "%d of %d checks failed",
				 failed[c], checks[c]);
		cJSON_AddStringToObject(m, "details", det);
		cJSON_AddNumberToObject(m, "checks", checks[c]);
		cJSON_AddNumberToObject(m, "failed", failed[c]);
		cJSON_AddNumberToObject(m, "weight", O.weights[c]);
		if (c == CAT_FORMAT) {
			cJSON_AddNumberToObject(m, "parsed", (double)valid);
			cJSON_AddNumberToObject(m, "rejected",
						(double)run.n_rejected);
		}
	}
	cJSON *v = cJSON_AddObjectToObject(s, "violations");
	for (int k = SEV_ERROR; k >= SEV_INFO; k--)
		cJSON_AddNumberToObject(v, sev_names[k], (double)n_viol[k]);
	cJSON_AddNumberToObject(v, "records", (double)n_records_viol);
	cJSON_AddStringToObject(s, "mode", O.warn_mode ? "warn" : "enforce");
	cJSON_AddStringToObject(s, "fail_on", sev_names[O.fail_on]);
	return gate;
}

/* ---- --merge ---- */

static double
num_at(const cJSON *o, const char *k1, const char *k2)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, k1);
	if (k2)
		v = cJSON_GetObjectItemCaseSensitive(v, k2);
	return cJSON_IsNumber(v) ? v->valuedouble : 0;
}

/* Add one chunk's partial summary (doc, read from path) to the rules'
 * tallies and the run's counts; -1 with a message when it is not one of
 * this contract's partial summaries. */
static int
merge_one(const char *path, const cJSON *doc, uint64_t *valid)
{
	const cJSON *tool = cJSON_GetObjectItemCaseSensitive(doc, "tool");
	const cJSON *cv =
		cJSON_GetObjectItemCaseSensitive(doc, "contract_version");
	const cJSON *rules = cJSON_GetObjectItemCaseSensitive(doc, "rules");

	if (!cJSON_IsString(tool) || strcmp(tool->valuestring, "dq-validate") ||
	    !cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(doc, "partial")) ||
	    !cJSON_IsArray(rules))
		return dq_error("%s: not a dq-validate --partial summary",
				path);
	if (!cJSON_IsString(cv) ||
	    strcmp(cv->valuestring, run.contract.checksum))
		return dq_error("%s: made with another contract (version %s, "
				"this one %s)",
				path,
				cJSON_IsString(cv) ? cv->valuestring : "none",
				run.contract.checksum);
	if ((size_t)cJSON_GetArraySize(rules) != O.nrules)
		return dq_error("%s: %d checks, the contract and flags make "
				"%zu: were the chunks run with other flags?",
				path, cJSON_GetArraySize(rules), O.nrules);

	run.n_in += (uint64_t)num_at(doc, "counts", "in");
	run.n_out += (uint64_t)num_at(doc, "counts", "out");
	run.n_quarantined += (uint64_t)num_at(doc, "counts", "quarantined");
	run.n_rejected += (uint64_t)num_at(doc, "counts", "rejected");
	run.in.blank += (uint64_t)num_at(doc, "counts", "blank");
	run.in.bytes += (uint64_t)num_at(doc, "counts", "bytes");
	const cJSON *fp = cJSON_GetObjectItemCaseSensitive(
		cJSON_GetObjectItemCaseSensitive(doc, "metrics"),
		"formatParsing");
	*valid += (uint64_t)num_at(fp, "parsed", NULL);
	for (int k = SEV_INFO; k <= SEV_ERROR; k++)
		n_viol[k] += (uint64_t)num_at(doc, "violations", sev_names[k]);
	n_records_viol += (uint64_t)num_at(doc, "violations", "records");

	size_t ri = 0;
	const cJSON *o;
	cJSON_ArrayForEach(o, rules)
	{
		struct rule *r = &O.rules[ri++];
		const cJSON *code = cJSON_GetObjectItemCaseSensitive(o, "code");
		const cJSON *ex;
		if (!cJSON_IsString(code) || strcmp(code->valuestring, r->code))
			return dq_error("%s: check %zu is '%s', the contract's "
					"is '%s'",
					path, ri,
					cJSON_IsString(code) ? code->valuestring
							     : "?",
					r->code);
		r->checked += (uint64_t)num_at(o, "checked", NULL);
		r->failures += (uint64_t)num_at(o, "failures", NULL);
		/* Chunks come in stream order, so the first examples of
		 * the chunks, in order, are the stream's first examples. */
		cJSON_ArrayForEach(
			ex, cJSON_GetObjectItemCaseSensitive(o, "examples"))
		{
			const cJSON *id =
				cJSON_GetObjectItemCaseSensitive(ex, "id_raw");
			const cJSON *v = cJSON_GetObjectItemCaseSensitive(
				ex, "value_raw");
			if (r->nex >= (size_t)O.examples)
				break;
			if (!cJSON_IsString(id))
				return dq_error("%s: check '%s': an example "
						"without id_raw",
						path, r->code);
			if (!r->ex)
				r->ex = dq_xcalloc((size_t)O.examples,
						   sizeof(*r->ex));
			struct example *e = &r->ex[r->nex++];
			e->line = (long)num_at(ex, "line", NULL);
			e->id = dq_xstrdup(id->valuestring);
			e->value = cJSON_IsString(v)
					   ? dq_xstrdup(v->valuestring)
					   : NULL;
		}
	}
	return 0;
}

/* Read the --partial summaries named on the command line, in order. */
static int
merge_partials(uint64_t *valid)
{
	*valid = 0;
	for (size_t i = 0; i < run.in.nfiles; i++) {
		const char *path = run.in.files[i];
		size_t len;
		const char *end;
		char *s = dq_read_file(path, &len);
		if (!s)
			return -1;
		cJSON *doc = cJSON_ParseWithOpts(s, &end, 1);
		int rc = doc ? merge_one(path, doc, valid)
			     : dq_error("%s: not a dq-validate --partial "
					"summary (not JSON)",
					path);
		cJSON_Delete(doc);
		free(s);
		if (rc)
			return -1;
	}
	return 0;
}

/* Rules that need the whole stream cannot run in chunks. */
static int
chunkable(void)
{
	for (size_t ri = 0; ri < O.nrules; ri++) {
		const struct rule *r = &O.rules[ri];
		if (r->kind == C_UNIQUE || r->kind == C_DUP_RATE ||
		    r->kind == C_GROUP_RATE || r->kind == C_GROUP_COUNT ||
		    r->kind == C_GROUP_RUN)
			return dq_error("rule '%s' (%s) needs the whole "
					"stream: it cannot run in chunks "
					"(--%s); validate the stream in one "
					"run, or partition it by the key",
					r->code, check_names[r->kind],
					O.merge ? "merge" : "partial");
	}
	return 0;
}

static void
release_all(void)
{
	for (size_t ri = 0; ri < O.nrules; ri++) {
		struct rule *r = &O.rules[ri];
		free(r->code);
		free(r->hint);
		free(r->message);
		free(r->label);
		free(r->slots);
		cJSON_Delete(r->cond.vals);
		cJSON_Delete(r->when.vals);
		if (r->has_re)
			regfree(&r->re);
		free(r->ere);
		free(r->pattern);
		for (size_t k = 0; k < r->nev; k++)
			free(r->ev[k].s);
		free(r->ev);
		free(r->etab);
		free(r->enum_msg);
		free(r->min_msg);
		free(r->max_msg);
		free(r->ref_file);
		free(r->ref_key);
		for (int k = 0; k < NMSG; k++) {
			free(r->ventry[k]);
			free(r->jmsg[k]);
		}
		free(r->jcode);
		free(r->jlabel);
		free(r->jhint);
		dq_keyset_release(&r->set);
		for (size_t k = 0; k < r->ngroups; k++) {
			struct group *g = &r->groups[k];
			for (size_t j = 0; j < g->n; j++)
				free(g->ents[j].s);
			free(g->ents);
			free(g->key);
			free(g->label);
		}
		free(r->groups);
		free(r->gtab);
		for (size_t k = 0; k < r->nex; k++) {
			free(r->ex[k].id);
			free(r->ex[k].value);
		}
		free(r->ex);
	}
	free(O.rules);
	for (size_t i = 0; i < O.nslots; i++) {
		free(O.slots[i].name);
		dq_buf_release(&O.slots[i].ubuf);
	}
	free(O.slots);
	free(O.stab);
	free(deferred);
	dq_buf_release(&dbuf);
	free(jrunid);
	free(rec_vslots);
	cJSON_Delete(O.quick);
	dq_buf_release(&vbuf);
	dq_buf_release(&tbuf);
	dq_buf_release(&kbuf);
	dq_buf_release(&mbuf);
	dq_buf_release(&unparsed);
	dq_buf_release(&idbuf);
	dq_buf_release(&rowbuf);
}

/* A JSON string of s, malloc'd. */
static char *
json_str(const char *s, size_t *n)
{
	struct dq_buf b = DQ_BUF_INIT;
	dq_buf_add_json_string(&b, s, strlen(s));
	return dq_buf_detach(&b, n);
}

/* The output text of a per-record rule's violations, made once. */
static void
rule_texts(struct rule *r)
{
	struct dq_buf t[NMSG];
	int nm = 1;

	for (int k = 0; k < NMSG; k++)
		t[k] = (struct dq_buf)DQ_BUF_INIT;
	switch (r->kind) {
	case C_REQUIRED:
		dq_buf_addstr(&t[0], "required value is missing");
		break;
	case C_ANY_OF:
	{
		char msg[200];
		snprintf(msg, sizeof(msg), "none of %s is present", r->label);
		for (char *p = msg; *p; p++)
			if (*p == '|')
				*p = ',';
		dq_buf_addstr(&t[0], msg);
		break;
	}
	case C_TYPE:
		nm = NMSG;
		for (int k = 0; k < NMSG; k++)
			dq_buf_addf(&t[k], "expected %s, found %s",
				    type_names[r->type], json_type_names[k]);
		break;
	case C_FORMAT:
		nm = 2;
		dq_buf_addstr(&t[MSG_MAIN], format_what(r->type));
		dq_buf_addf(&t[MSG_UNPARSED],
			    "dq-normalize could not parse it as %s",
			    type_names[r->type]);
		break;
	case C_PATTERN:
		dq_buf_addf(&t[0], "does not match the pattern %.150s",
			    r->pattern);
		break;
	case C_ENUM:
		dq_buf_addstr(&t[0], r->enum_msg);
		break;
	case C_RANGE:
	case C_LENGTH:
		nm = 2;
		dq_buf_addstr(&t[MSG_MIN], r->min_msg ? r->min_msg : "");
		dq_buf_addstr(&t[MSG_MAX], r->max_msg ? r->max_msg : "");
		break;
	case C_ORDER:
		dq_buf_addf(&t[0], "%.80s must %s %.80s",
			    O.slots[r->slots[0]].name,
			    r->allow_equal ? "not be after" : "be before",
			    O.slots[r->slots[1]].name);
		break;
	case C_UNIQUE:
		dq_buf_addf(&t[0], "duplicate of an earlier record's %s",
			    r->nslots > 1 ? "key" : "value");
		break;
	case C_REFERENCE:
		dq_buf_addf(&t[0], "not found in column %.60s of %.100s",
			    r->ref_key, r->ref_file);
		break;
	default:
		break;
	}
	for (int k = 0; k < nm; k++) {
		const char *m = r->message ? r->message : t[k].buf;
		r->jmsg[k] = json_str(m, &r->jmsglen[k]);
	}
	for (int k = 0; k < NMSG; k++)
		dq_buf_release(&t[k]);

	struct dq_buf b = DQ_BUF_INIT;
	r->jcode = json_str(r->code, NULL);
	r->jlabel = json_str(r->label, NULL);
	r->jhint = r->hint ? json_str(r->hint, NULL) : dq_xstrdup("null");
	dq_buf_addstr(&b, "{\"code\":");
	dq_buf_addstr(&b, r->jcode);
	dq_buf_addstr(&b, ",\"field\":");
	dq_buf_addstr(&b, r->jlabel);
	dq_buf_addstr(&b, ",\"severity\":\"");
	dq_buf_addstr(&b, sev_names[r->sev]);
	dq_buf_addstr(&b, "\",\"message\":");
	size_t head = b.len;
	for (int k = 0; k < nm; k++) {
		b.len = head;
		dq_buf_add(&b, r->jmsg[k], r->jmsglen[k]);
		dq_buf_addstr(&b, ",\"value\":");
		r->ventry[k] = dq_xstrndup(b.buf, b.len);
		r->ventrylen[k] = b.len;
	}
	dq_buf_release(&b);
}

int
main(int argc, char **argv)
{
	static const struct dq_tool tool = {
		.name = "dq-validate",
		.synopsis = synopsis,
		.help = help,
		.longopts = longopts,
		.option = option,
	};
	static const double w[NCAT] = { 40, 35, 20, 15, 10 };

	memcpy(O.weights, w, sizeof(w));
	O.pass_mark = 80;
	O.fail_on = SEV_ERROR;
	O.quarantine_on = SEV_ERROR;
	O.examples = 10;
	O.max_keys = 50000000;
	O.quick = cJSON_CreateObject();
	cJSON_AddObjectToObject(O.quick, "fields");
	cJSON_AddObjectToObject(O.quick, "rules");
	dq_out_init(&quar);
	dq_out_init(&vfile);

	dq_run_init(&run, &tool, argc, argv);
	O.today = dq_date_today_days();
	{
		int y, m, d;
		dq_date_from_days(O.today, &y, &m, &d);
		O.year = y;
	}
	dq_record_init(&dqrec);
	if (load_all(&run.contract))
		return 2;
	if (O.partial && O.merge) {
		dq_error("--partial and --merge: one or the other");
		return 2;
	}
	if (O.merge && (O.quarantine_path || !run.in.nfiles)) {
		dq_error(O.quarantine_path
				 ? "--merge reads summaries: no --quarantine"
				 : "--merge needs the chunks' --partial "
				   "summaries");
		return 2;
	}
	if ((O.partial || O.merge) && chunkable())
		return 2;
	O.id_slot = slot_get(run.id_field);
	slot_table();
	deferred = dq_xcalloc(O.nrules + 1, sizeof(*deferred));
	for (size_t ri = 0; ri < O.nrules; ri++) {
		O.rules[ri].dnv = -1;
		rule_texts(&O.rules[ri]);
		O.has_invalid_rate |= O.rules[ri].kind == C_INVALID_RATE;
	}
	jrunid = json_str(run.run_id, NULL);
	if (O.quarantine_path && dq_out_open(&quar, O.quarantine_path))
		return 2;
	if (O.violations_path && dq_out_open(&vfile, O.violations_path))
		return 2;

	uint64_t valid = 0;
	dq_record_init(&rec);
	if (O.merge && merge_partials(&valid)) {
		dq_record_release(&rec);
		dq_record_release(&dqrec);
		dq_out_close(&vfile);
		release_all();
		return 2;
	}
	while (!O.merge && dq_run_next(&run, &rec) > 0) {
		check_record();
		if (!rec_nviol) {
			if (rec.modified) /* typed CSV cells */
				dq_record_write(&rec, NULL, 0, &run.out.b);
			else
				dq_buf_add(&run.out.b, rec.text, rec.len);
			dq_run_emit(&run);
			continue;
		}
		n_records_viol++;
		dq_buf_addch(&vbuf, ']');
		if (quar.fd >= 0 && !O.warn_mode && rec_max >= O.quarantine_on) {
			dq_record_write(&rec, vbuf.buf, vbuf.len, &quar.b);
			dq_buf_addch(&quar.b, '\n');
			run.n_quarantined++;
			dq_out_commit(&quar);
			continue;
		}
		dq_record_write(&rec, vbuf.buf, vbuf.len, &run.out.b);
		dq_run_emit(&run);
	}
	dq_record_release(&rec);
	dq_record_release(&dqrec);

	if (!O.merge)
		valid = run.n_in - run.n_rejected;
	finish_rules(valid);
	cJSON *extra = cJSON_CreateObject();
	int gate = summary(extra, valid);
	dq_out_close(&quar);
	dq_out_close(&vfile);
	/* One line for a human when something was found; silence when
	 * all is well, as Unix filters do. */
	if (!run.quiet && (n_records_viol || gate)) {
		double score = cJSON_GetObjectItem(extra, "score")->valuedouble;
		dq_log(&run, "info", "end",
		       "%llu records: %llu with violations (%llu errors, %llu "
		       "warnings), %llu quarantined; score %.0f",
		       (unsigned long long)valid,
		       (unsigned long long)n_records_viol,
		       (unsigned long long)n_viol[SEV_ERROR],
		       (unsigned long long)n_viol[SEV_WARN],
		       (unsigned long long)run.n_quarantined, score);
	}
	int status = dq_run_finish(&run, extra, gate);
	release_all();
	return status;
}
