#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# Root acting on what users control: fds that only look like memfds, holders
# that /proc does not show, holders that reach an object by another path.

setup() {
	load 'test_helper/common-setup'
	_common_setup
	CANARY="$BATS_TEST_TMPDIR/canary"
	printf 'root-only secret\n' > "$CANARY"
	chmod 0600 "$CANARY"
	CANARY_SUM=$(sha256sum < "$CANARY")
}
teardown() { _common_teardown; }

canary_intact() {
	[ "$(sha256sum < "$CANARY")" = "$CANARY_SUM" ]
}

# Every way root reads, writes or maps memfd:PID:FD, against REF; none may reach the canary.
try_memfd_ref() {
	local ref=$1
	run --separate-stderr shmtool cat "$ref"
	[[ "$output" != *secret* ]]
	run --separate-stderr shmtool cat -x "$ref"
	[[ "$output" != *secret* ]]
	run --separate-stderr bash -c "printf OVERWRITTEN | $NS_CMD $SHMTOOL_BIN write $ref"
	run --separate-stderr shmtool pages "$ref"
	run --separate-stderr shmtool stat "$ref"
	canary_intact
}

@test "safety: a file bind-mounted as /memfd:evil is never read, written or mapped as a memfd" {
	start_helper fakememfd "$CANARY" 100
	local pid
	pid=$(ns_pid_of fakememfd)
	# The trap is set: the link reads like a memfd's.
	[ "$(ns readlink "/proc/$pid/fd/100")" = "/memfd:evil" ]
	for cmd in "cat" "cat -x" "pages" "stat"; do
		run --separate-stderr shmtool $cmd "memfd:$pid:100"
		assert_failure 1
		[[ "$output" != *secret* ]]
		[ "$stderr" = "shmtool: ${cmd%% *}: memfd:$pid:100: not a shared memory object" ]
	done
	run --separate-stderr bash -c "printf OVERWRITTEN | $NS_CMD $SHMTOOL_BIN write memfd:$pid:100"
	assert_failure 1
	canary_intact
	run --separate-stderr shmtool ls --memfd -n --raw -o ID
	refute_output --partial "memfd:$pid:"
}

@test "safety: a FIFO dressed as a memfd never blocks cat, pages or attach" {
	mkfifo "$BATS_TEST_TMPDIR/fifo"
	start_helper fakememfd "$BATS_TEST_TMPDIR/fifo" 100
	local pid
	pid=$(ns_pid_of fakememfd)
	for cmd in "cat" "pages" "attach"; do
		# 124 would be the harness's timeout: the command hung.
		run --separate-stderr shmtool $cmd "memfd:$pid:100"
		assert_failure 1
		[[ "$stderr" == *"not a shared memory object"* ]]
	done
}

@test "safety: an fd flipping between a memfd and a root-only file never leaks or changes the file" {
	start_helper flipfd "$CANARY" 100
	local pid i seen=0
	pid=$(ns_pid_of flipfd)
	for i in $(seq 60); do
		run --separate-stderr shmtool cat "memfd:$pid:100"
		[[ "$output" != *secret* ]]
		[ "$output" = memfd ] && seen=$((seen + 1))
		bash -c "printf XXXXXXXXXXXXXXXX | $NS_CMD $SHMTOOL_BIN write memfd:$pid:100" 2>/dev/null || true
		canary_intact
	done
	# The real memfd was reachable all along: the check is not simply refusing everything.
	[ "$seen" -gt 0 ]
}

@test "safety: a child PID namespace's /proc hides its parents' holders: nothing POSIX is orphaned" {
	shmtool create -s 8K /held >/dev/null
	start_helper hold map /dev/shm/held
	local child=(unshare --pid --fork --mount-proc "$SHMTOOL_BIN")
	run --separate-stderr ns "${child[@]}" rm --orphaned --posix
	assert_success
	assert_output ''
	[ "$stderr" = "shmtool: rm: /proc: /proc shows one PID namespace, not the processes of its parents (--pidns-only trusts it), so no POSIX object is called orphaned" ]
	ns test -e /dev/shm/held
	run --separate-stderr ns "${child[@]}" stat --json /held
	jq -e '.segments[0].unseen_processes == "pidns"' <<<"$output"
	run --separate-stderr ns "${child[@]}" stat /held
	assert_line --partial 'unseen:  /proc shows one PID namespace'
	# Trusted (as the test's own namespace is elsewhere), the same rm takes it.
	run --separate-stderr ns "${child[@]}" --pidns-only rm --orphaned --posix
	assert_output 'removed posix /held'
}

@test "safety: under hidepid=invisible a user's --orphaned never takes what a hidden root process maps" {
	ns mount -t proc -o hidepid=invisible proc /proc
	ns setpriv --reuid=65534 --regid=65534 --clear-groups "$HELPERS/mkseg" 4096 >/dev/null
	ns setpriv --reuid=65534 --regid=65534 --clear-groups sh -c 'head -c 4096 /dev/zero > /dev/shm/mine'
	start_helper hold map /dev/shm/mine
	local as_nobody=(setpriv --reuid=65534 --regid=65534 --clear-groups "$SHMTOOL_BIN" --pidns-only)
	run --separate-stderr ns "${as_nobody[@]}" rm --orphaned --posix
	assert_output ''
	[[ "$stderr" == *"hidepid=invisible"*"no POSIX object is called orphaned" ]]
	ns test -e /dev/shm/mine
	run --separate-stderr ns "${as_nobody[@]}" stat /mine
	assert_line --partial 'unseen:  /proc is mounted hidepid=invisible'
}

