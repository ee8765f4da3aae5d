/*
 * yaml.c - YAML contract layers (see yaml.h), read with libyaml's event
 * parser.
 *
 * Scalars are resolved by the YAML 1.2 core schema (YAML 1.2.2, 10.3.2):
 * only a plain scalar is ever anything but a string.  The event parser,
 * not libyaml's document loader, because the loader tags every untagged
 * scalar !!str, which would hide the difference between `1` and `"1"`.
 *
 * An alias is a deep copy of its anchor's node; the nodes made are capped
 * (DQ_YAML_MAX_NODES) so that a few lines of nested aliases (the "billion
 * laughs" document) are an error rather than all of memory.
 */
#include "contract/yaml.h"

#include <ctype.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#include "base/util.h"

#define DQ_YAML_MAX_NODES 1000000
#define DQ_YAML_MAX_DEPTH 256

struct anchor {
	char *name;
	const cJSON *node; /* borrowed: a node of the tree being built */
};

struct yp {
	yaml_parser_t p;
	const char *file;
	struct anchor *anchors;
	size_t nanchors, capanchors;
	size_t nodes;
	struct dq_yaml_marks *marks;
};

static int
fail_at(const struct yp *y, const yaml_mark_t *m, const char *fmt,
	const char *what)
{
	return dq_error("contract %s:%zu:%zu: %s%s", y->file, m->line + 1,
			m->column + 1, fmt, what ? what : "");
}

static int
next(struct yp *y, yaml_event_t *ev)
{
	if (yaml_parser_parse(&y->p, ev))
		return 0;
	const yaml_mark_t *m = y->p.problem ? &y->p.problem_mark
					     : &y->p.context_mark;
	return dq_error("contract %s:%zu:%zu: %s%s%s", y->file, m->line + 1,
			m->column + 1, y->p.problem ? y->p.problem : "error",
			y->p.context ? " " : "",
			y->p.context ? y->p.context : "");
}

static int
all_match(const char *s, const char *set)
{
	if (!*s)
		return 0;
	for (; *s; s++)
		if (!strchr(set, *s))
			return 0;
	return 1;
}

/* A plain scalar typed by the core schema; NULL with a message when it
 * is a number that is not finite. */
static cJSON *
plain(struct yp *y, const char *s, const yaml_mark_t *m)
{
	static const char *const nulls[] = { "", "~", "null", "Null", "NULL",
					     NULL };
	static const char *const trues[] = { "true", "True", "TRUE", NULL };
	static const char *const falses[] = { "false", "False", "FALSE", NULL };
	const char *d = s + (*s == '-' || *s == '+');

	for (int i = 0; nulls[i]; i++)
		if (!strcmp(s, nulls[i]))
			return cJSON_CreateNull();
	for (int i = 0; trues[i]; i++)
		if (!strcmp(s, trues[i]))
			return cJSON_CreateTrue();
	for (int i = 0; falses[i]; i++)
		if (!strcmp(s, falses[i]))
			return cJSON_CreateFalse();
	if (all_match(d, "0123456789"))
		return cJSON_CreateNumber(strtod(s, NULL));
	if (!strncmp(s, "0o", 2) && all_match(s + 2, "01234567"))
		return cJSON_CreateNumber((double)strtoull(s + 2, NULL, 8));
	if (!strncmp(s, "0x", 2) &&
	    all_match(s + 2, "0123456789abcdefABCDEF"))
		return cJSON_CreateNumber((double)strtoull(s + 2, NULL, 16));
	if (!strcmp(d, ".inf") || !strcmp(d, ".Inf") || !strcmp(d, ".INF") ||
	    !strcmp(s, ".nan") || !strcmp(s, ".NaN") || !strcmp(s, ".NAN")) {
		fail_at(y, m, "not a finite number: ", s);
		return NULL;
	}
	/* [-+]? ( \. [0-9]+ | [0-9]+ ( \. [0-9]* )? ) ( [eE] [-+]? [0-9]+ )? */
	const char *q = d;
	int digits = 0;
	while (isdigit((unsigned char)*q))
		q++, digits++;
	if (*q == '.') {
		q++;
		while (isdigit((unsigned char)*q))
			q++, digits++;
	}
	if (digits && (*q == 'e' || *q == 'E')) {
		q++;
		q += *q == '-' || *q == '+';
		if (!isdigit((unsigned char)*q))
			return cJSON_CreateString(s);
		while (isdigit((unsigned char)*q))
			q++;
	}
	if (digits && !*q) {
		double v = strtod(s, NULL);
		if (!isfinite(v)) {
			fail_at(y, m, "not a finite number: ", s);
			return NULL;
		}
		return cJSON_CreateNumber(v);
	}
	return cJSON_CreateString(s);
}

