/*
 * expr.c - row expressions (see expr.h): a recursive-descent parser
 * (one function per grammar rule, precedence by nesting, as in N. Wirth,
 * "Compiler Construction", ch. 5) into a flat array of nodes, and an
 * evaluator that walks the nodes with values on the C stack.
 *
 * The unknown of SQL's three-valued logic (ISO/IEC 9075, "<search
 * condition>"; Kleene's strong logic) stands for a missing value or one
 * of the wrong JSON type: false and unknown is false, true or unknown is
 * true, not unknown is unknown.  A check fails only on false (as SQL's
 * CHECK constraint); a condition holds only on true (as SQL's WHERE).
 *
 * Memory: one node (about 48 bytes) per operand and operator, made at
 * load; evaluation allocates nothing: strings are the caller's (a slot's
 * unescaped text), numbers and truth values live in struct dq_xval.
 */
#include "contract/expr.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/utf8.h"
#include "base/util.h"
#include "contract/types.h"

enum {
	X_NUM, X_STR, X_BOOL, X_FIELD, X_NEG, X_ADD, X_SUB, X_MUL, X_DIV,
	X_LT, X_LE, X_GT, X_GE, X_EQ, X_NE, X_AND, X_OR, X_NOT, X_LEN,
	X_PRESENT, X_MISSING
};

#define MAX_DEPTH 64

struct parser {
	struct dq_expr *e;
	const char *s; /* the text */
	size_t pos;
	int depth;
	dq_expr_resolve_fn resolve;
	void *ctx;
	const char *where;
	int failed;
};

static const char *const type_what[] = { "any value", "a number", "a string",
					 "true or false", "a date" };

static int
perr(struct parser *p, size_t col, const char *fmt, const char *arg)
{
	char msg[200];
	if (p->failed)
		return -1;
	p->failed = 1;
	snprintf(msg, sizeof(msg), fmt, arg);
	dq_error("%s: \"%s\": column %zu: %s", p->where, p->s, col + 1, msg);
	return -1;
}

static void
skip_space(struct parser *p)
{
	while (p->s[p->pos] == ' ' || p->s[p->pos] == '\t' ||
	       p->s[p->pos] == '\n' || p->s[p->pos] == '\r')
		p->pos++;
}

/* Is the next token the word w (not a prefix of a longer name)? */
static int
word(struct parser *p, const char *w)
{
	size_t n = strlen(w);
	char c;
	skip_space(p);
	if (strncmp(p->s + p->pos, w, n))
		return 0;
	c = p->s[p->pos + n];
	if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9') || c == '_')
		return 0;
	p->pos += n;
	return 1;
}

/* Is the next token the operator op? */
static int
punct(struct parser *p, const char *op)
{
	size_t n = strlen(op);
	skip_space(p);
	if (strncmp(p->s + p->pos, op, n))
		return 0;
	p->pos += n;
	return 1;
}

static int
node(struct parser *p, int op, int a, int b, enum dq_xtype t, size_t col)
{
	struct dq_expr *e = p->e;
	if (e->n == e->cap) {
		e->cap = e->cap ? 2 * e->cap : 16;
		e->nodes = dq_xrealloc(e->nodes, e->cap * sizeof(*e->nodes));
	}
	struct dq_xnode *x = &e->nodes[e->n];
	memset(x, 0, sizeof(*x));
	x->op = op;
	x->a = a;
	x->b = b;
	x->t = t;
	x->slot = -1;
	x->col = (int)col;
	return (int)e->n++;
}

/* Tell the resolver how a field operand is used (to type CSV cells). */
static void
hint(struct parser *p, int i, enum dq_xtype use)
{
	struct dq_xnode *x = &p->e->nodes[i];
	enum dq_xtype decl;
	if (x->op != X_FIELD || use == DQ_XT_ANY)
		return;
	p->resolve(p->ctx, x->s, x->n, use, &decl);
}

static int parse_or(struct parser *p);

