#!/usr/bin/env bats
# dq-block: exact candidate pairs and rule lists on a hand-checked fixture,
# the block-size guard, missing key parts, link and incremental modes, the
# two-pass (emit-keys, sort, from-keys) equality, rejects, errors.

load helpers

setup() {
	T=$BATS_TEST_TMPDIR
	B=$FIX/block
}

# run_pairs ARGS...: run dq-block (status 0), keep its stdout in $T/out,
# and set $output to one line "a.id b.id rule,rule" per pair.
run_pairs() {
	run -0 --separate-stderr dq block "$@"
	printf '%s\n' "$output" >"$T/out"
	[ -n "$output" ] || : >"$T/out"
	run -0 jq -r '"\(.a.id // .a._dq.row) \(.b.id // .b._dq.row) \(._dq.rules | join(","))"' "$T/out"
}

@test "help reads like the man page; version" {
	run -0 dq block --help
	assert_line --partial "usage: dq-block"
	assert_line --partial "  -m, --max-block N     skip blocks of more than N records (default"
	assert_line --partial "--emit-keys"
	assert_line --partial "--existing FILE"
	assert_line --partial "  -j, --jobs N          threads that read the records and compute"
	run -0 dq block --version
	assert_output --regexp '^dq-block [0-9]+\.[0-9]+\.[0-9]+$'
}

@test "each pair once, with every rule that found it, in a fixed order" {
	# name blocks {1,2,6}; email {1,2} {4,5}; dob {1,2,5,6}.  Record 4's
	# empty last name, 3's null and 6's empty email never block.
	run_pairs -c "$B/rules.json" "$B/people.ndjson"
	assert_output "1 2 name,email,dob
1 6 name,dob
2 6 name,dob
4 5 email
1 5 dob
2 5 dob
5 6 dob"
}

@test "the same rules from --rule; names default to r1, r2" {
	run_pairs --rule 'last_name:soundex,dob:year' --rule 'email:lower' \
		--rule 'dob' "$B/people.ndjson"
	assert_output "1 2 r1,r2,r3
1 6 r1,r3
2 6 r1,r3
4 5 r2
1 5 r3
2 5 r3
5 6 r3"
	# --rule replaces the contract's rules.
	run_pairs -c "$B/rules.json" --rule 'e=email:exact' "$B/people.ndjson"
	assert_output "4 5 e"
}

@test "records are embedded byte for byte" {
	run -0 --separate-stderr dq block --rule zip "$B/exact.ndjson"
	assert_output '{"a":{"id":"x1", "n":9007199254740993,"v":59.0,"s":"caf\u00e9","o":{"k":[1, 2]},"zip":"02139"},"b":{"id":"x2","n":1e400,"zip":"02139"},"_dq":{"rules":["r1"]}}'
}

@test "a record without the id field gets _dq.row; --id names another field" {
	run -0 --separate-stderr dq block --rule zip "$B/noid.ndjson"
	assert_line --index 0 '{"a":{"name":"Ann","zip":"1","_dq":{"row":1}},"b":{"name":"Anne","zip":"1","_dq":{"row":2}},"_dq":{"rules":["r1"]}}'
	# A record that already has _dq.row keeps it as it is.
	assert_line --index 1 '{"a":{"name":"Ann","zip":"1","_dq":{"row":1}},"b":{"name":"Ann","zip":"1","_dq":{"row":42}},"_dq":{"rules":["r1"]}}'
	run -0 --separate-stderr dq block --id name --rule zip "$B/noid.ndjson"
	assert_line --index 0 '{"a":{"name":"Ann","zip":"1"},"b":{"name":"Anne","zip":"1"},"_dq":{"rules":["r1"]}}'
}

@test "lineage is _dq.row itself: a nested row or a string is not one" {
	# dq-normalize --keep-original keeps the original of a field named
	# row under _dq.orig; that record still has no _dq.row of its own.
	printf '%s\n' '{"name":" Ann ","row":" r1"}' '{"name":"Ann","row":"r2"}' \
		'{"name":"Ann","_dq":{"note":"\"row\": 3"}}' >"$T/in.ndjson"
	run -0 --separate-stderr dq normalize --no-lineage --keep-original \
		--trim "$T/in.ndjson"
	printf '%s\n' "$output" >"$T/norm.ndjson"
	run -0 --separate-stderr dq block --rule name "$T/norm.ndjson"
	assert_output '{"a":{"name":"Ann","row":"r1","_dq":{"orig":{"name":" Ann ","row":" r1"},"row":1}},"b":{"name":"Ann","row":"r2","_dq":{"row":2}},"_dq":{"rules":["r1"]}}
{"a":{"name":"Ann","row":"r1","_dq":{"orig":{"name":" Ann ","row":" r1"},"row":1}},"b":{"name":"Ann","_dq":{"note":"\"row\": 3","row":3}},"_dq":{"rules":["r1"]}}
{"a":{"name":"Ann","row":"r2","_dq":{"row":2}},"b":{"name":"Ann","_dq":{"note":"\"row\": 3","row":3}},"_dq":{"rules":["r1"]}}'
}

@test "an id of null names nothing: the record gets _dq.row, as dq-merge needs" {
	printf '%s\n' '{"id":null,"zip":"1","n":"Ann"}' '{"id":null,"zip":"1","n":"Ann"}' \
		'{"id":"x","zip":"1"}' >"$T/idnull.ndjson"
	run -0 --separate-stderr dq block --rule zip "$T/idnull.ndjson"
	assert_line --index 0 '{"a":{"id":null,"zip":"1","n":"Ann","_dq":{"row":1}},"b":{"id":null,"zip":"1","n":"Ann","_dq":{"row":2}},"_dq":{"rules":["r1"]}}'
	assert_line --index 1 '{"a":{"id":null,"zip":"1","n":"Ann","_dq":{"row":1}},"b":{"id":"x","zip":"1"},"_dq":{"rules":["r1"]}}'
	printf '%s\n' "${lines[0]}" >"$T/pairs.ndjson"
	run -0 jq -c '._dq += {"score":1,"decision":"match"}' "$T/pairs.ndjson"
	printf '%s\n' "$output" >"$T/scored.ndjson"
	# dq-merge names both records by their rows: no reject.
	run -0 --separate-stderr dq merge --map "$T/map.ndjson" "$T/scored.ndjson"
	run -0 jq -c '.id' "$T/map.ndjson"
	assert_output '1
2'
	# --slim carries the _dq of a record without an id.
	run -0 --separate-stderr dq block --rule zip --slim "$T/idnull.ndjson"
	assert_line --index 0 '{"a":{"id":null,"_dq":{"row":1}},"b":{"id":null,"_dq":{"row":2}},"_dq":{"rules":["r1"],"slim":true}}'
}

