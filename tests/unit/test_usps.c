/* Unit tests for lib/norm/usps.c: ZIP prefixes and their states, at the
 * edges of the ranges, the special prefixes inside other states' ranges,
 * the shared prefixes, and inputs that are no ZIP or no state. */
#include "norm/usps.h"
#include "unit.h"

#define Z(s) s, sizeof(s) - 1

int
main(void)
{
	UNIT_INT(dq_zip_in_state(Z("07330"), "NJ"), 1, "07330 is NJ");
	UNIT_INT(dq_zip_in_state(Z("07330"), "TX"), 0, "07330 is not TX");
	UNIT_INT(dq_zip_in_state(Z("73301"), "TX"), 1, "733 Austin TX");
	UNIT_INT(dq_zip_in_state(Z("73401"), "OK"), 1, "734 OK");
	UNIT_INT(dq_zip_in_state(Z("73001"), "OK"), 1, "730 OK");
	UNIT_INT(dq_zip_in_state(Z("02134"), "MA"), 1, "02134 MA");
	UNIT_INT(dq_zip_in_state(Z("02134"), "CA"), 0, "02134 not CA");
	UNIT_INT(dq_zip_in_state(Z("01001"), "MA"), 1, "010 first MA");
	UNIT_INT(dq_zip_in_state(Z("02799"), "MA"), 1, "027 last MA");
	UNIT_INT(dq_zip_in_state(Z("02801"), "MA"), 0, "028 is RI");
	UNIT_INT(dq_zip_in_state(Z("02801"), "RI"), 1, "028 RI");
	UNIT_INT(dq_zip_in_state(Z("05501"), "MA"), 1, "055 Andover MA");
	UNIT_INT(dq_zip_in_state(Z("05501"), "VT"), 0, "055 not VT");
	UNIT_INT(dq_zip_in_state(Z("05401"), "VT"), 1, "054 VT");
	UNIT_INT(dq_zip_in_state(Z("00501"), "NY"), 1, "005 Holtsville NY");
	UNIT_INT(dq_zip_in_state(Z("00907"), "PR"), 1, "009 PR");
	UNIT_INT(dq_zip_in_state(Z("00802"), "VI"), 1, "008 VI");
	UNIT_INT(dq_zip_in_state(Z("00123"), "NY"), 0, "001 no state");
	UNIT_INT(dq_zip_in_state(Z("09012"), "AE"), 1, "090 AE");
	UNIT_INT(dq_zip_in_state(Z("34001"), "AA"), 1, "340 AA");
	UNIT_INT(dq_zip_in_state(Z("34001"), "FL"), 0, "340 not FL");
	UNIT_INT(dq_zip_in_state(Z("20101"), "VA"), 1, "201 Dulles VA");
	UNIT_INT(dq_zip_in_state(Z("20001"), "DC"), 1, "200 DC");
	UNIT_INT(dq_zip_in_state(Z("56901"), "DC"), 1, "569 DC");
	UNIT_INT(dq_zip_in_state(Z("88501"), "TX"), 1, "885 El Paso TX");
	UNIT_INT(dq_zip_in_state(Z("96799"), "AS"), 1, "967 AS");
	UNIT_INT(dq_zip_in_state(Z("96701"), "HI"), 1, "967 HI");
	UNIT_INT(dq_zip_in_state(Z("96910"), "GU"), 1, "969 GU");
	UNIT_INT(dq_zip_in_state(Z("96950"), "MP"), 1, "969 MP");
	UNIT_INT(dq_zip_in_state(Z("94110"), "CA"), 1, "941 CA");
	UNIT_INT(dq_zip_in_state(Z("99501"), "AK"), 1, "995 AK");
	UNIT_INT(dq_zip_in_state(Z("99999"), "AK"), 1, "999 AK");
	UNIT_INT(dq_zip_in_state(Z("07330-1234"), "NJ"), 1, "ZIP+4");
	UNIT_INT(dq_zip_in_state(Z("07"), "NJ"), 0, "too short");
	UNIT_INT(dq_zip_in_state(Z("0a330"), "NJ"), 0, "not digits");
	UNIT_INT(dq_zip_in_state(Z("07330"), ""), 0, "no state code");
	UNIT_INT(dq_zip_in_state(Z("07330"), NULL), 0, "NULL state");
	UNIT_INT(dq_zip_in_state(Z("07330"), "nj"), 0, "codes are upper case");
	UNIT_INT(dq_zip_in_state(Z("07330"), "NJX"), 0, "three letters");
	return unit_done();
}
