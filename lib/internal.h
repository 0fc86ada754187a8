/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* What the library's files share and the tool never sees. */
#ifndef SHM_INTERNAL_H
#define SHM_INTERNAL_H

#include <limits.h>

#include "shm.h"

ssize_t shm_read_small(const char *path, char *buf, size_t size);
int shm_parse_i64_base0(const char *text, int64_t *out);

#endif
