/**
 * The lab's first screen, precomputed: the default model's analysis of the default text and its
 * logits after the text, computed under Node by the project's own Engine
 * (`npx tsx tools/vite/firstViewData.ts`) and shipped as firstView.json, so the page can draw an
 * exact first distribution before the model is loaded. The figures the screen shows are listed
 * here with the precision they are shown at, so the live model's first answer (in the page) and a
 * fresh Node run (in the test) can be compared with the shipped ones digit for digit.
 */
import { distributionView } from './distributionView';
import { meanSurprisalBits, type AnalyzeResult, type PositionMetrics } from './positionMetrics';
import type { TokenByteScheme } from '../tokenization/tokenBytes';

/** The most bars the lab draws (the settings' topN maximum): labels and figures cover that many. */
export const FIRST_VIEW_TOP_N = 200;

/** firstView.json: plain data, so it can be written by a script and imported by the page. */
export interface FirstViewData {
  version: 1;
  /** The embedded model it was computed with, and the SHA-256 of every file the engine loaded. */
  modelId: string;
  modelFiles: { path: string; sha256: string }[];
  text: string;
  /** The text's tokens as the engine tokenized them (TokenView). */
  tokens: { id: number; text: string; bytesHex: string; special: boolean }[];
  /** The engine's AnalyzeResult of those tokens (elapsedMs: the Node run's, never shown). */
  analysis: AnalyzeResult;
  /** The logits after the text (the distribution the lab shows first), float32 little-endian in base64. */
  row: { position: number; contextTokens: number; logitsBase64: string };
  /** Display text of every token the screen can name: the top FIRST_VIEW_TOP_N after the text, each position's top token. */
  labels: Record<string, string>;
  /** The rest of the engine's VocabularyResult. */
  vocabulary: { specialIds: number[]; byteScheme: TokenByteScheme };
}

export function float32ToBase64(values: Float32Array): string {
  const bytes = new Uint8Array(values.buffer, values.byteOffset, values.byteLength);
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}

export function float32FromBase64(text: string): Float32Array {
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return new Float32Array(bytes.buffer);
}

/** A number the screen shows, and the size of a unit in its last shown digit (0: shown whole, compared exactly). */
export interface ShownFigure {
  name: string;
  value: number;
  unit: number;
}

/**
 * The unit of the last digit of a probability as the bars and the chips' hover show it
 * (formatProbability: one decimal of a percent from 1%, else two significant digits).
 */
export function probabilityUnit(p: number): number {
  if (p >= 0.01) return 0.001;
  if (!(p > 0)) return 0;
  return 10 ** (Math.floor(Math.log10(p)) - 1);
}

export interface FirstScreen {
  /** The text's token ids. */
  ids: readonly number[];
  positions: readonly PositionMetrics[];
  /** Logits after the text. */
  logits: ArrayLike<number>;
  contextTokens: number;
}

/**
 * Every figure of the first screen at the default sampling settings (temperature 1, no
 * truncation): per chip its token, rank, most probable token, p, surprisal, entropy and p/top;
 * the mean surprisal; after the text the top FIRST_VIEW_TOP_N candidates (token, p, log p), the
 * entropy, the context and the tail beyond the first `topN` bars.
 */
export function shownFigures(screen: FirstScreen, topN: number): ShownFigure[] {
  const figures: ShownFigure[] = [];
  const add = (name: string, value: number, unit: number) => figures.push({ name, value, unit });
  add('tokens', screen.ids.length, 0);
  screen.ids.forEach((id, i) => {
    const m = screen.positions[i];
    add(`chip ${i} token`, id, 0);
    if (!m) return;
    const p = Math.exp(m.logProb);
    add(`chip ${i} rank`, m.rank, 0);
    add(`chip ${i} expected token`, m.topTokenId, 0);
    add(`chip ${i} p`, p, probabilityUnit(p));
    add(`chip ${i} surprisal bits`, -m.logProb / Math.LN2, 0.01);
    add(`chip ${i} entropy bits`, m.entropyNats / Math.LN2, 0.01);
    add(`chip ${i} p/top`, m.probabilityRelativeToTop, 0.001);
  });
  add('mean surprisal bits', meanSurprisalBits(screen.positions) ?? 0, 0.01);
  const settings = { temperature: 1, topK: 0, topP: 1, minP: 0 };
  const view = distributionView(screen.logits, settings, FIRST_VIEW_TOP_N, null);
  view.rows.forEach((row, i) => {
    add(`bar ${i + 1} token`, row.tokenId, 0);
    add(`bar ${i + 1} p`, row.probability, probabilityUnit(row.probability));
    add(`bar ${i + 1} log p`, row.logProb, 0.001);
  });
  add('entropy bits', view.entropyBits, 0.01);
  add('context tokens', screen.contextTokens, 0);
  const shownMass = view.rows.slice(0, topN).reduce((sum, row) => sum + row.probability, 0);
  add(`tail beyond ${topN} bars`, Math.max(0, 1 - shownMass), 0.001);
  return figures;
}

/**
 * The figures that differ beyond what the screen shows: a whole number that is not equal, or a
 * value more than half a unit of its last shown digit away (noise between two runtimes, a few
 * float32 ulps, stays far below that; a retrained model or another text does not).
 */
export function figureDifferences(expected: readonly ShownFigure[], actual: readonly ShownFigure[]): string[] {
  const byName = new Map(actual.map((f) => [f.name, f]));
  const differences: string[] = [];
  for (const want of expected) {
    const got = byName.get(want.name);
    if (!got) {
      differences.push(`${want.name}: missing`);
      continue;
    }
    const unit = Math.max(want.unit, got.unit);
    const differs = unit === 0 ? got.value !== want.value : !(Math.abs(got.value - want.value) <= unit / 2);
    if (differs) differences.push(`${want.name}: ${want.value} precomputed, ${got.value} live`);
  }
  const expectedNames = new Set(expected.map((f) => f.name));
  for (const got of actual) if (!expectedNames.has(got.name)) differences.push(`${got.name}: extra`);
  return differences;
}

/** The first screen described by the shipped data. */
export function firstScreenOf(data: FirstViewData): FirstScreen {
  return {
    ids: data.tokens.map((t) => t.id),
    positions: data.analysis.positions,
    logits: float32FromBase64(data.row.logitsBase64),
    contextTokens: data.row.contextTokens,
  };
}
