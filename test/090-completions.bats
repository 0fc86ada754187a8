#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# Shell completions, each loaded in its real shell (bash with bash-completion,
# zsh, fish) and asked what it offers. The shells run inside the test's
# namespace, so segment completion sees the segments made here. A missing
# shell is a failure: CI installs bash-completion, zsh and fish.

setup() {
	load 'test_helper/common-setup'
	_common_setup
	COMPDIR="$ROOT/completions"
	# `shmtool` on PATH is the binary under test.
	BIN_DIR="$BATS_TEST_TMPDIR/bin"
	mkdir -p "$BIN_DIR"
	ln -s "$SHMTOOL_BIN" "$BIN_DIR/shmtool"
	# The shells run here (ftok completes file names); fish keeps its state here.
	WORK="$BATS_TEST_TMPDIR/work"
	mkdir -p "$WORK" "$BATS_TEST_TMPDIR/home"
	: >"$WORK/keyfile"
	write_drivers
}

teardown() { _common_teardown; }

need() {
	case $1 in
	bash) [ -r /usr/share/bash-completion/bash_completion ] ||
		fail "bash-completion is not installed (apt-get install bash-completion)" ;;
	*) command -v "$1" >/dev/null || fail "$1 is not installed (apt-get install $1)" ;;
	esac
}

# comp SHELL LINE: what SHELL's completion offers at the end of LINE, one per
# line (the whole word, as it would replace the one being completed).
comp() {
	local sh=$1 line=$2
	need "$sh"
	ns env PATH="$BIN_DIR:$PATH" HOME="$BATS_TEST_TMPDIR/home" \
		XDG_CONFIG_HOME="$BATS_TEST_TMPDIR/home/.config" \
		XDG_DATA_HOME="$BATS_TEST_TMPDIR/home/.local/share" \
		sh -c 'cd "$1" && shift && exec "$@"' sh "$WORK" "comp_$sh" "$COMPDIR" "$line"
}

