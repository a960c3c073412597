#!/usr/bin/env bash
# Times one-pass conversions of a large checkpoint beside the disk's floor and prints a Markdown
# table: type, ggufkit wall seconds, peak RSS, the floor (reading the shards plus writing a file
# of the output's size) and the output's sha256. Each figure is the median of RUNS runs.
#
# The floor reads the shards with cat (into /dev/zero, which discards writes) and writes the
# output's size with dd oflag=direct, as ggufkit writes GGUF output bypassing the page cache
# (no fsync in either). Nothing drops the page cache first, so both see the same cache state.
#
# Usage: scripts/bench-convert-7b.sh MODEL_DIR [TYPES...]
#   MODEL_DIR: for example a checkpoint made by ../shared/scripts/make-synthetic-llama.py DIR;
#   default types: q4_k_m f16
# Environment: RUNS (default 3), THREADS (ggufkit -t, default all cores), BIN (default
#   .build/release/ggufkit, built when missing), OUT (scratch folder, default a temporary folder
#   beside the model; it needs room for the largest output).
set -euo pipefail
cd "$(dirname "$0")/.."
[ $# -ge 1 ] || { echo "usage: $0 MODEL_DIR [TYPES...]" >&2; exit 64; }
model=$1
shift
types=("$@"); [ ${#types[@]} -gt 0 ] || types=(q4_k_m f16)
runs=${RUNS:-3}
bin=${BIN:-.build/release/ggufkit}
if [ -z "${BIN:-}" ]; then swift build -c release --product ggufkit >&2; fi
out=${OUT:-$(mktemp -d "$(dirname "$model")/bench-convert.XXXXXX")}
mkdir -p "$out"
trap 'rm -f "$out"/bench-*.gguf "$out"/floor.bin "$out"/time.txt; [ -n "${OUT:-}" ] || rmdir "$out" 2>/dev/null || true' EXIT
threads=()
[ -z "${THREADS:-}" ] || threads=(-t "$THREADS")
shards=("$model"/*.safetensors)

median() { sort -n | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else printf "%.2f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
seconds() { local start=$1 end; end=$(date +%s.%N); echo "$end - $start" | bc -l | xargs printf "%.2f\n"; }

echo "model: $model ($(du -sh "$model" | cut -f1)), $(nproc) cores, runs: $runs, threads: ${THREADS:-all}" >&2
rows=()
for type in "${types[@]}"; do
  walls=(); rss=(); floors=(); sha=""
  for run in $(seq "$runs"); do
    output="$out/bench-$type.gguf"
    rm -f "$output"
    /usr/bin/time -f "%e %M" -o "$out/time.txt" "$bin" convert "$model" -o "$output" --type "$type" -q "${threads[@]}"
    read -r wall kb < "$out/time.txt"
    walls+=("$wall"); rss+=("$((kb / 1024))")
    size=$(stat -c %s "$output")
    [ "$run" -lt "$runs" ] || sha=$(sha256sum "$output" | cut -d' ' -f1)
    rm -f "$output"
    start=$(date +%s.%N); cat "${shards[@]}" > /dev/zero; read_s=$(seconds "$start")
    start=$(date +%s.%N)
    dd if=/dev/zero of="$out/floor.bin" bs=16M count=$(( (size + (16 << 20) - 1) / (16 << 20) )) oflag=direct status=none
    write_s=$(seconds "$start"); rm -f "$out/floor.bin"
    floors+=("$(echo "$read_s + $write_s" | bc -l)")
    echo "$type run $run: ${wall} s, $((kb / 1024)) MB, floor ${read_s} s read + ${write_s} s write" >&2
  done
  rows+=("| $type | $(printf '%s\n' "${walls[@]}" | median) | $(printf '%s\n' "${rss[@]}" | median) | $(printf '%s\n' "${floors[@]}" | median) | \`$sha\` |")
done
echo "| type | ggufkit wall s | peak RSS MB | disk floor s (read shards + write output size) | output sha256 |"
echo "|---|---|---|---|---|"
printf '%s\n' "${rows[@]}"
