/**
 * Interpolated modified Kneser-Ney n-gram models (Chen & Goodman 1998), the baseline the
 * embedded models' cards are compared against. Pure TypeScript: the same code scores the
 * corpus in the build tools and in the app's corpus view.
 *
 * The training stream is one sequence: the end-of-text token separates documents, exactly as
 * the neural models see it. N-grams live in a trie with one hash table per order, keyed by
 * (id of the (k-1)-gram prefix, last token), so keys stay small integers at any order.
 *
 * Order k of an order-N model uses raw counts at k = N and continuation counts (distinct left
 * extensions) below; each order has three discounts D1, D2, D3+ from its count-of-counts, and
 * the lowest order is interpolated with the uniform 1/V so every token has mass.
 * Order 1 on its own (N = 1) is the maximum-likelihood unigram plus one pseudo-count spread
 * uniformly over the vocabulary: frequencies stay empirical, unseen tokens still get mass.
 */

/** Discounts used when a corpus is too small to have n-grams seen 1, 2, 3 and 4 times. */
const FALLBACK_DISCOUNTS = [0.5, 1, 1.5] as const;
const TOKEN_STRIDE = 65536; // token ids fit in 16 bits; keys are prefixId * stride + token
const MAX_ORDER = 8;

/** The distinct n-grams of one order: a growable hash table from (prefix id, token) to id. */
class GramLevel {
  size = 0;
  /** Packed key per n-gram: prefixId * TOKEN_STRIDE + token. */
  keys = new Float64Array(1024);
  /** Raw count at the model's top order, continuation count below it. */
  counts = new Int32Array(1024);
  /** As a context for the next order: sum of its children's counts. */
  childCountSum = new Float64Array(0);
  /** As a context for the next order: the mass its children gave up, D1·N1 + D2·N2 + D3+·N3+. */
  discountedMass = new Float64Array(0);
  private slots = new Int32Array(2048); // id + 1 per slot, 0 = empty
  private mask = 2047;

  private slotOf(prefixId: number, token: number): number {
    let h = Math.imul(prefixId, 0x9e3779b1) ^ Math.imul(token + 0x7f4a7c15, 0x85ebca6b);
    h ^= h >>> 16;
    h = Math.imul(h, 0x7feb352d);
    h ^= h >>> 15;
    return h & this.mask;
  }

  /** The id of (prefixId, token), or -1 when this n-gram was never seen. */
  find(prefixId: number, token: number): number {
    const key = prefixId * TOKEN_STRIDE + token;
    for (let slot = this.slotOf(prefixId, token); ; slot = (slot + 1) & this.mask) {
      const entry = this.slots[slot];
      if (entry === 0) return -1;
      if (this.keys[entry - 1] === key) return entry - 1;
    }
  }

  /** Whether the last {@link intern} added a new n-gram (a field, so the hot loop allocates nothing). */
  lastWasNew = false;

  /** The id of (prefixId, token), added when new. */
  intern(prefixId: number, token: number): number {
    const key = prefixId * TOKEN_STRIDE + token;
    let slot = this.slotOf(prefixId, token);
    for (; ; slot = (slot + 1) & this.mask) {
      const entry = this.slots[slot];
      if (entry === 0) break;
      if (this.keys[entry - 1] === key) {
        this.lastWasNew = false;
        return entry - 1;
      }
    }
    this.lastWasNew = true;
    const id = this.size++;
    if (id === this.keys.length) this.growNodes();
    this.keys[id] = key;
    this.slots[slot] = id + 1;
    // Half-full tables keep linear probing short.
    if (this.size * 2 > this.slots.length) this.growSlots();
    return id;
  }

  private growNodes() {
    const keys = new Float64Array(this.keys.length * 2);
    keys.set(this.keys);
    const counts = new Int32Array(this.counts.length * 2);
    counts.set(this.counts);
    this.keys = keys;
    this.counts = counts;
  }

  private growSlots() {
    this.slots = new Int32Array(this.slots.length * 2);
    this.mask = this.slots.length - 1;
    for (let id = 0; id < this.size; id++) {
      const key = this.keys[id];
      const token = key % TOKEN_STRIDE;
      let slot = this.slotOf((key - token) / TOKEN_STRIDE, token);
      while (this.slots[slot] !== 0) slot = (slot + 1) & this.mask;
      this.slots[slot] = id + 1;
    }
  }
}

/**
 * Modified Kneser-Ney discounts [D1, D2, D3+] from count-of-counts [n1, n2, n3, n4]
 * (how many n-grams of one order were counted exactly 1, 2, 3, 4 times):
 * Y = n1 / (n1 + 2 n2), Dk = k - (k + 1) Y n(k+1) / nk. A discount that cannot be estimated
 * (a count class is empty) or falls outside (0, k] falls back to a fixed value, so that the
 * distribution stays proper on tiny corpora.
 * @example estimateDiscounts([100, 40, 20, 10]) // [0.5556, 1.1667, 1.8889] (rounded)
 */
