/*
 * derive.c - defaults and derived fields (derive.h).
 *
 * A date source is read by norm/date's one grammar (ISO 8601 after the
 * field's own date step; anything it refuses is unreadable, never
 * guessed).  An academic year that starts on MM-DD holds the dates from
 * that day to the day before it a year later, and is written "2024-2025"
 * after the calendar years it spans.  A ratio reads two numbers (JSON
 * numbers, or strings holding JSON's number grammar, as CSV cells do) and
 * is written with at most 15 significant digits, the most a double keeps
 * exactly (IEEE 754 binary64), so that 1/3*100 is 33.3333333333333 and
 * 0.1+0.2 does not print as 0.30000000000000004; "round" rounds half away
 * from zero to that many places.
 */
#include "contract/derive.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/num.h"
#include "contract/types.h"
#include "norm/date.h"

void
dq_fills_init(struct dq_fills *fs)
{
	fs->v = NULL;
	fs->n = 0;
}

void
dq_fills_release(struct dq_fills *fs)
{
	for (size_t i = 0; i < fs->n; i++) {
		free(fs->v[i].field);
		free(fs->v[i].src[0]);
		free(fs->v[i].src[1]);
		free(fs->v[i].raw);
	}
	free(fs->v);
	fs->v = NULL;
	fs->n = 0;
}

static struct dq_fill *
fill_add(struct dq_fills *fs, const char *field, enum dq_fill_kind k)
{
	struct dq_fill *f;

	fs->v = dq_xrealloc(fs->v, (fs->n + 1) * sizeof(*fs->v));
	f = &fs->v[fs->n++];
	memset(f, 0, sizeof(*f));
	f->kind = k;
	f->field = dq_xstrdup(field);
	f->scale = 1;
	f->round = -1;
	return f;
}

static int
load_default(struct dq_fills *fs, const char *field, const cJSON *v)
{
	struct dq_fill *f;
	char *txt;

	if (!cJSON_IsString(v) && !cJSON_IsNumber(v) && !cJSON_IsBool(v))
		return dq_error("contract: fields.%s.default: a string, a "
				"number, true or false",
				field);
	txt = cJSON_PrintUnformatted(v);
	if (!txt)
		dq_die("out of memory");
	f = fill_add(fs, field, DQ_FILL_DEFAULT);
	f->raw = dq_xstrdup(txt);
	cJSON_free(txt);
	f->rawtype = cJSON_IsString(v)	 ? DQ_JSON_STRING
		     : cJSON_IsNumber(v) ? DQ_JSON_NUMBER
		     : cJSON_IsTrue(v)	 ? DQ_JSON_TRUE
					 : DQ_JSON_FALSE;
	return 0;
}

/* "MM-DD" into *m, *d (any real day of a leap year). */
static int
parse_month_day(const char *s, int *m, int *d)
{
	if (strlen(s) != 5 || s[2] != '-')
		return -1;
	for (int i = 0; i < 5; i++)
		if (i != 2 && (s[i] < '0' || s[i] > '9'))
			return -1;
	*m = (s[0] - '0') * 10 + (s[1] - '0');
	*d = (s[3] - '0') * 10 + (s[4] - '0');
	return dq_date_valid(2000, *m, *d) ? 0 : -1;
}

static int
src_name(const cJSON *v, const char *field, const char *what, char **out)
{
	if (!cJSON_IsString(v) || !v->valuestring[0])
		return dq_error("contract: fields.%s.derive.%s: the name of "
				"the field to read",
				field, what);
	*out = dq_xstrdup(v->valuestring);
	return 0;
}

