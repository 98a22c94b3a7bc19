"""The tiny BERT-style encoder the extension ships.

Each part is the textbook piece an interview question asks about:
  token embedding x sqrt(d_model) + sinusoidal positional encoding + segment embedding,
  then LayerNorm and dropout; encoder blocks of multi-head scaled dot-product attention with a
  padding mask, a position-wise FFN, residual connections and LayerNorm; an MLM head tied to the
  token embeddings and an NSP head on [CLS].

Blocks are pre-LN (LayerNorm before each sub-layer, one final LayerNorm), see MODEL_CARD.md for why.
"""
import math
from dataclasses import asdict, dataclass

import torch
import torch.nn as nn
import torch.nn.functional as F


@dataclass
class Config:
    vocab_size: int = 8192
    hidden_size: int = 128
    num_layers: int = 4
    num_heads: int = 4
    intermediate_size: int = 512
    max_position_embeddings: int = 512
    type_vocab_size: int = 2
    dropout: float = 0.1  # on each sub-layer's output, before the residual sum
    embedding_dropout: float = 0.1  # after the embedding LayerNorm
    attention_dropout: float = 0.0
    layer_norm_eps: float = 1e-12
    # std of the token-embedding init; 0 means 1/sqrt(d_model) (unit scale after the x sqrt(d) scaling)
    token_init_std: float = 0.0

    def to_dict(self):
        return asdict(self)


def sinusoid_table(n_pos, d):
    """PE(pos, 2i) = sin(pos / 10000^(2i/d)), PE(pos, 2i+1) = cos(pos / 10000^(2i/d))."""
    pos = torch.arange(n_pos, dtype=torch.float32)[:, None]
    div = torch.exp(torch.arange(0, d, 2, dtype=torch.float32) * (-math.log(10000.0) / d))
    pe = torch.zeros(n_pos, d)
    pe[:, 0::2] = torch.sin(pos * div)
    pe[:, 1::2] = torch.cos(pos * div)
    return pe


class Attention(nn.Module):
    def __init__(self, c: Config):
        super().__init__()
        self.h, self.dk = c.num_heads, c.hidden_size // c.num_heads
        self.q = nn.Linear(c.hidden_size, c.hidden_size)
        self.k = nn.Linear(c.hidden_size, c.hidden_size)
        self.v = nn.Linear(c.hidden_size, c.hidden_size)
        self.o = nn.Linear(c.hidden_size, c.hidden_size)
        self.drop = nn.Dropout(c.attention_dropout)
        # set by export.py: project q, k and v with one matmul (see project_fused)
        self.fuse_qkv = False

    def split(self, x):
        b, t, _ = x.shape
        return x.view(b, t, self.h, self.dk).transpose(1, 2)  # [b, h, t, dk]

    def project_fused(self, x):
        """q, k and v from one matmul over the three weight matrices stacked: the same numbers as three
        Linears, but one MatMul, Add, Reshape and Transpose in the exported graph instead of three each,
        and then one Split. At 16-64 tokens each kernel is over in microseconds, so ONNX Runtime's cost
        per node is much of a run. The weights stay three parameters; ONNX Runtime folds the Concat."""
        b, t, _ = x.shape
        w = torch.cat([self.q.weight, self.k.weight, self.v.weight])
        bias = torch.cat([self.q.bias, self.k.bias, self.v.bias])
        qkv = F.linear(x, w, bias).view(b, t, 3 * self.h, self.dk).transpose(1, 2)  # [b, 3h, t, dk]
        return qkv.split(self.h, dim=1)

    def forward(self, x, mask_bias, head_mask=None):
        if self.fuse_qkv:
            q, k, v = self.project_fused(x)
        else:
            q, k, v = self.split(self.q(x)), self.split(self.k(x)), self.split(self.v(x))
        scores = q @ k.transpose(-1, -2) / math.sqrt(self.dk)
        # + -inf on padded keys: exp(-inf) = 0, so padding gets exactly zero weight (+ 0 leaves a score as it is)
        scores = scores + mask_bias
        probs = scores.softmax(-1)
        if head_mask is not None:
            # [heads] of 1 (keep) or 0 (off), as Hugging Face's BERT takes it: a head switched off adds
            # nothing to the layer's output, and its reported attention is zero
            probs = probs * head_mask[None, :, None, None]
        ctx = (self.drop(probs) @ v).transpose(1, 2).reshape(x.shape)
        return self.o(ctx), probs, q, k, v


class Block(nn.Module):
    def __init__(self, c: Config):
        super().__init__()
        self.ln1 = nn.LayerNorm(c.hidden_size, eps=c.layer_norm_eps)
        self.attn = Attention(c)
        self.ln2 = nn.LayerNorm(c.hidden_size, eps=c.layer_norm_eps)
        self.ff1 = nn.Linear(c.hidden_size, c.intermediate_size)
        self.ff2 = nn.Linear(c.intermediate_size, c.hidden_size)
        self.drop = nn.Dropout(c.dropout)

    def forward(self, x, mask_bias, head_mask=None):
        a, probs, q, k, v = self.attn(self.ln1(x), mask_bias, head_mask)
        a = self.drop(a)
        x = x + a
        f = self.drop(self.ff2(F.gelu(self.ff1(self.ln2(x)))))
        return x + f, a, f, probs, q, k, v


