#!/usr/bin/env bash
# Checks split output against llama.cpp: a model converted to Q4_K_M in 4 parts must be byte-identical
# to llama-gguf-split's cut of the single file, load in llama-perplexity from its first part with the
# same perplexity as the single file, and read back in ggufkit's perplexity, inspect and quantize
# (quantizing the split model gives the same bytes as quantizing the single file).
# Needs llama.cpp's tools (../shared/scripts/build-llamacpp-reference.sh).
# Usage: scripts/check-split-against-llama.sh [MODEL_DIR] [PARTS]
#   default model: the SmolLM2 fixture; default 4 parts. GGUFKIT_BINARY picks the ggufkit to test.
set -euo pipefail
cd "$(dirname "$0")/.."
shared=${GGUFKIT_SHARED:-$(cd .. && pwd)/shared}
bin=${LLAMA_CPP_BIN:-$(bash "$shared/scripts/build-llamacpp-reference.sh")}
export LD_LIBRARY_PATH="$bin${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
model=${1:-$(bash "$shared/scripts/make-smollm2-hf.sh")}
parts=${2:-4}
text="$shared/text/wikitext-2-raw/wiki.test.raw"
if [ -z "${GGUFKIT_BINARY:-}" ]; then
  swift build -c release --product ggufkit >&2
  GGUFKIT_BINARY=.build/release/ggufkit
fi
g=$GGUFKIT_BINARY
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
status=0
fail() { echo "FAIL: $*"; status=1; }

"$g" convert "$model" -o "$work/single.gguf" --type q4_k_m -q
tensors=$("$g" inspect "$work/single.gguf" --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["tensor_count"])')
per_part=$(( (tensors + parts - 1) / parts ))
"$g" convert "$model" -o "$work/split.gguf" --type q4_k_m --split-max-tensors "$per_part" -q
first=$(printf '%s/split-00001-of-%05d.gguf' "$work" "$parts")
ls "$work"/split-*.gguf | sed 's|.*/|  |'
[ "$(ls "$work"/split-*.gguf | wc -l)" -eq "$parts" ] || fail "expected $parts parts"

"$bin/llama-gguf-split" --split-max-tensors "$per_part" "$work/single.gguf" "$work/ref" > /dev/null 2>&1
for f in "$work"/ref-*.gguf; do
  cmp -s "$f" "${f/ref-/split-}" && echo "$(basename "$f"): identical to ggufkit's part" || fail "$(basename "$f") differs"
done

llama_ppl() {
  "$bin/llama-perplexity" -m "$1" -f "$text" -c 512 --chunks 8 -t 2 2>&1 | grep -o 'Final estimate: PPL = [0-9.]* +/- [0-9.]*'
}
a=$(llama_ppl "$work/single.gguf"); b=$(llama_ppl "$first")
echo "llama-perplexity single file: $a"; echo "llama-perplexity first part:  $b"
[ -n "$a" ] && [ "$a" = "$b" ] || fail "llama-perplexity differs"

ours_ppl() { "$g" perplexity "$1" -f "$text" -c 512 --chunks 8 --json -q | python3 -c 'import json,sys; print(json.load(sys.stdin)["perplexity"])'; }
a=$(ours_ppl "$work/single.gguf"); b=$(ours_ppl "$first")
echo "ggufkit perplexity single file: $a"; echo "ggufkit perplexity first part:  $b"
[ "$a" = "$b" ] || fail "ggufkit perplexity differs"

"$g" inspect "$first" > "$work/inspect.txt"; sed -n 1p "$work/inspect.txt"
n=$("$g" inspect "$first" --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["tensor_count"])')
[ "$n" -eq "$tensors" ] && echo "ggufkit inspect: $n tensors over the parts" || fail "inspect saw $n tensors"

"$g" quantize "$work/single.gguf" "$work/q-single.gguf" q4_0 -q
"$g" quantize "$first" "$work/q-split.gguf" q4_0 -q
cmp -s "$work/q-single.gguf" "$work/q-split.gguf" && echo "ggufkit quantize q4_0: split input gives the same bytes as the single file" \
  || fail "quantize output differs"
exit $status
