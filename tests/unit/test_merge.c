/* Unit tests for lib/er/merge.c: record and pair entries (ids, a record
 * named by its line, duplicate ids, every reject reason), the household
 * guard's hold cutting a chain of matches and sending the cut edge to
 * the review file, a person's decisions over the scores (undone, closed,
 * unscored, unknown, moot reviews), and an earlier run's map. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "er/merge.h"
#include "unit.h"

static const struct dq_ident how = { "id", 0, NULL };
static struct dq_record rec;
static struct dq_buf entry = DQ_BUF_INIT, id = DQ_BUF_INIT;

static const struct dq_record *
scan(const char *s)
{
	struct dq_json_error err;
	if (dq_json_scan(&rec, s, strlen(s), &err))
		printf("# bad fixture: %s\n", s);
	return &rec;
}

/* File record s (line) as --records would; 1 for a duplicate id. */
static int
add_rec(struct dq_merge *m, long line, const char *s, struct dq_merge_dup *d)
{
	const char *p;
	dq_buf_reset(&entry);
	dq_merge_record_entry(scan(s), line, &how, &id, &entry);
	p = entry.buf;
	int dup = dq_merge_add_record(m, &p, d);
	UNIT_OK(p == entry.buf + entry.len, "the record entry read whole");
	return dup;
}

/* Add pair s; its reject reason or NULL. */
static const char *
add_pair(struct dq_merge *m, const char *s)
{
	dq_buf_reset(&entry);
	const char *why = dq_merge_pair_entry(scan(s), &how, m->keep_lines,
					      &id, &entry);
	if (!why)
		dq_merge_add_pairs(m, entry.buf, entry.len);
	return why;
}

/* The clusters as "1 2 | 3": member ids, clusters in order. */
static const char *
clusters(const struct dq_merge *m)
{
	static char b[256];
	size_t o = 0;
	for (size_t i = 0; i < m->nclusters; i++)
		for (size_t k = m->cstart[i]; k < m->cstart[i + 1]; k++) {
			const struct dq_id *d =
				&m->t.node[dq_merge_member(m, k)];
			o += (size_t)snprintf(b + o, sizeof(b) - o, "%s%.*s",
					      k == 0	   ? ""
					      : k == m->cstart[i] ? " | "
								 : " ",
					      (int)d->keylen, d->key);
		}
	b[o] = 0;
	return b;
}

/* What fn writes to a struct dq_out, as a string (the caller frees). */
static char *
written(struct dq_merge *m, int review)
{
	FILE *f = tmpfile();
	struct dq_out o;
	char *s = calloc(1, 1 << 16);

	dq_out_init(&o);
	dq_out_fd(&o, dup(fileno(f)), "test");
	if (review)
		dq_merge_write_review(m, &o);
	else
		dq_merge_write_map(m, &o, "id", "d2");
	dq_out_close(&o);
	rewind(f);
	size_t n = fread(s, 1, (1 << 16) - 1, f);
	s[n] = 0;
	fclose(f);
	return s;
}

static void
test_entries(void)
{
	struct dq_merge m;
	struct dq_merge_dup d;

	dq_merge_init(&m);
	m.have_records = 1;
	UNIT_INT(add_rec(&m, 1, "{\"id\":\"x\",\"v\":1}", &d), 0, "x filed");
	UNIT_INT(add_rec(&m, 2, "{\"v\":2}", &d), 0, "no id: filed");
	UNIT_INT(add_rec(&m, 3, "{\"id\":\"x\",\"v\":3}", &d), 1,
		 "x again: a duplicate");
	UNIT_MEM(d.id, d.idlen, "x", 1, "the duplicate's id");
	UNIT_INT(d.line * 10 + d.first_line, 31, "at line 3, first at 1");
	UNIT_MEM(d.text, d.textlen, "{\"id\":\"x\",\"v\":3}", 16,
		 "the duplicate's text");
	UNIT_INT(m.t.n, 2, "two ids");
	UNIT_MEM(m.t.node[1].key, m.t.node[1].keylen, "2", 1,
		 "a record without an id is named by its line");
	UNIT_INT(m.t.node[1].str, 0, "as a number");
	UNIT_INT(m.n.records * 100 + m.n.no_id * 10 + m.n.dup_ids, 311,
		 "3 records, 1 without id, 1 duplicate");

	UNIT_STR(add_pair(&m, "{\"a\":{\"id\":1}}"), "pair has no _dq object",
		 "no _dq");
	UNIT_STR(add_pair(&m, "{\"_dq\":{\"score\":\"1\"}}"),
		 "pair has no number _dq.score", "a string score");
	UNIT_STR(add_pair(&m, "{\"_dq\":{\"score\":1,\"decision\":\"maybe\"}}"),
		 "pair has no _dq.decision match, review or distinct",
		 "an unknown decision");
	UNIT_STR(add_pair(&m, "{\"a\":{\"id\":1},\"_dq\":{\"score\":1,"
			      "\"decision\":\"match\"}}"),
		 "pair has no record 'b'", "no b");
	UNIT_STR(add_pair(&m, "{\"a\":{\"x\":1},\"b\":{\"id\":1},\"_dq\":"
			      "{\"score\":1,\"decision\":\"match\"}}"),
		 "record 'a' has no id and no _dq.row", "a without an id");
	UNIT_INT(entry.len, 0, "a rejected pair leaves no entry");
	UNIT_STR(add_pair(&m, "{\"a\":{\"id\":\"x\"},\"b\":{\"id\":\"y\"},"
			      "\"_dq\":{\"score\":0.5,\"decision\":"
			      "\"distinct\"}}"),
		 NULL, "a distinct pair");
	UNIT_STR(add_pair(&m, "{\"a\":{\"id\":\"y\"},\"b\":{\"id\":\"y\"},"
			      "\"_dq\":{\"score\":1,\"decision\":"
			      "\"match\"}}"),
		 NULL, "a pair of one id");
	UNIT_INT(m.n.pair_only_ids * 100 + m.n.distinct * 10 + m.n.self, 111,
		 "y only in pairs; one distinct; one self pair");
	UNIT_INT(m.nedges + m.nreviews, 0, "neither makes an edge");
	dq_merge_release(&m);
}

