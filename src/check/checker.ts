// The checker turns a syntax tree into IR: it resolves names (declarations, default typing, reserved
// names, functions), infers every shape by unifying symbolic sizes across the whole problem, and only
// then builds the hash-consed nodes with their final shapes. It reports, never throws.
import { type Diagnostic, type Dim, formatShape, type Shape, type SourceSpan } from "../core/index.js";
import type { Node } from "../ir/index.js";
import {
  algebra,
  apply,
  asFraction,
  callArity,
  constant,
  exactly,
  FUNCTION_NAMES,
  functionOperators,
  identity,
  isShapeFailure,
  namedConstant,
  OPERATORS,
  type OperatorName,
  ones,
  stackOrBlock,
  symbolOperator,
  variable,
} from "../ops/index.js";
import { type DeclaredKind, type SyntaxExpr, type SyntaxProblem, syntaxChildren } from "../syntax/index.js";
import { defaultKind, greekScalar, RESERVED_NAMES } from "./typing.js";
import { type SizeHandle, SizeUnifier } from "./unify.js";

const { broadcast } = algebra;

export interface VariableInfo {
  readonly name: string;
  readonly kind: DeclaredKind;
  readonly shape: Shape;
  readonly declared: boolean;
}

export interface CheckedProblem {
  readonly source: string;
  readonly expression: Node;
  /** Declared names first (in order), then undeclared ones in order of appearance. */
  readonly variables: readonly VariableInfo[];
  /** Where each node of the expression was written (its first occurrence). */
  readonly spans: ReadonlyMap<number, SourceSpan>;
  /**
   * How the problem was read where a name's type came from anything but its declaration or its first
   * letter (a name read as a scalar because of ^): said, never silent.
   */
  readonly notes: readonly string[];
}

export interface CheckResult {
  readonly problem: CheckedProblem | null;
  readonly diagnostics: readonly Diagnostic[];
}

interface VariableSlot {
  readonly name: string;
  readonly kind: DeclaredKind;
  readonly sizes: SizeHandle[];
  readonly declared: boolean;
}

/** What pass 1 learns about a syntax node; pass 2 builds the node from it. */
type Plan =
  | { readonly kind: "const"; readonly value: number; readonly symbol?: string }
  | { readonly kind: "var"; readonly slot: VariableSlot }
  | { readonly kind: "identity" | "ones"; readonly sizes: SizeHandle[] }
  | { readonly kind: "apply"; readonly op: OperatorName; readonly args: readonly SyntaxExpr[] }
  /** vector(c), matrix(c): c in every entry of a vector or matrix whose sizes are inferred. */
  | { readonly kind: "filled"; readonly args: readonly SyntaxExpr[]; readonly sizes: SizeHandle[] }
  | {
      readonly kind: "stack";
      readonly args: readonly SyntaxExpr[];
      readonly rows: number;
      readonly cols: number;
    };

class CheckFailure {
  constructor(readonly diagnostic: Diagnostic) {}
}

/** Syntax nodes bottom-up, without recursion (a long sum is a deep left chain). */
function syntaxPostorder(root: SyntaxExpr): SyntaxExpr[] {
  const order: SyntaxExpr[] = [];
  // Each frame keeps its children: a matrix literal's are a new array each time they are asked for.
  const frame = (expr: SyntaxExpr) => ({ expr, kids: syntaxChildren(expr), next: 0 });
  const stackOfFrames = [frame(root)];
  while (stackOfFrames.length > 0) {
    const top = stackOfFrames[stackOfFrames.length - 1]!;
    if (top.next < top.kids.length) stackOfFrames.push(frame(top.kids[top.next++]!));
    else {
      order.push(top.expr);
      stackOfFrames.pop();
    }
  }
  return order;
}

function entries(n: number): string {
  return n === 1 ? "1 entry" : `${n} entries`;
}

const SIZES_BY_KIND: Record<DeclaredKind, number> = { scalar: 0, vector: 1, matrix: 2, symmetric: 2 };

