// The page's exports hold the user's problem as it was typed, and nothing in it is read as markup:
// in LaTeX it stands inside one \verb (its delimiter and line ends replaced), in Markdown inside a
// fence longer than any run of backticks in it. A comment in the problem may hold anything.
import { describe, expect, it } from "vitest";
import { compute } from "../web/engine.js";
import type { PageState } from "../web/protocol.js";

const HOSTILE =
  "x: vector(n) # |\\end{document}\\immediate\\write18{rm -rf ~}| ```\r\n" +
  "x'*x % ````` \\input{/etc/passwd}\rx'*x";

function exported(problem: string, format: "latex" | "markdown"): string {
  const state: PageState = {
    problem,
    wrt: ["x"],
    order: 1,
    layout: "numerator",
    symmetric: "projection",
    mode: "forward",
  };
  const reply = compute({ kind: "export", state, format });
  if (reply.kind !== "export" || reply.text === null) throw new Error(`no export: ${JSON.stringify(reply)}`);
  return reply.text;
}

describe("exports", () => {
  it("keeps the problem in one \\verb in LaTeX, whatever its comments hold", () => {
    const tex = exported(HOSTILE, "latex");
    const line = tex.split("\n").find((l) => l.startsWith("Problem: "))!;
    // One verbatim span, closed at the end of the line, holding the problem with | and line ends replaced.
    const m = /^Problem: \\verb\|([^|]*)\|\\\\$/.exec(line);
    expect(m, line).not.toBeNull();
    expect(m![1]).toBe(HOSTILE.replace(/\|/g, "!").replace(/\r\n|\r|\n/g, "; "));
    // Outside that line the problem's TeX appears nowhere.
    const rest = tex.replace(line, "");
    expect(rest).not.toContain("write18");
    expect(rest).not.toContain("\\input");
    expect(rest.match(/\\end\{document\}/g)).toHaveLength(1);
  });

  it("fences the problem in Markdown with more backticks than it holds", () => {
    const md = exported(HOSTILE, "markdown");
    const lines = md.split("\n");
    const open = lines.indexOf("Problem:") + 2;
    const fence = lines[open]!;
    expect(fence).toMatch(/^`{6,}$/);
    const close = lines.indexOf(fence, open + 1);
    expect(lines.slice(open + 1, close).join("\n")).toBe(HOSTILE);
    expect(md.split(fence)).toHaveLength(3);
  });
});
