// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * libFuzzer target: chmod's MODE (lib/mode.c).
 *
 * The input, cut at its first NUL, goes to shm_mode_apply with an old mode
 * taken from its first bytes. Whether a MODE is accepted never depends on the
 * old mode (chmod checks it once, before looking at any segment); the result
 * is nine bits; an octal MODE reads as strtoul would; and a MODE that only
 * adds (+) or only takes away (-) never does the other.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../../lib/shm.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(const char *s, uint32_t old)
{
	uint32_t got, zero;
	int r = shm_mode_apply(s, old, &got);
	int z = shm_mode_apply(s, 0, &zero);
	if ((r == 0) != (z == 0) || (r < 0 && r != -SHM_E_BAD_NUMBER && r != -SHM_E_RANGE))
		abort();
	if (r < 0)
		return;
	if (got > 0777)
		abort();
	if (s[0] >= '0' && s[0] <= '9') {
		char *end;
		errno = 0;
		unsigned long v = strtoul(s, &end, 8);
		if (*end || errno || v != got)
			abort();
		return;
	}
	/* Only +: no bit goes; only -: no bit comes (copies and X read the old bits). */
	bool plus = strchr(s, '+'), minus = strchr(s, '-'), eq = strchr(s, '=');
	if (plus && !minus && !eq && (got & (old & 0777)) != (old & 0777))
		abort();
	if (minus && !plus && !eq && (got & ~(old & 0777)))
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = strndup((const char *)data, size);
	if (!s)
		return 0;
	uint32_t old = size >= 2 ? ((uint32_t)data[0] << 8 | data[1]) & 07777 : 0600;
	check(s, old);
	check(s, 0777);
	free(s);
	return 0;
}
