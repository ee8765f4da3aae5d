#!/usr/bin/env bats
# dq-normalize: the record stream contract and the normalizers end to end.

load helpers

setup() {
	T=$BATS_TEST_TMPDIR
}

@test "help goes to stdout, reads like a man page, exit 0" {
	run -0 dq normalize --help
	assert_line --partial "usage: dq-normalize"
	assert_line --partial "--phone FIELDS[:REGION]"
	assert_line --partial "Exit status: 0"
}

@test "version" {
	run -0 dq normalize --version
	assert_output --regexp '^dq-normalize [0-9]+\.[0-9]+\.[0-9]+$'
}

@test "unknown option is a usage error, exit 2, nothing on stdout" {
	run -2 --separate-stderr dq normalize --no-such-flag "$FIX/nasty.ndjson"
	assert_output ""
	[[ "$stderr" == *"option '--no-such-flag' is unknown"* ]]
}

@test "missing input file: exit 2 with the file named, before output" {
	run -2 --separate-stderr dq normalize "$T/absent.ndjson"
	assert_output ""
	[[ "$stderr" == *"absent.ndjson: No such file or directory"* ]]
}

@test "empty input: no output, exit 0" {
	: >"$T/empty"
	run -0 --separate-stderr dq normalize --summary "$T/s.json" "$T/empty"
	assert_output ""
	run -0 jq -c '.counts | [.in, .out, .rejected]' "$T/s.json"
	assert_output "[0,0,0]"
}

@test "lossless pass-through of nasty but valid lines" {
	run -0 dq normalize --no-lineage "$FIX/nasty.ndjson"
	# Top level was already compact except for nested values, which stay.
	assert_line --index 0 '{"id":"a","n":9007199254740993,"x":59.0,"y":1e400,"s":"\u00e9","o":{"k": [1, 2, {"z" : null}]},"t":true,"e":""}'
	assert_line --index 1 "$(sed -n 2p "$FIX/nasty.ndjson")"
	assert_line --index 2 '{}'
	[ "${#lines[@]}" -eq 3 ]
}

@test "lineage: _dq.row is the input line, _dq.hash the line's XXH3" {
	printf '{"id":1}\n\n{"id":2}\n' >"$T/in"
	run -0 dq normalize "$T/in"
	assert_line --index 0 --regexp '^\{"id":1,"_dq":\{"row":1,"hash":"[0-9a-f]{16}"\}\}$'
	assert_line --index 1 --regexp '^\{"id":2,"_dq":\{"row":3,"hash":"[0-9a-f]{16}"\}\}$'
	# The same line gives the same hash; a different line another.
	h1=$(printf '%s' "${lines[0]}" | jq -r ._dq.hash)
	printf '{"id":1}\n' >"$T/again"
	run -0 dq normalize "$T/again"
	[ "$(printf '%s' "$output" | jq -r ._dq.hash)" = "$h1" ]
}

@test "existing _dq lineage is kept, not restamped" {
	printf '{"id":1,"_dq":{"row":42,"hash":"00000000000000aa","x":1}}\n' >"$T/in"
	run -0 dq normalize "$T/in"
	assert_output '{"id":1,"_dq":{"row":42,"hash":"00000000000000aa","x":1}}'
}

@test "malformed lines: each rejected whole with its line, counts add up" {
	run -1 --separate-stderr dq normalize --rejects "$T/rej" \
		--summary "$T/s.json" "$FIX/malformed.ndjson"
	[ "${#lines[@]}" -eq 3 ]
	assert_line --index 0 --partial '"ok one"'
	assert_line --index 1 --partial '"ok two"'
	assert_line --index 2 --partial '"crlf"'
	run -0 jq -c '[.line, .reason]' "$T/rej"
	assert_output - <<'OUT'
[2,"truncated object"]
[3,"trailing characters after the object"]
[4,"not a JSON object"]
[5,"invalid UTF-8"]
[6,"invalid escape in string"]
[7,"lone surrogate in string"]
[8,"duplicate key"]
[11,"nesting too deep"]
[13,"not a JSON object"]
[14,"control character in string"]
OUT
	run -0 jq -c '.counts | [.in, .out, .rejected, .blank, .in == .out + .quarantined + .rejected]' "$T/s.json"
	assert_output '[13,3,10,1,true]'
}

@test "rejected lines are kept byte for byte (raw or raw_base64)" {
	run -1 dq normalize -q --rejects "$T/rej" "$FIX/malformed.ndjson"
	# Rebuild every rejected line from the rejects file and compare.
	: >"$T/rebuilt"
	while IFS= read -r r; do
		if printf '%s' "$r" | jq -e 'has("raw")' >/dev/null; then
			printf '%s' "$r" | jq -j .raw >>"$T/rebuilt"
		else
			printf '%s' "$r" | jq -j .raw_base64 | base64 -d >>"$T/rebuilt"
		fi
		printf '\n' >>"$T/rebuilt"
	done <"$T/rej"
	sed -n '2,8p;11p;13,14p' "$FIX/malformed.ndjson" >"$T/want"
	cmp "$T/rebuilt" "$T/want"
	run -0 jq -c 'select(.line == 3) | [.file, .byte, .column]' "$T/rej"
	assert_output "[\"$FIX/malformed.ndjson\",$(( $(head -2 "$FIX/malformed.ndjson" | wc -c) + 8 )),9]"
}

@test "rejects within --max-rejects pass; without --rejects they are named on stderr" {
	run -0 --separate-stderr dq normalize --max-rejects 10 "$FIX/malformed.ndjson"
	[[ "$stderr" == *"malformed.ndjson:2:"*"truncated object"* ]]
	[[ "$stderr" == *"10 of 13 input records rejected"* ]]
	run -1 dq normalize -q --max-rejects 9 "$FIX/malformed.ndjson"
}

@test "BOM, CRLF and a last line without newline" {
	printf '\xef\xbb\xbf{"a":1}\r\n{"a":2}\r\n{"a":3}' >"$T/in"
	run -0 dq normalize --no-lineage "$T/in"
	assert_output $'{"a":1}\n{"a":2}\n{"a":3}'
}

