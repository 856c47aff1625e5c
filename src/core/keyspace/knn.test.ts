import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { readKeyMatrices } from '../onnx';
import { createKeyIndex, type KeyMatrix } from './keyMatrix';
import { nearestKeys, neighboursOfToken, scoreRows, type KeyMetric } from './knn';

const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

/** Independent oracle: every similarity in float64 from the raw keys, a full sort (desc, then id asc), the first k. */
function bruteForce(keys: KeyMatrix, query: ArrayLike<number>, k: number, metric: KeyMetric, exclude: number[] = []) {
  const { values, rows, cols } = keys;
  let queryNorm = 0;
  for (let i = 0; i < cols; i++) queryNorm += query[i] * query[i];
  queryNorm = Math.sqrt(queryNorm);
  const sims = new Float64Array(rows);
  for (let r = 0; r < rows; r++) {
    let dot = 0;
    let norm = 0;
    for (let i = 0; i < cols; i++) {
      dot += values[r * cols + i] * query[i];
      norm += values[r * cols + i] ** 2;
    }
    sims[r] = metric === 'dot' ? dot : dot / (Math.sqrt(norm) * queryNorm);
  }
  const ids = Array.from({ length: rows }, (_, i) => i).filter((i) => !exclude.includes(i));
  ids.sort((a, b) => (sims[b] > sims[a] ? 1 : sims[b] < sims[a] ? -1 : a - b));
  return { ids: ids.slice(0, k), sims };
}

function randomKeys(rows: number, cols: number, seed: number): KeyMatrix {
  let state = seed;
  const values = Float32Array.from({ length: rows * cols }, () => {
    state = (Math.imul(state, 1103515245) + 12345) >>> 0;
    return state / 2 ** 32 - 0.5;
  });
  return { values, rows, cols };
}

const row = (keys: KeyMatrix, t: number) => keys.values.subarray(t * keys.cols, (t + 1) * keys.cols);

/** Ids equal to the oracle's, similarities within `tolerance`. */
function expectSameAsOracle(
  found: { tokenIds: Uint32Array; similarities: Float64Array },
  oracle: { ids: number[]; sims: Float64Array },
  tolerance: number,
) {
  expect(Array.from(found.tokenIds)).toEqual(oracle.ids);
  found.similarities.forEach((s, i) => expect(Math.abs(s - oracle.sims[oracle.ids[i]])).toBeLessThan(tolerance));
}

describe('exact nearest keys on random data', () => {
  const keys = randomKeys(3001, 48, 7); // 3001 rows: the last 64-row block is partial
  const index = createKeyIndex(keys);

  it.each([
    ['cosine', 10],
    ['cosine', 300],
    ['dot', 10],
    ['dot', 300],
  ] as const)('finds the same %s neighbours as a float64 full sort (k = %i)', (metric, k) => {
    for (const token of [0, 1234, 3000]) {
      expectSameAsOracle(
        neighboursOfToken(index, token, k, { metric }),
        bruteForce(keys, row(keys, token), k, metric, [token]),
        1e-12,
      );
    }
    const query = Float64Array.from({ length: 48 }, (_, i) => Math.cos(i * 0.7));
    expectSameAsOracle(nearestKeys(index, query, k, { metric }), bruteForce(keys, query, k, metric), 1e-12);
  });
});

describe.each(['sotu-gpt', 'sotu-bytes', 'sotu-gpt-long'])('exact nearest keys on the %s key matrix', (modelId) => {
  const read = readKeyMatrices(
    new Uint8Array(readFileSync(join(repoRoot, 'public', 'models', modelId, 'onnx', 'model.onnx'))),
  );
  if (!read.ok || !read.value.unembedding.ok) throw new Error(`${modelId} keys are not readable`);
  const { values, vocabularySize, embeddingSize } = read.value.unembedding.value;
  const keys: KeyMatrix = { values, rows: vocabularySize, cols: embeddingSize };
  const index = createKeyIndex(keys);

  it.each(['cosine', 'dot'] as const)('finds the same %s neighbours as a float64 full sort', (metric) => {
    for (const token of [0, 67, 200, vocabularySize - 1, Math.min(1531, vocabularySize - 2)]) {
      expectSameAsOracle(
        neighboursOfToken(index, token, 10, { metric }),
        bruteForce(keys, row(keys, token), 10, metric, [token]),
        1e-12,
      );
    }
  });
});

