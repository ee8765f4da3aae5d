/*
 * survive.c - survivorship rules for golden records (see survive.h).
 *
 * The approach is the "survivorship" step of master-data management as
 * described by e.g. Talburt and Zhou, "Entity Information Life Cycle for
 * Big Data" (2015), ch. 5: one rule per attribute, chosen from value
 * properties (completeness, recency, source trust, frequency, length).
 * Every rule here is a ranking over the valid candidates with the member
 * order as the last tie-break, so a rerun on the same members gives the
 * same bytes whatever order the input came in.
 *
 * Cost: for a cluster of n members and k fields, O(k n) to gather the
 * candidates plus O(k n^2) for most_frequent and union (counting equal
 * values pairwise), which is fine for the clusters of a few members that
 * entity resolution produces; the size cap of dq-merge bounds the worst.
 */
#include "base/utf8.h"
#include "er/survive.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "contract/types.h"
#include "norm/date.h"
#include "stream/meta.h"
#include "stream/walk.h"
#include "stream/path.h"

/* One candidate value of the field being decided. */
struct cand {
	size_t rec;            /* member index */
	const struct dq_member *m;
	int valid;
	double d;              /* rank: higher is better */
	const char *s;         /* text rank for min/max over text */
	size_t sn;
};

static struct cand *cands;
static size_t ncap;
/* Per group of the build: the member its fields come from, SIZE_MAX
 * when none (no valid value in the group, or a singleton). */
static size_t *gwin;
static size_t gwincap;
/* Per member of the build: its "_dq.unparsed" array as written (NULL
 * when it has none). */
static const char **unp;
static size_t *unplen, unpcap;
/* Per member: its "_dq.orig" object (dq-normalize --keep-original), or
 * NULL. */
static const char **orig;
static size_t *origlen;
static struct dq_buf text = DQ_BUF_INIT; /* unescaped texts, for the whole build */

static const char *const rule_names[] = {
	"non_null", "most_recent", "source_priority", "most_frequent",
	"longest",  "min",         "max",             "union",
};
#define NRULES (sizeof(rule_names) / sizeof(*rule_names))

const char *
dq_survive_rule_name(int rule)
{
	return rule >= 0 && (size_t)rule < NRULES ? rule_names[rule] : "?";
}

static int
rule_of(const cJSON *v, const char *path, int allow_union)
{
	if (!cJSON_IsString(v))
		return dq_error("contract: '%s' must be a rule name", path);
	for (size_t i = 0; i < NRULES; i++)
		if (!strcmp(v->valuestring, rule_names[i])) {
			if (i == DQ_SURV_UNION && !allow_union)
				break;
			return (int)i;
		}
	return dq_error("contract: '%s': unknown rule '%s' (expected "
			"non_null, most_recent, source_priority, "
			"most_frequent, longest, min, max%s)",
			path, v->valuestring, allow_union ? " or union" : "");
}

static int
opt_string(const cJSON *o, const char *key, char **out, const char *path)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
	if (!v)
		return 0;
	if (!cJSON_IsString(v) || !*v->valuestring)
		return dq_error("contract: '%s.%s' must be a field name",
				path, key);
	if (dq_path_has_each(v->valuestring, strlen(v->valuestring)))
		return dq_error("contract: '%s.%s': '%s' names every element "
				"of an array; survivorship reads one value",
				path, key, v->valuestring);
	free(*out);
	*out = dq_xstrdup(v->valuestring);
	return 0;
}

static int
opt_priority(const cJSON *o, struct dq_survive_spec *sp, const char *path)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, "source_priority");
	const cJSON *it;
	if (!v)
		return 0;
	if (!cJSON_IsArray(v))
		return dq_error("contract: '%s.source_priority' must be a list "
				"of source values, best first", path);
	for (size_t i = 0; i < sp->npriority; i++)
		free(sp->priority[i]);
	free(sp->priority);
	sp->priority = NULL;
	sp->npriority = 0;
	cJSON_ArrayForEach(it, v)
	{
		if (!cJSON_IsString(it))
			return dq_error("contract: '%s.source_priority' must "
					"hold strings", path);
		sp->priority = dq_xrealloc(sp->priority, (sp->npriority + 1) *
							       sizeof(char *));
		sp->priority[sp->npriority++] = dq_xstrdup(it->valuestring);
	}
	return 0;
}

