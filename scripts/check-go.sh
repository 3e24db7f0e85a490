#!/usr/bin/env bash
# Checks that a Go toolchain new enough for go.mod is on PATH.
set -euo pipefail
need=$(sed -n 's/^go \([0-9.]*\)/\1/p' go.mod)
if ! command -v go >/dev/null 2>&1; then
	echo "make deps: Go is not installed. Install Go $need or newer (https://go.dev/doc/install); Debian's golang-go is too old."
	exit 1
fi
have=$(go env GOVERSION | sed 's/^go//')
if [[ "$(printf '%s\n%s\n' "$need" "$have" | sort -V | head -n1)" != "$need" ]]; then
	echo "make deps: Go $have is older than the $need that go.mod needs; Go will fetch the newer toolchain through the module proxy (GOTOOLCHAIN=auto)."
fi
