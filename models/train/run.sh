#!/usr/bin/env bash
# The whole model pipeline, reproducible with a fixed seed: corpus -> tokenizer -> training ->
# ONNX export -> head analysis and model card. Resumes training from its last checkpoint.
set -euo pipefail
cd "$(dirname "$0")/../.."
PY=/usr/bin/python3   # Debian's python3 with python3-torch; another python3 on PATH may lack torch
export OPENBLAS_NUM_THREADS=${OPENBLAS_NUM_THREADS:-2} OMP_WAIT_POLICY=PASSIVE
$PY models/train/build_corpus.py
$PY models/train/prepare.py
$PY models/train/export_bpe.py
# no dropout inside the blocks (the card says why); two single-threaded data-parallel processes
# (faster than one process with two threads on two cores); about 2 h on two CPU cores
$PY models/train/train.py --name tiny-bert --steps 10500 --batch 64 --dropout 0 --procs 2 --threads 1 --resume
$PY models/train/export.py --run tiny-bert
$PY models/train/analyze_heads.py --run tiny-bert
