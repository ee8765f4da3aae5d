/*
 * phone.c - phone numbers to E.164, with a fast path that agrees with
 * libphonenumber.
 *
 * What: dq_phone_e164() answers what libphonenumber's PhoneNumberUtil
 * answers for Parse(text, region) followed by IsValidNumber() and
 * Format(E164): the international form "+<country code><national
 * significant number>" of ITU-T Recommendation E.164 ("The international
 * public telecommunication numbering plan"), at most 15 digits in the
 * plan, though the library allows national numbers of up to 17.
 * libphonenumber (https://github.com/google/libphonenumber, Debian
 * 8.12.57) is the reference: its metadata, derived from the ITU's national
 * numbering plan notifications, says which numbers are valid where.
 *
 * Why a fast path: the library matches everything with ICU regular
 * expressions and costs about 20 microseconds in Parse and as much again
 * in IsValidNumber.  The fast path below gives the same answer without it.
 *
 * Domain of the fast path (anything else goes to the library, whole):
 *   - the text is at most 250 bytes of ASCII digits, spaces, '-', '.',
 *     '(' and ')', with at most one '+' before the first digit, and at
 *     least three digits;
 *   - every regular expression of the metadata consulted on the way uses
 *     only the syntax compiled below, and each "does a prefix of the
 *     number match" question (international and national prefixes) has at
 *     most one answer, and no national prefix transform rule applies.
 *
 * Why the paths agree: on that domain the library's parse is a function of
 * the region, the '+' and the digit string alone.  ExtractPossibleNumber
 * starts at the first '+' or digit and drops trailing punctuation; with
 * three digits or more the text matches VALID_PHONE_NUMBER; no extension
 * pattern, RFC 3966 parameter or second-number marker can match without a
 * letter, '#', ',', ';', '/' or '~'; and Normalize() then keeps only the
 * digits.  What remains (ParseHelper: MaybeExtractCountryCode,
 * MaybeStripNationalPrefixAndCarrierCode, TestNumberLength, the leading
 * zeros; then IsValidNumber: GetRegionCodeForNumber and
 * GetNumberTypeHelper) is re-implemented here step for step on the
 * library's own metadata, read at run time from the serialized
 * PhoneMetadataCollection inside libphonenumber (so there is no second
 * copy to go stale).  Each step asks only two kinds of question of a
 * regular expression: does the whole digit string match it, and which
 * prefixes of it match.  Both are properties of the language, not of the
 * engine, so any correct matcher gives the library's answer; where the
 * library's answer would depend on its engine's preference among several
 * matching prefixes, the fast path declines.
 *
 * Matcher: the metadata's patterns use digits, \d, [...], (?:...), (...),
 * |, ?, *, + and {n,m}.  They are compiled to a Thompson NFA (K. Thompson,
 * "Regular expression search algorithm", CACM 11(6), 1968) and run as a
 * lazily built DFA (as in RE2, R. Cox, "Regular Expression Matching in the
 * Wild", 2010), so a match costs one table lookup per digit once warm.
 * Other syntax (anchors, classes such as [^...]) makes the pattern
 * "unsupported" and the fast path declines.  The eleven number-type
 * patterns of a region are compiled together, as one NFA whose match
 * states are tagged with the pattern they end, so one pass over a number
 * says which of them match it (the product construction of the DFAs,
 * built lazily like the rest).
 *
 * The regions and the regions of each calling code, in the library's
 * order, are read from the same metadata, so the library itself (4 MB
 * of memory and 30 ms to start) is started only for a text the fast path
 * declines.
 *
 * The agreement is tested on a corpus checked against python-phonenumbers
 * and, path against path, on random numbers (tests/unit/test_phone.c,
 * tests/unit/bench_phone.c).
 *
 * Threads: each thread builds its own table and DFAs (they are only a
 * cache of the library's metadata), freed when the thread ends, so the
 * fast path never waits for a lock; calls into libphonenumber, which
 * are rare, take one lock.
 *
 * Limits: the table holds about
 * 250 regions' patterns, compiled on first use; each DFA is flushed when
 * it reaches DFA_MAX states, so memory stays bounded.
 */
#include "norm/phone.h"
#include "base/utf8.h"

#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "norm/phone_lpn.h"

/* libphonenumber's limits (phonenumberutil.cc). */
#define MAX_INPUT 250 /* kMaxInputStringLength */
#define MIN_NSN 2     /* kMinLengthForNsn */
#define MAX_NSN 17    /* kMaxLengthForNsn */
#define MAX_CC 999    /* country calling codes have 1 to 3 digits */

#define DFA_MAX 20000

/* Results of the tri-state helpers. */
#define NO 0
#define YES 1
#define DECLINE DQ_PHONE_DECLINED

/*
 * Regular expressions.
 */

enum { N_CHAR, N_SPLIT, N_MATCH };

struct nfa_node {
	int type;
	/* N_CHAR: bit d set if digit d matches; N_MATCH: the bit of the
	 * pattern that matches here (1 for a single pattern). */
	unsigned mask;
	int out, out1;
};

struct dstate {
	int next[10]; /* -1: not computed yet */
	unsigned accept; /* the N_MATCH masks of the set, or'ed */
	int *set; /* sorted N_CHAR/N_MATCH node ids */
	int nset;
	int hnext; /* hash chain */
};

struct re {
	struct nfa_node *node;
	int nnode, capnode;
	int start;
	struct dstate *ds;
	int nds, capds;
	int *hash; /* DFA states by set, chained through hnext */
	int nhash;
	int *mark, gen; /* per NFA node, for building sets */
	int *tmp;
};

enum { A_CLS, A_CAT, A_ALT, A_REP };

struct ast {
	int type;
	unsigned mask;
	int min, max; /* A_REP; max -1 = unbounded */
	struct ast **kid;
	int nkid;
};

struct rparse {
	const char *s, *end;
	int bad;
};

static struct ast *parse_alt(struct rparse *p, int depth);

static struct ast *
ast_new(int type)
{
	struct ast *a = dq_xcalloc(1, sizeof(*a));
	a->type = type;
	return a;
}

static void
ast_add(struct ast *a, struct ast *kid)
{
	a->kid = dq_xrealloc(a->kid, (a->nkid + 1) * sizeof(*a->kid));
	a->kid[a->nkid++] = kid;
}

static void
ast_free(struct ast *a)
{
	int i;

	if (!a)
		return;
	for (i = 0; i < a->nkid; i++)
		ast_free(a->kid[i]);
	free(a->kid);
	free(a);
}

static int
parse_int(struct rparse *p)
{
	int v = 0, any = 0;

	while (p->s < p->end && *p->s >= '0' && *p->s <= '9' && v < 1000) {
		v = v * 10 + (*p->s++ - '0');
		any = 1;
	}
	if (!any || v >= 1000)
		p->bad = 1;
	return v;
}

/* A bracket expression of digits and digit ranges; anything else (such as
 * negation) is unsupported. */
