/*
 * decide.c - a candidate pair's levels, score, decision and guard (see
 * decide.h).
 *
 * A side is read with the light walk of stream/walk.h: the pair was
 * validated when it was scanned, so its sides are only walked, each
 * member's key compared with the model's field names.  Nothing here
 * allocates per pair once the buffers have grown; numbers are printed
 * without printf.
 */
#include "er/decide.h"

#include <math.h>
#include <string.h>

#include "base/num.h"
#include "contract/types.h"
#include "er/compare.h"
#include "stream/walk.h"
#include "stream/path.h"

void
dq_decide_init(struct dq_decide *d, const struct dq_fs_model *m)
{
	memset(d, 0, sizeof(*d));
	d->m = m;
}

static void
side_release(struct dq_decide_side *s)
{
	for (size_t f = 0; f < DQ_FS_MAX_FIELDS; f++)
		dq_buf_release(&s->val[f]);
	dq_buf_release(&s->id);
}

void
dq_decide_release(struct dq_decide *d)
{
	side_release(&d->a);
	side_release(&d->b);
	for (size_t f = 0; f < DQ_FS_MAX_FIELDS; f++)
		dq_buf_release(&d->folded[f]);
	dq_buf_release(&d->scr.a);
	dq_buf_release(&d->scr.b);
}

/* Is the member's key name[0..n)?  A key without escapes (nearly all)
 * is compared here, length first: this runs for every member of every
 * side against every field. */
static inline int
key_is(const struct dq_member *x, const char *name, size_t n)
{
	if (!(x->flags & DQ_M_KEY_ESC))
		return x->keylen == n && !memcmp(x->key, name, n);
	return dq_member_key_is(x, name, n);
}

/* Read side key ("a" or "b") of pair into s; -1 when not an object. */
static int
read_side(const struct dq_fs_model *m, const struct dq_record *pair,
	  const char *key, struct dq_decide_side *s,
	  const struct dq_ident *how, size_t idn)
{
	long k = dq_record_find(pair, key, 1);
	const struct dq_member *mb;
	struct dq_walk w;
	struct dq_member x, idm, src, dq;
	int have_id = 0, have_src = 0, have_dq = 0;

	if (k < 0 || pair->m[k].type != DQ_JSON_OBJECT)
		return -1;
	mb = &pair->m[k];
	for (size_t f = 0; f < m->n; f++) {
		s->v[f] = NULL;
		s->n[f] = 0;
	}
	dq_buf_reset(&s->id);
	dq_walk_begin(&w, mb->val, mb->vallen);
	while (dq_walk_member(&w, &x)) {
		if (key_is(&x, how->field, idn)) {
			idm = x;
			have_id = 1;
		} else if (key_is(&x, "_dq", 3)) {
			dq = x;
			have_dq = 1;
		} else if (how->source &&
			   key_is(&x, how->source, strlen(how->source))) {
			src = x;
			have_src = 1;
		}
		for (size_t f = 0; f < m->n; f++) {
			if (!key_is(&x, m->f[f].name, m->f[f].namelen))
				continue;
			if (dq_value_missing(&x))
				break;
			if (x.type != DQ_JSON_STRING) {
				s->v[f] = x.val;
				s->n[f] = x.vallen;
			} else if (x.flags & DQ_M_VAL_ESC) {
				dq_buf_reset(&s->val[f]);
				dq_json_unescape(x.val, x.vallen, &s->val[f]);
				s->v[f] = s->val[f].buf;
				s->n[f] = s->val[f].len;
			} else {
				s->v[f] = x.val + 1;
				s->n[f] = x.vallen - 2;
			}
			break;
		}
	}
	/* Fields named by paths (stream/path.h), in a side without their
	 * exact keys. */
	for (size_t f = 0; f < m->n; f++) {
		if (s->v[f] || !dq_path_is_nested(m->f[f].name, m->f[f].namelen) ||
		    !dq_path_find_text(mb->val, mb->vallen, m->f[f].name,
				       m->f[f].namelen, &x) ||
		    dq_value_missing(&x))
			continue;
		if (x.type != DQ_JSON_STRING) {
			s->v[f] = x.val;
			s->n[f] = x.vallen;
		} else {
			dq_buf_reset(&s->val[f]);
			dq_json_unescape(x.val, x.vallen, &s->val[f]);
			s->v[f] = s->val[f].buf;
			s->n[f] = s->val[f].len;
		}
	}
	/* The record's id as every program names it (stream/meta.h); a
	 * record with none is named by its text. */
	if (dq_meta_ident(have_id ? &idm : NULL, have_src ? &src : NULL,
			  have_dq ? &dq : NULL, how, &s->id) < 0)
		dq_buf_add(&s->id, mb->val, mb->vallen);
	return 0;
}

