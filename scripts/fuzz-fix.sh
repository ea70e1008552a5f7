#!/usr/bin/env bash
# Coverage-guided fuzzing of the FIX decoder with cargo fuzz (libFuzzer): framing, parsing,
# validation and a live acceptor over arbitrary bytes (gateways/fix/fuzz). Needs a nightly
# toolchain; installs cargo-fuzz if missing. Usage: scripts/fuzz-fix.sh [SECONDS] (default 300).
# The suite's own fuzz target is the proptest garbage generator in
# gateways/fix/tests/decoder_fuzz.rs (PROPTEST_CASES=100000 for a long run).
set -euo pipefail
cd "$(dirname "$0")/../gateways/fix"
seconds="${1:-300}"
command -v cargo-fuzz >/dev/null 2>&1 || cargo install --locked cargo-fuzz
cargo +nightly fuzz run decoder -- -max_total_time="$seconds" -max_len=4096
