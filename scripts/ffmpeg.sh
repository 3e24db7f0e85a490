#!/usr/bin/env bash
# The studio's pinned FFmpeg: 7.1.5 with x264, x265 and the NVENC headers, built
# from checksummed sources as static libraries into a cache outside the work
# tree, so the binary needs no FFmpeg on the computer it runs on.
#
#   scripts/ffmpeg.sh prefix [TARGET]   print the cache folder this configuration uses
#   scripts/ffmpeg.sh build [TARGET]    build it there unless it is already built
#   scripts/ffmpeg.sh info [TARGET]     print the versions, checksums and configure lines
#
# TARGET is linux (the default: this machine) or windows (x86_64-w64-mingw32,
# cross-built with Debian's mingw-w64 for make windows, cached apart as
# ffmpeg-7.1.5-windows-<hash>).
#
# FFMPEG_TARBALL=FILE uses your own copy of ffmpeg-7.1.5.tar.xz (checked too).
# The cache folder is named after a hash of everything that goes into it (the
# configure lines and the sources' checksums), is built in a temporary folder
# and renamed into place only when complete: a half-built cache is never used.
set -euo pipefail

FFMPEG_VERSION=7.1.5
FFMPEG_SHA256=de668509caf9e35e3cd162473441fdb29538c6d96ed080292b3cf9e6fc5d558f
FFMPEG_URLS=(
	"https://ffmpeg.org/releases/ffmpeg-$FFMPEG_VERSION.tar.xz"
	"http://deb.debian.org/debian/pool/main/f/ffmpeg/ffmpeg_$FFMPEG_VERSION.orig.tar.xz"
)
# x264, x265 and nv-codec-headers as Debian 13 ships their sources.
X264_VERSION=0.164.3108+git31e19f9
X264_SHA256=41606cb8e788a7f8c4514290646d4ba5c7bc68d9e1ccd1a73f446a90546913eb
X264_URLS=("http://deb.debian.org/debian/pool/main/x/x264/x264_$X264_VERSION.orig.tar.gz")
X265_VERSION=4.1
X265_SHA256=85abb8a850000bf693947459c42a666a3ecd6de10a2ac6b3c6647554b14d3270
X265_URLS=("http://deb.debian.org/debian/pool/main/x/x265/x265_$X265_VERSION.orig.tar.xz")
NVHDR_VERSION=12.1.14.0
NVHDR_SHA256=0ca1a0c85b149646fa6ce4d600584507fdccf5a23d58e668d8701e89cee0c3fb
NVHDR_URLS=("http://deb.debian.org/debian/pool/main/n/nv-codec-headers/nv-codec-headers_$NVHDR_VERSION.orig.tar.xz")

# What the studio uses of FFmpeg, and nothing else. go-astiav (v0.39) asks
# pkg-config for all seven libraries, so avdevice and avfilter are built too,
# nearly empty. The filters are those the compositor and the mixer use.
X264_CONFIGURE="--enable-static --enable-pic --disable-cli --disable-opencl --disable-avs --disable-swscale \
--disable-lavf --disable-ffms --disable-gpac --disable-lsmash --bit-depth=8 --chroma-format=420"
# x265: the 8-bit library only (no CLI, no shared library, no NUMA), with
# its assembly; about 75 files, 1.5 minutes on 2 cores.
X265_CMAKE="-DCMAKE_BUILD_TYPE=Release -DENABLE_SHARED=OFF -DENABLE_CLI=OFF -DENABLE_PIC=ON -DENABLE_LIBNUMA=OFF"
FFMPEG_CONFIGURE="--pkg-config-flags=--static --enable-static --disable-shared --enable-pic \
--disable-programs --disable-doc --disable-debug --disable-autodetect --disable-everything \
--disable-network --disable-postproc --enable-gpl --enable-pthreads \
--enable-libx264 --enable-libx265 --enable-vaapi --enable-ffnvcodec --enable-nvenc \
--enable-encoder=libx264,libx265,aac,h264_vaapi,hevc_vaapi,h264_nvenc,hevc_nvenc \
--enable-decoder=h264,hevc,aac \
--enable-parser=h264,hevc,aac \
--enable-bsf=h264_mp4toannexb,hevc_mp4toannexb,aac_adtstoasc,extract_extradata \
--enable-muxer=flv,mp4,mov,matroska \
--enable-demuxer=flv,mov,matroska \
--enable-protocol=file \
--enable-filter=buffer,buffersink,abuffer,abuffersink,format,aformat,scale,overlay,crop,pad,fps,setpts,asetpts,\
null,anull,split,asplit,fade,xfade,color,colorchannelmixer,amix,volume,alimiter,aresample,trim,atrim,settb,asettb,\
copy,hwupload,scale_vaapi"

