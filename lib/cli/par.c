/*
 * par.c - the record loop spread over worker threads, output in input
 * order.
 *
 * Design: a ring of batches.  The main thread fills the next free batch
 * with whole input items (copied, since the input buffer moves on),
 * hands it to the workers and writes finished batches strictly in the
 * order they were filled, so the output is byte for byte a single
 * thread's.  A worker takes the oldest batch nobody has taken, scans
 * and transforms its records into the batch's own output buffer and
 * notes its rejects; it never writes.  Rejects are passed to
 * dq_run_reject() by the main thread when the batch is written, which
 * keeps the rejects file in line order and the counts in one place.
 *
 * With two batches per worker (and one more) the reader can run ahead
 * while every worker is busy, and a slow batch holds up the writer only,
 * never the other workers, until the ring is full.  One mutex guards the ring
 * indexes; the work on a batch is done without it, because only its
 * owner (filler, then one worker, then the writer) touches it.
 */
#include "cli/par.h"

#include <inttypes.h>
#include <malloc.h>
#include <pthread.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* An input item, with its bytes as offsets into the batch's data. */
struct bitem {
	size_t text, len, raw, rawlen;
	size_t reason; /* offset + 1 of the input layer's reason, or 0 */
	const char *file;
	long line;
	uint64_t offset;
	int csv;
	int doc;
	long srcline, srccol;
	size_t m0, nm; /* members found by the input layer (CSV): mem[m0..) */
};

/* A member as offsets from its item's text (the batch's data moves while
 * it fills). */
struct moff {
	size_t key, keylen, val, vallen;
	uint8_t type, flags;
};

struct brej {
	size_t item;
	const char *reason; /* static, or into the batch's data */
	size_t col;
};

struct batch {
	struct dq_buf data;
	struct dq_buf mem; /* struct moff */
	/* A batch of nin CSV rows as bytes (data), read and handled by the
	 * worker that takes it with its own reader (csv, a fork of the
	 * input's reader number gen), lines numbered from line0; items
	 * then holds only the rows rejected. */
	int rows;
	struct dq_csv *csv;
	unsigned gen;
	long line0, line_offset;
	const char *file;
	uint64_t nin;
	uint64_t blank; /* blank lines its reader skipped */
	struct bitem *items;
	size_t n, cap;
	struct brej *rej;
	size_t nrej, caprej;
	struct dq_buf out;
	uint64_t nout;
	uint64_t seq0; /* the sequence number of items[0] */
	int done;
};

struct par {
	struct dq_run *run;
	const struct dq_par_work *w;
	struct batch *ring;
	size_t nring;
	pthread_mutex_t mu;
	pthread_cond_t work, done;
	uint64_t filled, taken; /* batches handed out, taken by workers */
	int end;
};

struct worker {
	struct par *p;
	void *state;
	struct dq_record rec;
	struct dq_member *m; /* an item's members, as pointers again */
	size_t mcap;
	struct dq_buf spare; /* a batch's CSV bytes while they are read */
	pthread_t tid;
};

static void
item_of(const struct batch *b, size_t i, struct dq_item *it)
{
	const struct bitem *bi = &b->items[i];

	it->text = b->data.buf + bi->text;
	it->len = bi->len;
	it->raw = b->data.buf + bi->raw;
	it->rawlen = bi->rawlen;
	it->file = bi->file;
	it->line = bi->line;
	it->offset = bi->offset;
	it->reason = bi->reason ? b->data.buf + bi->reason - 1 : NULL;
	it->csv = bi->csv;
	it->doc = bi->doc;
	it->srcline = bi->srcline;
	it->srccol = bi->srccol;
	it->m = NULL;
	it->nm = 0;
}

static void
add_rej(struct batch *b, size_t item, const char *reason, size_t col)
{
	if (b->nrej == b->caprej) {
		b->caprej = b->caprej ? 2 * b->caprej : 16;
		b->rej = dq_xrealloc(b->rej, b->caprej * sizeof(*b->rej));
	}
	b->rej[b->nrej++] = (struct brej){ item, reason, col };
}