static int
load_derive(struct dq_fills *fs, const char *field, const cJSON *d)
{
	static const struct {
		const char *key;
		enum dq_fill_kind kind;
	} kinds[] = {
		{ "copy", DQ_FILL_COPY },
		{ "year", DQ_FILL_YEAR },
		{ "month", DQ_FILL_MONTH },
		{ "academic_year", DQ_FILL_ACADEMIC_YEAR },
		{ "ratio", DQ_FILL_RATIO },
	};
	const cJSON *it, *how = NULL;
	struct dq_fill *f;
	size_t k = 0;

	if (!cJSON_IsObject(d))
		return dq_error("contract: fields.%s.derive: an object such "
				"as {\"year\": \"dob\"}",
				field);
	for (size_t i = 0; i < sizeof(kinds) / sizeof(*kinds); i++) {
		it = cJSON_GetObjectItemCaseSensitive(d, kinds[i].key);
		if (!it)
			continue;
		if (how)
			return dq_error("contract: fields.%s.derive: one of "
					"copy, year, month, academic_year, "
					"ratio",
					field);
		how = it;
		k = i;
	}
	if (!how)
		return dq_error("contract: fields.%s.derive: one of copy, "
				"year, month, academic_year, ratio",
				field);
	f = fill_add(fs, field, kinds[k].kind);
	cJSON_ArrayForEach(it, d)
	{
		const char *key = it->string;
		if (it == how)
			continue;
		if (f->kind == DQ_FILL_ACADEMIC_YEAR && !strcmp(key, "starts")) {
			if (!cJSON_IsString(it) ||
			    parse_month_day(it->valuestring, &f->start_month,
					    &f->start_day))
				return dq_error("contract: fields.%s.derive."
						"starts: a day of the year "
						"as \"MM-DD\"",
						field);
		} else if (f->kind == DQ_FILL_RATIO && !strcmp(key, "scale")) {
			if (!cJSON_IsNumber(it) || !isfinite(it->valuedouble) ||
			    it->valuedouble == 0)
				return dq_error("contract: fields.%s.derive."
						"scale: a number other than 0",
						field);
			f->scale = it->valuedouble;
		} else if (f->kind == DQ_FILL_RATIO && !strcmp(key, "round")) {
			if (!cJSON_IsNumber(it) || it->valuedouble < 0 ||
			    it->valuedouble > 15 ||
			    it->valuedouble != (int)it->valuedouble)
				return dq_error("contract: fields.%s.derive."
						"round: decimal places, 0 to "
						"15",
						field);
			f->round = (int)it->valuedouble;
		} else {
			return dq_error("contract: fields.%s.derive: unknown "
					"key '%s' for %s",
					field, key, how->string);
		}
	}
	if (f->kind == DQ_FILL_ACADEMIC_YEAR && !f->start_month)
		return dq_error("contract: fields.%s.derive: academic_year "
				"needs \"starts\": \"MM-DD\", the first day "
				"of the year",
				field);
	if (f->kind != DQ_FILL_RATIO)
		return src_name(how, field, how->string, &f->src[0]);
	if (!cJSON_IsArray(how) || cJSON_GetArraySize(how) != 2)
		return dq_error("contract: fields.%s.derive.ratio: two field "
				"names, [\"numerator\", \"denominator\"]",
				field);
	return src_name(how->child, field, "ratio", &f->src[0]) ||
			       src_name(how->child->next, field, "ratio",
					&f->src[1])
		       ? -1
		       : 0;
}

int
dq_fills_load(struct dq_fills *fs, const cJSON *fields)
{
	const cJSON *fs_, *dflt, *drv;

	cJSON_ArrayForEach(fs_, fields)
	{
		dflt = cJSON_GetObjectItemCaseSensitive(fs_, "default");
		drv = cJSON_GetObjectItemCaseSensitive(fs_, "derive");
		if (dflt && drv)
			return dq_error("contract: fields.%s: a derived "
					"field takes no default",
					fs_->string);
		if (dflt && load_default(fs, fs_->string, dflt))
			return -1;
		if (drv && load_derive(fs, fs_->string, drv))
			return -1;
	}
	return 0;
}

/* Member name of r, or NULL when absent. */
static struct dq_member *
member(struct dq_record *r, const char *name)
{
	long at = dq_record_find(r, name, strlen(name));
	return at < 0 ? NULL : &r->m[at];
}

/* The text of a string or number member into tmp. */
static void
text_of(const struct dq_member *m, struct dq_buf *tmp)
{
	dq_buf_reset(tmp);
	dq_json_unescape(m->val, m->vallen, tmp);
}

static int
read_date(const struct dq_member *m, struct dq_buf *tmp,
	  struct dq_datetime *dt)
{
	if (m->type != DQ_JSON_STRING)
		return -1;
	text_of(m, tmp);
	return dq_date_parse(tmp->buf, tmp->len, NULL, dt);
}

/* A number as JSON writes it, with nothing around it (a CSV cell's text
 * too, as contract/types types cells). */
