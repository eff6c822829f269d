// The lexer: source text → tokens with spans. Unknown characters become "invalid" tokens so the
// parser can report them with a caret; the lexer itself never fails.
import type { SourceSpan } from "../core/index.js";

export type TokenKind =
  | "number"
  | "name"
  | "operator"
  | "quote"
  | "("
  | ")"
  | "["
  | "]"
  | ";"
  | ","
  | ":"
  | "newline"
  | "invalid"
  | "end";

export interface Token {
  readonly kind: TokenKind;
  readonly text: string;
  readonly span: SourceSpan;
  /** For numbers: the value (may be Infinity for literals too large for a float). */
  readonly value?: number;
}

const TWO_CHAR_OPERATORS = new Set([".*", "./", ".^"]);
const ONE_CHAR_OPERATORS = new Set(["+", "-", "*", "/", "^"]);
const PUNCTUATION = new Set(["(", ")", "[", "]", ";", ",", ":"]);

function isDigit(c: string | undefined): boolean {
  return c !== undefined && c >= "0" && c <= "9";
}

function isNameStart(c: string | undefined): boolean {
  return c !== undefined && ((c >= "a" && c <= "z") || (c >= "A" && c <= "Z") || c === "_");
}

function isNamePart(c: string | undefined): boolean {
  return isNameStart(c) || isDigit(c);
}

export function tokenize(source: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  const push = (kind: TokenKind, start: number, end: number, value?: number) => {
    const text = source.slice(start, end);
    const span = { start, end };
    tokens.push(value === undefined ? { kind, text, span } : { kind, text, span, value });
  };
  while (i < source.length) {
    const c = source[i]!;
    const start = i;
    if (c === "\n") {
      push("newline", i, ++i);
    } else if (c === " " || c === "\t" || c === "\r") {
      i++;
    } else if (c === "#" || c === "%") {
      // A comment runs to the end of the line.
      while (i < source.length && source[i] !== "\n") i++;
    } else if (isDigit(c) || (c === "." && isDigit(source[i + 1]))) {
      while (isDigit(source[i])) i++;
      // `2.*x` is 2 .* x, as in Matlab: a dot followed by an operator is not part of the number.
      if (source[i] === "." && !"*/^'".includes(source[i + 1] ?? " ")) {
        i++;
        while (isDigit(source[i])) i++;
      }
      const exponentSign = source[i + 1] === "+" || source[i + 1] === "-";
      if ((source[i] === "e" || source[i] === "E") && isDigit(source[exponentSign ? i + 2 : i + 1])) {
        i += 2;
        while (isDigit(source[i])) i++;
      }
      push("number", start, i, Number(source.slice(start, i)));
    } else if (isNameStart(c)) {
      while (isNamePart(source[i])) i++;
      push("name", start, i);
    } else if (c === "'") {
      push("quote", i, ++i);
    } else if (c === "." && source[i + 1] === "'") {
      i += 2;
      push("quote", start, i);
    } else if (TWO_CHAR_OPERATORS.has(source.slice(i, i + 2))) {
      i += 2;
      push("operator", start, i);
    } else if (ONE_CHAR_OPERATORS.has(c)) {
      push("operator", i, ++i);
    } else if (PUNCTUATION.has(c)) {
      push(c as TokenKind, i, ++i);
    } else {
      const code = source.codePointAt(i)!;
      i += code > 0xffff ? 2 : 1;
      push("invalid", start, i);
    }
  }
  push("end", source.length, source.length);
  return tokens;
}
