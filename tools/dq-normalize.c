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

#include "base/strmap.h"
#include "cli/opt.h"
#include "cli/par.h"
#include "cli/run.h"
#include "cli/watermark.h"
#include "contract/derive.h"
#include "norm/phone.h"
#include "norm/steps.h"
#include "stream/changes.h"
#include "stream/json.h"
#include "stream/meta.h"
#include "stream/path.h"
#include "stream/walk.h"

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
	"each adds a step to those fields, after any from the contract; a\n"
	"name may be a path: addr.zip, emails[], items[].sku):\n"
	"      --trim            trim white space in every string field\n"
	"      --collapse        trim and collapse inner white space everywhere\n"
	"      --nfc, --nfkc     Unicode NFC or NFKC on every string field\n"
	"      --null            null tokens become null in every string field\n"
	"                        (a name field keeps Na and Nil: names too)\n"
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
	"      --html-unescape FIELDS  decode HTML character references\n"
	"                        (&ouml; &#246; &#xF6; -> ö; unknown ones kept)\n"
	"      --invisible       remove soft hyphens, zero-width spaces, word\n"
	"                        joiners and BOMs from every string field\n"
	"      --bool FIELDS     yes/no, y/n, true/false, 1/0, t/f -> true/false\n"
	"      --number FIELDS   \"$1,234.50\" -> 1234.50, \"12%\" -> 0.12\n"
	"      --state FIELDS    US state names -> USPS codes\n"
	"      --zip FIELDS      US ZIP / ZIP+4, leading zeros restored where\n"
	"                        the record's state (--state field) agrees\n"
	"      --rename OLD=NEW  rename a field (repeatable); OLD may be a\n"
	"                        path (a.b=ab moves a nested value out)\n"
	"      --mask FIELDS     the value becomes \"[masked]\"\n"
	"      --hash FIELDS     the keyed HMAC-SHA-256 of the trimmed value, 32\n"
	"                        hex digits (key: $DQ_PII_KEY or pii.key_env)\n"
	"      --drop FIELDS     remove the field from every record\n"
	"\n"
	"Output:\n"
	"      --keep-original   keep the original of each changed value in\n"
	"                        _dq.orig\n"
	"      --drop-unknown    drop fields the contract does not name\n"
	"      --no-lineage      do not add _dq.row and _dq.hash\n"
	"\n"
	"Changes since the last run (records keyed by --id):\n"
	"      --previous FILE   the last run's hashes: each record gets\n"
	"                        _dq.change new, changed or unchanged, and the\n"
	"                        summary counts them and the keys gone\n"
	"      --hashes-out FILE write this run's canonical hashes there, the\n"
	"                        next run's --previous\n"
	"      --since FIELD=TIME  only records whose FIELD, normalized as the\n"
	"                        contract says (ISO 8601 time or epoch\n"
	"                        seconds), is after TIME; the rest are\n"
	"                        skipped (counted); one that is no time\n"
	"                        goes to rejects\n"
	"      --watermark FIELD=FILE  TIME from FILE, the last successful\n"
	"                        run's latest FIELD; rewritten on success\n"
	"\n"
	"Speed:\n"
	"  -j, --jobs N          worker threads (default: the cores this\n"
	"                        process may use, at most 8); output, rejects\n"
	"                        and summary are the same for every N\n";
#define NSAMPLES 3

/* Figures for the summary, kept per worker and added up at the end. */
struct tally {
	unsigned long long seen, changed, unparsed, nulled;
	unsigned long long defaulted, derived, no_source; /* fills */
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
	struct dq_step_list steps;
	int known; /* named by the contract or a flag */
	int is_name; /* its steps hold title_name: a name field */
	int fill;    /* has a default or a derivation (contract/derive) */
	int container; /* known only as the top of a path: not reported */
	int drop;    /* a drop step: the member is removed */
	int hides;   /* a mask, hash or drop step: no _dq.orig for it */
	struct dq_path *path; /* a name that is a path (owned), or NULL */
	struct dq_path *epath; /* "name[]": its elements (owned), for a
				* configured field whose value is an array */
	struct tally t;
};

/* A quick flag (--email FIELDS, ...), applied after the contract. */
struct quick {
	enum dq_step_kind kind;
	const char *spec;      /* FIELDS[:ARG], borrowed from argv */
};

