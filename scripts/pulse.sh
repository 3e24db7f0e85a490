#!/usr/bin/env bash
# A private PulseAudio for the desktop-audio tests, unpacked from Debian's
# packages into the cache (outside the work tree), not installed: installing
# pulseaudio pulls libasound2-plugins, whose ALSA configuration makes every
# program that probes ALSA without a running sound server (miniaudio does,
# in every onair command) print ALSA and JACK errors on stderr.
#
#   pulse.sh build   download (apt-get download: apt checks each .deb
#                    against the archive's signed index) and unpack, once
#   pulse.sh path    print the directory
set -euo pipefail
cache=${XDG_CACHE_HOME:-$HOME/.cache}/onair
# The daemon and pactl; what they depend on (all the way down) that this
# system lacks is added from apt's own dependency lists (names differ
# between Debian 12 and 13).
pkgs=(pulseaudio pulseaudio-utils)

missingDeps() {
	apt-cache depends --recurse --no-recommends --no-suggests --no-conflicts --no-breaks --no-replaces --no-enhances \
		"${pkgs[@]}" | awk '$1 == "Depends:" && $2 !~ /^</ {print $2}' | sort -u |
		while read -r p; do
			[[ "$(dpkg-query -W -f='${db:Status-Abbrev}' "$p" 2>/dev/null)" == "ii " ]] || echo "$p"
		done
}

version() { apt-cache policy pulseaudio | awk '/Candidate:/ {print $2}'; }

dir() {
	local v
	v=$(version)
	[[ -n "$v" && "$v" != "(none)" ]] || { echo "pulse.sh: apt knows no pulseaudio package; run apt-get update" >&2; exit 1; }
	echo "$cache/pulse-${v//[^A-Za-z0-9.+-]/_}"
}

build() {
	local d
	d=$(dir)
	[[ -f "$d/.ok" ]] && return 0
	echo "make deps-test: unpacking a private PulseAudio into $d (for the desktop-audio test)"
	tmp=$(mktemp -d) # global: the EXIT trap reads it
	trap 'rm -rf "$tmp"' EXIT
	local want
	mapfile -t want < <(printf '%s\n' "${pkgs[@]}"; missingDeps)
	local sudo=""
	[[ $(id -u) -eq 0 ]] || sudo="sudo"
	(cd "$tmp" && { apt-get download -qq "${want[@]}" 2>/dev/null ||
		{ $sudo apt-get update -qq && apt-get download -qq "${want[@]}"; }; })
	rm -rf "$d.new"
	mkdir -p "$d.new"
	for deb in "$tmp"/*.deb; do
		dpkg-deb -x "$deb" "$d.new"
	done
	local libs="$d.new/usr/lib/x86_64-linux-gnu/pulseaudio:$d.new/usr/lib/x86_64-linux-gnu"
	if LD_LIBRARY_PATH=$libs ldd "$d.new/usr/bin/pulseaudio" | grep 'not found'; then
		echo "pulse.sh: the unpacked pulseaudio misses the libraries above" >&2
		exit 1
	fi
	LD_LIBRARY_PATH=$libs "$d.new/usr/bin/pulseaudio" --version >/dev/null 2>&1
	touch "$d.new/.ok"
	rm -rf "$d"
	mv "$d.new" "$d"
}

case "${1:-}" in
build) build ;;
path) dir ;;
*)
	echo "usage: $0 build|path" >&2
	exit 2
	;;
esac
