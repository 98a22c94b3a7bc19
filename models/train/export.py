#!/usr/bin/env python3
"""Export a training checkpoint to models/tiny-bert/: model.onnx, config.json, reference.json.

Inputs (int64 [batch, seq]): input_ids, token_type_ids, attention_mask (1 = token, 0 = padding);
`pos_scale` (float [1]; pass 1.0 normally, 0.0 switches the positional encoding off for the
permutation experiment); `head_mask` (float [layers, heads]; 1 keeps a head, 0 switches it off, as
Hugging Face's BERT takes it); `lens_position` (int64 [1]; the token whose logit lens `lens_logits`
gives). ONNX Runtime's Node binding only feeds the graph's declared inputs, so an
initializer-with-default would not be overridable from the extension: these are plain inputs, and their
defaults are recorded in config.json under "input_defaults". Outputs by name, see model.ExportWrapper.output_names.

reference.json holds inputs and PyTorch's outputs, so a test can check ONNX Runtime reproduces them,
and the Python tokenizer's ids for sample texts, so a test can check the TypeScript side agrees.

Usage: /usr/bin/python3 models/train/export.py [--run tiny-bert]
"""
import argparse
import json
import os
import sys

import numpy as np
import onnx
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import wordpiece  # noqa: E402
from lean_graph import fold_reshape_targets  # noqa: E402
from model import Config, ExportWrapper, TinyBert  # noqa: E402

ROOT = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(os.path.dirname(ROOT), "tiny-bert")

REFERENCE_TEXTS = [
    "The cat sat on the mat because it was tired.",
    "def forward(self, x):\n    return self.norm(x + self.attn(x))",
    "多头注意力让模型同时关注不同位置。",
    "const total = items.reduce((sum, item) => sum + item.price, 0);",
    "Emoji 🙂 and accents: café, naïve, Ångström; tabs\tand CRLF\r\nlines.",
    "مرحبا بالعالم and שלום mixed with English.",
]


def load_model(run):
    st = torch.load(os.path.join(ROOT, "runs", run, "checkpoint.pt"), map_location="cpu")
    cfg = Config(**st["config"])
    model = TinyBert(cfg)
    model.load_state_dict(st["model"])
    model.eval()
    return model, cfg, st


def check(path):
    onnx.checker.check_model(onnx.load(path))


def check_head_mask(wrapper, cfg):
    """An all-ones head_mask changes nothing, and a zero removes exactly that head's share of its layer's
    output (its context through its slice of the output projection) and nothing before it."""
    torch.manual_seed(0)
    ids = torch.randint(5, cfg.vocab_size, (2, 12))
    seg, att, pos = torch.zeros_like(ids), torch.ones_like(ids), torch.tensor([1.0])
    names = ExportWrapper.output_names(cfg.num_layers)
    with torch.no_grad():
        x, parts = wrapper.m.encode(ids, seg, att, pos, keep=True)
        ones = dict(zip(names, wrapper(ids, seg, att, pos, torch.ones(cfg.num_layers, cfg.num_heads), torch.tensor([0]))))
        assert all(torch.equal(a, b) for a, b in zip(parts["attn"] + parts["hidden"], [ones[f"attn_{i}"] for i in range(cfg.num_layers)] + [ones[f"hidden_{i}"] for i in range(cfg.num_layers + 1)]))
        assert torch.allclose(ones["lens_logits"][:, -1], wrapper.m.mlm_logits(x)[:, 0], atol=1e-5)
        layer, head = cfg.num_layers - 1, 1
        mask = torch.ones(cfg.num_layers, cfg.num_heads)
        mask[layer, head] = 0
        off = dict(zip(names, wrapper(ids, seg, att, pos, mask, torch.tensor([0]))))
        dk = cfg.hidden_size // cfg.num_heads
        ctx = ones[f"attn_{layer}"][:, head] @ ones[f"v_{layer}"][:, head]  # [b, t, dk]
        share = ctx @ wrapper.m.blocks[layer].attn.o.weight[:, head * dk:(head + 1) * dk].t()
        assert torch.allclose(ones[f"attn_delta_{layer}"] - off[f"attn_delta_{layer}"], share, atol=1e-5)
        assert off[f"attn_{layer}"][:, head].abs().max() == 0
        assert torch.equal(off[f"hidden_{layer}"], ones[f"hidden_{layer}"])
    print("head_mask: all ones changes nothing; a zero removes exactly that head's output")


