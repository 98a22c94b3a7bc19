#!/usr/bin/env python3
"""What the attention heads do on held-out text: sequences and balanced pairs to feed them, and per-head
statistics (previous / next / self / [CLS] / [SEP] mass, repeated-token and bracket content heads) gathered batch
by batch. The measures are described in analyze_heads.py.
"""
import collections
import os
import sys

import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import train as T  # noqa: E402  (PairSampler, mask_tokens, special ids; main() is not run on import)

PAD, UNK, CLS, SEP, MASK = T.PAD, T.UNK, T.CLS, T.SEP, T.MASK

GROUPS = {"prose": ("en", "zh"), "code": ("code",)}


PATTERNS = ["prev", "next", "self", "cls", "sep"]


BRACKETS = {")": "(", "]": "[", "}": "{", "）": "（"}


def window_sequences(docs, max_len, rng, limit):
    """Held-out sequences shaped like training inputs: [CLS] A [SEP] B [SEP], B the real continuation.

    Each document is cut into consecutive, non-overlapping windows of up to max_len - 3 tokens; A/B are
    split at the unit (sentence / code chunk) boundary nearest the middle. Windows are shuffled with a
    fixed seed and the first `limit` kept.
    """
    budget = max_len - 3
    seqs = []
    for d in docs:
        units = d["units"]
        i = 0
        while i < len(units):
            toks, bounds = [], []
            while i < len(units) and len(toks) < budget:
                toks.extend(units[i].tolist())
                bounds.append(min(len(toks), budget))
                i += 1
            toks = toks[:budget]
            if len(toks) < 16:
                continue
            inner = [b for b in bounds if 0 < b < len(toks)]
            cut = min(inner, key=lambda b: abs(b - len(toks) / 2)) if inner else len(toks) // 2
            a, b = toks[:cut], toks[cut:]
            ids = [CLS] + a + [SEP] + b + [SEP]
            seg = [0] * (len(a) + 2) + [1] * (len(b) + 1)
            seqs.append((ids, seg, d["kind"]))
    rng.shuffle(seqs)
    return seqs[:limit] if limit else seqs


def pad_batch(rows):
    t = max(len(r[0]) for r in rows)
    ids = torch.full((len(rows), t), PAD, dtype=torch.long)
    seg = torch.zeros((len(rows), t), dtype=torch.long)
    for i, r in enumerate(rows):
        ids[i, :len(r[0])] = torch.tensor(r[0])
        seg[i, :len(r[1])] = torch.tensor(r[1])
    return ids, seg, (ids != PAD).long()


