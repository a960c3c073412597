#!/usr/bin/env bash
# Runs the test suite under a sanitizer, in its own build folder (.build/<sanitizer>).
#
#   scripts/sanitize.sh address|thread [swift test arguments, e.g. --filter Suite]
#
# address: heap and stack overflows, use after free, leaks in the Swift and C targets.
# thread:  data races in the concurrent code (the parallel quantizer, the evaluator's thread pool,
#          the calibration passes). OpenBLAS is not instrumented, so it runs single-threaded here
#          (OPENBLAS_NUM_THREADS=1) and races inside it are out of scope.
# Any report fails the run (halt_on_error), so a clean exit means a clean run.
set -euo pipefail
cd "$(dirname "$0")/.."
kind=${1:?usage: scripts/sanitize.sh address|thread [swift test arguments]}
shift
case $kind in
  address) export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:halt_on_error=1:abort_on_error=1}
           export LSAN_OPTIONS=${LSAN_OPTIONS:-suppressions=$PWD/scripts/lsan-suppressions.txt} ;;
  thread) export TSAN_OPTIONS=${TSAN_OPTIONS:-halt_on_error=1:second_deadlock_stack=1} ;;
  *) echo "unknown sanitizer: $kind (address or thread)" >&2; exit 64 ;;
esac
export OPENBLAS_NUM_THREADS=1
# The sanitizer prints its own report; Swift's backtracer would only add minutes to a failure.
export SWIFT_BACKTRACE=enable=no
# The command-line tests run the executable from this build, instrumented the same way.
export GGUFKIT_BINARY=$PWD/.build/$kind/debug/ggufkit
swift build --build-path ".build/$kind" --sanitize="$kind"
# Every test uses Swift Testing; the empty XCTest pass would only report XCTest's own leaks.
swift test --build-path ".build/$kind" --sanitize="$kind" --disable-xctest "$@"
