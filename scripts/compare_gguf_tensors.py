#!/usr/bin/env python3
"""Compares two GGUF files tensor by tensor: names, shapes, types and data bytes.

Used to check ggufkit's quantized output against llama-quantize's for the same input.
Usage: compare_gguf_tensors.py OURS.gguf THEIRS.gguf   (exit 0 when every tensor is identical)
"""
import sys

import numpy as np
from gguf import GGUFReader

ours, theirs = GGUFReader(sys.argv[1]), GGUFReader(sys.argv[2])
a = {t.name: t for t in ours.tensors}
b = {t.name: t for t in theirs.tensors}
diff = 0
for name in sorted(set(a) | set(b)):
    if name not in a or name not in b:
        print(f"{name}: only in {'first' if name in a else 'second'}")
        diff += 1
        continue
    x, y = a[name], b[name]
    if x.tensor_type != y.tensor_type or list(x.shape) != list(y.shape):
        print(f"{name}: {x.tensor_type.name}{list(x.shape)} vs {y.tensor_type.name}{list(y.shape)}")
        diff += 1
        continue
    xb, yb = np.asarray(x.data).view(np.uint8).reshape(-1), np.asarray(y.data).view(np.uint8).reshape(-1)
    if not np.array_equal(xb, yb):
        n = int(np.count_nonzero(xb != yb))
        print(f"{name}: {x.tensor_type.name} data differs in {n} of {xb.size} bytes")
        diff += 1
types = {}
for t in ours.tensors:
    types[t.tensor_type.name] = types.get(t.tensor_type.name, 0) + 1
print(f"{len(a)} tensors compared, {diff} differ; types: {types}")
sys.exit(1 if diff else 0)
