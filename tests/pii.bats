#!/usr/bin/env bats
# Sensitive fields (lib/contract/pii.c, docs/contract.md "Sensitive
# fields"): marked in the contract, never echoed by any program.
load helpers

setup() {
	cd "$BATS_TEST_DIRNAME/.." && ROOT=$PWD
	cd "$BATS_TEST_TMPDIR"
	export DQ_PII_KEY=test-key
}

@test "pii in the contract: true, a policy or a glob list is accepted; a bad policy, a bad glob list and hash without its key are errors" {
	printf '{"id":1,"ssn":"123-45-6789"}\n' >in.ndjson
	printf '{"fields":{"ssn":{"pii":true}},"pii":{"names":{"*dob*":"hash"},"key_env":"K"}}\n' >c.json
	K=x run -0 dq validate -q -c c.json in.ndjson
	assert_output '{"id":1,"ssn":"123-45-6789"}'
	run -2 dq validate -q -c c.json in.ndjson
	assert_output "dq-validate: contract: a field's pii is \"hash\" and the key's environment variable K is not set"
	printf '{"fields":{"ssn":{"pii":"secret"}}}\n' >bad.json
	run -2 dq validate -q -c bad.json in.ndjson
	assert_output "dq-validate: contract: 'fields.ssn.pii' must be true, false, \"mask\", \"hash\", \"drop\" or \"keep\""
	printf 'pii:\n  names: ["*ssn*"]\n' >bad.yaml
	run -2 dq validate -q -c bad.yaml in.ndjson
	assert_output "dq-validate: contract: 'pii.names' must be an object of globs and policies"
	printf 'fields:\n  ssn: {pii: mask}\npii:\n  names: {"*x*": keep}\n' >ok.yaml
	run -0 dq normalize -q -c ok.yaml in.ndjson
	assert_output '{"id":1,"ssn":"123-45-6789","_dq":{"row":1,"hash":"359cf4e8faf951db"}}'
}

# hmac32 TEXT: the first 32 hex digits of HMAC-SHA-256 under test-key, by
# Python's hmac module (an implementation other than dq's).
hmac32() {
	python3 -c 'import hashlib, hmac, sys
print(hmac.new(b"test-key", sys.argv[1].encode(), hashlib.sha256).hexdigest()[:32])' "$1"
}

# st NAME CMD...: run CMD, print "NAME STATUS" (set -e would stop at 1).
st() {
	local name=$1 rc=0
	shift
	"$@" || rc=$?
	echo "$name $rc" >&3
}

