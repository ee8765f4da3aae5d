/*
 * edit.h - edit distance between two sequences of code points.
 *
 * Levenshtein (V. I. Levenshtein, 1966), or with transpose the optimal
 * string alignment form of Damerau's distance (F. J. Damerau, CACM 7(3),
 * 1964): the classic dynamic programme with three rows, O(an bn) time,
 * O(bn) memory (on the stack up to DQ_EDIT_STACK code points).  Used by
 * the record-linkage comparators (er/compare.h) and by dq-contract lint's
 * "did you mean" (contract/lint.h).
 */
#ifndef DQ_EDIT_H
#define DQ_EDIT_H

#include <stddef.h>
#include <stdint.h>

#define DQ_EDIT_STACK 128

/* The distance between a[0..an) and b[0..bn) (borrowed). */
size_t dq_edit_distance(const uint32_t *a, size_t an, const uint32_t *b,
			size_t bn, int transpose);

/*
 * How far the typed name a is from the name b, when a could be a typo of
 * b: the Damerau distance of their bytes when it is at most 2 and less
 * than half of a's length, else SIZE_MAX.  For "did you mean" hints.
 */
size_t dq_edit_typo(const char *a, const char *b);

#endif