class Checker {
  private readonly sizes = new SizeUnifier();
  private readonly slots = new Map<string, VariableSlot>();
  private readonly plans = new Map<SyntaxExpr, Plan>();
  private readonly shapes = new Map<SyntaxExpr, readonly SizeHandle[]>();

  constructor(
    private readonly problem: SyntaxProblem,
    private readonly scalarNames: ReadonlySet<string> = new Set(),
  ) {}

  private fail(message: string, span: SourceSpan, kind: Diagnostic["kind"] = "shape"): never {
    throw new CheckFailure({ kind, message, span });
  }

  private describe(expr: SyntaxExpr): string {
    let text = this.problem.source.slice(expr.span.start, expr.span.end).replace(/\s+/g, " ");
    if (text.length > 40) text = `${text.slice(0, 37)}...`;
    return `${text} (${this.sizes.format(this.shapes.get(expr) ?? [])})`;
  }

  declare(): void {
    for (const declaration of this.problem.declarations) {
      const { name, nameSpan } = declaration;
      if (RESERVED_NAMES.has(name))
        this.fail(`${name} is reserved (${RESERVED_NAMES.get(name)})`, nameSpan, "name");
      if (FUNCTION_NAMES.has(name))
        this.fail(`${name} is a function and cannot be declared`, nameSpan, "name");
      if (this.slots.has(name)) this.fail(`${name} is declared twice`, nameSpan, "name");
      const handles = declaration.dims.map((d) =>
        d.kind === "symbol" ? this.sizes.symbol(d.name) : this.sizes.literal(d.value),
      );
      const wanted = SIZES_BY_KIND[declaration.type];
      // A 1×1 matrix and a 1-vector are scalars, as in Matlab: x'*A*x with x: vector(1) and
      // A: matrix(1, 1) is a scalar, and tr, det, logdet, inv and diag read a scalar as a 1×1 matrix.
      const ones = declaration.dims.filter((d) => d.kind !== "symbol" && d.value === 1).length;
      const oneByOne =
        declaration.type !== "scalar" &&
        ones === declaration.dims.length &&
        (ones === wanted || (declaration.type === "symmetric" && ones === 1));
      if (oneByOne) {
        this.slots.set(name, { name, kind: "scalar", sizes: [], declared: true });
        continue;
      }
      // A matrix of one column is a column vector (a matrix of one row is a row already).
      const last = declaration.dims[1];
      if (declaration.type === "matrix" && last !== undefined && last.kind !== "symbol" && last.value === 1) {
        this.slots.set(name, { name, kind: "vector", sizes: [handles[0]!], declared: true });
        continue;
      }
      // A symmetric matrix is square: its one size (or one fresh size) stands for both.
      if (declaration.type === "symmetric") {
        if (handles.length === 0) handles.push(this.sizes.fresh());
        if (handles.length === 1) handles.push(handles[0]!);
      }
      while (handles.length < wanted) handles.push(this.sizes.fresh());
      this.slots.set(name, { name, kind: declaration.type, sizes: handles, declared: true });
    }
  }

  private slotFor(name: string, span: SourceSpan): VariableSlot {
    const existing = this.slots.get(name);
    if (existing) return existing;
    const kind = this.scalarNames.has(name) ? "scalar" : defaultKind(name);
    if (kind === undefined)
      this.fail(`cannot tell the type of ${name}: declare it (for example ${name}: vector)`, span, "name");
    const sizes = Array.from({ length: SIZES_BY_KIND[kind] }, () => this.sizes.fresh());
    const slot = { name, kind, sizes, declared: false };
    this.slots.set(name, slot);
    return slot;
  }

