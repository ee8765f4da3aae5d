#!/usr/bin/env bats
# Nested, array-bearing records (Airtable-shaped: {"id", "fields": {...,
# "links": [...]}}) through normalize | validate | profile | block | score
# | merge, every program reading the same field paths (issue 18).  The
# expected outputs are worked out by hand in the comments.

load helpers

setup() {
	T=$BATS_TEST_TMPDIR
	cd "$T"
	cat >c.json <<-'J'
	{"fields":{"id":{"required":true,"unique":true},
	  "fields.email":{"type":"email"},
	  "fields.name":{"normalize":["trim","collapse"]},
	  "fields.links":{"min_items":1,"unique_items":true,"reference":{"file":"orgs.ndjson","key":"id"}}},
	 "blocking":{"rules":{"r1":{"key":"fields.email:exact"}}},
	 "compare":{"model":"weighted","fields":{"fields.name":{"comparator":"jaro_winkler","weight":0.5},
	  "fields.email":{"comparator":"email","weight":0.5}}},
	 "survivorship":{"default":"most_recent","timestamp":"fields.modified"}}
	J
	printf '%s\n' '{"id":"org1"}' '{"id":"org2"}' >orgs.ndjson
	printf '%s\n' '{"id":"rec1","fields":{"name":" Ann  Lee ","email":" ANN@X.ORG ","modified":"2024-01-01","links":["org1"]}}' \
		'{"id":"rec2","fields":{"name":"Ann Lee","email":"ann@x.org","modified":"2024-03-01","links":["org1","org2"]}}' \
		'{"id":"rec3","fields":{"name":"Bob","email":"bob@@y","modified":"2024-02-01","links":["org9","org9"]}}' \
		'{"id":"rec4","fields":{"name":"Cy","email":"cy@z.org","modified":"2024-02-02","links":[]}}' >in.ndjson
}

