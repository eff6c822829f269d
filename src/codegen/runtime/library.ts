// The runtime of generated JavaScript and TypeScript, as a real module: every helper that emitted code
// may call (argument checks, products, factorizations, einsum, conversions). `npm run build:runtime`
// turns it into text (`../runtime-text.ts`), typed for the TypeScript target and with the types
// removed by the TypeScript compiler for the JavaScript one; emitted code copies in only the helpers
// it uses. It is type-checked under `strict` (its own tsconfig.json), as emitted code is, and has no
// imports: each helper stands alone with the helpers it calls.

/** A matrix, or a vector as one column (a row as one row), stored row by row. */
export type Mat = { rows: number; cols: number; data: Float64Array };
export type Nested = number | Nested[];

export function describeEntry(x: unknown): string {
  return typeof x === "string"
    ? JSON.stringify(x)
    : x === null
      ? "null"
      : Array.isArray(x)
        ? "an array"
        : typeof x;
}

export function matrixArg(name: string, value: number[][] | Mat): Mat {
  if (
    !Array.isArray(value) &&
    value !== null &&
    typeof value === "object" &&
    value.data instanceof Float64Array
  ) {
    return value;
  }
  if (!Array.isArray(value) || value.length === 0 || !Array.isArray(value[0])) {
    throw new Error(`${name} must be a matrix: a non-empty array of rows`);
  }
  const rows = value.length;
  const cols = value[0].length;
  const data = new Float64Array(rows * cols);
  for (let i = 0; i < rows; i++) {
    const row = value[i];
    if (!Array.isArray(row) || row.length !== cols) {
      throw new Error(
        `${name}: row ${i + 1} has ${Array.isArray(row) ? row.length : 0} entries, row 1 has ${cols}`,
      );
    }
    for (let j = 0; j < cols; j++) {
      const x = row[j];
      if (typeof x !== "number")
        throw new Error(`${name}[${i + 1}][${j + 1}] must be a number, got ${describeEntry(x)}`);
      data[i * cols + j] = x;
    }
  }
  return { rows, cols, data };
}

export function vectorArg(name: string, value: ArrayLike<number> | Mat): Mat {
  if (value === null || typeof value !== "object")
    throw new Error(`${name} must be a vector: a non-empty array of numbers`);
  // A Float64Array is read in place (the code never writes into its inputs).
  if (value instanceof Float64Array) {
    if (value.length === 0) throw new Error(`${name} must be a vector: a non-empty array of numbers`);
    return { rows: value.length, cols: 1, data: value };
  }
  if ("data" in value) {
    const data = value.data instanceof Float64Array ? value.data : Float64Array.from(value.data);
    return { rows: data.length, cols: 1, data };
  }
  if (typeof value.length !== "number" || value.length === 0) {
    throw new Error(`${name} must be a vector: a non-empty array of numbers`);
  }
  const data = new Float64Array(value.length);
  for (let i = 0; i < value.length; i++) {
    const x = value[i];
    if (typeof x !== "number") throw new Error(`${name}[${i + 1}] must be a number, got ${describeEntry(x)}`);
    data[i] = x;
  }
  return { rows: value.length, cols: 1, data };
}

export function scalarArg(name: string, value: number): number {
  if (typeof value !== "number") throw new Error(`${name} must be a number, got ${describeEntry(value)}`);
  return value;
}

export function expectShape(name: string, a: Mat, rows: number, cols: number, expected: string): void {
  if (a.rows !== rows || a.cols !== cols) {
    throw new Error(`${name} is ${a.rows}×${a.cols}, expected ${expected} = ${rows}×${cols}`);
  }
}

/** A rows×cols matrix whose entry number i (row by row) is entry(i). */
export function build(rows: number, cols: number, entry: (i: number) => number): Mat {
  const data = new Float64Array(rows * cols);
  for (let i = 0; i < data.length; i++) data[i] = entry(i);
  return { rows, cols, data };
}

export function fromEntries(rows: number, cols: number, entries: number[]): Mat {
  return { rows, cols, data: Float64Array.from(entries) };
}

