#!/usr/bin/env bash
# Builds scripts/llama-tokenize-ref.c against the libllama that
# ../shared/scripts/build-llamacpp-reference.sh produced, so tests can compare
# ggufkit's tokenizers with llama.cpp's. Prints the path of the tool.
#
#   scripts/build-llama-tokenize-ref.sh [LLAMA_CPP_DIR]
#
# LLAMA_CPP_DIR defaults to $GGUFKIT_FIXTURES/llama.cpp (or ~/.cache/ggufkit-fixtures/llama.cpp)
# and must hold src/include/llama.h, src/ggml/include and build/bin/libllama.so.
set -euo pipefail
fixtures="${GGUFKIT_FIXTURES:-$HOME/.cache/ggufkit-fixtures}"
llama="${1:-$fixtures/llama.cpp}"
here="$(cd "$(dirname "$0")" && pwd)"
out="$fixtures/tokenize-ref"
mkdir -p "$out"
cc -O2 -std=c11 -Wall -Wextra \
    -I "$llama/src/include" -I "$llama/src/ggml/include" \
    "$here/llama-tokenize-ref.c" -o "$out/ggufkit-llama-tokenize" \
    -L "$llama/build/bin" -lllama -Wl,-rpath,"$llama/build/bin"
echo "$out/ggufkit-llama-tokenize"
