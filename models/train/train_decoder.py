#!/usr/bin/env python3
"""Train the tiny decoder with the causal language-modelling objective, on the encoder's corpus and tokenizer.

A training sequence is [CLS] (as beginning-of-text) and up to max_len - 1 consecutive tokens of one
document, documents drawn as the encoder's PairSampler draws them (by length x group weight). The loss is the
next-token cross-entropy on a random --loss-frac share of the positions: the tied output layer over a
20k vocabulary is most of a step's cost, and a random subset is an unbiased estimate of the full loss.

Every checkpoint also logs the two head scores the model card plots over training:
  prev_head   the best head's mean attention on the previous token, on held-out text
  induction   on [CLS] r r (r: 40 random tokens), the best head's mean attention from each token of the second
              copy to the token that followed its earlier occurrence (Olsson et al. 2022's prefix matching)

Resumable (--resume) and data-parallel on the CPU (--procs) exactly as train.py.
Usage: /usr/bin/python3 models/train/train_decoder.py --steps 12000 --procs 2 --threads 1 --resume
"""
import argparse
import json
import os
import random
import sys
import time

import torch
import torch.distributed as dist
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import encoded_data  # noqa: E402
import train as T  # noqa: E402
from decoder import TinyGpt, config_for  # noqa: E402

ROOT = os.path.dirname(os.path.abspath(__file__))
PAD, CLS = T.PAD, T.CLS


def sequence(sampler, max_len, repeat_frac=0.0):
    d = sampler.doc()
    units = d["units"]
    start = sampler.rng.randrange(0, len(units))
    toks, _ = sampler.take(units, start, max_len - 1)
    if len(toks) >= 24 and sampler.rng.random() < repeat_frac:
        toks = with_repeat(toks, sampler.rng)
    return [CLS] + toks


