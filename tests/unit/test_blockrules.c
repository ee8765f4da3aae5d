/* Unit tests for lib/er/blockrules.c: rules from --rule values and from
 * a contract (names, keys, guards, the errors), every rule's key of a
 * record, the display of a key, the pair's exact bytes, the largest and
 * skipped blocks, and the summary's figures. */
#include <stdlib.h>
#include <string.h>

#include "er/blockrules.h"
#include "er/blocks.h"
#include "unit.h"

#define S(lit) lit, sizeof(lit) - 1
#define MEM_IS(p, n, lit, what) UNIT_MEM(p, n, lit, sizeof(lit) - 1, what)

static char *
dup_key(void *arg)
{
	return dq_xstrdup(arg);
}

static int
load_json(struct dq_blockrules *rs, const char *json, int set_max)
{
	cJSON *c = cJSON_Parse(json);
	int rc = dq_blockrules_load(rs, c, NULL, 0, set_max);
	cJSON_Delete(c);
	return rc;
}

static void
test_load(void)
{
	struct dq_blockrules rs;
	char *cli[] = { "nd=last_name:soundex,dob:year", "email:lower",
			"x=y:first(2)" };

	dq_blockrules_init(&rs, 1000);
	UNIT_INT(dq_blockrules_load(&rs, NULL, cli, 3, 0), 0, "three --rule");
	UNIT_INT(rs.n, 3, "three rules");
	UNIT_STR(rs.r[0].name, "nd", "NAME= before the first ':'");
	UNIT_STR(rs.r[1].name, "r2", "unnamed: r and its position");
	UNIT_STR(rs.r[1].spec, "email:lower", "the key as written");
	UNIT_STR(rs.r[2].name, "x", "x=y:first(2) is named x");
	UNIT_INT(rs.r[2].max_block, 1000, "the run's guard");
	dq_blockrules_release(&rs);

	/* --rule values replace the contract's rules, but its max_block
	 * still applies unless --max-block was given. */
	dq_blockrules_init(&rs, 1000);
	cJSON *c = cJSON_Parse("{\"max_block\":7,\"rules\":{\"a\":"
			       "{\"key\":\"email:lower\"}}}");
	UNIT_INT(dq_blockrules_load(&rs, c, cli + 1, 1, 0), 0, "cli wins");
	UNIT_STR(rs.r[0].name, "r1", "the --rule, not the contract's a");
	UNIT_INT(rs.max_block, 7, "blocking.max_block");
	UNIT_INT(rs.r[0].max_block, 7, "given to the rule");
	cJSON_Delete(c);
	dq_blockrules_release(&rs);

	dq_blockrules_init(&rs, 1000);
	UNIT_INT(load_json(&rs, "{\"max_block\":9,\"rules\":{"
			   "\"nz\":{\"key\":[\"last_name:soundex\","
			   "\"zip:first(5)\"],\"max_block\":3},"
			   "\"e\":{\"key\":\"email:lower\"}}}", 0), 0,
		 "contract rules");
	UNIT_INT(rs.n, 2, "two");
	UNIT_STR(rs.r[0].spec, "last_name:soundex,zip:first(5)",
		 "a list of parts joined by ','");
	UNIT_INT(rs.r[0].max_block, 3, "the rule's own guard");
	UNIT_INT(rs.r[1].max_block, 9, "the section's guard");
	dq_blockrules_release(&rs);

	dq_blockrules_init(&rs, 20);
	UNIT_INT(load_json(&rs, "{\"max_block\":9,\"rules\":{\"e\":{\"key\":"
			   "\"email\",\"max_block\":1.5}}}", 1), 0,
		 "set_max: the contract's guards are not read");
	UNIT_INT(rs.r[0].max_block, 20, "--max-block's value");
	dq_blockrules_release(&rs);

	dq_blockrules_init(&rs, 1000);
	UNIT_INT(load_json(&rs, "{\"rules\":{\"e\":{\"key\":\"email\","
			   "\"max_block\":1.5}}}", 0), -1,
		 "max_block not an integer");
	dq_blockrules_release(&rs);
	dq_blockrules_init(&rs, 1000);
	UNIT_INT(load_json(&rs, "{\"max_block\":1,\"rules\":{}}", 0), -1,
		 "max_block below 2");
	dq_blockrules_release(&rs);
	dq_blockrules_init(&rs, 1000);
	UNIT_INT(load_json(&rs, "{\"rules\":{\"e\":{\"key\":[\"a\",1]}}}", 0),
		 -1, "a key list with a number");
	dq_blockrules_release(&rs);
	dq_blockrules_init(&rs, 1000);
	UNIT_INT(load_json(&rs, "{\"rules\":{\"e\":{\"key\":[]}}}", 0), -1,
		 "an empty key list");
	dq_blockrules_release(&rs);
	dq_blockrules_init(&rs, 1000);
	UNIT_INT(load_json(&rs, "{\"rules\":{}}", 0), -1, "no rules at all");
	dq_blockrules_release(&rs);
	dq_blockrules_init(&rs, 1000);
	UNIT_INT(dq_blockrules_add(&rs, "a", "x", 5, "t"), 0, "add a");
	UNIT_INT(dq_blockrules_add(&rs, "a", "y", 5, "t"), -1, "a again");
	UNIT_INT(dq_blockrules_add(&rs, "b", "x:nofunc", 5, "t"), -1,
		 "unknown function");
	UNIT_INT(dq_blockrules_add(&rs, "c", "name:words,year", 5, "t"), -1,
		 "a token function with another part");
	UNIT_INT(dq_blockrules_add(&rs, "d", "name:codes", 5, "t"), 0,
		 "a token rule");
	UNIT_INT(rs.r[1].tokens, 1, "marked as one");
	UNIT_INT(rs.r[0].tokens, 0, "an exact rule is not");
	UNIT_INT(dq_blockrules_any_tokens(&rs), 1, "the run has token rules");
	dq_blockrules_release(&rs);
	dq_blockrules_init(&rs, 1000);
	UNIT_INT(dq_blockrules_add(&rs, "a", "x", 5, "t"), 0, "add a");
	UNIT_INT(rs.n, 1, "neither added");
	for (int i = 1; i < DQ_BLOCKRULES_MAX; i++) {
		char nm[16];
		snprintf(nm, sizeof(nm), "r%d", i);
		dq_blockrules_add(&rs, nm, "x", 5, "t");
	}
	UNIT_INT(rs.n, DQ_BLOCKRULES_MAX, "full");
	UNIT_INT(dq_blockrules_add(&rs, "one more", "x", 5, "t"), -1,
		 "more than DQ_BLOCKRULES_MAX");
	dq_blockrules_release(&rs);
}

