#!/usr/bin/env bash
# The decoder's pipeline: the encoder's corpus and tokenizer (from run.sh's run or its snapshot) -> causal-LM
# training -> evaluation against a bigram baseline -> ONNX export with a KV cache. Resumes training from its
# last checkpoint, or from the snapshot in models/train/resume/decoder/ (snapshot.sh decoder) in a fresh checkout.
set -euo pipefail
cd "$(dirname "$0")/../.."
PY=/usr/bin/python3
export OPENBLAS_NUM_THREADS=${OPENBLAS_NUM_THREADS:-1} OMP_WAIT_POLICY=PASSIVE
ENC=models/train/runs/everyday
RUN=models/train/runs/decoder
mkdir -p $ENC $RUN models/train/data
[ -f $ENC/tokenizer.json ] || cp models/train/resume/everyday/tokenizer.json $ENC/
[ -f models/train/data/encoded.npz ] || cp models/train/resume/everyday/encoded.npz models/train/data/
SNAP=models/train/resume/decoder
if [ ! -f $RUN/checkpoint.pt ] && [ -f $SNAP/checkpoint.pt ]; then
  cp $SNAP/checkpoint.pt $SNAP/rng_*.pt $SNAP/train.log $RUN/
fi
# the encoder's recipe where it applies (two single-threaded processes, batch 64 of 128 tokens, peak lr 2e-3,
# linear decay), 8,000 steps, a checkpoint every 250; MASTER_PORT apart from the encoder's so both can run.
# A second phase from step 8,000 (no induction head had formed): 30% of the windows end by repeating a span
# of their own text, lr back up to 1e-3 and decaying to step 13,000.
MASTER_PORT=${MASTER_PORT:-29841} $PY models/train/train_decoder.py --name decoder --steps 13000 --batch 64 \
  --procs 2 --threads 1 --resume --ckpt-every 250 --phase1-steps 8000 --phase2-start 8000 --phase2-lr 1e-3 \
  --repeat-frac 0.3 --repeat-from 8000 2>&1 | tee -a $RUN/train.log
$PY models/train/decoder_eval.py --run decoder --json $RUN/decoder_eval.json
$PY models/train/export_decoder.py --run decoder