@test "a blank part is missing as contract/types.h says: Unicode spaces too" {
	# No-break and ideographic spaces are white space, and so is a
	# blank string under exact, which otherwise keeps white space.
	printf '%s\n' '{"id":1,"n":"\u00a0"}' '{"id":2,"n":"\u00a0"}' \
		'{"id":3,"n":"  "}' '{"id":4,"n":"  "}' \
		'{"id":5,"n":"\u2003\u3000"}' '{"id":6,"n":"\u2003\u3000"}' \
		'{"id":7,"n":[]}' '{"id":8,"n":[]}' '{"id":9,"n":"\u00a0x"}' \
		'{"id":10,"n":"\u00a0x"}' >"$T/blank.ndjson"
	run_pairs --rule n --rule l=n:lower --rule t=n:sorted_tokens \
		--summary "$T/s.json" "$T/blank.ndjson"
	assert_output "9 10 r1,l,t"
	run -0 jq -c '[.blocking.rules[].keyed]' "$T/s.json"
	assert_output "[2,2,2]"
}

@test "block-size guard: the big block is skipped and reported" {
	run_pairs -c "$B/rules.json" --max-block 3 --summary "$T/s.json" \
		"$B/people.ndjson"
	# dob's block of 4 is gone, and dob no longer counts for (1,2).
	assert_output "1 2 name,email
1 6 name
2 6 name
4 5 email"
	run -0 jq -c '.blocking.skipped_blocks' "$T/s.json"
	assert_output '[{"rule":"dob","key":"1950-05-27","size":4}]'
	run -0 jq -c '[.blocking.rules[] | [.name, .pairs, .found, .blocks, .skipped_blocks, .skipped_records]]' "$T/s.json"
	assert_output '[["name",3,3,1,0,0],["email",1,2,2,0,0],["dob",0,0,0,1,4]]'
	run -0 --separate-stderr dq block -c "$B/rules.json" --max-block 3 \
		"$B/people.ndjson"
	[[ "$stderr" == *"rule 'dob': block '1950-05-27' of 4 records skipped (--max-block 3)"* ]]
}

@test "block-size guard: pairs of a skipped block are still found by a later rule" {
	run_pairs --rule 'dob=dob' --rule 'name=last_name:soundex,dob:year' \
		--max-block 3 "$B/people.ndjson"
	assert_output "1 2 name
1 6 name
2 6 name"
}

@test "per-rule max_block in the contract, overridden by --set" {
	run_pairs -c "$B/rules.json" --set blocking.rules.dob.max_block=3 \
		"$B/people.ndjson"
	assert_output "1 2 name,email
1 6 name
2 6 name
4 5 email"
}

@test "summary: pairs per rule, reduction ratio, largest blocks; --stats" {
	run -0 --separate-stderr dq block -c "$B/rules.json" --stats \
		--summary "$T/s.json" "$B/people.ndjson"
	run -0 jq -c '[.counts.in, .counts.out, .counts.rejected, .blocking.pairs, .blocking.possible_pairs, .blocking.reduction_ratio]' "$T/s.json"
	assert_output '[6,7,0,7,15,0.5333333333333333]'
	run -0 jq -c '[.blocking.rules[] | [.name, .keyed, .pairs, .found]]' "$T/s.json"
	assert_output '[["name",5,3,3],["email",4,1,2],["dob",6,3,6]]'
	run -0 jq -c '.blocking.largest_blocks[0]' "$T/s.json"
	assert_output '{"rule":"dob","key":"1950-05-27","size":4,"skipped":false}'
	run -0 jq -c '[.blocking.largest_blocks[] | .size]' "$T/s.json"
	assert_output '[4,3,2,2]'
	run -0 --separate-stderr dq block -c "$B/rules.json" --stats \
		"$B/people.ndjson"
	[[ "$stderr" == *"dq-block: 7 pairs of 15 possible, reduction ratio 0.533333"* ]]
	[[ "$stderr" == *"dq-block: rule email: 1 pairs (2 found), 2 blocks, 0 skipped"* ]]
}

@test "link mode: only pairs across the two files, a from the first" {
	run_pairs -c "$B/rules.json" --link --summary "$T/s.json" \
		"$B/old.ndjson" "$B/new.ndjson"
	assert_output "1 6 name,dob
2 6 name,dob
1 5 dob
2 5 dob"
	run -0 jq -c '[.blocking.pairs, .blocking.possible_pairs]' "$T/s.json"
	assert_output '[4,9]'
	# The other way round, a comes from new.ndjson.
	run_pairs -c "$B/rules.json" --link "$B/new.ndjson" "$B/old.ndjson"
	assert_output "6 1 name,dob
6 2 name,dob
5 1 dob
5 2 dob"
}

