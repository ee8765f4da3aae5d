/*
 * fuzz_date.c - libFuzzer entry point for the date parser (lib/norm/date.c).
 *
 * The first byte picks the options (field order, epoch seconds or
 * milliseconds, pivot year).  A parsed date must be a real date, and its
 * ISO 8601 form must parse back to the same date and time: dq-normalize
 * writes that form, so a date it writes must be one it reads.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "norm/date.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct dq_date_opts o;
	struct dq_datetime dt, back;
	struct dq_buf b = DQ_BUF_INIT;
	char *s;

	if (size < 1)
		return 0;
	dq_date_opts_init(&o);
	o.order = (enum dq_date_order)(data[0] % 3);
	o.epoch = (data[0] >> 2) % 3;
	o.pivot = (data[0] >> 4) * 7;
	data++;
	size--;
	s = malloc(size ? size : 1);
	memcpy(s, data, size);
	if (dq_date_parse(s, size, &o, &dt) == 0) {
		if (!dq_date_valid(dt.year, dt.month, dt.day))
			abort();
		dq_date_format(&dt, dt.has_time, &b);
		if (dq_date_parse(b.buf, b.len, NULL, &back) != 0 ||
		    back.year != dt.year || back.month != dt.month ||
		    back.day != dt.day || back.hour != dt.hour ||
		    back.min != dt.min || back.sec != dt.sec)
			abort();
		long long d = dq_date_days(dt.year, dt.month, dt.day);
		int y, m, dd;
		dq_date_from_days(d, &y, &m, &dd);
		if (y != dt.year || m != dt.month || dd != dt.day)
			abort();
	}
	dq_buf_release(&b);
	free(s);
	return 0;
}
