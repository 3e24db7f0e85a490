#!/usr/bin/env bash
# Minimal Debian roots (debootstrap --variant=minbase, no FFmpeg) in which the
# interop tests install the studio's .deb as a user would, cached outside the
# work tree. Needs root (debootstrap, chroot).
#
#   scripts/debroot.sh path SUITE    print the cache folder of SUITE's root
#   scripts/debroot.sh build SUITE   debootstrap it there unless it is there
#
# Like the FFmpeg cache, a root is made in a temporary folder and renamed
# into place only when debootstrap succeeded.
set -euo pipefail
MIRROR=${DEBIAN_MIRROR:-http://deb.debian.org/debian}
KEYRING=/usr/share/keyrings/debian-archive-keyring.gpg
VARIANT=minbase

suite=${2:?usage: $0 path|build SUITE}
cache_root="${XDG_CACHE_HOME:-$HOME/.cache}/onair/roots"
key=$(printf '%s\n' "$suite" "$MIRROR" "$VARIANT" | sha256sum | cut -c1-12)
root="$cache_root/debian-$suite-$key"
tmp="" # the temporary folder, removed on exit
say() { echo "make roots: $*" >&2; }

build() {
	if [[ -f $root/.complete ]]; then
		say "the Debian $suite root is ready ($root)."
		return 0
	fi
	if [[ $(id -u) -ne 0 ]]; then
		say "debootstrap needs root: run make test as root (CI does) or with sudo."
		return 1
	fi
	mkdir -p "$cache_root"
	tmp=$(mktemp -d "$cache_root/.debootstrap-XXXXXX")
	trap 'rm -rf "${tmp:-}"' EXIT
	say "debootstrapping a minimal Debian $suite into $root (about 1-3 minutes, once)"
	if ! debootstrap --variant="$VARIANT" --keyring="$KEYRING" "$suite" "$tmp/root" "$MIRROR" >"$tmp/log" 2>&1; then
		tail -n 20 "$tmp/log" >&2
		say "debootstrap of Debian $suite failed (log above)."
		return 1
	fi
	rm -f "$tmp"/root/var/cache/apt/archives/*.deb
	touch "$tmp/root/.complete"
	rm -rf "$root"
	mv "$tmp/root" "$root"
	say "Debian $suite is ready in $root"
}

case "$1" in
path) echo "$root" ;;
build) build ;;
*)
	echo "usage: $0 path|build SUITE" >&2
	exit 2
	;;
esac
