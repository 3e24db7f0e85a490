# OnAir Studio — build, run, test, benchmark.
# `make run` and `make test` install everything they need on Debian/Ubuntu.

SHELL := /bin/bash
GO ?= go
BIN := bin/onair
VERSION := $(shell sed -n 's/^Version *= *"\(.*\)"/\1/p' FyneApp.toml 2>/dev/null)
LDFLAGS := -X main.buildVersion=$(VERSION)
FUZZTIME ?= 30s
BENCHTIME ?= 1x
SOAK ?= 1h

# Build: cgo. FFmpeg 7.1.5 and x264 are built from pinned, checksummed sources
# as static libraries (scripts/ffmpeg.sh, cached outside the work tree) and go
# into the binary; GL/X11 (Fyne), V4L2/ALSA/X11 (pion) and VA-API stay shared.
BUILD_PKGS := gcc make pkg-config nasm curl xz-utils ca-certificates libva-dev \
	libgl1-mesa-dev libx11-dev libxext-dev libxcursor-dev libxrandr-dev libxinerama-dev \
	libxi-dev libxxf86vm-dev libasound2-dev librsvg2-bin
FFMPEG_PREFIX := $(shell scripts/ffmpeg.sh prefix)
# The prefix's .pc files are static-only (private fields folded in), so plain
# pkg-config, as cgo calls it, gives the whole link line.
export PKG_CONFIG_PATH := $(FFMPEG_PREFIX)/lib/pkgconfig$(if $(PKG_CONFIG_PATH),:$(PKG_CONFIG_PATH))
# Tests run against real peers: ffmpeg/ffprobe, nginx-rtmp (+stream for TLS), openssl,
# GStreamer, rtmpdump, a real window under Xvfb, and headless Chromium for the
# monitor page.
TEST_PKGS := ffmpeg nginx debootstrap desktop-file-utils dpkg-dev libgl1-mesa-dri libnginx-mod-rtmp libnginx-mod-stream openssl xvfb xauth xdotool \
	imagemagick gstreamer1.0-tools gstreamer1.0-plugins-base gstreamer1.0-plugins-good \
	gstreamer1.0-plugins-bad gstreamer1.0-plugins-ugly gstreamer1.0-libav rtmpdump procps x11-utils patchelf curl chromium

.PHONY: vendor-js vendor-js-check all deps deps-build deps-test ffmpeg env build run package deb notices roots test test-unit test-interop test-purego bench soak fuzz vet clean

all: build

deps: deps-build deps-test

deps-build:
	@./scripts/apt-deps.sh $(BUILD_PKGS)
	@./scripts/check-go.sh
	@$(GO) mod download

deps-test:
	@./scripts/apt-deps.sh $(TEST_PKGS)

# The pinned FFmpeg; a second run with the same configuration does nothing.
ffmpeg: deps-build
	@scripts/ffmpeg.sh build

# For running go by hand: eval "$$(make -s env)".
env:
	@echo "export PKG_CONFIG_PATH='$(PKG_CONFIG_PATH)'"

build: ffmpeg
	@if [ ! -x $(BIN) ]; then echo "make build: building $(BIN); the first build compiles Fyne and the studio (about 5 minutes on 2 cores; later builds take seconds). Packages as they compile:"; fi
	$(GO) build -v -ldflags "$(LDFLAGS)" -o $(BIN) ./cmd/onair

run: build
	./$(BIN)

vet: ffmpeg
	$(GO) vet ./...

# The rtmp package is pure Go: it must build and test without cgo.
test-purego:
	CGO_ENABLED=0 $(GO) build ./rtmp/...
	CGO_ENABLED=0 $(GO) test -count=1 ./rtmp/...

test-unit: ffmpeg
	@echo "make test-unit: compiling every package with the race detector (the first time takes several minutes), then testing:"
	$(GO) build -race -v ./...
	$(GO) test -race -count=1 -timeout 20m ./...

# The Linux installer: a .tar.xz with the binary, the .desktop entry, the icon and
# fyne's install Makefile. fyne package takes its name, ID, version and icon from the
# FyneApp.toml in the folder it packages and raises Build there, so it packages a
# staged copy (dist/_stage: Go tools skip folders starting with "_"), which also
# wants a Go file. The exe it packages as `onair` is the pure-Go launcher
# (cmd/onair-launch): it checks that the studio's libraries (FFmpeg 5.1, GL, X11)
# load and says what to install if not, then execs the real studio, the binary
# `make build` made (cgo, FFmpeg 5.1), which goes in as lib/onair/onair-studio;
# the sed adds it to every install and uninstall target of fyne's Makefile.
FYNE := $(GO) run fyne.io/tools/cmd/fyne@v1.7.4
PACKAGE := dist/onair-$(VERSION)-linux-$(shell $(GO) env GOARCH).tar.xz
LAUNCHER := bin/onair-launch
STUDIO_LIB := lib/onair/onair-studio

