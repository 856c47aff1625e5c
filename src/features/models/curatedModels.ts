/**
 * Hub models that run in a browser tab through transformers.js v4, with the dtype we
 * recommend per backend and the approximate download for it. Sizes are the ONNX file of
 * that dtype plus tokenizer, rounded; the Hub is the authority (the picker shows the real
 * byte counts while downloading). WASM defaults to q8 (transformers.js's own default there);
 * WebGPU gets fp32 or q4 because fp16 needs the `shader-f16` feature many adapters lack.
 */
import type { Dtype } from '../../protocol/model';

export interface CuratedModel {
  id: string;
  description: string;
  parametersMillions: number;
  recommended: { wasm: Exclude<Dtype, 'auto'>; webgpu: Exclude<Dtype, 'auto'> };
  /** Approximate download in MB for the recommended dtype per backend. */
  approxDownloadMB: { wasm: number; webgpu: number };
  note?: string;
}

export const CURATED_HUB_MODELS: readonly CuratedModel[] = [
  {
    id: 'Xenova/distilgpt2',
    description: 'DistilGPT2, the 6-layer distilled GPT-2 (English web text)',
    parametersMillions: 82,
    recommended: { wasm: 'q8', webgpu: 'fp32' },
    approxDownloadMB: { wasm: 90, webgpu: 330 },
  },
  {
    id: 'Xenova/gpt2',
    description: 'GPT-2 small, the classic 124M model with the 50,257-token vocabulary',
    parametersMillions: 124,
    recommended: { wasm: 'q8', webgpu: 'fp32' },
    approxDownloadMB: { wasm: 130, webgpu: 500 },
  },
  {
    id: 'onnx-community/SmolLM2-135M-ONNX',
    description: 'SmolLM2-135M base (Llama architecture, 49,152-token vocabulary)',
    parametersMillions: 135,
    recommended: { wasm: 'q8', webgpu: 'q4' },
    approxDownloadMB: { wasm: 140, webgpu: 200 },
  },
  {
    id: 'onnx-community/Qwen2.5-0.5B-Instruct',
    description: 'Qwen2.5-0.5B Instruct (151,646-token vocabulary, multilingual)',
    parametersMillions: 494,
    recommended: { wasm: 'q8', webgpu: 'q4' },
    approxDownloadMB: { wasm: 500, webgpu: 790 },
    note: 'Large: expect a minute or more to download and load.',
  },
  {
    id: 'onnx-community/Llama-3.2-1B-Instruct',
    description: 'Llama 3.2 1B Instruct (128,256-token vocabulary)',
    parametersMillions: 1236,
    recommended: { wasm: 'q4', webgpu: 'q4' },
    approxDownloadMB: { wasm: 1000, webgpu: 1000 },
    note: 'Only sensible with WebGPU; WASM needs the whole 4-bit model in its 4 GB heap.',
  },
];
