/* Unit tests for lib/base/store.c: copies are NUL-terminated, stay put
 * while more are added, and a big text gets a chunk of its own. */
#include <stdlib.h>
#include <string.h>

#include "base/store.h"
#include "unit.h"

int
main(void)
{
	struct dq_store st = DQ_STORE_INIT;
	const char *a, *b, *e, *big, *c;
	size_t bign = (size_t)1 << 20;
	char *bigsrc = malloc(bign);

	a = dq_store_dup(&st, "abc", 3);
	UNIT_STR(a, "abc", "a copy, NUL-terminated");
	e = dq_store_dup(&st, "", 0);
	UNIT_STR(e, "", "an empty text");
	b = dq_store_dup(&st, "de\0f", 4);
	UNIT_MEM(b, 5, "de\0f\0", 5, "bytes kept, NUL included");
	UNIT_OK(b == e + 1 && e == a + 4, "one after another in a chunk");
	UNIT_INT(st.n, 1, "one chunk");
	memset(bigsrc, 'x', bign);
	big = dq_store_dup(&st, bigsrc, bign);
	UNIT_INT(st.n, 2, "a 1 MB text: an allocation of its own");
	UNIT_OK(!memcmp(big, bigsrc, bign) && big[bign] == 0, "big copied");
	c = dq_store_dup(&st, "g", 1);
	UNIT_OK(c == b + 5, "small ones go on in the chunk");
	for (int i = 0; i < 70; i++)
		dq_store_dup(&st, bigsrc, bign - 2);
	UNIT_INT(st.n, 3, "70 texts of nearly 1 MB: a second 64 MB chunk");
	UNIT_STR(a, "abc", "earlier copies stay put");
	dq_store_release(&st);
	UNIT_OK(st.chunk == NULL && st.n == 0, "released");
	free(bigsrc);
	return unit_done();
}
