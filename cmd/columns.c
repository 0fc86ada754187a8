// SPDX-License-Identifier: GPL-2.0-or-later
/* Every column, declared once: ls, stat, rm and sorting all read this table. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "out.h"

static void set_str(struct cell *c, const char *s)
{
	c->type = CELL_STR;
	c->s = s;
}

static void set_u64(struct cell *c, enum cell_type type, uint64_t v)
{
	c->type = type;
	c->u = v;
}

static void set_time(struct cell *c, const struct shm_seg *seg, unsigned field, int64_t t)
{
	if (seg->fields & field) {
		c->type = CELL_TIME;
		c->i = t;
	}
}

static bool is_sysv(const struct shm_seg *seg)
{
	return seg->kind == SHM_KIND_SYSV;
}

static const char *kind_name(enum shm_kind kind)
{
	switch (kind) {
	case SHM_KIND_SYSV: return "sysv";
	case SHM_KIND_POSIX: return "posix";
	case SHM_KIND_SEM: return "sem";
	case SHM_KIND_MEMFD: return "memfd";
	case SHM_KIND_ANON: return "anon";
	case SHM_KIND_FILE: return "file";
	}
	return "?";
}

static void get_type(struct shm_ctx *ctx, const void *row, bool detail, struct cell *c)
{
	const struct shm_seg *seg = row;
	(void)ctx, (void)detail;
	set_str(c, kind_name(seg->kind));
}

const struct shm_hold *seg_holds(struct shm_ctx *ctx, const struct shm_seg *seg,
				 enum shm_hold_kind kind, size_t *n)
{
	const struct shm_holders *h;
	*n = 0;
	unsigned what = kind == SHM_HOLD_FD ? SHM_SCAN_FDS : kind == SHM_HOLD_ANON ? SHM_SCAN_ANON
		      : kind == SHM_HOLD_FILE ? SHM_SCAN_FILES : 0;
	if (shm_ctx_holders_for(ctx, what, &h) < 0)
		return NULL;
	return shm_holders_find(h, kind, seg, n);
}

static void get_id(struct shm_ctx *ctx, const void *row, bool detail, struct cell *c)
{
	const struct shm_seg *seg = row;
	if (seg->kind == SHM_KIND_MEMFD) {
		if (seg->holder_fd >= 0)
			snprintf(c->buf, sizeof(c->buf), "memfd:%d:%d", (int)seg->holder_pid,
				 seg->holder_fd);
		else
			snprintf(c->buf, sizeof(c->buf), "memfd:%d:-", (int)seg->holder_pid);
		set_str(c, c->buf);
	} else if (seg->kind == SHM_KIND_ANON || seg->kind == SHM_KIND_FILE) {
		snprintf(c->buf, sizeof(c->buf), "%s:%d:0x%llx", kind_name(seg->kind),
			 (int)seg->holder_pid, (unsigned long long)seg->holder_start);
		set_str(c, c->buf);
	} else if (seg->name) {
		snprintf(c->buf, sizeof(c->buf), "/%s", seg->name);
		set_str(c, c->buf);
		if (detail) {
			snprintf(c->auxbuf, sizeof(c->auxbuf), "%s/%s", shm_ctx_shm_dir(ctx),
				 seg->name);
			c->aux = c->auxbuf;
		}
	} else if (seg->fields & SHM_F_ID) {
		set_u64(c, CELL_U64, (uint64_t)seg->id);
	}
}

static void get_key(struct shm_ctx *ctx, const void *row, bool detail, struct cell *c)
{
	const struct shm_seg *seg = row;
	(void)ctx, (void)detail;
	if (seg->fields & SHM_F_KEY)
		set_u64(c, CELL_KEY, (uint32_t)seg->key);
}

static void set_name(struct cell *c, const char *name, uint32_t id)
{
	if (name) {
		set_str(c, name);
	} else {
		snprintf(c->buf, sizeof(c->buf), "%u", (unsigned)id);
		set_str(c, c->buf);
	}
}

static void get_owner(struct shm_ctx *ctx, const void *row, bool detail, struct cell *c)
{
	const struct shm_seg *seg = row;
	(void)detail;
	set_name(c, shm_ctx_user_name(ctx, seg->uid), seg->uid);
}

static void get_group(struct shm_ctx *ctx, const void *row, bool detail, struct cell *c)
{
	const struct shm_seg *seg = row;
	(void)detail;
	set_name(c, shm_ctx_group_name(ctx, seg->gid), seg->gid);
}

static void get_perms(struct shm_ctx *ctx, const void *row, bool detail, struct cell *c)
{
	const struct shm_seg *seg = row;
	(void)ctx, (void)detail;
	static const char rwx[] = "rwxrwxrwx";
	for (int i = 0; i < 9; i++)
		c->buf[i] = seg->mode & (0400u >> i) ? rwx[i] : '-';
	c->buf[9] = '\0';
	set_str(c, c->buf);
}

static void get_mode(struct shm_ctx *ctx, const void *row, bool detail, struct cell *c)
{
	const struct shm_seg *seg = row;
	(void)ctx, (void)detail;
	set_u64(c, CELL_MODE, seg->mode & (is_sysv(seg) ? 0777u : 07777u));
}

static void get_size(struct shm_ctx *ctx, const void *row, bool detail, struct cell *c)
{
	const struct shm_seg *seg = row;
	(void)ctx, (void)detail;
	set_u64(c, CELL_SIZE, seg->size);
}

static void get_rss(struct shm_ctx *ctx, const void *row, bool detail, struct cell *c)
{
	const struct shm_seg *seg = row;
	(void)ctx, (void)detail;
	if (seg->fields & SHM_F_RSS)
		set_u64(c, CELL_SIZE, seg->rss);
}

static void get_swap(struct shm_ctx *ctx, const void *row, bool detail, struct cell *c)
{
	const struct shm_seg *seg = row;
	(void)ctx, (void)detail;
	if (seg->fields & SHM_F_RSS)
		set_u64(c, CELL_SIZE, seg->swap);
}

static void get_alloc(struct shm_ctx *ctx, const void *row, bool detail, struct cell *c)
{
	const struct shm_seg *seg = row;
	(void)ctx, (void)detail;
	if (seg->fields & SHM_F_ALLOC)
		set_u64(c, CELL_SIZE, seg->alloc);
}

/*
 * A count of holders found: 0 is only the truth when every process that could
 * hold the object was seen; otherwise it is unknown, never 0.
 */
