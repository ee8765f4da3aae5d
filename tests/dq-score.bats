#!/usr/bin/env bats
# dq-score: decisions at the thresholds, the household guard, swapped
# names, the explanation, the model round trip, rejects, exit statuses.

load helpers

setup() {
	T=$BATS_TEST_TMPDIR
	S=$FIX/score
	PERSON=$BATS_TEST_DIRNAME/../examples/contracts/person.json
}

@test "help goes to stdout, exit 0" {
	run -0 dq score --help
	assert_line --partial "usage: dq-score"
	assert_line --partial "--model FILE"
	assert_line --partial "--train FILE"
	assert_line --partial "--labels FILE"
}

@test "decisions exactly at the thresholds (weighted model)" {
	run -0 --separate-stderr dq score -c "$S/weighted.json" "$S/thresholds.ndjson"
	assert_line -n 0 --partial '"_dq":{"score":0.95,"decision":"match",'
	assert_line -n 1 --partial '"_dq":{"score":0.8,"decision":"review",'
	assert_line -n 2 --partial '"_dq":{"score":0.79,"decision":"distinct",'
	# Missing and null values say nothing either way.
	assert_line -n 3 --partial '"_dq":{"score":0,"decision":"distinct","features":{"a":{"level":"null","similarity":0,"weight":0},'
	# 0.95 + 0.8 + 0.79 is capped at 1.
	assert_line -n 4 --partial '"_dq":{"score":1,"decision":"match",'
	# Thresholds from --set: 0.95 is now below the match mark.
	run -0 --separate-stderr dq score -c "$S/weighted.json" \
		--set thresholds.match=0.96 --set thresholds.review=0.95 \
		"$S/thresholds.ndjson"
	assert_line -n 0 --partial '"score":0.95,"decision":"review"'
	assert_line -n 1 --partial '"score":0.8,"decision":"distinct"'
}

@test "the explanation: score, decision, features, the pair's own _dq kept" {
	run -0 --separate-stderr dq score -c "$S/household.json" "$S/household.ndjson"
	assert_line -n 2 '{"a":{"id":"s1","first_name":"Robert","last_name":"Kowalski","phone":"+1 206 555 0100","dob":"1970-01-02"},"b":{"id":"s2","first_name":"Bob","last_name":"Kowalski","phone":"(206) 555-0100","dob":"1970-02-01"},"_dq":{"rules":["phone","dob"],"score":1,"decision":"match","match_weight":27.116,"features":{"first_name":{"level":"nickname","similarity":0.95,"weight":5.3219},"last_name":{"level":"exact","similarity":1,"weight":6.4919},"dob":{"level":"swapped","similarity":0.9,"weight":8.9658},"phone":{"level":"exact","similarity":1,"weight":12.9658},"email":{"level":"null","similarity":0,"weight":0}}}}'
}

@test "a blank value is missing as contract/types.h says: it does not agree" {
	# A no-break space on both sides, or [] on both, said "exact" and
	# added its weight; missing values are compared as null.
	printf '%s\n' '{"a":{"id":"n1","first_name":"\u00a0","last_name":"Kowalski","phone":"+1 206 555 0100","email":[]},"b":{"id":"n2","first_name":"\u00a0","last_name":"Kowalski","phone":"(206) 555-0100","email":[]},"_dq":{"rules":["phone"]}}' >"$T/blank.ndjson"
	run -0 --separate-stderr dq score -c "$S/household.json" "$T/blank.ndjson"
	run -0 jq -c '[._dq.score, ._dq.decision, ._dq.features.first_name, ._dq.features.email.level]' <<<"$output"
	assert_output '[0.999863,"match",{"level":"null","similarity":0,"weight":0},"null"]'
}

@test "household guard: shared phone and email, other first name: review" {
	run -0 --separate-stderr dq score -c "$S/household.json" \
		--summary "$T/sum.json" "$S/household.ndjson"
	# Score 0.999973 would be a match; the guard lowers it.
	assert_line -n 0 --partial '"score":0.999973,"decision":"review","match_weight":15.1794,"guard":"household",'
	# The same date of birth with another first name is twins: review
	# too (the date is an "unless" field and a "differ" field, and a phone is shared).
	assert_line -n 1 --partial '"score":0.999999,"decision":"review","match_weight":20.2966,"guard":"twins","features"'
	run -0 jq -c '[.decisions, .guarded, .counts.in, .counts.out]' "$T/sum.json"
	assert_output '[{"match":2,"review":2,"distinct":0},2,4,4]'
	# Without the guard the household is merged.
	jq 'del(.compare.guard)' "$S/household.json" >"$T/noguard.json"
	run -0 --separate-stderr dq score -c "$T/noguard.json" "$S/household.ndjson"
	assert_line -n 0 --partial '"score":0.999973,"decision":"match",'
}

@test "a typo of a nickname is close, so the household guard lets it pass" {
	# Patrick and "Pta" (Pat, misspelt) at one phone and email: one
	# person; Patrick and Pam (a name of its own) stay a household.
	for n in Pta Pam; do
		printf '{"a":{"id":"k1","first_name":"Patrick","last_name":"Kowalski","phone":"+1 206 555 0100","email":"kowalski@x.org","dob":"1970-01-02"},"b":{"id":"k2","first_name":"%s","last_name":"Kowalski","phone":"(206) 555-0100","email":"kowalski@x.org","dob":null},"_dq":{"rules":["phone"]}}\n' "$n"
	done >"$T/typo.ndjson"
	run -0 --separate-stderr dq score -c "$S/household.json" "$T/typo.ndjson"
	run -0 jq -c '[.b.first_name, ._dq.decision, ._dq.guard, ._dq.features.first_name.level]' <<<"$output"
	assert_output '["Pta","match",null,"close"]
["Pam","review","household","different"]'
}

@test "first and last name written in each other's place" {
	run -0 --separate-stderr dq score -c "$S/household.json" "$S/household.ndjson"
	assert_line -n 3 --partial '"features":{"first_name":{"level":"close","similarity":0.95,"weight":3.3219,"swapped":true},"last_name":{"level":"exact","similarity":1,"weight":6.4919,"swapped":true},'
	jq '.compare.fields.first_name |= del(.swap_with)' "$S/household.json" >"$T/noswap.json"
	run -0 --separate-stderr dq score -c "$T/noswap.json" "$S/household.ndjson"
	assert_line -n 3 --partial '"score":0.034229,"decision":"distinct"'
}

