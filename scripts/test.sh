#!/usr/bin/env bash
# The whole test suite, from a fresh machine: set-up, formatting and lints,
# the Rust tests (SQLite and DynamoDB stores, the API, the generator), the
# infrastructure checks, HTML validity of the built example site, and the
# browser suite (Chromium, axe) against `prospectus serve`.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD

bash scripts/setup.sh
export PATH="$root/.venv/bin:$PATH"

step() { printf '\n==> %s\n' "$*"; }

step "cargo fmt"
cargo fmt --all -- --check

step "cargo clippy"
cargo clippy --workspace --all-targets --locked -- -D warnings

step "cargo test"
cargo test --workspace --locked

step "infrastructure checks"
bash infra/check.sh

step "build the example prospectus"
site=$(mktemp -d)
trap 'rm -rf "$site"' EXIT
cargo run --quiet --locked -p generator -- check
cargo run --quiet --locked -p generator -- build --out "$site/public"

step "HTML validity (Nu HTML checker)"
npm run --silent validate-html -- "$site/public"

step "browser suite (Chromium, axe)"
cargo build --quiet --locked -p generator -p booking-fn
node --test --test-concurrency=1 tests/browser/