# Each comp_SHELL runs as `ns env ... comp_SHELL`, so they are files.
write_drivers() {
	cat >"$BIN_DIR/comp_bash" <<'EOF'
#!/usr/bin/env bash
# comp_bash COMPDIR LINE: as bash would on TAB, through bash-completion.
source /usr/share/bash-completion/bash_completion || exit 2
source "$1/shmtool.bash" || exit 2
line=$2
read -ra COMP_WORDS <<<"$line"
[[ $line == *' ' ]] && COMP_WORDS+=('')
COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
COMP_LINE=$line
COMP_POINT=${#line}
COMPREPLY=()
_shmtool shmtool "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD - 1]}" 2>/dev/null
(( ${#COMPREPLY[@]} )) && printf '%s\n' "${COMPREPLY[@]}"
exit 0
EOF
	cat >"$BIN_DIR/comp_fish" <<'EOF'
#!/bin/sh
# comp_fish COMPDIR LINE
exec fish --no-config -c 'source $argv[1]/shmtool.fish; or exit 2; complete -C $argv[2] | string replace -r "\t.*" ""; true' "$@"
EOF
	# zsh completes only inside ZLE, so this runs an interactive zsh on a
	# pseudo-terminal (zsh/zpty), types LINE and TAB, and reports every
	# word handed to compadd that matches what is typed.
	cat >"$BIN_DIR/comp_zsh" <<'EOF'
#!/usr/bin/env -S zsh -f
# comp_zsh COMPDIR LINE
zmodload zsh/zpty || exit 2
zpty z zsh -f -i || exit 2
zpty -w z 'PS1= RPS1=; unsetopt zle_bell; setopt no_auto_list no_beep'
zpty -w z "fpath=(${(q)1} \$fpath); autoload -U compinit; compinit -u -D"
zpty -w z 'compadd() {
  if [[ ${@[1,(i)(-|--)]} == *-(O|A|D)\ * ]]; then builtin compadd "$@"; return; fi
  local -a hits
  builtin compadd -O hits "$@"
  (( $#hits )) && print -rn -- $'"'"'\n'"'"' && print -rl -- "${(@)hits/#/#HIT#$IPREFIX}"
  builtin compadd "$@"
}
_t_complete() {
  print -rn -- $'"'"'\n#BEGIN#\n'"'"'
  zle complete-word
  print -rn -- $'"'"'\n#END#\n'"'"'
}
zle -N _t_complete; bindkey "^I" _t_complete'
zpty -w -n z "$2"$'\t'
local out chunk
while zpty -r z chunk; do
  out+=$chunk
  [[ $out == *$'\n#END#'[$'\r\n']* ]] && break
done
zpty -d z
out=${out//$'\r'/}
out=${out##*$'\n#BEGIN#\n'}
[[ $out == *$'\n#END#\n'* ]] || exit 3
local -a hits=(${${(M)${(f)out}:#\#HIT\#*}#\#HIT\#})
(( $#hits )) && print -rl -- $hits
exit 0
EOF
	chmod +x "$BIN_DIR"/comp_*
}

# The commands in `shmtool --help`, and the options in `shmtool CMD --help`.
help_commands() {
	"$SHMTOOL_BIN" --help | awk '/^Commands:/{on=1;next} on && /^  [a-z]/{print $1} on && /^$/{exit}' | sort
}
help_options() {
	"$SHMTOOL_BIN" "$@" --help | grep -oE -- '^ +(-[A-Za-z], )?--[a-z][-a-z]*' |
		tr ', ' '\n\n' | grep . | sort
}

# $output: exactly the commands `shmtool --help` lists, each once; a command
# the completions do not know of (or one the tool does not have) fails.
all_commands() {
	local missing extra
	missing=$(comm -23 <(help_commands) <(sort <<<"$output"))
	extra=$(comm -13 <(help_commands) <(sort <<<"$output"))
	[ -z "$missing" ] || fail "in shmtool --help but not offered: $(echo $missing)"
	[ -z "$extra" ] || fail "offered but not in shmtool --help (or twice): $(echo $extra)"
}

# The options offered after `shmtool CMD -`, without the =.
offered_options() {
	local sh=$1
	shift
	comp "$sh" "shmtool $* -" | sed 's/=$//' | sort -u
}

#
# Each check runs for every shell.
#

check_commands() {
	local sh=$1
	run comp "$sh" 'shmtool st'
	assert_success
	assert_output 'stat'

	# Every command the tool has, and nothing else.
	run comp "$sh" 'shmtool '
	assert_success
	all_commands

	run comp "$sh" 'shmtool -'
	assert_success
	diff <(printf '%s\n' --help --version -h -V -N --ns --pidns-only --proc --shm-dir | sort) <(sort <<<"$output")

	# help COMMAND
	run comp "$sh" 'shmtool help '
	assert_success
	all_commands
}

check_options() {
	local sh=$1 cmd
	# Every command of shmtool --help but help, which has no options.
	for cmd in $(help_commands); do
		[ "$cmd" = help ] && continue
		diff <(help_options "$cmd") <(offered_options "$sh" "$cmd") ||
			fail "shmtool $cmd: the options offered differ from its --help"
	done
	run comp "$sh" 'shmtool ls --nohe'
	assert_success
	assert_output '--noheadings'
}

check_columns() {
	local sh=$1
	run comp "$sh" 'shmtool ls -o S'
	assert_success
	diff <(printf '%s\n' SIZE STATUS SWAP) <(sort <<<"$output")

	run comp "$sh" 'shmtool ls --output ID,SI'
	assert_success
	assert_output 'ID,SIZE'

	run comp "$sh" 'shmtool ls -o +CP'
	assert_success
	assert_output '+CPID'

	# Columns already in the list are not offered again.
	run comp "$sh" 'shmtool ls -o SIZE,S'
	assert_success
	diff <(printf '%s\n' SIZE,STATUS SIZE,SWAP) <(sort <<<"$output")

	# --sort takes one column, in any case.
	run comp "$sh" 'shmtool ls -b --sort nat'
	assert_success
	assert_output 'NATTCH'

	# All of them, as ls --help lists them.
	run comp "$sh" 'shmtool ls -o '
	assert_success
	diff <("$SHMTOOL_BIN" ls --help | awk '/^Columns:/{on=1;next} on && /^  [A-Z]/{print $1}' | sort) \
		<(sort <<<"$output")
}

check_segments() {
	local sh=$1 id private
	id=$(mkseg 4096 0x1234)
	private=$(mkseg 100)
	ns touch /dev/shm/obj
	run comp "$sh" 'shmtool stat '
	assert_success
	assert_line "$id"
	assert_line '0x00001234'
	assert_line "$private"
	assert_line '/obj'
	refute_line '0x00000000'
	# and file:PID:0xADDR of what the shell itself maps shared (a locale cache)
	[ "$(grep -vc '^file:' <<<"$output")" -eq 4 ]

	run comp "$sh" "shmtool stat --json $id /o"
	assert_success
	assert_output '/obj'

	run comp "$sh" 'shmtool stat 0x'
	assert_success
	assert_output '0x00001234'
}

# create, cat, write and rm: live segments where one is named, a file for
# write, and nothing for values to type.
check_new_commands() {
	local sh=$1 id
	id=$(mkseg 4096 0x1234)
	ns touch /dev/shm/obj
	run comp "$sh" 'shmtool rm '
	assert_success
	assert_line "$id"
	assert_line '/obj'

	# any number of them, after options
	run comp "$sh" "shmtool rm -n --sysv $id /o"
	assert_success
	assert_output '/obj'

	run comp "$sh" 'shmtool rm --user roo'
	assert_success
	assert_line 'root'

	run comp "$sh" 'shmtool cat '
	assert_success
	assert_line "$id"
	assert_line '/obj'

	# -o is an offset here, not ls's columns
	run comp "$sh" 'shmtool cat -o '
	assert_success
	assert_output ''
	run comp "$sh" 'shmtool cat --offset S'
	assert_success
	assert_output ''

	# the value is no operand; the one segment is
	run comp "$sh" 'shmtool cat -x -o 8 --length 16 /o'
	assert_success
	assert_output '/obj'
	run comp "$sh" "shmtool cat $id /o"
	assert_success
	assert_output ''

	run comp "$sh" 'shmtool write -o 8 /o'
	assert_success
	assert_output '/obj'
	run comp "$sh" "shmtool write -o 8 $id key"
	assert_success
	assert_output 'keyfile'

	run comp "$sh" 'shmtool create -s '
	assert_success
	assert_output ''
	run comp "$sh" 'shmtool create -s 4096 -m 0644 '
	assert_success
	assert_output ''
}

# stat and cat offer the memfd:PID:FD a process holds and the anon:PID:0xADDR
# it maps; rm, which cannot remove either, does not.
check_memfd() {
	local sh=$1 id sysv anon
	sysv=$(mkseg 4096)
	start_helper memfd shmtool-test
	start_helper anonzone share 1 1 0
	id=$(shmtool ls --memfd --raw -n -o ID,NAME | awk '$2 == "shmtool-test" { print $1 }')
	[[ $id == memfd:*:[0-9]* ]] || fail "no memfd id in ls --memfd: '$id'"
	anon=$(shmtool ls --anon --raw -n -o TYPE,ID | awk '$1 == "anon" { print $2 }')
	[[ $anon == anon:*:0x* ]] || fail "no anon id in ls --anon: '$anon'"

	run comp "$sh" 'shmtool pages anon'
	assert_success
	assert_line "$anon"

	run comp "$sh" 'shmtool stat '
	assert_success
	assert_line "$id"
	assert_line "$sysv"

	run comp "$sh" "shmtool stat -J $sysv memf"
	assert_success
	assert_line "$id"
	refute_line --regexp ':-$'

	run comp "$sh" 'shmtool cat -x '
	assert_success
	assert_line "$id"
	assert_line "$sysv"

	run comp "$sh" 'shmtool rm '
	assert_success
	assert_line "$sysv"
	refute_line --partial 'memfd'
	refute_line --partial 'anon'

	run comp "$sh" 'shmtool write '
	assert_success
	assert_line "$sysv"
	refute_line --partial 'memfd'
}

check_args() {
	local sh=$1
	run comp "$sh" 'shmtool ftok key'
	assert_success
	assert_output 'keyfile'

	run comp "$sh" 'shmtool ftok keyfile '
	assert_success
	assert_output ''

	run comp "$sh" 'shmtool ls --user roo'
	assert_success
	assert_line 'root'

	run comp "$sh" 'shmtool ls --min-size '
	assert_success
	assert_output ''
}

@test "completions: every shell is installed" {
	need bash
	need zsh
	need fish
}

@test "bash: command names, global options, help COMMAND" {
	check_commands bash
}

@test "bash: exactly the options of each command's --help" {
	check_options bash
}

@test "bash: column lists after ls -o and --sort" {
	check_columns bash
	# glued to the short option
	run comp bash 'shmtool ls -nboID,S'
	assert_success
	diff <(printf '%s\n' -nboID,SIZE -nboID,STATUS -nboID,SWAP) <(sort <<<"$output")
}

@test "bash: live segments for stat" {
	check_segments bash
}

@test "bash: ftok file, --user, values to type" {
	check_args bash
}

@test "bash: create, cat, write and rm" {
	check_new_commands bash
}

@test "bash: memfd ids for stat and cat, not rm" {
	check_memfd bash
}

@test "zsh: command names, global options, help COMMAND" {
	check_commands zsh
}

@test "zsh: exactly the options of each command's --help" {
	check_options zsh
}

@test "zsh: column lists after ls -o and --sort" {
	check_columns zsh
	run comp zsh 'shmtool ls -nboID,S'
	assert_success
	diff <(printf '%s\n' -nboID,SIZE -nboID,STATUS -nboID,SWAP) <(sort <<<"$output")
}

@test "zsh: live segments for stat" {
	check_segments zsh
}

@test "zsh: ftok file, --user, values to type" {
	check_args zsh
}

@test "zsh: create, cat, write and rm" {
	check_new_commands zsh
}

@test "zsh: memfd ids for stat and cat, not rm" {
	check_memfd zsh
}

@test "zsh: the script loads and its helpers work without a terminal too" {
	need zsh
	run ns env PATH="$BIN_DIR:$PATH" zsh -f -c '
		fpath=("$1" $fpath); autoload -U compinit; compinit -u -D
		[[ $_comps[shmtool] == _shmtool ]] || { print "not registered"; exit 1 }
		autoload +X _shmtool && whence -w _shmtool' zsh "$COMPDIR"
	assert_success
	assert_output '_shmtool: function'
}

@test "fish: command names, global options, help COMMAND" {
	check_commands fish
}

@test "fish: exactly the options of each command's --help" {
	check_options fish
}

@test "fish: column lists after ls -o and --sort" {
	check_columns fish
	run comp fish 'shmtool ls -nboID,S'
	assert_success
	diff <(printf '%s\n' -nboID,SIZE -nboID,STATUS -nboID,SWAP) <(sort <<<"$output")
}

@test "fish: live segments for stat" {
	check_segments fish
}

@test "fish: ftok file, --user, values to type" {
	check_args fish
}

@test "fish: create, cat, write and rm" {
	check_new_commands fish
}

@test "fish: memfd ids for stat and cat, not rm" {
	check_memfd fish
}

# chmod, chown, lock, unlock, truncate: modes, users and groups, then segments.
check_admin() {
	local sh=$1 id
	id=$(mkseg 4096 0x1234)
	ns touch /dev/shm/obj
	run comp "$sh" 'shmtool chmod 64'
	assert_success
	diff <(printf '%s\n' 640 644) <(sort <<<"$output")
	run comp "$sh" 'shmtool chmod o-'
	assert_output 'o-rwx'
	run comp "$sh" 'shmtool chmod -n o-rwx /o'
	assert_output '/obj'
	run comp "$sh" 'shmtool chown roo'
	assert_line 'root'
	refute_line --partial '/obj'
	# bash replaces only what follows the colon (a word break there)
	run comp "$sh" 'shmtool chown root:roo'
	assert_line --regexp '^(root:)?root$'
	refute_line --partial 'nobody'
	run comp "$sh" "shmtool chown root $id /o"
	assert_output '/obj'
	run comp "$sh" "shmtool lock $id /o"
	assert_output '/obj'
	run comp "$sh" 'shmtool unlock 0x'
	assert_output '0x00001234'
	run comp "$sh" 'shmtool truncate -f -s 4K /o'
	assert_output '/obj'
	run comp "$sh" 'shmtool truncate -s '
	assert_output ''
}

@test "bash: chmod modes, chown users and groups, segments for lock and truncate" {
	check_admin bash
}

@test "zsh: chmod modes, chown users and groups, segments for lock and truncate" {
	check_admin zsh
}

@test "fish: chmod modes, chown users and groups, segments for lock and truncate" {
	check_admin fish
}

@test "completions: --ns offers the pids of the processes in another IPC namespace" {
	local ready="$BATS_TEST_TMPDIR/container-up" sh want
	# A "container": a process in IPC, mount and PID namespaces of its own.
	ns unshare --ipc --mount --pid --fork --kill-child sh -c ': > "$1" && exec sleep 100000' \
		sh "$ready" 3>&- &
	BG_PIDS+=($!)
	wait_for_file "$ready" container
	# The unshare and its child: the only processes here outside our namespace.
	want=$(ns sh -c 'for p in $(pgrep -x unshare) $(pgrep -x sleep); do
		[ "$(readlink /proc/$p/ns/ipc)" != "$(readlink /proc/self/ns/ipc)" ] && echo "$p"
	done' | sort -n)
	[ "$(wc -l <<<"$want")" -eq 2 ]
	for sh in bash zsh fish; do
		run comp "$sh" 'shmtool --ns '
		assert_success
		diff <(echo "$want") <(sort -n <<<"$output") || fail "$sh: --ns offers other pids"
		# After --ns PID, the command names as ever.
		run comp "$sh" "shmtool -N ${want%%$'\n'*} met"
		assert_success
		assert_output metrics
	done
}
