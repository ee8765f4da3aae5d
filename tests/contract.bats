#!/usr/bin/env bats
# Contract files as YAML (lib/contract/yaml.c) and placeholders resolved
# from the environment (lib/contract/contract.c).
load helpers

setup() {
	cd "$BATS_TEST_TMPDIR"
	EX=$BATS_TEST_DIRNAME/../examples/contracts
}

@test "person.json as YAML: the same checksum, the same outputs through normalize, validate, block, score and merge" {
	run -0 --separate-stderr dq validate -c "$EX/person.json" --print-contract
	printf '%s\n' "$output" >json.txt
	sum_json=$stderr
	run -0 --separate-stderr dq validate -c "$EX/person.yaml" --print-contract
	printf '%s\n' "$output" >yaml.txt
	assert_equal "$stderr" "$sum_json"
	assert_equal "$stderr" "contract_version 848b50bc9c00e472"
	run -0 cmp json.txt yaml.txt
	dq gen -n 400 --seed 5 >g.ndjson
	for c in json yaml; do
		dq normalize -q -c "$EX/person.$c" --summary "sn.$c" g.ndjson >"n.$c"
		dq validate -q -c "$EX/person.$c" --summary "sv.$c" "n.$c" >"v.$c" ||
			true
		dq block -q -c "$EX/person.$c" "n.$c" >"b.$c"
		dq score -q -c "$EX/person.$c" "b.$c" >"s.$c"
		dq merge -q -c "$EX/person.$c" --records "n.$c" "s.$c" >"m.$c"
	done
	for f in n v b s m; do
		run -0 cmp "$f.json" "$f.yaml"
	done
	[ -s m.yaml ]
	stable_summary sv.json >a
	stable_summary sv.yaml >b
	run -0 cmp a b
	# A layer of each kind under -c, later wins as ever.
	printf 'fields:\n  email: {required: true}\n' >req.yml
	printf '{"fields":{"email":{"required":true}}}\n' >req.json
	run -0 --separate-stderr dq validate -c "$EX/person.json" -c req.yml --print-contract
	printf '%s\n' "$output" >mix1
	run -0 --separate-stderr dq validate -c "$EX/person.yaml" -c req.json --print-contract
	printf '%s\n' "$output" >mix2
	run -0 cmp mix1 mix2
	run -0 jq -c '.fields.email' mix1
	assert_output '{"type":"email","normalize":["trim","null",{"email":{"strip_tag":true,"strip_dots":true}}],"required":true}'
}

@test "YAML scalars are typed by the YAML 1.2 core schema; anchors and aliases are resolved" {
	cat >t.yaml <<'YAML'
name: typed
description: "quoted 12"
fields:
  zip: &zipdef
    type: zip
    normalize: [trim, 'null']
  zip2: *zipdef
  age: {type: integer, min: 0x0, max: 0o177}
  score: {type: number, min: -1.5e0, max: 100}
  code: {type: string, pattern: 02134}
  flag: {type: boolean}
  note: {required: false, type: string, max_length: 12}
YAML
	run -0 --separate-stderr dq validate -c t.yaml --print-contract
	run -0 jq -c '[.description, .fields.zip2, .fields.age.max, .fields.score.min, .fields.note.required, .fields.code.pattern]' <<<"$output"
	# A plain 02134 is the integer 2134, as in the core schema.
	assert_output '["quoted 12",{"type":"zip","normalize":["trim","null"]},127,-1.5,false,2134]'
}

@test "a YAML typo is named with file:line:column: tabs, duplicate keys, unknown keys, aliases" {
	printf 'fields:\n  email:\n\ttype: email\n' >tab.yaml
	run -2 --separate-stderr dq validate -c tab.yaml /dev/null
	[[ $stderr == "dq-validate: contract tab.yaml:3:1: found character that cannot start any token"* ]]
	printf 'fields:\n  email: {type: email}\n  email: {required: true}\n' >dup.yaml
	run -2 --separate-stderr dq validate -c dup.yaml /dev/null
	assert_equal "$stderr" "dq-validate: contract dup.yaml:3:3: duplicate key: email"
	printf 'fields:\n  email:\n    requird: true\n' >typo.yaml
	run -2 --separate-stderr dq normalize -c typo.yaml /dev/null
	assert_equal "$stderr" "dq-normalize: contract typo.yaml:3:5: unknown key 'fields.email.requird'"
	printf 'fields:\n  email: *nowhere\n' >alias.yaml
	run -2 --separate-stderr dq validate -c alias.yaml /dev/null
	assert_equal "$stderr" "dq-validate: contract alias.yaml:2:10: alias to an unknown anchor: *nowhere"
	printf 'fields: [a, b]\n' >seq.yml
	run -2 --separate-stderr dq validate -c seq.yml /dev/null
	assert_equal "$stderr" "dq-validate: contract seq.yml:1:1: 'fields' must be an object"
	printf -- '- a\n- b\n' >list.yaml
	run -2 --separate-stderr dq validate -c list.yaml /dev/null
	assert_equal "$stderr" "dq-validate: contract list.yaml:1:1: a contract must be a mapping"
	# Aliases that expand without end are refused, not followed.
	{ printf 'a: &a [x, x, x, x, x, x, x, x, x, x]\n'
	  for i in b c d e f g h i; do
		p=$(printf '%s' "$i" | tr 'b-i' 'a-h')
		printf '%s: &%s [*%s, *%s, *%s, *%s, *%s, *%s, *%s, *%s, *%s, *%s]\n' \
			"$i" "$i" "$p" "$p" "$p" "$p" "$p" "$p" "$p" "$p" "$p" "$p"
	  done; } >bomb.yaml
	run -2 --separate-stderr dq validate -c bomb.yaml /dev/null
	[[ $stderr == *"too many nodes (aliases that expand without end?)" ]]
	# A .json file is JSON, whatever it holds.
	printf 'fields: {}\n' >y.json
	run -2 --separate-stderr dq validate -c y.json /dev/null
	[[ $stderr == "dq-validate: contract y.json:1: "* ]]
}

