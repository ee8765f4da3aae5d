/*
 * labels.c - known entities, "id<TAB>entity" lines: a hash table of open
 * addressing with linear probing, from an id's XXH3 hash (its low bit
 * set, so that 0 marks an empty slot) to its entity's.
 */
#include "er/labels.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define XXH_INLINE_ALL
#include <xxhash.h>

#include "base/util.h"

void
dq_labels_init(struct dq_labels *l)
{
	memset(l, 0, sizeof(*l));
}

void
dq_labels_release(struct dq_labels *l)
{
	free(l->key);
	free(l->val);
	dq_labels_init(l);
}

static void
put(struct dq_labels *l, uint64_t k, uint64_t v)
{
	size_t i;
	k |= 1;
	if ((l->n + 1) * 2 > l->cap) {
		uint64_t *ok = l->key, *ov = l->val;
		size_t oc = l->cap;
		l->cap = oc ? oc * 2 : 1024;
		l->key = dq_xcalloc(l->cap, 8);
		l->val = dq_xcalloc(l->cap, 8);
		for (size_t j = 0; j < oc; j++)
			if (ok[j]) {
				i = (size_t)ok[j] & (l->cap - 1);
				while (l->key[i])
					i = (i + 1) & (l->cap - 1);
				l->key[i] = ok[j];
				l->val[i] = ov[j];
			}
		free(ok);
		free(ov);
	}
	i = (size_t)k & (l->cap - 1);
	while (l->key[i] && l->key[i] != k)
		i = (i + 1) & (l->cap - 1);
	if (!l->key[i])
		l->n++;
	l->key[i] = k;
	l->val[i] = v;
}

/* Id a's entity hash into *v: 1, or 0 when a is not labelled. */
static int
get(const struct dq_labels *l, const char *a, size_t an, uint64_t *v)
{
	uint64_t k = XXH3_64bits(a, an) | 1;
	size_t i;

	if (!l->cap)
		return 0;
	i = (size_t)k & (l->cap - 1);
	while (l->key[i]) {
		if (l->key[i] == k) {
			*v = l->val[i];
			return 1;
		}
		i = (i + 1) & (l->cap - 1);
	}
	return 0;
}

int
dq_labels_load(struct dq_labels *l, const char *path)
{
	FILE *f = fopen(path, "r");
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;
	long ln = 0;

	if (!f)
		return dq_error("%s: %s", path, strerror(errno));
	while ((n = getline(&line, &cap, f)) > 0) {
		char *tab;
		ln++;
		while (n && (line[n - 1] == '\n' || line[n - 1] == '\r'))
			line[--n] = 0;
		if (!n)
			continue;
		tab = memchr(line, '\t', (size_t)n);
		if (!tab || tab == line || tab + 1 == line + n) {
			free(line);
			fclose(f);
			return dq_error("%s:%ld: expected \"id<TAB>entity\"",
					path, ln);
		}
		put(l, XXH3_64bits(line, (size_t)(tab - line)),
		    XXH3_64bits(tab + 1, (size_t)(line + n - tab - 1)));
	}
	free(line);
	if (ferror(f)) {
		fclose(f);
		return dq_error("%s: %s", path, strerror(errno));
	}
	fclose(f);
	return 0;
}

int
dq_labels_same(const struct dq_labels *l, const char *a, size_t an,
	       const char *b, size_t bn)
{
	uint64_t ea, eb;

	if (!get(l, a, an, &ea) || !get(l, b, bn, &eb))
		return -1;
	return ea == eb;
}
