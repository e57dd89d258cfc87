#!/usr/bin/env bash
# Size of the Lambda bootstrap, built exactly as `sam build` builds it
# (infra/function/Makefile: cargo lambda build --profile lambda-size ...
# --no-default-features --features lambda,dynamodb).
#   bash bench/lambda-size.sh
# Needs cargo-lambda and zig (pip install -r infra/requirements-build.txt; a
# venv at infra/.venv-build is used when there is one). Honours
# CARGO_TARGET_DIR; the bootstrap lands in its lambda-bootstrap/ folder
# (target/lambda-bootstrap/bootstrap by default).
# Prints the stripped size in bytes on the last line; exits 1 if it is not
# stripped or not under the 10 MB target (10,000,000 bytes).
set -euo pipefail
cd "$(dirname "$0")/.."
if [[ -x infra/.venv-build/bin/cargo-lambda ]]; then
    PATH="$PWD/infra/.venv-build/bin:$PATH"
fi
target=${CARGO_TARGET_DIR:-target}
[[ "$target" == /* ]] || target="$PWD/$target"
out="$target/lambda-bootstrap"
mkdir -p "$out"
make --no-print-directory -f infra/function/Makefile build-BookingFunction ARTIFACTS_DIR="$out" >&2
bootstrap="$out/bootstrap"
limit=10000000
size=$(stat -c %s "$bootstrap")
if command -v file >/dev/null 2>&1; then
    file -b "$bootstrap" >&2
    if ! file -b "$bootstrap" | grep -q ', stripped'; then
        echo "lambda-size: $bootstrap is not stripped" >&2
        exit 1
    fi
fi
echo "bootstrap: $bootstrap, $size bytes stripped (target: under $limit)" >&2
echo "$size"
((size < limit))