static int
field_node(struct parser *p, const char *name, size_t n, size_t col)
{
	enum dq_xtype decl = DQ_XT_ANY;
	int slot = p->resolve(p->ctx, name, n, DQ_XT_ANY, &decl);
	int i = node(p, X_FIELD, -1, -1, decl, col);
	struct dq_expr *e = p->e;
	e->nodes[i].slot = slot;
	e->nodes[i].s = dq_xstrndup(name, n);
	e->nodes[i].n = n;
	size_t k;
	for (k = 0; k < e->nslots && e->slots[k] != slot; k++)
		;
	if (k == e->nslots) {
		e->slots = dq_xrealloc(e->slots, (e->nslots + 1) * sizeof(int));
		e->slots[e->nslots++] = slot;
	}
	return i;
}

static int
string_lit(struct parser *p, size_t col)
{
	char q = p->s[p->pos++];
	struct dq_buf b = DQ_BUF_INIT;
	while (p->s[p->pos] && p->s[p->pos] != q) {
		if (p->s[p->pos] == '\\' &&
		    (p->s[p->pos + 1] == q || p->s[p->pos + 1] == '\\'))
			p->pos++;
		dq_buf_addch(&b, p->s[p->pos++]);
	}
	if (!p->s[p->pos]) {
		dq_buf_release(&b);
		return perr(p, col, "%sa string is not closed", "");
	}
	p->pos++;
	long long d;
	double secs;
	int i = node(p, X_STR, -1, -1, DQ_XT_STR, col);
	struct dq_xnode *x = &p->e->nodes[i];
	x->s = dq_buf_detach(&b, &x->n);
	if (dq_iso_parse(x->s, x->n, &d, &secs) >= 0)
		x->t = DQ_XT_DATE;
	return i;
}

static int
number_lit(struct parser *p, size_t col)
{
	const char *s = p->s + p->pos;
	size_t n = 0;
	while ((s[n] >= '0' && s[n] <= '9') || s[n] == '.')
		n++;
	if ((s[n] == 'e' || s[n] == 'E') &&
	    ((s[n + 1] >= '0' && s[n + 1] <= '9') ||
	     ((s[n + 1] == '+' || s[n + 1] == '-') && s[n + 2] >= '0' &&
	      s[n + 2] <= '9'))) {
		n += 2;
		while (s[n] >= '0' && s[n] <= '9')
			n++;
	}
	char buf[64], *end;
	if (n >= sizeof(buf))
		return perr(p, col, "%sa number too long", "");
	memcpy(buf, s, n);
	buf[n] = '\0';
	double d = strtod(buf, &end);
	if (*end || !isfinite(d))
		return perr(p, col, "not a number: %.40s", buf);
	p->pos += n;
	int i = node(p, X_NUM, -1, -1, DQ_XT_NUM, col);
	p->e->nodes[i].num = d;
	return i;
}

