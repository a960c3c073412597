#!/usr/bin/env bash
# Runs one fuzz target (or all of them) under libFuzzer with the address sanitizer.
#
#   scripts/fuzz.sh TARGET SECONDS [--save]     TARGET: a name from `ggufkit-fuzz`, or `all`
#
# Inputs come from three folders: the seeds (Fuzz/Seeds/TARGET, from scripts/make-fuzz-seeds.py), the
# committed corpus grown by earlier runs (Fuzz/Corpus/TARGET), and a working corpus in
# $GGUFKIT_FUZZ_HOME/corpus/TARGET (default ~/.cache/ggufkit-fuzz), so each run continues where the
# last one stopped. --save minimises the committed and working corpora into Fuzz/Corpus/TARGET so
# that the repository carries them forward. A crash, leak, hang (> 10 s on one input) or runaway memory (> 2 GiB) stops the run; the
# input is kept in $GGUFKIT_FUZZ_HOME/crashes/TARGET and the script exits 1. Fix it, then copy the
# input to Fuzz/Regressions/TARGET/ where the test suite replays it.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ $# -lt 2 ]; then
  echo "usage: scripts/fuzz.sh TARGET|all SECONDS [--save]" >&2
  exit 64
fi
target=$1 seconds=$2 save=${3:-}
home=${GGUFKIT_FUZZ_HOME:-$HOME/.cache/ggufkit-fuzz}
build=.build/fuzz

swift build -c release --build-path "$build" --product ggufkit-fuzz \
  -Xswiftc -sanitize=fuzzer,address -Xswiftc -DGGUFKIT_LIBFUZZER -Xswiftc -use-ld=lld \
  -Xcc -fsanitize=fuzzer-no-link,address 2>&1 | grep -E "error|Compiling|Build" | grep -v "Cannot export" || true
binary="$build/release/ggufkit-fuzz"
[ -x "$binary" ] || { echo "fuzz build failed" >&2; exit 1; }

if [ "$target" = all ]; then
  targets=$({ "$binary" 2>&1 || true; } | sed -n "s/^targets: //p" | tr -d ",")
else
  targets=$target
fi

status=0
for name in $targets; do
  corpus="$home/corpus/$name" crashes="$home/crashes/$name"
  mkdir -p "$corpus" "$crashes" "Fuzz/Corpus/$name"
  [ -d "Fuzz/Seeds/$name" ] || { echo "no seeds in Fuzz/Seeds/$name" >&2; exit 1; }
  log=$(mktemp)
  echo "== $name: $seconds s"
  # The working corpus first: libFuzzer adds new inputs to the first folder only.
  if ASAN_OPTIONS=detect_leaks=1:allocator_may_return_null=1 "$binary" "$name" "$corpus" "Fuzz/Corpus/$name" "Fuzz/Seeds/$name" \
      -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -malloc_limit_mb=1024 -max_len=65536 \
      -print_final_stats=1 -artifact_prefix="$crashes/" >"$log" 2>&1; then
    grep -E "DONE|stat::number_of_executed_units|stat::peak_rss_mb" "$log" | tail -3
  else
    status=1
    tail -40 "$log"
    echo "!! $name found a failure; input(s) in $crashes" >&2
  fi
  rm -f "$log"
  if [ "$save" = --save ]; then
    merged=$(mktemp -d)
    "$binary" "$name" -merge=1 "$merged" "Fuzz/Corpus/$name" "$corpus" >/dev/null 2>&1
    rm -rf "Fuzz/Corpus/$name" && mv "$merged" "Fuzz/Corpus/$name" && chmod 755 "Fuzz/Corpus/$name"
    echo "   saved $(ls "Fuzz/Corpus/$name" | wc -l) inputs ($(du -sh "Fuzz/Corpus/$name" | cut -f1)) to Fuzz/Corpus/$name"
  fi
done
exit $status
