// SPDX-License-Identifier: GPL-2.0-or-later
/* shmtool stat: everything known about named segments, as fields or JSON. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "explanations.h"
#include "out.h"

enum { OPT_JSON = 1, OPT_EXPLAIN };

/* How a field's value is followed: by a name, a human size, or symbolic perms. */
enum detail { PLAIN, WITH_AUX, WITH_HUMAN, WITH_PERMS };

struct field {
	const char *label;
	const char *column;
	enum detail detail;
};

static const struct field fields[] = {
	{ "type", "TYPE", PLAIN },
	{ "id", "ID", PLAIN },
	{ "name", "NAME", PLAIN },
	{ "key", "KEY", PLAIN },
	{ "mode", "MODE", WITH_PERMS },
	{ "size", "SIZE", WITH_HUMAN },
	{ "alloc", "ALLOC", WITH_HUMAN },
	{ "rss", "RSS", WITH_HUMAN },
	{ "swap", "SWAP", WITH_HUMAN },
	{ "nattch", "NATTCH", PLAIN },
	{ "status", "STATUS", PLAIN },
	{ "uid", "UID", WITH_AUX },
	{ "gid", "GID", WITH_AUX },
	{ "cuid", "CUID", WITH_AUX },
	{ "cgid", "CGID", WITH_AUX },
	{ "cpid", "CPID", WITH_AUX },
	{ "lpid", "LPID", WITH_AUX },
	{ "atime", "ATIME", PLAIN },
	{ "dtime", "DTIME", PLAIN },
	{ "mtime", "MTIME", PLAIN },
	{ "ctime", "CTIME", PLAIN },
};

static void print_explanation(struct out *o, bool explain, const char *label,
			      const struct shm_seg *seg)
{
	const char *text = explain ? explain_field(label, seg->kind != SHM_KIND_SYSV) : NULL;
	if (!text)
		return;
	out_text(o, EXPLAIN_INDENT);
	out_text(o, text);
	out_text(o, "\n");
}

static void print_value(struct out *o, struct shm_ctx *ctx, const struct field *f,
			const struct shm_seg *seg, const struct cell *c)
{
	char buf[64];
	const char *text = cell_text(o, c, buf, sizeof(buf));
	if (c->type == CELL_TIME && c->i == 0)
		out_text(o, "never");
	else
		out_safe(o, text[0] ? text : "-");
	char extra[64];
	const char *paren = NULL;
	if (f->detail == WITH_AUX)
		paren = c->aux;
	else if (f->detail == WITH_HUMAN)
		paren = shm_format_size(c->u, extra);
	else if (f->detail == WITH_PERMS) {
		struct cell perms;
		column_get(ctx, column_find("PERMS"), seg, true, &perms);
		snprintf(extra, sizeof(extra), "%s", perms.s);
		paren = extra;
	}
	if (paren) {
		out_text(o, " (");
		out_safe(o, paren);
		out_text(o, ")");
	}
}

static void print_fields(struct out *o, struct shm_ctx *ctx, const struct shm_seg *seg,
			 bool explain)
{
	for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); i++) {
		const struct field *f = &fields[i];
		struct cell c;
		column_get(ctx, column_find(f->column), seg, true, &c);
		if (c.type == CELL_NONE)
			continue; /* a field this kind does not have */
		char label[16];
		snprintf(label, sizeof(label), "%s:", f->label);
		char pad[32];
		snprintf(pad, sizeof(pad), "%-8s", label);
		out_text(o, pad);
		print_value(o, ctx, f, seg, &c);
		out_text(o, "\n");
		print_explanation(o, explain, f->label, seg);
		if (!strcmp(f->column, "ID") && c.aux) {
			out_text(o, "path:   ");
			out_safe(o, c.aux);
			out_text(o, "\n");
			print_explanation(o, explain, "path", seg);
		}
	}
}

static void print_holds(struct out *o, struct shm_ctx *ctx, const char *label,
			const struct shm_hold *v, size_t n, const struct shm_seg *seg, bool explain)
{
	char line[256];
	size_t procs = shm_holds_procs(v, n);
	snprintf(line, sizeof(line), "%-8s %zu process%s\n", label, procs, procs == 1 ? "" : "es");
	out_text(o, line);
	line[strcspn(line, ":")] = '\0';
	print_explanation(o, explain, line, seg);
	for (size_t i = 0; i < n; i++) {
		const char *comm = shm_ctx_pid_comm(ctx, v[i].pid);
		if (v[i].kind == SHM_HOLD_FD)
			snprintf(line, sizeof(line), "  %-7d fd %-5d ", (int)v[i].pid, v[i].fd);
		else
			snprintf(line, sizeof(line), "  %-7d %#llx-%#llx %s ", (int)v[i].pid,
				 (unsigned long long)v[i].start, (unsigned long long)v[i].end,
				 v[i].writable ? "rw" : "r-");
		out_text(o, line);
		out_safe(o, comm ? comm : "?");
		out_text(o, "\n");
	}
}

