#!/usr/bin/env python3
"""Writes the fuzz targets' seed inputs: one small valid file per shape each parser accepts.

Usage: scripts/make-fuzz-seeds.py [OUT]   (default Fuzz/Seeds; writes OUT/<target>/seed-*)

Everything is built here from scratch (no model files are copied), with the reference
libraries the tests already use: gguf, safetensors, numpy, tokenizers and sentencepiece.
The output is deterministic so that re-running it leaves the committed seeds unchanged.
"""
import io
import json
import os
import struct
import sys
import tempfile

import numpy as np

OUT = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "..", "Fuzz", "Seeds"))
ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")


def put(target, name, data):
    folder = os.path.join(OUT, target)
    os.makedirs(folder, exist_ok=True)
    if isinstance(data, str):
        data = data.encode()
    with open(os.path.join(folder, name), "wb") as f:
        f.write(data)


def safetensors_seeds():
    from safetensors.numpy import save
    put("safetensors-header", "seed-f32", save({"a.weight": np.arange(6, dtype=np.float32).reshape(2, 3)}))
    put("safetensors-header", "seed-mixed", save(
        {"b": np.ones(4, dtype=np.float16), "c": np.zeros((2, 2), dtype=np.int8),
         "d": np.arange(3, dtype=np.int64)}, metadata={"format": "pt"}))
    index = {"metadata": {"total_size": 36},
             "weight_map": {"a.weight": "model-00001-of-00002.safetensors",
                            "b.weight": "model-00001-of-00002.safetensors",
                            "c.weight": "model-00002-of-00002.safetensors"}}
    put("safetensors-index", "seed-index.json", json.dumps(index, indent=2))


def tiny_vocab():
    pieces = ["<unk>", "<s>", "</s>"] + [f"<0x{b:02X}>" for b in range(256)]
    pieces += ["\u2581", "\u2581H", "ello", "\u2581world", "\u2581w", "or", "ld", ",", "1", "2", "3"]
    pieces += [chr(c) for c in range(ord("a"), ord("z") + 1)] + ["H", "W"]
    return pieces


def gguf_bytes(write):
    import gguf
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "x.gguf")
        writer = gguf.GGUFWriter(path, "llama")
        write(writer, gguf)
        writer.write_header_to_file()
        writer.write_kv_data_to_file()
        writer.write_tensors_to_file()
        writer.close()
        return open(path, "rb").read()


def gguf_seeds():
    def spm(writer, gguf):
        writer.add_block_count(1)
        writer.add_context_length(64)
        writer.add_embedding_length(8)
        writer.add_feed_forward_length(16)
        writer.add_head_count(2)
        writer.add_head_count_kv(1)
        writer.add_layer_norm_rms_eps(1e-5)
        pieces = tiny_vocab()
        writer.add_tokenizer_model("llama")
        writer.add_tokenizer_pre("default")
        writer.add_token_list(pieces)
        writer.add_token_scores([float(-i) for i in range(len(pieces))])
        types = [2, 3, 3] + [6] * 256 + [1] * (len(pieces) - 259)
        writer.add_token_types(types)
        writer.add_bos_token_id(1)
        writer.add_eos_token_id(2)
        writer.add_add_bos_token(True)
        writer.add_chat_template("{% for m in messages %}{{ m['content'] }}{% endfor %}")
        writer.add_tensor("token_embd.weight", np.zeros((len(pieces), 8), dtype=np.float32))
        writer.add_tensor("output_norm.weight", np.ones(8, dtype=np.float16))
        q = np.zeros((2, 34), dtype=np.uint8)
        writer.add_tensor("blk.0.attn_q.weight", q, raw_dtype=gguf.GGMLQuantizationType.Q8_0)

    def bpe(writer, gguf):
        writer.add_block_count(1)
        tokens = [chr(c) for c in range(33, 127)] + ["\u0120", "\u0120w", "or", "ld", "\u0120wor", "<|endoftext|>"]
        writer.add_tokenizer_model("gpt2")
        writer.add_tokenizer_pre("smollm")
        writer.add_token_list(tokens)
        writer.add_token_types([1] * (len(tokens) - 1) + [3])
        writer.add_token_merges(["\u0120 w", "o r", "l d", "\u0120w or"])
        writer.add_bos_token_id(len(tokens) - 1)
        writer.add_eos_token_id(len(tokens) - 1)
        writer.add_array("general.tags", ["a", "b"])
        writer.add_uint64("general.size", 7)
        writer.add_bool("general.flag", True)
        writer.add_tensor("output.weight", np.zeros((4, 32), dtype=np.float16))

    put("gguf", "seed-spm.gguf", gguf_bytes(spm))
    put("gguf", "seed-bpe.gguf", gguf_bytes(bpe))

    def imatrix(writer, gguf):
        writer.add_string("general.type", "imatrix")
        writer.add_array("imatrix.datasets", ["calibration.txt"])
        writer.add_uint32("imatrix.chunk_count", 4)
        writer.add_uint32("imatrix.chunk_size", 512)
        writer.add_tensor("blk.0.attn_q.weight.in_sum2", np.linspace(0, 1, 64, dtype=np.float32).reshape(1, 64))
        writer.add_tensor("blk.0.attn_q.weight.counts", np.array([[2048.0]], dtype=np.float32))
        writer.add_tensor("blk.0.ffn_up.weight.in_sum2", np.ones((2, 32), dtype=np.float32))
        writer.add_tensor("blk.0.ffn_up.weight.counts", np.array([[10.0], [12.0]], dtype=np.float32))

    put("imatrix", "seed-imatrix.gguf", gguf_bytes(imatrix))
    legacy = io.BytesIO()
    entries = [("blk.0.attn_k.weight", 7, np.linspace(0, 2, 32, dtype=np.float32)),
               ("output.weight", 3, np.full(16, 0.5, dtype=np.float32))]
    legacy.write(struct.pack("<i", len(entries)))
    for name, calls, values in entries:
        raw = name.encode()
        legacy.write(struct.pack("<i", len(raw)) + raw + struct.pack("<ii", calls, len(values)) + values.tobytes())
    dataset = b"calibration.txt"
    legacy.write(struct.pack("<i", 4) + struct.pack("<i", len(dataset)) + dataset)
    put("imatrix", "seed-legacy.dat", legacy.getvalue())


