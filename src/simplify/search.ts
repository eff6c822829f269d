// The search for a shorter form: after the rule chain reaches its fixed point, each node, from the
// leaves up, keeps a few of its cheapest equivalent forms (a bounded class of equal expressions, as
// an e-graph's class is), built from its operands' forms and from rewrites that may lengthen a part
// on the way to a shorter whole (a transpose or a division taken out of a product or a sum). The
// cheapest form of the root under the caller's cost is the result, where it is cheaper than the
// chain's. Decision note 012 states the design, the cost and the budgets.
import { isMatcalcError, shapesEqual } from "../core/index.js";
import { type Node, type NodeMemo, postorder, signedTerms } from "../ir/index.js";
import { apply, asFraction, constant, rebuild } from "../ops/index.js";
import type { RewriteRule, Ruleset, SimplifyResult, TraceEntry } from "./driver.js";
import { rememberedFor, runRules } from "./driver.js";
import { constantValue, isScalar, sizeOf, tryApply } from "./patterns.js";
import { isSymmetric, rule } from "./rules.js";

export interface SearchOptions {
  /** The cost of a form (the printed length, for the derivatives shown). */
  readonly cost: (node: Node) => number;
  /** The rulesets that tidy what a rewrite built (the chain's). */
  readonly tidy: readonly Ruleset[];
  /** Forms kept per node (default 4). */
  readonly width?: number;
  /** Combinations of the operands' forms tried per node (default twice the width). */
  readonly choices?: number;
  /** Rewrites applied in a row at one node (default 2). */
  readonly depth?: number;
  /** Distinct nodes past which no search is made (default 400). */
  readonly maxNodes?: number;
  /** Nodes counted with repetition (the printed tree) past which no search is made (default 4,000). */
  readonly maxPrinted?: number;
  /** Rewrites tried in all, past which the nodes not reached keep their form (default 20,000). */
  readonly workBudget?: number;
}

export type SearchStop = "searched" | "work-budget" | "too-large";

export interface SearchResult {
  readonly node: Node;
  readonly stop: SearchStop;
  /** The rewrites that lead from the input to the result, in an order that replays. */
  readonly trace: readonly TraceEntry[];
}

/** A form of a node: the expression, its cost, and the rewrites that made it from the node's parts. */
interface Form {
  readonly node: Node;
  readonly cost: number;
  readonly steps: readonly TraceEntry[];
}

/** x' without a transpose node where one can go: the operand of a transpose, or a symmetric matrix. */
function transposed(x: Node): Node {
  if (x.op === "transpose") return x.args[0]!;
  if (isSymmetric(x)) return x;
  return apply("transpose", x);
}

/** Whether x is written with a transpose (a negated one too). */
function hasTranspose(x: Node): boolean {
  return x.op === "transpose" || (x.op === "neg" && x.args[0]!.op === "transpose");
}

/**
 * Whether a and b are matrices written transposed (or symmetric, their own transposes), one at least
 * with a transpose: taking the transpose out then removes one mark or more. (Where one is not, the
 * transpose of the whole would move into it; the chain's form is no longer.)
 */
function bothTransposed(a: Node, b: Node): boolean {
  if (isScalar(a) || isScalar(b) || !(hasTranspose(a) || hasTranspose(b))) return false;
  return (hasTranspose(a) || isSymmetric(a)) && (hasTranspose(b) || isSymmetric(b));
}

const isSum = (n: Node) => n.op === "add" || n.op === "sub";

/** 1/n or p/q that prints in brackets, as q and the numerator; null for a number that prints plain. */
function bracketedFraction(n: Node): readonly [number, number] | null {
  const value = constantValue(n);
  if (value === undefined || Number.isInteger(value * 1024)) return null;
  const f = asFraction(value);
  return f === null || f[1] === 1 ? null : f;
}

/**
 * a*b with divisions by numbers taken out of both factors, (a/s)*(b/t) = (a*b)/(s*t): the chain
 * then meets the product whole (x'/(x'*x)*(x'*A*x*I/(x'*x)) is x'*A*x*x'/(x'*x)^2).
 */
function multiplied(a: Node, b: Node): Node | null {
  const over = (n: Node) => (n.op === "div" && isScalar(n.args[1]!) ? n.args[1]! : null);
  const [s, t] = [over(a), over(b)];
  const product = tryApply("mul", s === null ? a : a.args[0]!, t === null ? b : b.args[0]!);
  if (product === null || (s === null && t === null)) return product;
  const divisor = s === null ? t : t === null ? s : tryApply("mul", s, t);
  return divisor === null ? null : tryApply("div", product, divisor);
}

/** A search rule; `tidyWhole`: the chain tidies the rewritten node whole, not only its operands. */
export type SearchRule = RewriteRule & { readonly tidyWhole?: boolean };

