/* csv.h - placeholder replaced by the CSV module's own header on merge. */
#ifndef DQ_CSV_H
#define DQ_CSV_H
#include <stddef.h>
struct dq_csv_opts {
	const char *delim;
	int latin1;
	int no_header;
};
void dq_csv_opts_init(struct dq_csv_opts *o);
struct dq_csv;
struct dq_csv *dq_csv_new(const struct dq_csv_opts *o);
void dq_csv_free(struct dq_csv *c);
int dq_csv_feed(struct dq_csv *c, const char *line, size_t n, long lineno);
int dq_csv_finish(struct dq_csv *c);
struct dq_csv_row {
	const char *json;
	size_t json_len;
	const char *raw;
	size_t raw_len;
	long line;
	long rowno;
	const char *reason;
};
int dq_csv_next(struct dq_csv *c, struct dq_csv_row *row);
size_t dq_csv_ncols(const struct dq_csv *c);
const char *dq_csv_col(const struct dq_csv *c, size_t i);
const char *dq_csv_error(const struct dq_csv *c);
#endif
