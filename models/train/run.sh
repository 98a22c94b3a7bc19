#!/usr/bin/env bash
# The whole model pipeline, reproducible with a fixed seed: corpus -> tokenizer -> training ->
# ONNX export -> head analysis and model card. Resumes training from its last checkpoint.
set -euo pipefail
cd "$(dirname "$0")/../.."
PY=/usr/bin/python3   # Debian's python3 with python3-torch; another python3 on PATH may lack torch
export OPENBLAS_NUM_THREADS=${OPENBLAS_NUM_THREADS:-1} OMP_WAIT_POLICY=PASSIVE
RUN=models/train/runs/everyday
# The run spans sessions: its checkpoint, tokenizer and the packed corpus it trains on (data/encoded.npz) are
# committed, so a later session resumes on exactly the same tokens; the corpus is built and encoded only
# when there is none. The vocabulary is learned once (prepare.py keeps an existing tokenizer.json).
# A fresh checkout has only the snapshot in models/train/resume/ (snapshot.sh): put it back in place first.
SNAP=models/train/resume/everyday
if [ ! -f $RUN/checkpoint.pt ] && [ -f $SNAP/checkpoint.pt ]; then
  mkdir -p $RUN models/train/data
  cp $SNAP/checkpoint.pt $SNAP/rng_*.pt $SNAP/tokenizer.json $SNAP/train.log $RUN/
  [ -f models/train/data/encoded.npz ] || cp $SNAP/encoded.npz models/train/data/
fi
if [ ! -f models/train/data/encoded.npz ]; then
  $PY models/train/build_corpus.py
  $PY models/train/prepare.py --tokenizer $RUN/tokenizer.json
fi
$PY models/train/check_tokenizer.py $RUN/tokenizer.json --json $RUN/tokenizer_check.json
# two single-threaded data-parallel processes (faster than one process with two threads on two cores), no
# dropout inside the blocks, whole-word masking, in three phases (everyday_recipe.sh); resumed from the last
# checkpoint (one every 250 steps), so the run may span several sessions. gpu_train.sh runs the same recipe on a
# GPU in one call.
source models/train/everyday_recipe.sh
$PY models/train/train.py --name everyday --tokenizer $RUN/tokenizer.json "${EVERYDAY_RECIPE[@]}" \
  --procs 2 --threads 1 --resume --ckpt-every 250
$PY models/train/everyday_eval.py --run everyday --json $RUN/everyday_eval.json
cp $RUN/tokenizer.json models/tiny-bert/tokenizer.json
$PY models/train/export.py --run everyday
# the labs' BPE pieces depend on the corpus alone: a session that resumed from the snapshot has no corpus.jsonl
if [ -f models/train/data/corpus.jsonl ]; then $PY models/train/export_bpe.py; fi
$PY models/train/analyze_heads.py --run everyday