@test "link of three files: pairs across any two files only, a from the earlier, _dq.sources" {
	L=$B/link
	run_pairs --rule n=name --rule z=zip --link --summary "$T/s.json" \
		"${L}1.ndjson" "${L}2.ndjson" "${L}3.ndjson"
	# Worked by hand.  name 'ann' holds a1 a2 (file 1), b1 (2), c1 (3):
	# five pairs, not a1-a2; 'bob' a3-c2; 'cy' b2 (2), c3 and row 4
	# (3): b2-c3, b2-row 4, not c3-row 4.  zip '1' holds a1 a3 b1: a3-b1
	# (a1-b1 is name's), not a1-a3; '2' holds a2 b2 c2 c3: a2-b2 a2-c2
	# a2-c3 b2-c2 (b2-c3 is name's), not c2-c3.
	assert_output "a3 c2 n
a1 b1 n,z
a1 c1 n
a2 b1 n
a2 c1 n
b1 c1 n
b2 c3 n,z
b2 4 n
a3 b1 z
a2 b2 z
a2 c2 z
a2 c3 z
b2 c2 z"
	# Each pair names its two files, a's first and earlier.
	run -0 jq -r '._dq.sources | "\(.[0]) \(.[1])"' "$T/out"
	assert_output "1 3
1 2
1 3
1 2
1 3
2 3
2 3
2 3
1 2
1 2
1 3
1 3
2 3"
	# The record without an id is named by its row and its file.
	run -0 jq -c 'select(.b._dq) | .b._dq' "$T/out"
	assert_output "{\"row\":4,\"file\":\"${L}3.ndjson\"}"
	# Possible pairs: 3*2 + 3*4 + 2*4 = 26.
	run -0 jq -c '[.blocking.pairs, .blocking.possible_pairs, .blocking.reduction_ratio]' "$T/s.json"
	assert_output '[13,26,0.5]'
	# Two passes, and --slim, give the same pairs; a key line numbers
	# its file.
	for slim in "" --slim; do
		dq block --rule n=name --rule z=zip $slim --link "${L}1.ndjson" \
			"${L}2.ndjson" "${L}3.ndjson" >"$T/one" 2>"$T/err"
		dq block --rule n=name --rule z=zip $slim --link --emit-keys \
			"${L}1.ndjson" "${L}2.ndjson" "${L}3.ndjson" >"$T/keys" \
			2>"$T/err"
		LC_ALL=C sort "$T/keys" >"$T/sorted"
		dq block --rule n=name --rule z=zip $slim --from-keys \
			"$T/sorted" >"$T/two" 2>"$T/err"
		run -0 cmp "$T/one" "$T/two"
	done
	run -0 cut -f 4 "$T/keys"
	assert_output "$(printf '%s\n' 1 1 1 1 1 1 2 2 2 2 3 3 3 3 3 3 3 3)"
	run -0 jq -c '._dq' "$T/two"
	assert_line --index 0 '{"rules":["n"],"sources":[1,3],"slim":true}'
	# A token rule: 'ann' pairs across files only.
	run_pairs --rule w=name:words --min-weight 0 --link "${L}1.ndjson" \
		"${L}2.ndjson" "${L}3.ndjson"
	assert_line "a1 b1 w"
	refute_line "a1 a2 w"
	refute_line --regexp '^c3 4 '
	run -0 jq -s 'map(._dq.sources | .[0] < .[1]) | all and length == 8' "$T/out"
	assert_output true
	# Two files: the pairs and key lines byte for byte as before (made
	# by the dq-block of before this change; relative names, since a
	# record without an id is stamped with its file's).
	cd "$B"
	run -0 --separate-stderr dq block --rule n=name --rule z=zip --link \
		link1.ndjson link3.ndjson
	printf '%s\n' "$output" >"$T/pairs13"
	run -0 cmp link13.pairs "$T/pairs13"
	run -0 --separate-stderr dq block --rule n=name --rule z=zip --link \
		--emit-keys link1.ndjson link3.ndjson
	printf '%s\n' "$output" >"$T/keys13"
	run -0 cmp link13.keys "$T/keys13"
	run_pairs --rule n=name --rule z=zip --link "${L}1.ndjson" "${L}2.ndjson"
	assert_output "a1 b1 n,z
a2 b1 n
a3 b1 z
a2 b2 z"
	run -0 jq -c '._dq' "$T/out"
	assert_output '{"rules":["n","z"]}
{"rules":["n"]}
{"rules":["z"]}
{"rules":["z"]}'
}

@test "incremental mode: pairs with at least one new record" {
	run_pairs -c "$B/rules.json" --existing "$B/old.ndjson" \
		--summary "$T/s.json" "$B/new.ndjson"
	# (1,2) is between two existing records: left out.
	assert_output "1 6 name,dob
2 6 name,dob
4 5 email
1 5 dob
2 5 dob
5 6 dob"
	run -0 jq -c '[.counts.in, .blocking.pairs, .blocking.possible_pairs]' "$T/s.json"
	assert_output '[6,6,12]'
	# New records from stdin.
	run -0 --separate-stderr dq block -c "$B/rules.json" \
		--existing "$B/old.ndjson" <"$B/new.ndjson"
	printf '%s\n' "$output" >"$T/stdin.out"
	run -0 --separate-stderr dq block -c "$B/rules.json" \
		--existing "$B/old.ndjson" "$B/new.ndjson"
	printf '%s\n' "$output" >"$T/file.out"
	run -0 cmp "$T/stdin.out" "$T/file.out"
}

@test "emit-keys: one line per rule and keyed record, sortable" {
	run -0 --separate-stderr dq block -c "$B/rules.json" --emit-keys \
		"$B/people.ndjson"
	# 5 name keys + 4 email keys + 6 dob keys.
	assert_equal "${#lines[@]}" 15
	run -0 --separate-stderr dq block --rule 'zip' --emit-keys \
		"$B/noid.ndjson"
	assert_line --index 0 --regexp $'^00\t[0-9a-f]{16}\t000000000000\td\t[0-9a-f]{16}\t"1"\t\\{"name":"Ann","zip":"1","_dq":\\{"row":1\\}\\}$'
}

# two_pass ARGS...: one-pass output vs emit-keys | LC_ALL=C sort |
# from-keys, byte for byte.
# Straight to files: megabytes of pairs through `run` and "$output" cost
# seconds of bash string handling (tens under the sanitizers).
two_pass() {
	dq block "$@" >"$T/one" 2>"$T/err"
	dq block --emit-keys "$@" >"$T/keys" 2>"$T/err"
	LC_ALL=C sort "$T/keys" >"$T/sorted"
	dq block --from-keys "${@:1:$#-1}" "$T/sorted" >"$T/two" 2>"$T/err"
	run -0 cmp "$T/one" "$T/two"
}

@test "two passes (emit-keys, sort, from-keys) equal one pass" {
	two_pass -c "$B/rules.json" "$B/people.ndjson"
	two_pass -c "$B/rules.json" --max-block 3 "$B/people.ndjson"
	dq gen -n 3000 --seed 5 >"$T/gen.ndjson"
	two_pass --rule 'a=last_name:soundex' --rule 'b=first_name:first(1),dob:year' \
		--rule 'c=email:lower' --max-block 40 "$T/gen.ndjson"
	[ "$(wc -l <"$T/two")" -gt 1000 ]
	# The guard did act: some blocks were skipped.
	dq block --rule 'a=last_name:soundex' --max-block 40 --summary "$T/s.json" "$T/gen.ndjson" >/dev/null 2>&1
	run -0 jq '.blocking.rules[0].skipped_blocks > 0' "$T/s.json"
	assert_output true
}

