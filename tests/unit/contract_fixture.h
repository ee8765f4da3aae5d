/*
 * contract_fixture.h - for the contract unit tests: a rule set compiled
 * from contract text, and records checked against it.
 */
#ifndef DQ_CONTRACT_FIXTURE_H
#define DQ_CONTRACT_FIXTURE_H

#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "contract/check.h"
#include "contract/rules.h"
#include "norm/date.h"

/* Load the contract text json into c (initialized here): 0 or -1. */
static int __attribute__((unused))
fixture_contract(struct dq_contract *c, const char *json)
{
	char path[64];
	char *files[1] = { path };
	FILE *f;
	int rc;

	snprintf(path, sizeof(path), "/tmp/dq-unit-contract.%ld.json",
		 (long)getpid());
	f = fopen(path, "w");
	fputs(json, f);
	fclose(f);
	dq_contract_init(c);
	rc = dq_contract_load(c, files, 1, NULL, 0);
	unlink(path);
	return rc;
}

/* Compile the contract text json into rs (today 2024-05-01): 0 or -1. */
static int __attribute__((unused))
fixture_rules(struct dq_rules *rs, const char *json)
{
	struct dq_contract c;
	int rc;

	dq_rules_init(rs, dq_date_days(2024, 5, 1));
	rc = fixture_contract(&c, json);
	if (!rc)
		rc = dq_rules_load(rs, &c, NULL);
	if (!rc)
		dq_rules_ready(rs, "id");
	dq_contract_release(&c);
	return rc;
}

/* Check the record line (line n, seq n) through ck; the record's
 * _dq.violations text (or "" for none) into out. */
static int __attribute__((unused))
fixture_check(struct dq_check *ck, const char *line, long n, int csv,
	      struct dq_buf *out)
{
	struct dq_record rec;
	struct dq_json_error err;
	int rc;

	dq_record_init(&rec);
	dq_buf_reset(out);
	if (dq_json_scan(&rec, line, strlen(line), &err)) {
		dq_record_release(&rec);
		return -2;
	}
	rc = dq_check_record(ck, &rec, n, (uint64_t)n, csv);
	if (ck->nviol) {
		dq_buf_addch(&ck->vbuf, ']');
		dq_record_write(&rec, ck->vbuf.buf, ck->vbuf.len, out);
	} else if (rec.modified) {
		dq_record_write(&rec, NULL, 0, out);
	}
	dq_record_release(&rec);
	return rc;
}

#endif
