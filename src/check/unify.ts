// Symbolic sizes by unification: a union-find over size variables. A class may be pinned to one
// declared symbol (rigid: two different symbols never unify) and/or to one integer, or be derived: the
// sum or product of other classes (a block matrix's rows, a Kronecker product's). A derived class
// unifies with a free class, with a derived class of the same form, or with an integer it is known to
// equal — never with a symbol, which is rigid, nor with an integer it may or may not equal.
import { type Dim, dimProduct, dimSum, formatShape } from "../core/index.js";
import type { DimAlgebra } from "../ops/index.js";

export type SizeHandle = number;

interface Binding {
  symbol?: string;
  value?: number;
  derived?: { readonly op: "sum" | "product"; readonly args: readonly SizeHandle[] };
}

/** Names given to sizes nobody named, in order of first appearance (a lone size is called n). */
const GENERATED_NAMES = ["m", "n", "k", "p", "q", "r", "s", "t", "u", "v", "w"];

export class SizeUnifier implements DimAlgebra<SizeHandle> {
  private readonly parent: number[] = [];
  private readonly binding: Binding[] = [];
  private readonly symbols = new Map<string, SizeHandle>();

  fresh(): SizeHandle {
    this.parent.push(this.parent.length);
    this.binding.push({});
    return this.parent.length - 1;
  }

  symbol(name: string): SizeHandle {
    const existing = this.symbols.get(name);
    if (existing !== undefined) return existing;
    const handle = this.fresh();
    this.binding[handle] = { symbol: name };
    this.symbols.set(name, handle);
    return handle;
  }

  literal(value: number): SizeHandle {
    const handle = this.fresh();
    this.binding[handle] = { value };
    return handle;
  }

  one(): SizeHandle {
    return this.literal(1);
  }

  sum(dims: readonly SizeHandle[]): SizeHandle {
    if (dims.length === 1) return dims[0]!;
    const values = dims.map((d) => this.valueNow(d));
    if (values.every((v) => v !== undefined)) return this.literal(values.reduce((a, b) => a + b, 0));
    return this.derive("sum", dims);
  }

  product(a: SizeHandle, b: SizeHandle): SizeHandle {
    if (this.isOne(a)) return b;
    if (this.isOne(b)) return a;
    const [va, vb] = [this.valueNow(a), this.valueNow(b)];
    if (va !== undefined && vb !== undefined) return this.literal(va * vb);
    return this.derive("product", [a, b]);
  }

  quotient(a: SizeHandle, b: SizeHandle): SizeHandle | undefined {
    if (this.isOne(b)) return a;
    const [ra, rb] = [this.find(a), this.find(b)];
    if (ra === rb) return this.one();
    const [va, vb] = [this.valueNow(a), this.valueNow(b)];
    if (va !== undefined && vb !== undefined) return va % vb === 0 ? this.literal(va / vb) : undefined;
    const derived = this.binding[ra]!.derived;
    if (derived?.op !== "product") return undefined;
    const [x, y] = derived.args as [SizeHandle, SizeHandle];
    if (this.find(y) === rb) return x;
    if (this.find(x) === rb) return y;
    return undefined;
  }

  private derive(op: "sum" | "product", args: readonly SizeHandle[]): SizeHandle {
    const handle = this.fresh();
    this.binding[handle] = { derived: { op, args } };
    return handle;
  }

  /** The integer a class is known to be now: its own, or its parts' sum or product when all are known. */
  private valueNow(handle: SizeHandle): number | undefined {
    const b = this.binding[this.find(handle)]!;
    if (b.value !== undefined) return b.value;
    if (b.derived === undefined) return undefined;
    const parts = b.derived.args.map((a) => this.valueNow(a));
    if (parts.some((v) => v === undefined)) return undefined;
    return b.derived.op === "sum"
      ? (parts as number[]).reduce((x, y) => x + y, 0)
      : (parts as number[]).reduce((x, y) => x * y, 1);
  }

  /** Whether the class `root` is among the parts (at any depth) of the class of `handle`. */
  private occurs(root: SizeHandle, handle: SizeHandle): boolean {
    const pending = [handle];
    const seen = new Set<SizeHandle>();
    while (pending.length > 0) {
      const r = this.find(pending.pop()!);
      if (r === root) return true;
      if (seen.has(r)) continue;
      seen.add(r);
      pending.push(...(this.binding[r]!.derived?.args ?? []));
    }
    return false;
  }