static int
parse_primary(struct parser *p)
{
	skip_space(p);
	size_t col = p->pos;
	char c = p->s[col];

	if (c == '(') {
		p->pos++;
		int i = parse_or(p);
		if (i < 0)
			return -1;
		if (!punct(p, ")"))
			return perr(p, p->pos, "%sexpected ')'", "");
		return i;
	}
	if (c == '\'' || c == '"')
		return string_lit(p, col);
	if ((c >= '0' && c <= '9') || c == '.')
		return number_lit(p, col);
	if (c == '`') {
		const char *end = strchr(p->s + col + 1, '`');
		if (!end)
			return perr(p, col, "%sa `name` is not closed", "");
		if (end == p->s + col + 1)
			return perr(p, col, "%san empty field name", "");
		p->pos = (size_t)(end - p->s) + 1;
		return field_node(p, p->s + col + 1,
				  (size_t)(end - p->s) - col - 1, col);
	}
	if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_')) {
		if (!c)
			return perr(p, col, "%sexpected a value, found the end",
				    "");
		return perr(p, col, "expected a value, found '%.1s'",
			    p->s + col);
	}
	size_t n = 0;
	while ((c = p->s[col + n]) && ((c >= 'a' && c <= 'z') ||
				       (c >= 'A' && c <= 'Z') ||
				       (c >= '0' && c <= '9') || c == '_'))
		n++;
	p->pos = col + n;
	const char *w = p->s + col;
	if (n == 4 && !strncmp(w, "true", 4))
		return node(p, X_BOOL, 1, -1, DQ_XT_BOOL, col);
	if (n == 5 && !strncmp(w, "false", 5))
		return node(p, X_BOOL, 0, -1, DQ_XT_BOOL, col);
	if ((n == 3 && !strncmp(w, "and", 3)) || (n == 2 && !strncmp(w, "or", 2)) ||
	    (n == 3 && !strncmp(w, "not", 3)) || (n == 4 && !strncmp(w, "null", 4)))
		return perr(p, col, "expected a value, found '%.4s' (a field "
			    "of that name is written in backquotes)", w);
	if (!punct(p, "("))
		return field_node(p, w, n, col);

	/* A function call. */
	int op = n == 3 && !strncmp(w, "len", 3)       ? X_LEN
		 : n == 7 && !strncmp(w, "present", 7) ? X_PRESENT
		 : n == 7 && !strncmp(w, "missing", 7) ? X_MISSING
						       : -1;
	if (op < 0) {
		char name[40];
		snprintf(name, sizeof(name), "%.*s", (int)(n < 30 ? n : 30), w);
		return perr(p, col, "unknown function %s (len, present, "
			    "missing)", name);
	}
	int a = parse_or(p);
	if (a < 0)
		return -1;
	if (!punct(p, ")"))
		return perr(p, p->pos, "%sexpected ')'", "");
	struct dq_xnode *x = &p->e->nodes[a];
	if (op == X_LEN) {
		if (x->t != DQ_XT_ANY && x->t != DQ_XT_STR && x->t != DQ_XT_DATE)
			return perr(p, (size_t)x->col, "len() takes a string, "
				    "not %s", type_what[x->t]);
		return node(p, X_LEN, a, -1, DQ_XT_NUM, col);
	}
	if (x->op != X_FIELD)
		return perr(p, (size_t)x->col, "%.7s() takes a field name",
			    w);
	return node(p, op, a, -1, DQ_XT_BOOL, col);
}

static int
enter(struct parser *p)
{
	if (++p->depth > MAX_DEPTH)
		return perr(p, p->pos, "%snested too deeply", "");
	return 0;
}

static int
parse_unary(struct parser *p)
{
	skip_space(p);
	size_t col = p->pos;
	if (p->s[col] == '-' && !(p->s[col + 1] >= '0' && p->s[col + 1] <= '9')) {
		p->pos++;
		if (enter(p))
			return -1;
		int a = parse_unary(p);
		p->depth--;
		if (a < 0)
			return -1;
		enum dq_xtype t = p->e->nodes[a].t;
		if (t != DQ_XT_ANY && t != DQ_XT_NUM)
			return perr(p, col, "'-' needs a number, not %s",
				    type_what[t]);
		hint(p, a, DQ_XT_NUM);
		return node(p, X_NEG, a, -1, DQ_XT_NUM, col);
	}
	if (p->s[col] == '-') {
		/* A negative literal. */
		p->pos++;
		int a = number_lit(p, col);
		if (a >= 0)
			p->e->nodes[a].num = -p->e->nodes[a].num;
		return a;
	}
	return parse_primary(p);
}

/* The type of a OP b in arithmetic, or -1 after a message. */
static int
arith_type(struct parser *p, int op, int a, int b, size_t col)
{
	static const char *const names[] = { "+", "-", "*", "/" };
	enum dq_xtype ta = p->e->nodes[a].t, tb = p->e->nodes[b].t;
	const char *nm = names[op - X_ADD];
	int num_a = ta == DQ_XT_ANY || ta == DQ_XT_NUM;
	int num_b = tb == DQ_XT_ANY || tb == DQ_XT_NUM;
	int date_a = ta == DQ_XT_ANY || ta == DQ_XT_DATE;
	int date_b = tb == DQ_XT_ANY || tb == DQ_XT_DATE;

	if (op == X_SUB && date_a && date_b &&
	    (ta == DQ_XT_DATE || tb == DQ_XT_DATE))
		return DQ_XT_NUM; /* days between two dates */
	if (num_a && num_b) {
		if (op != X_SUB || (ta == DQ_XT_NUM || tb == DQ_XT_NUM)) {
			hint(p, a, DQ_XT_NUM);
			hint(p, b, DQ_XT_NUM);
		}
		return DQ_XT_NUM;
	}
	char msg[120];
	snprintf(msg, sizeof(msg), "'%s' needs numbers%s, not %s", nm,
		 op == X_SUB ? " (or two dates)" : "",
		 type_what[num_a ? tb : ta]);
	return perr(p, col, "%s", msg);
}