export function estimateDiscounts(countOfCounts: ArrayLike<number>): [number, number, number] {
  const n = [0, countOfCounts[0], countOfCounts[1], countOfCounts[2], countOfCounts[3]];
  const y = n[1] / (n[1] + 2 * n[2]);
  const discounts: number[] = [];
  for (let k = 1; k <= 3; k++) {
    const estimate = k - ((k + 1) * y * n[k + 1]) / n[k];
    const usable = n[1] > 0 && n[k] > 0 && n[k + 1] > 0 && Number.isFinite(estimate) && estimate > 0;
    discounts.push(usable ? Math.min(estimate, k) : FALLBACK_DISCOUNTS[k - 1]);
  }
  return discounts as [number, number, number];
}

/** The result of scoring a stream: every token after the first, which is context only. */
export interface StreamScore {
  /** Total negative log-likelihood of the scored tokens, in nats. */
  nllNats: number;
  scoredTokens: number;
}

/** A trained interpolated modified Kneser-Ney model; build one with {@link trainKneserNey}. */
export class KneserNeyModel {
  /** levels[k] holds the k-grams; levels[0] is the empty context (the root, id 0). */
  private readonly levels: GramLevel[];

  constructor(
    readonly order: number,
    readonly vocabSize: number,
    /** Per order k = 1..N (index k - 1): [n1, n2, n3, n4] of the counts that order uses. */
    readonly countOfCounts: [number, number, number, number][],
    /** Per order k = 1..N (index k - 1): [D1, D2, D3+]; all zero for a unigram model. */
    readonly discounts: [number, number, number][],
    levels: GramLevel[],
  ) {
    this.levels = levels;
  }

  /** How many distinct n-grams of each order 1..N were seen in training. */
  get distinctGrams(): number[] {
    return this.levels.slice(1).map((level) => level.size);
  }

  /**
   * p(token | context) at order k, from the k-gram's id (-1 if unseen) and the probability
   * the order below gave the same token.
   */
  private interpolate(k: number, contextId: number, gramId: number, lowerProbability: number): number {
    const context = this.levels[k - 1];
    const denominator = context.childCountSum[contextId];
    // A context whose continuations were never counted (it only opens or ends the stream) adds nothing.
    if (denominator === 0) return lowerProbability;
    const count = gramId < 0 ? 0 : this.levels[k].counts[gramId];
    const d = this.discounts[k - 1];
    const discount = count === 0 ? 0 : count === 1 ? d[0] : count === 2 ? d[1] : d[2];
    return (count - discount + context.discountedMass[contextId] * lowerProbability) / denominator;
  }

  /**
   * The full next-token distribution after `context` (only its last N - 1 tokens matter).
   * Sums to 1 over the whole vocabulary.
   */
  probabilities(context: ArrayLike<number>): Float64Array {
    const contextIds = this.contextIds(context);
    const probabilities = new Float64Array(this.vocabSize).fill(1 / this.vocabSize);
    for (let k = 1; k <= this.order && contextIds[k - 1] >= 0; k++) {
      const contextId = contextIds[k - 1];
      for (let token = 0; token < this.vocabSize; token++) {
        const gramId = this.levels[k].find(contextId, token);
        probabilities[token] = this.interpolate(k, contextId, gramId, probabilities[token]);
      }
    }
    return probabilities;
  }

  /** Ids of the m-grams that end `context`, m = 0..N-1; -1 where unseen or too short. */
  private contextIds(context: ArrayLike<number>): number[] {
    const ids = [0];
    for (let m = 1; m < this.order; m++) {
      // Walk the trie from the root through the last m tokens, one order per token.
      const start = context.length - m;
      let id = start >= 0 ? 0 : -1;
      for (let i = 0; id >= 0 && i < m; i++)
        id = this.levels[i + 1].find(id, checkToken(context[start + i], this.vocabSize));
      ids.push(id);
    }
    return ids;
  }

