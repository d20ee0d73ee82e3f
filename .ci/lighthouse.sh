#!/usr/bin/env bash
# Lighthouse and axe-core on the dashboard. Starts backstop serve on a free
# port with a throw-away --data folder (seeded with the bundled example; the
# oblasts and the territory too when ../shared/data is there), runs
# Lighthouse (mobile, the default form factor) once on /, /coverage, /map and
# /breaches, prints a table of the scores and CLS, and fails when
# accessibility or best practices is under 95 or CLS over 0.1 on any of them
# (performance is reported, not gated). Then runs axe-core on every page, at
# 390 and 1440 px, through the dashboard's browser test TestAxe, and fails on
# any serious or critical violation.
#
# Needs Node 18.16 or later and Chromium (.ci/run installs both when they
# are missing); installs lighthouse and axe-core, pinned, into $CI_NODE_DIR
# (default /tmp/ci-node). Reports go to $BACKSTOP_ARTEFACTS/lighthouse when
# that is set. LH_RUNS_HOME=5 runs Lighthouse five times on / and reports
# the median performance score.
set -euo pipefail
cd "$(dirname "$0")/.."

LIGHTHOUSE_VERSION=12.2.3
AXE_VERSION=4.10.2 # the axe-core that Lighthouse 12.2 itself bundles
node_dir=${CI_NODE_DIR:-/tmp/ci-node}
runs_home=${LH_RUNS_HOME:-1}

have() { [ -f "$node_dir/node_modules/$1/package.json" ] && [ "$(node -p "require('$node_dir/node_modules/$1/package.json').version")" = "$2" ]; }
if ! have lighthouse "$LIGHTHOUSE_VERSION" || ! have axe-core "$AXE_VERSION"; then
  echo "installing lighthouse@$LIGHTHOUSE_VERSION and axe-core@$AXE_VERSION into $node_dir"
  npm install --prefix "$node_dir" --no-audit --no-fund --loglevel=error \
    "lighthouse@$LIGHTHOUSE_VERSION" "axe-core@$AXE_VERSION" >/dev/null
fi
lighthouse=$node_dir/node_modules/.bin/lighthouse
CHROME_PATH=$(command -v chromium || command -v chromium-browser)
export CHROME_PATH