/* term (mul) or sum: operands joined by * and / or by + and -. */
static int
parse_arith(struct parser *p, int mul)
{
	int a = mul ? parse_unary(p) : parse_arith(p, 1);
	while (a >= 0) {
		skip_space(p);
		size_t col = p->pos;
		int op = mul ? (punct(p, "*") ? X_MUL : punct(p, "/") ? X_DIV : -1)
			     : (punct(p, "+") ? X_ADD : punct(p, "-") ? X_SUB : -1);
		if (op < 0)
			break;
		int b = mul ? parse_unary(p) : parse_arith(p, 1);
		if (b < 0 || arith_type(p, op, a, b, col) < 0)
			return -1;
		a = node(p, op, a, b, DQ_XT_NUM, col);
	}
	return a;
}

static int
parse_cmp(struct parser *p)
{
	static const struct {
		const char *s;
		int op;
	} ops[] = { { "<=", X_LE }, { ">=", X_GE }, { "==", X_EQ },
		    { "!=", X_NE }, { "<", X_LT },  { ">", X_GT } };
	int a = parse_arith(p, 0);
	if (a < 0)
		return -1;
	skip_space(p);
	size_t col = p->pos;
	int op = -1;
	for (size_t k = 0; k < sizeof(ops) / sizeof(ops[0]) && op < 0; k++)
		if (punct(p, ops[k].s))
			op = ops[k].op;
	if (op < 0) {
		if (p->s[p->pos] == '=')
			return perr(p, col, "%sequality is written ==", "");
		return a;
	}
	int b = parse_arith(p, 0);
	if (b < 0)
		return -1;
	enum dq_xtype ta = p->e->nodes[a].t, tb = p->e->nodes[b].t;
	int text_a = ta == DQ_XT_STR || ta == DQ_XT_DATE;
	int text_b = tb == DQ_XT_STR || tb == DQ_XT_DATE;
	if (ta != DQ_XT_ANY && tb != DQ_XT_ANY && ta != tb && !(text_a && text_b)) {
		char msg[120];
		snprintf(msg, sizeof(msg), "cannot compare %s with %s",
			 type_what[ta], type_what[tb]);
		return perr(p, col, "%s", msg);
	}
	if ((ta == DQ_XT_BOOL || tb == DQ_XT_BOOL) && op != X_EQ && op != X_NE)
		return perr(p, col, "%strue and false compare with == and != "
			    "only", "");
	hint(p, a, tb == DQ_XT_NUM || tb == DQ_XT_BOOL ? tb : DQ_XT_ANY);
	hint(p, b, ta == DQ_XT_NUM || ta == DQ_XT_BOOL ? ta : DQ_XT_ANY);
	return node(p, op, a, b, DQ_XT_BOOL, col);
}

/* An operand of and, or, not: a condition (or a field). */
static int
logical(struct parser *p, int a, const char *op, size_t col)
{
	enum dq_xtype t = p->e->nodes[a].t;
	if (t != DQ_XT_ANY && t != DQ_XT_BOOL) {
		char msg[120];
		snprintf(msg, sizeof(msg), "'%s' needs conditions, not %s", op,
			 type_what[t]);
		return perr(p, col, "%s", msg);
	}
	hint(p, a, DQ_XT_BOOL);
	return 0;
}

static int
parse_not(struct parser *p)
{
	skip_space(p);
	size_t col = p->pos;
	if (!word(p, "not"))
		return parse_cmp(p);
	if (enter(p))
		return -1;
	int a = parse_not(p);
	p->depth--;
	if (a < 0 || logical(p, a, "not", col))
		return -1;
	return node(p, X_NOT, a, -1, DQ_XT_BOOL, col);
}