class TinyBert(nn.Module):
    def __init__(self, c: Config):
        super().__init__()
        self.c = c
        self.tok = nn.Embedding(c.vocab_size, c.hidden_size)
        self.seg = nn.Embedding(c.type_vocab_size, c.hidden_size)
        self.register_buffer("pe", sinusoid_table(c.max_position_embeddings, c.hidden_size), persistent=False)
        self.emb_ln = nn.LayerNorm(c.hidden_size, eps=c.layer_norm_eps)
        self.emb_drop = nn.Dropout(c.embedding_dropout)
        self.blocks = nn.ModuleList(Block(c) for _ in range(c.num_layers))
        self.final_ln = nn.LayerNorm(c.hidden_size, eps=c.layer_norm_eps)
        self.mlm_dense = nn.Linear(c.hidden_size, c.hidden_size)
        self.mlm_ln = nn.LayerNorm(c.hidden_size, eps=c.layer_norm_eps)
        self.mlm_bias = nn.Parameter(torch.zeros(c.vocab_size))
        self.pool = nn.Linear(c.hidden_size, c.hidden_size)
        self.nsp = nn.Linear(c.hidden_size, 2)
        self.reset_parameters()

    def reset_parameters(self):
        # BERT's N(0, 0.02) left every head near uniform in a probe run; 1/sqrt(fan_in) broke out.
        for m in self.modules():
            if isinstance(m, nn.Linear):
                nn.init.normal_(m.weight, std=m.in_features ** -0.5)
                nn.init.zeros_(m.bias)
        # Embeddings at std 1/sqrt(d): after the x sqrt(d) scaling each component has unit scale,
        # comparable to the sinusoid's values in [-1, 1].
        nn.init.normal_(self.tok.weight, std=self.c.token_init_std or self.c.hidden_size ** -0.5)
        nn.init.normal_(self.seg.weight, std=self.c.hidden_size ** -0.5)

    def embed(self, input_ids, token_type_ids, pos_scale):
        t = input_ids.shape[1]
        tok = self.tok(input_ids) * math.sqrt(self.c.hidden_size)
        pos = (self.pe[:t] * pos_scale)[None].expand_as(tok)
        seg = self.seg(token_type_ids)
        return tok, pos, seg

    def encode(self, input_ids, token_type_ids, attention_mask, pos_scale=1.0, keep=False, head_mask=None):
        tok, pos, seg = self.embed(input_ids, token_type_ids, pos_scale)
        emb_sum = tok + pos + seg
        x = self.emb_drop(self.emb_ln(emb_sum))
        # The padding mask as an additive bias, [batch, 1, 1, keys]: 0 for a token, -inf for padding. Made
        # once and broadcast by every layer's Add; a masked_fill on the [batch, heads, T, T] scores instead
        # exports as an ONNX Where, which ONNX Runtime runs several times slower than the Add. A Where on two
        # scalars broadcasts to the mask's shape, so the export needs no shape arithmetic to build it.
        key_is_pad = (attention_mask == 0)[:, None, None, :]
        mask_bias = torch.where(key_is_pad, tok.new_tensor(float("-inf")), tok.new_tensor(0.0))
        hidden, deltas, attn, qs, ks, vs = [x], [], [], [], [], []
        for layer, blk in enumerate(self.blocks):
            x, a, f, probs, q, k, v = blk(x, mask_bias, None if head_mask is None else head_mask[layer])
            if keep:
                hidden.append(x)
                deltas.append(a)
                attn.append(probs)
                qs.append(q)
                ks.append(k)
                vs.append(v)
        x = self.final_ln(x)
        parts = dict(tok=tok, pos=pos, seg=seg, emb_sum=emb_sum, hidden=hidden, attn_delta=deltas,
                     attn=attn, q=qs, k=ks, v=vs)
        return x, parts

    def mlm_logits(self, x):
        h = self.mlm_ln(F.gelu(self.mlm_dense(x)))
        return h @ self.tok.weight.t() + self.mlm_bias

    def nsp_logits(self, x):
        return self.nsp(torch.tanh(self.pool(x[:, 0])))


class ExportWrapper(nn.Module):
    """Named outputs for ONNX: everything the extension's views and labs replay."""

    def __init__(self, model: TinyBert):
        super().__init__()
        self.m = model

    def forward(self, input_ids, token_type_ids, attention_mask, pos_scale, head_mask, lens_position):
        x, p = self.m.encode(input_ids, token_type_ids, attention_mask, pos_scale, keep=True, head_mask=head_mask)
        outs = [self.m.mlm_logits(x), self.m.nsp_logits(x), p["tok"], p["pos"], p["seg"], p["emb_sum"]]
        outs += p["hidden"] + p["attn_delta"] + p["attn"] + p["q"] + p["k"] + p["v"]
        return tuple(outs) + (self.lens(p["hidden"], lens_position),)

    def lens(self, hidden, position):
        """The logit lens: the MLM head applied to the residual stream after the embeddings and after each
        layer, at one position, through the final LayerNorm as the model's own output goes: [batch, layers
        + 1, vocab]. The last row is the model's MLM output at that position."""
        at = torch.stack([h.index_select(1, position)[:, 0] for h in hidden], 1)  # [batch, layers + 1, d]
        return self.m.mlm_logits(self.m.final_ln(at))

    @staticmethod
    def output_names(n_layers):
        names = ["mlm_logits", "nsp_logits", "emb_token", "emb_position", "emb_segment", "emb_sum"]
        names += [f"hidden_{i}" for i in range(n_layers + 1)]
        for prefix in ("attn_delta", "attn", "q", "k", "v"):
            names += [f"{prefix}_{i}" for i in range(n_layers)]
        return names + ["lens_logits"]
