/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Columns and the one emitter. A column is declared once (name, help,
 * alignment, getter); the getter fills a typed cell; the emitter turns cells
 * into an aligned table, raw fields, shell pairs or JSON, so a column exists
 * in every mode at once.
 */
#ifndef SHMTOOL_OUT_H
#define SHMTOOL_OUT_H

#include <limits.h>
#include <stdio.h>

#include "../lib/shm.h"

enum cell_type {
	CELL_NONE,   /* does not apply: "-" / null */
	CELL_UNKNOWN, /* applies, but cannot be known (hidden processes): "?" / null */
	CELL_STR,
	CELL_U64,
	CELL_SIZE,   /* bytes; human unless asked for bytes */
	CELL_TIME,   /* seconds since the epoch; 0 = never */
	CELL_KEY,    /* 0x%08x, a string in JSON */
	CELL_MODE,   /* permission bits: octal text, a number in JSON */
	CELL_STATUS, /* SHM_MODE_* bits: "dest,locked", an array in JSON */
	CELL_PIDS,   /* the distinct pids of holds[0..u): "12,34", an array in JSON */
	CELL_PERCENT, /* hundredths of a percent: "12.34%", 12.34 in JSON */
};

struct cell {
	enum cell_type type;
	uint64_t u;
	int64_t i;
	const char *s;
	const char *aux; /* stat's detail: a name for an id, a path for a name */
	const struct shm_hold *holds[3]; /* CELL_PIDS: up to three runs of holds */
	size_t nholds[3];
	char buf[NAME_MAX + 2];
	char auxbuf[1024];
};

struct column {
	const char *name;
	const char *help;
	bool right;
	/* fills @cell from @row: a struct shm_seg for shm_columns, else the table's own */
	void (*get)(struct shm_ctx *ctx, const void *row, bool detail, struct cell *cell);
};

/* Holds of @seg of one kind (SHM_HOLD_*), or none when the scan failed. */
const struct shm_hold *seg_holds(struct shm_ctx *ctx, const struct shm_seg *seg,
				 enum shm_hold_kind kind, size_t *n);

extern const struct column shm_columns[];
const struct column *column_find(const char *name); /* in shm_columns */
/*
 * "COL,COL" or "+COL,COL" (added to @defaults) into a new array; on an unknown
 * column returns -ENOENT, on a column given twice -EEXIST, with its name in
 * @bad (a copy the caller frees).
 */
int columns_parse(const char *spec, const char *defaults, const struct column ***out,
		  size_t *n, char **bad);
void column_get(struct shm_ctx *ctx, const struct column *col, const void *row, bool detail,
		struct cell *cell);
int cell_compare(const struct cell *a, const struct cell *b);

enum out_mode { OUT_TABLE, OUT_RAW, OUT_EXPORT, OUT_JSON };

struct out {
	enum out_mode mode;
	bool headings;
	bool bytes;
	const struct column **cols;
	size_t ncols;
	FILE *f;
	size_t rows;
	bool oom; /* an append failed: the output is incomplete */
	bool plain_backslash; /* text modes: a backslash is not written \\x5c */
	/* table mode keeps every rendered cell to size the columns */
	char *arena;
	size_t arena_len, arena_cap;
	size_t *width;
	/* JSON only: more members for a row (stat's attached processes) */
	void (*json_extra)(struct out *o, struct shm_ctx *ctx, const void *row);
	const char *root; /* JSON: the key of the current array */
	char **json_keys;  /* JSON: each column's "name": text */
	size_t *json_key_len, nkeys;
	/*
	 * Table streaming (out_measure, then out_stream): widths known up front,
	 * each row printed as it comes instead of every cell kept in the arena.
	 */
	bool streaming, headed;
	size_t printed; /* rows already printed */
	void *lb;       /* the table's line buffer, kept while streaming */
	/* the last time formatted, since most rows share a few */
	int64_t last_time;
	char last_time_text[96];
};

/* A document whose rows go in the JSON array @root ("segments" for ls and stat). */
int out_init(struct out *o, enum out_mode mode, bool headings, bool bytes,
	     const struct column **cols, size_t ncols, FILE *f, const char *root);
int out_row(struct out *o, struct shm_ctx *ctx, const void *row);
/*
 * Table mode, for a caller that can go over its rows twice: out_measure each
 * row (widths only, nothing kept), then out_stream, then out_row each again;
 * the rows are then printed as they come. Other modes ignore both.
 */
void out_measure(struct out *o, struct shm_ctx *ctx, const void *row);
void out_stream(struct out *o);
/* Ends the current table (or JSON array) and starts another, under @root, with @cols. */
int out_section(struct out *o, const char *root, const struct column **cols, size_t ncols);
/* Prints what is held and closes the document; -errno if stdout failed. */
int out_finish(struct out *o);
void out_free(struct out *o);

/* For field lists (stat): a cell as plain text, appended as is or made safe. */
const char *cell_text(struct out *o, const struct cell *c, char *buf, size_t size);
void out_text(struct out *o, const char *s);
void out_safe(struct out *o, const char *s);
int out_flush(struct out *o);
/* JSON pieces for json_extra: a key, then a value. */
void out_json_key(struct out *o, const char *key);
void out_json_string(struct out *o, const char *s);
void out_json_u64(struct out *o, uint64_t v);
/* @s on @f with whatever could mislead a terminal written as \\xHH. */
void out_print_safe(FILE *f, const char *s);
/* @s as a Prometheus label value, without its quotes (see escape.c). */
void out_print_label(FILE *f, const char *s);
/*
 * The same text, malloc'd: for messages and labels. @plain_backslash leaves
 * a backslash as it is, for a format that escapes it its own way. NULL: no memory.
 */
char *out_escape_dup(const char *s, bool plain_backslash);

#endif
