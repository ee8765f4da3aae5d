/* Unit tests for lib/er/labels.c: "id<TAB>entity" files read, CR LF and
 * empty lines, an id given twice, a table grown past its first size, and
 * the errors of a bad line and a missing file. */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "er/labels.h"
#include "unit.h"

/* Write text to a fresh temporary file; its path into path. */
static void
write_tmp(char *path, const char *text)
{
	int fd;
	FILE *f;

	strcpy(path, "/tmp/dq-test-labels.XXXXXX");
	fd = mkstemp(path);
	f = fd >= 0 ? fdopen(fd, "w") : NULL;
	if (!f) {
		perror("mkstemp");
		exit(2);
	}
	fputs(text, f);
	fclose(f);
}

static int
same(const struct dq_labels *l, const char *a, const char *b)
{
	return dq_labels_same(l, a, strlen(a), b, strlen(b));
}

static void
test_read(void)
{
	struct dq_labels l;
	char path[64];

	dq_labels_init(&l);
	write_tmp(path, "p1\te1\r\np2\te1\n\np3\te2\np4\te9\np4\te2\n");
	UNIT_INT(dq_labels_load(&l, path), 0, "loads");
	UNIT_INT(l.n, 4, "four ids (p4 twice)");
	UNIT_INT(same(&l, "p1", "p2"), 1, "one entity (CR LF line)");
	UNIT_INT(same(&l, "p1", "p3"), 0, "two entities");
	UNIT_INT(same(&l, "p3", "p4"), 1, "an id given twice keeps the last");
	UNIT_INT(same(&l, "p1", "p5"), -1, "p5 not labelled");
	UNIT_INT(same(&l, "", "p1"), -1, "the empty id is not labelled");
	unlink(path);
	dq_labels_release(&l);
	UNIT_INT(same(&l, "p1", "p2"), -1, "released: nothing labelled");
}

/* 3000 ids, entity = id / 3: the table grows from 1024 slots twice. */
static void
test_grow(void)
{
	struct dq_labels l;
	char path[64], *text = malloc(3000 * 24), a[16], b[16];
	size_t at = 0;
	int bad = 0;

	for (int i = 0; i < 3000; i++)
		at += (size_t)sprintf(text + at, "id%d\tent%d\n", i, i / 3);
	write_tmp(path, text);
	free(text);
	dq_labels_init(&l);
	UNIT_INT(dq_labels_load(&l, path), 0, "3000 labels load");
	UNIT_INT(l.n, 3000, "3000 ids");
	UNIT_INT(l.cap, 8192, "the table at most half full");
	for (int i = 0; i + 1 < 3000; i++) {
		snprintf(a, sizeof(a), "id%d", i);
		snprintf(b, sizeof(b), "id%d", i + 1);
		bad += same(&l, a, b) != (i / 3 == (i + 1) / 3);
	}
	UNIT_INT(bad, 0, "every neighbour's entity as written");
	unlink(path);
	dq_labels_release(&l);
}

static void
test_errors(void)
{
	struct dq_labels l;
	char path[64];

	dq_labels_init(&l);
	write_tmp(path, "p1\te1\n\tno id\n");
	UNIT_INT(dq_labels_load(&l, path), -1, "a line without an id");
	unlink(path);
	write_tmp(path, "p1\te1\np2 e2\n");
	UNIT_INT(dq_labels_load(&l, path), -1, "a line without a tab");
	unlink(path);
	write_tmp(path, "p1\t\n");
	UNIT_INT(dq_labels_load(&l, path), -1, "a line without an entity");
	unlink(path);
	UNIT_INT(dq_labels_load(&l, "/nonexistent/labels.tsv"), -1,
		 "a missing file");
	dq_labels_release(&l);
}

int
main(void)
{
	test_read();
	test_grow();
	test_errors();
	return unit_done();
}
