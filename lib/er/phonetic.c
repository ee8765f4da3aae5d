/*
 * phonetic.c - Soundex, NYSIIS and Double Metaphone.
 *
 * Input preparation (all three): the text is folded to ASCII with
 * dq_text_ascii() (only when it has a byte above 0x7F), upper-cased, and
 * reduced to the letters A-Z; Double Metaphone also keeps one space
 * between words.  Folding means "Ç" is coded as C and "Ñ" as N, where
 * Philips' original codes them S and N: the names reach dq already folded
 * as often as not, and one code for both spellings is what blocking wants.
 *
 * Soundex.  D. E. Knuth, The Art of Computer Programming, vol. 3, Sorting
 * and Searching, 2nd ed. (1998), sec. 6, p. 394; and US National Archives,
 * "The Soundex Indexing System" (2007).  Keep the first letter; code the
 * others B F P V = 1, C G J K Q S X Z = 2, D T = 3, L = 4, M N = 5, R = 6;
 * vowels (A E I O U Y) are dropped but separate two equal codes, H and W
 * are dropped and do not separate them ("Ashcraft" is A261, not A226);
 * adjacent equal codes count once, including the first letter's own code
 * ("Pfister" is P236); pad with zeros or cut to a letter and 3 digits.
 *
 * NYSIIS.  R. L. Taft, "Name Search Techniques", New York State
 * Identification and Intelligence System, Special Report No. 1 (1970),
 * as restated in e.g. P. Christen, Data Matching (Springer 2012), 4.3.
 * 1. Replace a leading MAC by MCC, KN by NN, K by C, PH and PF by FF, SCH
 *    by SSS.  2. Replace a trailing EE or IE by Y; DT, RT, RD, NT, ND by D.
 * 3. The first letter of the key is the first letter of the name.
 * 4. From the second letter on, translate in place: EV -> AF, else a
 *    vowel -> A; Q -> G, Z -> S, M -> N; KN -> N, else K -> C; SCH -> SSS;
 *    PH -> FF; H -> the previous letter if the previous or the next letter
 *    is not a vowel; W -> the previous letter if that is a vowel; append
 *    the result unless it equals the last letter of the key.
 * 5. Drop a final S, replace a final AY by Y, drop a final A.  The key is
 *    cut to 6 characters as in the original report.
 *
 * Double Metaphone.  L. Philips, "The Double Metaphone Search Algorithm",
 * C/C++ Users Journal 18(6), June 2000.  The rules below follow the
 * article's description letter by letter (its comments name the example
 * words each rule is for); codes are cut to 4 characters as published.
 * "0" stands for "th", "X" for "sh"/"ch".
 *
 * Limits: the codes are for names in Latin script; text with no ASCII
 * form after folding (Cyrillic, CJK) gives an empty code.
 */
#include "er/phonetic.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "norm/text.h"

/*
 * Upper-case letters of s into *res (NUL-terminated, with pad spaces
 * after it so that rules may look a few letters past the end), keeping
 * single spaces between words when spaces is set.  Returns the number of
 * letters (and spaces) or -1 on invalid UTF-8.  *res is either buf (when
 * it fits) or malloc'd; the caller frees it when it is not buf.
 */
#define PAD 6
static long
prepare(const char *s, size_t n, int spaces, char *buf, size_t bufsz,
	char **res)
{
	struct dq_buf fold = DQ_BUF_INIT;
	size_t i, k = 0;
	int ascii = 1;

	for (i = 0; i < n; i++)
		if ((unsigned char)s[i] >= 0x80) {
			ascii = 0;
			break;
		}
	if (!ascii) {
		if (dq_text_ascii(s, n, &fold))
			return -1;
		s = fold.buf;
		n = fold.len;
	}
	char *p = n + PAD + 1 <= bufsz ? buf : dq_xmalloc(n + PAD + 1);
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c >= 'a' && c <= 'z')
			p[k++] = (char)(c - 32);
		else if (c >= 'A' && c <= 'Z')
			p[k++] = (char)c;
		else if (spaces && (c == ' ' || c == '\t' || c == '-') &&
			 k && p[k - 1] != ' ')
			p[k++] = ' ';
	}
	while (k && p[k - 1] == ' ')
		k--;
	memset(p + k, ' ', PAD);
	p[k + PAD] = '\0';
	dq_buf_release(&fold);
	*res = p;
	return (long)k;
}