  private planName(expr: Extract<SyntaxExpr, { kind: "name" }>): Plan {
    const { name, span } = expr;
    if (name === "pi") return { kind: "const", value: Math.PI, symbol: "pi" };
    if ((name === "I" && !this.slots.has("I")) || name === "eye") {
      const n = this.sizes.fresh();
      return { kind: "identity", sizes: [n, n] };
    }
    if (name === "ones") return { kind: "ones", sizes: [this.sizes.fresh()] };
    if (FUNCTION_NAMES.has(name)) this.fail(`${name} is a function: call it as ${name}(...)`, span, "name");
    return { kind: "var", slot: this.slotFor(name, span) };
  }

  private planCall(expr: Extract<SyntaxExpr, { kind: "call" }>): Plan {
    // matrixcalculus.org's vector(c) and matrix(c): a constant-filled vector or matrix.
    if ((expr.callee === "vector" || expr.callee === "matrix") && expr.args.length === 1) {
      const value = expr.args[0]!;
      if (this.shapes.get(value)!.length !== 0)
        this.fail(
          `${expr.callee}(c) fills a ${expr.callee} with a scalar c, got ${this.describe(value)}`,
          expr.span,
        );
      const rank = expr.callee === "vector" ? 1 : 2;
      return { kind: "filled", args: [value], sizes: Array.from({ length: rank }, () => this.sizes.fresh()) };
    }
    if (expr.bars && this.shapes.get(expr.args[0]!)!.length !== 0)
      this.fail(
        `|x| is the absolute value of a number, got ${this.describe(expr.args[0]!)}: write abs(x) for every entry's, or norm2(x) for the length (||x||)`,
        expr.span,
      );
    // norm(x, 1) and norm(x, 2), as Matlab and NumPy write the 1- and 2-norms.
    if (expr.callee === "norm" && expr.args.length === 2) {
      const order = literalValue(expr.args[1]!);
      if (order !== 1 && order !== 2)
        this.fail(
          "norm(x, p) takes p = 1 or 2 (norm1 and norm2); for the Frobenius norm write norm2(X)",
          expr.args[1]!.span,
        );
      return { kind: "apply", op: order === 1 ? "norm1" : "norm2", args: [expr.args[0]!] };
    }
    const candidates = functionOperators(expr.callee);
    if (candidates.length === 0) {
      if (
        this.slots.has(expr.callee) ||
        (defaultKind(expr.callee) !== undefined && !FUNCTION_NAMES.has(expr.callee))
      ) {
        const known = this.slots.has(expr.callee) || /^[a-zA-Z]$/.test(expr.callee);
        if (known)
          this.fail(
            `${expr.callee} is a variable, not a function (write * for a product)`,
            expr.calleeSpan,
            "name",
          );
      }
      const near = nearestFunction(expr.callee);
      this.fail(
        `unknown function '${expr.callee}'${near === null ? "" : ` — did you mean ${near}?`}`,
        expr.calleeSpan,
        "name",
      );
    }
    // Operators of this name with as many arguments as written (sum(x), sum(X, 1)).
    const fitting = candidates.filter((c) => callArity(c) === expr.args.length);
    if (fitting.length === 0) {
      const arities = [...new Set(candidates.map(callArity))].sort();
      const plural = arities.length === 1 && arities[0] === 1 ? "argument" : "arguments";
      this.fail(
        `${expr.callee} takes ${arities.join(" or ")} ${plural}, got ${expr.args.length}`,
        expr.span,
        "syntax",
      );
    }
    const ranks = expr.args.map((a) => this.shapes.get(a)!.length);
    const literal = (syntax: (typeof OPERATORS)[OperatorName]["syntax"]) =>
      syntax.kind === "function" && syntax.literals !== undefined ? syntax.literals : null;
    // An argument that must be a whole number written as a number (an axis) says so.
    for (const candidate of fitting) {
      const l = literal(OPERATORS[candidate].syntax);
      if (l !== null && !isIntegerLiteral(expr.args[l.at]!)) {
        const allowed = fitting.flatMap((c) => literal(OPERATORS[c].syntax)?.values ?? []);
        this.fail(
          `${expr.callee}'s argument ${l.at + 1} is an axis: ${allowed.join(" or ")}, written as a number`,
          expr.args[l.at]!.span,
        );
      }
    }
    const op =
      fitting.find((candidate) => {
        const syntax = OPERATORS[candidate].syntax;
        if (syntax.kind !== "function") return true;
        const l = literal(syntax);
        if (l !== null && !l.values.includes(literalValue(expr.args[l.at]!)!)) return false;
        return !syntax.acceptsRanks || syntax.acceptsRanks(ranks);
      }) ?? null;
    if (op === null) {
      const l = fitting.map((c) => literal(OPERATORS[c].syntax)).find((x) => x !== null);
      if (l) {
        const allowed = fitting.flatMap((c) => literal(OPERATORS[c].syntax)?.values ?? []);
        this.fail(
          `${expr.callee}'s axis is ${allowed.join(" or ")} (1: down each column, 2: along each row), got ${literalValue(expr.args[l.at]!)}`,
          expr.args[l.at]!.span,
        );
      }
      return { kind: "apply", op: fitting[0]!, args: expr.args };
    }
    return { kind: "apply", op, args: expr.args };
  }

