/* Unit tests for lib/sketch/reservoir.c: fill, uniformity over many trials,
 * merge weights. */
#include <stdio.h>
#include <stdlib.h>

#include "sketch/reservoir.h"
#include "unit.h"

int
main(void)
{
	struct dq_reservoir r, s;
	char v[16];
	unsigned hits[100] = { 0 };

	dq_reservoir_init(&r, 3, 1);
	dq_reservoir_add(&r, "a", 1);
	dq_reservoir_add(&r, "", 0);
	UNIT_INT(r.n, 2, "fewer items than cap: all kept");
	UNIT_STR(r.item[1], "", "empty item kept");
	dq_reservoir_release(&r);

	dq_reservoir_init(&r, 0, 1);
	dq_reservoir_add(&r, "a", 1);
	UNIT_INT(r.n, 0, "cap 0 keeps nothing");
	UNIT_INT(r.seen, 1, "but counts");
	dq_reservoir_release(&r);

	/* 10 slots out of 100 items, 20000 trials: each item expected
	 * 2000 times, sd about 42; allow 5 sd. */
	for (int t = 0; t < 20000; t++) {
		dq_reservoir_init(&r, 10, (uint64_t)t * 7919 + 1);
		for (int i = 0; i < 100; i++) {
			snprintf(v, sizeof(v), "%d", i);
			dq_reservoir_add(&r, v, strlen(v));
		}
		for (size_t i = 0; i < r.n; i++)
			hits[atoi(r.item[i])]++;
		dq_reservoir_release(&r);
	}
	unsigned lo = 20000, hi = 0;
	for (int i = 0; i < 100; i++) {
		lo = hits[i] < lo ? hits[i] : lo;
		hi = hits[i] > hi ? hits[i] : hi;
	}
	UNIT_OK(lo >= 1790 && hi <= 2210, "Algorithm R is uniform");

	/* Merge: stream A has 900 items, B 100; a merged sample of 10 holds
	 * about 9 from A on average. */
	unsigned froma = 0;
	for (int t = 0; t < 2000; t++) {
		dq_reservoir_init(&r, 10, (uint64_t)t + 11);
		dq_reservoir_init(&s, 10, (uint64_t)t + 5000);
		for (int i = 0; i < 900; i++)
			dq_reservoir_add(&r, "A", 1);
		for (int i = 0; i < 100; i++)
			dq_reservoir_add(&s, "B", 1);
		dq_reservoir_merge(&r, &s);
		if (t == 0) {
			UNIT_INT(r.n, 10, "merged sample is full");
			UNIT_INT(r.seen, 1000, "merged seen");
		}
		for (size_t i = 0; i < r.n; i++)
			froma += r.item[i][0] == 'A';
		dq_reservoir_release(&r);
		dq_reservoir_release(&s);
	}
	UNIT_NEAR(froma / 20000.0, 0.9, 0.01, "merge weights by stream size");

	dq_reservoir_init(&r, 5, 3);
	dq_reservoir_init(&s, 5, 4);
	dq_reservoir_add(&s, "x", 1);
	dq_reservoir_merge(&r, &s);
	UNIT_INT(r.n, 1, "merge into empty");
	UNIT_STR(r.item[0], "x", "the one item");
	dq_reservoir_release(&r);
	dq_reservoir_release(&s);
	return unit_done();
}