int
dq_decide_read(struct dq_decide *d, const struct dq_record *pair,
	       const struct dq_ident *how)
{
	size_t idn = strlen(how->field);

	return read_side(d->m, pair, "a", &d->a, how, idn) ||
	       read_side(d->m, pair, "b", &d->b, how, idn) ? -1 : 0;
}

static int
worst(const struct dq_fs_model *m, size_t f, int l)
{
	return l == m->f[f].nlevels - 1;
}

/* Field f of a against field g of b (the folded a is in d->scr.a). */
static int
compare(struct dq_decide *d, size_t f, size_t g, double *sim)
{
	return dq_fs_compare(d->m, f, d->a.v[f], d->a.n[f], d->b.v[g],
			     d->b.n[g], sim, &d->scr);
}

static void
keep_folded(struct dq_decide *d, size_t f)
{
	dq_buf_reset(&d->folded[f]);
	dq_buf_add(&d->folded[f], d->scr.a.buf, d->scr.a.len);
}

void
dq_decide_levels(struct dq_decide *d)
{
	const struct dq_fs_model *m = d->m;
	int *lv = d->lv;
	double *sim = d->sim;

	for (size_t f = 0; f < m->n; f++) {
		lv[f] = compare(d, f, f, &sim[f]);
		d->swapped[f] = 0;
		keep_folded(d, f);
	}
	for (size_t f = 0; f < m->n; f++) {
		size_t g = (size_t)m->f[f].swap;
		int lf, lg;
		double sf, sg;
		if (m->f[f].swap < 0 || d->swapped[f] || !worst(m, f, lv[f]) ||
		    !worst(m, g, lv[g]))
			continue;
		lf = compare(d, f, g, &sf);
		if (lf < 0 || worst(m, f, lf))
			continue;
		keep_folded(d, f);
		lg = dq_fs_compare(m, g, d->a.v[g], d->a.n[g], d->b.v[f],
				   d->b.n[f], &sg, &d->scr);
		if (lg < 0 || worst(m, g, lg)) {
			/* No swap after all: f as it was compared. */
			compare(d, f, f, &sf);
			keep_folded(d, f);
			continue;
		}
		keep_folded(d, g);
		lv[f] = lf;
		lv[g] = lg;
		sim[f] = sf;
		sim[g] = sg;
		d->swapped[f] = d->swapped[g] = 1;
	}
}

/* Does "shared" field f agree: above its lowest level, similarity 0.7 or
 * more (the same phone even without its area code, the same street
 * however abbreviated)? */
static int
shared_agrees(const struct dq_fs_model *m, const int *lv, const double *sim,
	      int f)
{
	return lv[f] >= 0 && lv[f] < m->f[f].nlevels - 1 && sim[f] >= 0.7;
}

/* Is field f among the first ndiffer "differ" fields? */
static int
is_differ(const struct dq_fs_model *m, int f, size_t ndiffer)
{
	for (size_t k = 0; k < ndiffer; k++)
		if (m->guard_differ[k] == f)
			return 1;
	return 0;
}

