// What an operator declares: its shape rule, numeric kernel and printing templates (and, from the
// calculus layer on, its derivative rule). Every operator is one entry of this form in one family file.
import type { Dim, Shape } from "../core/index.js";
import type { Node } from "../ir/index.js";
import type { LinearAlgebra, Tensor } from "../tensor/index.js";

/**
 * Sizes as seen by a shape rule. The checker passes unifiable size variables (so `A*x` can force x's
 * size); node construction passes concrete sizes, where unify is plain equality.
 */
export interface DimAlgebra<D> {
  unify(a: D, b: D): boolean;
  isOne(d: D): boolean;
  one(): D;
  /** A size fixed to the integer n. */
  literal(n: number): D;
  /** The size a + b + … (the rows of a block column). */
  sum(dims: readonly D[]): D;
  /** The size a·b (a Kronecker product's). */
  product(a: D, b: D): D;
  /** The size a / b where it is known to divide exactly, else undefined. */
  quotient(a: D, b: D): D | undefined;
  /** A size not known yet (inference only: the checker's unifier has them, built shapes do not). */
  fresh?(): D;
}

/** A failed shape rule: the message, with `describe(i)` giving "name (shape)" for argument i. */
export interface ShapeFailure {
  readonly fail: (describe: (argument: number) => string) => string;
}

export type ShapeResult<D> = readonly D[] | ShapeFailure;

export type ShapeRule = <D>(
  args: readonly (readonly D[])[],
  dims: DimAlgebra<D>,
  node: ShapeAttributes,
) => ShapeResult<D>;

/** Attributes a shape rule may read (a stack's row and column counts). */
export interface ShapeAttributes {
  readonly rows?: number;
  readonly cols?: number;
}

export function isShapeFailure<D>(result: ShapeResult<D>): result is ShapeFailure {
  return !Array.isArray(result);
}

export interface EvalContext {
  /** The value bound to a variable. */
  variable(name: string): Tensor;
  /** The integer a size resolves to. */
  size(dim: Dim): number;
  /** Products, factorizations and inverses (plain loops, or the kernels where the caller has them). */
  readonly linalg: LinearAlgebra;
}

/** How tightly a printed form binds; a child printed looser than its slot needs is parenthesized. */
export enum Precedence {
  Sum = 1,
  Product = 2,
  Unary = 3,
  Power = 4,
  Postfix = 5,
  Atom = 6,
}

export interface Printed {
  readonly text: string;
  readonly precedence: Precedence;
}

/** How an operator prints; the shared printers in render/ interpret these. */
export type PrintTemplate =
  | { readonly kind: "infix"; readonly symbol: string; readonly precedence: Precedence }
  | { readonly kind: "prefix"; readonly symbol: string; readonly precedence: Precedence }
  | { readonly kind: "postfix"; readonly symbol: string }
  | { readonly kind: "call"; readonly name: string }
  | { readonly kind: "custom"; readonly print: (args: readonly Printed[], node: Node) => Printed };

/** How the user writes the operator. */
export type OperatorSyntax =
  | {
      readonly kind: "function";
      readonly name: string;
      readonly arity: number;
      readonly acceptsRanks?: (ranks: readonly number[]) => boolean;
      /**
       * The argument positions that must be whole numbers written as numbers (an axis: sum(X, 1)),
       * and the values this operator takes there (where several share the name, the one that takes
       * them is chosen).
       */
      readonly literals?: { readonly at: number; readonly values: readonly number[] };
    }
  | {
      readonly kind: "binary";
      readonly symbol: string;
      /** Where several operators share the symbol, the operand ranks this one takes (X^k: [2, 0]). */
      readonly acceptsRanks?: (ranks: readonly number[]) => boolean;
      /**
       * The right operand must be a whole number written as a number (X^3, X^-1), at most `max` in
       * size: the work (a derivative of k terms) grows with it.
       */
      readonly integerLiteralRight?: { readonly max: number };
    }
  | { readonly kind: "prefix"; readonly symbol: string }
  | { readonly kind: "postfix"; readonly symbol: string }
  | { readonly kind: "leaf" };

/** A tangent: an expression linear in the seed direction, or null for a symbolic zero. */
export type Tangent = Node | null;

/**
 * Forward-mode rule: the tangent of `node = op(args)` from the tangents of its arguments. Rules build
 * plain nodes (the simplifier tidies them); a null tangent is a symbolic zero and is skipped.
 */
export type JvpRule = (args: Operands<Node>, tangents: Operands<Tangent>, node: Node) => Tangent;

/** An operator's arguments: at least as many as its arity (typed as two so rules can destructure). */
export type Operands<T> = readonly [T, T, ...T[]];

/** A node's argument list as Operands (the registry's arity guarantees what rules destructure). */
export function operands<T>(values: readonly T[]): Operands<T> {
  return values as Operands<T>;
}

/**
 * Transpose rule of a linear operator: given the cotangent of the result, the cotangents of the
 * arguments that the node is linear in (`linear[i]`); null for the others.
 */
export type TransposeRule = (
  cotangent: Node,
  args: Operands<Node>,
  linear: Operands<boolean>,
  node: Node,
) => readonly Tangent[];

