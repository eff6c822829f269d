// The playground in real headless Chromium (Debian's, driven by playwright-core): the page is built
// with Vite and served by `vite preview` on a free port. Skipped with a message when no Chromium is
// installed, unless REQUIRE_BROWSER=1 (as in CI), where that is a failure.
import { existsSync, mkdirSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { extname, join, resolve } from "node:path";
import fc from "fast-check";
import { type Browser, chromium, type Page } from "playwright-core";
import { build, type PreviewServer, preview } from "vite";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { COOKBOOK_EXAMPLES, differentiate, LECTURE_EXAMPLES } from "../../src/index.js";

const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const available = existsSync(CHROMIUM);
if (!available && process.env.REQUIRE_BROWSER === "1")
  throw new Error(`no Chromium at ${CHROMIUM}, and REQUIRE_BROWSER=1`);
if (!available) console.warn(`[e2e] ${CHROMIUM} not found: skipping browser tests`);

const ROOT = resolve(import.meta.dirname, "../..");
const SHOTS = resolve(ROOT, "test-output");

describe.skipIf(!available)("playground", () => {
  let server: PreviewServer;
  let browser: Browser;
  let url: string;

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    const configFile = resolve(ROOT, "vite.config.ts");
    await build({ configFile, logLevel: "silent" });
    server = await preview({ configFile, preview: { port: 0, host: "127.0.0.1" }, logLevel: "silent" });
    url = server.resolvedUrls!.local[0]!;
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-dev-shm-usage",
      ],
    });
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  /** A fresh page that records console errors and uncaught exceptions. */
  async function open(hash = "", wait = "#result .katex"): Promise<{ page: Page; errors: string[] }> {
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on("pageerror", (e) => errors.push(`pageerror: ${e.message}`));
    page.on("console", (m) => {
      if (m.type() === "error") errors.push(`console: ${m.text()}`);
    });
    await page.goto(`${url}${hash}`);
    await page.waitForSelector(wait);
    return { page, errors };
  }

  const resultLatex = (page: Page) => page.locator("#result annotation").textContent();

  it("differentiates x'*A*x as it is typed, and switches layouts", async () => {
    const { page, errors } = await open();
    await page.fill("#problem", "");
    await page.locator("#problem").pressSequentially("x'*A*x", { delay: 20 });
    await expect
      .poll(() => resultLatex(page))
      .toBe("\\mathbf{x}^\\top \\left(\\mathbf{A} + \\mathbf{A}^\\top\\right)");
    await page.getByLabel("denominator").check();
    await expect
      .poll(() => resultLatex(page))
      .toBe("\\left(\\mathbf{A} + \\mathbf{A}^\\top\\right) \\mathbf{x}");
    await expect
      .poll(() => page.locator("#result-title").textContent())
      .toMatch(/denominator layout, shape n/);
    await expect.poll(() => page.locator("#check").textContent()).toMatch(/✓ check passed/);
    await page.screenshot({ path: resolve(SHOTS, "playground-xAx.png"), fullPage: true });
    expect(errors).toEqual([]);
  });

  it("checks an answer as it is typed: equal in a layout, right only for symmetric A, or off by a factor", async () => {
    const { page, errors } = await open();
    await page.fill("#problem", "x'*A*x");
    await expect.poll(() => page.locator("#result-text").textContent()).toBe("x'*(A + A')");
    await page.locator("#answer-details summary").click();
    const verdict = () => page.locator("#answer-verdict").textContent();
    await page.locator("#answer").pressSequentially("2*A*x", { delay: 20 });
    await expect
      .poll(verdict)
      .toMatch(/^✗ holds only when A is symmetric \(A = A'\)[\s\S]*for example at x = \[/);
    await page.fill("#answer", "(A + A')*x");
    await expect.poll(verdict).toMatch(/^✓ equal: the answer is the derivative in denominator layout/);
    await page.fill("#answer", "2*x'*(A + A')");
    await expect.poll(verdict).toMatch(/^✗ off by a factor of 2/);
    await page.fill("#answer", "2*A*");
    await expect.poll(verdict).toMatch(/the answer: expected an expression/);
    await page.screenshot({ path: resolve(SHOTS, "playground-answer.png") });
    expect(errors).toEqual([]);
  });

  it("shows a broken expression's error inline, with a caret, and recovers", async () => {
    const { page, errors } = await open();
    await page.fill("#problem", "x'*A*");
    await expect
      .poll(() => page.locator("#error").textContent())
      .toMatch(/expected an expression, found the end of the input/);
    const text = (await page.locator("#error pre").textContent()) ?? "";
    expect(text.split("\n")[2]).toMatch(/^\s+\^$/);
    await page.screenshot({ path: resolve(SHOTS, "playground-error.png") });
    for (const junk of ["(((", "x +* y", "@#$", "tr(x)", "[a; b", "log(det(", "'''"])
      await page.fill("#problem", junk);
    await page.fill("#problem", "sum(exp(x))");
    await expect.poll(() => page.locator("#result-text").textContent()).toBe("exp(x)'");
    expect(await page.locator("#error").isHidden()).toBe(true);
    expect(errors).toEqual([]);
  });

  it("never throws or goes blank, whatever is typed", async () => {
    const { page, errors } = await open();
    const tokens = [
      "x",
      "A",
      "a",
      "'",
      "*",
      "+",
      "-",
      ".^",
      "(",
      ")",
      "[",
      ";",
      "]",
      "exp(",
      "inv(",
      "det(",
      "2",
      ",",
      "\n",
      "x: vector(n)",
      "@",
    ];
    const inputs = fc.sample(
      fc.array(fc.constantFrom(...tokens), { maxLength: 12 }).map((t) => t.join("")),
      { numRuns: 80, seed: 11 },
    );
    for (const input of inputs) {
      await page.fill("#problem", input);
      await page.evaluate(() => new Promise((done) => setTimeout(done, 170)));
      const visible =
        (await page.locator("#error").isVisible()) ||
        (await page.locator("#result").textContent()) !== "" ||
        input.trim() === "";
      expect(visible, JSON.stringify(input)).toBe(true);
    }
    expect(errors).toEqual([]);
  });

  it("restores a shared URL", async () => {
    const params = new URLSearchParams({
      p: "S: symmetric(n)\nlogdet(S)",
      wrt: "S",
      order: "1",
      layout: "denominator",
      sym: "cookbook",
      mode: "forward",
    });
    const { page, errors } = await open(`#${params}`);
    expect(await page.inputValue("#problem")).toBe("S: symmetric(n)\nlogdet(S)");
    await expect.poll(() => page.locator("#result-text").textContent()).toBe("2*inv(S) - I .* inv(S)");
    expect(await page.isVisible("#symmetric-label")).toBe(true);
    expect(errors).toEqual([]);
  });

  it("runs no script from a shared URL's problem, even when it trains", async () => {
    const payload = "window.__matcalcInjected = 1; alert(1); //";
    // (A text area reads \r as \n, so there it only ends the comment.)
    for (const separator of ["\u2028", "\u2029"]) {
      const params = new URLSearchParams({
        p: `x: vector(2), sum((A*x - y).^2) # note${separator}${payload}`,
        wrt: "x",
      });
      const { page, errors } = await open(`#${params}`);
      const dialogs: string[] = [];
      page.on("dialog", (d) => {
        dialogs.push(d.message());
        void d.dismiss();
      });
      await page.fill("#params", "x");
      await page.fill("#data", '{"A": [[1, 0], [0, 1]], "y": [1, 2]}');
      await page.click("#train");
      await expect.poll(() => page.locator("#train-status").textContent()).toMatch(/step \d+\//);
      expect(await page.evaluate(() => (window as { __matcalcInjected?: number }).__matcalcInjected)).toBe(
        undefined,
      );
      expect(dialogs).toEqual([]);
      expect(errors).toEqual([]);
      await page.close();
    }
  });

  it("runs every gallery example to a result with a passing numeric check", async () => {
    const { page, errors } = await open();
    const titles = [...LECTURE_EXAMPLES, ...COOKBOOK_EXAMPLES].map((e) => e.title);
    for (const title of titles) {
      await page.getByRole("button", { name: title, exact: true }).click();
      await expect
        .poll(() => page.locator("#check").textContent(), { timeout: 15_000, message: title })
        .toMatch(/✓ check passed/);
      expect(await page.locator("#result .katex").count(), title).toBe(1);
    }
    await page.screenshot({ path: resolve(SHOTS, "playground-gallery.png"), fullPage: true });
    expect(errors).toEqual([]);
  });

  it("folds out the step-by-step derivation", async () => {
    const { page, errors } = await open();
    await page.getByRole("button", { name: "Single-variable chain rule", exact: true }).click();
    await page.locator("#steps-details summary").click();
    await expect
      .poll(() => page.locator("#steps").textContent())
      .toMatch(/Result: 6\*x\^2\*cos\(x\^3\)\/sin\(x\^3\)/);
    expect(await page.locator("#steps table .katex").count()).toBeGreaterThanOrEqual(8);
    await page.screenshot({ path: resolve(SHOTS, "playground-steps.png"), fullPage: true });
    expect(errors).toEqual([]);
  });

  it("shows the generated code for each target, and the JavaScript runs to the engine's numbers", async () => {
    const { page, errors } = await open();
    await page.locator("#code-details summary").click();
    await expect
      .poll(() => page.locator("#code").textContent())
      .toContain("export function derivatives(inputs: { A: number[][]; x: ArrayLike<number> })");
    await page.selectOption("#target", "numpy");
    await expect.poll(() => page.locator("#code").textContent()).toContain("import numpy as np");
    await page.screenshot({ path: resolve(SHOTS, "playground-code.png"), fullPage: true });
    await page.selectOption("#target", "js");
    await expect.poll(() => page.locator("#code").textContent()).toContain("function matmul(a, b, into)");
    const gradient = await page.evaluate(() => {
      const code = document.getElementById("code")!.textContent!;
      const make = new Function(`${code.replace(/^export function/m, "function")}\nreturn derivatives;`);
      return make()({
        A: [
          [1, 2],
          [3, 4],
        ],
        x: [1, -1],
      }).d_x;
    });
    // x'(A + A') at x = [1, -1].
    expect(gradient).toEqual([-3, -3]);
    await page.getByRole("button", { name: "Copy code" }).click();
    await expect.poll(() => page.getByRole("button", { name: "Copied" }).count()).toBe(1);
    expect(errors).toEqual([]);
  });

  it("trains the lecture's neuron in the page with a live loss plot", async () => {
    const { page, errors } = await open();
    await page.click("#load-neuron");
    await expect.poll(() => page.locator("#params").inputValue()).toBe("w,b");
    await page.click("#train");
    await expect.poll(() => page.locator("#train-status").textContent()).toMatch(/step \d+\/300/);
    await expect
      .poll(() => page.locator("#train-result").textContent(), { timeout: 30_000 })
      .toContain("w = [1.5,-2,0.5]   b = 0.3");
    expect(await page.locator("#train-status").textContent()).toMatch(
      /step 300\/300 {2}loss \d\.\d+e-\d+ {2}check ok/,
    );
    expect(await page.locator("#loss-plot svg polyline").count()).toBe(1);
    await page.screenshot({ path: resolve(SHOTS, "playground-train.png"), fullPage: true });
    // A vector problem cannot be trained, and says so.
    await page.fill("#problem", "A*x");
    await expect
      .poll(() => page.locator("#train-unavailable").textContent())
      .toContain("needs a scalar problem");
    expect(errors).toEqual([]);
  });

  it("is usable by keyboard and at phone width", async () => {
    const { page, errors } = await open();
    for (const label of [
      "Declarations (optional) and one expression",
      "Order",
      "numerator",
      "denominator",
      "mixed",
    ]) {
      expect(await page.getByLabel(label).count(), label).toBeGreaterThan(0);
    }
    await page.focus("#problem");
    await page.keyboard.press("Tab");
    expect(await page.evaluate(() => document.activeElement?.tagName)).toBe("INPUT");
    await page.setViewportSize({ width: 375, height: 800 });
    const overflow = await page.evaluate(
      () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
    );
    expect(overflow).toBeLessThanOrEqual(1);
    await page.screenshot({ path: resolve(SHOTS, "playground-phone.png"), fullPage: true });
    expect(errors).toEqual([]);
  });

  const verdictOf = (page: Page) => page.locator("#exercise-verdict").textContent();

  it("runs an exercise: the problem shown, the answer hidden, a verdict for each kind of answer as it is typed", async () => {
    const { page, errors } = await open();
    await page.getByRole("button", { name: "Exercise: Quadratic form x'Ax", exact: true }).click();
    await expect.poll(() => page.locator("#exercise-problem .katex").count()).toBe(1);
    expect(await page.isHidden("#result-panel")).toBe(true);
    const answer = page.locator("#exercise-answer");
    const cases: ReadonlyArray<readonly [string, RegExp]> = [
      ["2*x'", /^✗ different/],
      ["2*A*x", /^✗ holds only when A is symmetric/],
      ["2*x'*(A + A')", /^✗ off by a factor of 2/],
      ["(A + A')*x", /^✓ equal: the answer is the derivative in denominator layout/],
      ["x'*(A + A')", /^✓ equal: the answer is the derivative in numerator layout/],
    ];
    for (const [typed, verdict] of cases) {
      await answer.fill("");
      await answer.pressSequentially(typed, { delay: 10 });
      await expect.poll(() => verdictOf(page), { message: typed }).toMatch(verdict);
    }
    await page.screenshot({ path: resolve(SHOTS, "exercise-solved.png"), fullPage: true });
    // Hints one at a time, then the answer.
    await page.click("#hint");
    await expect.poll(() => page.locator("#hints > li").count()).toBe(1);
    expect(await page.locator("#hints").textContent()).toMatch(/Name the intermediate variables/);
    await page.click("#hint");
    await expect.poll(() => page.locator("#hints > li").count()).toBe(2);
    expect(await page.isHidden("#exercise-solution")).toBe(true);
    await page.click("#show-answer");
    await expect.poll(() => page.locator("#exercise-solution-text").textContent()).toBe("x'*(A + A')");
    // Progress stays in the browser; the exercise is a link.
    await expect
      .poll(() => page.locator("#progress").textContent())
      .toMatch(/^Solved 1 of 22 lecture exercises/);
    const link = page.url();
    expect(link).toMatch(/#ex=Quadratic/);
    const again = await browser.newPage();
    await again.goto(link);
    await expect.poll(() => again.locator("#exercise-title").textContent()).toBe("Quadratic form x'Ax");
    expect(await again.isHidden("#result-panel")).toBe(true);
    await again.close();
    await page.click("#leave-exercise");
    await expect.poll(() => page.locator("#result-text").textContent()).not.toBe("");
    expect(errors).toEqual([]);
  });

  it("judges the engine's own answer right for every lecture example as an exercise", async () => {
    const { page, errors } = await open();
    await page.evaluate(() => localStorage.clear());
    for (const example of LECTURE_EXAMPLES) {
      await page.getByRole("button", { name: `Exercise: ${example.title}`, exact: true }).click();
      await expect.poll(() => page.locator("#exercise-title").textContent()).toBe(example.title);
      const right = differentiate(example.problem, example.wrt.split(","), {
        order: example.order ?? 1,
      }).text;
      await page.fill("#exercise-answer", right);
      await expect
        .poll(() => verdictOf(page), { timeout: 15_000, message: `${example.title}: ${right}` })
        .toMatch(/^✓ equal/);
    }
    await expect.poll(() => page.locator("#progress").textContent()).toMatch(/^Solved 22 of 22/);
    expect(errors).toEqual([]);
  });

  it("loads a teacher's sheet from a file and from ?sheet=, and refuses a broken one in one line", async () => {
    const sheet = {
      title: "Week 3",
      exercises: [
        { problem: "x'*x", wrt: "x", layout: "denominator", expected: "2*x" },
        { title: "log-det", problem: "log(det(X))", wrt: "X" },
      ],
    };
    const { page, errors } = await open();
    await page.setInputFiles("#sheet-file", {
      name: "week3.json",
      mimeType: "application/json",
      buffer: Buffer.from(JSON.stringify(sheet)),
    });
    await expect.poll(() => page.locator("#sheet-status").textContent()).toMatch(/^Week 3: 2 exercises/);
    await page.getByRole("button", { name: "log-det", exact: true }).click();
    await page.fill("#exercise-answer", "inv(X)'");
    await expect
      .poll(() => verdictOf(page))
      .toMatch(/^✓ equal: the answer is the derivative in denominator layout/);
    await page.click("#next-exercise");
    await expect.poll(() => page.locator("#exercise-title").textContent()).toBe("Week 3 1: x'*x");
    await page.click("#show-answer");
    await expect
      .poll(() => page.locator("#exercise-solution-text").textContent())
      .toMatch(/the sheet writes it 2\*x/);
    await page.setInputFiles("#sheet-file", {
      name: "bad.json",
      mimeType: "application/json",
      buffer: Buffer.from('{"exercises": [{"problem": "x"}]}'),
    });
    await expect
      .poll(() => page.locator("#sheet-status").textContent())
      .toBe('the sheet cannot be used: exercise 1 needs "wrt": the variable (or scalars x,y)');
    await page.close();
    const address = `data:application/json,${encodeURIComponent(JSON.stringify(sheet))}`;
    const linked = await browser.newPage();
    await linked.goto(`${url}?sheet=${encodeURIComponent(address)}`);
    await expect.poll(() => linked.locator("#sheet li").count()).toBe(2);
    await linked.close();
    expect(errors).toEqual([]);
  });

  it("stays responsive while an order-4 derivative runs, cancels it when the input changes or by hand, and stops work over the budget", async () => {
    const { page, errors } = await open();
    await page.locator("#code-details summary").click();
    await page.fill("#order", "4");
    await page.fill("#problem", "sin(x'*A*x)*exp(x'*B*x)*cos(x'*C*x)");
    await page.waitForSelector("#status:not([hidden])");
    // The page answers while the worker computes: a click is handled, and a frame is drawn, fast.
    const delays: number[] = [];
    for (let k = 0; k < 5; k++) {
      const t0 = Date.now();
      await page.evaluate(
        () =>
          new Promise((done) => {
            (document.querySelector("#index-details summary") as HTMLElement).click();
            requestAnimationFrame(done);
          }),
      );
      delays.push(Date.now() - t0);
    }
    delays.sort((a, b) => a - b);
    // Were the page's thread doing the work, every click would wait for the whole derivation (about a
    // second); the fastest of five says whether it answers at all while the worker runs, whatever else
    // the machine is doing.
    expect(delays[0], `click-to-frame delays ${delays.join(", ")} ms`).toBeLessThan(100);
    // (and the clicks came while the work ran)
    expect(await page.locator("#status").isVisible()).toBe(true);
    // A new input cancels the work in flight: the new answer comes, not the old one.
    await page.fill("#order", "1");
    await page.fill("#problem", "x'*x");
    await expect.poll(() => page.locator("#result-text").textContent()).toBe("2*x'");
    // A 6th-order request, cancelled by hand.
    await page.fill("#order", "6");
    await page.fill("#problem", "x'*A*x*x'*B*x*x'*C*x");
    await page.waitForSelector("#status:not([hidden])");
    await page.click("#cancel");
    await expect.poll(() => page.locator("#error").textContent()).toBe("cancelled");
    expect(await page.locator("#status").isHidden()).toBe(true);
    expect(errors).toEqual([]);
    // Over the time budget (here 0.2 s), a 6th-order request stops with a message.
    const slow = await browser.newPage();
    await slow.goto(
      `${url}?budget=0.2#${new URLSearchParams({ p: "x'*A*x*x'*B*x*x'*C*x", wrt: "x", order: "6" })}`,
    );
    await expect
      .poll(() => slow.locator("#error").textContent(), { timeout: 10_000 })
      .toMatch(/^stopped after 0\.2 s — try a lower order/);
    expect(await slow.locator("#status").isHidden()).toBe(true);
    await slow.screenshot({ path: resolve(SHOTS, "playground-stopped.png") });
    await slow.close();
  });

  it("exports the derivation as a LaTeX document and as Markdown", async () => {
    const { page, errors } = await open();
    await page.getByRole("button", { name: "Single-variable chain rule", exact: true }).click();
    await expect.poll(() => page.locator("#check").textContent()).toMatch(/✓ check passed/);
    const [latex] = await Promise.all([page.waitForEvent("download"), page.click("#export-latex")]);
    expect(latex.suggestedFilename()).toBe("derivative.tex");
    const tex = await readFile((await latex.path())!, "utf8");
    expect(tex).toMatch(/^\\documentclass\{article\}/);
    expect(tex).toContain("\\section*{Steps}");
    expect(tex).toContain("\\end{document}");
    const [markdown] = await Promise.all([page.waitForEvent("download"), page.click("#export-markdown")]);
    expect(markdown.suggestedFilename()).toBe("derivative.md");
    const md = await readFile((await markdown.path())!, "utf8");
    expect(md).toMatch(/^# Derivative/);
    expect(md).toContain("In matcalc's notation: `6*x^2*cos(x^3)/sin(x^3)`");
    expect(md).toContain("## Steps");
    expect(errors).toEqual([]);
  });

  it("follows the system's light or dark theme, and keeps long results in a box that scrolls", async () => {
    for (const scheme of ["light", "dark"] as const) {
      const page = await browser.newPage({ colorScheme: scheme, viewport: { width: 1280, height: 900 } });
      await page.goto(`${url}#${new URLSearchParams({ p: "sum(x.^4)", wrt: "x", order: "4" })}`);
      await expect.poll(() => page.locator("#result-text").textContent()).toMatch(/^T\[i,j,k,l\]/);
      const background = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
      expect(background).toBe(scheme === "dark" ? "rgb(13, 17, 23)" : "rgb(246, 248, 250)");
      // Input on the left, the derivative on the right, side by side.
      const left = await page.locator("#input-panel").boundingBox();
      const right = await page.locator("#result-panel").boundingBox();
      expect(right!.x).toBeGreaterThan(left!.x + left!.width - 1);
      await page.screenshot({ path: resolve(SHOTS, `playground-${scheme}.png`), fullPage: true });
      await page.close();
    }
    const { page, errors } = await open();
    await page.setViewportSize({ width: 375, height: 800 });
    await page.fill("#problem", "x'*A*x*x'*B*x*x'*C*x*x'*D*x*x'*E*x");
    await expect.poll(() => page.locator("#result").getAttribute("class")).toMatch(/overflows/);
    const overflow = await page.evaluate(
      () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
    );
    expect(overflow).toBeLessThanOrEqual(1);
    await page.screenshot({ path: resolve(SHOTS, "playground-long.png"), fullPage: true });
    // A matrix-by-matrix derivative that is a Kronecker product leads with it, the index form beside.
    await page.fill("#problem", "X: matrix(n, n)\ninv(X)");
    await expect.poll(() => page.locator("#result-text").textContent()).toBe("-inv(X)' ⊗ inv(X)");
    await expect
      .poll(() => page.locator("#result-title").textContent())
      .toMatch(/shape n×n×n×n, as a Kronecker product: d vec\(Y\)\/d vec\(X\), vec stacks columns/);
    await expect.poll(() => resultLatex(page)).toMatch(/\\otimes/);
    await expect.poll(() => page.locator("#notes").textContent()).toMatch(/index notation: T\[i,j,k,l\] = /);
    expect(errors).toEqual([]);
  });

  it("works as a static site from any path of a plain file server", async () => {
    const dist = resolve(ROOT, "web/dist");
    const types: Record<string, string> = {
      ".html": "text/html",
      ".js": "text/javascript",
      ".css": "text/css",
      ".woff2": "font/woff2",
      ".woff": "font/woff",
      ".ttf": "font/ttf",
    };
    const prefix = "/course/matrix-calculus/tool/";
    const files = createServer(async (request, response) => {
      const path = decodeURIComponent(new URL(request.url!, "http://x").pathname);
      if (!path.startsWith(prefix)) {
        response.writeHead(404).end();
        return;
      }
      const file = join(dist, path.slice(prefix.length) || "index.html");
      try {
        const body = await readFile(file);
        response
          .writeHead(200, { "content-type": types[extname(file)] ?? "application/octet-stream" })
          .end(body);
      } catch {
        response.writeHead(404).end();
      }
    });
    await new Promise<void>((done) => files.listen(0, "127.0.0.1", done));
    const { port } = files.address() as AddressInfo;
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on("pageerror", (e) => errors.push(e.message));
    await page.goto(`http://127.0.0.1:${port}${prefix}`);
    await expect.poll(() => page.locator("#result-text").textContent()).toBe("x'*(A + A')");
    await page.close();
    files.close();
    expect(errors).toEqual([]);
  });
});
