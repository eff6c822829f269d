// Random well-typed problems over every operator of the language, for property tests. Expressions are
// generated as fully parenthesized source text over a fixed set of declared variables, typed as
// S (scalar), V (vector n), W (vector m), M (matrix n×n), C (matrix n×m) and R (row 1×n).
import fc from "fast-check";
import { ELEMENTWISE_FUNCTIONS } from "../src/ops/index.js";

export const DECLARATIONS =
  "a: scalar, b: scalar, x: vector(n), y: vector(n), z: vector(m), A: matrix(n, n), B: matrix(n, n), C: matrix(n, m)";

type Gen = fc.Arbitrary<string>;

const UNARY = [...ELEMENTWISE_FUNCTIONS];

export const numbers: Gen = fc.oneof(
  fc.constantFrom("0", "1", "2", "3", "0.5", ".25", "1e-3", "2.5e10", "pi"),
  fc.integer({ min: -9, max: 9 }).map((k) => `(${k})`),
  fc.double({ noNaN: true, noDefaultInfinity: true, min: -1e6, max: 1e6 }).map((v) => `(${v})`),
);

/** Constants of moderate size, for numeric properties (huge ones make inverses ill-conditioned). */
export const moderateNumbers: Gen = fc.oneof(
  fc.constantFrom("0", "1", "2", "3", "0.5", ".25", "pi"),
  fc.integer({ min: -9, max: 9 }).map((k) => `(${k})`),
  // No denormals or near-zeros: dividing by one would make every later number meaningless.
  fc
    .double({ noNaN: true, min: -10, max: 10 })
    .filter((v) => v === 0 || Math.abs(v) > 1e-3)
    .map((v) => `(${v})`),
);

function from(template: (...parts: string[]) => string, ...parts: Gen[]): Gen {
  return fc.tuple(...parts).map((values) => template(...values));
}

export interface TypedGenerators {
  S: Gen;
  V: Gen;
  W: Gen;
  M: Gen;
  C: Gen;
  R: Gen;
}

