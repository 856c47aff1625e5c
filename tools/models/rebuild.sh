#!/usr/bin/env bash
# `npm run models`: rebuilds corpus, tokenizers, baselines, the CPU-trained embedded models
# (sotu-gpt, sotu-bytes, sotu-llama), their fixtures and cards from scratch, on CPU. Training
# resumes from .cache/train/<id>/ if a run was stopped; move that folder away to start afresh.
#   MODELS="sotu-llama" limits the run to those models (default: all three).
#   THREADS_PER_MODEL=1 (default): the models train at once, one thread each. One model
#   alone on the 2-core machine: THREADS_PER_MODEL=2 (sotu-llama: about 2.5 s a step idle).
set -euo pipefail
cd "$(dirname "$0")/../.."
python=/usr/bin/python3
if ! "$python" -c 'import torch, onnx' 2>/dev/null; then
  echo "error: $python cannot import torch and onnx." >&2
  echo "       install Debian's packages: apt-get install -y python3-torch python3-onnx libopenblas0-pthread" >&2
  exit 1
fi
dpkg -s libopenblas0-pthread >/dev/null 2>&1 || echo "warning: libopenblas0-pthread is not installed: training will be about 15x slower" >&2
threads=${THREADS_PER_MODEL:-1}
models=(${MODELS:-sotu-gpt sotu-bytes sotu-llama})
started=$(date +%s)
npx tsx tools/corpus/prepare.ts
npx tsx tools/tokenizer/train.ts
npx tsx tools/baselines/ngram.ts
mkdir -p .cache/train
pids=()
for model in "${models[@]}"; do
  "$python" tools/models/train.py "$model" --threads "$threads" > ".cache/train/$model.out" 2>&1 &
  pids+=($!)
done
for pid in "${pids[@]}"; do wait "$pid" || { echo "error: training failed; see .cache/train/*.out" >&2; exit 1; }; done
for model in "${models[@]}"; do
  "$python" tools/models/export.py "$model" --threads 2
  npx tsx tools/models/card.ts "$model"
done
echo "rebuilt in $(( ($(date +%s) - started) / 60 )) minutes"