/* ---- Soundex ---- */

/* Codes of A..Z; 0 for vowels (separators), '-' for H and W. */
static const char sdx[26] = {
	0,   '1', '2', '3', 0,   '1', '2', '-', 0,   '2', '2', '4', '5',
	'5', 0,   '1', '2', '6', '2', '3', 0,   '1', '-', '2', 0,   '2'
};

int
dq_phonetic_soundex(const char *s, size_t n, struct dq_buf *out)
{
	char buf[128], *p;
	char code[4];
	long len = prepare(s, n, 0, buf, sizeof(buf), &p);
	int k = 1;
	char last;

	if (len < 0)
		return -1;
	if (len == 0)
		goto done;
	code[0] = p[0];
	last = sdx[p[0] - 'A'];
	for (long i = 1; i < len && k < 4; i++) {
		char c = sdx[p[i] - 'A'];
		if (c == '-')
			continue; /* H, W: neither coded nor separating */
		if (c && c != last)
			code[k++] = c;
		last = c;
	}
	while (k < 4)
		code[k++] = '0';
	dq_buf_add(out, code, 4);
done:
	if (p != buf)
		free(p);
	return 0;
}

/* ---- NYSIIS ---- */

static int
vowel5(char c)
{
	return c == 'A' || c == 'E' || c == 'I' || c == 'O' || c == 'U';
}

static int
ends(const char *p, long len, const char *suf)
{
	long m = (long)strlen(suf);
	return len >= m && !memcmp(p + len - m, suf, (size_t)m);
}

int
dq_phonetic_nysiis(const char *s, size_t n, struct dq_buf *out)
{
	char buf[128], *p;
	long len = prepare(s, n, 0, buf, sizeof(buf), &p);
	char kb[128], *key;
	long k = 0;

	if (len < 0)
		return -1;
	if (len == 0) {
		if (p != buf)
			free(p);
		return 0;
	}
	key = len + 1 <= (long)sizeof(kb) ? kb : dq_xmalloc((size_t)len + 1);

	/* Step 1: the start of the name. */
	if (len >= 3 && !memcmp(p, "MAC", 3))
		p[1] = 'C';
	else if (len >= 2 && !memcmp(p, "KN", 2))
		p[0] = 'N';
	else if (p[0] == 'K')
		p[0] = 'C';
	else if (len >= 2 && (!memcmp(p, "PH", 2) || !memcmp(p, "PF", 2)))
		p[0] = p[1] = 'F';
	else if (len >= 3 && !memcmp(p, "SCH", 3))
		p[1] = p[2] = 'S';
	/* Step 2: the end of the name. */
	if (ends(p, len, "EE") || ends(p, len, "IE")) {
		p[len - 2] = 'Y';
		len--;
	} else if (ends(p, len, "DT") || ends(p, len, "RT") ||
		   ends(p, len, "RD") || ends(p, len, "NT") ||
		   ends(p, len, "ND")) {
		p[len - 2] = 'D';
		len--;
	}
	p[len] = ' ';
	/* Step 3. */
	key[k++] = p[0];
	/* Step 4: translate in place, one letter at a time. */
	for (long i = 1; i < len; i++) {
		char c = p[i];
		if (c == 'E' && p[i + 1] == 'V') {
			p[i] = 'A';
			p[i + 1] = 'F';
		} else if (vowel5(c)) {
			p[i] = 'A';
		} else if (c == 'Q') {
			p[i] = 'G';
		} else if (c == 'Z') {
			p[i] = 'S';
		} else if (c == 'M') {
			p[i] = 'N';
		} else if (c == 'K') {
			p[i] = p[i + 1] == 'N' ? 'N' : 'C';
		} else if (c == 'S' && p[i + 1] == 'C' && p[i + 2] == 'H') {
			p[i + 1] = p[i + 2] = 'S';
		} else if (c == 'P' && p[i + 1] == 'H') {
			p[i] = p[i + 1] = 'F';
		} else if (c == 'H') {
			char nx = i + 1 < len ? p[i + 1] : ' ';
			if (!vowel5(p[i - 1]) || !vowel5(nx))
				p[i] = p[i - 1];
		} else if (c == 'W') {
			if (vowel5(p[i - 1]))
				p[i] = p[i - 1];
		}
		if (p[i] != key[k - 1])
			key[k++] = p[i];
	}
	/* Step 5: the end of the key. */
	if (k > 1 && key[k - 1] == 'S')
		k--;
	if (k > 2 && key[k - 2] == 'A' && key[k - 1] == 'Y') {
		key[k - 2] = 'Y';
		k--;
	}
	if (k > 1 && key[k - 1] == 'A')
		k--;
	dq_buf_add(out, key, (size_t)(k > 6 ? 6 : k));
	if (key != kb)
		free(key);
	if (p != buf)
		free(p);
	return 0;
}

