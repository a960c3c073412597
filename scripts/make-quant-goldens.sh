#!/usr/bin/env bash
# Regenerates Tests/QuantizationTests/Golden from ggml's own quantizers.
#
# Downloads llama.cpp's source as vendored in the llama-cpp-python sdist on PyPI,
# compiles ggml-quants.c with llama.cpp's Release flags next to a small driver
# (scripts/golden/quantdriver.c), and lets scripts/golden/make_goldens.py write the
# golden inputs, ggml's quantized bytes, and gguf-py's dequantized values.
# ggml's code stays in the work folder; only the generated files go into the repo.
#
# usage: scripts/make-quant-goldens.sh [OUTPUT_DIR]
#        scripts/make-quant-goldens.sh --driver-only   (build the driver, print its path, write nothing
#                                                       else; the tests' ggml cross-check runs it)
# env:   GGUFKIT_GOLDEN_WORK  work folder (default ~/.cache/ggufkit-fixtures/quant-goldens)
#        LLAMA_CPP_SDIST      an already downloaded llama_cpp_python-0.3.36.tar.gz
#        PYTHON               python with numpy and gguf==0.19.0 (default python3)
#        CC                   C compiler (default cc)
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
version=0.3.36
work=${GGUFKIT_GOLDEN_WORK:-$HOME/.cache/ggufkit-fixtures/quant-goldens}
driver_only=0
if [ "${1:-}" = --driver-only ]; then driver_only=1; shift; fi
out=${1:-$root/Tests/QuantizationTests/Golden}
python=${PYTHON:-python3}
cc=${CC:-cc}
sdist_name=llama_cpp_python-$version.tar.gz

if [ "$(uname -m)" != "x86_64" ]; then
  # ggml's float-to-byte casts are undefined behaviour for out-of-range values and
  # x86 resolves them differently from ARM; the goldens encode the x86 behaviour.
  echo "warning: goldens are defined by an x86-64 build of ggml; this is $(uname -m)" >&2
fi

mkdir -p "$work"
sdist=${LLAMA_CPP_SDIST:-}
if [ -z "$sdist" ]; then
  for candidate in "$work/$sdist_name" "$HOME/.cache/ggufkit-fixtures/llama.cpp/$sdist_name"; do
    if [ -f "$candidate" ]; then sdist=$candidate; break; fi
  done
fi
if [ -z "$sdist" ]; then
  # pip needs the sdist's build backend to read its metadata; without build isolation
  # that is a quick local install instead of a from-source bootstrap.
  "$python" -m pip install -q scikit-build-core >&2
  "$python" -m pip download -q --no-deps --no-build-isolation --no-binary :all: \
    "llama-cpp-python==$version" -d "$work" >&2
  sdist=$work/$sdist_name
fi

src=$work/src-$version
if [ ! -f "$src/ggml/src/ggml-quants.c" ]; then
  rm -rf "$src" && mkdir -p "$src"
  tar -xzf "$sdist" --strip-components=3 -C "$src" "llama_cpp_python-$version/vendor/llama.cpp/ggml"
fi
ggml=$src/ggml

# llama.cpp builds ggml-quants.c (in ggml-base) with these flags and no -march, so on
# x86-64 there is no FMA to contract into; -ffp-contract=off keeps that true elsewhere.
cflags=(-O3 -DNDEBUG -std=gnu11 -ffp-contract=off)
"$cc" "${cflags[@]}" -D_GNU_SOURCE -I"$ggml/src" -I"$ggml/include" -c "$ggml/src/ggml-quants.c" -o "$work/ggml-quants.o"
"$cc" "${cflags[@]}" -I"$ggml/include" "$root/scripts/golden/quantdriver.c" "$work/ggml-quants.o" -lm -o "$work/quantdriver"
if [ "$driver_only" = 1 ]; then echo "$work/quantdriver"; exit 0; fi

"$python" "$root/scripts/golden/make_goldens.py" --driver "$work/quantdriver" --out "$out"
echo "wrote $out" >&2
