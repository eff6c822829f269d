// Step-by-step derivations in the lecture's style: intermediate variables u1, u2, … (one per
// operation that depends on the variable), their local derivatives in matrix form, the chain of
// Jacobians accumulated forward (from x) or backward (from y), its product written in the u's,
// the substitution back to x with every simplifier rewrite named, and the cost of both orders.
import { type DerivativeOptions, differentiate, type Layout } from "../calculus/index.js";
import { type Dim, dimProduct, dimTerms, isMatcalcError, isSizeSymbol, type Shape } from "../core/index.js";
import { type Node, postorder } from "../ir/index.js";
import { apply, ELEMENTWISE_FUNCTIONS, identity, rebuild, variable } from "../ops/index.js";

export type Mode = "forward" | "backward";

export interface Intermediate {
  /** u1, u2, …; the last one is the result y. */
  readonly name: string;
  /** In terms of the variable, constants and earlier intermediates. */
  readonly definition: Node;
  /** The subexpression of the problem it stands for. */
  readonly expression: Node;
  readonly shape: Shape;
}

export interface LocalDerivative {
  readonly of: string;
  readonly by: string;
  /** In matrix form (numerator layout, as the chain multiplies them); null when it is a tensor. */
  readonly derivative: Node | null;
  /** Entries of `of` × entries of `by`. */
  readonly shape: readonly [string, string];
}

export interface ChainStep {
  /** What this step computes: du_k/dx (forward) or dy/du_j (backward). */
  readonly target: string;
  /** Each term is a product of named Jacobians (the total-derivative sum runs over terms). */
  readonly terms: ReadonlyArray<readonly string[]>;
  /** "(m×n)·(n×p) = m×p" for each term. */
  readonly bookkeeping: readonly string[];
  /** Scalar multiplications of this step (dense products), as a polynomial in the sizes. */
  readonly cost: Polynomial;
}

/** Σ coefficient · Π sizes. Keys are sorted size names joined by "·" ("" for a constant). */
export type Polynomial = ReadonlyMap<string, number>;

export interface Derivation {
  readonly variable: string;
  readonly mode: Mode;
  readonly layout: Layout;
  readonly intermediates: readonly Intermediate[];
  readonly locals: readonly LocalDerivative[];
  readonly chain: readonly ChainStep[];
  /** The product of the local derivatives, in the u's (null when a local derivative is a tensor). */
  readonly applied: Node | null;
  /** The same with every intermediate replaced by its definition. */
  readonly substituted: Node | null;
  readonly costs: { readonly forward: Polynomial; readonly backward: Polynomial };
  /**
   * The number of operations when there are more than STEP_LIMIT: then no steps are written (the
   * lists are empty), only the result. Null otherwise.
   */
  readonly tooManySteps: number | null;
}

/** The most intermediate variables a derivation writes out; a longer one gives only its result. */
export const STEP_LIMIT = 200;

export interface ExplainOptions {
  readonly mode?: Mode;
  readonly layout?: Layout;
  readonly simplify: (node: Node) => Node;
}

/** Entries of a shape as a size expression: "1", "n", "m·n". */
export function entriesOf(shape: Shape): string {
  const dims = shape.filter((d) => d !== 1);
  if (dims.length === 0) return "1";
  return dims.map((d) => (isSizeSymbol(d) || typeof d === "number" ? String(d) : `(${d})`)).join("·");
}

function sizeFactors(shape: Shape): Dim[] {
  return shape.filter((d) => d !== 1);
}

function multiplyPolynomial(factors: readonly Dim[]): Polynomial {
  const product = factors.reduce<Dim>((p, f) => dimProduct(p, f), 1);
  return new Map(dimTerms(product).map((t) => [t.symbols.join("·"), t.coefficient]));
}

export function addPolynomials(...ps: readonly Polynomial[]): Polynomial {
  const out = new Map<string, number>();
  for (const p of ps) for (const [k, v] of p) out.set(k, (out.get(k) ?? 0) + v);
  return out;
}

