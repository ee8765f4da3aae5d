#!/usr/bin/env bats
# dq-contract: contracts imported from JSON Schema.  python3-jsonschema is
# the oracle: on a corpus of records broken in every way the schema can
# say, dq-validate with the imported contract must reject exactly the
# records it rejects (tests/jsonschema-oracle builds the corpus and asks
# it).

load helpers

setup() {
	T=$BATS_TEST_TMPDIR
	C=$FIX/contract
	ORACLE=$BATS_TEST_DIRNAME/jsonschema-oracle
}

# agree SCHEMA RECORDS: the line numbers dq-validate (with the imported
# contract) and python3-jsonschema reject, in $T/dq and $T/js (sorted as
# text, for comm).
agree() {
	run -0 dq contract import --from jsonschema -o "$T/c.json" "$1"
	run -1 dq validate -c "$T/c.json" --violations "$T/v.ndjson" "$2"
	jq -r 'select(.line != null) | .line' "$T/v.ndjson" | sort -u >"$T/dq"
	"$ORACLE" invalid "$1" "$2" | sort >"$T/js"
}

@test "help and version; usage errors exit 2" {
	run -0 dq contract --help
	assert_line --partial "usage: dq-contract import --from FORMAT"
	run -0 dq contract import --version
	assert_output --partial "dq-contract "
	run -2 dq contract
	assert_output "dq-contract: name a command: import, export, lint, diff
dq-contract: try --help"
	run -2 dq contract import "$C/plain.schema.json"
	assert_line "dq-contract: import: --from is required (jsonschema, tableschema, dbt, soda, gx, odcs)"
	run -2 dq contract import --from xsd "$C/plain.schema.json"
	assert_line "dq-contract: --from: 'xsd': expected jsonschema, tableschema, dbt, soda, gx or odcs"
	run -2 dq contract exprt
	assert_line "dq-contract: 'exprt' is not a command (import, export, lint, diff)"
	run -2 dq contract import --from jsonschema "$T/none.json"
	assert_output "dq-contract: $T/none.json: No such file or directory"
	echo '[1]' >"$T/list.json"
	run -2 dq contract import --from jsonschema "$T/list.json"
	assert_output "dq-contract: contract $T/list.json: must be a JSON object"
	echo '{"type": "string"}' >"$T/str.json"
	run -2 dq contract import --from jsonschema "$T/str.json"
	assert_output "dq-contract: $T/str.json: the schema is not of objects (records are JSON objects)"
}

@test "import jsonschema: dq-validate rejects exactly the records python3-jsonschema rejects" {
	"$ORACLE" corpus "$C/person.schema.json" "$C/person.base.ndjson" >"$T/corpus.ndjson"
	[ "$(count_lines "$T/corpus.ndjson")" -eq 1478 ]
	agree "$C/person.schema.json" "$T/corpus.ndjson"
	# 1318 records broken, by type, null, "", [], {}, bounds, lengths,
	# patterns, enum, const, items, required at two levels...
	[ "$(count_lines "$T/js")" -eq 1318 ]
	# ... and the same ones in dq, but for the three with a member the
	# schema does not declare: the report says dq's "closed" rule fails
	# the run, naming that member and counting its records, without
	# marking them.
	run -0 comm -3 "$T/js" "$T/dq"
	assert_output "1477
186
877"
	for n in 186 877 1477; do
		sed -n "${n}p" "$T/corpus.ndjson" | jq -e '.extra == 1'
	done
	run -0 jq -c 'select(.line == null) | [.code, .value, .message]' "$T/v.ndjson"
	assert_output '["CLOSED:record",["extra"],"fields the contract does not name: extra (3 records)"]'
}

@test "import jsonschema: ECMA patterns translated to POSIX ERE match what the oracle matches" {
	"$ORACLE" cross "$C/patterns.schema.json" "$C/patterns.strings" >"$T/p.ndjson"
	[ "$(count_lines "$T/p.ndjson")" -eq 528 ]
	agree "$C/patterns.schema.json" "$T/p.ndjson"
	[ "$(count_lines "$T/js")" -eq 455 ]
	run -0 comm -3 "$T/js" "$T/dq"
	assert_output ""
	run -0 jq -r '.fields.p2.pattern, .fields.p3.pattern, .fields.p5.pattern, .fields.p9.pattern, .fields.p12.pattern' "$T/c.json"
	assert_output '(ab)+c
^([]a-z-]|é)+$
^[0-9A-Z_a-z]+\.[0-9A-Z_a-z]+$
^(é)+$
[$(-+.?\|^]'
}

@test "import jsonschema: the contract, and a report of each approximation with its JSON pointer" {
	run -0 --separate-stderr dq contract import --from jsonschema --report "$T/r.json" "$C/person.schema.json"
	echo "$output" >"$T/c.json"
	run -0 jq -c '.name, .description, .fields.id, .fields.nick, .fields.age, .fields.count, .fields["tags[]"], .fields["addr.zip"], .fields.code, .rules' "$T/c.json"
	assert_output '"person"
"A person record, every construct dq translates"
{"missing":"absent","required":true,"type":"string","pattern":"^[a-z]+[0-9]*$","min_length":1}
{"missing":"absent","type":["string","null"],"max_length":5}
{"missing":"absent","type":"number","min":0}
{"missing":"absent","type":"integer","min":1,"max":99999}
{"missing":"absent","type":"string","enum":["a","b","c"]}
{"missing":"absent","required":true,"type":"string","pattern":"^[0-9]{5}$"}
{"missing":"absent","enum":["x",1,true,null]}
{"CLOSED:record":{"check":"closed"},"XMAX:age":{"check":"expr","expr":"`age` < 150"}}'
	run -0 jq -c '.entries[] | [.path, .keyword, .status]' "$T/r.json"
	assert_output '["/additionalProperties","additionalProperties","approximate"]
["/properties/count/type","type","approximate"]'
	[ "$(echo "$stderr" | wc -l)" -eq 2 ]
	[[ $stderr == "dq-contract: warning: $C/person.schema.json#/additionalProperties: approximate: dq's rule 'closed' fails the run"* ]]
}

@test "import jsonschema: an integer written 1.0 is where dq and JSON Schema part, and the report says so" {
	printf '%s\n' '{"id": "a", "name": "Al", "addr": {"zip": "12345"}, "count": 1.0}' >"$T/one.ndjson"
	agree "$C/person.schema.json" "$T/one.ndjson"
	run -0 cat "$T/dq"
	assert_output "1"
	run -0 cat "$T/js"
	assert_output ""
	run -0 --separate-stderr dq contract import --from jsonschema "$C/person.schema.json"
	[[ $stderr == *"#/properties/count/type: approximate: dq's integer is a number written without '.', 'e' or 'E': 1.0 and 1e2 are integers in JSON Schema, not in dq"* ]]
}

@test "import jsonschema: what dq cannot say is reported, never dropped; --strict exits 2 without a contract" {
	cat >"$T/s.json" <<'J'
{"type": "object",
 "properties": {
   "a": {"type": "string", "pattern": "^(?=x)x\\b", "format": "uri"},
   "b": {"anyOf": [{"type": "string"}, {"type": "number"}], "multipleOf": 2},
   "c": {"type": "object", "additionalProperties": false,
         "properties": {"d": {"type": "string"}}, "required": ["d"]},
   "e": {"type": "array", "items": [{"type": "string"}],
         "items2": 1, "minItems": 1},
   "f": {"$ref": "https://example.org/f.json"},
   "g": {"type": "string", "pattern": "^[^é]$", "minimum": 3},
   "h": {"pattern": "^a.c$", "minimum": 1, "exclusiveMinimum": 0}}}
J
	run -0 --separate-stderr dq contract import --from jsonschema --report "$T/r.json" "$T/s.json"
	echo "$output" >"$T/c.json"
	run -0 jq -r '.entries[] | "\(.path) \(.status): \(.note)"' "$T/r.json"
	assert_output "/properties/a/pattern not translated: a lookahead or lookbehind ((?=, (?!, (?<=, (?<!): POSIX ERE cannot express it
/properties/a/format not translated: dq has no format 'uri' (it has email, date and date-time)
/properties/b/anyOf not translated: dq has no form for 'anyOf'
/properties/b/multipleOf not translated: dq has no form for 'multipleOf'
/properties/c/additionalProperties not translated: dq closes the record's top level only (rule 'closed'), and has no schema for other members
/properties/c/required approximate: 'c.d' is required when 'c' is present and not null or {}: JSON Schema requires it in any object there, {} included
/properties/e/items not translated: a list of schemas (one per position): dq checks every element alike
/properties/e/items2 not translated: not a JSON Schema keyword dq knows: not checked
/properties/f/\$ref not translated: not a reference dq can follow (only '#...' in this document)
/properties/g/pattern not translated: a negated class with non-ASCII members: POSIX ERE cannot express it
/properties/h/pattern approximate: '.', [^...], \\D, \\W and \\S match one byte: exact on ASCII text, but a non-ASCII character counts as its 2 to 4 bytes, and '.' also matches U+2028 and U+2029
/properties/h/pattern approximate: dq matches a pattern against the text of a number too; JSON Schema only against strings
/properties/h/minimum approximate: dq's range fails a string of a number and '%' (\"50%\"), which JSON Schema lets pass
/properties/h/exclusiveMinimum approximate: dq's range fails a string of a number and '%' (\"50%\"), which JSON Schema lets pass"
	run -0 jq -c '.fields.h, .fields.e, .rules' "$T/c.json"
	assert_output '{"missing":"absent","pattern":"^a[^\n\r]c$","min":1}
{"missing":"absent","type":"array","min_items":1}
{"REQ:c.d":{"check":"required","field":"c.d","if":{"field":"c","present":true}},"XMIN:h":{"check":"expr","expr":"`h` > 0"}}'
	run -2 --separate-stderr dq contract import --from jsonschema --strict -o "$T/strict.json" "$T/s.json"
	assert_output ""
	[ ! -e "$T/strict.json" ]
	[[ $stderr == *"dq-contract: --strict: 14 constructs not translated exactly" ]]
	run -0 dq contract import --from jsonschema --strict "$C/plain.schema.json"
}

@test "import jsonschema --format yaml: the same contract, read back by every program" {
	run -0 dq contract import --from jsonschema -o "$T/c.json" "$C/person.schema.json"
	run -0 dq contract import --from jsonschema --format yaml -o "$T/c.yaml" "$C/person.schema.json"
	run -0 head -n 4 "$T/c.yaml"
	assert_output 'name: "person"
description: "A person record, every construct dq translates"
fields:
  id:'
	run -0 --separate-stderr dq validate -c "$T/c.json" --print-contract
	local want=$stderr
	run -0 --separate-stderr dq validate -c "$T/c.yaml" --print-contract
	assert_equal "$stderr" "$want"
	[[ $stderr == "contract_version "* ]]
}

@test "import: a full disk or closed stdout exits 2" {
	run -2 bash -c '"$1/dq-contract" import --from jsonschema "$2" >/dev/full' _ "$DQ_BIN" "$C/plain.schema.json"
	assert_output --partial "dq-contract: write error"
	assert_output --partial "No space left on device"
	run -2 bash -c '"$1/dq-contract" import --from jsonschema "$2" >&-' _ "$DQ_BIN" "$C/plain.schema.json"
	assert_output --partial "dq-contract: write error"
	assert_output --partial "Bad file descriptor"
}