static unsigned
parse_class(struct rparse *p)
{
	unsigned mask = 0;

	while (p->s < p->end && *p->s != ']') {
		int lo, hi;

		if (p->s + 1 < p->end && p->s[0] == '\\' && p->s[1] == 'd') {
			mask |= 0x3ff;
			p->s += 2;
			continue;
		}
		if (*p->s < '0' || *p->s > '9')
			break;
		lo = hi = *p->s++ - '0';
		if (p->s + 1 < p->end && *p->s == '-' && p->s[1] >= '0' &&
		    p->s[1] <= '9') {
			hi = p->s[1] - '0';
			p->s += 2;
		}
		if (hi < lo)
			break;
		for (; lo <= hi; lo++)
			mask |= 1u << lo;
	}
	if (p->s >= p->end || *p->s != ']' || !mask) {
		p->bad = 1;
		return 0;
	}
	p->s++;
	return mask;
}

static struct ast *
parse_atom(struct rparse *p, int depth)
{
	struct ast *a;
	char c = *p->s;

	if (c >= '0' && c <= '9') {
		p->s++;
		a = ast_new(A_CLS);
		a->mask = 1u << (c - '0');
		return a;
	}
	if (c == '\\' && p->s + 1 < p->end && p->s[1] == 'd') {
		p->s += 2;
		a = ast_new(A_CLS);
		a->mask = 0x3ff;
		return a;
	}
	if (c == '[') {
		p->s++;
		a = ast_new(A_CLS);
		a->mask = parse_class(p);
		return a;
	}
	if (c == '(') {
		p->s++;
		if (p->end - p->s >= 2 && p->s[0] == '?' && p->s[1] == ':')
			p->s += 2;
		a = parse_alt(p, depth + 1);
		if (p->s >= p->end || *p->s != ')')
			p->bad = 1;
		else
			p->s++;
		return a;
	}
	p->bad = 1;
	return ast_new(A_CAT);
}

static struct ast *
parse_cat(struct rparse *p, int depth)
{
	struct ast *cat = ast_new(A_CAT);

	while (!p->bad && p->s < p->end && *p->s != '|' && *p->s != ')') {
		struct ast *a = parse_atom(p, depth);

		while (!p->bad && p->s < p->end) {
			struct ast *r;
			int min, max;

			if (*p->s == '?') {
				min = 0, max = 1;
				p->s++;
			} else if (*p->s == '*') {
				min = 0, max = -1;
				p->s++;
			} else if (*p->s == '+') {
				min = 1, max = -1;
				p->s++;
			} else if (*p->s == '{') {
				p->s++;
				min = max = parse_int(p);
				if (p->s < p->end && *p->s == ',') {
					p->s++;
					max = -1;
					if (p->s < p->end && *p->s != '}')
						max = parse_int(p);
				}
				if (p->s >= p->end || *p->s != '}' ||
				    (max >= 0 && max < min) || min > 64 ||
				    max > 64)
					p->bad = 1;
				else
					p->s++;
			} else {
				break;
			}
			r = ast_new(A_REP);
			r->min = min;
			r->max = max;
			ast_add(r, a);
			a = r;
		}
		ast_add(cat, a);
	}
	return cat;
}

static struct ast *
parse_alt(struct rparse *p, int depth)
{
	struct ast *alt = ast_new(A_ALT);

	if (depth > 50) {
		p->bad = 1;
		return alt;
	}
	ast_add(alt, parse_cat(p, depth));
	while (!p->bad && p->s < p->end && *p->s == '|') {
		p->s++;
		ast_add(alt, parse_cat(p, depth));
	}
	return alt;
}

static int
nfa_add(struct re *re, int type, unsigned mask, int out, int out1)
{
	struct nfa_node *n;

	if (re->nnode == re->capnode) {
		re->capnode = re->capnode ? 2 * re->capnode : 64;
		re->node = dq_xrealloc(re->node,
				       re->capnode * sizeof(*re->node));
	}
	n = &re->node[re->nnode];
	n->type = type;
	n->mask = mask;
	n->out = out;
	n->out1 = out1;
	return re->nnode++;
}

/* Emit a into the NFA so that it continues at node next; return its entry
 * node.  Built back to front, so every copy of a repeated atom is fresh.
 * Only membership matters, so the order of a split's branches does not. */
static int
emit(struct re *re, const struct ast *a, int next)
{
	int i, cur, loop;

	if (re->nnode > 100000)
		return next; /* caller checks the size and gives up */
	switch (a->type) {
	case A_CLS:
		return nfa_add(re, N_CHAR, a->mask, next, -1);
	case A_CAT:
		for (i = a->nkid - 1; i >= 0; i--)
			next = emit(re, a->kid[i], next);
		return next;
	case A_ALT:
		cur = emit(re, a->kid[a->nkid - 1], next);
		for (i = a->nkid - 2; i >= 0; i--)
			cur = nfa_add(re, N_SPLIT, 0, emit(re, a->kid[i], next),
				      cur);
		return cur;
	default: /* A_REP */
		if (a->max < 0) {
			loop = nfa_add(re, N_SPLIT, 0, -1, next);
			/* (emit may move re->node: assign after.) */
			cur = emit(re, a->kid[0], loop);
			re->node[loop].out = cur;
			cur = loop;
		} else {
			cur = next;
			for (i = 0; i < a->max - a->min; i++)
				cur = nfa_add(re, N_SPLIT, 0,
					      emit(re, a->kid[0], cur), next);
		}
		for (i = 0; i < a->min; i++)
			cur = emit(re, a->kid[0], cur);
		return cur;
	}
}

/* Add the epsilon closure of node s to the set being built in re->tmp. */
static void
closure(struct re *re, int s, int *n)
{
	while (s >= 0 && re->mark[s] != re->gen) {
		re->mark[s] = re->gen;
		if (re->node[s].type != N_SPLIT) {
			re->tmp[(*n)++] = s;
			return;
		}
		closure(re, re->node[s].out, n);
		s = re->node[s].out1;
	}
}

static int
cmp_int(const void *a, const void *b)
{
	int x = *(const int *)a, y = *(const int *)b;
	return (x > y) - (x < y);
}

static unsigned
set_hash(const int *set, int n)
{
	unsigned h = 2166136261u;
	int i;

	for (i = 0; i < n; i++)
		h = (h ^ (unsigned)set[i]) * 16777619u;
	return h;
}

static void
dfa_flush(struct re *re)
{
	int i;

	for (i = 0; i < re->nds; i++)
		free(re->ds[i].set);
	re->nds = 0;
	for (i = 0; i < re->nhash; i++)
		re->hash[i] = -1;
}

