/*
 * profile.h - the state of dq-profile: per-field counters, moments and
 * sketches for a stream of records, built record by record and merged.
 *
 * Usage:
 *
 *	struct dq_profile p;
 *	dq_profile_init(&p, NULL);                (default caps)
 *	while (... next record rec ...)
 *		dq_profile_add(&p, &rec);
 *	dq_profile_flush(&p);                     (before reading p)
 *	... dq_doc_profile(&p), dq_partial_save(&p), p.f[i]->... ...
 *	dq_profile_release(&p);
 *
 * Records are read row by row but profiled column by column: dq_profile_add
 * copies the record's text into a batch and queues its values per field,
 * and the batch is profiled when it is full or at dq_profile_flush().
 * Every figure is the same as record by record (the values of a field are
 * profiled in input order).  Nothing is kept per row, so memory depends on
 * the number of fields (at most DQ_PROFILE_MAX_FIELDS) and the sketch
 * caps, not on the input.  docs/profile.md describes the figures.
 *
 * A struct dq_profile belongs to one thread at a time; separate profiles
 * may be built in separate threads and merged.  Memory errors exit 2 (as
 * every dq_x* allocation); nothing else here fails.
 */
#ifndef DQ_PROFILE_H
#define DQ_PROFILE_H

#include <stdint.h>

#include "base/util.h"
#include "profile/classify.h"
#include "sketch/dupsketch.h"
#include "sketch/hll.h"
#include "sketch/moments.h"
#include "sketch/quantile.h"
#include "sketch/reservoir.h"
#include "sketch/topk.h"
#include "stream/json.h"

/* Memory guards: fields past DQ_PROFILE_MAX_FIELDS are counted (overflow),
 * not profiled; counters of the top-value and shape summaries; examples
 * kept per type, each cut to DQ_PROFILE_EXAMPLE_MAX bytes. */
#define DQ_PROFILE_MAX_FIELDS 1024
#define DQ_PROFILE_TOPK_CAP 256
#define DQ_PROFILE_SHAPE_CAP 64
#define DQ_PROFILE_EXAMPLES 25
#define DQ_PROFILE_EXAMPLE_MAX 200
/* Nested values: levels below the record's members that are profiled as
 * fields of their own ("addr.city", "items[].sku"), and the array length
 * buckets: 0 to 9 elements, then 10 or more. */
#define DQ_PROFILE_MAX_DEPTH 16
#define DQ_PROFILE_ALEN 11

/* Records per batch, and the batch's text before it is profiled early. */
#define DQ_PROFILE_BATCH_ROWS 256
#define DQ_PROFILE_BATCH_BYTES (256 * 1024)

/* What is shown of a profile (the document and the sample): the options
 * --top, --buckets, --sample, --examples, --shapes, --seed. */
struct dq_profile_caps {
	long long top, buckets, sample, examples, shapes, seed;
};
#define DQ_PROFILE_CAPS_INIT { 10, 20, 25, 5, 10, 1 }

/* For --suggest: what kinds of JSON values a field had (kinds[]). */
enum {
	DQ_PROFILE_K_STRING, /* non-empty JSON strings */
	DQ_PROFILE_K_INT,    /* numbers written as integers */
	DQ_PROFILE_K_DEC,    /* other numbers */
	DQ_PROFILE_K_BOOL    /* true and false */
};

struct dq_profile_vcache;
struct dq_profile_pending;

/* One field.  Every pointer member is owned by the field. */
struct dq_profile_field {
	char *name;              /* unescaped, NUL-terminated */
	size_t namelen;
	uint64_t present, nulls, empty;
	uint64_t types[DQ_VT_COUNT];
	uint64_t zeros, negatives;
	struct dq_moments num;   /* numeric values */
	struct dq_moments len;   /* string lengths in code points: only n,
				  * sum, min and max are kept */
	char *smin, *smax;       /* least and greatest string (bytes) */
	char *dmin, *dmax;       /* earliest and latest date (ISO text) */
	long ymd[2];             /* their days as YYYYMMDD, while adding */
	size_t lens[4];          /* strlen of smin, smax, dmin, dmax */
	struct dq_hll hll;       /* distinct values */
	struct dq_quantile q;    /* numeric values */
	struct dq_topk top;      /* top values, raw JSON */
	struct dq_topk shapes;   /* top shapes of strings */
	/* The first examples of each type, raw JSON, for format issues. */
	char *ex[DQ_VT_COUNT][DQ_PROFILE_EXAMPLES];
	unsigned nex[DQ_VT_COUNT];
	/* For --suggest: DQ_PROFILE_K_* counts; strings that are ISO dates,
	 * ISO date-times and E.164 phone numbers. */
	uint64_t kinds[4];
	uint64_t iso[3];
	/* For --freshness: the newest date or date-time, in seconds since
	 * 1970 (UTC; a time without zone is taken as UTC). */
	double tmax;
	int has_tmax;
	/* Nested data: object values (the records a nested member could
	 * have been in), array values by length, and their greatest and
	 * total lengths. */
	uint64_t nobj;
	uint64_t alen[DQ_PROFILE_ALEN];
	uint64_t alen_min, alen_max, alen_sum;
	/* The engine's own: the value cache (or NULL) and the values of the
	 * current batch not yet profiled. */
	struct dq_profile_vcache *vc;
	struct dq_profile_pending *pend;
	size_t npend, pendcap;
	/* From a partial state written under a contract that marks
	 * sensitive fields (profile/partial.h): DQ_PROFILE_SHOWN, its values
	 * are already in the form the document shows; DQ_PROFILE_HIDDEN, the
	 * field was sensitive there too (its numbers were left out). */
	unsigned pii;
};

#define DQ_PROFILE_SHOWN 1u
#define DQ_PROFILE_HIDDEN 2u

struct dq_profile {
	uint64_t rows, rejected;
	uint64_t overflow;       /* members of fields past the cap */
	struct dq_profile_field **f; /* nf fields in order of first sight */
	size_t nf;
	struct dq_profile_caps caps;
	struct dq_dupsketch dups; /* repeated rows */
	struct dq_reservoir sample; /* caps.sample rows, seeded caps.seed */
	/* Loaded from partial states in their shown form: the id of the
	 * key their hashes were made with (owned), else NULL. */
	char *shown;

	/* The engine's own. */
	uint32_t *slot;          /* field hash table: index + 1 */
	size_t nslot;
	/* The field last seen at each member position: records usually
	 * repeat their key order, so one compare replaces a lookup. */
	struct dq_profile_field *pos[64];
	/*
	 * The batch: each field's sketches (top values, shapes, distinct
	 * hashes: some 60 KB) are touched for many values in a row while
	 * they are in the cache, instead of all fields' (about 1 MB for 16
	 * fields, more than a core's L2 cache) for every record, and the
	 * classification of one column branches alike value after value.
	 * The buffer holds the rows' text.
	 */
	struct dq_buf batch;
	size_t batch_rows;
	uint64_t rowhash[DQ_PROFILE_BATCH_ROWS]; /* for the dups sketch */
	struct dq_buf text, iso, num, path; /* scratch */
};

/* Start an empty profile; caps is copied (NULL: DQ_PROFILE_CAPS_INIT). */
void dq_profile_init(struct dq_profile *p, const struct dq_profile_caps *caps);
/* Free everything p holds; p may be initialized again. */
void dq_profile_release(struct dq_profile *p);

/* Add one record (borrowed; its text is copied).  The member r->dq (the
 * _dq metadata) is skipped.  A member holding an object or an array is a
 * field, and so are the values inside, by their paths (stream/path.h):
 * "addr.city" for a member of an object, "tags[]" for the elements of an
 * array, "items[].sku" for a member of an element; keys holding '.', '[',
 * ']' or '\' are escaped with a backslash.  DQ_PROFILE_MAX_DEPTH levels
 * down at most.  Its values are profiled by the next
 * dq_profile_flush() at the latest. */
void dq_profile_add(struct dq_profile *p, const struct dq_record *r);
/* Profile the values still queued: call before reading p's figures. */
void dq_profile_flush(struct dq_profile *p);

/* Add s's figures to d's (both flushed; s is not changed, but its top
 * summaries may be sorted).  Fields of s past d's cap count as overflow. */
void dq_profile_merge(struct dq_profile *d, struct dq_profile *s);

/* The field named name (namelen bytes, unescaped), created empty on
 * first sight; NULL past DQ_PROFILE_MAX_FIELDS.  Borrowed from p. */
struct dq_profile_field *dq_profile_field(struct dq_profile *p,
					  const char *name, size_t namelen);

/* Keep raw (n bytes, copied) as an example of type t, unless f has
 * DQ_PROFILE_EXAMPLES of it already. */
void dq_profile_add_example(struct dq_profile_field *f, int t,
			    const char *raw, size_t n);

/* Values that are neither null nor "". */
static inline uint64_t
dq_profile_valid(const struct dq_profile_field *f)
{
	return f->present - f->nulls - f->empty;
}

/* Values that count for type t: integers are numbers too, so a field with
 * any non-integer number counts its integers as numbers. */
uint64_t dq_profile_type_count(const struct dq_profile_field *f, int t);
/* The most frequent type (ties: the first in enum dq_vtype), or -1. */
int dq_profile_dominant(const struct dq_profile_field *f);
/* Null rate: rows where the field is absent, null or "" (0 if no rows). */
double dq_profile_null_rate(const struct dq_profile_field *f, uint64_t rows);
/* The distinct-value estimate, rounded to an integer. */
double dq_profile_distinct(const struct dq_profile_field *f);

/* The number of places field f could have had a value: the rows for a
 * top-level field, the objects of its parent for "P.key", its own values
 * for "P[]" (an element is always there).  p is searched for the parent
 * by name. */
uint64_t dq_profile_slots(const struct dq_profile *p,
			  const struct dq_profile_field *f);

#endif