/** "2n² + n·m" style text. */
export function formatPolynomial(p: Polynomial): string {
  const terms = [...p.entries()].filter(([, c]) => c !== 0);
  if (terms.length === 0) return "0";
  // Highest degree first.
  const degree = (key: string) => (key === "" ? 0 : key.split("·").length);
  terms.sort((a, b) => degree(b[0]) - degree(a[0]) || (a[0] < b[0] ? -1 : 1));
  return terms
    .map(([key, c]) => {
      if (key === "") return String(c);
      const counts = new Map<string, number>();
      for (const name of key.split("·")) counts.set(name, (counts.get(name) ?? 0) + 1);
      const monomial = [...counts.entries()]
        .map(([name, e]) => (e === 1 ? name : `${name}${superscript(e)}`))
        .join("·");
      return c === 1 ? monomial : `${c}${monomial}`;
    })
    .join(" + ");
}

function superscript(n: number): string {
  const digits = "⁰¹²³⁴⁵⁶⁷⁸⁹";
  return String(n)
    .split("")
    .map((d) => digits[Number(d)]!)
    .join("");
}

export function evaluatePolynomial(p: Polynomial, size: (name: string) => number): number {
  let total = 0;
  for (const [key, c] of p)
    total += c * (key === "" ? 1 : key.split("·").reduce((acc, name) => acc * size(name), 1));
  return total;
}

/**
 * A local derivative as the chain multiplies it, a Jacobian over entries: a scalar by a vector or row
 * is a row, a vector or row by a scalar is a column (numerator layout gives a row's derivative in
 * the transposed shape).
 */
function localDerivative(definition: Node, input: Node, options: DerivativeOptions) {
  try {
    return differentiate(definition, [input], options);
  } catch (error) {
    // A local derivative with no form here (through a Kronecker product) is left out of the steps.
    if (isMatcalcError(error) && error.diagnostic.kind === "derivative") return null;
    throw error;
  }
}

function overEntries(derivative: Node, of: Shape, by: Shape): Node {
  const isRow = (n: Node) => n.shape.length === 2 && n.shape[0] === 1;
  if (of.length === 0 && by.length > 0 && derivative.shape.length === 1)
    return apply("transpose", derivative);
  if (by.length === 0 && of.length > 0 && isRow(derivative)) return apply("transpose", derivative);
  return derivative;
}

/** Replaces nodes by others everywhere below the root. */
function substitute(root: Node, replacements: ReadonlyMap<number, Node>): Node {
  const done = new Map<number, Node>();
  for (const node of postorder(root)) {
    const replaced = replacements.get(node.id);
    done.set(
      node.id,
      replaced ??
        rebuild(
          node,
          node.args.map((a) => done.get(a.id)!),
        ),
    );
  }
  return done.get(root.id)!;
}

/**
 * The lecture's vector chain rule: y = [f1(g1); f2(g2); …] with every entry an element-wise function
 * of a scalar expression of x. Then g = [g1; g2; …] is one vector intermediate and ∂y/∂g is the
 * diagonal Jacobian diag(f1'(g1), f2'(g2), …).
 */
