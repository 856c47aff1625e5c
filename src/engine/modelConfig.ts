/**
 * Reading and checking a model's `config.json`: the fields the engine relies on, validated
 * where the file enters, so a broken folder fails with a sentence rather than a stack trace.
 */
import { z } from 'zod';
import { EngineError } from './errors';
import { htmlPageError, looksLikeHtml } from './files/fileProvider';
import type { Backend, Dtype } from '../protocol/model';

const optionalCount = z.number().int().positive().optional();

export const modelConfigSchema = z.looseObject({
  model_type: z.string().min(1),
  architectures: z.array(z.string()).optional(),
  vocab_size: optionalCount,
  n_positions: optionalCount,
  max_position_embeddings: optionalCount,
  n_ctx: optionalCount,
  n_layer: optionalCount,
  num_hidden_layers: optionalCount,
  n_embd: optionalCount,
  hidden_size: optionalCount,
  bos_token_id: z.union([z.number(), z.array(z.number()), z.null()]).optional(),
  eos_token_id: z.union([z.number(), z.array(z.number()), z.null()]).optional(),
  'transformers.js_config': z.looseObject({ dtype: z.unknown().optional() }).optional(),
});

export type ModelConfig = z.infer<typeof modelConfigSchema>;

/** Parses a JSON model file, naming the model and file when it is not JSON. */
export function parseJsonFile(bytes: Uint8Array, path: string, modelLabel: string): unknown {
  if (looksLikeHtml(bytes)) throw htmlPageError(modelLabel, path, null);
  try {
    return JSON.parse(new TextDecoder().decode(bytes));
  } catch (error) {
    throw new EngineError(
      'model-file-invalid',
      `${modelLabel}: ${path} cannot be read: it is not valid JSON (${(error as Error).message}).`,
      path,
    );
  }
}

export function parseModelConfig(bytes: Uint8Array, modelLabel: string): ModelConfig {
  const json = parseJsonFile(bytes, 'config.json', modelLabel);
  const result = modelConfigSchema.safeParse(json);
  if (!result.success) {
    const issue = result.error.issues[0];
    const field = issue.path.join('.') || '(root)';
    throw new EngineError(
      'model-file-invalid',
      `${modelLabel}: config.json is not a model config (${field}: ${issue.message}).`,
      'config.json',
    );
  }
  return result.data;
}

/** The longest sequence one forward pass accepts. */
export function contextLengthOf(config: ModelConfig): number {
  return config.n_positions ?? config.max_position_embeddings ?? config.n_ctx ?? 1024;
}

export function firstTokenId(value: ModelConfig['bos_token_id']): number | null {
  if (Array.isArray(value)) return value[0] ?? null;
  return typeof value === 'number' ? value : null;
}

const DTYPE_FILE_SUFFIX: Record<Exclude<Dtype, 'auto'>, string> = {
  fp32: '',
  fp16: '_fp16',
  q8: '_quantized',
  q4: '_q4',
  q4f16: '_q4f16',
};

/** transformers.js's default when neither the user nor config.json names a dtype. */
export function defaultDtypeFor(backend: Backend): Exclude<Dtype, 'auto'> {
  return backend === 'wasm' ? 'q8' : 'fp32';
}

/**
 * The dtype to load: the user's choice; else config.json's `transformers.js_config.dtype`;
 * else, when the folder's file list is known, the first dtype whose file exists; else the
 * backend default.
 */
export function resolveDtype(
  requested: Dtype,
  config: ModelConfig,
  backend: Backend,
  modelFileName: string,
  availablePaths: readonly string[] | null,
): Exclude<Dtype, 'auto'> {
  if (requested !== 'auto') return requested;
  const configured = config['transformers.js_config']?.dtype;
  if (typeof configured === 'string' && configured in DTYPE_FILE_SUFFIX) return configured as Exclude<Dtype, 'auto'>;
  const preferred = defaultDtypeFor(backend);
  if (!availablePaths) return preferred;
  const order: Exclude<Dtype, 'auto'>[] = [preferred, 'fp32', 'q8', 'q4', 'fp16', 'q4f16'];
  return order.find((dtype) => availablePaths.includes(onnxPathFor(modelFileName, dtype))) ?? preferred;
}

export function onnxPathFor(modelFileName: string, dtype: Exclude<Dtype, 'auto'>): string {
  return `onnx/${modelFileName}${DTYPE_FILE_SUFFIX[dtype]}.onnx`;
}
