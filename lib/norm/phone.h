/*
 * phone.h - phone numbers to E.164 (ITU-T E.164), by libphonenumber's rules.
 *
 * dq_phone_e164() decides, exactly as libphonenumber's PhoneNumberUtil
 * Parse() followed by IsValidNumber() would, whether a text is a valid
 * phone number, and if so appends its E.164 form.  Common inputs (digits
 * with spaces, dashes, dots and parentheses, with or without a leading
 * '+') take a fast path in C that reads libphonenumber's own compiled-in
 * metadata; everything else goes to the library itself.  See phone.c for
 * why the two paths agree.
 *
 * Ownership: all pointers are borrowed; results are appended to the
 * caller's buffers.  The module keeps one lazily built table of metadata
 * (and libphonenumber its singleton) for the life of the process;
 * dq_phone_release() frees the table, for leak checkers.  Not thread-safe.
 */
#ifndef DQ_PHONE_H
#define DQ_PHONE_H

#include <stddef.h>

#include "base/util.h"

/* Normalize a phone number to E.164.  in: UTF-8 text, n bytes (not
 * NUL-terminated).  region: default ISO 3166-1 alpha-2 region for
 * national-format numbers ("US", "GB", ...), used when the text does not
 * start with '+' (or an international prefix the library understands).
 * On success returns 0, appends the E.164 form ("+14155552671") to e164
 * and the extension digits, if any, to ext (nothing appended if none).
 * Returns -1 when the text is not a valid number for libphonenumber
 * (IsValidNumber false, or unparseable), appending nothing.
 *
 * region may be NULL or "" (then only '+' numbers can be valid); it is
 * taken as the library takes it, so "us" is an unknown region (check a
 * configured region with dq_phone_region_known first).  Input that is not
 * valid UTF-8, or longer than 250 characters (the library's input limit),
 * returns -1. */
int dq_phone_e164(const char *in, size_t n, const char *region,
		  struct dq_buf *e164, struct dq_buf *ext);

/* 1 if region is a region libphonenumber knows, else 0 (also for NULL,
 * "", "001" and lower case). */
int dq_phone_region_known(const char *region);

/*
 * The two paths, for tests and benchmarks.  dq_phone_e164_full() always
 * calls libphonenumber (same contract as dq_phone_e164).
 * dq_phone_e164_fast() returns DQ_PHONE_DECLINED, appending nothing, when
 * the input is outside the fast path's domain; otherwise it returns what
 * dq_phone_e164() returns.
 */
#define DQ_PHONE_DECLINED (-2)
int dq_phone_e164_full(const char *in, size_t n, const char *region,
		       struct dq_buf *e164, struct dq_buf *ext);
int dq_phone_e164_fast(const char *in, size_t n, const char *region,
		       struct dq_buf *e164, struct dq_buf *ext);

/*
 * The fast path's validity test alone: is the number with country calling
 * code cc and national significant number nsn (nsnlen ASCII digits,
 * leading zeros included) valid?  Returns 1 or 0 like libphonenumber's
 * IsValidNumber(), or DQ_PHONE_DECLINED if the metadata involved uses
 * regular-expression syntax the fast path does not implement.
 */
int dq_phone_valid_fast(int cc, const char *nsn, size_t nsnlen);
/* The same question asked of libphonenumber: 1 or 0. */
int dq_phone_valid_full(int cc, const char *nsn, size_t nsnlen);

/* Call fn(arg, cc, region) for every calling code and each of its
 * regions as the fast path's table lists them, to compare with the
 * library's list ("001" for a non-geographical code). */
void dq_phone_calling_codes(void (*fn)(void *arg, int cc, const char *region),
			    void *arg);

/* Free the metadata table (it is rebuilt on the next call). */
void dq_phone_release(void);

#endif
