/**
 * The infini-gram API's indexes and limits, and the client's options and result types
 * (infiniGramApi.ts says which documentation and code they follow).
 */
export const INFINI_GRAM_API_ENDPOINT = 'https://api.infini-gram.io/';

/** The public server's limits (api_server.py arguments). Token ids fit 16 bits; 65535 separates documents. */
export const INFINI_GRAM_LIMITS = {
  maxQueryTokens: 500,
  maxSupport: 1000,
  maxDisplayTokens: 10_000,
  documentSeparator: 65535,
} as const;
/** Our own limit on documents fetched per search (one request each): the server's old search_docs allowed 10. */
export const MAX_DOCUMENTS_PER_SEARCH = 10;

export type IndexTokenizer = 'llama-2' | 'olmo' | 'gpt2';
/** The indexes the documentation lists (2025-04-30), with the tokenizer their token ids come from. */
export const INFINI_GRAM_INDEXES: readonly { name: string; corpus: string; tokenizer: IndexTokenizer }[] = [
  { name: 'v4_olmo-2-0325-32b-instruct_llama', corpus: 'OLMo-2-0325-32B-Instruct training data', tokenizer: 'llama-2' },
  { name: 'v4_olmo-2-1124-13b-instruct_llama', corpus: 'OLMo-2-1124-13B-Instruct training data', tokenizer: 'llama-2' },
  {
    name: 'v4_olmoe-0125-1b-7b-instruct_llama',
    corpus: 'OLMoE-0125-1B-7B-Instruct training data',
    tokenizer: 'llama-2',
  },
  { name: 'v4_olmo-mix-1124_llama', corpus: 'OLMo-mix-1124', tokenizer: 'llama-2' },
  { name: 'v4_dclm-baseline_llama', corpus: 'DCLM-baseline', tokenizer: 'llama-2' },
  { name: 'v4_dolma-v1_7_llama', corpus: 'Dolma v1.7', tokenizer: 'llama-2' },
  { name: 'v4_rpj_llama_s4', corpus: 'RedPajama', tokenizer: 'llama-2' },
  { name: 'v4_piletrain_llama', corpus: 'Pile (train)', tokenizer: 'llama-2' },
  { name: 'v4_c4train_llama', corpus: 'C4 (train)', tokenizer: 'llama-2' },
  { name: 'v4_dolma-v1_6-sample_llama', corpus: 'Dolma v1.6 sample', tokenizer: 'llama-2' },
  { name: 'v4_dolmasample_olmo', corpus: 'Dolma v1.6 sample', tokenizer: 'olmo' },
  { name: 'v4_pileval_llama', corpus: 'Pile (validation)', tokenizer: 'llama-2' },
  { name: 'v4_pileval_gpt2', corpus: 'Pile (validation)', tokenizer: 'gpt2' },
];

export interface InfiniGramApiOptions {
  /** The API's URL, e.g. INFINI_GRAM_API_ENDPOINT. */
  endpoint: string;
  /** An index name, e.g. 'v4_piletrain_llama'. */
  index: string;
  fetch?: typeof fetch;
  /** Per request, from sending to the last byte of the answer. Default 10 s. */
  timeoutMs?: number;
  /** The longest Retry-After worth waiting for once; a longer one is a rate-limited error. Default 3 s. */
  maxRetryWaitMs?: number;
}

export interface RequestOptions {
  signal?: AbortSignal;
}
export interface DistributionOptions extends RequestOptions {
  /** Occurrences of the context read before the API samples (1..1000, its default 1000). */
  maxSupport?: number;
}
export interface DocumentSearchOptions extends RequestOptions {
  /** Tokens shown per document, around the match (1..10,000, the API's default 1000). */
  maxDisplayTokens?: number;
}

export interface CountResult {
  count: number;
  approx: boolean;
  /** The engine's processing time (not the network's), in ms. */
  latencyMs: number | null;
}
export interface ProbabilityResult {
  /** cont_cnt / prompt_cnt, or null when the context does not occur (the API's -1). */
  prob: number | null;
  promptCount: number;
  contCount: number;
  latencyMs: number | null;
}
export interface InfiniGramProbabilityResult extends ProbabilityResult {
  /** Tokens of the longest context suffix found in the corpus: the effective n is suffixLength + 1. */
  suffixLength: number;
  /** That suffix as the API's tokenizer decodes it. */
  longestSuffix: string;
}
export interface NextToken {
  tokenId: number;
  /** The token's vocabulary piece as the API names it (null when it sends none). */
  token: string | null;
  prob: number;
  count: number;
}
export interface DistributionResult {
  promptCount: number;
  /** The API sampled the occurrences (more than maxSupport of them). */
  approx: boolean;
  /** Most probable first. */
  tokens: NextToken[];
  latencyMs: number | null;
}
export interface InfiniGramDistributionResult extends DistributionResult {
  suffixLength: number;
  longestSuffix: string;
}
export interface FoundDocument {
  shard: number;
  rank: number;
  docIndex: number;
  docLength: number;
  displayLength: number;
  /** Where the match starts in the shown tokens (null when the server does not say). */
  needleOffset: number | null;
  /** The corpus's metadata line for the document (often JSON), as a string. */
  metadata: string | null;
  /** The shown text in pieces; `matched` marks the query's occurrences. */
  spans: { text: string; matched: boolean }[];
}
export interface DocumentSearchResult {
  /** Occurrences of the query in the whole index. */
  count: number;
  documents: FoundDocument[];
}

export interface InfiniGramApi {
  readonly endpoint: string;
  readonly index: string;
  count(queryIds: readonly number[], options?: RequestOptions): Promise<CountResult>;
  probability(contextIds: readonly number[], tokenId: number, options?: RequestOptions): Promise<ProbabilityResult>;
  nextTokenDistribution(contextIds: readonly number[], options?: DistributionOptions): Promise<DistributionResult>;
  infiniGramProbability(
    contextIds: readonly number[],
    tokenId: number,
    options?: RequestOptions,
  ): Promise<InfiniGramProbabilityResult>;
  infiniGramDistribution(
    contextIds: readonly number[],
    options?: DistributionOptions,
  ): Promise<InfiniGramDistributionResult>;
  /** The first `maxResults` (1..10) documents with an occurrence: a `find`, then one `get_doc_by_rank` each. */
  searchDocuments(
    queryIds: readonly number[],
    maxResults: number,
    options?: DocumentSearchOptions,
  ): Promise<DocumentSearchResult>;
}
