// Recursive-descent parser for problems (SPEC §1). It never throws: it returns the syntax tree it
// could build and a list of diagnostics with source spans, so an editor can show partial results.
//
// Grammar, tightest first: postfix ' (also .', .T, ᵀ) ; ^ .^ (left-associative, the exponent may be
// negated or a {group}; ^T, ^{T}, ^\top are the transpose) ; unary - ; * / .* ./ ; + - . Other
// spellings (**, @, ⊙, x², ‖x‖) are the lexer's and the parser's; docs/language.md lists them all.
// A problem is segments separated by newlines, top-level commas or semicolons: each segment
// `name: type` is a declaration, the one other segment is the expression.
import type { Diagnostic, SourceSpan } from "../core/index.js";
import type {
  BinaryOperator,
  Declaration,
  DeclaredKind,
  SyntaxDim,
  SyntaxExpr,
  SyntaxProblem,
} from "./ast.js";
import { isTransposeWord, type Token, tokenize } from "./lexer.js";

/** Deeper nesting than this is refused with a clear message instead of exhausting the stack. */
export const MAX_NESTING = 256;

export interface ParseResult {
  readonly problem: SyntaxProblem;
  readonly diagnostics: readonly Diagnostic[];
}

class ParseFailure {
  constructor(readonly diagnostic: Diagnostic) {}
}

function spanOf(a: { span: SourceSpan }, b: { span: SourceSpan }): SourceSpan {
  return { start: a.span.start, end: b.span.end };
}

function describeToken(token: Token): string {
  if (token.kind === "end") return "the end of the input";
  if (token.kind === "newline") return "the end of the line";
  return `'${token.text}'`;
}

const DECLARED_KINDS: ReadonlySet<string> = new Set(["scalar", "vector", "matrix", "symmetric"]);

class SegmentParser {
  private position: number;
  private depth = 0;

  constructor(
    private readonly tokens: readonly Token[],
    start: number,
    private readonly end: number,
  ) {
    this.position = start;
  }

  private peek(offset = 0): Token {
    const index = this.position + offset;
    if (index < this.end) return this.tokens[index]!;
    const last = this.tokens[this.end] ?? this.tokens[this.tokens.length - 1]!;
    return { kind: "end", text: "", span: { start: last.span.start, end: last.span.start } };
  }

  private next(): Token {
    const token = this.peek();
    if (this.position < this.end) this.position++;
    return token;
  }

  private fail(message: string, span: SourceSpan): never {
    throw new ParseFailure({ kind: "syntax", message, span });
  }

  private unexpected(token: Token, expected: string): never {
    if (token.kind === "invalid" && token.text.startsWith("\\") && token.span.start > 0)
      this.fail(`unexpected '\\': for A\\b, the solution of A*x = b, write inv(A)*b`, token.span);
    if (token.kind === "invalid") this.fail(`unexpected character '${token.text}'`, token.span);
    this.fail(`expected ${expected}, found ${describeToken(token)}`, token.span);
  }

  private expect(kind: Token["kind"], what: string, opener?: Token): Token {
    const token = this.peek();
    if (token.kind === kind) return this.next();
    if (opener && (token.kind === "end" || token.kind === "newline")) {
      this.fail(`missing '${what}' to close the '${opener.text}' here`, opener.span);
    }
    return this.unexpected(token, `'${what}'`);
  }

  private enter(token: Token): void {
    if (++this.depth > MAX_NESTING) {
      this.fail(`expression nested too deeply (more than ${MAX_NESTING} levels)`, token.span);
    }
  }

  atEnd(): boolean {
    return this.peek().kind === "end";
  }

  parseWholeExpression(): SyntaxExpr {
    const expr = this.parseSum();
    const token = this.peek();
    if (token.kind !== "end") {
      if (token.kind === "name" || token.kind === "number" || token.kind === "(" || token.kind === "[") {
        this.fail(`expected an operator before ${describeToken(token)} (write * for a product)`, token.span);
      }
      if (token.kind === ")" || token.kind === "]") this.fail(`unmatched '${token.text}'`, token.span);
      this.unexpected(token, "an operator or the end of the expression");
    }
    return expr;
  }

