// The language reference cannot drift: its operator table is the registry's (as npm run build:docs
// writes it), every example in it checks to its operator, and every spelling it lists reads as it
// says.
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { LANGUAGE, withTable } from "../scripts/build-docs.js";
import { analyze } from "../src/api/index.js";

const DOCUMENT = readFileSync(resolve(import.meta.dirname, "..", LANGUAGE), "utf8");
const DECLARED = "x: vector(n), y: vector(n), A: matrix(n, n), X: matrix(n, n)";

describe("the language reference", () => {
  it("has the registry's operator table (run npm run build:docs after changing the registry)", () => {
    expect(DOCUMENT).toBe(withTable(DOCUMENT));
  });

  it("gives an example for every operator", () => {
    const table = DOCUMENT.slice(DOCUMENT.indexOf("| written |"), DOCUMENT.indexOf("<!-- end of"));
    expect(table).not.toMatch(/\| — \|/);
  });

  it("reads every spelling it lists as it says", () => {
    const section = DOCUMENT.slice(DOCUMENT.indexOf("## Other spellings"), DOCUMENT.indexOf("## Functions"));
    // A bar inside a table cell is escaped (\|), as Markdown tables need.
    const cell = (text: string) => text.replaceAll("\\|", "|");
    const rows = [...section.matchAll(/^\| `([^`]+)` \| `([^`]+)` \|$/gm)].map((m) => [
      cell(m[1]!),
      cell(m[2]!),
    ]);
    expect(rows.length).toBeGreaterThan(10);
    for (const [typed, meaning] of rows) {
      const a = analyze(`${DECLARED}\n${typed}`).problem;
      const b = analyze(`${DECLARED}\n${meaning}`).problem;
      expect(a?.expression, typed).toBeDefined();
      expect(a?.expression, `${typed} is read as ${meaning}`).toBe(b?.expression);
    }
  });
});
