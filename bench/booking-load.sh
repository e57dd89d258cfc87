#!/usr/bin/env bash
# Load benchmark of the booking API on SQLite, loopback only.
#   bench/booking-load.sh [--requests N] [--concurrency C] [--startups S]
# Builds the release server, then `booking-fn/benches/load.rs` starts it on a
# temporary database: start-up time (median of 20 spawns to the first 200 from
# /api/health), then 10,000 booking POSTs (JSON, distinct schools) at
# concurrency 32 over keep-alive connections. Targets: > 2,000 bookings/s,
# p99 < 25 ms, ready < 50 ms.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release -p booking-fn --bin booking-fn
# Absolute: cargo runs the bench from booking-fn/, not from here.
exec cargo bench -p booking-fn --bench load -- --server "$PWD/target/release/booking-fn" "$@"
