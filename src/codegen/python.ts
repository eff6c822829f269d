// NumPy, PyTorch and JAX from a program. Vectors and 1×n rows are one-dimensional arrays (as NumPy
// writes x.T for a vector), matrices two-dimensional; products use @, np.outer for a column times a
// row, and index-form outputs are einsum sums.
import { assertNever, type Dim, dimExpression, type Shape } from "../core/index.js";
import type { IndexForm, Node } from "../ir/index.js";
import {
  type CoreCodeOperator,
  formatNumber,
  fractionText,
  OPERATORS,
  type OperatorDefinition,
  type OperatorName,
} from "../ops/index.js";
import { einsumTerm, productForm } from "./lower.js";
import { atom, Binding, fillTemplate, type Printed, wrap } from "./printed.js";
import { headerLines, NameTable, type Program } from "./program.js";

export type PythonTarget = "numpy" | "torch" | "jax";

const PY_KEYWORDS: ReadonlySet<string> = new Set(
  (
    "False None True and as assert async await break class continue def del elif else except finally for from " +
    "global if import in is lambda nonlocal not or pass raise return try while with yield"
  ).split(" "),
);
/** Modules, builtins and helpers that the generated code calls by name (registry entries' included). */
const PY_USED: ReadonlySet<string> = new Set([
  ..."np torch jax jnp math jax_logsumexp float int len abs sum max min array_arg check_shape unit dtype".split(
    " ",
  ),
  ...Object.values(OPERATORS).flatMap((definition) => {
    const helper = (definition as OperatorDefinition).code?.numpyHelper;
    return helper === undefined ? [] : [helper.name];
  }),
]);
const PY_RESERVED = new Set([...PY_KEYWORDS, ...PY_USED]);

/**
 * Why a name cannot be the generated Python function's name or one of its parameters (which keep the
 * variables' names, so that `f(**values)` works), or null.
 */
export function pythonNameConflict(name: string): string | null {
  if (PY_KEYWORDS.has(name)) return "a Python keyword";
  if (PY_USED.has(name)) return "a name the generated Python code uses";
  return null;
}

/** Whether a shape is stored as a one-dimensional array (vectors and 1×n rows). */
function isFlat(shape: Shape): boolean {
  return shape.length === 1 || (shape.length === 2 && shape[0] === 1);
}

interface Dialect {
  readonly module: string;
  readonly imports: string[];
  readonly helpers: Record<string, string>;
  /** Wraps a number-valued expression that a function needs as an array. */
  readonly asArray: (text: string) => string;
  readonly eye: (n: string) => string;
  readonly filled: (value: 0 | 1, shape: string) => string;
  readonly fromList: (items: string) => string;
  readonly input: (name: string, arg: string, rank: number) => string;
  readonly outer: string;
}

function dialect(target: PythonTarget): Dialect {
  switch (target) {
    case "numpy":
      return {
        module: "np",
        imports: ["import numpy as np"],
        helpers: {
          array_arg: `def array_arg(name, value, rank):
    a = np.asarray(value, dtype=np.float64)
    if a.ndim != rank:
        raise ValueError(f"{name} must have {rank} dimension(s), got shape {a.shape}")
    return a`,
        },
        asArray: (t) => t,
        eye: (n) => `np.eye(${n})`,
        filled: (v, shape) => `np.${v === 0 ? "zeros" : "ones"}(${shape})`,
        fromList: (items) => `np.array(${items})`,
        input: (name, arg, rank) => `array_arg(${JSON.stringify(name)}, ${arg}, ${rank})`,
        outer: "np.outer",
      };
    case "torch":
      return {
        module: "torch",
        imports: ["import torch"],
        helpers: {
          array_arg: `def array_arg(name, value, rank):
    a = torch.as_tensor(value, dtype=torch.float64)
    if a.dim() != rank:
        raise ValueError(f"{name} must have {rank} dimension(s), got shape {tuple(a.shape)}")
    return a`,
        },
        asArray: (t) => `torch.as_tensor(${t}, dtype=torch.float64)`,
        eye: (n) => `torch.eye(${n}, dtype=torch.float64)`,
        filled: (v, shape) => `torch.${v === 0 ? "zeros" : "ones"}(${shape}, dtype=torch.float64)`,
        fromList: (items) => `torch.tensor(${items}, dtype=torch.float64)`,
        input: (name, arg, rank) => `array_arg(${JSON.stringify(name)}, ${arg}, ${rank})`,
        outer: "torch.outer",
      };
    case "jax":
      return {
        module: "jnp",
        imports: [
          "import jax",
          'jax.config.update("jax_enable_x64", True)',
          "import jax.numpy as jnp",
          "from jax.scipy.special import logsumexp as jax_logsumexp",
        ],
        helpers: {
          array_arg: `def array_arg(name, value, rank):
    a = jnp.asarray(value, dtype=jnp.float64)
    if a.ndim != rank:
        raise ValueError(f"{name} must have {rank} dimension(s), got shape {a.shape}")
    return a`,
        },
        asArray: (t) => t,
        eye: (n) => `jnp.eye(${n})`,
        filled: (v, shape) => `jnp.${v === 0 ? "zeros" : "ones"}(${shape})`,
        fromList: (items) => `jnp.array(${items})`,
        input: (name, arg, rank) => `array_arg(${JSON.stringify(name)}, ${arg}, ${rank})`,
        outer: "jnp.outer",
      };
  }
}

