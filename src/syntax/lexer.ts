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
  | "{"
  | "}"
  | "norm"
  | "bar"
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
const PUNCTUATION = new Set(["(", ")", "[", "]", ";", ",", ":", "{", "}"]);

/**
 * Other spellings of the operators, each with one obvious meaning: `**` (Python's power), `@`
 * (Python's matrix product), `⊙` and `∘` (the Hadamard product).
 */
const OPERATOR_SPELLINGS = new Map([
  ["**", "^"],
  ["@", "*"],
  ["\u2299", ".*"],
  ["\u2218", ".*"],
  // ⊗, the Kronecker product, which the parser reads as kron(a, b).
  ["\u2297", "\u2297"],
]);

/** Superscript digits (x², A³): a power with that exponent. */
const SUPERSCRIPT_DIGITS = "\u2070\u00b9\u00b2\u00b3\u2074\u2075\u2076\u2077\u2078\u2079";

/** The transpose written as a superscript T (Aᵀ). */
const SUPERSCRIPT_T = "\u1d40";

/** LaTeX's names of the transpose in an exponent (A^\top), and the symbol ⊤. */
const TRANSPOSE_WORDS = new Set(["\\top", "\\intercal", "\u22a4"]);

function isDigit(c: string | undefined): boolean {
  return c !== undefined && c >= "0" && c <= "9";
}

function isNameStart(c: string | undefined): boolean {
  return c !== undefined && ((c >= "a" && c <= "z") || (c >= "A" && c <= "Z") || c === "_");
}

function isNamePart(c: string | undefined): boolean {
  return isNameStart(c) || isDigit(c);
}

/** Whether a name token is the transpose as an exponent's LaTeX name: \top, \intercal or ⊤. */
export function isTransposeWord(text: string): boolean {
  return TRANSPOSE_WORDS.has(text);
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
    } else if (c === "'" || c === SUPERSCRIPT_T) {
      push("quote", i, ++i);
    } else if (
      c === "." &&
      source[i + 1] === "T" &&
      !isNamePart(source[i + 2]) &&
      ["name", ")", "]", "quote"].includes(tokens[tokens.length - 1]?.kind ?? "")
    ) {
      // NumPy's x.T, after an operand.
      i += 2;
      push("quote", start, i);
    } else if (SUPERSCRIPT_DIGITS.includes(c)) {
      // x² is x^2: a power and its exponent, both spanning the superscript.
      while (i < source.length && SUPERSCRIPT_DIGITS.includes(source[i]!)) i++;
      const digits = [...source.slice(start, i)].map((d) => SUPERSCRIPT_DIGITS.indexOf(d)).join("");
      tokens.push({ kind: "operator", text: "^", span: { start, end: i } });
      tokens.push({ kind: "number", text: digits, span: { start, end: i }, value: Number(digits) });
    } else if (c === "\\" && isNameStart(source[i + 1])) {
      // A LaTeX word: only the transpose's (\top) means something here; the parser reports others.
      i++;
      while (isNamePart(source[i])) i++;
      push(TRANSPOSE_WORDS.has(source.slice(start, i)) ? "name" : "invalid", start, i);
    } else if (TRANSPOSE_WORDS.has(c)) {
      push("name", i, ++i);
    } else if (c === "\u2016" || (c === "|" && source[i + 1] === "|")) {
      // ‖x‖ and ||x||, the norm.
      i += c === "|" ? 2 : 1;
      push("norm", start, i);
    } else if (c === "|") {
      // |x|, the absolute value.
      push("bar", i, ++i);
    } else if (OPERATOR_SPELLINGS.has(source.slice(i, i + 2)) || OPERATOR_SPELLINGS.has(c)) {
      const two = OPERATOR_SPELLINGS.has(source.slice(i, i + 2));
      const text = OPERATOR_SPELLINGS.get(two ? source.slice(i, i + 2) : c)!;
      i += two ? 2 : 1;
      tokens.push({ kind: "operator", text, span: { start, end: i } });
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
