/**
 * A batch definition (issue 18): prompts × models × a grid of sampling settings × samples, with
 * one batch seed. Pure: the app's worker and the CLI (`batch run`) expand the same definition
 * into the same cells and tasks, with the same seeds.
 *
 * Version 1, as JSON:
 *
 *   { "version": 1, "name": "…", "seed": 1234,
 *     "prompts": [{ "id": "p1", "prompt": "…", "expected": ["basket"], "match": "prefix" }],
 *     "models": [{ "id": "sotu-gpt", "source": { "kind": "embedded" } }],
 *     "grid": { "temperature": [0.5, 1], "topK": [0], "topP": [1], "minP": [0], "maxNewTokens": 3, "stop": ["."] },
 *     "samplesPerCell": 3 }
 *
 * `version` may be left out (1). A model's `source` is the experiment record's
 * (core/experiments/schema.ts `modelSourceSchema`): embedded, hub (with `revision`) or folder
 * (with `folderName`); `fileHashes` may be left out (then []); when listed, the runner refuses a
 * model whose files differ. `dtype` (default auto) is passed to the engine's load.
 * Cells, tasks, seeds, shards and the batch id: tasks.ts. Everything: index.ts.
 */
import { z } from 'zod';
import { MATCH_MODES, compileAnswerPattern, type MatchMode } from './match';
import { modelSourceSchema } from '../experiments/schema';

export const BATCH_LIMITS = {
  prompts: 10_000,
  /** Characters of one prompt. */
  promptLength: 20_000,
  promptIdLength: 100,
  expectedAnswers: 32,
  answerLength: 1_000,
  models: 16,
  /** Values per grid axis. */
  gridValues: 32,
  maxNewTokens: 1_024,
  stopStrings: 16,
  stopLength: 100,
  samplesPerCell: 10_000,
  /** prompts × cells × samples. */
  tasks: 1_000_000,
} as const;

const DTYPES = ['auto', 'fp32', 'fp16', 'q8', 'q4', 'q4f16'] as const;

const text = (max: number) =>
  z
    .string()
    .max(max)
    .regex(/^[^\u0000]*$/, 'must not contain NUL characters');
const label = z
  .string()
  .min(1)
  .max(300)
  .regex(/^[^\n\r\u0000]*$/, 'must be a single line');

/** Prompt ids go into cell and task keys and seeds: a plain word keeps them unambiguous. */
export const promptIdSchema = z
  .string()
  .min(1)
  .max(BATCH_LIMITS.promptIdLength)
  .regex(
    /^[A-Za-z0-9][A-Za-z0-9_.:-]*$/,
    'must start with a letter or digit and contain only letters, digits, "_", ".", ":" and "-"',
  );

export const batchPromptSchema = z.object({
  id: promptIdSchema,
  prompt: text(BATCH_LIMITS.promptLength),
  /** Answers that count as correct; none: the sample's `matched` is null. */
  expected: z
    .array(z.string().min(1).max(BATCH_LIMITS.answerLength))
    .min(1)
    .max(BATCH_LIMITS.expectedAnswers)
    .optional(),
  /** How a completion is compared with `expected` (match.ts); default normalised. */
  match: z.enum(MATCH_MODES as [MatchMode, ...MatchMode[]]).optional(),
});

/** modelSourceSchema wants file hashes; a hand-written definition may leave them out. */
const batchModelSource = z.preprocess(
  (value) =>
    value && typeof value === 'object' && !Array.isArray(value) && !('fileHashes' in value)
      ? { ...value, fileHashes: [] }
      : value,
  modelSourceSchema,
);

export const batchModelSchema = z.object({
  /** The embedded id, the Hub repository id, or a folder model's display name. */
  id: label,
  source: batchModelSource,
  dtype: z.enum(DTYPES).optional(),
});

const axis = (value: z.ZodNumber, fallback: number) =>
  z
    .array(value)
    .min(1)
    .max(BATCH_LIMITS.gridValues)
    .refine((values) => new Set(values).size === values.length, 'must not list a value twice')
    .default([fallback]);

export const batchGridSchema = z.object({
  /** Softmax temperatures, each finite and > 0 (the pipeline's rule). */
  temperature: z
    .array(z.number().positive())
    .min(1)
    .max(BATCH_LIMITS.gridValues)
    .refine((values) => new Set(values).size === values.length, 'must not list a value twice'),
  /** Top-k values, 0 = off (default [0]). */
  topK: axis(z.int().min(0).max(1_000_000), 0),
  /** Nucleus masses in [0, 1], 1 = off (default [1]). */
  topP: axis(z.number().min(0).max(1), 1),
  /** Min-p values in [0, 1], 0 = off (default [0]). */
  minP: axis(z.number().min(0).max(1), 0),
  maxNewTokens: z.int().min(1).max(BATCH_LIMITS.maxNewTokens),
  /** Generation stops when the completion contains one; the completion is cut before it. */
  stop: z.array(z.string().min(1).max(BATCH_LIMITS.stopLength)).max(BATCH_LIMITS.stopStrings).default([]),
});

