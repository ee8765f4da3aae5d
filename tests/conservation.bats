#!/usr/bin/env bats
# Conservation: nothing lost, nothing duplicated.  For many seeds,
# tests/gen-mixed writes a corpus of valid records, records that break the
# rules of fixtures/reliability/people.json and malformed lines, with the
# truth of which is which; every program in DQ_JOBS (tests/programs.bash)
# and the pipeline normalize | validate run on it, and tests/conserve-check
# checks exactly where every input id went, that the rejects hold the
# malformed lines byte for byte, and in = out + quarantined + rejected.
# CONSERVE_SEEDS (default 12) sets how many corpora; CONSERVE_LINES
# (default 400) their length.
load helpers
load programs

SEEDS=${CONSERVE_SEEDS:-12}
LINES=${CONSERVE_LINES:-400}

# conserve ENTRY SEED: run one DQ_JOBS entry on corpus SEED and check it.
# Odd seeds split the corpus over two input files.
conserve() {
	local entry=$1 seed=$2 name kind tmp rc=0
	local -a ins
	name=${entry%% *}
	kind=${entry#* }
	kind=${kind%% *}
	tmp=$BATS_TEST_TMPDIR/$name-$seed
	mkdir -p "$tmp"
	"$BATS_TEST_DIRNAME/gen-mixed" "$seed" "$LINES" "$tmp/kinds" \
		>"$tmp/in"
	ins=("$tmp/in")
	if ((seed % 2)); then
		head -n $((LINES / 3)) "$tmp/in" >"$tmp/in1"
		tail -n +$((LINES / 3 + 1)) "$tmp/in" >"$tmp/in2"
		ins=("$tmp/in1" "$tmp/in2")
	fi
	mapfile -t args < <(job_args "$entry" "@IN" "$tmp")
	args=("${args[@]:0:${#args[@]}-1}" "${ins[@]}")
	"$DQ_BIN/dq-$name" "${args[@]}" >"$tmp/out" 2>"$tmp/err" || rc=$?
	if [ "$rc" -gt 1 ]; then
		echo "dq-$name seed $seed: exit $rc"
		cat "$tmp/err"
		return 1
	fi
	local -a files=("rej=$tmp/rej" "sum=$tmp/sum")
	if [ "$kind" = doc ]; then
		files+=("doc=$tmp/out")
	elif [ "$kind" = golden ]; then
		files+=("gold=$tmp/out")
	else
		files+=("out=$tmp/out")
	fi
	[ -e "$tmp/quar" ] && files+=("quar=$tmp/quar")
	"$BATS_TEST_DIRNAME/conserve-check" "$tmp/in" "$tmp/kinds" \
		"$(job_route "$name" "$kind")" "${files[@]}" ||
		{ echo "dq-$name seed $seed: see above"; return 1; }
}

@test "every program: each input id ends up in exactly one place, many seeds" {
	local entry seed n=0
	for entry in "${DQ_JOBS[@]}"; do
		[[ $entry == *" @IN"* ]] || continue
		[[ ${entry#* } == faults* ]] && continue
		for ((seed = 1; seed <= SEEDS; seed++)); do
			conserve "$entry" "$seed"
			n=$((n + 1))
		done
	done
	# normalize, validate and profile at least.
	[ "$n" -ge $((3 * SEEDS)) ]
}

# pipe DIR: DIR/in through normalize | validate; the statuses in
# DIR/status.
pipe() {
	local c=$RELFIX/people.json
	"$DQ_BIN/dq-normalize" --ndjson -c "$c" --rejects "$1/r1" \
		--summary "$1/s1" "$1/in" 2>/dev/null |
		"$DQ_BIN/dq-validate" -c "$c" --rejects "$1/r2" \
		--quarantine "$1/q" --summary "$1/s2" >"$1/out" 2>/dev/null
	echo "${PIPESTATUS[*]}" >"$1/status"
}

@test "pipeline normalize | validate: in = out + quarantined + rejected, ids kept" {
	local seed tmp
	local -a st
	for ((seed = 101; seed < 101 + SEEDS; seed++)); do
		tmp=$BATS_TEST_TMPDIR/pipe-$seed
		mkdir -p "$tmp"
		"$BATS_TEST_DIRNAME/gen-mixed" "$seed" "$LINES" "$tmp/kinds" \
			>"$tmp/in"
		# Called with || so that errexit does not stop it at exit 1.
		pipe "$tmp" || true
		read -r -a st <"$tmp/status"
		[ "${st[0]}" -le 1 ] && [ "${st[1]}" -le 1 ] ||
			{ echo "seed $seed: exit ${st[*]}"; return 1; }
		# dq-normalize hands on only valid records.
		[ ! -s "$tmp/r2" ]
		"$BATS_TEST_DIRNAME/conserve-check" "$tmp/in" "$tmp/kinds" \
			"good:out rule:quar bad:rej" "out=$tmp/out" \
			"quar=$tmp/q" "rej=$tmp/r1" "rej=$tmp/r2" \
			"sum=$tmp/s1" "sum=$tmp/s2" ||
			{ echo "pipeline seed $seed: see above"; return 1; }
		# What left dq-normalize is what entered dq-validate.
		run jq -r '.counts.out' "$tmp/s1"
		local mid=$output
		run jq -r '.counts.in' "$tmp/s2"
		[ "$output" = "$mid" ]
	done
}

@test "conserve-check catches a lost record and a misrouted one" {
	local tmp=$BATS_TEST_TMPDIR/self c=$RELFIX/people.json
	mkdir -p "$tmp"
	"$BATS_TEST_DIRNAME/gen-mixed" 9 100 "$tmp/kinds" >"$tmp/in"
	"$DQ_BIN/dq-validate" --ndjson -c "$c" --rejects "$tmp/rej" --quarantine \
		"$tmp/quar" --summary "$tmp/sum" "$tmp/in" >"$tmp/out" 2>/dev/null ||
		true
	sed '$d' "$tmp/out" >"$tmp/short"
	run -1 "$BATS_TEST_DIRNAME/conserve-check" "$tmp/in" "$tmp/kinds" \
		"good:out rule:quar bad:rej" "out=$tmp/short" "quar=$tmp/quar" \
		"rej=$tmp/rej" "sum=$tmp/sum"
	[[ $output == "out: missing [b't9n"* ]]
	run -1 "$BATS_TEST_DIRNAME/conserve-check" "$tmp/in" "$tmp/kinds" \
		"good,rule:out bad:rej" "out=$tmp/out" "quar=$tmp/quar" \
		"rej=$tmp/rej" "sum=$tmp/sum"
	[[ $output == *"quar: missing [] extra [b't9n"* ]]
}
