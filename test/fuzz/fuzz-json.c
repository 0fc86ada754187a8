// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * libFuzzer target: the escapers of the one emitter (cmd/out.c).
 *
 * The input, cut at its first NUL, is a string as a segment name or a command
 * line could hold it.
 *
 * JSON (out_json_string): the document must be exactly {"x":[STRING]}\n, with
 * STRING one well-formed JSON string token; the whole output valid UTF-8 with
 * no raw control byte (C0, DEL or C1) nor bidi control. Decoded, STRING must
 * be the input with each byte that does not start a valid UTF-8 character, and
 * each byte of a C1 or bidi control, replaced by U+FFFD (C0 controls come
 * back: they are escaped, not lost).
 *
 * Text (out_safe in table, raw and export mode, and out_print_safe): no byte
 * below 0x20, no DEL, no C1 or bidi control, valid UTF-8; raw mode has no
 * space, export mode no unescaped " $ ` or \ (it goes between double quotes);
 * and undoing the \xHH (and, for export, \C) escapes gives back the input
 * exactly.
 *
 * Prometheus label (out_print_label): clean in the same way, no raw " or
 * newline, only the format's escapes \\ \" \n; and undoing those, then the
 * value's \xHH, gives back the input exactly, so two names never share a label.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../cmd/out.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* A growable byte string. */
struct bytes {
	unsigned char *p;
	size_t n, cap;
};

static void put(struct bytes *b, const void *s, size_t n)
{
	if (b->n + n > b->cap) {
		size_t cap = b->cap ? b->cap : 64;
		while (cap < b->n + n)
			cap *= 2;
		unsigned char *p = realloc(b->p, cap);
		if (!p)
			abort();
		b->p = p;
		b->cap = cap;
	}
	memcpy(b->p + b->n, s, n);
	b->n += n;
}

/*
 * Length of the well-formed UTF-8 character at @p (Unicode table 3-7), 0 when
 * there is none; the code point in @cp.
 */
static size_t utf8_char(const unsigned char *p, size_t n, uint32_t *cp)
{
	unsigned char c = p[0];
	size_t len;
	unsigned char lo = 0x80, hi = 0xbf;
	if (c < 0x80) {
		*cp = c;
		return 1;
	} else if (c >= 0xc2 && c <= 0xdf) {
		len = 2;
		*cp = c & 0x1f;
	} else if (c >= 0xe0 && c <= 0xef) {
		len = 3;
		*cp = c & 0x0f;
		if (c == 0xe0)
			lo = 0xa0;
		if (c == 0xed)
			hi = 0x9f;
	} else if (c >= 0xf0 && c <= 0xf4) {
		len = 4;
		*cp = c & 0x07;
		if (c == 0xf0)
			lo = 0x90;
		if (c == 0xf4)
			hi = 0x8f;
	} else {
		return 0;
	}
	if (n < len || p[1] < lo || p[1] > hi)
		return 0;
	for (size_t i = 1; i < len; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return 0;
		*cp = *cp << 6 | (p[i] & 0x3f);
	}
	return len;
}

static void put_utf8(struct bytes *b, uint32_t cp)
{
	unsigned char u[4];
	size_t n;
	if (cp < 0x80) {
		u[0] = (unsigned char)cp;
		n = 1;
	} else if (cp < 0x800) {
		u[0] = (unsigned char)(0xc0 | cp >> 6);
		u[1] = (unsigned char)(0x80 | (cp & 0x3f));
		n = 2;
	} else if (cp < 0x10000) {
		u[0] = (unsigned char)(0xe0 | cp >> 12);
		u[1] = (unsigned char)(0x80 | (cp >> 6 & 0x3f));
		u[2] = (unsigned char)(0x80 | (cp & 0x3f));
		n = 3;
	} else {
		u[0] = (unsigned char)(0xf0 | cp >> 18);
		u[1] = (unsigned char)(0x80 | (cp >> 12 & 0x3f));
		u[2] = (unsigned char)(0x80 | (cp >> 6 & 0x3f));
		u[3] = (unsigned char)(0x80 | (cp & 0x3f));
		n = 4;
	}
	put(b, u, n);
}