/**
 * Rewrites the search may take though the rule chain does not: each is an equality that can make a
 * part longer and the whole shorter, so the chain (which only shortens) cannot take it.
 */
export const SEARCH_RULES: readonly SearchRule[] = [
  // A'*B' = (B*A)': one transpose for several (tensorgrad and SymPy write -(inv(X)*B*A*inv(X))').
  rule("transpose-out-of-product", ["mul"], (n) => {
    const [a, b] = [n.args[0]!, n.args[1]!];
    if (!bothTransposed(a, b)) return null;
    const inner = tryApply("mul", transposed(b), transposed(a));
    return inner === null ? null : isSymmetric(inner) ? inner : tryApply("transpose", inner);
  }),
  // A' + B' = (A + B)': (X*B + B*X)' for X'*B' + B'*X'.
  rule("transpose-out-of-sum", ["add", "sub"], (n) => {
    const [a, b] = [n.args[0]!, n.args[1]!];
    if (!bothTransposed(a, b)) return null;
    const inner = tryApply(n.op, transposed(a), transposed(b));
    return inner === null ? null : isSymmetric(inner) ? inner : tryApply("transpose", inner);
  }),
  // (a - b)/s = a/s - b/s: I/norm2(x) - x*x'/norm2(x)^3 for (I - x*x'/norm2(x)^2)/norm2(x).
  rule("division-into-sum", ["div"], (n) => {
    const [a, s] = [n.args[0]!, n.args[1]!];
    if (!isSum(a)) return null;
    const [p, q] = [tryApply("div", a.args[0]!, s), tryApply("div", a.args[1]!, s)];
    return p === null || q === null ? null : tryApply(a.op, p, q);
  }),
  // (a/s)*b = (a*b)/s and a*(b/s) = (a*b)/s for a number s: one division for the product.
  rule("division-out-of-product", ["mul"], (n) => {
    const [a, b] = [n.args[0]!, n.args[1]!];
    if (a.op === "div" && isScalar(a.args[1]!)) {
      const inner = tryApply("mul", a.args[0]!, b);
      return inner === null ? null : tryApply("div", inner, a.args[1]!);
    }
    if (b.op === "div" && isScalar(b.args[1]!)) {
      const inner = tryApply("mul", a, b.args[0]!);
      return inner === null ? null : tryApply("div", inner, b.args[1]!);
    }
    return null;
  }),
  // a*u^(-p) = a/u^p, for a number u (a/sqrt(u) for p = 0.5): y/(2*sqrt(x'*y)) rather than
  // 0.5*(x'*y)^(-0.5)*y.
  rule("negative-power-as-division", ["mul"], (n) => {
    const [a, b] = [n.args[0]!, n.args[1]!];
    for (const [k, other] of [
      [b, a],
      [a, b],
    ] as const) {
      const p = k.op === "pow" ? constantValue(k.args[1]!) : undefined;
      if (p === undefined || !(p < 0) || !isScalar(k)) continue;
      // u^0.5 as sqrt(u), which is shorter where u needs brackets.
      const base = k.args[0]!;
      const positive =
        p === -1
          ? base
          : p === -0.5 && base.args.length > 0
            ? tryApply("sqrt", base)
            : apply("pow", base, apply("neg", k.args[1]!));
      return positive === null ? null : tryApply("div", other, positive);
    }
    return null;
  }),
  // (1/3)*u = u/3 and (2/3)*u = 2*u/3: the fraction's brackets go.
  rule("fraction-as-division", ["mul"], (n) => {
    const f = bracketedFraction(n.args[0]!);
    if (f === null) return null;
    const [p, q] = f;
    const u = n.args[1]!;
    const top = p === 1 ? u : p === -1 ? apply("neg", u) : tryApply("mul", constant(p), u);
    return top === null ? null : tryApply("div", top, constant(q));
  }),
  // P*(a ± b ± …) = P*a ± P*b ± …, tidied whole: the pieces can be like terms once multiplied out
  // (x'*(A*x*x') and x'*(x'*A*x*I) are both x'*A*x*x'), which the chain then collects.
  {
    ...rule("product-into-sum", ["mul"], (n) => {
      const [a, b] = [n.args[0]!, n.args[1]!];
      const sum = isSum(b) ? b : isSum(a) ? a : null;
      if (sum === null) return null;
      const pieces = signedTerms(sum, (t) => isSum(t) && shapesEqual(t.shape, sum.shape));
      if (pieces.length < 2 || pieces.length > 8) return null;
      // Distinct leaves (A + A') stay distinct when multiplied: like terms need two products.
      if (pieces.filter(({ term }) => term.op === "mul" || term.op === "div").length < 2) return null;
      let out: Node | null = null;
      for (const { term, negative } of pieces) {
        // (A term of a scalar expansion, c in M + c, is not multiplied out.)
        if (!shapesEqual(term.shape, sum.shape)) return null;
        const piece = sum === b ? multiplied(a, term) : multiplied(term, b);
        if (piece === null || !shapesEqual(piece.shape, n.shape)) return null;
        if (out === null) out = negative ? apply("neg", piece) : piece;
        else out = apply(negative ? "sub" : "add", out, piece);
      }
      return out;
    }),
    tidyWhole: true,
  },
  // c*a*b = a*b/k where c = 1/k for a whole k, the division at the end of the product as SymPy
  // writes it: c'*a/sqrt(u)*b/2 for 0.5*c'*a/sqrt(u)*b.
  rule("coefficient-as-division", ["mul", "div"], (n) => {
    const spine: Node[] = [];
    let m = n;
    while ((m.op === "mul" || m.op === "div") && spine.length <= LEFT_SPINE) {
      spine.push(m);
      m = m.args[0]!;
    }
    // (A lone c*u stays: 0.5*(A + A') reads as well as (A + A')/2, and c'/2*a is no better.)
    if (spine.length < 2) return null;
    const bottom = spine[spine.length - 1]!;
    const c = bottom.op === "mul" ? constantValue(bottom.args[0]!) : undefined;
    if (c === undefined || !(c > 0 && c < 1) || !Number.isInteger(1 / c) || 1 / c > 1000) return null;
    let rest: Node | null = bottom.args[1]!;
    for (let i = spine.length - 2; i >= 0 && rest !== null; i--)
      rest = tryApply(spine[i]!.op, rest, spine[i]!.args[1]!);
    return rest === null || !shapesEqual(rest.shape, n.shape) ? null : tryApply("div", rest, constant(1 / c));
  }),
  // M*M = M^2 (and -M*M = -M^2): a square matrix times itself.
  rule("product-as-power", ["mul"], (n) => {
    let [a, b] = [n.args[0]!, n.args[1]!];
    const negated = a.op === "neg";
    if (negated) a = a.args[0]!;
    if (isScalar(a) || a.shape.length !== 2 || a.shape[0] !== a.shape[1]) return null;
    let power: Node | null = null;
    if (a === b) power = tryApply("mpow", a, constant(2));
    else if (a.op === "mpow" && a.args[0] === b) {
      const k = constantValue(a.args[1]!);
      if (k !== undefined && Number.isInteger(k) && k > 0) power = tryApply("mpow", b, constant(k + 1));
    }
    if (power === null) return null;
    return negated ? apply("neg", power) : power;
  }),
];

