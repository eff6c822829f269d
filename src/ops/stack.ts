// Stacks of scalars: `[a; b; c]` (a column vector, the lecture's [f(x,y); g(x,y)]), `[a, b]` (a row)
// and `[a, b; c, d]` (a matrix); and block matrices, where an entry is a vector or a matrix:
// `[x; y]` (a vector of n + m entries), `[A, B; C, D]`, `[x; 1]`. Entries are listed row by row.
import type { Dim } from "../core/index.js";
import type { Node } from "../ir/index.js";
import type { Tensor } from "../tensor/index.js";
import * as E from "./algebra.js";
import { block, concreteDims, identity, ones, stack, zeros } from "./build.js";
import { failure } from "./shape-rules.js";
import {
  type DimAlgebra,
  type OperatorDefinition,
  Precedence,
  type PrintTemplate,
  type ShapeRule,
} from "./types.js";

const stackShape: ShapeRule = (args, dims, attributes) => {
  const rows = attributes.rows ?? args.length;
  const cols = attributes.cols ?? 1;
  for (let i = 0; i < args.length; i++) {
    if (args[i]!.length !== 0) return failure((d) => `stack entries must be scalars, got ${d(i)}`);
  }
  if (cols === 1) return [dims.literal(rows)];
  if (rows === 1) return [dims.one(), dims.literal(cols)];
  return [dims.literal(rows), dims.literal(cols)];
};

/** Rows and columns of a stack node, read back from its shape. */
export function stackLayout(shape: readonly (number | string)[]): { rows: number; cols: number } {
  if (shape.length === 1) return { rows: Number(shape[0]), cols: 1 };
  return { rows: Number(shape[0]), cols: Number(shape[1]) };
}

function printRows(entries: readonly string[], cols: number, column: string, row: string) {
  const rows = entries.length / cols;
  const lines: string[] = [];
  for (let r = 0; r < rows; r++) lines.push(entries.slice(r * cols, (r + 1) * cols).join(column));
  return lines.join(row);
}

/** Height and width of a block: a number is 1×1, a vector a column. */
function extent<D>(shape: readonly D[], dims: DimAlgebra<D>): [D, D] {
  if (shape.length === 0) return [dims.one(), dims.one()];
  if (shape.length === 1) return [shape[0]!, dims.one()];
  return [shape[0]!, shape[1]!];
}

/**
 * The most blocks a block matrix has: each block's derivative picks it out with a selector as long as
 * its row or column of blocks, so the work grows as the square of the count (a stack of numbers has
 * no such bound).
 */
export const MAX_BLOCKS = 256;

const blockShape: ShapeRule = (args, dims, attributes) => {
  const cols = attributes.cols ?? 1;
  const rows = attributes.rows ?? args.length / cols;
  if (args.length > MAX_BLOCKS)
    return failure(
      () =>
        `a block matrix has at most ${MAX_BLOCKS} blocks here, got ${args.length}: the work of its derivative grows as the square of their number`,
    );
  for (let k = 0; k < args.length; k++)
    if (args[k]!.length > 2)
      return failure((d) => `a block must be a number, a vector or a matrix, got ${d(k)}`);
  const heights = [];
  for (let r = 0; r < rows; r++) {
    const first = r * cols;
    const height = extent(args[first]!, dims)[0];
    for (let c = 1; c < cols; c++)
      if (!dims.unify(extent(args[first + c]!, dims)[0], height))
        return failure(
          (d) => `the blocks of row ${r + 1} must have one height: ${d(first)} and ${d(first + c)}`,
        );
    heights.push(height);
  }
  const widths = [];
  for (let c = 0; c < cols; c++) {
    const width = extent(args[c]!, dims)[1];
    for (let r = 1; r < rows; r++)
      if (!dims.unify(extent(args[r * cols + c]!, dims)[1], width))
        return failure(
          (d) => `the blocks of column ${c + 1} must have one width: ${d(c)} and ${d(r * cols + c)}`,
        );
    widths.push(width);
  }
  // One column of numbers and vectors is a vector; anything else a matrix.
  const vector = cols === 1 && args.every((a) => a.length <= 1);
  return vector ? [dims.sum(heights)] : [dims.sum(heights), dims.sum(widths)];
};

