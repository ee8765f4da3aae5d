/* Unit tests for lib/contract/pii.c: which fields a contract marks (own
 * policy, parent path, globs in order), the shown forms, and the errors. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/sha256.h"
#include "contract/pii.h"
#include "contract_fixture.h"
#include "unit.h"

/* Load contract text json into p: 0 or -1. */
static int
load(struct dq_pii *p, const char *json)
{
	struct dq_contract c;
	int rc;

	dq_pii_init(p);
	rc = fixture_contract(&c, json);
	if (!rc)
		rc = dq_pii_load(p, &c);
	dq_contract_release(&c);
	return rc;
}

static enum dq_pii_policy
pol(const struct dq_pii *p, const char *name)
{
	return dq_pii_policy(p, name, strlen(name));
}

static struct dq_buf b = DQ_BUF_INIT;

static const char *
json(const struct dq_pii *p, enum dq_pii_policy k, const char *raw)
{
	dq_buf_reset(&b);
	dq_pii_render_json(p, k, raw, strlen(raw), &b);
	return b.buf;
}

/* dq_pii_mask_object at depth: a policy on a nested path masks that
 * value inside a top-level member, and nothing else changes. */
static void
test_mask_nested(void)
{
	struct dq_pii p;
	struct dq_buf o = DQ_BUF_INIT;
	const char *rec = "{\"id\":1,\"addr\":{\"city\":\"Oslo\",\"zip\":\"0150\"},"
			  "\"tags\":[{\"card\":\"4111\"},{\"card\":null}],"
			  "\"a.b\":{\"c\":\"x\"}}";

	UNIT_INT(load(&p, "{\"fields\":{\"addr.city\":{\"pii\":true},"
			  "\"tags[].card\":{\"pii\":true},"
			  "\"a\\\\.b.c\":{\"pii\":true}}}"),
		 0, "nested: load");
	dq_pii_use(&p);
	UNIT_INT((long)dq_pii_mask_object(rec, strlen(rec), &o), 3,
		 "nested: three values masked");
	UNIT_STR(o.buf,
		 "{\"id\":1,\"addr\":{\"city\":\"[masked]\",\"zip\":\"0150\"},"
		 "\"tags\":[{\"card\":\"[masked]\"},{\"card\":null}],"
		 "\"a.b\":{\"c\":\"[masked]\"}}",
		 "nested: city, each card and a key with a dot; null stays");
	dq_buf_reset(&o);
	const char *plain = "{\"id\":2,\"addr\": {\"zip\":\"1\"}}";
	UNIT_INT((long)dq_pii_mask_object(plain, strlen(plain), &o), 0,
		 "nested: nothing sensitive");
	UNIT_STR(o.buf, plain, "nested: bytes unchanged when nothing masked");
	dq_pii_use(NULL);
	dq_pii_release(&p);
	dq_buf_release(&o);
}

int
main(void)
{
	struct dq_pii p;
	unsigned char d[DQ_SHA256_LEN];
	char want[40];
	size_t n;
	const char *s;

	setenv("DQ_PII_KEY", "k3y", 1);
	UNIT_INT(load(&p, "{\"fields\":{\"ssn\":{\"pii\":true},"
			  "\"addr\":{\"pii\":\"hash\"},"
			  "\"name_ssn\":{\"pii\":\"keep\"},"
			  "\"email\":{\"type\":\"email\"}},"
			  "\"pii\":{\"names\":{\"*ssn*\":\"drop\","
			  "\"*\":\"keep\"}}}"),
		 0, "load: fields and globs");
	UNIT_INT(pol(&p, "ssn"), DQ_PII_MASK, "own policy: true is mask");
	UNIT_INT(pol(&p, "addr"), DQ_PII_HASH, "own policy: hash");
	UNIT_INT(pol(&p, "addr.city"), DQ_PII_HASH, "a parent covers a member");
	UNIT_INT(pol(&p, "addr[]"), DQ_PII_HASH, "a parent covers elements");
	UNIT_INT(pol(&p, "address"), DQ_PII_KEEP,
		 "a longer name is not a member (the * glob's keep)");
	UNIT_INT(pol(&p, "name_ssn"), DQ_PII_KEEP, "own policy beats a glob");
	UNIT_INT(pol(&p, "old_ssn_2"), DQ_PII_DROP, "the first glob that matches");
	UNIT_INT(pol(&p, "email"), DQ_PII_KEEP, "the second glob");

	UNIT_STR(json(&p, DQ_PII_MASK, "\"123-45-6789\""), "\"[masked]\"",
		 "mask: a string");
	UNIT_STR(json(&p, DQ_PII_DROP, "12345"), "\"[masked]\"",
		 "drop: a number is masked");
	UNIT_STR(json(&p, DQ_PII_MASK, "null"), "null", "null stays null");
	UNIT_STR(json(&p, DQ_PII_KEEP, "\"a\\u00e9\""), "\"a\\u00e9\"",
		 "keep: the raw text byte for byte");
	dq_hmac_sha256("k3y", 3, "a\xc3\xa9", 3, d);
	for (int i = 0; i < 16; i++)
		snprintf(want + 2 * i + 1, 3, "%02x", d[i]);
	want[0] = '"';
	strcpy(want + 33, "\"");
	UNIT_STR(json(&p, DQ_PII_HASH, "\"a\\u00e9\""), want,
		 "hash: HMAC of the unescaped text, 32 hex digits");
	UNIT_STR(json(&p, DQ_PII_HASH, "\"a\xc3\xa9\""), want,
		 "hash: the same text, escaped or not, the same hash");

	dq_pii_use(&p);
	n = 11;
	s = dq_pii_show("ssn", "123-45-6789", &n, &b);
	UNIT_MEM(s, n, "[masked]", 8, "show: the active policy masks");
	n = 3;
	s = dq_pii_show("zip", "abc", &n, &b);
	UNIT_OK(!strcmp(s, "abc") && n == 3, "show: a field it keeps");
	dq_pii_release(&p);
	n = 3;
	s = dq_pii_show("ssn", "abc", &n, &b);
	UNIT_OK(!strcmp(s, "abc") && n == 3,
		"show: nothing active after release");

	UNIT_INT(load(&p, "{\"fields\":{\"ssn\":{\"pii\":\"secret\"}}}"), -1,
		 "error: an unknown policy");
	dq_pii_release(&p);
	UNIT_INT(load(&p, "{\"pii\":{\"names\":[\"*ssn*\"]}}"), -1,
		 "error: names not an object");
	dq_pii_release(&p);
	UNIT_INT(load(&p, "{\"pii\":{\"nmes\":{}}}"), -1,
		 "error: an unknown key of pii");
	dq_pii_release(&p);
	unsetenv("DQ_PII_KEY");
	UNIT_INT(load(&p, "{\"fields\":{\"ssn\":{\"pii\":\"hash\"}}}"), -1,
		 "error: hash without the key");
	dq_pii_release(&p);
	setenv("MY_KEY", "x", 1);
	UNIT_INT(load(&p, "{\"pii\":{\"key_env\":\"MY_KEY\",\"names\":"
			  "{\"*\":\"hash\"}}}"), 0,
		 "hash with the key in the variable key_env names");
	dq_pii_release(&p);
	dq_buf_release(&b);
	test_mask_nested();
	return unit_done();
}