  /** Total NLL of `tokens` in nats, scoring every token after the first (context only). */
  score(tokens: ArrayLike<number>): StreamScore {
    const n = this.order;
    // contextIds[m]: id of the m-gram ending just before the token being scored.
    let contextIds = new Int32Array(n).fill(-1);
    let nextIds = new Int32Array(n).fill(-1);
    contextIds[0] = 0;
    nextIds[0] = 0;
    if (n > 1 && tokens.length > 0) contextIds[1] = this.levels[1].find(0, checkToken(tokens[0], this.vocabSize));
    let nllNats = 0;
    for (let j = 1; j < tokens.length; j++) {
      const token = checkToken(tokens[j], this.vocabSize);
      let probability = 1 / this.vocabSize;
      for (let k = 1; k <= n; k++) {
        const contextId = contextIds[k - 1];
        const gramId = contextId < 0 ? -1 : this.levels[k].find(contextId, token);
        if (contextId >= 0) probability = this.interpolate(k, contextId, gramId, probability);
        // The k-gram ending here is the context of order k + 1 for the next token.
        if (k < n) nextIds[k] = gramId;
      }
      nllNats -= Math.log(probability);
      const swap = contextIds;
      contextIds = nextIds;
      nextIds = swap;
    }
    return { nllNats, scoredTokens: Math.max(0, tokens.length - 1) };
  }
}

function checkToken(token: number, vocabSize: number): number {
  if (!Number.isInteger(token) || token < 0 || token >= vocabSize) {
    throw new RangeError(`token id ${token} is outside the vocabulary of ${vocabSize}`);
  }
  return token;
}

/**
 * Trains an interpolated modified Kneser-Ney model of `order` (1..8) on one token stream.
 * @example
 * const model = trainKneserNey(trainTokens, 8192, 3);
 * const { nllNats, scoredTokens } = model.score(validationTokens);
 * const perplexity = Math.exp(nllNats / scoredTokens);
 */
export function trainKneserNey(tokens: ArrayLike<number>, vocabSize: number, order: number): KneserNeyModel {
  if (!Number.isInteger(order) || order < 1 || order > MAX_ORDER)
    throw new RangeError(`order must be 1..${MAX_ORDER}, got ${order}`);
  if (!Number.isInteger(vocabSize) || vocabSize < 1 || vocabSize > TOKEN_STRIDE)
    throw new RangeError(`vocabSize must be 1..${TOKEN_STRIDE}, got ${vocabSize}`);
  const levels = Array.from({ length: order + 1 }, () => new GramLevel());
  levels[0].intern(0, 0); // the root: the empty context, id 0
  countGrams(tokens, vocabSize, levels);

  const countOfCounts: [number, number, number, number][] = [];
  const discounts: [number, number, number][] = [];
  for (let k = 1; k <= order; k++) {
    const level = levels[k];
    const classes: [number, number, number, number] = [0, 0, 0, 0];
    for (let id = 0; id < level.size; id++) {
      const count = level.counts[id];
      if (count >= 1 && count <= 4) classes[count - 1]++;
    }
    countOfCounts.push(classes);
    discounts.push(order === 1 ? [0, 0, 0] : estimateDiscounts(classes));
    sumChildren(level, levels[k - 1], discounts[k - 1]);
  }
  if (order === 1) {
    // One pseudo-count, spread by the uniform floor: p(w) = (c(w) + 1/V) / (T + 1).
    levels[0].childCountSum[0] += 1;
    levels[0].discountedMass[0] = 1;
  }
  return new KneserNeyModel(order, vocabSize, countOfCounts, discounts, levels);
}

/**
 * One pass over the stream interns every n-gram of orders 1..N ending at each position.
 * The top order counts occurrences; lower orders count distinct left extensions, which grow
 * by one exactly when a longer n-gram ending at the same position is new.
 */
function countGrams(tokens: ArrayLike<number>, vocabSize: number, levels: GramLevel[]) {
  const order = levels.length - 1;
  let previousIds = new Int32Array(order + 1); // ids of the m-grams ending at j - 1
  let currentIds = new Int32Array(order + 1);
  for (let j = 0; j < tokens.length; j++) {
    const token = checkToken(tokens[j], vocabSize);
    const longest = Math.min(order, j + 1);
    for (let k = 1; k <= longest; k++) {
      const id = levels[k].intern(previousIds[k - 1], token);
      currentIds[k] = id;
      if (k === order) levels[k].counts[id]++;
      if (levels[k].lastWasNew && k > 1) levels[k - 1].counts[currentIds[k - 1]]++;
    }
    const swap = previousIds;
    previousIds = currentIds;
    currentIds = swap;
  }
}

/** Fills each context's child count sum and the mass its discounts free for lower orders. */
function sumChildren(level: GramLevel, contexts: GramLevel, d: [number, number, number]) {
  contexts.childCountSum = new Float64Array(contexts.size);
  contexts.discountedMass = new Float64Array(contexts.size);
  for (let id = 0; id < level.size; id++) {
    const count = level.counts[id];
    if (count === 0) continue;
    const token = level.keys[id] % TOKEN_STRIDE;
    const contextId = (level.keys[id] - token) / TOKEN_STRIDE;
    contexts.childCountSum[contextId] += count;
    contexts.discountedMass[contextId] += count === 1 ? d[0] : count === 2 ? d[1] : d[2];
  }
}
