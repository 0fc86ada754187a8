// SPDX-License-Identifier: LGPL-2.1-or-later
/* The SEGMENT grammar: 123, id:123, 0xKEY, key:N, ftok:PATH:PROJ, /NAME. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

static int parse_id(const char *s, struct shm_ref *out)
{
	uint64_t v;
	int r = shm_parse_u64(s, &v);
	if (r == -SHM_E_BAD_NUMBER)
		return -SHM_E_SYNTAX;
	if (r < 0 || v > INT32_MAX)
		return -SHM_E_RANGE;
	out->kind = SHM_REF_ID;
	out->id = (int)v;
	return 0;
}

static int set_key(int64_t v, struct shm_ref *out)
{
	if (v < INT32_MIN || v > UINT32_MAX)
		return -SHM_E_RANGE;
	if (v == 0)
		return -SHM_E_PRIVATE_KEY;
	out->kind = SHM_REF_KEY;
	out->key = (int32_t)(uint32_t)v;
	return 0;
}

static int parse_key(const char *s, struct shm_ref *out)
{
	int64_t v;
	int r = shm_parse_i64_base0(s, &v);
	if (r == -SHM_E_BAD_NUMBER)
		return -SHM_E_SYNTAX;
	return r < 0 ? r : set_key(v, out);
}

static int parse_ftok(const char *s, struct shm_ref *out)
{
	const char *colon = strrchr(s, ':');
	if (!colon || colon == s)
		return -SHM_E_SYNTAX;
	unsigned proj;
	int r = shm_ftok_parse_proj(colon + 1, &proj);
	if (r < 0)
		return r;
	char *path = strndup(s, (size_t)(colon - s));
	if (!path)
		return -ENOMEM;
	int32_t key;
	r = shm_ftok(path, proj, &key, NULL, NULL);
	free(path);
	if (r == -ENOENT || r == -ENOTDIR)
		return -SHM_E_FTOK_PATH; /* not "no such segment": no key was made */
	return r < 0 ? r : set_key(key, out);
}

/* memfd:PID:FD, as ls --memfd prints a memfd's ID. */
static int parse_memfd(const char *s, struct shm_ref *out)
{
	const char *colon = strchr(s, ':');
	if (!colon)
		return -SHM_E_SYNTAX;
	char pid_text[16];
	size_t len = (size_t)(colon - s);
	if (len == 0 || len >= sizeof(pid_text))
		return -SHM_E_SYNTAX;
	memcpy(pid_text, s, len);
	pid_text[len] = '\0';
	uint64_t pid, fd;
	int r = shm_parse_u64(pid_text, &pid);
	if (r == 0)
		r = shm_parse_u64(colon + 1, &fd);
	if (r == -SHM_E_BAD_NUMBER)
		return -SHM_E_SYNTAX;
	if (r < 0 || pid == 0 || pid > INT32_MAX || fd > INT32_MAX)
		return -SHM_E_RANGE;
	out->kind = SHM_REF_MEMFD;
	out->pid = (pid_t)pid;
	out->fd = (int)fd;
	return 0;
}

/* anon:PID:0xADDR and file:PID:0xADDR, as ls --anon and --files print them. */
static int parse_mapping(const char *s, enum shm_ref_kind kind, struct shm_ref *out)
{
	const char *colon = strchr(s, ':');
	char pid_text[16];
	size_t len = colon ? (size_t)(colon - s) : 0;
	if (!colon || len == 0 || len >= sizeof(pid_text) || strncmp(colon + 1, "0x", 2))
		return -SHM_E_SYNTAX;
	memcpy(pid_text, s, len);
	pid_text[len] = '\0';
	uint64_t pid;
	int r = shm_parse_u64(pid_text, &pid);
	const char *hex = colon + 3;
	size_t digits = strspn(hex, "0123456789abcdefABCDEF");
	if (r == 0 && (digits == 0 || hex[digits]))
		r = -SHM_E_SYNTAX;
	if (r == 0) {
		errno = 0;
		out->addr = strtoull(hex, NULL, 16);
		if (errno)
			r = -SHM_E_RANGE;
	}
	if (r == -SHM_E_BAD_NUMBER)
		return -SHM_E_SYNTAX;
	if (r < 0)
		return r;
	if (pid == 0 || pid > INT32_MAX)
		return -SHM_E_RANGE;
	out->kind = kind;
	out->pid = (pid_t)pid;
	return 0;
}

int shm_ref_parse(const char *text, struct shm_ref *out)
{
	memset(out, 0, sizeof(*out));
	if (text[0] == '/') {
		int r = shm_posix_check_name(text + 1);
		if (r < 0)
			return r;
		out->kind = SHM_REF_POSIX;
		memcpy(out->name, text + 1, strlen(text + 1) + 1);
		return 0;
	}
	if (!strncmp(text, "id:", 3))
		return parse_id(text + 3, out);
	if (!strncmp(text, "key:", 4))
		return parse_key(text + 4, out);
	if (!strncmp(text, "ftok:", 5))
		return parse_ftok(text + 5, out);
	if (!strncmp(text, "memfd:", 6))
		return parse_memfd(text + 6, out);
	if (!strncmp(text, "anon:", 5))
		return parse_mapping(text + 5, SHM_REF_ANON, out);
	if (!strncmp(text, "file:", 5))
		return parse_mapping(text + 5, SHM_REF_FILE, out);
	if (text[0] == '0' && (text[1] == 'x' || text[1] == 'X'))
		return parse_key(text, out);
	return parse_id(text, out);
}

int shm_ref_stat(struct shm_ctx *ctx, const struct shm_ref *ref, struct shm_seg *out)
{
	switch (ref->kind) {
	case SHM_REF_ID:
		return shm_sysv_stat(ctx, ref->id, out);
	case SHM_REF_KEY:
		return shm_sysv_stat_key(ctx, ref->key, out);
	case SHM_REF_POSIX:
		return shm_posix_stat(ctx, ref->name, out);
	case SHM_REF_MEMFD:
		return shm_memfd_stat(ctx, ref->pid, ref->fd, out);
	case SHM_REF_ANON:
		return shm_mapping_stat(ctx, SHM_KIND_ANON, ref->pid, ref->addr, out);
	case SHM_REF_FILE:
		return shm_mapping_stat(ctx, SHM_KIND_FILE, ref->pid, ref->addr, out);
	}
	return -EINVAL;
}
