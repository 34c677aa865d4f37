# vigie: the two commands a newcomer needs are `make run` and `make check`.
BUILD      ?= build
BUILD_SAN  ?= build-asan
BUILD_FUZZ ?= build-fuzz
BUILD_BENCH?= build-bench
JOBS       ?= $(shell nproc 2>/dev/null || echo 2)
CMAKE_FLAGS?=

# Debian packages needed to build, test and benchmark (see docs/DEPENDENCIES.md).
DEB_DEPS = build-essential cmake pkg-config clang \
	libsqlite3-dev libcurl4-openssl-dev libyajl-dev libxml2-dev zlib1g-dev \
	liblzma-dev liblz4-dev libarchive-dev libmicrohttpd-dev libcairo2-dev \
	libpq-dev libgnutls28-dev libargon2-dev libcmocka-dev libdpkg-dev \
	debsecan distro-info-data dpkg-dev xz-utils lz4 python3 ca-certificates \
	postgresql postgresql-client libpango1.0-dev gettext fonts-dejavu-core \
	poppler-utils chromium python3-jsonschema

.PHONY: all deps run check test bench fuzz clean format deb deb-deps package-test

all: $(BUILD)/vigie

deps:
	@missing=$$(for p in $(DEB_DEPS); do \
		dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | grep -q 'install ok installed' || echo $$p; \
	done); \
	if [ -n "$$missing" ]; then \
		echo "Installing build dependencies:" $$missing; \
		if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
		$$SUDO apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq --no-install-recommends $$missing; \
	fi

$(BUILD)/Makefile: CMakeLists.txt
	cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo $(CMAKE_FLAGS)

$(BUILD)/vigie: $(BUILD)/Makefile FORCE
	cmake --build $(BUILD) -j $(JOBS) --target vigie-cli

FORCE:

# Build, then run the main job on this machine with the embedded SQLite store.
run: deps
	@$(MAKE) --no-print-directory all
	@./scripts/run.sh $(BUILD)/vigie

# Build with ASan+UBSan and warnings as errors, run every test through ctest.
check: deps
	cmake -S . -B $(BUILD_SAN) -DCMAKE_BUILD_TYPE=Debug -DVIGIE_SANITIZE=ON \
		-DVIGIE_WERROR=ON $(CMAKE_FLAGS)
	cmake --build $(BUILD_SAN) -j $(JOBS)
	cd $(BUILD_SAN) && ctest --output-on-failure -j $(JOBS) $(CTEST_FLAGS)

test: check

bench: deps
	cmake -S . -B $(BUILD_BENCH) -DCMAKE_BUILD_TYPE=Release -DVIGIE_BENCH=ON \
		-DVIGIE_TESTS=OFF $(CMAKE_FLAGS)
	cmake --build $(BUILD_BENCH) -j $(JOBS)
	./bench/run.sh $(BUILD_BENCH)

fuzz: deps
	CC=clang cmake -S . -B $(BUILD_FUZZ) -DCMAKE_BUILD_TYPE=Debug -DVIGIE_FUZZ=ON $(CMAKE_FLAGS)
	cmake --build $(BUILD_FUZZ) -j $(JOBS)
	./tests/fuzz/run.sh $(BUILD_FUZZ) $(FUZZ_SECONDS)

# Debian packages (debian/): built in a copy of the tree under $(BUILD)/,
# the .deb files left in $(BUILD)/deb/ (docs/PACKAGING.md).
PKG_DEPS = debhelper lintian fakeroot dpkg-dev
deb-deps:
	@missing=$$(for p in $(PKG_DEPS); do \
		dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | grep -q 'install ok installed' || echo $$p; \
	done); \
	if [ -n "$$missing" ]; then \
		echo "Installing packaging tools:" $$missing; \
		if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
		$$SUDO apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq --no-install-recommends $$missing; \
	fi

deb: deb-deps
	./scripts/make-deb.sh $(BUILD)

# Build twice and compare, lintian, then install, run and purge on this
# machine (root; refuses a machine with a vigie not installed by dpkg).
package-test: deb-deps
	./tests/packaging/run.sh build-deb $(BUILD)/pkgtest
	./tests/packaging/run.sh package-test $(BUILD)/pkgtest

format:
	clang-format -i include/vigie/*/*.h lib/*/*.c lib/*/*.h src/*/*.c src/*/*.h

clean:
	rm -rf $(BUILD) $(BUILD_SAN) $(BUILD_FUZZ) $(BUILD_BENCH)