static void
spec_copy(struct dq_survive_spec *d, const struct dq_survive_spec *s)
{
	memset(d, 0, sizeof(*d));
	d->rule = s->rule;
	d->primary = s->primary;
	d->timestamp = s->timestamp ? dq_xstrdup(s->timestamp) : NULL;
	d->source = s->source ? dq_xstrdup(s->source) : NULL;
	d->npriority = s->npriority;
	if (s->npriority) {
		d->priority = dq_xmalloc(s->npriority * sizeof(char *));
		for (size_t i = 0; i < s->npriority; i++)
			d->priority[i] = dq_xstrdup(s->priority[i]);
	}
}

static void
spec_free(struct dq_survive_spec *sp)
{
	free(sp->field);
	free(sp->timestamp);
	free(sp->source);
	for (size_t i = 0; i < sp->npriority; i++)
		free(sp->priority[i]);
	free(sp->priority);
	free(sp->into);
	memset(sp, 0, sizeof(*sp));
}

/* A rule needs its field: most_recent a timestamp, source_priority a
 * source field and a list. */
static int
spec_check(const struct dq_survive_spec *sp, const char *path)
{
	int r[2] = { sp->rule, sp->rule == DQ_SURV_UNION ? sp->primary : -1 };
	for (int i = 0; i < 2; i++) {
		if (r[i] == DQ_SURV_MOST_RECENT && !sp->timestamp)
			return dq_error("contract: '%s': most_recent needs "
					"'timestamp' (a field name)", path);
		if (r[i] == DQ_SURV_SOURCE && (!sp->source || !sp->npriority))
			return dq_error("contract: '%s': source_priority needs "
					"'source' (a field name) and "
					"'source_priority' (a list)", path);
	}
	return 0;
}

static int load(struct dq_survive *s, const cJSON *sec);

static void
group_add(struct dq_survive *s, const char *name)
{
	s->g = dq_xrealloc(s->g, (s->ng + 1) * sizeof(*s->g));
	struct dq_survive_group *g = &s->g[s->ng++];
	memset(g, 0, sizeof(*g));
	g->name = dq_xstrdup(name);
}

static void
group_field(struct dq_survive_group *g, const char *f)
{
	g->field = dq_xrealloc(g->field, (g->n + 1) * sizeof(*g->field));
	g->len = dq_xrealloc(g->len, (g->n + 1) * sizeof(*g->len));
	g->field[g->n] = dq_xstrdup(f);
	g->len[g->n++] = strlen(f);
}

/* The group of field key, or NULL. */
static const struct dq_survive_group *
group_of(const struct dq_survive *s, const char *key, size_t keylen,
	 size_t *gi)
{
	for (size_t i = 0; i < s->ng; i++)
		for (size_t k = 0; k < s->g[i].n; k++)
			if (s->g[i].len[k] == keylen &&
			    !memcmp(s->g[i].field[k], key, keylen)) {
				*gi = i;
				return &s->g[i];
			}
	return NULL;
}

/* "groups": {"name": ["field", ...]}; absent: the address group. */
static int
load_groups(struct dq_survive *s, const cJSON *v)
{
	static const char *const address[] = { "street", "city", "state",
						"zip" };
	const cJSON *it, *f;
	size_t gi;

	if (!v) {
		group_add(s, "address");
		for (size_t k = 0; k < 4; k++)
			group_field(&s->g[0], address[k]);
		return 0;
	}
	if (!cJSON_IsObject(v))
		return dq_error("contract: 'survivorship.groups' must be an "
				"object of field lists");
	cJSON_ArrayForEach(it, v)
	{
		if (!cJSON_IsArray(it) || cJSON_GetArraySize(it) < 2)
			return dq_error("contract: 'survivorship.groups.%s' "
					"must be a list of two or more field "
					"names", it->string);
		group_add(s, it->string);
		cJSON_ArrayForEach(f, it)
		{
			if (!cJSON_IsString(f) || !*f->valuestring)
				return dq_error("contract: "
						"'survivorship.groups.%s': "
						"expected field names",
						it->string);
			if (group_of(s, f->valuestring,
				     strlen(f->valuestring), &gi))
				return dq_error("contract: "
						"'survivorship.groups.%s': "
						"field '%s' is in two groups "
						"or twice",
						it->string, f->valuestring);
			group_field(&s->g[s->ng - 1], f->valuestring);
		}
	}
	return 0;
}

