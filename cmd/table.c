// SPDX-License-Identifier: GPL-2.0-or-later
/* The aligned table: widths from every cell, then lines through one buffer. */
#include <stdlib.h>
#include <string.h>

#include "out-impl.h"

size_t out_display_width(const char *s)
{
	size_t w = 0;
	for (; *s; s++)
		w += ((unsigned char)*s & 0xc0) != 0x80;
	return w;
}

/* Table lines go out through one big buffer: per-field stdio calls cost more than the rest. */
struct line_buf {
	FILE *f;
	size_t len;
	char data[64 * 1024];
};

static void lb_flush(struct line_buf *lb)
{
	fwrite(lb->data, 1, lb->len, lb->f);
	lb->len = 0;
}

static void lb_put(struct line_buf *lb, const char *s, size_t n)
{
	if (lb->len + n > sizeof(lb->data)) {
		lb_flush(lb);
		if (n > sizeof(lb->data)) {
			fwrite(s, 1, n, lb->f);
			return;
		}
	}
	memcpy(lb->data + lb->len, s, n);
	lb->len += n;
}

static void lb_pad(struct line_buf *lb, size_t n)
{
	static const char spaces[] = "                                ";
	while (n) {
		size_t k = n < sizeof(spaces) - 1 ? n : sizeof(spaces) - 1;
		lb_put(lb, spaces, k);
		n -= k;
	}
}

static void print_field(struct out *o, struct line_buf *lb, size_t i, const char *text,
			size_t len)
{
	size_t w = out_display_width(text);
	if (i)
		lb_put(lb, " ", 1);
	if (o->cols[i]->right)
		lb_pad(lb, o->width[i] - w);
	lb_put(lb, text, len);
	if (!o->cols[i]->right && i + 1 < o->ncols)
		lb_pad(lb, o->width[i] - w);
}

void out_print_table(struct out *o)
{
	struct line_buf *lb = malloc(sizeof(*lb));
	if (!lb) {
		o->oom = true;
		return;
	}
	lb->f = o->f;
	lb->len = 0;
	if (o->headings) {
		for (size_t i = 0; i < o->ncols; i++)
			if (strlen(o->cols[i]->name) > o->width[i])
				o->width[i] = strlen(o->cols[i]->name);
		for (size_t i = 0; i < o->ncols; i++)
			print_field(o, lb, i, o->cols[i]->name, strlen(o->cols[i]->name));
		lb_put(lb, "\n", 1);
	}
	const char *p = o->arena;
	for (size_t r = 0; r < o->rows; r++) {
		for (size_t i = 0; i < o->ncols; i++) {
			size_t len = strlen(p);
			print_field(o, lb, i, p, len);
			p += len + 1;
		}
		lb_put(lb, "\n", 1);
	}
	lb_flush(lb);
	free(lb);
	o->arena_len = 0;
}