/* Find or add the DFA state for the set of n nodes in re->tmp. */
static int
dfa_state(struct re *re, int n)
{
	unsigned h;
	int i;
	struct dstate *d;

	qsort(re->tmp, n, sizeof(int), cmp_int);
	h = set_hash(re->tmp, n) % (unsigned)re->nhash;
	for (i = re->hash[h]; i >= 0; i = re->ds[i].hnext)
		if (re->ds[i].nset == n &&
		    !memcmp(re->ds[i].set, re->tmp, n * sizeof(int)))
			return i;
	if (re->nds == re->capds) {
		re->capds = re->capds ? 2 * re->capds : 16;
		re->ds = dq_xrealloc(re->ds, re->capds * sizeof(*re->ds));
	}
	d = &re->ds[re->nds];
	for (i = 0; i < 10; i++)
		d->next[i] = -1;
	d->set = dq_xmalloc((n ? n : 1) * sizeof(int));
	memcpy(d->set, re->tmp, n * sizeof(int));
	d->nset = n;
	d->accept = 0;
	for (i = 0; i < n; i++)
		if (re->node[re->tmp[i]].type == N_MATCH)
			d->accept |= re->node[re->tmp[i]].mask;
	d->hnext = re->hash[h];
	re->hash[h] = re->nds;
	return re->nds++;
}

static int
dfa_start(struct re *re)
{
	int n = 0;

	if (re->nds == 0) {
		re->gen++;
		closure(re, re->start, &n);
		dfa_state(re, n);
	}
	return 0; /* the start state is always the first */
}

/* The state after reading digit c in state s, not yet in the table. */
static int
dfa_build(struct re *re, int s, int c)
{
	int i, n = 0, t;

	if (re->nds >= DFA_MAX) {
		/* Keep memory bounded: rebuild from the start state, then
		 * the state s we stand on (its set is copied first). */
		int *set = dq_xmalloc(re->ds[s].nset * sizeof(int) + 1);
		int nset = re->ds[s].nset;

		memcpy(set, re->ds[s].set, nset * sizeof(int));
		dfa_flush(re);
		dfa_start(re);
		memcpy(re->tmp, set, nset * sizeof(int));
		free(set);
		s = dfa_state(re, nset);
	}
	re->gen++;
	for (i = 0; i < re->ds[s].nset; i++) {
		const struct nfa_node *nd = &re->node[re->ds[s].set[i]];
		if (nd->type == N_CHAR && (nd->mask >> c & 1))
			closure(re, nd->out, &n);
	}
	t = dfa_state(re, n);
	re->ds[s].next[c] = t;
	return t;
}

/* The state after reading digit c in state s: once warm, a lookup. */
static inline int
dfa_step(struct re *re, int s, int c)
{
	int t = re->ds[s].next[c];

	return t >= 0 ? t : dfa_build(re, s, c);
}

static void
re_free(struct re *re)
{
	if (!re)
		return;
	dfa_flush(re);
	free(re->ds);
	free(re->hash);
	free(re->node);
	free(re->mark);
	free(re->tmp);
	free(re);
}

/* Emit pattern s[0..n) into re, ending in a match node of mask bit;
 * returns its entry node, or -1 if it uses unsupported syntax or the NFA
 * grows too large. */
static int
re_add(struct re *re, const char *s, size_t n, unsigned bit)
{
	struct rparse p = { s, s + n, 0 };
	struct ast *a = parse_alt(&p, 0);
	int entry = -1;

	if (!p.bad && p.s == p.end)
		entry = emit(re, a, nfa_add(re, N_MATCH, bit, -1, -1));
	ast_free(a);
	return re->nnode > 100000 ? -1 : entry;
}

/* Give re, its NFA built, the tables the DFA needs. */
static struct re *
re_ready(struct re *re)
{
	int i;

	re->mark = dq_xcalloc(re->nnode, sizeof(int));
	re->tmp = dq_xmalloc(re->nnode * sizeof(int));
	re->nhash = 1024;
	re->hash = dq_xmalloc(re->nhash * sizeof(int));
	for (i = 0; i < re->nhash; i++)
		re->hash[i] = -1;
	return re;
}

/* Compile pattern s[0..n); NULL if it uses unsupported syntax. */
static struct re *
re_compile(const char *s, size_t n)
{
	struct re *re = dq_xcalloc(1, sizeof(*re));

	re->start = re_add(re, s, n, 1);
	if (re->start < 0) {
		re_free(re);
		return NULL;
	}
	return re_ready(re);
}

/* The masks of the patterns of re that the whole of d[0..n) (ASCII
 * digits) matches, or'ed; 0 if none does. */
static unsigned
re_matches(struct re *re, const char *d, size_t n)
{
	int s = dfa_start(re);
	size_t i;

	for (i = 0; i < n; i++) {
		s = dfa_step(re, s, d[i] - '0');
		if (re->ds[s].nset == 0)
			return 0;
	}
	return re->ds[s].accept;
}

/* Does the whole of d[0..n) (ASCII digits) match? */
static int
re_full(struct re *re, const char *d, size_t n)
{
	return re_matches(re, d, n) ? YES : NO;
}

/* How many prefixes of d[0..n) match (stopping at 2); the length of the
 * first in *len. */
static int
re_prefixes(struct re *re, const char *d, size_t n, size_t *len)
{
	int s = dfa_start(re), count = 0;
	size_t i;

	for (i = 0;; i++) {
		if (re->ds[s].accept) {
			if (count++ == 0)
				*len = i;
			if (count == 2)
				return count;
		}
		if (i == n || re->ds[s].nset == 0)
			return count;
		s = dfa_step(re, s, d[i] - '0');
	}
}

/*
 * Metadata, decoded from libphonenumber's serialized
 * PhoneMetadataCollection (phonemetadata.proto; protocol buffer wire
 * format, https://protobuf.dev/programming-guides/encoding/).
 */

struct pat {
	const char *s; /* into the library's metadata bytes */
	size_t len;
	int present;
	int state; /* 0 not compiled yet, 1 compiled, -1 unsupported */
	struct re *re;
};

struct desc {
	struct pat pat;
	/* possible_length, possible_length_local_only: small numbers (and
	 * -1), kept in bytes since each thread's table holds eleven
	 * descriptions for each of some 290 regions.  A list that does not
	 * fit sets overflow. */
	signed char len[24], local[24];
	int nlen, nlocal;
	int overflow;
};

/* The descriptions in GetNumberTypeHelper's order, with their field
 * numbers in PhoneMetadata: general, premium rate, toll free, shared cost,
 * VoIP, personal, pager, UAN, voicemail, fixed line, mobile. */
enum { D_GENERAL, D_FIXED = 9, D_MOBILE = 10, N_DESC = 11 };
static const int desc_field[N_DESC] = { 1, 5, 4, 6, 8, 7, 21, 25, 28, 2, 3 };

