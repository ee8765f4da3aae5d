/*
 * blockkey.c - composite blocking keys (see blockkey.h).
 *
 * A key part is computed from the raw JSON value the record scanner
 * found, without building the record as a tree: a string without escapes
 * is read in place between its quotes; one with escapes is unescaped
 * first.  The common ASCII case allocates nothing: results are appended
 * to the caller's buffer and, when a function turns out empty, the buffer
 * is cut back, which is how a missing part is reported.
 *
 * Limits: a number is keyed by its text as written (1e3 and 1000 differ);
 * dates are read month-first when ambiguous (dq-normalize should have
 * made them ISO 8601 before blocking).
 */
#include "er/blockkey.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "contract/types.h"
#include "norm/date.h"
#include "er/phonetic.h"
#include "norm/text.h"
#include "stream/path.h"

static const struct {
	const char *name;
	int fn;
	int has_arg;
} fns[] = {
	{ "exact", DQ_BK_EXACT, 0 },
	{ "lower", DQ_BK_LOWER, 0 },
	{ "soundex", DQ_BK_SOUNDEX, 0 },
	{ "nysiis", DQ_BK_NYSIIS, 0 },
	{ "metaphone", DQ_BK_METAPHONE, 0 },
	{ "metaphone_alt", DQ_BK_METAPHONE_ALT, 0 },
	{ "first", DQ_BK_FIRST, 1 },
	{ "initials", DQ_BK_INITIALS, 0 },
	{ "year", DQ_BK_YEAR, 0 },
	{ "month", DQ_BK_MONTH, 0 },
	{ "day", DQ_BK_DAY, 0 },
	{ "email_local", DQ_BK_EMAIL_LOCAL, 0 },
	{ "email_domain", DQ_BK_EMAIL_DOMAIN, 0 },
	{ "digits", DQ_BK_DIGITS, 0 },
	{ "last_digits", DQ_BK_LAST_DIGITS, 1 },
	{ "sorted_tokens", DQ_BK_SORTED_TOKENS, 0 },
	{ "words", DQ_BK_WORDS, 0 },
	{ "qgrams", DQ_BK_QGRAMS, 1 },
	{ "codes", DQ_BK_CODES, 0 },
	{ "surnames", DQ_BK_SURNAMES, 0 },
};
#define NFNS (sizeof(fns) / sizeof(fns[0]))

const char *
dq_blockkey_fn_name(int fn)
{
	for (size_t i = 0; i < NFNS; i++)
		if (fns[i].fn == fn)
			return fns[i].name;
	return "?";
}

void
dq_blockkey_release(struct dq_blockkey *k)
{
	for (size_t i = 0; i < k->nparts; i++) {
		free(k->parts[i].field);
		if (k->parts[i].names)
			free(k->parts[i].names[0]);
		free(k->parts[i].names);
		free(k->parts[i].lens);
	}
	free(k->parts);
	k->parts = NULL;
	k->nparts = 0;
}

static const char *
skip_ws(const char *p, const char *e)
{
	while (p < e && isspace((unsigned char)*p))
		p++;
	return p;
}

static const char *
trim_end(const char *b, const char *e)
{
	while (e > b && isspace((unsigned char)e[-1]))
		e--;
	return e;
}

