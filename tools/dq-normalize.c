/*
 * dq-normalize - rename and normalize the fields of records.
 *
 * Reads NDJSON or CSV records, applies the normalizer steps that the
 * contract's "fields" section (or the quick flags) names for each field,
 * and writes the records with lineage under "_dq": the line each came
 * from (row), an XXH3 hash of its original bytes (hash), the fields a
 * normalizer could not parse (unparsed) and, with --keep-original, the
 * original of every changed value (orig).  A value is either normalized
 * by its whole pipeline or left exactly as it came.
 */
#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define XXH_INLINE_ALL
#include <xxhash.h>

#include "norm/date.h"
#include "stream/json.h"
#include "cli/par.h"
#include "norm/phone.h"
#include "cli/run.h"
#include "norm/text.h"
#include "norm/value.h"

static const char synopsis[] =
	"usage: dq-normalize [-c CONTRACT]... [OPTIONS] [FILE...]\n"
	"\n"
	"Normalize the fields of NDJSON or CSV records as the contract's\n"
	"'fields' section says (or as the quick flags say), and stamp lineage\n"
	"under _dq: row, hash, unparsed, orig.  Values a step cannot parse stay\n"
	"as they came and are listed in _dq.unparsed.\n";

static const char help[] =
	"\n"
	"Quick normalizers (FIELDS is one name or a comma-separated list;\n"
	"each adds a step to those fields, after any from the contract):\n"
	"      --trim            trim white space in every string field\n"
	"      --collapse        trim and collapse inner white space everywhere\n"
	"      --nfc, --nfkc     Unicode NFC or NFKC on every string field\n"
	"      --null            null tokens become null in every string field\n"
	"      --null-tokens L   the null tokens, comma-separated (default:\n"
	"                        \"\",n/a,na,null,nil,none,-,--; case-insensitive)\n"
	"      --email FIELDS    trim, lower-case, check an email address\n"
	"      --phone FIELDS[:REGION]  to E.164 (default region: --region)\n"
	"      --region CC       default phone region (ISO 3166, default US)\n"
	"      --date FIELDS[:ORDER]    to ISO 8601 date; ORDER mdy, dmy, ymd\n"
	"      --datetime FIELDS[:ORDER] to ISO 8601 date and time\n"
	"      --lower FIELDS, --upper FIELDS, --title FIELDS\n"
	"      --name FIELDS     person-name title case (McDonald, O'Brien, van)\n"
	"      --ascii FIELDS    fold to ASCII (é->e, Ł->L, ß->ss)\n"
	"      --bool FIELDS     yes/no, y/n, true/false, 1/0, t/f -> true/false\n"
	"      --number FIELDS   \"$1,234.50\" -> 1234.50, \"12%\" -> 0.12\n"
	"      --state FIELDS    US state names -> USPS codes\n"
	"      --zip FIELDS      US ZIP / ZIP+4, leading zeros restored\n"
	"      --rename OLD=NEW  rename a field (repeatable)\n"
	"\n"
	"Output:\n"
	"      --keep-original   keep the original of each changed value in\n"
	"                        _dq.orig\n"
	"      --drop-unknown    drop fields the contract does not name\n"
	"      --no-lineage      do not add _dq.row and _dq.hash\n"
	"\n"
	"Speed:\n"
	"  -j, --jobs N          worker threads (default: the cores this\n"
	"                        process may use, at most 8); output, rejects\n"
	"                        and summary are the same for every N\n";

enum step_kind {
	S_TRIM,
	S_COLLAPSE,
	S_NFC,
	S_NFKC,
	S_LOWER,
	S_UPPER,
	S_TITLE,
	S_NAME,
	S_ASCII,
	S_NULL,
	S_EMAIL,
	S_PHONE,
	S_DATE,
	S_DATETIME,
	S_NUMBER,
	S_BOOL,
	S_STATE,
	S_ZIP,
	S_DIGITS
};

static const char *const step_names[] = {
	"trim",  "collapse", "nfc",    "nfkc",     "lower",  "upper",
	"title", "title_name", "ascii", "null",    "email",  "phone",
	"date",  "datetime", "number", "boolean",  "us_state", "zip",
	"digits"
};

struct step {
	enum step_kind kind;
	int email_flags;
	char region[4];
	int ext_drop;
	int zip_restore;
	struct dq_date_opts date;
	struct dq_number_opts num;
};

#define NSAMPLES 3

/* Figures for the summary, kept per worker and added up at the end. */
struct tally {
	unsigned long long seen, changed, unparsed, nulled;
	uint64_t first; /* 1 + the sequence number of the first record */
	/* Unknown fields: the first few values, with their records'
	 * sequence numbers, so that any number of workers pick the same. */
	char *samples[NSAMPLES];
	uint64_t sample_seq[NSAMPLES];
	size_t nsamples;
};

struct field {
	char *name;
	size_t namelen;
	size_t idx; /* in O.fields */
	struct step *steps;
	size_t nsteps;
	int known; /* named by the contract or a flag */
	struct tally t;
};

struct opts {
	struct field **fields; /* every field seen or configured */
	size_t nfields;
	size_t *table;         /* open addressing over fields, slot = i + 1 */
	size_t tcap;
	struct step *all_steps; /* --trim, --nfc, --null: every string */
	size_t nall;
	char **null_tokens;
	size_t nnull;
	char **renames;        /* pairs: from, to */
	size_t nrenames;
	char region[4];
	int keep_original;
	int drop_unknown;
	int lineage;
	int have_fields;       /* some field is configured */
	int multi_file;
	struct dq_name_opts name_opts;
	char **particles;
	/* Quick flags, applied after the contract is read. */
	char **quick;          /* "kind\0fields" strings */
	size_t nquick;
	size_t nunknown;
	int jobs;
	/* Workers add fields they meet for the first time: the table is
	 * read under a shared lock, grown under an exclusive one. */
	pthread_rwlock_t lock;
};

static struct opts O = { .lock = PTHREAD_RWLOCK_INITIALIZER };

/* ---- field table ---- */

static size_t
hash_key(const char *k, size_t n)
{
	return (size_t)XXH3_64bits(k, n);
}

static void
table_insert(size_t i)
{
	size_t mask = O.tcap - 1;
	size_t h = hash_key(O.fields[i]->name, O.fields[i]->namelen) & mask;
	while (O.table[h])
		h = (h + 1) & mask;
	O.table[h] = i + 1;
}

