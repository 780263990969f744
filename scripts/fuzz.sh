#!/usr/bin/env bash
# Runs the property tests over every loader for longer than CI does: PROPTEST_CASES per target
# (default 20000). A failing input is saved under proptest-regressions/ and replayed by every
# later `cargo test` — commit that file as the regression test.
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/klyuchnik/target}"
export PROPTEST_CASES="${PROPTEST_CASES:-20000}"
start=$(date +%s)
cargo test --release --test it fuzz_loaders:: -- --test-threads 2
echo "fuzz: ${PROPTEST_CASES} cases per target, $(( $(date +%s) - start )) s"
