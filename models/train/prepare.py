#!/usr/bin/env python3
"""Train the WordPiece vocabulary and encode the corpus into token ids.

Reads data/corpus.jsonl (from build_corpus.py), writes models/tiny-bert/tokenizer.json and
data/encoded.pt: {"train": [doc, ...], "heldout": [doc, ...]}, each doc {"kind", "units": [int16 ids]}.
Held-out documents (every 50th per kind, by a fixed hash) are never trained on.
"""
import argparse
import hashlib
import json
import os
import random
import sys

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import encoded_data  # noqa: E402
import wordpiece  # noqa: E402

ROOT = os.path.dirname(os.path.abspath(__file__))
DATA = os.path.join(ROOT, "data")
OUT = os.path.join(os.path.dirname(ROOT), "tiny-bert")


def heldout(src):
    return int(hashlib.md5(src.encode()).hexdigest(), 16) % 50 == 0


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--vocab-size", type=int, default=20480)
    ap.add_argument("--tokenizer", default=os.path.join(OUT, "tokenizer.json"),
                    help="where the vocabulary is written (and read from when it exists already)")
    args = ap.parse_args()
    docs = [json.loads(l) for l in open(os.path.join(DATA, "corpus.jsonl"), encoding="utf-8")]
    tok_path = args.tokenizer
    if not os.path.exists(tok_path):
        random.seed(0)
        # the vocabulary learns from the mix training sees (each unit kept with its group's weight), with
        # everyday English counted three times over: cased, it must hold "Mother" and "Yesterday" as well as
        # "mother" and "yesterday", and API names would otherwise crowd out the words of a kitchen or a bus
        boost = {"everyday-en": 3.0}
        w = {id(d): d.get("weight", 1.0) * boost.get(d.get("group"), 1.0) for d in docs}
        top = max(w.values())
        sample = [u for d in docs if not heldout(d["src"]) for u in d["units"] if random.random() < w[id(d)] / top]
        random.shuffle(sample)
        # every GB 2312 level-1 character is in: the common characters of everyday Chinese (妈, 她, 猫…)
        vocab = wordpiece.train(sample[:1_500_000], vocab_size=args.vocab_size, cjk_chars=4500,
                                required_cjk=wordpiece.gb2312_level1())
        os.makedirs(os.path.dirname(tok_path), exist_ok=True)
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
        out[split].append({"kind": d["kind"], "group": d.get("group", d["kind"]), "weight": d.get("weight", 1.0),
                           "src": d["src"], "units": units})
        n = sum(len(u) for u in units)
        n_tok[split] += n
        unk += sum(int((u == tok.unk).sum()) for u in units)
    torch.save(out, os.path.join(DATA, "encoded.pt"))
    encoded_data.pack(out, os.path.join(DATA, "encoded.npz"))
    print(f"train {len(out['train'])} docs {n_tok['train'] / 1e6:.1f}M tokens; "
          f"heldout {len(out['heldout'])} docs {n_tok['heldout'] / 1e6:.2f}M tokens; "
          f"[UNK] rate {unk / max(1, sum(n_tok.values())):.4f}")


if __name__ == "__main__":
    main()
