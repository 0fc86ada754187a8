#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# The C programs of examples/ (make examples), run in the test's namespace:
# each does what shmtool(7) says it does, and cleans up after itself.

setup() {
	load 'test_helper/common-setup'
	_common_setup
	EXAMPLES="${SHMTOOL_EXAMPLES:-$ROOT/build/cc/examples}"
}
teardown() { _common_teardown; }

# Starts example NAME ARGS... in the background, stdout to $OUT (stderr to
# $OUT.err); waits until it has printed a line, which it does once ready.
start_example() {
	OUT="$BATS_TEST_TMPDIR/$1.out"
	ns "$EXAMPLES/$1" "${@:2}" >"$OUT" 2>"$OUT.err" 3>&- &
	BG_PIDS+=($!)
	EXAMPLE_JOB=$!
	local i
	for i in $(seq 500); do
		[ -s "$OUT" ] && return 0
		sleep 0.01
	done
	echo "$1 printed nothing" >&2
	cat "$OUT.err" >&2
	return 1
}

# Sends SIGNAL to the started example, inside the namespace, and waits for it to end.
stop_example() {
	ns kill -"$2" "$(ns pgrep -o -x "$1")"
	wait "$EXAMPLE_JOB"
}

@test "examples: make examples built every program of examples/" {
	local c n=0
	for c in "$ROOT"/examples/*.c; do
		[ -x "$EXAMPLES/$(basename "$c" .c)" ] || { echo "not built: $c"; false; }
		# each says what to run next to it and what to watch it with
		grep -qE '^ \* +(watch|terminal 2):' "$c" || { echo "no header: $c"; false; }
		n=$((n + 1))
	done
	[ "$n" -eq 8 ]
}

@test "examples: the System V message arrives; IPC_RMID while attached leaves it dest until the writer detaches" {
	start_example sysv-writer 'hello, reader'
	assert_equal "$(shmtool ls -r -n -o NATTCH,STATUS --sysv)" '1 -'
	run ns "$EXAMPLES/sysv-reader"
	assert_success
	assert_line --regexp '^read "hello, reader" from segment [0-9]+$'
	assert_line 'still attached, it still reads "hello, reader"'
	# the reader has detached; the writer removed it and is still attached
	run shmtool ls -r -n -o KEY,NATTCH,STATUS
	assert_output '0x00000000 1 dest'
	stop_example sysv-writer TERM
	run cat "$OUT"
	assert_line --regexp '^removed segment [0-9]+, still attached'
	assert_line --regexp '^detached from segment [0-9]+$'
	run shmtool ls -n --sysv
	assert_output ''
}

@test "examples: sysv-writer interrupted before any reader removes its segment" {
	start_example sysv-writer 'nobody reads this'
	[ -n "$(shmtool ls -n --sysv)" ]
	# a second writer never reuses the first one's segment
	run -1 ns "$EXAMPLES/sysv-writer" 'me too'
	assert_line --regexp '^sysv-writer: remove it first: shmtool rm 0x[0-9a-f]{8}$'
	# its exit says it was interrupted (the wait runs here, not in run's subshell)
	local status=0
	stop_example sysv-writer INT || status=$?
	[ "$status" -eq 1 ]
	run shmtool ls -n --sysv
	assert_output ''
	run -1 ns "$EXAMPLES/sysv-reader"
	assert_output --partial 'start sysv-writer first'
}

@test "examples: the POSIX message arrives; shm_unlink while mapped leaves it in the writer's maps as deleted" {
	start_example posix-writer 'hello, reader'
	local pid
	pid=$(ns pgrep -x posix-writer)
	run shmtool stat /example
	assert_success
	assert_line --regexp "^  $pid +0x[0-9a-f]+-0x[0-9a-f]+ rw posix-writer$"
	run ns "$EXAMPLES/posix-reader"
	assert_success
	assert_line 'read "hello, reader" from /example'
	assert_line 'still mapped, it still reads "hello, reader"'
	run shmtool ls -n --posix
	assert_output ''
	run ns grep -c '/dev/shm/example (deleted)$' "/proc/$pid/maps"
	assert_output 1
	stop_example posix-writer TERM
	run cat "$OUT"
	assert_line 'unmapped /example'
}

@test "examples: with the process-shared mutex the counter is exactly N x iterations" {
	run ns "$EXAMPLES/mutex-counter" -p 4 -i 20000
	assert_success
	assert_line 'counter 80000, expected 80000'
	# the segment was marked for removal at once: nothing is left
	run shmtool ls -n --sysv
	assert_output ''
}

@test "examples: the robust mutex recovers from a holder killed while holding it" {
	run ns "$EXAMPLES/mutex-counter" --kill-holder -p 3 -i 5000
	assert_success
	assert_line --regexp '^process [0-9]+ took the lock and was killed holding it \(signal 9\)$'
	assert_line '1 locker got EOWNERDEAD and made the mutex consistent'
	assert_line 'counter 15000, expected 15000'
}

@test "examples: mutex-counter --no-lock runs, and can only lose increments" {
	# Whether any are lost is chance; that none are ever gained is not.
	run ns "$EXAMPLES/mutex-counter" --no-lock -p 4 -i 20000
	assert_success
	assert_line --regexp '^counter [0-9]+, expected 80000'
	local got
	got=$(sed -nE 's/^counter ([0-9]+),.*/\1/p' <<<"$output")
	[ "$got" -le 80000 ]
	run -2 ns "$EXAMPLES/mutex-counter" -p 0
}

