// The syntax tree of a problem: declarations and one expression, every node with its source span.
// It is what the user wrote, before names are resolved or shapes inferred.
import type { SourceSpan } from "../core/index.js";

export type BinaryOperator = "+" | "-" | "*" | "/" | ".*" | "./" | "^" | ".^";

export type SyntaxExpr =
  | { readonly kind: "number"; readonly value: number; readonly text: string; readonly span: SourceSpan }
  | { readonly kind: "name"; readonly name: string; readonly span: SourceSpan }
  | { readonly kind: "negate"; readonly operand: SyntaxExpr; readonly span: SourceSpan }
  | {
      readonly kind: "binary";
      readonly operator: BinaryOperator;
      readonly left: SyntaxExpr;
      readonly right: SyntaxExpr;
      readonly operatorSpan: SourceSpan;
      readonly span: SourceSpan;
    }
  | { readonly kind: "transpose"; readonly operand: SyntaxExpr; readonly span: SourceSpan }
  | {
      readonly kind: "call";
      readonly callee: string;
      readonly calleeSpan: SourceSpan;
      readonly args: readonly SyntaxExpr[];
      readonly span: SourceSpan;
      /** Written between bars, |x|: the absolute value of a number (the checker holds it to one). */
      readonly bars?: true;
    }
  /** `[a; b]` (one entry a row) or `[a, b; c, d]`: rows of entries. */
  | { readonly kind: "matrix"; readonly rows: readonly (readonly SyntaxExpr[])[]; readonly span: SourceSpan }
  /** Stands where the parser could not read an expression; a diagnostic says why. */
  | { readonly kind: "error"; readonly span: SourceSpan };

export type DeclaredKind = "scalar" | "vector" | "matrix" | "symmetric";

export type SyntaxDim =
  | { readonly kind: "symbol"; readonly name: string; readonly span: SourceSpan }
  | { readonly kind: "number"; readonly value: number; readonly span: SourceSpan };

export interface Declaration {
  readonly name: string;
  readonly nameSpan: SourceSpan;
  readonly type: DeclaredKind;
  readonly dims: readonly SyntaxDim[];
  readonly span: SourceSpan;
}

export interface SyntaxProblem {
  readonly source: string;
  readonly declarations: readonly Declaration[];
  readonly expression: SyntaxExpr | null;
}

/** The sub-expressions of a syntax node, in order. */
export function syntaxChildren(expr: SyntaxExpr): readonly SyntaxExpr[] {
  switch (expr.kind) {
    case "negate":
    case "transpose":
      return [expr.operand];
    case "binary":
      return [expr.left, expr.right];
    case "call":
      return expr.args;
    case "matrix":
      return expr.rows.flat();
    default:
      return [];
  }
}
