// A straight-line program for a set of outputs (a value and derivatives): every node of the shared
// DAG once, in dependency order, with the decision of which nodes get a named temporary. The target
// printers (JavaScript/TypeScript, NumPy, PyTorch, JAX) read this one program, so all of them compute
// common subexpressions once and name the same temporaries.
import { type Dim, isSizeSymbol, type Shape } from "../core/index.js";
import { type IndexForm, type Node, postorderOf } from "../ir/index.js";
import { commentLine } from "./comment.js";
import { helperSumOf, isElementwise, isTransposedMatrix, valuesRead } from "./lower.js";
import { orderProducts, type Sizes } from "./order.js";

export interface ProgramInput {
  /** The variable's name in the problem. */
  readonly name: string;
  readonly shape: Shape;
  readonly symmetric: boolean;
}

export interface ProgramOutput {
  /** The key of the returned record: "value", "d_w", "d2_w". */
  readonly key: string;
  /** One line for the header: what the output is, its shape and layout. */
  readonly description: string;
  /** The output as a formula (the header shows it). */
  readonly formula: string;
  readonly shape: Shape;
  /** A matrix expression, or null when the output is given in index form. */
  readonly node: Node | null;
  readonly indexForm: IndexForm | null;
}

export interface ProgramSpec {
  /**
   * The problem's expression, printed from the IR for the header. Never the text the user typed:
   * generated code holds nothing of it but the names of variables and sizes, which are identifiers.
   */
  readonly problem: string;
  readonly inputs: readonly ProgramInput[];
  readonly outputs: readonly ProgramOutput[];
  /** Lines of the header after the problem (layout, conventions). */
  readonly notes: readonly string[];
  /** The sizes the code will run at, when known: products are then grouped by cost. */
  readonly knownSizes?: Sizes | undefined;
}

export interface Program extends ProgramSpec {
  /** Nodes computed into named temporaries, in dependency order. */
  readonly temporaries: readonly Node[];
  /** The size symbols, each with the input and axis it is read from. */
  readonly sizes: ReadonlyArray<{ readonly symbol: string; readonly input: string; readonly axis: number }>;
  /** Nodes that depend on no variable (constants and sizes only). */
  readonly constantNodes: ReadonlySet<number>;
}

const LEAVES = new Set(["var", "const", "size"]);

/** Rough size of a node printed inline: past this a subexpression gets its own name. */
const INLINE_LIMIT = 10;

/** The tensor-valued nodes that an index-form output reads. */
function indexFormNodes(form: IndexForm): Node[] {
  const nodes: Node[] = [];
  for (const term of form.terms) for (const f of term.factors) if (f.kind === "tensor") nodes.push(f.node);
  return nodes;
}

/** The outputs with products ordered by cost (see order.ts); index forms keep their factors. */
function ordered(outputs: readonly ProgramOutput[], sizes?: Sizes): ProgramOutput[] {
  const nodes = outputs.flatMap((o) => (o.node ? [o.node] : []));
  const map = orderProducts(nodes, sizes);
  return outputs.map((o) => (o.node ? { ...o, node: map.get(o.node.id)! } : o));
}

