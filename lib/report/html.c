/*
 * html.c - escaping, figures and inline SVG charts for dq-report (see
 * html.h).
 *
 * Escaping follows the HTML standard's serialisation rules for text and
 * attribute values (WHATWG HTML, "Serialising HTML fragments"), made
 * stricter so one function serves both contexts: & < > " and ' become
 * character references everywhere.  The SVG is SVG 1.1 basic shapes
 * (rect, line, polyline, text) in user units, sized by viewBox so that
 * the page's CSS can scale it.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "base/num.h"
#include "base/utf8.h"
#include "report/html.h"

/* The length of the valid UTF-8 character at s[0..n), or 0 when the byte
 * there does not begin one. */
static size_t
char_len(const unsigned char *s, size_t n)
{
	size_t k;

	if (s[0] < 0x80)
		return 1;
	if (s[0] < 0xC2 || s[0] > 0xF4)
		return 0;
	k = dq_utf8_len(s[0]);
	if (k > n || !dq_utf8_valid((const char *)s, k))
		return 0;
	return k;
}

void
dq_html_text(struct dq_buf *b, const char *s, size_t n, size_t max)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0, chars = 0;

	while (i < n) {
		size_t k = char_len(p + i, n - i);
		unsigned c = p[i];

		if (max && chars == max)
			break;
		chars++;
		if (!k) {
			dq_buf_addstr(b, "\xEF\xBF\xBD"); /* U+FFFD */
			i++;
			continue;
		}
		if (k > 1) {
			dq_buf_add(b, s + i, k);
			i += k;
			continue;
		}
		i++;
		switch (c) {
		case '&': dq_buf_addstr(b, "&amp;"); break;
		case '<': dq_buf_addstr(b, "&lt;"); break;
		case '>': dq_buf_addstr(b, "&gt;"); break;
		case '"': dq_buf_addstr(b, "&quot;"); break;
		case '\'': dq_buf_addstr(b, "&#39;"); break;
		case '\t':
		case '\n': dq_buf_addch(b, (int)c); break;
		default:
			if (c < 0x20 || c == 0x7F) {
				/* U+2400 + c, U+2421 for DEL: E2 90 80+. */
				unsigned cp = c == 0x7F ? 0x21 : c;
				dq_buf_addch(b, 0xE2);
				dq_buf_addch(b, 0x90);
				dq_buf_addch(b, (int)(0x80 + cp));
			} else {
				dq_buf_addch(b, (int)c);
			}
		}
	}
	if (i < n) {
		size_t more = 0;
		while (i < n) {
			size_t k = char_len(p + i, n - i);
			i += k ? k : 1;
			more++;
		}
		dq_buf_addf(b, "\xE2\x80\xA6 (%zu more characters)", more);
	}
}

void
dq_html_str(struct dq_buf *b, const char *s)
{
	if (s)
		dq_html_text(b, s, strlen(s), 0);
}

/* The digits of the whole number w (w >= 0), in groups of three. */
static void
add_grouped(struct dq_buf *b, double w)
{
	char d[32];
	int n = snprintf(d, sizeof d, "%.0f", w);

	for (int i = 0; i < n; i++) {
		if (i && (n - i) % 3 == 0)
			dq_buf_addch(b, ',');
		dq_buf_addch(b, d[i]);
	}
}

void
dq_html_count(struct dq_buf *b, double v)
{
	if (!isfinite(v)) {
		dq_buf_addstr(b, "n/a");
		return;
	}
	if (v < 0) {
		dq_buf_addch(b, '-');
		v = -v;
	}
	if (v >= 1e18) {
		dq_buf_addf(b, "%.3g", v);
		return;
	}
	add_grouped(b, round(v));
}

