# dq - data-quality filters.  See README.md.
#
#   make            build lib/libdq.a and bin/dq-*
#   make demo       install missing packages, build, run the example pipeline
#   make check      every test (C unit + Bats), plain and under ASan/UBSan,
#                   then each fuzzer for FUZZ_SECONDS (default 30)
#   make fuzz       build the libFuzzer targets and run each FUZZ_SECONDS
#   make faults     the fault-injection build (DQ_FAULT_ALLOC) in build/fault
#   make limits     huge inputs under memory caps (slow; not in check)
#   make bench      speed and memory against jq and Miller
#   make accuracy   duplicates found on FEBRL 1, 2 and dq-gen (bench-accuracy)
#   make install PREFIX=/usr/local
#   make lint       lib/ layering (scripts/lint-layers), clang-format, cppcheck

PREFIX  ?= /usr/local
BINDIR  ?= $(PREFIX)/bin
MANDIR  ?= $(PREFIX)/share/man/man1
VERSION := 0.1.0

CC      ?= cc
CXX     ?= c++
OPT     ?= -O2
CFLAGS  ?= $(OPT) -g
CXXFLAGS ?= $(OPT) -g
WARN    := -Wall -Wextra -Wno-unused-parameter -Wshadow -Wpointer-arith
ALL_CFLAGS := -std=c11 -D_GNU_SOURCE -DDQ_VERSION='"$(VERSION)"' -Ilib \
	$(WARN) $(CFLAGS) $(SANFLAGS)
ALL_CXXFLAGS := -std=c++17 -Ilib -Wall -Wextra $(CXXFLAGS) $(SANFLAGS)
LIBS    := -ldl -lz -lzstd -lbz2 -llzma -lyaml -lcsv -lcjson -lxxhash -lutf8proc -lphonenumber -lm -pthread

# O=DIR puts objects and programs elsewhere (the sanitizer build uses it).
O       ?= build
BIN     ?= bin