/* The record of an item whose members the input layer found: no scan. */
static void
adopt(struct worker *k, const struct batch *b, const struct bitem *bi,
      const char *text)
{
	const struct moff *o = (const struct moff *)b->mem.buf + bi->m0;

	if (bi->nm > k->mcap) {
		k->mcap = bi->nm;
		k->m = dq_xrealloc(k->m, k->mcap * sizeof(*k->m));
	}
	for (size_t j = 0; j < bi->nm; j++)
		k->m[j] = (struct dq_member){ text + o[j].key, text + o[j].val,
					      o[j].keylen, o[j].vallen,
					      o[j].type, o[j].flags };
	dq_record_adopt(&k->rec, text, bi->len, k->m, bi->nm);
}

static struct bitem *
new_item(struct batch *b)
{
	if (b->n == b->cap) {
		b->cap = b->cap ? 2 * b->cap : 1024;
		b->items = dq_xrealloc(b->items, b->cap * sizeof(*b->items));
	}
	return &b->items[b->n++];
}

/* Note an item's members (found by the CSV reader) in b->mem. */
static void
keep_members(struct batch *b, struct bitem *bi, const char *text,
	     const struct dq_member *m, size_t nm)
{
	bi->m0 = b->mem.len / sizeof(struct moff);
	bi->nm = nm;
	for (size_t j = 0; j < nm; j++) {
		struct moff o = { (size_t)(m[j].key - text), m[j].keylen,
				  (size_t)(m[j].val - text), m[j].vallen,
				  m[j].type, m[j].flags };
		dq_buf_add(&b->mem, (const char *)&o, sizeof(o));
	}
}

/* Copy the item it into b: its bytes (its text too when text is set),
 * where it came from, its members. */
static void
keep_item(struct batch *b, const struct dq_item *it, int text)
{
	struct bitem *bi = new_item(b);

	bi->text = b->data.len;
	bi->len = text ? it->len : 0;
	if (text)
		dq_buf_add(&b->data, it->text, it->len);
	if (text && it->raw == it->text && it->rawlen == it->len) {
		bi->raw = bi->text;
	} else {
		bi->raw = b->data.len;
		dq_buf_add(&b->data, it->raw, it->rawlen);
	}
	bi->rawlen = it->rawlen;
	bi->reason = 0;
	if (it->reason) {
		bi->reason = b->data.len + 1;
		dq_buf_add(&b->data, it->reason, strlen(it->reason) + 1);
	}
	bi->file = it->file;
	bi->line = it->line;
	bi->offset = it->offset;
	bi->csv = it->csv;
	bi->doc = it->doc;
	bi->srcline = it->srcline;
	bi->srccol = it->srccol;
	keep_members(b, bi, it->text, text ? it->m : NULL, text ? it->nm : 0);
}

/* Keep a rejected row of a batch of rows, for the writer (why NULL:
 * the reader's reason, kept with the item). */
static void
keep_reject(struct batch *b, const struct dq_item *it, const char *why,
	    size_t col)
{
	keep_item(b, it, 0);
	add_rej(b, b->n - 1, why, col);
}

/*
 * Read and handle a batch of CSV rows (bytes) with the batch's reader:
 * the rows, lines and reasons the input's reader would have given, since
 * the bytes end where a row ends (dq_input_csv_rows), and as many as the
 * main thread counted, numbered from b->seq0.  Only the rejected rows
 * are kept.
 */
