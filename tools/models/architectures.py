"""The model a configs.json entry describes: "architecture": "llama", or GPT-2 by default."""
from gpt import Gpt, GptConfig
from llama import Llama, LlamaConfig


def config_of(spec):
    return LlamaConfig(**spec['model']) if spec.get('architecture') == 'llama' else GptConfig(**spec['model'])


def build_model(spec):
    cfg = config_of(spec)
    return Llama(cfg) if isinstance(cfg, LlamaConfig) else Gpt(cfg)
