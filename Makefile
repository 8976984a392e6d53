# The two commands: `make demo` and `make test`. Both install what is missing, build, then run.
SHELL := /bin/bash
.DEFAULT_GOAL := help

# Debian 12 packages the project needs (build, Python stack, docs and reports).
PKGS := g++ cmake ninja-build make git libeigen3-dev libboost-graph-dev libboost-dev libhdf5-dev hdf5-tools \
        pybind11-dev python3-dev catch2 libyaml-cpp-dev coinor-libcbc-dev libglpk-dev \
        python3-numpy python3-pandas python3-scipy python3-h5py python3-xarray python3-h5netcdf \
        python3-matplotlib python3-pytest python3-hypothesis python3-setuptools python3-wheel python3-venv \
        python3-tqdm python3-yaml python3-jinja2 python3-nbclient python3-nbformat python3-nbconvert \
        python3-ipykernel python3-sphinx python3-myst-parser python3-nbsphinx pandoc libjs-katex python3-bs4 python3-sklearn weasyprint \
        poppler-utils python3-openpyxl chromium python3-dask python3-distributed

# What `make demo` adds for a planner (not needed by `make test`): Debian's Jupyter Notebook server, so the
# notebooks in docs/notebooks open with the socval kernel (`make notebook`).
DEMO_PKGS := jupyter-notebook

ROOT   := $(CURDIR)
VENV   := $(ROOT)/.venv
PY     := $(VENV)/bin/python
BUILD  := $(ROOT)/build/cmake
LOCK   := flock $(ROOT)/build/.lock
export PIP_NO_INDEX := 1

.PHONY: help demo notebook demo-deps test docs deps build install test-cpp test-python test-sanitize fuzz clean bench

help:
	@echo "make demo   install what is missing, build, run the example and write its outputs"
	@echo "make test   install what is missing, build, run every C++ and Python test"
	@echo "make notebook   the Jupyter Notebook server on docs/notebooks with the socval kernel"
	@echo "make docs   the documentation site (Sphinx, notebooks executed) in build/docs/html"
	@echo "make test-sanitize   the C++ tests under ASan + UBSan, then ThreadSanitizer, then a short fuzz run"
	@echo "make fuzz   the libFuzzer harnesses (scenario reader, distributions, results files), FUZZ_SECONDS each"
	@echo "make bench  the headline benchmarks (< 5 min): JSON lines, appended to benchmarks/history.jsonl"

# apt only for what is missing, never interactive; root in CI, sudo otherwise.
# $(call install_missing,PACKAGES): apt-get install those not installed yet.
define install_missing
	@missing=""; for p in $(1); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "ok installed" || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  echo "Installing missing Debian packages:$$missing"; \
	  SUDO=""; [ "$$(id -u)" = 0 ] || SUDO="sudo"; \
	  $$SUDO env DEBIAN_FRONTEND=noninteractive apt-get update -qq && \
	  $$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing </dev/null; \
	fi
endef

deps:
	$(call install_missing,$(PKGS))

demo-deps:
	$(call install_missing,$(DEMO_PKGS))

$(PY):
	/usr/bin/python3 -m venv --system-site-packages $(VENV)

$(BUILD)/CMakeCache.txt: | $(PY)
	mkdir -p $(ROOT)/build
	$(LOCK) cmake -S $(ROOT) -B $(BUILD) -G Ninja -DCMAKE_BUILD_TYPE=Release -DSOCVAL_WERROR=ON \
	  -DPython_EXECUTABLE=$(PY)

build: deps $(BUILD)/CMakeCache.txt
	$(LOCK) cmake --build $(BUILD)

# Editable install once (the console script and the path); later builds update the module in place.
$(VENV)/.socval-installed: pyproject.toml setup.py | $(PY)
	$(PY) -m pip install --quiet --no-build-isolation --no-deps -e $(ROOT)
	$(PY) -m ipykernel install --sys-prefix --name socval --display-name "socval (venv)" >/dev/null
	touch $@

