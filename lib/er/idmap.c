/*
 * idmap.c - the external id map of dq-merge (see idmap.h).
 *
 * The lines are small and read once; the only state kept per id is two
 * borrowed pointers into the arena (the earlier cluster id in the table's
 * node, the first_seen text here), so a map of a million ids costs its
 * cluster ids' bytes and 12 bytes an id.
 */
#include "er/idmap.h"

#include <stdlib.h>
#include <string.h>

void
dq_idmap_init(struct dq_idmap *m)
{
	memset(m, 0, sizeof(*m));
	dq_keyset_init(&m->old_ids);
	dq_arena_init(&m->arena);
	m->vanished = (struct dq_buf)DQ_BUF_INIT;
	m->id = (struct dq_buf)DQ_BUF_INIT;
	m->cluster = (struct dq_buf)DQ_BUF_INIT;
}

void
dq_idmap_release(struct dq_idmap *m)
{
	dq_keyset_release(&m->old_ids);
	dq_arena_release(&m->arena);
	dq_buf_release(&m->vanished);
	dq_buf_release(&m->id);
	dq_buf_release(&m->cluster);
	free(m->first_seen);
	free(m->first_seen_len);
	m->first_seen = NULL;
	m->first_seen_len = NULL;
}

/* Keep the line of an id this run did not see, marked vanished. */
static void
keep_vanished(struct dq_idmap *m, const struct dq_record *r)
{
	long v = dq_record_find(r, "vanished", 8);
	size_t end = r->len;

	while (end && r->text[end - 1] != '}')
		end--; /* the object's closing brace */
	m->nvanished++;
	dq_buf_add(&m->vanished, r->text, v >= 0 ? end : end - 1);
	dq_buf_addstr(&m->vanished, v >= 0 ? "\n" : ",\"vanished\":true}\n");
}

int
dq_idmap_read(struct dq_idmap *m, const struct dq_record *r,
	      const struct dq_ident *how, struct dq_idtable *t,
	      const char *file, long line)
{
	long c = dq_record_find(r, "cluster", 7), fs;
	uint32_t nd;
	int str;

	dq_buf_reset(&m->id);
	str = dq_meta_id(r, how, &m->id);
	if (c < 0 || r->m[c].type != DQ_JSON_STRING || str < 0)
		return dq_error("%s:%ld: previous map: expected "
				"{\"%s\":ID,\"cluster\":\"...\"}",
				file, line, how->field);
	dq_buf_reset(&m->cluster);
	dq_json_unescape(r->m[c].val, r->m[c].vallen, &m->cluster);
	dq_keyset_add(&m->old_ids, m->cluster.buf, m->cluster.len);
	nd = dq_idtable_get(t, m->id.buf, m->id.len, str, 0);
	if (nd == DQ_IDTABLE_NONE) {
		/* An id of an earlier run that this run did not see: it
		 * vanished from its source.  Its line is carried into the
		 * new map, so no source's ids are lost. */
		keep_vanished(m, r);
		return 0;
	}
	fs = dq_record_find(r, "first_seen", 10);
	if (fs >= 0 && r->m[fs].type == DQ_JSON_STRING) {
		if (!m->first_seen) {
			m->first_seen = dq_xcalloc(t->n + 1,
						   sizeof(*m->first_seen));
			m->first_seen_len = dq_xcalloc(
				t->n + 1, sizeof(*m->first_seen_len));
		}
		m->first_seen[nd] = dq_arena_dup(&m->arena, r->m[fs].val,
						 r->m[fs].vallen);
		m->first_seen_len[nd] = (uint32_t)r->m[fs].vallen;
	}
	t->node[nd].prev = dq_arena_dup(&m->arena, m->cluster.buf,
					m->cluster.len);
	t->node[nd].prevlen = (uint32_t)m->cluster.len;
	return 0;
}

void
dq_idmap_line(const struct dq_idmap *m, struct dq_buf *out,
	      const struct dq_idtable *t, uint32_t nd, const char *id_field,
	      const char *cluster, const char *seen)
{
	dq_buf_addch(out, '{');
	dq_buf_add_json_string(out, id_field, strlen(id_field));
	dq_buf_addch(out, ':');
	dq_idtable_add_json(out, &t->node[nd]);
	dq_buf_addstr(out, ",\"cluster\":");
	dq_buf_add_json_string(out, cluster, strlen(cluster));
	if (seen) {
		dq_buf_addstr(out, ",\"first_seen\":");
		if (m->first_seen && m->first_seen[nd])
			dq_buf_add(out, m->first_seen[nd],
				   m->first_seen_len[nd]);
		else
			dq_buf_add_json_string(out, seen, strlen(seen));
		dq_buf_addstr(out, ",\"last_seen\":");
		dq_buf_add_json_string(out, seen, strlen(seen));
	}
	dq_buf_add(out, "}\n", 2);
}