$(LAUNCHER): go.mod $(wildcard cmd/onair-launch/*.go)
	CGO_ENABLED=0 $(GO) build -o $@ ./cmd/onair-launch

package: build $(LAUNCHER)
	rm -rf dist/_stage && mkdir -p dist/_stage/assets dist/_stage/tar
	cp FyneApp.toml dist/_stage/ && cp assets/icon.png dist/_stage/assets/ && cp $(LAUNCHER) dist/_stage/onair
	echo 'package stage // fyne package wants Go code in the folder it packages' > dist/_stage/stage.go
	cd dist/_stage && $(FYNE) package -os linux --exe onair
	tar -xJf "dist/_stage/OnAir Studio.tar.xz" -C dist/_stage/tar
	install -Dm00755 $(BIN) dist/_stage/tar/onair/usr/local/$(STUDIO_LIB)
	sed -i \
		-e 's,^\([[:space:]]*\)install -Dm00755 usr/local/bin/\$$(Exec) \(.*\)/bin/\$$(Exec)$$,&\n\1install -Dm00755 usr/local/$(STUDIO_LIB) \2/$(STUDIO_LIB),' \
		-e 's,^\([[:space:]]*\)-rm \(.*\)/bin/\$$(Exec)$$,&\n\1-rm \2/$(STUDIO_LIB)\n\1-rmdir \2/lib/onair,' \
		dist/_stage/tar/onair/Makefile
	@m=dist/_stage/tar/onair/Makefile; \
	if [ "$$(grep -c '^[[:space:]]*install -Dm00755 usr/local/$(STUDIO_LIB) ' $$m)" != 2 ] || \
	   [ "$$(grep -c '^[[:space:]]*-rm .*/$(STUDIO_LIB)$$' $$m)" != 2 ]; then \
		echo "make package: fyne's install Makefile changed: want 2 install and 2 uninstall lines for bin/\$$(Exec), got:" >&2; \
		cat $$m >&2; exit 1; \
	fi
	rm -f $(PACKAGE)
	tar -cJf $(PACKAGE) --owner=0 --group=0 --numeric-owner -C dist/_stage/tar onair
	rm -rf dist/_stage
	@echo "make package: $(PACKAGE)"

# The Debian package: dist/onair_<version>_<arch>.deb, from the tarball's files
# in the /usr layout, with Depends from dpkg-shlibdeps (scripts/deb.sh).
DEB := dist/onair_$(VERSION)_$(shell dpkg --print-architecture 2>/dev/null || echo amd64).deb

deb: package
	@./scripts/apt-deps.sh dpkg-dev
	./scripts/deb.sh $(PACKAGE) $(VERSION) $(DEB)

# THIRD_PARTY_NOTICES.md, after a change of dependencies (TestInteropNotices
# fails when a module of the binary is missing from it).
notices: ffmpeg
	GO=$(GO) ./scripts/notices.sh

# Minimal Debian 12 and 13 roots (no FFmpeg) for the .deb's clean-system tests,
# cached outside the work tree (scripts/debroot.sh; needs root).
roots:
	@./scripts/debroot.sh build bookworm
	@./scripts/debroot.sh build trixie

# Interop tests drive the real binary against nginx-rtmp, ffmpeg and friends;
# TestInteropPackage installs the tarball that `make package` made, and
# TestInteropDebianRoots the .deb, in the Debian roots.
test-interop: build deb roots
	ONAIR_BIN=$(CURDIR)/$(BIN) ONAIR_PACKAGE=$(CURDIR)/$(PACKAGE) ONAIR_DEB=$(CURDIR)/$(DEB) \
	ONAIR_ROOT_BOOKWORM=$$(./scripts/debroot.sh path bookworm) ONAIR_ROOT_TRIXIE=$$(./scripts/debroot.sh path trixie) \
		$(GO) test -race -count=1 -timeout 30m -tags interop -run 'Interop' -v ./cmd/onair/

test: deps vet test-purego test-unit test-interop

bench: deps build
	ONAIR_BIN=$(CURDIR)/$(BIN) $(GO) test -run '^$$' -bench . -benchtime $(BENCHTIME) -timeout 60m ./encode/ ./capture/ ./rtmp/ ./ui/
	ONAIR_BIN=$(CURDIR)/$(BIN) $(GO) test -run '^$$' -bench . -benchtime 1x -timeout 60m -tags interop ./cmd/onair/

# The issue-5 soak: live to 3 destinations (one flapping every 2 min), recording, 2 incoming tiles.
soak: deps ffmpeg
	ONAIR_SOAK=$(SOAK) $(GO) test -tags soak -run TestSoak -v -count=1 -timeout 3h ./app/

FUZZ_PKGS := ./rtmp/ ./cmd/onair-launch/ ./web/

# The monitor page's players (hls.js, dash.js) from the npm registry, at the
# versions and integrity hashes of web/jsvendor/package-lock.json, into
# web/assets/vendor (committed; built in with go:embed). vendor-js-check
# only compares.
vendor-js:
	./scripts/vendor-js.sh

vendor-js-check:
	./scripts/vendor-js.sh check

fuzz:
	@for p in $(FUZZ_PKGS); do \
		for t in $$(CGO_ENABLED=0 $(GO) test -list 'Fuzz.*' $$p | grep ^Fuzz); do \
			echo "== $$p $$t ($(FUZZTIME))"; \
			CGO_ENABLED=0 $(GO) test -run '^$$' -fuzz "^$$t$$" -fuzztime $(FUZZTIME) $$p || exit 1; \
		done; \
	done

clean:
	rm -rf bin dist