/* Split p->field at '+' into p->names. */
static int
split_names(struct dq_blockkey_part *p, struct dq_buf *err)
{
	char *c = dq_xstrdup(p->field), *s = c;

	p->names = NULL;
	p->lens = NULL;
	p->nnames = 0;
	for (;;) {
		char *e = strchr(s, '+');
		if (e)
			*e = '\0';
		const char *t = skip_ws(s, s + strlen(s));
		char *te = (char *)trim_end(t, t + strlen(t));
		*te = '\0';
		if (t == te)
			dq_buf_addf(err, "key part field '%s': empty field "
				    "name", p->field);
		else if (dq_path_has_each(t, (size_t)(te - t)))
			dq_buf_addf(err, "key part field '%s': '%s' names "
				    "every element of an array; a key reads "
				    "one value (name one element's field "
				    "without [])", p->field, t);
		if (t == te || dq_path_has_each(t, (size_t)(te - t))) {
			free(c);
			free(p->names);
			free(p->lens);
			p->names = NULL;
			p->lens = NULL;
			free(p->field);
			p->field = NULL;
			return -1;
		}
		p->names = dq_xrealloc(p->names,
				       (p->nnames + 1) * sizeof(*p->names));
		p->lens = dq_xrealloc(p->lens,
				      (p->nnames + 1) * sizeof(*p->lens));
		p->names[p->nnames] = (char *)t;
		p->lens[p->nnames++] = (size_t)(te - t);
		if (!e)
			break;
		s = e + 1;
	}
	/* names[0] must be the start of the copy, for free(). */
	if (p->names[0] != c) {
		memmove(c, p->names[0], strlen(p->names[0]) + 1);
		p->names[0] = c;
	}
	return 0;
}

/* One part, the text [b, e). */
static int
parse_part(struct dq_blockkey_part *p, const char *b, const char *e,
	   struct dq_buf *err)
{
	const char *colon = NULL, *f, *fe;
	size_t i;

	b = skip_ws(b, e);
	e = trim_end(b, e);
	for (const char *q = b; q < e; q++)
		if (*q == ':')
			colon = q;
	p->fn = DQ_BK_EXACT;
	p->arg = 0;
	if (!colon) {
		if (b == e) {
			dq_buf_addstr(err, "empty key part");
			return -1;
		}
		p->field = dq_xstrndup(b, (size_t)(e - b));
		p->fieldlen = (size_t)(e - b);
		return split_names(p, err);
	}
	fe = trim_end(b, colon);
	if (fe == b) {
		dq_buf_addf(err, "key part '%.*s': no field name", (int)(e - b),
			    b);
		return -1;
	}
	f = skip_ws(colon + 1, e);
	size_t flen = e > f ? (size_t)(e - f) : 0;
	const char *paren = flen ? memchr(f, '(', flen) : NULL;
	const char *ne = trim_end(f, paren ? paren : e);
	for (i = 0; i < NFNS; i++)
		if (strlen(fns[i].name) == (size_t)(ne - f) &&
		    !memcmp(fns[i].name, f, (size_t)(ne - f)))
			break;
	if (i == NFNS) {
		dq_buf_addf(err, "key part '%.*s': unknown function '%.*s'",
			    (int)(e - b), b, (int)(ne - f), f);
		return -1;
	}
	p->fn = fns[i].fn;
	if (fns[i].has_arg) {
		char num[16];
		long long v;
		const char *a = paren ? paren + 1 : NULL;
		size_t an = a && e[-1] == ')' ? (size_t)(e - 1 - a) : 0;
		if (!a || e[-1] != ')' || an == 0 || an >= sizeof(num)) {
			dq_buf_addf(err, "key part '%.*s': %s needs a count, "
				    "as in %s(3)", (int)(e - b), b,
				    fns[i].name, fns[i].name);
			return -1;
		}
		memcpy(num, a, an);
		num[an] = '\0';
		if (dq_parse_ll(num, 1, 100, &v)) {
			dq_buf_addf(err, "key part '%.*s': count '%s' is not "
				    "an integer in 1..100", (int)(e - b), b,
				    num);
			return -1;
		}
		p->arg = (int)v;
	} else if (paren) {
		dq_buf_addf(err, "key part '%.*s': %s takes no count",
			    (int)(e - b), b, fns[i].name);
		return -1;
	}
	p->field = dq_xstrndup(b, (size_t)(fe - b));
	p->fieldlen = (size_t)(fe - b);
	return split_names(p, err);
}

int
dq_blockkey_parse(struct dq_blockkey *k, const char *spec,
		  struct dq_buf *err)
{
	const char *p = spec, *e = spec + strlen(spec);

