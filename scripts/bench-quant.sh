#!/usr/bin/env bash
# Prints single-thread throughput of ggufkit's float conversions and block encoders
# (release build). Uses its own scratch folder so it never disturbs other builds.
#
# usage: scripts/bench-quant.sh [SCRATCH_DIR]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
scratch=${1:-$root/.build-bench}
cd "$root"
GGUFKIT_BENCH=1 swift test -c release --scratch-path "$scratch" --filter 'QuantizationTests.ThroughputBenchmarks' 2>&1 \
  | grep -E '^throughput|error|failed' | sed 's/^throughput //'