export function alloc(rows: number, cols: number): Mat {
  return { rows, cols, data: new Float64Array(rows * cols) };
}

/** The k-th working matrix, reused from the previous call when the size is the same. */
export const buffers: Mat[] = [];
export function buffer(k: number, rows: number, cols: number): Mat {
  const b = buffers[k];
  if (b !== undefined && b.rows === rows && b.cols === cols) return b;
  const fresh = { rows, cols, data: new Float64Array(rows * cols) };
  buffers[k] = fresh;
  return fresh;
}

/**
 * a*b, into a given working matrix or a new one. Four rows of b at a time, so each pass over a row of
 * the result does four times the work.
 */
export function matmul(a: Mat, b: Mat, into?: Mat): Mat {
  const m = a.rows;
  const k = a.cols;
  const n = b.cols;
  const A = a.data;
  const B = b.data;
  const out = into === undefined ? new Float64Array(m * n) : into.data.fill(0);
  if (n === 1) {
    for (let i = 0; i < m; i++) {
      let s = 0;
      for (let p = 0; p < k; p++) s += A[i * k + p] * B[p];
      out[i] = s;
    }
    return into ?? { rows: m, cols: 1, data: out };
  }
  for (let i = 0; i < m; i++) {
    const c = i * n;
    let p = 0;
    for (; p + 3 < k; p += 4) {
      const a0 = A[i * k + p];
      const a1 = A[i * k + p + 1];
      const a2 = A[i * k + p + 2];
      const a3 = A[i * k + p + 3];
      const r0 = p * n;
      const r1 = r0 + n;
      const r2 = r1 + n;
      const r3 = r2 + n;
      for (let j = 0; j < n; j++)
        out[c + j] += a0 * B[r0 + j] + a1 * B[r1 + j] + a2 * B[r2 + j] + a3 * B[r3 + j];
    }
    for (; p < k; p++) {
      const ap = A[i * k + p];
      const r = p * n;
      for (let j = 0; j < n; j++) out[c + j] += ap * B[r + j];
    }
  }
  return into ?? { rows: m, cols: n, data: out };
}

/** a'*b without forming a': rows of a and b are read together. */
export function matmulTN(a: Mat, b: Mat, into?: Mat): Mat {
  const k = a.rows;
  const m = a.cols;
  const n = b.cols;
  const A = a.data;
  const B = b.data;
  const out = into === undefined ? new Float64Array(m * n) : into.data.fill(0);
  let p = 0;
  for (; p + 1 < k; p += 2) {
    const r0 = p * n;
    const r1 = r0 + n;
    for (let i = 0; i < m; i++) {
      const a0 = A[p * m + i];
      const a1 = A[(p + 1) * m + i];
      const c = i * n;
      for (let j = 0; j < n; j++) out[c + j] += a0 * B[r0 + j] + a1 * B[r1 + j];
    }
  }
  for (; p < k; p++) {
    const r = p * n;
    for (let i = 0; i < m; i++) {
      const ap = A[p * m + i];
      const c = i * n;
      for (let j = 0; j < n; j++) out[c + j] += ap * B[r + j];
    }
  }
  return into ?? { rows: m, cols: n, data: out };
}

/** (a + a')*x for a square a, without forming a + a': two matrix-vector products. */
export function plusTransposeTimes(a: Mat, x: Mat, into?: Mat): Mat {
  const y = matmul(a, x, into);
  const z = matmulTN(a, x);
  for (let i = 0; i < y.data.length; i++) y.data[i] += z.data[i];
  return y;
}

/** alpha*a*b + beta*t, or alpha*a*b' + beta*t when transposed (a residual such as u*v' - t). */
export function matmulPlus(
  alpha: number,
  a: Mat,
  b: Mat,
  transposed: boolean,
  beta: number,
  t: Mat,
  into?: Mat,
): Mat {
  const p = transposed ? matmulNT(a, b, into) : matmul(a, b, into);
  for (let i = 0; i < p.data.length; i++) p.data[i] = alpha * p.data[i] + beta * t.data[i];
  return p;
}

