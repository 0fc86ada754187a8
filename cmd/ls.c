// SPDX-License-Identifier: GPL-2.0-or-later
/* shmtool ls: every segment and object, as a table, raw fields, shell pairs or JSON. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "out.h"
#include "select.h"

#define LS_DEFAULT_COLUMNS "TYPE,ID,KEY,OWNER,PERMS,SIZE,NATTCH,STATUS"
/* With -A, where each row lives comes first. */
#define LS_DEFAULT_COLUMNS_NS "NS,NSPID,CONTAINER," LS_DEFAULT_COLUMNS

enum {
	OPT_OUTPUT = 1,
	OPT_OUTPUT_ALL,
	OPT_JSON,
	OPT_RAW,
	OPT_EXPORT,
	OPT_NOHEADINGS,
	OPT_BYTES,
	OPT_SORT,
	OPT_REVERSE,
};

struct ls_opts {
	char *output;
	char *sort;
	enum out_mode mode;
	int modes; /* how many of --json/--raw/--export were given */
	bool noheadings, bytes, reverse, output_all;
	struct selection sel;
};

struct sort_ctx {
	struct shm_ctx *ctx;
	const struct column *col;
	int sign;
};

static int by_column(const void *a, const void *b, void *data)
{
	const struct sort_ctx *s = data;
	struct cell x, y;
	column_get(s->ctx, s->col, a, false, &x);
	column_get(s->ctx, s->col, b, false, &y);
	/* Rows the column does not apply to stay last, reversed or not. */
	if (x.type == CELL_NONE || y.type == CELL_NONE || x.type == CELL_UNKNOWN ||
	    y.type == CELL_UNKNOWN)
		return cell_compare(&x, &y);
	return s->sign * cell_compare(&x, &y);
}

static void reverse(struct shm_list *list)
{
	for (size_t i = 0, j = list->n; i + 1 < j; i++, j--) {
		struct shm_seg t = list->v[i];
		list->v[i] = list->v[j - 1];
		list->v[j - 1] = t;
	}
}

static int parse_columns(const char *spec, const char *defaults, const struct column ***cols,
			 size_t *n)
{
	char *bad;
	int r = columns_parse(spec, defaults, cols, n, &bad);
	if (r == -ENOENT || r == -EEXIST) {
		cmd_errorf("ls", bad && bad[0] ? bad : spec, "%s",
			   r == -ENOENT ? "unknown column (see 'shmtool ls --help' for the list)"
			   : spec[0] == '+' ? "column given twice (+COL adds to the default columns)"
			   : "column given twice");
		free(bad);
		return EXIT_USAGE;
	}
	free(bad);
	if (r < 0) {
		cmd_error_sys("ls", NULL, r);
		return EXIT_FAIL;
	}
	return 0;
}

/* -O: every column of the table, so a column added there is in it at once. */
static char *all_columns(void)
{
	size_t len = 1;
	for (const struct column *col = shm_columns; col->name; col++)
		len += strlen(col->name) + 1;
	char *spec = malloc(len), *p = spec;
	for (const struct column *col = shm_columns; spec && col->name; col++)
		p += sprintf(p, "%s%s", p == spec ? "" : ",", col->name);
	return spec;
}

static int ls_option(poptContext pc, struct shm_ctx *ctx, int val, struct ls_opts *o)
{
	switch (val) {
	case OPT_OUTPUT: cmd_take_arg(pc, &o->output); return 0;
	case OPT_OUTPUT_ALL: o->output_all = true; return 0;
	case OPT_SORT: cmd_take_arg(pc, &o->sort); return 0;
	case OPT_JSON: o->mode = OUT_JSON; o->modes++; return 0;
	case OPT_RAW: o->mode = OUT_RAW; o->modes++; return 0;
	case OPT_EXPORT: o->mode = OUT_EXPORT; o->modes++; return 0;
	case OPT_NOHEADINGS: o->noheadings = true; return 0;
	case OPT_BYTES: o->bytes = true; return 0;
	case OPT_REVERSE: o->reverse = true; return 0;
	}
	return select_option("ls", pc, ctx, val, &o->sel);
}

