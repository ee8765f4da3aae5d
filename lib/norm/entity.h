/*
 * entity.h - decode HTML character references ("&ouml;", "&#246;",
 * "&#xF6;") in text that came out of web pages and HTML-escaped exports,
 * and remove the invisible characters such exports carry.
 *
 * dq_entity_decode() replaces, in one pass from left to right:
 *   - a named reference "&NAME;" of the HTML 4.01 set (252 names, section
 *     24 of the HTML 4.01 specification) or "&apos;" by its character;
 *     names are matched by case ("&Ouml;" is Ö, "&OUML;" is unknown);
 *   - a numeric reference "&#DIGITS;" or "&#xHEX;" (x or X) by the code
 *     point it names, as the HTML Living Standard (13.2.5.80, "numeric
 *     character reference end state") says: 0, a surrogate (U+D800..DFFF)
 *     or anything above U+10FFFF becomes U+FFFD, and 0x80..0x9F, which
 *     pages meant as Windows-1252, become that code page's character
 *     ("&#146;" is U+2019), except the five it leaves unassigned.
 * The semicolon is required: "&amp" or "&#246" without one, an unknown
 * name ("&foo;", "&OUML;") or a reference with no digits ("&#;", "&#x;")
 * is left exactly as it is, so text that merely holds an ampersand ("AT&T",
 * "R&D; Sales") never changes.  One pass: "&amp;lt;" becomes "&lt;".
 *
 * dq_entity_invisible() removes the characters that show as nothing yet
 * make two equal-looking values differ: U+00AD SOFT HYPHEN, U+200B ZERO
 * WIDTH SPACE, U+2060 WORD JOINER and U+FEFF (a byte order mark copied
 * into a field).  U+200C/U+200D (ZWNJ, ZWJ) are kept: they change how
 * Persian, Indic scripts and emoji are written.  No-break spaces are
 * White_Space, which trim and collapse already handle (norm/text.h).
 *
 * Both read s, n bytes of UTF-8, append the result to out (kept
 * NUL-terminated) and return 0, or -1 with out unchanged when s is not
 * valid UTF-8, as the normalizers of norm/text.h do.  s must not point
 * into out.  No state: safe from any number of threads.
 */
#ifndef DQ_ENTITY_H
#define DQ_ENTITY_H

#include <stddef.h>
#include <stdint.h>

#include "base/util.h"

int dq_entity_decode(const char *s, size_t n, struct dq_buf *out);
int dq_entity_invisible(const char *s, size_t n, struct dq_buf *out);

/* The code point of the named reference name (len bytes, without '&' and
 * ';'), or 0 when the name is not in the table. */
uint32_t dq_entity_lookup(const char *name, size_t len);

#endif