# The Windows build is the Linux one cross-compiled: the same components, less
# VA-API (Linux only), with FFmpeg's and x264's native Windows threads instead
# of pthreads (so nothing needs winpthread) and no -fPIC (meaningless in a PE
# exe). It is derived from the lines above, so the two cannot drift apart; a
# substitution that no longer matches stops the build.
MINGW=x86_64-w64-mingw32
windows_lines() {
	local f=" $FFMPEG_CONFIGURE " x=" $X264_CONFIGURE " x5=" $X265_CMAKE "
	f=$(swap "$f" " --enable-pic " " ") &&
		f=$(swap "$f" " --enable-pthreads " " --enable-w32threads ") &&
		f=$(swap "$f" " --enable-vaapi " " ") &&
		f=$(swap "$f" ",h264_vaapi,hevc_vaapi," ",") &&
		f=$(swap "$f" ",scale_vaapi " " ") &&
		x=$(swap "$x" " --enable-pic " " ") &&
		x5=$(swap "$x5" " -DENABLE_PIC=ON " " ") || return 1
	X264_CONFIGURE="--host=$MINGW --cross-prefix=$MINGW- $(echo $x)"
	# x265's .pc asks for -lgcc_s, which under mingw is the import library of
	# libgcc_s_seh-1.dll: the exes link libgcc statically, so it goes.
	PC_DROP="-lgcc_s"
	# The processor too: without it x265's cmake sees no x86 and leaves out
	# its assembly, which makes it several times slower.
	X265_CMAKE="-DCMAKE_SYSTEM_NAME=Windows -DCMAKE_SYSTEM_PROCESSOR=x86_64 -DCMAKE_C_COMPILER=$MINGW-gcc -DCMAKE_CXX_COMPILER=$MINGW-g++ \
-DCMAKE_RC_COMPILER=$MINGW-windres $(echo $x5)"
	FFMPEG_CONFIGURE="--target-os=mingw32 --arch=x86_64 --enable-cross-compile --cross-prefix=$MINGW- --pkg-config=pkg-config $(echo $f)"
}

# swap TEXT FROM TO prints TEXT with FROM replaced by TO, and fails if FROM
# is not in it.
swap() {
	if [[ $1 != *"$2"* ]]; then
		say "the Windows configure lines no longer match the Linux ones: '$2' is not in: $1"
		return 1
	fi
	printf '%s' "${1/"$2"/"$3"}"
}

say() { echo "make ffmpeg: $*" >&2; }

target=${2:-linux}
cache_root="${XDG_CACHE_HOME:-$HOME/.cache}/onair"
work="" # the temporary build folder, removed on exit
PC_DROP="" # a library the .pc files must not name for this target
case $target in
linux)
	key=$(printf '%s\n' "$FFMPEG_SHA256" "$X264_SHA256" "$X265_SHA256" "$NVHDR_SHA256" "$X264_CONFIGURE" "$X265_CMAKE" "$FFMPEG_CONFIGURE" "$(uname -m)" |
		sha256sum | cut -c1-12)
	prefix="$cache_root/ffmpeg-$FFMPEG_VERSION-$key"
	;;
windows)
	windows_lines
	key=$(printf '%s\n' "$FFMPEG_SHA256" "$X264_SHA256" "$X265_SHA256" "$NVHDR_SHA256" "$X264_CONFIGURE" "$X265_CMAKE" "$FFMPEG_CONFIGURE" "$MINGW" "$PC_DROP" |
		sha256sum | cut -c1-12)
	prefix="$cache_root/ffmpeg-$FFMPEG_VERSION-windows-$key"
	;;
*)
	say "unknown target '$target': linux or windows"
	exit 2
	;;
esac

# fetch NAME SHA256 URL... puts NAME in $cache_root/src, checked. The first URL
# gets a few seconds to connect (CI reaches only Debian's archive).
fetch() {
	local name=$1 sum=$2 url file="$cache_root/src/$1"
	shift 2
	mkdir -p "$cache_root/src"
	if [[ -f $file ]] && echo "$sum  $file" | sha256sum -c --status; then
		return 0
	fi
	local retry=0
	for url in "$@"; do
		rm -f "$file.part"
		say "downloading $url"
		if curl -fsSL --connect-timeout 5 --retry "$retry" --max-time 600 -o "$file.part" "$url"; then
			if echo "$sum  $file.part" | sha256sum -c --status; then
				mv "$file.part" "$file"
				return 0
			fi
			say "$url did not have the expected sha256 ($sum), so it was deleted."
		fi
		retry=2
	done
	rm -f "$file.part"
	say "could not download $name from any of: $*"
	return 1
}

