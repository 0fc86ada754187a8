// SPDX-License-Identifier: GPL-2.0-or-later
/* The one emitter: typed cells into table, raw, export or JSON. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "out-impl.h"

enum { ARENA_FLUSH = 64 * 1024 };

static int reserve(struct out *o, size_t more)
{
	if (o->arena_len + more <= o->arena_cap)
		return 0;
	size_t cap = o->arena_cap ? o->arena_cap : 64 * 1024;
	while (cap < o->arena_len + more)
		cap *= 2;
	char *p = realloc(o->arena, cap);
	if (!p) {
		o->oom = true;
		return -ENOMEM;
	}
	o->arena = p;
	o->arena_cap = cap;
	return 0;
}

/* Appends report failure through o->oom, checked once per row. */
void out_put(struct out *o, const char *s, size_t n)
{
	if (reserve(o, n) < 0)
		return;
	memcpy(o->arena + o->arena_len, s, n);
	o->arena_len += n;
}


void out_puts(struct out *o, const char *s)
{
	out_put(o, s, strlen(s));
}

char *out_u64_text(uint64_t v, char buf[static 24])
{
	char *p = buf + 23;
	*p = '\0';
	do {
		*--p = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	return p;
}

/* @v in @base (8 or 16), zero-padded to @digits, after @prefix: what printf would do, faster. */
static char *fixed_text(uint64_t v, unsigned base, int digits, const char *prefix,
			char buf[static 24])
{
	static const char hex[] = "0123456789abcdef";
	unsigned shift = base == 16 ? 4 : 3, mask = base - 1;
	int n = 1;
	for (uint64_t t = v >> shift; t; t >>= shift)
		n++;
	if (n < digits)
		n = digits;
	size_t plen = prefix[0] ? strlen(prefix) : 0;
	memcpy(buf, prefix, plen);
	char *p = buf + plen + n;
	*p = '\0';
	for (int i = 0; i < n; i++, v >>= shift)
		*--p = hex[v & mask];
	return buf;
}

static const char *time_text(struct out *o, int64_t t)
{
	if (t == o->last_time && o->last_time_text[0])
		return o->last_time_text;
	struct tm tm;
	time_t tt = (time_t)t;
	if (!localtime_r(&tt, &tm))
		return "?";
	long off = tm.tm_gmtoff / 60;
	char sign = off < 0 ? '-' : '+';
	if (off < 0)
		off = -off;
	snprintf(o->last_time_text, sizeof(o->last_time_text),
		 "%04d-%02d-%02dT%02d:%02d:%02d%c%02ld:%02ld", tm.tm_year + 1900, tm.tm_mon + 1,
		 tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, sign, off / 60, off % 60);
	o->last_time = t;
	return o->last_time_text;
}

/* Constant texts, not snprintf: ls shows one per row. */
static const char *status_text(uint64_t bits, char *buf, size_t size)
{
	(void)buf, (void)size;
	switch (bits & (SHM_MODE_DEST | SHM_MODE_LOCKED)) {
	case SHM_MODE_DEST: return "dest";
	case SHM_MODE_LOCKED: return "locked";
	case SHM_MODE_DEST | SHM_MODE_LOCKED: return "dest,locked";
	default: return "-";
	}
}

/*
 * Calls @fn for each distinct pid of the cell's runs of holds, ascending. Each
 * run is sorted by pid, so a merge of the runs meets every pid in order once.
 */
static size_t each_pid(const struct cell *c, void (*fn)(struct out *, pid_t, size_t), struct out *o)
{
	size_t at[3] = { 0 }, n = 0;
	pid_t last = 0;
	for (;;) {
		int best = -1;
		for (int r = 0; r < 3; r++)
			if (at[r] < c->nholds[r] &&
			    (best < 0 || c->holds[r][at[r]].pid < c->holds[best][at[best]].pid))
				best = r;
		if (best < 0)
			return n;
		pid_t pid = c->holds[best][at[best]++].pid;
		if (n && pid == last)
			continue;
		if (fn)
			fn(o, pid, n);
		last = pid;
		n++;
	}
}

static void pid_item(struct out *o, pid_t pid, size_t i)
{
	char buf[24];
	if (i)
		out_putc(o, ',');
	out_puts(o, out_u64_text((uint64_t)pid, buf));
}

const char *cell_text(struct out *o, const struct cell *c, char *buf, size_t size)
{
	switch (c->type) {
	case CELL_NONE: return "-";
	case CELL_UNKNOWN: return "?";
	case CELL_STR: return c->s;
	case CELL_U64: return out_u64_text(c->u, buf);
	case CELL_SIZE:
		if (o->bytes)
			return out_u64_text(c->u, buf);
		return shm_format_size(c->u, buf);
	case CELL_TIME: return c->i ? time_text(o, c->i) : "-";
	case CELL_KEY: return fixed_text(c->u, 16, 8, "0x", buf);
	case CELL_MODE: return fixed_text(c->u, 8, 4, "", buf);
	case CELL_STATUS: return status_text(c->u, buf, size);
	case CELL_PIDS: return "-"; /* rendered by each_pid */
	case CELL_PERCENT:
		snprintf(buf, size, "%llu.%02llu%%", (unsigned long long)(c->u / 100),
			 (unsigned long long)(c->u % 100));
		return buf;
	}
	return "?";
}

static void json_cell(struct out *o, const struct cell *c)
{
	char buf[64];
	switch (c->type) {
	case CELL_NONE:
	case CELL_UNKNOWN:
		out_puts(o, "null");
		return;
	case CELL_STR:
		out_put_json_string(o, c->s);
		return;
	case CELL_U64:
	case CELL_SIZE:
	case CELL_MODE: {
		const char *t = out_u64_text(c->u, buf);
		out_put(o, t, (size_t)(buf + 23 - t));
		return;
	}
	case CELL_TIME:
		if (!c->i) {
			out_puts(o, "null");
			return;
		}
		out_putc(o, '"');
		out_puts(o, time_text(o, c->i));
		out_putc(o, '"');
		return;
	case CELL_KEY:
		out_putc(o, '"');
		out_puts(o, cell_text(o, c, buf, sizeof(buf)));
		out_putc(o, '"');
		return;
	case CELL_STATUS:
		out_putc(o, '[');
		if (c->u & SHM_MODE_DEST)
			out_puts(o, "\"dest\"");
		if ((c->u & SHM_MODE_DEST) && (c->u & SHM_MODE_LOCKED))
			out_putc(o, ',');
		if (c->u & SHM_MODE_LOCKED)
			out_puts(o, "\"locked\"");
		out_putc(o, ']');
		return;
	case CELL_PIDS:
		out_putc(o, '[');
		each_pid(c, pid_item, o);
		out_putc(o, ']');
		return;
	case CELL_PERCENT:
		snprintf(buf, sizeof(buf), "%llu.%02llu", (unsigned long long)(c->u / 100),
			 (unsigned long long)(c->u % 100));
		out_puts(o, buf);
		return;
	}
}

static void json_keys_make(struct out *o);
static void json_keys_free(struct out *o);

/* Starts a table or JSON array of @cols; @first: the document's first. */
static int begin(struct out *o, const char *root, const struct column **cols, size_t ncols,
		 bool first)
{
	free(o->width);
	o->cols = cols;
	o->ncols = ncols;
	o->rows = 0;
	o->printed = 0;
	o->headed = false;
	o->root = root;
	o->width = calloc(ncols ? ncols : 1, sizeof(*o->width));
	if (!o->width)
		return -ENOMEM;
	if (o->mode == OUT_JSON) {
		json_keys_make(o);
		out_puts(o, first ? "{" : ",");
		out_put_json_string(o, root);
		out_puts(o, ":[");
	}
	if (o->mode == OUT_RAW && o->headings) {
		for (size_t i = 0; i < ncols; i++) {
			if (i)
				out_putc(o, ' ');
			out_puts(o, cols[i]->name);
		}
		out_putc(o, '\n');
	}
	return o->oom ? -ENOMEM : 0;
}

int out_init(struct out *o, enum out_mode mode, bool headings, bool bytes,
	     const struct column **cols, size_t ncols, FILE *f, const char *root)
{
	memset(o, 0, sizeof(*o));
	o->mode = mode;
	o->headings = headings;
	o->bytes = bytes;
	o->f = f;
	return begin(o, root, cols, ncols, true);
}

/* Closes the current table or array, leaving the document open. */
static void end(struct out *o)
{
	if (o->mode == OUT_TABLE)
		out_print_table(o);
	else if (o->mode == OUT_JSON)
		out_puts(o, o->rows ? "\n]" : "]");
}

int out_section(struct out *o, const char *root, const struct column **cols, size_t ncols)
{
	end(o);
	if (o->mode == OUT_TABLE)
		putc('\n', o->f); /* the arena holds only cells in table mode */
	else if (o->mode == OUT_RAW)
		out_putc(o, '\n');
	return begin(o, root, cols, ncols, false);
}

void out_free(struct out *o)
{
	json_keys_free(o);
	free(o->lb);
	o->lb = NULL;
	free(o->arena);
	free(o->width);
	o->arena = NULL;
	o->width = NULL;
}

/* "name": in lower case, made once per column, not once per row. */
static void json_key(struct out *o, size_t i)
{
	if (o->json_keys && o->json_keys[i]) {
		out_put(o, o->json_keys[i], o->json_key_len[i]);
		return;
	}
	const char *name = o->cols[i]->name;
	out_putc(o, '"');
	for (const char *p = name; *p; p++)
		out_putc(o, (char)(*p >= 'A' && *p <= 'Z' ? *p - 'A' + 'a' : *p));
	out_puts(o, "\":");
}

static void json_keys_free(struct out *o)
{
	for (size_t i = 0; o->json_keys && i < o->nkeys; i++)
		free(o->json_keys[i]);
	free(o->json_keys);
	free(o->json_key_len);
	o->json_keys = NULL;
	o->json_key_len = NULL;
	o->nkeys = 0;
}

/* Without memory the keys are made row by row, as before. */
static void json_keys_make(struct out *o)
{
	json_keys_free(o);
	o->json_keys = calloc(o->ncols ? o->ncols : 1, sizeof(*o->json_keys));
	o->json_key_len = calloc(o->ncols ? o->ncols : 1, sizeof(*o->json_key_len));
	if (!o->json_keys || !o->json_key_len) {
		json_keys_free(o);
		return;
	}
	o->nkeys = o->ncols;
	for (size_t i = 0; i < o->ncols; i++) {
		const char *name = o->cols[i]->name;
		size_t n = strlen(name);
		char *k = malloc(n + 4);
		if (!k)
			continue;
		k[0] = '"';
		for (size_t j = 0; j < n; j++)
			k[j + 1] = (char)(name[j] >= 'A' && name[j] <= 'Z' ? name[j] - 'A' + 'a' : name[j]);
		memcpy(k + n + 1, "\":", 3);
		o->json_keys[i] = k;
		o->json_key_len[i] = n + 3;
	}
}

/* bash and zsh give UID and GID special meaning; zsh even acts on assignment. */
static void export_name(struct out *o, const char *name)
{
	out_puts(o, name);
	if (!strcmp(name, "UID") || !strcmp(name, "GID"))
		out_putc(o, '_');
}

static void row_json(struct out *o, struct shm_ctx *ctx, const void *row,
		     const struct cell *cells)
{
	if (o->rows)
		out_putc(o, ',');
	out_puts(o, "\n{");
	for (size_t i = 0; i < o->ncols; i++) {
		if (i)
			out_putc(o, ',');
		json_key(o, i);
		json_cell(o, &cells[i]);
	}
	if (o->json_extra)
		o->json_extra(o, ctx, row);
	out_putc(o, '}');
}

static void row_text(struct out *o, const struct cell *cells)
{
	char buf[64];
	for (size_t i = 0; i < o->ncols; i++) {
		const char *text = cell_text(o, &cells[i], buf, sizeof(buf));
		/* An empty text (a memfd's name may be "") would leave a field out of a row. */
		if (!text[0] && o->mode != OUT_EXPORT)
			text = "-";
		bool pids = cells[i].type == CELL_PIDS && each_pid(&cells[i], NULL, o);
		if (o->mode == OUT_TABLE) {
			size_t start = o->arena_len;
			if (pids)
				each_pid(&cells[i], pid_item, o);
			else
				out_put_escaped(o, text);
			out_putc(o, '\0');
			if (o->streaming)
				continue; /* out_measure saw this row: the widths are known */
			size_t w = out_display_width(o->arena + start);
			if (w > o->width[i])
				o->width[i] = w;
			continue;
		}
		if (i)
			out_putc(o, ' ');
		if (o->mode == OUT_EXPORT) {
			export_name(o, o->cols[i]->name);
			out_puts(o, "=\"");
			/* "-" is the table's word for nothing; a shell gets nothing. */
			if (pids)
				each_pid(&cells[i], pid_item, o);
			else if (cells[i].type == CELL_STR || strcmp(text, "-"))
				out_put_escaped(o, text);
			out_putc(o, '"');
		} else if (pids) {
			each_pid(&cells[i], pid_item, o);
		} else {
			out_put_escaped(o, text);
		}
	}
	if (o->mode != OUT_TABLE)
		out_putc(o, '\n');
}

/*
 * The length of @s when it is all printable ASCII with no blank or backslash
 * (nothing to escape, one column a byte); 0 when it is empty or is not.
 */
static size_t plain_len(const char *s)
{
	const char *p = s;
	while (*p > 0x20 && *p < 0x7f && *p != '\\')
		p++;
	return *p ? 0 : (size_t)(p - s);
}

/*
 * A table row once the widths are known: each cell straight to the line with
 * its padding. Plain ASCII, nearly every cell, is its own width; anything
 * else is escaped in the arena first, and measured.
 */
static void row_table_direct(struct out *o, const struct cell *cells)
{
	char buf[64];
	for (size_t i = 0; i < o->ncols; i++) {
		const struct cell *c = &cells[i];
		const char *text = cell_text(o, c, buf, sizeof(buf));
		size_t len = plain_len(text);
		bool pids = c->type == CELL_PIDS && each_pid(c, NULL, o);
		if (len && !pids) {
			out_table_field(o, i, text, len, len);
			continue;
		}
		size_t start = o->arena_len;
		if (pids)
			each_pid(c, pid_item, o);
		else
			out_put_escaped(o, text[0] ? text : "-");
		out_putc(o, '\0');
		if (o->oom)
			return;
		const char *t = o->arena + start;
		out_table_field(o, i, t, o->arena_len - start - 1, out_display_width(t));
		o->arena_len = start;
	}
	out_table_eol(o);
}

void out_text(struct out *o, const char *s)
{
	out_puts(o, s);
}

static int flush_arena(struct out *o)
{
	if (o->arena_len && fwrite(o->arena, 1, o->arena_len, o->f) != o->arena_len)
		return -errno;
	o->arena_len = 0;
	return 0;
}

int out_row(struct out *o, struct shm_ctx *ctx, const void *row)
{
	struct cell cells[o->ncols ? o->ncols : 1];
	for (size_t i = 0; i < o->ncols; i++)
		column_get(ctx, o->cols[i], row, false, &cells[i]);
	if (o->mode == OUT_TABLE && o->streaming && o->printed == o->rows) {
		row_table_direct(o, cells);
		o->printed = ++o->rows;
		return o->oom ? -ENOMEM : 0;
	}
	if (o->mode == OUT_JSON)
		row_json(o, ctx, row, cells);
	else
		row_text(o, cells);
	o->rows++;
	if (o->oom)
		return -ENOMEM;
	if (o->streaming) {
		out_print_rows(o);
		return o->oom ? -ENOMEM : 0;
	}
	if (o->mode != OUT_TABLE && o->arena_len > ARENA_FLUSH)
		return flush_arena(o);
	return 0;
}

/* The width of a number's text, known without making it; 0 when not that simple. */
static size_t number_width(const struct out *o, const struct cell *c)
{
	uint64_t v = c->u;
	size_t n = 1;
	switch (c->type) {
	case CELL_U64:
		break;
	case CELL_SIZE:
		if (!o->bytes)
			return 0;
		break;
	case CELL_KEY:
		return v <= 0xffffffffu ? 10 : 0;
	case CELL_MODE:
		return v <= 07777 ? 4 : 0;
	default:
		return 0;
	}
	while (v >= 10) {
		v /= 10;
		n++;
	}
	return n;
}

static void measure_slow(struct out *o, const struct cell *cells)
{
	size_t start = o->arena_len;
	row_text(o, cells); /* widths grow; the text is dropped */
	o->arena_len = start;
}

void out_measure(struct out *o, struct shm_ctx *ctx, const void *row)
{
	if (o->mode != OUT_TABLE)
		return;
	struct cell cells[o->ncols ? o->ncols : 1];
	for (size_t i = 0; i < o->ncols; i++)
		column_get(ctx, o->cols[i], row, false, &cells[i]);
	char buf[64];
	for (size_t i = 0; i < o->ncols; i++) {
		if (cells[i].type == CELL_PIDS)
			return measure_slow(o, cells);
		size_t w = number_width(o, &cells[i]);
		if (w) {
			if (w > o->width[i])
				o->width[i] = w;
			continue;
		}
		/* Text that needs no escaping is as wide as it is long: no need to render it. */
		const char *text = cell_text(o, &cells[i], buf, sizeof(buf));
		size_t len = plain_len(text);
		if (!len)
			return measure_slow(o, cells);
		if (len > o->width[i])
			o->width[i] = len;
	}
}

void out_stream(struct out *o)
{
	o->streaming = o->mode == OUT_TABLE;
}

int out_finish(struct out *o)
{
	if (o->oom)
		return -ENOMEM;
	end(o);
	if (o->mode == OUT_JSON)
		out_puts(o, "}\n");
	int r = flush_arena(o);
	if (fflush(o->f) != 0 || ferror(o->f))
		r = -(errno ? errno : EIO);
	return r;
}

int out_flush(struct out *o)
{
	return o->oom ? -ENOMEM : flush_arena(o);
}

void out_json_key(struct out *o, const char *key)
{
	out_putc(o, ',');
	out_put_json_string(o, key);
	out_putc(o, ':');
}

void out_json_u64(struct out *o, uint64_t v)
{
	char buf[24];
	out_puts(o, out_u64_text(v, buf));
}

