#!/usr/bin/env bash
# Copies a training run's latest checkpoint into models/train/resume/<name>/ (tracked by git), with the
# random streams of the same step, its tokenizer and log, and the packed corpus it trains on, so that a
# later session (whose checkout has no runs/ or data/) resumes exactly where this one stopped: run.sh
# copies them back. The trainer keeps writing while this runs, so the checkpoint is copied first and the
# streams are taken for the step it holds (they stay on disk until the next checkpoint is in place).
set -euo pipefail
cd "$(dirname "$0")"
NAME=${1:-everyday}
RUN=runs/$NAME
OUT=resume/$NAME
mkdir -p "$OUT"
cp "$RUN/checkpoint.pt" "$OUT/checkpoint.pt.tmp"
STEP=$(/usr/bin/python3 -c "import torch, sys; print(torch.load(sys.argv[1])['step'])" "$OUT/checkpoint.pt.tmp")
rm -f "$OUT"/rng_*.pt
for f in "$RUN"/rng_*."$STEP".pt; do [ -e "$f" ] && cp "$f" "$OUT/"; done
mv "$OUT/checkpoint.pt.tmp" "$OUT/checkpoint.pt"
cp "$RUN/train.log" "$OUT/"
# the decoder's run reads the encoder's tokenizer and packed corpus (resume/everyday has both): only the
# run that owns them carries them
[ -f "$RUN/tokenizer.json" ] && cp "$RUN/tokenizer.json" "$OUT/"
if [ -f "$RUN/tokenizer.json" ] && [ -f data/encoded.npz ]; then cp data/encoded.npz "$OUT/encoded.npz"; fi
echo "snapshot of $NAME at step $STEP in $OUT"
