# Stampede build. `make` builds build/stampede (release, -O2, LTO); `make test`
# runs the whole suite; `make run` runs the flagship scenario; `make asan`
# runs the suite under AddressSanitizer + UBSan; `make bench` measures the
# engine. Missing Debian packages are installed on first use.

MODE ?= release
CC ?= cc
ifeq ($(origin CC),default)
CC := cc
endif

BUILD := build/$(MODE)
DEPS_STAMP := build/.deps-ok

WARN := -Wall -Wextra -Wpedantic -Wshadow -Wconversion -Wstrict-prototypes \
        -Wmissing-prototypes -Wformat=2 -Wvla -Wimplicit-fallthrough -Werror
# -ffp-contract=off: no fused multiply-add behind our back, so the same
# source gives bit-identical floating point on x86-64 and arm64.
BASE_CFLAGS := -std=c17 $(WARN) -ffp-contract=off -fno-fast-math \
               -D_POSIX_C_SOURCE=200809L -MMD -MP

# GCC's inliner at its -O2 limits still leaves a request's path as some 25
# calls of small functions in several files; these limits let it inline most
# of them: M/M/4 -5% instructions and +10% requests per CPU-second, 100k
# timers +7%, ten services +2%, for a 2.3 MB binary instead of 1.7 MB and
# 5 s more to build. Clang has no such parameters.
IS_GCC := $(shell $(CC) --version 2>/dev/null | grep -q 'Free Software Foundation' && echo yes)
ifeq ($(IS_GCC),yes)
INLINE_LIMITS := --param max-inline-insns-auto=80 --param max-inline-insns-single=400 \
                 --param inline-unit-growth=200 --param large-function-growth=400
endif

ifeq ($(MODE),release)
# Link-time optimisation inlines across files, so one concept per file costs
# nothing at run time (the call path lost 10% without it). Fat objects keep
# libstampede-policy.a usable by a compiler that does not read GCC's LTO.
OPT := -O2 -g -flto=auto -ffat-lto-objects $(INLINE_LIMITS)
else ifeq ($(MODE),debug)
OPT := -O0 -g
else ifeq ($(MODE),native)
OPT := -O2 -march=native
else ifeq ($(MODE),fuzz)
# clang's libFuzzer: the libraries are instrumented for coverage, and only
# the fuzz targets link the fuzzer's main (see `make fuzz`).
OPT := -O1 -g -fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=all \
       -fno-omit-frame-pointer
LDOPT := -fsanitize=address,undefined
else ifeq ($(MODE),asan)
OPT := -O1 -g -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
LDOPT := -fsanitize=address,undefined
else
$(error unknown MODE '$(MODE)': release, debug, native, asan or fuzz)
endif

PKG_CFLAGS = $(shell pkg-config --cflags libcjson sdl2 SDL2_image SDL2_ttf 2>/dev/null)
PKG_LIBS = $(shell pkg-config --libs libcjson sdl2 SDL2_image SDL2_ttf 2>/dev/null)
CRIT_CFLAGS = $(shell pkg-config --cflags criterion 2>/dev/null)
CRIT_LIBS = $(shell pkg-config --libs criterion 2>/dev/null)

ALL_CFLAGS = $(BASE_CFLAGS) $(OPT) $(PKG_CFLAGS) $(CFLAGS)
LDLIBS := -lm

