#!/usr/bin/env bash
# vendor.sh installs the pinned front-end packages from npm (package.json,
# package-lock.json) and copies their minified builds into
# web/static/vendor/, which is committed: the Go binary embeds it, so
# building and running Niaga needs no Node.
set -euo pipefail
cd "$(dirname "$0")/.."
npm ci --no-audit --no-fund --ignore-scripts
out=web/static/vendor
rm -rf "$out"
mkdir -p "$out"
cp node_modules/htmx.org/dist/htmx.min.js "$out/htmx.min.js"
cp node_modules/htmx-ext-sse/dist/sse.min.js "$out/htmx-ext-sse.min.js"
cp node_modules/chart.js/dist/chart.umd.min.js "$out/chart.umd.min.js"
# Drop source-map comments: the maps are not vendored, browsers would ask for them.
sed -i '/^\/\/# sourceMappingURL=/d' "$out"/*.js
for p in htmx.org htmx-ext-sse chart.js; do
  v=$(node -p "require('./node_modules/$p/package.json').version")
  echo "$p $v"
done > "$out/VERSIONS"
cat "$out/VERSIONS"
