/**
 * Benchmark-only key-space timings inside the worker (served to `?testApi=1` pages only):
 * single exact k-NN queries over the loaded model's keys or over a synthetic matrix of a
 * bigger model's shape (GPT-2: 50,257 × 768), each query timed on its own.
 */
import { createKeyIndex, neighboursOfToken, type KeyIndex } from '../core/keyspace';
import { EngineError } from './errors';

import type { KeySpace } from './keySpace';

import type { KeyQueryBenchParams, KeyQueryBenchResult } from '../protocol/keySpace';

let synthetic: { rows: number; cols: number; index: KeyIndex } | null = null;

function syntheticIndex(rows: number, cols: number): { index: KeyIndex; buildMs: number } {
  if (synthetic?.rows === rows && synthetic.cols === cols) return { index: synthetic.index, buildMs: 0 };
  const started = performance.now();
  let state = 1;
  const values = new Float32Array(rows * cols);
  for (let i = 0; i < values.length; i++) {
    state = (Math.imul(state, 1103515245) + 12345) >>> 0;
    values[i] = state / 2 ** 32 - 0.5;
  }
  synthetic = { rows, cols, index: createKeyIndex({ values, rows, cols }) };
  return { index: synthetic.index, buildMs: performance.now() - started };
}

export function benchKeyQueries(params: KeyQueryBenchParams, keySpace: () => KeySpace): KeyQueryBenchResult {
  const rows = params.rows ?? 50_257;
  const cols = params.cols ?? 768;
  if (params.matrix === 'synthetic' && !(rows * cols <= 64e6 && rows > 0 && cols > 0))
    throw new EngineError('bad-request', 'A synthetic matrix must have at most 64 M values.');
  const { index, buildMs } =
    params.matrix === 'model' ? { index: keySpace().outputIndex(), buildMs: 0 } : syntheticIndex(rows, cols);
  const queryMs: number[] = [];
  for (let q = 0; q < params.queries; q++) {
    const tokenId = (q * 7919 + 13) % index.keys.rows;
    const started = performance.now();
    neighboursOfToken(index, tokenId, params.k, { metric: params.metric });
    queryMs.push(performance.now() - started);
  }
  return { rows: index.keys.rows, cols: index.keys.cols, queryMs, buildMs };
}
