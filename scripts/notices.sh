#!/usr/bin/env bash
# Writes THIRD_PARTY_NOTICES.md: the C libraries linked into the binary (with
# FFmpeg's configure line) and every Go module in it, each with its licence
# text, found by google/go-licenses. Run it (make notices) after a change of
# dependencies; TestInteropNotices fails when a module of the binary is
# missing here.
set -euo pipefail
cd "$(dirname "$0")/.."
GO=${GO:-go}
{
	cat <<'HEAD'
# Third-party notices

OnAir Studio as shipped is licensed GPL-2.0-or-later (see LICENSE), because it
links x264 and an FFmpeg configured with `--enable-gpl` statically. It contains
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
- **nv-codec-headers** (FFmpeg's NVENC headers; the NVIDIA driver is loaded at
  run time, if present): MIT. Copyright NVIDIA Corporation.

Exactly what was built:

```
HEAD
	scripts/ffmpeg.sh info
	cat <<'MID'
```

The binary also loads, from the computer it runs on, libGL, libX11, libXext,
libva and libva-drm (MIT-style licences) and glibc (LGPL-2.1-or-later).

## Go modules

MID
	$GO run github.com/google/go-licenses@v1.6.0 report ./cmd/onair \
		--ignore github.com/seed7c1a73c4/onair --template scripts/notices.tpl 2>/dev/null
} >THIRD_PARTY_NOTICES.md
echo "make notices: THIRD_PARTY_NOTICES.md"