install: build $(VENV)/.socval-installed

test-cpp: build
	cd $(BUILD) && ctest --output-on-failure --no-tests=error -j2

test-python: install
	$(PY) -m pytest -q

test: test-cpp test-python

# The headline benchmark set (benchmarks/bench.py; SALib compared when SALIB_SRC points at its source): one JSON
# line per result, appended with the commit to benchmarks/history.jsonl (benchmarks/RESULTS.md).
bench: install
	$(PY) benchmarks/bench.py

demo: install demo-deps
	$(PY) -m socval.demo
	@echo "notebooks: make notebook (Jupyter Notebook on docs/notebooks, kernel 'socval (venv)')"

# The notebook server on docs/notebooks with the socval kernel (registered in the venv by `make install`).
# NOTEBOOK_ARGS=--no-browser on a machine without a browser.
NOTEBOOK_ARGS ?=
notebook: install demo-deps
	$(PY) -m notebook --notebook-dir=$(ROOT)/docs/notebooks $(NOTEBOOK_ARGS)

# Warnings are errors: a broken reference or a failing notebook cell fails the build.
docs: install
	$(PY) -m sphinx -W --keep-going -q -b html $(ROOT)/docs $(ROOT)/build/docs/html
	@echo "documentation: $(ROOT)/build/docs/html/index.html"

# Two builds of the C++ tests, each in its own folder: AddressSanitizer + UndefinedBehaviorSanitizer (Debug), then
# ThreadSanitizer (RelWithDebInfo, without the CPU-specific kernel clones TSan cannot load). TSan reports fail the
# run (halt_on_error); the multithreaded paths (simulation, design evaluation, option values, SMAA, the Sobol
# bootstrap, the block runner) are driven by the tests.
test-sanitize: deps
	mkdir -p $(ROOT)/build
	cmake -S $(ROOT) -B $(ROOT)/build/sanitize -G Ninja -DCMAKE_BUILD_TYPE=Debug -DSOCVAL_SANITIZE=ON \
	  -DSOCVAL_BUILD_PYTHON=OFF
	cmake --build $(ROOT)/build/sanitize
	cd $(ROOT)/build/sanitize && ctest --output-on-failure --no-tests=error -j2
	cmake -S $(ROOT) -B $(ROOT)/build/tsan -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DSOCVAL_TSAN=ON \
	  -DSOCVAL_CLONES=OFF -DSOCVAL_BUILD_PYTHON=OFF
	cmake --build $(ROOT)/build/tsan
	cd $(ROOT)/build/tsan && TSAN_OPTIONS="halt_on_error=1 second_deadlock_stack=1" \
	  ctest --output-on-failure --no-tests=error -j2
	$(MAKE) fuzz FUZZ_SECONDS=$(SANITIZE_FUZZ_SECONDS)

# libFuzzer needs clang and its runtime (Debian 12: libclang-rt-14-dev); only this target installs them.
FUZZ_PKGS := clang libclang-rt-14-dev
FUZZ_SECONDS ?= 60
SANITIZE_FUZZ_SECONDS ?= 60
FUZZ_TARGETS := fuzz_scenario_reader fuzz_distribution fuzz_results_reader

fuzz:
	$(MAKE) deps PKGS="$(PKGS) $(FUZZ_PKGS)"
	mkdir -p $(ROOT)/build
	cmake -S $(ROOT) -B $(ROOT)/build/fuzz -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_C_COMPILER=clang \
	  -DCMAKE_CXX_COMPILER=clang++ -DSOCVAL_FUZZ=ON -DSOCVAL_BUILD_PYTHON=OFF -DSOCVAL_BUILD_TESTS=OFF
	cmake --build $(ROOT)/build/fuzz --target $(FUZZ_TARGETS)
	bash $(ROOT)/tests/fuzz/run.sh $(FUZZ_SECONDS)

clean:
	rm -rf $(ROOT)/build $(ROOT)/python/socval/_core*.so
