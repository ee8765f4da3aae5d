/*
 * parquet.c - Parquet rows as JSON objects through DuckDB's C API (see
 * parquet.h).
 *
 * The library is opened with dlopen(3) and the few functions dq calls are
 * looked up by name; their prototypes and the layouts of the values they
 * hand out are those of DuckDB's stable C API (duckdb.h, "C API -
 * Overview", "Data Chunks", "Vectors", "Types" in DuckDB's
 * documentation): a result is a 48-byte struct passed by value to
 * duckdb_fetch_chunk, a VARCHAR or BLOB is a 16-byte duckdb_string_t (a
 * 32-bit length, then the bytes inline when there are at most 12, else a
 * 4-byte prefix and a pointer), a list entry is a 64-bit offset and length
 * into the list's child vector, a validity mask is one bit per row (a NULL
 * mask: every row valid), a HUGEINT is its low 64 bits then its high 64
 * bits, a UUID is a HUGEINT with its top bit flipped, an INTERVAL is
 * months, days (32 bits each) and microseconds (64 bits), dates are days
 * since 1970-01-01 and timestamps micro-, milli-, nano- or seconds since
 * 1970-01-01 00:00:00 (the largest and smallest values meaning infinity).
 * Days become a civil date with Howard Hinnant's days_from_civil inverse
 * ("chrono-Compatible Low-Level Date Algorithms", civil_from_days).
 *
 * The query is `SELECT * FROM read_parquet('/dev/fd/N')`: the file is read
 * through the descriptor the input layer opened, so a file name with
 * quotes or glob characters in it needs no escaping, and stdin redirected
 * from a file works.  The rows come from a streaming result, one chunk at
 * a time, in the file's order (DuckDB keeps insertion order by default).
 */
#include "stream/parquet.h"

#include <dlfcn.h>
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/num.h"
#include "base/util.h"

/* DuckDB's type ids (enum DUCKDB_TYPE). */
enum {
	T_BOOLEAN = 1, T_TINYINT, T_SMALLINT, T_INTEGER, T_BIGINT,
	T_UTINYINT, T_USMALLINT, T_UINTEGER, T_UBIGINT, T_FLOAT, T_DOUBLE,
	T_TIMESTAMP, T_DATE, T_TIME, T_INTERVAL, T_HUGEINT, T_VARCHAR,
	T_BLOB, T_DECIMAL, T_TIMESTAMP_S, T_TIMESTAMP_MS, T_TIMESTAMP_NS,
	T_ENUM, T_LIST, T_STRUCT, T_MAP, T_UUID, T_UNION, T_BIT, T_TIME_TZ,
	T_TIMESTAMP_TZ, T_UHUGEINT, T_ARRAY, T_TIME_NS = 39
};

/* The C API's value layouts. */
struct ddb_result {
	uint64_t deprecated[3];
	void *columns;
	char *error;
	void *internal;
};
struct ddb_string {
	uint32_t len;
	char bytes[12]; /* the bytes, or a 4-byte prefix and a pointer */
};
struct ddb_list_entry {
	uint64_t offset, length;
};
struct ddb_hugeint {
	uint64_t lower;
	int64_t upper;
};
struct ddb_interval {
	int32_t months, days;
	int64_t micros;
};
struct ddb_time_tz {
	int8_t hour, min, sec;
	int32_t micros;
	int32_t offset;
};

typedef void *ddb_ptr;

