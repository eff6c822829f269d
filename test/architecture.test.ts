// The layering of ARCHITECTURE.md, enforced: every import in src/ must go to an allowed folder, and
// I/O happens only in the front ends.
import { readdirSync, readFileSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import { describe, expect, it } from "vitest";

const SRC = resolve(import.meta.dirname, "..", "src");

/** Folder → the folders it may import (besides itself). Mirrors ARCHITECTURE.md. */
const ALLOWED: Record<string, readonly string[]> = {
  core: [],
  tensor: ["core"],
  syntax: ["core"],
  ir: ["core"],
  ops: ["ir", "tensor", "core"],
  check: ["ops", "ir", "syntax", "core"],
  calculus: ["ops", "ir", "core"],
  simplify: ["ops", "ir", "core"],
  render: ["ops", "ir", "core"],
  numeric: ["ops", "ir", "tensor", "core"],
  codegen: ["ops", "ir", "core"],
  plot: [],
  explain: ["calculus", "simplify", "render", "ops", "ir", "core"],
  api: [
    "codegen",
    "plot",
    "check",
    "calculus",
    "simplify",
    "render",
    "numeric",
    "explain",
    "syntax",
    "ops",
    "ir",
    "tensor",
    "core",
  ],
  node: ["tensor", "core"],
  cli: ["api", "node"],
  "index.ts": ["api"],
};

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

  it("detects a violation (the check itself can fail)", () => {
    const fakeFile = join(SRC, "tensor", "fake.ts");
    const target = resolve(fakeFile, "..", "../ir/index.js");
    expect(ALLOWED.tensor).not.toContain(layerOf(target));
  });
});
