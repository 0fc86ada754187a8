// SPDX-License-Identifier: GPL-2.0-or-later
/* `hexdump -C`, byte for byte: 16 bytes a line, repeats squeezed to "*". */
#include <string.h>

#include "hexdump.h"

static const char hex[] = "0123456789abcdef";

/* At least 8 hex digits, more only when the address needs them, as hexdump does. */
static char *put_address(char *p, uint64_t off)
{
	int digits = 8;
	while (digits < 16 && (off >> (4 * digits)))
		digits++;
	for (int i = digits - 1; i >= 0; i--)
		*p++ = hex[(off >> (4 * i)) & 15];
	return p;
}

static size_t format_line(char *out, uint64_t off, const uint8_t *b, size_t n)
{
	char *p = put_address(out, off);
	*p++ = ' ';
	*p++ = ' ';
	for (size_t i = 0; i < 16; i++) {
		if (i < n) {
			*p++ = hex[b[i] >> 4];
			*p++ = hex[b[i] & 15];
			*p++ = ' ';
		} else {
			memcpy(p, "   ", 3);
			p += 3;
		}
		if (i == 7)
			*p++ = ' ';
	}
	*p++ = ' ';
	*p++ = '|';
	for (size_t i = 0; i < n; i++)
		*p++ = b[i] >= 0x20 && b[i] < 0x7f ? (char)b[i] : '.';
	*p++ = '|';
	*p++ = '\n';
	return (size_t)(p - out);
}

static size_t format_end(char *out, uint64_t off)
{
	char *p = put_address(out, off);
	*p++ = '\n';
	return (size_t)(p - out);
}

int hexdump_c(const uint8_t *data, size_t len, uint64_t start, bool print_end,
	      int (*emit)(const char *buf, size_t len, void *arg), void *arg)
{
	char buf[64 * 1024];
	size_t used = 0;
	bool squeezing = false;
	for (size_t i = 0; i < len; i += 16) {
		size_t n = len - i < 16 ? len - i : 16;
		bool repeat = n == 16 && i >= 16 && !memcmp(data + i, data + i - 16, 16);
		if (repeat && squeezing)
			continue;
		if (used > sizeof(buf) - 128) {
			int r = emit(buf, used, arg);
			if (r < 0)
				return r;
			used = 0;
		}
		if (repeat) {
			buf[used++] = '*';
			buf[used++] = '\n';
			squeezing = true;
			continue;
		}
		squeezing = false;
		used += format_line(buf + used, start + i, data + i, n);
	}
	if (len > 0 || print_end)
		used += format_end(buf + used, start + len);
	return used ? emit(buf, used, arg) : 0;
}
