// Evaluates a tensor in index form: every term is a product of factors summed over its summation
// indices, computed by running over all index values (derivative checks use small sizes).
import type { IndexFactor, IndexForm, Node } from "../ir/index.js";
import type { Tensor } from "../tensor/index.js";
import { contextFor, evaluateNodes } from "./evaluate.js";
import type { Bindings } from "./values.js";

export function evaluateIndexForm(form: IndexForm, bindings: Bindings): Tensor {
  const context = contextFor(bindings);
  const size = (index: string) => context.size(form.sizes[index]!);
  const outputShape = form.indices.map(size);
  const output = new Float64Array(outputShape.reduce((a, b) => a * b, 1));
  const nodes: Node[] = [];
  for (const term of form.terms) for (const f of term.factors) if (f.kind === "tensor") nodes.push(f.node);
  const values = new Map<number, Tensor>();
  for (const [k, v] of evaluateNodes(nodes, bindings).entries()) values.set(nodes[k]!.id, v);

  for (const term of form.terms) {
    const indices = [
      ...new Set([...form.indices, ...term.summed, ...term.factors.flatMap((f) => [...f.indices])]),
    ];
    const sizes = indices.map(size);
    const position = new Map(indices.map((name, k) => [name, k]));
    const at = new Int32Array(indices.length);
    const total = sizes.reduce((a, b) => a * b, 1);
    const outputStrides = form.indices.map((_i, k) => outputShape.slice(k + 1).reduce((a, b) => a * b, 1));
    const factorValue = (f: IndexFactor): number => {
      if (f.kind === "delta")
        return at[position.get(f.indices[0])!] === at[position.get(f.indices[1])!] ? 1 : 0;
      if (f.kind === "unit") return at[position.get(f.indices[0])!] === f.position ? 1 : 0;
      const t = values.get(f.node.id)!;
      let offset = 0;
      let stride = 1;
      for (let k = f.indices.length - 1; k >= 0; k--) {
        offset += at[position.get(f.indices[k]!)!]! * stride;
        stride *= sizeAlong(t, f.indices.length, k);
      }
      return t.data[offset]!;
    };
    for (let step = 0; step < total; step++) {
      let remainder = step;
      for (let k = indices.length - 1; k >= 0; k--) {
        at[k] = remainder % sizes[k]!;
        remainder = Math.floor(remainder / sizes[k]!);
      }
      let product = term.coefficient;
      for (const f of term.factors) {
        product *= factorValue(f);
        if (product === 0) break;
      }
      if (product === 0) continue;
      let out = 0;
      form.indices.forEach((name, k) => {
        out += at[position.get(name)!]! * outputStrides[k]!;
      });
      output[out]! += product;
    }
  }
  return { shape: outputShape, data: output };
}

/** The size of the k-th indexed axis of a value with `count` indices (a row 1×n has one). */
function sizeAlong(t: Tensor, count: number, k: number): number {
  const axes = t.shape.length === 2 && t.shape[0] === 1 && count === 1 ? [t.shape[1]!] : t.shape;
  return axes[k] ?? 1;
}
