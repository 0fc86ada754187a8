#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# shmtool(7) is a tutorial: every command it shows after a "$ " prompt runs, in
# order, in one shell, and succeeds.

setup() {
	load 'test_helper/common-setup'
	_common_setup
	EXAMPLES="${SHMTOOL_EXAMPLES:-$ROOT/build/cc/examples}"
}
teardown() { _common_teardown; }

# The tutorial's commands: the lines of its literal blocks that start with "$ ", without it.
tutorial_commands() {
	awk '/^```/ { lit = !lit; next } lit && /^\$ / { print substr($0, 3) }' \
		"$ROOT/man/shmtool.7.scd"
}

@test "tutorial: every command of shmtool(7) runs, in order, and succeeds" {
	local bin="$BATS_TEST_TMPDIR/bin" script="$BATS_TEST_TMPDIR/tutorial.sh" n=0 cmd job
	mkdir -p "$bin"
	ln -s "$SHMTOOL_BIN" "$bin/shmtool"
	{
		# A reader types the next command once a background job has said it
		# is attached; the script waits for the job's first line the same way.
		cat <<-'EOF'
			set -eo pipefail
			ready() {
				local i
				for i in $(seq 500); do
					[ -s "$1" ] && { cat "$1"; return 0; }
					sleep 0.01
				done
				echo "background job printed nothing: $1" >&2
				return 1
			}
		EOF
		while IFS= read -r cmd; do
			n=$((n + 1))
			printf 'echo %q\n' "\$ $cmd"
			if [[ $cmd == *' &' ]]; then
				job="$BATS_TEST_TMPDIR/job.$n"
				printf '%s > %q &\n' "${cmd% &}" "$job"
				printf 'ready %q\n' "$job"
			else
				printf '%s\n' "$cmd"
			fi
		done < <(tutorial_commands)
		echo "echo 'ran $n commands'"
	} > "$script"
	echo "extracted $n commands"
	[ "$n" -ge 60 ]
	# One bash script, as a reader's shell: jobs started with & answer to %1
	# and $!, and set -e stops at the first command that fails. The example
	# programs are on its PATH, as the page has the reader put them.
	run ns env PATH="$bin:$EXAMPLES:$PATH" bash "$script" 3>&-
	assert_success
	assert_line "ran $n commands"
	# What the tutorial says the reader sees at a few of the steps.
	assert_line 'marked sysv 0 for removal: 2 processes attached'
	assert_line --regexp '^sysv 0  0x00000000 .* 2 dest$'
	assert_line '1 of 256 pages resident (0.39 %), page size 4K'
	assert_line 'would remove posix /demo'
	# The example programs did what the page says they do: the messages
	# arrived, the segment stayed dest while its writer was attached, the
	# counter is exact under the mutex, which a killed holder did not wedge,
	# the zone is one in three processes, the pages touched are resident.
	assert_line --regexp '^read "hello, reader" from segment [0-9]+$'
	assert_line --regexp '^[0-9]+ +0x00000000 +1 dest +[0-9]+$'
	assert_line 'read "hello, reader" from /example'
	assert_line --regexp '/dev/shm/example \(deleted\)$'
	# In the page's order: with the mutex, without it, with a killed holder.
	# Without it, a loaded machine may run the 4 one after another and lose none.
	local counts
	mapfile -t counts < <(grep '^counter ' <<<"$output")
	[ "${#counts[@]}" -eq 3 ]
	[ "${counts[0]}" = 'counter 4000000, expected 4000000' ]
	[[ "${counts[1]}" =~ ^counter\ [0-9]+,\ expected\ 4000000(:\ [0-9]+\ increments\ lost)?$ ]]
	[ "${counts[2]}" = 'counter 4000000, expected 4000000' ]
	assert_line '1 locker got EOWNERDEAD and made the mutex consistent'
	assert_line 'requests counted in the zone: 2000; Ctrl-C or kill ends all'
	[ "$(grep -cE '^/proc/[0-9]+/maps:.* /dev/zero \(deleted\)$' <<<"$output")" -eq 3 ]
	assert_line '43 of 128 pages resident (33.59 %), page size 4K'
	# the background jobs wrote to their files: each attach attached, then
	# detached; the sealed memfd refused to grow in memfd-pass's child
	[ "$(cat "$BATS_TEST_TMPDIR"/job.* | grep -c '^attached ')" -eq 3 ]
	[ "$(cat "$BATS_TEST_TMPDIR"/job.* | grep -cE '^detached (0x|/)')" -eq 3 ]
	grep -qx 'child: ftruncate to 8192 bytes: Operation not permitted' "$BATS_TEST_TMPDIR"/job.*
	grep -qx 'removed segment [0-9]*' "$BATS_TEST_TMPDIR"/job.*
}

@test "tutorial: shmtool(7) builds and renders without warnings" {
	run --separate-stderr bash -c 'cat "$1" "$2" | scdoc' _ \
		"$ROOT/man/shmtool.7.scd" "$ROOT/man/trailer.scd"
	assert_success
	[ -z "$stderr" ]
	# the page make man built, as it is installed
	[ -f "$ROOT/man/shmtool.7" ]
	run --separate-stderr env MANWIDTH=80 man --warnings -l "$ROOT/man/shmtool.7"
	assert_success
	[ -z "$stderr" ] || { echo "$stderr"; false; }
	assert_line --regexp '^shmtool\(7\) '
	assert_line --partial 'shmtool - a tutorial on System V and POSIX shared memory'
}
