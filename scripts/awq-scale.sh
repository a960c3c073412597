#!/usr/bin/env bash
# Time and memory of `convert --awq` at 7B scale: makes a 7B-shaped synthetic checkpoint (hidden 4096, FFN
# 11008, 32 heads; `LAYERS` of its 32 layers, since every layer has the same shapes and the pass holds one
# layer at a time) with ../shared/scripts/make-synthetic-llama.py, converts it with
# `--awq --chunks 4 -c 512 --type q4_0`, and prints the pass's per-layer lines (seconds so far, resident and
# peak memory) and /usr/bin/time's peak RSS.
# Usage: scripts/awq-scale.sh [WORK]   env: LAYERS=3, TYPE=q4_0, CHUNKS=4, GGUFKIT_BIN, GGUFKIT_SHARED
set -euo pipefail
die() { echo "awq-scale: $*" >&2; exit 1; }
cd "$(dirname "$0")/.."
shared=${GGUFKIT_SHARED:-$(cd .. && pwd)/shared}
work=${1:-$(mktemp -d)}
layers=${LAYERS:-3}; type=${TYPE:-q4_0}; chunks=${CHUNKS:-4}
[[ $layers =~ ^[1-9][0-9]*$ ]] || die "LAYERS must be a positive integer, not '$layers'"
bin=${GGUFKIT_BIN:-}
if [ -z "$bin" ]; then
  swift build -c release --product ggufkit >/dev/null || die "release build failed"
  bin=.build/release/ggufkit
fi
[ -x /usr/bin/time ] || die "needs /usr/bin/time (GNU time) for the peak RSS"
model="$work/synth7b-${layers}l"
[ -f "$model/config.json" ] || python3 "$shared/scripts/make-synthetic-llama.py" "$model" --layers "$layers" >/dev/null \
  || die "could not make the synthetic checkpoint"
log="$work/awq-scale.log"
/usr/bin/time -v "$bin" convert "$model" -o "$work/awq-$type.gguf" --type "$type" --awq --chunks "$chunks" -c 512 \
  --force >"$log" 2>&1 || { tail -n 20 "$log" >&2; die "convert failed"; }
echo "7B-shaped synthetic, $layers layers, --awq --chunks $chunks --type $type"
grep -E '^awq: ' "$log"
grep -E 'Elapsed|Maximum resident' "$log" | sed 's/^[[:space:]]*//'
