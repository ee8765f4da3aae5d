/*
 * import.h - a contract from a schema written for another tool.
 *
 * An importer reads a foreign document (JSON Schema, Table Schema, dbt,
 * SodaCL, Great Expectations, ODCS) and builds
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
#include <stddef.h>

struct dq_import {
	const char *file; /* the source's name, for messages (borrowed) */
	const char *sub;  /* a file it names being read (a package's
			   * resource schema), or NULL (borrowed); entries
			   * then carry "file" */
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

/*
 * The contract from a Frictionless Table Schema, or from the resource
 * called resource (NULL: the only one) of a Data Package (a document
 * with "resources").  dir is the directory of the document, with its
 * '/' ("" for the working directory): a resource's schema given as a
 * path is read from there, and a foreign key's resource becomes a
 * reference to its file, named as the package names it.  A new object
 * owned by the caller, or NULL after a message.
 */
cJSON *dq_import_tableschema(struct dq_import *im, const cJSON *doc,
			     const char *dir, const char *resource);

/*
 * The contract of the model called model (NULL: the only one) of a dbt
 * properties file (schema.yml, read as JSON): its columns as fields,
 * their tests (unique, not_null, accepted_values, relationships) as
 * checks, severity warn as the check's.  refs is a NULL-ended list of
 * "NAME=FILE" (borrowed; NULL for none): a relationships test to
 * ref('NAME') becomes a reference to FILE, one to a model not listed is
 * reported.  A new object owned by the caller, or NULL after a message
 * (no models; several and model NULL; no model of that name).
 */
cJSON *dq_import_dbt(struct dq_import *im, const cJSON *doc,
		     const char *model, const char *const *refs);

/*
 * The contract of the checks for the dataset called table (NULL: the
 * only one) of a SodaCL checks file (checks.yml, read as JSON): missing,
 * validity and duplicate checks as the column's checks or as null_rate,
 * duplicate_rate rules and tolerances; row_count and avg/min/max/sum/
 * stddev as row_count and aggregate rules; a schema check's required,
 * forbidden and typed columns; a reference check to a dataset refs
 * names ("NAME=FILE", as for dq_import_dbt) as a reference.  The rest
 * is reported.  A new object owned by the caller, or NULL after a
 * message.
 */
cJSON *dq_import_soda(struct dq_import *im, const cJSON *doc,
		      const char *table, const char *const *refs);

/*
 * The contract of a Great Expectations suite (JSON, GX 0.x or 1.x):
 * its column expectations as the columns' checks ("mostly" as their
 * tolerance), its table expectations as row_count, columns, closed and
 * column_order rules.  The rest is reported.  A new object owned by the
 * caller, or NULL after a message when doc has no expectations list.
 */
cJSON *dq_import_gx(struct dq_import *im, const cJSON *doc);

/*
 * The contract of the schema object called name (NULL: the only one) of
 * an Open Data Contract Standard v3 document (YAML read as JSON): its
 * properties as fields (logicalType, required, unique, primaryKey,
 * logicalTypeOptions), its library quality rules (nullValues,
 * missingValues, invalidValues, duplicateValues, rowCount) as checks
 * and null_rate, duplicate_rate, row_count rules.  The rest is
 * reported.  A new object owned by the caller, or NULL after a message
 * (no schema; several and name NULL; no object of that name).
 */
cJSON *dq_import_odcs(struct dq_import *im, const cJSON *doc,
		      const char *name);

/*
 * The JSON Schema (2020-12) of what the contract (a merged contract's
 * document) checks, for the subset JSON Schema can say; every key or
 * rule it cannot say is appended to im->report, its path a pointer into
 * the contract.  A new object owned by the caller.
 */
cJSON *dq_export_jsonschema(struct dq_import *im, const cJSON *contract);

/*
 * The Frictionless Table Schema of what the contract checks, for the
 * subset a Table Schema can say (the inverse of dq_import_tableschema);
 * the rest is appended to im->report as dq_export_jsonschema does.  A
 * new object owned by the caller.
 */
cJSON *dq_export_tableschema(struct dq_import *im, const cJSON *contract);

