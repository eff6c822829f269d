// No user text runs as code: problems whose comments (or any other place) hold line and paragraph
// separators followed by a payload are emitted for every target, imported, compiled and trained, and
// the payload never runs. The emitted code is also parsed (TypeScript's parser, Python's `ast`) and
// must hold only imports and function definitions at its top level.
import { execFileSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import fc from "fast-check";
import ts from "typescript";
import { describe, expect, it } from "vitest";
import { compile, emit, isMatcalcError, TARGETS, type Target, train } from "../src/api/index.js";
import { commentText } from "../src/codegen/comment.js";
import { findPython } from "./codegen-harness.js";

const RUNS = Math.round((200 * Number(process.env.FUZZ_RUNS ?? 3000)) / 3000) || 1;

/** Every character that ends a line in JavaScript or Python, or that Python's tools split lines at. */
const TERMINATORS = [
  "\n",
  "\r",
  "\r\n",
  "\u2028",
  "\u2029",
  "\u000b",
  "\u000c",
  "\u001c",
  "\u001d",
  "\u001e",
  "\u0085",
];
/** What may never stand inside a line of emitted code (a line ends only at \n, between lines). */
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point
const FORBIDDEN = /[\r\u000b\u000c\u001c-\u001e\u0085\u2028\u2029]/;
/** Any terminator at all, \n included. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point
const ANY_TERMINATOR = /[\n\r\u000b\u000c\u001c-\u001e\u0085\u2028\u2029]/;
/** Control characters and the two separators. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/;

declare global {
  var __matcalcInjected: number | undefined;
}

const JS_PAYLOAD = "globalThis.__matcalcInjected = 1; //";
const PY_PAYLOAD = '__import__("sys").exit(99) #';

/** A problem whose comment (or a stray place) holds a terminator and then a payload. */
const hostileProblems = fc
  .record({
    terminator: fc.constantFrom(...TERMINATORS),
    noise: fc.string({ unit: "binary", maxLength: 6 }),
    payload: fc.constantFrom(JS_PAYLOAD, PY_PAYLOAD, `${JS_PAYLOAD}\n${PY_PAYLOAD}`, "*/ alert(1) /*"),
    where: fc.constantFrom("comment", "percent", "declaration", "end"),
  })
  .map(({ terminator, noise, payload, where }) => {
    const hostile = `${noise}${terminator}${payload}`;
    switch (where) {
      case "comment":
        return `x'*A*x # note${hostile}`;
      case "percent":
        return `A: matrix(n, n) % ${hostile}\nx'*A*x`;
      case "declaration":
        return `A: matrix(n, n), # ${hostile}\nx'*A*x`;
      default:
        return `x'*A*x${hostile}`;
    }
  });

/** The top-level statements of JavaScript or TypeScript that are not function or type declarations. */
function topLevelOtherThanFunctions(code: string): string[] {
  const file = ts.createSourceFile("emitted.ts", code, ts.ScriptTarget.ES2022, true);
  return file.statements
    .filter((s) => !ts.isFunctionDeclaration(s) && !ts.isTypeAliasDeclaration(s))
    .map((s) => s.getText(file).slice(0, 80));
}

function emitted(problem: string, target: Target): string | null {
  try {
    return emit(problem, "x", { target, order: 2 }).code;
  } catch (error) {
    if (isMatcalcError(error)) return null;
    throw error;
  }
}

describe("comment text", () => {
  it("escapes every line terminator of JavaScript and Python", () => {
    for (const t of TERMINATORS) {
      const out = commentText(`a${t}b`);
      expect(out).not.toMatch(ANY_TERMINATOR);
      expect(out).toContain("\\u");
    }
    expect(commentText("x'*(A + A') ⊗ ∂x × 2")).toBe("x'*(A + A') ⊗ ∂x × 2");
  });

  it("leaves nothing that could end a line or break UTF-8, for any string", () => {
    fc.assert(
      fc.property(fc.string({ unit: "binary", maxLength: 40 }), (s) => {
        const out = commentText(s);
        expect(out).not.toMatch(CONTROL);
        expect(Buffer.from(out, "utf8").toString("utf8")).toBe(out);
      }),
      { numRuns: RUNS * 5 },
    );
  });
});

describe("hostile problem text in generated code", () => {
  it("never leaves the header's comment lines, for every target", () => {
    fc.assert(
      fc.property(hostileProblems, fc.constantFrom(...TARGETS), (problem, target) => {
        const code = emitted(problem, target);
        if (code === null) return;
        expect(code).not.toMatch(FORBIDDEN);
        expect(code).not.toContain("__matcalcInjected");
        expect(code).not.toContain("exit(99)");
        if (target === "ts" || target === "js") expect(topLevelOtherThanFunctions(code)).toEqual([]);
      }),
      { numRuns: RUNS },
    );
  });

  it("runs no payload when the emitted JavaScript is imported, compiled or trained", async () => {
    const dir = mkdtempSync(join(tmpdir(), "matcalc-injection-"));
    const problems = fc.sample(hostileProblems, { numRuns: 40, seed: 7 });
    problems.push("x'*A*x # \rglobalThis.__matcalcInjected = 1; //");
    problems.push("x'*A*x # note\u2028globalThis.__matcalcInjected = 1; //");
    globalThis.__matcalcInjected = undefined;
    let imported = 0;
    for (const [k, problem] of problems.entries()) {
      const code = emitted(problem, "js");
      if (code === null) continue;
      const file = join(dir, `case${k}.mjs`);
      writeFileSync(file, code);
      const module = (await import(pathToFileURL(file).href)) as { derivatives: (v: unknown) => unknown };
      module.derivatives({
        x: [1, 2],
        A: [
          [1, 2],
          [3, 4],
        ],
      });
      compile(problem, "x").run({
        x: [1, 2],
        A: [
          [1, 2],
          [3, 4],
        ],
      });
      imported++;
    }
    expect(imported).toBeGreaterThan(10);
    train({
      problem: "x: vector(2), sum((A*x - y).^2) # \u2029globalThis.__matcalcInjected = 1; //",
      params: ["x"],
      data: {
        A: [
          [1, 0],
          [0, 1],
        ],
        y: [1, 2],
      },
      steps: 3,
    });
    expect(globalThis.__matcalcInjected).toBeUndefined();
  });

  it("holds only imports and function definitions in emitted Python", { timeout: 120_000 }, () => {
    const python = findPython(["ast"]);
    if (!python) {
      console.warn("skipping the Python parse of hostile problems: no python3");
      return;
    }
    const dir = mkdtempSync(join(tmpdir(), "matcalc-injection-py-"));
    const files: string[] = [];
    const problems = fc.sample(hostileProblems, { numRuns: 60, seed: 11 });
    problems.push(`x'*A*x # \r${PY_PAYLOAD}`);
    for (const [k, problem] of problems.entries()) {
      for (const target of ["numpy", "torch", "jax"] as const) {
        const code = emitted(problem, target);
        if (code === null) continue;
        const file = join(dir, `case${k}_${target}.py`);
        writeFileSync(file, code);
        files.push(file);
      }
    }
    expect(files.length).toBeGreaterThan(60);
    const script = `import ast, sys
bad = []
for name in sys.argv[1:]:
    tree = ast.parse(open(name, encoding="utf-8").read())
    for node in tree.body:
        if isinstance(node, (ast.Import, ast.ImportFrom, ast.FunctionDef)):
            continue
        # JAX's one setting: jax.config.update("jax_enable_x64", True)
        if ast.unparse(node) == "jax.config.update('jax_enable_x64', True)":
            continue
        bad.append(f"{name}: {ast.dump(node)[:80]}")
print("\\n".join(bad))
`;
    const output = execFileSync(python, ["-c", script, ...files], { encoding: "utf8" });
    expect(output.trim()).toBe("");
  });
});
