/*
 * fsmodel.h - comparison levels and the two match models of dq-score: the
 * weighted model and the Fellegi-Sunter model, with its unsupervised
 * training (u from random pairs, m and the prior by EM) and term-frequency
 * adjustment.  See fsmodel.c for the method and docs/score.md for the
 * contract sections and the model file.
 *
 * Life cycle:
 *
 *	struct dq_fs_model m;
 *	dq_fs_init(&m);
 *	dq_fs_load_contract(&m, compare_section, thresholds_section, err);
 *	(optionally) dq_fs_load_model(&m, model_json, err);
 *	for each pair:
 *		level = dq_fs_compare(&m, i, a, an, b, bn, &sim, &scr);
 *		... dq_fs_field_weight(&m, i, level, folded_a) ...
 *	dq_fs_release(&m);
 *
 * Values handed to the comparators are unescaped UTF-8 text (a JSON number
 * as written); NULL means missing.  Ownership: the model owns its fields
 * and tables; every returned const char * is borrowed from the model.
 */
#ifndef DQ_FSMODEL_H
#define DQ_FSMODEL_H

#include <stddef.h>
#include <stdint.h>

#include <cjson/cJSON.h>

#include "base/strmap.h"
#include "base/util.h"

#define DQ_FS_MAX_LEVELS 8
#define DQ_FS_MAX_FIELDS 16
#define DQ_FS_NULL (-1)
#define DQ_FS_MAX_SOURCES 64 /* of a link (stream/meta.h's) */

enum dq_fs_cmp {
	DQ_FS_EXACT,
	DQ_FS_JARO_WINKLER,
	DQ_FS_LEVENSHTEIN,
	DQ_FS_DAMERAU,
	DQ_FS_JACCARD,
	DQ_FS_QGRAM,
	DQ_FS_NAME,
	DQ_FS_DATE,
	DQ_FS_EMAIL,
	DQ_FS_PHONE,
	DQ_FS_NUMERIC_ABS,
	DQ_FS_NUMERIC_REL,
	DQ_FS_MONGE_ELKAN, /* also "token_set" */
	DQ_FS_TFIDF,
	DQ_FS_CODE,
	DQ_FS_YEAR,
	DQ_FS_NCMP
};

enum dq_fs_kind { DQ_FS_WEIGHTED, DQ_FS_FELLEGI_SUNTER };

/* A term-frequency table: folded value -> share of records. */
/* Term frequencies: value -> its share among the training records. */
struct dq_fs_tf {
	struct dq_strmap map; /* value -> index into freq, in the order
			       * added */
	double *freq;         /* (owned) */
	size_t cap;           /* of freq */
	double min;           /* for values not in the table */
};

struct dq_fs_field {
	char *name;
	size_t namelen;
	enum dq_fs_cmp cmp;
	double weight;       /* weighted model: contribution at similarity 1 */
	double close, similar; /* string similarity level bounds */
	double num_close, num_near; /* numeric difference level bounds */
	int within_days;     /* date: CLOSE when at most this many days */
	int last_digits;     /* phone: LAST_N level */
	int q;               /* q-gram size */
	int nicknames;       /* name: use the nickname table */
	int inner;           /* monge_elkan: enum dq_cmp_inner */
	/* tfidf: word -> the number of records holding it (words held by
	 * one record are left out: 1), over ndocs records; ndocs 0 until
	 * training or a model file gives them (dq_fs_needs_df). */
	struct dq_fs_tf df;
	double ndocs;
	int tf;              /* term-frequency adjustment of exact agreement */
	int nlevels;
	const char *const *level_names;
	const double *level_sim; /* fixed similarity per level, or NULL */
	double m[DQ_FS_MAX_LEVELS], u[DQ_FS_MAX_LEVELS];
	double bf[DQ_FS_MAX_LEVELS]; /* log2(m/u), set by dq_fs_prepare */
	int bf_ok;
	struct dq_fs_tf tft;
	double u_random; /* u of exact agreement in random pairs (for tf) */
	char *swap_name; /* "swap_with": a field its values may be swapped */
	int swap;        /* with (first and last name), its index, or -1 */
};

struct dq_fs_model {
	enum dq_fs_kind kind;
	struct dq_fs_field f[DQ_FS_MAX_FIELDS];
	size_t n;
	double lambda;       /* prior probability of a match among pairs */
	double match, review; /* decision thresholds on the score */
	/* Household guard (docs/score.md): a "shared" field agrees, a
	 * "differ" field is at its lowest level, no "unless" field agrees
	 * exactly.  Field indexes. */
	int guard_shared[DQ_FS_MAX_FIELDS], guard_differ[DQ_FS_MAX_FIELDS];
	int guard_unless[DQ_FS_MAX_FIELDS];
	size_t nguard_shared, nguard_differ, nguard_unless;
	int fix_u;           /* EM keeps u from random pairs ("u_from") */
	int trained;         /* m/u came from training or a model file */
	/* Training figures, for the model file.  possible_pairs: the record
	 * pairs the prior is a share of (N (N-1) / 2, or for a link the
	 * pairs across two sources); link_records[s - 1]: a link's distinct
	 * records of source s, for s up to link_sources (0: no link). */
	uint64_t train_pairs, train_records, u_pairs;
	double possible_pairs;
	uint64_t link_records[DQ_FS_MAX_SOURCES];
	size_t link_sources;
	int em_iterations;
	int labelled;
};

