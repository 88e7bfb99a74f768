# tide — the README's set-up commands, and a few more.
#
#   make demo                  install missing packages, build, run the tour
#   make test                  every test: normal build, ASan+UBSan build,
#                              valgrind over the unit tests, the AArch64 and
#                              ucontext switches; prints a summary
#   make build                 configure + build build/ (RelWithDebInfo)
#   make test-clang            normal build and ctest with clang (build-clang/)
#   make install PREFIX=/opt   cmake --install (default PREFIX=/usr/local)
#   make deps                  check (and, as root, install) Debian packages
#   make clean                 remove every build directory
#
# The builds themselves are CMake's; this file only orders them. Changing CC
# for an existing build directory needs `make clean` first (CMake fixes the
# compiler when a directory is first configured).

SHELL := /bin/bash
.DEFAULT_GOAL := build
# Stages are ordered on purpose (deps before builds, builds before tests);
# the parallelism is inside each cmake --build.
.NOTPARALLEL:

# gcc unless the user chose a compiler (make's built-in default is "cc").
ifeq ($(origin CC),default)
CC := gcc
endif

PREFIX     ?= /usr/local
JOBS       ?= $(shell nproc 2>/dev/null || echo 2)
# ctest runs the tests one at a time unless told otherwise: several tests
# measure time (scaled by TIDE_TIME_SCALE) and crowding the CPUs makes them
# flaky, the ASan build most of all.
CTEST_JOBS ?= 1
# Per valgrind run; a backstop against a hung test, as ctest's TIMEOUT is.
VALGRIND_TIMEOUT ?= 900

BUILD_DIR  := build
ASAN_DIR   := build-asan
CLANG_DIR  := build-clang

DEBIAN_PKGS := libuv1-dev libcurl4-openssl-dev libcmocka-dev cmake pkg-config \
               valgrind gcc make

VALGRIND := valgrind --error-exitcode=99 --leak-check=full \
            --errors-for-leak-kinds=definite --track-origins=no -q
# Coroutine stacks may need suppressions one day; use them if they exist.
ifneq ($(wildcard tests/valgrind.supp),)
VALGRIND += --suppressions=$(CURDIR)/tests/valgrind.supp
endif

ASAN_ENV := ASAN_OPTIONS=detect_leaks=1:abort_on_error=0:detect_stack_use_after_return=0 \
            UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1

# The inner make that `cmake --build` starts must not join this make's
# jobserver: it gets its own -j.
CMAKE_BUILD = env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL cmake --build

.PHONY: deps build demo test test-clang install clean