/** The longest left spine of a product the coefficient rule walks down. */
const LEFT_SPINE = 32;

/** The largest operand (in printed nodes) the chain tidies after a rewrite. */
const TIDY_SIZE = 48;

/**
 * What the chain makes of a node, remembered on the node per list of rulesets: the rules are pure
 * functions of immutable nodes, and the search meets the same operands in many of its candidates.
 */
const tidiedBy = new WeakMap<readonly Ruleset[], NodeMemo<SimplifyResult>>();

function tidiedOnce(n: Node, rulesets: readonly Ruleset[]): SimplifyResult {
  return rememberedFor(tidiedBy, rulesets, n, () => runRules(n, rulesets, { trace: true }));
}

/** Every way of choosing one form per operand, cheapest first, up to `limit` (the operands' own first). */
function choices(operands: readonly (readonly Form[])[], limit: number): Form[][] {
  if (operands.length === 0) return [[]];
  if (operands.length > 2) {
    // Many operands (a block matrix): one operand changed at a time.
    const out: Form[][] = [operands.map((f) => f[0]!)];
    for (let i = 0; i < operands.length && out.length < limit; i++)
      for (let j = 1; j < operands[i]!.length && out.length < limit; j++)
        out.push(operands.map((f, k) => (k === i ? f[j]! : f[0]!)));
    return out;
  }
  const combined: { forms: Form[]; cost: number }[] = [];
  const [first, second] = [operands[0]!, operands[1] ?? null];
  for (const a of first)
    if (second === null) combined.push({ forms: [a], cost: a.cost });
    else for (const b of second) combined.push({ forms: [a, b], cost: a.cost + b.cost });
  // Stable: among equal costs the operands' own forms (listed first) come first.
  combined.sort((x, y) => x.cost - y.cost);
  return combined.slice(0, limit).map((c) => c.forms);
}

/**
 * The cheapest equivalent form of `root` the search finds, or `root` itself where none is cheaper.
 * The forms of an operand are found before its users' (a post-order walk, iterative), each node's
 * from its operands' kept forms, the search rules and the tidying chain, at most `depth` rewrites in
 * a row; every rewrite that built a kept form is in its steps.
 */