/*
 * The Open Data Contract Standard (v3.1) document of what the contract
 * checks, as one schema object, for the subset ODCS's schema and library
 * quality rules can say (the inverse of dq_import_odcs: a rule's code is
 * its quality rule's name); the rest is appended to im->report as
 * dq_export_jsonschema does.  im->file names the schema object when the
 * contract has no name.  A new object owned by the caller.
 */
cJSON *dq_export_odcs(struct dq_import *im, const cJSON *contract);

/* For importers: append a report entry (status "approximate" when
 * approx, else "not translated") at the JSON pointer ptr. */
void dq_import_note(struct dq_import *im, const char *ptr,
		    const char *keyword, int approx, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));

/* ptr + "/" + key, the key escaped as RFC 6901 says (~0, ~1); the
 * caller frees it. */
char *dq_import_pointer(const char *ptr, const char *key);

/* The FILE of the "NAME=FILE" in refs (NULL-ended, or NULL) whose NAME
 * is name[0..len), or NULL.  Borrowed from refs. */
const char *dq_import_ref(const char *const *refs, const char *name,
			  size_t len);

/* For importers: the entry of fields for the column col (a name, made
 * a dq path), added empty when there is none.  Borrowed from fields. */
cJSON *dq_import_field(cJSON *fields, const char *col);

/* For importers: the rule code (built like printf) added to rules as
 * {"check": check}, with "severity": sev unless sev is NULL or "error".
 * Borrowed from rules. */
cJSON *dq_import_rule(cJSON *rules, const char *check, const char *sev,
		      const char *code_fmt, ...)
	__attribute__((format(printf, 4, 5)));

/* For importers: add key: v to the field f (taking v), unless f has
 * key already: then v is freed, a "not translated" entry ("a second
 * WHAT sets ...") made at ptr, and -1 returned. */
int dq_import_put(struct dq_import *im, cJSON *f, const char *key, cJSON *v,
		  const char *ptr, const char *what);

/* For importers: set f's per-check key ("severity", "tolerance") for
 * check to v (taking v). */
void dq_import_per_check(cJSON *f, const char *key, const char *check,
			 cJSON *v);

/* For importers: remove the entries of fields that hold nothing (a
 * column only constructs not translated named). */
void dq_import_prune(cJSON *fields);

/* For importers: remove contract's empty "rules", the entries of its
 * "fields" that hold nothing (dq_import_prune), then "fields" when
 * empty. */
void dq_import_tidy(cJSON *contract);

/* path + "." + name as a dq field path, '.', '[', ']' and '\' of the
 * name escaped with a backslash (path "": the name alone); the caller
 * frees it. */
char *dq_import_path(const char *path, const char *name);

/* Is s one of the NULL-ended list's words? */
int dq_import_in_list(const char *const *list, const char *s);

/* A threshold on a measure: measure OP a, or between a and b (IN),
 * outside them (OUT). */
enum { DQ_OP_NONE, DQ_OP_EQ, DQ_OP_NE, DQ_OP_LT, DQ_OP_LE, DQ_OP_GT,
       DQ_OP_GE, DQ_OP_IN, DQ_OP_OUT };

struct dq_import_thr {
	int op;
	double a, b;
	int pct; /* a percent (a and b out of 100) */
};

/*
 * The most failures a threshold on a failure metric (a count of failing
 * rows, count 1, or a percent) lets pass: *lim, the return 1 when the
 * translation is exact, 0 when the limit is approximate (a percent with
 * <), -1 when it is no upper bound.
 */
int dq_import_failure_limit(const struct dq_import_thr *th, int count,
			    double *lim);

/*
 * The rule r's min and max from a threshold on what must hold of a
 * measure (row_count, an aggregate); integral: the measure is a count
 * (a strict bound is the next whole number).  0, 1 approximate (a
 * strict bound on a real), -1 not a range (nothing added).
 */
int dq_import_bounds(cJSON *r, const struct dq_import_thr *th, int integral);

/* For exporters: a "not translated" entry for each top-level key of the
 * contract but name, description, fields, rules, version, id and said
 * (NULL: none), which the exporter has read: "not a check FORMAT can
 * say". */
void dq_export_rest(struct dq_import *im, const cJSON *contract,
		    const char *said, const char *format);

/* Print each report entry as a warning ("FILE#PTR: STATUS: NOTE") on
 * stderr; the number printed. */
int dq_import_warn(const struct dq_import *im);

#endif
