/*
 * import.h - a contract from a schema written for another tool.
 *
 * An importer reads a foreign document (a JSON Schema today) and builds
 * the dq contract whose checks mean the same, with a report of every
 * construct it translated only approximately or could not translate at
 * all, each with its place in the source as a JSON pointer.  Nothing is
 * dropped without an entry in the report.  docs/contract.md ("Importing
 * and exporting") has the mapping table by table.
 *
 *	struct dq_import im;
 *	dq_import_init(&im, "person.schema.json");
 *	cJSON *contract = dq_import_jsonschema(&im, schema);
 *	... im.report lists the approximations ...
 *	dq_import_release(&im);
 */
#ifndef DQ_IMPORT_H
#define DQ_IMPORT_H

#include <cjson/cJSON.h>

struct dq_import {
	const char *file; /* the source's name, for messages (borrowed) */
	cJSON *report;    /* [{"path", "keyword", "status", "note"}] where
			   * status is "approximate" or "not translated"
			   * (owned) */
};

void dq_import_init(struct dq_import *im, const char *file);
void dq_import_release(struct dq_import *im);

/*
 * The contract meaning what the JSON Schema (draft-04 to 2020-12) says
 * of a record: a new object owned by the caller, or NULL after a message
 * when the schema is not a JSON Schema of objects.  Entries are appended
 * to im->report.
 */
cJSON *dq_import_jsonschema(struct dq_import *im, const cJSON *schema);

/* Print each report entry as a warning ("FILE#PTR: STATUS: NOTE") on
 * stderr; the number printed. */
int dq_import_warn(const struct dq_import *im);

#endif
