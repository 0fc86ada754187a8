// SPDX-License-Identifier: LGPL-2.1-or-later
/* ftok(3), computed here so --explain can show how the key is made. */
#include <errno.h>
#include <sys/stat.h>

#include "internal.h"

int shm_ftok_parse_proj(const char *text, unsigned *out)
{
	if (text[0] && !text[1] && (text[0] < '0' || text[0] > '9')) {
		*out = (unsigned char)text[0];
		return 0;
	}
	int64_t v;
	int r = shm_parse_i64_base0(text, &v);
	if (r == -SHM_E_BAD_NUMBER)
		return -SHM_E_BAD_PROJ;
	if (r < 0 || v < 1 || v > 255)
		return -SHM_E_BAD_PROJ;
	*out = (unsigned)v;
	return 0;
}

int32_t shm_ftok_compose(dev_t dev, ino_t ino, unsigned proj)
{
	/* glibc: low 16 bits of the inode, low 8 of the device, low 8 of proj. */
	uint32_t key = ((uint32_t)ino & 0xffff) | (((uint32_t)dev & 0xff) << 16) |
		       ((proj & 0xffu) << 24);
	return (int32_t)key;
}

int shm_ftok(const char *path, unsigned proj, int32_t *key, dev_t *dev, ino_t *ino)
{
	struct stat st;
	if (stat(path, &st) < 0)
		return -errno;
	*key = shm_ftok_compose(st.st_dev, st.st_ino, proj);
	if (dev)
		*dev = st.st_dev;
	if (ino)
		*ino = st.st_ino;
	return 0;
}