  /** Unifies a derived class with another class (see the header); merges them where it succeeds. */
  private unifyDerived(ra: SizeHandle, rb: SizeHandle): boolean {
    const [ba, bb] = [this.binding[ra]!, this.binding[rb]!];
    const [derived, other, otherBinding] = ba.derived ? [ra, rb, bb] : [rb, ra, ba];
    const form = this.binding[derived]!.derived!;
    const known = this.valueNow(derived);
    if (otherBinding.derived) {
      const [va, vb] = [known, this.valueNow(other)];
      if (va !== undefined && vb !== undefined) {
        if (va !== vb) return false;
      } else {
        const theirs = otherBinding.derived;
        if (theirs.op !== form.op || theirs.args.length !== form.args.length) return false;
        for (let i = 0; i < form.args.length; i++)
          if (!this.unify(form.args[i]!, theirs.args[i]!)) return false;
      }
    } else if (otherBinding.symbol !== undefined) {
      return false;
    } else if (otherBinding.value !== undefined) {
      if (known !== otherBinding.value) return false;
    } else if (this.occurs(other, derived)) {
      return false;
    }
    const [root, child] = [this.find(derived), this.find(other)];
    if (root === child) return true;
    this.parent[child] = root;
    if (known !== undefined || otherBinding.value !== undefined)
      this.binding[root] = { ...this.binding[root]!, value: known ?? otherBinding.value! };
    return true;
  }

  find(handle: SizeHandle): SizeHandle {
    let root = handle;
    while (this.parent[root] !== root) root = this.parent[root]!;
    while (this.parent[handle] !== root) {
      const next = this.parent[handle]!;
      this.parent[handle] = root;
      handle = next;
    }
    return root;
  }

  unify(a: SizeHandle, b: SizeHandle): boolean {
    const ra = this.find(a);
    const rb = this.find(b);
    if (ra === rb) return true;
    const ba = this.binding[ra]!;
    const bb = this.binding[rb]!;
    if (ba.derived !== undefined || bb.derived !== undefined) return this.unifyDerived(ra, rb);
    if (ba.symbol !== undefined && bb.symbol !== undefined && ba.symbol !== bb.symbol) return false;
    if (ba.value !== undefined && bb.value !== undefined && ba.value !== bb.value) return false;
    const merged: Binding = {};
    const symbol = ba.symbol ?? bb.symbol;
    const value = ba.value ?? bb.value;
    if (symbol !== undefined) merged.symbol = symbol;
    if (value !== undefined) merged.value = value;
    const [root, child] = ra < rb ? [ra, rb] : [rb, ra];
    this.parent[child] = root;
    this.binding[root] = merged;
    return true;
  }

  isOne(handle: SizeHandle): boolean {
    return this.valueNow(handle) === 1;
  }

  /** The final size of every class: its integer, else its symbol, else a generated name. */
  resolver(): (handle: SizeHandle) => Dim {
    const taken = new Set(this.symbols.keys());
    // Classes in order of first appearance (a Set keeps insertion order).
    const unnamedRoots = new Set<number>();
    for (let h = 0; h < this.parent.length; h++) {
      const root = this.find(h);
      const b = this.binding[root]!;
      if (b.value === undefined && b.symbol === undefined && !b.derived) unnamedRoots.add(root);
    }
    const names = new Map<number, string>();
    const pool = unnamedRoots.size === 1 ? ["n", ...GENERATED_NAMES] : GENERATED_NAMES;
    let next = 0;
    let spare = 0;
    for (const root of unnamedRoots) {
      let name = pool[next++];
      while (name !== undefined && taken.has(name)) name = pool[next++];
      // Past the pool, numbered names in order of appearance: the same text gets the same names,
      // however many handles its checking happened to allocate.
      while (name === undefined || taken.has(name)) name = `d${++spare}`;
      const chosen = name;
      taken.add(chosen);
      names.set(root, chosen);
    }
    const resolved = new Map<number, Dim>();
    // Derived classes nest as deep as the expression that made them, which the parser bounds.
    const resolve = (handle: SizeHandle): Dim => {
      const root = this.find(handle);
      const known = resolved.get(root);
      if (known !== undefined) return known;
      const b = this.binding[root]!;
      let d: Dim;
      if (b.value !== undefined) d = b.value;
      else if (b.symbol !== undefined) d = b.symbol;
      else if (b.derived !== undefined) {
        const parts = b.derived.args.map(resolve);
        d = b.derived.op === "sum" ? dimSum(parts) : dimProduct(parts[0]!, parts[1]!);
      } else d = names.get(root)!;
      resolved.set(root, d);
      return d;
    };
    return resolve;
  }

  format(shape: readonly SizeHandle[]): string {
    const resolve = this.resolver();
    return formatShape(shape.map(resolve));
  }
}
