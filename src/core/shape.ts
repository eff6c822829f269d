// Shapes with symbolic sizes. A Dim is an integer, the name of a size symbol, or a sum or product of
// sizes in canonical text (size.ts). Rank 0 is a scalar, rank 1 a column vector, rank 2 a matrix (a
// row vector is 1×n). Derivatives may have higher ranks.

export type Dim = number | string;
export type Shape = readonly Dim[];

export const SCALAR: Shape = [];

export function isScalarShape(shape: Shape): boolean {
  return shape.length === 0;
}

/** A row vector is a rank-2 shape whose first size is the literal 1. */
export function isRowShape(shape: Shape): boolean {
  return shape.length === 2 && shape[0] === 1;
}

export function shapesEqual(a: Shape, b: Shape): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

/** `scalar`, `n`, `m×n` — the form used in messages (SPEC §4). */
export function formatShape(shape: Shape): string {
  if (shape.length === 0) return "scalar";
  // A sum or product of sizes is bracketed beside another size: (m+n)×k.
  const compound = (d: Dim) => shape.length > 1 && typeof d === "string" && /[+*]/.test(d);
  return shape.map((d) => (compound(d) ? `(${d})` : String(d))).join("×");
}

/** `scalar`, `vector(n)`, `row vector(n)`, `matrix(m, n)`, `tensor(a, b, c)` — the declaration-like form. */
export function describeShape(shape: Shape): string {
  if (shape.length === 0) return "scalar";
  if (shape.length === 1) return `vector(${shape[0]})`;
  if (shape.length === 2)
    return shape[0] === 1 ? `row vector(${shape[1]})` : `matrix(${shape[0]}, ${shape[1]})`;
  return `tensor(${shape.join(", ")})`;
}
