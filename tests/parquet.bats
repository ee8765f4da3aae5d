#!/usr/bin/env bats
# Parquet input (lib/stream/parquet.c): rows read through DuckDB's C
# library, loaded at run time.  The library is installed on first use with
# scripts/install-deps --parquet (npm, into ~/.cache/dq/duckdb; a few
# seconds when npm's cache has it); the Parquet files are made by DuckDB
# itself through build/tests/duckdb-sql.  Without the library a Parquet
# file is an error that says how to install it.
load helpers

SQL=$BATS_TEST_DIRNAME/../build/tests/duckdb-sql

setup() {
	cd "$BATS_TEST_TMPDIR"
}

# need_duckdb: skip unless the library and the fixture maker are there.
need_duckdb() {
	duckdb_ready ||
		skip "DuckDB's library could not be installed (scripts/install-deps --parquet)"
	[ -x "$SQL" ] || skip "build/tests/duckdb-sql not built (make all)"
}

# duckdb SQL: run SQL in DuckDB (makes the Parquet fixtures).
duckdb() {
	"$SQL" "$1"
}

@test "Parquet values map exactly: 64-bit integers and decimals as digits, dates and timestamps as ISO 8601, lists and structs as JSON, NULL as null" {
	need_duckdb
	duckdb "COPY (SELECT 9223372036854775807::BIGINT b, (-9223372036854775807 - 1)::BIGINT b2, 18446744073709551615::UBIGINT u, 1.50::DECIMAL(9,2) d, -0.05::DECIMAL(18,2) d2, 123456789012345678901234567.891::DECIMAL(38,3) d3, 0.1::FLOAT f, 0.1::DOUBLE g, 'x\"y'||chr(10)||'é' s, 'a string longer than twelve bytes' s2, true t, DATE '2024-03-01' dt, DATE '1969-12-31' dt2, TIME '10:30:00.25' tm, TIME_NS '10:00:00.123456789' tmn, TIMESTAMP '2024-03-01 10:30:00' ts, TIMESTAMP '1969-12-31 23:59:59.5' ts2, TIMESTAMPTZ '2024-03-01 10:30:00+00' tz, TIMESTAMP_NS '2024-01-01 00:00:00.123456789' tns, TIMESTAMP_MS '2024-01-01 00:00:00.5' tms, INTERVAL '1 year 2 months 3 days 04:05:06.5' iv, '550e8400-e29b-41d4-a716-446655440000'::UUID id, [1,2,NULL] l, {'a': 1, 'b': [{'c': 'x'}]} st, MAP {'k': 1, 'j': 2} m, MAP {1: 'one'} m2, 'abc'::BLOB bl, 'nan'::DOUBLE nan, '-inf'::DOUBLE ninf, 'red'::ENUM('red','green') en, [1,2,3]::INTEGER[3] arr UNION ALL SELECT NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL) TO 'all.parquet'"
	run -0 --separate-stderr dq normalize --no-lineage all.parquet
	assert_output '{"b":9223372036854775807,"b2":-9223372036854775808,"u":18446744073709551615,"d":1.50,"d2":-0.05,"d3":123456789012345678901234567.891,"f":0.1,"g":0.1,"s":"x\"y\né","s2":"a string longer than twelve bytes","t":true,"dt":"2024-03-01","dt2":"1969-12-31","tm":"10:30:00.25","tmn":"10:00:00.123456789","ts":"2024-03-01T10:30:00","ts2":"1969-12-31T23:59:59.5","tz":"2024-03-01T10:30:00Z","tns":"2024-01-01T00:00:00.123456789","tms":"2024-01-01T00:00:00.5","iv":"P1Y2M3DT4H5M6.5S","id":"550e8400-e29b-41d4-a716-446655440000","l":[1,2,null],"st":{"a":1,"b":[{"c":"x"}]},"m":{"k":1,"j":2},"m2":{"1":"one"},"bl":"YWJj","nan":"NaN","ninf":"-Infinity","en":"red","arr":[1,2,3]}
{"b":null,"b2":null,"u":null,"d":null,"d2":null,"d3":null,"f":null,"g":null,"s":null,"s2":null,"t":null,"dt":null,"dt2":null,"tm":null,"tmn":null,"ts":null,"ts2":null,"tz":null,"tns":null,"tms":null,"iv":null,"id":null,"l":null,"st":null,"m":null,"m2":null,"bl":null,"nan":null,"ninf":null,"en":null,"arr":null}'
}

@test "Parquet is read in chunks: records numbered by position, in the file's order, across chunk boundaries" {
	need_duckdb
	duckdb "COPY (SELECT i AS n, CASE WHEN i = 4097 THEN 'bad' ELSE 'ok' END AS s FROM range(1, 5001) t(i)) TO 'big.parquet' (ROW_GROUP_SIZE 1000)"
	run -1 --separate-stderr dq validate --enum s=ok --summary s.json --violations v.ndjson big.parquet
	run -0 jq -c '[.line, .value]' v.ndjson
	assert_output '[4097,"bad"]'
	run -0 jq -c '.counts | [.in, .out, .rejected]' s.json
	assert_output '[5000,5000,0]'
	# Every record in order: n is its own position.
	run -0 --separate-stderr dq normalize big.parquet
	run -0 jq -r 'select(.n != ._dq.row) | .n' <<<"$output"
	assert_output ''
	run -0 jq -s 'length' <<<"$(dq normalize big.parquet)"
	assert_output 5000
}

