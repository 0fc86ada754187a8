// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Where a command acts: an IPC namespace (setns) and a shm directory, both of
 * one process. The directory is resolved inside that process's root with
 * openat2(RESOLVE_IN_ROOT): a container's symlinks never lead to a host file.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "internal.h"

static int sys_openat2(int dfd, const char *path, struct open_how *how)
{
	long r = syscall(SYS_openat2, dfd, path, how, sizeof(*how));
	return r < 0 ? -errno : (int)r;
}

/* The shm directory as @pid sees it: an O_PATH fd, -SHM_E_NO_DIR, or -errno. */
static int open_shm_dir_of(struct shm_ctx *ctx, pid_t pid)
{
	char path[PATH_MAX];
	snprintf(path, sizeof(path), "%s/%d/root", shm_ctx_proc_root(ctx), (int)pid);
	int root = open(path, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (root < 0)
		return errno == ENOENT ? -ESRCH : -errno;
	struct open_how how = {
		.flags = O_PATH | O_DIRECTORY | O_CLOEXEC,
		.resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS,
	};
	/* "dev/shm" under the root, every symlink on the way taken as the root sees it. */
	int fd = sys_openat2(root, "dev/shm", &how);
	if (fd >= 0 && (fd = shm_keep_fd(fd)) < 0)
		fd = -errno;
	close(root);
	if (fd == -ENOENT || fd == -ENOTDIR)
		return -SHM_E_NO_DIR;
	return fd;
}

int shm_ctx_enter(struct shm_ctx *ctx, pid_t pid)
{
	char path[PATH_MAX];
	snprintf(path, sizeof(path), "%s/%d/ns/ipc", shm_ctx_proc_root(ctx), (int)pid);
	int ns = open(path, O_RDONLY | O_CLOEXEC);
	if (ns < 0)
		return errno == ENOENT ? -ESRCH : errno == EACCES ? -EPERM : -errno;
	int r = shm_ctx_save_home(ctx);
	if (r == 0 && setns(ns, CLONE_NEWIPC) < 0)
		r = -errno;
	struct stat st;
	if (r == 0 && fstat(ns, &st) < 0)
		r = -errno;
	close(ns);
	if (r < 0)
		return r;
	int dir = open_shm_dir_of(ctx, pid);
	if (dir < 0 && dir != -SHM_E_NO_DIR) {
		shm_ctx_leave(ctx);
		return dir;
	}
	snprintf(path, sizeof(path), "%s/%d/root/dev/shm", shm_ctx_proc_root(ctx), (int)pid);
	return shm_ctx_set_scope(ctx, pid, st.st_ino, dir, path);
}

static int by_ns(const void *a, const void *b)
{
	const struct shm_scope *x = a, *y = b;
	return (x->ipc_ns > y->ipc_ns) - (x->ipc_ns < y->ipc_ns);
}

int shm_scopes(struct shm_ctx *ctx, struct shm_scope **out, size_t *n)
{
	DIR *dir = opendir(shm_ctx_proc_root(ctx));
	if (!dir)
		return -errno;
	struct shm_scope *v = NULL;
	size_t count = 0, cap = 0;
	uint64_t home = shm_ctx_home_ipc_ns(ctx);
	int r = 0;
	struct dirent *de;
	while ((de = readdir(dir))) {
		char *end;
		long pid = strtol(de->d_name, &end, 10);
		if (*end || pid <= 0)
			continue;
		uint64_t ns = shm_proc_ipc_ns(shm_ctx_proc_root(ctx), de->d_name);
		if (!ns)
			continue; /* gone, or not ours to see */
		size_t i = 0;
		while (i < count && v[i].ipc_ns != ns)
			i++;
		if (i < count) {
			if (pid < v[i].pid)
				v[i].pid = (pid_t)pid;
			continue;
		}
		if (count == cap) {
			cap = cap ? cap * 2 : 16;
			struct shm_scope *nv = reallocarray(v, cap, sizeof(*v));
			if (!nv) {
				r = -ENOMEM;
				break;
			}
			v = nv;
		}
		v[count++] = (struct shm_scope){ .ipc_ns = ns, .pid = (pid_t)pid, .home = ns == home };
	}
	closedir(dir);
	if (r < 0) {
		free(v);
		return r;
	}
	if (count > 1)
		qsort(v, count, sizeof(*v), by_ns);
	/* Our own namespace first: the host's objects, then the containers'. */
	for (size_t i = 0; i < count; i++)
		if (v[i].home && i > 0) {
			struct shm_scope t = v[i];
			memmove(v + 1, v, i * sizeof(*v));
			v[0] = t;
		}
	*out = v;
	*n = count;
	return 0;
}

int shm_ctx_container(struct shm_ctx *ctx, pid_t pid, char *out, size_t size)
{
	char path[PATH_MAX], buf[4096];
	snprintf(path, sizeof(path), "%s/%d/cgroup", shm_ctx_proc_root(ctx), (int)pid);
	ssize_t n = shm_read_small(path, buf, sizeof(buf));
	return n < 0 ? (int)n : shm_container_id(buf, out, size);
}
