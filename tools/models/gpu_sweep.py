"""Device-only runs (not part of the CPU recipe): trains configurations from configs.json on
CUDA and evaluates each on the validation split with the card's protocol, to measure the
learning curve the CPU cannot afford in a session, and to train the GPU variants.

    python3 tools/models/gpu_sweep.py OUT_DIR sotu-gpt sotu-gpt-long
"""
import json
import os
import subprocess
import sys

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(__file__))
from evaluate import evaluate_stream  # noqa: E402
from gpt import Gpt, GptConfig  # noqa: E402

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..'))
out, names = sys.argv[1], sys.argv[2:]
configs = json.load(open(os.path.join(ROOT, 'tools/models/configs.json')))
results = {}
for name in names:
    tokens_dir = os.path.join(ROOT, '.cache/tokens', configs[name]['tokens'])
    stats = json.load(open(os.path.join(tokens_dir, 'stats.json')))
    val = np.fromfile(os.path.join(tokens_dir, 'validation.bin'), dtype=np.uint16)
    state_dir = os.path.join('/tmp/train', name)
    subprocess.run([sys.executable, os.path.join(ROOT, 'tools/models/train.py'), name, '--device', 'cuda',
                    '--out', state_dir], check=True)
    state = torch.load(os.path.join(state_dir, 'checkpoint.pt'), map_location='cuda')
    model = Gpt(GptConfig(**state['config'])).cuda()
    model.load_state_dict(state['model'])
    model.eval()
    results[name] = {'steps': state['step'], 'elapsed_s': state['elapsed_s'],
                     'validation': evaluate_stream(model, val, model.cfg.n_ctx, stats['validation']['utf8Bytes']),
                     'log': [json.loads(line) for line in open(os.path.join(state_dir, 'log.jsonl')) if 'val_loss' in line]}
    print(name, results[name]['validation'], flush=True)
    torch.save({k: (v if k != 'model' else {n: p.half().cpu() for n, p in v.items()}) for k, v in state.items() if k != 'optimizer'},
               os.path.join(out, f'{name}.fp16.pt'))
json.dump(results, open(os.path.join(out, 'gpu_sweep.json'), 'w'), indent=2)
print(json.dumps({k: v['validation'] for k, v in results.items()}, indent=1))
