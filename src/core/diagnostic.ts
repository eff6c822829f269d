// Diagnostics: what went wrong and where. Every user-facing error in matcalc is a MatcalcError
// carrying one Diagnostic; the front ends format it as one line plus the source line and a caret.

export interface SourceSpan {
  readonly start: number;
  readonly end: number;
}

export type ErrorKind = "syntax" | "name" | "shape" | "value" | "numeric" | "derivative" | "limit" | "usage";

export interface Diagnostic {
  readonly kind: ErrorKind;
  readonly message: string;
  readonly span?: SourceSpan;
}

export class MatcalcError extends Error {
  readonly diagnostic: Diagnostic;
  constructor(kind: ErrorKind, message: string, span?: SourceSpan) {
    super(message);
    this.name = "MatcalcError";
    this.diagnostic = span ? { kind, message, span } : { kind, message };
  }
}

export function isMatcalcError(error: unknown): error is MatcalcError {
  return error instanceof MatcalcError;
}

/** Line and column (both 1-based) of an offset in the source. */
export function lineColumn(source: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset && i < source.length; i++) {
    if (source[i] === "\n") {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: offset - lineStart + 1 };
}

const SHOWN_LINE = 80;

/**
 * The one-line message, then (when the diagnostic has a position) the source line and a caret under
 * the offending columns:
 *
 *     error: unknown function 'foo' at line 1, column 1
 *       foo(x)
 *       ^^^
 */
export function formatDiagnostic(diagnostic: Diagnostic, source?: string): string {
  const { span } = diagnostic;
  if (!span || source === undefined) return `error: ${diagnostic.message}`;
  const { line, column } = lineColumn(source, span.start);
  const lineStart = span.start - (column - 1);
  let lineEnd = source.indexOf("\n", lineStart);
  if (lineEnd < 0) lineEnd = source.length;
  let text = source.slice(lineStart, lineEnd).replace(/\t/g, " ");
  let offset = column - 1;
  let width = Math.max(1, Math.min(span.end, lineEnd) - span.start);
  // Very long lines are shown as a window around the error.
  if (text.length > SHOWN_LINE) {
    const from = Math.max(0, offset - SHOWN_LINE / 2);
    const shown = text.slice(from, from + SHOWN_LINE);
    text = `${from > 0 ? "..." : ""}${shown}${from + SHOWN_LINE < text.length ? "..." : ""}`;
    offset = offset - from + (from > 0 ? 3 : 0);
    width = Math.min(width, SHOWN_LINE - (offset - (from > 0 ? 3 : 0)));
  }
  const caret = `${" ".repeat(offset)}${"^".repeat(Math.max(1, width))}`;
  return `error: ${diagnostic.message} at line ${line}, column ${column}\n  ${text}\n  ${caret}`;
}