/** Generators of expressions by type; `functions` restricts the element-wise functions used. */
export function typedExpressions(
  functions: readonly string[] = UNARY,
  constants: Gen = numbers,
): TypedGenerators {
  return fc.letrec<{ S: string; V: string; W: string; M: string; C: string; R: string }>((tie) => {
    const S = tie("S");
    const V = tie("V");
    const W = tie("W");
    const M = tie("M");
    const C = tie("C");
    const R = tie("R");
    const fn = fc.constantFrom(...functions);
    const binary = fc.constantFrom("+", "-", ".*", "./");
    const choose = (...arbitraries: Gen[]) =>
      fc.oneof({ depthSize: "small", withCrossShrink: true }, ...arbitraries);
    return {
      S: choose(
        fc.constantFrom("a", "b", "alpha"),
        constants,
        from((p, q, op) => `(${p} ${op} ${q})`, S, S, fc.constantFrom("+", "-", "*", "/", "^")),
        from((p) => `(-${p})`, S),
        from((f, p) => `${f}(${p})`, fn, S),
        from((p, q, f) => `${f}(${p}, ${q})`, S, S, fc.constantFrom("max", "min")),
        from((r, v) => `(${r}*${v})`, R, V),
        from((v, w) => `(${v}'*${w})`, V, V),
        from((v, f) => `${f}(${v})`, fc.oneof(V, M, W), fc.constantFrom("sum", "mean")),
        from((v, w) => `dot(${v}, ${w})`, V, V),
        from((v) => `norm2(${v})`, fc.oneof(V, M)),
        from((v) => `norm1(${v})`, fc.oneof(V, C)),
        from((m, f) => `${f}(${m})`, M, fc.constantFrom("tr", "det", "logdet")),
        from((v) => `logsumexp(${v})`, V),
        from((p, q, r, s) => `([${p}; ${q}]'*[${r}; ${s}])`, S, S, S, S),
        from((p, q, r, s) => `sum([${p}, ${q}; ${r}, ${s}])`, S, S, S, S),
        from((v, m, w) => `(${v}'*${m}*${w})`, V, M, V),
        // Blocks (n + 1 entries, an (n + 1)×(n + 1) matrix) and Kronecker products (n·n).
        from((v, s, u, t) => `([${v}; ${s}]'*[${u}; ${t}])`, V, S, V, S),
        from((m, v, r, s) => `sum(sum([${m}, ${v}; ${r}, ${s}]))`, M, V, R, S),
        from((m, p) => `tr(kron(${m}, ${p}))`, M, M),
        from((v, w) => `(kron(${v}, ${w})'*kron(${w}, ${v}))`, V, V),
      ),
      V: choose(
        fc.constantFrom("x", "y"),
        from((m, v) => `(${m}*${v})`, M, V),
        from((c, w) => `(${c}*${w})`, C, W),
        from((p, q, op) => `(${p} ${op} ${q})`, V, V, binary),
        from((p, s, op) => `(${p} ${op} ${s})`, V, S, binary),
        from((s, p) => `(${s}*${p})`, S, V),
        from((p, s) => `(${p}/${s})`, V, S),
        from((p, s) => `(${p}.^${s})`, V, fc.constantFrom("2", "3", "0.5", "a")),
        from((p) => `(-${p})`, V),
        from((f, p) => `${f}(${p})`, fn, V),
        from((p) => `softmax(${p})`, V),
        from((m) => `diag(${m})`, M),
        from((p, s, f) => `${f}(${p}, ${s})`, V, fc.oneof(S, V), fc.constantFrom("max", "min")),
        from((p) => `(${p} + ones)`, V),
        from((r) => `(${r})'`, R),
        from((m, f) => `${f}(${m}, 2)`, M, fc.constantFrom("sum", "mean", "logsumexp")),
      ),
      W: choose(
        fc.constant("z"),
        from((c, v) => `(${c}'*${v})`, C, V),
        from((f, w) => `${f}(${w})`, fn, W),
      ),
      M: choose(
        fc.constantFrom("A", "B", "I"),
        from((p, q, op) => `(${p} ${op} ${q})`, M, M, fc.constantFrom("+", "-", "*", ".*")),
        from((s, p) => `(${s}*${p})`, S, M),
        from((v, r) => `(${v}*${r})`, V, R),
        from((p) => `(${p})'`, M),
        from((p) => `inv(${p})`, M),
        from((v) => `diag(${v})`, V),
        from((f, p) => `${f}(${p})`, fn, M),
        from((p) => `(${p} + I)`, M),
        from((c) => `(${c}*${c}')`, C),
        from((p) => `(${p})^2`, M),
        from((p, k) => `softmax(${p}, ${k})`, M, fc.constantFrom("1", "2")),
      ),
      C: choose(
        fc.constant("C"),
        from((m, c) => `(${m}*${c})`, M, C),
        from((v, w) => `(${v}*${w}')`, V, W),
      ),
      R: choose(
        from((v) => `(${v})'`, V),
        from((r, m) => `(${r}*${m})`, R, M),
        from((s, r) => `(${s}*${r})`, S, R),
        from((p, q) => `(${p} + ${q})`, R, R),
        from((m, f) => `${f}(${m}, 1)`, M, fc.constantFrom("sum", "mean", "logsumexp")),
      ),
    };
  });
}

/** A problem text: the declarations, then an expression of the given type. */
export function problems(
  kind: keyof TypedGenerators = "S",
  functions?: readonly string[],
  constants?: Gen,
): Gen {
  return typedExpressions(functions, constants)[kind].map((expression) => `${DECLARATIONS}\n${expression}`);
}

export const anyTypedProblem: Gen = fc.oneof(
  problems("S"),
  problems("V"),
  problems("M"),
  problems("R"),
  problems("C"),
);