	k->parts = NULL;
	k->nparts = 0;
	if (skip_ws(p, e) == e) {
		dq_buf_addstr(err, "empty key");
		return -1;
	}
	for (;;) {
		const char *c = memchr(p, ',', (size_t)(e - p));
		const char *pe = c ? c : e;
		k->parts = dq_xrealloc(k->parts,
				       (k->nparts + 1) * sizeof(*k->parts));
		if (parse_part(&k->parts[k->nparts], p, pe, err)) {
			dq_blockkey_release(k);
			return -1;
		}
		k->nparts++;
		if (!c)
			break;
		p = c + 1;
	}
	return 0;
}

/* Fold [s, s+n) to ASCII into tmp when it has non-ASCII bytes; sets *t,
 * *tn to the text to read. */
static void
fold(const char *s, size_t n, struct dq_buf *tmp, const char **t, size_t *tn)
{
	*t = s;
	*tn = n;
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)s[i] >= 0x80) {
			if (dq_text_ascii(s, n, tmp) == 0) {
				*t = tmp->buf;
				*tn = tmp->len;
			}
			return;
		}
}

static int
alnum(unsigned char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') ||
	       (c >= 'A' && c <= 'Z');
}

static int
cmp_tok(const void *a, const void *b)
{
	const char *const *x = a, *const *y = b;
	return strcmp(*x, *y);
}

/* Words of t, lower-cased, sorted, joined by one space.  A text of n
 * bytes has at most n / 2 + 1 words. */
static void
sorted_tokens(const char *t, size_t n, struct dq_buf *out)
{
	struct dq_buf w = DQ_BUF_INIT;
	char *stack[33];
	char **tok = n <= 64 ? stack : dq_xmalloc((n / 2 + 1) * sizeof(*tok));
	size_t nt = 0, i = 0;

	dq_buf_grow(&w, n + 1);
	while (i < n) {
		while (i < n && !alnum((unsigned char)t[i]))
			i++;
		if (i == n)
			break;
		tok[nt++] = w.buf + w.len;
		while (i < n && alnum((unsigned char)t[i]))
			w.buf[w.len++] = (char)tolower((unsigned char)t[i++]);
		w.buf[w.len++] = '\0';
	}
	qsort(tok, nt, sizeof(*tok), cmp_tok);
	for (i = 0; i < nt; i++) {
		if (i)
			dq_buf_addch(out, ' ');
		dq_buf_addstr(out, tok[i]);
	}
	if (tok != stack)
		free(tok);
	dq_buf_release(&w);
}

/* Append token [w, w+n) to out, after a space unless it is the first
 * (out began at start). */
static void
add_token(struct dq_buf *out, size_t start, const char *w, size_t n)
{
	if (out->len > start)
		dq_buf_addch(out, ' ');
	dq_buf_add(out, w, n);
}

/* Does c end an author in a list? */
static int
author_sep(unsigned char c)
{
	return c == ',' || c == ';' || c == '&' || c == '|';
}

/* Does c belong to a token of fn (joiners included)? */
static int
in_token(int fn, unsigned char c)
{
	if (fn == DQ_BK_SURNAMES)
		return isalpha(c) || c == '-' || c == '\'';
	return alnum(c) || (fn == DQ_BK_CODES && c == '-');
}