int
dq_survive_load(struct dq_survive *s, const cJSON *sec)
{
	if (!load(s, sec))
		return 0;
	dq_survive_release(s);
	return -1;
}

static int
load(struct dq_survive *s, const cJSON *sec)
{
	const cJSON *v, *it;
	char path[600];

	memset(s, 0, sizeof(*s));
	s->def.rule = DQ_SURV_NON_NULL;
	s->def.primary = DQ_SURV_MOST_FREQUENT;
	s->weak_link = -1;
	if (!sec)
		return load_groups(s, NULL);
	if (!cJSON_IsObject(sec))
		return dq_error("contract: 'survivorship' must be an object");
	if ((v = cJSON_GetObjectItemCaseSensitive(sec, "default")) &&
	    (s->def.rule = rule_of(v, "survivorship.default", 0)) < 0)
		return -1;
	if ((v = cJSON_GetObjectItemCaseSensitive(sec, "weak_link"))) {
		if (!cJSON_IsNumber(v) || v->valuedouble < 0 ||
		    v->valuedouble > 1)
			return dq_error("contract: 'survivorship.weak_link' "
					"must be a score in 0..1");
		s->weak_link = v->valuedouble;
	}
	if ((v = cJSON_GetObjectItemCaseSensitive(sec, "max_cluster_size"))) {
		if (!cJSON_IsNumber(v) || v->valuedouble < 2 ||
		    v->valuedouble > 1e9 ||
		    v->valuedouble != floor(v->valuedouble))
			return dq_error("contract: "
					"'survivorship.max_cluster_size' must "
					"be a whole number >= 2");
		s->max_size = (long long)v->valuedouble;
	}
	if (opt_string(sec, "timestamp", &s->def.timestamp, "survivorship") ||
	    opt_string(sec, "source", &s->def.source, "survivorship") ||
	    opt_priority(sec, &s->def, "survivorship") ||
	    spec_check(&s->def, "survivorship.default"))
		return -1;
	if (load_groups(s, cJSON_GetObjectItemCaseSensitive(sec, "groups")))
		return -1;
	const cJSON *fields = cJSON_GetObjectItemCaseSensitive(sec, "fields");
	if (!fields)
		return 0;
	if (!cJSON_IsObject(fields))
		return dq_error("contract: 'survivorship.fields' must be an "
				"object");
	cJSON_ArrayForEach(it, fields)
	{
		snprintf(path, sizeof(path), "survivorship.fields.%s",
			 it->string);
		s->f = dq_xrealloc(s->f, (s->nf + 1) * sizeof(*s->f));
		struct dq_survive_spec *sp = &s->f[s->nf++];
		spec_copy(sp, &s->def);
		sp->field = dq_xstrdup(it->string);
		if (!cJSON_IsObject(it))
			return dq_error("contract: '%s' must be an object "
					"({\"rule\": ...})", path);
		v = cJSON_GetObjectItemCaseSensitive(it, "rule");
		if (!v)
			return dq_error("contract: '%s' needs 'rule'", path);
		if ((sp->rule = rule_of(v, path, 1)) < 0)
			return -1;
		if ((v = cJSON_GetObjectItemCaseSensitive(it, "primary"))) {
			if (sp->rule != DQ_SURV_UNION)
				return dq_error("contract: '%s.primary' is "
						"only for the union rule", path);
			if ((sp->primary = rule_of(v, path, 0)) < 0)
				return -1;
		}
		if (opt_string(it, "timestamp", &sp->timestamp, path) ||
		    opt_string(it, "source", &sp->source, path) ||
		    opt_string(it, "into", &sp->into, path) ||
		    opt_priority(it, sp, path) || spec_check(sp, path))
			return -1;
		if (sp->into && sp->rule != DQ_SURV_UNION)
			return dq_error("contract: '%s.into' is only for the "
					"union rule", path);
		sp->fieldlen = strlen(sp->field);
		sp->intolen = sp->into ? strlen(sp->into) : 0;
		s->has_into |= sp->into != NULL;
	}
	return 0;
}

