#!/usr/bin/env bash
# The encoder's (or, with NAME=decoder, the decoder's) training run in one process on a CUDA GPU: minutes instead of CPU hours. Made for one call
# of the device tool from the repository root, e.g.
#   run  command: bash models/train/gpu_train.sh
#        carry:   models/train/data/encoded.npz  models/train/runs/everyday/tokenizer.json
#                 (and models/train/runs/everyday/checkpoint.pt to continue a CPU run)
# The corpus cannot be rebuilt there (no network), hence the packed encoded.npz (prepare.py writes it).
# Same recipe as run.sh (everyday_recipe.sh: steps, global batch, phases, mix, whole-word masking); only the random streams differ,
# since one process draws the batch that two CPU processes share there. The checkpoint and the log come back
# under $OUT.
set -euo pipefail
cd "$(dirname "$0")/../.."
PY=${PY:-python3}
NAME=${NAME:-everyday}
source models/train/everyday_recipe.sh
$PY -c "import torch, sys; sys.exit(0 if torch.cuda.is_available() else 'PyTorch sees no CUDA device here')"
# the CPU run's checkpoint has per-process random streams (rng_<rank>.<step>.pt); one process starts its own
mkdir -p "models/train/runs/$NAME"
if [ "$NAME" = decoder ]; then
  # the decoder (run_decoder.sh's recipe): carry models/train/runs/everyday/tokenizer.json, encoded.npz, and
  # models/train/runs/decoder/checkpoint.pt to continue a CPU run
  $PY models/train/train_decoder.py --name decoder --tokenizer models/train/runs/everyday/tokenizer.json \
    --steps "${STEPS_DECODER:-8000}" --batch 64 --procs 1 --resume --ckpt-every 1000 2>&1 | tee "models/train/runs/$NAME/gpu.log"
else
  $PY models/train/train.py --name "$NAME" --tokenizer "models/train/runs/$NAME/tokenizer.json" "${EVERYDAY_RECIPE[@]}" \
    --procs 1 --resume --ckpt-every 1000 2>&1 | tee "models/train/runs/$NAME/gpu.log"
fi
mkdir -p "${OUT:-out}"
cp "models/train/runs/$NAME/checkpoint.pt" "models/train/runs/$NAME/gpu.log" "${OUT:-out}/"
