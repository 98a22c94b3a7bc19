"""The encoded corpus on disk, in two forms with the same content.

encoded.pt   what prepare.py writes: {"train"|"heldout": [{"kind", "group", "weight", "src", "units": [int16 ids]}]}
encoded.npz  the same packed into a few flat arrays (about a third of the size): small enough to travel
             with the working tree to a GPU machine, where the corpus cannot be rebuilt (no network).
load() reads whichever is there, preferring encoded.pt.
"""
import os

import numpy as np
import torch

DATA = os.path.join(os.path.dirname(os.path.abspath(__file__)), "data")


def pack(data, path):
    arrays = {}
    for split, docs in data.items():
        units = [u for d in docs for u in d["units"]]
        arrays[f"{split}_ids"] = np.concatenate(units).astype(np.int16)
        arrays[f"{split}_unit_len"] = np.array([len(u) for u in units], dtype=np.int32)
        arrays[f"{split}_doc_units"] = np.array([len(d["units"]) for d in docs], dtype=np.int32)
        arrays[f"{split}_weight"] = np.array([d.get("weight", 1.0) for d in docs], dtype=np.float32)
        arrays[f"{split}_kind"] = np.array([d["kind"] for d in docs])
        arrays[f"{split}_group"] = np.array([d.get("group", d["kind"]) for d in docs])
        arrays[f"{split}_src"] = np.array([d["src"] for d in docs])
    np.savez_compressed(path, **arrays)


def unpack(path):
    z = dict(np.load(path))  # an NpzFile decompresses an array again on every lookup
    out = {}
    for split in ("train", "heldout"):
        ids = z[f"{split}_ids"]
        bounds = np.concatenate([[0], np.cumsum(z[f"{split}_unit_len"])])
        units = [ids[bounds[i]:bounds[i + 1]] for i in range(len(bounds) - 1)]
        docs, u = [], 0
        for i, n in enumerate(z[f"{split}_doc_units"]):
            docs.append({"kind": str(z[f"{split}_kind"][i]), "group": str(z[f"{split}_group"][i]),
                         "weight": float(z[f"{split}_weight"][i]), "src": str(z[f"{split}_src"][i]),
                         "units": units[u:u + n]})
            u += n
        out[split] = docs
    return out


def load():
    pt = os.path.join(DATA, "encoded.pt")
    return torch.load(pt) if os.path.exists(pt) else unpack(os.path.join(DATA, "encoded.npz"))