struct opts {
	struct field **fields; /* every field seen or configured */
	size_t nfields;
	struct dq_strmap names; /* field name -> index in fields */
	struct dq_steps set;   /* null tokens, region, name particles */
	struct dq_step_list all; /* --trim, --nfc, --null: every string */
	struct dq_step_list all_names; /* the same for a name field */
	struct dq_fills fills; /* defaults and derived fields */
	struct field **fill_field; /* by fill */
	char **renames;        /* pairs: from, to */
	size_t nrenames;
	struct dq_path **rename_from; /* per pair: from as a path, or NULL */
	int keep_original;
	int drop_unknown;
	int lineage;
	/* New, changed, unchanged (stream/changes.h): --previous FILE,
	 * --hashes-out FILE, the key field (--id). */
	const char *previous, *hashes_out, *key_field;
	struct dq_changes changes;
	struct dq_watermark wm; /* --since, --watermark */
	int have_fields;       /* some field is configured */
	int multi_file;
	struct quick *quick;
	size_t nquick;
	struct field **paths; /* the fields whose names are paths */
	size_t npaths;
	int jobs;
	/* Workers add fields they meet for the first time: the table is
	 * read under a shared lock, grown under an exclusive one. */
	pthread_rwlock_t lock;
};

static struct opts O = { .lock = PTHREAD_RWLOCK_INITIALIZER };

/* ---- field table ---- */

static struct field *
find_locked(const char *k, size_t n)
{
	long i = dq_strmap_get(&O.names, k, n);
	return i < 0 ? NULL : O.fields[i];
}

static struct field *
get_locked(const char *k, size_t n)
{
	struct field *f = find_locked(k, n);
	if (f)
		return f;
	f = dq_xcalloc(1, sizeof(*f));
	f->name = dq_xstrndup(k, n);
	f->namelen = n;
	f->idx = O.nfields;
	O.fields = dq_xrealloc(O.fields, (O.nfields + 1) * sizeof(*O.fields));
	O.fields[O.nfields++] = f;
	dq_strmap_add(&O.names, k, n, f->idx);
	return f;
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
/* ---- steps from the contract and flags (norm/steps.h) ---- */

static int
load_fields(const struct dq_contract *c)
{
	const cJSON *fields = dq_contract_get(c, "fields"), *fs;
	char where[300];

	cJSON_ArrayForEach(fs, fields)
	{
		struct field *f = field_get(fs->string, strlen(fs->string));

		f->known = 1;
		O.have_fields = 1;
		snprintf(where, sizeof(where), "contract: fields.%s", fs->string);
		if (dq_steps_from_field(&O.set, fs, where, &f->steps))
			return -1;
	}
	return 0;
}

/* Defaults and derived fields, filled after every field's steps. */
static int
load_fills(const struct dq_contract *c)
{
	if (dq_fills_load(&O.fills, dq_contract_get(c, "fields")))
		return -1;
	O.fill_field = dq_xcalloc(O.fills.n + 1, sizeof(*O.fill_field));
	for (size_t i = 0; i < O.fills.n; i++) {
		const char *name = O.fills.v[i].field;
		O.fill_field[i] = field_get(name, strlen(name));
		O.fill_field[i]->fill = 1;
	}
	return 0;
}

/* One rename, from -> to.  A from that is a path (fields.Name) moves
 * that nested value to the top-level field to, in records without the
 * exact key from; a path with [] names many values and is refused. */
static int
add_rename(char *from, char *to, const char *where)
{
	struct dq_path *p = NULL;

	if (dq_path_is_nested(from, strlen(from))) {
		if (dq_path_has_each(from, strlen(from))) {
			dq_error("%s '%s': a path with [] names many values; "
				 "rename moves one", where, from);
			goto bad;
		}
		p = dq_xmalloc(sizeof(*p));
		if (dq_path_parse(p, from, strlen(from), NULL)) {
			dq_path_release(p);
			free(p);
			p = NULL; /* no path: the exact key only */
		}
	}
	O.renames = dq_xrealloc(O.renames, (O.nrenames + 2) * sizeof(char *));
	O.rename_from = dq_xrealloc(O.rename_from,
				    (O.nrenames / 2 + 1) * sizeof(*p));
	O.rename_from[O.nrenames / 2] = p;
	O.renames[O.nrenames++] = from;
	O.renames[O.nrenames++] = to;
	return 0;
bad:
	free(from);
	free(to);
	return -1;
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
		if (!strcmp(it->valuestring, "_dq") || !strcmp(it->string, "_dq"))
			return dq_error("contract: rename.%s: \"_dq\" is dq's "
					"metadata, not a field to rename to "
					"or from",
					it->string);
		if (add_rename(dq_xstrdup(it->string),
			       dq_xstrdup(it->valuestring), "contract: rename"))
			return -1;
	}
	return 0;
}

/* A quick flag: its steps for each of FIELDS (comma-separated); phone,
 * date and datetime take a ":ARG" after the last field. */