class BalancedPairs(T.PairSampler):
    """training's PairSampler, but the label is chosen by the caller (exactly balanced) and negatives can be
    restricted to documents of the same group (prose/code)."""

    def __init__(self, docs, rng, same_group=False):
        super().__init__(docs, rng)
        self.same_group = same_group

    def pair_with(self, max_len, is_next):
        while True:
            target = max_len - 3 if self.rng.random() > 0.1 else self.rng.randint(8, max_len - 3)
            d = self.doc()
            units = d["units"]
            start = self.rng.randrange(0, max(1, len(units) - 1))
            a, nxt = self.take(units, start, max(1, self.rng.randint(target // 4, 3 * target // 4)))
            if is_next:
                if nxt >= len(units):
                    continue
                b, _ = self.take(units, nxt, target - len(a))
            else:
                other = self.doc()
                while other is d or (self.same_group and group_of(other["kind"]) != group_of(d["kind"])):
                    other = self.doc()
                b, _ = self.take(other["units"], self.rng.randrange(len(other["units"])), target - len(a))
            if not b:
                continue
            ids = [CLS] + a + [SEP] + b + [SEP]
            seg = [0] * (len(a) + 2) + [1] * (len(b) + 1)
            return ids, seg, int(is_next), group_of(d["kind"]), d["kind"]


def group_of(kind):
    return next(g for g, kinds in GROUPS.items() if kind in kinds)


# ------------------------------------------------------------------------------------------- attention


class HeadStats:
    """Accumulates per-layer, per-head sums over query tokens, plus per-sequence sums for the content
    metrics (for a standard error clustered by sequence)."""

    def __init__(self, n_layers, n_heads, max_len=512):
        self.L, self.H = n_layers, n_heads
        self.sums = {p: torch.zeros(n_layers, n_heads, dtype=torch.float64) for p in PATTERNS}
        self.n_query = 0
        self.n_seqs = 0
        self.n_tokens = 0
        self.content = {c: {"mass": torch.zeros(n_layers, n_heads, dtype=torch.float64), "chance": 0.0, "n": 0,
                            "offsets": torch.zeros(max_len, dtype=torch.float64), "seq_diff": []}
                        for c in ("dup", "bracket")}
        # mean attention each head gives to the non-special key k positions back, over all queries: the
        # positional baseline for the content metrics (what the head would give a key at that distance
        # whatever its content)
        self.offset_sum = torch.zeros(n_layers, n_heads, max_len, dtype=torch.float64)
        self.offset_n = torch.zeros(max_len, dtype=torch.float64)
        # bracket control: mean weight per *other* opening bracket of the same type before the query
        self.other_sum = torch.zeros(n_layers, n_heads, dtype=torch.float64)
        self.other_n = 0

    def add_content(self, name, layer, per_seq_mass, per_seq_chance, per_seq_n):
        """per_seq_mass [B, H] summed over that sequence's queries; per_seq_chance [B]; per_seq_n [B]."""
        c = self.content[name]
        c["mass"][layer] += per_seq_mass.sum(0).double()
        if layer == 0:
            c["chance"] += float(per_seq_chance.sum())
            c["n"] += int(per_seq_n.sum())
        keep = per_seq_n > 0
        c["seq_diff"].append((layer, (per_seq_mass - per_seq_chance[:, None])[keep].double(), per_seq_n[keep]))

    def summary(self):
        nq = max(1, self.n_query)
        out = {"n_seqs": self.n_seqs, "n_tokens": self.n_tokens, "n_queries": self.n_query,
               **{p: (self.sums[p] / nq).tolist() for p in PATTERNS}}
        for name, c in self.content.items():
            n = max(1, c["n"])
            mass = c["mass"] / n
            chance = c["chance"] / n
            # standard error of (mean mass - mean chance), clustered by sequence (ratio estimator)
            se = torch.zeros(self.L, self.H, dtype=torch.float64)
            for layer in range(self.L):
                parts = [(d, k) for (l, d, k) in c["seq_diff"] if l == layer]
                if not parts:
                    continue
                diff = torch.cat([d for d, _ in parts])
                cnt = torch.cat([k for _, k in parts]).double()
                est = diff.sum(0) / cnt.sum()
                se[layer] = ((diff - est[None] * cnt[:, None]) ** 2).sum(0).sqrt() / cnt.sum()
            profile = self.offset_sum / self.offset_n.clamp(min=1)  # [L, H, K]
            positional = (profile * c["offsets"]).sum(-1) / n  # [L, H]
            extra = {}
            if name == "bracket":
                extra = {"other_opener_queries": self.other_n,
                         "per_other_opener": (self.other_sum / max(1, self.other_n)).tolist()}
            out[name] = {**extra, "n_queries": c["n"], "mass": mass.tolist(), "chance": chance,
                         "ratio": (mass / chance).tolist() if chance > 0 else None,
                         "positional": positional.tolist(),
                         "ratio_positional": (mass / positional.clamp(min=1e-12)).tolist(),
                         "se_excess": se.tolist()}
        return out


def bracket_pairs(ids, opener_of):
    """(closing position, opening position) for matched brackets; a mismatch empties the stack."""
    stacks = collections.defaultdict(list)
    pairs = []
    for i, t in enumerate(ids):
        if t in opener_of.values():
            stacks[t].append(i)
        elif t in opener_of:
            st = stacks[opener_of[t]]
            if st:
                pairs.append((i, st.pop()))
    return pairs


def analyze_batch(model, rows, stats, punct_ids, opener_of):
    ids, seg, att = pad_batch(rows)
    with torch.no_grad():
        _, parts = model.encode(ids, seg, att, keep=True)
    B, t = ids.shape
    real = att.bool()
    special = (ids == CLS) | (ids == SEP) | (ids == PAD)
    q_ok = real & ~special
    is_sep = (ids == SEP)
    lens = att.sum(1).double()
    stats.n_seqs += B
    stats.n_tokens += int(att.sum())
    stats.n_query += int(q_ok.sum())
    qm = q_ok[:, None, :].double()

    # duplicate-token structure: earlier occurrence at j < i - 1 of the same (non-special, non-punct) id
    cand = q_ok & ~torch.isin(ids, punct_ids)
    pos = torch.arange(t)
    earlier = pos[None, :] < (pos[:, None] - 1)  # [i, j]: j < i - 1
    D = (ids[:, :, None] == ids[:, None, :]) & earlier[None] & cand[:, :, None] & cand[:, None, :]
    d_cnt = D.sum(-1)  # [B, T]
    d_q = d_cnt > 0
    d_chance = (d_cnt.double() / lens[:, None]) * d_q
    pos_i = pos[:, None].expand(t, t)
    rel = (pos_i - pos[None, :]).clamp(min=0)  # i - j
    stats.content["dup"]["offsets"][:t] += torch.bincount(rel[None].expand_as(D)[D], minlength=t)[:t].double()
    key_ok = q_ok  # real, non-special keys
    back = (pos[None, :] <= pos[:, None])  # j <= i
    pair_ok = q_ok[:, :, None] & key_ok[:, None, :] & back[None]  # [B, i, j]
    stats.offset_n[:t] += torch.bincount(rel[None].expand_as(pair_ok)[pair_ok], minlength=t)[:t].double()
    rel_flat = rel.reshape(-1)
    # bracket pairs
    bp, others = [], []
    for b in range(B):
        n = int(att[b].sum())
        row = ids[b, :n].tolist()
        for i, j in bracket_pairs(row, opener_of):
            if j < i - 1:
                bp.append((b, i, j))
                o = [k for k in range(i) if row[k] == row[j] and k != j]
                if o:
                    others.append((b, i, o))
    if bp:
        bb = torch.tensor([p[0] for p in bp])
        bi = torch.tensor([p[1] for p in bp])
        bj = torch.tensor([p[2] for p in bp])
        b_n = torch.bincount(bb, minlength=B)
        b_chance = torch.zeros(B, dtype=torch.float64).index_add_(0, bb, 1.0 / lens[bb])
        stats.content["bracket"]["offsets"][:t] += torch.bincount(bi - bj, minlength=t)[:t].double()

    for layer, A in enumerate(parts["attn"]):
        A = A.double()  # [B, H, T, T]
        prev = F.pad(torch.diagonal(A, offset=-1, dim1=2, dim2=3), (1, 0))
        nxt = F.pad(torch.diagonal(A, offset=1, dim1=2, dim2=3), (0, 1))
        slf = torch.diagonal(A, dim1=2, dim2=3)
        cls = A[..., 0]
        sep = (A * is_sep[:, None, None, :]).sum(-1)
        w = (A * pair_ok[:, None].double()).sum(0).reshape(A.shape[1], -1)  # [H, T*T]
        stats.offset_sum[layer, :, :t] += torch.zeros(A.shape[1], t, dtype=torch.float64).index_add_(1, rel_flat, w)
        for name, m in zip(PATTERNS, (prev, nxt, slf, cls, sep)):
            stats.sums[name][layer] += (m * qm).sum((0, 2))
        dmass = (A * D[:, None].double()).sum(-1)  # [B, H, T]
        stats.add_content("dup", layer, (dmass * d_q[:, None]).sum(-1), d_chance.sum(-1), d_q.sum(-1))
        if bp:
            vals = A[bb, :, bi, bj]  # [P, H]
            per_seq = torch.zeros(B, A.shape[1], dtype=torch.float64).index_add_(0, bb, vals)
            stats.add_content("bracket", layer, per_seq, b_chance, b_n)
        for b, i, o in others:
            stats.other_sum[layer] += A[b, :, i, o].mean(-1)
    stats.other_n += len(others)
