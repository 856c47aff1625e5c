/**
 * The one typed protocol between the UI and the inference worker. Each request kind maps
 * to its params, its result and (for long work) its progress payload, so the compiler ties
 * every message to its shape and no handler casts.
 *
 * Every request gets exactly one reply (`result` or `error`), plus any `progress` messages
 * before it. The worker also sends a `heartbeat` every HEARTBEAT_INTERVAL_MS so the client
 * can tell a hung or dead worker from a busy one.
 */
import type { ErrorReport } from './errors';
import type {
  AnalyzeParams,
  AnalyzeReply,
  RowParams,
  RowResult,
  ForwardParams,
  ForwardResult,
  ScoreParams,
  ScoreResult,
  StepParams,
  StepResult,
  TokenView,
  TokenizeParams,
  TokenizeResult,
  VocabularyResult,
  WindowProgress,
} from './nextToken';
import type {
  BackendReport,
  CachedModelEntry,
  FileHashesParams,
  LoadParams,
  LoadProgress,
  ModelFileHash,
  ModelInfo,
} from './model';
import type { BiasLensParams, BiasLensResult } from './tokenizerLab';
import type { LanguageBiasParams, LanguageBiasProgress, LanguageBiasResult } from './tokenizerLab';
import type {
  BigramAnalyzeParams,
  BigramAnalyzeResult,
  BigramCorpusParams,
  BigramCorpusResult,
  BigramProgress,
  BigramTableParams,
  BigramTableResult,
  CorpusInfo,
  CorpusSource,
  InternalsReport,
  LensParams,
  LensResult,
  LensSelectedResult,
} from './bigram';
import type { KeyQueryBenchParams, KeyQueryBenchResult } from './keySpace';
import type { ExpandedCandidate, ExpandParams, IcnParams, IcnProgress } from './keySpace';
import type { IcnProbe } from '../core/keyspace/icn';
import type {
  KeyMapResult,
  KeySimParams,
  KeySimResult,
  KeySpaceInfo,
  NeighboursParams,
  NeighboursResult,
} from './keySpace';
import type {
  LabCharRow,
  LabParityRow,
  LabProgress,
  LabTokenizeParams,
  LabTokenizeResult,
  LabTokenizerInfo,
  LabTokenizerSource,
} from './tokenizerLab';
import type {
  CorpusIndexInfo,
  CorpusPositionParams,
  CorpusPositionResult,
  CorpusProgress,
  CorpusScoreParams,
  CorpusScoreResult,
  CorpusSourceParams,
} from './corpus';
import type { CorpusApiParams, CorpusApiResult } from './corpus';
import type {
  CompareModelsParams,
  CompareModelsProgress,
  CompareModelsResult,
  NextBytesBothResult,
} from './tokenizerLab';
import type { BatchRunParams, BatchRunProgress, BatchRunSummary, BatchScoreParams, ScoreTextsResult } from './batch';

