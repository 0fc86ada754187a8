# SPDX-License-Identifier: GPL-2.0-or-later
# shmtool: plain make. `make` builds ./shmtool, `make check` runs every test.
VERSION = 0.1.0

PREFIX ?= /usr/local
BINDIR ?= $(PREFIX)/bin
DATADIR ?= $(PREFIX)/share
MANDIR ?= $(DATADIR)/man
BASHCOMPDIR ?= $(DATADIR)/bash-completion/completions
ZSHCOMPDIR ?= $(DATADIR)/zsh/site-functions
FISHCOMPDIR ?= $(DATADIR)/fish/vendor_completions.d

CC ?= cc
SCDOC ?= scdoc
BATS ?= bats
CFLAGS ?= -O2 -g
WARNINGS = -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wmissing-prototypes
ALL_CFLAGS = -std=c11 -D_GNU_SOURCE $(WARNINGS) $(CFLAGS) \
	-DSHMTOOL_VERSION='"$(VERSION)"' -DSHMTOOL_BUILD='"$(BUILD_DESC)"' \
	-DPOPT_VERSION_TEXT='"$(POPT_VERSION)"'
POPT_VERSION := $(shell pkg-config --modversion popt 2>/dev/null || echo unknown)
LDLIBS += -lpopt

# SANITIZE=1: AddressSanitizer + UBSan, in a build tree of its own.
ifeq ($(SANITIZE),1)
SAN_FLAGS = -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all
BUILD = build/$(notdir $(CC))-san
else
BUILD = build/$(notdir $(CC))
endif
BUILD_DESC = $(notdir $(CC))$(if $(SAN_FLAGS), asan+ubsan)

