/** Where the Hub layout replicas are built for e2e (playwright.config.ts), and the Hub ids they are served under. */
export const REPLICAS_DIR = '.cache/replicas-e2e';
export const REPLICA_IDS: readonly (readonly [hubId: string, folder: string])[] = [
  ['Xenova/gpt2', 'gpt2'],
  ['onnx-community/Llama-replica', 'llama'],
  ['onnx-community/Qwen2.5-replica', 'qwen2'],
  ['replicas/gemma2', 'gemma2'],
];
