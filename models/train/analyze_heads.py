#!/usr/bin/env python3
"""Measure what the trained encoder's attention heads do, evaluate it on held-out text, write the model card.

For each layer and head, on held-out prose (kinds en, zh) and code, separately and pooled:
  prev / next / self / [CLS] / [SEP]: mean attention mass a query puts on the previous token, the next
      token, itself, the [CLS] position, and all [SEP] positions. The mean is over real, non-special
      query tokens (no [PAD], [CLS], [SEP]).
  dup (content): for a query token whose id occurred earlier in the sequence at least two positions
      back (specials and punctuation-only tokens excluded), the mass on those earlier occurrences. The
      immediately preceding position is left out so that a previous-token head does not count as a
      content head. Chance = number of such earlier occurrences / number of real tokens in the sequence
      (what a uniform head would give); ratio = mean mass / mean chance.
  bracket (content): a closing ) ] } （ ） attending to its matching opening bracket (found with a stack;
      pairs with nothing in between such as "()" are left out for the same reason); chance = 1 / T.
Held-out MLM top-1 accuracy with BERT's masking (15% chosen; 80% [MASK], 10% random, 10% unchanged) and
NSP accuracy on balanced pairs (exactly half IsNext), both with fixed seeds; NSP also with negatives
drawn from a document of the same kind (prose/code), which cannot be told apart by kind alone.

Writes <out>/head_analysis.json, <out>/training_loss.png and <out>/MODEL_CARD.md (from
models/train/model_card_template.md; <out> is models/tiny-bert unless --out says otherwise).

Reads, besides the checkpoint (runs/<run>/checkpoint.pt) and the encoded corpus (data/encoded.pt or .npz):
  runs/<run>/tokenizer.json        the run's vocabulary (models/tiny-bert/tokenizer.json if the run has none)
  runs/<run>/everyday_eval.json    everyday_eval.py's heads and MLM on the everyday texts (required)
  runs/<run>/tokenizer_check.json  check_tokenizer.py's figures (computed here if the file is missing)
  data/corpus.jsonl                documents and characters per source
  models/tiny-bert/config.json, model.onnx   the export (its step and size)

This file runs the steps; the measures are in head_stats.py, the MLM/NSP evaluation in held_out_eval.py,
and the card's tables, plot and template filling in model_card.py.

Usage: /usr/bin/python3 models/train/analyze_heads.py --run everyday [--max-seqs N] [--eval-pairs N]
       [--threads 2] [--train-log runs/<run>/train.log] [--started-at 2026-11-25T03:25:02Z] [--out DIR]
"""
import argparse
import collections
import datetime as dt
import glob
import json
import os
import random
import sys
import time

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import encoded_data  # noqa: E402
import wordpiece  # noqa: E402
import check_tokenizer  # noqa: E402
from model import Config, TinyBert  # noqa: E402
import train as T  # noqa: E402  (PairSampler, mask_tokens, special ids; main() is not run on import)
from head_stats import BRACKETS, GROUPS, UNK, HeadStats, analyze_batch, window_sequences  # noqa: E402
from held_out_eval import evaluate, unigram_baseline  # noqa: E402
from model_card import corpus_stats, fill_card, hardware, head_table, outputs_table, plot_log, targets, training_time  # noqa: E402

