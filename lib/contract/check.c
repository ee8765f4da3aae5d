/*
 * check.c - the per-record checker (see check.h).
 *
 * Each record is read once.  One pass over its members matches them to
 * the fields the rules read (the rule set's hash table from name to slot,
 * with a cache per member position, since the records of a stream mostly
 * repeat their keys in one order); every check runs on the raw value
 * bytes the scanner found, and a value is decoded (unescaped, converted
 * to a number with Clinger's fast path, parsed as an ISO date) only when
 * a check needs it, once per record whatever the number of checks on the
 * field.  Violation text was made when the rules were compiled, so a
 * failure costs a few copies.  Uniqueness checks are decided after the
 * record's other checks, with the key set's slot prefetched, so that the
 * cache miss of a set of millions of keys overlaps that work; their
 * entries are then inserted where they belong, so _dq.violations is in
 * check order.
 *
 * Everything a check calls per value is in this file or inline in a
 * header (contract/types.h, contract/rules.h), so the compiler sees the
 * whole record loop.
 *
 * Uniqueness and reference checks keep an exact set of XXH3-128 hashes
 * (base/keyset.h: 21-43 bytes per distinct key).  Set-level rules keep
 * counters; grouped rules keep, per group, two counters (rates, counts)
 * or one entry per record of the group (runs).  Everything else is per
 * record, so memory is bounded by the longest line.
 */
#include "base/num.h"
#include "base/utf8.h"
#include "contract/check.h"

#include <stdlib.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#define XXH_INLINE_ALL
#include <xxhash.h>

#include "contract/pii.h"
#include "contract/types.h"
#include "norm/date.h"
#include "stream/path.h"
#include "stream/walk.h"


/*
 * Compare the JSON number v (n bytes; its double is x) with the bound b,
 * exactly when v is an integer written without fraction or exponent and
 * b is integral (a double prints exactly with %.0f): -1, 0 or 1.  Other
 * numbers compare as doubles.
 */
static int
cmp_number(const char *v, size_t n, double x, double b)
{
	char bt[400];
	const char *p = v, *q = bt;
	size_t pn = n, qn;
	int neg_v, neg_b, c;

	if (memchr(v, '.', n) || memchr(v, 'e', n) || memchr(v, 'E', n) ||
	    !isfinite(b) || b != floor(b))
		return x < b ? -1 : x > b;
	qn = (size_t)snprintf(bt, sizeof(bt), "%.0f", b);
	neg_v = *p == '-';
	neg_b = *q == '-';
	if (neg_v)
		p++, pn--;
	if (neg_b)
		q++, qn--;
	while (pn > 1 && *p == '0')
		p++, pn--;
	if (pn == 1 && *p == '0')
		neg_v = 0; /* -0 is 0 */
	if (qn == 1 && *q == '0')
		neg_b = 0;
	if (neg_v != neg_b)
		return neg_v ? -1 : 1;
	c = pn != qn ? (pn < qn ? -1 : 1) : memcmp(p, q, pn);
	c = c < 0 ? -1 : c > 0;
	return neg_v ? -c : c;
}

static inline const struct dq_member *
val(struct dq_check *ck, int slot)
{
	return ck->rs->slots[slot].mp;
}

/* The text of the slot's value (present): a string unescaped if needed,
 * or the raw text of another value.  Valid for the current record. */
