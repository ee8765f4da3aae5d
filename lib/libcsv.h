/*
 * libcsv.h - reach libcsv's own <csv.h>, which dq's lib/csv.h hides.
 *
 * dq's CSV module is lib/csv.h, and the Makefile puts lib/ first on the
 * include path, so "#include <csv.h>" finds dq's header, not libcsv's.
 * Include this file as <libcsv.h> (angle brackets, so that it is found
 * through -Ilib): #include_next then carries the search on past lib/ and
 * reaches the system's /usr/include/csv.h (a GNU extension that GCC and
 * Clang both support).  Only lib/csv.c needs it.
 */
#ifndef DQ_LIBCSV_H
#define DQ_LIBCSV_H

#include_next <csv.h>

#ifndef CSV_STRICT_FINI
#error "libcsv 3.0 or later is needed (CSV_STRICT_FINI, csv_set_term_func)"
#endif

#endif
