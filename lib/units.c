// SPDX-License-Identifier: LGPL-2.1-or-later
/* Numbers from users: every one overflow-checked, none through strtol's wraps. */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "internal.h"

/* Digits in @base from @s; stops at the first non-digit, reported in @end. */
static int parse_digits(const char *s, unsigned base, uint64_t *out, const char **end)
{
	uint64_t v = 0;
	const char *p = s;
	for (;; p++) {
		unsigned d;
		if (*p >= '0' && *p <= '9')
			d = (unsigned)(*p - '0');
		else if (base == 16 && *p >= 'a' && *p <= 'f')
			d = (unsigned)(*p - 'a' + 10);
		else if (base == 16 && *p >= 'A' && *p <= 'F')
			d = (unsigned)(*p - 'A' + 10);
		else
			break;
		if (d >= base)
			return -SHM_E_BAD_NUMBER;
		if (v > (UINT64_MAX - d) / base)
			return -SHM_E_RANGE;
		v = v * base + d;
	}
	if (p == s)
		return -SHM_E_BAD_NUMBER;
	*out = v;
	*end = p;
	return 0;
}

int shm_parse_u64(const char *text, uint64_t *out)
{
	const char *end;
	int r = parse_digits(text, 10, out, &end);
	if (r < 0)
		return r;
	return *end ? -SHM_E_BAD_NUMBER : 0;
}

/* C notation, as strtoll with base 0 reads it, but strict and overflow-checked. */
int shm_parse_i64_base0(const char *text, int64_t *out)
{
	const char *s = text;
	bool neg = *s == '-';
	if (*s == '-' || *s == '+')
		s++;
	unsigned base = 10;
	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		base = 16;
		s += 2;
	} else if (s[0] == '0' && s[1]) {
		base = 8;
		s++;
	}
	uint64_t v;
	const char *end;
	int r = parse_digits(s, base, &v, &end);
	if (r < 0)
		return r;
	if (*end)
		return -SHM_E_BAD_NUMBER;
	if (v > (uint64_t)INT64_MAX + neg)
		return -SHM_E_RANGE;
	*out = neg ? (int64_t)(0 - v) : (int64_t)v;
	return 0;
}

struct unit {
	const char *name;
	uint64_t factor;
};

static int scale(uint64_t v, const char *suffix, const struct unit *units, uint64_t *out)
{
	for (const struct unit *u = units; u->name; u++) {
		if (strcmp(suffix, u->name))
			continue;
		if (v > UINT64_MAX / u->factor)
			return -SHM_E_RANGE;
		*out = v * u->factor;
		return 0;
	}
	return -SHM_E_BAD_NUMBER;
}

int shm_parse_size(const char *text, uint64_t *out)
{
	static const struct unit units[] = {
		{ "", 1 }, { "B", 1 },
		{ "K", 1ull << 10 }, { "M", 1ull << 20 }, { "G", 1ull << 30 }, { "T", 1ull << 40 },
		{ "KiB", 1ull << 10 }, { "MiB", 1ull << 20 }, { "GiB", 1ull << 30 },
		{ "TiB", 1ull << 40 },
		{ "KB", 1000ull }, { "MB", 1000000ull }, { "GB", 1000000000ull },
		{ "TB", 1000000000000ull },
		{ NULL, 0 },
	};
	uint64_t v;
	const char *end;
	int r = parse_digits(text, 10, &v, &end);
	return r < 0 ? r : scale(v, end, units, out);
}

int shm_parse_duration(const char *text, uint64_t *seconds)
{
	static const struct unit units[] = {
		{ "", 1 }, { "s", 1 }, { "m", 60 }, { "h", 3600 }, { "d", 86400 },
		{ "w", 604800 }, { NULL, 0 },
	};
	uint64_t v;
	const char *end;
	int r = parse_digits(text, 10, &v, &end);
	if (r < 0)
		return r;
	r = scale(v, end, units, seconds);
	/* Durations are compared with signed times: keep them in range. */
	if (r == 0 && *seconds > (uint64_t)INT64_MAX)
		return -SHM_E_RANGE;
	return r;
}

/* Decimal digits of @v at @p; returns the end. */
static char *put_digits(char *p, uint64_t v)
{
	char tmp[24];
	int n = 0;
	do {
		tmp[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	while (n)
		*p++ = tmp[--n];
	return p;
}

char *shm_format_size(uint64_t bytes, char buf[static 16])
{
	static const char units[] = "BKMGTPE";
	int exp = 0;
	uint64_t whole = bytes, tenths = 0;
	if (bytes >= 1024) {
		while (whole >= 1024 && exp < 6) {
			whole >>= 10;
			exp++;
		}
		/* One decimal, rounded, dropped when it is zero: 4K, 1.5M. */
		uint64_t unit = 1ull << (10 * exp);
		uint64_t rem = bytes - whole * unit;
		tenths = (uint64_t)(((unsigned __int128)rem * 10 + unit / 2) / unit);
		if (tenths >= 10) {
			whole++;
			tenths = 0;
		}
		if (whole >= 1024 && exp < 6) {
			whole = 1;
			tenths = 0;
			exp++;
		}
	}
	/* By hand, not snprintf: ls formats one per row, and it shows. */
	char *p = put_digits(buf, whole);
	if (tenths) {
		*p++ = '.';
		*p++ = (char)('0' + tenths);
	}
	*p++ = units[exp];
	*p = '\0';
	return buf;
}

uint64_t shm_add_sat(uint64_t a, uint64_t b)
{
	return a > UINT64_MAX - b ? UINT64_MAX : a + b;
}
