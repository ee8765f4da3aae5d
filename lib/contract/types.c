/*
 * types.c - missing values, and value types and formats (see types.h).
 *
 * A string is missing when every character is White_Space (base/utf8.h).
 * The raw text is read directly, escapes included, so the test allocates
 * nothing: an escape is white space only when it is \t, \n, \f, \r or a
 * \uXXXX of a White_Space code point (\b, U+0008, is not White_Space).
 * The common case, a string whose first character is a visible ASCII
 * one, is decided at its first byte.
 *
 * CSV cells are typed by the JSON grammar itself: a cell becomes a number
 * when its text is a JSON number (dq_json_validate says so and no white
 * space surrounds it), so the bytes go out unchanged and a value reads the
 * same as it would in an NDJSON line.  Leading zeros ("007"), "+1",
 * "1,000" and " 1" are not JSON numbers and stay strings.
 */
#include "contract/types.h"
#include "base/utf8.h"
#include "norm/value.h"

#include <string.h>

static int
hex4(const unsigned char *p, uint32_t *c)
{
	*c = 0;
	for (int i = 0; i < 4; i++) {
		unsigned d = p[i];
		if (d >= '0' && d <= '9')
			d -= '0';
		else if ((d | 0x20) >= 'a' && (d | 0x20) <= 'f')
			d = (d | 0x20) - 'a' + 10;
		else
			return -1;
		*c = *c << 4 | d;
	}
	return 0;
}

/* Is the string body p[0..n) (raw, valid, without quotes) all space? */
static int
blank_string(const unsigned char *p, size_t n)
{
	size_t i = 0;

	while (i < n) {
		size_t k;
		if (p[i] == '\\') {
			uint32_t c;
			if (i + 1 >= n)
				return 0;
			switch (p[i + 1]) {
			case 't': case 'n': case 'f': case 'r':
				i += 2;
				continue;
			case 'u':
				if (i + 6 > n || hex4(p + i + 2, &c) ||
				    !dq_utf8_is_space(c))
					return 0;
				i += 6;
				continue;
			default:
				return 0;
			}
		}
		if (!(k = dq_utf8_space_at(p + i)) || i + k > n)
			return 0;
		i += k;
	}
	return 1;
}

/* Does the bracketed text v[0..n) hold only white space inside? */
static int
empty_brackets(const char *v, size_t n)
{
	for (size_t i = 1; i + 1 < n; i++)
		if (!dq_utf8_ascii_space((unsigned char)v[i]))
			return 0;
	return 1;
}

int
dq_value_missing_raw(const char *v, size_t n)
{
	if (!n)
		return 1;
	switch (v[0]) {
	case 'n':
		return 1;
	case '"':
		return n < 2 || blank_string((const unsigned char *)v + 1, n - 2);
	case '[':
	case '{':
		return empty_brackets(v, n);
	default:
		return 0;
	}
}

int
dq_value_missing_text(const struct dq_member *m)
{
	if (m->type == DQ_JSON_STRING)
		return blank_string((const unsigned char *)m->val + 1,
				    m->vallen - 2);
	return empty_brackets(m->val, m->vallen);
}

int
dq_value_type_cell(struct dq_record *rec, size_t i, enum dq_cell t)
{
	const struct dq_member *m = &rec->m[i];
	struct dq_json_error err;
	const char *s = m->val + 1;
	size_t n = m->vallen - 2;

	if (t == DQ_CELL_TEXT || m->type != DQ_JSON_STRING ||
	    (m->flags & DQ_M_VAL_ESC))
		return 0;
	if (!n) {
		dq_record_set(rec, i, "null", 4, DQ_JSON_NULL);
		return 1;
	}
	if (t == DQ_CELL_BOOLEAN) {
		if (n == 4 && !memcmp(s, "true", 4))
			dq_record_set(rec, i, s, n, DQ_JSON_TRUE);
		else if (n == 5 && !memcmp(s, "false", 5))
			dq_record_set(rec, i, s, n, DQ_JSON_FALSE);
		else
			return 0;
		return 1;
	}
	if (!(s[0] == '-' || (s[0] >= '0' && s[0] <= '9')) ||
	    !(s[n - 1] >= '0' && s[n - 1] <= '9') ||
	    dq_json_validate(s, n, &err) != DQ_JSON_NUMBER)
		return 0;
	dq_record_set(rec, i, s, n, DQ_JSON_NUMBER);
	return 1;
}

const char *const dq_type_names[DQ_NTYPE] = {
	"string", "integer", "number",	 "boolean", "date",   "datetime", "email",
	"phone",  "us_state", "zip",	 "enum",    "object", "array"
};

const char *const dq_json_kind_names[7] = { "null",   "boolean", "boolean",
					    "number", "string",  "array",
					    "object" };

int
dq_type_parse(const char *s)
{
	for (int i = 0; i < DQ_NTYPE; i++)
		if (!strcmp(s, dq_type_names[i]))
			return i;
	if (!strcmp(s, "bool"))
		return DQ_TYPE_BOOLEAN;
	if (!strcmp(s, "state"))
		return DQ_TYPE_US_STATE;
	return -1;
}

int
dq_type_parsed(enum dq_type t)
{
	return t != DQ_TYPE_STRING && t != DQ_TYPE_ENUM &&
	       t != DQ_TYPE_OBJECT && t != DQ_TYPE_ARRAY;
}

const char *
dq_format_what(enum dq_type t)
{
	switch (t) {
	case DQ_TYPE_EMAIL: return "not a valid email address";
	case DQ_TYPE_DATE: return "not an ISO 8601 date (YYYY-MM-DD)";
	case DQ_TYPE_DATETIME: return "not an ISO 8601 date or date-time";
	case DQ_TYPE_PHONE:
		return "not an E.164 phone number (+ and 7-15 digits)";
	case DQ_TYPE_US_STATE: return "not a US state code";
	case DQ_TYPE_ZIP: return "not a US ZIP code (12345 or 12345-6789)";
	default: return "";
	}
}

int
dq_format_valid(enum dq_type t, const char *s, size_t n)
{
	long long d;
	double secs;

	switch (t) {
	case DQ_TYPE_EMAIL:
		return dq_email_valid_exact(s, n);
	case DQ_TYPE_DATE:
		return dq_iso_parse(s, n, &d, &secs) == 0;
	case DQ_TYPE_DATETIME:
		return dq_iso_parse(s, n, &d, &secs) >= 0;
	case DQ_TYPE_PHONE:
		return dq_e164_valid(s, n);
	case DQ_TYPE_US_STATE:
		return dq_us_state_valid(s, n);
	case DQ_TYPE_ZIP:
		return dq_zip_valid(s, n);
	default:
		return 1;
	}
}