@test "two passes in link and incremental modes, and from stdin" {
	run -0 --separate-stderr dq block -c "$B/rules.json" --link \
		"$B/old.ndjson" "$B/new.ndjson"
	printf '%s\n' "$output" >"$T/one"
	run -0 --separate-stderr dq block -c "$B/rules.json" --link \
		--emit-keys "$B/old.ndjson" "$B/new.ndjson"
	printf '%s\n' "$output" | LC_ALL=C sort >"$T/sorted"
	run -0 --separate-stderr dq block -c "$B/rules.json" --from-keys \
		<"$T/sorted"
	printf '%s\n' "$output" >"$T/two"
	run -0 cmp "$T/one" "$T/two"
	run -0 --separate-stderr dq block -c "$B/rules.json" \
		--existing "$B/old.ndjson" "$B/new.ndjson"
	printf '%s\n' "$output" >"$T/one"
	run -0 --separate-stderr dq block -c "$B/rules.json" --emit-keys \
		--existing "$B/old.ndjson" "$B/new.ndjson"
	printf '%s\n' "$output" | LC_ALL=C sort >"$T/sorted"
	run -0 --separate-stderr dq block -c "$B/rules.json" --from-keys \
		"$T/sorted"
	printf '%s\n' "$output" >"$T/two"
	run -0 cmp "$T/one" "$T/two"
}

@test "from-keys: unsorted or foreign lines are errors" {
	run -0 --separate-stderr dq block -c "$B/rules.json" --emit-keys \
		"$B/people.ndjson"
	printf '%s\n' "$output" >"$T/keys"
	run -2 --separate-stderr dq block -c "$B/rules.json" --from-keys \
		"$T/keys"
	assert_output ""
	[[ "$stderr" == *"keys:4: key lines not sorted (use LC_ALL=C sort)"* ]]
	run -2 --separate-stderr dq block --rule zip --from-keys "$T/keys"
	[[ "$stderr" == *"keys:1: not a key line of dq-block --emit-keys with these rules"* ]]
}

@test "from-keys: key lines given twice are an error, not a record paired with itself" {
	run -0 --separate-stderr dq block -c "$B/rules.json" --emit-keys \
		"$B/people.ndjson"
	printf '%s\n%s\n' "$output" "$output" | LC_ALL=C sort >"$T/twice"
	run -2 --separate-stderr dq block -c "$B/rules.json" --from-keys \
		"$T/twice"
	assert_output ""
	[[ "$stderr" == *"twice:2: the record of line 1 again, in the same block: were the key lines given twice?"* ]]
}

@test "rejected lines are counted and gate the exit status; pairs still written" {
	run -1 --separate-stderr dq block --rule zip --summary "$T/s.json" \
		--rejects "$T/rej" "$B/bad.ndjson"
	printf '%s\n' "$output" >"$T/out"
	run -0 jq -r '"\(.a.id) \(.b.id)"' "$T/out"
	assert_output "1 3"
	run -0 jq -c '[.counts.in, .counts.out, .counts.rejected, .blocking.records, .exit_status]' "$T/s.json"
	assert_output '[3,1,1,2,1]'
	run -0 jq -c '[.line, .reason]' "$T/rej"
	assert_output '[2,"truncated object"]'
	run -0 --separate-stderr dq block --rule zip --max-rejects 1 "$B/bad.ndjson"
}

@test "contract errors: unknown keys, bad keys, no rules" {
	printf '{"blocking":{"rules":{"a":{"kee":"x"}}}}' >"$T/c1.json"
	run -2 --separate-stderr dq block -c "$T/c1.json" "$B/people.ndjson"
	assert_output ""
	[[ "$stderr" == *"unknown key 'blocking.rules.a.kee'"* ]]
	printf '{"blocking":{"rules":{"a":{"key":"x:soundx"}}}}' >"$T/c2.json"
	run -2 --separate-stderr dq block -c "$T/c2.json" "$B/people.ndjson"
	[[ "$stderr" == *"contract: rule 'a': key part 'x:soundx': unknown function 'soundx'"* ]]
	printf '{"blocking":{"rules":{"a":{"key":7}}}}' >"$T/c3.json"
	run -2 --separate-stderr dq block -c "$T/c3.json" "$B/people.ndjson"
	[[ "$stderr" == *"blocking.rules.a.key must be a string or a list of strings"* ]]
	printf '{"blocking":{"max_block":1,"rules":{"a":{"key":"x"}}}}' >"$T/c4.json"
	run -2 --separate-stderr dq block -c "$T/c4.json" "$B/people.ndjson"
	[[ "$stderr" == *"blocking.max_block must be an integer >= 2"* ]]
	run -2 --separate-stderr dq block "$B/people.ndjson"
	[[ "$stderr" == *"no blocking rules: give --rule KEY or a contract with a blocking section"* ]]
}

@test "usage errors: exit 2, nothing on stdout" {
	run -2 --separate-stderr dq block --rule 'a:first' "$B/people.ndjson"
	assert_output ""
	[[ "$stderr" == *"--rule: rule 'r1': key part 'a:first': first needs a count, as in first(3)"* ]]
	run -2 --separate-stderr dq block --rule a --max-block 1 "$B/people.ndjson"
	[[ "$stderr" == *"--max-block: '1' is not a whole number from 2 to 2147483648"* ]]
	run -2 --separate-stderr dq block --rule a --link "$B/people.ndjson"
	[[ "$stderr" == *"--link needs two files or more (at most 64), got 1"* ]]
	run -2 --separate-stderr dq block --rule a --link --existing "$B/old.ndjson" "$B/people.ndjson" "$B/new.ndjson"
	[[ "$stderr" == *"--link and --existing do not go together"* ]]
	run -2 --separate-stderr dq block --rule a --emit-keys --from-keys "$B/people.ndjson"
	[[ "$stderr" == *"--emit-keys and --from-keys do not go together"* ]]
	run -2 --separate-stderr dq block --rule a --existing "$T/absent" "$B/people.ndjson"
	[[ "$stderr" == *"absent: No such file or directory"* ]]
	run -2 --separate-stderr dq block --rule 'x=a' --rule 'x=b' "$B/people.ndjson"
	[[ "$stderr" == *"rule 'x' named twice"* ]]
	run -2 --separate-stderr dq block --rule a "$T/absent.ndjson"
	assert_output ""
}

