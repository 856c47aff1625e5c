import { describe, expect, it } from 'vitest';
import { hubHostProblem, hubModelIdProblem } from './modelSources';

describe('hubModelIdProblem', () => {
  it('accepts org/name ids', () => {
    expect(hubModelIdProblem('Xenova/gpt2')).toBeNull();
    expect(hubModelIdProblem('  onnx-community/Qwen2.5-0.5B-Instruct ')).toBeNull();
  });

  it('says why an id cannot be loaded, in one sentence', () => {
    expect(hubModelIdProblem('')).toBe('Type a model id, like Xenova/gpt2.');
    expect(hubModelIdProblem('https://huggingface.co/Xenova/gpt2')).toBe(
      'That is a web address: type only the model id, like Xenova/gpt2.',
    );
    for (const id of ['gpt2', 'Xenova/gpt 2', 'a/b/c', '../etc', 'org/na--me']) {
      expect(hubModelIdProblem(id)).toMatch(/^Model ids look like org\/name \(.*\), like Xenova\/gpt2\.$/);
    }
  });
});

describe('hubHostProblem', () => {
  it('accepts http and https URLs', () => {
    expect(hubHostProblem('https://huggingface.co/')).toBeNull();
    expect(hubHostProblem('http://127.0.0.1:9000')).toBeNull();
  });

  it('says the host must be an http(s) URL', () => {
    for (const url of ['', 'huggingface.co', 'ftp://mirror.example/', 'javascript:alert(1)']) {
      expect(hubHostProblem(url)).toBe('The Hub host must be an http(s) URL, like https://huggingface.co/.');
    }
  });
});