@test "import jsonschema: scripts/bench-validate.schema.json finds bench-validate.json's violations on dq-gen data, field by field" {
	export DQ_TODAY=2026-12-07
	dq gen -n 3000 --seed 11 >"$T/gen.ndjson"
	run -0 --separate-stderr dq contract import --from jsonschema -o "$T/bench.json" \
		"$BATS_TEST_DIRNAME/../scripts/bench-validate.schema.json"
	# The twin's idioms are read: "if present then S" as S with dq's own
	# missing, anyOf of present members as any_of, "if active is true
	# then email is present" as a required rule with an if; only the
	# zip's "if it is a number" is not (dq's pattern reads a number's
	# text, which says the same here).
	run -0 jq -c '.fields.dob, .rules' "$T/bench.json"
	assert_output '{"type":"string","format":"date","min":"1900-01-01","max":"today"}
{"ANY:email,phone":{"check":"any_of","fields":["email","phone"]},"REQ:email":{"check":"required","field":"email","if":{"field":"active","equals":true}}}'
	[[ $stderr == *"bench-validate.schema.json#/properties/zip/then/if: not translated: dq has no form for this 'if' (with its 'then' and 'else')"* ]]
	run -1 dq validate -c "$BATS_TEST_DIRNAME/../scripts/bench-validate.json" \
		--violations "$T/v1.ndjson" "$T/gen.ndjson"
	run -1 dq validate -c "$T/bench.json" --violations "$T/v2.ndjson" "$T/gen.ndjson"
	jq -r 'select(.line) | "\(.line) \(.field)"' "$T/v1.ndjson" | sort >"$T/f1"
	jq -r 'select(.line) | "\(.line) \(.field)"' "$T/v2.ndjson" | sort >"$T/f2"
	[ "$(count_lines "$T/f1")" -eq 8987 ]
	cmp "$T/f1" "$T/f2"
	# The same 2985 records: bench-validate.json's phone check is a
	# warning, the schema's an error.
	run -0 jq -r '.severity' "$T/v1.ndjson"
	[ "$(grep -c warn <<<"$output")" -eq 2732 ]
}

@test "import tableschema: a Data Package resource's contract and report" {
	run -0 --separate-stderr dq contract import --from tableschema --resource orders \
		--report "$T/r.json" -o "$T/c.json" "$C/pkg/datapackage.json"
	run -0 jq -c '.name, .fields.order_id, .fields.email, .fields.country, .fields.placed, .fields.ref, .rules, .normalize' "$T/c.json"
	assert_output '"orders"
{"type":"integer","min":1,"required":true}
{"type":"email","required":true}
{"type":"string","pattern":"^([A-Z]{2})$","reference":{"file":"countries.csv","key":"code"}}
{"type":"date","min":"2020-01-01"}
{"type":"string","unique":true,"min_length":3}
{"PK":{"check":"unique","fields":["order_id"]}}
{"null_tokens":["NA"]}'
	run -0 jq -r '.entries[] | "\(.path) \(.status)"' "$T/r.json"
	assert_output "/resources/0/schema/fields/1/format approximate
/resources/0/schema/foreignKeys/1 not translated
/resources/0/schema/missingValues approximate
/resources/0/schema/missingValues approximate"
	[[ $stderr == *"datapackage.json#/resources/0/schema/foreignKeys/1: not translated: a reference to the table itself: dq's reference reads another file"* ]]
}

@test "import tableschema: dq-validate finds the violations of orders.csv worked out by hand" {
	cp -r "$C/pkg" "$T/"
	run -0 --separate-stderr dq contract import --from tableschema --resource orders \
		-o "$T/pkg/orders.json" "$T/pkg/datapackage.json"
	run -1 dq validate -c "$T/pkg/orders.json" --violations "$T/v.ndjson" "$T/pkg/orders.csv"
	run -0 jq -r '"\(.line) \(.code) \(.value|tojson)"' "$T/v.ndjson"
	# Line 4 repeats order 2 (the primary key); line 5 has no email;
	# line 6 breaks every constraint of its row (a bad address, "us"
	# neither two capitals nor a country of countries.csv, "lost", -1,
	# a day before 2020, 11 characters, "maybe", "R5"); line 7 has order
	# 0, DE (not in countries.csv), 10001, month 13 and R-001 again;
	# line 8 "USA" (the pattern is anchored) and "NA", a missing value
	# that dq-normalize's null step would make null first.
	assert_output '4 PK 2
5 REQ:email ""
6 FMT:email "bad-email"
6 PAT:country "us"
6 REF:country "us"
6 ENUM:status "lost"
6 RANGE:amount -1
6 RANGE:placed "2019-12-31"
6 LEN:note "a long note"
6 TYPE:paid "maybe"
6 LEN:ref "R5"
7 RANGE:order_id 0
7 REF:country "DE"
7 RANGE:amount 10001
7 FMT:placed "2024-13-01"
7 UNIQ:ref "R-001"
8 PAT:country "USA"
8 REF:country "USA"
8 TYPE:paid "NA"'
}

@test "import tableschema: a schema by path, an unresolvable foreign key, XML Schema patterns, several resources" {
	run -2 dq contract import --from tableschema "$C/pkg/datapackage.json"
	assert_output "dq-contract: $C/pkg/datapackage.json: 2 resources: choose one with --resource"
	run -2 dq contract import --from tableschema --resource nope "$C/pkg/datapackage.json"
	assert_output "dq-contract: $C/pkg/datapackage.json: no resource 'nope'"
	run -2 dq contract import --from jsonschema --resource orders "$C/pkg/datapackage.json"
	assert_output --partial "dq-contract: import: --resource is for --from tableschema"
	run -0 --separate-stderr dq contract import --from tableschema --resource countries "$C/pkg/datapackage.json"
	echo "$output" >"$T/c.json"
	# XML Schema patterns are anchored and take ^ as a character.
	run -0 jq -c '.name, .fields' "$T/c.json"
	assert_output '"countries"
{"code":{"type":"string","required":true,"pattern":"^([A-Z]{2}|\\^)$"},"name":{"type":"string"},"opened":{},"region":{"type":"string"}}'
	run -0 echo "$stderr"
	assert_output "dq-contract: warning: $C/pkg/countries.schema.json#/fields/1/format: not translated: dq has no string format 'uri' (it has email): the field is checked as a string
dq-contract: warning: $C/pkg/countries.schema.json#/fields/2/type: not translated: dq has no type 'time': the field is not type-checked
dq-contract: warning: $C/pkg/countries.schema.json#/foreignKeys/0: not translated: the resource 'regions' cannot be resolved: the package has no resource of that name
dq-contract: warning: $C/pkg/countries.schema.json#/missingValues: approximate: dq's missing also takes a cell of white space only, which Table Schema's required lets pass"
	run -0 --separate-stderr dq contract import --from tableschema "$C/pkg/countries.schema.json"
	[[ $stderr == *"countries.schema.json#/foreignKeys/0: not translated: the resource 'regions' cannot be resolved: a lone Table Schema names no files"* ]]
	run -2 --separate-stderr dq contract import --from tableschema --strict "$C/pkg/countries.schema.json"
	echo '{"fields": [{"name": "n", "constraints": {"pattern": "[a-z-[aeiou]]+"}}]}' >"$T/sub.json"
	run -0 --separate-stderr dq contract import --from tableschema "$T/sub.json"
	assert_equal "$stderr" "dq-contract: warning: $T/sub.json#/fields/0/constraints/pattern: not translated: a class subtraction ([a-z-[aeiou]]): POSIX ERE cannot express it"
}

