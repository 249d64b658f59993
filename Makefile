# Makefile - builds libbunri.a once and links it into bunrid, bunrictl and the tests.
#
#   make            install missing Debian packages (as root), build
#   make check      build and run every test (unit, conf corpus, netns)
#   make check SAN=1  the same with -fsanitize=address,undefined
#   make install    DESTDIR= and PREFIX= honoured

PREFIX	?= /usr/local
SBINDIR	?= $(PREFIX)/sbin
MANDIR	?= $(PREFIX)/share/man
SYSCONFDIR ?= /etc
UNITDIR	?= $(PREFIX)/lib/systemd/system
DESTDIR	?=

CC	?= cc
SAN	?=
ifeq ($(SAN),1)
B	:= build/san
SANFLAGS := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
else
B	:= build
SANFLAGS :=
endif

# Debian 12 packages the build and the tests need; `make deps` installs the
# missing ones with apt-get (root), so one command sets up a fresh machine.
DEB_PKGS := gcc make pkg-config libnftnl-dev libmnl-dev libpcap-dev \
	libconfig-dev libsodium-dev libssl-dev check nftables iproute2 tcpdump \
	python3 python3-jsonschema procps clang libclang-rt-14-dev \
	rsyslog rsyslog-relp rsyslog-gnutls openssl

PKGS	:= libnftnl libmnl libpcap libconfig libsodium libcrypto
OPT	?= -O2 -g
WARN	:= -Wall -Wextra -Wshadow -Wstrict-prototypes -Wmissing-prototypes \
	-Wpointer-arith -Wcast-qual -Werror
CFLAGS_ALL = -std=c11 -D_GNU_SOURCE $(OPT) $(WARN) $(SANFLAGS) \
	-Ilib $(shell pkg-config --cflags $(PKGS) 2>/dev/null) $(CFLAGS)
LDLIBS_ALL = $(shell pkg-config --libs $(PKGS) 2>/dev/null) $(LDLIBS)
CHECK_LIBS = $(shell pkg-config --libs check 2>/dev/null)

