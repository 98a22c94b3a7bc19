# The everyday encoder's training recipe, sourced by run.sh (two CPU processes) and gpu_train.sh (one GPU
# process), so both train the same schedule and mix. 29,000 steps of 64 pairs in three phases:
# - steps 0-20,000: learning rate 2e-3 after a 300-step warm-up, decaying linearly;
# - 20,000-26,000 (session 12): warmed up again to 1e-3 and decaying linearly, as the decoder's second phase
#   lowered its held-out loss;
# - 26,000-29,000 (session 13): warmed up again to 8e-4, on the mix as planned. build_corpus.py's weights are set
#   on characters and drew technical Chinese at 30% of the tokens against 13% planned, so the groups are drawn
#   at shares of tokens, everyday English a little above its plan, and fortunes-zh's files, read twice (once
#   misread as English), are read once.
EVERYDAY_RECIPE=(--wwm --steps 29000 --batch 64 --dropout 0
  --phase1-steps 20000 --phase2-start 20000 --phase2-lr 1e-3
  --phase3-start 26000 --phase3-lr 8e-4
  --phase3-shares everyday-en=0.32,everyday-zh=0.23,tech-en=0.08,tech-zh=0.15,code=0.22
  --phase3-exclude 'games/fortunes/(chinese|tang300|song100)#')
