# Shared set-up for dq's Bats files.
bats_require_minimum_version 1.5.0
# bats-support and bats-assert, sourced file by file: their load.bash
# files run dirname(1) once per file, and Bats's `load` resolves each path
# again; for every test that cost 15 processes and about a quarter of a
# second, a tenth of the whole suite's time.
dq_bats_lib=${DQ_BATS_LIB:-/usr/lib/bats}
for dq_f in bats-support/src/output bats-support/src/error \
	bats-support/src/lang bats-assert/src/assert bats-assert/src/refute \
	bats-assert/src/assert_equal bats-assert/src/assert_not_equal \
	bats-assert/src/assert_success bats-assert/src/assert_failure \
	bats-assert/src/assert_output bats-assert/src/refute_output \
	bats-assert/src/assert_line bats-assert/src/refute_line \
	bats-assert/src/assert_regex bats-assert/src/refute_regex; do
	# shellcheck disable=SC1090
	source "$dq_bats_lib/$dq_f.bash"
done
unset dq_f

DQ_BIN=$(cd "${DQ_BIN:-$BATS_TEST_DIRNAME/../bin}" && pwd)
FIX=$BATS_TEST_DIRNAME/fixtures
export DQ_RUN_ID=test-run

# dq NAME ARGS...: the program under test from the chosen build.
dq() {
	local name=$1
	shift
	"$DQ_BIN/dq-$name" "$@"
}

# count_lines FILE: number of lines in FILE (0 for a missing file).
count_lines() {
	if [ -f "$1" ]; then wc -l <"$1" | tr -d ' '; else echo 0; fi
}

# stable_summary FILE: a --summary document without what changes from run
# to run (times, run id), keys sorted, so that two runs compare with cmp.
stable_summary() {
	jq -S 'del(.started, .ended, .duration_ms, .run_id)' "$1"
}

# duckdb_ready: 0 when DuckDB's library (for Parquet input) is there:
# $DQ_LIBDUCKDB, or ~/.cache/dq/duckdb, installed on first use with
# scripts/install-deps --parquet (npm; seconds from npm's cache).
duckdb_ready() {
	[ -n "${DQ_LIBDUCKDB:-}" ] && return 0
	local lib=$HOME/.cache/dq/duckdb/node_modules/@duckdb/node-bindings-linux-x64/libduckdb.so
	[ -f "$lib" ] && return 0
	timeout 300 "$BATS_TEST_DIRNAME/../scripts/install-deps" --parquet \
		>/dev/null 2>&1
	[ -f "$lib" ]
}

# csv_hard FILE: a CSV file that is hard to cut: a byte order mark,
# CRLF line ends, quoted fields holding line ends, doubled quotes and
# commas, blank lines, and rows with malformed quoting (a quote inside an
# unquoted field; text after a closing quote), whose rejection ends the
# row at the end of its line.
csv_hard() {
	awk 'BEGIN {
		printf "\357\273\277id,name,note,amount\r\n"
		for (i = 1; i <= 6000; i++) {
			k = i % 13
			if (k == 1)
				note = "\"line one\r\nline \"\"two\"\"\n3, with comma\""
			else if (k == 4)
				note = "bad\"quote"
			else if (k == 7)
				note = "\"closed\"junk"
			else if (k == 9)
				note = "\"\n\n1,\"\"2\"\",3\n\""
			else
				note = "plain " i
			if (k == 11)
				printf "\r\n"
			printf "%d,\"N%d\",%s,%d.%02d\r\n", i, i % 97, note, i % 500, i % 100
		}
	}' >"$1"
}
