/*
 * classify.c - the tables behind profile/classify.h and the date-word
 * test.
 *
 * Byte properties.  dq_classify_props[c] holds, for each byte c, the
 * DQ_CLASSIFY_* bits that classifying a string needs: digit, ASCII letter,
 * "@", a byte dq_date_parse never reads, a byte no phone number has, a
 * byte no number has, a UTF-8 continuation byte.  dq_classify_shape_map[c]
 * is the byte's shape character.  Both are constant tables built by the
 * preprocessor, so they need no initialization and threads share them.
 *
 * Date words.  lib/norm/date.c reads, among letters, only month and
 * weekday names (full or of three letters) and a few other words; a run
 * of letters that is none of them means the string is not a date, which
 * is cheaper to see here than to let the parser refuse it.  The words are
 * packed into integers (5 bits a letter) and kept in an open-addressing
 * table of 128 entries, built once (pthread_once) on first use; an
 * acquire load of a flag the builder sets last spares later calls the
 * call to pthread_once (once per word, it cost dq-profile 21M
 * instructions on a million records).
 */
#include <pthread.h>
#include <string.h>

#include "profile/classify.h"

const char *const dq_vtype_names[DQ_VT_COUNT] = {
	"integer", "number", "boolean", "string", "date",
	"datetime", "email", "phone", "object", "array"
};

int
dq_vtype_index(const char *name)
{
	for (int t = 0; t < DQ_VT_COUNT; t++)
		if (name && !strcmp(name, dq_vtype_names[t]))
			return t;
	return -1;
}

#define DIGIT(c) ((c) >= '0' && (c) <= '9')
#define ALPHA(c) (((c) | 0x20) >= 'a' && ((c) | 0x20) <= 'z')
#define SEP(c)                                                          \
	((c) == ' ' || (c) == '+' || (c) == ',' || (c) == '-' ||        \
	 (c) == '.' || (c) == '/' || (c) == ':' || ((c) >= '\t' && (c) <= '\r'))
#define NBSP(c)                                                         \
	((c) == 0x80 || (c) == 0xa0 || (c) == 0xaf || (c) == 0xc2 ||    \
	 (c) == 0xe2)
#define PHONEC(c)                                                       \
	((c) == '+' || (c) == '(' || (c) == ')' || (c) == '-' ||        \
	 (c) == '.' || (c) == ' ')
#define NUMC(c)                                                         \
	((c) == '+' || (c) == '-' || (c) == '.' || (c) == 'e' || (c) == 'E')
#define PROPS(c)                                                        \
	(unsigned char)((DIGIT(c) ? DQ_CLASSIFY_DIGIT : 0) |            \
			(ALPHA(c) ? DQ_CLASSIFY_ALPHA : 0) |            \
			(DIGIT(c) || ALPHA(c) || SEP(c) || NBSP(c) ?    \
				 0 : DQ_CLASSIFY_NODATE) |              \
			((c) == '@' ? DQ_CLASSIFY_AT : 0) |             \
			(DIGIT(c) || PHONEC(c) ? 0 : DQ_CLASSIFY_NOPHONE) | \
			(DIGIT(c) || NUMC(c) ? 0 : DQ_CLASSIFY_NONNUM) | \
			(((c) & 0xc0) == 0x80 ? DQ_CLASSIFY_CONT : 0))
#define SHAPE(c)                                                        \
	(char)((c) >= 'A' && (c) <= 'Z' ? 'A' :                         \
	       (c) >= 'a' && (c) <= 'z' ? 'a' :                         \
	       DIGIT(c) ? '9' : (c) >= 0x80 ? 0 : (c))
#define T4(F, c) F(c), F((c) + 1), F((c) + 2), F((c) + 3)
#define T16(F, c) T4(F, c), T4(F, (c) + 4), T4(F, (c) + 8), T4(F, (c) + 12)
#define T64(F, c) T16(F, c), T16(F, (c) + 16), T16(F, (c) + 32), \
	T16(F, (c) + 48)