@test "empty input: no pairs, exit 0" {
	: >"$T/empty"
	run -0 --separate-stderr dq block --rule a --summary "$T/s.json" "$T/empty"
	assert_output ""
	run -0 jq -c '[.counts.in, .blocking.pairs, .blocking.reduction_ratio]' "$T/s.json"
	assert_output '[0,0,0]'
}

@test "the person contract with the FEBRL layer: canonical records, true pairs" {
	C=$BATS_TEST_DIRNAME/../examples/contracts
	run -0 --separate-stderr dq normalize -c "$C/person.json" \
		-c "$C/febrl.json" --delimiter ', ' "$B/febrl.csv"
	printf '%s\n' "$output" >"$T/n.ndjson"
	run -0 jq -c 'del(._dq)' "$T/n.ndjson"
	assert_line --index 0 '{"id":"rec-122-org","first_name":"Lachlan","last_name":"Berry","street_number":"69","street":"giblin street","address_2":"killarney","city":"Bittern","zip":"4814","state":"QLD","dob":"1999-02-19","national_id":"7364009"}'
	run_pairs -c "$C/person.json" -c "$C/febrl.json" "$T/n.ndjson"
	# rec-10-dup-0 has no street number (no address key), rec-122's
	# postcodes differ (no ZIP keys).
	assert_output "rec-122-org rec-122-dup-0 national_id,last_dob,first_dob,names_year,names_day,names_city,full_name
rec-10-dup-0 rec-10-org national_id,last_dob,first_dob,names_year,names_day,last_zip,first_zip,names_city,dob_zip,street_zip,full_name"
}

@test "--slim: only the id, the compared fields and a record's _dq when it has no id" {
	run -0 --separate-stderr dq block -c "$B/slim.json" --slim "$B/slim.ndjson"
	# Members in their own order, byte for byte (an escaped key is
	# matched by its meaning); notes, email, n, last_name, zip and city
	# are left out.  A record with an id does not need its _dq; one
	# without keeps it, with the row added when it had none.
	assert_output '{"a":{"id":"s1","first_name":"Ann","dob":"1970-01-02"},"b":{"id":"s2","dob":"1970-02-01","first\u005fname":"Anne"},"_dq":{"rules":["name"],"slim":true}}
{"a":{"first_name":"Bo","_dq":{"row":3}},"b":{"first_name":"Bob","_dq":{"row":9,"hash":"cd"}},"_dq":{"rules":["zip"],"slim":true}}'
	# The same pairs as without --slim.
	run -0 --separate-stderr dq block -c "$B/slim.json" "$B/slim.ndjson"
	assert_line --index 0 --partial '"_dq":{"rules":["name"]}}'
	assert_line --index 1 --partial '"_dq":{"rules":["zip"]}}'
	# No compare section: the built-in person fields; --id is carried.
	run -0 --separate-stderr dq block --rule zip --id city --slim "$B/slim.ndjson"
	assert_output '{"a":{"first_name":"Bo","last_name":"Ng","city":"Oslo"},"b":{"first_name":"Bob","last_name":"Wu","city":"Rome"},"_dq":{"rules":["r1"],"slim":true}}'
	# A bad compare section is a contract error only with --slim.
	run -2 --separate-stderr dq block --rule zip --set compare.fields.zip.comparator=nope --slim "$B/slim.ndjson"
	[ -z "$output" ]
	run -0 --separate-stderr dq block --rule zip --set compare.fields.zip.comparator=nope "$B/slim.ndjson"
}

@test "--slim in two passes: key lines of either kind give the one-pass pairs" {
	dq gen -n 2000 --seed 5 >"$T/gen.ndjson"
	C=$BATS_TEST_DIRNAME/../examples/contracts/person.json
	two_pass -c "$C" --slim "$T/gen.ndjson"
	[ "$(wc -l <"$T/two")" -gt 100 ]
	# Full key lines projected by --from-keys --slim.
	dq block -c "$C" --emit-keys "$T/gen.ndjson" 2>"$T/err" |
		LC_ALL=C sort >"$T/sorted"
	dq block -c "$C" --slim --from-keys "$T/sorted" >"$T/two" 2>"$T/err"
	cmp "$T/one" "$T/two"
	# And the slim pairs are the full pairs, projected.
	dq block -c "$C" "$T/gen.ndjson" >"$T/full" 2>"$T/err"
	jq -S -c '{a: (.a | {id, first_name, last_name, dob, email, phone, street_number, street, zip, national_id} | with_entries(select(.value != null))), b: (.b | {id, first_name, last_name, dob, email, phone, street_number, street, zip, national_id} | with_entries(select(.value != null))), rules: ._dq.rules}' "$T/full" >"$T/proj_full"
	jq -S -c '{a: (.a | with_entries(select(.value != null))), b: (.b | with_entries(select(.value != null))), rules: ._dq.rules}' "$T/one" >"$T/proj_slim"
	[ -s "$T/proj_slim" ]
	cmp "$T/proj_full" "$T/proj_slim"
}

