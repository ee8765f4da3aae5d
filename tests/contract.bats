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

@test "publication.json with a layer: HTML entities decoded, title keys block, word comparators score (issue 22, 3)" {
	printf '{"rename":{"Title":"title","Authors":"authors","Venue":"venue","Year":"year"}}' >layer.json
	printf '%s\n' '{"id":"d1","Title":"Efficient Similarity Joins for Near Duplicate Detection","Authors":"Chuan Xiao, Wei Wang, Xuemin Lin, J&#246;rg Sander","Venue":"WWW","Year":"2008"}' \
		'{"id":"a1","Title":"Efficient similarity joins for near-duplicate detection","Authors":"Xiao C., Wang W., Lin X., Sander J&ouml;rg","Venue":"Proceedings of the 17th international conference on World Wide Web","Year":2008}' \
		'{"id":"d2","Title":"Efficient Set Joins on Similarity Predicates","Authors":"Sunita Sarawagi, Alok Kirpal","Venue":"SIGMOD Conference","Year":"2004"}' >pubs.ndjson
	dq normalize -q -c "$EX/publication.json" -c layer.json --no-lineage pubs.ndjson >n.ndjson
	run -0 jq -r '.authors' n.ndjson
	assert_output 'Chuan Xiao, Wei Wang, Xuemin Lin, Jörg Sander
Xiao C., Wang W., Lin X., Sander Jörg
Sunita Sarawagi, Alok Kirpal'
	dq block -q -c "$EX/publication.json" n.ndjson >p.ndjson
	run -0 jq -c '[.a.id, .b.id, ._dq.rules]' p.ndjson
	assert_output '["d1","a1",["title_start","title_words","title_year"]]
["d1","d2",["title_start"]]
["a1","d2",["title_start"]]'
	run -0 dq score -q -c "$EX/publication.json" --set compare.model=weighted p.ndjson
	printf '%s\n' "$output" >s.ndjson
	run -0 jq -c '[.a.id, .b.id, (._dq.features | map_values([.level, .similarity]))]' s.ndjson
	assert_output '["d1","a1",{"title":["close",1],"authors":["close",0.9153],"venue":["different",0],"year":["exact",1]}]
["d1","d2",{"title":["different",0.2451],"authors":["different",0.58],"venue":["different",0],"year":["different",0]}]
["a1","d2",{"title":["different",0.2451],"authors":["different",0.4731],"venue":["different",0.1186],"year":["different",0]}]'
}

@test "product.json with the amazon-google layer: Latin-1 CRLF CSV, title renamed, a price of 0 unknown, codes agree or conflict (issue 22, 3)" {
	printf '"id","title","description","manufacturer","price"\r\n"b01","Sony DSC-W55 Cyber-shot caf\xe9 edition","7.2MP digital camera, 3x zoom","Sony",0\r\n"b02","Canon PowerShot A530","5MP camera","Canon",149.99\r\n' >amazon.csv
	printf '"id","name","description","manufacturer","price"\r\n"g01","sony cybershot dscw55 caf\xe9","sony digital camera 7.2 megapixels",,"199.00"\r\n"g02","canon powershot a540 camera","6mp camera","canon","179.99"\r\n' >google.csv
	for s in amazon google; do
		dq normalize -q -c "$EX/product.json" -c "$EX/amazon-google.json" --encoding latin1 --no-lineage $s.csv >$s.ndjson
	done
	run -0 cat amazon.ndjson google.ndjson
	assert_output '{"id":"b01","name":"sony dsc-w55 cyber-shot café edition","description":"7.2MP digital camera, 3x zoom","manufacturer":"sony","price":null,"name_code":"sony dsc-w55 cyber-shot café edition"}
{"id":"b02","name":"canon powershot a530","description":"5MP camera","manufacturer":"canon","price":149.99,"name_code":"canon powershot a530"}
{"id":"g01","name":"sony cybershot dscw55 café","description":"sony digital camera 7.2 megapixels","manufacturer":null,"price":199.00,"name_code":"sony cybershot dscw55 café"}
{"id":"g02","name":"canon powershot a540 camera","description":"6mp camera","manufacturer":"canon","price":179.99,"name_code":"canon powershot a540 camera"}'
	# Token rules: the Canon offers share two rare words; the Sony offers
	# (another word order, "dsc-w55" against "dscw55") share words and
	# the model code; no offer shares a kept word with another maker's.
	run -0 dq block -q -c "$EX/product.json" -c "$EX/amazon-google.json" --link amazon.ndjson google.ndjson
	printf '%s\n' "$output" >p.ndjson
	run -0 jq -c '[.a.id, .b.id, ._dq.rules]' p.ndjson
	assert_output '["b02","g02",["name_words"]]
["b01","g01",["name_words","name_codes"]]'
	jq -c -n --slurpfile a amazon.ndjson --slurpfile g google.ndjson '{a: $a[0], b: $g[0]}, {a: $a[1], b: $g[1]}' >pp.ndjson
	run -0 dq score -q -c "$EX/product.json" -c "$EX/amazon-google.json" --set compare.model=weighted pp.ndjson
	printf '%s\n' "$output" >s.ndjson
	# idf over the 4 names: canon and powershot in 2 (ln 3), a530,
	# a540, camera in 1 (ln 5): 2 ln3^2 / sqrt((2 ln3^2 + ln5^2)
	# (2 ln3^2 + 2 ln5^2)) = 0.3916.
	run -0 jq -c '[.a.id, .b.id, (._dq.features | map_values([.level, .similarity]))]' s.ndjson
	assert_output '["b01","g01",{"name":["different",0.2235],"name_code":["exact",1],"description":["different",0.2714],"manufacturer":["null",0],"price":["null",0]}]
["b02","g02",{"name":["different",0.3916],"name_code":["conflict",0],"description":["different",0.1565],"manufacturer":["exact",1],"price":["different",0]}]'
}