/** a + a' for a square a, in tiles of 32×32 (both reads stay in cache). */
export function addTranspose(a: Mat, into?: Mat): Mat {
  const n = a.rows;
  const out = into ?? { rows: n, cols: n, data: new Float64Array(n * n) };
  const A = a.data;
  const C = out.data;
  for (let i0 = 0; i0 < n; i0 += 32)
    for (let j0 = 0; j0 < n; j0 += 32)
      for (let i = i0; i < Math.min(n, i0 + 32); i++)
        for (let j = j0; j < Math.min(n, j0 + 32); j++) C[i * n + j] = A[i * n + j] + A[j * n + i];
  return out;
}

/** a*b' without forming b': each entry is a dot product of two rows. */
export function matmulNT(a: Mat, b: Mat, into?: Mat): Mat {
  const m = a.rows;
  const k = a.cols;
  const n = b.rows;
  const A = a.data;
  const B = b.data;
  const out = into === undefined ? new Float64Array(m * n) : into.data.fill(0);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let p = 0; p < k; p++) s += A[i * k + p] * B[j * k + p];
      out[i * n + j] = s;
    }
  }
  return into ?? { rows: m, cols: n, data: out };
}

/** x'*diag(s)*x (x'*x without s): symmetric, so only its upper half is computed. */
export function gram(x: Mat, s: Mat | null): Mat {
  const k = x.rows;
  const n = x.cols;
  const out = new Float64Array(n * n);
  for (let p = 0; p < k; p++) {
    const w = s === null ? 1 : s.data[p];
    for (let i = 0; i < n; i++) {
      const xi = w * x.data[p * n + i];
      for (let j = i; j < n; j++) out[i * n + j] += xi * x.data[p * n + j];
    }
  }
  for (let i = 1; i < n; i++) for (let j = 0; j < i; j++) out[i * n + j] = out[j * n + i];
  return { rows: n, cols: n, data: out };
}

/** diag(v)*b: row i of b times v[i]. */
export function scaleRows(v: Mat, b: Mat): Mat {
  const out = new Float64Array(b.data.length);
  for (let i = 0; i < b.rows; i++) {
    const s = v.data[i];
    for (let j = 0; j < b.cols; j++) out[i * b.cols + j] = s * b.data[i * b.cols + j];
  }
  return { rows: b.rows, cols: b.cols, data: out };
}

/** a*diag(v): column j of a times v[j]. */
export function scaleCols(a: Mat, v: Mat): Mat {
  const out = new Float64Array(a.data.length);
  for (let i = 0; i < a.rows; i++) {
    for (let j = 0; j < a.cols; j++) out[i * a.cols + j] = a.data[i * a.cols + j] * v.data[j];
  }
  return { rows: a.rows, cols: a.cols, data: out };
}

/** A vector and a row share their data; a matrix is copied in 32×32 tiles (kind to the cache). */
export function transpose(a: Mat): Mat {
  if (a.rows === 1 || a.cols === 1) return { rows: a.cols, cols: a.rows, data: a.data };
  const out = new Float64Array(a.data.length);
  for (let i0 = 0; i0 < a.rows; i0 += 32) {
    for (let j0 = 0; j0 < a.cols; j0 += 32) {
      const i1 = Math.min(a.rows, i0 + 32);
      const j1 = Math.min(a.cols, j0 + 32);
      for (let i = i0; i < i1; i++)
        for (let j = j0; j < j1; j++) out[j * a.rows + i] = a.data[i * a.cols + j];
    }
  }
  return { rows: a.cols, cols: a.rows, data: out };
}

export function sum(a: Mat): number {
  let s = 0;
  for (let i = 0; i < a.data.length; i++) s += a.data[i];
  return s;
}

export function mean(a: Mat): number {
  return sum(a) / a.data.length;
}

export function dot(a: Mat, b: Mat): number {
  let s = 0;
  for (let i = 0; i < a.data.length; i++) s += a.data[i] * b.data[i];
  return s;
}

export function norm2(a: Mat): number {
  return Math.sqrt(dot(a, a));
}

