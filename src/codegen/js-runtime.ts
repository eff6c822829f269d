// The helpers that generated JavaScript/TypeScript calls, as source text: the runtime library
// (`runtime/library.ts`, a real module) turned into text by `npm run build:runtime`
// (`runtime-text.ts`), typed and with its types removed by the TypeScript compiler. Only the helpers
// a program uses are copied into its code, so the output stands alone.
import { RUNTIME, RUNTIME_TYPES } from "./runtime-text.js";

const BY_NAME = new Map(RUNTIME.map((piece) => [piece.name, piece]));

/** The names the runtime defines (a variable or function of generated code must not take one). */
export const HELPER_NAMES: ReadonlySet<string> = new Set(BY_NAME.keys());

/**
 * The helpers' source, in the library's order, for the given names and everything they need, except
 * those the caller provides (`external`); typed (with the types they use) or plain JavaScript.
 */
export function helperSource(
  names: Iterable<string>,
  typed: boolean,
  external: ReadonlySet<string> = new Set(),
): string {
  const wanted = new Set<string>();
  const visit = (name: string) => {
    if (wanted.has(name) || external.has(name)) return;
    const piece = BY_NAME.get(name);
    if (!piece) throw new Error(`no helper ${name}`);
    wanted.add(name);
    piece.needs.forEach(visit);
  };
  for (const n of names) visit(n);
  const parts = RUNTIME.filter((piece) => wanted.has(piece.name)).map((piece) =>
    typed ? piece.typed : piece.plain,
  );
  return (typed ? [RUNTIME_TYPES, ...parts] : parts).join("\n\n");
}