/* ---- Double Metaphone ---- */

#define DM_MAX 4

struct dm {
	const char *w; /* upper-case word, padded with spaces */
	long len, last;
	int slavo;     /* Slavic or Germanic: W, K, CZ or WITZ */
	char pri[DM_MAX + 8], alt[DM_MAX + 8];
	int np, na;
};

static char
at(const struct dm *d, long i)
{
	return i < 0 || i >= d->len + PAD ? '\0' : d->w[i];
}

static int
vowel(const struct dm *d, long i)
{
	char c = at(d, i);
	return i >= 0 && i < d->len &&
	       (c == 'A' || c == 'E' || c == 'I' || c == 'O' || c == 'U' ||
		c == 'Y');
}

/* 1 if one of the strings (all of length m, list ended by NULL) starts
 * at position i. */
static int
is(const struct dm *d, long i, long m, ...)
{
	va_list ap;
	const char *t;
	int hit = 0;

	if (i < 0 || i + m > d->len + PAD)
		return 0;
	va_start(ap, m);
	while (!hit && (t = va_arg(ap, const char *)) != NULL)
		hit = !memcmp(d->w + i, t, (size_t)m);
	va_end(ap);
	return hit;
}
#define IS(d, i, m, ...) is((d), (i), (m), __VA_ARGS__, (const char *)NULL)

static void
add2(struct dm *d, const char *p, const char *a)
{
	for (; *p && d->np < DM_MAX + 4; p++)
		d->pri[d->np++] = *p;
	for (; *a && d->na < DM_MAX + 4; a++)
		d->alt[d->na++] = *a;
}

static void
add(struct dm *d, const char *p)
{
	add2(d, p, p);
}