export function norm1(a: Mat): number {
  let s = 0;
  for (let i = 0; i < a.data.length; i++) s += Math.abs(a.data[i]);
  return s;
}

export function trace(a: Mat): number {
  let s = 0;
  for (let i = 0; i < a.rows; i++) s += a.data[i * a.cols + i];
  return s;
}

/** LU with partial pivoting: the factors in place, the row order and the permutation's sign. */
export function luFactor(a: Mat): { lu: Float64Array; perm: Int32Array; sign: number } {
  const n = a.rows;
  if (a.cols !== n) throw new Error(`expected a square matrix, got ${a.rows}×${a.cols}`);
  const lu = Float64Array.from(a.data);
  const perm = new Int32Array(n);
  for (let i = 0; i < n; i++) perm[i] = i;
  let sign = 1;
  for (let k = 0; k < n; k++) {
    let pivot = k;
    for (let i = k + 1; i < n; i++) if (Math.abs(lu[i * n + k]) > Math.abs(lu[pivot * n + k])) pivot = i;
    if (pivot !== k) {
      for (let j = 0; j < n; j++) {
        const t = lu[k * n + j];
        lu[k * n + j] = lu[pivot * n + j];
        lu[pivot * n + j] = t;
      }
      const t = perm[k];
      perm[k] = perm[pivot];
      perm[pivot] = t;
      sign = -sign;
    }
    const d = lu[k * n + k];
    if (d === 0) continue;
    for (let i = k + 1; i < n; i++) {
      const f = lu[i * n + k] / d;
      lu[i * n + k] = f;
      if (f !== 0) for (let j = k + 1; j < n; j++) lu[i * n + j] -= f * lu[k * n + j];
    }
  }
  return { lu, perm, sign };
}

export function det(a: Mat): number {
  const { lu, sign } = luFactor(a);
  let d = sign;
  for (let i = 0; i < a.rows; i++) d *= lu[i * a.rows + i];
  return d;
}

export function logdet(a: Mat): number {
  const { lu, sign } = luFactor(a);
  let s = sign;
  let total = 0;
  for (let i = 0; i < a.rows; i++) {
    const d = lu[i * a.rows + i];
    if (d === 0) throw new Error("logdet: the matrix is singular");
    if (d < 0) s = -s;
    total += Math.log(Math.abs(d));
  }
  if (s < 0) throw new Error("logdet: the determinant is negative");
  return total;
}

export function inv(a: Mat): Mat {
  const n = a.rows;
  const { lu, perm } = luFactor(a);
  for (let i = 0; i < n; i++) if (lu[i * n + i] === 0) throw new Error("inv: the matrix is singular");
  const out = new Float64Array(n * n);
  const x = new Float64Array(n);
  for (let c = 0; c < n; c++) {
    for (let i = 0; i < n; i++) {
      let s = perm[i] === c ? 1 : 0;
      for (let j = 0; j < i; j++) s -= lu[i * n + j] * x[j];
      x[i] = s;
    }
    for (let i = n - 1; i >= 0; i--) {
      let s = x[i];
      for (let j = i + 1; j < n; j++) s -= lu[i * n + j] * x[j];
      x[i] = s / lu[i * n + i];
    }
    for (let i = 0; i < n; i++) out[i * n + c] = x[i];
  }
  return { rows: n, cols: n, data: out };
}

/** The transpose of the inverse (the gradient of logdet). */
export function invT(a: Mat): Mat {
  return transpose(inv(a));
}

export function diagMatrix(v: Mat): Mat {
  const n = v.data.length;
  const data = new Float64Array(n * n);
  for (let i = 0; i < n; i++) data[i * n + i] = v.data[i];
  return { rows: n, cols: n, data };
}

export function diagOf(a: Mat): Mat {
  const data = new Float64Array(a.rows);
  for (let i = 0; i < a.rows; i++) data[i] = a.data[i * a.cols + i];
  return { rows: a.rows, cols: 1, data };
}

export function eye(n: number): Mat {
  const data = new Float64Array(n * n);
  for (let i = 0; i < n; i++) data[i * n + i] = 1;
  return { rows: n, cols: n, data };
}