static void set_count(struct cell *c, const struct shm_holders *h, uint64_t n)
{
	if (n == 0 && !shm_holders_complete(h))
		c->type = CELL_UNKNOWN;
	else
		set_u64(c, CELL_U64, n);
}

/* System V: the kernel's count. POSIX: processes mapping it. memfd: processes holding it. */
static void get_nattch(struct shm_ctx *ctx, const void *row, bool detail, struct cell *c)
{
	const struct shm_seg *seg = row;
	(void)detail;
	if (seg->kind == SHM_KIND_SYSV) {
		if (seg->fields & SHM_F_NATTCH)
			set_u64(c, CELL_U64, seg->nattch);
		return;
	}
	if (seg->kind == SHM_KIND_SEM)
		return;
	if (seg->kind == SHM_KIND_ANON || seg->kind == SHM_KIND_FILE) {
		size_t n;
		const struct shm_hold *v = seg_holds(ctx, seg, shm_seg_map_kind(seg), &n);
		if (v || n == 0)
			set_u64(c, CELL_U64, shm_holds_procs(v, n));
		return;
	}
	size_t maps, fds = 0;
	const struct shm_holders *h;
	if (shm_ctx_holders(ctx, seg->kind == SHM_KIND_MEMFD, &h) < 0)
		return;
	const struct shm_hold *m = shm_holders_find(h, SHM_HOLD_MAP, seg, &maps);
	if (seg->kind == SHM_KIND_POSIX) {
		set_count(c, h, shm_holds_procs(m, maps));
		return;
	}
	const struct shm_hold *f = shm_holders_find(h, SHM_HOLD_FD, seg, &fds);
	uint64_t procs = shm_holds_procs(f, fds);
	for (size_t i = 0; i < maps; i++) {
		bool counted = i > 0 && m[i].pid == m[i - 1].pid;
		for (size_t j = 0; j < fds && !counted; j++)
			counted = f[j].pid == m[i].pid;
		procs += !counted;
	}
	set_count(c, h, procs);
}