static void
add_mark(struct yp *y, const char *path, const yaml_mark_t *m)
{
	struct dq_yaml_marks *k = y->marks;
	if (!k)
		return;
	if (k->n == k->cap) {
		k->cap = k->cap ? 2 * k->cap : 32;
		k->v = dq_xrealloc(k->v, k->cap * sizeof(*k->v));
	}
	k->v[k->n].path = dq_xstrdup(path);
	k->v[k->n].line = (long)m->line + 1;
	k->v[k->n].col = (long)m->column + 1;
	k->n++;
}

static int
count_nodes(const cJSON *j)
{
	int n = 1;
	const cJSON *it;
	cJSON_ArrayForEach(it, j) n += count_nodes(it);
	return n;
}

/* Only the standard tags that say what the node already is. */
static int
tag_ok(const yaml_char_t *tag, const char *want)
{
	return !tag || !strcmp((const char *)tag, want);
}

static cJSON *node(struct yp *y, yaml_event_t *ev, const char *path,
		   int depth);

static cJSON *
mapping(struct yp *y, const char *path, int depth)
{
	cJSON *obj = cJSON_CreateObject();
	yaml_event_t ev;
	struct dq_buf sub = DQ_BUF_INIT;

	for (;;) {
		if (next(y, &ev))
			goto bad;
		if (ev.type == YAML_MAPPING_END_EVENT) {
			yaml_event_delete(&ev);
			break;
		}
		if (ev.type != YAML_SCALAR_EVENT) {
			fail_at(y, &ev.start_mark, "a key must be a scalar",
				NULL);
			yaml_event_delete(&ev);
			goto bad;
		}
		char *key = dq_xstrndup((const char *)ev.data.scalar.value,
					ev.data.scalar.length);
		yaml_mark_t km = ev.start_mark;
		yaml_event_delete(&ev);
		if (cJSON_GetObjectItemCaseSensitive(obj, key)) {
			fail_at(y, &km, "duplicate key: ", key);
			free(key);
			goto bad;
		}
		dq_buf_reset(&sub);
		dq_buf_addf(&sub, "%s%s%s", path, *path ? "." : "", key);
		add_mark(y, sub.buf, &km);
		if (next(y, &ev)) {
			free(key);
			goto bad;
		}
		cJSON *v = node(y, &ev, sub.buf, depth + 1);
		if (!v) {
			free(key);
			goto bad;
		}
		cJSON_AddItemToObject(obj, key, v);
		free(key);
	}
	dq_buf_release(&sub);
	return obj;
bad:
	dq_buf_release(&sub);
	cJSON_Delete(obj);
	return NULL;
}

static cJSON *
sequence(struct yp *y, const char *path, int depth)
{
	cJSON *arr = cJSON_CreateArray();
	yaml_event_t ev;

	for (;;) {
		if (next(y, &ev)) {
			cJSON_Delete(arr);
			return NULL;
		}
		if (ev.type == YAML_SEQUENCE_END_EVENT) {
			yaml_event_delete(&ev);
			return arr;
		}
		cJSON *v = node(y, &ev, path, depth + 1);
		if (!v) {
			cJSON_Delete(arr);
			return NULL;
		}
		cJSON_AddItemToArray(arr, v);
	}
}

