/**
 * The tokenizer lab's contract: the tokenizers on offer, a text through each of them, the parity
 * set and character positions, the tokenization-bias lens (naive, token healing, the exact next
 * byte), the language-bias table and two models on one text. The engine side is
 * engine/tokenizerLab.ts, biasLens.ts, languageBias.ts and modelComparison.ts.
 */
import type { CharPosition } from '../core/tokenizers/charPositions';
import type { LanguageBiasRow, LanguageBiasSummary } from '../core/tokenizers/languageBias';
import type { Tokenization } from '../core/tokenizers/tokenSpans';
import type { TokenizationMetrics } from '../core/tokenizers/metrics';
import type { LanguageParity } from '../core/tokenizers/parity';
import type { WordBits } from '../core/tokenizers/byteAlignedBits';
import type { ModelSource } from './model';

/** The row id of the loaded model's own tokenizer. */
export const MODEL_TOKENIZER_ID = 'model';
/** Chips are sent for the tokens starting in the first this many bytes; metrics cover the whole text. */
export const LAB_DEFAULT_DISPLAY_BYTES = 4_000;

export interface LabTokenizerInfo {
  id: string;
  label: string;
  algorithm: string;
  vocabularySize: number;
  /** Bytes fetched on first use (tokenizer.json + tokenizer_config.json); 0 for the model's own. */
  downloadBytes: number;
  /** Built and in the worker's memory: using it costs no download. */
  ready: boolean;
  kind: 'shipped' | 'model' | 'added';
  /** Package and licence (shipped ones), or the model it belongs to. */
  source: string;
}

/** A tokenizer the user adds: a file picked from disk, or a Hub id (fetched from the Hub host). */
export type LabTokenizerSource =
  | { kind: 'file'; name: string; tokenizerJson: string; tokenizerConfig?: string }
  | { kind: 'hub'; id: string; host: string };

export interface LabToken {
  id: number;
  /** UTF-8 byte offsets in the text, end exclusive. */
  start: number;
  end: number;
  /** Byte-exact display (split characters as `\xNN`). */
  text: string;
  special: boolean;
  byteFallback: boolean;
}

export interface LabRowBase {
  tokenizerId: string;
  label: string;
}

export interface LabRowOk extends LabRowBase {
  status: 'ok';
  algorithm: string;
  /** Tokens that start before `shownBytes` (all of them for a short text). */
  tokens: LabToken[];
  tokenCount: number;
  alignment: Tokenization['alignment'];
  /** Over the whole text; `numbers.runs` lists at most the first 50 runs. */
  metrics: TokenizationMetrics;
  elapsedMs: number;
}

export interface LabRowError extends LabRowBase {
  status: 'error';
  message: string;
  /** The file that failed, relative to the app (`tokenizers/gpt2/tokenizer.json`), when one did. */
  file: string | null;
}

export type LabRow = LabRowOk | LabRowError;

export interface LabTokenizeParams {
  tokenizerIds: string[];
  text: string;
  /** Chips for tokens starting in the first this many bytes (default LAB_DEFAULT_DISPLAY_BYTES). */
  displayBytes?: number;
}

export interface LabTokenizeResult {
  rows: LabRow[];
  textBytes: number;
  /** Rows hold the tokens starting before this byte. */
  shownBytes: number;
}

export interface LabProgress {
  phase: 'loading' | 'tokenizing';
  tokenizerId: string;
  label: string;
  /** Rows finished so far, of `total`. */
  done: number;
  total: number;
  /** The row just finished, so the view can draw it before the others. */
  row?: LabRow;
}

export type LabParityRow = (LabRowBase & { status: 'ok'; languages: LanguageParity[] }) | LabRowError;

export type LabCharRow = (LabRowBase & { status: 'ok'; positions: CharPosition[]; tokens: LabToken[] }) | LabRowError;

export interface BiasLensParams {
  prompt: string;
  /** Rows per list (default 8). */
  top?: number;
}

export interface ByteProbability {
  byte: number;
  /** The byte as a character when printable ASCII (space as ␣), else `\xNN`. */
  label: string;
  probability: number;
}

export interface TokenProbability {
  id: number;
  text: string;
  probability: number;
}

export interface BiasLensResult {
  prompt: string;
  /** The prompt as the model's tokenizer cuts it (the start token not included). */
  tokens: LabToken[];
  naive: { tokens: TokenProbability[]; bytes: ByteProbability[] };
  /** Null when the prompt has no token to back up. */
  healed: {
    removed: string;
    tokens: TokenProbability[];
    bytes: ByteProbability[];
    allowedMass: number;
    sameBytesProbability: number;
  } | null;
  /** Forward passes include naive and healing. */
  exact: ExactNextByteFigures & { bytes: ByteProbability[] };
}

/** What the exact next byte after a prompt comes with, wherever it is shown. */
export interface ExactNextByteFigures {
  /** The most probable next characters, most probable first. */
  characters: { character: string; probability: number }[];
  otherProbability: number;
  /** Bytes before this offset are encoded on their own (stableBoundary). */
  boundary: number;
  covers: number;
  /** Forward passes the lemma needed. */
  forwardPasses: number;
  /** How far any next-byte probability can be off: 0 when every candidate token was checked. */
  errorBound: number;
  /** P(candidates left unchecked): 0 when every candidate was checked. */
  uncheckedProbability: number;
  elapsedMs: number;
}

export interface LanguageBiasParams {
  /** Language codes of the parity set (default: all 17). */
  languages?: string[];
  /** Prompts per language (default 3, at most 6). */
  perLanguage?: number;
}

export interface LanguageBiasResult {
  rows: LanguageBiasRow[];
  summary: LanguageBiasSummary[];
  /** Characters are listed down to this probability; the rest is pooled (see characterTvdAtLeast). */
  minCharacterProbability: number;
  elapsedMs: number;
}

export interface LanguageBiasProgress {
  done: number;
  total: number;
}

export interface CompareModelsParams {
  text: string;
  /** The second model (the first is the loaded one). */
  other: ModelSource;
  /** Rows of the largest-disagreement table (default 15). */
  top?: number;
}

export interface ModelOnText {
  label: string;
  tokenizerAlgorithm: string;
  vocabularySize: number;
  tokens: number;
  bits: number;
  bitsPerByte: number;
  /** Tokens the model ran (windows overlap past the context length). */
  processedTokens: number;
  elapsedMs: number;
}

export interface CompareModelsResult {
  bytes: number;
  a: ModelOnText;
  b: ModelOnText;
  /** Every word in text order, with its bits under each model. */
  words: WordBits[];
  /** The words with the largest |bits per byte difference|, most first. */
  largest: WordBits[];
}

export interface CompareModelsProgress {
  phase: 'loading' | 'scoring';
  /** The model being loaded or run. */
  label: string;
  /** Scoring: windows done of total. */
  done: number;
  total: number;
}

export interface NextBytesBothResult {
  prompt: string;
  models: {
    label: string;
    tokenizerAlgorithm: string;
    /** Every token of the model is one byte: the lemma is then its own next-byte distribution. */
    tokensAreBytes: boolean;
    bytes: ByteProbability[];
    forwardPasses: number;
    /** How far any probability can be off: 0 when every candidate token was checked. */
    errorBound: number;
    elapsedMs: number;
  }[];
}
