#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later

setup() { load 'test_helper/common-setup'; _common_setup; }
teardown() { _common_teardown; }

@test "dispatch: --help lists every command" {
	run shmtool --help
	assert_success
	assert_output --partial 'Usage: shmtool'
	for c in ls stat ftok help; do
		assert_output --regexp "^  $c |
  $c "
	done
}

@test "dispatch: --version prints the version" {
	run shmtool --version
	assert_success
	assert_output --regexp '^shmtool [0-9]+\.[0-9]+\.[0-9]+'
}

@test "dispatch: no command is a usage error on stderr" {
	run --separate-stderr shmtool
	assert_failure 2
	assert_output ''
	[[ "$stderr" == *Usage:* ]]
}

@test "dispatch: unknown command exits 2 with a hint" {
	run --separate-stderr shmtool lss
	assert_failure 2
	assert_output ''
	[ "$stderr" = "shmtool: lss: not a command; did you mean 'ls'? (see 'shmtool --help')" ]
}

@test "dispatch: prefixes are not guessed" {
	run shmtool st 0
	assert_failure 2
}

@test "dispatch: unknown global option exits 2" {
	run shmtool --frobnicate ls
	assert_failure 2
	assert_output --partial '--frobnicate'
}

@test "dispatch: COMMAND --help works for every command" {
	for c in ls stat ftok; do
		run shmtool "$c" --help
		assert_success
		assert_output --partial "Usage: shmtool $c"
	done
}

@test "dispatch: unknown command option exits 2 naming it" {
	run --separate-stderr shmtool ls --bogus
	assert_failure 2
	[[ "$stderr" == "shmtool: ls: --bogus: unknown option"* ]]
}

@test "dispatch: help CMD falls back to --help without the page" {
	run env MANPATH=/nonexistent "$SHMTOOL_BIN" help stat
	assert_success
	assert_output --partial 'Usage: shmtool stat'
}

@test "dispatch: help of an unknown command exits 2" {
	run shmtool help frob
	assert_failure 2
}

@test "dispatch: a failed stdout is said, once, and exits 1 (ftok, rm, pages, metrics, help, --version)" {
	local id
	full() {
		run --separate-stderr ns env ${MANPATH:+MANPATH="$MANPATH"} sh -c '"$@" >/dev/full' \
			sh "$SHMTOOL_BIN" "$@"
		assert_failure 1
		assert_output ''
		[ "$stderr" = "shmtool: ${WHO}stdout: no space left on device" ] ||
			{ echo "$* said: $stderr"; return 1; }
	}
	WHO='ftok: ' full ftok /etc/passwd 1
	id=$(shmtool create -s 4K)
	WHO='pages: ' full pages "$id"
	WHO='metrics: ' full metrics
	WHO='rm: ' full rm "$id"
	WHO='rm: ' full rm --help
	WHO='ls: ' full ls --help
	WHO='help: ' full help
	# Without the page (an installed package's would be man's to write).
	WHO='help: ' MANPATH=/nonexistent full help ftok
	WHO='' full --version
	WHO='' full --help
}

@test "dispatch: help --help is help, exit 0" {
	run --separate-stderr shmtool help --help
	assert_success
	assert_line --index 0 'Usage: shmtool help [COMMAND]'
	[ -z "$stderr" ]
	run shmtool help -h
	assert_success
	assert_line --index 0 'Usage: shmtool help [COMMAND]'
	run shmtool help ls --help
	assert_success
	assert_line --index 0 'Usage: shmtool help [COMMAND]'
}

@test "dispatch: --help anywhere wins over a bad option before it" {
	local args
	for args in "ls --min-size BAD --help" "ls -s BAD --help" "ls --frob -h" "rm --unused-for 3q --help" \
		"metrics --min-size 1Q --help" "cat -o x --help"; do
		# shellcheck disable=SC2086
		run --separate-stderr shmtool $args
		assert_success
		[ -z "$stderr" ] || { echo "$args: $stderr"; return 1; }
		assert_line --index 0 --regexp "^Usage: shmtool ${args%% *} "
	done
	# after --, -h is an operand
	run --separate-stderr shmtool rm -- -h
	assert_failure 2
	[[ "$stderr" == 'shmtool: rm: -h: not a segment'* ]]
}
