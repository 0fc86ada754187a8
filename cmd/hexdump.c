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

void hexdump_init(struct hexdump *h, uint64_t start,
		  int (*emit)(const char *buf, size_t len, void *arg), void *arg)
{
	h->addr = start;
	h->have_prev = h->squeezing = h->any = false;
	h->emit = emit;
	h->arg = arg;
	h->used = 0;
}

static int flush(struct hexdump *h)
{
	int r = h->used ? h->emit(h->buf, h->used, h->arg) : 0;
	h->used = 0;
	return r;
}

int hexdump_feed(struct hexdump *h, const uint8_t *data, size_t len)
{
	for (size_t i = 0; i < len; i += 16) {
		size_t n = len - i < 16 ? len - i : 16;
		bool repeat = n == 16 && h->have_prev && !memcmp(data + i, h->prev, 16);
		if (n == 16) {
			memcpy(h->prev, data + i, 16);
			h->have_prev = true;
		}
		h->any = true;
		if (h->used > sizeof(h->buf) - 128) {
			int r = flush(h);
			if (r < 0)
				return r;
		}
		if (repeat && !h->squeezing) {
			h->buf[h->used++] = '*';
			h->buf[h->used++] = '\n';
			h->squeezing = true;
		} else if (!repeat) {
			h->squeezing = false;
			h->used += format_line(h->buf + h->used, h->addr + i, data + i, n);
		}
	}
	h->addr += len;
	return 0;
}

int hexdump_end(struct hexdump *h, bool print_end)
{
	if (h->any || print_end)
		h->used += format_end(h->buf + h->used, h->addr);
	return flush(h);
}
