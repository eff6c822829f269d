// Stacks of scalars: `[a; b; c]` (a column vector, the lecture's [f(x,y); g(x,y)]), `[a, b]` (a row)
// and `[a, b; c, d]` (a matrix). Entries are listed row by row.
import * as E from "./algebra.js";
import { stack } from "./build.js";
import { failure } from "./shape-rules.js";
import { type OperatorDefinition, Precedence, type ShapeRule } from "./types.js";

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

function printRows(
  entries: readonly string[],
  shape: readonly (number | string)[],
  column: string,
  row: string,
) {
  const { rows, cols } = stackLayout(shape);
  const lines: string[] = [];
  for (let r = 0; r < rows; r++) lines.push(entries.slice(r * cols, (r + 1) * cols).join(column));
  return lines.join(row);
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
    text: {
      kind: "custom",
      print: (args, node) => ({
        text: `[${printRows(
          args.map((a) => a.text),
          node.shape,
          ", ",
          "; ",
        )}]`,
        precedence: Precedence.Atom,
      }),
    },
    latex: {
      kind: "custom",
      print: (args, node) => ({
        text: `\\begin{bmatrix} ${printRows(
          args.map((a) => a.text),
          node.shape,
          " & ",
          " \\\\ ",
        )} \\end{bmatrix}`,
        precedence: Precedence.Atom,
      }),
    },
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
} satisfies Record<string, OperatorDefinition>;
