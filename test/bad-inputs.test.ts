// The bad-input corpus (SPEC §4): every entry must fail with exactly its expected message (one line,
// plus the source line and a caret where there is a position) and exit code, and never a stack trace.
// Run with UPDATE_CORPUS=1 to record the current messages for review.
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runCli } from "./cli-harness.js";

interface BadInput {
  name: string;
  args: string[];
  values?: unknown;
  expected?: string;
  exit?: number;
}

const corpusPath = join(import.meta.dirname, "corpus", "bad-inputs.json");
const corpus: BadInput[] = JSON.parse(readFileSync(corpusPath, "utf8"));
const folder = mkdtempSync(join(tmpdir(), "matcalc-bad-"));
const update = process.env.UPDATE_CORPUS === "1";

async function run(entry: BadInput, index: number) {
  const file = join(folder, `values-${index}.json`);
  const args = entry.args.map((a) => {
    if (a === "$VALUES") writeFileSync(file, JSON.stringify(entry.values));
    else if (a === "$RAW") writeFileSync(file, String(entry.values));
    else return a;
    return file;
  });
  const result = await runCli(args);
  return { ...result, stderr: result.stderr.split(file).join("values.json") };
}

describe("bad input corpus", () => {
  it("has at least 40 entries, each with a recorded message", () => {
    expect(corpus.length).toBeGreaterThanOrEqual(40);
    if (!update) for (const entry of corpus) expect(entry.expected, entry.name).toBeDefined();
  });

  corpus.forEach((entry, index) => {
    it(entry.name, async () => {
      const result = await run(entry, index);
      expect(result.stderr).not.toMatch(/\n\s+at .*:\d+:\d+/); // no stack trace
      expect(result.stderr).not.toMatch(/internal error/);
      const firstLine = result.stderr.split("\n")[0]!;
      expect(firstLine.startsWith("error: ")).toBe(true);
      if (update) {
        entry.expected = result.stderr.trimEnd();
        entry.exit = result.code;
        return;
      }
      expect(result.stderr.trimEnd()).toBe(entry.expected);
      expect(result.code).toBe(entry.exit);
      expect([1, 2]).toContain(result.code);
    });
  });

  if (update) {
    it("writes the corpus", () => {
      writeFileSync(corpusPath, `${JSON.stringify(corpus, null, 1)}\n`);
    });
  }
});
