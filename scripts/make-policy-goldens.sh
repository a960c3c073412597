#!/usr/bin/env bash
# Records the ggml type llama-quantize gives every tensor of small synthetic models, for every file
# type ggufkit writes and some llama-quantize options, into
# Tests/ConversionTests/Golden/llama-quantize-types.json (TensorTypePolicyGoldenTests replays it).
# The models cover llama.cpp's size classes and shapes: 80-layer Llama with GQA (70B) and without
# (65B), 80-layer Qwen2 (70B), a 32-layer GQA Llama (also with an importance matrix from
# llama-imatrix), and an 8-layer one with tied embeddings and rows that are not whole K-quant blocks.
# Needs llama.cpp's tools (../shared/scripts/build-llamacpp-reference.sh), python3 with numpy and gguf.
# Environment: LLAMA_CPP_BIN (llama.cpp's bin folder), GGUFKIT_BIN (a built ggufkit; otherwise
# built here in release mode under GGUFKIT_SCRATCH, default .build), WORK (scratch folder, removed).
set -euo pipefail
cd "$(dirname "$0")/.."
shared=${GGUFKIT_SHARED:-$(cd .. && pwd)/shared}
bin=${LLAMA_CPP_BIN:-$(bash "$shared/scripts/build-llamacpp-reference.sh")}
if [ -z "${GGUFKIT_BIN:-}" ]; then
  scratch=${GGUFKIT_SCRATCH:-.build}
  swift build -c release --product ggufkit --scratch-path "$scratch" >&2
  GGUFKIT_BIN=$scratch/release/ggufkit
fi
work=${WORK:-$(mktemp -d)}
mkdir -p "$work"
trap 'rm -rf "$work"' EXIT
golden=Tests/ConversionTests/Golden/llama-quantize-types.json
manifest=$work/manifest.tsv
: > "$manifest"

# name, then make-synthetic-llama.py arguments; a trailing "tied" sets tie_word_embeddings.
make_model() {
  local name=$1; shift
  local tied=0
  if [ "${!#}" = tied ]; then tied=1; set -- "${@:1:$#-1}"; fi
  python3 "$shared/scripts/make-synthetic-llama.py" "$work/$name" "$@" >&2
  if [ $tied = 1 ]; then
    python3 - "$work/$name/config.json" <<'EOF'
import json, sys
config = json.load(open(sys.argv[1])); config['tie_word_embeddings'] = True
json.dump(config, open(sys.argv[1], 'w'), indent=2)
EOF
  fi
  "$GGUFKIT_BIN" convert "$work/$name" -o "$work/$name.gguf" --type f16 -q --force
  rm -rf "${work:?}/$name"
  printf 'model\t%s\t%s\n' "$name" "$work/$name.gguf" >> "$manifest"
}

n=0
# model, file type, options as JSON (the test's names), then llama-quantize's flags.
run_case() {
  local model=$1 ftype=$2 json=$3; shift 3
  local imatrix=0 status=0
  n=$((n + 1))
  local out=$work/case-$n.gguf log=$work/case-$n.log
  for arg in "$@"; do [ "$arg" = --imatrix ] && imatrix=1; done
  "$bin/llama-quantize" "$@" "$work/$model.gguf" "$out" "$ftype" 2 > "$log" 2>&1 || status=$?
  if [ $status = 0 ]; then
    python3 scripts/record_policy_golden.py dump "$out" > "$work/case-$n.tsv"
  fi
  rm -f "$out"
  printf 'case\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$model" "$ftype" "$json" "$imatrix" "$status" "$work/case-$n.tsv" "$log" >> "$manifest"
  echo "  $model $ftype $* -> exit $status" >&2
}