/* Every process attached (System V), or mapping or holding it open (files). */
static void get_pids(struct shm_ctx *ctx, const void *row, bool detail, struct cell *c)
{
	const struct shm_seg *seg = row;
	(void)detail;
	c->type = CELL_PIDS;
	const struct shm_holders *h;
	bool sysv = seg->kind == SHM_KIND_SYSV;
	if (shm_ctx_holders(ctx, !sysv, &h) < 0)
		return;
	if (sysv) {
		c->holds[0] = shm_holders_find(h, SHM_HOLD_SYSV, seg, &c->nholds[0]);
		c->u = c->nholds[0];
	} else {
		c->holds[0] = seg_holds(ctx, seg, shm_seg_map_kind(seg), &c->nholds[0]);
		if (seg->kind != SHM_KIND_ANON && seg->kind != SHM_KIND_FILE)
			c->holds[1] = seg_holds(ctx, seg, SHM_HOLD_FD, &c->nholds[1]);
		c->u = c->nholds[0] + c->nholds[1]; /* sorts by how much holds it */
	}
	/* None found is "none" only when no process could hide one. */
	bool attached = sysv && (seg->fields & SHM_F_NATTCH) && seg->nattch > 0;
	if (c->u == 0 && (attached || (!sysv && !shm_holders_complete(h))))
		c->type = CELL_UNKNOWN;
}

static void get_status(struct shm_ctx *ctx, const void *row, bool detail, struct cell *c)
{
	const struct shm_seg *seg = row;
	(void)ctx, (void)detail;
	if (is_sysv(seg) && (seg->fields & SHM_F_STATUS))
		set_u64(c, CELL_STATUS, seg->mode & (SHM_MODE_DEST | SHM_MODE_LOCKED));
}

/* The creator's name only while it lives: a reused pid is someone else. */
static const char *creator_comm(struct shm_ctx *ctx, const struct shm_seg *seg)
{
	if (!shm_ctx_pid_alive_since(ctx, seg->cpid, seg->ctime))
		return NULL;
	return shm_ctx_pid_comm(ctx, seg->cpid);
}

static void set_pid(struct shm_ctx *ctx, struct cell *c, pid_t pid, const char *comm, bool detail)
{
	set_u64(c, CELL_U64, (uint64_t)pid);
	if (detail && pid > 0) {
		snprintf(c->auxbuf, sizeof(c->auxbuf), "%s", comm ? comm : "gone");
		c->aux = c->auxbuf;
	}
	(void)ctx;
}

static void get_cpid(struct shm_ctx *ctx, const void *row, bool detail, struct cell *c)
{
	const struct shm_seg *seg = row;
	if (seg->fields & SHM_F_CPID)
		set_pid(ctx, c, seg->cpid, detail ? creator_comm(ctx, seg) : NULL, detail);
}

/* The last attacher's name, unless its pid now belongs to a process started since. */
static const char *last_comm(struct shm_ctx *ctx, const struct shm_seg *seg)
{
	int64_t when = seg->atime > seg->dtime ? seg->atime : seg->dtime;
	if (!shm_ctx_pid_alive_since(ctx, seg->lpid, when))
		return NULL;
	return shm_ctx_pid_comm(ctx, seg->lpid);
}

static void get_lpid(struct shm_ctx *ctx, const void *row, bool detail, struct cell *c)
{
	const struct shm_seg *seg = row;
	if (seg->fields & SHM_F_LPID)
		set_pid(ctx, c, seg->lpid, detail ? last_comm(ctx, seg) : NULL, detail);
}

static void get_command(struct shm_ctx *ctx, const void *row, bool detail, struct cell *c)
{
	const struct shm_seg *seg = row;
	(void)detail;
	const char *comm = (seg->fields & SHM_F_CPID) ? creator_comm(ctx, seg) : NULL;
	if (comm)
		set_str(c, comm);
}

/* The IPC namespace a row was found in (its inode): System V segments live there. */
static void get_ns(struct shm_ctx *ctx, const void *row, bool detail, struct cell *c)
{
	const struct shm_seg *seg = row;
	(void)ctx, (void)detail;
	if (seg->ipc_ns)
		set_u64(c, CELL_U64, seg->ipc_ns);
}

static void get_nspid(struct shm_ctx *ctx, const void *row, bool detail, struct cell *c)
{
	const struct shm_seg *seg = row;
	(void)ctx, (void)detail;
	if (seg->nspid > 0)
		set_u64(c, CELL_U64, (uint64_t)seg->nspid);
}