void
dq_html_num(struct dq_buf *b, double v)
{
	double w, f;
	int dec;

	if (!isfinite(v) || fabs(v) >= 1e15 ||
	    (v != 0 && fabs(v) < 0.0001)) {
		if (!isfinite(v))
			dq_buf_addstr(b, "n/a");
		else
			dq_buf_addf(b, "%.4g", v);
		return;
	}
	if (v < 0) {
		dq_buf_addch(b, '-');
		v = -v;
	}
	/* Four decimals below 1000, two above. */
	dec = v < 1000 ? 4 : 2;
	f = pow(10, dec);
	v = round(v * f) / f;
	w = floor(v);
	add_grouped(b, w);
	if (v > w) {
		struct dq_buf t = DQ_BUF_INIT;
		dq_num_add_fixed(&t, v - w, dec);
		/* "0.25" -> ".25" */
		if (t.len > 1)
			dq_buf_add(b, t.buf + 1, t.len - 1);
		dq_buf_release(&t);
	}
}

void
dq_html_pct(struct dq_buf *b, double rate)
{
	double p;

	if (!isfinite(rate)) {
		dq_buf_addstr(b, "n/a");
		return;
	}
	p = round(rate * 1000) / 10;
	if (p == 0 && rate > 0) {
		dq_buf_addstr(b, "&lt;0.1%");
		return;
	}
	dq_num_add_fixed(b, p, 1);
	dq_buf_addch(b, '%');
}

void
dq_html_fig(struct dq_buf *b, double v, enum dq_html_fmt fmt)
{
	if (fmt == DQ_HTML_PCT)
		dq_html_pct(b, v);
	else if (fmt == DQ_HTML_NUM)
		dq_html_num(b, v);
	else
		dq_html_count(b, v);
}

void
dq_html_bars(struct dq_buf *b, const char *const *label, const double *value,
	     size_t n, size_t label_max, enum dq_html_fmt fmt)
{
	const int row = 18, lw = 200, bw = 260, vw = 90;
	double top = 0;

	for (size_t i = 0; i < n; i++)
		if (value[i] > top)
			top = value[i];
	dq_buf_addf(b,
		    "<svg class=\"bars\" role=\"img\" viewBox=\"0 0 %d %zu\" "
		    "width=\"%d\" height=\"%zu\">",
		    lw + bw + vw, n * (size_t)row + 4, lw + bw + vw,
		    n * (size_t)row + 4);
	for (size_t i = 0; i < n; i++) {
		double w = top > 0 ? value[i] / top * bw : 0;
		int y = (int)i * row + 2;

		if (w > 0 && w < 1)
			w = 1;
		dq_buf_addf(b, "<g><title>");
		dq_html_text(b, label[i], strlen(label[i]), label_max);
		dq_buf_addstr(b, ": ");
		dq_html_fig(b, value[i], fmt);
		dq_buf_addf(b,
			    "</title><text x=\"%d\" y=\"%d\" "
			    "text-anchor=\"end\">",
			    lw - 6, y + 13);
		dq_html_text(b, label[i], strlen(label[i]), label_max);
		dq_buf_addf(b,
			    "</text><rect x=\"%d\" y=\"%d\" width=\"%.1f\" "
			    "height=\"%d\"/><text x=\"%.1f\" y=\"%d\">",
			    lw, y + 2, w, row - 4, lw + w + 4, y + 13);
		dq_html_fig(b, value[i], fmt);
		dq_buf_addstr(b, "</text></g>");
	}
	dq_buf_addstr(b, "</svg>");
}