@test "field paths in blocking, compare and survivorship: nested Airtable-shaped records (issue 18, 1)" {
	cat >"$T/c.json" <<-'J'
	{"blocking":{"rules":{"r1":{"key":"fields.email:lower"}}},
	 "compare":{"model":"weighted","fields":{"fields.name":{"comparator":"jaro_winkler","weight":0.5},
	  "fields.email":{"comparator":"email","weight":0.5}}},
	 "survivorship":{"default":"most_recent","timestamp":"fields.modified"}}
	J
	printf '%s\n' '{"id":"rec1","fields":{"name":"Ann Lee","email":"ann@x.org","modified":"2024-01-01","links":["org1"]}}' \
		'{"id":"rec2","fields":{"name":"Ann Lee","email":"ANN@x.org","modified":"2024-03-01","links":["org1","org2"]}}' \
		'{"id":"rec3","fields":{"name":"Bob","email":"bob@y.org","modified":"2024-02-01"}}' >"$T/in"
	# One block (the lower-cased nested e-mail), both nested fields
	# compared, the golden record the most recent by fields.modified.
	run -0 --separate-stderr dq block -c "$T/c.json" "$T/in"
	assert_output '{"a":{"id":"rec1","fields":{"name":"Ann Lee","email":"ann@x.org","modified":"2024-01-01","links":["org1"]}},"b":{"id":"rec2","fields":{"name":"Ann Lee","email":"ANN@x.org","modified":"2024-03-01","links":["org1","org2"]}},"_dq":{"rules":["r1"]}}'
	printf '%s\n' "$output" >"$T/pairs"
	dq score -c "$T/c.json" "$T/pairs" >"$T/scored"
	run -0 jq -c '._dq | [.score, .decision, (.features | map_values(.level))]' "$T/scored"
	assert_output '[1,"match",{"fields.name":"exact","fields.email":"exact"}]'
	run -0 --separate-stderr dq merge -c "$T/c.json" --records "$T/in" "$T/scored"
	assert_output - <<-'O'
	{"id":"rec2","fields":{"name":"Ann Lee","email":"ANN@x.org","modified":"2024-03-01","links":["org1","org2"]},"_dq":{"cluster":"ccd422f304d9746d8","members":["rec1","rec2"],"provenance":{"id":"rec2","fields":"rec2"}}}
	{"id":"rec3","fields":{"name":"Bob","email":"bob@y.org","modified":"2024-02-01"},"_dq":{"cluster":"cf41b7211b1373e0f","members":["rec3"],"provenance":{"id":"rec3","fields":"rec3"}}}
	O
}

@test "a name with [] in a blocking key, a compared field or survivorship is refused at load, not a key that finds nothing (issue 18)" {
	printf '%s\n' '{"id":"1","tags":["a"]}' '{"id":"2","tags":["a"]}' >"$T/r.ndjson"
	run -2 --separate-stderr dq block -q --rule 'tags[]' "$T/r.ndjson"
	assert_output ''
	[[ $stderr == *"key part field 'tags[]': 'tags[]' names every element of an array; a key reads one value"* ]]
	printf '%s\n' '{"a":{"id":"1","tags":["a"]},"b":{"id":"2","tags":["a"]}}' >"$T/p.ndjson"
	echo '{"compare":{"fields":{"tags[]":{"comparator":"exact"}}}}' >"$T/c.json"
	run -2 --separate-stderr dq score -q -c "$T/c.json" "$T/p.ndjson"
	[[ $stderr == *"'compare.fields.tags[]': a name with [] names every element of an array"* ]]
	echo '{"survivorship":{"timestamp":"items[].at"}}' >"$T/s.json"
	run -2 --separate-stderr dq merge -q -c "$T/s.json" --records "$T/r.ndjson" /dev/null
	[[ $stderr == *"'survivorship.timestamp': 'items[].at' names every element of an array"* ]]
	# An escaped bracket is a plain key: a record may hold "tags[]".
	printf '%s\n' '{"id":"1","tags[]":"x"}' '{"id":"2","tags[]":"x"}' >"$T/k.ndjson"
	run -0 --separate-stderr dq block -q --rule 'tags\[\]' "$T/k.ndjson"
	run -0 jq -c '[.a.id, .b.id]' <<<"$output"
	assert_output '["1","2"]'
}

# ---- Token rules (words, qgrams, codes, surnames) ----
# products.ndjson, 10 records: N = 10, default min_weight ln(10)/2 = 1.151;
# a word in 2 records weighs ln(10/2) = 1.609, in 4 (camera, for) 0.916.

@test "token rules: a rare shared word pairs, a common word alone is pruned, a model code" {
	run_pairs --rule w=name:words --rule c=name:codes \
		--summary "$T/s.json" "$B/products.ndjson"
	# p3-p5, p3-p6, p4-p6, p5-p6 share only 'camera', p7-p10, p8-p9,
	# p8-p10 only 'for': pruned.  'digital' + 'camera' (p4-p5), 'for' +
	# 'windows' (p7-p8) reach 1.151.  The code pslx350h (PSLX350H,
	# PS-LX350H) is shared by 2 of the 4 records with a code: ln(4/2) =
	# 0.693 = ln(4)/2, so c agrees on p1-p2 and lists itself there.
	assert_output "p4 p5 w
p9 p10 w
p1 p2 w,c
p7 p8 w
p7 p9 w
p3 p4 w"
	run -0 jq -c '[.blocking.rules[] | [.name, .keyed, .blocks, .pairs, .found, .tokens, .pruned, .skipped_blocks, (.min_weight * 1000 | round)]]' "$T/s.json"
	assert_output '[["w",10,10,6,6,25,7,0,1151],["c",4,1,0,1,3,0,0,693]]'
	run -0 jq -c '[.blocking.pairs, .blocking.possible_pairs]' "$T/s.json"
	assert_output '[6,45]'
	run -0 --separate-stderr dq block --rule w=name:words --stats \
		"$B/products.ndjson"
	[[ "$stderr" == *"dq-block: rule w: 6 pairs (6 found), 10 blocks, 0 skipped; 25 tokens, 7 pairs pruned under weight 1.151"* ]]
	[[ "$stderr" == *"dq-block: block w 'camera': 4 records"* ]]
}

@test "token rules: --min-weight sets the threshold" {
	# p1-p2 share sony + turntable (3.22), p3-p4 canon + powershot +
	# camera (4.13); every other pair weighs 2.53 or less.
	run_pairs --rule w=name:words --min-weight 3 "$B/products.ndjson"
	assert_output "p1 p2 w
p3 p4 w"
	# 0: every pair sharing a word, the 6 above and the 7 pruned.
	run -0 --separate-stderr dq block --rule w=name:words --min-weight 0 \
		--summary "$T/s.json" "$B/products.ndjson"
	run -0 jq -c '[.blocking.pairs, .blocking.rules[0].pruned]' "$T/s.json"
	assert_output '[13,0]'
	run -2 --separate-stderr dq block --rule w=name:words --min-weight -1 \
		"$B/products.ndjson"
	# Given without a token rule, it would apply to nothing.
	run -2 --separate-stderr dq block --rule name --min-weight 3 \
		"$B/products.ndjson"
	assert_equal "$stderr" "dq-block: --min-weight: no token rule to apply it to"
	assert_equal "$output" ""
}