  private parseSum(): SyntaxExpr {
    let left = this.parseProduct();
    for (;;) {
      const token = this.peek();
      if (token.kind !== "operator" || (token.text !== "+" && token.text !== "-")) return left;
      this.next();
      const right = this.parseProduct();
      left = this.binary(token, left, right);
    }
  }

  private parseProduct(): SyntaxExpr {
    let left = this.parseUnary();
    for (;;) {
      const token = this.peek();
      if (token.kind !== "operator" || !["*", "/", ".*", "./", "\u2297"].includes(token.text)) return left;
      this.next();
      const right = this.parseUnary();
      left =
        token.text === "\u2297"
          ? {
              kind: "call",
              callee: "kron",
              calleeSpan: token.span,
              args: [left, right],
              span: spanOf(left, right),
            }
          : this.binary(token, left, right);
    }
  }

  private parseUnary(): SyntaxExpr {
    const token = this.peek();
    if (token.kind === "operator" && (token.text === "-" || token.text === "+")) {
      this.next();
      this.enter(token);
      const operand = this.parseUnary();
      this.depth--;
      if (token.text === "+") return operand;
      return { kind: "negate", operand, span: { start: token.span.start, end: operand.span.end } };
    }
    return this.parsePower();
  }

  private parsePower(): SyntaxExpr {
    let left = this.parsePostfix();
    for (;;) {
      const token = this.peek();
      if (token.kind !== "operator" || (token.text !== "^" && token.text !== ".^")) return left;
      this.next();
      // A^T, A^{T}, A^\top, A^⊤: the transpose, as textbooks write it (T here is never a variable).
      const transpose = token.text === "^" ? this.transposeExponent() : null;
      if (transpose !== null) {
        left = { kind: "transpose", operand: left, span: { start: left.span.start, end: transpose.end } };
        continue;
      }
      const right = this.parseExponent();
      left = this.binary(token, left, right);
    }
  }

  /** After ^: the span of an exponent that means the transpose (T, {T}, \top, ⊤), consumed; or null. */
  private transposeExponent(): SourceSpan | null {
    const first = this.peek();
    const isT = (t: Token) => t.kind === "name" && (t.text === "T" || isTransposeWord(t.text));
    if (isT(first) && this.peek(1).kind !== "(") {
      this.next();
      return first.span;
    }
    if (first.kind === "{" && isT(this.peek(1)) && this.peek(2).kind === "}") {
      this.next();
      this.next();
      return this.next().span;
    }
    return null;
  }

  /**
   * The exponent of ^ may carry a sign (`2^-1`), as in Matlab, and be a group in braces, as in LaTeX
   * (`X^{-1}`, `x^{2}`).
   */
  private parseExponent(): SyntaxExpr {
    const token = this.peek();
    if (token.kind === "{") {
      const open = this.next();
      this.enter(open);
      const inner = this.parseSum();
      this.expect("}", "}", open);
      this.depth--;
      return inner;
    }
    if (token.kind === "operator" && (token.text === "-" || token.text === "+")) {
      this.next();
      this.enter(token);
      const operand = this.parseExponent();
      this.depth--;
      if (token.text === "+") return operand;
      return { kind: "negate", operand, span: { start: token.span.start, end: operand.span.end } };
    }
    return this.parsePostfix();
  }

  private parsePostfix(): SyntaxExpr {
    let operand = this.parsePrimary();
    while (this.peek().kind === "quote") {
      const quote = this.next();
      operand = { kind: "transpose", operand, span: { start: operand.span.start, end: quote.span.end } };
    }
    return operand;
  }