work=$(mktemp -d /tmp/backstop-lighthouse.XXXXXX)
pid=
cleanup() {
  if [ -n "$pid" ]; then kill -TERM "$pid" 2>/dev/null && wait "$pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM HUP

layers=()
if [ -d ../shared/data/ua-oblasts ]; then layers+=(--oblasts ../shared/data/ua-oblasts/oblast.geojson); fi
if [ -d ../shared/data/deepstate ]; then layers+=(--territory ../shared/data/deepstate); fi
go build -o "$work/backstop" ./cmd/backstop
: >"$work/serve.log"
"$work/backstop" serve --data "$work/data" --listen 127.0.0.1:0 "${layers[@]}" 2>"$work/serve.log" &
pid=$!
url=
for _ in $(seq 300); do
  url=$(sed -n 's/.*listening on \(http:[^ ]*\).*/\1/p' "$work/serve.log")
  [ -n "$url" ] && curl -fsS "$url/v1/ready" >/dev/null 2>&1 && break
  kill -0 "$pid" 2>/dev/null || { cat "$work/serve.log"; exit 1; }
  sleep 0.2
done
curl -fsS "$url/v1/ready" >/dev/null || { echo "the server at $url is not ready"; cat "$work/serve.log"; exit 1; }
echo "serving on $url"

out=${BACKSTOP_ARTEFACTS:+$BACKSTOP_ARTEFACTS/lighthouse}
out=${out:-$work/reports}
mkdir -p "$out"

lh() { # lh PATH REPORT
  "$lighthouse" "$url$1" --quiet --chrome-flags="--headless=new --no-sandbox" \
    --only-categories=performance,accessibility,best-practices --form-factor=mobile \
    --output=json --output-path="$2"
}

# summary REPORT...: one row per report; exits non-zero when a gate fails.
summary() {
  node - "$@" <<'EOF'
const fs = require('fs');
let failed = false;
const pct = c => c && c.score !== null ? Math.round(c.score * 100) : NaN;
console.log('| page | performance | accessibility | best practices | CLS |');
console.log('|---|---|---|---|---|');
for (const f of process.argv.slice(2)) {
  const r = JSON.parse(fs.readFileSync(f, 'utf8'));
  const c = r.categories;
  const cls = r.audits['cumulative-layout-shift'].numericValue;
  const a = pct(c.accessibility), b = pct(c['best-practices']);
  const bad = [];
  if (!(a >= 95)) bad.push(`accessibility ${a} < 95`);
  if (!(b >= 95)) bad.push(`best practices ${b} < 95`);
  if (!(cls <= 0.1)) bad.push(`CLS ${cls.toFixed(3)} > 0.1`);
  console.log(`| ${new URL(r.finalDisplayedUrl || r.requestedUrl).pathname} | ${pct(c.performance)} | ${a} | ${b} | ${cls.toFixed(3)} |`);
  if (bad.length) {
    failed = true;
    console.error(`FAIL ${r.requestedUrl}: ${bad.join(', ')}`);
    for (const [k, cat] of Object.entries(c)) {
      if (k === 'performance') continue;
      for (const ref of cat.auditRefs) {
        const au = r.audits[ref.id];
        if (ref.weight > 0 && au.score !== null && au.score < 1) {
          const items = ((au.details && au.details.items) || []).slice(0, 5)
            .map(i => (i.node && (i.node.selector || i.node.snippet)) || i.source && i.source.url || i.url || '').filter(Boolean);
          console.error(`  ${k}: ${ref.id} (${au.title})${items.length ? ': ' + items.join('; ') : ''}`);
        }
      }
    }
    if (cls > 0.1) {
      const ls = r.audits['layout-shifts'];
      for (const i of ((ls && ls.details && ls.details.items) || []).slice(0, 5)) {
        console.error(`  layout shift ${i.score.toFixed(3)}: ${i.node ? i.node.selector || i.node.snippet : '?'}`);
      }
    }
  }
}
process.exit(failed ? 1 : 0);
EOF
}

echo "== Lighthouse $LIGHTHOUSE_VERSION (mobile; performance reported, not gated)"
reports=()
for p in / /coverage /map /breaches; do
  name=${p#/}; name=${name:-overview}
  lh "$p" "$out/$name.json"
  reports+=("$out/$name.json")
done
status=0
summary "${reports[@]}" || status=1

if [ "$runs_home" -gt 1 ]; then
  echo "== Lighthouse on / $runs_home times: performance"
  for i in $(seq "$runs_home"); do lh / "$work/home-$i.json"; done
  node - "$work"/home-*.json <<'EOF'
const fs = require('fs');
const s = process.argv.slice(2).map(f => JSON.parse(fs.readFileSync(f, 'utf8')))
  .map(r => ({p: Math.round(r.categories.performance.score * 100), cls: r.audits['cumulative-layout-shift'].numericValue}));
const ps = s.map(x => x.p).sort((a, b) => a - b);
console.log(`performance on /: ${s.map(x => x.p).join(', ')}; median ${ps[Math.floor(ps.length / 2)]}; CLS ${s.map(x => x.cls.toFixed(3)).join(', ')}`);
EOF
fi

kill -TERM "$pid"; wait "$pid" || true; pid=

echo "== axe-core $AXE_VERSION on every page at 390 and 1440 px (serious and critical violations fail)"
BACKSTOP_BROWSER_TESTS=1 BACKSTOP_AXE="$node_dir/node_modules/axe-core/axe.min.js" \
  go test ./internal/dashboard -run '^TestAxe$' -count=1 || status=1

exit "$status"