struct meta {
	char id[4];
	int cc;
	struct desc d[N_DESC];
	struct pat idd, npp, leading;
	int transform; /* national_prefix_transform_rule is non-empty */
	int same_mobile_fixed;
	int main_country; /* main_country_for_code */
	/* The descriptions' patterns in one automaton (see types_re). */
	struct re *types;
	int types_state; /* 0 not built yet, 1 built, -1 too large */
	/* By the length of the number, bit i for description i: its
	 * pattern is asked (ok), or matching_desc() would decline. */
	unsigned types_ok[MAX_NSN + 1], types_decl[MAX_NSN + 1];
};

struct ccinfo {
	struct meta **m; /* in the library's order, main country first */
	int n;
};

static __thread struct table {
	int ready, broken;
	struct meta *meta;
	int nmeta, capmeta;
	struct meta *nongeo[MAX_CC + 1];
	struct meta *byid[26 * 26]; /* regions are two capital letters */
	struct ccinfo cc[MAX_CC + 1];
} T;

static int
pb_varint(const unsigned char **p, const unsigned char *end, uint64_t *v)
{
	int shift = 0;

	*v = 0;
	while (*p < end && shift < 64) {
		unsigned char b = *(*p)++;
		*v |= (uint64_t)(b & 0x7f) << shift;
		if (!(b & 0x80))
			return 0;
		shift += 7;
	}
	return -1;
}

/* Read one field: its number, wire type, and value (varint) or bytes
 * (length-delimited).  Fixed 32/64-bit fields are skipped over. */
static int
pb_field(const unsigned char **p, const unsigned char *end, int *field,
	 int *wt, uint64_t *v, const unsigned char **data, size_t *len)
{
	uint64_t key;

	if (pb_varint(p, end, &key) < 0)
		return -1;
	*field = (int)(key >> 3);
	*wt = (int)(key & 7);
	switch (*wt) {
	case 0:
		return pb_varint(p, end, v);
	case 1:
		if (end - *p < 8)
			return -1;
		*p += 8;
		return 0;
	case 2:
		if (pb_varint(p, end, v) < 0 || *v > (uint64_t)(end - *p))
			return -1;
		*data = *p;
		*len = (size_t)*v;
		*p += *len;
		return 0;
	case 5:
		if (end - *p < 4)
			return -1;
		*p += 4;
		return 0;
	default:
		return -1;
	}
}

static void
add_len(signed char *arr, int *n, int v, int *overflow)
{
	if (*n < 24 && v >= -128 && v <= 127)
		arr[(*n)++] = (signed char)v;
	else
		*overflow = 1;
}

/* Repeated int32, packed or not. */
static int
pb_lengths(int wt, uint64_t v, const unsigned char *data, size_t len,
	   signed char *arr, int *n, int *overflow)
{
	const unsigned char *p = data, *end;

	if (wt == 0) {
		add_len(arr, n, (int)(int32_t)v, overflow);
		return 0;
	}
	if (wt != 2)
		return -1;
	/* Only now is data set: NULL + 0 is undefined behaviour in C. */
	end = data + len;
	while (p < end) {
		if (pb_varint(&p, end, &v) < 0)
			return -1;
		add_len(arr, n, (int)(int32_t)v, overflow);
	}
	return 0;
}

static int
decode_desc(const unsigned char *p, size_t n, struct desc *d)
{
	const unsigned char *end = p + n, *data = NULL;
	size_t len = 0;
	uint64_t v;
	int field, wt;

	while (p < end) {
		if (pb_field(&p, end, &field, &wt, &v, &data, &len) < 0)
			return -1;
		if (field == 2 && wt == 2) {
			d->pat.s = (const char *)data;
			d->pat.len = len;
			d->pat.present = 1;
		} else if (field == 9) {
			if (pb_lengths(wt, v, data, len, d->len, &d->nlen,
				       &d->overflow) < 0)
				return -1;
		} else if (field == 10) {
			if (pb_lengths(wt, v, data, len, d->local, &d->nlocal,
				       &d->overflow) < 0)
				return -1;
		}
	}
	return 0;
}

static void
set_pat(struct pat *pt, const unsigned char *data, size_t len)
{
	pt->s = (const char *)data;
	pt->len = len;
	pt->present = 1;
}

static int
decode_meta(const unsigned char *p, size_t n, struct meta *m)
{
	const unsigned char *end = p + n, *data = NULL;
	size_t len = 0;
	uint64_t v;
	int field, wt, i;

	while (p < end) {
		if (pb_field(&p, end, &field, &wt, &v, &data, &len) < 0)
			return -1;
		for (i = 0; i < N_DESC; i++)
			if (field == desc_field[i] && wt == 2 &&
			    decode_desc(data, len, &m->d[i]) < 0)
				return -1;
		if (wt == 2 && field == 9 && len < sizeof(m->id)) {
			memcpy(m->id, data, len);
			m->id[len] = '\0';
		} else if (wt == 0 && field == 10) {
			m->cc = (int)v;
		} else if (wt == 2 && field == 11) {
			set_pat(&m->idd, data, len);
		} else if (wt == 2 && field == 15) {
			set_pat(&m->npp, data, len);
		} else if (wt == 2 && field == 16) {
			m->transform = len > 0;
		} else if (wt == 0 && field == 18) {
			m->same_mobile_fixed = v != 0;
		} else if (wt == 0 && field == 22) {
			m->main_country = v != 0;
		} else if (wt == 2 && field == 23) {
			set_pat(&m->leading, data, len);
		}
	}
	return m->id[0] && m->cc > 0 && m->cc <= MAX_CC ? 0 : -1;
}

static int
id_index(const char *id)
{
	if (id[0] < 'A' || id[0] > 'Z' || id[1] < 'A' || id[1] > 'Z' || id[2])
		return -1;
	return (id[0] - 'A') * 26 + (id[1] - 'A');
}

static struct meta *
find_region(const char *id)
{
	int i = id_index(id);

	return i < 0 ? NULL : T.byid[i];
}

/*
 * The regions of each calling code, as PhoneNumberUtil's constructor
 * lists them: in metadata order, except that a main country for its code
 * goes to the front.  (A region "ZZ" would be skipped, as the library
 * skips its unknown region; the library lists no other.)
 */
static void
add_calling_code(struct meta *m)
{
	struct ccinfo *ci = &T.cc[m->cc];

	if (!strcmp(m->id, "ZZ"))
		return;
	ci->m = dq_xrealloc(ci->m, (ci->n + 1) * sizeof(*ci->m));
	if (m->main_country) {
		memmove(ci->m + 1, ci->m, ci->n * sizeof(*ci->m));
		ci->m[0] = m;
	} else {
		ci->m[ci->n] = m;
	}
	ci->n++;
}

/* One lock for every call into libphonenumber. */
static pthread_mutex_t lpn_mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_key_t table_key;
static pthread_once_t table_once = PTHREAD_ONCE_INIT;

static void
table_free(void *unused)
{
	(void)unused;
	dq_phone_release();
}

static void
table_key_make(void)
{
	pthread_key_create(&table_key, table_free);
}