/** The softmax of a vector, computed stably (its one column: see softmaxAlong). */
export function softmax(a: Mat): Mat {
  return softmaxAlong(a, 1);
}

/** log(sum(exp(a))) of a vector, computed stably (see logsumexpAlong). */
export function logsumexp(a: Mat): number {
  return logsumexpAlong(a, 1).data[0];
}

export function unitVector(n: number, k: number): Mat {
  const data = new Float64Array(n);
  data[k] = 1;
  return { rows: n, cols: 1, data };
}

/**
 * Sums over repeated letters as numpy.einsum does ("ik,kj->ij"): a vector or row has one letter, a
 * matrix two (a repeated letter takes its diagonal). Operands are contracted two at a time, always the
 * pair whose result is smallest (letters no one else needs are summed out on the way), as opt_einsum's
 * greedy order does. Returns the result's entries, row-major in the output's letters.
 */
export function einsum(spec: string, ...operands: Mat[]): Float64Array {
  type Item = { idx: string; data: Float64Array };
  const arrow = spec.indexOf("->");
  const subscripts = spec.slice(0, arrow).split(",");
  const output = spec.slice(arrow + 2);
  const size = new Array(128).fill(1);
  const items: Item[] = subscripts.map((letters, k) => {
    const a = operands[k];
    if (letters.length === 1) size[letters.charCodeAt(0)] = a.data.length;
    if (letters.length === 2) {
      size[letters.charCodeAt(0)] = a.rows;
      size[letters.charCodeAt(1)] = a.cols;
      if (letters[0] === letters[1]) {
        const d = new Float64Array(a.rows);
        for (let i = 0; i < a.rows; i++) d[i] = a.data[i * a.cols + i];
        return { idx: letters[0], data: d };
      }
    }
    return { idx: letters, data: a.data };
  });
  const count = (letters: string) => {
    let n = 1;
    for (const c of letters) n *= size[c.charCodeAt(0)];
    return n;
  };
  const strides = (letters: string) => {
    const out = new Array(letters.length).fill(1);
    for (let k = letters.length - 2; k >= 0; k--) out[k] = out[k + 1] * size[letters.charCodeAt(k + 1)];
    return out;
  };
  /** The step that one more along each of the letters all makes in an array indexed by letters. */
  const steps = (all: string, letters: string) => {
    const st = strides(letters);
    return Array.from(all, (c) => (letters.includes(c) ? st[letters.indexOf(c)] : 0));
  };
  /** x·y over the union of their letters, keeping only the letters in keep. */
  const contract = (x: Item, y: Item, keep: string): Item => {
    let all = x.idx;
    for (const c of y.idx) if (!all.includes(c)) all += c;
    let kept = "";
    for (const c of all) if (keep.includes(c)) kept += c;
    const allSizes = Array.from(all, (c) => size[c.charCodeAt(0)]);
    const xs = steps(all, x.idx);
    const ys = steps(all, y.idx);
    const ks = steps(all, kept);
    const out = new Float64Array(count(kept));
    const at = new Array(all.length).fill(0);
    const total = count(all);
    const X = x.data;
    const Y = y.data;
    const last = all.length - 1;
    // The letters advance like an odometer; the three offsets follow by steps.
    let xi = 0;
    let yi = 0;
    let o = 0;
    for (let p = 0; p < total; p++) {
      out[o] += X[xi] * Y[yi];
      for (let q = last; q >= 0; q--) {
        at[q]++;
        xi += xs[q];
        yi += ys[q];
        o += ks[q];
        if (at[q] < allSizes[q]) break;
        at[q] = 0;
        xi -= xs[q] * allSizes[q];
        yi -= ys[q] * allSizes[q];
        o -= ks[q] * allSizes[q];
      }
    }
    return { idx: kept, data: out };
  };
  /** The letters that the output or another item than x and y still needs. */
  const needed = (x: number, y: number) => {
    let letters = output;
    items.forEach((item, k) => {
      if (k !== x && k !== y) letters += item.idx;
    });
    return letters;
  };
  while (items.length > 1) {
    let best = [0, 1];
    let bestSize = Infinity;
    for (let x = 0; x < items.length; x++) {
      for (let y = x + 1; y < items.length; y++) {
        const keep = needed(x, y);
        let result = "";
        for (const c of items[x].idx + items[y].idx) if (keep.includes(c) && !result.includes(c)) result += c;
        const cost = count(result);
        if (cost < bestSize) {
          bestSize = cost;
          best = [x, y];
        }
      }
    }
    const [x, y] = best;
    const merged = contract(items[x], items[y], needed(x, y));
    items.splice(y, 1);
    items.splice(x, 1, merged);
  }
  // Letters only the last item has and the output lacks are summed out; then the output's order.
  const only = items[0];
  const extra = Array.from(only.idx).some((c) => !output.includes(c));
  const last = extra ? contract(only, { idx: "", data: Float64Array.of(1) }, output) : only;
  if (last.idx === output) return last.data;
  const held = steps(output, last.idx);
  const outSizes = Array.from(output, (c) => size[c.charCodeAt(0)]);
  const result = new Float64Array(last.data.length);
  const at = new Array(output.length).fill(0);
  let h = 0;
  for (let p = 0; p < result.length; p++) {
    result[p] = last.data[h];
    for (let q = output.length - 1; q >= 0; q--) {
      at[q]++;
      h += held[q];
      if (at[q] < outSizes[q]) break;
      at[q] = 0;
      h -= held[q] * outSizes[q];
    }
  }
  return result;
}

