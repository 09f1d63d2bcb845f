# halide-c front door.
#   make demo   set everything up, build, run the demo pipeline
#   make test   set everything up, build, run every test (C, Python, ASan/LSan)
#   make bench  run the benchmarks (against the reference Halide when installed)
# Set-up installs what is missing: system packages from apt (LLVM 19, clang 19, ...) and a
# virtual environment (.venv) with the Python dependencies from PyPI.

PYTHON      ?= python3
VENV        := .venv
VPY         := $(VENV)/bin/python
BUILD       := build
BUILD_ASAN  := build-asan
JOBS        ?= $(shell nproc 2>/dev/null || echo 2)
APT_PACKAGES := llvm-19-dev clang-19 libclang-rt-19-dev cmake ninja-build python3-dev python3-venv gcc-aarch64-linux-gnu libc6-dev-arm64-cross qemu-user gcc-arm-linux-gnueabihf libc6-dev-armhf-cross gcc-mingw-w64-x86-64
CMAKE       := $(VENV)/bin/cmake
PYTEST_ARGS ?= -q
export PATH := $(abspath $(VENV))/bin:$(PATH)

.PHONY: all setup deps venv build build-asan demo test test-c test-python test-asan bench clean

all: build

setup: deps venv

# System packages: only when something is missing (apt needs root; CI runs as root).
deps:
	@missing=""; \
	for p in $(APT_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  echo "Installing system packages:$$missing"; \
	  SUDO=""; [ "$$(id -u)" = 0 ] || SUDO=sudo; \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $$missing; \
	fi

venv: $(VENV)/.stamp

$(VENV)/.stamp: requirements-dev.txt
	$(PYTHON) -m venv $(VENV)
	$(VPY) -m pip install -q --upgrade pip
	$(VPY) -m pip install -q -r requirements-dev.txt
	touch $@

build: setup
	$(CMAKE) -S . -B $(BUILD) -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DPython3_EXECUTABLE=$(abspath $(VPY)) >/dev/null
	$(CMAKE) --build $(BUILD) -j $(JOBS)

build-asan: setup
	$(CMAKE) -S . -B $(BUILD_ASAN) -G Ninja -DCMAKE_BUILD_TYPE=Debug -DHL_SANITIZE=ON -DPython3_EXECUTABLE=$(abspath $(VPY)) >/dev/null
	$(CMAKE) --build $(BUILD_ASAN) -j $(JOBS)

demo: build
	PYTHONPATH=$(BUILD)/python $(VPY) apps/demo.py

test: test-c test-python test-asan

test-c: build
	cd $(BUILD) && ctest --output-on-failure

test-python: build
	PYTHONPATH=$(BUILD)/python $(VPY) -m pytest $(PYTEST_ARGS) tests/python

# The C tests, a Python smoke test and the correctness and error suites under
# AddressSanitizer + UBSan + LeakSanitizer; tests/lsan_check.py fails on any leak whose stack
# is in our sources (strictly for the smoke script, direct leaks under pytest).
ASAN_PYTESTS := tests/python/correctness tests/python/error
test-asan: build-asan
	cd $(BUILD_ASAN) && ASAN_OPTIONS=detect_leaks=1 ctest --output-on-failure
	LD_PRELOAD=$$($(CC) -print-file-name=libasan.so) PYTHONMALLOC=malloc PYTHONPATH=$(BUILD_ASAN)/python \
	  $(VPY) tests/lsan_check.py $(VPY) tests/asan_smoke.py
	LD_PRELOAD=$$($(CC) -print-file-name=libasan.so) PYTHONMALLOC=malloc PYTHONPATH=$(BUILD_ASAN)/python \
	  $(VPY) tests/lsan_check.py --direct-only $(VPY) -m pytest -q -p no:cacheprovider $(ASAN_PYTESTS)

bench: build
	PYTHONPATH=$(BUILD)/python $(VPY) bench/run.py

clean:
	rm -rf $(BUILD) $(BUILD_ASAN)
