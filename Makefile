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

# Build: cgo. FFmpeg 7.1.5, x264 and x265 are built from pinned, checksummed sources
# as static libraries (scripts/ffmpeg.sh, cached outside the work tree) and go
# into the binary; GL/X11 (Fyne), V4L2/ALSA/X11 (pion) and VA-API stay shared.
BUILD_PKGS := gcc g++ cmake make pkg-config nasm curl xz-utils ca-certificates libva-dev \
	libgl1-mesa-dev libx11-dev libxext-dev libxcursor-dev libxrandr-dev libxinerama-dev \
	libxi-dev libxxf86vm-dev libasound2-dev librsvg2-bin
FFMPEG_PREFIX := $(shell scripts/ffmpeg.sh prefix)
# The prefix's .pc files are static-only (private fields folded in), so plain
# pkg-config, as cgo calls it, gives the whole link line. Go's build cache keys
# a cgo package by CGO_CPPFLAGS but not by what pkg-config says, so the prefix
# goes there too: a package compiled against another FFmpeg is never reused.
export PKG_CONFIG_PATH := $(FFMPEG_PREFIX)/lib/pkgconfig$(if $(PKG_CONFIG_PATH),:$(PKG_CONFIG_PATH))
export CGO_CPPFLAGS := -I$(FFMPEG_PREFIX)/include
# Tests run against real peers: ffmpeg/ffprobe, nginx-rtmp (+stream for TLS), openssl,
# GStreamer, rtmpdump, a real window under Xvfb, and headless Chromium for the
# monitor page.
TEST_PKGS := ffmpeg nginx debootstrap desktop-file-utils dpkg-dev libgl1-mesa-dri libnginx-mod-rtmp libnginx-mod-stream openssl xvfb xauth xdotool \
	imagemagick gstreamer1.0-tools gstreamer1.0-plugins-base gstreamer1.0-plugins-good \
	gstreamer1.0-plugins-bad gstreamer1.0-plugins-ugly gstreamer1.0-libav rtmpdump procps x11-utils patchelf curl chromium

.PHONY: all deps deps-build deps-test ffmpeg env build run package deb notices roots test test-unit test-interop test-purego bench soak fuzz vet clean \
	vendor-js vendor-js-check deps-windows deps-wine ffmpeg-windows windows test-windows bench-windows

all: build

deps: deps-build deps-test

deps-build:
	@./scripts/apt-deps.sh $(BUILD_PKGS)
	@./scripts/check-go.sh
	@$(GO) mod download

deps-test:
	@./scripts/apt-deps.sh $(TEST_PKGS)
	@./scripts/pulse.sh build

# The pinned FFmpeg; a second run with the same configuration does nothing.
ffmpeg: deps-build
	@scripts/ffmpeg.sh build

# For running go by hand: eval "$$(make -s env)".
env:
	@echo "export PKG_CONFIG_PATH='$(PKG_CONFIG_PATH)' CGO_CPPFLAGS='$(CGO_CPPFLAGS)'"

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
# (cmd/onair-launch): it checks that the libraries the studio shares with the
# system (GL, X11, VA-API) load and says what to install if not, then execs the
# real studio, the binary `make build` made (FFmpeg and x264 linked in), which
# goes in as lib/onair/onair-studio; the sed adds it to every install and
# uninstall target of fyne's Makefile.
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
notices: ffmpeg ffmpeg-windows
	GO=$(GO) ./scripts/notices.sh

# Windows: dist/onair-<version>-windows-amd64.zip, cross-built here with
# Debian's mingw-w64 against FFmpeg 7.1.5 and x264 cross-built static from the
# same pinned sources (scripts/ffmpeg.sh build windows, cached in
# ~/.cache/onair/ffmpeg-7.1.5-windows-<hash>). Two exes from one build: the
# window "OnAir Studio.exe" (GUI subsystem: no console window from the Start
# menu) and onair.exe (console subsystem: the CLI prints where it was started,
# and cmd.exe and PowerShell wait for it and see its exit code). Both carry the
# icon, version resource and manifest that fyne package -os windows would give
# them (cmd/onair-winres), and are linked -static: they import only Windows'
# own DLLs (TestWineImports checks).
WIN_PKGS := gcc-mingw-w64-x86-64 g++-mingw-w64-x86-64 nasm zip
WIN_PREFIX := $(shell scripts/ffmpeg.sh prefix windows)
WIN_DIR := bin/windows
WIN_ZIP := dist/onair-$(VERSION)-windows-amd64.zip
WIN_SYSO := cmd/onair/zz_winres_windows_amd64.syso
# Go's build cache keys a cgo package by CGO_CFLAGS but not by what pkg-config
# said, so the prefix goes into CGO_CFLAGS: a package compiled against another
# FFmpeg (or with the Linux .pc files) is never reused. No -g: the exes are
# stripped, and the C of go-gl and miniaudio compiles faster without it.
WIN_GO := CGO_ENABLED=1 GOOS=windows GOARCH=amd64 CC=x86_64-w64-mingw32-gcc CXX=x86_64-w64-mingw32-g++ \
	PKG_CONFIG_PATH=$(WIN_PREFIX)/lib/pkgconfig PKG_CONFIG_LIBDIR=$(WIN_PREFIX)/lib/pkgconfig \
	CGO_CPPFLAGS= CGO_CFLAGS="-O2 -I$(WIN_PREFIX)/include" $(GO)
