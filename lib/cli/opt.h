/*
 * opt.h - option values with one meaning and one message shape.
 *
 * Every program parses its numeric and enumerated option values through
 * these functions, so every program accepts the same spellings, checks
 * every range, and says what it wanted in the same words:
 *
 *	dq-score: --sample: '1.5' is not a number from 0 to 1
 *	dq-merge: --max-size: 'x' is not a whole number from 2 to 1000000000
 *	dq-validate: --log-format: 'yaml': expected text or json
 *	dq-normalize: --jobs: '0' is not a whole number from 1 to 64
 *
 * Each returns 0 with *out set, or -1 after printing the message with
 * dq_error() (leaving *out alone): the caller returns -1 from its option
 * callback and dq_run_init() exits 2, as for any usage error.  name is the
 * option without its dashes; arg is the value as given.
 */
#ifndef DQ_OPT_H
#define DQ_OPT_H

#include <stddef.h>

/* A whole number in [min, max]: decimal digits with an optional sign,
 * nothing before or after. */
int dq_opt_int(const char *name, const char *arg, long long min,
	       long long max, long long *out);

/* A finite number in [min, max] (strtod's decimal syntax; no hex, inf or
 * nan, nothing before or after). */
int dq_opt_double(const char *name, const char *arg, double min, double max,
		  double *out);

/* One of the words in choices (a NULL-ended list), exactly: *out is its
 * index. */
int dq_opt_enum(const char *name, const char *arg, const char *const *choices,
		int *out);

/*
 * --jobs N, the same in every program: at most N worker threads (or
 * processes), a whole number from 1 to DQ_PAR_MAX_JOBS.  Without the
 * option a program uses dq_par_default_jobs() (cli/par.h).  Output never
 * depends on N.
 */
int dq_opt_jobs(const char *arg, int *out);

/*
 * The contract a command line names, with one meaning in every program:
 * -c FILE, repeatable, the layers in the order given (later ones win),
 * then each --set PATH=VALUE on top (contract/contract.h).  dq_run's
 * common options fill one; a program that reads its own command line
 * (dq-report, dq-anomaly) does the same:
 *
 *	struct dq_opt_contract named = DQ_OPT_CONTRACT_INIT;
 *	struct dq_contract c;
 *
 *	case 'c': dq_opt_contract_file(&named, optarg); break;
 *	...
 *	dq_contract_init(&c);
 *	if (named.nfiles && dq_opt_contract_load(&named, &c))
 *		exit 2 (the message names the file);
 *	...
 *	dq_contract_release(&c);
 *	dq_opt_contract_release(&named);
 */
struct dq_contract;
struct dq_opt_contract {
	char **files; /* the paths as given (borrowed); the array is owned */
	size_t nfiles;
	char **sets;  /* the "PATH=VALUE" texts, the same */
	size_t nsets;
};
#define DQ_OPT_CONTRACT_INIT { NULL, 0, NULL, 0 }

/* Add path (borrowed, as argv is) as the next layer. */
void dq_opt_contract_file(struct dq_opt_contract *o, const char *path);
/* Add a "PATH=VALUE" (borrowed) to apply after the layers. */
void dq_opt_contract_set(struct dq_opt_contract *o, const char *set);
/* Load the layers and sets named into c (initialised by the caller, who
 * releases it): 0, or -1 after a message naming the file or set.  With
 * none named, c is the empty contract. */
int dq_opt_contract_load(const struct dq_opt_contract *o,
			 struct dq_contract *c);
void dq_opt_contract_release(struct dq_opt_contract *o);

/* For programs that read their own command line (dq-sql, dq-anomaly):
 * "PROG: try --help" and exit 2; the same after "PROG: MESSAGE". */
void dq_usage_exit(void) __attribute__((noreturn));
void dq_usage_error(const char *fmt, ...)
	__attribute__((noreturn, format(printf, 1, 2)));

#endif