#define P(a, b, s, d, g)                                                     \
	"{\"a\":{\"id\":" #a "},\"b\":{\"id\":" #b "},\"_dq\":{\"score\":" s \
	",\"decision\":\"" d "\"" g "}}"
#define GUARD ",\"guard\":\"household\""

/* The fresh cluster ids of clusters whose smallest ids are 1, 3 and 4
 * (er/clusterid.h; test_clusterid.c checks how they are made). */
#define C1 "\"c65cd25028f98f158\""
#define C3 "\"c7324dc1e7e9474f0\""
#define C4 "\"ce28911027fcf803f\""

/* 1-2 and 2-3 matched, 1-3 held by the guard: the chain is cut. */
static void
test_hold(int hold)
{
	struct dq_merge m;
	char *r;

	dq_merge_init(&m);
	m.hold = hold;
	m.keep_lines = 1;
	add_pair(&m, P(1, 2, "0.99", "match", ""));
	add_pair(&m, P(2, 3, "0.97", "match", ""));
	add_pair(&m, P(1, 3, "0.85", "review", GUARD));
	dq_merge_cluster(&m, -1, 0);
	r = written(&m, 1);
	if (hold == DQ_MERGE_HOLD_GUARD) {
		UNIT_STR(clusters(&m), "1 2 | 3", "the guard cuts 2-3");
		UNIT_INT(m.cst.held, 1, "one edge held");
		UNIT_STR(r,
			 "{\"decision\":null,\"a\":{\"id\":2},\"b\":{\"id\":3},"
			 "\"_dq\":{\"score\":0.97,\"decision\":\"match\",\"cut\":\"held\",\"ids\":"
			 "[2,3],\"clusters\":[" C1 "," C3 "]}}\n"
			 "{\"decision\":null,\"a\":{\"id\":1},\"b\":{\"id\":3},"
			 "\"_dq\":{\"score\":0.85,\"decision\":\"review\",\"guard\":\"household\","
			 "\"ids\":[1,3],\"clusters\":[" C1 "," C3 "]}}\n",
			 "the cut match and the held pair, best first");
		UNIT_INT(m.n.review_written, 2, "two review lines");
	} else {
		UNIT_STR(clusters(&m), "1 2 3", "no hold: one cluster");
		UNIT_INT(m.cst.held, 0, "no edge held");
		UNIT_STR(r,
			 "{\"decision\":null,\"a\":{\"id\":1},\"b\":{\"id\":3},"
			 "\"_dq\":{\"score\":0.85,\"decision\":\"review\",\"guard\":\"household\","
			 "\"ids\":[1,3],\"clusters\":[" C1 "," C1 "]}}\n",
			 "the review pair, in one cluster");
	}
	free(r);
	dq_merge_release(&m);
}

static int
decide(struct dq_merge *m, const char *s)
{
	return dq_merge_decision(m, scan(s), &how, "dec.ndjson", 4);
}

