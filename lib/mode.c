// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * chmod(1)'s MODE for shared memory: octal (640) or symbolic (u=rw,g+r,o-rwx,
 * g=u). Only the nine permission bits exist for a System V segment, so only
 * they are accepted; setuid, setgid and sticky bits (4755, u+s, +t) are refused.
 */
#include <string.h>

#include "internal.h"

static int parse_octal(const char *text, uint32_t *out)
{
	uint32_t v = 0;
	for (const char *p = text; *p; p++) {
		if (*p < '0' || *p > '7')
			return -SHM_E_BAD_NUMBER;
		v = v * 8 + (uint32_t)(*p - '0');
		if (v > 0777)
			return -SHM_E_RANGE; /* stops long before the digits could wrap */
	}
	*out = v;
	return 0;
}

static uint32_t who_bits(char c)
{
	switch (c) {
	case 'u': return 0700;
	case 'g': return 0070;
	case 'o': return 0007;
	case 'a': return 0777;
	}
	return 0;
}

/* The bits one action names: letters rwxX, or a copy of u, g or o (g=u). */
static int action_bits(const char **p, uint32_t cur, uint32_t *bits)
{
	const char *s = *p;
	*bits = 0;
	if (*s == 'u' || *s == 'g' || *s == 'o') {
		uint32_t shift = *s == 'u' ? 6 : *s == 'g' ? 3 : 0;
		*bits = ((cur >> shift) & 7) * 0111;
		*p = s + 1;
		return 0;
	}
	for (; *s && *s != ',' && *s != '+' && *s != '-' && *s != '='; s++) {
		switch (*s) {
		case 'r': *bits |= 0444; break;
		case 'w': *bits |= 0222; break;
		case 'x': *bits |= 0111; break;
		case 'X': *bits |= (cur & 0111) ? 0111 : 0; break; /* no directories here */
		case 's':
		case 't': return -SHM_E_RANGE;
		default: return -SHM_E_BAD_NUMBER;
		}
	}
	*p = s;
	return 0;
}

/* One clause, [ugoa]*([-+=]PERMS)+, applied to *cur. */
static int apply_clause(const char **p, uint32_t *cur)
{
	const char *s = *p;
	uint32_t who = 0;
	for (; *s && strchr("ugoa", *s); s++)
		who |= who_bits(*s);
	if (!who)
		who = 0777; /* as 'a'; no umask is consulted, as for create -m */
	if (*s != '+' && *s != '-' && *s != '=')
		return -SHM_E_BAD_NUMBER;
	while (*s == '+' || *s == '-' || *s == '=') {
		char op = *s++;
		uint32_t bits;
		int r = action_bits(&s, *cur, &bits);
		if (r < 0)
			return r;
		bits &= who;
		if (op == '+')
			*cur |= bits;
		else if (op == '-')
			*cur &= ~bits;
		else
			*cur = (*cur & ~who) | bits;
	}
	*p = s;
	return 0;
}

int shm_mode_apply(const char *text, uint32_t old, uint32_t *out)
{
	if (!text[0])
		return -SHM_E_BAD_NUMBER;
	if (text[0] >= '0' && text[0] <= '9')
		return parse_octal(text, out);
	uint32_t cur = old & 0777;
	const char *p = text;
	for (;;) {
		int r = apply_clause(&p, &cur);
		if (r < 0)
			return r;
		if (!*p)
			break;
		if (*p != ',' || !p[1])
			return -SHM_E_BAD_NUMBER;
		p++;
	}
	*out = cur;
	return 0;
}