/* The node that ev starts (ev is used up). */
static cJSON *
node(struct yp *y, yaml_event_t *ev, const char *path, int depth)
{
	cJSON *j = NULL;
	const yaml_char_t *anchor = NULL;

	if (depth > DQ_YAML_MAX_DEPTH) {
		fail_at(y, &ev->start_mark, "nesting too deep", NULL);
		yaml_event_delete(ev);
		return NULL;
	}
	switch (ev->type) {
	case YAML_ALIAS_EVENT: {
		const char *name = (const char *)ev->data.alias.anchor;
		for (size_t i = y->nanchors; i-- > 0;)
			if (!strcmp(y->anchors[i].name, name)) {
				j = cJSON_Duplicate(y->anchors[i].node, 1);
				break;
			}
		if (!j)
			fail_at(y, &ev->start_mark, "alias to an unknown "
				"anchor: *", name);
		break;
	}
	case YAML_SCALAR_EVENT: {
		const char *s = (const char *)ev->data.scalar.value;
		anchor = ev->data.scalar.anchor;
		if (!tag_ok(ev->data.scalar.tag, YAML_STR_TAG))
			fail_at(y, &ev->start_mark, "unsupported tag: ",
				(const char *)ev->data.scalar.tag);
		else if (ev->data.scalar.tag ||
			 ev->data.scalar.style != YAML_PLAIN_SCALAR_STYLE)
			j = cJSON_CreateString(s);
		else
			j = plain(y, s, &ev->start_mark);
		break;
	}
	case YAML_SEQUENCE_START_EVENT:
		anchor = ev->data.sequence_start.anchor;
		if (!tag_ok(ev->data.sequence_start.tag, YAML_SEQ_TAG))
			fail_at(y, &ev->start_mark, "unsupported tag: ",
				(const char *)ev->data.sequence_start.tag);
		else
			j = sequence(y, path, depth);
		break;
	case YAML_MAPPING_START_EVENT:
		anchor = ev->data.mapping_start.anchor;
		if (!tag_ok(ev->data.mapping_start.tag, YAML_MAP_TAG))
			fail_at(y, &ev->start_mark, "unsupported tag: ",
				(const char *)ev->data.mapping_start.tag);
		else
			j = mapping(y, path, depth);
		break;
	default:
		fail_at(y, &ev->start_mark, "unexpected YAML event", NULL);
		break;
	}
	if (j) {
		/* Each node once: an alias's copy is all new nodes. */
		y->nodes += ev->type == YAML_ALIAS_EVENT ?
			    (size_t)count_nodes(j) : 1;
		if (y->nodes > DQ_YAML_MAX_NODES) {
			fail_at(y, &ev->start_mark, "too many nodes (aliases "
				"that expand without end?)", NULL);
			cJSON_Delete(j);
			j = NULL;
		}
	}
	if (j && anchor) {
		if (y->nanchors == y->capanchors) {
			y->capanchors = y->capanchors ? 2 * y->capanchors : 8;
			y->anchors = dq_xrealloc(y->anchors, y->capanchors *
						 sizeof(*y->anchors));
		}
		y->anchors[y->nanchors].name = dq_xstrdup((const char *)anchor);
		y->anchors[y->nanchors++].node = j;
	}
	yaml_event_delete(ev);
	return j;
}

cJSON *
dq_yaml_parse(const char *text, size_t len, const char *file,
	      struct dq_yaml_marks *marks)
{
	struct yp y;
	yaml_event_t ev;
	cJSON *root = NULL;
	int ok = 0;

	memset(&y, 0, sizeof(y));
	y.file = file;
	y.marks = marks;
	if (!yaml_parser_initialize(&y.p))
		dq_die("out of memory");
	yaml_parser_set_input_string(&y.p, (const unsigned char *)text, len);
	/* STREAM-START, DOCUMENT-START, the root node, DOCUMENT-END, and
	 * then STREAM-END: one document. */
	if (next(&y, &ev))
		goto out;
	yaml_event_delete(&ev);
	if (next(&y, &ev))
		goto out;
	if (ev.type != YAML_DOCUMENT_START_EVENT) {
		fail_at(&y, &ev.start_mark, "empty: a contract is a mapping",
			NULL);
		yaml_event_delete(&ev);
		goto out;
	}
	yaml_event_delete(&ev);
	if (next(&y, &ev))
		goto out;
	yaml_mark_t top = ev.start_mark;
	if (!(root = node(&y, &ev, "", 0)))
		goto out;
	if (!cJSON_IsObject(root)) {
		fail_at(&y, &top, "a contract must be a mapping", NULL);
		goto out;
	}
	if (next(&y, &ev))
		goto out;
	yaml_event_delete(&ev);
	if (next(&y, &ev))
		goto out;
	if (ev.type != YAML_STREAM_END_EVENT) {
		fail_at(&y, &ev.start_mark, "a second document: a contract "
			"file holds one", NULL);
		yaml_event_delete(&ev);
		goto out;
	}
	yaml_event_delete(&ev);
	ok = 1;
out:
	for (size_t i = 0; i < y.nanchors; i++)
		free(y.anchors[i].name);
	free(y.anchors);
	yaml_parser_delete(&y.p);
	if (!ok) {
		cJSON_Delete(root);
		return NULL;
	}
	return root;
}

