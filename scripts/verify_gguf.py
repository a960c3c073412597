#!/usr/bin/env python3
"""Independent check of a ggufkit output against its Hugging Face source folder.

Reads the GGUF with the `gguf` package and the safetensors shards with plain numpy, then checks:
- every source weight appears under its llama.cpp name, with llama.cpp's Q/K row permutation for `llama`;
- F32/F16/BF16 tensors equal the source converted the way llama.cpp's converter does
  (numpy astype(float16) of the F32 value, round-to-nearest-even BF16);
- quantized tensors dequantize to within the format's error bound of the source;
- tokenizer metadata matches tokenizer.json / tokenizer.model (via `sentencepiece` when present).

Usage: verify_gguf.py HF_DIR FILE.gguf   (exit 0 when every check passes; one line per failure)
"""
import json
import os
import struct
import sys

import numpy as np
from gguf import GGUFReader
from gguf.quants import dequantize

GLOBAL = {"model.embed_tokens.weight": "token_embd.weight", "model.norm.weight": "output_norm.weight",
          "lm_head.weight": "output.weight"}
LAYER = {"input_layernorm.weight": "attn_norm.weight", "self_attn.q_proj.weight": "attn_q.weight",
         "self_attn.k_proj.weight": "attn_k.weight", "self_attn.v_proj.weight": "attn_v.weight",
         "self_attn.o_proj.weight": "attn_output.weight", "self_attn.q_proj.bias": "attn_q.bias",
         "self_attn.k_proj.bias": "attn_k.bias", "self_attn.v_proj.bias": "attn_v.bias",
         "self_attn.q_norm.weight": "attn_q_norm.weight", "self_attn.k_norm.weight": "attn_k_norm.weight",
         "post_attention_layernorm.weight": "ffn_norm.weight", "mlp.gate_proj.weight": "ffn_gate.weight",
         "mlp.up_proj.weight": "ffn_up.weight", "mlp.down_proj.weight": "ffn_down.weight"}


def read_safetensors(path):
    with open(path, "rb") as fh:
        n = struct.unpack("<Q", fh.read(8))[0]
        header = json.loads(fh.read(n))
        base = 8 + n
        data = np.memmap(path, dtype=np.uint8, mode="r")
    out = {}
    for name, entry in header.items():
        if name == "__metadata__":
            continue
        b, e = entry["data_offsets"]
        raw = data[base + b: base + e]
        shape = entry["shape"]
        dt = entry["dtype"]
        if dt == "F32":
            a = raw.view(np.float32)
        elif dt == "F16":
            a = raw.view(np.float16).astype(np.float32)
        elif dt == "BF16":
            a = (raw.view(np.uint16).astype(np.uint32) << 16).view(np.float32)
        else:
            continue
        out[name] = a.reshape(shape)
    return out


def load_source(hf_dir):
    index = os.path.join(hf_dir, "model.safetensors.index.json")
    files = sorted(set(json.load(open(index))["weight_map"].values())) if os.path.exists(index) else ["model.safetensors"]
    tensors = {}
    for f in files:
        tensors.update(read_safetensors(os.path.join(hf_dir, f)))
    return tensors