@test "-c a foreign schema: every program reads a JSON Schema, a Data Package or an ODCS document through the importer" {
	"$ORACLE" corpus "$C/person.schema.json" "$C/person.base.ndjson" >"$T/corpus.ndjson"
	run -0 dq contract import --from jsonschema -o "$T/c.json" "$C/person.schema.json"
	run -1 dq validate -c "$T/c.json" --violations "$T/v1.ndjson" "$T/corpus.ndjson"
	# Detected by its $schema; the report as warnings on stderr.
	run -1 --separate-stderr dq validate -c "$C/person.schema.json" --violations "$T/v2.ndjson" "$T/corpus.ndjson"
	assert_equal "$(sed -n 1p <<<"$stderr")" "dq-validate: warning: $C/person.schema.json#/additionalProperties: approximate: dq's rule 'closed' fails the run and names the members no property declares, with their count, but does not mark the records that have them"
	assert_equal "$(sed -n 2p <<<"$stderr")" "dq-validate: warning: $C/person.schema.json#/properties/count/type: approximate: dq's integer is a number written without '.', 'e' or 'E': 1.0 and 1e2 are integers in JSON Schema, not in dq"
	cmp <(jq -c 'del(.run_id)' "$T/v1.ndjson") <(jq -c 'del(.run_id)' "$T/v2.ndjson")
	# The same contract, checksum and all.
	run -0 --separate-stderr dq validate -c "$T/c.json" --print-contract
	local want=${stderr##*$'\n'}
	run -0 --separate-stderr dq profile -c "$C/person.schema.json" --print-contract
	assert_equal "${stderr##*$'\n'}" "$want"
	# A Data Package: its first resource, said so; its foreign key's
	# file is found beside the package from any directory.
	cd "$T"
	run -1 --separate-stderr dq validate -c "$C/pkg/datapackage.json" --violations "$T/v3.ndjson" "$C/pkg/orders.csv"
	assert_equal "$(sed -n 1p <<<"$stderr")" "dq-validate: warning: $C/pkg/datapackage.json: 2 resources: reading the first, 'orders' (dq-contract import --resource for another)"
	run -0 jq -r 'select(.code == "REF:country") | .value' "$T/v3.ndjson"
	assert_output "us
DE
USA"
	[ "$(count_lines "$T/v3.ndjson")" -eq 19 ]
	# A lone Table Schema ("fields" as a list).
	printf 'code,name,opened,region\nUS,x,1,EU\nus,y,2,EU\n' >"$T/cc.csv"
	run -1 --separate-stderr dq validate -c "$C/pkg/countries.schema.json" --violations "$T/v4.ndjson" "$T/cc.csv"
	run -0 jq -r '"\(.line) \(.code)"' "$T/v4.ndjson"
	assert_output "3 PAT:code"
	# An ODCS document ("kind": "DataContract"): its first schema
	# object, said so, and the violations of the imported contract.
	run -0 --separate-stderr dq contract import --from odcs --schema orders \
		-o "$T/o.json" "$C/odcs/orders.odcs.yaml"
	run -1 --separate-stderr dq validate -c "$T/o.json" --violations "$T/v5.ndjson" "$C/odcs/orders.ndjson"
	run -1 --separate-stderr dq validate -c "$C/odcs/orders.odcs.yaml" --violations "$T/v6.ndjson" "$C/odcs/orders.ndjson"
	assert_equal "$(sed -n 1p <<<"$stderr")" "dq-validate: warning: $C/odcs/orders.odcs.yaml: 2 schema objects: reading the first, 'orders' (dq-contract import --schema for another)"
	[ "$(count_lines "$T/v6.ndjson")" -eq 10 ]
	cmp <(jq -c 'del(.run_id)' "$T/v5.ndjson") <(jq -c 'del(.run_id)' "$T/v6.ndjson")
}

@test "export --to jsonschema: import, export, import keeps every check; the oracle agrees on the export" {
	local s
	for s in "$C/person.schema.json" "$C/patterns.schema.json" \
		"$BATS_TEST_DIRNAME/../scripts/bench-validate.schema.json"; do
		run -0 --separate-stderr dq contract import --from jsonschema -o "$T/i1.json" "$s"
		run -0 --separate-stderr dq contract export --to jsonschema -o "$T/e.json" "$T/i1.json"
		run -0 --separate-stderr dq contract import --from jsonschema -o "$T/i2.json" "$T/e.json"
		cmp <(jq -S . "$T/i1.json") <(jq -S . "$T/i2.json")
	done
	run -0 --separate-stderr dq contract import --from jsonschema -o "$T/i1.json" "$C/person.schema.json"
	run -0 --separate-stderr dq contract export --to jsonschema -o "$T/e.json" "$T/i1.json"
	assert_equal "$stderr" ""
	run -0 jq -c '.properties.age, .properties.addr, .required, .additionalProperties' "$T/e.json"
	assert_output '{"type":"number","minimum":0,"exclusiveMaximum":150}
{"type":"object","properties":{"zip":{"type":"string","pattern":"^[0-9]{5}$"},"city":{"type":"string","minLength":1}},"required":["zip"]}
["id","name","addr"]
false'
	# The exported schema, given to python3-jsonschema, rejects the
	# records the original rejects.
	"$ORACLE" corpus "$C/person.schema.json" "$C/person.base.ndjson" >"$T/corpus.ndjson"
	cmp <("$ORACLE" invalid "$C/person.schema.json" "$T/corpus.ndjson") \
		<("$ORACLE" invalid "$T/e.json" "$T/corpus.ndjson")
}

@test "export --to jsonschema: what JSON Schema cannot say is reported with its place in the contract" {
	run -0 --separate-stderr dq contract export --to jsonschema --report "$T/r.json" \
		-o "$T/e.json" "$BATS_TEST_DIRNAME/../scripts/bench-validate.json"
	run -0 jq -r '.entries[] | "\(.path) \(.status)"' "$T/r.json"
	assert_output "/fields/id/required approximate
/fields/id/unique not translated
/fields/email/format approximate
/fields/phone/severity not translated
/fields/dob/type approximate
/fields/dob/min approximate
/fields/dob/max approximate
/rules/REQ-002 approximate
/rules/XFLD-301 approximate"
	# dq's own missing: each field's checks hold for a present value.
	run -0 jq -c '.properties.score, .allOf[1]' "$T/e.json"
	assert_output '{"if":{"not":{"enum":[null,""]}},"then":{"type":"number","minimum":0,"maximum":1000}}
{"if":{"required":["active"],"properties":{"active":{"const":true}}},"then":{"required":["email"],"properties":{"email":{"not":{"enum":[null,""]}}}}}'
	run -2 --separate-stderr dq contract export --to jsonschema --strict "$BATS_TEST_DIRNAME/../scripts/bench-validate.json"
	assert_output ""
	run -2 dq contract export "$BATS_TEST_DIRNAME/../scripts/bench-validate.json"
	assert_line "dq-contract: export: --to is required (jsonschema, tableschema, odcs)"
}

@test "import: a pattern that is not a regular expression is reported, and the contract still loads" {
	echo '{"type": "object", "properties": {"a": {"type": "string", "pattern": "(ab"}, "b": {"pattern": "*x"}}}' >"$T/s.json"
	run -0 --separate-stderr dq contract import --from jsonschema -o "$T/c.json" "$T/s.json"
	assert_equal "$stderr" "dq-contract: warning: $T/s.json#/properties/a/pattern: not translated: not a valid regular expression: POSIX ERE cannot express it
dq-contract: warning: $T/s.json#/properties/b/pattern: not translated: not a valid regular expression: POSIX ERE cannot express it"
	echo '{"a": "x"}' >"$T/in.ndjson"
	run -0 dq validate -c "$T/c.json" --allow-absent-fields "$T/in.ndjson"
	assert_output '{"a": "x"}'
}

@test "lint: every finding with its contract path: unknown keys, bounds, patterns, enum values, undefined fields" {
	run -1 dq contract lint --report "$T/r.json" "$C/lint/bad.json"
	assert_output "fields.email.requird: unknown key (did you mean 'required'?)
fields.code.min_lenght: unknown key (did you mean 'min_length'?)
normalise: unknown key (did you mean 'normalize'?)
fields.email.pattern: matches nothing: a '^' stands after text or a '\$' before it on every way through \"x\$@\"
fields.age.min: min 130 is above max 0: no value can pass
fields.code.pattern: does not compile: Unmatched [, [^, [:, [., or [=
fields.name.min_length: min_length 5 is above max_length 2: no value can pass
fields.state.enum[0]: \"NY\" can never pass: also in its not_in
fields.state.enum[1]: \"ca\" can never pass: does not match its pattern
fields.state.enum[2]: \"TXX\" can never pass: longer than its max_length 2
fields.state.enum[3]: 5 can never pass: not of its type string
fields.level.enum[1]: 2.5 can never pass: not of its type integer
fields.level.enum[2]: 10 can never pass: above its max 5
fields.x.type: unknown type
rules.R1: field 'emial' is not in the contract's fields (did you mean 'email'?)
rules.R2: field 'end' is not in the contract's fields
rules.R2: field 'start' is not in the contract's fields (did you mean 'state'?)
rules.R3.pattern: matches nothing: a '^' stands after text or a '\$' before it on every way through \"a^\""
	run -0 jq -c '[.contract, (.findings | length), .findings[0], ([.findings[].check] | group_by(.) | map([.[0], length]))]' "$T/r.json"
	assert_output '["'"$C"'/lint/bad.json",18,{"path":"fields.email.requird","check":"unknown_key","severity":"error","message":"unknown key (did you mean '"'required'"'?)"},[["bounds",2],["enum",6],["invalid",1],["pattern",3],["undefined_field",3],["unknown_key",3]]]'
}

@test "lint: patterns that match nothing, and those that only look so" {
	for p in 'x{2,}^' 'a$b' '(a|b)^c' '$.+' 'a^|b$c'; do
		jq -n --arg p "$p" '{fields: {f: {pattern: $p}}}' >"$T/p.json"
		run -1 dq contract lint "$T/p.json"
		assert_output --partial "fields.f.pattern: matches nothing"
		run -1 grep -cE "$p" <<<$'a\nab\nb\nabc\n$\nx^\nxx'
	done
	# Each of these matches the value after it, as grep -E says too.
	for ps in '()^a a' '[$]a $a' '\$a $a' 'a|^$ ' '$^ ' 'a*^b b' \
		'(a|^)b b' 'a(^|b) ab' '(^a)+b|c$d ab'; do
		p=${ps%% *} v=${ps#* }
		jq -n --arg p "$p" '{fields: {f: {pattern: $p}}}' >"$T/p.json"
		run -0 dq contract lint "$T/p.json"
		assert_output ""
		run -0 grep -cE "$p" <<<"$v"
		assert_output 1
	done
}

@test "lint: with DATA, the fields that never occur; overlapping bounds; a clean contract exits 0" {
	run -1 dq contract lint "$C/lint/people.json" "$C/lint/people.ndjson" "$C/lint/people.csv" --report "$T/r.json"
	assert_output "dq-contract: warning: lint: 1 line of DATA not records
rules.ADULT: its bounds and fields.age's min/max leave no value that passes both
rules.NICK: its bounds and fields.nick's min_length/max_length leave no value that passes both
rules.SPAN: field 'start' is not in the contract's fields
rules.SPAN: field 'end' is not in the contract's fields
rules.PAY: field 'guardian' is not in the contract's fields
fields.phone: never occurs in the data (3 records): its checks would check nothing
rules.U: field 'phone' never occurs in the data (3 records)
rules.SPAN: field 'end' never occurs in the data (3 records)
rules.PAY: field 'guardian' never occurs in the data (3 records)"
	run -0 jq -c '[.records, .data, (.findings | map(select(.check == "absent_in_data")) | length)]' "$T/r.json"
	assert_output '[3,["'"$C"'/lint/people.ndjson","'"$C"'/lint/people.csv"],4]'
	# addr.zip is found along its path; nick in the CSV; start in one
	# record: none of them is reported.
	run -0 dq contract lint "$BATS_TEST_DIRNAME/../examples/contracts/person.json"
	assert_output ""
	run -0 dq contract lint "$BATS_TEST_DIRNAME/../examples/contracts/person.yaml"
	assert_output ""
	# A contract the programs refuse: its findings, and DATA not read.
	run -1 dq contract lint "$C/lint/bad.json" "$C/lint/people.ndjson"
	assert_line "dq-contract: warning: lint: DATA not read: the contract does not load"
	run -2 dq contract lint "$C/lint/people.json" "$T/none.ndjson"
	assert_output "dq-contract: $T/none.ndjson: No such file or directory"
	run -2 dq contract lint "$T/none.json"
	assert_output "dq-contract: $T/none.json: No such file or directory"
	run -2 dq contract lint --strict "$C/lint/people.json"
	assert_output "dq-contract: lint: the only option is --report
dq-contract: try --help"
	run -2 dq contract lint "$BATS_TEST_DIRNAME/../examples/contracts/person.json" --report /dev/full
	run -2 bash -c '"$1/dq-contract" lint "$2" >/dev/full' _ "$DQ_BIN" "$C/lint/people.json"
}

@test "diff: fields and rules added and removed, each check loosened, tightened or changed" {
	D=$C/diff
	run -1 dq contract diff "$D/v1.json" "$D/v2.json"
	assert_output 'version: "1" -> "2": changed
fields.email.required: true -> (absent): loosened
fields.email.pattern: "^[a-z]" -> "^[a-z0-9]": changed
fields.email.description: (absent) -> "work e-mail": added
fields.age.min: 0 -> 18: tightened
fields.age.max: 120 -> 130: loosened
fields.state.enum: "GU" removed: tightened
fields.state.enum: "PR" added: loosened
fields.state.severity: "warn" -> "error": tightened
fields.fax: removed
fields.dob.min: "1900-01-01" -> "1910-01-01": tightened
fields.dob.max: "today" -> "today-18y": changed
fields.phone: added
rules.NULLS.max: 0.1 -> 0.05: tightened
rules.ROWS.min: 100 -> 50: loosened
rules.U.tolerance: 0.01 -> (absent): tightened
rules.NOTX: added
normalize.region: "US" -> "GB": changed'
	# The other way round, every direction turns.
	run -1 dq contract diff "$D/v2.json" "$D/v1.json"
	assert_line 'fields.email.required: (absent) -> true: tightened'
	assert_line 'fields.state.enum: "GU" added: loosened'
	assert_line 'fields.state.severity: "error" -> "warn": loosened'
	assert_line 'rules.U.tolerance: (absent) -> 0.01: loosened'
	assert_line 'rules.NOTX: removed'
	run -1 dq contract diff -o "$T/d.json" --format json "$D/v1.json" "$D/v2.json"
	run -0 jq -c '[.a == "'"$D"'/v1.json", (.changes | length), .changes[6], .changes[1], ([.changes[].change] | group_by(.) | map([.[0], length]))]' "$T/d.json"
	assert_output '[true,18,{"path":"fields.state.enum","change":"tightened","removed":"GU"},{"path":"fields.email.required","change":"loosened","from":true},[["added",3],["changed",4],["loosened",4],["removed",1],["tightened",6]]]'
}

@test "diff: no change exits 0 (key order, JSON or YAML); not_in values, per-check severities; trouble exits 2" {
	run -0 dq contract diff "$BATS_TEST_DIRNAME/../examples/contracts/person.json" "$BATS_TEST_DIRNAME/../examples/contracts/person.yaml"
	assert_output ""
	echo '{"rules": {"N": {"check": "not_in", "field": "s", "values": ["a", "b"], "severity": "info"}}, "fields": {"s": {"not_in": ["x"], "required": false, "severity": {"not_in": "warn"}}}}' >"$T/a.json"
	echo '{"fields": {"s": {"required": true, "not_in": ["x", "y"], "severity": {"not_in": "info"}}}, "rules": {"N": {"severity": "warn", "values": ["b", "c"], "field": "s", "check": "not_in"}}}' >"$T/b.json"
	run -1 dq contract diff "$T/a.json" "$T/b.json"
	# In A's order of sections and keys, then what B adds.
	assert_output 'rules.N.values: "a" removed: loosened
rules.N.values: "c" added: tightened
rules.N.severity: "info" -> "warn": tightened
fields.s.not_in: "y" added: tightened
fields.s.required: false -> true: tightened
fields.s.severity.not_in: "warn" -> "info": loosened'
	run -2 dq contract diff "$T/a.json"
	assert_output "dq-contract: diff: name two contracts, A and B
dq-contract: try --help"
	run -2 dq contract diff --format yaml "$T/a.json" "$T/b.json"
	assert_output "dq-contract: diff: --format is text or json
dq-contract: try --help"
	run -2 dq contract diff "$T/a.json" "$T/none.json"
	assert_output "dq-contract: $T/none.json: No such file or directory"
	echo '{"fields": {"s": {"requird": true}}}' >"$T/typo.json"
	run -2 dq contract diff "$T/a.json" "$T/typo.json"
	assert_output "dq-contract: contract $T/typo.json: unknown key 'fields.s.requird'"
	run -2 bash -c '"$1/dq-contract" diff "$2" "$3" >/dev/full' _ "$DQ_BIN" "$T/a.json" "$T/b.json"
}

@test "export --to tableschema: import, export, import gives the same contract but what is reported" {
	run -0 dq contract import --from tableschema --resource orders -o "$T/c1.json" "$C/pkg/datapackage.json"
	run -0 dq contract export --to tableschema -o "$T/ts.json" --report "$T/r.json" "$T/c1.json"
	run -0 jq -c . "$T/ts.json"
	assert_output '{"name":"orders","fields":[{"name":"order_id","type":"integer","constraints":{"minimum":1,"required":true}},{"name":"email","type":"string","format":"email","constraints":{"required":true}},{"name":"country","type":"string","constraints":{"pattern":"[A-Z]{2}"}},{"name":"status","type":"string","constraints":{"enum":["new","paid","shipped"]}},{"name":"amount","type":"number","constraints":{"minimum":0,"maximum":10000}},{"name":"placed","type":"date","constraints":{"minimum":"2020-01-01"}},{"name":"note","type":"string","description":"free text","constraints":{"maxLength":10}},{"name":"paid","type":"boolean"},{"name":"ref","type":"string","constraints":{"unique":true,"minLength":3}}],"primaryKey":["order_id"],"missingValues":["","NA"]}'
	run -0 jq -r '.to, (.entries[] | "\(.path) \(.status)")' "$T/r.json"
	assert_output "tableschema
/fields/order_id/required approximate
/fields/email/type approximate
/fields/email/required approximate
/fields/country/reference not translated
/normalize/null_tokens approximate"
	run -0 dq contract import --from tableschema -o "$T/c2.json" "$T/ts.json"
	# The same contract but the one check reported: a lone Table Schema
	# names no other resource for the foreign key.
	run -0 jq -S 'del(.fields.country.reference)' "$T/c1.json"
	want=$output
	run -0 jq -S . "$T/c2.json"
	assert_output "$want"
	run -1 diff -q "$T/c1.json" "$T/c2.json"
}

@test "export --to tableschema: what a Table Schema cannot say is reported, patterns made whole-cell" {
	run -0 dq contract export --to tableschema -o "$T/x.json" "$C/export-ts.json"
	run -0 jq -c . "$T/x.json"
	assert_output '{"name":"people","fields":[{"name":"id","type":"integer","constraints":{"required":true}},{"name":"email","type":"string","format":"email","constraints":{"pattern":".*(@example\\.org)"}},{"name":"code","type":"any"},{"name":"zip","type":"string"},{"name":"tags","type":"array","constraints":{"minLength":1}},{"name":"dob","type":"date"}],"primaryKey":["id"]}'
	run -2 dq contract export --to tableschema --strict --report "$T/r.json" -o "$T/out.json" "$C/export-ts.json"
	[ ! -e "$T/out.json" ]
	run -0 jq -r '.entries[] | "\(.path) \(.status): \(.note)"' "$T/r.json"
	assert_output "/fields/id/required approximate: dq's missing also takes a cell of white space only, which Table Schema's required lets pass
/fields/email/type approximate: dq's email is RFC 5322's addr-spec (dq-normalize's rule)
/fields/email/pattern approximate: the pattern is searched for in the value: XML Schema matches the whole cell, so it is wrapped in '.*', whose '.' does not match a line end
/fields/email/severity not translated: Table Schema cannot say 'severity'
/fields/code/pattern not translated: an anchor on one alternative: XML Schema has none
/fields/zip/type not translated: Table Schema has no 'zip': only a string is asked for
/fields/zip/not_in not translated: Table Schema cannot say 'not_in'
/fields/addr.city not translated: a path into nested records: a Table Schema's fields are a flat table's columns
/fields/dob/max not translated: Table Schema cannot say 'max'
/rules/U2 not translated: Table Schema cannot say this rule (only a primary key or a one-field unique)
/rules/E not translated: Table Schema cannot say this rule (only a primary key or a one-field unique)
/normalize/region not translated: not a check Table Schema can say"
	# Patterns: anchored whole, or wrapped; and each exported one matches
	# (grep -xE, whole lines) the strings the contract's pattern finds.
	for pv in '^(a|b)$ a|b' '^(a)(b)$ (a)(b)' 'a|b .*(a|b).*' '^ab$ ab' '^ab (ab).*' 'b$ .*(b)'; do
		p=${pv%% *} want=${pv#* }
		jq -n --arg p "$p" '{fields: {f: {pattern: $p}}}' >"$T/p.json"
		run -0 dq contract export --to tableschema -o "$T/p.ts" "$T/p.json"
		run -0 jq -r '.fields[0].constraints.pattern' "$T/p.ts"
		assert_output "$want"
		run -0 grep -cE "$p" <<<$'a\nb\nab\nxab\nabx\nba'
		n=$output
		run -0 grep -cxE "$want" <<<$'a\nb\nab\nxab\nabx\nba'
		assert_output "$n"
	done
	run -2 dq contract export --to xsd "$C/export-ts.json"
	assert_output "dq-contract: --to: 'xsd': expected jsonschema, tableschema or odcs
dq-contract: try --help"
}

@test "import dbt: a model's tests become its fields' checks, with the report" {
	run -0 --separate-stderr dq contract import --from dbt --model orders \
		--ref customers=customers.csv --report "$T/r.json" -o "$T/c.json" "$C/dbt/schema.yml"
	run -0 jq -c '.name, .description, .fields' "$T/c.json"
	# store_id: a model's relationships test with no --ref for its
	# source adds no field; coupon's not_null is enabled: false.
	assert_output '"orders"
"one row per order"
{"order_id":{"description":"the order'"'"'s key","unique":true,"required":true},"status":{"enum":["placed","shipped","completed","returned"],"severity":{"enum":"warn"}},"customer_id":{"required":true,"reference":{"file":"customers.csv","key":"id"}},"priority":{"enum":[1,2,3],"required":true},"amount":{},"coupon":{"unique":true}}'
	run -0 jq -r '.from, (.entries[] | "\(.path) \(.keyword) \(.status)")' "$T/r.json"
	assert_output "dbt
/models/0/columns/0/data_tests/0 unique approximate
/models/0/columns/0/data_tests/1 not_null approximate
/models/0/columns/1/data_tests/0/accepted_values accepted_values approximate
/models/0/columns/2/data_tests/0 not_null approximate
/models/0/columns/2/data_tests/1/relationships relationships approximate
/models/0/columns/3/tests/0/accepted_values accepted_values approximate
/models/0/columns/3/tests/1/not_null not_null approximate
/models/0/columns/3/tests/1/not_null/where where approximate
/models/0/columns/4/data_type data_type not translated
/models/0/columns/4/data_tests/0/dbt_utils.accepted_range dbt_utils.accepted_range not translated
/models/0/columns/5/data_tests/0/unique unique approximate
/models/0/columns/5/data_tests/0/unique/error_if error_if approximate
/models/0/data_tests/0/unique unique not translated
/models/0/data_tests/1/relationships relationships not translated
/sources sources not translated"
	[ "$(grep -c warning <<<"$stderr")" -eq 15 ]
	assert_equal "$(sed -n 2p <<<"$stderr")" "dq-contract: warning: $C/dbt/schema.yml#/models/0/columns/0/data_tests/1: approximate: dq's missing also takes \"\" and white space, which SQL's not null lets pass"
	assert_equal "$(sed -n 12p <<<"$stderr")" "dq-contract: warning: $C/dbt/schema.yml#/models/0/columns/5/data_tests/0/unique/error_if: approximate: dbt counts failing rows; dq's check fails at the first failure (its tolerance is a rate)"
	assert_equal "$(sed -n 14p <<<"$stderr")" "dq-contract: warning: $C/dbt/schema.yml#/models/0/data_tests/1/relationships: not translated: no file for 'shop.stores': give --ref shop.stores=FILE"
	# With the source's file the model's test is the column's check, a
	# warning as its severity says.
	run -0 --separate-stderr dq contract import --from dbt --model orders \
		--ref customers=customers.csv --ref shop.stores=stores.csv "$C/dbt/schema.yml"
	run -0 jq -c '.fields.store_id' <<<"$output"
	assert_output '{"reference":{"file":"stores.csv","key":"id"},"severity":{"reference":"warn"}}'
	run -2 --separate-stderr dq contract import --from dbt --model orders --strict "$C/dbt/schema.yml"
	assert_output ""
	assert_equal "$(tail -1 <<<"$stderr")" "dq-contract: --strict: 15 constructs not translated exactly"
	# The other model, as YAML.
	run -0 --separate-stderr dq contract import --from dbt --model customers --format yaml "$C/dbt/schema.yml"
	assert_output 'name: "customers"
fields:
  id:
    unique: true
    required: true'
}

@test "import dbt: choosing the model, --ref, and relationships' targets" {
	run -2 dq contract import --from dbt "$C/dbt/schema.yml"
	assert_output "dq-contract: $C/dbt/schema.yml: 2 models: choose one with --model (orders, customers)"
	run -2 dq contract import --from dbt --model order "$C/dbt/schema.yml"
	assert_output "dq-contract: $C/dbt/schema.yml: no model 'order' (models: orders, customers)"
	run -2 dq contract import --from dbt --ref customers "$C/dbt/schema.yml"
	assert_line "dq-contract: --ref: 'customers': expected NAME=FILE"
	run -2 dq contract import --from tableschema --model orders "$C/dbt/schema.yml"
	assert_line "dq-contract: import: --model is for --from dbt"
	run -2 dq contract import --from dbt "$C/person.schema.json"
	assert_output "dq-contract: $C/person.schema.json: not a dbt properties file with models (no \"models\" list)"
	# ref() with a version or a package, source(), and what is no target.
	cat >"$T/m.yml" <<-'YML'
	models:
	  - name: m
	    columns:
	      - name: a
	        data_tests:
	          - relationships: {to: 'ref("c", v=2)', field: id}
	      - name: b
	        data_tests:
	          - relationships: {to: "ref('pkg', 'c')", field: key}
	      - name: d
	        data_tests:
	          - relationships: {to: "source('s', 't')", field: id}
	      - name: e
	        data_tests:
	          - relationships: {to: "ref(c)", field: id}
	          - relationships: {to: "ref('s')", field: id}
	      - name: f
	        data_tests:
	          - accepted_values: {values: ['1', 'x'], quote: false}
	          - accepted_values: {values: []}
	          - not_null: {severity: warn, warn_if: "!= 0"}
	          - unique: {config: {severity: fatal}}
	YML
	run -0 --separate-stderr dq contract import --from dbt --ref c=c.csv --ref s.t=t.ndjson "$T/m.yml"
	run -0 jq -c '.fields[]' <<<"$output"
	assert_output '{"reference":{"file":"c.csv","key":"id"}}
{"reference":{"file":"c.csv","key":"key"}}
{"reference":{"file":"t.ndjson","key":"id"}}
{}
{"enum":["1","x"],"required":true,"severity":{"required":"warn"},"unique":true}'
	run -0 grep -v ' approximate: ' <<<"$stderr"
	assert_output "dq-contract: warning: $T/m.yml#/models/0/columns/3/data_tests/0/relationships: not translated: not a relationship (to: ref('model') or source('s', 't'), field)
dq-contract: warning: $T/m.yml#/models/0/columns/3/data_tests/1/relationships: not translated: no file for 's': give --ref s=FILE
dq-contract: warning: $T/m.yml#/models/0/columns/4/data_tests/1/accepted_values/values: not translated: not a non-empty list of strings, numbers and booleans
dq-contract: warning: $T/m.yml#/models/0/columns/4/data_tests/3/unique/severity: not translated: not warn or error: the check is an error"
	run -0 grep -c "quote: approximate: unquoted values are SQL expressions" <<<"$stderr"
	assert_output 1
}

@test "import dbt: dq-validate finds the violations of orders.ndjson worked out by hand" {
	cp -r "$C/dbt" "$T/"
	run -0 --separate-stderr dq contract import --from dbt --model orders \
		--ref customers=customers.csv --ref shop.stores=stores.csv -o "$T/dbt/c.json" "$T/dbt/schema.yml"
	run -1 dq validate -c "$T/dbt/c.json" --violations "$T/v.ndjson" "$T/dbt/orders.ndjson"
	run -0 jq -r '"\(.line) \(.code) \(.severity) \(.value|tojson)"' "$T/v.ndjson"
	# Lines 1 and 2 pass.  Line 3 repeats order 2 and coupon A, has a
	# status not accepted (a warning), customer 4 (not in
	# customers.csv), priority 5 and store S9 (not in stores.csv: a
	# warning).  Line 4 has no order_id (null) and customer "" (missing
	# to dq); its status "" is missing, so not checked, and it has no
	# store.  Line 5 has no priority; its customer "3" matches 3 by text.
	# Amount -1 passes: dbt_utils.accepted_range was not translated.
	assert_output '3 UNIQ:order_id error 2
3 ENUM:status warn "lost"
3 REF:customer_id error 4
3 ENUM:priority error 5
3 UNIQ:coupon error "A"
3 REF:store_id warn "S9"
4 REQ:order_id error null
4 REQ:customer_id error ""
5 REQ:priority error null'
}

@test "import soda: a dataset's checks become fields and rules, with the report" {
	run -0 --separate-stderr dq contract import --from soda --table dim_customer \
		--ref dim_store=stores.csv --report "$T/r.json" -o "$T/c.json" "$C/soda/checks.yml"
	run -0 jq -c '.name, .fields, .rules' "$T/c.json"
	# Codes are SODA-N, N the check's place in the list as in the
	# report's pointers; a schema check's rules SODA-N.1, N.2.
	assert_output '"dim_customer"
{"customer_id":{"required":true,"unique":true},"email":{"format":"email"},"country":{"enum":["NL","BE","DE"]},"code":{"pattern":"^[A-Z]{2}[0-9]{3}$","min_length":5,"max_length":5},"cars":{"min":0,"max":6,"type":"integer"},"nickname":{"not_in":["admin","root"],"severity":{"not_in":"warn"}},"last_name":{"required":true},"store_id":{"reference":{"file":"stores.csv","key":"id"}}}
{"SODA-0":{"check":"row_count","min":3,"max":1000},"SODA-2":{"check":"null_rate","field":"phone","max":0.5},"SODA-9":{"check":"unique","fields":["first_name","last_name"]},"SODA-10":{"check":"aggregate","field":"cars","stat":"mean","max":4},"SODA-15.1":{"check":"columns","fields":["customer_id","email"]},"SODA-15.2":{"check":"forbidden_fields","severity":"warn","patterns":["ssn","pii_*"]}}'
	run -0 jq -r '.from, (.entries[] | "\(.path) \(.status)")' "$T/r.json"
	assert_output "soda
/checks for dim_customer/1 approximate
/checks for dim_customer/2 approximate
/checks for dim_customer/2 approximate
/checks for dim_customer/3/invalid_count(email) = 0/valid format approximate
/checks for dim_customer/3/invalid_count(email) = 0 approximate
/checks for dim_customer/4/invalid_percent(country) = 0 approximate
/checks for dim_customer/5/invalid_count(code) = 0/valid regex approximate
/checks for dim_customer/5/invalid_count(code) = 0 approximate
/checks for dim_customer/6/invalid_count(cars) = 0 approximate
/checks for dim_customer/7/invalid_count(nickname) approximate
/checks for dim_customer/8 approximate
/checks for dim_customer/9 approximate
/checks for dim_customer/10 approximate
/checks for dim_customer/11/missing_count(last_name) < 5 approximate
/checks for dim_customer/11/missing_count(last_name) < 5/missing values not translated
/checks for dim_customer/11/missing_count(last_name) < 5 approximate
/checks for dim_customer/12 not translated
/checks for dim_customer/13 approximate
/checks for dim_customer/14/failed rows not translated
/checks for dim_customer/15/schema/fail/when wrong column type/cars approximate
/checks for dim_customer/15/schema/fail/when wrong column type/updated_at not translated
/checks for dim_customer/15/schema/warn/when forbidden column present approximate
/checks for dim_customer/16/invalid_count(phone) = 0/valid format not translated
/checks for dim_customer/16/invalid_count(phone) = 0 not translated"
	assert_equal "$(sed -n 2p <<<"$stderr")" "dq-contract: warning: $C/soda/checks.yml#/checks for dim_customer/2: approximate: a strict bound: dq's rate may equal its limit"
	assert_equal "$(sed -n 17p <<<"$stderr")" "dq-contract: warning: $C/soda/checks.yml#/checks for dim_customer/12: not translated: dq-validate has no freshness check: dq-anomaly's freshness_lag limit on a profile says it"
	assert_equal "$(sed -n 24p <<<"$stderr")" "dq-contract: warning: $C/soda/checks.yml#/checks for dim_customer/16/invalid_count(phone) = 0: not translated: no validity configuration dq reads: the check checks nothing here"
	run -2 --separate-stderr dq contract import --from soda --table dim_customer --strict "$C/soda/checks.yml"
	assert_output ""
	assert_equal "$(tail -1 <<<"$stderr")" "dq-contract: --strict: 24 constructs not translated exactly"
	run -2 dq contract import --from soda "$C/soda/checks.yml"
	assert_output "dq-contract: $C/soda/checks.yml: checks for 2 datasets: choose one with --table (dim_customer, dim_store)"
	run -2 dq contract import --from soda --table dim_stores "$C/soda/checks.yml"
	assert_output "dq-contract: $C/soda/checks.yml: no checks for 'dim_stores' (datasets: dim_customer, dim_store)"
	run -2 dq contract import --from soda "$C/dbt/schema.yml"
	assert_output "dq-contract: $C/dbt/schema.yml: not a SodaCL checks file (no \"checks for\")"
	run -2 dq contract import --from dbt --table t "$C/soda/checks.yml"
	assert_line "dq-contract: import: --table is for --from soda"
}

@test "import soda: thresholds, alert levels and what no rule says" {
	cat >"$T/s.yml" <<-'YML'
	checks for t:
	  - row_count > 0
	  - row_count:
	      fail: when < 10
	      warn: when < 100
	  - row_count not between 1 and 5
	  - max(amount) <= 100
	  - stddev(amount) between 0 and 10
	  - missing_count(a):
	      warn: when > 0
	  - duplicate_percent(b) <= 1%
	  - invalid_percent(c) < 2:
	      valid min length: 2
	      valid max length: 4
	  - missing_percent(d) = 0%:
	      filter: d_date > '2020-01-01'
	  - values in (e, f) must exist in u (e, f)
	  - values in (g) must exist in nope (id)
	  - row_count = abc
	  - invalid_count(h) > 0:
	      valid min: 1
	filter t [daily]:
	  where: ts > now
	YML
	run -0 --separate-stderr dq contract import --from soda "$T/s.yml"
	run -0 jq -c '.fields, .rules' <<<"$output"
	# row_count > 0 is min 1 (a count); fail: when < 10 says the check
	# fails below 10: min 10.  invalid_percent < 2 is a tolerance of 0.02.
	assert_output '{"a":{"required":true,"severity":{"required":"warn"}},"c":{"min_length":2,"max_length":4,"tolerance":{"length":0.02}},"d":{"required":true}}
{"SODA-0":{"check":"row_count","min":1},"SODA-1":{"check":"row_count","min":10},"SODA-3":{"check":"aggregate","field":"amount","stat":"max","max":100},"SODA-4":{"check":"aggregate","field":"amount","stat":"stddev","min":0,"max":10},"SODA-6":{"check":"duplicate_rate","fields":["b"],"max":0.01}}'
	run -0 grep -v ' approximate: ' <<<"$stderr"
	assert_output "dq-contract: warning: $T/s.yml#/checks for t/2: not translated: a threshold dq cannot say here (it says upper bounds on failures and ranges of measures)
dq-contract: warning: $T/s.yml#/checks for t/9: not translated: a reference check of several columns, or not one (values in (COL) must exist in DATASET (COL))
dq-contract: warning: $T/s.yml#/checks for t/10: not translated: no file for 'nope': give --ref nope=FILE
dq-contract: warning: $T/s.yml#/checks for t/11: not translated: a check dq-contract does not translate
dq-contract: warning: $T/s.yml#/checks for t/12/invalid_count(h) > 0: not translated: a threshold dq cannot say here (it says upper bounds on failures and ranges of measures)
dq-contract: warning: $T/s.yml#/filter t [daily]: not translated: not read: the contract is one dataset's checks"
	run -0 grep -c ' approximate: ' <<<"$stderr"
	assert_output 9
}

@test "import soda: dq-validate finds the violations of dim_customer.ndjson worked out by hand" {
	cp -r "$C/soda" "$T/"
	run -0 --separate-stderr dq contract import --from soda --table dim_customer \
		--ref dim_store=stores.csv -o "$T/soda/c.json" "$T/soda/checks.yml"
	run -1 dq validate -c "$T/soda/c.json" --violations "$T/v.ndjson" "$T/soda/dim_customer.ndjson"
	run -0 jq -r '"\(.line) \(.code) \(.severity) \(.value|tojson)"' "$T/v.ndjson"
	# Line 1 passes.  Line 2: an address without '@', FR, lower-case
	# letters in code, 7 cars, the nickname root (a warning), store S3
	# (not in stores.csv).  Line 3 repeats customer 1 and the name Ann
	# Ames, its code has 6 characters (pattern and length) and 2.5 cars
	# is no integer.  Line 4: nickname admin, last_name "".  At the end:
	# the mean of 1, 7, 2.5 and 6 cars is 4.125, above 4, and pii_ssn
	# is a forbidden column (a warning).  Rows 2 and 3 lack a phone: 50%,
	# which Soda's "< 50%" fails and dq's max 0.5 passes (reported
	# approximate); 4 rows are within 3..1000.
	assert_output '2 FMT:email error "bo.example.com"
2 ENUM:country error "FR"
2 PAT:code error "ab123"
2 RANGE:cars error 7
2 NOTIN:nickname warn "root"
2 REF:store_id error "S3"
3 UNIQ:customer_id error 1
3 PAT:code error "CD4567"
3 LEN:code error "CD4567"
3 TYPE:cars error 2.5
3 SODA-9 error ["Ann","Ames"]
4 NOTIN:nickname warn "admin"
4 REQ:last_name error ""
null SODA-10 error 4.125
null SODA-15.2 warn ["pii_ssn"]'
}

@test "import odcs: a schema object's properties and quality rules become fields and rules, with the report" {
	run -0 --separate-stderr dq contract import --from odcs --schema orders \
		--report "$T/r.json" -o "$T/c.json" "$C/odcs/orders.odcs.yaml"
	run -0 jq -c '.name, .fields, .rules' "$T/c.json"
	# exclusiveMinimum 0 on an integer is min 1; the two primary key
	# parts are required and a PK rule in primaryKeyPosition's order;
	# 25 percent of nulls a null_rate of 0.25; "< 3" rows of nulls is
	# required (approximate); codes ODCS-P.N (property P's N-th rule)
	# and ODCS-N (the object's).
	assert_output '"orders"
{"order_id":{"type":"string","pattern":"^ORD-[0-9]{4}$","required":true},"line":{"type":"integer","min":1,"required":true},"email":{"type":"string","required":true,"format":"email","max_length":40},"status":{"type":"string","enum":["placed","shipped","returned"],"severity":{"enum":"warn"}},"amount":{"type":"number","min":0,"max":1000},"placed_on":{"type":"date","min":"2024-01-01","required":true},"coupon":{"type":"string"}}
{"ODCS-4.0":{"check":"null_rate","field":"amount","max":0.25},"ODCS-6.0":{"check":"duplicate_rate","fields":["coupon"],"max":0.2},"PK":{"check":"unique","fields":["order_id","line"]},"ODCS-0":{"check":"row_count","min":2,"max":100},"ODCS-1":{"check":"unique","severity":"warn","fields":["email","placed_on"]}}'
	run -0 jq -r '.from, (.entries[] | "\(.path) \(.status)")' "$T/r.json"
	assert_output "odcs
/schema/0/properties/0/primaryKey approximate
/schema/0/properties/1/primaryKey approximate
/schema/0/properties/2/required approximate
/schema/0/properties/2/logicalTypeOptions/format approximate
/schema/0/properties/3/quality/0 approximate
/schema/0/properties/3/quality/1 not translated
/schema/0/properties/4/quality/0 approximate
/schema/0/properties/5/logicalTypeOptions/format approximate
/schema/0/properties/5/quality/0 approximate
/schema/0/properties/5/quality/0 approximate
/schema/0/properties/6/quality/0 approximate
/schema/0/properties/6/quality/0 approximate
/schema/0/quality/1 approximate
/schema/0/quality/2 not translated
/schema/0/quality/3 not translated
/servers not translated
/slaProperties not translated
/team not translated"
	assert_equal "$(sed -n 6p <<<"$stderr")" "dq-contract: warning: $C/odcs/orders.odcs.yaml#/schema/0/properties/3/quality/1: not translated: a SQL query: dq-contract does not translate it"
	assert_equal "$(sed -n 9p <<<"$stderr")" "dq-contract: warning: $C/odcs/orders.odcs.yaml#/schema/0/properties/5/quality/0: approximate: a count of 2 failures: dq's check fails at the first (its rates are shares of records)"
	assert_equal "$(sed -n 15p <<<"$stderr")" "dq-contract: warning: $C/odcs/orders.odcs.yaml#/schema/0/quality/3: not translated: a rule of another tool (custom): dq-contract does not translate it"
	assert_equal "$(sed -n 16p <<<"$stderr")" "dq-contract: warning: $C/odcs/orders.odcs.yaml#/servers: not translated: not read: the contract is one schema object's checks"
	run -2 --separate-stderr dq contract import --from odcs --schema orders --strict "$C/odcs/orders.odcs.yaml"
	assert_output ""
	assert_equal "$(tail -1 <<<"$stderr")" "dq-contract: --strict: 18 constructs not translated exactly"
	run -0 --separate-stderr dq contract import --from odcs --schema customers "$C/odcs/orders.odcs.yaml"
	run -0 jq -c . <<<"$output"
	assert_output '{"name":"customers","fields":{"id":{"type":"integer","required":true}}}'
	run -2 dq contract import --from odcs "$C/odcs/orders.odcs.yaml"
	assert_output "dq-contract: $C/odcs/orders.odcs.yaml: 2 schema objects: choose one with --schema (orders, customers)"
	run -2 dq contract import --from odcs --schema order "$C/odcs/orders.odcs.yaml"
	assert_output "dq-contract: $C/odcs/orders.odcs.yaml: no schema object 'order' (objects: orders, customers)"
	run -2 dq contract import --from odcs "$C/dbt/schema.yml"
	assert_output "dq-contract: $C/dbt/schema.yml: not an ODCS contract with a schema (no \"schema\" list)"
	run -2 dq contract import --from soda --schema t "$C/soda/checks.yml"
	assert_line "dq-contract: import: --schema is for --from odcs"
}

@test "import odcs: operators, units, v3.0 rules and what no check says" {
	cat >"$T/s.yaml" <<-'YML'
	apiVersion: v3.0.2
	kind: DataContract
	schema:
	  - name: t
	    properties:
	      - name: a
	        logicalType: integer
	        logicalTypeOptions:
	          minimum: 5
	          exclusiveMinimum: true
	          maximum: 10
	          exclusiveMaximum: true
	        quality:
	          - rule: nullCheck
	            mustBe: 0
	      - name: b
	        logicalType: number
	        logicalTypeOptions:
	          exclusiveMaximum: 2.5
	        quality:
	          - metric: invalidValues
	            arguments:
	              pattern: "^[0-9]+$"
	            mustBeLessThan: 2
	            unit: percent
	      - name: c
	        logicalType: time
	        quality:
	          - metric: nullValues
	            mustBeGreaterThan: 0
	          - metric: duplicateValues
	            mustBeBetween: [0, 10]
	            unit: percent
	          - metric: invalidValues
	            mustBe: 0
	          - metric: nullValues
	      - name: d
	        logicalType: timestamp
	        items: {logicalType: string}
	        quality:
	          - metric: rowCount
	            mustBe: 3
	    quality:
	      - metric: rowCount
	        mustBeGreaterThan: 0
	      - metric: rowCount
	        mustNotBeBetween: [1, 5]
	      - metric: nullValues
	        mustBe: 0
	      - metric: completeness
	        mustBe: 1
	YML
	run -0 --separate-stderr dq contract import --from odcs "$T/s.yaml"
	run -0 jq -c '.fields, .rules' <<<"$output"
	# v3.0's exclusive booleans on integers: 6..9; "< 2" percent a
	# tolerance of 0.02; between 0 and 10 percent a rate of 0.1; a row
	# count above 0 is min 1.
	assert_output '{"a":{"type":"integer","min":6,"max":9,"required":true},"b":{"type":"number","max":2.5,"pattern":"^[0-9]+$","tolerance":{"pattern":0.02}},"d":{"type":"datetime"}}
{"ODCS-2.1":{"check":"duplicate_rate","fields":["c"],"max":0.1},"ODCS-0":{"check":"row_count","min":1}}'
	run -0 grep -v ' approximate: ' <<<"$stderr"
	assert_output "dq-contract: warning: $T/s.yaml#/schema/0/properties/2/logicalType: not translated: dq has no type 'time'
dq-contract: warning: $T/s.yaml#/schema/0/properties/2/quality/0: not translated: a threshold dq cannot say here (it says upper bounds on failures and ranges of row counts)
dq-contract: warning: $T/s.yaml#/schema/0/properties/2/quality/2: not translated: no validValues or pattern argument: the rule checks nothing dq reads
dq-contract: warning: $T/s.yaml#/schema/0/properties/2/quality/3: not translated: no operator (mustBe, mustBeLessThan, mustBeBetween...): the rule checks nothing
dq-contract: warning: $T/s.yaml#/schema/0/properties/3/quality/0: not translated: a row count on a property: dq's row_count is the object's
dq-contract: warning: $T/s.yaml#/schema/0/properties/3/items: not translated: a nested object's or array's properties: not read
dq-contract: warning: $T/s.yaml#/schema/0/quality/1: not translated: a threshold dq cannot say here (it says upper bounds on failures and ranges of row counts)
dq-contract: warning: $T/s.yaml#/schema/0/quality/2: not translated: nullValues on the object and no property: dq's checks are a field's
dq-contract: warning: $T/s.yaml#/schema/0/quality/3: not translated: a metric dq-contract does not know (it reads nullValues, missingValues, invalidValues, duplicateValues, rowCount)"
	run -0 grep -c ' approximate: ' <<<"$stderr"
	assert_output 8
}

@test "import odcs: dq-validate finds the violations of orders.ndjson worked out by hand" {
	run -0 --separate-stderr dq contract import --from odcs --schema orders \
		-o "$T/c.json" "$C/odcs/orders.odcs.yaml"
	run -1 dq validate -c "$T/c.json" --violations "$T/v.ndjson" "$C/odcs/orders.ndjson"
	run -0 jq -r '"\(.line) \(.code) \(.severity) \(.value|tojson)"' "$T/v.ndjson"
	# Line 1 passes.  Line 2: status lost (a warning).  Line 3 repeats
	# the key ORD-0001/1, its email has no '@', 1200 is above 1000 and
	# 2023-12-31 before 2024-01-01.  Line 4: order_id ord-2 misses the
	# pattern, line 0 is not above 0.  Line 5 repeats line 1's email and
	# placed_on (a warning).  At the end: amount is null or absent in 2
	# of 5 rows (0.4 > 0.25); coupon C1 is repeated twice among the 4
	# coupons (0.5 > 0.2); 5 rows are within 2..100.
	assert_output '2 ENUM:status warn "lost"
3 FMT:email error "b.example.com"
3 RANGE:amount error 1200
3 RANGE:placed_on error "2023-12-31"
3 PK error ["ORD-0001",1]
4 PAT:order_id error "ord-2"
4 RANGE:line error 0
5 ODCS-1 warn ["a@example.com","2024-02-01"]
null ODCS-4.0 error 0.4
null ODCS-6.0 error 0.5'
}

@test "export --to odcs: every check ODCS can say, as the importer reads it back" {
	run -0 --separate-stderr dq contract export --to odcs --report "$T/r.json" \
		-o "$T/s.yaml" "$C/odcs/shipments.json"
	# The document, word for word: shipments.odcs.yaml was read line by
	# line against the ODCS v3.1 schema and data quality sections.
	run -0 diff -u "$C/odcs/shipments.odcs.yaml" "$T/s.yaml"
	# Another YAML parser reads the same document.
	if python3 -c 'import yaml' 2>/dev/null; then
		run -0 python3 -c 'import json, sys, yaml; d = yaml.safe_load(open(sys.argv[1])); print(json.dumps(d["schema"][0]["quality"], separators=(",", ":")))' "$T/s.yaml"
		assert_output '[{"name":"ROWS","metric":"rowCount","mustBeBetween":[3,1000]},{"name":"KEY","metric":"duplicateValues","arguments":{"properties":["carrier","ref"]},"mustBe":0,"severity":"warning"},{"name":"DUPS","metric":"duplicateValues","arguments":{"properties":["service"]},"mustBeLessOrEqualTo":50,"unit":"percent","severity":"info"}]'
	fi
	# Nothing untranslated; what ODCS means otherwise (its null is SQL's
	# NULL, where dq's missing also takes "" and white space) is said.
	run -0 jq -r '.to, (.entries[] | "\(.path) \(.status)")' "$T/r.json"
	assert_output "odcs
/fields/parcel_id/required approximate
/fields/parcel_id/unique approximate
/fields/carrier/enum approximate
/fields/service/enum approximate
/fields/service/enum approximate
/fields/ref/pattern approximate
/fields/contact/required approximate
/fields/contact/format approximate
/fields/scanned/type approximate
/fields/note/unique approximate
/rules/KEY approximate
/rules/NULLS approximate
/rules/DUPS approximate
/rules/DUPS approximate"
	assert_equal "$(sed -n 1p <<<"$stderr")" "dq-contract: warning: $C/odcs/shipments.json#/fields/parcel_id/required: approximate: ODCS's missing is SQL's NULL: \"\" and white space, which dq's missing takes, pass there"
	# Importing the export gives the contract back, check for check.
	run -0 --separate-stderr dq contract import --from odcs -o "$T/back.json" "$T/s.yaml"
	run -0 jq -S 'del(.version)' "$C/odcs/shipments.json"
	want=$output
	run -0 jq -S . "$T/back.json"
	assert_output "$want"
	# Stdout, and a full disk.
	run -0 --separate-stderr dq contract export --to odcs "$C/odcs/shipments.json"
	assert_equal "$output" "$(cat "$C/odcs/shipments.odcs.yaml")"
	run -2 bash -c '"$1/dq-contract" export --to odcs "$2" >/dev/full' _ "$DQ_BIN" "$C/odcs/shipments.json"
	assert_line --partial "No space left on device"
	run -2 dq contract export --to odcs --format json "$C/odcs/shipments.json"
	assert_line --partial "are for import"
}

@test "export --to odcs: round trip, dq-validate finds the same violations with both contracts" {
	run -0 --separate-stderr dq contract export --to odcs -o "$T/s.yaml" "$C/odcs/shipments.json"
	run -0 --separate-stderr dq contract import --from odcs -o "$T/back.json" "$T/s.yaml"
	run -1 dq validate -c "$C/odcs/shipments.json" --violations "$T/v1.ndjson" \
		--summary "$T/s1.json" "$C/odcs/shipments.ndjson"
	run -1 dq validate -c "$T/back.json" --violations "$T/v2.ndjson" \
		--summary "$T/s2.json" "$C/odcs/shipments.ndjson"
	run -0 cmp "$T/v1.ndjson" "$T/v2.ndjson"
	# The same checks: code, check, field, severity, tolerance, outcome
	# (a property's rules come back before the object's: sorted).
	run -0 jq -c '[.rules[] | [.code, .check, .field, .severity, .tolerance, .checked, .failures, .passed]] | sort' "$T/s1.json"
	want=$output
	run -0 jq -c '[.rules[] | [.code, .check, .field, .severity, .tolerance, .checked, .failures, .passed]] | sort' "$T/s2.json"
	assert_output "$want"
	[ "${#want}" -gt 1000 ]
	# Worked out by hand.  Line 1 passes.  Line 2: weight 0.05 below
	# 0.1, pieces 0 below 1, carrier fedex (a warning), ref ab1 does not
	# start with a capital (info) and is 3 long, contact blank (a
	# warning), fragile not a boolean, shipped before 2024, note n1
	# repeats line 1's (a warning), labels has no item.  Line 3: parcel
	# P-002 repeats line 2's, 2.5 pieces, service overnight (1 in 5,
	# above its tolerance of 0.07), ref 9 long, contact bob, month 13,
	# scanned yesterday, label a twice.  Line 4: p-4 misses the pattern,
	# weight 31, 4 labels.  Line 5 repeats line 1's carrier and ref (a
	# warning).  weight is missing in 1 of 5 rows (0.2 > 0.1); service
	# repeats 2 times in 5 (0.4, within 0.5); 5 rows are within 3..1000.
	run -0 jq -r '"\(.line) \(.code) \(.severity) \(.value|tojson)"' "$T/v2.ndjson"
	assert_output '2 RANGE:weight error 0.05
2 RANGE:pieces error 0
2 ENUM:carrier warn "fedex"
2 PAT:ref info "ab1"
2 LEN:ref error "ab1"
2 REQ:contact warn ""
2 TYPE:fragile error "no"
2 RANGE:shipped error "2023-12-31"
2 ITEMS:labels error []
2 UNIQ:note warn "n1"
3 UNIQ:parcel_id error "P-002"
3 TYPE:pieces error 2.5
3 ENUM:service error "overnight"
3 LEN:ref error "CD345678X"
3 FMT:contact error "bob"
3 FMT:shipped error "2024-13-01"
3 FMT:scanned error "yesterday"
3 ITEMS:labels error "a"
4 PAT:parcel_id error "p-4"
4 RANGE:weight error 31
4 ITEMS:labels error ["a","b","c","d"]
5 KEY warn ["ups","AB12"]
null NULLS error 0.2'
}

@test "export --to odcs: ODCS, dq, ODCS, dq from the import tests' contract keeps every check" {
	run -0 --separate-stderr dq contract import --from odcs --schema orders -o "$T/c1.json" "$C/odcs/orders.odcs.yaml"
	run -0 --separate-stderr dq contract export --to odcs -o "$T/e1.yaml" "$T/c1.json"
	run -0 --separate-stderr dq contract import --from odcs -o "$T/c2.json" "$T/e1.yaml"
	run -0 jq -S . "$T/c1.json"
	want=$output
	run -0 jq -S . "$T/c2.json"
	assert_output "$want"
	# The codes the import made (ODCS-4.0, PK...) are the exported rules'
	# names; a second export is the first.
	run -0 --separate-stderr dq contract export --to odcs -o "$T/e2.yaml" "$T/c2.json"
	run -0 cmp "$T/e1.yaml" "$T/e2.yaml"
	run -0 grep -c '^      - name: "\(ODCS-0\|ODCS-1\|ODCS-6.0\|PK\)"$' "$T/e1.yaml"
	assert_output 4
	run -1 dq validate -c "$T/c1.json" --violations "$T/v1.ndjson" "$C/odcs/orders.ndjson"
	run -1 dq validate -c "$T/c2.json" --violations "$T/v2.ndjson" "$C/odcs/orders.ndjson"
	run -0 cmp "$T/v1.ndjson" "$T/v2.ndjson"
	run -0 wc -l <"$T/v2.ndjson"
	assert_output 10
	# The customers object too.
	run -0 --separate-stderr dq contract import --from odcs --schema customers -o "$T/k1.json" "$C/odcs/orders.odcs.yaml"
	run -0 --separate-stderr dq contract export --to odcs -o "$T/k.yaml" "$T/k1.json"
	run -0 --separate-stderr dq contract import --from odcs -o "$T/k2.json" "$T/k.yaml"
	run -0 cmp "$T/k1.json" "$T/k2.json"
}

@test "export --to odcs: what ODCS cannot say is reported with its place in the contract; --strict exits 2" {
	cat >"$T/people.json" <<-'JSON'
	{"name": "people",
	 "normalize": {"null_tokens": ["NA"]},
	 "fields": {
	  "id": {"type": "integer", "required": true, "tolerance": {"required": 0.01}},
	  "mail": {"type": "email", "severity": "warn"},
	  "zip": {"type": "zip", "not_in": ["00000"]},
	  "addr.city": {"type": "string"},
	  "a\\.b": {"type": "string", "min_length": 1},
	  "state": {"enum": ["CA", "NY"], "enum_case": "insensitive"},
	  "code": {"type": "integer", "pattern": "^[0-9]+$", "min_length": 2},
	  "born": {"type": "date", "min": "1900-01-01", "max": "today"},
	  "word": {"pattern": "[[:alpha:]]+", "format": "email"},
	  "any": {"type": ["string", "null"], "reference": {"file": "x.ndjson"}}
	 },
	 "rules": {
	  "R1": {"check": "row_count", "min": 10, "max": 10},
	  "C1": {"check": "required", "field": "mail", "if": {"field": "id", "present": true}},
	  "U1": {"check": "unique", "fields": ["id", "addr.city"]},
	  "U2": {"check": "unique", "field": "mail", "tolerance": 0.05},
	  "N2": {"check": "null_rate", "field": "zip", "min": 0.1},
	  "E1": {"check": "expr", "expr": "`id` > 0"},
	  "a-rule-code-longer-than-sixty-four-bytes-that-the-importer-once-cut-short": {"check": "null_rate", "field": "extra", "max": 0.2}
	 }}
	JSON
	run -0 --separate-stderr dq contract export --to odcs --report "$T/r.json" -o "$T/p.yaml" "$T/people.json"
	run -0 jq -r '.entries[] | "\(.path) \(.status): \(.note)"' "$T/r.json"
	assert_output "/fields/id/required approximate: a tolerance is a percent of nulls, read back as a null_rate rule
/fields/id/required approximate: ODCS's missing is SQL's NULL: \"\" and white space, which dq's missing takes, pass there
/fields/mail/type approximate: a string of format email: dq's email is RFC 5322's addr-spec, ODCS names the format only
/fields/mail/severity not translated: ODCS says the type, format, range, length and items checks in logicalType and logicalTypeOptions, which have no severity
/fields/zip/type not translated: ODCS has no 'zip': only a string is asked for
/fields/zip/not_in not translated: ODCS cannot say 'not_in'
/fields/addr.city not translated: a path into nested records: the export is one object's properties, as dq-contract imports them
/fields/state/enum approximate: ODCS counts \"\" and white space, which are missing to dq and not checked
/fields/state/enum_case not translated: ODCS's validValues compare exactly
/fields/code/pattern approximate: ODCS counts \"\" and white space, which are missing to dq and not checked
/fields/code/min_length not translated: ODCS's logicalTypeOptions of integer have no minLength
/fields/born/max not translated: a date relative to today: ODCS's bound is a fixed date
/fields/word/pattern not translated: a POSIX class ([:alpha:]) has no ECMA-262 form here
/fields/word/format not translated: ODCS's format email is an option of a string, and the field's type is not one
/fields/any/type not translated: a list of types: ODCS's logicalType is one
/fields/any/reference not translated: ODCS cannot say 'reference'
/rules/C1 not translated: ODCS's library metrics cannot say this 'required' rule
/rules/U1 not translated: a path into nested records, or no field: the export's properties are one object's
/rules/U2 approximate: ODCS may count every row of a repeated value; dq's rate the repeats after the first
/rules/U2 approximate: ODCS counts \"\" and white space, which are missing to dq and not checked
/rules/N2 not translated: ODCS cannot say the 'null_rate' rule's 'min'
/rules/E1 not translated: ODCS's library metrics cannot say this 'expr' rule
/rules/a-rule-code-longer-than-sixty-four-bytes-that-the-importer-once-cut-short approximate: ODCS's missing is SQL's NULL: \"\" and white space, which dq's missing takes, pass there
/normalize not translated: not a check ODCS can say"
	assert_equal "$(grep -c ': warning: ' <<<"$stderr")" 24
	assert_equal "$(sed -n 5p <<<"$stderr")" "dq-contract: warning: $T/people.json#/fields/zip/type: not translated: ODCS has no 'zip': only a string is asked for"
	# What was said: the key "a.b" unescaped, a pattern on an integer as
	# an invalidValues rule (logicalTypeOptions of an integer have
	# none), a row count of exactly 10 as mustBe (mustBeBetween's two
	# numbers differ), a unique rule's tolerance as a percent, a
	# null_rate on a field the contract does not list on a property of
	# its own, under its whole code.
	run -0 --separate-stderr dq contract import --from odcs -o "$T/back.json" "$T/p.yaml"
	run -0 jq -c '.fields["a\\.b"], .fields.code, .rules' "$T/back.json"
	assert_output '{"type":"string","min_length":1}
{"type":"integer","pattern":"^[0-9]+$"}
{"ODCS-0.0":{"check":"null_rate","field":"id","max":0.01},"a-rule-code-longer-than-sixty-four-bytes-that-the-importer-once-cut-short":{"check":"null_rate","field":"extra","max":0.2},"R1":{"check":"row_count","min":10,"max":10},"U2":{"check":"duplicate_rate","fields":["mail"],"max":0.05}}'
	run -2 --separate-stderr dq contract export --to odcs --strict --report "$T/r2.json" -o "$T/none.yaml" "$T/people.json"
	[ ! -e "$T/none.yaml" ]
	assert_equal "$(tail -1 <<<"$stderr")" "dq-contract: --strict: 24 constructs not translated exactly"
	run -0 jq '.entries | length' "$T/r2.json"
	assert_output 24
}

@test "import odcs: a quality rule's id or name is its rule's code; severity info; array options" {
	cat >"$T/n.yaml" <<-'YML'
	apiVersion: v3.1.0
	kind: DataContract
	id: n
	version: 1.0.0
	status: active
	schema:
	  - name: t
	    properties:
	      - name: tags
	        logicalType: array
	        logicalTypeOptions: {minItems: 1, maxItems: 4, uniqueItems: true}
	      - name: a
	        quality:
	          - id: a-nulls
	            name: ignored when there is an id
	            metric: nullValues
	            mustBeLessThan: 5
	            unit: percent
	            severity: info
	    quality:
	      - name: enough rows
	        metric: rowCount
	        mustBeGreaterThan: 0
	      - name: enough rows
	        metric: rowCount
	        mustBeLessThan: 100
	YML
	run -0 --separate-stderr dq contract import --from odcs "$T/n.yaml"
	run -0 jq -c '.fields, .rules' <<<"$output"
	# A name taken already leaves the code ODCS-N.
	assert_output '{"tags":{"type":"array","min_items":1,"max_items":4,"unique_items":true}}
{"a-nulls":{"check":"null_rate","severity":"info","field":"a","max":0.05},"enough rows":{"check":"row_count","min":1},"ODCS-1":{"check":"row_count","max":99}}'
}

@test "import gx: a suite's expectations become fields and rules, with the report" {
	run -0 --separate-stderr dq contract import --from gx --report "$T/r.json" -o "$T/c.json" "$C/gx/orders.suite.json"
	run -0 jq -c '.name, .fields, .rules' "$T/c.json"
	# mostly 0.75 is a tolerance of 0.25; the mean of qty an aggregate
	# rule; codes GX-N, N the expectation's place as in the pointers.
	assert_output '"orders"
{"id":{"required":true,"unique":true},"email":{"required":true,"tolerance":{"required":0.25},"pattern":"@[a-z]+\\.[a-z]+"},"status":{"enum":["new","paid","sent"]},"qty":{"min":1,"max":10,"type":"integer"},"sku":{"min_length":3,"max_length":5},"note":{"not_pattern":"^TODO"},"paid":{"type":["boolean","integer"]}}
{"GX-0":{"check":"row_count","min":2,"max":100},"GX-1.1":{"check":"columns","fields":["id","email","status","qty","sku","note","paid"]},"GX-1.2":{"check":"closed","fields":["id","email","status","qty","sku","note","paid"]},"GX-2":{"check":"columns","fields":["id"]},"GX-14":{"check":"aggregate","field":"qty","stat":"mean","min":1,"max":5}}'
	run -0 jq -r '.from, (.entries[] | "\(.path) \(.status): \(.note)")' "$T/r.json"
	assert_output "gx
/expectations/3 approximate: dq's missing also takes \"\" and white space, which GX sees as values
/expectations/4 approximate: dq does not compare \"\" and white space (missing to dq)
/expectations/5 approximate: dq's missing also takes \"\" and white space, which GX sees as values
/expectations/7 approximate: dq does not check \"\" and white space (missing to dq)
/expectations/8/kwargs/strict_max approximate: a strict bound: dq's are inclusive
/expectations/9/kwargs/type_ approximate: GX compares the column's type (pandas dtype or SQL type); dq each value's JSON kind
/expectations/11/kwargs/regex not translated: '(?P' is Python's own syntax
/expectations/13/kwargs/type_list approximate: GX compares the column's type (pandas dtype or SQL type); dq each value's JSON kind
/expectations/15 not translated: a second expectation sets the column's 'enum': dq's field has one"
	run -2 --separate-stderr dq contract import --from gx --strict "$C/gx/orders.suite.json"
	assert_equal "$(tail -1 <<<"$stderr")" "dq-contract: --strict: 9 constructs not translated exactly"
	run -2 dq contract import --from gx "$C/dbt/schema.yml"
	assert_output "dq-contract: $C/dbt/schema.yml: not a Great Expectations suite (no \"expectations\" list)"
}

@test "import gx: GX 1.x names, severity, mostly, regex dialects and what is reported" {
	cat >"$T/s.json" <<-'J'
	{"name": "t", "expectations": [
	 {"type": "expect_column_values_to_be_unique", "kwargs": {"column": "a", "mostly": 0.9}, "severity": "warning"},
	 {"type": "expect_column_values_to_match_regex", "kwargs": {"column": "b", "regex": "^\\d+$"}},
	 {"type": "expect_column_values_to_match_regex", "kwargs": {"column": "c", "regex": "(?i)abc"}},
	 {"type": "expect_column_values_to_match_regex", "kwargs": {"column": "d", "regex": "a(?=b)"}},
	 {"type": "expect_column_value_lengths_to_equal", "kwargs": {"column": "e", "value": 2}},
	 {"type": "expect_column_values_to_be_between", "kwargs": {"column": "f", "min_value": "2020-01-01", "max_value": "soon"}},
	 {"type": "expect_column_values_to_be_of_type", "kwargs": {"column": "g", "type_": "datetime64[ns]"}},
	 {"type": "expect_table_row_count_to_equal", "kwargs": {"value": 3}},
	 {"type": "expect_table_columns_to_match_ordered_list", "kwargs": {"column_list": ["a", "b"]}},
	 {"type": "expect_column_values_to_not_be_null", "kwargs": {"column": "h", "mostly": 2, "bogus": 1}},
	 {"type": "expect_column_values_to_not_be_in_set", "kwargs": {"column": "i", "value_set": ["x"]}, "severity": "info"},
	 {"type": "expect_column_max_to_be_between", "kwargs": {"column": "j", "max_value": 9, "strict_max": true}},
	 {"kwargs": {}}
	]}
	J
	run -0 --separate-stderr dq contract import --from gx --report "$T/r.json" "$T/s.json"
	run -0 jq -c '.fields, .rules' <<<"$output"
	assert_output '{"a":{"unique":true,"tolerance":{"unique":0.1},"severity":{"unique":"warn"}},"b":{"pattern":"^[0-9]+$"},"e":{"min_length":2,"max_length":2},"f":{"min":"2020-01-01"},"h":{"required":true},"i":{"not_in":["x"],"severity":{"not_in":"info"}}}
{"GX-7":{"check":"row_count","min":3,"max":3},"GX-8.1":{"check":"columns","fields":["a","b"]},"GX-8.2":{"check":"closed","fields":["a","b"]},"GX-8.3":{"check":"column_order","fields":["a","b"]},"GX-11":{"check":"aggregate","field":"j","stat":"max","max":9}}'
	run -0 jq -r '.entries[] | "\(.path) \(.status): \(.note)"' "$T/r.json"
	assert_output "/expectations/0 approximate: dq does not compare \"\" and white space (missing to dq)
/expectations/0/kwargs/mostly approximate: GX fails every row of a repeated value, dq the repeats after the first
/expectations/1/kwargs/regex approximate: Python's \\d, \\w and \\s also match non-ASCII digits, letters and spaces
/expectations/1/kwargs/regex approximate: Python's \$ also matches before a final newline
/expectations/2/kwargs/regex not translated: '(?i' is Python's own syntax
/expectations/3/kwargs/regex not translated: a lookahead or lookbehind ((?=, (?!, (?<=, (?<!): POSIX ERE cannot express it
/expectations/5/kwargs/max_value not translated: dq's bounds are numbers and ISO dates
/expectations/6/kwargs/type_ not translated: dq has no type for 'datetime64[ns]'
/expectations/9 approximate: dq's missing also takes \"\" and white space, which GX sees as values
/expectations/9/kwargs/mostly not translated: not a share from 0 to 1
/expectations/9/kwargs/bogus not translated: an argument dq-contract does not read
/expectations/10 approximate: dq does not check \"\" and white space (missing to dq)
/expectations/11/kwargs/strict_max approximate: a strict bound: dq's are inclusive
/expectations/12 not translated: not an expectation (type, kwargs)
/expectations/8 approximate: the contract's field 'e' is allowed too"
}

@test "import gx: dq-validate finds the violations of orders.ndjson worked out by hand" {
	run -0 --separate-stderr dq contract import --from gx -o "$T/c.json" "$C/gx/orders.suite.json"
	run -1 dq validate -c "$T/c.json" --violations "$T/v.ndjson" --summary "$T/s.json" "$C/gx/orders.ndjson"
	run -0 jq -r '"\(.line) \(.code) \(.value|tojson)"' "$T/v.ndjson"
	# Line 1 passes.  Line 2: no email (1 in 4: within mostly 0.75, so
	# the check passes, but the record carries it), a 6-character sku,
	# a note starting TODO; qty 10 passes dq's inclusive bound (GX's
	# strict_max fails it: reported).  Line 3 repeats id 2, its address
	# has no lower-case domain, status lost, qty 0, a 2-character sku,
	# paid "yes" (neither boolean nor integer), and the column extra
	# (GX-1.2, at the end).  Line 4: qty 2.5 is no integer.  The mean
	# of qty (2, 10, 0, 2.5) is 3.625, within 1..5; 4 rows are within
	# 2..100.
	assert_output '2 REQ:email null
2 LEN:sku "ABCDEF"
2 NOTPAT:note "TODO call"
3 UNIQ:id 2
3 PAT:email "b@Y.org"
3 ENUM:status "lost"
3 RANGE:qty 0
3 LEN:sku "AB"
3 TYPE:paid "yes"
4 TYPE:qty 2.5
null GX-1.2 ["extra"]'
	run -0 jq -c '.rules[] | select(.code == "REQ:email" or .code == "GX-14") | [.code, .failures, .passed]' "$T/s.json"
	assert_output '["REQ:email",1,true]
["GX-14",0,true]'
}

@test "lint: a rule's field in a contract with no fields section is a warning, not an error" {
	# Rules alone (as dq-contract import --from soda or gx writes them
	# for table checks) name fields no section defines on purpose.
	cat >"$T/r.json" <<-'J'
	{"rules": {"N": {"check": "null_rate", "field": "phone", "max": 0.5},
	           "R": {"check": "row_count", "min": 1}}}
	J
	run -0 dq contract lint --report "$T/rep.json" "$T/r.json"
	assert_output "rules.N: warning: field 'phone': the contract has no fields section to define it"
	run -0 jq -c '.findings' "$T/rep.json"
	assert_output '[{"path":"rules.N","check":"undefined_field","severity":"warning","message":"field '"'phone'"': the contract has no fields section to define it"}]'
	# With an error beside it, the status is 1.
	jq '.rules.X = {"check": "range", "field": "age", "min": 5, "max": 1}' "$T/r.json" >"$T/x.json"
	run -1 dq contract lint "$T/x.json"
	assert_output "rules.N: warning: field 'phone': the contract has no fields section to define it
rules.X: warning: field 'age': the contract has no fields section to define it
rules.X: min is above max: no value can pass"
	# A fields section, even empty, defines the fields: an error.
	jq '.fields = {}' "$T/r.json" >"$T/f.json"
	run -1 dq contract lint "$T/f.json"
	assert_output "rules.N: field 'phone' is not in the contract's fields"
}
