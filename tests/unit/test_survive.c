/* Unit tests for lib/er/survive.c: contract loading and each rule on small
 * clusters, with exact golden fields, provenance, rules and ties. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "stream/json.h"
#include "er/survive.h"
#include "unit.h"

static struct dq_record R[4];
static struct dq_survive_out O;
static const char *ids[4] = { "\"a\"", "\"b\"", "\"c\"", "\"d\"" };
static const size_t idlen[4] = { 3, 3, 3, 3 };

/* Build from NDJSON lines (n of them) with the contract section text. */
static int
build(const char *section, const char *const *lines, size_t n)
{
	struct dq_survive s;
	struct dq_json_error e;
	cJSON *sec = section ? cJSON_Parse(section) : NULL;
	int rc = dq_survive_load(&s, sec);
	cJSON_Delete(sec);
	if (rc)
		return -1;
	for (size_t i = 0; i < n; i++)
		if (dq_json_scan(&R[i], lines[i], strlen(lines[i]), &e))
			return -2;
	dq_survive_build(&s, R, n, ids, idlen, &O);
	dq_survive_release(&s);
	return 0;
}

int
main(void)
{
	for (int i = 0; i < 4; i++)
		dq_record_init(&R[i]);
	dq_survive_out_init(&O);
	O.want_rules = 1;

	/* Loading: errors name the key. */
	UNIT_INT(build("{\"default\":\"newest\"}", NULL, 0), -1,
		 "unknown default rule");
	UNIT_INT(build("{\"fields\":{\"x\":{\"rule\":\"most_recent\"}}}",
		       NULL, 0),
		 -1, "most_recent without a timestamp");
	UNIT_INT(build("{\"fields\":{\"x\":{\"rule\":\"min\",\"into\":\"y\"}}}",
		       NULL, 0),
		 -1, "into only for union");
	UNIT_INT(build("{\"max_cluster_size\":1}", NULL, 0), -1,
		 "size cap below 2");
	UNIT_INT(build(NULL, NULL, 0), 0, "no section: all non_null");
	UNIT_STR(O.fields.buf, "", "no members: no fields");

	/* A singleton leaves as it came, _dq left out. */
	const char *one[] = { "{\"id\":\"a\",\"n\":1.50,\"_dq\":{\"row\":1},"
			      "\"s\":\"\\u00e9\"}" };
	build(NULL, one, 1);
	UNIT_STR(O.fields.buf, "\"id\":\"a\",\"n\":1.50,\"s\":\"\\u00e9\"",
		 "singleton byte for byte");
	UNIT_STR(O.prov.buf, "\"id\":\"a\",\"n\":\"a\",\"s\":\"a\"",
		 "singleton provenance");

	/* most_recent: epoch seconds against ISO with a zone; a missing
	 * timestamp ranks last; the newest value is null so it loses. */
	const char *mr[] = {
		"{\"v\":\"old\",\"t\":\"2020-01-01T00:00:00Z\"}",
		"{\"v\":\"new\",\"t\":1600000000}",
		"{\"v\":null,\"t\":\"2030-01-01\"}",
		"{\"v\":\"none\"}",
	};
	build("{\"timestamp\":\"t\",\"fields\":{\"v\":{\"rule\":"
	      "\"most_recent\"}}}",
	      mr, 4);
	/* 1600000000 is 2020-09-13: newer than 2020-01-01. */
	UNIT_STR(O.fields.buf,
		 "\"v\":\"new\",\"t\":\"2020-01-01T00:00:00Z\"",
		 "most_recent by epoch and ISO");
	UNIT_STR(O.prov.buf, "\"v\":\"b\",\"t\":\"a\"", "most_recent provenance");
	UNIT_STR(O.ties.buf, "\"t\"", "non_null t is a tie, v is not");

	/* +05:30 makes 10:00 local earlier than 05:00Z. */
	const char *tz[] = {
		"{\"v\":1,\"t\":\"2024-01-01T10:00:00+05:30\"}",
		"{\"v\":2,\"t\":\"2024-01-01T05:00:00Z\"}",
	};
	build("{\"default\":\"most_recent\",\"timestamp\":\"t\"}", tz, 2);
	UNIT_STR(O.fields.buf, "\"v\":2,\"t\":\"2024-01-01T05:00:00Z\"",
		 "zones taken into account");

	/* source_priority with an unlisted source. */
	const char *sp[] = {
		"{\"v\":\"x\",\"src\":\"web\"}",
		"{\"v\":\"y\",\"src\":\"crm\"}",
		"{\"v\":\"z\",\"src\":\"manual\"}",
	};
	build("{\"default\":\"source_priority\",\"source\":\"src\","
	      "\"source_priority\":[\"manual\",\"crm\"]}",
	      sp, 3);
	UNIT_STR(O.fields.buf, "\"v\":\"z\",\"src\":\"manual\"",
		 "source priority");

	/* longest counts code points; min over numbers keeps the text;
	 * max over text when nothing is numeric. */
	const char *lg[] = {
		"{\"s\":\"\\u00e9\\u00e9\\u00e9\",\"n\":\"10\",\"d\":\"2001-01-01\"}",
		"{\"s\":\"abcd\",\"n\":9.0,\"d\":\"1999-12-31\"}",
		"{\"s\":\"\\u00e9\\u00e9\\u00e9\\u00e9\",\"n\":\"x\",\"d\":\"2001-01-02\"}",
	};
	build("{\"fields\":{\"s\":{\"rule\":\"longest\"},\"n\":{\"rule\":"
	      "\"min\"},\"d\":{\"rule\":\"max\"}}}",
	      lg, 3);
	UNIT_STR(O.fields.buf,
		 "\"s\":\"abcd\",\"n\":9.0,\"d\":\"2001-01-02\"",
		 "longest (tie by order), min numeric, max text");
	UNIT_STR(O.ties.buf, "\"s\"", "longest tie reported");

	/* union with a primary and into; duplicates once. */
	const char *un[] = {
		"{\"e\":\"b@x\"}",
		"{\"e\":\"a@x\"}",
		"{\"e\":\"a@x\"}",
		"{\"e\":\"\"}",
	};
	build("{\"fields\":{\"e\":{\"rule\":\"union\",\"into\":\"es\"}}}", un,
	      4);
	UNIT_STR(O.fields.buf, "\"e\":\"a@x\",\"es\":[\"a@x\",\"b@x\"]",
		 "union: most frequent primary first");
	UNIT_STR(O.rules.buf, "\"e\":\"union\"", "rule named");
	UNIT_STR(O.prov.buf, "\"e\":\"b\",\"es\":\"b\"",
		 "union provenance, also under into");

	/* No valid value: the earliest empty one. */
	const char *em[] = { "{\"v\":\"\"}", "{\"v\":null}" };
	build("{\"default\":\"max\"}", em, 2);
	UNIT_STR(O.fields.buf, "\"v\":\"\"", "no valid value: earliest empty");

	/* Unparsed values (listed in _dq.unparsed) compete only when no
	 * member has a parsed one: the longest, the max and the union all
	 * pass over them; a field unparsed everywhere is still decided. */
	const char *up[] = {
		"{\"p\":\"555-0100 ext 99\",\"d\":\"2023-02-29\",\"q\":\"x1\","
		"\"_dq\":{\"row\":1,\"unparsed\":[\"p\",\"d\",\"q\"]}}",
		"{\"p\":\"+15125550100\",\"d\":\"2023-02-28\",\"q\":\"x22\","
		"\"_dq\":{\"unparsed\":[\"q\"]}}",
		"{\"p\":\"+15125550101\",\"d\":null,\"q\":null,"
		"\"_dq\":{\"unparsed\":[\"pp\",\"dd\"]}}",
	};
	build("{\"default\":\"longest\",\"fields\":{\"d\":{\"rule\":\"max\"},"
	      "\"p\":{\"rule\":\"union\",\"primary\":\"longest\"}}}",
	      up, 3);
	UNIT_STR(O.fields.buf,
		 "\"p\":[\"+15125550100\",\"+15125550101\"],"
		 "\"d\":\"2023-02-28\",\"q\":\"x22\"",
		 "parsed values win; union without the unparsed one; all "
		 "unparsed: ranked as usual");
	UNIT_STR(O.prov.buf, "\"p\":\"b\",\"d\":\"b\",\"q\":\"b\"",
		 "unparsed: provenance of the parsed winner");
	/* The same members without _dq: the unparsed text wins again. */
	const char *nu[] = { "{\"p\":\"555-0100 ext 99\"}",
			     "{\"p\":\"+15125550100\"}" };
	build("{\"default\":\"longest\"}", nu, 2);
	UNIT_STR(O.fields.buf, "\"p\":\"555-0100 ext 99\"",
		 "without _dq.unparsed the longest wins");

	for (int i = 0; i < 4; i++)
		dq_record_release(&R[i]);
	dq_survive_out_release(&O);
	return unit_done();
}
