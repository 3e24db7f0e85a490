#!/usr/bin/env bash
# The monitor page's players, hls.js and dash.js, at the versions pinned in
# web/jsvendor/package-lock.json: `npm ci` fetches them from the npm
# registry and checks every tarball against the lockfile's integrity hash,
# then their minified dist files and licences are copied into
# web/assets/vendor, which go:embed builds into the binary (the page needs
# no outside network). `vendor-js.sh check` only compares the fetched
# files with the committed ones.
set -euo pipefail
cd "$(dirname "$0")/.."
mode=${1:-write}
src=web/jsvendor
out=web/assets/vendor
command -v npm >/dev/null || { echo "vendor-js: npm is missing: apt-get install npm" >&2; exit 1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cp "$src/package.json" "$src/package-lock.json" "$tmp/"
(cd "$tmp" && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error)
want() { # package version
	got=$(node -p "require('$tmp/node_modules/$1/package.json').version")
	[ "$got" = "$2" ] || { echo "vendor-js: $1 is $got, want $2" >&2; exit 1; }
}
want hls.js 1.7.4
want dashjs 5.2.1
m=$tmp/node_modules
files=(
	"$m/hls.js/dist/hls.min.js:hls.min.js"
	"$m/hls.js/LICENSE:hls.js.LICENSE"
	"$m/dashjs/dist/modern/umd/dash.mediaplayer.min.js:dash.mediaplayer.min.js"
	"$m/dashjs/dist/modern/umd/dash.mediaplayer.min.js.LICENSE.txt:dash.mediaplayer.min.js.LICENSE.txt"
	"$m/dashjs/LICENSE.md:dashjs.LICENSE.md"
)
mkdir -p "$out"
status=0
for f in "${files[@]}"; do
	from=${f%%:*} to=$out/${f##*:}
	if [ "$mode" = check ]; then
		cmp -s "$from" "$to" || { echo "vendor-js: $to differs from the pinned npm package" >&2; status=1; }
	else
		cp "$from" "$to"
	fi
done
[ "$mode" = check ] && [ $status = 0 ] && echo "vendor-js: web/assets/vendor matches hls.js 1.7.4 and dashjs 5.2.1"
[ "$mode" = write ] && (cd "$out" && sha256sum ./*) && echo "vendor-js: $out"
exit $status
