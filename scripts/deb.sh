#!/usr/bin/env bash
# Builds dist/onair_<version>_<arch>.deb from the tarball `make package` made:
# the launcher as /usr/bin/onair, the studio as /usr/lib/onair/onair-studio,
# the .desktop entry in /usr/share/applications, the icon in the hicolor
# theme, and the licences in /usr/share/doc/onair. Depends comes from
# dpkg-shlibdeps on the studio: the Debian packages of the libraries it still
# shares (GL, X11, VA-API, glibc); FFmpeg and x264 are inside it.
#
#   scripts/deb.sh TARBALL VERSION OUT.deb
set -euo pipefail
tarball=$1 version=$2 out=$3
id=io.github.seed7c1a73c4.onair
arch=$(dpkg --print-architecture)
top=$(cd "$(dirname "$0")/.." && pwd)

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
tar -xJf "$tarball" -C "$work"
from="$work/onair/usr/local"
root="$work/root"
install -Dm0755 "$from/bin/onair" "$root/usr/bin/onair"
install -Dm0755 "$from/lib/onair/onair-studio" "$root/usr/lib/onair/onair-studio"
install -Dm0644 "$from/share/applications/$id.desktop" "$root/usr/share/applications/$id.desktop"
install -Dm0644 "$from/share/pixmaps/$id.png" "$root/usr/share/icons/hicolor/512x512/apps/$id.png"
install -Dm0644 "$top/assets/icon.svg" "$root/usr/share/icons/hicolor/scalable/apps/$id.svg"
install -Dm0644 "$top/LICENSE" "$root/usr/share/doc/onair/copyright"
install -Dm0644 "$top/THIRD_PARTY_NOTICES.md" "$root/usr/share/doc/onair/THIRD_PARTY_NOTICES.md"

# dpkg-shlibdeps wants a source package around the binary it reads.
mkdir -p "$work/src/debian"
printf 'Source: onair\n\nPackage: onair\nArchitecture: any\n' >"$work/src/debian/control"
depends=$(cd "$work/src" && dpkg-shlibdeps -O "$root/usr/lib/onair/onair-studio" 2>/dev/null | sed -n 's/^shlibs:Depends=//p')
if [[ -z $depends ]]; then
	echo "make deb: dpkg-shlibdeps found no dependencies for the studio binary" >&2
	exit 1
fi

size=$(du -sk --exclude=DEBIAN "$root" | cut -f1)
mkdir -p "$root/DEBIAN"
cat >"$root/DEBIAN/control" <<EOF
Package: onair
Version: $version
Architecture: $arch
Maintainer: OnAir Studio developers <onair-studio@users.noreply.github.com>
Installed-Size: $size
Depends: $depends
Section: video
Priority: optional
Homepage: https://github.com/seed7c1a73c4/onair
Description: streaming studio: go live to many RTMP/RTMPS destinations
 OnAir Studio captures a camera, a microphone, the screen or test sources,
 encodes once (H.264/AAC) and publishes to YouTube, Twitch, Facebook or any
 RTMP/RTMPS ingest at the same time, each destination reconnecting on its
 own. Its built-in RTMP server takes pushes from IP cameras, OBS and ffmpeg,
 shows them as live tiles, records and re-sends them.
 .
 FFmpeg 7.1.5 and x264 are linked in statically, so no FFmpeg package is
 needed.
EOF
(cd "$root" && find usr -type f -exec md5sum {} + | sort -k2) >"$root/DEBIAN/md5sums"
mkdir -p "$(dirname "$out")"
dpkg-deb --root-owner-group -Zxz --build "$root" "$out" >/dev/null
echo "make deb: $out (Depends: $depends)"