# Two programs: stampede (every command but the drawing ones, no SDL) and
# stampede-viz beside it (plot and view, which stampede execs; see
# sim/edge/viz_exec.h: SDL's 71 libraries cost every process ~8 ms and 7 MiB).
# The panel names (viz/panels.c, no SDL) are the scenario loader's too.
VIZ_CLI_SRC := sim/edge/cli_viz.c
SIM_SRC := $(sort $(wildcard sim/base/*.c sim/prim/*.c sim/policy/*.c sim/kernel/*.c sim/model/*.c sim/edge/*.c)) \
           viz/panels.c
SIM_LIB_SRC := $(filter-out sim/edge/main.c sim/edge/viz_main.c $(VIZ_CLI_SRC),$(SIM_SRC))
SIM_OBJ := $(SIM_LIB_SRC:%.c=$(BUILD)/%.o)
# The viewer and plotter: the only code that includes SDL, in a library of
# its own, with the command-line half of plot and view.
VIZ_SRC := $(filter-out viz/panels.c,$(sort $(wildcard viz/*.c))) $(VIZ_CLI_SRC)
VIZ_OBJ := $(VIZ_SRC:%.c=$(BUILD)/%.o)
MAIN_OBJ := $(BUILD)/sim/edge/main.o
VIZ_MAIN_OBJ := $(BUILD)/sim/edge/viz_main.o
SIM_LIBS = -lm $(shell pkg-config --libs libcjson 2>/dev/null)
TEST_SRC := $(sort $(wildcard tests/test_*.c)) tests/helpers.c
TEST_OBJ := $(TEST_SRC:%.c=$(BUILD)/%.o)

ifeq ($(MODE),release)
BIN := build/stampede
else
BIN := $(BUILD)/stampede
endif
VIZ_BIN := $(dir $(BIN))stampede-viz
TEST_BIN := $(BUILD)/tests/unit

.PHONY: all test asan run bench clean deps check-deps repro-builds lib gallery golden pictures \
        fuzz fuzz-targets

all: $(BIN) $(VIZ_BIN)

deps: $(DEPS_STAMP)
$(DEPS_STAMP): .ci/install-deps
	@./.ci/install-deps
	@mkdir -p build && touch $@

$(BUILD)/%.o: %.c | $(DEPS_STAMP)
	@mkdir -p $(dir $@)
	@echo "  CC  $<"
	@$(CC) $(ALL_CFLAGS) -c $< -o $@

$(BUILD)/tests/%.o: tests/%.c | $(DEPS_STAMP)
	@mkdir -p $(dir $@)
	@echo "  CC  $<"
	@$(CC) $(ALL_CFLAGS) $(CRIT_CFLAGS) -Wno-missing-prototypes -c $< -o $@

$(BUILD)/libstampede-sim.a: $(SIM_OBJ)
	@rm -f $@
	@echo "  AR  $@"
	@ar rcs $@ $^

$(BUILD)/libstampede-viz.a: $(VIZ_OBJ)
	@rm -f $@
	@echo "  AR  $@"
	@ar rcs $@ $^

# The command line (in the sim library) calls the viewer, which reads the
# simulator: the two libraries are searched as a group.
LIBS_GROUP = -Wl,--start-group $(BUILD)/libstampede-sim.a $(BUILD)/libstampede-viz.a -Wl,--end-group

$(BIN): $(MAIN_OBJ) $(BUILD)/libstampede-sim.a | $(VIZ_BIN)
	@echo "  LD  $@"
	@$(CC) $(OPT) $(LDOPT) $(LDFLAGS) -o $@ $(MAIN_OBJ) $(BUILD)/libstampede-sim.a $(SIM_LIBS)

$(VIZ_BIN): $(VIZ_MAIN_OBJ) $(BUILD)/libstampede-viz.a $(BUILD)/libstampede-sim.a
	@mkdir -p $(dir $@)
	@echo "  LD  $@"
	@$(CC) $(OPT) $(LDOPT) $(LDFLAGS) -o $@ $(VIZ_MAIN_OBJ) $(LIBS_GROUP) $(PKG_LIBS) $(LDLIBS)

$(TEST_BIN): $(TEST_OBJ) $(BUILD)/libstampede-viz.a $(BUILD)/libstampede-sim.a
	@echo "  LD  $@"
	@$(CC) $(OPT) $(LDOPT) $(LDFLAGS) -o $@ $(TEST_OBJ) $(LIBS_GROUP) $(CRIT_LIBS) $(PKG_LIBS) $(LDLIBS)

# Fuzz targets (tests/fuzz): each is replayed over its kept corpus by
# `make test` (replay.c, any compiler), and fuzzed by `make fuzz` (clang).
FUZZ_TARGETS := loader override expect grid merge results
FUZZ_COMMON := $(BUILD)/tests/fuzz/fuzz_common.o
REPLAY_BINS := $(FUZZ_TARGETS:%=$(BUILD)/tests/fuzz/replay-%)
FUZZ_BINS := $(FUZZ_TARGETS:%=$(BUILD)/tests/fuzz/fuzz-%)
$(BUILD)/tests/fuzz/replay-%: $(BUILD)/tests/fuzz/fuzz_%.o $(BUILD)/tests/fuzz/replay.o $(FUZZ_COMMON) \
                              $(BUILD)/libstampede-viz.a $(BUILD)/libstampede-sim.a
	@echo "  LD  $@"
	@$(CC) $(OPT) $(LDOPT) $(LDFLAGS) -o $@ $(filter %.o,$^) $(LIBS_GROUP) $(PKG_LIBS) $(LDLIBS)
$(BUILD)/tests/fuzz/fuzz-%: $(BUILD)/tests/fuzz/fuzz_%.o $(FUZZ_COMMON) \
                            $(BUILD)/libstampede-viz.a $(BUILD)/libstampede-sim.a
	@echo "  LD  $@"
	@$(CC) $(OPT) $(LDOPT) -fsanitize=fuzzer $(LDFLAGS) -o $@ $(filter %.o,$^) $(LIBS_GROUP) \
	  $(PKG_LIBS) $(LDLIBS)
fuzz-targets: $(FUZZ_BINS)
.SECONDARY: $(FUZZ_TARGETS:%=$(BUILD)/tests/fuzz/fuzz_%.o) $(FUZZ_COMMON) $(BUILD)/tests/fuzz/replay.o

# `make fuzz`: each target for FUZZ_SECONDS (default 60) from its kept
# corpus; new inputs go to build/fuzz/corpus, crashes to build/fuzz/crashes
# (copy a crash into tests/fuzz/corpus/TARGET/ with its fix: it then stays a
# regression input of `make test`).
FUZZ_SECONDS ?= 60
fuzz: | $(DEPS_STAMP)
	@./.ci/install-deps fuzz
	@$(MAKE) --no-print-directory MODE=fuzz CC=clang fuzz-targets
	@mkdir -p build/fuzz/crashes
	@set -e; for t in $(FUZZ_TARGETS); do mkdir -p build/fuzz/corpus/$$t; \
	  echo "fuzz: $$t for $(FUZZ_SECONDS) s"; \
	  build/fuzz/tests/fuzz/fuzz-$$t build/fuzz/corpus/$$t tests/fuzz/corpus/$$t \
	    -max_total_time=$(FUZZ_SECONDS) -timeout=10 -rss_limit_mb=4096 -max_len=65536 \
	    -artifact_prefix=build/fuzz/crashes/$$t- -print_final_stats=1 2>build/fuzz/$$t.log \
	    || { tail -40 build/fuzz/$$t.log; echo "fuzz: $$t found a crash (build/fuzz/crashes/)"; exit 1; }; \
	  grep -E '^stat::number_of_executed_units|^stat::new_units_added' build/fuzz/$$t.log | tr '\n' ' '; echo; \
	done

PNGSTAT := $(BUILD)/tests/pngstat
$(PNGSTAT): tests/tools/pngstat.c | $(DEPS_STAMP)
	@mkdir -p $(dir $@)
	@echo "  LD  $@"
	@$(CC) $(ALL_CFLAGS) -Wno-missing-prototypes $(LDOPT) -o $@ $< $(PKG_LIBS)

# The whole suite: unit and validation tests (Criterion), then the
# command-line and reproducibility tests, which drive the real binary.
# In release mode it also builds -O0 and -O2 -march=native binaries, whose
# outputs must match byte for byte (cross-machine reproducibility).
ifeq ($(MODE),release)
REPRO := STAMPEDE_O0=build/debug/stampede STAMPEDE_NATIVE=build/native/stampede
test: repro-builds
endif
# Criterion ignores a LeakSanitizer report from a test's worker process, so
# the unit log is searched for sanitizer reports as well.
test: $(BIN) $(TEST_BIN) lib $(PNGSTAT) $(REPLAY_BINS)
	@$(TEST_BIN) --jobs 2 >$(BUILD)/unit.log 2>&1; rc=$$?; cat $(BUILD)/unit.log; \
	  if grep -qE 'ERROR: (Leak|Address)Sanitizer|runtime error:' $(BUILD)/unit.log; then \
	    echo "sanitizer reports above: failing" >&2; exit 1; fi; exit $$rc
	@for t in $(FUZZ_TARGETS); do \
	  $(BUILD)/tests/fuzz/replay-$$t tests/fuzz/corpus/$$t >$(BUILD)/replay-$$t.log 2>&1 \
	    && ! grep -qE 'ERROR: (Leak|Address)Sanitizer|runtime error:' $(BUILD)/replay-$$t.log \
	    || { tail -30 $(BUILD)/replay-$$t.log; echo "[FAIL] fuzz corpus of $$t"; exit 1; }; \
	  echo "[PASS] fuzz corpus of $$t: $$(tail -1 $(BUILD)/replay-$$t.log)"; done
	STAMPEDE=$(BIN) BREAKER_EXAMPLE=$(LIB_DIR)/breaker-example RESILIENT_CLIENT=$(LIB_DIR)/resilient-client PNGSTAT=$(PNGSTAT) $(REPRO) \
	  tests/cli/run-all.sh
	tests/tools/golden.sh check $(BIN)

# Regenerates tests/golden/ (a change of behaviour on purpose: say why in
# the commit).
golden: $(BIN)
	tests/tools/golden.sh write $(BIN)

repro-builds: | $(DEPS_STAMP)
	@$(MAKE) --no-print-directory MODE=debug build/debug/stampede
	@$(MAKE) --no-print-directory MODE=native build/native/stampede

asan:
	$(MAKE) MODE=asan test

# The flagship: a retry storm and the five policies that stop it (or do not),
# compared side by side and drawn into one picture, the baseline first.
run: $(BIN)
	$(BIN) compare scenarios/retry-storm.json
	$(BIN) plot results/retry-storm -o results/retry-storm/plot.png

# Every bundled scenario drawn into results/gallery/ (all its variants side
# by side, in the scenario's order).
gallery: $(BIN)
	@mkdir -p results/gallery
	@for f in scenarios/*.json; do n=$$(basename $$f .json); \
	  $(BIN) run $$f --quiet --out build/gallery/$$n && \
	  $(BIN) plot build/gallery/$$n -o results/gallery/$$n.png >/dev/null && \
	  echo "  results/gallery/$$n.png"; done

# The documentation's pictures (docs/img), redrawn from the bundled
# scenarios at their default seed: run after a change to what plots draw.
pictures: $(BIN)
	@$(BIN) run scenarios/retry-storm.json --quiet --out build/pictures/retry-storm
	@$(BIN) plot build/pictures/retry-storm -o docs/img/flagship.png
	@$(BIN) run scenarios/api-db.json --quiet --out build/pictures/api-db
	@$(BIN) plot build/pictures/api-db -o docs/img/api-db.png --size 1200x800
	@$(BIN) plot build/pictures/retry-storm/naive build/pictures/retry-storm/budget \
	  build/pictures/retry-storm/adaptive-lifo -o docs/img/retry-storm.png --size 1500x1100
	@$(BIN) plot build/pictures/retry-storm/breaker build/pictures/retry-storm/drop-expired \
	  -o docs/img/recovery.png --size 1200x900

EVENTQ_BENCH := $(BUILD)/tests/bench/eventq_bench
$(EVENTQ_BENCH): $(BUILD)/tests/bench/eventq_bench.o $(BUILD)/libstampede-sim.a
	@echo "  LD  $@"
	@$(CC) $(OPT) $(LDOPT) $(LDFLAGS) -o $@ $^ $(LDLIBS)

# the bare loops each case is measured against (tests/bench/reference.c)
BENCH_REFERENCE := $(BUILD)/tests/bench/reference
$(BENCH_REFERENCE): $(BUILD)/tests/bench/reference.o
	@echo "  LD  $@"
	@$(CC) $(OPT) $(LDOPT) $(LDFLAGS) -o $@ $^ -lm

bench: $(BIN) $(EVENTQ_BENCH) $(BENCH_REFERENCE)
	STAMPEDE=$(BIN) EVENTQ_BENCH=$(EVENTQ_BENCH) REFERENCE=$(BENCH_REFERENCE) tests/bench/run.sh

# The resilience primitives and the composed policy (the call state machine)
# as a library of their own: sim/prim, sim/policy and the base pieces they
# use, with headers, for linking into a real service.
LIB_BASE := sim/base/xalloc.c sim/base/check.c sim/base/rng.c sim/base/histogram.c
LIB_SRC := $(sort $(wildcard sim/prim/*.c sim/policy/*.c)) $(LIB_BASE)
LIB_OBJ := $(LIB_SRC:%.c=$(BUILD)/%.o)
LIB_DIR := build/lib
LIB_EXAMPLES := $(LIB_DIR)/breaker-example $(LIB_DIR)/resilient-client
lib: $(LIB_DIR)/libstampede-policy.a $(LIB_EXAMPLES)
$(LIB_DIR)/libstampede-policy.a: $(LIB_OBJ)
	@mkdir -p $(LIB_DIR)/include/stampede/prim $(LIB_DIR)/include/stampede/policy \
	  $(LIB_DIR)/include/stampede/base
	@cp sim/prim/*.h $(LIB_DIR)/include/stampede/prim/
	@cp sim/policy/*.h $(LIB_DIR)/include/stampede/policy/
	@cp $(LIB_BASE:.c=.h) sim/base/sim_time.h $(LIB_DIR)/include/stampede/base/
	@echo "  AR  $@"
	@rm -f $@ && ar rcs $@ $^
# The examples compile against the installed headers, as a user's program would.
$(LIB_DIR)/breaker-example: sim/prim/examples/breaker_clock.c $(LIB_DIR)/libstampede-policy.a
	@echo "  LD  $@"
	@$(CC) $(filter-out -MMD -MP,$(BASE_CFLAGS)) $(OPT) -o $@ $< $(LIB_DIR)/libstampede-policy.a -lm
$(LIB_DIR)/resilient-client: sim/policy/examples/resilient_client.c $(LIB_DIR)/libstampede-policy.a
	@echo "  LD  $@"
	@$(CC) $(filter-out -MMD -MP,$(BASE_CFLAGS)) $(OPT) -o $@ $< $(LIB_DIR)/libstampede-policy.a -lm

# Layering: each layer includes only those below it (see sim/README.md).
check-deps: # also run by make test
	@tests/cli/check-layers.sh

clean:
	rm -rf build

-include $(SIM_OBJ:.o=.d) $(VIZ_OBJ:.o=.d) $(MAIN_OBJ:.o=.d) $(TEST_OBJ:.o=.d)
