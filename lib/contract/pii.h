/*
 * pii.h - sensitive fields: which fields a contract marks, and the form
 * in which dq shows their values.  The one API behind every place a dq
 * program echoes a value (profile top values and examples, violation
 * values, review files, summaries, dq-sql rows, dq-csv exports, stderr);
 * a new output (dq-report) calls dq_pii_show_json() or dq_pii_show() on
 * each value it prints, with the field it came from.
 *
 * A field is sensitive when the contract says so (docs/contract.md,
 * "Sensitive fields"): "fields": {"ssn": {"pii": true}} (the same as
 * "mask"), or a policy "mask", "hash", "drop", "keep"; or when its name
 * matches a glob of "pii": {"names": {"*ssn*": "mask"}} (fnmatch(3),
 * the first that matches, in the contract's order).  A field's own
 * "pii" wins over the globs; a policy on "addr" covers "addr.city" and
 * "tags[]".  "candidate" (what dq-profile --suggest writes) is masked
 * until the user confirms it.
 *
 * The shown form: "mask" and "drop" show "[masked]" (nothing of the value,
 * not even its length); "hash" shows the first 16 bytes of HMAC-SHA-256
 * (base/sha256.h) of the value's text (a string unescaped, a number as
 * written), keyed by the environment variable "pii.key_env" names
 * (default DQ_PII_KEY), as 32 lower-case hex digits: equal values show
 * equal hashes, and without the key a value cannot be found by trying
 * candidates.  "keep" and a field that is not sensitive show the value.
 * null, true, false, objects and arrays: null stays null; the others of
 * a masked field are masked too.
 *
 * One policy per process: dq_run_init() loads it from the contract and
 * makes it the active one (dq_pii_use), as dq_progname names the program,
 * because echo points live in every layer above contract.
 */
#ifndef DQ_PII_H
#define DQ_PII_H

#include <stddef.h>

#include "contract/contract.h"
#include "base/util.h"
#include "norm/steps.h"

enum dq_pii_policy {
	DQ_PII_NONE, /* not sensitive */
	DQ_PII_KEEP, /* sensitive, shown as it is (the user said so) */
	DQ_PII_MASK,
	DQ_PII_HASH,
	DQ_PII_DROP
};

/* The masked form, the same for every value, and the hex digits of a
 * shown hash: those dq-normalize's mask and hash steps write. */
#define DQ_PII_MASKED DQ_STEP_MASKED
#define DQ_PII_HASH_HEX DQ_STEP_HASH_HEX

struct dq_pii_rule;

struct dq_pii {
	struct dq_pii_rule *field; /* fields.F.pii, owned */
	size_t nfield;
	struct dq_pii_rule *glob;  /* pii.names, owned */
	size_t nglob;
	unsigned char *key;        /* the HMAC key (owned), NULL when no
				    * field asks for hash */
	size_t keylen;
};

void dq_pii_init(struct dq_pii *p);
void dq_pii_release(struct dq_pii *p);

/* The policy of contract c: 0, or -1 after a message (a policy that is
 * not one of the words, a glob that is not a string, hash asked while
 * the key's variable is unset or empty). */
int dq_pii_load(struct dq_pii *p, const struct dq_contract *c);

/* The name of the environment variable that holds the HMAC key of
 * contract c: "pii.key_env", else "DQ_PII_KEY".  Borrowed from c. */
const char *dq_pii_key_env(const struct dq_contract *c);

/* The policy of field name[0..n) (a path as the contract writes it). */
enum dq_pii_policy dq_pii_policy(const struct dq_pii *p, const char *name,
				 size_t n);

/* Does pol hide the value (mask, hash, drop)? */
static inline int
dq_pii_hides(enum dq_pii_policy pol)
{
	return pol >= DQ_PII_MASK;
}

/* The shown form of text s[0..n) under pol, appended to out (plain text,
 * no quotes). */
void dq_pii_render(const struct dq_pii *p, enum dq_pii_policy pol,
		   const char *s, size_t n, struct dq_buf *out);

/* The same for a raw JSON value: appended to out as JSON (a masked or
 * hashed value is a JSON string; null stays null). */
void dq_pii_render_json(const struct dq_pii *p, enum dq_pii_policy pol,
			const char *raw, size_t n, struct dq_buf *out);

/* The active policy (borrowed; set by dq_run_init), never NULL: an empty
 * one before. */
const struct dq_pii *dq_pii_active(void);
void dq_pii_use(const struct dq_pii *p);

/*
 * The shortcuts every echo point calls: the value of field (NUL-ended
 * name) as shown under the active policy.  dq_pii_show returns s itself
 * when the field is not hidden, else the rendered form in out (reset
 * first, *n set to its length); dq_pii_show_json the same for raw JSON.
 * An object or array value of a field that is not hidden itself comes
 * back with the sensitive values inside it masked ("addr" holding
 * "addr.city"), written again compact.
 * No work beyond a test when the contract marks nothing.
 */
const char *dq_pii_show(const char *field, const char *s, size_t *n,
			struct dq_buf *out);
const char *dq_pii_show_json(const char *field, const char *raw, size_t *n,
			     struct dq_buf *out);

/* Does the active policy hide any field at all? */
int dq_pii_any(void);

/*
 * A record for people to read (a review file's sides): the object text
 * s[0..n) with each member the active policy hides shown in its masked
 * form, at any depth ("addr.city", "tags[]", "items[].card": an object
 * or array holding one is written again, compact), appended to out.
 * Returns the number of values masked; with none, out gets s unchanged.
 * s must be valid JSON.
 */
size_t dq_pii_mask_object(const char *s, size_t n, struct dq_buf *out);

#endif
