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
# (faster than one process with two threads on two cores); 1 h 50 min to 2 h 45 min on two CPU cores,
# depending on the machine. Then a warm restart from step 10,500 to 12,000: the learning rate goes back
# to where a 12,000-step decay has it and decays again (the card says why). Each line resumes from the
# last checkpoint, and does nothing once its steps are done.
ARGS="--name tiny-bert --batch 64 --dropout 0 --procs 2 --threads 1 --resume"
$PY models/train/train.py --steps 10500 $ARGS
$PY models/train/train.py --steps 12000 $ARGS
$PY models/train/export.py --run tiny-bert
$PY models/train/analyze_heads.py --run tiny-bert
