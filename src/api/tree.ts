// The syntax tree drawn as an outline, for `matcalc parse`.
import { parseProblem, type SyntaxExpr, syntaxChildren } from "../syntax/index.js";

function label(expr: SyntaxExpr): string {
  switch (expr.kind) {
    case "number":
      return `number ${expr.text}`;
    case "name":
      return `name ${expr.name}`;
    case "negate":
      return "negate -";
    case "binary":
      return `binary ${expr.operator}`;
    case "transpose":
      return "transpose '";
    case "call":
      return `call ${expr.callee}`;
    case "matrix":
      return `matrix ${expr.rows.length}×${expr.rows[0]?.length ?? 0}`;
    case "error":
      return "error";
  }
}

/** The most lines an outline draws, and the deepest indentation it draws to (in characters). */
const TREE_LINES = 2000;
const TREE_INDENT = 300;

/** An outline of declarations and expression, drawn without recursion, within a size. */
export function syntaxTreeText(source: string): {
  text: string;
  errors: ReturnType<typeof parseProblem>["diagnostics"];
} {
  const { problem, diagnostics } = parseProblem(source);
  const lines: string[] = [];
  for (const d of problem.declarations) {
    lines.push(
      `declare ${d.name}: ${d.type}${d.dims.length ? `(${d.dims.map((x) => (x.kind === "symbol" ? x.name : x.value)).join(", ")})` : ""}`,
    );
  }
  if (problem.expression) {
    const stack: Array<{ expr: SyntaxExpr; prefix: string; childPrefix: string }> = [
      { expr: problem.expression, prefix: "", childPrefix: "" },
    ];
    while (stack.length > 0) {
      if (lines.length >= TREE_LINES) {
        lines.push(`… (the tree is too large to show beyond ${TREE_LINES} lines)`);
        break;
      }
      const { expr, prefix, childPrefix } = stack.pop()!;
      // A long sum is a deep chain: its outline's indentation would grow with every term.
      if (childPrefix.length > TREE_INDENT) {
        lines.push(`${prefix}… (nested too deeply to draw)`);
        continue;
      }
      lines.push(`${prefix}${label(expr)}`);
      const children = syntaxChildren(expr);
      for (let i = children.length - 1; i >= 0; i--) {
        const last = i === children.length - 1;
        stack.push({
          expr: children[i]!,
          prefix: `${childPrefix}${last ? "└─ " : "├─ "}`,
          childPrefix: `${childPrefix}${last ? "   " : "│  "}`,
        });
      }
    }
  }
  return { text: lines.join("\n"), errors: diagnostics };
}