/* The container (or unit) of the row's namespace; none for our own. */
static void get_container(struct shm_ctx *ctx, const void *row, bool detail, struct cell *c)
{
	const struct shm_seg *seg = row;
	(void)detail;
	if (seg->nspid <= 0 || !seg->ipc_ns || seg->ipc_ns == shm_ctx_home_ipc_ns(ctx))
		return;
	const char *id = shm_ctx_container_of(ctx, seg->nspid);
	if (id)
		set_str(c, id);
}

static void set_id_named(struct cell *c, uint32_t id, const char *name, bool detail)
{
	set_u64(c, CELL_U64, id);
	if (detail && name) {
		snprintf(c->auxbuf, sizeof(c->auxbuf), "%s", name);
		c->aux = c->auxbuf;
	}
}

static void get_uid(struct shm_ctx *ctx, const void *row, bool detail, struct cell *c)
{
	const struct shm_seg *seg = row;
	set_id_named(c, seg->uid, detail ? shm_ctx_user_name(ctx, seg->uid) : NULL, detail);
}

static void get_gid(struct shm_ctx *ctx, const void *row, bool detail, struct cell *c)
{
	const struct shm_seg *seg = row;
	set_id_named(c, seg->gid, detail ? shm_ctx_group_name(ctx, seg->gid) : NULL, detail);
}

static void get_cuid(struct shm_ctx *ctx, const void *row, bool detail, struct cell *c)
{
	const struct shm_seg *seg = row;
	if (seg->fields & SHM_F_CREATOR)
		set_id_named(c, seg->cuid, detail ? shm_ctx_user_name(ctx, seg->cuid) : NULL,
			     detail);
}

static void get_cgid(struct shm_ctx *ctx, const void *row, bool detail, struct cell *c)
{
	const struct shm_seg *seg = row;
	if (seg->fields & SHM_F_CREATOR)
		set_id_named(c, seg->cgid, detail ? shm_ctx_group_name(ctx, seg->cgid) : NULL,
			     detail);
}

static void get_atime(struct shm_ctx *ctx, const void *row, bool detail, struct cell *c)
{
	const struct shm_seg *seg = row;
	(void)ctx, (void)detail;
	set_time(c, seg, SHM_F_ATIME, seg->atime);
}

static void get_dtime(struct shm_ctx *ctx, const void *row, bool detail, struct cell *c)
{
	const struct shm_seg *seg = row;
	(void)ctx, (void)detail;
	set_time(c, seg, SHM_F_DTIME, seg->dtime);
}

static void get_ctime(struct shm_ctx *ctx, const void *row, bool detail, struct cell *c)
{
	const struct shm_seg *seg = row;
	(void)ctx, (void)detail;
	set_time(c, seg, SHM_F_CTIME, seg->ctime);
}

static void get_mtime(struct shm_ctx *ctx, const void *row, bool detail, struct cell *c)
{
	const struct shm_seg *seg = row;
	(void)ctx, (void)detail;
	set_time(c, seg, SHM_F_MTIME, seg->mtime);
}

static void get_name(struct shm_ctx *ctx, const void *row, bool detail, struct cell *c)
{
	const struct shm_seg *seg = row;
	(void)ctx, (void)detail;
	if ((seg->kind == SHM_KIND_MEMFD || seg->kind == SHM_KIND_FILE) && seg->name)
		set_str(c, seg->name);
}

