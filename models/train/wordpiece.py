"""A cased BERT WordPiece tokenizer: training, encoding, and saving as HuggingFace tokenizer.json.

HuggingFace's `tokenizers` is not in Debian, so the pipeline is written out here and mirrors what
`@huggingface/tokenizers` does in the extension (BertNormalizer without lowercasing, BertPreTokenizer,
greedy longest-match WordPiece). A TypeScript test checks both sides give the same ids.

The vocabulary is learned with sentencepiece's BPE on pre-tokenized words: a piece that starts a
word becomes a WordPiece word-initial token, any other piece a `##` continuation.
"""
import collections
import json
import os
import sys
import tempfile
import unicodedata

SPECIALS = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
MAX_WORD_CHARS = 100


def is_chinese_char(cp):
    # Same ranges as BERT; the JS port tests UTF-16 code units, so only BMP characters count.
    return (0x4E00 <= cp <= 0x9FFF or 0x3400 <= cp <= 0x4DBF or 0xF900 <= cp <= 0xFAFF)


_JS_SPACE = set(" \f\n\r\t\v\u00a0\u1680\u2028\u2029\u202f\u205f\u3000\ufeff") | {chr(c) for c in range(0x2000, 0x200B)}


def is_punct(ch):
    cp = ord(ch)
    if 0x21 <= cp <= 0x2F or 0x3A <= cp <= 0x40 or 0x5B <= cp <= 0x60 or 0x7B <= cp <= 0x7E:
        return True
    return unicodedata.category(ch).startswith("P")


def normalize(text):
    out = []
    for ch in text:
        cp = ord(ch)
        if cp == 0 or cp == 0xFFFD:
            continue
        if ch not in "\t\n\r" and unicodedata.category(ch) in ("Cc", "Cf", "Co", "Cs"):
            continue
        if ch in _JS_SPACE:
            out.append(" ")
        elif is_chinese_char(cp):
            out.append(" " + ch + " ")
        else:
            out.append(ch)
    return "".join(out)


def pre_tokenize(text):
    """Words: runs of non-space non-punctuation characters, and each punctuation mark alone."""
    words, cur = [], []
    for ch in normalize(text):
        if ch == " ":
            if cur:
                words.append("".join(cur))
                cur = []
        elif is_punct(ch):
            if cur:
                words.append("".join(cur))
                cur = []
            words.append(ch)
        else:
            cur.append(ch)
    if cur:
        words.append("".join(cur))
    return words


class WordPiece:
    def __init__(self, vocab):
        self.vocab = vocab  # list of tokens, index = id
        self.ids = {t: i for i, t in enumerate(vocab)}
        self.unk = self.ids["[UNK]"]
        self.cache = {}

    def word_ids(self, word):
        hit = self.cache.get(word)
        if hit is not None:
            return hit
        if len(word) > MAX_WORD_CHARS:
            res = [self.unk]
        else:
            res, start = [], 0
            while start < len(word):
                end, found = len(word), None
                while start < end:
                    sub = word[start:end] if start == 0 else "##" + word[start:end]
                    if sub in self.ids:
                        found = self.ids[sub]
                        break
                    end -= 1
                if found is None:
                    res = [self.unk]
                    break
                res.append(found)
                start = end
        if len(self.cache) < 2_000_000:
            self.cache[word] = res
        return res

    def encode(self, text):
        out = []
        for w in pre_tokenize(text):
            out.extend(self.word_ids(w))
        return out


def gb2312_level1():
    """The 3,755 characters of GB 2312 level 1 (rows 16-55): the common characters of modern Chinese,
    read from Python's own codec so the list needs no download."""
    out = []
    for row in range(0xB0, 0xD8):
        for cell in range(0xA1, 0xFF):
            try:
                out.append(bytes([row, cell]).decode("gb2312"))
            except UnicodeDecodeError:
                pass  # row 55 ends at cell 89
    return out