static void
table_load(void)
{
	const unsigned char *p, *q, *end, *data = NULL;
	size_t n, len = 0;
	uint64_t v;
	int field, wt, i;

	T.ready = 1;
	/* Free this thread's table when the thread ends (the main
	 * thread's lives until exit or dq_phone_release()). */
	pthread_once(&table_once, table_key_make);
	pthread_setspecific(table_key, &T);
	pthread_mutex_lock(&lpn_mu);
	p = dq_phone_lpn_metadata(&n);
	pthread_mutex_unlock(&lpn_mu);
	end = p + n;
	/* Count the regions first: the table is allocated once, at its
	 * size (a third less memory than growing it by doubling). */
	for (q = p; q < end;) {
		if (pb_field(&q, end, &field, &wt, &v, &data, &len) < 0) {
			T.broken = 1;
			return;
		}
		if (field == 1 && wt == 2)
			T.capmeta++;
	}
	T.meta = dq_xcalloc(T.capmeta ? T.capmeta : 1, sizeof(*T.meta));
	while (p < end) {
		struct meta m;

		if (pb_field(&p, end, &field, &wt, &v, &data, &len) < 0) {
			T.broken = 1;
			return;
		}
		if (field != 1 || wt != 2)
			continue;
		memset(&m, 0, sizeof(m));
		if (decode_meta(data, len, &m) < 0) {
			T.broken = 1;
			return;
		}
		T.meta[T.nmeta++] = m;
	}
	for (i = 0; i < T.nmeta; i++) {
		int k = id_index(T.meta[i].id);

		if (!strcmp(T.meta[i].id, "001"))
			T.nongeo[T.meta[i].cc] = &T.meta[i];
		else if (k >= 0)
			T.byid[k] = &T.meta[i];
		else
			T.broken = 1;
		add_calling_code(&T.meta[i]);
	}
}

static void
free_pat(struct pat *pt)
{
	re_free(pt->re);
	pt->re = NULL;
	pt->state = 0;
}

void
dq_phone_release(void)
{
	int i, j;

	for (i = 0; i < T.nmeta; i++) {
		for (j = 0; j < N_DESC; j++)
			free_pat(&T.meta[i].d[j].pat);
		free_pat(&T.meta[i].idd);
		free_pat(&T.meta[i].npp);
		free_pat(&T.meta[i].leading);
		re_free(T.meta[i].types);
	}
	for (i = 0; i <= MAX_CC; i++)
		free(T.cc[i].m);
	free(T.meta);
	memset(&T, 0, sizeof(T));
}

static int
table(void)
{
	if (!T.ready)
		table_load();
	return T.broken ? -1 : 0;
}

static struct re *
pat_re(struct pat *pt)
{
	if (pt->state == 0) {
		pt->re = re_compile(pt->s, pt->len);
		pt->state = pt->re ? 1 : -1;
	}
	return pt->re;
}

/* MatchNationalNumber(d, desc, false): an empty pattern matches nothing,
 * otherwise the whole string must match. */
static int
match_desc_pattern(struct pat *pt, const char *d, size_t n)
{
	struct re *re;

	if (!pt->present || pt->len == 0)
		return NO;
	if (!(re = pat_re(pt)))
		return DECLINE;
	return re_full(re, d, n);
}

/* Is n one of the description's possible lengths (any, if it lists
 * none)? */
static int
length_listed(const struct desc *desc, size_t n)
{
	int i;

	if (desc->nlen == 0)
		return 1;
	for (i = 0; i < desc->nlen; i++)
		if (desc->len[i] == (int)n)
			return 1;
	return 0;
}

/* IsNumberMatchingDesc: the possible lengths first, if the description
 * lists any, then the pattern. */
static int
matching_desc(struct desc *desc, const char *d, size_t n)
{
	if (desc->overflow)
		return DECLINE;
	if (!length_listed(desc, n))
		return NO;
	return match_desc_pattern(&desc->pat, d, n);
}

/*
 * The patterns of all m's descriptions in one automaton, the match node
 * of description i marked with bit i.  A DFA state is then the union of
 * the patterns' states, and its mask says which patterns match the digits
 * read so far in full, so one pass over a number answers every question
 * GetNumberTypeHelper asks of it, where asking pattern after pattern
 * (up to eleven of them, and again for each region sharing a calling
 * code) read the number once per pattern.  The possible lengths, asked
 * first, are folded into masks by length.  NULL if the union is too
 * large; the patterns are then asked one by one.
 */
static struct re *
types_re(struct meta *m)
{
	struct re *re;
	unsigned bad = 0;
	int i, e, len, start = -1;

	if (m->types_state)
		return m->types;
	re = dq_xcalloc(1, sizeof(*re));
	for (i = 0; i < N_DESC; i++) {
		struct pat *pt = &m->d[i].pat;

		if (!pt->present || pt->len == 0)
			continue;
		e = re_add(re, pt->s, pt->len, 1u << i);
		if (re->nnode > 100000) {
			re_free(re);
			m->types_state = -1;
			return NULL;
		}
		if (e < 0)
			bad |= 1u << i;
		else
			start = start < 0 ? e : nfa_add(re, N_SPLIT, 0, e, start);
	}
	/* With no pattern to match, a start that matches nothing. */
	re->start = start >= 0 ? start : nfa_add(re, N_CHAR, 0, -1, -1);
	/* What matching_desc() does before it reads a digit. */
	for (len = 0; len <= MAX_NSN; len++) {
		m->types_ok[len] = m->types_decl[len] = 0;
		for (i = 0; i < N_DESC; i++) {
			struct desc *d = &m->d[i];

			if (d->overflow)
				m->types_decl[len] |= 1u << i;
			else if (!length_listed(d, (size_t)len) ||
				 !d->pat.present || d->pat.len == 0)
				continue;
			else if (bad >> i & 1)
				m->types_decl[len] |= 1u << i;
			else
				m->types_ok[len] |= 1u << i;
		}
	}
	m->types = re_ready(re);
	m->types_state = 1;
	return m->types;
}

/* How many prefixes of d match pt: 0, 1 (length in *k) or 2 for more;
 * DECLINE if the pattern is unsupported.  A missing or empty pattern
 * matches the empty prefix, as an empty regular expression does. */
static int
prefix_count(struct pat *pt, const char *d, size_t n, size_t *k)
{
	struct re *re;

	if (!pt->present || pt->len == 0) {
		*k = 0;
		return 1;
	}
	if (!(re = pat_re(pt)))
		return DECLINE;
	return re_prefixes(re, d, n, k);
}