function explainStackOfFunctions(expression: Node, x: Node, options: ExplainOptions): Derivation | null {
  if (expression.op !== "stack" || expression.shape.length !== 1) return null;
  const entries = expression.args;
  if (
    !entries.every(
      (e) => ELEMENTWISE_FUNCTIONS.has(e.op) && e.args.length === 1 && e.args[0]!.shape.length === 0,
    )
  )
    return null;
  const xName = x.attrs.name!;
  const k = entries.length;
  const inner = entries.map((e) => e.args[0]!);
  const g = rebuild(expression, inner);
  const components = inner.map((_e, i) => variable(`u1[${i + 1}]`, []));
  const definition = rebuild(
    expression,
    entries.map((e, i) => rebuild(e, [components[i]!])),
  );
  const derivativeOptions: DerivativeOptions = { simplify: options.simplify, layout: "numerator" };
  const innerJacobian = differentiate(g, [x], derivativeOptions);
  const outerEntries = entries.map((e, i) => {
    const d = differentiate(rebuild(e, [components[i]!]), [components[i]!], derivativeOptions);
    return d.value.kind === "matrix" ? d.value.node : null;
  });
  if (innerJacobian.value.kind !== "matrix" || outerEntries.some((d) => d === null)) return null;
  const diagonal = apply("diagMatrix", rebuild(expression, outerEntries as Node[]));
  const gJacobian = innerJacobian.value.node;
  const locals: LocalDerivative[] = [
    { of: "u1", by: xName, derivative: gJacobian, shape: [String(k), entriesOf(x.shape)] },
    { of: "u2", by: "u1", derivative: diagonal, shape: [String(k), String(k)] },
  ];
  const mode = options.mode ?? "forward";
  const chain: ChainStep[] =
    mode === "forward"
      ? [
          {
            target: `du1/d${xName}`,
            terms: [[`∂u1/∂${xName}`]],
            bookkeeping: [`${k}×${entriesOf(x.shape)}`],
            cost: new Map(),
          },
          {
            target: `du2/d${xName}`,
            terms: [["∂u2/∂u1", `du1/d${xName}`]],
            bookkeeping: [`(${k}×${k})·(${k}×${entriesOf(x.shape)}) = ${k}×${entriesOf(x.shape)}`],
            cost: multiplyPolynomial([k, k, ...sizeFactors(x.shape)]),
          },
        ]
      : [
          { target: "du2/du1", terms: [["∂u2/∂u1"]], bookkeeping: [`${k}×${k}`], cost: new Map() },
          {
            target: `du2/d${xName}`,
            terms: [["du2/du1", `∂u1/∂${xName}`]],
            bookkeeping: [`(${k}×${k})·(${k}×${entriesOf(x.shape)}) = ${k}×${entriesOf(x.shape)}`],
            cost: multiplyPolynomial([k, k, ...sizeFactors(x.shape)]),
          },
        ];
  const applied = options.simplify(apply("mul", diagonal, gJacobian));
  const replacements = new Map<number, Node>(components.map((c, i) => [c.id, inner[i]!]));
  const substituted = substitute(applied, replacements);
  const cost = multiplyPolynomial([k, k, ...sizeFactors(x.shape)]);
  return {
    variable: xName,
    mode,
    layout: options.layout ?? "numerator",
    intermediates: [
      { name: "u1", definition: g, expression: g, shape: g.shape },
      { name: "u2", definition, expression, shape: expression.shape },
    ],
    locals,
    chain,
    applied,
    substituted,
    costs: { forward: cost, backward: cost },
    tooManySteps: null,
  };
}

