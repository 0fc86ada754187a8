#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# Everything `make check` runs is installed by `.ci/deps` (without --ci), so a
# fresh machine that ran it passes the suite: each command the tests, the tour
# and the Makefile's check run is found, and comes from a package .ci/deps
# names. What only CI uses (promtool, clang, valgrind) is not needed here.

setup() {
	bats_require_minimum_version 1.5.0
	load '/usr/lib/bats/bats-support/load'
	load '/usr/lib/bats/bats-assert/load'
	ROOT="$(cd "$BATS_TEST_DIRNAME/.." && pwd)"
}

# COMMAND PACKAGE: every command the suite runs, and the Debian package it
# comes from. A new command in a test belongs here (and its package in .ci/deps).
COMMANDS='
awk mawk
basename coreutils
bash bash
bats bats
cat coreutils
cc gcc
chmod coreutils
chown coreutils
chroot coreutils
cmp diffutils
comm coreutils
cp coreutils
cut coreutils
date coreutils
dd coreutils
diff diffutils
dirname coreutils
env coreutils
find findutils
getconf libc-bin
fish fish
grep grep
head coreutils
hexdump bsdextrautils
iconv libc-bin
id coreutils
install coreutils
ipcmk util-linux
ipcrm util-linux
ipcs util-linux
jq jq
kill procps
ln coreutils
ls coreutils
make make
man man-db
mkdir coreutils
mkfifo coreutils
mknod coreutils
mktemp coreutils
mount mount
mv coreutils
nsenter util-linux
paste coreutils
pgrep procps
pkg-config pkg-config
pkill procps
readlink coreutils
rm coreutils
runuser util-linux
rmdir coreutils
scdoc scdoc
sed sed
seq coreutils
setpriv util-linux
sh dash
sha256sum coreutils
shuf coreutils
sleep coreutils
sort coreutils
stat coreutils
sysctl procps
tail coreutils
tee coreutils
timeout coreutils
touch coreutils
tr coreutils
truncate coreutils
unshare util-linux
wc coreutils
yes coreutils
zsh zsh
'
# Packages every Debian system has (Essential: yes): .ci/deps need not name them.
ESSENTIAL='bash dash'
# Words in the tests that are commands on some machine but that no test runs
# (subcommand names, words in messages and comments).
NOT_RUN='apt-get as col column dir file free groups last link more nl opt passwd
	script size sum users write promtool prometheus strings unlink m4
	node w watch which who docker shmtool'

@test "deps: every command the suite runs is installed" {
	local cmd pkg missing=()
	while read -r cmd pkg; do
		[ -n "$cmd" ] || continue
		command -v "$cmd" >/dev/null || missing+=("$cmd (apt-get install $pkg)")
	done <<<"$COMMANDS"
	[ -x /usr/bin/time ] || missing+=("/usr/bin/time (apt-get install time)")
	local f
	for f in /usr/lib/bats/bats-support/load.bash /usr/lib/bats/bats-assert/load.bash \
		/usr/share/bash-completion/bash_completion /usr/include/popt.h; do
		[ -e "$f" ] || missing+=("$f")
	done
	[ ${#missing[@]} = 0 ] || { printf 'missing: %s\n' "${missing[@]}"; echo "(.ci/deps installs them)"; return 1; }
}

@test "deps: .ci/deps installs the package of every command the suite runs, and only CI's extras with --ci" {
	local listed cmd pkg unlisted=()
	listed=$("$ROOT/.ci/deps" --list)
	while read -r cmd pkg; do
		[ -n "$pkg" ] || continue
		[[ " $ESSENTIAL " == *" $pkg "* ]] && continue
		grep -qxF "$pkg" <<<"$listed" || unlisted+=("$cmd: $pkg")
	done <<<"$COMMANDS"
	for pkg in time bats-assert bats-support libpopt-dev bash-completion; do
		grep -qxF "$pkg" <<<"$listed" || unlisted+=("$pkg")
	done
	[ ${#unlisted[@]} = 0 ] || { printf '.ci/deps does not install %s\n' "${unlisted[@]}"; return 1; }
	# CI's extras come only with --ci.
	for pkg in clang libclang-rt-dev valgrind prometheus debhelper lintian; do
		! grep -qxF "$pkg" <<<"$listed" || { echo "$pkg installed without --ci"; return 1; }
		"$ROOT/.ci/deps" --ci --list | grep -qxF "$pkg"
	done
	run "$ROOT/.ci/deps" --bogus
	assert_failure 2
}

# Every word of the tests, the tour and test/run that names a command on this
# machine is either in COMMANDS or known not to be run: a test that starts
# using a new command must say so above (and .ci/deps install it).
@test "deps: the list above names every command the tests run" {
	local words w unknown=()
	words=$(ls "$ROOT"/test/*.bats | grep -v /005-deps.bats |
		xargs -d '\n' cat "$ROOT"/test/test_helper/*.bash "$ROOT/test/run" "$ROOT/demo.sh" |
		grep -vE '^[[:space:]]*#' | tr -c 'A-Za-z0-9_.+-' '\n' | grep -E '^[a-z][a-z0-9_.+-]*$' | sort -u)
	for w in $words; do
		[ "$(type -t "$w")" = file ] || continue
		[[ "$COMMANDS" == *$'\n'"$w "* ]] && continue
		[[ " $(echo $NOT_RUN) " == *" $w "* ]] && continue
		unknown+=("$w")
	done
	[ ${#unknown[@]} = 0 ] || { echo "commands not in test/005-deps.bats: ${unknown[*]}"; return 1; }
}