const struct dq_yaml_mark *
dq_yaml_marks_find(const struct dq_yaml_marks *m, const char *path)
{
	for (size_t i = 0; m && i < m->n; i++)
		if (!strcmp(m->v[i].path, path))
			return &m->v[i];
	return NULL;
}

void
dq_yaml_marks_release(struct dq_yaml_marks *m)
{
	for (size_t i = 0; i < m->n; i++)
		free(m->v[i].path);
	free(m->v);
	memset(m, 0, sizeof(*m));
}

int
dq_yaml_is_yaml(const char *file, const char *text, size_t len)
{
	size_t n = strlen(file);
	if ((n > 5 && !strcmp(file + n - 5, ".yaml")) ||
	    (n > 4 && !strcmp(file + n - 4, ".yml")))
		return 1;
	if (n > 5 && !strcmp(file + n - 5, ".json"))
		return 0;
	/* Any other name: JSON when the first byte that is not white space
	 * is '{' (a UTF-8 byte order mark aside), YAML otherwise. */
	size_t i = len >= 3 && !memcmp(text, "\xEF\xBB\xBF", 3) ? 3 : 0;
	while (i < len && strchr(" \t\r\n", text[i]))
		i++;
	return i < len && text[i] != '{';
}

/* A key that reads back as the same string when written plain. */
static int
plain_key(const char *s)
{
	static const char *const words[] = { "null", "Null", "NULL", "true",
		"True", "TRUE", "false", "False", "FALSE", NULL };
	if (!(isalpha((unsigned char)*s) || *s == '_'))
		return 0;
	for (const char *p = s; *p; p++)
		if (!isalnum((unsigned char)*p) && *p != '_' && *p != '-')
			return 0;
	for (int i = 0; words[i]; i++)
		if (!strcmp(words[i], s))
			return 0;
	return 1;
}

static void emit_object(const cJSON *j, int indent, struct dq_buf *out);

/* Does the list a hold an object with members (written in block style,
 * one "- " entry a line, as people write ODCS)? */
static int
block_list(const cJSON *a)
{
	const cJSON *it;
	cJSON_ArrayForEach(it, a)
	if (cJSON_IsObject(it) && it->child)
		return 1;
	return 0;
}

/* A scalar, an empty object or a list of no such object: JSON's flow
 * form, after a space. */
static void
emit_flow(const cJSON *it, struct dq_buf *out)
{
	char *s = cJSON_PrintUnformatted(it);
	if (!s)
		dq_die("out of memory");
	dq_buf_addf(out, " %s\n", s);
	cJSON_free(s);
}

/* The list a, each entry "- " at indent; an object's members at
 * indent + 2, the first on the dash's line; anything else in flow. */
static void
emit_list(const cJSON *a, int indent, struct dq_buf *out)
{
	const cJSON *it;
	cJSON_ArrayForEach(it, a)
	{
		size_t at = out->len;
		if (cJSON_IsObject(it) && it->child) {
			emit_object(it, indent + 2, out);
			out->buf[at + (size_t)indent] = '-';
			continue;
		}
		for (int i = 0; i < indent; i++)
			dq_buf_addch(out, ' ');
		dq_buf_addch(out, '-');
		emit_flow(it, out); /* a list in a list stays flow */
	}
}

static void
emit_object(const cJSON *j, int indent, struct dq_buf *out)
{
	const cJSON *it;
	cJSON_ArrayForEach(it, j)
	{
		for (int i = 0; i < indent; i++)
			dq_buf_addch(out, ' ');
		if (plain_key(it->string))
			dq_buf_addstr(out, it->string);
		else
			dq_buf_add_json_string(out, it->string,
					       strlen(it->string));
		dq_buf_addch(out, ':');
		if (cJSON_IsObject(it) && it->child) {
			dq_buf_addch(out, '\n');
			emit_object(it, indent + 2, out);
		} else if (cJSON_IsArray(it) && block_list(it)) {
			dq_buf_addch(out, '\n');
			emit_list(it, indent + 2, out);
		} else {
			emit_flow(it, out);
		}
	}
}

void
dq_yaml_emit(const cJSON *j, struct dq_buf *out)
{
	if (!j->child)
		dq_buf_addstr(out, "{}\n");
	else
		emit_object(j, 0, out);
}
