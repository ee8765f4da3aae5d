/*
 * path.h - field paths: one name for a value inside a record.
 *
 * A path names a value nested in a record's objects and arrays:
 *
 *	addr.city       member "city" of the object in member "addr"
 *	tags[]          each element of the array in member "tags"
 *	items[].sku     member "sku" of each element of "items"
 *	a\.b            the member whose key is "a.b" (one key)
 *
 * Syntax: keys joined by '.'; "[]" after a key (repeatable: "m[][]")
 * steps into each element of an array.  A backslash makes the next
 * character part of the key: "\.", "\[", "\]" and "\\" are a literal dot,
 * bracket and backslash.  A key is never empty.  A name that does not
 * follow this syntax ("a..b", "a[0]", a trailing backslash) is no path: it
 * names only the top-level member with exactly that key.
 *
 * The rule that keeps existing contracts' meaning: a record member whose
 * key is exactly the whole name always wins ("a.b" is the flat key "a.b"
 * in a record that has one); only a record without it is read along the
 * path.  A contract that means the nested value in records that have both
 * escapes nothing and gets the flat one: there is no silent switch from
 * one reading to the other within the records that have the flat key.
 *
 * A value is resolved by walking the object (stream/walk.h), never by
 * looking for the name in the text.  A step into a member of something
 * that is not an object (null, a string, an absent member) finds nothing;
 * a "[]" step over a value that is not an array yields that value itself,
 * once, with the index -1 (the checks then report it, under the path's
 * name without an index).
 *
 * Ownership: a struct dq_path owns its keys.  Members handed back point
 * into the record's text or arena (borrowed, valid while the record is).
 */
#ifndef DQ_PATH_H
#define DQ_PATH_H

#include <stddef.h>

#include "base/util.h"
#include "stream/json.h"

/* Nesting a path may step through ("[]" steps and keys together). */
#define DQ_PATH_MAX_STEPS 64

struct dq_path_step {
	char *key;  /* unescaped key (owned); NULL for a "[]" step */
	size_t len;
};

struct dq_path {
	struct dq_path_step *s;
	size_t n;
	size_t neach; /* "[]" steps among them */
	char *name;   /* the name as written (owned) */
	size_t namelen;
};

/*
 * Does name need a path at all?  0 when it holds no '.', '[', ']' or
 * '\': a plain top-level key (the common case, tested without parsing).
 */
int dq_path_is_nested(const char *name, size_t n);

/*
 * Does name step through an array ("tags[]", "items[].sku")?  Such a name
 * names many values: the programs that read one value by name (blocking
 * keys, comparison, survivorship) refuse it at load rather than find
 * nothing in every record.
 */
int dq_path_has_each(const char *name, size_t n);

/*
 * Parse name (n bytes) into p.  Returns 0, or -1 when name is not a path
 * (see above; *why, if not NULL, says what is wrong: static text).  p is
 * left empty on failure and needs dq_path_release() either way.
 */
int dq_path_parse(struct dq_path *p, const char *name, size_t n,
		  const char **why);
void dq_path_release(struct dq_path *p);

/*
 * The value at p in r when p has no "[]" step: 1 with *leaf filled (and
 * *top, if not NULL, the index of the top-level member it lies in), or 0
 * when the record has none.  The exact top-level key wins (see above).
 */
int dq_path_get(const struct dq_path *p, const struct dq_record *r,
		struct dq_member *leaf, long *top);

/*
 * Each value at p in r, in record order: fn(ctx, leaf, top, idx, nidx)
 * with the top-level member's index and the element index of each "[]"
 * step (-1 where the value stepped over was no array).  A path without
 * "[]" calls fn at most once.  fn returns 0 to go on, nonzero to stop
 * (returned).  Returns 0 after the last value.
 */
typedef int (*dq_path_fn)(void *ctx, const struct dq_member *leaf, long top,
			  const long *idx, size_t nidx);
int dq_path_each(const struct dq_path *p, const struct dq_record *r,
		 dq_path_fn fn, void *ctx);

/*
 * The same over the object text s[0..n) (a nested value, a side file's
 * record): top is always -1.  Without the exact-key rule's record lookup,
 * the exact key is tried first in s.
 */
int dq_path_each_text(const struct dq_path *p, const char *s, size_t n,
		      dq_path_fn fn, void *ctx);

/*
 * The one value a name without "[]" names, parsed as it is read (no
 * allocation: for programs that look a field up by its name, as the
 * blocking, comparison and survivorship code does): in record r, or in
 * the object text s[0..n).  1 with *m filled, 0 when there is none, or
 * when the name has a "[]" step or is no path (and no exact key).  The
 * exact key wins, as everywhere.
 */
int dq_path_find(const struct dq_record *r, const char *name, size_t len,
		 struct dq_member *m);
int dq_path_find_text(const char *s, size_t n, const char *name, size_t len,
		      struct dq_member *m);

/*
 * Append to out the value at p in r as raw JSON: the one value of a path
 * without "[]", or the values along a path with "[]" as one JSON array.
 * Returns 1, or 0 (nothing appended) when there is no value.
 */
int dq_path_value(const struct dq_path *p, const struct dq_record *r,
		  struct dq_buf *out);

/*
 * Append to out the name of one value: p's name with each "[]" replaced
 * by "[i]" from idx (a -1 index leaves "[]" out): "items[2].sku", "tags".
 * Keys keep their escapes as written.
 */
void dq_path_label(const struct dq_path *p, const long *idx, size_t nidx,
		   struct dq_buf *out);

/*
 * Replace values inside the top-level member top of r: edit i replaces
 * the bytes [at[i], at[i] + len[i]) of the member's value text (values
 * handed back by dq_path_each, in increasing order, not overlapping) with
 * the raw JSON val[i].  Everything else in the member is kept byte for
 * byte.  buf is scratch.
 */
struct dq_path_edit {
	const char *at;
	size_t len;
	const char *val;
	size_t vallen;
};
void dq_path_splice(struct dq_record *r, size_t top,
		    const struct dq_path_edit *e, size_t n, struct dq_buf *buf);

/*
 * Take the one value at p (no "[]" step, at least two keys deep) out of
 * r: its raw JSON appended to val, and its member removed from the object
 * that held it (the comma with it; everything else in the top-level
 * member kept byte for byte).  1 when taken, 0 when r has no value there
 * (or has the exact top-level key, which is no nested value).  buf is
 * scratch.  For dq-normalize's rename of a nested field to a top-level
 * one.
 */
int dq_path_take(const struct dq_path *p, struct dq_record *r,
		 struct dq_buf *val, struct dq_buf *buf);

#endif
