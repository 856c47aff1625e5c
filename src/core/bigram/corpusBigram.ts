/**
 * The empirical bigram distribution of a token stream (docs/PAPERS.md section 2, bigram target):
 * P_bg(u | w) = c(w, u) / Σ_v c(w, v); an unseen context backs off to the unigram
 * distribution, then to uniform 1/V. Counts are kept sparse (one row per context), and
 * serialise to a compact binary file (varint, next ids delta-coded) shipped beside the
 * embedded models.
 */

export interface CorpusBigram {
  vocabSize: number;
  /** Tokens counted. */
  tokenCount: number;
  /** c(w) as a context: how often w is followed by anything. */
  contextCounts: Float64Array;
  /** c(u) over the whole stream, for the unigram back-off. */
  unigramCounts: Float64Array;
  /** CSR rows: the pairs of context w are [rowStart[w], rowStart[w + 1]). */
  rowStart: Uint32Array;
  nextIds: Uint32Array;
  pairCounts: Uint32Array;
}

/**
 * Counts the bigrams of a token stream; end-of-text markers count like any token. The paper gives each
 * sequence's first token a start placeholder as its context; a stream whose documents each begin with
 * the model's start token gets that token as the context instead (docs/PAPERS.md section 2, bigram target).
 */
export function countBigrams(tokens: ArrayLike<number>, vocabSize: number): CorpusBigram {
  const unigramCounts = new Float64Array(vocabSize);
  const pairs = new Map<number, number>();
  for (let i = 0; i < tokens.length; i++) {
    const w = tokens[i];
    if (!(Number.isInteger(w) && w >= 0 && w < vocabSize))
      throw new RangeError(`token ${w} at ${i} is outside the vocabulary (0..${vocabSize - 1})`);
    unigramCounts[w]++;
    if (i + 1 < tokens.length) {
      const key = w * vocabSize + tokens[i + 1];
      pairs.set(key, (pairs.get(key) ?? 0) + 1);
    }
  }
  const keys = [...pairs.keys()].sort((a, b) => a - b);
  const rowStart = new Uint32Array(vocabSize + 1);
  const nextIds = new Uint32Array(keys.length);
  const pairCounts = new Uint32Array(keys.length);
  const contextCounts = new Float64Array(vocabSize);
  keys.forEach((key, k) => {
    const w = Math.floor(key / vocabSize);
    nextIds[k] = key - w * vocabSize;
    pairCounts[k] = pairs.get(key)!;
    rowStart[w + 1]++;
    contextCounts[w] += pairCounts[k];
  });
  for (let w = 0; w < vocabSize; w++) rowStart[w + 1] += rowStart[w];
  return { vocabSize, tokenCount: tokens.length, contextCounts, unigramCounts, rowStart, nextIds, pairCounts };
}

/** P_bg(· | w) over the whole vocabulary, with the back-off of docs/PAPERS.md section 2. */
export function bigramDistribution(bigram: CorpusBigram, contextId: number): Float64Array {
  const { vocabSize } = bigram;
  const out = new Float64Array(vocabSize);
  const total = contextId >= 0 && contextId < vocabSize ? bigram.contextCounts[contextId] : 0;
  if (total > 0) {
    for (let k = bigram.rowStart[contextId]; k < bigram.rowStart[contextId + 1]; k++)
      out[bigram.nextIds[k]] = bigram.pairCounts[k] / total;
    return out;
  }
  const unigramTotal = bigram.unigramCounts.reduce((s, c) => s + c, 0);
  if (unigramTotal > 0) {
    for (let u = 0; u < vocabSize; u++) out[u] = bigram.unigramCounts[u] / unigramTotal;
    return out;
  }
  return out.fill(1 / vocabSize);
}

/** Whether P_bg(· | w) comes from w's own counts (not a back-off). */
export function hasContext(bigram: CorpusBigram, contextId: number): boolean {
  return contextId >= 0 && contextId < bigram.vocabSize && bigram.contextCounts[contextId] > 0;
}

