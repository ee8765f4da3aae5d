/*
 * steps.c - the normalizer step registry (see steps.h): step names and
 * options as docs/contract.md describes them, and the loop that runs a
 * field's list over one value.
 *
 * Speed: dq_steps_run() is called for every configured value, so it reads
 * the value in place (no copy unless it holds escapes), ping-pongs between
 * two scratch buffers that keep their memory from record to record, and
 * re-encodes only a value that changed.
 */
#include "norm/steps.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/sha256.h"
#include "norm/entity.h"
#include "norm/phone.h"

static const char *const step_names[DQ_STEP_NKINDS] = {
	"trim",  "collapse", "nfc",    "nfkc",     "lower",  "upper",
	"title", "title_name", "ascii", "null",    "email",  "phone",
	"date",  "datetime", "number", "boolean",  "us_state", "zip",
	"digits", "map", "mask", "hash", "drop", "html_unescape",
	"invisible"
};

static const char *const default_nulls[] = {
	"", "n/a", "na", "null", "nil", "none", "-", "--"
};

/* Null tokens that are names too, as a name is written: the surname Na
 * (Korean, Chinese), the given name Nil (Turkish, Catalan).  Written in
 * capitals or in lower case they are the placeholders of exports (R's
 * NA) and forms ("NIL" for none), so the list is matched by case. */
static const char *const default_names_keep[] = { "Na", "Nil" };

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

static void
add_string(char ***v, size_t *n, const char *t)
{
	*v = dq_xrealloc(*v, (*n + 1) * sizeof(char *));
	(*v)[(*n)++] = dq_xstrdup(t);
}

void
dq_steps_init(struct dq_steps *s)
{
	memset(s, 0, sizeof(*s));
	memcpy(s->region, "US", 3);
	for (size_t i = 0; i < sizeof(default_nulls) / sizeof(*default_nulls);
	     i++)
		add_string(&s->null_tokens, &s->nnull, default_nulls[i]);
	for (size_t i = 0; i < sizeof(default_names_keep) /
				       sizeof(*default_names_keep);
	     i++)
		add_string(&s->names_keep, &s->nkeep, default_names_keep[i]);
}

static void
free_particles(struct dq_steps *s)
{
	if (!s->particles)
		return;
	for (size_t i = 0; s->particles[i]; i++)
		free(s->particles[i]);
	free(s->particles);
	s->particles = NULL;
}

void
dq_steps_release(struct dq_steps *s)
{
	free_list(s->null_tokens, s->nnull);
	s->null_tokens = NULL;
	s->nnull = 0;
	free_list(s->names_keep, s->nkeep);
	s->names_keep = NULL;
	s->nkeep = 0;
	free_particles(s);
	s->name_opts.particles = NULL;
}

void
dq_steps_set_null_tokens(struct dq_steps *s, const char *list)
{
	free_list(s->null_tokens, s->nnull);
	s->null_tokens = split_list(list, &s->nnull);
}

/* Check and upper-case a phone region into region[4]. */
static int
set_region(char *region, const char *r, const char *where)
{
	if (strlen(r) != 2 || !dq_phone_region_known(r))
		return dq_error("%s: unknown phone region '%s'", where, r);
	region[0] = (char)(r[0] & ~0x20);
	region[1] = (char)(r[1] & ~0x20);
	region[2] = '\0';
	return 0;
}

static int
load_strings(const cJSON *it, const char *what, char ***v, size_t *n)
{
	const cJSON *t;

	cJSON_ArrayForEach(t, it)
	{
		if (!cJSON_IsString(t))
			return dq_error("contract: normalize.%s must be "
					"strings", what);
		*v = dq_xrealloc(*v, (*n + 2) * sizeof(char *));
		(*v)[(*n)++] = dq_xstrdup(t->valuestring);
		(*v)[*n] = NULL;
	}
	return 0;
}

/* Replace the list *v (*n strings) by the strings of the array it. */
static int
replace_list(const cJSON *it, const char *what, char ***v, size_t *n)
{
	if (!cJSON_IsArray(it))
		return dq_error("contract: normalize.%s must be a list of "
				"strings",
				what);
	free_list(*v, *n);
	*v = NULL;
	*n = 0;
	return load_strings(it, what, v, n);
}

