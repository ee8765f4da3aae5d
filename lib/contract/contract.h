/*
 * contract.h - loading, merging and checking dq contract files.
 *
 * A contract is one JSON document per dataset.  Several files given with
 * -c are merged in order (later wins; objects merge key by key, anything
 * else is replaced), then each --set PATH=VALUE overrides one value
 * (PATH is dot-separated; VALUE is parsed as JSON when it is valid JSON,
 * else taken as a string).  The merged contract's checksum is XXH64 of
 * its canonical form (keys sorted at every level, compact), printed as
 * 16 hex digits; every summary carries it as "contract_version".
 *
 * A layer is JSON, or YAML (contract/yaml.h) when its name ends in .yaml
 * or .yml, or when its name does not end in .json and its text does not
 * start with '{'.  After merging, env("VAR") (a whole string) and ${VAR}
 * (within a string) are replaced by the environment variable's value; an
 * unset variable is an error.  The checksum is of the contract before
 * that, so it covers the variables' names and never their values.
 *
 * Unknown keys are errors, reported with the key's path and the file (or
 * "--set") that brought it, so a typo never silently disables a rule.
 * The known keys are described by dq_contract_schema (contract.c), the one
 * place every program's sections are declared.
 */
#ifndef DQ_CONTRACT_H
#define DQ_CONTRACT_H

#include <cjson/cJSON.h>
#include <stddef.h>

struct dq_contract {
	cJSON *root;         /* the merged document (owned); never NULL;
			      * placeholders resolved */
	cJSON *declared;     /* as written, placeholders and all, when it
			      * had any (owned), else NULL */
	char checksum[17];   /* hex XXH64 of the canonical form */
	char **files;        /* names of the layers, for messages (owned) */
	size_t nfiles;
};

void dq_contract_init(struct dq_contract *c);
void dq_contract_release(struct dq_contract *c);

/*
 * Load and merge files[0..nfiles) then apply sets[0..nsets) ("a.b=v").
 * Each layer is read with dq's strict JSON validator (so duplicate keys and
 * invalid UTF-8 are errors) and checked against the schema.  Returns 0, or
 * -1 after printing a message naming the file.
 */
int dq_contract_load(struct dq_contract *c, char **files, size_t nfiles,
		     char **sets, size_t nsets);

/* The merged contract as written (env("VAR") and ${VAR} placeholders
 * not resolved): what --print-contract shows.  Borrowed. */
const cJSON *dq_contract_declared(const struct dq_contract *c);

/* A top-level section of the merged contract, or NULL. Borrowed. */
cJSON *dq_contract_get(const struct dq_contract *c, const char *section);

/* obj.key = v (the item is taken), replacing what was there. */
void dq_contract_put(cJSON *obj, const char *key, cJSON *v);

/*
 * Walk doc (one contract document as written) through the schema of known
 * keys as dq_contract_load does, but on past each problem: fn gets each
 * key the schema does not know (path "fields.email.requird", what
 * "unknown key", near the known key at that place one or two edits from
 * it, or NULL) and each place that must be an object and is not (what
 * "must be an object", near NULL).  Strings passed are borrowed for the
 * call.  Returns the number of calls.
 */
typedef void (*dq_contract_key_fn)(void *ctx, const char *path,
				   const char *what, const char *near);
size_t dq_contract_keys_each(const cJSON *doc, dq_contract_key_fn fn,
			     void *ctx);

/* Read one document, JSON or YAML as a layer is read (strictly) but
 * without checking its keys: a tree owned by the caller, or NULL after
 * a message naming the file.  For foreign schemas (contract/import.h). */
cJSON *dq_contract_read_doc(const char *file);

/* Read a whole file (or "-") into a malloc'd NUL-terminated buffer.
 * Returns NULL with a message on error. */
char *dq_read_file(const char *path, size_t *len);

#endif
