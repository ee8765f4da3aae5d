/* Unit tests for lib/cli/opt.c: ranges, spellings refused, the message. */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "base/util.h"
#include "cli/opt.h"
#include "cli/par.h"
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
	return unit_done();
}
