#!/usr/bin/env python3
"""Writes the golden files of Tests/QuantizationTests/Golden.

Inputs are deterministic pseudo-random rows in several distributions. Quantized
bytes come from ggml's own C quantizers through the `quantdriver` binary (built by
scripts/make-quant-goldens.sh); dequantized values and the F16/BF16 conversions
come from the `gguf` Python package (numpy), which is the reference the Swift
dequantizers must match exactly.

usage: make_goldens.py --driver PATH --out DIR
"""
import argparse
import json
import os
import signal
import subprocess
import sys
import tempfile

import numpy as np
import gguf
from gguf import GGMLQuantizationType as QT

QUANT_FORMATS = ["q4_0", "q4_1", "q5_0", "q5_1", "q8_0", "q2_K", "q3_K", "q4_K", "q5_K", "q6_K", "iq2_xxs", "iq2_xs",
                 "iq3_xxs", "iq1_s", "iq4_nl", "iq3_s", "iq2_s", "iq4_xs", "iq1_m"]
# Formats whose numpy quantizer in gguf-py is meant to be bit-exact with ggml's reference.
NUMPY_QUANTIZERS = {"q4_0": QT.Q4_0, "q4_1": QT.Q4_1, "q5_0": QT.Q5_0, "q5_1": QT.Q5_1, "q8_0": QT.Q8_0}
GGUF_TYPES = {name: getattr(QT, name.upper()) for name in QUANT_FORMATS}

SEED = 20250611


def blocks_of(rng, scales, size=32):
    """One 256-element row made of 32-element blocks, one gaussian scale per block."""
    return np.concatenate([rng.standard_normal(size) * s for s in scales])


def make_cases(rng):
    cases = []

    def add(name, data, importance, row_length):
        data = np.asarray(data, dtype=np.float32).reshape(-1)
        importance = np.asarray(importance, dtype=np.float32).reshape(-1)
        assert data.size % row_length == 0 and importance.size == row_length, name
        cases.append((name, row_length, data, importance))

    def lognormal(n):
        return np.exp(rng.standard_normal(n))

    add("gaussian-weights", rng.standard_normal(512) * 0.02, lognormal(512), 512)
    add("gaussian-unit", rng.standard_normal(512), lognormal(256), 256)
    add("uniform", rng.uniform(-1.0, 1.0, 256), np.ones(256), 256)

    outliers = rng.standard_normal(256) * 0.02
    outliers[[3, 40, 77, 130, 200, 255]] = [3.0, -10.0, 50.0, -0.5, 1000.0, -7.25]
    importance = lognormal(256)
    importance[::7] = 0.0
    importance[64:96] = 0.0
    add("outliers", outliers, importance, 256)

    zeros = np.zeros(256)
    zeros[128:] = np.where(rng.uniform(size=128) < 0.5, -0.0, 0.0)
    add("zeros", zeros, lognormal(256), 256)

    # Denormals and values around GROUP_MAX_EPS (1e-15), where ggml's search helpers
    # give up on a block; the smallest scales overflow 1/d to infinity.
    tiny = blocks_of(rng, [1e-44, 1e-41, 1e-39, 1e-37, 1e-30, 1e-16, 1e-14, 1e-8])
    tiny[0:4] = [1.4e-45, -1.4e-45, 2.8e-45, 0.0]
    add("tiny", tiny, lognormal(256), 256)

    extremes = np.concatenate([
        np.full(32, 65504.0),
        np.full(32, -65504.0),
        np.tile([65504.0, -65504.0], 16),
        65504.0 - np.abs(np.concatenate([[0.0], rng.standard_normal(31)])),
        np.concatenate([[-65504.0], np.abs(rng.standard_normal(31))]),
        np.linspace(-65504.0, 65504.0, 32),
        rng.uniform(-65504.0, 65504.0, 32),
        np.full(32, 1000.0),
    ])
    add("extremes", extremes, lognormal(256), 256)

    positive = rng.exponential(0.05, 256)
    positive[64:96] = -rng.exponential(0.05, 32)
    positive[160:192] = 0.125
    add("positive", positive, lognormal(256), 256)

    add("mixed-scale", blocks_of(rng, [10.0 ** (k - 4) for k in range(8)]), lognormal(256), 256)

    huge = blocks_of(rng, [1e20, 1e30, 1e35, 1e37, 3e37, 1.0, 1e-3, 1e10])
    add("huge", huge, lognormal(256), 256)

    # All-zero 32-blocks between non-zero ones (IQ3_S stores the blocks after them shifted), a lone
    # non-zero value, and a block below IQ3_XXS's 1e-8 threshold. Own generator, so the cases and
    # patterns above keep their values.
    sparse_rng = np.random.default_rng(SEED + 1)
    sparse = np.concatenate([
        np.zeros(32), sparse_rng.standard_normal(32), np.zeros(64), sparse_rng.standard_normal(32),
        np.concatenate([[0.0] * 5, [-0.75], [0.0] * 26]), sparse_rng.standard_normal(32) * 1e-9,
        sparse_rng.standard_normal(32),
        sparse_rng.standard_normal(32) * 0.1, np.full(32, -0.0), sparse_rng.standard_normal(160) * 0.1,
        np.zeros(32),
    ])
    add("sparse-blocks", sparse, np.exp(sparse_rng.standard_normal(256)), 256)
    return cases