# use_tarball checks a user's own FFmpeg tarball and copies it into the cache.
use_tarball() {
	local given=$1 file="$cache_root/src/ffmpeg-$FFMPEG_VERSION.tar.xz"
	if ! echo "$FFMPEG_SHA256  $given" | sha256sum -c --status; then
		say "FFMPEG_TARBALL=$given is not FFmpeg $FFMPEG_VERSION (its sha256 is not $FFMPEG_SHA256)."
		return 1
	fi
	mkdir -p "$cache_root/src"
	cp "$given" "$file"
}

# progress runs a build step, printing a line per 10% of the files it compiles
# (of about $2), so a build of several minutes is never silent. The lines are
# counted in bash, as they come: mawk would read the pipe in blocks of 4 KB
# and report cmake's short lines minutes late.
progress() {
	local label=$1 total=$2 log=$3
	shift 3
	"$@" 2>&1 | tee -a "$log" | {
		local n=0 last=0 line
		local compiles='^(CC|CXX|AS|X86ASM|AR|LD)[[:space:]]|^([a-z0-9_]+-)*(gcc|cc|nasm) |Building (C|CXX|ASM_NASM) object'
		while IFS= read -r line; do
			[[ $line =~ $compiles ]] || continue
			n=$((n + 1))
			if ((total > 0 && n * 10 >= (last + 1) * total && last < 9)); then
				last=$((n * 10 / total))
				say "$label $((last * 10))% ($n of about $total files)"
			fi
		done
		say "$label done ($n files)"
	}
	return "${PIPESTATUS[0]}"
}

# relocatable rewrites the .pc files to find their prefix from where they are
# (${pcfiledir}), so the folder can be renamed, and folds the private fields
# into the public ones: these libraries are static only, so a consumer needs
# all of them, and plain pkg-config (which cgo calls) then gives the full line.
relocatable() {
	local stage=$1 pc
	for pc in "$stage"/lib/pkgconfig/*.pc; do
		sed -i -e "s|^prefix=.*|prefix=\${pcfiledir}/../..|" -e "/^prefix=/! s|$stage|\${prefix}|g" "$pc"
		awk '
			function field(line) { sub(/^[^:]*:[ \t]*/, "", line); return line }
			function join(a, b, sep) { return a == "" ? b : (b == "" ? a : a sep b) }
			/^Libs(\.private)?:/ { libs = join(libs, field($0), " "); next }
			/^Requires(\.private)?:/ {
				n = split(field($0), parts, ",")
				for (i = 1; i <= n; i++) { gsub(/^[ \t]+|[ \t]+$/, "", parts[i]); if (parts[i] != "") req = join(req, parts[i], ", ") }
				next
			}
			{ print }
			END { if (req != "") print "Requires: " req; print "Libs: " libs }' "$pc" >"$pc.new"
		mv "$pc.new" "$pc"
	done
}

# info says what goes into the build: versions, checksums, configure lines.
info() {
	[[ $target == linux ]] || echo "Cross-built for $target ($MINGW, $($MINGW-gcc -dumpversion 2>/dev/null || echo 'mingw-w64 gcc not installed'))"
	echo "FFmpeg $FFMPEG_VERSION (sha256 $FFMPEG_SHA256)"
	echo "  ./configure $FFMPEG_CONFIGURE"
	echo "x264 $X264_VERSION (sha256 $X264_SHA256)"
	echo "  ./configure $X264_CONFIGURE"
	echo "x265 $X265_VERSION (sha256 $X265_SHA256)"
	echo "  cmake $X265_CMAKE"
	echo "nv-codec-headers $NVHDR_VERSION (sha256 $NVHDR_SHA256)"
}