@test "several files and stdin (-) in order" {
	printf '{"a":1}\n' >"$T/one"
	printf '{"a":3}\n' >"$T/three"
	run -0 dq normalize --no-lineage "$T/one" - "$T/three" <<<'{"a":2}'
	assert_output $'{"a":1}\n{"a":2}\n{"a":3}'
}

@test "a 50 MB line passes through unchanged" {
	head -c 50000000 /dev/zero | tr '\0' 'x' >"$T/x"
	{ printf '{"id":1,"big":"'; cat "$T/x"; printf '"}\n{"id":2}\n'; } >"$T/in"
	dq normalize --no-lineage "$T/in" >"$T/out"
	cmp "$T/in" "$T/out"
}

@test "write error on a full disk: exit 2 with a message" {
	run -2 --separate-stderr bash -c "'$DQ_BIN/dq-normalize' '$FIX/nasty.ndjson' >/dev/full"
	[[ "$stderr" == *"write error: stdout: No space left on device"* ]]
}

@test "a closed pipe (| head -1) ends quietly" {
	seq 1 20000 | awk '{ printf "{\"id\":%d}\n", $1 }' >"$T/in"
	run -0 --separate-stderr bash -c "set -o pipefail; '$DQ_BIN/dq-normalize' '$T/in' | head -1"
	assert_output --regexp '^\{"id":1,'
	[ -z "$stderr" ]
}

@test "summary carries run id, contract checksum, timings and counts" {
	printf '{"fields":{"email":{"type":"email"}}}\n' >"$T/c.json"
	printf '{"email":" A@B.COM "}\n' >"$T/in"
	run -0 dq normalize -c "$T/c.json" --summary "$T/s.json" "$T/in"
	run -0 jq -r '[.tool, .run_id, (.contract_version|test("^[0-9a-f]{16}$")), (.duration_ms >= 0), .counts.out, .fields.email.changed] | @tsv' "$T/s.json"
	assert_output $'dq-normalize\ttest-run\ttrue\ttrue\t1\t1'
}

@test "log-format json: one JSON line per diagnostic with the fields" {
	run -1 --separate-stderr dq normalize --log-format json "$FIX/malformed.ndjson"
	last=$(printf '%s\n' "$stderr" | tail -1)
	run -0 jq -r '[.level, .tool, .run_id, .stage, .counts.in, .counts.rejected] | @tsv' <<<"$last"
	assert_output $'warn\tdq-normalize\ttest-run\tend\t13\t10'
}

@test "contract: layers merge key by key, --set overrides, checksum follows" {
	cat >"$T/base.json" <<'J'
{"fields": {"email": {"type": "email"}, "name": {"normalize": ["trim"]}}}
J
	cat >"$T/prod.json" <<'J'
{"fields": {"name": {"normalize": ["trim", "upper"]}}}
J
	printf '{"name":" ann ","email":" X@Y.ORG "}\n' >"$T/in"
	run -0 dq normalize --no-lineage -c "$T/base.json" "$T/in"
	assert_output '{"name":"ann","email":"x@y.org"}'
	run -0 dq normalize --no-lineage -c "$T/base.json" -c "$T/prod.json" "$T/in"
	assert_output '{"name":"ANN","email":"x@y.org"}'
	run -0 dq normalize --no-lineage -c "$T/base.json" --set 'fields.name.normalize=["lower"]' "$T/in"
	assert_output '{"name":" ann ","email":"x@y.org"}'
	dq normalize -c "$T/base.json" --summary "$T/a.json" "$T/in" >/dev/null
	dq normalize -c "$T/base.json" -c "$T/prod.json" --summary "$T/b.json" "$T/in" >/dev/null
	# Key order does not change the checksum; content does.
	printf '{"fields": {"name": {"normalize": ["trim"]}, "email": {"type": "email"}}}' >"$T/base2.json"
	dq normalize -c "$T/base2.json" --summary "$T/c.json" "$T/in" >/dev/null
	[ "$(jq -r .contract_version "$T/a.json")" = "$(jq -r .contract_version "$T/c.json")" ]
	[ "$(jq -r .contract_version "$T/a.json")" != "$(jq -r .contract_version "$T/b.json")" ]
}

@test "contract: an unknown key is an error naming the key and the file" {
	printf '{"fields": {"email": {"typo_key": 1}}}\n' >"$T/bad.json"
	run -2 --separate-stderr dq normalize -c "$T/bad.json" "$FIX/nasty.ndjson"
	assert_output ""
	[[ "$stderr" == *"contract $T/bad.json: unknown key 'fields.email.typo_key'"* ]]
	printf '{"feilds": {}}\n' >"$T/bad2.json"
	run -2 --separate-stderr dq normalize -c "$T/bad2.json" "$FIX/nasty.ndjson"
	[[ "$stderr" == *"unknown key 'feilds'"* ]]
	run -2 --separate-stderr dq normalize --set fields.x.nope=1 "$FIX/nasty.ndjson"
	[[ "$stderr" == *"contract --set: unknown key 'fields.x.nope'"* ]]
}

@test "contract: invalid JSON, duplicate keys and unknown steps are errors" {
	printf '{"fields": {"a": {"type": "email"},\n "a": {}}}\n' >"$T/dup.json"
	run -2 --separate-stderr dq normalize -c "$T/dup.json" "$FIX/nasty.ndjson"
	[[ "$stderr" == *"contract $T/dup.json:2: duplicate key"* ]]
	printf '{"fields": {"a": {"normalize": ["frobnicate"]}}}\n' >"$T/step.json"
	run -2 --separate-stderr dq normalize -c "$T/step.json" "$FIX/nasty.ndjson"
	[[ "$stderr" == *"fields.a.normalize: unknown step 'frobnicate'"* ]]
	printf '{"fields": {"p": {"normalize": [{"phone": {"region": "XX"}}]}}}\n' >"$T/reg.json"
	run -2 --separate-stderr dq normalize -c "$T/reg.json" "$FIX/nasty.ndjson"
	[[ "$stderr" == *"unknown phone region 'XX'"* ]]
}

