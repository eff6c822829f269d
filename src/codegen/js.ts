// JavaScript and TypeScript from a program: one function taking the variables (numbers, arrays of
// numbers, arrays of rows) and returning the value and derivatives as numbers and arrays. Matrices are
// `Mat` records over Float64Array; element-wise subexpressions become one `build` loop each.
import { assertNever, type Dim, dimExpression, formatShape, type Shape } from "../core/index.js";
import type { IndexForm, Node } from "../ir/index.js";
import {
  type CoreCodeOperator,
  formatNumber,
  fractionText,
  OPERATORS,
  type OperatorCode,
  type OperatorName,
} from "../ops/index.js";
import { fusedLoops, loopSpec } from "./js-loops.js";
import { HELPER_NAMES, helperSource } from "./js-runtime.js";
import {
  einsumTerm,
  helperSumOf,
  isElementwise,
  isTransposedMatrix,
  productForm,
  readsTransposedMatrix,
} from "./lower.js";
import { atom, Binding, fillTemplate, type Printed, wrap } from "./printed.js";
import { headerLines, NameTable, type Program, type ProgramInput, type ProgramOutput } from "./program.js";
import { wasmLoop } from "./wasm-loop.js";

const JS_KEYWORDS: ReadonlySet<string> = new Set(
  (
    "break case catch class const continue debugger default delete do else enum export extends false finally " +
    "for function if import in instanceof new null return super switch this throw true try typeof var void " +
    "while with yield let static implements interface package private protected public await arguments eval"
  ).split(" "),
);
/** Globals and locals that the generated code reads by name. */
const JS_USED: ReadonlySet<string> = new Set(
  "Math Error Float64Array Int32Array Array Number Infinity NaN undefined inputs i".split(" "),
);
const JS_RESERVED = new Set([...JS_KEYWORDS, ...JS_USED]);

/** Why a name cannot be the generated JavaScript function's name, or null. */
export function jsNameConflict(name: string): string | null {
  if (JS_KEYWORDS.has(name)) return "a reserved word of JavaScript";
  if (JS_USED.has(name) || HELPER_NAMES.has(name)) return "a name the generated code uses";
  return null;
}

// Binding strengths: 1 conditional, 2 sum, 3 product, 4 unary, 5 atom.

export interface JsOptions {
  readonly typed: boolean;
  readonly name: string;
  /** Return matrices as they are computed ({rows, cols, data}) instead of as arrays. */
  readonly raw?: boolean;
  /** Helpers the caller provides (bound before the code runs) instead of their source. */
  readonly external?: ReadonlySet<string>;
  /**
   * Reuse the arrays of element-wise results from one call to the next (they are overwritten, entry
   * by entry): saves allocating them, but a result is valid only until the next call.
   */
  readonly reuse?: boolean;
  /**
   * Where given, each element-wise loop that WebAssembly computes exactly (see wasm-loop.ts) gets a
   * module, pushed here; the code calls the external `elementwise(k, out, arrays, scalars)` with the
   * module's index and falls back to its JavaScript loop when that returns false.
   */
  readonly wasmLoops?: Uint8Array<ArrayBuffer>[];
}

/** Rows and columns of a node's shape as code. */
function matrixSizes(shape: Shape, size: (d: Dim) => string): [string, string] {
  if (shape.length === 1) return [size(shape[0]!), "1"];
  return [size(shape[0]!), size(shape[1]!)];
}