const struct column shm_columns[] = {
	{ "TYPE", "kind of object: sysv, posix, sem, memfd, anon or file", false, get_type },
	{ "NS", "the IPC namespace it was found in (inode of /proc/PID/ns/ipc)", true, get_ns },
	{ "NSPID", "the lowest pid in that namespace (--ns, -A)", true, get_nspid },
	{ "CONTAINER", "container id (12 hex digits) or systemd unit of that namespace; - for "
	  "our own", false, get_container },
	{ "ID", "System V shmid, /NAME, memfd:PID:FD, anon:PID:0xADDR or file:PID:0xADDR",
	  false, get_id },
	{ "KEY", "System V key (0x00000000 is IPC_PRIVATE)", false, get_key },
	{ "OWNER", "owner's user name", false, get_owner },
	{ "GROUP", "owner's group name", false, get_group },
	{ "PERMS", "permissions, rwxrwxrwx", false, get_perms },
	{ "MODE", "permissions in octal", true, get_mode },
	{ "SIZE", "size", true, get_size },
	{ "RSS", "resident memory", true, get_rss },
	{ "SWAP", "swapped-out memory", true, get_swap },
	{ "NATTCH", "attaches (System V), processes mapping it (POSIX) or holding it (memfd)",
	  true, get_nattch },
	{ "PIDS", "processes attached, mapping it or holding it open", false, get_pids },
	{ "STATUS", "dest (removed, still attached), locked (SHM_LOCK)", false, get_status },
	{ "CPID", "creator's process id", true, get_cpid },
	{ "LPID", "last attach/detach process id", true, get_lpid },
	{ "COMMAND", "creator's command name, while it lives", false, get_command },
	{ "UID", "owner's user id", true, get_uid },
	{ "GID", "owner's group id", true, get_gid },
	{ "CUID", "creator's user id", true, get_cuid },
	{ "CGID", "creator's group id", true, get_cgid },
	{ "ATIME", "last attach time", false, get_atime },
	{ "DTIME", "last detach time", false, get_dtime },
	{ "CTIME", "last change time", false, get_ctime },
	{ "MTIME", "last data change time (POSIX)", false, get_mtime },
	{ "ALLOC", "bytes allocated in the tmpfs (POSIX, memfd)", true, get_alloc },
	{ "NAME", "the name given to memfd_create (memfd), the file's path (file)", false,
	  get_name },
	{ NULL, NULL, false, NULL },
};

const struct column *column_find(const char *name)
{
	for (const struct column *col = shm_columns; col->name; col++)
		if (!strcasecmp(col->name, name))
			return col;
	return NULL;
}

void column_get(struct shm_ctx *ctx, const struct column *col, const void *row, bool detail,
		struct cell *cell)
{
	cell->type = CELL_NONE;
	cell->aux = NULL;
	memset(cell->nholds, 0, sizeof(cell->nholds));
	col->get(ctx, row, detail, cell);
}

static int add_columns(char *spec, const struct column ***v, size_t *n, char **bad)
{
	/* strsep, not strtok: "ID,,KEY" has an empty name in it, which is an error. */
	for (char *tok; (tok = strsep(&spec, ","));) {
		const struct column *col = tok[0] ? column_find(tok) : NULL;
		if (!col) {
			*bad = tok;
			return -ENOENT;
		}
		/* A column twice would be a key twice in a JSON object. */
		for (size_t i = 0; i < *n; i++) {
			if ((*v)[i] == col) {
				*bad = tok;
				return -EEXIST;
			}
		}
		const struct column **grown = reallocarray(*v, *n + 1, sizeof(**v));
		if (!grown)
			return -ENOMEM;
		*v = grown;
		(*v)[(*n)++] = col;
	}
	return 0;
}

int columns_parse(const char *spec, const char *defaults, const struct column ***out,
		  size_t *n, char **bad)
{
	const struct column **v = NULL;
	size_t count = 0;
	char *def = strdup(defaults);
	char *copy = strdup(spec[0] == '+' ? spec + 1 : spec);
	int r = -ENOMEM;
	*bad = NULL;
	if (!def || !copy)
		goto done;
	if (spec[0] == '+' && (r = add_columns(def, &v, &count, bad)) < 0)
		goto done;
	r = add_columns(copy, &v, &count, bad);
	if (r == 0 && count == 0) {
		*bad = copy;
		r = -ENOENT;
	}
done:
	if (*bad) {
		/* The caller prints the bad name; hand over a copy it can free. */
		*bad = strdup(*bad);
	}
	free(def);
	free(copy);
	if (r < 0) {
		free(v);
		return r;
	}
	*out = v;
	*n = count;
	return 0;
}

static int cmp_u64(uint64_t a, uint64_t b)
{
	return (a > b) - (a < b);
}

int cell_compare(const struct cell *a, const struct cell *b)
{
	/* Rows a column does not apply to sort last; unknown values just before them. */
	int ra = a->type == CELL_NONE ? 2 : a->type == CELL_UNKNOWN;
	int rb = b->type == CELL_NONE ? 2 : b->type == CELL_UNKNOWN;
	if (ra || rb)
		return (ra > rb) - (ra < rb);
	if (a->type == CELL_STR && b->type == CELL_STR)
		return strcmp(a->s, b->s);
	if (a->type == CELL_STR || b->type == CELL_STR)
		return (a->type == CELL_STR) - (b->type == CELL_STR); /* ids before /names */
	if (a->type == CELL_TIME)
		return (a->i > b->i) - (a->i < b->i);
	return cmp_u64(a->u, b->u);
}
