// SPDX-License-Identifier: GPL-2.0-or-later
/* shmtool limits: what ipcs -l -m and lsipc -g say of shared memory, and more. */
#include <stdlib.h>

#include "cmd.h"
#include "out.h"

enum { OPT_JSON = 1, OPT_BYTES, OPT_EXPLAIN };

enum unit { COUNT, BYTES };

struct limit_row {
	const char *resource, *description, *explanation;
	enum unit unit;
	uint64_t limit;
	bool has_used, has_free;
	uint64_t used, free;
};

static void get_resource(struct shm_ctx *ctx, const void *row, bool detail, struct cell *c)
{
	(void)ctx, (void)detail;
	c->type = CELL_STR;
	c->s = ((const struct limit_row *)row)->resource;
}

static void get_description(struct shm_ctx *ctx, const void *row, bool detail, struct cell *c)
{
	(void)ctx, (void)detail;
	c->type = CELL_STR;
	c->s = ((const struct limit_row *)row)->description;
}

static void set_amount(struct cell *c, const struct limit_row *r, uint64_t v)
{
	c->type = r->unit == BYTES ? CELL_SIZE : CELL_U64;
	c->u = v;
}

static void get_limit(struct shm_ctx *ctx, const void *row, bool detail, struct cell *c)
{
	(void)ctx, (void)detail;
	const struct limit_row *r = row;
	set_amount(c, r, r->limit);
}

static void get_used(struct shm_ctx *ctx, const void *row, bool detail, struct cell *c)
{
	(void)ctx, (void)detail;
	const struct limit_row *r = row;
	if (r->has_used)
		set_amount(c, r, r->used);
}

static void get_free(struct shm_ctx *ctx, const void *row, bool detail, struct cell *c)
{
	(void)ctx, (void)detail;
	const struct limit_row *r = row;
	if (r->has_free)
		set_amount(c, r, r->free);
}

static void get_use(struct shm_ctx *ctx, const void *row, bool detail, struct cell *c)
{
	(void)ctx, (void)detail;
	const struct limit_row *r = row;
	if (!r->has_used || r->limit == 0)
		return;
	c->type = CELL_PERCENT;
	c->u = (uint64_t)((unsigned __int128)r->used * 10000 / r->limit);
}

static const struct column limit_columns[] = {
	{ "RESOURCE", "the limit's name", false, get_resource },
	{ "DESCRIPTION", "what it limits", false, get_description },
	{ "LIMIT", "the limit", true, get_limit },
	{ "USED", "in use now", true, get_used },
	{ "FREE", "left", true, get_free },
	{ "USE%", "use against the limit", true, get_use },
	{ NULL, NULL, false, NULL },
};

static uint64_t sat_mul(uint64_t a, uint64_t b)
{
	return b && a > UINT64_MAX / b ? UINT64_MAX : a * b;
}

static size_t fill_rows(const struct shm_limits *l, struct limit_row *rows)
{
	size_t n = 0;
	uint64_t all_bytes = sat_mul(l->shmall, l->page_size);
	uint64_t used_bytes = sat_mul(l->used_pages, l->page_size);
	rows[n++] = (struct limit_row){ "SHMMNI", "shared memory segments",
					"how many segments may exist at once; shmget(2) fails with "
					"ENOSPC beyond (kernel.shmmni)",
					COUNT, l->shmmni,
					true, true, l->used_ids,
					l->shmmni > l->used_ids ? l->shmmni - l->used_ids : 0 };
	rows[n++] = (struct limit_row){ "SHMALL", "shared memory pages, all segments",
					"pages all segments together may take, counted by size "
					"whether touched or not (kernel.shmall)",
					COUNT,
					l->shmall, true, true, l->used_pages,
					l->shmall > l->used_pages ? l->shmall - l->used_pages : 0 };
	rows[n++] = (struct limit_row){ "SHMALL_BYTES", "shared memory bytes, all segments",
					"SHMALL times the page size", BYTES, all_bytes, true, true, used_bytes,
					all_bytes > used_bytes ? all_bytes - used_bytes : 0 };
	rows[n++] = (struct limit_row){ "SHMMAX", "max size of a segment (used: the largest)",
					"the largest size shmget(2) accepts (kernel.shmmax)", BYTES, l->shmmax, true, false, l->largest, 0 };
	rows[n++] = (struct limit_row){ "SHMMIN", "min size of a segment",
					"the smallest size shmget(2) accepts; fixed in the kernel",
					BYTES, l->shmmin,
					false, false, 0, 0 };
	if (l->has_rmid_forced)
		rows[n++] = (struct limit_row){ "SHM_RMID_FORCED",
						"1: segments go when no process uses them",
						"1: every segment acts as if IPC_RMID'd: it goes at its "
						"last detach, or with its creator if never attached "
						"(kernel.shm_rmid_forced)",
						COUNT, l->rmid_forced, false, false, 0, 0 };
	if (l->has_shm_dir)
		rows[n++] = (struct limit_row){ "DEVSHM", "/dev/shm size (tmpfs)",
						"room for POSIX objects: the size= of the tmpfs "
						"at /dev/shm (statvfs)", BYTES,
						l->shm_dir_size, true, true, l->shm_dir_used,
						l->shm_dir_avail };
	return n;
}

