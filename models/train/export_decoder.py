#!/usr/bin/env python3
"""Export the decoder's checkpoint to models/tiny-gpt/: model.onnx, config.json, reference.json.

One graph serves a whole text and each step of generation with a KV cache:
  inputs   input_ids   int64 [batch, new]        the tokens to run (a whole text, or the one new token of a step)
           past_key    float [layers, batch, heads, past, head_dim]   keys of the tokens before them (past = 0: none)
           past_value  float, the same shape                          their values
  outputs  next_logits [batch, new, vocab]        the next-token logits after each new token
           present_key / present_value [layers, batch, heads, past + new, head_dim]: the cache after this run
           attn_N [batch, heads, new, past + new] the new tokens' attention over every token so far
           q_N, k_N, v_N [batch, heads, new, head_dim]: the new tokens' queries, keys and values
           hidden_N [batch, new, hidden] (N = 0..layers)
Positions continue from `past` (the sinusoid table row past + i), and the causal mask lets a new token see
the cache and the new tokens up to itself, so a run with the cache equals the whole text's run row for row;
this script checks that, and that the attention above the diagonal is exactly zero, before it writes anything.

reference.json holds PyTorch's outputs for a text and for a cached step, so a test can check ONNX Runtime.

Usage: /usr/bin/python3 models/train/export_decoder.py [--run decoder]
"""
import argparse
import json
import os
import shutil
import sys

import onnx
import torch
import torch.nn as nn

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import wordpiece  # noqa: E402
from decoder import TinyGpt  # noqa: E402
from lean_graph import fold_reshape_targets  # noqa: E402
from model import Config  # noqa: E402

ROOT = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(os.path.dirname(ROOT), "tiny-gpt")
CLS = 2
REFERENCE_TEXTS = ["The cat sat on the mat because it was tired.", "我们今天晚上在家吃饭。"]


class CachedDecoder(nn.Module):
    """TinyGpt's blocks run over new tokens with the keys and values of earlier ones given."""

    def __init__(self, model: TinyGpt):
        super().__init__()
        self.m = model

    def forward(self, input_ids, past_key, past_value):
        m, c = self.m, self.m.c
        past, new = past_key.shape[3], input_ids.shape[1]
        positions = torch.arange(new) + past
        x = m.emb_ln(m.tok(input_ids) * c.hidden_size ** 0.5 + m.pe.index_select(0, positions)[None])
        keys = torch.arange(new + past)
        # a new token at absolute position p sees keys 0..p: the cache and the new tokens up to itself
        blocked = keys[None, :] > positions[:, None]
        mask_bias = torch.where(blocked, x.new_tensor(float("-inf")), x.new_tensor(0.0))[None, None]
        hidden, attn, qs, ks, vs, pk, pv = [x], [], [], [], [], [], []
        for layer, blk in enumerate(m.blocks):
            a = blk.attn
            h = blk.ln1(x)
            q, k, v = a.split(a.q(h)), a.split(a.k(h)), a.split(a.v(h))
            k_all = torch.cat([past_key[layer], k], 2)
            v_all = torch.cat([past_value[layer], v], 2)
            probs = (q @ k_all.transpose(-1, -2) / a.dk ** 0.5 + mask_bias).softmax(-1)
            ctx = (probs @ v_all).transpose(1, 2).reshape(x.shape)
            x = x + a.o(ctx)
            x = x + blk.ff2(torch.nn.functional.gelu(blk.ff1(blk.ln2(x))))
            hidden.append(x)
            attn.append(probs)
            qs.append(q)
            ks.append(k)
            vs.append(v)
            pk.append(k_all)
            pv.append(v_all)
        return (m.lm_logits(x), torch.stack(pk), torch.stack(pv), *attn, *qs, *ks, *vs, *hidden)

    @staticmethod
    def output_names(n_layers):
        names = ["next_logits", "present_key", "present_value"]
        for prefix in ("attn", "q", "k", "v"):
            names += [f"{prefix}_{i}" for i in range(n_layers)]
        return names + [f"hidden_{i}" for i in range(n_layers + 1)]


def empty_cache(cfg, batch=1):
    dk = cfg.hidden_size // cfg.num_heads
    z = torch.zeros(cfg.num_layers, batch, cfg.num_heads, 0, dk)
    return z, z.clone()


