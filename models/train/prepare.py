#!/usr/bin/env python3
"""Train the WordPiece vocabulary and encode the corpus into token ids.

Reads data/corpus.jsonl (from build_corpus.py), writes models/tiny-bert/tokenizer.json and
data/encoded.pt: {"train": [doc, ...], "heldout": [doc, ...]}, each doc {"kind", "units": [int16 ids]}.
Held-out documents (every 50th per kind, by a fixed hash) are never trained on.
"""
import hashlib
import json
import os
import random
import sys

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import wordpiece  # noqa: E402

ROOT = os.path.dirname(os.path.abspath(__file__))
DATA = os.path.join(ROOT, "data")
OUT = os.path.join(os.path.dirname(ROOT), "tiny-bert")


def heldout(src):
    return int(hashlib.md5(src.encode()).hexdigest(), 16) % 50 == 0


def main(vocab_size=8192):
    docs = [json.loads(l) for l in open(os.path.join(DATA, "corpus.jsonl"), encoding="utf-8")]
    tok_path = os.path.join(OUT, "tokenizer.json")
    if not os.path.exists(tok_path):
        random.seed(0)
        sample = [u for d in docs if not heldout(d["src"]) for u in d["units"]]
        random.shuffle(sample)
        vocab = wordpiece.train(sample[:1_500_000], vocab_size=vocab_size)
        os.makedirs(OUT, exist_ok=True)
        wordpiece.save(vocab, tok_path)
        print(f"vocabulary: {len(vocab)} tokens -> {tok_path}")
    tok = wordpiece.load(tok_path)
    out = {"train": [], "heldout": []}
    n_tok = {"train": 0, "heldout": 0}
    unk = 0
    for d in docs:
        units = [np.asarray(tok.encode(u), dtype=np.int16) for u in d["units"]]
        units = [u for u in units if len(u)]
        if len(units) < 2:
            continue
        split = "heldout" if heldout(d["src"]) else "train"
        out[split].append({"kind": d["kind"], "src": d["src"], "units": units})
        n = sum(len(u) for u in units)
        n_tok[split] += n
        unk += sum(int((u == tok.unk).sum()) for u in units)
    torch.save(out, os.path.join(DATA, "encoded.pt"))
    print(f"train {len(out['train'])} docs {n_tok['train'] / 1e6:.1f}M tokens; "
          f"heldout {len(out['heldout'])} docs {n_tok['heldout'] / 1e6:.2f}M tokens; "
          f"[UNK] rate {unk / max(1, sum(n_tok.values())):.4f}")


if __name__ == "__main__":
    main()