@test "quick flags: email, phone, date, name, state, zip, bool, number" {
	cat >"$T/in" <<'J'
{"id":"1","email":" Ann.Lee+news@Example.COM ","phone":"(415) 555-2671","dob":"3/7/1984","first":"  mARY-kate ","last":"o'brien","state":"massachusetts","zip":"2134","ok":"Yes","amt":"$1,234.50"}
J
	run -0 dq normalize --no-lineage --trim --email email --phone phone --date dob \
		--name first,last --state state --zip zip --bool ok --number amt "$T/in"
	assert_output '{"id":"1","email":"ann.lee+news@example.com","phone":"+14155552671","dob":"1984-03-07","first":"Mary-Kate","last":"O'"'"'Brien","state":"MA","zip":"02134","ok":true,"amt":1234.50}'
}

@test "date order from the flag; impossible dates stay and are listed unparsed" {
	printf '{"d":"03/07/2024"}\n{"d":"2023-02-29"}\n{"d":"7 Mar 2024"}\n' >"$T/in"
	run -0 dq normalize --no-lineage --date d:dmy "$T/in"
	assert_line --index 0 '{"d":"2024-07-03"}'
	assert_line --index 1 '{"d":"2023-02-29","_dq":{"unparsed":["d"]}}'
	assert_line --index 2 '{"d":"2024-03-07"}'
}

@test "phone regions and international forms; invalid numbers unparsed" {
	printf '{"p":"020 7946 0018"}\n{"p":"+49 30 901820"}\n{"p":"12345"}\n{"p":"N/A"}\n{"p":4155552671}\n' >"$T/in"
	run -0 dq normalize --no-lineage --phone p:GB "$T/in"
	assert_line --index 0 '{"p":"+442079460018"}'
	assert_line --index 1 '{"p":"+4930901820"}'
	assert_line --index 2 '{"p":"12345","_dq":{"unparsed":["p"]}}'
	assert_line --index 3 '{"p":null}'
	assert_line --index 4 '{"p":4155552671,"_dq":{"unparsed":["p"]}}'
	run -0 dq normalize --no-lineage --phone p "$T/in"
	assert_line --index 4 '{"p":"+14155552671"}'
}

@test "keep-original records the raw original of changed values only" {
	printf '{"e":" A@B.CO ","n":59.0,"s":"same"}\n' >"$T/in"
	run -0 dq normalize --no-lineage --keep-original --email e --trim "$T/in"
	assert_output '{"e":"a@b.co","n":59.0,"s":"same","_dq":{"orig":{"e":" A@B.CO "}}}'
}

@test "a value with escapes is decoded, normalized and re-encoded" {
	printf '{"n":"  caf\\u00e9 \\"x\\"  ","u":"\\u00e9"}\n' >"$T/in"
	run -0 dq normalize --no-lineage --trim "$T/in"
	assert_output '{"n":"café \"x\"","u":"\u00e9"}'
}

@test "rename, unknown fields listed with samples, drop-unknown" {
	printf '{"fields":{"email":{"type":"email"}},"rename":{"E-mail":"email"}}\n' >"$T/c.json"
	printf '{"E-mail":"A@B.CO","extra":1}\n{"E-mail":"c@d.co","extra":2,"email":"x@y.co"}\n' >"$T/in"
	run -0 dq normalize --no-lineage -c "$T/c.json" --summary "$T/s.json" "$T/in"
	assert_line --index 0 '{"email":"a@b.co","extra":1}'
	assert_line --index 1 '{"E-mail":"c@d.co","extra":2,"email":"x@y.co","_dq":{"not_renamed":["E-mail"]}}'
	run -0 jq -c '.unknown_fields' "$T/s.json"
	assert_output '[{"field":"extra","count":2,"dropped":false,"samples":[1,2]},{"field":"E-mail","count":1,"dropped":false,"samples":["c@d.co"]}]'
	run -0 dq normalize --no-lineage -c "$T/c.json" --drop-unknown "$T/in"
	assert_line --index 0 '{"email":"a@b.co"}'
}

@test "null tokens: default list and --null-tokens" {
	printf '{"a":"N/A","b":"  none ","c":"-","d":"nothing","e":""}\n' >"$T/in"
	run -0 dq normalize --no-lineage --trim --null "$T/in"
	assert_output '{"a":null,"b":null,"c":null,"d":"nothing","e":null}'
	run -0 dq normalize --no-lineage --null --null-tokens nothing "$T/in"
	assert_output '{"a":"N/A","b":"  none ","c":"-","d":null,"e":""}'
}

@test "null tokens that are names (Na, Nil) stay in name fields unless the contract asks" {
	P=$BATS_TEST_DIRNAME/../examples/contracts/person.json
	printf '%s\n' 'id,first_name,last_name,city,street' '1,Nil,Na,na,NIL' \
		'2,NIL,NA,Nil,-' '3,nil,N/A,x,y' >"$T/in.csv"
	run -0 --separate-stderr dq normalize --no-lineage -c "$P" \
		--summary "$T/s.json" "$T/in.csv"
	assert_line --index 0 '{"id":"1","first_name":"Nil","last_name":"Na","city":null,"street":null}'
	# In capitals or lower case they are placeholders (R's NA, a form's
	# NIL), as in every other field.
	assert_line --index 1 '{"id":"2","first_name":null,"last_name":null,"city":null,"street":null}'
	assert_line --index 2 '{"id":"3","first_name":null,"last_name":null,"city":"X","street":"y"}'
	run -0 jq -c '[.fields.first_name.nulled, .fields.last_name.nulled, .fields.city.nulled]' "$T/s.json"
	assert_output '[2,2,2]'
	# The contract asks for them on names too.
	run -0 --separate-stderr dq normalize --no-lineage -c "$P" \
		--set 'normalize.names_keep=[]' "$T/in.csv"
	assert_line --index 0 '{"id":"1","first_name":null,"last_name":null,"city":null,"street":null}'
	# --null on every field spares the fields --name names.
	run -0 --separate-stderr dq normalize --no-lineage --null \
		--name first_name "$T/in.csv"
	assert_line --index 0 '{"id":"1","first_name":"Nil","last_name":null,"city":null,"street":null}'
	run -2 --separate-stderr dq normalize -c "$P" --set 'normalize.names_keep="na"' "$T/in.csv"
	assert_output ""
	[ "$stderr" = 'dq-normalize: contract: normalize.names_keep must be a list of strings' ]
}

