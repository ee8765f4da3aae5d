/* Unit tests for lib/cli/opt.c: ranges, spellings refused, the message;
 * the contract a command line names (-c layers, --set on top). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/util.h"
#include "cli/opt.h"
#include "cli/par.h"
#include "contract/contract.h"
#include "unit.h"

/* stderr goes to a pipe between cap_begin() and cap_end(), which reads
 * what was written into msg (the messages are short: one pipe buffer). */
static int cap_fd[2], cap_saved;

static void
cap_begin(void)
{
	if (pipe(cap_fd))
		return;
	cap_saved = dup(2);
	dup2(cap_fd[1], 2);
	close(cap_fd[1]);
}

static void
cap_end(char *msg, size_t cap)
{
	ssize_t k;

	dup2(cap_saved, 2);
	close(cap_saved);
	k = read(cap_fd[0], msg, cap - 1);
	msg[k > 0 ? k : 0] = '\0';
	close(cap_fd[0]);
}

#define CAPTURE(msg, stmt)                                                    \
	do {                                                                  \
		cap_begin();                                                  \
		stmt;                                                         \
		cap_end(msg, sizeof(msg));                                    \
	} while (0)

/* Write s to the file path. */
static void
put(const char *path, const char *s)
{
	FILE *f = fopen(path, "w");

	fputs(s, f);
	fclose(f);
}

/* The number at alerts.key of c, or -1. */
static double
alert(struct dq_contract *c, const char *key)
{
	cJSON *a = dq_contract_get(c, "alerts");
	cJSON *v = cJSON_GetObjectItemCaseSensitive(a, key);

	return cJSON_IsNumber(v) ? v->valuedouble : -1;
}

/* -c layers in the order given, later ones winning, --set on top; the
 * loader's message names the file that cannot be read. */
static void
test_contract(void)
{
	struct dq_opt_contract named = DQ_OPT_CONTRACT_INIT;
	struct dq_contract c;
	char dir[] = "/tmp/test_opt.XXXXXX", a[64], b[64], none[64];
	char msg[512];

	if (!mkdtemp(dir))
		return;
	snprintf(a, sizeof(a), "%s/a.json", dir);
	snprintf(b, sizeof(b), "%s/b.json", dir);
	snprintf(none, sizeof(none), "%s/none.json", dir);
	put(a, "{\"alerts\":{\"window\":5,\"warn\":2}}");
	put(b, "{\"alerts\":{\"window\":7}}");

	dq_contract_init(&c);
	UNIT_INT(dq_opt_contract_load(&named, &c), 0, "nothing named");
	UNIT_OK(dq_contract_get(&c, "alerts") == NULL, "an empty contract");
	dq_contract_release(&c);

	dq_opt_contract_file(&named, a);
	dq_opt_contract_file(&named, b);
	dq_opt_contract_set(&named, "alerts.error=9");
	UNIT_INT(named.nfiles, 2, "two layers");
	UNIT_STR(named.files[1], b, "in the order given");
	dq_contract_init(&c);
	UNIT_INT(dq_opt_contract_load(&named, &c), 0, "two layers and a set");
	UNIT_NEAR(alert(&c, "window"), 7, 0, "the later layer wins");
	UNIT_NEAR(alert(&c, "warn"), 2, 0, "the earlier layer's others stay");
	UNIT_NEAR(alert(&c, "error"), 9, 0, "the set on top");
	dq_contract_release(&c);

	dq_opt_contract_file(&named, none);
	dq_contract_init(&c);
	CAPTURE(msg, UNIT_INT(dq_opt_contract_load(&named, &c), -1,
			      "a missing layer"));
	UNIT_OK(strstr(msg, none) != NULL, "the message names it");
	dq_contract_release(&c);
	dq_opt_contract_release(&named);
	UNIT_OK(!named.files && !named.nfiles && !named.sets && !named.nsets,
		"released: empty again");
	unlink(a);
	unlink(b);
	rmdir(dir);
}