static struct poptOption ls_options[] = {
	{ NULL, 0, POPT_ARG_INCLUDE_TABLE, select_kind_options, 0, "What to list:", NULL },
	{ NULL, 0, POPT_ARG_INCLUDE_TABLE, select_ns_options, 0, "Where:", NULL },
	{ "sem", 0, POPT_ARG_NONE, NULL, OPT_SEM, "also list POSIX semaphores (sem.NAME)", NULL },
	{ "memfd", 0, POPT_ARG_NONE, NULL, OPT_MEMFD,
	  "also list memfd objects that processes hold", NULL },
	{ "anon", 0, POPT_ARG_NONE, NULL, OPT_ANON,
	  "also list shared anonymous mappings (MAP_SHARED|MAP_ANONYMOUS)", NULL },
	{ "files", 0, POPT_ARG_NONE, NULL, OPT_FILES,
	  "also list regular files mapped MAP_SHARED (page cache, not Shmem)", NULL },
	{ "every", 0, POPT_ARG_NONE, NULL, OPT_EVERY,
	  "every kind: also semaphores, memfd, anon and file", NULL },
	{ "output", 'o', POPT_ARG_STRING, NULL, OPT_OUTPUT,
	  "columns to show, comma-separated; +COL,... adds to the default", "COLS" },
	{ "output-all", 'O', POPT_ARG_NONE, NULL, OPT_OUTPUT_ALL, "every column, in table order",
	  NULL },
	{ "json", 'J', POPT_ARG_NONE, NULL, OPT_JSON, "JSON output", NULL },
	{ "raw", 'r', POPT_ARG_NONE, NULL, OPT_RAW, "raw output: no padding, one space", NULL },
	{ "export", 'P', POPT_ARG_NONE, NULL, OPT_EXPORT, "NAME=\"value\" pairs, safe to eval",
	  NULL },
	{ "noheadings", 'n', POPT_ARG_NONE, NULL, OPT_NOHEADINGS, "no heading line", NULL },
	{ "bytes", 'b', POPT_ARG_NONE, NULL, OPT_BYTES, "sizes in bytes", NULL },
	{ "sort", 's', POPT_ARG_STRING, NULL, OPT_SORT, "sort by column COL", "COL" },
	{ "reverse", 0, POPT_ARG_NONE, NULL, OPT_REVERSE, "reverse the order", NULL },
	{ NULL, 0, POPT_ARG_INCLUDE_TABLE, select_filter_options, 0,
	  "FILTERS (combined with AND):", NULL },
	CMD_HELP_OPTION,
	POPT_TABLEEND,
};

static void print_columns_help(void)
{
	int width = 0;
	for (const struct column *col = shm_columns; col->name; col++)
		if ((int)strlen(col->name) > width)
			width = (int)strlen(col->name);
	fputs("\nColumns:\n", stdout);
	for (const struct column *col = shm_columns; col->name; col++)
		printf("  %-*s %s\n", width, col->name, col->help);
	printf("Default: %s\nWith -A: %s\n", LS_DEFAULT_COLUMNS, LS_DEFAULT_COLUMNS_NS);
}

/* rss and swap cost a /proc read; only RSS and SWAP need them. */
static bool needs_usage(const struct column **cols, size_t n, const char *sort)
{
	const struct column *rss = column_find("RSS"), *swap = column_find("SWAP");
	for (size_t i = 0; i < n; i++)
		if (cols[i] == rss || cols[i] == swap)
			return true;
	return sort && (column_find(sort) == rss || column_find(sort) == swap);
}

static void sort_list(struct shm_ctx *ctx, const struct ls_opts *o, struct shm_list *list)
{
	if (o->sort) {
		/* o->sort names a column: ls_run checked it before listing anything. */
		struct sort_ctx s = { ctx, column_find(o->sort), o->reverse ? -1 : 1 };
		if (list->n > 1)
			qsort_r(list->v, list->n, sizeof(*list->v), by_column, &s);
	} else if (o->reverse) {
		reverse(list);
	}
}

/* The table's end (or the JSON's) and the emitter freed: the status, said once. */
static int finish(struct out *out, int r)
{
	if (r == 0)
		r = out_finish(out);
	out_free(out);
	if (r < 0) {
		cmd_error_sys("ls", "stdout", r);
		return EXIT_FAIL;
	}
	return EXIT_OK;
}

static int emit(struct shm_ctx *ctx, const struct ls_opts *o, const struct column **cols,
		size_t ncols, const struct shm_list *list)
{
	struct out out;
	int r = out_init(&out, o->mode, !o->noheadings, o->bytes, cols, ncols, stdout,
			   "segments");
	shm_list_foreach(seg, list) {
		if (r < 0)
			break;
		r = out_row(&out, ctx, seg);
	}
	return finish(&out, r);
}

/*
 * The plain listing (no sort, filter or extra kind, one namespace) in a packed
 * list, the System V part straight from the slot walk; the table measured in
 * one pass and printed in a second, so no full record and no rendered cell is
 * kept per row. -EAGAIN: not that case, or the walk could not run; the caller
 * then lists the usual way, which reports what failed.
 */
static bool plain(const struct ls_opts *o)
{
	const struct selection *s = &o->sel;
	return !o->sort && !o->reverse && !s->all_ns && !s->filtered && !s->need_usage &&
	       !s->memfd && !s->anon && !s->files && !s->gpu;
}

static int pack_one(const struct shm_seg *seg, void *arg)
{
	return shm_pack_push(arg, seg);
}

