#!/usr/bin/env bash
# Importance-matrix speed and memory, ggufkit beside llama-imatrix in the same run: SmolLM2-135M (F16 GGUF)
# over 98 chunks of 512 tokens (50,176 tokens) of the built-in calibration corpus joined into one text.
# With SYNTHETIC_7B=DIR (a checkpoint from ../shared/scripts/make-synthetic-llama.py) it also times ggufkit on
# that Hugging Face folder, 4 chunks of 512, and reports its peak RSS.
# Prints a Markdown table. Usage: scripts/bench-imatrix.sh   (env: GGUFKIT_BIN, LLAMA_CPP_BIN, THREADS=2)
set -euo pipefail
cd "$(dirname "$0")/.."
shared=${GGUFKIT_SHARED:-$(cd .. && pwd)/shared}
bin=${LLAMA_CPP_BIN:-$(bash "$shared/scripts/build-llamacpp-reference.sh")}
threads=${THREADS:-2}
if [ -z "${GGUFKIT_BIN:-}" ]; then swift build -c release --product ggufkit >&2; GGUFKIT_BIN=.build/release/ggufkit; fi
g=$GGUFKIT_BIN
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
hf=$(bash "$shared/scripts/make-smollm2-hf.sh")
"$g" convert "$hf" -o "$work/f16.gguf" --type f16 -q
cat calibration/*.txt > "$work/corpus.txt"

measure() {  # label command...: prints "seconds peak-MB"
  /usr/bin/time -f "%e %M" -o "$work/time" "$@" > "$work/out" 2>&1 || { cat "$work/out" >&2; exit 1; }
  read -r seconds kb < "$work/time"; echo "$seconds $((kb / 1024))"
}
echo "| run | tokens | ggufkit s | ggufkit peak MB | llama-imatrix s | llama-imatrix peak MB | ratio |"
echo "|---|---|---|---|---|---|---|"
read -r gs gm < <(measure "$g" imatrix "$work/f16.gguf" -f "$work/corpus.txt" -c 512 --chunks 98 -t "$threads" \
  -o "$work/ours.gguf")
read -r ls lm < <(measure "$bin/llama-imatrix" -m "$work/f16.gguf" -f "$work/corpus.txt" -c 512 --chunks 98 \
  -t "$threads" --no-ppl -o "$work/ref.gguf")
echo "| SmolLM2-135M F16, 98 × 512 | 50176 | $gs | $gm | $ls | $lm | $(echo "scale=2; $ls / $gs" | bc) |"
if [ -n "${SYNTHETIC_7B:-}" ]; then
  read -r gs gm < <(measure "$g" imatrix "$SYNTHETIC_7B" -f "$shared/text/tinystories/valid-sample.txt" -c 512 \
    --chunks 4 -t "$threads" -o "$work/7b.gguf")
  echo "| 7B-shaped synthetic (BF16 HF folder), 4 × 512 | 2048 | $gs | $gm | - | - | - |"
fi