static const char *
slot_text(struct dq_check *ck, int slot, size_t *n)
{
	struct dq_slot *s = &ck->rs->slots[slot];
	if (!(s->have & DQ_SV_TEXT)) {
		const struct dq_member *m = s->mp;
		s->have |= DQ_SV_TEXT;
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
slot_num(struct dq_check *ck, int slot)
{
	struct dq_slot *s = &ck->rs->slots[slot];
	if (!(s->have & DQ_SV_NUM)) {
		const struct dq_member *m = s->mp;
		s->have |= DQ_SV_NUM;
		s->num = json_number(m->val, m->vallen);
	}
	return s->num;
}

/* iso_parse of the slot's text (present): 0 date, 1 date-time, -1. */
static int
slot_iso(struct dq_check *ck, int slot, long long *days, double *secs)
{
	struct dq_slot *s = &ck->rs->slots[slot];
	if (!(s->have & DQ_SV_ISO)) {
		size_t n;
		const char *t = slot_text(ck, slot, &n);
		s->have |= DQ_SV_ISO;
		s->iso = dq_iso_parse(t, n, &s->days, &s->secs);
	}
	*days = s->days;
	*secs = s->secs;
	return s->iso;
}



/*
 * Records of one stream mostly repeat their keys in the same order, so the
 * slot found at each member position is remembered with the key's bytes
 * (DQ_CHECK_DQ_CHECK_POS_KEY of them; longer keys are looked up each time) and
 * confirmed by one compare next time instead of a hash and a probe.
 */

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


/* A member no rule names, under a closed or forbidden_fields rule: count
 * the records its name appears in (names past the cap only in total). */
static void __attribute__((noinline))
note_other(struct dq_check *ck, const char *k, size_t n)
{
	struct dq_rules *rs = ck->rs;
	long i = dq_strmap_get(&rs->others, k, n);
	if (i < 0) {
		if (n == 3 && !memcmp(k, "_dq", 3))
			return; /* the toolkit's own metadata */
		if (rs->others.n >= DQ_RULES_MAX_OTHERS) {
			rs->others_dropped++;
			return;
		}
		i = (long)rs->others.n;
		dq_strmap_add(&rs->others, k, n, (size_t)i);
		rs->other_recs = dq_xrealloc(rs->other_recs,
					     (size_t)(i + 1) * sizeof(uint64_t));
		rs->other_recs[i] = 0;
	}
	rs->other_recs[i]++;
}

/* Match the record's members to slots in one pass over them.  The
 * scanner rejects repeated keys, so a slot gets at most one member. */
static void
find_slots(struct dq_check *ck)
{
	const int watch = ck->rs->watch_others;
	struct dq_slot *const slots = ck->rs->slots;
	const size_t nslots = ck->rs->nslots, nmem = ck->rec->n;
	const struct dq_member *const mem = ck->rec->m;
	for (size_t i = 0; i < nslots; i++) {
		slots[i].mi = -1;
		slots[i].mp = NULL;
		slots[i].have = 0;
	}
	for (size_t i = 0; i < nmem; i++) {
		const struct dq_member *m = &mem[i];
		const char *k = m->key;
		size_t n = m->keylen;
		int j;
		if (m->flags & DQ_M_KEY_ESC) {
			dq_buf_reset(&ck->tbuf);
			dq_json_unescape(k - 1, n + 2, &ck->tbuf);
			j = dq_rules_slot(ck->rs, ck->tbuf.buf, ck->tbuf.len);
		} else if (i < DQ_CHECK_POS_CACHE && ck->poscache[i].slot > -2 &&
			   ck->poscache[i].len == n &&
			   key_eq(ck->poscache[i].key, k, n)) {
			j = ck->poscache[i].slot;
		} else if (i + 1 < DQ_CHECK_POS_CACHE &&
			   ck->poscache[i + 1].slot > -2 &&
			   ck->poscache[i + 1].len == n &&
			   key_eq(ck->poscache[i + 1].key, k, n)) {
			/* A record without one of the usual fields: the
			 * keys after the gap come one place early.  The
			 * cache is kept for the next, usual record. */
			j = ck->poscache[i + 1].slot;
		} else {
			j = dq_rules_slot(ck->rs, k, n);
			if (i < DQ_CHECK_POS_CACHE && n <= DQ_CHECK_POS_KEY) {
				ck->poscache[i].slot = j;
				ck->poscache[i].len = (unsigned char)n;
				memcpy(ck->poscache[i].key, k, n);
			}
		}
		if (j >= 0) {
			slots[j].mi = (long)i;
			slots[j].mp = m;
			slots[j].seen = 1;
		} else if (watch) {
			if (m->flags & DQ_M_KEY_ESC)
				note_other(ck, ck->tbuf.buf, ck->tbuf.len);
			else
				note_other(ck, k, n);
		}
	}
}

/* The slots whose names are paths without "[]", in a record without
 * their exact names: the value along the path (stream/path.h).  Paths
 * with "[]" are resolved by the checks that read them (check_each). */
static void __attribute__((noinline))
find_paths(struct dq_check *ck)
{
	for (size_t k = 0; k < ck->rs->npslots; k++) {
		struct dq_slot *s = &ck->rs->slots[ck->rs->pslots[k]];
		if (s->mp || s->path->neach ||
		    !dq_path_get(s->path, ck->rec, &s->nm, NULL))
			continue;
		s->mp = &s->nm;
		s->seen = 1;
	}
}

/* Did dq-normalize fail to parse the slot's value (_dq.unparsed names
 * it, or the element in hand: "emails[1]")? */
static int
is_unparsed(struct dq_check *ck, int slot)
{
	const struct dq_slot *s = &ck->rs->slots[slot];
	const char *name = ck->jelabel.len ? ck->elabel.buf : s->name;
	size_t len = ck->jelabel.len ? ck->elabel.len : s->len;
	for (size_t i = 0; i < ck->unparsed.len;) {
		size_t n = strlen(ck->unparsed.buf + i);
		if (n == len && !memcmp(ck->unparsed.buf + i, name, n))
			return 1;
		i += n + 1;
	}
	return 0;
}

/* Read _dq.unparsed (as NUL-separated names) and _dq.row: a walk of the
 * _dq object, which the scanner validated. */
static void
read_lineage(struct dq_check *ck)
{
	struct dq_member m;
	struct dq_walk w;

	dq_buf_reset(&ck->unparsed);
	dq_buf_reset(&ck->rowbuf);
	if (ck->rec->dq < 0 || ck->rec->m[ck->rec->dq].type != DQ_JSON_OBJECT)
		return;
	const struct dq_member *d = &ck->rec->m[ck->rec->dq];
	if (dq_walk_find(d->val, d->vallen, "row", 3, &m) &&
	    m.type == DQ_JSON_NUMBER)
		dq_buf_add(&ck->rowbuf, m.val, m.vallen);
	if (!dq_walk_find(d->val, d->vallen, "unparsed", 8, &m) ||
	    m.type != DQ_JSON_ARRAY)
		return;
	dq_walk_begin(&w, m.val, m.vallen);
	while (dq_walk_element(&w, &m)) {
		if (m.type != DQ_JSON_STRING)
			continue;
		dq_json_unescape(m.val, m.vallen, &ck->unparsed);
		dq_buf_addch(&ck->unparsed, '\0');
	}
}

static void
record_id(struct dq_check *ck)
{
	const struct dq_member *m = val(ck, ck->rs->id_slot);
	dq_buf_reset(&ck->idbuf);
	if (!dq_value_missing(m))
		dq_buf_add(&ck->idbuf, m->val, m->vallen);
	else if (ck->rowbuf.len)
		dq_buf_add(&ck->idbuf, ck->rowbuf.buf, ck->rowbuf.len);
	else
		dq_buf_add_int(&ck->idbuf, ck->line);
}

static int
value_equals(struct dq_check *ck, int slot, const cJSON *v)
{
	const struct dq_member *m = val(ck, slot);
	size_t n;
	const char *s;
	if (!m || m->type == DQ_JSON_NULL)
		return cJSON_IsNull(v);
	switch (m->type) {
	case DQ_JSON_STRING:
		if (!cJSON_IsString(v))
			return 0;
		s = slot_text(ck, slot, &n);
		return strlen(v->valuestring) == n &&
		       !memcmp(s, v->valuestring, n);
	case DQ_JSON_NUMBER:
		return cJSON_IsNumber(v) && slot_num(ck, slot) == v->valuedouble;
	case DQ_JSON_TRUE:
		return cJSON_IsTrue(v);
	case DQ_JSON_FALSE:
		return cJSON_IsFalse(v);
	}
	return 0;
}

/* dq_expr_fetch_fn: a slot's value for an expression (contract/expr.h),
 * decoded through the slot's cache like any check's. */
static void
expr_fetch(void *ctx, int slot, struct dq_xval *o)
{
	struct dq_check *ck = ctx;
	const struct dq_member *m = val(ck, slot);

	o->kind = DQ_XV_UNKNOWN;
	o->b = 0;
	if (dq_value_missing(m))
		return;
	switch (m->type) {
	case DQ_JSON_NUMBER:
		o->kind = DQ_XV_NUM;
		o->num = slot_num(ck, slot);
		break;
	case DQ_JSON_STRING:
		o->kind = DQ_XV_STR;
		o->s = slot_text(ck, slot, &o->n);
		break;
	case DQ_JSON_TRUE:
	case DQ_JSON_FALSE:
		o->kind = DQ_XV_BOOL;
		o->b = m->type == DQ_JSON_TRUE;
		break;
	default:
		o->b = 1; /* present, but an object or array */
		break;
	}
}

static int
cond_holds(struct dq_check *ck, const struct dq_cond *c)
{
	const struct dq_member *m = val(ck, c->slot);
	const cJSON *it;
	switch (c->op) {
	case DQ_COND_PRESENT:
		return !dq_value_missing(m);
	case DQ_COND_ABSENT:
		return dq_value_missing(m);
	case DQ_COND_EQ:
		return value_equals(ck, c->slot, c->vals);
	case DQ_COND_NE:
		return !value_equals(ck, c->slot, c->vals);
	case DQ_COND_IN:
		cJSON_ArrayForEach(it, c->vals)
		if (value_equals(ck, c->slot, it))
			return 1;
		return 0;
	case DQ_COND_EXPR:
		return dq_expr_eval(c->expr, expr_fetch, ck) == DQ_TV_TRUE;
	}
	return 0;
}

/*
 * A string slot's "N%" (N a JSON number, then one '%'): 1 with *x the
 * number on the rule's scale, -1 when the rule says no scale, 0 when the
 * text is not of that shape (the type check's business).
 */
static int
percent_value(struct dq_check *ck, int slot, enum dq_percent pc, double *x)
{
	const struct dq_member *m = val(ck, slot);
	size_t n;
	const char *s;
	char t[64], *end;
	struct dq_json_error err;

	/* Most strings do not end in '%' (or an escape that could be one). */
	if (!(m->flags & DQ_M_VAL_ESC) && m->val[m->vallen - 2] != '%')
		return 0;
	s = slot_text(ck, slot, &n);
	if (n < 2 || n >= sizeof(t) || s[n - 1] != '%' ||
	    !(s[0] == '-' || (s[0] >= '0' && s[0] <= '9')) ||
	    !(s[n - 2] >= '0' && s[n - 2] <= '9') ||
	    dq_json_validate(s, n - 1, &err) != DQ_JSON_NUMBER)
		return 0;
	if (pc == DQ_PERCENT_NONE)
		return -1;
	memcpy(t, s, n - 1);
	t[n - 1] = '\0';
	*x = strtod(t, &end);
	if (pc == DQ_PERCENT_FRACTION)
		*x /= 100;
	return 1;
}

static void
keep_example(struct dq_check *ck, struct dq_rule *r, const char *v, size_t vn)
{
	if (r->nex >= (size_t)ck->examples)
		return;
	if (!r->ex)
		r->ex = dq_xcalloc((size_t)ck->examples, sizeof(*r->ex));
	struct dq_example *e = &r->ex[r->nex++];
	e->line = ck->line;
	e->id = dq_xstrndup(ck->idbuf.buf, ck->idbuf.len);
	e->value = vn <= 200 ? dq_xstrndup(v, vn) : NULL;
}

/* One line of the --violations file; jm is the message as a JSON
 * string. */
void
dq_check_violation_line(struct dq_check *ck, const struct dq_rule *r, const char *id, long line,
		const char *v, size_t vn, const char *jm, size_t jmn,
		const char *extra)
{
	struct dq_buf *b = &ck->vfile->b;
	dq_buf_addstr(b, "{\"run_id\":");
	dq_buf_addstr(b, ck->jrunid);
	dq_buf_addstr(b, ",\"record_id\":");
	dq_buf_addstr(b, id ? id : "null");
	dq_buf_addstr(b, ",\"line\":");
	if (line > 0)
		dq_buf_add_int(b, line);
	else
		dq_buf_addstr(b, "null");
	if (ck->file && line > 0) {
		dq_buf_addstr(b, ",\"file\":");
		dq_buf_add_json_string(b, ck->file, strlen(ck->file));
	}
	dq_buf_addstr(b, ",\"code\":");
	dq_buf_addstr(b, r->jcode);
	dq_buf_addstr(b, ",\"severity\":\"");
	dq_buf_addstr(b, dq_sev_names[r->sev]);
	dq_buf_addstr(b, "\",\"category\":\"");
	dq_buf_addstr(b, ck->rs->cat_names[r->cat]);
	dq_buf_addstr(b, "\",\"field\":");
	if (ck->jelabel.len)
		dq_buf_add(b, ck->jelabel.buf, ck->jelabel.len);
	else
		dq_buf_addstr(b, r->jlabel);
	dq_buf_addstr(b, ",\"value\":");
	dq_buf_add(b, v, vn);
	dq_buf_addstr(b, ",\"message\":");
	dq_buf_add(b, jm, jmn);
	dq_buf_addstr(b, ",\"hint\":");
	dq_buf_addstr(b, r->jhint);
	if (extra)
		dq_buf_addstr(b, extra);
	dq_buf_add(b, "}\n", 2);
	dq_out_commit(ck->vfile);
}

/* The head of an element's entry: it names the element. */
static void __attribute__((noinline))
element_entry_head(struct dq_check *ck, struct dq_buf *b,
		   const struct dq_rule *r, enum dq_msg k)
{
	dq_buf_addstr(b, "{\"code\":");
	dq_buf_addstr(b, r->jcode);
	dq_buf_addstr(b, ",\"field\":");
	dq_buf_add(b, ck->jelabel.buf, ck->jelabel.len);
	dq_buf_addstr(b, ",\"severity\":\"");
	dq_buf_addstr(b, dq_sev_names[r->sev]);
	dq_buf_addstr(b, "\",\"message\":");
	dq_buf_add(b, r->jmsg[k], r->jmsglen[k]);
	dq_buf_addstr(b, ",\"value\":");
}

/* A _dq.violations entry.  Inline: messy data fails several checks a
 * record, and the common entry is two copies and a brace. */
static inline void
add_entry(struct dq_check *ck, struct dq_buf *b, const struct dq_rule *r, const char *v, size_t vn,
	  enum dq_msg k)
{
	if (ck->jelabel.len)
		element_entry_head(ck, b, r, k);
	else
		dq_buf_add(b, r->ventry[k], r->ventrylen[k]);
	dq_buf_add(b, v, vn);
	dq_buf_addch(b, '}');
}

/* The policy that hides rule r's values: that of the first of its fields
 * the contract marks sensitive, asked once per rule. */
static enum dq_pii_policy
rule_pii(const struct dq_check *ck, struct dq_rule *r)
{
	if (!r->pii) {
		enum dq_pii_policy pol = DQ_PII_NONE;
		for (size_t i = 0; i < r->nslots && !dq_pii_hides(pol); i++) {
			const struct dq_slot *s = &ck->rs->slots[r->slots[i]];
			pol = dq_pii_policy(dq_pii_active(), s->name, s->len);
		}
		r->pii = 1 + (int)pol;
	}
	return (enum dq_pii_policy)(r->pii - 1);
}

/* Record a failure of rule r on the current record; v is the offending
 * value's raw JSON (NULL: null), k which of the rule's messages.  The
 * value of a sensitive field is shown masked (contract/pii.h) in the
 * record's _dq.violations, the violations file and the examples.  A
 * ck->deferred check's entry goes where it would have been, so the order of
 * _dq.violations is the order of the checks. */
static void
fail(struct dq_check *ck, struct dq_rule *r, const char *v, size_t vn, enum dq_msg k)
{
	if (!v) {
		v = "null";
		vn = 4;
	}
	if (ck->pii && dq_pii_hides(rule_pii(ck, r))) {
		dq_buf_reset(&ck->pibuf);
		dq_pii_render_json(dq_pii_active(), rule_pii(ck, r), v, vn,
				   &ck->pibuf);
		v = ck->pibuf.buf;
		vn = ck->pibuf.len;
	}
	r->failures++;
	if (!ck->nviol)
		record_id(ck);
	keep_example(ck, r, v, vn);
	if (r->dnv >= 0) {
		size_t at = r->dpos;
		dq_buf_reset(&ck->dbuf);
		if (r->dnv)
			dq_buf_addch(&ck->dbuf, ',');
		add_entry(ck, &ck->dbuf, r, v, vn, k);
		if (!r->dnv && ck->vbuf.len > at)
			dq_buf_addch(&ck->dbuf, ',');
		dq_buf_grow(&ck->vbuf, ck->dbuf.len);
		memmove(ck->vbuf.buf + at + ck->dbuf.len, ck->vbuf.buf + at,
			ck->vbuf.len - at + 1);
		memcpy(ck->vbuf.buf + at, ck->dbuf.buf, ck->dbuf.len);
		ck->vbuf.len += ck->dbuf.len;
		ck->nviol++;
	} else {
		if (ck->nviol++)
			dq_buf_addch(&ck->vbuf, ',');
		add_entry(ck, &ck->vbuf, r, v, vn, k);
	}
	if (ck->nviol == 1 || r->sev > ck->rec_max)
		ck->rec_max = r->sev;
	ck->n_viol[r->sev]++;
	if (ck->nv == ck->vcap) {
		ck->vcap = ck->vcap ? 2 * ck->vcap : 16;
		ck->vslots = dq_xrealloc(ck->vslots, ck->vcap * sizeof(int));
	}
	ck->vslots[ck->nv++] = r->nslots ? r->slots[0] : -1;
	if (ck->vfile->fd >= 0)
		dq_check_violation_line(ck, r, ck->idbuf.buf, ck->line, v, vn, r->jmsg[k],
				r->jmsglen[k], NULL);
}

/*
 * The text a value-set check with "part": "domain" reads (m present): the
 * ASCII lower-cased text after the last '@' of a string.  NULL when the
 * value has no such part (no '@', nothing after it, not a string): the
 * check skips it, the format check reports it.  (Without a part, checks
 * read slot_text.)
 */
static const char *
part_text(struct dq_check *ck, const struct dq_rule *r, int slot,
	  const struct dq_member *m, size_t *n)
{
	const char *s, *at;
	if (m->type != DQ_JSON_STRING)
		return NULL;
	s = slot_text(ck, slot, n);
	if (!(at = memrchr(s, '@', *n)) ||
	    at + 1 == s + *n)
		return NULL;
	at++;
	*n -= (size_t)(at - s);
	dq_buf_reset(&ck->pbuf);
	dq_buf_grow(&ck->pbuf, *n);
	for (size_t i = 0; i < *n; i++)
		ck->pbuf.buf[i] = at[i] >= 'A' && at[i] <= 'Z' ? at[i] + 32
							      : at[i];
	ck->pbuf.len = *n;
	return ck->pbuf.buf;
}

/* Is the slot's string value a valid value of the format?  Dates use the
 * slot's parse (a range check may need it too), phones the inline check,
 * e-mail addresses norm/value.h's one check called directly (the commonest
 * format spared a dispatch); the rest go through dq_format_valid.
 * Always inlined into the per-record checker, as it was in dq-validate. */
static inline __attribute__((always_inline)) int
format_ok(struct dq_check *ck, enum dq_type t, int slot)
{
	long long d;
	double secs;
	size_t n;
	const char *s = slot_text(ck, slot, &n);
	switch (t) {
	case DQ_TYPE_DATE:
		return slot_iso(ck, slot, &d, &secs) == 0;
	case DQ_TYPE_DATETIME:
		return slot_iso(ck, slot, &d, &secs) >= 0;
	case DQ_TYPE_EMAIL:
		return dq_email_valid_exact(s, n);
	case DQ_TYPE_PHONE:
		return dq_e164_valid(s, n);
	default:
		return dq_format_valid(t, s, n);
	}
}

/* Numeric or time value for ordering: 1 number, 2 time, 0 neither. */
static int
ordinal(struct dq_check *ck, int slot, double *out)
{
	const struct dq_member *m = val(ck, slot);
	if (m->type == DQ_JSON_NUMBER) {
		*out = slot_num(ck, slot);
		return 1;
	}
	if (m->type == DQ_JSON_STRING) {
		long long d;
		double secs;
		if (slot_iso(ck, slot, &d, &secs) < 0)
			return 0;
		*out = (double)d * 86400 + secs;
		return 2;
	}
	return 0;
}

/*
 * The key of the slots' values into ck->kbuf, the equality of unique,
 * duplicate_rate and grouping keys (docs/validate.md): strings by their
 * unescaped bytes, numbers by exact value (dq_num_exact_key), true, false,
 * objects and arrays by their text; a string and a number are distinct
 * ("1" is not 1).  A string part is its bytes as they are (the common
 * case costs nothing more); any other part starts with a byte no UTF-8
 * text holds, 0xFF for a number and 0xFE for the rest.  0 if a part is
 * missing.
 */
static int
build_key(struct dq_check *ck, const int *slots, size_t n)
{
	dq_buf_reset(&ck->kbuf);
	for (size_t i = 0; i < n; i++) {
		const struct dq_member *m = val(ck, slots[i]);
		if (dq_value_missing(m))
			return 0;
		size_t len, at = ck->kbuf.len;
		uint32_t l32 = 0;
		if (n > 1)
			dq_buf_add(&ck->kbuf, &l32, sizeof(l32));
		if (m->type == DQ_JSON_NUMBER) {
			dq_buf_addch(&ck->kbuf, '\xff');
			dq_num_exact_key(m->val, m->vallen, &ck->kbuf);
		} else {
			const char *s = slot_text(ck, slots[i], &len);
			if (m->type != DQ_JSON_STRING)
				dq_buf_addch(&ck->kbuf, '\xfe');
			dq_buf_add(&ck->kbuf, s, len);
		}
		if (n > 1) {
			l32 = (uint32_t)(ck->kbuf.len - at - sizeof(l32));
			memcpy(ck->kbuf.buf + at, &l32, sizeof(l32));
		}
	}
	return 1;
}

/* The raw values of a compound key as a JSON array, into ck->mbuf. */
static void
key_values(struct dq_check *ck, const int *slots, size_t n)
{
	dq_buf_reset(&ck->mbuf);
	dq_buf_addch(&ck->mbuf, '[');
	for (size_t i = 0; i < n; i++) {
		const struct dq_member *m = val(ck, slots[i]);
		if (i)
			dq_buf_addch(&ck->mbuf, ',');
		if (m)
			dq_buf_add(&ck->mbuf, m->val, m->vallen);
		else
			dq_buf_addstr(&ck->mbuf, "null");
	}
	dq_buf_addch(&ck->mbuf, ']');
}

static struct dq_group *
group_get(struct dq_check *ck, struct dq_rule *r)
{
	uint64_t h = XXH3_64bits(ck->kbuf.buf, ck->kbuf.len);
	if ((r->ngroups + 1) * 2 > r->gcap) {
		r->gcap = r->gcap ? r->gcap * 2 : 1024;
		/* At most gcap / 2 groups until the next growth. */
		r->groups = dq_xrealloc(r->groups,
					r->gcap / 2 * sizeof(*r->groups));
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
		struct dq_group *g = &r->groups[r->gtab[j] - 1];
		if (g->keylen == ck->kbuf.len && !memcmp(g->key, ck->kbuf.buf, ck->kbuf.len))
			return g;
		j = (j + 1) & (r->gcap - 1);
	}
	struct dq_group *g = &r->groups[r->ngroups];
	memset(g, 0, sizeof(*g));
	g->key = dq_xstrndup(ck->kbuf.buf, ck->kbuf.len);
	g->keylen = ck->kbuf.len;
	key_values(ck, r->slots, r->nslots);
	g->label = dq_xstrndup(ck->mbuf.buf, ck->mbuf.len);
	r->gtab[j] = ++r->ngroups;
	return g;
}

static void
group_add(struct dq_check *ck, struct dq_rule *r)
{
	if (!build_key(ck, r->slots, r->nslots))
		return;
	struct dq_group *g = group_get(ck, r);
	int hit = cond_holds(ck, &r->when);
	g->total++;
	g->hits += hit;
	if (r->kind != DQ_RULE_GROUP_RUN)
		return;
	const struct dq_member *m = val(ck, r->order_slot);
	if (dq_value_missing(m))
		return;
	if (g->n == g->cap) {
		g->cap = g->cap ? 2 * g->cap : 8;
		g->ents = dq_xrealloc(g->ents, g->cap * sizeof(*g->ents));
	}
	struct dq_runent *e = &g->ents[g->n++];
	memset(e, 0, sizeof(*e));
	e->seq = ck->seq;
	e->hit = hit;
	if (m->type == DQ_JSON_NUMBER) {
		e->num = slot_num(ck, r->order_slot);
		return;
	}
	/* A date orders as the day it names, whatever its spelling
	 * (9/9/2026 before 9/10/2026); other text as text. */
	long long d;
	double secs;
	size_t n;
	const char *s = slot_text(ck, r->order_slot, &n);
	struct dq_date_opts o;
	struct dq_datetime dt;
	e->kind = 1;
	if (slot_iso(ck, r->order_slot, &d, &secs) >= 0) {
		e->num = (double)d * 86400 + secs;
		return;
	}
	dq_date_opts_init(&o);
	o.order = (enum dq_date_order)r->date_order;
	if (dq_date_parse(s, n, &o, &dt) == 0) {
		e->num = (double)dq_date_days(dt.year, dt.month, dt.day) * 86400 +
			 dt.hour * 3600 + dt.min * 60 + dt.sec -
			 (dt.has_tz ? dt.tz_offset_min * 60 : 0);
		return;
	}
	e->kind = 2;
	e->s = dq_xstrndup(s, n);
	e->slen = n;
}

/* The uniqueness check of r on the current record, its hash made: 0, or
 * -1 after a message when the set outgrows --max-keys. */
static int
unique_decide(struct dq_check *ck, struct dq_rule *r)
{
	int rc = 0;

	if (!dq_keyset_add_hash(&r->set, &r->kh)) {
		if (r->nslots > 1) {
			key_values(ck, r->slots, r->nslots);
			fail(ck, r, ck->mbuf.buf, ck->mbuf.len, DQ_MSG_MAIN);
		} else {
			const struct dq_member *m = val(ck, r->slots[0]);
			fail(ck, r, m->val, m->vallen, DQ_MSG_MAIN);
		}
	} else if (r->set.n > (size_t)ck->max_keys) {
		rc = dq_error("rule %s: more than %lld distinct keys "
			      "(--max-keys); see dq-validate(1), UNIQUENESS",
			      r->code, ck->max_keys);
	}
	r->dnv = -1;
	return rc;
}

/* A column_order rule on the current record: the listed fields that are
 * present must come in the listed order.  The first record where they
 * do not is kept (the order found, and its line) for the end. */
static void
column_order(struct dq_check *ck, struct dq_rule *r)
{
	long last = -1;
	size_t k;
	for (k = 0; k < r->nslots; k++) {
		long mi = ck->rs->slots[r->slots[k]].mi;
		if (mi < 0)
			continue;
		if (mi < last)
			break;
		last = mi;
	}
	if (k == r->nslots)
		return;
	/* The listed fields in the order the record has them, as text and
	 * as a JSON list. */
	struct dq_buf b = DQ_BUF_INIT, j = DQ_BUF_INIT;
	dq_buf_addch(&j, '[');
	for (size_t i = 0; i < ck->rec->n; i++)
		for (k = 0; k < r->nslots; k++) {
			const struct dq_slot *sl = &ck->rs->slots[r->slots[k]];
			if (sl->mi != (long)i)
				continue;
			dq_buf_addstr(&b, b.len ? ", " : "");
			dq_buf_addstr(&j, j.len > 1 ? "," : "");
			dq_buf_add(&b, sl->name, sl->len);
			dq_buf_add_json_string(&j, sl->name, sl->len);
		}
	dq_buf_addch(&j, ']');
	r->found = dq_buf_detach(&b, NULL);
	r->found_json = dq_buf_detach(&j, NULL);
	r->found_line = ck->line;
}

/* Type the CSV cells of the fields the contract types (contract/types.h):
 * the rules then see what they would see in the NDJSON of the data. */
static void
type_cells(struct dq_check *ck)
{
	for (size_t i = 0; i < ck->rs->nslots; i++)
		if (ck->rs->slots[i].cell != DQ_CELL_TEXT && ck->rs->slots[i].mi >= 0)
			dq_value_type_cell(ck->rec, (size_t)ck->rs->slots[i].mi,
					   ck->rs->slots[i].cell);
}

/*
 * An items rule on the array m: its number of elements against the
 * bounds, then (unique_items) whether an element repeats, by the same
 * keys as uniqueness checks (1 and 1.0 are one value; 1 and "1" two).
 */
static void __attribute__((noinline))
items_check(struct dq_check *ck, struct dq_rule *r, const struct dq_member *m)
{
	struct dq_walk w;
	struct dq_member el;
	double n = 0;

	dq_walk_begin(&w, m->val, m->vallen);
	while (dq_walk_element(&w, &el))
		n++;
	if (r->has_min && n < r->min) {
		fail(ck, r, m->val, m->vallen, DQ_MSG_MIN);
		return;
	}
	if (r->has_max && n > r->max) {
		fail(ck, r, m->val, m->vallen, DQ_MSG_MAX);
		return;
	}
	if (!r->unique_items || n < 2)
		return;
	struct dq_keyset seen;
	dq_keyset_init(&seen);
	dq_walk_begin(&w, m->val, m->vallen);
	while (dq_walk_element(&w, &el)) {
		dq_buf_reset(&ck->kbuf);
		if (el.type == DQ_JSON_NUMBER) {
			dq_buf_addch(&ck->kbuf, 'n');
			dq_num_exact_key(el.val, el.vallen, &ck->kbuf);
		} else if (el.type == DQ_JSON_STRING) {
			dq_buf_addch(&ck->kbuf, 's');
			dq_json_unescape(el.val, el.vallen, &ck->kbuf);
		} else {
			dq_buf_addch(&ck->kbuf, 'r');
			dq_buf_add(&ck->kbuf, el.val, el.vallen);
		}
		if (!dq_keyset_add(&seen, ck->kbuf.buf, ck->kbuf.len)) {
			fail(ck, r, el.val, el.vallen, DQ_MSG_REPEAT);
			break;
		}
	}
	dq_keyset_release(&seen);
}

/* A type check of a list of kinds (struct dq_rule's types). */
static int
types_match(const struct dq_member *m, unsigned types)
{
	if (m->type == DQ_JSON_NULL)
		return !!(types & DQ_TYPES_NULL);
	for (int t = 0; t < DQ_NTYPE; t++)
		if ((types & (1u << t)) && dq_type_matches(m, (enum dq_type)t))
			return 1;
	return 0;
}

static int check_array(struct dq_check *ck, struct dq_rule *r, int sl,
		       const struct dq_member *m, int csv);

/* A value check on an array (not inside one): each element instead.
 * Only where the check would otherwise find a value of the wrong kind,
 * so that the usual values pay nothing. */
#define ELEMENTS()                                                          \
	do {                                                                \
		if (m->type == DQ_JSON_ARRAY && r->elem && !ck->in_array) { \
			rc |= check_array(ck, r, sl, m, csv);               \
			return rc;                                          \
		}                                                           \
	} while (0)

/* Run rule r on the value m of its first slot sl (NULL: absent).
 * Inline in the record loop, as it was written there: a call per rule
 * costs the flat-field path several per cent. */
static inline __attribute__((always_inline)) int
check_one(struct dq_check *ck, struct dq_rule *r, int sl,
	  const struct dq_member *m, int csv)
{
	int rc = 0;
	const char *s = NULL;
	size_t n = 0;

	switch (r->kind) {
	case DQ_RULE_REQUIRED:
		/* A CSV record has every column of its header: a
		 * member that is not there is a column the header
		 * lacks, which a columns rule reports once. */
		if (!m && csv && r->col_gate)
			break;
		r->checked++;
		if (r->absent ? !m : dq_value_missing(m))
			fail(ck, r, m ? m->val : NULL, m ? m->vallen : 0,
			     DQ_MSG_MAIN);
		break;
	case DQ_RULE_ANY_OF: {
		r->checked++;
		size_t k;
		for (k = 0; k < r->nslots; k++)
			if (!dq_value_missing(val(ck, r->slots[k])))
				break;
		if (k == r->nslots)
			fail(ck, r, NULL, 0, DQ_MSG_MAIN);
		break;
	}
	case DQ_RULE_TYPE:
		if (ck->unparsed.len && is_unparsed(ck, sl))
			break; /* a format failure, counted there */
		r->checked++;
		if (r->types ? !types_match(m, r->types)
			     : !dq_type_matches(m, r->type)) {
			if (m->type == DQ_JSON_ARRAY)
				r->checked--; /* counted per element */
			ELEMENTS();
			if (m->type == DQ_JSON_ARRAY)
				r->checked++;
			fail(ck, r, m->val, m->vallen, (enum dq_msg)m->type);
		}
		break;
	case DQ_RULE_FORMAT:
		if (ck->unparsed.len && is_unparsed(ck, sl)) {
			r->checked++;
			fail(ck, r, m->val, m->vallen, DQ_MSG_UNPARSED);
			break;
		}
		/* Numbers and booleans only fail by not parsing;
		 * other JSON types are the type check's business. */
		if (m->type != DQ_JSON_STRING || r->type <= DQ_TYPE_BOOLEAN) {
			ELEMENTS();
			break;
		}
		r->checked++;
		if (!format_ok(ck, r->type, sl))
			fail(ck, r, m->val, m->vallen, DQ_MSG_MAIN);
		break;
	case DQ_RULE_PATTERN:
	case DQ_RULE_NOT_PATTERN: {
		if (m->type != DQ_JSON_STRING &&
		    m->type != DQ_JSON_NUMBER) {
			ELEMENTS();
			break;
		}
		s = r->part ? part_text(ck, r, sl, m, &n)
			    : slot_text(ck, sl, &n);
		if (!s)
			break;
		r->checked++;
		/* A pattern check fails when the value does not
		 * match; a not_pattern check when it does. */
		int match;
		if (r->ere) {
			match = dq_ere_match(r->ere, s, n);
		} else {
			/* regexec wants a NUL-terminated string. */
			dq_buf_reset(&ck->tbuf);
			dq_buf_add(&ck->tbuf, s, n);
			match = !regexec(&r->re, ck->tbuf.buf, 0, NULL, 0);
		}
		if (match == (r->kind == DQ_RULE_NOT_PATTERN))
			fail(ck, r, m->val, m->vallen, DQ_MSG_MAIN);
		break;
	}
	case DQ_RULE_ENUM:
	case DQ_RULE_NOT_IN: {
		int ok = 0;
		double d = 0;
		if (m->type == DQ_JSON_ARRAY)
			ELEMENTS();
		if (r->part && !(s = part_text(ck, r, sl, m, &n)))
			break;
		r->checked++;
		if (m->type == DQ_JSON_STRING) {
			if (!r->part)
				s = slot_text(ck, sl, &n);
			ok = dq_rules_enum_has(r, s, n);
		} else if (m->type == DQ_JSON_NUMBER) {
			d = slot_num(ck, sl);
		}
		for (size_t k = 0; k < r->nev && !ok &&
				   m->type != DQ_JSON_STRING;
		     k++) {
			const struct dq_enumv *e = &r->ev[k];
			if (e->json != m->type)
				continue;
			if (e->json == DQ_JSON_NUMBER)
				ok = e->d == d;
			else
				ok = 1;
		}
		/* ok: the value is in the list, which fails not_in. */
		if (ok == (r->kind == DQ_RULE_NOT_IN))
			fail(ck, r, m->val, m->vallen, DQ_MSG_MAIN);
		break;
	}
	case DQ_RULE_RANGE: {
		double x;
		int pct = 0;
		if (r->date_bounds) {
			long long d;
			double secs;
			if (m->type != DQ_JSON_STRING ||
			    slot_iso(ck, sl, &d, &secs) < 0)
				break;
			x = (double)d;
		} else if (m->type == DQ_JSON_STRING) {
			/* "50%": a number only when the contract says
			 * on which scale; else a violation, never a
			 * silent 0.5 or 50. */
			int p = percent_value(ck, sl, r->percent, &x);
			if (!p)
				break;
			if (p < 0) {
				r->checked++;
				fail(ck, r, m->val, m->vallen,
				     DQ_MSG_PERCENT);
				break;
			}
			pct = 1;
		} else {
			if (m->type != DQ_JSON_NUMBER) {
				ELEMENTS();
				break;
			}
			x = slot_num(ck, sl);
		}
		r->checked++;
		/* Past 2^53 a double holds no odd integer: compare the
		 * number as written (9007199254740993 > 2^53). */
		if (!r->date_bounds && !pct &&
		    fabs(x) >= 9007199254740992.0) {
			if (r->has_min &&
			    cmp_number(m->val, m->vallen, x, r->min) < 0)
				fail(ck, r, m->val, m->vallen, DQ_MSG_MIN);
			else if (r->has_max &&
				 cmp_number(m->val, m->vallen, x,
					    r->max) > 0)
				fail(ck, r, m->val, m->vallen, DQ_MSG_MAX);
			break;
		}
		if (r->has_min && x < r->min)
			fail(ck, r, m->val, m->vallen, DQ_MSG_MIN);
		else if (r->has_max && x > r->max)
			fail(ck, r, m->val, m->vallen, DQ_MSG_MAX);
		break;
	}
	case DQ_RULE_LENGTH: {
		if (m->type != DQ_JSON_STRING) {
			ELEMENTS();
			break;
		}
		r->checked++;
		s = slot_text(ck, sl, &n);
		double len = (double)dq_utf8_count(s, n);
		if (r->has_min && len < r->min)
			fail(ck, r, m->val, m->vallen, DQ_MSG_MIN);
		else if (r->has_max && len > r->max)
			fail(ck, r, m->val, m->vallen, DQ_MSG_MAX);
		break;
	}
	case DQ_RULE_ORDER: {
		const struct dq_member *b = val(ck, r->slots[1]);
		double x, y;
		if (dq_value_missing(m) || dq_value_missing(b))
			break;
		int kx = ordinal(ck, sl, &x), ky = ordinal(ck, r->slots[1], &y);
		if (!kx || kx != ky)
			break;
		r->checked++;
		if (x > y || (x == y && !r->allow_equal)) {
			key_values(ck, r->slots, 2);
			fail(ck, r, ck->mbuf.buf, ck->mbuf.len, DQ_MSG_MAIN);
		}
		break;
	}
	case DQ_RULE_EXPR: {
		/* Unknown (a missing operand) checks nothing: only
		 * false fails, as in SQL's CHECK. */
		enum dq_tv tv = dq_expr_eval(r->expr, expr_fetch, ck);
		if (tv == DQ_TV_UNKNOWN)
			break;
		r->checked++;
		if (tv == DQ_TV_TRUE)
			break;
		if (r->nslots == 1) {
			fail(ck, r, m ? m->val : NULL, m ? m->vallen : 0,
			     DQ_MSG_MAIN);
			break;
		}
		key_values(ck, r->slots, r->nslots);
		fail(ck, r, ck->mbuf.buf, ck->mbuf.len, DQ_MSG_MAIN);
		break;
	}
	case DQ_RULE_UNIQUE:
		if (!build_key(ck, r->slots, r->nslots))
			break;
		r->checked++;
		dq_keyset_hash(ck->kbuf.buf, ck->kbuf.len, &r->kh);
		if (ck->vfile->fd < 0) {
			/* Decided after the other checks, so that the
			 * set's cache miss overlaps their work.  (With
			 * --violations the lines would come out of
			 * order: decide now.) */
			dq_keyset_prefetch(&r->set, &r->kh);
			r->dpos = ck->vbuf.len;
			r->dnv = ck->nviol;
			ck->deferred[ck->ndeferred++] = r;
			break;
		}
		rc |= unique_decide(ck, r);
		break;
	case DQ_RULE_REFERENCE:
	case DQ_RULE_NOT_REFERENCE:
		if (m->type != DQ_JSON_STRING &&
		    m->type != DQ_JSON_NUMBER) {
			ELEMENTS();
			break;
		}
		s = r->part ? part_text(ck, r, sl, m, &n)
			    : slot_text(ck, sl, &n);
		if (!s)
			break;
		r->checked++;
		if (dq_keyset_has(&r->set, s, n) ==
		    (r->kind == DQ_RULE_NOT_REFERENCE))
			fail(ck, r, m->val, m->vallen, DQ_MSG_MAIN);
		break;
	case DQ_RULE_NULL_RATE:
		r->checked++;
		r->failures += dq_value_missing(m);
		break;
	case DQ_RULE_DUP_RATE:
		if (!build_key(ck, r->slots, r->nslots))
			break;
		r->checked++;
		r->failures += !dq_keyset_add(&r->set, ck->kbuf.buf,
					      ck->kbuf.len);
		break;
	case DQ_RULE_GROUP_RATE:
	case DQ_RULE_GROUP_COUNT:
	case DQ_RULE_GROUP_RUN:
		group_add(ck, r);
		break;
	case DQ_RULE_AGGREGATE:
		if (m && m->type == DQ_JSON_NUMBER)
			dq_moments_add(&r->mom, slot_num(ck, sl));
		break;
	case DQ_RULE_ITEMS:
		if (m && m->type == DQ_JSON_ARRAY) {
			r->checked++;
			items_check(ck, r, m);
		}
		break;
	case DQ_RULE_COLUMN_ORDER:
		if (!r->found)
			column_order(ck, r);
		break;
	default:
		break;
	}
	return rc;
}

/* dq_path_fn for check_each: one element of the rule's path. */
struct each_ctx {
	struct dq_check *ck;
	struct dq_rule *r;
	int csv, rc;
	size_t nvals;
};

static int
check_element(void *ctx, const struct dq_member *leaf, long top,
	      const long *idx, size_t nidx)
{
	struct each_ctx *e = ctx;
	struct dq_check *ck = e->ck;
	int sl = e->r->slots[0];
	struct dq_slot *s = &ck->rs->slots[sl];

	(void)top;
	e->nvals++;
	s->nm = *leaf;
	s->mp = &s->nm;
	s->have = 0;
	s->seen = 1;
	if (e->r->skip_missing && !e->r->absent && dq_value_missing(s->mp))
		return 0;
	dq_buf_reset(&ck->elabel);
	dq_path_label(s->path, idx, nidx, &ck->elabel);
	dq_buf_reset(&ck->jelabel);
	dq_buf_add_json_string(&ck->jelabel, ck->elabel.buf, ck->elabel.len);
	e->rc |= check_one(ck, e->r, sl, s->mp, e->csv);
	return 0;
}

/*
 * A value check on a field whose value is an array: each element is
 * checked as the field's value, and a violation names it ("tags[1]").
 * The slot's value is the array again afterwards, for the next rules.
 */
static int __attribute__((noinline))
check_array(struct dq_check *ck, struct dq_rule *r, int sl,
	    const struct dq_member *m, int csv)
{
	ck->in_array = 1;
	struct dq_slot *s = &ck->rs->slots[sl];
	const struct dq_member *keep = s->mp;
	struct dq_member arr = *m, saved = s->nm, el;
	struct dq_walk w;
	long i = 0;
	int rc = 0;

	dq_walk_begin(&w, arr.val, arr.vallen);
	while (dq_walk_element(&w, &el)) {
		long at = i++;
		if (r->skip_missing && !r->absent && dq_value_missing(&el))
			continue;
		s->nm = el;
		s->mp = &s->nm;
		s->have = 0;
		dq_buf_reset(&ck->elabel);
		dq_buf_add(&ck->elabel, s->name, s->len);
		dq_buf_addch(&ck->elabel, '[');
		dq_buf_add_int(&ck->elabel, at);
		dq_buf_addch(&ck->elabel, ']');
		dq_buf_reset(&ck->jelabel);
		dq_buf_add_json_string(&ck->jelabel, ck->elabel.buf,
				       ck->elabel.len);
		rc |= check_one(ck, r, sl, s->mp, csv);
	}
	dq_buf_reset(&ck->jelabel);
	s->nm = saved;
	s->mp = keep;
	s->have = 0;
	ck->in_array = 0;
	return rc;
}

/*
 * A rule on a path with "[]": each value along the path is checked as
 * the field's value, and a violation names it ("tags[1]",
 * "items[0].sku").  A required path with no value at all fails once,
 * under the path's name.
 */
static int __attribute__((noinline))
check_each(struct dq_check *ck, struct dq_rule *r, int csv)
{
	struct each_ctx e = { ck, r, csv, 0, 0 };
	struct dq_slot *s = &ck->rs->slots[r->slots[0]];

	dq_path_each(s->path, ck->rec, check_element, &e);
	dq_buf_reset(&ck->jelabel);
	s->mp = NULL;
	s->have = 0;
	if (!e.nvals && r->kind == DQ_RULE_REQUIRED) {
		r->checked++;
		fail(ck, r, NULL, 0, DQ_MSG_MAIN);
	}
	return e.rc;
}

int
dq_check_record(struct dq_check *ck, struct dq_record *rec, long line,
		uint64_t seq, int csv)
{
	int rc = 0;

	ck->rec = rec;
	ck->line = line;
	ck->seq = seq;
	ck->pii = dq_pii_any();
	find_slots(ck);
	if (ck->rs->npslots)
		find_paths(ck);
	if (csv)
		type_cells(ck);
	read_lineage(ck);
	ck->nviol = 0;
	ck->nv = 0;
	/* The _dq member text being built: "violations":[...]. */
	dq_buf_reset(&ck->vbuf);
	dq_buf_add(&ck->vbuf, "\"violations\":[", 14);

	struct dq_rule *const rules = ck->rs->rules;
	const size_t nrules = ck->rs->nrules;
	for (size_t ri = 0; ri < nrules; ri++) {
		struct dq_rule *r = &rules[ri];
		if (r->has_if && !cond_holds(ck, &r->cond))
			continue;
		if (r->each) {
			rc |= check_each(ck, r, csv);
			continue;
		}
		int sl = r->nslots ? r->slots[0] : -1;
		const struct dq_member *m = sl >= 0 ? val(ck, sl) : NULL;

		if (r->skip_missing && (r->absent ? !m : dq_value_missing(m)))
			continue;
		rc |= check_one(ck, r, sl, m, csv);
	}
	/* Deferred uniqueness checks, the last first: an entry inserted
	 * at a later position leaves the earlier positions in place. */
	while (ck->ndeferred)
		rc |= unique_decide(ck, ck->deferred[--ck->ndeferred]);
	/* Invalid rates look at this record's violations. */
	for (size_t ri = 0; ck->rs->has_invalid_rate && ri < ck->rs->nrules; ri++) {
		struct dq_rule *r = &ck->rs->rules[ri];
		if (r->kind != DQ_RULE_INVALID_RATE)
			continue;
		r->checked++;
		for (size_t k = 0; k < ck->nv; k++)
			if (ck->vslots[k] == r->slots[0]) {
				r->failures++;
				break;
			}
	}
	return rc;
}


void
dq_check_init(struct dq_check *ck, struct dq_rules *rs, struct dq_out *vfile,
	      const char *run_id, long long examples, long long max_keys)
{
	struct dq_buf b = DQ_BUF_INIT;

	memset(ck, 0, sizeof(*ck));
	ck->rs = rs;
	ck->vfile = vfile;
	dq_buf_add_json_string(&b, run_id, strlen(run_id));
	ck->jrunid = dq_buf_detach(&b, NULL);
	ck->examples = examples;
	ck->max_keys = max_keys;
	ck->vbuf = (struct dq_buf)DQ_BUF_INIT;
	ck->tbuf = (struct dq_buf)DQ_BUF_INIT;
	ck->kbuf = (struct dq_buf)DQ_BUF_INIT;
	ck->mbuf = (struct dq_buf)DQ_BUF_INIT;
	ck->unparsed = (struct dq_buf)DQ_BUF_INIT;
	ck->idbuf = (struct dq_buf)DQ_BUF_INIT;
	ck->rowbuf = (struct dq_buf)DQ_BUF_INIT;
	ck->dbuf = (struct dq_buf)DQ_BUF_INIT;
	ck->pbuf = (struct dq_buf)DQ_BUF_INIT;
	ck->pibuf = (struct dq_buf)DQ_BUF_INIT;
	ck->jelabel = (struct dq_buf)DQ_BUF_INIT;
	ck->elabel = (struct dq_buf)DQ_BUF_INIT;
	for (size_t ri = 0; ri < rs->nrules; ri++) {
		struct dq_rule *r = &rs->rules[ri];
		const struct dq_slot *sl = r->nslots ? &rs->slots[r->slots[0]]
						     : NULL;
		r->each = sl && sl->path && sl->path->neach &&
			  r->kind <= DQ_RULE_NOT_REFERENCE &&
			  r->kind != DQ_RULE_ANY_OF &&
			  r->kind != DQ_RULE_UNIQUE &&
			  r->kind != DQ_RULE_ORDER && r->kind != DQ_RULE_EXPR;
		r->elem = !r->each && !r->absent && r->kind >= DQ_RULE_TYPE &&
			  r->kind <= DQ_RULE_NOT_REFERENCE &&
			  r->kind != DQ_RULE_ORDER && r->kind != DQ_RULE_EXPR &&
			  r->kind != DQ_RULE_UNIQUE &&
			  !(r->kind == DQ_RULE_TYPE &&
			    (r->type == DQ_TYPE_ARRAY ||
			     r->type == DQ_TYPE_OBJECT));
	}
	ck->deferred = dq_xcalloc(rs->nrules + 1, sizeof(*ck->deferred));
	for (size_t i = 0; i < DQ_CHECK_POS_CACHE; i++)
		ck->poscache[i].slot = -2;
}

void
dq_check_release(struct dq_check *ck)
{
	free(ck->deferred);
	free(ck->jrunid);
	free(ck->vslots);
	dq_buf_release(&ck->vbuf);
	dq_buf_release(&ck->tbuf);
	dq_buf_release(&ck->kbuf);
	dq_buf_release(&ck->mbuf);
	dq_buf_release(&ck->unparsed);
	dq_buf_release(&ck->idbuf);
	dq_buf_release(&ck->rowbuf);
	dq_buf_release(&ck->dbuf);
	dq_buf_release(&ck->pbuf);
	dq_buf_release(&ck->pibuf);
	dq_buf_release(&ck->jelabel);
	dq_buf_release(&ck->elabel);
	memset(ck, 0, sizeof(*ck));
}