static struct field *
find_locked(const char *k, size_t n)
{
	if (!O.tcap)
		return NULL;
	size_t mask = O.tcap - 1, h = hash_key(k, n) & mask;
	while (O.table[h]) {
		struct field *f = O.fields[O.table[h] - 1];
		if (f->namelen == n && !memcmp(f->name, k, n))
			return f;
		h = (h + 1) & mask;
	}
	return NULL;
}

static struct field *
field_find(const char *k, size_t n)
{
	pthread_rwlock_rdlock(&O.lock);
	struct field *f = find_locked(k, n);
	pthread_rwlock_unlock(&O.lock);
	return f;
}

static struct field *
get_locked(const char *k, size_t n)
{
	struct field *f = find_locked(k, n);
	if (f)
		return f;
	if ((O.nfields + 1) * 2 > O.tcap) {
		O.tcap = O.tcap ? O.tcap * 2 : 64;
		free(O.table);
		O.table = dq_xcalloc(O.tcap, sizeof(size_t));
		for (size_t i = 0; i < O.nfields; i++)
			table_insert(i);
	}
	f = dq_xcalloc(1, sizeof(*f));
	f->name = dq_xstrndup(k, n);
	f->namelen = n;
	f->idx = O.nfields;
	O.fields = dq_xrealloc(O.fields, (O.nfields + 1) * sizeof(*O.fields));
	O.fields[O.nfields++] = f;
	table_insert(O.nfields - 1);
	return f;
}

static struct field *
field_get(const char *k, size_t n)
{
	struct field *f = field_find(k, n);
	if (f)
		return f;
	pthread_rwlock_wrlock(&O.lock);
	f = get_locked(k, n);
	pthread_rwlock_unlock(&O.lock);
	return f;
}

/* ---- steps from the contract and flags ---- */

static int
step_kind_of(const char *name)
{
	for (size_t i = 0; i < sizeof(step_names) / sizeof(*step_names); i++)
		if (!strcmp(step_names[i], name))
			return (int)i;
	if (!strcmp(name, "name"))
		return S_NAME;
	if (!strcmp(name, "bool"))
		return S_BOOL;
	if (!strcmp(name, "state"))
		return S_STATE;
	return -1;
}

static int
parse_order(const char *s, enum dq_date_order *o)
{
	if (!strcasecmp(s, "mdy"))
		*o = DQ_DATE_MDY;
	else if (!strcasecmp(s, "dmy"))
		*o = DQ_DATE_DMY;
	else if (!strcasecmp(s, "ymd"))
		*o = DQ_DATE_YMD;
	else
		return -1;
	return 0;
}

static void
step_defaults(struct step *s, enum step_kind k)
{
	memset(s, 0, sizeof(*s));
	s->kind = k;
	memcpy(s->region, O.region, sizeof(s->region));
	dq_date_opts_init(&s->date);
	dq_number_opts_init(&s->num);
	s->zip_restore = 1;
}

static int
set_region(struct step *s, const char *r, const char *where)
{
	if (strlen(r) != 2 || !dq_phone_region_known(r))
		return dq_error("%s: unknown phone region '%s'", where, r);
	s->region[0] = (char)(r[0] & ~0x20);
	s->region[1] = (char)(r[1] & ~0x20);
	s->region[2] = '\0';
	return 0;
}

/* Options of one step from the contract: {"phone": {"region": "GB"}}. */
static int
step_options(struct step *s, const cJSON *opt, const char *where)
{
	const cJSON *it;

	if (cJSON_IsString(opt)) {
		/* Shorthand: {"phone": "GB"}, {"date": "dmy"}. */
		if (s->kind == S_PHONE)
			return set_region(s, opt->valuestring, where);
		if ((s->kind == S_DATE || s->kind == S_DATETIME) &&
		    !parse_order(opt->valuestring, &s->date.order))
			return 0;
		return dq_error("%s: bad option \"%s\"", where,
				opt->valuestring);
	}
	if (!cJSON_IsObject(opt))
		return dq_error("%s: step options must be an object", where);
	cJSON_ArrayForEach(it, opt)
	{
		const char *k = it->string;
		int ok = 0;
		switch (s->kind) {
		case S_PHONE:
			if (!strcmp(k, "region") && cJSON_IsString(it)) {
				if (set_region(s, it->valuestring, where))
					return -1;
				ok = 1;
			} else if (!strcmp(k, "extension") &&
				   cJSON_IsString(it)) {
				ok = !strcmp(it->valuestring, "keep") ||
				     !strcmp(it->valuestring, "drop");
				s->ext_drop = !strcmp(it->valuestring, "drop");
			}
			break;
		case S_DATE:
		case S_DATETIME:
			if (!strcmp(k, "order") && cJSON_IsString(it))
				ok = !parse_order(it->valuestring,
						  &s->date.order);
			else if (!strcmp(k, "pivot") && cJSON_IsNumber(it) &&
				 it->valuedouble >= 0 &&
				 it->valuedouble <= 100) {
				s->date.pivot = it->valueint;
				ok = 1;
			} else if (!strcmp(k, "epoch") && cJSON_IsString(it)) {
				if (!strcmp(it->valuestring, "s"))
					s->date.epoch = 1, ok = 1;
				else if (!strcmp(it->valuestring, "ms"))
					s->date.epoch = 2, ok = 1;
			}
			break;
		case S_EMAIL:
			if (!strcmp(k, "strip_tag") && cJSON_IsBool(it)) {
				if (cJSON_IsTrue(it))
					s->email_flags |= DQ_EMAIL_STRIP_TAG;
				ok = 1;
			} else if (!strcmp(k, "strip_dots")) {
				if (cJSON_IsBool(it)) {
					if (cJSON_IsTrue(it))
						s->email_flags |=
							DQ_EMAIL_STRIP_DOTS;
					ok = 1;
				} else if (cJSON_IsString(it) &&
					   !strcmp(it->valuestring, "all")) {
					s->email_flags |=
						DQ_EMAIL_STRIP_DOTS_ALL;
					ok = 1;
				}
			}
			break;
		case S_NUMBER:
			if (!strcmp(k, "decimal") && cJSON_IsString(it) &&
			    (!strcmp(it->valuestring, ".") ||
			     !strcmp(it->valuestring, ","))) {
				s->num.decimal = it->valuestring[0];
				ok = 1;
			} else if (!strcmp(k, "percent") && cJSON_IsString(it)) {
				ok = !strcmp(it->valuestring, "fraction") ||
				     !strcmp(it->valuestring, "keep");
				s->num.percent_scale =
					!strcmp(it->valuestring, "fraction");
			}
			break;
		case S_ZIP:
			if (!strcmp(k, "restore_zeros") && cJSON_IsBool(it)) {
				s->zip_restore = cJSON_IsTrue(it);
				ok = 1;
			}
			break;
		default:
			break;
		}
		if (!ok)
			return dq_error("%s: unknown or bad option '%s' for "
					"step '%s'",
					where, k, step_names[s->kind]);
	}
	return 0;
}