/** out += c * terms, entry by entry. */
export function addScaled(out: Float64Array, c: number, term: Float64Array): void {
  for (let i = 0; i < out.length; i++) out[i] += c * term[i];
}

/**
 * out += c * term where some axes of out are tied (equal): out has the given sizes, and its axis q reads
 * axis axes[q] of term, so only the entries where tied axes agree are written. With inTerm, the axes
 * axes[q] names are those of the sum, and only those marked in inTerm are the term's (in order): the
 * term is constant along the others and is written all along them.
 */
export function addScaledTied(
  out: Float64Array,
  c: number,
  term: Float64Array,
  sizes: number[],
  axes: number[],
  inTerm?: boolean[],
): void {
  const rank = Math.max(...axes) + 1;
  const counts: number[] = new Array(rank).fill(1);
  const step: number[] = new Array(rank).fill(0);
  let stride = 1;
  for (let q = sizes.length - 1; q >= 0; q--) {
    counts[axes[q]] = sizes[q];
    step[axes[q]] += stride;
    stride *= sizes[q];
  }
  const termStep: number[] = new Array(rank).fill(0);
  let termStride = 1;
  for (let r = rank - 1; r >= 0; r--) {
    if (inTerm !== undefined && !inTerm[r]) continue;
    termStep[r] = termStride;
    termStride *= counts[r];
  }
  let total = 1;
  for (let r = 0; r < rank; r++) total *= counts[r];
  const at: number[] = new Array(rank).fill(0);
  let o = 0;
  let t = 0;
  for (let p = 0; p < total; p++) {
    out[o] += c * term[t];
    for (let q = rank - 1; q >= 0; q--) {
      at[q]++;
      o += step[q];
      t += termStep[q];
      if (at[q] < counts[q]) break;
      o -= step[q] * counts[q];
      t -= termStep[q] * counts[q];
      at[q] = 0;
    }
  }
}

/** Every entry set to 0. */
export function clear(a: Float64Array): Float64Array {
  return a.fill(0);
}

export function toFlat(a: Mat): number[] {
  return Array.from(a.data);
}

export function toRows(a: Mat): number[][] {
  const out: number[][] = [];
  for (let i = 0; i < a.rows; i++) out.push(Array.from(a.data.subarray(i * a.cols, (i + 1) * a.cols)));
  return out;
}