static int pack_list(struct shm_ctx *ctx, const struct ls_opts *o, struct shm_pack *pack,
		     int *status)
{
	bool all = !o->sel.sysv && !o->sel.posix;
	if ((all || o->sel.sysv) && (shm_sysv_walk(ctx, pack_one, pack) < 0 || !pack->sorted))
		return -EAGAIN;
	if (!all && !o->sel.posix)
		return 0;
	struct selection posix = o->sel;
	posix.sysv = false;
	posix.posix = true;
	struct shm_list list;
	*status = select_list("ls", ctx, &posix, &list);
	int r = 0;
	shm_list_foreach(seg, &list) {
		if (r == 0)
			r = shm_pack_push(pack, seg);
		else
			free(seg->name);
		seg->name = NULL; /* the pack's now */
	}
	shm_list_free(&list);
	return r;
}

static int emit_pack(struct shm_ctx *ctx, const struct ls_opts *o, const struct column **cols,
		     size_t ncols, const struct shm_pack *pack)
{
	struct out out;
	struct shm_seg seg;
	size_t pos = 0;
	int r = out_init(&out, o->mode, !o->noheadings, o->bytes, cols, ncols, stdout,
			   "segments");
	if (r == 0 && o->mode == OUT_TABLE) {
		while (shm_pack_next(pack, &pos, &seg))
			out_measure(&out, ctx, &seg);
		out_stream(&out);
		pos = 0;
	}
	while (r == 0 && shm_pack_next(pack, &pos, &seg))
		r = out_row(&out, ctx, &seg);
	return finish(&out, r);
}

static int ls_plain(struct shm_ctx *ctx, const struct ls_opts *o, const struct column **cols,
		    size_t ncols)
{
	struct shm_pack pack;
	shm_pack_init(&pack);
	int status = EXIT_OK;
	int r = pack_list(ctx, o, &pack, &status);
	if (r == -EAGAIN) {
		shm_pack_free(&pack);
		return -EAGAIN;
	}
	if (r < 0) {
		cmd_error_sys("ls", NULL, r);
		status = EXIT_FAIL;
	}
	int st = emit_pack(ctx, o, cols, ncols, &pack);
	shm_pack_free(&pack);
	return st != EXIT_OK ? st : status;
}

static int ls_run(struct shm_ctx *ctx, int argc, const char **argv)
{
	struct ls_opts o = { .mode = OUT_TABLE };
	const struct column **cols = NULL;
	size_t ncols = 0;
	struct shm_list list;
	int status = EXIT_OK;
	shm_list_init(&list);
	poptContext pc = cmd_popt("ls", argc, argv, ls_options, "[OPTION...]");
	int val;
	while ((val = cmd_next_opt(pc, "ls")) > 0) {
		if ((status = ls_option(pc, ctx, val, &o)) != 0)
			goto done;
	}
	if (val == CMD_OPT_HELP_EXIT) {
		print_columns_help();
		goto done;
	}
	if (val < 0) {
		status = EXIT_USAGE;
		goto done;
	}
	if (poptPeekArg(pc)) {
		cmd_errorf("ls", poptPeekArg(pc), "unexpected argument (ls takes no SEGMENT; "
			   "see 'shmtool stat')");
		status = EXIT_USAGE;
		goto done;
	}
	if (o.modes > 1) {
		cmd_errorf("ls", NULL, "--json, --raw and --export exclude each other");
		status = EXIT_USAGE;
		goto done;
	}
	if (o.output_all && o.output) {
		cmd_errorf("ls", NULL, "--output and --output-all exclude each other");
		status = EXIT_USAGE;
		goto done;
	}
	if (o.output_all && !(o.output = all_columns())) {
		cmd_error_sys("ls", NULL, -ENOMEM);
		status = EXIT_FAIL;
		goto done;
	}
	const char *defaults = o.sel.all_ns ? LS_DEFAULT_COLUMNS_NS : LS_DEFAULT_COLUMNS;
	status = parse_columns(o.output ? o.output : defaults, defaults, &cols, &ncols);
	if (status != 0)
		goto done;
	if (o.sort && !column_find(o.sort)) {
		cmd_errorf("ls", o.sort, "unknown column for --sort");
		status = EXIT_USAGE;
		goto done;
	}
	o.sel.need_usage = needs_usage(cols, ncols, o.sort);
	if (plain(&o) && (status = ls_plain(ctx, &o, cols, ncols)) != -EAGAIN)
		goto done;
	status = select_list("ls", ctx, &o.sel, &list);
	sort_list(ctx, &o, &list);
	int st = emit(ctx, &o, cols, ncols, &list);
	if (st != 0)
		status = st;
done:
	shm_list_free(&list);
	free(cols);
	free(o.output);
	free(o.sort);
	poptFreeContext(pc);
	return status;
}

const struct shm_cmd shm_cmd_ls = {
	.name = "ls",
	.summary = "list System V segments and POSIX objects",
	.run = ls_run,
};
