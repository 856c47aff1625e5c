"""A GPT-2 style decoder (pre-LayerNorm, learned positions, GELU, tied embeddings).

The forward pass also serves the ONNX export: it takes the KV cache of earlier steps and an
attention mask over past + current positions, and returns the presents and the residual
stream after the embeddings and after every block (before the final LayerNorm).
"""
import math
from dataclasses import dataclass, asdict

import torch
import torch.nn as nn
import torch.nn.functional as F


@dataclass
class GptConfig:
    vocab_size: int
    n_layer: int
    n_head: int
    n_embd: int
    n_ctx: int
    dropout: float = 0.0

    def to_dict(self):
        return asdict(self)


class Block(nn.Module):
    def __init__(self, cfg: GptConfig):
        super().__init__()
        self.n_head = cfg.n_head
        self.ln_1 = nn.LayerNorm(cfg.n_embd, eps=1e-5)
        self.c_attn = nn.Linear(cfg.n_embd, 3 * cfg.n_embd)
        self.c_proj = nn.Linear(cfg.n_embd, cfg.n_embd)
        self.ln_2 = nn.LayerNorm(cfg.n_embd, eps=1e-5)
        self.c_fc = nn.Linear(cfg.n_embd, 4 * cfg.n_embd)
        self.c_mlp_proj = nn.Linear(4 * cfg.n_embd, cfg.n_embd)
        self.dropout = nn.Dropout(cfg.dropout)

    def forward(self, x, past_k=None, past_v=None, mask=None):
        b, s, c = x.shape
        h = self.n_head
        q, k, v = self.c_attn(self.ln_1(x)).split(c, dim=2)
        q = q.view(b, s, h, c // h).transpose(1, 2)
        k = k.view(b, s, h, c // h).transpose(1, 2)
        v = v.view(b, s, h, c // h).transpose(1, 2)
        if past_k is not None:
            k = torch.cat([past_k, k], dim=2)
            v = torch.cat([past_v, v], dim=2)
        scores = torch.matmul(q, k.transpose(-1, -2)) * (1.0 / math.sqrt(c // h))
        scores = scores.masked_fill(~mask, torch.finfo(scores.dtype).min)
        attn = self.dropout(torch.softmax(scores, dim=-1))
        y = torch.matmul(attn, v).transpose(1, 2).reshape(b, s, c)
        x = x + self.dropout(self.c_proj(y))
        x = x + self.dropout(self.c_mlp_proj(F.gelu(self.c_fc(self.ln_2(x)))))
        return x, k, v


class Gpt(nn.Module):
    def __init__(self, cfg: GptConfig):
        super().__init__()
        self.cfg = cfg
        self.wte = nn.Embedding(cfg.vocab_size, cfg.n_embd)
        self.wpe = nn.Embedding(cfg.n_ctx, cfg.n_embd)
        self.drop = nn.Dropout(cfg.dropout)
        self.blocks = nn.ModuleList([Block(cfg) for _ in range(cfg.n_layer)])
        self.ln_f = nn.LayerNorm(cfg.n_embd, eps=1e-5)
        self.apply(self._init)
        # GPT-2's scaled init of the residual projections.
        for name, p in self.named_parameters():
            if name.endswith('c_proj.weight') or name.endswith('c_mlp_proj.weight'):
                nn.init.normal_(p, mean=0.0, std=0.02 / math.sqrt(2 * cfg.n_layer))

    @staticmethod
    def _init(module):
        if isinstance(module, nn.Linear):
            nn.init.normal_(module.weight, mean=0.0, std=0.02)
            nn.init.zeros_(module.bias)
        elif isinstance(module, nn.Embedding):
            nn.init.normal_(module.weight, mean=0.0, std=0.02)

    def parameter_count(self):
        return sum(p.numel() for p in self.parameters())

    def forward(self, input_ids, attention_mask=None, position_ids=None, past=None):
        """Returns (logits, presents, hidden_states).

        past: list of (key, value), each [batch, n_head, past_len, head_dim], or None.
        attention_mask: [batch, past_len + seq_len] of 0/1, or None for all ones.
        """
        b, s = input_ids.shape
        past_len = 0 if past is None else past[0][0].shape[2]
        total = past_len + s
        if position_ids is None:
            position_ids = torch.arange(past_len, total, device=input_ids.device).unsqueeze(0).expand(b, s)
        query_pos = torch.arange(s, device=input_ids.device).unsqueeze(1) + past_len
        key_pos = torch.arange(total, device=input_ids.device).unsqueeze(0)
        mask = (key_pos <= query_pos).unsqueeze(0).unsqueeze(0)
        if attention_mask is not None:
            mask = mask & attention_mask.bool().unsqueeze(1).unsqueeze(1)
        x = self.drop(self.wte(input_ids) + self.wpe(position_ids))
        hidden_states = [x]
        presents = []
        for i, block in enumerate(self.blocks):
            pk, pv = (None, None) if past is None else past[i]
            x, k, v = block(x, pk, pv, mask)
            presents.append((k, v))
            hidden_states.append(x)
        h = self.ln_f(x)
        # Tied embeddings; a 2-D product so the export can use Gemm(transB=1) on the one matrix.
        logits = torch.matmul(h.reshape(b * s, -1), self.wte.weight.t()).reshape(b, s, -1)
        return logits, presents, hidden_states

    def loss(self, input_ids, targets):
        b, s = input_ids.shape
        x = self.drop(self.wte(input_ids) + self.wpe(torch.arange(s, device=input_ids.device)))
        mask = torch.ones(s, s, dtype=torch.bool, device=input_ids.device).tril().view(1, 1, s, s)
        for block in self.blocks:
            x, _, _ = block(x, None, None, mask)
        logits = F.linear(self.ln_f(x), self.wte.weight)
        return F.cross_entropy(logits.view(-1, logits.size(-1)), targets.reshape(-1))
