// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * libFuzzer target: numbers from users (lib/units.c, lib/ftok.c).
 *
 * The input, cut at its first NUL, goes to shm_parse_size, shm_parse_duration,
 * shm_parse_u64 and shm_ftok_parse_proj, each compared with a plain reading of
 * its grammar (digits by strtoull, then a suffix from the table in the man
 * page); the first 8 bytes, as a uint64, go to shm_format_size, whose text must
 * be short, well formed, and within half a displayed decimal of the value.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../../lib/shm.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct unit {
	const char *name;
	uint64_t factor;
};

static const struct unit size_units[] = {
	{ "", 1 }, { "B", 1 },
	{ "K", 1ull << 10 }, { "M", 1ull << 20 }, { "G", 1ull << 30 }, { "T", 1ull << 40 },
	{ "KiB", 1ull << 10 }, { "MiB", 1ull << 20 }, { "GiB", 1ull << 30 }, { "TiB", 1ull << 40 },
	{ "KB", 1000ull }, { "MB", 1000000ull }, { "GB", 1000000000ull },
	{ "TB", 1000000000000ull },
	{ NULL, 0 },
};

static const struct unit duration_units[] = {
	{ "", 1 }, { "s", 1 }, { "m", 60 }, { "h", 3600 }, { "d", 86400 }, { "w", 604800 },
	{ NULL, 0 },
};

/*
 * DIGITS SUFFIX: 0 and the value, or -1 when it is no such text (or overflows).
 * Digits only: no sign, no space, no decimal point.
 */
static int expect_scaled(const char *s, const struct unit *units, uint64_t max, uint64_t *out)
{
	size_t n = strspn(s, "0123456789");
	if (n == 0)
		return -1;
	const struct unit *u = units;
	while (u->name && strcmp(u->name, s + n))
		u++;
	if (!u->name)
		return -1;
	char *digits = strndup(s, n);
	if (!digits)
		abort();
	errno = 0;
	unsigned long long v = strtoull(digits, NULL, 10);
	int overflow = errno == ERANGE;
	free(digits);
	uint64_t scaled;
	if (overflow || __builtin_mul_overflow((uint64_t)v, u->factor, &scaled) || scaled > max)
		return -1;
	*out = scaled;
	return 0;
}

static void check_parsers(const char *s)
{
	uint64_t got, want;
	int r = shm_parse_size(s, &got);
	int w = expect_scaled(s, size_units, UINT64_MAX, &want);
	if ((r == 0) != (w == 0) || (r == 0 && got != want) ||
	    (r < 0 && r != -SHM_E_BAD_NUMBER && r != -SHM_E_RANGE))
		abort();

	r = shm_parse_duration(s, &got);
	w = expect_scaled(s, duration_units, INT64_MAX, &want);
	if ((r == 0) != (w == 0) || (r == 0 && got != want) ||
	    (r < 0 && r != -SHM_E_BAD_NUMBER && r != -SHM_E_RANGE))
		abort();

	r = shm_parse_u64(s, &got);
	w = expect_scaled(s, (const struct unit[]){ { "", 1 }, { NULL, 0 } }, UINT64_MAX, &want);
	if ((r == 0) != (w == 0) || (r == 0 && got != want) ||
	    (r < 0 && r != -SHM_E_BAD_NUMBER && r != -SHM_E_RANGE))
		abort();

	/* PROJ: one non-digit character, or 1..255 in C notation. */
	unsigned proj;
	r = shm_ftok_parse_proj(s, &proj);
	if (r < 0 && r != -SHM_E_BAD_PROJ)
		abort();
	if (r == 0) {
		if (proj < 1 || proj > 255)
			abort();
		if (s[0] && !s[1] && (s[0] < '0' || s[0] > '9')) {
			if (proj != (unsigned char)s[0])
				abort();
		} else {
			char *end;
			errno = 0;
			long long v = strtoll(s, &end, 0);
			if (errno || *end || v != (long long)proj || s[0] == ' ' ||
			    (s[0] >= '\t' && s[0] <= '\r'))
				abort();
		}
	}
}

static void check_format(uint64_t bytes)
{
	static const char letters[] = "BKMGTPE";
	char buf[16];
	memset(buf, 0x55, sizeof(buf));
	const char *text = shm_format_size(bytes, buf);
	if (text != buf)
		abort();
	/* shm.h: at most 8 bytes plus NUL (the buffer holds 16). */
	size_t len = strnlen(buf, sizeof(buf));
	if (len == sizeof(buf) || len > 8 || len < 2)
		abort();

	/* WHOLE[.D]U: WHOLE without leading zeros, D 1..9, U in BKMGTPE. */
	const char *unit = strchr(letters, buf[len - 1]);
	if (!unit || !buf[len - 1])
		abort();
	int exp = (int)(unit - letters);
	size_t nd = strspn(buf, "0123456789");
	if (nd == 0 || (nd > 1 && buf[0] == '0'))
		abort();
	unsigned tenths = 0;
	if (nd + 1 != len) {
		if (nd + 3 != len || buf[nd] != '.' || buf[nd + 1] < '1' || buf[nd + 1] > '9' ||
		    exp == 0)
			abort();
		tenths = (unsigned)(buf[nd + 1] - '0');
	}
	uint64_t whole = strtoull(buf, NULL, 10);
	if (exp > 0 && (whole < 1 || whole > 1023))
		abort();
	if (exp == 0 && whole != bytes)
		abort();

	/* |bytes - (whole + tenths/10) * unit| <= unit / 20, in tenths of the unit. */
	unsigned __int128 u = (unsigned __int128)1 << (10 * exp);
	__int128 shown = (__int128)(whole * 10 + tenths) * (__int128)u;
	__int128 diff = (__int128)bytes * 10 - shown;
	if (diff < 0)
		diff = -diff;
	if (diff * 2 > (__int128)u)
		abort();

	/* Without a decimal, a unit parse_size knows reads back to what is shown. */
	if (!tenths && exp <= 4) {
		uint64_t back;
		if (shm_parse_size(buf, &back) != 0 || back != whole << (10 * exp))
			abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* A C string: the input up to its first NUL, as every caller would pass it. */
	char *s = strndup((const char *)data, size);
	if (!s)
		return 0;
	check_parsers(s);
	free(s);

	uint64_t v = 0;
	memcpy(&v, data, size < sizeof(v) ? size : sizeof(v));
	check_format(v);
	return 0;
}