static void
test_keys(void)
{
	struct dq_blockrules rs;
	struct dq_blockrules_keyer k1, k2;
	char *cli[] = { "n=last_name:soundex,dob:year", "e=email:lower",
			"s=last_name:soundex" };
	struct dq_record rec;
	struct dq_json_error err;
	struct dq_buf text[3];
	uint64_t h[3];
	const char a[] = "{\"last_name\":\"Smith\",\"dob\":\"1970-02-03\","
			 "\"email\":\"A@B.com\"}";
	const char b[] = "{\"last_name\":\"Smyth\",\"email\":\"  \"}";
	char *d;

	dq_blockrules_init(&rs, 1000);
	UNIT_INT(dq_blockrules_load(&rs, NULL, cli, 3, 0), 0, "rules");
	UNIT_INT(dq_blockrules_index(&rs), 0, "indexed");
	dq_record_init(&rec);
	for (int r = 0; r < 3; r++)
		dq_buf_init(&text[r], 0);
	dq_json_scan(&rec, S(a), &err);
	/* Two keyers, as two threads have: each its own parts and counts,
	 * folded into the rules' figures at the end. */
	dq_blockrules_keyer_init(&k1, &rs);
	dq_blockrules_keyer_init(&k2, &rs);
	dq_blockrules_keys(&rs, &k1, &rec, h, text);
	MEM_IS(text[0].buf, text[0].len, "S530\x1f" "1970", "composite key");
	MEM_IS(text[1].buf, text[1].len, "a@b.com", "lower");
	UNIT_OK(h[0] == dq_blockrules_hash(S("S530\x1f" "1970")), "its hash");
	UNIT_OK(h[1] == dq_blockrules_hash(S("a@b.com")), "its hash");
	UNIT_OK(h[0] != h[2], "two keys, two hashes");
	dq_json_scan(&rec, S(b), &err);
	dq_blockrules_keys(&rs, &k2, &rec, h, NULL);
	UNIT_INT(h[0], 0, "no dob: no key");
	UNIT_INT(h[1], 0, "white space is missing");
	UNIT_OK(h[2] == dq_blockrules_hash(S("S530")), "Smyth is S530 too");
	UNIT_INT(k2.keyed[0] * 100 + k2.keyed[1] * 10 + k2.keyed[2], 1,
		 "a keyer counts its own records");
	UNIT_INT(rs.r[2].keyed, 0, "not yet in the figures");
	dq_blockrules_keyer_fold(&rs, &k1);
	dq_blockrules_keyer_fold(&rs, &k2);
	UNIT_INT(rs.r[0].keyed * 100 + rs.r[1].keyed * 10 + rs.r[2].keyed,
		 112, "records keyed per rule");
	UNIT_OK(dq_blockrules_hash(S("")) != 0, "0 is never a hash");

	d = dq_blockrules_display(S("S530\x1f" "1970\x1f"));
	UNIT_STR(d, "S530|1970|", "parts joined by '|'");
	free(d);
	for (int r = 0; r < 3; r++)
		dq_buf_release(&text[r]);
	dq_record_release(&rec);
	dq_blockrules_release(&rs);
}