LIB_SRC	:= $(sort $(wildcard lib/*.c))
LIB_OBJ	:= $(LIB_SRC:%.c=$(B)/%.o)
LIBA	:= $(B)/libbunri.a

# Daemon-side adapters shared by both programs live in daemon/; each
# program's main file is excluded from the other.
D_COMMON := $(filter-out daemon/bunrid.c daemon/bunrictl.c daemon/ctl_%.c,$(sort $(wildcard daemon/*.c)))
D_OBJ	:= $(D_COMMON:%.c=$(B)/%.o)
CTL_SRC	:= daemon/bunrictl.c $(sort $(wildcard daemon/ctl_*.c))
CTL_OBJ	:= $(CTL_SRC:%.c=$(B)/%.o)

UNIT_SRC := $(sort $(wildcard tests/unit/check_*.c))
UNIT_BIN := $(UNIT_SRC:tests/unit/%.c=$(B)/tests/%)

PROGS	:= $(B)/bunrictl $(if $(wildcard daemon/bunrid.c),$(B)/bunrid)

.PHONY: all deps check unit install clean demo bench
all: deps
	@$(MAKE) --no-print-directory build

.PHONY: build
build: $(PROGS)

deps:
	@missing=""; for p in $(DEB_PKGS); do \
		dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | grep -q '^install ok installed' || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
		if [ "$$(id -u)" != 0 ]; then \
			echo "make deps: missing Debian packages:$$missing; run 'make deps' as root or install them with apt-get" >&2; exit 1; \
		fi; \
		echo "make deps: installing$$missing"; \
		export DEBIAN_FRONTEND=noninteractive; \
		apt-get update -q && apt-get install -y -q --no-install-recommends $$missing; \
	fi

$(B)/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_ALL) -MMD -MP -c -o $@ $<

$(LIBA): $(LIB_OBJ)
	@rm -f $@
	$(AR) rcs $@ $^

$(B)/bunrid: $(B)/daemon/bunrid.o $(D_OBJ) $(LIBA)
	$(CC) $(CFLAGS_ALL) -o $@ $^ $(LDLIBS_ALL)

$(B)/bunrictl: $(CTL_OBJ) $(D_OBJ) $(LIBA)
	$(CC) $(CFLAGS_ALL) -o $@ $^ $(LDLIBS_ALL)

$(B)/tests/%: tests/unit/%.c tests/unit/check_main.h $(LIBA)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_ALL) -Itests/unit $(shell pkg-config --cflags check) -o $@ $< $(LIBA) $(LDLIBS_ALL) $(CHECK_LIBS)

unit: $(UNIT_BIN)

# Test tools (tests/tools/*.c): small programs the shell tests drive.
TOOL_SRC := $(sort $(wildcard tests/tools/*.c))
TOOL_BIN := $(TOOL_SRC:tests/tools/%.c=$(B)/tools/%)

$(B)/tools/%: tests/tools/%.c $(LIBA)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_ALL) -MMD -MP -o $@ $< $(LIBA) $(LDLIBS_ALL)

# mklog also drives bunrid's alert writer (daemon/alertlog.c).
$(B)/tools/mklog: tests/tools/mklog.c $(D_OBJ) $(LIBA)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_ALL) -Idaemon -MMD -MP -o $@ $< $(D_OBJ) $(LIBA) $(LDLIBS_ALL)

.PHONY: tools fuzzers fuzz
tools: $(TOOL_BIN)

# libFuzzer harnesses (tests/fuzz/fuzz_*.c), built with clang and lib/
# compiled again for coverage; `make fuzz` runs each for FUZZ_TIME s
# through tests/fuzz/run.sh, which `make check` also runs.
FUZZ_CC	?= clang
FUZZ_FLAGS = -std=c11 -D_GNU_SOURCE -O1 -g -Wall -Wextra -Ilib \
	$(shell pkg-config --cflags $(PKGS) 2>/dev/null) -fno-omit-frame-pointer \
	-fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=all
FUZZ_SRC := $(sort $(wildcard tests/fuzz/fuzz_*.c))
FUZZ_BIN := $(FUZZ_SRC:tests/fuzz/%.c=$(B)/fuzz/%)
FUZZ_LIB := $(B)/fuzz/libbunri.a

$(B)/fuzz/lib/%.o: lib/%.c
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_FLAGS) -MMD -MP -c -o $@ $<

$(FUZZ_LIB): $(LIB_SRC:%.c=$(B)/fuzz/%.o)
	@rm -f $@
	$(AR) rcs $@ $^

$(B)/fuzz/%: tests/fuzz/%.c $(FUZZ_LIB)
	$(FUZZ_CC) $(FUZZ_FLAGS) -fsanitize=fuzzer -MMD -MP -o $@ $< $(FUZZ_LIB) $(LDLIBS_ALL)

fuzzers: $(FUZZ_BIN)

fuzz: tools fuzzers
	@B=$(B) tests/fuzz/run.sh

# The test command of the README.  Unit tests, the bad-policy corpus and
# the netns scenarios all go through one runner that prints the totals.
check: deps
	@$(MAKE) --no-print-directory build unit tools
	@B=$(B) tests/run.sh

# The README's first command: on a fresh Debian 12, as root, a lab of
# network namespaces shows bunrid enforcing conf/bunri.conf (never touches
# the host's own interfaces or ruleset).
demo: deps
	@$(MAKE) --no-print-directory build
	@B=$(B) tests/netns/demo.sh

# The benchmark of issue 6: every figure against a reference measured in
# the same run; prints the table and writes bench/RESULTS.md (as root).
bench: deps
	@$(MAKE) --no-print-directory build
	@B=$(B) bench/run.sh

install: build
	install -d $(DESTDIR)$(SBINDIR) $(DESTDIR)$(MANDIR)/man5 $(DESTDIR)$(MANDIR)/man8 \
		$(DESTDIR)$(SYSCONFDIR)/bunri
	install -m 0755 $(B)/bunrid $(B)/bunrictl $(DESTDIR)$(SBINDIR)/
	install -m 0644 man/*.5 $(DESTDIR)$(MANDIR)/man5/
	if ls man/*.8 >/dev/null 2>&1; then install -m 0644 man/*.8 $(DESTDIR)$(MANDIR)/man8/; fi
	install -m 0644 conf/bunri.conf $(DESTDIR)$(SYSCONFDIR)/bunri/bunri.conf.example
	install -d $(DESTDIR)$(SYSCONFDIR)/bunri/rsyslog
	install -m 0644 conf/rsyslog/*.conf $(DESTDIR)$(SYSCONFDIR)/bunri/rsyslog/
	if ls systemd/*.service >/dev/null 2>&1; then \
		install -d $(DESTDIR)$(UNITDIR); install -m 0644 systemd/*.service $(DESTDIR)$(UNITDIR)/; fi
	# the boot-time barrier that bunri-base.service loads
	install -d $(DESTDIR)$(PREFIX)/share/bunri
	install -m 0644 systemd/base.nft $(DESTDIR)$(PREFIX)/share/bunri/base.nft
	sed -i 's|/usr/local/|$(PREFIX)/|g' $(DESTDIR)$(UNITDIR)/bunri*.service

clean:
	rm -rf build

-include $(shell find build -name '*.d' 2>/dev/null)
