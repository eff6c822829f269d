// Sizes built from other sizes: a block matrix [x; y] has n + m rows, a Kronecker product m·p. Such a
// size is a polynomial in size symbols with whole coefficients, kept in one canonical text ("m+n",
// "m*p", "2*n+1") so that equal sizes are equal strings. A plain symbol ("n") or an integer is the
// simplest case; every size of a variable's value is one, and compound sizes follow from them.
import type { Dim } from "./shape.js";

/** Monomial key (its factors sorted and joined by "*", "" for the constant) → coefficient. */
type Polynomial = Map<string, number>;

const SYMBOL = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Whether a size is one symbol (as opposed to a number or a sum or product of sizes). */
export function isSizeSymbol(d: Dim): boolean {
  return typeof d === "string" && SYMBOL.test(d);
}

function polynomialOf(d: Dim): Polynomial {
  const p: Polynomial = new Map();
  if (typeof d === "number") {
    if (d !== 0) p.set("", d);
    return p;
  }
  for (const term of d.split("+")) {
    let coefficient = 1;
    const factors: string[] = [];
    for (const f of term.split("*")) {
      if (/^\d+$/.test(f)) coefficient *= Number(f);
      else factors.push(f);
    }
    addTerm(p, factors.sort().join("*"), coefficient);
  }
  return p;
}

function addTerm(p: Polynomial, key: string, coefficient: number): void {
  const total = (p.get(key) ?? 0) + coefficient;
  if (total === 0) p.delete(key);
  else p.set(key, total);
}

function dimOf(p: Polynomial): Dim {
  const keys = [...p.keys()].sort((a, b) => (a === "" ? 1 : b === "" ? -1 : a < b ? -1 : a > b ? 1 : 0));
  if (keys.length === 0) return 0;
  if (keys.length === 1 && keys[0] === "") return p.get("")!;
  return keys
    .map((key) => {
      const c = p.get(key)!;
      if (key === "") return String(c);
      return c === 1 ? key : `${c}*${key}`;
    })
    .join("+");
}

/** The size a + b + …, in canonical form. */
export function dimSum(dims: readonly Dim[]): Dim {
  const p: Polynomial = new Map();
  for (const d of dims) for (const [key, c] of polynomialOf(d)) addTerm(p, key, c);
  return dimOf(p);
}

/** The size a·b, in canonical form. */
export function dimProduct(a: Dim, b: Dim): Dim {
  const p: Polynomial = new Map();
  for (const [ka, ca] of polynomialOf(a))
    for (const [kb, cb] of polynomialOf(b)) {
      const factors = [...(ka === "" ? [] : ka.split("*")), ...(kb === "" ? [] : kb.split("*"))];
      addTerm(p, factors.sort().join("*"), ca * cb);
    }
  return dimOf(p);
}

/** The size a / b where b divides a exactly (as polynomials: b one term), else undefined. */
export function dimQuotient(a: Dim, b: Dim): Dim | undefined {
  const divisor = polynomialOf(b);
  if (divisor.size !== 1) return undefined;
  const [key, coefficient] = [...divisor][0]!;
  const wanted = key === "" ? [] : key.split("*");
  const p: Polynomial = new Map();
  for (const [ka, ca] of polynomialOf(a)) {
    if (ca % coefficient !== 0) return undefined;
    const rest = ka === "" ? [] : ka.split("*");
    for (const w of wanted) {
      const at = rest.indexOf(w);
      if (at < 0) return undefined;
      rest.splice(at, 1);
    }
    addTerm(p, rest.join("*"), ca / coefficient);
  }
  return dimOf(p);
}

/** The size symbols a size is made of ("m+n" → m, n). */
export function dimSymbols(d: Dim): string[] {
  if (typeof d === "number") return [];
  if (isSizeSymbol(d)) return [d];
  return [...new Set(d.split(/[+*]/).filter((f) => !/^\d+$/.test(f)))];
}

/** The integer a size stands for, given its symbols' values; undefined when a symbol has none. */
export function dimValue(d: Dim, symbol: (name: string) => number | undefined): number | undefined {
  if (typeof d === "number") return d;
  if (isSizeSymbol(d)) return symbol(d);
  let total = 0;
  for (const term of d.split("+")) {
    let product = 1;
    for (const f of term.split("*")) {
      const v = /^\d+$/.test(f) ? Number(f) : symbol(f);
      if (v === undefined) return undefined;
      product *= v;
    }
    total += product;
  }
  return total;
}

/**
 * A size written as an expression of a language with `+`, `*` and parentheses, its symbols named by
 * `name` (generated code: `(m + n)`).
 */
export function dimExpression(d: Dim, name: (symbol: string) => string): string {
  if (typeof d === "number") return String(d);
  if (isSizeSymbol(d)) return name(d);
  const terms = d.split("+").map((t) =>
    t
      .split("*")
      .map((f) => (/^\d+$/.test(f) ? f : name(f)))
      .join(" * "),
  );
  return `(${terms.join(" + ")})`;
}

/** A size that values disagree with: the size, the integer it must be, and the one it is. */
export interface SizeConflict {
  readonly dim: Dim;
  readonly expected: number | undefined;
  readonly actual: number;
}

/**
 * Settles sizes made of symbols against the integers the values give them: a sum or product whose
 * symbols are all known must come out right; one with a single unknown symbol, linear in it, fixes
 * that symbol (`m+n` = 5 with n = 2 gives m = 3). Adds what it fixes to `sizes`; returns the first
 * size the values disagree with, or null. Sizes with more unknowns are left to whoever needs them.
 */
export function settleSizes(
  constraints: readonly { readonly dim: Dim; readonly actual: number }[],
  sizes: Map<string, number>,
): SizeConflict | null {
  let pending = [...constraints];
  for (let progress = true; progress && pending.length > 0; ) {
    progress = false;
    const next: typeof pending = [];
    for (const c of pending) {
      const unknown = dimSymbols(c.dim).filter((s) => !sizes.has(s));
      if (unknown.length > 1) {
        next.push(c);
        continue;
      }
      if (unknown.length === 0) {
        progress = true;
        const expected = dimValue(c.dim, (s) => sizes.get(s));
        if (expected !== c.actual) return { dim: c.dim, expected, actual: c.actual };
        continue;
      }
      const at = (v: number) => dimValue(c.dim, (s) => (s === unknown[0] ? v : sizes.get(s)))!;
      const [v0, v1, v2] = [at(0), at(1), at(2)];
      const slope = v1 - v0;
      if (slope <= 0 || v2 - v1 !== slope) {
        next.push(c); // not linear in its unknown (m*m): left for a value of m
        continue;
      }
      progress = true;
      const solution = (c.actual - v0) / slope;
      if (!Number.isInteger(solution) || solution < 1)
        return { dim: c.dim, expected: undefined, actual: c.actual };
      sizes.set(unknown[0]!, solution);
    }
    pending = next;
  }
  return null;
}

/** The terms of a size as a polynomial: each a whole coefficient and its symbols ("2*m*n" → 2, [m, n]). */
export function dimTerms(d: Dim): { coefficient: number; symbols: string[] }[] {
  return [...polynomialOf(d)].map(([key, coefficient]) => ({
    coefficient,
    symbols: key === "" ? [] : key.split("*"),
  }));
}
