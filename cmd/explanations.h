/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef SHMTOOL_EXPLANATIONS_H
#define SHMTOOL_EXPLANATIONS_H

#include <stdbool.h>

/* What field @label means, for a System V segment or (@file) a POSIX object or memfd. */
const char *explain_field(const char *label, bool file);

/* The indent an explanation line starts with, under its field's value. */
#define EXPLAIN_INDENT "        "

#endif
