#!/usr/bin/env bash
# apilint.sh lints the OpenAPI document the server serves with an
# independent linter: Redocly CLI (pinned in scripts/apilint/package-lock.json)
# with its recommended rules and scripts/apilint/redocly.yaml. It fails on any
# error; warnings are printed. .ci/run calls it; so can a developer.
#
# The linter is installed from the npm registry (npm ci); linting itself
# runs without network: telemetry and the update check are off, and where
# the system allows it (root, as in CI) the linter runs in a network
# namespace of its own that has no network at all.
#
#   bash scripts/apilint.sh                     one line per problem, then the counts
#   APILINT_FORMAT=codeframe bash scripts/apilint.sh   Redocly's own output (any --format)
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PATH:/usr/local/go/bin"

dir=scripts/apilint
if ! node -e 'const [a,b]=process.versions.node.split(".").map(Number); process.exit(a>22||(a===22&&b>=12)||(a===20&&b>=19)?0:1)'; then
  echo "apilint: Redocly CLI needs Node.js 20.19+ or 22.12+, this is $(node --version)" >&2
  exit 1
fi
# npm ci takes about a second for the one package; skip it when the
# installed tree is the locked one.
if ! cmp -s "$dir/package-lock.json" "$dir/node_modules/.apilint-lock" 2>/dev/null; then
  (cd "$dir" && npm ci --no-audit --no-fund --ignore-scripts --loglevel=error)
  cp "$dir/package-lock.json" "$dir/node_modules/.apilint-lock"
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# The document as served (GET /api/v1/openapi.json), from the route table.
go run ./cmd/niaga openapi --out "$work/openapi.json"

export REDOCLY_TELEMETRY=off REDOCLY_SUPPRESS_UPDATE_NOTICE=true REDOCLY_SUPPRESS_NOTIFICATIONS=true
nonet=()
if unshare -n true 2>/dev/null; then nonet=(unshare -n); fi
lint() {
  "${nonet[@]}" "$dir/node_modules/.bin/redocly" lint \
    --config "$dir/redocly.yaml" --extends recommended --max-problems 10000 "$@" \
    "$work/openapi.json"
}
if [ -n "${APILINT_FORMAT:-}" ]; then
  lint --format "$APILINT_FORMAT"
  exit
fi
# One line per problem, located by JSON pointer (line numbers of a
# temporary file would tell nothing), then the counts.
lint --format json >"$work/lint.json" 2>"$work/lint.err" || true
if ! node -e 'JSON.parse(require("fs").readFileSync(process.argv[1], "utf8")).totals' "$work/lint.json" 2>/dev/null; then
  echo "apilint: Redocly CLI did not report:" >&2
  cat "$work/lint.err" >&2
  exit 1
fi
node - "$work/lint.json" <<'JS'
const r = JSON.parse(require("fs").readFileSync(process.argv[2], "utf8"));
for (const p of r.problems) {
  const at = decodeURIComponent(p.location[0].pointer).replace(/^#\/paths\//, "").replace(/~1/g, "/").replace(/~0/g, "~");
  console.log(`${p.severity.padEnd(7)} ${p.ruleId.padEnd(24)} ${at}  ${p.message}`);
}
console.log(`apilint: ${r.totals.errors} errors, ${r.totals.warnings} warnings (Redocly CLI ${r.version}, recommended rules)`);
process.exit(r.totals.errors > 0 ? 1 : 0);
JS
