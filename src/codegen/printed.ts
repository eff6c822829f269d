// Printed code and its binding strengths: one precedence table for every code printer, and the
// registry's code templates filled with their arguments.

/**
 * How tightly printed code binds, in every target (larger binds tighter): a child that binds looser
 * than its slot needs is bracketed. JavaScript writes no power operator (Math.pow), Python no
 * conditional; each uses the levels its grammar has.
 */
export const Binding = {
  /** Binds loosest: a conditional, or a template's result whose form is not known. */
  Loosest: 0,
  Sum: 1,
  Product: 2,
  Unary: 3,
  Power: 4,
  Atom: 5,
} as const;

/** A printed subexpression and how tightly it binds (a `Binding` level). */
export interface Printed {
  readonly text: string;
  readonly prec: number;
}

export const atom = (text: string): Printed => ({ text, prec: Binding.Atom });

/** The text, parenthesized when it binds looser than its slot needs. */
export const wrap = (p: Printed, needed: number) => (p.prec < needed ? `(${p.text})` : p.text);

/**
 * An operator's code template (`Math.exp(#)`, `# > 0 ? 1 : 0`, `Math.max(#0, #1)`) with its
 * arguments put in for `#` (the first) and `#0`, `#1`, …: each as it is where it stands alone between
 * brackets or commas, else in brackets unless it is an atom. The result is an atom where the template
 * is one call (`np.heaviside(#, 0.0)`, `(# > 0).to(…)`), and binds loosest otherwise, so that whoever
 * uses it brackets it.
 */
export function fillTemplate(template: string, args: readonly Printed[]): Printed {
  if (template === "#") return args[0]!;
  const text = template.replace(/#(\d*)/g, (_match, digits: string, at: number) => {
    const argument = args[digits === "" ? 0 : Number(digits)];
    if (argument === undefined) throw new Error(`internal: template ${template} has no argument ${digits}`);
    const before = template.slice(0, at).trimEnd().slice(-1);
    const after = template
      .slice(at + 1 + digits.length)
      .trimStart()
      .charAt(0);
    const alone = (before === "(" || before === ",") && (after === ")" || after === ",");
    return alone ? argument.text : wrap(argument, Binding.Atom);
  });
  return isOneCall(template) ? atom(text) : { text, prec: Binding.Loosest };
}

/** Whether a template ends in one call: its last ")" closes a "(" that follows a name or a ")". */
function isOneCall(template: string): boolean {
  if (!template.endsWith(")")) return false;
  let depth = 0;
  for (let i = template.length - 1; i >= 0; i--) {
    if (template[i] === ")") depth++;
    else if (template[i] === "(" && --depth === 0) return i > 0 && /[\w.)]/.test(template[i - 1]!);
  }
  return false;
}