  private plan(expr: SyntaxExpr): Plan {
    switch (expr.kind) {
      case "number":
        return { kind: "const", value: expr.value };
      case "name":
        return this.planName(expr);
      case "negate":
        // A negative literal is one constant; -0 stays a negation (constants hold no -0), so that the
        // printed text reads back to the same expression.
        if (expr.operand.kind === "number" && expr.operand.value !== 0)
          return { kind: "const", value: -expr.operand.value };
        return { kind: "apply", op: "neg", args: [expr.operand] };
      case "binary": {
        // A fraction written as one (1/3, -2/3) is that number, as it prints: exactly, and back.
        const [p, q] = [literalValue(expr.left), literalValue(expr.right)];
        if (expr.operator === "/" && p !== null && q !== null && q !== 0) {
          const value = exactly("/", p, q);
          if (asFraction(value) !== null) return { kind: "const", value };
        }
        const ranks = [expr.left, expr.right].map((a) => this.shapes.get(a)!.length);
        const op = symbolOperator("binary", expr.operator, ranks);
        const syntax = OPERATORS[op].syntax;
        // A row (1×n) is a vector here: its ^ is refused by the shape rule, which says to write .^.
        const row = this.shapes.get(expr.left)!.some((h) => this.sizes.isOne(h));
        const bound = syntax.kind === "binary" ? syntax.integerLiteralRight : undefined;
        if (bound !== undefined && !row) {
          if (!isIntegerLiteral(expr.right))
            this.fail(
              `${this.describe(expr.left)} ${expr.operator} ${this.describe(expr.right)}: the power of a matrix needs a whole number written as a number (X^2, X^-1); write .^ for the power of each entry`,
              expr.operatorSpan,
            );
          if (Math.abs(literalValue(expr.right)!) > bound.max)
            this.fail(
              `the power of a matrix is at most ${bound.max} here (its derivative has as many terms), got ${literalValue(expr.right)}`,
              expr.right.span,
              "limit",
            );
        }
        return { kind: "apply", op, args: [expr.left, expr.right] };
      }
      case "transpose":
        return { kind: "apply", op: "transpose", args: [expr.operand] };
      case "call":
        return this.planCall(expr);
      case "matrix": {
        const cols = expr.rows[0]!.length;
        expr.rows.forEach((row, r) => {
          if (row.length !== cols) {
            this.fail(`row ${r + 1} of the matrix has ${entries(row.length)}, row 1 has ${cols}`, expr.span);
          }
        });
        return { kind: "stack", args: expr.rows.flat(), rows: expr.rows.length, cols };
      }
      case "error":
        return this.fail("cannot check an expression with syntax errors", expr.span, "syntax");
    }
  }

