// The fixed-point driver: rewrites bottom-up with named rules until nothing changes or a budget runs
// out, and records which rule fired where (the step-by-step view shows this trace).
import { type Node, type NodeMemo, nodeMemo, postorder } from "../ir/index.js";
import { rebuild } from "../ops/index.js";

export interface RewriteRule {
  /** kebab-case, e.g. `transpose-of-product`. */
  readonly name: string;
  /** The rewritten node, or null when the rule does not apply. Must preserve shape and value. */
  readonly apply: (node: Node) => Node | null;
  /** Remember results by node (for rules whose work is large, such as taking a sum apart). */
  readonly remember?: boolean;
  /**
   * Tried only on products that are not the right operand of another product (the top of a chain of
   * products), for a rule that rewrites a whole chain at once.
   */
  readonly onlyAtChainTop?: boolean;
  /** The operators of the nodes the rule can rewrite (it returns null on any other); all when absent. */
  readonly ops?: readonly string[];
}

export interface Ruleset {
  readonly name: string;
  readonly rules: readonly RewriteRule[];
}

export type StopReason = "fixed-point" | "node-budget" | "pass-budget";

export interface TraceEntry {
  readonly rule: string;
  readonly before: Node;
  readonly after: Node;
}

export interface SimplifyResult {
  readonly node: Node;
  readonly stop: StopReason;
  readonly passes: number;
  readonly trace: readonly TraceEntry[];
}

export interface SimplifyOptions {
  /** Stop when an intermediate expression grows past this many distinct nodes. */
  readonly nodeBudget?: number;
  readonly maxPasses?: number;
  /** Record the trace (off for bulk use). */
  readonly trace?: boolean;
}

/**
 * What the costly rules (those that take a whole sum apart) made of each node. Rules are pure
 * functions of an immutable node, so a sum met again — in the next pass, or as the left part of a
 * longer sum — is not taken apart again.
 */
const memo = new WeakMap<RewriteRule, NodeMemo<Node | null>>();

function applyRule(rule: RewriteRule, node: Node): Node | null {
  if (!rule.remember) return rule.apply(node);
  let table = memo.get(rule);
  if (table === undefined) {
    table = nodeMemo();
    memo.set(rule, table);
  }
  let next = table.get(node);
  if (next === undefined) {
    next = rule.apply(node);
    table.set(node, next);
  }
  return next;
}

/** What rewriting a node came to, and the steps taken on the way (replayed into a trace). */
interface Rewritten {
  readonly node: Node;
  readonly steps: readonly TraceEntry[];
}

/**
 * A rule list prepared for one list of rulesets: the rules, and what rewriting each node came to (at a
 * chain's top and inside a chain). Rules are pure functions of immutable, hash-consed nodes, so a node
 * met again — unchanged in the next pass, or in a later simplification of a larger expression — is
 * not rewritten again.
 */
interface Prepared {
  readonly rules: readonly RewriteRule[];
  /** The rules tried on a node of each operator, at a chain's top and inside a chain. */
  readonly forTop: Map<string, readonly RewriteRule[]>;
  readonly forInside: Map<string, readonly RewriteRule[]>;
  readonly atTop: NodeMemo<Rewritten>;
  readonly inside: NodeMemo<Rewritten>;
}

const prepared = new WeakMap<readonly Ruleset[], Prepared>();

function prepare(rulesets: readonly Ruleset[]): Prepared {
  let p = prepared.get(rulesets);
  if (p === undefined) {
    p = {
      rules: rulesets.flatMap((r) => r.rules),
      forTop: new Map(),
      forInside: new Map(),
      atTop: nodeMemo(),
      inside: nodeMemo(),
    };
    prepared.set(rulesets, p);
  }
  return p;
}

/** The rules that can rewrite a node of operator `op`, in their order. */
function rulesFor(p: Prepared, op: string, insideChain: boolean): readonly RewriteRule[] {
  const table = insideChain ? p.forInside : p.forTop;
  let rules = table.get(op);
  if (rules === undefined) {
    rules = p.rules.filter(
      (r) => (r.ops === undefined || r.ops.includes(op)) && !(insideChain && r.onlyAtChainTop),
    );
    table.set(op, rules);
  }
  return rules;
}

/** Rewrites one node with the first rule that applies, repeatedly, up to a small bound. */
function rewriteHere(node: Node, rules: Prepared, insideChain: boolean): Rewritten {
  const table = insideChain ? rules.inside : rules.atTop;
  const known = table.get(node);
  if (known !== undefined) return known;
  const steps: TraceEntry[] = [];
  let current = node;
  for (let count = 0; count < 64; count++) {
    let fired = false;
    for (const rule of rulesFor(rules, current.op, insideChain)) {
      const next = applyRule(rule, current);
      if (next === null || next === current) continue;
      steps.push({ rule: rule.name, before: current, after: next });
      current = next;
      fired = true;
      break;
    }
    if (!fired) break;
  }
  const done: Rewritten = { node: current, steps };
  table.set(node, done);
  return done;
}

export function runRules(
  root: Node,
  rulesets: readonly Ruleset[],
  options: SimplifyOptions = {},
): SimplifyResult {
  const rules = prepare(rulesets);
  const nodeBudget = options.nodeBudget ?? 200_000;
  const maxPasses = options.maxPasses ?? 40;
  const trace: TraceEntry[] | null = options.trace ? [] : null;
  let current = root;
  for (let pass = 1; pass <= maxPasses; pass++) {
    const done = new Map<number, Node>();
    let visited = 0;
    const order = postorder(current);
    // Products that are the right operand of a product: inside a chain, below its top.
    const inside = new Set<number>();
    for (const node of order) if (node.op === "mul") inside.add(node.args[1]!.id);
    for (const node of order) {
      const args = node.args.map((a) => done.get(a.id)!);
      const rebuilt = rebuild(node, args);
      const rewritten = rewriteHere(rebuilt, rules, inside.has(node.id));
      if (trace !== null) for (const step of rewritten.steps) trace.push(step);
      done.set(node.id, rewritten.node);
      if (++visited > nodeBudget)
        return { node: current, stop: "node-budget", passes: pass, trace: trace ?? [] };
    }
    const next = done.get(current.id)!;
    if (next === current) return { node: current, stop: "fixed-point", passes: pass, trace: trace ?? [] };
    current = next;
  }
  return { node: current, stop: "pass-budget", passes: maxPasses, trace: trace ?? [] };
}