/** A helper function that generated code calls, with its source in one target's language. */
export interface CodeHelper {
  readonly name: string;
  readonly source: string;
}

/**
 * How generated code writes an operator. Each target is a template: `#` stands for the only argument,
 * `#0`, `#1`, … for the arguments by position.
 *
 * - JavaScript, for an element-wise operator (`elementwise`, or max/min): the template computes one
 *   entry from its operands' entries (`Math.exp(#)`, `Math.max(#0, #1)`) inside a loop over the
 *   entries. For any other operator it works on whole values — numbers, and matrices as the runtime's
 *   `Mat` records — calling functions of the generated code's runtime by name (`trace(#)`), which
 *   `runtime` lists.
 * - NumPy, PyTorch and JAX: on whole arrays (`np.exp(#)`, `torch.linalg.det(#)`).
 *
 * A JavaScript template may call functions of the generated code's runtime, named in `runtime`; a
 * NumPy template a helper the entry gives (`numpyHelper`, defined once in the code that calls it).
 */
export interface OperatorCode {
  readonly js: string;
  /** The JavaScript where the (only) argument is a number, when that differs: `sum(s)` is `s`. */
  readonly jsOfNumber?: string;
  readonly numpy: string;
  readonly torch: string;
  readonly jax: string;
  readonly numpyHelper?: CodeHelper;
  /**
   * The functions of generated JavaScript's runtime (`codegen/runtime/library.ts`) that `js` calls:
   * the runtime's own (`trace`, `det`) or a helper the operator adds there (`sigmoid`).
   */
  readonly runtime?: readonly string[];
  /**
   * Set where `js` is one call of `runtime[0]`, which takes a working matrix to write its result into
   * as a last argument when the caller provides the function and keeps working matrices from call to
   * call (`inv`).
   */
  readonly writesInto?: true;
  /**
   * The WebAssembly loop operation computing it exactly as JavaScript does (`abs`, `sqrt`, `max`, …),
   * where there is one: compiled loops of such operations run as WebAssembly.
   */
  readonly exactInWasm?: "abs" | "sqrt" | "step" | "max" | "min";
  /**
   * Set where the Python templates must tell a 1×n row from a vector (kron reads a vector as a
   * column): the operands come at their own rank, a row as a 1×n array (generated Python otherwise
   * keeps rows flat), and a row result is flattened back.
   */
  readonly rowsAsMatrices?: true;
}

/**
 * The operators that no entry's `code` writes: the language's own arithmetic, transposes, leaves and
 * stacks, which every code printer writes in its target's expression grammar (an exhaustive switch
 * over this list). Every other operator must give its `code` (the conformance test checks both ways).
 */
export const CORE_CODE_OPERATORS = [
  "var",
  "size",
  "const",
  "identity",
  "ones",
  "zeros",
  "add",
  "sub",
  "neg",
  "mul",
  "div",
  "emul",
  "ediv",
  "pow",
  "epow",
  "transpose",
  "stack",
  "block",
] as const;

export type CoreCodeOperator = (typeof CORE_CODE_OPERATORS)[number];

export interface OperatorDefinition {
  readonly syntax: OperatorSyntax;
  /**
   * Other function names that call it, each with one obvious meaning (`trace` for tr, `ln` for log,
   * `transpose(A)` for A'): with its arity (one argument for a postfix or prefix operator). Text and
   * LaTeX print the operator's own spelling.
   */
  readonly aliases?: readonly string[];
  /**
   * Where its arguments must lie for real values, when not everywhere: "positive" (log, sqrt),
   * "open-unit" (between -1 and 1: arcsin), "positive-definite" (logdet). The conformance test runs
   * the operator there and the language reference lists it; the numeric check tries a kind of random
   * point for each (verify/check.ts, POINT_KINDS).
   */
  readonly domain?: "positive" | "open-unit" | "positive-definite";
  /** One line for documentation and the playground. */
  readonly summary: string;
  readonly shape: ShapeRule;
  readonly evaluate: (args: Operands<Tensor>, node: Node, context: EvalContext) => Tensor;
  readonly text: PrintTemplate;
  readonly latex: PrintTemplate;
  readonly jvp: JvpRule;
  /** Set for the element-wise functions of one argument (exp, sin, relu, …). */
  readonly elementwise?: true;
  /** Only linear operators have one; tangent expressions are built from these alone. */
  readonly transpose?: TransposeRule;
  /**
   * For a function of a square matrix: what it is of a scalar, read as a 1×1 matrix (as Matlab reads
   * it): tr(s) = s, inv(s) = 1/s, logdet(s) = log(s). The node builders build this instead of the
   * call, so the operator's own rules never meet a scalar.
   */
  readonly scalarForm?: (argument: Node) => Node;
  /**
   * A form the node builders build instead of the call, where there is a simpler one with the same
   * meaning (X^-1 is inv(X), X^1 is X); null where there is none.
   */
  readonly canonical?: (args: readonly Node[]) => Node | null;
  /** How generated code writes it, for every target (see OperatorCode); none for the core ones. */
  readonly code?: OperatorCode;
}

export type { Shape };
