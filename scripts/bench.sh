#!/usr/bin/env bash
# Conversion benchmark: end-to-end wall time and peak RSS of `ggufkit convert` on the SmolLM2-135M
# checkpoint (made by ../shared/scripts/make-smollm2-hf.sh), median of N runs, release build.
# Usage: scripts/bench.sh [TYPES...]   (default: f16; env RUNS=5, THREADS=all cores, MODEL=dir)
# Prints a Markdown table. Reference on this machine kind (../shared/README.md): llama.cpp's
# convert_hf_to_gguf.py HF -> F16 takes 8.0 s and 947 MB peak RSS.
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${RUNS:-5}
threads=${THREADS:-$(nproc)}
shared=${GGUFKIT_SHARED:-$(cd .. && pwd)/shared}
model=${MODEL:-$(bash "$shared/scripts/make-smollm2-hf.sh")}
types=("$@"); [ ${#types[@]} -gt 0 ] || types=(f16)
swift build -c release --product ggufkit >&2
bin=.build/release/ggufkit
out=$(mktemp -d); trap 'rm -rf "$out"' EXIT

median() { sort -n | awk '{a[NR]=$1} END {print (NR%2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }

echo "| type | threads | wall s (median of $runs) | peak RSS MB (max) | output bytes |"
echo "|---|---|---|---|---|"
for t in "${types[@]}"; do
  walls=(); rss=0
  for _ in $(seq "$runs"); do
    /usr/bin/time -v "$bin" convert "$model" -o "$out/m.gguf" --type "$t" --force -q -t "$threads" 2> "$out/time.txt"
    walls+=("$(awk -F': ' '/Elapsed \(wall clock\)/ {n=split($2,p,":"); s=0; for(i=1;i<=n;i++) s=s*60+p[i]; print s}' "$out/time.txt")")
    r=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$out/time.txt")
    [ "$r" -gt "$rss" ] && rss=$r
  done
  med=$(printf '%s\n' "${walls[@]}" | median)
  printf '| %s | %s | %.2f | %.0f | %s |\n' "$t" "$threads" "$med" "$(awk -v r="$rss" 'BEGIN{print r/1024}')" "$(stat -c %s "$out/m.gguf")"
done
