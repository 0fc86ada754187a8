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
	ns_start
}

_common_teardown() {
	local pid
	for pid in "${BG_PIDS[@]}"; do
		kill "$pid" 2>/dev/null || true
	done
	[ -n "${NS_PID:-}" ] && kill "$NS_PID" 2>/dev/null
	wait 2>/dev/null || true
}

ns_start() {
	local ready="$BATS_TEST_TMPDIR/ns-ready" opts=(--ipc --mount --propagation private)
	[ "$(id -u)" = 0 ] || opts=(--map-root-user "${opts[@]}")
	unshare "${opts[@]}" sh -c \
		'mount -t tmpfs -o mode=1777,size=2g shmtool-test /dev/shm && : > "$1" && exec sleep 100000' \
		sh "$ready" 3>&- &
	NS_PID=$!
	local i
	for i in $(seq 500); do
		[ -e "$ready" ] && return 0
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
	local opts=(--ipc --mount)
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

# Starts a helper that attaches shmid ID and stays; waits until it has attached.
attach() {
	local id=$1 mode=${2:-rw} ready
	ready="$BATS_TEST_TMPDIR/attach-$id-$RANDOM"
	ns_argv
	# not through ns(): $! must be the process itself, so kill reaches it
	"${NS_ARGV[@]}" "$HELPERS/attach" "$id" "$ready" "$mode" 3>&- &
	BG_PIDS+=($!)
	local i
	for i in $(seq 500); do
		[ -e "$ready" ] && return 0
		sleep 0.01
	done
	echo "attach $id did not come up" >&2
	return 1
}