def train(texts, vocab_size=8192, cjk_chars=1800, min_char_count=30, pieces_out=None, required_cjk=()):
    """Learn a vocabulary: specials, frequent characters (both forms), CJK characters (every required
    one, then the corpus's most frequent up to cjk_chars), BPE pieces."""
    import sentencepiece as spm

    words = collections.Counter()
    for t in texts:
        words.update(pre_tokenize(t))
    chars = collections.Counter()
    for w, n in words.items():
        for ch in w:
            chars[ch] += n
    cjk = list(dict.fromkeys(required_cjk))
    cjk += [c for c, _ in chars.most_common() if is_chinese_char(ord(c)) and c not in set(cjk)][:max(0, cjk_chars - len(cjk))]
    alphabet = sorted(c for c, n in chars.items() if n >= min_char_count and not is_chinese_char(ord(c)))
    vocab = list(SPECIALS)
    vocab += alphabet + ["##" + c for c in alphabet if not is_punct(c)] + cjk
    budget = vocab_size - len(vocab)
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "words.txt")
        with open(path, "w", encoding="utf-8") as f:
            # word<TAB>count: sentencepiece learns from the exact word frequencies
            for w, n in words.most_common(400_000):
                if is_chinese_char(ord(w[0])) or len(w) == 1:
                    continue
                f.write(f"{w}\t{n}\n")
        spm.SentencePieceTrainer.train(
            input=path, input_format="tsv", model_prefix=os.path.join(tmp, "sp"), model_type="bpe",
            vocab_size=budget + 200, character_coverage=1.0, split_by_whitespace=True,
            split_digits=False, max_sentencepiece_length=16, input_sentence_size=3_000_000,
            shuffle_input_sentence=True, bos_id=-1, eos_id=-1, unk_id=0, minloglevel=2,
            num_threads=2, hard_vocab_limit=False)
        sp = spm.SentencePieceProcessor(model_file=os.path.join(tmp, "sp.model"))
        if pieces_out is not None:  # the BPE pieces in merge order, for the WordPiece-vs-BPE lab
            pieces_out.extend(sp.id_to_piece(i) for i in range(sp.get_piece_size()) if not sp.is_unknown(i))
        seen = set(vocab)
        for i in range(sp.get_piece_size()):
            piece = sp.id_to_piece(i)
            if sp.is_unknown(i) or piece == "\u2581":
                continue
            tok = piece[1:] if piece.startswith("\u2581") else "##" + piece
            if tok not in seen:
                vocab.append(tok)
                seen.add(tok)
            if len(vocab) >= vocab_size:
                break
    return vocab


def tokenizer_json(vocab):
    """The HuggingFace tokenizer.json for this vocabulary (BERT pipeline, cased)."""
    ids = {t: i for i, t in enumerate(vocab)}
    return {
        "version": "1.0",
        "truncation": None,
        "padding": None,
        "added_tokens": [{"id": ids[t], "content": t, "single_word": False, "lstrip": False, "rstrip": False,
                          "normalized": False, "special": True} for t in SPECIALS],
        "normalizer": {"type": "BertNormalizer", "clean_text": True, "handle_chinese_chars": True,
                       "strip_accents": False, "lowercase": False},
        "pre_tokenizer": {"type": "BertPreTokenizer"},
        "post_processor": {
            "type": "TemplateProcessing",
            "single": [{"SpecialToken": {"id": "[CLS]", "type_id": 0}}, {"Sequence": {"id": "A", "type_id": 0}},
                       {"SpecialToken": {"id": "[SEP]", "type_id": 0}}],
            "pair": [{"SpecialToken": {"id": "[CLS]", "type_id": 0}}, {"Sequence": {"id": "A", "type_id": 0}},
                     {"SpecialToken": {"id": "[SEP]", "type_id": 0}}, {"Sequence": {"id": "B", "type_id": 1}},
                     {"SpecialToken": {"id": "[SEP]", "type_id": 1}}],
            "special_tokens": {t: {"id": t, "ids": [ids[t]], "tokens": [t]} for t in ("[CLS]", "[SEP]")},
        },
        "decoder": {"type": "WordPiece", "prefix": "##", "cleanup": True},
        "model": {"type": "WordPiece", "unk_token": "[UNK]", "continuing_subword_prefix": "##",
                  "max_input_chars_per_word": MAX_WORD_CHARS, "vocab": ids},
    }


def save(vocab, path):
    with open(path, "w", encoding="utf-8") as f:
        json.dump(tokenizer_json(vocab), f, ensure_ascii=False, separators=(",", ":"))


def load(path):
    with open(path, encoding="utf-8") as f:
        ids = json.load(f)["model"]["vocab"]
    vocab = [None] * len(ids)
    for t, i in ids.items():
        vocab[i] = t
    return WordPiece(vocab)


if __name__ == "__main__":
    tok = load(sys.argv[1])
    for line in sys.argv[2:]:
        print([tok.vocab[i] for i in tok.encode(line)])