/* C1 controls and the bidi embeddings, overrides and isolates. */
static bool misleading(uint32_t cp)
{
	return (cp >= 0x80 && cp < 0xa0) || (cp >= 0x202a && cp <= 0x202e) ||
	       (cp >= 0x2066 && cp <= 0x2069);
}

/* Valid UTF-8 without raw C0 (but @allow_nl), DEL, C1 or bidi controls. */
static void check_clean(const unsigned char *p, size_t n, bool allow_nl)
{
	for (size_t i = 0; i < n;) {
		uint32_t cp;
		size_t len = utf8_char(p + i, n - i, &cp);
		if (!len)
			abort();
		if ((cp < 0x20 && !(allow_nl && cp == '\n')) || cp == 0x7f || misleading(cp))
			abort();
		i += len;
	}
}

static int hexval(unsigned char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/*
 * What the JSON string should decode to: the input, with each byte that does
 * not start a valid UTF-8 character, and each byte of a misleading one, as U+FFFD.
 */
static void json_expected(const unsigned char *s, size_t n, struct bytes *out)
{
	for (size_t i = 0; i < n;) {
		uint32_t cp;
		size_t len = utf8_char(s + i, n - i, &cp);
		if (!len || misleading(cp)) {
			put_utf8(out, 0xfffd);
			i++;
		} else {
			put(out, s + i, len);
			i += len;
		}
	}
}

/* Decodes the JSON string token at @p (RFC 8259); returns its length, aborts if malformed. */
static size_t json_decode(const unsigned char *p, size_t n, struct bytes *out)
{
	if (n == 0 || p[0] != '"')
		abort();
	size_t i = 1;
	for (;;) {
		if (i >= n)
			abort(); /* unterminated */
		unsigned char c = p[i];
		if (c == '"')
			return i + 1;
		if (c < 0x20)
			abort();
		if (c != '\\') {
			uint32_t cp;
			size_t len = utf8_char(p + i, n - i, &cp);
			if (!len)
				abort();
			put(out, p + i, len);
			i += len;
			continue;
		}
		if (i + 1 >= n)
			abort();
		c = p[i + 1];
		i += 2;
		const char *simple = strchr("\"\\/bfnrt", c);
		if (c && simple) {
			static const char to[] = "\"\\/\b\f\n\r\t";
			put(out, &to[simple - "\"\\/bfnrt"], 1);
			continue;
		}
		if (c != 'u' || i + 4 > n)
			abort();
		uint32_t cp = 0;
		for (int k = 0; k < 4; k++) {
			int h = hexval(p[i + (size_t)k]);
			if (h < 0)
				abort();
			cp = cp << 4 | (uint32_t)h;
		}
		i += 4;
		if (cp >= 0xd800 && cp <= 0xdfff)
			abort(); /* the escaper never needs surrogates: it keeps UTF-8 as is */
		put_utf8(out, cp);
	}
}

static void check_json(const char *s, size_t n)
{
	char *doc = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&doc, &len);
	if (!f)
		abort();
	struct out o;
	if (out_init(&o, OUT_JSON, false, false, NULL, 0, f, "x") != 0)
		abort();
	out_json_string(&o, s);
	if (out_finish(&o) != 0)
		abort();
	out_free(&o);
	if (fclose(f) != 0)
		abort();

	const unsigned char *p = (const unsigned char *)doc;
	static const char head[] = "{\"x\":[", tail[] = "]}\n";
	if (len < sizeof(head) - 1 + 2 + sizeof(tail) - 1 || memcmp(p, head, sizeof(head) - 1))
		abort();
	check_clean(p, len, true);
	if (memchr(p, '\n', len) != p + len - 1)
		abort();
	struct bytes got = { 0 }, want = { 0 };
	size_t tok = json_decode(p + sizeof(head) - 1, len - (sizeof(head) - 1), &got);
	size_t rest = len - (sizeof(head) - 1) - tok;
	if (rest != sizeof(tail) - 1 || memcmp(p + len - rest, tail, rest))
		abort();
	json_expected((const unsigned char *)s, n, &want);
	if (got.n != want.n || (got.n && memcmp(got.p, want.p, got.n)))
		abort();
	free(got.p);
	free(want.p);
	free(doc);
}