def self_check(wrapper, model, cfg, ids):
    """The cached run equals the plain decoder, with and without a cache, and nothing above the diagonal."""
    names = CachedDecoder.output_names(cfg.num_layers)
    with torch.no_grad():
        x, parts = model.decode(ids, torch.ones_like(ids), keep=True)
        full = dict(zip(names, wrapper(ids, *empty_cache(cfg))))
        assert torch.allclose(full["next_logits"], model.lm_logits(x), atol=1e-5)
        for i, a in enumerate(parts["attn"]):
            assert torch.allclose(full[f"attn_{i}"], a, atol=1e-6)
            assert full[f"attn_{i}"].triu(1).abs().max() == 0
        split = ids.shape[1] - 3
        first = dict(zip(names, wrapper(ids[:, :split], *empty_cache(cfg))))
        rest = dict(zip(names, wrapper(ids[:, split:], first["present_key"], first["present_value"])))
        assert torch.allclose(rest["next_logits"], full["next_logits"][:, split:], atol=1e-5)
        assert torch.allclose(rest["attn_0"], full["attn_0"][:, :, split:], atol=1e-5)
        # keys reach ~10 in size: float32 rounding of the two paths differs by ~1e-6 relative
        assert torch.allclose(rest["present_key"], full["present_key"], rtol=1e-5, atol=1e-5)
    print("cached decoder: equals the whole-text run; attention above the diagonal is exactly zero")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--run", default="decoder")
    ap.add_argument("--out", default=OUT)
    ap.add_argument("--tokenizer", default=os.path.join(ROOT, "runs", "everyday", "tokenizer.json"))
    args = ap.parse_args()
    st = torch.load(os.path.join(ROOT, "runs", args.run, "checkpoint.pt"), map_location="cpu")
    cfg = Config(**st["config"])
    model = TinyGpt(cfg)
    model.load_state_dict(st["model"])
    model.eval()
    wrapper = CachedDecoder(model).eval()
    tok = wordpiece.load(args.tokenizer)
    texts = [[CLS] + tok.encode(s) for s in REFERENCE_TEXTS]
    self_check(wrapper, model, cfg, torch.tensor([texts[0]]))

    os.makedirs(args.out, exist_ok=True)
    names = CachedDecoder.output_names(cfg.num_layers)
    dyn = {"input_ids": {0: "batch", 1: "new"}, "past_key": {1: "batch", 3: "past"}, "past_value": {1: "batch", 3: "past"}}
    for n in names:
        if n in ("present_key", "present_value"):
            dyn[n] = {1: "batch", 3: "all"}
        elif n.startswith("attn_"):
            dyn[n] = {0: "batch", 2: "new", 3: "all"}
        elif n.startswith(("q_", "k_", "v_")):
            dyn[n] = {0: "batch", 2: "new"}
        else:
            dyn[n] = {0: "batch", 1: "new"}
    path = os.path.join(args.out, "model.onnx")
    example = torch.tensor([texts[0][:5]])
    pk, pv = wrapper(example[:, :3], *empty_cache(cfg))[1:3]
    # traced with a non-empty cache so that the Concat and the position offset stay in the graph
    torch.onnx.export(wrapper, (example[:, 3:], pk, pv), path, input_names=["input_ids", "past_key", "past_value"],
                      output_names=names, dynamic_axes=dyn, opset_version=17, do_constant_folding=False)
    graph = onnx.load(path)
    folded, before, after = fold_reshape_targets(graph)
    onnx.save(graph, path)
    onnx.checker.check_model(onnx.load(path))
    print(f"reshape targets made constant: {folded}; nodes {before} -> {after}")

    config = {**cfg.to_dict(), "model_type": "tiny-gpt", "position_encoding": "sinusoidal",
              "embedding_scale": cfg.hidden_size ** 0.5, "norm_placement": "pre-LN", "causal": True,
              "special_tokens": {"pad": 0, "unk": 1, "cls": 2, "sep": 3, "mask": 4}, "begin_token": "[CLS]",
              "outputs": names, "trained_steps": st["step"]}
    with open(os.path.join(args.out, "config.json"), "w") as f:
        json.dump(config, f, indent=2)
    shutil.copyfile(args.tokenizer, os.path.join(args.out, "tokenizer.json"))

    refs = []
    keep = [f"attn_{i}" for i in range(cfg.num_layers)] + ["q_0", "k_1", "v_2", "hidden_0", f"hidden_{cfg.num_layers}"]
    with torch.no_grad():
        for ids in texts:
            x = torch.tensor([ids])
            split = len(ids) - 2
            full = dict(zip(names, wrapper(x, *empty_cache(cfg))))
            first = dict(zip(names, wrapper(x[:, :split], *empty_cache(cfg))))
            step = dict(zip(names, wrapper(x[:, split:], first["present_key"], first["present_value"])))
            for out, part, past in ((full, ids, 0), (step, ids[split:], split)):
                data = {n: out[n].numpy() for n in keep}
                data["next_logits"] = out["next_logits"][..., :64].numpy()  # a slice keeps the file small
                data["next_top"] = out["next_logits"][0, -1].topk(5).indices.numpy().astype("float32")
                data["present_key"] = out["present_key"].numpy()
                refs.append({"input_ids": [part], "past": past, "text_ids": ids,
                             "outputs": {n: {"dims": list(v.shape), "data": [float("%.7g" % y) for y in v.ravel()]}
                                         for n, v in data.items()}})
    with open(os.path.join(args.out, "reference.json"), "w") as f:
        json.dump({"note": "written by models/train/export_decoder.py from PyTorch", "cases": refs}, f)
    print(f"exported step {st['step']} -> {path} ({os.path.getsize(path) / 1e6:.2f} MB)")


if __name__ == "__main__":
    main()