int
dq_decide_guard(const struct dq_fs_model *m, const int *lv,
		const double *sim, size_t ndiffer)
{
	int shared = 0, contact = 0, twins = 0;
	size_t differ = 0;

	for (size_t k = 0; k < m->nguard_shared; k++) {
		int f = m->guard_shared[k];
		if (shared_agrees(m, lv, sim, f)) {
			shared = 1;
			contact |= m->f[f].cmp == DQ_FS_EMAIL ||
				   m->f[f].cmp == DQ_FS_PHONE;
		}
	}
	for (size_t k = 0; k < ndiffer; k++) {
		int f = m->guard_differ[k];
		if (lv[f] == m->f[f].nlevels - 1)
			differ++;
	}
	if (!shared || !differ)
		return DQ_GUARD_NONE;
	/* An "unless" field that agrees exactly lifts the guard (the same
	 * national id), except one that is also a "differ" field (the date
	 * of birth) when a shared contact (a field compared as an email or
	 * a phone) agrees: the same date with another first name at one
	 * email or phone is twins, not one person.  An address alone is
	 * not enough: it is also where a record's first name was lost. */
	for (size_t k = 0; k < m->nguard_unless; k++) {
		int f = m->guard_unless[k];
		if (lv[f] != 0)
			continue;
		if (!contact || !is_differ(m, f, ndiffer))
			return DQ_GUARD_NONE;
		twins = 1;
	}
	return twins ? DQ_GUARD_TWINS : DQ_GUARD_HOUSEHOLD;
}

/* Lower-case ASCII letters and digits of s[0..n) into out[0..cap);
 * returns how many. */
static size_t
alnum_fold(const char *s, size_t n, char *out, size_t cap)
{
	size_t k = 0;
	for (size_t i = 0; i < n && k < cap; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c >= 'A' && c <= 'Z')
			out[k++] = (char)(c - 'A' + 'a');
		else if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'))
			out[k++] = (char)c;
	}
	return k;
}

/* Does the local part of email e[0..en) hold the name v[0..vn) (three
 * letters or more, letters and digits compared without case), or, for a
 * name of five letters or more, the name with one typo ("michael" in
 * "michaelmccarthy@" for "Mcihael")? */
static int
email_names(const char *e, size_t en, const char *v, size_t vn)
{
	char loc[128], name[64];
	const char *at = memchr(e, '@', en);
	size_t ln = alnum_fold(e, at ? (size_t)(at - e) : en, loc, sizeof(loc));
	size_t nn = alnum_fold(v, vn, name, sizeof(name));

	if (nn < 3 || nn > ln + 1)
		return 0;
	for (size_t i = 0; i + nn <= ln; i++)
		if (!memcmp(loc + i, name, nn))
			return 1;
	if (nn < 5)
		return 0;
	for (size_t w = nn - 1; w <= nn + 1; w++)
		for (size_t i = 0; i + w <= ln; i++)
			if (dq_cmp_damerau(loc + i, w, name, nn) <= 1)
				return 1;
	return 0;
}

/*
 * Twins share a household's email; a personal one names its owner
 * ("alexanderwhite@...").  When the shared email (a "shared" field
 * compared as an email, agreeing) names one side's first name (the
 * "differ" field at its lowest level), the other side is that person
 * under another name (a nickname the table lacks): not twins.
 */
static int
own_email(const struct dq_decide *d)
{
	const struct dq_fs_model *m = d->m;

	for (size_t k = 0; k < m->nguard_shared; k++) {
		int e = m->guard_shared[k];
		if (m->f[e].cmp != DQ_FS_EMAIL || d->lv[e] != 0 ||
		    !d->a.v[e])
			continue;
		for (size_t j = 0; j < m->nguard_differ; j++) {
			int f = m->guard_differ[j];
			if (d->lv[f] != m->f[f].nlevels - 1)
				continue;
			if ((d->a.v[f] && email_names(d->a.v[e], d->a.n[e],
						      d->a.v[f], d->a.n[f])) ||
			    (d->b.v[f] && email_names(d->a.v[e], d->a.n[e],
						      d->b.v[f], d->b.n[f])))
				return 1;
		}
	}
	return 0;
}

