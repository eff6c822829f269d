// How names print in LaTeX: Greek names as Greek letters, trailing digits as subscripts, vectors and
// matrices in bold (the lecture's convention).

export const GREEK_LETTERS: ReadonlySet<string> = new Set([
  "alpha",
  "beta",
  "gamma",
  "delta",
  "epsilon",
  "zeta",
  "eta",
  "theta",
  "iota",
  "kappa",
  "lambda",
  "mu",
  "nu",
  "xi",
  "omicron",
  "rho",
  "sigma",
  "tau",
  "upsilon",
  "phi",
  "chi",
  "psi",
  "omega",
]);

export function latexName(name: string, rank: number): string {
  const match = /^([A-Za-z]+?)_?(\d+)?$/.exec(name);
  const stem = match?.[1] ?? name;
  const subscript = match?.[2];
  let body: string;
  if (GREEK_LETTERS.has(stem)) body = stem === "omicron" ? "o" : `\\${stem}`;
  else if (stem.length === 1) body = rank === 0 ? stem : `\\mathbf{${stem}}`;
  else {
    const escaped = stem.replace(/_/g, "\\_");
    body = rank === 0 ? `\\mathit{${escaped}}` : `\\mathbf{${escaped}}`;
  }
  if (match && subscript !== undefined) return `${body}_{${subscript}}`;
  if (!match) return `\\mathit{${name.replace(/_/g, "\\_")}}`;
  return body;
}

/** A number as matcalc prints it: the shortest text that reads back to the same double. */
export function formatNumber(value: number): string {
  if (Object.is(value, -0)) return "0";
  return String(value);
}

export function latexNumber(value: number): string {
  const text = formatNumber(value);
  const exponent = /^(-?[\d.]+)e([+-]\d+)$/.exec(text);
  if (exponent) return `${exponent[1]} \\cdot 10^{${Number(exponent[2])}}`;
  return text;
}

/** The largest denominator a number is read as a fraction with (1/3, -2/3, 5/12). */
const MAX_DENOMINATOR = 1000;

/**
 * The fraction p/q (q ≥ 1, q ≤ 1000) whose nearest double is `value`, found by continued fractions;
 * null where there is none.
 */
export function asFraction(value: number): [number, number] | null {
  if (!Number.isFinite(value)) return null;
  if (Number.isInteger(value)) return [value, 1];
  let [h0, h1, k0, k1] = [0, 1, 1, 0];
  let x = value;
  for (let i = 0; i < 32; i++) {
    const a = Math.floor(x);
    [h0, h1] = [h1, a * h1 + h0];
    [k0, k1] = [k1, a * k1 + k0];
    if (k1 > MAX_DENOMINATOR) return null;
    if (h1 / k1 === value) return [h1, k1];
    const rest = x - a;
    if (rest === 0) return null;
    x = 1 / rest;
  }
  return null;
}

function gcd(a: number, b: number): number {
  let [x, y] = [Math.abs(a), Math.abs(b)];
  while (y !== 0) [x, y] = [y, x % y];
  return x;
}

/**
 * a + b, a − b, a · b or a / b, exact where a and b are fractions (1/3 − 1 is the double nearest −2/3,
 * not one less than 1/3's double): constants that are fractions stay fractions through arithmetic.
 */
export function exactly(op: "+" | "-" | "*" | "/", a: number, b: number): number {
  const plain = op === "+" ? a + b : op === "-" ? a - b : op === "*" ? a * b : a / b;
  if (Number.isInteger(plain) && Number.isInteger(a) && Number.isInteger(b)) return plain;
  const [fa, fb] = [asFraction(a), asFraction(b)];
  if (fa === null || fb === null || (op === "/" && fb[0] === 0)) return plain;
  const [p, q] =
    op === "+" || op === "-"
      ? [fa[0] * fb[1] + (op === "+" ? 1 : -1) * fb[0] * fa[1], fa[1] * fb[1]]
      : op === "*"
        ? [fa[0] * fb[0], fa[1] * fb[1]]
        : [fa[0] * fb[1] * Math.sign(fb[0]), fa[1] * Math.abs(fb[0])];
  if (!Number.isSafeInteger(p) || !Number.isSafeInteger(q)) return plain;
  const g = gcd(p, q) || 1;
  return p / g / (q / g);
}

/**
 * A number as a fraction for people to read ("1/3", "-2/3"), where its shortest decimal is long and a
 * fraction p/q with q ≤ 1000 is exactly it; null otherwise (0.5 and 0.25 stay decimals).
 */
export function fractionText(value: number): string | null {
  if (Number.isInteger(value) || formatNumber(value).length <= 8) return null;
  const f = asFraction(value);
  return f === null ? null : `${f[0]}/${f[1]}`;
}
