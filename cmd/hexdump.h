/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef SHMTOOL_HEXDUMP_H
#define SHMTOOL_HEXDUMP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* `hexdump -C`, fed in pieces: every piece but the last a multiple of 16 bytes. */
struct hexdump {
	uint64_t addr;      /* of the next byte */
	uint8_t prev[16];   /* the last full line, for squeezing repeats to "*" */
	bool have_prev, squeezing, any;
	int (*emit)(const char *buf, size_t len, void *arg);
	void *arg;
	size_t used;
	char buf[64 * 1024];
};

void hexdump_init(struct hexdump *h, uint64_t start,
		  int (*emit)(const char *buf, size_t len, void *arg), void *arg);
int hexdump_feed(struct hexdump *h, const uint8_t *data, size_t len);
/*
 * The closing address, and out with what is held. @print_end: print it even
 * after no bytes (hexdump does when it skipped input to get there).
 */
int hexdump_end(struct hexdump *h, bool print_end);

#endif
