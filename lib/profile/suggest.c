/*
 * suggest.c - a starter contract from a profile (dq-profile --suggest).
 *
 * Per field with values: a type when every value has it (strings by what
 * they all are: e-mail, ISO date, ISO date-time, E.164 phone, else
 * string; numbers as integer or number; boolean, object, array);
 * "required" when no row lacks it; exact "min" and "max" for numbers a
 * double holds exactly and for dates; an "enum" for a small closed set of
 * strings (at most 12 values, exactly counted, each seen twice on
 * average); else "unique" when the exact distinct count equals the
 * values; and a "pattern" when at most three exact shapes cover every
 * string of a string or phone field.  The contract is a start for a person
 * to edit, not a verdict: a sample of good data suggests too little.
 *
 * Sensitive fields (contract/pii.h) are marked "pii": "candidate", which
 * masks them until a person confirms a policy, with the reason in the
 * field's "description": e-mail and E.164 phone fields (by type), a name
 * that says phone, national id, social security number, passport or tax
 * id, a date field whose name says birth (dob, birth_date, born), strings
 * nine in ten of which have the shape of a US social security number
 * (999-99-9999), and card numbers: at least three of the top values, all
 * of them 13 to 19 digits (spaces and dashes between) that pass the Luhn
 * check (ISO/IEC 7812-1 annex B; a random number passes one time in ten,
 * so three or more all passing is no accident).  A sensitive or candidate
 * field gets no enum and no min or max: they would list its values.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "profile/suggest.h"
#include "contract/pii.h"

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

/* Does the lower-cased name hold one of the words (NULL-ended)? */
static int
name_has(const char *name, const char *const *words)
{
	char low[128];
	size_t i;
	for (i = 0; i < sizeof(low) - 1 && name[i]; i++)
		low[i] = (char)(name[i] >= 'A' && name[i] <= 'Z' ? name[i] + 32
								 : name[i]);
	low[i] = '\0';
	for (; *words; words++)
		if (strstr(low, *words))
			return 1;
	return 0;
}

/* A card number: 13 to 19 digits, spaces or dashes between, passing the
 * Luhn check.  raw is a top value's JSON (a string or a number). */
static int
luhn_card(const char *raw)
{
	int d[24], n = 0, sum = 0;
	for (const char *s = raw; *s; s++) {
		if (*s >= '0' && *s <= '9') {
			if (n == 24)
				return 0;
			d[n++] = *s - '0';
		} else if (*s != ' ' && *s != '-' && *s != '"') {
			return 0;
		}
	}
	if (n < 13 || n > 19)
		return 0;
	for (int i = 0; i < n; i++) {
		int x = d[n - 1 - i];
		if (i % 2 && (x *= 2) > 9)
			x -= 9;
		sum += x;
	}
	return sum % 10 == 0;
}

/* Why field f (of the suggested type) looks sensitive, or NULL. */
static const char *
pii_reason(struct dq_profile_field *f, const char *type, uint64_t v)
{
	static const char *const ids[] = { "ssn", "social_sec", "national_id",
					   "passport", "tax_id", "taxid",
					   NULL };
	static const char *const phones[] = { "phone", "mobile", "tel",
					      NULL };
	static const char *const births[] = { "dob", "birth", "born", NULL };
	const struct dq_topk_item *it;
	size_t n, cards = 0;
	uint64_t ssn = 0;

	if (type && !strcmp(type, "email"))
		return "sensitive? its values are e-mail addresses";
	if (type && !strcmp(type, "phone"))
		return "sensitive? its values are phone numbers";
	if (type && (!strcmp(type, "date") || !strcmp(type, "datetime")) &&
	    name_has(f->name, births))
		return "sensitive? a date of birth";
	if (name_has(f->name, ids))
		return "sensitive? its name says a national or tax id";
	if (name_has(f->name, phones))
		return "sensitive? its name says a phone number";
	n = dq_topk_sorted(&f->shapes, &it);
	for (size_t i = 0; i < n; i++)
		if (!strcmp(it[i].val, "999-99-9999"))
			ssn += it[i].count;
	if (f->kinds[DQ_PROFILE_K_STRING] && ssn * 10 >= 9 * v)
		return "sensitive? its values look like US social security "
		       "numbers";
	n = dq_topk_sorted(&f->top, &it);
	for (size_t i = 0; i < n && luhn_card(it[i].val); i++)
		cards++;
	if (cards >= 3 && cards == n)
		return "sensitive? its values are card numbers (Luhn check)";
	return NULL;
}

