/*
 * duckdb-sql - run SQL statements in DuckDB through the library dq loads
 * for Parquet (stream/parquet), so that tests make their Parquet files
 * with DuckDB itself:
 *
 *	duckdb-sql "COPY (FROM read_json('a.ndjson')) TO 'a.parquet'"
 *
 * Exit 0, or 2 with DuckDB's message.  A test helper, not installed.
 */
#include <stdio.h>

#include "base/util.h"
#include "stream/parquet.h"

int
main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: duckdb-sql SQL\n");
		return 2;
	}
	return dq_duckdb_exec(argv[1]) ? 2 : 0;
}