static void
test_pair(void)
{
	struct dq_blockrules rs;
	struct dq_buf out = DQ_BUF_INIT;
	uint64_t ka[3] = { 5, 7, 9 }, kb[3] = { 6, 7, 9 }, kc[3] = { 5, 0, 0 };

	dq_blockrules_init(&rs, 10);
	dq_blockrules_add(&rs, "a", "x", 10, "t");
	dq_blockrules_add(&rs, "b\"q", "y", 10, "t");
	dq_blockrules_add(&rs, "c", "z", 10, "t");
	dq_blockrules_write_pair(&rs, &out, S("{\"id\":1}"), S("{\"id\":2}"),
				 1, ka, kb, 0, NULL, 0);
	MEM_IS(out.buf, out.len,
	       "{\"a\":{\"id\":1},\"b\":{\"id\":2},\"_dq\":{\"rules\":"
	       "[\"b\\\"q\",\"c\"]}}", "its rule, then later rules agreeing");
	dq_buf_reset(&out);
	dq_blockrules_write_pair(&rs, &out, S("{}"), S("{}"), 0, ka, kc, 0,
				 NULL, 1);
	MEM_IS(out.buf, out.len,
	       "{\"a\":{},\"b\":{},\"_dq\":{\"rules\":[\"a\"],\"slim\":true}}",
	       "keys of 0 never agree; slim marked");
	dq_buf_reset(&out);
	{
		const unsigned src[2] = { 1, 12 };
		dq_blockrules_write_pair(&rs, &out, S("{}"), S("{}"), 0, ka,
					 kc, 0, src, 1);
	}
	MEM_IS(out.buf, out.len,
	       "{\"a\":{},\"b\":{},\"_dq\":{\"rules\":[\"a\"],"
	       "\"sources\":[1,12],\"slim\":true}}",
	       "a link of more than two files: the sources, before slim");
	dq_buf_reset(&out);
	dq_blockrules_write_pair(&rs, &out, S("{}"), S("{}"), 0, ka, kc, 4,
				 NULL, 0);
	MEM_IS(out.buf, out.len,
	       "{\"a\":{},\"b\":{},\"_dq\":{\"rules\":[\"a\",\"c\"]}}",
	       "a token rule that agrees (bit 2 of also) is listed");
	dq_buf_release(&out);
	dq_blockrules_release(&rs);
}