LIB_C   := $(wildcard lib/*/*.c)
LIB_CC  := $(wildcard lib/*/*.cc)
LIB_H   := $(wildcard lib/*/*.h)
LIB_OBJ := $(LIB_C:lib/%.c=$(O)/lib/%.o) $(LIB_CC:lib/%.cc=$(O)/lib/%.o)
LIB_A   := $(O)/libdq.a
TOOLS   := $(patsubst tools/%.c,%,$(wildcard tools/dq-*.c))
PROGS   := $(TOOLS:%=$(BIN)/%)
UNIT    := $(patsubst tests/unit/%.c,$(O)/tests/%,$(wildcard tests/unit/test_*.c))
# Test helpers built beside the unit tests (tests/duckdb-sql.c: makes the
# Parquet fixtures with DuckDB).
HELPERS := $(O)/tests/duckdb-sql
MANS    := $(wildcard tools/dq-*.1)
SCRIPTS := $(wildcard scripts/dq-*)

all: $(PROGS) $(UNIT) $(HELPERS)

$(O)/lib/%.o: lib/%.c $(LIB_H)
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -c -o $@ $<

$(O)/lib/%.o: lib/%.cc $(LIB_H)
	@mkdir -p $(@D)
	$(CXX) $(ALL_CXXFLAGS) -c -o $@ $<

$(LIB_A): $(LIB_OBJ)
	@rm -f $@
	ar rcs $@ $^

$(BIN)/%: tools/%.c $(LIB_A)
	@mkdir -p $(@D)
	$(CXX) $(SANFLAGS) $(CFLAGS) -o $@ -x c -std=c11 -D_GNU_SOURCE \
		-DDQ_VERSION='"$(VERSION)"' -Ilib $(WARN) $< -x none $(LIB_A) $(LIBS)

$(O)/tests/%: tests/unit/%.c tests/unit/unit.h $(LIB_A)
	@mkdir -p $(@D)
	$(CXX) $(SANFLAGS) $(CFLAGS) -o $@ -x c -std=c11 -D_GNU_SOURCE -Ilib \
		-Itests/unit $(WARN) $< -x none $(LIB_A) $(LIBS)

$(O)/tests/duckdb-sql: tests/duckdb-sql.c $(LIB_A)
	@mkdir -p $(@D)
	$(CXX) $(SANFLAGS) $(CFLAGS) -o $@ -x c -std=c11 -D_GNU_SOURCE -Ilib \
		$(WARN) $< -x none $(LIB_A) $(LIBS)

deps:
	scripts/install-deps

# The sanitizer build: same sources, objects in build/san, programs in
# build/san/bin.
SAN := -fsanitize=address,undefined -fno-omit-frame-pointer \
	-fno-sanitize-recover=undefined
san:
	$(MAKE) O=build/san BIN=build/san/bin OPT=-O1 SANFLAGS='$(SAN)' all

# The fuzzers (tests/fuzz/fuzz_*.c): clang, libFuzzer, ASan and UBSan.
# The library is rebuilt in build/fuzz with coverage instrumentation.
FUZZ_SECONDS ?= 30
FUZZ_SAN := -fsanitize=fuzzer-no-link,address,undefined \
	-fno-omit-frame-pointer -fno-sanitize-recover=undefined
FUZZERS := $(patsubst tests/fuzz/%.c,build/fuzz/%,\
	$(wildcard tests/fuzz/fuzz_*.c))
fuzz-build:
	$(MAKE) O=build/fuzz CC=clang CXX=clang++ OPT=-O1 \
		SANFLAGS='$(FUZZ_SAN)' $(FUZZERS)

$(O)/fuzz_%: tests/fuzz/fuzz_%.c $(LIB_A)
	$(CXX) $(SANFLAGS) -fsanitize=fuzzer $(CFLAGS) -o $@ -x c -std=c11 \
		-D_GNU_SOURCE -DDQ_VERSION='"$(VERSION)"' -Ilib $(WARN) $< \
		-x none $(LIB_A) $(LIBS)

fuzz: fuzz-build
	FUZZ_SECONDS=$(FUZZ_SECONDS) tests/fuzz/run

# The fault-injection build: every dq_x* allocation is counted and the
# Nth fails when DQ_FAULT_ALLOC=N (see lib/util.c, tests/faults.bats);
# with ASan and UBSan, so the error paths are checked for memory errors.
faults:
	$(MAKE) O=build/fault BIN=build/fault/bin \
		OPT=-O1 CFLAGS='-O1 -g -DDQ_FAULT_INJECT' SANFLAGS='$(SAN)' all

# The expensive limits (a 100 MiB line, 10 million keys, memory caps):
# about two minutes, plain build only; see docs/reliability.md.
limits: all
	DQ_BIN=$(CURDIR)/$(BIN) bats tests/limits/limits.bats

# The four builds go side by side on every core (CI runs plain make check).
NPROC   := $(shell nproc 2>/dev/null || echo 2)
check:
	$(MAKE) -j$(NPROC) all san faults fuzz-build
	FUZZ_SECONDS=$(FUZZ_SECONDS) tests/run

check-fast: all
	DQ_NO_SAN=1 tests/run

demo: deps all
	$(MAKE) -C examples/volunteers demo DQ_BIN=$(CURDIR)/bin

bench: all
	scripts/bench

accuracy: all
	scripts/bench-accuracy

install: all
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)
	install -m 755 $(PROGS) $(SCRIPTS) $(DESTDIR)$(BINDIR)
	install -m 644 $(MANS) $(DESTDIR)$(MANDIR)

lint:
	scripts/lint-layers
	clang-format --dry-run lib/*/*.c lib/*/*.h tools/*.c 2>&1 | grep -c warning | sed "s/$$/ lines differ from .clang-format (advisory)/"
	cppcheck --quiet --error-exitcode=1 --enable=warning,portability \
		--inline-suppr -Ilib \
		--include=/usr/include/cjson/cJSON.h lib tools

clean:
	rm -rf build bin

.PHONY: all deps san fuzz fuzz-build faults limits check check-fast demo bench accuracy \
	install lint clean
.SECONDARY:
