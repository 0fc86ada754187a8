# SPDX-License-Identifier: GPL-2.0-or-later
# Every test gets its own IPC namespace and its own tmpfs on /dev/shm, held by
# a sleeping process; commands enter it with nsenter, so the host's segments
# are never seen or touched.

_common_setup() {
	bats_require_minimum_version 1.5.0
	load '/usr/lib/bats/bats-support/load'
	load '/usr/lib/bats/bats-assert/load'
	ROOT="$(cd "$BATS_TEST_DIRNAME/.." && pwd)"
	SHMTOOL_BIN="${SHMTOOL_BIN:-$ROOT/shmtool}"
	HELPERS="${SHMTOOL_HELPERS:-$ROOT/build/cc/helpers}"
	BG_PIDS=()
	copy_for_others
	ns_start
}

# Tests run the tool and the helpers as nobody too, who may not enter the
# checkout (a clone under a 0700 home or mktemp -d, or another user's). Every
# test runs copies in a 0755 directory of its own outside the tree instead;
# bats' own run directory is 0700, so not there either.
copy_for_others() {
	OTHERS_DIR=$(mktemp -d "${BATS_TMPDIR:-/tmp}/shmtool-test.XXXXXX") || return 1
	mkdir "$OTHERS_DIR/helpers"
	cp -- "$SHMTOOL_BIN" "$OTHERS_DIR/" || return 1
	SHMTOOL_BIN="$OTHERS_DIR/${SHMTOOL_BIN##*/}"
	if [ -d "$HELPERS" ]; then
		cp -- "$HELPERS"/* "$OTHERS_DIR/helpers/" || return 1
	fi
	HELPERS="$OTHERS_DIR/helpers"
	chmod -R a+rX "$OTHERS_DIR" # whatever the umask
	if [ "$(id -u)" = 0 ] &&
		! setpriv --reuid=65534 --regid=65534 --clear-groups test -x "$SHMTOOL_BIN"; then
		echo "nobody cannot run $SHMTOOL_BIN: give TMPDIR a directory others may enter" >&2
		return 1
	fi
}

_common_teardown() {
	local pid
	for pid in "${BG_PIDS[@]}"; do
		kill "$pid" 2>/dev/null || true
	done
	# The namespace's init going takes every process in it along.
	[ -n "${NS_PID:-}" ] && kill -KILL "$NS_PID" 2>/dev/null
	wait 2>/dev/null || true
	[ -z "${OTHERS_DIR:-}" ] || rm -rf -- "$OTHERS_DIR"
}

ns_start() {
	local ready="$BATS_TEST_TMPDIR/ns-ready"
	local opts=(--ipc --mount --pid --fork --mount-proc --propagation private)
	[ "$(id -u)" = 0 ] || opts=(--map-root-user "${opts[@]}")
	# A PID namespace too: /proc shows only this test's processes, so none is
	# hidden from the holder scan and ls COMMAND never names a host process.
	unshare "${opts[@]}" sh -c \
		'mount -t tmpfs -o mode=1777,size=2g shmtool-test /dev/shm && : > "$1" && exec sleep 100000' \
		sh "$ready" 3>&- 2>"$BATS_TEST_TMPDIR/unshare.err" &
	UNSHARE_PID=$!
	local i
	for i in $(seq 500); do
		if [ -e "$ready" ]; then
			NS_PID=$(pgrep -P "$UNSHARE_PID")
			ns_argv
			NS_CMD="${NS_ARGV[*]}" # for pipelines in bash -c strings
			[ -n "$NS_PID" ] && return 0
		fi
		sleep 0.01
	done
	echo "test namespace did not come up" >&2
	return 1
}

# Runs a command inside this test's namespace.
ns() {
	ns_argv
	"${NS_ARGV[@]}" "$@"
}

# The command prefix that enters the namespace, for callers that need its pid.
ns_argv() {
	local opts=(--ipc --mount --pid)
	[ "$(id -u)" = 0 ] || opts=(--user --preserve-credentials "${opts[@]}")
	NS_ARGV=(nsenter -t "$NS_PID" "${opts[@]}" -- timeout 60)
}

shmtool() {
	ns "$SHMTOOL_BIN" "$@"
}

# A System V segment of SIZE bytes (with KEY and octal PERMS when given); prints its shmid.
mkseg() {
	ns "$HELPERS/mkseg" "$@"
}

# Starts HELPER ARGS... in the namespace with a READY-FILE last; waits until it is ready.
start_helper() {
	local ready="$BATS_TEST_TMPDIR/ready-$RANDOM$RANDOM"
	ns "$HELPERS/$1" "${@:2}" "$ready" 3>&- &
	BG_PIDS+=($!)
	wait_for_file "$ready" "$1"
}

# Waits up to 5 s for FILE to appear; says WHAT did not come up otherwise.
wait_for_file() {
	local i
	for i in $(seq 500); do
		[ -e "$1" ] && return 0
		sleep 0.01
	done
	echo "$2 did not come up" >&2
	return 1
}

# A helper attached to shmid ID (read-write, or ro) that stays until killed.
attach() {
	start_helper attach "$1" "${2:-rw}"
}

# The pid, inside the namespace, of the newest process named NAME.
ns_pid_of() {
	ns pgrep -n -x "$1"
}

# Ends every attach helper (inside the namespace, where they live).
kill_attachers() {
	ns pkill -x attach || true
	local i
	for i in $(seq 200); do
		ns pgrep -x attach >/dev/null || return 0
		sleep 0.02
	done
	return 1
}