@test "phone last_n only when one side is partial, never for two complete numbers" {
	# +14155552671 and +16505552671 share the last 7 digits but are two
	# complete numbers: different.  A side with only the local digits
	# agrees on the last 7.
	printf '%s\n' '{"compare":{"model":"weighted","fields":{"phone":{"comparator":"phone","weight":1,"last_digits":7}}},"thresholds":{"match":0.95,"review":0.5}}' >"$T/phone.json"
	printf '%s\n' \
		'{"a":{"id":"1","phone":"+14155552671"},"b":{"id":"2","phone":"+16505552671"}}' \
		'{"a":{"id":"1","phone":"+14155552671"},"b":{"id":"3","phone":"555-2671"}}' \
		'{"a":{"id":"4","phone":"555-2671"},"b":{"id":"2","phone":"+16505552671"}}' \
		'{"a":{"id":"1","phone":"+14155552671"},"b":{"id":"5","phone":"(415) 555-2671"}}' >"$T/phone.ndjson"
	run -0 --separate-stderr dq score -c "$T/phone.json" "$T/phone.ndjson"
	run -0 jq -c '[._dq.features.phone.level, ._dq.score, ._dq.decision]' <<<"$output"
	assert_output - <<'EOF'
["different",0,"distinct"]
["last_n",0.7,"review"]
["last_n",0.7,"review"]
["exact",1,"match"]
EOF
}

@test "model round trip: --train then --model scores as training in place" {
	run -0 --separate-stderr dq score -c "$PERSON" "$S/pairs.ndjson"
	printf '%s\n' "$output" >"$T/inplace"
	run -0 --separate-stderr dq score -c "$PERSON" --train "$T/model.json" "$S/pairs.ndjson"
	assert_output ""
	run -0 jq -c '[.dq_model, .model, .training.pairs, .training.records, (.fields | keys | length)]' "$T/model.json"
	# 134 pairs, of which 32 households are left out of training; 184
	# distinct records; 9 compared fields.
	assert_output '[1,"fellegi-sunter",102,184,9]'
	run -0 --separate-stderr dq score -c "$PERSON" --model "$T/model.json" "$S/pairs.ndjson"
	printf '%s\n' "$output" >"$T/withmodel"
	cmp "$T/inplace" "$T/withmodel"
	run -0 jq -r '._dq.decision' "$T/withmodel"
	[ "$(printf '%s\n' "$output" | grep -c '^match$')" -eq 75 ]
	[ "$(printf '%s\n' "$output" | grep -c '^review$')" -eq 20 ]
	[ "$(printf '%s\n' "$output" | grep -c '^distinct$')" -eq 39 ]
	# A model is a pure per-pair filter: scoring the halves apart gives
	# the same lines.
	head -n 60 "$S/pairs.ndjson" >"$T/h1"
	tail -n +61 "$S/pairs.ndjson" >"$T/h2"
	dq score -c "$PERSON" --model "$T/model.json" "$T/h1" >"$T/o1"
	dq score -c "$PERSON" --model "$T/model.json" "$T/h2" >"$T/o2"
	cat "$T/o1" "$T/o2" | cmp - "$T/withmodel"
}

@test "labels: m and the prior from the labelled pairs" {
	jq -r '[.a.id, .b.id] | @tsv' "$S/pairs.ndjson" | head -n 3 |
		awk '{ print $1 "\tE" NR; print $2 "\tE" NR }' >"$T/labels.tsv"
	run -0 --separate-stderr dq score -c "$PERSON" --labels "$T/labels.tsv" \
		--train "$T/m.json" "$S/pairs.ndjson"
	run -0 jq -c '[.training.labelled, .training.em_iterations]' "$T/m.json"
	assert_output '[true,0]'
	printf 'no tab here\n' >"$T/bad.tsv"
	run -2 --separate-stderr dq score -c "$PERSON" --labels "$T/bad.tsv" "$S/pairs.ndjson"
	[[ "$stderr" == *"bad.tsv:1: expected \"id<TAB>entity\""* ]]
}

# trained MODEL MATCHES: the model's possible pairs and records per
# source, whether lambda x the possible pairs is MATCHES (within EM's
# tolerance: its matches are not quite certain) and u of exact agreement
# on name, in millionths.
trained() {
	jq -c --argjson e "$2" '[.training.possible_pairs,
		.training.link_records,
		(.lambda * .training.possible_pairs |
			. > $e * 0.995 and . < $e * 1.002),
		(.fields.name.levels[0].u * 1e6 | round)]' "$1"
}

# link2.ndjson: a link of two files of 10 records each (a1..a10, b1..b10),
# 10 candidates of which 5 agree on every field and 5 on none (link.json
# compares four fields exactly).  The prior is the chance that two
# records the link could pair match: 5 / (10 x 10), not 5 over all
# 20 x 19 / 2 pairs of records, which counts pairs within one file that a
# link never makes.  The EM's matches are not quite certain (u of exact
# agreement across the files is 5.5/101).
@test "--link: the prior of a two-file link is over the pairs across the files" {
	run -0 --separate-stderr dq score -c "$S/link.json" --link \
		--train "$T/m.json" --summary "$T/sum.json" "$S/link2.ndjson"
	run -0 trained "$T/m.json" 5
	# u from the 100 pairs across the files: 5 agree, (5 + 0.5) / 101.
	assert_output '[100,[10,10],true,54455]'
	run -0 jq -c '.link' "$T/sum.json"
	assert_output '{"from":"--link","records":[10,10],"possible_pairs":100}'
	# Without --link the pairs are a dedupe's, as before: 5 / 190.
	run -0 --separate-stderr dq score -c "$S/link.json" --train "$T/d.json" \
		--summary "$T/dsum.json" "$S/link2.ndjson"
	run -0 trained "$T/d.json" 5
	assert_output '[190,null,true,28796]'
	run -0 jq -c '.link' "$T/dsum.json"
	assert_output 'null'
	# Scored in place the same way: the matches are matches.
	run -0 --separate-stderr dq score -c "$S/link.json" --link "$S/link2.ndjson"
	[ "$(printf '%s\n' "$output" | grep -c '"decision":"match"')" -eq 5 ]
	run -2 --separate-stderr dq score -c "$S/link.json" --link \
		--model "$T/m.json" "$S/link2.ndjson"
	[[ "$stderr" == *"--link is for training; it cannot be used with --model"* ]]
}