int
dq_steps_load_section(struct dq_steps *s, const cJSON *sec,
		      int *drop_unknown, int *keep_original)
{
	const cJSON *it;

	cJSON_ArrayForEach(it, sec)
	{
		const char *k = it->string;
		if (!strcmp(k, "null_tokens")) {
			if (replace_list(it, k, &s->null_tokens, &s->nnull))
				return -1;
		} else if (!strcmp(k, "names_keep")) {
			if (replace_list(it, k, &s->names_keep, &s->nkeep))
				return -1;
		} else if (!strcmp(k, "unknown_fields")) {
			if (!cJSON_IsString(it) ||
			    (strcmp(it->valuestring, "keep") &&
			     strcmp(it->valuestring, "drop")))
				return dq_error("contract: normalize."
						"unknown_fields: keep or drop");
			*drop_unknown |= !strcmp(it->valuestring, "drop");
		} else if (!strcmp(k, "keep_original")) {
			*keep_original |= cJSON_IsTrue(it);
		} else if (!strcmp(k, "region")) {
			if (!cJSON_IsString(it) ||
			    set_region(s->region, it->valuestring,
				       "contract: normalize.region"))
				return -1;
		} else if (!strcmp(k, "particles")) {
			size_t n = 0;
			if (!cJSON_IsArray(it))
				return dq_error("contract: normalize.particles "
						"must be a list of strings");
			free_particles(s);
			s->particles = dq_xcalloc(1, sizeof(char *));
			if (load_strings(it, "particles", &s->particles, &n))
				return -1;
			s->name_opts.particles =
				(const char *const *)s->particles;
		} else {
			return dq_error("contract: normalize.%s is not used by "
					"dq-normalize",
					k);
		}
	}
	return 0;
}

int
dq_step_kind(const char *name)
{
	for (size_t i = 0; i < DQ_STEP_NKINDS; i++)
		if (!strcmp(step_names[i], name))
			return (int)i;
	if (!strcmp(name, "name"))
		return DQ_STEP_NAME;
	if (!strcmp(name, "bool"))
		return DQ_STEP_BOOL;
	if (!strcmp(name, "state"))
		return DQ_STEP_STATE;
	return -1;
}

const char *
dq_step_name(enum dq_step_kind k)
{
	return step_names[k];
}

void
dq_step_init(const struct dq_steps *s, struct dq_step *st,
	     enum dq_step_kind k)
{
	memset(st, 0, sizeof(*st));
	st->kind = k;
	memcpy(st->region, s->region, sizeof(st->region));
	dq_date_opts_init(&st->date);
	dq_number_opts_init(&st->num);
	st->zip_restore = 1;
}

void
dq_step_list_add(struct dq_step_list *l, const struct dq_step *st)
{
	l->v = dq_xrealloc(l->v, (l->n + 1) * sizeof(*st));
	l->v[l->n++] = *st;
}

void
dq_step_list_release(struct dq_step_list *l)
{
	free(l->v);
	l->v = NULL;
	l->n = 0;
}

int
dq_step_list_has(const struct dq_step_list *l, enum dq_step_kind k)
{
	for (size_t i = 0; i < l->n; i++)
		if (l->v[i].kind == k)
			return 1;
	return 0;
}

void
dq_step_list_zip_state(struct dq_step_list *l, const char *state)
{
	for (size_t i = 0; i < l->n; i++)
		if (l->v[i].kind == DQ_STEP_ZIP && !l->v[i].zip_state &&
		    !l->v[i].zip_no_state)
			l->v[i].zip_state = state;
}

