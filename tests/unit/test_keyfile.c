/* Unit tests for lib/er/keyfile.c: sorted key lines read back as blocks,
 * the guard of the first pass, the keys of skipped blocks cleared, the
 * pairs of a block, --slim projection, several files, and the lines the
 * first pass refuses. */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "er/keyfile.h"
#include "unit.h"

#define MEM_IS(p, n, lit, what) UNIT_MEM(p, n, lit, sizeof(lit) - 1, what)

static char path[2][64];
static size_t asked, maxb[2] = { 2, 3 };
static struct dq_buf got = DQ_BUF_INIT;

/* Write lines[0..n) sorted (as LC_ALL=C sort) to path[f]. */
static int
cmpstr(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void
write_lines(int f, char **lines, size_t n, int sort)
{
	FILE *o;
	int fd;

	snprintf(path[f], sizeof(path[f]), "/tmp/test_keyfileXXXXXX");
	fd = mkstemp(path[f]);
	o = fdopen(fd, "w");
	if (sort)
		qsort(lines, n, sizeof(*lines), cmpstr);
	for (size_t i = 0; i < n; i++)
		fprintf(o, "%s\n", lines[i]);
	fclose(o);
}

/* The key lines of four records under two rules: records 0, 1 and 2
 * share key "A" of rule 0, records 0, 1 and 3 key "X" of rule 1. */
static size_t
make_lines(char **lines, unsigned char src3)
{
	const char *k0[4] = { "A", "A", "A", "B" }, *k1[4] = { "X", "X", NULL,
							      "X" };
	const char *rec[4] = { "{\"id\":0,\"x\":1}", "{\"id\":1,\"x\":1}",
			       "{\"id\":2,\"x\":1}", "{\"id\":3,\"x\":1}" };
	struct dq_buf common = DQ_BUF_INIT, l = DQ_BUF_INIT;
	size_t n = 0;

	for (int i = 0; i < 4; i++) {
		uint64_t h[2] = { k0[i][0], k1[i] ? (uint64_t)k1[i][0] : 0 };
		const char *k[2] = { k0[i], k1[i] };
		dq_keyline_common(&common, (uint64_t)i,
				  i == 3 ? src3 : DQ_KEYLINE_DEDUPE, 0, h, 2);
		for (size_t r = 0; r < 2; r++) {
			if (!h[r])
				continue;
			dq_buf_reset(&l);
			dq_keyline_add(&l, r, h[r], &common, k[r], 1, rec[i],
				       strlen(rec[i]));
			lines[n++] = dq_xstrndup(l.buf, l.len);
		}
	}
	dq_buf_release(&common);
	dq_buf_release(&l);
	return n;
}

static int
guard(void *ctx, const struct dq_keyline *first, size_t size)
{
	asked++;
	dq_buf_addf(&got, "%zu:%.*s:%zu;", first->rule, (int)first->keylen,
		    first->key, size);
	return size > maxb[first->rule];
}

static void
pair(void *ctx, const struct dq_keyline *a, const struct dq_keyline *b)
{
	dq_buf_addf(&got, "(%.*s %.*s)", (int)a->reclen, a->rec,
		    (int)b->reclen, b->rec);
}

static void
test_blocks(void)
{
	char *lines[8], *files[2];
	size_t n = make_lines(lines, DQ_KEYLINE_DEDUPE);
	struct dq_keyfile kf;
	uint64_t found = 0, written = 0;

	write_lines(0, lines, n, 1);
	files[0] = path[0];
	UNIT_INT(dq_keyfile_open(&kf, files, 1, 2, NULL), 0, "opened");
	UNIT_INT(dq_keyfile_guard(&kf, guard, NULL), 0, "first pass");
	MEM_IS(got.buf, got.len, "0:\"A\":3;1:\"X\":3;",
	       "the guard asked about the blocks of two or more");
	dq_buf_reset(&got);
	UNIT_INT(dq_keyfile_next(&kf), 1, "block 1");
	UNIT_INT(kf.n * 10 + kf.skip, 31, "rule 0's A: 3 lines, skipped");
	UNIT_INT(dq_keyfile_pairs(&kf, pair, NULL, &found), 0, "no pairs");
	UNIT_INT(dq_keyfile_next(&kf), 1, "block 2");
	UNIT_INT(kf.n * 10 + kf.skip, 10, "rule 0's B: one line");
	UNIT_INT(dq_keyfile_next(&kf), 1, "block 3");
	UNIT_INT(kf.n * 10 + kf.skip, 30, "rule 1's X: kept");
	UNIT_INT(kf.kl[0].h[0] + kf.kl[1].h[0], 0,
		 "records 0 and 1: their skipped key of rule 0 cleared");
	UNIT_INT(kf.kl[2].h[0], 'B', "record 3's key B stays");
	written = dq_keyfile_pairs(&kf, pair, NULL, &found);
	UNIT_INT(written * 10 + found, 33, "three pairs found and written");
	MEM_IS(got.buf, got.len,
	       "({\"id\":0,\"x\":1} {\"id\":1,\"x\":1})"
	       "({\"id\":0,\"x\":1} {\"id\":3,\"x\":1})"
	       "({\"id\":1,\"x\":1} {\"id\":3,\"x\":1})", "in input order");
	UNIT_INT(dq_keyfile_next(&kf), 0, "the end");
	UNIT_INT(dq_keyfile_next(&kf), 0, "stays at the end");
	dq_keyfile_release(&kf);
	unlink(path[0]);

	/* Incremental: record 3 new, the others existing. */
	for (size_t i = 0; i < n; i++)
		free(lines[i]);
	n = make_lines(lines, DQ_KEYLINE_NEW);
	for (size_t i = 0; i < n; i++)
		if (lines[i][33] == 'd')
			lines[i][33] = DQ_KEYLINE_OLD;
	/* Split over two files, read through a temporary copy. */
	qsort(lines, n, sizeof(*lines), cmpstr);
	write_lines(0, lines, 3, 0);
	write_lines(1, lines + 3, n - 3, 0);
	files[0] = path[0];
	files[1] = path[1];
	maxb[0] = 5;
	dq_buf_reset(&got);
	UNIT_INT(dq_keyfile_open(&kf, files, 2, 2, NULL), 0, "two files");
	UNIT_INT(dq_keyfile_guard(&kf, guard, NULL), 0, "first pass");
	dq_buf_reset(&got);
	found = written = 0;
	while (dq_keyfile_next(&kf) > 0)
		written += dq_keyfile_pairs(&kf, pair, NULL, &found);
	UNIT_INT(written * 10 + found, 22,
		 "incremental: only pairs with the new record 3");
	MEM_IS(got.buf, got.len,
	       "({\"id\":0,\"x\":1} {\"id\":3,\"x\":1})"
	       "({\"id\":1,\"x\":1} {\"id\":3,\"x\":1})",
	       "(0,1) and (0,2) old with old: not paired");
	dq_keyfile_release(&kf);
	unlink(path[0]);
	unlink(path[1]);
	for (size_t i = 0; i < n; i++)
		free(lines[i]);
}

static void
test_slim(void)
{
	char *lines[8], *files[1];
	size_t n = make_lines(lines, DQ_KEYLINE_DEDUPE);
	struct dq_keyfile kf;
	struct dq_blockrec slim;
	static struct dq_fs_model cmp;
	uint64_t found = 0;

	cmp.n = 0;
	dq_blockrec_init(&slim, "id", &cmp);
	write_lines(0, lines, n, 1);
	files[0] = path[0];
	maxb[0] = 5;
	UNIT_INT(dq_keyfile_open(&kf, files, 1, 2, &slim), 0, "opened");
	UNIT_INT(dq_keyfile_guard(&kf, guard, NULL), 0, "first pass");
	UNIT_INT(dq_keyfile_next(&kf), 1, "block A");
	dq_buf_reset(&got);
	UNIT_INT(dq_keyfile_pairs(&kf, pair, NULL, &found), 3, "3 pairs");
	MEM_IS(got.buf, got.len,
	       "({\"id\":0} {\"id\":1})({\"id\":0} {\"id\":2})"
	       "({\"id\":1} {\"id\":2})", "records projected on the id");
	dq_keyfile_release(&kf);
	unlink(path[0]);
	for (size_t i = 0; i < n; i++)
		free(lines[i]);
}

/* The first pass over lines[0..n) as given: its status. */
static int
first_pass(char **lines, size_t n)
{
	struct dq_keyfile kf;
	char *files[1] = { path[0] };
	int rc;

	write_lines(0, lines, n, 0);
	rc = dq_keyfile_open(&kf, files, 1, 2, NULL);
	if (!rc)
		rc = dq_keyfile_guard(&kf, guard, NULL);
	dq_keyfile_release(&kf);
	unlink(path[0]);
	return rc;
}

static void
test_refused(void)
{
	char *lines[8], *files[1] = { "/nonexistent/keys" };
	size_t n = make_lines(lines, DQ_KEYLINE_DEDUPE);
	struct dq_keyfile kf;
	char *t;

	UNIT_INT(dq_keyfile_open(&kf, files, 1, 2, NULL), -1, "no such file");
	dq_keyfile_release(&kf);
	qsort(lines, n, sizeof(*lines), cmpstr);
	t = lines[0];
	lines[0] = lines[3];
	lines[3] = t;
	UNIT_INT(first_pass(lines, n), -1, "not sorted: B before A");
	qsort(lines, n, sizeof(*lines), cmpstr);
	t = lines[1];
	lines[1] = lines[0];
	UNIT_INT(first_pass(lines, n), -1, "a record twice in a block");
	lines[1] = t;
	UNIT_INT(first_pass(lines, n), 0, "the sorted lines pass");
	t = lines[0];
	lines[0] = "00\t0000000000000041\tnot a key line";
	UNIT_INT(first_pass(lines, n), -1, "not a key line");
	lines[0] = t;
	for (size_t i = 0; i < n; i++)
		free(lines[i]);
}

int
main(void)
{
	test_blocks();
	test_slim();
	test_refused();
	dq_buf_release(&got);
	return unit_done();
}