export function printJs(program: Program, options: JsOptions): string {
  const names = new NameTable(
    new Set([...JS_RESERVED, ...HELPER_NAMES, ...(options.external ?? []), options.name]),
  );
  const used = new Set<string>();
  const call = (helper: string, ...args: string[]) => {
    used.add(helper);
    return `${helper}(${args.join(", ")})`;
  };
  const nodeNames = new Map<number, string>();
  // Sizes and variables keep their own names where JavaScript allows.
  const sizeName = (d: Dim) => dimExpression(d, (s) => names.name(`size:${s}`, s));
  for (const input of program.inputs) names.name(`var:${input.name}`, input.name);

  const fused = fusedLoops(program);
  /** Temporaries computed entry by entry inside their reader's loop (their name is a number there). */
  const fusedNodes = new Map(program.temporaries.filter((t) => fused.has(t.id)).map((t) => [t.id, t]));
  /** For a loop, the statements computing its fused operands' entries (in dependency order). */
  const fusedBefore = new Map<number, string[]>();
  const ref = (node: Node): string | undefined => {
    if (node.op === "var") return names.name(`var:${node.attrs.name!}`, node.attrs.name!);
    if (node.op === "size") return sizeName(node.attrs.name!);
    return nodeNames.get(node.id);
  };

  /** A scalar expression; inside an element-wise loop (`entry`), matrices are read at entry i. */
  // Inside an element-wise loop: flat (entry i) or, when a transposed matrix is read, a grid of rows r
  // and columns c of the result (rows × cols) walked in 64×64 tiles, the transpose read as its operand's
  // (c, r), each matrix's data under a local name.
  let grid: { rows: string; cols: string; data: Map<string, string> } | null = null;
  /** The data array of a matrix inside a grid loop, under a local name (read faster than a.data). */
  const dataOf = (name: string) => {
    if (!grid) return `${name}.data`;
    let local = grid.data.get(name);
    if (local === undefined) {
      local = names.fresh(`${name.replace(/\W/g, "")}_`);
      grid.data.set(name, local);
    }
    return local;
  };
  const at = (name: string) => (grid ? `${dataOf(name)}[r * ${grid.cols} + c]` : `${name}.data[i]`);
  const scalar = (node: Node, entry: boolean): Printed => {
    const name = ref(node);
    if (name !== undefined)
      return atom(node.shape.length === 0 || fused.has(node.id) ? name : entry ? at(name) : name);
    if (entry && grid && isTransposedMatrix(node)) {
      return atom(`${dataOf(tensor(node.args[0]!))}[c * ${grid.rows} + r]`);
    }
    const op = node.op as OperatorName;
    const arg = (k: number) => scalar(node.args[k]!, entry);
    const fn = (f: string, ...ks: number[]) => atom(`${f}(${ks.map((k) => arg(k).text).join(", ")})`);
    const tensorArg = (k: number) => tensor(node.args[k]!);
    const binary = (symbol: string): Printed => ({
      text: `${wrap(arg(0), Binding.Product)} ${symbol} ${wrap(arg(1), Binding.Unary)}`,
      prec: Binding.Product,
    });
    // An operator with code writes itself (its registry entry's).
    const code = OPERATORS[op].code;
    if (code !== undefined) return entryCode(node, code, entry);
    const core = op as CoreCodeOperator;
    switch (core) {
      case "const": {
        if (node.attrs.symbol === "pi") return atom("Math.PI");
        const v = node.attrs.value!;
        // A fraction is written as one (1/3 is the double nearest a third in JavaScript too).
        const fraction = fractionText(v);
        if (fraction !== null) return { text: fraction, prec: Binding.Product };
        return v < 0 ? { text: formatNumber(v), prec: Binding.Product } : atom(formatNumber(v));
      }
      case "add":
        return { text: `${wrap(arg(0), Binding.Sum)} + ${wrap(arg(1), Binding.Sum)}`, prec: Binding.Sum };
      case "sub":
        return { text: `${wrap(arg(0), Binding.Sum)} - ${wrap(arg(1), Binding.Product)}`, prec: Binding.Sum };
      case "neg":
        // A negated non-atom is bracketed: `--x` would be a decrement.
        return { text: `-${wrap(arg(0), Binding.Atom)}`, prec: Binding.Unary };
      case "mul":
        if (node.args[0]!.shape.length > 0 && node.args[1]!.shape.length > 0) {
          // A 1×n row times an n-vector (the product's "inner" form).
          return atom(call("dot", tensorArg(0), tensorArg(1)));
        }
        return binary("*");
      case "emul":
        return binary("*");
      case "div":
      case "ediv":
        return binary("/");
      case "pow":
      case "epow":
        return fn("Math.pow", 0, 1);
      case "transpose":
        return arg(0);
      case "zeros":
        return atom("0");
      case "var":
      case "size":
      case "identity":
      case "ones":
      case "stack":
      case "block":
        throw new Error(`internal: ${op} is not a number`);
      default:
        return assertNever(core);
    }
  };

  /**
   * An operator's registry code: element-wise ones on their operands' entries (inside a loop, or on
   * numbers), any other on whole values (numbers and matrices), calling the runtime's functions.
   */
  const entryCode = (node: Node, code: OperatorCode, entry: boolean): Printed => {
    const calls = () => {
      for (const helper of code.runtime ?? []) used.add(helper);
    };
    if (isElementwise(node)) {
      calls();
      return fillTemplate(
        code.js,
        node.args.map((a) => scalar(a, entry)),
      );
    }
    const args = node.args.map((a): Printed => (a.shape.length === 0 ? scalar(a, false) : atom(tensor(a))));
    if (code.jsOfNumber !== undefined && node.args[0]!.shape.length === 0)
      return fillTemplate(code.jsOfNumber, args);
    calls();
    const printed = fillTemplate(code.js, args);
    if (code.writesInto && node.shape.length > 0) {
      // The template is one call, given a working matrix last where the caller's function takes one.
      const [rows, cols] = matrixSizes(node.shape, sizeName);
      const into = intoFor(code.runtime![0]!, rows, cols);
      if (into.length > 0) return atom(`${printed.text.slice(0, -1)}, ${into[0]})`);
    }
    return printed;
  };

  /** An expression for a matrix-valued node. */
  const tensor = (node: Node): string => {
    const name = ref(node);
    if (name !== undefined) return name;
    const [rows, cols] = matrixSizes(node.shape, sizeName);
    const helper = helperSumOf(node);
    if (helper !== null) {
      const into = options.reuse ? [allocate(rows, cols)] : [];
      if (helper.kind === "plusTransposeTimes")
        return call("plusTransposeTimes", tensor(helper.p), tensor(helper.x), ...into);
      if (helper.kind === "addTranspose") return call("addTranspose", tensor(helper.p), ...into);
      const [p, q, t] = [tensor(helper.p), tensor(helper.q), tensor(helper.t)];
      const [alpha, beta, transposed] = [helper.alpha, helper.beta, helper.transposed].map(String);
      return call("matmulPlus", alpha!, p, q, transposed!, beta!, t, ...into);
    }
    if (isElementwise(node)) {
      // One fused loop, written out before the statement that needs it.
      const name = names.fresh("t");
      pending.push(...loop(node, name));
      return name;
    }
    const op = node.op as OperatorName;
    const code = OPERATORS[op].code;
    if (code !== undefined) return entryCode(node, code, false).text;
    const core = op as CoreCodeOperator;
    const arg = (k: number) => tensor(node.args[k]!);
    // An operand computed only as part of this node (not named, so not computed on its own).
    const view = (x: Node, what: string) => x.op === what && ref(x) === undefined;
    switch (core) {
      case "mul": {
        const form = productForm(node, (x) => ref(x) === undefined);
        switch (form.kind) {
          case "gram":
            // Symmetric: half of it is computed.
            return call("gram", tensor(form.x), form.weights === null ? "null" : tensor(form.weights));
          case "scaleRows":
            return call("scaleRows", tensor(form.v), tensor(form.m));
          case "scaleCols":
            return call("scaleCols", tensor(form.m), tensor(form.v));
          case "inner":
            throw new Error("internal: an inner product is a number");
          case "outer":
          case "product": {
            // With reuse, a product is computed into its own working matrix.
            const into = options.reuse ? [allocate(rows, cols)] : [];
            if (form.kind === "outer") return call("matmul", tensor(form.a), tensor(form.b), ...into);
            if (form.transA) return call("matmulTN", tensor(form.a), tensor(form.b), ...into);
            if (form.transB) return call("matmulNT", tensor(form.a), tensor(form.b), ...into);
            return call("matmul", tensor(form.a), tensor(form.b), ...into);
          }
          default:
            return assertNever(form);
        }
      }
      case "transpose": {
        // inv(X)' computed once as such: the library writes the inverse transposed as it goes.
        const inner = node.args[0]!;
        if (view(inner, "inv")) return call("invT", tensor(inner.args[0]!), ...intoFor("invT", rows, cols));
        return call("transpose", arg(0));
      }
      case "identity":
        return call("eye", rows);
      case "ones":
        return call("build", rows, cols, "() => 1");
      case "zeros":
        return call("build", rows, cols, "() => 0");
      case "stack":
        return call("fromEntries", rows, cols, `[${node.args.map((a) => scalar(a, false).text).join(", ")}]`);
      case "block":
        return call(
          "block",
          String(node.attrs.columns!),
          `[${node.args.map((a) => (a.shape.length === 0 ? scalar(a, false).text : tensor(a))).join(", ")}]`,
        );
      case "var":
      case "size":
      case "const":
      case "add":
      case "sub":
      case "neg":
      case "div":
      case "emul":
      case "ediv":
      case "pow":
      case "epow":
        throw new Error(`internal: ${op} is written by its loop or is a number`);
      default:
        return assertNever(core);
    }
  };

  const expression = (node: Node) => (node.shape.length === 0 ? scalar(node, false).text : tensor(node));

  let site = 0;
  const allocate = (rows: string, cols: string) =>
    options.reuse ? call("buffer", String(site++), rows, cols) : call("alloc", rows, cols);
  /** A working matrix for a helper the caller provides that writes its result into one (with reuse). */
  const intoFor = (helper: string, rows: string, cols: string) =>
    options.reuse && options.external?.has(helper) ? [allocate(rows, cols)] : [];

  /** Statements a subexpression needs first (fused loops); flushed before the statement using them. */
  const pending: string[] = [];
  /** Whether the loop for node reads a transposed matrix in place. */
  const readsTranspose = (node: Node): boolean => readsTransposedMatrix(node, (a) => ref(a) !== undefined);
  /** A flat loop's WebAssembly build (see loopSpec), or null. */
  const loopSpecFor = (node: Node) => loopSpec(node, ref, fusedNodes);

  function loop(node: Node, name: string): string[] {
    const [rows, cols] = matrixSizes(node.shape, sizeName);
    if (!readsTranspose(node)) {
      const entry = scalar(node, true).text;
      const locals = fusedBefore.get(node.id);
      const store = `${name}.data[i] = ${entry};`;
      const js = `for (let i = 0; i < ${name}.data.length; i++) ${locals ? `{ ${[...locals, store].join(" ")} }` : store}`;
      const wasm = options.wasmLoops ? loopSpecFor(node) : null;
      if (wasm === null) return [`const ${name} = ${allocate(rows, cols)};`, js];
      const k = options.wasmLoops!.push(wasmLoop(wasm.spec)) - 1;
      const run = call(
        "elementwise",
        String(k),
        name,
        `[${wasm.arrays.join(", ")}]`,
        `[${wasm.scalars.join(", ")}]`,
      );
      return [`const ${name} = ${allocate(rows, cols)};`, `if (!${run}) ${js}`];
    }
    grid = { rows, cols, data: new Map() };
    const target = dataOf(name);
    const entry = scalar(node, true).text;
    const locals = [...grid.data].map(([matrix, local]) => `const ${local} = ${matrix}.data;`);
    grid = null;
    return [
      `const ${name} = ${allocate(rows, cols)};`,
      ...locals,
      `for (let r0 = 0; r0 < ${rows}; r0 += 64) {`,
      `  const r1 = Math.min(r0 + 64, ${rows});`,
      `  for (let c0 = 0; c0 < ${cols}; c0 += 64) {`,
      `    const c1 = Math.min(c0 + 64, ${cols});`,
      `    for (let r = r0; r < r1; r++) for (let c = c0; c < c1; c++) ${target}[r * ${cols} + c] = ${entry};`,
      "  }",
      "}",
    ];
  }
  const flush = () => {
    body.push(...pending);
    pending.length = 0;
  };

  const body: string[] = [];
  // Inputs: converted and checked.
  const inputType = (input: ProgramInput) =>
    input.shape.length === 0 ? "number" : input.shape.length === 1 ? "ArrayLike<number>" : "number[][]";
  for (const input of program.inputs) {
    const local = names.name(`var:${input.name}`, input.name);
    const arg = `inputs.${input.name}`;
    const converter =
      input.shape.length === 0 ? "scalarArg" : input.shape.length === 1 ? "vectorArg" : "matrixArg";
    body.push(`const ${local} = ${call(converter, JSON.stringify(input.name), arg)};`);
  }
  for (const s of program.sizes) {
    const input = program.inputs.find((i) => i.name === s.input)!;
    const local = names.name(`var:${input.name}`, input.name);
    const axis = input.shape.length === 1 || s.axis === 0 ? "rows" : "cols";
    body.push(`const ${sizeName(s.symbol)} = ${local}.${axis};`);
  }
  for (const input of program.inputs) {
    if (input.shape.length === 0) continue;
    const local = names.name(`var:${input.name}`, input.name);
    const [rows, cols] = matrixSizes(input.shape, sizeName);
    const expected = formatShape(input.shape.length === 1 ? [input.shape[0]!, 1] : input.shape);
    body.push(
      `${call("expectShape", JSON.stringify(input.name), local, rows, cols, JSON.stringify(expected))};`,
    );
  }
  body.push("");
  for (const node of program.temporaries) {
    const reader = fused.get(node.id);
    if (reader !== undefined) {
      // Computed entry by entry in its reader's loop (with the entries fused into it in turn).
      const entry = scalar(node, true).text;
      flush();
      const name = names.fresh("t");
      const before = [...(fusedBefore.get(node.id) ?? []), `const ${name} = ${entry};`];
      fusedBefore.set(reader, [...(fusedBefore.get(reader) ?? []), ...before]);
      nodeNames.set(node.id, name);
      continue;
    }
    if (node.shape.length > 0 && isElementwise(node) && helperSumOf(node) === null) {
      const name = names.fresh("t");
      const lines = loop(node, name);
      flush();
      body.push(...lines);
      nodeNames.set(node.id, name);
      continue;
    }
    const text = expression(node);
    const name = names.fresh("t");
    nodeNames.set(node.id, name);
    flush();
    body.push(`const ${name} = ${text};`);
  }
  const returned: string[] = [];
  const outputTypes: string[] = [];
  for (const out of program.outputs) {
    const key = out.key;
    let text: string;
    let type: string;
    if (out.node) {
      const shape = out.node.shape;
      if (shape.length === 0) {
        text = expression(out.node);
        type = "number";
      } else if (options.raw) {
        text = tensor(out.node);
        type = "Mat";
      } else {
        const flat = shape.length === 1 || shape[0] === 1 || shape[1] === 1;
        text = call(flat ? "toFlat" : "toRows", tensor(out.node));
        type = flat ? "number[]" : "number[][]";
      }
    } else {
      const local = names.fresh(`${key}_`);
      const lines = indexFormSum(
        out,
        local,
        sizeName,
        ref,
        expression,
        call,
        options.reuse ? allocate : null,
      );
      flush();
      body.push(...lines);
      const shape = out.indexForm!.indices.map((i) => sizeName(out.indexForm!.sizes[i]!));
      text = options.raw
        ? `{ shape: [${shape.join(", ")}], data: ${local} }`
        : call("toNested", local, `[${shape.join(", ")}]`);
      type = options.raw ? "{ shape: number[]; data: Float64Array }" : "Nested";
    }
    const local = names.name(`out:${key}`, key);
    flush();
    body.push(`const ${local} = ${text};`);
    returned.push(local === key ? key : `${key}: ${local}`);
    outputTypes.push(`${key}: ${type}`);
  }
  body.push(`return { ${returned.join(", ")} };`);

  const parameterType = options.typed
    ? `: { ${program.inputs.map((i) => `${i.name}: ${inputType(i)}`).join("; ")} }`
    : "";
  const resultType = options.typed ? `: { ${outputTypes.join("; ")} }` : "";
  const lines = [
    ...headerLines(program, "//"),
    "",
    `export function ${options.name}(inputs${parameterType})${resultType} {`,
    ...body.map((l) => (l === "" ? "" : `  ${l}`)),
    "}",
    "",
    helperSource(used, options.typed, options.external),
    "",
  ];
  return lines.join("\n");
}