@test "env(\"VAR\") and \${VAR} resolve at load time; the checksum covers the names, never the values" {
	printf 'fields:\n  region: {enum: ["${REGION}", "x-${REGION}"]}\n  key: {pattern: env("KEY_RE")}\n' >e.yaml
	printf '{"region":"eu","key":"k1"}\n{"region":"us","key":"k2"}\n' >d.ndjson
	REGION=eu KEY_RE='^k1$' run -1 --separate-stderr dq validate -c e.yaml \
		--summary s1.json --violations v.ndjson d.ndjson
	sum1=$(jq -r .contract_version s1.json)
	run -0 jq -c '[.line, .field, .message]' v.ndjson
	assert_output '[2,"region","not one of the allowed values (\"eu\", \"x-eu\")"]
[2,"key","does not match the pattern ^k1$"]'
	REGION=us KEY_RE='^k2$' run -1 --separate-stderr dq validate -c e.yaml \
		--summary s2.json --violations v.ndjson d.ndjson
	assert_equal "$(jq -r .contract_version s2.json)" "$sum1"
	run -0 jq -c '[.line, .field, .message]' v.ndjson
	assert_output '[1,"region","not one of the allowed values (\"us\", \"x-us\")"]
[1,"key","does not match the pattern ^k2$"]'
	# --print-contract shows the placeholders, not the values.
	REGION=eu KEY_RE='secret' run -0 --separate-stderr dq validate -c e.yaml --print-contract
	run -0 jq -c '.fields' <<<"$output"
	assert_output '{"region":{"enum":["${REGION}","x-${REGION}"]},"key":{"pattern":"env(\"KEY_RE\")"}}'
	unset REGION
	KEY_RE=x run -2 --separate-stderr dq validate -c e.yaml d.ndjson
	assert_equal "$stderr" "dq-validate: contract: 'fields.region.enum': environment variable REGION is not set"
}

@test "a reference file in a contract is relative to the contract's directory, whatever the working directory" {
	mkdir -p conf/sub run
	printf '{"id":"o1"}\n{"id":"o2"}\n' >conf/orgs.ndjson
	printf '{"id":"o3"}\n' >conf/sub/orgs.ndjson
	printf '{"id":"o2"}\n' >run/orgs.ndjson
	printf '{"fields":{"org":{"reference":{"file":"orgs.ndjson","key":"id"}}}}\n' >conf/c.json
	printf 'rules:\n  ORG:\n    check: reference\n    field: org\n    file: orgs.ndjson\n    key: id\n' >conf/sub/r.yaml
	printf '{"org":"o1"}\n{"org":"o3"}\n' >run/d.ndjson
	cd run
	run -1 --separate-stderr dq validate -c ../conf/c.json --summary s1 \
		--violations v.ndjson d.ndjson
	run -0 jq -c '[.line, .code, .value]' v.ndjson
	assert_output '[2,"REF:org","o3"]'
	# A layer in another directory names its own file: conf/sub/orgs.ndjson.
	run -1 --separate-stderr dq validate -c ../conf/c.json \
		-c ../conf/sub/r.yaml --violations v.ndjson d.ndjson
	run -0 jq -c '[.line, .code, .value]' v.ndjson
	assert_output $'[1,"ORG","o1"]\n[2,"REF:org","o3"]'
	# --set is relative to the working directory: run/orgs.ndjson.
	run -1 --separate-stderr dq validate -c ../conf/c.json \
		--set fields.org.reference.file=orgs.ndjson --violations v.ndjson d.ndjson
	run -0 jq -c '[.line, .code, .value]' v.ndjson
	assert_output $'[1,"REF:org","o1"]\n[2,"REF:org","o3"]'
	# The checksum is the same from any directory.
	cd ..
	run -1 --separate-stderr dq validate -c conf/c.json --summary s2 run/d.ndjson
	assert_equal "$(jq -r .contract_version run/s1)" "$(jq -r .contract_version s2)"
}
