/*
 * parquet.h - the records of a Parquet file, read through DuckDB's C
 * library (libduckdb.so), which is loaded at run time: dq has no
 * link-time dependency on it, and a Parquet file is the only thing that
 * needs it.
 *
 * Where the library is looked for, in order:
 *   1. $DQ_LIBDUCKDB, the path of a libduckdb.so (set but not loadable is
 *      an error, never a fall back);
 *   2. $HOME/.cache/dq/duckdb/node_modules/@duckdb/node-bindings-linux-x64/
 *      libduckdb.so, where `scripts/install-deps --parquet` puts it (from
 *      the npm package @duckdb/node-bindings-linux-x64);
 *   3. libduckdb.so on the dynamic loader's own path (a system-wide
 *      DuckDB).
 *
 * Each row becomes one JSON object, its columns in the file's order, with
 * values mapped exactly: integers of any width (64- and 128-bit too) and
 * decimals as their digits (a DECIMAL(9,2) 1.50 stays 1.50), floats as
 * the shortest text that reads back as the same float, NaN and the
 * infinities as the strings "NaN", "Infinity", "-Infinity" (JSON has no
 * such numbers); dates, times and timestamps as ISO 8601 text
 * ("2024-03-01", "10:30:00.25", "2024-03-01T10:30:00", a UTC timestamp
 * with "Z", a time with its offset), intervals as ISO 8601 durations
 * ("P1Y2M3DT4H5M6S"), UUIDs in their 8-4-4-4-12 form, enums as their
 * labels, BLOBs as base64 strings, lists and fixed-size arrays as JSON
 * arrays, structs as objects, maps as objects (a key that is not text
 * becomes its JSON text), a union as its chosen member's value, and NULL
 * as null.  A column of a type not listed is an error when the file is
 * opened.  Rows are read one DuckDB chunk (2048 rows) at a time from a
 * streaming query, so memory does not grow with the file.
 *
 *	struct dq_parquet *p = dq_parquet_open(fd, "f.parquet");
 *	if (!p)
 *		return -1;                  (message printed)
 *	while ((rc = dq_parquet_next(p, &text, &len)) == 1)
 *		...
 *	dq_parquet_close(p);                (does not close fd)
 */
#ifndef DQ_PARQUET_H
#define DQ_PARQUET_H

#include <stddef.h>

struct dq_parquet;

/*
 * Start reading the Parquet file open as fd (a regular file: Parquet is
 * read from its footer, so a pipe cannot be read), called name in
 * messages.  NULL with a message: the library is not found (the message
 * says how to install it), the file is damaged, or a column has a type
 * dq does not map.
 */
struct dq_parquet *dq_parquet_open(int fd, const char *name);
/* The next row as a JSON object: 1 and *text, *len set (borrowed until
 * the next call), 0 at the end, -1 with a message. */
int dq_parquet_next(struct dq_parquet *p, const char **text, size_t *len);
/* Free p (NULL is fine; fd stays open). */
void dq_parquet_close(struct dq_parquet *p);

/* Run SQL statements (separated by ';') in a new in-memory DuckDB
 * database: 0, or -1 with a message.  For tools and tests that make
 * Parquet files with DuckDB itself (COPY ... TO 'f.parquet'). */
int dq_duckdb_exec(const char *sql);

#endif