def tokenizer_json_seeds():
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers
    vocab = {chr(c): i for i, c in enumerate(range(33, 127))}
    for extra in ["\u0120", "\u0120w", "or", "ld", "\u0120wor", "He", "ll"]:
        vocab[extra] = len(vocab)
    merges = [("\u0120", "w"), ("o", "r"), ("l", "d"), ("\u0120w", "or"), ("H", "e"), ("l", "l")]
    bpe = Tokenizer(models.BPE(vocab=vocab, merges=merges))
    bpe.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    bpe.decoder = decoders.ByteLevel()
    bpe.add_special_tokens(["<s>", "</s>"])
    put("tokenizer-json", "seed-bytelevel-bpe.json", bpe.to_str(pretty=True))

    pieces = tiny_vocab()
    spm_vocab = {p: i for i, p in enumerate(pieces)}
    spm = Tokenizer(models.BPE(vocab=spm_vocab, merges=[("\u2581", "H"), ("\u2581", "w"), ("o", "r"), ("l", "d")],
                               unk_token="<unk>", byte_fallback=True, fuse_unk=True))
    spm.add_special_tokens(["<unk>", "<s>", "</s>"])
    put("tokenizer-json", "seed-sentencepiece-bpe.json", spm.to_str(pretty=True))


def sentencepiece_seeds():
    import sentencepiece as sp
    text = open(os.path.join(ROOT, "calibration", "en-alice-in-wonderland.txt"), encoding="utf-8").read()[:20000]
    text = "".join(c for c in text if c.isascii())
    # The trainer records model_prefix in the model, so it is a bare name inside a fixed folder.
    here = os.getcwd()
    with tempfile.TemporaryDirectory() as tmp:
        os.chdir(tmp)
        for kind, size in (("bpe", 400), ("unigram", 100)):
            prefix = kind
            sp.SentencePieceTrainer.train(sentence_iterator=iter(text.splitlines()), model_prefix=prefix,
                                          vocab_size=size, model_type=kind, byte_fallback=(kind == "bpe"),
                                          character_coverage=1.0, num_threads=1, minloglevel=2,
                                          hard_vocab_limit=False, normalization_rule_name="identity")
            put("tokenizer-model", f"seed-{kind}.model", open(prefix + ".model", "rb").read())
        os.chdir(here)


def config_seeds():
    llama = {"architectures": ["LlamaForCausalLM"], "hidden_size": 64, "intermediate_size": 176,
             "num_attention_heads": 4, "num_key_value_heads": 2, "num_hidden_layers": 2, "vocab_size": 300,
             "rms_norm_eps": 1e-5, "rope_theta": 10000.0, "max_position_embeddings": 256,
             "tie_word_embeddings": True, "torch_dtype": "bfloat16",
             "rope_scaling": {"type": "linear", "factor": 2.0}}
    put("config-json", "seed-llama.json", json.dumps(llama, indent=2))
    qwen = dict(llama, architectures=["Qwen2ForCausalLM"], rope_scaling=None, sliding_window=4096,
                use_sliding_window=False)
    put("config-json", "seed-qwen2.json", json.dumps(qwen, indent=2))
    qwen3 = dict(llama, architectures=["Qwen3ForCausalLM"], head_dim=32, rope_scaling=None)
    put("config-json", "seed-qwen3.json", json.dumps(qwen3, indent=2))
    pruned = dict(llama, num_attention_heads_per_layer=[4, 2], num_key_value_heads_per_layer=[2, 1], head_dim=16)
    put("config-json", "seed-pruned-llama.json", json.dumps(pruned, indent=2))


def manifest_seeds():
    put("batch-manifest", "seed-full.yaml", """output_dir: out
name: "{model}.{output}.gguf"
models:
  - path: /models/SmolLM2
    name: smol
  - /models/base.gguf
  - path: /models/other
outputs:
  - type: q8_0
  - type: q4_k_m
    name: q4-imatrix
    imatrix: true
    keep: ["attn_v=q8_0", "ffn_down=q6_k"]
    pure: false
    leave-output-tensor: true
    max-kld: 0.05
  - type: iq4_xs
    prune-heads: 0.25
calibration: {chunks: 8, context: 128}
evaluate: {text: wiki.txt, chunks: 2}
""")
    put("batch-manifest", "seed-small.yaml", "models: [a.gguf]\noutputs: [{type: f16}]\n")


safetensors_seeds()
manifest_seeds()
gguf_seeds()
tokenizer_json_seeds()
sentencepiece_seeds()
config_seeds()
print("seeds written to", os.path.abspath(OUT))