void
dq_survive_release(struct dq_survive *s)
{
	for (size_t i = 0; i < s->ng; i++) {
		for (size_t k = 0; k < s->g[i].n; k++)
			free(s->g[i].field[k]);
		free(s->g[i].field);
		free(s->g[i].len);
		free(s->g[i].name);
	}
	free(s->g);
	spec_free(&s->def);
	for (size_t i = 0; i < s->nf; i++)
		spec_free(&s->f[i]);
	free(s->f);
	memset(s, 0, sizeof(*s));
}

void
dq_survive_out_init(struct dq_survive_out *o)
{
	memset(o, 0, sizeof(*o));
	dq_buf_init(&o->fields, 1024);
	dq_buf_init(&o->prov, 256);
	dq_buf_init(&o->rules, 256);
	dq_buf_init(&o->ties, 64);
	dq_buf_init(&o->orig, 64);
}

void
dq_survive_out_release(struct dq_survive_out *o)
{
	dq_buf_release(&o->fields);
	dq_buf_release(&o->prov);
	dq_buf_release(&o->rules);
	dq_buf_release(&o->ties);
	dq_buf_release(&o->orig);
	free(cands);
	cands = NULL;
	ncap = 0;
	free(gwin);
	gwin = NULL;
	gwincap = 0;
	free(unp);
	free(unplen);
	free(orig);
	free(origlen);
	unp = orig = NULL;
	unplen = origlen = NULL;
	unpcap = 0;
	dq_buf_release(&text);
}


static int
same_value(const struct dq_member *a, const struct dq_member *b)
{
	return a->type == b->type && a->vallen == b->vallen &&
	       !memcmp(a->val, b->val, a->vallen);
}

static long
find_raw(const struct dq_record *r, const char *key, size_t keylen)
{
	for (size_t j = 0; j < r->n; j++)
		if (r->m[j].keylen == keylen &&
		    !memcmp(r->m[j].key, key, keylen) &&
		    !(r->m[j].flags & DQ_M_DROPPED))
			return (long)j;
	return -1;
}

/* The unescaped text of a string value (or the raw text of any other),
 * appended to the shared text buffer; returns its offset. */
static size_t
text_of(const struct dq_member *m, size_t *n)
{
	size_t off = text.len;
	dq_json_unescape(m->val, m->vallen, &text);
	*n = text.len - off;
	return off;
}

static double
timestamp_of(const struct dq_record *r, const char *field)
{
	struct dq_member m;
	struct dq_date_opts o;
	struct dq_datetime dt;
	size_t n, off;

	if (!dq_path_find(r, field, strlen(field), &m) ||
	    (m.type != DQ_JSON_STRING && m.type != DQ_JSON_NUMBER))
		return -INFINITY;
	dq_date_opts_init(&o);
	o.epoch = 1;
	off = text_of(&m, &n);
	if (dq_date_parse(text.buf + off, n, &o, &dt))
		return -INFINITY;
	double t = (double)dq_date_days(dt.year, dt.month, dt.day) * 86400.0 +
		   dt.hour * 3600.0 + dt.min * 60.0 + dt.sec + dt.nanos / 1e9;
	if (dt.has_tz)
		t -= dt.tz_offset_min * 60.0;
	return t;
}