/* and (is_and) or or: conditions joined by the word. */
static int
parse_logic(struct parser *p, int is_and)
{
	const char *w = is_and ? "and" : "or";
	if (!is_and && enter(p))
		return -1;
	int a = is_and ? parse_not(p) : parse_logic(p, 1);
	while (a >= 0) {
		skip_space(p);
		size_t col = p->pos;
		if (!word(p, w))
			break;
		int b = is_and ? parse_not(p) : parse_logic(p, 1);
		if (b < 0 || logical(p, a, w, col) || logical(p, b, w, col))
			return -1;
		a = node(p, is_and ? X_AND : X_OR, a, b, DQ_XT_BOOL, col);
	}
	if (!is_and)
		p->depth--;
	return a;
}

static int
parse_or(struct parser *p)
{
	return parse_logic(p, 0);
}

int
dq_expr_compile(struct dq_expr *e, const char *text,
		dq_expr_resolve_fn resolve, void *ctx, const char *where)
{
	struct parser p = { e, text, 0, 0, resolve, ctx, where, 0 };

	memset(e, 0, sizeof(*e));
	e->root = parse_or(&p);
	if (e->root >= 0) {
		skip_space(&p);
		if (text[p.pos])
			perr(&p, p.pos, "unexpected '%.1s'", text + p.pos);
		else if (e->nodes[e->root].t != DQ_XT_ANY &&
			 e->nodes[e->root].t != DQ_XT_BOOL)
			perr(&p, 0, "the expression is %s, not a condition",
			     type_what[e->nodes[e->root].t]);
		else if (!e->nslots)
			perr(&p, 0, "%sreads no field", "");
	}
	if (!p.failed && e->root >= 0)
		hint(&p, e->root, DQ_XT_BOOL); /* "active" alone */
	if (p.failed || e->root < 0) {
		dq_expr_release(e);
		return -1;
	}
	e->text = dq_xstrdup(text);
	return 0;
}

void
dq_expr_release(struct dq_expr *e)
{
	for (size_t i = 0; i < e->n; i++)
		free(e->nodes[i].s);
	free(e->nodes);
	free(e->slots);
	free(e->text);
	memset(e, 0, sizeof(*e));
}

/* An ISO date or date-time string as seconds since 1970; 0 if not one. */
static int
iso_secs(const struct dq_xval *v, double *out)
{
	long long d;
	double secs;
	if (v->kind != DQ_XV_STR || dq_iso_parse(v->s, v->n, &d, &secs) < 0)
		return 0;
	*out = (double)d * 86400 + secs;
	return 1;
}

/*
 * Compare x with y: 1 and *c (-1, 0, 1) when they compare, 0 when the
 * answer is unknown.  Numbers by value, true/false for equality only,
 * two ISO dates as instants, two other strings by their bytes; a date
 * beside another string is only ever unequal to it.
 */
static int
compare(const struct dq_xval *x, const struct dq_xval *y, int ordering,
	int *c)
{
	double tx, ty;
	if (x->kind != y->kind || x->kind == DQ_XV_UNKNOWN)
		return 0;
	switch (x->kind) {
	case DQ_XV_NUM:
		*c = x->num < y->num ? -1 : x->num > y->num;
		return 1;
	case DQ_XV_BOOL:
		*c = x->b != y->b;
		return !ordering;
	default:
		break;
	}
	int dx = iso_secs(x, &tx), dy = iso_secs(y, &ty);
	if (dx && dy) {
		*c = tx < ty ? -1 : tx > ty;
		return 1;
	}
	if (dx != dy) {
		*c = 1;
		return !ordering;
	}
	int m = memcmp(x->s, y->s, x->n < y->n ? x->n : y->n);
	*c = m ? (m < 0 ? -1 : 1) : x->n < y->n ? -1 : x->n > y->n;
	return 1;
}

static enum dq_tv
truth(const struct dq_xval *v)
{
	return v->kind == DQ_XV_BOOL ? (enum dq_tv)v->b : DQ_TV_UNKNOWN;
}

static void
set_tv(struct dq_xval *o, enum dq_tv t)
{
	o->kind = t == DQ_TV_UNKNOWN ? DQ_XV_UNKNOWN : DQ_XV_BOOL;
	o->b = t == DQ_TV_TRUE;
}