export interface EngineCalls {
  probe: { params: Record<string, never>; result: BackendReport };
  load: { params: LoadParams; result: ModelInfo; progress: LoadProgress };
  unload: { params: Record<string, never>; result: { unloaded: boolean } };
  tokenize: { params: TokenizeParams; result: TokenizeResult };
  tokenViews: { params: { ids: number[] }; result: TokenView[] };
  vocabulary: { params: Record<string, never>; result: VocabularyResult };
  fileHashes: { params: FileHashesParams; result: ModelFileHash[] };
  forward: { params: ForwardParams; result: ForwardResult; progress: WindowProgress };
  step: { params: StepParams; result: StepResult };
  score: { params: ScoreParams; result: ScoreResult; progress: WindowProgress };
  analyze: { params: AnalyzeParams; result: AnalyzeReply; progress: WindowProgress };
  row: { params: RowParams; result: RowResult };
  cancel: { params: { requestId: number }; result: { cancelled: boolean } };
  listCachedModels: { params: Record<string, never>; result: CachedModelEntry[] };
  clearCachedModels: { params: { modelId?: string }; result: { deletedFiles: number } };
  /** Tokenizer lab (engine/tokenizerLab.ts): the tokenizers on offer, the loaded model's first. */
  tokenizerLabTokenizers: { params: Record<string, never>; result: LabTokenizerInfo[] };
  /** A tokenizer from a file picked on this device or a Hub id; listed by tokenizerLabTokenizers from then on. */
  tokenizerLabAddTokenizer: { params: LabTokenizerSource; result: LabTokenizerInfo };
  /** The same text through each tokenizer; progress carries each row as it is done. */
  tokenizerLabTokenize: { params: LabTokenizeParams; result: LabTokenizeResult; progress: LabProgress };
  tokenizerLabParity: { params: { tokenizerIds: string[] }; result: LabParityRow[]; progress: LabProgress };
  tokenizerLabCharPositions: {
    params: { tokenizerIds: string[]; word: string };
    result: LabCharRow[];
    progress: LabProgress;
  };
  /** Naive vs token healing vs the exact next byte after a prompt, on the loaded model (engine/biasLens.ts). */
  tokenizerLabBiasLens: { params: BiasLensParams; result: BiasLensResult; progress: { forwardPasses: number } };
  /** Naive vs exact next character after mid-word prompts in every parity language, on the loaded model (engine/languageBias.ts). */
  tokenizerLabLanguageBias: { params: LanguageBiasParams; result: LanguageBiasResult; progress: LanguageBiasProgress };
  /** Two models on one text aligned on bytes: the loaded model and a second one held by the worker's second engine (engine/modelComparison.ts). */
  tokenizerLabCompareModels: {
    params: CompareModelsParams;
    result: CompareModelsResult;
    progress: CompareModelsProgress;
  };
  /** The exact next byte after a prompt on the loaded model and on the second model, side by side. */
  tokenizerLabNextBytesBoth: {
    params: { prompt: string; other: CompareModelsParams['other'] };
    result: NextBytesBothResult;
    progress: CompareModelsProgress;
  };
  /** Key space (engine/keySpace.ts): the loaded model's key matrices, read from its ONNX bytes on first use. */
  keySpaceInfo: { params: Record<string, never>; result: KeySpaceInfo };
  /** Bigram and layers (engine/bigramAnalysis.ts): full-context vs context-1 predictions per position. */
  bigramAnalyze: { params: BigramAnalyzeParams; result: BigramAnalyzeResult; progress: BigramProgress };
  /** Whether the layer views can run on the loaded model, and why not. */
  layerInternals: { params: Record<string, never>; result: InternalsReport };
  /** The context-1 table for tokens (or the corpus's most frequent), cached per model. */
  bigramTable: { params: BigramTableParams; result: BigramTableResult; progress: BigramProgress };
  /** Sets the corpus bigram reference (a counts file or a text). */
  bigramSetCorpus: { params: CorpusSource; result: CorpusInfo };
  /** The full model and each bigram approximation against the corpus bigram over a text. */
  bigramCorpus: { params: BigramCorpusParams; result: BigramCorpusResult; progress: BigramProgress };
  /** Opens the layer view's generated graphs ahead of the first click (the bigram view asks once its chips are shown). */
  layerPrepare: { params: Record<string, never>; result: { prepared: boolean } };
  /** The logit lens at one position alone (one window's forward): the layer view's table, shown before `layerLens`. */
  layerLensSelected: { params: LensParams; result: LensSelectedResult; progress: BigramProgress };
  /** Logit lens and layer statistics at a position. */
  layerLens: { params: LensParams; result: LensResult; progress: BigramProgress };
  /** Corpus view (engine/corpusIndex.ts): opens an ∞-gram index (built once, then read from this browser's storage). */
  corpusOpen: { params: CorpusSourceParams; result: CorpusIndexInfo; progress: CorpusProgress };
  /** The ∞-gram and the model at every position of a text. */
  corpusScore: { params: CorpusScoreParams; result: CorpusScoreResult };
  /** One position: both next-token distributions and where the matching span occurs. */
  corpusPosition: { params: CorpusPositionParams; result: CorpusPositionResult };
  /** The infini-gram API's ∞-gram next tokens at a byte offset of a text, the context re-tokenized with the index's tokenizer (engine/corpusApi.ts); only when the user turned the API on. */
  corpusApiNext: { params: CorpusApiParams; result: CorpusApiResult };
  keyNeighbours: { params: NeighboursParams; result: NeighboursResult };
  keySim: { params: KeySimParams; result: KeySimResult };
  keyMap: { params: Record<string, never>; result: KeyMapResult };
  /** In-context navigation or a baseline on the loaded model (docs/PAPERS.md section 1); progress: each probe. */
  keyIcn: { params: IcnParams; result: IcnProbe[]; progress: IcnProgress };
  /** Each candidate first token expanded greedily to a whole answer (the spurious split, as the paper; docs/PAPERS.md section 1). */
  keyExpand: { params: ExpandParams; result: ExpandedCandidate[]; progress: { done: number; total: number } };
  /**
   * Batch runs (engine/batchService.ts) on the worker's batch engine: the tasks of the definition not yet stored under
   * batchId, each result written to IndexedDB (storage/batchStore.ts) before its progress; cancel = pause or cancel.
   */
  batchRun: { params: BatchRunParams; result: BatchRunSummary; progress: BatchRunProgress };
  /** The scoring set: GLTR statistics of each text on a model loaded in the batch engine; progress: texts done. */
  batchScore: { params: BatchScoreParams; result: ScoreTextsResult; progress: { done: number; total: number } };
  /** Benchmark only (`?testApi=1` pages): single k-NN queries timed in the worker. */
  benchKeyQueries: { params: KeyQueryBenchParams; result: KeyQueryBenchResult };
  /** Test builds only: make the worker misbehave so recovery can be tested end to end. */
  debugMisbehave: { params: { how: 'throw-uncaught' | 'hang' | 'close' }; result: { accepted: boolean } };
}

