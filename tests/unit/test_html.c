/* Unit tests for lib/report/html.c: the escaping every text of
 * dq-report's page goes through (both contexts, control characters,
 * invalid UTF-8, the cap, a 1 MB value) and the figures' text. */
#include <stdlib.h>
#include <string.h>

#include "report/html.h"
#include "unit.h"

static struct dq_buf b = DQ_BUF_INIT;

static const char *
esc(const char *s, size_t n, size_t max)
{
	dq_buf_reset(&b);
	dq_html_text(&b, s, n, max);
	return b.buf;
}

static const char *
fig(double v, enum dq_html_fmt f)
{
	dq_buf_reset(&b);
	dq_html_fig(&b, v, f);
	return b.buf;
}

int
main(void)
{
	char *big;

	UNIT_STR(esc("", 0, 0), "", "empty");
	UNIT_STR(esc("<script>\"a\"&'b'</script>", 24, 0),
		 "&lt;script&gt;&quot;a&quot;&amp;&#39;b&#39;&lt;/script&gt;",
		 "the five characters, for text and attributes alike");
	UNIT_STR(esc("a\tb\nc", 5, 0), "a\tb\nc", "tab and newline kept");
	UNIT_STR(esc("a\x01" "b\x1f\x7f", 5, 0),
		 "a\xE2\x90\x81" "b\xE2\x90\x9F\xE2\x90\xA1",
		 "C0 controls and DEL as control pictures");
	UNIT_MEM(esc("a\0b", 3, 0), b.len, "a\xE2\x90\x80" "b", 5,
		 "NUL as U+2400, not the end");
	UNIT_STR(esc("\xC3\xA9\xE2\x80\xAE", 5, 0), "\xC3\xA9\xE2\x80\xAE",
		 "valid UTF-8 (U+202E included) kept as it is");
	UNIT_STR(esc("a\xC3(\xFF\xED\xA0\x80z", 8, 0),
		 "a\xEF\xBF\xBD(\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD"
		 "\xEF\xBF\xBDz",
		 "invalid UTF-8 (a cut sequence, 0xFF, a surrogate) as "
		 "U+FFFD a byte");
	UNIT_STR(esc("\xC3\xA9t\xC3\xA9s", 7, 2),
		 "\xC3\xA9t\xE2\x80\xA6 (3 more characters)",
		 "the cap counts characters, not bytes");
	UNIT_STR(esc("abc", 3, 3), "abc", "exactly the cap: nothing said");
	big = malloc(1 << 20);
	memset(big, '<', 1 << 20);
	UNIT_INT((long long)strlen(esc(big, 1 << 20, 0)), 4LL << 20,
		 "a 1 MB value: every byte escaped");
	UNIT_STR(esc(big, 1 << 20, 3),
		 "&lt;&lt;&lt;\xE2\x80\xA6 (1048573 more characters)",
		 "a 1 MB value cut at 3");
	free(big);

	UNIT_STR(fig(1234567, DQ_HTML_COUNT), "1,234,567", "count");
	UNIT_STR(fig(0, DQ_HTML_COUNT), "0", "count 0");
	UNIT_STR(fig(-1000, DQ_HTML_COUNT), "-1,000", "negative count");
	UNIT_STR(fig(NAN, DQ_HTML_COUNT), "n/a", "NaN count");
	UNIT_STR(fig(0.125, DQ_HTML_PCT), "12.5%", "rate");
	UNIT_STR(fig(0.25, DQ_HTML_PCT), "25%", "rate without .0");
	UNIT_STR(fig(1.0 / 7, DQ_HTML_PCT), "14.3%", "rate rounded");
	UNIT_STR(fig(0.0004, DQ_HTML_PCT), "&lt;0.1%",
		 "a failure rate never reads as 0%");
	UNIT_STR(fig(0, DQ_HTML_PCT), "0%", "no failure");
	UNIT_STR(fig(45172.7272727, DQ_HTML_NUM), "45,172.73",
		 "two decimals from 1000");
	UNIT_STR(fig(46.428571428, DQ_HTML_NUM), "46.4286", "four below");
	UNIT_STR(fig(-15.5, DQ_HTML_NUM), "-15.5", "negative");
	UNIT_STR(fig(3, DQ_HTML_NUM), "3", "whole");
	UNIT_STR(fig(0.00001234, DQ_HTML_NUM), "1.234e-05", "tiny");
	dq_buf_release(&b);
	return unit_done();
}
