/* edit.c - edit distances (base/edit.h). */
#include "base/edit.h"

#include <stdlib.h>

#include "base/util.h"

size_t
dq_edit_distance(const uint32_t *a, size_t an, const uint32_t *b, size_t bn,
		 int transpose)
{
	size_t stack[3 * (DQ_EDIT_STACK + 1)];
	size_t *r0, *r1, *r2, *mem = stack, d;

	if (!an)
		return bn;
	if (!bn)
		return an;
	if (bn + 1 > DQ_EDIT_STACK + 1)
		mem = dq_xmalloc(3 * (bn + 1) * sizeof(size_t));
	r0 = mem;		/* row i - 2 */
	r1 = mem + bn + 1;	/* row i - 1 */
	r2 = mem + 2 * (bn + 1); /* row i */
	for (size_t j = 0; j <= bn; j++)
		r1[j] = j;
	for (size_t i = 1; i <= an; i++) {
		r2[0] = i;
		for (size_t j = 1; j <= bn; j++) {
			size_t cost = a[i - 1] != b[j - 1];
			size_t v = r1[j - 1] + cost;
			if (r1[j] + 1 < v)
				v = r1[j] + 1;
			if (r2[j - 1] + 1 < v)
				v = r2[j - 1] + 1;
			if (transpose && i > 1 && j > 1 &&
			    a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] &&
			    r0[j - 2] + 1 < v)
				v = r0[j - 2] + 1;
			r2[j] = v;
		}
		size_t *t = r0;
		r0 = r1;
		r1 = r2;
		r2 = t;
	}
	d = r1[bn];
	if (mem != stack)
		free(mem);
	return d;
}


size_t
dq_edit_typo(const char *a, const char *b)
{
	uint32_t x[64], y[64];
	size_t xn = 0, yn = 0;

	while (xn < 64 && a[xn]) {
		x[xn] = (unsigned char)a[xn];
		xn++;
	}
	while (yn < 64 && b[yn]) {
		y[yn] = (unsigned char)b[yn];
		yn++;
	}
	size_t d = dq_edit_distance(x, xn, y, yn, 1);
	return d <= 2 && 2 * d < xn ? d : SIZE_MAX;
}
