/**
 * Deterministic, realistic experiment records for tests, benchmarks and demos: a text of
 * word tokens with per-position metrics, a few looked-at distributions (top 20 + tail mass)
 * and a small branch tree, sized like what a user saves after a few minutes in the app.
 */
import { createRng } from '../distribution/rng';
import type { Experiment } from './schema';

const WORDS = [
  'the',
  'of',
  'and',
  'to',
  'in',
  'our',
  'a',
  'that',
  'is',
  'be',
  'for',
  'we',
  'have',
  'it',
  'which',
  'by',
  'with',
  'as',
  'this',
  'will',
  'not',
  'government',
  'people',
  'States',
  'Congress',
  'country',
  'United',
  'public',
  'nation',
  'year',
  'war',
  'peace',
  'law',
  'time',
];

export interface ExampleOptions {
  /** Record id; letters, digits, `-`, `_`. */
  id?: string;
  name?: string;
  tags?: string[];
  /** Seed of the generator: same seed, same record. */
  seed?: number;
  /** Tokens in the text. */
  positions?: number;
  /** Looked-at distributions kept in the snapshot. */
  distributions?: number;
  /** Nodes in the branch tree, root included. */
  branchNodes?: number;
  /** ISO 8601; also used as updatedAt. */
  createdAt?: string;
}

/**
 * A valid current-version experiment.
 *
 * @example
 * const record = exampleExperiment({ id: 'e1', positions: 50 });
 */
export function exampleExperiment(options: ExampleOptions = {}): Experiment {
  const seed = options.seed ?? 1;
  const rng = createRng(seed >>> 0);
  const positions = options.positions ?? 300;
  const vocabularySize = 8_192;
  const wordIndex = Array.from({ length: positions }, () => rng.nextUint32() % WORDS.length);
  const tokenTexts = wordIndex.map((w, i) => (i === 0 ? WORDS[w] : ` ${WORDS[w]}`));
  const probability = wordIndex.map((_, i) => (i === 0 ? null : round(0.001 + 0.9 * rng.nextFloat64())));
  const createdAt = options.createdAt ?? '2026-11-20T10:00:00.000Z';
  return {
    schemaVersion: 2,
    id: options.id ?? `example-${seed}`,
    name: options.name ?? `State of the Union, sample ${seed}`,
    tags: options.tags ?? ['sotu', 'example'],
    notes: 'Surprisal spikes at proper nouns.',
    createdAt,
    updatedAt: createdAt,
    appVersion: '0.1.0',
    model: { id: 'sotu-gpt', source: { kind: 'embedded', fileHashes: [] }, dtype: 'fp32', backend: 'wasm' },
    tokenizer: { id: 'sotu-gpt', vocabularySize },
    text: tokenTexts.join(''),
    settings: {
      temperature: 1,
      topK: 0,
      topP: 1,
      minP: 0,
      seed,
      colourMetric: 'surprisal',
      view: 'text',
      selectedPosition: null,
    },
    branches: exampleTree(options.branchNodes ?? 7, rng.nextUint32()),
    results: {
      tokenIds: wordIndex.map((w) => 256 + w),
      tokenTexts,
      metrics: {
        probability,
        surprisalBits: probability.map((p) => (p === null ? null : round(-Math.log2(p)))),
        rank: probability.map((p) => (p === null ? null : 1 + Math.floor((1 - p) * 40))),
        entropyNats: probability.map((p) => (p === null ? null : round(1 + 4 * (1 - p)))),
      },
      distributions: Array.from({ length: options.distributions ?? 5 }, (_, d) =>
        exampleDistribution(
          Math.min(positions, Math.round(((d + 1) * positions) / (options.distributions ?? 5))),
          vocabularySize,
        ),
      ),
      fullVocabulary: false,
    },
  };
}

function exampleDistribution(
  position: number,
  vocabularySize: number,
): NonNullable<Experiment['results']>['distributions'][number] {
  // Zipf-like top 20: p_k ∝ 1/(k+1), scaled so the top keeps 70% of the mass.
  const weights = WORDS.slice(0, 20).map((_, k) => 1 / (k + 1));
  const total = weights.reduce((a, b) => a + b, 0);
  const top = WORDS.slice(0, 20).map((word, k) => ({
    tokenId: 256 + k,
    text: ` ${word}`,
    probability: round((0.7 * weights[k]) / total),
  }));
  const kept = top.reduce((sum, c) => sum + c.probability, 0);
  return { position, top, tailMass: 1 - kept, vocabularySize };
}

function exampleTree(size: number, seed: number): Experiment['branches'] {
  const rng = createRng(seed);
  const nodes: Experiment['branches']['nodes'] = [{ id: 0, tokenIds: [], text: '', probability: 1, children: [] }];
  for (let id = 1; id < size; id++) {
    const parent = rng.nextUint32() % id;
    const word = WORDS[rng.nextUint32() % WORDS.length];
    nodes.push({
      id,
      tokenIds: [256 + WORDS.indexOf(word)],
      text: ` ${word}`,
      probability: round(rng.nextFloat64()),
      children: [],
    });
    nodes[parent].children.push(id);
  }
  return { nodes, selectedNodeId: size - 1 };
}

/** Six significant digits: what a snapshot needs, and smaller JSON. */
function round(value: number): number {
  return Number(value.toPrecision(6));
}