@test "ZIP padding only where the record's state agrees; else unparsed, unchanged (issue 15, item 10)" {
	P=$BATS_TEST_DIRNAME/../examples/contracts/person.json
	printf '%s\n' '{"state":"TX","zip":"7330"}' '{"state":"CA","zip":"2134"}' \
		'{"state":"nj","zip":"7330"}' '{"zip":"2134","state":"Massachusetts"}' \
		'{"zip":"2134"}' '{"state":"N/A","zip":"2134"}' '{"state":"Bavaria","zip":"2134"}' \
		'{"state":"PR","zip":907}' '{"state":"CA","zip":"94110"}' '{"state":"TX","zip":"7330-1234"}' >"$T/in"
	run -0 --separate-stderr dq normalize --no-lineage -c "$P" --summary "$T/s.json" "$T/in"
	assert_output '{"state":"TX","zip":"7330","_dq":{"unparsed":["zip"]}}
{"state":"CA","zip":"2134","_dq":{"unparsed":["zip"]}}
{"state":"NJ","zip":"07330"}
{"zip":"02134","state":"MA"}
{"zip":"02134"}
{"state":null,"zip":"02134"}
{"state":"Bavaria","zip":"02134","_dq":{"unparsed":["state"]}}
{"state":"PR","zip":"00907"}
{"state":"CA","zip":"94110"}
{"state":"TX","zip":"7330-1234","_dq":{"unparsed":["zip"]}}'
	run -0 jq -c '.fields.zip | [.seen, .changed, .unparsed]' "$T/s.json"
	assert_output '[10,6,3]'
	# The quick flags name the state field the same way.
	run -0 --separate-stderr dq normalize --no-lineage --state state --zip zip "$T/in"
	assert_line --index 0 '{"state":"TX","zip":"7330","_dq":{"unparsed":["zip"]}}'
	assert_line --index 2 '{"state":"NJ","zip":"07330"}'
	# A zip step may name its state field, or none with "state": false.
	printf '%s\n' '{"fields":{"st":{"type":"us_state"},"zip":{"normalize":[{"zip":{"state":"st"}}]}}}' >"$T/c1.json"
	printf '%s\n' '{"st":"CA","zip":"2134"}' '{"st":"MA","zip":"2134"}' >"$T/in2"
	run -0 --separate-stderr dq normalize --no-lineage -c "$T/c1.json" "$T/in2"
	assert_output '{"st":"CA","zip":"2134","_dq":{"unparsed":["zip"]}}
{"st":"MA","zip":"02134"}'
	printf '%s\n' '{"fields":{"st":{"type":"us_state"},"zip":{"normalize":[{"zip":{"state":false}}]}}}' >"$T/c2.json"
	run -0 --separate-stderr dq normalize --no-lineage -c "$T/c2.json" "$T/in2"
	assert_output '{"st":"CA","zip":"02134"}
{"st":"MA","zip":"02134"}'
}

@test "CSV: quoted commas, quotes, newlines; header names the fields" {
	printf 'id,name,note\n1,"Lee, Ann","said ""hi"""\n2,Bo,"two\nlines"\n' >"$T/in.csv"
	run -0 dq normalize --no-lineage "$T/in.csv"
	assert_line --index 0 '{"id":"1","name":"Lee, Ann","note":"said \"hi\""}'
	assert_line --index 1 '{"id":"2","name":"Bo","note":"two\nlines"}'
}

@test "CSV: a row of the wrong width is rejected with its line; rows after it survive" {
	printf 'a,b\n1,2\n3\n4,5,6\n7,8\n' >"$T/in.csv"
	run -1 dq normalize -q --no-lineage --rejects "$T/rej" --summary "$T/s.json" "$T/in.csv"
	assert_output $'{"a":"1","b":"2"}\n{"a":"7","b":"8"}'
	run -0 jq -c '[.line, .raw]' "$T/rej"
	assert_output $'[3,"3"]\n[4,"4,5,6"]'
	run -0 jq -c '.counts | [.in, .out, .rejected]' "$T/s.json"
	assert_output '[4,2,2]'
}

@test "CSV: Latin-1 and a FEBRL-style ', ' delimiter" {
	printf 'name,city\nJos\xe9,M\xfcnchen\n' >"$T/l1.csv"
	run -0 dq normalize --no-lineage --encoding latin1 "$T/l1.csv"
	assert_output '{"name":"José","city":"München"}'
	printf 'rec_id, given_name, surname\nrec-1-org, , smith\n' >"$T/f.csv"
	run -0 dq normalize --no-lineage --delimiter ', ' "$T/f.csv"
	assert_output '{"rec_id":"rec-1-org","given_name":"","surname":"smith"}'
}

@test "CSV lineage: row is the line the record starts on, hash of its raw bytes" {
	printf 'a,b\n"x\ny",1\nz,2\n' >"$T/in.csv"
	run -0 dq normalize "$T/in.csv"
	assert_line --index 0 --regexp '"_dq":\{"row":2,'
	assert_line --index 1 --regexp '"_dq":\{"row":4,'
}

# Threads: the same bytes out, in the same order, whatever the number of
# workers.  The input spans many batches and mixes valid records, records
# with unknown fields (the summary's samples must be the first ones met),
# malformed lines and CSV rows of the wrong width.
@test "--jobs: output, rejects and summary are the same for 1, 2 and 5 workers" {
	dq gen -n 6000 --seed 7 >"$T/g.ndjson"
	awk 'NR % 997 == 0 { print "{\"broken\": " } NR % 1499 == 0 { print "{\"extra_" NR % 3 "\":" NR ",\"id\":" NR "}" } { print }' \
		"$T/g.ndjson" >"$T/in.ndjson"
	for j in 1 2 5; do
		run -1 dq normalize -j "$j" -q -c "$BATS_TEST_DIRNAME/../scripts/bench-contract.json" \
			--rejects "$T/rej$j" --summary "$T/s$j.json" "$T/in.ndjson" "$T/in.ndjson"
		printf '%s\n' "$output" >"$T/out$j"
		jq -S 'del(.started, .ended, .duration_ms, .run_id)' "$T/s$j.json" >"$T/sum$j"
	done
	# 2 x 6000 records plus 2 x 4 records with extra fields; 2 x 6 broken lines.
	run -0 jq -c '.counts | [.in, .out, .rejected]' "$T/s2.json"
	assert_output '[12020,12008,12]'
	run -0 jq -c '[.unknown_fields[] | select(.field | startswith("extra")) | [.field, .count, .samples]]' "$T/s5.json"
	assert_output '[["extra_2",4,[1499,5996,1499]],["extra_1",2,[2998,2998]],["extra_0",2,[4497,4497]]]'
	run -0 jq -c '[.unknown_fields[0] | .field, .count, .samples[0]]' "$T/s5.json"
	assert_output '["id",12008,"p0000001"]'
	for j in 2 5; do
		cmp "$T/out1" "$T/out$j"
		cmp "$T/rej1" "$T/rej$j"
		cmp "$T/sum1" "$T/sum$j"
	done
	run -0 jq -s -c '[.[].line]' "$T/rej5"
	assert_output '[997,1996,2994,3993,4992,5990,997,1996,2994,3993,4992,5990]'
}