/* The letter C at i; returns the next position. */
static long
dm_c(struct dm *d, long i)
{
	/* Various Germanic: "bacher", "macher" but not "achieve". */
	if (i > 1 && !vowel(d, i - 2) && IS(d, i - 1, 3, "ACH") &&
	    at(d, i + 2) != 'I' &&
	    (at(d, i + 2) != 'E' || IS(d, i - 2, 6, "BACHER", "MACHER"))) {
		add(d, "K");
		return i + 2;
	}
	if (i == 0 && IS(d, i, 6, "CAESAR")) {
		add(d, "S");
		return i + 2;
	}
	if (IS(d, i, 4, "CHIA")) { /* Italian "chianti" */
		add(d, "K");
		return i + 2;
	}
	if (IS(d, i, 2, "CH")) {
		if (i > 0 && IS(d, i, 4, "CHAE")) { /* "michael" */
			add2(d, "K", "X");
			return i + 2;
		}
		/* Greek roots: "chemistry", "chorus". */
		if (i == 0 &&
		    (IS(d, i + 1, 5, "HARAC", "HARIS") ||
		     IS(d, i + 1, 3, "HOR", "HYM", "HIA", "HEM")) &&
		    !IS(d, 0, 5, "CHORE")) {
			add(d, "K");
			return i + 2;
		}
		/* Germanic, Greek, or otherwise CH for the KH sound. */
		if (IS(d, 0, 4, "VAN ", "VON ") || IS(d, 0, 3, "SCH") ||
		    IS(d, i - 2, 6, "ORCHES", "ARCHIT", "ORCHID") ||
		    IS(d, i + 2, 1, "T", "S") ||
		    ((IS(d, i - 1, 1, "A", "O", "U", "E") || i == 0) &&
		     IS(d, i + 2, 1, "L", "R", "N", "M", "B", "H", "F", "V",
			"W", " "))) {
			add(d, "K");
		} else if (i > 0) {
			if (IS(d, 0, 2, "MC")) /* "McHugh" */
				add(d, "K");
			else
				add2(d, "X", "K");
		} else {
			add(d, "X");
		}
		return i + 2;
	}
	if (IS(d, i, 2, "CZ") && !IS(d, i - 2, 4, "WICZ")) { /* "czerny" */
		add2(d, "S", "X");
		return i + 2;
	}
	if (IS(d, i + 1, 3, "CIA")) { /* "focaccia" */
		add(d, "X");
		return i + 3;
	}
	/* Double C, but not "McClellan". */
	if (IS(d, i, 2, "CC") && !(i == 1 && at(d, 0) == 'M')) {
		/* "bellocchio" but not "bacchus" */
		if (IS(d, i + 2, 1, "I", "E", "H") && !IS(d, i + 2, 2, "HU")) {
			/* "accident", "accede", "succeed" */
			if ((i == 1 && at(d, i - 1) == 'A') ||
			    IS(d, i - 1, 5, "UCCEE", "UCCES"))
				add(d, "KS");
			else /* "bacci", "bertucci" */
				add(d, "X");
			return i + 3;
		}
		add(d, "K"); /* Pierce's rule */
		return i + 2;
	}
	if (IS(d, i, 2, "CK", "CG", "CQ")) {
		add(d, "K");
		return i + 2;
	}
	if (IS(d, i, 2, "CI", "CE", "CY")) { /* Italian vs. English */
		if (IS(d, i, 3, "CIO", "CIE", "CIA"))
			add2(d, "S", "X");
		else
			add(d, "S");
		return i + 2;
	}
	add(d, "K");
	/* "mac caffrey", "mac gregor" */
	if (IS(d, i + 1, 2, " C", " Q", " G"))
		return i + 3;
	if (IS(d, i + 1, 1, "C", "K", "Q") && !IS(d, i + 1, 2, "CE", "CI"))
		return i + 2;
	return i + 1;
}

/* The letter G at i. */
static long
dm_g(struct dm *d, long i)
{
	if (at(d, i + 1) == 'H') {
		if (i > 0 && !vowel(d, i - 1)) {
			add(d, "K");
			return i + 2;
		}
		if (i == 0) { /* "ghislane", "ghiradelli" */
			add(d, at(d, i + 2) == 'I' ? "J" : "K");
			return i + 2;
		}
		/* Parker's rule (with refinements): "hugh" */
		if ((i > 1 && IS(d, i - 2, 1, "B", "H", "D")) ||
		    (i > 2 && IS(d, i - 3, 1, "B", "H", "D")) ||
		    (i > 3 && IS(d, i - 4, 1, "B", "H")))
			return i + 2;
		/* "laugh", "McLaughlin", "cough", "gough", "rough" */
		if (i > 2 && at(d, i - 1) == 'U' &&
		    IS(d, i - 3, 1, "C", "G", "L", "R", "T"))
			add(d, "F");
		else if (i > 0 && at(d, i - 1) != 'I')
			add(d, "K");
		return i + 2;
	}
	if (at(d, i + 1) == 'N') {
		if (i == 1 && vowel(d, 0) && !d->slavo) {
			add2(d, "KN", "N");
		} else if (!IS(d, i + 2, 2, "EY") && at(d, i + 1) != 'Y' &&
			   !d->slavo) { /* not "cagney" */
			add2(d, "N", "KN");
		} else {
			add(d, "KN");
		}
		return i + 2;
	}
	if (IS(d, i + 1, 2, "LI") && !d->slavo) { /* "tagliaro" */
		add2(d, "KL", "L");
		return i + 2;
	}
	/* -ges-, -gep-, -gel-, -gie- at the beginning */
	if (i == 0 && (at(d, i + 1) == 'Y' ||
		       IS(d, i + 1, 2, "ES", "EP", "EB", "EL", "EY", "IB",
			  "IL", "IN", "IE", "EI", "ER"))) {
		add2(d, "K", "J");
		return i + 2;
	}
	/* -ger-, -gy- */
	if ((IS(d, i + 1, 2, "ER") || at(d, i + 1) == 'Y') &&
	    !IS(d, 0, 6, "DANGER", "RANGER", "MANGER") &&
	    !IS(d, i - 1, 1, "E", "I") && !IS(d, i - 1, 3, "RGY", "OGY")) {
		add2(d, "K", "J");
		return i + 2;
	}
	/* Italian "biaggi" */
	if (IS(d, i + 1, 1, "E", "I", "Y") ||
	    IS(d, i - 1, 4, "AGGI", "OGGI")) {
		if (IS(d, 0, 4, "VAN ", "VON ") || IS(d, 0, 3, "SCH") ||
		    IS(d, i + 1, 2, "ET")) /* obviously Germanic */
			add(d, "K");
		else if (IS(d, i + 1, 4, "IER ")) /* French ending */
			add(d, "J");
		else
			add2(d, "J", "K");
		return i + 2;
	}
	add(d, "K");
	return at(d, i + 1) == 'G' ? i + 2 : i + 1;
}