void
dq_html_histogram(struct dq_buf *b, const uint64_t *count, size_t n,
		  double lo, double hi, const double *marks,
		  const char *const *mark_label, size_t nmarks)
{
	const int w = 560, h = 160, pad = 24;
	uint64_t top = 0;
	double cw = n ? (double)(w - 2 * pad) / (double)n : 0;

	for (size_t i = 0; i < n; i++)
		if (count[i] > top)
			top = count[i];
	dq_buf_addf(b,
		    "<svg class=\"hist\" role=\"img\" viewBox=\"0 0 %d %d\" "
		    "width=\"%d\" height=\"%d\">",
		    w, h + 20, w, h + 20);
	for (size_t i = 0; i < n; i++) {
		double ch = top ? (double)count[i] / (double)top * (h - 30)
				: 0;
		double x = pad + (double)i * cw;

		if (count[i] && ch < 1)
			ch = 1;
		dq_buf_addstr(b, "<g><title>");
		dq_html_num(b, lo + (hi - lo) * (double)i / (double)n);
		dq_buf_addstr(b, " to ");
		dq_html_num(b, lo + (hi - lo) * (double)(i + 1) / (double)n);
		dq_buf_addstr(b, ": ");
		dq_html_count(b, (double)count[i]);
		dq_buf_addf(b,
			    "</title><rect x=\"%.1f\" y=\"%.1f\" "
			    "width=\"%.1f\" height=\"%.1f\"/></g>",
			    x + 1, h - ch, cw - 2 > 1 ? cw - 2 : 1, ch);
	}
	dq_buf_addf(b,
		    "<line class=\"axis\" x1=\"%d\" y1=\"%d\" x2=\"%d\" "
		    "y2=\"%d\"/>",
		    pad, h, w - pad, h);
	dq_buf_addf(b, "<text x=\"%d\" y=\"%d\">", pad, h + 14);
	dq_html_num(b, lo);
	dq_buf_addf(b, "</text><text x=\"%d\" y=\"%d\" text-anchor=\"end\">",
		    w - pad, h + 14);
	dq_html_num(b, hi);
	dq_buf_addstr(b, "</text>");
	for (size_t i = 0; i < nmarks && hi > lo; i++) {
		double x = pad + (marks[i] - lo) / (hi - lo) * (w - 2 * pad);
		dq_buf_addf(b,
			    "<line class=\"mark\" x1=\"%.1f\" y1=\"%d\" "
			    "x2=\"%.1f\" y2=\"%d\"/><text class=\"mark\" "
			    "x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">",
			    x, 12 + 12 * (int)(i % 2), x, h, x,
			    10 + 12 * (int)(i % 2));
		dq_html_str(b, mark_label[i]);
		dq_buf_addstr(b, "</text>");
	}
	dq_buf_addstr(b, "</svg>");
}

void
dq_html_trend(struct dq_buf *b, const double *v, size_t n, int width,
	      int height)
{
	double lo = INFINITY, hi = -INFINITY;
	int open = 0;
	size_t last = n;

	for (size_t i = 0; i < n; i++) {
		if (isnan(v[i]))
			continue;
		lo = v[i] < lo ? v[i] : lo;
		hi = v[i] > hi ? v[i] : hi;
		last = i;
	}
	dq_buf_addf(b,
		    "<svg class=\"trend\" role=\"img\" viewBox=\"0 0 %d %d\" "
		    "width=\"%d\" height=\"%d\">",
		    width, height, width, height);
	if (last == n) {
		dq_buf_addstr(b, "</svg>");
		return;
	}
	if (hi == lo) {
		lo -= 1;
		hi += 1;
	}
#define TX(i) (n > 1 ? 3 + (double)(i) * (width - 6) / (double)(n - 1) \
		     : width / 2.0)
#define TY(x) (height - 3 - ((x)-lo) / (hi - lo) * (height - 6))
	for (size_t i = 0; i < n; i++) {
		if (isnan(v[i])) {
			if (open)
				dq_buf_addstr(b, "\"/>");
			open = 0;
			continue;
		}
		if (!open)
			dq_buf_addstr(b, "<polyline points=\"");
		dq_buf_addf(b, "%s%.1f,%.1f", open ? " " : "", TX(i), TY(v[i]));
		open = 1;
	}
	if (open)
		dq_buf_addstr(b, "\"/>");
	dq_buf_addf(b, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"2.5\"/></svg>",
		    TX(last), TY(v[last]));
#undef TX
#undef TY
}
