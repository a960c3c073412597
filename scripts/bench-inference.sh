#!/usr/bin/env bash
# Inference benchmark (release build, THREADS=2 by default), printed as Markdown tables:
#  1. ggufkit's perplexity-pass speed on SmolLM2-135M files of each type (4 x 512 tokens, logits for the
#     last 256 of each) with the machine's sgemm ceiling and each file's fraction of it;
#  2. `ggufkit perplexity` against `llama-perplexity` on the same files and text (10 chunks, c=512):
#     PPL and tokens/s side by side (llama.cpp's tools from ../shared/scripts/build-llamacpp-reference.sh;
#     skipped when LLAMA_CPP_BIN is unset and the default build is absent).
# The machine's environment may pin OpenBLAS to a kernel set (OPENBLAS_CORETYPE); the header says which.
# Usage: scripts/bench-inference.sh [TYPES...]   (default: f16 q8_0 q4_0 q4_k_m q2_k)
set -euo pipefail
cd "$(dirname "$0")/.."
threads=${THREADS:-2}
shared=${GGUFKIT_SHARED:-$(cd .. && pwd)/shared}
model=${MODEL:-$(bash "$shared/scripts/make-smollm2-hf.sh")}
text=${TEXT:-$shared/text/wikitext-2-raw/wiki.test.raw}
types=("$@"); [ ${#types[@]} -gt 0 ] || types=(f16 q8_0 q4_0 q4_k_m q2_k)
llama_bin=${LLAMA_CPP_BIN:-$HOME/.cache/ggufkit-fixtures/llama.cpp/build/bin}
swift build -c release --product ggufkit >&2
swift build -c release --product inference-benchmark >&2
work=${WORK:-$(mktemp -d)}
files=()
for t in "${types[@]}"; do
  [ -s "$work/smollm2-$t.gguf" ] || .build/release/ggufkit convert "$model" -o "$work/smollm2-$t.gguf" --type "$t" -q
  files+=("$work/smollm2-$t.gguf")
done
echo "OPENBLAS_CORETYPE=${OPENBLAS_CORETYPE:-unset}"
.build/release/inference-benchmark --threads "$threads" "${files[@]}"
echo
echo "| type | ggufkit PPL | ggufkit tok/s | llama.cpp PPL | llama.cpp tok/s | ΔPPL % |"
echo "|---|---|---|---|---|---|"
for t in "${types[@]}"; do
  f=$work/smollm2-$t.gguf
  ours=$(.build/release/ggufkit perplexity "$f" -f "$text" --chunks 10 -t "$threads" --json -q)
  ppl=$(python3 -c 'import json,sys; d=json.load(sys.stdin); print("%.4f %.0f" % (d["perplexity"], d["tokens_per_second"]))' <<<"$ours")
  theirs="- -"
  if [ -x "$llama_bin/llama-perplexity" ]; then
    log=$("$llama_bin/llama-perplexity" -m "$f" -f "$text" -c 512 --chunks 10 -t "$threads" 2>&1 || true)
    p=$(grep -o 'Final estimate: PPL = [0-9.]*' <<<"$log" | awk '{print $5}')
    s=$(grep -o '[0-9.]* seconds per pass' <<<"$log" | awk '{print $1}')
    [ -n "$p" ] && theirs="$p $(awk -v s="$s" 'BEGIN{printf "%.0f", 2048/s}')"
  fi
  read -r op ot <<<"$ppl"; read -r lp lt <<<"$theirs"
  delta=$( [ "$lp" != "-" ] && awk -v a="$op" -v b="$lp" 'BEGIN{printf "%+.2f", 100*(a-b)/b}' || echo "-")
  echo "| $t | $op | $ot | $lp | $lt | $delta |"
done