# leak_run POLICY: every program and output path on records whose ssn and
# tax_ssn values are unique strings ("Zq01secret"...), the contract marking
# ssn with POLICY and tax_ssn (a field it does not name) by a glob.  The
# record streams (stdout of normalize, validate, block, score, merge; the
# quarantine and rejects files) carry the data and are kept in rec/; every
# other file written, and all of stderr, goes to out/.
leak_run() {
	mkdir -p rec out
	for i in 01 02 03 04 05 06 07 08 09 10 11 12; do
		n=$((10#$i % 4))
		printf '{"id":%d,"name":"Name %d","dob":"1980-01-0%d","ssn":"Zq%ssecret","tax_ssn":"Tx%ssecret","email":"e%d@x.org"}\n' \
			"$((10#$i))" "$n" "$((n + 1))" "$i" "$i" "$n"
	done >in.ndjson
	printf '{"id":13,"ssn":"Zq07secret","name":"Name 3"}\n' >>in.ndjson
	cat >c.json <<-JSON
	{"fields":{"id":{"type":"integer","unique":true},"name":{"type":"string"},
	 "dob":{"type":"date"},
	 "ssn":{"type":"string","pattern":"^[0-9]{3}-[0-9]{2}-[0-9]{4}\$","unique":true,"normalize":["trim"],"pii":"$1"},
	 "email":{"type":"email"}},
	 "pii":{"names":{"tax_*":"$1"}},
	 "blocking":{"rules":{"n":{"key":"name"},"s":{"key":"ssn:first(2)","max_block":2}}},
	 "compare":{"fields":{"name":{"comparator":"jaro_winkler"},"ssn":{"comparator":"exact"},"dob":{"comparator":"exact"}}},
	 "thresholds":{"match":0.99,"review":0.1}}
	JSON
	local C="-c c.json"
	{
		st normalize dq normalize $C --keep-original --summary out/n.sum --rejects rec/n.rej in.ndjson >rec/n.out
		st validate dq validate $C --summary out/v.sum --violations out/v.viol --quarantine rec/v.q rec/n.out >rec/v.out
		st profile dq profile $C rec/n.out >out/p.json
		st profile-text dq profile $C --format text rec/n.out >out/p.txt
		st profile-suggest dq profile $C --suggest rec/n.out >out/p.sug
		st block dq block $C --stats --summary out/b.sum rec/n.out >rec/b.out
		st score dq score $C --summary out/s.sum rec/b.out >rec/s.out
		st merge dq merge $C --records rec/n.out --review out/m.rev --map out/m.map --log out/m.log --summary out/m.sum rec/s.out >rec/m.out
		st csv dq csv $C --originals --violations rec/v.q >out/x.csv
		st sql dq sql --schema monitoring --create --agency a --file f.ndjson --run-date 2026-12-07 --run-hour 1 \
			--summary out/v.sum --violations out/v.viol --profile out/p.json >out/q.sql
	} 2>out/stderr.txt 3>status.txt
}

@test "a sensitive field's values appear in no file any program writes and nowhere on stderr; with keep they do" {
	leak_run mask
	run -0 cat status.txt
	assert_output "normalize 0
validate 1
profile 0
profile-text 0
profile-suggest 0
block 0
score 0
merge 0
csv 0
sql 0"
	# The test sees the values: they are in the record streams.
	run -0 grep -l -e Zq07secret -e Tx07secret rec/n.out rec/v.q rec/b.out
	run -1 grep -r -l -e 'Zq[0-9][0-9]secret' -e 'Tx[0-9][0-9]secret' out
	# What the programs show instead.
	run -0 jq -c '[.valueDistributions.ssn.topValues[0].value, .boundsAnomalies.ssn.minString, .valueDistributions.tax_ssn.topValues[0].value]' out/p.json
	assert_output '["[masked]","[masked]","[masked]"]'
	run -0 jq -c 'select(.field == "ssn") | .value' out/v.viol
	assert_line --index 0 '"[masked]"'
	run -0 grep -c 'Name 1,1980-01-02,\[masked\],\[masked\],e1@x.org' out/x.csv
	assert_output 3

	rm -rf rec out
	leak_run keep
	for f in out/p.json out/p.txt out/v.viol out/v.sum out/m.rev out/x.csv out/q.sql; do
		run -0 grep -l -e 'Zq[0-9][0-9]secret' "$f"
	done
	run -0 grep -c 'Tx[0-9][0-9]secret' out/x.csv
	assert_output 12
}

@test "hash: the same value shows the same keyed hash everywhere; another key, another hash" {
	leak_run hash
	run -1 grep -r -l -e 'Zq[0-9][0-9]secret' out
	# Zq07secret is in two records: the top value, counted twice.
	run -0 jq -c '.valueDistributions.ssn.topValues[0] | [.count, (.value | test("^[0-9a-f]{32}$"))]' out/p.json
	assert_output '[2,true]'
	h=$(jq -r '.valueDistributions.ssn.topValues[0].value' out/p.json)
	# Two pattern violations and the second record's uniqueness one.
	run -0 jq -r "select(.value == \"$h\") | .code" out/v.viol
	assert_output "PAT:ssn
PAT:ssn
UNIQ:ssn"
	DQ_PII_KEY=other run -0 dq profile -c c.json rec/n.out
	refute_output --partial "$h"
	unset DQ_PII_KEY
	run -2 dq profile -c c.json rec/n.out
	assert_output "dq-profile: contract: a field's pii is \"hash\" and the key's environment variable DQ_PII_KEY is not set"
}

@test "dq-profile --top 0 and --examples 0 show no values at all" {
	printf '{"a":"x1"}\n{"a":2}\n{"a":"x3"}\n' >in.ndjson
	run -0 dq profile --top 0 --examples 0 --sample 0 in.ndjson
	run -0 jq -c '[.valueDistributions.a.topValues, .typeFormatIssues.a.examples, .sampleData.rows]' <<<"$output"
	assert_output '[[],[],[]]'
	run -0 dq profile --top 0 --format text in.ndjson
	assert_line --index 2 --regexp '^a +string +100.0% +0 +3 +x1 +x3 +- +$'
	run -2 dq profile --top -1 in.ndjson
}

@test "dq-normalize steps mask, hash and drop, from the contract and as quick flags; no original kept for them" {
	printf '{"id":1,"ssn":" 123-45-6789 ","email":"A@X.org","tax":"T1","n":42}\n{"id":2,"ssn":"123-45-6789","email":"a@x.org","n":null}\n' >in.ndjson
	printf '{"fields":{"ssn":{"normalize":["trim","mask"]},"email":{"type":"email","normalize":["trim",{"email":{}},"hash"]},"tax":{"normalize":["drop"]}}}\n' >c.json
	h=$(hmac32 a@x.org)
	run -0 dq normalize -q --no-lineage --keep-original -c c.json in.ndjson
	assert_output "{\"id\":1,\"ssn\":\"[masked]\",\"email\":\"$h\",\"n\":42}
{\"id\":2,\"ssn\":\"[masked]\",\"email\":\"$h\",\"n\":null}"
	run -0 dq normalize -q --no-lineage --mask n --hash ssn --drop email,tax in.ndjson
	h=$(hmac32 123-45-6789)
	assert_output "{\"id\":1,\"ssn\":\"$h\",\"n\":\"[masked]\"}
{\"id\":2,\"ssn\":\"$h\",\"n\":null}"
	unset DQ_PII_KEY
	run -2 dq normalize -q --hash ssn in.ndjson
	assert_output "dq-normalize: field 'ssn': the hash step needs its key in the environment variable DQ_PII_KEY"
	run -2 dq normalize -q --drop a.b in.ndjson
	assert_output "dq-normalize: field 'a.b': the drop step removes a top-level field, not a path's member"
}

@test "hash before compare: dq-block and dq-score on the hashed field decide the same pairs as on the clear one" {
	dq gen -n 400 --seed 3 --dup-rate 0.3 >g.ndjson
	cat >c.json <<-'JSON'
	{"fields":{"email":{"type":"email"},"last_name":{"normalize":["collapse","null","title_name"]},"dob":{"type":"date"}},
	 "blocking":{"rules":{"e":{"key":"email:exact"},"ld":{"key":"last_name:exact,dob:exact"}}},
	 "compare":{"fields":{"email":{"comparator":"exact","weight":0.7},"last_name":{"comparator":"exact","weight":0.2},"dob":{"comparator":"exact","weight":0.2}}},
	 "thresholds":{"match":0.9,"review":0.5}}
	JSON
	printf '{"fields":{"email":{"normalize":["trim","null","email","hash"]},"last_name":{"normalize":["collapse","null","title_name","hash"]}}}\n' >h.json
	dq normalize -q -c c.json g.ndjson >clear.ndjson
	dq normalize -q -c c.json -c h.json g.ndjson >hashed.ndjson
	run -0 jq -r 'select(.email != null) | .email' hashed.ndjson
	assert_line --index 0 --regexp '^[0-9a-f]{32}$'
	for k in clear hashed; do
		dq block -q -c c.json "$k.ndjson" >"$k.pairs"
		dq score -q -c c.json "$k.pairs" >"$k.scored"
		jq -r '[.a.id, .b.id, ._dq.decision] | @tsv' "$k.scored" | sort >"$k.dec"
	done
	run -0 cmp clear.dec hashed.dec
	run -0 grep -c match clear.dec
	[ "$output" -gt 20 ]
}

@test "dq-profile --suggest marks fields that look sensitive as pii candidates, with the reason, and lists none of their values" {
	cards=(4111111111111111 "5500 0055 5555 5559" 340000000000009 4012888888881881 6011111111111117 4111111111111111)
	for i in 0 1 2 3 4 5; do
		printf '{"id":%d,"name":"N%d","ref":"%03d-%02d-%04d","card":"%s","account":%d%d3467384665746339,"birth_date":"19%02d-0%d-1%d","signup":"2020-0%d-1%d","email":"u%d@x.org","mobile_no":"555-01%02d","status":"%s"}\n' \
			$((i + 1)) $((i % 3)) $((100 + i)) $((10 + i)) $((1000 + i)) "${cards[$i]}" $((i + 1)) $i $((50 + i)) $((i + 1)) $i $((i + 1)) $i $i $i "$([ $((i % 2)) = 0 ] && echo a || echo b)"
	done >in.ndjson
	run -0 dq profile --suggest in.ndjson
	printf '%s\n' "$output" >sug.json
	run -0 jq -c '.fields | to_entries[] | [.key, .value.pii, .value.description, .value.enum, .value.min]' sug.json
	assert_output '["id",null,null,null,1]
["name",null,null,["N0","N1","N2"],null]
["ref","candidate","sensitive? its values look like US social security numbers",null,null]
["card","candidate","sensitive? its values are card numbers (Luhn check)",null,null]
["account",null,null,null,null]
["birth_date","candidate","sensitive? a date of birth",null,null]
["signup",null,null,null,"2020-01-10"]
["email","candidate","sensitive? its values are e-mail addresses",null,null]
["mobile_no","candidate","sensitive? its name says a phone number",null,null]
["status",null,null,["a","b"],null]'
	# The suggestion loads as it is; a candidate stays masked until confirmed.
	run -0 dq profile -c sug.json --top 1 in.ndjson
	run -0 jq -c '[.valueDistributions.ref.topValues[0].value, .valueDistributions.name.topValues[0].value]' <<<"$output"
	assert_output '["[masked]","N0"]'
	# A field the contract already marks keep is no candidate.
	printf '{"fields":{"email":{"pii":"keep"}}}\n' >keep.json
	run -0 dq profile -c keep.json --suggest in.ndjson
	run -0 jq -c '.fields.email' <<<"$output"
	assert_output '{"type":"email","required":true,"unique":true}'
}

@test "a sensitive value nested in an object (addr.city, items[].card) is masked where the object is shown: profile and dq-csv cells" {
	cd "$BATS_TEST_TMPDIR"
	printf '%s\n' \
		'{"id":1,"name":"Ann Lee","addr":{"city":"Oslo7nested","zip":"1"},"items":[{"card":"Card7nested"}]}' \
		'{"id":2,"name":"Ann Lee","addr":{"city":"Bergen7nested","zip":"2"},"items":[{"card":"Card8nested"}]}' >n.ndjson
	printf '{"fields":{"addr.city":{"pii":true},"items[].card":{"pii":true}}}' >c.json
	run -0 --separate-stderr dq profile -c c.json n.ndjson
	printf '%s\n' "$output" >p.json
	run -1 grep -c 'nested' p.json
	run -0 jq -c '.valueDistributions.addr.topValues[0].value' p.json
	assert_output --partial '"city":"[masked]"'
	run -0 --separate-stderr dq csv -c c.json n.ndjson
	refute_output --partial 'nested'
	assert_line --index 1 --partial '1,Ann Lee,"{""city"":""[masked]"",""zip"":""1""}","[{""card"":""[masked]""}]"'
	# The same in a review side of dq-merge is not reached here: review
	# sides go through dq_pii_mask_object (tests/unit/test_pii.c).
	# Without the marks the values are there (the test can see them).
	run -0 --separate-stderr dq csv n.ndjson
	assert_output --partial 'Oslo7nested'
}

@test "dq-profile --partial under a contract with sensitive fields keeps none of their values, and --merge gives the document of one run" {
	for i in 01 02 03 04 05 06 07 08 09 10 11 12; do
		printf '{"id":%d,"ssn":"Zq%ssecret","n":%d,"addr":{"city":"Ct%scity","zip":"%d"}}\n' \
			"$((10#$i))" "$i" "$((10#$i % 3))" "$i" "$((10#$i % 2))"
	done >in.ndjson
	head -n 5 in.ndjson >a.ndjson
	tail -n +6 in.ndjson >b.ndjson
	for pol in hash mask; do
		printf '{"fields":{"ssn":{"pii":"%s"},"addr.city":{"pii":true}}}\n' "$pol" >c.json
		dq profile -c c.json --partial a.ndjson >a.part
		dq profile -c c.json --partial b.ndjson >b.part
		# The test sees the values, and none is in a state.
		run -0 grep -c -e 'Zq[0-9][0-9]secret' -e 'Ct[0-9][0-9]city' in.ndjson
		assert_output 12
		run -1 grep -l -e 'Zq[0-9][0-9]secret' -e 'Ct[0-9][0-9]city' a.part b.part
		run -0 --separate-stderr dq profile -c c.json --merge a.part b.part
		printf '%s\n' "$output" >merged.json
		run -1 grep -c -e 'Zq[0-9][0-9]secret' -e 'Ct[0-9][0-9]city' merged.json
		run -0 --separate-stderr dq profile -c c.json in.ndjson
		printf '%s\n' "$output" >whole.json
		run -0 cmp merged.json whole.json
		run -0 --separate-stderr dq profile -c c.json --format text --merge a.part b.part
		printf '%s\n' "$output" >merged.txt
		run -0 --separate-stderr dq profile -c c.json --format text in.ndjson
		printf '%s\n' "$output" >whole.txt
		run -0 cmp merged.txt whole.txt
	done
	# What the document shows (mask): every value masked, counts kept.
	run -0 jq -c '[.valueDistributions.ssn.topValues[0], .boundsAnomalies.ssn.minString, .uniquenessOverview.ssn.distinct, .sampleData.rows[0]]' whole.json
	assert_output '[{"value":"[masked]","count":1,"share":0.0833333333333},"[masked]",12,[1,"[masked]",1,{"city":"[masked]","zip":"1"},"[masked]","1"]]'
	# Without a contract, the merged state is still shown masked.
	run -0 --separate-stderr dq profile --merge a.part b.part
	run -0 cmp - whole.json <<<"$output"
	# A state without the marks, or made with another key, is refused.
	dq profile --partial b.ndjson >raw.part
	run -2 dq profile -c c.json --merge a.part raw.part
	assert_output "dq-profile: raw.part: made with other sensitive fields or another key than a.part: their values cannot be merged"
	DQ_PII_KEY=other dq profile -c c.json --partial b.ndjson >other.part
	run -2 dq profile --merge a.part other.part
	assert_output "dq-profile: other.part: made with other sensitive fields or another key than a.part: their values cannot be merged"
	unset DQ_PII_KEY
	run -2 dq profile -c c.json --partial a.ndjson
	assert_output "dq-profile: --partial: the contract marks sensitive fields, whose values the state keeps as keyed hashes: set the key in DQ_PII_KEY"
}

@test "dq-sql -c masks sensitive fields in golden records, violation values and the profile payload; keep stores them; without -c nothing changes" {
	printf '%s\n' \
		'{"id":1,"ssn":"Zq01secret","name":"Ann","addr":{"city":"Ct01city","zip":"1"},"_dq":{"cluster":"c1","members":[1,2]}}' \
		'{"id":3,"ssn":"Zq03secret","name":"Bo","_dq":{"cluster":"c3","members":[3]}}' >g.ndjson
	printf '{"record_id":1,"line":1,"code":"PAT:ssn","field":"ssn","value":"Zq01secret","message":"does not match"}\n' >v.ndjson
	dq profile g.ndjson >p.json
	printf '{"fields":{"ssn":{"pii":"mask"},"addr.city":{"pii":"%s"}}}\n' hash >c.json
	h=$(hmac32 Ct01city)
	run -0 --separate-stderr dq sql -c c.json --run-id r1 --golden g.ndjson --violations v.ndjson --profile p.json
	printf '%s\n' "$output" >masked.sql
	run -1 grep -c -e 'Zq0[0-9]secret' -e 'Ct0[0-9]city' masked.sql
	run -0 grep -c -F "'{\"id\":1,\"ssn\":\"[masked]\",\"name\":\"Ann\",\"addr\":{\"city\":\"$h\",\"zip\":\"1\"}}'" masked.sql
	assert_output 1
	run -0 grep -c -F '"value":"[masked]"' masked.sql
	# The monitoring schema's violation rows and payload too.
	run -0 --separate-stderr dq sql -c c.json --schema monitoring --agency a --file f --run-date 2026-12-07 --run-hour 1 --violations v.ndjson --profile p.json
	refute_output --partial secret
	refute_output --partial Ct01city
	# keep, and no -c: the values are stored as they came.
	printf '{"fields":{"ssn":{"pii":"keep"},"addr.city":{"pii":"keep"}}}\n' >keep.json
	run -0 --separate-stderr dq sql -c keep.json --run-id r1 --golden g.ndjson --violations v.ndjson --profile p.json
	printf '%s\n' "$output" >keep.sql
	run -0 --separate-stderr dq sql --run-id r1 --golden g.ndjson --violations v.ndjson --profile p.json
	run -0 cmp - keep.sql <<<"$output"
	run -0 grep -c -F '"ssn":"Zq01secret","name":"Ann","addr":{"city":"Ct01city"' keep.sql
	assert_output 1
	run -2 dq sql -c missing.json --run-id r1
	assert_output "dq-sql: missing.json: No such file or directory"
}
