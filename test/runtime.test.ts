// The runtime of generated JavaScript: the committed text is the library as `npm run build:runtime`
// turns it into text, every helper's plain form is JavaScript (it parses without types), and the
// helpers they name are the ones they call.
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { LIBRARY, runtimeModule, TARGET } from "../scripts/build-runtime.js";
import { RUNTIME } from "../src/codegen/runtime-text.js";

const ROOT = resolve(import.meta.dirname, "..");

describe("the runtime of generated JavaScript", () => {
  it("is committed as the library's text (run npm run build:runtime after editing the library)", () => {
    const expected = runtimeModule(readFileSync(resolve(ROOT, LIBRARY), "utf8"));
    expect(readFileSync(resolve(ROOT, TARGET), "utf8")).toBe(expected);
  });

  it("has a plain form of every helper that is JavaScript, and runs alone with what it needs", () => {
    const byName = new Map(RUNTIME.map((p) => [p.name, p]));
    for (const piece of RUNTIME) {
      const closure = new Set<string>();
      const visit = (name: string) => {
        if (closure.has(name)) return;
        closure.add(name);
        for (const n of byName.get(name)!.needs) visit(n);
      };
      visit(piece.name);
      const source = RUNTIME.filter((p) => closure.has(p.name))
        .map((p) => p.plain)
        .join("\n");
      // Parsed as a function body: a leftover type annotation would be a syntax error here.
      const defined = new Function(`${source}\nreturn typeof ${piece.name};`)();
      expect(defined, piece.name).not.toBe("undefined");
    }
  });
});
