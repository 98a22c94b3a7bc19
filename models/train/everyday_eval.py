#!/usr/bin/env python3
"""What a checkpoint does on everyday text it never saw: the head and MLM figures of issue-level targets.

Heads, on held-out prose (the corpus's held-out documents of kinds en/zh, plus eval/everyday.*.txt):
  entropy   mean normalised attention entropy of each head, H(row) / ln(number of keys), over real
            non-special query tokens (1 = uniform, 0 = all mass on one key)
  prev/next mean mass on the previous / next token (best head per layer)
  Clark et al. 2019's per-layer averages over heads: mass on [CLS], on [SEP]s, on punctuation, on itself
MLM on eval/everyday.en.txt, eval/everyday.zh.txt and held-out code, with whole-word masking (a word's
pieces masked together; 80/10/10 as in training), several fixed seeds:
  top-1     share of masked pieces predicted exactly
  word      share of masked words whose pieces are all predicted exactly (a Chinese character is a word)

Usage: /usr/bin/python3 models/train/everyday_eval.py --run everyday [--tokenizer PATH] [--json OUT]
"""
import argparse
import json
import os
import random
import sys

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import encoded_data  # noqa: E402
import wordpiece  # noqa: E402
from model import Config, TinyBert  # noqa: E402
import train as T  # noqa: E402
from head_stats import pad_batch, window_sequences  # noqa: E402

ROOT = os.path.dirname(os.path.abspath(__file__))
CLS, SEP, N_SPECIAL = T.CLS, T.SEP, T.N_SPECIAL


