"""A Llama-family decoder, written to match Hugging Face's LlamaForCausalLM op for op:
RMSNorm (with a learned weight, eps inside the root), rotary position embeddings (the
rotate-half convention of HF's Llama, theta 10,000), grouped-query attention (n_kv_head key /
value heads shared by n_head query heads), a SwiGLU MLP (down(silu(gate(x)) * up(x))), no
biases, and untied input and output embeddings.

Like gpt.py, the forward pass also serves the ONNX export: it takes the KV cache of earlier
steps (n_kv_head heads, not repeated), an attention mask over past + current positions and
explicit position ids, and returns the presents and the residual stream after the embeddings
and after every block (before the final RMSNorm).
"""
import math
from dataclasses import dataclass, asdict

import torch
import torch.nn as nn
import torch.nn.functional as F


@dataclass
class LlamaConfig:
    vocab_size: int
    n_layer: int
    n_head: int
    n_kv_head: int
    n_embd: int
    intermediate_size: int
    n_ctx: int
    rope_theta: float = 10000.0
    rms_norm_eps: float = 1e-5
    dropout: float = 0.0

    def to_dict(self):
        return asdict(self)

    @property
    def head_dim(self):
        return self.n_embd // self.n_head


class RmsNorm(nn.Module):
    def __init__(self, dim, eps):
        super().__init__()
        self.eps = eps
        self.weight = nn.Parameter(torch.ones(dim))

    def forward(self, x):
        variance = x.pow(2).mean(-1, keepdim=True)
        return self.weight * (x * torch.rsqrt(variance + self.eps))


def rotate_half(x):
    half = x.shape[-1] // 2
    return torch.cat((-x[..., half:], x[..., :half]), dim=-1)


def rotary_cos_sin(position_ids, head_dim, theta):
    """cos and sin of shape [batch, 1, seq, head_dim] for the given positions."""
    inv_freq = 1.0 / (theta ** (torch.arange(0, head_dim, 2, dtype=torch.float32, device=position_ids.device) / head_dim))
    freqs = position_ids.to(torch.float32).unsqueeze(-1) * inv_freq  # [b, s, head_dim / 2]
    emb = torch.cat((freqs, freqs), dim=-1)
    return emb.cos().unsqueeze(1), emb.sin().unsqueeze(1)


def repeat_kv(x, times):
    """[b, kv, s, d] -> [b, kv * times, s, d], each key/value head serving `times` query heads."""
    if times == 1:
        return x
    b, kv, s, d = x.shape
    return x[:, :, None, :, :].expand(b, kv, times, s, d).reshape(b, kv * times, s, d)


class Block(nn.Module):
    def __init__(self, cfg: LlamaConfig):
        super().__init__()
        self.cfg = cfg
        d, hd = cfg.n_embd, cfg.head_dim
        self.input_layernorm = RmsNorm(d, cfg.rms_norm_eps)
        self.q_proj = nn.Linear(d, cfg.n_head * hd, bias=False)
        self.k_proj = nn.Linear(d, cfg.n_kv_head * hd, bias=False)
        self.v_proj = nn.Linear(d, cfg.n_kv_head * hd, bias=False)
        self.o_proj = nn.Linear(cfg.n_head * hd, d, bias=False)
        self.post_attention_layernorm = RmsNorm(d, cfg.rms_norm_eps)
        self.gate_proj = nn.Linear(d, cfg.intermediate_size, bias=False)
        self.up_proj = nn.Linear(d, cfg.intermediate_size, bias=False)
        self.down_proj = nn.Linear(cfg.intermediate_size, d, bias=False)
        self.dropout = nn.Dropout(cfg.dropout)

    def forward(self, x, cos, sin, past_k=None, past_v=None, mask=None):
        cfg = self.cfg
        b, s, _ = x.shape
        h = self.input_layernorm(x)
        q = self.q_proj(h).view(b, s, cfg.n_head, cfg.head_dim).transpose(1, 2)
        k = self.k_proj(h).view(b, s, cfg.n_kv_head, cfg.head_dim).transpose(1, 2)
        v = self.v_proj(h).view(b, s, cfg.n_kv_head, cfg.head_dim).transpose(1, 2)
        q = q * cos + rotate_half(q) * sin
        k = k * cos + rotate_half(k) * sin
        if past_k is not None:
            k = torch.cat([past_k, k], dim=2)
            v = torch.cat([past_v, v], dim=2)
        times = cfg.n_head // cfg.n_kv_head
        scores = torch.matmul(q, repeat_kv(k, times).transpose(-1, -2)) * (1.0 / math.sqrt(cfg.head_dim))
        scores = scores.masked_fill(~mask, torch.finfo(scores.dtype).min)
        attn = self.dropout(torch.softmax(scores, dim=-1))
        y = torch.matmul(attn, repeat_kv(v, times)).transpose(1, 2).reshape(b, s, cfg.n_head * cfg.head_dim)
        x = x + self.dropout(self.o_proj(y))
        h = self.post_attention_layernorm(x)
        x = x + self.dropout(self.down_proj(F.silu(self.gate_proj(h)) * self.up_proj(h)))
        return x, k, v