/*
 * The holders of @seg. An unattached System V segment has none to look for:
 * the scan of every process would only confirm the kernel's nattch of 0.
 * An attached one is looked for in its creator and last attacher first.
 */
static int holders_of(struct shm_ctx *ctx, const struct shm_seg *seg,
		      const struct shm_holders **h)
{
	static const struct shm_holders none;
	if (seg->kind == SHM_KIND_SYSV && (seg->fields & SHM_F_NATTCH) && seg->nattch == 0) {
		*h = &none;
		return 0;
	}
	if (seg->kind == SHM_KIND_SYSV)
		return shm_ctx_sysv_holders(ctx, seg, h);
	return shm_seg_holders(ctx, seg, h);
}

/* Who holds it: attachments or mappings, open fds, and how many we could not see. */
static void print_holders(struct out *o, struct shm_ctx *ctx, const struct shm_seg *seg,
			  bool explain)
{
	const struct shm_holders *h;
	if (holders_of(ctx, seg, &h) < 0) {
		out_text(o, "holders: unknown (no process visible in /proc)\n");
		return;
	}
	size_t n;
	const struct shm_hold *v;
	if (seg->kind == SHM_KIND_SYSV) {
		v = shm_holders_find(h, SHM_HOLD_SYSV, seg, &n);
		print_holds(o, ctx, "attached:", v, n, seg, explain);
	} else {
		v = shm_holders_find(h, shm_seg_map_kind(seg), seg, &n);
		print_holds(o, ctx, "mapped:", v, n, seg, explain);
		if (seg->kind != SHM_KIND_ANON && seg->kind != SHM_KIND_FILE) {
			v = shm_holders_find(h, SHM_HOLD_FD, seg, &n);
			print_holds(o, ctx, "open:", v, n, seg, explain);
		}
	}
	if (h->hidden) {
		char line[96];
		snprintf(line, sizeof(line), "hidden:  %zu process%s not visible (not counted)\n",
			 h->hidden, h->hidden == 1 ? "" : "es");
		out_text(o, line);
		print_explanation(o, explain, "hidden", seg);
	}
	if (h->unseen != SHM_UNSEEN_NONE) {
		char why[160], line[192];
		snprintf(line, sizeof(line), "unseen:  %s\n", cmd_unseen_text(h, why, sizeof(why)));
		out_text(o, line);
		print_explanation(o, explain, "unseen", seg);
	}
}

static void json_holds(struct out *o, struct shm_ctx *ctx, const char *key,
		       const struct shm_hold *v, size_t n)
{
	char buf[32];
	out_json_key(o, key);
	out_text(o, "[");
	for (size_t i = 0; i < n; i++) {
		const char *comm = shm_ctx_pid_comm(ctx, v[i].pid);
		out_text(o, i ? ",{\"pid\":" : "{\"pid\":");
		out_json_u64(o, (uint64_t)v[i].pid);
		out_text(o, ",\"command\":");
		if (comm)
			out_json_string(o, comm);
		else
			out_text(o, "null");
		if (v[i].kind == SHM_HOLD_FD) {
			out_text(o, ",\"fd\":");
			out_json_u64(o, (uint64_t)v[i].fd);
		} else {
			snprintf(buf, sizeof(buf), "0x%llx", (unsigned long long)v[i].start);
			out_text(o, ",\"start\":");
			out_json_string(o, buf);
			snprintf(buf, sizeof(buf), "0x%llx", (unsigned long long)v[i].end);
			out_text(o, ",\"end\":");
			out_json_string(o, buf);
			out_text(o, v[i].writable ? ",\"writable\":true" : ",\"writable\":false");
		}
		out_text(o, "}");
	}
	out_text(o, "]");
}

static void json_holders(struct out *o, struct shm_ctx *ctx, const void *row)
{
	const struct shm_seg *seg = row;
	const struct shm_holders *h;
	if (holders_of(ctx, seg, &h) < 0)
		return;
	size_t n;
	const struct shm_hold *v;
	v = shm_holders_find(h, shm_seg_map_kind(seg), seg, &n);
	json_holds(o, ctx, "attached", v, n);
	if (seg->kind != SHM_KIND_SYSV && seg->kind != SHM_KIND_ANON && seg->kind != SHM_KIND_FILE) {
		v = shm_holders_find(h, SHM_HOLD_FD, seg, &n);
		json_holds(o, ctx, "open_by", v, n);
	}
	out_json_key(o, "hidden_processes");
	out_json_u64(o, h->hidden);
	out_json_key(o, "unseen_processes");
	out_text(o, h->unseen == SHM_UNSEEN_HIDEPID ? "\"hidepid\"" :
		    h->unseen == SHM_UNSEEN_PIDNS ? "\"pidns\"" : "null");
}

