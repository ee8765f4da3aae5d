/* Unit tests for lib/er/golden.c: a cluster's golden record (fields by
 * survivorship, _dq.cluster, members and provenance, the originals kept
 * by dq-normalize --keep-original), a record with no fields, and the log
 * lines (joined and cut edges under both clusters, rules and ties; none
 * for a lone record with no edges). */
#include <stdlib.h>
#include <string.h>

#include "er/golden.h"
#include "unit.h"

/* Ids are fields too; city (in the default address group) comes from 2,
 * the one member with a city. */
#define GOLDEN1                                                              \
	"{\"id\":1,\"name\":\"Ann\",\"city\":\"Oslo\",\"_dq\":{\"cluster\":" \
	"\"c65cd25028f98f158\",\"members\":[1,2],\"provenance\":"         \
	"{\"id\":1,\"name\":1,\"city\":2},\"orig\":{\"city\":\"oslo \"}}}"

static const struct dq_ident how = { "id", 0, NULL };

static void
add(struct dq_merge *m, long line, const char *s)
{
	struct dq_record r;
	struct dq_json_error err;
	struct dq_buf e = DQ_BUF_INIT, id = DQ_BUF_INIT;
	struct dq_merge_dup d;
	const char *p;

	dq_record_init(&r);
	if (dq_json_scan(&r, s, strlen(s), &err))
		printf("# bad fixture: %s\n", s);
	if (line) {
		dq_merge_record_entry(&r, line, &how, &id, &e);
		p = e.buf;
		dq_merge_add_record(m, &p, &d);
	} else if (!dq_merge_pair_entry(&r, &how, 0, &id, &e)) {
		dq_merge_add_pairs(m, e.buf, e.len);
	}
	dq_record_release(&r);
	dq_buf_release(&e);
	dq_buf_release(&id);
}

int
main(void)
{
	struct dq_merge m;
	struct dq_survive sv;
	struct dq_golden g;
	struct dq_buf out = DQ_BUF_INIT, log = DQ_BUF_INIT;

	UNIT_INT(dq_survive_load(&sv, NULL), 0, "no survivorship section");
	dq_merge_init(&m);
	m.have_records = 1;
	add(&m, 1, "{\"id\":1,\"name\":\"Ann\",\"city\":null}");
	add(&m, 2, "{\"id\":2,\"name\":\"Anne\",\"city\":\"Oslo\","
		   "\"_dq\":{\"orig\":{\"city\":\"oslo \"}}}");
	add(&m, 3, "{\"id\":3,\"name\":\"Bo\"}");
	add(&m, 4, "{\"_dq\":{\"row\":4}}");
	add(&m, 0, "{\"a\":{\"id\":1},\"b\":{\"id\":2},\"_dq\":{\"score\":"
		   "0.99,\"decision\":\"match\"}}");
	add(&m, 0, "{\"a\":{\"id\":2},\"b\":{\"id\":3},\"_dq\":{\"score\":"
		   "0.25,\"decision\":\"match\"}}");
	/* 2-3 alone holds 3 to the others, and scores below 0.5: cut. */
	dq_merge_cluster(&m, 0.5, 0);
	UNIT_INT(m.nclusters, 3, "clusters {1, 2}, {3}, {4}");

	dq_golden_init(&g, &m, &sv, 1);
	UNIT_INT(dq_golden_write(&g, 0, &out, &log), 1, "1+2 is logged");
	UNIT_MEM(out.buf, out.len,
		 GOLDEN1, strlen(GOLDEN1),
		 "the first non-null per field, its original kept");
	UNIT_STR(log.buf,
		 "{\"cluster\":\"c65cd25028f98f158\",\"size\":2,\"members\":"
		 "[1,2],\"joined\":[{\"a\":1,\"b\":2,\"score\":0.99,\"by\":"
		 "\"score\"}],\"cut\":[{\"a\":2,\"b\":3,\"score\":0.25,"
		 "\"why\":\"weak_link\"}],\"rules\":{\"id\":\"non_null\","
		 "\"name\":\"non_null\",\"city\":\"group:address\"},"
		 "\"ties\":[\"id\",\"name\"]}\n",
		 "the log: the edge that joined and the one cut");
	dq_buf_reset(&out);
	dq_buf_reset(&log);
	UNIT_INT(dq_golden_write(&g, 1, &out, &log), 1,
		 "3 is logged: an edge was cut");
	UNIT_STR(log.buf,
		 "{\"cluster\":\"c7324dc1e7e9474f0\",\"size\":1,\"members\":"
		 "[3],\"joined\":[],\"cut\":[{\"a\":2,\"b\":3,\"score\":0.25,"
		 "\"why\":\"weak_link\"}],\"rules\":{\"id\":\"non_null\","
		 "\"name\":\"non_null\"},"
		 "\"ties\":[]}\n",
		 "the cut edge under its other end too");
	dq_buf_reset(&out);
	dq_buf_reset(&log);
	UNIT_INT(dq_golden_write(&g, 2, &out, &log), 0,
		 "4 alone, no edges: no log line");
	UNIT_STR(out.buf,
		 "{\"_dq\":{\"cluster\":\"ce28911027fcf803f\",\"members\":[4],"
		 "\"provenance\":{}}}",
		 "a record with no fields");
	UNIT_INT(log.len, 0, "nothing logged");
	dq_golden_release(&g);

	/* Without a log, nothing is written there. */
	dq_golden_init(&g, &m, &sv, 0);
	dq_buf_reset(&out);
	UNIT_INT(dq_golden_write(&g, 0, &out, &log), 0, "no log wanted");
	UNIT_INT(log.len, 0, "and none written");
	UNIT_OK(out.len > 0 && out.buf[out.len - 1] == '}',
		"the golden record still written");
	dq_golden_release(&g);

	dq_merge_release(&m);
	dq_survive_release(&sv);
	dq_buf_release(&out);
	dq_buf_release(&log);
	return unit_done();
}
