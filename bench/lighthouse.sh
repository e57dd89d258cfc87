#!/usr/bin/env bash
# Lighthouse 12.2.3 scores (mobile preset: performance, accessibility, best
# practices, SEO) for the home page, a host page and the search page of the
# example prospectus.
#
#   bash bench/lighthouse.sh            # after: cargo build -p generator -p booking-fn
#
# The site is `prospectus serve` on a temporary copy of content/ and themes/,
# seen through a small proxy that does what production does and the preview
# does not: it drops the preview's live-reload script (its open event stream
# would also keep Lighthouse from ever seeing the network go quiet) and
# gzips text answers, as CloudFront does. Reports go to bench/out/lighthouse/
# (git-ignored); the scores are printed as a table.
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$PWD
export CHROME_PATH=${CHROME_PATH:-/usr/bin/chromium}
prospectus=${PROSPECTUS:-$repo/target/debug/prospectus}
host_path=${HOST_PATH:-/hosts/avon-reach-primary/}
out=$repo/bench/out/lighthouse
mkdir -p "$out"
# Lighthouse itself, pinned, installed once into a git-ignored folder (npx
# would ask the registry again on every page).
lh_dir=$repo/bench/out/lh
lighthouse=$lh_dir/node_modules/.bin/lighthouse
if [ ! -x "$lighthouse" ]; then
  npm install --prefix "$lh_dir" --no-audit --no-fund lighthouse@12.2.3 >&2
fi
"$lighthouse" --version | grep -qx 12.2.3 || { echo "expected lighthouse 12.2.3 in $lh_dir" >&2; exit 1; }

free_port() { node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'; }
serve_port=$(free_port)
proxy_port=$(free_port)
root=$(mktemp -d)
cp -r content themes "$root"/

pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill -INT "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  rm -rf "$root"
}
trap cleanup EXIT

"$prospectus" serve --root "$root" --port "$serve_port" --today 2027-09-01 2>"$out/serve.log" &
pids+=($!)

cat >"$root/proxy.mjs" <<'EOF'
import http from 'node:http';
import zlib from 'node:zlib';
const [upstream, port] = [process.argv[2], Number(process.argv[3])];
http.createServer(async (req, res) => {
  let answer;
  try {
    answer = await fetch(upstream + req.url, { method: req.method, redirect: 'manual' });
  } catch {
    // The preview is not listening yet (first build): an answer, not a crash.
    res.writeHead(502).end();
    return;
  }
  const type = answer.headers.get('content-type') || '';
  let body = Buffer.from(await answer.arrayBuffer());
  if (type.startsWith('text/html')) {
    body = Buffer.from(body.toString('utf8').replace(/<script[^>]*src="\/__prospectus\/[^"]*"[^>]*><\/script>\s*/g, ''));
  }
  const headers = {};
  answer.headers.forEach((v, k) => {
    if (!['content-length', 'content-encoding', 'transfer-encoding', 'connection'].includes(k)) headers[k] = v;
  });
  if (/^(text\/|application\/(json|javascript|xml))/.test(type) && /gzip/.test(req.headers['accept-encoding'] || '')) {
    body = zlib.gzipSync(body, { level: 9 });
    headers['content-encoding'] = 'gzip';
  }
  headers['content-length'] = body.length;
  res.writeHead(answer.status, headers);
  res.end(body);
}).listen(port, '127.0.0.1');
EOF
node "$root/proxy.mjs" "http://127.0.0.1:$serve_port" "$proxy_port" &
pids+=($!)

for _ in $(seq 1 600); do
  if curl -fsS -o /dev/null "http://127.0.0.1:$proxy_port/" 2>/dev/null; then break; fi
  sleep 0.5
done
curl -fsS -o /dev/null "http://127.0.0.1:$proxy_port/"

printf '%-28s %12s %14s %15s %5s\n' page performance accessibility best-practices seo
for page in / "$host_path" /search/; do
  name=$(printf '%s' "$page" | tr '/' '_' | sed 's/^_*//; s/_*$//')
  name=${name:-home}
  "$lighthouse" "http://127.0.0.1:$proxy_port$page" \
    --chrome-flags="--headless --no-sandbox --disable-gpu" \
    --only-categories=performance,accessibility,best-practices,seo \
    --output=json --output=html --output-path="$out/$name" --quiet
  node -e '
    const r = require(process.argv[1]);
    const s = (k) => Math.round(r.categories[k].score * 100);
    console.log(process.argv[2].padEnd(28), String(s("performance")).padStart(12), String(s("accessibility")).padStart(14),
      String(s("best-practices")).padStart(15), String(s("seo")).padStart(5));
    for (const k of ["accessibility", "best-practices", "seo"]) {
      for (const a of r.categories[k].auditRefs) {
        const audit = r.audits[a.id];
        if (a.weight > 0 && audit.score !== null && audit.score < 1) console.log("    " + k + ": " + a.id + " – " + audit.title);
      }
    }' "$out/$name.report.json" "$page"
done
