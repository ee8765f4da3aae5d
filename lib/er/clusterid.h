/*
 * clusterid.h - stable cluster ids: the same cluster gets the same id in
 * every run, and an incremental run keeps the ids of an earlier one.
 *
 * A fresh id is "c" and 16 hex digits of XXH3-64 of the cluster's
 * smallest member id (the member ids sorted by bytes), so it depends on
 * what the cluster holds and not on the order of the input.
 *
 * With the map of an earlier run, each cluster claims the earlier ids of
 * its members.  The strongest claim wins an earlier id: most members
 * shared, then the earlier id (by bytes), then the cluster with the
 * smallest member; each earlier id and each cluster is given at most
 * once.  A cluster that wins nothing gets a fresh id; when that is
 * taken (by an earlier id or a cluster before it), the hash is hashed
 * again with a counter, XXH3-64 of (hash, 1), (hash, 2), ..., until it is
 * free.
 */
#ifndef DQ_CLUSTERID_H
#define DQ_CLUSTERID_H

#include <stddef.h>
#include <stdint.h>

#include "base/keyset.h"

struct dq_clusterid {
	char **id;      /* id[i]: cluster i's id, NUL-terminated (owned) */
	size_t n;       /* clusters */
	uint64_t kept;  /* ids kept from the earlier run */
	uint64_t fresh; /* new ids (with an earlier run only) */
};

/* The members of the clusters, as the assignment reads them. */
struct dq_clusterid_in {
	size_t n;              /* clusters */
	const uint32_t *start; /* cluster i holds members start[i] to
				* start[i + 1] - 1, smallest id first */
	const char *const *first; /* first[i], firstlen[i]: the smallest
				   * member id of cluster i */
	const uint32_t *firstlen;
	/* With an earlier run (old not NULL): member k's earlier cluster
	 * id prev[k] (prevlen[k] bytes), NULL when it had none; old holds
	 * every id of the earlier run. */
	const char *const *prev;
	const uint32_t *prevlen;
	const struct dq_keyset *old;
};

/* Give every cluster of in an id, into c (which owns them; release with
 * dq_clusterid_release).  Every pointer of in is borrowed. */
void dq_clusterid_assign(struct dq_clusterid *c,
			 const struct dq_clusterid_in *in);

void dq_clusterid_release(struct dq_clusterid *c);

/* The fresh id of a cluster whose smallest member id is key[0..n), free
 * in used and old (either may be NULL: no check); added to used.  The
 * caller frees it. */
char *dq_clusterid_fresh(const char *key, size_t n,
			 const struct dq_keyset *old, struct dq_keyset *used);

#endif