static int
apply_quick(const struct quick *q)
{
	const char *kind = dq_step_name(q->kind), *s = q->spec, *arg = NULL;
	const char *end = s + strlen(s), *colon = strrchr(s, ':');

	if (colon && (q->kind == DQ_STEP_PHONE || q->kind == DQ_STEP_DATE ||
		      q->kind == DQ_STEP_DATETIME)) {
		arg = colon + 1;
		end = colon;
	}
	for (;;) {
		const char *comma = memchr(s, ',', (size_t)(end - s));
		size_t len = comma ? (size_t)(comma - s) : (size_t)(end - s);
		if (!len)
			return dq_error("--%s: empty field name", kind);
		struct field *f = field_get(s, len);
		f->known = 1;
		O.have_fields = 1;
		if (dq_steps_quick(&O.set, kind, arg, &f->steps))
			return -1;
		if (!comma)
			return 0;
		s = comma + 1;
	}
}

/* Name fields (title_name among their steps, from the contract or a
 * flag) keep the null tokens normalize.names_keep lists, also against
 * the --null that applies to every field.  A padded ZIP must lie in the
 * record's state: the state field is the one field with a us_state step
 * (none when there are several), unless a zip step names its own. */
static void
mark_fields(void)
{
	const char *state = NULL;
	size_t nstate = 0;

	for (size_t i = 0; i < O.nfields; i++)
		if (dq_step_list_has(&O.fields[i]->steps, DQ_STEP_STATE)) {
			state = O.fields[i]->name;
			nstate++;
		}
	if (nstate == 1)
		for (size_t i = 0; i < O.nfields; i++)
			dq_step_list_zip_state(&O.fields[i]->steps, state);
	for (size_t i = 0; i < O.all.n; i++)
		dq_step_list_add(&O.all_names, &O.all.v[i]);
	dq_step_list_names(&O.all_names);
	for (size_t i = 0; i < O.nfields; i++) {
		struct field *f = O.fields[i];
		f->is_name = dq_step_list_has(&f->steps, DQ_STEP_NAME);
		if (f->is_name)
			dq_step_list_names(&f->steps);
	}
	/* A configured field's elements, when its value is an array: the
	 * path "name[]" (name escaped as a path's key). */
	for (size_t i = 0; i < O.nfields; i++) {
		struct field *f = O.fields[i];
		struct dq_buf b = DQ_BUF_INIT;
		struct dq_path p;
		if (!f->known || (!f->steps.n && !O.all.n))
			continue;
		for (size_t k = 0; k < f->namelen; k++) {
			if (strchr(".[]\\", f->name[k]))
				dq_buf_addch(&b, '\\');
			dq_buf_addch(&b, f->name[k]);
		}
		dq_buf_add(&b, "[]", 2);
		if (!dq_path_parse(&p, b.buf, b.len, NULL)) {
			f->epath = dq_xmalloc(sizeof(p));
			*f->epath = p;
		}
		dq_buf_release(&b);
	}
	/* Fields named by paths (stream/path.h): their top-level members
	 * are known, not unknown fields to report or drop. */
	size_t n = O.nfields;
	for (size_t i = 0; i < n; i++) {
		struct field *f = O.fields[i];
		struct dq_path p;
		if (!f->known || !dq_path_is_nested(f->name, f->namelen) ||
		    dq_path_parse(&p, f->name, f->namelen, NULL))
			continue;
		f->path = dq_xmalloc(sizeof(p));
		*f->path = p;
		O.paths = dq_xrealloc(O.paths, (O.npaths + 1) * sizeof(f));
		O.paths[O.npaths++] = f;
		struct field *top = field_get(p.s[0].key, p.s[0].len);
		if (!top->known)
			top->known = top->container = 1;
	}
}

/* The fields whose values a mask, hash or drop step hides: their
 * originals are never kept; a hash step needs the key from the
 * environment (contract/pii.h's variable); drop is for top-level fields.
 * 0, or -1 after a message. */
static int
hiding_fields(const struct dq_contract *c)
{
	const char *var = dq_pii_key_env(c), *key = getenv(var);
	for (size_t i = 0; i < O.nfields; i++) {
		struct field *f = O.fields[i];
		f->drop = dq_step_list_has(&f->steps, DQ_STEP_DROP);
		f->hides = f->drop ||
			   dq_step_list_has(&f->steps, DQ_STEP_MASK) ||
			   dq_step_list_has(&f->steps, DQ_STEP_HASH);
		if (f->drop && f->path)
			return dq_error("field '%s': the drop step removes a "
					"top-level field, not a path's "
					"member", f->name);
		if (dq_step_list_has(&f->steps, DQ_STEP_HASH) &&
		    (!key || !*key))
			return dq_error("field '%s': the hash step needs its "
					"key in the environment variable %s",
					f->name, var);
	}
	if (key && *key) {
		O.set.hash_key = key;
		O.set.hash_keylen = strlen(key);
	}
	return 0;
}

/* ---- command line ---- */

/* The quick flags carry their step kind in their option code. */
enum {
	O_NULL_TOKENS = DQ_OPT_TOOL,
	O_REGION,
	O_RENAME,
	O_KEEP_ORIGINAL,
	O_DROP_UNKNOWN,
	O_NO_LINEAGE,
	O_PREVIOUS,
	O_HASHES_OUT,
	O_SINCE,
	O_WATERMARK,
	O_ALL = DQ_OPT_TOOL + 100,   /* + kind: a step on every string */
	O_QUICK = DQ_OPT_TOOL + 200  /* + kind: steps on FIELDS */
};