export function buildProgram(input: ProgramSpec): Program {
  const spec = { ...input, outputs: ordered(input.outputs, input.knownSizes) };
  const roots: Node[] = [];
  for (const out of spec.outputs) {
    if (out.node) roots.push(out.node);
    if (out.indexForm) roots.push(...indexFormNodes(out.indexForm));
  }
  const order = postorderOf(roots);
  const uses = new Map<number, number>();
  const use = (n: Node) => uses.set(n.id, (uses.get(n.id) ?? 0) + 1);
  for (const node of order) for (const a of node.args) use(a);
  for (const r of roots) use(r);

  const named = new Set<number>();
  const constantNodes = new Set<number>();
  const weight = new Map<number, number>();
  const temporaries: Node[] = [];
  const mustName = new Set<number>();
  // Operands that an element-wise loop reads entry by entry must be values already: a scalar
  // subexpression is computed once outside the loop, a matrix product or inverse before it.
  for (const node of order) {
    if (!isElementwise(node) || node.shape.length === 0) continue;
    // A helper sum is one call, not a loop: it reads its operands itself, some entry by entry.
    const helper = helperSumOf(node);
    if (helper !== null) {
      for (const v of valuesRead(helper)) if (!LEAVES.has(v.op)) mustName.add(v.id);
      continue;
    }
    for (const a of node.args) {
      if (LEAVES.has(a.op)) continue;
      if (helperSumOf(a) !== null) {
        mustName.add(a.id);
        continue;
      }
      // A transposed matrix is read in place by the loop (through its operand, which must be a value).
      if (isTransposedMatrix(a)) {
        const inner = a.args[0]!;
        if (!LEAVES.has(inner.op)) mustName.add(inner.id);
        continue;
      }
      if (a.shape.length === 0 || !isElementwise(a)) mustName.add(a.id);
    }
  }
  // Index-form outputs read their factors entry by entry: those are values too.
  for (const out of spec.outputs) {
    if (out.indexForm)
      for (const n of indexFormNodes(out.indexForm)) if (!LEAVES.has(n.op)) mustName.add(n.id);
  }
  for (const node of order) {
    if (node.op === "var" || node.op === "size") {
      named.add(node.id);
      if (node.op === "size") constantNodes.add(node.id);
      continue;
    }
    if (node.op !== "var" && node.args.every((a) => constantNodes.has(a.id))) constantNodes.add(node.id);
    if (node.op === "const") continue;
    let w = 1;
    for (const a of node.args) if (!named.has(a.id)) w += weight.get(a.id) ?? 0;
    // A transpose of a matrix and a diagonal matrix are read in place by the products that use them
    // (a'*b, diag(v)*b): naming them for being shared would build them.
    const view = (node.op === "transpose" && node.args[0]!.shape.length === 2) || node.op === "diagMatrix";
    const shared = (uses.get(node.id) ?? 0) > 1 && !view;
    if (shared || mustName.has(node.id) || w > INLINE_LIMIT) {
      named.add(node.id);
      temporaries.push(node);
      w = 0;
    }
    weight.set(node.id, w);
  }

  const sizes: { symbol: string; input: string; axis: number }[] = [];
  const seen = new Set<string>();
  for (const input of spec.inputs) {
    input.shape.forEach((d: Dim, axis) => {
      if (typeof d === "string" && isSizeSymbol(d) && !seen.has(d)) {
        seen.add(d);
        sizes.push({ symbol: d, input: input.name, axis });
      }
    });
  }
  return { ...spec, temporaries, sizes, constantNodes };
}
/** Names for the generated code: the problem's own names where the target allows them. */
export class NameTable {
  private readonly used = new Set<string>();
  private readonly names = new Map<string, string>();

  constructor(private readonly reserved: ReadonlySet<string>) {}

  /** The code name for `key`, `preferred` if free (the same one every time it is asked). */
  name(key: string, preferred: string): string {
    const existing = this.names.get(key);
    if (existing !== undefined) return existing;
    let candidate = preferred;
    while (this.reserved.has(candidate) || this.used.has(candidate)) candidate = `${candidate}_`;
    this.used.add(candidate);
    this.names.set(key, candidate);
    return candidate;
  }

  /** Where each stem's numbering goes on (asking from 1 every time would be quadratic). */
  private readonly next = new Map<string, number>();

  /** A fresh name with the given stem: t1, t2, … */
  fresh(stem: string): string {
    for (let k = this.next.get(stem) ?? 1; ; k++) {
      const candidate = `${stem}${k}`;
      if (!this.reserved.has(candidate) && !this.used.has(candidate)) {
        this.used.add(candidate);
        this.next.set(stem, k + 1);
        return candidate;
      }
    }
  }
}

/**
 * The header: the problem's expression, the inputs and what each output is — all printed from the IR,
 * each line escaped as a comment (`commentLine`), so no text can leave it.
 */
export function headerLines(program: Program, marker: "//" | "#"): string[] {
  const lines = [program.problem];
  lines.push(`inputs: ${program.inputs.map((i) => `${i.name}: ${describeInput(i)}`).join(", ")}`);
  lines.push("returns:");
  for (const out of program.outputs) {
    lines.push(`  ${out.key}: ${out.description}`);
    const formula = out.formula.length > 240 ? `${out.formula.slice(0, 240)}…` : out.formula;
    if (out.key !== "value") lines.push(`    = ${formula}`);
  }
  lines.push(...program.notes);
  return lines.map((line) => commentLine(marker, line));
}

function describeInput(input: ProgramInput): string {
  if (input.shape.length === 0) return "scalar";
  if (input.symmetric) return `symmetric(${input.shape[0]})`;
  if (input.shape.length === 1) return `vector(${input.shape[0]})`;
  return `matrix(${input.shape.join(", ")})`;
}
