// SPDX-License-Identifier: GPL-2.0-or-later
/* The one emitter: typed cells into table, raw, export or JSON. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "out.h"

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
static void add(struct out *o, const char *s, size_t n)
{
	if (reserve(o, n) < 0)
		return;
	memcpy(o->arena + o->arena_len, s, n);
	o->arena_len += n;
}

static void addc(struct out *o, char c)
{
	if (o->arena_len < o->arena_cap || reserve(o, 1) == 0)
		o->arena[o->arena_len++] = c;
}

static void adds(struct out *o, const char *s)
{
	add(o, s, strlen(s));
}

static char *u64_text(uint64_t v, char buf[static 24])
{
	char *p = buf + 23;
	*p = '\0';
	do {
		*--p = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	return p;
}

/* @v in @base, zero-padded to @digits, after @prefix: what printf would do, faster. */
static char *fixed_text(uint64_t v, unsigned base, int digits, const char *prefix,
			char buf[static 24])
{
	static const char hex[] = "0123456789abcdef";
	char tmp[24];
	int n = 0;
	do {
		tmp[n++] = hex[v % base];
		v /= base;
	} while (v && n < 22);
	while (n < digits)
		tmp[n++] = '0';
	size_t plen = strlen(prefix);
	memcpy(buf, prefix, plen);
	for (int i = 0; i < n; i++)
		buf[plen + (size_t)i] = tmp[n - 1 - i];
	buf[plen + (size_t)n] = '\0';
	return buf;
}

