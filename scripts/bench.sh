#!/usr/bin/env bash
# Conversion benchmark (release build), printed as Markdown tables:
#  1. encoder throughput per tensor format, 1 and 2 threads (Benchmarks/QuantBenchmark);
#  2. end-to-end wall time (median of RUNS) and peak RSS of `ggufkit convert` on the SmolLM2-135M
#     checkpoint (made by ../shared/scripts/make-smollm2-hf.sh) for each file type.
# Usage: scripts/bench.sh [TYPES...]   (default: every file type; env RUNS=5, THREADS=all cores, MODEL=dir)
# References on this machine kind (../shared/README.md): llama.cpp's convert_hf_to_gguf.py HF -> F16
# takes 8.0 s and 947 MB peak RSS; llama-quantize F16 -> Q4_K_M another 3.3 s (11.3 s in all).
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${RUNS:-5}
threads=${THREADS:-$(nproc)}
shared=${GGUFKIT_SHARED:-$(cd .. && pwd)/shared}
model=${MODEL:-$(bash "$shared/scripts/make-smollm2-hf.sh")}
types=("$@")
[ ${#types[@]} -gt 0 ] || types=(f32 f16 bf16 q8_0 q4_0 q4_1 q5_0 q5_1 q2_k q3_k_s q3_k_m q3_k_l q4_k_s q4_k_m q5_k_s q5_k_m q6_k)
swift build -c release --product ggufkit >&2
swift build -c release --product quant-benchmark >&2
.build/release/quant-benchmark
echo
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
