"""Exports a trained embedded model to public/models/<id>/ in transformers.js v4 layout:
`model_type: "gpt2"` for the GPT-2 models, `model_type: "llama"` (the onnx-community layout,
with position_ids and n_kv_head-headed pasts) for sotu-llama.

    python3 tools/models/export.py sotu-gpt [--checkpoint PATH] [--out DIR] [--threads 2]

Writes config.json, generation_config.json, tokenizer.json, tokenizer_config.json,
onnx/model.onnx (fp32, KV cache in and out, residual stream as hidden_states.{0..L});
tools/models/fixtures/<id>.json (PyTorch logits and a greedy continuation for the Node
tests) and .cache/eval/<id>.json (loss, perplexity and bits per byte on validation and test
by the sliding-window protocol in evaluate.py, and the training record). The model folder is
built beside the target and moved into place only when everything succeeded. The card
(MODEL_CARD.md, metrics.json) comes from card.ts, which adds the baselines.
"""
import argparse
import base64
import json
import os
import shutil
import sys
import time

import numpy as np
import onnx
import torch
from onnx import helper, numpy_helper

sys.path.insert(0, os.path.dirname(__file__))
from evaluate import evaluate_stream  # noqa: E402
from architectures import build_model  # noqa: E402
from llama import Llama  # noqa: E402

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..'))
CACHE = os.path.join(ROOT, '.cache')
FIXTURE_PROMPT_TOKENS = 12
GREEDY_NEW_TOKENS = 24