  private shapeOf(expr: SyntaxExpr, plan: Plan): readonly SizeHandle[] {
    switch (plan.kind) {
      case "const":
        return [];
      case "var":
        return plan.slot.sizes;
      case "identity":
      case "ones":
      case "filled":
        return plan.sizes;
      case "apply":
      case "stack": {
        const op =
          plan.kind !== "stack"
            ? plan.op
            : plan.args.every((a) => this.shapes.get(a)!.length === 0)
              ? "stack"
              : "block";
        const attributes = plan.kind === "stack" ? { rows: plan.rows, cols: plan.cols } : {};
        const result = OPERATORS[op].shape(
          plan.args.map((a) => this.shapes.get(a)!),
          this.sizes,
          attributes,
        );
        if (isShapeFailure(result)) {
          const span = expr.kind === "binary" ? expr.operatorSpan : expr.span;
          this.fail(
            result.fail((i) => this.describe(plan.args[i]!)),
            span,
          );
        }
        return result;
      }
    }
  }

  run(): CheckedProblem {
    this.declare();
    const root = this.problem.expression!;
    const order = syntaxPostorder(root);
    // Pass 1: resolve names and unify sizes across the whole problem.
    for (const expr of order) {
      const plan = this.plan(expr);
      this.plans.set(expr, plan);
      this.shapes.set(expr, this.shapeOf(expr, plan));
    }
    // Pass 2: build nodes with the final sizes.
    const resolve = this.sizes.resolver();
    const resolveShape = (handles: readonly SizeHandle[]): Dim[] => handles.map(resolve);
    const nodes = new Map<SyntaxExpr, Node>();
    const spans = new Map<number, SourceSpan>();
    for (const expr of order) {
      const plan = this.plans.get(expr)!;
      let node: Node;
      try {
        node = this.build(plan, nodes, resolveShape);
      } catch (error) {
        if (error instanceof CheckFailure) throw error;
        this.fail(`cannot combine the shapes in ${this.describe(expr)}`, expr.span);
      }
      nodes.set(expr, node);
      if (!spans.has(node.id)) spans.set(node.id, expr.span);
    }
    const variables: VariableInfo[] = [...this.slots.values()].map((slot) => ({
      name: slot.name,
      kind: slot.kind,
      shape: resolveShape(slot.sizes),
      declared: slot.declared,
    }));
    const notes = [
      ...[...this.scalarNames].map(
        (name) =>
          `${name} is read as a scalar, because of its ^ (as a ${defaultKind(name)} it does not check); declare ${name}: scalar to say so`,
      ),
      // A Greek name's type is not its first letter's: matrixcalculus.org would read theta as a vector.
      ...[...this.slots.values()]
        .filter((slot) => !slot.declared && !this.scalarNames.has(slot.name) && greekScalar(slot.name))
        .map(
          (slot) =>
            `${slot.name} is read as a scalar (a Greek name; by its first letter it would be a vector, as on matrixcalculus.org); declare ${slot.name}: vector for that`,
        ),
      // e^x is the exponential to most readers; here e is a name like any other.
      ...(this.slots.get("e")?.declared === false
        ? ["e is a variable here, not Euler's number: write exp(x) for e^x (declare e: scalar to keep it)"]
        : []),
    ];
    return { source: this.problem.source, expression: nodes.get(root)!, variables, spans, notes };
  }

  private build(
    plan: Plan,
    nodes: ReadonlyMap<SyntaxExpr, Node>,
    resolveShape: (h: readonly SizeHandle[]) => Dim[],
  ): Node {
    switch (plan.kind) {
      case "const":
        return plan.symbol ? namedConstant(plan.symbol, plan.value) : constant(plan.value);
      case "var":
        return variable(plan.slot.name, resolveShape(plan.slot.sizes), plan.slot.kind === "symmetric");
      case "identity":
        return identity(resolveShape(plan.sizes)[0]!);
      case "ones":
        return ones(resolveShape(plan.sizes)[0]!);
      case "filled":
        return broadcast(nodes.get(plan.args[0]!)!, resolveShape(plan.sizes));
      case "apply":
        return apply(plan.op, ...plan.args.map((a) => nodes.get(a)!));
      case "stack":
        return stackOrBlock(
          plan.args.map((a) => nodes.get(a)!),
          plan.rows,
          plan.cols,
        );
    }
  }
}