/** A row-major array of the given shape as nested arrays. */
export function toNested(data: Float64Array, shape: number[]): Nested {
  if (shape.length === 0) return data[0];
  const [n, ...rest] = shape;
  const size = data.length / n;
  const out: Nested[] = [];
  for (let i = 0; i < n; i++) out.push(toNested(data.subarray(i * size, (i + 1) * size), rest));
  return out;
}

export function sigmoid(x: number): number {
  return x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x));
}

export function softplus(x: number): number {
  return Math.max(x, 0) + Math.log1p(Math.exp(-Math.abs(x)));
}

/** The matrix power A^k of a square A, k a whole number ≥ 0, by repeated squaring. */
export function mpow(a: Mat, k: number): Mat {
  let result = eye(a.rows);
  let base = a;
  for (let e = k; e > 0; e = Math.floor(e / 2)) {
    if (e % 2 === 1) result = matmul(result, base);
    if (e > 1) base = matmul(base, base);
  }
  return result;
}

/** The adjugate det(A)·inv(A) of an invertible A. */
export function adj(a: Mat): Mat {
  const d = det(a);
  const v = inv(a);
  return { rows: v.rows, cols: v.cols, data: v.data.map((x) => d * x) };
}

/** sum(A, 1): the sum of each column, a 1×n row. */
export function sumCols(a: Mat): Mat {
  const out = new Float64Array(a.cols);
  for (let i = 0; i < a.rows; i++) for (let j = 0; j < a.cols; j++) out[j] += a.data[i * a.cols + j];
  return { rows: 1, cols: a.cols, data: out };
}

/** sum(A, 2): the sum of each row, a column vector. */
export function sumRows(a: Mat): Mat {
  const out = new Float64Array(a.rows);
  for (let i = 0; i < a.rows; i++) for (let j = 0; j < a.cols; j++) out[i] += a.data[i * a.cols + j];
  return { rows: a.rows, cols: 1, data: out };
}

/** mean(A, 1): the mean of each column, a 1×n row. */
export function meanCols(a: Mat): Mat {
  const s = sumCols(a);
  return { rows: 1, cols: s.cols, data: s.data.map((v) => v / a.rows) };
}

/** mean(A, 2): the mean of each row, a column vector. */
export function meanRows(a: Mat): Mat {
  const s = sumRows(a);
  return { rows: s.rows, cols: 1, data: s.data.map((v) => v / a.cols) };
}

/** The softmax of each column (axis 1) or row (axis 2) of A, computed stably. */
export function softmaxAlong(a: Mat, axis: 1 | 2): Mat {
  const { rows, cols, data } = a;
  const out = new Float64Array(data.length);
  if (axis === 2) {
    for (let r = 0; r < rows; r++) {
      const o = r * cols;
      let top = -Infinity;
      for (let c = 0; c < cols; c++) top = Math.max(top, data[o + c]);
      let total = 0;
      for (let c = 0; c < cols; c++) total += out[o + c] = Math.exp(data[o + c] - top);
      for (let c = 0; c < cols; c++) out[o + c] /= total;
    }
    return { rows, cols, data: out };
  }
  // Each column's maximum and total gathered a row at a time, in the order the entries lie in memory.
  const top = new Float64Array(cols).fill(-Infinity);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) top[c] = Math.max(top[c], data[r * cols + c]);
  const total = new Float64Array(cols);
  for (let r = 0; r < rows; r++)
    for (let c = 0; c < cols; c++) total[c] += out[r * cols + c] = Math.exp(data[r * cols + c] - top[c]);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) out[r * cols + c] /= total[c];
  return { rows, cols, data: out };
}

/** softmax(A, 1): the softmax of each column. */
export function softmaxCols(a: Mat): Mat {
  return softmaxAlong(a, 1);
}

/** softmax(A, 2): the softmax of each row. */
export function softmaxRows(a: Mat): Mat {
  return softmaxAlong(a, 2);
}