/* The letter J at i. */
static long
dm_j(struct dm *d, long i)
{
	/* Obviously Spanish: "jose", "san jacinto" */
	if (IS(d, i, 4, "JOSE") || IS(d, 0, 4, "SAN ")) {
		if ((i == 0 && at(d, i + 4) == ' ') || IS(d, 0, 4, "SAN "))
			add(d, "H");
		else
			add2(d, "J", "H");
		return i + 1;
	}
	if (i == 0 && !IS(d, i, 4, "JOSE")) {
		add2(d, "J", "A"); /* "Yankelovich" / "Jankelowicz" */
	} else if (vowel(d, i - 1) && !d->slavo &&
		   (at(d, i + 1) == 'A' || at(d, i + 1) == 'O')) {
		add2(d, "J", "H"); /* Spanish "bajador" */
	} else if (i == d->last) {
		add2(d, "J", "");
	} else if (!IS(d, i + 1, 1, "L", "T", "K", "S", "N", "M", "B", "Z") &&
		   !IS(d, i - 1, 1, "S", "K", "L")) {
		add(d, "J");
	}
	return at(d, i + 1) == 'J' ? i + 2 : i + 1;
}

/* The letter S at i. */
static long
dm_s(struct dm *d, long i)
{
	if (IS(d, i - 1, 3, "ISL", "YSL")) /* "island", "carlisle" */
		return i + 1;
	if (i == 0 && IS(d, i, 5, "SUGAR")) {
		add2(d, "X", "S");
		return i + 1;
	}
	if (IS(d, i, 2, "SH")) {
		if (IS(d, i + 1, 4, "HEIM", "HOEK", "HOLM", "HOLZ"))
			add(d, "S"); /* Germanic */
		else
			add(d, "X");
		return i + 2;
	}
	if (IS(d, i, 3, "SIO", "SIA") || IS(d, i, 4, "SIAN")) {
		if (!d->slavo) /* Italian, Armenian */
			add2(d, "S", "X");
		else
			add(d, "S");
		return i + 3;
	}
	/* German and anglicisations: "smith" matches "schmidt", "snider"
	 * matches "schneider"; also Slavic -sz-. */
	if ((i == 0 && IS(d, i + 1, 1, "M", "N", "L", "W")) ||
	    IS(d, i + 1, 1, "Z")) {
		add2(d, "S", "X");
		return IS(d, i + 1, 1, "Z") ? i + 2 : i + 1;
	}
	if (IS(d, i, 2, "SC")) {
		if (at(d, i + 2) == 'H') { /* Schlesinger's rule */
			/* Dutch origin: "school", "schooner" */
			if (IS(d, i + 3, 2, "OO", "ER", "EN", "UY", "ED",
			       "EM")) {
				if (IS(d, i + 3, 2, "ER", "EN"))
					add2(d, "X", "SK"); /* "schermerhorn" */
				else
					add(d, "SK");
				return i + 3;
			}
			if (i == 0 && !vowel(d, 3) && at(d, 3) != 'W')
				add2(d, "X", "S");
			else
				add(d, "X");
			return i + 3;
		}
		if (IS(d, i + 2, 1, "I", "E", "Y")) {
			add(d, "S");
			return i + 3;
		}
		add(d, "SK");
		return i + 3;
	}
	/* French "resnais", "artois" */
	if (i == d->last && IS(d, i - 2, 2, "AI", "OI"))
		add2(d, "", "S");
	else
		add(d, "S");
	return IS(d, i + 1, 1, "S", "Z") ? i + 2 : i + 1;
}