static double
source_rank(const struct dq_record *r, const struct dq_survive_spec *sp)
{
	struct dq_member m;
	size_t n, off;
	if (!dq_path_find(r, sp->source, strlen(sp->source), &m) ||
	    m.type != DQ_JSON_STRING)
		return -(double)sp->npriority;
	off = text_of(&m, &n);
	for (size_t i = 0; i < sp->npriority; i++)
		if (strlen(sp->priority[i]) == n &&
		    !memcmp(sp->priority[i], text.buf + off, n))
			return -(double)i;
	return -(double)sp->npriority;
}

/* A number, or a string that is wholly a decimal number. */
static int
numeric(const struct cand *c, double *out)
{
	const struct dq_member *m = c->m;
	char tmp[64], *end;
	const char *s = m->val;
	size_t n = m->vallen;

	if (m->type == DQ_JSON_STRING) {
		s++;
		n -= 2;
	} else if (m->type != DQ_JSON_NUMBER) {
		return 0;
	}
	if (!n || n >= sizeof(tmp))
		return 0;
	memcpy(tmp, s, n);
	tmp[n] = 0;
	if (!strchr("+-.0123456789", tmp[0]))
		return 0;
	*out = strtod(tmp, &end);
	return *end == 0 && isfinite(*out);
}

/* Rank the valid candidates by rule; returns how many take part (min and
 * max over numbers leave the others out by marking them invalid). */
static void
rank(int rule, const struct dq_survive_spec *sp, const struct dq_record *recs,
     struct cand *c, size_t nc)
{
	size_t i, j, n, off;
	int any_num = 0;
	double x;

	switch (rule) {
	case DQ_SURV_NON_NULL:
		for (i = 0; i < nc; i++)
			c[i].d = 0;
		break;
	case DQ_SURV_MOST_RECENT:
		for (i = 0; i < nc; i++)
			if (c[i].valid)
				c[i].d = timestamp_of(&recs[c[i].rec],
						      sp->timestamp);
		break;
	case DQ_SURV_SOURCE:
		for (i = 0; i < nc; i++)
			if (c[i].valid)
				c[i].d = source_rank(&recs[c[i].rec], sp);
		break;
	case DQ_SURV_MOST_FREQUENT:
		for (i = 0; i < nc; i++) {
			c[i].d = 0;
			for (j = 0; j < nc && c[i].valid; j++)
				c[i].d += c[j].valid && same_value(c[i].m,
								   c[j].m);
		}
		break;
	case DQ_SURV_LONGEST:
		for (i = 0; i < nc; i++) {
			if (!c[i].valid)
				continue;
			off = text_of(c[i].m, &n);
			c[i].d = (double)dq_utf8_count(text.buf + off, n);
		}
		break;
	case DQ_SURV_MIN:
	case DQ_SURV_MAX:
		for (i = 0; i < nc; i++)
			any_num |= c[i].valid && numeric(&c[i], &x);
		for (i = 0; i < nc; i++) {
			if (!c[i].valid)
				continue;
			if (any_num) {
				if (!numeric(&c[i], &x)) {
					c[i].valid = 0;
					continue;
				}
				c[i].d = rule == DQ_SURV_MIN ? -x : x;
			} else {
				/* Offsets now; pointers once the buffer
				 * stops growing. */
				c[i].sn = text_of(c[i].m, &n);
				c[i].s = (const char *)(uintptr_t)n;
			}
		}
		if (!any_num)
			for (i = 0; i < nc; i++)
				if (c[i].valid) {
					size_t len = (size_t)(uintptr_t)c[i].s;
					c[i].s = text.buf + c[i].sn;
					c[i].sn = len;
				}
		break;
	}
}

/* >0 when a ranks above b, 0 when equal. */
static int
cmp_rank(int rule, const struct cand *a, const struct cand *b)
{
	if (a->s && b->s) {
		size_t n = a->sn < b->sn ? a->sn : b->sn;
		int r = memcmp(a->s, b->s, n);
		if (!r)
			r = (a->sn > b->sn) - (a->sn < b->sn);
		return rule == DQ_SURV_MIN ? -r : r;
	}
	return (a->d > b->d) - (a->d < b->d);
}

