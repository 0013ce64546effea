# netswap: top-level build and test entry points.
#
#   make            build netswap.ko for KDIR (running kernel, else newest headers)
#   make modules    build for every Debian kernel under test, W=1, warnings fatal
#   make deps       install everything the build and tests need (Debian packages)
#   make test       deps, builds, sparse, unit tests, fuzzers, VM tests; summary
#   make swapctl    build build/swapctl (userspace/)
#   make bench      benchmarks (not part of make test)
#   make install    module (depmod), swapctl, man pages, udev rules, systemd
#                   unit, boot integration; DESTDIR, PREFIX, KVER (uname -r)
#   make uninstall  remove exactly what install put there
#   make dkms-install   the module under DKMS (built for every kernel with
#                   headers, and for kernels installed later) and the tools
#   make dkms-uninstall remove both again
#   make deb        Debian packages netswap-dkms and netswap-tools in
#                   build/deb/, checked with lintian
#   make demo       netswap carrying a small guest through memory pressure
#   make demo-shell the same guest with the targets up, and a shell in it

SHELL := /bin/bash
TOP := $(CURDIR)
BUILD := $(TOP)/build
RESULTS := $(BUILD)/results
export RESULTS

KVERS ?= $(shell $(TOP)/tests/vm/kernels.sh 2>/dev/null)
NEWEST_HDRS := $(lastword $(sort $(wildcard /usr/src/linux-headers-*-amd64)))
KDIR ?= $(if $(wildcard /lib/modules/$(shell uname -r)/build/Makefile),/lib/modules/$(shell uname -r)/build,$(NEWEST_HDRS))

# What a module build copies: Kbuild, the sources and VERSION (the one
# version of the module and swapctl: MODULE_VERSION, swapctl --version).
KTREE := Kbuild VERSION kernel configfs
KSRC := Kbuild VERSION $(shell find kernel configfs -name '*.[ch]')

.PHONY: all module modules sparse tools swapctl userspace deps test unit fuzz vm-test bench stress clean summary install uninstall dkms-install dkms-uninstall deb demo demo-shell demo-build

all: module

# One copied source tree per kernel, so both builds can coexist and
# `make clean` of one never deletes the other's module.
define build_tree
	rm -rf $(1)/src && mkdir -p $(1)/src && cp -r $(KTREE) $(1)/src/
endef

module:
	$(call build_tree,$(BUILD)/default)
	$(MAKE) -C $(KDIR) M=$(BUILD)/default/src W=1 modules
	cp $(BUILD)/default/src/netswap.ko $(BUILD)/default/

# build/<kver>/netswap.ko for each kernel; any compiler warning fails.
modules:
	@mkdir -p $(RESULTS)
	@rc=0; for v in $(KVERS); do \
		d=$(BUILD)/$$v; rm -rf $$d/src; mkdir -p $$d/src; \
		cp -r $(KTREE) $$d/src/; \
		if $(MAKE) -C /usr/src/linux-headers-$$v M=$$d/src W=1 modules > $$d/build.log 2>&1 \
		   && ! grep -q 'warning:' $$d/build.log; then \
			cp $$d/src/netswap.ko $$d/netswap.ko; \
			echo "PASS build W=1 $$v" | tee -a $(RESULTS)/build.txt; \
		else \
			grep -E 'warning:|error:' $$d/build.log | head -20; \
			echo "FAIL build W=1 $$v" | tee -a $(RESULTS)/build.txt; rc=1; \
		fi; \
	done; exit $$rc

# sparse over every kernel source file (C=2: check all, built or not).
sparse:
	@mkdir -p $(RESULTS)
	@rc=0; for v in $(KVERS); do \
		d=$(BUILD)/sparse-$$v; rm -rf $$d; mkdir -p $$d; \
		cp -r $(KTREE) $$d/; \
		$(MAKE) -C /usr/src/linux-headers-$$v M=$$d C=2 modules > $$d/sparse.log 2>&1; \
		if ! grep -q '^  CHECK ' $$d/sparse.log || \
		   grep -E '^[^ ]*\.[ch]:[0-9]+:[0-9]+: (warning|error):' $$d/sparse.log | grep -v '/usr/src/' ; then \
			echo "FAIL sparse $$v" | tee -a $(RESULTS)/build.txt; rc=1; \
		else echo "PASS sparse $$v" | tee -a $(RESULTS)/build.txt; fi; \
	done; exit $$rc

deps:
	tests/deps.sh

# Test programs run inside the guests (host root is the guest's root).
tools: $(BUILD)/memhog $(BUILD)/pgtouch $(BUILD)/tcg-cx16 swapctl

swapctl:
	$(MAKE) -C userspace OUT=$(BUILD)

