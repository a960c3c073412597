#!/usr/bin/env python3
"""Extracts calibration/validation/en-loc-electronic-texts.txt, the text `--validate` scores on by
default, from lcet10.txt (Project Gutenberg's etext of the Library of Congress "Workshop on
Electronic Texts: Proceedings", 1992, shipped in the Brotli 1.1.0 sdist as tests/testdata/lcet10.txt).

The text is kept from the introduction on (the title page and table of contents are left out):
CRLF line endings become LF, hard-wrapped lines are joined into paragraphs (list items and
headings keep their own lines), runs of spaces collapse to one, and the text is cut after the last
whole paragraph within LIMIT bytes.

Usage: make-validation-text.py LCET10_TXT OUTPUT
"""
import re
import sys

LIMIT = 40_000


def paragraphs(lines):
    blocks, current = [], []
    for line in lines:
        stripped = line.strip()
        if not stripped:
            if current:
                blocks.append(current)
                current = []
            continue
        current.append(stripped)
    if current:
        blocks.append(current)
    result = []
    for block in blocks:
        if any(line.startswith("* ") for line in block):
            # A bulleted list: an item may wrap onto the next line.
            items = []
            for line in block:
                if line.startswith("* ") or not items:
                    items.append(line)
                else:
                    items[-1] += " " + line
            result.append("\n".join(re.sub(r" {2,}", " ", item) for item in items))
        else:
            joined = ""
            for line in block:
                # A word broken at a line end ("machine-" / "readable") keeps its hyphen, no space.
                glue = "" if not joined or re.search(r"[a-z]-$", joined) else " "
                joined += glue + line
            result.append(re.sub(r" {2,}", " ", joined))
    return result


def main():
    source, output = sys.argv[1], sys.argv[2]
    text = open(source, encoding="ascii").read().replace("\r\n", "\n")
    lines = text.split("\n")
    start = next(i for i, line in enumerate(lines) if line.strip() == "INTRODUCTION")
    kept = []
    for paragraph in paragraphs(lines[start:]):
        if "***" in paragraph:
            continue
        candidate = "\n\n".join(kept + [paragraph]) + "\n"
        if len(candidate.encode()) > LIMIT:
            break
        kept.append(paragraph)
    result = "\n\n".join(kept) + "\n"
    with open(output, "w", encoding="utf-8", newline="\n") as handle:
        handle.write(result)
    print(f"{output}: {len(result.encode())} bytes, {len(kept)} paragraphs", file=sys.stderr)


if __name__ == "__main__":
    main()
