#!/usr/bin/env python3
"""Pre-train the tiny encoder with BERT's two objectives, on the CPU (or a GPU where one is at hand).

MLM: 15% of the non-special tokens are chosen; of those 80% become [MASK], 10% a random token,
10% stay unchanged; the loss is cross-entropy on the chosen positions only.
NSP: [CLS] A [SEP] B [SEP]; half the time B is the text that follows A, half a random other document.

Reproducible: fixed seed, step-based schedule. Resumable: a checkpoint every --ckpt-every steps in
runs/<name>/, picked up again with --resume.

Data-parallel on the CPU with --procs N: N single-threaded processes each build batch/N pairs from
their own random stream and average their gradients (gloo all-reduce) before every optimiser step, so
a step is the same global batch as with one process. On two cores this trains ~1.5x more tokens per
second than one process with two threads: a [64 x 4 x 128 x 32] attention bmm or a 128-wide Linear is
too small a job for two threads to share well, while two processes each keep a core busy.

Usage: /usr/bin/python3 models/train/train.py --steps 8000   (see MODEL_CARD.md for the run shipped)
"""
import argparse
import glob
import json
import os
import random
import re
import sys
import time

import numpy as np
import torch
import torch.distributed as dist
import torch.multiprocessing as mp
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import encoded_data  # noqa: E402
from model import Config, TinyBert  # noqa: E402

ROOT = os.path.dirname(os.path.abspath(__file__))
PAD, UNK, CLS, SEP, MASK = 0, 1, 2, 3, 4
N_SPECIAL = 5