/* Letters whose rules are short. */
static long
dm_other(struct dm *d, long i)
{
	char c = at(d, i), nx = at(d, i + 1);

	switch (c) {
	case 'A': case 'E': case 'I': case 'O': case 'U': case 'Y':
		if (i == 0) /* all initial vowels map to A */
			add(d, "A");
		return i + 1;
	case 'B':
		add(d, "P");
		return nx == 'B' ? i + 2 : i + 1;
	case 'D':
		if (IS(d, i, 2, "DG")) {
			if (IS(d, i + 2, 1, "I", "E", "Y")) { /* "edge" */
				add(d, "J");
				return i + 3;
			}
			add(d, "TK"); /* "edgar" */
			return i + 2;
		}
		add(d, "T");
		return IS(d, i, 2, "DT", "DD") ? i + 2 : i + 1;
	case 'F':
		add(d, "F");
		return nx == 'F' ? i + 2 : i + 1;
	case 'H':
		/* Kept only first or between vowels, and before a vowel. */
		if ((i == 0 || vowel(d, i - 1)) && vowel(d, i + 1)) {
			add(d, "H");
			return i + 2;
		}
		return i + 1;
	case 'K':
		add(d, "K");
		return nx == 'K' ? i + 2 : i + 1;
	case 'L':
		if (nx == 'L') {
			/* Spanish: "cabrillo", "gallegos" */
			if ((i == d->len - 3 &&
			     IS(d, i - 1, 4, "ILLO", "ILLA", "ALLE")) ||
			    ((IS(d, d->last - 1, 2, "AS", "OS") ||
			      IS(d, d->last, 1, "A", "O")) &&
			     IS(d, i - 1, 4, "ALLE"))) {
				add2(d, "L", "");
				return i + 2;
			}
			add(d, "L");
			return i + 2;
		}
		add(d, "L");
		return i + 1;
	case 'M':
		add(d, "M");
		/* "dumb", "thumb" */
		if ((IS(d, i - 1, 3, "UMB") &&
		     (i + 1 == d->last || IS(d, i + 2, 2, "ER"))) ||
		    nx == 'M')
			return i + 2;
		return i + 1;
	case 'N':
		add(d, "N");
		return nx == 'N' ? i + 2 : i + 1;
	case 'P':
		if (nx == 'H') {
			add(d, "F");
			return i + 2;
		}
		add(d, "P"); /* "campbell", "raspberry" */
		return IS(d, i + 1, 1, "P", "B") ? i + 2 : i + 1;
	case 'Q':
		add(d, "K");
		return nx == 'Q' ? i + 2 : i + 1;
	case 'R':
		/* French "rogier", but not "hochmeier" */
		if (i == d->last && !d->slavo && IS(d, i - 2, 2, "IE") &&
		    !IS(d, i - 4, 2, "ME", "MA"))
			add2(d, "", "R");
		else
			add(d, "R");
		return nx == 'R' ? i + 2 : i + 1;
	case 'T':
		if (IS(d, i, 4, "TION") || IS(d, i, 3, "TIA", "TCH")) {
			add(d, "X");
			return i + 3;
		}
		if (IS(d, i, 2, "TH") || IS(d, i, 3, "TTH")) {
			/* "thomas", "thames", or Germanic */
			if (IS(d, i + 2, 2, "OM", "AM") ||
			    IS(d, 0, 4, "VAN ", "VON ") || IS(d, 0, 3, "SCH"))
				add(d, "T");
			else
				add2(d, "0", "T");
			return i + 2;
		}
		add(d, "T");
		return IS(d, i + 1, 1, "T", "D") ? i + 2 : i + 1;
	case 'V':
		add(d, "F");
		return nx == 'V' ? i + 2 : i + 1;
	case 'W':
		if (IS(d, i, 2, "WR")) {
			add(d, "R");
			return i + 2;
		}
		if (i == 0 && (vowel(d, i + 1) || IS(d, i, 2, "WH"))) {
			/* "Wasserman" matches "Vasserman"; "Uomo" "Womo" */
			if (vowel(d, i + 1))
				add2(d, "A", "F");
			else
				add(d, "A");
		}
		/* "Arnow" matches "Arnoff" */
		if ((i == d->last && vowel(d, i - 1)) ||
		    IS(d, i - 1, 5, "EWSKI", "EWSKY", "OWSKI", "OWSKY") ||
		    IS(d, 0, 3, "SCH")) {
			add2(d, "", "F");
			return i + 1;
		}
		if (IS(d, i, 4, "WICZ", "WITZ")) { /* Polish "filipowicz" */
			add2(d, "TS", "FX");
			return i + 4;
		}
		return i + 1;
	case 'X':
		/* French "breaux" */
		if (!(i == d->last && (IS(d, i - 3, 3, "IAU", "EAU") ||
				       IS(d, i - 2, 2, "AU", "OU"))))
			add(d, "KS");
		return IS(d, i + 1, 1, "C", "X") ? i + 2 : i + 1;
	case 'Z':
		if (nx == 'H') { /* Chinese pinyin "zhao" */
			add(d, "J");
			return i + 2;
		}
		if (IS(d, i + 1, 2, "ZO", "ZI", "ZA") ||
		    (d->slavo && i > 0 && at(d, i - 1) != 'T'))
			add2(d, "S", "TS");
		else
			add(d, "S");
		return nx == 'Z' ? i + 2 : i + 1;
	}
	return i + 1;
}