# -s -w as fyne package --release: no symbol table or DWARF (Go's stack traces stay).
WIN_LDFLAGS := $(LDFLAGS) -s -w -extldflags=-static

deps-windows:
	@./scripts/apt-deps.sh $(WIN_PKGS)

ffmpeg-windows: deps-windows deps-build
	@scripts/ffmpeg.sh build windows

windows: ffmpeg-windows
	$(GO) run ./cmd/onair-winres -app FyneApp.toml -o $(WIN_SYSO)
	@mkdir -p $(WIN_DIR) dist
	@if [ ! -f $(WIN_DIR)/onair.exe ]; then echo "make windows: the first cross-build compiles Fyne, pion and the studio for Windows (several minutes on 2 cores; later builds take seconds)"; fi
	$(WIN_GO) build -ldflags "$(WIN_LDFLAGS)" -o $(WIN_DIR)/onair.exe ./cmd/onair
	$(WIN_GO) build -ldflags "$(WIN_LDFLAGS) -H=windowsgui" -o "$(WIN_DIR)/OnAir Studio.exe" ./cmd/onair
	rm -rf dist/_win && mkdir -p "dist/_win/OnAir Studio"
	cp "$(WIN_DIR)/OnAir Studio.exe" $(WIN_DIR)/onair.exe "dist/_win/OnAir Studio/"
	cp LICENSE "dist/_win/OnAir Studio/LICENSE.txt" && cp THIRD_PARTY_NOTICES.md "dist/_win/OnAir Studio/"
	rm -f $(WIN_ZIP) && cd dist/_win && zip -qr -9 ../$(notdir $(WIN_ZIP)) "OnAir Studio"
	rm -rf dist/_win
	@echo "make windows: $(WIN_ZIP) ($$(du -h $(WIN_ZIP) | cut -f1); onair.exe $$(du -h $(WIN_DIR)/onair.exe | cut -f1))"

# The zip's exes under Wine (Debian 12: 8.0) and Xvfb, against the same host
# peers as the Linux tests: DLL imports, resources, --version, devices,
# publish (+ --record), serve, and the window with a moving preview. Each run
# makes its own Wine prefix in a temporary folder. No -race: the code under
# test runs in Wine, and the race-instrumented harness took 15 s to unzip.
WINE_PKGS := wine wine64 binutils-mingw-w64-x86-64

deps-wine:
	@./scripts/apt-deps.sh $(WINE_PKGS)

test-windows: windows build deps-test deps-wine
	ONAIR_BIN=$(CURDIR)/$(BIN) ONAIR_WINDOWS_ZIP=$(CURDIR)/$(WIN_ZIP) \
		$(GO) test -count=1 -timeout 20m -tags interop,wine -run 'Wine' -v ./cmd/onair/

# CPU of a 720p30 veryfast publish, the Linux binary then onair.exe under Wine
# in the same run (60 s each; ONAIR_BENCH_SECONDS=N for a quicker look).
bench-windows: windows build deps-test deps-wine
	ONAIR_BIN=$(CURDIR)/$(BIN) ONAIR_WINDOWS_ZIP=$(CURDIR)/$(WIN_ZIP) \
		$(GO) test -run '^$$' -bench Wine -benchtime 1x -timeout 30m -tags interop,wine ./cmd/onair/

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
	ONAIR_PULSE=$$(./scripts/pulse.sh path) \
		$(GO) test -race -count=1 -timeout 30m -tags interop -run 'Interop' -v ./cmd/onair/

test: deps vet test-purego test-unit test-interop test-windows

bench: deps build bench-windows
	ONAIR_BIN=$(CURDIR)/$(BIN) $(GO) test -run '^$$' -bench . -benchtime $(BENCHTIME) -timeout 60m ./encode/ ./capture/ ./rtmp/ ./ui/
	ONAIR_BIN=$(CURDIR)/$(BIN) $(GO) test -run '^$$' -bench . -benchtime 1x -timeout 60m -tags interop ./cmd/onair/

# The issue-5 soak: live to 3 destinations (one flapping every 2 min), recording, 2 incoming tiles.
soak: deps ffmpeg
	ONAIR_SOAK=$(SOAK) $(GO) test -tags soak -run TestSoak -v -count=1 -timeout 3h ./app/

FUZZ_PKGS := ./rtmp/amf0/ ./rtmp/chunk/ ./rtmp/server/ ./codec/h264/ ./codec/aac/ ./codec/hevc/ ./codec/av1/ ./codec/vp9/ ./flv/ ./cmd/onair-launch/ ./web/

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
	rm -rf bin dist $(WIN_SYSO)
