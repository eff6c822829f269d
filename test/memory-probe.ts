// Run by memory.test.ts in a process of its own, with --expose-gc: derives a problem many times under
// fresh names, each derivation its own task as in a session, and prints the live heap (after full
// garbage collections) once warmed up and at the end, in bytes, as JSON.
import { differentiate } from "../src/api/index.js";

const gc = (globalThis as { gc?: () => void }).gc;
if (gc === undefined) throw new Error("run with --expose-gc");

const task = () => new Promise((resolve) => setImmediate(resolve));
const problem = (tag: string) => {
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
    differentiate(problem(tag), `x${tag}`);
  }
};
await derive(10);
const warm = await live();
await derive(Number(process.argv[2] ?? 30));
const end = await live();
process.stdout.write(`${JSON.stringify({ warm, end, derivations: run })}\n`);
