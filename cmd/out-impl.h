/* SPDX-License-Identifier: GPL-2.0-or-later */
/* What the emitter's files (out.c, escape.c, table.c) share, and no command sees. */
#ifndef SHMTOOL_OUT_IMPL_H
#define SHMTOOL_OUT_IMPL_H

#include "out.h"

/* Appends to the arena; a failure sets o->oom, checked once per row. */
void out_put(struct out *o, const char *s, size_t n);
/* One byte: inline, since JSON and the escapers add punctuation a byte at a time. */
static inline void out_putc(struct out *o, char c)
{
	if (o->arena_len < o->arena_cap)
		o->arena[o->arena_len++] = c;
	else
		out_put(o, &c, 1);
}
void out_puts(struct out *o, const char *s);
void out_put_hex(struct out *o, const char *prefix, unsigned char c);
/* @s for a terminal or shell in o->mode, or as a JSON string with its quotes. */
void out_put_escaped(struct out *o, const char *s);
void out_put_json_string(struct out *o, const char *s);

char *out_u64_text(uint64_t v, char buf[static 24]);
/* Terminal cells of UTF-8 text: wide (CJK) characters take two, combining marks none. */
size_t out_display_width(const char *s);
/* Prints the rows held in the arena as an aligned table, and empties it. */
void out_print_table(struct out *o);
/* The same without ending the table: the rows not printed yet, headings first. */
void out_print_rows(struct out *o);
/*
 * Once the widths are known (streaming): cell @i of the current line, @len
 * bytes that take @width columns, headings first; then the line's end.
 */
void out_table_field(struct out *o, size_t i, const char *text, size_t len, size_t width);
void out_table_eol(struct out *o);

#endif
