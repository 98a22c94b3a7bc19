#!/usr/bin/env python3
"""How a vocabulary splits everyday text it never saw: the figures the model card reports.

  pieces per word   everyday English (eval/everyday.en.txt): WordPiece tokens per word, punctuation apart
  [UNK] rate        everyday Chinese (eval/everyday.zh.txt): share of characters that become [UNK]
  GB 2312 level 1   how many of its 3,755 characters are in the vocabulary
  code              how a few lines of Python and TypeScript split

The eval/ texts were written for this check and are in no corpus source (build_corpus.py never reads eval/).

Usage: /usr/bin/python3 models/train/check_tokenizer.py [tokenizer.json] [--json out.json]
"""
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import wordpiece  # noqa: E402

ROOT = os.path.dirname(os.path.abspath(__file__))
CODE = '''def forward(self, x, attention_mask=None):
    scores = torch.matmul(q, k.transpose(-2, -1)) / math.sqrt(self.head_dim)
export function softmax(row: Float32Array): Float32Array { return row.map((v) => Math.exp(v)); }'''


def figures(tok):
    en = open(os.path.join(ROOT, "eval", "everyday.en.txt"), encoding="utf-8").read()
    zh = open(os.path.join(ROOT, "eval", "everyday.zh.txt"), encoding="utf-8").read()
    words = [w for w in wordpiece.pre_tokenize(en) if not (len(w) == 1 and wordpiece.is_punct(w))]
    pieces = sum(len(tok.word_ids(w)) for w in words)
    split = sorted({w for w in words if len(tok.word_ids(w)) > 1})
    chars = [c for c in zh if wordpiece.is_chinese_char(ord(c))]
    unk_chars = [c for c in chars if c not in tok.ids]
    gb = wordpiece.gb2312_level1()
    return {
        "en_words": len(words), "en_pieces_per_word": pieces / len(words),
        "en_split_words": split,
        "zh_chars": len(chars), "zh_unk_rate": len(unk_chars) / len(chars), "zh_unk_chars": sorted(set(unk_chars)),
        "gb2312_level1_in_vocab": sum(1 for c in gb if c in tok.ids), "gb2312_level1": len(gb),
        "code_tokens": [tok.vocab[i] for i in tok.encode(CODE)],
        "vocab_size": len(tok.vocab),
    }


def main():
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    path = args[0] if args else os.path.join(os.path.dirname(ROOT), "tiny-bert", "tokenizer.json")
    f = figures(wordpiece.load(path))
    print(f"vocabulary {f['vocab_size']}; everyday English: {f['en_pieces_per_word']:.3f} pieces per word "
          f"({f['en_words']} words); everyday Chinese: [UNK] {100 * f['zh_unk_rate']:.2f}% of {f['zh_chars']} characters; "
          f"GB 2312 level 1: {f['gb2312_level1_in_vocab']}/{f['gb2312_level1']} in the vocabulary")
    print("split words:", " ".join(f["en_split_words"][:80]))
    print("[UNK] characters:", "".join(f["zh_unk_chars"]))
    print("code:", " ".join(f["code_tokens"]))
    if "--json" in sys.argv:
        with open(sys.argv[sys.argv.index("--json") + 1], "w", encoding="utf-8") as out:
            json.dump(f, out, ensure_ascii=False, indent=1)


if __name__ == "__main__":
    main()