/*
 * Do the values of "unless" field f, which do not agree exactly, agree
 * up to one typo?  Two values of six characters or more (folded as
 * compared) one edit apart (Damerau: a character changed, added,
 * dropped, or two adjacent ones swapped).  An identifier of six digits
 * has about 60 neighbours one edit away among a million: another
 * person's is rarely one of them, a typo often is.  Not for dates: a
 * date of birth a digit off is no evidence of another person (its level
 * is not the lowest), but no evidence of the same one either, since
 * siblings are born days or a year apart.
 */
static int
unless_typo(struct dq_decide *d, int f)
{
	const struct dq_fs_model *m = d->m;
	struct dq_buf *x = &d->scr.a, *y = &d->scr.b;

	if (d->lv[f] == DQ_FS_NULL || !d->a.v[f] || !d->b.v[f] ||
	    m->f[f].cmp == DQ_FS_DATE)
		return 0;
	dq_buf_reset(x);
	dq_buf_reset(y);
	dq_cmp_fold(d->a.v[f], d->a.n[f], x);
	dq_cmp_fold(d->b.v[f], d->b.n[f], y);
	return x->len >= 6 && y->len >= 6 &&
	       dq_cmp_damerau(x->buf, x->len, y->buf, y->len) <= 1;
}

/* The number of ASCII letters in s[0..n). */
static size_t
letters(const char *s, size_t n)
{
	size_t k = 0;
	for (size_t i = 0; i < n; i++)
		k += (s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' && s[i] <= 'Z');
	return k;
}

/*
 * Is name field f, at its lowest level, still no sign of another person?
 * Its values are one person's names written in each other's place when
 * one side's first name is the other side's last name (compared as a
 * name, exactly: "Jérôme Lee" and "Lre Jérôme", where the typo kept the
 * swap check from pairing the rest); and one of two letters or fewer
 * that starts as the other does is an abbreviation of it ("Ry" for
 * Raymond, "Aa" for "Ms. Agnieszka"), as one letter already is; and
 * two names that are nicknames of each other up to a typo on each side
 * (dq_cmp_nickname_near: "Geerald" and "Jeery") are one name.  The
 * scratch buffers are overwritten.
 */
static int
name_explained(struct dq_decide *d, int f)
{
	const struct dq_fs_model *m = d->m;
	int g = m->f[f].swap;
	double s;
	char a0;
	size_t an;

	if (!d->a.v[f] || !d->b.v[f])
		return 0;
	if (g >= 0 &&
	    ((d->b.v[g] && dq_fs_compare(m, (size_t)f, d->a.v[f], d->a.n[f],
					 d->b.v[g], d->b.n[g], &s,
					 &d->scr) == 0) ||
	     (d->a.v[g] && dq_fs_compare(m, (size_t)f, d->b.v[f], d->b.n[f],
					 d->a.v[g], d->a.n[g], &s,
					 &d->scr) == 0)))
		return 1;
	/* The names as compared (folded, titles and initials left out):
	 * a's was kept, b's is the first argument's fold. */
	if (!d->folded[f].len)
		return 0;
	a0 = d->folded[f].buf[0];
	an = letters(d->folded[f].buf, d->folded[f].len);
	dq_fs_compare(m, (size_t)f, d->b.v[f], d->b.n[f], d->a.v[f],
		      d->a.n[f], &s, &d->scr);
	if (!d->scr.a.len)
		return 0;
	if (m->f[f].nicknames &&
	    dq_cmp_nickname_near(d->folded[f].buf, d->folded[f].len,
				 d->scr.a.buf, d->scr.a.len))
		return 1;
	return d->scr.a.buf[0] == a0 &&
	       (an <= 2 || letters(d->scr.a.buf, d->scr.a.len) <= 2);
}

/*
 * The guard of a pair whose levels called for it, read again with the
 * values: an "unless" field that agrees up to one typo agrees, and a
 * name "differ" field whose difference is explained (name_explained) is
 * not a difference; then the levels' guard decides.  Only a pair the
 * guard held comes here, so the per-pair path is unchanged.
 */
static int
guard_values(struct dq_decide *d)
{
	const struct dq_fs_model *m = d->m;
	int lv[DQ_FS_MAX_FIELDS], changed = 0;

	memcpy(lv, d->lv, sizeof(lv));
	for (size_t k = 0; k < m->nguard_unless; k++) {
		int f = m->guard_unless[k];
		if (lv[f] > 0 && unless_typo(d, f)) {
			lv[f] = 0;
			changed = 1;
		}
	}
	for (size_t k = 0; k < m->nguard_differ; k++) {
		int f = m->guard_differ[k];
		if (m->f[f].cmp == DQ_FS_NAME &&
		    lv[f] == m->f[f].nlevels - 1 && name_explained(d, f)) {
			lv[f] = m->f[f].nlevels - 2;
			changed = 1;
		}
	}
	return changed ? dq_decide_guard(m, lv, d->sim, m->nguard_differ)
		       : d->guarded;
}

int
dq_decide_pair(struct dq_decide *d)
{
	const struct dq_fs_model *m = d->m;
	double score = 0;

	dq_decide_levels(d);
	d->total = 0;
	if (m->kind == DQ_FS_FELLEGI_SUNTER) {
		d->total = dq_fs_prior_weight(m);
		for (size_t f = 0; f < m->n; f++) {
			d->w[f] = dq_fs_log2_bf(m, f, d->lv[f],
						d->folded[f].buf,
						d->folded[f].len);
			d->total += d->w[f];
		}
		score = dq_fs_probability(d->total);
	} else {
		for (size_t f = 0; f < m->n; f++) {
			d->w[f] = d->sim[f] * m->f[f].weight;
			score += d->w[f];
		}
		if (score > 1)
			score = 1;
	}
	/* Decide on the score as printed, so that what a reviewer sees
	 * is what was compared with the thresholds. */
	d->score = score = round(score * 1e6) / 1e6;
	d->decision = score >= m->match ? DQ_DECIDE_MATCH
		      : score >= m->review ? DQ_DECIDE_REVIEW
					   : DQ_DECIDE_DISTINCT;
	d->guarded = d->decision == DQ_DECIDE_MATCH
			     ? dq_decide_guard(m, d->lv, d->sim,
					       m->nguard_differ)
			     : DQ_GUARD_NONE;
	if (d->guarded)
		d->guarded = guard_values(d);
	if (d->guarded == DQ_GUARD_TWINS && own_email(d))
		d->guarded = DQ_GUARD_NONE;
	if (d->guarded) {
		d->decision = DQ_DECIDE_REVIEW;
		d->n_guard++;
	}
	if (d->decision == DQ_DECIDE_MATCH)
		d->n_match++;
	else if (d->decision == DQ_DECIDE_REVIEW)
		d->n_review++;
	else
		d->n_distinct++;
	return d->decision;
}

/* Append the names of fields idx[0..n) for which keep() holds, as a JSON
 * array. */
static void
add_names(const struct dq_decide *d, const int *idx, size_t n,
	  int (*keep)(const struct dq_decide *, int), struct dq_buf *out)
{
	int first = 1;

	dq_buf_addch(out, '[');
	for (size_t k = 0; k < n; k++) {
		const char *name = d->m->f[idx[k]].name;
		if (!keep(d, idx[k]))
			continue;
		if (!first)
			dq_buf_addch(out, ',');
		first = 0;
		dq_buf_add_json_string(out, name, strlen(name));
	}
	dq_buf_addch(out, ']');
}

/* Does shared field f agree as the guard reads it? */
static int
shares(const struct dq_decide *d, int f)
{
	return shared_agrees(d->m, d->lv, d->sim, f);
}

/* Is differ field f at its lowest level? */
static int
differs(const struct dq_decide *d, int f)
{
	return d->lv[f] == d->m->f[f].nlevels - 1;
}

int
dq_decide_household(const struct dq_decide *d, struct dq_buf *out)
{
	const struct dq_fs_model *m = d->m;
	size_t k;

	if (d->decision == DQ_DECIDE_MATCH ||
	    (d->decision == DQ_DECIDE_REVIEW && !d->guarded))
		return 0;
	for (k = 0; k < m->nguard_shared; k++)
		if (shares(d, m->guard_shared[k]))
			break;
	if (k == m->nguard_shared)
		return 0;
	dq_buf_addstr(out, "{\"a\":");
	dq_buf_add_json_string(out, d->a.id.buf, d->a.id.len);
	dq_buf_addstr(out, ",\"b\":");
	dq_buf_add_json_string(out, d->b.id.buf, d->b.id.len);
	dq_buf_addstr(out, ",\"shared\":");
	add_names(d, m->guard_shared, m->nguard_shared, shares, out);
	dq_buf_addstr(out, ",\"differ\":");
	add_names(d, m->guard_differ, m->nguard_differ, differs, out);
	dq_buf_addstr(out, d->decision == DQ_DECIDE_REVIEW
				   ? ",\"decision\":\"review\""
				   : ",\"decision\":\"distinct\"");
	if (d->guarded)
		dq_buf_addstr(out, d->guarded == DQ_GUARD_TWINS
					   ? ",\"guard\":\"twins\""
					   : ",\"guard\":\"household\"");
	dq_buf_addstr(out, "}\n");
	return 1;
}

void
dq_decide_explain(const struct dq_decide *d, int explain, struct dq_buf *meta)
{
	const struct dq_fs_model *m = d->m;

	dq_buf_addstr(meta, "\"score\":");
	dq_num_add_fixed(meta, d->score, 6);
	dq_buf_addstr(meta, d->decision == DQ_DECIDE_MATCH ?
			    ",\"decision\":\"match\"" :
			    d->decision == DQ_DECIDE_REVIEW ?
			    ",\"decision\":\"review\"" :
			    ",\"decision\":\"distinct\"");
	if (m->kind == DQ_FS_FELLEGI_SUNTER) {
		dq_buf_addstr(meta, ",\"match_weight\":");
		dq_num_add_fixed(meta, round(d->total * 1e4) / 1e4, 4);
	}
	if (d->guarded)
		dq_buf_addstr(meta, d->guarded == DQ_GUARD_TWINS
					    ? ",\"guard\":\"twins\""
					    : ",\"guard\":\"household\"");
	if (!(explain & d->decision))
		return;
	dq_buf_addstr(meta, ",\"features\":{");
	for (size_t f = 0; f < m->n; f++) {
		if (f)
			dq_buf_addch(meta, ',');
		dq_buf_add_json_string(meta, m->f[f].name,
				       strlen(m->f[f].name));
		dq_buf_addstr(meta, ":{\"level\":\"");
		dq_buf_addstr(meta, dq_fs_level_name(m, f, d->lv[f]));
		dq_buf_addstr(meta, "\",\"similarity\":");
		dq_num_add_fixed(meta, round(d->sim[f] * 1e4) / 1e4, 4);
		dq_buf_addstr(meta, ",\"weight\":");
		dq_num_add_fixed(meta, round(d->w[f] * 1e4) / 1e4, 4);
		if (d->swapped[f])
			dq_buf_addstr(meta, ",\"swapped\":true");
		dq_buf_addch(meta, '}');
	}
	dq_buf_addch(meta, '}');
}