def run_driver(driver, fmt, row_length, data, importance, workdir):
    """ggml's bytes for `data`, or None where ggml's quantizer aborts on it (a failed GGML_ASSERT:
    the IQ3 searches find no grid point at a finite distance once squared values overflow)."""
    src = os.path.join(workdir, "in.f32")
    imp = os.path.join(workdir, "imp.f32")
    out = os.path.join(workdir, "out.bin")
    data.astype("<f4").tofile(src)
    imp_arg = "-"
    if importance is not None:
        importance.astype("<f4").tofile(imp)
        imp_arg = imp
    run = subprocess.run([driver, fmt, str(row_length), src, imp_arg, out], stderr=subprocess.PIPE, text=True)
    if run.returncode == -signal.SIGABRT and "GGML_ASSERT" in run.stderr:
        return None
    if run.returncode != 0:
        sys.stderr.write(run.stderr)
        raise subprocess.CalledProcessError(run.returncode, run.args)
    return np.fromfile(out, dtype=np.uint8)


def half_patterns(rng):
    """F32 bit patterns that stress F16 rounding: random words, exact ties, and specials."""
    words = [rng.integers(0, 2**32, 4096, dtype=np.uint64).astype(np.uint32)]
    halves = rng.integers(0, 0x7C00, 1024, dtype=np.uint32)
    as_f32 = np.array(halves, dtype=np.uint16).view(np.float16).astype(np.float32).view(np.uint32)
    # Exactly halfway to the next half (ties), one ulp either side, for normals and subnormals.
    exps = (as_f32 >> 23) & 0xFF
    normal = exps >= 113
    half_ulp = np.where(normal, np.uint32(1) << np.uint32(12), np.uint32(0))
    ties = as_f32[normal] + half_ulp[normal]
    words += [ties, ties - 1, ties + 1]
    specials = np.array([0x00000000, 0x80000000, 0x7F800000, 0xFF800000, 0x7FC00000, 0xFFC00000,
                         0x7F800001, 0x7F802000, 0x7FBFFFFF, 0xFF801000, 0x477FE000, 0x477FEFFF,
                         0x477FF000, 0x477FF001, 0x47800000, 0x33000000, 0x33000001, 0x337FFFFF,
                         0x33800000, 0x38800000, 0x387FC000, 0x387FE000, 0x00000001, 0x80000001,
                         0x7F7FFFFF, 0xFF7FFFFF, 0x3F800000, 0xBF800000], dtype=np.uint32)
    words.append(specials)
    return np.concatenate(words).astype(np.uint32)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--driver", required=True)
    parser.add_argument("--out", required=True)
    args = parser.parse_args()
    os.makedirs(args.out, exist_ok=True)

    rng = np.random.default_rng(SEED)
    cases = make_cases(rng)

    # Cases ggml's quantizer aborts on, per golden file (format, and format-imatrix with importance):
    # llama-quantize cannot write them, so their golden bytes are zeros and the tests do not compare them.
    manifest = {"seed": SEED, "formats": QUANT_FORMATS, "cases": [], "abortingCases": {}}
    inputs, importances = [], []
    input_offset = importance_offset = 0
    for name, row_length, data, importance in cases:
        manifest["cases"].append({
            "name": name, "rowLength": row_length, "rows": data.size // row_length,
            "inputOffset": input_offset, "importanceOffset": importance_offset,
        })
        inputs.append(data)
        importances.append(importance)
        input_offset += data.size
        importance_offset += importance.size
    all_inputs = np.concatenate(inputs).astype("<f4")
    all_inputs.tofile(os.path.join(args.out, "inputs.f32"))
    np.concatenate(importances).astype("<f4").tofile(os.path.join(args.out, "importance.f32"))

    mismatches = []
    with tempfile.TemporaryDirectory() as workdir:
        for fmt in QUANT_FORMATS:
            plain, weighted, dequant = [], [], []
            for name, row_length, data, importance in cases:
                q = run_driver(args.driver, fmt, row_length, data, None, workdir)
                qi = run_driver(args.driver, fmt, row_length, data, importance, workdir)
                block_elements, block_bytes = gguf.GGML_QUANT_SIZES[GGUF_TYPES[fmt]]
                zeros = np.zeros(data.size // block_elements * block_bytes, dtype=np.uint8)
                if q is None:
                    manifest["abortingCases"].setdefault(fmt, []).append(name)
                    q = zeros
                if qi is None:
                    manifest["abortingCases"].setdefault(f"{fmt}-imatrix", []).append(name)
                    qi = zeros
                plain.append(q)
                weighted.append(qi)
                dequant.append(gguf.quants.dequantize(q, GGUF_TYPES[fmt]).astype("<f4"))
                if fmt in NUMPY_QUANTIZERS:
                    with np.errstate(all="ignore"):
                        ref = gguf.quants.quantize(data.reshape(-1, row_length), NUMPY_QUANTIZERS[fmt]).reshape(-1)
                    if not np.array_equal(ref, q):
                        mismatches.append(f"{fmt}/{name}")
            np.concatenate(plain).tofile(os.path.join(args.out, f"{fmt}.bin"))
            np.concatenate(weighted).tofile(os.path.join(args.out, f"{fmt}-imatrix.bin"))
            np.concatenate(dequant).tofile(os.path.join(args.out, f"{fmt}-dequant.f32"))

    with np.errstate(all="ignore"):
        all_inputs.astype("<f2").tofile(os.path.join(args.out, "f16.bin"))
        gguf.quants.quantize(all_inputs, QT.BF16).tofile(os.path.join(args.out, "bf16.bin"))
        patterns = half_patterns(rng)
        patterns.astype("<u4").tofile(os.path.join(args.out, "float-patterns.u32"))
        pattern_floats = patterns.view(np.float32)
        pattern_floats.astype("<f2").tofile(os.path.join(args.out, "float-patterns-f16.u16"))
        gguf.quants.quantize(pattern_floats, QT.BF16).tofile(os.path.join(args.out, "float-patterns-bf16.u16"))

    manifest["numpyQuantizerMismatches"] = mismatches
    with open(os.path.join(args.out, "manifest.json"), "w") as f:
        json.dump(manifest, f, indent=1)
        f.write("\n")
    if mismatches:
        print("note: gguf-py numpy quantizer differs from ggml's C quantizer for: " + ", ".join(mismatches),
              file=sys.stderr)


if __name__ == "__main__":
    main()