def line_sequences(tok, path, max_len=128):
    """Consecutive lines of an eval file packed into [CLS] A [SEP] B [SEP] sequences, split between lines."""
    lines = [tok.encode(l) for l in open(path, encoding="utf-8").read().splitlines() if l.strip()]
    seqs, cur = [], []
    for ids in lines:
        if cur and sum(map(len, cur)) + len(ids) > max_len - 3:
            seqs.append(cur)
            cur = []
        cur.append(ids)
    if cur:
        seqs.append(cur)
    out = []
    for s in seqs:
        if len(s) < 2:
            a, b = s[0][: len(s[0]) // 2], s[0][len(s[0]) // 2:]
        else:
            a, b = sum(s[: len(s) // 2], []), sum(s[len(s) // 2:], [])
        out.append(([CLS] + a + [SEP] + b + [SEP], [0] * (len(a) + 2) + [1] * (len(b) + 1)))
    return out


def head_stats(model, seqs, punct, n_layers, n_heads):
    ent = torch.zeros(n_layers, n_heads)
    prev = torch.zeros(n_layers, n_heads)
    nxt = torch.zeros(n_layers, n_heads)
    near = torch.zeros(n_layers, n_heads)  # within 3 tokens either side, itself included (the panel's local window)
    near_chance = 0.0  # what a uniform head would put there
    clark = {k: torch.zeros(n_layers, n_heads) for k in ("cls", "sep", "punct", "self")}
    n = 0
    for i in range(0, len(seqs), 32):
        ids, seg, att = pad_batch(seqs[i:i + 32])
        with torch.no_grad():
            _, parts = model.encode(ids, seg, att, keep=True)
        real = att.bool()
        query = real & (ids >= N_SPECIAL)  # real, non-special queries
        lens = att.sum(1).float()
        t = ids.shape[1]
        pos = torch.arange(t)
        band = ((pos[:, None] - pos[None, :]).abs() <= 3)[None] & real[:, None, :]  # [b, T, T]: real keys near each query
        near_chance += float((band.sum(-1) / lens[:, None] * query).sum())  # a uniform head's share of the band
        for layer, a in enumerate(parts["attn"]):  # [b, h, T, T]
            p = a.clamp_min(1e-12)
            h = -(a * p.log()).sum(-1) / torch.log(lens)[:, None, None]  # [b, h, T]
            q = query[:, None, :].float()
            ent[layer] += (h * q).sum((0, 2))
            eye = torch.eye(t, dtype=torch.bool)
            near[layer] += (a * band[:, None]).sum(-1).mul(q).sum((0, 2))
            prev[layer] += (a * torch.diag(torch.ones(t - 1), -1)[None, None]).sum(-1).mul(q).sum((0, 2))
            nxt[layer] += (a * torch.diag(torch.ones(t - 1), 1)[None, None]).sum(-1).mul(q).sum((0, 2))
            clark["cls"][layer] += (a[..., 0] * q).sum((0, 2))
            clark["sep"][layer] += (a * (ids == SEP)[:, None, None, :]).sum(-1).mul(q).sum((0, 2))
            clark["punct"][layer] += (a * punct[ids][:, None, None, :]).sum(-1).mul(q).sum((0, 2))
            clark["self"][layer] += (a * eye[None, None]).sum(-1).mul(q).sum((0, 2))
        n += int(query.sum())
    return {"entropy": (ent / n).tolist(), "prev": (prev / n).tolist(), "next": (nxt / n).tolist(),
            "near": (near / n).tolist(), "near_chance": near_chance / n,
            **{k: (v / n).tolist() for k, v in clark.items()}}


def mlm_eval(model, seqs, vocab_size, continuation, seeds=8):
    hit = total = words = words_hit = 0
    for seed in range(seeds):
        gen = torch.Generator().manual_seed(1000 + seed)
        for i in range(0, len(seqs), 32):
            ids, seg, att = pad_batch(seqs[i:i + 32])
            corrupted, chosen = T.mask_tokens(ids, vocab_size, gen, continuation)
            with torch.no_grad():
                x, _ = model.encode(corrupted, seg, att)
                pred = model.mlm_logits(x).argmax(-1)
            ok = (pred == ids) & chosen
            hit += int(ok.sum())
            total += int(chosen.sum())
            word = torch.cumsum((~continuation[ids]).long(), dim=1)
            for b in range(ids.shape[0]):
                w = word[b][chosen[b]]
                good = ok[b][chosen[b]]
                for wid in torch.unique(w):
                    words += 1
                    words_hit += int(bool(good[w == wid].all()))
    return {"top1": hit / max(1, total), "word": words_hit / max(1, words), "pieces": total, "words": words}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--run", default="everyday")
    ap.add_argument("--tokenizer", default=None)
    ap.add_argument("--checkpoint", default=None)
    ap.add_argument("--max-seqs", type=int, default=400)
    ap.add_argument("--json", default=None)
    args = ap.parse_args()
    torch.set_num_threads(1)
    run = os.path.join(ROOT, "runs", args.run)
    st = torch.load(args.checkpoint or os.path.join(run, "checkpoint.pt"))
    cfg = Config(**st["config"])
    model = TinyBert(cfg)
    model.load_state_dict(st["model"])
    model.eval()
    tok = wordpiece.load(args.tokenizer or os.path.join(run, "tokenizer.json"))
    continuation = torch.tensor([t.startswith("##") for t in tok.vocab])
    punct = torch.tensor([len(t) == 1 and wordpiece.is_punct(t) for t in tok.vocab])
    data = encoded_data.load()
    held = [d for d in data["heldout"] if d["kind"] in ("en", "zh")]
    prose = [(i, s) for i, s, _ in window_sequences(held, 128, random.Random(3), args.max_seqs)]
    en = line_sequences(tok, os.path.join(ROOT, "eval", "everyday.en.txt"))
    zh = line_sequences(tok, os.path.join(ROOT, "eval", "everyday.zh.txt"))
    code = [(i, s) for i, s, _ in window_sequences([d for d in data["heldout"] if d["kind"] == "code"], 128,
                                                   random.Random(4), 120)]
    heads = head_stats(model, prose + en + zh, punct, cfg.num_layers, cfg.num_heads)
    res = {"step": st["step"], "heads": heads,
           "mlm": {k: mlm_eval(model, s, cfg.vocab_size, continuation) for k, s in
                   (("everyday_en", en), ("everyday_zh", zh), ("code", code))}}
    flat = sorted(e for row in heads["entropy"] for e in row)
    res["summary"] = {
        "heads_entropy_le_0.7": sum(e <= 0.7 for e in flat), "heads": len(flat), "max_entropy": flat[-1],
        "min_entropy_per_layer": [min(r) for r in heads["entropy"]],
        "best_prev": max(max(r) for r in heads["prev"]), "best_next": max(max(r) for r in heads["next"]),
    }
    print(f"step {st['step']}: entropy per head (layer rows)")
    for layer, row in enumerate(heads["entropy"]):
        print(f"  L{layer + 1}: " + " ".join(f"{e:.2f}" for e in row) +
              f"   prev {max(heads['prev'][layer]):.2f} next {max(heads['next'][layer]):.2f}"
              f"   cls {np.mean(heads['cls'][layer]):.2f} sep {np.mean(heads['sep'][layer]):.2f}"
              f" punct {np.mean(heads['punct'][layer]):.2f} self {np.mean(heads['self'][layer]):.2f}")
    s = res["summary"]
    print(f"  heads <= 0.7: {s['heads_entropy_le_0.7']}/{s['heads']}; max {s['max_entropy']:.2f}; "
          f"best prev {s['best_prev']:.2f}, next {s['best_next']:.2f}")
    for k, m in res["mlm"].items():
        print(f"  MLM {k}: top-1 {m['top1']:.3f}, whole word {m['word']:.3f} ({m['pieces']} pieces, {m['words']} words)")
    if args.json:
        with open(args.json, "w", encoding="utf-8") as f:
            json.dump(res, f, indent=1)


if __name__ == "__main__":
    main()
