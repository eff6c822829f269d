// Evaluates a tensor in index form. Each term is contracted factor by factor, einsum-style: the
// running product carries only the indices still needed, and a summation index is summed out as soon
// as no later factor uses it, so a term never loops over all of its indices at once.
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
    const position = all.map((name) => ({
      a: a.indices.indexOf(name),
      b: b.indices.indexOf(name),
      out: kept.indexOf(name),
    }));
    const total = allSizes.reduce((s, x) => s * x, 1);
    const at = new Int32Array(all.length);
    for (let p = 0; p < total; p++) {
      let rest = p;
      for (let k = all.length - 1; k >= 0; k--) {
        at[k] = rest % allSizes[k]!;
        rest = Math.floor(rest / allSizes[k]!);
      }
      let ia = 0;
      let ib = 0;
      let io = 0;
      for (let k = 0; k < all.length; k++) {
        const where = position[k]!;
        if (where.a >= 0) ia += at[k]! * aStrides[where.a]!;
        if (where.b >= 0) ib += at[k]! * bStrides[where.b]!;
        if (where.out >= 0) io += at[k]! * keptStrides[where.out]!;
      }
      out[io]! += a.data[ia]! * b.data[ib]!;
    }
    return { indices: kept, data: out };
  };

  for (const term of form.terms) {
    let current: Partial = { indices: [], data: Float64Array.of(term.coefficient) };
    const factors = term.factors.map(asPartial);
    const summed = new Set(term.summed);
    factors.forEach((factor, k) => {
      const later = new Set(factors.slice(k + 1).flatMap((f) => [...f.indices]));
      // Summed out here: what this product mentions and no later factor does. (An index no factor
      // mentions stays in `summed`, to contribute its size below.)
      const here = new Set([...current.indices, ...factor.indices]);
      const drop = new Set(
        [...summed].filter((i) => here.has(i) && !later.has(i) && !form.indices.includes(i)),
      );
      current = multiply(current, factor, drop);
      for (const i of drop) summed.delete(i);
    });
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