# CSV rows are read on the workers (lib/cli/par.c, dq_input_csv_rows):
# runs of whole rows cut by the reader's quoting rules, each read by a
# fork of the reader.  Rows, lines, rejects, blank-line counts and
# sequence numbers (the summary's samples) must be one thread's.
@test "--jobs: CSV read on the workers gives one thread's rows, rejects and counts (issue 23)" {
	csv_hard "$T/h.csv"
	# A second file with other columns, ending inside a quoted field.
	{ printf 'x;y\n'; for i in $(seq 1 3000); do printf '%d;"v\n%d"\n' "$i" "$i"; done
	  printf '9;"never closed\n'; } | tr ';' , >"$T/k.csv"
	for j in 1 2 3 5; do
		run -1 --separate-stderr dq normalize -j "$j" --rejects "$T/rej$j" \
			--summary "$T/s$j.json" "$T/h.csv" "$T/k.csv"
		printf '%s\n' "$output" >"$T/out$j"
		jq -S 'del(.started, .ended, .duration_ms, .run_id)' "$T/s$j.json" >"$T/sum$j"
		run -1 --separate-stderr dq normalize -j "$j" --csv <"$T/h.csv"
		printf '%s\n' "$output" >"$T/pipe$j"
	done
	run -0 jq -c '.counts | [.in, .out, .rejected, .blank]' "$T/s1.json"
	assert_output '[9001,8076,925,461]'
	run -0 jq -s -c '[.[] | .line] | .[0:3], .[-2:]' "$T/rej1"
	assert_output $'[7,10,26]\n[8769,6002]'
	for j in 2 3 5; do
		cmp "$T/out1" "$T/out$j"
		cmp "$T/rej1" "$T/rej$j"
		cmp "$T/sum1" "$T/sum$j"
		cmp "$T/pipe1" "$T/pipe$j"
	done
	# The quoted line ends came through as data, and line numbers are
	# the file's: row 3000 of k.csv starts on line 6000.
	run -0 jq -c 'select(.x == "3000") | [.y, ._dq.row]' "$T/out5"
	assert_output '["v\n3000",6000]'
}

# A line of 1 MiB or more skips the batches (the main thread takes it in
# place, lib/cli/par.c): the bytes, the order and the rejects stay a
# single thread's.
@test "--jobs: lines of a megabyte and more, good and broken, keep their place" {
	dq gen -n 3000 --seed 8 >"$T/g.ndjson"
	python3 -c '
import sys
big = "x" * (1 << 20)
for i, line in enumerate(open(sys.argv[1])):
    if i == 700:
        sys.stdout.write("{\"id\":\"big1\",\"note\":\"" + big + "\"}\n")
    if i == 1500:
        sys.stdout.write("{\"id\":\"bad\",\"note\":\"" + big + "\n")
    if i == 1501:
        sys.stdout.write("{\"id\":\"big2\",\"email\":\" A@B.COM \",\"note\":\"" + big + big + "\"}\n")
    sys.stdout.write(line)' "$T/g.ndjson" >"$T/in.ndjson"
	for j in 1 2 5; do
		run -1 dq normalize -j "$j" -q -c "$BATS_TEST_DIRNAME/../scripts/bench-contract.json" \
			--rejects "$T/rej$j" --summary "$T/s$j.json" "$T/in.ndjson"
		printf '%s\n' "$output" >"$T/out$j"
		jq -S 'del(.started, .ended, .duration_ms, .run_id)' "$T/s$j.json" >"$T/sum$j"
	done
	run -0 jq -c '.counts | [.in, .out, .rejected]' "$T/s5.json"
	assert_output '[3003,3002,1]'
	run -0 jq -c '[.line, (.raw | length)]' "$T/rej5"
	assert_output '[1502,1048596]'
	run -0 grep -n -o '"id":"big[12]"' "$T/out5"
	assert_output $'701:"id":"big1"\n1503:"id":"big2"'
	run -0 jq -r 'select(.id == "big2") | .email' "$T/out5"
	assert_output "a@b.com"
	for j in 2 5; do
		cmp "$T/out1" "$T/out$j"
		cmp "$T/rej1" "$T/rej$j"
		cmp "$T/sum1" "$T/sum$j"
	done
}

@test "--jobs: a bad count is a usage error" {
	run -2 dq normalize -j 0 </dev/null
	assert_output --partial "--jobs: '0' is not a whole number from 1 to 64"
	run -2 dq normalize --jobs x </dev/null
	assert_output --partial "--jobs: 'x' is not a whole number"
}

@test "phone step alone on text with an extension that is no number: unparsed, no crash" {
	local c=$BATS_TEST_TMPDIR/c.json in=$BATS_TEST_TMPDIR/in.ndjson
	echo '{"fields":{"a":{"normalize":["phone"]}}}' >"$c"
	echo '{"a":"de la 12/03/04 +44 20 7946 0958 x12"}' >"$in"
	run -0 --separate-stderr dq normalize --no-lineage -c "$c" "$in"
	[ "$output" = '{"a":"de la 12/03/04 +44 20 7946 0958 x12","_dq":{"unparsed":["a"]}}' ]
}

