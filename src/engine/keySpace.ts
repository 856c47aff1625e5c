/**
 * The key space of the loaded model, run in the worker (and by the CLI): the unembedding and,
 * when untied, the input embedding read out of the model's own ONNX bytes on first use, one
 * row-normalised index per matrix, and the queries the key-space view makes (neighbours,
 * keySim of a distribution, the PCA map). The maths is core/keyspace; this file only owns
 * the matrices and their lifetime.
 */
import {
  createKeyIndex,
  keySimProfile,
  neighboursOfToken,
  pcaOfKeys,
  projectKeys,
  type KeyIndex,
} from '../core/keyspace';
import { readKeyMatrices, type EmbeddingMatrix } from '../core/onnx';

import { EngineError, throwIfCancelled } from './errors';

import type {
  KeyMapResult,
  KeyMatrixSummary,
  KeySimParams,
  KeySimResult,
  KeySpaceInfo,
  NeighbourRow,
  NeighboursParams,
  NeighboursResult,
  RandomPairCosine,
} from '../protocol/keySpace';

/** The model file and its external data files, as the engine read them at load. */
export interface WeightFiles {
  /** Model label for messages. */
  label: string;
  /** Path of the ONNX file inside the model folder, e.g. `onnx/model.onnx`. */
  modelFile: string;
  /** Every file read at load, by path (the ONNX file and any `*.onnx_data` next to it among them). */
  files: ReadonlyMap<string, Uint8Array>;
}

/**
 * Keys (evenly strided) that estimate the PCA covariance: at most 8,192, and fewer for wide
 * keys so the covariance stays under ~2.5 G multiply-adds (a few seconds in the worker):
 * 8,192 keys up to 768 wide, ~1,200 at 2,048.
 */
const MAP_MAX_ROWS = 8192;
const MAP_MAX_MULTIPLY_ADDS = 2.5e9;
const MAX_NEIGHBOURS = 1000;
const RANDOM_PAIRS = 2000;

interface Extracted {
  info: KeySpaceInfo;
  output: KeyIndex;
  input: KeyIndex | null;
}

function summary(matrix: EmbeddingMatrix): KeyMatrixSummary {
  return {
    vocabularySize: matrix.vocabularySize,
    embeddingSize: matrix.embeddingSize,
    encoding: matrix.encoding,
    sources: matrix.sources,
    path: matrix.path,
  };
}

/** The external data file `location` (relative to the ONNX file's folder) among the loaded files. */
export function externalDataFrom(files: Pick<WeightFiles, 'modelFile' | 'files'>) {
  const folder = files.modelFile.includes('/') ? files.modelFile.slice(0, files.modelFile.lastIndexOf('/') + 1) : '';
  return (location: string) => files.files.get(folder + location) ?? files.files.get(location);
}

/** Percentiles of cosines between random pairs of distinct keys (a 32-bit LCG, so reruns agree). */
function randomPairCosine(index: KeyIndex): RandomPairCosine {
  const { rows, cols, values } = index.unitKeys;
  let state = 12345;
  const next = () => (state = (Math.imul(state, 1103515245) + 12345) >>> 0) % rows;
  const cosines = new Float64Array(RANDOM_PAIRS);
  for (let p = 0; p < RANDOM_PAIRS; p++) {
    const a = next() * cols;
    let b = next() * cols;
    if (b === a) b = ((a / cols + 1) % rows) * cols;
    let sum = 0;
    for (let i = 0; i < cols; i++) sum += values[a + i] * values[b + i];
    cosines[p] = sum;
  }
  cosines.sort();
  const at = (q: number) => cosines[Math.floor(q * (RANDOM_PAIRS - 1))];
  return { p50: at(0.5), p90: at(0.9), p99: at(0.99) };
}

function rows(neighbours: { tokenIds: Uint32Array; similarities: Float64Array }): NeighbourRow[] {
  return Array.from(neighbours.tokenIds, (tokenId, i) => ({ tokenId, similarity: neighbours.similarities[i] }));
}

/**
 * One model's key space. Construct it with the files read at load; the matrices are read on
 * the first call, after which the file bytes are released (the index keeps its own copy).
 */
export class KeySpace {
  private files: WeightFiles | null;
  private extracted: Extracted | null = null;
  /** Why the matrices could not be read, kept so every later call says the same without reparsing. */
  private failure: EngineError | null = null;
  private map: KeyMapResult | null = null;
  private readonly label: string;

  constructor(files: WeightFiles) {
    this.files = files;
    this.label = files.label;
  }

  /** Reads the key matrices (once) and says what was found, or why the keys cannot be read. */
  info(): KeySpaceInfo {
    return this.extract().info;
  }

  private extract(): Extracted {
    if (this.extracted) return this.extracted;
    if (this.failure) throw this.failure;
    try {
      return this.extractOnce();
    } catch (error) {
      if (error instanceof EngineError) this.failure = error;
      throw error;
    }
  }

