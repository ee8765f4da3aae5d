/*
 * changes.h - new, changed, unchanged and gone records between two runs:
 * each record's canonical hash (stream/canon.h) by its key, compared with
 * the previous run's hashes file.
 *
 *	struct dq_changes c;
 *	dq_changes_init(&c);
 *	if (previous && dq_changes_load(&c, previous)) ... exit 2 ...
 *	per record (any thread; c is only read):
 *		kind = dq_changes_tag(&c, &list, seq, idmember, rec, &scratch);
 *	per worker list, in the main thread: dq_changes_absorb(&c, &list);
 *	at the end: dq_changes_finish(&c, hashes_out_path, summary);
 *	dq_changes_release(&c);
 *
 * The hashes file is NDJSON, one line per key, sorted by key:
 * {"key":ID,"hash":"32 hex digits"}, ID the key's JSON as the record had
 * it (a string or a number).  Keys compare by value (stream/canon.h: 7
 * and 7.0 are one key, "7" another).  A record whose key field is absent
 * or not a string or number is "unkeyed": counted, not tagged, not in
 * the file.  A key seen twice in a run is counted in duplicate_keys and
 * each record is tagged; the file keeps the later one's hash.  gone: the
 * previous file's keys this run did not see.
 */
#ifndef DQ_CHANGES_H
#define DQ_CHANGES_H

#include <stddef.h>
#include <stdint.h>

#include <cjson/cJSON.h>

#include "base/strmap.h"
#include "stream/canon.h"
#include "stream/json.h"

enum dq_change {
	DQ_CHANGE_NEW,
	DQ_CHANGE_CHANGED,
	DQ_CHANGE_UNCHANGED,
	DQ_CHANGE_UNKEYED,
	DQ_CHANGE_NKINDS
};

/* "new", "changed", "unchanged", "unkeyed". */
extern const char *const dq_change_names[DQ_CHANGE_NKINDS];

/* One keyed record of this run (a worker's list holds them). */
struct dq_change_ent {
	uint64_t seq;
	char *key;      /* canonical form of the key (owned) */
	size_t keylen;
	char *raw;      /* the key's JSON as written (owned) */
	char hash[DQ_CANON_HEX + 1];
};

struct dq_change_list {
	struct dq_change_ent *v; /* owned */
	size_t n, cap;
	uint64_t count[DQ_CHANGE_NKINDS];
};

struct dq_changes {
	struct dq_strmap prev;   /* canonical key -> index in prevhash */
	char (*prevhash)[DQ_CANON_HEX + 1]; /* owned */
	char **prevraw;          /* owned: the keys as written */
	struct dq_change_list all; /* every worker's, absorbed */
};

void dq_changes_init(struct dq_changes *c);
void dq_changes_release(struct dq_changes *c);
void dq_change_list_release(struct dq_change_list *l);

/* Read the previous run's hashes file: 0, or -1 after a message naming
 * the file and line. */
int dq_changes_load(struct dq_changes *c, const char *path);

/*
 * Hash record r (its values, "_dq" left out) and tag it against the
 * previous hashes by its key member (NULL: none); the entry goes to l
 * (the caller's, one per thread).  scratch is the caller's buffer.
 */
enum dq_change dq_changes_tag(const struct dq_changes *c,
			      struct dq_change_list *l, uint64_t seq,
			      const struct dq_member *key,
			      const struct dq_record *r,
			      struct dq_buf *scratch);

/* Move l's entries and counts into c (l is left empty). */
void dq_changes_absorb(struct dq_changes *c, struct dq_change_list *l);

/*
 * The run's figures into summary (an object "changes": new, changed,
 * unchanged, gone, unkeyed, duplicate_keys, and gone_keys: the first 100
 * gone keys) and, when out is not NULL, this run's hashes as the next
 * run's previous file.  0, or -1 after a message.
 */
int dq_changes_finish(struct dq_changes *c, const char *out, cJSON *summary);

#endif