static void
add_step(struct field *f, const struct step *s)
{
	f->steps = dq_xrealloc(f->steps, (f->nsteps + 1) * sizeof(*s));
	f->steps[f->nsteps++] = *s;
}

/* The steps a field gets from its type when it names none. */
static void
type_defaults(struct field *f, const char *type, const char *region)
{
	static const struct {
		const char *type;
		enum step_kind steps[3];
		int n;
	} map[] = {
		{ "email", { S_TRIM, S_NULL, S_EMAIL }, 3 },
		{ "phone", { S_TRIM, S_NULL, S_PHONE }, 3 },
		{ "date", { S_TRIM, S_NULL, S_DATE }, 3 },
		{ "datetime", { S_TRIM, S_NULL, S_DATETIME }, 3 },
		{ "boolean", { S_TRIM, S_NULL, S_BOOL }, 3 },
		{ "integer", { S_TRIM, S_NULL, S_NUMBER }, 3 },
		{ "number", { S_TRIM, S_NULL, S_NUMBER }, 3 },
		{ "us_state", { S_TRIM, S_NULL, S_STATE }, 3 },
		{ "zip", { S_TRIM, S_NULL, S_ZIP }, 3 },
	};
	for (size_t i = 0; i < sizeof(map) / sizeof(*map); i++) {
		if (strcmp(map[i].type, type))
			continue;
		for (int j = 0; j < map[i].n; j++) {
			struct step s;
			step_defaults(&s, map[i].steps[j]);
			if (region)
				memcpy(s.region, region, 3);
			add_step(f, &s);
		}
	}
}

static int
load_fields(const struct dq_contract *c)
{
	const cJSON *fields = dq_contract_get(c, "fields"), *fs;
	char where[300];

	cJSON_ArrayForEach(fs, fields)
	{
		struct field *f = field_get(fs->string, strlen(fs->string));
		const cJSON *norm = cJSON_GetObjectItemCaseSensitive(fs,
								     "normalize");
		const cJSON *type = cJSON_GetObjectItemCaseSensitive(fs, "type");
		const cJSON *reg = cJSON_GetObjectItemCaseSensitive(fs, "region");
		char region[4];

		f->known = 1;
		O.have_fields = 1;
		memcpy(region, O.region, sizeof(region));
		snprintf(where, sizeof(where), "contract: fields.%s", fs->string);
		if (reg) {
			struct step tmp;
			step_defaults(&tmp, S_PHONE);
			if (!cJSON_IsString(reg) ||
			    set_region(&tmp, reg->valuestring, where))
				return -1;
			memcpy(region, tmp.region, sizeof(region));
		}
		if (type && !cJSON_IsString(type))
			return dq_error("%s.type: must be a string", where);
		if (!norm) {
			if (type)
				type_defaults(f, type->valuestring, region);
			continue;
		}
		if (cJSON_IsString(norm)) {
			/* One step given bare: "normalize": "email". */
		} else if (!cJSON_IsArray(norm)) {
			return dq_error("%s.normalize: must be a list of steps",
					where);
		}
		const cJSON *st;
		cJSON *one = NULL;
		if (cJSON_IsString(norm)) {
			one = cJSON_CreateArray();
			cJSON_AddItemToArray(one, cJSON_CreateString(
							  norm->valuestring));
			norm = one;
		}
		cJSON_ArrayForEach(st, norm)
		{
			const char *name;
			const cJSON *opt = NULL;
			if (cJSON_IsString(st)) {
				name = st->valuestring;
			} else if (cJSON_IsObject(st) &&
				   cJSON_GetArraySize(st) == 1) {
				name = st->child->string;
				opt = st->child;
			} else {
				cJSON_Delete(one);
				return dq_error("%s.normalize: a step is a name "
						"or {\"name\": options}",
						where);
			}
			int k = step_kind_of(name);
			if (k < 0) {
				cJSON_Delete(one);
				return dq_error("%s.normalize: unknown step '%s'",
						where, name);
			}
			struct step s;
			step_defaults(&s, (enum step_kind)k);
			memcpy(s.region, region, sizeof(region));
			if (opt && step_options(&s, opt, where)) {
				cJSON_Delete(one);
				return -1;
			}
			add_step(f, &s);
		}
		cJSON_Delete(one);
	}
	return 0;
}

static char **
split_list(const char *s, size_t *n)
{
	char **v = NULL;
	*n = 0;
	for (;;) {
		const char *comma = strchr(s, ',');
		size_t len = comma ? (size_t)(comma - s) : strlen(s);
		v = dq_xrealloc(v, (*n + 1) * sizeof(char *));
		v[(*n)++] = dq_xstrndup(s, len);
		if (!comma)
			return v;
		s = comma + 1;
	}
}