/* Winner index among c[0..nc), and whether it was a tie. */
static size_t
choose(int rule, const struct cand *c, size_t nc, int *tie)
{
	size_t w = SIZE_MAX;
	*tie = 0;
	for (size_t i = 0; i < nc; i++) {
		if (!c[i].valid)
			continue;
		if (w == SIZE_MAX || cmp_rank(rule, &c[i], &c[w]) > 0)
			w = i;
	}
	if (w == SIZE_MAX)
		return 0; /* no valid value: the earliest (empty) one */
	for (size_t i = 0; i < nc; i++)
		if (c[i].valid && !cmp_rank(rule, &c[i], &c[w]) &&
		    !same_value(c[i].m, c[w].m))
			*tie = 1;
	return w;
}

static const struct dq_survive_spec *
spec_for(const struct dq_survive *s, const char *key, size_t keylen)
{
	for (size_t i = 0; i < s->nf; i++)
		if (s->f[i].fieldlen == keylen &&
		    !memcmp(s->f[i].field, key, keylen))
			return &s->f[i];
	return &s->def;
}

static int
is_into(const struct dq_survive *s, const char *key, size_t keylen)
{
	for (size_t i = 0; i < s->nf; i++)
		if (s->f[i].into && s->f[i].intolen == keylen &&
		    !memcmp(s->f[i].into, key, keylen))
			return 1;
	return 0;
}

static void
add_key(struct dq_buf *b, const char *key, size_t keylen)
{
	if (b->len)
		dq_buf_addch(b, ',');
	dq_buf_addch(b, '"');
	dq_buf_add(b, key, keylen);
	dq_buf_add(b, "\":", 2);
}

/* Is key (raw, as written) listed in member i's _dq.unparsed? */
static int
unparsed(size_t i, const char *key, size_t keylen)
{
	struct dq_walk w;
	struct dq_member e;

	if (!unp[i])
		return 0;
	dq_walk_begin(&w, unp[i], unplen[i]);
	while (dq_walk_element(&w, &e))
		if (e.type == DQ_JSON_STRING && e.vallen == keylen + 2 &&
		    !memcmp(e.val + 1, key, keylen))
			return 1;
	return 0;
}

/* Find each member's _dq.unparsed array (stream/meta.h). */
static void
find_unparsed(const struct dq_record *recs, size_t n)
{
	struct dq_member m;

	if (n > unpcap) {
		unpcap = n;
		unp = dq_xrealloc(unp, n * sizeof(*unp));
		unplen = dq_xrealloc(unplen, n * sizeof(*unplen));
		orig = dq_xrealloc(orig, n * sizeof(*orig));
		origlen = dq_xrealloc(origlen, n * sizeof(*origlen));
	}
	for (size_t i = 0; i < n; i++) {
		unp[i] = orig[i] = NULL;
		if (dq_meta_find(&recs[i], "orig", 4, &m) &&
		    m.type == DQ_JSON_OBJECT) {
			orig[i] = m.val;
			origlen[i] = m.vallen;
		}
		if (dq_meta_find(&recs[i], "unparsed", 8, &m) &&
		    m.type == DQ_JSON_ARRAY) {
			unp[i] = m.val;
			unplen[i] = m.vallen;
		}
	}
}

/* Candidate number k (cands grown as needed): member rec's value m. */
static struct cand *
cand_push(size_t k, size_t rec, const struct dq_member *m)
{
	if (k == ncap) {
		ncap = ncap ? 2 * ncap : 16;
		cands = dq_xrealloc(cands, ncap * sizeof(*cands));
	}
	struct cand *c = &cands[k];
	memset(c, 0, sizeof(*c));
	c->rec = rec;
	c->m = m;
	return c;
}