static int
read_number(const struct dq_member *m, struct dq_buf *tmp, double *x)
{
	struct dq_json_error err;
	const char *s;

	if (m->type != DQ_JSON_NUMBER && m->type != DQ_JSON_STRING)
		return -1;
	text_of(m, tmp);
	s = tmp->buf;
	if (!tmp->len || !(s[0] == '-' || (s[0] >= '0' && s[0] <= '9')) ||
	    !(s[tmp->len - 1] >= '0' && s[tmp->len - 1] <= '9') ||
	    dq_json_validate(s, tmp->len, &err) != DQ_JSON_NUMBER)
		return -1;
	dq_buf_addch(tmp, '\0');
	*x = strtod(tmp->buf, NULL);
	return isfinite(*x) ? 0 : -1;
}

/* x with at most 15 significant digits (base/num), or round places, as
 * JSON; -0 is 0. */
static void
write_ratio(const struct dq_fill *f, double x, struct dq_buf *out)
{
	if (f->round >= 0) {
		double p = pow(10, f->round);
		x = round(x * p) / p;
	}
	x = dq_num_r15(x);
	dq_num_add_shortest(out, x == 0 ? 0 : x);
}

/* Set the field to raw (type t); its old raw JSON goes to prev. */
static int
set_field(const struct dq_fill *f, struct dq_record *r, const char *raw,
	  size_t n, enum dq_json_type t, struct dq_buf *prev)
{
	long at = dq_record_find(r, f->field, strlen(f->field));

	if (at < 0) {
		dq_record_add(r, f->field, strlen(f->field), raw, n, t);
		return DQ_FILL_SET;
	}
	struct dq_member *m = &r->m[at];
	if (m->vallen == n && !memcmp(m->val, raw, n))
		return DQ_FILL_KEPT;
	if (prev)
		dq_buf_add(prev, m->val, m->vallen);
	dq_record_set(r, (size_t)at, raw, n, t);
	return DQ_FILL_SET;
}

/* The field becomes null: rc says why. */
static int
set_null(const struct dq_fill *f, struct dq_record *r, struct dq_buf *prev,
	 int rc)
{
	set_field(f, r, "null", 4, DQ_JSON_NULL, prev);
	return rc;
}

int
dq_fill_apply(const struct dq_fill *f, struct dq_record *r,
	      struct dq_buf *tmp, struct dq_buf *prev)
{
	struct dq_member *a, *b;
	struct dq_datetime dt;
	struct dq_buf out = DQ_BUF_INIT;
	double x, y;
	int rc, y0;

	if (f->kind == DQ_FILL_DEFAULT) {
		a = member(r, f->field);
		if (!dq_value_missing(a))
			return DQ_FILL_KEPT;
		return set_field(f, r, f->raw, strlen(f->raw), f->rawtype,
				 prev);
	}
	a = member(r, f->src[0]);
	b = f->src[1] ? member(r, f->src[1]) : NULL;
	if (dq_value_missing(a) || (f->src[1] && dq_value_missing(b)))
		return set_null(f, r, prev, DQ_FILL_NO_SOURCE);
	switch (f->kind) {
	case DQ_FILL_COPY:
		dq_buf_add(&out, a->val, a->vallen);
		rc = set_field(f, r, out.buf, out.len, a->type, prev);
		break;
	case DQ_FILL_YEAR:
	case DQ_FILL_MONTH:
		if (read_date(a, tmp, &dt)) {
			rc = set_null(f, r, prev, DQ_FILL_FAILED);
			break;
		}
		dq_buf_add_int(&out, f->kind == DQ_FILL_YEAR ? dt.year
							      : dt.month);
		rc = set_field(f, r, out.buf, out.len, DQ_JSON_NUMBER, prev);
		break;
	case DQ_FILL_ACADEMIC_YEAR:
		if (read_date(a, tmp, &dt)) {
			rc = set_null(f, r, prev, DQ_FILL_FAILED);
			break;
		}
		y0 = dt.month > f->start_month ||
				     (dt.month == f->start_month &&
				      dt.day >= f->start_day)
			     ? dt.year
			     : dt.year - 1;
		dq_buf_addf(&out, "\"%d-%d\"", y0, y0 + 1);
		rc = set_field(f, r, out.buf, out.len, DQ_JSON_STRING, prev);
		break;
	case DQ_FILL_RATIO:
		if (read_number(a, tmp, &x) || read_number(b, tmp, &y) ||
		    y == 0 || !isfinite(x / y * f->scale)) {
			rc = set_null(f, r, prev, DQ_FILL_FAILED);
			break;
		}
		write_ratio(f, x / y * f->scale, &out);
		rc = set_field(f, r, out.buf, out.len, DQ_JSON_NUMBER, prev);
		break;
	default:
		rc = DQ_FILL_KEPT;
	}
	dq_buf_release(&out);
	return rc;
}