/* A person's decisions over the scores. */
static void
test_decisions(void)
{
	struct dq_merge m;
	char *r;

	dq_merge_init(&m);
	m.keep_lines = 1;
	add_pair(&m, P(1, 2, "0.99", "match", ""));
	add_pair(&m, P(3, 4, "0.98", "match", ""));
	add_pair(&m, P(3, 8, "0.96", "match", ""));
	add_pair(&m, P(5, 6, "0.9", "review", ""));
	add_pair(&m, P(2, 5, "0.88", "review", ""));
	add_pair(&m, P(1, 5, "0.87", "review", ""));
	add_pair(&m, P(8, 4, "0.86", "review", ""));
	UNIT_INT(decide(&m, "{\"a\":3,\"b\":4,\"decision\":\"match\"}"), 0,
		 "3-4 match");
	UNIT_INT(decide(&m, "{\"a\":{\"id\":4},\"b\":3,\"decision\":"
			    "\"distinct\"}"),
		 0, "3-4 distinct after all: the later line wins");
	UNIT_INT(decide(&m, "{\"a\":5,\"b\":6,\"decision\":\"match\"}"), 0,
		 "5-6 match");
	UNIT_INT(decide(&m, "{\"a\":1,\"b\":6,\"decision\":\"match\"}"), 0,
		 "1-6 match, no pair proposed");
	UNIT_INT(decide(&m, "{\"a\":7,\"b\":1,\"decision\":\"match\"}"), 0,
		 "7 is unknown");
	UNIT_INT(decide(&m, "{\"a\":1,\"b\":2,\"decision\":null}"), 0,
		 "undecided");
	UNIT_INT(decide(&m, "{\"a\":[1],\"b\":2,\"decision\":\"match\"}"), -1,
		 "an array is no id");
	UNIT_INT(decide(&m, "{\"a\":1,\"b\":2,\"decision\":\"yes\"}"), -1,
		 "yes is no decision");
	dq_merge_cluster(&m, -1, 0);
	UNIT_STR(clusters(&m), "1 2 5 6 | 3 8 | 4",
		 "decisions join 1-6 and 5-6, keep 3 and 4 apart");
	UNIT_INT(m.n.undone, 1, "one match undone");
	UNIT_INT(m.n.overridden_review, 1, "one review closed");
	UNIT_INT(m.n.dec_new_edges, 1, "one match no pair proposed");
	UNIT_INT(m.n.dec_match * 10 + m.n.dec_distinct, 21,
		 "two matches, one distinct");
	UNIT_INT(m.n.dec_unknown * 10 + m.n.dec_undecided, 11,
		 "one unknown, one undecided");
	r = written(&m, 1);
	UNIT_STR(r,
		 "{\"decision\":null,\"a\":{\"id\":2},\"b\":{\"id\":5},"
		 "\"_dq\":{\"score\":0.88,\"decision\":\"review\",\"ids\":[2,5],\"clusters\":"
		 "[" C1 "," C1 "]}}\n",
		 "1-5 (joined by decisions) and 8-4 (kept apart) are moot");
	UNIT_INT(m.n.review_moot, 2, "two moot");
	free(r);
	dq_merge_release(&m);
}

/* An earlier run's map keeps its clusters and their ids. */
static void
test_previous(void)
{
	struct dq_merge m;
	char *s;

	dq_merge_init(&m);
	add_pair(&m, P(1, 2, "0.99", "match", ""));
	add_pair(&m, P(3, 4, "0.1", "distinct", ""));
	UNIT_INT(dq_merge_previous(&m, scan("{\"id\":2,\"cluster\":\"cOLD\"}"),
				   &how, "prev", 1),
		 0, "2 was in cOLD");
	UNIT_INT(dq_merge_previous(&m, scan("{\"id\":3,\"cluster\":\"cOLD\"}"),
				   &how, "prev", 2),
		 0, "3 was in cOLD");
	UNIT_INT(dq_merge_previous(&m, scan("{\"id\":9,\"cluster\":\"c9\"}"),
				   &how, "prev", 3),
		 0, "9 is gone");
	dq_merge_cluster(&m, -1, 0);
	UNIT_STR(clusters(&m), "1 2 3 | 4", "2 and 3 stay together");
	UNIT_STR(dq_merge_cluster_of(&m, 0), "cOLD", "and keep their id");
	UNIT_INT(m.ci.kept * 10 + m.ci.fresh, 11, "one kept, one new");
	s = written(&m, 0);
	UNIT_STR(s,
		 "{\"id\":1,\"cluster\":\"cOLD\",\"first_seen\":\"d2\","
		 "\"last_seen\":\"d2\"}\n"
		 "{\"id\":2,\"cluster\":\"cOLD\",\"first_seen\":\"d2\","
		 "\"last_seen\":\"d2\"}\n"
		 "{\"id\":3,\"cluster\":\"cOLD\",\"first_seen\":\"d2\","
		 "\"last_seen\":\"d2\"}\n"
		 "{\"id\":4,\"cluster\":" C4 ",\"first_seen\":\"d2\","
		 "\"last_seen\":\"d2\"}\n"
		 "{\"id\":9,\"cluster\":\"c9\",\"vanished\":true}\n",
		 "the map, the vanished id last");
	free(s);
	dq_merge_release(&m);
}

int
main(void)
{
	dq_record_init(&rec);
	test_entries();
	test_hold(DQ_MERGE_HOLD_GUARD);
	test_hold(DQ_MERGE_HOLD_NONE);
	test_decisions();
	test_previous();
	dq_record_release(&rec);
	dq_buf_release(&entry);
	dq_buf_release(&id);
	return unit_done();
}
