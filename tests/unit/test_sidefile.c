/* Unit tests for lib/stream/sidefile.c: the strict side-file reader. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "stream/sidefile.h"
#include "unit.h"

static char path[64];

static void
write_file(const char *text, size_t n)
{
	FILE *f = fopen(path, "wb");
	fwrite(text, 1, n, f);
	fclose(f);
}

/* Read the file to the end: the last return code, the records read, the
 * bad lines and the line of the last record or bad line. */
static int
read_all(uint64_t *records, uint64_t *bad, long *line)
{
	struct dq_sidefile sf;
	int rc;

	dq_sidefile_init(&sf);
	rc = dq_sidefile_open(&sf, path);
	if (!rc)
		while ((rc = dq_sidefile_next(&sf)) > 0)
			;
	*records = sf.records;
	*bad = sf.bad;
	*line = sf.line;
	dq_sidefile_release(&sf);
	return rc;
}

static void
check(const char *what, const char *text, size_t n, int want_rc,
      uint64_t want_records, uint64_t want_bad, long want_line)
{
	uint64_t records, bad;
	long line;
	int rc;

	write_file(text, n);
	rc = read_all(&records, &bad, &line);
	printf("# %s\n", what);
	UNIT_INT(rc, want_rc, "return code");
	UNIT_INT(records, want_records, "records");
	UNIT_INT(bad, want_bad, "bad lines");
	UNIT_INT(line, want_line, "line");
}

int
main(void)
{
	struct dq_sidefile sf;
	char *big;
	size_t bign = 1 << 20;

	snprintf(path, sizeof(path), "/tmp/test_sidefile.%ld", (long)getpid());
	check("empty file", "", 0, 0, 0, 0, 0);
	check("two records", "{\"k\":1}\n{\"k\":2}\n", 16, 0, 2, 0, 2);
	check("blank lines, CRLF, no final newline",
	      "\n{\"k\":1}\r\n\r\n{\"k\":2}", 19, 0, 2, 0, 4);
	check("BOM on the first line", "\xef\xbb\xbf{\"k\":1}\n", 11, 0, 1, 0,
	      1);
	check("truncated object on line 3 stops the read",
	      "{\"k\":1}\n{\"k\":2}\n{\"k\":3\n{\"k\":4}\n", 31, -1, 2, 1, 3);
	check("an array is not an object", "[1]\n", 4, -1, 0, 1, 1);
	check("a repeated key", "{\"k\":1,\"k\":2}\n", 14, -1, 0, 1, 1);
	check("invalid UTF-8", "{\"k\":\"\xff\"}\n", 10, -1, 0, 1, 1);
	check("CSV with a header", "k,v\n1,a\n2,b\n", 12, 0, 2, 0, 3);
	check("CSV row with too many fields", "k,v\n1,a\n2,b,c\n", 14, -1, 1,
	      1, 3);

	/* A 1 MB value. */
	big = malloc(bign + 16);
	memcpy(big, "{\"k\":\"", 6);
	memset(big + 6, 'x', bign);
	memcpy(big + 6 + bign, "\"}\n", 3);
	check("a 1 MB field", big, bign + 9, 0, 1, 0, 1);
	free(big);

	/* The record is there to read. */
	write_file("{\"a\":1,\"k\":\"v\"}\n", 16);
	dq_sidefile_init(&sf);
	UNIT_INT(dq_sidefile_open(&sf, path), 0, "open");
	UNIT_INT(dq_sidefile_next(&sf), 1, "one record");
	UNIT_INT(dq_record_find(&sf.rec, "k", 1), 1, "member k is the second");
	UNIT_INT(dq_sidefile_next(&sf), 0, "then the end");
	dq_sidefile_release(&sf);

	unlink(path);
	dq_sidefile_init(&sf);
	UNIT_INT(dq_sidefile_open(&sf, path), -1, "a missing file");
	dq_sidefile_release(&sf);
	return unit_done();
}
