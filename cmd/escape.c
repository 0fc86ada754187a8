// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Text made safe: for a terminal or a shell (bytes that could mislead become
 * \xHH) and for JSON (valid UTF-8, every control byte \u00XX).
 */
#include <stdlib.h>
#include <string.h>

#include "out-impl.h"

/* Length of the valid UTF-8 sequence at @p (at most @n bytes), 0 when invalid. */
static size_t utf8_decode(const unsigned char *p, size_t n, uint32_t *code)
{
	size_t len;
	uint32_t cp;
	if (p[0] >= 0xc2 && p[0] <= 0xdf)
		len = 2, cp = p[0] & 0x1f;
	else if (p[0] >= 0xe0 && p[0] <= 0xef)
		len = 3, cp = p[0] & 0x0f;
	else if (p[0] >= 0xf0 && p[0] <= 0xf4)
		len = 4, cp = p[0] & 0x07;
	else
		return 0;
	if (n < len)
		return 0;
	for (size_t i = 1; i < len; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (p[i] & 0x3f);
	}
	if ((len == 3 && cp < 0x800) || (len == 4 && (cp < 0x10000 || cp > 0x10ffff)) ||
	    (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	*code = cp;
	return len;
}

/*
 * Characters that would mislead a reader: C1 controls, which terminals take
 * as commands, and the bidi embeddings, overrides and isolates, which reorder
 * the text shown around them ("Trojan Source").
 */
static bool misleading(uint32_t cp)
{
	return (cp >= 0x80 && cp < 0xa0) || (cp >= 0x202a && cp <= 0x202e) ||
	       (cp >= 0x2066 && cp <= 0x2069);
}

/* Like utf8_decode, but misleading characters count as invalid: each byte is escaped. */
static size_t utf8_len(const unsigned char *p, size_t n)
{
	uint32_t cp;
	size_t len = utf8_decode(p, n, &cp);
	return len && misleading(cp) ? 0 : len;
}

void out_put_hex(struct out *o, const char *prefix, unsigned char c)
{
	static const char hex[] = "0123456789abcdef";
	out_puts(o, prefix);
	out_putc(o, hex[c >> 4]);
	out_putc(o, hex[c & 15]);
}

/* Whether @c goes out as it is in every text mode: the common case, copied in runs. */
static bool plain_char(unsigned char c)
{
	return c > 0x20 && c < 0x7f && c != '\\' && c != '"' && c != '$' && c != '`';
}

/* Text for a terminal or a shell: bytes that could mislead become \xHH. */
void out_put_escaped(struct out *o, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	/* A run of plain bytes first: most texts are one, and need no strlen. */
	size_t i = 0;
	while (plain_char(p[i]))
		i++;
	if (i)
		out_put(o, s, i);
	if (!p[i])
		return;
	size_t n = i + strlen(s + i);
	while (i < n) {
		size_t run = i;
		while (run < n && plain_char(p[run]))
			run++;
		if (run > i) {
			out_put(o, (const char *)p + i, run - i);
			i = run;
			continue;
		}
		unsigned char c = p[i];
		if (c >= 0x80) {
			size_t len = utf8_len(p + i, n - i);
			if (len) {
				out_put(o, (const char *)p + i, len);
				i += len;
				continue;
			}
		}
		i++;
		bool special = c < 0x20 || c >= 0x7f || (c == '\\' && !o->plain_backslash) ||
			       (c == ' ' && o->mode == OUT_RAW);
		if (o->mode == OUT_EXPORT && (c == '"' || c == '$' || c == '`' || c == '\\')) {
			out_putc(o, '\\');
			out_putc(o, (char)c);
		} else if (special) {
			out_put_hex(o, "\\x", c);
		} else {
			out_putc(o, (char)c);
		}
	}
}

void out_put_json_string(struct out *o, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n = strlen(s);
	out_putc(o, '"');
	for (size_t i = 0; i < n;) {
		size_t run = i;
		while (run < n && p[run] >= 0x20 && p[run] < 0x7f && p[run] != '"' && p[run] != '\\')
			run++;
		if (run > i) {
			out_put(o, (const char *)p + i, run - i);
			i = run;
			continue;
		}
		unsigned char c = p[i];
		if (c >= 0x80) {
			size_t len = utf8_len(p + i, n - i);
			if (len) {
				out_put(o, (const char *)p + i, len);
			} else {
				/*
				 * JSON text must be UTF-8: a stray byte becomes U+FFFD, and so
				 * does each byte of a misleading character, which a \\u escape
				 * would only hand on to whatever prints the string.
				 */
				out_puts(o, "\\ufffd");
				len = 1;
			}
			i += len;
			continue;
		}
		i++;
		if (c == '"' || c == '\\') {
			out_putc(o, '\\');
			out_putc(o, (char)c);
		} else if (c < 0x20 || c == 0x7f) {
			out_put_hex(o, "\\u00", c);
		} else {
			out_putc(o, (char)c);
		}
	}
	out_putc(o, '"');
}

void out_safe(struct out *o, const char *s)
{
	out_put_escaped(o, s);
}

void out_json_string(struct out *o, const char *s)
{
	out_put_json_string(o, s);
}

void out_print_safe(FILE *f, const char *s)
{
	struct out o = { .mode = OUT_TABLE };
	out_put_escaped(&o, s);
	if (o.arena)
		fwrite(o.arena, 1, o.arena_len, f);
	free(o.arena);
}

char *out_escape_dup(const char *s, bool plain_backslash)
{
	struct out o = { .mode = OUT_TABLE, .plain_backslash = plain_backslash };
	out_put_escaped(&o, s);
	out_putc(&o, '\0');
	if (o.oom) {
		free(o.arena);
		return NULL;
	}
	return o.arena;
}

/*
 * A Prometheus label value: the exposition format's own \\, \" and \n, and
 * every other byte that could mislead (control, invalid UTF-8, a misleading
 * character) as \xHH, written \\xHH. So that no name reads like another's
 * escape, a backslash of the name that comes before an x is \x5c: the names
 * "a<newline>b", "a\x0ab" and "a<0x01>b" give "a\nb", "a\\x5cx0ab" and "a\\x01b".
 */
void out_print_label(FILE *f, const char *s)
{
	struct out o = { .mode = OUT_TABLE };
	const unsigned char *p = (const unsigned char *)s;
	size_t n = strlen(s);
	for (size_t i = 0; i < n;) {
		unsigned char c = p[i];
		size_t len = c >= 0x80 ? utf8_len(p + i, n - i) : 0;
		if (len) {
			out_put(&o, (const char *)p + i, len);
			i += len;
			continue;
		}
		i++;
		if (c == '\n')
			out_puts(&o, "\\n");
		else if (c == '"')
			out_puts(&o, "\\\"");
		else if (c == '\\')
			out_puts(&o, p[i] == 'x' ? "\\\\x5c" : "\\\\");
		else if (c < 0x20 || c >= 0x7f)
			out_put_hex(&o, "\\\\x", c);
		else
			out_putc(&o, (char)c);
	}
	if (o.arena)
		fwrite(o.arena, 1, o.arena_len, f);
	free(o.arena);
}