static void
work_rows(struct worker *k, struct batch *b)
{
	const struct dq_par_work *w = k->p->w;
	struct dq_buf bytes = b->data;
	struct dq_csv_row row;
	uint64_t blank0 = dq_csv_blank_lines(b->csv), seq = b->seq0;

	b->data = k->spare;
	dq_buf_reset(&b->data);
	if (dq_csv_feed(b->csv, bytes.buf, bytes.len, b->line0) < 0)
		dq_die("%s:%ld: %s", b->file, b->line0 + b->line_offset,
		       dq_csv_error(b->csv));
	while (dq_csv_next(b->csv, &row)) {
		struct dq_item it = { .text = row.json, .len = row.json_len,
				      .raw = row.raw, .rawlen = row.raw_len,
				      .file = b->file,
				      .line = row.line + b->line_offset,
				      .offset = UINT64_MAX,
				      .reason = row.reason, .csv = 1,
				      .m = row.m, .nm = row.nm };
		struct dq_json_error err;
		const char *why = NULL;
		size_t col = 0;

		if (row.reason) {
			keep_reject(b, &it, NULL, 0);
			seq++;
			continue;
		}
		if (row.m) {
			dq_record_adopt(&k->rec, row.json, row.json_len, row.m,
					row.nm);
		} else if (dq_json_scan(&k->rec, row.json, row.json_len,
					&err)) {
			why = err.reason;
			col = err.offset;
		}
		if (!why) {
			int rc = w->record(k->state, &k->rec, &it, seq,
					   &b->out, &why);
			if (rc < 0 && !why)
				why = "rejected";
			else if (rc >= 0)
				b->nout += (uint64_t)rc;
		}
		if (why)
			keep_reject(b, &it, why, col);
		seq++;
	}
	if (!dq_csv_idle(b->csv) || seq - b->seq0 != b->nin)
		dq_die("%s:%ld: internal error: a run of CSV rows read as %"
		       PRIu64 " rows, counted as %" PRIu64, b->file,
		       b->line0 + b->line_offset, seq - b->seq0, b->nin);
	b->blank = dq_csv_blank_lines(b->csv) - blank0;
	k->spare = bytes;
}

static void
work_batch(struct worker *k, struct batch *b)
{
	const struct dq_par_work *w = k->p->w;
	struct dq_json_error err;
	struct dq_item it;

	for (size_t i = 0; i < b->n; i++) {
		item_of(b, i, &it);
		if (it.reason) {
			add_rej(b, i, it.reason, 0);
			continue;
		}
		if (b->items[i].nm) {
			adopt(k, b, &b->items[i], it.text);
		} else if (dq_json_scan(&k->rec, it.text, it.len, &err)) {
			add_rej(b, i, err.reason, err.offset);
			continue;
		}
		const char *why = NULL;
		int rc = w->record(k->state, &k->rec, &it, b->seq0 + i,
				   &b->out, &why);
		if (rc < 0)
			add_rej(b, i, why ? why : "rejected", 0);
		else
			b->nout += (uint64_t)rc;
	}
}

static void *
worker_main(void *arg)
{
	struct worker *k = arg;
	struct par *p = k->p;

	for (;;) {
		pthread_mutex_lock(&p->mu);
		while (p->taken == p->filled && !p->end)
			pthread_cond_wait(&p->work, &p->mu);
		if (p->taken == p->filled) {
			pthread_mutex_unlock(&p->mu);
			return NULL;
		}
		struct batch *b = &p->ring[p->taken % p->nring];
		p->taken++;
		pthread_mutex_unlock(&p->mu);

		if (b->rows)
			work_rows(k, b);
		else
			work_batch(k, b);

		pthread_mutex_lock(&p->mu);
		b->done = 1;
		pthread_cond_signal(&p->done);
		pthread_mutex_unlock(&p->mu);
	}
}

/* Fill b with input items; returns 0 at the end of the input, 2 when
 * the item in run->item is a big one (see big_item) for the caller. */
static int
fill(struct par *p, struct batch *b, uint64_t seq0)
{
	struct dq_run *run = p->run;
	struct dq_item *it = &run->item;
	long line, lines;

	dq_buf_reset(&b->data);
	dq_buf_reset(&b->mem);
	dq_buf_reset(&b->out);
	b->n = b->nrej = 0;
	b->nout = 0;
	b->done = 0;
	b->seq0 = seq0;
	b->rows = 0;
	b->blank = 0;
	/* CSV rows go to the workers as bytes, read there. */
	lines = dq_input_csv_rows(&run->in, &b->data, DQ_PAR_BATCH, &line,
				  &b->nin);
	if (lines < 0)
		exit(2);
	if (lines > 0) {
		if (!b->csv || b->gen != run->in.csv_gen) {
			dq_csv_free(b->csv);
			b->csv = dq_csv_fork(run->in.csvp);
			b->gen = run->in.csv_gen;
		}
		b->rows = 1;
		b->line0 = line;
		b->line_offset = run->in.line_offset;
		b->file = run->in.name;
		return 1;
	}
	while (b->data.len < DQ_PAR_BATCH && b->n < 8192) {
		int rc = dq_input_next(&run->in, it);
		if (rc < 0)
			exit(2);
		if (rc == 0)
			return 0;
		dq_run_count_in(run);
		if (it->len >= DQ_PAR_BIG || it->rawlen >= DQ_PAR_BIG)
			return 2;
		keep_item(b, it, 1);
	}
	return 1;
}