# Every file type ggufkit writes, plus q2_k_s, which llama-quantize refuses without an importance
# matrix unless all of its Q2_K tensors fell back to other types.
types=(q8_0 q4_0 q4_1 q5_0 q5_1 q2_k q2_k_s q3_k_s q3_k_m q3_k_l q4_k_s q4_k_m q5_k_s q5_k_m q6_k iq4_nl iq4_xs iq2_xxs iq2_xs iq2_s iq2_m iq3_xxs iq3_xs iq3_s iq3_m iq1_s iq1_m)
options_cases() {
  local model=$1
  run_case "$model" f16 '{}'
  run_case "$model" bf16 '{}'
  run_case "$model" f32 '{}'
  run_case "$model" q4_k_m '{"pure":true}' --pure
  run_case "$model" q2_k '{"pure":true}' --pure
  run_case "$model" q4_k_m '{"leaveOutputTensor":true}' --leave-output-tensor
  run_case "$model" q4_k_m '{"outputTensorType":"q8_0"}' --output-tensor-type q8_0
  run_case "$model" q4_k_m '{"tokenEmbeddingType":"q4_0"}' --token-embedding-type q4_0
  run_case "$model" q2_k '{"outputTensorType":"q8_0","tokenEmbeddingType":"q4_0"}' \
    --output-tensor-type q8_0 --token-embedding-type q4_0
  run_case "$model" q6_k '{"leaveOutputTensor":true,"outputTensorType":"q8_0"}' --leave-output-tensor --output-tensor-type q8_0
  run_case "$model" q4_k_m '{"pure":true,"outputTensorType":"q8_0"}' --pure --output-tensor-type q8_0
  run_case "$model" f16 '{"outputTensorType":"q8_0","tokenEmbeddingType":"q4_0"}' \
    --output-tensor-type q8_0 --token-embedding-type q4_0
  run_case "$model" q4_k_m '{"keep":["attn_v=q8_0","ffn=q5_0"]}' --tensor-type attn_v=q8_0 --tensor-type ffn=q5_0
}

make_model llama-80-gqa --arch llama --layers 80 --hidden 256 --ffn 512 --heads 8 --kv-heads 1
make_model llama-80-mha --arch llama --layers 80 --hidden 256 --ffn 512 --heads 4 --kv-heads 4
make_model qwen2-80 --arch qwen2 --layers 80 --hidden 256 --ffn 512 --heads 4 --kv-heads 2
make_model llama-32-gqa --arch llama --layers 32 --hidden 256 --ffn 768 --heads 8 --kv-heads 2
make_model llama-8-odd-tied --arch llama --layers 8 --hidden 320 --ffn 808 --heads 5 --kv-heads 1 tied

for model in llama-80-gqa llama-80-mha qwen2-80 llama-32-gqa llama-8-odd-tied; do
  for t in "${types[@]}"; do run_case "$model" "$t" '{}'; done
done
options_cases llama-32-gqa
options_cases llama-8-odd-tied

# An importance matrix from a short run on TinyStories; it changes the Q4_0/Q5_0 ffn_down rule and
# lets Q2_K_S through. --exclude-weights blk leaves it without entries, as if there were none.
"$bin/llama-imatrix" -m "$work/llama-32-gqa.gguf" -f "$shared/text/tinystories/valid-sample.txt" \
  -c 128 --chunks 4 -t 2 -o "$work/imatrix.gguf" > "$work/imatrix.log" 2>&1 \
  || { tail -20 "$work/imatrix.log" >&2; exit 1; }
im=(--imatrix "$work/imatrix.gguf")
for t in q2_k_s q4_0 q5_0 q4_k_m iq4_nl iq4_xs iq2_xxs iq2_xs iq2_s iq2_m iq3_xxs iq3_xs iq3_s iq3_m iq1_s iq1_m; do run_case llama-32-gqa "$t" '{}' "${im[@]}"; done
run_case llama-32-gqa q4_0 '{"includeWeights":["attn_v"]}' "${im[@]}" --include-weights attn_v
run_case llama-32-gqa q4_0 '{"excludeWeights":["blk"]}' "${im[@]}" --exclude-weights blk
run_case llama-32-gqa q2_k_s '{"excludeWeights":["ffn"]}' "${im[@]}" --exclude-weights ffn

mkdir -p "$(dirname "$golden")"
python3 scripts/record_policy_golden.py "$manifest" "$golden"
echo "wrote $golden ($n cases, $(wc -c < "$golden") bytes)"