/* The member whose values group g takes (see survive.h). */
static size_t
group_winner(const struct dq_survive *s, const struct dq_survive_group *g,
	     const struct dq_record *recs, size_t n)
{
	const struct dq_survive_spec *sp = spec_for(s, g->field[0], g->len[0]);
	int rule = sp->rule == DQ_SURV_UNION ? sp->primary : sp->rule;
	size_t nc = 0;
	int tie;

	for (size_t i = 0; i < n; i++) {
		long j = -1;
		for (size_t k = 0; k < g->n && j < 0; k++) {
			j = find_raw(&recs[i], g->field[k], g->len[k]);
			if (j >= 0 && dq_value_missing(&recs[i].m[j]))
				j = -1;
		}
		if (j < 0)
			continue;
		cand_push(nc++, i, &recs[i].m[j])->valid = 1;
	}
	if (!nc)
		return SIZE_MAX;
	dq_buf_reset(&text);
	if (nc > 1)
		rank(rule, sp, recs, cands, nc);
	return cands[choose(rule, cands, nc, &tie)].rec;
}

/* The original of field key in member r (its "_dq.orig"), if any, to
 * o->orig: the golden record carries the original of each value that
 * survived. */
static inline void
add_orig(struct dq_survive_out *o, size_t r, const char *key, size_t keylen)
{
	struct dq_member m;

	if (!orig[r] || !dq_walk_find(orig[r], origlen[r], key, keylen, &m))
		return;
	add_key(&o->orig, key, keylen);
	dq_buf_add(&o->orig, m.val, m.vallen);
}

/* Field key of group gi: the group's member's value, or null. */
static void
decide_grouped(const struct dq_survive *s, const struct dq_record *recs,
	       const char *const *ids, const size_t *idlen, size_t gi,
	       const char *key, size_t keylen, struct dq_survive_out *o)
{
	size_t r = gwin[gi];
	long k = find_raw(&recs[r], key, keylen);

	add_key(&o->fields, key, keylen);
	if (k >= 0)
		dq_buf_add(&o->fields, recs[r].m[k].val, recs[r].m[k].vallen);
	else
		dq_buf_addstr(&o->fields, "null");
	add_key(&o->prov, key, keylen);
	dq_buf_add(&o->prov, ids[r], idlen[r]);
	if (k >= 0)
		add_orig(o, r, key, keylen);
	if (!o->want_rules)
		return;
	add_key(&o->rules, key, keylen);
	dq_buf_addstr(&o->rules, "\"group:");
	dq_buf_addstr(&o->rules, s->g[gi].name);
	dq_buf_addch(&o->rules, '"');
}

static void
decide(const struct dq_survive *s, const struct dq_record *recs, size_t n,
       const char *const *ids, const size_t *idlen, size_t first,
       size_t firstm, const char *key, size_t keylen,
       struct dq_survive_out *o)
{
	const struct dq_survive_spec *sp = NULL;
	size_t nc = 0, i, j, gi;
	int tie;

	if (n > 1 && s->ng && group_of(s, key, keylen, &gi) &&
	    gwin[gi] != SIZE_MAX) {
		decide_grouped(s, recs, ids, idlen, gi, key, keylen, o);
		return;
	}
	/* Keys are compared as written; escaped keys use the default. */
	if (!memchr(key, '\\', keylen))
		sp = spec_for(s, key, keylen);
	else
		sp = &s->def;
	for (i = first; i < n; i++) {
		long k = i == first ? (long)firstm
				    : find_raw(&recs[i], key, keylen);
		if (k < 0)
			continue;
		struct cand *c = cand_push(nc++, i, &recs[i].m[k]);
		c->valid = !dq_value_missing(c->m);
		if (c->valid)
			c->valid = unparsed(i, key, keylen) ? 1 : 2;
	}
	/* A value dq-normalize could not parse takes part only when no
	 * member has a parsed one: "555-0100" never beats +15125550100. */
	int top = 0;
	for (i = 0; i < nc; i++)
		if (cands[i].valid > top)
			top = cands[i].valid;
	for (i = 0; i < nc; i++)
		cands[i].valid = top && cands[i].valid == top;
	int rule = sp->rule == DQ_SURV_UNION ? sp->primary : sp->rule;
	size_t nvalid = 0;
	for (i = 0; i < nc; i++)
		nvalid += cands[i].valid;
	dq_buf_reset(&text);
	/* One valid value wins whatever its rank, with no tie (none valid:
	 * the earliest, empty one), as choose would say: a singleton's
	 * fields (most golden records) need no ranking and no choosing. */
	size_t w = 0;
	tie = 0;
	if (nvalid > 1) {
		rank(rule, sp, recs, cands, nc);
		w = choose(rule, cands, nc, &tie);
	} else {
		for (i = 0; i < nc; i++)
			if (cands[i].valid) {
				w = i;
				break;
			}
	}
	const struct cand *win = &cands[w];

