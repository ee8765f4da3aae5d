/*
 * json.h - the validating, lossless NDJSON record scanner.
 *
 * dq's record path never converts a value it does not change: the scanner
 * checks a line against RFC 8259 strictly and records, for each top-level
 * member, where its key and its value lie in the line.  A program then
 * rewrites only the members it changes and copies the rest byte for byte,
 * so 9007199254740993, 59.0, 1e400 and "\u00e9" leave as they came.
 *
 * Strictness: a line is accepted only if it is exactly one JSON object
 * (white space around it allowed), every string is valid UTF-8 with valid
 * escapes and paired surrogates, no object at any depth repeats a key
 * (compared after unescaping), and nesting is at most DQ_JSON_MAX_DEPTH.
 *
 * Ownership: a struct dq_record points into the line it was scanned from;
 * the line must outlive the record's use.  Replacement keys and values a
 * program sets are copied into the record's arena.
 */
#ifndef DQ_JSON_H
#define DQ_JSON_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "base/util.h"

#define DQ_JSON_MAX_DEPTH 512

enum dq_json_type {
	DQ_JSON_NULL,
	DQ_JSON_FALSE,
	DQ_JSON_TRUE,
	DQ_JSON_NUMBER,
	DQ_JSON_STRING,
	DQ_JSON_ARRAY,
	DQ_JSON_OBJECT
};

/* Flags on a member. */
enum {
	DQ_M_KEY_ESC = 1,  /* the key contains backslash escapes */
	DQ_M_VAL_ESC = 2,  /* the (string) value contains escapes */
	DQ_M_CHANGED = 4,  /* value replaced (val points into the arena) */
	DQ_M_RENAMED = 8,  /* key replaced */
	DQ_M_DROPPED = 16, /* left out of the output */
	DQ_M_ADDED = 32    /* not in the input */
};

struct dq_member {
	const char *key; /* raw key text without the quotes */
	const char *val; /* raw value text (strings with their quotes) */
	size_t keylen;
	size_t vallen;
	uint8_t type;  /* enum dq_json_type */
	uint8_t flags; /* DQ_M_* */
};

/* A chunked arena: pointers into it stay valid until dq_arena_reset. */
struct dq_arena_block;
struct dq_arena {
	struct dq_arena_block *head;
	size_t used; /* bytes used in head */
};
void dq_arena_init(struct dq_arena *a);
void *dq_arena_alloc(struct dq_arena *a, size_t n);
char *dq_arena_dup(struct dq_arena *a, const char *s, size_t n);
void dq_arena_reset(struct dq_arena *a);
void dq_arena_release(struct dq_arena *a);

struct dq_record {
	const char *text;     /* the object text (borrowed) */
	size_t len;
	struct dq_member *m;  /* members in input order (owned) */
	size_t n, cap;
	int compact;          /* no white space between top-level tokens */
	long dq;              /* index of the "_dq" member, or -1 */
	int modified;         /* some member changed, renamed, dropped, added */
	struct dq_arena arena;
	/* Scratch for duplicate-key checks and unescaping. */
	struct dq_buf scratch;
	void *keyset;
	size_t keyset_cap;
	/* The scanner's stack of open objects' keys. */
	void *keys;
	size_t keys_cap;
};

struct dq_json_error {
	size_t offset;      /* byte offset of the problem in the line */
	const char *reason; /* static text */
};

void dq_record_init(struct dq_record *r);
void dq_record_release(struct dq_record *r);

/*
 * Scan s (n bytes, one line without its terminator) into r, replacing its
 * previous contents.  Returns 0, or -1 with *err filled when the line is not
 * exactly one valid JSON object.
 */
int dq_json_scan(struct dq_record *r, const char *s, size_t n,
		 struct dq_json_error *err);

/*
 * Make r the record of text[0..n), a compact JSON object whose top-level
 * members the caller has already found (m[0..nm), pointing into text, as
 * dq_json_scan would set them: flags DQ_M_KEY_ESC and DQ_M_VAL_ESC only,
 * keys distinct, none of them "_dq").  The same
 * record as dq_json_scan(r, text, n) gives, without reading the text
 * again: stream/csv hands out its rows so (tests/unit/test_csv.c compares
 * the two on every row).
 */
void dq_record_adopt(struct dq_record *r, const char *text, size_t n,
		     const struct dq_member *m, size_t nm);

/*
 * Validate one JSON value of any type (the whole of s, white space around
 * it allowed).  Returns its type, or -1 with *err filled.
 */
int dq_json_validate(const char *s, size_t n, struct dq_json_error *err);

/* Find a top-level member by its (unescaped) key; -1 if absent.
 * Dropped members are not found. */
long dq_record_find(const struct dq_record *r, const char *key, size_t keylen);

/*
 * Unescape a JSON string value (raw text with its quotes) and append the
 * UTF-8 text to out.  The text was validated by the scanner, so this cannot
 * fail.  Non-string raw values are appended as they are.
 */
void dq_json_unescape(const char *raw, size_t n, struct dq_buf *out);

/* Compare the unescaped key of member m with key (UTF-8, keylen bytes).
 * Inline for the common key without escapes: lookups call it for every
 * member they pass. */
int dq_member_key_is_escaped(const struct dq_member *m, const char *key,
			     size_t keylen);

static inline int
dq_member_key_is(const struct dq_member *m, const char *key, size_t keylen)
{
	if (m->flags & DQ_M_KEY_ESC)
		return dq_member_key_is_escaped(m, key, keylen);
	return m->keylen == keylen && !memcmp(m->key, key, keylen);
}

/*
 * Change a record.  New text is copied into r's arena.  val is raw JSON
 * (the caller makes it valid: use dq_buf_add_json_string for strings).
 */
void dq_record_set(struct dq_record *r, size_t i, const char *val,
		   size_t vallen, enum dq_json_type type);
void dq_record_rename(struct dq_record *r, size_t i, const char *key,
		      size_t keylen);
void dq_record_drop(struct dq_record *r, size_t i);
/* Append a member (key unescaped UTF-8, val raw JSON); returns its index. */
size_t dq_record_add(struct dq_record *r, const char *key, size_t keylen,
		     const char *val, size_t vallen, enum dq_json_type type);

/*
 * Write r as one compact JSON object (no newline) to out: members in order
 * (renamed in place, dropped left out, added at the end), "_dq" last.  When
 * meta is non-empty it is raw JSON member text ("\"row\":3,\"hash\":\"..\"")
 * merged into the record's "_dq" object: members of an existing "_dq" whose
 * keys meta does not set are kept, in their order, before meta's.
 */
void dq_record_write(struct dq_record *r, const char *meta, size_t metalen,
		     struct dq_buf *out);

#endif
