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

# Build: cgo (FFmpeg 5.1 via go-astiav, OpenGL/X11 via Fyne, V4L2/ALSA/X11 via pion).
BUILD_PKGS := gcc pkg-config libavcodec-dev libavformat-dev libavutil-dev libavdevice-dev \
	libavfilter-dev libswscale-dev libswresample-dev libpostproc-dev \
	libgl1-mesa-dev libx11-dev libxext-dev libxcursor-dev libxrandr-dev libxinerama-dev \
	libxi-dev libxxf86vm-dev libasound2-dev ca-certificates librsvg2-bin xz-utils
# Tests run against real peers: ffmpeg/ffprobe, nginx-rtmp (+stream for TLS), openssl,
# GStreamer, rtmpdump, and a real window under Xvfb.
TEST_PKGS := ffmpeg nginx libgl1-mesa-dri libnginx-mod-rtmp libnginx-mod-stream openssl xvfb xauth xdotool \
	imagemagick gstreamer1.0-tools gstreamer1.0-plugins-base gstreamer1.0-plugins-good \
	gstreamer1.0-plugins-bad gstreamer1.0-plugins-ugly gstreamer1.0-libav rtmpdump procps x11-utils

.PHONY: all deps deps-build deps-test build run package test test-unit test-interop test-purego bench soak fuzz vet clean

all: build

deps: deps-build deps-test

deps-build:
	@./scripts/apt-deps.sh $(BUILD_PKGS)
	@./scripts/check-go.sh
	@$(GO) mod download

deps-test:
	@./scripts/apt-deps.sh $(TEST_PKGS)

build: deps-build
	$(GO) build -ldflags "$(LDFLAGS)" -o $(BIN) ./cmd/onair

run: build
	./$(BIN)

vet:
	$(GO) vet ./...

# The rtmp package is pure Go: it must build and test without cgo.
test-purego:
	CGO_ENABLED=0 $(GO) build ./rtmp/...
	CGO_ENABLED=0 $(GO) test -count=1 ./rtmp/...

test-unit:
	$(GO) test -race -count=1 -timeout 20m ./...

# The Linux installer: a .tar.xz with the binary, the .desktop entry, the icon and
# fyne's install Makefile. fyne package takes its name, ID, version and icon from the
# FyneApp.toml in the folder it packages and raises Build there, so it packages a
# staged copy (dist/_stage: Go tools skip folders starting with "_"), which also
# wants a Go file. The binary is the one `make build` made (cgo, FFmpeg 5.1).
FYNE := $(GO) run fyne.io/tools/cmd/fyne@v1.7.4
PACKAGE := dist/onair-$(VERSION)-linux-$(shell $(GO) env GOARCH).tar.xz

package: build
	rm -rf dist/_stage && mkdir -p dist/_stage/assets
	cp FyneApp.toml dist/_stage/ && cp assets/icon.png dist/_stage/assets/ && cp $(BIN) dist/_stage/onair
	echo 'package stage // fyne package wants Go code in the folder it packages' > dist/_stage/stage.go
	cd dist/_stage && $(FYNE) package -os linux --exe onair
	mv "dist/_stage/OnAir Studio.tar.xz" $(PACKAGE)
	rm -rf dist/_stage
	@echo "make package: $(PACKAGE)"

# Interop tests drive the real binary against nginx-rtmp, ffmpeg and friends;
# TestInteropPackage installs the tarball that `make package` made.
test-interop: build package
	ONAIR_BIN=$(CURDIR)/$(BIN) ONAIR_PACKAGE=$(CURDIR)/$(PACKAGE) $(GO) test -race -count=1 -timeout 20m -tags interop -run 'Interop' -v ./cmd/onair/

test: deps vet test-purego test-unit test-interop

bench: deps build
	ONAIR_BIN=$(CURDIR)/$(BIN) $(GO) test -run '^$$' -bench . -benchtime $(BENCHTIME) -timeout 60m ./encode/ ./capture/ ./rtmp/ ./ui/
	ONAIR_BIN=$(CURDIR)/$(BIN) $(GO) test -run '^$$' -bench . -benchtime 1x -timeout 60m -tags interop ./cmd/onair/

# The issue-5 soak: live to 3 destinations (one flapping every 2 min), recording, 2 incoming tiles.
soak: deps
	ONAIR_SOAK=$(SOAK) $(GO) test -tags soak -run TestSoak -v -count=1 -timeout 3h ./app/

fuzz:
	@for t in $$($(GO) test -list 'Fuzz.*' ./rtmp/ | grep ^Fuzz); do \
		echo "== $$t ($(FUZZTIME))"; \
		CGO_ENABLED=0 $(GO) test -run '^$$' -fuzz "^$$t$$" -fuzztime $(FUZZTIME) ./rtmp/ || exit 1; \
	done

clean:
	rm -rf bin dist
