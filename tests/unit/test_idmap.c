/* Unit tests for lib/er/idmap.c: a previous map's line gives an id of
 * this run its earlier cluster and first_seen, an id this run lacks is
 * kept as vanished (marked once), a line without an id or a string
 * cluster is refused, and the map line of an id with and without
 * --seen. */
#include <string.h>

#include "er/idmap.h"
#include "unit.h"

#define MEM_IS(p, n, lit, what) UNIT_MEM(p, n, lit, sizeof(lit) - 1, what)

static struct dq_record rec;

static int
read_line(struct dq_idmap *m, struct dq_idtable *t, const char *line)
{
	static const struct dq_ident how = { "id", 0, NULL };
	struct dq_json_error err;

	if (dq_json_scan(&rec, line, strlen(line), &err)) {
		printf("# bad fixture: %s\n", line);
		return -2;
	}
	return dq_idmap_read(m, &rec, &how, t, "prev.ndjson", 7);
}

int
main(void)
{
	struct dq_idtable t;
	struct dq_idmap m;
	struct dq_buf b = DQ_BUF_INIT;
	uint32_t a, n;

	dq_record_init(&rec);
	dq_idtable_init(&t);
	a = dq_idtable_get(&t, "a", 1, 1, 1);
	n = dq_idtable_get(&t, "7", 1, 0, 1);
	dq_idmap_init(&m);

	UNIT_INT(read_line(&m, &t, "{\"id\":\"a\",\"cluster\":\"c\\u0031\","
				   "\"first_seen\":\"d0\",\"last_seen\":\"d1\"}"),
		 0, "an id of this run");
	MEM_IS(t.node[a].prev, t.node[a].prevlen, "c1",
	       "its earlier cluster, unescaped");
	UNIT_INT(dq_keyset_has(&m.old_ids, "c1", 2), 1, "cluster id kept");
	UNIT_INT(read_line(&m, &t, "{\"id\":\"z\",\"cluster\":\"c2\","
				   "\"last_seen\":\"d1\"}"),
		 0, "an id this run lacks");
	UNIT_INT(read_line(&m, &t, "{\"id\":\"y\",\"cluster\":\"c3\","
				   "\"vanished\":true}"),
		 0, "vanished before");
	UNIT_INT((int)m.nvanished, 2, "two vanished");
	MEM_IS(m.vanished.buf, m.vanished.len,
	       "{\"id\":\"z\",\"cluster\":\"c2\",\"last_seen\":\"d1\","
	       "\"vanished\":true}\n"
	       "{\"id\":\"y\",\"cluster\":\"c3\",\"vanished\":true}\n",
	       "kept as written, marked once");
	UNIT_INT(dq_keyset_has(&m.old_ids, "c2", 2), 1,
		 "a vanished id's cluster is still an old one");
	UNIT_INT(read_line(&m, &t, "{\"id\":\"a\"}"), -1, "no cluster");
	UNIT_INT(read_line(&m, &t, "{\"id\":\"a\",\"cluster\":1}"), -1,
		 "a cluster that is not a string");
	UNIT_INT(read_line(&m, &t, "{\"cluster\":\"c9\"}"), -1, "no id");
	UNIT_OK(t.node[n].prev == NULL, "7 was not in the map");

	dq_idmap_line(&m, &b, &t, a, "key", "c1", "d2");
	dq_idmap_line(&m, &b, &t, n, "key", "c\"5", "d2");
	dq_idmap_line(&m, &b, &t, n, "key", "c5", NULL);
	MEM_IS(b.buf, b.len,
	       "{\"key\":\"a\",\"cluster\":\"c1\",\"first_seen\":\"d0\","
	       "\"last_seen\":\"d2\"}\n"
	       "{\"key\":7,\"cluster\":\"c\\\"5\",\"first_seen\":\"d2\","
	       "\"last_seen\":\"d2\"}\n"
	       "{\"key\":7,\"cluster\":\"c5\"}\n",
	       "map lines: first_seen kept or this run's; none without --seen");

	dq_buf_release(&b);
	dq_idmap_release(&m);
	dq_idtable_release(&t);
	dq_record_release(&rec);
	return unit_done();
}
