// Shorthands for the `code` of registry entries: how the targets of generated code write an operator.
import type { CodeHelper, OperatorCode } from "./types.js";

/** The code of a function that JavaScript's Math and the array libraries all call `name`. */
export function mathCode(name: string): OperatorCode {
  return { js: `Math.${name}(#)`, numpy: `np.${name}(#)`, torch: `torch.${name}(#)`, jax: `jnp.${name}(#)` };
}

/**
 * The code of an operator on whole values: JavaScript calls the runtime's function `js` on the
 * arguments, and the array libraries call `python` in their module (`linalg.det` is `np.linalg.det`,
 * `torch.linalg.det`, `jnp.linalg.det`); `overrides` replaces any target's template.
 */
export function valueCode(
  js: string,
  python: string,
  arity: 1 | 2,
  overrides: Partial<OperatorCode> = {},
): OperatorCode {
  const args = arity === 1 ? "#" : "#0, #1";
  return {
    js: `${js}(${args})`,
    runtime: [js],
    numpy: `np.${python}(${args})`,
    torch: `torch.${python}(${args})`,
    jax: `jnp.${python}(${args})`,
    ...overrides,
  };
}

/** A helper of generated NumPy code, defined once in the code that calls it. */
export function numpyHelper(name: string, source: string): CodeHelper {
  return { name, source };
}