class PairSampler:
    """Builds BERT pre-training pairs from documents of consecutive units (sentences / code lines)."""

    def __init__(self, docs, rng, shares=None):
        self.docs = docs
        self.rng = rng
        # weight documents by length so every token of a group is about equally likely to be seen, and by
        # the group's weight (build_corpus.py) so each group is drawn at its share of the mix
        lens = np.array([sum(len(u) for u in d["units"]) for d in docs], dtype=np.float64)
        if shares:
            lens *= token_share_weights(docs, lens, shares)
        else:
            lens *= np.array([d.get("weight", 1.0) for d in docs])
        self.p = lens / lens.sum()
        self.cum = np.cumsum(self.p)

    def doc(self):
        return self.docs[int(np.searchsorted(self.cum, self.rng.random()))]

    def take(self, units, start, budget):
        out = []
        i = start
        while i < len(units) and len(out) < budget:
            out.extend(units[i].tolist())
            i += 1
        return out[:budget], i

    def pair(self, max_len):
        # like BERT, sometimes a shorter sequence so the model sees short inputs too
        target = max_len - 3 if self.rng.random() > 0.1 else self.rng.randint(8, max_len - 3)
        d = self.doc()
        units = d["units"]
        start = self.rng.randrange(0, max(1, len(units) - 1))
        a_budget = max(1, self.rng.randint(target // 4, 3 * target // 4))
        a, nxt = self.take(units, start, a_budget)
        is_next = self.rng.random() < 0.5 and nxt < len(units)
        if is_next:
            b, _ = self.take(units, nxt, target - len(a))
        else:
            other = self.doc()
            while other is d and len(self.docs) > 1:
                other = self.doc()
            b, _ = self.take(other["units"], self.rng.randrange(len(other["units"])), target - len(a))
        if not b:
            b = [UNK]
        ids = [CLS] + a + [SEP] + b + [SEP]
        seg = [0] * (len(a) + 2) + [1] * (len(b) + 1)
        return ids, seg, int(is_next)


def token_share_weights(docs, tokens, shares):
    """Per-document weights that draw each group at its share of the *tokens* drawn: build_corpus.py's weights
    are set on characters, so groups whose characters are short tokens (Chinese) were drawn above their plan.
    A group missing from `shares` is not drawn."""
    groups = np.array([d.get("group") or d["kind"] for d in docs])
    w = np.zeros(len(docs))
    total = sum(shares.values())
    for g, share in shares.items():
        sel = groups == g
        if sel.any():
            w[sel] = share / total / tokens[sel].sum()
    return w


def parse_shares(spec):
    """'everyday-en=0.3,code=0.2' -> {"everyday-en": 0.3, "code": 0.2}"""
    return {k: float(v) for k, v in (part.split("=") for part in spec.split(",") if part)} if spec else None


def mask_tokens(ids, vocab_size, gen, continuation=None):
    """BERT's corruption: 15% chosen; 80% -> [MASK], 10% -> random token, 10% unchanged.

    With `continuation` (a bool per vocabulary id: a `##` piece), whole words are chosen: a word's pieces
    are masked together, so the model cannot recover a piece from the rest of its own word and must
    read the context (whole-word masking, as in Google's later BERT release)."""
    special = ids < N_SPECIAL
    if continuation is None:
        chosen = (torch.rand(ids.shape, generator=gen) < 0.15) & ~special
        r = torch.rand(ids.shape, generator=gen)
    else:
        word = torch.cumsum((~continuation[ids]).long(), dim=1) - 1  # the index of each piece's word
        chosen = (torch.rand(ids.shape, generator=gen) < 0.15).gather(1, word) & ~special
        r = torch.rand(ids.shape, generator=gen).gather(1, word)
    corrupted = ids.clone()
    corrupted[chosen & (r < 0.8)] = MASK
    rand_pos = chosen & (r >= 0.8) & (r < 0.9)
    corrupted[rand_pos] = torch.randint(N_SPECIAL, vocab_size, ids.shape, generator=gen)[rand_pos]
    return corrupted, chosen


def make_batch(sampler, batch, max_len, vocab_size, gen, continuation=None):
    rows = [sampler.pair(max_len) for _ in range(batch)]
    t = max(len(r[0]) for r in rows)
    ids = torch.full((batch, t), PAD, dtype=torch.long)
    seg = torch.zeros((batch, t), dtype=torch.long)
    for i, (a, s, _) in enumerate(rows):
        ids[i, :len(a)] = torch.tensor(a)
        seg[i, :len(s)] = torch.tensor(s)
    att = (ids != PAD).long()
    nsp = torch.tensor([r[2] for r in rows])
    corrupted, chosen = mask_tokens(ids, vocab_size, gen, continuation)
    return corrupted, seg, att, ids, chosen, nsp


def losses(model, batch):
    inp, seg, att, target, chosen, nsp = batch
    x, _ = model.encode(inp, seg, att)
    logits = model.mlm_logits(x[chosen])  # only the chosen positions: the vocab head is the costliest part
    mlm = F.cross_entropy(logits, target[chosen])
    nsp_logits = model.nsp_logits(x)
    nspl = F.cross_entropy(nsp_logits, nsp)
    mlm_acc = (logits.argmax(-1) == target[chosen]).float().mean()
    nsp_acc = (nsp_logits.argmax(-1) == nsp).float().mean()
    return mlm, nspl, mlm_acc, nsp_acc


def lr_at(step, steps, peak, warmup):
    if step < warmup:
        return peak * (step + 1) / warmup
    return peak * max(0.02, (steps - step) / max(1, steps - warmup))


def lr_for(step, args):
    """The first phase's linear schedule; each later phase (--phase2-start, --phase3-start) warms up again over
    100 steps to its own rate and decays linearly to where the next phase starts (the last step for the last),
    so a finished run can go on with a changed recipe."""
    starts = [(s, lr) for s, lr in ((args.phase2_start, args.phase2_lr),
                                     (getattr(args, "phase3_start", 0), getattr(args, "phase3_lr", 0))) if s]
    for i in range(len(starts) - 1, -1, -1):
        start, peak = starts[i]
        if step >= start:
            end = starts[i + 1][0] if i + 1 < len(starts) else args.steps
            return peak * min((step - start + 1) / 100, max(0.02, (end - step) / (end - start)))
    return lr_at(step, args.phase1_steps or args.steps, args.lr, args.warmup)


def common_args(ap, name, steps, seed, threads):
    """The options this script and train_decoder.py share: the run, its schedule and size, checkpoints, processes."""
    ap.add_argument("--name", default=name)
    ap.add_argument("--steps", type=int, default=steps)
    ap.add_argument("--batch", type=int, default=64)
    ap.add_argument("--max-len", type=int, default=128)
    ap.add_argument("--lr", type=float, default=2e-3)
    ap.add_argument("--warmup", type=int, default=300)
    ap.add_argument("--seed", type=int, default=seed)
    ap.add_argument("--ckpt-every", type=int, default=250)
    ap.add_argument("--resume", action="store_true")
    ap.add_argument("--threads", type=int, default=threads)
    ap.add_argument("--layers", type=int, default=4)
    ap.add_argument("--heads", type=int, default=4)
    ap.add_argument("--hidden", type=int, default=128)
    ap.add_argument("--phase1-steps", type=int, default=0, help="the first phase's --steps, when a second follows")
    ap.add_argument("--phase2-start", type=int, default=0, help="a second phase begins here (0: none)")
    ap.add_argument("--phase2-lr", type=float, default=1e-3)
    ap.add_argument("--phase3-start", type=int, default=0, help="a third phase begins here (0: none)")
    ap.add_argument("--phase3-lr", type=float, default=8e-4)
    ap.add_argument("--procs", type=int, default=1,
                    help="data-parallel CPU processes (gloo); --threads is then per process")


def launch(fn, ap, args):
    """Runs fn(rank, args) in this process, or in --procs data-parallel processes."""
    if args.batch % args.procs:
        ap.error("--batch must be a multiple of --procs")
    os.makedirs(os.path.join(ROOT, "runs", args.name), exist_ok=True)
    if args.procs == 1:
        fn(0, args)
    else:
        # the children are fresh interpreters: their BLAS pool size is read from the environment at import
        os.environ["OPENBLAS_NUM_THREADS"] = str(args.threads)
        os.environ.setdefault("MASTER_ADDR", "127.0.0.1")
        os.environ.setdefault("MASTER_PORT", str(29500 + args.seed % 1000))
        mp.spawn(fn, args=(args,), nprocs=args.procs)


def main():
    ap = argparse.ArgumentParser()
    common_args(ap, name="tiny-bert", steps=8000, seed=1234, threads=2)
    # dropout regularises against overfitting; a 2-hour run sees each token ~5 times and underfits,
    # so the sub-layer dropout may be switched off while the embeddings keep theirs
    ap.add_argument("--dropout", type=float, default=0.1)
    ap.add_argument("--embedding-dropout", type=float, default=0.1)
    ap.add_argument("--token-init-std", type=float, default=0.0,
                    help="std of the token-embedding init; 0 = 1/sqrt(hidden), see the model card")
    ap.add_argument("--tokenizer", default=os.path.join(os.path.dirname(ROOT), "tiny-bert", "tokenizer.json"))
    ap.add_argument("--wwm", action="store_true", help="whole-word masking (see mask_tokens)")
    ap.add_argument("--phase3-shares", default="",
                    help="from --phase3-start, draw the groups at these shares of the tokens, e.g. "
                         "everyday-en=0.32,code=0.22 (see token_share_weights)")
    ap.add_argument("--phase3-exclude", default="",
                    help="from --phase3-start, leave out training documents whose src matches this regex")
    launch(train, ap, ap.parse_args())


def average_gradients(params, procs):
    """One all-reduce over all gradients flattened together (one message instead of one per tensor)."""
    for p in params:
        if p.grad is None:  # a parameter no loss reached this step: all processes must send the same layout
            p.grad = torch.zeros_like(p)
    grads = [p.grad for p in params]
    flat = torch.cat([g.reshape(-1) for g in grads])
    dist.all_reduce(flat)
    flat /= procs
    offset = 0
    for g in grads:
        g.copy_(flat[offset:offset + g.numel()].view_as(g))
        offset += g.numel()


def phase_sampler(docs, rng, args, step):
    """The training sampler for `step`: the corpus's own weights, or from --phase3-start the third phase's
    token shares without the documents --phase3-exclude names."""
    if not (getattr(args, "phase3_shares", "") and args.phase3_start and step >= args.phase3_start):
        return PairSampler(docs, rng)
    if args.phase3_exclude:
        docs = [d for d in docs if not re.search(args.phase3_exclude, d["src"])]
    return PairSampler(docs, rng, parse_shares(args.phase3_shares))


def train(rank, args):
    procs = args.procs
    if procs > 1:
        dist.init_process_group("gloo", rank=rank, world_size=procs)
    torch.set_num_threads(args.threads)
    device = "cuda" if torch.cuda.is_available() and procs == 1 else "cpu"
    run = os.path.join(ROOT, "runs", args.name)
    data = encoded_data.load()
    with open(args.tokenizer, encoding="utf-8") as f:
        vocab = json.load(f)["model"]["vocab"]
    vocab_size = len(vocab)
    continuation = None
    if args.wwm:
        continuation = torch.zeros(vocab_size, dtype=torch.bool)
        continuation[[i for t, i in vocab.items() if t.startswith("##")]] = True
    cfg = Config(vocab_size=vocab_size, num_layers=args.layers, num_heads=args.heads, hidden_size=args.hidden,
                 intermediate_size=4 * args.hidden, dropout=args.dropout,
                 embedding_dropout=args.embedding_dropout, token_init_std=args.token_init_std)

    random.seed(args.seed)
    torch.manual_seed(args.seed)
    model = TinyBert(cfg).to(device)
    params = list(model.parameters())
    decay = [p for n, p in model.named_parameters() if p.dim() >= 2]
    no_decay = [p for n, p in model.named_parameters() if p.dim() < 2]
    opt = torch.optim.AdamW([{"params": decay, "weight_decay": 0.01}, {"params": no_decay, "weight_decay": 0.0}],
                            lr=args.lr, betas=(0.9, 0.98), eps=1e-6)
    # every process starts from the same weights (seeded above); each draws its own pairs and masks
    rng = random.Random(args.seed + 1_000_003 * rank)
    gen = torch.Generator().manual_seed(args.seed + rank)
    if procs > 1:
        torch.manual_seed(args.seed + 7919 * rank)  # dropout masks differ between processes
    step, log = 0, []
    ckpt = os.path.join(run, "checkpoint.pt")
    # with several processes each keeps its random streams in rng_<rank>.<step>.pt next to the checkpoint
    rng_file = os.path.join(run, f"rng_{rank}") if procs > 1 else None
    if args.resume and os.path.exists(ckpt):
        st = torch.load(ckpt)
        model.load_state_dict(st["model"])
        opt.load_state_dict(st["opt"])
        step, log = st["step"], st["log"]
        if rng_file is not None and not os.path.exists(f"{rng_file}.{step}.pt"):
            raise SystemExit(f"{rng_file}.{step}.pt is missing: the checkpoint is from step {step} of a run "
                             f"with another --procs, or the streams were deleted")
        rs = st if rng_file is None else torch.load(f"{rng_file}.{step}.pt")
        rng.setstate(rs["rng"])
        gen.set_state(rs["gen"])
        torch.set_rng_state(rs["torch_rng"])
        if rank == 0:
            print(f"resumed at step {step}", flush=True)
    sampler = phase_sampler(data["train"], rng, args, step)
    held = PairSampler(data["heldout"], random.Random(7))
    held_batches = [make_batch(held, 64, args.max_len, vocab_size, torch.Generator().manual_seed(i), continuation)
                    for i in range(4)]

    t0 = time.time()
    tokens = 0
    model.train()
    while step < args.steps:
        if step == getattr(args, "phase3_start", 0) and getattr(args, "phase3_shares", ""):
            sampler = phase_sampler(data["train"], rng, args, step)  # the third phase's mix, same random stream
        for g in opt.param_groups:
            g["lr"] = lr_for(step, args)
        batch = [b.to(device) for b in make_batch(sampler, args.batch // procs, args.max_len, vocab_size, gen, continuation)]
        mlm, nspl, mlm_acc, nsp_acc = losses(model, batch)
        loss = mlm + nspl
        opt.zero_grad(set_to_none=True)
        loss.backward()
        if procs > 1:
            average_gradients(params, procs)
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        step += 1
        tokens += int(batch[2].sum()) * procs  # the other processes' batches are about as long
        if rank == 0 and step % 50 == 0:
            entry = {"step": step, "mlm": mlm.item(), "nsp": nspl.item(), "mlm_acc": mlm_acc.item(),
                     "nsp_acc": nsp_acc.item(), "lr": opt.param_groups[0]["lr"]}
            if step % args.ckpt_every == 0 or step == args.steps:
                model.eval()
                with torch.no_grad():
                    hs = [losses(model, [b.to(device) for b in hb]) for hb in held_batches]
                model.train()
                entry.update(held_mlm=float(np.mean([h[0].item() for h in hs])),
                             held_mlm_acc=float(np.mean([h[2].item() for h in hs])),
                             held_nsp_acc=float(np.mean([h[3].item() for h in hs])))
            log.append(entry)
            el = time.time() - t0
            print(json.dumps({**entry, "tok_per_s": round(tokens / el)}), flush=True)
        if step % args.ckpt_every == 0 or step == args.steps:
            save_checkpoint(rank, ckpt, rng_file, model, opt, step, log, rng, gen, cfg, args)
    if rank == 0:
        print(f"done: {step} steps", flush=True)
    if procs > 1:
        dist.destroy_process_group()


def save_checkpoint(rank, ckpt, rng_file, model, opt, step, log, rng, gen, cfg, args):
    """Rank 0 writes the weights; with several processes each also writes its own random streams.
    The streams are written first and the previous step's are deleted only after the new checkpoint is
    in place, so whichever step checkpoint.pt names, its streams exist."""
    streams = {"step": step, "rng": rng.getstate(), "gen": gen.get_state(), "torch_rng": torch.get_rng_state()}
    if rng_file is not None:
        torch.save(streams, f"{rng_file}.{step}.pt")
        dist.barrier()
    if rank == 0:
        st = {"model": model.state_dict(), "opt": opt.state_dict(), "step": step, "log": log,
              **streams, "config": cfg.to_dict(), "args": vars(args)}
        torch.save(st, ckpt + ".tmp")
        os.replace(ckpt + ".tmp", ckpt)
    if rng_file is not None:
        dist.barrier()
        for f in glob.glob(f"{rng_file}.*.pt"):
            if f != f"{rng_file}.{step}.pt":
                os.remove(f)


if __name__ == "__main__":
    main()