/** Token ids by descending frequency in the stream (ties by id), the first `n`. */
export function mostFrequentTokens(bigram: CorpusBigram, n: number): number[] {
  const ids = Array.from({ length: bigram.vocabSize }, (_, i) => i).filter((i) => bigram.unigramCounts[i] > 0);
  ids.sort((a, b) => bigram.unigramCounts[b] - bigram.unigramCounts[a] || a - b);
  return ids.slice(0, n);
}

/** Cross-entropy H(P_bg, q) = −Σ P_bg log2 q in bits; a token with P_bg > 0 and q = 0 gives Infinity. */
export function crossEntropyBits(target: ArrayLike<number>, model: ArrayLike<number>): number {
  let h = 0;
  for (let i = 0; i < target.length; i++) if (target[i] > 0) h -= target[i] * Math.log2(model[i]);
  return h;
}

const MAGIC = 0x47425354; // 'TSBG' little-endian
const FORMAT_VERSION = 1;

class VarintWriter {
  private bytes: number[] = [];
  write(value: number): void {
    let v = value;
    while (v >= 0x80) {
      this.bytes.push((v % 0x80) | 0x80);
      v = Math.floor(v / 0x80);
    }
    this.bytes.push(v);
  }
  finish(): Uint8Array {
    return Uint8Array.from(this.bytes);
  }
}

/**
 * Binary form: magic, version, vocabSize, tokenCount, then per context w: the number of
 * distinct next tokens, then (next id delta, count) pairs; then the unigram counts. All varints.
 */
export function encodeCorpusBigram(bigram: CorpusBigram): Uint8Array {
  const w = new VarintWriter();
  for (const v of [MAGIC, FORMAT_VERSION, bigram.vocabSize, bigram.tokenCount]) w.write(v);
  for (let c = 0; c < bigram.vocabSize; c++) {
    const start = bigram.rowStart[c];
    const end = bigram.rowStart[c + 1];
    w.write(end - start);
    let previous = 0;
    for (let k = start; k < end; k++) {
      w.write(bigram.nextIds[k] - previous);
      previous = bigram.nextIds[k];
      w.write(bigram.pairCounts[k]);
    }
  }
  for (let u = 0; u < bigram.vocabSize; u++) w.write(bigram.unigramCounts[u]);
  return w.finish();
}

/** Reads encodeCorpusBigram's bytes; a wrong or truncated file is reported, never half-read. */
export function decodeCorpusBigram(bytes: Uint8Array): CorpusBigram {
  let pos = 0;
  const read = (): number => {
    let value = 0;
    let scale = 1;
    for (;;) {
      if (pos >= bytes.length) throw new Error('the bigram counts file is truncated');
      const b = bytes[pos++];
      value += (b & 0x7f) * scale;
      if (b < 0x80) return value;
      scale *= 0x80;
    }
  };
  if (read() !== MAGIC) throw new Error('not a Tokenscope bigram counts file');
  const version = read();
  if (version !== FORMAT_VERSION)
    throw new Error(`bigram counts file version ${version} is not supported (expected ${FORMAT_VERSION})`);
  const vocabSize = read();
  const tokenCount = read();
  const rowStart = new Uint32Array(vocabSize + 1);
  const ids: number[] = [];
  const counts: number[] = [];
  const contextCounts = new Float64Array(vocabSize);
  for (let c = 0; c < vocabSize; c++) {
    const n = read();
    let id = 0;
    for (let k = 0; k < n; k++) {
      id += read();
      if (id >= vocabSize)
        throw new Error(`bigram counts file names token ${id} outside its vocabulary of ${vocabSize}`);
      const count = read();
      ids.push(id);
      counts.push(count);
      contextCounts[c] += count;
    }
    rowStart[c + 1] = rowStart[c] + n;
  }
  const unigramCounts = new Float64Array(vocabSize);
  for (let u = 0; u < vocabSize; u++) unigramCounts[u] = read();
  if (pos !== bytes.length) throw new Error('the bigram counts file has trailing bytes');
  return {
    vocabSize,
    tokenCount,
    contextCounts,
    unigramCounts,
    rowStart,
    nextIds: Uint32Array.from(ids),
    pairCounts: Uint32Array.from(counts),
  };
}