  private parsePrimary(): SyntaxExpr {
    const token = this.peek();
    switch (token.kind) {
      case "number": {
        this.next();
        const value = token.value ?? Number.NaN;
        if (!Number.isFinite(value)) this.fail(`number ${token.text} is too large`, token.span);
        return { kind: "number", value, text: token.text, span: token.span };
      }
      case "name": {
        this.next();
        if (this.peek().kind !== "(") return { kind: "name", name: token.text, span: token.span };
        const open = this.next();
        this.enter(open);
        const args: SyntaxExpr[] = [];
        if (this.peek().kind !== ")") {
          args.push(this.parseSum());
          while (this.peek().kind === ",") {
            this.next();
            args.push(this.parseSum());
          }
        }
        const close = this.expect(")", ")", open);
        this.depth--;
        return { kind: "call", callee: token.text, calleeSpan: token.span, args, span: spanOf(token, close) };
      }
      case "norm": {
        // ‖x‖ is the 2-norm (Frobenius for a matrix), norm2(x).
        const open = this.next();
        this.enter(open);
        const inner = this.parseSum();
        const close = this.expect("norm", open.text, open);
        this.depth--;
        return {
          kind: "call",
          callee: "norm2",
          calleeSpan: open.span,
          args: [inner],
          span: spanOf(open, close),
        };
      }
      case "bar": {
        // |x| is the absolute value of a number.
        const open = this.next();
        this.enter(open);
        const inner = this.parseSum();
        const close = this.expect("bar", "|", open);
        this.depth--;
        return {
          kind: "call",
          callee: "abs",
          calleeSpan: open.span,
          args: [inner],
          span: spanOf(open, close),
          bars: true,
        };
      }
      case "(": {
        const open = this.next();
        this.enter(open);
        if (this.peek().kind === ")")
          this.fail("empty parentheses", { start: open.span.start, end: this.peek().span.end });
        const inner = this.parseSum();
        this.expect(")", ")", open);
        this.depth--;
        return inner;
      }
      case "[": {
        const open = this.next();
        this.enter(open);
        const rows: SyntaxExpr[][] = [[]];
        if (this.peek().kind === "]")
          this.fail("empty brackets: a stack needs at least one entry", spanOf(open, this.peek()));
        for (;;) {
          rows[rows.length - 1]!.push(this.parseSum());
          const separator = this.peek();
          if (separator.kind === ",") {
            this.next();
          } else if (separator.kind === ";" || separator.kind === "newline") {
            this.next();
            rows.push([]);
          } else if (separator.kind === "]") {
            break;
          } else if (separator.kind === "end") {
            this.fail("missing ']' to close the '[' here", open.span);
          } else if (["number", "name", "(", "["].includes(separator.kind)) {
            // Matlab's [1 2; 3 4]: spaces do not separate entries here ([a -b] would be ambiguous).
            this.fail(
              `separate the entries in brackets with ',' (a row) or ';' (a column): write [a, b; c, d], not [a b; c d]`,
              separator.span,
            );
          } else {
            this.unexpected(separator, "';', ',' or ']'");
          }
        }
        const close = this.next();
        this.depth--;
        return { kind: "matrix", rows, span: spanOf(open, close) };
      }
      default:
        return this.unexpected(token, "an expression");
    }
  }

  private binary(token: Token, left: SyntaxExpr, right: SyntaxExpr): SyntaxExpr {
    return {
      kind: "binary",
      operator: token.text as BinaryOperator,
      left,
      right,
      operatorSpan: token.span,
      span: spanOf(left, right),
    };
  }

