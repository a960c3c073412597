#!/usr/bin/env bash
# Checks ggufkit's importance-matrix support against llama.cpp's tools on the same files:
#  1. `ggufkit quantize --imatrix F` gives tensors byte-identical to `llama-quantize --imatrix F`, with F made by
#     llama-imatrix, for every file type listed;
#  2. `ggufkit imatrix` agrees with `llama-imatrix` on the same F16 file and text (relative L1 per entry <= 0.5%);
#  3. `llama-quantize --imatrix` accepts ggufkit's imatrix file.
# Runs on the SmolLM2 fixture (hidden 576: K-quants fall back to legacy types) and on a synthetic Llama whose
# rows are multiples of 256. Needs llama.cpp's tools (../shared/scripts/build-llamacpp-reference.sh) and gguf-py.
# Usage: scripts/check-imatrix-against-llama.sh [TYPES...]   (env: GGUFKIT_BIN, LLAMA_CPP_BIN, CHUNKS)
set -euo pipefail
cd "$(dirname "$0")/.."
shared=${GGUFKIT_SHARED:-$(cd .. && pwd)/shared}
bin=${LLAMA_CPP_BIN:-$(bash "$shared/scripts/build-llamacpp-reference.sh")}
types=("$@"); [ ${#types[@]} -gt 0 ] || types=(q4_0 q4_1 q5_0 q2_k q3_k_s q3_k_m q4_k_s q4_k_m q5_k_m q6_k)
chunks=${CHUNKS:-20}
if [ -z "${GGUFKIT_BIN:-}" ]; then swift build -c release --product ggufkit >&2; GGUFKIT_BIN=.build/release/ggufkit; fi
g=$GGUFKIT_BIN
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
status=0

smollm2=$(bash "$shared/scripts/make-smollm2-hf.sh")
python3 "$shared/scripts/make-synthetic-llama.py" "$work/synthetic-hf" --layers 4 --hidden 512 --ffn 1536 \
  --heads 8 --kv-heads 4 --shard-gb 1 >/dev/null

check_model() {  # name hf-dir text context
  local name=$1 hf=$2 text=$3 ctx=$4 m="$work/$1"
  "$g" convert "$hf" -o "$m-f16.gguf" --type f16 -q
  "$bin/llama-imatrix" -m "$m-f16.gguf" -f "$text" -c "$ctx" --chunks "$chunks" -t 2 -o "$m-ref.imatrix.gguf" \
    > "$m-imatrix.log" 2>&1
  "$g" imatrix "$m-f16.gguf" -f "$text" -c "$ctx" --chunks "$chunks" -o "$m-ours.imatrix.gguf" -q
  if out=$(python3 scripts/compare_imatrix.py "$m-ours.imatrix.gguf" "$m-ref.imatrix.gguf"); then
    echo "$name imatrix vs llama-imatrix: within 0.5% — ${out##*$'\n'}"
  else
    echo "$name imatrix vs llama-imatrix: DIFFERS"; echo "$out"; status=1
  fi
  if "$bin/llama-quantize" --imatrix "$m-ours.imatrix.gguf" "$m-f16.gguf" "$m-accept.gguf" q4_k_m 2 \
      > "$m-accept.log" 2>&1; then
    echo "$name: llama-quantize accepts ggufkit's imatrix"
  else
    echo "$name: llama-quantize REJECTS ggufkit's imatrix"; tail -5 "$m-accept.log"; status=1
  fi
  for t in "${types[@]}"; do
    "$bin/llama-quantize" --imatrix "$m-ref.imatrix.gguf" "$m-f16.gguf" "$m-ref-$t.gguf" "$t" 2 \
      > "$m-quantize-$t.log" 2>&1
    "$g" quantize "$m-f16.gguf" "$m-ours-$t.gguf" "$t" --imatrix "$m-ref.imatrix.gguf" -q
    if out=$(python3 scripts/compare_gguf_tensors.py "$m-ours-$t.gguf" "$m-ref-$t.gguf"); then
      echo "$name $t --imatrix: identical — ${out##*$'\n'}"
    else
      echo "$name $t --imatrix: DIFFERS"; echo "$out" | tail -5; status=1
    fi
    rm -f "$m-ref-$t.gguf" "$m-ours-$t.gguf"
  done
}

check_model smollm2 "$smollm2" "$shared/text/calibration/tinyshakespeare.txt" 512
check_model synthetic "$work/synthetic-hf" "$shared/text/tinystories/valid-sample.txt" 128
exit $status