/* Write a finished batch: its rejects in order, then its records. */
static void
drain(struct par *p, struct batch *b)
{
	struct dq_run *run = p->run;

	if (b->rows) {
		/* Counted here, in order, as fill counts the others. */
		for (uint64_t i = 0; i < b->nin; i++)
			dq_run_count_in(run);
		run->in.blank += b->blank;
	}

	for (size_t i = 0; i < b->nrej; i++) {
		item_of(b, b->rej[i].item, &run->item);
		dq_run_reject(run, b->rej[i].reason ? b->rej[i].reason
						    : run->item.reason,
			      b->rej[i].col);
	}
	if (p->w->consume) {
		p->w->consume(p->w->ctx, b->out.buf, b->out.len);
		return;
	}
	run->n_out += b->nout;
	if (b->out.len >= DQ_OUT_FLUSH && run->out.fd >= 0) {
		/* A full batch is written from its own buffer, not copied. */
		dq_out_flush(&run->out);
		struct dq_buf t = run->out.b;
		run->out.b = b->out;
		b->out = t;
		dq_out_flush(&run->out);
		return;
	}
	dq_buf_add(&run->out.b, b->out.buf, b->out.len);
	dq_out_commit(&run->out);
}

/*
 * A line of DQ_PAR_BIG bytes or more is not copied into a batch: once
 * every batch before it is written, the main thread handles it in place
 * with worker 0's state (every worker is idle then, waiting for work),
 * so a huge line costs what it costs one thread, not a copy per stage.
 */
static void
big_item(struct par *p, struct worker *k, uint64_t seq)
{
	struct dq_run *run = p->run;
	const struct dq_item *it = &run->item;
	struct dq_json_error err;
	struct dq_buf tmp = DQ_BUF_INIT;
	struct dq_buf *out = p->w->consume ? &tmp : &run->out.b;
	const char *why = NULL;
	int rc;

	if (it->reason) {
		dq_run_reject(run, it->reason, 0);
		return;
	}
	if (it->m) {
		dq_record_adopt(&k->rec, it->text, it->len, it->m, it->nm);
	} else if (dq_json_scan(&k->rec, it->text, it->len, &err)) {
		dq_run_reject(run, err.reason, err.offset);
		return;
	}
	rc = p->w->record(k->state, &k->rec, it, seq, out, &why);
	if (rc < 0) {
		dq_run_reject(run, why ? why : "rejected", 0);
	} else if (p->w->consume) {
		p->w->consume(p->w->ctx, tmp.buf, tmp.len);
	} else {
		run->n_out += (uint64_t)rc;
		dq_out_commit(&run->out);
	}
	dq_buf_release(&tmp);
}

/* Wait until the oldest batch not yet written is done, and write it. */
static void
drain_oldest(struct par *p, uint64_t *written)
{
	struct batch *b = &p->ring[*written % p->nring];

	pthread_mutex_lock(&p->mu);
	while (!b->done)
		pthread_cond_wait(&p->done, &p->mu);
	pthread_mutex_unlock(&p->mu);
	drain(p, b);
	(*written)++;
}

static void
serial(struct dq_run *run, const struct dq_par_work *w)
{
	void *st = w->start(w->ctx, 0);
	struct dq_record rec;
	struct dq_buf tmp = DQ_BUF_INIT;
	struct dq_buf *out = w->consume ? &tmp : &run->out.b;

	dq_record_init(&rec);
	while (dq_run_next(run, &rec) > 0) {
		const char *why = NULL;
		dq_buf_reset(&tmp);
		int rc = w->record(st, &rec, &run->item, run->n_in - 1, out,
				   &why);
		if (rc < 0)
			dq_run_reject(run, why ? why : "rejected", 0);
		else if (w->consume)
			w->consume(w->ctx, tmp.buf, tmp.len);
		else
			run->n_out += (uint64_t)rc;
		if (!w->consume)
			dq_out_commit(&run->out);
	}
	dq_buf_release(&tmp);
	dq_record_release(&rec);
	w->finish(w->ctx, st, 0);
}