static const struct option longopts[] = {
	{ "ascii", required_argument, NULL, O_QUICK + DQ_STEP_ASCII },
	{ "bool", required_argument, NULL, O_QUICK + DQ_STEP_BOOL },
	{ "collapse", no_argument, NULL, O_ALL + DQ_STEP_COLLAPSE },
	{ "date", required_argument, NULL, O_QUICK + DQ_STEP_DATE },
	{ "datetime", required_argument, NULL, O_QUICK + DQ_STEP_DATETIME },
	{ "drop", required_argument, NULL, O_QUICK + DQ_STEP_DROP },
	{ "drop-unknown", no_argument, NULL, O_DROP_UNKNOWN },
	{ "email", required_argument, NULL, O_QUICK + DQ_STEP_EMAIL },
	{ "keep-original", no_argument, NULL, O_KEEP_ORIGINAL },
	{ "lower", required_argument, NULL, O_QUICK + DQ_STEP_LOWER },
	{ "mask", required_argument, NULL, O_QUICK + DQ_STEP_MASK },
	{ "name", required_argument, NULL, O_QUICK + DQ_STEP_NAME },
	{ "nfc", no_argument, NULL, O_ALL + DQ_STEP_NFC },
	{ "nfkc", no_argument, NULL, O_ALL + DQ_STEP_NFKC },
	{ "no-lineage", no_argument, NULL, O_NO_LINEAGE },
	{ "previous", required_argument, NULL, O_PREVIOUS },
	{ "since", required_argument, NULL, O_SINCE },
	{ "watermark", required_argument, NULL, O_WATERMARK },
	{ "hashes-out", required_argument, NULL, O_HASHES_OUT },
	{ "hash", required_argument, NULL, O_QUICK + DQ_STEP_HASH },
	{ "html-unescape", required_argument, NULL,
	  O_QUICK + DQ_STEP_HTML_UNESCAPE },
	{ "invisible", no_argument, NULL, O_ALL + DQ_STEP_INVISIBLE },
	{ "jobs", required_argument, NULL, 'j' },
	{ "null", no_argument, NULL, O_ALL + DQ_STEP_NULL },
	{ "null-tokens", required_argument, NULL, O_NULL_TOKENS },
	{ "number", required_argument, NULL, O_QUICK + DQ_STEP_NUMBER },
	{ "phone", required_argument, NULL, O_QUICK + DQ_STEP_PHONE },
	{ "region", required_argument, NULL, O_REGION },
	{ "rename", required_argument, NULL, O_RENAME },
	{ "state", required_argument, NULL, O_QUICK + DQ_STEP_STATE },
	{ "title", required_argument, NULL, O_QUICK + DQ_STEP_TITLE },
	{ "trim", no_argument, NULL, O_ALL + DQ_STEP_TRIM },
	{ "upper", required_argument, NULL, O_QUICK + DQ_STEP_UPPER },
	{ "zip", required_argument, NULL, O_QUICK + DQ_STEP_ZIP },
	{ NULL, 0, NULL, 0 }
};

static int
option(void *ctx, int c, const char *arg)
{
	struct dq_step st;

	(void)ctx;
	if (c >= O_QUICK && c < O_QUICK + DQ_STEP_NKINDS) {
		O.quick = dq_xrealloc(O.quick,
				      (O.nquick + 1) * sizeof(*O.quick));
		O.quick[O.nquick].kind = (enum dq_step_kind)(c - O_QUICK);
		O.quick[O.nquick++].spec = arg;
		return 0;
	}
	if (c >= O_ALL && c < O_ALL + DQ_STEP_NKINDS) {
		dq_step_init(&O.set, &st, (enum dq_step_kind)(c - O_ALL));
		dq_step_list_add(&O.all, &st);
		return 0;
	}
	switch (c) {
	case O_NULL_TOKENS:
		dq_steps_set_null_tokens(&O.set, arg);
		return 0;
	case O_REGION:
		if (strlen(arg) != 2 || !dq_phone_region_known(arg))
			return dq_error("--region: unknown region '%s'", arg);
		O.set.region[0] = (char)(arg[0] & ~0x20);
		O.set.region[1] = (char)(arg[1] & ~0x20);
		return 0;
	case O_RENAME: {
		const char *eq = strchr(arg, '=');
		if (!eq || eq == arg || !eq[1])
			return dq_error("--rename '%s': expected OLD=NEW", arg);
		if (!strcmp(eq + 1, "_dq") || (eq - arg == 3 && !memcmp(arg, "_dq", 3)))
			return dq_error("--rename '%s': \"_dq\" is dq's "
					"metadata, not a field to rename to "
					"or from", arg);
		return add_rename(dq_xstrndup(arg, (size_t)(eq - arg)),
				  dq_xstrdup(eq + 1), "--rename");
	}
	case O_KEEP_ORIGINAL: O.keep_original = 1; return 0;
	case O_DROP_UNKNOWN: O.drop_unknown = 1; return 0;
	case O_NO_LINEAGE: O.lineage = 0; return 0;
	case O_PREVIOUS: O.previous = arg; return 0;
	case O_HASHES_OUT: O.hashes_out = arg; return 0;
	case O_SINCE: return dq_watermark_since(&O.wm, arg);
	case O_WATERMARK: return dq_watermark_state(&O.wm, arg);
	case 'j':
		return dq_opt_jobs(arg, &O.jobs);
	}
	return -1;
}

