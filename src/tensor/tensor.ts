// Float64 row-major tensors. A tensor is a shape (integer sizes) and a flat Float64Array; rank 0 is a
// scalar with one entry. This layer knows nothing about expressions.

export interface Tensor {
  readonly shape: readonly number[];
  readonly data: Float64Array;
}

export function sizeOf(shape: readonly number[]): number {
  let size = 1;
  for (const d of shape) size *= d;
  return size;
}

export function zerosTensor(shape: readonly number[]): Tensor {
  return { shape: [...shape], data: new Float64Array(sizeOf(shape)) };
}

export function scalarTensor(value: number): Tensor {
  return { shape: [], data: Float64Array.of(value) };
}

export function filledTensor(shape: readonly number[], value: number): Tensor {
  return { shape: [...shape], data: new Float64Array(sizeOf(shape)).fill(value) };
}

export function identityTensor(n: number): Tensor {
  const data = new Float64Array(n * n);
  for (let i = 0; i < n; i++) data[i * n + i] = 1;
  return { shape: [n, n], data };
}

/** Nested arrays in the SPEC §3 JSON form: a number, a flat array, or an array of rows. */
export type NestedNumbers = number | NestedNumbers[];

export function toNested(t: Tensor): NestedNumbers {
  if (t.shape.length === 0) return t.data[0]!;
  const build = (offset: number, axis: number): NestedNumbers[] => {
    const size = t.shape[axis]!;
    const stride = sizeOf(t.shape.slice(axis + 1));
    const out: NestedNumbers[] = [];
    for (let i = 0; i < size; i++) {
      out.push(axis === t.shape.length - 1 ? t.data[offset + i]! : build(offset + i * stride, axis + 1));
    }
    return out;
  };
  return build(0, 0);
}

/** Max over entries of |a−b| / max(1, |b|): the error measure of numeric checks. */
export function maxRelativeError(a: Tensor, b: Tensor): number {
  let worst = 0;
  for (let i = 0; i < a.data.length; i++) {
    const x = a.data[i]!;
    const y = b.data[i]!;
    const e = Math.abs(x - y) / Math.max(1, Math.abs(y));
    if (!(e <= worst)) worst = e;
  }
  return worst;
}

/** Writes the transpose of a rows×cols row-major `a` into `out` from entry `at` on (cols×rows). */
export function transposeInto(a: Float64Array, rows: number, cols: number, out: Float64Array, at = 0): void {
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) out[at + j * rows + i] = a[i * cols + j]!;
}