export function searchShortest(root: Node, options: SearchOptions): SearchResult {
  // A DAG of few distinct nodes can print as a very long tree (a deep composition repeats its
  // operands): the printed size, counted with repetition, is bounded too.
  const order = postorder(root);
  if (order.length > (options.maxNodes ?? 400) || sizeOf(root) > (options.maxPrinted ?? 4000))
    return { node: root, stop: "too-large", trace: [] };
  try {
    return search(root, order, options);
  } catch (error) {
    // A form too large to print (the cost of a candidate) ends the search; the chain's form stands.
    if (isMatcalcError(error)) return { node: root, stop: "too-large", trace: [] };
    throw error;
  }
}

function search(root: Node, order: readonly Node[], options: SearchOptions): SearchResult {
  const width = options.width ?? 4;
  const depth = options.depth ?? 2;
  let work = options.workBudget ?? 20_000;
  const cost = options.cost;
  const rulesByOp = new Map<string, SearchRule[]>();
  const rulesOf = (op: string) => {
    let rules = rulesByOp.get(op);
    if (rules === undefined) {
      rules = SEARCH_RULES.filter((r) => r.ops!.includes(op));
      rulesByOp.set(op, rules);
    }
    return rules;
  };
  /**
   * What the chain makes of each new operand of a rewritten node (the node's own operator stays).
   * An operand the rewrite kept from the form it rewrote is a form already chosen (c'/2*a, which
   * the chain would write back as 0.5*c'*a): it stays.
   */
  const tidied = (n: Node, kept: readonly Node[]): { node: Node; steps: TraceEntry[] } => {
    const steps: TraceEntry[] = [];
    const args = n.args.map((a) => {
      if (kept.includes(a)) return a;
      // A large operand is kept as built: tidying it would take it apart whole (a long sum's terms
      // collected again for each of its prefixes).
      if (sizeOf(a) > TIDY_SIZE) return a;
      const r = tidiedOnce(a, options.tidy);
      for (const s of r.trace) steps.push(s);
      return r.node;
    });
    const node = args.some((a, i) => a !== n.args[i]) ? rebuild(n, args) : n;
    return { node, steps };
  };

  /** What the chain makes of a rewritten node whole, its own operator included. */
  const whole = (n: Node): { node: Node; steps: readonly TraceEntry[] } => {
    const r = tidiedOnce(n, options.tidy);
    return { node: r.node, steps: r.trace };
  };

  const forms = new Map<Node, readonly Form[]>();
  let stop: SearchStop = "searched";
  for (const node of order) {
    const own: Form = { node, cost: cost(node), steps: [] };
    if (node.args.length === 0 || work <= 0) {
      if (work <= 0) stop = "work-budget";
      forms.set(node, [own]);
      continue;
    }
    const operandForms = node.args.map((a) => forms.get(a)!);
    const found = new Map<Node, Form>([[node, own]]);
    const add = (n: Node, steps: readonly TraceEntry[]): Form | null => {
      if (found.has(n) || !shapesEqual(n.shape, node.shape)) return null;
      const form = { node: n, cost: cost(n), steps };
      found.set(n, form);
      return form;
    };
    let frontier: Form[] = [own];
    for (const picked of choices(operandForms, options.choices ?? 2 * width)) {
      if (picked.every((f, i) => f.node === node.args[i])) continue;
      const built = rebuild(
        node,
        picked.map((f) => f.node),
      );
      const form = add(
        built,
        picked.flatMap((f) => f.steps),
      );
      if (form !== null) frontier.push(form);
    }
    for (let d = 0; d < depth && frontier.length > 0 && work > 0; d++) {
      const next: Form[] = [];
      for (const form of frontier)
        for (const r of rulesOf(form.node.op)) {
          if (--work <= 0) break;
          const rewritten = r.apply(form.node);
          if (rewritten === null || rewritten === form.node) continue;
          const t =
            r.tidyWhole && sizeOf(rewritten) <= 2 * TIDY_SIZE
              ? whole(rewritten)
              : tidied(rewritten, form.node.args);
          const step = { rule: r.name, before: form.node, after: rewritten };
          const made = add(t.node, [...form.steps, step, ...t.steps]);
          if (made !== null) next.push(made);
        }
      frontier = next;
    }
    // The cheapest few; the node itself stays first among equals (a stable sort, and it went in first).
    const kept = [...found.values()].sort((a, b) => a.cost - b.cost).slice(0, width);
    forms.set(node, kept);
  }
  // The root's own form went in first and the sort is stable: another form comes first only when it
  // is strictly cheaper.
  const best = forms.get(root)![0]!;
  return { node: best.node, stop, trace: best.node === root ? [] : once(best.steps) };
}

/** Each step once: an operand met in several places of the DAG brings its rewrites each time. */
function once(steps: readonly TraceEntry[]): TraceEntry[] {
  const seen = new Set<string>();
  return steps.filter((s) => {
    const key = `${s.rule} ${s.before.id} ${s.after.id}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
