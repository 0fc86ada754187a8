#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later

setup() { load 'test_helper/common-setup'; _common_setup; }
teardown() { _common_teardown; }

# The text of field $2 of resource $1: jq 1.6 would round 64-bit numbers through a double.
limit() {
	grep -o "{\"resource\":\"$1\"[^}]*}" <<<"$output" | sed -E "s/.*\"$2\":([^,}]*).*/\1/"
}

@test "limits: values equal /proc/sys/kernel/shm* and agree with ipcs -l" {
	ns sysctl -q kernel.shmmni=1234
	ns sysctl -q kernel.shmmax=987654321
	shmtool create -s 1M >/dev/null
	shmtool create -s 5000 >/dev/null
	run shmtool limits --json
	assert_success
	[ "$(limit SHMMNI limit)" = "$(ns cat /proc/sys/kernel/shmmni)" ]
	[ "$(limit SHMMNI limit)" = 1234 ]
	[ "$(limit SHMMAX limit)" = 987654321 ]
	[ "$(limit SHMALL limit)" = "$(ns cat /proc/sys/kernel/shmall)" ]
	[ "$(limit SHMMIN limit)" = 1 ]
	[ "$(limit SHMMNI used)" = 2 ]
	[ "$(limit SHMALL used)" = $(( 256 + 2 )) ]
	[ "$(limit SHMMAX used)" = 1048576 ]
	[ "$(limit SHM_RMID_FORCED limit)" = "$(ns cat /proc/sys/kernel/shm_rmid_forced)" ]
	local ipcs
	ipcs=$(ns ipcs -l -m)
	[[ "$ipcs" == *"max number of segments = 1234"* ]]
	[[ "$ipcs" == *"max seg size (kbytes) = $((987654321 / 1024))"* ]]
	[[ "$ipcs" == *"min seg size (bytes) = 1"* ]]
	echo "$output" | jq -e '.limits[] | select(.resource == "SHMMNI") | .["use%"] == 0.16'
}

@test "limits: 64-bit SHMALL prints exactly; /dev/shm size, used and free" {
	shmtool create -s 1M /f >/dev/null
	head -c 1M /dev/zero | ns "$SHMTOOL_BIN" write /f
	run shmtool limits -J
	[ "$(limit SHMALL limit)" = "$(ns cat /proc/sys/kernel/shmall)" ]
	[ "$(limit DEVSHM limit)" = $((2 * 1024 * 1024 * 1024)) ]
	[ "$(limit DEVSHM used)" = 1048576 ]
	[ "$(limit DEVSHM free)" = $((2 * 1024 * 1024 * 1024 - 1048576)) ]
	run shmtool limits
	assert_line --index 0 --regexp '^RESOURCE +DESCRIPTION +LIMIT +USED +FREE +USE%$'
	assert_line --regexp '^DEVSHM .* 2G +1M +2G +0.04%$'
}

@test "limits: stray arguments are usage errors" {
	run shmtool limits 1
	assert_failure 2
}