LIB_SRC = $(wildcard lib/*.c)
CMD_SRC = $(wildcard cmd/*.c)
OBJ = $(patsubst %.c,$(BUILD)/%.o,$(LIB_SRC) $(CMD_SRC))
BIN = $(BUILD)/shmtool
HELPERS = $(patsubst test/helpers/%.c,$(BUILD)/helpers/%,$(wildcard test/helpers/*.c))
EXAMPLES = $(patsubst examples/%.c,$(BUILD)/examples/%,$(wildcard examples/*.c))
MAN_SRC = $(filter-out man/trailer.scd,$(wildcard man/*.scd))
MAN = $(MAN_SRC:.scd=)

all: shmtool man

shmtool: $(BIN) FORCE
	@cmp -s $(BIN) $@ || cp $(BIN) $@

# Quiet by default; V=1 shows the commands.
ifneq ($(V),1)
Q = @
QUIET_CC = @echo '  CC      $@';
QUIET_LINK = @echo '  LINK    $@';
endif

$(BIN): $(OBJ)
	$(QUIET_LINK)$(CC) $(ALL_CFLAGS) $(SAN_FLAGS) $(LDFLAGS) -o $@ $(OBJ) $(LDLIBS)

$(BUILD)/%.o: %.c $(wildcard lib/*.h cmd/*.h) Makefile
	@mkdir -p $(dir $@)
	$(QUIET_CC)$(CC) $(ALL_CFLAGS) $(CPPFLAGS) $(SAN_FLAGS) -c -o $@ $<

$(BUILD)/helpers/%: test/helpers/%.c
	@mkdir -p $(dir $@)
	$(QUIET_CC)$(CC) -std=c11 -D_GNU_SOURCE -Wall -Wextra -Werror $(CFLAGS) -o $@ $<

man: $(MAN)

# Every page ends with the shared trailer (scdoc has no include).
%.1: %.1.scd man/trailer.scd
	$(Q)cat $< man/trailer.scd | $(SCDOC) > $@

%.7: %.7.scd man/trailer.scd
	$(Q)cat $< man/trailer.scd | $(SCDOC) > $@

# This helper compiles the library's cgroup parser alone, to test it.
$(BUILD)/helpers/cgroupid: lib/container.c lib/shm.h

helpers: $(HELPERS)

# The tutorial's C programs (examples/README.md); each defines _GNU_SOURCE itself,
# as a reader's `cc -pthread -o x x.c` needs it to.
$(BUILD)/examples/%: examples/%.c Makefile
	@mkdir -p $(dir $@)
	$(QUIET_CC)$(CC) -std=c11 $(WARNINGS) $(CFLAGS) $(SAN_FLAGS) -pthread -o $@ $<

examples: $(EXAMPLES)

# Tests run against $(BIN), so SANITIZE=1 check tests the sanitized build.
check: $(BIN) helpers examples man
	SHMTOOL_BIN="$(abspath $(BIN))" SHMTOOL_HELPERS="$(abspath $(BUILD)/helpers)" \
		SHMTOOL_EXAMPLES="$(abspath $(BUILD)/examples)" BATS=$(BATS) test/run $(TESTS)

# The README's main job: a tour in a private IPC namespace and /dev/shm.
demo: shmtool
	unshare --ipc --mount --propagation private sh demo.sh ./shmtool

# Everything a fresh Debian/Ubuntu machine lacks for building and testing (as root).
deps:
	./.ci/deps

# Quoted: DESTDIR may hold spaces (a package built in such a checkout).
install: shmtool man
	install -d "$(DESTDIR)$(BINDIR)" "$(DESTDIR)$(MANDIR)/man1" "$(DESTDIR)$(MANDIR)/man7" \
		"$(DESTDIR)$(BASHCOMPDIR)" "$(DESTDIR)$(ZSHCOMPDIR)" "$(DESTDIR)$(FISHCOMPDIR)"
	install -m 0755 shmtool "$(DESTDIR)$(BINDIR)/shmtool"
	install -m 0644 $(filter %.1,$(MAN)) "$(DESTDIR)$(MANDIR)/man1/"
	$(if $(filter %.7,$(MAN)),install -m 0644 $(filter %.7,$(MAN)) "$(DESTDIR)$(MANDIR)/man7/")
	install -m 0644 completions/shmtool.bash "$(DESTDIR)$(BASHCOMPDIR)/shmtool"
	install -m 0644 completions/_shmtool "$(DESTDIR)$(ZSHCOMPDIR)/_shmtool"
	install -m 0644 completions/shmtool.fish "$(DESTDIR)$(FISHCOMPDIR)/shmtool.fish"

uninstall:
	rm -f "$(DESTDIR)$(BINDIR)/shmtool"
	for p in $(notdir $(filter %.1,$(MAN))); do rm -f "$(DESTDIR)$(MANDIR)/man1/$$p"; done
	for p in $(notdir $(filter %.7,$(MAN))); do rm -f "$(DESTDIR)$(MANDIR)/man7/$$p"; done
	rm -f "$(DESTDIR)$(BASHCOMPDIR)/shmtool" "$(DESTDIR)$(ZSHCOMPDIR)/_shmtool" \
		"$(DESTDIR)$(FISHCOMPDIR)/shmtool.fish"

clean:
	rm -rf build shmtool $(MAN)

# The Debian package (debian/), built as dpkg-buildpackage always does: into
# the parent directory. debian/changelog must carry this VERSION.
deb:
	@v=$$(dpkg-parsechangelog -S Version) && [ "$$v" = "$(VERSION)" ] || \
		{ echo "deb: debian/changelog says $$v, the Makefile $(VERSION)" >&2; exit 1; }
	dpkg-buildpackage -us -uc -b
	@echo "deb: built $$(cd .. && pwd)/shmtool_$(VERSION)_$$(dpkg --print-architecture).deb"

FORCE:

.PHONY: all man helpers examples check demo deps install uninstall clean deb FORCE

# Fuzzing: one libFuzzer target per test/fuzz/fuzz-*.c, built by clang with
# ASan + UBSan in a tree of its own, each run for FUZZ_SECONDS on a copy of its
# seed corpus (test/fuzz/README.md). Fails if any target finds a crash.
FUZZ_CC ?= clang
FUZZ_SECONDS ?= 30
FUZZ_BUILD = build/fuzz
FUZZ_TARGETS = $(patsubst test/fuzz/%.c,%,$(wildcard test/fuzz/fuzz-*.c))
FUZZ_BINS = $(addprefix $(FUZZ_BUILD)/,$(FUZZ_TARGETS))
FUZZ_CFLAGS = -std=c11 -D_GNU_SOURCE $(WARNINGS) -g -O1 -fno-omit-frame-pointer \
	-fsanitize=address,undefined -fno-sanitize-recover=all
FUZZ_LIB = $(FUZZ_BUILD)/libshm.a

fuzz-build: $(FUZZ_BINS)

fuzz: fuzz-build
	@FUZZ_SECONDS=$(FUZZ_SECONDS) test/fuzz/run $(FUZZ_BUILD) $(FUZZ_TARGETS)

# The library as an archive: a target links only the members it needs.
$(FUZZ_LIB): $(patsubst %.c,$(FUZZ_BUILD)/%.o,$(LIB_SRC))
	$(Q)rm -f $@
	$(QUIET_LINK)ar rcs $@ $^

# The emitter needs only its columns from cmd/ (never cmd/shmtool.c's main).
$(FUZZ_BUILD)/fuzz-json: $(FUZZ_BUILD)/cmd/out.o $(FUZZ_BUILD)/cmd/escape.o \
	$(FUZZ_BUILD)/cmd/table.o $(FUZZ_BUILD)/cmd/columns.o

$(FUZZ_BUILD)/fuzz-%: $(FUZZ_BUILD)/test/fuzz/fuzz-%.o $(FUZZ_LIB)
	$(QUIET_LINK)$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer -o $@ $(filter %.o,$^) $(FUZZ_LIB)

$(FUZZ_BUILD)/%.o: %.c $(wildcard lib/*.h cmd/*.h) Makefile
	@mkdir -p $(dir $@)
	$(QUIET_CC)$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link -c -o $@ $<

# A subset of the suite with every shmtool run under valgrind's memcheck, on
# the build without sanitizers (a copy, so a rebuild meanwhile does not matter).
# Each run logs to its own file, judged by test/fuzz/valgrind-logs: any memcheck
# error or definite or indirect leak fails the check. The exit code on an error
# is 99, not 1, which is the tool's own "failed" and what some tests expect. The
# preloaded shim only tells memcheck what shmctl(SHM_STAT_ANY) wrote, which
# valgrind 3.19 does not know (test/fuzz/valgrind-shmctl.c). Commands that attach
# run bare when not root: valgrind refuses shmat (EINVAL) on a segment the
# caller may not IPC_STAT, before the kernel can say EACCES. --vgdb=no: its
# /tmp/vgdb-pipe-shared-mem-vgdb-PID file is named by a pid that repeats from
# one test's PID namespace to the next, and a run that meets another user's
# file of the same name (two halves side by side in CI) dies on it.
VALGRIND ?= valgrind
VALGRIND_TESTS ?= test/020-ls.bats test/030-stat.bats test/060-cat.bats test/080-rm.bats
VG_DIR = $(BUILD)/valgrind
VG_SHIM = $(BUILD)/valgrind-shmctl.so

$(VG_SHIM): test/fuzz/valgrind-shmctl.c
	@mkdir -p $(dir $@)
	$(QUIET_CC)$(CC) -std=c11 -D_GNU_SOURCE $(WARNINGS) $(CFLAGS) -shared -fPIC -o $@ $< -ldl

# What check-valgrind needs, built once before two of them run side by side.
valgrind-deps: $(BIN) $(VG_SHIM) helpers

check-valgrind: valgrind-deps
	@if [ -n "$(SAN_FLAGS)" ]; then echo "check-valgrind: not with SANITIZE=1" >&2; exit 2; fi
	@rm -rf $(VG_DIR) && mkdir -p $(VG_DIR)/logs && chmod 1777 $(VG_DIR)/logs
	@cp $(BIN) $(VG_DIR)/shmtool.bin && cp $(VG_SHIM) $(VG_DIR)/shmctl.so
	@printf '%s\n' '#!/bin/sh' \
		'case $$(id -u):$${1-} in 0:*) ;; *:cat|*:write|*:pages|*:attach)' \
		'	mktemp "$(abspath $(VG_DIR))/logs/bare.XXXXXX" >/dev/null' \
		'	exec "$(abspath $(VG_DIR))/shmtool.bin" "$$@";; esac' \
		'log=$$(mktemp "$(abspath $(VG_DIR))/logs/vg.XXXXXX") || exit 125' \
		'LD_PRELOAD=$(abspath $(VG_DIR))/shmctl.so exec $(VALGRIND) --error-exitcode=99 --vgdb=no \' \
		'	--leak-check=full --errors-for-leak-kinds=definite,indirect \' \
		'	--show-leak-kinds=definite,indirect --log-file="$$log" \' \
		'	"$(abspath $(VG_DIR))/shmtool.bin" "$$@"' >$(VG_DIR)/shmtool
	@chmod +x $(VG_DIR)/shmtool
	@start=$$(date +%s); \
	SHMTOOL_BIN="$(abspath $(VG_DIR)/shmtool)" SHMTOOL_HELPERS="$(abspath $(BUILD)/helpers)" \
		BATS=$(BATS) test/run $(VALGRIND_TESTS); status=$$?; \
	test/fuzz/valgrind-logs $(VG_DIR)/logs || status=1; \
	echo "check-valgrind: $$(( $$(date +%s) - start )) s"; \
	exit $$status

.PHONY: fuzz fuzz-build check-valgrind valgrind-deps

# Keep the targets' own objects: make would delete them as intermediates.
.SECONDARY: $(patsubst %,$(FUZZ_BUILD)/test/fuzz/%.o,$(FUZZ_TARGETS))

# Benchmarks against ipcs, lsipc, ipcrm, cat and dd (as root: it runs in a private
# IPC namespace with its own tmpfs on /dev/shm). Not part of check; see bench/README.md.
BENCH_HELPERS = $(patsubst bench/%.c,$(BUILD)/bench/%,$(wildcard bench/*.c))

$(BUILD)/bench/%: bench/%.c
	@mkdir -p $(dir $@)
	$(QUIET_CC)$(CC) -std=c11 -D_GNU_SOURCE -Wall -Wextra -Werror $(CFLAGS) -o $@ $<

bench: shmtool $(BENCH_HELPERS)
	unshare --ipc --mount --propagation private bash bench/run.sh ./shmtool $(BUILD)/bench

# ls -A over many namespaces against a loop of nsenter + ipcs (bench/ns.sh).
bench-ns: shmtool $(BENCH_HELPERS)
	unshare --ipc --mount --propagation private bash bench/ns.sh ./shmtool $(BUILD)/bench

.PHONY: bench bench-ns