@test "lineage: a \"row\" nested in _dq (as _dq.orig.row) is not the record's row (issue 13, defect 5)" {
	run -0 dq normalize --trim <<<'{"a":" x ","_dq":{"orig":{"row":5}}}'
	assert_output '{"a":"x","_dq":{"orig":{"row":5},"row":1,"hash":"95ef950a9d2372a6"}}'
	run -0 dq normalize --trim <<<'{"a":1,"_dq":{"row":9,"hash":"abc"}}'
	assert_output '{"a":1,"_dq":{"row":9,"hash":"abc"}}'
}

# Value maps, defaults and derived fields (issue 16): the attendance
# document's fixes, worked out by hand for each row.
fills_contract() {
	cat >"$T/fills.json" <<'J'
{"fields": {
  "status": {"normalize": ["trim", "lower",
             {"map": {"p": "present", "a": "absent", "?": null}}]},
  "school": {"default": "Lincoln MS"},
  "date": {"type": "date", "normalize": ["trim", {"date": "mdy"}]},
  "absences": {"type": "integer"},
  "sessions": {"type": "integer"},
  "school_year": {"derive": {"academic_year": "date", "starts": "08-01"}},
  "absence_pct": {"derive": {"ratio": ["absences", "sessions"],
                             "scale": 100, "round": 1}}
}}
J
}

@test "fills: value maps, defaults and derived fields on CSV, by hand" {
	fills_contract
	printf '%s\n' 'id,status,school,date,absences,sessions' \
		'1, P ,,7/31/2025,1,3' \
		'2,A,Roosevelt,8/1/2025,2,0' \
		'3,?,,9/9/2025,,20' \
		'4,late,,9/10/2025,x,20' >"$T/a.csv"
	run -0 --separate-stderr dq normalize -c "$T/fills.json" --no-lineage \
		--summary "$T/s.json" "$T/a.csv"
	assert_line -n 0 '{"id":"1","status":"present","school":"Lincoln MS","date":"2025-07-31","absences":1,"sessions":3,"school_year":"2024-2025","absence_pct":33.3}'
	assert_line -n 1 '{"id":"2","status":"absent","school":"Roosevelt","date":"2025-08-01","absences":2,"sessions":0,"school_year":"2025-2026","absence_pct":null,"_dq":{"unparsed":["absence_pct"]}}'
	assert_line -n 2 '{"id":"3","status":null,"school":"Lincoln MS","date":"2025-09-09","absences":null,"sessions":20,"school_year":"2025-2026","absence_pct":null}'
	assert_line -n 3 '{"id":"4","status":"late","school":"Lincoln MS","date":"2025-09-10","absences":"x","sessions":20,"school_year":"2025-2026","absence_pct":null,"_dq":{"unparsed":["absences","absence_pct"]}}'
	run -0 jq -c '.fields | [.school.defaulted, .school_year.derived,
		.absence_pct.derived, .absence_pct.no_source,
		.absence_pct.unparsed, .status.nulled]' "$T/s.json"
	assert_output '[3,4,1,1,2,1]'
}

@test "fills: --keep-original keeps what a default or a derivation replaced" {
	fills_contract
	printf '%s\n' '{"school":"","date":"2025-09-09","absences":1,"sessions":4,"absence_pct":"25%"}' |
		dq normalize -c "$T/fills.json" --no-lineage --keep-original >"$T/o"
	run -0 cat "$T/o"
	assert_output '{"school":"Lincoln MS","date":"2025-09-09","absences":1,"sessions":4,"absence_pct":25,"school_year":"2025-2026","_dq":{"orig":{"school":"","absence_pct":"25%"}}}'
}

@test "fills: a bad map, default or derivation is a contract error naming it" {
	printf '{"fields":{"s":{"normalize":[{"map":{"a":[1]}}]}}}' >"$T/c1.json"
	run -2 --separate-stderr dq normalize -c "$T/c1.json" /dev/null
	[[ "$stderr" == *'fields.s.normalize: map: "a": a string, a number, true, false or null'* ]]
	printf '{"fields":{"y":{"derive":{"academic_year":"d"}}}}' >"$T/c2.json"
	run -2 --separate-stderr dq normalize -c "$T/c2.json" /dev/null
	[[ "$stderr" == *'fields.y.derive: academic_year needs "starts": "MM-DD"'* ]]
	printf '{"fields":{"y":{"defualt":"x"}}}' >"$T/c3.json"
	run -2 --separate-stderr dq normalize -c "$T/c3.json" /dev/null
	[[ "$stderr" == *"unknown key 'fields.y.defualt'"* ]]
}

@test "field paths: steps on nested values and on each element, the rest byte for byte (issue 18, 1)" {
	# addr.zip and items[].sku are read inside their objects, emails[]
	# per element (bad@@ unparsed, named by its index, the number left
	# alone); a\.b is the flat key "a.b" only; a record with the exact
	# key "addr.zip" has that one normalized, its nested one left alone.
	# 1.50, " x " and the other members keep their bytes.
	cat >"$T/c.json" <<-'J'
	{"fields":{"addr.zip":{"type":"zip"},"emails[]":{"type":"email"},
	 "items[].sku":{"normalize":["trim","upper"]},"a\\.b":{"normalize":["upper"]}}}
	J
	printf '%s\n' '{"id":1,"addr":{"zip":" 1234","city":"  x "},"emails":[" A@B.COM ","bad@@",7],"items":[{"sku":" s1 ","n":1.50},{"n":2}],"a.b":"q","a":{"b":"r"}}' \
		'{"id":2,"addr.zip":" 02139","addr":{"zip":"x"}}' >"$T/in"
	run -0 --separate-stderr dq normalize -c "$T/c.json" --keep-original --no-lineage --summary "$T/s.json" "$T/in"
	assert_output - <<-'O'
	{"id":1,"addr":{"zip":"01234","city":"  x "},"emails":["a@b.com","bad@@",7],"items":[{"sku":"S1","n":1.50},{"n":2}],"a.b":"Q","a":{"b":"r"},"_dq":{"unparsed":["emails[1]"],"orig":{"addr.zip":" 1234","emails[0]":" A@B.COM ","items[0].sku":" s1 ","a\\.b":"q"}}}
	{"id":2,"addr.zip":"02139","addr":{"zip":"x"},"_dq":{"orig":{"addr.zip":" 02139"}}}
	O
	# Values seen along each path; addr is known as the top of a path,
	# a is not named by the contract.
	run -0 jq -c '[.fields, [.unknown_fields[].field]]' "$T/s.json"
	assert_output '[{"addr.zip":{"seen":2,"changed":2,"nulled":0,"unparsed":0},"emails[]":{"seen":3,"changed":1,"nulled":0,"unparsed":1},"items[].sku":{"seen":1,"changed":1,"nulled":0,"unparsed":0},"a\\.b":{"seen":1,"changed":1,"nulled":0,"unparsed":0}},["id","a"]]'
	# dq-validate reads the unparsed element as a format failure.
	dq normalize -c "$T/c.json" --no-lineage "$T/in" >"$T/n"
	run -1 --separate-stderr dq validate -c "$T/c.json" "$T/n"
	assert_line --index 0 '{"id":1,"addr":{"zip":"01234","city":"  x "},"emails":["a@b.com","bad@@",7],"items":[{"sku":"S1","n":1.50},{"n":2}],"a.b":"Q","a":{"b":"r"},"_dq":{"unparsed":["emails[1]"],"violations":[{"code":"TYPE:emails[]","field":"emails[2]","severity":"error","message":"expected email, found number","value":7},{"code":"FMT:emails[]","field":"emails[1]","severity":"error","message":"dq-normalize could not parse it as email","value":"bad@@"}]}}'
}

