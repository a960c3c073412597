#!/usr/bin/env bash
# Checks `ggufkit plan` against llama.cpp's load log: for each model and context, the KV cache size
# (with its K and V parts) and the CPU_Mapped model buffer size that llama-completion prints must equal
# plan's figures, and the compute buffer estimate is shown beside llama.cpp's.
# Needs llama.cpp's tools (../shared/scripts/build-llamacpp-reference.sh).
# Usage: scripts/check-plan-against-llama.sh [MODEL_DIR] [CONTEXTS...]
#   default: the SmolLM2 fixture converted to F16 and Q4_K_M, contexts 512 4096 8192.
#   GGUFKIT_BINARY picks the ggufkit to test (default: a release build).
set -euo pipefail
cd "$(dirname "$0")/.."
shared=${GGUFKIT_SHARED:-$(cd .. && pwd)/shared}
bin=${LLAMA_CPP_BIN:-$(bash "$shared/scripts/build-llamacpp-reference.sh")}
export LD_LIBRARY_PATH="$bin${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
model=${1:-$(bash "$shared/scripts/make-smollm2-hf.sh")}
shift || true
contexts=("$@"); [ ${#contexts[@]} -gt 0 ] || contexts=(512 4096 8192)
if [ -z "${GGUFKIT_BINARY:-}" ]; then
  swift build -c release --product ggufkit >&2
  GGUFKIT_BINARY=.build/release/ggufkit
fi
g=$GGUFKIT_BINARY
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
status=0
for type in f16 q4_k_m; do
  "$g" convert "$model" -o "$work/$type.gguf" --type "$type" -q
  for c in "${contexts[@]}"; do
    log=$("$bin/llama-completion" -m "$work/$type.gguf" -c "$c" -n 1 -p hi -t 2 -no-cnv -v 2>&1 < /dev/null || true)
    llama_kv=$(grep -o 'llama_kv_cache: size = .*' <<< "$log" | head -1 | sed 's/ (.*), K/, K/; s/  */ /g')
    llama_mapped=$(grep -o 'CPU_Mapped model buffer size = *[0-9.]* MiB' <<< "$log" | tail -1 | sed 's/.*= *//')
    llama_compute=$(grep -o 'CPU compute buffer size = *[0-9.]* MiB' <<< "$log" | tail -1 | sed 's/.*= *//')
    ours=$("$g" plan "$work/$type.gguf" --ctx "$c" --json | python3 -c '
import json, sys
d = json.load(sys.stdin); kv = d["kv_cache"]
mib = lambda b: "%.2f MiB" % (b / 1048576)
print("llama_kv_cache: size = %s, K (%s): %s, V (%s): %s" % (mib(kv["bytes"]), kv["type"], mib(kv["k_bytes"]), kv["type"], mib(kv["v_bytes"])))
print(" + ".join(mib(b) for b in d["weights"]["cpu_mapped"]))
print(mib(d["compute_estimate"]["bytes"]))')
    ours_kv=$(sed -n 1p <<< "$ours"); ours_mapped=$(sed -n 2p <<< "$ours"); ours_compute=$(sed -n 3p <<< "$ours")
    verdict=equal
    [ "$ours_kv" = "$llama_kv" ] && [ "$ours_mapped" = "$llama_mapped" ] || { verdict=DIFFERENT; status=1; }
    echo "$type ctx $c: KV ${llama_kv#llama_kv_cache: size = } | model buffer $llama_mapped | ggufkit: ${ours_kv#llama_kv_cache: size = } | $ours_mapped -> $verdict (compute: llama.cpp $llama_compute, estimate $ours_compute)"
  done
done
exit $status
