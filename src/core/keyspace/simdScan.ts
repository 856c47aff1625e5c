/**
 * A WebAssembly SIMD kernel for the cosine scan of exact k-NN: the unit keys live in the
 * kernel's memory (normalised straight into it, so there is no second copy) and one call
 * scores every key against a query with f32x4 multiply-adds, about 4× the speed of the
 * float64 JavaScript loop (50,257 × 768: ~12 ms against ~45 ms on this machine under load).
 * The scores are float32 sums, so knn.ts rescoring every key within `errorBound` of the
 * k-th best in float64 keeps the result exact. WebAssembly is part of JavaScript (Node and
 * browsers), not a browser API; where it or SIMD is missing the JS loop is used.
 */

/** Scores unit keys against a unit query; see createCosineScanner. */
export interface CosineScanner {
  /** rows × cols unit keys, a view on the kernel's memory: fill it before the first scan. */
  unitValues: Float32Array;
  /** out[r] = Σ unit[r, i] · query[i], summed in float32 (query rounded to float32). */
  scan(query: Float64Array, out: Float64Array): void;
  /** Bound on |scan − the float64 sum over the same float32 unit keys|, for unit queries. */
  errorBound: number;
}

const uleb = (n: number): number[] => {
  const out: number[] = [];
  do {
    let byte = n & 0x7f;
    n >>>= 7;
    if (n) byte |= 0x80;
    out.push(byte);
  } while (n);
  return out;
};
const sleb = (n: number): number[] => {
  const out: number[] = [];
  for (;;) {
    const byte = n & 0x7f;
    n >>= 7;
    if ((n === 0 && !(byte & 0x40)) || (n === -1 && byte & 0x40)) return [...out, byte];
    out.push(byte | 0x80);
  }
};
const name = (s: string) => [...uleb(s.length), ...Array.from(s, (c) => c.charCodeAt(0))];
const section = (id: number, bytes: number[]) => [id, ...uleb(bytes.length), ...bytes];

/**
 * The module, hand-assembled: `dots(keys, rows, cols, query, out)` (byte offsets into the
 * imported memory; cols a multiple of 8). Per row, two f32x4 accumulators over 8 floats a
 * step, then the 8 lanes summed into out[row].
 */
function kernelBytes(): Uint8Array<ArrayBuffer> {
  const [KEYS, ROWS, COLS, QUERY, OUT, R, I, ROW, ACC, ACC2] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9];
  const get = (l: number) => [0x20, l];
  const set = (l: number) => [0x21, l];
  const i32 = (n: number) => [0x41, ...sleb(n)];
  const simd = (op: number) => [0xfd, ...uleb(op)];
  const load = (offset: number) => [...simd(0x00), 0x04, ...uleb(offset)]; // v128.load align=16
  const zero = [...simd(0x0c), ...new Array<number>(16).fill(0)]; // v128.const 0
  const address = (base: number, index: number) => [...get(base), ...get(index), ...i32(2), 0x74, 0x6a]; // base + index * 4
  const lane = (n: number) => [...get(ACC), ...simd(0x1f), n]; // f32x4.extract_lane
  const F32X4_ADD = simd(0xe4);
  const F32X4_MUL = simd(0xe6);
  const body = [
    0x02,
    0x40,
    0x03,
    0x40, // block, loop over rows
    ...get(R),
    ...get(ROWS),
    0x4f,
    0x0d,
    1, // r >= rows: exit
    ...get(KEYS),
    ...get(R),
    ...get(COLS),
    0x6c,
    ...i32(2),
    0x74,
    0x6a,
    ...set(ROW),
    ...zero,
    ...set(ACC),
    ...zero,
    ...set(ACC2),
    ...i32(0),
    ...set(I),
    0x02,
    0x40,
    0x03,
    0x40, // block, loop over columns, 8 at a time
    ...get(I),
    ...get(COLS),
    0x4f,
    0x0d,
    1,
    ...get(ACC),
    ...address(ROW, I),
    ...load(0),
    ...address(QUERY, I),
    ...load(0),
    ...F32X4_MUL,
    ...F32X4_ADD,
    ...set(ACC),
    ...get(ACC2),
    ...address(ROW, I),
    ...load(16),
    ...address(QUERY, I),
    ...load(16),
    ...F32X4_MUL,
    ...F32X4_ADD,
    ...set(ACC2),
    ...get(I),
    ...i32(8),
    0x6a,
    ...set(I),
    0x0c,
    0,
    0x0b,
    0x0b,
    ...get(ACC),
    ...get(ACC2),
    ...F32X4_ADD,
    ...set(ACC),
    ...address(OUT, R),
    ...lane(0),
    ...lane(1),
    0x92,
    ...lane(2),
    ...lane(3),
    0x92,
    0x92, // (a0 + a1) + (a2 + a3)
    0x38,
    0x02,
    0x00, // f32.store
    ...get(R),
    ...i32(1),
    0x6a,
    ...set(R),
    0x0c,
    0,
    0x0b,
    0x0b,
    0x0b,
  ];
  const code = [2, 3, 0x7f, 2, 0x7b, ...body]; // locals: 3 × i32, 2 × v128
  return new Uint8Array([
    0x00,
    0x61,
    0x73,
    0x6d,
    0x01,
    0x00,
    0x00,
    0x00,
    ...section(1, [1, 0x60, 5, 0x7f, 0x7f, 0x7f, 0x7f, 0x7f, 0]),
    ...section(2, [1, ...name('env'), ...name('memory'), 0x02, 0x00, 1]),
    ...section(3, [1, 0]),
    ...section(7, [1, ...name('dots'), 0x00, 0]),
    ...section(10, [1, ...uleb(code.length), ...code]),
  ]);
}