# swapctl built with -Werror and checked by cppcheck; one result line each
# (tests/expected.sh lists these names: keep them in step).
userspace:
	@mkdir -p $(RESULTS)
	@if $(MAKE) -s -C userspace OUT=$(BUILD) >$(BUILD)/swapctl.log 2>&1; then \
		echo "PASS build swapctl" | tee -a $(RESULTS)/build.txt; \
	else cat $(BUILD)/swapctl.log; echo "FAIL build swapctl" | tee -a $(RESULTS)/build.txt; fi
	@if $(MAKE) -s -C userspace cppcheck >$(BUILD)/swapctl-cppcheck.log 2>&1; then \
		echo "PASS cppcheck swapctl" | tee -a $(RESULTS)/build.txt; \
	else cat $(BUILD)/swapctl-cppcheck.log; echo "FAIL cppcheck swapctl" | tee -a $(RESULTS)/build.txt; fi
	@for m in docs/man/*.[0-9]; do \
		w=$$(LC_ALL=C.UTF-8 MANWIDTH=80 man --warnings -E UTF-8 -l -Tutf8 $$m 2>&1 >/dev/null); \
		if [ -z "$$w" ]; then echo "PASS man $$m" | tee -a $(RESULTS)/build.txt; \
		else echo "$$w"; echo "FAIL man $$m" | tee -a $(RESULTS)/build.txt; fi; \
	done

$(BUILD)/memhog $(BUILD)/pgtouch: $(BUILD)/%: tests/tools/%.c tests/tools/pattern.h
	@mkdir -p $(BUILD)
	$(CC) -O2 -Wall -Wextra -Werror -o $@ $<

# Shows QEMU's CMPXCHG16B flags defect (tests/vm/README.md); built so it
# keeps compiling, run by hand under qemu-x86_64.
$(BUILD)/tcg-cx16: tests/tools/tcg-cx16.c
	@mkdir -p $(BUILD)
	$(CC) -O1 -Wall -Wextra -Werror -o $@ $<

unit: swapctl
	$(MAKE) -C tests/unit check RESULTS=$(RESULTS)

fuzz:
	$(MAKE) -C tests/fuzz run RESULTS=$(RESULTS) FUZZ_SECONDS=$${FUZZ_SECONDS:-10}

vm-test:
	tests/vm/run.sh

# The test command. Every suite appends PASS/FAIL lines under build/results;
# the last line is the summary over all of them. tests/summary.sh also
# compares them with tests/expected.sh (builds, unit cases, fuzzers, VM
# tests x kernels): a result that is missing (kernel not installed, test
# filtered out, suite died) is a failure. It prints the environment
# overrides in effect (NETSWAP_*, FUZZ_SECONDS, ...). CI runs with none.
test: deps
	@rm -rf $(RESULTS); mkdir -p $(RESULTS)
	-@$(MAKE) --no-print-directory modules
	-@$(MAKE) --no-print-directory sparse
	-@$(MAKE) --no-print-directory userspace
	-@$(MAKE) --no-print-directory unit
	-@$(MAKE) --no-print-directory fuzz
	-@$(MAKE) --no-print-directory tools
	-@$(MAKE) --no-print-directory vm-test
	@tests/summary.sh $(RESULTS)

summary:
	@tests/summary.sh $(RESULTS)

bench: modules tools
	tests/deps.sh bench
	tests/bench/run.sh

stress: tools
	NETSWAP_VM_PREFIX=s tests/vm/run.sh

# The demo (demo/demo.sh): the module for the newest Debian kernel (built
# again only if a source is newer than it), swapctl and memhog, then one
# guest; nothing of it is left running or on disk.
demo-build:
	@k=$$(tests/vm/kernels.sh | sort -V | tail -n 1); \
	ko=$(BUILD)/$$k/netswap.ko; \
	if [ ! -f "$$ko" ] || [ -n "$$(find $(KSRC) -newer "$$ko" | head -n 1)" ]; then \
		$(MAKE) --no-print-directory modules KVERS="$$k" RESULTS=$(BUILD)/demo-results; \
	else echo "demo: $$ko is up to date"; fi
	@$(MAKE) --no-print-directory -s tools

demo: deps
	@$(MAKE) --no-print-directory demo-build
	demo/demo.sh

demo-shell: deps
	@$(MAKE) --no-print-directory demo-build
	demo/demo.sh --shell

# Installs what `make` (or `make modules`) and `make swapctl` built.
install uninstall:
	scripts/install.sh $@

# DKMS builds the module for each kernel; the rest as `make install`.
dkms-install: tools
	scripts/dkms.sh install
	scripts/install.sh install --no-module

dkms-uninstall:
	scripts/dkms.sh uninstall
	scripts/install.sh uninstall --no-module

# The packages are built from a copy of the tree (no build/, no .git),
# so dpkg-buildpackage's clean never touches this checkout.
deb:
	scripts/deb.sh

clean:
	rm -rf $(BUILD)
	-$(MAKE) -C tests/unit clean
	-$(MAKE) -C tests/fuzz clean