def with_repeat(toks, rng):
    """The window's head followed by a span of it said again, as text repeats itself (a name, a quoted line, code
    that calls what it defined): copying it is what an induction head does, and natural text has too little of
    this in a 128-token window for one to form in a short run. The same length as the window it came from."""
    n = len(toks)
    m = rng.randint(8, n // 3)  # the repeated span
    head = n - m
    a = rng.randint(0, head - m)
    return toks[:head] + toks[a:a + m]


def make_batch(sampler, batch, max_len, repeat_frac=0.0):
    rows = [sequence(sampler, max_len, repeat_frac) for _ in range(batch)]
    t = max(len(r) for r in rows)
    ids = torch.full((batch, t), PAD, dtype=torch.long)
    for i, r in enumerate(rows):
        ids[i, :len(r)] = torch.tensor(r)
    return ids, (ids != PAD).long()


def lm_loss(model, ids, att, gen, frac):
    x, _ = model.decode(ids, att)
    target = ids[:, 1:]
    live = att[:, 1:].bool()
    if frac < 1:
        live = live & (torch.rand(live.shape, generator=gen) < frac).to(live.device)
    logits = model.lm_logits(x[:, :-1][live])
    loss = F.cross_entropy(logits, target[live])
    return loss, (logits.argmax(-1) == target[live]).float().mean()


def head_scores(model, held_ids, held_att, vocab_size, n_random=40, seed=0):
    """(best previous-token mass, best induction score): see the module docstring."""
    model.eval()
    with torch.no_grad():
        _, p = model.decode(held_ids, held_att, keep=True)
        real = held_att[:, 1:].bool()
        prev = max(float((a.diagonal(-1, -2, -1)[..., :] * real[:, None]).sum((0, 2)).max() / real.sum())
                   for a in p["attn"])
        g = torch.Generator().manual_seed(seed)
        r = torch.randint(T.N_SPECIAL, vocab_size, (16, n_random), generator=g)
        ids = torch.cat([torch.full((16, 1), CLS), r, r], 1).to(held_ids.device)
        _, p = model.decode(ids, torch.ones_like(ids), keep=True)
        q = torch.arange(n_random + 1, 2 * n_random)  # second copy, all but its last token
        k = q - n_random + 1  # the token after the earlier occurrence
        ind = max(float(a[:, :, q, k].mean((0, 2)).max()) for a in p["attn"])
    model.train()
    return prev, ind


def main():
    ap = argparse.ArgumentParser()
    T.common_args(ap, name="decoder", steps=12000, seed=4321, threads=1)
    ap.add_argument("--tokenizer", default=os.path.join(ROOT, "runs", "everyday", "tokenizer.json"))
    ap.add_argument("--loss-frac", type=float, default=0.25)
    ap.add_argument("--repeat-frac", type=float, default=0.0,
                    help="share of training windows whose last part repeats a span of their first part")
    ap.add_argument("--repeat-from", type=int, default=0, help="the step from which --repeat-frac applies")
    T.launch(train, ap, ap.parse_args())


def train(rank, args):
    procs = args.procs
    if procs > 1:
        dist.init_process_group("gloo", rank=rank, world_size=procs)
    torch.set_num_threads(args.threads)
    run = os.path.join(ROOT, "runs", args.name)
    data = encoded_data.load()
    with open(args.tokenizer, encoding="utf-8") as f:
        vocab_size = len(json.load(f)["model"]["vocab"])
    cfg = config_for(vocab_size, args.layers, args.heads, args.hidden)
    random.seed(args.seed)
    torch.manual_seed(args.seed)
    # one process on a CUDA GPU (gpu_train.sh), else the CPU
    device = "cuda" if torch.cuda.is_available() and procs == 1 else "cpu"
    model = TinyGpt(cfg).to(device)
    params = list(model.parameters())
    decay = [p for p in params if p.dim() >= 2]
    no_decay = [p for p in params if p.dim() < 2]
    opt = torch.optim.AdamW([{"params": decay, "weight_decay": 0.01}, {"params": no_decay, "weight_decay": 0.0}],
                            lr=args.lr, betas=(0.9, 0.98), eps=1e-6)
    rng = random.Random(args.seed + 1_000_003 * rank)
    gen = torch.Generator().manual_seed(args.seed + rank)
    step, log = 0, []
    ckpt = os.path.join(run, "checkpoint.pt")
    rng_file = os.path.join(run, f"rng_{rank}") if procs > 1 else None
    if args.resume and os.path.exists(ckpt):
        st = torch.load(ckpt, map_location=device)
        model.load_state_dict(st["model"])
        opt.load_state_dict(st["opt"])
        step, log = st["step"], st["log"]
        # a CPU run's checkpoint keeps its streams per process (rng_<rank>.<step>.pt): one GPU process that
        # continues it starts its own, as train.py's does
        rs = st if rng_file is None else torch.load(f"{rng_file}.{step}.pt")
        if "rng" in rs:
            rng.setstate(rs["rng"])
            gen.set_state(rs["gen"])
            torch.set_rng_state(rs["torch_rng"])
    sampler = T.PairSampler(data["train"], rng)
    held_ids, held_att = make_batch(T.PairSampler([d for d in data["heldout"] if d["kind"] != "code"],
                                                  random.Random(7)), 32, args.max_len)
    t0, tokens = time.time(), 0
    model.train()
    while step < args.steps:
        for g in opt.param_groups:
            g["lr"] = T.lr_for(step, args)
        repeat = args.repeat_frac if step >= args.repeat_from else 0.0
        ids, att = make_batch(sampler, args.batch // procs, args.max_len, repeat)
        loss, acc = lm_loss(model, ids.to(device), att.to(device), gen, args.loss_frac)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        if procs > 1:
            T.average_gradients(params, procs)
        torch.nn.utils.clip_grad_norm_(params, 1.0)
        opt.step()
        step += 1
        tokens += int(att.sum()) * procs
        if rank == 0 and step % 50 == 0:
            entry = {"step": step, "lm": loss.item(), "acc": acc.item(), "lr": opt.param_groups[0]["lr"]}
            if step % args.ckpt_every == 0 or step == args.steps:
                model.eval()
                with torch.no_grad():
                    hl, ha = lm_loss(model, held_ids.to(device), held_att.to(device), torch.Generator().manual_seed(0), 1.0)
                entry.update(held_lm=hl.item(), held_acc=ha.item())
                entry["prev_head"], entry["induction"] = head_scores(model, held_ids.to(device), held_att.to(device), vocab_size)
            log.append(entry)
            print(json.dumps({**entry, "tok_per_s": round(tokens / (time.time() - t0))}), flush=True)
        if step % args.ckpt_every == 0 or step == args.steps:
            T.save_checkpoint(rank, ckpt, rng_file, model, opt, step, log, rng, gen, cfg, args)
    if procs > 1:
        dist.destroy_process_group()


if __name__ == "__main__":
    main()