/** An index-form output as a sum of einsum terms (each contracted pair by pair, cheapest pair first). */
function indexFormSum(
  out: ProgramOutput,
  local: string,
  sizeName: (d: Dim) => string,
  ref: (node: Node) => string | undefined,
  expression: (node: Node) => string,
  call: (helper: string, ...args: string[]) => string,
  buffer: ((rows: string, cols: string) => string) | null,
): string[] {
  const form: IndexForm = out.indexForm!;
  const total = form.indices.map((i) => sizeName(form.sizes[i]!)).join(" * ") || "1";
  // A fresh array is zero; a working matrix kept from the last call (reuse) is cleared.
  const zeros = buffer === null ? `new Float64Array(${total})` : call("clear", `${buffer(total, "1")}.data`);
  const lines = [`const ${local} = ${zeros};`];
  for (const term of form.terms) {
    // δ factors tie their indices (no identity is built): see einsumTerm.
    const e = einsumTerm(form, term, true);
    const operands = e.operands.map((o) => {
      if (o.kind === "unit") return call("unitVector", sizeName(o.size), String(o.position));
      if (o.kind === "ones") return call("build", sizeName(o.size), "1", "() => 1");
      if (o.kind === "delta") throw new Error("internal: a tied δ is not a factor");
      return ref(o.node) ?? expression(o.node);
    });
    const scalars = e.scalars.map((n) => {
      const text = ref(n) ?? expression(n);
      return /^[\w.]+$/.test(text) ? text : `(${text})`;
    });
    const coefficient = [formatNumber(e.coefficient), ...scalars].join(" * ");
    const einsum =
      operands.length === 0
        ? "Float64Array.of(1)"
        : call(
            "einsum",
            JSON.stringify(`${e.operands.map((o) => o.letters).join(",")}->${e.computed}`),
            ...operands,
          );
    const output = [...e.output];
    const distinct = [...new Set(output)];
    if (distinct.length === output.length && e.computed.length === distinct.length) {
      lines.push(`${call("addScaled", local, coefficient, einsum)};`);
    } else {
      const sizes = `[${form.indices.map((i) => sizeName(form.sizes[i]!)).join(", ")}]`;
      const axes = `[${output.map((l) => distinct.indexOf(l)).join(", ")}]`;
      const args = [local, coefficient, einsum, sizes, axes];
      if (e.computed.length < distinct.length)
        args.push(`[${distinct.map((l) => e.computed.includes(l)).join(", ")}]`);
      lines.push(`${call("addScaledTied", ...args)};`);
    }
  }
  return lines;
}
