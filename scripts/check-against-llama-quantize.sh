#!/usr/bin/env bash
# Checks that ggufkit's one-pass quantized files are tensor-for-tensor byte-identical to what
# llama.cpp's llama-quantize makes from ggufkit's own F32 GGUF of the same checkpoint.
# Needs llama.cpp's tools (../shared/scripts/build-llamacpp-reference.sh, about 8 minutes) and python3 with gguf.
# Usage: scripts/check-against-llama-quantize.sh [MODEL_DIR] [TYPES...]
#   default model: the SmolLM2 fixture; default types: q8_0 q4_0 q2_k q4_k_m
# Prints one line per file type and exits non-zero if any tensor differs.
set -euo pipefail
cd "$(dirname "$0")/.."
shared=${GGUFKIT_SHARED:-$(cd .. && pwd)/shared}
bin=${LLAMA_CPP_BIN:-$(bash "$shared/scripts/build-llamacpp-reference.sh")}
model=${1:-$(bash "$shared/scripts/make-smollm2-hf.sh")}
shift || true
types=("$@"); [ ${#types[@]} -gt 0 ] || types=(q8_0 q4_0 q2_k q4_k_m)
swift build -c release --product ggufkit >&2
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
.build/release/ggufkit convert "$model" -o "$work/f32.gguf" --type f32 -q
status=0
for t in "${types[@]}"; do
  .build/release/ggufkit convert "$model" -o "$work/ours-$t.gguf" --type "$t" -q
  "$bin/llama-quantize" "$work/f32.gguf" "$work/ref-$t.gguf" "$t" 2 > "$work/quantize-$t.log" 2>&1
  if out=$(python3 scripts/compare_gguf_tensors.py "$work/ours-$t.gguf" "$work/ref-$t.gguf"); then
    echo "$t: identical — ${out##*$'\n'}"
  else
    echo "$t: DIFFERS"; echo "$out"; status=1
  fi
done
exit $status
