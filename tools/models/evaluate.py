"""The evaluation protocol of the model cards (the Node test re-implements it on the ONNX file).

A split is one token stream (an end-of-text marker before each address). Windows of n_ctx
tokens start every n_ctx/2 tokens; each window scores only the targets no earlier window
scored, so every token after the first is scored exactly once, with at least n_ctx/2 tokens
of context after the first window.
"""
import math

import numpy as np
import torch
import torch.nn.functional as F


def windows(n_tokens: int, n_ctx: int):
    """Yields (start, end, first_scored): inputs tokens[start:end], targets tokens[start+1:end+1],
    scoring targets with absolute index >= first_scored."""
    stride = n_ctx // 2
    scored_until = 0  # highest target index scored so far
    start = 0
    while scored_until < n_tokens - 1:
        end = min(start + n_ctx, n_tokens - 1)
        yield start, end, scored_until + 1
        scored_until = end
        start += stride


@torch.no_grad()
def evaluate_stream(model, tokens: np.ndarray, n_ctx: int, utf8_bytes: int, batch_size: int = 8):
    device = next(model.parameters()).device
    t = torch.from_numpy(tokens.astype(np.int64)).to(device)
    total_nats, count = 0.0, 0
    all_windows = list(windows(len(tokens), n_ctx))
    i = 0
    while i < len(all_windows):
        # Batch consecutive windows of equal length (all but the last one or two).
        length = all_windows[i][1] - all_windows[i][0]
        group = []
        while i < len(all_windows) and len(group) < batch_size and all_windows[i][1] - all_windows[i][0] == length:
            group.append(all_windows[i])
            i += 1
        inputs = torch.stack([t[start:end] for start, end, _ in group])
        logits, _, _ = model(inputs)
        logp = F.log_softmax(logits.double(), dim=-1)
        for row, (start, end, first) in enumerate(group):
            targets = t[start + 1:end + 1]
            nll = -logp[row].gather(1, targets.unsqueeze(1)).squeeze(1)
            keep = nll[first - start - 1:]
            total_nats += keep.sum().item()
            count += keep.numel()
    assert count == len(tokens) - 1, (count, len(tokens))
    nats = total_nats / count
    result = {'tokensScored': count, 'lossNatsPerToken': round(nats, 6), 'perplexity': round(math.exp(nats), 4)}
    if utf8_bytes:  # unknown for a truncated stream (smoke test)
        result.update(bitsPerByte=round(total_nats / math.log(2) / utf8_bytes, 6), utf8Bytes=utf8_bytes)
    return result