/* Undoes add_escaped: \xHH everywhere, and \" \$ \` \\ in export mode. */
static void unescape(const unsigned char *p, size_t n, enum out_mode mode, struct bytes *out)
{
	for (size_t i = 0; i < n;) {
		unsigned char c = p[i];
		if (mode == OUT_EXPORT && (c == '"' || c == '$' || c == '`'))
			abort(); /* would end or expand inside "..." */
		if (mode == OUT_RAW && c == ' ')
			abort(); /* raw fields are split at spaces */
		if (c != '\\') {
			put(out, &c, 1);
			i++;
			continue;
		}
		if (i + 1 >= n)
			abort();
		unsigned char e = p[i + 1];
		if (mode == OUT_EXPORT && (e == '"' || e == '$' || e == '`' || e == '\\')) {
			put(out, &e, 1);
			i += 2;
			continue;
		}
		if (e != 'x' || i + 4 > n)
			abort();
		int hi = hexval(p[i + 2]), lo = hexval(p[i + 3]);
		if (hi < 0 || lo < 0)
			abort();
		unsigned char b = (unsigned char)(hi << 4 | lo);
		put(out, &b, 1);
		i += 4;
	}
}

static void check_text(const char *s, size_t n, int mode)
{
	char *doc = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&doc, &len);
	if (!f)
		abort();
	if (mode == -1) {
		out_print_safe(f, s);
	} else {
		struct out o;
		if (out_init(&o, (enum out_mode)mode, false, false, NULL, 0, f, "x") != 0)
			abort();
		out_safe(&o, s);
		/* Table mode keeps cells for the end; stat flushes its field lists. */
		if (out_flush(&o) != 0 || out_finish(&o) != 0)
			abort();
		out_free(&o);
	}
	if (fclose(f) != 0)
		abort();
	const unsigned char *p = (const unsigned char *)doc;
	check_clean(p, len, false);
	struct bytes back = { 0 };
	unescape(p, len, mode < 0 ? OUT_TABLE : (enum out_mode)mode, &back);
	if (back.n != n || (n && memcmp(back.p, s, n)))
		abort();
	free(back.p);
	free(doc);
}

/* Undoes the exposition format's escapes, then the value's \\xHH. */
static void check_label(const char *s, size_t n)
{
	char *doc = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&doc, &len);
	if (!f)
		abort();
	out_print_label(f, s);
	if (fclose(f) != 0)
		abort();
	const unsigned char *p = (const unsigned char *)doc;
	check_clean(p, len, false);
	struct bytes value = { 0 };
	for (size_t i = 0; i < len; i++) {
		unsigned char c = p[i];
		if (c == '"')
			abort(); /* would end the label */
		if (c == '\\') {
			if (++i >= len || !strchr("\\\"n", p[i]))
				abort(); /* the format knows no other escape */
			c = p[i] == 'n' ? '\n' : p[i];
		}
		put(&value, &c, 1);
	}
	struct bytes back = { 0 };
	for (size_t i = 0; i < value.n;) {
		int hi, lo;
		if (value.p[i] == '\\' && i + 3 < value.n && value.p[i + 1] == 'x' &&
		    (hi = hexval(value.p[i + 2])) >= 0 && (lo = hexval(value.p[i + 3])) >= 0) {
			unsigned char b = (unsigned char)(hi << 4 | lo);
			put(&back, &b, 1);
			i += 4;
			continue;
		}
		if (value.p[i] == '\\' && i + 1 < value.n && value.p[i + 1] == 'x')
			abort(); /* a name's own backslash before x must be \\x5c */
		put(&back, &value.p[i], 1);
		i++;
	}
	if (back.n != n || (n && memcmp(back.p, s, n)))
		abort();
	free(value.p);
	free(back.p);
	free(doc);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* A C string: the input up to its first NUL, as every caller would pass it. */
	char *s = strndup((const char *)data, size);
	if (!s)
		return 0;
	size_t n = strlen(s);
	check_json(s, n);
	check_text(s, n, OUT_TABLE);
	check_text(s, n, OUT_RAW);
	check_text(s, n, OUT_EXPORT);
	check_text(s, n, -1); /* out_print_safe */
	check_label(s, n);
	free(s);
	return 0;
}