int
main(void)
{
	long long v = 7;
	double d = 7;
	int k = 7;
	char msg[256];
	static const char *const fmts[] = { "text", "json", NULL };

	dq_progname = "dq-test";
	UNIT_INT(dq_opt_int("n", "42", 0, 100, &v), 0, "in range");
	UNIT_INT(v, 42, "value");
	UNIT_INT(dq_opt_int("n", "-3", -5, 5, &v), 0, "negative");
	UNIT_INT(v, -3, "negative value");
	UNIT_INT(dq_opt_int("n", "+3", -5, 5, &v), 0, "plus sign");
	CAPTURE(msg, UNIT_INT(dq_opt_int("n", "101", 0, 100, &v), -1,
			      "above max"));
	UNIT_STR(msg, "dq-test: --n: '101' is not a whole number from 0 to "
		      "100\n", "message");
	UNIT_INT(v, 3, "left alone on error");
	CAPTURE(msg, UNIT_INT(dq_opt_int("n", " 5", 0, 100, &v), -1,
			      "leading space"));
	CAPTURE(msg, UNIT_INT(dq_opt_int("n", "5 ", 0, 100, &v), -1,
			      "trailing space"));
	CAPTURE(msg, UNIT_INT(dq_opt_int("n", "", 0, 100, &v), -1, "empty"));
	CAPTURE(msg, UNIT_INT(dq_opt_int("n", "0x10", 0, 100, &v), -1, "hex"));
	CAPTURE(msg, UNIT_INT(dq_opt_int("n", "99999999999999999999", 0,
					 INT64_MAX, &v), -1, "overflow"));

	UNIT_INT(dq_opt_double("p", "0.25", 0, 1, &d), 0, "double");
	UNIT_NEAR(d, 0.25, 0, "double value");
	UNIT_INT(dq_opt_double("p", ".5", 0, 1, &d), 0, "leading point");
	UNIT_INT(dq_opt_double("p", "1e-3", 0, 1, &d), 0, "exponent");
	CAPTURE(msg, UNIT_INT(dq_opt_double("p", "1.5", 0, 1, &d), -1,
			      "above max"));
	UNIT_STR(msg, "dq-test: --p: '1.5' is not a number from 0 to 1\n",
		 "double message");
	CAPTURE(msg, UNIT_INT(dq_opt_double("p", "nan", 0, 1, &d), -1, "nan"));
	CAPTURE(msg, UNIT_INT(dq_opt_double("p", "inf", 0, 1e308, &d), -1,
			      "inf"));
	CAPTURE(msg, UNIT_INT(dq_opt_double("p", "0x1p-2", 0, 1, &d), -1,
			      "hex float"));
	CAPTURE(msg, UNIT_INT(dq_opt_double("p", " 0.5", 0, 1, &d), -1,
			      "space"));
	CAPTURE(msg, UNIT_INT(dq_opt_double("p", "1e999", 0, 1e308, &d), -1,
			      "overflow"));
	UNIT_NEAR(d, 0.001, 0, "left alone on error");

	UNIT_INT(dq_opt_enum("log-format", "json", fmts, &k), 0, "enum");
	UNIT_INT(k, 1, "enum index");
	CAPTURE(msg, UNIT_INT(dq_opt_enum("log-format", "JSON", fmts, &k), -1,
			      "enum is exact"));
	UNIT_STR(msg, "dq-test: --log-format: 'JSON': expected text or json\n",
		 "enum message");

	UNIT_INT(dq_opt_jobs("4", &k), 0, "jobs");
	UNIT_INT(k, 4, "jobs value");
	CAPTURE(msg, UNIT_INT(dq_opt_jobs("0", &k), -1, "zero jobs"));
	UNIT_STR(msg, "dq-test: --jobs: '0' is not a whole number from 1 to "
		      "64\n", "jobs message");
	CAPTURE(msg, UNIT_INT(dq_opt_jobs("65", &k), -1, "too many jobs"));

	test_contract();
	return unit_done();
}
