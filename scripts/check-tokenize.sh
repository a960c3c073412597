#!/usr/bin/env bash
# Compares ggufkit's token ids with llama.cpp's (llama-tokenize on the same GGUF) and, when a
# tokenizer.json is given, with the Python `tokenizers` package, file by file.
#
#   scripts/check-tokenize.sh MODEL.gguf [--hf tokenizer.json] FILE...
#
# GGUFKIT (default .build/debug/ggufkit) and LLAMA_CPP_BIN (default
# ~/.cache/ggufkit-fixtures/llama.cpp/build/bin) locate the tools. Texts are read as raw
# bytes (--no-escape). Exits 1 when any file differs.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
ggufkit="${GGUFKIT:-$here/../.build/debug/ggufkit}"
bin="${LLAMA_CPP_BIN:-${GGUFKIT_FIXTURES:-$HOME/.cache/ggufkit-fixtures}/llama.cpp/build/bin}"
model="$1"; shift
hf=""
if [[ "${1:-}" == "--hf" ]]; then hf="$2"; shift 2; fi
scratch="$(mktemp -d)"
trap 'rm -rf "$scratch"' EXIT
status=0
for file in "$@"; do
    "$ggufkit" tokenize "$model" -f "$file" --ids --no-escape --no-bos > "$scratch/ours"
    "$bin/llama-tokenize" -m "$model" -f "$file" --ids --no-escape --no-bos --log-disable > "$scratch/llama" 2>/dev/null
    result="$(python3 - "$scratch/ours" "$scratch/llama" "$file" "$hf" <<'PY'
import json, sys
ours, llama = (json.load(open(p)) for p in sys.argv[1:3])
line = f"{len(open(sys.argv[3], 'rb').read())} bytes, {len(ours)} tokens; llama.cpp: " + ("equal" if ours == llama else "DIFFERENT")
same = ours == llama
if sys.argv[4]:
    from tokenizers import Tokenizer
    text = open(sys.argv[3], encoding="utf-8", newline="").read()
    hf = Tokenizer.from_file(sys.argv[4]).encode(text, add_special_tokens=False).ids
    same = same and hf == ours
    line += "; tokenizers: " + ("equal" if hf == ours else "DIFFERENT")
print(line if same else line + " !")
PY
)"
    echo "$(basename "$file"): $result"
    [[ "$result" == *"!" ]] && status=1
done
exit $status
