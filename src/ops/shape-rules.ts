// Shape rules shared by several operators: same shape, scalar expansion, reductions, square matrices.
import type { ShapeFailure, ShapeResult, ShapeRule } from "./types.js";

export function failure(fail: ShapeFailure["fail"]): ShapeFailure {
  return { fail };
}

/** Element-wise with scalar expansion: equal shapes, or one side a scalar. */
export function elementwiseShape(verb: (a: string, b: string) => string): ShapeRule {
  return (args, dims) => {
    const [a, b] = [args[0]!, args[1]!];
    if (a.length === 0) return b;
    if (b.length === 0) return a;
    if (a.length !== b.length) return failure((d) => verb(d(0), d(1)));
    for (let i = 0; i < a.length; i++) {
      if (!dims.unify(a[i]!, b[i]!)) return failure((d) => verb(d(0), d(1)));
    }
    return a;
  };
}

export const sameShapeAsArgument: ShapeRule = (args) => args[0]!;

export const scalarResult: ShapeRule = () => [];

export function squareMatrix(name: string, result: "scalar" | "same" | "vector"): ShapeRule {
  return <D>(args: readonly (readonly D[])[], dims: Parameters<ShapeRule>[1]): ShapeResult<D> => {
    const a = args[0]!;
    // A scalar is a 1×1 matrix (the operator's scalar form is built for it).
    if (a.length === 0) return [];
    const fail = failure((d) => `${name} needs a square matrix, got ${d(0)}`);
    if (a.length !== 2 || !dims.unify(a[0] as D, a[1] as D)) return fail;
    if (result === "scalar") return [];
    if (result === "vector") return [a[0]!];
    return a;
  };
}

export function vectorArgument(name: string, result: "scalar" | "same"): ShapeRule {
  return (args) => {
    const a = args[0]!;
    if (a.length !== 1) return failure((d) => `${name} needs a vector, got ${d(0)}`);
    return result === "scalar" ? [] : a;
  };
}
