import { differentiate } from "./src/api/index.ts";
const chain = (k: number, tag: string) => { const decl = Array.from({ length: k }, (_, i) => `A${i + 1}${tag}: matrix(n, n)`).join(", "); const c = Array.from({ length: k }, (_, i) => `A${i + 1}${tag}*X${tag}`).join("*"); return `X${tag}: matrix(n, n), ${decl}\ntr(${c})`; };
for (let r = 0; r < 3; r++) differentiate(chain(16, `w${r}`), `Xw${r}`);
const g = globalThis as any; g.__ruleStats.clear(); g.__passes = 0; g.__visits = 0;
const t = performance.now(); differentiate(chain(16, `q`), `Xq`); console.log("ms", (performance.now() - t).toFixed(1));
console.log("passes", g.__passes, "visits", g.__visits);
console.log([...g.__ruleStats].sort((a: any, b: any) => b[1].ms - a[1].ms).slice(0, 8).map(([k, v]: any) => `${k} calls=${v.calls} fired=${v.fired} ms=${v.ms.toFixed(1)}`).join("\n"));