	add_key(&o->fields, key, keylen);
	if (sp->rule == DQ_SURV_UNION && win->valid) {
		struct dq_buf *b = &o->fields;
		if (sp->into) {
			dq_buf_add(b, win->m->val, win->m->vallen);
			add_key(b, sp->into, strlen(sp->into));
		}
		dq_buf_addch(b, '[');
		dq_buf_add(b, win->m->val, win->m->vallen);
		for (i = 0; i < nc; i++) {
			if (!cands[i].valid || same_value(cands[i].m, win->m))
				continue;
			for (j = 0; j < i; j++)
				if (cands[j].valid &&
				    same_value(cands[j].m, cands[i].m))
					break;
			if (j < i)
				continue;
			dq_buf_addch(b, ',');
			dq_buf_add(b, cands[i].m->val, cands[i].m->vallen);
		}
		dq_buf_addch(b, ']');
	} else {
		dq_buf_add(&o->fields, win->m->val, win->m->vallen);
	}
	add_key(&o->prov, key, keylen);
	dq_buf_add(&o->prov, ids[win->rec], idlen[win->rec]);
	if (win->valid)
		add_orig(o, win->rec, key, keylen);
	if (sp->rule == DQ_SURV_UNION && win->valid && sp->into) {
		add_key(&o->prov, sp->into, sp->intolen);
		dq_buf_add(&o->prov, ids[win->rec], idlen[win->rec]);
	}
	if (!o->want_rules)
		return;
	add_key(&o->rules, key, keylen);
	dq_buf_addch(&o->rules, '"');
	dq_buf_addstr(&o->rules, dq_survive_rule_name(sp->rule));
	dq_buf_addch(&o->rules, '"');
	if (tie) {
		if (o->ties.len)
			dq_buf_addch(&o->ties, ',');
		dq_buf_addch(&o->ties, '"');
		dq_buf_add(&o->ties, key, keylen);
		dq_buf_addch(&o->ties, '"');
		o->nties++;
	}
}

void
dq_survive_build(const struct dq_survive *s, const struct dq_record *recs,
		 size_t n, const char *const *ids, const size_t *idlen,
		 struct dq_survive_out *o)
{
	dq_buf_reset(&o->fields);
	dq_buf_reset(&o->prov);
	dq_buf_reset(&o->rules);
	dq_buf_reset(&o->ties);
	dq_buf_reset(&o->orig);
	o->nties = 0;
	find_unparsed(recs, n);
	if (s->ng > gwincap) {
		gwincap = s->ng;
		gwin = dq_xrealloc(gwin, gwincap * sizeof(*gwin));
	}
	/* A singleton's fields are its own: no group to choose. */
	for (size_t g = 0; g < s->ng; g++)
		gwin[g] = n > 1 ? group_winner(s, &s->g[g], recs, n) : SIZE_MAX;
	for (size_t i = 0; i < n; i++) {
		const struct dq_record *r = &recs[i];
		for (size_t j = 0; j < r->n; j++) {
			const struct dq_member *m = &r->m[j];
			if ((long)j == r->dq || (m->flags & DQ_M_DROPPED))
				continue;
			if (s->has_into && is_into(s, m->key, m->keylen))
				continue;
			/* Decided already with an earlier member? */
			size_t p;
			for (p = 0; p < i; p++)
				if (find_raw(&recs[p], m->key, m->keylen) >= 0)
					break;
			if (p < i)
				continue;
			decide(s, recs, n, ids, idlen, i, j, m->key,
			       m->keylen, o);
		}
	}
}