function attempt(problem: SyntaxProblem, scalarNames: ReadonlySet<string>): CheckResult {
  try {
    return { problem: new Checker(problem, scalarNames).run(), diagnostics: [] };
  } catch (error) {
    if (error instanceof CheckFailure) return { problem: null, diagnostics: [error.diagnostic] };
    throw error;
  }
}

/**
 * Undeclared lowercase names that are an operand of ^ (x^3, 2^y) and not scalars by their first
 * letter. A capital (matrix) name is never read as a scalar: its ^ is the matrix power.
 */
function powerOperands(problem: SyntaxProblem): Set<string> {
  const declared = new Set(problem.declarations.map((d) => d.name));
  const names = new Set<string>();
  for (const expr of syntaxPostorder(problem.expression!)) {
    if (expr.kind !== "binary" || expr.operator !== "^") continue;
    for (const operand of [expr.left, expr.right]) {
      if (operand.kind === "name" && !declared.has(operand.name) && defaultKind(operand.name) === "vector")
        names.add(operand.name);
    }
  }
  return names;
}

/** The value of a number written as one, possibly negated (3, -1, (-2.5)), or null. */
function literalValue(expr: SyntaxExpr): number | null {
  const inner = expr.kind === "negate" ? expr.operand : expr;
  if (inner.kind !== "number") return null;
  return expr.kind === "negate" ? -inner.value : inner.value;
}

/** A whole number written as a number, possibly negated (3, -1, (-1)). */
function isIntegerLiteral(expr: SyntaxExpr): boolean {
  const inner = expr.kind === "negate" ? expr.operand : expr;
  return inner.kind === "number" && Number.isInteger(inner.value);
}

/** No function name is longer: a longer name is compared with none (the distance is quadratic). */
const LONGEST_SUGGESTED = 24;

/** The known function nearest to a misspelt one (at most a third of its letters off), or null. */
function nearestFunction(name: string): string | null {
  if (name.length > LONGEST_SUGGESTED) return null;
  let best: string | null = null;
  let bestDistance = Math.max(1, Math.floor(name.length / 3)) + 1;
  for (const candidate of FUNCTION_NAMES) {
    const d = editDistance(name.toLowerCase(), candidate.toLowerCase());
    if (d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  if (best === null) return null;
  // An alias is suggested as the operator's own name where it has one (trace → tr).
  const op = functionOperators(best)[0]!;
  const syntax = OPERATORS[op].syntax;
  return syntax.kind === "function" ? syntax.name : best;
}

/** Levenshtein distance with transpositions (trcae → trace is 1). */
function editDistance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) =>
    Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
  );
  for (let i = 1; i <= a.length; i++)
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let v = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        v = Math.min(v, d[i - 2]![j - 2]! + 1);
      d[i]![j] = v;
    }
  return d[a.length]![b.length]!;
}

/**
 * Checks a problem. Undeclared names are typed by their first letter; when that leaves the problem
 * ill-typed, names used as operands of the scalar power ^ are taken as scalars instead (so
 * log(sin(x^3)^2) means a scalar x, as in the lecture). A problem that checks is never retyped.
 */
export function checkProblem(problem: SyntaxProblem): CheckResult {
  if (problem.expression === null) return { problem: null, diagnostics: [] };
  const first = attempt(problem, new Set());
  if (first.problem !== null || first.diagnostics[0]?.kind !== "shape") return first;
  const scalars = powerOperands(problem);
  if (scalars.size === 0) return first;
  const second = attempt(problem, scalars);
  return second.problem !== null ? second : first;
}

export { formatShape };
