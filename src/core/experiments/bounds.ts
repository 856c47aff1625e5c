/**
 * Limits and primitive schemas shared by every version of the experiment schema. The limits
 * keep hostile or corrupted input (imports, links, old databases) from filling memory or the
 * UI; they are generous for real analyses. Changing one is a schema change: old records must
 * still pass, so only ever raise a limit.
 */
import { z } from 'zod';

export const LIMITS = {
  /** Characters in an id: `crypto.randomUUID()` needs 36. */
  idLength: 64,
  nameLength: 200,
  tagLength: 64,
  tags: 32,
  notesLength: 20_000,
  /** Characters of analysed text (about 40k tokens of English). */
  textLength: 200_000,
  /** Token positions in a results snapshot. */
  positions: 50_000,
  /** Model ids, tokenizer ids, revisions, paths. */
  labelLength: 300,
  fileHashes: 512,
  /** Largest vocabulary we accept (Gemma 3 has 262,144). */
  vocabularySize: 1_000_000,
  branchNodes: 5_000,
  /** Tokens on one branch edge. */
  branchTokens: 4_096,
  /** Characters of decoded text on one branch edge or one token. */
  tokenTextLength: 20_000,
  distributions: 1_000,
  /** Candidates kept per looked-at distribution unless the full vocabulary is flagged. */
  topCandidates: 1_000,
  /** Allowed gap between 1 and (sum of kept probabilities + tail mass). */
  massTolerance: 1e-3,
} as const;

/** A probability in [0, 1]. Every `z.number()` in zod 4 already refuses NaN and ±Infinity. */
export const probability = z.number().min(0).max(1);

/** A token id: an integer in [0, LIMITS.vocabularySize). */
export const tokenId = z
  .int()
  .min(0)
  .max(LIMITS.vocabularySize - 1);

/** An ISO 8601 timestamp with `Z` or an offset, as `Date.prototype.toISOString()` writes. */
export const isoTimestamp = z.iso.datetime({ offset: true });

/** A record id: letters, digits, `-` and `_` only, so it is safe in URLs and file names. */
export const recordId = z
  .string()
  .min(1)
  .max(LIMITS.idLength)
  .regex(/^[A-Za-z0-9_-]+$/, 'must contain only letters, digits, "-" and "_"');

/** A short, non-empty, single-line label (model ids, revisions, file paths). */
export const label = z
  .string()
  .min(1)
  .max(LIMITS.labelLength)
  .regex(/^[^\n\r\u0000]*$/, 'must be a single line');

/** A tag: trimmed, non-empty, single-line. */
export const tag = z
  .string()
  .min(1)
  .max(LIMITS.tagLength)
  .regex(/^\S(.*\S)?$/, 'must not start or end with whitespace')
  .regex(/^[^\n\r\u0000]*$/, 'must be a single line');

/** A SHA-256 digest as 64 lowercase hex digits. */
export const sha256Hex = z.string().regex(/^[0-9a-f]{64}$/, 'must be 64 lowercase hex digits (SHA-256)');

export const fileHash = z.object({
  /** Path inside the model folder, with `/`, e.g. `onnx/model.onnx`. */
  path: label,
  sha256: sha256Hex,
});

/** Resolved ONNX weight types (what actually ran, never `auto`). */
export const dtype = z.enum(['fp32', 'fp16', 'q8', 'q4', 'q4f16']);

/** Where the forward passes ran; `node-cpu` is the CLI's onnxruntime-node. */
export const backend = z.enum(['webgpu', 'wasm', 'node-cpu']);

/** Per-token metric used to colour the text view. */
export const colourMetric = z.enum([
  'surprisal',
  'probability',
  'rank',
  'entropy',
  'relativeToTop',
  'bigramDivergence',
  'effectiveN',
]);

/** The view that was open when the experiment was saved. */
export const viewName = z.enum(['text', 'distribution', 'keyspace', 'bigram', 'tokenizers', 'corpus', 'presenter']);

interface NumberListOptions {
  maxLength: number;
  min: number;
  max: number;
  integer?: boolean;
  /** Whether entries may be null (positions without a value). */
  nullable?: boolean;
}

/**
 * An array of numbers checked in one plain loop. Per-position arrays hold tens of thousands
 * of entries (whole vocabularies when flagged); `z.array(z.number())` costs about 0.1 µs
 * per entry, which made validating a 300-token record take a millisecond.
 * The first bad entry is reported with its index.
 */
export function numberList<Nullable extends boolean = false>(
  options: NumberListOptions & { nullable?: Nullable },
): z.ZodType<Nullable extends true ? (number | null)[] : number[]> {
  const kind = `${options.integer ? 'an integer' : 'a number'} in [${options.min}, ${options.max}]${options.nullable ? ' or null' : ''}`;
  return z
    .custom<Nullable extends true ? (number | null)[] : number[]>((value) => Array.isArray(value), {
      message: `must be an array of ${kind}s`,
    })
    .superRefine((values, ctx) => {
      if (values.length > options.maxLength) {
        ctx.addIssue({
          code: 'custom',
          message: `has ${values.length} entries; at most ${options.maxLength} are allowed`,
        });
        return;
      }
      for (let i = 0; i < values.length; i++) {
        const value: unknown = values[i];
        if (value === null && options.nullable) continue;
        const ok =
          typeof value === 'number' &&
          value >= options.min &&
          value <= options.max &&
          (options.integer ? Number.isSafeInteger(value) : Number.isFinite(value));
        if (!ok) {
          ctx.addIssue({
            code: 'custom',
            path: [i],
            message: `must be ${kind} (got ${JSON.stringify(value) ?? String(value)})`,
          });
          return;
        }
      }
    });
}

/** An array of strings checked in one plain loop (see `numberList` for why). */
export function stringList(maxLength: number, maxStringLength: number): z.ZodType<string[]> {
  return z
    .custom<string[]>((value) => Array.isArray(value), { message: 'must be an array of strings' })
    .superRefine((values, ctx) => {
      if (values.length > maxLength) {
        ctx.addIssue({ code: 'custom', message: `has ${values.length} entries; at most ${maxLength} are allowed` });
        return;
      }
      for (let i = 0; i < values.length; i++) {
        const value: unknown = values[i];
        if (typeof value !== 'string' || value.length > maxStringLength) {
          ctx.addIssue({
            code: 'custom',
            path: [i],
            message: `must be a string of at most ${maxStringLength} characters`,
          });
          return;
        }
      }
    });
}

/** Token ids as a fast list. */
export const tokenIdList = (maxLength: number) =>
  numberList({ maxLength, min: 0, max: LIMITS.vocabularySize - 1, integer: true });
