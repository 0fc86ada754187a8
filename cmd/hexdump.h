/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef SHMTOOL_HEXDUMP_H
#define SHMTOOL_HEXDUMP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * Formats @len bytes whose first is at address @start as `hexdump -C` does,
 * handing the text to @emit in chunks. @print_end: print the closing address
 * even for no bytes (hexdump does when it skipped input to get there).
 */
int hexdump_c(const uint8_t *data, size_t len, uint64_t start, bool print_end,
	      int (*emit)(const char *buf, size_t len, void *arg), void *arg);

#endif