/* Scratch buffers for the comparators (one per thread). */
struct dq_fs_scratch {
	struct dq_buf a, b;
};

void dq_fs_init(struct dq_fs_model *m);
void dq_fs_release(struct dq_fs_model *m);

/* Read the contract's "compare" and "thresholds" sections (either may be
 * NULL: defaults).  Returns 0, or -1 with a message in err. */
int dq_fs_load_contract(struct dq_fs_model *m, const cJSON *compare,
			const cJSON *thresholds, struct dq_buf *err);

/* Take m/u, the prior and the term frequencies from a model document
 * written by dq_fs_to_json.  Fields must agree with the contract's
 * (same names and comparators).  Returns 0, or -1 with a message. */
int dq_fs_load_model(struct dq_fs_model *m, const cJSON *doc,
		     struct dq_buf *err);

/* The model document (caller owns; cJSON_Delete). */
cJSON *dq_fs_to_json(const struct dq_fs_model *m);

/*
 * Compare field i of two records: the level (0 = best agreement) or
 * DQ_FS_NULL when either value is missing or empty; *sim gets the
 * similarity in [0, 1] (0 for null).  After the call, scr->a holds the
 * folded form of a (used for term frequencies).
 */
int dq_fs_compare(const struct dq_fs_model *m, size_t i, const char *a,
		  size_t an, const char *b, size_t bn, double *sim,
		  struct dq_fs_scratch *scr);

/* log2(m/u) of field i at level l (0 for null), with the term-frequency
 * adjustment of exact agreement on value v (folded; may be NULL). */
double dq_fs_log2_bf(const struct dq_fs_model *m, size_t i, int l,
		     const char *v, size_t vn);

/* Compute every log2(m/u) once, after m and u are final (loading or
 * training); dq_fs_log2_bf then only looks them up. */
void dq_fs_prepare(struct dq_fs_model *m);

/* The prior's weight log2(lambda / (1 - lambda)), and a probability from
 * a total match weight. */
double dq_fs_prior_weight(const struct dq_fs_model *m);
double dq_fs_probability(double weight);

/* Name of level l of field i ("null" for DQ_FS_NULL). */
const char *dq_fs_level_name(const struct dq_fs_model *m, size_t i, int l);

/* ---- training ---- */

/* 1 when a tfidf field has no document frequencies yet: the records must
 * be read once (dq_fs_train_record, then dq_fs_train_df) before any pair
 * is compared. */
int dq_fs_needs_df(const struct dq_fs_model *m);

struct dq_fs_trainer;

/* Start training m (its fields loaded).  seed makes the u sample
 * reproducible. */
struct dq_fs_trainer *dq_fs_train_new(struct dq_fs_model *m, uint64_t seed);

/*
 * Add one record seen in a pair: id identifies it (a record is counted once
 * however many pairs hold it); src is its source in a link (1 to
 * DQ_FS_MAX_SOURCES), 0 when the pairs are not a link's; vals[i]/lens[i]
 * its value of field i (NULL: missing).  Feeds the term frequencies, the
 * sample for u and the count of possible pairs.  When every record added
 * has a source, the pairs are a link's: the possible pairs are those
 * across two sources (the sum of Ni Nj over i < j, Ni the distinct ids
 * of source i) and u comes from random pairs across two sources; else
 * from N (N-1) / 2 and random pairs of any two records.
 */
void dq_fs_train_record(struct dq_fs_trainer *t, unsigned src,
			const char *id, size_t idn, const char *const *vals,
			const size_t *lens);

/* Give the tfidf fields the document frequencies of the records added so
 * far (every record must have been added before a pair is compared). */
void dq_fs_train_df(struct dq_fs_trainer *t);

/* Free t without estimating anything (a run that needed only the
 * document frequencies). */
void dq_fs_train_free(struct dq_fs_trainer *t);

/* Add one candidate pair's levels (levels[i] per field, DQ_FS_NULL
 * allowed); label: 1 a known match, 0 a known non-match, -1 unknown. */
void dq_fs_train_pair(struct dq_fs_trainer *t, const int *levels, int label);

/*
 * Estimate: u from random pairs of the sampled records (at most u_pairs),
 * then m and lambda by EM over the pairs (or, when labelled pairs were
 * given, m from the labelled matches), and the term frequencies.  share
 * (0 < share <= 1) is the share of the candidate pairs given to
 * dq_fs_train_pair (all records were given).  Writes into the model;
 * returns the number of EM iterations.  Frees t.
 */
int dq_fs_train_finish(struct dq_fs_trainer *t, uint64_t u_pairs,
		       double share);

/* EM alone: patterns[k] (nfields levels each, DQ_FS_NULL allowed) seen
 * counts[k] times; m, u and *lambda are the starting values and the
 * result; with fix_u, u stays as given.  Returns the iterations used. */
int dq_fs_em(size_t nfields, const int *nlevels, size_t npatterns,
	     const int *patterns, const double *counts,
	     double m[][DQ_FS_MAX_LEVELS], double u[][DQ_FS_MAX_LEVELS],
	     int fix_u, double *lambda, int max_iter, double tol);

#endif
