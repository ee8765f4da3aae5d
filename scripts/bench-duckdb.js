// bench-duckdb.js - DuckDB's SUMMARIZE over an NDJSON or CSV file, for
// scripts/bench.
// Usage: node scripts/bench-duckdb.js FILE [NODE_PATH_DIR]
//   Loads FILE with read_csv when its name ends in .csv, else with
//   read_ndjson (gzip detected by DuckDB; types detected by DuckDB), and runs
//   SUMMARIZE on it: per column min, max, approximate distinct count,
//   average, standard deviation, quartiles, count and null percentage.
//   Prints the number of summary rows on stderr.  DuckDB uses every core.
//   @duckdb/node-api is loaded from NODE_PATH_DIR/node_modules when given
//   (scripts/bench installs it outside the repository).
'use strict';
const path = require('path');

const [file, modDir] = process.argv.slice(2);
if (!file) {
	process.stderr.write('usage: node bench-duckdb.js FILE [DIR]\n');
	process.exit(2);
}
const { DuckDBInstance } = require(modDir ?
	path.resolve(modDir, 'node_modules', '@duckdb', 'node-api') :
	'@duckdb/node-api');

(async () => {
	const db = await DuckDBInstance.create(':memory:');
	const con = await db.connect();
	const quoted = "'" + file.replace(/'/g, "''") + "'";
	const reader = /\.csv$/.test(file) ? 'read_csv' : 'read_ndjson';
	const r = await con.runAndReadAll(
		`SUMMARIZE SELECT * FROM ${reader}(${quoted})`);
	process.stderr.write(`duckdb: ${r.getRows().length} columns\n`);
})().catch((e) => {
	process.stderr.write(`duckdb: ${e.message}\n`);
	process.exit(1);
});
