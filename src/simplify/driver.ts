// The fixed-point driver: rewrites bottom-up with named rules until nothing changes or a budget runs
// out, and records which rule fired where (the step-by-step view shows this trace).

import { shapesEqual } from "../core/index.js";
import { type Node, type NodeMemo, NodeSlot, nodeMemo, postorder } from "../ir/index.js";
import { rebuild } from "../ops/index.js";

export interface RewriteRule {
  /** kebab-case, e.g. `transpose-of-product`. */
  readonly name: string;
  /** The rewritten node, or null when the rule does not apply. Must preserve shape and value. */
  readonly apply: (node: Node) => Node | null;
  /** Remember results by node (for rules whose work is large, such as taking a sum apart). */
  readonly remember?: boolean;
  /**
   * Tried only at the top of a chain, for a rule that rewrites a whole chain at once: on a product
   * that is not the right operand of another product, or on a sum that is not the left operand of a
   * sum of its shape (a long sum leans left, and collecting each of its prefixes would take
   * quadratic time).
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

/**
 * What `compute` gives for a node under a key (a rule, a list of rulesets), remembered on the node: a
 * table per key, each a pure function of immutable nodes.
 */
export function rememberedFor<K extends object, V>(
  tables: WeakMap<K, NodeMemo<V>>,
  key: K,
  node: Node,
  compute: () => V,
): V {
  let table = tables.get(key);
  if (table === undefined) {
    table = nodeMemo();
    tables.set(key, table);
  }
  let value = table.get(node);
  if (value === undefined) {
    value = compute();
    table.set(node, value);
  }
  return value;
}

function applyRule(rule: RewriteRule, node: Node): Node | null {
  if (!rule.remember) return rule.apply(node);
  return rememberedFor(memo, rule, node, () => rule.apply(node));
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
  let settled = false;
  for (let count = 0; count < 64 && !settled; count++) {
    settled = true;
    for (const rule of rulesFor(rules, current.op, insideChain)) {
      const next = applyRule(rule, current);
      if (next === null || next === current) continue;
      // A rule keeps the shape; one that would not (a 1×1 row for a scalar, say) does not apply here.
      // (transpose-of-product turns (x*x')' with x of size 1, a 1-vector, into x*x', a 1×1 row.)
      if (!shapesEqual(next.shape, current.shape)) continue;
      steps.push({ rule: rule.name, before: current, after: next });
      current = next;
      settled = false;
      break;
    }
  }
  const done: Rewritten = { node: current, steps };
  table.set(node, done);
  // No rule rewrites the result here: met again (in the next pass), it is not tried again.
  if (settled && current !== node && table.get(current) === undefined)
    table.set(current, { node: current, steps: [] });
  return done;
}

/**
 * Per pass, on the nodes themselves (a pass takes a new number; no table of every node visited): the
 * pass that last rewrote a node and what it came to, and the pass that found it the right operand of a
 * product (inside a chain). Rules never simplify, so passes do not nest.
 */
const rewrittenIn = new NodeSlot<number>();
const rewrittenTo = new NodeSlot<Node>();
const insideIn = new NodeSlot<number>();
let passes = 0;

/** What `node` came to in pass `pass` (its operands were all rewritten before it). */
function resultOf(node: Node, pass: number): Node {
  if (rewrittenIn.get(node) !== pass) throw new Error("internal: an operand was not rewritten in this pass");
  return rewrittenTo.get(node)!;
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
  for (let count = 1; count <= maxPasses; count++) {
    passes = (passes + 1) | 0;
    const pass = passes;
    let visited = 0;
    const order = postorder(current);
    // Products that are the right operand of a product, and sums that are the left operand of a sum
    // of their shape: inside a chain, below its top.
    for (const node of order) {
      if (node.op === "mul" && node.args[1]!.op === "mul") insideIn.set(node.args[1]!, pass);
      if (node.op !== "add" && node.op !== "sub") continue;
      const left = node.args[0]!;
      if ((left.op === "add" || left.op === "sub") && shapesEqual(left.shape, node.shape))
        insideIn.set(left, pass);
    }
    for (const node of order) {
      // The node with its rewritten operands (itself when none changed).
      let rebuilt = node;
      const n = node.args.length;
      for (let i = 0; i < n; i++) {
        if (resultOf(node.args[i]!, pass) === node.args[i]) continue;
        const args = new Array<Node>(n);
        for (let j = 0; j < n; j++) args[j] = resultOf(node.args[j]!, pass);
        rebuilt = rebuild(node, args);
        break;
      }
      const rewritten = rewriteHere(rebuilt, rules, insideIn.get(node) === pass);
      if (trace !== null) for (const step of rewritten.steps) trace.push(step);
      rewrittenIn.set(node, pass);
      rewrittenTo.set(node, rewritten.node);
      if (++visited > nodeBudget)
        return { node: current, stop: "node-budget", passes: count, trace: trace ?? [] };
    }
    const next = resultOf(current, pass);
    if (next === current) return { node: current, stop: "fixed-point", passes: count, trace: trace ?? [] };
    current = next;
  }
  return { node: current, stop: "pass-budget", passes: maxPasses, trace: trace ?? [] };
}