static void
eval(const struct dq_expr *e, int i, dq_expr_fetch_fn fetch, void *ctx,
     struct dq_xval *o)
{
	const struct dq_xnode *x = &e->nodes[i];
	struct dq_xval a, b;
	int c;

	o->kind = DQ_XV_UNKNOWN;
	switch (x->op) {
	case X_NUM:
		o->kind = DQ_XV_NUM;
		o->num = x->num;
		return;
	case X_STR:
		o->kind = DQ_XV_STR;
		o->s = x->s;
		o->n = x->n;
		return;
	case X_BOOL:
		o->kind = DQ_XV_BOOL;
		o->b = x->a;
		return;
	case X_FIELD:
		fetch(ctx, x->slot, o);
		return;
	case X_PRESENT:
	case X_MISSING:
		fetch(ctx, e->nodes[x->a].slot, &a);
		o->kind = DQ_XV_BOOL;
		o->b = (a.kind == DQ_XV_UNKNOWN && !a.b) == (x->op == X_MISSING);
		return;
	case X_LEN:
		eval(e, x->a, fetch, ctx, &a);
		if (a.kind == DQ_XV_STR) {
			o->kind = DQ_XV_NUM;
			o->num = (double)dq_utf8_count(a.s, a.n);
		}
		return;
	case X_NEG:
		eval(e, x->a, fetch, ctx, &a);
		if (a.kind == DQ_XV_NUM) {
			o->kind = DQ_XV_NUM;
			o->num = -a.num;
		}
		return;
	case X_NOT:
		eval(e, x->a, fetch, ctx, &a);
		c = truth(&a);
		set_tv(o, c == DQ_TV_UNKNOWN ? DQ_TV_UNKNOWN : (enum dq_tv)!c);
		return;
	case X_AND:
	case X_OR: {
		/* The left side decides alone when it can (false and ...,
		 * true or ...). */
		eval(e, x->a, fetch, ctx, &a);
		enum dq_tv ta = truth(&a), tb;
		enum dq_tv decides = x->op == X_AND ? DQ_TV_FALSE : DQ_TV_TRUE;
		if (ta == decides) {
			set_tv(o, ta);
			return;
		}
		eval(e, x->b, fetch, ctx, &b);
		tb = truth(&b);
		if (tb == decides)
			set_tv(o, tb);
		else if (ta == DQ_TV_UNKNOWN || tb == DQ_TV_UNKNOWN)
			set_tv(o, DQ_TV_UNKNOWN);
		else
			set_tv(o, ta);
		return;
	}
	default:
		break;
	}
	eval(e, x->a, fetch, ctx, &a);
	eval(e, x->b, fetch, ctx, &b);
	if (x->op >= X_LT) {
		int ordering = x->op != X_EQ && x->op != X_NE;
		if (!compare(&a, &b, ordering, &c))
			return;
		set_tv(o, (enum dq_tv)(x->op == X_LT   ? c < 0
				       : x->op == X_LE ? c <= 0
				       : x->op == X_GT ? c > 0
				       : x->op == X_GE ? c >= 0
				       : x->op == X_EQ ? c == 0
						       : c != 0));
		return;
	}
	double r, ta, tb;
	if (x->op == X_SUB && iso_secs(&a, &ta) && iso_secs(&b, &tb)) {
		o->kind = DQ_XV_NUM;
		o->num = (ta - tb) / 86400;
		return;
	}
	if (a.kind != DQ_XV_NUM || b.kind != DQ_XV_NUM)
		return;
	switch (x->op) {
	case X_ADD:
		r = a.num + b.num;
		break;
	case X_SUB:
		r = a.num - b.num;
		break;
	case X_MUL:
		r = a.num * b.num;
		break;
	default:
		if (b.num == 0)
			return;
		r = a.num / b.num;
		break;
	}
	if (!isfinite(r))
		return;
	o->kind = DQ_XV_NUM;
	o->num = r;
}

enum dq_tv
dq_expr_eval(const struct dq_expr *e, dq_expr_fetch_fn fetch, void *ctx)
{
	struct dq_xval v;
	eval(e, e->root, fetch, ctx, &v);
	return truth(&v);
}
