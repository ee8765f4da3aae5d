/*
 * html.h - the text and figures of dq-report's page: one escaping
 * function, numbers as people read them, and small inline SVG charts.
 *
 * Every byte of text that reaches the page from a document goes through
 * dq_html_text(), which makes it safe in element content and in a quoted
 * attribute value alike (the five characters & < > " ' are escaped), so
 * there is one rule to get right, not two.  Besides escaping it:
 *
 *   - replaces each byte of invalid UTF-8 with U+FFFD, and each C0
 *     control character but tab and newline (and DEL) with its visible
 *     Control Pictures sign (U+2400 + c, U+2421), so nothing is dropped
 *     silently and nothing invisible changes how the page is read;
 *   - stops after max characters (0: no limit) and says how many more
 *     there were, which is what bounds the page by its caps.
 *
 * Bidirectional controls (U+202E and kin) are kept as text; the caller
 * puts values in <bdi> (dq_report_value does) so that they cannot turn
 * the text around them.
 *
 * The charts are SVG written into the page: no script, no external
 * resource, readable with JavaScript off.  Labels go through
 * dq_html_text like everything else.
 */
#ifndef DQ_HTML_H
#define DQ_HTML_H

#include <stddef.h>
#include <stdint.h>

#include "base/util.h"

/* Append s[0..n) escaped (see above), at most max characters (0: all). */
void dq_html_text(struct dq_buf *b, const char *s, size_t n, size_t max);

/* dq_html_text of the C string s (NULL: nothing), with no limit. */
void dq_html_str(struct dq_buf *b, const char *s);

/* A count with thousands separators: 1234567 -> "1,234,567". */
void dq_html_count(struct dq_buf *b, double v);

/* A figure as people read it: whole numbers as counts, others with up to
 * 4 significant decimals ("0.1235", "45172.7273" -> "45,172.73"). */
void dq_html_num(struct dq_buf *b, double v);

/* A rate 0..1 as a percentage with one decimal, trailing ".0" dropped:
 * 0.125 -> "12.5%", 0.25 -> "25%"; a rate above 0 that rounds to 0 is
 * "<0.1%", so a failure never reads as none. */
void dq_html_pct(struct dq_buf *b, double rate);

/* How a chart prints its figures: dq_html_count, _num or _pct. */
enum dq_html_fmt { DQ_HTML_COUNT, DQ_HTML_NUM, DQ_HTML_PCT };

/* Append v as fmt says. */
void dq_html_fig(struct dq_buf *b, double v, enum dq_html_fmt fmt);

/*
 * A horizontal bar chart: n rows, each its label (escaped, at most
 * label_max characters), a bar in proportion to value[i] / the largest
 * value, and the value's text in fmt.  An <svg> with a <title> per bar,
 * so the figures are in the text of the page as well as drawn.
 */
void dq_html_bars(struct dq_buf *b, const char *const *label,
		  const double *value, size_t n, size_t label_max,
		  enum dq_html_fmt fmt);

/*
 * A histogram: n bins of equal width from lo to hi, counts in count[],
 * drawn as columns; marks[0..nmarks) are x positions (in lo..hi) drawn as
 * labelled vertical lines (thresholds), mark_label[i] their labels.
 */
void dq_html_histogram(struct dq_buf *b, const uint64_t *count, size_t n,
		       double lo, double hi, const double *marks,
		       const char *const *mark_label, size_t nmarks);

/* A small trend line of v[0..n) (oldest first), the last point marked;
 * NaN values are gaps.  width and height in pixels. */
void dq_html_trend(struct dq_buf *b, const double *v, size_t n, int width,
		   int height);

#endif