export function printPython(program: Program, target: PythonTarget, functionName: string): string {
  const d = dialect(target);
  const names = new NameTable(PY_RESERVED);
  const usedHelpers = new Set<string>();
  /** Helpers that operators' registry entries give, by name. */
  const entryHelpers: Record<string, string> = {};
  const nodeNames = new Map<number, string>();
  const sizeName = (dim: Dim) => dimExpression(dim, (s) => names.name(`size:${s}`, s));
  for (const input of program.inputs) names.name(`var:${input.name}`, input.name);
  const ref = (node: Node): string | undefined => {
    if (node.op === "var") return names.name(`var:${node.attrs.name!}`, node.attrs.name!);
    if (node.op === "size") return sizeName(node.attrs.name!);
    return nodeNames.get(node.id);
  };

  const shapeText = (shape: Shape) => {
    const dims = shape.length === 2 && shape[0] === 1 ? [shape[1]!] : shape;
    return dims.length === 1 ? `(${sizeName(dims[0]!)},)` : `(${dims.map(sizeName).join(", ")})`;
  };

  const print = (node: Node): Printed => {
    const name = ref(node);
    if (name !== undefined) return atom(name);
    const op = node.op as OperatorName;
    const a = (k: number) => print(node.args[k]!);
    // Functions need arrays in PyTorch: a subexpression of constants and sizes is a Python number.
    const asFunctionArgument = (k: number, printed: Printed): Printed =>
      program.constantNodes.has(node.args[k]!.id) ? atom(d.asArray(printed.text)) : printed;
    // An operator with code writes itself (its registry entry's, for this target).
    const code = OPERATORS[op].code;
    if (code !== undefined) {
      if (target === "numpy" && code.numpyHelper) {
        entryHelpers[code.numpyHelper.name] = code.numpyHelper.source;
        usedHelpers.add(code.numpyHelper.name);
      }
      const row = (shape: Shape) => shape.length === 2 && isFlat(shape);
      const operand = (k: number): Printed => {
        const printed = asFunctionArgument(k, a(k));
        return code.rowsAsMatrices && row(node.args[k]!.shape)
          ? atom(`${wrap(printed, Binding.Atom)}.reshape(1, -1)`)
          : printed;
      };
      const filled = fillTemplate(
        code[target],
        node.args.map((_x, k) => operand(k)),
      );
      return code.rowsAsMatrices && row(node.shape)
        ? atom(`${wrap(filled, Binding.Atom)}.reshape(-1)`)
        : filled;
    }
    const binary = (symbol: string, prec: number) => ({
      text: `${wrap(a(0), prec)} ${symbol} ${wrap(a(1), prec + 1)}`,
      prec,
    });
    const core = op as CoreCodeOperator;
    switch (core) {
      case "const":
        if (node.attrs.symbol === "pi") return atom(target === "torch" ? "torch.pi" : `${d.module}.pi`);
        // A fraction is written as one (Python's 1/3 is the double nearest a third).
        if (fractionText(node.attrs.value!) !== null)
          return { text: fractionText(node.attrs.value!)!, prec: Binding.Product };
        return node.attrs.value! < 0
          ? { text: formatNumber(node.attrs.value!), prec: Binding.Unary }
          : atom(formatNumber(node.attrs.value!));
      case "add":
        return { text: `${wrap(a(0), Binding.Sum)} + ${wrap(a(1), Binding.Sum)}`, prec: Binding.Sum };
      case "sub":
        return binary("-", Binding.Sum);
      case "neg":
        return { text: `-${wrap(a(0), Binding.Unary)}`, prec: Binding.Unary };
      case "emul":
        return binary("*", Binding.Product);
      case "div":
      case "ediv":
        return binary("/", Binding.Product);
      case "pow":
      case "epow":
        return { text: `${wrap(a(0), Binding.Atom)} ** ${wrap(a(1), Binding.Unary)}`, prec: Binding.Power };
      case "mul": {
        if (node.args[0]!.shape.length === 0 || node.args[1]!.shape.length === 0)
          return binary("*", Binding.Product);
        const form = productForm(node, (x) => ref(x) === undefined);
        const atomic = (x: Node) => wrap(print(x), Binding.Atom);
        switch (form.kind) {
          case "gram": {
            const x = atomic(form.x);
            if (form.weights === null) return { text: `${x}.T @ ${x}`, prec: Binding.Product };
            return { text: `(${x}.T * ${atomic(form.weights)}) @ ${x}`, prec: Binding.Product };
          }
          case "scaleRows": {
            // diag(v)*M scales M's rows and M*diag(v) its columns, without a dense diagonal matrix.
            const v = atomic(form.v);
            const m = form.m.shape;
            const rows = m.length === 2 && !isFlat(m) ? `${v}[:, None]` : v;
            return { text: `${rows} * ${wrap(print(form.m), Binding.Unary)}`, prec: Binding.Product };
          }
          case "scaleCols":
            return {
              text: `${wrap(print(form.m), Binding.Product)} * ${wrap(print(form.v), Binding.Unary)}`,
              prec: Binding.Product,
            };
          case "outer":
            return atom(`${d.outer}(${print(form.a).text}, ${print(form.b).text})`);
          case "inner":
          case "product":
            // A transposed operand prints as X.T, which NumPy reads in place.
            return binary("@", Binding.Product);
          default:
            return assertNever(form);
        }
      }
      case "transpose": {
        const from = node.args[0]!.shape;
        if (from.length === 0 || isFlat(from) || isFlat(node.shape)) {
          return isFlat(from) === isFlat(node.shape)
            ? a(0)
            : atom(`${wrap(a(0), Binding.Atom)}.reshape(${shapeText(node.shape)})`);
        }
        return atom(`${wrap(a(0), Binding.Atom)}.T`);
      }
      case "identity":
        return atom(d.eye(sizeName(node.shape[0]!)));
      case "ones":
        return atom(d.filled(1, shapeText(node.shape)));
      case "zeros":
        return atom(d.filled(0, node.shape.length === 0 ? "()" : shapeText(node.shape)));
      case "stack": {
        const entries = node.args.map((x) => print(x).text);
        const rows = node.shape.length === 2 && node.shape[0] !== 1 ? Number(node.shape[0]) : 1;
        const cols = entries.length / rows;
        const list =
          rows === 1
            ? `[${entries.join(", ")}]`
            : `[${Array.from({ length: rows }, (_, i) => `[${entries.slice(i * cols, (i + 1) * cols).join(", ")}]`).join(", ")}]`;
        if (target === "torch") {
          const items = entries.map((e) => `torch.as_tensor(${e}, dtype=torch.float64)`);
          const stacked = `torch.stack([${items.join(", ")}])`;
          return atom(rows === 1 ? stacked : `${stacked}.reshape(${rows}, ${cols})`);
        }
        return atom(d.fromList(list));
      }
      case "block": {
        const module = target === "numpy" ? "np" : target === "torch" ? "torch" : "jnp";
        const array = (x: Node) => {
          const text = print(x).text;
          return target === "torch" ? `torch.as_tensor(${text}, dtype=torch.float64)` : text;
        };
        if (node.shape.length === 1) {
          const parts = node.args.map((x) => `${module}.atleast_1d(${array(x)})`);
          return atom(`${module}.${target === "torch" ? "cat" : "concatenate"}([${parts.join(", ")}])`);
        }
        // A number is a 1×1 block, a vector a column, a row (kept flat) 1×n.
        const parts = node.args.map((x) =>
          x.shape.length === 2 && !isFlat(x.shape)
            ? print(x).text
            : `${module}.reshape(${array(x)}, ${x.shape.length === 0 ? "(1, 1)" : x.shape.length === 1 ? "(-1, 1)" : "(1, -1)"})`,
        );
        const flat = (text: string) => (isFlat(node.shape) ? `${text}.reshape(-1)` : text);
        const cols = node.attrs.columns!;
        const rows = Array.from({ length: parts.length / cols }, (_, r) =>
          parts.slice(r * cols, (r + 1) * cols),
        );
        if (target === "torch")
          return atom(
            flat(
              `torch.cat([${rows.map((row) => `torch.cat([${row.join(", ")}], dim=1)`).join(", ")}], dim=0)`,
            ),
          );
        return atom(flat(`${module}.block([${rows.map((row) => `[${row.join(", ")}]`).join(", ")}])`));
      }
      case "var":
      case "size":
        throw new Error(`internal: ${op} has a name`);
      default:
        return assertNever(core);
    }
  };

  const body: string[] = [];
  for (const input of program.inputs) {
    const local = names.name(`var:${input.name}`, input.name);
    const rank = input.shape.length === 0 ? 0 : isFlat(input.shape) ? 1 : 2;
    usedHelpers.add("array_arg");
    body.push(`${local} = ${d.input(input.name, local, rank)}`);
  }
  for (const s of program.sizes) {
    const input = program.inputs.find((i) => i.name === s.input)!;
    body.push(`${sizeName(s.symbol)} = ${names.name(`var:${input.name}`, input.name)}.shape[${s.axis}]`);
  }
  for (const input of program.inputs) {
    if (input.shape.length === 0) continue;
    usedHelpers.add("check_shape");
    const local = names.name(`var:${input.name}`, input.name);
    body.push(
      `check_shape(${JSON.stringify(input.name)}, ${local}, ${shapeText(input.shape)}, ${JSON.stringify(shapeText(input.shape))})`,
    );
  }
  body.push("");
  for (const node of program.temporaries) {
    const printed = print(node);
    // A transpose between a vector and a row is no operation here: the temporary is its operand.
    if (printed.prec === Binding.Atom && /^[A-Za-z_]\w*$/.test(printed.text)) {
      nodeNames.set(node.id, printed.text);
      continue;
    }
    const name = names.fresh("t");
    nodeNames.set(node.id, name);
    body.push(`${name} = ${printed.text}`);
  }
  const returned: string[] = [];
  for (const out of program.outputs) {
    let text: string;
    if (out.node) text = print(out.node).text;
    else text = einsumSum(out.indexForm!, ref, print, sizeName, d, target);
    const local = names.name(`out:${out.key}`, out.key);
    body.push(`${local} = ${text}`);
    returned.push(`${JSON.stringify(out.key)}: ${local}`);
  }
  body.push(`return {${returned.join(", ")}}`);

  const helpers: Record<string, string> = {
    ...entryHelpers,
    ...d.helpers,
    check_shape: `def check_shape(name, a, expected, written):
    if tuple(a.shape) != expected:
        raise ValueError(f"{name} has shape {tuple(a.shape)}, expected {written} = {expected}")`,
    unit: `def unit(n, k):
    e = ${d.filled(0, "n")}
    ${target === "jax" ? "return e.at[k].set(1.0)" : "e[k] = 1.0\n    return e"}`,
  };
  const helperText = Object.keys(helpers)
    .filter((h) => usedHelpers.has(h))
    .map((h) => helpers[h]!);
  const params = program.inputs.map((i) => names.name(`var:${i.name}`, i.name)).join(", ");
  return [
    ...headerLines(program, "#"),
    ...d.imports,
    "",
    ...helperText.flatMap((h) => [h, ""]),
    "",
    `def ${functionName}(${params}):`,
    ...body.map((l) => (l === "" ? "" : `    ${l}`)),
    "",
  ].join("\n");

  /** An index-form output as a sum of einsum terms (δ an identity factor, see einsumTerm). */
  function einsumSum(
    form: IndexForm,
    refOf: (n: Node) => string | undefined,
    printNode: (n: Node) => Printed,
    size: (dim: Dim) => string,
    dia: Dialect,
    tgt: PythonTarget,
  ): string {
    const terms = form.terms.map((term) => {
      const e = einsumTerm(form, term, false);
      const operands = e.operands.map((o) => {
        if (o.kind === "delta") return dia.eye(size(o.size));
        if (o.kind === "unit") {
          usedHelpers.add("unit");
          return `unit(${size(o.size)}, ${o.position})`;
        }
        if (o.kind === "ones") return dia.filled(1, `(${size(o.size)},)`);
        return refOf(o.node) ?? printNode(o.node).text;
      });
      const scalars = e.scalars.map((n) => refOf(n) ?? printNode(n).text);
      // NumPy's einsum loops over every index at once unless told to contract pairwise (its default
      // is optimize=False): a term of a third derivative can have 20 indices and more, 3^22 steps at
      // size 3. The greedy order finds a good pairwise order in cubic time; JAX gets the same order
      // (its default, "auto", chooses a search by the number of operands).
      const optimize = tgt !== "torch" && operands.length > 2 ? ', optimize="greedy"' : "";
      const spec = `${e.operands.map((o) => o.letters).join(",")}->${e.output}`;
      const einsum = `${tgt === "torch" ? "torch" : dia.module}.einsum("${spec}", ${operands.join(", ")}${optimize})`;
      return [formatNumber(e.coefficient), ...scalars, einsum].join(" * ");
    });
    return (
      terms.join(" + ") || dia.filled(0, `(${form.indices.map((i) => size(form.sizes[i]!)).join(", ")},)`)
    );
  }
}
