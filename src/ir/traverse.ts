// Iterative graph walks. User expressions can be thousands of nodes deep (a long sum is a left-deep
// chain), so nothing here recurses.
import { type Node, type NodeMemo, NodeSlot } from "./node.js";

/** Every distinct node reachable from the roots, each after all of its arguments. */
export function postorder(...roots: readonly Node[]): Node[] {
  return postorderOf(roots);
}

/**
 * Which walk saw a node last: each walk takes a new number, so marking a node seen is one write to
 * the node, with no table of every node visited.
 */
const seenBy = new NodeSlot<number>();
let walks = 0;

/** postorder for a list of roots of any length (spreading a huge list would overflow the stack). */
export function postorderOf(roots: readonly Node[]): Node[] {
  const order: Node[] = [];
  walks = (walks + 1) | 0;
  const walk = walks;
  // The path from the root: each node with the index of its next operand to visit.
  const nodes: Node[] = [];
  const next: number[] = [];
  for (const root of roots) {
    if (seenBy.get(root) === walk) continue;
    seenBy.set(root, walk);
    nodes.push(root);
    next.push(0);
    while (nodes.length > 0) {
      const top = nodes.length - 1;
      const node = nodes[top]!;
      const i = next[top]!;
      if (i < node.args.length) {
        next[top] = i + 1;
        const child = node.args[i]!;
        if (seenBy.get(child) !== walk) {
          seenBy.set(child, walk);
          nodes.push(child);
          next.push(0);
        }
      } else {
        order.push(node);
        nodes.pop();
        next.pop();
      }
    }
  }
  return order;
}

/**
 * f at the root, computed bottom-up and remembered in `memo`: only nodes not remembered yet are
 * visited (a known subtree is not walked again). Operands for which `follows` is false are not
 * visited, and f sees undefined for them.
 */
export function foldRemembered<T>(
  root: Node,
  memo: NodeMemo<T>,
  f: (node: Node, args: readonly (T | undefined)[]) => T,
  follows: (arg: Node) => boolean = always,
): T {
  const known = memo.get(root);
  if (known !== undefined) return known;
  const stack: Node[] = [root];
  while (stack.length > 0) {
    const node = stack[stack.length - 1]!;
    if (memo.has(node)) {
      stack.pop();
      continue;
    }
    const operands = node.args;
    let ready = true;
    for (let i = 0; i < operands.length; i++) {
      const a = operands[i]!;
      if (follows(a) && !memo.has(a)) {
        stack.push(a);
        ready = false;
      }
    }
    if (!ready) continue;
    stack.pop();
    const args = new Array<T | undefined>(operands.length);
    for (let i = 0; i < operands.length; i++) {
      const a = operands[i]!;
      args[i] = follows(a) ? memo.get(a) : undefined;
    }
    memo.set(node, f(node, args));
  }
  return memo.get(root)!;
}

const always = () => true;

/** Number of distinct nodes (the DAG size) reachable from the roots. */
export function dagSize(...roots: readonly Node[]): number {
  return postorder(...roots).length;
}

/** Names of the variables under the root, in first-appearance order. */
export function freeVariables(root: Node): string[] {
  const names: string[] = [];
  for (const node of postorder(root)) {
    if (node.op === "var" && node.attrs.name !== undefined && !names.includes(node.attrs.name))
      names.push(node.attrs.name);
  }
  return names;
}

/**
 * The terms of a sum with their signs, left to right, found by a loop (a long sum is a deep chain):
 * `isSum` says which nodes are sums to take apart (their op is "add" or "sub").
 */
export function signedTerms(
  root: Node,
  isSum: (node: Node) => boolean,
): Array<{ readonly term: Node; readonly negative: boolean }> {
  const terms: Array<{ term: Node; negative: boolean }> = [];
  const pending = [{ term: root, negative: false }];
  while (pending.length > 0) {
    const { term, negative } = pending.pop()!;
    if (isSum(term)) {
      pending.push({ term: term.args[1]!, negative: term.op === "sub" ? !negative : negative });
      pending.push({ term: term.args[0]!, negative });
    } else terms.push({ term, negative });
  }
  return terms;
}
