/* Unit tests for lib/norm/steps.c: step lists read from a contract's
 * field, from a quick flag and from the "normalize" section, run over
 * one member of a record, with the exact record that comes out. */
#include <string.h>

#include <cjson/cJSON.h>

#include "norm/steps.h"
#include "unit.h"

/*
 * Run the steps of field spec (contract JSON of one field) over member 0
 * of the record line; check the return code and the record written.
 */
static void
check(struct dq_steps *set, const char *spec, const char *line, int want_rc,
      const char *want, const char *what)
{
	struct dq_step_list l = { 0 };
	struct dq_steps_scratch w = { 0 };
	struct dq_json_error err;
	struct dq_record r;
	struct dq_buf out = DQ_BUF_INIT;
	cJSON *fs = cJSON_Parse(spec);

	dq_record_init(&r);
	UNIT_INT(dq_steps_from_field(set, fs, "t", &l), 0, what);
	UNIT_INT(dq_json_scan(&r, line, strlen(line), &err), 0, what);
	UNIT_INT(dq_steps_run(set, l.v, l.n, &w, &r, 0), want_rc, what);
	dq_record_write(&r, NULL, 0, &out);
	dq_buf_addch(&out, '\0');
	UNIT_STR(out.buf, want, what);
	dq_buf_release(&out);
	dq_record_release(&r);
	dq_steps_scratch_release(&w);
	dq_step_list_release(&l);
	cJSON_Delete(fs);
}

static void
test_run(void)
{
	struct dq_steps set;

	dq_steps_init(&set);
	check(&set, "{\"type\":\"email\"}", "{\"e\":\"  Ann@X.ORG \"}", 1,
	      "{\"e\":\"ann@x.org\"}", "email type: trim, null, email");
	check(&set, "{\"type\":\"email\"}", "{\"e\":\" N/A \"}", 1,
	      "{\"e\":null}", "a null token becomes null");
	check(&set, "{\"type\":\"email\"}", "{\"e\":\"\"}", 1, "{\"e\":null}",
	      "the empty string is a null token");
	check(&set, "{\"type\":\"email\"}", "{\"e\":\"not an address\"}", -1,
	      "{\"e\":\"not an address\"}", "unparsed: -1, value kept");
	check(&set, "{\"type\":\"email\"}", "{\"e\":\"a@b.org\"}", 0,
	      "{\"e\":\"a@b.org\"}", "already clean: unchanged, 0");
	check(&set, "{\"type\":\"number\"}", "{\"n\":\"$1,234.50\"}", 1,
	      "{\"n\":1234.50}", "number: a string becomes a JSON number");
	check(&set, "{\"type\":\"boolean\"}", "{\"b\":1}", 1, "{\"b\":true}",
	      "boolean from a JSON number");
	check(&set, "{\"type\":\"boolean\"}", "{\"b\":[1]}", 0, "{\"b\":[1]}",
	      "an array is left alone");
	check(&set, "{\"normalize\":[\"trim\",{\"phone\":\"GB\"}]}",
	      "{\"p\":\" 020 7946 0958 \"}", 1, "{\"p\":\"+442079460958\"}",
	      "trim, then phone with a region shorthand");
	check(&set, "{\"type\":\"phone\",\"region\":\"GB\"}",
	      "{\"p\":\"020 7946 0958 x12\"}", 1,
	      "{\"p\":\"+442079460958;ext=12\"}", "the field's region; ext kept");
	check(&set,
	      "{\"normalize\":[{\"phone\":{\"region\":\"GB\","
	      "\"extension\":\"drop\"}}]}",
	      "{\"p\":\"020 7946 0958 x12\"}", 1, "{\"p\":\"+442079460958\"}",
	      "extension dropped");
	check(&set, "{\"normalize\":[{\"date\":\"dmy\"}]}",
	      "{\"d\":\"12/03/2004\"}", 1, "{\"d\":\"2004-03-12\"}",
	      "date, day first");
	check(&set, "{\"normalize\":\"upper\"}", "{\"s\":\"ca\\u00e9\"}", 1,
	      "{\"s\":\"CA\xc3\x89\"}", "one bare step; escapes read");
	check(&set, "{\"normalize\":[\"us_state\",\"lower\"]}",
	      "{\"s\":\"California\"}", 1, "{\"s\":\"ca\"}",
	      "steps apply in order");
	check(&set, "{\"normalize\":[\"zip\"]}", "{\"z\":2134}", 1,
	      "{\"z\":\"02134\"}", "a ZIP written as a number");
	check(&set, "{\"normalize\":[{\"zip\":{\"state\":\"st\"}}]}",
	      "{\"z\":\"2134\",\"st\":\"California\"}", -1,
	      "{\"z\":\"2134\",\"st\":\"California\"}",
	      "zip: a padded ZIP outside the record's state is unparsed");
	check(&set, "{\"normalize\":[{\"zip\":{\"state\":\"st\"}}]}",
	      "{\"z\":2134,\"st\":\" ma \"}", 1,
	      "{\"z\":\"02134\",\"st\":\" ma \"}",
	      "zip: the state read as dq_us_state_code reads it");
	check(&set, "{\"normalize\":[{\"zip\":{\"state\":\"st\"}}]}",
	      "{\"z\":\"2134\",\"st\":\" n/a \"}", 1,
	      "{\"z\":\"02134\",\"st\":\" n/a \"}",
	      "zip: a null token is no state");
	check(&set, "{\"normalize\":[{\"zip\":{\"state\":\"st\"}}]}",
	      "{\"z\":\"2134\",\"st\":7}", 1,
	      "{\"z\":\"02134\",\"st\":7}",
	      "zip: a number is no US state: padded as without one");
	check(&set, "{\"normalize\":[{\"zip\":{\"state\":\"st\"}}]}",
	      "{\"z\":\"4300\",\"st\":\"Sachsen\"}", 1,
	      "{\"z\":\"04300\",\"st\":\"Sachsen\"}",
	      "zip: a state the USPS table does not know says nothing");
	check(&set, "{\"normalize\":[{\"zip\":{\"state\":\"st\"}}]}",
	      "{\"z\":\"7330\",\"st\":\"tex\\u0061s\"}", -1,
	      "{\"z\":\"7330\",\"st\":\"tex\\u0061s\"}",
	      "zip: an escaped state is read unescaped");
	check(&set, "{\"normalize\":[{\"zip\":{\"state\":\"st\"}}]}",
	      "{\"z\":\"2134\",\"st\":null}", 1,
	      "{\"z\":\"02134\",\"st\":null}", "zip: null is no state");
	check(&set, "{\"normalize\":[\"digits\"]}", "{\"z\":\"a1-2 3\"}", 1,
	      "{\"z\":\"123\"}", "digits");
	check(&set, "{\"normalize\":[]}", "{\"z\":\" x \"}", 0,
	      "{\"z\":\" x \"}", "no steps: unchanged");
	dq_steps_release(&set);
}