int
dq_phonetic_dmetaphone(const char *s, size_t n, struct dq_buf *primary,
		       struct dq_buf *alternate)
{
	char buf[128], *p;
	long len = prepare(s, n, 1, buf, sizeof(buf), &p);
	struct dm d;
	long i = 0;

	if (len < 0)
		return -1;
	memset(&d, 0, sizeof(d));
	d.w = p;
	d.len = len;
	d.last = len - 1;
	d.slavo = strchr(p, 'W') || strchr(p, 'K') || strstr(p, "CZ") ||
		  strstr(p, "WITZ");
	/* Silent first letters: "gnome", "knight", "pneumatic", "wright",
	 * "psychology". */
	if (IS(&d, 0, 2, "GN", "KN", "PN", "WR", "PS"))
		i = 1;
	if (at(&d, 0) == 'X') { /* "Xavier": initial X sounds like Z */
		add(&d, "S");
		i = 1;
	}
	while (i < len && (d.np < DM_MAX || d.na < DM_MAX)) {
		switch (p[i]) {
		case 'C':
			i = dm_c(&d, i);
			break;
		case 'G':
			i = dm_g(&d, i);
			break;
		case 'J':
			i = dm_j(&d, i);
			break;
		case 'S':
			i = dm_s(&d, i);
			break;
		default:
			i = dm_other(&d, i);
			break;
		}
	}
	if (primary)
		dq_buf_add(primary, d.pri, (size_t)(d.np > DM_MAX ? DM_MAX :
							     d.np));
	if (alternate)
		dq_buf_add(alternate, d.alt, (size_t)(d.na > DM_MAX ? DM_MAX :
							       d.na));
	if (p != buf)
		free(p);
	return 0;
}
