/*
 * golden.h - a merge's golden records and its log (dq-merge).
 *
 * After clustering (er/merge.h), each cluster becomes one golden record:
 * its members' records (every record of each member id, in id order) are
 * scanned and handed to survivorship (er/survive.h), which picks each
 * field; the record carries _dq.cluster (the stable id), _dq.members
 * and _dq.provenance (the member each field came from), and _dq.orig
 * when the survivors kept their originals (dq-normalize
 * --keep-original):
 *
 *	{"first_name":"Ann",...,"_dq":{"cluster":"c62b...","members":[1,7],
 *	 "provenance":{"first_name":7,...}}}
 *
 * With a log, a cluster of two or more, or one with cut edges, also gets
 * a log line: its members, the edges that joined them and those cut
 * (with why), the rule used per field and the fields decided by member
 * order:
 *
 *	{"cluster":"c62b...","size":2,"members":[1,7],"joined":[...],
 *	 "cut":[...],"rules":{...},"ties":[...]}
 *
 *	struct dq_golden g;
 *	dq_golden_init(&g, &merge, &survive, want_log);
 *	for (i = 0; i < merge.nclusters; i++)
 *		if (dq_golden_write(&g, i, &out, &log)) commit the log line;
 *	dq_golden_release(&g);
 *
 * Memory: the scanned records of the largest cluster (reused), and with
 * a log two integers per edge end (edges listed under their clusters).
 */
#ifndef DQ_GOLDEN_H
#define DQ_GOLDEN_H

#include <stddef.h>
#include <stdint.h>

#include "base/util.h"
#include "er/merge.h"
#include "er/survive.h"
#include "stream/json.h"

struct dq_golden {
	const struct dq_merge *m;    /* borrowed, clustered */
	const struct dq_survive *sv; /* borrowed */
	int log;                     /* log lines wanted */
	struct dq_survive_out so;
	struct dq_record *rr; /* a cluster's records, scanned */
	const char **ids;     /* and their ids (JSON, in idtext) */
	size_t *idlen, *idoff;
	size_t rrcap;
	struct dq_buf idtext;
	uint32_t *estart, *elist; /* with a log: the edges of cluster
	                           * i are elist[estart[i]..estart[i+1]) */
};

/* Get ready to write m's golden records with the rules of sv (both
 * borrowed until dq_golden_release); want_log: log lines too. */
void dq_golden_init(struct dq_golden *g, const struct dq_merge *m,
                    const struct dq_survive *sv, int want_log);
void dq_golden_release(struct dq_golden *g);

/*
 * Append cluster i's golden record (no newline) to out and, with a log,
 * its log line (newline included) to log.  Returns 1 when a log line was
 * appended, else 0.
 */
int dq_golden_write(struct dq_golden *g, size_t i, struct dq_buf *out,
                    struct dq_buf *log);

#endif
