/*
 * phone_lpn.cc - the extern "C" bridge from dq's C code to libphonenumber.
 *
 * libphonenumber (https://github.com/google/libphonenumber, Debian
 * libphonenumber-dev 8.12.57) is C++; this is the only C++ file in dq.  It
 * exposes the handful of calls phone.c needs: the full Parse/IsValidNumber
 * path, IsValidNumber on a number built by hand, the region and calling
 * code lists, and the library's compiled-in metadata bytes, which phone.c
 * reads for its fast path so that both paths use the same data.
 *
 * Every function catches all exceptions: C callers cannot unwind through
 * C++.  Out of memory ends the program with status 2, as dq_xmalloc does.
 */
#include "norm/phone_lpn.h"

#include <phonenumbers/phonenumberutil.h>

#include <cstdlib>
#include <cstring>
#include <list>
#include <new>
#include <set>
#include <string>

namespace i18n {
namespace phonenumbers {
/* Defined in the library (its generated metadata.cc), not in a public
 * header: the serialized metadata PhoneNumberUtil parses at start-up. */
int metadata_size();
const void *metadata_get();
} // namespace phonenumbers
} // namespace i18n

using i18n::phonenumbers::PhoneNumber;
using i18n::phonenumbers::PhoneNumberUtil;

static PhoneNumberUtil *
util()
{
	return PhoneNumberUtil::GetInstance();
}

extern "C" int
dq_phone_lpn_e164(const char *in, size_t n, const char *region,
		  struct dq_buf *e164, struct dq_buf *ext)
{
	try {
		PhoneNumber pn;
		std::string s;

		if (util()->Parse(std::string(in, n), region, &pn) !=
		    PhoneNumberUtil::NO_PARSING_ERROR)
			return -1;
		if (!util()->IsValidNumber(pn))
			return -1;
		util()->Format(pn, PhoneNumberUtil::E164, &s);
		dq_buf_add(e164, s.data(), s.size());
		if (pn.has_extension())
			dq_buf_add(ext, pn.extension().data(),
				   pn.extension().size());
		return 0;
	} catch (const std::bad_alloc &) {
		dq_die("out of memory");
	} catch (...) {
		return -1;
	}
}

extern "C" int
dq_phone_lpn_valid(int cc, const char *nsn, size_t nsnlen)
{
	try {
		PhoneNumber pn;
		unsigned long long v = 0;
		size_t i, zeros;

		if (nsnlen < 1 || nsnlen > 17)
			return 0;
		for (i = 0; i < nsnlen; i++)
			v = v * 10 + (unsigned)(nsn[i] - '0');
		pn.set_country_code(cc);
		pn.set_national_number(v);
		/* As Parse's SetItalianLeadingZerosForPhoneNumber does. */
		if (nsnlen > 1 && nsn[0] == '0') {
			pn.set_italian_leading_zero(true);
			zeros = 1;
			while (zeros < nsnlen - 1 && nsn[zeros] == '0')
				zeros++;
			if (zeros != 1)
				pn.set_number_of_leading_zeros((int)zeros);
		}
		return util()->IsValidNumber(pn) ? 1 : 0;
	} catch (const std::bad_alloc &) {
		dq_die("out of memory");
	} catch (...) {
		return 0;
	}
}

extern "C" int
dq_phone_lpn_region_known(const char *region)
{
	try {
		static std::set<std::string> *regions;

		if (!regions) {
			regions = new std::set<std::string>;
			util()->GetSupportedRegions(regions);
		}
		return regions->count(region) ? 1 : 0;
	} catch (const std::bad_alloc &) {
		dq_die("out of memory");
	} catch (...) {
		return 0;
	}
}

extern "C" const void *
dq_phone_lpn_metadata(size_t *n)
{
	*n = (size_t)i18n::phonenumbers::metadata_size();
	return i18n::phonenumbers::metadata_get();
}

extern "C" void
dq_phone_lpn_calling_codes(void (*fn)(void *arg, int cc, const char *region),
			   void *arg)
{
	try {
		std::set<int> codes;

		util()->GetSupportedCallingCodes(&codes);
		for (int cc : codes) {
			std::list<std::string> regions;

			util()->GetRegionCodesForCountryCallingCode(cc,
								    &regions);
			for (const std::string &r : regions)
				fn(arg, cc, r.c_str());
		}
	} catch (const std::bad_alloc &) {
		dq_die("out of memory");
	}
}