/* The token functions over folded text t (see blockkey.h). */
static void
tokens(int fn, int q, const char *t, size_t n, struct dq_buf *out)
{
	struct dq_buf w = DQ_BUF_INIT, sur = DQ_BUF_INIT;
	size_t start = out->len, i = 0;

	while (i <= n) {
		int letter = 0, digit = 0;
		if (i == n || (fn == DQ_BK_SURNAMES &&
			       author_sep((unsigned char)t[i]))) {
			/* An author ends: its last word is the surname. */
			if (sur.len)
				add_token(out, start, sur.buf, sur.len);
			dq_buf_reset(&sur);
			i++;
			continue;
		}
		if (!in_token(fn, (unsigned char)t[i]) ||
		    (fn == DQ_BK_SURNAMES && !isalpha((unsigned char)t[i]))) {
			i++;
			continue;
		}
		dq_buf_reset(&w);
		for (; i < n && in_token(fn, (unsigned char)t[i]); i++) {
			unsigned char c = (unsigned char)t[i];
			if (c == '-' || c == '\'')
				continue;
			letter |= isalpha(c) != 0;
			digit |= c >= '0' && c <= '9';
			dq_buf_addch(&w, (char)tolower(c));
		}
		switch (fn) {
		case DQ_BK_WORDS:
			add_token(out, start, w.buf, w.len);
			break;
		case DQ_BK_QGRAMS:
			if (w.len <= (size_t)q)
				add_token(out, start, w.buf, w.len);
			else
				for (size_t k = 0; k + (size_t)q <= w.len; k++)
					add_token(out, start, w.buf + k,
						  (size_t)q);
			break;
		case DQ_BK_CODES:
			if ((letter && digit && w.len >= 3) ||
			    (!letter && w.len >= 6))
				add_token(out, start, w.buf, w.len);
			break;
		case DQ_BK_SURNAMES:
			if (w.len == 3 && !memcmp(w.buf, "and", 3)) {
				if (sur.len)
					add_token(out, start, sur.buf,
						  sur.len);
				dq_buf_reset(&sur);
			} else if (w.len >= 2) {
				dq_buf_reset(&sur);
				dq_buf_add(&sur, w.buf, w.len);
			}
			break;
		}
	}
	dq_buf_release(&w);
	dq_buf_release(&sur);
}

static int
two(const char *p)
{
	return (p[0] - '0') * 10 + (p[1] - '0');
}

static int
isdig(char c)
{
	return c >= '0' && c <= '9';
}

/* Year, month and day of a date text; 0 or -1. */
static int
date_parts(const char *t, size_t n, int *y, int *m, int *d)
{
	struct dq_datetime dt;

	if (n >= 10 && isdig(t[0]) && isdig(t[1]) && isdig(t[2]) &&
	    isdig(t[3]) && t[4] == '-' && isdig(t[5]) && isdig(t[6]) &&
	    t[7] == '-' && isdig(t[8]) && isdig(t[9]) &&
	    (n == 10 || t[10] == 'T' || t[10] == ' ')) {
		*y = two(t) * 100 + two(t + 2);
		*m = two(t + 5);
		*d = two(t + 8);
		if (dq_date_valid(*y, *m, *d))
			return 0;
		return -1;
	}
	if (dq_date_parse(t, n, NULL, &dt))
		return -1;
	*y = dt.year;
	*m = dt.month;
	*d = dt.day;
	return 0;
}

int
dq_blockkey_apply(int fn, int arg, const char *raw, size_t rawlen, int type,
		  struct dq_buf *out)
{
	struct dq_buf unesc = DQ_BUF_INIT, tmp = DQ_BUF_INIT;
	size_t start = out->len, n, i, tn;
	const char *s, *t, *at = NULL;
	int y, m, d;
	const struct dq_member val = { NULL, raw, 0, rawlen, (uint8_t)type,
					0 };

	/* Missing means what it means everywhere (contract/types.h): a
	 * blank string, also of Unicode spaces, never blocks. */
	if (dq_value_missing(&val))
		return 0;
	switch (type) {
	case DQ_JSON_STRING:
		if (memchr(raw, '\\', rawlen)) {
			dq_json_unescape(raw, rawlen, &unesc);
			s = unesc.buf;
			n = unesc.len;
		} else {
			s = raw + 1;
			n = rawlen - 2;
		}
		break;
	case DQ_JSON_NUMBER:
	case DQ_JSON_TRUE:
	case DQ_JSON_FALSE:
		s = raw;
		n = rawlen;
		break;
	default:
		return 0;
	}
	/* Every function but exact ignores white space around the value. */
	if (fn != DQ_BK_EXACT) {
		const char *e = trim_end(s, s + n);
		s = skip_ws(s, e);
		n = (size_t)(e - s);
	}

