#!/usr/bin/env bash
# Inference speed against llama.cpp, side by side in one run (release builds, THREADS=2), ROUNDS rounds (default 3)
# interleaved tool by tool, medians printed as Markdown tables:
#  1. `ggufkit bench` against `llama-bench`: pp512 and tg128 tokens/s, and ggufkit's peak RSS, on SmolLM2-135M at
#     each type in TYPES (default f16 q8_0 q4_0 q4_k_m q2_k), then on each GGUF file listed in EXTRA (for example the
#     7B-shaped synthetic model's Q4_0 and Q4_K_M files made from ../shared/scripts/make-synthetic-llama.py);
#  2. `ggufkit perplexity` against `llama-perplexity` on the SmolLM2 files (WikiText-2, c=512, 10 chunks): PPL, the
#     PPL difference, and wall time of each whole run.
# llama.cpp's tools come from ../shared/scripts/build-llamacpp-reference.sh (LLAMA_CPP_BIN overrides the location).
# Usage: scripts/bench-inference.sh [TYPES...]   env: EXTRA="a.gguf b.gguf", ROUNDS, THREADS, WORK, SKIP_PPL=1
set -euo pipefail
cd "$(dirname "$0")/.."
threads=${THREADS:-2}
rounds=${ROUNDS:-3}
shared=${GGUFKIT_SHARED:-$(cd .. && pwd)/shared}
text=${TEXT:-$shared/text/wikitext-2-raw/wiki.test.raw}
types=("$@"); [ ${#types[@]} -gt 0 ] || types=(f16 q8_0 q4_0 q4_k_m q2_k)
llama_bin=${LLAMA_CPP_BIN:-$HOME/.cache/ggufkit-fixtures/llama.cpp/build/bin}
[ -x "$llama_bin/llama-bench" ] || { echo "llama-bench not found in $llama_bin (run ../shared/scripts/build-llamacpp-reference.sh)" >&2; exit 1; }
swift build -c release --product ggufkit >&2
bin=.build/release/ggufkit
work=${WORK:-$(mktemp -d)}
mkdir -p "$work"
model=""
files=()
for t in "${types[@]}"; do
  if [ ! -s "$work/smollm2-$t.gguf" ]; then
    [ -n "$model" ] || model=${MODEL:-$(bash "$shared/scripts/make-smollm2-hf.sh")}
    "$bin" convert "$model" -o "$work/smollm2-$t.gguf" --type "$t" -q
  fi
  files+=("$work/smollm2-$t.gguf")
done
extra=(${EXTRA:-})
results=$work/results.tsv
: > "$results"
seconds() { awk -F': ' '/Elapsed \(wall clock\)/ {n=split($2,p,":"); s=0; for(i=1;i<=n;i++) s=s*60+p[i]; print s}' "$1"; }
peak_mb() { awk -F': ' '/Maximum resident set size/ {printf "%.1f", $2/1024}' "$1"; }

echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), threads=$threads, rounds=$rounds, OPENBLAS_CORETYPE=${OPENBLAS_CORETYPE:-unset}" >&2
for round in $(seq "$rounds"); do
  for f in "${files[@]}" "${extra[@]}"; do
    name=$(basename "$f" .gguf)
    echo "round $round: $name" >&2
    /usr/bin/time -v "$llama_bin/llama-bench" -m "$f" -t "$threads" -r 1 -p 512 -n 128 -o json > "$work/llama.json" 2> "$work/llama.time"
    python3 - "$work/llama.json" "$name" "$(peak_mb "$work/llama.time")" >> "$results" <<'PY'
import json, sys
for row in json.load(open(sys.argv[1])):
    test = "pp%d" % row["n_prompt"] if row["n_gen"] == 0 else "tg%d" % row["n_gen"]
    print("bench\t%s\t%s\tllama.cpp\t%.3f\t%s" % (sys.argv[2], test, row["avg_ts"], sys.argv[3]))
PY
    /usr/bin/time -v "$bin" bench "$f" -t "$threads" -r 1 -p 512 -n 128 --json > "$work/ours.json" 2> "$work/ours.time"
    python3 - "$work/ours.json" "$name" "$(peak_mb "$work/ours.time")" >> "$results" <<'PY'
import json, sys
for row in json.load(open(sys.argv[1]))["tests"]:
    print("bench\t%s\t%s\tggufkit\t%.3f\t%s" % (sys.argv[2], row["test"], row["tokens_per_second"], sys.argv[3]))
PY
  done
  [ -n "${SKIP_PPL:-}" ] && continue
  for f in "${files[@]}"; do
    name=$(basename "$f" .gguf)
    /usr/bin/time -v "$llama_bin/llama-perplexity" -m "$f" -f "$text" -c 512 --chunks 10 -t "$threads" > "$work/llama.log" 2> "$work/llama.time" || true
    ppl=$(grep -ho 'Final estimate: PPL = [0-9.]*' "$work/llama.log" "$work/llama.time" | awk '{print $5}' | head -1)
    printf 'ppl\t%s\tc512x10\tllama.cpp\t%s\t%s\n' "$name" "$(seconds "$work/llama.time")" "$ppl" >> "$results"
    /usr/bin/time -v "$bin" perplexity "$f" -f "$text" --chunks 10 -t "$threads" --json -q > "$work/ours.json" 2> "$work/ours.time"
    ppl=$(python3 -c 'import json,sys; print("%.4f" % json.load(open(sys.argv[1]))["perplexity"])' "$work/ours.json")
    printf 'ppl\t%s\tc512x10\tggufkit\t%s\t%s\n' "$name" "$(seconds "$work/ours.time")" "$ppl" >> "$results"
  done
done

python3 - "$results" <<'PY'
import statistics, sys
from collections import defaultdict, OrderedDict
rows = [line.rstrip("\n").split("\t") for line in open(sys.argv[1]) if line.strip()]
values = defaultdict(list); extra = {}; order = OrderedDict()
for kind, name, test, tool, value, other in rows:
    values[(kind, name, test, tool)].append(float(value))
    extra[(kind, name, test, tool)] = other
    order[(kind, name, test)] = True
med = lambda key: statistics.median(values[key]) if values[key] else float("nan")
print("| model | test | llama.cpp t/s | ggufkit t/s | ggufkit / llama.cpp | ggufkit peak RSS MB | llama.cpp peak RSS MB |")
print("|---|---|---|---|---|---|---|")
for kind, name, test in order:
    if kind != "bench": continue
    l, g = med((kind, name, test, "llama.cpp")), med((kind, name, test, "ggufkit"))
    print("| %s | %s | %.2f | %.2f | %.2f | %s | %s |" % (name, test, l, g, g / l,
          extra[(kind, name, test, "ggufkit")], extra[(kind, name, test, "llama.cpp")]))
if any(k == "ppl" for k, _, _ in order):
    print()
    print("| model | llama-perplexity PPL | ggufkit PPL | ΔPPL % | llama-perplexity wall s | ggufkit wall s | speed ratio (llama s / ggufkit s) |")
    print("|---|---|---|---|---|---|---|")
    for kind, name, test in order:
        if kind != "ppl": continue
        lp, gp = float(extra[(kind, name, test, "llama.cpp")] or "nan"), float(extra[(kind, name, test, "ggufkit")])
        l, g = med((kind, name, test, "llama.cpp")), med((kind, name, test, "ggufkit"))
        print("| %s | %.4f | %.4f | %+.3f | %.2f | %.2f | %.2f |" % (name, lp, gp, 100 * (gp - lp) / lp, l, g, l / g))
print()
print("medians of %d interleaved rounds" % max(len(v) for v in values.values()))
PY
