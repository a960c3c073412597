#!/usr/bin/env python3
"""Reference forward pass for Llama-family Hugging Face checkpoints, in plain numpy.

Written to be read, not to be fast: it is the yardstick the Swift inference engine
(Sources/Inference) is tested against. It loads `config.json` and the safetensors weights of a
folder (F32, F16 or BF16; single file or shards), runs the decoder in float32 with half-split
("NeoX", Hugging Face `rotate_half`) RoPE on the unpermuted Q/K weights, and prints logits.

Supported: LlamaForCausalLM / MistralForCausalLM, Qwen2ForCausalLM (Q/K/V biases),
Qwen3ForCausalLM (per-head Q/K RMSNorm), GQA, tied embeddings, linear RoPE scaling.

Examples:
    # logits of every position as JSON: {"tokens": [...], "logits": [[...], ...]}
    python3 scripts/reference_forward.py ../shared/models/stories260K --tokens 1,403,407
    # the same saved as a float32 .npy of shape [tokens, vocab]
    python3 scripts/reference_forward.py MODEL --tokens 1,403 --out logits.npy
    # greedy continuation: prints {"tokens": [...prompt..., ...generated...]}
    python3 scripts/reference_forward.py MODEL --tokens 1,403 --generate 20
"""

import argparse
import json
import os
import struct
import sys

import numpy as np


# ---------------------------------------------------------------- weights

def read_safetensors(path):
    """All tensors of one safetensors file as float32 numpy arrays."""
    with open(path, "rb") as f:
        header_size = struct.unpack("<Q", f.read(8))[0]
        header = json.loads(f.read(header_size))
        data = f.read()
    tensors = {}
    for name, entry in header.items():
        if name == "__metadata__":
            continue
        start, end = entry["data_offsets"]
        raw = data[start:end]
        dtype = entry["dtype"]
        if dtype == "F32":
            values = np.frombuffer(raw, dtype="<f4")
        elif dtype == "F16":
            values = np.frombuffer(raw, dtype="<f2").astype(np.float32)
        elif dtype == "BF16":
            # bfloat16 is the top half of a float32.
            values = (np.frombuffer(raw, dtype="<u2").astype(np.uint32) << 16).view(np.float32)
        else:
            raise ValueError(f"{path}: tensor {name} has unsupported dtype {dtype}")
        tensors[name] = values.reshape(entry["shape"]).astype(np.float32)
    return tensors


def load_weights(folder):
    single = os.path.join(folder, "model.safetensors")
    if os.path.exists(single):
        return read_safetensors(single)
    tensors = {}
    for name in sorted(os.listdir(folder)):
        if name.endswith(".safetensors"):
            tensors.update(read_safetensors(os.path.join(folder, name)))
    return tensors


# ---------------------------------------------------------------- model