static void
test_figures(void)
{
	struct dq_blockrules rs;
	uint64_t nsrc[2] = { 3, 4 };
	char key[16];
	cJSON *x;
	char *s;
	int shown = 0;
	static const char head[] =
		"{\"records\":7,\"max_block\":2,\"pairs\":5,"
		"\"possible_pairs\":12,\"reduction_ratio\":0.58333333333333326,"
		"\"rules\":[{\"name\":\"a\",\"key\":\"x\",\"max_block\":2,"
		"\"keyed\":0,\"blocks\":0,\"pairs\":2,\"found\":0,"
		"\"skipped_blocks\":0,\"skipped_records\":0},";

	dq_blockrules_init(&rs, 2);
	dq_blockrules_add(&rs, "a", "x", 2, "t");
	dq_blockrules_add(&rs, "b", "y", 3, "t");
	for (int i = 0; i < 12; i++) {
		snprintf(key, sizeof(key), "k%d", i);
		dq_blockrules_note_block(&rs, (size_t)i % 2, (uint64_t)i + 2,
					 i > 8, dup_key, key);
	}
	UNIT_INT(rs.ntop, DQ_BLOCKRULES_TOP, "ten largest kept");
	UNIT_STR(rs.top[0].key, "k11", "largest first");
	UNIT_INT(rs.top[9].size, 4, "the two smallest dropped");
	snprintf(key, sizeof(key), "small");
	dq_blockrules_note_block(&rs, 0, 4, 0, dup_key, key);
	UNIT_STR(rs.top[9].key, "k2", "a tie does not displace");
	for (int i = 0; i < 105; i++) {
		snprintf(key, sizeof(key), "s%d", i);
		shown += dq_blockrules_note_skip(&rs, 1, 4, dup_key, key) !=
			 NULL;
	}
	UNIT_INT(shown, DQ_BLOCKRULES_SHOW, "the first ten shown");
	UNIT_INT(rs.nskips, DQ_BLOCKRULES_KEEP, "a hundred kept");
	UNIT_INT(rs.nskips_all, 105, "all counted");
	UNIT_INT(rs.r[1].skipped * 1000 + rs.r[1].skipped_records, 105420,
		 "rule b: 105 blocks of 420 records");
	rs.r[0].pairs = 2;
	rs.r[1].pairs = 3;
	UNIT_INT(dq_blockrules_pairs(&rs), 5, "pairs of all rules");

	x = dq_blockrules_figures(&rs, 7, nsrc, 2, DQ_BLOCKS_LINK, 0);
	s = cJSON_PrintUnformatted(cJSON_GetObjectItem(x, "blocking"));
	UNIT_OK(!strncmp(s, head, strlen(head)), "link: 3 x 4 possible pairs");
	UNIT_OK(strstr(s, "\"largest_blocks\":[{\"rule\":\"b\",\"key\":\"k11\","
			  "\"size\":13,\"skipped\":true},") != NULL,
		"the largest block first");
	cJSON_free(s);
	cJSON_Delete(x);
	x = dq_blockrules_figures(&rs, 7, nsrc, 2, DQ_BLOCKS_INCREMENTAL, 0);
	UNIT_INT(cJSON_GetObjectItem(cJSON_GetObjectItem(x, "blocking"),
				     "possible_pairs")->valuedouble,
		 18, "incremental: 3 x 4 + 4 x 3 / 2");
	cJSON_Delete(x);
	{
		/* Three files of 3, 4 and 5 records: 3*4 + 3*5 + 4*5. */
		uint64_t three[3] = { 3, 4, 5 };
		x = dq_blockrules_figures(&rs, 12, three, 3, DQ_BLOCKS_LINK,
					  0);
		UNIT_INT(cJSON_GetObjectItem(cJSON_GetObjectItem(x,
								 "blocking"),
					     "possible_pairs")->valuedouble,
			 47, "a link of three: pairs across any two files");
		cJSON_Delete(x);
	}
	x = dq_blockrules_figures(&rs, 7, nsrc, 2, DQ_BLOCKS_DEDUPE, 1);
	s = cJSON_PrintUnformatted(cJSON_GetObjectItem(x, "blocking"));
	UNIT_OK(strstr(s, "\"possible_pairs\":null,\"reduction_ratio\":null")
			&& !strstr(s, "keyed"),
		"from keys: no possible pairs, no keyed records");
	cJSON_free(s);
	cJSON_Delete(x);
	dq_blockrules_release(&rs);
}

int
main(void)
{
	test_load();
	test_keys();
	test_pair();
	test_figures();
	return unit_done();
}
