#!/usr/bin/env bash
# Installs everything the test suite needs on a fresh machine (Debian, as root
# or with sudo). Idempotent: a second run only checks.
#   - Chromium (Debian's package) for the browser tests
#   - Node packages pinned in package-lock.json (playwright-core, axe, vnu)
#   - moto's DynamoDB-compatible server in .venv/ for the DynamoDB store tests
set -euo pipefail
cd "$(dirname "$0")/.."

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

need_apt=()
command -v chromium >/dev/null || need_apt+=(chromium)
command -v java >/dev/null || need_apt+=(default-jre-headless)
command -v node >/dev/null || need_apt+=(nodejs npm)
[ -x /usr/bin/time ] || need_apt+=(time)
if [ ${#need_apt[@]} -gt 0 ]; then
  echo "setup: installing ${need_apt[*]} from Debian"
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need_apt[@]}" >/dev/null
fi

if [ ! -d node_modules/playwright-core ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "setup: npm ci"
  npm ci --no-audit --no-fund --loglevel=error
fi

if [ ! -x .venv/bin/moto_server ]; then
  echo "setup: moto server into .venv/"
  python3 -m venv .venv
  .venv/bin/pip install --quiet --disable-pip-version-check -r scripts/requirements-test.txt
fi
echo "setup: ready"
