// Element-wise kernels with scalar expansion, and whole-tensor reductions.
import { sizeOf, type Tensor } from "./tensor.js";

export function mapTensor(a: Tensor, f: (x: number) => number): Tensor {
  const out = new Float64Array(a.data.length);
  const src = a.data;
  for (let i = 0; i < src.length; i++) out[i] = f(src[i]!);
  return { shape: a.shape, data: out };
}

/** f applied entry by entry; a one-entry scalar operand is expanded to the other's shape. */
export function zipTensors(a: Tensor, b: Tensor, f: (x: number, y: number) => number): Tensor {
  const aScalar = a.shape.length === 0;
  const bScalar = b.shape.length === 0;
  const shape = aScalar ? b.shape : a.shape;
  if (!aScalar && !bScalar && a.data.length !== b.data.length) {
    throw new RangeError(`element-wise operands differ: [${a.shape.join(", ")}] and [${b.shape.join(", ")}]`);
  }
  const n = sizeOf(shape);
  const out = new Float64Array(n);
  const ad = a.data;
  const bd = b.data;
  if (aScalar) {
    const x = ad[0]!;
    for (let i = 0; i < n; i++) out[i] = f(x, bd[i]!);
  } else if (bScalar) {
    const y = bd[0]!;
    for (let i = 0; i < n; i++) out[i] = f(ad[i]!, y);
  } else {
    for (let i = 0; i < n; i++) out[i] = f(ad[i]!, bd[i]!);
  }
  return { shape, data: out };
}

export function sumEntries(a: Tensor): number {
  let s = 0;
  for (const x of a.data) s += x;
  return s;
}

export function dotEntries(a: Tensor, b: Tensor): number {
  let s = 0;
  const ad = a.data;
  const bd = b.data;
  for (let i = 0; i < ad.length; i++) s += ad[i]! * bd[i]!;
  return s;
}

/** √(Σ x²) without overflow for large entries. */
export function euclideanNorm(a: Tensor): number {
  let scale = 0;
  for (const x of a.data) scale = Math.max(scale, Math.abs(x));
  if (scale === 0 || !Number.isFinite(scale)) return scale;
  let s = 0;
  for (const x of a.data) {
    const y = x / scale;
    s += y * y;
  }
  return scale * Math.sqrt(s);
}