export function explainDerivative(expression: Node, x: Node, options: ExplainOptions): Derivation {
  const vectorChain = explainStackOfFunctions(expression, x, options);
  if (vectorChain !== null) return vectorChain;
  const mode = options.mode ?? "forward";
  const layout = options.layout ?? "numerator";
  const depends = new Set<number>();
  const order: Node[] = [];
  // A transpose is notation, not an operation: w'*x is one step, as the lecture writes it.
  const viewOf = new Map<number, Node>();
  for (const node of postorder(expression)) {
    if (node === x) depends.add(node.id);
    else if (node.args.some((a) => depends.has(a.id))) {
      depends.add(node.id);
      if (node.op === "transpose" && node !== expression) viewOf.set(node.id, node.args[0]!);
      else order.push(node);
    }
  }
  const xName = x.attrs.name!;
  if (order.length > STEP_LIMIT)
    return {
      variable: xName,
      mode,
      layout,
      intermediates: [],
      locals: [],
      chain: [],
      applied: null,
      substituted: null,
      costs: { forward: new Map(), backward: new Map() },
      tooManySteps: order.length,
    };
  // Intermediates: one per operation on the way from x to the result.
  const names = new Map<number, string>([[x.id, xName]]);
  const placeholders = new Map<number, Node>([[x.id, x]]);
  /** An argument as the definitions see it: its intermediate, or the transpose of one. */
  const placeholderOf = (a: Node): Node => {
    const inner = viewOf.get(a.id);
    if (inner !== undefined) return apply("transpose", placeholderOf(inner));
    return placeholders.get(a.id) ?? a;
  };
  /** The intermediate (or x) an argument reads, looking through transposes. */
  const sourceOf = (a: Node): Node => {
    const inner = viewOf.get(a.id);
    return inner === undefined ? a : sourceOf(inner);
  };
  const intermediates: Intermediate[] = order.map((node, k) => {
    const name = `u${k + 1}`;
    names.set(node.id, name);
    const placeholder = variable(name, node.shape);
    const definition = rebuild(
      node,
      node.args.map((a) => placeholderOf(a)),
    );
    placeholders.set(node.id, placeholder);
    return { name, definition, expression: node, shape: node.shape };
  });
  if (!depends.has(expression.id)) {
    // Nothing depends on x: there is no chain, and the derivative is zero.
    return {
      variable: xName,
      mode,
      layout,
      intermediates: [{ name: "u1", definition: expression, expression, shape: expression.shape }],
      locals: [],
      chain: [],
      applied: null,
      substituted: null,
      costs: { forward: new Map(), backward: new Map() },
      tooManySteps: null,
    };
  }
  if (intermediates.length === 0) {
    // The expression is the variable itself: dy/dx = I.
    const name = "u1";
    intermediates.push({ name, definition: x, expression: x, shape: x.shape });
  }

  // Local derivatives ∂u_k/∂(input), by differentiating each definition by its input placeholder.
  const derivativeOptions: DerivativeOptions = { simplify: options.simplify, layout: "numerator" };
  const locals: LocalDerivative[] = [];
  const inputsOf = new Map<string, string[]>();
  for (const u of intermediates) {
    const inputs = [
      ...new Set(u.expression.args.filter((a) => depends.has(a.id)).map((a) => names.get(sourceOf(a).id)!)),
    ];
    if (u.definition === x) inputs.push(xName);
    inputsOf.set(u.name, inputs);
    for (const input of inputs) {
      const placeholder =
        input === xName ? x : variable(input, intermediates.find((v) => v.name === input)!.shape);
      const result = localDerivative(u.definition, placeholder, derivativeOptions);
      const shape = input === xName ? x.shape : placeholder.shape;
      locals.push({
        of: u.name,
        by: input,
        derivative: result?.value.kind === "matrix" ? overEntries(result.value.node, u.shape, shape) : null,
        shape: [entriesOf(u.shape), entriesOf(shape)],
      });
    }
  }

  // The chain: forward accumulates du_k/dx from x; backward accumulates dy/du_j from y.
  const shapeOf = (name: string): Shape =>
    name === xName ? x.shape : intermediates.find((u) => u.name === name)!.shape;
  const y = intermediates[intermediates.length - 1]!;
  const chain: ChainStep[] = [];
  const jacobian = (of: string, by: string) => `∂${of}/∂${by}`;
  const total = (of: string, by: string) => `d${of}/d${by}`;
  if (mode === "forward") {
    for (const u of intermediates) {
      const inputs = inputsOf.get(u.name)!;
      const terms = inputs.map((j) =>
        j === xName ? ([jacobian(u.name, j)] as const) : ([jacobian(u.name, j), total(j, xName)] as const),
      );
      const bookkeeping = inputs.map(
        (j) =>
          `(${entriesOf(u.shape)}×${entriesOf(shapeOf(j))})·(${entriesOf(shapeOf(j))}×${entriesOf(x.shape)}) = ${entriesOf(u.shape)}×${entriesOf(x.shape)}`,
      );
      const cost = addPolynomials(
        ...inputs
          .filter((j) => j !== xName)
          .map((j) =>
            multiplyPolynomial([
              ...sizeFactors(u.shape),
              ...sizeFactors(shapeOf(j)),
              ...sizeFactors(x.shape),
            ]),
          ),
      );
      chain.push({ target: total(u.name, xName), terms, bookkeeping, cost });
    }
  } else {
    const consumers = (name: string) => intermediates.filter((u) => inputsOf.get(u.name)!.includes(name));
    const targets = [
      ...intermediates
        .slice(0, -1)
        .reverse()
        .map((u) => u.name),
      xName,
    ];
    for (const j of targets) {
      const users = consumers(j);
      const terms = users.map((u) =>
        u.name === y.name
          ? ([jacobian(u.name, j)] as const)
          : ([total(y.name, u.name), jacobian(u.name, j)] as const),
      );
      const bookkeeping = users.map(
        (u) =>
          `(${entriesOf(y.shape)}×${entriesOf(u.shape)})·(${entriesOf(u.shape)}×${entriesOf(shapeOf(j))}) = ${entriesOf(y.shape)}×${entriesOf(shapeOf(j))}`,
      );
      const cost = addPolynomials(
        ...users
          .filter((u) => u.name !== y.name)
          .map((u) =>
            multiplyPolynomial([
              ...sizeFactors(y.shape),
              ...sizeFactors(u.shape),
              ...sizeFactors(shapeOf(j)),
            ]),
          ),
      );
      chain.push({ target: total(y.name, j), terms, bookkeeping, cost });
    }
  }

  // Costs of both orders, for the comparison the lecture makes.
  const forwardCost = addPolynomials(
    ...locals
      .filter((l) => l.by !== xName)
      .map((l) =>
        multiplyPolynomial([
          ...sizeFactors(shapeOf(l.of)),
          ...sizeFactors(shapeOf(l.by)),
          ...sizeFactors(x.shape),
        ]),
      ),
  );
  const backwardCost = addPolynomials(
    ...locals
      .filter((l) => l.of !== y.name)
      .map((l) =>
        multiplyPolynomial([
          ...sizeFactors(y.shape),
          ...sizeFactors(shapeOf(l.of)),
          ...sizeFactors(shapeOf(l.by)),
        ]),
      ),
  );

  // Apply: the accumulated product in the u's; substitute: the u's replaced by their definitions.
  let applied: Node | null = null;
  // A matrix-valued intermediate's Jacobian acts on vec(·) (a Kronecker form): the product of the
  // local derivatives is then not a matrix product, and none is written.
  const vectorLike = (shape: Shape) => shape.length < 2 || shape[0] === 1;
  const multipliable = vectorLike(x.shape) && intermediates.every((u) => vectorLike(u.shape));
  if (multipliable && locals.every((l) => l.derivative !== null)) {
    const accumulated = new Map<string, Node>();
    try {
      for (const u of intermediates) {
        let sum: Node | null = null;
        for (const local of locals.filter((l) => l.of === u.name)) {
          const inner = local.by === xName ? null : accumulated.get(local.by)!;
          const term = inner === null ? local.derivative! : apply("mul", local.derivative!, inner);
          sum = sum === null ? term : apply("add", sum, term);
        }
        accumulated.set(u.name, sum ?? identity(x.shape[0] ?? 1));
      }
      applied = options.simplify(accumulated.get(y.name)!);
    } catch {
      applied = null;
    }
  }
  let substituted: Node | null = null;
  if (applied !== null) {
    const byName = new Map<number, Node>();
    // Later intermediates first, so that nested definitions expand completely.
    let current = applied;
    for (let k = intermediates.length - 1; k >= 0; k--) {
      const u = intermediates[k]!;
      byName.clear();
      byName.set(variable(u.name, u.shape).id, u.definition);
      current = substitute(current, byName);
    }
    substituted = current;
  }
  return {
    variable: xName,
    mode,
    layout,
    intermediates,
    locals,
    chain,
    applied,
    substituted,
    costs: { forward: forwardCost, backward: backwardCost },
    tooManySteps: null,
  };
}
