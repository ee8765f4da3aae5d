/*
 * store.h - an append-only store of texts held to the end of a run.
 *
 * Texts are copied one after another into 64 MB chunks that the kernel
 * may back with 2 MB pages (madvise MADV_HUGEPAGE; transparent huge pages
 * in "madvise" mode, Debian's default): 350 MB of records then take a few
 * hundred page faults instead of 90,000, which were a tenth of dq-merge's
 * run.  A text of more than 1 MB gets an allocation of its own.  Nothing
 * is freed before dq_store_release; each text is NUL-terminated.
 */
#ifndef DQ_STORE_H
#define DQ_STORE_H

#include <stddef.h>

struct dq_store {
	char **chunk; /* chunks and big texts (owned) */
	size_t n, cap;
	char *cur;    /* the chunk being filled */
	size_t used;
};

#define DQ_STORE_INIT { NULL, 0, 0, NULL, 0 }

/* A copy of s[0..n) with a NUL after it, owned by the store, valid until
 * dq_store_release. */
const char *dq_store_dup(struct dq_store *st, const char *s, size_t n);

void dq_store_release(struct dq_store *st);

#endif