/** The heights of a block matrix's rows of blocks and the widths of its columns of blocks. */
function blockSizes(args: readonly Node[], cols: number): { heights: Dim[]; widths: Dim[] } {
  const rows = args.length / cols;
  const heights = Array.from({ length: rows }, (_, r) => extent(args[r * cols]!.shape, concreteDims)[0]);
  const widths = Array.from({ length: cols }, (_, c) => extent(args[c]!.shape, concreteDims)[1]);
  return { heights, widths };
}

function evaluateBlock(args: readonly Tensor[], node: Node): Tensor {
  const cols = node.attrs.columns!;
  const rows = args.length / cols;
  const sizeOf = (t: Tensor) => extent(t.shape, concreteDims) as [number, number];
  const heights = Array.from({ length: rows }, (_, r) => sizeOf(args[r * cols]!)[0]);
  const widths = Array.from({ length: cols }, (_, c) => sizeOf(args[c]!)[1]);
  const width = widths.reduce((a, b) => a + b, 0);
  const height = heights.reduce((a, b) => a + b, 0);
  const data = new Float64Array(height * width);
  let top = 0;
  for (let r = 0; r < rows; r++) {
    let left = 0;
    for (let c = 0; c < cols; c++) {
      const t = args[r * cols + c]!;
      const [h, w] = [heights[r]!, widths[c]!];
      for (let i = 0; i < h; i++)
        for (let j = 0; j < w; j++) data[(top + i) * width + left + j] = t.data[i * w + j]!;
      left += w;
    }
    top += heights[r]!;
  }
  return { shape: node.shape.length === 1 ? [height] : [height, width], data };
}

/**
 * The matrix that picks block `k` out of blocks of the given sizes: [0, …, I, …, 0], (size k)×(total);
 * a row [0, …, 1, …, 0] where block k is a number's single row.
 */
function selector(sizes: readonly Dim[], k: number, scalarBlock: boolean): Node {
  const own = sizes[k]!;
  // A block one high is picked by a row of numbers (a 1×1 I would be a matrix where a number does).
  const single = scalarBlock || own === 1;
  const entries = sizes.map((s, i) =>
    i === k ? (single ? E.num(1) : identity(own)) : zeros([single ? 1 : own, s]),
  );
  return block(entries, 1, sizes.length);
}

/** The vector [0; …; 1; …; 0] that picks entry k among blocks of the given sizes (k's size 1). */
function unitColumn(sizes: readonly Dim[], k: number): Node {
  if (sizes.length === 1) return ones(1);
  return block(
    sizes.map((s, i) => (i === k ? E.num(1) : zeros([s]))),
    sizes.length,
    1,
  );
}

/**
 * A block matrix as the sum of its blocks, each placed by constant selectors: [x; y] = [I; 0]*x +
 * [0; I]*y, and X at (r, c) is Sᵣ'·X·S_c. Linear in the blocks, with no block in them: index notation
 * and the Jacobian isolation read a block matrix through it.
 */
export function blockAsSum(node: Node): Node {
  const cols = node.attrs.columns!;
  const { heights, widths } = blockSizes(node.args, cols);
  const isZero = (e: Node) => e.op === "zeros" || (e.op === "const" && e.attrs.value === 0);
  const terms = node.args.flatMap((entry, k) => {
    if (isZero(entry)) return [];
    const [r, c] = [Math.floor(k / cols), k % cols];
    // A block one row high (a row) is placed by a unit vector: no (n+1)×1 matrix in between.
    const placeRows = (x: Node) =>
      heights.length === 1
        ? x
        : heights[r] === 1 && x.shape.length === 2
          ? E.mul(unitColumn(heights, r), x)
          : E.mul(E.tr(selector(heights, r, false)), x);
    if (node.shape.length === 1)
      return entry.shape.length === 0 ? E.mul(entry, unitColumn(heights, r)) : placeRows(entry);
    if (entry.shape.length === 0)
      return E.mul(entry, E.mul(unitColumn(heights, r), E.tr(unitColumn(widths, c))));
    if (entry.shape.length === 1) return E.mul(placeRows(entry), E.tr(unitColumn(widths, c)));
    const placed = placeRows(entry);
    return widths.length > 1 ? E.mul(placed, selector(widths, c, false)) : placed;
  });
  return terms.length === 0 ? zeros(node.shape) : terms.reduce((sum, term) => E.add(sum, term));
}