	switch (fn) {
	case DQ_BK_EXACT:
		dq_buf_add(out, s, n);
		break;
	case DQ_BK_LOWER:
		dq_text_casefold(s, n, out);
		break;
	case DQ_BK_SOUNDEX:
		dq_phonetic_soundex(s, n, out);
		break;
	case DQ_BK_NYSIIS:
		dq_phonetic_nysiis(s, n, out);
		break;
	case DQ_BK_METAPHONE:
		dq_phonetic_dmetaphone(s, n, out, NULL);
		break;
	case DQ_BK_METAPHONE_ALT:
		dq_phonetic_dmetaphone(s, n, NULL, out);
		break;
	case DQ_BK_FIRST:
		fold(s, n, &tmp, &t, &tn);
		for (i = 0; i < tn && out->len - start < (size_t)arg; i++)
			if (alnum((unsigned char)t[i]))
				dq_buf_addch(out, tolower((unsigned char)t[i]));
		break;
	case DQ_BK_INITIALS:
		fold(s, n, &tmp, &t, &tn);
		for (i = 0; i < tn; i++)
			if (alnum((unsigned char)t[i]) &&
			    (i == 0 || isspace((unsigned char)t[i - 1]) ||
			     t[i - 1] == '-'))
				dq_buf_addch(out, tolower((unsigned char)t[i]));
		break;
	case DQ_BK_YEAR:
	case DQ_BK_MONTH:
	case DQ_BK_DAY:
		if (date_parts(s, n, &y, &m, &d))
			break;
		if (fn == DQ_BK_YEAR) {
			char yb[4] = { (char)('0' + y / 1000),
				       (char)('0' + y / 100 % 10),
				       (char)('0' + y / 10 % 10),
				       (char)('0' + y % 10) };
			dq_buf_add(out, yb, 4);
		} else {
			int v = fn == DQ_BK_MONTH ? m : d;
			char vb[2] = { (char)('0' + v / 10),
				       (char)('0' + v % 10) };
			dq_buf_add(out, vb, 2);
		}
		break;
	case DQ_BK_EMAIL_LOCAL:
	case DQ_BK_EMAIL_DOMAIN:
		for (i = 0; i < n; i++)
			if (s[i] == '@')
				at = s + i;
		if (!at || at == s || at == s + n - 1)
			break;
		if (fn == DQ_BK_EMAIL_LOCAL)
			dq_text_casefold(s, (size_t)(at - s), out);
		else
			dq_text_casefold(at + 1, (size_t)(s + n - at - 1), out);
		break;
	case DQ_BK_DIGITS:
	case DQ_BK_LAST_DIGITS:
		for (i = 0; i < n; i++)
			if (isdig(s[i]))
				dq_buf_addch(out, s[i]);
		if (fn == DQ_BK_LAST_DIGITS) {
			size_t got = out->len - start;
			if (got < (size_t)arg) {
				out->len = start;
			} else {
				memmove(out->buf + start,
					out->buf + out->len - arg, (size_t)arg);
				out->len = start + (size_t)arg;
			}
			out->buf[out->len] = '\0';
		}
		break;
	case DQ_BK_SORTED_TOKENS:
		fold(s, n, &tmp, &t, &tn);
		sorted_tokens(t, tn, out);
		break;
	case DQ_BK_WORDS:
	case DQ_BK_QGRAMS:
	case DQ_BK_CODES:
	case DQ_BK_SURNAMES:
		fold(s, n, &tmp, &t, &tn);
		tokens(fn, arg, t, tn, out);
		break;
	}
	dq_buf_release(&unesc);
	dq_buf_release(&tmp);
	return out->len > start;
}

static int
one(const struct dq_blockkey_part *p, size_t f, const struct dq_record *rec,
    struct dq_buf *out)
{
	struct dq_member m;
	return dq_path_find(rec, p->names[f], p->lens[f], &m) &&
	       dq_blockkey_apply(p->fn, p->arg, m.val, m.vallen, m.type, out);
}

/* Several fields: each result, sorted, joined by a space. */
static int
multi(const struct dq_blockkey_part *p, const struct dq_record *rec,
      struct dq_buf *out)
{
	struct dq_buf t = DQ_BUF_INIT;
	size_t st[8], *starts = p->nnames <= 8 ? st :
			dq_xmalloc((p->nnames + 1) * sizeof(*starts));
	char *sv[8], **v = p->nnames <= 8 ? sv :
			dq_xmalloc(p->nnames * sizeof(*v));
	int ok = 1;