# link3.ndjson: a link of three files of 5 records each, as dq-block --link
# of three files writes it (_dq.sources): 3 entities in every file (9
# true pairs) and 3 candidates that agree on nothing.  The possible pairs
# are 3 x 5 x 5 = 75 and the prior 9 / 75, not 9 / (15 x 14 / 2).
@test "_dq.sources: a link of three files is known without --link" {
	run -0 --separate-stderr dq score -c "$S/link.json" --train "$T/m.json" \
		--summary "$T/sum.json" "$S/link3.ndjson"
	assert_output ""
	[ -z "$stderr" ]
	run -0 trained "$T/m.json" 9
	# u from the 75 pairs across the files: 9 agree, 9.5 / 76.
	assert_output '[75,[5,5,5],true,125000]'
	run -0 jq -c '.link' "$T/sum.json"
	assert_output '{"from":"_dq.sources","records":[5,5,5],"possible_pairs":75}'
	# Pairs with and without sources: no link, said.
	head -n 1 "$S/link2.ndjson" >"$T/mixed.ndjson"
	cat "$S/link3.ndjson" >>"$T/mixed.ndjson"
	run -0 --separate-stderr dq score -c "$S/link.json" --train "$T/x.json" \
		"$T/mixed.ndjson"
	[[ "$stderr" == *"warning: 12 pairs carry _dq.sources and 1 do not: not known as a link"* ]]
	run -0 jq -c '.training.link_records' "$T/x.json"
	assert_output 'null'
	# A _dq.sources that is not two source numbers is read as none.
	sed '1s/"sources":\[1,2\]/"sources":[1,1]/' "$S/link3.ndjson" >"$T/bad.ndjson"
	run -0 --separate-stderr dq score -c "$S/link.json" --train "$T/x.json" \
		"$T/bad.ndjson"
	[[ "$stderr" == *"warning: 1 pairs with a _dq.sources that is not two different source numbers from 1 to 64"* ]]
}

@test "rejects: lines that are not pairs, counted; exit 1 past --max-rejects" {
	printf '%s\n' '[1,2]' '{"a":{"id":1},"b":"x"}' '{"a":{"id":1,"a":"x"},"b":{"id":2,"a":"x"}}' 'not json' >"$T/in"
	run -1 --separate-stderr dq score -c "$S/weighted.json" --rejects "$T/rej" \
		--summary "$T/sum.json" "$T/in"
	assert_output --partial '"_dq":{"score":0.95,"decision":"match"'
	[ "${#lines[@]}" -eq 1 ]
	run -0 jq -c '[.line, .reason]' "$T/rej"
	assert_line -n 0 '[1,"not a JSON object"]'
	assert_line -n 1 "[2,\"not a candidate pair (needs objects 'a' and 'b')\"]"
	[ "$(count_lines "$T/rej")" -eq 3 ]
	run -0 jq -c '[.counts.in, .counts.out, .counts.rejected]' "$T/sum.json"
	assert_output '[4,1,3]'
	run -0 --separate-stderr dq score -c "$S/weighted.json" --max-rejects 3 "$T/in"
}

@test "empty input: no output, exit 0" {
	: >"$T/empty"
	run -0 --separate-stderr dq score -c "$S/weighted.json" "$T/empty"
	assert_output ""
	# Training in place on nothing.
	run -0 --separate-stderr dq score -c "$PERSON" "$T/empty"
	assert_output ""
	run -0 --separate-stderr dq score -c "$PERSON" --train "$T/m.json" "$T/empty"
	run -0 jq -c '[.training.pairs, .lambda]' "$T/m.json"
	assert_output '[0,0.1]'
}

@test "a model whose m or u are not probabilities is refused (m = 2, sums not 1)" {
	run -0 --separate-stderr dq score -c "$PERSON" --train "$T/model.json" "$S/pairs.ndjson"
	jq '.fields.first_name.levels[0].m = 2' "$T/model.json" >"$T/m2.json"
	run -2 --separate-stderr dq score -c "$PERSON" --model "$T/m2.json" "$S/pairs.ndjson"
	assert_output ""
	[[ "$stderr" == *"m2.json"*"field 'first_name': each level needs 'm' and 'u' in (0, 1]"* ]]
	jq '.fields.email.levels[0].u = 0.5' "$T/model.json" >"$T/u.json"
	run -2 --separate-stderr dq score -c "$PERSON" --model "$T/u.json" "$S/pairs.ndjson"
	assert_output ""
	[[ "$stderr" == *"field 'email': the levels' 'm' sum to 1 and their 'u' to 1.497: each must sum to 1"* ]]
}

@test "errors: contract, model and usage problems exit 2 before output" {
	run -2 --separate-stderr dq score --set compare.fields.a.comparator=soundex "$S/thresholds.ndjson"
	assert_output ""
	[[ "$stderr" == *"'compare.fields.a.comparator': unknown comparator"* ]]
	run -2 --separate-stderr dq score --set compare.fields.a.colour=1 "$S/thresholds.ndjson"
	[[ "$stderr" == *"unknown key 'compare.fields.a.colour'"* ]]
	run -2 --separate-stderr dq score --set thresholds.sure=1 "$S/thresholds.ndjson"
	[[ "$stderr" == *"unknown key 'thresholds.sure'"* ]]
	run -2 --separate-stderr dq score -c "$S/weighted.json" --set thresholds.review=0.99 "$S/thresholds.ndjson"
	[[ "$stderr" == *"'thresholds.review' is above 'thresholds.match'"* ]]
	run -2 --separate-stderr dq score --model "$T/absent.json" "$S/thresholds.ndjson"
	assert_output ""
	[[ "$stderr" == *"absent.json"* ]]
	echo '{"dq_model":1}' >"$T/m.json"
	run -2 --separate-stderr dq score --model "$T/m.json" "$S/thresholds.ndjson"
	[[ "$stderr" == *"'lambda' (in (0, 1)) and 'fields' are required"* ]]
	run -2 --separate-stderr dq score --model "$T/m.json" --train "$T/x.json" "$S/thresholds.ndjson"
	[[ "$stderr" == *"--model and --train cannot be used together"* ]]
	run -2 --separate-stderr dq score --u-pairs 0 "$S/thresholds.ndjson"
	[[ "$stderr" == *"--u-pairs: '0' is not a whole number from 1 to 1000000000"* ]]
	run -2 --separate-stderr dq score "$T/absent.ndjson"
	assert_output ""
}

