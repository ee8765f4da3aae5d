/*
 * meta.h - a record's identity and its "_dq" metadata, one meaning for
 * every program.
 *
 * dq's programs stamp lineage under the record's "_dq" object: "row" (the
 * line the record came from in the first program that read it), "file"
 * (when it read several), "hash" (XXH3 of the original line), "unparsed"
 * (the fields a normalizer could not parse), and later "rules", "score",
 * "decision", "slim", "cluster" and so on.  A member of "_dq" is found by
 * walking that object's members (stream/walk.h), so a key nested deeper
 * ("_dq":{"orig":{"row":...}}, kept by dq-normalize --keep-original) or a
 * string that happens to hold "row": is never taken for it.
 *
 * A record's id is its --id field when that is a string (unescaped) or a
 * number (as written); else its "_dq.row" when that is a number; else it
 * has none.  dq-block stamps "_dq.row" on a record without an id, so that
 * dq-score and dq-merge can name every record they are given.  A record
 * read from one of several inputs carries "_dq.file": its id is then
 * qualified by its source, the string "FILE:ID", so that row 2 of two
 * files (or id "1" of two systems) are two records.  A row is always
 * qualified (a line number means nothing without its file); an --id value
 * is not when the contract says ids are global ("identity":{"global":
 * true}).  When the contract names a field that holds the record's
 * source system ("identity":{"source":"system"}), an --id value of a
 * record whose source field is a string or a number is qualified by it
 * instead, "SYSTEM:ID" ("crm:001"), whether or not it is global and
 * whatever file it came from; a record without a source falls back to
 * the rule above.  dq-block, dq-score and dq-merge name records only
 * through dq_meta_ident() and the two functions built on it.
 *
 * Every pointer in a struct dq_member filled here points into the record's
 * text (borrowed); out buffers are appended to, never reset.
 */
#ifndef DQ_META_H
#define DQ_META_H

#include <stddef.h>

#include "base/util.h"
#include "stream/json.h"

/* What kind of id a record has (the return value of dq_meta_id*). */
enum { DQ_META_ID_NONE = -1, DQ_META_ID_NUMBER = 0, DQ_META_ID_STRING = 1 };

/*
 * Find the member key[0..keylen) of the record's "_dq" object: 1 with *m
 * filled, 0 when the record has no "_dq" object or it has no such member.
 */
int dq_meta_find(const struct dq_record *r, const char *key, size_t keylen,
		 struct dq_member *m);

/* Several members of the record's "_dq" in one walk, as
 * dq_walk_find_keys(): the mask of those found. */
unsigned dq_meta_find_keys(const struct dq_record *r,
			   const char *const *keys, size_t nkeys,
			   struct dq_member *m);

/* The same for a record that was validated but not scanned: the object
 * text s[0..n) (a side of a pair, a record held as text). */
int dq_meta_find_text(const char *s, size_t n, const char *key,
		      size_t keylen, struct dq_member *m);

/*
 * The id that the member m (an --id field or a "_dq.row") gives: a string
 * is appended to out unescaped (DQ_META_ID_STRING), a number as written
 * (DQ_META_ID_NUMBER); any other value gives DQ_META_ID_NONE and out is
 * left alone.  out may be NULL when only the kind is wanted.
 */
int dq_meta_id_value(const struct dq_member *m, struct dq_buf *out);

/* How records are named: the --id field (borrowed), whether its values
 * are global (1) or per source (0, the default), and the field holding
 * the record's source system (borrowed; NULL: none). */
struct dq_ident {
	const char *field;
	int global;
	const char *source;
};

/*
 * The one identity rule: the id given by the record's --id member idm,
 * its source member srcm (the how->source field) and its "_dq" object dq
 * (each NULL when the record has none), appended to out (NULL: only the
 * kind wanted); returns its kind.  A qualified id ("FILE:ID",
 * "SYSTEM:ID") is a DQ_META_ID_STRING.
 */
int dq_meta_ident(const struct dq_member *idm, const struct dq_member *srcm,
		  const struct dq_member *dq, const struct dq_ident *how,
		  struct dq_buf *out);

/* The record's id (dq_meta_ident on its members), appended to out (NULL:
 * only the kind); returns its kind. */
int dq_meta_id(const struct dq_record *r, const struct dq_ident *how,
	       struct dq_buf *out);

/* The same for validated, unscanned object text s[0..n). */
int dq_meta_id_text(const char *s, size_t n, const struct dq_ident *how,
		    struct dq_buf *out);

/* A pair's "_dq.sources" (dq-block --link of more than two files: the
 * numbers of the two records' files, from 1): at most this. */
#define DQ_META_MAX_SOURCES 64

/*
 * The pair's _dq.sources, [A,B], two different numbers from 1 to
 * DQ_META_MAX_SOURCES, into src; {0, 0} when it has none.  Returns 0, or
 * -1 when it has one that is something else.
 */
int dq_meta_sources(const struct dq_record *pr, unsigned char src[2]);

/*
 * Append the lineage members of a record read from line `line` of `file`
 * to meta, as raw member text for dq_record_write(): "row":LINE, and
 * ,"file":"FILE" when file is not NULL.  A comma goes first when meta is
 * not empty.
 */
void dq_meta_add_row(struct dq_buf *meta, long line, const char *file);

#endif
