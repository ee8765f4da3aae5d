# tests/programs.bash - the dq programs the reliability tests run, and how
# to feed each one.  Adding a program to the fault-injection and
# conservation tests is one line in DQ_JOBS.
#
# Each entry is "NAME KIND ARGS...": the program dq-NAME, the kind of
# output it writes, and its arguments, where
#   @IN        is replaced by the input file (NDJSON records),
#   @CONTRACT  by tests/fixtures/reliability/people.json,
#   @TMP       by a scratch directory (for --summary, --rejects, ...),
#   @PERSON    by examples/contracts/person.json,
#   @PAIRS     by tests/fixtures/score/pairs.ndjson (candidate pairs),
#   @DOCS      by tests/fixtures/sql/violations.ndjson (a document of
#              NDJSON objects, which a document reader takes whole),
#   @REPORT    by tests/fixtures/report (dq-report's documents),
#   @SCHEMA    by tests/fixtures/contract/plain.schema.json (a JSON
#              Schema that dq-contract imports without a report).
# Record readers get --ndjson: the corpora may start with a malformed
# line, which auto-detection would take for a CSV header.  dq-merge gets
# -j 1: with worker threads the number of allocations depends on which
# worker takes which batch, and the fault test needs it fixed.
# KIND says how the conservation test accounts for records:
#   filter     records out on stdout (+ --quarantine, + --rejects);
#              every input id comes out exactly once
#   doc        one document on stdout: only in = rows + rejected counts
#   golden     golden records: ids of _dq.members cover every input id
#              exactly once (dq-merge)
#   source     reads no records (a generator): fault tests only
#   faults     reads records but writes neither them nor a profile
#              (pairs, CSV, SQL): fault tests only
DQ_JOBS=(
	"normalize filter --ndjson -c @CONTRACT --summary @TMP/sum --rejects @TMP/rej @IN"
	"validate filter --ndjson -c @CONTRACT --summary @TMP/sum --rejects @TMP/rej --quarantine @TMP/quar @IN"
	"profile doc --ndjson --summary @TMP/sum --rejects @TMP/rej @IN"
	"gen source -n 300 --seed 7 --truth @TMP/truth"
	"block faults --ndjson --rule last_name:soundex --rule email:lower --summary @TMP/sum --rejects @TMP/rej @IN"
	"score faults --ndjson -c @PERSON --summary @TMP/sum --rejects @TMP/rej @PAIRS"
	"merge faults --ndjson -j 1 -c @PERSON --records @IN --map @TMP/map --summary @TMP/sum --rejects @TMP/rej @PAIRS"
	"csv faults --ndjson --violations --summary @TMP/sum --rejects @TMP/rej @IN"
	"sql faults --run-id r1 --violations @DOCS"
	"anomaly faults --history @DOCS --metric * --all --summary @TMP/sum @DOCS"
	"report faults -c @REPORT/dedupe.json --profile @REPORT/profile.json --pairs @REPORT/pairs.ndjson --golden @REPORT/golden.ndjson --history @DOCS"
	"contract source import --from jsonschema @SCHEMA"
)

# Where the conservation test expects each kind of tests/gen-mixed line
# (see tests/conserve-check): by KIND, unless the program is listed here.
declare -gA DQ_ROUTE=(
	[validate]="good:out rule:quar bad:rej"
)

# job_route NAME KIND: the routing NAME's output must show.
job_route() {
	if [ -n "${DQ_ROUTE[$1]:-}" ]; then
		echo "${DQ_ROUTE[$1]}"
	elif [ "$2" = doc ]; then
		echo "good,rule:doc bad:rej"
	elif [ "$2" = golden ]; then
		echo "good,rule:gold bad:rej"
	else
		echo "good,rule:out bad:rej"
	fi
}

RELFIX=$BATS_TEST_DIRNAME/fixtures/reliability

# job_args ENTRY IN TMP: print the arguments of a DQ_JOBS entry, one per
# line, with the place-holders replaced (no word is ever evaluated).
job_args() {
	local w
	local -a words
	read -r -a words <<<"$1"
	for w in "${words[@]:2}"; do
		w=${w//@CONTRACT/$RELFIX/people.json}
		w=${w//@PERSON/$BATS_TEST_DIRNAME/../examples/contracts/person.json}
		w=${w//@REPORT/$BATS_TEST_DIRNAME/fixtures/report}
		w=${w//@SCHEMA/$BATS_TEST_DIRNAME/fixtures/contract/plain.schema.json}
		# The pairs file is the input of a pair reader: a test that
		# gives another input than the mixed corpus (-, a directory,
		# a missing file) means that one.
		# So is a document: a document reader refuses the whole
		# document for one malformed line, so for the mixed corpus it
		# reads a clean one.
		if [ -n "${MIXED:-}" ] && [ "$2" != "$MIXED" ]; then
			w=${w//@PAIRS/$2}
			w=${w//@DOCS/$2}
		else
			w=${w//@PAIRS/$BATS_TEST_DIRNAME/fixtures/score/pairs.ndjson}
			w=${w//@DOCS/$BATS_TEST_DIRNAME/fixtures/sql/violations.ndjson}
		fi
		w=${w//@IN/$2}
		w=${w//@TMP/$3}
		printf '%s\n' "$w"
	done
}
