/*
 * check.h - the per-record checker: a compiled rule set (contract/rules.h)
 * applied to one record at a time.
 *
 *	struct dq_check ck;
 *	dq_check_init(&ck, &rules, &vfile, run_id, examples, max_keys);
 *	while (next record rec) {
 *		if (dq_check_record(&ck, &rec, line, seq, is_csv))
 *			... too many keys: stop (exit 2) ...
 *		if (!ck.nviol)
 *			write rec as it came (or typed: rec.modified)
 *		else
 *			close ck.vbuf with ']' and dq_record_write(&rec,
 *			    ck.vbuf.buf, ck.vbuf.len, out): the record with
 *			    "_dq.violations" appended
 *	}
 *	dq_check_release(&ck);
 *
 * The rules' tallies (checked, failures, examples, groups, key sets) and
 * the checker's counts of violations grow as records pass; contract/
 * score.h decides and reports them at the end.  With a violations file
 * (vfile->fd >= 0) every failure also writes its line there at once.
 *
 * Ownership: the rule set, the violations output and each record are
 * borrowed; the checker owns its buffers.  A record's CSV cells are typed
 * in place (dq_value_type_cell), which is why it is not const.
 */
#ifndef DQ_CHECK_H
#define DQ_CHECK_H

#include <stdint.h>

#include "contract/rules.h"
#include "stream/json.h"
#include "stream/out.h"

#define DQ_CHECK_POS_CACHE 64
#define DQ_CHECK_POS_KEY 30

struct dq_check {
	struct dq_rules *rs;
	struct dq_out *vfile;  /* the --violations file, fd -1 for none */
	char *jrunid;          /* the run id as a JSON string (owned) */
	long long examples;    /* examples kept per rule */
	int pii;               /* the contract marks sensitive fields
				* (dq_pii_any), asked once per record */
	long long max_keys;    /* distinct keys a uniqueness rule may hold */

	/* The current record's result: the _dq member text being built
	 * ("violations":[... without the closing ']'), the number of
	 * violations and the highest severity among them. */
	struct dq_buf vbuf;
	int nviol;
	enum dq_sev rec_max;

	/* Counts over the run. */
	uint64_t n_viol[3];     /* violations by severity */
	uint64_t n_records_viol; /* records with a violation (the caller
				  * counts them) */
	/* The current record's input file (borrowed), or NULL: set by the
	 * caller when it reads several files, so that a violation line's
	 * "line" (and a record without an id) names one record. */
	const char *file;

	/* Private: the current record and its scratch. */
	struct dq_record *rec;
	long line;
	uint64_t seq;
	struct dq_buf tbuf, kbuf, mbuf, unparsed, idbuf, rowbuf, dbuf, pbuf;
	struct dq_buf pibuf; /* a sensitive value's shown form */
	struct dq_buf elabel, jelabel; /* an element's name ("tags[1]"),
					* and as a JSON string, while its
					* check runs (check_each) */
	int in_array; /* checking the elements of an array value */
	int *vslots;
	size_t nv, vcap;
	struct dq_rule **deferred; /* uniqueness checks to decide */
	size_t ndeferred;
	struct {
		int slot; /* slot index, -1 none, -2 nothing cached */
		unsigned char len;
		char key[DQ_CHECK_POS_KEY];
	} poscache[DQ_CHECK_POS_CACHE];
};

/* rs and vfile are borrowed and must outlive ck; run_id is copied.  Call
 * after dq_rules_ready(). */
void dq_check_init(struct dq_check *ck, struct dq_rules *rs,
		   struct dq_out *vfile, const char *run_id, long long examples,
		   long long max_keys);
void dq_check_release(struct dq_check *ck);

/*
 * Check rec (scanned; line is where it starts, seq its 1-based number in
 * the stream, csv whether it came from a CSV file: its typed fields' cells
 * are typed first).  Returns 0, or -1 after a message when a uniqueness
 * rule holds more than max_keys keys.
 */
int dq_check_record(struct dq_check *ck, struct dq_record *rec, long line,
		    uint64_t seq, int csv);

/*
 * One line of the violations file for rule r: id and v raw JSON (id NULL:
 * null), line 0 for none, jm the message as a JSON string, extra NULL or
 * more members (",\"measured\":0.6").  Used for the set-level and grouped
 * rules decided at the end too.
 */
void dq_check_violation_line(struct dq_check *ck, const struct dq_rule *r,
			     const char *id, long line, const char *v,
			     size_t vn, const char *jm, size_t jmn,
			     const char *extra);

#endif
