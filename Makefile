# The two commands of the README, and a few more. Everything is built by CMake in build/.
#   make demo    build, then run the demo (the sample miniport on the host) for a few seconds
#   make check   build and run the whole test suite: plain, ASan+UBSan and TSan builds,
#                an aarch64 cross-build under qemu-user, then install to a temporary
#                prefix and build the examples against it
#   make build   just build (RelWithDebInfo, build/release)
#   make torture-long [SECONDS=60]   long torture runs of every lock kind
#   make fuzz [FUZZ_SECONDS=3600] [FUZZ_CORPUS=build/fuzz-corpus]   a long fuzzing run
#   make check-fuzz, check-memcheck   parts of make check: a 60 s fuzz, Valgrind memcheck
#   make coverage  line and branch coverage of src/ by the tests (gcovr), in build/coverage
#   make check-debian   build the Debian packages (build/debian), lintian them, install
#                  them (root), build and run examples/ against them, remove them
#   make sched-rates [SCHED_RUNS=1000]   the bug corpus natively and under PCT, side by side
#   make sched-bench   what the controlled mode costs (bench/sched.sh)

CMAKE ?= cmake
GEN := $(shell command -v ninja >/dev/null 2>&1 && echo "-G Ninja")
JOBS ?= $(shell nproc)

.PHONY: all build demo check check-release check-asan check-tsan check-aarch64 check-install \
	check-fuzz check-memcheck fuzz fuzz-build coverage check-debian torture-long sched-rates sched-bench \
	clean

all: build

build:
	$(CMAKE) -S . -B build/release $(GEN) -DCMAKE_BUILD_TYPE=RelWithDebInfo
	$(CMAKE) --build build/release -j $(JOBS)

demo: build
	./build/release/demo/vpspin-demo

check: check-release check-asan check-tsan check-aarch64 check-install check-fuzz check-memcheck
	@echo "all test suites passed (release, asan+ubsan, tsan, aarch64, install, fuzz, memcheck)"

check-release: build
	ctest --test-dir build/release --output-on-failure -j $(JOBS)

check-asan:
	$(CMAKE) -S . -B build/asan $(GEN) -DCMAKE_BUILD_TYPE=Debug -DVPSPIN_SANITIZE=address,undefined
	$(CMAKE) --build build/asan -j $(JOBS)
	ctest --test-dir build/asan --output-on-failure -j $(JOBS)

check-tsan:
	$(CMAKE) -S . -B build/tsan $(GEN) -DCMAKE_BUILD_TYPE=RelWithDebInfo -DVPSPIN_SANITIZE=thread
	$(CMAKE) --build build/tsan -j $(JOBS)
	ctest --test-dir build/tsan --output-on-failure -j $(JOBS)

# Cross-built for 64-bit Arm, tests run under qemu-user (Debian: gcc-aarch64-linux-gnu,
# g++-aarch64-linux-gnu, qemu-user). This checks the build and the behaviour on aarch64;
# it cannot reveal weak-memory-ordering bugs (qemu on x86 keeps x86's stronger order):
# there, correctness rests on the C11 orderings the code states and on models/.
check-aarch64:
	$(CMAKE) -S . -B build/aarch64 $(GEN) -DCMAKE_BUILD_TYPE=RelWithDebInfo \
	    -DCMAKE_TOOLCHAIN_FILE=cmake/aarch64-linux-gnu.cmake -DVPSPIN_BUILD_BENCH=OFF \
	    -DVPSPIN_MODEL_CHECK=OFF
	$(CMAKE) --build build/aarch64 -j $(JOBS)
	ctest --test-dir build/aarch64 --output-on-failure -j $(JOBS)

# Install build/release to a temporary prefix; build and run examples/ against it
# with pkg-config and with find_package.
check-install: build
	bash tools/check-install.sh build/release

# The libFuzzer harness (tests/fuzz/): clang, instrumented, ASan+UBSan, in build/fuzz.
# check-fuzz runs it for 60 s from the seeds into a fresh corpus; fuzz runs it for
# FUZZ_SECONDS into FUZZ_CORPUS, which a later run carries on from (tools/fuzz.sh).
FUZZ_SECONDS ?= 3600
FUZZ_CORPUS ?= build/fuzz-corpus
fuzz-build:
	$(CMAKE) -S . -B build/fuzz $(GEN) -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_C_COMPILER=clang \
	    -DCMAKE_CXX_COMPILER=clang++ -DVPSPIN_FUZZ=ON -DVPSPIN_BUILD_BENCH=OFF -DVPSPIN_MODEL_CHECK=OFF
	$(CMAKE) --build build/fuzz -j $(JOBS) --target fuzz_spinlock

check-fuzz: fuzz-build
	rm -rf build/fuzz/check-corpus
	bash tools/fuzz.sh build/fuzz/tests/fuzz_spinlock 60 build/fuzz/check-corpus

fuzz: fuzz-build
	bash tools/fuzz.sh build/fuzz/tests/fuzz_spinlock $(FUZZ_SECONDS) $(FUZZ_CORPUS)

# The main test programs, the fuzz seeds, the example and the demo under Valgrind's
# memcheck: no error and no leak of any kind (tools/memcheck.sh).
check-memcheck: build
	bash tools/memcheck.sh build/release

# Line and branch coverage of src/ by the test suite: gcc --coverage, gcovr (Debian:
# gcovr); reports in build/coverage (tools/coverage.sh, docs/coverage.md).
coverage:
	bash tools/coverage.sh

# Debian packages: dpkg-buildpackage -us -uc -b in a copy of the tree, lintian, apt-get
# install, examples/ built against /usr, then purged (tools/check-debian.sh; root).
check-debian:
	bash tools/check-debian.sh build/debian

# A long torture run of every lock kind at 2x and 8x the CPUs (SECONDS each, default 60).
SECONDS ?= 60
torture-long: build
	for lock in vp ke keq mixed; do \
	    for x in 2 8; do \
	        ./build/release/tests/vpspin-torture --lock $$lock --seconds $(SECONDS) \
	            --writers $$(( x * $(JOBS) )) || exit 1; \
	    done; \
	done

# The corpus of tests/sched/ with many runs: PCT's hit rate beside the native one (the
# README's table), every check of the ctest run. A long exploration, not part of make check.
SCHED_RUNS ?= 1000
sched-rates: build
	sh tests/sched/corpus.sh build/release/tools/explore/vpspin-explore \
	    build/release/tests/sched-corpus $(SCHED_RUNS) $(SCHED_RUNS)

sched-bench: build
	sh bench/sched.sh build/release

clean:
	rm -rf build