ROOT = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(ROOT))
DATA = os.path.join(ROOT, "data")
OUT = os.path.join(os.path.dirname(ROOT), "tiny-bert")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--run", default="everyday")
    ap.add_argument("--max-seqs", type=int, default=1000, help="held-out sequences per group (prose, code) for the heads")
    ap.add_argument("--eval-pairs", type=int, default=4096, help="held-out pairs for MLM / NSP")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--train-log", default=None, help="training log (default: runs/<run>/train.log)")
    ap.add_argument("--everyday-eval", default=None, help="default: runs/<run>/everyday_eval.json")
    ap.add_argument("--tokenizer-check", default=None, help="default: runs/<run>/tokenizer_check.json")
    ap.add_argument("--started-at", default=None, help="UTC start of the training process, e.g. 2026-11-25T03:25:02Z")
    ap.add_argument("--out", default=OUT)
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    t_start = time.time()

    run_dir = os.path.join(ROOT, "runs", args.run)
    ckpt = os.path.join(run_dir, "checkpoint.pt")
    ev_path = args.everyday_eval or os.path.join(run_dir, "everyday_eval.json")
    if not os.path.exists(ev_path):
        raise SystemExit(f"{ev_path} is missing: run /usr/bin/python3 models/train/everyday_eval.py --run {args.run} "
                         f"--json {ev_path} first")
    everyday = json.load(open(ev_path, encoding="utf-8"))
    train_log = args.train_log or os.path.join(run_dir, "train.log")
    st = torch.load(ckpt, map_location="cpu")
    cfg = Config(**st["config"])
    model = TinyBert(cfg)
    model.load_state_dict(st["model"])
    model.eval()
    data = encoded_data.load()
    tok_path = os.path.join(run_dir, "tokenizer.json")
    if not os.path.exists(tok_path):
        tok_path = os.path.join(OUT, "tokenizer.json")
    tok = wordpiece.load(tok_path)
    if len(tok.vocab) != cfg.vocab_size:
        raise SystemExit(f"{tok_path} has {len(tok.vocab)} entries, the checkpoint {cfg.vocab_size}")
    tc_path = args.tokenizer_check or os.path.join(run_dir, "tokenizer_check.json")
    if os.path.exists(tc_path):
        tok_check = json.load(open(tc_path, encoding="utf-8"))
    else:
        print(f"{tc_path} missing: computing check_tokenizer.py's figures for {tok_path}", flush=True)
        tok_check = check_tokenizer.figures(tok)
    if tok_check.get("vocab_size") != len(tok.vocab):
        raise SystemExit(f"{tc_path} describes a vocabulary of {tok_check.get('vocab_size')}, not {tok_path}")
    vocab = tok.vocab
    max_len = st["args"].get("max_len", 128)
    punct_ids = torch.tensor([i for i, t in enumerate(vocab) if t and len(t) == 1 and wordpiece.is_punct(t)])
    opener_of = {tok.ids[c]: tok.ids[o] for c, o in BRACKETS.items() if c in tok.ids and o in tok.ids}

    # heads
    heads = {}
    stats_all = HeadStats(cfg.num_layers, cfg.num_heads)
    for gi, (grp, kinds) in enumerate(GROUPS.items()):
        docs = [d for d in data["heldout"] if d["kind"] in kinds]
        seqs = window_sequences(docs, max_len, random.Random(100 + gi), args.max_seqs)
        stats = HeadStats(cfg.num_layers, cfg.num_heads)
        seqs.sort(key=lambda s: len(s[0]))
        for s in range(0, len(seqs), 32):
            rows = seqs[s:s + 32]
            analyze_batch(model, rows, stats, punct_ids, opener_of)
            analyze_batch(model, rows, stats_all, punct_ids, opener_of)
        heads[grp] = stats.summary()
        heads[grp]["kinds"] = dict(collections.Counter(s[2] for s in seqs))
        print(f"heads on {grp}: {stats.n_seqs} sequences, {stats.n_tokens} tokens ({time.time() - t_start:.0f} s)", flush=True)
    heads["all"] = stats_all.summary()

    # MLM / NSP
    held = data["heldout"]
    ev_any = evaluate(model, held, args.eval_pairs, max_len, cfg.vocab_size, 2024, False, True)
    ev_same = evaluate(model, held, args.eval_pairs, max_len, cfg.vocab_size, 2025, True, False)
    print(f"eval: {json.dumps(ev_any['all'])} same-kind NSP {ev_same['all']['nsp_acc']:.3f} ({time.time() - t_start:.0f} s)", flush=True)
    ub = unigram_baseline(data["train"], held, cfg.vocab_size)

    # training pairs: tokens per step and the real IsNext rate of train.py's sampler
    ps = T.PairSampler(data["train"], random.Random(1))
    sample = [ps.pair(max_len) for _ in range(4000)]
    pair_stats = {"mean_tokens": float(np.mean([len(p[0]) for p in sample])),
                  "is_next_rate": float(np.mean([p[2] for p in sample]))}
    batch = st["args"].get("batch", 64)
    tr = training_time(st, train_log, args.started_at, ckpt, pair_stats["mean_tokens"] * batch)

    n_params = sum(p.numel() for p in model.parameters())
    all_units = [u for sp in ("train", "heldout") for d in data[sp] for u in d["units"]]
    n_tok = sum(len(u) for u in all_units)
    unk_rate = sum(int((u == UNK).sum()) for u in all_units) / max(1, n_tok)
    tstats = (f"{len(vocab)} entries: 5 specials, {sum(1 for t in vocab if t.startswith('##'))} `##` continuation pieces, "
              f"{sum(1 for t in vocab if len(t) == 1 and wordpiece.is_chinese_char(ord(t)))} single CJK characters, "
              f"{sum(1 for t in vocab if len(t) == 1 and wordpiece.is_punct(t))} punctuation marks, the rest word-initial pieces")
    examples = ["The cat sat on the mat.", "My mother made tea.", "Mother made tea.", "Yesterday we took the bus.",
                "Transformer attention", "def forward(self, x):",
                "const total = items.reduce((sum, item) => sum + item.price, 0);", "多头注意力让模型同时关注不同位置。", "妈妈在厨房里做饭。",
                "naïve café 🙂"]
    tok_examples = [(s, [vocab[i] for i in tok.encode(s)]) for s in examples]
    config_json = json.load(open(os.path.join(OUT, "config.json")))
    onnx_path = os.path.join(OUT, "model.onnx")
    debs = sorted(os.path.basename(p)[:-4].replace("_all", "") for p in glob.glob(os.path.join(DATA, "debs", "*.deb")))

    res = {
        "run": args.run, "step": st["step"], "date": dt.datetime.utcnow().strftime("%Y-%m-%d %H:%M UTC"),
        "config": st["config"], "train_args": st["args"], "params": n_params,
        "params_embedding": model.tok.weight.numel() + model.seg.weight.numel(),
        "max_seqs": args.max_seqs, "eval_pairs": args.eval_pairs,
        "definitions": __doc__.split("Writes")[0].strip(),
        "heads": heads, "eval": {"any": ev_any, "same": ev_same}, "unigram_baseline": ub,
        "unigram_token": vocab[ub["most_frequent_id"]],
        "train_pair_stats": pair_stats, "training": tr, "hardware": hardware(),
        "corpus": corpus_stats(data, st["args"]), "unk_rate": unk_rate, "tokenizer_stats": tstats,
        "tokenization_examples": tok_examples, "tokenizer_path": os.path.relpath(tok_path, REPO),
        "tokenizer_check": tok_check, "everyday": everyday,
        "export": {"onnx_mb": os.path.getsize(onnx_path) / 1e6 if os.path.exists(onnx_path) else 0.0,
                   "config_trained_steps": config_json.get("trained_steps")},
        "outputs_table": outputs_table(config_json.get("outputs", []), st["config"]),
        "deb_versions": ", ".join(f"`{d}`" for d in debs) or "(not downloaded)",
    }
    res["targets"] = targets(res)
    os.makedirs(args.out, exist_ok=True)
    with open(os.path.join(args.out, "head_analysis.json"), "w", encoding="utf-8") as f:
        out = {k: v for k, v in res.items() if k != "outputs_table"}
        out["targets"] = [{"target": a, "required": b, "reached": c, "met": d} for a, b, c, d in res["targets"]]
        json.dump(out, f, indent=1, ensure_ascii=False)
    phases = [st["args"][k] for k in ("phase2_start", "phase3_start") if st["args"].get(k)]
    plot_log(st["log"], os.path.join(args.out, "training_loss.png"),
             f"tiny-bert run '{args.run}', {st['step']} steps, L{cfg.num_layers}-H{cfg.hidden_size}-A{cfg.num_heads}",
             phases)
    fill_card(res, os.path.join(ROOT, "model_card_template.md"), os.path.join(args.out, "MODEL_CARD.md"))
    for name, req, got, ok in res["targets"]:
        print(f"{'(info) ' if ok is None else 'met    ' if ok else 'NOT MET'}  {name}: {got} (required {req})")
    print(head_table(heads["all"], cfg.num_layers, cfg.num_heads))
    print(f"wrote {args.out}/head_analysis.json, training_loss.png, MODEL_CARD.md ({time.time() - t_start:.0f} s)")


if __name__ == "__main__":
    main()
