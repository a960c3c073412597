#!/usr/bin/env python3
"""Builds the tokenizer golden files in scripts/tokenizer-goldens/ (read by Tests/TokenizersTests).

Two tiny tokenizers are trained here on text written for this project (so they can be
committed), written as vocabulary-only GGUF files, and run through llama.cpp's own
tokenizer (libllama, via scripts/llama-tokenize-ref.c) on the tricky strings below:

  tiny-bpe.json   byte-level BPE (HF `tokenizers`), ~600 tokens, with control tokens
                  <|endoftext|> <|im_start|> <|im_end|> and a USER_DEFINED token <tool>
  tiny-spm.json   SentencePiece BPE with byte fallback (`sentencepiece`), 400 pieces
                  (both hold GGUF tokenizer keys; .gguf files are git-ignored)
  llama-cpp-ids.json  the ids llama.cpp gives for every (tokenizer, pre-tokenizer,
                  add_special, parse_special, text) case

When the SmolLM2 fixture and the shared stories260K model are present, the same strings
are also run on their tokenizers (cases with model "smollm2" / "stories260K"); the test
suite skips those when the files are missing.

Usage: scripts/make-tokenizer-goldens.py [--tool PATH] [--smollm2-gguf PATH] [--stories DIR]
Needs: numpy, gguf==0.19.0, tokenizers, sentencepiece, and the tool from
scripts/build-llama-tokenize-ref.sh.
"""
import argparse
import json
import os
import subprocess
import tempfile

import sentencepiece as spm
from gguf import GGUFReader, GGUFValueType, GGUFWriter
from tokenizers import Tokenizer, decoders, models, pre_tokenizers, trainers

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "tokenizer-goldens")
FIXTURES = os.environ.get("GGUFKIT_FIXTURES", os.path.expanduser("~/.cache/ggufkit-fixtures"))

# Training text, written for this project.
CORPUS = """\
The lighthouse keeper counted 1,024 ships in 2019 and 3,117 in 2023; she wrote each one down.
Don't ask me why the kettle sings at 7:45 every morning. I'll tell you anyway: it's the pipes.
We're leaving at noon, they've said, and you'd better pack the maps, the rope and the lamp.
Café owners in the old town serve crêpes, naïve tourists order three, and nobody minds.
Numbers like 3.14159, 2.71828 and 1.5e10 show up in notebooks next to $42.50 receipts.
"Quotes", (parentheses), [brackets] and {braces} all live on the same line -- with dashes.
東京の駅で電車を待つ。日本語のテキストも少しだけ入れておく。
Emoji travel too: 🦙 walks past 👍🏽 and 😀 waves back at the 🌍.
	Tabs start this line, and
   three spaces start this one; two  spaces sit  between words here.
Line breaks\r\nin Windows style, and a lone carriage return\rtoo.
SHOUTING WORDS, MixedCase Words, snake_case_words and camelCaseWords mix freely.
The river bends twice before the mill, then runs straight to the sea for 12 miles.
Children played by the water until the light went gold and the bells rang six times.
Ελληνικά γράμματα και кириллица встречаются в этом тексте тоже.
She said: 'hello', he said 'HELLO', and the parrot said 'Hello!' back to both of them.
"""

# Strings the goldens cover (the brief's list plus edge cases of the pre-tokenizers).
TRICKY = [
    "Hello world",
    "12345 1.5e10",
    "🦙👍🏽",
    "日本語のテキスト",
    "   hello  world",
    "\ttabs\tand\nnewlines\n\n  \n",
    "line one\r\nline two\rthree",
    "café naïve",
    "don't I'll we're THEY'RE it'S you'D",
    "<|im_start|>user\nHi there<|im_end|>",
    "<s>hi</s> <unk>",
    "a <tool> b<tool>c",
    "$100+200=<300>^~|`",
    "...!!?? --- ((( )))",
    "x  \t y",
    "a\u00a0b\u2003c\u3000d",
    "١٢٣ ²³ Ⅻ 1234567",
    "e\u0301 é",
    "\u200bzero\u200dwidth",
    "  leading",
    "trailing   ",
    "' '' ''' a'b",
    "",
    " ",
    "\n",
]

PRE_TOKENIZERS = ["gpt-2", "llama-bpe", "qwen2", "smollm", "default", "smaug-bpe", "starcoder", "falcon"]


