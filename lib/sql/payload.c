/*
 * payload.c - a profile document as dq-sql's payload column (see
 * payload.h).
 */
#include "sql/payload.h"

#include <stdlib.h>

#include "stream/json.h"
#include "stream/walk.h"

void
dq_sql_payload(struct dq_sql_jv p, long long max_value, long long max_payload,
               struct dq_buf *out)
{
	struct dq_buf t = DQ_BUF_INIT;
	long cut;

	cut = dq_sql_json_compact(p.s, p.n, (size_t)max_value, &t);
	if (max_payload && t.len > (size_t)max_payload) {
		/* Leave out the largest top-level members until it fits,
		 * keeping the order of the rest. */
		struct dq_member *m = NULL;
		size_t nm = 0, cap = 0, i, big, total = t.len;
		char *drop;
		struct dq_walk w;
		struct dq_member x;
		struct dq_buf names = DQ_BUF_INIT;
		int first = 1;

		dq_walk_begin(&w, t.buf, t.len);
		while (dq_walk_member(&w, &x)) {
			if (nm == cap) {
				cap = cap ? 2 * cap : 16;
				m = dq_xrealloc(m, cap * sizeof(*m));
			}
			m[nm++] = x;
		}
		drop = dq_xcalloc(nm ? nm : 1, 1);
		while (total > (size_t)max_payload - 200) {
			for (i = 0, big = nm; i < nm; i++)
				if (!drop[i] &&
				    (big == nm || m[i].vallen > m[big].vallen))
					big = i;
			if (big == nm)
				break;
			drop[big] = 1;
			total -= m[big].keylen + m[big].vallen + 4;
		}
		dq_buf_addch(out, '{');
		for (i = 0; i < nm; i++) {
			struct dq_buf *to = drop[i] ? &names : out;

			if (drop[i] ? names.len != 0 : !first)
				dq_buf_addch(to, ',');
			if (!drop[i])
				first = 0;
			dq_buf_addch(to, '"');
			dq_buf_add(to, m[i].key, m[i].keylen);
			dq_buf_addch(to, '"');
			if (!drop[i]) {
				dq_buf_addch(out, ':');
				dq_buf_add(out, m[i].val, m[i].vallen);
			}
		}
		dq_buf_addf(out, "%s\"_truncated\":{\"members_dropped\":[",
		            first ? "" : ",");
		dq_buf_add(out, names.buf, names.len);
		dq_buf_addf(out,
		            "],\"payload_bytes\":%zu,"
		            "\"max_payload_bytes\":%lld",
		            t.len, max_payload);
		if (cut)
			dq_buf_addf(out,
			            ",\"values_cut\":%ld,"
			            "\"max_value_bytes\":%lld",
			            cut, max_value);
		dq_buf_addstr(out, "}}");
		dq_buf_release(&names);
		free(drop);
		free(m);
	} else if (cut) {
		/* t ends with the object's '}'. */
		dq_buf_add(out, t.buf, t.len - 1);
		dq_buf_addf(out,
		            "%s\"_truncated\":{\"values_cut\":%ld,"
		            "\"max_value_bytes\":%lld}}",
		            t.len > 2 ? "," : "", cut, max_value);
	} else {
		dq_buf_add(out, t.buf, t.len);
	}
	dq_buf_release(&t);
}