@test "a full disk is exit 2; a closed pipe is quiet" {
	run -2 --separate-stderr sh -c '"$0" -c "$1" "$2" >/dev/full' \
		"$DQ_BIN/dq-score" "$S/weighted.json" "$S/thresholds.ndjson"
	run -0 --separate-stderr sh -c '"$0" -c "$1" "$2" | head -n 1 >/dev/null' \
		"$DQ_BIN/dq-score" "$PERSON" "$S/pairs.ndjson"
	assert_output ""
	[ -z "$stderr" ]
}

@test "dq-eval: completeness, reduction ratio, precision, recall, F1" {
	EVAL=$BATS_TEST_DIRNAME/../scripts/dq-eval
	printf '1\tA\n2\tA\n3\tA\n4\tB\n5\tB\n6\tC\n' >"$T/truth.tsv"
	{
		echo '{"a":{"id":"1"},"b":{"id":"2"},"_dq":{"decision":"match"}}'
		echo '{"a":{"id":"1"},"b":{"id":"3"},"_dq":{"decision":"review"}}'
		echo '{"a":{"id":"4"},"b":{"id":"5"},"_dq":{"decision":"distinct"}}'
		echo '{"a":{"id":"2"},"b":{"id":"6"},"_dq":{"decision":"match"}}'
		echo '{"a":{"id":"5"},"b":{"id":"6"},"_dq":{"decision":"distinct"}}'
	} >"$T/scored.ndjson"
	# 4 true pairs (3 in A, 1 in B), 3 among the 5 candidates of 15.
	run -0 "$EVAL" --truth "$T/truth.tsv" --json "$T/scored.ndjson"
	assert_output '{"records":6,"true_pairs":4,"candidates":5,"true_candidates":3,"pair_completeness":0.750000,"reduction_ratio":0.666667,"match":{"decided":2,"true":1,"precision":0.500000,"recall":0.250000,"f1":0.333333},"match_or_review":{"decided":3,"true":2,"precision":0.666667,"recall":0.500000,"f1":0.571429}}'
	# A link of three files of 2 records: 4 + 4 + 4 pairs across two
	# files, not 15.
	run -0 "$EVAL" --truth "$T/truth.tsv" --link 2,2,2 --json "$T/scored.ndjson"
	assert_output --partial '"records":6,'
	assert_output --partial '"reduction_ratio":0.583333,'
	run -0 "$EVAL" --truth "$T/truth.tsv" --link 4,2 "$T/scored.ndjson"
	assert_line 'reduction ratio    0.375000'
	for bad in 6 2,,2 ,2,2 2,2, 2,x; do
		run -2 "$EVAL" --truth "$T/truth.tsv" --link "$bad" "$T/scored.ndjson"
		assert_output "dq-eval: --link '$bad' is not two record counts or more, comma-separated"
	done
	run -2 "$EVAL" --truth "$T/truth.tsv" --link 2,2 -n 4 "$T/scored.ndjson"
	assert_output "dq-eval: --link gives the record counts: no -n"
	# FEBRL ids: rec-N-org and rec-N-dup-K are entity N.
	printf '%s\n' '{"id":"rec-1-org"}' '{"id":"rec-1-dup-0"}' '{"id":"rec-1-dup-1"}' '{"id":"rec-2-org"}' >"$T/febrl.ndjson"
	echo '{"a":{"id":"rec-1-org"},"b":{"id":"rec-1-dup-1"},"_dq":{"rules":["x"]}}' >"$T/pairs.ndjson"
	run -0 "$EVAL" --febrl --records "$T/febrl.ndjson" "$T/pairs.ndjson"
	assert_line 'true pairs         3'
	assert_line 'pair completeness  0.333333'
	assert_line 'reduction ratio    0.833333'
	refute_line --partial 'precision'
	run -0 "$EVAL" --help
	assert_line --partial 'Usage: dq-eval'
	run -2 "$EVAL" "$T/pairs.ndjson"
	assert_output --partial 'give --truth FILE or --febrl'
	run -2 "$EVAL" --febrl "$T/pairs.ndjson"
	assert_output --partial '--febrl needs --records FILE'
}

# Scores sit on and just under the thresholds 0.97 and 0.95, so a sweep
# that counted "score > T" instead of "score >= T", or compared the 6
# decimals in floating point, gives other rows.
sweep_fixture() {
	printf '1\tA\n2\tA\n3\tA\n4\tB\n5\tB\n6\tC\n7\tC\n8\tD\n' >"$T/truth.tsv"
	local p
	for p in "1 2 1" "1 3 0.999999" "4 5 0.97" "1 4 0.969999" "2 3 0.95" \
		"6 7 0.9" "6 8 0.8" "3 8 0.3"; do
		set -- $p
		printf '{"a":{"id":"%s"},"b":{"id":"%s"},"_dq":{"score":%s}}\n' "$1" "$2" "$3"
	done >"$T/scored.ndjson"
}