@test "token rules: a rule's min_weight in the contract; --min-weight overrides it" {
	cat >"$T/tok.json" <<-'EOF'
	{"blocking": {"rules": {
	  "w": {"key": "name:words", "min_weight": 3},
	  "c": {"key": "name:codes"}}}}
	EOF
	# w keeps only p1-p2 (3.22) and p3-p4 (4.13); c keeps its default
	# ln(4)/2 and agrees on p1-p2.
	run_pairs -c "$T/tok.json" --summary "$T/s.json" "$B/products.ndjson"
	assert_output "p1 p2 w,c
p3 p4 w"
	run -0 jq -c '[.blocking.rules[] | [.name, .pairs, .pruned, (.min_weight * 1000 | round)]]' "$T/s.json"
	assert_output '[["w",2,11,3000],["c",0,0,693]]'
	# --set changes it like any contract value.
	run_pairs -c "$T/tok.json" --set blocking.rules.w.min_weight=0 \
		--summary "$T/s.json" "$B/products.ndjson"
	run -0 jq -c '[.blocking.pairs, .blocking.rules[0].pruned]' "$T/s.json"
	assert_output '[13,0]'
	# --min-weight applies to every token rule, over the contract's.
	run_pairs -c "$T/tok.json" --min-weight 0 --summary "$T/s.json" \
		"$B/products.ndjson"
	run -0 jq -c '[.blocking.rules[] | [.name, .pruned, .min_weight]]' "$T/s.json"
	assert_output '[["w",0,0],["c",0,0]]'
	# On a rule without tokens it would bound nothing: refused.
	run -2 --separate-stderr dq block -c "$T/tok.json" \
		--set blocking.rules.n.key=name --set blocking.rules.n.min_weight=1 \
		"$B/products.ndjson"
	assert_equal "$stderr" "dq-block: contract: blocking.rules.n.min_weight: the key 'name' is not a token key (words, qgrams, codes, surnames)"
	assert_equal "$output" ""
	for bad in -1 '"3"' 1e10; do
		run -2 --separate-stderr dq block -c "$T/tok.json" \
			--set "blocking.rules.w.min_weight=$bad" "$B/products.ndjson"
		assert_equal "$stderr" "dq-block: contract: blocking.rules.w.min_weight must be a number from 0 to 1000000000"
	done
}

@test "token rules: the guard skips each token's block alone" {
	run_pairs --rule w=name:words --max-block 3 --summary "$T/s.json" \
		"$B/products.ndjson"
	# 'for' and 'camera' (4 records each) are skipped; the pairs that
	# also share a rare word stay, those that shared only them are gone.
	assert_output "p4 p5 w
p9 p10 w
p1 p2 w
p3 p4 w
p7 p8 w
p7 p9 w"
	run -0 jq -c '[.blocking.rules[] | [.blocks, .pairs, .tokens, .pruned, .skipped_blocks, .skipped_records]], .blocking.skipped_blocks' "$T/s.json"
	assert_output '[[8,6,25,0,2,8]]
[{"rule":"w","key":"for","size":4},{"rule":"w","key":"camera","size":4}]'
	run -0 --separate-stderr dq block --rule w=name:words --max-block 3 \
		"$B/products.ndjson"
	[[ "$stderr" == *"rule 'w': block 'camera' of 4 records skipped (--max-block 3)"* ]]
}

@test "token and exact rules: each pair once, listed by every rule that finds it" {
	run_pairs --rule 'x=name:first(5)' --rule w=name:words \
		"$B/products.ndjson"
	assert_output "p1 p2 x,w
p3 p4 x,w
p7 p9 x,w
p4 p5 w
p9 p10 w
p7 p8 w"
	run_pairs --rule w=name:words --rule 'x=name:first(5)' \
		"$B/products.ndjson"
	assert_output "p4 p5 w
p9 p10 w
p1 p2 w,x
p7 p8 w
p7 p9 w,x
p3 p4 w,x"
}

@test "token rules in link mode: pairs across the files, weights over both" {
	jq -c 'select(.id | test("^p[13579]$"))' "$B/products.ndjson" >"$T/a.ndjson"
	jq -c 'select(.id | test("^p[13579]$") | not)' "$B/products.ndjson" >"$T/b.ndjson"
	run_pairs --rule w=name:words --link --summary "$T/s.json" \
		"$T/a.ndjson" "$T/b.ndjson"
	# p7-p9 is inside one file; the pairs across that share only
	# 'camera' or 'for' (p3-p6, p5-p6, p7-p10, p9-p8) are pruned.
	assert_output "p5 p4 w
p9 p10 w
p1 p2 w
p7 p8 w
p3 p4 w"
	run -0 jq -c '[.blocking.rules[0] | .found, .pruned]' "$T/s.json"
	assert_output '[5,4]'
}

@test "token rules: author surnames and q-grams" {
	printf '%s\n' '{"id":"b1","authors":"J. Smith and A. O'"'"'Brien"}' \
		'{"id":"b2","authors":"Smith, J.; O'"'"'Brien, A."}' \
		'{"id":"b3","authors":"K. Smith, L. Jones"}' \
		'{"id":"b4","authors":"M. Jones"}' \
		'{"id":"b5","authors":"P. Lee"}' >"$T/au.ndjson"
	# N = 5, min_weight 0.805: smith (3 records) weighs 0.511 and alone
	# is pruned (b1-b3, b2-b3); obrien and jones (2) weigh 0.916.
	run_pairs --rule s=authors:surnames --rule 'q=authors:qgrams(3)' \
		--summary "$T/s.json" "$T/au.ndjson"
	assert_output "b1 b2 s,q
b3 b4 s,q
b1 b3 q
b2 b3 q"
	run -0 jq -c '[.blocking.rules[] | [.name, .tokens, .pruned, .found]]' "$T/s.json"
	assert_output '[["s",4,2,2],["q",18,0,4]]'
}

@test "token rules: two passes refuse them; a token function is its key's only part" {
	run -2 --separate-stderr dq block --rule w=name:words --emit-keys \
		"$B/products.ndjson"
	assert_equal "$stderr" "dq-block: rule 'w': token keys (name:words) work in one pass only, not with --emit-keys"
	assert_equal "$output" ""
	run -2 --separate-stderr dq block --rule w=name:words --from-keys \
		"$B/products.ndjson"
	assert_equal "$stderr" "dq-block: rule 'w': token keys (name:words) work in one pass only, not with --from-keys"
	run -2 --separate-stderr dq block --rule 'w=name:words,id' \
		"$B/products.ndjson"
	assert_equal "$stderr" "dq-block: --rule: rule 'w': token function 'words' must be the key's only part"
}