/* GetNumberTypeHelper(nsn, m) != UNKNOWN. */
static int
type_known(struct meta *m, const char *d, size_t n)
{
	struct re *re = n <= MAX_NSN ? types_re(m) : NULL;
	unsigned decl, ok, rest;
	int i, r;

	if (!re) {
		r = matching_desc(&m->d[D_GENERAL], d, n);
		if (r != YES)
			return r;
		for (i = 1; i <= D_FIXED; i++) {
			r = matching_desc(&m->d[i], d, n);
			if (r != NO)
				return r;
		}
		if (m->same_mobile_fixed)
			return NO;
		return matching_desc(&m->d[D_MOBILE], d, n);
	}
	/* matching_desc() of description i is DECLINE if bit i of decl
	 * is set, else YES if bit i of ok is, else NO. */
	decl = m->types_decl[n];
	ok = m->types_ok[n] & re_matches(re, d, n);
	if (decl >> D_GENERAL & 1)
		return DECLINE;
	if (!(ok >> D_GENERAL & 1))
		return NO;
	/* The first of premium rate .. fixed line that is not NO. */
	rest = (decl | ok) & ((1u << (D_FIXED + 1)) - 2);
	if (rest) {
		i = __builtin_ctz(rest);
		return decl >> i & 1 ? DECLINE : YES;
	}
	if (m->same_mobile_fixed)
		return NO;
	if (decl >> D_MOBILE & 1)
		return DECLINE;
	return ok >> D_MOBILE & 1 ? YES : NO;
}

/* IsValidNumber: GetRegionCodeForNumber, then IsValidNumberForRegion. */
static int
valid(int cc, const char *nsn, size_t n)
{
	struct ccinfo *ci;
	size_t k;
	int i, r;

	if (cc <= 0 || cc > MAX_CC)
		return NO;
	ci = &T.cc[cc];
	if (ci->n == 0)
		return NO;
	if (ci->n == 1)
		return type_known(ci->m[0], nsn, n);
	for (i = 0; i < ci->n; i++) {
		struct meta *c = ci->m[i];

		if (c->leading.present)
			r = prefix_count(&c->leading, nsn, n, &k);
		else
			r = type_known(c, nsn, n);
		if (r == DECLINE)
			return DECLINE;
		if (r == 0)
			continue;
		/* A region found by its type is already known valid. */
		return c->leading.present ? type_known(c, nsn, n) : YES;
	}
	return NO;
}

enum { L_POSSIBLE, L_LOCAL_ONLY, L_TOO_SHORT, L_INVALID, L_TOO_LONG };

/* TestNumberLength(d, m) for the type UNKNOWN (the general description). */
static int
test_length(struct meta *m, size_t n, int *res)
{
	struct desc *g = &m->d[D_GENERAL];
	int i, len = (int)n;

	if (g->overflow || g->nlen == 0)
		return DECLINE;
	if (g->len[0] == -1) {
		*res = L_INVALID;
		return 0;
	}
	for (i = 0; i < g->nlocal; i++)
		if (g->local[i] == len) {
			*res = L_LOCAL_ONLY;
			return 0;
		}
	if (g->len[0] == len)
		*res = L_POSSIBLE;
	else if (g->len[0] > len)
		*res = L_TOO_SHORT;
	else if (g->len[g->nlen - 1] < len)
		*res = L_TOO_LONG;
	else {
		*res = L_INVALID;
		for (i = 1; i < g->nlen; i++)
			if (g->len[i] == len)
				*res = L_POSSIBLE;
	}
	return 0;
}

/* MaybeStripNationalPrefixAndCarrierCode: on return d[*off..n) is the
 * number, *off advanced past a national prefix if one was stripped. */
static int
strip_national_prefix(struct meta *m, const char *d, size_t n, size_t *off)
{
	size_t k;
	int r, orig, rest;

	if (n == 0 || !m->npp.present || m->npp.len == 0)
		return 0;
	r = prefix_count(&m->npp, d, n, &k);
	if (r == DECLINE || r > 1)
		return DECLINE;
	if (r == 0)
		return 0;
	if (m->transform)
		return DECLINE;
	orig = match_desc_pattern(&m->d[D_GENERAL].pat, d, n);
	rest = match_desc_pattern(&m->d[D_GENERAL].pat, d + k, n - k);
	if (orig == DECLINE || rest == DECLINE)
		return DECLINE;
	if (orig == YES && rest == NO)
		return 0;
	*off += k;
	return 0;
}

/* ExtractCountryCode: the shortest known code of 1 to 3 digits, none if
 * the number starts with 0. */
static int
extract_cc(const char *d, size_t n, size_t *k)
{
	int cc = 0;
	size_t i;

	if (n == 0 || d[0] == '0')
		return 0;
	for (i = 0; i < 3 && i < n; i++) {
		cc = cc * 10 + (d[i] - '0');
		if (T.cc[cc].n > 0) {
			*k = i + 1;
			return cc;
		}
	}
	return 0;
}

/* The main region's metadata for a calling code
 * (GetMetadataForRegionOrCallingCode of GetRegionCodeForCountryCode). */
static struct meta *
main_meta(int cc)
{
	return T.cc[cc].n > 0 ? T.cc[cc].m[0] : NULL;
}

static int
fast(const char *in, size_t n, const char *region, struct dq_buf *e164)
{
	char dig[MAX_INPUT + 1];
	const char *d;
	size_t nd = 0, i, k, off;
	int plus = 0, cc = 0, r, res;
	struct meta *md;

	if (n > MAX_INPUT || table() < 0)
		return DECLINE;
	for (i = 0; i < n; i++) {
		char c = in[i];

		if (c >= '0' && c <= '9')
			dig[nd++] = c;
		else if (c == '+' && !plus && nd == 0)
			plus = 1;
		else if (c != ' ' && c != '-' && c != '.' && c != '(' &&
			 c != ')')
			return DECLINE;
	}
	if (nd < 3)
		return DECLINE;
	d = dig;
	md = find_region(region);
	/* CheckRegionForParsing. */
	if (!md && !plus)
		return -1;

	/* MaybeExtractCountryCode. */
	if (plus) {
		if (!(cc = extract_cc(d, nd, &k)))
			return DECLINE; /* Parse retries after the '+' */
		d += k, nd -= k;
	} else {
		if (!md->idd.present || md->idd.len == 0)
			return DECLINE;
		r = prefix_count(&md->idd, d, nd, &k);
		if (r == DECLINE || r > 1)
			return DECLINE;
		if (r == 1 && !(k < nd && d[k] == '0')) {
			/* ParsePrefixAsIdd stripped an international
			 * prefix. */
			d += k, nd -= k;
			if (nd <= MIN_NSN)
				return -1;
			if (!(cc = extract_cc(d, nd, &k)))
				return -1;
			d += k, nd -= k;
		} else {
			/* The calling code's digits (1 to 3 of them). */
			char ccs[4];
			size_t nc = 0;
			int v = md->cc;
			if (v >= 100)
				ccs[nc++] = (char)('0' + v / 100);
			if (v >= 10)
				ccs[nc++] = (char)('0' + v / 10 % 10);
			ccs[nc++] = (char)('0' + v % 10);

			if (nd >= nc && !memcmp(d, ccs, nc)) {
				int a, b;

				off = nc;
				if (strip_national_prefix(md, d + nc, nd - nc,
							  &off) == DECLINE)
					return DECLINE;
				a = match_desc_pattern(&md->d[D_GENERAL].pat, d,
						       nd);
				b = match_desc_pattern(&md->d[D_GENERAL].pat,
						       d + off, nd - off);
				if (a == DECLINE || b == DECLINE ||
				    test_length(md, nd, &res) == DECLINE)
					return DECLINE;
				if ((a == NO && b == YES) || res == L_TOO_LONG) {
					cc = md->cc;
					d += off, nd -= off;
				}
			}
		}
	}
	if (cc != 0) {
		/* Parse switches to the main region of the code when that is
		 * not the default region; when it is, it is the same. */
		md = main_meta(cc);
	} else {
		cc = md->cc;
	}
	if (nd < MIN_NSN)
		return -1;

	/* The national prefix, kept only if what is left has a possible
	 * length. */
	off = 0;
	if (strip_national_prefix(md, d, nd, &off) == DECLINE)
		return DECLINE;
	if (off > 0) {
		if (test_length(md, nd - off, &res) == DECLINE)
			return DECLINE;
		if (res != L_TOO_SHORT && res != L_LOCAL_ONLY &&
		    res != L_INVALID)
			d += off, nd -= off;
	}
	if (nd < MIN_NSN || nd > MAX_NSN)
		return -1;

	r = valid(cc, d, nd);
	if (r == DECLINE)
		return DECLINE;
	if (r == NO)
		return -1;
	/* Format(E164): "+", the code, the national significant number with
	 * its leading zeros, which is exactly the digit string kept. */
	dq_buf_addch(e164, '+');
	dq_buf_add_int(e164, cc);
	dq_buf_add(e164, d, nd);
	return 0;
}

