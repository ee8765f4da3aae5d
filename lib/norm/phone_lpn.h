/*
 * phone_lpn.h - the C side of the bridge to libphonenumber (phone_lpn.cc).
 *
 * Private to phone.c and its tests: these are the only calls into the C++
 * library.  Strings are borrowed; results are appended to the caller's
 * buffers.  No function here throws or prints.
 */
#ifndef DQ_PHONE_LPN_H
#define DQ_PHONE_LPN_H

#include <stddef.h>

/* util.h has no C++ guards of its own. */
#ifdef __cplusplus
extern "C" {
#endif

#include "base/util.h"

/* Parse(in, region), then IsValidNumber; 0 and the E.164 form (and the
 * extension, if any) appended on success, -1 otherwise.  region must be
 * NUL-terminated. */
int dq_phone_lpn_e164(const char *in, size_t n, const char *region,
		      struct dq_buf *e164, struct dq_buf *ext);

/* IsValidNumber on a PhoneNumber built from cc and the national
 * significant number nsn (nsnlen ASCII digits, 1..17) the way Parse builds
 * it (Italian leading zeros included).  1 or 0. */
int dq_phone_lpn_valid(int cc, const char *nsn, size_t nsnlen);

/* 1 if GetSupportedRegions() lists region, else 0. */
int dq_phone_lpn_region_known(const char *region);

/* The serialized PhoneMetadataCollection compiled into the library (the
 * very bytes its PhoneNumberUtil loads); *n gets its size. */
const void *dq_phone_lpn_metadata(size_t *n);

/* Call fn(arg, cc, region) for every supported calling code and each of
 * its regions, in the library's order (main country first; "001" for
 * non-geographical codes). */
void dq_phone_lpn_calling_codes(void (*fn)(void *arg, int cc,
					   const char *region),
				void *arg);

#ifdef __cplusplus
}
#endif

#endif