@test "field paths: --drop-unknown keeps the top of a path; quick flags take paths (issue 18, 1)" {
	printf '%s\n' '{"x":1,"p":{"mail":" A@B.NL "},"tags":[" Y "]}' >"$T/in"
	run -0 --separate-stderr dq normalize --email p.mail --upper 'tags[]' --trim --drop-unknown --no-lineage "$T/in"
	assert_output '{"p":{"mail":"a@b.nl"},"tags":["Y"]}'
}

@test "arrays: a field's steps apply to each element, an unparsed one named by index (issue 18, 2)" {
	printf '%s\n' '{"id":1,"emails":[" A@B.COM ","bad@@",7],"n":" 5 "}' >"$T/in"
	run -0 --separate-stderr dq normalize --email emails --trim --no-lineage --keep-original "$T/in"
	assert_output '{"id":1,"emails":["a@b.com","bad@@",7],"n":"5","_dq":{"unparsed":["emails[1]"],"orig":{"emails[0]":" A@B.COM ","n":" 5 "}}}'
}

@test "--previous and --hashes-out: new, changed, unchanged, gone by the record key; key order, trimmed white space and 1.0 vs 1 change nothing (issue 21)" {
	cd "$T"
	printf '{"id":1,"n":"Ann","x":1}\n{"id":2,"n":"Bob","x":2}\n{"id":3,"n":"Cy","x":3}\n{"n":"nokey"}\n' >d1.ndjson
	printf '{"x":1.0,"n":" Ann ","id":1}\n{"id":2,"n":"Bobby","x":2}\n{"id":4,"n":"Dee","x":4}\n{"id":4.0,"n":"Dee2","x":4}\n{"id":"1","n":"Ann","x":1}\n' >d2.ndjson
	run -0 dq normalize -q --trim --no-lineage --hashes-out h1 --summary s1 d1.ndjson
	assert_output "$(cat d1.ndjson)"
	run -0 jq -c .changes s1
	assert_output '{"new":3,"changed":0,"unchanged":0,"gone":0,"unkeyed":1,"duplicate_keys":0,"gone_keys":[]}'
	run -0 jq -r '.key' h1
	assert_output '1
2
3'
	for j in 1 2; do
		run -0 dq normalize -q -j $j --trim --no-lineage --previous h1 --hashes-out "h2.$j" --summary "s2.$j" d2.ndjson
		assert_output '{"x":1.0,"n":"Ann","id":1,"_dq":{"change":"unchanged"}}
{"id":2,"n":"Bobby","x":2,"_dq":{"change":"changed"}}
{"id":4,"n":"Dee","x":4,"_dq":{"change":"new"}}
{"id":4.0,"n":"Dee2","x":4,"_dq":{"change":"new"}}
{"id":"1","n":"Ann","x":1,"_dq":{"change":"new"}}'
		run -0 jq -c .changes "s2.$j"
		assert_output '{"new":3,"changed":1,"unchanged":1,"gone":1,"unkeyed":0,"duplicate_keys":1,"gone_keys":[3]}'
	done
	run -0 cmp h2.1 h2.2
	# id 4 and 4.0 are one key: the later record's hash is kept.
	run -0 cut -d, -f1 h2.1
	assert_output '{"key":1
{"key":2
{"key":4.0
{"key":"1"'
	# The hash of 1 is the first run's: the record did not change.
	run -0 jq -r 'select(.key == 1) | .hash' h1
	h=$output
	run -0 jq -r 'select(.key == 1) | .hash' h2.1
	assert_output "$h"
	printf '{"key":1}\n' >bad
	run -2 dq normalize -q --previous bad d1.ndjson
	assert_output "dq-normalize: --previous bad:1: not a hashes line {\"key\":ID,\"hash\":\"32 hex digits\"}"
	run -2 dq normalize -q --previous absent d1.ndjson
	assert_output "dq-normalize: --previous absent: No such file or directory"
}

@test "--since and --watermark compare the field as the contract normalizes it (dmy dates, offsets), not its raw text; a value that is not a time goes to rejects with its line" {
	cd "$T"
	printf '{"fields":{"ts":{"type":"datetime","normalize":[{"datetime":{"order":"dmy"}}]}}}\n' >c.json
	# As text "02/06" sorts before "12/05" and "30/04" after both; as
	# times 30 April < 12 May < 2 June.  12:30+02:00 is 10:30Z.
	printf '%s\n' '{"id":1,"ts":"12/05/2026 10:00"}' '{"id":2,"ts":"02/06/2026 09:00"}' \
		'{"id":3,"ts":"30/04/2026 23:00"}' '{"id":4,"ts":"2026-05-12T12:30:00+02:00"}' \
		'{"id":5,"ts":"not a date"}' '{"id":6}' >a.ndjson
	run -1 --separate-stderr dq normalize -q --no-lineage -c c.json --since ts=2026-05-12T10:15:00Z --summary s1 --rejects rej a.ndjson
	assert_output '{"id":2,"ts":"2026-06-02T09:00:00"}
{"id":4,"ts":"2026-05-12T12:30:00+02:00"}
{"id":6}'
	run -0 jq -c '[.line, .reason, .raw]' rej
	assert_output '[5,"watermark field is not a time","{\"id\":5,\"ts\":\"not a date\"}"]'
	run -0 jq -c '[.counts.in, .counts.out, .counts.rejected, .counts.skipped, .watermark]' s1
	assert_output '[6,3,1,2,{"field":"ts","since":"2026-05-12T10:15:00Z","new":"2026-06-02T09:00:00","selected":3,"skipped":2,"undated":1,"unreadable":1}]'
	# The state keeps the normalized time, which the next run reads.
	run -0 --separate-stderr dq normalize -q --no-lineage -c c.json --max-rejects 1 --watermark ts=wm.json a.ndjson
	run -0 cat wm.json
	assert_output '{"field":"ts","since":"2026-06-02T09:00:00"}'
	printf '%s\n' '{"id":7,"ts":"01/06/2026 10:00"}' '{"id":8,"ts":"03/06/2026 08:00"}' >b.ndjson
	run -0 dq normalize -q --no-lineage -c c.json --watermark ts=wm.json b.ndjson
	assert_output '{"id":8,"ts":"2026-06-03T08:00:00"}'
}

@test "--watermark: only records after the last successful run's latest time; a failed run leaves the watermark and its retry takes the same records once (issue 21)" {
	cd "$T"
	printf '{"id":1,"ts":"2026-12-01T10:00:00Z"}\n{"id":2,"ts":"2026-12-02T10:00:00Z"}\n{"id":3}\n' >a.ndjson
	printf '{"id":2,"ts":"2026-12-02T10:00:00Z"}\n{"id":4,"ts":"2026-12-03T10:00:00+01:00"}\n{"id":5,"ts":1796290800}\nbroken\n' >b.ndjson
	run -0 dq normalize -q --no-lineage --watermark ts=wm.json --summary s1 a.ndjson
	assert_output "$(cat a.ndjson)"
	run -0 cat wm.json
	assert_output '{"field":"ts","since":"2026-12-02T10:00:00Z"}'
	run -0 jq -c '[.counts.in, .counts.out, .counts.skipped, .watermark]' s1
	assert_output '[3,3,0,{"field":"ts","since":null,"new":"2026-12-02T10:00:00Z","selected":3,"skipped":0,"undated":1,"unreadable":0}]'
	# A failed run (a malformed line, --max-rejects 0): exit 1, the
	# watermark stays where it was.
	run -1 dq normalize -q --no-lineage --watermark ts=wm.json --summary s2 b.ndjson
	assert_output '{"id":4,"ts":"2026-12-03T10:00:00+01:00"}
{"id":5,"ts":1796290800}'
	run -0 cat wm.json
	assert_output '{"field":"ts","since":"2026-12-02T10:00:00Z"}'
	run -0 jq -c '.counts | [.in, .out, .rejected, .skipped]' s2
	assert_output '[4,2,1,1]'
	# The retry takes the same records, once; the watermark moves to the
	# latest (1796290800 is 2026-12-03T09:40:00Z, after 09:00Z).
	run -0 dq normalize -q --no-lineage --watermark ts=wm.json --max-rejects 1 b.ndjson
	assert_output '{"id":4,"ts":"2026-12-03T10:00:00+01:00"}
{"id":5,"ts":1796290800}'
	run -0 cat wm.json
	assert_output '{"field":"ts","since":"1796290800"}'
	# Run again: nothing after the watermark.
	run -0 dq normalize -q --no-lineage --watermark ts=wm.json --max-rejects 1 --summary s4 b.ndjson
	assert_output ''
	run -0 jq -c '.counts | [.in, .out, .rejected, .skipped]' s4
	assert_output '[4,0,1,3]'
	# --since gives the time on the command line.
	run -0 dq normalize -q --no-lineage --since ts=2026-12-01T12:00:00Z a.ndjson
	assert_output '{"id":2,"ts":"2026-12-02T10:00:00Z"}
{"id":3}'
	run -2 dq normalize -q --since ts=yesterday a.ndjson
	assert_line --index 0 "dq-normalize: --since 'ts=yesterday': not an ISO 8601 date or date-time, nor seconds since 1970"
	printf '{"field":"other","since":"2026-01-01"}\n' >o.json
	run -2 dq normalize -q --watermark ts=o.json a.ndjson
	assert_output "dq-normalize: --watermark o.json: the watermark of field 'other', not 'ts'"
}

@test "--html-unescape: named and numeric references decoded, unknown ones and plain ampersands kept, each array element (issue 22, 1)" {
	printf '%s\n' '{"id":1,"a":"J&#246;rg &amp; J&ouml;rg","t":["AT&T","&#xE9;t&eacute;","&foo;"],"b":"&#0;&OUML;&#146;","c":"Jörg"}' >"$T/in"
	run -0 --separate-stderr dq normalize --html-unescape a,t,b,c --no-lineage --keep-original "$T/in"
	assert_output '{"id":1,"a":"Jörg & Jörg","t":["AT&T","été","&foo;"],"b":"�&OUML;’","c":"Jörg","_dq":{"orig":{"a":"J&#246;rg &amp; J&ouml;rg","t[1]":"&#xE9;t&eacute;","b":"&#0;&OUML;&#146;"}}}'
}

@test "contract steps html_unescape and invisible; --invisible on every string (issue 22, 1)" {
	printf '%s\n' '{"fields":{"title":{"normalize":["html_unescape","invisible","collapse"]}}}' >"$T/c.json"
	printf '{"title":"Caf&eacute;\xc2\xa0\xe2\x80\x8bau&nbsp;lait\xc2\xad","x":"\xef\xbb\xbfid"}\n' >"$T/in"
	run -0 --separate-stderr dq normalize -c "$T/c.json" --no-lineage "$T/in"
	assert_output "$(printf '{"title":"Café au lait","x":"\xef\xbb\xbfid"}')"
	run -0 --separate-stderr dq normalize --invisible --no-lineage "$T/in"
	assert_output "$(printf '{"title":"Caf&eacute;\xc2\xa0au&nbsp;lait","x":"id"}')"
}