def train_bpe(corpus_path):
    """Tokenizer keys of a byte-level BPE trained on the corpus, plus a USER_DEFINED <tool>."""
    tokenizer = Tokenizer(models.BPE())
    tokenizer.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    tokenizer.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(vocab_size=600, special_tokens=["<|endoftext|>", "<|im_start|>", "<|im_end|>"],
                                  initial_alphabet=pre_tokenizers.ByteLevel.alphabet(), show_progress=False)
    tokenizer.train([corpus_path], trainer)
    data = json.loads(tokenizer.to_str())
    vocab = data["model"]["vocab"]
    merges = [m if isinstance(m, str) else " ".join(m) for m in data["model"]["merges"]]
    tokens = [None] * len(vocab)
    for text, index in vocab.items():
        tokens[index] = text
    types = [3 if t in ("<|endoftext|>", "<|im_start|>", "<|im_end|>") else 1 for t in tokens]
    tokens.append("<tool>")
    types.append(4)
    return {
        "tokenizer.ggml.model": "gpt2",
        "tokenizer.ggml.pre": "gpt-2",
        "tokenizer.ggml.tokens": tokens,
        "tokenizer.ggml.token_type": types,
        "tokenizer.ggml.merges": merges,
        "tokenizer.ggml.bos_token_id": tokens.index("<|endoftext|>"),
        "tokenizer.ggml.eos_token_id": tokens.index("<|im_end|>"),
        "tokenizer.ggml.add_bos_token": False,
    }


def sentencepiece_keys(model_file, user_defined=()):
    """Tokenizer keys for a tokenizer.model, typed as llama.cpp's converter types them."""
    processor = spm.SentencePieceProcessor(model_file=model_file)
    tokens, scores, types = [], [], []
    for i in range(processor.vocab_size()):
        kind = 1
        if processor.is_unknown(i):
            kind = 2
        elif processor.is_control(i):
            kind = 3
        elif processor.is_unused(i):
            kind = 5
        elif processor.is_byte(i):
            kind = 6
        elif processor.id_to_piece(i) in user_defined:
            kind = 4
        tokens.append(processor.id_to_piece(i))
        scores.append(processor.get_score(i))
        types.append(kind)
    return {
        "tokenizer.ggml.model": "llama",
        "tokenizer.ggml.pre": "default",
        "tokenizer.ggml.tokens": tokens,
        "tokenizer.ggml.scores": scores,
        "tokenizer.ggml.token_type": types,
        "tokenizer.ggml.bos_token_id": 1,
        "tokenizer.ggml.eos_token_id": 2,
        "tokenizer.ggml.unknown_token_id": 0,
        "tokenizer.ggml.add_bos_token": True,
        "tokenizer.ggml.add_eos_token": False,
    }


def train_spm(corpus_path, prefix):
    spm.SentencePieceTrainer.train(input=corpus_path, model_prefix=prefix, model_type="bpe", vocab_size=400,
                                   byte_fallback=True, character_coverage=1.0, user_defined_symbols=["<tool>"],
                                   minloglevel=2)
    return sentencepiece_keys(prefix + ".model", user_defined=("<tool>",))


def with_overrides(keys, overrides):
    """`keys` changed the way the Swift test changes its metadata: None removes a key."""
    result = dict(keys)
    for name, value in overrides.items():
        if value is None:
            result.pop(name, None)
        else:
            result[name] = value
    return result


def write_gguf(path, keys):
    """A vocabulary-only GGUF (llama.cpp loads these with vocab_only)."""
    arrays = {"tokenizer.ggml.tokens": GGUFValueType.STRING, "tokenizer.ggml.merges": GGUFValueType.STRING,
              "tokenizer.ggml.token_type": GGUFValueType.INT32, "tokenizer.ggml.scores": GGUFValueType.FLOAT32}
    writer = GGUFWriter(path, "llama")
    for name, value in keys.items():
        if name in arrays:
            writer.add_key_value(name, value, GGUFValueType.ARRAY, sub_type=arrays[name])
        elif isinstance(value, bool):
            writer.add_key_value(name, value, GGUFValueType.BOOL)
        elif isinstance(value, int):
            writer.add_key_value(name, value, GGUFValueType.UINT32)
        else:
            writer.add_key_value(name, value, GGUFValueType.STRING)
    writer.write_header_to_file()
    writer.write_kv_data_to_file()
    writer.write_tensors_to_file()
    writer.close()