@test "safety: holders through a bind mount or a symlinked shm directory are matched by device and inode" {
	shmtool create -s 8K /obj >/dev/null
	ns mkdir -p /run/shmtool-test-bind
	ns mount --bind /dev/shm /run/shmtool-test-bind
	start_helper hold map /run/shmtool-test-bind/obj
	local mapper
	mapper=$(ns_pid_of hold)
	run shmtool --pidns-only ls --posix -n --raw -o ID,NATTCH,PIDS
	assert_output "/obj 1 $mapper"
	run --separate-stderr shmtool --pidns-only rm --orphaned --posix
	assert_output ''
	ns test -e /dev/shm/obj
	# The shm directory named through a symlink: the mapping's path never matches it.
	ln -s /dev/shm "$BATS_TEST_TMPDIR/shmlink"
	start_helper hold fd /dev/shm/obj
	run shmtool --pidns-only --shm-dir "$BATS_TEST_TMPDIR/shmlink" ls --posix -n --raw -o ID,NATTCH
	assert_output '/obj 1'
	run --separate-stderr shmtool --pidns-only --shm-dir "$BATS_TEST_TMPDIR/shmlink" rm --orphaned --posix
	assert_output ''
	ns test -e /dev/shm/obj
}

@test "safety: SHMTOOL_PROC and SHMTOOL_SHM_DIR are ignored: the environment never redirects root" {
	ns mkdir -p /run/victim
	ns sh -c ': > /run/victim/file'
	shmtool create -s 4K /real >/dev/null
	run --separate-stderr ns env SHMTOOL_SHM_DIR=/run/victim SHMTOOL_PROC=/nonexistent \
		"$SHMTOOL_BIN" rm /file
	assert_failure 1
	ns test -e /run/victim/file
	run ns env SHMTOOL_SHM_DIR=/run/victim SHMTOOL_PROC=/nonexistent "$SHMTOOL_BIN" ls -n --raw -o ID
	assert_success
	assert_output '/real'
}

@test "safety: a process with 60,000 long maps lines is scanned in bounded memory" {
	local long
	long="$BATS_TEST_TMPDIR/$(printf 'a%.0s' $(seq 200))"
	start_helper manymaps 60000 "$long"
	local pid
	pid=$(ns_pid_of manymaps)
	[ "$(ns cat "/proc/$pid/maps" | wc -l)" -gt 60000 ]
	shmtool create -s 4K /obj >/dev/null
	run /usr/bin/time -f '%M' -o "$BATS_TEST_TMPDIR/rss" \
		"${NS_ARGV[@]}" "$SHMTOOL_BIN" ls --memfd -n --raw -o ID,PIDS
	assert_success
	# Peak RSS in KiB: the old scan held the whole maps text (over 6 MiB of it).
	[ "$(cat "$BATS_TEST_TMPDIR/rss")" -lt 8192 ]
}

@test "safety: a FUSE file that stops answering never hangs the holder pass" {
	ns mkdir /dev/shm/fuse
	start_helper stallfs /dev/shm/fuse
	local holder
	holder=$(ns_pid_of stallfs)
	# The trap is set: the holder's fd is on the stalled file system, under the shm directory.
	ns ls -l "/proc/$holder/fd" | grep -q '/dev/shm/fuse/file'
	local args
	for args in "ls --memfd" "stat /obj" "metrics" "ls --orphaned" "ls -o +PIDS" "usage"; do
		shmtool create -s 4K /obj >/dev/null 2>&1 || true
		# SIGKILL after 5 s: a process waiting on FUSE ignores a plain TERM.
		run --separate-stderr ns timeout -s KILL 5 "$SHMTOOL_BIN" $args
		[ "$status" -ne 137 ] || { echo "shmtool $args hung"; false; }
	done
}

@test "safety: a pid reused a second after the segment was made is not taken for its creator" {
	# Made early in a second, so that the reuse below comes under 2 s after
	# the ctime (whole seconds): the old rule, ctime + 2, took it for the creator.
	while [ "$(date +%N)" -ge 100000000 ]; do sleep 0.01; done
	local id cpid
	id=$(shmtool create -s 4K)
	cpid=$(shmtool ls --sysv -n --raw -o ID,CPID | awk -v id="$id" '$1 == id { print $2 }')
	[ -n "$cpid" ]
	sleep 1.05
	# The next process of the test's PID namespace gets the creator's pid.
	ns sh -c 'echo $(($1 - 1)) > /proc/sys/kernel/ns_last_pid; sleep 100 & wait' sh "$cpid" &
	BG_PIDS+=($!)
	local i
	for i in $(seq 100); do
		[ "$(ns cat "/proc/$cpid/comm" 2>/dev/null)" = sleep ] && break
		sleep 0.05
	done
	[ "$(ns cat "/proc/$cpid/comm")" = sleep ]
	run shmtool --pidns-only ls --orphaned --sysv -n --raw -o ID,COMMAND
	assert_success
	assert_output "$id -"
}