/** log(sum(exp(A), axis)) of each column (axis 1, a row) or row (axis 2, a column), computed stably. */
export function logsumexpAlong(a: Mat, axis: 1 | 2): Mat {
  const [lines, length] = axis === 1 ? [a.cols, a.rows] : [a.rows, a.cols];
  const at = (line: number, k: number) => (axis === 1 ? k * a.cols + line : line * a.cols + k);
  const out = new Float64Array(lines);
  for (let line = 0; line < lines; line++) {
    let top = -Infinity;
    for (let k = 0; k < length; k++) top = Math.max(top, a.data[at(line, k)]);
    let total = 0;
    for (let k = 0; k < length; k++) total += Math.exp(a.data[at(line, k)] - top);
    out[line] = Number.isFinite(top) ? top + Math.log(total) : top;
  }
  return axis === 1 ? { rows: 1, cols: lines, data: out } : { rows: lines, cols: 1, data: out };
}

/** logsumexp(A, 1): of each column, a row. */
export function logsumexpCols(a: Mat): Mat {
  return logsumexpAlong(a, 1);
}

/** logsumexp(A, 2): of each row, a column vector. */
export function logsumexpRows(a: Mat): Mat {
  return logsumexpAlong(a, 2);
}

/** The Kronecker product of A (m×n) and B (p×q): (m·p)×(n·q), a vector's read as a column. */
export function kron(a: Mat, b: Mat): Mat {
  const [m, n, p, q] = [a.rows, a.cols, b.rows, b.cols];
  const out = new Float64Array(m * p * n * q);
  const cols = n * q;
  for (let i = 0; i < m; i++)
    for (let j = 0; j < n; j++) {
      const x = a.data[i * n + j];
      for (let k = 0; k < p; k++) {
        const row = (i * p + k) * cols + j * q;
        for (let l = 0; l < q; l++) out[row + l] = x * b.data[k * q + l];
      }
    }
  return { rows: m * p, cols, data: out };
}

/** kronT1(G, B)[i,j] = Σ_kl G[(i,k),(j,l)]·B[k,l]: kron's adjoint in its first factor. */
export function kronT1(g: Mat, b: Mat): Mat {
  const [p, q] = [b.rows, b.cols];
  const [m, n] = [g.rows / p, g.cols / q];
  const out = new Float64Array(m * n);
  for (let i = 0; i < m; i++)
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let k = 0; k < p; k++)
        for (let l = 0; l < q; l++) s += g.data[(i * p + k) * g.cols + j * q + l] * b.data[k * q + l];
      out[i * n + j] = s;
    }
  return { rows: m, cols: n, data: out };
}

/** kronT2(A, G)[k,l] = Σ_ij A[i,j]·G[(i,k),(j,l)]: kron's adjoint in its second factor. */
export function kronT2(a: Mat, g: Mat): Mat {
  const [m, n] = [a.rows, a.cols];
  const [p, q] = [g.rows / m, g.cols / n];
  const out = new Float64Array(p * q);
  for (let i = 0; i < m; i++)
    for (let j = 0; j < n; j++) {
      const x = a.data[i * n + j];
      for (let k = 0; k < p; k++)
        for (let l = 0; l < q; l++) out[k * q + l] += x * g.data[(i * p + k) * g.cols + j * q + l];
    }
  return { rows: p, cols: q, data: out };
}

/** A block matrix from its blocks listed row by row, `cols` to a row: a number is 1×1, a vector a column. */
export function block(cols: number, entries: (number | Mat)[]): Mat {
  const mats = entries.map((e) =>
    typeof e === "number" ? { rows: 1, cols: 1, data: Float64Array.of(e) } : e,
  );
  const rows = mats.length / cols;
  let height = 0;
  let width = 0;
  for (let r = 0; r < rows; r++) height += mats[r * cols].rows;
  for (let c = 0; c < cols; c++) width += mats[c].cols;
  const out = new Float64Array(height * width);
  let top = 0;
  for (let r = 0; r < rows; r++) {
    let left = 0;
    for (let c = 0; c < cols; c++) {
      const m = mats[r * cols + c];
      for (let i = 0; i < m.rows; i++)
        for (let j = 0; j < m.cols; j++) out[(top + i) * width + left + j] = m.data[i * m.cols + j];
      left += m.cols;
    }
    top += mats[r * cols].rows;
  }
  return { rows: height, cols: width, data: out };
}
