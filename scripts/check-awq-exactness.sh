#!/usr/bin/env bash
# Checks that folding AWQ scales into the weights leaves the model's function unchanged. For each model it writes
# a plain F32 GGUF and an AWQ F32 GGUF whose scales were searched for Q4_0 (`--type f32 --awq
# --awq-search-type q4_0`): no weight is rounded, so the two must give the same logits up to float rounding.
# `ggufkit compare PLAIN PLAIN AWQ --json` scores them on 4 chunks: stories260K on the TinyStories validation
# sample (c=128), SmolLM2-135M on WikiText-2 (c=512). compare keeps the original's log-probabilities in Float16,
# so even the plain file scored against itself shows a small KL divergence; that floor comes from the same call,
# and the AWQ file's KL divergence is judged by how far it is from it. The check also counts the tensors AWQ
# changed (with gguf-py), and reports "NOT TESTED" when it changed none. Details go to stderr; stdout gets one
# verdict line.
# Exit status: 0 PASS, 1 FAIL, NOT TESTED or error.
# Usage: scripts/check-awq-exactness.sh [stories260K] [smollm2]   (default: both)
# env: GGUFKIT_BIN, THREADS=2, WORK (keep files there), MAX_KLD=1e-6 (|KL divergence mean - floor|),
#      MAX_REL_DPPL=1e-4 (|ΔPPL| / PPL), AWQ_ARGS (more convert options for the AWQ file).
set -euo pipefail
export LC_ALL=C
die() { echo "check-awq-exactness: $*" >&2; exit 1; }
absolute() { case $1 in /*) echo "$1" ;; *) echo "$PWD/$1" ;; esac; }
[ -z "${GGUFKIT_BIN:-}" ] || GGUFKIT_BIN=$(absolute "$GGUFKIT_BIN")
[ -z "${WORK:-}" ] || WORK=$(absolute "$WORK")
[ -z "${GGUFKIT_SHARED:-}" ] || GGUFKIT_SHARED=$(absolute "$GGUFKIT_SHARED")
cd "$(dirname "$0")/.."

models=("$@"); [ ${#models[@]} -gt 0 ] || models=(stories260K smollm2)
for m in "${models[@]}"; do
  case $m in stories260K | smollm2) ;; *) die "unknown model '$m' (known: stories260K smollm2)" ;; esac
done
read -r -a awq_args <<< "${AWQ_ARGS:-}"
threads=${THREADS:-2}; max_kld=${MAX_KLD:-1e-6}; max_rel=${MAX_REL_DPPL:-1e-4}
[[ $threads =~ ^[1-9][0-9]*$ ]] || die "THREADS must be a positive integer, not '$threads'"
for n in MAX_KLD="$max_kld" MAX_REL_DPPL="$max_rel"; do
  [[ ${n#*=} =~ ^[0-9]*\.?[0-9]+([eE][-+]?[0-9]+)?$ ]] || die "${n%%=*} must be a number, not '${n#*=}'"
done
command -v python3 > /dev/null || die "python3 is needed to read compare's JSON"

shared=${GGUFKIT_SHARED:-$(cd .. && pwd)/shared}
[ -d "$shared" ] || die "no shared resources at $shared (set GGUFKIT_SHARED)"
if [ -z "${GGUFKIT_BIN:-}" ]; then swift build -c release --product ggufkit >&2; GGUFKIT_BIN=$PWD/.build/release/ggufkit; fi
g=$GGUFKIT_BIN
[ -x "$g" ] || die "GGUFKIT_BIN=$g is not an executable"
"$g" convert --help 2>&1 | grep -q -- '--awq-search-type' || die "$g has no --awq-search-type option: use a build with AWQ"
gguf_py=0; python3 -c 'import gguf, numpy' 2> /dev/null && gguf_py=1

if [ -n "${WORK:-}" ]; then
  work=$WORK; mkdir -p "$work"
else
  work=$(mktemp -d "${TMPDIR:-/tmp}/awq-exactness.XXXXXX"); trap 'rm -rf "$work"' EXIT
fi
trap 'exit 130' INT; trap 'exit 143' TERM

run() {  # log command...: output goes to the log; on failure, show the command and the end of the log
  local log=$1; shift
  "$@" > "$log" 2>&1 && return 0
  echo "check-awq-exactness: failed: $*" >&2; tail -n 20 "$log" | sed 's/^/  /' >&2; exit 1
}

worst_kld=0; worst_rel=0; untested=(); results=()
check() {  # name hf-dir text context
  local name=$1 hf=$2 text=$3 ctx=$4 m=$work/$1 changed json summary
  [ -s "$text" ] || die "missing text $text"
  echo "$name: converting" >&2
  run "$m-plain.log" "$g" convert "$hf" -o "$m-plain.gguf" --type f32 -q --force -t "$threads"
  run "$m-awq.log" "$g" convert "$hf" -o "$m-awq.gguf" --type f32 --awq --awq-search-type q4_0 "${awq_args[@]}" \
    -q --force -t "$threads"
  # A fold that changed nothing would pass trivially: count the tensors whose data moved.
  if [ $gguf_py = 1 ]; then
    python3 scripts/compare_gguf_tensors.py "$m-plain.gguf" "$m-awq.gguf" > "$m-tensors.txt" 2>&1 || true
    grep -q 'tensors compared' "$m-tensors.txt" || { cat "$m-tensors.txt" >&2; die "$name: tensor comparison failed"; }
    if grep -v 'data differs\|tensors compared' "$m-tensors.txt" | grep -q .; then
      grep -v 'data differs\|tensors compared' "$m-tensors.txt" >&2
      die "$name: the AWQ file's tensor names, types or shapes differ from the plain file's"
    fi
    changed="$(grep -c 'data differs' "$m-tensors.txt" || true) of $(sed -n 's/^\([0-9]*\) tensors compared.*/\1/p' "$m-tensors.txt") tensors changed"
    grep -q 'data differs' "$m-tensors.txt" || untested+=("$name")
  else
    if cmp -s "$m-plain.gguf" "$m-awq.gguf"; then changed="files identical"; untested+=("$name")
    else changed="files differ (gguf-py absent: tensors not counted)"; fi
  fi
  echo "$name: scoring" >&2
  json=$("$g" compare "$m-plain.gguf" "$m-plain.gguf" "$m-awq.gguf" -f "$text" -c "$ctx" --chunks 4 --json -t "$threads" \
    2> "$m-compare.log") || { tail -n 20 "$m-compare.log" >&2; die "$name: ggufkit compare failed"; }
  summary=$(python3 -c '
import json, sys
r = json.loads(sys.stdin.read())
(f, c), o = r["candidates"], r["original"]
print(abs(c["kl_divergence_mean"] - f["kl_divergence_mean"]), c["kl_divergence_mean"], f["kl_divergence_mean"],
      abs(c["delta_perplexity"]) / o["perplexity"], 100 * c["top1_agreement"])' <<< "$json") || die "$name: unexpected JSON from ggufkit compare (see $m-compare.log)"
  local kld raw floor rel top1
  read -r kld raw floor rel top1 <<< "$summary"
  printf '%s: %s; KLD mean %.3g (plain vs itself %.3g, difference %.3g); |ΔPPL|/PPL %.3g; top-1 %.2f%%\n' \
    "$name" "$changed" "$raw" "$floor" "$kld" "$rel" "$top1" >&2
  results+=("$name ΔKLD $(printf %.2g "$kld") |ΔPPL|/PPL $(printf %.2g "$rel")")
  worst_kld=$(awk -v a="$worst_kld" -v b="$kld" 'BEGIN { print (b > a ? b : a) }')
  worst_rel=$(awk -v a="$worst_rel" -v b="$rel" 'BEGIN { print (b > a ? b : a) }')
}

for m in "${models[@]}"; do
  case $m in
    stories260K) check stories260K "$shared/models/stories260K" "$shared/text/tinystories/valid-sample.txt" 128 ;;
    smollm2) check smollm2 "$(bash "$shared/scripts/make-smollm2-hf.sh")" "$shared/text/wikitext-2-raw/wiki.test.raw" 512 ;;
  esac
done

detail=$(printf '%s, ' "${results[@]}"); detail=${detail%, }
limits="limits: ΔKLD $max_kld, |ΔPPL|/PPL $max_rel"
if awk -v k="$worst_kld" -v r="$worst_rel" -v mk="$max_kld" -v mr="$max_rel" 'BEGIN { exit !(k > mk || r > mr) }'; then
  echo "AWQ fold in F32: FAIL ($detail; $limits)"; exit 1
elif [ ${#untested[@]} -gt 0 ]; then
  echo "AWQ fold in F32: NOT TESTED, AWQ changed no weight of ${untested[*]} ($detail)"; exit 1
fi
echo "AWQ fold in F32: PASS, exact up to float rounding ($detail; $limits)"