def tokenizer_keys_of(gguf_path):
    """The tokenizer.* keys of an existing GGUF, as a dictionary for write_gguf."""
    keys = {}
    for field in GGUFReader(gguf_path).fields.values():
        if field.name.startswith("tokenizer.ggml."):
            keys[field.name] = field.contents()
    return keys


def run_llama(tool, model, requests):
    payload = b""
    for add, parse, text in requests:
        data = text.encode()
        payload += f"{int(add)} {int(parse)} {len(data)}\n".encode() + data
    result = subprocess.run([tool, model], input=payload, capture_output=True, check=True)
    lines = result.stdout.decode().split("\n")
    return [[int(x) for x in line.split()] for line in lines[: len(requests)]]


def cases_for(tool, work, keys, model_name, overrides):
    path = os.path.join(work, "variant.gguf")
    write_gguf(path, with_overrides(keys, overrides))
    # llama.cpp's defaults, and the other way round (BOS/EOS left out, special text parsed).
    requests = [(add, parse, text) for text in TRICKY for add, parse in ((True, False), (False, True))]
    ids = run_llama(tool, path, requests)
    return [{"model": model_name, "overrides": overrides, "add_special": add, "parse_special": parse,
             "text": text, "ids": result} for (add, parse, text), result in zip(requests, ids)]


def save_keys(name, keys):
    with open(os.path.join(OUT, name), "w") as f:
        json.dump(keys, f, ensure_ascii=False, indent=1)
        f.write("\n")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--tool", default=os.path.join(FIXTURES, "tokenize-ref", "ggufkit-llama-tokenize"))
    parser.add_argument("--smollm2-gguf", default=os.path.join(FIXTURES, "smollm2-original-q4_1.gguf"))
    parser.add_argument("--stories", default=os.path.join(HERE, "..", "..", "shared", "models", "stories260K"))
    args = parser.parse_args()
    os.makedirs(OUT, exist_ok=True)
    cases = []
    with tempfile.TemporaryDirectory() as work:
        corpus = os.path.join(work, "corpus.txt")
        with open(corpus, "w") as f:
            f.write(CORPUS)

        bpe = train_bpe(corpus)
        save_keys("tiny-bpe.json", bpe)
        variants = [{"tokenizer.ggml.pre": pre} for pre in PRE_TOKENIZERS]
        # Llama 3 names default add_bos_token to true; and BOS and EOS both on.
        variants.append({"tokenizer.ggml.pre": "llama-bpe", "tokenizer.ggml.add_bos_token": None})
        variants.append({"tokenizer.ggml.add_bos_token": True, "tokenizer.ggml.add_eos_token": True})
        for overrides in variants:
            cases += cases_for(args.tool, work, bpe, "tiny-bpe", overrides)

        sentencepiece = train_spm(corpus, os.path.join(work, "spm"))
        save_keys("tiny-spm.json", sentencepiece)
        for overrides in [{}, {"tokenizer.ggml.add_space_prefix": False}, {"tokenizer.ggml.add_eos_token": True}]:
            cases += cases_for(args.tool, work, sentencepiece, "tiny-spm", overrides)

        if os.path.exists(args.smollm2_gguf):
            smollm2 = tokenizer_keys_of(args.smollm2_gguf)
            for pre in ["smollm", "llama-bpe"]:
                cases += cases_for(args.tool, work, smollm2, "smollm2", {"tokenizer.ggml.pre": pre})
        stories_model = os.path.join(args.stories, "tokenizer.model")
        if os.path.exists(stories_model):
            cases += cases_for(args.tool, work, sentencepiece_keys(stories_model), "stories260K", {})

    with open(os.path.join(OUT, "llama-cpp-ids.json"), "w") as f:
        # One case per line keeps diffs of regenerated goldens readable.
        f.write('{"generator": "scripts/make-tokenizer-goldens.py",\n')
        f.write(' "reference": "llama.cpp libllama (llama-cpp-python 0.3.36 source) via scripts/llama-tokenize-ref.c",\n')
        f.write(' "cases": [\n')
        f.write(",\n".join(json.dumps(case, ensure_ascii=False, separators=(",", ":")) for case in cases))
        f.write("\n]}\n")
    print(f"{len(cases)} cases written to {os.path.normpath(OUT)}")


if __name__ == "__main__":
    main()
