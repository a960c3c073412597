#!/usr/bin/env bash
# Rebuilds calibration/validation/en-loc-electronic-texts.txt (the default text of --validate) from
# the pinned Brotli 1.1.0 sdist on PyPI, which ships the Canterbury corpus's lcet10.txt as test data.
# calibration/README.md says what the file holds and under which licence.
#
# Usage: scripts/make-validation-text.sh [WORK_DIR]   (default: a fresh temporary folder)
# Needs: python3 with pip, tar.
set -euo pipefail
cd "$(dirname "$0")/.."
work=${1:-$(mktemp -d)}
mkdir -p "$work"
file=Brotli-1.1.0.tar.gz
sha=81de08ac11bcb85841e440c13611c00b67d3bf82698314928d0b676362546724
if [ ! -f "$work/$file" ]; then
  python3 -m pip download -q --no-deps --no-binary :all: Brotli==1.1.0 -d "$work" >&2
fi
actual=$(sha256sum "$work/$file" | cut -d' ' -f1)
if [ "$actual" != "$sha" ]; then
  echo "error: $work/$file has SHA-256 $actual, expected $sha" >&2
  exit 1
fi
tar -xzf "$work/$file" -C "$work" Brotli-1.1.0/tests/testdata/lcet10.txt
mkdir -p calibration/validation
python3 scripts/make-validation-text.py "$work/Brotli-1.1.0/tests/testdata/lcet10.txt" \
  calibration/validation/en-loc-electronic-texts.txt