@test "examples: the sealed memfd passed over a socket refuses to grow, and both processes hold it" {
	start_example memfd-pass
	run cat "$OUT"
	assert_line 'child read "hello from the parent"; seals 0x7'
	assert_line 'child: ftruncate to 8192 bytes: Operation not permitted'
	local id
	id=$(sed -nE 's/^parent [0-9]+ holds (memfd:[0-9]+:[0-9]+);.*/\1/p' "$OUT")
	[ -n "$id" ]
	run shmtool ls --memfd -r -n -o ID,NAME,SIZE,NATTCH -b
	assert_output "$id memfd-pass 4096 2"
	run shmtool stat "$id"
	assert_success
	assert_line 'open:    2 processes'
	assert_line 'mapped:  1 process'
	# the parent's end takes the child along, and the exit says the seal held
	stop_example memfd-pass TERM
	run ns pgrep -x memfd-pass
	assert_failure
}

@test "examples: the anonymous zone is shared by the master and its workers, and by no name" {
	start_example anon-zone -w 3
	run cat "$OUT"
	assert_line 'requests counted in the zone: 3000; Ctrl-C or kill ends all'
	run shmtool ls -n
	assert_output ''
	# one zone: the same address and inode in all four processes
	run ns sh -c 'for p in $(pgrep -x anon-zone); do grep "/dev/zero (deleted)" /proc/$p/maps; done'
	[ "${#lines[@]}" -eq 4 ]
	[ "$(printf '%s\n' "${lines[@]}" | awk '{print $1, $5}' | sort -u | wc -l)" -eq 1 ]
	stop_example anon-zone TERM
	run ns pgrep -x anon-zone
	assert_failure
}

@test "examples: page-faults makes resident only the pages it touched, and removes its segment" {
	start_example page-faults -n 64 -s 2 -t 0
	assert_equal "$(cat "$OUT")" \
		"touched 32 of the 64 pages of segment $(shmtool ls -n -o ID --sysv); Ctrl-C or kill removes it"
	run shmtool pages ftok:/tmp:P
	assert_line '32 of 64 pages resident (50.00 %), page size 4K'
	assert_line '#.#.#.#.#.#.#.#.#.#.#.#.#.#.#.#.#.#.#.#.#.#.#.#.#.#.#.#.#.#.#.#.'
	stop_example page-faults TERM
	run shmtool ls -n --sysv
	assert_output ''
}

@test "examples: page-faults interrupted between two pages still removes its segment" {
	# one page an hour: the interrupt comes while it waits for the second
	start_example page-faults -n 4 -t 3600000 2>/dev/null || true
	local i
	for i in $(seq 500); do
		grep -q 'touched page 0' "$OUT.err" && break
		sleep 0.01
	done
	grep -q 'touched page 0' "$OUT.err"
	[ -n "$(shmtool ls -n --sysv)" ]
	stop_example page-faults INT
	run cat "$OUT"
	assert_output --regexp '^removed segment [0-9]+$'
	run shmtool ls -n --sysv
	assert_output ''
}