export const batchDefinitionSchema = z
  .object({
    version: z.literal(1).default(1),
    name: label,
    /** The batch seed, an integer in [0, 2^32): every task's seed derives from it (tasks.ts). */
    seed: z.int().min(0).max(0xffffffff),
    prompts: z.array(batchPromptSchema).min(1).max(BATCH_LIMITS.prompts),
    models: z.array(batchModelSchema).min(1).max(BATCH_LIMITS.models),
    grid: batchGridSchema,
    samplesPerCell: z.int().min(1).max(BATCH_LIMITS.samplesPerCell),
  })
  .superRefine((def, ctx) => {
    const seen = new Map<string, number>();
    def.prompts.forEach((p, i) => {
      const first = seen.get(p.id);
      if (first !== undefined)
        ctx.addIssue({
          code: 'custom',
          path: ['prompts', i, 'id'],
          message: `"${p.id}" is already the id of prompts[${first}]`,
        });
      else seen.set(p.id, i);
      if (p.match === 'regex') {
        p.expected?.forEach((pattern, j) => {
          try {
            compileAnswerPattern(pattern);
          } catch (error) {
            ctx.addIssue({ code: 'custom', path: ['prompts', i, 'expected', j], message: (error as Error).message });
          }
        });
      }
    });
    const keys = def.models.map(modelKey);
    keys.forEach((key, i) => {
      if (keys.indexOf(key) !== i)
        ctx.addIssue({ code: 'custom', path: ['models', i], message: `lists the model ${key} a second time` });
    });
    const { grid } = def;
    const tasks =
      def.prompts.length *
      def.models.length *
      grid.temperature.length *
      grid.topK.length *
      grid.topP.length *
      grid.minP.length *
      def.samplesPerCell;
    if (tasks > BATCH_LIMITS.tasks)
      ctx.addIssue({
        code: 'custom',
        path: [],
        message: `has ${tasks.toLocaleString('en')} tasks; at most ${BATCH_LIMITS.tasks.toLocaleString('en')} are allowed`,
      });
  });

export type BatchDefinition = z.output<typeof batchDefinitionSchema>;
/** What a caller may write (defaults not yet filled in). */
export type BatchDefinitionInput = z.input<typeof batchDefinitionSchema>;
export type BatchPrompt = BatchDefinition['prompts'][number];
export type BatchModel = BatchDefinition['models'][number];
export type BatchGrid = BatchDefinition['grid'];

/** A definition that does not pass the schema; the message lists every problem by path. */
export class BatchDefinitionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BatchDefinitionError';
  }
}

function issuePath(path: readonly PropertyKey[]): string {
  return path.reduce<string>(
    (out, part) => (typeof part === 'number' ? `${out}[${part}]` : out ? `${out}.${String(part)}` : String(part)),
    '',
  );
}

/**
 * Validates a definition (an object, or its JSON text) and fills in the defaults. Throws a
 * BatchDefinitionError naming each problem's path, e.g. `grid.temperature[1]: …`.
 */
export function parseBatchDefinition(input: unknown, where = 'The batch definition'): BatchDefinition {
  let value = input;
  if (typeof input === 'string') {
    try {
      value = JSON.parse(input);
    } catch (error) {
      throw new BatchDefinitionError(`${where} is not valid JSON: ${(error as Error).message}`);
    }
  }
  const parsed = batchDefinitionSchema.safeParse(value);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues
    .slice(0, 20)
    .map((issue) => `  ${issuePath(issue.path) || '(top level)'}: ${issue.message}`);
  throw new BatchDefinitionError(`${where} is not a valid batch definition:\n${problems.join('\n')}`);
}

/**
 * A model's key in cell keys and results: `embedded:<id>`, `hub:<id>@<revision>` or
 * `folder:<folderName>`, with `#<dtype>` when a dtype other than auto is asked for.
 *
 * @example
 * modelKey({ id: 'sotu-gpt', source: { kind: 'embedded', fileHashes: [] } }); // "embedded:sotu-gpt"
 */
export function modelKey(model: BatchModel): string {
  const { source } = model;
  const base =
    source.kind === 'embedded'
      ? `embedded:${model.id}`
      : source.kind === 'hub'
        ? `hub:${model.id}@${source.revision}`
        : `folder:${source.folderName}`;
  return model.dtype && model.dtype !== 'auto' ? `${base}#${model.dtype}` : base;
}
