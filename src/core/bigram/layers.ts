/**
 * Layer-wise statistics of the residual stream (docs/PAPERS.md section 2): the logit lens
 * (final norm + unembedding), recall@k of the current token read out with the input
 * embedding, cosine curves of the centred hidden state to the current token's embedding and
 * the next token's key, and the layer × layer covariance similarity. Float64 accumulation.
 */

/** A row-major [rows × cols] float matrix. */
export interface Matrix {
  values: Float32Array;
  rows: number;
  cols: number;
}

/**
 * The model's final norm: LayerNorm (gain, shift, epsilon), or RMSNorm (`rms: true`, as
 * Llama, Qwen, Gemma: no centring, x / √(mean(x²) + ε) · gain, and bias all zeros).
 */
export interface LayerNormParams {
  gain: Float32Array;
  bias: Float32Array;
  epsilon: number;
  rms?: boolean;
}

/** The final norm of one vector (LayerNorm or RMSNorm), in float64. */
export function layerNorm(x: ArrayLike<number>, norm: LayerNormParams): Float64Array {
  const d = x.length;
  if (norm.gain.length !== d || norm.bias.length !== d)
    throw new RangeError(`norm has ${norm.gain.length} dims, vector has ${d}`);
  let mean = 0;
  if (!norm.rms) for (let i = 0; i < d; i++) mean += x[i];
  mean /= d;
  let variance = 0;
  for (let i = 0; i < d; i++) variance += (x[i] - mean) ** 2;
  variance /= d;
  const scale = 1 / Math.sqrt(variance + norm.epsilon);
  const out = new Float64Array(d);
  for (let i = 0; i < d; i++) out[i] = (x[i] - mean) * scale * norm.gain[i] + norm.bias[i];
  return out;
}

/** Scores of every row of `keys` against a query: keys · q (+ bias). Length keys.rows. */
export function scoreAgainstRows(
  keys: Matrix,
  query: ArrayLike<number>,
  bias: Float32Array | null = null,
): Float64Array {
  const { values, rows, cols } = keys;
  if (query.length !== cols) throw new RangeError(`query has ${query.length} dims, keys have ${cols}`);
  const out = new Float64Array(rows);
  const q = Float64Array.from(query);
  // Four running sums: independent additions let the JIT overlap them (~25% faster here).
  for (let t = 0; t < rows; t++) {
    let s0 = 0;
    let s1 = 0;
    let s2 = 0;
    let s3 = 0;
    const base = t * cols;
    let i = 0;
    for (; i + 3 < cols; i += 4) {
      s0 += values[base + i] * q[i];
      s1 += values[base + i + 1] * q[i + 1];
      s2 += values[base + i + 2] * q[i + 2];
      s3 += values[base + i + 3] * q[i + 3];
    }
    for (; i < cols; i++) s0 += values[base + i] * q[i];
    out[t] = (bias ? bias[t] : 0) + s0 + s1 + s2 + s3;
  }
  return out;
}

/** The logit lens at one hidden state: unembedding · FinalNorm(h). */
export function logitLens(
  hidden: ArrayLike<number>,
  norm: LayerNormParams,
  unembedding: Matrix,
  bias: Float32Array | null = null,
): Float64Array {
  return scoreAgainstRows(unembedding, layerNorm(hidden, norm), bias);
}

/** Subtracts each column's mean (over rows): the per-layer centring of docs/PAPERS.md section 2 D and E. */
export function centreColumns(x: Matrix): Float64Array {
  const { values, rows, cols } = x;
  const mean = new Float64Array(cols);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) mean[c] += values[r * cols + c];
  for (let c = 0; c < cols; c++) mean[c] /= rows;
  const out = new Float64Array(rows * cols);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) out[r * cols + c] = values[r * cols + c] - mean[c];
  return out;
}

/** Divides each column of a centred matrix by its standard deviation (constant columns stay 0). */
function standardiseColumns(centred: Float64Array, rows: number, cols: number): Float64Array {
  const out = new Float64Array(centred.length);
  for (let c = 0; c < cols; c++) {
    let ss = 0;
    for (let r = 0; r < rows; r++) ss += centred[r * cols + c] ** 2;
    const sd = Math.sqrt(ss / rows);
    for (let r = 0; r < rows; r++) out[r * cols + c] = sd > 0 ? centred[r * cols + c] / sd : 0;
  }
  return out;
}

/** Σ = X̃ᵀX̃ / n of a centred [n × d] matrix, as a d × d float64 array. */
function covarianceOf(centred: Float64Array, rows: number, cols: number): Float64Array {
  const cov = new Float64Array(cols * cols);
  for (let r = 0; r < rows; r++) {
    const base = r * cols;
    for (let i = 0; i < cols; i++) {
      const xi = centred[base + i];
      if (xi === 0) continue;
      const rowOut = i * cols;
      for (let j = i; j < cols; j++) cov[rowOut + j] += xi * centred[base + j];
    }
  }
  for (let i = 0; i < cols; i++) {
    for (let j = i; j < cols; j++) {
      cov[i * cols + j] /= rows;
      cov[j * cols + i] = cov[i * cols + j];
    }
  }
  return cov;
}