class Model:
    def __init__(self, folder):
        with open(os.path.join(folder, "config.json")) as f:
            self.config = config = json.load(f)
        self.w = load_weights(folder)
        self.layers = config["num_hidden_layers"]
        self.heads = config["num_attention_heads"]
        self.kv_heads = config.get("num_key_value_heads") or self.heads
        self.head_dim = config.get("head_dim") or config["hidden_size"] // self.heads
        self.eps = np.float32(config.get("rms_norm_eps", 1e-6))
        base = config.get("rope_theta", 10000.0)
        # inverse frequencies of the rotated pairs, as Hugging Face computes them
        self.inv_freq = 1.0 / (base ** (np.arange(0, self.head_dim, 2, dtype=np.float64) / self.head_dim))
        scaling = config.get("rope_scaling") or {}
        kind = scaling.get("rope_type", scaling.get("type"))
        if kind == "linear":
            self.inv_freq = self.inv_freq / scaling["factor"]
        elif kind not in (None, "default"):
            raise ValueError(f"rope scaling {kind} is not implemented in the reference")
        embed = self.w["model.embed_tokens.weight"]
        self.head = self.w.get("lm_head.weight", embed)

    def rms_norm(self, x, weight):
        mean = np.mean(x * x, axis=-1, keepdims=True, dtype=np.float32)
        return (x / np.sqrt(mean + self.eps)) * weight

    def rope(self, x, positions):
        """x: [tokens, heads, head_dim]; rotates (x[i], x[i + d/2]) by position * inv_freq[i]."""
        angles = positions[:, None].astype(np.float64) * self.inv_freq[None, :]
        cos = np.cos(angles).astype(np.float32)[:, None, :]
        sin = np.sin(angles).astype(np.float32)[:, None, :]
        half = self.head_dim // 2
        first, second = x[..., :half], x[..., half:]
        return np.concatenate([first * cos - second * sin, first * sin + second * cos], axis=-1)

    def linear(self, x, name):
        y = x @ self.w[name + ".weight"].T
        bias = self.w.get(name + ".bias")
        return y if bias is None else y + bias

    def forward(self, tokens):
        """Logits [len(tokens), vocab] for one sequence starting at position 0."""
        w = self.w
        n = len(tokens)
        positions = np.arange(n)
        x = w["model.embed_tokens.weight"][np.array(tokens)]
        mask = np.triu(np.full((n, n), -np.inf, dtype=np.float32), k=1)
        group = self.heads // self.kv_heads
        for layer in range(self.layers):
            p = f"model.layers.{layer}."
            h = self.rms_norm(x, w[p + "input_layernorm.weight"])
            q = self.linear(h, p + "self_attn.q_proj").reshape(n, self.heads, self.head_dim)
            k = self.linear(h, p + "self_attn.k_proj").reshape(n, self.kv_heads, self.head_dim)
            v = self.linear(h, p + "self_attn.v_proj").reshape(n, self.kv_heads, self.head_dim)
            if p + "self_attn.q_norm.weight" in w:  # qwen3
                q = self.rms_norm(q, w[p + "self_attn.q_norm.weight"])
                k = self.rms_norm(k, w[p + "self_attn.k_norm.weight"])
            q = self.rope(q, positions)
            k = self.rope(k, positions)
            out = np.empty((n, self.heads, self.head_dim), dtype=np.float32)
            for head in range(self.heads):
                kv = head // group
                scores = (q[:, head, :] @ k[:, kv, :].T) / np.float32(np.sqrt(self.head_dim)) + mask
                scores = np.exp(scores - scores.max(axis=-1, keepdims=True))
                scores /= scores.sum(axis=-1, keepdims=True)
                out[:, head, :] = scores @ v[:, kv, :]
            x = x + self.linear(out.reshape(n, -1), p + "self_attn.o_proj")
            h = self.rms_norm(x, w[p + "post_attention_layernorm.weight"])
            gate = self.linear(h, p + "mlp.gate_proj")
            up = self.linear(h, p + "mlp.up_proj")
            silu = gate / (np.float32(1) + np.exp(-gate))
            x = x + self.linear(silu * up, p + "mlp.down_proj")
        x = self.rms_norm(x, w["model.norm.weight"])
        return (x @ self.head.T).astype(np.float32)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("model", help="Hugging Face folder with config.json and *.safetensors")
    parser.add_argument("--tokens", required=True, help="comma-separated token ids")
    parser.add_argument("--out", help="save logits as .npy here instead of printing JSON")
    parser.add_argument("--generate", type=int, default=0,
                        help="greedily append this many tokens and print the token ids")
    args = parser.parse_args()

    model = Model(args.model)
    tokens = [int(t) for t in args.tokens.split(",") if t.strip()]
    if args.generate > 0:
        for _ in range(args.generate):
            tokens.append(int(np.argmax(model.forward(tokens)[-1])))
        json.dump({"tokens": tokens}, sys.stdout)
        print()
        return
    logits = model.forward(tokens)
    if args.out:
        np.save(args.out, logits)
    else:
        json.dump({"tokens": tokens, "logits": logits.tolist()}, sys.stdout)
        print()


if __name__ == "__main__":
    main()
