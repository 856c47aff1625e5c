/**
 * Timings for the key-space benchmark (issue: one exact k-NN query over the embedded
 * vocabulary and over GPT-2's 50,257 × 768 shape; extracting and normalising the keys).
 * Run: npx vitest bench --run src/core/keyspace   (look at the p50 / mean columns).
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bench, describe } from 'vitest';
import { readKeyMatrices } from '../onnx';
import { createKeyIndex, type KeyMatrix } from './keyMatrix';
import { neighboursOfToken } from './knn';
import { pcaOfKeys } from './pca';

const modelPath = join(
  dirname(fileURLToPath(import.meta.url)),
  '..',
  '..',
  '..',
  'public',
  'models',
  'sotu-gpt-long',
  'onnx',
  'model.onnx',
);
const modelBytes = new Uint8Array(readFileSync(modelPath));

function embeddedKeys(): KeyMatrix {
  const read = readKeyMatrices(modelBytes);
  if (!read.ok || !read.value.unembedding.ok) throw new Error('sotu-gpt-long keys are not readable');
  const { values, vocabularySize, embeddingSize } = read.value.unembedding.value;
  return { values, rows: vocabularySize, cols: embeddingSize };
}

function syntheticKeys(rows: number, cols: number): KeyMatrix {
  let state = 1;
  const values = new Float32Array(rows * cols);
  for (let i = 0; i < values.length; i++) {
    state = (Math.imul(state, 1103515245) + 12345) >>> 0;
    values[i] = state / 2 ** 32 - 0.5;
  }
  return { values, rows, cols };
}

const embedded = createKeyIndex(embeddedKeys());
const gpt2Shape = createKeyIndex(syntheticKeys(50_257, 768));
let token = 0;
const nextToken = (rows: number) => (token = (token + 7919) % rows);

describe('exact cosine top-10 query', () => {
  bench(
    'embedded sotu-gpt-long keys, 8,192 × 256',
    () => {
      neighboursOfToken(embedded, nextToken(8192), 10);
    },
    { time: 3000 },
  );

  bench(
    'synthetic keys, 50,257 × 768',
    () => {
      neighboursOfToken(gpt2Shape, nextToken(50_257), 10);
    },
    { time: 5000, iterations: 30 },
  );
});

describe('preparing the embedded keys', () => {
  bench(
    'extract the unembedding from model.onnx and build the row-normalised index',
    () => {
      createKeyIndex(embeddedKeys());
    },
    { time: 3000, iterations: 10 },
  );

  bench(
    'PCA to 2-D of the 8,192 × 256 keys',
    () => {
      pcaOfKeys(embedded.keys);
    },
    { time: 3000, iterations: 5 },
  );
});
