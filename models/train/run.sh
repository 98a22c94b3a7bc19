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
# (faster than one process with two threads on two cores); 2 to 3.5 h on two CPU cores, depending on the
# machine. 10,500 steps, then warm restarts to 12,000, 13,000 and 14,000: each time the learning rate goes back
# to where a decay over the new length has it and decays again (the card says why). Each line resumes
# from the last checkpoint, and does nothing once its steps are done.
ARGS="--name tiny-bert --batch 64 --dropout 0 --procs 2 --threads 1 --resume"
for steps in 10500 12000 13000 14000; do $PY models/train/train.py --steps $steps $ARGS; done
$PY models/train/export.py --run tiny-bert
$PY models/train/analyze_heads.py --run tiny-bert
