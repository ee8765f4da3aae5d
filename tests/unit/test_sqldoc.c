/* Unit tests for lib/sql/doc.c: a document read whole, an NDJSON
 * document line by line (blank and white-space lines skipped, CRLF, the
 * line numbers messages name), the errors (no such file, invalid JSON,
 * not an object) and the NUL count behind dq-sql's warning. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sql/doc.h"
#include "stream/json.h"
#include "unit.h"

#define JV_IS(v, lit, what) UNIT_MEM((v).s, (v).n, lit, sizeof(lit) - 1, what)

static char path[] = "/tmp/test_sqldoc.XXXXXX";

/* Make path hold s. */
static void
put(const char *s)
{
	FILE *f = fopen(path, "w");
	fputs(s, f);
	fclose(f);
}

int
main(void)
{
	struct dq_sql_doc d;
	struct dq_sql_jv v;
	size_t pos = 0;
	int fd = mkstemp(path);

	close(fd);
	UNIT_INT(dq_sql_count_nul("", 0), 0, "nothing, no NUL");
	UNIT_INT(dq_sql_count_nul("\"a\\u0000b\\u0000\"", 16), 2,
		 "two NULs in a string");
	UNIT_INT(dq_sql_count_nul("\"\\\\u0000\"", 9), 0,
		 "an escaped backslash, then u0000: no NUL");
	UNIT_INT(dq_sql_count_nul("{\"k\\u0000\":\"\\u00000\"}", 21), 2,
		 "in a key and before a digit");
	UNIT_INT(dq_sql_count_nul("\"\\u000", 6), 0, "cut short: none");

	dq_sql_doc_init(&d);
	put(" \t{\"a\":[1, 2]}\r\n\n");
	UNIT_INT(dq_sql_doc_json(&d, path, &v), 0, "a whole document");
	JV_IS(v, "{\"a\":[1, 2]}", "white space around it trimmed");
	UNIT_INT(v.type, DQ_JSON_OBJECT, "an object");
	UNIT_INT(d.line, 1, "line 1");

	put("{\"a\":1}\r\n\n  \t\n{\"b\":\"\\u0000\"}\n{\"c\":3}");
	UNIT_INT(dq_sql_doc_read(&d, path), 0, "read again, replaced");
	UNIT_INT(dq_sql_doc_next(&d, &pos, &v), 1, "line 1");
	JV_IS(v, "{\"a\":1}", "without its CR");
	UNIT_INT(dq_sql_doc_next(&d, &pos, &v), 1, "line 4");
	JV_IS(v, "{\"b\":\"\\u0000\"}", "a NUL passes (with a warning)");
	UNIT_INT(d.line, 4, "blank and white-space lines counted");
	UNIT_INT(dq_sql_doc_next(&d, &pos, &v), 1, "line 5, no newline");
	JV_IS(v, "{\"c\":3}", "the last line");
	UNIT_INT(dq_sql_doc_next(&d, &pos, &v), 0, "the end");
	UNIT_INT(v.type, -1, "nothing at the end");
	UNIT_INT(dq_sql_doc_next(&d, &pos, &v), 0, "still the end");

	put("{\"a\":1}\n[1]\n");
	pos = 0;
	UNIT_INT(dq_sql_doc_read(&d, path), 0, "an array on line 2");
	UNIT_INT(dq_sql_doc_next(&d, &pos, &v), 1, "line 1 fine");
	UNIT_INT(dq_sql_doc_next(&d, &pos, &v), -1, "line 2 is no object");
	UNIT_INT(d.line, 2, "the line the message names");

	put("{\"a\":}");
	UNIT_INT(dq_sql_doc_json(&d, path, &v), -1, "invalid JSON");
	put("\"text\"");
	UNIT_INT(dq_sql_doc_json(&d, path, &v), -1, "a string, no object");
	put("");
	UNIT_INT(dq_sql_doc_json(&d, path, &v), -1, "an empty file");
	put("");
	pos = 0;
	UNIT_INT(dq_sql_doc_read(&d, path), 0, "an empty NDJSON file");
	UNIT_INT(dq_sql_doc_next(&d, &pos, &v), 0, "has no lines");
	unlink(path);
	UNIT_INT(dq_sql_doc_read(&d, path), -1, "no such file");
	dq_sql_doc_release(&d);
	UNIT_INT(d.text.len, 0, "released");
	return unit_done();
}