/* Null tokens that are names (Na, Nil) stay in a name field: one whose
 * steps include title_name; the other tokens and fields are as before. */
static void
test_names(void)
{
	static const char name[] =
		"{\"normalize\":[\"collapse\",\"null\",\"title_name\"]}";
	static const char text[] = "{\"normalize\":[\"collapse\",\"null\"]}";
	struct dq_steps set;
	struct dq_step_list l = { 0 };
	int drop = 0, keep = 0;
	cJSON *sec, *fs;

	dq_steps_init(&set);
	UNIT_INT(set.nkeep, 2, "two tokens kept in names by default");
	check(&set, name, "{\"n\":\"Na\"}", 0, "{\"n\":\"Na\"}",
	      "surname Na kept");
	check(&set, name, "{\"n\":\" Nil \"}", 1, "{\"n\":\"Nil\"}",
	      "given name Nil kept (and trimmed)");
	check(&set, name, "{\"n\":\"NA\"}", 1, "{\"n\":null}",
	      "NA in capitals is a placeholder in a name field too");
	check(&set, name, "{\"n\":\"nil\"}", 1, "{\"n\":null}",
	      "nil in lower case is a placeholder in a name field too");
	check(&set, name, "{\"n\":\"N/A\"}", 1, "{\"n\":null}",
	      "n/a is still null in a name field");
	check(&set, name, "{\"n\":\"null\"}", 1, "{\"n\":null}",
	      "null is still null in a name field");
	check(&set, text, "{\"n\":\"na\"}", 1, "{\"n\":null}",
	      "na is null in a field that is not a name");
	check(&set, "{\"normalize\":[\"title_name\",\"null\"]}",
	      "{\"n\":\"NIL\"}", 1, "{\"n\":\"Nil\"}",
	      "title_name before null: still a name field");

	fs = cJSON_Parse(text);
	UNIT_INT(dq_steps_from_field(&set, fs, "t", &l), 0, "text field");
	UNIT_INT(l.n == 2 && !l.v[1].name_field, 1, "text: null not marked");
	UNIT_INT(dq_step_list_has(&l, DQ_STEP_NAME), 0, "no title_name");
	UNIT_INT(dq_step_list_has(&l, DQ_STEP_NULL), 1, "a null step");
	dq_step_list_names(&l);
	UNIT_INT(l.n == 2 && l.v[1].name_field && !l.v[0].name_field, 1,
		 "marked: the null step only");
	dq_step_list_release(&l);
	cJSON_Delete(fs);

	/* The contract asks for na and nil on names too. */
	sec = cJSON_Parse("{\"names_keep\":[]}");
	UNIT_INT(dq_steps_load_section(&set, sec, &drop, &keep), 0,
		 "names_keep []");
	UNIT_INT(set.nkeep, 0, "names_keep emptied");
	cJSON_Delete(sec);
	check(&set, name, "{\"n\":\"Na\"}", 1, "{\"n\":null}",
	      "names_keep []: Na is null");
	sec = cJSON_Parse("{\"names_keep\":[\"NA\",\"Na\"],"
			  "\"null_tokens\":[\"none\",\"na\"]}");
	UNIT_INT(dq_steps_load_section(&set, sec, &drop, &keep), 0,
		 "names_keep and null_tokens");
	cJSON_Delete(sec);
	check(&set, name, "{\"n\":\"NA\"}", 1, "{\"n\":\"Na\"}",
	      "a file in capitals keeps NA by listing it");
	check(&set, name, "{\"n\":\"na\"}", 1, "{\"n\":null}",
	      "names_keep is compared by case");
	check(&set, name, "{\"n\":\"Nil\"}", 0, "{\"n\":\"Nil\"}",
	      "nil no longer a null token at all");
	sec = cJSON_Parse("{\"names_keep\":\"na\"}");
	UNIT_INT(dq_steps_load_section(&set, sec, &drop, &keep), -1,
		 "names_keep must be a list");
	cJSON_Delete(sec);
	sec = cJSON_Parse("{\"names_keep\":[1]}");
	UNIT_INT(dq_steps_load_section(&set, sec, &drop, &keep), -1,
		 "names_keep must be strings");
	cJSON_Delete(sec);
	dq_steps_release(&set);
}