# ---------------------------------------------------------------------------
# deps: Debian packages. As root they are installed; otherwise the exact
# command to run is printed. node is not a Debian dependency on purpose:
# Debian's nodejs is 18, the differential tests want the Node 20 on PATH.
deps:
	@missing=(); \
	if ! command -v dpkg-query >/dev/null 2>&1; then \
	  echo "deps: no dpkg-query (not Debian?); not checking: $(DEBIAN_PKGS)"; \
	else \
	  for p in $(DEBIAN_PKGS); do \
	    case "$$(dpkg-query -W -f='$${Status}' "$$p" 2>/dev/null)" in \
	      *" ok installed") ;; \
	      *) missing+=("$$p") ;; \
	    esac; \
	  done; \
	fi; \
	if [ $${#missing[@]} -gt 0 ]; then \
	  echo "deps: missing Debian packages: $${missing[*]}"; \
	  if [ "$$(id -u)" -eq 0 ]; then \
	    apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y "$${missing[@]}" || exit 1; \
	  else \
	    echo "deps: not root; install them with:" >&2; \
	    echo "sudo apt-get install -y $${missing[*]}" >&2; \
	    exit 1; \
	  fi; \
	else \
	  echo "deps: all Debian packages present"; \
	fi; \
	if command -v node >/dev/null 2>&1; then \
	  echo "deps: node $$(node --version) at $$(command -v node)"; \
	else \
	  echo "deps: WARNING: node is not on PATH; the differential tests against Node will not run" >&2; \
	fi

# ---------------------------------------------------------------------------
build: deps
	CC="$(CC)" cmake -S . -B $(BUILD_DIR) -DCMAKE_BUILD_TYPE=RelWithDebInfo
	$(CMAKE_BUILD) $(BUILD_DIR) --parallel $(JOBS)

demo: build
	./$(BUILD_DIR)/examples/tour

install: build
	cmake --install $(BUILD_DIR) --prefix "$(PREFIX)"

clean:
	rm -rf $(BUILD_DIR) $(ASAN_DIR) $(CLANG_DIR) build-bench

# ---------------------------------------------------------------------------
# test: one shell script so that a failing stage does not stop the others;
# every stage adds to the pass/fail counts and the exit status comes last.
#
# Counting: each ctest test is one unit (parsed from ctest's
# "N% tests passed, X tests failed out of Y" line), each valgrind run is one,
# and a build that fails counts as one failure (its tests cannot be counted).
#
# $(call run_ctest,DIR,ENV) — runs ctest in DIR and updates pass/fail. No
# summary line means no tests (0/0) unless ctest itself failed.
define run_ctest
	echo; echo "=== ctest in $(1) ==="; \
	log=$$(mktemp); \
	( cd $(1) && env $(2) ctest --output-on-failure -j $(CTEST_JOBS) ) 2>&1 | tee "$$log"; \
	rc=$${PIPESTATUS[0]}; \
	line=$$(grep -E '[0-9]+ tests? failed out of [0-9]+' "$$log" | tail -n 1); \
	if [ -n "$$line" ]; then \
	  f=$$(sed -E 's/.* ([0-9]+) tests? failed out of ([0-9]+).*/\1/' <<<"$$line"); \
	  t=$$(sed -E 's/.* ([0-9]+) tests? failed out of ([0-9]+).*/\2/' <<<"$$line"); \
	  p=$$((t - f)); \
	else \
	  f=0; p=0; \
	fi; \
	if [ $$rc -ne 0 ] && [ $$f -eq 0 ]; then f=1; fi; \
	rm -f "$$log"; \
	passed=$$((passed + p)); failed=$$((failed + f)); \
	summary+=("ctest $(1): $$p passed, $$f failed")
endef

# $(call run_build,DIR,CC,CMAKE-ARGS) — configure + build; leaves built=1 on
# success, built=0 (and one failure counted) otherwise.
define run_build
	echo; echo "=== build $(1) (CC=$(2)) ==="; \
	built=1; \
	CC="$(2)" cmake -S . -B $(1) $(3) && $(CMAKE_BUILD) $(1) --parallel $(JOBS) || built=0; \
	if [ $$built -eq 0 ]; then \
	  failed=$$((failed + 1)); summary+=("build $(1): FAILED"); \
	fi
endef

# The AArch64 context switch is tested under emulation.
test: DEBIAN_PKGS += gcc-aarch64-linux-gnu qemu-user
test: deps
	@passed=0; failed=0; summary=(); \
	echo "node: $$(command -v node >/dev/null 2>&1 && node --version || echo 'not on PATH')"; \
	$(call run_build,$(BUILD_DIR),$(CC),-DCMAKE_BUILD_TYPE=RelWithDebInfo -DTIDE_SANITIZE=OFF); \
	normal_built=$$built; \
	if [ $$built -eq 1 ]; then $(call run_ctest,$(BUILD_DIR),); fi; \
	$(call run_build,$(ASAN_DIR),$(CC),-DCMAKE_BUILD_TYPE=Debug -DTIDE_SANITIZE=ON); \
	if [ $$built -eq 1 ]; then $(call run_ctest,$(ASAN_DIR),$(ASAN_ENV)); fi; \
	echo; echo "=== valgrind over $(BUILD_DIR)/tests/test_* ==="; \
	if [ $$normal_built -eq 1 ]; then \
	  vp=0; vf=0; \
	  for t in $(BUILD_DIR)/tests/test_*; do \
	    [ -f "$$t" ] && [ -x "$$t" ] || continue; \
	    name=$$(basename "$$t"); \
	    echo "--- valgrind $$name"; \
	    ( cd $(BUILD_DIR) && TIDE_TIME_SCALE=0.01 timeout $(VALGRIND_TIMEOUT) $(VALGRIND) ./tests/$$name ); \
	    rc=$$?; \
	    case $$rc in \
	      0)   vp=$$((vp + 1)) ;; \
	      99)  vf=$$((vf + 1)); echo "valgrind $$name: FAILED (memory errors or definite leaks)" ;; \
	      124) vf=$$((vf + 1)); echo "valgrind $$name: FAILED (timed out after $(VALGRIND_TIMEOUT) s)" ;; \
	      *)   vf=$$((vf + 1)); echo "valgrind $$name: FAILED (test exited with $$rc)" ;; \
	    esac; \
	  done; \
	  passed=$$((passed + vp)); failed=$$((failed + vf)); \
	  summary+=("valgrind: $$vp passed, $$vf failed"); \
	else \
	  echo "skipped: $(BUILD_DIR) did not build"; \
	fi; \
	echo; echo "=== the context switches alone (tests/cross/run) ==="; \
	if ./tests/cross/run; then passed=$$((passed + 1)); summary+=("cross: passed"); \
	else failed=$$((failed + 1)); summary+=("cross: FAILED"); fi; \
	echo; echo "=== differential suite against Node (tests/diff/run) ==="; \
	if [ $$normal_built -eq 1 ]; then \
	  if ./tests/diff/run --count 2000 --seed 1 --interp $(BUILD_DIR)/tests/diff/interp; then \
	    passed=$$((passed + 1)); summary+=("diff: passed"); \
	  else failed=$$((failed + 1)); summary+=("diff: FAILED"); fi; \
	else \
	  echo "skipped: $(BUILD_DIR) did not build"; \
	fi; \
	echo; echo "=== summary ==="; \
	for s in "$${summary[@]}"; do echo "  $$s"; done; \
	echo "$$passed passed, $$failed failed"; \
	[ $$failed -eq 0 ]

