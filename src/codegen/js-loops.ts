// The element-wise loops of generated JavaScript: which temporaries a later loop computes entry by
// entry instead of storing (fused loops), and a flat loop as a WebAssembly loop specification where
// WebAssembly computes every operation in it exactly as JavaScript does.
import { shapesEqual } from "../core/index.js";
import type { Node } from "../ir/index.js";
import { formatNumber, OPERATORS, type OperatorName } from "../ops/index.js";
import { helperSumOf, isElementwise, readsTransposedMatrix } from "./lower.js";
import type { Program } from "./program.js";
import type { LoopExpr, LoopOp, LoopSpec } from "./wasm-loop.js";

/**
 * The core operators whose entries a WebAssembly loop computes exactly as the JavaScript loop does,
 * with the loop operation that computes them (mul only with a scalar operand; relu and constants are
 * translated apart; registry entries say so in their code's `exactInWasm`).
 */
const LOOP_OPS = new Map<string, LoopOp>([
  ["add", "add"],
  ["sub", "sub"],
  ["mul", "mul"],
  ["emul", "mul"],
  ["div", "div"],
  ["ediv", "div"],
  ["neg", "neg"],
]);

/**
 * Element-wise temporaries that a single later element-wise loop alone reads, entry by entry: that
 * loop computes each of their entries as a local instead of a pass of their own writing an array (the
 * lecture neuron's X'*w + b, read twice by the next loop). Maps each such temporary's id to its
 * reader's. Loops that read a transposed matrix in place (walked in tiles) take no part.
 */
export function fusedLoops(program: Program): Map<number, number> {
  const named = new Set(program.temporaries.map((t) => t.id));
  const flat = (node: Node) =>
    node.shape.length > 0 &&
    isElementwise(node) &&
    helperSumOf(node) === null &&
    !readsTransposedMatrix(node, (a) => named.has(a.id));
  // For each temporary, who reads it: the id of a flat loop that reads it entry by entry, or -1.
  const readers = new Map<number, Set<number>>();
  const read = (id: number, reader: number) => {
    if (!named.has(id)) return;
    const set = readers.get(id) ?? new Set<number>();
    readers.set(id, set);
    set.add(reader);
  };
  // The loops: temporaries, and element-wise operands of other nodes (a product's), each its own loop.
  const loops = new Map<number, Node>();
  const loopOf = (node: Node) => {
    if (!flat(node)) return -1;
    loops.set(node.id, node);
    return node.id;
  };
  const walk = (node: Node, reader: number) => {
    for (const a of node.args) {
      if (named.has(a.id)) read(a.id, reader);
      else if (a.shape.length > 0 && isElementwise(a)) walk(a, reader >= 0 ? reader : loopOf(a));
      else walk(a, -1);
    }
  };
  for (const t of program.temporaries) walk(t, loopOf(t));
  for (const out of program.outputs) {
    if (out.node) {
      read(out.node.id, -1);
      walk(out.node, named.has(out.node.id) ? -1 : loopOf(out.node));
    }
    if (out.indexForm)
      for (const term of out.indexForm.terms)
        for (const f of term.factors)
          if (f.kind === "tensor") {
            read(f.node.id, -1);
            walk(f.node, -1);
          }
  }
  const fused = new Map<number, number>();
  for (const t of program.temporaries) {
    const set = readers.get(t.id);
    if (!flat(t) || set === undefined || set.size !== 1) continue;
    const reader = loops.get([...set][0]!);
    if (reader !== undefined && shapesEqual(reader.shape, t.shape)) fused.set(t.id, reader.id);
  }
  return fused;
}

/**
 * A flat loop's entry for its WebAssembly build, with the code of its operands (arrays read at
 * entry i, scalars); null where it has an operation WebAssembly does not compute as JavaScript does.
 */
export function loopSpec(
  node: Node,
  ref: (node: Node) => string | undefined,
  fusedNodes: ReadonlyMap<number, Node>,
): { spec: LoopSpec; arrays: string[]; scalars: string[] } | null {
  const arrays: string[] = [];
  const scalars: string[] = [];
  const locals: LoopExpr[] = [];
  const localOf = new Map<number, number>();
  const index = (list: string[], text: string) => {
    const k = list.indexOf(text);
    return k >= 0 ? k : list.push(text) - 1;
  };
  const visit = (n: Node, top = false): LoopExpr | null => {
    const name = top ? undefined : ref(n);
    if (name !== undefined) {
      const inner = fusedNodes.get(n.id);
      if (inner !== undefined) {
        let k = localOf.get(n.id);
        if (k === undefined) {
          const e = visit(inner, true);
          if (e === null) return null;
          k = locals.push(e) - 1;
          localOf.set(n.id, k);
        }
        return { kind: "local", index: k };
      }
      return n.shape.length === 0
        ? { kind: "scalar", index: index(scalars, name) }
        : { kind: "array", index: index(arrays, name) };
    }
    const op = (name: LoopOp, ...args: Node[]): LoopExpr | null => {
      const list: LoopExpr[] = [];
      for (const a of args) {
        const e = visit(a);
        if (e === null) return null;
        list.push(e);
      }
      return { kind: "op", op: name, args: list };
    };
    const a = n.args[0]!;
    if (n.op === "const")
      // The number the JavaScript loop reads (its literal), so that both give the same entries.
      return {
        kind: "const",
        value: n.attrs.symbol === "pi" ? Math.PI : Number(formatNumber(n.attrs.value!)),
      };
    // A product of two arrays is not element-wise; relu is max(x, 0).
    if (n.op === "mul" && a.shape.length > 0 && n.args[1]!.shape.length > 0) return null;
    if (n.op === "relu") {
      const e = visit(a);
      return e === null ? null : { kind: "op", op: "max", args: [e, { kind: "const", value: 0 }] };
    }
    const same = LOOP_OPS.get(n.op) ?? OPERATORS[n.op as OperatorName]?.code?.exactInWasm;
    return same === undefined ? null : op(same, ...n.args);
  };
  const entry = visit(node, true);
  return entry === null
    ? null
    : { spec: { arrays: arrays.length, scalars: scalars.length, locals, entry }, arrays, scalars };
}