# same_for_jobs NAME ARGS...: run dq-block ARGS with -j 1, 2, 3 and 5
# (status 1: the input has rejected lines) and check that the pairs (or
# key lines), the rejects, the messages and the summary are the same
# bytes for each.
same_for_jobs() {
	local name=$1 j
	shift
	for j in 1 2 3 5; do
		run -1 --separate-stderr dq block -j "$j" \
			--rejects "$T/$name.rej" --summary "$T/$name.s$j" "$@"
		mv "$T/$name.rej" "$T/$name.rej$j"
		printf '%s\n' "$output" >"$T/$name.out$j"
		printf '%s\n' "$stderr" >"$T/$name.err$j"
		stable_summary "$T/$name.s$j" >"$T/$name.sum$j"
	done
	for j in 2 3 5; do
		cmp "$T/$name.out1" "$T/$name.out$j"
		cmp "$T/$name.rej1" "$T/$name.rej$j"
		cmp "$T/$name.sum1" "$T/$name.sum$j"
		cmp "$T/$name.err1" "$T/$name.err$j"
	done
	[ -s "$T/$name.out1" ]
}

@test "--jobs: the same pairs, key lines, rejects and summary for 1, 2, 3 and 5 threads (issue 23)" {
	C=$BATS_TEST_DIRNAME/../examples/contracts/person.json
	# 4000 records (about 40 batches of the workers), with malformed
	# lines, records without any key and one without an id among them.
	dq gen -n 4000 --seed 7 |
		awk 'NR % 450 == 0 { print "{\"id\":" } NR % 300 == 0 { print "{\"note\":\"no key\"}" } NR == 2000 { print "{\"last_name\":\"Okonkwo\",\"first_name\":\"Chloe\",\"dob\":\"19 Jan 1944\"}" } { print }' >"$T/in"
	same_for_jobs exact -c "$C" "$T/in"
	[ "$(wc -l <"$T/exact.out1")" -gt 1000 ]
	run -0 jq -c '[.counts.in, .counts.rejected]' "$T/exact.s5"
	assert_output "[$(wc -l <"$T/in"),8]"
	# Rejected lines keep their line numbers, in order.
	grep -n -x '{"id":' "$T/in" | cut -d: -f1 >"$T/badlines"
	jq -r '.line' "$T/exact.rej5" >"$T/rejlines"
	cmp "$T/badlines" "$T/rejlines"
	[ "$(wc -l <"$T/rejlines")" -eq 8 ]
	# The record without an id is named by its line.
	run -0 grep -c '"_dq":{"row":' "$T/exact.out5"
	same_for_jobs token --rule 'w=street:words' --rule 'e=email:lower' \
		--rule 'q=last_name:qgrams(3)' --max-block 50 "$T/in"
	run -0 jq '[.blocking.rules[] | .pairs] | min > 0' "$T/token.s2"
	assert_output true
	same_for_jobs slim -c "$C" --slim "$T/in"
	same_for_jobs keys -c "$C" --emit-keys "$T/in"
	# Key lines number the records that are read, not the lines.
	run -0 cut -f3 "$T/keys.out3"
	assert_line --index 0 000000000000
	run -0 cut -f3 "$T/keys.out3"
	assert_line --index $((${#lines[@]} - 1)) \
		"$(printf '%012d' $(($(wc -l <"$T/in") - 8 - 1)))"
	# A link of three files: each file read by the workers in turn.
	head -1500 "$T/in" >"$T/l1"
	sed -n 1501,2800p "$T/in" >"$T/l2"
	tail -n +2801 "$T/in" >"$T/l3"
	same_for_jobs link -c "$C" --link "$T/l1" "$T/l2" "$T/l3"
	run -0 jq -c '._dq.sources' "$T/link.out5"
	assert_line '[1,2]'
	assert_line '[1,3]'
	assert_line '[2,3]'
	same_for_jobs linkkeys -c "$C" --link --emit-keys "$T/l1" "$T/l2" "$T/l3"
	same_for_jobs incr -c "$C" --existing "$T/l1" "$T/l2" "$T/l3"
	run -2 dq block -c "$C" -j 0 </dev/null
}

@test "--jobs: CSV files, stdin and a line of more than 1 MB give the same bytes for 1 and 3 threads (issue 23)" {
	C=$BATS_TEST_DIRNAME/../examples/contracts/person.json
	dq gen -n 3000 --seed 3 >"$T/g"
	head -1500 "$T/g" >"$T/g1"
	tail -n +1501 "$T/g" >"$T/g2"
	dq csv "$T/g1" >"$T/a.csv"
	dq csv "$T/g2" >"$T/b.csv"
	# A record of 1.2 MB is handled by the main thread, in its place.
	pad=$(head -c 1200000 /dev/zero | tr '\0' x)
	rec=$(sed -n 10p "$T/g")
	{ head -499 "$T/g"; printf '{"pad":"%s",%s\n' "$pad" "${rec#\{}"; tail -n +500 "$T/g"; } >"$T/big"
	for j in 1 3; do
		dq block -j "$j" -q -c "$C" --link "$T/a.csv" "$T/b.csv" >"$T/csv$j"
		dq block -j "$j" -q -c "$C" <"$T/g" >"$T/stdin$j"
		dq block -j "$j" -q -c "$C" --existing "$T/a.csv" - <"$T/b.csv" >"$T/ex$j"
		dq block -j "$j" -q -c "$C" "$T/big" >"$T/big$j"
	done
	cmp "$T/csv1" "$T/csv3"
	cmp "$T/stdin1" "$T/stdin3"
	cmp "$T/ex1" "$T/ex3"
	cmp "$T/big1" "$T/big3"
	[ "$(wc -l <"$T/csv1")" -gt 100 ]
	[ "$(wc -l <"$T/ex1")" -gt 100 ]
	run -0 grep -c '"pad":"xxxx' "$T/big3"
	[ "$output" -ge 1 ]
}