  private extractOnce(): Extracted {
    const files = this.files;
    if (!files)
      throw new EngineError('unsupported-model', `${this.label}: the model file is no longer held; reload the model.`);
    const bytes = files.files.get(files.modelFile);
    if (!bytes)
      throw new EngineError(
        'unsupported-model',
        `${this.label}: ${files.modelFile} was not kept after loading, so its weights cannot be read.`,
        files.modelFile,
      );
    const started = performance.now();
    const read = readKeyMatrices(bytes, { externalData: externalDataFrom(files) });
    if (!read.ok)
      throw new EngineError(
        'unsupported-model',
        `${this.label}: the weights in ${files.modelFile} cannot be read: ${read.reason}`,
        files.modelFile,
      );
    const { unembedding, inputEmbedding, tied } = read.value;
    const extractMs = performance.now() - started;
    if (!unembedding.ok) {
      throw new EngineError(
        'unsupported-model',
        `${this.label}: the unembedding (key) matrix in ${files.modelFile} cannot be read, so there is no key space for this model: ${unembedding.reason}`,
        files.modelFile,
      );
    }
    const normaliseStarted = performance.now();
    const u = unembedding.value;
    const output = createKeyIndex({ values: u.values, rows: u.vocabularySize, cols: u.embeddingSize });
    let input: KeyIndex | null = null;
    let inputReason: string | null = tied ? 'tied: the input embedding is the unembedding' : null;
    if (!tied && inputEmbedding.ok) {
      const e = inputEmbedding.value;
      input = createKeyIndex({ values: e.values, rows: e.vocabularySize, cols: e.embeddingSize });
    } else if (!inputEmbedding.ok) {
      inputReason = `the input embedding cannot be read: ${inputEmbedding.reason}`;
    }
    const normaliseMs = performance.now() - normaliseStarted;
    this.extracted = {
      output,
      input,
      info: {
        output: summary(u),
        outputReason: null,
        outputHasBias: u.bias !== null,
        input: input && inputEmbedding.ok ? summary(inputEmbedding.value) : null,
        inputReason,
        tied,
        randomPairCosine: randomPairCosine(output),
        extractMs,
        normaliseMs,
      },
    };
    // The index holds its own arrays; the file bytes (the whole model) can go.
    this.files = null;
    return this.extracted;
  }

  /** The k nearest keys of one token by cosine and by dot product, exact; input-embedding ones too when untied. */
  neighbours(params: NeighboursParams): NeighboursResult {
    const { output, input } = this.extract();
    const { tokenId, k } = params;
    if (!(Number.isInteger(k) && k >= 1 && k <= MAX_NEIGHBOURS))
      throw new EngineError('bad-request', `k must be an integer from 1 to ${MAX_NEIGHBOURS} (got ${k}).`);
    if (!(Number.isInteger(tokenId) && tokenId >= 0 && tokenId < output.keys.rows)) {
      throw new EngineError(
        'bad-request',
        `Token id ${tokenId} is not in this model's vocabulary (0 to ${output.keys.rows - 1}).`,
      );
    }
    const started = performance.now();
    const both = (index: KeyIndex) => ({
      cosine: rows(neighboursOfToken(index, tokenId, k, { metric: 'cosine' })),
      dot: rows(neighboursOfToken(index, tokenId, k, { metric: 'dot' })),
    });
    const inputLists = input && tokenId < input.keys.rows ? both(input) : null;
    return { tokenId, output: both(output), input: inputLists, elapsedMs: performance.now() - started };
  }

  /** keySim of the top-N candidates of a distribution against its top-K keys (docs/PAPERS.md section 1). */
  keySim(params: KeySimParams): KeySimResult {
    const { output, info } = this.extract();
    const started = performance.now();
    if (params.logits.length !== output.keys.rows) {
      throw new EngineError(
        'bad-request',
        `The distribution has ${params.logits.length} logits; this model has ${output.keys.rows} keys.`,
      );
    }
    const profile = (() => {
      try {
        return keySimProfile(params.logits, output, { topN: params.topN ?? 100, topK: params.topK ?? 10 });
      } catch (error) {
        throw new EngineError('bad-request', (error as Error).message);
      }
    })();
    return {
      candidates: profile.candidates.map((c) => ({ ...c })),
      topK: profile.topK,
      randomPairCosine: info.randomPairCosine,
      elapsedMs: performance.now() - started,
    };
  }

  /** Every key on the first two principal axes of the keys (computed once per model). */
  keyMap(signal?: AbortSignal): KeyMapResult {
    if (this.map) return this.map;
    const { output } = this.extract();
    throwIfCancelled(signal, 'The key map');
    const started = performance.now();
    const maxRows = Math.max(
      256,
      Math.min(MAP_MAX_ROWS, Math.floor(MAP_MAX_MULTIPLY_ADDS / (output.keys.cols ** 2 / 2))),
    );
    const pca = pcaOfKeys(output.keys, { components: 2, maxRows });
    const coordinates = projectKeys(output.keys, pca);
    this.map = {
      coordinates,
      explainedVarianceRatio: pca.explainedVarianceRatio,
      rowsUsed: pca.rowsUsed,
      elapsedMs: performance.now() - started,
    };
    return this.map;
  }

  /** The unembedding index, for callers in the engine (the CLI, tests). */
  outputIndex(): KeyIndex {
    return this.extract().output;
  }
}