static void
test_config(void)
{
	struct dq_steps set;
	struct dq_step_list l = { 0 };
	int drop = 0, keep = 0;
	cJSON *sec, *fs;

	dq_steps_init(&set);
	UNIT_INT(set.nnull, 8, "eight default null tokens");
	UNIT_STR(set.region, "US", "default region");
	UNIT_INT(dq_step_kind("title_name"), DQ_STEP_NAME, "title_name");
	UNIT_INT(dq_step_kind("name"), DQ_STEP_NAME, "alias name");
	UNIT_INT(dq_step_kind("bool"), DQ_STEP_BOOL, "alias bool");
	UNIT_INT(dq_step_kind("state"), DQ_STEP_STATE, "alias state");
	UNIT_INT(dq_step_kind(""), -1, "empty name");
	UNIT_INT(dq_step_kind("Trim"), -1, "names are case-sensitive");
	UNIT_STR(dq_step_name(DQ_STEP_BOOL), "boolean", "contract name");

	UNIT_INT(dq_steps_quick(&set, "phone", "GB", &l), 0, "--phone F:GB");
	UNIT_INT(l.n, 3, "trim, null, phone");
	if (l.n != 3)
		return;
	UNIT_INT(l.v[0].kind, DQ_STEP_TRIM, "trim first");
	UNIT_INT(l.v[1].kind, DQ_STEP_NULL, "then null");
	UNIT_STR(l.v[2].region, "GB", "the flag's region");
	UNIT_INT(dq_steps_quick(&set, "lower", NULL, &l), 0, "--lower F");
	UNIT_INT(l.n, 4, "lower comes alone");
	UNIT_INT(dq_steps_quick(&set, "date", "xyz", &l), -1, "bad order");
	UNIT_INT(dq_steps_quick(&set, "phone", "ZZ", &l), -1, "bad region");
	UNIT_INT(l.n, 4, "nothing added on an error");
	dq_step_list_release(&l);

	UNIT_INT(dq_steps_quick(&set, "zip", NULL, &l), 0, "--zip F");
	fs = cJSON_Parse("{\"normalize\":[{\"zip\":{\"state\":\"own\"}},"
			 "{\"zip\":{\"state\":false}}]}");
	UNIT_INT(dq_steps_from_field(&set, fs, "t", &l), 0, "zip options");
	dq_step_list_zip_state(&l, "st");
	UNIT_INT(l.n, 5, "trim, null, zip, zip, zip");
	if (l.n == 5) {
		UNIT_STR(l.v[2].zip_state, "st", "the run's state field");
		UNIT_STR(l.v[3].zip_state, "own", "a step's own kept");
		UNIT_OK(!l.v[4].zip_state, "state false: none");
		UNIT_OK(!l.v[1].zip_state, "not a zip step");
	}
	cJSON_Delete(fs);
	dq_step_list_release(&l);

	sec = cJSON_Parse("{\"null_tokens\":[\"x\"],\"region\":\"GB\","
			  "\"unknown_fields\":\"drop\",\"keep_original\":true,"
			  "\"particles\":[\"de\"]}");
	UNIT_INT(dq_steps_load_section(&set, sec, &drop, &keep), 0, "section");
	UNIT_INT(set.nnull, 1, "null tokens replaced");
	UNIT_STR(set.region, "GB", "section region");
	UNIT_OK(drop && keep, "drop unknown, keep original");
	UNIT_STR(set.name_opts.particles[0], "de", "particles");
	UNIT_OK(!set.name_opts.particles[1], "particles NULL-ended");
	cJSON_Delete(sec);
	fs = cJSON_Parse("{\"type\":\"phone\"}");
	UNIT_INT(dq_steps_from_field(&set, fs, "t", &l), 0, "phone type");
	UNIT_INT(l.n, 3, "phone type: three steps");
	UNIT_STR(l.n == 3 ? l.v[2].region : NULL, "GB", "the section's region is the default");
	cJSON_Delete(fs);
	dq_step_list_release(&l);
	sec = cJSON_Parse("{\"shout\":1}");
	UNIT_INT(dq_steps_load_section(&set, sec, &drop, &keep), -1,
		 "unknown section key");
	cJSON_Delete(sec);

	static const char *const bad[] = {
		"{\"normalize\":[\"bogus\"]}",
		"{\"normalize\":[1]}",
		"{\"normalize\":{\"trim\":1}}",
		"{\"normalize\":[{\"trim\":{\"x\":1}}]}",
		"{\"normalize\":[{\"date\":{\"epoch\":\"h\"}}]}",
		"{\"normalize\":[{\"zip\":{\"restore_zeros\":1}}]}",
		"{\"normalize\":[{\"zip\":{\"state\":true}}]}",
		"{\"normalize\":[{\"zip\":{\"state\":\"\"}}]}",
		"{\"type\":7}",
		"{\"type\":\"phone\",\"region\":\"ZZ\"}",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++) {
		fs = cJSON_Parse(bad[i]);
		UNIT_INT(dq_steps_from_field(&set, fs, "t", &l), -1, bad[i]);
		cJSON_Delete(fs);
	}
	dq_step_list_release(&l);
	dq_steps_release(&set);
}

