#!/usr/bin/env python3
"""Write models/tiny-bert/bpe_pieces.json: the BPE pieces learned on the same word counts as the
WordPiece vocabulary, in merge order (sentencepiece's score order). The extension's WordPiece-vs-BPE
lab applies them to the user's words, merge by merge. "\u2581" marks the start of a word.
"""
import json
import os
import random
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import wordpiece  # noqa: E402
from prepare import DATA, OUT, heldout  # noqa: E402


def main():
    docs = [json.loads(l) for l in open(os.path.join(DATA, "corpus.jsonl"), encoding="utf-8")]
    random.seed(0)
    sample = [u for d in docs if not heldout(d["src"]) for u in d["units"]]
    random.shuffle(sample)
    pieces = []
    wordpiece.train(sample[:1_500_000], pieces_out=pieces)
    with open(os.path.join(OUT, "bpe_pieces.json"), "w", encoding="utf-8") as f:
        json.dump({"note": "sentencepiece BPE pieces in merge order; \u2581 starts a word", "pieces": pieces}, f, ensure_ascii=False)
    print(f"{len(pieces)} BPE pieces -> {os.path.join(OUT, 'bpe_pieces.json')}")


if __name__ == "__main__":
    main()
