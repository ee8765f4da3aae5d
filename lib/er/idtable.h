/*
 * idtable.h - the records of an entity-resolution run, filed by id.
 *
 * dq-merge names every record it meets (in --records, in the pairs, in a
 * person's decisions) by its id (stream/meta.h) and keeps each record's
 * text to the end, when the golden records are written.  Each distinct id
 * is a node, numbered from 0 in the order first seen; the records of one
 * id (duplicate ids, or an id seen both in --records and in a pair) are
 * chained from it in the order they were added.
 *
 * The table: open addressing, linear probing.  A slot holds the top 32
 * bits of the id's XXH3 hash (which also give its position) above the node
 * number + 1, so that a probe touches a node and its key text only when
 * the hash bits agree, and growing never reads the nodes: one cache miss
 * per lookup instead of three per probe.  0 is empty.  A node keeps its
 * id's first 16 bytes, so a short id is compared without its key text.
 * Memory: 48 bytes a node, 24 a record, 8 to 16 a slot, the ids' and
 * records' text (base/store.h).
 */
#ifndef DQ_IDTABLE_H
#define DQ_IDTABLE_H

#include <stddef.h>
#include <stdint.h>

#include "base/store.h"
#include "base/util.h"
#include "stream/json.h"

#define DQ_IDTABLE_HEAD 16
#define DQ_IDTABLE_NONE UINT32_MAX

struct dq_id {
	const char *key;  /* the id: a string unescaped, or a number's text */
	const char *prev; /* its cluster in an earlier run, or NULL (the
			   * caller's to set; borrowed) */
	uint32_t keylen, prevlen;
	uint32_t rec;     /* first record, DQ_IDTABLE_NONE when none */
	uint8_t str;      /* the id was a string */
	char head[DQ_IDTABLE_HEAD]; /* the key's first bytes */
};

struct dq_idrec {
	const char *text; /* the record's text (in the store) */
	uint32_t len;
	uint32_t node;
	uint32_t next; /* next record of the same id, DQ_IDTABLE_NONE at
			* the end */
};

struct dq_idtable {
	struct dq_id *node;  /* nodes, by number (owned) */
	size_t n, nodecap;
	struct dq_idrec *rec; /* records, in the order added (owned) */
	size_t nrec, reccap;
	uint64_t *slot;      /* the hash table (owned) */
	size_t cap;
	struct dq_arena keys;  /* the ids' text */
	struct dq_store store; /* the records' text */
};

void dq_idtable_init(struct dq_idtable *t);
void dq_idtable_release(struct dq_idtable *t);

/* The node of id key[0..n) (str: it is a string); a new one when create
 * is set, else DQ_IDTABLE_NONE when there is none. */
uint32_t dq_idtable_get(struct dq_idtable *t, const char *key, size_t n,
			int str, int create);

/* File a copy of the record text[0..len) under node. */
void dq_idtable_add_record(struct dq_idtable *t, uint32_t node,
			   const char *text, size_t len);

/* The nodes in the byte order of their ids: order[rank] is a node,
 * rankof[node] its rank (both of t->n entries, the caller's). */
void dq_idtable_order(const struct dq_idtable *t, uint32_t *order,
		      uint32_t *rankof);

/* Append node's id to b as JSON: a string quoted, a number as written. */
void dq_idtable_add_json(struct dq_buf *b, const struct dq_id *id);

#endif