/** How brackets print, `[a, b; c, d]` and a LaTeX bmatrix, given the entries to a row. */
function bracketed(columns: (node: Node) => number): Pick<OperatorDefinition, "text" | "latex"> {
  const print = (open: string, column: string, row: string, close: string): PrintTemplate => ({
    kind: "custom",
    print: (args, node) => ({
      text: `${open}${printRows(
        args.map((a) => a.text),
        columns(node),
        column,
        row,
      )}${close}`,
      precedence: Precedence.Atom,
    }),
  });
  return {
    text: print("[", ", ", "; ", "]"),
    latex: print("\\begin{bmatrix} ", " & ", " \\\\ ", " \\end{bmatrix}"),
  };
}

export const stackOperators = {
  stack: {
    syntax: { kind: "leaf" },
    summary: "[a; b] stacks scalars into a column vector; [a, b; c, d] builds a matrix",
    shape: stackShape,
    evaluate: (args, node) => {
      const data = Float64Array.from(args, (a) => a.data[0]!);
      const { rows, cols } = stackLayout(node.shape);
      return { shape: cols === 1 ? [rows] : rows === 1 ? [1, cols] : [rows, cols], data };
    },
    ...bracketed((node) => stackLayout(node.shape).cols),
    jvp: (_args, tangents, node) => {
      if (tangents.every((t) => t === null)) return null;
      const { rows, cols } = stackLayout(node.shape);
      return stack(
        tangents.map((t) => t ?? E.num(0)),
        rows,
        cols,
      );
    },
    transpose: (ct, args, linear, node) => {
      const { rows, cols } = stackLayout(node.shape);
      return args.map((_a, k) =>
        linear[k] ? E.entryOf(ct, Math.floor(k / cols), k % cols, rows, cols) : null,
      );
    },
  },
  block: {
    syntax: { kind: "leaf" },
    summary:
      "[x; y] stacks vectors (n + m entries); [A, B; C, D] builds a matrix of blocks; numbers are 1×1 blocks",
    shape: blockShape,
    evaluate: (args, node) => evaluateBlock(args, node),
    ...bracketed((node) => node.attrs.columns!),
    jvp: (args, tangents, node) => {
      if (tangents.every((t) => t === null)) return null;
      const cols = node.attrs.columns!;
      return block(
        tangents.map((t, k) => t ?? (args[k]!.shape.length === 0 ? E.num(0) : zeros(args[k]!.shape))),
        args.length / cols,
        cols,
      );
    },
    // Block (r, c) of the cotangent: the rows of block row r (a selector's product), then its columns.
    transpose: (ct, args, linear, node) => {
      const cols = node.attrs.columns!;
      const { heights, widths } = blockSizes(args, cols);
      return args.map((a, k) => {
        if (!linear[k]) return null;
        const [r, c] = [Math.floor(k / cols), k % cols];
        let part = heights.length > 1 ? E.mul(selector(heights, r, a.shape.length === 0), ct) : ct;
        if (node.shape.length === 1) return part;
        if (a.shape.length <= 1) part = E.mul(part, unitColumn(widths, c));
        else if (widths.length > 1) part = E.mul(part, E.tr(selector(widths, c, false)));
        return part;
      });
    },
  },
} satisfies Record<string, OperatorDefinition>;
