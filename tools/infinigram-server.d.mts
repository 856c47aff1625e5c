/** Types for tools/infinigram-server.mjs (used by tests and the benchmark). */
export interface InfiniGramCorpus {
  documents: (number[] | { token_ids: number[]; metadata?: string; text?: string })[];
  /** Token id → vocabulary piece, for the `tokens`, `token` and span texts of the answers. */
  vocab?: Record<number, string>;
  /** Ids at or above this (other than the separator 65535) are refused as out of range. Default 32000 (Llama 2). */
  vocabSize?: number;
}
export interface InfiniGramFaults {
  delayMs?: number;
  status?: number;
  retryAfter?: number;
  malformed?: boolean;
}
export interface InfiniGramServer {
  url: string;
  indexes: string[];
  /** Every POST so far: its path, query_type and HTTP status (tests may clear it with `length = 0`). */
  requests: { path: string; queryType: string | null; status: number }[];
  close(): Promise<void>;
}
export const SEPARATOR: 65535;
/** Six sentences in Meta Llama 2 token ids, with their vocabulary pieces. */
export const BUILTIN_CORPUS: {
  documents: { text: string; token_ids: number[]; metadata: string }[];
  vocab: Record<number, string>;
  vocabSize: number;
};
export function buildIndex(corpus: InfiniGramCorpus): unknown;
export function answer(index: unknown, body: Record<string, unknown>): Record<string, unknown>;
export function startInfiniGramServer(options?: {
  port?: number;
  corpus?: InfiniGramCorpus;
  indexes?: string[];
  faults?: InfiniGramFaults;
}): Promise<InfiniGramServer>;
