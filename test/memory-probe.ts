// Run by memory.test.ts in a process of its own, with --expose-gc: derives a problem many times under
// fresh names (and, with "constants", fresh numbers), each derivation its own task as in a session,
// and prints the live heap (after full garbage collections) once warmed up and at the end, in bytes,
// as JSON. Arguments: the number of derivations, then "sum" or "constants".
import { differentiate } from "../src/api/index.js";

const gc = (globalThis as { gc?: () => void }).gc;
if (gc === undefined) throw new Error("run with --expose-gc");

const task = () => new Promise((resolve) => setImmediate(resolve));
/** The 100-term sum; or, with "constants", a problem with numbers no earlier problem had. */
const kind = process.argv[3] ?? "sum";
const problem = (tag: string, k: number) => {
  if (kind === "constants")
    return `x${tag}: vector(n), A${tag}: matrix(n, n)\n${k + 0.25}*x${tag}'*A${tag}*x${tag} + sum(exp(${k + 0.5}*x${tag}))`;
  const terms = 100;
  const decl = Array.from({ length: terms }, (_, i) => `A${i + 1}${tag}: matrix(n, n)`).join(", ");
  const sum = Array.from({ length: terms }, (_, i) => `x${tag}'*A${i + 1}${tag}*x${tag}`).join(" + ");
  return `x${tag}: vector(n), ${decl}\n${sum}`;
};
const live = async () => {
  for (let i = 0; i < 3; i++) {
    await task();
    gc();
  }
  return process.memoryUsage().heapUsed;
};

let run = 0;
const derive = async (count: number) => {
  for (let i = 0; i < count; i++) {
    await task();
    const tag = `m${++run}`;
    differentiate(problem(tag, run), `x${tag}`);
  }
};
await derive(10);
const warm = await live();
await derive(Number(process.argv[2] ?? 30));
const end = await live();
process.stdout.write(`${JSON.stringify({ warm, end, derivations: run })}\n`);
