// The layering of ARCHITECTURE.md, enforced: every import in src/ must go to an allowed folder, and
// I/O happens only in the front ends.
import { readdirSync, readFileSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import { describe, expect, it } from "vitest";

const SRC = resolve(import.meta.dirname, "..", "src");

/**
 * Folder → the folders it may import (besides itself), read from ARCHITECTURE.md's table (its rows
 * `| \`folder/\` | owns | may import |`): the document is the one copy of the rules.
 */
function layerTable(): Record<string, readonly string[]> {
  const text = readFileSync(resolve(SRC, "..", "ARCHITECTURE.md"), "utf8");
  const table: Record<string, readonly string[]> = {};
  for (const line of text.split("\n")) {
    const cells = /^\| `([^`]+)` \|.*\| ([^|]+) \|$/.exec(line);
    if (!cells || cells[1]!.startsWith("..")) continue;
    const folder = cells[1]!.replace(/\/$/, "");
    const allowed = cells[2]!.trim();
    table[folder] =
      allowed === "—"
        ? []
        : allowed === "every folder above"
          ? Object.keys(table).filter((f) => !f.endsWith(".ts"))
          : allowed.split(",").map((f) => f.trim().replace(/`/g, "").replace(/\/$/, ""));
  }
  return table;
}

const ALLOWED = layerTable();

const FRONT_ENDS = new Set(["cli", "node"]);
const NODE_IO = /^node:(fs|child_process|net|http|https|readline|worker_threads|process)/;

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith(".ts") && !entry.name.endsWith(".test.ts") ? [path] : [];
  });
}

function importsOf(file: string): string[] {
  const text = readFileSync(file, "utf8");
  return [
    ...text.matchAll(/^\s*(?:import|export)\b[^'"]*?from\s+["']([^"']+)["']/gm),
    ...text.matchAll(/^\s*import\s+["']([^"']+)["']/gm),
  ].map((m) => m[1]!);
}

function layerOf(path: string): string {
  return relative(SRC, path).split(/[\\/]/)[0]!;
}

describe("architecture", () => {
  const files = sourceFiles(SRC);

  it("knows every folder of src/", () => {
    const folders = readdirSync(SRC, { withFileTypes: true })
      .filter((e) => e.isDirectory())
      .map((e) => e.name);
    for (const folder of folders)
      expect(Object.keys(ALLOWED), `src/${folder} is not in the layer table`).toContain(folder);
  });

  it("imports only downward", () => {
    const violations: string[] = [];
    for (const file of files) {
      const layer = layerOf(file);
      for (const specifier of importsOf(file)) {
        if (!specifier.startsWith(".")) continue;
        const target = resolve(file, "..", specifier);
        if (!target.startsWith(SRC)) continue;
        const targetLayer = layerOf(target);
        if (targetLayer.endsWith(".ts") || targetLayer === layer) continue;
        if (!(ALLOWED[layer] ?? []).includes(targetLayer))
          violations.push(`${relative(SRC, file)} imports ${targetLayer}/`);
      }
    }
    expect(violations).toEqual([]);
  });

  it("keeps I/O in the front ends", () => {
    const violations: string[] = [];
    for (const file of files) {
      const layer = layerOf(file);
      if (FRONT_ENDS.has(layer)) continue;
      for (const specifier of importsOf(file))
        if (NODE_IO.test(specifier)) violations.push(`${relative(SRC, file)} imports ${specifier}`);
      if (/\bprocess\.(stdout|stderr|exit|argv)/.test(readFileSync(file, "utf8")))
        violations.push(`${relative(SRC, file)} touches process`);
    }
    expect(violations).toEqual([]);
  });

  it("lets the playground (web/) use the public API only", () => {
    const web = resolve(SRC, "..", "web");
    const violations: string[] = [];
    for (const file of readdirSync(web).filter((f) => f.endsWith(".ts"))) {
      for (const specifier of importsOf(join(web, file))) {
        if (specifier.startsWith("../") && specifier !== "../src/index.js")
          violations.push(`web/${file} imports ${specifier}`);
      }
    }
    expect(violations).toEqual([]);
  });

  it("reads the layer table from ARCHITECTURE.md", () => {
    expect(ALLOWED.core).toEqual([]);
    expect(ALLOWED.ops).toEqual(["ir", "tensor", "core"]);
    expect(ALLOWED.api).toContain("explain");
    expect(ALLOWED.cli).toEqual(["api", "node"]);
    expect(ALLOWED["index.ts"]).toEqual(["api"]);
  });

  it("opens every source file with a header sentence", () => {
    const missing: string[] = [];
    for (const file of [
      ...files,
      ...readdirSync(resolve(SRC, "..", "web"))
        .filter((f) => f.endsWith(".ts"))
        .map((f) => resolve(SRC, "..", "web", f)),
    ]) {
      const lines = readFileSync(file, "utf8").split("\n");
      const end = lines.findIndex((l) => !l.startsWith("//"));
      const header = lines.slice(0, end === -1 ? lines.length : end);
      const sentence = header.map((l) => l.replace(/^\/\/\s?/, "")).join(" ");
      if (!/^[A-Za-z`].*[.:]/.test(sentence)) missing.push(relative(resolve(SRC, ".."), file));
    }
    expect(missing).toEqual([]);
  });

  it("detects a violation (the check itself can fail)", () => {
    const fakeFile = join(SRC, "tensor", "fake.ts");
    const target = resolve(fakeFile, "..", "../ir/index.js");
    expect(ALLOWED.tensor).not.toContain(layerOf(target));
  });
});
