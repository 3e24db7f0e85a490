#!/usr/bin/env bash
# Installs the named Debian packages that are missing; idempotent.
# On a system without apt-get it says what to install and exits 0.
set -euo pipefail
if ! command -v apt-get >/dev/null 2>&1 || ! command -v dpkg-query >/dev/null 2>&1; then
	echo "make deps: this is not Debian/Ubuntu, so nothing was installed."
	echo "Install these (or your system's equivalents) yourself: $*"
	echo "FFmpeg itself is not needed: make ffmpeg builds the pinned 7.1.5 from source (it needs nasm, make, curl and VA-API's headers)."
	exit 0
fi
missing=()
for p in "$@"; do
	if [[ "$(dpkg-query -W -f='${db:Status-Abbrev}' "$p" 2>/dev/null)" != "ii " ]]; then
		missing+=("$p")
	fi
done
[[ ${#missing[@]} -eq 0 ]] && exit 0
sudo=""
if [[ $(id -u) -ne 0 ]]; then
	command -v sudo >/dev/null 2>&1 || { echo "make deps: need root (or sudo) to install: ${missing[*]}"; exit 1; }
	sudo="sudo"
fi
echo "make deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
