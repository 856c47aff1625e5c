"""Trains one embedded model on CPU (or CUDA with --device cuda), resumably.

    python3 tools/models/train.py sotu-gpt [--threads 2] [--max-steps N] [--device cpu]

Reads .cache/tokens/<tokenizer>/{train,validation}.bin (npm run tokenizer) and keeps its
state in .cache/train/<model>/ (checkpoint.pt, log.jsonl): stopping and re-running the same
command continues where it stopped. Batches depend only on (seed, step), so a resumed run
sees the same data as an uninterrupted one.
"""
import argparse
import json
import math
import os
import signal
import sys
import time

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(__file__))
from architectures import build_model  # noqa: E402

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..'))
CACHE = os.path.join(ROOT, '.cache')


def load_tokens(tokenizer, split):
    path = os.path.join(CACHE, 'tokens', tokenizer, f'{split}.bin')
    if not os.path.exists(path):
        sys.exit(f'error: {path} is missing: run `npm run corpus && npm run tokenizer` first')
    return torch.from_numpy(np.fromfile(path, dtype=np.uint16).astype(np.int64))


def batch_at(tokens, step, seed, batch_size, n_ctx):
    g = torch.Generator().manual_seed(seed * 1_000_003 + step)
    starts = torch.randint(0, len(tokens) - n_ctx - 1, (batch_size,), generator=g)
    x = torch.stack([tokens[s:s + n_ctx] for s in starts.tolist()])
    y = torch.stack([tokens[s + 1:s + 1 + n_ctx] for s in starts.tolist()])
    return x, y


def lr_at(step, t):
    """Linear warmup, then either a cosine decay to min_lr_ratio over all steps ("cosine"), or
    constant then a linear decay over the last decay_fraction of the steps ("wsd",
    warmup-stable-decay: max_steps can change during the stable phase without a jump)."""
    if step < t['warmup_steps']:
        return t['lr'] * (step + 1) / t['warmup_steps']
    if t['schedule'] == 'cosine':
        progress = (step - t['warmup_steps']) / max(1, t['max_steps'] - t['warmup_steps'])
        return t['lr'] * (t['min_lr_ratio'] + (1 - t['min_lr_ratio']) * 0.5 * (1 + math.cos(math.pi * min(1.0, progress))))
    decay_start = int(t['max_steps'] * (1 - t['decay_fraction']))
    if step < decay_start:
        return t['lr']
    progress = (step - decay_start) / max(1, t['max_steps'] - decay_start)
    return t['lr'] * (1 - (1 - t['min_lr_ratio']) * min(1.0, progress))


@torch.no_grad()
def quick_eval(model, tokens, n_ctx, device, windows=24):
    """Mean loss on evenly spaced validation windows: a progress signal, not the card's figure."""
    model.eval()
    starts = np.linspace(0, len(tokens) - n_ctx - 1, windows).astype(int)
    x = torch.stack([tokens[s:s + n_ctx] for s in starts]).to(device)
    y = torch.stack([tokens[s + 1:s + 1 + n_ctx] for s in starts]).to(device)
    loss = model.loss(x, y).item()
    model.train()
    return loss


def make_optimizer(model, t):
    decay = [p for n, p in model.named_parameters() if p.dim() >= 2]
    no_decay = [p for n, p in model.named_parameters() if p.dim() < 2]
    return torch.optim.AdamW([{'params': decay, 'weight_decay': t['weight_decay']},
                              {'params': no_decay, 'weight_decay': 0.0}],
                             lr=t['lr'], betas=(t['beta1'], t['beta2']))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('model')
    ap.add_argument('--threads', type=int, default=2)
    ap.add_argument('--max-steps', type=int, default=None, help='override the config (smoke tests)')
    ap.add_argument('--device', default='cpu')
    ap.add_argument('--out', default=None, help='state folder (default .cache/train/<model>)')
    args = ap.parse_args()

    configs = json.load(open(os.path.join(os.path.dirname(__file__), 'configs.json')))
    if args.model not in configs:
        sys.exit(f'error: unknown model {args.model!r}; known: {", ".join(configs)}')
    spec = configs[args.model]
    t = dict(spec['train'])
    if args.max_steps is not None:
        t['max_steps'] = args.max_steps
    torch.set_num_threads(args.threads)
    torch.manual_seed(t['seed'])
    out = args.out or os.path.join(CACHE, 'train', args.model)
    os.makedirs(out, exist_ok=True)
    ckpt_path = os.path.join(out, 'checkpoint.pt')
    train_tokens = load_tokens(spec['tokens'], 'train')
    val_tokens = load_tokens(spec['tokens'], 'validation')

    model = build_model(spec).to(args.device)
    cfg = model.cfg
    opt = make_optimizer(model, t)
    step, elapsed_s = 0, 0.0
    if os.path.exists(ckpt_path):
        state = torch.load(ckpt_path, map_location=args.device)
        if state['config'] != cfg.to_dict() or state['train']['seed'] != t['seed']:
            sys.exit(f'error: {ckpt_path} was trained with another configuration; move it away to start afresh')
        model.load_state_dict(state['model'])
        opt.load_state_dict(state['optimizer'])
        step, elapsed_s = state['step'], state['elapsed_s']
        print(f'resuming {args.model} at step {step}', flush=True)
    print(f'{args.model}: {model.parameter_count():,} parameters, {len(train_tokens):,} training tokens, '
          f'{t["max_steps"]} steps of {t["batch_size"]}x{cfg.n_ctx}', flush=True)

    stop = {'now': False}
    signal.signal(signal.SIGTERM, lambda *_: stop.update(now=True))
    signal.signal(signal.SIGINT, lambda *_: stop.update(now=True))

    def save():
        tmp = ckpt_path + '.tmp'
        torch.save({'config': cfg.to_dict(), 'train': t, 'model': model.state_dict(), 'optimizer': opt.state_dict(),
                    'step': step, 'elapsed_s': elapsed_s, 'tokens_seen': step * t['batch_size'] * cfg.n_ctx,
                    'device': args.device, 'threads': args.threads}, tmp)
        os.replace(tmp, ckpt_path)

    log = open(os.path.join(out, 'log.jsonl'), 'a')
    model.train()
    last = time.time()
    while step < t['max_steps'] and not stop['now']:
        x, y = batch_at(train_tokens, step, t['seed'], t['batch_size'], cfg.n_ctx)
        x, y = x.to(args.device), y.to(args.device)
        for group in opt.param_groups:
            group['lr'] = lr_at(step, t)
        loss = model.loss(x, y)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), t['grad_clip'])
        opt.step()
        step += 1
        now = time.time()
        elapsed_s += now - last
        last = now
        record = {'step': step, 'loss': round(loss.item(), 4), 'elapsed_s': round(elapsed_s, 1),
                  'tokens_per_s': round(step * t['batch_size'] * cfg.n_ctx / elapsed_s)}
        if step % t['eval_every'] == 0 or step == t['max_steps']:
            record['val_loss'] = round(quick_eval(model, val_tokens, cfg.n_ctx, args.device), 4)
        if step % 10 == 0 or 'val_loss' in record:
            print(json.dumps(record), flush=True)
            log.write(json.dumps(record) + '\n')
            log.flush()
        if step % t['checkpoint_every'] == 0:
            save()
    save()
    print(f'saved {ckpt_path} at step {step}' + (' (stopped early)' if step < t['max_steps'] else ' (finished)'), flush=True)


if __name__ == '__main__':
    main()