/* Length of the valid UTF-8 sequence at @p (at most @n bytes), 0 when invalid. */
static size_t utf8_decode(const unsigned char *p, size_t n, uint32_t *code)
{
	size_t len;
	uint32_t cp;
	if (p[0] >= 0xc2 && p[0] <= 0xdf)
		len = 2, cp = p[0] & 0x1f;
	else if (p[0] >= 0xe0 && p[0] <= 0xef)
		len = 3, cp = p[0] & 0x0f;
	else if (p[0] >= 0xf0 && p[0] <= 0xf4)
		len = 4, cp = p[0] & 0x07;
	else
		return 0;
	if (n < len)
		return 0;
	for (size_t i = 1; i < len; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (p[i] & 0x3f);
	}
	if ((len == 3 && cp < 0x800) || (len == 4 && (cp < 0x10000 || cp > 0x10ffff)) ||
	    (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	*code = cp;
	return len;
}

/* Like utf8_decode, but C1 controls (terminal commands too) count as invalid. */
static size_t utf8_len(const unsigned char *p, size_t n)
{
	uint32_t cp;
	size_t len = utf8_decode(p, n, &cp);
	return len && cp >= 0x80 && cp < 0xa0 ? 0 : len;
}

static void add_hex(struct out *o, const char *prefix, unsigned char c)
{
	static const char hex[] = "0123456789abcdef";
	adds(o, prefix);
	addc(o, hex[c >> 4]);
	addc(o, hex[c & 15]);
}

/* Text for a terminal or a shell: bytes that could mislead become \xHH. */
static void add_escaped(struct out *o, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n = strlen(s);
	for (size_t i = 0; i < n;) {
		unsigned char c = p[i];
		if (c >= 0x80) {
			size_t len = utf8_len(p + i, n - i);
			if (len) {
				add(o, (const char *)p + i, len);
				i += len;
				continue;
			}
		}
		i++;
		bool special = c < 0x20 || c >= 0x7f || (c == '\\' && !o->plain_backslash) ||
			       (c == ' ' && o->mode == OUT_RAW);
		if (o->mode == OUT_EXPORT && (c == '"' || c == '$' || c == '`' || c == '\\')) {
			addc(o, '\\');
			addc(o, (char)c);
		} else if (special) {
			add_hex(o, "\\x", c);
		} else {
			addc(o, (char)c);
		}
	}
}

static void add_json_string(struct out *o, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n = strlen(s);
	addc(o, '"');
	for (size_t i = 0; i < n;) {
		unsigned char c = p[i];
		if (c >= 0x80) {
			uint32_t cp;
			size_t len = utf8_decode(p + i, n - i, &cp);
			if (len && cp < 0xa0) {
				add_hex(o, "\\u00", (unsigned char)cp); /* C1: escaped, not lost */
			} else if (len) {
				add(o, (const char *)p + i, len);
			} else {
				/* JSON text must be UTF-8: a stray byte becomes U+FFFD. */
				adds(o, "\\ufffd");
				len = 1;
			}
			i += len;
			continue;
		}
		i++;
		if (c == '"' || c == '\\') {
			addc(o, '\\');
			addc(o, (char)c);
		} else if (c < 0x20 || c == 0x7f) {
			add_hex(o, "\\u00", c);
		} else {
			addc(o, (char)c);
		}
	}
	addc(o, '"');
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

static const char *status_text(uint64_t bits, char *buf, size_t size)
{
	snprintf(buf, size, "%s%s%s", bits & SHM_MODE_DEST ? "dest" : "",
		 (bits & SHM_MODE_DEST) && (bits & SHM_MODE_LOCKED) ? "," : "",
		 bits & SHM_MODE_LOCKED ? "locked" : "");
	return buf[0] ? buf : "-";
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
		addc(o, ',');
	adds(o, u64_text((uint64_t)pid, buf));
}

const char *cell_text(struct out *o, const struct cell *c, char *buf, size_t size)
{
	switch (c->type) {
	case CELL_NONE: return "-";
	case CELL_STR: return c->s;
	case CELL_U64: return u64_text(c->u, buf);
	case CELL_SIZE:
		if (o->bytes)
			return u64_text(c->u, buf);
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
		adds(o, "null");
		return;
	case CELL_STR:
		add_json_string(o, c->s);
		return;
	case CELL_U64:
	case CELL_SIZE:
	case CELL_MODE:
		adds(o, u64_text(c->u, buf));
		return;
	case CELL_TIME:
		if (!c->i) {
			adds(o, "null");
			return;
		}
		addc(o, '"');
		adds(o, time_text(o, c->i));
		addc(o, '"');
		return;
	case CELL_KEY:
		addc(o, '"');
		adds(o, cell_text(o, c, buf, sizeof(buf)));
		addc(o, '"');
		return;
	case CELL_STATUS:
		addc(o, '[');
		if (c->u & SHM_MODE_DEST)
			adds(o, "\"dest\"");
		if ((c->u & SHM_MODE_DEST) && (c->u & SHM_MODE_LOCKED))
			addc(o, ',');
		if (c->u & SHM_MODE_LOCKED)
			adds(o, "\"locked\"");
		addc(o, ']');
		return;
	case CELL_PIDS:
		addc(o, '[');
		each_pid(c, pid_item, o);
		addc(o, ']');
		return;
	case CELL_PERCENT:
		snprintf(buf, sizeof(buf), "%llu.%02llu", (unsigned long long)(c->u / 100),
			 (unsigned long long)(c->u % 100));
		adds(o, buf);
		return;
	}
}

static void print_table(struct out *o);

/* Starts a table or JSON array of @cols; @first: the document's first. */
static int begin(struct out *o, const char *root, const struct column **cols, size_t ncols,
		 bool first)
{
	free(o->width);
	o->cols = cols;
	o->ncols = ncols;
	o->rows = 0;
	o->root = root;
	o->width = calloc(ncols ? ncols : 1, sizeof(*o->width));
	if (!o->width)
		return -ENOMEM;
	if (o->mode == OUT_JSON) {
		adds(o, first ? "{" : ",");
		add_json_string(o, root);
		adds(o, ":[");
	}
	if (o->mode == OUT_RAW && o->headings) {
		for (size_t i = 0; i < ncols; i++) {
			if (i)
				addc(o, ' ');
			adds(o, cols[i]->name);
		}
		addc(o, '\n');
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
		print_table(o);
	else if (o->mode == OUT_JSON)
		adds(o, o->rows ? "\n]" : "]");
}

int out_section(struct out *o, const char *root, const struct column **cols, size_t ncols)
{
	end(o);
	if (o->mode == OUT_TABLE)
		putc('\n', o->f); /* the arena holds only cells in table mode */
	else if (o->mode == OUT_RAW)
		addc(o, '\n');
	return begin(o, root, cols, ncols, false);
}

void out_free(struct out *o)
{
	free(o->arena);
	free(o->width);
	o->arena = NULL;
	o->width = NULL;
}

static size_t display_width(const char *s)
{
	size_t w = 0;
	for (; *s; s++)
		w += ((unsigned char)*s & 0xc0) != 0x80;
	return w;
}

static void json_key(struct out *o, const char *name)
{
	addc(o, '"');
	for (const char *p = name; *p; p++)
		addc(o, (char)(*p >= 'A' && *p <= 'Z' ? *p - 'A' + 'a' : *p));
	adds(o, "\":");
}

/* bash and zsh give UID and GID special meaning; zsh even acts on assignment. */
static void export_name(struct out *o, const char *name)
{
	adds(o, name);
	if (!strcmp(name, "UID") || !strcmp(name, "GID"))
		addc(o, '_');
}

static void row_json(struct out *o, struct shm_ctx *ctx, const void *row,
		     const struct cell *cells)
{
	if (o->rows)
		addc(o, ',');
	adds(o, "\n{");
	for (size_t i = 0; i < o->ncols; i++) {
		if (i)
			addc(o, ',');
		json_key(o, o->cols[i]->name);
		json_cell(o, &cells[i]);
	}
	if (o->json_extra)
		o->json_extra(o, ctx, row);
	addc(o, '}');
}

static void row_text(struct out *o, const struct cell *cells)
{
	char buf[64];
	for (size_t i = 0; i < o->ncols; i++) {
		const char *text = cell_text(o, &cells[i], buf, sizeof(buf));
		bool pids = cells[i].type == CELL_PIDS && each_pid(&cells[i], NULL, o);
		if (o->mode == OUT_TABLE) {
			size_t start = o->arena_len;
			if (pids)
				each_pid(&cells[i], pid_item, o);
			else
				add_escaped(o, text);
			addc(o, '\0');
			size_t w = display_width(o->arena + start);
			if (w > o->width[i])
				o->width[i] = w;
			continue;
		}
		if (i)
			addc(o, ' ');
		if (o->mode == OUT_EXPORT) {
			export_name(o, o->cols[i]->name);
			adds(o, "=\"");
			/* "-" is the table's word for nothing; a shell gets nothing. */
			if (pids)
				each_pid(&cells[i], pid_item, o);
			else if (cells[i].type == CELL_STR || strcmp(text, "-"))
				add_escaped(o, text);
			addc(o, '"');
		} else if (pids) {
			each_pid(&cells[i], pid_item, o);
		} else {
			add_escaped(o, text);
		}
	}
	if (o->mode != OUT_TABLE)
		addc(o, '\n');
}

void out_text(struct out *o, const char *s)
{
	adds(o, s);
}

void out_safe(struct out *o, const char *s)
{
	add_escaped(o, s);
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
	if (o->mode == OUT_JSON)
		row_json(o, ctx, row, cells);
	else
		row_text(o, cells);
	o->rows++;
	if (o->oom)
		return -ENOMEM;
	if (o->mode != OUT_TABLE && o->arena_len > ARENA_FLUSH)
		return flush_arena(o);
	return 0;
}

/* Table lines go out through one big buffer: per-field stdio calls cost more than the rest. */
struct line_buf {
	FILE *f;
	size_t len;
	char data[64 * 1024];
};

static void lb_flush(struct line_buf *lb)
{
	fwrite(lb->data, 1, lb->len, lb->f);
	lb->len = 0;
}

static void lb_put(struct line_buf *lb, const char *s, size_t n)
{
	if (lb->len + n > sizeof(lb->data)) {
		lb_flush(lb);
		if (n > sizeof(lb->data)) {
			fwrite(s, 1, n, lb->f);
			return;
		}
	}
	memcpy(lb->data + lb->len, s, n);
	lb->len += n;
}

static void lb_pad(struct line_buf *lb, size_t n)
{
	static const char spaces[] = "                                ";
	while (n) {
		size_t k = n < sizeof(spaces) - 1 ? n : sizeof(spaces) - 1;
		lb_put(lb, spaces, k);
		n -= k;
	}
}

static void print_field(struct out *o, struct line_buf *lb, size_t i, const char *text,
			size_t len)
{
	size_t w = display_width(text);
	if (i)
		lb_put(lb, " ", 1);
	if (o->cols[i]->right)
		lb_pad(lb, o->width[i] - w);
	lb_put(lb, text, len);
	if (!o->cols[i]->right && i + 1 < o->ncols)
		lb_pad(lb, o->width[i] - w);
}

static void print_table(struct out *o)
{
	struct line_buf *lb = malloc(sizeof(*lb));
	if (!lb) {
		o->oom = true;
		return;
	}
	lb->f = o->f;
	lb->len = 0;
	if (o->headings) {
		for (size_t i = 0; i < o->ncols; i++)
			if (strlen(o->cols[i]->name) > o->width[i])
				o->width[i] = strlen(o->cols[i]->name);
		for (size_t i = 0; i < o->ncols; i++)
			print_field(o, lb, i, o->cols[i]->name, strlen(o->cols[i]->name));
		lb_put(lb, "\n", 1);
	}
	const char *p = o->arena;
	for (size_t r = 0; r < o->rows; r++) {
		for (size_t i = 0; i < o->ncols; i++) {
			size_t len = strlen(p);
			print_field(o, lb, i, p, len);
			p += len + 1;
		}
		lb_put(lb, "\n", 1);
	}
	lb_flush(lb);
	free(lb);
	o->arena_len = 0;
}

int out_finish(struct out *o)
{
	if (o->oom)
		return -ENOMEM;
	end(o);
	if (o->mode == OUT_JSON)
		adds(o, "}\n");
	int r = flush_arena(o);
	if (fflush(o->f) != 0 || ferror(o->f))
		r = -(errno ? errno : EIO);
	return r;
}

int out_flush(struct out *o)
{
	return o->oom ? -ENOMEM : flush_arena(o);
}

void out_print_safe(FILE *f, const char *s)
{
	struct out o = { .mode = OUT_TABLE };
	add_escaped(&o, s);
	if (o.arena)
		fwrite(o.arena, 1, o.arena_len, f);
	free(o.arena);
}

void out_json_key(struct out *o, const char *key)
{
	addc(o, ',');
	add_json_string(o, key);
	addc(o, ':');
}

void out_json_string(struct out *o, const char *s)
{
	add_json_string(o, s);
}

void out_json_u64(struct out *o, uint64_t v)
{
	char buf[24];
	adds(o, u64_text(v, buf));
}

char *out_escape_dup(const char *s, bool plain_backslash)
{
	struct out o = { .mode = OUT_TABLE, .plain_backslash = plain_backslash };
	add_escaped(&o, s);
	addc(&o, '\0');
	if (o.oom) {
		free(o.arena);
		return NULL;
	}
	return o.arena;
}
