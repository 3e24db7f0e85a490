#!/usr/bin/env bash
# Writes THIRD_PARTY_NOTICES.md: the C libraries linked into the binary (with
# FFmpeg's configure lines) and every Go module in the Linux binary or the
# Windows exes, each with its licence text, found by google/go-licenses. Run
# it (make notices) after a change of dependencies; TestInteropNotices and
# TestWineNotices fail when a module of the binary or the exe is missing here.
set -euo pipefail
cd "$(dirname "$0")/.."
GO=${GO:-go}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# Built for this machine, then run for each target OS.
GOBIN=$tmp/bin GOOS= GOARCH= $GO install github.com/google/go-licenses@v1.6.0
report() {
	"$tmp/bin/go-licenses" report ./cmd/onair --ignore github.com/seed7c1a73c4/onair \
		--template scripts/notices.tpl 2>/dev/null
}
report >"$tmp/linux.md"
win=$(scripts/ffmpeg.sh prefix windows)
CGO_ENABLED=1 GOOS=windows GOARCH=amd64 CC=x86_64-w64-mingw32-gcc CXX=x86_64-w64-mingw32-g++ \
	PKG_CONFIG_PATH="$win/lib/pkgconfig" PKG_CONFIG_LIBDIR="$win/lib/pkgconfig" report >"$tmp/windows.md"
{
	cat <<'HEAD'
# Third-party notices

OnAir Studio as shipped is licensed GPL-2.0-or-later (see LICENSE), because it
links x264, x265 and an FFmpeg configured with `--enable-gpl` statically. It contains
the following third-party software. Their sources are pinned and checksummed in
scripts/ffmpeg.sh (C libraries) and go.sum (Go modules); this program's source
is at https://github.com/seed7c1a73c4/onair.

## C libraries, linked statically

- **FFmpeg** (libavcodec, libavformat, libavfilter, libavdevice, libavutil,
  libswscale, libswresample): LGPL-2.1-or-later, and GPL-2.0-or-later as
  configured here (`--enable-gpl`). https://ffmpeg.org, source from Debian's
  archive (`ffmpeg_7.1.5.orig.tar.xz`). Copyright the FFmpeg developers.
- **x264**: GPL-2.0-or-later. https://www.videolan.org/developers/x264.html.
  Copyright x264 project (Laurent Aimar, Loren Merritt, Fiona Glaser and
  others).
- **x265** (the HEVC encoder): GPL-2.0-or-later. https://x265.org, source from
  Debian's archive (`x265_4.1.orig.tar.xz`). Copyright MulticoreWare, Inc.
- **nv-codec-headers** (FFmpeg's NVENC headers; the NVIDIA driver is loaded at
  run time, if present): MIT. Copyright NVIDIA Corporation.

Exactly what was built:

```
HEAD
	scripts/ffmpeg.sh info
	echo
	scripts/ffmpeg.sh info windows
	cat <<'MID'
```

The Linux binary also loads, from the computer it runs on, libGL, libX11,
libXext, libva and libva-drm (MIT-style licences), glibc (LGPL-2.1-or-later),
and GCC's libstdc++ and libgcc_s, which x265 needs (GPL-3.0 with the GCC
Runtime Library Exception, which lets a program of any licence use them). The Windows exes load only Windows' own DLLs; mingw-w64's
runtime and GCC's libgcc and libstdc++ are linked in (their licences let a
program of any licence do so: the GCC Runtime Library Exception, and
mingw-w64's public-domain and ZPL runtime).

## JavaScript, built into the monitor page

The monitor page (web/assets, built in with go:embed) carries two players,
from npm at the versions and integrity hashes of
web/jsvendor/package-lock.json (`make vendor-js`):

- **hls.js** 1.7.4 (`hls.min.js`): Apache-2.0. https://github.com/video-dev/hls.js.
- **dash.js** 5.2.1 (`dash.mediaplayer.min.js`): BSD-3-Clause. Copyright the
  DASH Industry Forum. https://github.com/Dash-Industry-Forum/dash.js. Its
  bundle includes small libraries whose notices follow its licence.

### hls.js 1.7.4

```
MID
	cat web/assets/vendor/hls.js.LICENSE
	printf '```\n\n### dash.js 5.2.1\n\n```\n'
	cat web/assets/vendor/dashjs.LICENSE.md
	printf '```\n\nNotices of the libraries in the dash.js bundle (dash.mediaplayer.min.js.LICENSE.txt):\n\n```\n'
	cat web/assets/vendor/dash.mediaplayer.min.js.LICENSE.txt
	cat <<'MID'
```

## Go modules

In the Linux binary, then those only in the Windows exes.

MID
	cat "$tmp/linux.md"
	# The Windows report's modules that the Linux one lacks, whole sections.
	awk 'NR == FNR { if (/^### /) seen[$0] = 1; next }
		/^### / { keep = !($0 in seen) }
		keep' "$tmp/linux.md" "$tmp/windows.md"
} >THIRD_PARTY_NOTICES.md
echo "make notices: THIRD_PARTY_NOTICES.md"