static struct poptOption limits_options[] = {
	{ "json", 'J', POPT_ARG_NONE, NULL, OPT_JSON, "JSON output", NULL },
	{ "bytes", 'b', POPT_ARG_NONE, NULL, OPT_BYTES, "sizes in bytes", NULL },
	{ "explain", 0, POPT_ARG_NONE, NULL, OPT_EXPLAIN,
	  "after the table, a line per resource saying what it limits", NULL },
	CMD_HELP_OPTION,
	POPT_TABLEEND,
};

static void print_explanations(const struct limit_row *rows, size_t n)
{
	putchar('\n');
	for (size_t i = 0; i < n; i++)
		printf("%-16s %s\n", rows[i].resource, rows[i].explanation);
}

static int show(struct shm_ctx *ctx, bool json, bool bytes, bool explain)
{
	struct shm_limits l;
	int r = shm_limits_read(ctx, true, &l);
	if (r < 0) {
		cmd_error_sys("limits", "/proc/sys/kernel/shm*", r);
		return EXIT_FAIL;
	}
	struct limit_row rows[8];
	size_t n = fill_rows(&l, rows);
	const struct column *cols[6];
	for (size_t i = 0; i < 6; i++)
		cols[i] = &limit_columns[i];
	struct out o;
	r = out_init(&o, json ? OUT_JSON : OUT_TABLE, true, bytes, cols, 6, stdout, "limits");
	for (size_t i = 0; i < n && r == 0; i++)
		r = out_row(&o, ctx, &rows[i]);
	if (r == 0)
		r = out_finish(&o);
	out_free(&o);
	if (r == 0 && explain)
		print_explanations(rows, n);
	if (r < 0) {
		cmd_error_sys("limits", "stdout", r);
		return EXIT_FAIL;
	}
	return EXIT_OK;
}

static int limits_run(struct shm_ctx *ctx, int argc, const char **argv)
{
	bool json = false, bytes = false, explain = false;
	int status = EXIT_OK, val;
	poptContext pc = cmd_popt("limits", argc, argv, limits_options, "[OPTION...]");
	while ((val = cmd_next_opt(pc, "limits")) > 0) {
		json |= val == OPT_JSON;
		bytes |= val == OPT_BYTES;
		explain |= val == OPT_EXPLAIN;
	}
	if (val < 0)
		status = cmd_opts_end(val);
	else if (json && explain) {
		cmd_errorf("limits", NULL, "--explain is for people, --json for programs: choose one");
		status = EXIT_USAGE;
	} else if (poptPeekArg(pc)) {
		cmd_errorf("limits", poptPeekArg(pc), "unexpected argument");
		status = EXIT_USAGE;
	} else {
		status = show(ctx, json, bytes, explain);
	}
	poptFreeContext(pc);
	return status;
}

const struct shm_cmd shm_cmd_limits = {
	.name = "limits",
	.summary = "the kernel's shared memory limits and their use",
	.run = limits_run,
};