/**
 * Layer × layer covariance similarity: sim(i, j) = ⟨Σ_i, Σ_j⟩_F / (‖Σ_i‖_F ‖Σ_j‖_F) with
 * Σ_ℓ = X̃_ℓᵀX̃_ℓ / n and X̃_ℓ mean-centred: our reading of the paper's heatmap, whose
 * released code does not define it (docs/PAPERS.md section 2 E).
 * `standardised` first divides each dimension of each layer by its standard deviation, so
 * massive-activation outlier dimensions do not dominate. Returns a symmetric (L+1)² matrix,
 * row-major; NaN where a layer has no variance.
 */
export function covarianceSimilarity(
  layers: readonly Matrix[],
  options: { standardised?: boolean } = {},
): Float64Array {
  if (layers.length === 0) return new Float64Array(0);
  const { rows, cols } = layers[0];
  for (const layer of layers) {
    if (layer.rows !== rows || layer.cols !== cols)
      throw new RangeError('every layer needs the same positions and width');
  }
  if (rows < 2) throw new RangeError('covariance similarity needs at least two positions');
  const covariances = layers.map((layer) => {
    const centred = centreColumns(layer);
    return covarianceOf(options.standardised ? standardiseColumns(centred, rows, cols) : centred, rows, cols);
  });
  const norms = covariances.map((c) => Math.sqrt(c.reduce((s, v) => s + v * v, 0)));
  const count = layers.length;
  const out = new Float64Array(count * count);
  for (let i = 0; i < count; i++) {
    for (let j = i; j < count; j++) {
      let dot = 0;
      const a = covariances[i];
      const b = covariances[j];
      for (let k = 0; k < a.length; k++) dot += a[k] * b[k];
      const sim = norms[i] > 0 && norms[j] > 0 ? dot / (norms[i] * norms[j]) : NaN;
      out[i * count + j] = sim;
      out[j * count + i] = sim;
    }
  }
  return out;
}

function cosine(a: Float64Array, aOffset: number, b: Float32Array, bOffset: number, d: number): number {
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < d; i++) {
    const x = a[aOffset + i];
    const y = b[bOffset + i];
    dot += x * y;
    na += x * x;
    nb += y * y;
  }
  return na > 0 && nb > 0 ? dot / Math.sqrt(na * nb) : 0;
}

/**
 * docs/PAPERS.md section 2 D: the mean over positions of cos(h̃_{ℓ,i}, E[w_i]) (to the
 * current token's input embedding) and of cos(h̃_{ℓ,i}, U[w_{i+1}]) (to the next token's
 * key), h̃ centred per layer.
 * `nextIds[i]` null (the end of the text) leaves position i out of the second mean.
 */
export function cosineCurves(
  layers: readonly Matrix[],
  currentIds: readonly number[],
  nextIds: readonly (number | null)[],
  inputEmbedding: Matrix,
  unembedding: Matrix,
): { toCurrentEmbedding: number[]; toNextKey: number[] } {
  const toCurrentEmbedding: number[] = [];
  const toNextKey: number[] = [];
  for (const layer of layers) {
    const { rows, cols } = layer;
    if (currentIds.length !== rows || nextIds.length !== rows)
      throw new RangeError('one current and next id per position');
    const centred = centreColumns(layer);
    let current = 0;
    let next = 0;
    let nextCount = 0;
    for (let r = 0; r < rows; r++) {
      current += cosine(centred, r * cols, inputEmbedding.values, currentIds[r] * cols, cols);
      const nextId = nextIds[r];
      if (nextId !== null) {
        next += cosine(centred, r * cols, unembedding.values, nextId * cols, cols);
        nextCount++;
      }
    }
    toCurrentEmbedding.push(current / rows);
    toNextKey.push(nextCount ? next / nextCount : NaN);
  }
  return { toCurrentEmbedding, toNextKey };
}

/** 1-based rank of `id` in `scores` (ties share the best rank), in float64. */
export function rankOf(scores: Float64Array, id: number): number {
  const target = scores[id];
  let above = 0;
  for (let t = 0; t < scores.length; t++) if (scores[t] > target) above++;
  return above + 1;
}

/** Share of ranks ≤ k, for each k. */
export function recallAtK(ranks: readonly number[], ks: readonly number[] = [1, 5, 10]): number[] {
  return ks.map((k) => (ranks.length ? ranks.filter((r) => r <= k).length / ranks.length : NaN));
}
