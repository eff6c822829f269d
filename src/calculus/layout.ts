// Layouts (SPEC §2) in one place. A derivative is computed once, in natural order: the output's axes,
// then the variable's — the mixed layout. A layout is a view of that result: it shows it as it is or
// transposed (its two groups of axes swapped). This module applies a layout to expressions, index
// forms and numbers, and undoes it on numbers; nothing else decides what a layout does.
import type { Shape } from "../core/index.js";
import type { IndexForm, Node } from "../ir/index.js";
import { apply } from "../ops/index.js";

export type Layout = "numerator" | "denominator" | "mixed";

export const LAYOUTS: readonly Layout[] = ["numerator", "denominator", "mixed"];

/**
 * Whether `layout` shows the natural result transposed. A gradient (a scalar's first derivative by a
 * non-scalar, naturally in the variable's shape) is transposed in the numerator layout; every other
 * derivative (Jacobians, derivatives by a scalar, Hessians, index forms) in the denominator layout.
 */
export function transposes(layout: Layout, gradient: boolean): boolean {
  return layout === "denominator" ? !gradient : layout === "numerator" ? gradient : false;
}

/**
 * Whether `layout` shows a Jacobian (the numerator form the chain rule writes, a row for a scalar)
 * transposed: its natural form is itself, except a scalar's, whose natural form is its transpose.
 */
export function transposesJacobian(layout: Layout, scalarOutput: boolean): boolean {
  return scalarOutput !== transposes(layout, scalarOutput);
}

/**
 * How a derivative's numbers are laid out: the shown tensor's axes fall in two groups, the first
 * `frontAxes` of them and the rest; a transposed view swapped them from natural order.
 */
export interface LayoutView {
  readonly layout: Layout;
  readonly transposed: boolean;
  readonly frontAxes: number;
}

/** A derivative in natural order: a matrix expression whose entries are its entries, or index form. */
export type NaturalValue =
  | { readonly kind: "matrix"; readonly node: Node }
  | { readonly kind: "index"; readonly form: IndexForm };

/** A derivative in a layout, with its shape there. */
export type DerivativeValue =
  | { readonly kind: "matrix"; readonly node: Node; readonly shape: Shape }
  | { readonly kind: "index"; readonly form: IndexForm; readonly shape: Shape };

/**
 * The natural result in `layout`. `variableAxes` counts the axes all orders of differentiation add,
 * `gradient` says whether it is a scalar's first derivative by a non-scalar.
 */
export function present(
  natural: NaturalValue,
  variableAxes: number,
  gradient: boolean,
  layout: Layout,
): { value: DerivativeValue; view: LayoutView } {
  const transposed = transposes(layout, gradient);
  if (natural.kind === "index") {
    const form = natural.form;
    const outputAxes = form.indices.length - variableAxes;
    const indices = transposed
      ? [...form.indices.slice(outputAxes), ...form.indices.slice(0, outputAxes)]
      : [...form.indices];
    return {
      value: { kind: "index", form: { ...form, indices }, shape: indices.map((i) => form.sizes[i]!) },
      view: { layout, transposed, frontAxes: transposed ? variableAxes : outputAxes },
    };
  }
  const node = natural.node;
  const view: LayoutView = { layout, transposed, frontAxes: 1 };
  if (node.shape.length === 0) return { value: { kind: "matrix", node, shape: [] }, view };
  // A vector is shown as a column (k×1) by a scalar, and as a row (1×n) where a gradient is transposed.
  const shown: Shape = node.shape.length === 1 ? [node.shape[0]!, 1] : node.shape;
  if (!transposed)
    return { value: { kind: "matrix", node, shape: variableAxes === 0 ? shown : node.shape }, view };
  return { value: { kind: "matrix", node: apply("transpose", node), shape: [shown[1]!, shown[0]!] }, view };
}

/** The entries of a tensor `shape` whose first `front` axes form one group, as a rows × cols matrix. */
function groups(shape: readonly number[], front: number): [number, number] {
  const product = (axes: readonly number[]) => axes.reduce((a, b) => a * b, 1);
  return [product(shape.slice(0, front)), product(shape.slice(front))];
}

function transpose2d(data: Float64Array, rows: number, cols: number): Float64Array {
  const out = new Float64Array(data.length);
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) out[j * rows + i] = data[i * cols + j]!;
  return out;
}

/** A derivative's numbers in its layout (`shape`), in natural order: the layout undone. */
export function toNaturalEntries(
  view: LayoutView,
  shape: readonly number[],
  data: Float64Array,
): Float64Array {
  if (!view.transposed || shape.length < 2) return data;
  const [rows, cols] = groups(shape, view.frontAxes);
  return transpose2d(data, rows, cols);
}

/** Numbers in natural order put into the layout whose shape is `shape` (the inverse of toNaturalEntries). */
export function fromNaturalEntries(
  view: LayoutView,
  shape: readonly number[],
  natural: Float64Array,
): Float64Array {
  if (!view.transposed || shape.length < 2) return natural;
  const [rows, cols] = groups(shape, view.frontAxes);
  return transpose2d(natural, cols, rows);
}
