/*
 * walk.h - a light walk over JSON text that has already been validated.
 *
 * dq_json_scan() validates a line and records its top-level members; the
 * values inside (a nested object, an array, the object of a pair's side)
 * are then only text.  Programs that need a member of such a value walk it
 * with these functions instead of scanning it again: the walk only skips
 * strings (memchr to the next quote) and counts brackets, so it costs a
 * fraction of a scan.  It trusts its input: on text that is not valid JSON
 * it stays within [s, s + n) but its answers mean nothing.
 *
 * A member or element comes back as a struct dq_member (stream/json.h):
 * key and val point into the walked text (borrowed; the text must outlive
 * them), key without its quotes, val raw (strings with their quotes),
 * type set from the value's first byte, flags DQ_M_KEY_ESC and
 * DQ_M_VAL_ESC set when the key or the string value holds a backslash.
 * dq_member_key_is() and dq_json_unescape() then work on it as on a
 * scanned member.
 */
#ifndef DQ_WALK_H
#define DQ_WALK_H

#include <stddef.h>

#include "stream/json.h"

struct dq_walk {
	const char *p; /* the next byte to read */
	const char *e; /* one past the last byte */
};

/*
 * Start walking the object or array whose text is s[0..n) (white space
 * around it allowed): the members (dq_walk_member) or the elements
 * (dq_walk_element) come next.  Returns the type, DQ_JSON_OBJECT or
 * DQ_JSON_ARRAY, or -1 if s is not an object or array (the walk then
 * yields nothing).
 */
int dq_walk_begin(struct dq_walk *w, const char *s, size_t n);

/* The next member of an object: 1 with *m filled, 0 at the end. */
int dq_walk_member(struct dq_walk *w, struct dq_member *m);

/* The next element of an array: 1 with *m filled (key NULL), 0 at the
 * end. */
int dq_walk_element(struct dq_walk *w, struct dq_member *m);

/*
 * Find the member whose unescaped key is key[0..keylen) in the object
 * text s[0..n): 1 with *m filled, or 0 if s is not an object or has no
 * such member.
 */
int dq_walk_find(const char *s, size_t n, const char *key, size_t keylen,
		 struct dq_member *m);

/*
 * Several members in one walk: the first member named keys[i] (UTF-8,
 * NUL-terminated; NULL is not looked for) into m[i], for i < nkeys (at
 * most 32).  Returns the mask of those found (bit i for keys[i]); the
 * walk stops once all are found.  0 if s is not an object.
 */
unsigned dq_walk_find_keys(const char *s, size_t n, const char *const *keys,
			   size_t nkeys, struct dq_member *m);

/*
 * The last member of the object text s[0..n), found from its end (a
 * member written last, as dq writes "_dq", costs its own length, not the
 * object's): 1 with *m filled as by dq_walk_member, 0 if s is not an
 * object or is empty.
 */
int dq_walk_last(const char *s, size_t n, struct dq_member *m);

/* Past the string whose opening quote is at p (p < e); *esc is set to 1
 * when the string holds a backslash (left alone otherwise). */
const char *dq_walk_skip_string(const char *p, const char *e, int *esc);

/* Past the value (any type) starting at p, which is not white space. */
const char *dq_walk_skip_value(const char *p, const char *e);

/* The type of the value whose first byte is c. */
enum dq_json_type dq_walk_type(char c);

#endif
