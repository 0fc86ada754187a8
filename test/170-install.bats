#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later

setup() { load 'test_helper/common-setup'; _common_setup; }
teardown() { _common_teardown; }

expected_files() {
	echo ./usr/bin/shmtool
	local scd
	for scd in "$ROOT"/man/*.scd; do
		case $scd in */trailer.scd) continue ;; esac
		local page=${scd##*/}
		page=${page%.scd}
		echo "./usr/share/man/man${page##*.}/$page"
	done
	echo ./usr/share/bash-completion/completions/shmtool
	echo ./usr/share/zsh/site-functions/_shmtool
	echo ./usr/share/fish/vendor_completions.d/shmtool.fish
}

@test "install: DESTDIR and PREFIX place exactly the expected files; uninstall removes them" {
	local dest="$BATS_TEST_TMPDIR/dest"
	make -s -C "$ROOT" install DESTDIR="$dest" PREFIX=/usr >/dev/null
	diff <(cd "$dest" && find . -type f | sort) <(expected_files | sort)
	[ -x "$dest/usr/bin/shmtool" ]
	"$dest/usr/bin/shmtool" --version
	make -s -C "$ROOT" uninstall DESTDIR="$dest" PREFIX=/usr >/dev/null
	[ -z "$(find "$dest" -type f)" ]
}

@test "install: BINDIR, MANDIR and completion directories can be moved" {
	local dest="$BATS_TEST_TMPDIR/d2"
	make -s -C "$ROOT" install DESTDIR="$dest" BINDIR=/opt/b MANDIR=/opt/m \
		BASHCOMPDIR=/opt/c/bash ZSHCOMPDIR=/opt/c/zsh FISHCOMPDIR=/opt/c/fish >/dev/null
	[ -x "$dest/opt/b/shmtool" ]
	[ -f "$dest/opt/m/man1/shmtool-ls.1" ]
	[ -f "$dest/opt/c/bash/shmtool" ] && [ -f "$dest/opt/c/zsh/_shmtool" ] && [ -f "$dest/opt/c/fish/shmtool.fish" ]
}

@test "install: shmtool help CMD opens the installed page" {
	local dest="$BATS_TEST_TMPDIR/dest"
	make -s -C "$ROOT" install DESTDIR="$dest" PREFIX=/usr >/dev/null
	run env MANPATH="$dest/usr/share/man" MANPAGER=cat PAGER=cat "$SHMTOOL_BIN" help ls
	assert_success
	assert_output --partial 'shmtool-ls'
	assert_output --partial 'OPTIONS'
	refute_output --partial 'Usage: shmtool ls'
}