/* ---- normalizing one record ---- */

#define KEY_CACHE 64

/* A worker's scratch, key cache and tallies. */
struct worker {
	struct dq_steps_scratch steps;
	struct dq_buf text, meta, unparsed, orig, clashes, prev;
	/* Values along paths: new values, one after another, the edits
	 * that put them in place (offsets into pv until the splice). */
	struct dq_buf pv, pv1, splice;
	struct dq_buf moved; /* a renamed nested value */
	struct dq_path_edit *edits;
	size_t nedits, edcap;
	struct field *key_cache[KEY_CACHE];
	struct tally *t; /* by field index */
	size_t nt;
	uint64_t seq;    /* the record in hand */
	struct dq_change_list changes; /* keyed records (stream/changes.h) */
	struct dq_watermark_seen wm;   /* --since: counts, latest time */
	struct dq_buf chash;
};

static void __attribute__((noinline))
tally_grow(struct worker *w, size_t idx)
{
	size_t n = idx + 16;
	w->t = dq_xrealloc(w->t, n * sizeof(*w->t));
	memset(w->t + w->nt, 0, (n - w->nt) * sizeof(*w->t));
	w->nt = n;
}

/* Called for every member of every record: the rare growth kept out of
 * line. */
static inline struct tally *
tally_of(struct worker *w, const struct field *f)
{
	if (__builtin_expect(f->idx >= w->nt, 0))
		tally_grow(w, f->idx);
	struct tally *t = &w->t[f->idx];
	if (__builtin_expect(!t->first, 0))
		t->first = w->seq + 1;
	return t;
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
		const struct dq_path *p = O.rename_from[i / 2];
		struct dq_member leaf = { 0 };
		long at = dq_record_find(r, from, strlen(from));
		if (at < 0 && !(p && dq_path_get(p, r, &leaf, NULL)))
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
		if (at >= 0) {
			dq_record_rename(r, (size_t)at, to, strlen(to));
			continue;
		}
		/* A nested value moves out to the top level (at the end). */
		dq_buf_reset(&w->moved);
		if (dq_path_take(p, r, &w->moved, &w->splice))
			dq_record_add(r, to, strlen(to), w->moved.buf,
				      w->moved.len,
				      dq_walk_type(w->moved.buf[0]));
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

/* Append "key":raw to a list of members. */
static void
add_member(struct dq_buf *b, const char *key, size_t keylen, const char *raw,
	   size_t rawlen)
{
	if (b->len)
		dq_buf_addch(b, ',');
	dq_buf_add_json_string(b, key, keylen);
	if (raw) {
		dq_buf_addch(b, ':');
		dq_buf_add(b, raw, rawlen);
	}
}

/* Defaults and derived fields, once every field went through its steps
 * (so a derivation reads normalized values). */
static void
fill_record(struct worker *w, struct dq_record *r)
{
	for (size_t i = 0; i < O.fills.n; i++) {
		const struct dq_fill *fl = &O.fills.v[i];
		struct field *f = O.fill_field[i];
		struct tally *t = tally_of(w, f);
		size_t keylen = strlen(fl->field);

		dq_buf_reset(&w->prev);
		int rc = dq_fill_apply(fl, r, &w->text, &w->prev);
		if (w->prev.len && O.keep_original)
			add_member(&w->orig, fl->field, keylen, w->prev.buf,
				   w->prev.len);
		if (rc == DQ_FILL_NO_SOURCE)
			t->no_source++;
		else if (rc == DQ_FILL_FAILED)
			t->unparsed++;
		else if (fl->kind != DQ_FILL_DEFAULT)
			t->derived++;
		else if (rc == DQ_FILL_SET)
			t->defaulted++;
		if (rc == DQ_FILL_FAILED)
			add_member(&w->unparsed, fl->field, keylen, NULL, 0);
	}
}

/* One value along a field's path: its steps, as a top-level field's
 * (all or nothing), the new value kept for the splice. */
struct path_ctx {
	struct worker *w;
	struct field *f;
	const struct dq_path *path;
	struct dq_record *r;
};

/* *cur becomes the value in w->pv1, of type type. */
static void
to_pv1(struct worker *w, struct dq_member *cur, enum dq_json_type type)
{
	cur->val = w->pv1.buf;
	cur->vallen = w->pv1.len;
	cur->type = (uint8_t)type;
	cur->flags = type == DQ_JSON_STRING &&
		     memchr(cur->val, '\\', cur->vallen) ? DQ_M_VAL_ESC : 0;
}

/*
 * The value *cur (a member of r) of field f through the steps every field
 * has, then f's own, without changing r: 1 with *cur the new value (its
 * text in w->pv1) and *type its type, 0 unchanged, -1 a step could not
 * parse it.  Uses w->pv1 and w->text.
 */
static int
steps_value(struct worker *w, struct field *f, const struct dq_record *r,
	    struct dq_member *cur, enum dq_json_type *type)
{
	int rc = 0;

	*type = (enum dq_json_type)cur->type;
	if (O.all.n) {
		const struct dq_step_list *all =
			f->is_name ? &O.all_names : &O.all;
		rc = dq_steps_run_value(&O.set, all->v, all->n, &w->steps,
					r, cur, &w->pv1, type);
		if (rc > 0)
			to_pv1(w, cur, *type);
	}
	if (rc >= 0 && f->steps.n) {
		struct dq_buf *out = &w->text;
		int rc2 = dq_steps_run_value(&O.set, f->steps.v, f->steps.n,
					     &w->steps, r, cur, out, type);
		if (rc2 > 0) {
			dq_buf_reset(&w->pv1);
			dq_buf_add(&w->pv1, out->buf, out->len);
			to_pv1(w, cur, *type);
		}
		rc = rc2 ? rc2 : rc;
	}
	return rc;
}

static int
path_value(void *ctx, const struct dq_member *leaf, long top,
	   const long *idx, size_t nidx)
{
	struct path_ctx *pc = ctx;
	struct worker *w = pc->w;
	struct field *f = pc->f;
	struct tally *t = tally_of(w, f);
	struct dq_member cur = *leaf;
	enum dq_json_type type;
	int rc;

	(void)top;
	t->seen++;
	rc = steps_value(w, f, pc->r, &cur, &type);
	if (rc < 0) {
		t->unparsed++;
		if (w->unparsed.len)
			dq_buf_addch(&w->unparsed, ',');
		dq_buf_reset(&w->text);
		dq_path_label(pc->path, idx, nidx, &w->text);
		dq_buf_add_json_string(&w->unparsed, w->text.buf, w->text.len);
		return 0;
	}
	if (!rc)
		return 0;
	t->changed++;
	if (type == DQ_JSON_NULL && leaf->type != DQ_JSON_NULL)
		t->nulled++;
	if (O.keep_original && !f->hides) {
		dq_buf_reset(&w->text);
		dq_path_label(pc->path, idx, nidx, &w->text);
		if (w->orig.len)
			dq_buf_addch(&w->orig, ',');
		dq_buf_add_json_string(&w->orig, w->text.buf, w->text.len);
		dq_buf_addch(&w->orig, ':');
		dq_buf_add(&w->orig, leaf->val, leaf->vallen);
	}
	if (w->nedits == w->edcap) {
		w->edcap = w->edcap ? 2 * w->edcap : 8;
		w->edits = dq_xrealloc(w->edits,
				       w->edcap * sizeof(*w->edits));
	}
	struct dq_path_edit *e = &w->edits[w->nedits++];
	e->at = leaf->val;
	e->len = leaf->vallen;
	e->val = NULL; /* set from pv at the splice */
	e->vallen = w->pv1.len;
	dq_buf_add(&w->pv, w->pv1.buf, w->pv1.len);
	return 0;
}

/* The fields named by paths, in records without their exact names:
 * each value along the path goes through the field's steps and is put
 * back in place, the rest of its top-level member kept byte for byte. */
static void __attribute__((noinline))
normalize_path(struct worker *w, struct dq_record *r, struct field *f,
	       const struct dq_path *path, long top)
{
	struct path_ctx pc = { w, f, path, r };

	w->nedits = 0;
	dq_buf_reset(&w->pv);
	dq_path_each(path, r, path_value, &pc);
	if (!w->nedits)
		return;
	const char *p = w->pv.buf;
	for (size_t k = 0; k < w->nedits; k++) {
		w->edits[k].val = p;
		p += w->edits[k].vallen;
	}
	dq_path_splice(r, (size_t)top, w->edits, w->nedits, &w->splice);
}

static void __attribute__((noinline))
normalize_paths(struct worker *w, struct dq_record *r)
{
	for (size_t i = 0; i < O.npaths; i++) {
		struct field *f = O.paths[i];
		long top;
		if (dq_record_find(r, f->name, f->namelen) >= 0 ||
		    (top = dq_record_find(r, f->path->s[0].key,
					  f->path->s[0].len)) < 0)
			continue;
		normalize_path(w, r, f, f->path, top);
	}
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
	size_t n = O.have_fields || O.all.n ? r->n : 0;
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
		if (f && f->drop) {
			t->seen++;
			t->changed++;
			dq_record_drop(r, i);
			continue;
		}
		if (m->type == DQ_JSON_ARRAY && f && f->epath) {
			/* A configured field holding an array: its steps
			 * apply to each element (_dq.unparsed: "f[1]"). */
			normalize_path(w, r, f, f->epath, (long)i);
			continue;
		}
		int was_null = m->type == DQ_JSON_NULL, rc = 0;
		struct dq_member saved = *m;
		const char *oval = m->val;
		size_t ovallen = m->vallen;
		if (O.all.n) {
			const struct dq_step_list *all =
				f && f->is_name ? &O.all_names : &O.all;
			rc = dq_steps_run(&O.set, all->v, all->n, &w->steps, r,
					  i);
		}
		if (rc >= 0 && f && f->steps.n) {
			int rc2 = dq_steps_run(&O.set, f->steps.v, f->steps.n,
					       &w->steps, r, i);
			rc = rc2 ? rc2 : rc;
			if (rc2 < 0)
				*m = saved; /* all or nothing */
		}
		if (rc > 0 && O.keep_original && !(f && f->hides)) {
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
	if (O.npaths)
		normalize_paths(w, r);
	if (O.fills.n)
		fill_record(w, r);

	struct dq_buf *meta = &w->meta;
	dq_buf_reset(meta);
	if (O.lineage) {
		/* Keep the first program's lineage: the members of _dq
		 * itself (stream/meta), not a "row" nested in _dq.orig. */
		struct dq_member dm;
		int has_row = dq_meta_find(r, "row", 3, &dm);
		int has_hash = dq_meta_find(r, "hash", 4, &dm);
		if (!has_row) {
			dq_buf_add(meta, "\"row\":", 6);
			dq_buf_add_int(meta, it->line);
		}
		if (!has_hash) {
			if (meta->len)
				dq_buf_addch(meta, ',');
			dq_buf_add(meta, "\"hash\":\"", 8);
			/* A JSON document's record is hashed as the NDJSON
			 * line it would be (its text), not with the white
			 * space that spread it over lines. */
			dq_buf_add_hex64(meta, it->doc ?
					 XXH3_64bits(it->text, it->len) :
					 XXH3_64bits(it->raw, it->rawlen));
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

/* The record's change since the last run, by its key, into _dq.change;
 * its hash to the worker's list for --hashes-out. */
static void
tag_change(struct worker *w, struct dq_record *rec)
{
	long k = dq_record_find(rec, O.key_field, strlen(O.key_field));
	enum dq_change c = dq_changes_tag(&O.changes, &w->changes, w->seq,
					  k >= 0 ? &rec->m[k] : NULL, rec,
					  &w->chash);
	if (!O.previous || c == DQ_CHANGE_UNKEYED)
		return;
	if (w->meta.len)
		dq_buf_addch(&w->meta, ',');
	dq_buf_addf(&w->meta, "\"change\":\"%s\"", dq_change_names[c]);
}

static int
work_record(void *ws, struct dq_record *rec, const struct dq_item *it,
	    uint64_t seq, struct dq_buf *out, const char **reject)
{
	struct worker *w = ws;

	w->seq = seq;
	if (O.wm.field) {
		/* The watermark field's value as the contract normalizes it
		 * (cli/watermark.h): "12/05/2026 10:00" read as the dmy or
		 * mdy date it is, not compared as text. */
		long m = dq_record_find(rec, O.wm.field, O.wm.fieldlen);
		struct dq_member cur, *wm = m >= 0 ? &rec->m[m] : NULL;
		struct field *f = field_find(O.wm.field, O.wm.fieldlen);
		enum dq_json_type type;
		int bad = 0;
		if (wm && f && (O.all.n || f->steps.n)) {
			cur = *wm;
			bad = steps_value(w, f, rec, &cur, &type) < 0;
			wm = &cur;
		}
		int sel = dq_watermark_select(&O.wm, wm, bad, &w->wm);
		if (sel < 0) {
			*reject = "watermark field is not a time";
			return -1;
		}
		if (!sel)
			return 0;
	}
	normalize_record(w, rec, it);
	if (O.previous || O.hashes_out)
		tag_change(w, rec);
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
		a->defaulted += b->defaulted;
		a->derived += b->derived;
		a->no_source += b->no_source;
		if (b->first && (!a->first || b->first < a->first))
			a->first = b->first;
		merge_samples(a, b);
	}
	free(w->t);
	dq_changes_absorb(&O.changes, &w->changes);
	dq_watermark_fold(&O.wm, &w->wm);
	dq_buf_release(&w->chash);
	dq_steps_scratch_release(&w->steps);
	dq_buf_release(&w->text);
	dq_buf_release(&w->meta);
	dq_buf_release(&w->unparsed);
	dq_buf_release(&w->orig);
	dq_buf_release(&w->clashes);
	dq_buf_release(&w->prev);
	dq_buf_release(&w->pv);
	dq_buf_release(&w->pv1);
	dq_buf_release(&w->splice);
	dq_buf_release(&w->moved);
	free(w->edits);
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
	struct dq_buf sb = DQ_BUF_INIT;
	size_t nu = 0;

	for (size_t i = 0; i < O.nfields; i++) {
		struct field *f = O.fields[i];
		if (!f->known) {
			u[nu++] = f;
			continue;
		}
		if (f->container)
			continue;
		cJSON *o = cJSON_AddObjectToObject(fields, f->name);
		cJSON_AddNumberToObject(o, "seen", (double)f->t.seen);
		cJSON_AddNumberToObject(o, "changed", (double)f->t.changed);
		cJSON_AddNumberToObject(o, "nulled", (double)f->t.nulled);
		cJSON_AddNumberToObject(o, "unparsed", (double)f->t.unparsed);
		if (f->fill) {
			cJSON_AddNumberToObject(o, "defaulted",
						(double)f->t.defaulted);
			cJSON_AddNumberToObject(o, "derived",
						(double)f->t.derived);
			cJSON_AddNumberToObject(o, "no_source",
						(double)f->t.no_source);
		}
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
			/* A sensitive field's samples are shown masked. */
			size_t vn = strlen(f->t.samples[j]);
			const char *v = dq_pii_show_json(f->name,
							 f->t.samples[j], &vn,
							 &sb);
			cJSON *x = cJSON_Parse(v);
			cJSON_AddItemToArray(sv, x ? x : cJSON_CreateString(v));
		}
		cJSON_AddItemToArray(unknown, o);
	}
	dq_buf_release(&sb);
	free(u);
	if ((O.previous || O.hashes_out) &&
	    dq_changes_finish(&O.changes, O.hashes_out, s))
		exit(2);
	if (O.wm.field)
		dq_watermark_summary(&O.wm, s);
	return s;
}

static void
opts_release(void)
{
	for (size_t i = 0; i < O.nfields; i++) {
		struct field *f = O.fields[i];
		free(f->name);
		dq_step_list_release(&f->steps);
		if (f->path) {
			dq_path_release(f->path);
			free(f->path);
		}
		if (f->epath) {
			dq_path_release(f->epath);
			free(f->epath);
		}
		for (size_t j = 0; j < f->t.nsamples; j++)
			free(f->t.samples[j]);
		free(f);
	}
	free(O.fields);
	dq_strmap_release(&O.names);
	dq_step_list_release(&O.all);
	dq_step_list_release(&O.all_names);
	dq_fills_release(&O.fills);
	free(O.fill_field);
	dq_steps_release(&O.set);
	dq_changes_release(&O.changes);
	dq_watermark_release(&O.wm);
	for (size_t i = 0; i < O.nrenames; i++)
		free(O.renames[i]);
	for (size_t i = 0; i < O.nrenames / 2; i++)
		if (O.rename_from[i]) {
			dq_path_release(O.rename_from[i]);
			free(O.rename_from[i]);
		}
	free(O.rename_from);
	free(O.renames);
	free(O.quick);
	free(O.paths);
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
	dq_steps_init(&O.set);
	dq_fills_init(&O.fills);
	dq_run_init(&run, &tool, argc, argv);
	if (dq_steps_load_section(&O.set,
				  dq_contract_get(&run.contract, "normalize"),
				  &O.drop_unknown, &O.keep_original) ||
	    load_renames(&run.contract) || load_fields(&run.contract) ||
	    load_fills(&run.contract))
		return 2;
	for (size_t i = 0; i < O.nquick; i++)
		if (apply_quick(&O.quick[i]))
			return 2;
	mark_fields();
	if (hiding_fields(&run.contract))
		return 2;
	O.multi_file = run.in.nfiles > 1;
	O.key_field = run.id_field;
	dq_changes_init(&O.changes);
	if (O.previous && dq_changes_load(&O.changes, O.previous))
		return 2;
	if (dq_watermark_load(&O.wm))
		return 2;

	dq_par_run(&run, O.jobs ? O.jobs : dq_par_default_jobs(), &work);
	run.n_skipped = O.wm.seen.skipped;
	run.counts_skipped = O.wm.field != NULL;
	int status = dq_run_finish(&run, summary_figures(), 0);
	/* The watermark moves only when the run succeeded: a failed run is
	 * retried from the same point. */
	if (!status && dq_watermark_save(&O.wm))
		status = 2;
	opts_release();
	return status;
}
