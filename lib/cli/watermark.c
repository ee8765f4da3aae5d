/*
 * watermark.c - records changed since the last successful run
 * (cli/watermark.h).
 */
#include "cli/watermark.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/util.h"
#include "contract/contract.h"
#include "contract/types.h"
#include "stream/out.h"

void
dq_watermark_init(struct dq_watermark *w)
{
	memset(w, 0, sizeof(*w));
}

void
dq_watermark_release(struct dq_watermark *w)
{
	free(w->field);
	free(w->state);
	memset(w, 0, sizeof(*w));
}

/* The time text s[0..n) (unescaped) in seconds since 1970: 0, or -1. */
static int
parse_time(const char *s, size_t n, double *t)
{
	long long days;
	double secs;
	char *end;

	if (dq_iso_parse(s, n, &days, &secs) >= 0) {
		*t = (double)days * 86400 + secs;
		return 0;
	}
	if (!n || n >= DQ_WATERMARK_TEXT)
		return -1;
	char buf[DQ_WATERMARK_TEXT];
	memcpy(buf, s, n);
	buf[n] = '\0';
	errno = 0;
	*t = strtod(buf, &end);
	return *end || errno || end == buf ? -1 : 0;
}

/* FIELD=VALUE: the field into w, the value's start returned (NULL after
 * a message). */
static const char *
split_arg(struct dq_watermark *w, const char *opt, const char *arg,
	  const char *what)
{
	const char *eq = strchr(arg, '=');
	if (!eq || eq == arg || !eq[1]) {
		dq_error("%s '%s': expected FIELD=%s", opt, arg, what);
		return NULL;
	}
	if (w->field && (strlen(w->field) != (size_t)(eq - arg) ||
			 memcmp(w->field, arg, (size_t)(eq - arg)))) {
		dq_error("%s '%s': --since and --watermark name one field",
			 opt, arg);
		return NULL;
	}
	free(w->field);
	w->field = dq_xstrndup(arg, (size_t)(eq - arg));
	w->fieldlen = (size_t)(eq - arg);
	return eq + 1;
}

int
dq_watermark_since(struct dq_watermark *w, const char *arg)
{
	const char *t = split_arg(w, "--since", arg, "TIME");
	if (!t)
		return -1;
	if (strlen(t) >= DQ_WATERMARK_TEXT || parse_time(t, strlen(t), &w->since))
		return dq_error("--since '%s': not an ISO 8601 date or "
				"date-time, nor seconds since 1970", arg);
	snprintf(w->since_text, sizeof(w->since_text), "%s", t);
	w->have_since = 1;
	return 0;
}

int
dq_watermark_state(struct dq_watermark *w, const char *arg)
{
	const char *f = split_arg(w, "--watermark", arg, "FILE");
	if (!f)
		return -1;
	free(w->state);
	w->state = dq_xstrdup(f);
	return 0;
}

int
dq_watermark_load(struct dq_watermark *w)
{
	size_t len;
	char *text;
	cJSON *doc, *f, *s;
	int rc = -1;

	if (!w->state || w->have_since)
		return 0;
	FILE *fp = fopen(w->state, "r");
	if (!fp) {
		if (errno == ENOENT)
			return 0; /* the first run */
		return dq_error("--watermark %s: %s", w->state,
				strerror(errno));
	}
	fclose(fp);
	if (!(text = dq_read_file(w->state, &len)))
		return -1;
	doc = cJSON_ParseWithLength(text, len);
	f = cJSON_GetObjectItemCaseSensitive(doc, "field");
	s = cJSON_GetObjectItemCaseSensitive(doc, "since");
	if (!cJSON_IsString(f) || !cJSON_IsString(s) ||
	    strlen(s->valuestring) >= DQ_WATERMARK_TEXT ||
	    parse_time(s->valuestring, strlen(s->valuestring), &w->since))
		dq_error("--watermark %s: not a watermark "
			 "{\"field\":F,\"since\":TIME}", w->state);
	else if (strcmp(f->valuestring, w->field))
		dq_error("--watermark %s: the watermark of field '%s', not "
			 "'%s'", w->state, f->valuestring, w->field);
	else {
		snprintf(w->since_text, sizeof(w->since_text), "%s",
			 s->valuestring);
		w->have_since = 1;
		rc = 0;
	}
	cJSON_Delete(doc);
	free(text);
	return rc;
}

