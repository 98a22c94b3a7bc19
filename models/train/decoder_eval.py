#!/usr/bin/env python3
"""The decoder's figures for its model card, on text it never trained on.

  perplexity  next-token perplexity of the decoder on held-out documents (by kind) and on the everyday
              English and Chinese eval texts, against an interpolated bigram model estimated on the same
              training tokens: p(w | v) = lam * c(v, w) / c(v) + (1 - lam) * p_unigram(w), with lam chosen on a
              slice of the training text held back from the counts (so the baseline is as good as it can be)
  heads       the best previous-token head and the induction score (train_decoder.head_scores), and their
              curve over training from the checkpoint's log

Usage: /usr/bin/python3 models/train/decoder_eval.py --run decoder [--json OUT]
"""
import argparse
import json
import math
import os
import random
import sys

import numpy as np
import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import encoded_data  # noqa: E402
import train_decoder as D  # noqa: E402
import wordpiece  # noqa: E402
from decoder import TinyGpt  # noqa: E402
from model import Config  # noqa: E402

ROOT = os.path.dirname(os.path.abspath(__file__))


def streams(docs):
    """Each document as one [CLS]-prefixed token stream, as training reads them."""
    return [np.concatenate([[D.CLS]] + [u.astype(np.int64) for u in d["units"]]) for d in docs]


def bigram(train_docs, vocab_size, tune_docs):
    uni = np.zeros(vocab_size)
    pairs = {}
    for s in streams(train_docs):
        np.add.at(uni, s, 1)
        key = s[:-1] * vocab_size + s[1:]
        k, c = np.unique(key, return_counts=True)
        for a, b in zip(k.tolist(), c.tolist()):
            pairs[a] = pairs.get(a, 0) + b
    ctx = np.zeros(vocab_size)
    for key, c in pairs.items():
        ctx[key // vocab_size] += c
    p_uni = (uni + 1) / (uni.sum() + vocab_size)

    def nll(docs, lam):
        total, n = 0.0, 0
        for s in streams(docs):
            for v, w in zip(s[:-1].tolist(), s[1:].tolist()):
                c = pairs.get(v * vocab_size + w, 0)
                p = (lam * c / ctx[v] if ctx[v] else 0.0) + (1 - lam) * p_uni[w]
                total -= math.log(p)
                n += 1
        return total / max(1, n)

    lam = min((0.5, 0.6, 0.7, 0.8, 0.9, 0.95, 0.98), key=lambda l: nll(tune_docs, l))
    return (lambda docs: nll(docs, lam)), lam


def model_nll(model, docs, max_len=128):
    total, n = 0.0, 0
    for s in streams(docs):
        for i in range(0, len(s) - 1, max_len - 1):
            ids = torch.tensor(s[i:i + max_len])[None]
            if ids.shape[1] < 2:
                continue
            with torch.no_grad():
                x, _ = model.decode(ids, torch.ones_like(ids))
                total += float(F.cross_entropy(model.lm_logits(x[0, :-1]), ids[0, 1:], reduction="sum"))
            n += ids.shape[1] - 1
    return total / max(1, n)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--run", default="decoder")
    ap.add_argument("--tokenizer", default=os.path.join(ROOT, "runs", "everyday", "tokenizer.json"))
    ap.add_argument("--json", default=None)
    args = ap.parse_args()
    torch.set_num_threads(1)
    st = torch.load(os.path.join(ROOT, "runs", args.run, "checkpoint.pt"))
    cfg = Config(**st["config"])
    model = TinyGpt(cfg)
    model.load_state_dict(st["model"])
    model.eval()
    tok = wordpiece.load(args.tokenizer)
    data = encoded_data.load()
    rng = random.Random(5)
    train = list(data["train"])
    rng.shuffle(train)
    tune, counted = train[:200], train[200:]
    base, lam = bigram(counted, cfg.vocab_size, tune)
    everyday = {lang: [{"units": [np.array(tok.encode(l)) for l in open(os.path.join(ROOT, "eval", f"everyday.{lang}.txt"),
                                                                      encoding="utf-8").read().splitlines() if l.strip()]}]
                for lang in ("en", "zh")}
    sets = {f"held-out {k}": [d for d in data["heldout"] if d["kind"] == k] for k in ("en", "zh", "code")}
    sets.update({f"everyday {k}": v for k, v in everyday.items()})
    res = {"step": st["step"], "bigram_lambda": lam, "perplexity": {}}
    for name, docs in sets.items():
        m, b = model_nll(model, docs), base(docs)
        res["perplexity"][name] = {"decoder": math.exp(m), "bigram": math.exp(b)}
        print(f"{name}: decoder {math.exp(m):.1f}, bigram {math.exp(b):.1f}")
    held = D.make_batch(D.T.PairSampler([d for d in data["heldout"] if d["kind"] != "code"], random.Random(7)), 32, 128)
    res["prev_head"], res["induction"] = D.head_scores(model, *held, cfg.vocab_size)
    res["curve"] = [{k: e[k] for k in ("step", "prev_head", "induction") if k in e} for e in st["log"] if "induction" in e]
    print(f"best previous-token head {res['prev_head']:.3f}; induction score {res['induction']:.3f}")
    if args.json:
        with open(args.json, "w", encoding="utf-8") as f:
            json.dump(res, f, indent=1)


if __name__ == "__main__":
    main()