@test "dq-eval --sweep: pairs at or above each threshold, precision, recall, F1, suggested thresholds" {
	EVAL=$BATS_TEST_DIRNAME/../scripts/dq-eval
	sweep_fixture
	# 5 true pairs: 1-2, 1-3, 2-3, 4-5, 6-7; 1-4, 6-8 and 3-8 are false.
	run -0 --separate-stderr "$EVAL" --sweep --truth "$T/truth.tsv" "$T/scored.ndjson"
	assert_line --index 0 'threshold    pairs     true  precision     recall         F1'
	assert_line '0.500000         7        5   0.714286   1.000000   0.833333'
	assert_line '0.800000         7        5   0.714286   1.000000   0.833333'
	assert_line '0.810000         6        5   0.833333   1.000000   0.909091'
	assert_line '0.900000         6        5   0.833333   1.000000   0.909091'
	assert_line '0.910000         5        4   0.800000   0.800000   0.800000'
	assert_line '0.950000         5        4   0.800000   0.800000   0.800000'
	assert_line '0.960000         4        3   0.750000   0.600000   0.666667'
	assert_line '0.970000         3        3   1.000000   0.600000   0.750000'
	assert_line '0.980000         2        2   1.000000   0.400000   0.571429'
	assert_line '0.999999         2        2   1.000000   0.400000   0.571429'
	assert_line --index 87 '1.000000         1        1   1.000000   0.200000   0.333333'
	assert_line --index 88 'true pairs 5'
	# match: the lowest threshold with precision >= 0.99 (0.97: 3 of 3);
	# review: F1 at its highest at or below it (0.90: 0.909091).
	assert_line --index 89 'suggested thresholds {"match":0.97,"review":0.9}'
	[ "${#lines[@]}" -eq 90 ]
	[ "$stderr" = "dq-eval: 3 pairs at or above 0.97 are too few to show precision 0.99 (300 needed)" ]

	run -0 --separate-stderr "$EVAL" --sweep --json --precision 0.8 --truth "$T/truth.tsv" "$T/scored.ndjson"
	[ "$(jq -c '.sweep | length' <<<"$output")" = 87 ]
	[ "$(jq -c '.sweep[0], .sweep[30], .sweep[31], .sweep[86]' <<<"$output")" = '{"threshold":0.5,"pairs":7,"true":5,"precision":0.714286,"recall":1,"f1":0.833333}
{"threshold":0.8,"pairs":7,"true":5,"precision":0.714286,"recall":1,"f1":0.833333}
{"threshold":0.81,"pairs":6,"true":5,"precision":0.833333,"recall":1,"f1":0.909091}
{"threshold":1,"pairs":1,"true":1,"precision":1,"recall":0.2,"f1":0.333333}' ]
	[ "$(jq -c 'del(.sweep)' <<<"$output")" = '{"true_pairs":5,"scored":8,"left_out":0,"precision_target":0.8,"thresholds":{"match":0.81,"review":0.81}}' ]
	[ "$stderr" = "dq-eval: 6 pairs at or above 0.81 are too few to show precision 0.8 (15 needed)" ]

	# No threshold reaches precision 0.999 once the top pair is false.
	sed 's/"id":"2"},"_dq":{"score":1}/"id":"8"},"_dq":{"score":1}/' "$T/scored.ndjson" >"$T/top-false.ndjson"
	run -1 --separate-stderr "$EVAL" --sweep --json --precision 0.999 --truth "$T/truth.tsv" "$T/top-false.ndjson"
	[ "$(jq -c '.thresholds, .sweep[86]' <<<"$output")" = 'null
{"threshold":1,"pairs":1,"true":0,"precision":0,"recall":0,"f1":0}' ]
	[ "$stderr" = "dq-eval: no threshold reaches precision 0.999: no thresholds suggested" ]
}

@test "dq-eval --sweep --decisions: a person's decisions are the truth, undecided pairs left out" {
	EVAL=$BATS_TEST_DIRNAME/../scripts/dq-eval
	sweep_fixture
	# Ids or whole records, either order; a later line wins; null is
	# undecided; 7-9 was decided match but never scored (lowers recall).
	cat >"$T/decisions.ndjson" <<-'EOF'
	{"a":{"id":"1"},"b":{"id":"4"},"decision":"match"}
	{"a":"5","b":"4","decision":"match"}
	{"a":"2","b":"3","decision":"match"}
	{"a":"6","b":"8","decision":null}
	{"a":"7","b":"9","decision":"match"}
	{"a":"4","b":"1","decision":"distinct"}
	EOF
	run -0 --separate-stderr "$EVAL" --sweep --decisions "$T/decisions.ndjson" "$T/scored.ndjson"
	assert_line '0.950000         3        2   0.666667   0.666667   0.666667'
	assert_line '0.960000         2        1   0.500000   0.333333   0.400000'
	assert_line '0.970000         1        1   1.000000   0.333333   0.500000'
	assert_line '0.980000         0        0          -   0.000000   0.000000'
	assert_line 'true pairs 3'
	# F1 ties from 0.95 down: the highest of them is the review threshold.
	assert_line 'suggested thresholds {"match":0.97,"review":0.95}'
	[ "$stderr" = "dq-eval: 5 of 8 scored pairs have no decision and are left out
dq-eval: 1 pairs at or above 0.97 are too few to show precision 0.99 (300 needed)" ]
	run -0 --separate-stderr "$EVAL" --sweep --json --decisions "$T/decisions.ndjson" "$T/scored.ndjson"
	[ "$(jq -c '.sweep[49]' <<<"$output")" = '{"threshold":0.99,"pairs":0,"true":0,"precision":null,"recall":0,"f1":0}' ]
}

@test "dq-eval --sweep: unscored pairs, bad decisions and bad options are refused" {
	EVAL=$BATS_TEST_DIRNAME/../scripts/dq-eval
	sweep_fixture
	echo '{"a":{"id":"1"},"b":{"id":"2"},"_dq":{"decision":"match"}}' >"$T/unscored.ndjson"
	run -2 --separate-stderr "$EVAL" --sweep --truth "$T/truth.tsv" "$T/unscored.ndjson"
	[ "$stderr" = "dq-eval: pair 1 (1, 2) has no _dq.score: --sweep needs scored pairs" ]
	assert_output ""
	echo '{"a":{"id":"1"},"b":{"id":"2"},"_dq":{"score":1.5}}' >"$T/over.ndjson"
	run -2 --separate-stderr "$EVAL" --sweep --truth "$T/truth.tsv" "$T/over.ndjson"
	[ "$stderr" = "dq-eval: pair 1 (1, 2): score 1.5 is not from 0 to 1" ]
	echo '{"a":"1","b":"2","decision":"yes"}' >"$T/bad.ndjson"
	run -2 --separate-stderr "$EVAL" --sweep --decisions "$T/bad.ndjson" "$T/scored.ndjson"
	[ "$stderr" = "dq-eval: $T/bad.ndjson:1: decision 'yes' is not match or distinct" ]
	printf 'a,b,decision\n1,2,match\n' >"$T/d.csv"
	run -2 --separate-stderr "$EVAL" --sweep --decisions "$T/d.csv" "$T/scored.ndjson"
	[ "$stderr" = "dq-eval: $T/d.csv: not decisions (NDJSON lines with a, b and decision)" ]
	run -2 "$EVAL" --decisions "$T/bad.ndjson" "$T/scored.ndjson"
	assert_line --index 0 'dq-eval: --decisions is for --sweep'
	run -2 "$EVAL" --sweep --truth "$T/truth.tsv" --decisions "$T/bad.ndjson" "$T/scored.ndjson"
	assert_line --index 0 'dq-eval: --decisions cannot be used with --truth or --febrl'
	for p in 0 1 1.0 0. .5 0.9x abc; do
		run -2 "$EVAL" --sweep --precision "$p" --truth "$T/truth.tsv" "$T/scored.ndjson"
		assert_output "dq-eval: --precision: '$p' is not a number above 0 and below 1"
	done
}

# With a model, scoring runs in worker threads; a big enough input spans
# many batches.  Output, rejects and summary are those of one thread.
@test "--jobs: scoring with a model gives the same bytes for 1, 2 and 4 workers" {
	run -0 --separate-stderr dq score -c "$PERSON" --train "$T/model.json" "$S/pairs.ndjson"
	for i in $(seq 1 60); do cat "$S/pairs.ndjson"; done |
		awk 'NR % 1000 == 0 { print "{\"a\":1}" } { print }' >"$T/many"
	for j in 1 2 4; do
		run -1 dq score -q -c "$PERSON" --model "$T/model.json" -j "$j" \
			--rejects "$T/rej$j" --summary "$T/s$j.json" "$T/many"
		printf '%s\n' "$output" >"$T/out$j"
		stable_summary "$T/s$j.json" >"$T/sum$j"
	done
	for j in 2 4; do
		cmp "$T/out1" "$T/out$j"
		cmp "$T/rej1" "$T/rej$j"
		cmp "$T/sum1" "$T/sum$j"
	done
	run -0 jq -c '[.counts.in, .counts.out, .counts.rejected, .decisions.match + .decisions.review + .decisions.distinct]' "$T/s4.json"
	assert_output '[8048,8040,8,8040]'
	run -0 jq -r '.reason' "$T/rej4"
	assert_line --index 0 "not a candidate pair (needs objects 'a' and 'b')"
	run -2 dq score -j 0 </dev/null
}

@test "--explain: features only on the pairs of the listed decisions" {
	run -0 --separate-stderr dq score -c "$S/weighted.json" "$S/thresholds.ndjson"
	printf '%s\n' "$output" >"$T/all"
	run -0 --separate-stderr dq score -c "$S/weighted.json" --explain match,review "$S/thresholds.ndjson"
	printf '%s\n' "$output" >"$T/mr"
	# The distinct pairs lose their features, nothing else changes.
	assert_line -n 2 --partial '"_dq":{"score":0.79,"decision":"distinct"}}'
	assert_line -n 3 --partial '"_dq":{"score":0,"decision":"distinct"}}'
	run -0 jq -c 'if ._dq.decision == "distinct" then del(._dq.features) else . end' "$T/all"
	printf '%s\n' "$output" >"$T/expect"
	run -0 jq -c . "$T/mr"
	printf '%s\n' "$output" >"$T/got"
	cmp "$T/expect" "$T/got"
	run -0 --separate-stderr dq score -c "$S/weighted.json" --explain distinct "$S/thresholds.ndjson"
	assert_line -n 0 --partial '"_dq":{"score":0.95,"decision":"match"}}'
	assert_line -n 2 --partial '"_dq":{"score":0.79,"decision":"distinct","features":{'
	run -0 --separate-stderr dq score -c "$S/weighted.json" --explain none "$S/thresholds.ndjson"
	refute_output --partial features
	# Fellegi-Sunter keeps match_weight.
	run -0 --separate-stderr dq score -c "$PERSON" --explain none "$S/pairs.ndjson"
	assert_line -n 0 --regexp '"decision":"[a-z]+","match_weight":-?[0-9.]+}}$'
	run -2 --separate-stderr dq score -c "$S/weighted.json" --explain match,maybe "$S/thresholds.ndjson"
	[ -z "$output" ]
	assert_equal "$stderr" "dq-score: --explain: 'maybe' is not match, review, distinct or none
Try 'dq-score --help' for more information."
}

@test "--sample draws pairs by their ids: the same model from slim and whole pairs" {
	dq gen -n 3000 --seed 4 | dq normalize -q -c "$PERSON" >"$T/clean"
	dq block -q -c "$PERSON" "$T/clean" >"$T/full"
	dq block -q -c "$PERSON" --slim "$T/clean" >"$T/slim"
	run -0 --separate-stderr dq score -c "$PERSON" --sample 0.3 --train "$T/m_full" "$T/full"
	run -0 --separate-stderr dq score -c "$PERSON" --sample 0.3 --train "$T/m_slim" "$T/slim"
	cmp "$T/m_full" "$T/m_slim"
	# The sample did leave pairs out (and another seed draws others).
	run -0 jq '.training.pairs' "$T/m_full"
	[ "$output" -lt "$(wc -l <"$T/full")" ]
	[ "$output" -gt 0 ]
	run -0 --separate-stderr dq score -c "$PERSON" --sample 0.3 --seed 2 --train "$T/m_seed" "$T/full"
	run -1 cmp -s "$T/m_full" "$T/m_seed"
	# Scored with the model, slim pairs get the whole pairs' _dq.
	run -0 --separate-stderr dq score -c "$PERSON" --model "$T/m_full" "$T/full"
	printf '%s\n' "$output" | jq -c '._dq' >"$T/dq_full"
	run -0 --separate-stderr dq score -c "$PERSON" --model "$T/m_full" "$T/slim"
	printf '%s\n' "$output" | jq -c '._dq | del(.slim)' >"$T/dq_slim"
	cmp "$T/dq_full" "$T/dq_slim"
}

@test "record identity: a record without an id is its _dq.row, slim or whole (issue 13, 15)" {
	# dq-block stamps _dq.row (and _dq.file) on records without an id;
	# dq-score names them by it, as dq-merge does, not by their text,
	# so --sample draws the same pairs from slim and whole pairs.
	dq gen -n 2000 --seed 5 | jq -c 'del(.id)' >"$T/raw"
	dq normalize -q -c "$PERSON" --no-lineage "$T/raw" >"$T/clean"
	dq block -q -c "$PERSON" "$T/clean" >"$T/full"
	dq block -q -c "$PERSON" --slim "$T/clean" >"$T/slim"
	run -0 jq -c 'select(.a._dq.row == null)' "$T/full"
	assert_output ''
	run -0 --separate-stderr dq score -c "$PERSON" --sample 0.3 --train "$T/m_full" "$T/full"
	run -0 --separate-stderr dq score -c "$PERSON" --sample 0.3 --train "$T/m_slim" "$T/slim"
	run -0 cmp "$T/m_full" "$T/m_slim"
}

@test "twins: same dob, email, phone and address, other first names: review, not match (issue 15, 4)" {
	# Emma and Olivia Garcia, twins; their mother Maria; Emma again with
	# "Street" spelt out; Emma and "Emmy" (a typo of her name: one
	# person).  A national id that agrees still lifts the guard, and so
	# does a personal email that names one of them (olivia.garcia@:
	# Emma is Olivia under another name, not her twin).
	g='"last_name":"Garcia","email":"garcia@x.org","phone":"+12065550100","street":"12 Oak St"'
	printf '%s\n' \
		'{"a":{"id":"g1","first_name":"Emma",'"$g"',"dob":"2010-04-01"},"b":{"id":"g2","first_name":"Olivia",'"$g"',"dob":"2010-04-01"}}' \
		'{"a":{"id":"g1","first_name":"Emma",'"$g"',"dob":"2010-04-01"},"b":{"id":"g3","first_name":"Maria",'"$g"',"dob":"1980-02-03"}}' \
		'{"a":{"id":"g1","first_name":"Emma",'"$g"',"dob":"2010-04-01"},"b":{"id":"g4","first_name":"Emmy",'"$g"',"dob":"2010-04-01"}}' \
		'{"a":{"id":"g1","first_name":"Emma",'"$g"',"dob":"2010-04-01","national_id":"123456789"},"b":{"id":"g5","first_name":"Olivia",'"$g"',"dob":"2010-04-01","national_id":"123456789"}}' \
		"$(printf '%s\n' '{"a":{"id":"g1","first_name":"Emma",'"$g"',"dob":"2010-04-01"},"b":{"id":"g6","first_name":"Olivia",'"$g"',"dob":"2010-04-01"}}' | sed 's/garcia@x.org/olivia.garcia@x.org/g')" \
		>"$T/twins.ndjson"
	jq '.compare.fields.national_id = {"comparator":"exact","m":[0.9,0.1],"u":[0.0001,0.9999]}
		| .compare.fields.street = {"comparator":"jaro_winkler","m":[0.9,0.05,0.03,0.02],"u":[0.01,0.01,0.03,0.95]}
		| .compare.guard = {"shared":["email","phone","street"],"differ":["first_name","dob"],"unless":["dob","national_id"]}' \
		"$S/household.json" >"$T/c.json"
	run -0 --separate-stderr dq score -c "$T/c.json" "$T/twins.ndjson"
	printf '%s\n' "$output" | jq -c '[.b.id, ._dq.decision, ._dq.guard]' >"$T/d"
	run -0 cat "$T/d"
	assert_output "$(printf '%s\n' '["g2","review","twins"]' '["g3","review","household"]' '["g4","match",null]' '["g5","match",null]' '["g6","match",null]')"
}

@test "the guard reads a typo as a typo: an id one edit off, swapped names, abbreviations, nicknames misspelt, a short date read both ways (issue 15)" {
	# One household (email, phone, street).  An id one transposition
	# or one digit off is the same id; two edits off, or another id, is
	# John Sr and Jr.  "Jerome Lee" written "Lre Jerome" is one person;
	# so are "Ry" and Raymond (an abbreviation; "Ty" is someone else),
	# "Geerald" and "Jeery" (Gerald and Jerry, a typo each), "Mcihael"
	# at michaelgarcia@ (his own address, misspelt), and 1943-09-08
	# against 2043-08-09 ("08/09/43" read both ways).
	h='"email":"garcia@x.org","phone":"+12065550100","street":"12 Oak St"'
	s='"last_name":"Garcia",'"$h"
	p() { printf '{"a":{"id":"%s",%s},"b":{"id":"%s",%s}}\n' "$1" "$2" "$3" "$4"; }
	{
		p s1 '"first_name":"John",'"$s"',"dob":"1950-03-04","national_id":"123456789"' \
		  j1 '"first_name":"John",'"$s"',"dob":"1980-07-09","national_id":"123457689"'
		p s2 '"first_name":"John",'"$s"',"dob":"1950-03-04","national_id":"123456789"' \
		  j2 '"first_name":"John",'"$s"',"dob":"1980-07-09","national_id":"123456780"'
		p s3 '"first_name":"John",'"$s"',"dob":"1950-03-04","national_id":"123456789"' \
		  j3 '"first_name":"John",'"$s"',"dob":"1980-07-09","national_id":"123465798"'
		p s4 '"first_name":"John",'"$s"',"dob":"1950-03-04","national_id":"123456789"' \
		  j4 '"first_name":"John",'"$s"',"dob":"1980-07-09","national_id":"987654321"'
		p w1 '"first_name":"Jerome","last_name":"Lee",'"$h"',"dob":"1999-01-27"' \
		  w2 '"first_name":"Lre","last_name":"Jerome",'"$h"',"dob":"1999-01-27"'
		p r1 '"first_name":"Raymond",'"$s"',"dob":"1968-10-12"' \
		  r2 '"first_name":"Ry",'"$s"',"dob":"1968-10-12"'
		p r1 '"first_name":"Raymond",'"$s"',"dob":"1968-10-12"' \
		  t2 '"first_name":"Ty",'"$s"',"dob":"1968-10-12"'
		p e1 '"first_name":"Geerald",'"$s"',"dob":"1960-05-22"' \
		  e2 '"first_name":"Jeery",'"$s"',"dob":"1960-05-22"'
		p m1 '"first_name":"Mcihael",'"$(printf '%s' "$s" | sed 's/garcia@/michaelgarcia@/')"',"dob":"1937-08-14"' \
		  m2 '"first_name":"Zed",'"$(printf '%s' "$s" | sed 's/garcia@/michaelgarcia@/')"',"dob":"1937-08-14"'
		p d1 '"first_name":"Hannah",'"$s"',"dob":"1943-09-08"' \
		  d2 '"first_name":"Hannah",'"$s"',"dob":"2043-08-09"'
	} >"$T/typos.ndjson"
	jq '.compare.fields.national_id = {"comparator":"damerau_levenshtein","m":[0.9,0.05,0.03,0.02],"u":[0.0001,0.001,0.01,0.9889]}
		| .compare.fields.street = {"comparator":"jaro_winkler","m":[0.9,0.05,0.03,0.02],"u":[0.01,0.01,0.03,0.95]}
		| .compare.guard = {"shared":["email","phone","street"],"differ":["first_name","dob"],"unless":["dob","national_id"]}' \
		"$S/household.json" >"$T/c.json"
	run -0 --separate-stderr dq score -c "$T/c.json" "$T/typos.ndjson"
	printf '%s\n' "$output" | jq -c '[.b.id, ._dq.decision, ._dq.guard]' >"$T/d"
	run -0 cat "$T/d"
	assert_output "$(printf '%s\n' '["j1","match",null]' '["j2","match",null]' \
		'["j3","review","household"]' '["j4","review","household"]' \
		'["w2","match",null]' '["r2","match",null]' '["t2","review","twins"]' \
		'["e2","match",null]' '["m2","match",null]' '["d2","match",null]')"
}

@test "--households: the pairs judged two people that share an address or contact, in input order, the same for every -j (issue 15)" {
	# h1/h2 a household (another first name and date of birth), t1/t2
	# twins, s1/s2 one person (Robert and Bob: a match, no link), n1/n2
	# strangers at one phone (distinct, a link), x1/x2 strangers sharing
	# nothing (no link).
	{
		cat "$S/household.ndjson"
		printf '%s\n' \
			'{"a":{"id":"n1","first_name":"Anna","last_name":"Kowalski","phone":"+1 206 555 0100","dob":"1970-01-02"},"b":{"id":"n2","first_name":"Zed","last_name":"Nowak","phone":"206 555 0100","dob":"1991-11-12"}}' \
			'{"a":{"id":"x1","first_name":"Anna","last_name":"Kowalski","phone":"+1 206 555 0100"},"b":{"id":"x2","first_name":"Zed","last_name":"Nowak","phone":"+1 415 555 0199"}}'
	} >"$T/pairs.ndjson"
	run -0 --separate-stderr dq score -c "$S/household.json" \
		--households "$T/h.ndjson" "$T/pairs.ndjson"
	run -0 cat "$T/h.ndjson"
	assert_output "$(printf '%s\n' \
		'{"a":"h1","b":"h2","shared":["email","phone"],"differ":["first_name","dob"],"decision":"review","guard":"household"}' \
		'{"a":"t1","b":"t2","shared":["phone"],"differ":["first_name"],"decision":"review","guard":"twins"}' \
		'{"a":"n1","b":"n2","shared":["phone"],"differ":["first_name","dob"],"decision":"distinct"}')"
	for j in 1 3; do
		run -0 --separate-stderr dq score -c "$S/household.json" -j "$j" \
			--households "$T/h$j.ndjson" "$T/pairs.ndjson"
		run -0 cmp "$T/h.ndjson" "$T/h$j.ndjson"
	done
	run -2 --separate-stderr dq score -c "$S/household.json" \
		--households /dev/full "$T/pairs.ndjson"
	[ "$stderr" = 'dq-score: write error: /dev/full: No space left on device' ]
	run -2 --separate-stderr dq score -c "$S/household.json" \
		--train "$T/m.json" --households "$T/h2.ndjson" "$T/pairs.ndjson"
	[ "$stderr" = 'dq-score: --households and --train cannot be used together: --train scores no pairs' ]
}

@test "tfidf, token_set, code, year: idf from the records of the pairs, the same trained in place or through --train and --model (issue 22, 2)" {
	cat >"$T/p" <<-'EOF2'
	{"a":{"id":"r0","t":"Red apple pie"},"b":{"id":"r1","t":"green APPLE tart"}}
	{"a":{"id":"r0","t":"Red apple pie"},"b":{"id":"r2","t":"red cherry pie"}}
	{"a":{"id":"r3","t":"blue plum jam"},"b":{"id":"r0","t":"Red apple pie"}}
	EOF2
	printf '{"compare":{"model":"weighted","fields":{"t":{"comparator":"tfidf","weight":1}}}}' >"$T/w.json"
	# idf = ln(1 + 4/df) over the 4 records: apple, red, pie in 2.
	run -0 dq score -c "$T/w.json" "$T/p"
	assert_output '{"a":{"id":"r0","t":"Red apple pie"},"b":{"id":"r1","t":"green APPLE tart"},"_dq":{"score":0.250967,"decision":"distinct","features":{"t":{"level":"different","similarity":0.251,"weight":0.251}}}}
{"a":{"id":"r0","t":"Red apple pie"},"b":{"id":"r2","t":"red cherry pie"},"_dq":{"score":0.567083,"decision":"distinct","features":{"t":{"level":"similar","similarity":0.5671,"weight":0.5671}}}}
{"a":{"id":"r3","t":"blue plum jam"},"b":{"id":"r0","t":"Red apple pie"},"_dq":{"score":0,"decision":"distinct","features":{"t":{"level":"different","similarity":0,"weight":0}}}}'
	printf '{"compare":{"fields":{"t":{"comparator":"tfidf"},"n":{"comparator":"token_set"},"c":{"comparator":"code"},"y":{"comparator":"year"}}}}' >"$T/f.json"
	for i in 1 2 3 4 5 6 7 8; do
		printf '{"a":{"id":"x%d","t":"sony camera dsc-w%d","n":"Sony DSC-W%d","c":"DSC-W%d","y":"2007"},"b":{"id":"y%d","t":"dsc w%d camera","n":"dsc-w%d sony","c":"dscw%d","y":"2007"}}\n' $i $i $i $i $i $i $i $i
		printf '{"a":{"id":"x%d","t":"sony camera dsc-w%d","n":"Sony DSC-W%d","c":"DSC-W%d","y":"2007"},"b":{"id":"z%d","t":"canon camera a%d0","n":"canon a%d0","c":"A%d00","y":"2003"}}\n' $i $i $i $i $i $i $i $i
	done >"$T/q"
	run -0 dq score -c "$T/f.json" --train "$T/m.json" "$T/q"
	run -0 jq -c '[.fields.t.idf.records, .fields.t.idf.df.camera, .fields.t.idf.df.sony, .fields.c.levels[3].level, .fields.y.levels[1].level]' "$T/m.json"
	assert_output '[24,24,8,"conflict","close"]'
	dq score -c "$T/f.json" "$T/q" >"$T/in_place"
	run -0 dq score -c "$T/f.json" --model "$T/m.json" "$T/q"
	assert_output "$(cat "$T/in_place")"
	run -0 jq -r '[._dq.decision, ._dq.features.c.level, ._dq.features.y.level] | join(" ")' "$T/in_place"
	assert_line --index 0 'match exact exact'
	assert_line --index 1 'distinct conflict different'
}