export type CallKind = keyof EngineCalls;
export type ParamsOf<K extends CallKind> = EngineCalls[K]['params'];
export type ResultOf<K extends CallKind> = EngineCalls[K]['result'];
export type ProgressOf<K extends CallKind> = EngineCalls[K] extends { progress: infer P } ? P : never;

/** UI → worker. */
export type RequestMessage = {
  [K in CallKind]: { type: 'request'; id: number; kind: K; params: ParamsOf<K> };
}[CallKind];

/** Worker → UI. */
export type ReplyMessage =
  | { type: 'result'; id: number; result: unknown }
  | { type: 'error'; id: number; error: ErrorReport }
  | { type: 'progress'; id: number; progress: unknown }
  | { type: 'heartbeat'; sentAt: number }
  | { type: 'ready' };

export const HEARTBEAT_INTERVAL_MS = 1000;

/** Results with big typed arrays cross the thread boundary by transfer, not copy. */
export function transferablesOf(result: unknown): Transferable[] {
  if (!result || typeof result !== 'object') return [];
  // A result's logits, and those of the row `analyze` brings with `rowPosition`.
  const { logits, row } = result as { logits?: unknown; row?: { logits?: unknown } };
  return [logits, row?.logits]
    .filter((values): values is Float32Array => values instanceof Float32Array && ownsItsBuffer(values))
    .map((values) => values.buffer as ArrayBuffer);
}

/** Only an array that is its whole buffer is moved: a view into something larger the worker keeps is copied. */
function ownsItsBuffer(values: Float32Array): boolean {
  return values.byteOffset === 0 && values.byteLength === values.buffer.byteLength;
}
