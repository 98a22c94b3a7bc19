#!/usr/bin/env python3
"""Held-out evaluation: MLM top-1 with BERT's masking and NSP on balanced pairs (fixed seeds), and the unigram
baseline the MLM figure is read against.
"""
import collections
import os
import random
import sys

import numpy as np
import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import train as T  # noqa: E402  (PairSampler, mask_tokens, special ids; main() is not run on import)
from head_stats import BalancedPairs, pad_batch  # noqa: E402


def evaluate(model, docs, n_pairs, max_len, vocab_size, seed, same_group, with_mlm, batch=64):
    sampler = BalancedPairs(docs, random.Random(seed), same_group=same_group)
    labels = [i % 2 for i in range(n_pairs)]
    random.Random(seed + 1).shuffle(labels)
    gen = torch.Generator().manual_seed(seed)
    res = collections.defaultdict(lambda: collections.Counter())
    for s in range(0, n_pairs, batch):
        rows = [sampler.pair_with(max_len, lab) for lab in labels[s:s + batch]]
        ids, seg, att = pad_batch(rows)
        nsp = torch.tensor([r[2] for r in rows])
        # each pair counts for its group (prose/code), its kind (en/zh/code) and "all"
        keys_of = [sorted({r[3], r[4], "all"}) for r in rows]
        inp, chosen = T.mask_tokens(ids, vocab_size, gen) if with_mlm else (ids, None)
        with torch.no_grad():
            x, _ = model.encode(inp, seg, att)
            nsp_ok = (model.nsp_logits(x).argmax(-1) == nsp)
            if with_mlm:
                logits = model.mlm_logits(x[chosen])
                tgt = ids[chosen]
                nll = F.cross_entropy(logits, tgt, reduction="none")
                hit = logits.argmax(-1) == tgt
                row_of = chosen.nonzero()[:, 0]
        for k, keys in enumerate(keys_of):
            for key in keys:
                res[key]["nsp_n"] += 1
                res[key]["nsp_ok"] += int(nsp_ok[k])
        if with_mlm:
            for k, keys in enumerate(keys_of):
                sel = row_of == k
                for key in keys:
                    res[key]["mlm_n"] += int(sel.sum())
                    res[key]["mlm_ok"] += int(hit[sel].sum())
                    res[key]["mlm_nll"] += float(nll[sel].sum())
    out = {}
    for key, c in res.items():
        out[key] = {"nsp_pairs": c["nsp_n"], "nsp_acc": c["nsp_ok"] / max(1, c["nsp_n"])}
        if with_mlm:
            out[key].update(mlm_predictions=c["mlm_n"], mlm_top1=c["mlm_ok"] / max(1, c["mlm_n"]),
                            mlm_loss=c["mlm_nll"] / max(1, c["mlm_n"]))
    return out


def unigram_baseline(train_docs, held_docs, vocab_size):
    """Top-1 of always predicting the most frequent training token, and the unigram cross-entropy, on
    held-out non-special tokens: what an MLM that ignored its context could reach."""
    counts = np.zeros(vocab_size, dtype=np.int64)
    for d in train_docs:
        for u in d["units"]:
            counts += np.bincount(u.astype(np.int64), minlength=vocab_size)
    counts[:T.N_SPECIAL] = 0
    p = (counts + 1) / (counts + 1)[T.N_SPECIAL:].sum()
    held = np.concatenate([u.astype(np.int64) for d in held_docs for u in d["units"]])
    held = held[held >= T.N_SPECIAL]
    return {"top1": float((held == counts.argmax()).mean()), "loss": float(-np.log(p[held]).mean()),
            "most_frequent_id": int(counts.argmax())}
