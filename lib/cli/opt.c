/*
 * opt.c - option values (see opt.h).  The checks are strtonum(3)'s idea
 * (OpenBSD): a value is range-checked where it is read, and the message
 * names the option, the value and the range.
 */
#include "cli/opt.h"
#include "cli/par.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/util.h"
#include "contract/contract.h"

int
dq_opt_int(const char *name, const char *arg, long long min, long long max,
	   long long *out)
{
	if (dq_parse_ll(arg, min, max, out))
		return dq_error("--%s: '%s' is not a whole number from %lld "
				"to %lld", name, arg, min, max);
	return 0;
}

int
dq_opt_double(const char *name, const char *arg, double min, double max,
	      double *out)
{
	const char *p = arg;
	char *end;
	double v;

	/* Decimal only: strtod would also take hex, inf, nan and leading
	 * white space. */
	if (*p == '+' || *p == '-')
		p++;
	if ((!isdigit((unsigned char)*p) &&
	     !(*p == '.' && isdigit((unsigned char)p[1]))) ||
	    arg[strspn(arg, "0123456789+-.eE")])
		goto bad;
	errno = 0;
	v = strtod(arg, &end);
	if (*end || errno == ERANGE || !isfinite(v) || v < min || v > max)
		goto bad;
	*out = v;
	return 0;
bad:
	return dq_error("--%s: '%s' is not a number from %g to %g", name, arg,
			min, max);
}

int
dq_opt_enum(const char *name, const char *arg, const char *const *choices,
	    int *out)
{
	struct dq_buf b = DQ_BUF_INIT;
	int n = 0;

	for (int i = 0; choices[i]; i++) {
		if (!strcmp(arg, choices[i])) {
			*out = i;
			return 0;
		}
		n++;
	}
	for (int i = 0; i < n; i++) {
		if (i)
			dq_buf_addstr(&b, i == n - 1 ? " or " : ", ");
		dq_buf_addstr(&b, choices[i]);
	}
	dq_error("--%s: '%s': expected %s", name, arg, b.len ? b.buf : "");
	dq_buf_release(&b);
	return -1;
}

int
dq_opt_jobs(const char *arg, int *out)
{
	long long v;

	if (dq_opt_int("jobs", arg, 1, DQ_PAR_MAX_JOBS, &v))
		return -1;
	*out = (int)v;
	return 0;
}

void
dq_usage_exit(void)
{
	fprintf(stderr, "%s: try --help\n", dq_progname);
	exit(2);
}

void
dq_usage_error(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	dq_verror(NULL, fmt, ap);
	va_end(ap);
	dq_usage_exit();
}

/* Append s to the list v of *n strings. */
static void
push(char ***v, size_t *n, const char *s)
{
	*v = dq_xrealloc(*v, (*n + 1) * sizeof(char *));
	(*v)[(*n)++] = (char *)s;
}

void
dq_opt_contract_file(struct dq_opt_contract *o, const char *path)
{
	push(&o->files, &o->nfiles, path);
}

void
dq_opt_contract_set(struct dq_opt_contract *o, const char *set)
{
	push(&o->sets, &o->nsets, set);
}

int
dq_opt_contract_load(const struct dq_opt_contract *o, struct dq_contract *c)
{
	return dq_contract_load(c, o->files, o->nfiles, o->sets, o->nsets);
}

void
dq_opt_contract_release(struct dq_opt_contract *o)
{
	free(o->files);
	free(o->sets);
	o->files = o->sets = NULL;
	o->nfiles = o->nsets = 0;
}