@test "the same records as NDJSON, JSON array, pretty JSON, .gz, .zst and Parquet give byte-identical outputs and summaries" {
	need_duckdb
	cat >p.ndjson <<'JSON'
{"id":1,"name":"Ann Lee","email":"ann@x.org","age":34,"score":1.5,"since":"2024-03-01","tags":["a","b"],"addr":{"city":"Oslo","zip":"0150"}}
{"id":2,"name":"Bo","email":"bad@@x","age":-3,"score":2.25,"since":"2023-12-31","tags":[],"addr":{"city":"Bergen","zip":null}}
{"id":3,"name":null,"email":"c@x.org","age":51,"score":0.1,"since":"2022-01-15","tags":["c"],"addr":{"city":null,"zip":"5003"}}
JSON
	jq -c -s . p.ndjson >p.array.json
	jq . p.ndjson >p.pretty.json
	gzip -c p.ndjson >p.ndjson.gz
	zstd -q -c p.ndjson >p.ndjson.zst
	duckdb "COPY (FROM read_json('p.ndjson')) TO 'p.parquet'"
	for f in p.ndjson p.array.json p.pretty.json p.ndjson.gz p.ndjson.zst p.parquet; do
		run -1 --separate-stderr dq validate --type email=email --range age=0..120 --require name --summary "sv.$f" --violations "v.$f" "$f"
		printf '%s\n' "$output" >"ov.$f"
		run -0 --separate-stderr dq normalize --summary "sn.$f" "$f"
		printf '%s\n' "$output" >"on.$f"
		run -0 --separate-stderr dq profile --summary "sp.$f" "$f"
		printf '%s\n' "$output" >"op.$f"
		# Summaries name the file, and count the bytes read: a
		# document's white space and brackets are bytes too (Parquet
		# counts its records' JSON text, as NDJSON lines).
		for k in v n p; do
			stable_summary "s$k.$f" | jq 'del(.counts.bytes)' |
				sed "s/\"$f\"/\"FILE\"/" >"ss$k.$f"
		done
		sed "s/\"$f\"/\"FILE\"/" "v.$f" >"vv.$f"
	done
	for f in p.array.json p.pretty.json p.ndjson.gz p.ndjson.zst p.parquet; do
		for o in ov on op vv ssv ssn ssp; do
			run -0 diff "$o.p.ndjson" "$o.$f"
		done
	done
	# What was compared: two violations and three records.
	run -0 jq -c '[.line, .field]' vv.p.parquet
	assert_output $'[2,"email"]\n[2,"age"]\n[3,"name"]'
	run -0 jq -c '.counts | [.in, .out, .rejected]' sv.p.parquet
	assert_output '[3,3,0]'
	run -0 jq -c '[.counts.bytes, input.counts.bytes]' sv.p.ndjson sv.p.parquet
	assert_output '[396,396]'
}

@test "a Parquet file without DuckDB's library: the error says how to install it, exit 2" {
	printf 'PAR1\x15\x00\x15\x1c,a,b\n1,2,3\n' >t.parquet
	run -2 --separate-stderr env -u DQ_LIBDUCKDB HOME="$BATS_TEST_TMPDIR" "$DQ_BIN/dq-validate" --require a t.parquet
	assert_output ""
	assert_equal "$stderr" "dq-validate: t.parquet: a Parquet file, read through DuckDB: DuckDB's C library (libduckdb.so) is not installed; install it with scripts/install-deps --parquet (from dq's source tree; it puts the npm package @duckdb/node-bindings-linux-x64 in ~/.cache/dq/duckdb), or set DQ_LIBDUCKDB to a libduckdb.so"
	run -2 --separate-stderr env DQ_LIBDUCKDB=/nonexistent/libduckdb.so "$DQ_BIN/dq-profile" t.parquet
	assert_output ""
	[[ $stderr == "dq-profile: t.parquet: a Parquet file, read through DuckDB: DQ_LIBDUCKDB=/nonexistent/libduckdb.so cannot be loaded ("*"); install it with scripts/install-deps --parquet"* ]]
}

@test "Parquet from stdin redirected from a file is read; from a pipe, compressed or damaged it is exit 2" {
	need_duckdb
	duckdb "COPY (SELECT 1 AS id UNION ALL SELECT 2) TO 'two.parquet'"
	run -0 --separate-stderr dq normalize --no-lineage - <two.parquet
	assert_output $'{"id":1}\n{"id":2}'
	run -2 --separate-stderr dq normalize --no-lineage < <(cat two.parquet)
	assert_output ""
	assert_equal "$stderr" "dq-normalize: -: a Parquet file on a pipe: Parquet is read from its end (the footer), so it must be a file; save it to a file and name that"
	gzip -c two.parquet >two.parquet.gz
	run -2 --separate-stderr dq normalize two.parquet.gz
	assert_equal "$stderr" "dq-normalize: two.parquet.gz: gzip-compressed Parquet file: Parquet is read from its end, so decompress it to a file first"
	head -c 100 two.parquet >cut.parquet
	run -2 --separate-stderr dq normalize --summary s.json cut.parquet
	assert_output ""
	assert_equal "$stderr" "dq-normalize: cut.parquet: Invalid Input Error: No magic bytes found at end of file"
	[ ! -e s.json ]
	# Byte ranges of a Parquet file cannot be cut for workers.
	run -0 --separate-stderr dq profile --jobs 2 two.parquet
	run -0 jq -c '.rows' <<<"$output"
	assert_output 2
}