/* The map step: listed values replaced (by any JSON scalar), others kept
 * with their kind; the value seen is the one the steps before produced. */
static void
test_map(void)
{
	struct dq_steps set;
	const char *m = "{\"normalize\":[\"trim\",\"lower\",{\"map\":"
			"{\"actv\":\"active\",\"?\":null,\"1\":true,"
			"\"x\":2.50}}]}";

	dq_steps_init(&set);
	check(&set, m, "{\"s\":\" Actv \"}", 1, "{\"s\":\"active\"}",
	      "map after trim and lower");
	check(&set, m, "{\"s\":\"?\"}", 1, "{\"s\":null}", "map to null");
	check(&set, m, "{\"s\":1}", 1, "{\"s\":true}",
	      "a JSON number is matched by its text");
	check(&set, m, "{\"s\":\"X\"}", 1, "{\"s\":2.5}",
	      "map to a number");
	check(&set, m, "{\"s\":7}", 0, "{\"s\":7}",
	      "a number not listed stays a number");
	check(&set, m, "{\"s\":\"ACTIVE\"}", 1, "{\"s\":\"active\"}",
	      "a value not listed keeps the earlier steps' work");
	check(&set, m, "{\"s\":\"actv2\"}", 0, "{\"s\":\"actv2\"}",
	      "whole values only");

	const char *bad[] = {
		"{\"normalize\":[\"map\"]}",
		"{\"normalize\":[{\"map\":{}}]}",
		"{\"normalize\":[{\"map\":{\"a\":[1]}}]}",
		"{\"normalize\":[{\"map\":\"a\"}]}",
	};
	struct dq_step_list l = { 0 };
	for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++) {
		cJSON *fs = cJSON_Parse(bad[i]);
		UNIT_INT(dq_steps_from_field(&set, fs, "t", &l), -1, bad[i]);
		cJSON_Delete(fs);
	}
	dq_step_list_release(&l);
	dq_steps_release(&set);
}

int
main(void)
{
	test_run();
	test_map();
	test_names();
	test_config();
	return unit_done();
}
