/**
 * A played step's fingerprint: what is on screen, as text that two replays can compare. It
 * holds the lab's token ids and the top bars' ids and probabilities (after the sampling
 * settings) to four significant digits, more than any view shows, so a difference the eye
 * could see always changes it; plus the open view's own key numbers.
 */
import { samplingPipeline, topNIndices, type SamplingSettings } from '../distribution';

/** Bars in the fingerprint: the top of the distribution is what a speaker points at. */
export const FINGERPRINT_BARS = 5;

export function formatFingerprintNumber(value: number): string {
  return Number.isFinite(value) ? value.toPrecision(4) : String(value);
}

/** The lab's part: ids of text + continuation, the shown position, and its top bars. */
export function labFingerprint(lab: {
  ids: readonly number[];
  position: number;
  logits: Float32Array | null;
  sampling: SamplingSettings;
}): string {
  const head = `ids ${lab.ids.join(',')} @${lab.position}`;
  if (!lab.logits) return `${head} | no distribution`;
  const { probabilities } = samplingPipeline(lab.logits, lab.sampling);
  const bars = Array.from(
    topNIndices(probabilities, FINGERPRINT_BARS),
    (id) => `${id}=${formatFingerprintNumber(probabilities[id])}`,
  );
  return `${head} | top ${bars.join(' ')}`;
}

/** Labelled numbers and short texts as one line: `kl=0.1234 top1=0.5000`. */
export function numbersFingerprint(parts: Record<string, number | string>): string {
  return Object.entries(parts)
    .map(([key, value]) => `${key}=${typeof value === 'number' ? formatFingerprintNumber(value) : value}`)
    .join(' ');
}

/** A list of labelled probabilities (bias lens bars, neighbours), in order. */
export function listFingerprint(rows: readonly { label: string | number; value: number }[]): string {
  return rows.map((row) => `${JSON.stringify(row.label)}:${formatFingerprintNumber(row.value)}`).join(' ');
}

/** The bias lens: the naive next token and byte, and the exact next byte and character, at their tops. */
export function biasLensFingerprint(result: {
  naive: {
    tokens: readonly { text: string; probability: number }[];
    bytes: readonly { label: string; probability: number }[];
  };
  exact: {
    bytes: readonly { label: string; probability: number }[];
    characters: readonly { character: string; probability: number }[];
  };
}): string {
  const top = (rows: readonly { label: string; probability: number }[]) =>
    listFingerprint(rows.slice(0, FINGERPRINT_BARS).map((row) => ({ label: row.label, value: row.probability })));
  return [
    `naive tokens ${top(result.naive.tokens.map((t) => ({ label: t.text, probability: t.probability })))}`,
    `naive bytes ${top(result.naive.bytes)}`,
    `exact bytes ${top(result.exact.bytes)}`,
    `exact characters ${top(result.exact.characters.map((c) => ({ label: c.character, probability: c.probability })))}`,
  ].join(' | ');
}

/** The bigram view's summary figures. */
export function bigramFingerprint(summary: object): string {
  return numbersFingerprint(
    Object.fromEntries(
      Object.entries(summary).filter((entry): entry is [string, number] => typeof entry[1] === 'number'),
    ),
  );
}

const NUMBER = /-?\d+(?:\.\d+)?(?:e[-+]?\d+)?/g;

/**
 * The first difference between two fingerprints, or null when they agree: every word and whole
 * number (token ids, positions) equal, every decimal within `relativeTolerance` of the other.
 * Replays in one page repeat the engine's exact path and match character for character; a
 * replay after the engine scored other texts first (another session, a reload) may take a
 * different path through the KV cache, which moves logits in the 7th digit — and temperature
 * 0.01 multiplies logits by 100, so a probability of 1e-38 can move in its 4th digit. The
 * views show two or three significant digits.
 */
export function fingerprintDifference(a: string, b: string, relativeTolerance = 1e-3): string | null {
  const wordsA = a.split(NUMBER);
  const wordsB = b.split(NUMBER);
  const numbersA = a.match(NUMBER) ?? [];
  const numbersB = b.match(NUMBER) ?? [];
  if (wordsA.length !== wordsB.length || wordsA.some((word, i) => word !== wordsB[i])) return `${a} ≠ ${b}`;
  for (let i = 0; i < numbersA.length; i++) {
    const [textA, textB] = [numbersA[i], numbersB[i]];
    const isWhole = !/[.e]/.test(textA) && !/[.e]/.test(textB);
    const [x, y] = [Number(textA), Number(textB)];
    const close = Math.abs(x - y) <= relativeTolerance * Math.max(Math.abs(x), Math.abs(y));
    if (isWhole ? textA !== textB : !close) return `${textA} ≠ ${textB} in ${a}`;
  }
  return null;
}
