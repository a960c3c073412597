#!/usr/bin/env bash
# Perplexity of SmolLM2 quantized plain, with ggufkit's importance matrix from the built-in calibration
# corpus, and with llama.cpp's own (llama-imatrix on the same corpus, joined into one text, then
# llama-quantize --imatrix), all scored by llama-perplexity on WikiText-2 (c=512, 10 chunks) and on the
# TinyStories validation sample. Prints a Markdown table.
# Needs llama.cpp's tools (../shared/scripts/build-llamacpp-reference.sh) and the SmolLM2 fixture.
# Usage: scripts/imatrix-quality.sh [TYPES...]   (env: GGUFKIT_BIN, LLAMA_CPP_BIN, CHUNKS=100, THREADS=2)
set -euo pipefail
cd "$(dirname "$0")/.."
shared=${GGUFKIT_SHARED:-$(cd .. && pwd)/shared}
bin=${LLAMA_CPP_BIN:-$(bash "$shared/scripts/build-llamacpp-reference.sh")}
types=("$@"); [ ${#types[@]} -gt 0 ] || types=(q4_0 q2_k q3_k_s q4_k_m)
chunks=${CHUNKS:-100}; threads=${THREADS:-2}
if [ -z "${GGUFKIT_BIN:-}" ]; then swift build -c release --product ggufkit >&2; GGUFKIT_BIN=.build/release/ggufkit; fi
g=$GGUFKIT_BIN
work=${WORK:-$(mktemp -d)}; [ -n "${WORK:-}" ] || trap 'rm -rf "$work"' EXIT
hf=$(bash "$shared/scripts/make-smollm2-hf.sh")
wiki=$shared/text/wikitext-2-raw/wiki.test.raw
stories=$shared/text/tinystories/valid-sample.txt

"$g" convert "$hf" -o "$work/f16.gguf" --type f16 -q --force
# The same corpus for both tools: ggufkit draws chunks from every file; llama-imatrix reads one text.
cat calibration/*.txt > "$work/corpus.txt"
start=$(date +%s.%N)
"$g" imatrix "$work/f16.gguf" --chunks "$chunks" -c 512 -t "$threads" -o "$work/ours.imatrix.gguf" -q --force
ours_s=$(echo "$(date +%s.%N) - $start" | bc)
start=$(date +%s.%N)
"$bin/llama-imatrix" -m "$work/f16.gguf" -f "$work/corpus.txt" -c 512 --chunks "$chunks" -t "$threads" \
  -o "$work/llama.imatrix.gguf" > "$work/llama-imatrix.log" 2>&1
llama_s=$(echo "$(date +%s.%N) - $start" | bc)
echo "imatrix, $chunks chunks of 512: ggufkit ${ours_s%.*} s, llama-imatrix ${llama_s%.*} s" >&2

ppl() {  # model text [chunks]
  local extra=(); [ -n "${3:-}" ] && extra=(--chunks "$3")
  "$bin/llama-perplexity" -m "$1" -f "$2" -c 512 -t "$threads" "${extra[@]}" 2>&1 \
    | sed -n 's/.*Final estimate: PPL = \([0-9.]*\) +\/- \([0-9.]*\).*/\1 ± \2/p'
}
echo "| type | variant | WikiText-2 PPL | TinyStories PPL | size (bytes) |"
echo "|---|---|---|---|---|"
for t in "${types[@]}"; do
  "$g" quantize "$work/f16.gguf" "$work/plain-$t.gguf" "$t" -q --force
  "$g" quantize "$work/f16.gguf" "$work/ours-$t.gguf" "$t" --imatrix "$work/ours.imatrix.gguf" -q --force
  "$bin/llama-quantize" --imatrix "$work/llama.imatrix.gguf" "$work/f16.gguf" "$work/llama-$t.gguf" "$t" \
    "$threads" > "$work/llama-quantize-$t.log" 2>&1
  for v in plain ours llama; do
    f=$work/$v-$t.gguf
    case $v in plain) label="plain";; ours) label="ggufkit imatrix";; llama) label="llama.cpp imatrix";; esac
    echo "| $t | $label | $(ppl "$f" "$wiki" 10) | $(ppl "$f" "$stories") | $(stat -c %s "$f") |"
  done
done
