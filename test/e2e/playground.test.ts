// The playground in real headless Chromium (Debian's, driven by playwright-core): the page is built
// with Vite and served by `vite preview` on a free port. Skipped with a message when no Chromium is
// installed, unless REQUIRE_BROWSER=1 (as in CI), where that is a failure.
import { existsSync, mkdirSync } from "node:fs";
import { resolve } from "node:path";
import fc from "fast-check";
import { type Browser, chromium, type Page } from "playwright-core";
import { build, type PreviewServer, preview } from "vite";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { COOKBOOK_EXAMPLES, LECTURE_EXAMPLES } from "../../src/index.js";

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
  async function open(hash = ""): Promise<{ page: Page; errors: string[] }> {
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on("pageerror", (e) => errors.push(`pageerror: ${e.message}`));
    page.on("console", (m) => {
      if (m.type() === "error") errors.push(`console: ${m.text()}`);
    });
    await page.goto(`${url}${hash}`);
    await page.waitForSelector("#result .katex");
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
});