/* The number of code points in s if it is strict UTF-8 (RFC 3629: no
 * overlong forms, surrogates or code points above U+10FFFF), else -1. */
static long
utf8_count(const unsigned char *s, size_t n)
{
	size_t i = 0, k;
	long count = 0;
	uint32_t cp;

	for (; i < n; i += k, count++)
		if (!(k = dq_utf8_next(s + i, n - i, &cp)))
			return -1;
	return count;
}

/*
 * The library path, behind two guards of dq's own.  Text that is not
 * UTF-8 is no number (the library would read it as Latin-1 or worse).
 * Text over 250 characters is no number either: that is the documented
 * limit (kMaxInputStringLength, MAX_INPUT_STRING_LENGTH) which the Java
 * and Python ports enforce first, but the C++ 8.12.57 Parse does not, and
 * its ICU scan of such a text takes time quadratic in its length (a
 * megabyte takes minutes).
 */
int
dq_phone_e164_full(const char *in, size_t n, const char *region,
		   struct dq_buf *e164, struct dq_buf *ext)
{
	long chars = utf8_count((const unsigned char *)in, n);

	if (chars < 0 || chars > MAX_INPUT)
		return -1;
	pthread_mutex_lock(&lpn_mu);
	int r = dq_phone_lpn_e164(in, n, region ? region : "", e164, ext);
	pthread_mutex_unlock(&lpn_mu);
	return r;
}

/*
 * The plain extension forms of libphonenumber's extension pattern
 * (phonenumberutil.cc, CreateExtnPattern), ASCII only and anchored at the
 * end as the library anchors them: ";ext=" and 1-20 digits; optional
 * blanks or commas, "ext", "extn", "extension" or "xt", an optional ':'
 * or '.', blanks, commas or hyphens, 1-20 digits and an optional '#';
 * the same with "x", "#" or "~" and 1-9 digits.  Case does not matter.
 * Returns 1 with the number part's length and the digits' place, else 0
 * (no extension, or a form left to the library).
 */
static int
split_extension(const char *s, size_t n, size_t *main_len, size_t *ext_at,
		size_t *ext_len)
{
	size_t e = n, d, p;
	int maxd, c;

	if (e && s[e - 1] == '#')
		e--;
	d = e;
	while (d > 0 && s[d - 1] >= '0' && s[d - 1] <= '9')
		d--;
	if (d == e || d == 0)
		return 0;
	if (d >= 5 && s[d - 1] == '=' && !strncasecmp(s + d - 5, ";ext=", 5)) {
		if (e != n || e - d > 20)
			return 0;
		*main_len = d - 5;
		*ext_at = d;
		*ext_len = e - d;
		return 1;
	}
	p = d;
	while (p > 0 && (s[p - 1] == ' ' || s[p - 1] == '\t' ||
			 s[p - 1] == ',' || s[p - 1] == '-'))
		p--;
	if (p > 0 && (s[p - 1] == ':' || s[p - 1] == '.'))
		p--;
	/* Every word below ends in n, t, x, '#' or '~': a plain number
	 * stops here. */
	c = p > 0 ? s[p - 1] | 0x20 : 0;
	if (c != 'n' && c != 't' && c != 'x' && c != '#' && c != '~')
		return 0;
	static const struct {
		const char *w;
		size_t len;
		int maxd;
	} words[] = {
		{ "extension", 9, 20 }, { "extn", 4, 20 }, { "ext", 3, 20 },
		{ "xtn", 3, 20 },       { "xt", 2, 20 },   { "x", 1, 9 },
		{ "#", 1, 9 },          { "~", 1, 9 },
	};
	size_t w;
	for (w = 0; w < sizeof(words) / sizeof(words[0]); w++)
		if (p >= words[w].len &&
		    !strncasecmp(s + p - words[w].len, words[w].w,
				 words[w].len))
			break;
	if (w == sizeof(words) / sizeof(words[0]))
		return 0;
	maxd = words[w].maxd;
	p -= words[w].len;
	/* "xt" and "xtn" only when not the tail of "ext"/"extn". */
	if (p > 0 && (words[w].w[0] == 'x' && words[w].len > 1) &&
	    (s[p - 1] == 'e' || s[p - 1] == 'E'))
		return 0;
	if ((int)(e - d) > maxd)
		return 0;
	/* The number part must end in a digit or ')' after the blanks. */
	while (p > 0 && (s[p - 1] == ' ' || s[p - 1] == '\t' ||
			 s[p - 1] == ','))
		p--;
	if (p == 0 || !((s[p - 1] >= '0' && s[p - 1] <= '9') ||
			s[p - 1] == ')'))
		return 0;
	*main_len = p;
	*ext_at = d;
	*ext_len = e - d;
	return 1;
}

int
dq_phone_e164_fast(const char *in, size_t n, const char *region,
		   struct dq_buf *e164, struct dq_buf *ext)
{
	size_t main_len, ext_at, ext_len;

