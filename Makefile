# duress: the two commands of the README, and a few more.
#   make run    set up (apt-get), build, run the main job on the bundled example
#   make check  set up, build, and run the whole test suite, also under ASan+UBSan
JOBS ?= 2
BUILD ?= build
ASAN_BUILD ?= build-asan
FUZZ_BUILD ?= build-fuzz
FUZZ_SECONDS ?= 10
CMAKE_FLAGS ?=

PREFIX ?= /usr/local

.PHONY: all setup setup-test build run check test test-asan fuzz bench valgrind clean \
	install uninstall man fuzz-long check-r

all: build

setup:
	@sh scripts/setup.sh

setup-test:
	@sh scripts/setup.sh test

build: setup
	cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo $(CMAKE_FLAGS) >/dev/null
	cmake --build $(BUILD) -j $(JOBS)

run: build
	sh scripts/run-example.sh $(BUILD)/duress

test: setup-test
	cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo -DDUR_WERROR=ON $(CMAKE_FLAGS) >/dev/null
	cmake --build $(BUILD) -j $(JOBS)
	cd $(BUILD) && ctest --output-on-failure -j $(JOBS)

test-asan: setup-test
	cmake -S . -B $(ASAN_BUILD) -DCMAKE_BUILD_TYPE=Debug -DDUR_SANITIZE=ON -DDUR_WERROR=ON -DDUR_BENCH=OFF $(CMAKE_FLAGS) >/dev/null
	cmake --build $(ASAN_BUILD) -j $(JOBS)
	cd $(ASAN_BUILD) && ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
		ctest --output-on-failure -j $(JOBS) -LE slow

valgrind: setup-test build
	sh scripts/valgrind.sh $(BUILD)

fuzz: setup-test
	CC=clang cmake -S . -B $(FUZZ_BUILD) -DCMAKE_BUILD_TYPE=Debug -DDUR_FUZZ=ON -DDUR_BENCH=OFF $(CMAKE_FLAGS) >/dev/null
	cmake --build $(FUZZ_BUILD) -j $(JOBS)
	cd $(FUZZ_BUILD) && ctest --output-on-failure -L fuzz -j $(JOBS)
	sh scripts/fuzz.sh $(FUZZ_BUILD) $(FUZZ_SECONDS)

# Each fuzz target for an hour (FUZZ_LONG_SECONDS), with its figures.
FUZZ_LONG_SECONDS ?= 3600
fuzz-long: setup-test
	CC=clang cmake -S . -B $(FUZZ_BUILD) -DCMAKE_BUILD_TYPE=Debug -DDUR_FUZZ=ON -DDUR_BENCH=OFF $(CMAKE_FLAGS) >/dev/null
	cmake --build $(FUZZ_BUILD) -j $(JOBS)
	sh scripts/fuzz.sh $(FUZZ_BUILD) $(FUZZ_LONG_SECONDS)

bench: build
	sh scripts/bench.sh $(BUILD)

# Every stage in turn, each kept in $(BUILD)/check-logs/, then a summary:
# "check: N passed, N failed, N skipped".  A failing stage fails the check.
check:
	@sh scripts/check.sh "$(MAKE)" $(BUILD)/check-logs

# The R package (bindings/r), when R is installed: the library installed
# from $(BUILD) into a temporary folder, the package built against it with
# pkg-config and checked (R CMD check --no-manual: examples, tests, vignette).
check-r: setup-test build
	sh bindings/r/tools/check.sh $(BUILD)

# make install [PREFIX=/usr/local] [DESTDIR=...]; make uninstall likewise.
install: setup
	cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_INSTALL_PREFIX=$(PREFIX) $(CMAKE_FLAGS) >/dev/null
	cmake --build $(BUILD) -j $(JOBS)
	DESTDIR=$(DESTDIR) cmake --install $(BUILD)

uninstall:
	DESTDIR=$(DESTDIR) cmake --build $(BUILD) --target uninstall

# The man page is made from the command tables; a test checks it is current.
man: build
	$(BUILD)/duress help --man > docs/duress.1

clean:
	rm -rf $(BUILD) $(ASAN_BUILD) $(FUZZ_BUILD)
