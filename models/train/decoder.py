"""The tiny GPT-style decoder beside the encoder: the same blocks, tokenizer and sizes, read left to right.

What differs from TinyBert is what a decoder interview question asks about:
  - a causal mask: position i attends to keys 0..i only (an additive -inf above the diagonal, in the same
    place as the encoder's padding bias), so the model can be trained on every position of a text at once;
  - no segments, no NSP, no [MASK]: the objective is the next token, and the output head is the token
    embedding matrix again (tied), after the final LayerNorm, so the "logit lens" applies the model's own
    head to any layer's residual stream.
Blocks (pre-LN attention + FFN), positions (sinusoidal, scaled by pos_scale) and the embedding scale are the
encoder's own (model.Block), so the two models can be compared head for head.
"""
import torch
import torch.nn as nn

from model import Block, Config, sinusoid_table


class TinyGpt(nn.Module):
    def __init__(self, c: Config):
        super().__init__()
        self.c = c
        self.tok = nn.Embedding(c.vocab_size, c.hidden_size)
        self.register_buffer("pe", sinusoid_table(c.max_position_embeddings, c.hidden_size), persistent=False)
        self.emb_ln = nn.LayerNorm(c.hidden_size, eps=c.layer_norm_eps)
        self.emb_drop = nn.Dropout(c.embedding_dropout)
        self.blocks = nn.ModuleList(Block(c) for _ in range(c.num_layers))
        self.final_ln = nn.LayerNorm(c.hidden_size, eps=c.layer_norm_eps)
        self.lm_bias = nn.Parameter(torch.zeros(c.vocab_size))
        for m in self.modules():  # as TinyBert: 1/sqrt(fan_in) breaks the uniform-attention plateau
            if isinstance(m, nn.Linear):
                nn.init.normal_(m.weight, std=m.in_features ** -0.5)
                nn.init.zeros_(m.bias)
        nn.init.normal_(self.tok.weight, std=c.token_init_std or c.hidden_size ** -0.5)

    def decode(self, input_ids, attention_mask, pos_scale=1.0, keep=False):
        t = input_ids.shape[1]
        tok = self.tok(input_ids) * self.c.hidden_size ** 0.5
        pos = self.pe[:t][None] * pos_scale
        x = self.emb_drop(self.emb_ln(tok + pos))
        # causal (keys after the query) and padding (padded keys) as one additive bias, [batch, 1, T, T]
        future = torch.ones(t, t, dtype=torch.bool, device=input_ids.device).triu(1)
        blocked = future[None, None] | (attention_mask == 0)[:, None, None, :]
        mask_bias = torch.where(blocked, tok.new_tensor(float("-inf")), tok.new_tensor(0.0))
        hidden, attn, qs, ks, vs = [x], [], [], [], []
        for blk in self.blocks:
            x, _, _, probs, q, k, v = blk(x, mask_bias)
            if keep:
                hidden.append(x)
                attn.append(probs)
                qs.append(q)
                ks.append(k)
                vs.append(v)
        return x, dict(tok=tok, pos=pos, hidden=hidden, attn=attn, q=qs, k=ks, v=vs)

    def lm_logits(self, x):
        """The next-token head on any residual stream: the final LayerNorm, then the tied embeddings."""
        return self.final_ln(x) @ self.tok.weight.t() + self.lm_bias


def config_for(vocab_size, layers=4, heads=4, hidden=128, dropout=0.0):
    return Config(vocab_size=vocab_size, num_layers=layers, num_heads=heads, hidden_size=hidden,
                  intermediate_size=4 * hidden, dropout=dropout, embedding_dropout=0.1, type_vocab_size=1)
