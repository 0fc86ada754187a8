// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * libFuzzer target: the SEGMENT grammar (lib/segref.c) and POSIX names
 * (shm_posix_check_name in lib/posix.c).
 *
 * The input, cut at its first NUL, is one SEGMENT argument. ftok:PATH:PROJ
 * stats PATH (harmless: nothing is opened or created). Besides the sanitizers,
 * each accepted form is checked against an independent reading of it: strtoull
 * for ids, strtoll(base 0) for keys, ftok(3) for ftok forms.
 */
#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ipc.h>

#include "../../lib/shm.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static bool all_digits(const char *s)
{
	if (!*s)
		return false;
	for (; *s; s++)
		if (*s < '0' || *s > '9')
			return false;
	return true;
}

/* What shm_posix_check_name should say, from the contract. */
static bool name_ok(const char *s)
{
	size_t len = strlen(s);
	return len >= 1 && len <= NAME_MAX && !strchr(s, '/') && strcmp(s, ".") && strcmp(s, "..");
}

static void check_id(const char *digits, const struct shm_ref *ref)
{
	if (!all_digits(digits))
		abort();
	errno = 0;
	unsigned long long v = strtoull(digits, NULL, 10);
	if (errno || v > INT32_MAX || ref->id != (int)v)
		abort();
}

static void check_key(const char *text, const struct shm_ref *ref)
{
	/* strtoll reads C notation too, but also spaces and a bare "0x": success only. */
	if (!*text || *text == ' ' || (*text >= '\t' && *text <= '\r'))
		abort();
	char *end;
	errno = 0;
	long long v = strtoll(text, &end, 0);
	if (errno || *end || v == 0 || v < INT32_MIN || v > (long long)UINT32_MAX)
		abort();
	if (ref->key != (int32_t)(uint32_t)v)
		abort();
}

static void check_ftok(const char *s, const struct shm_ref *ref)
{
	const char *colon = strrchr(s, ':');
	if (!colon || colon == s || !colon[1])
		abort();
	char *path = strndup(s, (size_t)(colon - s));
	if (!path)
		abort();
	unsigned proj;
	if (shm_ftok_parse_proj(colon + 1, &proj) != 0 || proj < 1 || proj > 255)
		abort();
	key_t key = ftok(path, (int)proj);
	free(path);
	/* The path may have gone since; otherwise glibc must agree. */
	if (key != (key_t)-1 && (key != ref->key || key == 0))
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* A C string: the input up to its first NUL, as every caller would pass it. */
	char *s = strndup((const char *)data, size);
	if (!s)
		return 0;

	int r = shm_posix_check_name(s);
	if ((r == 0) != name_ok(s) || (r != 0 && r != -SHM_E_BAD_NAME))
		abort();

	struct shm_ref ref;
	r = shm_ref_parse(s, &ref);
	bool ftok_form = !strncmp(s, "ftok:", 5);
	if (r > 0)
		abort();
	if (r < 0) {
		switch (-r) {
		case SHM_E_SYNTAX:
		case SHM_E_PRIVATE_KEY:
		case SHM_E_BAD_NAME:
		case SHM_E_RANGE:
		case ENOMEM:
			break;
		case SHM_E_BAD_PROJ:
		case SHM_E_FTOK_PATH:
			if (!ftok_form)
				abort();
			break;
		default:
			/* Other errno values come only from stat(2) of an ftok PATH. */
			if (!ftok_form || -r >= SHM_E_SYNTAX)
				abort();
		}
		free(s);
		return 0;
	}

	switch (ref.kind) {
	case SHM_REF_POSIX:
		if (s[0] != '/' || strcmp(ref.name, s + 1) || !name_ok(ref.name))
			abort();
		break;
	case SHM_REF_ID:
		check_id(!strncmp(s, "id:", 3) ? s + 3 : s, &ref);
		if (ref.id < 0)
			abort();
		break;
	case SHM_REF_KEY:
		if (ref.key == 0)
			abort();
		if (ftok_form)
			check_ftok(s + 5, &ref);
		else if (!strncmp(s, "key:", 4))
			check_key(s + 4, &ref);
		else if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X'))
			check_key(s, &ref);
		else
			abort();
		break;
	case SHM_REF_MEMFD:
		if (strncmp(s, "memfd:", 6) || ref.pid <= 0 || ref.fd < 0)
			abort();
		break;
	case SHM_REF_ANON:
	case SHM_REF_FILE: {
		/* anon:PID:0xHEX, and the address is the hex digits' value */
		const char *p = strchr(s + 5, ':');
		if (strncmp(s, ref.kind == SHM_REF_ANON ? "anon:" : "file:", 5) || ref.pid <= 0 ||
		    !p || strncmp(p + 1, "0x", 2) || strtoull(p + 3, NULL, 16) != ref.addr)
			abort();
		break;
	}
	default:
		abort();
	}
	free(s);
	return 0;
}
