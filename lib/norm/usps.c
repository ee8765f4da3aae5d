/*
 * usps.c - ZIP Code prefixes and the states they belong to (usps.h).
 *
 * Source: the USPS assigns the first three digits of a ZIP Code to a
 * sectional center facility in one state; the list of prefixes by state
 * is USPS Publication 65 ("National Five-Digit ZIP Code and Post Office
 * Directory") and the USPS "L002" Sectional Center labeling list, as
 * summarised in the "List of ZIP Code prefixes" (Wikipedia).  The table
 * below was written for dq from those lists as ranges of prefixes.
 * Unassigned prefixes inside a range (213, 343, 428, ...) are left in it:
 * a ZIP there exists in no state, so counting it as the range's state can
 * only let a value through that other checks would not, never invent a
 * state.  Special cases kept: 005 (Holtsville, NY) and 055 (Andover, MA)
 * inside other states' ranges, 201 (Dulles, VA) inside DC's, 569 (DC
 * parcel return), 733 (Austin, TX) inside Oklahoma's, 885 (El Paso, TX);
 * the military codes AA (340), AE (090-098) and AP (962-966); territories
 * PR (006, 007, 009), VI (008), AS (967, with HI), GU, MP, PW, FM and MH
 * (969).  A prefix may belong to several codes (967, 969): a ZIP agrees
 * with any of them.
 *
 * Lookup is a scan of about 100 ranges: it runs only when a ZIP is padded,
 * which is rare, not for every value.
 */
#include "norm/usps.h"

#include <string.h>

struct range {
	unsigned short lo, hi; /* prefixes lo..hi, both included */
	char code[3];
};

static const struct range ranges[] = {
	{ 5, 5, "NY" },       { 6, 7, "PR" },       { 8, 8, "VI" },
	{ 9, 9, "PR" },       { 10, 27, "MA" },     { 28, 29, "RI" },
	{ 30, 38, "NH" },     { 39, 49, "ME" },     { 50, 54, "VT" },
	{ 55, 55, "MA" },     { 56, 59, "VT" },     { 60, 69, "CT" },
	{ 70, 89, "NJ" },     { 90, 98, "AE" },     { 100, 149, "NY" },
	{ 150, 196, "PA" },   { 197, 199, "DE" },   { 200, 200, "DC" },
	{ 201, 201, "VA" },   { 202, 205, "DC" },   { 206, 219, "MD" },
	{ 220, 246, "VA" },   { 247, 268, "WV" },   { 270, 289, "NC" },
	{ 290, 299, "SC" },   { 300, 319, "GA" },   { 320, 339, "FL" },
	{ 340, 340, "AA" },   { 341, 349, "FL" },   { 350, 369, "AL" },
	{ 370, 385, "TN" },   { 386, 397, "MS" },   { 398, 399, "GA" },
	{ 400, 427, "KY" },   { 430, 459, "OH" },   { 460, 479, "IN" },
	{ 480, 499, "MI" },   { 500, 528, "IA" },   { 530, 549, "WI" },
	{ 550, 567, "MN" },   { 569, 569, "DC" },   { 570, 577, "SD" },
	{ 580, 588, "ND" },   { 590, 599, "MT" },   { 600, 629, "IL" },
	{ 630, 658, "MO" },   { 660, 679, "KS" },   { 680, 693, "NE" },
	{ 700, 714, "LA" },   { 716, 729, "AR" },   { 730, 732, "OK" },
	{ 733, 733, "TX" },   { 734, 749, "OK" },   { 750, 799, "TX" },
	{ 800, 816, "CO" },   { 820, 831, "WY" },   { 832, 838, "ID" },
	{ 840, 847, "UT" },   { 850, 865, "AZ" },   { 870, 884, "NM" },
	{ 885, 885, "TX" },   { 889, 898, "NV" },   { 900, 961, "CA" },
	{ 962, 966, "AP" },   { 967, 968, "HI" },   { 967, 967, "AS" },
	{ 969, 969, "GU" },   { 969, 969, "MP" },   { 969, 969, "PW" },
	{ 969, 969, "FM" },   { 969, 969, "MH" },   { 970, 979, "OR" },
	{ 980, 994, "WA" },   { 995, 999, "AK" },
};

int
dq_zip_in_state(const char *zip, size_t n, const char *state)
{
	unsigned p = 0;

	if (n < 3 || !state || strlen(state) != 2)
		return 0;
	for (size_t i = 0; i < 3; i++) {
		if (zip[i] < '0' || zip[i] > '9')
			return 0;
		p = p * 10 + (unsigned)(zip[i] - '0');
	}
	for (size_t i = 0; i < sizeof(ranges) / sizeof(*ranges); i++)
		if (p >= ranges[i].lo && p <= ranges[i].hi &&
		    !memcmp(ranges[i].code, state, 2))
			return 1;
	return 0;
}
