/*
 * labels.h - known entities for training a match model: a file of
 * "id<TAB>entity" lines (what dq-gen --truth writes; dq-score --labels).
 *
 *	struct dq_labels l;
 *	dq_labels_init(&l);
 *	if (dq_labels_load(&l, path))
 *		fail;
 *	switch (dq_labels_same(&l, id_a, na, id_b, nb)) ...
 *	dq_labels_release(&l);
 *
 * The ids are those of the one identity rule (stream/meta.h), compared
 * as bytes.  Each id and entity is kept as its XXH3 64-bit hash (16 bytes
 * a label, in a table at most half full): two ids whose hashes collide
 * would be taken for one, a chance of about n^2 / 2^65 for n labels.  An
 * id given twice keeps its last entity.  Empty lines are skipped; CR LF
 * line ends are read as LF.
 */
#ifndef DQ_LABELS_H
#define DQ_LABELS_H

#include <stddef.h>
#include <stdint.h>

struct dq_labels {
	uint64_t *key, *val; /* id hash | 1 (0: empty) -> entity hash */
	size_t cap, n;
};

void dq_labels_init(struct dq_labels *l);
void dq_labels_release(struct dq_labels *l);

/* Add the labels of the file at path.  Returns 0, or -1 after a message
 * (the file cannot be read, a line is not "id<TAB>entity"). */
int dq_labels_load(struct dq_labels *l, const char *path);

/* 1 when ids a and b are labelled with one entity, 0 with two, -1 when
 * either is not labelled. */
int dq_labels_same(const struct dq_labels *l, const char *a, size_t an,
		   const char *b, size_t bn);

#endif
