#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# Every option in every --help is in its man page, and every option there is in --help.

setup() { load 'test_helper/common-setup'; _common_setup; }
teardown() { _common_teardown; }

commands() {
	"$SHMTOOL_BIN" --help | awk '/^Commands:/ {on=1; next} on && /^  [a-z]/ {print $1} /^$/ && on {on=0}' | grep -vx help
}

# The option column of popt's help: "  -o, --offset=OFFSET   text" gives -o and --offset.
help_options() {
	"$SHMTOOL_BIN" "$1" --help | sed -nE 's/^ +(-[^ ].*)$/\1/p' | sed -E 's/   .*//' |
		grep -oE -- '--?[a-zA-Z][a-zA-Z-]*' | sort -u
}

# Options the page's OPTIONS, FILTERS or similar entries list: *-x*, *--long*.
page_options() {
	grep -oE '^\*--?[a-zA-Z][a-zA-Z-]*\*(, \*--?[a-zA-Z][a-zA-Z-]*\*)?' "$ROOT/man/shmtool-$1.1.scd" |
		grep -oE -- '--?[a-zA-Z][a-zA-Z-]*' | sort -u
}

@test "man: every command has a page, with the same options as its --help" {
	local c
	for c in $(commands); do
		[ -f "$ROOT/man/shmtool-$c.1.scd" ] || { echo "no page for $c"; false; }
		diff <(help_options "$c") <(page_options "$c") || { echo "options differ for $c"; false; }
	done
	[ "$(commands | wc -l)" -ge 10 ]
}

@test "man: shmtool(1) lists every command" {
	local c
	for c in $(commands); do
		grep -q "^\*$c\*" "$ROOT/man/shmtool.1.scd" || { echo "shmtool(1) lacks $c"; false; }
	done
}

@test "man: every page renders without warnings" {
	local page
	for page in "$ROOT"/man/*.[17]; do
		run --separate-stderr env MANWIDTH=80 man --warnings -l "$page"
		assert_success
		[ -z "$stderr" ] || { echo "$page: $stderr"; false; }
	done
}