class OnnxWrapper(torch.nn.Module):
    """Flattens the cache so torch.onnx.export sees one tensor per input and output."""

    def __init__(self, model):
        super().__init__()
        self.model = model

    def forward(self, input_ids, attention_mask, position_ids, *past_flat):
        past = [(past_flat[2 * i], past_flat[2 * i + 1]) for i in range(len(past_flat) // 2)]
        logits, presents, hidden = self.model(input_ids, attention_mask, position_ids, past)
        flat = [t for kv in presents for t in kv]
        return (logits, *flat, *hidden)


def export_onnx(model, path: str):
    cfg = model.cfg
    is_llama = isinstance(model, Llama)
    # The cache holds the key/value heads: fewer than the query heads under grouped-query attention.
    L, H, D = cfg.n_layer, cfg.n_kv_head if is_llama else cfg.n_head, cfg.n_embd // cfg.n_head
    b, s, p = 1, 3, 2
    ids = torch.randint(0, cfg.vocab_size, (b, s))
    mask = torch.ones(b, p + s, dtype=torch.int64)
    pos = torch.arange(p, p + s).unsqueeze(0)
    past = [torch.zeros(b, H, p, D) for _ in range(2 * L)]
    past_names = [f'past_key_values.{i}.{kv}' for i in range(L) for kv in ('key', 'value')]
    present_names = [f'present.{i}.{kv}' for i in range(L) for kv in ('key', 'value')]
    hidden_names = [f'hidden_states.{i}' for i in range(L + 1)]
    dynamic = {'input_ids': {0: 'batch_size', 1: 'sequence_length'},
               'attention_mask': {0: 'batch_size', 1: 'total_sequence_length'},
               'position_ids': {0: 'batch_size', 1: 'sequence_length'},
               'logits': {0: 'batch_size', 1: 'sequence_length'}}
    for n in past_names:
        dynamic[n] = {0: 'batch_size', 2: 'past_sequence_length'}
    for n in present_names:
        dynamic[n] = {0: 'batch_size', 2: 'total_sequence_length'}
    for n in hidden_names:
        dynamic[n] = {0: 'batch_size', 1: 'sequence_length'}
    torch.onnx.export(OnnxWrapper(model).eval(), (ids, mask, pos, *past), path,
                      input_names=['input_ids', 'attention_mask', 'position_ids', *past_names],
                      output_names=['logits', *present_names, *hidden_names],
                      dynamic_axes=dynamic, opset_version=14, do_constant_folding=True)
    if not is_llama:
        untie_folded_unembedding(path, model.wte.weight.detach().numpy())


def untie_folded_unembedding(path: str, wte: np.ndarray):
    """Constant folding stores wte.T as a second initializer for the logits MatMul. Replace that
    MatMul by Gemm(h, wte, transB=1) so the file holds the embedding matrix once."""
    m = onnx.load(path)
    g = m.graph
    inits = {i.name: i for i in g.initializer}
    wte_name = next(n for n, i in inits.items() if tuple(i.dims) == wte.shape and np.array_equal(numpy_helper.to_array(i), wte))
    for node in g.node:
        if node.op_type != 'MatMul' or node.input[1] not in inits:
            continue
        arr = numpy_helper.to_array(inits[node.input[1]])
        if arr.shape != wte.T.shape or not np.array_equal(arr, wte.T):
            continue
        gemm = helper.make_node('Gemm', [node.input[0], wte_name], list(node.output), name=node.name + '_tied', transB=1)
        idx = list(g.node).index(node)
        g.node.remove(node)
        g.node.insert(idx, gemm)
        g.initializer.remove(inits[node.input[1]])
        onnx.checker.check_model(m)
        onnx.save(m, path)
        return
    if any(numpy_helper.to_array(i).shape == wte.T.shape for i in g.initializer):
        raise RuntimeError('found a transposed embedding copy but could not replace it')


def llama_config(cfg, model_id):
    """config.json as Hugging Face writes it for LlamaForCausalLM (<s> = 1, </s> = 2)."""
    return {
        'model_type': 'llama', 'architectures': ['LlamaForCausalLM'],
        'hidden_size': cfg.n_embd, 'intermediate_size': cfg.intermediate_size,
        'num_hidden_layers': cfg.n_layer, 'num_attention_heads': cfg.n_head, 'num_key_value_heads': cfg.n_kv_head,
        'head_dim': cfg.head_dim, 'max_position_embeddings': cfg.n_ctx, 'vocab_size': cfg.vocab_size,
        'hidden_act': 'silu', 'rms_norm_eps': cfg.rms_norm_eps, 'rope_theta': cfg.rope_theta, 'rope_scaling': None,
        'attention_bias': False, 'mlp_bias': False, 'tie_word_embeddings': False,
        'bos_token_id': 1, 'eos_token_id': 2,
        'transformers.js_config': {'dtype': 'fp32'},
        'tokenscope': {'id': model_id, 'hidden_states_outputs': True, 'final_layer_norm': 'norm'},
    }


def b64_floats(a: np.ndarray) -> str:
    return base64.b64encode(np.ascontiguousarray(a, dtype='<f4').tobytes()).decode('ascii')


@torch.no_grad()
def make_fixture(model, tokens: np.ndarray, eot: int):
    """PyTorch reference outputs for the Node tests: logits for a short prompt and a greedy run."""
    # The first validation address: its end-of-text marker and opening tokens.
    prompt = tokens[:FIXTURE_PROMPT_TOKENS].astype(np.int64)
    assert prompt[0] == eot
    logits, _, hidden = model(torch.from_numpy(prompt).unsqueeze(0))
    generated = list(prompt)
    past = None
    step_input = torch.from_numpy(prompt).unsqueeze(0)
    for _ in range(GREEDY_NEW_TOKENS):
        total = len(generated)
        out_logits, presents, _ = model(step_input, torch.ones(1, total, dtype=torch.int64), None, past)
        nxt = int(out_logits[0, -1].argmax())
        generated.append(nxt)
        past = presents
        step_input = torch.tensor([[nxt]])
    return {
        'promptIds': prompt.tolist(),
        'logitsShape': list(logits.shape),
        'logitsBase64': b64_floats(logits[0].numpy()),
        'lastHiddenStateBase64': b64_floats(hidden[-1][0].numpy()),
        'greedyIds': generated[len(prompt):],
    }


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('model')
    ap.add_argument('--checkpoint', default=None)
    ap.add_argument('--out', default=None)
    ap.add_argument('--threads', type=int, default=2)
    ap.add_argument('--fixture', default=None, help='fixture path (default tools/models/fixtures/<id>.json)')
    ap.add_argument('--eval', default=None, help='evaluation path (default .cache/eval/<id>.json)')
    ap.add_argument('--smoke', action='store_true', help='evaluate only the first 2,048 tokens of each split (recipe smoke test)')
    args = ap.parse_args()
    fixture_path = args.fixture or os.path.join(ROOT, 'tools', 'models', 'fixtures', f'{args.model}.json')
    eval_path = args.eval or os.path.join(CACHE, 'eval', f'{args.model}.json')
    torch.set_num_threads(args.threads)
    configs = json.load(open(os.path.join(os.path.dirname(__file__), 'configs.json')))
    if args.model not in configs:
        sys.exit(f'error: unknown model {args.model!r}; known: {", ".join(configs)}')
    spec = configs[args.model]
    ckpt_path = args.checkpoint or os.path.join(CACHE, 'train', args.model, 'checkpoint.pt')
    if not os.path.exists(ckpt_path):
        sys.exit(f'error: no checkpoint at {ckpt_path}: run tools/models/train.py {args.model} first')
    tok_dir = os.path.join(CACHE, 'tokenizers', spec['tokens'])
    tokens_dir = os.path.join(CACHE, 'tokens', spec['tokens'])
    for f in [os.path.join(tok_dir, 'tokenizer.json'), os.path.join(tokens_dir, 'stats.json')]:
        if not os.path.exists(f):
            sys.exit(f'error: {f} is missing: run `npm run corpus && npm run tokenizer` first')
    state = torch.load(ckpt_path, map_location='cpu')
    model = build_model({**spec, 'model': state['config']})
    cfg = model.cfg
    # Checkpoints brought back from the GPU machine are stored in fp16 to fit its transfer limit.
    rounded_to_fp16 = any(v.dtype == torch.float16 for v in state['model'].values())
    model.load_state_dict({k: v.float() for k, v in state['model'].items()})
    model.eval()
    stats = json.load(open(os.path.join(tokens_dir, 'stats.json')))
    eot = stats['endOfTextId']

    out = os.path.abspath(args.out or os.path.join(ROOT, 'public', 'models', args.model))
    parent = os.path.dirname(out)
    os.makedirs(parent, exist_ok=True)
    if not os.access(parent, os.W_OK):
        sys.exit(f'error: cannot write to {parent}')
    tmp = out + f'.tmp-{os.getpid()}'
    shutil.rmtree(tmp, ignore_errors=True)
    os.makedirs(os.path.join(tmp, 'onnx'))
    try:
        started = time.time()
        export_onnx(model, os.path.join(tmp, 'onnx', 'model.onnx'))
        for f in ('tokenizer.json', 'tokenizer_config.json'):
            shutil.copy(os.path.join(tok_dir, f), os.path.join(tmp, f))
        config = llama_config(cfg, args.model) if isinstance(model, Llama) else {
            'model_type': 'gpt2', 'architectures': ['GPT2LMHeadModel'],
            'n_layer': cfg.n_layer, 'n_head': cfg.n_head, 'n_embd': cfg.n_embd, 'n_positions': cfg.n_ctx,
            'n_ctx': cfg.n_ctx, 'n_inner': 4 * cfg.n_embd, 'vocab_size': cfg.vocab_size,
            'activation_function': 'gelu', 'layer_norm_epsilon': 1e-5, 'tie_word_embeddings': True,
            'bos_token_id': eot, 'eos_token_id': eot,
            'transformers.js_config': {'dtype': 'fp32'},
            'tokenscope': {'id': args.model, 'hidden_states_outputs': True, 'final_layer_norm': 'ln_f'},
        }
        json.dump(config, open(os.path.join(tmp, 'config.json'), 'w'), indent=2)
        json.dump({'bos_token_id': config['bos_token_id'], 'eos_token_id': config['eos_token_id'], 'max_length': cfg.n_ctx, 'do_sample': False},
                  open(os.path.join(tmp, 'generation_config.json'), 'w'), indent=2)
        val = np.fromfile(os.path.join(tokens_dir, 'validation.bin'), dtype=np.uint16)
        test = np.fromfile(os.path.join(tokens_dir, 'test.bin'), dtype=np.uint16)
        if args.smoke:
            val, test = val[:2048], test[:2048]
        fixture = make_fixture(model, val, eot)
        evaluation = {'protocol': f'sliding window of {cfg.n_ctx} tokens, stride {cfg.n_ctx // 2}; every token after '
                                  'the first of the split stream is scored once (end-of-text markers included)'}
        for split, toks in (('validation', val), ('test', test)):
            utf8_bytes = stats[split]['utf8Bytes'] if not args.smoke else None
            evaluation[split] = evaluate_stream(model, toks, cfg.n_ctx, utf8_bytes)
            print(f'{args.model} {split}: {evaluation[split]}', flush=True)
        evaluation['training'] = {k: state[k] for k in ('step', 'elapsed_s', 'tokens_seen', 'device', 'threads')}
        evaluation['training']['config'] = state['train']
        evaluation['training']['weightsRoundedToFp16'] = rounded_to_fp16
        evaluation['parameters'] = model.parameter_count()
        evaluation['architecture'] = cfg.to_dict()
        evaluation['torch'] = torch.__version__
        evaluation['exportedAt'] = time.strftime('%Y-%m-%dT%H:%M:%SZ', time.gmtime())
        if os.path.exists(out):
            shutil.rmtree(out)
        os.replace(tmp, out)
        for path, value in ((fixture_path, fixture), (eval_path, evaluation)):
            os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
            json.dump(value, open(path, 'w'), indent=None if value is fixture else 2)
        print(f'exported {args.model} to {out} in {time.time() - started:.1f} s', flush=True)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise


if __name__ == '__main__':
    main()