static void
suggest_field(cJSON *fields, struct dq_profile_field *f, uint64_t rows)
{
	cJSON *o = cJSON_AddObjectToObject(fields, f->name);
	uint64_t v = dq_profile_valid(f), nint = f->kinds[DQ_PROFILE_K_INT];
	uint64_t nnum = nint + f->kinds[DQ_PROFILE_K_DEC];
	const struct dq_topk_item *it;
	size_t n;
	const char *type = NULL;
	int strings = v && f->kinds[DQ_PROFILE_K_STRING] == v;

	if (!v)
		return;
	if (strings) {
		type = f->types[DQ_VT_EMAIL] == v	     ? "email" :
		       f->iso[0] == v		     ? "date" :
		       f->iso[0] + f->iso[1] == v ? "datetime" :
		       f->iso[2] == v		     ? "phone" : "string";
	} else if (nnum == v) {
		type = f->kinds[DQ_PROFILE_K_DEC] ? "number" : "integer";
	} else if (f->kinds[DQ_PROFILE_K_BOOL] == v) {
		type = "boolean";
	} else if (f->types[DQ_VT_OBJECT] == v) {
		type = "object";
	} else if (f->types[DQ_VT_ARRAY] == v) {
		type = "array";
	}
	if (type)
		cJSON_AddStringToObject(o, "type", type);
	/* Sensitive: the contract's own policy, or a candidate to confirm. */
	const char *why = pii_reason(f, type, v);
	int hidden = dq_pii_hides(dq_pii_policy(dq_pii_active(), f->name,
						f->namelen));
	if (why && !dq_pii_policy(dq_pii_active(), f->name, f->namelen)) {
		cJSON_AddStringToObject(o, "pii", "candidate");
		cJSON_AddStringToObject(o, "description", why);
		hidden = 1;
	}
	/* Values under "[]" (profile.h) are elements: whether a record has
	 * any, and whether they repeat across records, are no per-field
	 * facts of the kind required and unique state. */
	int elements = strstr(f->name, "[]") != NULL;
	if (rows && f->present == rows && !f->nulls && !f->empty && !elements)
		cJSON_AddBoolToObject(o, "required", 1);
	/* Exact numeric bounds only where a double holds the values. */
	if (!hidden && nnum == v && f->num.n == v &&
	    fabs(f->num.min) < 9007199254740992.0 &&
	    fabs(f->num.max) < 9007199254740992.0) {
		cJSON_AddNumberToObject(o, "min", f->num.min);
		cJSON_AddNumberToObject(o, "max", f->num.max);
	}
	if (!hidden && type && !strcmp(type, "date") && f->dmin) {
		char d[11];
		snprintf(d, sizeof(d), "%s", f->dmin);
		cJSON_AddStringToObject(o, "min", d);
		snprintf(d, sizeof(d), "%s", f->dmax);
		cJSON_AddStringToObject(o, "max", d);
	}
	n = dq_topk_sorted(&f->top, &it);
	/* A small closed set: few values, each seen twice on average. */
	if (!hidden && strings && dq_topk_exact(&f->top) && n <= 12 &&
	    v >= 2 * n &&
	    strcmp(type, "date") && strcmp(type, "datetime")) {
		cJSON *e = cJSON_AddArrayToObject(o, "enum");
		for (size_t i = 0; i < n; i++)
			cJSON_AddItemToArray(e, cJSON_Parse(it[i].val));
		return;
	}
	if (dq_hll_exact(&f->hll) && v >= 2 && !elements &&
	    dq_profile_distinct(f) == (double)v && (strings || nnum == v))
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

cJSON *
dq_suggest_contract(struct dq_profile *p)
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
