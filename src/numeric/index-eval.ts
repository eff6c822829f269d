// Evaluates a tensor in index form. Each term is contracted factor by factor, einsum-style: the
// running product carries only the indices still needed, and a summation index is summed out as soon
// as no later factor uses it, so a term never loops over all of its indices at once. The next factor
// is the one that keeps the running product smallest (a greedy order, as einsum optimizers take).
import type { IndexFactor, IndexForm, Node } from "../ir/index.js";
import type { Tensor } from "../tensor/index.js";
import { contextFor, evaluateNodes } from "./evaluate.js";
import type { Bindings } from "./values.js";

/** A dense array over named indices (row-major in the order of `indices`). */
interface Partial {
  readonly indices: readonly string[];
  readonly data: Float64Array;
}

function strides(sizes: readonly number[]): number[] {
  const out = new Array<number>(sizes.length).fill(1);
  for (let k = sizes.length - 2; k >= 0; k--) out[k] = out[k + 1]! * sizes[k + 1]!;
  return out;
}

export function evaluateIndexForm(form: IndexForm, bindings: Bindings): Tensor {
  const context = contextFor(bindings);
  const size = (index: string) => context.size(form.sizes[index]!);
  const outputShape = form.indices.map(size);
  const output = new Float64Array(outputShape.reduce((a, b) => a * b, 1));
  const distinct = new Map<number, Node>();
  for (const term of form.terms)
    for (const f of term.factors) if (f.kind === "tensor") distinct.set(f.node.id, f.node);
  const nodes = [...distinct.values()];
  const values = new Map<number, Tensor>();
  for (const [k, v] of evaluateNodes(nodes, bindings).entries()) values.set(nodes[k]!.id, v);

  /** A factor as a dense array over its distinct indices (a repeated index takes the diagonal). */
  const asPartial = (f: IndexFactor): Partial => {
    const indices = [...new Set(f.indices)];
    const sizes = indices.map(size);
    const data = new Float64Array(sizes.reduce((a, b) => a * b, 1));
    const at = new Int32Array(indices.length);
    for (let p = 0; p < data.length; p++) {
      let rest = p;
      for (let k = indices.length - 1; k >= 0; k--) {
        at[k] = rest % sizes[k]!;
        rest = Math.floor(rest / sizes[k]!);
      }
      const value = (name: string) => at[indices.indexOf(name)]!;
      if (f.kind === "delta") data[p] = value(f.indices[0]) === value(f.indices[1]) ? 1 : 0;
      else if (f.kind === "unit") data[p] = value(f.indices[0]) === f.position ? 1 : 0;
      else {
        const t = values.get(f.node.id)!;
        const axes =
          t.shape.length === 2 && t.shape[0] === 1 && f.indices.length === 1 ? [t.shape[1]!] : t.shape;
        let offset = 0;
        let stride = 1;
        for (let k = f.indices.length - 1; k >= 0; k--) {
          offset += value(f.indices[k]!) * stride;
          stride *= axes[k] ?? 1;
        }
        data[p] = t.data[offset]!;
      }
    }
    return { indices, data };
  };

  /** a·b over the union of their indices, with `drop` summed out. */
  const multiply = (a: Partial, b: Partial, drop: ReadonlySet<string>): Partial => {
    const all = [...new Set([...a.indices, ...b.indices])];
    const kept = all.filter((i) => !drop.has(i));
    const allSizes = all.map(size);
    const keptStrides = strides(kept.map(size));
    const aStrides = strides(a.indices.map(size));
    const bStrides = strides(b.indices.map(size));
    const out = new Float64Array(kept.reduce((s, i) => s * size(i), 1));
    // Each index's step in a, b and the result; the loop below counts through all of them like an
    // odometer, moving the three offsets by those steps instead of recomputing them.
    const n = all.length;
    const stepA = new Int32Array(n);
    const stepB = new Int32Array(n);
    const stepOut = new Int32Array(n);
    for (let k = 0; k < n; k++) {
      const name = all[k]!;
      const [ia, ib, io] = [a.indices.indexOf(name), b.indices.indexOf(name), kept.indexOf(name)];
      stepA[k] = ia >= 0 ? aStrides[ia]! : 0;
      stepB[k] = ib >= 0 ? bStrides[ib]! : 0;
      stepOut[k] = io >= 0 ? keptStrides[io]! : 0;
    }
    const at = new Int32Array(n);
    const [ad, bd] = [a.data, b.data];
    let [ia, ib, io] = [0, 0, 0];
    for (;;) {
      out[io]! += ad[ia]! * bd[ib]!;
      // The next position: the last index moves fastest.
      let k = n - 1;
      while (k >= 0) {
        ia += stepA[k]!;
        ib += stepB[k]!;
        io += stepOut[k]!;
        if (++at[k]! < allSizes[k]!) break;
        ia -= stepA[k]! * allSizes[k]!;
        ib -= stepB[k]! * allSizes[k]!;
        io -= stepOut[k]! * allSizes[k]!;
        at[k] = 0;
        k--;
      }
      if (k < 0) break;
    }
    return { indices: kept, data: out };
  };

  /** The number of entries of a·b once `drop` is summed out. */
  const resultSize = (a: Partial, b: Partial, drop: (i: string) => boolean): number => {
    let entries = 1;
    for (const i of new Set([...a.indices, ...b.indices])) if (!drop(i)) entries *= size(i);
    return entries;
  };

  for (const term of form.terms) {
    let current: Partial = { indices: [], data: Float64Array.of(term.coefficient) };
    const pending = term.factors.map(asPartial);
    const summed = new Set(term.summed);
    // How many factors not yet multiplied in mention each index.
    const uses = new Map<string, number>();
    for (const f of pending) for (const i of f.indices) uses.set(i, (uses.get(i) ?? 0) + 1);
    // A summation index is summed out as soon as no factor still to come mentions it. (An index no
    // factor mentions stays in `summed`, to contribute its size below.)
    const droppable = (i: string, factor: Partial) =>
      summed.has(i) &&
      !form.indices.includes(i) &&
      (uses.get(i) ?? 0) === (factor.indices.includes(i) ? 1 : 0);
    while (pending.length > 0) {
      // Greedily, the factor whose product with the running one is smallest once summed out, so no
      // intermediate carries more indices than it must (the written order can be far worse).
      let best = 0;
      let bestSize = Number.POSITIVE_INFINITY;
      for (let k = 0; k < pending.length; k++) {
        const f = pending[k]!;
        const entries = resultSize(current, f, (i) => droppable(i, f));
        if (entries < bestSize) {
          best = k;
          bestSize = entries;
        }
      }
      const factor = pending.splice(best, 1)[0]!;
      const drop = new Set(
        [...new Set([...current.indices, ...factor.indices])].filter((i) => droppable(i, factor)),
      );
      for (const i of factor.indices) uses.set(i, uses.get(i)! - 1);
      current = multiply(current, factor, drop);
      for (const i of drop) summed.delete(i);
    }
    // Summation indices that no factor mentions contribute their size; output indices no factor
    // mentions are constant along them.
    let scale = 1;
    for (const i of summed) if (!current.indices.includes(i)) scale *= size(i);
    const currentStrides = strides(current.indices.map(size));
    const at = new Int32Array(form.indices.length);
    for (let p = 0; p < output.length; p++) {
      let rest = p;
      for (let k = form.indices.length - 1; k >= 0; k--) {
        at[k] = rest % outputShape[k]!;
        rest = Math.floor(rest / outputShape[k]!);
      }
      let offset = 0;
      for (let k = 0; k < current.indices.length; k++) {
        const name = current.indices[k]!;
        const outAxis = form.indices.indexOf(name);
        offset += (outAxis >= 0 ? at[outAxis]! : 0) * currentStrides[k]!;
      }
      output[p]! += scale * current.data[offset]!;
    }
  }
  return { shape: outputShape, data: output };
}
