// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * A container's short id from a process's /proc/PID/cgroup text. Depends on
 * nothing else of the library, so a test can compile it alone.
 */
#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "shm.h"

static bool is_hex(const char *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!((p[i] >= '0' && p[i] <= '9') || (p[i] >= 'a' && p[i] <= 'f')))
			return false;
	return true;
}

/* The last run of exactly 64 hex digits in @path: a container id. */
static const char *container_hex(const char *path)
{
	const char *found = NULL;
	for (const char *p = path; *p; p++) {
		if (!is_hex(p, 1) || (p > path && is_hex(p - 1, 1)))
			continue;
		size_t len = 0;
		while (is_hex(p + len, 1))
			len++;
		if (len == 64)
			found = p;
		p += len - 1;
	}
	return found;
}

/* The systemd unit a cgroup path ends in (its last .service or .scope), or NULL. */
static const char *unit_of(char *path)
{
	const char *unit = NULL;
	char *save;
	for (char *p = strtok_r(path, "/", &save); p; p = strtok_r(NULL, "/", &save)) {
		size_t n = strlen(p);
		if ((n > 8 && !strcmp(p + n - 8, ".service")) || (n > 6 && !strcmp(p + n - 6, ".scope")))
			unit = p;
	}
	return unit;
}

int shm_container_id(const char *cgroup, char *out, size_t size)
{
	/*
	 * Lines "ID:CONTROLLERS:PATH". A container id on any line wins (a v1
	 * hierarchy may carry it while the unified one says "/"); else the unit
	 * of the unified line (0::), or of the first.
	 */
	char unit_path[PATH_MAX] = "";
	bool unified = false;
	for (const char *line = cgroup; *line;) {
		const char *nl = strchr(line, '\n');
		size_t len = nl ? (size_t)(nl - line) : strlen(line);
		const char *c1 = memchr(line, ':', len);
		const char *c2 = c1 ? memchr(c1 + 1, ':', len - (size_t)(c1 + 1 - line)) : NULL;
		if (c2) {
			char path[PATH_MAX];
			snprintf(path, sizeof(path), "%.*s", (int)(len - (size_t)(c2 + 1 - line)), c2 + 1);
			const char *hex = container_hex(path);
			if (hex) {
				snprintf(out, size, "%.12s", hex);
				return 0;
			}
			bool is_unified = !strncmp(line, "0::", 3);
			if (!unit_path[0] || (is_unified && !unified)) {
				snprintf(unit_path, sizeof(unit_path), "%s", path);
				unified = is_unified;
			}
		}
		line += len + (nl ? 1 : 0);
	}
	const char *unit = unit_path[0] ? unit_of(unit_path) : NULL;
	if (!unit || size < 2)
		return -ENOENT;
	snprintf(out, size, "%s", unit);
	return 0;
}
