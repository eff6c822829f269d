// Numbers for the terminal: a scalar as a number, vectors and matrices as aligned rows.
import type { Tensor } from "../api/index.js";

function formatEntry(x: number): string {
  if (Number.isInteger(x) && Math.abs(x) < 1e15) return String(x);
  const text = x.toPrecision(10);
  return text.includes("e") ? text : text.replace(/\.?0+$/, "");
}

export function formatTensor(t: Tensor): string {
  if (t.shape.length === 0) return formatEntry(t.data[0]!);
  if (t.shape.length > 2) return JSON.stringify({ shape: t.shape, data: Array.from(t.data) });
  const rows = t.shape.length === 1 ? t.shape[0]! : t.shape[0]!;
  const cols = t.shape.length === 1 ? 1 : t.shape[1]!;
  const cells = Array.from(t.data, formatEntry);
  const width = Math.max(...cells.map((c) => c.length));
  const lines: string[] = [];
  for (let i = 0; i < rows; i++) {
    lines.push(
      `  ${cells
        .slice(i * cols, (i + 1) * cols)
        .map((c) => c.padStart(width))
        .join("  ")}`,
    );
  }
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
