#!/usr/bin/env bash
# Quantization time of the i-quant file types against Q4_K_M and against llama-quantize, on the same
# F32 GGUF and the same importance matrix, both tools interleaved in one run (median of RUNS, 2 threads).
# Prints a Markdown table. Needs llama.cpp's tools (../shared/scripts/build-llamacpp-reference.sh).
# Usage: scripts/bench-iq-quant.sh [TYPES...]   (env: RUNS=3, THREADS=2, MODEL=HF dir, IMATRIX=file,
#        LLAMA_CPP_BIN, GGUFKIT_BIN)
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${RUNS:-3}
threads=${THREADS:-2}
shared=${GGUFKIT_SHARED:-$(cd .. && pwd)/shared}
bin=${LLAMA_CPP_BIN:-$(bash "$shared/scripts/build-llamacpp-reference.sh")}
export LD_LIBRARY_PATH=$bin${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}
model=${MODEL:-$(bash "$shared/scripts/make-smollm2-hf.sh")}
types=("$@")
[ ${#types[@]} -gt 0 ] || types=(q4_k_m iq4_nl iq4_xs iq3_m iq3_s iq3_xs iq3_xxs iq2_m iq2_s iq2_xs iq2_xxs iq1_m iq1_s)
if [ -z "${GGUFKIT_BIN:-}" ]; then swift build -c release --product ggufkit >&2; GGUFKIT_BIN=.build/release/ggufkit; fi
g=$GGUFKIT_BIN
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT

"$g" convert "$model" -o "$work/f32.gguf" --type f32 -q
imatrix=${IMATRIX:-}
if [ -z "$imatrix" ]; then
  imatrix=$work/imatrix.gguf
  "$g" imatrix "$work/f32.gguf" --chunks 20 -c 512 -o "$imatrix" -q -t "$threads"
fi

median() { sort -n | awk '{a[NR]=$1} END {print (NR%2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }
seconds() { /usr/bin/time -f %e "$@" 2>&1 >/dev/null | tail -1; }

declare -A ours theirs
for t in "${types[@]}"; do
  o=(); l=()
  for _ in $(seq "$runs"); do
    o+=("$(seconds "$g" quantize "$work/f32.gguf" "$work/ours.gguf" "$t" --imatrix "$imatrix" -q -t "$threads" --force)")
    l+=("$(seconds "$bin/llama-quantize" --imatrix "$imatrix" "$work/f32.gguf" "$work/theirs.gguf" "$t" "$threads")")
  done
  ours[$t]=$(printf '%s\n' "${o[@]}" | median)
  theirs[$t]=$(printf '%s\n' "${l[@]}" | median)
  echo "  $t: ggufkit ${ours[$t]} s, llama-quantize ${theirs[$t]} s" >&2
done

base=${ours[q4_k_m]:-}
echo "| type | ggufkit s | llama-quantize s | ggufkit / llama-quantize | ggufkit / ggufkit q4_k_m |"
echo "|---|---|---|---|---|"
for t in "${types[@]}"; do
  vs_base="-"; [ -n "$base" ] && vs_base=$(awk -v a="${ours[$t]}" -v b="$base" 'BEGIN{printf "%.2f", a/b}')
  printf '| %s | %.2f | %.2f | %.2f | %s |\n' "$t" "${ours[$t]}" "${theirs[$t]}" \
    "$(awk -v a="${ours[$t]}" -v b="${theirs[$t]}" 'BEGIN{print a/b}')" "$vs_base"
done
