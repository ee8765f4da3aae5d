/*
 * yaml.h - a YAML contract layer read into the same cJSON tree as a JSON
 * one.
 *
 * Strict, as the JSON reader is: a syntax error (a tab in indentation
 * among them), a duplicate key, a key that is not a scalar, an unknown
 * tag, an alias to an anchor not yet defined, or a number that is not
 * finite is an error naming file:line:column.  Anchors and aliases are
 * resolved (an alias is a copy of its anchor's node).  Scalars are typed
 * by the YAML 1.2 core schema: a quoted or block scalar, or one tagged
 * !!str, is a string; a plain one is null (~, null, empty), a boolean
 * (true, false, in three casings), an integer (decimal, 0o octal, 0x hex),
 * a float, or else a string.  So `zip: 02134` is the number 2134 and
 * `zip: "02134"` the string, as in JSON.
 *
 * Where each mapping key was is kept (struct dq_yaml_marks) so that a
 * later check of the tree (an unknown key) can name the line and column.
 */
#ifndef DQ_YAML_H
#define DQ_YAML_H

#include <cjson/cJSON.h>
#include <stddef.h>

struct dq_yaml_mark {
	char *path;       /* dot-joined key path, "fields.email" (owned) */
	long line, col;   /* 1-based */
};

struct dq_yaml_marks {
	struct dq_yaml_mark *v;
	size_t n, cap;
};

/*
 * Parse text[0..len) (the file called file) into a new cJSON tree, owned
 * by the caller (cJSON_Delete); the positions of its keys go to marks
 * when it is not NULL.  NULL with a message on any error.
 */
cJSON *dq_yaml_parse(const char *text, size_t len, const char *file,
		     struct dq_yaml_marks *marks);

/* Where the key at path was (NULL when unknown).  Borrowed. */
const struct dq_yaml_mark *dq_yaml_marks_find(const struct dq_yaml_marks *m,
					      const char *path);
void dq_yaml_marks_release(struct dq_yaml_marks *m);

/* Does this name (.yaml, .yml) or this text (not starting with '{' after
 * white space and comments) look like a YAML layer rather than JSON? */
int dq_yaml_is_yaml(const char *file, const char *text, size_t len);

struct dq_buf;

/*
 * Append j (an object) to out as a YAML document that dq_yaml_parse
 * reads back as j: objects in block style, every string double-quoted
 * (JSON's escapes are YAML's), a list holding an object with members
 * in block style ("- " entries, as ODCS documents are written), other
 * lists in flow style (JSON's).
 */
void dq_yaml_emit(const cJSON *j, struct dq_buf *out);

#endif