	/* The library's length limit is on the whole text, extension
	 * included (see dq_phone_e164_full). */
	if (n > MAX_INPUT)
		return DECLINE;
	if (!split_extension(in, n, &main_len, &ext_at, &ext_len))
		return fast(in, n, region ? region : "", e164);
	/*
	 * A number with a plain extension: the number part goes through the
	 * fast path.  Only a valid result is trusted; anything else (the
	 * library checks the part is a viable number before it strips an
	 * extension) is left to the library.
	 */
	size_t mark = e164->len;
	int r = fast(in, main_len, region ? region : "", e164);
	if (r != 0) {
		/* fast() may have appended nothing to a buffer that has no
		 * storage yet. */
		e164->len = mark;
		if (e164->buf)
			e164->buf[mark] = '\0';
		return DECLINE;
	}
	dq_buf_add(ext, in + ext_at, ext_len);
	return 0;
}

/*
 * Whether reading the E.164 form e (n bytes, "+digits") again is sure to
 * give e: fast() on it extracts the same calling code, and the national
 * significant number comes back whole unless a national prefix is
 * stripped from it; validity depends on the code and the number alone.
 * 0 means "not sure", and the caller reads it again.
 */
static int
settled(const char *e, size_t n)
{
	size_t k, off = 0;
	int cc, res;
	struct meta *md;

	if (n < 2 || e[0] != '+' || table() < 0 ||
	    !(cc = extract_cc(e + 1, n - 1, &k)) || !(md = main_meta(cc)))
		return 0;
	if (strip_national_prefix(md, e + 1 + k, n - 1 - k, &off) == DECLINE)
		return 0;
	if (off == 0)
		return 1;
	if (test_length(md, n - 1 - k - off, &res) == DECLINE)
		return 0;
	return res == L_TOO_SHORT || res == L_LOCAL_ONLY || res == L_INVALID;
}

/* Either path: the fast one, the library when it declines. */
static int
e164_once(const char *in, size_t n, const char *region, struct dq_buf *e164,
	  struct dq_buf *ext)
{
	int r = dq_phone_e164_fast(in, n, region, e164, ext);
	size_t i;

	if (r != DECLINE)
		return r;
	/*
	 * libphonenumber extracts a number starting at the first '+' or
	 * decimal digit (VALID_START_CHAR); pure ASCII text with neither
	 * ("", "N/A", "unlisted") is NOT_A_NUMBER there, so it need not be
	 * asked.  Non-ASCII text may hold other digits (fullwidth, Arabic-
	 * Indic) and still goes to the library.
	 */
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)in[i];
		if (c >= 0x80 || c == '+' || (c >= '0' && c <= '9'))
			break;
	}
	if (i == n)
		return -1;
	return dq_phone_e164_full(in, n, region, e164, ext);
}

/*
 * libphonenumber's answer carried to its fixed point.  The library also
 * strips a national prefix after an international country code, so its
 * E.164 form can itself read as another number: "+52 01 13764 690958"
 * gives +5213764690958, which it reads as +523764690958 (Mexico's old
 * mobile '1', dropped from the plan in 2019).  A normalizer must give
 * the same answer when run on its own output (a second run, or the
 * new/changed/unchanged hash of a record, would otherwise see a change),
 * so the E.164 form is read again, with no region, until it stays put;
 * the last form is the answer.  settled() answers first for the common
 * case (no national prefix to strip), for the cost of one prefix walk.  A
 * form the library then calls invalid, or a chain that does not settle in
 * four steps, keeps the last valid form.
 */
int
dq_phone_e164(const char *in, size_t n, const char *region,
	      struct dq_buf *e164, struct dq_buf *ext)
{
	size_t mark = e164->len, extlen;
	int r = e164_once(in, n, region, e164, ext), step;

	if (r != 0)
		return r;
	extlen = ext->len;
	/* Each reading of the current form replaces it; "+digits" has no
	 * extension, so ext is kept as it was. */
	for (step = 0; step < 4; step++) {
		char cur[64];
		size_t len = e164->len - mark;

		if (len >= sizeof(cur) || settled(e164->buf + mark, len))
			break;
		memcpy(cur, e164->buf + mark, len);
		e164->len = mark;
		int again = e164_once(cur, len, NULL, e164, ext);
		ext->len = extlen;
		if (ext->buf)
			ext->buf[extlen] = '\0';
		if (again != 0) {
			e164->len = mark;
			dq_buf_add(e164, cur, len);
			break;
		}
		if (e164->len - mark == len &&
		    !memcmp(e164->buf + mark, cur, len))
			break;
	}
	return 0;
}

/*
 * GetSupportedRegions() is every id of the metadata but "001" (the
 * non-geographical entities) and "ZZ" (skipped by the library).  The ids
 * are read from the metadata without decoding the rest, so that checking
 * a configured region builds no table (and does not start the library,
 * which costs 4 MB of memory and 30 ms).
 */
int
dq_phone_region_known(const char *region)
{
	const unsigned char *p, *end, *data = NULL, *q, *qend, *id;
	size_t n, len = 0, idlen;
	uint64_t v;
	int field, wt;

	if (!region || !strcmp(region, "001") || !strcmp(region, "ZZ"))
		return 0;
	p = dq_phone_lpn_metadata(&n);
	end = p + n;
	while (p < end) {
		if (pb_field(&p, end, &field, &wt, &v, &data, &len) < 0)
			return 0;
		if (field != 1 || wt != 2)
			continue;
		q = data;
		qend = data + len;
		while (q < qend) {
			if (pb_field(&q, qend, &field, &wt, &v, &id, &idlen) <
			    0)
				return 0;
			if (field == 9 && wt == 2) {
				if (idlen == strlen(region) &&
				    !memcmp(id, region, idlen))
					return 1;
				break;
			}
		}
	}
	return 0;
}

int
dq_phone_valid_fast(int cc, const char *nsn, size_t nsnlen)
{
	size_t i;

	if (table() < 0)
		return DECLINE;
	if (nsnlen < 1 || nsnlen > MAX_NSN)
		return NO;
	for (i = 0; i < nsnlen; i++)
		if (nsn[i] < '0' || nsn[i] > '9')
			return NO;
	return valid(cc, nsn, nsnlen);
}

int
dq_phone_valid_full(int cc, const char *nsn, size_t nsnlen)
{
	size_t i;

	if (nsnlen < 1 || nsnlen > MAX_NSN)
		return NO;
	for (i = 0; i < nsnlen; i++)
		if (nsn[i] < '0' || nsn[i] > '9')
			return NO;
	pthread_mutex_lock(&lpn_mu);
	int r = dq_phone_lpn_valid(cc, nsn, nsnlen);
	pthread_mutex_unlock(&lpn_mu);
	return r;
}

void
dq_phone_calling_codes(void (*fn)(void *arg, int cc, const char *region),
		       void *arg)
{
	int cc, i;

	if (table() < 0)
		return;
	for (cc = 1; cc <= MAX_CC; cc++)
		for (i = 0; i < T.cc[cc].n; i++)
			fn(arg, cc, T.cc[cc].m[i]->id);
}
