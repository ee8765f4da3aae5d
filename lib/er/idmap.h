/*
 * idmap.h - dq-merge's external id map: reading an earlier run's map
 * (--previous-map) and writing this run's (--map).
 *
 * A map line names one record id and its cluster:
 *
 *	{"ID_FIELD":"crm:001","cluster":"c62b654638379815c",
 *	 "first_seen":"d1","last_seen":"d2"}
 *
 * (the id by the one identity rule of stream/meta.h, so the map is keyed
 * by source and external id; "first_seen" and "last_seen" with --seen).
 * Reading a previous map gives every id of this run that it names its
 * earlier cluster (struct dq_id's prev, for the stable cluster ids of
 * er/clusterid.h and the kept clusters of er/cluster.h) and its
 * first_seen; an id this run did not see has vanished from its source,
 * and its line is kept, marked "vanished":true, to be written after this
 * run's ids: a map never loses an id.
 *
 *	struct dq_idmap m;
 *	dq_idmap_init(&m);
 *	for each line r of the previous map:
 *		if (dq_idmap_read(&m, &r, &ident, &table, file, line))
 *			fail;
 *	for each node nd, in id order:
 *		dq_idmap_line(&m, &out, &table, nd, id_field, cluster, seen);
 *	dq_buf_add(&out, m.vanished.buf, m.vanished.len);
 *	dq_idmap_release(&m);
 *
 * Memory: the earlier cluster ids and first_seen texts of the ids read,
 * in an arena that lives until dq_idmap_release (the table's prev
 * pointers borrow it), two pointers per id once a first_seen is read,
 * and the vanished lines.
 */
#ifndef DQ_IDMAP_H
#define DQ_IDMAP_H

#include <stddef.h>
#include <stdint.h>

#include "base/keyset.h"
#include "base/util.h"
#include "er/idtable.h"
#include "stream/json.h"
#include "stream/meta.h"

struct dq_idmap {
	struct dq_keyset old_ids;  /* every cluster id the map named */
	struct dq_buf vanished;    /* the lines of vanished ids, marked */
	uint64_t nvanished;
	const char **first_seen;   /* per node: its first_seen as written
				    * (JSON), or NULL; NULL until one is read */
	uint32_t *first_seen_len;
	struct dq_arena arena;
	struct dq_buf id, cluster; /* scratch */
};

void dq_idmap_init(struct dq_idmap *m);
void dq_idmap_release(struct dq_idmap *m);

/*
 * Read line r (from file:line, for messages) of a previous map into m and
 * t: the cluster id joins old_ids; an id that t holds gets it as prev
 * (and its first_seen is kept); an id t lacks is a vanished one, its line
 * kept with "vanished":true (once: a line already marked is kept as it
 * is).  t must hold every id of this run already (its node count is
 * fixed).  Returns 0, or -1 with a message when the line has no id or
 * no string "cluster".
 */
int dq_idmap_read(struct dq_idmap *m, const struct dq_record *r,
		  const struct dq_ident *how, struct dq_idtable *t,
		  const char *file, long line);

/*
 * Append node nd's map line, newline included, to out: its id under the
 * key id_field, its cluster id and, when seen is not NULL, "first_seen"
 * (the previous map's, else seen) and "last_seen" (seen).
 */
void dq_idmap_line(const struct dq_idmap *m, struct dq_buf *out,
		   const struct dq_idtable *t, uint32_t nd,
		   const char *id_field, const char *cluster,
		   const char *seen);

#endif