  parseDeclaration(): Declaration {
    const nameToken = this.next();
    this.next(); // the colon
    const typeToken = this.peek();
    if (typeToken.kind !== "name" || !DECLARED_KINDS.has(typeToken.text)) {
      this.unexpected(typeToken, "a type (scalar, vector, matrix or symmetric)");
    }
    this.next();
    const type = typeToken.text as DeclaredKind;
    const dims: SyntaxDim[] = [];
    let endSpan = typeToken.span;
    if (this.peek().kind === "(") {
      const open = this.next();
      for (;;) {
        const token = this.next();
        if (token.kind === "name") dims.push({ kind: "symbol", name: token.text, span: token.span });
        else if (token.kind === "number" && Number.isInteger(token.value) && (token.value ?? 0) > 0) {
          dims.push({ kind: "number", value: token.value!, span: token.span });
        } else this.unexpected(token, "a size (a name such as n, or a positive integer)");
        const separator = this.peek();
        if (separator.kind === ",") {
          this.next();
          continue;
        }
        endSpan = this.expect(")", ")", open).span;
        break;
      }
    }
    const expected = { scalar: [0], vector: [0, 1], matrix: [0, 2], symmetric: [0, 1] }[type];
    if (!expected.includes(dims.length)) {
      const want = { scalar: "no sizes", vector: "one size", matrix: "two sizes", symmetric: "one size" }[
        type
      ];
      this.fail(`${type} takes ${want}, got ${dims.length}`, {
        start: typeToken.span.start,
        end: endSpan.end,
      });
    }
    if (!this.atEnd()) this.unexpected(this.peek(), "the end of the declaration");
    return {
      name: nameToken.text,
      nameSpan: nameToken.span,
      type,
      dims,
      span: { start: nameToken.span.start, end: endSpan.end },
    };
  }

  /** Runs a parse step, turning a failure (or an exhausted stack) into a diagnostic. */
  static attempt<T>(step: () => T, fallbackSpan: SourceSpan): { value?: T; diagnostic?: Diagnostic } {
    try {
      return { value: step() };
    } catch (error) {
      if (error instanceof ParseFailure) return { diagnostic: error.diagnostic };
      if (error instanceof RangeError) {
        return { diagnostic: { kind: "limit", message: "expression nested too deeply", span: fallbackSpan } };
      }
      throw error;
    }
  }
}

/** Splits the token stream at newlines and at commas and semicolons outside brackets. */
function segments(tokens: readonly Token[]): Array<[number, number]> {
  const result: Array<[number, number]> = [];
  let start = 0;
  let depth = 0;
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i]!;
    if (token.kind === "(" || token.kind === "[") depth++;
    else if ((token.kind === ")" || token.kind === "]") && depth > 0) depth--;
    const separates =
      token.kind === "end" ||
      (depth === 0 && (token.kind === "newline" || token.kind === "," || token.kind === ";"));
    // Inside brackets a newline separates rows; it does not end the segment.
    if (separates) {
      if (i > start) result.push([start, i]);
      start = i + 1;
    }
  }
  return result;
}

export function parseProblem(source: string): ParseResult {
  const tokens = tokenize(source);
  const diagnostics: Diagnostic[] = [];
  const declarations: Declaration[] = [];
  let expression: SyntaxExpr | null = null;
  for (const [start, end] of segments(tokens)) {
    const first = tokens[start]!;
    const span = { start: first.span.start, end: tokens[end - 1]!.span.end };
    const parser = new SegmentParser(tokens, start, end);
    const isDeclaration = first.kind === "name" && tokens[start + 1]?.kind === ":" && start + 1 < end;
    if (isDeclaration) {
      const outcome = SegmentParser.attempt(() => parser.parseDeclaration(), span);
      if (outcome.value) declarations.push(outcome.value);
      if (outcome.diagnostic) diagnostics.push(outcome.diagnostic);
      continue;
    }
    if (expression !== null) {
      diagnostics.push({
        kind: "syntax",
        message: "a problem has one expression, but here is another",
        span,
      });
      continue;
    }
    const outcome = SegmentParser.attempt(() => parser.parseWholeExpression(), span);
    expression = outcome.value ?? { kind: "error", span };
    if (outcome.diagnostic) diagnostics.push(outcome.diagnostic);
  }
  if (expression === null && diagnostics.length === 0) {
    diagnostics.push({
      kind: "syntax",
      message: "the problem has no expression",
      span: { start: source.length, end: source.length },
    });
  }
  return { problem: { source, declarations, expression }, diagnostics };
}