@test "an Airtable-shaped file through normalize, validate, profile, block, score and merge (issue 18)" {
	# normalize: rec1's nested name trimmed and collapsed, its e-mail
	# trimmed and lower-cased (type email); rec3's e-mail does not
	# parse: named in _dq.unparsed; every other byte as it came.
	run -0 --separate-stderr dq normalize -c c.json --no-lineage in.ndjson
	assert_output - <<-'O'
	{"id":"rec1","fields":{"name":"Ann Lee","email":"ann@x.org","modified":"2024-01-01","links":["org1"]}}
	{"id":"rec2","fields":{"name":"Ann Lee","email":"ann@x.org","modified":"2024-03-01","links":["org1","org2"]}}
	{"id":"rec3","fields":{"name":"Bob","email":"bob@@y","modified":"2024-02-01","links":["org9","org9"]},"_dq":{"unparsed":["fields.email"]}}
	{"id":"rec4","fields":{"name":"Cy","email":"cy@z.org","modified":"2024-02-02","links":[]}}
	O
	printf '%s\n' "$output" >n.ndjson
	# validate: rec3's e-mail (unparsed), its repeated link, each
	# unknown org by index; rec4's empty link list.  5 errors in 2
	# records.
	run -1 --separate-stderr dq validate -c c.json --violations v.ndjson n.ndjson
	assert_line --index 2 '{"id":"rec3","fields":{"name":"Bob","email":"bob@@y","modified":"2024-02-01","links":["org9","org9"]},"_dq":{"unparsed":["fields.email"],"violations":[{"code":"FMT:fields.email","field":"fields.email","severity":"error","message":"dq-normalize could not parse it as email","value":"bob@@y"},{"code":"ITEMS:fields.links","field":"fields.links","severity":"error","message":"an element is repeated","value":"org9"},{"code":"REF:fields.links","field":"fields.links[0]","severity":"error","message":"not found in column id of orgs.ndjson","value":"org9"},{"code":"REF:fields.links","field":"fields.links[1]","severity":"error","message":"not found in column id of orgs.ndjson","value":"org9"}]}}'
	assert_line --index 3 '{"id":"rec4","fields":{"name":"Cy","email":"cy@z.org","modified":"2024-02-02","links":[]},"_dq":{"violations":[{"code":"ITEMS:fields.links","field":"fields.links","severity":"error","message":"fewer than 1 elements","value":[]}]}}'
	run -0 jq -c '[.record_id, .code, .field]' v.ndjson
	assert_output - <<-'O'
	["rec3","FMT:fields.email","fields.email"]
	["rec3","ITEMS:fields.links","fields.links"]
	["rec3","REF:fields.links","fields.links[0]"]
	["rec3","REF:fields.links","fields.links[1]"]
	["rec4","ITEMS:fields.links","fields.links"]
	O
	# profile: the nested leaves are fields; 5 links in all (1+2+2+0),
	# 3 distinct; arrays of lengths 1, 2, 2, 0: mean 1.25.
	dq profile n.ndjson >p.json
	run -0 jq -c '.sampleData.columns, .completenessOverview["fields.links[]"].present,
		.uniquenessOverview["fields.links[]"].distinct, .statisticalSummary["fields.links"].arrayLength' p.json
	assert_output - <<-'O'
	["id","fields","fields.name","fields.email","fields.modified","fields.links","fields.links[]"]
	5
	3
	{"min":0,"mean":1.25,"max":2,"counts":{"0":1,"1":1,"2":2}}
	O
	# Two halves profiled apart and merged give the same figures,
	# nested fields and array lengths included.
	head -2 n.ndjson >a.nd
	tail -2 n.ndjson >b.nd
	dq profile --partial a.nd >pa.json
	dq profile --partial b.nd >pb.json
	dq profile --merge pa.json pb.json >m.json
	run -0 jq -cS 'del(.sampleData)' m.json
	merged=$output
	run -0 jq -cS 'del(.sampleData)' p.json
	[ "$output" = "$merged" ]
	run -0 jq -c '.statisticalSummary["fields.links"].arrayLength.counts' m.json
	assert_output '{"0":1,"1":1,"2":2}'
	# block on the nested e-mail: rec1 and rec2 only; score: both
	# nested fields equal, a match; merge: the most recent by
	# fields.modified (rec2) is the golden record, links and all.
	dq block -c c.json n.ndjson >pairs
	dq score -c c.json pairs >scored
	run -0 jq -c '[.a.id, .b.id, ._dq.score, ._dq.decision]' scored
	assert_output '["rec1","rec2",1,"match"]'
	run -0 --separate-stderr dq merge -c c.json --records n.ndjson scored
	assert_output - <<-'O'
	{"id":"rec2","fields":{"name":"Ann Lee","email":"ann@x.org","modified":"2024-03-01","links":["org1","org2"]},"_dq":{"cluster":"ccd422f304d9746d8","members":["rec1","rec2"],"provenance":{"id":"rec2","fields":"rec2"}}}
	{"id":"rec3","fields":{"name":"Bob","email":"bob@@y","modified":"2024-02-01","links":["org9","org9"]},"_dq":{"cluster":"cf41b7211b1373e0f","members":["rec3"],"provenance":{"id":"rec3","fields":"rec3"}}}
	{"id":"rec4","fields":{"name":"Cy","email":"cy@z.org","modified":"2024-02-02","links":[]},"_dq":{"cluster":"c5768b6126fb57095","members":["rec4"],"provenance":{"id":"rec4","fields":"rec4"}}}
	O
}

@test "rename from a field path moves the nested value to a top-level field; the rest byte for byte (issue 18)" {
	printf '%s\n' '{"id":1,"a":{"b":" X ","c":"q"}}' '{"id":2,"a":{"c":1, "b" : [1,2]}}' \
		'{"id":3,"a":{"b":{"z":1}}}' '{"id":4,"a.b":"flat","a":{"b":"nested"}}' \
		'{"id":5,"ab":"taken","a":{"b":"n"}}' '{"id":6,"f":{"g":{"h":" deep ","i":2}}}' >n.ndjson
	printf '{"rename":{"a.b":"ab","f.g.h":"h"},"fields":{"h":{"normalize":["trim"]}}}' >r.json
	run -0 --separate-stderr dq normalize --no-lineage -c r.json n.ndjson
	assert_output - <<'OUT'
{"id":1,"a":{"c":"q"},"ab":" X "}
{"id":2,"a":{"c":1},"ab":[1,2]}
{"id":3,"a":{},"ab":{"z":1}}
{"id":4,"ab":"flat","a":{"b":"nested"}}
{"id":5,"ab":"taken","a":{"b":"n"},"_dq":{"not_renamed":["a.b"]}}
{"id":6,"f":{"g":{"i":2}},"h":"deep"}
OUT
	# The same with the quick flag; a path with [] names many values.
	run -0 --separate-stderr dq normalize --no-lineage --rename f.g.h=h n.ndjson
	assert_line --index 5 '{"id":6,"f":{"g":{"i":2}},"h":" deep "}'
	run -2 dq normalize --rename 'a[]=x' n.ndjson
	assert_output --partial "--rename 'a[]': a path with [] names many values; rename moves one"
}
