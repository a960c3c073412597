#!/usr/bin/env bash
# What AWQ buys on SmolLM2-135M. For each type it makes, from the Hugging Face folder, ggufkit's plain file,
# its importance-matrix file (--calibration default), its AWQ file (--awq) and AWQ + importance matrix
# (--awq --calibration default), all calibrated on the built-in corpus, beside llama.cpp's best: llama-imatrix
# on the same corpus joined into one text (c=512), then llama-quantize --imatrix from an F16 GGUF.
# Every file is scored by llama-perplexity (c=512) on WikiText-2 (first PPL_CHUNKS chunks) and on the
# TinyStories validation sample (all chunks), and by `ggufkit compare` against the Hugging Face original on
# WikiText-2 (KL divergence mean, top-1 agreement). Prints one Markdown table on stdout, led by the F16 file as
# a reference row; progress on stderr, and on failure the end of the failing tool's log.
# seconds: wall time of each ggufkit convert from the HF folder, calibration included; for llama.cpp,
# llama-imatrix (run once, shared by every type) plus llama-quantize; for F16, the conversion.
# Needs llama.cpp's tools (../shared/scripts/build-llamacpp-reference.sh) and the SmolLM2 fixture.
# Usage: scripts/awq-quality.sh [TYPES...]   (default: q4_0 q2_k q4_k_m q8_0)
# env: GGUFKIT_BIN, LLAMA_CPP_BIN, THREADS=2, WORK (keep files there; default: a temporary folder),
#      CHUNKS=100 (calibration chunks, both tools), PPL_CHUNKS=10, COMPARE_CHUNKS=50,
#      VARIANTS="plain imatrix awq awq-imatrix llama" (a subset, in any order), AWQ_ARGS (more convert options
#      for the AWQ variants).
set -euo pipefail
export LC_ALL=C
die() { echo "awq-quality: $*" >&2; exit 1; }
absolute() { case $1 in /*) echo "$1" ;; *) echo "$PWD/$1" ;; esac; }
# Paths given relative to the caller's folder stay valid after the cd below.
[ -z "${GGUFKIT_BIN:-}" ] || GGUFKIT_BIN=$(absolute "$GGUFKIT_BIN")
[ -z "${LLAMA_CPP_BIN:-}" ] || LLAMA_CPP_BIN=$(absolute "$LLAMA_CPP_BIN")
[ -z "${WORK:-}" ] || WORK=$(absolute "$WORK")
[ -z "${GGUFKIT_SHARED:-}" ] || GGUFKIT_SHARED=$(absolute "$GGUFKIT_SHARED")
cd "$(dirname "$0")/.."

types=("$@"); [ ${#types[@]} -gt 0 ] || types=(q4_0 q2_k q4_k_m q8_0)
read -r -a variants <<< "${VARIANTS:-plain imatrix awq awq-imatrix llama}"
read -r -a awq_args <<< "${AWQ_ARGS:-}"
chunks=${CHUNKS:-100}; ppl_chunks=${PPL_CHUNKS:-10}; cmp_chunks=${COMPARE_CHUNKS:-50}; threads=${THREADS:-2}
for n in CHUNKS="$chunks" PPL_CHUNKS="$ppl_chunks" COMPARE_CHUNKS="$cmp_chunks" THREADS="$threads"; do
  [[ ${n#*=} =~ ^[1-9][0-9]*$ ]] || die "${n%%=*} must be a positive integer, not '${n#*=}'"
done
[ ${#variants[@]} -gt 0 ] || die "VARIANTS is empty"
want_llama=0; want_awq=0
for v in "${variants[@]}"; do
  case $v in
    plain | imatrix) ;;
    awq | awq-imatrix) want_awq=1 ;;
    llama) want_llama=1 ;;
    *) die "unknown variant '$v' in VARIANTS (known: plain imatrix awq awq-imatrix llama)" ;;
  esac
done

shared=${GGUFKIT_SHARED:-$(cd .. && pwd)/shared}
[ -d "$shared" ] || die "no shared resources at $shared (set GGUFKIT_SHARED)"
wiki=$shared/text/wikitext-2-raw/wiki.test.raw
stories=$shared/text/tinystories/valid-sample.txt
for f in "$wiki" "$stories"; do [ -s "$f" ] || die "missing text $f"; done
compgen -G "calibration/*.txt" > /dev/null || die "no calibration/*.txt in $PWD"

bin=${LLAMA_CPP_BIN:-$(bash "$shared/scripts/build-llamacpp-reference.sh")}
tools=(llama-perplexity); [ $want_llama = 0 ] || tools+=(llama-imatrix llama-quantize)
for t in "${tools[@]}"; do [ -x "$bin/$t" ] || die "no $t in $bin (set LLAMA_CPP_BIN)"; done
if [ -z "${GGUFKIT_BIN:-}" ]; then swift build -c release --product ggufkit >&2; GGUFKIT_BIN=$PWD/.build/release/ggufkit; fi
g=$GGUFKIT_BIN
[ -x "$g" ] || die "GGUFKIT_BIN=$g is not an executable"
if [ $want_awq = 1 ] && ! "$g" convert --help 2>&1 | grep -q -- '--awq'; then
  die "$g has no --awq option: use a build with AWQ, or VARIANTS without awq and awq-imatrix"
fi

if [ -n "${WORK:-}" ]; then
  work=$WORK; mkdir -p "$work"
else
  work=$(mktemp -d "${TMPDIR:-/tmp}/awq-quality.XXXXXX"); trap 'rm -rf "$work"' EXIT
fi
trap 'exit 130' INT; trap 'exit 143' TERM
mkdir -p "$work/logs"

run() {  # log-name command...: output goes to the log; on failure, show the command and the end of the log
  local log=$work/logs/$1.log; shift
  "$@" > "$log" 2>&1 && return 0
  echo "awq-quality: failed: $*" >&2; tail -n 20 "$log" | sed 's/^/  /' >&2; exit 1
}
seconds=0
timed() {  # log-name command...: run, leaving the wall seconds in $seconds
  local t0=$EPOCHREALTIME; run "$@"
  seconds=$(awk -v a="$t0" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.1f", b - a }')
}
ppl() {  # model text log-name [chunks]: prints "PPL ± error"
  local extra=() log=$work/logs/$3.log r
  [ -z "${4:-}" ] || extra=(--chunks "$4")
  run "$3" "$bin/llama-perplexity" -m "$1" -f "$2" -c 512 -t "$threads" "${extra[@]}"
  r=$(sed -n 's/.*Final estimate: PPL = \([0-9.]*\) +\/- \([0-9.]*\).*/\1 ± \2/p' "$log")
  [ -n "$r" ] || { echo "awq-quality: no final estimate in llama-perplexity's output:" >&2; tail -n 20 "$log" >&2; exit 1; }
  echo "$r"
}
declare -A kld top1 secs
compare() {  # log-name files...: fills kld[file] and top1[file] from one `ggufkit compare` against the HF folder
  local name=$1 csv=$work/$1.csv; shift
  "$g" compare "$hf" "$@" -f "$wiki" -c 512 --chunks "$cmp_chunks" --csv --base-cache "$work/base.klp" \
    -t "$threads" > "$csv" 2> "$work/logs/$name.log" \
    || { echo "awq-quality: ggufkit compare failed:" >&2; tail -n 20 "$work/logs/$name.log" >&2; exit 1; }
  local parsed model k p
  # Columns are found by name, so a reordered or extended CSV still reads right.
  parsed=$(awk -F, '
    NR == 1 { for (i = 1; i <= NF; i++) col[$i] = i
              if (!("model" in col) || !("kl_divergence_mean" in col) || !("top1_agreement" in col)) exit 3
              next }
    { printf "%s\t%.6f\t%.2f\n", $col["model"], $col["kl_divergence_mean"], 100 * $col["top1_agreement"] }' "$csv") \
    || die "unexpected CSV from ggufkit compare: $(head -1 "$csv")"
  while IFS=$'\t' read -r model k p; do kld[$model]=$k; top1[$model]=$p; done <<< "$parsed"
  for f in "$@"; do [ -n "${kld[$f]:-}" ] || die "ggufkit compare gave no row for $f (see $csv)"; done
}
row() {  # type label file
  local w s
  w=$(ppl "$3" "$wiki" "ppl-wiki-$(basename "$3" .gguf)" "$ppl_chunks")
  s=$(ppl "$3" "$stories" "ppl-stories-$(basename "$3" .gguf)")
  printf '| %s | %s | %s | %s | %s | %s | %s | %s |\n' "$1" "$2" "$w" "$s" "${kld[$3]}" "${top1[$3]}" \
    "$(stat -c %s "$3")" "${secs[$3]}"
}

hf=$(bash "$shared/scripts/make-smollm2-hf.sh")
[ -s "$hf/model.safetensors" ] || die "the SmolLM2 fixture at $hf has no model.safetensors"
echo "work folder: $work" >&2
echo "converting to F16" >&2
timed convert-f16 "$g" convert "$hf" -o "$work/f16.gguf" --type f16 -q --force -t "$threads"
secs[$work/f16.gguf]=$seconds
llama_imatrix_s=0
if [ $want_llama = 1 ]; then
  # The same corpus for both tools: ggufkit spreads chunks over every file; llama-imatrix reads one text.
  cat calibration/*.txt > "$work/corpus.txt"
  echo "llama-imatrix, $chunks chunks of 512" >&2
  timed llama-imatrix "$bin/llama-imatrix" -m "$work/f16.gguf" -f "$work/corpus.txt" -c 512 --chunks "$chunks" \
    -t "$threads" --no-ppl -o "$work/llama.imatrix.gguf"
  llama_imatrix_s=$seconds
fi

echo "| type | variant | WikiText-2 PPL | TinyStories PPL | KLD mean | top-1 % | size (bytes) | seconds |"
echo "|---|---|---|---|---|---|---|---|"
echo "scoring F16" >&2
compare compare-f16 "$work/f16.gguf"
row f16 "reference" "$work/f16.gguf"
calibrated=(--chunks "$chunks" -c 512)
for t in "${types[@]}"; do
  files=(); labels=()
  for v in "${variants[@]}"; do
    f=$work/$t-$v.gguf
    echo "$t: making $v" >&2
    case $v in
      plain) label="plain"
        timed "convert-$t-$v" "$g" convert "$hf" -o "$f" --type "$t" -q --force -t "$threads" ;;
      imatrix) label="ggufkit imatrix"
        timed "convert-$t-$v" "$g" convert "$hf" -o "$f" --type "$t" --calibration default "${calibrated[@]}" \
          -q --force -t "$threads" ;;
      awq) label="ggufkit AWQ"
        # AWQ's own calibration default (16 chunks of 512); the importance matrix keeps its 100.
        timed "convert-$t-$v" "$g" convert "$hf" -o "$f" --type "$t" --awq "${awq_args[@]}" \
          -q --force -t "$threads" ;;
      awq-imatrix) label="ggufkit AWQ + imatrix"
        timed "convert-$t-$v" "$g" convert "$hf" -o "$f" --type "$t" --awq "${awq_args[@]}" \
          --calibration default -q --force -t "$threads" ;;
      llama) label="llama.cpp imatrix"
        timed "quantize-$t-$v" "$bin/llama-quantize" --imatrix "$work/llama.imatrix.gguf" "$work/f16.gguf" "$f" \
          "$t" "$threads"
        seconds=$(awk -v a="$llama_imatrix_s" -v b="$seconds" 'BEGIN { printf "%.1f", a + b }') ;;
    esac
    secs[$f]=$seconds; files+=("$f"); labels+=("$label")
  done
  echo "$t: scoring" >&2
  compare "compare-$t" "${files[@]}"
  for i in "${!files[@]}"; do row "$t" "${labels[$i]}" "${files[$i]}"; done
done