build() {
	if [[ -f $prefix/.complete ]]; then
		say "FFmpeg $FFMPEG_VERSION for $target is built ($prefix)."
		return 0
	fi
	local jobs stage log ffsrc="ffmpeg-$FFMPEG_VERSION.tar.xz"
	if [[ $target == windows ]] && ! command -v "$MINGW-gcc" >/dev/null; then
		say "$MINGW-gcc is missing: apt install gcc-mingw-w64-x86-64 (make windows installs it)."
		return 1
	fi
	jobs=$(nproc 2>/dev/null || echo 2)
	if [[ -n ${FFMPEG_TARBALL:-} ]]; then
		use_tarball "$FFMPEG_TARBALL"
	else
		fetch "$ffsrc" "$FFMPEG_SHA256" "${FFMPEG_URLS[@]}"
	fi
	fetch "x264-$X264_VERSION.tar.gz" "$X264_SHA256" "${X264_URLS[@]}"
	fetch "x265-$X265_VERSION.tar.xz" "$X265_SHA256" "${X265_URLS[@]}"
	fetch "nv-codec-headers-$NVHDR_VERSION.tar.xz" "$NVHDR_SHA256" "${NVHDR_URLS[@]}"

	mkdir -p "$cache_root"
	work=$(mktemp -d "$cache_root/.build-XXXXXX")
	trap 'rm -rf "${work:-}"' EXIT
	stage="$work/prefix"
	log="$work/build.log"
	say "building FFmpeg $FFMPEG_VERSION, x264, x265 and the NVENC headers for $target into $prefix"
	say "this takes about 7-12 minutes on 2 cores, once; the full log is $log while it runs"

	tar -xzf "$cache_root/src/x264-$X264_VERSION.tar.gz" -C "$work"
	(cd "$work/x264-$X264_VERSION" &&
		./configure --prefix="$stage" $X264_CONFIGURE >>"$log" 2>&1) ||
		{ tail -n 30 "$log" >&2; say "configuring x264 failed (log above)."; return 1; }
	local total
	total=$(make -C "$work/x264-$X264_VERSION" -n 2>/dev/null | grep -cE '^([a-z0-9_]+-)*(gcc|cc|nasm) ' || true)
	progress "x264" "$total" "$log" make -C "$work/x264-$X264_VERSION" -j"$jobs" ||
		{ tail -n 30 "$log" >&2; say "building x264 failed (log above)."; return 1; }
	make -C "$work/x264-$X264_VERSION" install-lib-static >>"$log" 2>&1

	tar -xJf "$cache_root/src/x265-$X265_VERSION.tar.xz" -C "$work"
	local x5=$work/x265-build
	mkdir -p "$x5"
	(cd "$x5" && cmake "$work/x265_$X265_VERSION/source" -DCMAKE_INSTALL_PREFIX="$stage" $X265_CMAKE >>"$log" 2>&1) ||
		{ tail -n 30 "$log" >&2; say "configuring x265 failed (log above)."; return 1; }
	# cmake's Makefiles name each object in a rule "x.cpp.o: …/x.cpp".
	total=$(find "$x5" -name build.make -exec cat {} + | grep -cE '^[^ ]+\.(c|cpp|asm)\.o: [^ ]+\.(c|cpp|asm)$' || true)
	progress "x265" "$total" "$log" make -C "$x5" -j"$jobs" ||
		{ tail -n 30 "$log" >&2; say "building x265 failed (log above)."; return 1; }
	make -C "$x5" install >>"$log" 2>&1

	tar -xJf "$cache_root/src/nv-codec-headers-$NVHDR_VERSION.tar.xz" -C "$work"
	make -C "$work/nv-codec-headers-n$NVHDR_VERSION" PREFIX="$stage" install >>"$log" 2>&1

	tar -xJf "$cache_root/src/$ffsrc" -C "$work"
	say "configuring FFmpeg"
	# A cross build sees only its own .pc files, never the host's.
	local pcdir=() && [[ $target == linux ]] || pcdir=(PKG_CONFIG_LIBDIR="$stage/lib/pkgconfig")
	(cd "$work/ffmpeg-$FFMPEG_VERSION" &&
		env "${pcdir[@]}" PKG_CONFIG_PATH="$stage/lib/pkgconfig" ./configure --prefix="$stage" $FFMPEG_CONFIGURE \
			--extra-cflags="-I$stage/include" --extra-ldflags="-L$stage/lib" >>"$log" 2>&1) ||
		{ tail -n 30 "$log" >&2; say "configuring FFmpeg failed (log above; config.log is in $work)."; trap - EXIT; return 1; }
	total=$(make -C "$work/ffmpeg-$FFMPEG_VERSION" -n 2>/dev/null | grep -cE '^printf "(CC|AS|X86ASM)' || true)
	progress "FFmpeg" "$total" "$log" make -C "$work/ffmpeg-$FFMPEG_VERSION" -j"$jobs" ||
		{ tail -n 30 "$log" >&2; say "building FFmpeg failed (log above)."; return 1; }
	make -C "$work/ffmpeg-$FFMPEG_VERSION" install >>"$log" 2>&1

	relocatable "$stage"
	if [[ -n $PC_DROP ]]; then
		sed -i -E "s/ $PC_DROP( |\$)/\1/g" "$stage"/lib/pkgconfig/*.pc
	fi
	info >"$stage/BUILDINFO"
	touch "$stage/.complete"
	rm -rf "$prefix"
	mv "$stage" "$prefix"
	say "FFmpeg $FFMPEG_VERSION for $target is ready in $prefix"
}

case "${1:-}" in
prefix) echo "$prefix" ;;
build) build ;;
info) info ;;
*)
	echo "usage: $0 prefix|build|info" >&2
	exit 2
	;;
esac