class Llama(nn.Module):
    def __init__(self, cfg: LlamaConfig):
        super().__init__()
        self.cfg = cfg
        self.embed_tokens = nn.Embedding(cfg.vocab_size, cfg.n_embd)
        self.drop = nn.Dropout(cfg.dropout)
        self.layers = nn.ModuleList([Block(cfg) for _ in range(cfg.n_layer)])
        self.norm = RmsNorm(cfg.n_embd, cfg.rms_norm_eps)
        self.lm_head = nn.Linear(cfg.n_embd, cfg.vocab_size, bias=False)
        self.apply(self._init)
        # Scaled init of the projections that write into the residual stream (as GPT-2's).
        for name, p in self.named_parameters():
            if name.endswith('o_proj.weight') or name.endswith('down_proj.weight'):
                nn.init.normal_(p, mean=0.0, std=0.02 / math.sqrt(2 * cfg.n_layer))

    @staticmethod
    def _init(module):
        if isinstance(module, (nn.Linear, nn.Embedding)):
            nn.init.normal_(module.weight, mean=0.0, std=0.02)

    def parameter_count(self):
        return sum(p.numel() for p in self.parameters())

    def forward(self, input_ids, attention_mask=None, position_ids=None, past=None):
        """Returns (logits, presents, hidden_states), as Gpt.forward.

        past: list of (key, value), each [batch, n_kv_head, past_len, head_dim], or None.
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
        cos, sin = rotary_cos_sin(position_ids, self.cfg.head_dim, self.cfg.rope_theta)
        x = self.drop(self.embed_tokens(input_ids))
        hidden_states = [x]
        presents = []
        for i, layer in enumerate(self.layers):
            pk, pv = (None, None) if past is None else past[i]
            x, k, v = layer(x, cos, sin, pk, pv, mask)
            presents.append((k, v))
            hidden_states.append(x)
        logits = self.lm_head(self.norm(x))
        return logits, presents, hidden_states

    def loss(self, input_ids, targets):
        b, s = input_ids.shape
        position_ids = torch.arange(s, device=input_ids.device).unsqueeze(0).expand(b, s)
        cos, sin = rotary_cos_sin(position_ids, self.cfg.head_dim, self.cfg.rope_theta)
        mask = torch.ones(s, s, dtype=torch.bool, device=input_ids.device).tril().view(1, 1, s, s)
        x = self.drop(self.embed_tokens(input_ids))
        for layer in self.layers:
            x, _, _ = layer(x, cos, sin, None, None, mask)
        logits = self.lm_head(self.norm(x))
        return F.cross_entropy(logits.view(-1, logits.size(-1)), targets.reshape(-1))

