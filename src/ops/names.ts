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