def encode_pair(tok, a, b=None):
    ids = [2] + tok.encode(a) + [3]
    seg = [0] * len(ids)
    if b is not None:
        bi = tok.encode(b) + [3]
        ids += bi
        seg += [1] * len(bi)
    return ids, seg


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--run", default="tiny-bert")
    ap.add_argument("--out", default=OUT)
    args = ap.parse_args()
    model, cfg, st = load_model(args.run)
    os.makedirs(args.out, exist_ok=True)
    wrapper = ExportWrapper(model).eval()
    names = ExportWrapper.output_names(cfg.num_layers)
    ids = torch.tensor([[2, 10, 11, 12, 3, 13, 3]])
    all_heads = torch.ones(cfg.num_layers, cfg.num_heads)
    inputs = (ids, torch.zeros_like(ids), torch.ones_like(ids), torch.tensor([1.0]), all_heads, torch.tensor([0]))
    dyn = {n: {0: "batch", 1: "seq"} for n in ("input_ids", "token_type_ids", "attention_mask")}
    for n in names:
        if n in ("nsp_logits", "lens_logits"):
            dyn[n] = {0: "batch"}
        elif n.startswith(("attn_", "q_", "k_", "v_")) and not n.startswith("attn_delta"):
            dyn[n] = {0: "batch", 2: "seq"} if not n.startswith("attn_") else {0: "batch", 2: "seq", 3: "seq_k"}
        else:
            dyn[n] = {0: "batch", 1: "seq"}
    path = os.path.join(args.out, "model.onnx")
    # no constant folding: it would store a transposed copy of the tied embedding matrix (+4 MB);
    # ONNX Runtime folds it in memory when the session is created
    # The graph traces q, k and v as one matmul (Attention.project_fused) and its reshape targets are
    # folded into constants (lean_graph.py): fewer nodes, the same numbers. The references below come
    # from the model as trained, three Linears, so the tests check the export against that.
    for blk in model.blocks:
        blk.attn.fuse_qkv = True
    input_names = ["input_ids", "token_type_ids", "attention_mask", "pos_scale", "head_mask", "lens_position"]
    torch.onnx.export(wrapper, inputs, path, input_names=input_names,
                      output_names=names, dynamic_axes=dyn, opset_version=17, do_constant_folding=False)
    for blk in model.blocks:
        blk.attn.fuse_qkv = False
    lean = onnx.load(path)
    folded, before, after = fold_reshape_targets(lean)
    onnx.save(lean, path)
    print(f"reshape targets made constant: {folded}; nodes {before} -> {after}")
    check(path)
    wrapper.eval()  # torch.onnx.export restores the wrapper's (training) mode afterwards

    config = {**cfg.to_dict(), "model_type": "tiny-bert", "position_encoding": "sinusoidal",
              "embedding_scale": cfg.hidden_size ** 0.5, "norm_placement": "pre-LN",
              "special_tokens": {"pad": 0, "unk": 1, "cls": 2, "sep": 3, "mask": 4},
              "outputs": names, "trained_steps": st["step"],
              "input_defaults": {"pos_scale": [1.0], "head_mask": all_heads.tolist(), "lens_position": [0]}}
    with open(os.path.join(args.out, "config.json"), "w") as f:
        json.dump(config, f, indent=2)

    check_head_mask(wrapper, cfg)
    tok = wordpiece.load(os.path.join(args.out, "tokenizer.json"))
    refs = []
    batch_texts = [(REFERENCE_TEXTS[0], None), (REFERENCE_TEXTS[1], None), (REFERENCE_TEXTS[2], "位置编码告诉模型顺序。")]
    # a batch of 1, a padded batch of 3, and the batch of 1 again with one head switched off and the logit
    # lens at another token
    off = all_heads.clone()
    off[1, 2] = 0.0
    cases = [(batch_texts[:1], all_heads, 0), (batch_texts, all_heads, 0), (batch_texts[:1], off, 3)]
    for group, head_mask, lens_at in cases:
        enc = [encode_pair(tok, a, b) for a, b in group]
        t = max(len(e[0]) for e in enc)
        ids = torch.zeros((len(enc), t), dtype=torch.long)
        seg = torch.zeros_like(ids)
        att = torch.zeros_like(ids)
        for i, (x, s) in enumerate(enc):
            ids[i, :len(x)] = torch.tensor(x)
            seg[i, :len(s)] = torch.tensor(s)
            att[i, :len(x)] = 1
        with torch.no_grad():
            outs = dict(zip(names, wrapper(ids, seg, att, torch.tensor([1.0]), head_mask, torch.tensor([lens_at]))))
        n_layers = cfg.num_layers
        wanted = [f"attn_{i}" for i in range(n_layers)] + ["q_0", "k_0", "v_0", "hidden_0", f"hidden_{n_layers}",
                                                            "attn_delta_0", "emb_token", "emb_position", "emb_segment", "nsp_logits"]
        keep = {n: outs[n].numpy() for n in wanted}
        keep["mlm_logits"] = outs["mlm_logits"][..., :64].numpy()  # a slice keeps the file small
        keep["lens_logits"] = outs["lens_logits"][..., :64].numpy()
        refs.append({"input_ids": ids.tolist(), "token_type_ids": seg.tolist(), "attention_mask": att.tolist(),
                     "head_mask": head_mask.tolist(), "lens_position": [lens_at],
                     "outputs": {n: {"dims": list(v.shape), "data": [float("%.7g" % x) for x in v.ravel()]} for n, v in keep.items()}})
    tokenization = [{"text": s, "ids": tok.encode(s)} for s in REFERENCE_TEXTS]
    with open(os.path.join(args.out, "reference.json"), "w") as f:
        json.dump({"note": "written by models/train/export.py from PyTorch", "cases": refs, "tokenization": tokenization}, f)
    print(f"exported step {st['step']} -> {path} ({os.path.getsize(path) / 1e6:.2f} MB)")


if __name__ == "__main__":
    main()
