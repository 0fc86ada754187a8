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
	$(QUIET_CC)$(CC) $(ALL_CFLAGS) $(SAN_FLAGS) -c -o $@ $<

$(BUILD)/helpers/%: test/helpers/%.c
	@mkdir -p $(dir $@)
	$(QUIET_CC)$(CC) -std=c11 -D_GNU_SOURCE -Wall -Wextra -Werror $(CFLAGS) -o $@ $<

man: $(MAN)

# Every page ends with the shared trailer (scdoc has no include).
%.1: %.1.scd man/trailer.scd
	$(Q)cat $< man/trailer.scd | $(SCDOC) > $@

%.7: %.7.scd man/trailer.scd
	$(Q)cat $< man/trailer.scd | $(SCDOC) > $@

helpers: $(HELPERS)

# Tests run against $(BIN), so SANITIZE=1 check tests the sanitized build.
check: $(BIN) helpers man
	SHMTOOL_BIN=$(abspath $(BIN)) SHMTOOL_HELPERS=$(abspath $(BUILD)/helpers) \
		BATS=$(BATS) test/run $(TESTS)

# The README's main job: a tour in a private IPC namespace and /dev/shm.
demo: shmtool
	unshare --ipc --mount --propagation private sh demo.sh ./shmtool

# Everything a fresh Debian/Ubuntu machine lacks for building and testing (as root).
deps:
	./.ci/deps

install: shmtool man
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(MANDIR)/man7 \
		$(DESTDIR)$(BASHCOMPDIR) $(DESTDIR)$(ZSHCOMPDIR) $(DESTDIR)$(FISHCOMPDIR)
	install -m 0755 shmtool $(DESTDIR)$(BINDIR)/shmtool
	install -m 0644 $(filter %.1,$(MAN)) $(DESTDIR)$(MANDIR)/man1/
	$(if $(filter %.7,$(MAN)),install -m 0644 $(filter %.7,$(MAN)) $(DESTDIR)$(MANDIR)/man7/)
	install -m 0644 completions/shmtool.bash $(DESTDIR)$(BASHCOMPDIR)/shmtool
	install -m 0644 completions/_shmtool $(DESTDIR)$(ZSHCOMPDIR)/_shmtool
	install -m 0644 completions/shmtool.fish $(DESTDIR)$(FISHCOMPDIR)/shmtool.fish

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/shmtool
	rm -f $(addprefix $(DESTDIR)$(MANDIR)/man1/,$(notdir $(filter %.1,$(MAN))))
	rm -f $(addprefix $(DESTDIR)$(MANDIR)/man7/,$(notdir $(filter %.7,$(MAN))))
	rm -f $(DESTDIR)$(BASHCOMPDIR)/shmtool $(DESTDIR)$(ZSHCOMPDIR)/_shmtool \
		$(DESTDIR)$(FISHCOMPDIR)/shmtool.fish

clean:
	rm -rf build shmtool $(MAN)

FORCE:

.PHONY: all man helpers check demo deps install uninstall clean FORCE