void
dq_par_run(struct dq_run *run, int jobs, const struct dq_par_work *w)
{
	if (jobs > DQ_PAR_MAX_JOBS)
		jobs = DQ_PAR_MAX_JOBS;
	if (jobs <= 1) {
		serial(run, w);
		return;
	}

	/* Workers allocate little once warm; two heap arenas instead of
	 * glibc's eight per core keep the peak memory flat (measured: 0.9
	 * MB less with two workers, no loss of speed). */
	mallopt(M_ARENA_MAX, 2);

	struct par p = { .run = run, .w = w };
	struct worker *ks = dq_xcalloc((size_t)jobs, sizeof(*ks));
	uint64_t written = 0, seq = 0;
	int more = 1;

	p.nring = 2 * (size_t)jobs + 1;
	p.ring = dq_xcalloc(p.nring, sizeof(*p.ring));
	pthread_mutex_init(&p.mu, NULL);
	pthread_cond_init(&p.work, NULL);
	pthread_cond_init(&p.done, NULL);
	for (int i = 0; i < jobs; i++) {
		ks[i].p = &p;
		ks[i].state = w->start(w->ctx, i);
		dq_record_init(&ks[i].rec);
		if (pthread_create(&ks[i].tid, NULL, worker_main, &ks[i]))
			dq_die("cannot start a worker thread");
	}

	while (more) {
		/* Wait for the oldest batch while the ring is full. */
		while (p.filled - written >= p.nring)
			drain_oldest(&p, &written);
		struct batch *b = &p.ring[p.filled % p.nring];
		more = fill(&p, b, seq);
		seq += b->rows ? b->nin : b->n;
		if (b->n || b->rows) {
			pthread_mutex_lock(&p.mu);
			p.filled++;
			pthread_cond_signal(&p.work);
			pthread_mutex_unlock(&p.mu);
		}
		if (more == 2) {
			while (written < p.filled)
				drain_oldest(&p, &written);
			big_item(&p, &ks[0], seq++);
			continue;
		}
		/* Write whatever is finished, without waiting. */
		for (;;) {
			struct batch *d = &p.ring[written % p.nring];
			int ready;
			if (written == p.filled)
				break;
			pthread_mutex_lock(&p.mu);
			ready = d->done;
			pthread_mutex_unlock(&p.mu);
			if (!ready)
				break;
			drain(&p, d);
			written++;
		}
	}

	pthread_mutex_lock(&p.mu);
	p.end = 1;
	pthread_cond_broadcast(&p.work);
	pthread_mutex_unlock(&p.mu);
	while (written < p.filled)
		drain_oldest(&p, &written);
	for (int i = 0; i < jobs; i++) {
		pthread_join(ks[i].tid, NULL);
		dq_record_release(&ks[i].rec);
		free(ks[i].m);
		dq_buf_release(&ks[i].spare);
		w->finish(w->ctx, ks[i].state, i);
	}
	for (size_t i = 0; i < p.nring; i++) {
		dq_buf_release(&p.ring[i].data);
		dq_buf_release(&p.ring[i].mem);
		dq_csv_free(p.ring[i].csv);
		dq_buf_release(&p.ring[i].out);
		free(p.ring[i].items);
		free(p.ring[i].rej);
	}
	free(p.ring);
	free(ks);
	pthread_cond_destroy(&p.done);
	pthread_cond_destroy(&p.work);
	pthread_mutex_destroy(&p.mu);
}

int
dq_par_default_jobs(void)
{
	cpu_set_t set;
	int n = 0;

	if (sched_getaffinity(0, sizeof(set), &set) == 0)
		n = CPU_COUNT(&set);
	if (n <= 0) {
		long c = sysconf(_SC_NPROCESSORS_ONLN);
		n = c > 0 ? (int)c : 1;
	}
	return n > 8 ? 8 : n;
}
