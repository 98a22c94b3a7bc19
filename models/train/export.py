#!/usr/bin/env python3
"""Export a training checkpoint to models/tiny-bert/: model.onnx, config.json, reference.json.

Inputs (int64 [batch, seq]): input_ids, token_type_ids, attention_mask (1 = token, 0 = padding), and
`pos_scale` (float [1]; pass 1.0 normally, 0.0 switches the positional encoding off for the
permutation experiment). ONNX Runtime's Node binding only feeds the graph's declared inputs, so an
initializer-with-default would not be overridable from the extension: it is a plain input, and its
default is recorded in config.json under "input_defaults". Outputs by name, see model.ExportWrapper.output_names.

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
    inputs = (ids, torch.zeros_like(ids), torch.ones_like(ids), torch.tensor([1.0]))
    dyn = {n: {0: "batch", 1: "seq"} for n in ("input_ids", "token_type_ids", "attention_mask")}
    for n in names:
        if n == "nsp_logits":
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
    torch.onnx.export(wrapper, inputs, path, input_names=["input_ids", "token_type_ids", "attention_mask", "pos_scale"],
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
              "outputs": names, "input_defaults": {"pos_scale": [1.0]}, "trained_steps": st["step"]}
    with open(os.path.join(args.out, "config.json"), "w") as f:
        json.dump(config, f, indent=2)

    tok = wordpiece.load(os.path.join(args.out, "tokenizer.json"))
    refs = []
    batch_texts = [(REFERENCE_TEXTS[0], None), (REFERENCE_TEXTS[1], None), (REFERENCE_TEXTS[2], "位置编码告诉模型顺序。")]
    for group in (batch_texts[:1], batch_texts):  # batch of 1, and a padded batch of 3
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
            outs = dict(zip(names, wrapper(ids, seg, att, torch.tensor([1.0]))))
        n_layers = cfg.num_layers
        wanted = [f"attn_{i}" for i in range(n_layers)] + ["q_0", "k_0", "v_0", "hidden_0", f"hidden_{n_layers}",
                                                            "attn_delta_0", "emb_token", "emb_position", "emb_segment", "nsp_logits"]
        keep = {n: outs[n].numpy() for n in wanted}
        keep["mlm_logits"] = outs["mlm_logits"][..., :64].numpy()  # a slice keeps the file small
        refs.append({"input_ids": ids.tolist(), "token_type_ids": seg.tolist(), "attention_mask": att.tolist(),
                     "outputs": {n: {"dims": list(v.shape), "data": [float("%.7g" % x) for x in v.ravel()]} for n, v in keep.items()}})
    tokenization = [{"text": s, "ids": tok.encode(s)} for s in REFERENCE_TEXTS]
    with open(os.path.join(args.out, "reference.json"), "w") as f:
        json.dump({"note": "written by models/train/export.py from PyTorch", "cases": refs, "tokenization": tokenization}, f)
    print(f"exported step {st['step']} -> {path} ({os.path.getsize(path) / 1e6:.2f} MB)")


if __name__ == "__main__":
    main()
