// Numbers for the terminal: a scalar as a number, vectors and matrices as aligned rows.
import type { Tensor } from "../api/index.js";

function formatEntry(x: number): string {
  if (Number.isInteger(x) && Math.abs(x) < 1e15) return String(x);
  const text = x.toPrecision(10);
  return text.includes("e") ? text : text.replace(/\.?0+$/, "");
}

/** Past this many entries a value is summarized, as NumPy prints large arrays. */
const SUMMARY_THRESHOLD = 1000;
/** Rows and columns shown at each edge of a summarized value. */
const EDGE = 3;

/** The indices shown along an axis of length n: all, or EDGE at each end with a gap (-1) between. */
function shownIndices(n: number, summarize: boolean): number[] {
  if (!summarize || n <= 2 * EDGE) return Array.from({ length: n }, (_, i) => i);
  return [
    ...Array.from({ length: EDGE }, (_, i) => i),
    -1,
    ...Array.from({ length: EDGE }, (_, i) => n - EDGE + i),
  ];
}

export function formatTensor(t: Tensor): string {
  if (t.shape.length === 0) return formatEntry(t.data[0]!);
  if (t.shape.length > 2) return JSON.stringify({ shape: t.shape, data: Array.from(t.data) });
  const rows = t.shape[0]!;
  const cols = t.shape.length === 1 ? 1 : t.shape[1]!;
  const summarize = t.data.length > SUMMARY_THRESHOLD;
  const rowIndices = shownIndices(rows, summarize);
  const colIndices = shownIndices(cols, summarize);
  const grid = rowIndices.map((i) =>
    colIndices.map((j) => {
      if (i >= 0 && j >= 0) return formatEntry(t.data[i * cols + j]!);
      return i < 0 && j < 0 ? "⋱" : i < 0 ? "⋮" : "…";
    }),
  );
  let width = 0;
  for (const row of grid) for (const cell of row) width = Math.max(width, cell.length);
  const lines = grid.map((row) => `  ${row.map((c) => c.padStart(width)).join("  ")}`);
  if (summarize)
    lines.push(
      `  (${t.shape.length === 2 ? `${t.shape.join("×")} = ` : ""}${t.data.length} entries, summarized; --json gives every entry)`,
    );
  return lines.join("\n");
}

export function tensorJson(t: Tensor): { shape: number[]; data: number[] } {
  return { shape: [...t.shape], data: Array.from(t.data) };
}

export function describeShapeOfValue(t: Tensor): string {
  if (t.shape.length === 0) return "scalar:";
  if (t.shape.length === 1) return `vector(${t.shape[0]}):`;
  return `matrix(${t.shape.join(", ")}):`;
}