static void
free_list(char **v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

static int
load_normalize_section(const struct dq_contract *c)
{
	const cJSON *sec = dq_contract_get(c, "normalize"), *it;

	cJSON_ArrayForEach(it, sec)
	{
		const char *k = it->string;
		if (!strcmp(k, "null_tokens")) {
			const cJSON *t;
			if (!cJSON_IsArray(it))
				return dq_error("contract: normalize.null_tokens "
						"must be a list of strings");
			free_list(O.null_tokens, O.nnull);
			O.null_tokens = NULL;
			O.nnull = 0;
			cJSON_ArrayForEach(t, it)
			{
				if (!cJSON_IsString(t))
					return dq_error("contract: "
							"normalize.null_tokens "
							"must be strings");
				O.null_tokens = dq_xrealloc(
					O.null_tokens,
					(O.nnull + 1) * sizeof(char *));
				O.null_tokens[O.nnull++] =
					dq_xstrdup(t->valuestring);
			}
		} else if (!strcmp(k, "unknown_fields")) {
			if (!cJSON_IsString(it) ||
			    (strcmp(it->valuestring, "keep") &&
			     strcmp(it->valuestring, "drop")))
				return dq_error("contract: normalize."
						"unknown_fields: keep or drop");
			O.drop_unknown |= !strcmp(it->valuestring, "drop");
		} else if (!strcmp(k, "keep_original")) {
			O.keep_original |= cJSON_IsTrue(it);
		} else if (!strcmp(k, "region")) {
			struct step tmp;
			step_defaults(&tmp, S_PHONE);
			if (!cJSON_IsString(it) ||
			    set_region(&tmp, it->valuestring,
				       "contract: normalize.region"))
				return -1;
			memcpy(O.region, tmp.region, sizeof(O.region));
		} else if (!strcmp(k, "particles")) {
			const cJSON *t;
			size_t n = 0;
			if (!cJSON_IsArray(it))
				return dq_error("contract: normalize.particles "
						"must be a list of strings");
			O.particles = dq_xcalloc(
				(size_t)cJSON_GetArraySize(it) + 1,
				sizeof(char *));
			cJSON_ArrayForEach(t, it)
			{
				if (!cJSON_IsString(t))
					return dq_error("contract: normalize."
							"particles must be "
							"strings");
				O.particles[n++] = dq_xstrdup(t->valuestring);
			}
			O.name_opts.particles = (const char *const *)O.particles;
		} else {
			return dq_error("contract: normalize.%s is not used by "
					"dq-normalize",
					k);
		}
	}
	return 0;
}

static int
load_renames(const struct dq_contract *c)
{
	const cJSON *sec = dq_contract_get(c, "rename"), *it;
	if (sec && !cJSON_IsObject(sec))
		return dq_error("contract: rename must map source names to "
				"field names");
	cJSON_ArrayForEach(it, sec)
	{
		if (!cJSON_IsString(it))
			return dq_error("contract: rename.%s: the new name must "
					"be a string",
					it->string);
		O.renames = dq_xrealloc(O.renames,
					(O.nrenames + 2) * sizeof(char *));
		O.renames[O.nrenames++] = dq_xstrdup(it->string);
		O.renames[O.nrenames++] = dq_xstrdup(it->valuestring);
	}
	return 0;
}

/* Quick flags: "KIND\tFIELDS[:ARG]". */
static int
apply_quick(const char *q)
{
	const char *tab = strchr(q, '\t');
	char kind[16];
	snprintf(kind, sizeof(kind), "%.*s", (int)(tab - q), q);
	char *spec = dq_xstrdup(tab + 1);
	char *arg = NULL;
	int k = step_kind_of(kind);
	char *colon = strrchr(spec, ':');

	if (colon && (k == S_PHONE || k == S_DATE || k == S_DATETIME)) {
		*colon = '\0';
		arg = colon + 1;
	}
	size_t n;
	char **names = split_list(spec, &n);
	int rc = 0;
	for (size_t i = 0; i < n && !rc; i++) {
		if (!*names[i]) {
			rc = dq_error("--%s: empty field name", kind);
			break;
		}
		struct field *f = field_get(names[i], strlen(names[i]));
		struct step s;
		f->known = 1;
		O.have_fields = 1;
		step_defaults(&s, (enum step_kind)k);
		if (arg && k == S_PHONE)
			rc = set_region(&s, arg, "--phone");
		else if (arg && parse_order(arg, &s.date.order))
			rc = dq_error("--%s: order '%s': expected mdy, dmy or "
				      "ymd",
				      kind, arg);
		/* Typed quick flags take the value whole: trim and nulls first,
		 * as a contract's type defaults do. */
		if (!rc && k != S_LOWER && k != S_UPPER && k != S_TITLE &&
		    k != S_NAME && k != S_ASCII) {
			struct step t;
			step_defaults(&t, S_TRIM);
			add_step(f, &t);
			step_defaults(&t, S_NULL);
			add_step(f, &t);
		}
		if (!rc)
			add_step(f, &s);
	}
	free_list(names, n);
	free(spec);
	return rc;
}

/* ---- command line ---- */

enum {
	O_TRIM = DQ_OPT_TOOL,
	O_COLLAPSE,
	O_NFC,
	O_NFKC,
	O_NULL,
	O_NULL_TOKENS,
	O_EMAIL,
	O_PHONE,
	O_REGION,
	O_DATE,
	O_DATETIME,
	O_LOWER,
	O_UPPER,
	O_TITLE,
	O_NAME,
	O_ASCII,
	O_BOOL,
	O_NUMBER,
	O_STATE,
	O_ZIP,
	O_RENAME,
	O_KEEP_ORIGINAL,
	O_DROP_UNKNOWN,
	O_NO_LINEAGE
};

static const struct option longopts[] = {
	{ "ascii", required_argument, NULL, O_ASCII },
	{ "bool", required_argument, NULL, O_BOOL },
	{ "collapse", no_argument, NULL, O_COLLAPSE },
	{ "date", required_argument, NULL, O_DATE },
	{ "datetime", required_argument, NULL, O_DATETIME },
	{ "drop-unknown", no_argument, NULL, O_DROP_UNKNOWN },
	{ "email", required_argument, NULL, O_EMAIL },
	{ "keep-original", no_argument, NULL, O_KEEP_ORIGINAL },
	{ "lower", required_argument, NULL, O_LOWER },
	{ "name", required_argument, NULL, O_NAME },
	{ "nfc", no_argument, NULL, O_NFC },
	{ "nfkc", no_argument, NULL, O_NFKC },
	{ "no-lineage", no_argument, NULL, O_NO_LINEAGE },
	{ "jobs", required_argument, NULL, 'j' },
	{ "null", no_argument, NULL, O_NULL },
	{ "null-tokens", required_argument, NULL, O_NULL_TOKENS },
	{ "number", required_argument, NULL, O_NUMBER },
	{ "phone", required_argument, NULL, O_PHONE },
	{ "region", required_argument, NULL, O_REGION },
	{ "rename", required_argument, NULL, O_RENAME },
	{ "state", required_argument, NULL, O_STATE },
	{ "title", required_argument, NULL, O_TITLE },
	{ "trim", no_argument, NULL, O_TRIM },
	{ "upper", required_argument, NULL, O_UPPER },
	{ "zip", required_argument, NULL, O_ZIP },
	{ NULL, 0, NULL, 0 }
};

static void
add_all_step(enum step_kind k)
{
	O.all_steps = dq_xrealloc(O.all_steps,
				  (O.nall + 1) * sizeof(*O.all_steps));
	step_defaults(&O.all_steps[O.nall++], k);
}

static void
add_quick(const char *kind, const char *arg)
{
	size_t n = strlen(kind) + strlen(arg) + 2;
	char *q = dq_xmalloc(n);
	snprintf(q, n, "%s\t%s", kind, arg);
	O.quick = dq_xrealloc(O.quick, (O.nquick + 1) * sizeof(char *));
	O.quick[O.nquick++] = q;
}

static int
option(void *ctx, int c, const char *arg)
{
	(void)ctx;
	switch (c) {
	case O_TRIM: add_all_step(S_TRIM); return 0;
	case O_COLLAPSE: add_all_step(S_COLLAPSE); return 0;
	case O_NFC: add_all_step(S_NFC); return 0;
	case O_NFKC: add_all_step(S_NFKC); return 0;
	case O_NULL: add_all_step(S_NULL); return 0;
	case O_NULL_TOKENS:
		free_list(O.null_tokens, O.nnull);
		O.null_tokens = split_list(arg, &O.nnull);
		return 0;
	case O_REGION:
		if (strlen(arg) != 2 || !dq_phone_region_known(arg))
			return dq_error("--region: unknown region '%s'", arg);
		O.region[0] = (char)(arg[0] & ~0x20);
		O.region[1] = (char)(arg[1] & ~0x20);
		return 0;
	case O_EMAIL: add_quick("email", arg); return 0;
	case O_PHONE: add_quick("phone", arg); return 0;
	case O_DATE: add_quick("date", arg); return 0;
	case O_DATETIME: add_quick("datetime", arg); return 0;
	case O_LOWER: add_quick("lower", arg); return 0;
	case O_UPPER: add_quick("upper", arg); return 0;
	case O_TITLE: add_quick("title", arg); return 0;
	case O_NAME: add_quick("title_name", arg); return 0;
	case O_ASCII: add_quick("ascii", arg); return 0;
	case O_BOOL: add_quick("boolean", arg); return 0;
	case O_NUMBER: add_quick("number", arg); return 0;
	case O_STATE: add_quick("us_state", arg); return 0;
	case O_ZIP: add_quick("zip", arg); return 0;
	case O_RENAME: {
		const char *eq = strchr(arg, '=');
		if (!eq || eq == arg || !eq[1])
			return dq_error("--rename '%s': expected OLD=NEW", arg);
		O.renames = dq_xrealloc(O.renames,
					(O.nrenames + 2) * sizeof(char *));
		O.renames[O.nrenames++] = dq_xstrndup(arg, (size_t)(eq - arg));
		O.renames[O.nrenames++] = dq_xstrdup(eq + 1);
		return 0;
	}
	case O_KEEP_ORIGINAL: O.keep_original = 1; return 0;
	case O_DROP_UNKNOWN: O.drop_unknown = 1; return 0;
	case O_NO_LINEAGE: O.lineage = 0; return 0;
	case 'j': {
		char *end;
		long n = strtol(arg, &end, 10);
		if (*end || end == arg || n < 1 || n > DQ_PAR_MAX_JOBS)
			return dq_error("--jobs '%s': expected 1 to %d", arg,
					DQ_PAR_MAX_JOBS);
		O.jobs = (int)n;
		return 0;
	}
	}
	return -1;
}

/* ---- applying steps ---- */

enum { R_STRING, R_RAW, R_FAIL };

static int
is_null_token(const char *s, size_t n)
{
	for (size_t i = 0; i < O.nnull; i++)
		if (strlen(O.null_tokens[i]) == n &&
		    !strncasecmp(O.null_tokens[i], s, n))
			return 1;
	return 0;
}

/*
 * Apply one step to text s (n bytes).  Appends the result to out and says
 * whether it is a string's text (R_STRING) or raw JSON (R_RAW: a number,
 * true, false, null), or R_FAIL (nothing appended).
 */
static int
apply(const struct step *st, const char *s, size_t n, struct dq_buf *out)
{
	int v;
	const char *code;

	switch (st->kind) {
	case S_TRIM:
		return dq_text_trim(s, n, out) ? R_FAIL : R_STRING;
	case S_COLLAPSE:
		return dq_text_collapse(s, n, out) ? R_FAIL : R_STRING;
	case S_NFC:
		return dq_text_nfc(s, n, out) ? R_FAIL : R_STRING;
	case S_NFKC:
		return dq_text_nfkc(s, n, out) ? R_FAIL : R_STRING;
	case S_LOWER:
		return dq_text_lower(s, n, out) ? R_FAIL : R_STRING;
	case S_UPPER:
		return dq_text_upper(s, n, out) ? R_FAIL : R_STRING;
	case S_TITLE:
		return dq_text_title(s, n, out) ? R_FAIL : R_STRING;
	case S_NAME:
		return dq_text_title_name(s, n, &O.name_opts, out) ? R_FAIL
								   : R_STRING;
	case S_ASCII:
		return dq_text_ascii(s, n, out) ? R_FAIL : R_STRING;
	case S_NULL:
		if (is_null_token(s, n)) {
			dq_buf_add(out, "null", 4);
			return R_RAW;
		}
		dq_buf_add(out, s, n);
		return R_STRING;
	case S_EMAIL:
		return dq_email_normalize(s, n, st->email_flags, out) ? R_FAIL
								      : R_STRING;
	case S_PHONE: {
		struct dq_buf ext = DQ_BUF_INIT;
		size_t mark = out->len;
		if (dq_phone_e164(s, n, st->region, out, &ext)) {
			dq_buf_release(&ext);
			return R_FAIL;
		}
		if (ext.len && !st->ext_drop) {
			dq_buf_add(out, ";ext=", 5);
			dq_buf_add(out, ext.buf, ext.len);
		}
		(void)mark;
		dq_buf_release(&ext);
		return R_STRING;
	}
	case S_DATE:
	case S_DATETIME: {
		struct dq_datetime dt;
		if (dq_date_parse(s, n, &st->date, &dt))
			return R_FAIL;
		dq_date_format(&dt, st->kind == S_DATETIME, out);
		return R_STRING;
	}
	case S_NUMBER:
		return dq_number_normalize(s, n, &st->num, out) ? R_FAIL
								: R_RAW;
	case S_BOOL:
		if (dq_bool_parse(s, n, &v))
			return R_FAIL;
		dq_buf_addstr(out, v ? "true" : "false");
		return R_RAW;
	case S_STATE:
		code = dq_us_state_code(s, n);
		if (!code)
			return R_FAIL;
		dq_buf_addstr(out, code);
		return R_STRING;
	case S_ZIP:
		return dq_zip_normalize(s, n, st->zip_restore, out) ? R_FAIL
								    : R_STRING;
	case S_DIGITS:
		for (size_t i = 0; i < n; i++)
			if (s[i] >= '0' && s[i] <= '9')
				dq_buf_addch(out, s[i]);
		return R_STRING;
	}
	return R_FAIL;
}

#define KEY_CACHE 64

/* A worker's scratch, key cache and tallies. */
struct worker {
	struct dq_buf ping, pong, text, enc, meta, unparsed, orig, clashes;
	struct field *key_cache[KEY_CACHE];
	struct tally *t; /* by field index */
	size_t nt;
	uint64_t seq;    /* the record in hand */
};

static struct tally *
tally_of(struct worker *w, const struct field *f)
{
	if (f->idx >= w->nt) {
		size_t n = f->idx + 16;
		w->t = dq_xrealloc(w->t, n * sizeof(*w->t));
		memset(w->t + w->nt, 0, (n - w->nt) * sizeof(*w->t));
		w->nt = n;
	}
	struct tally *t = &w->t[f->idx];
	if (!t->first)
		t->first = w->seq + 1;
	return t;
}

/*
 * Run the steps over member m.  Returns 1 if the value changed (and sets
 * it), 0 if unchanged, -1 if a step could not parse it (left as it came).
 */
static int
run_steps(struct worker *w, struct dq_record *r, size_t mi,
	  const struct step *steps, size_t nsteps)
{
	struct dq_member *m = &r->m[mi];
	const char *cur;
	size_t curlen;
	int kind;

	if (m->type == DQ_JSON_STRING) {
		if (m->flags & DQ_M_VAL_ESC) {
			dq_buf_reset(&w->text);
			dq_json_unescape(m->val, m->vallen, &w->text);
			cur = w->text.buf;
			curlen = w->text.len;
		} else {
			cur = m->val + 1;
			curlen = m->vallen - 2;
		}
		kind = R_STRING;
	} else if (m->type == DQ_JSON_NUMBER) {
		/* Numbers written as numbers (a phone, a ZIP, an epoch) are
		 * normalized from their text. */
		cur = m->val;
		curlen = m->vallen;
		kind = R_RAW;
	} else {
		return 0;
	}
	const char *start = cur;
	size_t startlen = curlen;
	struct dq_buf *dst = &w->ping, *spare = &w->pong;

	for (size_t i = 0; i < nsteps; i++) {
		/* Once a value is raw JSON (null, a boolean, a number) only
		 * the steps that read a number's text still apply: a phone,
		 * ZIP or epoch written as a JSON number. */
		if (kind == R_RAW) {
			enum step_kind k = steps[i].kind;
			if (cur[0] != '-' && (cur[0] < '0' || cur[0] > '9'))
				break;
			if (k != S_PHONE && k != S_ZIP && k != S_DATE &&
			    k != S_DATETIME && k != S_DIGITS && k != S_BOOL)
				continue;
		}
		dq_buf_reset(dst);
		int rc = apply(&steps[i], cur, curlen, dst);
		if (rc == R_FAIL)
			return -1;
		kind = rc;
		cur = dst->buf;
		curlen = dst->len;
		struct dq_buf *t = dst;
		dst = spare;
		spare = t;
	}
	int was_string = m->type == DQ_JSON_STRING;
	if ((kind == R_STRING) == was_string && curlen == startlen &&
	    !memcmp(cur, start, curlen))
		return 0;
	if (kind == R_STRING) {
		dq_buf_reset(&w->enc);
		dq_buf_add_json_string(&w->enc, cur, curlen);
		dq_record_set(r, mi, w->enc.buf, w->enc.len, DQ_JSON_STRING);
	} else {
		enum dq_json_type t = DQ_JSON_NUMBER;
		if (curlen == 4 && !memcmp(cur, "null", 4))
			t = DQ_JSON_NULL;
		else if (curlen == 4 && !memcmp(cur, "true", 4))
			t = DQ_JSON_TRUE;
		else if (curlen == 5 && !memcmp(cur, "false", 5))
			t = DQ_JSON_FALSE;
		dq_record_set(r, mi, cur, curlen, t);
	}
	return 1;
}

static void
note_unknown(struct worker *w, struct tally *t, const struct dq_member *m)
{
	if (t->nsamples < NSAMPLES && m->vallen <= 200) {
		t->sample_seq[t->nsamples] = w->seq;
		t->samples[t->nsamples++] = dq_xstrndup(m->val, m->vallen);
	}
}

static void
do_renames(struct worker *w, struct dq_record *r)
{
	for (size_t i = 0; i < O.nrenames; i += 2) {
		const char *from = O.renames[i], *to = O.renames[i + 1];
		long at = dq_record_find(r, from, strlen(from));
		if (at < 0)
			continue;
		/* Never make a duplicate key: if the new name is taken, the
		 * field keeps its source name and the clash is noted. */
		if (dq_record_find(r, to, strlen(to)) >= 0) {
			if (w->clashes.len)
				dq_buf_addch(&w->clashes, ',');
			dq_buf_add_json_string(&w->clashes, from,
					       strlen(from));
			continue;
		}
		dq_record_rename(r, (size_t)at, to, strlen(to));
	}
}

/* memcmp(a, b, n) == 0 for the short keys the key cache compares on
 * every member, without a library call: two overlapping loads settle any
 * key of 4 to 16 bytes. */
static inline int
same_key(const char *a, const char *b, size_t n)
{
	uint64_t x, y, u, v;
	uint32_t h, i, j, k;

	if (n >= 8 && n <= 16) {
		memcpy(&x, a, 8);
		memcpy(&y, b, 8);
		memcpy(&u, a + n - 8, 8);
		memcpy(&v, b + n - 8, 8);
		return x == y && u == v;
	}
	if (n >= 4 && n < 8) {
		memcpy(&h, a, 4);
		memcpy(&i, b, 4);
		memcpy(&j, a + n - 4, 4);
		memcpy(&k, b + n - 4, 4);
		return h == i && j == k;
	}
	return !memcmp(a, b, n);
}

static void
normalize_record(struct worker *w, struct dq_record *r,
		 const struct dq_item *it)
{
	struct field **key_cache = w->key_cache;

	dq_buf_reset(&w->unparsed);
	dq_buf_reset(&w->orig);
	dq_buf_reset(&w->clashes);
	if (O.nrenames)
		do_renames(w, r);
	/* With nothing configured the record passes through untouched. */
	size_t n = O.have_fields || O.nall ? r->n : 0;
	for (size_t i = 0; i < n; i++) {
		struct dq_member *m = &r->m[i];
		if ((long)i == r->dq || (m->flags & DQ_M_DROPPED))
			continue;
		struct field *f;
		/* Records of one stream mostly repeat their keys in the same
		 * order: try the field found at this position last time. */
		if (i < KEY_CACHE && key_cache[i] &&
		    key_cache[i]->namelen == m->keylen &&
		    !(m->flags & DQ_M_KEY_ESC) &&
		    same_key(key_cache[i]->name, m->key, m->keylen)) {
			f = key_cache[i];
		} else if (m->flags & DQ_M_KEY_ESC) {
			dq_buf_reset(&w->text);
			dq_json_unescape(m->key - 1, m->keylen + 2, &w->text);
			f = field_find(w->text.buf, w->text.len);
			if (!f && O.have_fields)
				f = field_get(w->text.buf, w->text.len);
		} else {
			f = field_find(m->key, m->keylen);
			if (!f && O.have_fields)
				f = field_get(m->key, m->keylen);
			if (i < KEY_CACHE)
				key_cache[i] = f;
		}
		struct tally *t = f ? tally_of(w, f) : NULL;
		if (f && !f->known) {
			t->seen++;
			note_unknown(w, t, m);
			if (O.drop_unknown) {
				dq_record_drop(r, i);
				continue;
			}
		}
		int was_null = m->type == DQ_JSON_NULL, rc = 0;
		struct dq_member saved = *m;
		const char *oval = m->val;
		size_t ovallen = m->vallen;
		if (O.nall)
			rc = run_steps(w, r, i, O.all_steps, O.nall);
		if (rc >= 0 && f && f->nsteps) {
			int rc2 = run_steps(w, r, i, f->steps, f->nsteps);
			rc = rc2 ? rc2 : rc;
			if (rc2 < 0)
				*m = saved; /* all or nothing */
		}
		if (rc > 0 && O.keep_original) {
			struct dq_buf *o = &w->orig;
			if (o->len)
				dq_buf_addch(o, ',');
			dq_buf_addch(o, '"');
			dq_buf_add(o, m->key, m->keylen);
			dq_buf_add(o, "\":", 2);
			dq_buf_add(o, oval, ovallen);
		}
		if (f && f->known) {
			t->seen++;
			if (rc > 0) {
				t->changed++;
				if (r->m[i].type == DQ_JSON_NULL && !was_null)
					t->nulled++;
			}
		}
		if (rc < 0) {
			struct dq_buf *u = &w->unparsed;
			if (f)
				t->unparsed++;
			if (u->len)
				dq_buf_addch(u, ',');
			dq_buf_addch(u, '"');
			dq_buf_add(u, r->m[i].key, r->m[i].keylen);
			dq_buf_addch(u, '"');
		}
	}

	struct dq_buf *meta = &w->meta;
	dq_buf_reset(meta);
	if (O.lineage) {
		int has_row = 0, has_hash = 0;
		if (r->dq >= 0) {
			/* Keep the first program's lineage. */
			const struct dq_member *d = &r->m[r->dq];
			has_row = d->type == DQ_JSON_OBJECT &&
				  memmem(d->val, d->vallen, "\"row\":", 6);
			has_hash = d->type == DQ_JSON_OBJECT &&
				   memmem(d->val, d->vallen, "\"hash\":", 7);
		}
		if (!has_row) {
			dq_buf_add(meta, "\"row\":", 6);
			dq_buf_add_int(meta, it->line);
		}
		if (!has_hash) {
			if (meta->len)
				dq_buf_addch(meta, ',');
			dq_buf_add(meta, "\"hash\":\"", 8);
			dq_buf_add_hex64(meta, XXH3_64bits(it->raw, it->rawlen));
			dq_buf_addch(meta, '"');
		}
		if (O.multi_file && !has_row) {
			dq_buf_addstr(meta, ",\"file\":");
			dq_buf_add_json_string(meta, it->file,
					       strlen(it->file));
		}
	}
	if (w->unparsed.len) {
		dq_buf_addf(meta, "%s\"unparsed\":[", meta->len ? "," : "");
		dq_buf_add(meta, w->unparsed.buf, w->unparsed.len);
		dq_buf_addch(meta, ']');
	}
	if (w->clashes.len) {
		dq_buf_addf(meta, "%s\"not_renamed\":[", meta->len ? "," : "");
		dq_buf_add(meta, w->clashes.buf, w->clashes.len);
		dq_buf_addch(meta, ']');
	}
	if (w->orig.len) {
		dq_buf_addf(meta, "%s\"orig\":{", meta->len ? "," : "");
		dq_buf_add(meta, w->orig.buf, w->orig.len);
		dq_buf_addch(meta, '}');
	}
}

/* ---- the per-record work, in one thread or several ---- */

static void *
work_start(void *ctx, int k)
{
	(void)ctx;
	(void)k;
	return dq_xcalloc(1, sizeof(struct worker));
}

static int
work_record(void *ws, struct dq_record *rec, const struct dq_item *it,
	    uint64_t seq, struct dq_buf *out, const char **reject)
{
	struct worker *w = ws;

	(void)reject;
	w->seq = seq;
	normalize_record(w, rec, it);
	dq_record_write(rec, w->meta.buf, w->meta.len, out);
	dq_buf_addch(out, '\n');
	return 1;
}

/* Keep the NSAMPLES earliest of a's and b's samples in a. */
static void
merge_samples(struct tally *a, struct tally *b)
{
	for (size_t j = 0; j < b->nsamples; j++) {
		size_t at = a->nsamples;
		while (at > 0 && a->sample_seq[at - 1] > b->sample_seq[j])
			at--;
		if (at == NSAMPLES) {
			free(b->samples[j]);
			continue;
		}
		if (a->nsamples == NSAMPLES)
			free(a->samples[--a->nsamples]);
		memmove(a->samples + at + 1, a->samples + at,
			(a->nsamples - at) * sizeof(*a->samples));
		memmove(a->sample_seq + at + 1, a->sample_seq + at,
			(a->nsamples - at) * sizeof(*a->sample_seq));
		a->samples[at] = b->samples[j];
		a->sample_seq[at] = b->sample_seq[j];
		a->nsamples++;
	}
	b->nsamples = 0;
}

static void
work_finish(void *ctx, void *ws, int k)
{
	struct worker *w = ws;

	(void)ctx;
	(void)k;
	for (size_t i = 0; i < w->nt && i < O.nfields; i++) {
		struct tally *a = &O.fields[i]->t, *b = &w->t[i];
		a->seen += b->seen;
		a->changed += b->changed;
		a->unparsed += b->unparsed;
		a->nulled += b->nulled;
		if (b->first && (!a->first || b->first < a->first))
			a->first = b->first;
		merge_samples(a, b);
	}
	free(w->t);
	dq_buf_release(&w->ping);
	dq_buf_release(&w->pong);
	dq_buf_release(&w->text);
	dq_buf_release(&w->enc);
	dq_buf_release(&w->meta);
	dq_buf_release(&w->unparsed);
	dq_buf_release(&w->orig);
	dq_buf_release(&w->clashes);
	free(w);
}

/* Unknown fields in the order a single thread would have met them. */
static int
by_first(const void *a, const void *b)
{
	const struct field *x = *(struct field *const *)a;
	const struct field *y = *(struct field *const *)b;

	if (x->t.first != y->t.first)
		return x->t.first < y->t.first ? -1 : 1;
	return x->idx < y->idx ? -1 : x->idx > y->idx;
}

static cJSON *
summary_figures(void)
{
	cJSON *s = cJSON_CreateObject();
	cJSON *fields = cJSON_AddObjectToObject(s, "fields");
	cJSON *unknown = cJSON_AddArrayToObject(s, "unknown_fields");
	struct field **u = dq_xcalloc(O.nfields + 1, sizeof(*u));
	size_t nu = 0;

	for (size_t i = 0; i < O.nfields; i++) {
		struct field *f = O.fields[i];
		if (!f->known) {
			u[nu++] = f;
			continue;
		}
		cJSON *o = cJSON_AddObjectToObject(fields, f->name);
		cJSON_AddNumberToObject(o, "seen", (double)f->t.seen);
		cJSON_AddNumberToObject(o, "changed", (double)f->t.changed);
		cJSON_AddNumberToObject(o, "nulled", (double)f->t.nulled);
		cJSON_AddNumberToObject(o, "unparsed", (double)f->t.unparsed);
	}
	qsort(u, nu, sizeof(*u), by_first);
	for (size_t i = 0; i < nu; i++) {
		struct field *f = u[i];
		cJSON *o = cJSON_CreateObject();
		cJSON_AddStringToObject(o, "field", f->name);
		cJSON_AddNumberToObject(o, "count", (double)f->t.seen);
		cJSON_AddBoolToObject(o, "dropped", O.drop_unknown);
		cJSON *sv = cJSON_AddArrayToObject(o, "samples");
		for (size_t j = 0; j < f->t.nsamples; j++) {
			const char *v = f->t.samples[j];
			cJSON *x = cJSON_Parse(v);
			cJSON_AddItemToArray(sv, x ? x : cJSON_CreateString(v));
		}
		cJSON_AddItemToArray(unknown, o);
	}
	free(u);
	return s;
}

static void
opts_release(void)
{
	for (size_t i = 0; i < O.nfields; i++) {
		struct field *f = O.fields[i];
		free(f->name);
		free(f->steps);
		for (size_t j = 0; j < f->t.nsamples; j++)
			free(f->t.samples[j]);
		free(f);
	}
	free(O.fields);
	free(O.table);
	free(O.all_steps);
	free_list(O.null_tokens, O.nnull);
	free_list(O.renames, O.nrenames);
	free_list(O.quick, O.nquick);
	if (O.particles) {
		for (size_t i = 0; O.particles[i]; i++)
			free(O.particles[i]);
		free(O.particles);
	}
}

int
main(int argc, char **argv)
{
	static const struct dq_tool tool = {
		.name = "dq-normalize",
		.synopsis = synopsis,
		.help = help,
		.shortopts = "j:",
		.longopts = longopts,
		.option = option,
	};
	static const char *const default_nulls[] = {
		"", "n/a", "na", "null", "nil", "none", "-", "--"
	};
	static const struct dq_par_work work = {
		.start = work_start,
		.record = work_record,
		.finish = work_finish,
	};
	/* Static, so that an early exit leaves nothing unreachable behind. */
	static struct dq_run run;

	/* Named before the first allocation, which may fail. */
	dq_progname = tool.name;
	O.lineage = 1;
	memcpy(O.region, "US", 3);
	for (size_t i = 0; i < sizeof(default_nulls) / sizeof(*default_nulls);
	     i++) {
		O.null_tokens = dq_xrealloc(O.null_tokens,
					    (O.nnull + 1) * sizeof(char *));
		O.null_tokens[O.nnull++] = dq_xstrdup(default_nulls[i]);
	}
	dq_run_init(&run, &tool, argc, argv);
	if (load_normalize_section(&run.contract) ||
	    load_renames(&run.contract) || load_fields(&run.contract))
		return 2;
	for (size_t i = 0; i < O.nquick; i++)
		if (apply_quick(O.quick[i]))
			return 2;
	O.multi_file = run.in.nfiles > 1;

	dq_par_run(&run, O.jobs ? O.jobs : dq_par_default_jobs(), &work);
	int status = dq_run_finish(&run, summary_figures(), 0);
	opts_release();
	return status;
}