def permute(w, heads):
    return w.reshape(heads, 2, w.shape[0] // heads // 2, *w.shape[1:]).swapaxes(1, 2).reshape(w.shape)


def to_bf16_bits(a):
    u = np.ascontiguousarray(a, dtype=np.float32).view(np.uint32).astype(np.uint64)
    return ((u + 0x7FFF + ((u >> 16) & 1)) >> 16).astype(np.uint16)


def main():
    hf_dir, gguf_path = sys.argv[1], sys.argv[2]
    cfg = json.load(open(os.path.join(hf_dir, "config.json")))
    reader = GGUFReader(gguf_path)
    fields = {k: f.contents() for k, f in reader.fields.items() if not k.startswith("GGUF.")}
    arch = fields["general.architecture"]
    heads, kv_heads = cfg["num_attention_heads"], cfg.get("num_key_value_heads", cfg["num_attention_heads"])
    tensors = {t.name: t for t in reader.tensors}
    source = load_source(hf_dir)
    failures = []
    checked = 0
    for name, value in source.items():
        if name in GLOBAL:
            gname = GLOBAL[name]
        else:
            parts = name.split(".", 3)
            if len(parts) < 4 or parts[3] not in LAYER:
                continue
            gname = f"blk.{parts[2]}.{LAYER[parts[3]]}"
        if gname == "output.weight" and gname not in tensors:
            continue  # tied embeddings
        if gname not in tensors:
            failures.append(f"{gname}: missing (source {name})")
            continue
        t = tensors[gname]
        want = np.asarray(value, dtype=np.float32)
        if arch == "llama" and ".q_proj." in name:
            want = permute(want, heads)
        elif arch == "llama" and ".k_proj." in name:
            want = permute(want, kv_heads)
        shape = tuple(int(x) for x in reversed(list(t.shape)))
        if shape != want.shape:
            failures.append(f"{gname}: shape {shape}, source {want.shape}")
            continue
        kind = t.tensor_type.name
        raw = np.asarray(t.data)
        if kind == "F32":
            ok = np.array_equal(raw.view(np.uint32).reshape(-1), want.view(np.uint32).reshape(-1))
        elif kind == "F16":
            ok = np.array_equal(raw.view(np.uint16).reshape(-1), want.astype(np.float16).view(np.uint16).reshape(-1))
        elif kind == "BF16":
            ok = np.array_equal(raw.view(np.uint16).reshape(-1), to_bf16_bits(want).reshape(-1))
        else:
            got = dequantize(t.data, t.tensor_type).reshape(want.shape)
            scale = float(np.abs(want).max()) or 1.0
            err = float(np.sqrt(np.mean((got - want) ** 2))) / scale
            ok = err < 0.2
        if not ok:
            failures.append(f"{gname}: data differs from source {name} ({kind})")
        checked += 1

    # Tokenizer metadata
    tokens = fields.get("tokenizer.ggml.tokens")
    model = fields.get("tokenizer.ggml.model")
    if os.path.exists(os.path.join(hf_dir, "tokenizer.model")) and model == "llama":
        try:
            import sentencepiece as spm
            sp = spm.SentencePieceProcessor(model_file=os.path.join(hf_dir, "tokenizer.model"))
            want_tokens = [sp.id_to_piece(i) for i in range(sp.get_piece_size())]
            want_scores = [sp.get_score(i) for i in range(sp.get_piece_size())]
            if list(tokens[:len(want_tokens)]) != want_tokens:
                failures.append("tokenizer.ggml.tokens differ from tokenizer.model")
            scores = fields["tokenizer.ggml.scores"]
            if not np.allclose(np.asarray(scores[:len(want_scores)], dtype=np.float32), np.asarray(want_scores, dtype=np.float32)):
                failures.append("tokenizer.ggml.scores differ from tokenizer.model")
        except ImportError:
            print("note: sentencepiece not installed; SentencePiece vocabulary not compared")
    elif model == "gpt2":
        tj = json.load(open(os.path.join(hf_dir, "tokenizer.json"), encoding="utf-8"))
        vocab = dict(tj["model"]["vocab"])
        for added in tj.get("added_tokens", []):
            vocab[added["content"]] = added["id"]
        for tok, i in vocab.items():
            if i >= len(tokens) or tokens[i] != tok:
                failures.append(f"tokenizer.ggml.tokens[{i}] != {tok!r}")
                break
        merges = [m if isinstance(m, str) else " ".join(m) for m in tj["model"]["merges"]]
        if list(fields["tokenizer.ggml.merges"]) != merges:
            failures.append("tokenizer.ggml.merges differ from tokenizer.json")
    else:
        failures.append(f"unexpected tokenizer.ggml.model {model!r}")
    if "tokenizer.ggml.eos_token_id" not in fields:
        failures.append("tokenizer.ggml.eos_token_id missing")

    for f in failures:
        print("FAIL", f)
    print(f"checked {checked} tensors, {len(tokens) if tokens is not None else 0} tokens: "
          + ("ok" if not failures else f"{len(failures)} failures"))
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