describe('nearest keys', () => {
  // Rows 1 and 3 are identical, so they tie on every query.
  const keys: KeyMatrix = { values: Float32Array.of(1, 0, 0.6, 0.8, 0, 1, 0.6, 0.8, -1, 0), rows: 5, cols: 2 };
  const index = createKeyIndex(keys);

  it('leaves the token itself out unless asked to include it', () => {
    expect(Array.from(neighboursOfToken(index, 0, 2).tokenIds)).toEqual([1, 3]);
    const withSelf = neighboursOfToken(index, 0, 1, { includeSelf: true });
    expect(Array.from(withSelf.tokenIds)).toEqual([0]);
    expect(withSelf.similarities[0]).toBeCloseTo(1, 12);
  });

  it('breaks ties by the lower token id', () => {
    expect(Array.from(nearestKeys(index, [0.6, 0.8], 2).tokenIds)).toEqual([1, 3]);
  });

  it('never returns excluded tokens, even when k asks for more', () => {
    const found = neighboursOfToken(index, 0, 10, { exclude: [1] });
    expect(Array.from(found.tokenIds)).toEqual([3, 2, 4]);
  });

  it('ranks by raw product for dot and by angle for cosine', () => {
    const scaled = createKeyIndex({ values: Float32Array.of(1, 0, 3, 1), rows: 2, cols: 2 });
    expect(nearestKeys(scaled, [1, 0], 1, { metric: 'dot' }).tokenIds[0]).toBe(1);
    expect(nearestKeys(scaled, [1, 0], 1, { metric: 'cosine' }).tokenIds[0]).toBe(0);
  });

  it('scores a batch of queries against every row', () => {
    const scores = scoreRows(keys, [Float64Array.of(1, 0), Float64Array.of(0, 2)]);
    expect(Array.from(scores[0])).toEqual([1, Math.fround(0.6), 0, Math.fround(0.6), -1]);
    expect(Array.from(scores[1])).toEqual([0, 2 * Math.fround(0.8), 2, 2 * Math.fround(0.8), 0]);
  });

  it('rejects a query of the wrong width', () => {
    expect(() => nearestKeys(index, [1, 0, 0], 1)).toThrow(RangeError);
  });
});

describe('the WebAssembly SIMD cosine scan', () => {
  const keys = randomKeys(2003, 64, 11);
  const simd = createKeyIndex(keys);
  const plain = createKeyIndex(keys, { simd: false });

  it('is used where WebAssembly SIMD runs (Node here) and scores within its error bound of the float64 loop', () => {
    expect(simd.scanner).toBeTruthy();
    expect(plain.scanner).toBeNull();
    const query = Float64Array.from({ length: 64 }, (_, i) => Math.sin(i * 1.3));
    const unit = query.map((v, _, all) => v / Math.hypot(...all));
    const fast = new Float64Array(2003);
    simd.scanner!.scan(unit, fast);
    const [reference] = scoreRows(plain.unitKeys, [unit]);
    let worst = 0;
    for (let r = 0; r < 2003; r++) worst = Math.max(worst, Math.abs(fast[r] - reference[r]));
    expect(worst).toBeGreaterThan(0); // float32 sums really differ...
    expect(worst).toBeLessThan(simd.scanner!.errorBound); // ...but within the bound the refinement relies on
  });

  it('gives exactly the neighbours of the float64 loop after refinement', () => {
    for (const token of [0, 999, 2002]) {
      for (const k of [1, 10, 200]) {
        const a = neighboursOfToken(simd, token, k);
        const b = neighboursOfToken(plain, token, k);
        expect(Array.from(a.tokenIds)).toEqual(Array.from(b.tokenIds));
        expect(Array.from(a.similarities)).toEqual(Array.from(b.similarities));
      }
    }
  });

  it('is not used for a width that is not a multiple of 8', () => {
    expect(createKeyIndex(randomKeys(10, 6, 3)).scanner).toBeNull();
  });
});