#define T256(F) T64(F, 0), T64(F, 64), T64(F, 128), T64(F, 192)

const unsigned char dq_classify_props[256] = { T256(PROPS) };
const char dq_classify_shape_map[256] = { T256(SHAPE) };

/*
 * The words lib/norm/date.c reads (its grammar comment): month and weekday
 * names, full or of three letters, and the other abbreviations; zone
 * names; ordinal suffixes; "of" and "at"; and the single letters it
 * reads one at a time ("T", "W", "Z", "a.m.", "p.m.").
 */
static const char *const date_names[] = {
	"january", "february", "march", "april", "may", "june", "july",
	"august", "september", "october", "november", "december", "sept",
	"monday", "tuesday", "wednesday", "thursday", "friday", "saturday",
	"sunday", "tues", "thur", "thurs"
};
#define NDATE_NAMES (sizeof(date_names) / sizeof(*date_names))

static const char *const date_words[] = {
	"a", "m", "p", "t", "w", "z", "am", "pm", "ut", "utc", "gmt",
	"est", "edt", "cst", "cdt", "mst", "mdt", "pst", "pdt", "st", "nd",
	"rd", "th", "of", "at"
};
#define NDATE_WORDS (sizeof(date_words) / sizeof(*date_words))

/* n <= 9 lowercase letters as a number, 5 bits each (non-zero, and
 * different for different words). */
static uint64_t
pack(const char *w, size_t n)
{
	uint64_t x = 0;
	for (size_t i = 0; i < n; i++)
		x = x << 5 | (uint64_t)(w[i] - 'a' + 1);
	return x;
}

/* The packed words in an open-addressing table (0 free); the low bit of
 * an entry marks a name a date may start with. */
static uint64_t tab[128];
static pthread_once_t tab_once = PTHREAD_ONCE_INIT;
static int tab_ready;

static void
tab_init(void)
{
	for (size_t k = 0; k < 2 * NDATE_NAMES + NDATE_WORDS; k++) {
		const char *t = k < 2 * NDATE_NAMES ?
			date_names[k % NDATE_NAMES] :
			date_words[k - 2 * NDATE_NAMES];
		uint64_t y = pack(t, k >= NDATE_NAMES &&
				  k < 2 * NDATE_NAMES ? 3 : strlen(t));
		size_t i = (size_t)(y * 0x9e3779b97f4a7c15u >> 57);
		while (tab[i] && tab[i] >> 1 != y)
			i = (i + 1) & 127;
		if (!tab[i])
			tab[i] = y << 1 | (k < 2 * NDATE_NAMES);
	}
	__atomic_store_n(&tab_ready, 1, __ATOMIC_RELEASE);
}

/* Is w (n lowercase letters) a word of a date?  A date that starts
 * with a letter starts with a month or weekday name (first). */
static int
date_word(const char *w, size_t n, int first)
{
	uint64_t x = pack(w, n);
	size_t i;
	if (!__atomic_load_n(&tab_ready, __ATOMIC_ACQUIRE))
		pthread_once(&tab_once, tab_init);
	i = (size_t)(x * 0x9e3779b97f4a7c15u >> 57);
	for (; tab[i]; i = (i + 1) & 127)
		if (tab[i] >> 1 == x)
			return !first || (tab[i] & 1);
	return 0;
}

int
dq_classify_date_words(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		char w[9];
		size_t j = i;
		if (!(dq_classify_props[(unsigned char)s[i]] &
		      DQ_CLASSIFY_ALPHA))
			continue;
		for (; j < n && (dq_classify_props[(unsigned char)s[j]] &
				 DQ_CLASSIFY_ALPHA); j++)
			if (j - i < sizeof(w))
				w[j - i] = (char)(s[j] | 0x20);
		if (j - i > sizeof(w) || !date_word(w, j - i, i == 0))
			return 0;
		i = j;
	}
	return 1;
}
