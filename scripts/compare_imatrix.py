#!/usr/bin/env python3
"""Compares two GGUF importance-matrix files entry by entry.

For every entry in both files, prints the relative L1 difference of the per-column mean squared
activations (in_sum2 / counts): sum|a - b| / sum|b|. Exit status 0 when every entry is within the
tolerance (default 0.005, i.e. 0.5%) and both files have the same entries.
Usage: compare_imatrix.py OURS.imatrix.gguf THEIRS.imatrix.gguf [TOLERANCE]
"""
import sys

import numpy as np
from gguf import GGUFReader


def load(path):
    reader = GGUFReader(path)
    tensors = {t.name: np.asarray(t.data, dtype=np.float64).reshape(-1) for t in reader.tensors}
    entries = {}
    for name, sums in tensors.items():
        if name.endswith(".in_sum2"):
            base = name[: -len(".in_sum2")]
            counts = tensors[base + ".counts"]
            per_matrix = sums.size // counts.size
            entries[base] = sums / np.repeat(counts, per_matrix)
    return entries


ours, theirs = load(sys.argv[1]), load(sys.argv[2])
tolerance = float(sys.argv[3]) if len(sys.argv) > 3 else 0.005
status = 0
worst = (0.0, "")
for name in sorted(set(ours) | set(theirs)):
    if name not in ours or name not in theirs:
        print(f"{name}: only in {'first' if name in ours else 'second'}")
        status = 1
        continue
    a, b = ours[name], theirs[name]
    if a.shape != b.shape:
        print(f"{name}: {a.size} vs {b.size} columns")
        status = 1
        continue
    rel = float(np.abs(a - b).sum() / max(np.abs(b).sum(), 1e-30))
    worst = max(worst, (rel, name))
    if rel > tolerance:
        print(f"{name}: relative L1 {rel:.2e} above {tolerance}")
        status = 1
print(f"{len(ours)} entries, largest relative L1 {worst[0]:.2e} ({worst[1]})")
sys.exit(status)