let compiled: WebAssembly.Module | null | undefined;

function kernelModule(): WebAssembly.Module | null {
  if (compiled !== undefined) return compiled;
  try {
    const bytes = kernelBytes();
    compiled = typeof WebAssembly !== 'undefined' && WebAssembly.validate(bytes) ? new WebAssembly.Module(bytes) : null;
  } catch {
    compiled = null;
  }
  return compiled;
}

const PAGE_BYTES = 65536;
/** Above this the kernel is not used (wasm32 memories top out at 2–4 GB depending on the engine). */
const MAX_KERNEL_BYTES = 2 ** 31 - PAGE_BYTES;

/**
 * A scanner for rows × cols unit keys, or null where the kernel cannot serve them (no
 * WebAssembly SIMD, cols not a multiple of 8, or too large a matrix): callers then use JS.
 */
export function createCosineScanner(rows: number, cols: number): CosineScanner | null {
  if (cols % 8 !== 0 || rows < 1) return null;
  const keyBytes = rows * cols * 4;
  const totalBytes = keyBytes + cols * 4 + rows * 4;
  if (totalBytes > MAX_KERNEL_BYTES) return null;
  const module = kernelModule();
  if (!module) return null;
  let memory: WebAssembly.Memory;
  try {
    memory = new WebAssembly.Memory({ initial: Math.ceil(totalBytes / PAGE_BYTES) });
  } catch {
    return null;
  }
  const dots = new WebAssembly.Instance(module, { env: { memory } }).exports.dots as (
    keys: number,
    rows: number,
    cols: number,
    query: number,
    out: number,
  ) => void;
  // NOTE: the memory never grows, so these views stay valid for the scanner's life.
  const unitValues = new Float32Array(memory.buffer, 0, rows * cols);
  const query = new Float32Array(memory.buffer, keyBytes, cols);
  const out = new Float32Array(memory.buffer, keyBytes + cols * 4, rows);
  return {
    unitValues,
    scan(unitQuery, scores) {
      query.set(unitQuery);
      dots(0, rows, cols, keyBytes, keyBytes + cols * 4);
      scores.set(out);
    },
    // Per lane cols/8 float32 additions, 3 more to join lanes, products and the query's own
    // rounding: each relative 2^-24 of Σ|u_i q_i| ≤ 1 for unit vectors; doubled for margin.
    errorBound: 2 * (cols / 8 + 8) * 2 ** -24,
  };
}