/* The functions dq calls, looked up by their C API names. */
static struct {
	void *lib;
	int (*open)(const char *, ddb_ptr *);
	void (*close)(ddb_ptr *);
	int (*connect)(ddb_ptr, ddb_ptr *);
	void (*disconnect)(ddb_ptr *);
	int (*query)(ddb_ptr, const char *, struct ddb_result *);
	void (*destroy_result)(struct ddb_result *);
	const char *(*result_error)(struct ddb_result *);
	int (*prepare)(ddb_ptr, const char *, ddb_ptr *);
	const char *(*prepare_error)(ddb_ptr);
	void (*destroy_prepare)(ddb_ptr *);
	int (*execute_prepared_streaming)(ddb_ptr, struct ddb_result *);
	uint64_t (*column_count)(struct ddb_result *);
	const char *(*column_name)(struct ddb_result *, uint64_t);
	ddb_ptr (*column_logical_type)(struct ddb_result *, uint64_t);
	ddb_ptr (*fetch_chunk)(struct ddb_result);
	uint64_t (*data_chunk_get_size)(ddb_ptr);
	ddb_ptr (*data_chunk_get_vector)(ddb_ptr, uint64_t);
	void (*destroy_data_chunk)(ddb_ptr *);
	void *(*vector_get_data)(ddb_ptr);
	uint64_t *(*vector_get_validity)(ddb_ptr);
	ddb_ptr (*list_vector_get_child)(ddb_ptr);
	ddb_ptr (*struct_vector_get_child)(ddb_ptr, uint64_t);
	ddb_ptr (*array_vector_get_child)(ddb_ptr);
	int (*get_type_id)(ddb_ptr);
	void (*destroy_logical_type)(ddb_ptr *);
	uint8_t (*decimal_scale)(ddb_ptr);
	int (*decimal_internal_type)(ddb_ptr);
	int (*enum_internal_type)(ddb_ptr);
	uint32_t (*enum_dictionary_size)(ddb_ptr);
	char *(*enum_dictionary_value)(ddb_ptr, uint64_t);
	ddb_ptr (*list_type_child_type)(ddb_ptr);
	ddb_ptr (*array_type_child_type)(ddb_ptr);
	uint64_t (*array_type_array_size)(ddb_ptr);
	uint64_t (*struct_type_child_count)(ddb_ptr);
	char *(*struct_type_child_name)(ddb_ptr, uint64_t);
	ddb_ptr (*struct_type_child_type)(ddb_ptr, uint64_t);
	uint64_t (*union_type_member_count)(ddb_ptr);
	char *(*union_type_member_name)(ddb_ptr, uint64_t);
	ddb_ptr (*union_type_member_type)(ddb_ptr, uint64_t);
	ddb_ptr (*map_type_key_type)(ddb_ptr);
	ddb_ptr (*map_type_value_type)(ddb_ptr);
	struct ddb_time_tz (*from_time_tz)(uint64_t);
	void (*free)(void *);
} ddb;

#define CACHE_LIB "/.cache/dq/duckdb/node_modules/@duckdb/" \
		  "node-bindings-linux-x64/libduckdb.so"

static const char install_hint[] =
	"install it with scripts/install-deps --parquet (from dq's source "
	"tree; it puts the npm package @duckdb/node-bindings-linux-x64 in "
	"~/.cache/dq/duckdb), or set DQ_LIBDUCKDB to a libduckdb.so";

/* Look up every function; -1 (with the missing name in *why) if one is
 * not there. */