	for (size_t f = 0; f < p->nnames && ok; f++) {
		starts[f] = t.len;
		ok = one(p, f, rec, &t);
		dq_buf_addch(&t, '\0');
	}
	if (ok) {
		for (size_t f = 0; f < p->nnames; f++)
			v[f] = t.buf + starts[f];
		qsort(v, p->nnames, sizeof(*v), cmp_tok);
		for (size_t f = 0; f < p->nnames; f++) {
			if (f)
				dq_buf_addch(out, ' ');
			dq_buf_addstr(out, v[f]);
		}
	}
	if (starts != st)
		free(starts);
	if (v != sv)
		free(v);
	dq_buf_release(&t);
	return ok;
}

int
dq_blockkey_part_value(const struct dq_blockkey_part *p,
		       const struct dq_record *rec, struct dq_buf *out)
{
	return p->nnames > 1 ? multi(p, rec, out) : one(p, 0, rec, out);
}

int
dq_blockkey_part_same(const struct dq_blockkey_part *p,
		      const struct dq_blockkey_part *q)
{
	return p->fn == q->fn && p->arg == q->arg &&
	       p->fieldlen == q->fieldlen &&
	       !memcmp(p->field, q->field, p->fieldlen);
}

int
dq_blockkey_make(const struct dq_blockkey *k, const struct dq_record *rec,
		 struct dq_buf *out)
{
	size_t start = out->len;

	for (size_t i = 0; i < k->nparts; i++) {
		const struct dq_blockkey_part *p = &k->parts[i];
		if (i)
			dq_buf_addch(out, DQ_BLOCKKEY_SEP);
		if (dq_blockkey_part_value(p, rec, out))
			continue;
		out->len = start;
		out->buf[start] = '\0';
		return 0;
	}
	return 1;
}

void
dq_blockkey_set_init(struct dq_blockkey_set *s)
{
	memset(s, 0, sizeof(*s));
	dq_buf_init(&s->val, 64);
}

void
dq_blockkey_set_release(struct dq_blockkey_set *s)
{
	for (size_t r = 0; r < s->nkeys; r++)
		free(s->pidx[r]);
	free(s->pidx);
	dq_buf_release(&s->val);
	memset(s, 0, sizeof(*s));
}

int
dq_blockkey_set_add(struct dq_blockkey_set *s, const struct dq_blockkey *k)
{
	size_t *idx = dq_xmalloc((k->nparts + 1) * sizeof(size_t));

	for (size_t q = 0; q < k->nparts; q++) {
		size_t j;
		for (j = 0; j < s->nparts; j++)
			if (dq_blockkey_part_same(s->part[j], &k->parts[q]))
				break;
		if (j == s->nparts) {
			if (s->nparts == DQ_BLOCKKEY_MAX_PARTS) {
				free(idx);
				return -1;
			}
			s->part[s->nparts++] = &k->parts[q];
		}
		idx[q] = j;
	}
	s->pidx = dq_xrealloc(s->pidx, (s->nkeys + 1) * sizeof(*s->pidx));
	s->pidx[s->nkeys++] = idx;
	return 0;
}

void
dq_blockkey_set_record(struct dq_blockkey_set *s)
{
	memset(s->ok, -1, s->nparts);
	dq_buf_reset(&s->val);
}

int
dq_blockkey_set_key(struct dq_blockkey_set *s, size_t r,
		    const struct dq_blockkey *k, const struct dq_record *rec,
		    struct dq_buf *out)
{
	for (size_t q = 0; q < k->nparts; q++) {
		size_t j = s->pidx[r][q];
		if (s->ok[j] < 0) {
			s->off[j] = s->val.len;
			s->ok[j] = (signed char)dq_blockkey_part_value(
				s->part[j], rec, &s->val);
			s->len[j] = s->val.len - s->off[j];
		}
		if (!s->ok[j])
			return 0;
		if (q)
			dq_buf_addch(out, DQ_BLOCKKEY_SEP);
		dq_buf_add(out, s->val.buf + s->off[j], s->len[j]);
	}
	return 1;
}