void
dq_step_list_names(struct dq_step_list *l)
{
	for (size_t i = 0; i < l->n; i++)
		if (l->v[i].kind == DQ_STEP_NULL)
			l->v[i].name_field = 1;
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

/* One option of a step: 1 if k is one of its kind's and v fits it. */
static int
step_option(struct dq_step *st, const char *k, const cJSON *v,
	    const char *where, int *err)
{
	switch (st->kind) {
	case DQ_STEP_PHONE:
		if (!strcmp(k, "region") && cJSON_IsString(v)) {
			*err = set_region(st->region, v->valuestring, where);
			return 1;
		}
		if (!strcmp(k, "extension") && cJSON_IsString(v)) {
			st->ext_drop = !strcmp(v->valuestring, "drop");
			return !strcmp(v->valuestring, "keep") || st->ext_drop;
		}
		return 0;
	case DQ_STEP_DATE:
	case DQ_STEP_DATETIME:
		if (!strcmp(k, "order") && cJSON_IsString(v))
			return !parse_order(v->valuestring, &st->date.order);
		if (!strcmp(k, "pivot") && cJSON_IsNumber(v) &&
		    v->valuedouble >= 0 && v->valuedouble <= 100) {
			st->date.pivot = v->valueint;
			return 1;
		}
		if (!strcmp(k, "epoch") && cJSON_IsString(v) &&
		    !strcmp(v->valuestring, "s")) {
			st->date.epoch = 1;
			return 1;
		}
		if (!strcmp(k, "epoch") && cJSON_IsString(v) &&
		    !strcmp(v->valuestring, "ms")) {
			st->date.epoch = 2;
			return 1;
		}
		return 0;
	case DQ_STEP_EMAIL:
		if (!strcmp(k, "strip_tag") && cJSON_IsBool(v)) {
			if (cJSON_IsTrue(v))
				st->email_flags |= DQ_EMAIL_STRIP_TAG;
			return 1;
		}
		if (!strcmp(k, "strip_dots") && cJSON_IsBool(v)) {
			if (cJSON_IsTrue(v))
				st->email_flags |= DQ_EMAIL_STRIP_DOTS;
			return 1;
		}
		if (!strcmp(k, "strip_dots") && cJSON_IsString(v) &&
		    !strcmp(v->valuestring, "all")) {
			st->email_flags |= DQ_EMAIL_STRIP_DOTS_ALL;
			return 1;
		}
		return 0;
	case DQ_STEP_NUMBER:
		if (!strcmp(k, "decimal") && cJSON_IsString(v) &&
		    (!strcmp(v->valuestring, ".") ||
		     !strcmp(v->valuestring, ","))) {
			st->num.decimal = v->valuestring[0];
			return 1;
		}
		if (!strcmp(k, "percent") && cJSON_IsString(v)) {
			st->num.percent_scale =
				!strcmp(v->valuestring, "fraction");
			return st->num.percent_scale ||
			       !strcmp(v->valuestring, "keep");
		}
		return 0;
	case DQ_STEP_ZIP:
		if (!strcmp(k, "restore_zeros") && cJSON_IsBool(v)) {
			st->zip_restore = cJSON_IsTrue(v);
			return 1;
		}
		if (!strcmp(k, "state") && cJSON_IsString(v) &&
		    v->valuestring[0]) {
			st->zip_state = v->valuestring;
			return 1;
		}
		if (!strcmp(k, "state") && cJSON_IsFalse(v)) {
			st->zip_no_state = 1;
			return 1;
		}
		return 0;
	default:
		return 0;
	}
}

/* Options of one step from the contract: {"phone": {"region": "GB"}},
 * or the shorthand {"phone": "GB"}, {"date": "dmy"}. */
static int
step_options(struct dq_step *st, const cJSON *opt, const char *where)
{
	const cJSON *it;
	int err = 0;

	if (cJSON_IsString(opt)) {
		if (st->kind == DQ_STEP_PHONE)
			return set_region(st->region, opt->valuestring, where);
		if ((st->kind == DQ_STEP_DATE ||
		     st->kind == DQ_STEP_DATETIME) &&
		    !parse_order(opt->valuestring, &st->date.order))
			return 0;
		return dq_error("%s: bad option \"%s\"", where,
				opt->valuestring);
	}
	if (!cJSON_IsObject(opt))
		return dq_error("%s: step options must be an object", where);
	cJSON_ArrayForEach(it, opt)
	{
		int ok = step_option(st, it->string, it, where, &err);
		if (err)
			return -1;
		if (!ok)
			return dq_error("%s: unknown or bad option '%s' for "
					"step '%s'",
					where, it->string,
					step_names[st->kind]);
	}
	return 0;
}

/* A value map: {"map": {"Actv": "active", "?": null}}; every value a
 * string, a number, a boolean or null. */
static int
map_options(struct dq_step *st, const cJSON *opt, const char *where)
{
	const cJSON *it;

	if (!opt || !cJSON_IsObject(opt) || !opt->child)
		return dq_error("%s.normalize: map: an object of values and "
				"their replacements, {\"from\": \"to\"}",
				where);
	cJSON_ArrayForEach(it, opt)
	{
		if (!cJSON_IsString(it) && !cJSON_IsNumber(it) &&
		    !cJSON_IsBool(it) && !cJSON_IsNull(it))
			return dq_error("%s.normalize: map: \"%s\": a "
					"string, a number, true, false or "
					"null",
					where, it->string);
	}
	st->map = opt;
	return 0;
}

/* The steps a field gets from its type when it names none. */
static void
type_defaults(const struct dq_steps *s, const char *type,
	      const char *region, struct dq_step_list *l)
{
	static const struct {
		const char *type;
		enum dq_step_kind kind;
	} map[] = {
		{ "email", DQ_STEP_EMAIL },	{ "phone", DQ_STEP_PHONE },
		{ "date", DQ_STEP_DATE },	{ "datetime", DQ_STEP_DATETIME },
		{ "boolean", DQ_STEP_BOOL },	{ "integer", DQ_STEP_NUMBER },
		{ "number", DQ_STEP_NUMBER },	{ "us_state", DQ_STEP_STATE },
		{ "zip", DQ_STEP_ZIP },
	};
	const enum dq_step_kind first[] = { DQ_STEP_TRIM, DQ_STEP_NULL };
	struct dq_step st;

	for (size_t i = 0; i < sizeof(map) / sizeof(*map); i++) {
		if (strcmp(map[i].type, type))
			continue;
		for (int j = 0; j < 3; j++) {
			dq_step_init(s, &st, j < 2 ? first[j] : map[i].kind);
			memcpy(st.region, region, 3);
			dq_step_list_add(l, &st);
		}
	}
}

/* One entry of a "normalize" list: a name or {"name": options}. */
static int
list_step(const struct dq_steps *s, const cJSON *e, const char *region,
	  const char *where, struct dq_step_list *l)
{
	const char *name;
	const cJSON *opt = NULL;
	struct dq_step st;
	int k;

	if (cJSON_IsString(e)) {
		name = e->valuestring;
	} else if (cJSON_IsObject(e) && cJSON_GetArraySize(e) == 1) {
		name = e->child->string;
		opt = e->child;
	} else {
		return dq_error("%s.normalize: a step is a name or "
				"{\"name\": options}",
				where);
	}
	k = dq_step_kind(name);
	if (k < 0)
		return dq_error("%s.normalize: unknown step '%s'", where, name);
	dq_step_init(s, &st, (enum dq_step_kind)k);
	memcpy(st.region, region, sizeof(st.region));
	if (k == DQ_STEP_MAP) {
		if (map_options(&st, opt, where))
			return -1;
	} else if (opt && step_options(&st, opt, where)) {
		return -1;
	}
	dq_step_list_add(l, &st);
	return 0;
}

int
dq_steps_from_field(const struct dq_steps *s, const cJSON *fs,
		    const char *where, struct dq_step_list *l)
{
	const cJSON *norm = cJSON_GetObjectItemCaseSensitive(fs, "normalize");
	const cJSON *type = cJSON_GetObjectItemCaseSensitive(fs, "type");
	const cJSON *reg = cJSON_GetObjectItemCaseSensitive(fs, "region");
	const cJSON *e;
	char region[4];

	memcpy(region, s->region, sizeof(region));
	if (reg && (!cJSON_IsString(reg) ||
		    set_region(region, reg->valuestring, where)))
		return -1;
	if (type && !cJSON_IsString(type))
		return dq_error("%s.type: must be a string", where);
	if (!norm) {
		if (type)
			type_defaults(s, type->valuestring, region, l);
		return 0;
	}
	/* One step given bare: "normalize": "email". */
	if (cJSON_IsString(norm))
		return list_step(s, norm, region, where, l);
	if (!cJSON_IsArray(norm))
		return dq_error("%s.normalize: must be a list of steps", where);
	cJSON_ArrayForEach(e, norm)
	if (list_step(s, e, region, where, l))
		return -1;
	if (dq_step_list_has(l, DQ_STEP_NAME))
		dq_step_list_names(l);
	return 0;
}

int
dq_steps_quick(const struct dq_steps *s, const char *kind, const char *arg,
	       struct dq_step_list *l)
{
	int k = dq_step_kind(kind);
	struct dq_step st, t;

	dq_step_init(s, &st, (enum dq_step_kind)k);
	if (arg && k == DQ_STEP_PHONE) {
		if (set_region(st.region, arg, "--phone"))
			return -1;
	} else if (arg && parse_order(arg, &st.date.order)) {
		return dq_error("--%s: order '%s': expected mdy, dmy or ymd",
				kind, arg);
	}
	if (k != DQ_STEP_LOWER && k != DQ_STEP_UPPER && k != DQ_STEP_TITLE &&
	    k != DQ_STEP_NAME && k != DQ_STEP_ASCII && k != DQ_STEP_DROP &&
	    k != DQ_STEP_HTML_UNESCAPE) {
		dq_step_init(s, &t, DQ_STEP_TRIM);
		dq_step_list_add(l, &t);
		dq_step_init(s, &t, DQ_STEP_NULL);
		dq_step_list_add(l, &t);
	}
	dq_step_list_add(l, &st);
	return 0;
}

/* ---- applying steps ---- */

/* 1 when v (n bytes) is in list, by case when exact_case. */
static int
in_list(char *const *list, size_t len, const char *v, size_t n,
	int exact_case)
{
	for (size_t i = 0; i < len; i++)
		if (strlen(list[i]) == n &&
		    !(exact_case ? memcmp(list[i], v, n)
				 : strncasecmp(list[i], v, n)))
			return 1;
	return 0;
}

static int
is_null_token(const struct dq_steps *s, const struct dq_step *st,
	      const char *v, size_t n)
{
	return in_list(s->null_tokens, s->nnull, v, n, 0) &&
	       !(st->name_field && in_list(s->names_keep, s->nkeep, v, n, 1));
}

/* The USPS code of the state a zip step checks a padded ZIP against, or
 * NULL when the record holds no US state there (see steps.h). */
static const char *
record_state(const struct dq_step *st, const struct dq_record *r,
	     struct dq_buf *tmp)
{
	const struct dq_member *m;
	long at;

	if (!st->zip_state)
		return NULL;
	at = dq_record_find(r, st->zip_state, strlen(st->zip_state));
	if (at < 0 || r->m[at].type != DQ_JSON_STRING)
		return NULL;
	m = &r->m[at];
	dq_buf_reset(tmp);
	dq_json_unescape(m->val, m->vallen, tmp);
	return dq_us_state_code(tmp->buf, tmp->len);
}

/* DQ_STEP_STRING when rc is 0, else DQ_STEP_FAIL. */
#define STRING_OR_FAIL(rc) ((rc) ? DQ_STEP_FAIL : DQ_STEP_STRING)

/* The zip step: a clean ZIP needs no state; a ZIP to pad asks the
 * record's (the rare case, so the state is looked up only then). */
static int
zip_step(const struct dq_step *st, const struct dq_record *r, const char *in,
	 size_t n, struct dq_buf *out)
{
	struct dq_buf tmp = DQ_BUF_INIT;
	int rc;

	if (!dq_zip_normalize(in, n, 0, NULL, out))
		return 0;
	if (!st->zip_restore)
		return -1;
	rc = dq_zip_normalize(in, n, 1, r ? record_state(st, r, &tmp) : NULL,
			      out);
	dq_buf_release(&tmp);
	return rc;
}

/* The map step: a listed value becomes its replacement, any other value
 * stays as it is.  Maps are short lists of fixes, so a scan will do. */
static const cJSON *
map_find(const struct dq_step *st, const char *in, size_t n)
{
	const cJSON *it;

	cJSON_ArrayForEach(it, st->map)
	{
		if (strlen(it->string) == n && !memcmp(it->string, in, n))
			return it;
	}
	return NULL;
}

static int
map_step(const struct dq_step *st, const char *in, size_t n,
	 struct dq_buf *out)
{
	const cJSON *it = map_find(st, in, n);
	char *txt;

	if (it) {
		if (cJSON_IsString(it)) {
			dq_buf_addstr(out, it->valuestring);
			return DQ_STEP_STRING;
		}
		txt = cJSON_PrintUnformatted(it);
		if (!txt)
			dq_die("out of memory");
		dq_buf_addstr(out, txt);
		cJSON_free(txt);
		return DQ_STEP_RAW;
	}
	dq_buf_add(out, in, n);
	return DQ_STEP_STRING;
}

/* One step; inlined into the per-value loop below, where a call per
 * step cost as much as the simple steps themselves. */
static inline __attribute__((always_inline)) int
step_apply(const struct dq_steps *s, const struct dq_step *st,
	   const struct dq_record *r, const char *in, size_t n,
	   struct dq_buf *out)
{
	const char *code;
	int v;

	switch (st->kind) {
	case DQ_STEP_TRIM:
		return STRING_OR_FAIL(dq_text_trim(in, n, out));
	case DQ_STEP_COLLAPSE:
		return STRING_OR_FAIL(dq_text_collapse(in, n, out));
	case DQ_STEP_NFC:
		return STRING_OR_FAIL(dq_text_nfc(in, n, out));
	case DQ_STEP_NFKC:
		return STRING_OR_FAIL(dq_text_nfkc(in, n, out));
	case DQ_STEP_LOWER:
		return STRING_OR_FAIL(dq_text_lower(in, n, out));
	case DQ_STEP_UPPER:
		return STRING_OR_FAIL(dq_text_upper(in, n, out));
	case DQ_STEP_TITLE:
		return STRING_OR_FAIL(dq_text_title(in, n, out));
	case DQ_STEP_NAME:
		return STRING_OR_FAIL(
			dq_text_title_name(in, n, &s->name_opts, out));
	case DQ_STEP_ASCII:
		return STRING_OR_FAIL(dq_text_ascii(in, n, out));
	case DQ_STEP_NULL:
		if (is_null_token(s, st, in, n)) {
			dq_buf_add(out, "null", 4);
			return DQ_STEP_RAW;
		}
		dq_buf_add(out, in, n);
		return DQ_STEP_STRING;
	case DQ_STEP_EMAIL:
		return STRING_OR_FAIL(
			dq_email_normalize(in, n, st->email_flags, out));
	case DQ_STEP_PHONE: {
		struct dq_buf ext = DQ_BUF_INIT;
		if (dq_phone_e164(in, n, st->region, out, &ext)) {
			dq_buf_release(&ext);
			return DQ_STEP_FAIL;
		}
		if (ext.len && !st->ext_drop) {
			dq_buf_add(out, ";ext=", 5);
			dq_buf_add(out, ext.buf, ext.len);
		}
		dq_buf_release(&ext);
		return DQ_STEP_STRING;
	}
	case DQ_STEP_DATE:
	case DQ_STEP_DATETIME: {
		struct dq_datetime dt;
		if (dq_date_parse(in, n, &st->date, &dt))
			return DQ_STEP_FAIL;
		dq_date_format(&dt, st->kind == DQ_STEP_DATETIME, out);
		return DQ_STEP_STRING;
	}
	case DQ_STEP_NUMBER:
		return dq_number_normalize(in, n, &st->num, out) ? DQ_STEP_FAIL
								 : DQ_STEP_RAW;
	case DQ_STEP_BOOL:
		if (dq_bool_parse(in, n, &v))
			return DQ_STEP_FAIL;
		dq_buf_addstr(out, v ? "true" : "false");
		return DQ_STEP_RAW;
	case DQ_STEP_STATE:
		code = dq_us_state_code(in, n);
		if (!code)
			return DQ_STEP_FAIL;
		dq_buf_addstr(out, code);
		return DQ_STEP_STRING;
	case DQ_STEP_ZIP:
		return STRING_OR_FAIL(zip_step(st, r, in, n, out));
	case DQ_STEP_DIGITS:
		for (size_t i = 0; i < n; i++)
			if (in[i] >= '0' && in[i] <= '9')
				dq_buf_addch(out, in[i]);
		return DQ_STEP_STRING;
	case DQ_STEP_MAP:
		return map_step(st, in, n, out);
	case DQ_STEP_MASK:
		dq_buf_addstr(out, DQ_STEP_MASKED);
		return DQ_STEP_STRING;
	case DQ_STEP_HASH:
		/* Of the text the steps before produced: equal normalized
		 * values, equal hashes, so matching still works. */
		if (!s->hash_key)
			return DQ_STEP_FAIL;
		dq_hmac_hex(s->hash_key, s->hash_keylen, in, n,
			    DQ_STEP_HASH_HEX, out);
		return DQ_STEP_STRING;
	case DQ_STEP_DROP:
		/* The caller drops the member (dq_step_list_has); alone,
		 * a dropped value is not shown either. */
		dq_buf_addstr(out, DQ_STEP_MASKED);
		return DQ_STEP_STRING;
	case DQ_STEP_HTML_UNESCAPE:
		return STRING_OR_FAIL(dq_entity_decode(in, n, out));
	case DQ_STEP_INVISIBLE:
		return STRING_OR_FAIL(dq_entity_invisible(in, n, out));
	case DQ_STEP_NKINDS:
		break;
	}
	return DQ_STEP_FAIL;
}

int
dq_step_apply(const struct dq_steps *s, const struct dq_step *st,
	      const struct dq_record *r, const char *in, size_t n,
	      struct dq_buf *out)
{
	return step_apply(s, st, r, in, n, out);
}

void
dq_steps_scratch_release(struct dq_steps_scratch *w)
{
	dq_buf_release(&w->ping);
	dq_buf_release(&w->pong);
	dq_buf_release(&w->text);
	dq_buf_release(&w->enc);
}

/* Encode cur, a string's text or raw JSON, into out as raw JSON; its
 * type. */
static enum dq_json_type
encode_value(struct dq_buf *out, int kind, const char *cur, size_t curlen)
{
	dq_buf_reset(out);
	if (kind == DQ_STEP_STRING) {
		dq_buf_add_json_string(out, cur, curlen);
		return DQ_JSON_STRING;
	}
	dq_buf_add(out, cur, curlen);
	if (curlen == 4 && !memcmp(cur, "null", 4))
		return DQ_JSON_NULL;
	if (curlen == 4 && !memcmp(cur, "true", 4))
		return DQ_JSON_TRUE;
	if (curlen == 5 && !memcmp(cur, "false", 5))
		return DQ_JSON_FALSE;
	return DQ_JSON_NUMBER;
}

int
dq_steps_run_value(const struct dq_steps *s, const struct dq_step *v,
		   size_t n, struct dq_steps_scratch *w,
		   const struct dq_record *r, const struct dq_member *m,
		   struct dq_buf *out, enum dq_json_type *type)
{
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
		kind = DQ_STEP_STRING;
	} else if (m->type == DQ_JSON_NUMBER) {
		/* Numbers written as numbers (a phone, a ZIP, an epoch) are
		 * normalized from their text. */
		cur = m->val;
		curlen = m->vallen;
		kind = DQ_STEP_RAW;
	} else {
		return 0;
	}
	const char *start = cur;
	size_t startlen = curlen;
	struct dq_buf *dst = &w->ping, *spare = &w->pong;

	for (size_t i = 0; i < n; i++) {
		/* Once a value is raw JSON (null, a boolean, a number) only
		 * the steps that read a number's text still apply. */
		if (kind == DQ_STEP_RAW) {
			enum dq_step_kind k = v[i].kind;
			if (cur[0] != '-' && (cur[0] < '0' || cur[0] > '9'))
				break;
			if (k != DQ_STEP_PHONE && k != DQ_STEP_ZIP &&
			    k != DQ_STEP_DATE && k != DQ_STEP_DATETIME &&
			    k != DQ_STEP_DIGITS && k != DQ_STEP_BOOL &&
			    k != DQ_STEP_MAP && k != DQ_STEP_MASK &&
			    k != DQ_STEP_HASH && k != DQ_STEP_DROP)
				continue;
		}
		/* A value the map does not list keeps its kind (a number
		 * stays a number). */
		if (v[i].kind == DQ_STEP_MAP && !map_find(&v[i], cur, curlen))
			continue;
		dq_buf_reset(dst);
		int rc = step_apply(s, &v[i], r, cur, curlen, dst);
		if (rc == DQ_STEP_FAIL)
			return -1;
		kind = rc;
		cur = dst->buf;
		curlen = dst->len;
		struct dq_buf *t = dst;
		dst = spare;
		spare = t;
	}
	int was_string = m->type == DQ_JSON_STRING;
	if ((kind == DQ_STEP_STRING) == was_string && curlen == startlen &&
	    !memcmp(cur, start, curlen))
		return 0;
	*type = encode_value(out, kind, cur, curlen);
	return 1;
}

int
dq_steps_run(const struct dq_steps *s, const struct dq_step *v, size_t n,
	     struct dq_steps_scratch *w, struct dq_record *r, size_t mi)
{
	enum dq_json_type t;
	int rc = dq_steps_run_value(s, v, n, w, r, &r->m[mi], &w->enc, &t);
	if (rc > 0)
		dq_record_set(r, mi, w->enc.buf, w->enc.len, t);
	return rc;
}