int
dq_watermark_select(const struct dq_watermark *w, const struct dq_member *m,
		    int bad, struct dq_watermark_seen *s)
{
	struct dq_buf b = DQ_BUF_INIT;
	double t;
	int ok;

	if (!m || m->type == DQ_JSON_NULL) {
		s->undated++;
		s->selected++;
		return 1;
	}
	if (!bad && (m->type == DQ_JSON_STRING || m->type == DQ_JSON_NUMBER)) {
		dq_json_unescape(m->val, m->vallen, &b);
		ok = !parse_time(b.buf, b.len, &t);
	} else {
		ok = 0;
	}
	if (!ok) {
		/* A time dq cannot read: neither taken nor dropped
		 * silently; the caller rejects the record. */
		s->unreadable++;
		dq_buf_release(&b);
		return -1;
	}
	if (w->have_since && t <= w->since) {
		s->skipped++;
		dq_buf_release(&b);
		return 0;
	}
	s->selected++;
	if ((!s->have || t > s->t) && b.len < DQ_WATERMARK_TEXT) {
		s->have = 1;
		s->t = t;
		memcpy(s->text, b.buf, b.len + 1);
	}
	dq_buf_release(&b);
	return 1;
}

void
dq_watermark_fold(struct dq_watermark *w, const struct dq_watermark_seen *s)
{
	struct dq_watermark_seen *a = &w->seen;
	a->selected += s->selected;
	a->skipped += s->skipped;
	a->undated += s->undated;
	a->unreadable += s->unreadable;
	if (s->have && (!a->have || s->t > a->t)) {
		a->have = 1;
		a->t = s->t;
		memcpy(a->text, s->text, sizeof(a->text));
	}
}

/* The new watermark's text: the latest selected, else the old one. */
static const char *
newest(const struct dq_watermark *w)
{
	if (w->seen.have && (!w->have_since || w->seen.t > w->since))
		return w->seen.text;
	return w->have_since ? w->since_text : NULL;
}

void
dq_watermark_summary(const struct dq_watermark *w, cJSON *summary)
{
	cJSON *o = cJSON_AddObjectToObject(summary, "watermark");
	const char *n = newest(w);
	cJSON_AddStringToObject(o, "field", w->field);
	cJSON_AddItemToObject(o, "since", w->have_since ?
			      cJSON_CreateString(w->since_text) :
			      cJSON_CreateNull());
	cJSON_AddItemToObject(o, "new", n ? cJSON_CreateString(n) :
			      cJSON_CreateNull());
	cJSON_AddNumberToObject(o, "selected", (double)w->seen.selected);
	cJSON_AddNumberToObject(o, "skipped", (double)w->seen.skipped);
	cJSON_AddNumberToObject(o, "undated", (double)w->seen.undated);
	cJSON_AddNumberToObject(o, "unreadable", (double)w->seen.unreadable);
}

int
dq_watermark_save(const struct dq_watermark *w)
{
	struct dq_out o;
	const char *n = newest(w);

	if (!w->state || !n)
		return 0;
	dq_out_init(&o);
	if (dq_out_open(&o, w->state))
		return -1;
	dq_buf_addstr(&o.b, "{\"field\":");
	dq_buf_add_json_string(&o.b, w->field, w->fieldlen);
	dq_buf_addstr(&o.b, ",\"since\":");
	dq_buf_add_json_string(&o.b, n, strlen(n));
	dq_buf_addstr(&o.b, "}\n");
	dq_out_close(&o);
	return dq_out_commit_all();
}
