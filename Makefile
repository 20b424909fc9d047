# lawreport chores. `make help` lists them.
#   make report   set everything up and build the sample report
#   make test     set everything up and run the tests
PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python
SUDO   := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
# fonts-noto-cjk: chart labels, and the PDF's stand-ins for 宋/小标宋 (Serif) and 黑体 (Sans);
# fonts-arphic-ukai: the PDF's 楷体; libpango*/libharfbuzz-subset0: WeasyPrint (report.pdf)
APT_PACKAGES := fonts-noto-cjk fonts-arphic-ukai libpango-1.0-0 libpangoft2-1.0-0 \
                libharfbuzz-subset0
# chromium: browser tests; poppler-utils: pdffonts/pdfinfo/pdftotext read report.pdf in tests
TEST_APT_PACKAGES := chromium poppler-utils

.DEFAULT_GOAL := help
.PHONY: help setup system-packages test-system-packages report test bench lint lab clean

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-22s %s\n", $$1, $$2}'

system-packages: ## install the fonts (charts, PDF) and the libraries WeasyPrint uses
	@if ! dpkg -s $(APT_PACKAGES) >/dev/null 2>&1; then \
	  $(SUDO) apt-get update -q && $(SUDO) apt-get install -y -q --no-install-recommends $(APT_PACKAGES); fi

test-system-packages: system-packages ## also install Chromium (browser tests) and poppler-utils
	@if ! dpkg -s $(TEST_APT_PACKAGES) >/dev/null 2>&1; then \
	  $(SUDO) apt-get update -q && $(SUDO) apt-get install -y -q --no-install-recommends $(TEST_APT_PACKAGES); fi

$(VENV)/.installed: pyproject.toml lawreport/kernelspecs/lawreport/kernel.json
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e '.[test,lab]'
	$(PY) -m lawreport kernel install
	touch $@

# The package's bytecode, written as a regular (non-editable) install writes it: where
# PYTHONDONTWRITEBYTECODE is set, every process (a build, its warm process for kernels)
# would otherwise compile lawreport's source again, a fifth of a second each.
BYTECODE := $(PY) -m compileall -q lawreport

setup: system-packages $(VENV)/.installed ## create .venv with lawreport, its tools, JupyterLab and the 'lawreport' kernel
	@$(BYTECODE)

report: setup ## set everything up and build the sample report into outputs/
	$(VENV)/bin/lawreport build

test: test-system-packages $(VENV)/.installed ## set everything up and run the tests
	@$(BYTECODE)
	$(PY) -m pytest

bench: setup ## benchmarks: the floor, one report, a batch, an unchanged rebuild, each against its target
	$(PY) bench/run.py

$(VENV)/.dev-installed: $(VENV)/.installed
	$(PY) -m pip install -q -e '.[dev]'
	touch $@

lint: setup $(VENV)/.dev-installed ## check the code with ruff (rules in pyproject.toml)
	$(VENV)/bin/ruff check lawreport tests bench

LAB_PORT ?= 8888
LAB_ARGS ?=
# JupyterLab refuses to run as root unless told (containers and CI machines run as root)
LAB_ROOT := $(shell [ "$$(id -u)" = 0 ] && echo --allow-root)
lab: setup ## open JupyterLab on notebooks/ with the 'lawreport' kernel (LAB_PORT=8888, LAB_ARGS=…)
	$(VENV)/bin/jupyter lab --ServerApp.root_dir=notebooks --ServerApp.ip=127.0.0.1 \
	  --ServerApp.port=$(LAB_PORT) --MappingKernelManager.default_kernel_name=lawreport \
	  $(LAB_ROOT) $(LAB_ARGS)

clean: ## remove generated outputs (keeps outputs/README.md)
	find outputs -mindepth 1 ! -name README.md -exec rm -rf {} +
