/*
 * blockrec.h - the records of a dq-block run as its pairs embed them,
 * and the in-memory store of one-pass blocking.
 *
 * A record is embedded as it came, or, when it has neither an id of its
 * own (its id field a string or a number, stream/meta.h) nor a _dq.row,
 * with _dq.row (and _dq.file when several files are read) added, so that
 * every record in a pair can be named downstream.  With --slim it is
 * projected: only the id, the fields the contract's compare section
 * compares and the _dq of a record without an id are kept, byte for byte
 * and in their order (half the bytes, which is most of the cost
 * downstream; dq-merge --records brings the whole records back).
 *
 * The store holds every record's text one after another, and per record
 * its source (the file of a link, counted from 0; 1 for a new record of
 * an incremental run; else 0) and its key hash under every rule.  Memory
 * per record: its text
 * (or projection), 13 bytes of bookkeeping and 8 bytes per rule; the
 * text buffer grows by doubling.
 */
#ifndef DQ_BLOCKREC_H
#define DQ_BLOCKREC_H

#include <stddef.h>
#include <stdint.h>

#include "base/util.h"
#include "er/blocks.h"
#include "er/fsmodel.h"
#include "stream/json.h"

/* How records are embedded. */
struct dq_blockrec {
	const char *id_field;          /* (borrowed) */
	size_t idlen;
	const struct dq_fs_model *cmp; /* --slim: the compared fields, or
					* NULL for whole records (borrowed) */
};

/* Embed records named by id_field, projected on slim's fields when slim
 * is not NULL. */
void dq_blockrec_init(struct dq_blockrec *e, const char *id_field,
		      const struct dq_fs_model *slim);

/* 1 when rec has an id of its own. */
int dq_blockrec_has_id(const struct dq_blockrec *e,
		       const struct dq_record *rec);

/* Append the --slim projection of rec to out, whatever e->cmp (a record
 * without an id keeps its _dq). */
void dq_blockrec_slim(const struct dq_blockrec *e,
		      const struct dq_record *rec, struct dq_buf *out);

/* Append rec, read from line `line` of `file` (NULL: name no file), as
 * it is embedded, to out. */
void dq_blockrec_text(const struct dq_blockrec *e, struct dq_record *rec,
		      long line, const char *file, struct dq_buf *out);

/* The records of one-pass blocking, in input order. */
struct dq_blockrec_store {
	struct dq_buf text;     /* every record's text, one after another */
	uint64_t *off;          /* (owned, as the arrays below) */
	uint32_t *len;
	unsigned char *src;     /* its source (struct dq_blocks) */
	uint64_t *key;          /* key[i * nrules + r]; 0 = no key */
	size_t n, cap, nrules;
	uint64_t nsrc[DQ_BLOCKS_MAX_SOURCES]; /* records of each source */
	size_t nsources;        /* the highest source seen, plus one */
};

void dq_blockrec_store_init(struct dq_blockrec_store *s, size_t nrules);
void dq_blockrec_store_release(struct dq_blockrec_store *s);

/*
 * Make room for a record and start its text: the caller appends the
 * text to s->text, fills the returned row of nrules key hashes, and ends
 * with dq_blockrec_store_end.
 */
uint64_t *dq_blockrec_store_begin(struct dq_blockrec_store *s);
/* End the record begun, of source src (below DQ_BLOCKS_MAX_SOURCES).
 * 0, or -1 when its text is longer than 4 GB (it is then not kept). */
int dq_blockrec_store_end(struct dq_blockrec_store *s, unsigned src);

/*
 * A record's entry, made where the record is read (a worker thread) and
 * stored in input order by the thread that owns the store: its source,
 * its nrules key hashes and its text, followed by any texts the caller
 * adds with dq_blockrec_pack_text (a token rule's tokens).  In native
 * byte order, without alignment: an entry never leaves the process.
 * dq_blockrec_pack returns 0, or -1 when the text is longer than 4 GB
 * (nothing appended).
 */
int dq_blockrec_pack(struct dq_buf *out, unsigned src, const uint64_t *h,
		     size_t nrules, const char *text, size_t len);
void dq_blockrec_pack_text(struct dq_buf *out, const char *t, size_t n);

/* Store the entry at *p (packed for s->nrules rules) as the next record
 * and move *p past it, to its first added text if any. */
void dq_blockrec_store_unpack(struct dq_blockrec_store *s, const char **p);

/* The text added at *p (borrowed from the entry); moves *p past it. */
void dq_blockrec_unpack_text(const char **p, const char **t, size_t *n);

/* Record i's text (borrowed; length in s->len[i]). */
static inline const char *
dq_blockrec_store_text(const struct dq_blockrec_store *s, size_t i)
{
	return s->text.buf + s->off[i];
}

#endif