# Same as the normal build, with clang, in its own directory.
test-clang: DEBIAN_PKGS += clang
test-clang: deps
	CC=clang cmake -S . -B $(CLANG_DIR) -DCMAKE_BUILD_TYPE=RelWithDebInfo
	$(CMAKE_BUILD) $(CLANG_DIR) --parallel $(JOBS)
	cd $(CLANG_DIR) && ctest --output-on-failure -j $(CTEST_JOBS)

# ---------------------------------------------------------------------------
# bench: tide beside Node and Python on the same workloads (bench/run says
# how they are run and what each prints). The library and the programs are
# built Release at -O2 in a directory of their own, without tests or
# examples; bench/run builds nothing. The figures are reported, never
# asserted — only each program's own result check can fail a run — and
# `make test` runs none of this: timing on a shared machine is not a test.
#
#   make bench             the table, then the same as JSON lines (kept in
#                          build-bench/bench.json)
#   make bench-callgrind   instructions per item of the micro workloads under
#                          callgrind: stable under noise, for comparing commits
BENCH_DIR := build-bench

.PHONY: bench bench-build bench-callgrind

# nginx-light: the local server of the fetch row (bench/nginx.py).
bench-build: DEBIAN_PKGS += nginx-light
bench-build: deps
	CC="$(CC)" cmake -S . -B $(BENCH_DIR) -DCMAKE_BUILD_TYPE=Release \
	  "-DCMAKE_C_FLAGS_RELEASE=-O2 -DNDEBUG" -DTIDE_BUILD_TESTS=OFF -DTIDE_BUILD_EXAMPLES=OFF
	$(CMAKE_BUILD) $(BENCH_DIR) --parallel $(JOBS) --target tide_bench

# The JSON is printed even when a program failed (its row says so); the exit
# status is bench/run's.
bench: bench-build
	@rm -f $(BENCH_DIR)/bench.json; \
	./bench/run --build $(BENCH_DIR) --save $(BENCH_DIR)/bench.json; rc=$$?; \
	if [ -f $(BENCH_DIR)/bench.json ]; then \
	  echo; echo "JSON (also in $(BENCH_DIR)/bench.json):"; cat $(BENCH_DIR)/bench.json; \
	fi; \
	exit $$rc

bench-callgrind: bench-build
	./bench/run --build $(BENCH_DIR) --callgrind

# ---------------------------------------------------------------------------
# test-long: the differential suite against Node at length, 100,000 random
# scenarios from a seed taken from the clock (printed first: replay with
# tests/diff/run --count 100000 --seed S). The regression scenarios in
# tests/diff/regress/ run too; failures are shrunk and kept in
# tests/diff/failures/.
.PHONY: test-long

test-long: build
	@seed=$$(date +%s); echo "test-long: seed $$seed"; \
	./tests/diff/run --count 100000 --seed $$seed --interp $(BUILD_DIR)/tests/diff/interp