static int
bind_all(void *lib, const char **why)
{
#define B(f) \
	if (!(*(void **)&ddb.f = dlsym(lib, "duckdb_" #f))) \
		return *why = "duckdb_" #f, -1;
	B(open) B(close) B(connect) B(disconnect) B(query)
	B(destroy_result) B(result_error) B(prepare) B(prepare_error)
	B(destroy_prepare) B(execute_prepared_streaming) B(column_count)
	B(column_name) B(column_logical_type) B(fetch_chunk)
	B(data_chunk_get_size) B(data_chunk_get_vector)
	B(destroy_data_chunk) B(vector_get_data) B(vector_get_validity)
	B(list_vector_get_child) B(struct_vector_get_child)
	B(array_vector_get_child) B(get_type_id) B(destroy_logical_type)
	B(decimal_scale) B(decimal_internal_type) B(enum_internal_type)
	B(enum_dictionary_size) B(enum_dictionary_value)
	B(list_type_child_type) B(array_type_child_type)
	B(array_type_array_size) B(struct_type_child_count)
	B(struct_type_child_name) B(struct_type_child_type)
	B(union_type_member_count) B(union_type_member_name)
	B(union_type_member_type)
	B(map_type_key_type) B(map_type_value_type) B(from_time_tz) B(free)
#undef B
	return 0;
}

/* Load the library once: 0, or -1 with *why saying why not. */
static int
load(const char **why_not)
{
	static int state; /* 0 not tried, 1 loaded, -1 failed */
	static char why[1024];

	if (state == 0) {
		const char *env = getenv("DQ_LIBDUCKDB");
		const char *home = getenv("HOME");
		char path[4096];
		const char *miss;
		void *lib = NULL;

		state = -1;
		if (env && *env) {
			lib = dlopen(env, RTLD_NOW | RTLD_LOCAL);
			if (!lib)
				snprintf(why, sizeof(why), "DQ_LIBDUCKDB=%s "
					 "cannot be loaded (%s); %s", env,
					 dlerror(), install_hint);
		} else {
			if (home && *home &&
			    strlen(home) + sizeof(CACHE_LIB) < sizeof(path)) {
				snprintf(path, sizeof(path), "%s%s", home,
					 CACHE_LIB);
				if (access(path, F_OK) == 0)
					lib = dlopen(path,
						     RTLD_NOW | RTLD_LOCAL);
			}
			if (!lib)
				lib = dlopen("libduckdb.so",
					     RTLD_NOW | RTLD_LOCAL);
			if (!lib)
				snprintf(why, sizeof(why), "DuckDB's C library "
					 "(libduckdb.so) is not installed; %s",
					 install_hint);
		}
		if (lib && bind_all(lib, &miss)) {
			snprintf(why, sizeof(why), "the libduckdb.so found "
				 "has no %s (too old a DuckDB); %s", miss,
				 install_hint);
			dlclose(lib);
			lib = NULL;
		}
		if (lib) {
			ddb.lib = lib;
			state = 1;
		}
	}
	*why_not = why;
	return state < 0 ? -1 : 0;
}

/* A column's type, resolved once at open. */
struct col {
	int id;
	int phys;            /* DECIMAL, ENUM: the type of the stored value */
	int scale;           /* DECIMAL */
	char *name;          /* struct member name, JSON-quoted */
	char **labels;       /* ENUM: JSON-quoted labels */
	uint64_t nlabels;
	uint64_t size;       /* ARRAY: elements per value */
	size_t nsub;         /* LIST, ARRAY: 1; STRUCT, MAP, UNION: members */
	struct col *sub;
};

struct dq_parquet {
	ddb_ptr db, conn, stmt;
	struct ddb_result res;
	int have_res;
	const char *name;
	int fd;
	size_t ncols;
	struct col *cols;    /* the top-level columns */
	ddb_ptr chunk;
	uint64_t rows, row;  /* rows in the chunk, the next one */
	struct dq_buf out;
};

static void
col_release(struct col *c)
{
	free(c->name);
	for (uint64_t i = 0; i < c->nlabels; i++)
		free(c->labels[i]);
	free(c->labels);
	for (size_t i = 0; i < c->nsub; i++)
		col_release(&c->sub[i]);
	free(c->sub);
}

static char *
quoted(const char *s)
{
	struct dq_buf b;
	dq_buf_init(&b, 0);
	dq_buf_add_json_string(&b, s, strlen(s));
	return dq_buf_detach(&b, NULL);
}

/* Fill c from the logical type t (borrowed): 0, or -1 with a message. */
static int
col_from(struct col *c, ddb_ptr t, const char *file, const char *what)
{
	c->id = ddb.get_type_id(t);
	switch (c->id) {
	case T_BOOLEAN: case T_TINYINT: case T_SMALLINT: case T_INTEGER:
	case T_BIGINT: case T_UTINYINT: case T_USMALLINT: case T_UINTEGER:
	case T_UBIGINT: case T_HUGEINT: case T_UHUGEINT: case T_FLOAT:
	case T_DOUBLE: case T_VARCHAR: case T_BLOB: case T_DATE: case T_TIME:
	case T_TIME_NS:
	case T_TIME_TZ: case T_TIMESTAMP: case T_TIMESTAMP_S:
	case T_TIMESTAMP_MS: case T_TIMESTAMP_NS: case T_TIMESTAMP_TZ:
	case T_INTERVAL: case T_UUID:
		return 0;
	case T_DECIMAL:
		c->scale = ddb.decimal_scale(t);
		c->phys = ddb.decimal_internal_type(t);
		return 0;
	case T_ENUM:
		c->phys = ddb.enum_internal_type(t);
		c->nlabels = ddb.enum_dictionary_size(t);
		c->labels = dq_xcalloc(c->nlabels ? c->nlabels : 1,
				       sizeof(char *));
		for (uint64_t i = 0; i < c->nlabels; i++) {
			char *l = ddb.enum_dictionary_value(t, i);
			c->labels[i] = quoted(l ? l : "");
			ddb.free(l);
		}
		return 0;
	default:
		break;
	}
	ddb_ptr sub[2] = { NULL, NULL };
	size_t n = 0;
	int rc = 0;
	if (c->id == T_LIST || c->id == T_ARRAY) {
		n = 1;
		sub[0] = c->id == T_LIST ? ddb.list_type_child_type(t)
					 : ddb.array_type_child_type(t);
		if (c->id == T_ARRAY)
			c->size = ddb.array_type_array_size(t);
	} else if (c->id == T_MAP) {
		n = 2;
		sub[0] = ddb.map_type_key_type(t);
		sub[1] = ddb.map_type_value_type(t);
	} else if (c->id == T_STRUCT || c->id == T_UNION) {
		n = c->id == T_STRUCT ? ddb.struct_type_child_count(t)
				      : ddb.union_type_member_count(t);
	} else {
		return dq_error("%s: column '%s': DuckDB type %d is not one dq "
				"reads (cast it in DuckDB first)", file, what,
				c->id);
	}
	c->nsub = n;
	c->sub = dq_xcalloc(n ? n : 1, sizeof(*c->sub));
	for (size_t i = 0; i < n && !rc; i++) {
		ddb_ptr st = sub[i < 2 ? i : 0];
		if (c->id == T_STRUCT || c->id == T_UNION) {
			char *nm = c->id == T_STRUCT ?
				ddb.struct_type_child_name(t, i) :
				ddb.union_type_member_name(t, i);
			c->sub[i].name = quoted(nm ? nm : "");
			ddb.free(nm);
			st = c->id == T_STRUCT ? ddb.struct_type_child_type(t, i)
					       : ddb.union_type_member_type(t, i);
		}
		rc = col_from(&c->sub[i], st, file, what);
		if (c->id == T_STRUCT || c->id == T_UNION)
			ddb.destroy_logical_type(&st);
	}
	for (size_t i = 0; i < 2; i++)
		if (sub[i])
			ddb.destroy_logical_type(&sub[i]);
	return rc;
}

static int
valid(const uint64_t *mask, uint64_t row)
{
	return !mask || (mask[row / 64] >> (row % 64)) & 1;
}

static void
add_u128(struct dq_buf *b, unsigned __int128 v)
{
	char t[48];
	size_t i = sizeof(t);
	do {
		t[--i] = (char)('0' + (int)(v % 10));
		v /= 10;
	} while (v);
	dq_buf_add(b, t + i, sizeof(t) - i);
}

static void
add_i128(struct dq_buf *b, __int128 v)
{
	if (v < 0) {
		dq_buf_addch(b, '-');
		add_u128(b, (unsigned __int128)0 - (unsigned __int128)v);
	} else {
		add_u128(b, (unsigned __int128)v);
	}
}

/* A DECIMAL's stored integer v with scale digits after the point. */
static void
add_decimal(struct dq_buf *b, __int128 v, int scale)
{
	struct dq_buf t;
	dq_buf_init(&t, 48);
	unsigned __int128 m = v < 0 ? (unsigned __int128)0 -
					      (unsigned __int128)v
				    : (unsigned __int128)v;
	add_u128(&t, m);
	if (v < 0)
		dq_buf_addch(b, '-');
	if (scale <= 0) {
		dq_buf_add(b, t.buf, t.len);
	} else if (t.len > (size_t)scale) {
		dq_buf_add(b, t.buf, t.len - (size_t)scale);
		dq_buf_addch(b, '.');
		dq_buf_add(b, t.buf + t.len - (size_t)scale, (size_t)scale);
	} else {
		dq_buf_add(b, "0.", 2);
		for (size_t i = t.len; i < (size_t)scale; i++)
			dq_buf_addch(b, '0');
		dq_buf_add(b, t.buf, t.len);
	}
	dq_buf_release(&t);
}

/* JSON has no NaN or infinities: they become strings. */
static int
add_special(struct dq_buf *b, double x)
{
	if (isnan(x))
		dq_buf_addstr(b, "\"NaN\"");
	else if (isinf(x))
		dq_buf_addstr(b, x > 0 ? "\"Infinity\"" : "\"-Infinity\"");
	else
		return 0;
	return 1;
}

static void
add_float(struct dq_buf *b, float x)
{
	char t[40];
	if (add_special(b, x))
		return;
	for (int p = 1; p <= 9; p++) {
		snprintf(t, sizeof(t), "%.*g", p, (double)x);
		if (strtof(t, NULL) == x)
			break;
	}
	dq_buf_addstr(b, t);
}

static const char *
str_data(const struct ddb_string *s)
{
	const char *p;
	if (s->len <= 12)
		return s->bytes;
	memcpy(&p, s->bytes + 4, sizeof(p));
	return p;
}

static void
add_base64(struct dq_buf *b, const unsigned char *p, size_t n)
{
	static const char al[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnop"
				 "qrstuvwxyz0123456789+/";
	dq_buf_addch(b, '"');
	for (size_t i = 0; i < n; i += 3) {
		uint32_t v = (uint32_t)p[i] << 16;
		if (i + 1 < n)
			v |= (uint32_t)p[i + 1] << 8;
		if (i + 2 < n)
			v |= p[i + 2];
		dq_buf_addch(b, al[v >> 18 & 63]);
		dq_buf_addch(b, al[v >> 12 & 63]);
		dq_buf_addch(b, i + 1 < n ? al[v >> 6 & 63] : '=');
		dq_buf_addch(b, i + 2 < n ? al[v & 63] : '=');
	}
	dq_buf_addch(b, '"');
}

/* The civil date of day z since 1970-01-01 (Hinnant's civil_from_days). */
static void
add_date(struct dq_buf *b, int64_t z)
{
	z += 719468;
	int64_t era = (z >= 0 ? z : z - 146096) / 146097;
	int64_t doe = z - era * 146097;
	int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	int64_t y = yoe + era * 400;
	int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	int64_t mp = (5 * doy + 2) / 153;
	int64_t d = doy - (153 * mp + 2) / 5 + 1;
	int64_t m = mp < 10 ? mp + 3 : mp - 9;
	if (m <= 2)
		y++;
	if (y < 0)
		dq_buf_addf(b, "-%04" PRId64, -y);
	else
		dq_buf_addf(b, "%04" PRId64, y);
	dq_buf_addf(b, "-%02" PRId64 "-%02" PRId64, m, d);
}

/* A time of day from its sub-second units since midnight (per units in a
 * second): HH:MM:SS, then the fraction without its trailing zeros. */
static void
add_clock(struct dq_buf *b, int64_t t, int64_t per, int digits)
{
	int64_t s = t / per, f = t % per;
	dq_buf_addf(b, "%02" PRId64 ":%02" PRId64 ":%02" PRId64, s / 3600,
		    s / 60 % 60, s % 60);
	if (f) {
		char fr[16];
		snprintf(fr, sizeof(fr), "%0*" PRId64, digits, f);
		int n = digits;
		while (n > 1 && fr[n - 1] == '0')
			n--;
		dq_buf_addch(b, '.');
		dq_buf_add(b, fr, (size_t)n);
	}
}

static void
add_timestamp(struct dq_buf *b, int64_t v, int64_t per, int digits,
	      int utc)
{
	if (v == INT64_MAX || v == -INT64_MAX) {
		dq_buf_addstr(b, v > 0 ? "\"infinity\"" : "\"-infinity\"");
		return;
	}
	int64_t day = per * 86400;
	int64_t d = v / day, t = v % day;
	if (t < 0) {
		t += day;
		d--;
	}
	dq_buf_addch(b, '"');
	add_date(b, d);
	dq_buf_addch(b, 'T');
	add_clock(b, t, per, digits);
	if (utc)
		dq_buf_addch(b, 'Z');
	dq_buf_addch(b, '"');
}

static void
add_interval(struct dq_buf *b, const struct ddb_interval *iv)
{
	int64_t us = iv->micros;
	dq_buf_addch(b, '"');
	dq_buf_addch(b, 'P');
	if (iv->months / 12)
		dq_buf_addf(b, "%" PRId32 "Y", iv->months / 12);
	if (iv->months % 12)
		dq_buf_addf(b, "%" PRId32 "M", iv->months % 12);
	if (iv->days)
		dq_buf_addf(b, "%" PRId32 "D", iv->days);
	if (us || (!iv->months && !iv->days)) {
		int64_t h = us / 3600000000LL, m = us / 60000000LL % 60;
		int64_t s = us / 1000000 % 60, f = us % 1000000;
		dq_buf_addch(b, 'T');
		if (h)
			dq_buf_addf(b, "%" PRId64 "H", h);
		if (m)
			dq_buf_addf(b, "%" PRId64 "M", m);
		if (s || f || (!h && !m)) {
			if (f) {
				char fr[16];
				int n = 6;
				snprintf(fr, sizeof(fr), "%06" PRId64,
					 f < 0 ? -f : f);
				while (fr[n - 1] == '0')
					n--;
				dq_buf_addf(b, "%s%" PRId64 ".%.*sS",
					    us < 0 && !s ? "-" : "", s, n, fr);
			} else {
				dq_buf_addf(b, "%" PRId64 "S", s);
			}
		}
	}
	dq_buf_addch(b, '"');
}

static void
add_uuid(struct dq_buf *b, const struct ddb_hugeint *h)
{
	uint64_t hi = (uint64_t)h->upper ^ (UINT64_C(1) << 63);
	uint64_t lo = h->lower;
	dq_buf_addf(b, "\"%08" PRIx64 "-%04" PRIx64 "-%04" PRIx64 "-%04" PRIx64
		    "-%012" PRIx64 "\"", hi >> 32, hi >> 16 & 0xffff,
		    hi & 0xffff, lo >> 48, lo & (uint64_t)0xffffffffffff);
}

/* Integer i of stored type phys (a DECIMAL's or ENUM's) at row r. */
static __int128
stored_int(const void *data, int phys, uint64_t r)
{
	switch (phys) {
	case T_SMALLINT: return ((const int16_t *)data)[r];
	case T_INTEGER: return ((const int32_t *)data)[r];
	case T_BIGINT: return ((const int64_t *)data)[r];
	case T_UTINYINT: return ((const uint8_t *)data)[r];
	case T_USMALLINT: return ((const uint16_t *)data)[r];
	case T_UINTEGER: return ((const uint32_t *)data)[r];
	case T_HUGEINT: {
		const struct ddb_hugeint *h = (const struct ddb_hugeint *)data + r;
		return (__int128)((unsigned __int128)(uint64_t)h->upper << 64 |
				  h->lower);
	}
	default: return 0;
	}
}

static void add_value(struct dq_buf *b, const struct col *c, ddb_ptr vec,
		      uint64_t r);

/* Elements [off, off + n) of the child vector of a list or array. */
static void
add_elements(struct dq_buf *b, const struct col *c, ddb_ptr child,
	     uint64_t off, uint64_t n)
{
	dq_buf_addch(b, '[');
	for (uint64_t i = 0; i < n; i++) {
		if (i)
			dq_buf_addch(b, ',');
		add_value(b, c, child, off + i);
	}
	dq_buf_addch(b, ']');
}

/* A map's entries: keys as JSON strings (text kept, others their JSON
 * text). */
static void
add_map(struct dq_buf *b, const struct col *c, ddb_ptr vec, uint64_t r)
{
	const struct ddb_list_entry *e =
		(const struct ddb_list_entry *)ddb.vector_get_data(vec) + r;
	ddb_ptr kv = ddb.list_vector_get_child(vec);
	ddb_ptr kvec = ddb.struct_vector_get_child(kv, 0);
	ddb_ptr vvec = ddb.struct_vector_get_child(kv, 1);
	struct dq_buf k;

	dq_buf_init(&k, 0);
	dq_buf_addch(b, '{');
	for (uint64_t i = 0; i < e->length; i++) {
		if (i)
			dq_buf_addch(b, ',');
		if (c->sub[0].id == T_VARCHAR || c->sub[0].id == T_ENUM) {
			add_value(b, &c->sub[0], kvec, e->offset + i);
		} else {
			dq_buf_reset(&k);
			add_value(&k, &c->sub[0], kvec, e->offset + i);
			dq_buf_add_json_string(b, k.buf, k.len);
		}
		dq_buf_addch(b, ':');
		add_value(b, &c->sub[1], vvec, e->offset + i);
	}
	dq_buf_addch(b, '}');
	dq_buf_release(&k);
}

static void
add_value(struct dq_buf *b, const struct col *c, ddb_ptr vec, uint64_t r)
{
	const void *d = ddb.vector_get_data(vec);

	if (!valid(ddb.vector_get_validity(vec), r)) {
		dq_buf_addstr(b, "null");
		return;
	}
	switch (c->id) {
	case T_BOOLEAN:
		dq_buf_addstr(b, ((const uint8_t *)d)[r] ? "true" : "false");
		break;
	case T_TINYINT: dq_buf_add_int(b, ((const int8_t *)d)[r]); break;
	case T_SMALLINT: dq_buf_add_int(b, ((const int16_t *)d)[r]); break;
	case T_INTEGER: dq_buf_add_int(b, ((const int32_t *)d)[r]); break;
	case T_BIGINT: dq_buf_add_int(b, ((const int64_t *)d)[r]); break;
	case T_UTINYINT: dq_buf_add_int(b, ((const uint8_t *)d)[r]); break;
	case T_USMALLINT: dq_buf_add_int(b, ((const uint16_t *)d)[r]); break;
	case T_UINTEGER: dq_buf_add_int(b, ((const uint32_t *)d)[r]); break;
	case T_UBIGINT: add_u128(b, ((const uint64_t *)d)[r]); break;
	case T_HUGEINT: add_i128(b, stored_int(d, T_HUGEINT, r)); break;
	case T_UHUGEINT: {
		const struct ddb_hugeint *h = (const struct ddb_hugeint *)d + r;
		add_u128(b, (unsigned __int128)(uint64_t)h->upper << 64 |
				    h->lower);
		break;
	}
	case T_FLOAT: add_float(b, ((const float *)d)[r]); break;
	case T_DOUBLE: {
		double x = ((const double *)d)[r];
		if (!add_special(b, x))
			dq_num_add_shortest(b, x);
		break;
	}
	case T_DECIMAL:
		add_decimal(b, stored_int(d, c->phys, r), c->scale);
		break;
	case T_VARCHAR: {
		const struct ddb_string *s = (const struct ddb_string *)d + r;
		dq_buf_add_json_string(b, str_data(s), s->len);
		break;
	}
	case T_BLOB: {
		const struct ddb_string *s = (const struct ddb_string *)d + r;
		add_base64(b, (const unsigned char *)str_data(s), s->len);
		break;
	}
	case T_ENUM: {
		uint64_t i = (uint64_t)stored_int(d, c->phys, r);
		dq_buf_addstr(b, i < c->nlabels ? c->labels[i] : "null");
		break;
	}
	case T_DATE: {
		int32_t v = ((const int32_t *)d)[r];
		if (v == INT32_MAX || v == -INT32_MAX) {
			dq_buf_addstr(b, v > 0 ? "\"infinity\"" : "\"-infinity\"");
			break;
		}
		dq_buf_addch(b, '"');
		add_date(b, v);
		dq_buf_addch(b, '"');
		break;
	}
	case T_TIME:
	case T_TIME_NS:
		dq_buf_addch(b, '"');
		add_clock(b, ((const int64_t *)d)[r],
			  c->id == T_TIME ? 1000000 : 1000000000,
			  c->id == T_TIME ? 6 : 9);
		dq_buf_addch(b, '"');
		break;
	case T_TIME_TZ: {
		struct ddb_time_tz t = ddb.from_time_tz(((const uint64_t *)d)[r]);
		int32_t off = t.offset < 0 ? -t.offset : t.offset;
		dq_buf_addch(b, '"');
		add_clock(b, ((int64_t)t.hour * 3600 + t.min * 60 + t.sec) *
				     1000000 + t.micros, 1000000, 6);
		dq_buf_addf(b, "%c%02" PRId32 ":%02" PRId32, t.offset < 0 ? '-'
			    : '+', off / 3600, off / 60 % 60);
		dq_buf_addch(b, '"');
		break;
	}
	case T_TIMESTAMP:
		add_timestamp(b, ((const int64_t *)d)[r], 1000000, 6, 0);
		break;
	case T_TIMESTAMP_TZ:
		add_timestamp(b, ((const int64_t *)d)[r], 1000000, 6, 1);
		break;
	case T_TIMESTAMP_S:
		add_timestamp(b, ((const int64_t *)d)[r], 1, 0, 0);
		break;
	case T_TIMESTAMP_MS:
		add_timestamp(b, ((const int64_t *)d)[r], 1000, 3, 0);
		break;
	case T_TIMESTAMP_NS:
		add_timestamp(b, ((const int64_t *)d)[r], 1000000000, 9, 0);
		break;
	case T_INTERVAL:
		add_interval(b, (const struct ddb_interval *)d + r);
		break;
	case T_UUID:
		add_uuid(b, (const struct ddb_hugeint *)d + r);
		break;
	case T_LIST: {
		const struct ddb_list_entry *e =
			(const struct ddb_list_entry *)d + r;
		add_elements(b, &c->sub[0], ddb.list_vector_get_child(vec),
			     e->offset, e->length);
		break;
	}
	case T_ARRAY:
		add_elements(b, &c->sub[0], ddb.array_vector_get_child(vec),
			     r * c->size, c->size);
		break;
	case T_MAP:
		add_map(b, c, vec, r);
		break;
	case T_STRUCT:
		dq_buf_addch(b, '{');
		for (size_t i = 0; i < c->nsub; i++) {
			if (i)
				dq_buf_addch(b, ',');
			dq_buf_addstr(b, c->sub[i].name);
			dq_buf_addch(b, ':');
			add_value(b, &c->sub[i],
				  ddb.struct_vector_get_child(vec, i), r);
		}
		dq_buf_addch(b, '}');
		break;
	case T_UNION: {
		ddb_ptr tags = ddb.struct_vector_get_child(vec, 0);
		uint8_t tag = ((const uint8_t *)ddb.vector_get_data(tags))[r];
		if (tag < c->nsub)
			add_value(b, &c->sub[tag],
				  ddb.struct_vector_get_child(vec, tag + 1u),
				  r);
		else
			dq_buf_addstr(b, "null");
		break;
	}
	default:
		dq_buf_addstr(b, "null");
		break;
	}
}

/*
 * Report DuckDB's message e about the file name (fd: the descriptor it
 * was read through): its first line only (the rest quotes dq's own
 * query), without the "/dev/fd/N" path, which says nothing to the user.
 * Returns -1.
 */
static int
ddb_error(const char *name, int fd, const char *e)
{
	char path[40];
	struct dq_buf b;

	if (!e || !*e)
		e = "DuckDB failed without a message";
	dq_buf_init(&b, 0);
	dq_buf_add(&b, e, strcspn(e, "\n"));
	dq_buf_addch(&b, '\0');
	snprintf(path, sizeof(path), " '/dev/fd/%d'", fd);
	char *at = fd >= 0 ? strstr(b.buf, path) : NULL;
	if (at)
		memmove(at, at + strlen(path), strlen(at + strlen(path)) + 1);
	dq_error("%s: %s", name, b.buf);
	dq_buf_release(&b);
	return -1;
}

/* Run one statement with no result wanted: 0, or -1 with a message. */
static int
run(ddb_ptr conn, const char *sql, const char *name)
{
	struct ddb_result res;
	memset(&res, 0, sizeof(res));
	int rc = ddb.query(conn, sql, &res);
	if (rc)
		ddb_error(name, -1, ddb.result_error(&res));
	ddb.destroy_result(&res);
	return rc ? -1 : 0;
}

struct dq_parquet *
dq_parquet_open(int fd, const char *name)
{
	struct stat st;
	char sql[96];
	const char *why;

	if (load(&why)) {
		dq_error("%s: a Parquet file, read through DuckDB: %s", name,
			 why);
		return NULL;
	}
	if (fstat(fd, &st) || !S_ISREG(st.st_mode)) {
		dq_error("%s: a Parquet file on a pipe: Parquet is read from "
			 "its end (the footer), so it must be a file; save it "
			 "to a file and name that", name);
		return NULL;
	}
	struct dq_parquet *p = dq_xcalloc(1, sizeof(*p));
	p->name = name;
	p->fd = fd;
	dq_buf_init(&p->out, 0);
	if (ddb.open(NULL, &p->db) || ddb.connect(p->db, &p->conn)) {
		dq_error("%s: cannot start DuckDB", name);
		goto fail;
	}
	/* Never fetch an extension from the network while reading a
	 * file.  One thread: rows leave in order one chunk at a time, and
	 * memory stays that of one row group (a 1 GB file profiled at 76-79
	 * MB peak, the library's own pages included, against 157 MB with a
	 * thread per core; dq's record loop, not decoding, sets the
	 * pace). */
	if (run(p->conn, "SET autoinstall_known_extensions = false; "
			 "SET threads = 1", name))
		goto fail;
	snprintf(sql, sizeof(sql), "SELECT * FROM read_parquet('/dev/fd/%d')",
		 fd);
	if (ddb.prepare(p->conn, sql, &p->stmt)) {
		ddb_error(name, fd, ddb.prepare_error(p->stmt));
		goto fail;
	}
	if (ddb.execute_prepared_streaming(p->stmt, &p->res)) {
		ddb_error(name, fd, ddb.result_error(&p->res));
		ddb.destroy_result(&p->res);
		goto fail;
	}
	p->have_res = 1;
	p->ncols = ddb.column_count(&p->res);
	p->cols = dq_xcalloc(p->ncols ? p->ncols : 1, sizeof(*p->cols));
	for (size_t i = 0; i < p->ncols; i++) {
		const char *cn = ddb.column_name(&p->res, i);
		ddb_ptr t = ddb.column_logical_type(&p->res, i);
		p->cols[i].name = quoted(cn ? cn : "");
		int rc = col_from(&p->cols[i], t, name, cn ? cn : "");
		ddb.destroy_logical_type(&t);
		if (rc)
			goto fail;
	}
	return p;
fail:
	dq_parquet_close(p);
	return NULL;
}

int
dq_parquet_next(struct dq_parquet *p, const char **text, size_t *len)
{
	while (p->row >= p->rows) {
		if (p->chunk)
			ddb.destroy_data_chunk(&p->chunk);
		p->chunk = ddb.fetch_chunk(p->res);
		if (!p->chunk) {
			const char *e = ddb.result_error(&p->res);
			if (e && *e)
				return ddb_error(p->name, p->fd, e);
			return 0;
		}
		p->rows = ddb.data_chunk_get_size(p->chunk);
		p->row = 0;
	}
	dq_buf_reset(&p->out);
	dq_buf_addch(&p->out, '{');
	for (size_t i = 0; i < p->ncols; i++) {
		if (i)
			dq_buf_addch(&p->out, ',');
		dq_buf_addstr(&p->out, p->cols[i].name);
		dq_buf_addch(&p->out, ':');
		add_value(&p->out, &p->cols[i],
			  ddb.data_chunk_get_vector(p->chunk, i), p->row);
	}
	dq_buf_addch(&p->out, '}');
	p->row++;
	*text = p->out.buf;
	*len = p->out.len;
	return 1;
}

void
dq_parquet_close(struct dq_parquet *p)
{
	if (!p)
		return;
	if (p->chunk)
		ddb.destroy_data_chunk(&p->chunk);
	if (p->have_res)
		ddb.destroy_result(&p->res);
	if (p->stmt)
		ddb.destroy_prepare(&p->stmt);
	if (p->conn)
		ddb.disconnect(&p->conn);
	if (p->db)
		ddb.close(&p->db);
	for (size_t i = 0; i < p->ncols; i++)
		col_release(&p->cols[i]);
	free(p->cols);
	dq_buf_release(&p->out);
	free(p);
}

int
dq_duckdb_exec(const char *sql)
{
	ddb_ptr db = NULL, conn = NULL;
	int rc = -1;
	const char *why;

	if (load(&why))
		return dq_error("%s", why);
	if (ddb.open(NULL, &db) || ddb.connect(db, &conn))
		dq_error("cannot start DuckDB");
	else
		rc = run(conn, sql, "duckdb");
	if (conn)
		ddb.disconnect(&conn);
	if (db)
		ddb.close(&db);
	return rc;
}