static int lookup(struct shm_ctx *ctx, const struct shm_ref *ref, struct shm_seg *seg)
{
	int r = shm_ref_stat(ctx, ref, seg);
	/* rss and swap are only in /proc; without its line they stay unknown. */
	if (r == 0 && seg->kind == SHM_KIND_SYSV && shm_sysv_usage(ctx, seg) == -ENOENT)
		seg->fields &= ~(unsigned)SHM_F_RSS;
	return r;
}

static struct poptOption stat_options[] = {
	{ "json", 'J', POPT_ARG_NONE, NULL, OPT_JSON, "JSON output", NULL },
	{ "explain", 0, POPT_ARG_NONE, NULL, OPT_EXPLAIN,
	  "follow each field with a line saying what it means and where it comes from", NULL },
	CMD_HELP_OPTION,
	POPT_TABLEEND,
};

/* Every SEGMENT is checked before anything prints, so a typo prints nothing. */
static int parse_refs(const char **args, size_t n, struct shm_ref *refs, int *errs)
{
	int status = EXIT_OK;
	for (size_t i = 0; i < n; i++) {
		errs[i] = shm_ref_parse(args[i], &refs[i]);
		if (errs[i] < 0 && cmd_is_usage_error(errs[i])) {
			cmd_error("stat", args[i], errs[i]);
			status = EXIT_USAGE;
		}
	}
	return status;
}

static int show(struct shm_ctx *ctx, bool json, bool explain, const char **args, size_t n,
		const struct shm_ref *refs, const int *errs)
{
	size_t ncols = 0;
	const struct column *cols[64];
	for (const struct column *col = shm_columns; col->name && ncols < 64; col++)
		cols[ncols++] = col;
	struct out o;
	int status = EXIT_OK, shown = 0;
	/* Raw: values escaped as ls --raw escapes them, spaces included. */
	int r = out_init(&o, json ? OUT_JSON : OUT_RAW, false, true, cols, ncols, stdout,
			   "segments");
	o.json_extra = json_holders;
	for (size_t i = 0; i < n && r == 0; i++) {
		struct shm_seg seg = { 0 };
		int err = errs[i] < 0 ? errs[i] : lookup(ctx, &refs[i], &seg);
		if (err < 0) {
			out_flush(&o);
			cmd_error("stat", args[i], err);
			status = EXIT_FAIL;
			continue;
		}
		if (json) {
			r = out_row(&o, ctx, &seg);
		} else {
			if (shown++)
				out_text(&o, "\n");
			print_fields(&o, ctx, &seg, explain);
			print_holders(&o, ctx, &seg, explain);
			r = out_flush(&o);
		}
		shm_seg_clear(&seg);
	}
	if (r == 0)
		r = out_finish(&o);
	out_free(&o);
	if (r < 0) {
		cmd_error_sys("stat", "stdout", r);
		return EXIT_FAIL;
	}
	return status;
}

static int stat_run(struct shm_ctx *ctx, int argc, const char **argv)
{
	bool json = false, explain = false;
	int status = EXIT_OK, val;
	poptContext pc = cmd_popt("stat", argc, argv, stat_options, "[OPTION...] SEGMENT...");
	while ((val = cmd_next_opt(pc, "stat")) > 0) {
		json |= val == OPT_JSON;
		explain |= val == OPT_EXPLAIN;
	}
	if (val < 0) {
		status = cmd_opts_end(val);
		goto done;
	}
	if (json && explain) {
		cmd_errorf("stat", NULL, "--explain is for people, --json for programs: "
			   "choose one (shmtool-stat(1) documents every JSON key)");
		status = EXIT_USAGE;
		goto done;
	}
	const char **args = poptGetArgs(pc);
	size_t n = 0;
	while (args && args[n])
		n++;
	if (n == 0) {
		cmd_errorf("stat", NULL, "no SEGMENT given (see 'shmtool stat --help')");
		status = EXIT_USAGE;
		goto done;
	}
	struct shm_ref *refs = calloc(n, sizeof(*refs));
	int *errs = calloc(n, sizeof(*errs));
	if (!refs || !errs)
		status = EXIT_FAIL;
	else if ((status = parse_refs(args, n, refs, errs)) == EXIT_OK)
		status = show(ctx, json, explain, args, n, refs, errs);
	free(refs);
	free(errs);
done:
	poptFreeContext(pc);
	return status;
}

const struct shm_cmd shm_cmd_stat = {
	.name = "stat",
	.summary = "show everything about segments",
	.run = stat_run,
};
