// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Test helper: cgroupid reads /proc/PID/cgroup text on stdin and prints the
 * container id (or unit) lib/container.c finds in it, or "-" for none.
 */
#include "../../lib/container.c"

int main(void)
{
	static char text[65536];
	size_t n = fread(text, 1, sizeof(text) - 1, stdin);
	text[n] = '\0';
	char id[256];
	puts(shm_container_id(text, id, sizeof(id)) == 0 ? id : "-");
	return 0;
}
