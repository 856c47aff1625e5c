/**
 * Small dense linear algebra for PCA, in float64: the eigen-decomposition of a small
 * symmetric matrix (cyclic Jacobi) and the top eigenpairs of a larger one (subspace
 * iteration with Rayleigh–Ritz, which needs only matrix–vector products).
 */

/** Eigenvalues (descending) and unit eigenvectors of a symmetric matrix. */
export interface EigenPairs {
  values: number[];
  /** vectors[j] is the eigenvector of values[j]. */
  vectors: Float64Array[];
}

/**
 * All eigenpairs of a symmetric n × n matrix (row-major; only symmetric input is valid),
 * by cyclic Jacobi rotations. O(n³) per sweep: meant for n up to a few dozen.
 *
 * @example
 * symmetricEigen(Float64Array.of(2, 1, 1, 2), 2).values; // [3, 1]
 */
export function symmetricEigen(matrix: Float64Array, n: number): EigenPairs {
  const a = Float64Array.from(matrix);
  const v = new Float64Array(n * n);
  for (let i = 0; i < n; i++) v[i * n + i] = 1;
  for (let sweep = 0; sweep < 100; sweep++) {
    let off = 0;
    let diagonal = 0;
    for (let p = 0; p < n; p++) {
      diagonal += a[p * n + p] ** 2;
      for (let q = p + 1; q < n; q++) off += a[p * n + q] ** 2;
    }
    if (off <= 1e-30 * diagonal || off === 0) break;
    for (let p = 0; p < n; p++) {
      for (let q = p + 1; q < n; q++) {
        const apq = a[p * n + q];
        if (apq === 0) continue;
        // The rotation angle that zeroes a[p][q] (Numerical Recipes' stable form).
        const theta = (a[q * n + q] - a[p * n + p]) / (2 * apq);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        for (let k = 0; k < n; k++) {
          const akp = a[k * n + p],
            akq = a[k * n + q];
          a[k * n + p] = c * akp - s * akq;
          a[k * n + q] = s * akp + c * akq;
        }
        for (let k = 0; k < n; k++) {
          const apk = a[p * n + k],
            aqk = a[q * n + k];
          a[p * n + k] = c * apk - s * aqk;
          a[q * n + k] = s * apk + c * aqk;
        }
        for (let k = 0; k < n; k++) {
          const vkp = v[k * n + p],
            vkq = v[k * n + q];
          v[k * n + p] = c * vkp - s * vkq;
          v[k * n + q] = s * vkp + c * vkq;
        }
      }
    }
  }
  const order = Array.from({ length: n }, (_, i) => i).sort((x, y) => a[y * n + y] - a[x * n + x] || x - y);
  return {
    values: order.map((j) => a[j * n + j]),
    vectors: order.map((j) => Float64Array.from({ length: n }, (_, k) => v[k * n + j])),
  };
}

/** Orthonormalises vectors in place by modified Gram–Schmidt, twice (one pass loses orthogonality). */
function orthonormalize(vectors: Float64Array[]): void {
  for (let pass = 0; pass < 2; pass++) {
    for (let j = 0; j < vectors.length; j++) {
      const vj = vectors[j];
      for (let i = 0; i < j; i++) {
        const vi = vectors[i];
        let d = 0;
        for (let k = 0; k < vj.length; k++) d += vi[k] * vj[k];
        for (let k = 0; k < vj.length; k++) vj[k] -= d * vi[k];
      }
      let norm = 0;
      for (let k = 0; k < vj.length; k++) norm += vj[k] * vj[k];
      norm = Math.sqrt(norm);
      // A vector that vanished (rank-deficient input) is replaced by a coordinate axis, re-orthogonalised next pass.
      if (norm < 1e-300) {
        vj.fill(0);
        vj[j % vj.length] = 1;
      } else for (let k = 0; k < vj.length; k++) vj[k] /= norm;
    }
  }
}

/** y = A x for a row-major symmetric n × n matrix. */
function multiply(a: Float64Array, n: number, x: Float64Array): Float64Array {
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let sum = 0;
    for (let k = 0, base = i * n; k < n; k++) sum += a[base + k] * x[k];
    y[i] = sum;
  }
  return y;
}

export interface TopEigenOptions {
  /** Size of the iterated subspace (default count + 6): larger converges in fewer steps. */
  subspace?: number;
  maxIterations?: number;
  /** Stop when ‖A v − λ v‖ ≤ tolerance · λ_max for every wanted pair. */
  tolerance?: number;
  /** Starting vectors: one per subspace dimension, each of length n (deterministic by default). */
  start?: Float64Array[];
}

/**
 * The `count` largest eigenpairs of a symmetric positive semi-definite n × n matrix, by
 * subspace iteration with a Rayleigh–Ritz step each iteration. Also returns the iterations used.
 */
export function topEigenPairs(
  matrix: Float64Array,
  n: number,
  count: number,
  options: TopEigenOptions = {},
): EigenPairs & { iterations: number } {
  const m = Math.min(n, options.subspace ?? count + 6);
  const tolerance = options.tolerance ?? 1e-10;
  const maxIterations = options.maxIterations ?? 2000;
  const q = options.start?.map((v) => Float64Array.from(v)) ?? startVectors(n, m);
  orthonormalize(q);
  let result: EigenPairs = { values: [], vectors: [] };
  for (let iteration = 1; ; iteration++) {
    const w = q.map((v) => multiply(matrix, n, v));
    const h = new Float64Array(m * m);
    for (let i = 0; i < m; i++) {
      for (let j = i; j < m; j++) {
        let d = 0;
        for (let k = 0; k < n; k++) d += q[i][k] * w[j][k];
        h[i * m + j] = d;
        h[j * m + i] = d;
      }
    }
    const ritz = symmetricEigen(h, m);
    const vectors = ritz.vectors.map((y) => combine(q, y, n));
    const images = ritz.vectors.map((y) => combine(w, y, n));
    result = { values: ritz.values.slice(0, count), vectors: vectors.slice(0, count) };
    const scale = Math.max(Math.abs(ritz.values[0]), 1e-300);
    let converged = true;
    for (let j = 0; j < count && converged; j++) {
      let r = 0;
      for (let k = 0; k < n; k++) r += (images[j][k] - ritz.values[j] * vectors[j][k]) ** 2;
      converged = Math.sqrt(r) <= tolerance * scale;
    }
    if (converged || iteration >= maxIterations) return { ...result, iterations: iteration };
    for (let j = 0; j < m; j++) q[j] = images[j];
    orthonormalize(q);
  }
}

/** Σ_j y[j] · basis[j]. */
function combine(basis: Float64Array[], y: Float64Array, n: number): Float64Array {
  const out = new Float64Array(n);
  for (let j = 0; j < basis.length; j++) {
    const c = y[j];
    const b = basis[j];
    for (let k = 0; k < n; k++) out[k] += c * b[k];
  }
  return out;
}

/** Fixed pseudo-random start vectors, so PCA is deterministic run to run. */
function startVectors(n: number, m: number): Float64Array[] {
  let state = 0x9e3779b9;
  const next = () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 4294967296 - 0.5;
  };
  return Array.from({ length: m }, () => Float64Array.from({ length: n }, next));
}
