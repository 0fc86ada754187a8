// SPDX-License-Identifier: GPL-2.0-or-later
/* The aligned table: widths from every cell, then lines through one buffer. */
#include <stdlib.h>
#include <string.h>

#include "out-impl.h"

/*
 * Terminal columns of a character: 2 for East Asian Wide and Fullwidth ones
 * (CJK, Hangul, fullwidth forms, emoji), 0 for combining marks and zero-width
 * characters, 1 otherwise. A table of our own, not wcwidth(3): the result must
 * not depend on the locale, and the text is always UTF-8.
 */
static unsigned char_width(uint32_t c)
{
	if ((c >= 0x0300 && c <= 0x036f) || (c >= 0x1ab0 && c <= 0x1aff) ||
	    (c >= 0x1dc0 && c <= 0x1dff) || (c >= 0x200b && c <= 0x200f) ||
	    (c >= 0x20d0 && c <= 0x20ff) || (c >= 0xfe00 && c <= 0xfe0f) ||
	    (c >= 0xfe20 && c <= 0xfe2f))
		return 0;
	if ((c >= 0x1100 && c <= 0x115f) || c == 0x2329 || c == 0x232a ||
	    (c >= 0x2e80 && c <= 0xa4cf && c != 0x303f) || (c >= 0xac00 && c <= 0xd7a3) ||
	    (c >= 0xf900 && c <= 0xfaff) || (c >= 0xfe10 && c <= 0xfe19) ||
	    (c >= 0xfe30 && c <= 0xfe6f) || (c >= 0xff00 && c <= 0xff60) ||
	    (c >= 0xffe0 && c <= 0xffe6) || (c >= 0x1f300 && c <= 0x1f64f) ||
	    (c >= 0x1f900 && c <= 0x1f9ff) || (c >= 0x20000 && c <= 0x3fffd))
		return 2;
	return 1;
}

size_t out_display_width(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t w = 0;
	/* ASCII, nearly every cell: a column a byte. */
	while (*p && *p < 0x80)
		p++;
	w = (size_t)(p - (const unsigned char *)s);
	while (*p) {
		uint32_t c = *p;
		size_t len = c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : c >= 0xc0 ? 2 : 1;
		if (len > 1)
			c &= 0x3fu >> (len - 1);
		for (size_t i = 1; i < len; i++) {
			if ((p[i] & 0xc0) != 0x80) {
				len = i; /* cut short: the escaping lets no such text through */
				break;
			}
			c = c << 6 | (p[i] & 0x3fu);
		}
		w += char_width(c);
		p += len;
	}
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

static void print_field_w(struct out *o, struct line_buf *lb, size_t i, const char *text,
			  size_t len, size_t w)
{
	size_t pad = o->width[i] > w ? o->width[i] - w : 0;
	bool right = o->cols[i]->right;
	if (!right && i + 1 == o->ncols)
		pad = 0; /* no trailing blanks */
	/* Straight into the buffer when it fits: one check, not one a piece. */
	if (lb->len + 1 + pad + len <= sizeof(lb->data)) {
		char *d = lb->data + lb->len;
		if (i)
			*d++ = ' ';
		/* Pads and cells are a few bytes: loops beat library calls here. */
		if (right)
			for (size_t k = 0; k < pad; k++)
				*d++ = ' ';
		for (size_t k = 0; k < len; k++)
			*d++ = text[k];
		if (!right)
			for (size_t k = 0; k < pad; k++)
				*d++ = ' ';
		lb->len = (size_t)(d - lb->data);
		return;
	}
	if (i)
		lb_put(lb, " ", 1);
	if (right)
		lb_pad(lb, pad);
	lb_put(lb, text, len);
	if (!right)
		lb_pad(lb, pad);
}

static void print_field(struct out *o, struct line_buf *lb, size_t i, const char *text,
			size_t len)
{
	print_field_w(o, lb, i, text, len, out_display_width(text));
}

/* The line buffer, with the headings in it once: NULL when out of memory. */
static struct line_buf *table_begin(struct out *o)
{
	struct line_buf *lb = o->lb;
	if (!lb && !(lb = o->lb = malloc(sizeof(*lb)))) {
		o->oom = true;
		return NULL;
	}
	if (!o->headed) {
		lb->f = o->f;
		lb->len = 0;
		o->headed = true;
		if (o->headings) {
			for (size_t i = 0; i < o->ncols; i++)
				if (strlen(o->cols[i]->name) > o->width[i])
					o->width[i] = strlen(o->cols[i]->name);
			for (size_t i = 0; i < o->ncols; i++)
				print_field(o, lb, i, o->cols[i]->name, strlen(o->cols[i]->name));
			lb_put(lb, "\n", 1);
		}
	}
	return lb;
}

void out_table_field(struct out *o, size_t i, const char *text, size_t len, size_t width)
{
	struct line_buf *lb = o->headed ? o->lb : table_begin(o);
	if (lb)
		print_field_w(o, lb, i, text, len, width);
}

void out_table_eol(struct out *o)
{
	if (o->lb)
		lb_put(o->lb, "\n", 1);
}

void out_print_rows(struct out *o)
{
	struct line_buf *lb = table_begin(o);
	if (!lb)
		return;
	const char *p = o->arena;
	for (size_t r = o->printed; r < o->rows; r++) {
		for (size_t i = 0; i < o->ncols; i++) {
			/* ASCII, nearly every cell: its length is its width, one scan for both. */
			const char *e = p;
			while (*e && (unsigned char)*e < 0x80)
				e++;
			size_t len;
			if (*e) {
				len = (size_t)(e - p) + strlen(e);
				print_field(o, lb, i, p, len);
			} else {
				len = (size_t)(e - p);
				print_field_w(o, lb, i, p, len, len);
			}
			p += len + 1;
		}
		lb_put(lb, "\n", 1);
	}
	o->printed = o->rows;
	o->arena_len = 0;
}

void out_print_table(struct out *o)
{
	out_print_rows(o);
	if (o->lb)
		lb_flush(o->lb);
	free(o->lb);
	o->lb = NULL;
}
