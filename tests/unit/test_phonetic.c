/* Unit tests for lib/er/phonetic.c: published codes for each algorithm and
 * awkward input (empty, no letters, accents, punctuation, bad UTF-8). */
#include "er/phonetic.h"
#include "unit.h"

static void
sdx(const char *name, const char *want)
{
	struct dq_buf b = DQ_BUF_INIT;
	char what[96];

	snprintf(what, sizeof(what), "soundex(%s) = %s", name, want);
	UNIT_INT(dq_phonetic_soundex(name, strlen(name), &b), 0, what);
	UNIT_STR(b.buf, want, what);
	dq_buf_release(&b);
}

static void
nys(const char *name, const char *want)
{
	struct dq_buf b = DQ_BUF_INIT;
	char what[96];

	snprintf(what, sizeof(what), "nysiis(%s) = %s", name, want);
	UNIT_INT(dq_phonetic_nysiis(name, strlen(name), &b), 0, what);
	UNIT_STR(b.buf, want, what);
	dq_buf_release(&b);
}

static void
dm(const char *name, const char *pri, const char *alt)
{
	struct dq_buf p = DQ_BUF_INIT, a = DQ_BUF_INIT;
	char what[96];

	snprintf(what, sizeof(what), "dmetaphone(%s) = %s/%s", name, pri, alt);
	UNIT_INT(dq_phonetic_dmetaphone(name, strlen(name), &p, &a), 0, what);
	UNIT_STR(p.buf, pri, what);
	UNIT_STR(a.buf, alt, what);
	dq_buf_release(&p);
	dq_buf_release(&a);
}

int
main(void)
{
	struct dq_buf b = DQ_BUF_INIT;

	/* Soundex: Knuth vol. 3 and the US National Archives' examples. */
	sdx("Robert", "R163");
	sdx("Rupert", "R163");
	sdx("Rubin", "R150");
	sdx("Ashcraft", "A261"); /* H does not separate S and C */
	sdx("Ashcroft", "A261");
	sdx("Tymczak", "T522");  /* vowel Y separates nothing coded */
	sdx("Pfister", "P236");  /* F has the first letter's code */
	sdx("Honeyman", "H555");
	sdx("Lee", "L000");
	sdx("Gutierrez", "G362");
	sdx("Jackson", "J250");
	sdx("Tymczak", "T522");
	sdx("Euler", "E460");
	sdx("Gauss", "G200");
	sdx("Hilbert", "H416");
	sdx("Knuth", "K530");
	sdx("Lloyd", "L300");
	sdx("Lukasiewicz", "L222");
	/* Awkward input. */
	sdx("", "");
	sdx("123 --", "");
	sdx("  smith ", "S530");
	sdx("O'Brien", "O165");
	sdx("Müller", "M460");      /* folded to Muller */
	sdx("Østergaard", "O236");  /* Ø has no decomposition: table */
	sdx("Дмитрий", "");         /* no ASCII form: no letters */
	UNIT_INT(dq_phonetic_soundex("\xff", 1, &b), -1, "soundex: bad UTF-8");
	UNIT_INT(b.len, 0, "soundex: bad UTF-8 leaves out unchanged");

	/* NYSIIS: Taft (1970) as restated by Christen (2012). */
	nys("Smith", "SNAT");
	nys("Schmit", "SNAT");
	nys("Schmidt", "SNAD");   /* SCH -> SSS, DT -> D */
	nys("Knight", "NAGT");    /* KN -> NN, GH: H after G -> G */
	nys("Brown", "BRAN");     /* W after a vowel */
	nys("Brian", "BRAN");
	nys("Trueman", "TRANAN");
	nys("Truman", "TRANAN");
	nys("Dane", "DAN");
	nys("Dionne", "DAN");
	nys("Macintosh", "MCANT"); /* MAC -> MCC, final S and A dropped */
	nys("Phillips", "FALAP");  /* PH -> FF */
	nys("Robert", "RABAD");    /* RT -> D */
	nys("Bailey", "BALY");     /* final EY: AY -> Y */
	nys("Tymczak", "TYNCSA");  /* cut to six */
	nys("", "");
	nys("4 2", "");
	nys("Zoë", "Z");

	/* Double Metaphone: Philips (2000) examples. */
	dm("Smith", "SM0", "XMT");
	dm("Schmidt", "XMT", "SMT");
	dm("Schneider", "XNTR", "SNTR");
	dm("Jackson", "JKSN", "AKSN");
	dm("Jose", "HS", "HS");
	dm("Xavier", "SF", "SFR");
	dm("Michael", "MKL", "MXL");
	dm("Caesar", "SSR", "SSR");
	dm("Chianti", "KNT", "KNT");
	dm("Chemistry", "KMST", "KMST");
	dm("Tagliaro", "TKLR", "TLR");
	dm("Gallegos", "KLKS", "KKS");
	dm("Cabrillo", "KPRL", "KPR");
	dm("Filipowicz", "FLPT", "FLPF");
	dm("Arnow", "ARN", "ARNF");
	dm("Womo", "AM", "FM");
	dm("Zhao", "J", "J");
	dm("Breaux", "PR", "PR");
	dm("Dumb", "TM", "TM");
	dm("Campbell", "KMPL", "KMPL");
	dm("McHugh", "MK", "MK");
	dm("Thomas", "TMS", "TMS");
	dm("Gough", "KF", "KF");
	dm("Knight", "NT", "NT");
	dm("Wright", "RT", "RT");
	dm("van Beethoven", "FNPT", "FNPT");
	dm("", "", "");
	dm("!!", "", "");
	dm("Müller", "MLR", "MLR");
	UNIT_INT(dq_phonetic_dmetaphone("a\xc3", 2, &b, NULL), -1,
		 "dmetaphone: truncated UTF-8");
	/* A long name goes through the heap path. */
	{
		char big[400];
		memset(big, 'a', sizeof(big));
		memcpy(big + 300, "SMITH", 5);
		dq_buf_reset(&b);
		UNIT_INT(dq_phonetic_soundex(big, sizeof(big), &b), 0,
			 "soundex of 400 letters");
		UNIT_STR(b.buf, "A253", "soundex of aaa...SMITH...aaa");
	}
	dq_buf_release(&b);
	return unit_done();
}
